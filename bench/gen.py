# Generates N synthetic, seeded, reproducible CT-like DICOM files with realistic identifying headers, for the benchmark.
"""
Layout: OUT/PAT###/ST####/SE#/IM#####.dcm, studies of --per-study instances (two series
each, one frame of reference per study), several studies per patient. Every file is
Explicit VR Little Endian with file meta, 16-bit MONOCHROME2 pixels (256x256 by default,
to keep the benchmark about headers). The same --seed and arguments give the same bytes.

Usage: gen.py --out DIR --count N [--seed S] [--size 256] [--per-study 50] [--jobs J] [--fast]
"""

import argparse
import array
import io
import math
import multiprocessing
import os
import random
import sys
from datetime import date, datetime, timedelta

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

CT_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
UID_PREFIX = "1.2.826.0.1.3680043.8.498."  # pydicom's documented example root
IMPLEMENTATION_UID = UID_PREFIX + "1"

FAMILY = ["Müller", "Smith", "García", "Kowalski", "Nguyen", "Jonaitis", "O'Brien", "Rossi",
          "Petrauskas", "Johansson", "Dubois", "Novak", "Schmidt", "Tanaka", "Silva", "Brown"]
GIVEN = ["Anna", "John", "María", "Piotr", "Linh", "Rita", "Sean", "Giulia", "Jonas",
         "Erik", "Chloé", "Jan", "Hans", "Yuki", "Pedro", "Emily"]
INSTITUTIONS = [("St. Mary's General Hospital", "12 Harbour Road, Springfield"),
                ("Vilnius University Hospital Santaros Klinikos", "Santariskiu g. 2, Vilnius"),
                ("Klinikum Nordstadt", "Haltenhoffstraße 41, Hannover")]
SCANNERS = [("SIEMENS", "SOMATOM Definition AS+"), ("GE MEDICAL SYSTEMS", "Revolution CT"),
            ("Philips", "Ingenuity CT")]
PRIVATE_CREATOR = "ACME CT RECON 1.0"


def person(rng):
    return f"{rng.choice(FAMILY)}^{rng.choice(GIVEN)}"


def da(d):
    return d.strftime("%Y%m%d")


def tm(t):
    return t.strftime("%H%M%S.%f")[:13]


def phantom(size, rng):
    """A water cylinder with a few denser inserts, as unsigned 12-bit values (HU + 1024)."""
    c = size / 2
    r = size * 0.42
    inserts = [(c + rng.uniform(-r / 2, r / 2), c + rng.uniform(-r / 2, r / 2),
                rng.uniform(size * 0.03, size * 0.08), rng.choice([1100, 1300, 1800, 900]))
               for _ in range(4)]
    px = array.array("H", bytes(2 * size * size))
    for y in range(size):
        for x in range(size):
            if (x - c) ** 2 + (y - c) ** 2 > r * r:
                continue  # air: 0
            v = 1024 + ((x * 7 + y * 13) % 17)  # water with a little texture
            for ix, iy, ir, iv in inserts:
                if (x - ix) ** 2 + (y - iy) ** 2 < ir * ir:
                    v = iv
            px[y * size + x] = v
    if sys.byteorder != "little":
        px.byteswap()
    return px.tobytes()


def roll_rows(pixels, size, k):
    """Shift the image down by k rows (wrapping), so each slice differs a little."""
    k %= size
    cut = len(pixels) - 2 * size * k
    return pixels[cut:] + pixels[:cut]


class Patient:
    def __init__(self, rng, index):
        self.name = person(rng)
        self.id = f"{rng.randrange(10**7, 10**8)}"
        self.other_id = f"MRN-{rng.randrange(10**5, 10**6)}"
        self.birth = date(1935, 1, 1) + timedelta(days=rng.randrange(0, 65 * 365))
        self.sex = rng.choice("MF")
        self.weight = f"{rng.uniform(48, 110):.1f}"
        self.size = f"{rng.uniform(1.50, 1.95):.2f}"
        self.index = index


def study_datasets(rng, seed, patient, study_no, n, size):
    """Yield (relative path, dataset) for one study of n instances in two series."""
    ent = [str(seed), str(study_no)]
    study_uid = generate_uid(UID_PREFIX, ent + ["study"])
    frame_uid = generate_uid(UID_PREFIX, ent + ["for"])
    inst_name, inst_addr = rng.choice(INSTITUTIONS)
    maker, model = rng.choice(SCANNERS)
    station = f"CT{rng.randrange(1, 9):02d}"
    serial = f"{rng.randrange(10**4, 10**6)}"
    start = datetime(2015, 1, 1, 7) + timedelta(days=rng.randrange(0, 10 * 365),
                                                minutes=rng.randrange(0, 11 * 60))
    accession = f"A{rng.randrange(10**8, 10**9)}"
    referring = person(rng)
    performing = person(rng)
    operator = person(rng)
    scheduler = person(rng)
    age = (start.date() - patient.birth).days // 365
    series_sizes = [n // 2, n - n // 2]
    first_sop = None  # the first image of the study, which later images reference (a scout)

    number = 0
    for series_index, count in enumerate(series_sizes):
        if count == 0:
            continue
        series_uid = generate_uid(UID_PREFIX, ent + ["series", str(series_index)])
        series_time = start + timedelta(minutes=3 * series_index)
        base = phantom(size, rng)
        thickness = rng.choice([1.0, 1.25, 2.5, 5.0])
        z0 = rng.uniform(-400, -100)
        for i in range(count):
            number += 1
            sop_uid = generate_uid(UID_PREFIX, ent + ["sop", str(number)])
            acq = series_time + timedelta(seconds=0.5 * i)
            ds = Dataset()
            ds.SpecificCharacterSet = "ISO_IR 100"
            ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
            ds.InstanceCreationDate = da(acq)
            ds.InstanceCreationTime = tm(acq)
            ds.SOPClassUID = CT_IMAGE_STORAGE
            ds.SOPInstanceUID = sop_uid
            ds.StudyDate = da(start)
            ds.SeriesDate = da(series_time)
            ds.AcquisitionDate = da(acq)
            ds.ContentDate = da(acq)
            ds.StudyTime = tm(start)
            ds.SeriesTime = tm(series_time)
            ds.AcquisitionTime = tm(acq)
            ds.ContentTime = tm(acq)
            ds.AccessionNumber = accession
            ds.Modality = "CT"
            ds.Manufacturer = maker
            ds.InstitutionName = inst_name
            ds.InstitutionAddress = inst_addr
            ds.ReferringPhysicianName = referring
            ds.StationName = station
            ds.StudyDescription = "CT CHEST ABDOMEN PELVIS W CONTRAST"
            ds.SeriesDescription = ["Topogram 0.6", "Abd/Pel 1.5 Br40"][series_index % 2]
            ds.InstitutionalDepartmentName = "Radiology"
            ds.PerformingPhysicianName = performing
            ds.OperatorsName = operator
            ds.ManufacturerModelName = model
            if first_sop is not None:
                ref = Dataset()
                ref.ReferencedSOPClassUID = CT_IMAGE_STORAGE
                ref.ReferencedSOPInstanceUID = first_sop
                ds.ReferencedImageSequence = Sequence([ref])
            ds.PatientName = patient.name
            ds.PatientID = patient.id
            ds.IssuerOfPatientID = "HOSP-MRN"
            ds.PatientBirthDate = da(patient.birth)
            ds.PatientSex = patient.sex
            ds.OtherPatientIDs = patient.other_id
            ds.PatientAge = f"{age:03d}Y"
            ds.PatientSize = patient.size
            ds.PatientWeight = patient.weight
            ds.BodyPartExamined = "CHEST"
            ds.SliceThickness = f"{thickness}"
            ds.KVP = "120"
            ds.DeviceSerialNumber = serial
            ds.SoftwareVersions = "VA48A"
            ds.ProtocolName = "CAP routine"
            ds.PatientPosition = "HFS"
            ds.StudyInstanceUID = study_uid
            ds.SeriesInstanceUID = series_uid
            ds.StudyID = str(1000 + study_no)
            ds.SeriesNumber = series_index + 1
            ds.AcquisitionNumber = 1
            ds.InstanceNumber = i + 1
            z = z0 + i * thickness
            ds.ImagePositionPatient = [f"{-size * 0.35:.2f}", f"{-size * 0.35:.2f}", f"{z:.2f}"]
            ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
            ds.FrameOfReferenceUID = frame_uid
            ds.PositionReferenceIndicator = ""
            ds.SliceLocation = f"{z:.2f}"
            # A nested sequence carrying a name and identifiers, two levels deep.
            code = Dataset()
            code.CodeValue = "CTCAP"
            code.CodingSchemeDesignator = "99ACME"
            code.CodeMeaning = "CT chest abdomen pelvis"
            req = Dataset()
            req.RequestedProcedureID = f"RP{accession[1:]}"
            req.ScheduledProcedureStepID = f"SPS{accession[1:]}"
            req.AccessionNumber = accession
            req.ScheduledPerformingPhysicianName = scheduler
            req.RequestedProcedureCodeSequence = Sequence([code])
            ds.RequestAttributesSequence = Sequence([req])
            ds.SamplesPerPixel = 1
            ds.PhotometricInterpretation = "MONOCHROME2"
            ds.Rows = size
            ds.Columns = size
            ds.PixelSpacing = [f"{350 / size:.4f}", f"{350 / size:.4f}"]
            ds.BitsAllocated = 16
            ds.BitsStored = 12
            ds.HighBit = 11
            ds.PixelRepresentation = 0
            ds.WindowCenter = "40"
            ds.WindowWidth = "400"
            ds.RescaleIntercept = "-1024"
            ds.RescaleSlope = "1"
            # Private tags: one creator, one identifying value and two harmless ones.
            block = ds.private_block(0x0009, PRIVATE_CREATOR, create=True)
            block.add_new(0x01, "LO", patient.name.replace("^", " "))  # a copy of the name
            block.add_new(0x02, "DS", f"{thickness}")
            block.add_new(0x03, "SH", "B40f")
            ds.PixelData = roll_rows(base, size, i)
            ds["PixelData"].VR = "OW"

            meta = FileMetaDataset()
            meta.MediaStorageSOPClassUID = CT_IMAGE_STORAGE
            meta.MediaStorageSOPInstanceUID = sop_uid
            meta.TransferSyntaxUID = ExplicitVRLittleEndian
            meta.ImplementationClassUID = IMPLEMENTATION_UID
            meta.ImplementationVersionName = "DCMSCRUB_BENCH"
            ds.file_meta = meta
            if first_sop is None:
                first_sop = sop_uid
            path = os.path.join(f"PAT{patient.index:03d}", f"ST{study_no:04d}",
                                f"SE{series_index + 1}", f"IM{i + 1:05d}.dcm")
            yield path, ds


def write_study(job):
    """Write one study; studies draw from their own generator, so they can be written in any order."""
    args, patient, s, n = job
    srng = random.Random(f"{args.seed}/{s}")
    for rel, ds in study_datasets(srng, args.seed, patient, s + 1, n, args.size):
        path = os.path.join(args.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        ds.save_as(path, enforce_file_format=True)
    return n


def write_study_fast(job):
    """--fast: the first instance of each series is built as usual, the others are byte copies of it
    with their own SOP Instance UID (meta header too) and Instance Number patched in place. For big
    workspaces of tiny files (the status benchmark), where building every dataset would take most of
    the time. Image sizes vary by study (16, 20, 24, 32 px), so there are 4 device groups per scanner."""
    args, patient, s, n = job
    srng = random.Random(f"{args.seed}/{s}")
    size = [16, 20, 24, 32][s % 4] if args.size <= 32 else args.size
    counts = [n // 2, n - n // 2]
    firsts = list(study_datasets(srng, args.seed, patient, s + 1, 2, size))
    written = 0
    for (rel, ds), count in zip(firsts, counts):
        series = int(ds.SeriesNumber)
        base = f"{UID_PREFIX}77.{args.seed}.{s + 1}.{series}."
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = base + "1000000"
        ds.InstanceNumber = "900001"
        buf = io.BytesIO()
        ds.save_as(buf, enforce_file_format=True)
        blob = buf.getvalue()
        placeholder = (base + "1000000").encode()
        number_at = blob.index(b"\x20\x00\x13\x00IS\x06\x00") + 8
        folder = os.path.join(args.out, os.path.dirname(rel))
        os.makedirs(folder, exist_ok=True)
        for i in range(count):
            b = blob.replace(placeholder, (base + str(1000000 + i)).encode())
            b = b[:number_at] + f"{i + 1:6d}".encode() + b[number_at + 6:]
            with open(os.path.join(folder, f"IM{i + 1:05d}.dcm"), "wb") as f:
                f.write(b)
            written += 1
    return written


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--per-study", type=int, default=50)
    ap.add_argument("--studies-per-patient", type=int, default=3)
    ap.add_argument("--fast", action="store_true", help="byte copies within a series (see write_study_fast)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (output does not depend on it)")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    n_studies = math.ceil(args.count / args.per_study)
    n_patients = max(1, math.ceil(n_studies / args.studies_per_patient))
    patients = [Patient(rng, p + 1) for p in range(n_patients)]
    jobs = [(args, patients[s % n_patients], s, min(args.per_study, args.count - s * args.per_study))
            for s in range(n_studies)]
    writer = write_study_fast if args.fast else write_study
    if args.jobs > 1:
        with multiprocessing.Pool(args.jobs) as pool:
            written = sum(pool.imap_unordered(writer, jobs, chunksize=4))
    else:
        written = sum(map(writer, jobs))
    print(f"gen.py: wrote {written} files, {n_studies} studies, {n_patients} patients to {args.out}")


if __name__ == "__main__":
    main()
