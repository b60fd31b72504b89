//! Expected-vs-found with the differing characters marked: carets for plain text, colour on a
//! terminal. Trailing slashes and one-letter case slips are invisible otherwise.

use similar::{ChangeTag, TextDiff};

/// Two lines (`expected: …`, `   found: …`), each followed by a caret line when plain.
pub fn lines(expected: &str, found: &str, color: bool) -> String {
    let diff = TextDiff::from_chars(expected, found);
    let (mut exp, mut exp_marks, mut fnd, mut fnd_marks) =
        (String::new(), String::new(), String::new(), String::new());
    for change in diff.iter_all_changes() {
        let text = change.value();
        let width = text.chars().count();
        match change.tag() {
            ChangeTag::Equal => {
                exp.push_str(text);
                fnd.push_str(text);
                exp_marks.push_str(&" ".repeat(width));
                fnd_marks.push_str(&" ".repeat(width));
            }
            ChangeTag::Delete => {
                exp.push_str(&paint(text, "\x1b[1;32m", color));
                exp_marks.push_str(&"^".repeat(width));
            }
            ChangeTag::Insert => {
                fnd.push_str(&paint(text, "\x1b[1;31m", color));
                fnd_marks.push_str(&"^".repeat(width));
            }
        }
    }
    let mut out = format!("expected: {exp}");
    if !color && exp_marks.contains('^') {
        out.push_str(&format!("\n          {}", exp_marks.trim_end()));
    }
    out.push_str(&format!("\n   found: {fnd}"));
    if !color && fnd_marks.contains('^') {
        out.push_str(&format!("\n          {}", fnd_marks.trim_end()));
    }
    out
}

fn paint(text: &str, style: &str, color: bool) -> String {
    if color {
        format!("{style}{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_the_differing_characters() {
        assert_eq!(
            lines("https://x/", "https://x", false),
            "expected: https://x/\n                   ^\n   found: https://x"
        );
        assert_eq!(
            lines("true", "True", false),
            "expected: true\n          ^\n   found: True\n          ^"
        );
    }
}
