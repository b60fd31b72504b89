//! JSONPath over span trees.
//!
//! `jsonpath-rust` lets any type be queried through its `Queryable` trait; implementing it on our
//! own [`Node`] means a selector's matches come back as nodes that already carry their spans, and
//! the normalized result paths become our symbolic [`Path`]s. No copy into `serde_json::Value`.

use jsonpath_rust::parser::model::JpQuery;
use jsonpath_rust::query::queryable::Queryable;

use super::path::{Path, from_normalized};
use super::tree::{Node, NodeKind, Span, Style, Typed};

/// A compiled JSONPath selector.
#[derive(Clone, Debug)]
pub struct Selector {
    pub source: String,
    query: JpQuery,
}

impl Selector {
    pub fn parse(source: &str) -> Result<Self, String> {
        jsonpath_rust::parser::parse_json_path(source)
            .map(|query| Selector {
                source: source.to_string(),
                query,
            })
            .map_err(|e| e.to_string())
    }

    /// Every node the selector matches, with its path relative to `root`.
    pub fn matches<'a>(&self, root: &'a Node) -> Vec<(Path, &'a Node)> {
        jsonpath_rust::query::js_path_process(&self.query, root)
            .map(|refs| {
                refs.into_iter()
                    .filter_map(|r| {
                        let node = r.val;
                        from_normalized(&r.path).map(|p| (p, node))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn literal(text: String, typed: Typed) -> Node {
    Node::scalar(text, Style::Json, typed, Span::default())
}

impl From<&str> for Node {
    fn from(s: &str) -> Self {
        literal(s.to_string(), Typed::Str)
    }
}

impl From<String> for Node {
    fn from(s: String) -> Self {
        literal(s, Typed::Str)
    }
}

impl From<bool> for Node {
    fn from(b: bool) -> Self {
        literal(b.to_string(), Typed::Bool(b))
    }
}

impl From<i64> for Node {
    fn from(i: i64) -> Self {
        literal(i.to_string(), Typed::Int(i))
    }
}

impl From<f64> for Node {
    fn from(f: f64) -> Self {
        literal(f.to_string(), Typed::Float(f))
    }
}

impl From<Vec<Node>> for Node {
    fn from(items: Vec<Node>) -> Self {
        Node {
            span: Span::default(),
            kind: NodeKind::Seq(items),
        }
    }
}

impl Queryable for Node {
    fn get(&self, key: &str) -> Option<&Self> {
        Node::get(self, key)
    }

    fn as_array(&self) -> Option<&Vec<Self>> {
        match &self.kind {
            NodeKind::Seq(items) => Some(items),
            _ => None,
        }
    }

    fn as_object(&self) -> Option<Vec<(&str, &Self)>> {
        self.as_map()?;
        Some(
            self.entries()
                .into_iter()
                .map(|(k, e)| (k, &e.value))
                .collect(),
        )
    }

    fn as_str(&self) -> Option<&str> {
        Node::as_str(self)
    }

    fn as_i64(&self) -> Option<i64> {
        match self.as_scalar()?.typed {
            Typed::Int(i) => Some(i),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self.as_scalar()?.typed {
            Typed::Float(f) => Some(f),
            _ => None,
        }
    }

    fn as_bool(&self) -> Option<bool> {
        Node::as_bool(self)
    }

    fn null() -> Self {
        literal("null".into(), Typed::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::yaml;

    #[test]
    fn selectors_return_nodes_with_paths_and_spans() {
        let text =
            "spec:\n  containers:\n  - name: a\n    env: [{name: X, value: '1'}]\n  - name: b\n";
        let doc = yaml::parse(text).unwrap_or_default().remove(0);
        let sel = Selector::parse("$.spec.containers[?@.name == 'b'].name")
            .unwrap_or_else(|e| panic!("{e}"));
        let found = sel.matches(&doc);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.to_string(), "spec.containers[1].name");
        assert_eq!(&text[found[0].1.span.range()], "b");
        let env = Selector::parse("$..env[*].value").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(env.matches(&doc)[0].1.as_str(), Some("1"));
        assert!(Selector::parse("$.[").is_err());
    }
}
