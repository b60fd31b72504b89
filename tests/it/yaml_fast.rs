//! The YAML fast path must build exactly the trees the general parser builds (spans, styles,
//! types, text), on every YAML file we have: the test data, the examples, the real-world set and a
//! generated corpus. Where it gives up, the general parser reads the file, so only agreement on
//! what it accepts matters; how much it accepts is printed, and must stay most of the corpus.
#![allow(clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::process::Command;

use wiflint::document::yaml::{parse_fast, parse_general};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml"))
        {
            out.push(path);
        }
    }
}

/// (files compared, files the fast path accepted); panics on the first disagreement.
fn compare(files: &[PathBuf]) -> (usize, usize) {
    let mut accepted = 0;
    let mut compared = 0;
    for path in files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        compared += 1;
        assert_same(text, &path.display().to_string());
        accepted += usize::from(parse_fast(text).is_some());
    }
    (compared, accepted)
}

/// The fast path agrees with the general parser, or gives up.
pub(crate) fn assert_same(text: &str, what: &str) {
    let Some(fast) = parse_fast(text) else {
        return;
    };
    let general = parse_general(text);
    let general = match general {
        Ok(docs) => docs,
        Err(e) => panic!(
            "{what}: the fast path accepted what the general parser rejects ({})",
            e.message
        ),
    };
    let (fast, general) = (format!("{fast:#?}"), format!("{general:#?}"));
    if fast != general {
        let diff = similar::TextDiff::from_lines(&general, &fast);
        panic!(
            "{what}: the trees differ (- general, + fast):\n{}",
            diff.unified_diff().context_radius(6)
        );
    }
}

#[test]
fn fast_yaml_path_builds_the_general_trees_on_all_test_inputs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["testdata", "examples", "../shared/realworld", "docs"] {
        if !root.join(dir).is_dir() {
            super::tools::skip(
                "fast_yaml_path_builds_the_general_trees_on_all_test_inputs",
                &format!("{dir} is missing; the other inputs are still compared"),
            );
        }
        yaml_files(&root.join(dir), &mut files);
    }
    files.sort();
    let (compared, accepted) = compare(&files);
    eprintln!("fast YAML path: {accepted} of {compared} test inputs");
    assert!(compared > 100, "only {compared} YAML files found");
}

#[test]
fn fast_yaml_path_builds_the_general_trees_on_a_generated_corpus() {
    let generator = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/gen_corpus.py");
    if !generator.exists() || Command::new("python3").arg("--version").output().is_err() {
        super::tools::skip(
            "fast_yaml_path_builds_the_general_trees_on_a_generated_corpus",
            "no python3 or ../shared/bench/gen_corpus.py",
        );
        return;
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let status = Command::new("python3")
        .arg(&generator)
        .args(["--files", "1000", "--seed", "7", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(status.status.success(), "{status:?}");
    let mut files = Vec::new();
    yaml_files(tmp.path(), &mut files);
    files.sort();
    let (compared, accepted) = compare(&files);
    eprintln!("fast YAML path: {accepted} of {compared} generated files");
    // The generator writes the block YAML that manifests are made of: nearly all of it must take
    // the fast path, or the speed it exists for is gone.
    assert!(
        accepted * 100 >= compared * 95,
        "the fast path took only {accepted} of {compared} files"
    );
}

/// Inputs the fast path takes (and must read as the general parser does), and inputs it must
/// leave to the general parser: errors, and what it does not handle.
#[test]
fn fast_yaml_path_edge_cases() {
    for text in [
        "",
        "# only a comment\n",
        "---\n",
        "a: 1\n---\nb: 2\n---\n",
        "---\na: 1\n",
        "a:\n",
        "a:\nb: 2\n",
        "a:\n# c\n",
        "a:\n  - x\n  -\n  - y\n",
        "a:\n- x\n- y\nb: z\n",
        "- a\n- b: 1\n  c: 2\n-\n- [x, 'y', \"z\"]\n",
        "a: []\nb: {}\nc: [ ]\nd: [a , b]\n",
        "a: 'it''s'\nb: \"q\"  # c\nc: plain words  # c\n",
        "a: x:y\nb: http://h/p#frag\n'q': 1\n\"k\": v\n",
        "é: ü\nkey: \"välue\"\n",
        "a: yes\nb: 0755\nc: ~\nd: null\ne: 1.5\nf: -3\n",
        "a:\n  b:\n    c: d\n  e: f\ng: h\n",
        "key: value # comment\n# trailing\n",
        "a:  \n  b: 1\n",
        "--- \na: 1\n",
        "a:\n\n\n  b: 1\n",
        "a: -1\nb: -x\nc: ?x\nd: :x\n",
        "a: |\n  x\n  y\nb: 1\n",
        "a: |-\n  x\n\n  y  \n\n\nb: 1\n",
        "a: >\n  x\n  y\n\n  z\nb: 1\n",
        "a: |+\n  x\n\n\nb: 1\n",
        "a: |\n  x\n# c\nb: 1\n",
        "a: |  # c\n  x\n  # not c\n",
        "- |\n  x\n- >-\n  y\n  z\n",
        "a: |\n\n  x\n",
        "a:\n  b: |\n    x\n  # c\n  d: 1\n",
        "a:\n  - |\n    x\n\n  - y\n",
        // Found by fuzzing: a flow collection followed by a comment (the general parser's span
        // ran to the end of the line; both now end at the bracket).
        "#zazodLa: {]\naaffinity: {} #",
        "a: [b] # c\nb: {}  \n",
        // Found by fuzzing: an indentless sequence starts at its first item's first token.
        "a:\n- |\n  x\n- y\n",
    ] {
        assert!(
            parse_fast(text).is_some(),
            "the fast path gave up on {text:?}"
        );
        assert_same(text, &format!("{text:?}"));
    }
    for text in [
        // An empty document before another, and one followed by a comment: placed irregularly.
        "---\n---\n",
        "a: b # c\n---\n# x\n",
        // Errors.
        "a: b\n  c: d\n",
        "a: [b\n",
        "k: v\n- x\n",
        "- x\nk: v\n",
        // A multi-line plain scalar, a compact nested sequence, a more-indented folded line, an
        // explicit indentation indicator.
        "a: b\n c\n",
        "- - a\n",
        "a: >-\n  x\n   y\n  z\n",
        "a: |2\n   x\n",
        // Anchors, tags, escapes, tabs, CRLF.
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: \"\\u00e9\"\n",
        "a:\tb\n",
        "a: 1\r\n",
        // Found by fuzzing: in a flow, `-` before a flow indicator starts no scalar (an error).
        "\np:\np: [-]",
        "a: [x, -]\n",
        "a: [?, x]\n",
    ] {
        assert!(parse_fast(text).is_none(), "the fast path took {text:?}");
    }
    // Found by fuzzing: an implicit key over YAML's 1,024-character limit is an error, which
    // the fast path must leave to the general parser.
    let long_key = format!("a:\n  {}: 1\n", "k".repeat(1025));
    assert!(parse_general(&long_key).is_err());
    assert!(parse_fast(&long_key).is_none());
}
