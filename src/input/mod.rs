//! Which files a scan reads and how each becomes span trees — or a reason it did not.

pub mod discover;
pub mod load;

use crate::bicep;
use crate::document::{self, Node, ParseError, Source, Span, Syntax};
use crate::expand::{Fate, Renders};
use crate::operators;
use crate::powershell;
use crate::script;
use crate::terraform::{self, Module, Modules};
use discover::{Candidate, Origin};
use load::Loaded;

/// A file that was read. Its documents are span trees; a file that could not be parsed keeps its
/// text so the error can be shown in context.
#[derive(Debug)]
pub struct InputFile {
    pub source: Source,
    pub explicit: bool,
    pub syntax: Syntax,
    pub docs: Vec<Node>,
    pub error: Option<ParseError>,
}

impl InputFile {
    /// A file with no text and no documents: the place of a candidate that was not read.
    pub fn empty(path: String) -> Self {
        InputFile {
            source: Source::new(path, String::new()),
            explicit: false,
            syntax: Syntax::Yaml,
            docs: Vec::new(),
            error: None,
        }
    }
}

/// What happened to one candidate.
#[derive(Debug)]
pub enum Outcome {
    Read(InputFile),
    Skipped { path: String, reason: String },
    IoError { path: String, message: String },
}

/// What a scan prepares before it reads its files one by one, so that a file read again reads
/// the same: the contexts of its Terraform modules, and its charts and overlays rendered.
#[derive(Debug, Default)]
pub struct Context {
    pub modules: Modules,
    pub renders: Renders,
    pub parameters: script::Parameters,
}

pub fn read(candidate: &Candidate, max_size: u64) -> Outcome {
    read_in(candidate, max_size, &Context::default())
}

/// [`read`], in the scan's [`Context`].
pub fn read_in(candidate: &Candidate, max_size: u64, context: &Context) -> Outcome {
    let path = candidate.display.clone();
    let fate = context.renders.fate(&path);
    if let Some(Fate::Skipped(reason)) = fate {
        return Outcome::Skipped {
            path,
            reason: reason.clone(),
        };
    }
    match load::load(candidate, max_size) {
        Loaded::Text(text) if fate.is_some() => {
            Outcome::Read(rendered(path, text, candidate.explicit, fate))
        }
        Loaded::Text(text) if !candidate.explicit && is_foreign_hcl(&path, &text) => {
            Outcome::Skipped {
                path,
                reason: "HCL without `api_addr`: not a Vault server configuration".into(),
            }
        }
        Loaded::Text(_)
            if !candidate.explicit && path.to_ascii_lowercase().ends_with(".tf.json") =>
        {
            Outcome::Skipped {
                path,
                reason: "Terraform JSON syntax (`.tf.json`) is not read; only `.tf` files are"
                    .into(),
            }
        }
        Loaded::Text(_) if bicep::is_bicepparam(&path) => Outcome::Skipped {
            path,
            reason:
                "Bicep parameters file: read as the context of the `.bicep` file its `using` names"
                    .into(),
        },
        Loaded::Text(text) if sniff(&path, &text) == Syntax::Bicep => {
            let params = match &candidate.origin {
                Origin::File(file) => bicep::Params::beside(file),
                _ => bicep::Params::default(),
            };
            Outcome::Read(parse_bicep(path, text, candidate.explicit, params))
        }
        Loaded::Text(text) => {
            let mut file = parse_in(
                path,
                text,
                candidate.explicit,
                context.modules.of(candidate),
                &context.parameters,
            );
            if file.syntax == Syntax::Json {
                context.parameters.mark(&file.source.path, &mut file.docs);
            }
            Outcome::Read(file)
        }
        Loaded::Skip(reason) => Outcome::Skipped { path, reason },
        // A file found by walking that cannot be read is accounted for and the scan goes on; one
        // the user named is an I/O error of the run.
        Loaded::Io(message) if !candidate.explicit => Outcome::Skipped {
            path,
            reason: format!("unreadable ({message})"),
        },
        Loaded::Io(message) => Outcome::IoError { path, message },
        Loaded::Fail {
            message,
            offset,
            text,
        } => {
            let offset = offset.min(text.len());
            Outcome::Read(InputFile {
                source: Source::new(path, text),
                explicit: candidate.explicit,
                syntax: Syntax::Yaml,
                docs: Vec::new(),
                error: Some(ParseError {
                    message,
                    span: Span::new(offset, offset),
                }),
            })
        }
    }
}

/// A template or root kustomization read as what its render wrote, placed on its lines; a chart
/// or root whose render failed holds the tool's message as its error.
fn rendered(path: String, text: String, explicit: bool, fate: Option<&Fate>) -> InputFile {
    let mut docs = Vec::new();
    let mut error = None;
    match fate {
        Some(Fate::Rendered(list)) => {
            for r in list {
                match crate::expand::place::place(&r.text, &text, r.how) {
                    Ok(placed) => docs.extend(placed),
                    Err(e) => {
                        error.get_or_insert(ParseError {
                            message: format!("the rendered output does not parse: {}", e.message),
                            span: Span::default(),
                        });
                    }
                }
            }
        }
        Some(Fate::Failed(message)) => {
            error = Some(ParseError {
                message: format!("the render failed: {message}"),
                span: Span::default(),
            });
        }
        Some(Fate::Skipped(_)) | None => {}
    }
    InputFile {
        source: Source::new(path, text),
        explicit,
        syntax: Syntax::Yaml,
        docs,
        error,
    }
}

/// A Helm chart template is not YAML until rendered; saying "broken YAML" would be a false error.
const HELM_HINT: &str = "Helm template (contains `{{ }}` and is not valid YAML): lint the rendered output instead, e.g. `helm template <chart> | wiflint check -`";

pub fn parse(path: String, text: String, explicit: bool) -> InputFile {
    parse_in(path, text, explicit, &[], &script::Parameters::default())
}

/// [`parse`], a Terraform file with the instances of its module (without any, the context of
/// the file alone).
pub fn parse_in(
    path: String,
    text: String,
    explicit: bool,
    instances: &[Module],
    parameters: &script::Parameters,
) -> InputFile {
    let syntax = sniff(&path, &text);
    let (docs, error) = match syntax {
        Syntax::Terraform if terraform::is_tfvars(&path) => {
            // Variable values: read into the module's context; here only checked to parse.
            match hcl_edit::parser::parse_body(&text) {
                Ok(_) => (Vec::new(), None),
                Err(e) => (Vec::new(), Some(terraform::lower::parse_error(&text, &e))),
            }
        }
        Syntax::Terraform => {
            let alone;
            let instances = if instances.is_empty() {
                alone = [Module::from_files(
                    String::from("."),
                    &[(path.clone(), text.clone())],
                )];
                &alone[..]
            } else {
                instances
            };
            match terraform::lower::lower(&text, instances) {
                Ok(docs) => (docs, None),
                Err(e) => (Vec::new(), Some(e)),
            }
        }
        Syntax::Bicep => {
            return parse_bicep(path, text, explicit, bicep::Params::default());
        }
        Syntax::Shell if powershell::is_powershell(&path) => match powershell::lower(&text) {
            Ok(docs) => (docs, None),
            Err(e) => (Vec::new(), Some(e)),
        },
        Syntax::Shell if script::is_makefile(&path) => {
            (script::lower_makefile(&text, &path, parameters), None)
        }
        Syntax::Shell => match script::lower_at(&text, &path, parameters) {
            Ok(docs) => (docs, None),
            Err(e) => (Vec::new(), Some(e)),
        },
        Syntax::Markdown => (script::lower_markdown(&text), None),
        Syntax::Json => match document::json::parse(&text) {
            Ok(node) if terraform::plan::is_plan(&node) => {
                (terraform::plan::lower(&node, &path), None)
            }
            Ok(node) => (vec![operators::lower(node)], None),
            Err(e) => (Vec::new(), Some(e)),
        },
        Syntax::Hcl => match document::hcl::parse(&text) {
            Ok(node) => (vec![node], None),
            Err(e) => (Vec::new(), Some(e)),
        },
        Syntax::Yaml => match document::yaml::parse(&text) {
            Ok(docs) => (docs.into_iter().map(operators::lower).collect(), None),
            Err(e) => (Vec::new(), Some(e)),
        },
    };
    InputFile {
        source: Source::new(path, text),
        explicit,
        syntax,
        docs,
        error,
    }
}

/// A Bicep file lowered with the values its `.bicepparam` files give its parameters.
fn parse_bicep(path: String, text: String, explicit: bool, params: bicep::Params) -> InputFile {
    let (docs, error) = match bicep::lower(&text, &path, params) {
        Ok(docs) => (docs, None),
        Err(e) => (Vec::new(), Some(e)),
    };
    InputFile {
        source: Source::new(path, text),
        explicit,
        syntax: Syntax::Bicep,
        docs,
        error,
    }
}

/// HCL is read only for the Vault server configuration; the many other HCL dialects found when
/// walking a repository (Terraform, Vault policies, Packer) are not inputs, and parsing them
/// would only produce noise.
fn is_foreign_hcl(path: &str, text: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".hcl") && !text.contains("api_addr")
}

/// Why a read file is not checked, if it is not: a Helm chart template (even one that happens
/// to parse, `{{ .Values.x }}` reads as a YAML flow mapping), a Jinja or Liquid template, or
/// JSON with comments found by walking that does not look like a wiflint input (a
/// `tsconfig.json` is valid to its own tool; calling it broken would block a commit for
/// nothing).
pub fn skip_reason(file: &InputFile) -> Option<String> {
    let text = &file.source.text;
    if in_helm_templates(&file.source.path) {
        return Some(HELM_CHART_HINT.into());
    }
    if file.syntax == Syntax::Yaml && is_block_template(text) {
        return Some(BLOCK_TEMPLATE_HINT.into());
    }
    let error = file.error.as_ref()?;
    if file.syntax == Syntax::Yaml && text.contains("{{") {
        return Some(HELM_HINT.into());
    }
    // Only JSON with comments, which its own tool accepts: broken YAML and pathological
    // files stay errors. A file that holds a literal client secret is read all the same: the
    // secret must be reported (`plaintext-client-secret`, by the line scan) wherever it is.
    (!file.explicit
        && file.syntax == Syntax::Json
        && !looks_like_input(text)
        && document::json::is_jsonc(text)
        && !crate::secret::scan(text).iter().any(|f| f.certain))
    .then(|| {
        format!(
            "not a wiflint input (JSON with comments or trailing commas, which its own tool accepts: {}): name it explicitly to have it checked",
            error.message
        )
    })
}

const HELM_CHART_HINT: &str = "Helm chart template (in `templates/` beside a `Chart.yaml`): lint the rendered output instead, e.g. `helm template <chart> | wiflint check -`";
const BLOCK_TEMPLATE_HINT: &str =
    "Jinja or Liquid template (`{% … %}` blocks): lint the rendered output instead";

/// Whether the path lies in the `templates/` directory (or below it) of a Helm chart: a
/// directory with a `Chart.yaml` holds it.
fn in_helm_templates(path: &str) -> bool {
    let path = std::path::Path::new(path);
    path.ancestors().skip(1).any(|dir| {
        dir.file_name().is_some_and(|n| n == "templates")
            && dir
                .parent()
                .is_some_and(|chart| chart.join("Chart.yaml").is_file())
    })
}

/// A line that is a Jinja or Liquid block tag (`{% if … %}`, `{%- for … -%}`): no Kubernetes
/// manifest, export or Vault file has one outside a string.
fn is_block_template(text: &str) -> bool {
    text.contains("{%")
        && text.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("{%") && l.trim_end().ends_with("%}")
        })
}

/// Whether a file that does not parse clearly tries to be a wiflint input: it names a
/// Kubernetes object, a federated credential, an identity, a cluster or Vault.
fn looks_like_input(text: &str) -> bool {
    const MARKERS: &[&str] = &[
        "apiVersion",
        "azure.workload.identity",
        "federatedIdentityCredential",
        "\"subject\"",
        "subject:",
        "\"issuer\"",
        "oidcIssuerProfile",
        "\"wiflint\"",
        "vault-bundle",
        "api_addr",
        "\"accessor\"",
    ];
    MARKERS.iter().any(|m| text.contains(m))
}

/// JSON by extension or, for other names (stdin), by its first character. YAML would accept most
/// JSON too, but slower and with wrong answers on some escapes.
fn sniff(path: &str, text: &str) -> Syntax {
    let lower = path.to_ascii_lowercase();
    if lower.ends_with(".json") {
        return Syntax::Json;
    }
    if lower.ends_with(".hcl") {
        return Syntax::Hcl;
    }
    if bicep::is_bicep(&lower) {
        return Syntax::Bicep;
    }
    if script::is_script(&lower) || script::is_makefile(path) || powershell::is_powershell(&lower) {
        return Syntax::Shell;
    }
    if script::is_markdown(&lower) {
        return Syntax::Markdown;
    }
    if terraform::is_terraform(&lower) {
        return Syntax::Terraform;
    }
    if lower.ends_with(".yaml") || lower.ends_with(".yml") {
        return Syntax::Yaml;
    }
    // A file named without an extension that runs with sh or bash (a YAML file's first line
    // may be the same comment, so only here).
    if script::has_shell_shebang(text) {
        return Syntax::Shell;
    }
    match text.trim_start().as_bytes().first() {
        Some(b'{' | b'[') if document::json::parse(text).is_ok() => Syntax::Json,
        _ => Syntax::Yaml,
    }
}
