//! The corpus' vocabulary, as data: per-industry nouns and phrases, and the sentence templates
//! of each conversational act (see [`super::template`] for the syntax). Edit here to change
//! what the synthetic calls talk about; the script in [`super::script`] only decides the order.

/// Everything industry-specific that templates can refer to through `{slots}`.
pub(crate) struct IndustryVocabulary {
    /// The client's brand (the seller).
    pub(crate) brand: &'static str,
    /// The rep's e-mail domain (Fireflies attendees).
    pub(crate) rep_domain: &'static str,
    pub(crate) offers: &'static [&'static str],
    pub(crate) business: &'static [&'static str],
    pub(crate) customers: &'static [&'static str],
    pub(crate) companies: &'static [&'static str],
    pub(crate) pains: &'static [&'static str],
    pub(crate) costs: &'static [&'static str],
    pub(crate) categories: &'static [&'static str],
    pub(crate) failures: &'static [&'static str],
    pub(crate) criteria: &'static [&'static str],
    /// Canonical competitor name, then the spellings speech-to-text produces for it.
    pub(crate) competitors: &'static [(&'static str, &'static [&'static str])],
    pub(crate) prices: &'static [&'static str],
    pub(crate) results: &'static [&'static str],
    pub(crate) proof: &'static [&'static str],
}

pub(crate) const COACHING: IndustryVocabulary = IndustryVocabulary {
    brand: "Momentum Coaching",
    rep_domain: "momentumcoaching.com",
    offers: &[
        "the Momentum Accelerator",
        "the twelve week accelerator",
        "the one to one coaching program",
        "the leadership intensive",
    ],
    business: &[
        "coaching practice",
        "business",
        "consulting business",
        "practice",
    ],
    customers: &["clients", "coaching clients", "members"],
    companies: &[
        "Brightpath Consulting",
        "Clarity Works",
        "Northstar Wellness",
        "Elevate Life Design",
        "Summit Mindset",
        "True North Coaching",
        "Kindred Leadership",
    ],
    pains: &[
        "I keep getting stuck at the same revenue (level|number)",
        "I'm working (sixty|seventy) hours a week and (still not growing|going nowhere)",
        "my calendar is (empty|half empty) most weeks",
        "I don't have a (consistent|predictable) way to get (clients|leads)",
        "people ghost me after the (discovery call|first session)",
        "I (undercharge|discount) because I'm (scared|nervous) they'll say no",
        "I'm (burned out|exhausted) and honestly (losing motivation|second guessing everything)",
        "referrals have (dried up|slowed down) this year",
        "I post content every day and (nobody|no one) (books a call|reaches out)",
        "I can't (seem to|) stick to a plan for more than (two|three) weeks",
        "my (confidence|energy) just (tanks|drops off) when (sales are slow|things get hard)",
    ],
    costs: &[
        "it's probably costing me (five|ten|fifteen) grand a month",
        "I've lost (two|three|four) clients this quarter",
        "I'm (paying myself|taking home) less than I did (at my old job|in corporate)",
        "my (marriage|family time) is (suffering|taking a hit)",
        "I've burned through (most of|half of) my savings",
    ],
    categories: &[
        "a business coach",
        "a mastermind",
        "an online course",
        "a mentor",
        "a group program",
        "hiring a VA",
        "a marketing agency",
        "therapy",
    ],
    failures: &[
        "didn't really move the needle",
        "was too generic for my situation",
        "was fun but I didn't implement anything",
        "cost a lot and I got nothing out of it",
        "fizzled out after a month",
    ],
    criteria: &[
        "fit around my client schedule",
        "be one to one not a big group",
        "give me accountability every week",
        "be specific to coaches",
        "have a clear plan not just motivation",
    ],
    competitors: &[
        ("Mindvalley", &["Mindvalley", "mind valley", "mindvally"]),
        ("BetterUp", &["BetterUp", "better up", "betterup"]),
        (
            "Coach Accelerator Pro",
            &[
                "Coach Accelerator Pro",
                "coach accelerator pro",
                "coach excelerator pro",
            ],
        ),
        (
            "Tony Robbins",
            &["Tony Robbins", "tony robins", "tony robbins"],
        ),
    ],
    prices: &[
        "five thousand",
        "six thousand",
        "eight thousand",
        "two thousand a month",
        "twelve hundred a month",
    ],
    results: &[
        "ten new clients in ninety days",
        "a full calendar by the end of the quarter",
        "doubling their monthly revenue",
        "getting to twenty k months",
    ],
    proof: &[
        "case studies",
        "testimonials",
        "references from coaches like me",
        "before and after numbers",
    ],
};

pub(crate) const DENTAL: IndustryVocabulary = IndustryVocabulary {
    brand: "BrightSmile Growth",
    rep_domain: "brightsmilegrowth.com",
    offers: &[
        "the new patient program",
        "the implant patient campaign",
        "the BrightSmile growth package",
        "the front desk training plus ads package",
    ],
    business: &["practice", "clinic", "dental office", "office"],
    customers: &["patients", "new patients", "implant patients"],
    companies: &[
        "Riverside Family Dental",
        "Oak Street Dentistry",
        "Harbor Smiles",
        "Lakeview Dental Group",
        "Sunrise Orthodontics",
        "Maple Grove Dental",
    ],
    pains: &[
        "our chairs are (empty|sitting empty) (two|three) days a week",
        "the phones ring but the front desk (doesn't book|can't convert) them",
        "we get a lot of (price shoppers|tire kickers) who never come in",
        "no shows are (killing us|out of control) especially on (Mondays|Fridays)",
        "our hygiene schedule has (big gaps|holes) in it",
        "we're not getting (enough|any) implant cases",
        "patients (leave|drop off) after the (first cleaning|first visit)",
        "our reviews are (fine|okay) but (nobody|no one) finds us online",
        "the (new|younger) dentist doesn't have (enough|a full) schedule",
        "insurance (reimbursements|fees) keep going down",
    ],
    costs: &[
        "every empty chair hour is (three|four) hundred dollars (gone|lost)",
        "we're probably losing (twenty|thirty) thousand a month",
        "we lost (two|three) hygienists because (of the hours|there wasn't enough work)",
        "I had to (cut hours|let someone go) last (month|quarter)",
    ],
    categories: &[
        "a dental marketing agency",
        "Google ads",
        "a call center",
        "direct mail",
        "an SEO company",
        "membership plans",
        "a practice management consultant",
    ],
    failures: &[
        "brought in leads that never booked",
        "was a (long|twelve month) contract with nothing to show",
        "got us clicks but no patients",
        "sent us people who only wanted the free exam",
    ],
    criteria: &[
        "only charge for patients who actually show up",
        "work with our practice management software",
        "not lock us into a long contract",
        "train my front desk too",
    ],
    competitors: &[
        ("SmileLeads", &["SmileLeads", "smile leads", "smileleeds"]),
        (
            "Dental Growth Partners",
            &[
                "Dental Growth Partners",
                "dental growth partners",
                "dental grow partners",
            ],
        ),
        ("PatientPop", &["PatientPop", "patient pop", "patientpop"]),
        (
            "Progressive Dental",
            &[
                "Progressive Dental",
                "progressive dental",
                "progresive dental",
            ],
        ),
    ],
    prices: &[
        "three thousand a month",
        "forty five hundred a month",
        "two thousand a month plus ad spend",
        "six thousand for the first ninety days",
    ],
    results: &[
        "thirty new patients a month",
        "(two|three) extra implant cases a month",
        "a full hygiene schedule",
        "cutting no shows in half",
    ],
    proof: &[
        "case studies from other practices",
        "references from dentists",
        "before and after numbers",
        "reviews from other offices",
    ],
};

pub(crate) const AGENCY: IndustryVocabulary = IndustryVocabulary {
    brand: "Leadflow Partners",
    rep_domain: "leadflowpartners.com",
    offers: &[
        "the done for you outbound program",
        "the pipeline package",
        "the SDR as a service plan",
        "the Leadflow growth retainer",
    ],
    business: &["agency", "SaaS company", "company", "team", "startup"],
    customers: &["customers", "accounts", "clients", "demos"],
    companies: &[
        "Acme Analytics",
        "Vectorly",
        "Pinecrest Software",
        "Bluebird Labs",
        "Quantive",
        "Orbital HR",
        "Stackwise",
    ],
    pains: &[
        "our pipeline is (basically|pretty much) all inbound and it's (drying up|flat)",
        "the (SDRs|reps) we hired (churned|quit) after (four|six) months",
        "we're booking demos but (half|most) of them (no show|don't show up)",
        "our (CAC|cost per lead) has (doubled|gone through the roof)",
        "the founders are still doing (all the selling|every sales call)",
        "we have no (predictable|repeatable) outbound motion",
        "our (emails|sequences) are landing in spam",
        "(deals|opportunities) stall after the (first call|demo)",
        "marketing and sales (aren't aligned|blame each other) on lead quality",
        "we missed our (number|target) (two|three) quarters in a row",
    ],
    costs: &[
        "we're (missing|behind on) our (ARR|revenue) target by (thirty|forty) percent",
        "each bad SDR hire cost us (sixty|eighty) grand",
        "we burned (a hundred|two hundred) thousand on ads last (year|quarter)",
        "our runway is (twelve|fourteen) months so this matters",
    ],
    categories: &[
        "hiring SDRs in house",
        "an outbound agency",
        "a lead gen agency",
        "LinkedIn automation",
        "paid ads",
        "buying a data tool",
        "a fractional sales leader",
        "cold calling",
    ],
    failures: &[
        "booked meetings with people who were never going to buy",
        "burned our domain",
        "took (three|six) months to ramp and then the person left",
        "was a (black box|total black box) with no reporting",
    ],
    criteria: &[
        "integrate with HubSpot",
        "show us real reporting every week",
        "be month to month",
        "understand a technical product",
        "book meetings with decision makers not interns",
    ],
    competitors: &[
        (
            "Outbound Labs",
            &["Outbound Labs", "outbound labs", "outbound lab"],
        ),
        ("Apollo", &["Apollo", "apollo", "appollo"]),
        ("SalesRoots", &["SalesRoots", "sales roots", "salesroot"]),
        ("Belkins", &["Belkins", "belkins", "bell kins"]),
    ],
    prices: &[
        "six thousand a month",
        "eight thousand a month",
        "five thousand a month plus a per meeting fee",
        "twenty thousand for the quarter",
    ],
    results: &[
        "(twenty|thirty) qualified meetings a month",
        "a (three|four) x pipeline",
        "two new enterprise logos a quarter",
        "a predictable outbound channel in ninety days",
    ],
    proof: &[
        "case studies",
        "references from SaaS founders",
        "a sample of the reporting",
        "client logos",
    ],
};

pub(crate) const HOME_SERVICES: IndustryVocabulary = IndustryVocabulary {
    brand: "ProShield Home",
    rep_domain: "proshieldhome.com",
    offers: &[
        "the roof replacement package",
        "the full HVAC system upgrade",
        "the ProShield maintenance plan",
        "the solar plus roof bundle",
    ],
    business: &["house", "home", "property", "place"],
    customers: &["homeowners", "families", "neighbors"],
    companies: &[
        "the Garcia household",
        "Maple Court rental",
        "the Nguyen residence",
        "Cedar Lane duplex",
        "the Patel home",
        "Birch Street property",
    ],
    pains: &[
        "the (roof|ceiling) (leaks|started leaking) every time it rains",
        "our (AC|furnace) (keeps breaking down|died twice) this (summer|winter)",
        "the energy bills are (insane|through the roof)",
        "there's (mold|water damage) in the (attic|basement)",
        "the (upstairs|back rooms) (never get cool|are freezing)",
        "we had a (contractor|guy) who (disappeared|never finished the job)",
        "the (shingles|gutters) are (falling apart|coming off)",
        "we're (trying to sell|putting the house on the market) and the inspector flagged it",
    ],
    costs: &[
        "our (electric|energy) bill is (four|five) hundred a month",
        "we've spent (two|three) grand on (repairs|patch jobs) already",
        "the insurance company (won't renew|raised our premium)",
        "we had to (replace|throw out) (the carpet|furniture) after the last leak",
    ],
    categories: &[
        "a handyman",
        "a roofing company",
        "doing it ourselves",
        "a home warranty",
        "a heat pump",
        "solar",
        "financing through the bank",
        "patching it",
    ],
    failures: &[
        "lasted about (six|eight) months",
        "made it worse honestly",
        "never showed up on the day",
        "quoted one price and charged another",
    ],
    criteria: &[
        "be done before (winter|summer)",
        "have a real warranty",
        "come with financing",
        "be licensed and insured",
        "not need us to move out",
    ],
    competitors: &[
        ("Angi", &["Angi", "angie's list", "angie"]),
        (
            "HomeAdvisor",
            &["HomeAdvisor", "home advisor", "homeadvisor"],
        ),
        (
            "Summit Roofing",
            &["Summit Roofing", "summit roofing", "sumit roofing"],
        ),
        (
            "CoolAir Pros",
            &["CoolAir Pros", "cool air pros", "cool aire pros"],
        ),
    ],
    prices: &[
        "fourteen thousand",
        "eighteen five",
        "about twenty two thousand",
        "two ninety nine a month financed",
        "nine thousand eight hundred",
    ],
    results: &[
        "a (twenty five|thirty) year warranty",
        "bills cut by a third",
        "no more leaks",
        "the inspection passed",
    ],
    proof: &[
        "reviews",
        "references from neighbors",
        "photos of past jobs",
        "the warranty paperwork",
    ],
};

pub(crate) const FIRST_NAMES: &[&str] = &[
    "Dana", "Marcus", "Priya", "Jordan", "Elena", "Tom", "Aisha", "Kevin", "Sofia", "Liam", "Nora",
    "Darnell", "Mei", "Carlos", "Hannah", "Omar", "Grace", "Ravi", "Chloe", "Diego", "Fatima",
    "Ben", "Yuki", "Patrick", "Leah", "Andre", "Ingrid", "Sam", "Tasha", "Luis", "Rachel",
    "Victor", "Amara", "Jake", "Zoe", "Hector", "Claire", "Dev", "Monique", "Ethan",
];

pub(crate) const LAST_NAMES: &[&str] = &[
    "Reyes",
    "Okafor",
    "Chen",
    "Patel",
    "Murphy",
    "Kowalski",
    "Nguyen",
    "O'Brien",
    "Schmidt",
    "Alvarez",
    "Johnson",
    "Tanaka",
    "Brooks",
    "Haddad",
    "Silva",
    "Fischer",
    "Williams",
    "Dubois",
    "Jensen",
    "Martinez",
    "Kim",
    "Novak",
    "Adeyemi",
    "Rossi",
    "Van der Berg",
    "Lee",
    "Smith-Jones",
    "Ferreira",
    "Cohen",
    "Walsh",
];

pub(crate) const CITIES: &[&str] = &[
    "Austin",
    "Denver",
    "Phoenix",
    "Tampa",
    "Columbus",
    "Portland",
    "Charlotte",
    "Nashville",
    "San Diego",
    "Toronto",
    "Leeds",
    "Chicago",
];

pub(crate) const AUTHORITY_PEOPLE: &[&str] = &[
    "my business partner",
    "my wife",
    "my husband",
    "our CFO",
    "my partner",
    "the board",
    "my co-founder",
    "our office manager",
    "the owner",
];

pub(crate) const TIMEFRAMES: &[&str] = &[
    "next quarter",
    "after the holidays",
    "in the new year",
    "after busy season",
    "in a couple of months",
    "after our launch",
    "in the spring",
];

pub(crate) const WEEKDAYS: &[&str] = &["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"];

pub(crate) const CALL_TIMES: &[&str] = &[
    "nine thirty",
    "ten",
    "eleven",
    "one o'clock",
    "two",
    "three thirty",
    "four",
];

// ---------------------------------------------------------------------------------------------
// Conversational acts. Each is a list of templates; one is drawn per use.

pub(crate) const REP_GREETING: &[&str] = &[
    "(Hey|Hi|Hello) {prospect}, (this is|it's) {rep} (from|with) {brand}, (how are you|how's it going|how are you doing today)?",
    "(Hi|Hey) {prospect}! {rep} here from {brand}. (Can you hear me okay|Is my audio okay)?",
    "(Good morning|Good afternoon|Hey there) {prospect}, thanks for (jumping on|making the time|hopping on). (I'm|This is) {rep}.",
];

pub(crate) const PROSPECT_GREETING: &[&str] = &[
    "(Hello?|Hi.|Hey.) (Yeah|Yes) I can hear you. (I'm good|Doing well|Not bad), (how about you|you)?",
    "(Hey|Hi) {rep}, (sorry|apologies) I'm a (minute|couple minutes) late, (my last call ran over|the kids|traffic was crazy).",
    "(Good|Pretty good), thanks. (Busy day|Crazy week) but (good|I'm here).",
    "Hi! Yeah I can hear you (fine|great). Can you hear me?",
];

/// Small talk: a rep question and the prospect answers that fit it.
pub(crate) const SMALL_TALK: &[(&str, &[&str])] = &[
    (
        "(Where are you|Where are you based|Whereabouts are you) (calling from|these days)?",
        &[
            "(I'm in|We're in|We're just outside) {city}. It's been (nice|rainy|way too hot) (lately|this week).",
            "(Ha|Haha) (just outside|right in) {city}, (born and raised|for about ten years now).",
        ],
    ),
    (
        "How's the weather (over there|where you are)? It's been (pouring|freezing|crazy hot) here all week.",
        &[
            "(Oh|Ha) (same here|not bad actually), {city} is (great|fine) (this time of year|most of the time).",
            "(Honestly|Ugh) (it's|it has been) (miserable|grey|so hot) (all week|lately).",
        ],
    ),
    (
        "Did you have a good weekend?",
        &[
            "(Yeah|Oh) it was (good|fine|too short), we (went to the lake|had family in town|mostly just relaxed).",
            "(It was|Pretty) (quiet|busy), (kids' soccer|yard work|catching up on email) (mostly|all weekend).",
        ],
    ),
    (
        "(Busy|Crazy) week so far?",
        &[
            "(Honestly|Oh man) it's been (nonstop|a lot), (but|and) (that's kind of why I booked this|that's part of the reason I'm here).",
            "(Not too bad|Could be worse), (thanks for asking|Monday was rough though).",
        ],
    ),
];

pub(crate) const REP_AGENDA: &[&str] = &[
    "So the goal of (today's call|this call) is (really|just) to (understand|get a feel for) where you are with your {business} and see if we can help. Sound good?",
    "(Before we dive in|Before we jump in), (here's|let me tell you) how I (usually|normally) run these: I'll ask a few questions, then I'll (show you|walk you through) what we do, and we'll see if it's a fit. (Fair|Does that work)?",
    "(So|Okay so) I've got about (forty five|sixty) minutes blocked. I want to (learn|hear) about your {business} first, then (share|explain) how {brand} works, (sound fair|okay)?",
];

pub(crate) const REP_DISCOVERY: &[&str] = &[
    "(Tell me|Can you tell me) (a bit|a little bit|more) about your {business}.",
    "What made you (book this call|reach out|fill out the form) (now|right now|this week)?",
    "What's (the biggest|the main) (challenge|thing) you're dealing with (right now|at the moment)?",
    "How long has that been going on?",
    "What (have you tried|have you done) so far to fix that?",
    "(And|So) what's that costing you, (roughly|ballpark)?",
    "If nothing changes in the next (six months|year), what happens?",
    "How are you (currently|right now) getting {customers}?",
    "(Walk me through|Talk me through) what a (typical|normal) week looks like for you.",
    "What would (a win|success) look like for you (in ninety days|by the end of the year)?",
    "(Who else|Is anyone else) (is involved in|involved in) decisions like this?",
    "(On a scale of one to ten|If you had to rate it), how (urgent|important) is fixing this?",
    "When you (looked at|were looking at) options, what did you (like|not like)?",
    "(Why|How come) (now|this year) and not (last year|six months ago)?",
];

pub(crate) const REP_ACKNOWLEDGE: &[&str] = &[
    "(Got it|Okay|Makes sense|That makes sense|Yeah I hear you).",
    "(That's|That sounds) (really|super) (frustrating|tough|common actually).",
    "(Okay|Right), (and|so) how does that (affect|impact) (the rest of the {business}|you personally)?",
    "(Mm hmm|Yeah|Right). (Keep going|Go on|Tell me more).",
    "(Interesting|Okay). (A lot of|Most of) the {customers} we work with (said|told us) the exact same thing (before they started|at the beginning).",
];

pub(crate) const REP_PITCH: &[&str] = &[
    "So what we do at {brand} is (pretty simple|basically this): we (take|handle) the (whole|entire) (process|thing) (off your plate|for you) so you can focus on your {business}.",
    "{offer} is built (exactly|specifically) for (situations|people) like yours, and (most|a lot of) (clients|people) see {result} (within|in about) (ninety days|three months|the first quarter).",
    "(The way it works|How it works) is (we start|you start) with an onboarding (session|call) in week one, then (weekly|every week) (check ins|calls), and you (get|have) a dedicated (person|point of contact) the whole time.",
    "(What makes us different|The difference) (from|compared to) {category} is that we (actually|really) (do the work|stay with you) until you (get results|see the numbers move).",
    "(We've|We have) (worked with|helped) (over|more than) (two hundred|three hundred|a hundred and fifty) {customers} (like you|in your space), and the (main|biggest) thing they (say|tell us) is they wish they'd started sooner.",
    "(Let me|I'll) share my screen (for a sec|quickly) (and|so I can) show you (a case study|what the dashboard looks like|a client example).",
];

pub(crate) const REP_PRICE: &[&str] = &[
    "(So|Okay so) (the investment|the price) for {offer} is {price}, (and|which) (includes|covers) (everything|onboarding and support) we (just|) talked about.",
    "(In terms of|As for) (pricing|investment), {offer} is {price}. (There's|We have) a (payment plan|monthly option) too.",
];

pub(crate) const REP_CLOSE: &[&str] = &[
    "(So|Okay so) (based on|from) everything you've (told me|shared), (would it make sense|does it make sense) to (move forward|get you started)?",
    "(What do you think|How are you feeling about all this)? (Is this|Does this feel like) something you want to (do|move forward with)?",
    "(The next step|Next step) would be (to book|booking) a (follow up|second call|strategy session) (with|so you can meet) (our director|the team|{rep2}). (How's|Does) {day} at {time} (look|work)?",
    "(If we|Should we) (put|get) something on the calendar (for|on) {day}, (say|maybe) {time}?",
];

pub(crate) const REP_HANDLE: &[&str] = &[
    "(Totally|Completely|I totally) (understand|get that|hear you). (Can I ask|Let me ask), (what|what specifically) (is behind|makes you say) that?",
    "(That's|That is) (fair|a fair point|a really common concern). (Most|A lot) of our (clients|{customers}) (felt|said) the same (thing|way) before they (started|signed up).",
    "(If|Let's say) (we|we could) (solve|take care of) that, (would|is) (there anything else|anything else) (holding you back|stopping you)?",
    "(Okay|Sure), (what would you|what would) need to (see|be true) (to feel|for you to feel) (comfortable|good about it)?",
];

pub(crate) const REP_WRAP: &[&str] = &[
    "(Awesome|Great|Perfect). I'll (send|shoot) (over|you) (a recap|a summary|the details) (after this call|by end of day).",
    "(Thanks so much|Thank you) for your time {prospect}, (this was great|really appreciate it|talk soon).",
    "(Alright|Okay), (I'll|we'll) (send|get) (you|) a calendar invite (right now|in a minute). (Look out for|Keep an eye out for) it.",
];

pub(crate) const PROSPECT_BACKGROUND: &[&str] = &[
    "(So|Yeah so) I've (been running|had) the {business} for (about|almost|like) (three|five|eight|twelve) years (now|).",
    "(It's|We're) (a small|a pretty small|a mid sized) {business}, (just me and|me plus) (two|three|five|a dozen) (people|staff|employees).",
    "(Most of|The majority of) our {customers} come from (referrals|word of mouth|Google|Instagram) (honestly|to be honest).",
    "We (work with|serve) (mostly|mainly) (local|small|mid market) {customers}, (nothing fancy|pretty straightforward).",
];

/// Problem-aware: symptoms, costs and feelings, in the prospect's own words; no named solutions.
pub(crate) const PROSPECT_PROBLEM: &[&str] = &[
    "(Honestly|To be honest|I mean|Yeah so), the (big|main|biggest) (thing|problem|issue) is {pain}.",
    "(It's just|It's) (really|so) frustrating because {pain}.",
    "(And|Plus) {cost}, (which|and that) (is|feels) (huge|a lot|scary) for us.",
    "I (don't|just don't) (know|understand) (how to fix it|why it keeps happening|what we're doing wrong).",
    "Is that (normal|common)? Like, (do|does) (other|everyone else) (people|{customers}) deal with this?",
    "(What should I|What would you) (do|even start with) (first|here)?",
    "(We keep|I keep) (losing|wasting) (time|money|sleep) (on this|over this) and (it's|that's) not (sustainable|okay).",
    "(Every|Each) (month|week) it's the same (thing|story): {pain}.",
    "(It's|It is) (a huge|a real) headache, (I'm|I am) (struggling|stressed) (with it|about it) (honestly|every day).",
    "(On top of that|And honestly|Plus) {cost}, (and|so) (something has to change|I can't keep doing this).",
];

/// Solution-aware: categories, comparisons, past attempts, criteria.
pub(crate) const PROSPECT_SOLUTION: &[&str] = &[
    "(We|I) (looked at|were looking at|have been comparing) {category} (versus|vs|or) {category2}, (and|but) (I'm not sure|I can't tell) which (is better|makes more sense).",
    "We tried {category} (last year|a while back|before) and it {failure}.",
    "(What's|What is) the difference between {category} and what you (guys|) do?",
    "(Whatever we|Whoever we) (go with|pick) (needs to|has to) {criterion}.",
    "(I've|We've) (also|) (talked to|spoken with|had a call with) {competitor}, (they|and they) (seemed|were) (okay|decent|a bit pricey).",
    "(Compared to|Versus) {category}, (why would|how does) (your approach|this) (work better|make more sense)?",
    "(Our options are|I think the options are) (basically|really) {category}, {category2}, or (keep doing what we're doing|doing nothing).",
    "(A friend|Someone in my network|A colleague) (uses|went with) {competitor} and (said|says) it's (fine|good|alright).",
    "(Is it|Would it be) better to (do it|go) (done for you|DIY) or (hire|bring) someone (in house|on)?",
];

/// Product-aware: price, terms, onboarding, guarantees, references.
pub(crate) const PROSPECT_PRODUCT: &[&str] = &[
    "(So|Okay so) how much is {offer}?",
    "What's (included in|in) {offer} (exactly|specifically)?",
    "(How long|What length) is the (contract|commitment)? (Is it|Can it be) month to month?",
    "What does onboarding look like, (like|) (how soon|when) (could we|can we) start?",
    "Is there a guarantee? (What happens if|What if) (it doesn't work|we don't see results)?",
    "(Do you have|Can you send) {proof}?",
    "(I've|I have) (been following|seen) {brand} (on LinkedIn|on Instagram|for a while), (that's|which is) (why|how) I (booked|reached out).",
    "(Do you|Can we) (do|offer) a payment plan?",
    "(How long until|When do) (we|people) (see|usually see) results with {offer}?",
    "(Who|Which) (else|other) {customers} (like us|in our space) (use|have used) {brand}?",
    "(Can I|Could I) (talk to|speak with) (a current client|someone who's done {offer})?",
];

pub(crate) const PROSPECT_ANSWER_FILLER: &[&str] = &[
    "(Yeah|Yes|Right|Exactly), (that's|that is) (pretty much|basically) it.",
    "(Um|Uh|Hmm) (let me think|good question). (Probably|I'd say) (six months|a year|since the spring).",
    "(I mean|Well) (it depends|it varies), (some|most) weeks are (better|worse) than others.",
    "(Not really|No), (we haven't|I haven't) (done much|tried much) (yet|to be honest).",
    "(Probably|I'd say) (a seven|an eight|like a nine) (out of ten|).",
    "(We|I) (just|mostly) (wing it|figure it out as we go) (honestly|to be honest).",
];

pub(crate) const BACKCHANNELS: &[&str] = &[
    "Yeah.",
    "Mm hmm.",
    "Right.",
    "Okay.",
    "Sure.",
    "Got it.",
    "Yep.",
    "Totally.",
    "Uh huh.",
    "For sure.",
];

pub(crate) const CROSS_TALK: &[&str] = &[
    "Sorry, go ahead.",
    "No no, you go.",
    "Oh sorry I",
    "Wait, sorry,",
    "Sorry you cut out there.",
    "Can you hear me?",
];

/// Objection classes, each with raised forms and negated forms (which are not objections).
pub(crate) const OBJECTION_PRICE: &[&str] = &[
    "(Honestly|Yeah) {price} is (a lot|more than I expected|expensive) (for us|right now).",
    "(I'm not sure|I don't know if) we can afford (that|it) (right now|at the moment).",
    "(That's|It's) (out of|over) our budget (for this year|this quarter|honestly).",
    "(Money's|Cash is) (tight|a bit tight) (right now|after the last few months).",
    "(I can't|It's hard to) justify (spending|paying) {price} (when|if) (we're not sure|I don't know) it (works|will work).",
    "(Is there|Do you have) (anything|a version) cheaper?",
];
pub(crate) const OBJECTION_PRICE_NEGATED: &[&str] = &[
    "(Price|Money|Budget) (isn't|is not) (really|) (an issue|the issue|the problem) (for us|here).",
    "(The|) cost (doesn't|does not) (worry|bother) me (if it works|as long as it works).",
];
pub(crate) const OBJECTION_TIMING: &[&str] = &[
    "(The timing|Timing) (is|is just) (not great|bad|tough) (right now|at the moment).",
    "(It's|This is) not (a priority|the priority) (right now|this month), maybe {timeframe}.",
    "(Can we|Could we) (circle back|revisit this|talk again) {timeframe}?",
    "(I'm|We're) (slammed|too busy|swamped) (right now|this month|until {timeframe}).",
    "(Maybe|Probably) (down the road|later this year|{timeframe}), (but|just) not (right now|at this time).",
];
pub(crate) const OBJECTION_TIMING_NEGATED: &[&str] = &[
    "(Timing|The timing) (is|is actually) (fine|good|not an issue), (we're|we are) ready (to go|now).",
    "(There's|There is) no (reason|point) (to wait|in waiting), (this|it) (is|is a) (top priority|priority).",
];
pub(crate) const OBJECTION_TRUST: &[&str] = &[
    "(How do I know|How would I know) (this|it) (will|would) (actually|) work (for us|for my {business})?",
    "(We've been|I've been) burned (before|by {category} before) (so|and) I'm (skeptical|a little skeptical|wary).",
    "(It|That) (sounds|all sounds) (a bit|kind of) too good to be true (honestly|to be honest).",
    "(Do you have|Is there) (any|some kind of) (proof|guarantee|refund policy)?",
    "(I|We) (need|want) to see (reviews|case studies|references) (first|before anything).",
];
pub(crate) const OBJECTION_TRUST_NEGATED: &[&str] = &[
    "(I|We) (trust|believe) you (guys|) (completely|), (the|your) (reviews|case studies) (are|were) (great|solid).",
    "(I'm|I am) not (worried|skeptical) about (that|whether it works), (I've|I have) seen (the results|your work).",
];
pub(crate) const OBJECTION_AUTHORITY: &[&str] = &[
    "I (need to|have to|would need to) (talk to|check with|run it by) {person} (first|before (anything|I decide)).",
    "(It's|This is) not (really|) (my decision|just my call), {person} (has to|needs to) sign off.",
    "(Let me|I'll) (talk to|ask|loop in) {person} and (get back to you|see what they think).",
    "{person} (handles|makes) (the|all the) (money|big) decisions (honestly|to be honest).",
];
pub(crate) const OBJECTION_AUTHORITY_NEGATED: &[&str] = &[
    "(It's|This is) (my|completely my) (call|decision), I don't (need to|have to) (check with|ask) anyone.",
    "{person} (already|) (agreed|is on board), (so|) (that's|that is) not (a problem|an issue).",
];
pub(crate) const OBJECTION_NEED: &[&str] = &[
    "(Honestly|I mean) (we're|we are) (fine|doing okay) (for now|as is|the way we are).",
    "We (already|kind of already) (have|use|work with) {category} (for that|so).",
    "(I'm not sure|I don't know if) (it's|this is) (a fit|the right fit) for (a|an) {business} (like ours|our size).",
    "(We|I) (could|can) probably (do|handle) (this|it) (in house|ourselves).",
    "We tried (that|something like this) (before|already) (and it didn't|and it did not) (work|stick).",
];
pub(crate) const OBJECTION_NEED_NEGATED: &[&str] = &[
    "(We|I) (definitely|) (need|need help with) this, (there's|there is) no question (about that|).",
    "(It's|This is) (exactly|definitely) (what we need|the right fit) (for us|).",
];
pub(crate) const OBJECTION_COMPETITOR: &[&str] = &[
    "We (use|currently use|are using) {competitor} (right now|at the moment) (and|so) (switching|changing) (seems|feels) like a (hassle|lot).",
    "{competitor} (quoted|offered) (us|me) (less|a lower price|about half that).",
    "(Compared to|How do you compare to) {competitor}, (what's|what is) (different|the difference)?",
    "(Honestly|I mean) (what|the thing) we (have|do) now (works|is working) (well enough|okay), (why|so why) (change|would I switch)?",
    "(I'm|We're) (also|) (talking to|meeting with) {competitor} (next week|on {day}).",
];
pub(crate) const OBJECTION_COMPETITOR_NEGATED: &[&str] = &[
    "We (stopped|dropped|cancelled) {competitor} (last year|a while ago), (so|) (that's|that is) not (a factor|an issue).",
    "(I'm|We're) not (talking to|looking at) anyone else, (you're|you are) the (only|first) (one|call).",
];

pub(crate) const BUYING_COMMITMENT: &[&str] = &[
    "(Okay|Alright|Yeah), let's do it.",
    "I('m| am) (in|ready). (Send|Just send) me the (agreement|contract|invoice) (and I'll sign it today|today).",
    "I will (sign|get it signed) (today|tonight|by {day}).",
    "(We're|We are) going to (move forward|go ahead) with {offer}.",
    "(Let's|Okay let's) get (started|the ball rolling). (When|How soon) (can|could) we (kick off|start)?",
    "(Count me in|I'm all in). I'll (send|get) (the payment|the deposit) over (this afternoon|today).",
];

pub(crate) const BUYING_DESIRE: &[&str] = &[
    "(I'd like|I would like|I want) to (get this sorted|fix this|figure this out) (this year|soon|eventually).",
    "(I'd love|It would be great) to (have|get) {result}.",
    "(Ideally|In a perfect world) (we'd|we would) (have|get) {result}.",
    "(I hope|I'm hoping) (this|something like this) (can|could) (help|work for us).",
    "(That|That all) (sounds|looks) (really|) (interesting|good|promising).",
];

pub(crate) const HEDGES: &[&str] = &[
    "(I mean|Well) (we'll see|I'm not sure), (things|it) (are|is) (kind of|a bit) (crazy|up in the air) (right now|this month).",
    "(Maybe|Possibly), (I'd have to|I need to) (check|look at) my calendar.",
    "(It's|This is) (a lot|a lot to think about), (honestly|to be honest).",
    "(Probably|Maybe) (but|) (I can't promise|no promises) (anything|).",
    "(Let me|I'll) (think about it|sleep on it) (and|then) (get back to you|let you know).",
];

/// How the prospect answers the close, by outcome of the call.
pub(crate) const CLOSE_CLOSED: &[&str] = &[
    "(Yes|Yeah), (let's do it|let's go). (What|So what) do you need from me?",
    "(Okay|Alright), I'm (in|convinced). Send (the agreement|the contract|me the link) and I'll (sign it|get it done) today.",
    "(Yep|Yes), (we're|I'm) ready. I will (get|have) (the paperwork|the deposit) (back to you|sent) by {day}.",
];
pub(crate) const CLOSE_LOST: &[&str] = &[
    "(I think|Honestly) (we're going to|we'll) (pass|hold off) (for now|on this). (It's|It is) (just|) not (a fit|the right fit) (for us|right now).",
    "(No|Nah), (I|we) (think|feel like) (we'll|we're going to) (stick with|stay with) (what we have|{competitor}).",
    "(Yeah|Honestly) (it's|that's) too (expensive|much) for us. (Thanks|Thank you) (for your time|though).",
];
pub(crate) const CLOSE_SHOWED: &[&str] = &[
    "(Yes|Yeah), {day} at {time} (works|is perfect). I'll (be there|put it in my calendar right now).",
    "(Sure|Definitely). (Book|Put) me in for {day} and I'll (bring|have) {person} (on the call|with me) (too|as well).",
    "(Okay|Great), I just (added|put) it (to|in) my calendar. (See you|Talk to you) {day}.",
];
pub(crate) const CLOSE_NO_SHOW: &[&str] = &[
    "(Um|Uh) (maybe|I guess) {day}? (I'll|I will) try to make it but (things are|it's) (crazy|hectic) (right now|this week).",
    "(Let me|I'll) (check|look at) my calendar and (get back to you|let you know), (I'm|we're) (slammed|swamped) (until|through) {timeframe}.",
    "(Tentatively|Maybe) {day}, (but|and) I (need to|have to) (check with|run it by) {person} (first|before I confirm).",
    "(Sure|Okay) (I guess|) put (something|it) in (and|) (I'll see|we'll see) (if|whether) I can (make it|join).",
];
