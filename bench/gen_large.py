# Generates a few large multi-frame DICOM files (native and JPEG-LS), seeded, for the large-file header benchmark.
"""
Layout: OUT/ST#/IM1.dcm, one study folder per file (so that two workers can split them). Half
the files are Explicit VR Little Endian with native 16-bit samples, half the same images
compressed lossless with DCMTK's dcmcjpls (encapsulated, one fragment per frame). Each has a
patient's name, ID, birth date, institution and its own UIDs, like gen.py's files; the frames
are a gradient with seeded noise, so that JPEG-LS keeps about half the size.

With --groups the files are Enhanced CT images whose Per-frame Functional Groups Sequence holds
one item per frame (frame content with its acquisition date-time, plane position, and the UID of
the image it was derived from), as a modern scanner's multi-frame carries: there, the header's
cost grows with the frame count, the pixels' matter little (use a small --size).

Usage: gen_large.py --out DIR [--files 4] [--frames 500] [--size 512] [--groups] [--seed S]
"""

import argparse
import os
import subprocess

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian

UID_PREFIX = "1.2.826.0.1.3680043.8.498."  # pydicom's documented example root
MULTIFRAME_GRAYSCALE_WORD = "1.2.840.10008.5.1.4.1.1.7.3"
ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"
CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"


def item(**values):
    ds = Dataset()
    for keyword, value in values.items():
        setattr(ds, keyword, value)
    return ds


def functional_groups(ds, n, frames):
    """Shared groups and one per-frame item for each frame, as an Enhanced CT carries them."""
    ds.FrameOfReferenceUID = f"{UID_PREFIX}9.{n}.5"
    ds.SharedFunctionalGroupsSequence = [item(
        PlaneOrientationSequence=[item(ImageOrientationPatient=[1, 0, 0, 0, 1, 0])],
        PixelMeasuresSequence=[item(PixelSpacing=[0.5, 0.5], SliceThickness=0.5)])]
    per_frame = []
    for f in range(frames):
        moment = f"{ds.StudyDate}{8 + f // 360000 % 10:02d}{f // 6000 % 60:02d}{f // 100 % 60:02d}.{f % 100:02d}0000"
        per_frame.append(item(
            FrameContentSequence=[item(FrameAcquisitionNumber=f + 1, FrameAcquisitionDateTime=moment,
                                       FrameReferenceDateTime=moment, DimensionIndexValues=[1, f + 1])],
            PlanePositionSequence=[item(ImagePositionPatient=[-16, -16, round(f * 0.5, 1)])],
            DerivationImageSequence=[item(SourceImageSequence=[item(
                ReferencedSOPClassUID=CT_IMAGE, ReferencedSOPInstanceUID=f"{UID_PREFIX}9.{n}.4.{f + 1}")])]))
    ds.PerFrameFunctionalGroupsSequence = per_frame


def image(n, frames, size, rng, groups=False):
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID = ENHANCED_CT if groups else MULTIFRAME_GRAYSCALE_WORD
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID = f"{UID_PREFIX}9.{n}.3"
    ds.file_meta.ImplementationClassUID = UID_PREFIX + "1"
    ds.StudyInstanceUID = f"{UID_PREFIX}9.{n}.1"
    ds.SeriesInstanceUID = f"{UID_PREFIX}9.{n}.2"
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.PatientName = ["Jonaitis^Rita", "Müller^Hans", "Kowalski^Piotr", "Silva^Pedro"][n % 4]
    ds.PatientID = f"LRG{n:05d}"
    ds.PatientBirthDate = f"19{50 + n % 40:02d}0{1 + n % 9}1{n % 10}"
    ds.StudyDate = ds.SeriesDate = f"2024{1 + n % 12:02d}15"
    ds.AccessionNumber = f"ACC{n:07d}"
    ds.InstitutionName = "Vilnius University Hospital Santaros Klinikos"
    ds.Modality = "CT" if groups else "OT"
    ds.Manufacturer = "ACME"
    ds.InstanceNumber = 1
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows = ds.Columns = size
    ds.NumberOfFrames = frames
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
    base = (np.add.outer(np.arange(size), np.arange(size)) * 3 % 3000).astype(np.uint16)
    pixels = np.empty((frames, size, size), dtype=np.uint16)
    for f in range(frames):
        pixels[f] = base + rng.integers(0, 256, (size, size), dtype=np.uint16) + f % 512
    ds.PixelData = pixels.tobytes()
    if groups:
        functional_groups(ds, n, frames)
    return ds


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--files", type=int, default=4)
    ap.add_argument("--frames", type=int, default=500)
    ap.add_argument("--size", type=int, default=512)
    ap.add_argument("--groups", action="store_true", help="Enhanced CT with one functional group item per frame")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    for n in range(args.files):
        folder = os.path.join(args.out, f"ST{n + 1}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, "IM1.dcm")
        image(n, args.frames, args.size, rng, args.groups).save_as(path, enforce_file_format=True)
        if n % 2 == 1:
            compressed = path + ".jls"
            subprocess.run(["dcmcjpls", path, compressed], check=True)
            os.replace(compressed, path)
        print(f"{path}: {os.path.getsize(path) >> 20} MiB", flush=True)


if __name__ == "__main__":
    main()
