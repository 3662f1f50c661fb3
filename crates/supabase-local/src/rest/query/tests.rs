//! Grammar tests: what postgrest-js emits parses to the right meaning, errors say where and
//! why, limits hold, and (proptest) nothing panics while valid queries round-trip.

use super::*;
use expect_test::{Expect, expect};
use proptest::prelude::*;

fn check(query: &str, expected: Expect) {
    let parsed = parse(query);
    expected.assert_eq(&format!("{parsed:#?}"));
}

fn error_of(query: &str) -> String {
    match parse(query) {
        Err(QueryError::Parse { message, details }) => format!("{message} | {details}"),
        other => format!("{other:?}"),
    }
}

#[test]
fn select_items_embeds_and_casts() {
    let parsed = parse(
        "select=id,full_name:name,data->items->0->>sku::text,agency:agencies!clients_agency_id_fkey!inner(id,name),...plans(tier),transcripts(*)",
    )
    .unwrap();
    expect![[r#"
        [
            Field {
                field: Field {
                    name: "id",
                    json_path: [],
                },
                alias: None,
                cast: None,
            },
            Field {
                field: Field {
                    name: "name",
                    json_path: [],
                },
                alias: Some(
                    "full_name",
                ),
                cast: None,
            },
            Field {
                field: Field {
                    name: "data",
                    json_path: [
                        Arrow(
                            Key(
                                "items",
                            ),
                        ),
                        Arrow(
                            Index(
                                "0",
                            ),
                        ),
                        DoubleArrow(
                            Key(
                                "sku",
                            ),
                        ),
                    ],
                },
                alias: None,
                cast: Some(
                    "text",
                ),
            },
            Embed(
                Embed {
                    relation: "agencies",
                    alias: Some(
                        "agency",
                    ),
                    hint: Some(
                        "clients_agency_id_fkey",
                    ),
                    join: Some(
                        Inner,
                    ),
                    spread: false,
                    children: [
                        Field {
                            field: Field {
                                name: "id",
                                json_path: [],
                            },
                            alias: None,
                            cast: None,
                        },
                        Field {
                            field: Field {
                                name: "name",
                                json_path: [],
                            },
                            alias: None,
                            cast: None,
                        },
                    ],
                },
            ),
            Embed(
                Embed {
                    relation: "plans",
                    alias: None,
                    hint: None,
                    join: None,
                    spread: true,
                    children: [
                        Field {
                            field: Field {
                                name: "tier",
                                json_path: [],
                            },
                            alias: None,
                            cast: None,
                        },
                    ],
                },
            ),
            Embed(
                Embed {
                    relation: "transcripts",
                    alias: None,
                    hint: None,
                    join: None,
                    spread: false,
                    children: [
                        Star,
                    ],
                },
            ),
        ]"#]]
    .assert_eq(&format!("{:#?}", parsed.select));
}

#[test]
fn select_defaults_to_star_and_accepts_quoted_and_dashed_names() {
    assert_eq!(parse("").unwrap().select, vec![SelectItem::Star]);
    assert_eq!(parse("select=").unwrap().select, vec![SelectItem::Star]);
    let parsed = parse("select=%22a%2Cb%22,first-name, last name ").unwrap();
    let names: Vec<String> = parsed
        .select
        .iter()
        .map(|item| match item {
            SelectItem::Field { field, .. } => field.name.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(names, ["a,b", "first-name", "last name"]);
}

#[test]
fn select_hint_and_join_in_either_order_and_empty_embeds() {
    let parsed = parse("select=a:b!inner!fk(),c!left(*)").unwrap();
    let SelectItem::Embed(first) = &parsed.select[0] else {
        panic!("embed expected")
    };
    assert_eq!(first.hint.as_deref(), Some("fk"));
    assert_eq!(first.join, Some(JoinType::Inner));
    assert!(first.children.is_empty());
    let SelectItem::Embed(second) = &parsed.select[1] else {
        panic!("embed expected")
    };
    assert_eq!(second.join, Some(JoinType::Left));
    assert_eq!(second.name(), "c");
}

#[test]
fn aggregates_are_refused() {
    assert_eq!(
        parse("select=count()"),
        Err(QueryError::AggregatesNotAllowed)
    );
    assert_eq!(
        parse("select=amount.sum()"),
        Err(QueryError::AggregatesNotAllowed)
    );
}

#[test]
fn select_errors_point_at_the_column() {
    expect![[r#""failed to parse select parameter (id,clients(name[]))" (line 1, column 16) | unexpected '[' expecting "->", "::", ")", "," or end of input"#]]
    .assert_eq(&error_of("select=id,clients(name[])"));
    expect![[r#""failed to parse select parameter (name::)" (line 1, column 7) | unexpected end of input expecting letter or digit"#]]
    .assert_eq(&error_of("select=name::"));
    expect![[r#""failed to parse select parameter (a,(b))" (line 1, column 3) | unexpected '(' expecting field name (* or [a..z0..9_$])"#]]
    .assert_eq(&error_of("select=a,(b)"));
    expect![[r#""failed to parse select parameter (a(b)" (line 1, column 4) | unexpected end of input expecting ')'"#]]
    .assert_eq(&error_of("select=a(b"));
}

#[test]
fn every_operator_of_the_contract() {
    check(
        "a=eq.1&b=neq.x&c=gt.1&d=gte.1&e=lt.1&f=lte.1&g=like.*x*&h=ilike.X*&i=match.^a&j=imatch.^A\
         &k=is.null&l=is.not_null&m=is.TRUE&n=isdistinct.3&o=in.(1,%222,3%22,%22a%5C%22b%22)\
         &p=cs.{a,b}&q=cd.{a}&r=ov.[1,5)&s=sl.(1,2)&t=sr.(1,2)&u=nxr.(1,2)&v=nxl.(1,2)&w=adj.(1,2)\
         &x=fts(english).cat&y=plfts.cat%20dog&z=phfts.a&aa=wfts.a%20or%20b&ab=like(any).{a*,b*}\
         &ac=eq(all).{1,2}&ad=not.eq.1&ae=not.in.()",
        expect![[r#"
            Ok(
                QueryParams {
                    select: [
                        Star,
                    ],
                    filters: [
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "a",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: Equal,
                                    quantifier: None,
                                    value: "1",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "b",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: NotEqual,
                                    value: "x",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "c",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: GreaterThan,
                                    quantifier: None,
                                    value: "1",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "d",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: GreaterThanEqual,
                                    quantifier: None,
                                    value: "1",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "e",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: LessThan,
                                    quantifier: None,
                                    value: "1",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "f",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: LessThanEqual,
                                    quantifier: None,
                                    value: "1",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "g",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: Like,
                                    quantifier: None,
                                    value: "*x*",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "h",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: ILike,
                                    quantifier: None,
                                    value: "X*",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "i",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: Match,
                                    quantifier: None,
                                    value: "^a",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "j",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: IMatch,
                                    quantifier: None,
                                    value: "^A",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "k",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Is(
                                    Null,
                                ),
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "l",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Is(
                                    NotNull,
                                ),
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "m",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Is(
                                    True,
                                ),
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "n",
                                    json_path: [],
                                },
                                negated: false,
                                operation: IsDistinct(
                                    "3",
                                ),
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "o",
                                    json_path: [],
                                },
                                negated: false,
                                operation: In(
                                    [
                                        "1",
                                        "2,3",
                                        "a\"b",
                                    ],
                                ),
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "p",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: Contains,
                                    value: "{a,b}",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "q",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: Contained,
                                    value: "{a}",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "r",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: Overlap,
                                    value: "[1,5)",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "s",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: StrictlyLeft,
                                    value: "(1,2)",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "t",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: StrictlyRight,
                                    value: "(1,2)",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "u",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: NotExtendsRight,
                                    value: "(1,2)",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "v",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: NotExtendsLeft,
                                    value: "(1,2)",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "w",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: Adjacent,
                                    value: "(1,2)",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "x",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Fts {
                                    operator: Fts,
                                    config: Some(
                                        "english",
                                    ),
                                    value: "cat",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "y",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Fts {
                                    operator: Plain,
                                    config: None,
                                    value: "cat dog",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "z",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Fts {
                                    operator: Phrase,
                                    config: None,
                                    value: "a",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "aa",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Fts {
                                    operator: Websearch,
                                    config: None,
                                    value: "a or b",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "ab",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: Like,
                                    quantifier: Some(
                                        Any,
                                    ),
                                    value: "{a*,b*}",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "ac",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: Equal,
                                    quantifier: Some(
                                        All,
                                    ),
                                    value: "{1,2}",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "ad",
                                    json_path: [],
                                },
                                negated: true,
                                operation: Quant {
                                    operator: Equal,
                                    quantifier: None,
                                    value: "1",
                                },
                            },
                        ),
                        (
                            [],
                            Filter {
                                field: Field {
                                    name: "ae",
                                    json_path: [],
                                },
                                negated: true,
                                operation: In(
                                    [
                                        "",
                                    ],
                                ),
                            },
                        ),
                    ],
                    logic: [],
                    order: [],
                    ranges: [],
                    columns: None,
                    on_conflict: None,
                    arguments: [],
                },
            )"#]],
    );
}

#[test]
fn values_keep_dots_commas_and_plus_decodes_to_space() {
    let parsed = parse("email=eq.a.b%2Bc@x.io&title=eq.one+two,three").unwrap();
    let values: Vec<&Operation> = parsed.filters.iter().map(|(_, f)| &f.operation).collect();
    assert_eq!(
        values,
        [
            &Operation::Quant {
                operator: QuantOperator::Equal,
                quantifier: None,
                value: "a.b+c@x.io".to_owned()
            },
            &Operation::Quant {
                operator: QuantOperator::Equal,
                quantifier: None,
                value: "one two,three".to_owned()
            }
        ]
    );
}

#[test]
fn filter_keys_carry_embed_paths_and_json_paths() {
    let parsed = parse("clients.agency.name=eq.x&data->a->>b=eq.1&id=eq.1&id=lt.5").unwrap();
    let keys: Vec<(Vec<String>, Field)> = parsed
        .filters
        .iter()
        .map(|(path, filter)| (path.clone(), filter.field.clone()))
        .collect();
    assert_eq!(keys[0].0, ["clients", "agency"]);
    assert_eq!(keys[0].1, Field::plain("name"));
    assert_eq!(
        keys[1].1.json_path,
        [
            JsonStep::Arrow(JsonKey::Key("a".into())),
            JsonStep::DoubleArrow(JsonKey::Key("b".into()))
        ]
    );
    // A repeated key is kept: both filters apply.
    assert_eq!(keys.len(), 4);
    assert!(parsed.has_root_filters());
}

#[test]
fn logic_trees_nest_and_negate() {
    let parsed = parse(
        "or=(a.eq.1,and(b.gt.0,b.lt.5),not.or(c.is.null,d.in.(1,2)),e.cs.{x,y},f.eq.%22q,)%22)&clients.not.and=(name.like.*a*)",
    )
    .unwrap();
    expect![[r#"
        [
            (
                [],
                Expr {
                    negated: false,
                    operator: Or,
                    children: [
                        Filter(
                            Filter {
                                field: Field {
                                    name: "a",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: Equal,
                                    quantifier: None,
                                    value: "1",
                                },
                            },
                        ),
                        Expr {
                            negated: false,
                            operator: And,
                            children: [
                                Filter(
                                    Filter {
                                        field: Field {
                                            name: "b",
                                            json_path: [],
                                        },
                                        negated: false,
                                        operation: Quant {
                                            operator: GreaterThan,
                                            quantifier: None,
                                            value: "0",
                                        },
                                    },
                                ),
                                Filter(
                                    Filter {
                                        field: Field {
                                            name: "b",
                                            json_path: [],
                                        },
                                        negated: false,
                                        operation: Quant {
                                            operator: LessThan,
                                            quantifier: None,
                                            value: "5",
                                        },
                                    },
                                ),
                            ],
                        },
                        Expr {
                            negated: true,
                            operator: Or,
                            children: [
                                Filter(
                                    Filter {
                                        field: Field {
                                            name: "c",
                                            json_path: [],
                                        },
                                        negated: false,
                                        operation: Is(
                                            Null,
                                        ),
                                    },
                                ),
                                Filter(
                                    Filter {
                                        field: Field {
                                            name: "d",
                                            json_path: [],
                                        },
                                        negated: false,
                                        operation: In(
                                            [
                                                "1",
                                                "2",
                                            ],
                                        ),
                                    },
                                ),
                            ],
                        },
                        Filter(
                            Filter {
                                field: Field {
                                    name: "e",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Simple {
                                    operator: Contains,
                                    value: "{x,y}",
                                },
                            },
                        ),
                        Filter(
                            Filter {
                                field: Field {
                                    name: "f",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: Equal,
                                    quantifier: None,
                                    value: "q,)",
                                },
                            },
                        ),
                    ],
                },
            ),
            (
                [
                    "clients",
                ],
                Expr {
                    negated: true,
                    operator: And,
                    children: [
                        Filter(
                            Filter {
                                field: Field {
                                    name: "name",
                                    json_path: [],
                                },
                                negated: false,
                                operation: Quant {
                                    operator: Like,
                                    quantifier: None,
                                    value: "*a*",
                                },
                            },
                        ),
                    ],
                },
            ),
        ]"#]]
    .assert_eq(&format!("{:#?}", parsed.logic));
}

#[test]
fn logic_tree_errors() {
    expect![[r#""failed to parse logic tree (())" (line 1, column 2) | unexpected ')' expecting field name (* or [a..z0..9_$])"#]]
    .assert_eq(&error_of("or=()"));
    expect![[r#""failed to parse logic tree ((id.in.1,2))" (line 1, column 8) | unexpected '1' expecting '('"#]]
    .assert_eq(&error_of("or=(id.in.1,2)"));
    expect![[r#""failed to parse logic tree ((id.eq.1,not.xor(id.eq.2)))" (line 1, column 26) | unknown single value operator xor(id.eq.2)"#]]
    .assert_eq(&error_of("or=(id.eq.1,not.xor(id.eq.2))"));
}

#[test]
fn order_limit_offset_and_columns() {
    let parsed = parse(
        "order=name.desc.nullslast,agency(name),data->>x.asc&clients.order=created_at&limit=10&offset=20&clients.limit=3&columns=%22a%22,%22b%22&on_conflict=agency_id,name",
    )
    .unwrap();
    expect![[r#"
        [
            (
                [],
                [
                    OrderTerm {
                        target: Field(
                            Field {
                                name: "name",
                                json_path: [],
                            },
                        ),
                        direction: Some(
                            Desc,
                        ),
                        nulls: Some(
                            Last,
                        ),
                    },
                    OrderTerm {
                        target: Relation {
                            relation: "agency",
                            field: Field {
                                name: "name",
                                json_path: [],
                            },
                        },
                        direction: None,
                        nulls: None,
                    },
                    OrderTerm {
                        target: Field(
                            Field {
                                name: "data",
                                json_path: [
                                    DoubleArrow(
                                        Key(
                                            "x",
                                        ),
                                    ),
                                ],
                            },
                        ),
                        direction: Some(
                            Asc,
                        ),
                        nulls: None,
                    },
                ],
            ),
            (
                [
                    "clients",
                ],
                [
                    OrderTerm {
                        target: Field(
                            Field {
                                name: "created_at",
                                json_path: [],
                            },
                        ),
                        direction: None,
                        nulls: None,
                    },
                ],
            ),
        ]"#]]
    .assert_eq(&format!("{:#?}", parsed.order));
    assert_eq!(
        parsed.root_range(),
        Range {
            limit: Some(10),
            offset: 20
        }
    );
    assert_eq!(
        parsed.range_of(&["clients".to_owned()]),
        Range {
            limit: Some(3),
            offset: 0
        }
    );
    assert_eq!(parsed.columns.unwrap(), ["a", "b"]);
    assert_eq!(parsed.on_conflict.unwrap(), ["agency_id", "name"]);
    expect![[r#""failed to parse order (id.descc)" (line 1, column 4) | unexpected 'd' expecting "asc", "desc", "nullsfirst" or "nullslast""#]]
    .assert_eq(&error_of("order=id.descc"));
    assert_eq!(
        parse("limit=-1"),
        Err(QueryError::InvalidRange(
            "Limit should be greater than or equal to zero.".into()
        ))
    );
    assert!(matches!(parse("limit=ten"), Err(QueryError::Parse { .. })));
}

#[test]
fn non_operator_values_are_rpc_arguments() {
    let parsed = parse("name=Ada&n=5&tags={a,b}&id=eq.3").unwrap();
    assert_eq!(
        parsed.arguments,
        [
            ("name".to_owned(), "Ada".to_owned()),
            ("n".to_owned(), "5".to_owned()),
            ("tags".to_owned(), "{a,b}".to_owned())
        ]
    );
    assert_eq!(parsed.filters.len(), 1);
}

#[test]
fn unknown_operators_and_bad_values() {
    expect![[r#""failed to parse filter (noop.0)" (line 1, column 1) | unknown single value operator noop"#]]
    .assert_eq(&error_of("a.b=noop.0"));
    expect![[r#""failed to parse filter (is.maybe)" (line 1, column 4) | unexpected 'm' expecting null or trilean value (unknown, true, false)"#]]
    .assert_eq(&error_of("a=is.maybe"));
    expect![[r#""failed to parse filter (eq(some).1)" (line 1, column 9) | unknown single value operator eq(some)"#]]
    .assert_eq(&error_of("a=eq(some).1"));
    expect![[r#""failed to parse filter (in.(1,2)x)" (line 1, column 9) | unexpected 'x' expecting end of input"#]]
    .assert_eq(&error_of("a=in.(1,2)x"));
}

#[test]
fn limits_are_enforced_quickly() {
    let ids: Vec<String> = (0..=limits::MAX_IN_VALUES).map(|n| n.to_string()).collect();
    let query = format!("id=in.({})", ids.join(","));
    assert!(error_of(&query).contains("limited to 1000 values"));
    let ok: Vec<String> = (0..limits::MAX_IN_VALUES).map(|n| n.to_string()).collect();
    assert!(parse(&format!("id=in.({})", ok.join(","))).is_ok());

    let deep = format!(
        "or=({}a.eq.1{})",
        "and(".repeat(limits::MAX_LOGIC_DEPTH),
        ")".repeat(limits::MAX_LOGIC_DEPTH)
    );
    assert!(error_of(&deep).contains("limited to 16 levels"));
    let fine = format!(
        "or=({}a.eq.1{})",
        "and(".repeat(limits::MAX_LOGIC_DEPTH - 1),
        ")".repeat(limits::MAX_LOGIC_DEPTH - 1)
    );
    assert!(parse(&fine).is_ok());

    let embeds = format!(
        "select={}id{}",
        "a(".repeat(limits::MAX_EMBED_DEPTH + 1),
        ")".repeat(limits::MAX_EMBED_DEPTH + 1)
    );
    assert!(error_of(&embeds).contains("limited to 8 levels"));

    let huge = format!("a=eq.{}", "x".repeat(limits::MAX_QUERY_BYTES));
    assert_eq!(parse(&huge), Err(QueryError::TooLong));
    // A pathological nesting far beyond the limit fails without exhausting the stack.
    let abuse = format!("or=({}", "or(".repeat(100_000));
    assert!(matches!(parse(&abuse), Err(QueryError::TooLong)));
    let abuse = format!("or=({}", "or(".repeat(10_000));
    assert!(error_of(&abuse).contains("limited to 16 levels"));
    let long_name = format!("select={}", "n".repeat(64));
    assert!(error_of(&long_name).contains("limited to 63 bytes"));
}

// --- rendering, for the round-trip property ---

fn quote_name(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

fn render_field(field: &Field) -> String {
    let mut out = quote_name(&field.name);
    for step in &field.json_path {
        out.push_str(match step {
            JsonStep::Arrow(_) => "->",
            JsonStep::DoubleArrow(_) => "->>",
        });
        match step.key() {
            JsonKey::Key(key) => out.push_str(&quote_name(key)),
            JsonKey::Index(index) => out.push_str(index),
        }
    }
    out
}

fn render_select(items: &[SelectItem]) -> String {
    items
        .iter()
        .map(|item| match item {
            SelectItem::Star => "*".to_owned(),
            SelectItem::Field { field, alias, cast } => {
                let mut out = String::new();
                if let Some(alias) = alias {
                    out.push_str(&quote_name(alias));
                    out.push(':');
                }
                out.push_str(&render_field(field));
                if let Some(cast) = cast {
                    out.push_str("::");
                    out.push_str(cast);
                }
                out
            }
            SelectItem::Embed(embed) => {
                let mut out = String::new();
                if embed.spread {
                    out.push_str("...");
                } else if let Some(alias) = &embed.alias {
                    out.push_str(&quote_name(alias));
                    out.push(':');
                }
                out.push_str(&quote_name(&embed.relation));
                if let Some(hint) = &embed.hint {
                    out.push('!');
                    out.push_str(&quote_name(hint));
                }
                match embed.join {
                    Some(JoinType::Inner) => out.push_str("!inner"),
                    Some(JoinType::Left) => out.push_str("!left"),
                    None => {}
                }
                out.push('(');
                out.push_str(&render_select(&embed.children));
                out.push(')');
                out
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn render_operation(negated: bool, operation: &Operation, in_tree: bool) -> String {
    let mut out = if negated {
        "not.".to_owned()
    } else {
        String::new()
    };
    let value = |v: &str| {
        if in_tree {
            format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\""))
        } else {
            v.to_owned()
        }
    };
    match operation {
        Operation::Simple { operator, value: v } => {
            let name = match operator {
                SimpleOperator::NotEqual => "neq",
                SimpleOperator::Contains => "cs",
                SimpleOperator::Contained => "cd",
                SimpleOperator::Overlap => "ov",
                SimpleOperator::StrictlyLeft => "sl",
                SimpleOperator::StrictlyRight => "sr",
                SimpleOperator::NotExtendsRight => "nxr",
                SimpleOperator::NotExtendsLeft => "nxl",
                SimpleOperator::Adjacent => "adj",
            };
            out.push_str(&format!("{name}.{}", value(v)));
        }
        Operation::Quant {
            operator,
            quantifier,
            value: v,
        } => {
            let name = match operator {
                QuantOperator::Equal => "eq",
                QuantOperator::GreaterThan => "gt",
                QuantOperator::GreaterThanEqual => "gte",
                QuantOperator::LessThan => "lt",
                QuantOperator::LessThanEqual => "lte",
                QuantOperator::Like => "like",
                QuantOperator::ILike => "ilike",
                QuantOperator::Match => "match",
                QuantOperator::IMatch => "imatch",
            };
            let modifier = match quantifier {
                None => "",
                Some(Quantifier::Any) => "(any)",
                Some(Quantifier::All) => "(all)",
            };
            out.push_str(&format!("{name}{modifier}.{}", value(v)));
        }
        Operation::In(values) => {
            let items: Vec<String> = values
                .iter()
                .map(|v| format!("\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"")))
                .collect();
            out.push_str(&format!("in.({})", items.join(",")));
        }
        Operation::Is(is) => out.push_str(match is {
            IsValue::Null => "is.null",
            IsValue::NotNull => "is.not_null",
            IsValue::True => "is.true",
            IsValue::False => "is.false",
            IsValue::Unknown => "is.unknown",
        }),
        Operation::IsDistinct(v) => out.push_str(&format!("isdistinct.{}", value(v))),
        Operation::Fts {
            operator,
            config,
            value: v,
        } => {
            let name = match operator {
                FtsOperator::Fts => "fts",
                FtsOperator::Plain => "plfts",
                FtsOperator::Phrase => "phfts",
                FtsOperator::Websearch => "wfts",
            };
            let config = config
                .as_ref()
                .map(|c| format!("({c})"))
                .unwrap_or_default();
            out.push_str(&format!("{name}{config}.{}", value(v)));
        }
    }
    out
}

fn render_tree(tree: &LogicTree) -> String {
    match tree {
        LogicTree::Filter(filter) => format!(
            "{}.{}",
            render_field(&filter.field),
            render_operation(filter.negated, &filter.operation, true)
        ),
        LogicTree::Expr {
            negated,
            operator,
            children,
        } => {
            let children: Vec<String> = children.iter().map(render_tree).collect();
            format!(
                "{}{}({})",
                if *negated { "not." } else { "" },
                match operator {
                    LogicOperator::And => "and",
                    LogicOperator::Or => "or",
                },
                children.join(",")
            )
        }
    }
}

fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

// --- generators ---

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z_][a-z0-9_]{0,12}",
        // Names that need quoting: commas, dots, parens, quotes, colons, unicode.
        "[a-zA-Z0-9_ ,.():!\"\\\\é-]{1,12}",
    ]
    .prop_filter("trimmed, non-empty, short", |s| {
        !s.trim().is_empty() && s.trim() == s && s.len() <= limits::MAX_NAME_BYTES
    })
}

fn json_key() -> impl Strategy<Value = JsonKey> {
    prop_oneof![
        name().prop_map(JsonKey::Key),
        (0i64..100, any::<bool>()).prop_map(|(n, neg)| JsonKey::Index(if neg && n > 0 {
            format!("-{n}")
        } else {
            n.to_string()
        })),
    ]
}

fn field() -> impl Strategy<Value = Field> {
    (
        name(),
        prop::collection::vec(
            (json_key(), any::<bool>()).prop_map(|(key, double)| {
                if double {
                    JsonStep::DoubleArrow(key)
                } else {
                    JsonStep::Arrow(key)
                }
            }),
            0..3,
        ),
    )
        .prop_map(|(name, json_path)| Field { name, json_path })
}

fn select_items(depth: u32) -> BoxedStrategy<Vec<SelectItem>> {
    let leaf = prop_oneof![
        Just(SelectItem::Star),
        (
            field(),
            proptest::option::of(name()),
            proptest::option::of("[a-z][a-z0-9_]{0,8}")
        )
            .prop_map(|(field, alias, cast)| SelectItem::Field { field, alias, cast }),
    ];
    if depth == 0 {
        return prop::collection::vec(leaf, 1..4).boxed();
    }
    let embed = (
        name(),
        proptest::option::of(name()),
        proptest::option::of(
            name().prop_filter("not a join word", |h| h != "inner" && h != "left"),
        ),
        prop_oneof![
            Just(None),
            Just(Some(JoinType::Inner)),
            Just(Some(JoinType::Left))
        ],
        any::<bool>(),
        select_items(depth - 1),
    )
        .prop_map(|(relation, alias, hint, join, spread, children)| {
            SelectItem::Embed(Embed {
                relation,
                alias: if spread { None } else { alias },
                hint,
                join,
                spread,
                children,
            })
        });
    prop::collection::vec(prop_oneof![3 => leaf, 1 => embed], 1..4).boxed()
}

fn value() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,.()\"\\\\{}*%é]{0,10}"
}

fn operation() -> impl Strategy<Value = Operation> {
    prop_oneof![
        (0usize..9, value()).prop_map(|(i, value)| Operation::Simple {
            operator: [
                SimpleOperator::NotEqual,
                SimpleOperator::Contains,
                SimpleOperator::Contained,
                SimpleOperator::Overlap,
                SimpleOperator::StrictlyLeft,
                SimpleOperator::StrictlyRight,
                SimpleOperator::NotExtendsRight,
                SimpleOperator::NotExtendsLeft,
                SimpleOperator::Adjacent,
            ][i],
            value
        }),
        (0usize..9, 0usize..3, value()).prop_map(|(i, q, value)| Operation::Quant {
            operator: [
                QuantOperator::Equal,
                QuantOperator::GreaterThan,
                QuantOperator::GreaterThanEqual,
                QuantOperator::LessThan,
                QuantOperator::LessThanEqual,
                QuantOperator::Like,
                QuantOperator::ILike,
                QuantOperator::Match,
                QuantOperator::IMatch,
            ][i],
            quantifier: [None, Some(Quantifier::Any), Some(Quantifier::All)][q],
            value
        }),
        prop::collection::vec(value(), 1..5).prop_map(Operation::In),
        (0usize..5).prop_map(|i| Operation::Is(
            [
                IsValue::Null,
                IsValue::NotNull,
                IsValue::True,
                IsValue::False,
                IsValue::Unknown
            ][i]
        )),
        value().prop_map(Operation::IsDistinct),
        (0usize..4, proptest::option::of("[a-z]{1,8}"), value()).prop_map(|(i, config, value)| {
            Operation::Fts {
                operator: [
                    FtsOperator::Fts,
                    FtsOperator::Plain,
                    FtsOperator::Phrase,
                    FtsOperator::Websearch,
                ][i],
                config,
                value,
            }
        }),
    ]
}

fn filter() -> impl Strategy<Value = Filter> {
    (field(), any::<bool>(), operation()).prop_map(|(field, negated, operation)| Filter {
        field,
        negated,
        operation,
    })
}

fn logic_tree(depth: u32) -> BoxedStrategy<LogicTree> {
    let leaf = filter().prop_map(LogicTree::Filter);
    if depth == 0 {
        return leaf.boxed();
    }
    prop_oneof![
        2 => leaf,
        1 => (any::<bool>(), any::<bool>(), prop::collection::vec(logic_tree(depth - 1), 1..4)).prop_map(
            |(negated, or, children)| LogicTree::Expr {
                negated,
                operator: if or { LogicOperator::Or } else { LogicOperator::And },
                children,
            }
        ),
    ]
    .boxed()
}

/// Grammar-shaped fragments glued at random: close to valid, often not.
fn near_valid() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("select="),
        Just("or="),
        Just("and="),
        Just("order="),
        Just("limit="),
        Just("offset="),
        Just("not."),
        Just("eq."),
        Just("in."),
        Just("is."),
        Just("fts("),
        Just("like(any)."),
        Just("("),
        Just(")"),
        Just(","),
        Just("."),
        Just(":"),
        Just("::"),
        Just("->"),
        Just("->>"),
        Just("!"),
        Just("!inner"),
        Just("..."),
        Just("\""),
        Just("\\"),
        Just("{"),
        Just("}"),
        Just("*"),
        Just("&"),
        Just("="),
        Just("%"),
        Just("%2"),
        Just("+"),
        Just("a"),
        Just("id"),
        Just("-"),
        Just("1"),
        Just("é"),
        Just("\u{0}"),
    ];
    prop::collection::vec(token, 0..40).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(query in ".{0,200}") {
        let _ = parse(&query);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let query = String::from_utf8_lossy(&bytes);
        let _ = parse(&query);
    }

    #[test]
    fn near_valid_strings_never_panic(query in near_valid()) {
        let _ = parse(&query);
        let _ = parse(&format!("select={query}"));
        let _ = parse(&format!("or=({query})"));
        let _ = parse(&format!("a=not.{query}"));
        let _ = parse(&format!("order={query}"));
    }

    #[test]
    fn select_round_trips(items in select_items(2)) {
        let rendered = render_select(&items);
        let parsed = parse_pairs(&[("select".into(), rendered.clone())]);
        prop_assert_eq!(parsed.map(|p| p.select), Ok(items), "rendered: {}", rendered);
    }

    #[test]
    fn filters_round_trip(filter in filter()) {
        let key = render_field(&filter.field);
        let value = render_operation(filter.negated, &filter.operation, false);
        let query = encode(&[(key, value)]);
        let parsed = parse(&query).map(|p| p.filters);
        prop_assert_eq!(parsed, Ok(vec![(Vec::new(), filter)]), "query: {}", query);
    }

    #[test]
    fn logic_trees_round_trip(negated in any::<bool>(), children in prop::collection::vec(logic_tree(3), 1..4)) {
        let tree = LogicTree::Expr { negated, operator: LogicOperator::Or, children };
        let rendered = render_tree(&tree);
        let (key, value) = rendered.split_once('(').map(|(k, v)| (k.to_owned(), format!("({v}"))).unwrap();
        let key = if negated { key } else { key.trim_start_matches("not.").to_owned() };
        let parsed = parse(&encode(&[(key, value)])).map(|p| p.logic);
        prop_assert_eq!(parsed, Ok(vec![(Vec::new(), tree)]), "rendered: {}", rendered);
    }
}
