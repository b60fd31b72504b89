//! Rules: what they are (spec files), how they run, and the one registry of them.
//!
//! A rule is a spec file under `rules/` (id, severity, summary, docs, template, params). The
//! template is either generic (`field.*`, JSONPath selectors, the same ones users get for custom
//! rules) or a Rust function for checks that need joins. `wiflint rules`, `explain`, the SARIF
//! rule metadata and `docs/rules/` all come from [`registry::Registry`].

pub mod aadsts;
pub mod aks;
pub mod docs;
pub mod fic;
pub mod github;
pub mod input;
pub mod join;
pub mod k8s;
pub mod registry;
pub mod spec;
pub mod templates;
pub mod vault;

use std::collections::HashMap;

use crate::document::Node;
use crate::finding::{Finding, Label, Loc, Severity};
use crate::index::Index;
use crate::input::InputFile;
use crate::model::{FileId, Model};

/// A Rust check: reads the whole scan, appends findings.
pub type NativeFn = fn(&Ctx<'_>, &mut Findings);

/// What a rule needs to see to conclude. A scan is streamed: each file is checked on its own
/// while it is read and is then dropped, except for the facts that rules joining files need
/// (see [`crate::model::retain`]); those rules run last, over the facts of every file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Its findings about a file follow from that file alone.
    File,
    /// It joins objects across files (a ServiceAccount and its workloads, credentials and
    /// clusters, Vault mounts and credentials).
    Scan,
}

#[derive(Debug)]
pub enum Check {
    Native(NativeFn),
    Field(templates::field::FieldRule),
    /// Findings made by the suppression step (`crate::suppress`), not by a check of the inputs.
    Meta,
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    pub docs: String,
    pub template: String,
    pub params: Node,
    /// The spec file it came from.
    pub origin: String,
    pub check: Check,
    pub reach: Reach,
    /// A severity set in the config: every finding of the rule gets it, including the lower
    /// variants some rules report.
    pub severity_override: Option<Severity>,
}

impl Rule {
    /// The catalog area of a built-in rule: the folder of its spec under `rules/` (`k8s`, `fic`,
    /// `join`, `aks`, `vault`, `input`); `custom` for the rules of the config's files.
    pub fn area(&self) -> &str {
        self.origin
            .strip_prefix("rules/")
            .and_then(|rest| rest.split_once('/'))
            .map_or("custom", |(area, _)| area)
    }
}

/// Rule ids with areas (`k8s`) replaced by the ids of their rules, for `--select` and
/// `--ignore`. A rule id wins over an area of the same name; anything else is left for the
/// unknown-id check to report.
pub fn expand_areas(rules: &[Rule], names: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for name in names {
        let is_area =
            !rules.iter().any(|r| &r.id == name) && rules.iter().any(|r| r.area() == name);
        if is_area {
            out.extend(
                rules
                    .iter()
                    .filter(|r| r.area() == name)
                    .map(|r| r.id.clone()),
            );
        } else {
            out.push(name.clone());
        }
    }
    out
}

/// Settings that change what rules conclude (not which rules run).
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The namespace of objects that name none and that no Kustomize `namespace:` places, when
    /// set explicitly; else such objects' namespace is unknown.
    pub default_namespace: Option<String>,
    /// What the scan's kustomizations say about its files.
    pub kustomize: std::sync::Arc<crate::kustomize::Layout>,
    /// Texts that a script or pipeline of the scan replaces.
    pub replaced: std::sync::Arc<crate::placeholder::Replaced>,
    /// Report inputs that match no known shape even when found by walking a directory.
    pub verbose: bool,
}

impl Options {
    /// The namespace the scan places a file's objects in when they name none.
    pub fn namespace_of_file(&self, path: &str) -> Option<&str> {
        self.kustomize
            .namespace(path)
            .or(self.default_namespace.as_deref())
    }
}

/// Everything a rule may look at.
pub struct Ctx<'a> {
    pub files: &'a [InputFile],
    pub model: &'a Model<'a>,
    pub index: &'a Index,
    pub options: &'a Options,
    pub rule: &'a Rule,
}

impl Ctx<'_> {
    /// The language of the file a location is in: help says the fix in the file's own terms
    /// (a Terraform argument, not an `az` command).
    pub fn syntax(&self, loc: &Loc) -> Option<crate::document::Syntax> {
        self.files.get(loc.file).map(|f| f.syntax)
    }

    /// A finding of this rule at its default severity.
    pub fn finding(
        &self,
        primary: Loc,
        label: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            rule: self.rule.id.clone(),
            severity: self.rule.severity,
            message: message.into(),
            help: None,
            primary: Label {
                loc: primary,
                message: label.into(),
            },
            related: Vec::new(),
            mismatch: None,
        }
    }

    pub fn param_i64(&self, key: &str, default: i64) -> i64 {
        match self
            .rule
            .params
            .get(key)
            .and_then(Node::as_scalar)
            .map(|s| s.typed)
        {
            Some(crate::document::Typed::Int(i)) => i,
            _ => default,
        }
    }

    /// A list-of-strings parameter (empty when absent).
    pub fn param_strs(&self, key: &str) -> Vec<&str> {
        self.rule
            .params
            .get(key)
            .and_then(Node::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(Node::text)
            .collect()
    }
}

impl<'a> Ctx<'a> {
    /// The directory of a scanned file (where a per-app folder keeps its manifests and exports).
    pub fn dir_of(&self, file: usize) -> &'a str {
        let path = self.files.get(file).map_or("", |f| f.source.path.as_str());
        path.rsplit_once(['/', '\\']).map_or("", |(d, _)| d)
    }

    /// Whether an object is a part that an overlay completes (a Kustomize patch or a patched
    /// base's resource): what it leaves out cannot be judged.
    pub fn is_part(&self, object: usize) -> bool {
        let file = self.model.objects[object].file;
        self.files
            .get(file)
            .is_some_and(|f| self.options.kustomize.is_part(&f.source.path))
    }
}

/// The most findings one rule reports about one file. The rest are counted in one more finding
/// of the rule, at the first of them: everything after a rule (placing, excerpts, suppressions,
/// rendering) then works on at most this many findings per rule and file, whatever the input.
/// A hundred of one kind in one file say what to fix; 100,000 only made a report of gigabytes.
pub const MAX_FINDINGS_PER_FILE: usize = 100;

pub fn run(rule: &Rule, ctx: &Ctx<'_>) -> Vec<Finding> {
    let mut out = Findings::default();
    match &rule.check {
        Check::Native(f) => f(ctx, &mut out),
        Check::Field(field) => field.run(ctx, &mut out),
        Check::Meta => {}
    }
    out.into_vec()
}

/// Where a rule puts its findings. Of each file it keeps the first [`MAX_FINDINGS_PER_FILE`]
/// (rules go through documents in order), and of the rest only the first, how many there are and
/// their highest severity, for one finding that counts them: what a rule's findings hold is
/// bounded whatever the input.
#[derive(Default)]
pub struct Findings {
    kept: Vec<Finding>,
    /// Per file: how many were pushed, and the first not kept with the count of those.
    files: HashMap<FileId, (usize, Option<(Finding, usize)>)>,
}

impl Findings {
    pub fn push(&mut self, f: Finding) {
        let (seen, rest) = self.files.entry(f.primary.loc.file).or_default();
        *seen += 1;
        match rest {
            _ if *seen <= MAX_FINDINGS_PER_FILE => self.kept.push(f),
            Some((first, n)) => {
                first.severity = first.severity.max(f.severity);
                *n += 1;
            }
            None => *rest = Some((f, 1)),
        }
    }

    fn into_vec(self) -> Vec<Finding> {
        let mut rest: Vec<(Finding, usize)> =
            self.files.into_values().filter_map(|(_, r)| r).collect();
        rest.sort_by_key(|(first, _)| first.primary.loc.file);
        let mut kept = self.kept;
        kept.extend(rest.into_iter().map(|(first, n)| not_listed(first, n)));
        kept
    }
}

const NOT_LISTED: &str = "the first not listed";

/// Whether `f` is the finding that counts those of its rule in its file past the cap.
pub fn stands_for_unlisted(f: &Finding) -> bool {
    f.primary.message == NOT_LISTED
}

/// The finding that stands for the `n` findings of a rule in a file beyond the first
/// [`MAX_FINDINGS_PER_FILE`].
fn not_listed(first: Finding, n: usize) -> Finding {
    Finding {
        message: format!(
            "{} more findings of this rule in this file are not listed: wiflint lists at most {MAX_FINDINGS_PER_FILE} per rule and file",
            grouped(n)
        ),
        help: Some("fix the findings listed and run wiflint again to see the rest".into()),
        primary: Label {
            loc: first.primary.loc,
            message: NOT_LISTED.into(),
        },
        related: Vec::new(),
        mismatch: None,
        ..first
    }
}

/// `100000` as `100,000`.
pub(crate) fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The candidate within a small edit distance, for "did you mean".
pub fn closest<'s>(name: &str, candidates: &[&'s str]) -> Option<&'s str> {
    let limit = (name.chars().count() / 3).max(2);
    let name: Vec<char> = name.chars().collect();
    // Candidates by their difference in length (a lower bound of the distance), so the search
    // stops once no further one can come within the best distance found; and each distance is
    // computed only up to that best. The result is the smallest (distance, candidate), as over
    // all candidates.
    let mut by_bound: Vec<(usize, &'s str)> = candidates
        .iter()
        .map(|c| (c.chars().count().abs_diff(name.len()), *c))
        .filter(|(bound, _)| *bound <= limit)
        .collect();
    by_bound.sort_unstable_by_key(|(bound, _)| *bound);
    let mut best: Option<(usize, &'s str)> = None;
    for (bound, c) in by_bound {
        let within = best.map_or(limit, |(d, _)| d);
        if bound > within {
            break;
        }
        if let Some(d) = levenshtein_within(&name, c, within)
            && best.is_none_or(|b| (d, c) < b)
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// The edit distance when it is at most `limit`, else `None`, without finishing the table for
/// strings that are evidently further apart: the distance is at least the difference in length,
/// and at least the smallest entry of any row.
fn levenshtein_within(a: &[char], b: &str, limit: usize) -> Option<usize> {
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    // A common prefix or suffix does not change the distance (subjects share
    // `system:serviceaccount:`).
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        let mut best = row[0];
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
            best = best.min(row[j + 1]);
        }
        if best > limit {
            return None;
        }
    }
    Some(row[b.len()]).filter(|d| *d <= limit)
}

pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_distance_agrees_with_the_full_one() {
        let words = [
            "",
            "a",
            "ab",
            "orders-api",
            "orders-ap",
            "0rders-api",
            "billing",
            "system:serviceaccount:a:b",
            "système",
        ];
        for a in words {
            for b in words {
                let chars: Vec<char> = a.chars().collect();
                for limit in 0..6 {
                    let full = levenshtein(a, b);
                    assert_eq!(
                        levenshtein_within(&chars, b, limit),
                        (full <= limit).then_some(full),
                        "{a:?} {b:?} {limit}"
                    );
                }
            }
        }
    }

    #[test]
    fn closest_is_the_smallest_distance_then_name() {
        let naive = |name: &str, cands: &[&'static str]| {
            let limit = (name.chars().count() / 3).max(2);
            cands
                .iter()
                .map(|c| (levenshtein(name, c), *c))
                .filter(|(d, _)| *d <= limit)
                .min()
                .map(|(_, c)| c)
        };
        let cands = [
            "system:serviceaccount:orders:api",
            "system:serviceaccount:orders:apj",
            "system:serviceaccount:order:api",
            "system:serviceaccount:billing:api",
            "system:serviceaccount:orders-prod:orders-api",
            "system:serviceaccount:x:y",
            "api",
            "",
        ];
        for name in cands
            .iter()
            .chain(["system:serviceaccount:orders:ap", "apx", "zzz"].iter())
        {
            assert_eq!(closest(name, &cands), naive(name, &cands), "{name}");
        }
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        let shown: Vec<String> = [0, 7, 999, 1000, 12345, 100_000, 1_234_567]
            .into_iter()
            .map(grouped)
            .collect();
        assert_eq!(
            shown,
            ["0", "7", "999", "1,000", "12,345", "100,000", "1,234,567"]
        );
    }

    #[test]
    fn did_you_mean() {
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(
            closest("orders-ap", &["orders-api", "billing"]),
            Some("orders-api")
        );
        assert_eq!(closest("zzz", &["orders-api"]), None);
    }
}
