//! Workload identity federation exists to remove static client secrets: a literal secret in a
//! scanned file is readable by everyone who can read the repository, and keeps working until it
//! expires or is rotated.
//!
//! The Entra secret shape is a heuristic, not a documented format: Entra client secrets seen in
//! the wild are 40 characters, three characters, a digit and `Q~`, then 34 more from
//! `[A-Za-z0-9_~.-]`; older or future secrets may differ, and then only the key names find them.

use std::collections::{HashMap, HashSet};

use crate::document::path::{TRAIL_ROOT, Trail, TrailSeg};
use crate::document::{Entry, Node, NodeKind, Part, Path};
use crate::finding::Loc;
use crate::model::azure::is_expression;
use crate::rules::{Ctx, Findings};

/// Keys whose value is a client secret.
const SECRET_KEYS: &[&str] = &["client_secret", "clientSecret", "AZURE_CLIENT_SECRET"];

/// How a secret was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// The value of a secret key (`clientSecret: …`).
    Key,
    /// The `value` of a Kubernetes env entry named like a secret key.
    Env,
    /// A string shaped like an Entra client secret, under any key.
    Shape,
}

struct Hit<'a> {
    kind: Kind,
    /// The key or env name that holds it (for `Shape`, the key above it, if any).
    name: Option<&'a str>,
    path: Path,
    node: &'a Node,
    value: &'a str,
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Findings) {
    for (file, input) in ctx.files.iter().enumerate() {
        for (doc, root) in input.docs.iter().enumerate() {
            for hit in find(root) {
                let shown = describe(hit.value);
                let loc = Loc::node(file, doc, hit.path.clone(), Part::Value);
                let message = match (hit.kind, hit.name) {
                    (Kind::Env, Some(name)) => format!(
                        "the environment variable {name} is set to a literal client secret ({shown}) written in this file: anyone who can read the file can use it until it is rotated"
                    ),
                    (Kind::Key, Some(name)) => format!(
                        "`{name}` holds a literal client secret ({shown}): anyone who can read this file can use it until it is rotated"
                    ),
                    (_, Some(name)) => format!(
                        "`{name}` holds a string shaped like an Entra client secret ({shown}): anyone who can read this file can use it until it is rotated"
                    ),
                    (_, None) => format!(
                        "a string shaped like an Entra client secret ({shown}) is written in this file: anyone who can read it can use it until it is rotated"
                    ),
                };
                out.push(
                    ctx.finding(loc, "literal client secret (value not shown)", message)
                        .help("rotate the secret now (it is exposed), delete it from the file, and let the workload authenticate with a federated identity credential; if a secret must stay, reference it (secretKeyRef, Key Vault) instead of writing it"),
                );
            }
        }
    }
}

/// `text` with every secret the documents hold masked, for renderers that show source text, so
/// no output prints a secret: same byte length (spans stay valid), line breaks kept, and at most
/// the first 3 characters of a long secret left. `None` when there is nothing to mask.
pub(crate) fn redact(text: &str, docs: &[Node]) -> Option<String> {
    let hits: Vec<Hit<'_>> = docs.iter().flat_map(find).collect();
    if hits.is_empty() {
        return None;
    }
    let mut bytes = text.as_bytes().to_vec();
    for hit in hits {
        let range = hit.node.span.range();
        let Some(slice) = text.get(range.clone()) else {
            continue;
        };
        // The node span may include quotes: mask the value where it appears, else (escapes) the
        // whole span.
        let (start, len, keep) = match slice.find(hit.value) {
            Some(i) if !hit.value.is_empty() => {
                let keep = hit
                    .value
                    .char_indices()
                    .nth(prefix_len(hit.value))
                    .map_or(0, |(k, _)| k);
                (range.start + i, hit.value.len(), keep)
            }
            _ => (range.start, range.len(), 0),
        };
        for b in bytes
            .iter_mut()
            .skip(start + keep)
            .take(len.saturating_sub(keep))
        {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// How many leading characters of a secret may be shown: 3, and none of a short one.
fn prefix_len(value: &str) -> usize {
    if value.chars().count() >= 12 { 3 } else { 0 }
}

/// `` `abc…`, 40 characters `` — never more of the secret than its first 3 characters.
fn describe(value: &str) -> String {
    let len = value.chars().count();
    let prefix: String = value.chars().take(prefix_len(value)).collect();
    if prefix.is_empty() {
        format!("{len} characters")
    } else {
        format!("`{prefix}…`, {len} characters")
    }
}

/// Every literal secret in one document, each span once. Iterative: documents can nest as
/// deep as the parser allows. Paths are kept as a trail of parent links and built only for hits.
fn find(root: &Node) -> Vec<Hit<'_>> {
    let mut hits: Vec<Hit<'_>> = Vec::new();
    let mut trail = Trail::default();
    // (node, its trail entry, the key that holds it)
    let mut stack: Vec<(&Node, usize, Option<&str>)> = vec![(root, TRAIL_ROOT, None)];
    while let Some((node, at, key)) = stack.pop() {
        match &node.kind {
            NodeKind::Scalar(_) => {
                if let Some(value) = node.as_str().filter(|s| is_secret_shaped(s)) {
                    hits.push(Hit {
                        kind: Kind::Shape,
                        name: key,
                        path: trail.path(at),
                        node,
                        value,
                    });
                }
            }
            NodeKind::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    stack.push((item, trail.push(at, TrailSeg::Index(i)), None));
                }
            }
            NodeKind::Map(entries) => {
                let counts = duplicate_counts(entries);
                let mut seen_keys: HashMap<&str, usize> = HashMap::new();
                let env_name = node.get_str("name").filter(|n| SECRET_KEYS.contains(n));
                for (i, entry) in entries.iter().enumerate() {
                    let Some(k) = entry.key.text() else {
                        continue;
                    };
                    // A key given twice is addressed by position (the last one by name).
                    let last = match &counts {
                        None => true,
                        Some(counts) => {
                            let nth = seen_keys.entry(k).or_default();
                            *nth += 1;
                            *nth == counts.get(k).copied().unwrap_or(1)
                        }
                    };
                    let child = if last && k != "<<" {
                        trail.push(at, TrailSeg::Key(k))
                    } else {
                        trail.push(at, TrailSeg::Entry(i))
                    };
                    // Only the values of secret keys and of secret env entries can be literal
                    // secrets by name: test nothing else.
                    let named = SECRET_KEYS.contains(&k) || (k == "value" && env_name.is_some());
                    let literal = named
                        .then(|| entry.value.as_str().filter(|v| is_literal(v)))
                        .flatten();
                    if let Some(value) = literal {
                        if SECRET_KEYS.contains(&k) {
                            hits.push(Hit {
                                kind: Kind::Key,
                                name: Some(k),
                                path: trail.path(child),
                                node: &entry.value,
                                value,
                            });
                        } else if k == "value"
                            && let Some(name) = env_name
                        {
                            hits.push(Hit {
                                kind: Kind::Env,
                                name: Some(name),
                                path: trail.path(child),
                                node: &entry.value,
                                value,
                            });
                        }
                    }
                    stack.push((&entry.value, child, Some(k)));
                }
            }
        }
    }
    // Keep the most specific finding per span (aliases repeat spans, keys beat shapes), in
    // document order.
    hits.sort_by_key(|h| (h.node.span.start, h.node.span.end, h.kind));
    let mut seen = HashSet::new();
    hits.retain(|h| seen.insert((h.node.span.start, h.node.span.end)));
    hits
}

/// How often each key occurs in a mapping, or `None` when every key occurs once (the usual
/// case, told without hashing for small mappings).
fn duplicate_counts<'n>(entries: &'n [Entry]) -> Option<HashMap<&'n str, usize>> {
    // Keys that are not scalars count as "" (as the rest of the walk names them).
    let keys = || entries.iter().map(|e| e.key.text().unwrap_or(""));
    let key = |e: &'n Entry| e.key.text().unwrap_or("");
    let unique = if entries.len() <= 16 {
        entries
            .iter()
            .enumerate()
            .all(|(i, e)| !entries[..i].iter().any(|f| key(f) == key(e)))
    } else {
        let mut set = HashSet::with_capacity(entries.len());
        keys().all(|k| set.insert(k))
    };
    if unique {
        return None;
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for entry in entries {
        *counts.entry(entry.key.text().unwrap_or("")).or_default() += 1;
    }
    Some(counts)
}

/// A value that is a secret itself, not a reference to one or a template placeholder.
fn is_literal(v: &str) -> bool {
    let t = v.trim();
    !(t.is_empty()
        || is_expression(t)
        || t.contains("${")
        || t.contains("$(")
        || t.contains("{{")
        || t.contains("#{")
        || t.starts_with("@Microsoft.KeyVault(")
        || (t.starts_with('<') && t.ends_with('>'))
        || t.strip_prefix('$')
            .is_some_and(|r| r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        || (t.starts_with("__") && t.ends_with("__"))
        || t.chars().all(|c| matches!(c, '*' | 'x' | 'X' | '.' | '-'))
        || t.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
}

/// `^[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}$` (heuristic, see the module docs).
fn is_secret_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    let ok = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'~' | b'.' | b'-');
    (37..=40).contains(&b.len())
        && b.iter().all(ok)
        && b.get(3).is_some_and(u8::is_ascii_digit)
        && b.get(4) == Some(&b'Q')
        && b.get(5) == Some(&b'~')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Assembled, so that no secret-shaped literal sits in the source.
    fn fake_secret() -> String {
        format!("{}{}{}", "Zx7", "8Q~", "k3LmN0pQr5StUvWx_yZ.aB1cD2eF3gH4iJ")
    }

    #[test]
    fn shapes() {
        let s = fake_secret();
        assert_eq!(s.len(), 40);
        assert!(is_secret_shaped(&s));
        assert!(!is_secret_shaped(&s.replace("8Q~", "8Q-")));
        assert!(!is_secret_shaped(&format!("{s}abc")));
        assert!(!is_secret_shaped("3a870abd-5d5c-4f52-9f3c-2b0d1c1e7a11"));
    }

    #[test]
    fn placeholders() {
        for p in [
            "${CLIENT_SECRET}",
            "<client-secret>",
            "{{ .Values.secret }}",
            "$(SECRET)",
            "#{Secret}#",
            "$AZURE_CLIENT_SECRET",
            "CLIENT_SECRET",
            "********",
            "xxxxxxxx",
            "[parameters('secret')]",
            "__CLIENT_SECRET__",
            "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)",
            "",
            "  ",
        ] {
            assert!(!is_literal(p), "{p}");
        }
        for s in ["replace-me-before-deploy", "hunter2", "s3cr3t!"] {
            assert!(is_literal(s), "{s}");
        }
    }

    #[test]
    fn never_more_than_three_characters() {
        let s = fake_secret();
        assert_eq!(describe(&s), "`Zx7…`, 40 characters");
        assert_eq!(describe("hunter2"), "7 characters");
    }
}
