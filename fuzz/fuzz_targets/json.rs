//! JSON (and JSONC) text to a span tree: must never panic, overflow the stack or loop, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "spans.rs"]
mod spans;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(doc) = wiflint::document::json::parse(text) {
            let docs = [doc];
            for doc in &docs {
                spans::check(text, doc);
            }
        }
    }
});
