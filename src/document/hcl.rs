//! HCL (the Vault server configuration) as a span tree.
//!
//! wiflint reads a Vault server config only for its top-level attributes (`api_addr`, the base of
//! the plugin token issuer), so only those become tree entries; blocks (`listener`, `storage`, …)
//! are left out rather than half-modelled. Literal values keep their type; any other expression
//! (`"${VAR}"`, a function call) becomes a plain scalar of its source text, typed null so no rule
//! mistakes it for a literal.

use hcl_edit::Span as _;
use hcl_edit::expr::Expression;
use hcl_edit::structure::Structure;

use super::ParseError;
use super::tree::{Entry, Node, NodeKind, Span, Style, Typed};

pub fn parse(text: &str) -> Result<Node, ParseError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        let offset = e.location().offset().min(text.len());
        ParseError {
            message: format!("invalid HCL: {}", e.message()),
            span: Span::new(offset, offset),
        }
    })?;
    let mut entries = Vec::new();
    for structure in body.iter() {
        let Structure::Attribute(attr) = structure else {
            continue;
        };
        let key_span = span_of(attr.key.span());
        let key = Node::scalar(attr.key.as_str(), Style::Plain, Typed::Str, key_span);
        let value_span = span_of(attr.value.span());
        let raw = text.get(value_span.range()).unwrap_or("");
        let value = match &attr.value {
            Expression::String(s) => {
                Node::scalar(s.as_str(), Style::Quoted, Typed::Str, value_span)
            }
            Expression::Bool(b) => Node::scalar(raw, Style::Plain, Typed::Bool(**b), value_span),
            Expression::Number(n) => {
                let typed = match n.as_i64() {
                    Some(i) => Typed::Int(i),
                    None => Typed::Float(n.as_f64().unwrap_or(f64::NAN)),
                };
                Node::scalar(raw, Style::Plain, typed, value_span)
            }
            _ => Node::scalar(raw, Style::Plain, Typed::Null, value_span),
        };
        entries.push(Entry { key, value });
    }
    Ok(Node {
        span: Span::new(0, text.len()),
        kind: NodeKind::Map(entries),
    })
}

fn span_of(range: Option<std::ops::Range<usize>>) -> Span {
    range.map_or(Span::default(), |r| Span::new(r.start, r.end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_attributes_with_spans() {
        let text = "ui = true\nlistener \"tcp\" {\n  address = \"x\"\n}\napi_addr = \"https://v:8200\"\nport = 8200\n";
        let node = parse(text).unwrap_or_default();
        let api = node.get("api_addr").map(|n| (n.as_str(), n.span));
        let start = text.find("\"https").unwrap_or(0);
        assert_eq!(
            api,
            Some((Some("https://v:8200"), Span::new(start, start + 16)))
        );
        assert_eq!(node.get("ui").and_then(Node::as_bool), Some(true));
        assert!(node.get("listener").is_none());
        assert!(node.get("port").is_some());
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = parse("api_addr = \n}").err();
        assert!(err.is_some_and(|e| e.message.starts_with("invalid HCL")));
    }
}
