//! YAML text to span trees: must never panic, overflow the stack or loop, whatever the bytes; and
//! the fast path must build exactly the general parser's trees wherever it does not give up.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wiflint::document::yaml;

#[path = "spans.rs"]
mod spans;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(docs) = yaml::parse(text) {
        for doc in &docs {
            spans::check(text, doc);
        }
    }
    if let Some(fast) = yaml::parse_fast(text) {
        match yaml::parse_general(text) {
            Ok(general) => assert_eq!(
                format!("{fast:?}"),
                format!("{general:?}"),
                "the fast path and the general parser disagree"
            ),
            Err(e) => panic!(
                "the fast path accepted what the general parser rejects: {}",
                e.message
            ),
        }
    }
});
