//! Running a render tool: no shell, a time limit, and no more output than a file may have.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The tool's standard output, or a message: its standard error when it fails, or why it could
/// not run or was stopped.
pub(super) fn run(
    program: &Path,
    args: &[String],
    limit: Duration,
    max_size: u64,
) -> Result<String, String> {
    let shown = program.display();
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Helm would otherwise pick up a kubeconfig context; a render needs none.
        .env("KUBECONFIG", "/dev/null")
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    let capture = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(pipe) = pipe {
                // Read past the cap only to let the tool finish; keep at most the cap.
                let _ = pipe.take(max_size + 1).read_to_end(&mut buf);
            }
            buf
        })
    };
    let stdout = capture(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = capture(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if start.elapsed() < limit => std::thread::sleep(Duration::from_millis(10)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{shown} did not finish within {} s and was stopped",
                    limit.as_secs()
                ));
            }
            Err(e) => return Err(format!("cannot wait for {shown}: {e}")),
        }
    };
    let out = stdout.join().unwrap_or_default();
    let err = stderr.join().unwrap_or_default();
    if !status.success() {
        // One line: the tool's lines joined, without its advice about its own flags.
        let message = String::from_utf8_lossy(&err)
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("Use --debug"))
            .collect::<Vec<_>>()
            .join(" ");
        return Err(if message.is_empty() {
            format!("{shown} failed ({status})")
        } else {
            message
        });
    }
    if out.len() as u64 > max_size {
        return Err(format!(
            "the rendered output is over the {max_size}-byte limit"
        ));
    }
    String::from_utf8(out).map_err(|_| "the rendered output is not UTF-8".to_string())
}
