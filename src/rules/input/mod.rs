//! Rules about inputs themselves (catalog section E): every file is accounted for.

mod duplicate_key;
mod unparseable_input;
mod unrecognized_input;

use crate::rules::NativeFn;

pub const TEMPLATES: &[(&str, NativeFn)] = &[
    ("input.duplicate-key", duplicate_key::check),
    ("input.unparseable-input", unparseable_input::check),
    ("input.unrecognized-input", unrecognized_input::check),
];
