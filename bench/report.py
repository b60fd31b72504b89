#!/usr/bin/env python3
"""Write BENCHMARKS.md (to stdout) from the outputs of bench/run.sh.

Reads, for each corpus size N under --out: peers-N/results.tsv and the tools' raw outputs
(peers.sh), corpus-N.truth.jsonl and corpus-N/ (gen_corpus.py), threads-N.json (hyperfine),
and small.json / small.rss. Recall: which truth lines each tool reports (see the notes printed
with the table for what counts).
"""
import argparse
import collections
import csv
import json
import os
import platform
import re
import subprocess

# Truth code -> wiflint rules (../shared/bench/TRUTH.md).
RULES = {
    "label-on-workload-metadata": ["wi-label-on-workload-metadata"],
    "label-missing": ["wi-label-missing"],
    "label-unquoted-bool": ["label-value-not-string"],
    "label-wrong-value": ["wi-label-not-true"],
    "label-as-annotation": ["wi-label-missing"],
    "sa-name-mismatch": ["service-account-not-found"],
    "default-sa": ["service-account-not-found"],
    "sa-missing-client-id": ["client-id-missing"],
    "sa-client-id-not-guid": ["client-id-not-guid", "client-id-missing"],
    "sa-client-id-in-labels": ["client-id-missing"],
    "issuer-no-trailing-slash": ["issuer-trailing-slash"],
    "subject-wrong-namespace": ["subject-service-account-not-found"],
    "subject-wrong-sa": ["service-account-without-credential"],
    "audience-wrong": ["audience-not-default"],
    "too-many-credentials": ["credential-limit-exceeded"],
}
# The peers' Workload Identity policies (../shared/bench/policies) cover the pod label only.
LABEL_CODES = ["label-on-workload-metadata", "label-missing", "label-unquoted-bool",
               "label-wrong-value", "label-as-annotation"]


def safe(name):
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", name)


def rel(path, corpus):
    path = path.replace("\\", "/")
    if path.startswith(corpus + "/"):
        path = path[len(corpus) + 1:]
    return path.lstrip("/")


def load(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def peer_findings(tool, out_dir, corpus):
    """(path) of each Workload Identity finding a peer reported; None when it has no WI rule or
    its output is missing."""
    d = load(os.path.join(out_dir, safe(tool) + ".out"))
    if d is None:
        return None
    paths = []
    if tool == "checkov-awi-yaml-policy":
        for r in d if isinstance(d, list) else [d]:
            for c in (r.get("results") or {}).get("failed_checks", []):
                if c.get("check_id") == "CKV2_AWI_1":
                    paths.append(rel(c.get("file_abs_path") or c.get("file_path", ""), corpus))
    elif tool == "semgrep-awi-rule":
        paths = [rel(r.get("path", ""), corpus) for r in d.get("results", [])]
    elif tool == "spectral-awi-ruleset":
        paths = [rel(r.get("source", ""), corpus) for r in d if r.get("code") != "parser"]
    elif tool == "trivy+awi-rego":
        for r in d.get("Results") or []:
            for m in r.get("Misconfigurations") or []:
                if m.get("ID") == "AWI001" and m.get("Status", "FAIL") == "FAIL":
                    paths.append(rel(r.get("Target", ""), corpus))
    else:
        return None
    return paths


def wiflint_findings(out_dir, corpus):
    d = load(os.path.join(out_dir, "wiflint.out"))
    if d is None:
        return None
    return [(f["rule"], rel(f["location"]["path"], corpus)) for f in d["findings"]
            if f["severity"] in ("error", "warning")]


def truth_files(t, corpus):
    """Files where a finding explains the truth line: its file; for subject-wrong-sa the app's
    YAML files (the ServiceAccount)."""
    if t["code"] == "subject-wrong-sa":
        d = os.path.dirname(t["file"])
        return {os.path.join(d, f) for f in os.listdir(os.path.join(corpus, d)) if f.endswith(".yaml")}
    return {t["file"]}


def recall(truths, corpus, found_in):
    """found_in(truth, files) -> bool. Returns code -> (found, total)."""
    table = collections.OrderedDict((c, [0, 0]) for c in RULES)
    for t in truths:
        row = table[t["code"]]
        row[1] += 1
        row[0] += bool(found_in(t, truth_files(t, corpus)))
    return table


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return (xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2) if n else float("nan")


def cmd(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", required=True)
    ap.add_argument("--shared", required=True)
    ap.add_argument("--wiflint", required=True)
    ap.add_argument("--small", required=True)
    a = ap.parse_args()
    # The tools report absolute paths; the corpus must be named the same way.
    a.out = os.path.abspath(a.out)
    a.small = os.path.abspath(a.small)
    sizes = a.sizes.split()
    p = print

    p("# Benchmarks")
    p()
    p("Generated by `bench/run.sh` (do not edit by hand). wiflint and the tools a user would pick "
      "instead (Checkov, semgrep, Spectral, Trivy, with the shared Workload Identity policies in "
      "`../shared/bench/policies`) on the same corpora from `../shared/bench/gen_corpus.py --seed 42`, "
      "timed by the same harness (`../shared/bench/peers.sh`): wall time is the median of up to 5 "
      "runs (fewer when a tool's runs exceed 60 s), warm page cache; peak RSS is the largest single "
      "process. semgrep reports nothing with the shared rule on these corpora (0 findings, 0 "
      "errors), so its times are those of a scan that matches nothing.")
    p()

    summary = {}
    for n in sizes:
        corpus = os.path.join(a.out, "corpus-%s" % n)
        peers = os.path.join(a.out, "peers-%s" % n)
        rows = list(csv.DictReader(open(os.path.join(peers, "results.tsv")), delimiter="\t"))
        by = {r["tool"]: r for r in rows}
        w = by.get("wiflint")
        truths = [json.loads(l) for l in open(os.path.join(a.out, "corpus-%s.truth.jsonl" % n))]
        files = int(rows[0]["files"]) if rows else 0
        nbytes = int(rows[0]["bytes"]) if rows else 0
        p("## %s files (%.1f MB, %d injected defects)" % (n, nbytes / 1e6, len(truths)))
        p()
        p("| tool | wall s (median) | peak RSS MB | runs | exit | × wiflint's time | recall (all %d defects) | recall (the %d label defects) |"
          % (len(truths), sum(1 for t in truths if t["code"] in LABEL_CODES)))
        p("|---|---:|---:|---:|---:|---:|---:|---:|")
        wmed = float(w["wall_med_s"]) if w else float("nan")
        for r in rows:
            tool = r["tool"]
            med = float(r["wall_med_s"])
            if tool == "wiflint":
                ratio = "1×"
            elif w and wmed > 0:
                x = med / wmed
                ratio = "%.2f×" % x if x < 10 else "%.0f×" % x
            else:
                ratio = ""
            if r["exit"] == "137":
                ratio += " (killed at the time limit)"
            if tool == "wiflint":
                wf = wiflint_findings(peers, corpus) or []
                have = collections.defaultdict(set)
                for rule, path in wf:
                    have[path].add(rule)
                table = recall(truths, corpus, lambda t, fs: any(set(RULES[t["code"]]) & have[f] for f in fs))
            else:
                pf = peer_findings(tool, peers, corpus)
                if pf is None:
                    table = None
                else:
                    hit = set(pf)
                    table = recall(truths, corpus, lambda t, fs: bool(fs & hit))
            if table is None:
                if r["exit"] == "137":
                    rec_all = rec_label = "— (killed, no output)"
                elif tool == "cat-floor":
                    rec_all = rec_label = "—"
                else:
                    rec_all = rec_label = "— (no WI rule)"
            else:
                fa = sum(v[0] for v in table.values())
                ta = sum(v[1] for v in table.values())
                fl = sum(table[c][0] for c in LABEL_CODES)
                tl = sum(table[c][1] for c in LABEL_CODES)
                rec_all = "%.0f%% (%d/%d)" % (100.0 * fa / max(ta, 1), fa, ta)
                rec_label = "%.0f%% (%d/%d)" % (100.0 * fl / max(tl, 1), fl, tl)
                if tool == "wiflint":
                    summary[n] = table
            p("| %s | %.3f | %s | %s | %s | %s | %s | %s |" % (
                tool, med, r["max_rss_mb"], r["runs"], r["exit"], ratio, rec_all, rec_label))
        p()
        th = load(os.path.join(a.out, "threads-%s.json" % n))
        if th:
            m = {x["command"]: x for x in th["results"]}
            one, two = median(m["1 thread"]["times"]), median(m["2 threads"]["times"])
            cat = float(by["cat-floor"]["wall_med_s"]) if "cat-floor" in by else float("nan")
            p("wiflint alone (hyperfine, 10 runs, medians): 1 thread %.3f s, 2 threads %.3f s: **%.2f× speed-up**. "
              "`find | xargs cat` over the same files (peers.sh `cat-floor`): %.3f s, so wiflint takes "
              "**%.1f× the time of `cat`** (peers.sh median %.3f s)."
              % (one, two, one / two, cat, wmed / cat, wmed))
            p()
        p("<details><summary>peers.sh table (files/s, MB/s, findings as each tool counts them)</summary>")
        p()
        p(open(os.path.join(a.out, "peers-%s.md" % n)).read().strip())
        p()
        p("</details>")
        p()

    p("## wiflint's recall per defect kind")
    p()
    p("Strict for wiflint: the rule TRUTH.md names, at the primary file it names. Lenient for the "
      "peers: any finding of their Workload Identity policy in that file counts (their policies "
      "check the pod label only, so defects in ServiceAccounts and credential exports are out of "
      "their reach by construction). Misses of wiflint's are cases TRUTH.md allows to leave out "
      "(interacting defects in one app, a ServiceAccount declared by several apps, a wrong subject "
      "another credential of the file makes harmless); `tests/it/accuracy.rs` leaves them out "
      "uniformly and finds every other truth line with no unexplained error or warning.")
    p()
    p("| defect | " + " | ".join("%s files" % n for n in sizes) + " |")
    p("|---|" + "---:|" * len(sizes))
    for c in RULES:
        cells = []
        for n in sizes:
            t = summary.get(n, {}).get(c, [0, 0])
            cells.append("%d/%d" % (t[0], t[1]))
        p("| %s | %s |" % (c, " | ".join(cells)))
    p()

    s = load(os.path.join(a.out, "small.json"))
    if s:
        t = s["results"][0]["times"]
        rss = open(os.path.join(a.out, "small.rss")).read().strip().splitlines()[-1] if os.path.exists(os.path.join(a.out, "small.rss")) else "?"
        p("## One small file (pre-commit)")
        p()
        p("`wiflint check %s` (%d bytes), hyperfine, 100 runs: median %.1f ms, min %.1f ms; peak RSS %.1f MB."
          % (os.path.relpath(a.small, a.out), os.path.getsize(a.small), median(t) * 1000, min(t) * 1000,
             int(rss) / 1024 if rss.isdigit() else float("nan")))
        p()

    large = os.path.join(a.out, "large-300")
    timing = os.path.join(a.out, "large.time")
    if os.path.isdir(large) and os.path.exists(timing):
        sizes_ = [os.path.getsize(os.path.join(large, f)) for f in os.listdir(large)]
        wall, rss = open(timing).read().strip().splitlines()[-1].split()
        p("## Memory: large files, few facts")
        p()
        p("`bench/large_corpus.py`: %d files of %.1f MB each at most (%.0f MB in all), each a ConfigMap "
          "of 20,000 keys and a ServiceAccount. The scan is streamed: each file is checked and dropped "
          "but for the facts rules joining files need (src/model/retain.rs), so peak memory follows "
          "the largest files (one per thread), the 4 MiB of files held whole, and the facts, not "
          "the corpus: `wiflint check` took %s s with a peak RSS of %.0f MB (%.2f× the corpus)."
          % (len(sizes_), max(sizes_) / 1e6, sum(sizes_) / 1e6, wall, int(rss) / 1024,
             int(rss) * 1024 / sum(sizes_)))
        p()

    p("## Commands")
    p()
    p("```sh")
    p("bench/run.sh                      # all of the below; --no-install to skip installing peers")
    p("cargo build --release --locked")
    p("bash ../shared/bench/install-peers.sh")
    for n in sizes:
        p("python3 ../shared/bench/gen_corpus.py --files %s --seed 42 --out bench/out/corpus-%s --truth bench/out/corpus-%s.truth.jsonl" % (n, n, n))
        p("bash ../shared/bench/peers.sh bench/out/corpus-%s --runs 5 --budget 60 --out bench/out/peers-%s \\" % (n, n))
        p("  --extra 'wiflint=target/release/wiflint check {DIR} --format json --output {OUT}'")
        p("hyperfine -N --runs 10 'env RAYON_NUM_THREADS=1 target/release/wiflint check bench/out/corpus-%s' \\" % n)
        p("  'env RAYON_NUM_THREADS=2 target/release/wiflint check bench/out/corpus-%s'" % n)
    p("python3 bench/large_corpus.py bench/out/large-300 300")
    p("/usr/bin/time -f '%e %M' target/release/wiflint check bench/out/large-300 --format json")
    p("cargo bench                       # criterion micro-benchmarks: parsing, rule phase")
    p("```")
    p()
    p("## Machine")
    p()
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    p("- %s, %s cores (`nproc`), %s; %s" % (cpu, cmd(["nproc"]), platform.platform(), cmd(["rustc", "--version"])))
    p("- %s" % cmd([a.wiflint, "--version"]))
    p("- load average when the report was written: %s (the machine is shared with other jobs: "
      "single runs vary; the medians and ratios are the numbers to read)" % " ".join(os.getloadavg().__repr__().strip("()").split(", ")))


if __name__ == "__main__":
    main()
