# Task headers, multi-frame rows: a few large multi-frame files, and two enhanced CTs of many per-frame items, beside gdcmanon and dicognito.
"""
Called by bench.py's headers task after its batches of single-frame files, with the bench module as
`b` (its knobs, its measuring and its rows). large_inputs(b) is shared with the pixels task.
"""

import subprocess
import sys
from pathlib import Path

# Each file is one unit of the 2-process rows; dicognito runs as two processes only, as on large batches.
ROWS = [("dcmscrub", 1), ("gdcmanon", 1), ("gdcmanon", 2), ("gdcmanon", "2+sync"), ("dicognito", 2)]

def large_inputs(b):
    def make(folder):
        b.say(f"generating {b.LARGE_FILES} large multi-frame files ({b.LARGE_FRAMES} frames) in {folder.relative_to(b.ROOT)}")
        subprocess.run([b.PY, b.BENCH / "gen_large.py", "--out", folder, "--files", str(b.LARGE_FILES), "--frames",
                        str(b.LARGE_FRAMES), "--seed", str(b.SEED)], check=True, stdout=sys.stderr)
    return b.cached(b.WORK / f"large-{b.LARGE_FILES}x{b.LARGE_FRAMES}",
                    b.stamp_of(b.file_hash(b.BENCH / "gen_large.py"), b.LARGE_FILES, b.LARGE_FRAMES, b.SEED), make)


def large_headers(b):
    """Header-only over a few large multi-frame files, half native and half JPEG-LS: what a cine or
    an enhanced CT costs in time and memory. Not scored (score_headers pairs by native Pixel Data);
    the headers are gen.py's kind and the header rows above score the tools' cleaning."""
    if b.LARGE_FILES < 1:
        return
    src = large_inputs(b)
    task = f"large-headers-{b.LARGE_FILES}x{b.LARGE_FRAMES}f-{b.tree_bytes(src) >> 20}MiB"
    b.say(f"task {task}")
    runs = ROWS
    units = [p for p in Path(src).glob("*") if p.is_dir()]
    b.header_rows(task, src, b.LARGE_FILES, runs, units, f"large-{b.LARGE_FILES}x{b.LARGE_FRAMES}", scored=False)


def groups_headers(b):
    """Header-only over two enhanced CTs (native and JPEG-LS) of GROUPS_FRAMES small frames, each
    frame with its functional group item: a header of tens of thousands of items, where a cost per
    item that grows with their number shows. Not scored, as the large-file rows."""
    if b.GROUPS_FRAMES < 1:
        return
    def make(folder):
        b.say(f"generating 2 enhanced CTs of {b.GROUPS_FRAMES} frames with per-frame functional groups in {folder.relative_to(b.ROOT)}")
        subprocess.run([b.PY, b.BENCH / "gen_large.py", "--out", folder, "--files", "2", "--frames", str(b.GROUPS_FRAMES),
                        "--size", "64", "--groups", "--seed", str(b.SEED)], check=True, stdout=sys.stderr)
    src = b.cached(b.WORK / f"groups-2x{b.GROUPS_FRAMES}",
                   b.stamp_of(b.file_hash(b.BENCH / "gen_large.py"), b.GROUPS_FRAMES, b.SEED), make)
    task = f"groups-headers-2x{b.GROUPS_FRAMES}items-{b.tree_bytes(src) >> 20}MiB"
    b.say(f"task {task}")
    runs = ROWS
    units = [p for p in Path(src).glob("*") if p.is_dir()]
    b.header_rows(task, src, 2, runs, units, f"groups-2x{b.GROUPS_FRAMES}", scored=False)


def run(b):
    large_headers(b)
    groups_headers(b)
