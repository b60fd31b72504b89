#!/usr/bin/env bash
# Benchmarks wiflint against the peer tools on the shared generated corpora and writes
# BENCHMARKS.md (medians, peak RSS, ratios, the peers' recall on the same truth beside ours).
#
# usage: bench/run.sh [--no-install] [--wiflint-only] [--sizes "1000 10000"] [--runs N]
#   --no-install     do not run install-peers.sh (peers already under $PEERS)
#   --wiflint-only   keep the peers' rows of a previous run (bench/out), time wiflint and `cat`
#                    again and rewrite BENCHMARKS.md (after a change to wiflint only)
# Needs python3, GNU time and hyperfine (install-peers.sh installs the last two), and network to
# PyPI and npm for the peers. The shared directory is ../shared beside this checkout (SHARED=…
# overrides it); generated corpora and raw outputs go to bench/out/ (not committed).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
BENCH="$SHARED/bench"
OUT="${OUT:-$ROOT/bench/out}"
WIFLINT="$ROOT/target/release/wiflint"
INSTALL=1; ONLY_WIFLINT=0; SIZES="1000 10000"; RUNS=5; BIG_TIMEOUT="${BIG_TIMEOUT:-300}"
while [ $# -gt 0 ]; do
  case "$1" in
    --no-install) INSTALL=0; shift;;
    --wiflint-only) ONLY_WIFLINT=1; INSTALL=0; shift;;
    --sizes) SIZES="$2"; shift 2;;
    --runs) RUNS="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
[ -f "$BENCH/gen_corpus.py" ] || { echo "no $BENCH/gen_corpus.py (set SHARED)" >&2; exit 2; }

cd "$ROOT"
cargo build --release --locked
if [ "$INSTALL" = 1 ]; then bash "$BENCH/install-peers.sh"; fi
mkdir -p "$OUT"

for n in $SIZES; do
  corpus="$OUT/corpus-$n"
  if [ "$ONLY_WIFLINT" = 1 ]; then
    [ -f "$OUT/peers-$n/results.tsv" ] || { echo "no previous run in $OUT/peers-$n" >&2; exit 2; }
    rm -rf "$OUT/wiflint-$n"
    bash "$BENCH/peers.sh" "$corpus" --runs "$RUNS" --only cat-floor,wiflint --out "$OUT/wiflint-$n" \
      --extra "wiflint=$WIFLINT check {DIR} --format json --output {OUT}" > /dev/null
    python3 - "$OUT/peers-$n" "$OUT/wiflint-$n" <<'PY'
import csv, shutil, sys
old, new = sys.argv[1], sys.argv[2]
fresh = {r["tool"]: r for r in csv.DictReader(open(new + "/results.tsv"), delimiter="\t")}
rows = list(csv.DictReader(open(old + "/results.tsv"), delimiter="\t"))
with open(old + "/results.tsv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), delimiter="\t", lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow(fresh.get(r["tool"], r))
shutil.copy(new + "/wiflint.out", old + "/wiflint.out")
PY
    python3 "$BENCH/peers_table.py" "$OUT/peers-$n/results.tsv" "$OUT/peers-$n" > "$OUT/peers-$n.md"
  else
  rm -rf "$corpus" "$OUT/peers-$n"
  python3 "$BENCH/gen_corpus.py" --files "$n" --seed 42 --out "$corpus" --truth "$OUT/corpus-$n.truth.jsonl"
  # The peers and wiflint, same corpus, same harness (medians of up to $RUNS runs).
  # On the large corpus only the Workload Identity policies run, each killed after $BIG_TIMEOUT s
  # (the general-purpose peers take tens of minutes there and measure nothing of WI).
  if [ "$n" -ge 5000 ]; then
    limit=(--only "cat-floor,checkov-awi-yaml-policy,semgrep-awi-rule,spectral-awi-ruleset,trivy+awi-rego,wiflint" --timeout "$BIG_TIMEOUT")
  else
    limit=()
  fi
  bash "$BENCH/peers.sh" "$corpus" --runs "$RUNS" --budget 60 --out "$OUT/peers-$n" "${limit[@]}" \
    --extra "wiflint=$WIFLINT check {DIR} --format json --output {OUT}" > "$OUT/peers-$n.md"
  fi
  # wiflint alone: 1 and 2 threads (hyperfine, warm cache).
  hyperfine -N -i --warmup 3 --runs 10 --export-json "$OUT/threads-$n.json" \
    -n "1 thread" "env RAYON_NUM_THREADS=1 $WIFLINT check $corpus --format json --output /dev/null" \
    -n "2 threads" "env RAYON_NUM_THREADS=2 $WIFLINT check $corpus --format json --output /dev/null" \
    > /dev/null
done

# One small manifest, the pre-commit case.
small="$(find "$OUT/corpus-$(echo $SIZES | cut -d' ' -f1)" -name serviceaccount.yaml | sort | head -n 1)"
hyperfine -N -i --warmup 10 --runs 100 --export-json "$OUT/small.json" \
  -n "one small file" "$WIFLINT check $small" > /dev/null
/usr/bin/time -f '%M' -o "$OUT/small.rss" "$WIFLINT" check "$small" > /dev/null || true

# Memory: large files with few facts (the streamed scan keeps the facts, not the files).
large="$OUT/large-300"
[ -d "$large" ] || python3 "$ROOT/bench/large_corpus.py" "$large" 300
/usr/bin/time -f '%e %M' -o "$OUT/large.time" "$WIFLINT" check "$large" --format json > /dev/null || true

python3 "$ROOT/bench/report.py" --out "$OUT" --sizes "$SIZES" --shared "$SHARED" \
  --wiflint "$WIFLINT" --small "$small" > "$ROOT/BENCHMARKS.md"
echo "wrote $ROOT/BENCHMARKS.md"
