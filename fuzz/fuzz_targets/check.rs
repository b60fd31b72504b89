//! The whole `check` on arbitrary bytes as one file: loading, sniffing, parsing, the model, every
//! rule, suppressions, resolution to positions and every renderer. Nothing may panic.
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

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let registry = registry();
    // The name decides how the file is sniffed: exercise each syntax, named and found by walking.
    let name = match selector % 4 {
        0 => "input.yaml",
        1 => "input.json",
        2 => "vault.hcl",
        _ => "input",
    };
    let candidate = Candidate {
        display: name.into(),
        origin: Origin::Memory(Arc::from(bytes)),
        explicit: selector & 4 == 0,
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
    for format in [Format::Text, Format::Json, Format::Sarif, Format::Github] {
        let out = render::render(
            format,
            &report,
            &rules,
            &RenderOptions {
                color: false,
                verbose: true,
                show_suppressed: true,
            },
        );
        // GitHub annotations of a clean run are empty; every other format always says something.
        assert!(format == Format::Github || !out.is_empty());
    }
});
