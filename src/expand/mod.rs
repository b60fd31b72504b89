//! The Helm and Kustomize front-end: charts (a `Chart.yaml`) and Kustomize roots (a
//! `kustomization.yaml` no other scanned kustomization builds on) are rendered with the real tools
//! before the scan reads its files, and what they render is read in place of the files a user
//! edits: each rendered object becomes a document of its template (Helm's `# Source:`) or of the
//! root kustomization, with its spans placed on the lines that wrote it ([`place`]). wiflint
//! never evaluates Go templates or merges patches itself.
//!
//! No render may reach the network or run for long: remote bases, chart dependencies that are
//! not vendored under `charts/`, and Kustomize's `helmCharts` are skipped with that reason; each
//! render runs without a shell, with a time limit and a cap on its output.

pub mod place;
pub mod relocate;
mod run;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rayon::prelude::*;

use crate::document::{self, Node};
use crate::input::discover::{Candidate, Origin};
use crate::kustomize::{self, normalize};

/// How a scan renders charts and overlays (`[render]` in `wiflint.toml`, `--no-render`).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// `--no-render` (or a library caller) leaves it off: charts and overlays are then skipped.
    pub enabled: bool,
    /// The `helm` executable, found on `PATH` or named in the config.
    pub helm: Option<PathBuf>,
    pub kustomize: Option<Kustomizer>,
    /// `[[render.chart]]`: the renders of a chart, one per environment. A chart without an entry
    /// renders once, with its default values, release `release` and no namespace.
    pub charts: Vec<ChartRender>,
}

/// The program that builds an overlay.
#[derive(Clone, Debug)]
pub enum Kustomizer {
    /// `kustomize build <dir>`.
    Kustomize(PathBuf),
    /// `kubectl kustomize <dir>`.
    Kubectl(PathBuf),
}

/// One render of a chart: a `[[render.chart]]` entry (its paths resolved against the config's
/// directory), or a Terraform `helm_release` of a chart in the scan.
#[derive(Clone, Debug, Default)]
pub struct ChartRender {
    pub chart: PathBuf,
    pub values: Vec<PathBuf>,
    pub release: Option<String>,
    pub namespace: Option<String>,
    /// The values a `helm_release` sets, as `--set`/`--set-string` give them.
    pub set: Vec<SetValue>,
    /// What installs the chart with these values (`helm_release.orders`), shown in the render's
    /// command instead of the values, which may be secret.
    pub by: Option<String>,
    /// Why this render would not be what is deployed: a value its installer gives that the files
    /// do not decide. The chart is then not rendered for it.
    pub undecided: Option<String>,
}

/// One `--set name=value` (or `--set-string` for text), the name in Helm's path syntax.
#[derive(Clone, Debug)]
pub struct SetValue {
    pub name: String,
    pub value: String,
    pub string: bool,
}

impl Settings {
    /// Rendering on, with the executables named (by the config) or else found on `PATH`.
    pub fn find(helm: Option<&str>, kustomize: Option<&str>) -> Self {
        let kustomizer = match kustomize {
            Some(named) if Path::new(named).file_stem().is_some_and(|s| s == "kubectl") => {
                Some(Kustomizer::Kubectl(PathBuf::from(named)))
            }
            Some(named) => Some(Kustomizer::Kustomize(PathBuf::from(named))),
            None => on_path("kustomize")
                .map(Kustomizer::Kustomize)
                .or_else(|| on_path("kubectl").map(Kustomizer::Kubectl)),
        };
        Settings {
            enabled: true,
            helm: helm.map(PathBuf::from).or_else(|| on_path("helm")),
            kustomize: kustomizer,
            charts: Vec::new(),
        }
    }
}

fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Each render's time limit.
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// What became of a scanned file that belongs to a chart or an overlay, by its normalized path.
#[derive(Debug, Default)]
pub struct Renders {
    files: HashMap<PathBuf, Fate>,
    /// What a chart's `Chart.yaml` and values files and an overlay's kustomization are to a scan
    /// that rendered them: said when they are skipped, instead of "not a recognized input".
    roles: HashMap<PathBuf, String>,
}

#[derive(Debug)]
pub enum Fate {
    /// The file's documents are these rendered texts (several renders of one chart each add
    /// theirs), placed on its lines.
    Rendered(Vec<Rendered>),
    /// A template or part that is not checked on its own.
    Skipped(String),
    /// The chart's or root's render failed: the tool's message, reported at this file.
    Failed(String),
}

/// One rendered document and how its keys are found in the file it is placed on.
#[derive(Debug)]
pub struct Rendered {
    pub text: String,
    pub how: place::How,
    /// The render that wrote it, and where `text` starts in its output: findings point at the
    /// rendered line, and at the values file or overlay that decided a value ([`relocate`]).
    pub render: Arc<Render>,
    pub offset: usize,
    /// The file it is placed on, as read from disk.
    pub real: PathBuf,
}

/// One run of `helm template` or `kustomize build`, kept for placing findings beyond the file an
/// object is placed on.
#[derive(Debug, Default)]
pub struct Render {
    /// How a user runs it again, shown as where a rendered line is.
    pub command: String,
    pub output: String,
    /// Helm: the values files (shown and real paths) in the order Helm merges them, the chart's
    /// `values.yaml` first, so the last one that sets a key decided it.
    pub values: Vec<(PathBuf, PathBuf)>,
    /// Kustomize: the kustomizations of the tree, the root first.
    pub layers: Vec<Layer>,
    /// Kustomize: the patch files of the tree (shown and real paths).
    pub patches: Vec<(PathBuf, PathBuf)>,
}

/// A kustomization of an overlay's tree.
#[derive(Debug)]
pub struct Layer {
    pub shown: PathBuf,
    pub real: PathBuf,
    /// The kustomization that uses this one as a base (`None`: the root).
    pub parent: Option<usize>,
    /// The resource files it lists (shown paths).
    pub files: Vec<PathBuf>,
}

/// Where the rendered output's documents go.
enum Placement {
    /// By Helm's `# Source: <chart>/templates/…` lines, relative to the chart directory.
    Sources {
        chart_dir: PathBuf,
        shown_dir: PathBuf,
    },
    /// Each on the resource file of the overlay's tree that declares it (shown and real paths),
    /// else on the root kustomization.
    Overlay {
        root: PathBuf,
        resources: Vec<(PathBuf, PathBuf)>,
    },
}

/// One render to run.
struct Job {
    program: PathBuf,
    args: Vec<String>,
    /// The chart or kustomization file a failure is reported at.
    at: PathBuf,
    placement: Placement,
    /// What is known of the render before it runs (its output is added after).
    render: Render,
}

impl Renders {
    /// Finds the charts and Kustomize roots among the candidates and renders them, in parallel.
    pub fn prepare(candidates: &[Candidate], settings: &Settings, max_size: u64) -> Self {
        let mut renders = Renders::default();
        let files: Vec<(PathBuf, &Path)> = candidates
            .iter()
            .filter_map(|c| match &c.origin {
                Origin::File(path) => Some((normalize(Path::new(&c.display)), path.as_path())),
                _ => None,
            })
            .collect();
        let mut jobs = Vec::new();
        renders.charts(&files, settings, &mut jobs);
        renders.overlays(&files, settings, &mut jobs);
        let outputs: Vec<(Job, Result<String, String>)> = jobs
            .into_par_iter()
            .map(|job| {
                let out = run::run(&job.program, &job.args, TIME_LIMIT, max_size);
                (job, out)
            })
            .collect();
        for (mut job, out) in outputs {
            match out {
                Ok(text) => {
                    let render = Arc::new(Render {
                        output: text,
                        ..std::mem::take(&mut job.render)
                    });
                    renders.place(&job, &render);
                }
                Err(message) => {
                    renders.files.insert(job.at.clone(), Fate::Failed(message));
                }
            }
        }
        // A template no render wrote to (a disabled feature, a partial) is not an input.
        for fate in renders.files.values_mut() {
            if let Fate::Skipped(reason) = fate
                && reason == UNWRITTEN
            {
                *reason =
                    "Helm chart template that renders no object with the values checked".into();
            }
        }
        renders
    }

    /// Why a chart's or overlay's own file holds nothing checked: it was rendered.
    pub fn role(&self, display: &str) -> Option<&str> {
        if self.roles.is_empty() {
            return None;
        }
        self.roles
            .get(&normalize(Path::new(display)))
            .map(String::as_str)
    }

    /// What to do with this file, if it belongs to a chart or an overlay.
    pub fn fate(&self, display: &str) -> Option<&Fate> {
        if self.files.is_empty() {
            return None;
        }
        self.files.get(&normalize(Path::new(display)))
    }

    fn charts(&mut self, files: &[(PathBuf, &Path)], settings: &Settings, jobs: &mut Vec<Job>) {
        let chart_dirs: Vec<(&Path, &Path)> = files
            .iter()
            .filter(|(shown, _)| shown.file_name().is_some_and(|n| n == "Chart.yaml"))
            .filter_map(|(shown, real)| Some((shown.parent()?, real.parent()?)))
            .collect();
        for &(shown_dir, real_dir) in &chart_dirs {
            // A subchart under `charts/` renders with its parent.
            let nested = chart_dirs.iter().any(|(other, _)| {
                *other != shown_dir && shown_dir.starts_with(other.join("charts"))
            });
            if nested {
                continue;
            }
            let templates: Vec<&PathBuf> = files
                .iter()
                .map(|(shown, _)| shown)
                .filter(|shown| shown.starts_with(shown_dir.join("templates")))
                .collect();
            let chart_file = shown_dir.join("Chart.yaml");
            let refusal = if !settings.enabled {
                Some(format!("{RENDER_OFF} (`--no-render`)"))
            } else if settings.helm.is_none() {
                Some(HELM_MISSING.into())
            } else {
                unvendored(real_dir)
            };
            let reason = match refusal {
                Some(reason) => format!("Helm chart template, not rendered: {reason}"),
                None => UNWRITTEN.into(),
            };
            for template in &templates {
                self.files
                    .insert((*template).clone(), Fate::Skipped(reason.clone()));
            }
            let Some(helm) = settings.helm.as_ref().filter(|_| reason == UNWRITTEN) else {
                continue;
            };
            let entries: Vec<&ChartRender> = settings
                .charts
                .iter()
                .filter(|e| same_path(&e.chart, real_dir))
                .collect();
            let default = ChartRender {
                chart: real_dir.to_path_buf(),
                ..ChartRender::default()
            };
            let entries = if entries.is_empty() {
                vec![&default]
            } else {
                entries
            };
            let mut undecided = Vec::new();
            for entry in entries {
                if let Some(why) = &entry.undecided {
                    undecided.push(why.clone());
                    continue;
                }
                let mut args = vec![
                    "template".to_string(),
                    entry.release.clone().unwrap_or_else(|| "release".into()),
                    real_dir.display().to_string(),
                ];
                if let Some(ns) = &entry.namespace {
                    args.extend(["--namespace".into(), ns.clone()]);
                }
                let mut command = format!("helm template {} {}", args[1], shown_dir.display());
                if let Some(ns) = &entry.namespace {
                    command.push_str(&format!(" --namespace {ns}"));
                }
                let mut values =
                    vec![(shown_dir.join("values.yaml"), real_dir.join("values.yaml"))];
                for file in &entry.values {
                    args.extend(["--values".into(), file.display().to_string()]);
                    let shown = files
                        .iter()
                        .find(|(_, real)| same_path(real, file))
                        .map_or_else(|| file.clone(), |(shown, _)| shown.clone());
                    command.push_str(&format!(" --values {}", shown.display()));
                    values.push((shown, file.clone()));
                }
                for set in &entry.set {
                    let flag = if set.string { "--set-string" } else { "--set" };
                    args.extend([
                        flag.into(),
                        format!("{}={}", set.name, set_escaped(&set.value)),
                    ]);
                }
                if let Some(by) = &entry.by {
                    command.push_str(&format!(" (the values of {by})"));
                }
                self.roles.entry(chart_file.clone()).or_insert_with(|| {
                    "Helm chart: rendered with `helm template`, its objects checked on its templates"
                        .into()
                });
                for (shown, _) in &values {
                    self.roles.entry(shown.clone()).or_insert_with(|| {
                        "Helm values: the chart is rendered with them, and a finding on a value a template prints is placed here"
                            .into()
                    });
                }
                jobs.push(Job {
                    program: helm.clone(),
                    args,
                    at: chart_file.clone(),
                    placement: Placement::Sources {
                        chart_dir: real_dir.to_path_buf(),
                        shown_dir: shown_dir.to_path_buf(),
                    },
                    render: Render {
                        command,
                        values,
                        ..Render::default()
                    },
                });
            }
            // Every release of the chart gives values the files do not decide: a render with
            // the defaults would be checked in place of what is deployed.
            if !undecided.is_empty() && !jobs.iter().any(|j| j.at == chart_file) {
                let reason = format!(
                    "Helm chart template, not rendered: {}",
                    undecided.join("; ")
                );
                for template in &templates {
                    self.files
                        .insert((*template).clone(), Fate::Skipped(reason.clone()));
                }
            }
        }
    }

    fn overlays(&mut self, files: &[(PathBuf, &Path)], settings: &Settings, jobs: &mut Vec<Job>) {
        let found: HashMap<PathBuf, (PathBuf, kustomize::Kustomization)> = files
            .iter()
            .filter(|(shown, _)| kustomize::is_kustomization(shown))
            .filter_map(|(shown, real)| {
                let dir = shown.parent()?.to_path_buf();
                let k = kustomize::read(real, &dir)?;
                Some((dir, (shown.clone(), k)))
            })
            .collect();
        let used: HashSet<&PathBuf> = found.values().flat_map(|(_, k)| &k.dirs).collect();
        let mut roots: Vec<&PathBuf> = found.keys().filter(|d| !used.contains(d)).collect();
        roots.sort();
        for dir in roots {
            let Some((file, _)) = found.get(dir) else {
                continue;
            };
            // The root's tree: its kustomizations, and the files they name.
            let mut tree: Vec<(PathBuf, Option<usize>)> = vec![(dir.clone(), None)];
            let mut parts: Vec<PathBuf> = Vec::new();
            let mut resources: Vec<PathBuf> = Vec::new();
            let mut layers: Vec<Layer> = Vec::new();
            let mut patches: Vec<PathBuf> = Vec::new();
            let mut remote = None;
            let mut i = 0;
            while let Some((d, parent)) = tree.get(i).cloned() {
                let Some((kfile, k)) = found.get(&d) else {
                    i += 1;
                    continue;
                };
                remote = remote.or_else(|| k.remote.clone());
                parts.push(kfile.clone());
                parts.extend(k.files.iter().chain(&k.patches).cloned());
                resources.extend(k.files.iter().cloned());
                patches.extend(k.patches.iter().cloned());
                let me = layers.len();
                layers.push(Layer {
                    shown: kfile.clone(),
                    real: real_of(files, kfile).unwrap_or_else(|| kfile.clone()),
                    parent,
                    files: k.files.clone(),
                });
                for sub in &k.dirs {
                    if !tree.iter().any(|(t, _)| t == sub) {
                        tree.push((sub.clone(), Some(me)));
                    }
                }
                i += 1;
            }
            let refusal = if !settings.enabled {
                Some(format!("{RENDER_OFF} (`--no-render`)"))
            } else if let Some(remote) = remote {
                Some(format!(
                    "it uses `{remote}`, which Kustomize would fetch: wiflint never reaches the network"
                ))
            } else if settings.kustomize.is_none() {
                Some(KUSTOMIZE_MISSING.into())
            } else {
                None
            };
            let root = file.display().to_string();
            for part in parts.iter().filter(|p| *p != file) {
                let reason = match &refusal {
                    Some(why) => {
                        format!("part of the Kustomize overlay {root}, not rendered: {why}")
                    }
                    None => {
                        format!("part of the Kustomize overlay {root}: checked as rendered there")
                    }
                };
                self.files
                    .entry(part.clone())
                    .or_insert(Fate::Skipped(reason));
            }
            if let Some(why) = refusal {
                self.files.insert(
                    file.clone(),
                    Fate::Skipped(format!("Kustomize overlay, not rendered: {why}")),
                );
                continue;
            }
            let Some(real) = files.iter().find(|(s, _)| s == file).map(|(_, r)| *r) else {
                continue;
            };
            let real_dir = real
                .parent()
                .unwrap_or(Path::new("."))
                .display()
                .to_string();
            let shown_dir = dir.display();
            let (program, args, command) = match &settings.kustomize {
                Some(Kustomizer::Kustomize(p)) => (
                    p.clone(),
                    vec!["build".into(), real_dir],
                    format!("kustomize build {shown_dir}"),
                ),
                Some(Kustomizer::Kubectl(p)) => (
                    p.clone(),
                    vec!["kustomize".into(), real_dir],
                    format!("kubectl kustomize {shown_dir}"),
                ),
                None => continue,
            };
            self.roles.insert(
                file.clone(),
                format!(
                    "Kustomize overlay: built with `{command}`, its objects checked on the files that declare them"
                ),
            );
            let with_real = |list: Vec<PathBuf>| -> Vec<(PathBuf, PathBuf)> {
                list.into_iter()
                    .filter_map(|shown| {
                        let real = real_of(files, &shown)?;
                        Some((shown, real))
                    })
                    .collect()
            };
            jobs.push(Job {
                program,
                args,
                at: file.clone(),
                placement: Placement::Overlay {
                    root: file.clone(),
                    resources: with_real(resources),
                },
                render: Render {
                    command,
                    layers,
                    patches: with_real(patches),
                    ..Render::default()
                },
            });
        }
    }

    /// Files the rendered documents on the files they came from.
    fn place(&mut self, job: &Job, render: &Arc<Render>) {
        // The documents already placed on each file by this render, to find the next one's
        // `---` section.
        let mut seen: HashMap<PathBuf, usize> = HashMap::new();
        let mut texts: HashMap<&Path, String> = HashMap::new();
        for (source, text, offset) in split(&render.output) {
            let mut section = None;
            // The file it goes on, as shown and as read.
            let (home, real) = match &job.placement {
                Placement::Overlay { root, resources } => {
                    match declared_in(text, resources, &mut texts) {
                        Some((file, n)) => {
                            section = Some(n);
                            let real = real_of(resources, &file);
                            (file, real)
                        }
                        None => (root.clone(), render.layers.first().map(|l| l.real.clone())),
                    }
                }
                Placement::Sources {
                    chart_dir,
                    shown_dir,
                } => {
                    let Some(rel) = source.and_then(|s| s.split_once('/')).map(|(_, r)| r) else {
                        continue;
                    };
                    // Only templates inside the chart directory (not a path climbing out).
                    let home = normalize(&shown_dir.join(rel));
                    if !home.starts_with(shown_dir) || !chart_dir.join(rel).is_file() {
                        continue;
                    }
                    (home, Some(chart_dir.join(rel)))
                }
            };
            let how = match &job.placement {
                Placement::Overlay { root, .. } if *root == home => place::How::Kustomization,
                _ => {
                    let n = seen.entry(home.clone()).or_default();
                    *n += 1;
                    place::How::Template(section.unwrap_or(*n - 1))
                }
            };
            let rendered = Rendered {
                text: text.to_string(),
                how,
                render: Arc::clone(render),
                offset,
                real: real.unwrap_or_else(|| home.clone()),
            };
            match self.files.get_mut(&home) {
                Some(Fate::Rendered(list)) => list.push(rendered),
                _ => {
                    self.files.insert(home, Fate::Rendered(vec![rendered]));
                }
            }
        }
    }
}

/// The resource file that declares a rendered object, and which of its documents: one of its
/// kind whose name the rendered name contains (Kustomize adds prefixes and suffixes).
fn declared_in<'r>(
    rendered: &str,
    resources: &'r [(PathBuf, PathBuf)],
    texts: &mut HashMap<&'r Path, String>,
) -> Option<(PathBuf, usize)> {
    let doc = document::yaml::parse(rendered).ok()?.into_iter().next()?;
    let kind = doc.get_str("kind")?;
    let name = doc.get("metadata")?.get_str("name")?;
    resources.iter().find_map(|(shown, real)| {
        let text = texts
            .entry(real.as_path())
            .or_insert_with(|| std::fs::read_to_string(real).unwrap_or_default());
        let docs = document::yaml::parse(text).ok()?;
        docs.iter()
            .position(|d| {
                d.get_str("kind") == Some(kind)
                    && d.get("metadata")
                        .and_then(|m| m.get_str("name"))
                        .is_some_and(|n| !n.is_empty() && name.contains(n))
            })
            .map(|n| (shown.clone(), n))
    })
}

/// The reason given to templates until a render writes to them.
const UNWRITTEN: &str = "(not written by the render)";
const RENDER_OFF: &str = "rendering is off";
const HELM_MISSING: &str = "`helm` was not found: install Helm or name it with `[render] helm = \"…\"` in wiflint.toml to check the chart as rendered";
const KUSTOMIZE_MISSING: &str = "neither `kustomize` nor `kubectl` was found: install one or name it with `[render] kustomize = \"…\"` in wiflint.toml to check the overlay as rendered";

/// The path a shown file is read from.
fn real_of<P: AsRef<Path>>(files: &[(PathBuf, P)], shown: &Path) -> Option<PathBuf> {
    files
        .iter()
        .find(|(s, _)| s == shown)
        .map(|(_, real)| real.as_ref().to_path_buf())
}

/// A `--set` value as Helm's parser reads it back: `,` separates values and `\` escapes.
fn set_escaped(value: &str) -> String {
    value.replace('\\', "\\\\").replace(',', "\\,")
}

fn same_path(a: &Path, b: &Path) -> bool {
    match (std::path::absolute(a), std::path::absolute(b)) {
        (Ok(a), Ok(b)) => normalize(&a) == normalize(&b),
        _ => false,
    }
}

/// Why a chart cannot be rendered offline: a dependency in `Chart.yaml` that is not vendored
/// under `charts/` (Helm would refuse it, or `helm dependency build` would download it).
fn unvendored(chart_dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(chart_dir.join("Chart.yaml")).ok()?;
    let docs = document::yaml::parse(&text).ok()?;
    let deps = docs.first()?.get("dependencies")?.as_seq()?;
    let vendored = std::fs::read_dir(chart_dir.join("charts"))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    deps.iter().find_map(|dep: &Node| {
        let name = dep.get_str("name")?;
        let present = vendored
            .iter()
            .any(|f| f == name || (f.starts_with(&format!("{name}-")) && f.ends_with(".tgz")));
        (!present).then(|| {
            format!(
                "its dependency `{name}` is not vendored under `charts/` (`helm dependency build` would download it; wiflint never reaches the network)"
            )
        })
    })
}

/// The documents of a render's output, each with the template Helm names in its `# Source:`
/// comment and where it starts in the output.
fn split(output: &str) -> Vec<(Option<&str>, &str, usize)> {
    let mut docs = Vec::new();
    let mut from = 0;
    let mut at = 0;
    let mut source: Option<&str> = None;
    for line in output.split_inclusive('\n').chain(std::iter::once("---\n")) {
        let end = (at + line.len()).min(output.len());
        if line.trim_end() == "---" || line.starts_with("--- ") {
            let current = output.get(from..at).unwrap_or_default();
            if current
                .lines()
                .any(|l| !l.trim().is_empty() && !l.starts_with('#'))
            {
                docs.push((source, current, from));
            }
            source = None;
            from = end;
        } else if let Some(s) = line.strip_prefix("# Source: ") {
            source = Some(s.trim());
        }
        at = end;
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_helm_output_by_source() {
        let out = "---\n# Source: c/templates/a.yaml\nkind: A\n---\n# Source: c/templates/b.yaml\nkind: B\n";
        let docs = split(out);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].0, Some("c/templates/a.yaml"));
        assert_eq!(docs[1].1, "# Source: c/templates/b.yaml\nkind: B\n");
        assert_eq!(&out[docs[1].2..], docs[1].1);
    }
}
