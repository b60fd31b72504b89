//! Orchestration of one scan: discover → per file, in parallel: read, parse, file-scoped rules,
//! resolve, keep the facts → model and index of the facts → rules that join files → resolve
//! (reading files again) → suppress, sort. Everything the renderers need ends up in [`Report`],
//! which holds no file's text or trees.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::baseline::Baseline;
use crate::config::{Config, ConfigError, PathFilter};
use crate::document::{Source, Syntax};
use crate::expand::{self, Renders};
use crate::finding::{self, Opened, Resolved, Severity};
use crate::index::Index;
use crate::input::discover::Candidate;
use crate::input::{self, InputFile, Outcome, discover};
use crate::model::retain::retain;
use crate::model::{FileId, Model};
use crate::rules::registry::Registry;
use crate::rules::{self, Ctx, Options, Reach, Rule};
use crate::suppress::{Applied, Suppressions};
use crate::terraform::Modules;

/// The CLI's [`ScanConfig::hold`]: files held whole cost about four times their size, so this
/// is some 16 MiB, and a repository of a couple of thousand manifests is parsed once, while a
/// larger one is streamed.
pub const HOLD_BYTES: u64 = 4 << 20;

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
    /// Whether directory walks include hidden and ignored paths.
    pub walk: discover::Walk,
    /// Report only findings whose primary location is in these paths (files, or directories
    /// that contain it); the other paths are read for the joins only. `None`: report all.
    pub report_only: Option<Vec<String>>,
    /// Findings recorded here are not reported (counted as baselined).
    pub baseline: Option<Baseline>,
    /// Show a progress bar on stderr (when it is a terminal) once the scan takes over a second.
    pub progress: bool,
    /// Files up to this many bytes in all are held whole until the end of the scan, rather than
    /// read again to place the findings of rules that join files (see [`scan_candidates`]).
    pub hold: u64,
    /// `--var-file`: tfvars files that give the root module in their directory its variables'
    /// values, after `terraform.tfvars` and `*.auto.tfvars`.
    pub var_files: Vec<String>,
    /// The report will not be rendered as text: the excerpts a text report shows (see
    /// [`finding::Excerpt`]) need not be cut.
    pub no_excerpts: bool,
    /// Whether and how charts and overlays are rendered.
    pub render: expand::Settings,
    /// The path standard input stands for (`--stdin-filename`): it names `-` in the report,
    /// chooses the syntax by its extension, and is what path-based suppressions match.
    pub stdin_name: Option<String>,
    /// Files the run writes when it is done (the report, a baseline), by the flag that names
    /// them: a scan that would read one of them is refused, since writing it would destroy it.
    pub writes: Vec<(&'static str, String)>,
}

#[derive(Debug)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug)]
pub struct Report {
    /// The path of each file by id: the candidates, then the config file when findings can point
    /// into it.
    pub paths: Vec<String>,
    pub skipped: Vec<Skipped>,
    /// Paths that could not be read at all: the run exits 2.
    pub io_errors: Vec<String>,
    pub findings: Vec<Resolved>,
    /// Findings accepted by a suppression, and which.
    pub suppressed: Vec<(Resolved, Applied)>,
    /// Findings not reported because the baseline records them.
    pub baselined: usize,
    /// Files read and checked (not skipped, not failed).
    pub checked: usize,
    /// The ids among `paths` that name a render's output (`helm template release charts/x`),
    /// not a file: where a rendered line is shown.
    pub outputs: Vec<FileId>,
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
    #[error(
        "no inputs found in {0}: give files or directories that contain YAML, JSON, Terraform, Bicep or shell scripts"
    )]
    NoInputs(String),
    #[error(
        "{flag} {path} names a file this scan reads ({input}): writing it would overwrite the input; write to another file"
    )]
    WouldOverwrite {
        flag: &'static str,
        path: String,
        input: String,
    },
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
    let (mut candidates, io_errors) =
        discover::discover(&config.paths, config.exclude.as_ref(), config.walk);
    if let Some(name) = &config.stdin_name {
        for c in &mut candidates {
            if matches!(c.origin, discover::Origin::Stdin) {
                c.display = name.clone();
            }
        }
    }
    if candidates.is_empty() && io_errors.is_empty() {
        return Err(ScanError::NoInputs(config.paths.join(", ")));
    }
    for (flag, path) in &config.writes {
        if let Some(input) = read_by_scan(&candidates, Path::new(path)) {
            return Err(ScanError::WouldOverwrite {
                flag,
                path: path.clone(),
                input: input.display.clone(),
            });
        }
    }
    scan_candidates(config, registry, &candidates, io_errors)
}

/// The candidate that is the file at `path`, if any (symbolic links and `..` resolved), unless
/// it was found by walking a directory and is a report or baseline wiflint wrote: writing
/// `report.json` or a baseline again inside the scanned directory is how CI runs, and such files
/// are skipped as unrecognized anyway. Only candidates with its file name are compared, so a
/// scan of many files resolves only those of that name, those named and symbolic links.
fn read_by_scan<'c>(candidates: &'c [Candidate], path: &Path) -> Option<&'c Candidate> {
    let target = path.canonicalize().ok()?;
    let name = target.file_name()?;
    candidates.iter().find(|c| match &c.origin {
        discover::Origin::File(file) => {
            (file.file_name() == Some(name)
                || c.explicit
                || file.symlink_metadata().is_ok_and(|m| m.is_symlink()))
                && file.canonicalize().is_ok_and(|f| f == target)
                && (c.explicit || !written_by_wiflint(&target))
        }
        _ => false,
    })
}

/// Whether the file is a JSON or SARIF report or a baseline as wiflint writes them.
fn written_by_wiflint(path: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(path) else {
        return false;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else {
        return false;
    };
    let is_wiflint = |name: &serde_json::Value| name.as_str() == Some("wiflint");
    let baseline = value["version"] == 1 && value["findings"].is_array();
    baseline
        || is_wiflint(&value["tool"]["name"])
        || is_wiflint(&value["runs"][0]["tool"]["driver"]["name"])
}

/// The scan of inputs already discovered (or held in memory, see
/// [`Origin::Memory`](input::discover::Origin::Memory)); `config.paths` is not read.
///
/// It is streamed: each file is read, parsed, checked by the rules that need only it, and its
/// findings placed, in parallel; then all of it is dropped but the facts that rules joining
/// files read ([`retain`]). Those rules run last, over the facts of every file, and the files
/// their findings point into are read again to place them. Reading again costs a second parse,
/// so the first files up to `config.hold` bytes are held whole instead (standard input always
/// is): a scan's memory is its largest files, that allowance, and the facts. A file's id is its
/// place among the candidates.
pub fn scan_candidates(
    config: &ScanConfig,
    registry: &Registry,
    candidates: &[discover::Candidate],
    io_errors: Vec<String>,
) -> Result<Report, ScanError> {
    let rules = select_rules(registry, config)?;
    // Terraform modules are evaluated per directory, and charts and overlays rendered, before
    // their files are read one by one.
    let modules = Modules::prepare(candidates, config.max_file_size, &config.var_files);
    // A chart a Terraform `helm_release` installs renders with the release's values.
    let mut render = config.render.clone();
    if render.enabled {
        render.charts.extend_from_slice(modules.chart_releases());
    }
    let context = input::Context {
        renders: Renders::prepare(candidates, &render, config.max_file_size),
        parameters: crate::script::Parameters::prepare(candidates, config.max_file_size),
        modules,
    };
    // What kustomizations say of the files they name, for those not rendered (the rendered
    // objects are whole, not parts, and carry their namespace).
    let unrendered: Vec<discover::Candidate> = candidates
        .iter()
        .filter(|c| {
            crate::kustomize::is_kustomization(std::path::Path::new(&c.display))
                && context.renders.fate(&c.display).is_none()
        })
        .cloned()
        .collect();
    let options = Options {
        kustomize: Arc::new(crate::kustomize::Layout::of(&unrendered)),
        replaced: Arc::new(crate::placeholder::Replaced::of(candidates)),
        ..config.options.clone()
    };
    let (file_rules, scan_rules): (Vec<&Rule>, Vec<&Rule>) =
        rules.iter().partition(|r| r.reach == Reach::File);
    let progress = Progress::new(config.progress, candidates.len());
    let hold = AtomicU64::new(config.hold);
    let checked: Vec<Checked> = candidates
        .par_iter()
        .enumerate()
        .map(|(id, candidate)| {
            let checked = match input::read_in(candidate, config.max_file_size, &context) {
                // A rendered template is checked as rendered, not skipped as a template.
                Outcome::Read(file) => match input::skip_reason(&file)
                    .filter(|_| context.renders.fate(&candidate.display).is_none())
                {
                    Some(reason) => Checked::Skipped(reason),
                    None => Checked::Read(Box::new(check_file(
                        id,
                        file,
                        candidate,
                        &FilePass {
                            rules: &file_rules,
                            registry,
                            config,
                            options: &options,
                            hold: &hold,
                        },
                    ))),
                },
                Outcome::Skipped { reason, .. } => Checked::Skipped(reason),
                Outcome::IoError { message, .. } => Checked::IoError(message),
            };
            progress.tick();
            checked
        })
        .collect();
    progress.done();

    let mut report = Report {
        paths: candidates.iter().map(|c| c.display.clone()).collect(),
        skipped: Vec::new(),
        io_errors,
        findings: Vec::new(),
        suppressed: Vec::new(),
        baselined: 0,
        checked: 0,
        outputs: Vec::new(),
    };
    let mut facts = Vec::with_capacity(candidates.len());
    let mut kept = Vec::with_capacity(candidates.len());
    let mut resolved = Vec::new();
    let mut invalid = Vec::new();
    let mut suppressions = Suppressions::default();
    for (id, checked) in checked.into_iter().enumerate() {
        let path = &report.paths[id];
        let file = match checked {
            Checked::Read(file) => *file,
            Checked::Skipped(reason) => {
                report.skipped.push(Skipped {
                    path: path.clone(),
                    reason,
                });
                facts.push(InputFile::empty(path.clone()));
                kept.push(None);
                continue;
            }
            Checked::IoError(message) => {
                report.io_errors.push(format!("{path}: {message}"));
                facts.push(InputFile::empty(path.clone()));
                kept.push(None);
                continue;
            }
        };
        if file.unrecognized_only {
            // Files with nothing wiflint knows, found by walking, are skipped rather than
            // "checked".
            let reason = if let Some(role) = context.renders.role(path) {
                role
            } else if file.facts.syntax == Syntax::Terraform {
                "Terraform file with no resource wiflint reads (its variables, locals and values are read as its module's context)"
            } else if file.facts.syntax == Syntax::Bicep {
                "Bicep file with no resource wiflint reads (no identity, federated credential, app registration or AKS cluster)"
            } else if matches!(file.facts.syntax, Syntax::Shell | Syntax::Markdown) {
                "no `az … federated-credential create|update` or `azwi serviceaccount create` command"
            } else {
                "not a recognized input (no Kubernetes object, Azure export or Vault dump)"
            };
            report.skipped.push(Skipped {
                path: path.clone(),
                reason: reason.into(),
            });
        } else {
            report.checked += 1;
        }
        resolved.extend(file.findings);
        invalid.extend(file.invalid);
        suppressions.merge(file.suppressions);
        facts.push(file.facts);
        kept.push(Some(file.kept));
    }

    // The config file comes after the candidates, so that findings about its suppressions can
    // point into it.
    let config_file = config
        .config
        .source
        .as_ref()
        .filter(|_| !config.config.suppress.is_empty())
        .map(|source| {
            report.paths.push(source.path.clone());
            let file = InputFile {
                source: Source::new(source.path.clone(), source.text.clone()),
                explicit: false,
                syntax: Syntax::Yaml,
                docs: Vec::new(),
                error: None,
            };
            (report.paths.len() - 1, file)
        });
    if let Some((id, _)) = &config_file {
        suppressions.add_config(&config.config, &report.paths[..*id], *id)?;
    }

    // Rules that join files, over the facts of all of them.
    let model = Model::build(&facts);
    let index = Index::build(&model, &facts, &options);
    let mut raw: Vec<finding::Finding> = scan_rules
        .par_iter()
        .flat_map_iter(|rule| {
            let ctx = Ctx {
                files: &facts,
                model: &model,
                index: &index,
                options: &options,
                rule,
            };
            rules::run(rule, &ctx)
        })
        .collect();
    drop(index);
    drop(model);
    dedup(&mut raw);
    let changed = std::sync::Mutex::new(Vec::new());
    let reopen = |id: FileId| -> Option<Opened<'_>> {
        if let Some((config_id, file)) = &config_file
            && id == *config_id
        {
            return Some(Opened::Held(file));
        }
        let again = match kept.get(id)?.as_ref()? {
            Kept::Held => return facts.get(id).map(Opened::Held),
            Kept::Again(again) => again.reopen(&candidates[id], config.max_file_size, &context),
        };
        if again.is_none()
            && let Ok(mut changed) = changed.lock()
        {
            changed.push(format!(
                "{}: changed or removed while it was scanned; findings in it are placed at 1:1",
                candidates[id].display
            ));
        }
        again.map(Opened::Read)
    };
    resolved.extend(finding::resolve_all(raw, reopen, !config.no_excerpts));
    crate::terraform::relate(
        &mut resolved,
        &facts,
        candidates,
        &context.modules,
        reopen,
        !config.no_excerpts,
    );
    crate::expand::relocate::relocate(
        &mut resolved,
        &mut report.paths,
        &mut report.outputs,
        &context.renders,
        !config.no_excerpts,
    );
    let ran = |id: &str| rules.iter().any(|r| r.id == id);
    let mut findings = Vec::new();
    for r in resolved {
        match suppressions.apply(&r) {
            Some(applied) => report.suppressed.push((r, applied)),
            None => findings.push(r),
        }
    }
    invalid.retain(|f: &Resolved| ran(&f.finding.rule));
    findings.extend(invalid);
    let meta: Vec<finding::Finding> = std::mem::take(&mut suppressions.invalid)
        .into_iter()
        .chain(suppressions.unused(&rules, registry))
        .filter(|f| ran(&f.rule))
        .collect();
    findings.extend(finding::resolve_all(meta, reopen, !config.no_excerpts));
    report
        .io_errors
        .extend(changed.into_inner().unwrap_or_default());
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
    let paths = &report.paths;
    let shown = |f: &Resolved| {
        f.finding.severity >= config.min_severity
            && config
                .report_only
                .as_ref()
                .is_none_or(|only| within(&paths[f.primary.file], only))
    };
    findings.retain(|f| shown(f));
    report.suppressed.retain(|(f, _)| shown(f));
    if let Some(mut baseline) = config.baseline.clone() {
        let before = findings.len();
        findings.retain(|f| !baseline.take(f, &report.paths[f.primary.file]));
        report.baselined = before - findings.len();
    }
    let paths = &report.paths;
    let order = |a: &Resolved, b: &Resolved| {
        let key = |r: &Resolved| (paths[r.primary.file].as_str(), r.primary.start);
        key(a)
            .cmp(&key(b))
            .then_with(|| a.finding.rule.cmp(&b.finding.rule))
            .then_with(|| a.finding.message.cmp(&b.finding.message))
    };
    findings.sort_by(order);
    report.suppressed.sort_by(|a, b| order(&a.0, &b.0));
    report.findings = findings;
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report.io_errors.sort();
    Ok(report)
}

/// Whether a reported path is one of `only` or under one of them, written as the user gave them
/// (`./k8s/a.yaml`, `k8s/`, `.`).
fn within(path: &str, only: &[String]) -> bool {
    let clean = |p: &str| {
        let p = p.trim_start_matches("./").trim_end_matches('/');
        if p == "." {
            String::new()
        } else {
            p.to_string()
        }
    };
    let path = clean(path);
    only.iter().map(|o| clean(o)).any(|o| {
        o.is_empty() || path == o || path.strip_prefix(&o).is_some_and(|r| r.starts_with('/'))
    })
}

/// One finding per rule and primary location (aliases can show the same node twice).
fn dedup(raw: &mut Vec<finding::Finding>) {
    raw.sort_by(|a, b| (&a.rule, &a.primary.loc).cmp(&(&b.rule, &b.primary.loc)));
    raw.dedup_by(|a, b| a.rule == b.rule && a.primary.loc == b.primary.loc);
}

/// What became of one candidate in the first, per-file pass.
enum Checked {
    Read(Box<CheckedFile>),
    Skipped(String),
    IoError(String),
}

/// A file checked on its own: what is left of it once its text and trees are dropped.
struct CheckedFile {
    /// Findings of the file-scoped rules, placed.
    findings: Vec<Resolved>,
    /// Malformed suppressions in it (`invalid-suppression`), placed.
    invalid: Vec<Resolved>,
    suppressions: Suppressions,
    /// What rules joining files read of it: the file itself when it is held.
    facts: InputFile,
    kept: Kept,
    /// Found by walking and holds no known input.
    unrecognized_only: bool,
}

/// How findings of joining rules are placed in a file.
enum Kept {
    /// The file is held whole (as its facts).
    Held,
    /// It is read again.
    Again(Again),
}

/// How to read a file again, and to know it is the same file.
struct Again {
    explicit: bool,
    hash: u64,
}

impl Again {
    fn new(file: &InputFile) -> Self {
        Again {
            explicit: file.explicit,
            hash: hash(&file.source.text),
        }
    }

    /// The file parsed again, if it still has the text it had.
    fn reopen(
        &self,
        candidate: &discover::Candidate,
        max_size: u64,
        context: &input::Context,
    ) -> Option<InputFile> {
        match input::read_in(candidate, max_size, context) {
            Outcome::Read(mut file) if hash(&file.source.text) == self.hash => {
                file.explicit = self.explicit;
                Some(file)
            }
            _ => None,
        }
    }
}

/// A quick hash of a file's text, to tell whether it changed between two reads (not to
/// withstand an adversary: SipHash took 5% of a scan).
fn hash(text: &str) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let bytes = text.as_bytes();
    let mut chunks = bytes.chunks_exact(8);
    let mut h = bytes.len() as u64;
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        h = (h.rotate_left(5) ^ word).wrapping_mul(K);
    }
    for &b in chunks.remainder() {
        h = (h.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
    }
    h
}

/// What the first pass over every file shares.
struct FilePass<'p> {
    /// The rules that need only one file.
    rules: &'p [&'p Rule],
    registry: &'p Registry,
    config: &'p ScanConfig,
    /// The config's options, with what the scan's kustomizations say.
    options: &'p Options,
    /// Bytes left to hold files whole.
    hold: &'p AtomicU64,
}

/// The first pass over one file (as file 0 of its own model, then renumbered `id`).
fn check_file(
    id: FileId,
    file: InputFile,
    candidate: &discover::Candidate,
    pass: &FilePass<'_>,
) -> CheckedFile {
    let FilePass {
        rules,
        registry,
        config,
        options,
        hold,
    } = *pass;
    let one = std::slice::from_ref(&file);
    let model = Model::build(one);
    let index = Index::build(&model, one, options);
    let mut raw: Vec<finding::Finding> = rules
        .iter()
        .flat_map(|rule| {
            let ctx = Ctx {
                files: one,
                model: &model,
                index: &index,
                options,
                rule,
            };
            rules::run(rule, &ctx)
        })
        .map(|f| f.in_file(id))
        .collect();
    dedup(&mut raw);
    let mut suppressions = Suppressions::of_file(&file, &model, registry).in_file(id);
    let invalid = std::mem::take(&mut suppressions.invalid);
    // Placed together (one visit of the file), then parted again.
    let rules_found = raw.len();
    raw.extend(invalid);
    let open = |_| Some(Opened::Held(&file));
    let mut findings = finding::resolve_all(raw, open, !config.no_excerpts);
    let invalid = findings.split_off(rules_found);
    let mut unrecognized_only = !file.explicit && file.error.is_none() && !model.recognized[0];
    if unrecognized_only {
        // A file with findings (a literal secret) is checked, so the summary never counts
        // findings in no file.
        unrecognized_only = findings
            .iter()
            .all(|f| f.finding.rule == "unrecognized-input");
    }
    let size = file.source.text.len() as u64;
    let held = matches!(candidate.origin, discover::Origin::Stdin)
        || hold
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(size)
            })
            .is_ok();
    let (facts, kept) = if held {
        drop(model);
        (file, Kept::Held)
    } else {
        let facts = InputFile {
            source: Source::new(file.source.path.clone(), String::new()),
            explicit: file.explicit,
            syntax: file.syntax,
            docs: retain(&file, &model),
            error: None,
        };
        (facts, Kept::Again(Again::new(&file)))
    };
    CheckedFile {
        findings,
        invalid,
        suppressions,
        facts,
        kept,
        unrecognized_only,
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings of joining rules are placed by reading their files again: a file that changed in
    /// between must not be taken for the one that was checked.
    #[test]
    fn a_file_read_again_must_be_the_file_checked() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sa.yaml");
        let write = |text: &str| std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
        write("kind: ServiceAccount\n");
        let candidate = discover::Candidate {
            display: "sa.yaml".into(),
            origin: discover::Origin::File(path.clone()),
            explicit: true,
        };
        let max = input::load::DEFAULT_MAX_FILE_SIZE;
        let Outcome::Read(file) = input::read(&candidate, max) else {
            panic!("not read");
        };
        let kept = Again::new(&file);
        let context = input::Context::default();
        assert!(kept.reopen(&candidate, max, &context).is_some());
        write("kind: ServiceAccount\nmetadata: {}\n");
        assert!(kept.reopen(&candidate, max, &context).is_none());
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(kept.reopen(&candidate, max, &context).is_none());
    }
}
