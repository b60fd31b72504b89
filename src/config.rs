//! `wiflint.toml`: what a team sets once instead of on every command line.
//!
//! The file is strict: an unknown key, a value of the wrong type or an unknown rule id is an
//! error pointing at its line and column, because a typo that silently does nothing is exactly
//! the kind of false pass users complain about in other linters. Parsing happens in two steps:
//! [`Config::parse`] checks the shape, and [`Config::apply`] checks rule ids and parameters
//! against the registry (which by then includes the custom rules the file names).

use std::fmt;
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::document::{Entry, Node, NodeKind, Source, Span, Style, Typed};
use crate::finding::Severity;
use crate::rules::registry::Registry;
use crate::rules::{self, Check};

/// The names looked for, in each directory from the scanned path upward.
pub const FILE_NAMES: [&str; 2] = ["wiflint.toml", ".wiflint.toml"];

/// The file `wiflint init` writes.
pub const STARTER: &str = include_str!("../docs/wiflint.toml");

/// One key of `wiflint.toml`. The strict parser takes the keys it knows from [`SETTINGS`], and
/// the JSON Schema editors validate the file with ([`json_schema`], `docs/wiflint.schema.json`)
/// is generated from it, so the two cannot disagree.
pub struct Setting {
    pub key: &'static str,
    pub value: Value,
    pub doc: &'static str,
}

/// The shape of a setting's value.
pub enum Value {
    String,
    Strings,
    PositiveInteger,
    Table(&'static [Setting]),
    /// `[[name]]` entries, with the keys each must have.
    Tables(&'static [Setting], &'static [&'static str]),
    /// Rule id → `error`, `warning` or `note`.
    Severities,
    /// Name → a non-empty string.
    StringMap,
    /// Rule id → a table of parameters.
    Params,
}

pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "scan",
        doc: "What is read.",
        value: Value::Table(&[
            Setting {
                key: "exclude",
                doc: "gitignore-style patterns, relative to this file's directory, of paths not to read (listed as skipped).",
                value: Value::Strings,
            },
            Setting {
                key: "max-file-size",
                doc: "Files larger than this many bytes are reported, not parsed (default 16 MiB).",
                value: Value::PositiveInteger,
            },
            Setting {
                key: "custom-rules",
                doc: "Directories of custom rule spec files (*.yaml), relative to this file.",
                value: Value::Strings,
            },
        ]),
    },
    Setting {
        key: "kubernetes",
        doc: "How Kubernetes objects are read.",
        value: Value::Table(&[
            Setting {
                key: "default-namespace",
                doc: "The namespace of objects that name none.",
                value: Value::String,
            },
            Setting {
                key: "webhook-audience",
                doc: "The Workload Identity webhook's token audience (its --audience flag), if changed.",
                value: Value::String,
            },
        ]),
    },
    Setting {
        key: "azure",
        doc: "Azure facts the scanned files do not hold.",
        value: Value::Table(&[Setting {
            key: "cluster-issuers",
            doc: "OIDC issuers of clusters whose export is not in the scanned files.",
            value: Value::Strings,
        }]),
    },
    Setting {
        key: "github",
        doc: "GitHub facts the scanned files do not hold.",
        value: Value::Table(&[
            Setting {
                key: "repository",
                doc: "The `<owner>/<repo>` whose workflows are scanned, when the git remote `origin` does not say it.",
                value: Value::String,
            },
            Setting {
                key: "client-ids",
                doc: "The client id (a GUID) behind each `vars.` or `secrets.` name that workflows pass to `azure/login` as `client-id`, e.g. `AZURE_CLIENT_ID = \"…\"`.",
                value: Value::StringMap,
            },
        ]),
    },
    Setting {
        key: "rules",
        doc: "Which rules run, and how.",
        value: Value::Table(&[
            Setting {
                key: "select",
                doc: "Run only these rules (empty: all). `wiflint rules` lists the ids.",
                value: Value::Strings,
            },
            Setting {
                key: "ignore",
                doc: "Never run these rules.",
                value: Value::Strings,
            },
            Setting {
                key: "severity",
                doc: "A rule's severity: error, warning or note.",
                value: Value::Severities,
            },
            Setting {
                key: "params",
                doc: "Rule parameters, merged over the defaults `wiflint explain <rule>` shows.",
                value: Value::Params,
            },
        ]),
    },
    Setting {
        key: "render",
        doc: "How Helm charts and Kustomize overlays are rendered before they are checked.",
        value: Value::Table(&[
            Setting {
                key: "helm",
                doc: "The `helm` executable (default: `helm` on PATH).",
                value: Value::String,
            },
            Setting {
                key: "kustomize",
                doc: "The `kustomize` or `kubectl` executable (default: `kustomize`, else `kubectl`, on PATH).",
                value: Value::String,
            },
            Setting {
                key: "chart",
                doc: "Renders of a chart, one per environment (a chart without one renders with its default values, release `release`, no namespace).",
                value: Value::Tables(
                    &[
                        Setting {
                            key: "path",
                            doc: "The chart's directory, relative to this file.",
                            value: Value::String,
                        },
                        Setting {
                            key: "values",
                            doc: "Values files (`helm template -f`), relative to this file, in order.",
                            value: Value::Strings,
                        },
                        Setting {
                            key: "release",
                            doc: "The release name (default `release`).",
                            value: Value::String,
                        },
                        Setting {
                            key: "namespace",
                            doc: "The namespace (`helm template --namespace`).",
                            value: Value::String,
                        },
                    ],
                    &["path"],
                ),
            },
        ]),
    },
    Setting {
        key: "suppress",
        doc: "Findings of some rules in some paths, accepted for a reason.",
        value: Value::Tables(
            &[
                Setting {
                    key: "rules",
                    doc: "The rule ids whose findings are accepted.",
                    value: Value::Strings,
                },
                Setting {
                    key: "paths",
                    doc: "gitignore-style patterns relative to this file's directory (empty: everywhere).",
                    value: Value::Strings,
                },
                Setting {
                    key: "reason",
                    doc: "Why the findings are accepted (required).",
                    value: Value::String,
                },
            ],
            &["rules", "reason"],
        ),
    },
];

/// The keys a table of [`SETTINGS`] (the top level for `None`) may hold.
fn known(section: Option<&str>) -> Vec<&'static str> {
    let settings = match section {
        None => SETTINGS,
        Some(name) => SETTINGS
            .iter()
            .find(|s| s.key == name)
            .map_or(&[][..], |s| match s.value {
                Value::Table(t) | Value::Tables(t, _) => t,
                _ => &[],
            }),
    };
    settings.iter().map(|s| s.key).collect()
}

/// The keys of a table nested in a table of [`SETTINGS`] (`[[render.chart]]`).
fn known_in(section: &str, table: &str) -> Vec<&'static str> {
    let nested = SETTINGS
        .iter()
        .filter(|s| s.key == section)
        .flat_map(|s| match s.value {
            Value::Table(t) => t,
            _ => &[],
        })
        .find(|s| s.key == table);
    match nested.map(|s| &s.value) {
        Some(Value::Table(t) | Value::Tables(t, _)) => t.iter().map(|s| s.key).collect(),
        _ => Vec::new(),
    }
}

/// The JSON Schema (draft 2020-12) of `wiflint.toml`, for editors (Taplo / Even Better TOML,
/// JetBrains) to complete and validate the file.
pub fn json_schema() -> serde_json::Value {
    use serde_json::json;
    fn table(settings: &[Setting]) -> serde_json::Value {
        let properties: serde_json::Map<String, serde_json::Value> = settings
            .iter()
            .map(|s| (s.key.to_string(), value(s)))
            .collect();
        json!({ "type": "object", "additionalProperties": false, "properties": properties })
    }
    fn value(setting: &Setting) -> serde_json::Value {
        let mut v = match &setting.value {
            Value::String => json!({ "type": "string", "minLength": 1, "pattern": "\\S" }),
            Value::Strings => json!({
                "type": "array",
                "items": { "type": "string", "minLength": 1, "pattern": "\\S" },
            }),
            Value::PositiveInteger => json!({ "type": "integer", "minimum": 1 }),
            Value::Table(settings) => table(settings),
            Value::Tables(settings, required) => {
                let mut item = table(settings);
                item["required"] = json!(required);
                json!({ "type": "array", "items": item })
            }
            Value::Severities => json!({
                "type": "object",
                "additionalProperties": { "enum": ["error", "warning", "note"] },
            }),
            Value::StringMap => json!({
                "type": "object",
                "additionalProperties": { "type": "string", "minLength": 1, "pattern": "\\S" },
            }),
            Value::Params => json!({
                "type": "object",
                "additionalProperties": { "type": "object" },
            }),
        };
        v["description"] = json!(setting.doc);
        v
    }
    let mut schema = table(SETTINGS);
    schema["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    schema["$id"] =
        json!("https://raw.githubusercontent.com/wiflint/wiflint/main/docs/wiflint.schema.json");
    schema["title"] = json!("wiflint.toml");
    schema["description"] =
        json!("wiflint configuration. Generated from the settings the strict parser knows.");
    schema
}

/// A value and where it was written in the config file.
#[derive(Clone, Debug, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub span: Span,
}

/// A `[[suppress]]` entry: findings of these rules in these paths are accepted, for a reason.
#[derive(Clone, Debug)]
pub struct Suppress {
    pub rules: Vec<At<String>>,
    /// gitignore-style patterns relative to the config file's directory; empty: everywhere.
    pub paths: Vec<At<String>>,
    pub reason: At<String>,
}

#[derive(Debug, Default)]
pub struct Config {
    /// The file and its text, for positions in errors and in `unused-suppression` findings.
    pub source: Option<Source>,
    /// The directory relative paths in the file are resolved against.
    pub root: PathBuf,
    pub exclude: Vec<At<String>>,
    pub max_file_size: Option<u64>,
    pub custom_rules: Vec<At<String>>,
    pub default_namespace: Option<String>,
    pub webhook_audience: Option<At<String>>,
    pub cluster_issuers: Vec<At<String>>,
    pub github_repository: Option<At<String>>,
    /// `vars.`/`secrets.` name → the client id it holds.
    pub github_client_ids: Vec<(String, At<String>)>,
    pub select: Vec<At<String>>,
    pub ignore: Vec<At<String>>,
    pub severity: Vec<(At<String>, Severity)>,
    /// Rule id → a mapping of parameters, merged over the rule's own.
    pub params: Vec<(At<String>, Node)>,
    pub suppress: Vec<Suppress>,
    /// `[render] helm`.
    pub helm: Option<At<String>>,
    /// `[render] kustomize`.
    pub kustomize: Option<At<String>>,
    /// `[[render.chart]]`, paths resolved against [`Config::root`].
    pub charts: Vec<crate::expand::ChartRender>,
}

/// An error in the config file (or a custom rule file), with its position.
#[derive(Debug)]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    pub fn at(source: &Source, span: Span, message: impl Into<String>) -> Self {
        let pos = source.line_col(span.start);
        ConfigError {
            path: source.path.clone(),
            line: pos.line,
            column: pos.column,
            message: message.into(),
        }
    }

    /// An error about the file as a whole (it cannot be read).
    pub fn file(path: &Path, message: impl fmt::Display) -> Self {
        ConfigError {
            path: path.display().to_string(),
            line: 1,
            column: 1,
            message: message.to_string(),
        }
    }
}

/// The config file that applies to a scan of `paths`: the first `wiflint.toml` or
/// `.wiflint.toml` in the directory of the first path or any directory above it.
pub fn discover(paths: &[String]) -> Option<PathBuf> {
    let first = paths.iter().find(|p| *p != "-").map_or(".", String::as_str);
    let start = std::path::absolute(first).ok()?;
    let start = if start.is_dir() {
        start
    } else {
        start.parent()?.to_path_buf()
    };
    start.ancestors().find_map(|dir| {
        FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|p| p.is_file())
    })
}

fn span(range: std::ops::Range<usize>) -> Span {
    Span::new(range.start, range.end)
}

/// Reads the TOML value tree, keeping spans, and refuses what it does not know.
struct Reader<'s> {
    source: &'s Source,
}

type Table<'i> = DeTable<'i>;

impl Reader<'_> {
    fn err(&self, range: std::ops::Range<usize>, message: impl Into<String>) -> ConfigError {
        ConfigError::at(self.source, span(range), message)
    }

    /// Every key of `table` must be one of `known`; the error suggests the nearest.
    fn keys(&self, table: &Table<'_>, section: &str, known: &[&str]) -> Result<(), ConfigError> {
        for key in table.keys() {
            if !known.contains(&key.get_ref().as_ref()) {
                let name = key.get_ref();
                let hint = rules::closest(name, known)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_else(|| format!(" (expected one of: {})", known.join(", ")));
                return Err(self.err(
                    key.span(),
                    format!("unknown key `{name}` in {section}{hint}"),
                ));
            }
        }
        Ok(())
    }

    fn table<'t, 'i>(
        &self,
        value: &'t Spanned<DeValue<'i>>,
        what: &str,
    ) -> Result<&'t Table<'i>, ConfigError> {
        value
            .get_ref()
            .as_table()
            .ok_or_else(|| self.err(value.span(), format!("{what} must be a table")))
    }

    fn string(&self, value: &Spanned<DeValue<'_>>, what: &str) -> Result<At<String>, ConfigError> {
        match value.get_ref().as_str() {
            Some(s) if !s.trim().is_empty() => Ok(At {
                value: s.to_string(),
                span: span(value.span()),
            }),
            Some(_) => Err(self.err(value.span(), format!("{what} must not be empty"))),
            None => Err(self.err(
                value.span(),
                format!(
                    "{what} must be a string, not {}",
                    value.get_ref().type_str()
                ),
            )),
        }
    }

    fn strings(
        &self,
        value: &Spanned<DeValue<'_>>,
        what: &str,
    ) -> Result<Vec<At<String>>, ConfigError> {
        let Some(items) = value.get_ref().as_array() else {
            return Err(self.err(value.span(), format!("{what} must be an array of strings")));
        };
        items
            .iter()
            .map(|item| self.string(item, &format!("each entry of {what}")))
            .collect()
    }
}

impl Reader<'_> {
    /// `[[render.chart]]` entries.
    fn charts(
        &self,
        value: &Spanned<DeValue<'_>>,
        root: &Path,
    ) -> Result<Vec<crate::expand::ChartRender>, ConfigError> {
        let Some(entries) = value.get_ref().as_array() else {
            return Err(self.err(
                value.span(),
                "`render.chart` must be an array of tables: write `[[render.chart]]`",
            ));
        };
        let chart_keys = known_in("render", "chart");
        entries
            .iter()
            .map(|entry| {
                let t = self.table(entry, "each `[[render.chart]]` entry")?;
                self.keys(t, "[[render.chart]]", &chart_keys)?;
                let path = t.get("path").ok_or_else(|| {
                    self.err(entry.span(), "a `[[render.chart]]` entry needs a `path`")
                })?;
                let optional = |key: &str| {
                    t.get(key)
                        .map(|v| self.string(v, &format!("`render.chart.{key}`")))
                        .transpose()
                        .map(|v| v.map(|a| a.value))
                };
                Ok(crate::expand::ChartRender {
                    chart: root.join(self.string(path, "`render.chart.path`")?.value),
                    values: match t.get("values") {
                        Some(v) => self
                            .strings(v, "`render.chart.values`")?
                            .into_iter()
                            .map(|a| root.join(a.value))
                            .collect(),
                        None => Vec::new(),
                    },
                    release: optional("release")?,
                    namespace: optional("namespace")?,
                    ..crate::expand::ChartRender::default()
                })
            })
            .collect()
    }
}

/// gitignore-style patterns from the config, matched against paths below its directory.
#[derive(Debug)]
pub struct PathFilter {
    root: PathBuf,
    matcher: ignore::gitignore::Gitignore,
}

impl PathFilter {
    /// The pattern that matches `path` (as given on the command line or found by walking), if any.
    pub fn matched(&self, path: &Path, is_dir: bool) -> Option<String> {
        let abs = std::path::absolute(path).ok()?;
        // Paths outside the config's directory are not its business (and the matcher needs
        // relative paths).
        let rel = abs.strip_prefix(&self.root).ok()?;
        if rel.as_os_str().is_empty() {
            return None;
        }
        match self.matcher.matched_path_or_any_parents(rel, is_dir) {
            ignore::Match::Ignore(glob) => Some(glob.original().to_string()),
            _ => None,
        }
    }
}

impl Config {
    /// A matcher for gitignore-style patterns written in this file.
    pub fn path_filter(&self, patterns: &[At<String>]) -> Result<PathFilter, ConfigError> {
        let mut builder = ignore::gitignore::GitignoreBuilder::new(&self.root);
        for p in patterns {
            builder
                .add_line(None, &p.value)
                .map_err(|e| self.err(p.span, format!("invalid pattern `{}`: {e}", p.value)))?;
        }
        let matcher = builder
            .build()
            .map_err(|e| self.err(Span::default(), format!("invalid patterns: {e}")))?;
        Ok(PathFilter {
            root: self.root.clone(),
            matcher,
        })
    }

    /// Reads and checks the shape of a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::file(path, format!("cannot read the config file: {e}")))?;
        let root = std::path::absolute(path)
            .ok()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_default();
        // Shown relative to the working directory, like the scanned files.
        let shown = std::env::current_dir()
            .ok()
            .and_then(|cwd| path.strip_prefix(cwd).ok())
            .unwrap_or(path);
        Config::parse(Source::new(shown.display().to_string(), text), root)
    }

    pub fn parse(source: Source, root: PathBuf) -> Result<Config, ConfigError> {
        let mut config = Config {
            root,
            ..Config::default()
        };
        let doc = DeTable::parse(&source.text).map_err(|e| {
            let range = e.span().unwrap_or(0..0);
            ConfigError::at(&source, span(range), e.message().trim_end().to_string())
        })?;
        let r = Reader { source: &source };
        let top = doc.get_ref();
        r.keys(top, "wiflint.toml", &known(None))?;
        for (key, value) in top {
            match key.get_ref().as_ref() {
                "scan" => {
                    let t = r.table(value, "[scan]")?;
                    r.keys(t, "[scan]", &known(Some("scan")))?;
                    if let Some(v) = t.get("exclude") {
                        config.exclude = r.strings(v, "`scan.exclude`")?;
                    }
                    if let Some(v) = t.get("custom-rules") {
                        config.custom_rules = r.strings(v, "`scan.custom-rules`")?;
                    }
                    if let Some(v) = t.get("max-file-size") {
                        let n = v
                            .get_ref()
                            .as_integer()
                            .and_then(|i| i64::from_str_radix(i.as_str(), i.radix()).ok())
                            .and_then(|i| u64::try_from(i).ok())
                            .filter(|&i| i > 0);
                        config.max_file_size = Some(n.ok_or_else(|| {
                            r.err(
                                v.span(),
                                "`scan.max-file-size` must be a positive integer (bytes)",
                            )
                        })?);
                    }
                }
                "kubernetes" => {
                    let t = r.table(value, "[kubernetes]")?;
                    r.keys(t, "[kubernetes]", &known(Some("kubernetes")))?;
                    if let Some(v) = t.get("default-namespace") {
                        config.default_namespace =
                            Some(r.string(v, "`kubernetes.default-namespace`")?.value);
                    }
                    if let Some(v) = t.get("webhook-audience") {
                        config.webhook_audience =
                            Some(r.string(v, "`kubernetes.webhook-audience`")?);
                    }
                }
                "azure" => {
                    let t = r.table(value, "[azure]")?;
                    r.keys(t, "[azure]", &known(Some("azure")))?;
                    if let Some(v) = t.get("cluster-issuers") {
                        config.cluster_issuers = r.strings(v, "`azure.cluster-issuers`")?;
                    }
                }
                "github" => {
                    let t = r.table(value, "[github]")?;
                    r.keys(t, "[github]", &known(Some("github")))?;
                    if let Some(v) = t.get("repository") {
                        config.github_repository = Some(r.string(v, "`github.repository`")?);
                    }
                    if let Some(v) = t.get("client-ids") {
                        let ids = r.table(v, "`github.client-ids`")?;
                        for (name, id) in ids {
                            let at =
                                r.string(id, &format!("`github.client-ids.{}`", name.get_ref()))?;
                            config
                                .github_client_ids
                                .push((name.get_ref().to_string(), at));
                        }
                    }
                }
                "rules" => {
                    let t = r.table(value, "[rules]")?;
                    r.keys(t, "[rules]", &known(Some("rules")))?;
                    if let Some(v) = t.get("select") {
                        config.select = r.strings(v, "`rules.select`")?;
                    }
                    if let Some(v) = t.get("ignore") {
                        config.ignore = r.strings(v, "`rules.ignore`")?;
                    }
                    if let Some(v) = t.get("severity") {
                        for (id, level) in r.table(v, "[rules.severity]")? {
                            let level_text = r.string(level, "a severity")?;
                            let sev = Severity::parse(&level_text.value).ok_or_else(|| {
                                r.err(
                                    level.span(),
                                    format!(
                                        "severity `{}` must be one of: error, warning, note",
                                        level_text.value
                                    ),
                                )
                            })?;
                            config.severity.push((
                                At {
                                    value: id.get_ref().to_string(),
                                    span: span(id.span()),
                                },
                                sev,
                            ));
                        }
                    }
                    if let Some(v) = t.get("params") {
                        for (id, params) in r.table(v, "[rules.params]")? {
                            let node = r.node(params, 0)?;
                            if node.as_map().is_none() {
                                return Err(r.err(
                                    params.span(),
                                    format!("the parameters of `{}` must be a table", id.get_ref()),
                                ));
                            }
                            config.params.push((
                                At {
                                    value: id.get_ref().to_string(),
                                    span: span(id.span()),
                                },
                                node,
                            ));
                        }
                    }
                }
                "render" => {
                    let t = r.table(value, "[render]")?;
                    r.keys(t, "[render]", &known(Some("render")))?;
                    if let Some(v) = t.get("helm") {
                        config.helm = Some(r.string(v, "`render.helm`")?);
                    }
                    if let Some(v) = t.get("kustomize") {
                        config.kustomize = Some(r.string(v, "`render.kustomize`")?);
                    }
                    if let Some(v) = t.get("chart") {
                        config.charts = r.charts(v, &config.root)?;
                    }
                }
                "suppress" => {
                    let Some(entries) = value.get_ref().as_array() else {
                        return Err(r.err(
                            value.span(),
                            "`suppress` must be an array of tables: write `[[suppress]]`",
                        ));
                    };
                    for entry in entries {
                        let t = r.table(entry, "each `[[suppress]]` entry")?;
                        r.keys(t, "[[suppress]]", &known(Some("suppress")))?;
                        let rules = t.get("rules").ok_or_else(|| {
                            r.err(entry.span(), "a `[[suppress]]` entry needs `rules`")
                        })?;
                        let reason = t.get("reason").ok_or_else(|| {
                            r.err(
                                entry.span(),
                                "a `[[suppress]]` entry needs a `reason`: say why the findings are accepted",
                            )
                        })?;
                        config.suppress.push(Suppress {
                            rules: r.strings(rules, "`suppress.rules`")?,
                            paths: match t.get("paths") {
                                Some(v) => r.strings(v, "`suppress.paths`")?,
                                None => Vec::new(),
                            },
                            reason: r.string(reason, "`suppress.reason`")?,
                        });
                    }
                }
                _ => {}
            }
        }
        config.source = Some(source);
        Ok(config)
    }

    fn source(&self) -> Option<&Source> {
        self.source.as_ref()
    }

    pub fn err(&self, span: Span, message: impl Into<String>) -> ConfigError {
        match self.source() {
            Some(s) => ConfigError::at(s, span, message),
            None => ConfigError {
                path: "wiflint.toml".into(),
                line: 1,
                column: 1,
                message: message.into(),
            },
        }
    }

    /// The custom rule directories, resolved against the config file's directory.
    pub fn custom_rule_dirs(&self) -> Vec<(PathBuf, Span)> {
        self.custom_rules
            .iter()
            .map(|d| (self.root.join(&d.value), d.span))
            .collect()
    }

    /// Loads the custom rules into the registry. Every `*.yaml`/`*.yml` file in the named
    /// directories is a rule spec; a broken one is an error at its position.
    pub fn load_custom_rules(&self, registry: &mut Registry) -> Result<(), ConfigError> {
        for (dir, at) in self.custom_rule_dirs() {
            let entries = std::fs::read_dir(&dir).map_err(|e| {
                self.err(
                    at,
                    format!("cannot read custom rule directory {}: {e}", dir.display()),
                )
            })?;
            let mut files: Vec<PathBuf> = entries
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
                .collect();
            files.sort();
            for file in files {
                let text = std::fs::read_to_string(&file).map_err(|e| {
                    ConfigError::file(&file, format!("cannot read custom rule: {e}"))
                })?;
                let origin = file.display().to_string();
                let source = Source::new(origin.clone(), text);
                let spec_err =
                    |e: rules::spec::SpecError| ConfigError::at(&source, e.span, e.message);
                let raw = rules::spec::parse(&origin, &source.text).map_err(spec_err)?;
                if !raw.template.starts_with("field.") {
                    return Err(ConfigError::at(
                        &source,
                        raw.template_span,
                        format!(
                            "custom rules use the generic templates ({}); `{}` is built in only",
                            rules::templates::field::TEMPLATES.join(", "),
                            raw.template
                        ),
                    ));
                }
                let rule = rules::registry::bind(&origin, raw).map_err(spec_err)?;
                registry.add(rule).map_err(|existing| {
                    ConfigError::at(
                        &source,
                        Span::default(),
                        format!("rule id `{existing}` is already taken by another rule"),
                    )
                })?;
            }
        }
        Ok(())
    }

    /// Checks every rule id the file names and applies severities and parameters to the registry.
    pub fn apply(&self, registry: &mut Registry) -> Result<(), ConfigError> {
        let ids: Vec<String> = registry.rules.iter().map(|r| r.id.clone()).collect();
        let known = |at: &At<String>| -> Result<(), ConfigError> {
            if ids.contains(&at.value) {
                return Ok(());
            }
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            let hint = rules::closest(&at.value, &refs)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_else(|| " (`wiflint rules` lists them)".into());
            Err(self.err(at.span, format!("unknown rule id `{}`{hint}", at.value)))
        };
        for at in self.select.iter().chain(&self.ignore) {
            known(at)?;
        }
        for s in &self.suppress {
            for at in &s.rules {
                known(at)?;
            }
        }
        for (at, severity) in &self.severity {
            known(at)?;
            if let Some(rule) = registry.get_mut(&at.value) {
                rule.severity = *severity;
                rule.severity_override = Some(*severity);
            }
        }
        let mut params: Vec<(At<String>, Node)> = self.params.clone();
        if let Some(aud) = &self.webhook_audience {
            params.push((
                At {
                    value: "audience-not-default".into(),
                    span: aud.span,
                },
                Node::mapping(vec![("audiences", seq(std::slice::from_ref(aud)))]),
            ));
        }
        if !self.cluster_issuers.is_empty() {
            let span = self.cluster_issuers[0].span;
            params.push((
                At {
                    value: "issuer-cluster-mismatch".into(),
                    span,
                },
                Node::mapping(vec![("cluster-issuers", seq(&self.cluster_issuers))]),
            ));
        }
        let mut github = Vec::new();
        if let Some(repo) = &self.github_repository {
            github.push(("repository", seq(std::slice::from_ref(repo))));
        }
        if let Some((_, first)) = self.github_client_ids.first() {
            let entries = self
                .github_client_ids
                .iter()
                .map(|(name, id)| Entry {
                    key: Node::scalar(name.as_str(), Style::Plain, Typed::Str, id.span),
                    value: Node::scalar(id.value.clone(), Style::Quoted, Typed::Str, id.span),
                })
                .collect();
            github.push((
                "client-ids",
                Node {
                    span: first.span,
                    kind: NodeKind::Map(entries),
                },
            ));
        }
        if let Some(span) = self
            .github_repository
            .as_ref()
            .or(self.github_client_ids.first().map(|(_, id)| id))
            .map(|at| at.span)
        {
            params.push((
                At {
                    value: "github-subject-not-trusted".into(),
                    span,
                },
                Node::mapping(github),
            ));
        }
        for (at, given) in &params {
            known(at)?;
            let Some(rule) = registry.get_mut(&at.value) else {
                continue;
            };
            let mut merged = rule.params.clone();
            for entry in given.as_map().unwrap_or_default() {
                let key = entry.key.text().unwrap_or("");
                let current = merged.as_map().unwrap_or_default();
                let Some(i) = current.iter().position(|e| e.key.text() == Some(key)) else {
                    let names: Vec<&str> = current.iter().filter_map(|e| e.key.text()).collect();
                    let list = if names.is_empty() {
                        "it takes none".to_string()
                    } else {
                        format!("its parameters: {}", names.join(", "))
                    };
                    return Err(self.err(
                        entry.key.span,
                        format!("rule `{}` has no parameter `{key}` ({list})", at.value),
                    ));
                };
                if !same_shape(&current[i].value, &entry.value) {
                    return Err(self.err(
                        entry.value.span,
                        format!(
                            "parameter `{key}` of `{}` must be {}, like its default",
                            at.value,
                            shape(&current[i].value)
                        ),
                    ));
                }
                if let NodeKind::Map(entries) = &mut merged.kind {
                    entries[i].value = entry.value.clone();
                }
            }
            if let Check::Field(_) = rule.check {
                let compiled = rules::templates::field::FieldRule::compile(
                    &rule.template,
                    Span::default(),
                    &merged,
                    &rule.origin,
                )
                .map_err(|e| self.err(at.span, e.message))?;
                rule.check = Check::Field(compiled);
            }
            rule.params = merged;
        }
        Ok(())
    }
}

impl Reader<'_> {
    /// A TOML value as a span tree node, so rule parameters from the config read like those
    /// from a spec file.
    fn node(&self, value: &Spanned<DeValue<'_>>, depth: usize) -> Result<Node, ConfigError> {
        if depth > 16 {
            return Err(self.err(value.span(), "parameters nest too deep"));
        }
        let at = span(value.span());
        let scalar = |text: String, typed: Typed| Node::scalar(text, Style::Quoted, typed, at);
        Ok(match value.get_ref() {
            DeValue::String(s) => scalar(s.to_string(), Typed::Str),
            DeValue::Integer(i) => {
                let n = i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
                    .map_err(|_| self.err(value.span(), "integer out of range"))?;
                scalar(n.to_string(), Typed::Int(n))
            }
            DeValue::Float(f) => {
                let x: f64 = f.as_str().replace('_', "").parse().unwrap_or(f64::NAN);
                scalar(f.as_str().to_string(), Typed::Float(x))
            }
            DeValue::Boolean(b) => scalar(b.to_string(), Typed::Bool(*b)),
            DeValue::Datetime(_) => {
                return Err(self.err(value.span(), "dates are not rule parameters"));
            }
            DeValue::Array(items) => Node {
                span: at,
                kind: NodeKind::Seq(
                    items
                        .iter()
                        .map(|i| self.node(i, depth + 1))
                        .collect::<Result<_, _>>()?,
                ),
            },
            DeValue::Table(t) => Node {
                span: at,
                kind: NodeKind::Map(
                    t.iter()
                        .map(|(k, v)| {
                            Ok(crate::document::Entry {
                                key: Node::scalar(
                                    k.get_ref().to_string(),
                                    Style::Quoted,
                                    Typed::Str,
                                    span(k.span()),
                                ),
                                value: self.node(v, depth + 1)?,
                            })
                        })
                        .collect::<Result<_, ConfigError>>()?,
                ),
            },
        })
    }
}

fn seq(items: &[At<String>]) -> Node {
    Node {
        span: items.first().map_or(Span::default(), |i| i.span),
        kind: NodeKind::Seq(
            items
                .iter()
                .map(|i| Node::scalar(i.value.clone(), Style::Quoted, Typed::Str, i.span))
                .collect(),
        ),
    }
}

fn shape(node: &Node) -> &'static str {
    match &node.kind {
        NodeKind::Seq(_) => "an array",
        NodeKind::Map(_) => "a table",
        NodeKind::Scalar(s) => match s.typed {
            Typed::Int(_) => "an integer",
            Typed::Float(_) => "a number",
            Typed::Bool(_) => "a boolean",
            Typed::Str | Typed::Null | Typed::Unknown => "a string",
        },
    }
}

/// A parameter keeps the shape of its default: an integer limit stays an integer.
fn same_shape(default: &Node, given: &Node) -> bool {
    match (shape(default), shape(given)) {
        ("a number", "an integer") => true,
        (a, b) => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(
            Source::new("wiflint.toml".into(), text.into()),
            PathBuf::from("/repo"),
        )
    }

    #[test]
    fn unknown_keys_point_at_the_key_with_a_suggestion() {
        let e = parse("[scan]\nexclud = []\n").err().map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("wiflint.toml:2:1: unknown key `exclud` in [scan] (did you mean `exclude`?)")
        );
        let e = parse("[kubernetes]\ndefault-namespace = 3\n")
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            e.as_deref(),
            Some("wiflint.toml:2:21: `kubernetes.default-namespace` must be a string, not integer")
        );
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = parse("[scan\n").err();
        assert!(e.is_some_and(|e| e.line == 1 && e.to_string().starts_with("wiflint.toml:1:")));
    }

    #[test]
    fn the_starter_config_is_valid() {
        let config = parse(STARTER);
        assert!(config.is_ok(), "{:?}", config.err());
    }

    #[test]
    fn render_names_tools_and_chart_renders() {
        let config = parse(
            "[render]\nhelm = \"bin/helm\"\n[[render.chart]]\npath = \"charts/orders\"\nvalues = [\"v.yaml\"]\nnamespace = \"prod\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(config.helm.map(|h| h.value).as_deref(), Some("bin/helm"));
        assert_eq!(config.charts.len(), 1);
        assert!(config.charts[0].chart.ends_with("charts/orders"));
        assert_eq!(config.charts[0].namespace.as_deref(), Some("prod"));
        let e = parse("[[render.chart]]\nvalues = []\n").err();
        assert!(e.is_some_and(|e| e.message.contains("needs a `path`")));
        let e = parse("[[render.chart]]\npath = \"c\"\nrelase = \"r\"\n").err();
        assert!(e.is_some_and(|e| e.message.contains("did you mean `release`")));
    }

    #[test]
    fn suppress_needs_a_reason() {
        let e = parse("[[suppress]]\nrules = [\"wi-label-missing\"]\n").err();
        assert!(e.is_some_and(|e| e.message.contains("needs a `reason`")));
    }
}
