# Turns the benchmark's measured rows (TSV from run.sh) into the printed table and bench/results.json.
"""
Usage: report.py ROWS.tsv RESULTS.json [key=value ...]   (key=value pairs go into the JSON's "run" block)

Each row: task, tool, parallelism, files_in, files_out, seconds, peak_rss_kib, cpu_s, other_cpu_s,
status, note. other_cpu_s is CPU time other processes on the machine took during the measurement;
a row where that is more than 5% of the machine's capacity (2 cores x seconds) is flagged "noisy".
A row whose status is not "ok" gets no speed or memory numbers in the table, only its reason.
Ratios are dcmscrub's, shown on each peer's row of the same task:
  speed = dcmscrub files/s / peer files/s   (above 1: dcmscrub is faster)
  mem   = dcmscrub peak RSS / peer peak RSS (below 1: dcmscrub uses less)
"""

import csv
import json
import os
import sys

FIELDS = ["task", "tool", "parallelism", "files_in", "files_out", "seconds", "peak_rss_kib", "cpu_s",
          "other_cpu_s", "status", "note"]
NOISY_SHARE = 0.05


def number(text):
    return None if text in ("", "-") else float(text)


def load(path, cores):
    rows = []
    with open(path, newline="") as f:
        for rec in csv.reader(f, delimiter="\t"):
            if not rec:
                continue
            r = dict(zip(FIELDS, rec))
            r["files_in"] = int(r["files_in"])
            r["files_out"] = int(r["files_out"]) if r["files_out"] not in ("", "-") else None
            ok = r["status"] == "ok"
            secs = float(r["seconds"]) if r["seconds"] not in ("", "-") else None
            rss = int(r["peak_rss_kib"]) if r["peak_rss_kib"] not in ("", "-") else None
            r["seconds"] = round(secs, 2) if secs is not None else None
            r["files_per_s"] = round(r["files_in"] / secs, 1) if ok and secs else None
            r["peak_rss_mib"] = round(rss / 1024, 1) if ok and rss is not None else None
            r["cpu_s"] = number(r["cpu_s"]) if ok else None
            r["other_cpu_s"] = number(r["other_cpu_s"]) if ok else None
            r["noisy"] = bool(ok and secs and r["other_cpu_s"] > max(0.2, NOISY_SHARE * cores * secs))
            if not ok:  # a failed run's timing says nothing about the tool's speed
                r["seconds"] = None
            del r["peak_rss_kib"]
            rows.append(r)
    return rows


def add_ratios(rows):
    for r in rows:
        r["dcmscrub_speed_ratio"] = None
        r["dcmscrub_mem_ratio"] = None
    for r in rows:
        if r["tool"] == "dcmscrub" or r["status"] != "ok":
            continue
        ours = [d for d in rows if d["task"] == r["task"] and d["tool"] == "dcmscrub" and d["status"] == "ok"]
        if not ours:
            continue
        d = ours[0]
        r["dcmscrub_speed_ratio"] = round(d["files_per_s"] / r["files_per_s"], 2)
        r["dcmscrub_mem_ratio"] = round(d["peak_rss_mib"] / r["peak_rss_mib"], 2)


def fmt(v, spec=""):
    return "-" if v is None else format(v, spec)


def table(rows):
    head = ["task", "tool", "parallelism", "files", "seconds", "files/s", "peak RSS MiB",
            "dcmscrub speed x", "dcmscrub mem x", "status"]
    body = []
    for r in rows:
        files = f"{fmt(r['files_out'])}/{r['files_in']}"
        status = r["status"] if not r["note"] else f"{r['status']}: {r['note']}"
        if r["noisy"]:
            status += f" (noisy: other processes took {r['other_cpu_s']:.1f} CPU-s meanwhile)"
        body.append([r["task"], r["tool"], r["parallelism"], files, fmt(r["seconds"], ".2f"),
                     fmt(r["files_per_s"], ".1f"), fmt(r["peak_rss_mib"], ".1f"),
                     fmt(r["dcmscrub_speed_ratio"], ".2f"), fmt(r["dcmscrub_mem_ratio"], ".2f"), status])
    right = {3, 4, 5, 6, 7, 8}
    widths = [max(len(str(x[i])) for x in [head] + body) for i in range(len(head))]
    widths[-1] = len(head[-1])  # the status column is last and may run long

    def line(cells):
        out = []
        for i, c in enumerate(cells):
            out.append(str(c).rjust(widths[i]) if i in right else str(c).ljust(widths[i]))
        return "  ".join(out).rstrip()

    lines = [line(head), line(["-" * w for w in widths])]
    prev = None
    for cells in body:
        if prev is not None and cells[0] != prev:
            lines.append("")
        prev = cells[0]
        lines.append(line(cells))
    return "\n".join(lines)


def memory_growth(rows):
    """Peak RSS of each tool setting on the smallest and the largest batch: flat is the goal."""
    out = []
    keys = []
    for r in rows:
        if (r["tool"], r["parallelism"]) not in keys:
            keys.append((r["tool"], r["parallelism"]))
    for tool, par in keys:
        ok = sorted((r for r in rows if r["tool"] == tool and r["parallelism"] == par and r["status"] == "ok"),
                    key=lambda r: r["files_in"])
        if len(ok) < 2:
            continue
        a, b = ok[0], ok[-1]
        out.append({"tool": tool, "parallelism": par, "files": [a["files_in"], b["files_in"]],
                    "peak_rss_mib": [a["peak_rss_mib"], b["peak_rss_mib"]],
                    "growth_pct": round(100 * (b["peak_rss_mib"] / a["peak_rss_mib"] - 1), 1)})
    return out


def main():
    rows = load(sys.argv[1], os.cpu_count() or 1)
    add_ratios(rows)
    run = dict(kv.split("=", 1) for kv in sys.argv[3:])
    for k, v in run.items():
        if k.endswith("_seconds"):
            run[k] = float(v)
    growth = memory_growth(rows)
    with open(sys.argv[2], "w") as f:
        json.dump({"run": run, "rows": rows, "memory_growth": growth}, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(table(rows))
    print()
    if growth:
        print("peak RSS from the smallest to the largest batch:")
        for g in growth:
            print(f"  {g['tool']:<9}  {g['parallelism']:<22}  {g['files'][0]:>6} files {g['peak_rss_mib'][0]:7.1f} MiB"
                  f"  ->  {g['files'][1]:>6} files {g['peak_rss_mib'][1]:7.1f} MiB  ({g['growth_pct']:+.1f}%)")
        print()
    print("files = DICOM files in the output / inputs. peak RSS: largest process; for 2-process rows the sum of")
    print("both workers' peaks. dcmscrub speed x = dcmscrub files/s / this row's files/s (>1: dcmscrub faster);")
    print("dcmscrub mem x = dcmscrub peak RSS / this row's (<1: dcmscrub smaller). One run each, warm page cache;")
    print("noisy = other processes used >5% of the machine's CPU during that row. Modes: dcmscrub run --pixels off;")
    print("dicognito default profile, -o DIR; gdcmanon PS3.15 basic profile (-e with a self-signed certificate,")
    print("so it also encrypts the originals into the file). Both peers keep private tags by default.")


if __name__ == "__main__":
    main()
