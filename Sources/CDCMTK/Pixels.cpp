// Pixels: geometry, frame decoding (DCMTK's codecs, JPEG 2000 through libopenjp2), and replacing the pixels.
#include "Shim.h"
#include "JPEG2000.h"

#include "dcmtk/dcmdata/dcfcache.h"
#include "dcmtk/dcmdata/dcpxitem.h"

#include <cstdlib>

using namespace shim;

namespace {

struct PixelGeometry {
    cdcm_pixel_info info;
    DcmPixelData *pixels;
};

// The dataset's element with `key`, through the facade's index (findAndGet walks the list).
DcmElement *find(DcmDataset *ds, const DcmTagKey &key) {
    const long index = cdcm_find(asHandle(ds), key.getGroup(), key.getElement());
    return index < 0 ? nullptr : elementAt(asHandle(ds), size_t(index));
}

OFCondition getUint16(DcmDataset *ds, const DcmTagKey &key, Uint16 &value) {
    DcmElement *e = find(ds, key);
    return e == nullptr ? OFCondition(EC_TagNotFound) : e->getUint16(value);
}

// The image's geometry, and its Pixel Data element unless `needsPixels` is false: then a file
// whose Pixel Data was kept as stored, not read (cdcm_open_memory_header), has a geometry too.
bool readGeometry(cdcm_file *file, PixelGeometry &g, char *err, size_t errlen, bool needsPixels = true) {
    std::memset(&g, 0, sizeof g);
    DcmDataset *ds = file == nullptr ? nullptr : file->format.getDataset();
    if (ds == nullptr) { fail(err, errlen, "no dataset"); return false; }
    DcmElement *elem = find(ds, DCM_PixelData);
    if (elem == nullptr && (needsPixels || file->pixelOffset == 0)) {
        fail(err, errlen, file->pixelOffset == 0 ? "no Pixel Data" : "the Pixel Data was kept as stored, not read");
        return false;
    }
    g.pixels = dynamic_cast<DcmPixelData *>(elem);
    if (g.pixels == nullptr && elem != nullptr) { fail(err, errlen, "Pixel Data has an unexpected VR"); return false; }
    Uint16 rows = 0, columns = 0, samples = 1, allocated = 0, stored = 0, representation = 0, planar = 0;
    if (getUint16(ds, DCM_Rows, rows).bad() || getUint16(ds, DCM_Columns, columns).bad() ||
        getUint16(ds, DCM_BitsAllocated, allocated).bad() || rows == 0 || columns == 0 || allocated == 0) {
        fail(err, errlen, "Pixel Data without Rows, Columns or Bits Allocated");
        return false;
    }
    getUint16(ds, DCM_SamplesPerPixel, samples);
    if (samples == 0) samples = 1;
    if (getUint16(ds, DCM_BitsStored, stored).bad()) stored = allocated;
    getUint16(ds, DCM_PixelRepresentation, representation);
    getUint16(ds, DCM_PlanarConfiguration, planar);
    Sint32 frames = 1;
    DcmElement *framesElement = find(ds, DCM_NumberOfFrames);
    if (framesElement == nullptr || framesElement->getSint32(frames).bad() || frames < 1) frames = 1;
    OFString photometric;
    if (DcmElement *e = find(ds, DCM_PhotometricInterpretation)) e->getOFString(photometric, 0);

    uint64_t samplesPerFrame = uint64_t(rows) * columns * samples;
    uint64_t frameBytes = allocated == 1 ? (samplesPerFrame + 7) / 8 : samplesPerFrame * ((allocated + 7u) / 8u);
    if (frameBytes > 0xFFFFFFFEu || frameBytes * uint64_t(frames) > 0xFFFFFFFEu) {
        fail(err, errlen, "Pixel Data geometry exceeds 4 GB");
        return false;
    }
    g.info.rows = rows;
    g.info.columns = columns;
    g.info.frames = static_cast<uint32_t>(frames);
    g.info.samples_per_pixel = samples;
    g.info.bits_allocated = allocated;
    g.info.bits_stored = stored;
    g.info.pixel_representation = representation;
    g.info.planar_configuration = planar;
    std::snprintf(g.info.photometric, sizeof g.info.photometric, "%s", photometric.c_str());
    g.info.frame_bytes = static_cast<uint32_t>(frameBytes);
    return true;
}

bool isJPEG2000(E_TransferSyntax xfer) {
    return xfer == EXS_JPEG2000LosslessOnly || xfer == EXS_JPEG2000 ||
           xfer == EXS_JPEG2000MulticomponentLosslessOnly || xfer == EXS_JPEG2000Multicomponent;
}

// Colour-by-plane (RRR..GGG..BBB) to colour-by-pixel (RGBRGB..), in place.
void interleavePlanes(uint8_t *buffer, size_t pixels, size_t samples, size_t bytesPerSample) {
    std::vector<uint8_t> planes(buffer, buffer + pixels * samples * bytesPerSample);
    for (size_t p = 0; p < pixels; ++p)
        for (size_t s = 0; s < samples; ++s)
            std::memcpy(buffer + (p * samples + s) * bytesPerSample,
                        planes.data() + (s * pixels + p) * bytesPerSample, bytesPerSample);
}

// Native YBR_FULL_422 stores two bytes per pixel (Y Y Cb Cr per pixel pair), which DCMTK's frame
// access does not know; the frame is widened to YBR_FULL so that frame_bytes holds for it too.
bool upsampleNative422(const PixelGeometry &g, uint32_t frame, uint8_t *buffer, char *err, size_t errlen) {
    const size_t bps = g.info.bits_allocated / 8u;
    const size_t columns = g.info.columns, rows = g.info.rows;
    const size_t stored = rows * columns * 2 * bps;
    const uint8_t *data = nullptr;
    if (columns % 2 != 0 || rawBinaryValue(g.pixels, &data).bad() || data == nullptr ||
        g.pixels->getLength() < (size_t(frame) + 1) * stored) {
        fail(err, errlen, "YBR_FULL_422 Pixel Data does not match its geometry");
        return false;
    }
    const uint8_t *in = data + size_t(frame) * stored;
    uint8_t *out = buffer;
    for (size_t pair = 0; pair < rows * columns / 2; ++pair, in += 4 * bps) {
        const uint8_t *y0 = in, *y1 = in + bps, *cb = in + 2 * bps, *cr = in + 3 * bps;
        for (const uint8_t *y : {y0, y1}) {
            std::memcpy(out, y, bps);
            std::memcpy(out + bps, cb, bps);
            std::memcpy(out + 2 * bps, cr, bps);
            out += 3 * bps;
        }
    }
    return true;
}

// Values of compressed frames that DCMTK read from the file when they were first decoded go back
// to the file (compact() keeps any that it could not read again): a compressed cine read from its
// file is never held whole, however many of its frames are decoded.
void releaseFragments(DcmPixelSequence *fragments) {
    for (DcmPixelItem *item : pixelItems(fragments)) item->compact();
}

// Puts `pixels` (owned from here on) in place of the dataset's Pixel Data. insert() with replaceOld
// deletes the old element and with it every cached representation: a save in the old syntax can no
// longer pick the compressed original.
bool putPixelData(DcmDataset *ds, DcmPixelData *pixels, char *err, size_t errlen) {
    pixelsEdited(ds, DCM_PixelData);
    OFCondition cond = ds->insert(pixels, OFTrue);
    if (cond.bad()) { delete pixels; failDCMTK(err, errlen, "cannot store the Pixel Data", cond); return false; }
    pixels->removeAllButCurrentRepresentations();
    return true;
}

} // namespace

void shim::pixelsEdited(DcmObject *item, const DcmTagKey &tag) {
    // The elements readGeometry reads, and the Pixel Data itself.
    static const DcmTagKey geometry[] = {DCM_PixelData, DCM_Rows, DCM_Columns, DCM_BitsAllocated, DCM_BitsStored,
                                         DCM_SamplesPerPixel, DCM_PixelRepresentation, DCM_PlanarConfiguration,
                                         DCM_NumberOfFrames, DCM_PhotometricInterpretation};
    if (item == nullptr || item->ident() != EVR_dataset) return;
    if (std::find(std::begin(geometry), std::end(geometry), tag) == std::end(geometry)) return;
    if (TrackedFileFormat *format = formatOf(item)) format->replacement.reset();
}

extern "C" {

int cdcm_get_pixel_info(cdcm_file *file, cdcm_pixel_info *out, char *err, size_t errlen) {
    PixelGeometry g;
    if (out == nullptr || !readGeometry(file, g, err, errlen, false)) return -1;
    *out = g.info;
    return 0;
}

int cdcm_decode_frame(cdcm_file *file, uint32_t frame, uint8_t *buffer, size_t buflen,
                      char *photometric_out, char *err, size_t errlen) {
    // A codec may write to the dataset it is given (Planar Configuration, Photometric
    // Interpretation), replacing elements the facade's index points to.
    ShapeChange change(node(file));
    PixelGeometry g;
    if (!readGeometry(file, g, err, errlen)) return -1;
    if (buffer == nullptr || buflen < g.info.frame_bytes) { fail(err, errlen, "frame buffer too small"); return -1; }
    if (frame >= g.info.frames) { fail(err, errlen, "frame number out of range"); return -1; }
    E_TransferSyntax xfer = EXS_Unknown;
    const DcmRepresentationParameter *param = nullptr;
    g.pixels->getCurrentRepresentationKey(xfer, param);
    if (isJPEG2000(xfer)) {
        // DCMTK has no JPEG 2000 decoder: OpenJPEG decodes the fragments, which stay as they are.
        DcmPixelSequence *fragments = nullptr;
        std::string photometric, reason;
        if (g.pixels->getEncapsulatedRepresentation(xfer, param, fragments).bad() ||
            !cdcm::decodeJPEG2000Frame(fragments, g.info, frame, buffer, photometric, reason)) {
            fail(err, errlen, reason.empty() ? "JPEG 2000 Pixel Data cannot be read" : reason);
            return -1;
        }
        releaseFragments(fragments);
        if (photometric_out != nullptr) std::snprintf(photometric_out, 32, "%s", photometric.c_str());
        return 0;
    }

    if (!DcmXfer(xfer).isEncapsulated() && std::strcmp(g.info.photometric, "YBR_FULL_422") == 0 &&
        g.info.samples_per_pixel == 3 && g.info.bits_allocated % 8 == 0) {
        if (!upsampleNative422(g, frame, buffer, err, errlen)) return -1;
        if (photometric_out != nullptr) std::snprintf(photometric_out, 32, "%s", "YBR_FULL");
        return 0;
    }

    DcmDataset *ds = file->format.getDataset();
    Uint32 startFragment = 0;
    DcmFileCache cache;
    OFString colorModel;
    // DCMTK wants an even buffer size; frame_bytes of one odd 8-bit frame would otherwise fail.
    Uint32 bufSize = static_cast<Uint32>(buflen > 0xFFFFFFFEu ? 0xFFFFFFFEu : buflen);
    std::vector<uint8_t> spare;
    uint8_t *target = buffer;
    if (bufSize % 2 != 0) {
        spare.resize(size_t(bufSize) + 1);
        target = spare.data();
        bufSize += 1;
    }
    OFCondition cond = g.pixels->getUncompressedFrame(ds, frame, startFragment, target, bufSize, colorModel, &cache);
    if (cond.bad()) { failDCMTK(err, errlen, "cannot decode frame", cond); return -1; }
    if (DcmXfer(xfer).isEncapsulated()) {
        DcmPixelSequence *fragments = nullptr;
        if (g.pixels->getEncapsulatedRepresentation(xfer, param, fragments).good()) releaseFragments(fragments);
    }
    if (target != buffer) std::memcpy(buffer, target, g.info.frame_bytes);

    // DCMTK swaps Big Endian OW as 16-bit words; 32-bit samples need their halves swapped too.
    if (file->bigEndianPixels && !DcmXfer(xfer).isEncapsulated() && g.info.bits_allocated == 32 &&
        standardVR(g.pixels) == EVR_OW) {
        for (size_t i = 0; i + 4 <= g.info.frame_bytes; i += 4) {
            std::swap(buffer[i], buffer[i + 2]);
            std::swap(buffer[i + 1], buffer[i + 3]);
        }
    }
    // All DCMTK decoders (and native frames) deliver the layout that Planar Configuration names.
    if (g.info.samples_per_pixel > 1 && g.info.planar_configuration == 1 && g.info.bits_allocated >= 8) {
        interleavePlanes(buffer, size_t(g.info.rows) * g.info.columns, g.info.samples_per_pixel,
                         (g.info.bits_allocated + 7u) / 8u);
    }
    if (photometric_out != nullptr) {
        const char *model = colorModel.empty() ? g.info.photometric : colorModel.c_str();
        std::snprintf(photometric_out, 32, "%s", model);
    }
    return 0;
}

uint8_t *cdcm_begin_pixels(cdcm_file *file, size_t *len, char *err, size_t errlen) {
    if (len != nullptr) *len = 0;
    PixelGeometry g;
    if (len == nullptr || !readGeometry(file, g, err, errlen)) return nullptr;
    const uint64_t total = uint64_t(g.info.frame_bytes) * g.info.frames;
    if (total == 0) { fail(err, errlen, "Pixel Data without samples"); return nullptr; }
    if (total > 0xFFFFFFFEu) { fail(err, errlen, "Pixel Data too large to store uncompressed"); return nullptr; }
    const bool words = g.info.bits_allocated > 8;
    auto fresh = std::make_unique<DcmPixelData>(DcmTag(DCM_PixelData, words ? EVR_OW : EVR_OB));
    uint8_t *start = nullptr;
    OFCondition cond;
    if (words) {
        Uint16 *value = nullptr;
        cond = fresh->createUint16Array(static_cast<Uint32>(total / 2), value);
        start = reinterpret_cast<uint8_t *>(value);
    } else {
        Uint8 *value = nullptr;
        cond = fresh->createUint8Array(static_cast<Uint32>(total), value);
        start = value;
    }
    if (cond.bad() || start == nullptr) { failDCMTK(err, errlen, "cannot make room for the pixels", cond); return nullptr; }
    file->format.replacement = std::move(fresh);
    *len = size_t(total);
    return start;
}

void cdcm_discard_pixels(cdcm_file *file) {
    if (file != nullptr) file->format.replacement.reset();
}

const uint8_t *cdcm_pixels_room(cdcm_file *file) {
    DcmPixelData *room = file == nullptr ? nullptr : file->format.replacement.get();
    Uint8 *start = nullptr;
    if (room == nullptr || room->getUint8Array(start).bad()) return nullptr;
    return start;
}

int cdcm_commit_pixels(cdcm_file *file, const char *photometric, char *err, size_t errlen) {
    ShapeChange change(node(file));
    DcmDataset *ds = file == nullptr ? nullptr : file->format.getDataset();
    if (ds == nullptr || file->format.replacement == nullptr) { fail(err, errlen, "no pixels to store"); return -1; }
    if (!putPixelData(ds, file->format.replacement.release(), err, errlen)) return -1;
    OFCondition cond;
    if (photometric != nullptr && *photometric != '\0') {
        cond = ds->putAndInsertString(DCM_PhotometricInterpretation, photometric);
        if (cond.bad()) { failDCMTK(err, errlen, "cannot set Photometric Interpretation", cond); return -1; }
    }
    Uint16 samples = 1;
    if (getUint16(ds, DCM_SamplesPerPixel, samples).good() && samples > 1) {
        cond = ds->putAndInsertUint16(DCM_PlanarConfiguration, 0);
        if (cond.bad()) { failDCMTK(err, errlen, "cannot set Planar Configuration", cond); return -1; }
    }
    file->xfer = EXS_LittleEndianExplicit;
    file->bigEndianPixels = false;
    return 0;
}

cdcm_file *cdcm_clone(cdcm_file *file) {
    if (file == nullptr) return nullptr;
    cdcm_file *copy = new cdcm_file;
    static_cast<DcmFileFormat &>(copy->format) = file->format;
    shapeChanged(generationOf(node(copy)));
    copy->xfer = file->xfer;
    copy->bigEndianPixels = file->bigEndianPixels;
    copy->pixelOffset = file->pixelOffset;
    return copy;
}

int cdcm_adopt_pixel_data(cdcm_file *file, cdcm_file *from, char *err, size_t errlen) {
    ShapeChange change(node(file)), changeFrom(node(from));
    DcmDataset *ds = file == nullptr ? nullptr : file->format.getDataset();
    DcmDataset *source = from == nullptr ? nullptr : from->format.getDataset();
    if (ds == nullptr || source == nullptr) { fail(err, errlen, "no dataset"); return -1; }
    if (file->xfer != from->xfer) { fail(err, errlen, "the Pixel Data to adopt is in another transfer syntax"); return -1; }
    if (file->pixelOffset != 0 || from->pixelOffset != 0) { fail(err, errlen, "the Pixel Data was kept as stored, not read"); return -1; }
    DcmElement *moved = source->remove(DCM_PixelData);
    DcmPixelData *pixels = dynamic_cast<DcmPixelData *>(moved);
    if (pixels == nullptr) {
        delete moved;
        fail(err, errlen, "no Pixel Data to adopt");
        return -1;
    }
    return putPixelData(ds, pixels, err, errlen) ? 0 : -1;
}

} // extern "C"
