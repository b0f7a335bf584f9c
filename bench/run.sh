#!/usr/bin/env bash
# Benchmarks dcmscrub's header-only batch de-identification against dicognito and gdcmanon on the same synthetic inputs.
#
# Usage: bash bench/run.sh        (the Makefile's `bench:` target; never part of `make test`)
# Environment knobs:
#   BENCH_SIZES="1000 10000"   batch sizes, one task each
#   BENCH_SEED=20240601        generator seed (inputs are cached per size+seed+gen.py in bench/work/)
#   BENCH_NO_BUILD=1           use the existing binary without building
#   BENCH_DCMSCRUB=PATH        the dcmscrub binary to measure (default .build/release/dcmscrub; implies no build)
#   BENCH_BUILD_TIMEOUT=2400   seconds allowed for `swift build -c release`
# Prints one table and writes the same rows to bench/results.json. Inputs and outputs live in
# bench/work/ (git-ignored); each tool's output is counted, then deleted to save disk.
#
# What is measured: wall seconds from start to exit of the tool (all its processes), peak RSS
# from GNU time's %M (the largest process; for two-worker rows the sum of both workers' peaks),
# CPU seconds (%U+%S, all the tool's processes) and CPU seconds that other processes took meanwhile,
# and the number of DICOM files (bytes 128..131 = "DICM") in the output directory. A row is
# failed when the tool exits non-zero or the output count is not the input count; failed rows
# carry no numbers. Inputs are in the page cache for every tool (generated just before, 24 GiB RAM);
# `sync` runs before each measurement so one tool's write-back is not charged to the next.

set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
BENCH=$ROOT/bench
WORK=$BENCH/work
VENV=$WORK/venv
PY=$VENV/bin/python
SIZES=${BENCH_SIZES:-"1000 10000"}
SEED=${BENCH_SEED:-20240601}
JOBS=2                       # the machine's cores; every tool gets the same two
DCMSCRUB=${BENCH_DCMSCRUB:-$ROOT/.build/release/dcmscrub}
[ -n "${BENCH_DCMSCRUB:-}" ] && BENCH_NO_BUILD=1
DICOGNITO_VERSION=0.19.0     # pinned so results compare across runs
PYDICOM_VERSION=3.0.2
RUN_START=$(date +%s.%N)

say() { printf '== %s\n' "$*" >&2; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

mkdir -p "$WORK/logs"

# ---------------------------------------------------------------- install what is missing
install_tools() {
    local need=()
    command -v gdcmanon >/dev/null || need+=(libgdcm-tools)
    [ -x /usr/bin/time ] || need+=(time)
    command -v openssl >/dev/null || need+=(openssl)
    command -v python3 >/dev/null || need+=(python3)
    if [ ${#need[@]} -gt 0 ]; then
        say "apt-get install ${need[*]}"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null ||
            { echo "bench: apt-get install ${need[*]} failed" >&2; exit 1; }
    fi
    if [ ! -x "$PY" ]; then
        say "python venv in bench/work/venv"
        python3 -m venv "$VENV" 2>/dev/null || {
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
            python3 -m venv "$VENV"
        } || { echo "bench: cannot create a python venv" >&2; exit 1; }
    fi
    if ! "$PY" -c "import dicognito, pydicom, sys
from importlib.metadata import version as v
sys.exit(v('dicognito') != '$DICOGNITO_VERSION' or v('pydicom') != '$PYDICOM_VERSION')" 2>/dev/null; then
        say "pip install dicognito==$DICOGNITO_VERSION pydicom==$PYDICOM_VERSION"
        "$PY" -m pip install -q --disable-pip-version-check \
            "dicognito==$DICOGNITO_VERSION" "pydicom==$PYDICOM_VERSION" ||
            { echo "bench: pip install failed" >&2; exit 1; }
    fi
    # gdcmanon's basic-profile mode encrypts the original attributes for its certificate's holder.
    if [ ! -s "$WORK/gdcm-cert.pem" ]; then
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=dcmscrub-bench" \
            -keyout "$WORK/gdcm-key.pem" -out "$WORK/gdcm-cert.pem" 2>/dev/null ||
            { echo "bench: openssl could not make the gdcmanon certificate" >&2; exit 1; }
    fi
}

# ---------------------------------------------------------------- build dcmscrub
DCMSCRUB_FAIL=""   # non-empty: the reason dcmscrub's rows are failed
build_dcmscrub() {
    if [ -n "${BENCH_NO_BUILD:-}" ]; then
        say "BENCH_NO_BUILD set: using $DCMSCRUB as it is"
    else
        say "swift build -c release --product dcmscrub (log: bench/work/logs/build.log)"
        if ! timeout "${BENCH_BUILD_TIMEOUT:-2400}" swift build -c release --product dcmscrub \
                >"$WORK/logs/build.log" 2>&1; then
            local why
            why=$(grep -m1 -E 'error:' "$WORK/logs/build.log" | cut -c1-200)
            DCMSCRUB_FAIL="release build failed (${why:-see bench/work/logs/build.log})"
            return
        fi
    fi
    [ -x "$DCMSCRUB" ] || DCMSCRUB_FAIL="no binary at ${DCMSCRUB#"$ROOT"/}"
}

# ---------------------------------------------------------------- inputs
# Generated once per (size, seed, gen.py) and reused: bench/work/in-N/.stamp records which.
generate_inputs() {
    local n=$1 dir=$WORK/in-$1 stamp
    stamp="$(sha256sum "$BENCH/gen.py" | cut -c1-16) count=$n seed=$SEED size=256 per-study=50"
    if [ -f "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$stamp" ]; then
        return
    fi
    say "generating $n files in bench/work/in-$n"
    rm -rf "$dir"
    "$PY" "$BENCH/gen.py" --out "$dir" --count "$n" --seed "$SEED" --size 256 --per-study 50 --jobs "$JOBS" >&2 ||
        { echo "bench: gen.py failed" >&2; exit 1; }
    echo "$stamp" >"$dir/.stamp"
}

# Two-worker runs: the study folders of an input are dealt alternately to bench/work/split-N/w0
# and w1 as hard links (made before timing, not counted), so each worker is one invocation on
# its own folder and whole studies stay together (each worker maps a study's UIDs consistently).
split_inputs() {   # N -> prints the split root
    local n=$1 root=$WORK/in-$1 split=$WORK/split-$1
    if [ ! -f "$split/.stamp" ] || ! cmp -s "$split/.stamp" "$root/.stamp"; then
        rm -rf "$split"
        find "$root" -mindepth 2 -maxdepth 2 -type d | sort | awk '{ print (NR - 1) % 2, $0 }' |
            while read -r w d; do
                mkdir -p "$split/w$w/$(dirname "${d#"$root"/}")"
                cp -al "$d" "$split/w$w/${d#"$root"/}"
            done
        cp "$root/.stamp" "$split/.stamp"
    fi
    echo "$split"
}

# ---------------------------------------------------------------- the tools
# dcmscrub: one process, its own --jobs 2 worker pool. ADJUST HERE when the command line changes.
# (If dcmscrub ever forks workers instead of threads, GNU time's %M reports the largest one only.)
run_dcmscrub() {   # OUT SRC...
    local out=$1; shift
    "$DCMSCRUB" run "$@" --out "$out" --key "$WORK/dcmscrub.key" --pixels off --jobs "$JOBS"
}

# dicognito writes into an output directory with -o (files named by the new SOP Instance UID), so
# no copy is needed. Run as `python -m dicognito`: the 0.19.0 console script calls main() without
# its argument and crashes. --seed makes two workers pseudonymise the same values the same way.
run_dicognito() {  # OUT SRC...
    local out=$1; shift
    "$PY" -m dicognito --quiet --seed "$SEED" --output-directory "$out" "$@"
}

# gdcmanon in its PS3.15 E.1 basic-profile mode (-e), not --dumb: it is gdcmanon's own profile
# (removes/empties the profile's attributes, replaces UIDs consistently, adds PatientIdentityRemoved),
# the closest to what dcmscrub does, while --dumb would need us to re-list the profile by hand and
# cannot remap UIDs. That mode requires a certificate (self-signed, made above) because it also
# encrypts the original values into EncryptedAttributesSequence: extra work dcmscrub does not do.
# It mirrors the input tree under -o. It is single-threaded.
run_gdcmanon() {   # OUT SRC (a file or directory)
    gdcmanon -e -c "$WORK/gdcm-cert.pem" -r -i "$2" -o "$1"
}
export -f run_dcmscrub run_dicognito run_gdcmanon
export PY SEED WORK JOBS DCMSCRUB

# ---------------------------------------------------------------- measuring
ROWS=$WORK/rows.tsv
count_dicom() {  # DIR -> number of DICOM files under it
    "$PY" - "$1" <<'EOF'
import os, sys
n = 0
for d, _, files in os.walk(sys.argv[1]):
    for f in files:
        try:
            with open(os.path.join(d, f), "rb") as fh:
                n += fh.read(132)[128:132] == b"DICM"
        except OSError:
            pass
print(n)
EOF
}

report_summary() {  # DIR -> "report.json: delivered D, quarantined Q" from dcmscrub's DIR/report.json, if any
    [ -f "$1/report.json" ] || return 0
    "$PY" - "$1/report.json" <<'EOF' 2>/dev/null
import json, sys
r = json.load(open(sys.argv[1]))
print(f"report.json: delivered {r.get('delivered', '?')}, quarantined {r.get('quarantined', '?')}")
EOF
}

# The machine is shared (other sessions may build while we measure): each measurement also
# takes the CPU time the whole machine spent (/proc/stat) and subtracts the tool's own (GNU time
# %U+%S), so rows measured while something else ran are flagged instead of silently slow.
HZ=$(getconf CLK_TCK)
cpu_busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
cpu_other() {  # BUSY0 BUSY1 TOOL_CPU_S -> CPU seconds used by others
    awk -v a="$1" -v b="$2" -v t="$3" -v hz="$HZ" 'BEGIN { o = (b - a) / hz - t; printf "%.2f", o < 0 ? 0 : o }'
}
TIMEFMT='%M %U %S'   # peak RSS KiB, user s, system s
time_rss() { awk '{ print $1 }' "$1" | tail -n1; }
time_cpu() { tail -n1 "$1" | awk '{ printf "%.2f", $2 + $3 }'; }

# record TASK TOOL PARALLELISM N OUTDIR SECS RSS_KIB CPU_S OTHER_CPU_S RC LOGBASE [FAILREASON]
record() {
    local task=$1 tool=$2 par=$3 n=$4 out=$5 secs=$6 rss=$7 cpu=$8 other=$9 rc=${10} log=${11} fail=${12:-}
    local got="-" status=ok note=""
    if [ -n "$fail" ]; then
        status=failed note=$fail secs=- rss=- cpu=- other=-
    else
        got=$(count_dicom "$out")
        if [ "$rc" != 0 ]; then
            local last
            last=$(grep -v '^[[:space:]]*$' "$log.err" 2>/dev/null | tail -n1 | cut -c1-120)
            status=failed note="exit $rc${last:+: $last}"
        elif [ "$got" != "$n" ]; then
            status=failed note="$got of $n output files"
        fi
        local summary
        summary=$(report_summary "$out")
        case $summary in
            "" | *"quarantined 0") ;;
            *) note="${note:+$note; }$summary" ;;
        esac
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$task" "$tool" "$par" "$n" "$got" "$secs" "$rss" "$cpu" "$other" "$status" "$note" >>"$ROWS"
    printf '   %-9s %-22s %s files, %ss, peak %s KiB, cpu %ss, others %ss: %s %s\n' \
        "$tool" "$par" "$got" "$secs" "$rss" "$cpu" "$other" "$status" "$note" >&2
    rm -rf "$out"
}

# measure1 TASK TOOL PARALLELISM N FUNCTION SRC...: one process tree under GNU time.
measure1() {
    local task=$1 tool=$2 par=$3 n=$4 fn=$5; shift 5
    local out=$WORK/out-$tool-$n log=$WORK/logs/$tool-$n
    rm -rf "$out"; sync
    local t0 t1 b0 b1 rc cpu
    b0=$(cpu_busy); t0=$(now)
    /usr/bin/time -f "$TIMEFMT" -o "$log.time" bash -c "$fn \"\$@\"" _ "$out" "$@" >"$log.out" 2>"$log.err"
    rc=$?
    t1=$(now); b1=$(cpu_busy)
    cpu=$(time_cpu "$log.time")
    record "$task" "$tool" "$par" "$n" "$out" "$(elapsed "$t0" "$t1")" "$(time_rss "$log.time")" \
        "$cpu" "$(cpu_other "$b0" "$b1" "$cpu")" "$rc" "$log"
}

# measure2 TASK TOOL PARALLELISM N FUNCTION: two workers at once, each under its own GNU time,
# each given one half of the studies (see split_inputs), both writing into the same output folder.
measure2() {
    local task=$1 tool=$2 par=$3 n=$4 fn=$5
    local out=$WORK/out-$tool-2p-$n log=$WORK/logs/$tool-2p-$n split
    split=$(split_inputs "$n")
    rm -rf "$out"; mkdir -p "$out"; sync   # made beforehand: dicognito's own mkdir races between workers
    local t0 t1 b0 b1 w r rc=0 rss=0 cpu=0
    local -a pids
    b0=$(cpu_busy); t0=$(now)
    for w in 0 1; do
        /usr/bin/time -f "$TIMEFMT" -o "$log.$w.time" bash -c "$fn \"\$@\"" _ "$out" "$split/w$w" \
            >"$log.$w.out" 2>"$log.$w.err" &
        pids[w]=$!
    done
    for w in 0 1; do
        wait "${pids[w]}"; r=$?
        [ "$rc" = 0 ] && rc=$r
    done
    t1=$(now); b1=$(cpu_busy)
    cat "$log.0.err" "$log.1.err" >"$log.err" 2>/dev/null
    for w in 0 1; do
        rss=$(( rss + $(time_rss "$log.$w.time") ))
        cpu=$(awk -v a="$cpu" -v b="$(time_cpu "$log.$w.time")" 'BEGIN { printf "%.2f", a + b }')
    done
    record "$task" "$tool" "$par" "$n" "$out" "$(elapsed "$t0" "$t1")" "$rss" \
        "$cpu" "$(cpu_other "$b0" "$b1" "$cpu")" "$rc" "$log"
}

# ---------------------------------------------------------------- main
install_tools
build_dcmscrub
[ -n "$DCMSCRUB_FAIL" ] && say "dcmscrub: $DCMSCRUB_FAIL (its rows will be marked failed)"
for n in $SIZES; do generate_inputs "$n"; done

: >"$ROWS"
load=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$load" 'BEGIN { exit !(l > 0.5) }' &&
    say "warning: load average $load before measuring: something else is running; rows will say how much"
BENCH_START=$(now)
for n in $SIZES; do
    task="deid-headers-$n"
    in=$WORK/in-$n
    say "task $task"
    if [ -n "$DCMSCRUB_FAIL" ]; then
        record "$task" dcmscrub "1 proc, --jobs 2" "$n" "$WORK/out-dcmscrub-$n" - - - - - - "$DCMSCRUB_FAIL"
    else
        measure1 "$task" dcmscrub "1 proc, --jobs 2" "$n" run_dcmscrub "$in"
    fi
    measure1 "$task" dicognito "1 proc (its only mode)" "$n" run_dicognito "$in"
    measure2 "$task" dicognito "2 procs, split studies" "$n" run_dicognito
    measure1 "$task" gdcmanon "1 proc (its only mode)" "$n" run_gdcmanon "$in"
    measure2 "$task" gdcmanon "2 procs, split studies" "$n" run_gdcmanon
done
BENCH_END=$(now)

versions=(
    "dcmscrub=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'no commit')${DCMSCRUB_FAIL:+ (failed: $DCMSCRUB_FAIL)}"
    "dicognito=$("$PY" -c 'from importlib.metadata import version; print(version("dicognito"))')"
    "pydicom=$("$PY" -c 'from importlib.metadata import version; print(version("pydicom"))')"
    "gdcmanon=$(gdcmanon --version 2>&1 | awk '{ print $3 }')"
)
echo
"$PY" "$BENCH/report.py" "$ROWS" "$BENCH/results.json" \
    "date=$(date -u +%FT%TZ)" "machine=$(nproc) cores, $(free -g | awk '/^Mem:/ { print $2 }') GiB" \
    "seed=$SEED" "inputs=256x256 16-bit CT, Explicit VR LE, 50 per study" "jobs=$JOBS" "${versions[@]}" \
    "benchmark_seconds=$(elapsed "$BENCH_START" "$BENCH_END")" "total_seconds=$(elapsed "$RUN_START" "$(now)")"
echo "benchmarks took $(elapsed "$BENCH_START" "$BENCH_END") s; whole run (install, build, inputs, benchmarks) $(elapsed "$RUN_START" "$(now)") s"
echo "results: bench/results.json"
