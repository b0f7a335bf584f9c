# Generates seeded ultrasound-like DICOM frames and cines with identifiers burned in, and records every glyph pixel.
"""
For the pixel benchmark (issue 3): 640x480 RGB ultrasound frames and 30-frame cines with
burned-in text as devices write it: a banner with the institution, the patient's name, ID and
birth date, the exam date and time, the operator and the accession number, plus harmless
device text (probe, depth, MI/TIs, orientation letters) that no tool needs to remove. Text is
drawn with real TrueType fonts (DejaVu, through Pillow) with anti-aliasing, 10 to 20 px,
white, grey, yellow or green, mostly on the black banner and corners, in about a quarter of
the images over the speckle of the image itself. Names are written the ways devices write
them (SURNAME^Given, "Given Surname", without diacritics, upper case), dates in several
formats. The header carries the same values (Patient's Name, ID, Birth Date, Institution,
Accession, Operator, Study Date/Time), as a device would write them.

The Manufacturer and Model are invented, so no CTP or deid device template matches: what is
measured is OCR-based detection, not a template lookup.

Outputs in OUT/:
  us/US#####.dcm     single frames (Ultrasound Image Storage), Explicit VR Little Endian
  cine/CINE###.dcm   multi-frame cines (Ultrasound Multi-frame Image Storage), --cine-frames
                     frames, the overlay the same on every frame, the image moving under it
  truth.json         per file: SeriesNumber/InstanceNumber (kept by every tool, so outputs can be
                     paired with their input whatever they are named), frames, and every token
                     drawn: text, identifying or not, field, bounding box [x0, y0, x1, y1) and the
                     flat indices (y * columns + x) of its glyph pixels (anti-aliasing coverage
                     >= 50%), the same on every frame.

Usage: gen_pixels.py --out DIR [--frames N] [--cines N] [--cine-frames 30] [--seed S]
"""

import argparse
import json
import os
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFont
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

UID_PREFIX = "1.2.826.0.1.3680043.8.498."  # pydicom's documented example root
US_IMAGE = "1.2.840.10008.5.1.4.1.1.6.1"
US_MULTIFRAME = "1.2.840.10008.5.1.4.1.1.3.1"
COLUMNS, ROWS = 640, 480
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONTS = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSansMono.ttf", "DejaVuSansCondensed.ttf",
         "DejaVuSansMono-Bold.ttf"]
SIZES = [10, 11, 12, 13, 14, 15, 16, 18, 20]
COLOURS = {"white": (255, 255, 255), "grey": (170, 170, 170), "yellow": (250, 230, 40), "green": (60, 230, 80)}

# (family, given, sex); the family names keep their diacritics in the header.
PEOPLE = [("ŽEMAITIENĖ", "Ūla", "F"), ("Jonaitis", "Petras", "M"), ("Müller", "Hans", "M"),
          ("Kazlauskas", "Šarūnas", "M"), ("García", "María", "F"), ("O'Brien", "Sean", "M"),
          ("Nguyen", "Linh", "F"), ("Petrauskienė", "Eglė", "F"), ("Kowalski", "Piotr", "M"),
          ("Johansson", "Erik", "M"), ("Dubois", "Chloé", "F"), ("Rossi", "Giulia", "F")]
STAFF = [("Kim", "Rachel"), ("Vaitkus", "Tomas"), ("Schmidt", "Anke"), ("Brown", "Emily"), ("Silva", "Pedro")]
INSTITUTIONS = ["Santaros Klinikos", "St. Mary's General Hospital", "Klinikum Nordstadt",
                "Kauno klinikos", "Riverside Women's Clinic"]
PROBES = ["C5-1", "L12-5", "C9-2", "S5-1"]
PRESETS = ["Abd", "OB", "Thyroid", "Renal", "Vasc"]

PLAIN = str.maketrans("ĄČĘĖĮŠŲŪŽąčęėįšųūžÜüÉéÁáÍíÓóÑñ", "ACEEISUUZaceeisuuzUuEeAaIiOoNn")


def plain(text):
    return text.translate(PLAIN)


class Fonts:
    def __init__(self):
        self.cache = {}

    def get(self, name, size):
        key = (name, size)
        if key not in self.cache:
            self.cache[key] = ImageFont.truetype(os.path.join(FONT_DIR, name), size)
        return self.cache[key]


def speckle_frame(rng, t, base_noise):
    """A sector-shaped B-mode image with speckle, a bright interface and two dark cysts, moving with t."""
    yy, xx = np.mgrid[0:ROWS, 0:COLUMNS].astype(np.float32)
    apex_x, apex_y = COLUMNS / 2, 52.0
    r = np.hypot(xx - apex_x, yy - apex_y)
    ang = np.degrees(np.arctan2(xx - apex_x, yy - apex_y))
    fan = (np.abs(ang) < 36) & (r > 40) & (r < 420)
    shift = int(t * 3)
    noise = np.roll(base_noise, shift, axis=0)
    depth = np.clip(1.1 - r / 520.0, 0.25, 1.0)
    img = noise * depth * 150
    band = np.exp(-((r - (230 + 6 * np.sin(t / 4.0))) ** 2) / 200.0) * 90
    img = img + band
    for cx, cy, cr in ((COLUMNS / 2 - 60 + 2 * t, 300, 34), (COLUMNS / 2 + 70, 200 + 1.5 * t, 22)):
        inside = (xx - cx) ** 2 + (yy - cy) ** 2 < cr * cr
        img[inside] *= 0.15
    img = np.where(fan, img, 0.0)
    return np.clip(img, 0, 255).astype(np.uint8)


def make_noise(rng):
    g = np.random.default_rng(rng.randrange(2**32))
    n = g.rayleigh(0.45, size=(ROWS, COLUMNS)).astype(np.float32)
    # Speckle is correlated over a few pixels: a cheap 3x3 box blur.
    k = sum(np.roll(np.roll(n, dy, 0), dx, 1) for dy in (-1, 0, 1) for dx in (-1, 0, 1)) / 9.0
    return np.clip(k, 0, 1.6)


def date_text(rng, d):
    y, m, day = d[:4], d[4:6], d[6:8]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return rng.choice([f"{day}.{m}.{y}", f"{y}-{m}-{day}", f"{m}/{day}/{y}", f"{day}-{months[int(m) - 1]}-{y}",
                       f"{y}/{m}/{day}"])


def name_text(rng, family, given):
    form = rng.randrange(5)
    if form == 0:
        return f"{family.upper()}^{given.upper()}"
    if form == 1:
        return f"{given} {family}"
    if form == 2:
        return f"{family.upper()}, {given}"
    if form == 3:
        return plain(f"{family.upper()} {given.upper()}")
    return f"{family}, {given}"


class Canvas:
    """The image of one file (every frame shares the overlay) and the tokens drawn on it."""

    def __init__(self, fonts):
        self.fonts = fonts
        self.tokens = []
        self.layers = []  # (mask as float 0..1 of shape ROWS x COLUMNS, colour)

    def line(self, x, y, parts, font_name, size, colour_name):
        """Draw a line of (text, identifying, field) parts separated by spaces; one token per word."""
        font = self.fonts.get(font_name, size)
        colour = COLOURS[colour_name]
        text = " ".join(p[0] for p in parts)
        # word spans inside the whole line, so kerning and spacing come out as one string would
        offset = 0
        words = []
        for p_text, ident, field in parts:
            for w in p_text.split(" "):
                start = text.index(w, offset)
                words.append((start, w, ident, field))
                offset = start + len(w)
        width = int(font.getlength(text))
        if x < 0:
            x = COLUMNS + x - width  # right-aligned
        for start, word, ident, field in words:
            wx = x + font.getlength(text[:start])
            mask = Image.new("L", (COLUMNS, ROWS), 0)
            ImageDraw.Draw(mask).text((wx, y), word, font=font, fill=255)
            a = np.asarray(mask, dtype=np.float32) / 255.0
            glyph = np.flatnonzero(a.ravel() >= 0.5)
            if glyph.size == 0:
                continue
            ys, xs = np.divmod(glyph, COLUMNS)
            self.tokens.append({"text": word, "identifying": ident, "field": field, "font": font_name,
                                "size": size, "colour": colour_name,
                                "bbox": [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1],
                                "pixels": glyph.astype(int).tolist()})
            self.layers.append((a, colour))
        return width

    def compose(self, grey):
        rgb = np.repeat(grey[:, :, None].astype(np.float32), 3, axis=2)
        for a, colour in self.layers:
            rgb = rgb * (1 - a[:, :, None]) + np.array(colour, dtype=np.float32) * a[:, :, None]
        return np.clip(rgb + 0.5, 0, 255).astype(np.uint8)


def overlay(rng, fonts, patient, exam):
    c = Canvas(fonts)
    banner_font = rng.choice(FONTS)
    colour = rng.choice(list(COLOURS))
    accent = rng.choice(list(COLOURS))
    s1 = rng.choice(SIZES)
    s2 = rng.choice(SIZES)
    # Top banner: institution left, date and time right; then the patient line.
    c.line(6, 4, [(exam["institution"], True, "institution")], banner_font, s1, colour)
    c.line(-8, 4, [(exam["date_text"], True, "study date"), (exam["time_text"], True, "study time")],
           banner_font, s1, colour)
    y2 = 8 + s1 + 4
    label_id = rng.choice(["ID:", "MRN", "PID:"])
    parts = [(patient["name_text"], True, "patient name"), (label_id, False, "label"), (patient["id"], True, "patient id")]
    c.line(6, y2, parts, rng.choice(FONTS), s2, accent)
    dob_label = rng.choice(["DOB:", "Born", "BD:"])
    c.line(-8, y2, [(dob_label, False, "label"), (patient["birth_text"], True, "birth date")],
           rng.choice(FONTS), s2, accent)
    # Device text, harmless: probe and preset, MI/TIs, depth, orientation letters.
    small = rng.choice(SIZES[:5])
    c.line(-10, 70, [(f"MI {rng.uniform(0.4, 1.4):.1f}", False, "device")], rng.choice(FONTS), small, "grey")
    c.line(-10, 70 + small + 4, [(f"TIs {rng.uniform(0.1, 0.9):.1f}", False, "device")], rng.choice(FONTS), small, "grey")
    c.line(12, 70, [(rng.choice(PROBES), False, "device"), (rng.choice(PRESETS), False, "device")],
           rng.choice(FONTS), small, "white")
    c.line(-14, 440, [(f"{rng.randrange(6, 18)} cm", False, "device")], rng.choice(FONTS), small, "white")
    c.line(rng.choice([230, 380]), 58, [(rng.choice(["L", "R"]), False, "orientation")], "DejaVuSans-Bold.ttf", 14, "white")
    # Bottom block: operator and accession, on the black corner or (a quarter of images) over the image.
    over_image = rng.random() < 0.25
    bx, by = (190, 360) if over_image else (6, 430)
    s3 = rng.choice(SIZES)
    c.line(bx, by, [(rng.choice(["Op:", "Sonographer:", "Perf:"]), False, "label"), (exam["operator_text"], True, "operator")],
           rng.choice(FONTS), s3, rng.choice(list(COLOURS)))
    c.line(bx, by + s3 + 5, [(rng.choice(["Acc:", "Acc#", "Accession"]), False, "label"), (exam["accession"], True, "accession")],
           rng.choice(FONTS), s3, rng.choice(list(COLOURS)))
    return c, over_image


def header(rng, patient, exam, series, instance, frames, seed):
    ent = [str(seed), str(series), str(instance)]
    sop = generate_uid(UID_PREFIX, ent + ["sop"])
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "ABDOMINAL"]
    ds.SOPClassUID = US_MULTIFRAME if frames > 1 else US_IMAGE
    ds.SOPInstanceUID = sop
    ds.StudyDate = exam["date"]
    ds.SeriesDate = exam["date"]
    ds.ContentDate = exam["date"]
    ds.StudyTime = exam["time"]
    ds.ContentTime = exam["time"]
    ds.AccessionNumber = exam["accession"]
    ds.Modality = "US"
    ds.Manufacturer = "Northwind Imaging"
    ds.ManufacturerModelName = "EchoStar 7"
    ds.InstitutionName = exam["institution"]
    ds.OperatorsName = exam["operator"]
    ds.ReferringPhysicianName = exam["referring"]
    ds.PatientName = patient["name"]
    ds.PatientID = patient["id"]
    ds.PatientBirthDate = patient["birth"]
    ds.PatientSex = patient["sex"]
    ds.BurnedInAnnotation = "YES"
    ds.StudyInstanceUID = generate_uid(UID_PREFIX, [str(seed), str(series), "study"])
    ds.SeriesInstanceUID = generate_uid(UID_PREFIX, [str(seed), str(series), "series"])
    ds.StudyID = str(series)
    ds.SeriesNumber = series
    ds.InstanceNumber = instance
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "RGB"
    ds.PlanarConfiguration = 0
    ds.Rows = ROWS
    ds.Columns = COLUMNS
    ds.BitsAllocated = 8
    ds.BitsStored = 8
    ds.HighBit = 7
    ds.PixelRepresentation = 0
    if frames > 1:
        ds.NumberOfFrames = frames
        ds.FrameTime = "33.3"
        ds.FrameIncrementPointer = 0x00181063
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = sop
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    meta.ImplementationClassUID = UID_PREFIX + "1"
    meta.ImplementationVersionName = "DCMSCRUB_BENCH"
    ds.file_meta = meta
    return ds


def make_people(rng):
    family, given, sex = rng.choice(PEOPLE)
    birth = f"{rng.randrange(1935, 2005)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    pid = rng.choice([f"{rng.randrange(10**7, 10**8)}", f"LT-{rng.randrange(10**5, 10**6)}",
                      f"MRN{rng.randrange(10**6, 10**7)}", f"{rng.randrange(10**10, 10**11)}"])
    patient = {"name": f"{family}^{given}", "name_text": name_text(rng, family, given), "id": pid,
               "birth": birth, "birth_text": date_text(rng, birth), "sex": sex}
    date = f"{rng.randrange(2016, 2026)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    time = f"{rng.randrange(7, 19):02d}{rng.randrange(0, 60):02d}{rng.randrange(0, 60):02d}"
    op = rng.choice(STAFF)
    ref = rng.choice(STAFF)
    exam = {"date": date, "date_text": date_text(rng, date), "time": time,
            "time_text": f"{time[:2]}:{time[2:4]}:{time[4:]}" if rng.random() < 0.6 else f"{time[:2]}:{time[2:4]}",
            "institution": rng.choice(INSTITUTIONS), "accession": f"A{rng.randrange(10**7, 10**8)}",
            "operator": f"{op[0]}^{op[1]}", "operator_text": rng.choice([f"{op[1][0]}. {op[0]}", f"{op[0].upper()}", f"{op[1]} {op[0]}"]),
            "referring": f"{ref[0]}^{ref[1]}"}
    return patient, exam


def write(path, ds, frames_rgb):
    ds.PixelData = b"".join(f.tobytes() for f in frames_rgb)
    ds["PixelData"].VR = "OB"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    ds.save_as(path, enforce_file_format=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--frames", type=int, default=40, help="single-frame images")
    ap.add_argument("--cines", type=int, default=2)
    ap.add_argument("--cine-frames", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    fonts = Fonts()
    truth = {"columns": COLUMNS, "rows": ROWS, "files": {}}
    jobs = [("us", i + 1, 1) for i in range(args.frames)] + [("cine", i + 1, args.cine_frames) for i in range(args.cines)]
    for kind, n, frames in jobs:
        patient, exam = make_people(rng)
        canvas, over_image = overlay(rng, fonts, patient, exam)
        noise = make_noise(rng)
        pixels = [canvas.compose(speckle_frame(rng, t, noise)) for t in range(frames)]
        series = 1 if kind == "us" else 2
        rel = f"us/US{n:05d}.dcm" if kind == "us" else f"cine/CINE{n:03d}.dcm"
        write(os.path.join(args.out, rel), header(rng, patient, exam, series, n, frames, args.seed), pixels)
        truth["files"][rel] = {"series": series, "instance": n, "frames": frames, "text_over_image": over_image,
                               "tokens": canvas.tokens}
    with open(os.path.join(args.out, "truth.json"), "w") as f:
        json.dump(truth, f)
    ident = sum(t["identifying"] for v in truth["files"].values() for t in v["tokens"])
    total_frames = sum(v["frames"] for v in truth["files"].values())
    print(f"gen_pixels.py: {len(jobs)} files, {total_frames} frames, {ident} identifying tokens in {args.out}")


if __name__ == "__main__":
    main()
