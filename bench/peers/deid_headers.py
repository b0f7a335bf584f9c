# Runs pydicom/deid's header de-identification (its default recipe) over DICOM files, for the header benchmark.
"""
Usage: deid_headers.py OUT SRC...   (SRC: files or folders, walked; outputs mirror SRC's tree under OUT)

deid as its documentation shows it: `replace_identifiers(files, deid=DeidRecipe(), remove_private=True)`
with the recipe deid ships as its default (deid/data/deid.dicom, %header section: REMOVE dates,
times, names, IDs and every attribute whose name contains UID, ADD PatientIdentityRemoved).
The default recipe's `var:` actions (new PatientID, shifted dates) need a lookup the caller
computes itself; none is given, so deid leaves those out, as it does when run bare.

Files are given to deid one at a time and saved under OUT with their path relative to SRC:
deid's own `save=True` writes OUT/<basename>, which collides when two series both have
IM00001.dcm. deid holds nothing between calls, so this is its normal loop.
"""

import os
import sys
import warnings

os.environ.setdefault("MESSAGELEVEL", "ERROR")
warnings.filterwarnings("ignore")

from deid.config import DeidRecipe  # noqa: E402
from deid.dicom import replace_identifiers  # noqa: E402


def inputs(sources):
    for src in sources:
        if os.path.isfile(src):
            yield src, os.path.basename(src)
            continue
        for d, dirs, files in os.walk(src):
            dirs.sort()
            for f in sorted(files):
                if f.endswith(".dcm"):
                    p = os.path.join(d, f)
                    yield p, os.path.relpath(p, src)


def main():
    out_root, sources = sys.argv[1], sys.argv[2:]
    recipe = DeidRecipe()
    failed = n = 0
    for path, rel in inputs(sources):
        n += 1
        try:
            ds = replace_identifiers([path], deid=recipe, save=False, remove_private=True)[0]
            dst = os.path.join(out_root, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            ds.save_as(dst)
        except Exception as e:  # noqa: BLE001 - one line per failed file, and the batch goes on
            failed += 1
            print(f"deid_headers: file {n}: {type(e).__name__}: {str(e)[:160]}", file=sys.stderr)
    print(f"deid_headers: {n} files, {failed} failed", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
