//! Orchestration of one scan: discover → read and parse (in parallel) → model → index → rules →
//! resolve → sort. Everything the renderers need ends up in [`Report`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::baseline::Baseline;
use crate::config::{Config, ConfigError, PathFilter};
use crate::document::{Source, Syntax};
use crate::finding::{self, Resolved, Severity};
use crate::index::Index;
use crate::input::{self, InputFile, Outcome, discover};
use crate::model::Model;
use crate::rules::registry::Registry;
use crate::rules::{self, Ctx, Options, Rule};
use crate::suppress::{Applied, Suppressions};

#[derive(Debug, Default)]
pub struct ScanConfig {
    pub paths: Vec<String>,
    pub max_file_size: u64,
    pub options: Options,
    /// Rule ids to run (empty: all).
    pub select: Vec<String>,
    pub ignore: Vec<String>,
    /// Findings below this severity are dropped.
    pub min_severity: Severity,
    /// The config file's settings that act during the scan: suppressions (its `paths` are
    /// matched against scanned files), and the file itself for positions.
    pub config: Config,
    /// `scan.exclude` of the config.
    pub exclude: Option<Arc<PathFilter>>,
    /// Findings recorded here are not reported (counted as baselined).
    pub baseline: Option<Baseline>,
    /// Show a progress bar on stderr (when it is a terminal) once the scan takes over a second.
    pub progress: bool,
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
    /// Findings accepted by a suppression, and which.
    pub suppressed: Vec<(Resolved, Applied)>,
    /// Findings not reported because the baseline records them.
    pub baselined: usize,
    /// Files read and checked: `files` less those skipped as unrecognized (and less the config
    /// file, which is among `files` only so that findings can point into it).
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
    #[error("{0}")]
    Config(#[from] ConfigError),
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
    // An unknown rule id is the first thing to say, before any path is looked at.
    select_rules(registry, config)?;
    let (candidates, io_errors) = discover::discover(&config.paths, config.exclude.as_ref());
    if candidates.is_empty() && io_errors.is_empty() {
        return Err(ScanError::NoInputs(config.paths.join(", ")));
    }
    scan_candidates(config, registry, &candidates, io_errors)
}

/// The scan of inputs already discovered (or held in memory, see
/// [`Origin::Memory`](input::discover::Origin::Memory)); `config.paths` is not read.
pub fn scan_candidates(
    config: &ScanConfig,
    registry: &Registry,
    candidates: &[discover::Candidate],
    io_errors: Vec<String>,
) -> Result<Report, ScanError> {
    let rules = select_rules(registry, config)?;
    let progress = Progress::new(config.progress, candidates.len());
    let outcomes: Vec<Outcome> = candidates
        .par_iter()
        .map(|c| {
            let outcome = input::read(c, config.max_file_size);
            progress.tick();
            outcome
        })
        .collect();
    progress.done();
    let mut report = Report {
        files: Vec::new(),
        skipped: Vec::new(),
        io_errors,
        findings: Vec::new(),
        suppressed: Vec::new(),
        baselined: 0,
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

    let mut files = std::mem::take(&mut report.files);
    let mut skipped = std::mem::take(&mut report.skipped);
    let model = Model::build(&files);
    let index = Index::build(&model, &config.options.default_namespace);
    // The config file joins the files (after the model, which must not read it) so that
    // findings about its suppressions can point into it.
    let config_source = config
        .config
        .source
        .as_ref()
        .filter(|_| !config.config.suppress.is_empty());
    let config_file = config_source.map(|_| files.len());
    // Suppressions are read while the rules run: neither needs the other.
    let (mut raw, suppressions) = rayon::join(
        || {
            rules
                .par_iter()
                .flat_map_iter(|rule| {
                    let ctx = Ctx {
                        files: &files,
                        model: &model,
                        index: &index,
                        options: &config.options,
                        rule,
                    };
                    rules::run(rule, &ctx)
                })
                .collect::<Vec<finding::Finding>>()
        },
        || Suppressions::collect(&files, &model, registry, &config.config, config_file),
    );
    let mut suppressions = suppressions?;
    // One finding per rule and primary location (aliases can show the same node twice).
    raw.sort_by(|a, b| (&a.rule, &a.primary.loc).cmp(&(&b.rule, &b.primary.loc)));
    raw.dedup_by(|a, b| a.rule == b.rule && a.primary.loc == b.primary.loc);

    // Files with nothing wiflint knows, found by walking, are skipped rather than "checked".
    let unrecognized_only: Vec<usize> = (0..files.len())
        .filter(|&i| {
            let f = &files[i];
            !f.explicit && f.error.is_none() && !model.recognized[i]
        })
        .collect();
    drop(index);
    drop(model);
    if let Some(source) = config_source {
        files.push(InputFile {
            source: Source::new(source.path.clone(), source.text.clone()),
            explicit: false,
            syntax: Syntax::Yaml,
            docs: Vec::new(),
            error: None,
        });
    }

    let ran = |id: &str| rules.iter().any(|r| r.id == id);
    let mut findings = Vec::new();
    let resolved: Vec<Resolved> = raw
        .into_par_iter()
        .map(|f| finding::resolve(f, &files))
        .collect();
    for resolved in resolved {
        match suppressions.apply(&resolved) {
            Some(applied) => report.suppressed.push((resolved, applied)),
            None => findings.push(resolved),
        }
    }
    let meta = std::mem::take(&mut suppressions.invalid)
        .into_iter()
        .chain(suppressions.unused(&rules, registry))
        .filter(|f| ran(&f.rule));
    findings.extend(meta.map(|f| finding::resolve(f, &files)));
    // Severities set in the config win over what rules report, lower variants included.
    let overridden = findings
        .iter_mut()
        .chain(report.suppressed.iter_mut().map(|(r, _)| r))
        .map(|r| &mut r.finding);
    for f in overridden {
        if let Some(severity) = registry.get(&f.rule).and_then(|r| r.severity_override) {
            f.severity = severity;
        }
    }
    findings.retain(|f| f.finding.severity >= config.min_severity);
    report
        .suppressed
        .retain(|(f, _)| f.finding.severity >= config.min_severity);
    if let Some(mut baseline) = config.baseline.clone() {
        let before = findings.len();
        findings.retain(|f| !baseline.take(f));
        report.baselined = before - findings.len();
    }
    let order = |a: &Resolved, b: &Resolved| {
        let key = |r: &Resolved| (files[r.primary.file].source.path.as_str(), r.primary.start);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.finding.rule.cmp(&b.finding.rule))
            .then_with(|| a.finding.message.cmp(&b.finding.message))
    };
    findings.sort_by(order);
    report.suppressed.sort_by(|a, b| order(&a.0, &b.0));

    for &i in &unrecognized_only {
        skipped.push(Skipped {
            path: files[i].source.path.clone(),
            reason: "not a recognized input (no Kubernetes object, Azure export or Vault dump)"
                .into(),
        });
    }
    let checked = files.len() - unrecognized_only.len() - usize::from(config_file.is_some());
    report.files = files;
    report.skipped = skipped;
    report.checked = checked;
    report.findings = findings;
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report.io_errors.sort();
    Ok(report)
}

/// A progress bar for the read-and-parse phase (the bulk of a scan), drawn only on a terminal
/// and only once the scan has taken more than a second, so quick runs and CI logs stay clean.
struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
}

impl Progress {
    fn new(enabled: bool, files: usize) -> Self {
        Progress {
            bar: enabled.then(|| {
                let bar = ProgressBar::with_draw_target(
                    Some(u64::try_from(files).unwrap_or(u64::MAX)),
                    ProgressDrawTarget::hidden(),
                );
                if let Ok(style) =
                    ProgressStyle::with_template("reading {pos}/{len} files {wide_bar} {elapsed}")
                {
                    bar.set_style(style);
                }
                bar
            }),
            start: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }

    fn tick(&self) {
        let Some(bar) = &self.bar else {
            return;
        };
        if !self.shown.load(Ordering::Relaxed)
            && self.start.elapsed() > Duration::from_secs(1)
            && !self.shown.swap(true, Ordering::Relaxed)
        {
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        bar.inc(1);
    }

    fn done(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
