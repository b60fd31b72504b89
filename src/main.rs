//! The `wiflint` binary: parse arguments, run, map the outcome to an exit code
//! (0 clean, 1 findings at or above `--fail-on`, 2 usage, config or I/O error).

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use wiflint::app::{self, ScanConfig};
use wiflint::cli::{CheckArgs, Cli, Color, Command, Level, ListFormat};
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
    let registry = match Registry::builtin() {
        Ok(r) => r,
        Err(e) => return fail(&format!("internal error in built-in rule spec {e}")),
    };
    match cli.command {
        Command::Rules { format } => out(&rules::docs::list(&registry, format == ListFormat::Json)),
        Command::Explain { id } => match rules::docs::explain(&registry, &id) {
            Ok(text) => out(&text),
            Err(msg) => fail(&msg),
        },
        Command::VaultDumpScript => out(wiflint::VAULT_DUMP_SCRIPT),
        Command::Check(args) => check(&args, &registry),
    }
}

fn severity(level: Level) -> Severity {
    match level {
        Level::Error => Severity::Error,
        Level::Warning => Severity::Warning,
        Level::Note => Severity::Note,
    }
}

fn check(args: &CheckArgs, registry: &Registry) -> ExitCode {
    let config = ScanConfig {
        paths: args.paths.clone(),
        max_file_size: args.max_file_size,
        options: Options {
            default_namespace: args.default_namespace.clone(),
            verbose: args.verbose,
        },
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        min_severity: severity(args.severity),
    };
    // The process exits right after reporting: freeing every span tree first would only cost
    // time (a few percent of a scan), so the report is never dropped.
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
    for e in &report.io_errors {
        let _ = writeln!(std::io::stderr(), "error: {e}");
    }
    if !report.io_errors.is_empty() {
        return ExitCode::from(2);
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

fn out(text: &str) -> ExitCode {
    let _ = std::io::stdout().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    ExitCode::from(2)
}
