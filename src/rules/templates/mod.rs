//! Generic rule templates (no Rust needed per rule).

pub mod field;
