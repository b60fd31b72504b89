//! The `wiflint` binary: parse arguments, run, map the outcome to an exit code
//! (0 clean, 1 findings at or above `--fail-on`, 2 usage, config or I/O error).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use wiflint::app::{self, ScanConfig};
use wiflint::baseline::{self, Baseline};
use wiflint::cli::{CheckArgs, Cli, Color, Command, Level, ListFormat};
use wiflint::config::{self, Config, ConfigError};
use wiflint::finding::Severity;
use wiflint::render::{self, Format, RenderOptions};
use wiflint::rules::registry::Registry;
use wiflint::rules::{self, Options};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Parsing recurses; give workers the headroom the main thread has (and more).
    let _ = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .build_global();
    let mut registry = match Registry::builtin() {
        Ok(r) => r,
        Err(e) => return fail(&format!("internal error in built-in rule spec {e}")),
    };
    match cli.command {
        Command::Init { force } => init(force),
        Command::Rules { format } => match with_custom_rules(&mut registry) {
            Ok(()) => out(&rules::docs::list(&registry, format == ListFormat::Json)),
            Err(e) => fail(&e.to_string()),
        },
        Command::Explain { id } => {
            if let Err(e) = with_custom_rules(&mut registry) {
                return fail(&e.to_string());
            }
            match rules::docs::explain(&registry, &id) {
                Ok(text) => out(&text),
                Err(msg) => fail(&msg),
            }
        }
        Command::VaultDumpScript => out(wiflint::VAULT_DUMP_SCRIPT),
        Command::Check(args) => check(&args, &mut registry),
        Command::Completions { shell } => out(&wiflint::manual::completions(shell)),
        Command::Man => out(&wiflint::manual::man_page()),
    }
}

fn severity(level: Level) -> Severity {
    match level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Note => Severity::Note,
    }
}

/// The config that applies: `--config`, else the first wiflint.toml found upward, unless
/// `--no-config`.
fn load_config(args: &CheckArgs) -> Result<Config, ConfigError> {
    let path = match (&args.config, args.no_config) {
        (_, true) => None,
        (Some(path), false) => Some(std::path::PathBuf::from(path)),
        (None, false) => config::discover(&args.paths),
    };
    match path {
        Some(path) => Config::load(&path),
        None => Ok(Config::default()),
    }
}

/// The custom rules of the config that applies in the working directory, so that `rules` and
/// `explain` describe what `check` from here would run.
fn with_custom_rules(registry: &mut Registry) -> Result<(), ConfigError> {
    match config::discover(&[".".to_string()]) {
        Some(path) => Config::load(&path)?.load_custom_rules(registry),
        None => Ok(()),
    }
}

fn check(args: &CheckArgs, registry: &mut Registry) -> ExitCode {
    let config = match load_config(args) {
        Ok(c) => c,
        Err(e) => return fail(&e.to_string()),
    };
    if let Err(e) = config
        .load_custom_rules(registry)
        .and_then(|()| config.apply(registry))
    {
        return fail(&e.to_string());
    }
    let exclude = match config.path_filter(&config.exclude) {
        Ok(f) => (!config.exclude.is_empty()).then(|| std::sync::Arc::new(f)),
        Err(e) => return fail(&e.to_string()),
    };
    let baseline = match args.baseline.as_deref().map(Baseline::read).transpose() {
        Ok(b) => b,
        Err(e) => return fail(&e.to_string()),
    };
    let values = |list: &[config::At<String>]| -> Vec<String> {
        list.iter().map(|a| a.value.clone()).collect()
    };
    let config = ScanConfig {
        paths: args.paths.clone(),
        max_file_size: args
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(wiflint::input::load::DEFAULT_MAX_FILE_SIZE),
        options: Options {
            default_namespace: args
                .default_namespace
                .clone()
                .or_else(|| config.default_namespace.clone())
                .unwrap_or_else(|| "default".into()),
            verbose: args.verbose,
        },
        select: if args.select.is_empty() {
            values(&config.select)
        } else {
            args.select.clone()
        },
        ignore: values(&config.ignore)
            .into_iter()
            .chain(args.ignore.iter().cloned())
            .collect(),
        min_severity: severity(args.severity),
        exclude,
        baseline,
        progress: std::io::stderr().is_terminal(),
        no_excerpts: args.format != Format::Text,
        hold: app::HOLD_BYTES,
        writes: [
            ("--output", &args.output),
            ("--write-baseline", &args.write_baseline),
        ]
        .into_iter()
        .filter_map(|(flag, path)| Some((flag, path.clone()?)))
        .collect(),
        config,
    };
    // The process exits right after reporting: freeing every finding first would only cost
    // time, so the report is never dropped.
    let report = std::mem::ManuallyDrop::new(match app::scan(&config, registry) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    });
    let selected = match app::select_rules(registry, &config) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    let color = args.format == Format::Text
        && match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                args.output.is_none()
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        };
    let text = render::render(
        args.format,
        &report,
        &selected,
        &RenderOptions {
            color,
            verbose: args.verbose,
            show_suppressed: args.show_suppressed,
        },
    );
    let written = match &args.output {
        Some(path) => std::fs::write(path, &text).map_err(|e| format!("cannot write {path}: {e}")),
        None => std::io::stdout()
            .write_all(text.as_bytes())
            .map_err(|e| format!("cannot write the report: {e}")),
    };
    if let Err(e) = written {
        return fail(&e);
    }
    if let Some(path) = &args.write_baseline {
        if let Err(e) = baseline::write(path, &report.findings, &report.paths) {
            return fail(&e.to_string());
        }
        let _ = writeln!(
            std::io::stderr(),
            "wrote {} findings to the baseline {path}",
            report.findings.len()
        );
    }
    for e in &report.io_errors {
        let _ = writeln!(std::io::stderr(), "error: {}", render::untrusted(e));
    }
    if !report.io_errors.is_empty() {
        return ExitCode::from(2);
    }
    // A baseline just written accepts every finding of this scan.
    if args.write_baseline.is_some() {
        return ExitCode::SUCCESS;
    }
    let threshold = severity(args.fail_on);
    if report
        .findings
        .iter()
        .any(|f| f.finding.severity >= threshold)
    {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn init(force: bool) -> ExitCode {
    let path = std::path::Path::new(config::FILE_NAMES[0]);
    if path.exists() && !force {
        return fail("wiflint.toml already exists here (use --force to overwrite it)");
    }
    match std::fs::write(path, config::STARTER) {
        Ok(()) => {
            let _ = writeln!(
                std::io::stderr(),
                "wrote wiflint.toml: every setting is commented; `wiflint check` finds it from here and below"
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("cannot write wiflint.toml: {e}")),
    }
}

fn out(text: &str) -> ExitCode {
    let _ = std::io::stdout().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {}", render::untrusted(message));
    ExitCode::from(2)
}
