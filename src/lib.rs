//! wiflint: an offline linter for Azure Workload Identity Federation.
//!
//! The data flows one way: `input` (which files, what they are) → `document` (span trees) →
//! `model` (typed views) → `index` (cross-file joins) → `rules` (findings as data) → `finding`
//! resolution to spans → `suppress` / `baseline` → `render`. `config` (wiflint.toml) feeds the
//! registry and the scan. No module reaches back up the flow; only `render` formats text.
//! Front-ends of other formats (`terraform`) lower their files into the same span trees, see
//! `docs/frontends.md`.
//! `secret` decides what is a secret and how one is shown, for every path that prints input text.

pub mod app;
pub mod baseline;
pub mod bicep;
pub mod cli;
pub mod config;
pub mod document;
pub mod expand;
pub mod finding;
pub mod index;
pub mod input;
pub mod kustomize;
pub mod manual;
pub mod model;
pub mod operators;
pub mod placeholder;
pub mod powershell;
pub mod render;
pub mod rules;
pub mod script;
pub mod secret;
pub mod suppress;
pub mod terraform;

/// The script `wiflint vault-dump-script` prints (docs/inputs.md describes the bundle it writes).
pub const VAULT_DUMP_SCRIPT: &str = include_str!("../scripts/vault-dump.sh");
