//! Phrase shaping: turning a phrase or quote from a sales call into words that read well inside
//! a sentence of copy.
//!
//! Templates only put evidence phrases where any noun-like phrase fits ("tired of [[pain]]",
//! "the real cost of [[pain]]"), never right before a verb that would have to agree with it. So
//! a phrase is usable when it is noun-like (a noun phrase or a gerund phrase: "slow follow-up",
//! "losing leads"), speaks about the prospect and not the vendor, and is short. First-person
//! words become second person ("my calendar" → "your calendar") because the copy talks to the
//! reader. Quotes are used verbatim except for light tidying: fillers at the start, repeated
//! words, capitalisation and end punctuation.

/// What a tidied phrase is, grammatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A noun phrase or a gerund phrase: fits "tired of …", "the cost of …".
    Noun,
    /// A question in embedded form ("how soon you can start"): fits "answers on …".
    EmbeddedQuestion,
    /// A clause or anything else: only usable as a quote.
    Other,
}

/// A phrase ready for a slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShapedPhrase {
    pub(crate) text: String,
    pub(crate) shape: Shape,
}

/// Longest phrase (in words) that still reads as a phrase, not a sentence.
const MAX_PHRASE_WORDS: usize = 8;
/// Quotes used verbatim in copy: long enough to mean something, short enough to read.
const MIN_QUOTE_WORDS: usize = 4;
const MAX_QUOTE_WORDS: usize = 28;

/// Words that carry no meaning at the edges of a phrase (speech fillers).
const EDGE_FILLERS: &[&str] = &[
    "um",
    "uh",
    "erm",
    "hmm",
    "mm",
    "like",
    "so",
    "well",
    "yeah",
    "yes",
    "ok",
    "okay",
    "oh",
    "and",
    "but",
    "just",
    "honestly",
    "basically",
    "actually",
    "literally",
    "really",
    "right",
    "anyway",
    "also",
    "then",
    "or",
];
/// Multi-word fillers stripped at the edges.
const EDGE_FILLER_PHRASES: &[&str] = &[
    "i mean",
    "you know",
    "kind of",
    "sort of",
    "i guess",
    "i think",
    "or something",
    "and stuff",
    "and everything",
    "and all that",
    "or whatever",
    "to be honest",
];
/// Words a phrase must not end with (it would dangle: "losing leads to").
const TRAILING_STOPWORDS: &[&str] = &[
    "a", "an", "the", "to", "of", "for", "with", "and", "or", "but", "that", "which", "because",
    "so", "in", "on", "at", "from", "by", "my", "our", "your", "their", "is", "are", "was", "were",
    "be", "if", "when", "as", "than", "it's", "its", "we", "i", "you", "they", "this", "these",
    "those", "very", "too", "more", "most", "like", "about", "into", "just", "do", "does", "have",
    "has", "had", "can", "will", "would", "could", "should", "not", "no",
];
/// Fillers dropped anywhere inside a quote.
const INLINE_FILLERS: &[&str] = &["um", "uh", "erm", "uhm", "umm", "uhh", "hmm", "mm"];

/// Words that say the phrase is about the vendor (the prospect speaking to the rep).
const VENDOR_WORDS: &[&str] = &[
    "you", "your", "you're", "yours", "y'all", "you've", "you'll", "you'd", "ya",
];

/// Subject pronouns: a phrase starting with one is a clause.
const SUBJECT_PRONOUNS: &[&str] = &[
    "i",
    "we",
    "they",
    "he",
    "she",
    "it",
    "i'm",
    "we're",
    "they're",
    "he's",
    "she's",
    "it's",
    "i've",
    "we've",
    "they've",
    "i'd",
    "we'd",
    "i'll",
    "we'll",
    "there's",
    "that's",
    "there",
    "everyone",
    "everybody",
    "nobody",
    "somebody",
    "someone",
];
/// Finite verbs and auxiliaries: a noun phrase does not contain them.
const FINITE_VERBS: &[&str] = &[
    "is",
    "are",
    "was",
    "were",
    "am",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "do",
    "does",
    "did",
    "don't",
    "doesn't",
    "didn't",
    "can",
    "can't",
    "cannot",
    "could",
    "couldn't",
    "will",
    "won't",
    "would",
    "wouldn't",
    "should",
    "shouldn't",
    "have",
    "has",
    "had",
    "haven't",
    "hasn't",
    "hadn't",
    "keep",
    "keeps",
    "kept",
    "go",
    "goes",
    "went",
    "gets",
    "got",
    "takes",
    "took",
    "needs",
    "wants",
    "feel",
    "feels",
    "felt",
    "seem",
    "seems",
    "makes",
    "made",
    "comes",
    "came",
    "say",
    "says",
    "said",
    "know",
    "knows",
    "knew",
    "think",
    "thinks",
    "thought",
    "tried",
    "try",
    "tries",
    "use",
    "uses",
    "used",
    "must",
    "might",
    "may",
    "shall",
];
/// Words ending in "-ing" that are not gerunds.
const NOT_GERUNDS: &[&str] = &[
    "thing",
    "things",
    "something",
    "nothing",
    "anything",
    "everything",
    "morning",
    "evening",
    "king",
    "ring",
    "spring",
    "string",
    "wing",
    "sibling",
    "ceiling",
    "during",
    "bring",
    "sing",
    "sting",
    "swing",
    "wring",
    "cling",
    "fling",
    "sling",
    "thing's",
    "pudding",
    "wedding",
    "building",
    "meeting",
    "meetings",
    "pricing",
    "funding",
    "clothing",
    "housing",
    "lighting",
    "marketing",
    "advertising",
    "billing",
    "booking",
    "bookings",
    "training",
    "onboarding",
    "scheduling",
    "staffing",
    "hiring",
    "landing",
    "listing",
    "listings",
    "setting",
    "settings",
    "parking",
    "shipping",
    "spending",
    "earnings",
    "savings",
    "offering",
    "offerings",
    "branding",
];
/// Question openers: wh-words.
const WH_WORDS: &[&str] = &[
    "how", "what", "when", "where", "why", "who", "which", "whether",
];
/// Auxiliaries that invert with the subject in a direct question.
const INVERTING_AUXILIARIES: &[&str] = &[
    "can", "could", "will", "would", "should", "is", "are", "do", "does", "did", "have", "has",
];
/// Acronyms that analysis lower-cases and copy must not.
const ACRONYMS: &[&str] = &[
    "crm", "seo", "sdr", "sdrs", "roi", "ppc", "ai", "hr", "b2b", "b2c", "saas", "smb", "ceo",
    "cfo", "cto", "coo", "vp", "kpi", "kpis", "hvac", "cpa", "llc", "faq", "pdf", "sms", "api",
    "ui", "ux",
];
/// Words copy never uses, whatever the prospect said.
const PROFANITY: &[&str] = &[
    "damn", "damned", "hell", "shit", "shitty", "crap", "crappy", "fuck", "fucking", "fucked",
    "ass", "bitch", "bastard", "piss", "pissed", "bloody", "goddamn",
];

/// Tidies an evidence phrase and decides whether and how it can fill a slot. `None` when it
/// cannot be used at all (empty after tidying, too long, vendor-directed, profane).
pub(crate) fn shape_phrase(raw: &str) -> Option<ShapedPhrase> {
    let folded = strip_unsafe_chars(&fold_typography(raw));
    let cleaned = folded
        .trim()
        .trim_matches(|c: char| matches!(c, '"' | '\'' | '(' | ')' | ',' | '.'));
    if cleaned
        .chars()
        .any(|c| matches!(c, '.' | '!' | ';' | ',' | '"' | ':'))
    {
        // Several clauses or a list: not a phrase.
        return None;
    }
    let question = cleaned.trim().ends_with('?');
    let mut words: Vec<String> = cleaned
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| {
                !c.is_alphanumeric() && c != '\'' && c != '-' && c != '$' && c != '%'
            })
        })
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    strip_edges(&mut words, true);
    if words.is_empty() || words.len() > MAX_PHRASE_WORDS {
        return None;
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    if lower.iter().any(|w| PROFANITY.contains(&w.as_str())) {
        return None;
    }
    if !lower
        .iter()
        .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
    {
        return None;
    }
    if let Some(embedded) = embedded_question(&lower) {
        return Some(ShapedPhrase {
            text: fix_case(&embedded),
            shape: Shape::EmbeddedQuestion,
        });
    }
    if question || lower.iter().any(|w| VENDOR_WORDS.contains(&w.as_str())) {
        return None;
    }
    if let Some(gerund_phrase) = clause_to_gerund(&words) {
        // "we keep losing leads" → "losing leads"; shaped again as the noun phrase it now is.
        return shape_phrase(&gerund_phrase).filter(|p| p.shape == Shape::Noun);
    }
    let shape = if SUBJECT_PRONOUNS.contains(&lower[0].as_str())
        || lower
            .iter()
            .enumerate()
            // "to have …" is an infinitive, not a finite "have".
            .filter(|(i, _)| !(*i == 1 && lower[0] == "to"))
            .any(|(_, w)| FINITE_VERBS.contains(&w.as_str()))
    {
        Shape::Other
    } else {
        Shape::Noun
    };
    if shape == Shape::Noun && lower.len() == 1 && !is_gerund(&lower[0]) {
        // A bare noun ("leads") says too little to carry a sentence.
        return Some(ShapedPhrase {
            text: fix_case(&words.join(" ")),
            shape: Shape::Other,
        });
    }
    let text = match (shape, lower[0].as_str()) {
        // "to stop chasing people" → "no more chasing people".
        (Shape::Noun, "to") if lower.len() >= 3 && lower[1] == "stop" && is_gerund(&lower[2]) => {
            let mut rest = vec!["no".to_owned(), "more".to_owned()];
            rest.extend(words[2..].iter().cloned());
            second_person(&rest)
        }
        // "to get more leads" → "getting more leads".
        (Shape::Noun, "to") if lower.len() >= 2 => {
            let mut rest = vec![gerund(&lower[1])];
            rest.extend(words[2..].iter().cloned());
            second_person(&rest)
        }
        // "evenings back" (from "I want my evenings back") → "getting your evenings back".
        (Shape::Noun, _)
            if lower.len() >= 2
                && lower.last().is_some_and(|w| w == "back")
                && !lower.iter().any(|w| is_gerund(w)) =>
        {
            let mut rest = vec!["getting".to_owned()];
            rest.extend(words.iter().cloned());
            second_person(&rest)
        }
        _ => second_person(&words),
    };
    Some(ShapedPhrase {
        text: fix_case(&text),
        shape,
    })
}

/// A desire as the analysis reports it, trigger included ("want to get more leads", "i'd love
/// to have a full hygiene schedule", "ideally we'd get a predictable pipeline"), reduced to the
/// outcome itself ("to get more leads", "to have a full hygiene schedule", "to get a
/// predictable pipeline", "a full schedule") for [`shape_phrase`], which makes it a gerund or
/// noun phrase that fits "What [[desire]] would look like". `None` when the outcome only points
/// back at something said before ("to get this sorted", "to fix it"): copy cannot say what
/// "this" is.
pub(crate) fn desire_outcome(raw: &str) -> Option<String> {
    const TRIGGER: &[&str] = &[
        "i", "we", "i'd", "we'd", "would", "really", "love", "like", "want", "wanted", "wanna",
        "hope", "hoping", "wish", "looking", "trying", "aiming", "planning", "ideally", "if",
        "only", "just", "honestly", "so", "and", "um", "uh",
    ];
    const VAGUE: &[&str] = &["this", "it", "things", "stuff", "everything"];
    let words: Vec<String> = fold_typography(raw)
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, ',' | '.' | '!' | '?' | '"'))
                .to_owned()
        })
        .filter(|w| !w.is_empty())
        .collect();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut start = 0;
    while start < lower.len() {
        // "the goal is to …", "my dream is …"
        let goal_is = matches!(lower[start].as_str(), "the" | "my" | "our")
            && lower.get(start + 1).is_some_and(|w| {
                matches!(w.as_str(), "goal" | "dream" | "vision" | "aim" | "target")
            })
            && lower.get(start + 2).is_some_and(|w| w == "is");
        if goal_is {
            start += 3;
        } else if TRIGGER.contains(&lower[start].as_str()) {
            start += 1;
        } else {
            break;
        }
    }
    let mut rest: Vec<String> = words[start..].to_vec();
    let rest_lower = &lower[start..];
    // "that" is vague as the object ("I want that", "to fix that"), not as a relative pronoun
    // ("a system that runs without me").
    let that_object = rest_lower.first().is_some_and(|w| w == "that")
        || (rest_lower.first().is_some_and(|w| w == "to")
            && rest_lower.get(2).is_some_and(|w| w == "that"));
    if rest.is_empty() || that_object || rest_lower.iter().any(|w| VAGUE.contains(&w.as_str())) {
        return None;
    }
    // A second clause ("to sell and the inspector flagged it", "to grow but we can't") is not
    // one outcome.
    let second_clause = rest_lower.windows(2).any(|pair| {
        matches!(pair[0].as_str(), "and" | "or" | "so")
            && matches!(
                pair[1].as_str(),
                "the" | "a" | "an" | "i" | "we" | "they" | "he" | "she" | "it" | "then" | "now"
            )
    }) || rest_lower
        .iter()
        .any(|w| matches!(w.as_str(), "but" | "because" | "cause" | "which" | "since"));
    if second_clause {
        return None;
    }
    // "to get …" stays; "get …" (after "ideally we'd") becomes "to get …"; noun phrases stay.
    let first = rest_lower[0].as_str();
    let verb_first = matches!(
        first,
        "get"
            | "have"
            | "grow"
            | "scale"
            | "fix"
            | "hit"
            | "reach"
            | "build"
            | "double"
            | "triple"
            | "be"
            | "stop"
            | "fill"
            | "add"
            | "land"
            | "cut"
            | "free"
            | "book"
            | "see"
            | "make"
            | "bring"
            | "find"
            | "hire"
            | "take"
            | "spend"
            | "go"
            | "keep"
            | "win"
            | "close"
            | "sign"
            | "launch"
            | "open"
            | "run"
            | "earn"
            | "save"
    );
    if verb_first {
        rest.insert(0, "to".to_owned());
    }
    Some(rest.join(" "))
}

/// A first-person clause about a problem or goal, as a gerund phrase: "we keep losing leads" →
/// "losing leads", "I'm drowning in admin" → "drowning in admin", "we can't hire fast enough" →
/// "not being able to hire fast enough", "we spend hours on quotes" → "spending hours on quotes".
/// `None` for anything else (third-person subjects, past tense, questions).
fn clause_to_gerund(words: &[String]) -> Option<String> {
    const SUBJECTS: &[&str] = &["i", "we"];
    const BE: &[&str] = &[
        "i'm", "we're", "am", "are", "was", "were", "i've", "we've", "been",
    ];
    const DROPPED_ADVERBS: &[&str] = &[
        "just",
        "really",
        "basically",
        "honestly",
        "literally",
        "actually",
        "kind",
        "sort",
        "of",
    ];
    const KEPT_ADVERBS: &[&str] = &[
        "always",
        "constantly",
        "still",
        "never",
        "also",
        "often",
        "usually",
    ];
    const IRREGULAR_PAST: &[&str] = &[
        "lost", "spent", "had", "got", "went", "made", "took", "left", "paid", "felt", "kept",
        "sent", "told", "thought", "bought", "brought", "found", "gave", "came", "saw", "knew",
        "said", "ran", "won", "put", "hit", "cut", "set", "let", "read", "heard", "held", "built",
        "meant", "sold", "became", "began",
    ];
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut i = 0;
    let contracted_subject = matches!(lower.first()?.as_str(), "i'm" | "we're" | "i've" | "we've");
    if !contracted_subject {
        if !SUBJECTS.contains(&lower.first()?.as_str()) {
            return None;
        }
        i = 1;
    }
    let mut kept: Vec<String> = Vec::new();
    let mut saw_be = contracted_subject;
    while let Some(word) = lower.get(i) {
        if BE.contains(&word.as_str()) {
            saw_be = true;
        } else if KEPT_ADVERBS.contains(&word.as_str()) {
            kept.push(words[i].clone());
        } else if !DROPPED_ADVERBS.contains(&word.as_str()) {
            break;
        }
        i += 1;
    }
    let verb = lower.get(i)?;
    let rest = &words[i + 1..];
    let mut out: Vec<String> = kept;
    if saw_be {
        // "we're losing leads": only a progressive continues as a gerund phrase.
        if !is_gerund(verb) {
            return None;
        }
        out.push(words[i].clone());
    } else {
        match verb.as_str() {
            "keep" | "kept" => {
                let next = lower.get(i + 1)?;
                let skip = usize::from(next == "on");
                let gerund_word = lower.get(i + 1 + skip)?;
                if !is_gerund(gerund_word) {
                    return None;
                }
                out.extend(words[i + 1 + skip..].iter().cloned());
                return Some(out.join(" "));
            }
            "can't" | "cannot" | "couldn't" => {
                rest.first()?;
                out.extend(["not", "being", "able", "to"].map(String::from));
            }
            "don't" | "didn't" => {
                let next = lower.get(i + 1)?;
                out.push("not".to_owned());
                out.push(gerund(next));
                out.extend(words[i + 2..].iter().cloned());
                return Some(out.join(" "));
            }
            verb if FINITE_VERBS.contains(&verb)
                || IRREGULAR_PAST.contains(&verb)
                || verb.ends_with("ed")
                || verb.ends_with('s')
                || is_gerund(verb) =>
            {
                return None;
            }
            verb => out.push(gerund(verb)),
        }
    }
    out.extend(rest.iter().cloned());
    (out.len() >= 2).then(|| out.join(" "))
}

/// "how soon can we start" → "how soon you can start"; "what's included" stays. `None` when the
/// words are not a question.
fn embedded_question(lower: &[String]) -> Option<String> {
    let first = lower.first()?;
    if first.ends_with("'s") && WH_WORDS.contains(&first.trim_end_matches("'s")) {
        // "what's included" → "what's included": already embedded-compatible.
        return Some(lower.join(" "));
    }
    if !WH_WORDS.contains(&first.as_str()) {
        return None;
    }
    // The wh-phrase runs until the first inverting auxiliary ("how soon | can | we start").
    let aux_at = lower
        .iter()
        .position(|w| INVERTING_AUXILIARIES.contains(&w.as_str()))?;
    let subject = lower.get(aux_at + 1)?;
    let subject_you = match subject.as_str() {
        "we" | "i" | "you" => "you",
        _ => return None,
    };
    let aux = lower[aux_at].as_str();
    let mut out: Vec<String> = lower[..aux_at].to_vec();
    out.push(subject_you.to_owned());
    match aux {
        // Do-support disappears: "how do we get started" → "how you get started".
        "do" | "does" | "did" => {}
        "is" | "are" => out.push("are".to_owned()),
        _ => out.push(aux.to_owned()),
    }
    let rest = &lower[aux_at + 2..];
    if rest.is_empty() && matches!(aux, "do" | "does" | "did") {
        return None;
    }
    out.extend(rest.iter().map(|w| to_second_person_word(w, false)));
    Some(out.join(" "))
}

/// Maps first-person words to second person, preserving everything else.
fn second_person(words: &[String]) -> String {
    let mut out = Vec::with_capacity(words.len());
    let mut previous_was_subject_i = false;
    for word in words {
        let lower = word.to_lowercase();
        let mapped = if previous_was_subject_i && (lower == "am" || lower == "was") {
            if lower == "am" {
                "are".to_owned()
            } else {
                "were".to_owned()
            }
        } else {
            to_second_person_word(word, true)
        };
        previous_was_subject_i = lower == "i";
        out.push(mapped);
    }
    out.join(" ")
}

fn to_second_person_word(word: &str, keep_case: bool) -> String {
    let lower = word.to_lowercase();
    let mapped = match lower.as_str() {
        "i" | "me" | "we" => "you",
        // "us" only when written in lower case: "US" is the country.
        "us" if !keep_case || word == "us" => "you",
        "my" | "our" => "your",
        "mine" | "ours" => "yours",
        "myself" => "yourself",
        "ourselves" => "yourselves",
        "i'm" | "we're" => "you're",
        "i've" | "we've" => "you've",
        "i'd" | "we'd" => "you'd",
        "i'll" | "we'll" => "you'll",
        _ => return word.to_owned(),
    };
    mapped.to_owned()
}

/// True for "-ing" words that are verbs ("losing"), not nouns that happen to end in -ing.
pub(crate) fn is_gerund(word: &str) -> bool {
    word.len() > 4 && word.ends_with("ing") && !NOT_GERUNDS.contains(&word)
}

/// The "-ing" form of a verb: get → getting, make → making, free → freeing.
fn gerund(verb: &str) -> String {
    const DOUBLING: &[&str] = &[
        "get", "stop", "run", "plan", "cut", "hit", "win", "set", "put", "shop", "sit", "begin",
        "drop", "ship", "grab", "scrap", "step", "chat", "map", "tap", "skip", "slip", "trim",
        "prep", "wrap", "ban", "fit", "quit", "let", "bet", "swap", "scan", "jog", "dig", "nag",
        "beg", "chop",
    ];
    if DOUBLING.contains(&verb) {
        let last = verb.chars().last().map(String::from).unwrap_or_default();
        return format!("{verb}{last}ing");
    }
    if let Some(stem) = verb.strip_suffix("ie") {
        return format!("{stem}ying");
    }
    if verb.len() > 2
        && verb.ends_with('e')
        && !verb.ends_with("ee")
        && !verb.ends_with("ye")
        && !verb.ends_with("oe")
        && verb != "be"
    {
        return format!("{}ing", &verb[..verb.len() - 1]);
    }
    format!("{verb}ing")
}

/// Removes fillers and dangling words at both ends (fillers only at the start when `both_ends`
/// is false).
fn strip_edges(words: &mut Vec<String>, both_ends: bool) {
    loop {
        let before = words.len();
        strip_leading_fillers(words);
        if both_ends {
            for filler in EDGE_FILLER_PHRASES {
                let n = filler.split(' ').count();
                if words.len() >= n && joined_lower(&words[words.len() - n..]) == *filler {
                    words.truncate(words.len() - n);
                }
            }
            while let Some(last) = words.last() {
                let last = last.to_lowercase();
                if EDGE_FILLERS.contains(&last.as_str())
                    || TRAILING_STOPWORDS.contains(&last.as_str())
                {
                    words.pop();
                } else {
                    break;
                }
            }
        }
        if words.len() == before {
            return;
        }
    }
}

fn strip_leading_fillers(words: &mut Vec<String>) {
    loop {
        let before = words.len();
        for filler in EDGE_FILLER_PHRASES {
            let n = filler.split(' ').count();
            if words.len() >= n && joined_lower(&words[..n]) == *filler {
                words.drain(..n);
            }
        }
        while let Some(first) = words.first() {
            let first = first.to_lowercase();
            let bare = first.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
            if EDGE_FILLERS.contains(&bare) {
                words.remove(0);
            } else {
                break;
            }
        }
        if words.len() == before {
            return;
        }
    }
}

fn joined_lower(words: &[String]) -> String {
    words
        .iter()
        .map(|w| {
            w.to_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Upper-cases known acronyms and a lone "i"; everything else as given.
fn fix_case(text: &str) -> String {
    text.split(' ')
        .map(|w| {
            let lower = w.to_lowercase();
            if ACRONYMS.contains(&lower.as_str()) && w == lower {
                lower.to_uppercase()
            } else if lower == "i" {
                "I".to_owned()
            } else {
                w.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Curly quotes, dashes and ellipses to their plain forms (which also keeps SMS in GSM-7).
pub(crate) fn fold_typography(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{2032}' => out.push('\''),
            '\u{201c}' | '\u{201d}' | '\u{2033}' => out.push('"'),
            '\u{2013}' | '\u{2014}' | '\u{2212}' => out.push('-'),
            '\u{2026}' => out.push_str("..."),
            '\u{00a0}' | '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Removes characters that would read as template syntax or markup in copy: `{ } [ ] < >`.
pub(crate) fn strip_unsafe_chars(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '{' | '}' | '[' | ']' | '<' | '>' | '|' | '\\'))
        .collect()
}

/// A quote tidied for use in copy, or `None` when it should not be quoted (too short or long,
/// profane, contains contact details or what looks like a person's or company's name).
///
/// `focus` is the evidence phrase: when the quote has several sentences, the one containing it is
/// used. `allowed_names` are capitalised words that may appear (the client's own name).
pub(crate) fn tidy_quote(quote: &str, focus: &str, allowed_names: &[String]) -> Option<String> {
    let text = strip_unsafe_chars(&fold_typography(quote));
    let sentence = pick_sentence(&text, focus);
    let mut words: Vec<String> = sentence.split_whitespace().map(str::to_owned).collect();
    // Inline fillers and stutters ("the the").
    words.retain(|w| {
        let bare = w.to_lowercase();
        let bare = bare.trim_matches(|c: char| !c.is_alphanumeric());
        !INLINE_FILLERS.contains(&bare)
    });
    // "we lost like three installs": the filler "like" before a number goes.
    let numeric = |w: &str| {
        const NUMBER_WORDS: &[&str] = &[
            "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "a", "half",
            "twenty", "fifty", "hundred",
        ];
        w.chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c == '$')
            || NUMBER_WORDS.contains(&w.to_lowercase().as_str())
    };
    let mut kept: Vec<String> = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let before_number = words
            .get(i + 1)
            .is_some_and(|next| numeric(next) && next.to_lowercase() != "a");
        if word.eq_ignore_ascii_case("like") && before_number {
            continue;
        }
        kept.push(word.clone());
    }
    words = kept;
    words.dedup_by(|b, a| {
        a.to_lowercase() == b.to_lowercase() && a.chars().all(char::is_alphabetic)
    });
    strip_leading_fillers(&mut words);
    for w in &mut words {
        // A comma left dangling by a removed filler ("so, um, we") is dropped with it.
        if w == "," {
            w.clear();
        }
    }
    words.retain(|w| !w.is_empty());
    if words.len() < MIN_QUOTE_WORDS {
        return None;
    }
    let lower: Vec<String> = words
        .iter()
        .map(|w| {
            w.to_lowercase()
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
                .to_owned()
        })
        .collect();
    if lower.iter().any(|w| PROFANITY.contains(&w.as_str())) {
        return None;
    }
    if words
        .iter()
        .any(|w| w.contains('@') || w.contains("http") || w.contains("www."))
    {
        return None;
    }
    if longest_number_run(&words) >= 7 {
        // A phone or account number.
        return None;
    }
    if looks_like_it_names_someone(&words, allowed_names) {
        return None;
    }
    if words.len() > MAX_QUOTE_WORDS {
        words = window_around(&words, &lower, focus, MAX_QUOTE_WORDS - 4);
    }
    let mut out = words.join(" ");
    out = out
        .trim_start_matches([',', ' ', '-'])
        .trim_end_matches([',', ' ', '-', ';', ':'])
        .to_owned();
    if out.chars().next().is_some_and(char::is_lowercase) {
        out = capitalize_first(&out);
    }
    if !out.ends_with(['.', '?', '!']) && !out.ends_with("...") {
        // Speech-to-text drops question marks; put one back where the words ask.
        let first = lower.first().map(String::as_str).unwrap_or_default();
        let second = lower.get(1).map(String::as_str).unwrap_or_default();
        let asks = WH_WORDS.contains(&first)
            || first
                .strip_suffix("'s")
                .is_some_and(|w| WH_WORDS.contains(&w))
            || (INVERTING_AUXILIARIES.contains(&first)
                && matches!(
                    second,
                    "i" | "we" | "you" | "they" | "it" | "this" | "that" | "there"
                ));
        out.push(if asks { '?' } else { '.' });
    }
    Some(out)
}

/// The most digits in a run of consecutive number-like words ("555 123 4567" → 10).
fn longest_number_run(words: &[String]) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for word in words {
        let number_like = word.chars().any(|c| c.is_ascii_digit())
            && word
                .chars()
                .all(|c| c.is_ascii_digit() || "()+-.,/".contains(c));
        run = if number_like {
            run + word.chars().filter(char::is_ascii_digit).count()
        } else {
            0
        };
        longest = longest.max(run);
    }
    longest
}

/// The sentence of `text` that contains `focus` (or its first content word); the whole text
/// when there is one sentence or no match.
fn pick_sentence<'t>(text: &'t str, focus: &str) -> &'t str {
    let sentences: Vec<&str> = split_sentences(text);
    if sentences.len() <= 1 {
        return text.trim();
    }
    let focus_lower = focus.to_lowercase();
    let key = focus_lower
        .split_whitespace()
        .find(|w| w.len() > 3 && !TRAILING_STOPWORDS.contains(w))
        .unwrap_or(focus_lower.as_str())
        .to_owned();
    sentences
        .iter()
        .find(|s| s.to_lowercase().contains(&focus_lower))
        .or_else(|| {
            sentences
                .iter()
                .find(|s| !key.is_empty() && s.to_lowercase().contains(&key))
        })
        .copied()
        .unwrap_or(sentences[0])
        .trim()
}

pub(crate) fn split_sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends = matches!(b, b'.' | b'?' | b'!') && bytes.get(i + 1).is_none_or(|n| *n == b' ');
        if ends {
            let piece = &text[start..=i];
            if !piece.trim().is_empty() {
                out.push(piece);
            }
            start = i + 1;
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(&text[start..]);
    }
    out
}

/// Capitalised words inside a sentence are probably names; the reader should not see another
/// prospect's name or the competitor they use.
fn looks_like_it_names_someone(words: &[String], allowed_names: &[String]) -> bool {
    const CAPITALISED_OK: &[&str] = &[
        "I",
        "I'm",
        "I've",
        "I'd",
        "I'll",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "OK",
        "Okay",
    ];
    let allowed: Vec<String> = allowed_names
        .iter()
        .flat_map(|n| {
            n.split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .collect();
    let mut sentence_start = true;
    for word in words {
        let bare = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'');
        let capitalised = bare.chars().next().is_some_and(char::is_uppercase);
        let acronym = bare.len() >= 2
            && bare
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        let known = CAPITALISED_OK.contains(&bare)
            || allowed.contains(&bare.to_lowercase())
            || (acronym && ACRONYMS.contains(&bare.to_lowercase().as_str()));
        if capitalised && !sentence_start && !known {
            return true;
        }
        sentence_start = word.ends_with(['.', '?', '!']);
    }
    false
}

/// At most `len` words around the focus phrase, with "..." where text was cut.
fn window_around(words: &[String], lower: &[String], focus: &str, len: usize) -> Vec<String> {
    let focus_first = focus
        .to_lowercase()
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    let at = lower.iter().position(|w| *w == focus_first).unwrap_or(0);
    let start = at
        .saturating_sub(len / 3)
        .min(words.len().saturating_sub(len));
    let end = (start + len).min(words.len());
    let mut out: Vec<String> = Vec::with_capacity(len + 2);
    if start > 0 {
        out.push("...".to_owned());
    }
    out.extend(words[start..end].iter().cloned());
    if end < words.len() {
        if let Some(last) = out.last_mut() {
            *last = last.trim_end_matches([',', '.', ';', ':']).to_owned();
        }
        out.push("...".to_owned());
    }
    out
}

/// Upper-cases the first character.
pub(crate) fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn noun(raw: &str) -> Option<String> {
        shape_phrase(raw)
            .filter(|p| p.shape == Shape::Noun)
            .map(|p| p.text)
    }

    #[test]
    fn desires_become_outcomes_that_fit_a_sentence() {
        let outcome = |raw: &str| {
            desire_outcome(raw)
                .and_then(|o| shape_phrase(&o))
                .filter(|p| p.shape == Shape::Noun)
                .map(|p| p.text)
        };
        assert_eq!(
            outcome("i'd love to have a full hygiene schedule").as_deref(),
            Some("having a full hygiene schedule")
        );
        assert_eq!(
            outcome("want to get more implant patients").as_deref(),
            Some("getting more implant patients")
        );
        assert_eq!(
            outcome("ideally we'd get a predictable outbound channel").as_deref(),
            Some("getting a predictable outbound channel")
        );
        assert_eq!(
            outcome("i'd love two new enterprise logos").as_deref(),
            Some("two new enterprise logos")
        );
        assert_eq!(
            outcome("our goal is to double revenue").as_deref(),
            Some("doubling revenue")
        );
        // "this" points at something only the call knows: not usable in copy.
        for vague in [
            "want to get this sorted this year",
            "i would like to fix this eventually",
            "i'd like to figure this out soon",
            "trying to sell and the inspector flagged",
        ] {
            assert_eq!(outcome(vague), None, "{vague}");
        }
    }

    #[test]
    fn noun_and_gerund_phrases_are_usable() {
        assert_eq!(noun("losing leads"), Some("losing leads".into()));
        assert_eq!(noun("slow follow-up"), Some("slow follow-up".into()));
        assert_eq!(noun("no-shows"), None, "a bare noun says too little");
        assert_eq!(noun("chasing no-shows"), Some("chasing no-shows".into()));
    }

    #[test]
    fn fillers_and_dangling_words_are_trimmed() {
        assert_eq!(
            noun("um so like losing leads to"),
            Some("losing leads".into())
        );
        assert_eq!(
            noun("wasting hours on admin you know"),
            Some("wasting hours on admin".into())
        );
        assert_eq!(
            noun("  \u{201c}my evenings back\u{201d} "),
            Some("getting your evenings back".into())
        );
    }

    #[test]
    fn first_person_becomes_second_person() {
        assert_eq!(
            noun("getting my evenings back"),
            Some("getting your evenings back".into())
        );
        assert_eq!(
            noun("our front desk chasing people"),
            Some("your front desk chasing people".into())
        );
        assert_eq!(
            noun("to get my weekends back"),
            Some("getting your weekends back".into())
        );
        assert_eq!(noun("to make payroll"), Some("making payroll".into()));
    }

    #[test]
    fn first_person_clauses_become_gerund_phrases() {
        assert_eq!(noun("we keep losing leads"), Some("losing leads".into()));
        assert_eq!(
            noun("I'm drowning in admin"),
            Some("drowning in admin".into())
        );
        assert_eq!(
            noun("we are constantly chasing our techs"),
            Some("constantly chasing your techs".into())
        );
        assert_eq!(
            noun("we can't hire fast enough"),
            Some("not being able to hire fast enough".into())
        );
        assert_eq!(
            noun("we don't have a system"),
            Some("not having a system".into())
        );
        assert_eq!(
            noun("we spend hours on quotes"),
            Some("spending hours on quotes".into())
        );
        assert_eq!(
            noun("we never hear back"),
            Some("never hearing back".into())
        );
        assert_eq!(
            noun("we lost three installs"),
            None,
            "past tense stays a quote"
        );
        assert_eq!(noun("we're fine"), None);
        assert_eq!(
            noun("to stop chasing people"),
            Some("no more chasing people".into())
        );
        assert_eq!(noun("evenings back"), Some("getting evenings back".into()));
    }

    #[test]
    fn clauses_and_vendor_talk_are_not_nouns() {
        assert_eq!(
            shape_phrase("leads go cold").map(|p| p.shape),
            Some(Shape::Other)
        );
        assert_eq!(shape_phrase("your pricing"), None);
        assert_eq!(shape_phrase("leads, calls and emails"), None);
        assert_eq!(
            shape_phrase("one two three four five six seven eight nine"),
            None
        );
        assert_eq!(shape_phrase("shitty leads"), None);
        assert_eq!(shape_phrase("um uh"), None);
    }

    #[test]
    fn questions_become_embedded() {
        let q = |raw: &str| {
            shape_phrase(raw)
                .filter(|p| p.shape == Shape::EmbeddedQuestion)
                .map(|p| p.text)
        };
        assert_eq!(
            q("how soon can we start"),
            Some("how soon you can start".into())
        );
        assert_eq!(
            q("how do we get started?"),
            Some("how you get started".into())
        );
        assert_eq!(q("what's included"), Some("what's included".into()));
        assert_eq!(
            q("when would my team get access"),
            None,
            "no inverted subject"
        );
        assert_eq!(q("what is the onboarding like"), None);
    }

    #[test]
    fn acronyms_are_restored_and_markup_removed() {
        assert_eq!(noun("hiring an sdr"), Some("hiring an SDR".into()));
        assert_eq!(
            noun("a {{first_name}} crm"),
            Some("a first_name CRM".into())
        );
    }

    #[test]
    fn gerunds_follow_spelling_rules() {
        assert_eq!(gerund("get"), "getting");
        assert_eq!(gerund("make"), "making");
        assert_eq!(gerund("free"), "freeing");
        assert_eq!(gerund("tie"), "tying");
        assert_eq!(gerund("grow"), "growing");
        assert_eq!(gerund("be"), "being");
    }

    #[test]
    fn quotes_are_tidied_not_rewritten() {
        assert_eq!(
            tidy_quote(
                "um so, we we lost like three clients last month",
                "lost",
                &[]
            ),
            Some("We lost three clients last month.".into()),
            "the filler \"like\" before a number goes"
        );
        assert_eq!(
            tidy_quote(
                "Okay. Honestly the follow up is a mess. Anyway.",
                "follow up",
                &[]
            ),
            Some("The follow up is a mess.".into())
        );
        assert_eq!(
            tidy_quote("yeah totally", "totally", &[]),
            None,
            "too short"
        );
        assert_eq!(
            tidy_quote("so what does something like this usually cost", "cost", &[]),
            Some("What does something like this usually cost?".into())
        );
        assert_eq!(
            tidy_quote("do you have a payment plan", "plan", &[]),
            Some("Do you have a payment plan?".into())
        );
    }

    #[test]
    fn quotes_that_name_people_or_give_contact_details_are_not_used() {
        assert_eq!(
            tidy_quote(
                "we switched from Acme Leads last year and hated it",
                "switched",
                &[]
            ),
            None
        );
        assert_eq!(
            tidy_quote("call me on 555 123 4567 about it", "call", &[]),
            None
        );
        assert_eq!(
            tidy_quote(
                "email me at dana@example.com with the details",
                "email",
                &[]
            ),
            None
        );
        assert!(
            tidy_quote(
                "we looked at Brightside because a friend used them",
                "looked",
                &["Brightside".into()]
            )
            .is_some()
        );
    }

    #[test]
    fn long_quotes_are_cut_around_the_phrase() {
        let long = "so basically what happens is that every single week we get a bunch of people who book \
                    a consult and then they just do not show up and we have no idea why and the front desk \
                    spends hours calling them back";
        let tidy = tidy_quote(long, "do not show up", &[]).unwrap();
        assert!(tidy.split_whitespace().count() <= MAX_QUOTE_WORDS, "{tidy}");
        assert!(tidy.contains("show up"), "{tidy}");
        assert!(tidy.ends_with("..."), "{tidy}");
    }

    proptest! {
        #[test]
        fn shaping_never_panics_and_never_leaks_template_syntax(raw in "\\PC{0,200}") {
            if let Some(p) = shape_phrase(&raw) {
                let leaks = p.text.contains(['{', '[']);
                prop_assert!(!leaks, "{}", p.text);
                prop_assert!(p.text.split_whitespace().count() <= MAX_PHRASE_WORDS + 1);
            }
            if let Some(q) = tidy_quote(&raw, &raw, &[]) {
                let leaks = q.contains(['{', '[']);
                prop_assert!(!leaks, "{}", q);
            }
        }
    }
}
