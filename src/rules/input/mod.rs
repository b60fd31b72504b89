//! Rules about inputs themselves (catalog section E): every file is accounted for.

mod duplicate_key;
mod plaintext_client_secret;
mod unparseable_input;
mod unrecognized_input;

use crate::rules::NativeFn;

/// Masks the literal secrets of a file for display (see `plaintext-client-secret`).
pub(crate) use plaintext_client_secret::redact as redact_secrets;

pub const TEMPLATES: &[(&str, NativeFn)] = &[
    ("input.duplicate-key", duplicate_key::check),
    (
        "input.plaintext-client-secret",
        plaintext_client_secret::check,
    ),
    ("input.unparseable-input", unparseable_input::check),
    ("input.unrecognized-input", unrecognized_input::check),
];
