//! YAML text to span trees: must never panic, overflow the stack or loop, whatever the bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "spans.rs"]
mod spans;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(docs) = wiflint::document::yaml::parse(text) {
            for doc in &docs {
                spans::check(text, doc);
            }
        }
    }
});
