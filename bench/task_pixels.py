# Task pixels: burned-in text cleaned by dcmscrub beside Presidio, and dcmscrub alone on large and many-frame cines.
"""
Rows (issue 3): 640x480 ultrasound frames and cines with burned-in text (bench/gen_pixels.py):
dcmscrub run with pixels cleaned, as shipped and with --verify headers (the work Presidio does),
and Presidio's DicomImageRedactorEngine with one and two processes; frames/s and token recall
(bench/score_pixels.py). Not scored, dcmscrub alone: the large multi-frame files of the headers
task with their pixels cleaned (time, peak memory), and two cines of many small frames (native
and JPEG-LS, BENCH_MANY_FRAMES each), where any per-frame cost that grows with the frame count
shows (walking a cine's fragments once per frame made 5000 frames take 197 s).
"""

import json
import shutil
import subprocess
import sys

import score_pixels
import task_multiframe


def many_frame_inputs(b):
    """Two cines of BENCH_MANY_FRAMES 64x64 frames, native and JPEG-LS (bench/gen_large.py)."""
    def make(folder):
        b.say(f"generating 2 cines of {b.MANY_FRAMES} 64x64 frames in {folder.relative_to(b.ROOT)}")
        subprocess.run([b.PY, b.BENCH / "gen_large.py", "--out", folder, "--files", "2", "--frames",
                        str(b.MANY_FRAMES), "--size", "64", "--seed", str(b.SEED)], check=True, stdout=sys.stderr)
    return b.cached(b.WORK / f"many-2x{b.MANY_FRAMES}",
                    b.stamp_of(b.file_hash(b.BENCH / "gen_large.py"), b.MANY_FRAMES, 64, b.SEED), make)


def many_frames(b):
    """dcmscrub run with pixels cleaned over two cines of many small frames. dcmscrub only, not
    scored (noise frames, as in large_pixels)."""
    if b.MANY_FRAMES < 1:
        return
    src = many_frame_inputs(b)
    task = f"many-frames-2x{b.MANY_FRAMES}f-64px"
    b.say(f"task {task}")
    mode = f"run, 1 proc, --jobs {b.JOBS}"
    if b.DCMSCRUB_FAIL:
        b.add_row(task, "dcmscrub", mode, "frames", 2 * b.MANY_FRAMES, status="failed", note=b.DCMSCRUB_FAIL)
        return
    m, out, _, seconds = b.measure_median(f"dcmscrub-{task}", f"out-{task}",
                                          lambda out: [[b.DCMSCRUB, "run", src, "--out", out, "--key", b.KEY, "--jobs", str(b.JOBS)]])
    d, q = b.dcmscrub_report(out)
    reason = b.failed_reason(m, d, 2, "files delivered")
    note = b.with_repeats(f"{q} quarantined" if q else "", seconds)
    b.add_row(task, "dcmscrub", mode, "frames", 2 * b.MANY_FRAMES, m, b.count_dicom(out), "failed" if reason else "ok",
              reason or note)
    b.discard(out)


def large_pixels(b):
    """dcmscrub run with pixels cleaned over the large multi-frame files: what redacting a cine
    costs in time and peak memory. dcmscrub only, not scored: the frames are noise without burned-in
    text (OCR proposes boxes in the noise, so every file is redacted), and no peer here redacts 2000
    frames within a bench run."""
    if b.LARGE_FILES < 1:
        return
    src = task_multiframe.large_inputs(b)
    task = f"large-pixels-{b.LARGE_FILES}x{b.LARGE_FRAMES}f-{b.tree_bytes(src) >> 20}MiB"
    b.say(f"task {task}")
    mode = f"run, 1 proc, --jobs {b.JOBS}"
    if b.DCMSCRUB_FAIL:
        b.add_row(task, "dcmscrub", mode, "files", b.LARGE_FILES, status="failed", note=b.DCMSCRUB_FAIL)
        return
    m, out, _, seconds = b.measure_median(f"dcmscrub-large-pixels-{task}", f"out-large-pixels-{task}",
                                        lambda out: [[b.DCMSCRUB, "run", src, "--out", out, "--key", b.KEY, "--jobs", str(b.JOBS)]])
    d, q = b.dcmscrub_report(out)
    reason = b.failed_reason(m, d, b.LARGE_FILES, "files delivered")
    note = b.with_repeats(f"{q} quarantined" if q else "", seconds)
    b.add_row(task, "dcmscrub", mode, "files", b.LARGE_FILES, m, b.count_dicom(out), "failed" if reason else "ok", reason or note)
    b.discard(out)


def run(b):
    large_pixels(b)
    many_frames(b)
    kept = {}
    src = b.pixel_inputs()
    truth = json.load(open(src / "truth.json"))
    for kind, folder, label in (("us", src / "us", f"pixels-us-{b.PIXEL_FRAMES}x640x480"),
                                ("cine", src / "cine", f"pixels-cine-{b.CINES}x{b.CINE_FRAMES}f")):
        files = sorted(folder.glob("*.dcm"))
        if not files:
            continue
        frames = sum(v["frames"] for k, v in truth["files"].items() if k.startswith(kind + "/"))
        b.say(f"task {label}: {len(files)} files, {frames} frames")
        # dcmscrub twice: as shipped (every output read again by the stricter OCR check), and with
        # --verify headers (detection and redaction; the check without its OCR), which is the work
        # Presidio does.
        for tool, procs, check in (("dcmscrub", 1, "full"), ("dcmscrub", 1, "headers"), ("presidio", 1, None),
                                   ("presidio", 2, None)):
            if tool == "dcmscrub":
                mode = f"run, 1 proc, --jobs {b.JOBS}" + ("" if check == "full" else ", --verify headers")
            else:
                mode = "1 proc" if procs == 1 else "2 procs, split files"
            if tool == "dcmscrub" and b.DCMSCRUB_FAIL:
                b.add_row(label, tool, mode, "frames", frames, status="failed", note=b.DCMSCRUB_FAIL)
                continue
            if procs == 2 and len(files) < 2:
                b.add_row(label, tool, mode, "frames", frames, status="skipped", note="one file: nothing to split")
                continue
            name = f"px-{tool}-{procs}p-{kind}" + ("-verify-headers" if check == "headers" else "")
            # Presidio's two workers on two cores: Tesseract's threads would fight.
            env = {"OMP_THREAD_LIMIT": "1"} if tool == "presidio" and procs == 2 else None

            def commands(out):
                if tool == "dcmscrub":
                    return [[b.DCMSCRUB, "run", folder, "--out", out, "--key", b.KEY, "--jobs", str(b.JOBS), "--verify", check]]
                if procs == 1:
                    return [[b.PY, b.BENCH / "peers/presidio_redact.py", out, folder]]
                halves = b.split(folder, files, f"px-{kind}-{src.name}")
                return [[b.PY, b.BENCH / "peers/presidio_redact.py", out / f"w{i}", h] for i, h in enumerate(halves)]

            m, out, run_name, seconds = b.measure_median(name, f"out-{name}", commands, env)
            got = b.count_dicom(out)
            note = ""
            expected = len(files)
            if tool == "dcmscrub":
                d, q = b.dcmscrub_report(out)
                if q:
                    note = f"{q} of {len(files)} files quarantined (not scored)"
                    expected = d if d is not None else expected
            else:
                startup = presidio_startup(b, run_name, procs)
                if startup and not m.rc and m.seconds > startup:
                    note = (f"includes {startup:.1f} s of imports and engine set-up; "
                            f"{frames / (m.seconds - startup):.2f} frames/s without it")
            note = b.with_repeats(note, seconds)
            reason = b.failed_reason(m, got, expected, "files out")
            acc = acc_text = None
            if not reason:
                acc = score_pixels.score(str(folder.parent), str(out), only=kind + "/")
                acc_text = score_pixels.summary(acc)
            b.add_row(label, tool, mode, "frames", frames, m, got, "failed" if reason else "ok", reason or note, acc,
                    acc_text, extra={"files": len(files)})
            if tool == "dcmscrub" and check == "full" and not reason:
                kept[kind] = (folder, out)
            else:
                shutil.rmtree(out, ignore_errors=True)
    return kept


def presidio_startup(b, name, n):
    """The longest 'start-up S s' that presidio_redact.py reported among the n workers."""
    best = None
    for i in range(n):
        for ln in (b.LOGS / f"{name}.{i}.err").read_text(errors="replace").splitlines():
            if "start-up" in ln:
                try:
                    v = float(ln.split("start-up ", 1)[1].split(" s", 1)[0])
                    best = v if best is None else max(best, v)
                except (ValueError, IndexError):
                    pass
    return best
