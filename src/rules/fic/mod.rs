//! Rules over federated identity credentials on their own (catalog section B, single-credential and per-identity checks). One file per rule, named after its id.

use crate::rules::NativeFn;

pub const TEMPLATES: &[(&str, NativeFn)] = &[];
