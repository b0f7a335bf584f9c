# Scores a tool's redacted outputs against gen_pixels.py's truth: which planted tokens' glyph pixels are gone.
"""
Usage: score_pixels.py INPUTS OUTPUTS [--only us/|cine/] [--json FILE]
  INPUTS   a folder written by gen_pixels.py (with truth.json)
  OUTPUTS  the tool's output folder (walked for DICOM files, whatever their names)

Outputs are paired with their inputs by (SeriesNumber, InstanceNumber), which the generator
makes unique and every tool keeps. An input with no output (quarantined, failed) is counted in
"missing" and its tokens are not scored: recall is over the delivered outputs, and the count of
inputs withheld is printed beside it.

A glyph pixel (anti-aliasing coverage >= 50%) of a token is still VISIBLE in a frame when
  - its value is unchanged: no channel moved by more than TOL (24 of 255) from the input,
  - no background (non-glyph) pixel next to it (8-neighbourhood) changed: a glyph pixel under a
    box filled in a colour close to the text's (Presidio's "contrast" fill can be) is not visible,
    even at the box's edge where the untouched background outside makes it stand out, and
  - it still stands out: some background pixel within 2 px of it differs from it by more than TOL
    in the output.
So a box in any colour hides what it covers, and glyph pixels a box leaves uncovered (a clipped
descender) stay visible except for the one-pixel band along the box's edge.
A token is GONE when none of its glyph pixels is visible in any frame; recall = identifying
tokens gone / identifying tokens scored. Also reported:
  recall90     the same with a token counted gone when at most 10% of its glyph pixels stay visible
               in every frame (a box that clips the edge of descenders still hides the word)
  frame_recall (identifying token, frame) pairs in which the token is gone, over all such pairs: for a
               cine, how often a frame hides it (recall needs every frame to)
  partial      identifying tokens with some but not all glyph pixels hidden (counted as not gone)
  harmless_removed  share of harmless device text (probe, depth, MI/TIs, orientation, labels) gone
  over_redaction_median  median over frames of the share of the frame's pixels changed outside
               every token's bounding box grown by 3 px (image content destroyed for nothing)
Prints one JSON object.
"""

import argparse
import json
import os
from collections import defaultdict

import numpy as np
import pydicom

TOL = 24
RADIUS = 2


def frames_of(ds):
    a = ds.pixel_array
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    if frames == 1:
        a = a[None]
    if a.ndim == 3:  # grey
        a = a[..., None]
    return a.astype(np.int16)


def visible_mask(inp, out, glyph_union):
    """Per pixel: unchanged from the input, not next to a changed background pixel, and still
    contrasting with a nearby background pixel."""
    diff = np.abs(out - inp).max(axis=2)
    unchanged = diff <= TOL
    h, w = unchanged.shape
    non_glyph = ~glyph_union
    changed_bg = non_glyph & ~unchanged
    contrast = np.zeros((h, w), dtype=bool)
    near_changed = np.zeros((h, w), dtype=bool)
    pad_out = np.pad(out, ((RADIUS, RADIUS), (RADIUS, RADIUS), (0, 0)), mode="edge")
    pad_ng = np.pad(non_glyph, RADIUS, mode="constant", constant_values=False)
    pad_cb = np.pad(changed_bg, RADIUS, mode="constant", constant_values=False)
    for dy in range(-RADIUS, RADIUS + 1):
        for dx in range(-RADIUS, RADIUS + 1):
            if dy == 0 and dx == 0:
                continue
            window = (slice(RADIUS + dy, RADIUS + dy + h), slice(RADIUS + dx, RADIUS + dx + w))
            q = pad_out[window]
            contrast |= pad_ng[window] & (np.abs(q - out).max(axis=2) > TOL)
            if abs(dy) <= 1 and abs(dx) <= 1:
                near_changed |= pad_cb[window]
    return unchanged & ~near_changed & contrast


def score(inputs, outputs, only=""):
    """Score the outputs of the inputs whose truth.json path starts with `only` (e.g. "us/")."""
    truth = json.load(open(os.path.join(inputs, "truth.json")))
    cols, rows = truth["columns"], truth["rows"]
    by_key = {(v["series"], v["instance"]): (rel, v) for rel, v in truth["files"].items() if rel.startswith(only)}
    found = {}
    problems = []
    for d, _, files in os.walk(outputs):
        for f in files:
            p = os.path.join(d, f)
            try:
                with open(p, "rb") as fh:
                    if fh.read(132)[128:132] != b"DICM":
                        continue
                ds = pydicom.dcmread(p, stop_before_pixels=True)
                key = (int(ds.SeriesNumber), int(ds.InstanceNumber))
            except Exception as e:  # noqa: BLE001
                problems.append(f"{os.path.relpath(p, outputs)}: unreadable ({type(e).__name__})")
                continue
            if key in by_key:
                found[key] = p
    totals = defaultdict(int)
    per_field = defaultdict(lambda: [0, 0])
    missed = []
    over = []
    frames_scored = 0
    for key, (rel, info) in sorted(by_key.items()):
        ident = [t for t in info["tokens"] if t["identifying"]]
        if key not in found:
            totals["missing_files"] += 1
            totals["missing_tokens"] += len(ident)
            continue
        src = frames_of(pydicom.dcmread(os.path.join(inputs, rel)))
        try:
            dst = frames_of(pydicom.dcmread(found[key]))
        except Exception as e:  # noqa: BLE001
            problems.append(f"{rel}: output pixels unreadable ({type(e).__name__}: {str(e)[:80]})")
            totals["missing_files"] += 1
            totals["missing_tokens"] += len(ident)
            continue
        if dst.shape != src.shape:
            problems.append(f"{rel}: output geometry {dst.shape} differs from input {src.shape}")
            totals["missing_files"] += 1
            totals["missing_tokens"] += len(ident)
            continue
        totals["files"] += 1
        glyph_union = np.zeros(rows * cols, dtype=bool)
        text_area = np.zeros((rows, cols), dtype=bool)
        for t in info["tokens"]:
            glyph_union[t["pixels"]] = True
            x0, y0, x1, y1 = t["bbox"]
            text_area[max(0, y0 - 3):y1 + 3, max(0, x0 - 3):x1 + 3] = True
        glyph_union = glyph_union.reshape(rows, cols)
        still = [False] * len(info["tokens"])
        hidden_any = [False] * len(info["tokens"])
        worst = [0.0] * len(info["tokens"])
        frames_hidden = [0] * len(info["tokens"])  # the largest share of a token's glyph pixels visible in a frame
        for f in range(src.shape[0]):
            frames_scored += 1
            vis = visible_mask(src[f], dst[f], glyph_union).ravel()
            for i, t in enumerate(info["tokens"]):
                v = vis[t["pixels"]]
                if v.any():
                    still[i] = True
                    worst[i] = max(worst[i], float(v.mean()))
                else:
                    frames_hidden[i] += 1
                if not v.all():
                    hidden_any[i] = True
            changed = np.abs(dst[f] - src[f]).max(axis=2) > 0
            over.append(float((changed & ~text_area).sum()) / (rows * cols))
        for i, t in enumerate(info["tokens"]):
            if t["identifying"]:
                totals["tokens"] += 1
                totals["token_frames"] += src.shape[0]
                totals["token_frames_hidden"] += frames_hidden[i]
                per_field[t["field"]][1] += 1
                if worst[i] <= 0.10:
                    totals["gone90"] += 1
                if not still[i]:
                    totals["gone"] += 1
                    per_field[t["field"]][0] += 1
                else:
                    if hidden_any[i]:
                        totals["partial"] += 1
                    missed.append(f"{rel}: {t['field']} ({t['size']} px {t['colour']})")
            else:
                totals["harmless"] += 1
                totals["harmless_gone"] += 0 if still[i] else 1
    over.sort()
    result = {
        "files_scored": totals["files"], "frames_scored": frames_scored,
        "missing_files": totals["missing_files"], "missing_identifying_tokens": totals["missing_tokens"],
        "identifying_tokens": totals["tokens"], "gone": totals["gone"], "partial": totals["partial"],
        "recall": round(totals["gone"] / totals["tokens"], 4) if totals["tokens"] else None,
        "recall90": round(totals["gone90"] / totals["tokens"], 4) if totals["tokens"] else None,
        "frame_recall": round(totals["token_frames_hidden"] / totals["token_frames"], 4) if totals["token_frames"] else None,
        "recall_by_field": {k: f"{g}/{n}" for k, (g, n) in sorted(per_field.items())},
        "harmless_tokens": totals["harmless"],
        "harmless_removed": round(totals["harmless_gone"] / totals["harmless"], 4) if totals["harmless"] else None,
        "over_redaction_median": round(over[len(over) // 2], 5) if over else None,
        "missed": missed[:40], "problems": problems[:20],
    }
    return result


def summary(r):
    """One line for the table."""
    if not r.get("identifying_tokens"):
        return "nothing scored" + (f" ({r['missing_files']} files missing)" if r.get("missing_files") else "")
    text = (f"recall {100 * r['recall']:.1f}% ({r['gone']}/{r['identifying_tokens']}; >=90% hidden {100 * r['recall90']:.1f}%)"
            f", harmless text removed {100 * r['harmless_removed']:.0f}%, image changed outside text {100 * r['over_redaction_median']:.2f}%")
    if r.get("frames_scored", 0) > r.get("files_scored", 0):
        text += f", hidden in {100 * r['frame_recall']:.1f}% of token-frames"
    if r.get("missing_files"):
        text += f", {r['missing_files']} files not delivered"
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs")
    ap.add_argument("outputs")
    ap.add_argument("--only", default="", help="score only inputs under this truth.json prefix, e.g. us/")
    ap.add_argument("--json")
    args = ap.parse_args()
    result = score(args.inputs, args.outputs, args.only)
    text = json.dumps(result, indent=1, ensure_ascii=False)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    try:
        print(text)
    except BrokenPipeError:
        pass


if __name__ == "__main__":
    main()
