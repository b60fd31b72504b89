//! Rules over GitHub Actions workflows that log in to Azure with OpenID Connect. One file per
//! rule, named after its id.

mod github_id_token_permission_missing;
mod github_subject_not_trusted;

use crate::rules::{NativeFn, Reach};

pub const TEMPLATES: &[(&str, NativeFn, Reach)] = &[
    (
        "github.github-id-token-permission-missing",
        github_id_token_permission_missing::check,
        Reach::File,
    ),
    (
        "github.github-subject-not-trusted",
        github_subject_not_trusted::check,
        Reach::Scan,
    ),
];
