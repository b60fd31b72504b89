//! Rules about inputs themselves (catalog section E): every file is accounted for.

mod duplicate_key;
mod plaintext_client_secret;
mod unparseable_input;
mod unrecognized_input;
mod value_not_decided;

use crate::rules::{NativeFn, Reach};

pub const TEMPLATES: &[(&str, NativeFn, Reach)] = &[
    ("input.duplicate-key", duplicate_key::check, Reach::File),
    (
        "input.plaintext-client-secret",
        plaintext_client_secret::check,
        Reach::File,
    ),
    (
        "input.unparseable-input",
        unparseable_input::check,
        Reach::File,
    ),
    (
        "input.unrecognized-input",
        unrecognized_input::check,
        Reach::File,
    ),
    (
        "input.value-not-decided",
        value_not_decided::check,
        Reach::File,
    ),
];
