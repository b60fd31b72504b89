//! JSON text → span tree: never panics, and every span lies on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiflint::document::{Node, NodeKind, json};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match json::parse(text) {
        Ok(doc) => check_spans(text, &doc),
        Err(e) => assert!(
            text.get(e.span.range()).is_some(),
            "error span {:?}",
            e.span
        ),
    }
});

fn check_spans(text: &str, root: &Node) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        assert!(
            text.get(node.span.range()).is_some(),
            "span {:?}",
            node.span
        );
        match &node.kind {
            NodeKind::Scalar(_) => {}
            NodeKind::Seq(items) => stack.extend(items),
            NodeKind::Map(entries) => {
                for e in entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
        }
    }
}
