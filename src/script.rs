//! Shell scripts and the shell blocks of Markdown as a front-end of the model: the commands that
//! create federated identity credentials (`az identity federated-credential create|update`,
//! `az ad app federated-credential create --parameters '{…}'`, `azwi serviceaccount create`)
//! become credential documents whose values point at the flags' values. Shell is parsed with the
//! maintained tree-sitter grammar; Markdown with `pulldown-cmark`.
//!
//! A `$VAR` or `${VAR}` is decided by the last literal assignment before it in the same script
//! (or block); anything else — a command substitution, an environment variable, `${VAR:-x}` — is
//! unknown, and so is a value a `for`/`read` sets.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use tree_sitter::{Node as Ts, Parser};

use crate::document::{self, Entry, Node, NodeKind, ParseError, Span, Style, Typed, sitter};
use crate::model::azure::FIC_TYPE;

pub fn is_script(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".sh") || lower.ends_with(".bash")
}

pub fn is_markdown(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".md") || lower.ends_with(".markdown")
}

/// `Makefile`, `makefile`, `GNUmakefile` (the names GNU make looks for) and `*.mk` includes.
pub fn is_makefile(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or("");
    matches!(name, "Makefile" | "makefile" | "GNUmakefile")
        || name.to_ascii_lowercase().ends_with(".mk")
}

/// The credentials the recipes of a Makefile create. Make is parsed with the tree-sitter make
/// grammar; each recipe line is its own shell (as make runs it), read in place with its
/// positions. What make expands (`$(X)`, `${X}`, `$@`) is unknown; a `@`, `-` or `+` prefix is
/// make's, not the shell's. Make is the authority on the file: a construct the grammar does not
/// read is left out, never an error.
pub fn lower_makefile(text: &str, path: &str, parameters: &Parameters) -> Vec<Node> {
    let mut docs = Vec::new();
    let mut files = Files {
        dir: dir_of(path),
        parameters,
        named: Vec::new(),
    };
    lower_recipes(text, &mut docs, &mut files);
    docs
}

fn lower_recipes(text: &str, docs: &mut Vec<Node>, files: &mut Files<'_>) {
    let mut parser = Parser::new();
    let language: tree_sitter::Language = tree_sitter_make::LANGUAGE.into();
    if parser.set_language(&language).is_err() {
        return;
    }
    let Some(tree) = parser.parse(text, None) else {
        return;
    };
    let mut stack = vec![tree.root_node()];
    let mut lines = Vec::new();
    while let Some(n) = stack.pop() {
        if n.kind() == "recipe_line" {
            lines.push(n.byte_range());
            continue;
        }
        // Recipes sit at most a few levels down (rules in conditionals); the explicit stack
        // keeps a deeply nested file from overflowing ours.
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    lines.sort_by_key(|r| r.start);
    for range in lines {
        let Some(line) = text.get(range.clone()) else {
            continue;
        };
        if !line.contains("az") {
            continue;
        }
        let prefix = line.len() - line.trim_start_matches(['@', '-', '+']).len();
        let code = format!("{}{}", " ".repeat(prefix), &line[prefix..]);
        let _ = lower_slice(&code, range.start, docs, Some(files), Kind::Recipe);
    }
}

/// `#!/bin/sh`, `#!/usr/bin/env bash -e` and the like.
pub fn has_shell_shebang(text: &str) -> bool {
    let Some(line) = text.lines().next().and_then(|l| l.strip_prefix("#!")) else {
        return false;
    };
    let mut words = line.split_whitespace();
    let mut program = words.next().unwrap_or("");
    if program.ends_with("/env") {
        program = words.find(|w| !w.starts_with('-')).unwrap_or("");
    }
    matches!(program.rsplit('/').next(), Some("sh" | "bash"))
}

/// The default audience of `az identity federated-credential create`.
const DEFAULT_AUDIENCE: &str = "api://AzureADTokenExchange";

/// The credentials a shell script creates, read alone: a `--parameters @file.json` it names is
/// not in the scan.
pub fn lower(text: &str) -> Result<Vec<Node>, ParseError> {
    lower_at(text, "", &Parameters::default())
}

/// The credentials the script at `path` creates, in a scan whose parameters files are
/// `parameters`.
pub fn lower_at(text: &str, path: &str, parameters: &Parameters) -> Result<Vec<Node>, ParseError> {
    let mut docs = Vec::new();
    let mut files = Files {
        dir: dir_of(path),
        parameters,
        named: Vec::new(),
    };
    lower_slice(text, 0, &mut docs, Some(&mut files), Kind::Script)?;
    Ok(docs)
}

fn dir_of(path: &str) -> PathBuf {
    Path::new(path)
        .parent()
        .map(crate::kustomize::normalize)
        .unwrap_or_default()
}

/// The JSON files that scripts pass as `az ad app federated-credential create --parameters
/// @file.json`, found before the scan reads its files one by one. A file that is itself in the
/// scan is read as its own input, with its own positions, and is marked as the credential of
/// the app the script names (`--id`); one that is not in the scan leaves the script's
/// credential unknown.
#[derive(Debug, Default)]
pub struct Parameters {
    /// The normalized paths of the scan's files.
    scanned: HashSet<PathBuf>,
    /// Per parameters file in the scan: the app the scripts give it to, `None` when they do
    /// not agree (then no script's app is taken for it).
    apps: HashMap<PathBuf, Option<App>>,
}

/// The `--id` of `az ad app federated-credential create`: its decided text, or its source.
#[derive(Clone, Debug, PartialEq, Eq)]
struct App {
    value: Option<String>,
    source: String,
}

/// Where `@file` arguments are resolved, and what was found.
pub(crate) struct Files<'p> {
    dir: PathBuf,
    parameters: &'p Parameters,
    named: Vec<(PathBuf, Option<App>)>,
}

impl Parameters {
    /// Reads the scan's shell scripts (bounded by `max_size`, like every input) for the
    /// parameters files they pass.
    pub fn prepare(candidates: &[crate::input::discover::Candidate], max_size: u64) -> Self {
        let mut parameters = Parameters {
            scanned: candidates
                .iter()
                .map(|c| crate::kustomize::normalize(Path::new(&c.display)))
                .collect(),
            apps: HashMap::new(),
        };
        for candidate in candidates
            .iter()
            .filter(|c| is_script(&c.display) || is_makefile(&c.display))
        {
            let crate::input::load::Loaded::Text(text) =
                crate::input::load::load(candidate, max_size)
            else {
                continue;
            };
            if !(text.contains("--parameters") && text.contains('@')) {
                continue;
            }
            let mut files = Files {
                dir: dir_of(&candidate.display),
                parameters: &parameters,
                named: Vec::new(),
            };
            let mut docs = Vec::new();
            if is_makefile(&candidate.display) {
                lower_recipes(&text, &mut docs, &mut files);
            } else if lower_slice(&text, 0, &mut docs, Some(&mut files), Kind::Script).is_err() {
                continue;
            }
            for (path, app) in files.named {
                parameters
                    .apps
                    .entry(path)
                    .and_modify(|known| {
                        if *known != app {
                            *known = None;
                        }
                    })
                    .or_insert(app);
            }
        }
        parameters
    }

    /// Marks the credential a parameters file holds as the app registration's its script
    /// names: `@odata.type`, and an `id` under the app when `--id` says it. Both point at the
    /// object in the file, which is what the script passes.
    pub fn mark(&self, path: &str, docs: &mut [Node]) {
        let Some(app) = self.apps.get(&crate::kustomize::normalize(Path::new(path))) else {
            return;
        };
        for doc in docs.iter_mut().filter(|d| d.get("issuer").is_some()) {
            let span = doc.span;
            let id = app.as_ref().map(|app| app_id(app, doc, span));
            if let NodeKind::Map(entries) = &mut doc.kind {
                if entries.iter().all(|e| e.key.text() != Some("@odata.type")) {
                    entries.push(odata_type(span));
                }
                if entries.iter().all(|e| e.key.text() != Some("id")) {
                    entries.extend(id.map(|id| Entry::new("id", span, id)));
                }
            }
        }
    }
}

/// `applications/<app>/federatedIdentityCredentials/<name>`, as Graph addresses it: the
/// credential's id under the app the command names, so that the credentials one app gets in
/// several files have one owner.
fn app_id(app: &App, doc: &Node, span: Span) -> Node {
    let name = doc.get_str("name").unwrap_or("?");
    match &app.value {
        Some(id) => Node::scalar(
            format!("applications/{id}/federatedIdentityCredentials/{name}"),
            Style::Quoted,
            Typed::Str,
            span,
        ),
        None => Node::unknown(
            format!(
                "applications/{}/federatedIdentityCredentials/{name}",
                app.source
            ),
            span,
        ),
    }
}

/// The credentials created in the `bash`/`sh`/`shell`/`console` fenced blocks of a Markdown
/// file. A block the shell grammar cannot read is left out: a README's example is no script
/// that runs, and calling it broken would block a commit for nothing.
pub fn lower_markdown(text: &str) -> Vec<Node> {
    use pulldown_cmark::{CodeBlockKind, Event, Parser as Md, Tag, TagEnd};
    let mut docs = Vec::new();
    let mut block: Option<(bool, Option<std::ops::Range<usize>>)> = None;
    for (event, range) in Md::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info.split_whitespace().next().unwrap_or("");
                if matches!(lang, "bash" | "sh" | "shell" | "console") {
                    block = Some((lang == "console", None));
                }
            }
            Event::Text(_) => {
                if let Some((_, found)) = &mut block {
                    *found = Some(match found.take() {
                        Some(r) => r.start..range.end,
                        None => range,
                    });
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((console, Some(range))) = block.take()
                    && let Some(slice) = text.get(range.clone())
                {
                    let code = if console {
                        commands_of(slice)
                    } else {
                        slice.into()
                    };
                    // Errors are ignored here (see above); what parsed is read.
                    let _ = lower_slice(&code, range.start, &mut docs, None, Kind::Example);
                }
                block = None;
            }
            _ => {}
        }
    }
    docs
}

/// A `console` block's commands: the prompt (`$ `) blanked out and output lines emptied,
/// keeping every byte's place.
fn commands_of(block: &str) -> String {
    let mut out = String::with_capacity(block.len());
    let mut continued = false;
    for line in block.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if let Some(rest) = body.strip_prefix("$ ") {
            out.push_str("  ");
            out.push_str(rest);
            continued = rest.ends_with('\\');
        } else if continued {
            out.push_str(body);
            continued = body.ends_with('\\');
        } else {
            out.extend(
                body.chars()
                    .map(|c| if c.is_whitespace() { c } else { ' ' }),
            );
            continued = false;
        }
        out.push_str(&line[body.len()..]);
    }
    out
}

/// What a piece of shell is part of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A script: bash is the authority on it, so its syntax errors count.
    Script,
    /// A Markdown example, written for a person to fill in.
    Example,
    /// A Makefile recipe line: make expands `$(X)`, `${X}` and `$@` before the shell runs it.
    Recipe,
}

fn lower_slice(
    text: &str,
    offset: usize,
    docs: &mut Vec<Node>,
    files: Option<&mut Files<'_>>,
    kind: Kind,
) -> Result<(), ParseError> {
    let strict = kind == Kind::Script;
    let mut parser = Parser::new();
    let language: tree_sitter::Language = tree_sitter_bash::LANGUAGE.into();
    let failed = |message: &str| ParseError {
        message: message.into(),
        span: Span::new(offset, offset),
    };
    parser
        .set_language(&language)
        .map_err(|_| failed("the shell grammar could not be loaded"))?;
    let tree = parser
        .parse(text, None)
        .ok_or_else(|| failed("the shell parser gave up"))?;
    let root = tree.root_node();
    // Bash is the authority on a script, and the grammar does not know every construct it
    // runs: only an error in a command wiflint reads is one.
    if strict && let Some(mut e) = sitter::first_error(root, text, "shell", not_in_command) {
        e.span = Span::new(e.span.start as usize + offset, e.span.end as usize + offset);
        return Err(e);
    }
    let mut shell = Shell {
        text,
        offset,
        example: kind == Kind::Example,
        make: kind == Kind::Recipe,
        vars: HashMap::new(),
        docs,
        files,
    };
    shell.walk(root, 0);
    Ok(())
}

/// Whether a syntax error is outside the commands wiflint reads: neither in one nor right
/// after one (an unclosed quote in a flag's value ends the command early).
fn not_in_command(error: Ts<'_>, text: &str) -> bool {
    let mentions = |n: Ts<'_>| {
        let t = text.get(n.byte_range()).unwrap_or("");
        t.contains("federated-credential") || t.contains("azwi")
    };
    !mentions(error) && !error.prev_named_sibling().is_some_and(mentions)
}

/// No variable's decided value grows past this (16 KiB): `X="$X$X"` repeated is unknown.
const MAX_VALUE: usize = 16 * 1024;

/// Nesting deeper than this is not walked (a hostile script must not overflow the stack).
const MAX_DEPTH: usize = 256;

struct Shell<'t, 'd, 'p> {
    text: &'t str,
    /// Where `text` starts in the file (a Markdown block's place).
    offset: usize,
    /// A Markdown example, written for a person to fill in: `export NS="..."`, `NS=""` and
    /// `--subject <subject>` stand for values, they are not values.
    example: bool,
    /// A Makefile recipe: `${X}` is make's variable, not the shell's.
    make: bool,
    /// The literal value of each variable assigned so far; `None` once assigned something
    /// undecided.
    vars: HashMap<String, Option<String>>,
    docs: &'d mut Vec<Node>,
    files: Option<&'d mut Files<'p>>,
}

/// One argument: its decided text (if any), its source and its span in the file.
pub(crate) struct Arg {
    pub value: Option<String>,
    pub source: String,
    pub span: Span,
    /// A single-quoted (or plain) argument whose decoded text is its source between the
    /// quotes: JSON in it keeps its positions.
    pub verbatim_at: Option<usize>,
}

impl Shell<'_, '_, '_> {
    fn src(&self, n: Ts<'_>) -> &str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    fn span(&self, n: Ts<'_>) -> Span {
        Span::new(n.start_byte() + self.offset, n.end_byte() + self.offset)
    }

    fn walk(&mut self, n: Ts<'_>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match n.kind() {
            "variable_assignment" => {
                let name = n
                    .child_by_field_name("name")
                    .map(|v| self.src(v).to_string());
                let value = match n.child_by_field_name("value") {
                    Some(v) => self.value(v),
                    None => Some(String::new()),
                }
                .filter(|v| !(self.example && self.placeholder(v)));
                if let Some(name) = name {
                    self.vars.insert(name, value);
                }
                return;
            }
            "for_statement" => {
                if let Some(v) = n.child_by_field_name("variable") {
                    self.vars.insert(self.src(v).to_string(), None);
                }
            }
            "command" => {
                self.command(n);
            }
            _ => {}
        }
        let mut cursor = n.walk();
        let children: Vec<Ts<'_>> = n.named_children(&mut cursor).collect();
        for child in children {
            self.walk(child, depth + 1);
        }
        // `read X` sets X to what the user types.
        if n.kind() == "command" && self.command_name(n).as_deref() == Some("read") {
            let mut cursor = n.walk();
            let names: Vec<String> = n
                .children_by_field_name("argument", &mut cursor)
                .map(|a| self.src(a).to_string())
                .filter(|a| !a.starts_with('-'))
                .collect();
            for name in names {
                self.vars.insert(name, None);
            }
        }
    }

    fn command_name(&self, n: Ts<'_>) -> Option<String> {
        n.child_by_field_name("name")
            .map(|c| self.src(c).to_string())
    }

    /// A word's decided text: literals and variables assigned literals.
    fn value(&self, n: Ts<'_>) -> Option<String> {
        let src = self.src(n);
        match n.kind() {
            "word" | "number" => {
                (!src.contains(['$', '`', '\\', '*', '?', '[', '{', '~'])).then(|| src.to_string())
            }
            "raw_string" => src
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .map(str::to_string),
            "string" => {
                let mut out = String::new();
                let mut cursor = n.walk();
                for part in n.named_children(&mut cursor) {
                    match part.kind() {
                        "string_content" if !self.src(part).contains('\\') => {
                            out.push_str(self.src(part));
                        }
                        "simple_expansion" | "expansion" => out.push_str(&self.value(part)?),
                        _ => return None,
                    }
                    if out.len() > MAX_VALUE {
                        return None;
                    }
                }
                Some(out)
            }
            "expansion" if self.make => None,
            "simple_expansion" | "expansion" => {
                if n.named_child_count() != 1 {
                    return None;
                }
                let var = n.named_child(0)?;
                if var.kind() != "variable_name" {
                    return None;
                }
                // `${X}` with nothing but the name: its literal value, if assigned one here.
                let plain = src == format!("${}", self.src(var))
                    || src == format!("${{{}}}", self.src(var));
                plain.then(|| self.vars.get(self.src(var)).cloned().flatten())?
            }
            "concatenation" => {
                let mut out = String::new();
                let mut cursor = n.walk();
                for part in n.named_children(&mut cursor) {
                    out.push_str(&self.value(part)?);
                    if out.len() > MAX_VALUE {
                        return None;
                    }
                }
                Some(out)
            }
            _ => None,
        }
    }

    fn placeholder(&self, value: &str) -> bool {
        value.trim().is_empty() || crate::placeholder::classify(value).is_some()
    }

    fn arg(&self, n: Ts<'_>) -> Arg {
        let verbatim_at = match n.kind() {
            "raw_string" => Some(n.start_byte() + 1),
            "word" => Some(n.start_byte()),
            _ => None,
        };
        Arg {
            value: self
                .value(n)
                .filter(|v| !(self.example && self.placeholder(v))),
            source: self.src(n).to_string(),
            span: self.span(n),
            verbatim_at: verbatim_at.map(|o| o + self.offset),
        }
    }

    fn command(&mut self, n: Ts<'_>) {
        let Some(name) = self.command_name(n) else {
            return;
        };
        if !matches!(name.as_str(), "az" | "azwi") {
            return;
        }
        let mut cursor = n.walk();
        let args: Vec<Arg> = n
            .children_by_field_name("argument", &mut cursor)
            .map(|a| self.arg(a))
            .collect();
        let doc = credential(&name, &args, self.span(n), self.files.as_deref_mut());
        // An example whose values are all placeholders that bash reads as redirections
        // (`--issuer <issuer-url>`) says nothing.
        let said = |d: &Node| d.get("issuer").is_some() || d.get("subject").is_some();
        self.docs.extend(doc.filter(|d| !self.example || said(d)));
    }
}

/// A command's `--flag value`, `--flag=value` and `--flag v1 v2` (for list flags) arguments.
struct Flags<'a>(Vec<(String, Vec<Value<'a>>)>);

/// A flag's value: the argument it is in, and where in it the value starts (after `--x=`).
struct Value<'a> {
    arg: &'a Arg,
    text: Option<String>,
    span: Span,
}

impl<'a> Flags<'a> {
    fn of(args: &'a [Arg]) -> Flags<'a> {
        let mut flags: Vec<(String, Vec<Value<'a>>)> = Vec::new();
        for arg in args {
            let is_flag = arg.source.starts_with('-') && arg.value.is_some();
            match (is_flag, flags.last_mut()) {
                (true, _) => {
                    let source = arg.source.as_str();
                    match source.split_once('=') {
                        Some((flag, value)) => {
                            let start = arg.span.start as usize + flag.len() + 1;
                            let text = arg.value.as_ref().and_then(|v| v.split_once('='));
                            flags.push((
                                flag.to_string(),
                                vec![Value {
                                    arg,
                                    text: text.map(|(_, v)| v.to_string()),
                                    span: Span::new(start, start + value.len()),
                                }],
                            ));
                        }
                        None => flags.push((source.to_string(), Vec::new())),
                    }
                }
                (false, Some((_, values))) => values.push(Value {
                    arg,
                    text: arg.value.clone(),
                    span: arg.span,
                }),
                (false, None) => {}
            }
        }
        Flags(flags)
    }

    /// The values of the first of `names` given.
    fn get(&self, names: &[&str]) -> Option<(&str, &[Value<'a>])> {
        self.0
            .iter()
            .find(|(f, values)| names.contains(&f.as_str()) && !values.is_empty())
            .map(|(f, v)| (f.as_str(), v.as_slice()))
    }

    fn one(&self, names: &[&str]) -> Option<&Value<'a>> {
        self.get(names).and_then(|(_, v)| v.first())
    }
}

fn scalar(value: &Value<'_>) -> Node {
    match &value.text {
        Some(t) => Node::string(t.as_str(), value.span),
        None => Node::unknown(value.arg.source.as_str(), value.span),
    }
}

/// `az identity federated-credential create|update`: the credential, with an `id` naming its
/// identity by resource group and name, as the command names it.
fn identity_credential(flags: &Flags<'_>, header: Span, update: bool) -> Node {
    let mut entries = vec![Entry::new(
        "type",
        header,
        Node::scalar(FIC_TYPE, Style::Quoted, Typed::Str, header),
    )];
    for (key, names) in [
        ("name", &["--name", "-n"][..]),
        ("issuer", &["--issuer"]),
        ("subject", &["--subject"]),
    ] {
        match flags.one(names) {
            Some(v) => entries.push(Entry::new(key, v.span, scalar(v))),
            // `update` leaves what it is not given as it was.
            None if update && key != "name" => {
                entries.push(Entry::new(
                    key,
                    header,
                    Node::unknown("unchanged by `update`", header),
                ));
            }
            None => {}
        }
    }
    match flags.get(&["--audiences"]) {
        Some((_, values)) => {
            let items = values.iter().map(scalar).collect();
            let span = values
                .iter()
                .map(|v| v.span)
                .reduce(Span::to)
                .unwrap_or(header);
            entries.push(Entry::new(
                "audiences",
                span,
                Node {
                    span,
                    kind: NodeKind::Seq(items),
                },
            ));
        }
        None => {
            let value = if update {
                Node::unknown("unchanged by `update`", header)
            } else {
                Node {
                    span: header,
                    kind: NodeKind::Seq(vec![Node::scalar(
                        DEFAULT_AUDIENCE,
                        Style::Quoted,
                        Typed::Str,
                        header,
                    )]),
                }
            };
            entries.push(Entry::new("audiences", header, value));
        }
    }
    let part = |names: &[&str]| {
        flags
            .one(names)
            .map(|v| (v.text.clone(), v.arg.source.clone()))
    };
    let name = flags.one(&["--name", "-n"]).and_then(|v| v.text.clone());
    if let (Some(identity), Some(group)) = (
        flags.one(&["--identity-name"]),
        part(&["--resource-group", "-g"]),
    ) {
        let fic = name.unwrap_or_else(|| "?".into());
        let id = match (&identity.text, group) {
            (Some(name), (Some(group), _)) => Node::scalar(
                format!(
                    "az:resourceGroups/{group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}/federatedIdentityCredentials/{fic}"
                ),
                Style::Reference,
                Typed::Unknown,
                identity.span,
            ),
            // Undecided, but the same expressions are the same identity.
            (_, (_, group)) => Node::unknown(
                format!(
                    "az:{group}/userAssignedIdentities/{}/federatedIdentityCredentials/{fic}",
                    identity.arg.source
                ),
                identity.span,
            ),
        };
        entries.push(Entry::new("id", identity.span, id));
    }
    Node::map(entries, header)
}

/// The credential an `az` or `azwi` command (`name`) with these arguments creates, if it creates
/// one; `header` is the command. Shared by every shell the commands are read from.
pub(crate) fn credential(
    name: &str,
    args: &[Arg],
    header: Span,
    files: Option<&mut Files<'_>>,
) -> Option<Node> {
    let words: Vec<&str> = args
        .iter()
        .take_while(|a| !a.source.starts_with('-'))
        .map(|a| a.source.as_str())
        .collect();
    let flags = Flags::of(&args[words.len()..]);
    match (name, words.as_slice()) {
        (
            "az",
            [
                "identity",
                "federated-credential",
                verb @ ("create" | "update"),
            ],
        ) => Some(identity_credential(&flags, header, *verb == "update")),
        ("az", ["ad", "app", "federated-credential", "create" | "update"]) => {
            app_credential_of(&flags, header, files)
        }
        (
            "azwi",
            ["serviceaccount", "create"]
            | ["serviceaccount", "create", "phase", "federated-identity"],
        ) => Some(azwi_credential(&flags, header)),
        _ => None,
    }
}

/// `az ad app federated-credential create --id <app> --parameters '{…}'`: the JSON is the
/// Graph credential. `@file.json` (beside the script) is read as its own input when it is in
/// the scan ([`Parameters`]); otherwise its values are unknown here.
fn app_credential_of(
    flags: &Flags<'_>,
    header: Span,
    files: Option<&mut Files<'_>>,
) -> Option<Node> {
    let params = flags.one(&["--parameters"])?;
    let id = flags.one(&["--id"]);
    let app = id.map(|a| App {
        value: a.text.clone(),
        source: a.arg.source.clone(),
    });
    let file = match &params.text {
        Some(json) => json.strip_prefix('@'),
        None => params.arg.source.strip_prefix('@'),
    };
    if let Some(file) = file {
        if let Some(files) = files
            && params.text.is_some()
        {
            let path = crate::kustomize::normalize(&files.dir.join(file));
            if files.parameters.scanned.contains(&path) {
                files.named.push((path, app));
                return None;
            }
        }
        return Some(unread_parameters(params, app.as_ref(), header));
    }
    let at = id.map(|a| a.span);
    app_credential(params, app.as_ref().zip(at), header)
}

/// The credential of `--parameters @file.json` when the file is not in the scan: an app
/// registration's credential whose values are unknown (a note, never an error).
fn unread_parameters(params: &Value<'_>, app: Option<&App>, header: Span) -> Node {
    let what = format!("{} (a file not in the scan)", params.arg.source);
    let unknown =
        |key: &str| Entry::new(key, params.span, Node::unknown(what.as_str(), params.span));
    let mut doc = Node::map(
        vec![
            odata_type(header),
            unknown("issuer"),
            unknown("subject"),
            unknown("audiences"),
        ],
        header,
    );
    if let (Some(app), NodeKind::Map(entries)) = (app, &mut doc.kind) {
        let id = app_id(app, &Node::map(Vec::new(), header), params.span);
        entries.push(Entry::new("id", params.span, id));
    }
    doc
}

fn app_credential(params: &Value<'_>, app: Option<(&App, Span)>, header: Span) -> Option<Node> {
    let json = params.text.as_deref()?;
    let mut doc = document::json::parse(json).ok()?;
    match params.arg.verbatim_at {
        Some(at) if params.span == params.arg.span => {
            doc.shift(u32::try_from(at).unwrap_or(u32::MAX));
        }
        _ => pin(&mut doc, params.span),
    }
    let id = app.map(|(app, span)| Entry::new("id", span, app_id(app, &doc, span)));
    let NodeKind::Map(entries) = &mut doc.kind else {
        return None;
    };
    entries.push(odata_type(header));
    entries.extend(id);
    Some(doc)
}

/// What marks an app registration's credential in Graph exports.
fn odata_type(header: Span) -> Entry {
    Entry::new(
        "@odata.type",
        header,
        Node::scalar(
            "#microsoft.graph.federatedIdentityCredential",
            Style::Quoted,
            Typed::Str,
            header,
        ),
    )
}

/// `azwi serviceaccount create [phase federated-identity]`: the app registration's credential
/// for the ServiceAccount it names, trusted from the issuer it is given.
fn azwi_credential(flags: &Flags<'_>, header: Span) -> Node {
    let mut entries = vec![odata_type(header)];
    match flags.one(&["--service-account-issuer-url"]) {
        Some(v) => entries.push(Entry::new("issuer", v.span, scalar(v))),
        None => entries.push(Entry::new(
            "issuer",
            header,
            Node::unknown("azwi's issuer", header),
        )),
    }
    let ns = flags.one(&["--service-account-namespace"]);
    let sa = flags.one(&["--service-account-name"]);
    let subject = match (ns, sa) {
        (Some(ns), Some(sa)) => match (&ns.text, &sa.text) {
            (Some(n), Some(s)) => Node::scalar(
                format!("system:serviceaccount:{n}:{s}"),
                Style::Quoted,
                Typed::Str,
                sa.span,
            ),
            _ => Node::unknown(
                format!("system:serviceaccount:{}:{}", ns.arg.source, sa.arg.source),
                sa.span,
            ),
        },
        _ => Node::unknown("the ServiceAccount azwi is given", header),
    };
    let span = subject.span;
    entries.push(Entry::new("subject", span, subject));
    entries.push(Entry::new(
        "audiences",
        header,
        Node::unknown("azwi's default audience", header),
    ));
    if let Some(app) = flags.one(&[
        "--aad-application-name",
        "--aad-application-object-id",
        "--aad-application-client-id",
    ]) {
        let id = match &app.text {
            Some(a) => Node::scalar(
                format!("azwi:applications/{a}/federatedIdentityCredentials/?"),
                Style::Reference,
                Typed::Unknown,
                app.span,
            ),
            None => Node::unknown(
                format!("azwi:{}/federatedIdentityCredentials/?", app.arg.source),
                app.span,
            ),
        };
        entries.push(Entry::new("id", app.span, id));
    }
    Node::map(entries, header)
}

/// Every node of a tree at one span: JSON decoded from a quoted shell word whose positions
/// inside the word are not its positions in the file.
fn pin(node: &mut Node, span: Span) {
    node.span = span;
    match &mut node.kind {
        NodeKind::Map(entries) => {
            for e in entries {
                pin(&mut e.key, span);
                pin(&mut e.value, span);
            }
        }
        NodeKind::Seq(items) => items.iter_mut().for_each(|i| pin(i, span)),
        NodeKind::Scalar(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn az_identity_credential_with_variables() {
        let text = "RG=rg-orders\nNS=\"orders\"\naz identity federated-credential create --name api \\\n  --identity-name id-orders --resource-group \"$RG\" \\\n  --issuer \"$ISSUER\" --subject system:serviceaccount:${NS}:api\n";
        let docs = lower(text).unwrap_or_default();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(
            d.get_str("subject"),
            Some("system:serviceaccount:orders:api")
        );
        assert!(d.get("issuer").is_some_and(Node::is_unknown));
        let subject = d.get("subject").map(|s| s.span);
        let at = text.find("system:").unwrap_or(0);
        assert_eq!(subject.map(|s| s.start as usize), Some(at));
        assert_eq!(
            d.get("id").and_then(Node::expression),
            Some(
                "az:resourceGroups/rg-orders/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders/federatedIdentityCredentials/api"
            )
        );
        let audiences = d.get("audiences").and_then(Node::as_seq).map(<[Node]>::len);
        assert_eq!(audiences, Some(1));
    }

    #[test]
    fn app_parameters_keep_json_positions() {
        let text = "az ad app federated-credential create --id 00000000-0000-0000-0000-000000000001 --parameters '{\"name\": \"gh\", \"issuer\": \"https://token.actions.githubusercontent.com\", \"subject\": \"repo:a/b:ref:refs/heads/main\", \"audiences\": [\"api://AzureADTokenExchange\"]}'\n";
        let docs = lower(text).unwrap_or_default();
        let subject = docs.first().and_then(|d| d.get("subject"));
        let at = text.find("\"repo:").unwrap_or(0);
        assert_eq!(subject.map(|s| s.span.start as usize), Some(at));
    }

    #[test]
    fn markdown_console_blocks() {
        let text = "# Setup\n\n```console\n$ az identity federated-credential create --name api --identity-name id --resource-group rg --issuer https://x/ --subject system:serviceaccount:ns:api\n{ \"output\": 1 }\n```\n\n```yaml\naz: not shell\n```\n";
        let docs = lower_markdown(text);
        assert_eq!(docs.len(), 1);
        let issuer = docs[0].get("issuer").map(|s| s.span.start as usize);
        assert_eq!(issuer, text.find("https://x/"));
    }

    #[test]
    fn doubling_variables_stay_bounded() {
        let mut text = String::from("X=ab\n");
        for _ in 0..64 {
            text.push_str("X=\"$X$X\"\n");
        }
        text.push_str("az identity federated-credential create --name n --identity-name i -g g --issuer \"$X\" --subject s\n");
        let docs = lower(&text).unwrap_or_default();
        assert!(docs[0].get("issuer").is_some_and(Node::is_unknown));
    }

    #[test]
    fn markdown_placeholders_are_unknown() {
        let text = "```bash\nexport NS=\"...\"\naz identity federated-credential create --name n --identity-name i -g g --issuer \"<issuer>\" --subject \"system:serviceaccount:${NS}:api\"\n```\n";
        let docs = lower_markdown(text);
        assert!(docs[0].get("issuer").is_some_and(Node::is_unknown));
        assert!(docs[0].get("subject").is_some_and(Node::is_unknown));
    }

    #[test]
    fn shebangs() {
        assert!(has_shell_shebang("#!/bin/sh\n"));
        assert!(has_shell_shebang("#!/usr/bin/env bash\n"));
        assert!(!has_shell_shebang("#!/usr/bin/env python3\n"));
    }
}
