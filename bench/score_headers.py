# Checks a sample of a header tool's outputs for identifiers of their own source file that survived.
"""
Usage: score_headers.py INPUTS OUTPUTS [--sample 100]

INPUTS is a folder written by gen.py, OUTPUTS a tool's output folder (any names, any layout).
Up to --sample outputs, evenly spaced in sorted order, are paired with their source by the MD5
of their Pixel Data (every header tool keeps pixels as they are, and gen.py makes every
instance's pixels unique; the inputs' index is cached in INPUTS/.pixel-index.json). In each
output's bytes before Pixel Data (private tags, sequences and the meta header included) the
harness looks for its own source's values, as the PS3.15 Basic Profile would have them gone:

  name         Patient's Name as "Family^Given" or "Family Given" (gen.py also copies it into a
               private tag), or the family name alone; latin-1 and UTF-8
  staff name   referring, performing, operator's and scheduled performer's names, whole names only
               (gen.py draws staff and patients from the same family names)
  patient id   Patient ID, Other Patient IDs
  birth date   Patient's Birth Date (YYYYMMDD)
  study date   Study Date (YYYYMMDD): a date shift or removal changes it
  accession    Accession Number (top level and in the Request Attributes Sequence)
  institution  Institution Name, Institution Address
  uid          any UID of the source (study, series, SOP instance, frame of reference, the
               referenced image) still present as a UI value

A file "leaks" when any of these is found. Prints JSON: files checked, files with a leak, and
per kind how many files carry it. Not a full conformance check (dcmscrub verify is that): it
catches the common misses (private tags kept, institution kept, UIDs kept) the same way for
every tool.
"""

import argparse
import hashlib
import json
import os
from collections import Counter

import pydicom

PIXEL_TAG = b"\xe0\x7f\x10\x00"


def dicom_files(folder):
    out = []
    for d, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(d, f)
            try:
                with open(p, "rb") as fh:
                    if fh.read(132)[128:132] == b"DICM":
                        out.append(p)
            except OSError:
                pass
    return sorted(out)


def pixel_md5(path):
    ds = pydicom.dcmread(path)
    return hashlib.md5(ds.PixelData).hexdigest() if "PixelData" in ds else None


def pixel_index(inputs):
    cache = os.path.join(inputs, ".pixel-index.json")
    stamp_file = os.path.join(inputs, ".stamp")
    stamp = open(stamp_file).read() if os.path.exists(stamp_file) else ""
    if os.path.exists(cache):
        data = json.load(open(cache))
        if data.get("stamp") == stamp:
            return data["index"]
    index = {}
    for p in dicom_files(inputs):
        # Explicit VR LE, Pixel Data last (gen.py writes it so): the bytes after its 12-byte header.
        raw = open(p, "rb").read()
        at = raw.rfind(PIXEL_TAG + b"OW")
        index[hashlib.md5(raw[at + 12:]).hexdigest()] = os.path.relpath(p, inputs)
    json.dump({"stamp": stamp, "index": index}, open(cache, "w"))
    return index


def person_forms(pn, family_alone=True):
    pn = str(pn)
    parts = [p for p in pn.split("^") if p]
    forms = {pn}
    if len(parts) >= 2:
        forms.add(" ".join(parts[:2]))
    if family_alone and parts and len(parts[0]) >= 4:
        forms.add(parts[0])
    return forms


def source_values(path):
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    kinds = {"name": set(), "staff name": set(), "patient id": set(), "birth date": set(), "study date": set(),
             "accession": set(), "institution": set()}
    if "PatientName" in ds:
        kinds["name"] |= person_forms(ds.PatientName)
    for kw in ("ReferringPhysicianName", "PerformingPhysicianName", "OperatorsName"):
        for v in (ds.get(kw) or []) if isinstance(ds.get(kw), pydicom.multival.MultiValue) else [ds.get(kw)]:
            if v:
                kinds["staff name"] |= person_forms(v, family_alone=False)
    for kw in ("PatientID", "OtherPatientIDs"):
        v = ds.get(kw)
        if v:
            kinds["patient id"].add(str(v))
    if ds.get("PatientBirthDate"):
        kinds["birth date"].add(str(ds.PatientBirthDate))
    if ds.get("StudyDate"):
        kinds["study date"].add(str(ds.StudyDate))
    if ds.get("AccessionNumber"):
        kinds["accession"].add(str(ds.AccessionNumber))
    for kw in ("InstitutionName", "InstitutionAddress"):
        if ds.get(kw):
            kinds["institution"].add(str(ds.get(kw)))
    uids = set()
    for elem in ds.iterall():
        if elem.VR == "UI" and elem.value and elem.tag not in (0x00080016, 0x00081150):  # not SOP Class UIDs
            uids.add(str(elem.value))
    for req in ds.get("RequestAttributesSequence") or []:
        if req.get("ScheduledPerformingPhysicianName"):
            kinds["staff name"] |= person_forms(req.ScheduledPerformingPhysicianName, family_alone=False)
    kinds["staff name"] -= kinds["name"]  # a colleague who shares the patient's name would count twice
    encoded = {k: {e for v in vals for e in (v.encode("latin-1", "ignore"), v.encode("utf-8"))} for k, vals in kinds.items()}
    return encoded, uids


def score(inputs, outputs, sample=100):
    outs = dicom_files(outputs)
    if not outs:
        return {"files_checked": 0, "files_leaking": 0, "kinds": {}, "unpaired": 0}
    step = max(1, len(outs) // sample)
    picked = outs[::step][:sample]
    index = pixel_index(inputs)
    kinds = Counter()
    leaking = unpaired = 0
    for p in picked:
        key = pixel_md5(p)
        rel = index.get(key)
        if rel is None:
            unpaired += 1
            continue
        values, uids = source_values(os.path.join(inputs, rel))
        raw = open(p, "rb").read()
        at = raw.rfind(PIXEL_TAG)
        head = raw[:at] if at > 0 else raw
        found = {k for k, vals in values.items() if any(v and v in head for v in vals)}
        out_uids = set()
        ds = pydicom.dcmread(p, stop_before_pixels=True)
        for elem in list(ds.iterall()) + list(ds.file_meta.iterall() if ds.file_meta else []):
            if elem.VR == "UI" and elem.value:
                vals = elem.value if isinstance(elem.value, pydicom.multival.MultiValue) else [elem.value]
                out_uids |= {str(v) for v in vals}
        if out_uids & uids:
            found.add("uid")
        kinds.update(found)
        leaking += bool(found)
    checked = len(picked) - unpaired
    return {"files_checked": checked, "files_leaking": leaking, "kinds": dict(sorted(kinds.items())), "unpaired": unpaired}


def summary(r):
    if not r["files_checked"]:
        return f"no output could be paired with its source ({r.get('unpaired', 0)} tried)"
    text = f"identifiers left in {r['files_leaking']}/{r['files_checked']} sampled files"
    if r["kinds"]:
        text += ": " + ", ".join(f"{k} {n}" for k, n in r["kinds"].items())
    if r.get("unpaired"):
        text += f" ({r['unpaired']} unpaired)"
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("inputs")
    ap.add_argument("outputs")
    ap.add_argument("--sample", type=int, default=100)
    args = ap.parse_args()
    r = score(args.inputs, args.outputs, args.sample)
    print(json.dumps(r, indent=1))
    print(summary(r))


if __name__ == "__main__":
    main()
