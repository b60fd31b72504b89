//! Rules that join credentials to ServiceAccounts and clusters across files (catalog section B, cross-file checks). One file per rule, named after its id.

use crate::rules::NativeFn;

pub const TEMPLATES: &[(&str, NativeFn)] = &[];
