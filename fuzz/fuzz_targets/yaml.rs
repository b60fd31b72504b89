//! YAML text to span trees: must never panic, overflow the stack or loop, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(docs) = wiflint::document::yaml::parse(text) {
            // Every span must lie on char boundaries inside the text: renderers slice by them.
            for doc in &docs {
                wiflint_fuzz_check_spans(text, doc);
            }
        }
    }
});

fn wiflint_fuzz_check_spans(text: &str, root: &wiflint::document::Node) {
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
