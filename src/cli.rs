//! Command-line arguments (clap derive structs only).

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::render::Format;

#[derive(Debug, Parser)]
#[command(
    name = "wiflint",
    version,
    about = "Offline linter for Azure Workload Identity Federation",
    long_about = "wiflint reads Kubernetes manifests, federated identity credential, identity and AKS exports, and Vault dumps from files, joins them, and points at the exact line that breaks Workload Identity. It makes no network access."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check files and directories (`-` reads standard input).
    Check(CheckArgs),
    /// List every rule: id, default severity, summary.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: ListFormat,
    },
    /// Print a rule's documentation, or what an AADSTS error code means and which rules find its causes.
    Explain {
        /// A rule id (`wi-label-missing`) or an Entra error code (`AADSTS70021`).
        id: String,
    },
    /// Print a POSIX shell script that dumps a Vault's configuration into a wiflint bundle.
    ///
    /// Run it where Vault is reachable: `wiflint vault-dump-script > dump.sh;
    /// VAULT_ADDR=… VAULT_TOKEN=… sh dump.sh > vault-bundle.json`. It needs only the `vault` CLI.
    VaultDumpScript,
    /// Write a commented starter `wiflint.toml` into the current directory.
    Init {
        /// Overwrite an existing wiflint.toml.
        #[arg(long)]
        force: bool,
    },
    /// Print a shell completion script, e.g. `wiflint completions bash > ~/.local/share/bash-completion/completions/wiflint`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `wiflint man > wiflint.1` or `wiflint man | man -l -`.
    Man,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Level {
    Error,
    Warning,
    Note,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to check; `-` reads standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(
        long,
        short = 'f',
        visible_alias = "output-format",
        value_enum,
        default_value = "text"
    )]
    pub format: Format,
    /// Write the report to FILE instead of standard output (`-`: standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<String>,
    /// The path to report standard input (`-`) as: in findings, SARIF and JSON locations, and
    /// for the config's path-based suppressions and excludes.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<String>,
    /// Run only these rules: comma-separated ids or areas (`k8s`, `fic`, `join`, `aks`,
    /// `vault`, `input`, as `wiflint rules` lists them); replaces the config's `rules.select`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Skip these rules: comma-separated ids or areas; added to the config's `rules.ignore`.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Report only findings at or above this severity.
    #[arg(long, value_enum, default_value = "note")]
    pub severity: Level,
    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: Level,
    /// Exit 0 even when findings are reported (2 still means wiflint itself failed).
    #[arg(long)]
    pub exit_zero: bool,
    /// Print the findings only: no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print counts per rule and severity instead of the findings (text and concise formats;
    /// JSON always carries them in `summary.by_rule`).
    #[arg(long)]
    pub statistics: bool,
    /// Print the config file that applies and the rules that would run, with their severities,
    /// and exit without scanning.
    #[arg(long)]
    pub show_settings: bool,
    /// Namespace of objects that name none and no kustomization places [default: the config's,
    /// else unknown: they match a ServiceAccount or subject of their name in any namespace].
    #[arg(long, value_name = "NAMESPACE")]
    pub default_namespace: Option<String>,
    /// Largest file read, in bytes [default: 16 MiB, or the config's].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Terraform variable values for the root module in this file's directory, as `terraform
    /// plan -var-file` gives them (after terraform.tfvars and *.auto.tfvars; repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<String>,
    /// Do not render Helm charts and Kustomize overlays with `helm` / `kustomize` (their
    /// templates and parts are then skipped, not checked as plain manifests).
    #[arg(long)]
    pub no_render: bool,
    /// Read this config file instead of looking for wiflint.toml upward from the first path.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<String>,
    /// Ignore any wiflint.toml.
    #[arg(long)]
    pub no_config: bool,
    /// Report only findings not recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<String>,
    /// Record the findings of this scan in a baseline file (and exit 0).
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<String>,
    /// Also list suppressed findings, with the suppression's reason.
    #[arg(long)]
    pub show_suppressed: bool,
    /// Also report unrecognized documents and list skipped files.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Also read DIR (the repository), for the joins, but report only findings located in the
    /// PATHS given: what a pre-commit hook passes.
    #[arg(long, value_name = "DIR")]
    pub context: Option<String>,
    /// Also walk hidden files and directories (`.azure/`, `.deploy/`).
    #[arg(long)]
    pub hidden: bool,
    /// Also walk paths that .gitignore, .ignore or git's exclude files match (files git tracks
    /// are read either way).
    #[arg(long)]
    pub no_ignore: bool,
    /// Colour in text output. `auto` colours a terminal, unless NO_COLOR is set; FORCE_COLOR or
    /// CLICOLOR_FORCE (not empty, not `0`) colour any output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
}
