//! Terraform as a front-end of the model: `.tf` files are lowered into the document shapes the
//! model already reads (credential, identity and AKS cluster exports, Kubernetes objects), with
//! every node's span in the `.tf` text, so every rule runs on them unchanged and points at the
//! HCL attribute. The seam is described in `docs/frontends.md`.
//!
//! A Terraform module is a directory, and an expression in one file may use a variable declared
//! in another, a `local` defined in a third and a value from `terraform.tfvars`. The scan, though,
//! reads files one at a time in parallel and reads a file again later to place findings. So a
//! module's **context** — the values of its variables and locals — is computed first, once per
//! directory, by [`Modules::prepare`]; then each `.tf` file is lowered on its own with its
//! directory's context. The context is kept for the whole scan, so reading a file again lowers it
//! to the same trees. It holds only evaluated values (a few per variable), never the files.

pub mod eval;
pub mod lower;

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

/// The values a module's expressions can use.
#[derive(Debug, Default)]
pub struct Module {
    /// The directory as reports show it (`.` for the current one): symbolic resource ids are
    /// qualified with it, so two modules' `azurerm_user_assigned_identity.api` stay apart.
    pub dir: String,
    /// `var.<name>`: the variable's default, overridden by `terraform.tfvars`, then by the
    /// `*.auto.tfvars` files in lexical order (Terraform's precedence). Variables with no value
    /// are absent, so `var.x` stays unknown.
    pub vars: hcl::Map<String, Value>,
    /// `local.<name>`, for the locals whose expressions could be evaluated.
    pub locals: hcl::Map<String, Value>,
    /// `<type>.<name>` of each resource without `for_each` or `count`: the arguments the files
    /// set (nested blocks as lists, as Terraform exposes them), so that
    /// `kubernetes_service_account_v1.api.metadata[0].name` has the value the file gives it.
    /// Attributes the provider computes (`id`, `client_id`, `oidc_issuer_url`) are absent: they
    /// stay unknown, and the lowering keeps them as symbolic references.
    pub resources: hcl::Map<String, Value>,
}

impl Module {
    /// The context of a module made of these files' texts (`.tf` and `.tfvars`, by name).
    pub fn from_files(dir: String, files: &[(String, String)]) -> Module {
        let mut module = Module {
            dir,
            ..Module::default()
        };
        let mut tfvars: Vec<(&str, Body)> = Vec::new();
        let mut locals: Vec<(String, hcl_edit::expr::Expression)> = Vec::new();
        let mut resources: Vec<(String, String, Body)> = Vec::new();
        let ctx = module.context();
        for (name, text) in files {
            let Ok(body) = hcl_edit::parser::parse_body(text) else {
                // The file's own check reports the syntax error.
                continue;
            };
            if is_tfvars(name) {
                tfvars.push((name.as_str(), body));
                continue;
            }
            for block in body.iter().filter_map(Structure::as_block) {
                match (block.ident.as_str(), block.labels.as_slice()) {
                    ("variable", [label]) => {
                        if let Some(default) = block.body.get_attribute("default")
                            && let Some(value) = eval::evaluate(&default.value, &ctx)
                        {
                            module.vars.insert(label.as_str().to_string(), value);
                        }
                    }
                    ("resource", [ty, name])
                        if !block.body.has_attribute("for_each")
                            && !block.body.has_attribute("count") =>
                    {
                        resources.push((
                            ty.as_str().to_string(),
                            name.as_str().to_string(),
                            block.body.clone(),
                        ));
                    }
                    ("locals", []) => {
                        for attr in block.body.iter().filter_map(Structure::as_attribute) {
                            locals.push((attr.key.as_str().to_string(), attr.value.clone()));
                        }
                    }
                    _ => {}
                }
            }
        }
        // terraform.tfvars first, then *.auto.tfvars in lexical order: later ones win.
        tfvars.sort_by_key(|(name, _)| (file_name(name) != "terraform.tfvars", file_name(name)));
        let ctx = module.context();
        let mut values = Vec::new();
        for (name, body) in &tfvars {
            if file_name(name) != "terraform.tfvars" && !file_name(name).ends_with(".auto.tfvars") {
                // Other tfvars files apply only when named with `-var-file`.
                continue;
            }
            for attr in body.iter().filter_map(Structure::as_attribute) {
                if let Some(value) = eval::evaluate(&attr.value, &ctx) {
                    values.push((attr.key.as_str().to_string(), value));
                }
            }
        }
        module.vars.extend(values);
        // Locals may use each other in any order: evaluate until nothing more can be.
        while !locals.is_empty() {
            let ctx = module.context();
            let (done, left): (Vec<_>, Vec<_>) = locals
                .into_iter()
                .map(|(name, expr)| {
                    let value = eval::evaluate(&expr, &ctx);
                    (name, expr, value)
                })
                .partition(|(_, _, v)| v.is_some());
            if done.is_empty() {
                break;
            }
            for (name, _, value) in done {
                if let Some(value) = value {
                    module.locals.insert(name, value);
                }
            }
            locals = left.into_iter().map(|(n, e, _)| (n, e)).collect();
        }
        // Arguments may use other resources' arguments (`azurerm_resource_group.rg.location`):
        // a few rounds settle the chains real configurations have.
        for _ in 0..RESOURCE_ROUNDS {
            let ctx = module.context();
            let mut declared = hcl::Map::new();
            for (ty, name, body) in &resources {
                let object = arguments(body, &ctx);
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

    /// An evaluation context with the module's variables, locals and functions.
    pub fn context(&self) -> hcl::eval::Context<'static> {
        let mut ctx = hcl::eval::Context::new();
        eval::functions(&mut ctx);
        ctx.declare_var("var", Value::Object(self.vars.clone()));
        ctx.declare_var("local", Value::Object(self.locals.clone()));
        for (ty, resources) in &self.resources {
            ctx.declare_var(ty.as_str(), resources.clone());
        }
        ctx
    }
}

const RESOURCE_ROUNDS: usize = 3;

/// The arguments a resource body sets, as Terraform exposes them to other expressions.
fn arguments(body: &Body, ctx: &hcl::eval::Context<'_>) -> Value {
    let mut object = hcl::Map::new();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                if let Some(value) = eval::evaluate(&attr.value, ctx) {
                    object.insert(attr.key.as_str().to_string(), value);
                }
            }
            Structure::Block(block) => {
                let nested = arguments(&block.body, ctx);
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

/// The context of every module directory of a scan.
#[derive(Debug, Default)]
pub struct Modules {
    by_dir: HashMap<PathBuf, Module>,
}

impl Modules {
    /// The context of each directory that holds a Terraform candidate, from every `.tf` and
    /// `.tfvars` file in it (a module is its whole directory, even when only one file of it was
    /// named), read in parallel.
    pub fn prepare(candidates: &[Candidate], max_size: u64) -> Modules {
        let mut dirs: HashMap<PathBuf, String> = HashMap::new();
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
                dirs.entry(dir).or_insert(display);
            }
        }
        let by_dir = dirs
            .into_par_iter()
            .map(|(dir, display)| {
                let files = read_module_files(&dir, max_size);
                let module = Module::from_files(display, &files);
                (dir, module)
            })
            .collect();
        Modules { by_dir }
    }

    /// The context of the module a candidate belongs to.
    pub fn of(&self, candidate: &Candidate) -> Option<&Module> {
        match &candidate.origin {
            Origin::File(path) => self.by_dir.get(path.parent().unwrap_or(Path::new(""))),
            _ => None,
        }
    }
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
        .filter_map(|path| {
            let display = path.display().to_string();
            let candidate = Candidate {
                display: display.clone(),
                origin: Origin::File(path),
                explicit: false,
            };
            match load::load(&candidate, max_size) {
                Loaded::Text(text) => Some((display, text)),
                _ => None,
            }
        })
        .collect()
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
                "locals {\n  subject = \"system:serviceaccount:${local.ns}:${var.app}\"\n  ns = upper(var.ns)\n  later = var.unset\n}\n".to_string(),
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
    }
}
