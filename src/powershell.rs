//! PowerShell scripts (`.ps1`) as a front-end of the model: the same `az` and `azwi` commands
//! as in shell scripts ([`crate::script`]), parsed with the maintained tree-sitter PowerShell
//! grammar, so that a credential's values point at the arguments.
//!
//! A `$var` or `${var}` (case-insensitive, as PowerShell names are) is decided by the last
//! statement before it that assigns it a literal string; anything else — `$env:X`, a
//! subexpression `$(…)`, a `foreach` variable, a value that is computed — is unknown. Backtick
//! line continuations are the grammar's.

use std::collections::HashMap;

use tree_sitter::{Node as Ts, Parser};

use crate::document::{Node, ParseError, Span, sitter};
use crate::script::{Arg, credential};

/// No variable's decided value grows past this (16 KiB), as in shell scripts.
const MAX_VALUE: usize = 16 * 1024;

pub fn is_powershell(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".ps1")
}

/// The credentials a PowerShell script creates.
pub fn lower(text: &str) -> Result<Vec<Node>, ParseError> {
    let mut parser = Parser::new();
    let language: tree_sitter::Language = tree_sitter_powershell::LANGUAGE.into();
    let failed = |message: &str| ParseError {
        message: message.into(),
        span: Span::new(0, 0),
    };
    parser
        .set_language(&language)
        .map_err(|_| failed("the PowerShell grammar could not be loaded"))?;
    let tree = parser
        .parse(text, None)
        .ok_or_else(|| failed("the PowerShell parser gave up"))?;
    let root = tree.root_node();
    // PowerShell is the authority on a script, and the grammar does not know every construct
    // it runs: only an error in a command wiflint reads is one.
    if let Some(e) = error_in_command(root, text) {
        return Err(e);
    }
    let mut script = Script {
        text,
        vars: HashMap::new(),
        docs: Vec::new(),
    };
    // Statements in document order, with an explicit stack: the grammar nests a dozen levels
    // per expression, and a hostile script must not overflow ours.
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        match n.kind() {
            "assignment_expression" => script.assign(n),
            "foreach_statement" | "for_statement" => script.forget_loop_variable(n),
            "command" => script.command(n),
            _ => {}
        }
        let mut cursor = n.walk();
        let children: Vec<Ts<'_>> = n.named_children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    Ok(script.docs)
}

/// The first syntax error, when the lines it spans hold a command wiflint reads (an unclosed
/// quote in a flag's value runs on from there); elsewhere it is PowerShell's business.
fn error_in_command(root: Ts<'_>, text: &str) -> Option<ParseError> {
    let e = sitter::first_error(root, text, "PowerShell", |_, _| false)?;
    let (start, end) = (e.span.start as usize, e.span.end as usize);
    let from = text.get(..start)?.rfind('\n').map_or(0, |i| i + 1);
    let to = text.get(end..)?.find('\n').map_or(text.len(), |i| end + i);
    let lines = text.get(from..to)?;
    (lines.contains("federated-credential") || lines.contains("azwi")).then_some(e)
}

struct Script<'t> {
    text: &'t str,
    /// Lower-cased variable name → its literal value, `None` once assigned something undecided.
    vars: HashMap<String, Option<String>>,
    docs: Vec<Node>,
}

/// The wrappers PowerShell's grammar puts around a single value (an argument, the right side
/// of an assignment): each has one named child that is the value.
const WRAPPERS: &[&str] = &[
    "pipeline",
    "pipeline_chain",
    "logical_expression",
    "bitwise_expression",
    "comparison_expression",
    "additive_expression",
    "multiplicative_expression",
    "format_expression",
    "range_expression",
    "array_literal_expression",
    "unary_expression",
    "left_assignment_expression",
    "string_literal",
];

/// The value inside the wrappers, or the node itself.
fn inner(mut n: Ts<'_>) -> Ts<'_> {
    while WRAPPERS.contains(&n.kind()) && n.named_child_count() == 1 {
        match n.named_child(0) {
            Some(child) => n = child,
            None => break,
        }
    }
    n
}

impl Script<'_> {
    fn src(&self, n: Ts<'_>) -> &str {
        self.text.get(n.byte_range()).unwrap_or("")
    }

    /// `$x`, `${x}` → `x`, lower-cased.
    fn var_name(&self, n: Ts<'_>) -> String {
        let src = self.src(n);
        let name = src.strip_prefix('$').unwrap_or(src);
        let name = name
            .strip_prefix('{')
            .and_then(|b| b.strip_suffix('}'))
            .unwrap_or(name);
        name.to_ascii_lowercase()
    }

    fn assign(&mut self, n: Ts<'_>) {
        let Some(left) = n.named_child(0).map(inner) else {
            return;
        };
        if left.kind() != "variable" {
            return;
        }
        let name = self.var_name(left);
        let operator = n
            .named_child(1)
            .map(|o| self.src(o).trim().to_string())
            .unwrap_or_default();
        let value = n
            .child_by_field_name("value")
            .filter(|_| operator == "=")
            .and_then(|v| self.value(inner(v)));
        self.vars.insert(name, value);
    }

    fn forget_loop_variable(&mut self, n: Ts<'_>) {
        let mut cursor = n.walk();
        let first = n
            .named_children(&mut cursor)
            .find(|c| c.kind() == "variable");
        if let Some(v) = first {
            let name = self.var_name(v);
            self.vars.insert(name, None);
        }
    }

    /// A value's decided text: literals, and variables assigned literals.
    fn value(&self, n: Ts<'_>) -> Option<String> {
        let src = self.src(n);
        match n.kind() {
            "generic_token" | "integer_literal" => {
                (!src.contains(['$', '`', '@', '(', '{'])).then(|| src.to_string())
            }
            "verbatim_string_characters" => src
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .map(|s| s.replace("''", "'")),
            "variable" => self.vars.get(&self.var_name(n)).cloned().flatten(),
            "expandable_string_literal" => {
                let body = src.strip_prefix('"')?.strip_suffix('"')?;
                if body.contains(['`', '"']) {
                    return None;
                }
                let mut out = String::new();
                let mut at = n.start_byte() + 1;
                let mut cursor = n.walk();
                for part in n.named_children(&mut cursor) {
                    if part.kind() != "variable" {
                        return None;
                    }
                    out.push_str(self.text.get(at..part.start_byte())?);
                    out.push_str(&self.value(part)?);
                    at = part.end_byte();
                    if out.len() > MAX_VALUE {
                        return None;
                    }
                }
                out.push_str(self.text.get(at..n.end_byte() - 1)?);
                (out.len() <= MAX_VALUE).then_some(out)
            }
            _ => None,
        }
    }

    fn arg(&self, n: Ts<'_>) -> Arg {
        let value_node = inner(n);
        let verbatim_at = match value_node.kind() {
            "verbatim_string_characters" if !self.src(value_node).contains("''") => {
                Some(value_node.start_byte() + 1)
            }
            "generic_token" => Some(value_node.start_byte()),
            _ => None,
        };
        let value = match n.kind() {
            "command_parameter" => Some(self.src(n).to_string()),
            _ => self.value(value_node),
        };
        Arg {
            value,
            source: self.src(n).to_string(),
            span: Span::new(n.start_byte(), n.end_byte()),
            verbatim_at,
        }
    }

    fn command(&mut self, n: Ts<'_>) {
        let Some(name) = n.child_by_field_name("command_name") else {
            return;
        };
        let name = self.src(name).to_ascii_lowercase();
        let name = name.strip_suffix(".exe").unwrap_or(&name);
        if !matches!(name, "az" | "azwi") {
            return;
        }
        let args: Vec<Arg> = n
            .child_by_field_name("command_elements")
            .map(|elements| {
                let mut cursor = elements.walk();
                elements
                    .named_children(&mut cursor)
                    .filter(|e| e.kind() != "command_argument_sep")
                    .map(|e| self.arg(e))
                    .collect()
            })
            .unwrap_or_default();
        let header = Span::new(n.start_byte(), n.end_byte());
        self.docs.extend(credential(name, &args, header, None));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_backtick_continuations() {
        let text = "$rg = \"rg-orders\"\n$NS = 'orders'\naz identity federated-credential create `\n  --name fic-api `\n  --identity-name id-orders --resource-group $rg `\n  --issuer $env:ISSUER --subject \"system:serviceaccount:${ns}:api\"\n";
        let docs = lower(text).unwrap_or_default();
        assert_eq!(docs.len(), 1);
        let d = &docs[0];
        assert_eq!(
            d.get_str("subject"),
            Some("system:serviceaccount:orders:api")
        );
        let at = text.find("\"system:").unwrap_or(0);
        assert_eq!(d.get("subject").map(|s| s.span.start as usize), Some(at));
        assert!(d.get("issuer").is_some_and(Node::is_unknown));
        assert_eq!(
            d.get("id").and_then(Node::expression),
            Some(
                "az:resourceGroups/rg-orders/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-orders/federatedIdentityCredentials/fic-api"
            )
        );
    }

    #[test]
    fn syntax_errors_count_only_in_commands_read() {
        let elsewhere = "$p = @{ Name = 'x'\nNew-AzFederatedIdentityCredentials @p\n";
        assert!(lower(elsewhere).is_ok());
        let inside = "az identity federated-credential create --name n --subject \"system:x\n";
        assert!(lower(inside).is_err());
    }

    #[test]
    fn loop_variables_and_computed_values_are_unknown() {
        let text = "$ns = 'a'\nforeach ($ns in @('x', 'y')) {\n  az identity federated-credential create --name \"fic-$ns\" --identity-name i -g g --issuer https://i/ --subject \"system:serviceaccount:${ns}:api\"\n}\n$s = \"x\" + \"y\"\naz identity federated-credential create --name n --identity-name i -g g --issuer https://i/ --subject $s\n";
        let docs = lower(text).unwrap_or_default();
        assert_eq!(docs.len(), 2);
        assert!(
            docs.iter()
                .all(|d| d.get("subject").is_some_and(Node::is_unknown))
        );
    }
}
