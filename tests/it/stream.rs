//! A scan is streamed (`app::scan_candidates`): each file is checked alone by the file-scoped
//! rules and then dropped, but for the facts that rules joining files read (`model::retain`).
//! Two things could make that wrong: a rule marked file-scoped that looks at other files, and a
//! joining rule that reads something not kept. Either would change findings, so this compares
//! the streamed scan with one that holds every file whole and runs every rule over all of them
//! together, on every test input: the same findings, positions, fingerprints and excerpts,
//! whether the files are read again to place findings, all held whole, or some of each.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use wiflint::app;
use wiflint::finding::{self, Opened, Resolved};
use wiflint::index::Index;
use wiflint::input::{self, InputFile, Outcome, discover};
use wiflint::model::Model;
use wiflint::rules::{self, Check, Ctx, Reach};

/// Each finding as one line: everything a renderer shows of it.
fn lines(findings: &[&Resolved], paths: &[String]) -> Vec<String> {
    let mut out: Vec<String> = findings
        .iter()
        .map(|r| {
            let placed: Vec<String> = std::iter::once(&r.primary)
                .chain(&r.related)
                .map(|p| format!("{}:{:?}-{:?} {}", paths[p.file], p.start, p.end, p.message))
                .collect();
            let line = format!(
                "{} [{}] {:?} {} {:?}",
                r.finding.rule,
                placed.join(" | "),
                r.finding,
                r.fingerprint,
                r.excerpts
            );
            file_ids_as_paths(&line, paths)
        })
        .collect();
    out.sort();
    out
}

/// `file: 17` as `file: <its path>`: the ids of files added after the candidates (a render's
/// output, a config file) depend on what else the scan added.
fn file_ids_as_paths(line: &str, paths: &[String]) -> String {
    let mut parts = line.split("file: ");
    let mut out = parts.next().unwrap_or_default().to_string();
    for part in parts {
        let digits = part.len() - part.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let path = part[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|id| paths.get(id));
        match path {
            Some(path) => out.push_str(&format!("file: {path}{}", &part[digits..])),
            None => out.push_str(&format!("file: {part}")),
        }
    }
    out
}

/// Every file whole, every rule over all of them.
fn whole(candidates: &[discover::Candidate]) -> Vec<String> {
    let registry = super::registry();
    let (files, renders) = read(candidates);
    let model = Model::build(&files);
    // As a scan sets them: what the kustomizations among the candidates say.
    let options = rules::Options {
        kustomize: std::sync::Arc::new(wiflint::kustomize::Layout::of(candidates)),
        replaced: std::sync::Arc::new(wiflint::placeholder::Replaced::of(candidates)),
        ..rules::Options::default()
    };
    let index = Index::build(&model, &files, &options);
    let mut raw = Vec::new();
    for rule in registry
        .rules
        .iter()
        .filter(|r| !matches!(r.check, Check::Meta))
    {
        let ctx = Ctx {
            files: &files,
            model: &model,
            index: &index,
            options: &options,
            rule,
        };
        raw.extend(rules::run(rule, &ctx));
    }
    raw.sort_by(|a, b| (&a.rule, &a.primary.loc).cmp(&(&b.rule, &b.primary.loc)));
    raw.dedup_by(|a, b| a.rule == b.rule && a.primary.loc == b.primary.loc);
    let open = |id| files.get(id).map(Opened::Held);
    let mut resolved = finding::resolve_all(raw, open, true);
    let max = input::load::DEFAULT_MAX_FILE_SIZE;
    let modules = wiflint::terraform::Modules::prepare(candidates, max, &[]);
    wiflint::terraform::relate(&mut resolved, &files, candidates, &modules, open, true);
    let mut paths: Vec<String> = candidates.iter().map(|c| c.display.clone()).collect();
    // As a scan does: findings on rendered files moved onto what decided them.
    wiflint::expand::relocate::relocate(&mut resolved, &mut paths, &mut Vec::new(), &renders, true);
    lines(&resolved.iter().collect::<Vec<_>>(), &paths)
}

/// `hold`: bytes of files held whole rather than read again to place findings.
fn streamed(candidates: &[discover::Candidate], hold: u64) -> Vec<String> {
    let registry = super::registry();
    let config = app::ScanConfig {
        hold,
        ..super::config(&[])
    };
    let report = app::scan_candidates(&config, &registry, candidates, Vec::new())
        .unwrap_or_else(|e| panic!("{e}"));
    let meta = |r: &&Resolved| {
        registry
            .get(&r.finding.rule)
            .is_some_and(|rule| matches!(rule.check, Check::Meta))
    };
    let all: Vec<&Resolved> = report
        .findings
        .iter()
        .chain(report.suppressed.iter().map(|(r, _)| r))
        .filter(|r| !meta(r))
        .collect();
    lines(&all, &report.paths)
}

/// The joining rules whose findings over all files differ from their findings over each file
/// alone: those the inputs exercise across files.
fn joined(candidates: &[discover::Candidate]) -> BTreeSet<String> {
    let registry = super::registry();
    // As a scan sets them: what the kustomizations among the candidates say.
    let options = rules::Options {
        kustomize: std::sync::Arc::new(wiflint::kustomize::Layout::of(candidates)),
        replaced: std::sync::Arc::new(wiflint::placeholder::Replaced::of(candidates)),
        ..rules::Options::default()
    };
    let (files, _) = read(candidates);
    let run = |files: &[InputFile], rule| {
        let model = Model::build(files);
        let index = Index::build(&model, files, &options);
        let ctx = Ctx {
            files,
            model: &model,
            index: &index,
            options: &options,
            rule,
        };
        rules::run(rule, &ctx)
    };
    let mut out = BTreeSet::new();
    for rule in registry.rules.iter().filter(|r| r.reach == Reach::Scan) {
        let mut together: Vec<String> =
            run(&files, rule).iter().map(|f| format!("{f:?}")).collect();
        let mut alone: Vec<String> = files
            .iter()
            .enumerate()
            .flat_map(|(id, file)| {
                run(std::slice::from_ref(file), rule)
                    .into_iter()
                    .map(move |f| format!("{:?}", f.in_file(id)))
            })
            .collect();
        together.sort();
        alone.sort();
        if together != alone {
            out.insert(rule.id.clone());
        }
    }
    out
}

fn read(candidates: &[discover::Candidate]) -> (Vec<InputFile>, wiflint::expand::Renders) {
    let max = input::load::DEFAULT_MAX_FILE_SIZE;
    let context = input::Context {
        modules: wiflint::terraform::Modules::prepare(candidates, max, &[]),
        renders: wiflint::expand::Renders::prepare(
            candidates,
            &super::tools::render_settings("streamed scans of charts and overlays"),
            max,
        ),
        parameters: wiflint::script::Parameters::prepare(candidates, max),
    };
    let files = candidates
        .iter()
        .map(|c| match input::read_in(c, max, &context) {
            // As the scan does: a rendered template is checked, not skipped as a template.
            Outcome::Read(f)
                if input::skip_reason(&f).is_none()
                    || context.renders.fate(&c.display).is_some() =>
            {
                f
            }
            _ => InputFile::empty(c.display.clone()),
        })
        .collect();
    (files, context.renders)
}

/// Streamed with every file read again, with about half of them held, and with all held.
fn assert_same_scan(dir: &Path) -> usize {
    let (candidates, _) =
        discover::discover(&[dir.display().to_string()], None, Default::default());
    let whole = whole(&candidates);
    let size: u64 = walk_size(dir);
    for hold in [0, size / 2, u64::MAX] {
        let streamed = streamed(&candidates, hold);
        for (w, s) in whole.iter().zip(&streamed) {
            assert_eq!(w, s, "in {} holding {hold} bytes", dir.display());
        }
        assert_eq!(whole.len(), streamed.len(), "in {}", dir.display());
    }
    whole.len()
}

fn walk_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => walk_size(&e.path()),
            _ => e.metadata().map_or(0, |m| m.len()),
        })
        .sum()
}

fn dirs(root: &str) -> Vec<PathBuf> {
    dirs_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join(root))
}

fn dirs_in(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

#[test]
fn streamed_scan_equals_a_whole_scan_on_fixtures_and_examples() {
    let mut findings = 0;
    for dir in dirs("testdata/rules").into_iter().chain(dirs("examples")) {
        findings += assert_same_scan(&dir);
    }
    // All fixtures at once: joins across unrelated fixtures too.
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    findings += assert_same_scan(&testdata);
    assert!(findings > 500, "{findings} findings compared");
    // The comparison means something for a joining rule only where its inputs lie in several
    // files: every one of them must be exercised so, in some fixture (a case directory, or a
    // rule's directory).
    let mut joined = BTreeSet::new();
    for dir in dirs("testdata/rules") {
        for case in std::iter::once(dir.clone()).chain(dirs_in(&dir)) {
            let (candidates, _) =
                discover::discover(&[case.display().to_string()], None, Default::default());
            joined.extend(self::joined(&candidates));
        }
    }
    let registry = super::registry();
    let missing: Vec<&str> = registry
        .rules
        .iter()
        .filter(|r| r.reach == Reach::Scan && !matches!(r.check, Check::Meta))
        .map(|r| r.id.as_str())
        .filter(|id| !joined.contains(*id))
        .collect();
    assert!(
        missing.is_empty(),
        "joining rules with no cross-file fixture: {missing:?}"
    );
}

#[test]
fn streamed_scan_equals_a_whole_scan_on_real_world_inputs() {
    let realworld = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realworld");
    if !realworld.is_dir() {
        super::tools::skip("stream on real-world inputs", "no ../shared/realworld");
        return;
    }
    assert_same_scan(&realworld);
}

#[test]
fn streamed_scan_equals_a_whole_scan_on_a_generated_corpus() {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py");
    if Command::new("python3").arg("--version").output().is_err() || !generator.is_file() {
        super::tools::skip(
            "stream on a generated corpus",
            "no python3 or ../shared/bench/gen_corpus.py",
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let corpus = tmp.path().join("corpus");
    let out = Command::new("python3")
        .arg(&generator)
        .args(["--files", "400", "--seed", "11", "--out"])
        .arg(&corpus)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let findings = assert_same_scan(&corpus);
    assert!(findings > 100, "{findings} findings compared");
}
