//! wiflint: an offline linter for Azure Workload Identity Federation.
//!
//! The data flows one way: `input` (which files, what they are) → `document` (span trees) →
//! `model` (typed views) → `index` (cross-file joins) → `rules` (findings as data) → `finding`
//! resolution to spans → `render`. No module reaches back up the flow; only `render` formats text.

pub mod app;
pub mod cli;
pub mod document;
pub mod finding;
pub mod index;
pub mod input;
pub mod manual;
pub mod model;
pub mod render;
pub mod rules;

/// The script `wiflint vault-dump-script` prints (docs/inputs.md describes the bundle it writes).
pub const VAULT_DUMP_SCRIPT: &str = include_str!("../scripts/vault-dump.sh");
