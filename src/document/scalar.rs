//! Typing of plain YAML scalars the way Kubernetes reads them.
//!
//! kubectl and the API server decode YAML through go-yaml v2, which follows YAML 1.1: `yes`, `on`,
//! `y` are booleans and `0755` is an octal integer. Every Rust YAML crate follows YAML 1.2 instead,
//! so we keep the raw text and apply go-yaml v2's resolve table ourselves. Getting this wrong is
//! exactly how a label value like `on` silently becomes a boolean and the object is rejected.

use super::tree::Typed;

pub fn resolve_plain(text: &str) -> Typed {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Typed::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Typed::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Typed::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Typed::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Typed::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Typed::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Typed::Str;
    }
    // go-yaml v2 strips underscores and hands the rest to strconv.ParseInt(s, 0, 64).
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    if let Some(i) = parse_go_int(&plain) {
        return Typed::Int(i);
    }
    if is_go_yaml_float(&plain) {
        return Typed::Float(plain.parse().unwrap_or(f64::NAN));
    }
    Typed::Str
}

/// `strconv.ParseInt(s, 0, 64)`: optional sign, then `0x`, `0o`, `0b` or a leading `0` (octal).
fn parse_go_int(s: &str) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let lower = digits.to_ascii_lowercase();
    let (radix, body) = if let Some(rest) = lower.strip_prefix("0x") {
        (16, rest)
    } else if let Some(rest) = lower.strip_prefix("0o") {
        (8, rest)
    } else if let Some(rest) = lower.strip_prefix("0b") {
        (2, rest)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (8, &lower[1..])
    } else {
        (10, lower.as_str())
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = i128::from_str_radix(body, radix).ok()?;
    let value = if neg { -magnitude } else { magnitude };
    i64::try_from(value).ok()
}

/// go-yaml v2's float pattern: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_go_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_booleans_and_nulls() {
        for t in ["yes", "Yes", "on", "ON", "y", "true", "TRUE"] {
            assert_eq!(resolve_plain(t), Typed::Bool(true), "{t}");
        }
        for t in ["no", "off", "N", "false", "False"] {
            assert_eq!(resolve_plain(t), Typed::Bool(false), "{t}");
        }
        for t in ["", "~", "null"] {
            assert_eq!(resolve_plain(t), Typed::Null, "{t}");
        }
        for t in ["tRue", "yES", "enabled", "True!"] {
            assert_eq!(resolve_plain(t), Typed::Str, "{t}");
        }
    }

    #[test]
    fn numbers_follow_go_strconv() {
        assert_eq!(resolve_plain("0755"), Typed::Int(493));
        assert_eq!(resolve_plain("3600"), Typed::Int(3600));
        assert_eq!(resolve_plain("-1"), Typed::Int(-1));
        assert_eq!(resolve_plain("0x1F"), Typed::Int(31));
        assert_eq!(resolve_plain("1_000"), Typed::Int(1000));
        assert_eq!(resolve_plain("1.5"), Typed::Float(1.5));
        assert_eq!(resolve_plain("1e3"), Typed::Float(1000.0));
        assert_eq!(resolve_plain("08"), Typed::Float(8.0));
        for t in ["3600s", "1h", "1.2.3", "v1", "-", ".", "1:20", "0x"] {
            assert_eq!(resolve_plain(t), Typed::Str, "{t}");
        }
    }
}
