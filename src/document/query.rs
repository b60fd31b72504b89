//! JSONPath over span trees.
//!
//! `jsonpath-rust` lets any type be queried through its `Queryable` trait; implementing it on our
//! own [`Node`] means a selector's matches come back as nodes that already carry their spans, and
//! the normalized result paths become our symbolic [`Path`]s. No copy into `serde_json::Value`.

use std::cell::RefCell;
use std::collections::HashMap;

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

    /// Every node the selector matches, with its path relative to `root`, or [`Exhausted`]
    /// when finding them took more than [`SELECTOR_BUDGET`].
    pub fn matches<'a>(&self, root: &'a Node) -> Result<Vec<(Path, &'a Node)>, Exhausted> {
        SPEND.with_borrow_mut(|spend| *spend = Some(Spend::new(root)));
        let found = jsonpath_rust::query::js_path_process(&self.query, root);
        let spend = SPEND.with_borrow_mut(Option::take);
        if spend.is_none_or(|s| s.exhausted) {
            return Err(Exhausted);
        }
        Ok(found
            .map(|refs| {
                refs.into_iter()
                    .filter_map(|r| from_normalized(&r.path).map(|p| (p, r.val)))
                    .collect()
            })
            .unwrap_or_default())
    }
}

/// The bytes of results one evaluation of a selector on one object may build. `jsonpath-rust`
/// evaluates a selector whole, building every intermediate result with its path as a string:
/// `$..*..*..*` on a document nested 400 deep built tens of gigabytes. It reaches the nodes only
/// through [`Queryable`], so that is where the work is counted: every child it is handed costs
/// its path (as long as its parent's, plus the segment) and a pointer, and once the budget is
/// spent no node has children any more, so the evaluation ends quickly, and its result is
/// discarded as incomplete.
pub const SELECTOR_BUDGET: usize = 64 << 20;

/// What a pointer costs besides its path (the crate's `Pointer`, and a `Vec` slot or two).
const POINTER_BYTES: usize = 64;

/// A selector was given up on, its work past [`SELECTOR_BUDGET`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exhausted;

/// The budget of the evaluation running on this thread (evaluations do not nest).
struct Spend {
    left: usize,
    exhausted: bool,
    /// The length of the crate's path to each node it has been handed, by address.
    paths: HashMap<usize, usize>,
}

thread_local! {
    static SPEND: RefCell<Option<Spend>> = const { RefCell::new(None) };
}

impl Spend {
    fn new(root: &Node) -> Self {
        Spend {
            left: SELECTOR_BUDGET,
            exhausted: false,
            paths: HashMap::from([(address(root), 1)]),
        }
    }

    /// Pays for handing out the children of `parent`, given the lengths of their path segments;
    /// false when the budget does not cover them.
    fn pay<'n>(
        &mut self,
        parent: &Node,
        children: impl ExactSizeIterator<Item = (&'n Node, usize)>,
    ) -> bool {
        if self.exhausted {
            return false;
        }
        let base = self.paths.get(&address(parent)).copied().unwrap_or(1);
        let mut cost = children.len().saturating_mul(base + POINTER_BYTES);
        let mut lengths = Vec::with_capacity(children.len());
        for (child, segment) in children {
            cost = cost.saturating_add(segment);
            lengths.push((address(child), base + segment));
        }
        if cost > self.left {
            self.exhausted = true;
            self.left = 0;
            return false;
        }
        self.left -= cost;
        self.paths.extend(lengths);
        true
    }
}

fn address(node: &Node) -> usize {
    std::ptr::from_ref(node) as usize
}

/// Whether the running evaluation has spent its budget.
fn spent() -> bool {
    SPEND.with_borrow(|spend| spend.as_ref().is_some_and(|s| s.exhausted))
}

/// Pays for `children` of `parent` from the running evaluation's budget (true outside one).
fn pay<'n>(parent: &Node, children: impl ExactSizeIterator<Item = (&'n Node, usize)>) -> bool {
    SPEND.with_borrow_mut(|spend| spend.as_mut().is_none_or(|s| s.pay(parent, children)))
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

/// The length of `['key']` (escapes aside, which only make it longer by a few bytes each).
fn key_segment(key: &str) -> usize {
    key.len() + 4
}

impl Queryable for Node {
    fn get(&self, key: &str) -> Option<&Self> {
        let child = Node::get(self, key)?;
        pay(self, std::iter::once((child, key_segment(key)))).then_some(child)
    }

    fn as_array(&self) -> Option<&Vec<Self>> {
        match &self.kind {
            // `[12]`: digits and brackets.
            NodeKind::Seq(items) => pay(self, items.iter().map(|i| (i, 22))).then_some(items),
            _ => None,
        }
    }

    fn as_object(&self) -> Option<Vec<(&str, &Self)>> {
        if self.as_map().is_none() || spent() {
            return None;
        }
        let entries: Vec<(&str, &Self)> = self
            .entries()
            .into_iter()
            .map(|(k, e)| (k, &e.value))
            .collect();
        let children = entries.iter().map(|(k, v)| (*v, key_segment(k)));
        pay(self, children).then_some(entries)
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
        let found = sel.matches(&doc).unwrap_or_default();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.to_string(), "spec.containers[1].name");
        assert_eq!(&text[found[0].1.span.range()], "b");
        let env = Selector::parse("$..env[*].value").unwrap_or_else(|e| panic!("{e}"));
        let values = env.matches(&doc).unwrap_or_default();
        assert_eq!(values[0].1.as_str(), Some("1"));
        assert!(Selector::parse("$.[").is_err());
    }

    /// The work of a selector grows with a power of the depth: it is counted and given up on,
    /// and the next evaluation on the thread starts with the whole budget again.
    #[test]
    fn selectors_that_multiply_are_given_up_on() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&format!("{}k{i}:\n", "  ".repeat(i)));
        }
        text.push_str(&format!("{}v: 1\n", "  ".repeat(300)));
        let doc = yaml::parse(&text).unwrap_or_default().remove(0);
        let parse = |s: &str| Selector::parse(s).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(parse("$..*..*..*").matches(&doc).err(), Some(Exhausted));
        let all = parse("$..*").matches(&doc).unwrap_or_default();
        assert_eq!(all.len(), 301);
        assert!(parse("$..v").matches(&doc).is_ok_and(|m| m.len() == 1));
    }
}
