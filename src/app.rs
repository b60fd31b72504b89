//! Orchestration of one scan: discover → read and parse (in parallel) → model → index → rules →
//! resolve → sort. Everything the renderers need ends up in [`Report`].

use rayon::prelude::*;

use crate::finding::{self, Resolved, Severity};
use crate::index::Index;
use crate::input::{self, InputFile, Outcome, discover};
use crate::model::Model;
use crate::rules::registry::Registry;
use crate::rules::{self, Ctx, Options, Rule};

#[derive(Clone, Debug)]
pub struct ScanConfig {
    pub paths: Vec<String>,
    pub max_file_size: u64,
    pub options: Options,
    /// Rule ids to run (empty: all).
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Findings below this severity are dropped.
    pub min_severity: Severity,
}

#[derive(Debug)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug)]
pub struct Report {
    pub files: Vec<InputFile>,
    pub skipped: Vec<Skipped>,
    /// Paths that could not be read at all: the run exits 2.
    pub io_errors: Vec<String>,
    pub findings: Vec<Resolved>,
    /// Files read and checked: `files` less those skipped as unrecognized.
    pub checked: usize,
}

impl Report {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.finding.severity == severity)
            .count()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("no inputs found in {0}: give files or directories that contain YAML or JSON")]
    NoInputs(String),
    #[error("unknown rule id `{id}` in {flag}{hint}")]
    UnknownRule {
        id: String,
        flag: &'static str,
        hint: String,
    },
}

pub fn select_rules<'r>(
    registry: &'r Registry,
    config: &ScanConfig,
) -> Result<Vec<&'r Rule>, ScanError> {
    for (flag, ids) in [("--select", &config.select), ("--ignore", &config.ignore)] {
        for id in ids {
            if registry.get(id).is_none() {
                let ids: Vec<&str> = registry.rules.iter().map(|r| r.id.as_str()).collect();
                let hint = crate::rules::closest(id, &ids)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_else(|| " (`wiflint rules` lists them)".into());
                return Err(ScanError::UnknownRule {
                    id: id.clone(),
                    flag,
                    hint,
                });
            }
        }
    }
    Ok(registry
        .rules
        .iter()
        .filter(|r| config.select.is_empty() || config.select.contains(&r.id))
        .filter(|r| !config.ignore.contains(&r.id))
        .collect())
}

pub fn scan(config: &ScanConfig, registry: &Registry) -> Result<Report, ScanError> {
    let rules = select_rules(registry, config)?;
    let (candidates, io_errors) = discover::discover(&config.paths);
    if candidates.is_empty() && io_errors.is_empty() {
        return Err(ScanError::NoInputs(config.paths.join(", ")));
    }
    let outcomes: Vec<Outcome> = candidates
        .par_iter()
        .map(|c| input::read(c, config.max_file_size))
        .collect();
    let mut report = Report {
        files: Vec::new(),
        skipped: Vec::new(),
        io_errors,
        findings: Vec::new(),
        checked: 0,
    };
    for outcome in outcomes {
        match outcome {
            Outcome::Read(file) => match input::helm_skip_reason(&file) {
                Some(reason) => report.skipped.push(Skipped {
                    path: file.source.path,
                    reason: reason.into(),
                }),
                None => report.files.push(file),
            },
            Outcome::Skipped { path, reason } => report.skipped.push(Skipped { path, reason }),
            Outcome::IoError { path, message } => {
                report.io_errors.push(format!("{path}: {message}"))
            }
        }
    }

    let files = &report.files;
    let mut skipped = std::mem::take(&mut report.skipped);
    let model = Model::build(files);
    let index = Index::build(&model, &config.options.default_namespace);
    let mut raw: Vec<finding::Finding> = rules
        .par_iter()
        .flat_map_iter(|rule| {
            let ctx = Ctx {
                files,
                model: &model,
                index: &index,
                options: &config.options,
                rule,
            };
            rules::run(rule, &ctx)
        })
        .filter(|f| f.severity >= config.min_severity)
        .collect();
    // One finding per rule and primary location (aliases can show the same node twice).
    raw.sort_by(|a, b| (&a.rule, &a.primary.loc).cmp(&(&b.rule, &b.primary.loc)));
    raw.dedup_by(|a, b| a.rule == b.rule && a.primary.loc == b.primary.loc);

    let mut findings: Vec<Resolved> = raw
        .into_iter()
        .map(|f| finding::resolve(f, files))
        .collect();
    findings.sort_by(|a, b| {
        let key = |r: &Resolved| (files[r.primary.file].source.path.as_str(), r.primary.start);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.finding.rule.cmp(&b.finding.rule))
            .then_with(|| a.finding.message.cmp(&b.finding.message))
    });

    // Files with nothing wiflint knows, found by walking, are skipped rather than "checked".
    let unrecognized_only: Vec<usize> = (0..files.len())
        .filter(|&i| {
            let f = &files[i];
            !f.explicit && f.error.is_none() && !model.recognized[i]
        })
        .collect();
    for &i in &unrecognized_only {
        skipped.push(Skipped {
            path: files[i].source.path.clone(),
            reason: "not a recognized input (no Kubernetes object, Azure export or Vault dump)"
                .into(),
        });
    }
    let checked = files.len() - unrecognized_only.len();
    drop(model);
    report.skipped = skipped;
    report.checked = checked;
    report.findings = findings;
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report.io_errors.sort();
    Ok(report)
}
