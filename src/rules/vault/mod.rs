//! Rules over Vault's Azure secrets engine and the credentials that trust it (catalog section C). One file per rule, named after its id.

use crate::rules::NativeFn;

pub const TEMPLATES: &[(&str, NativeFn)] = &[];
