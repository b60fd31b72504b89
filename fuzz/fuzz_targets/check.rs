//! The whole `check` on arbitrary bytes as one file: loading, sniffing, parsing, the model, every
//! rule, suppressions, resolution to positions and every renderer. Nothing may panic, and no
//! renderer may print a secret: one is planted in every input (an Entra-shaped secret, or a
//! `clientSecret:` line whose value only the key gives away), and any 4 characters in a row of it
//! in any output fail the run (at most the first 3 may be shown).
//!
//! The bytes are handed over in memory (`Origin::Memory`), not written to a file: the scan is
//! the same from `load` on, and the fuzzer runs many times faster.
#![no_main]

use std::sync::{Arc, OnceLock};

use libfuzzer_sys::fuzz_target;
use wiflint::app::{self, ScanConfig};
use wiflint::input::discover::{Candidate, Origin};
use wiflint::render::{self, Format, RenderOptions};
use wiflint::rules::registry::Registry;

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        // As in the binary: parsing recurses, and the workers get the same headroom.
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(64 << 20)
            .build_global();
        Registry::builtin().expect("built-in rules")
    })
}

/// Assembled, so that no secret-shaped literal sits in the source. Letters and digits only after
/// `Q~`, so that no rule splitting a value at `.`, `-` or `_` quotes a piece of it.
fn entra_secret() -> String {
    format!("Vq3{}Q~{}", 7, "Kd2Wn8Jt5Hb9Lc3Pz6Xm1Gf4RsTy7Bn2Mz")
}

const PLAIN_SECRET: &str = "Wv2kPzQ9rJx4LmTb";

/// Any 4 characters in a row of `secret` that `text` holds.
fn leaked<'s>(text: &str, secret: &'s str) -> Option<&'s str> {
    (0..secret.len().saturating_sub(3))
        .map(|i| &secret[i..i + 4])
        .find(|w| text.contains(w))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Some((&plant, rest)) = rest.split_first() else {
        return;
    };
    // The secret, where the second byte says: a bare Entra secret, or a line giving a key a
    // secret, at a point spread over the input.
    let secret = if plant & 1 == 0 {
        entra_secret()
    } else {
        PLAIN_SECRET.to_string()
    };
    let planted = if plant & 1 == 0 {
        secret.clone()
    } else {
        format!("\nclientSecret: {secret}\n")
    };
    let at = usize::from(plant >> 1) * rest.len() / 127;
    let at = at.min(rest.len());
    let bytes: Vec<u8> = [&rest[..at], planted.as_bytes(), &rest[at..]].concat();
    // Input that already holds pieces of the secret (the fuzzer learns compared strings) may
    // show them legitimately: no oracle then.
    let own = String::from_utf8_lossy(rest);
    let oracle = leaked(&own, &secret).is_none();
    let registry = registry();
    // The name decides how the file is sniffed: exercise each syntax, named and found by walking.
    let name = match selector % 11 {
        0 => "input.yaml",
        1 => "input.json",
        2 => "vault.hcl",
        3 => "input",
        4 => "main.tf",
        5 => "main.bicep",
        6 => "deploy.sh",
        7 => "README.md",
        8 => "deploy.ps1",
        9 => "Makefile",
        _ => ".github/workflows/ci.yml",
    };
    let candidate = Candidate {
        display: name.into(),
        origin: Origin::Memory(Arc::from(bytes.as_slice())),
        explicit: (selector / 11) % 2 == 0,
    };
    let config = ScanConfig {
        max_file_size: 1 << 20,
        ..ScanConfig::default()
    };
    let Ok(report) = app::scan_candidates(&config, registry, &[candidate], Vec::new()) else {
        return;
    };
    // SARIF describes the rules it is given; the descriptions of all of them cost most of an
    // execution and do not depend on the input, so only the rules that reported are given.
    let reported = |id: &str| {
        report.findings.iter().any(|f| f.finding.rule == id)
            || report.suppressed.iter().any(|(f, _)| f.finding.rule == id)
    };
    let rules: Vec<_> = registry.rules.iter().filter(|r| reported(&r.id)).collect();
    for format in [
        Format::Text,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
        Format::Azure,
        Format::Gitlab,
        Format::Junit,
    ] {
        let out = render::render(
            format,
            &report,
            &rules,
            &RenderOptions {
                color: false,
                verbose: true,
                show_suppressed: true,
                ..RenderOptions::default()
            },
        );
        // Annotations and logging commands of a clean run are empty; every other format always
        // says something.
        assert!(matches!(format, Format::Github | Format::Azure | Format::Concise) || !out.is_empty());
        if oracle && let Some(w) = leaked(&out, &secret) {
            panic!("{format:?} output prints `{w}` of the planted secret:\n{out}");
        }
    }
});
