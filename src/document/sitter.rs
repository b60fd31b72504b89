//! Syntax errors of tree-sitter trees, the parsers of the Bicep and shell front-ends.

use tree_sitter::Node as Ts;

use super::{ParseError, Span};

/// The first syntax error of a tree, at its position; top-level statements that `tolerated`
/// accepts are none.
pub fn first_error(
    root: Ts<'_>,
    text: &str,
    what: &str,
    tolerated: fn(Ts<'_>, &str) -> bool,
) -> Option<ParseError> {
    if !root.has_error() {
        return None;
    }
    let mut cursor = root.walk();
    let top = if root.is_error() {
        root
    } else {
        root.children(&mut cursor)
            .find(|c| c.has_error() && !(c.is_error() && tolerated(*c, text)))?
    };
    let mut node = top;
    'down: loop {
        if node.is_error() || node.is_missing() {
            let message = if node.is_missing() {
                format!("{what} syntax error: missing `{}`", node.kind())
            } else {
                format!("{what} syntax error: unexpected input")
            };
            return Some(ParseError {
                message,
                span: Span::new(node.start_byte(), node.end_byte()),
            });
        }
        for child in node.children(&mut cursor) {
            if child.has_error() {
                node = child;
                continue 'down;
            }
        }
        return None;
    }
}
