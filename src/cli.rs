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
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<String>,
    /// Run only these rules (comma-separated ids; replaces the config's `rules.select`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Skip these rules (comma-separated ids; added to the config's `rules.ignore`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Report only findings at or above this severity.
    #[arg(long, value_enum, default_value = "note")]
    pub severity: Level,
    /// Exit 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value = "error")]
    pub fail_on: Level,
    /// Namespace of objects that name none [default: default, or the config's].
    #[arg(long, value_name = "NAMESPACE")]
    pub default_namespace: Option<String>,
    /// Largest file read, in bytes [default: 16 MiB, or the config's].
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,
    /// Terraform variable values for the root module in this file's directory, as `terraform
    /// plan -var-file` gives them (after terraform.tfvars and *.auto.tfvars; repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<String>,
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
    /// Colour in text output.
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
}
