//! JSON text to a span tree.
//!
//! JSON does not go through the YAML parser: that is five times slower and rejects valid JSON
//! (surrogate-pair escapes). `jsonc-parser` gives byte ranges directly and, with every leniency
//! switched off, accepts exactly JSON. It keeps duplicate properties, which we report.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, ParseOptions};

use super::ParseError;
use super::tree::{Entry, Node, NodeKind, Span, Style, Typed};

/// Whether the text is JSON with comments or trailing commas (`tsconfig.json`, VS Code
/// settings): not JSON, but what its own tool reads.
pub fn is_jsonc(text: &str) -> bool {
    let lenient = ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        ..strict_options()
    };
    jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &lenient)
        .is_ok_and(|p| p.value.is_some())
}

fn strict_options() -> ParseOptions {
    ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

pub fn parse(text: &str) -> Result<Node, ParseError> {
    let strict = strict_options();
    let parsed =
        jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict).map_err(|e| {
            let r = e.range();
            ParseError {
                message: e.kind().to_string(),
                span: Span::new(r.start, r.end),
            }
        })?;
    match parsed.value {
        Some(value) => Ok(convert(&value)),
        None => Err(ParseError {
            message: "no JSON value".into(),
            span: Span::new(0, 0),
        }),
    }
}

// Recursion is bounded: jsonc-parser rejects nesting deeper than 512 levels.
fn convert(value: &Value<'_>) -> Node {
    match value {
        Value::StringLit(s) => scalar(&s.value, Typed::Str, s.range),
        Value::NumberLit(n) => {
            let typed = n
                .value
                .parse::<i64>()
                .map(Typed::Int)
                .unwrap_or_else(|_| Typed::Float(n.value.parse().unwrap_or(f64::NAN)));
            scalar(n.value, typed, n.range)
        }
        Value::BooleanLit(b) => scalar(
            if b.value { "true" } else { "false" },
            Typed::Bool(b.value),
            b.range,
        ),
        Value::NullKeyword(n) => scalar("null", Typed::Null, n.range),
        Value::Array(a) => Node {
            span: span(a.range),
            kind: NodeKind::Seq(a.elements.iter().map(convert).collect()),
        },
        Value::Object(o) => Node {
            span: span(o.range),
            kind: NodeKind::Map(
                o.properties
                    .iter()
                    .map(|p| {
                        let key = match &p.name {
                            ObjectPropName::String(s) => scalar(&s.value, Typed::Str, s.range),
                            ObjectPropName::Word(w) => scalar(w.value, Typed::Str, w.range),
                        };
                        Entry {
                            key,
                            value: convert(&p.value),
                        }
                    })
                    .collect(),
            ),
        },
    }
}

fn span(r: jsonc_parser::common::Range) -> Span {
    Span::new(r.start, r.end)
}

fn scalar(text: &str, typed: Typed, range: jsonc_parser::common::Range) -> Node {
    Node::scalar(text, Style::Json, typed, span(range))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_ranges_and_duplicates() {
        let text = r#"{"é": 1, "a": "x", "a": true, "n": null, "s": "\ud83d\ude00"}"#;
        let node = parse(text).unwrap_or_default();
        let entries = node.as_map().unwrap_or_default();
        assert_eq!(entries.len(), 5);
        assert_eq!(&text[entries[1].key.span.range()], "\"a\"");
        assert_eq!(node.get("a").and_then(Node::as_bool), Some(true));
        assert_eq!(node.get_str("s"), Some("😀"));
    }

    #[test]
    fn rejects_json5_leniencies() {
        for bad in ["{a: 1}", "[1,]", "{\"a\": 1 // c\n}", "'x'", "{\"a\" 1}"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
