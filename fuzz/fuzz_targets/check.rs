//! The whole `check` on arbitrary bytes as one file: loading, sniffing, parsing, the model, every
//! rule, suppressions, resolution to positions and every renderer. Nothing may panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use wiflint::app::{self, ScanConfig};
use wiflint::render::{self, Format, RenderOptions};
use wiflint::rules::registry::Registry;

struct Setup {
    dir: tempfile::TempDir,
    registry: Registry,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        // As in the binary: parsing recurses, and the workers get the same headroom.
        let _ = rayon::ThreadPoolBuilder::new()
            .stack_size(64 << 20)
            .build_global();
        Setup {
        dir: tempfile::tempdir().expect("temp dir"),
        registry: Registry::builtin().expect("built-in rules"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let s = setup();
    // The name decides how the file is sniffed: exercise each syntax.
    let name = match selector % 4 {
        0 => "input.yaml",
        1 => "input.json",
        2 => "vault.hcl",
        _ => "input",
    };
    let path = s.dir.path().join(name);
    std::fs::write(&path, bytes).expect("write input");
    let config = ScanConfig {
        paths: vec![path.display().to_string()],
        max_file_size: 1 << 20,
        ..ScanConfig::default()
    };
    let Ok(report) = app::scan(&config, &s.registry) else {
        return;
    };
    let rules: Vec<_> = s.registry.rules.iter().collect();
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
    let _ = std::fs::remove_file(&path);
});
