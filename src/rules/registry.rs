//! The one list of rules. Built-in spec files are embedded at build time (see `build.rs`) and
//! bound to their templates here.

use rayon::prelude::*;

use super::spec::{self, RawSpec, SpecError};
use super::templates::field::{self, FieldRule};
use super::{Check, NativeFn, Reach, Rule};

include!(concat!(env!("OUT_DIR"), "/builtin_specs.rs"));

#[derive(Debug, Default)]
pub struct Registry {
    /// Sorted by id.
    pub rules: Vec<Rule>,
}

impl Registry {
    pub fn builtin() -> Result<Self, SpecError> {
        // Parsing the specs is most of a one-file run's start-up: on all cores.
        let mut rules = BUILTIN_SPECS
            .par_iter()
            .map(|(origin, text)| bind(origin, spec::parse(origin, text)?))
            .collect::<Result<Vec<_>, _>>()?;
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(w) = rules.windows(2).find(|w| w[0].id == w[1].id) {
            return Err(SpecError {
                origin: w[1].origin.clone(),
                span: Default::default(),
                message: format!("duplicate rule id `{}` (also in {})", w[1].id, w[0].origin),
            });
        }
        Ok(Registry { rules })
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Rule> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| &mut self.rules[i])
    }

    /// Adds a rule (a custom one), keeping the list sorted; a taken id is returned as the error.
    pub fn add(&mut self, rule: Rule) -> Result<(), String> {
        match self.rules.binary_search_by(|r| r.id.cmp(&rule.id)) {
            Ok(_) => Err(rule.id),
            Err(i) => {
                self.rules.insert(i, rule);
                Ok(())
            }
        }
    }

    pub fn get(&self, id: &str) -> Option<&Rule> {
        self.rules
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.rules[i])
    }
}

/// The template of rules whose findings come from the scan itself rather than from a check of
/// the inputs: suppressions that are malformed or match nothing.
pub const META_TEMPLATE: &str = "meta.suppression";

fn native(template: &str) -> Option<(NativeFn, Reach)> {
    [
        super::k8s::TEMPLATES,
        super::input::TEMPLATES,
        super::fic::TEMPLATES,
        super::join::TEMPLATES,
        super::aks::TEMPLATES,
        super::github::TEMPLATES,
        super::vault::TEMPLATES,
    ]
    .into_iter()
    .flatten()
    .find(|(name, _, _)| *name == template)
    .map(|(_, f, scope)| (*f, *scope))
}

pub fn bind(origin: &str, raw: RawSpec) -> Result<Rule, SpecError> {
    // Field rules select inside one document, so they are file-scoped.
    let (check, scope) = if raw.template == META_TEMPLATE {
        (Check::Meta, Reach::Scan)
    } else if raw.template.starts_with("field.") {
        let field = FieldRule::compile(&raw.template, raw.template_span, &raw.params, origin)?;
        (Check::Field(field), Reach::File)
    } else {
        let (f, scope) = native(&raw.template).ok_or_else(|| SpecError {
            origin: origin.to_string(),
            span: raw.template_span,
            message: format!(
                "unknown template `{}` (generic templates: {})",
                raw.template,
                field::TEMPLATES.join(", ")
            ),
        })?;
        (Check::Native(f), scope)
    };
    Ok(Rule {
        id: raw.id,
        severity: raw.severity,
        summary: raw.summary,
        docs: raw.docs,
        template: raw.template,
        params: raw.params,
        origin: origin.to_string(),
        check,
        reach: scope,
        severity_override: None,
    })
}
