//! What every parser target checks of a span tree.

/// Every span lies inside the text, on char boundaries: renderers slice the text by them.
pub fn check(text: &str, root: &wiflint::document::Node) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        let r = node.span.range();
        assert!(r.start <= r.end && r.end <= text.len(), "span {r:?} outside the text");
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        match &node.kind {
            wiflint::document::NodeKind::Seq(items) => stack.extend(items),
            wiflint::document::NodeKind::Map(entries) => {
                for e in entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
            wiflint::document::NodeKind::Scalar(_) => {}
        }
    }
}
