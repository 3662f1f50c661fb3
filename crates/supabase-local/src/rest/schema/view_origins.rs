//! Which base-table column each view column comes from, read from the view's `_RETURN` rule
//! (`pg_rewrite.ev_action`, a `pg_node_tree`), as PostgREST does to give views the foreign keys
//! of their base tables. Only the top-level query's target list is read: a column computed by
//! an expression, or coming from a set operation, has no origin (`resorigtbl 0`).

/// One view column and its origin (relation oid, attribute number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Origin {
    pub column: String,
    pub relation: u32,
    pub attnum: i16,
}

/// Parse the text of `ev_action`. Malformed or unexpected text gives no origins, never a panic.
pub(super) fn parse(node_tree: &str) -> Vec<Origin> {
    let Some(list) = top_level_target_list(node_tree) else {
        return Vec::new();
    };
    target_entries(list)
        .filter_map(|entry| {
            let column = field(&entry, ":resname").map(unescape)?;
            let relation: u32 = field(&entry, ":resorigtbl")?.parse().ok()?;
            let attnum: i16 = field(&entry, ":resorigcol")?.parse().ok()?;
            let junk = field(&entry, ":resjunk") == Some("true");
            (relation != 0 && attnum > 0 && !junk).then_some(Origin {
                column,
                relation,
                attnum,
            })
        })
        .collect()
}

/// Byte offsets of structural characters at each nesting level, skipping escaped characters.
fn structural(text: &str) -> impl Iterator<Item = (usize, u8)> + '_ {
    let bytes = text.as_bytes();
    let mut index = 0;
    std::iter::from_fn(move || {
        while index < bytes.len() {
            let at = index;
            let byte = bytes[at];
            index += 1;
            match byte {
                b'\\' => index += 1,
                b'(' | b')' | b'{' | b'}' | b':' => return Some((at, byte)),
                _ => {}
            }
        }
        None
    })
}

/// The `(...)` following `:targetList` of the outermost QUERY node.
fn top_level_target_list(text: &str) -> Option<&str> {
    // ev_action is `({QUERY ...})`: the outer query's own fields sit at depth 2, so its target
    // list opens at depth 3.
    let mut depth = 0usize;
    let mut awaiting_list = false;
    let mut list_start = None;
    for (at, byte) in structural(text) {
        match byte {
            b'(' | b'{' => {
                depth += 1;
                if awaiting_list && depth == 3 {
                    if byte == b'(' {
                        list_start = Some(at + 1);
                    }
                    awaiting_list = false;
                }
            }
            b')' | b'}' => {
                if depth == 3
                    && byte == b')'
                    && let Some(start) = list_start
                {
                    return text.get(start..at);
                }
                depth = depth.checked_sub(1)?;
            }
            b':' if depth == 2 => awaiting_list = text[at..].starts_with(":targetList "),
            _ => {}
        }
    }
    None
}

/// Each `{TARGETENTRY ...}` of a list, with its nested nodes removed so only its own fields
/// remain.
fn target_entries(list: &str) -> impl Iterator<Item = String> + '_ {
    let mut entries = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let mut last = 0usize;
    for (at, byte) in structural(list) {
        match byte {
            b'{' | b'(' => {
                if depth == 1 {
                    current.push_str(&list[last..at]);
                }
                depth += 1;
                last = at + 1;
            }
            b'}' | b')' => {
                if depth == 1 {
                    current.push_str(&list[last..at]);
                    entries.push(std::mem::take(&mut current));
                }
                depth = depth.saturating_sub(1);
                last = at + 1;
            }
            _ => {}
        }
    }
    entries.into_iter()
}

/// The token after `name` in a flat node text.
fn field<'a>(entry: &'a str, name: &str) -> Option<&'a str> {
    let mut tokens = tokens(entry);
    while let Some(token) = tokens.next() {
        if token == name {
            return tokens.next();
        }
    }
    None
}

/// Whitespace-separated tokens, where a backslash escapes the next character.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut index = 0;
    std::iter::from_fn(move || {
        while index < bytes.len() && bytes[index].is_ascii_whitespace() {
            index += 1;
        }
        if index >= bytes.len() {
            return None;
        }
        let start = index;
        while index < bytes.len() && !bytes[index].is_ascii_whitespace() {
            if bytes[index] == b'\\' {
                index += 1;
            }
            index += 1;
        }
        text.get(start..index.min(bytes.len()))
    })
}

fn unescape(token: &str) -> String {
    if token == "<>" {
        return String::new();
    }
    let mut out = String::new();
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    // Shape of PostgreSQL 15's ev_action for
    // `create view v as select c.id, c.name as label, upper(c.name) as shout, a.id as agency from c join a on ...`
    // (abridged: the real text has many more fields, which are skipped the same way).
    const VIEW: &str = r#"({QUERY :commandType 1 :querySource 0 :canSetTag true :utilityStmt <> :resultRelation 0 :hasAggs false :rtable ({RANGETBLENTRY :alias {ALIAS :aliasname old :colnames <>} :eref {ALIAS :aliasname old :colnames ("id" "name")} :rtekind 0 :relid 16400} {RANGETBLENTRY :rtekind 1 :subquery {QUERY :commandType 1 :targetList ({TARGETENTRY :expr {VAR :varno 1} :resno 1 :resname id :ressortgroupref 0 :resorigtbl 99999 :resorigcol 7 :resjunk false})}}) :jointree {FROMEXPR :fromlist ({JOINEXPR :jointype 0})} :targetList ({TARGETENTRY :expr {VAR :varno 1 :varattno 1 :vartype 2950} :resno 1 :resname id :ressortgroupref 0 :resorigtbl 16400 :resorigcol 1 :resjunk false} {TARGETENTRY :expr {VAR :varno 1 :varattno 2} :resno 2 :resname label :ressortgroupref 0 :resorigtbl 16400 :resorigcol 2 :resjunk false} {TARGETENTRY :expr {FUNCEXPR :funcid 871 :args ({VAR :varno 1 :varattno 2})} :resno 3 :resname shout :ressortgroupref 0 :resorigtbl 0 :resorigcol 0 :resjunk false} {TARGETENTRY :expr {VAR :varno 2 :varattno 1} :resno 4 :resname my\ agency\(x\) :ressortgroupref 0 :resorigtbl 16500 :resorigcol 1 :resjunk false}) :override 0 :onConflict <> :returningList <>})"#;

    #[test]
    fn reads_the_top_level_target_list_only() {
        assert_eq!(
            parse(VIEW),
            vec![
                Origin {
                    column: "id".into(),
                    relation: 16400,
                    attnum: 1
                },
                Origin {
                    column: "label".into(),
                    relation: 16400,
                    attnum: 2
                },
                Origin {
                    column: "my agency(x)".into(),
                    relation: 16500,
                    attnum: 1
                },
            ]
        );
    }

    #[test]
    fn garbage_gives_nothing() {
        assert!(parse("").is_empty());
        assert!(parse("({QUERY :targetList (").is_empty());
        assert!(parse(")))}}}").is_empty());
        assert!(parse("\\").is_empty());
        assert!(
            parse(
                "({QUERY :targetList ({TARGETENTRY :resname x :resorigtbl nope :resorigcol 1})})"
            )
            .is_empty()
        );
    }
}
