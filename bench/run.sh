#!/usr/bin/env bash
# `make bench`: installs the comparison tools when missing, builds dcmscrub release, then runs bench/bench.py.
#
# Usage: bash bench/run.sh            (never part of `make test`)
#        BENCH_QUICK=1 bash bench/run.sh   a few minutes, every task on small inputs
# Knobs of this script (the benchmark's own are listed at the top of bench/bench.py):
#   BENCH_NO_BUILD=1           use the existing binary without building
#   BENCH_DCMSCRUB=PATH        the dcmscrub binary to measure (implies BENCH_NO_BUILD)
#   BENCH_BUILD_TIMEOUT=2400   seconds allowed for `swift build -c release`
# What it installs when missing: Debian's libgdcm-tools (gdcmanon), time (GNU time: peak memory), tesseract-ocr (the CLI that
# Presidio calls through pytesseract), fonts-dejavu-core (the generator's fonts), openssl (gdcmanon's
# certificate), python3-venv; and a venv in bench/work/venv with bench/requirements.txt (all pinned:
# dicognito, deid, presidio-image-redactor, spaCy and its small English model, numpy, Pillow).

set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
WORK=$ROOT/bench/work
VENV=$WORK/venv
PY=$VENV/bin/python
export BENCH_DCMSCRUB=${BENCH_DCMSCRUB:-}
[ -n "$BENCH_DCMSCRUB" ] && BENCH_NO_BUILD=1
DCMSCRUB=${BENCH_DCMSCRUB:-$ROOT/.build/release/dcmscrub}

say() { printf '== %s\n' "$*" >&2; }
mkdir -p "$WORK/logs"

# ---------------------------------------------------------------- install what is missing
need=()
command -v gdcmanon >/dev/null || need+=(libgdcm-tools)
command -v tesseract >/dev/null || need+=(tesseract-ocr)
command -v dcmcjpls >/dev/null || need+=(dcmtk)   # JPEG-LS inputs of the large-file rows (gen_large.py)
command -v openssl >/dev/null || need+=(openssl)
[ -x /usr/bin/time ] || need+=(time)
command -v python3 >/dev/null || need+=(python3)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
    say "apt-get install ${need[*]}"
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null ||
        { echo "bench: apt-get install ${need[*]} failed" >&2; exit 1; }
fi
if [ ! -x "$PY" ]; then
    say "python venv in bench/work/venv"
    python3 -m venv "$VENV" || { echo "bench: cannot create a python venv" >&2; exit 1; }
fi
req_stamp=$(sha256sum bench/requirements.txt | cut -c1-16)
if [ "$(cat "$VENV/.bench-requirements" 2>/dev/null)" != "$req_stamp" ]; then
    say "pip install -r bench/requirements.txt (pinned; log: bench/work/logs/pip.log)"
    "$PY" -m pip install -q --disable-pip-version-check -r bench/requirements.txt >"$WORK/logs/pip.log" 2>&1 ||
        { echo "bench: pip install failed (bench/work/logs/pip.log)" >&2; tail -5 "$WORK/logs/pip.log" >&2; exit 1; }
    echo "$req_stamp" >"$VENV/.bench-requirements"
fi

# ---------------------------------------------------------------- build dcmscrub
export BENCH_DCMSCRUB_FAIL=""   # non-empty: the reason dcmscrub's rows are failed
if [ -n "${BENCH_NO_BUILD:-}" ]; then
    say "BENCH_NO_BUILD set: using ${DCMSCRUB#"$ROOT"/} as it is"
else
    say "swift build -c release --product dcmscrub (log: bench/work/logs/build.log)"
    t0=$(date +%s)
    if ! timeout "${BENCH_BUILD_TIMEOUT:-2400}" swift build -c release --product dcmscrub >"$WORK/logs/build.log" 2>&1; then
        why=$(grep -m1 -E 'error:' "$WORK/logs/build.log" | cut -c1-200)
        BENCH_DCMSCRUB_FAIL="release build failed (${why:-see bench/work/logs/build.log})"
    fi
    export BENCH_BUILD_SECONDS=$(( $(date +%s) - t0 ))
fi
[ -z "$BENCH_DCMSCRUB_FAIL" ] && [ ! -x "$DCMSCRUB" ] && BENCH_DCMSCRUB_FAIL="no binary at ${DCMSCRUB#"$ROOT"/}"
[ -n "$BENCH_DCMSCRUB_FAIL" ] && say "dcmscrub: $BENCH_DCMSCRUB_FAIL (its rows will be marked failed)"
export BENCH_DCMSCRUB=$DCMSCRUB

exec "$PY" "$ROOT/bench/bench.py"
