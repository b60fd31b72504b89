//! Shell completions (clap_complete) and the man page (clap_mangen), both from the clap
//! definition in `cli`, so they never drift from the arguments the binary accepts.

use clap::CommandFactory;

use crate::cli::Cli;

/// The completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "wiflint", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// One self-contained man page, wiflint(1): the top-level page, then a section per subcommand with
/// its synopsis, description and options, then the exit status.
pub fn man_page() -> String {
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut out = Vec::new();
    // Writing to a Vec cannot fail.
    let _ = man.render_title(&mut out);
    let _ = man.render_name_section(&mut out);
    let _ = man.render_synopsis_section(&mut out);
    let _ = man.render_description_section(&mut out);
    let _ = man.render_options_section(&mut out);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        if sub.get_name() == "help" {
            continue;
        }
        let name = format!("wiflint {}", sub.get_name());
        out.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
        let sub_man = clap_mangen::Man::new(sub.clone().bin_name(&name).display_name(&name));
        let mut part = Vec::new();
        let _ = sub_man.render_synopsis_section(&mut part);
        let _ = sub_man.render_description_section(&mut part);
        let _ = sub_man.render_options_section(&mut part);
        // The subcommand's own sections become subsections of its section.
        let part = String::from_utf8_lossy(&part)
            .lines()
            .filter(|l| *l != ".SH SYNOPSIS")
            .map(|l| match l {
                ".SH DESCRIPTION" => ".PP".to_string(),
                ".SH OPTIONS" => ".SS Options".to_string(),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        out.extend_from_slice(part.as_bytes());
        out.push(b'\n');
    }
    out.extend_from_slice(EXIT_STATUS.as_bytes());
    let _ = man.render_version_section(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

const EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
no finding at or above \fB\-\-fail\-on\fR
.TP
\fB1\fR
findings at or above \fB\-\-fail\-on\fR
.TP
\fB2\fR
usage, configuration or I/O error, including no inputs found
"#;
