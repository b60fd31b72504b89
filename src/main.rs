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

/// `--output json` writes a file named `json`: almost always meant as `--format json`.
fn output_is_a_format_name(output: &str) -> Option<String> {
    use clap::ValueEnum;
    Format::value_variants()
        .iter()
        .filter_map(|f| f.to_possible_value())
        .find(|v| v.get_name() == output)
        .map(|v| {
            format!(
                "`--output {output}` would write the report to a file named `{output}`: for the format, use `--format {name}` (or `--output-format {name}`); to write a file, give it a name such as `wiflint.{ext}`",
                name = v.get_name(),
                ext = match v.get_name() {
                    "json" | "gitlab" => "json",
                    "sarif" => "sarif",
                    "junit" => "xml",
                    _ => "txt",
                }
            )
        })
}

/// Whether colour is on for text output: `--color always/never` decide; with `auto`, NO_COLOR
/// turns it off, FORCE_COLOR or CLICOLOR_FORCE on, and otherwise a terminal on standard output
/// (not a file) gets it.
fn color_enabled(args: &CheckArgs, to_stdout: bool) -> bool {
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty() && v != "0");
    args.format == Format::Text
        && match args.color {
            Color::Always => true,
            Color::Never => false,
            Color::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && (set("FORCE_COLOR")
                        || set("CLICOLOR_FORCE")
                        || (to_stdout && std::io::stdout().is_terminal()))
            }
        }
}

/// `--show-settings`: what a scan with these arguments would use.
fn show_settings(args: &CheckArgs, config: &Config, rules: &[&rules::Rule]) -> ExitCode {
    let mut text = String::new();
    match &config.source {
        Some(source) => text.push_str(&format!("config: {}\n", source.path)),
        None if args.no_config => text.push_str("config: none (--no-config)\n"),
        None => text.push_str("config: none found (built-in defaults)\n"),
    }
    text.push_str(&format!("paths: {}\n", args.paths.join(" ")));
    text.push_str(&format!(
        "format: {}\n",
        clap::ValueEnum::to_possible_value(&args.format)
            .map(|v| v.get_name().to_string())
            .unwrap_or_default()
    ));
    text.push_str(&format!("rules ({}):\n", rules.len()));
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    for rule in rules {
        let severity = rule.severity_override.unwrap_or(rule.severity);
        text.push_str(&format!(
            "  {:width$}  {:7}  {}\n",
            rule.id,
            severity.as_str(),
            rule.area()
        ));
    }
    out(&text)
}

/// A SARIF log for a run that found nothing to check: upload steps need a valid file, and the
/// reason travels in it as a tool execution notification.
fn sarif_failure(args: &CheckArgs, message: &str) {
    let log = render::sarif::failed_run(message);
    let _ = match args.output.as_deref() {
        Some(path) if path != "-" => std::fs::write(path, log).map_err(|e| e.to_string()),
        _ => std::io::stdout()
            .write_all(log.as_bytes())
            .map_err(|e| e.to_string()),
    };
}

fn check(args: &CheckArgs, registry: &mut Registry) -> ExitCode {
    if let Some(hint) = args.output.as_deref().and_then(output_is_a_format_name) {
        return fail(&hint);
    }
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
        paths: args.context.iter().chain(&args.paths).cloned().collect(),
        report_only: args.context.as_ref().map(|_| args.paths.clone()),
        max_file_size: args
            .max_file_size
            .or(config.max_file_size)
            .unwrap_or(wiflint::input::load::DEFAULT_MAX_FILE_SIZE),
        options: Options {
            default_namespace: args
                .default_namespace
                .clone()
                .or_else(|| config.default_namespace.clone()),
            verbose: args.verbose,
            ..Options::default()
        },
        select: if args.select.is_empty() {
            values(&config.select)
        } else {
            rules::expand_areas(&registry.rules, &args.select)
        },
        ignore: values(&config.ignore)
            .into_iter()
            .chain(rules::expand_areas(&registry.rules, &args.ignore))
            .collect(),
        min_severity: severity(args.severity),
        exclude,
        walk: wiflint::input::discover::Walk {
            hidden: args.hidden,
            no_ignore: args.no_ignore,
        },
        baseline,
        progress: std::io::stderr().is_terminal(),
        no_excerpts: args.format != Format::Text || args.statistics,
        hold: app::HOLD_BYTES,
        stdin_name: args.stdin_filename.clone(),
        var_files: args.var_files.clone(),
        writes: [
            ("--output", &args.output),
            ("--write-baseline", &args.write_baseline),
        ]
        .into_iter()
        .filter_map(|(flag, path)| Some((flag, path.clone()?)))
        .collect(),
        render: if args.no_render {
            wiflint::expand::Settings::default()
        } else {
            // Relative executables in the config are relative to its directory.
            let tool = |t: &Option<config::At<String>>| {
                t.as_ref().map(|a| {
                    let named = std::path::Path::new(&a.value);
                    if named.components().count() > 1 {
                        config.root.join(named).display().to_string()
                    } else {
                        a.value.clone()
                    }
                })
            };
            wiflint::expand::Settings {
                charts: config.charts.clone(),
                ..wiflint::expand::Settings::find(
                    tool(&config.helm).as_deref(),
                    tool(&config.kustomize).as_deref(),
                )
            }
        },
        config,
    };
    if args.show_settings {
        return match app::select_rules(registry, &config) {
            Ok(rules) => show_settings(args, &config.config, &rules),
            Err(e) => fail(&e.to_string()),
        };
    }
    // The process exits right after reporting: freeing every finding first would only cost
    // time, so the report is never dropped.
    let report = std::mem::ManuallyDrop::new(match app::scan(&config, registry) {
        Ok(r) => r,
        Err(e) => {
            if args.format == Format::Sarif {
                sarif_failure(args, &e.to_string());
            }
            return fail(&e.to_string());
        }
    });
    // A baseline that accepts nothing is most likely stale or for other files, and otherwise
    // every old finding would come back as new without a word.
    if let (Some(path), Some(b)) = (&args.baseline, &config.baseline)
        && !b.is_empty()
        && report.baselined == 0
    {
        let _ = writeln!(
            std::io::stderr(),
            "warning: none of the {} entries of the baseline {path} matched a finding: its paths are relative to its own directory, so check that it was written for these files (or write it again with --write-baseline)",
            b.len()
        );
    }
    let selected = match app::select_rules(registry, &config) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string()),
    };
    let to_stdout = args.output.as_deref().is_none_or(|o| o == "-");
    let color = color_enabled(args, to_stdout);
    let text = render::render(
        args.format,
        &report,
        &selected,
        &RenderOptions {
            color,
            verbose: args.verbose,
            show_suppressed: args.show_suppressed,
            quiet: args.quiet,
            statistics: args.statistics,
        },
    );
    let written = match args.output.as_deref() {
        Some(path) if path != "-" => {
            std::fs::write(path, &text).map_err(|e| format!("cannot write {path}: {e}"))
        }
        _ => match std::io::stdout().write_all(text.as_bytes()) {
            // A reader that stopped early (`wiflint check | head`) is not an error of the scan.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => other.map_err(|e| format!("cannot write the report: {e}")),
        },
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
    if args.write_baseline.is_some() || args.exit_zero {
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

/// Prints to standard output; a closed pipe (`wiflint rules | head`) ends quietly.
fn out(text: &str) -> ExitCode {
    let _ = std::io::stdout().write_all(text.as_bytes());
    ExitCode::SUCCESS
}

fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "error: {}", render::untrusted(message));
    ExitCode::from(2)
}
