//! Evaluating Terraform expressions with `hcl-rs`'s evaluator (`hcl::eval`).
//!
//! The evaluator is the crate's; what Terraform adds on top of plain HCL is its variables (`var`,
//! `local`, `each`, `count`) and its function library, and only the functions people use to build
//! names, subjects and issuers are declared here. Anything else — an undeclared function, a
//! resource attribute, a data source, a module output — fails to evaluate and the value stays
//! unknown: never guessed.

use hcl::Value;
use hcl::eval::{Context, Evaluate, FuncArgs, FuncDef, ParamType};

use crate::document::{Node, NodeKind, Typed};

/// The functions of Terraform's library that wiflint evaluates. Each follows Terraform's
/// documented behaviour for the arguments it accepts and fails (leaving the value unknown) on
/// anything it does not handle, e.g. `replace` with a regular expression.
pub fn functions(ctx: &mut Context<'_>) {
    let s = || ParamType::String;
    let any = || ParamType::Any;
    ctx.declare_func("lower", FuncDef::builder().param(s()).build(lower));
    ctx.declare_func("upper", FuncDef::builder().param(s()).build(upper));
    ctx.declare_func("trimspace", FuncDef::builder().param(s()).build(trimspace));
    ctx.declare_func(
        "trimsuffix",
        FuncDef::builder().params([s(), s()]).build(trimsuffix),
    );
    ctx.declare_func(
        "trimprefix",
        FuncDef::builder().params([s(), s()]).build(trimprefix),
    );
    ctx.declare_func(
        "replace",
        FuncDef::builder().params([s(), s(), s()]).build(replace),
    );
    ctx.declare_func(
        "format",
        FuncDef::builder()
            .param(s())
            .variadic_param(any())
            .build(format),
    );
    ctx.declare_func(
        "join",
        FuncDef::builder()
            .param(s())
            .variadic_param(ParamType::array_of(any()))
            .build(join),
    );
    ctx.declare_func("split", FuncDef::builder().params([s(), s()]).build(split));
    ctx.declare_func(
        "concat",
        FuncDef::builder()
            .variadic_param(ParamType::array_of(any()))
            .build(concat),
    );
    ctx.declare_func(
        "merge",
        FuncDef::builder()
            .variadic_param(ParamType::object_of(any()))
            .build(merge),
    );
    ctx.declare_func(
        "coalesce",
        FuncDef::builder().variadic_param(any()).build(coalesce),
    );
    ctx.declare_func("tostring", FuncDef::builder().param(any()).build(tostring));
    ctx.declare_func("tolist", FuncDef::builder().param(any()).build(identity));
    ctx.declare_func("toset", FuncDef::builder().param(any()).build(toset));
    ctx.declare_func("tomap", FuncDef::builder().param(any()).build(identity));
    ctx.declare_func("length", FuncDef::builder().param(any()).build(length));
    ctx.declare_func("keys", FuncDef::builder().param(any()).build(keys));
    ctx.declare_func("values", FuncDef::builder().param(any()).build(values));
    ctx.declare_func(
        "yamldecode",
        FuncDef::builder().param(s()).build(yamldecode),
    );
    ctx.declare_func(
        "jsondecode",
        FuncDef::builder().param(s()).build(jsondecode),
    );
    ctx.declare_func(
        "lookup",
        FuncDef::builder()
            .params([any(), s()])
            .variadic_param(any())
            .build(lookup),
    );
}

fn str_arg(args: &FuncArgs, i: usize) -> Result<String, String> {
    args.get(i)
        .and_then(Value::as_str)
        .filter(|s| !holds_reference(s))
        .map(str::to_string)
        .ok_or_else(|| format!("argument {i} is not a known string"))
}

fn lower(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(str_arg(&args, 0)?.to_lowercase()))
}

fn upper(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(str_arg(&args, 0)?.to_uppercase()))
}

fn trimspace(args: FuncArgs) -> Result<Value, String> {
    Ok(Value::from(str_arg(&args, 0)?.trim().to_string()))
}

fn trimsuffix(args: FuncArgs) -> Result<Value, String> {
    let (s, suffix) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    Ok(Value::from(
        s.strip_suffix(&suffix).unwrap_or(&s).to_string(),
    ))
}

fn trimprefix(args: FuncArgs) -> Result<Value, String> {
    let (s, prefix) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    Ok(Value::from(
        s.strip_prefix(&prefix).unwrap_or(&s).to_string(),
    ))
}

/// `replace(string, substring, replacement)`; a `/…/` substring is a regular expression in
/// Terraform (RE2 with `$1` references): not evaluated.
fn replace(args: FuncArgs) -> Result<Value, String> {
    let (s, from, to) = (str_arg(&args, 0)?, str_arg(&args, 1)?, str_arg(&args, 2)?);
    if from.len() > 1 && from.starts_with('/') && from.ends_with('/') {
        return Err("regular-expression replace is not evaluated".into());
    }
    checked(Value::from(s.replace(&from, &to)))
}

/// `format` with the verbs names are built with (`%s`, `%d`, `%v`, `%%`); any other verb or
/// flag leaves the value unknown rather than formatted differently from Terraform.
fn format(args: FuncArgs) -> Result<Value, String> {
    let spec = str_arg(&args, 0)?;
    let mut rest = args.iter().skip(1);
    let mut out = String::new();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            Some(verb @ ('s' | 'v' | 'd')) => {
                let arg = rest.next().ok_or("too few arguments")?;
                // `%d` takes whole numbers only, as in Terraform.
                if verb == 'd' && arg.as_i64().is_none() {
                    return Err(format!("`%d` of `{arg}`"));
                }
                out.push_str(&scalar_text(arg)?);
            }
            _ => return Err(format!("format verb in `{spec}` is not evaluated")),
        }
    }
    checked(Value::from(out))
}

/// The text Terraform converts a primitive to.
pub fn scalar_text(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) if holds_reference(s) => Err("a reference".into()),
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err("not a primitive value".into()),
    }
}

fn join(args: FuncArgs) -> Result<Value, String> {
    let sep = str_arg(&args, 0)?;
    let mut parts = Vec::new();
    for list in args.iter().skip(1) {
        for item in list.as_array().into_iter().flatten() {
            parts.push(scalar_text(item)?);
        }
    }
    checked(Value::from(parts.join(&sep)))
}

fn split(args: FuncArgs) -> Result<Value, String> {
    let (sep, s) = (str_arg(&args, 0)?, str_arg(&args, 1)?);
    if sep.is_empty() {
        return Err("empty separator".into());
    }
    Ok(Value::from(
        s.split(sep.as_str()).map(Value::from).collect::<Vec<_>>(),
    ))
}

fn concat(args: FuncArgs) -> Result<Value, String> {
    checked(Value::from(
        args.iter()
            .flat_map(|a| a.as_array().cloned().unwrap_or_default())
            .collect::<Vec<_>>(),
    ))
}

fn merge(args: FuncArgs) -> Result<Value, String> {
    let mut out = hcl::Map::new();
    for object in args.iter() {
        for (k, v) in object.as_object().into_iter().flatten() {
            out.insert(k.clone(), v.clone());
        }
    }
    checked(Value::Object(out))
}

fn coalesce(args: FuncArgs) -> Result<Value, String> {
    args.iter()
        .find(|v| !v.is_null() && v.as_str() != Some(""))
        .cloned()
        .ok_or_else(|| "no non-null argument".into())
}

fn tostring(args: FuncArgs) -> Result<Value, String> {
    args.first()
        .ok_or_else(|| "no argument".to_string())
        .and_then(scalar_text)
        .map(Value::from)
}

fn identity(args: FuncArgs) -> Result<Value, String> {
    args.first().cloned().ok_or_else(|| "no argument".into())
}

/// A set of strings: sorted and without duplicates, as Terraform iterates it.
fn toset(args: FuncArgs) -> Result<Value, String> {
    let items = args.first().and_then(Value::as_array).ok_or("not a list")?;
    let mut texts = items
        .iter()
        .map(scalar_text)
        .collect::<Result<Vec<_>, _>>()?;
    texts.sort();
    texts.dedup();
    Ok(Value::from(
        texts.into_iter().map(Value::from).collect::<Vec<_>>(),
    ))
}

fn length(args: FuncArgs) -> Result<Value, String> {
    match args.first() {
        Some(Value::Array(a)) => Ok(Value::from(a.len() as u64)),
        Some(Value::Object(o)) => Ok(Value::from(o.len() as u64)),
        Some(Value::String(s)) => Ok(Value::from(s.chars().count() as u64)),
        _ => Err("length of a non-collection".into()),
    }
}

fn keys(args: FuncArgs) -> Result<Value, String> {
    let object = args.first().and_then(Value::as_object).ok_or("not a map")?;
    let mut keys: Vec<&String> = object.keys().collect();
    keys.sort();
    Ok(Value::from(
        keys.into_iter()
            .cloned()
            .map(Value::from)
            .collect::<Vec<_>>(),
    ))
}

fn values(args: FuncArgs) -> Result<Value, String> {
    let object = args.first().and_then(Value::as_object).ok_or("not a map")?;
    let mut entries: Vec<(&String, &Value)> = object.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    Ok(Value::from(
        entries
            .into_iter()
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>(),
    ))
}

/// `yamldecode`, with the scan's own YAML reader (Kubernetes' YAML 1.1 typing, the same
/// limits), so a manifest in a heredoc reads as it would in a `.yaml` file.
fn yamldecode(args: FuncArgs) -> Result<Value, String> {
    let text = str_arg(&args, 0)?;
    let docs = crate::document::yaml::parse(&text).map_err(|e| e.message)?;
    match docs.as_slice() {
        [doc] => to_value(doc),
        _ => Err("not exactly one YAML document".into()),
    }
}

fn jsondecode(args: FuncArgs) -> Result<Value, String> {
    let text = str_arg(&args, 0)?;
    to_value(&crate::document::json::parse(&text).map_err(|e| e.message)?)
}

/// A span tree as an HCL value.
fn to_value(node: &Node) -> Result<Value, String> {
    Ok(match &node.kind {
        NodeKind::Map(_) => Value::Object(
            node.entries()
                .into_iter()
                .map(|(k, e)| Ok((k.to_string(), to_value(&e.value)?)))
                .collect::<Result<_, String>>()?,
        ),
        NodeKind::Seq(items) => Value::Array(items.iter().map(to_value).collect::<Result<_, _>>()?),
        NodeKind::Scalar(s) => match s.typed {
            Typed::Str => Value::from(s.text.as_str()),
            Typed::Bool(b) => Value::from(b),
            Typed::Int(i) => Value::from(i),
            Typed::Float(f) => hcl::Number::from_f64(f).map_or(Value::Null, Value::Number),
            Typed::Null => Value::Null,
            Typed::Unknown => return Err("unknown".into()),
        },
    })
}

fn lookup(args: FuncArgs) -> Result<Value, String> {
    let object = args.first().and_then(Value::as_object).ok_or("not a map")?;
    let key = str_arg(&args, 1)?;
    object
        .get(&key)
        .or_else(|| args.get(2))
        .cloned()
        .ok_or_else(|| format!("no key `{key}`"))
}

/// The largest value kept (a variable's, a local's, a function's result): hostile input must
/// not make evaluation grow memory without bound, and no name, subject or list of them a
/// Workload Identity setup needs comes near it.
const MAX_VALUE_BYTES: usize = 16 * 1024;

/// Expressions longer than this are not evaluated (their results could be as many times larger
/// as they have interpolations); object and array literals are lowered item by item instead.
const MAX_SOURCE_BYTES: usize = 16 * 1024;

/// Evaluates an `hcl-edit` expression; `None` when the files do not decide it, or when it is
/// too large to evaluate safely (see [`MAX_VALUE_BYTES`]).
pub fn evaluate(expr: &hcl_edit::expr::Expression, ctx: &Context<'_>) -> Option<Value> {
    use hcl_edit::Span as _;
    if expr.span().is_some_and(|r| r.len() > MAX_SOURCE_BYTES) || for_expressions(expr) > 1 {
        return None;
    }
    let value = hcl::Expression::from(expr.clone()).evaluate(ctx).ok()?;
    checked(value).ok()
}

/// How many `for` expressions an expression holds: nested ones multiply their collections'
/// sizes, so more than one is not evaluated.
fn for_expressions(expr: &hcl_edit::expr::Expression) -> usize {
    use hcl_edit::visit::{Visit, visit_for_expr};
    struct Count(usize);
    impl Visit for Count {
        fn visit_for_expr(&mut self, node: &hcl_edit::expr::ForExpr) {
            self.0 += 1;
            visit_for_expr(self, node);
        }
    }
    let mut count = Count(0);
    count.visit_expr(expr);
    count.0
}

/// Roughly how many bytes a value holds: its text, and a few for each item.
pub fn size(value: &Value) -> usize {
    match value {
        Value::String(s) => s.len(),
        Value::Array(items) => 8 + items.iter().map(size).sum::<usize>(),
        Value::Object(map) => 8 + map.iter().map(|(k, v)| k.len() + size(v)).sum::<usize>(),
        _ => 8,
    }
}

/// The value, if it is within [`MAX_VALUE_BYTES`].
fn checked(value: Value) -> Result<Value, String> {
    if size(&value) <= MAX_VALUE_BYTES {
        Ok(value)
    } else {
        Err(format!(
            "a value over {MAX_VALUE_BYTES} bytes is not evaluated"
        ))
    }
}

/// A string template the files decide only in part (`"system:serviceaccount:${var.ns}:api"`
/// with `var.ns` unset) as a [`Style::Partial`](crate::document::Style::Partial) string: each
/// interpolation that evaluates to a primitive is known text, any other is a hole named by its
/// source in `text`. `None` for another expression, a template with directives or whitespace
/// stripping (whose effect on the known text depends on the holes), or nothing known.
pub fn partial(
    expr: &hcl_edit::expr::Expression,
    ctx: &Context<'_>,
    text: &str,
    span: crate::document::Span,
) -> Option<Node> {
    use hcl_edit::Span as _;
    use hcl_edit::template::{Element, Strip};
    let hcl_edit::expr::Expression::StringTemplate(template) = expr else {
        return None;
    };
    if expr.span().is_some_and(|r| r.len() > MAX_SOURCE_BYTES) {
        return None;
    }
    let mut parts: Vec<(bool, String)> = Vec::new();
    for element in template.iter() {
        parts.push(match element {
            Element::Literal(literal) => (true, literal.value().clone()),
            Element::Interpolation(i) if i.strip == Strip::None => {
                let known = evaluate(&i.expr, ctx).and_then(|v| scalar_text(&v).ok());
                match known {
                    Some(known) => (true, known),
                    None => (false, text.get(i.expr.span()?)?.trim().to_string()),
                }
            }
            _ => return None,
        });
    }
    Node::partial(&parts, span)
}

/// How a reference to a resource attribute travels through variables, locals and module
/// outputs inside the evaluator, whose values are plain HCL values: a string that no file can
/// contain (it starts with a NUL), holding the attribute's address. The lowering turns it back
/// into a typed symbolic node ([`Style::Reference`](crate::document::Style::Reference)); every
/// function refuses it, so only data moved as it is (`local.x = resource.attr`, `"${x}"`)
/// keeps it, and anything computed from it is unknown.
const REFERENCE: &str = "\u{0}reference:";

/// The value that stands for a reference to this (qualified) address.
pub fn reference_value(address: &str) -> Value {
    Value::from(format!("{REFERENCE}{address}"))
}

/// The address a reference value stands for.
pub fn as_reference(value: &Value) -> Option<&str> {
    value.as_str()?.strip_prefix(REFERENCE)
}

/// Whether a string holds a reference anywhere (computed from one: unknown).
pub fn holds_reference(s: &str) -> bool {
    s.contains(REFERENCE)
}

/// [`evaluate`], else the expression as a reference value when it is one.
pub fn evaluate_or_reference(
    expr: &hcl_edit::expr::Expression,
    ctx: &Context<'_>,
    qualifier: &str,
) -> Option<Value> {
    evaluate(expr, ctx)
        .or_else(|| reference(expr, ctx, qualifier).map(|r| Value::from(format!("{REFERENCE}{r}"))))
}

/// The address of a resource's attribute (`azurerm_kubernetes_cluster.aks.oidc_issuer_url`,
/// `azurerm_user_assigned_identity.api["orders"].id`), with known index keys evaluated and the
/// module instance's `qualifier` in front (`terraform:<root dir>/module.identity.`). Variables,
/// locals, data sources and module outputs are not resources.
pub fn reference(
    expr: &hcl_edit::expr::Expression,
    ctx: &Context<'_>,
    qualifier: &str,
) -> Option<String> {
    use hcl_edit::expr::{Expression, TraversalOperator};
    let Expression::Traversal(traversal) = expr else {
        return None;
    };
    let Expression::Variable(root) = &traversal.expr else {
        return None;
    };
    let root = root.as_str();
    if matches!(
        root,
        "var" | "local" | "each" | "count" | "path" | "terraform" | "self" | "data" | "module"
    ) {
        return None;
    }
    let mut out = format!("{qualifier}{root}");
    for op in &traversal.operators {
        match &**op {
            TraversalOperator::GetAttr(ident) => {
                out.push('.');
                out.push_str(ident.as_str());
            }
            TraversalOperator::Index(index) => match evaluate(index, ctx)? {
                Value::String(key) => out.push_str(&format!("[{key:?}]")),
                Value::Number(n) => out.push_str(&format!("[{n}]")),
                _ => return None,
            },
            TraversalOperator::LegacyIndex(i) => out.push_str(&format!("[{}]", **i)),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(src: &str, vars: &[(&str, Value)]) -> Option<Value> {
        let mut ctx = Context::new();
        functions(&mut ctx);
        for (k, v) in vars {
            ctx.declare_var(*k, v.clone());
        }
        let expr: hcl_edit::expr::Expression = src.parse().ok()?;
        evaluate(&expr, &ctx)
    }

    /// An undecided interpolation is a hole; decided ones and literals are known text.
    #[test]
    fn partly_known_templates() {
        use crate::document::{Piece, Span};
        let mut ctx = Context::new();
        functions(&mut ctx);
        ctx.declare_var(
            "var",
            Value::Object(hcl::Map::from_iter([(
                "app".to_string(),
                Value::from("api"),
            )])),
        );
        let partial = |src: &str| {
            let expr: hcl_edit::expr::Expression = src.parse().ok()?;
            partial(&expr, &ctx, src, Span::default())
        };
        let node = partial(r#""system:serviceaccount:${var.ns}:${var.app}""#);
        assert_eq!(
            node.as_ref().and_then(Node::pieces),
            Some(vec![
                Piece::Known("system:serviceaccount:"),
                Piece::Hole("var.ns"),
                Piece::Known(":api"),
            ])
        );
        assert!(node.as_ref().is_some_and(Node::is_unknown));
        assert_eq!(
            node.as_ref().and_then(Node::shown_expression).as_deref(),
            Some("system:serviceaccount:${var.ns}:api")
        );
        // Nothing known, all known, a directive or stripping: not partial.
        assert!(partial(r#""${var.ns}""#).is_none());
        assert!(partial(r#""${var.app}""#).is_none());
        assert!(partial(r#""a-%{ if var.x }b%{ endif }""#).is_none());
        assert!(partial(r#""a- ${~ var.ns}""#).is_none());
    }

    #[test]
    fn templates_and_functions() {
        let ns = ("ns", Value::from("orders"));
        assert_eq!(
            eval(
                r#""system:serviceaccount:${ns}:api""#,
                std::slice::from_ref(&ns)
            ),
            Some(Value::from("system:serviceaccount:orders:api"))
        );
        assert_eq!(
            eval(
                r#"format("%s-%s", upper(ns), 2)"#,
                std::slice::from_ref(&ns)
            ),
            Some(Value::from("ORDERS-2"))
        );
        assert_eq!(
            eval(r#"trimsuffix("https://x/", "/")"#, &[]),
            Some(Value::from("https://x"))
        );
        assert_eq!(
            eval(r#"join(":", ["a", "b"], ["c"])"#, &[]),
            Some(Value::from("a:b:c"))
        );
        assert_eq!(eval(r#"replace("a-b", "/-/", "_")"#, &[]), None);
        assert_eq!(eval(r#"format("%q", "x")"#, &[]), None);
        assert_eq!(eval("undefined_var", &[]), None);
        assert_eq!(eval("sha256(\"x\")", &[]), None);
        assert_eq!(
            eval(r#"toset(["b", "a", "b"])"#, &[]),
            Some(Value::from(vec![Value::from("a"), Value::from("b")]))
        );
    }
}
