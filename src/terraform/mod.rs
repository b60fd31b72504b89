//! Terraform as a front-end of the model: `.tf` files are lowered into the document shapes the
//! model already reads (credential, identity and AKS cluster exports, Kubernetes objects), with
//! every node's span in the `.tf` text, so every rule runs on them unchanged and points at the
//! HCL attribute. The seam is described in `docs/frontends.md`.
//!
//! A Terraform module is a directory, and an expression in one file may use a variable declared
//! in another, a `local` defined in a third and a value from `terraform.tfvars`. The scan, though,
//! reads files one at a time in parallel and reads a file again later to place findings. So each
//! module's **context** — the values of its variables, locals, resource arguments and local
//! module outputs — is computed first, once per directory, by [`Modules::prepare`]; then each
//! `.tf` file is lowered on its own with its directory's context. The contexts are kept for the
//! whole scan, so reading a file again lowers it to the same trees. They hold evaluated values
//! only, never the files.
//!
//! A directory that a scanned module calls as a local module (`source = "./modules/x"`) is
//! lowered once per call, with that call's inputs as its variables (tfvars apply only to root
//! modules, as in Terraform) and `module.<name>.` in front of its addresses; one that nothing
//! calls is a root module.

pub mod eval;
mod helm;
pub mod lower;
pub mod plan;
mod vault;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use hcl::Value;
use hcl_edit::structure::{Body, Structure};
use rayon::prelude::*;

use crate::input::discover::{Candidate, Origin};
use crate::input::load::{self, Loaded};

/// Whether a file name is one the Terraform front-end reads.
pub fn is_terraform(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".tf") || lower.ends_with(".tfvars")
}

/// Whether a file only gives variables values (`*.tfvars`): it is read for the module's context.
pub fn is_tfvars(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".tfvars")
}

/// Local modules called deeper than this are not instantiated (a guard beside the cycle check).
const MAX_MODULE_DEPTH: usize = 8;

/// At most this many bytes of values in one module instance (variables, locals, resource
/// arguments, module outputs): many locals each near [`eval::size`]'s cap must not add up
/// without bound; what does not fit stays unknown.
const MAX_MODULE_BYTES: usize = 4 << 20;

/// Locals that use each other are evaluated in rounds; a chain longer than this is left unknown
/// (each round evaluates every local left).
const MAX_LOCAL_ROUNDS: usize = 64;

/// At most this many local module instances in a scan: calls that fan out at every level must
/// not multiply the files' trees without bound. Calls past it are not followed (their outputs
/// stay unknown).
const MAX_MODULE_INSTANCES: usize = 256;

/// The values one instance of a module's expressions can use.
#[derive(Debug, Default)]
pub struct Module {
    /// The root module's directory as reports show it (`.` for the current one): symbolic
    /// resource ids are qualified with it, so two roots' `azurerm_user_assigned_identity.api`
    /// stay apart.
    pub dir: String,
    /// `module.<name>.` (nested calls in order) for an instance of a local module; empty for a
    /// root module.
    pub prefix: String,
    /// `var.<name>`: for a root module the variable's default, overridden by `terraform.tfvars`,
    /// then by the `*.auto.tfvars` files in lexical order (Terraform's precedence); for a called
    /// module the call's inputs over the defaults. Variables with no value are absent, so `var.x`
    /// stays unknown.
    pub vars: hcl::Map<String, Value>,
    /// `local.<name>`, for the locals whose expressions could be evaluated.
    pub locals: hcl::Map<String, Value>,
    /// `<type>.<name>` of each resource without `for_each` or `count`: the arguments the files
    /// set (nested blocks as lists, as Terraform exposes them), so that
    /// `kubernetes_service_account_v1.api.metadata[0].name` has the value the file gives it.
    /// Attributes the provider computes (`id`, `client_id`, `oidc_issuer_url`) are absent: they
    /// stay unknown, and the lowering keeps them as symbolic references.
    pub resources: hcl::Map<String, Value>,
    /// `module.<name>`: the outputs of the local modules this one calls.
    pub calls: hcl::Map<String, Value>,
    /// Roughly how many bytes all of these values hold: what each copy of the context costs.
    pub bytes: usize,
    /// For an instance of a local module, where its call gives each input: a finding on a
    /// value made from `var.<input>` shows that argument too ([`relate_call_sites`]).
    pub call_site: Vec<CallSite>,
}

/// An argument of a local module call: `namespace = "orders"` in `module "orders" { … }`.
#[derive(Debug, Clone)]
pub struct CallSite {
    pub input: String,
    /// The caller's file, as read.
    pub file: String,
    /// The argument's value.
    pub span: crate::document::Span,
}

/// `name = expression` pairs: variable defaults, tfvars, locals, outputs, module inputs.
type Assignments = Vec<(String, hcl_edit::expr::Expression)>;

/// A local module call: its name, its `source` and its inputs.
struct Call {
    /// The file the call is written in, as read.
    file: String,
    name: String,
    source: String,
    inputs: Assignments,
}

/// What the context of a module is made of, parsed once from its files.
#[derive(Default)]
struct Sources {
    defaults: Assignments,
    /// Variables given values by `terraform.tfvars` and `*.auto.tfvars`, in precedence order.
    tfvars: Assignments,
    locals: Assignments,
    resources: Vec<(String, String, Body)>,
    outputs: Assignments,
    calls: Vec<Call>,
    /// Registry module calls that create an AKS cluster (see `lower::is_cluster_module`).
    cluster_modules: Vec<String>,
}

impl Sources {
    /// `var_files`: the `--var-file` files among `files`, in the order given.
    fn parse(files: &[(String, String)], var_files: &[PathBuf]) -> Sources {
        let mut sources = Sources::default();
        let mut tfvars: Vec<(&str, Body)> = Vec::new();
        for (name, text) in files {
            let file = name;
            let Ok(body) = hcl_edit::parser::parse_body(text) else {
                // The file's own check reports the syntax error.
                continue;
            };
            if is_tfvars(name) {
                tfvars.push((name.as_str(), body));
                continue;
            }
            for block in body.iter().filter_map(Structure::as_block) {
                let attr = |key: &str| block.body.get_attribute(key).map(|a| a.value.clone());
                match (block.ident.as_str(), block.labels.as_slice()) {
                    ("variable", [label]) => {
                        if let Some(default) = attr("default") {
                            sources.defaults.push((label.as_str().to_string(), default));
                        }
                    }
                    ("locals", []) => sources.locals.extend(attributes(&block.body)),
                    ("output", [label]) => {
                        if let Some(value) = attr("value") {
                            sources.outputs.push((label.as_str().to_string(), value));
                        }
                    }
                    ("resource", [ty, name])
                        if !block.body.has_attribute("for_each")
                            && !block.body.has_attribute("count") =>
                    {
                        sources.resources.push((
                            ty.as_str().to_string(),
                            name.as_str().to_string(),
                            block.body.clone(),
                        ));
                    }
                    ("module", [name]) if lower::is_cluster_module(&block.body) => {
                        sources.cluster_modules.push(name.as_str().to_string());
                    }
                    ("module", [name]) => {
                        let source = block
                            .body
                            .get_attribute("source")
                            .and_then(|s| s.value.as_str().map(str::to_string));
                        if let Some(source) = source.filter(|s| is_local_source(s)) {
                            let inputs = attributes(&block.body)
                                .into_iter()
                                .filter(|(k, _)| !META_ARGUMENTS.contains(&k.as_str()))
                                .collect();
                            sources.calls.push(Call {
                                file: file.clone(),
                                name: name.as_str().to_string(),
                                source,
                                inputs,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        // terraform.tfvars first, then *.auto.tfvars in lexical order, then the `-var-file`
        // files in the order given: later ones win. Other tfvars files do not apply.
        let rank = |name: &str| {
            let file = file_name(name);
            let given = var_files
                .iter()
                .position(|v| *v == normalize(Path::new(name)));
            match given {
                Some(i) => Some((2, i, file.to_string())),
                None if file == "terraform.tfvars" => Some((0, 0, String::new())),
                None if file.ends_with(".auto.tfvars") => Some((1, 0, file.to_string())),
                None => None,
            }
        };
        tfvars.retain(|(name, _)| rank(name).is_some());
        tfvars.sort_by_key(|(name, _)| rank(name));
        for (_, body) in &tfvars {
            sources.tfvars.extend(attributes(body));
        }
        sources
    }
}

/// Arguments of a `module` block that are Terraform's, not the module's inputs.
const META_ARGUMENTS: &[&str] = &[
    "source",
    "version",
    "providers",
    "count",
    "for_each",
    "depends_on",
];

fn attributes(body: &Body) -> Assignments {
    body.iter()
        .filter_map(Structure::as_attribute)
        .map(|a| (a.key.as_str().to_string(), a.value.clone()))
        .collect()
}

/// `./…` and `../…`: a module in the repository (registry, git and URL sources are not read).
pub(crate) fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../")
}

impl Module {
    /// The context of a root module made of these files' texts (`.tf` and `.tfvars`, by name).
    pub fn from_files(dir: String, files: &[(String, String)]) -> Module {
        Module::instance(
            dir,
            String::new(),
            &Sources::parse(files, &[]),
            None,
            hcl::Map::new(),
        )
    }

    /// One instance: a root module (`inputs` is `None`: defaults and tfvars) or a call of a
    /// local module (its inputs over the defaults; an input the caller does not decide leaves
    /// the variable unknown, not at its default).
    fn instance(
        dir: String,
        prefix: String,
        sources: &Sources,
        inputs: Option<&[(String, Option<Value>)]>,
        calls: hcl::Map<String, Value>,
    ) -> Module {
        let mut module = Module {
            dir,
            prefix,
            calls,
            ..Module::default()
        };
        // A cluster module's issuer output is the cluster's issuer, as the lowering names it.
        for name in &sources.cluster_modules {
            let issuer = format!("{}module.{name}.oidc_issuer_url", module.qualifier());
            let outputs = hcl::Map::from_iter([(
                "oidc_issuer_url".to_string(),
                eval::reference_value(&issuer),
            )]);
            module.calls.insert(name.clone(), Value::Object(outputs));
        }
        module.bytes = module.calls.values().map(eval::size).sum();
        let ctx = module.context();
        let mut vars: Vec<(String, Option<Value>)> = sources
            .defaults
            .iter()
            .map(|(name, default)| (name.clone(), eval::evaluate(default, &ctx)))
            .collect();
        match inputs {
            None => vars.extend(
                sources
                    .tfvars
                    .iter()
                    .map(|(name, expr)| (name.clone(), eval::evaluate(expr, &ctx)))
                    .filter(|(_, v)| v.is_some()),
            ),
            Some(inputs) => vars.extend(inputs.iter().cloned()),
        }
        for (name, value) in vars {
            match value.filter(|v| module.fits(v)) {
                Some(value) => module.vars.insert(name, value),
                None => module.vars.shift_remove(&name),
            };
        }
        // Locals may use each other in any order: evaluate until nothing more can be.
        let mut locals: Vec<&(String, hcl_edit::expr::Expression)> =
            sources.locals.iter().collect();
        for _ in 0..MAX_LOCAL_ROUNDS {
            if locals.is_empty() {
                break;
            }
            let ctx = module.context();
            let qualifier = module.qualifier();
            let before = locals.len();
            let mut left = Vec::new();
            for local in locals {
                match eval::evaluate_or_reference(&local.1, &ctx, &qualifier) {
                    // One that does not fit the budget is done too: unknown, not tried again.
                    Some(value) => {
                        if module.fits(&value) {
                            module.locals.insert(local.0.clone(), value);
                        }
                    }
                    None => left.push(local),
                }
            }
            if left.len() == before {
                break;
            }
            locals = left;
        }
        // Arguments may use other resources' arguments (`azurerm_resource_group.rg.location`):
        // a few rounds settle the chains real configurations have.
        let before = module.bytes;
        for _ in 0..RESOURCE_ROUNDS {
            let ctx = module.context();
            let mut declared = hcl::Map::new();
            module.bytes = before;
            for (ty, name, body) in &sources.resources {
                let object = arguments(body, &ctx, &module.qualifier());
                if !module.fits(&object) {
                    continue;
                }
                let of_type = declared
                    .entry(ty.clone())
                    .or_insert_with(|| Value::Object(hcl::Map::new()));
                if let Value::Object(by_name) = of_type {
                    by_name.insert(name.clone(), object);
                }
            }
            if declared == module.resources {
                break;
            }
            module.resources = declared;
        }
        module
    }

    /// Whether a value still fits the instance's budget (see [`MAX_MODULE_BYTES`]); counts it
    /// when it does.
    fn fits(&mut self, value: &Value) -> bool {
        let size = eval::size(value);
        let fits = self.bytes + size <= MAX_MODULE_BYTES;
        if fits {
            self.bytes += size;
        }
        fits
    }

    /// The module's outputs as its callers see them (`module.<name>.<output>`).
    fn outputs(&self, sources: &Sources) -> Value {
        let ctx = self.context();
        Value::Object(
            sources
                .outputs
                .iter()
                .filter_map(|(name, expr)| {
                    let value = eval::evaluate_or_reference(expr, &ctx, &self.qualifier())?;
                    Some((name.clone(), value))
                })
                .collect(),
        )
    }

    /// What qualifies a reference made in this instance: `terraform:<root dir>/` and the
    /// instance's `module.<name>.` prefix, so that two roots' (two environments')
    /// `azurerm_user_assigned_identity.api` are different identities, as they are.
    pub fn qualifier(&self) -> String {
        format!("terraform:{}/{}", self.dir, self.prefix)
    }

    /// An evaluation context with the module's variables, locals, resources and functions.
    pub fn context(&self) -> hcl::eval::Context<'static> {
        let mut ctx = hcl::eval::Context::new();
        eval::functions(&mut ctx);
        ctx.declare_var("var", Value::Object(self.vars.clone()));
        ctx.declare_var("local", Value::Object(self.locals.clone()));
        ctx.declare_var("module", Value::Object(self.calls.clone()));
        for (ty, resources) in &self.resources {
            ctx.declare_var(ty.as_str(), resources.clone());
        }
        ctx
    }
}

const RESOURCE_ROUNDS: usize = 3;

/// The arguments a resource body sets, as Terraform exposes them to other expressions.
fn arguments(body: &Body, ctx: &hcl::eval::Context<'_>, qualifier: &str) -> Value {
    let mut object = hcl::Map::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                if let Some(value) = eval::evaluate_or_reference(&attr.value, ctx, qualifier) {
                    object.insert(attr.key.as_str().to_string(), value);
                }
            }
            Structure::Block(block) => {
                let nested = arguments(&block.body, ctx, qualifier);
                let list = object
                    .entry(block.ident.as_str().to_string())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(items) = list {
                    items.push(nested);
                }
            }
        }
    }
    Value::Object(object)
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The module instances of every directory of a scan.
#[derive(Debug, Default)]
pub struct Modules {
    by_dir: HashMap<PathBuf, Vec<Module>>,
    /// The renders of charts that a `helm_release` of a scanned directory installs.
    releases: Vec<crate::expand::ChartRender>,
}

/// A directory's files, parsed, while the instances are worked out.
struct Dir {
    display: String,
    sources: Sources,
    /// The directories of its local module calls, in the order of `sources.calls`.
    children: Vec<PathBuf>,
    /// Its `.tf` files that name `helm_release`, kept to read the releases once the module's
    /// instances are known.
    releases: Vec<(String, String)>,
}

impl Dir {
    fn read(dir: &Path, display: String, max_size: u64, var_files: &[PathBuf]) -> Dir {
        let mut files = read_module_files(dir, max_size);
        // A `--var-file` with another extension (`prod.tfvars.json` is not read) or elsewhere.
        for extra in var_files
            .iter()
            .filter(|v| v.parent() == Some(&normalize(dir)))
        {
            let display = extra.display().to_string();
            if !files
                .iter()
                .any(|(name, _)| normalize(Path::new(name)) == *extra)
                && let Some(text) = read_text(extra, max_size)
            {
                files.push((display, text));
            }
        }
        let sources = Sources::parse(&files, var_files);
        let children = sources
            .calls
            .iter()
            .map(|call| normalize(&dir.join(&call.source)))
            .collect();
        let releases = files
            .into_iter()
            .filter(|(name, text)| name.ends_with(".tf") && text.contains("helm_release"))
            .collect();
        Dir {
            display,
            sources,
            children,
            releases,
        }
    }
}

impl Modules {
    /// The instances of each directory that holds a Terraform candidate, from every `.tf` and
    /// `.tfvars` file in it (a module is its whole directory, even when only one file of it was
    /// named) and from the local modules it calls, read in parallel.
    pub fn prepare(candidates: &[Candidate], max_size: u64, var_files: &[String]) -> Modules {
        let var_files: Vec<PathBuf> = var_files.iter().map(|v| normalize(Path::new(v))).collect();
        let mut displays: HashMap<PathBuf, String> = HashMap::new();
        for c in candidates {
            if let Origin::File(path) = &c.origin
                && is_terraform(&c.display)
            {
                let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
                let display = Path::new(&c.display)
                    .parent()
                    .map(|p| p.display().to_string())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| ".".into());
                displays.entry(dir).or_insert(display);
            }
        }
        let scanned: Vec<PathBuf> = displays.keys().map(|d| normalize(d)).collect();
        let mut dirs: HashMap<PathBuf, Dir> = displays
            .into_par_iter()
            .map(|(dir, display)| {
                let parsed = Dir::read(&dir, display, max_size, &var_files);
                (normalize(&dir), parsed)
            })
            .collect();
        // Local modules outside the scanned paths are read too, for the outputs their callers
        // use (their own files are not checked: they were not asked for).
        let mut missing: Vec<PathBuf> = Vec::new();
        for _ in 0..MAX_MODULE_DEPTH {
            missing.clear();
            for d in dirs.values() {
                missing.extend(
                    d.children
                        .iter()
                        .filter(|c| !dirs.contains_key(*c))
                        .cloned(),
                );
            }
            if missing.is_empty() {
                break;
            }
            for dir in missing.drain(..) {
                let display = dir.display().to_string();
                let parsed = Dir::read(&dir, display, max_size, &var_files);
                dirs.insert(dir, parsed);
            }
        }
        // Called by another directory: not a root (a module calling itself, or a cycle, is an
        // error of Terraform's; its files are then lowered on their own).
        let called: std::collections::HashSet<&PathBuf> = dirs
            .iter()
            .flat_map(|(d, parsed)| parsed.children.iter().filter(move |c| *c != d))
            .collect();
        let mut by_dir: HashMap<PathBuf, Vec<Module>> = HashMap::new();
        let mut roots: Vec<&PathBuf> = dirs.keys().filter(|d| !called.contains(d)).collect();
        roots.sort();
        let mut walk = Walk {
            dirs: &dirs,
            stack: Vec::new(),
            budget: MAX_MODULE_INSTANCES,
            out: &mut by_dir,
        };
        for root in roots {
            let display = dirs[root].display.clone();
            walk.instantiate(root, &display, String::new(), None, Vec::new());
        }
        // A chart a release of a scanned directory installs renders with the release's values.
        let releases = scanned
            .iter()
            .filter_map(|dir| Some((dir, dirs.get(dir)?)))
            .flat_map(|(dir, d)| {
                let instances = by_dir.get(dir).map_or(&[][..], Vec::as_slice);
                d.releases.iter().flat_map(move |(name, text)| {
                    let file = Path::new(name).file_name().unwrap_or_default();
                    let display = Path::new(&d.display).join(file).display().to_string();
                    helm::chart_renders(text, instances, dir, &display)
                })
            })
            .collect();
        Modules { by_dir, releases }
    }

    /// The renders of the charts in the scan that a `helm_release` installs, with the values the
    /// release gives them: such a chart is checked as the release deploys it, not with its
    /// defaults (a client id the release sets would otherwise be reported missing).
    pub fn chart_releases(&self) -> &[crate::expand::ChartRender] {
        &self.releases
    }

    /// The instances of the module a candidate belongs to (none: lower it as a root module of
    /// its own).
    pub fn of(&self, candidate: &Candidate) -> &[Module] {
        match &candidate.origin {
            Origin::File(path) => self
                .by_dir
                .get(&normalize(path.parent().unwrap_or(Path::new(""))))
                .map_or(&[], Vec::as_slice),
            _ => &[],
        }
    }
}

/// The instantiation of module calls, from the roots down.
struct Walk<'d> {
    dirs: &'d HashMap<PathBuf, Dir>,
    /// The directories being instantiated: a call back into one of them is a cycle, and is not
    /// followed.
    stack: Vec<PathBuf>,
    /// Local module instances left (see [`MAX_MODULE_INSTANCES`]).
    budget: usize,
    out: &'d mut HashMap<PathBuf, Vec<Module>>,
}

impl Walk<'_> {
    /// Builds a module instance and, first, the instances of the local modules it calls, whose
    /// outputs it reads; returns its own outputs.
    fn instantiate(
        &mut self,
        dir: &PathBuf,
        root: &str,
        prefix: String,
        inputs: Option<&[(String, Option<Value>)]>,
        call_site: Vec<CallSite>,
    ) -> Value {
        let dirs = self.dirs;
        let Some(parsed) = dirs.get(dir) else {
            return Value::Object(hcl::Map::new());
        };
        self.stack.push(dir.clone());
        // Inputs of calls are evaluated in the caller's context without the calls' outputs.
        let bare = Module::instance(
            root.to_string(),
            prefix.clone(),
            &parsed.sources,
            inputs,
            hcl::Map::new(),
        );
        let ctx = bare.context();
        let qualifier = bare.qualifier();
        let mut calls = hcl::Map::new();
        for (call, child) in parsed.sources.calls.iter().zip(&parsed.children) {
            if self.stack.contains(child)
                || self.stack.len() >= MAX_MODULE_DEPTH
                || self.budget == 0
            {
                continue;
            }
            self.budget -= 1;
            let values: Vec<(String, Option<Value>)> = call
                .inputs
                .iter()
                .map(|(k, e)| (k.clone(), eval::evaluate_or_reference(e, &ctx, &qualifier)))
                .collect();
            let child_prefix = format!("{prefix}module.{}.", call.name);
            let site = call
                .inputs
                .iter()
                .filter_map(|(input, e)| {
                    let r = hcl_edit::Span::span(e)?;
                    Some(CallSite {
                        input: input.clone(),
                        file: call.file.clone(),
                        span: crate::document::Span::new(r.start, r.end),
                    })
                })
                .collect();
            let outputs = self.instantiate(child, root, child_prefix, Some(&values), site);
            calls.insert(call.name.clone(), outputs);
        }
        self.stack.pop();
        let mut module = Module::instance(root.to_string(), prefix, &parsed.sources, inputs, calls);
        module.call_site = call_site;
        let outputs = module.outputs(&parsed.sources);
        self.out.entry(dir.clone()).or_default().push(module);
        outputs
    }
}

/// The related locations only the Terraform front-end knows, added once every finding is
/// placed: the `.tf` attribute of a finding in a plan ([`plan::relate_sources`]), and the call's
/// argument of a finding in a local module instance ([`relate_call_sites`]).
pub fn relate<'f>(
    resolved: &mut [crate::finding::Resolved],
    files: &[crate::input::InputFile],
    candidates: &[Candidate],
    modules: &Modules,
    open: impl Fn(usize) -> Option<crate::finding::Opened<'f>> + Sync + Copy,
    excerpts: bool,
) {
    plan::relate_sources(resolved, files, open, excerpts);
    relate_call_sites(resolved, files, candidates, modules, open, excerpts);
}

/// For each finding on a value of a local module instance that uses `var.<input>`, the
/// argument of the instance's call that gives that input as a related location, and the
/// instance named in the message: the module's file is shared by every call, the argument is
/// what differs.
fn relate_call_sites<'f>(
    resolved: &mut [crate::finding::Resolved],
    files: &[crate::input::InputFile],
    candidates: &[Candidate],
    modules: &Modules,
    open: impl Fn(usize) -> Option<crate::finding::Opened<'f>> + Sync,
    excerpts: bool,
) {
    use crate::finding::{Finding, Label, Loc, Target};
    let file_id = |name: &str| {
        let want = normalize(Path::new(name));
        candidates.iter().position(|c| match &c.origin {
            Origin::File(p) => normalize(p) == want,
            _ => false,
        })
    };
    let mut owners = Vec::new();
    let mut stubs = Vec::new();
    let mut opened = HashMap::new();
    for (i, r) in resolved.iter_mut().enumerate() {
        let loc = &r.finding.primary.loc;
        let Target::Node { doc, .. } = &loc.target else {
            continue;
        };
        let (Some(file), Some(candidate)) = (files.get(loc.file), candidates.get(loc.file)) else {
            continue;
        };
        let Some(source) = file
            .docs
            .get(*doc)
            .and_then(|d| d.get_str(plan::SOURCE_KEY))
        else {
            continue;
        };
        let Some(instance) = modules
            .of(candidate)
            .iter()
            .filter(|m| !m.call_site.is_empty())
            .filter(|m| source.starts_with(&format!("terraform:{}/{}", m.dir, m.prefix)))
            .max_by_key(|m| m.prefix.len())
        else {
            continue;
        };
        // Each file is opened once (a file not held is read again).
        let Some(text) = opened.entry(loc.file).or_insert_with(|| open(loc.file)) else {
            continue;
        };
        let used = text
            .source
            .text
            .get(r.primary.span.range())
            .map(variables)
            .unwrap_or_default();
        let name = instance.prefix.trim_end_matches('.');
        let mut related = false;
        for site in instance
            .call_site
            .iter()
            .filter(|s| used.contains(&s.input))
        {
            let Some(caller) = file_id(&site.file) else {
                continue;
            };
            related = true;
            stubs.push(Finding {
                primary: Label {
                    loc: Loc {
                        file: caller,
                        target: Target::Span(site.span),
                    },
                    message: format!("`{}` of `{name}`", site.input),
                },
                related: Vec::new(),
                ..r.finding.clone()
            });
            owners.push(i);
        }
        if related {
            r.finding.message = format!("{}; in module instance `{name}`", r.finding.message);
        }
    }
    drop(opened);
    attach(resolved, owners, stubs, open, excerpts);
}

/// Places `stubs` (findings whose primary is the location to relate) and adds each, with its
/// excerpt, to the related locations of the resolved finding `owners` names.
fn attach<'f>(
    resolved: &mut [crate::finding::Resolved],
    owners: Vec<usize>,
    stubs: Vec<crate::finding::Finding>,
    open: impl Fn(usize) -> Option<crate::finding::Opened<'f>> + Sync,
    excerpts: bool,
) {
    let placed = crate::finding::resolve_all(stubs, open, excerpts);
    for (i, placed) in owners.into_iter().zip(placed) {
        resolved[i].related.push(placed.primary);
        resolved[i].excerpts.extend(placed.excerpts);
    }
}

/// The `var.<name>` an expression's source uses.
fn variables(source: &str) -> Vec<String> {
    use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
    use hcl_edit::visit::{Visit, visit_traversal};
    struct Vars(Vec<String>);
    impl Visit for Vars {
        fn visit_traversal(&mut self, node: &Traversal) {
            if let Expression::Variable(root) = &node.expr
                && root.as_str() == "var"
                && let Some(TraversalOperator::GetAttr(name)) = node.operators.first().map(|o| &**o)
            {
                self.0.push(name.as_str().to_string());
            }
            visit_traversal(self, node);
        }
    }
    let Ok(expr) = source.parse::<Expression>() else {
        return Vec::new();
    };
    let mut vars = Vars(Vec::new());
    vars.visit_expr(&expr);
    vars.0
}

/// A path with `.` and `..` components resolved lexically (module sources are relative paths,
/// and the directory need not be canonicalizable to be matched against the scan's).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The `.tf` and `.tfvars` files of a directory, with the same size and encoding limits as any
/// input; files that cannot be read are left out (their own check reports why).
fn read_module_files(dir: &Path, max_size: u64) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_str().is_some_and(is_terraform))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| Some((path.display().to_string(), read_text(&path, max_size)?)))
        .collect()
}

/// A file's text, with the same size and encoding limits as any input.
fn read_text(path: &Path, max_size: u64) -> Option<String> {
    let candidate = Candidate {
        display: path.display().to_string(),
        origin: Origin::File(path.to_path_buf()),
        explicit: false,
    };
    match load::load(&candidate, max_size) {
        Loaded::Text(text) => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_tfvars_and_locals() {
        let files = vec![
            (
                "variables.tf".to_string(),
                "variable \"ns\" { default = \"dev\" }\nvariable \"app\" { default = \"api\" }\nvariable \"unset\" {}\n".to_string(),
            ),
            (
                "locals.tf".to_string(),
                "locals {\n  subject = \"system:serviceaccount:${local.ns}:${var.app}\"\n  ns = upper(var.ns)\n  later = var.unset\n  issuer = azurerm_kubernetes_cluster.aks.oidc_issuer_url\n}\n".to_string(),
            ),
            ("terraform.tfvars".to_string(), "ns = \"prod\"\n".to_string()),
            ("b.auto.tfvars".to_string(), "app = \"worker\"\n".to_string()),
            ("other.tfvars".to_string(), "app = \"ignored\"\n".to_string()),
        ];
        let m = Module::from_files(".".into(), &files);
        assert_eq!(m.vars.get("ns"), Some(&Value::from("prod")));
        assert_eq!(m.vars.get("app"), Some(&Value::from("worker")));
        assert!(m.vars.get("unset").is_none());
        assert_eq!(
            m.locals.get("subject"),
            Some(&Value::from("system:serviceaccount:PROD:worker"))
        );
        assert!(m.locals.get("later").is_none());
        assert_eq!(
            m.locals.get("issuer").and_then(eval::as_reference),
            Some("terraform:./azurerm_kubernetes_cluster.aks.oidc_issuer_url")
        );
    }

    #[test]
    fn paths_normalize_lexically() {
        assert_eq!(
            normalize(Path::new("infra/envs/prod/../../modules/./identity")),
            PathBuf::from("infra/modules/identity")
        );
    }
}
