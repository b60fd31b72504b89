//! ARM accepts a federated credential name only if it matches
//! `^[a-zA-Z0-9]{1}[a-zA-Z0-9-_]{2,119}$`: 3 to 120 characters, letters, digits, `-` and `_`,
//! starting with a letter or digit.

use super::shorten;
use crate::rules::{Ctx, Findings};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for cred in &ctx.model.credentials {
        let (Some(at), Some(name)) = (cred.name_at(), cred.name()) else {
            continue;
        };
        let Some(problem) = problem(name) else {
            continue;
        };
        out.push(
            ctx.finding(
                at.loc(),
                "invalid credential name",
                format!(
                    "the credential name `{}` {problem}: ARM refuses it (\"Federated Identity Credential name '…' is invalid. Alphanumeric, dash, underscore, no more than 3-120 symbols. First symbol is alphanumeric.\")",
                    shorten(name, 130)
                ),
            )
            .help("use 3 to 120 letters, digits, `-` and `_`, starting with a letter or digit (the name cannot be changed later)"),
        );
    }
}

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

/// Why the name breaks `^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$`.
fn problem(name: &str) -> Option<String> {
    let len = name.chars().count();
    let Some(first) = name.chars().next() else {
        return Some("is empty (at least 3 characters)".into());
    };
    if !first.is_ascii_alphanumeric() {
        return Some(format!("starts with `{first}`, not a letter or digit"));
    }
    if let Some(bad) = name.chars().find(|c| !allowed(*c)) {
        let shown = if bad.is_whitespace() {
            "whitespace".to_string()
        } else {
            format!("`{bad}`")
        };
        return Some(format!(
            "contains {shown} (only letters, digits, `-` and `_` are allowed)"
        ));
    }
    if len < 3 {
        return Some(format!("is {len} characters long (at least 3)"));
    }
    if len > 120 {
        return Some(format!("is {len} characters long (at most 120)"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in ["fic-orders-api", "abc", "A_1-b", &"a".repeat(120)] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "ab",
            "-orders",
            "_x1",
            "orders.api",
            "orders api",
            "ordersé",
            &"a".repeat(121),
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
        assert!(problem("").is_some());
    }
}
