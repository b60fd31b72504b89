//! Bicep as a front-end of the model: `.bicep` files are parsed with the maintained tree-sitter
//! grammar and lowered into the export shapes the model reads (credential, identity, app and AKS
//! cluster), with every node's span in the `.bicep` text. The seam is `docs/frontends.md`.
//!
//! Values are decided from the file itself: literals, `param` defaults (overridden by the
//! `.bicepparam` files beside it that name it in `using`), `var`s and `'…${x}…'` interpolation of
//! those. No Rust crate evaluates Bicep, so only data moved as it is, and strings joined from
//! decided parts, are decided; every function call and operator is unknown. A property of a
//! resource the file declares (`aks.properties.oidcIssuerProfile.issuerURL`) is a
//! [`Style::Reference`] named `bicep:<file>/<symbol>.<path>`, the same text the cluster's
//! issuer gets, so it is right by construction.

use std::collections::HashMap;

use tree_sitter::{Node as Ts, Parser, Tree};

use crate::document::{Entry, Node, NodeKind, ParseError, Span, Style, Typed, sitter};
use crate::model::azure::{CLUSTER_TYPE, FIC_TYPE, IDENTITY_TYPE};

pub fn is_bicep(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".bicep") || lower.ends_with(".bicepparam")
}

pub fn is_bicepparam(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".bicepparam")
}

/// Values interpolation and `var`s may take at most this deep (a var that names itself, or a
/// chain of thousands, stays unknown).
const MAX_DEPTH: usize = 32;
/// A `for` loop over more items than this is one credential of unknown count.
const MAX_LOOP: usize = 4096;
/// No decided string grows past this (16 KiB): larger is unknown.
const MAX_VALUE: usize = 16 * 1024;

const APP_FIC_TYPE: &str = "Microsoft.Graph/applications/federatedIdentityCredentials";
const APP_TYPE: &str = "Microsoft.Graph/applications";
const AVM_IDENTITY: &str = "avm/res/managed-identity/user-assigned-identity";

fn parse(text: &str) -> Result<Tree, ParseError> {
    let mut parser = Parser::new();
    let language: tree_sitter::Language = tree_sitter_bicep::LANGUAGE.into();
    let failed = |message: &str| ParseError {
        message: message.into(),
        span: Span::default(),
    };
    parser
        .set_language(&language)
        .map_err(|_| failed("the Bicep grammar could not be loaded"))?;
    parser
        .parse(text, None)
        .ok_or_else(|| failed("the Bicep parser gave up"))
}

/// Where the `//` comments of a Bicep file start: suppressions are read from these alone, never
/// from a string that happens to hold `//`. Extras (comments) may sit anywhere in the tree, so
/// it is walked whole, with an explicit stack.
pub fn comment_starts(text: &str) -> std::collections::HashSet<usize> {
    let mut starts = std::collections::HashSet::new();
    let Ok(tree) = parse(text) else {
        return starts;
    };
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "comment" {
            starts.insert(n.start_byte());
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.children(&mut cursor));
    }
    starts
}

/// Bicep statements newer than the grammar (`extension microsoftGraphV1`, and `provider`, its
/// earlier spelling): valid Bicep, so not a syntax error; they declare nothing wiflint reads.
fn newer_statement(n: Ts<'_>, text: &str) -> bool {
    let text = text.get(n.byte_range()).unwrap_or("");
    let mut words = text.split_whitespace();
    matches!(words.next(), Some("extension" | "provider"))
        && words.next().is_some()
        && !text.trim().contains('\n')
}

/// The values `.bicepparam` files give a Bicep file's parameters: a parameter given the same
/// value by every file that names it is decided; one they disagree on is unknown.
#[derive(Debug, Default, Clone)]
pub struct Params(HashMap<String, Option<Val>>);

impl Params {
    /// The `.bicepparam` files in the directory of `path` whose `using` names it.
    pub fn beside(path: &std::path::Path) -> Params {
        let mut params = Params::default();
        let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
            return params;
        };
        let Ok(entries) = std::fs::read_dir(if dir.as_os_str().is_empty() {
            std::path::Path::new(".")
        } else {
            dir
        }) else {
            return params;
        };
        let mut files: Vec<_> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_str().is_some_and(is_bicepparam))
            .collect();
        files.sort();
        for file in files {
            let Ok(text) = std::fs::read_to_string(&file) else {
                continue;
            };
            if text.len() > 1024 * 1024 {
                continue;
            }
            params.add(&text, &name.to_string_lossy());
        }
        params
    }

    fn add(&mut self, text: &str, target: &str) {
        let Ok(tree) = parse(text) else { return };
        let root = tree.root_node();
        let names_target = named(root, "using_statement").any(|u| {
            let using = string_literal(u, text).unwrap_or_default();
            using.rsplit(['/', '\\']).next() == Some(target)
        });
        if !names_target {
            return;
        }
        let scope = Scope::new(text, "", Params::default());
        let mut cursor = root.walk();
        for decl in root.children(&mut cursor) {
            if decl.kind() != "parameter_declaration" {
                continue;
            }
            let Some(name) = first_named(decl, "identifier").map(|n| scope.src(n)) else {
                continue;
            };
            // The grammar reads `param x = value` as a parameter whose type is the value.
            let Some(value) = last_named(decl) else {
                continue;
            };
            let value = if value.kind() == "type" {
                match value.named_child(0) {
                    Some(v) => v,
                    None => continue,
                }
            } else {
                value
            };
            let v = scope.eval(value, &HashMap::new(), 0);
            let v = (!matches!(v, Val::Unknown(_))).then_some(v);
            self.0
                .entry(name.to_string())
                .and_modify(|old| {
                    if *old != v {
                        *old = None;
                    }
                })
                .or_insert(v);
        }
    }
}

/// The value of a Bicep expression, as far as the file decides it.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(String),
    Bool(bool),
    Int(i64),
    Null,
    Array(Vec<Val>),
    Object(Vec<(String, Val)>),
    /// A property of a resource or module the file declares (see [`Style::Reference`]).
    Ref(String),
    /// Not decided: the expression's source.
    Unknown(String),
}

/// What one file's expressions can use.
struct Scope<'t> {
    text: &'t str,
    /// `bicep:<file>/`, in front of every symbolic name.
    qualifier: String,
    params: HashMap<String, Val>,
    vars: HashMap<String, Ts<'t>>,
    /// Each `var`'s value, computed once (`None` while it is being computed: a var that needs
    /// itself is unknown).
    values: std::cell::RefCell<HashMap<String, Option<Val>>>,
    /// Symbols of resources and modules (`existing` ones too).
    symbols: HashMap<String, Ts<'t>>,
    given: Params,
}

impl<'t> Scope<'t> {
    fn new(text: &'t str, file: &str, given: Params) -> Self {
        Scope {
            text,
            qualifier: format!("bicep:{file}/"),
            params: HashMap::new(),
            vars: HashMap::new(),
            values: std::cell::RefCell::default(),
            symbols: HashMap::new(),
            given,
        }
    }

    fn src(&self, n: Ts<'_>) -> &'t str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    fn declare(&mut self, root: Ts<'t>) {
        let mut cursor = root.walk();
        for decl in root.children(&mut cursor) {
            let Some(name) = first_named(decl, "identifier") else {
                continue;
            };
            let name = self.src(name).to_string();
            match decl.kind() {
                "parameter_declaration" => {
                    let value = match self.given.0.get(&name) {
                        Some(Some(v)) => v.clone(),
                        Some(None) => Val::Unknown(format!("param {name}")),
                        None => match default_of(decl) {
                            Some(d) => self.eval(d, &HashMap::new(), 0),
                            None => Val::Unknown(format!("param {name}")),
                        },
                    };
                    self.params.insert(name, value);
                }
                "variable_declaration" => {
                    if let Some(value) = last_named(decl) {
                        self.vars.insert(name, value);
                    }
                }
                "resource_declaration" | "module_declaration" => {
                    self.symbols.insert(name, decl);
                }
                _ => {}
            }
        }
    }

    /// Evaluates an expression; `locals` are the loop variables in scope.
    fn eval(&self, n: Ts<'_>, locals: &HashMap<String, Val>, depth: usize) -> Val {
        let unknown = || Val::Unknown(self.src(n).trim().to_string());
        if depth > MAX_DEPTH {
            return unknown();
        }
        match n.kind() {
            "string" | "multiline_string" => {
                let mut out = String::new();
                let mut cursor = n.walk();
                for part in n.named_children(&mut cursor) {
                    match part.kind() {
                        "string_content" => out.push_str(self.src(part)),
                        "escape_sequence" => out.push_str(&unescape(self.src(part))),
                        "interpolation" => {
                            let Some(inner) = part.named_child(0) else {
                                return unknown();
                            };
                            match self.eval(inner, locals, depth + 1) {
                                Val::Str(s) => out.push_str(&s),
                                Val::Int(i) => out.push_str(&i.to_string()),
                                Val::Bool(b) => out.push_str(&b.to_string()),
                                _ => return unknown(),
                            }
                        }
                        _ => return unknown(),
                    }
                    if out.len() > MAX_VALUE {
                        return unknown();
                    }
                }
                if n.kind() == "multiline_string" && n.named_child_count() == 0 {
                    let raw = self.src(n);
                    let inner = raw.strip_prefix("'''").and_then(|r| r.strip_suffix("'''"));
                    return inner.map_or_else(unknown, |s| Val::Str(s.to_string()));
                }
                Val::Str(out)
            }
            "boolean" => Val::Bool(self.src(n) == "true"),
            "null" => Val::Null,
            "number" => self.src(n).parse().map_or_else(|_| unknown(), Val::Int),
            "parenthesized_expression" => match n.named_child(0) {
                Some(inner) => self.eval(inner, locals, depth + 1),
                None => unknown(),
            },
            "array" => {
                let mut items = Vec::new();
                let mut cursor = n.walk();
                for item in n.named_children(&mut cursor) {
                    if item.kind() != "decorators" {
                        items.push(self.eval(item, locals, depth + 1));
                    }
                }
                bounded(Val::Array(items), unknown)
            }
            "object" => {
                let entries = properties(n)
                    .into_iter()
                    .map(|(key, value)| (self.key(key), self.eval(value, locals, depth + 1)))
                    .collect();
                bounded(Val::Object(entries), unknown)
            }
            "identifier" => {
                let name = self.src(n);
                if let Some(v) = locals.get(name) {
                    return v.clone();
                }
                if let Some(v) = self.params.get(name) {
                    return v.clone();
                }
                if let Some(v) = self.vars.get(name) {
                    let known = self.values.borrow().get(name).cloned();
                    let value = match known {
                        Some(Some(value)) => value,
                        Some(None) => return unknown(),
                        None => {
                            self.values.borrow_mut().insert(name.to_string(), None);
                            let value = self.eval(*v, &HashMap::new(), depth + 1);
                            self.values
                                .borrow_mut()
                                .insert(name.to_string(), Some(value.clone()));
                            value
                        }
                    };
                    return match value {
                        Val::Unknown(_) => unknown(),
                        v => v,
                    };
                }
                unknown()
            }
            "member_expression" | "subscript_expression" => self.member(n, locals, depth),
            _ => unknown(),
        }
    }

    /// `a.b.c`, `a[0]`: a property of a declared resource stays a reference; one of a decided
    /// object or array is its value.
    fn member(&self, n: Ts<'_>, locals: &HashMap<String, Val>, depth: usize) -> Val {
        let unknown = || Val::Unknown(self.src(n).trim().to_string());
        let Some(object) = n.child_by_field_name("object") else {
            return unknown();
        };
        if n.kind() == "member_expression" {
            let mut root = object;
            while matches!(root.kind(), "member_expression" | "subscript_expression") {
                match root.child_by_field_name("object") {
                    Some(o) => root = o,
                    None => return unknown(),
                }
            }
            if root.kind() == "identifier"
                && !locals.contains_key(self.src(root))
                && self.symbols.contains_key(self.src(root))
            {
                let path: String = self.src(n).split_whitespace().collect();
                if !path.contains(['[', '(', '?', '!']) {
                    return Val::Ref(format!("{}{path}", self.qualifier));
                }
                return unknown();
            }
        }
        let base = self.eval(object, locals, depth + 1);
        let picked = match (n.kind(), &base) {
            ("member_expression", Val::Object(entries)) => {
                let prop = n.child_by_field_name("property").map(|p| self.src(p));
                entries
                    .iter()
                    .find(|(k, _)| Some(k.as_str()) == prop)
                    .map(|(_, v)| v.clone())
            }
            ("subscript_expression", Val::Array(items)) => {
                match n
                    .child_by_field_name("index")
                    .map(|i| self.eval(i, locals, depth + 1))
                {
                    Some(Val::Int(i)) => {
                        usize::try_from(i).ok().and_then(|i| items.get(i)).cloned()
                    }
                    _ => None,
                }
            }
            _ => None,
        };
        match picked {
            Some(Val::Unknown(_)) | None => unknown(),
            Some(v) => v,
        }
    }

    fn key(&self, key: Ts<'_>) -> String {
        if key.kind() == "string" {
            return string_literal(key, self.text).unwrap_or_else(|| self.src(key).to_string());
        }
        self.src(key).to_string()
    }

    /// An expression as a span tree: literal objects and arrays keep the spans of their
    /// entries; anything else is one scalar at the expression.
    fn lower(&self, n: Ts<'_>, locals: &HashMap<String, Val>) -> Node {
        self.lower_at(n, locals, 0)
    }

    fn lower_at(&self, n: Ts<'_>, locals: &HashMap<String, Val>, depth: usize) -> Node {
        let span = span_of(n);
        if depth > MAX_DEPTH {
            return from_val(&Val::Unknown(self.src(n).trim().to_string()), span);
        }
        match n.kind() {
            "object" => {
                let entries = properties(n)
                    .into_iter()
                    .map(|(key, value)| Entry {
                        key: Node::scalar(self.key(key), Style::Plain, Typed::Str, span_of(key)),
                        value: self.lower_at(value, locals, depth + 1),
                    })
                    .collect();
                Node::map(entries, span)
            }
            "array" => {
                let mut cursor = n.walk();
                let items = n
                    .named_children(&mut cursor)
                    .filter(|i| i.kind() != "decorators")
                    .map(|i| self.lower_at(i, locals, depth + 1))
                    .collect();
                Node {
                    span,
                    kind: NodeKind::Seq(items),
                }
            }
            _ => match self.eval(n, locals, 0) {
                Val::Unknown(src) => self
                    .partial(n, locals)
                    .unwrap_or_else(|| Node::unknown(src, span)),
                value => from_val(&value, span),
            },
        }
    }

    /// A `'…${x}…'` string the file decides only in part, as a partial string (see
    /// [`Style::Partial`]): each interpolation that evaluates to a primitive is known text, any
    /// other a hole named by its source.
    fn partial(&self, n: Ts<'_>, locals: &HashMap<String, Val>) -> Option<Node> {
        if n.kind() != "string" {
            return None;
        }
        let mut parts: Vec<(bool, String)> = Vec::new();
        let mut cursor = n.walk();
        for part in n.named_children(&mut cursor) {
            parts.push(match part.kind() {
                "string_content" => (true, self.src(part).to_string()),
                "escape_sequence" => (true, unescape(self.src(part))),
                "interpolation" => {
                    let inner = part.named_child(0)?;
                    match self.eval(inner, locals, 1) {
                        Val::Str(s) => (true, s),
                        Val::Int(i) => (true, i.to_string()),
                        Val::Bool(b) => (true, b.to_string()),
                        _ => (false, self.src(inner).trim().to_string()),
                    }
                }
                _ => return None,
            });
        }
        if parts.iter().map(|(_, s)| s.len()).sum::<usize>() > MAX_VALUE {
            return None;
        }
        Node::partial(&parts, span_of(n))
    }
}

/// No decided array or object holds more than this many values in all: a `var` that doubles
/// another at every step must not grow without bound.
const MAX_WEIGHT: usize = 4096;

fn weight(v: &Val) -> usize {
    match v {
        Val::Array(items) => items.iter().map(weight).sum::<usize>() + 1,
        Val::Object(entries) => entries.iter().map(|(_, v)| weight(v)).sum::<usize>() + 1,
        Val::Str(s) => 1 + s.len() / 64,
        _ => 1,
    }
}

fn bounded(v: Val, unknown: impl Fn() -> Val) -> Val {
    if weight(&v) > MAX_WEIGHT {
        unknown()
    } else {
        v
    }
}

/// A decided value as a tree, every node at `span` (the expression that uses it).
fn from_val(v: &Val, span: Span) -> Node {
    match v {
        Val::Str(s) => Node::scalar(s.as_str(), Style::Quoted, Typed::Str, span),
        Val::Bool(b) => Node::scalar(b.to_string(), Style::Json, Typed::Bool(*b), span),
        Val::Int(i) => Node::scalar(i.to_string(), Style::Json, Typed::Int(*i), span),
        Val::Null => Node::scalar("null", Style::Json, Typed::Null, span),
        Val::Array(items) => Node {
            span,
            kind: NodeKind::Seq(items.iter().map(|i| from_val(i, span)).collect()),
        },
        Val::Object(entries) => Node::map(
            entries
                .iter()
                .map(|(k, v)| Entry {
                    key: Node::scalar(k.as_str(), Style::Plain, Typed::Str, span),
                    value: from_val(v, span),
                })
                .collect(),
            span,
        ),
        Val::Ref(r) => Node::scalar(r.as_str(), Style::Reference, Typed::Unknown, span),
        Val::Unknown(src) => Node::scalar(src.as_str(), Style::Plain, Typed::Unknown, span),
    }
}

fn span_of(n: Ts<'_>) -> Span {
    Span::new(n.start_byte(), n.end_byte())
}

fn unescape(e: &str) -> String {
    match e {
        "\\n" => "\n".into(),
        "\\r" => "\r".into(),
        "\\t" => "\t".into(),
        "\\\\" => "\\".into(),
        "\\'" => "'".into(),
        "\\$" => "$".into(),
        other => other.to_string(),
    }
}

fn named<'t>(root: Ts<'t>, kind: &'static str) -> impl Iterator<Item = Ts<'t>> {
    let mut cursor = root.walk();
    let found: Vec<Ts<'t>> = root
        .named_children(&mut cursor)
        .filter(|c| c.kind() == kind)
        .collect();
    found.into_iter()
}

/// An object's `key: value` pairs.
fn properties(object: Ts<'_>) -> Vec<(Ts<'_>, Ts<'_>)> {
    let mut cursor = object.walk();
    object
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "object_property")
        .filter_map(|p| Some((p.named_child(0)?, last_named(p)?)))
        .collect()
}

fn first_named<'t>(n: Ts<'t>, kind: &str) -> Option<Ts<'t>> {
    let mut cursor = n.walk();
    n.named_children(&mut cursor).find(|c| c.kind() == kind)
}

fn last_named(n: Ts<'_>) -> Option<Ts<'_>> {
    let count = u32::try_from(n.named_child_count()).ok()?;
    n.named_child(count.checked_sub(1)?)
}

/// A string without interpolation.
fn string_literal(n: Ts<'_>, text: &str) -> Option<String> {
    let n = if n.kind() == "string" {
        n
    } else {
        first_named(n, "string")?
    };
    let mut cursor = n.walk();
    let mut out = String::new();
    for part in n.named_children(&mut cursor) {
        match part.kind() {
            "string_content" => out.push_str(text.get(part.byte_range())?),
            "escape_sequence" => out.push_str(&unescape(text.get(part.byte_range())?)),
            _ => return None,
        }
    }
    Some(out)
}

/// A parameter's default: the expression after `=`.
fn default_of(decl: Ts<'_>) -> Option<Ts<'_>> {
    let mut cursor = decl.walk();
    let mut after_eq = false;
    for child in decl.children(&mut cursor) {
        if after_eq && child.is_named() {
            return Some(child);
        }
        after_eq |= child.kind() == "=";
    }
    None
}

/// A resource or module declaration's pieces.
struct Decl<'t> {
    symbol: String,
    /// The type without its `@version`, or the module's source.
    ty: String,
    header: Span,
    existing: bool,
    /// The body object, and the loop it is in (`[for x in xs: {…}]`).
    body: Option<Ts<'t>>,
    each: Option<Ts<'t>>,
}

fn decl<'t>(n: Ts<'t>, text: &str) -> Option<Decl<'t>> {
    let symbol = first_named(n, "identifier")?;
    let ty_node = first_named(n, "string")?;
    let ty = string_literal(ty_node, text)?;
    let ty = ty.split('@').next().unwrap_or("").to_string();
    let mut cursor = n.walk();
    let existing = n.children(&mut cursor).any(|c| c.kind() == "existing");
    let mut body = None;
    let mut each = None;
    let mut value = last_named(n)?;
    for _ in 0..2 {
        match value.kind() {
            "object" => body = Some(value),
            "if_statement" => {
                value = last_named(value)?;
                continue;
            }
            "for_statement" => {
                each = Some(value);
                let b = value.child_by_field_name("body")?;
                if b.kind() == "if_statement" {
                    body = last_named(b);
                } else {
                    body = Some(b);
                }
            }
            _ => {}
        }
        break;
    }
    Some(Decl {
        symbol: text.get(symbol.byte_range())?.to_string(),
        ty,
        header: Span::new(n.start_byte(), ty_node.end_byte()),
        existing,
        body,
        each,
    })
}

/// Lowers one `.bicep` file; `file` qualifies its symbols (its path as reports show it).
pub fn lower(text: &str, file: &str, given: Params) -> Result<Vec<Node>, ParseError> {
    let tree = parse(text)?;
    let root = tree.root_node();
    if let Some(e) = sitter::first_error(root, text, "Bicep", newer_statement) {
        return Err(e);
    }
    let mut scope = Scope::new(text, file, given);
    scope.declare(root);
    let mut lowerer = Lowerer {
        scope: &scope,
        docs: Vec::new(),
    };
    let mut cursor = root.walk();
    for n in root.named_children(&mut cursor) {
        if matches!(n.kind(), "resource_declaration" | "module_declaration") {
            lowerer.declaration(n, None, 0);
        }
    }
    Ok(lowerer.docs)
}

struct Lowerer<'s, 't> {
    scope: &'s Scope<'t>,
    docs: Vec<Node>,
}

impl Lowerer<'_, '_> {
    /// One declaration; `parent` is the symbol of the resource it is nested in.
    fn declaration(&mut self, n: Ts<'_>, parent: Option<&str>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let text = self.scope.text;
        let Some(d) = decl(n, text) else { return };
        if d.existing {
            return;
        }
        let Some(body) = d.body else { return };
        let ty = d.ty.to_ascii_lowercase();
        let module = n.kind() == "module_declaration";
        // The loop's instances: one set of loop variables each, or one instance of unknown count.
        let instances = self.instances(&d);
        if module {
            if ty.contains(AVM_IDENTITY) {
                self.avm_identity(&d, body, &instances);
            }
            return;
        }
        let nested_fic = parent.is_some() && ty == "federatedidentitycredentials";
        for (locals, count) in &instances {
            let doc = if ty == FIC_TYPE.to_ascii_lowercase() || nested_fic {
                self.credential(&d, body, locals, parent, false)
            } else if ty == APP_FIC_TYPE.to_ascii_lowercase() {
                self.credential(&d, body, locals, None, true)
            } else if ty == IDENTITY_TYPE.to_ascii_lowercase() {
                Some(self.identity(&d, body, locals, "properties"))
            } else if ty == CLUSTER_TYPE.to_ascii_lowercase() {
                self.cluster(&d, body, locals)
            } else if ty == APP_TYPE.to_ascii_lowercase() {
                self.app(&d, body, locals)
            } else {
                None
            };
            if let Some(mut doc) = doc {
                if let Some(count) = count {
                    push(&mut doc, "copy", count.clone(), d.header);
                }
                self.docs.push(doc);
            }
        }
        // Resources nested in this one's body.
        let mut cursor = body.walk();
        for prop in body.named_children(&mut cursor) {
            if let Some(inner) = first_named(prop, "resource_declaration") {
                self.declaration(inner, Some(&d.symbol), depth + 1);
            }
        }
    }

    /// The loop variables of each instance; a loop over what the file does not decide is one
    /// instance whose `copy.count` is unknown.
    fn instances(&self, d: &Decl<'_>) -> Vec<(HashMap<String, Val>, Option<Node>)> {
        let Some(each) = d.each else {
            return vec![(HashMap::new(), None)];
        };
        let scope = self.scope;
        let (mut item, mut index) = (None, None);
        if let Some(params) = first_named(each, "for_loop_parameters") {
            item = first_named(params, "loop_variable").map(|v| scope.src(v).to_string());
            index = first_named(params, "loop_enumerator").map(|v| scope.src(v).to_string());
        } else if let Some(init) = each.child_by_field_name("initializer") {
            item = Some(scope.src(init).to_string());
        }
        // The iterated expression: the named child after `in`.
        let mut cursor = each.walk();
        let mut after_in = false;
        let mut source = None;
        for child in each.children(&mut cursor) {
            if after_in && child.is_named() {
                source = Some(child);
                break;
            }
            after_in |= child.kind() == "in";
        }
        let values = match source.map(|s| scope.eval(s, &HashMap::new(), 0)) {
            Some(Val::Array(items)) if items.len() <= MAX_LOOP => items,
            _ => {
                let src = source.map_or("", |s| scope.src(s));
                let mut locals = HashMap::new();
                for name in item.iter().chain(index.iter()) {
                    locals.insert(name.clone(), Val::Unknown(name.clone()));
                }
                let count = Node::scalar(
                    format!("length({src})"),
                    Style::Plain,
                    Typed::Unknown,
                    source.map_or(d.header, span_of),
                );
                let copy = Node::map(
                    vec![Entry {
                        key: Node::scalar("count", Style::Plain, Typed::Str, span_of(each)),
                        value: count,
                    }],
                    span_of(each),
                );
                return vec![(locals, Some(copy))];
            }
        };
        values
            .into_iter()
            .enumerate()
            .map(|(i, v)| {
                let mut locals = HashMap::new();
                if let Some(item) = &item {
                    locals.insert(item.clone(), v);
                }
                if let Some(index) = &index {
                    locals.insert(index.clone(), Val::Int(i64::try_from(i).unwrap_or(0)));
                }
                (locals, None)
            })
            .collect()
    }

    fn credential(
        &self,
        d: &Decl<'_>,
        body: Ts<'_>,
        locals: &HashMap<String, Val>,
        parent: Option<&str>,
        app: bool,
    ) -> Option<Node> {
        let scope = self.scope;
        let mut doc = scope.lower(body, locals);
        push(&mut doc, "type", Node::string(FIC_TYPE, d.header), d.header);
        if app {
            push(
                &mut doc,
                "@odata.type",
                Node::string("#microsoft.graph.federatedIdentityCredential", d.header),
                d.header,
            );
        }
        // The owner: `parent: identity`, the resource it is nested in, or the `<owner>/` part
        // of its name.
        let name_prop = property(body, "name", scope);
        let mut owner = parent.map(|p| (format!("{}{p}", scope.qualifier), d.header));
        if let Some(p) = property(body, "parent", scope)
            && p.kind() == "identifier"
        {
            owner = Some((format!("{}{}", scope.qualifier, scope.src(p)), span_of(p)));
        }
        let mut name = name_prop.map(|n| scope.eval(n, locals, 0));
        if let Some(n) = name_prop
            && let Some((prefix, last)) = split_name(n, scope, locals)
        {
            if owner.is_none() {
                owner = Some((prefix, span_of(n)));
            }
            set(&mut doc, "name", from_val(&last, span_of(n)));
            name = Some(last);
        }
        if let Some((owner, span)) = owner {
            let fic = match &name {
                Some(Val::Str(s)) => s.clone(),
                _ => "?".into(),
            };
            push(
                &mut doc,
                "id",
                Node::scalar(
                    format!("{owner}/federatedIdentityCredentials/{fic}"),
                    Style::Reference,
                    Typed::Unknown,
                    span,
                ),
                span,
            );
        }
        Some(doc)
    }

    /// A managed identity; `outputs` is where its ids are read from (`properties` of a
    /// resource, `outputs` of a module).
    fn identity(
        &self,
        d: &Decl<'_>,
        body: Ts<'_>,
        locals: &HashMap<String, Val>,
        outputs: &str,
    ) -> Node {
        let q = format!("{}{}", self.scope.qualifier, d.symbol);
        let mut entries = vec![Entry::new(
            "type",
            d.header,
            Node::string(IDENTITY_TYPE, d.header),
        )];
        entries.extend(self.props(body, &["name", "location"], locals));
        for (key, value) in [
            ("id", q.clone()),
            ("clientId", format!("{q}.{outputs}.clientId")),
            ("principalId", format!("{q}.{outputs}.principalId")),
        ] {
            let node = Node::scalar(value, Style::Reference, Typed::Unknown, d.header);
            entries.push(Entry::new(key, d.header, node));
        }
        Node::map(entries, d.header)
    }

    fn app(&self, d: &Decl<'_>, body: Ts<'_>, locals: &HashMap<String, Val>) -> Option<Node> {
        let q = format!("{}{}", self.scope.qualifier, d.symbol);
        let mut entries = self.props(body, &["displayName"], locals);
        let app_id = Node::scalar(
            format!("{q}.appId"),
            Style::Reference,
            Typed::Unknown,
            d.header,
        );
        entries.push(Entry::new("appId", d.header, app_id));
        Some(Node::map(entries, d.header))
    }

    /// An AKS cluster as `az aks show` prints it; a switch the file leaves out has ARM's
    /// default, `false`, and is left out as an export of such a cluster leaves it out.
    fn cluster(&self, d: &Decl<'_>, body: Ts<'_>, locals: &HashMap<String, Val>) -> Option<Node> {
        let scope = self.scope;
        let mut doc = scope.lower(body, locals);
        push(
            &mut doc,
            "type",
            Node::string(CLUSTER_TYPE, d.header),
            d.header,
        );
        let issuer = format!(
            "{}{}.properties.oidcIssuerProfile.issuerURL",
            scope.qualifier, d.symbol
        );
        if let NodeKind::Map(entries) = &mut doc.kind
            && let Some(props) = entries
                .iter_mut()
                .find(|e| e.key.text() == Some("properties"))
            && let NodeKind::Map(props) = &mut props.value.kind
            && let Some(profile) = props
                .iter_mut()
                .find(|e| e.key.text() == Some("oidcIssuerProfile"))
        {
            let span = profile.value.span;
            let url = Node::scalar(issuer, Style::Reference, Typed::Unknown, span);
            push(&mut profile.value, "issuerURL", url, span);
        }
        Some(doc)
    }

    /// The AVM user-assigned identity module: the identity, and its `federatedIdentityCredentials`
    /// parameter's items as its credentials.
    fn avm_identity(
        &mut self,
        d: &Decl<'_>,
        body: Ts<'_>,
        instances: &[(HashMap<String, Val>, Option<Node>)],
    ) {
        let scope = self.scope;
        let q = format!("{}{}", scope.qualifier, d.symbol);
        let Some(params) = property(body, "params", scope) else {
            return;
        };
        for (locals, _) in instances {
            self.docs.push(self.identity(d, params, locals, "outputs"));
            let Some(fics) = property(params, "federatedIdentityCredentials", scope) else {
                continue;
            };
            let list = scope.lower(fics, locals);
            let NodeKind::Seq(items) = list.kind else {
                continue;
            };
            for mut item in items {
                if item.as_map().is_none() {
                    continue;
                }
                let name = item.get_str("name").unwrap_or("?").to_string();
                let span = item.span;
                push(&mut item, "type", Node::string(FIC_TYPE, span), span);
                let id = Node::scalar(
                    format!("{q}/federatedIdentityCredentials/{name}"),
                    Style::Reference,
                    Typed::Unknown,
                    d.header,
                );
                push(&mut item, "id", id, d.header);
                self.docs.push(item);
            }
        }
    }

    fn props(&self, body: Ts<'_>, keys: &[&str], locals: &HashMap<String, Val>) -> Vec<Entry> {
        let scope = self.scope;
        keys.iter()
            .filter_map(|k| {
                let (key, value) = property_entry(body, k, scope)?;
                Some(Entry {
                    key: Node::scalar(*k, Style::Plain, Typed::Str, span_of(key)),
                    value: scope.lower(value, locals),
                })
            })
            .collect()
    }
}

/// `'${identity.name}/fic'` or `'id-a/fic-${i}'`: the owner's symbolic id and the credential's
/// name (unknown when its part is).
fn split_name(
    n: Ts<'_>,
    scope: &Scope<'_>,
    locals: &HashMap<String, Val>,
) -> Option<(String, Val)> {
    if n.kind() != "string" {
        return None;
    }
    let mut cursor = n.walk();
    let parts: Vec<Ts<'_>> = n.named_children(&mut cursor).collect();
    let (at, slash) = parts.iter().enumerate().find_map(|(i, p)| {
        (p.kind() == "string_content")
            .then(|| scope.src(*p).find('/'))
            .flatten()
            .map(|s| (i, p.start_byte() + s))
    })?;
    let piece = |range: std::ops::Range<usize>, parts: &[Ts<'_>]| -> Val {
        let mut out = String::new();
        for p in parts {
            let r = p.byte_range();
            let (start, end) = (r.start.max(range.start), r.end.min(range.end));
            if start >= end {
                continue;
            }
            match p.kind() {
                "string_content" => out.push_str(scope.text.get(start..end).unwrap_or("")),
                _ => match p.named_child(0).map(|i| scope.eval(i, locals, 0)) {
                    Some(Val::Str(s)) => out.push_str(&s),
                    Some(Val::Int(i)) => out.push_str(&i.to_string()),
                    _ => return Val::Unknown(scope.text.get(range).unwrap_or("").to_string()),
                },
            }
        }
        Val::Str(out)
    };
    let inner = n.start_byte() + 1..n.end_byte().saturating_sub(1);
    let fic = piece(slash + 1..inner.end, &parts);
    // `${sym.name}` names the declared identity; a decided string names it by its name.
    let first = parts.first()?;
    if at == 1
        && slash == parts[1].start_byte()
        && first.kind() == "interpolation"
        && let Some(inner) = first.named_child(0)
        && inner.kind() == "member_expression"
        && let Some(obj) = inner.child_by_field_name("object")
        && obj.kind() == "identifier"
        && scope.symbols.contains_key(scope.src(obj))
    {
        return Some((format!("{}{}", scope.qualifier, scope.src(obj)), fic));
    }
    let owner = match piece(inner.start..slash, &parts) {
        Val::Str(s) => s,
        _ => scope.text.get(inner.start..slash)?.to_string(),
    };
    Some((format!("{}{owner}", scope.qualifier), fic))
}

fn property_entry<'t>(body: Ts<'t>, key: &str, scope: &Scope<'_>) -> Option<(Ts<'t>, Ts<'t>)> {
    properties(body)
        .into_iter()
        .find(|(k, _)| scope.key(*k) == key)
}

fn property<'t>(body: Ts<'t>, key: &str, scope: &Scope<'_>) -> Option<Ts<'t>> {
    property_entry(body, key, scope).map(|(_, v)| v)
}

/// Adds an entry the source does not spell out (at `span`), unless the map has the key.
fn push(doc: &mut Node, key: &str, value: Node, span: Span) {
    if let NodeKind::Map(entries) = &mut doc.kind
        && !entries.iter().any(|e| e.key.text() == Some(key))
    {
        entries.push(Entry::new(key, span, value));
    }
}

fn set(doc: &mut Node, key: &str, value: Node) {
    if let NodeKind::Map(entries) = &mut doc.kind
        && let Some(e) = entries.iter_mut().find(|e| e.key.text() == Some(key))
    {
        e.value = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lower_one(text: &str) -> Vec<Node> {
        lower(text, "main.bicep", Params::default()).unwrap_or_default()
    }

    #[test]
    fn credential_with_parent_interpolation_and_reference_issuer() {
        let text = "param ns string = 'apps'\nresource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {\n  name: 'aks'\n  properties: { oidcIssuerProfile: { enabled: true } }\n}\nresource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: 'id-api'\n}\nresource fic 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {\n  parent: id\n  name: 'api'\n  properties: {\n    issuer: aks.properties.oidcIssuerProfile.issuerURL\n    subject: 'system:serviceaccount:${ns}:api'\n    audiences: ['api://AzureADTokenExchange']\n  }\n}\n";
        let docs = lower_one(text);
        assert_eq!(docs.len(), 3);
        let fic = &docs[2];
        let props = fic.get("properties").map(|p| p.get_str("subject"));
        assert_eq!(props, Some(Some("system:serviceaccount:apps:api")));
        let issuer = fic.get_path(&["properties", "issuer"]);
        assert_eq!(
            issuer.and_then(Node::expression),
            docs[0]
                .get_path(&["properties", "oidcIssuerProfile", "issuerURL"])
                .and_then(Node::expression)
        );
        assert_eq!(
            fic.get("id").and_then(Node::expression),
            Some("bicep:main.bicep/id/federatedIdentityCredentials/api")
        );
        assert_eq!(
            docs[1].get("id").and_then(Node::expression),
            Some("bicep:main.bicep/id")
        );
    }

    #[test]
    fn loops_over_known_arrays_make_one_credential_each() {
        let text = "var subjects = ['a', 'b', 'c']\nresource fics 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = [for (s, i) in subjects: {\n  name: '${id.name}/fic-${i}'\n  properties: { issuer: 'https://x/', subject: s }\n}]\nresource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = { name: 'id' }\n";
        let docs = lower_one(text);
        let fics: Vec<_> = docs
            .iter()
            .filter(|d| d.get("properties").is_some())
            .collect();
        assert_eq!(fics.len(), 3);
        assert_eq!(fics[2].get_str("name"), Some("fic-2"));
        assert_eq!(
            fics[1]
                .get_path(&["properties", "subject"])
                .and_then(Node::as_str),
            Some("b")
        );
    }

    #[test]
    fn vars_that_double_or_need_themselves_stay_unknown() {
        let mut text = String::from("var v0 = ['x', 'y']\n");
        for i in 1..64 {
            text.push_str(&format!("var v{i} = [v{}, v{}]\n", i - 1, i - 1));
        }
        text.push_str("var me = me\nresource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {\n  name: me\n  location: v63\n}\n");
        let docs = lower_one(&text);
        assert!(docs[0].get("name").is_some_and(Node::is_unknown));
        fn size(n: &Node) -> usize {
            match &n.kind {
                NodeKind::Seq(items) => 1 + items.iter().map(size).sum::<usize>(),
                NodeKind::Map(entries) => 1 + entries.iter().map(|e| size(&e.value)).sum::<usize>(),
                NodeKind::Scalar(_) => 1,
            }
        }
        assert!(
            docs[0]
                .get("location")
                .is_some_and(|l| size(l) <= MAX_WEIGHT)
        );
    }

    #[test]
    fn syntax_error_has_a_position() {
        let err = lower(
            "resource x 'a' = {\n  name: \n}\n",
            "m.bicep",
            Params::default(),
        );
        assert!(err.is_err_and(|e| e.span.start > 0));
    }
}
