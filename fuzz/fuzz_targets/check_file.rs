//! The whole `check` on arbitrary bytes as one file, through the library API: discovery,
//! loading, parsing, model, index, every rule, position resolution, and the text, JSON and SARIF
//! renderers. The first byte picks the file name (YAML, JSON, HCL or no known extension), so
//! every syntax path is reached.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wiflint::app::{self, ScanConfig};
use wiflint::finding::Severity;
use wiflint::render::{self, Format, RenderOptions};
use wiflint::rules::Options;
use wiflint::rules::registry::Registry;

const NAMES: &[&str] = &["input.yaml", "input.json", "server.hcl", "input.txt"];

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry::builtin().unwrap_or_else(|e| panic!("{e}")))
}

fn dir() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if std::path::Path::new("/dev/shm").is_dir() {
            std::path::PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("wiflint-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let path = dir().join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    let config = ScanConfig {
        paths: vec![path.display().to_string()],
        max_file_size: 1 << 20,
        options: Options::default(),
        select: Vec::new(),
        ignore: Vec::new(),
        min_severity: Severity::Note,
    };
    let registry = registry();
    if let Ok(report) = app::scan(&config, registry) {
        // The rules that reported something (SARIF describes each; all 50 every time would
        // only slow the fuzzer down with constant work).
        let rules: Vec<_> = registry
            .rules
            .iter()
            .filter(|r| report.findings.iter().any(|f| f.finding.rule == r.id))
            .collect();
        let options = RenderOptions {
            color: false,
            verbose: true,
        };
        for format in [Format::Text, Format::Json, Format::Sarif] {
            let _ = render::render(format, &report, &rules, &options);
        }
    }
    let _ = std::fs::remove_file(&path);
});
