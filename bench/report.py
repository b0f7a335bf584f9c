# The benchmark's table and bench/results.json; also re-prints or compares saved results.
"""
Usage:
  report.py RESULTS.json              print the table of a saved run again
  report.py --compare OLD.json NEW.json   per row (task, tool, mode): throughput new/old and peak memory

Ratios are dcmscrub's, shown on each peer's row of the same task:
  speed x = dcmscrub's throughput / this row's   (above 1: dcmscrub is faster)
  mem x   = dcmscrub's peak RSS / this row's      (below 1: dcmscrub uses less)
  cpu x   = this row's CPU seconds / dcmscrub's   (above 1: dcmscrub uses less CPU for the same inputs)
The dcmscrub row a task compares against is its first dcmscrub row that succeeded.
A row is flagged noisy when other processes used more than 5% of the machine's CPU meanwhile.
"""

import json
import os
import sys

NOISY_SHARE = 0.05


def build(rows, run):
    cores = os.cpu_count() or 1
    for r in rows:
        r["noisy"] = bool(r["status"] == "ok" and r["seconds"] and r["other_cpu_s"] is not None
                          and r["other_cpu_s"] > max(0.2, NOISY_SHARE * cores * r["seconds"]))
        r["dcmscrub_speed_x"] = r["dcmscrub_mem_x"] = r["dcmscrub_cpu_x"] = None
    for r in rows:
        if r["tool"] == "dcmscrub" or r["status"] != "ok":
            continue
        ours = [d for d in rows if d["task"] == r["task"] and d["tool"] == "dcmscrub" and d["status"] == "ok"]
        if not ours:
            continue
        d = ours[0]
        if d["rate"] and r["rate"]:
            r["dcmscrub_speed_x"] = round(d["rate"] / r["rate"], 2)
        if d["peak_rss_mib"] and r["peak_rss_mib"]:
            r["dcmscrub_mem_x"] = round(d["peak_rss_mib"] / r["peak_rss_mib"], 2)
        if d.get("cpu_s") and r.get("cpu_s") and d["items_in"] == r["items_in"]:
            r["dcmscrub_cpu_x"] = round(r["cpu_s"] / d["cpu_s"], 2)
    return {"run": run, "rows": rows, "memory_growth": memory_growth(rows), "targets": targets(rows)}


def best(rows, task, tool):
    ok = [r for r in rows if r["task"] == task and r["tool"] == tool and r["status"] == "ok" and r["rate"]]
    return max(ok, key=lambda r: r["rate"]) if ok else None


def targets(rows):
    """The issues' targets, each against the peer's fastest row of the task (its best showing)."""
    out = []

    def add(issue, target, measured, met):
        out.append({"issue": issue, "target": target, "measured": measured, "met": met})
    header_tasks = sorted({r["task"] for r in rows if r["task"].startswith("headers-")}, key=lambda t: int(t.split("-")[1]))
    if header_tasks:
        t = header_tasks[-1]
        ours = best(rows, t, "dcmscrub")
        for peer, factor in (("dicognito", 10), ("gdcmanon", 1)):
            theirs = best(rows, t, peer)
            if ours and theirs:
                x = ours["rate"] / theirs["rate"]
                add(2, f"{t}: at least {factor}x {peer}'s files/s", f"{x:.2f}x", x >= factor)
    for g in memory_growth(rows):
        if g["tool"] == "dcmscrub":
            add(2, f"peak memory flat from {g['files'][0]} to {g['files'][1]} files (harness bar: +25%)",
                f"{g['growth_pct']:+.1f}%", g["growth_pct"] <= 25)
    for t in sorted({r["task"] for r in rows if r["task"].startswith("pixels-")}):
        theirs = best(rows, t, "presidio")
        # Each dcmscrub row on its own: as shipped (outputs read again by the OCR check) and
        # --verify headers (the work Presidio does: detect and redact).
        for ours in [r for r in rows if r["task"] == t and r["tool"] == "dcmscrub" and r["status"] == "ok" and r["rate"]]:
            if not theirs:
                break
            how = "with the OCR check" if "--verify headers" not in ours["mode"] else "detect and redact (--verify headers)"
            x = ours["rate"] / theirs["rate"]
            add(3, f"{t}, {how}: at least 3x Presidio's frames/s", f"{x:.2f}x", x >= 3)
            a, b = (ours.get("accuracy") or {}).get("recall"), (theirs.get("accuracy") or {}).get("recall")
            if a is not None and b is not None:
                add(3, f"{t}, {how}: token recall above Presidio's", f"{100 * a:.1f}% vs {100 * b:.1f}%", a > b)
    for r in rows:
        if r["task"].startswith("review-status-") and r["status"] == "ok":
            add(4, f"{r['task']}: {r['mode']} under 1 s", f"{r['seconds']:.3f} s", r["seconds"] < 1)
    return out


def memory_growth(rows):
    """Peak RSS of each header tool setting from the smallest to the largest batch: flat is the goal."""
    out = []
    keys = []
    for r in rows:
        if r["task"].startswith("headers-") and (r["tool"], r["mode"]) not in keys:
            keys.append((r["tool"], r["mode"]))
    for tool, mode in keys:
        ok = sorted((r for r in rows if r["task"].startswith("headers-") and r["tool"] == tool and r["mode"] == mode
                     and r["status"] == "ok"), key=lambda r: r["items_in"])
        if len(ok) < 2:
            continue
        a, b = ok[0], ok[-1]
        out.append({"tool": tool, "mode": mode, "files": [a["items_in"], b["items_in"]],
                    "peak_rss_mib": [a["peak_rss_mib"], b["peak_rss_mib"]],
                    "growth_pct": round(100 * (b["peak_rss_mib"] / a["peak_rss_mib"] - 1), 1)})
    return out


def fmt(v, spec=""):
    return "-" if v is None else format(v, spec)


def throughput(r):
    if r["status"] != "ok":
        return "-"
    if r["unit"] == "s/call":
        return f"{r['seconds']:.3f} s/call"
    if r["rate"] is None:
        return "-"
    spec = ".2f" if r["rate"] < 10 else ".1f" if r["rate"] < 1000 else ".0f"
    return f"{format(r['rate'], spec)} {r['unit']}/s"


def table(rows):
    head = ["task", "tool", "mode", "items", "seconds", "throughput", "peak MiB", "speed x", "mem x", "cpu x",
            "accuracy / status"]
    body = []
    for r in rows:
        items = f"{fmt(r['items_out'])}/{r['items_in']}" if r["unit"] != "s/call" else str(r["items_in"])
        if r["unit"] not in ("s/call",):
            items += f" {r['unit']}" if r["unit"] != "files" else ""
        last = []
        if r["status"] != "ok":
            last.append(f"{r['status'].upper()}: {r['note']}")
        else:
            if r.get("accuracy_text"):
                last.append(r["accuracy_text"])
            if r["note"]:
                last.append(r["note"])
            if r["noisy"]:
                last.append(f"noisy: others took {r['other_cpu_s']:.1f} CPU-s")
        body.append([r["task"], r["tool"], r["mode"], items, fmt(r["seconds"], ".2f"), throughput(r),
                     fmt(r["peak_rss_mib"], ".1f"), fmt(r["dcmscrub_speed_x"], ".2f"), fmt(r["dcmscrub_mem_x"], ".2f"),
                     fmt(r.get("dcmscrub_cpu_x"), ".2f"), "; ".join(last)])
    right = {3, 4, 5, 6, 7, 8, 9}
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    widths[-1] = len(head[-1])

    def line(cells):
        return "  ".join(str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i])
                         for i, c in enumerate(cells)).rstrip()

    lines = [line(head), line(["-" * w for w in widths])]
    prev = None
    for cells in body:
        if prev is not None and cells[0] != prev:
            lines.append("")
        prev = cells[0]
        lines.append(line(cells))
    return "\n".join(lines)


LEGEND = """\
items = outputs / inputs (files unless said). throughput: items per wall second (status: seconds per call,
median of 5 after one warm-up). peak MiB: largest process's peak RSS; 2-process rows add both workers' peaks.
speed x = dcmscrub's throughput / this row's (>1: dcmscrub faster); mem x = dcmscrub's peak / this row's (<1:
dcmscrub smaller); cpu x = this row's CPU seconds (all its processes, user + system) / dcmscrub's (>1: dcmscrub
uses less), steadier than wall time on this VM; the kernel's writeback threads count for no tool. One run each (short rows: the median of BENCH_REPEATS runs, by default 3 under 10 s,
their times in the note), warm page cache, every tool given the same 2 cores.
headers accuracy: a sample of outputs, each paired with its source by Pixel Data, searched for its source's
  names, IDs, dates, accession, institution and UIDs (bench/score_headers.py).
pixels accuracy: recall = identifying tokens whose every glyph pixel is gone in every frame (>=90% hidden: at
  most 10% of a token's glyph pixels left); harmless text removed = share of device text (probe, depth, MI,
  labels) gone; image changed outside text = median share of a frame's pixels changed away from any text
  (bench/score_pixels.py). Presidio: defaults (fill contrast, padding 25, header values as deny list),
  spaCy en_core_web_sm, cines one frame at a time (it cannot take multi-frame arrays); its 2-process rows set
  OMP_THREAD_LIMIT=1 (one Tesseract thread per worker, as dcmscrub does), its 1-process row leaves Tesseract's
  default threads.
Modes: dcmscrub run --pixels off | run (pixels cleaned); dicognito defaults; gdcmanon PS3.15 basic profile (-e,
  self-signed certificate, so it also encrypts the originals into the file); deid default recipe with
  remove_private=True. dcmtk-floor (reference, not a de-identifier; bench/peers/dcmtk_floor.cpp): DCMTK loads
  each file, empties 24 attributes, replaces its SOP Instance UID and saves it; +check also reads each output
  back, parses it again and searches every value for five of its source's values.
push: each run sends the same outputs into an empty Orthanc on 127.0.0.1 (a new storage folder); accuracy is
  what Orthanc holds afterwards (REST). dcmscrub also asks by C-FIND what the PACS holds before and confirms
  every instance after; Orthanc's own work shows as "others" CPU (bench/task_push.py)."""


def render(results):
    out = [table(results["rows"]), ""]
    if results.get("memory_growth"):
        out.append("peak RSS from the smallest to the largest header batch:")
        for g in results["memory_growth"]:
            out.append(f"  {g['tool']:<9}  {g['mode']:<26}  {g['files'][0]:>6} files {g['peak_rss_mib'][0]:7.1f} MiB"
                       f"  ->  {g['files'][1]:>6} files {g['peak_rss_mib'][1]:7.1f} MiB  ({g['growth_pct']:+.1f}%)")
        out.append("")
    if results.get("targets"):
        out.append("targets (against the peer's fastest row):")
        for t in results["targets"]:
            out.append(f"  issue {t['issue']}: {t['target']:<62} {t['measured']:>18}  {'met' if t['met'] else 'NOT MET'}")
        out.append("")
    run = results["run"]
    out.append(LEGEND)
    out.append("")
    out.append(f"run: {run.get('date')} on {run.get('machine')}, load average at start {run.get('load_average_at_start')}"
               f"{', QUICK sizes (a check that the harness works: start-up costs dominate, do not compare)' if run.get('quick') else ''}")
    out.append("versions: " + ", ".join(f"{k} {v}" for k, v in run.get("versions", {}).items()))
    return "\n".join(out)


def compare(old, new):
    def key(r):
        return (r["task"], r["tool"], r["mode"])
    before = {key(r): r for r in old["rows"]}
    lines = [f"{'task':<28} {'tool':<9} {'mode':<36} {'old':>14} {'new':>14} {'new/old':>8}  peak MiB old -> new"]
    for r in new["rows"]:
        o = before.get(key(r))
        if not o:
            lines.append(f"{r['task']:<28} {r['tool']:<9} {r['mode']:<36} {'(new row)':>14} {throughput(r):>14}")
            continue
        ratio = "-"
        if o["status"] == r["status"] == "ok":
            if r["unit"] == "s/call" and o["seconds"] and r["seconds"]:
                ratio = f"{o['seconds'] / r['seconds']:.2f}"
            elif o["rate"] and r["rate"]:
                ratio = f"{r['rate'] / o['rate']:.2f}"
        lines.append(f"{r['task']:<28} {r['tool']:<9} {r['mode']:<36} {throughput(o):>14} {throughput(r):>14} {ratio:>8}"
                     f"  {fmt(o['peak_rss_mib'])} -> {fmt(r['peak_rss_mib'])}")
    lines.append("new/old > 1: the new run is faster (for status: fewer seconds per call).")
    return "\n".join(lines)


def main():
    if len(sys.argv) == 2:  # ratios and targets are worked out again: a file may predate some of them
        saved = json.load(open(sys.argv[1]))
        print(render(build(saved["rows"], saved["run"])))
        return
    if len(sys.argv) == 4 and sys.argv[1] == "--compare":
        print(compare(json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
