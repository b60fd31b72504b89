//! Rules over AKS cluster exports (catalog section D). One file per rule, named after its id.

use crate::rules::NativeFn;

pub const TEMPLATES: &[(&str, NativeFn)] = &[];
