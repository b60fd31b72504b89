//! What wiflint takes for a secret, and how a secret is shown. One place, used by every path that
//! can print input text (rule messages, expected/found, labels, help, source excerpts,
//! suppression reasons, fingerprints), so that no rule or renderer has to remember it.
//!
//! Two views of the same knowledge:
//! - in a parsed document, a secret is a node: the value of a secret key, of a Kubernetes env
//!   entry named like one, or a string shaped like an Entra client secret ([`find`]);
//! - in any text (a file that does not parse, a comment, a message quoting a value), a line-level
//!   [`scan`] sees the Entra shape, secret-key assignments (`clientSecret: …`,
//!   `AZURE_CLIENT_SECRET=…`), PEM private keys and JWTs. It needs no parse, so masking never
//!   depends on one.
//!
//! A secret is shown as at most its first 3 characters (none of one shorter than 12) and its
//! length: masked in place with `*` (same byte length, so spans stay valid), or described as
//! `` `abc…`, 40 characters ``.
//!
//! The Entra secret shape is a heuristic, not a documented format: Entra client secrets seen in
//! the wild are 40 characters, three characters, a digit and `Q~`, then 34 more from
//! `[A-Za-z0-9_~.-]`; older or future secrets may differ, and then only the key names find them.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::Regex;

use crate::document::path::{TRAIL_ROOT, Trail, TrailSeg};
use crate::document::{Entry, Node, NodeKind, Path};
use crate::finding::floor_char;
use crate::model::azure::is_expression;

/// Keys whose value is a client secret.
pub const SECRET_KEYS: &[&str] = &["client_secret", "clientSecret", "AZURE_CLIENT_SECRET"];

/// Known secret values shorter than this are not looked for in messages: they would mask
/// ordinary words, and show no more than the 3 characters a masked secret shows anyway.
const MIN_KNOWN: usize = 4;

/// How a secret node was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The value of a secret key (`clientSecret: …`).
    Key,
    /// The `value` of a Kubernetes env entry named like a secret key.
    Env,
    /// A string shaped like an Entra client secret, under any key.
    Shape,
}

/// A secret node of a document.
pub struct Hit<'a> {
    pub kind: Kind,
    /// The key or env name that holds it (for `Shape`, the key above it, if any).
    pub name: Option<&'a str>,
    pub path: Path,
    pub node: &'a Node,
    pub value: &'a str,
}

/// Every literal secret in one document, each span once. Iterative: documents can nest as
/// deep as the parser allows. Paths are kept as a trail of parent links and built only for hits.
pub fn find(root: &Node) -> Vec<Hit<'_>> {
    let mut hits: Vec<Hit<'_>> = Vec::new();
    let mut trail = Trail::default();
    // (node, its trail entry, the key that holds it)
    let mut stack: Vec<(&Node, usize, Option<&str>)> = vec![(root, TRAIL_ROOT, None)];
    while let Some((node, at, key)) = stack.pop() {
        match &node.kind {
            NodeKind::Scalar(_) => {
                if let Some(value) = node.as_str().filter(|s| is_entra_shaped(s)) {
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
    let key = |e: &'n Entry| e.key.text().unwrap_or("");
    let unique = if entries.len() <= 16 {
        entries
            .iter()
            .enumerate()
            .all(|(i, e)| !entries[..i].iter().any(|f| key(f) == key(e)))
    } else {
        let mut set = HashSet::with_capacity(entries.len());
        entries.iter().all(|e| set.insert(key(e)))
    };
    if unique {
        return None;
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for entry in entries {
        *counts.entry(key(entry)).or_default() += 1;
    }
    Some(counts)
}

/// A value that is a secret itself, not a reference to one or a template placeholder.
pub fn is_literal(v: &str) -> bool {
    let t = v.trim();
    !(t.is_empty()
        || is_expression(t)
        || crate::placeholder::classify(t).is_some()
        // A tool's token cut short where a line scan stops a value (`${X` of `${X}`).
        || t.contains("${")
        || t.contains("$(")
        || t.contains("{{")
        || t.contains("#{")
        || t.starts_with("@Microsoft.KeyVault(")
        || t.strip_prefix('$')
            .is_some_and(|r| r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')))
}

/// The characters of an Entra client secret.
fn is_entra_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'~' | b'.' | b'-')
}

/// `^[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}$` (heuristic, see the module docs).
pub fn is_entra_shaped(s: &str) -> bool {
    let b = s.as_bytes();
    (37..=40).contains(&b.len())
        && b.iter().all(|&c| is_entra_char(c))
        && b.get(3).is_some_and(u8::is_ascii_digit)
        && b.get(4) == Some(&b'Q')
        && b.get(5) == Some(&b'~')
}

/// How many leading characters of a secret may be shown: 3, and none of a short one.
fn prefix_len(value: &str) -> usize {
    if value.chars().count() >= 12 { 3 } else { 0 }
}

/// `` `abc…`, 40 characters `` — never more of the secret than its first 3 characters.
pub fn describe(value: &str) -> String {
    let len = value.chars().count();
    let prefix: String = value.chars().take(prefix_len(value)).collect();
    if prefix.is_empty() {
        format!("{len} characters")
    } else {
        format!("`{prefix}…`, {len} characters")
    }
}

/// What the line-level [`scan`] saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// A string shaped like an Entra client secret.
    Shape,
    /// The value given to a secret key (`clientSecret: …`, `AZURE_CLIENT_SECRET=…`), or to an env
    /// entry named like one (`name: AZURE_CLIENT_SECRET` then `value: …`).
    Assignment,
    /// The body of a PEM private key.
    PrivateKey,
    /// A JSON Web Token.
    Jwt,
}

/// A secret in a text, by byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found<'t> {
    pub seen: Seen,
    pub range: Range<usize>,
    /// The key (or env name) an assignment gives the secret to.
    pub key: Option<&'t str>,
    /// Evidence enough for a `plaintext-client-secret` finding on its own, outside a comment line
    /// (as comments of a parsed file are not reported): an exact Entra shape, or an assignment to
    /// exactly one of [`SECRET_KEYS`] of a one-line value that is all its line says. The rest is
    /// masked, not reported.
    pub certain: bool,
}

/// A string shaped like an Entra client secret, or cut from one (a quote may be shortened).
static SHAPE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{8,}").ok());

/// A secret key and its separator; the value after it is read by [`value_at`]. Keys ending like
/// `client_secret` (`ARM_CLIENT_SECRET`, `client-secret`, `Client_Secret`) are masked too.
static ASSIGNMENT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?:^|[^A-Za-z0-9_.-])(?P<key>[A-Za-z0-9_.-]*(?i:client[_-]?secret))["']?[ \t]*[:=][ \t]*"#,
    )
    .ok()
});

/// An env entry named like a secret key, whose `value` follows within a few lines.
static ENV_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?:^|[^A-Za-z0-9_.-])name["']?[ \t]*:[ \t]*["']?(?P<key>[A-Za-z0-9_]*(?i:client[_-]?secret))["']?[ \t]*(?:[,}\r\n]|$)"#,
    )
    .ok()
});

static ENV_VALUE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?:^|[^A-Za-z0-9_.-])value["']?[ \t]*:[ \t]*"#).ok());

/// Bytes after an env entry's name in which its `value` is looked for.
const ENV_WINDOW: usize = 512;

static PRIVATE_KEY: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----").ok());

static JWT: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*").ok()
});

/// Every secret the line-level scan sees in `text`, in no particular order (ranges may overlap).
pub fn scan(text: &str) -> Vec<Found<'_>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    // Each pattern only where its literal part occurs: a substring search is several times faster
    // than a regex over a large file without secrets (the usual case).
    let has = |needles: &[&str]| needles.iter().any(|n| text.contains(n));
    let named = has(&["ecret", "ECRET"]);
    // Only where something matched.
    let lines = std::cell::OnceCell::new();
    let lines = || lines.get_or_init(|| Lines::new(text));
    if let Some(re) = SHAPE.as_ref().filter(|_| has(&["Q~"])) {
        for m in re.find_iter(text) {
            // The whole run of secret characters: a longer run is masked, not reported.
            let start = bytes[..m.start()]
                .iter()
                .rposition(|&c| !is_entra_char(c))
                .map_or(0, |i| i + 1);
            let end = bytes[m.end()..]
                .iter()
                .position(|&c| !is_entra_char(c))
                .map_or(text.len(), |i| m.end() + i);
            out.push(Found {
                seen: Seen::Shape,
                range: start..end,
                key: None,
                certain: start == m.start()
                    && is_entra_shaped(&text[start..end])
                    && !in_comment(text, lines(), start),
            });
        }
    }
    if let Some(re) = ASSIGNMENT.as_ref().filter(|_| named) {
        for c in re.captures_iter(text) {
            let (Some(all), Some(key)) = (c.get(0), c.name("key")) else {
                continue;
            };
            out.extend(assignment(
                text,
                lines(),
                key.as_str(),
                key.start(),
                all.end(),
            ));
        }
    }
    if let (Some(name), Some(value), true) = (ENV_NAME.as_ref(), ENV_VALUE.as_ref(), named) {
        for c in name.captures_iter(text) {
            let (Some(all), Some(key)) = (c.get(0), c.name("key")) else {
                continue;
            };
            // The `value` of the same entry: close by, on the same line (flow style) or the next
            // two.
            let from = all.end().min(text.len());
            let window = lines()
                .end(from, 2)
                .min(floor_char(text, from + ENV_WINDOW));
            let Some(v) = value.find(&text[from..window]) else {
                continue;
            };
            let (key_at, at) = (from + v.start(), from + v.end());
            out.extend(assignment(text, lines(), key.as_str(), key_at, at));
        }
    }
    if let Some(re) = PRIVATE_KEY.as_ref().filter(|_| has(&["PRIVATE KEY-----"])) {
        let begins: Vec<_> = re.find_iter(text).collect();
        for (i, m) in begins.iter().enumerate() {
            // To its end line, looked for only up to the next key (linear however many there are).
            let limit = begins.get(i + 1).map_or(text.len(), |n| n.start());
            let end = text[m.end()..limit]
                .find("-----END")
                .map_or(limit, |i| m.end() + i);
            out.push(Found {
                seen: Seen::PrivateKey,
                range: m.end()..end,
                key: None,
                certain: false,
            });
        }
    }
    if let Some(re) = JWT.as_ref().filter(|_| has(&["eyJ"])) {
        for m in re.find_iter(text) {
            out.push(Found {
                seen: Seen::Jwt,
                range: m.range(),
                key: None,
                certain: false,
            });
        }
    }
    out
}

/// The value given to `key` (written at `key_at`) at `at`, if it is a literal.
fn assignment<'t>(
    text: &'t str,
    lines: &Lines,
    key: &'t str,
    key_at: usize,
    at: usize,
) -> Option<Found<'t>> {
    let (range, alone) = value_at(text, lines, at)?;
    let certain = alone
        && is_literal(&text[range.clone()])
        && SECRET_KEYS.contains(&key)
        && !in_comment(text, lines, key_at);
    Some(Found {
        seen: Seen::Assignment,
        range,
        key: Some(key),
        certain,
    })
}

/// Where the lines of a text start and end, so that each match finds its line in logarithmic
/// time: a scan from each match to its line's ends would be quadratic on one long line.
struct Lines {
    /// The offset of each `\n`.
    breaks: Vec<usize>,
    len: usize,
}

impl Lines {
    fn new(text: &str) -> Lines {
        Lines {
            breaks: memchr::memchr_iter(b'\n', text.as_bytes()).collect(),
            len: text.len(),
        }
    }

    /// The start of the line holding `at`.
    fn start(&self, at: usize) -> usize {
        let i = self.breaks.partition_point(|&b| b < at);
        i.checked_sub(1).map_or(0, |j| self.breaks[j] + 1)
    }

    /// The end (its `\n`, or the end of the text) of the line `below` lines under the one holding
    /// `at`.
    fn end(&self, at: usize, below: usize) -> usize {
        let i = self.breaks.partition_point(|&b| b < at);
        self.breaks.get(i + below).copied().unwrap_or(self.len)
    }
}

/// Whether the line holding `at` is a comment (`#` or `//` first).
fn in_comment(text: &str, lines: &Lines, at: usize) -> bool {
    let line = text[lines.start(at)..at].trim_start();
    line.starts_with('#') || line.starts_with("//")
}

/// The literal value written at `at` (just after a key and its separator), and whether it is
/// all the line says there (one value, nothing but a comment or the end of a flow item after
/// it): a quoted string (to its closing quote, or the end of the line when unterminated), a block
/// scalar (`|`, `>`: the lines indented below the key), or one bare word. A word without a digit
/// followed by more words is prose (`remove any client_secret: the two exclude…`, `sets
/// AZURE_CLIENT_SECRET: DefaultAzureCredential uses…`), not a value; placeholders and references
/// are not secrets ([`is_literal`]), but for an ALL_CAPS word with a digit.
fn value_at(text: &str, lines: &Lines, at: usize) -> Option<(Range<usize>, bool)> {
    let line_end = lines.end(at, 0);
    let line = text[at..line_end].trim_end_matches('\r');
    let ends_item = |rest: &str| {
        let rest = rest.trim_start();
        rest.is_empty() || rest.starts_with([',', '}', ']', '#'])
    };
    let (range, alone) = match line.as_bytes().first()? {
        q @ (b'"' | b'\'') => {
            let mut end = line.len();
            let mut escaped = false;
            let b = line.as_bytes();
            let mut i = 1;
            while i < b.len() {
                match b[i] {
                    b'\\' if *q == b'"' && !escaped => escaped = true,
                    b'\'' if *q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 1,
                    c if c == *q && !escaped => {
                        end = i;
                        break;
                    }
                    _ => escaped = false,
                }
                i += 1;
            }
            let rest = line.get(end + 1..).unwrap_or("");
            (at + 1..at + end, ends_item(rest))
        }
        b'|' | b'>' => {
            let indent = indent_of(&text[lines.start(at)..]);
            let body = (line_end + 1).min(text.len());
            let mut end = body;
            let limit = floor_char(text, body.saturating_add(BLOCK_BYTES));
            for l in text[body..limit].split_inclusive('\n').take(BLOCK_LINES) {
                let blank = l.trim().is_empty();
                if !blank && indent_of(l) <= indent {
                    break;
                }
                end += l.len();
            }
            let block = text[body..end].trim_end();
            let lead = block.len() - block.trim_start().len();
            (body + lead..body + block.len(), false)
        }
        b'{' | b'[' | b'&' | b'*' | b'!' | b'#' | b',' | b'}' | b']' => return None,
        _ => {
            let word = line
                .find(|c: char| c.is_whitespace() || matches!(c, ',' | '}' | ']'))
                .unwrap_or(line.len());
            let alone = ends_item(&line[word..]);
            if !alone && !line[..word].bytes().any(|c| c.is_ascii_digit()) {
                return None;
            }
            (at..at + word, alone)
        }
    };
    let value = &text[range.clone()];
    // An ALL_CAPS word with a digit may be a name (`SECRET_V2`) or a secret (`K7QX2M9P4R`): it is
    // masked, though only a literal is reported.
    let caps = value.bytes().any(|c| c.is_ascii_digit())
        && value
            .bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'_');
    (is_literal(value) || caps).then_some((range, alone))
}

/// Lines and bytes of a block scalar masked at most: a PEM key is some 50 lines and 3 KB, and
/// nested blocks must not make the scan quadratic.
const BLOCK_LINES: usize = 200;
const BLOCK_BYTES: usize = 16 << 10;

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t']).len()
}

/// `text` with each range masked: same byte length, line breaks kept, at most the first 3
/// characters of a range left (none of a short one). Ranges are clamped to char boundaries.
pub fn mask_ranges(text: &str, ranges: impl IntoIterator<Item = Range<usize>>) -> String {
    let mut bytes = text.as_bytes().to_vec();
    // Overlapping ranges are masked once, as one (linear however they overlap).
    let mut ranges: Vec<Range<usize>> = ranges.into_iter().collect();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start < last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    for range in merged {
        let start = floor_char(text, range.start);
        let end = floor_char(text, range.end).max(start);
        let value = &text[start..end];
        let keep = value
            .char_indices()
            .nth(prefix_len(value))
            .map_or(value.len(), |(k, _)| k);
        for b in &mut bytes[start + keep..end] {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // Whole characters were replaced by ASCII, so the bytes are still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Secret values, to find where they are quoted: in messages about the file they were read from,
/// as whole words. One automaton, so the work is linear in the text however many there are.
#[derive(Debug)]
pub struct Known(AhoCorasick);

impl Known {
    /// `None` when there is no value to look for. Values shorter than [`MIN_KNOWN`] or longer than
    /// [`MAX_KNOWN`] are left out, and past [`KNOWN_BYTES`] in all the rest are (the scan still
    /// masks the ones it sees): the memory this takes is bounded whatever the file holds.
    fn new<'v>(values: impl IntoIterator<Item = &'v str>) -> Option<Known> {
        let mut total = 0;
        let mut values: Vec<&str> = values
            .into_iter()
            .filter(|v| (MIN_KNOWN..=MAX_KNOWN).contains(&v.len()))
            .take_while(|v| {
                total += v.len();
                total <= KNOWN_BYTES
            })
            .collect();
        values.sort_unstable();
        values.dedup();
        if values.is_empty() {
            return None;
        }
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&values)
            .ok()
            .map(Known)
    }

    /// Where the values occur in `text` as whole words.
    fn ranges(&self, text: &str) -> impl Iterator<Item = Range<usize>> {
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        self.0.find_iter(text).map(|m| m.range()).filter(move |r| {
            !word(text[..r.start].chars().next_back()) && !word(text[r.end..].chars().next())
        })
    }
}

/// Bytes of secret values looked for in the messages about one file, at most.
const KNOWN_BYTES: usize = 1 << 20;

/// The longest value looked for: a message quotes a value whole only when it is short.
const MAX_KNOWN: usize = 1024;

/// `text` (a message, a reason, a value) with every secret the scan sees masked, and every
/// occurrence of a `known` secret value (those of the files the text is about) as a whole word.
pub fn mask<'t>(text: &'t str, known: &[&Known]) -> Cow<'t, str> {
    let mut ranges: Vec<Range<usize>> = scan(text).into_iter().map(|f| f.range).collect();
    for k in known {
        ranges.extend(k.ranges(text));
    }
    if ranges.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(mask_ranges(text, ranges))
    }
}

/// The secrets of one file: where they are in its text, and their values (to find them quoted
/// in messages about the file).
#[derive(Debug, Default)]
pub struct FileSecrets {
    ranges: Vec<Range<usize>>,
    pub known: Option<Known>,
}

impl FileSecrets {
    /// Those of the documents and those the line scan sees, so that a file that does not parse,
    /// and the comments of one that does, are covered too.
    pub fn of(text: &str, docs: &[Node]) -> FileSecrets {
        let mut ranges = Vec::new();
        let mut values: Vec<&str> = Vec::new();
        for hit in docs.iter().flat_map(find) {
            let range = hit.node.span.range();
            let Some(slice) = text.get(range.clone()) else {
                continue;
            };
            // The node span may include quotes: mask the value where it appears, else (escapes)
            // the whole span.
            ranges.push(match slice.find(hit.value) {
                Some(i) if !hit.value.is_empty() => {
                    range.start + i..range.start + i + hit.value.len()
                }
                _ => range,
            });
            values.push(hit.value);
        }
        for found in scan(text) {
            values.push(&text[found.range.clone()]);
            ranges.push(found.range);
        }
        FileSecrets {
            ranges,
            known: Known::new(values),
        }
    }

    /// The file's text with its secrets masked (same byte length).
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        if self.ranges.is_empty() {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(mask_ranges(text, self.ranges.iter().cloned()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Assembled, so that no secret-shaped literal sits in the source.
    fn fake_secret() -> String {
        format!("{}{}{}", "Zx7", "8Q~", "k3LmN0pQr5StUvWx_yZ.aB1cD2eF3gH4iJ")
    }

    fn known(values: &[&str]) -> Known {
        Known::new(values.iter().copied()).unwrap_or_else(|| panic!("{values:?}"))
    }

    fn masked(text: &str) -> String {
        mask(text, &[]).into_owned()
    }

    #[test]
    fn shapes() {
        let s = fake_secret();
        assert_eq!(s.len(), 40);
        assert!(is_entra_shaped(&s));
        assert!(!is_entra_shaped(&s.replace("8Q~", "8Q-")));
        assert!(!is_entra_shaped(&format!("{s}abc")));
        assert!(!is_entra_shaped("3a870abd-5d5c-4f52-9f3c-2b0d1c1e7a11"));
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
        for s in ["hunter2", "s3cr3t!", "Zx7-not-a-placeholder"] {
            assert!(is_literal(s), "{s}");
        }
    }

    #[test]
    fn never_more_than_three_characters() {
        let s = fake_secret();
        assert_eq!(describe(&s), "`Zx7…`, 40 characters");
        assert_eq!(describe("hunter2"), "7 characters");
        assert_eq!(
            masked(&format!("is `{s}`.")),
            format!("is `Zx7{}`.", "*".repeat(37))
        );
    }

    #[test]
    fn shape_in_prose_is_masked_and_certain_only_alone() {
        let s = fake_secret();
        let found = scan(&s);
        assert_eq!(found.len(), 1);
        assert!(found[0].certain);
        // Followed by a full stop, the run is longer than a secret: masked, not reported.
        let text = format!("# old one {s}.");
        let found = scan(&text);
        assert!(!found[0].certain);
        assert!(!masked(&text).contains("8Q~"));
        // A secret cut short in a message is masked too.
        assert!(!masked(&s[..20]).contains("k3Lm"));
    }

    #[test]
    fn assignments() {
        let cases = [
            ("{\"clientSecret\": \"p7Hk2-vNq9\",}", "p7Hk2-vNq9"),
            ("AZURE_CLIENT_SECRET=hunter22", "hunter22"),
            ("  client_secret = \"hunter22\"", "hunter22"),
            ("clientSecret: 'it''s-hunter22'", "it''s-hunter22"),
            ("{clientSecret: hunter22, a: 1}", "hunter22"),
            ("ARM_CLIENT_SECRET: hunter22 # old", "hunter22"),
            (
                "- name: AZURE_CLIENT_SECRET\n  value: \"hunter22\"\n",
                "hunter22",
            ),
            ("- {name: clientSecret, value: hunter22}", "hunter22"),
        ];
        for (text, value) in cases {
            let found = scan(text);
            assert!(
                found
                    .iter()
                    .any(|f| &text[f.range.clone()] == value && f.seen == Seen::Assignment),
                "{text}: {found:?}"
            );
            assert!(!masked(text).contains(&value[1..5]), "{text}");
        }
        // ARM_CLIENT_SECRET is masked but is not one of the keys the rule reports by name.
        assert!(!scan("ARM_CLIENT_SECRET: hunter22")[0].certain);
        assert!(scan("clientSecret: hunter22")[0].certain);
        assert!(!scan("# clientSecret: hunter22")[0].certain);
        // An ALL_CAPS word with a digit is masked, but not reported: it may be a name.
        assert!(!scan("clientSecret: K7QX2M9P4R")[0].certain);
        assert!(!masked("clientSecret: K7QX2M9P4R").contains("QX2M"));
        // In prose, a word with a digit is taken for the secret.
        let reason = "rotated clientSecret=Wv2kPzQ9 and more";
        assert!(!scan(reason)[0].certain);
        assert!(!masked(reason).contains("2kPz"));
    }

    #[test]
    fn not_assignments() {
        for text in [
            "(and remove any client_secret: the two exclude each other)",
            "sets AZURE_CLIENT_SECRET: DefaultAzureCredential uses the secret",
            "clientSecret: ${CLIENT_SECRET}",
            "clientSecret: \"<client-secret>\"",
            "clientSecretRef: hunter22",
            "\"clientSecret\": {\"reference\": \"kv\"}",
            "`clientSecret` holds a literal client secret",
            "- name: AZURE_CLIENT_SECRET\n  valueFrom:\n    secretKeyRef: {name: x, key: y}\n",
        ] {
            assert_eq!(masked(text), text);
        }
    }

    #[test]
    fn block_scalars_private_keys_and_jwts() {
        let block = "clientSecret: |\n  hunter22hunter22\nnext: 1\n";
        assert_eq!(
            masked(block),
            format!("clientSecret: |\n  hun{}\nnext: 1\n", "*".repeat(13))
        );
        let pem = "key: \"-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA7d\\n-----END RSA PRIVATE KEY-----\"";
        assert!(!masked(pem).contains("owIB"));
        assert!(masked(pem).contains("-----END RSA PRIVATE KEY-----"));
        let jwt = format!(
            "token: {}.{}.{}",
            "eyJhbGciOiJSUzI1NiJ9", "eyJzdWIiOiJ4In0", "c2lnbmF0dXJl"
        );
        assert!(!masked(&jwt).contains("hbGc"));
    }

    #[test]
    fn known_values_are_masked_as_whole_words() {
        let k = known(&["hunter22", "hunter22x"]);
        assert_eq!(mask("is `hunter22`", &[&k]), "is `********`");
        assert_eq!(mask("xhunter22", &[&k]), "xhunter22");
        assert_eq!(mask("hunter22x.", &[&k]), "*********.");
        assert!(Known::new(["the"]).is_none());
    }

    #[test]
    fn masking_keeps_length_and_utf8() {
        let text = "clientSecret: \"héllo-wörld-secret\"\n";
        let out = masked(text);
        assert_eq!(out.len(), text.len());
        assert!(out.starts_with("clientSecret: \"hél*"));
    }
}
