// JPEGBlocks: redacts JPEG Baseline frames in the DCT domain with libjpeg-turbo, so untouched blocks stay bit-identical.
//
// libjpeg-turbo's symbols are jpeg_*/jinit_*; DCMTK's own IJG copies (libijg8/12/16) are renamed
// jpeg8_*/jpeg12_*/jpeg16_*, so both live in one process without a clash.
#include "CDCMTK.h"
#include "FileHandle.h"
#include "Shim.h"

#include "dcmtk/dcmdata/dctk.h"
#include "dcmtk/dcmdata/dcpixel.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <jpeglib.h>
}

namespace {

void fail(char *err, size_t errlen, const std::string &message) {
    if (err != nullptr && errlen > 0) std::snprintf(err, errlen, "%s", message.c_str());
}

// libjpeg reports fatal errors through error_exit, which must not return: it jumps back to the
// frame's transcode. Warnings (corrupt data, a restart marker out of place) are counted: a stream
// libjpeg had to guess through is not edited, it is decoded by the fallback like any other.
struct ErrorManager {
    jpeg_error_mgr pub;
    jmp_buf jump;
    int warnings;
    char message[JMSG_LENGTH_MAX];
};

void onError(j_common_ptr cinfo) {
    ErrorManager *e = reinterpret_cast<ErrorManager *>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, e->message);
    longjmp(e->jump, 1);
}

void onMessage(j_common_ptr cinfo, int level) {
    ErrorManager *e = reinterpret_cast<ErrorManager *>(cinfo->err);
    if (level < 0 && e->warnings++ == 0) (*cinfo->err->format_message)(cinfo, e->message);
}

// Block-aligned rectangle on the grid of `cellW` x `cellH` pixels, clipped to the image.
cdcm_rect aligned(const cdcm_rect &r, int cellW, int cellH, uint32_t columns, uint32_t rows) {
    const int x0 = (r.x / cellW) * cellW, y0 = (r.y / cellH) * cellH;
    const int x1 = std::min<int>(int(columns), ((r.x + r.width + cellW - 1) / cellW) * cellW);
    const int y1 = std::min<int>(int(rows), ((r.y + r.height + cellH - 1) / cellH) * cellH);
    return cdcm_rect{x0, y0, x1 - x0, y1 - y0};
}

/// What every frame must look like, taken from the first, and the sample level each component
/// must decode to (0 black, 128 neutral chroma, 255 white for MONOCHROME1's black).
struct Plan {
    uint32_t columns = 0, rows = 0;
    int components = 0;
    int levels[3] = {0, 0, 0};
    J_COLOR_SPACE colorSpace = JCS_UNKNOWN;
    // Sampling factors of the first frame; later frames must repeat them.
    int h[3] = {0, 0, 0}, v[3] = {0, 0, 0};
    int maxH = 0, maxV = 0;
    bool known = false;

    // How far chroma upsampling reaches: libjpeg's fancy upsampling blends each subsampled
    // chroma sample into the nearest pixel of the neighbouring block, on both sides of an edge.
    int marginX() const {
        for (int c = 0; c < components; ++c) if (h[c] < maxH) return 1;
        return 0;
    }
    int marginY() const {
        for (int c = 0; c < components; ++c) if (v[c] < maxV) return 1;
        return 0;
    }
    cdcm_rect clip(int x0, int y0, int x1, int y1) const {
        x0 = std::max(0, x0); y0 = std::max(0, y0);
        x1 = std::min<int>(int(columns), x1); y1 = std::min<int>(int(rows), y1);
        return cdcm_rect{x0, y0, std::max(0, x1 - x0), std::max(0, y1 - y0)};
    }
    // The blocks set black for `r`: r grown by the upsampling margin, then out to the grid of the
    // coarsest component, so that r lies wholly inside the pixels that decode black.
    cdcm_rect blocks(const cdcm_rect &r) const {
        const cdcm_rect grown = clip(r.x - marginX(), r.y - marginY(), r.x + r.width + marginX(), r.y + r.height + marginY());
        return aligned(grown, 8 * maxH, 8 * maxV, columns, rows);
    }
    // Inside the blocks, black but for the blended pixel along each inner edge (the image's own
    // edges replicate the last chroma sample, so nothing blends there).
    cdcm_rect black(const cdcm_rect &r) const {
        const cdcm_rect a = blocks(r);
        const int x0 = a.x > 0 ? a.x + marginX() : 0, y0 = a.y > 0 ? a.y + marginY() : 0;
        const int x1 = a.x + a.width < int(columns) ? a.x + a.width - marginX() : int(columns);
        const int y1 = a.y + a.height < int(rows) ? a.y + a.height - marginY() : int(rows);
        return clip(x0, y0, x1, y1);
    }
    // Every pixel whose decoded value may differ: the blocks and the blended pixel outside them.
    cdcm_rect changed(const cdcm_rect &r) const {
        const cdcm_rect a = blocks(r);
        return clip(a.x - marginX(), a.y - marginY(), a.x + a.width + marginX(), a.y + a.height + marginY());
    }
};

struct Output {
    unsigned char *data = nullptr;
    unsigned long size = 0;
};

enum Status { done = 0, notPossible = 1 };

// The quantised DC that decodes as `level` after the clamp: the offset from 128 times 8 (the DC
// gain of the 8x8 IDCT), rounded away from 128 so that any quantiser reaches the clamp exactly.
JCOEF blackDC(int level, int quant) {
    const int target = (level - 128) * 8;
    if (target == 0 || quant <= 0) return 0;
    // For 255 the clamp is reached from 127.x; for 0 from -128.
    const int magnitude = target < 0 ? (-target + quant - 1) / quant : (target + quant - 1) / quant;
    return static_cast<JCOEF>(target < 0 ? -magnitude : magnitude);
}

// One frame: read the coefficients, black the blocks, write them again. Only plain C locals live
// between setjmp and longjmp, so a jump skips no destructor.
Status transcode(const uint8_t *in, size_t length, Plan &plan, const cdcm_rect *rects, size_t count, Output &out,
                 std::string &reason) {
    jpeg_decompress_struct src;
    jpeg_compress_struct dst;
    // One manager for both: an error in either jumps to the same place.
    ErrorManager errors;
    std::memset(&src, 0, sizeof src);
    std::memset(&dst, 0, sizeof dst);
    src.err = jpeg_std_error(&errors.pub);
    dst.err = src.err;
    errors.pub.error_exit = onError;
    errors.pub.emit_message = onMessage;
    errors.warnings = 0;
    errors.message[0] = 0;
    // Changed after setjmp and read after the jump: volatile, or the jump may see stale registers.
    volatile bool srcMade = false, dstMade = false;
    const char *why = nullptr;
    char detail[JMSG_LENGTH_MAX + 64] = {0};

    if (setjmp(errors.jump) != 0) {
        std::snprintf(detail, sizeof detail, "the JPEG stream cannot be rewritten (libjpeg: %s)", errors.message);
        if (dstMade) jpeg_destroy_compress(&dst);
        if (srcMade) jpeg_destroy_decompress(&src);
        std::free(out.data);
        out.data = nullptr;
        reason = detail;
        return notPossible;
    }
    jpeg_create_decompress(&src);
    srcMade = true;
    jpeg_mem_src(&src, in, static_cast<unsigned long>(length));
    jpeg_read_header(&src, TRUE);

    if (src.progressive_mode) why = "progressive JPEG";
    else if (src.arith_code) why = "arithmetic-coded JPEG";
    else if (src.data_precision != 8) why = "JPEG of more than 8 bits per sample";
    else if (src.num_components != plan.components) why = "the JPEG has another number of components than Samples per Pixel";
    else if (src.image_width != plan.columns || src.image_height != plan.rows) why = "the JPEG frame size differs from Rows and Columns";
    else if (src.jpeg_color_space != plan.colorSpace)
        why = "the JPEG's own colour space is not the one Photometric Interpretation names";
    if (why == nullptr) {
        for (int c = 0; c < src.num_components && why == nullptr; ++c) {
            const jpeg_component_info &comp = src.comp_info[c];
            if (src.max_h_samp_factor % comp.h_samp_factor != 0 || src.max_v_samp_factor % comp.v_samp_factor != 0)
                why = "JPEG sampling factors that do not divide each other";
            else if (plan.known && (comp.h_samp_factor != plan.h[c] || comp.v_samp_factor != plan.v[c]))
                why = "frames with different JPEG sampling factors";
        }
    }
    if (why != nullptr) {
        jpeg_destroy_decompress(&src);
        reason = why;
        return notPossible;
    }
    if (!plan.known) {
        for (int c = 0; c < src.num_components; ++c) {
            plan.h[c] = src.comp_info[c].h_samp_factor;
            plan.v[c] = src.comp_info[c].v_samp_factor;
        }
        plan.maxH = src.max_h_samp_factor;
        plan.maxV = src.max_v_samp_factor;
        plan.known = true;
    }

    jvirt_barray_ptr *coefficients = jpeg_read_coefficients(&src);
    if (errors.warnings > 0) {
        std::snprintf(detail, sizeof detail, "the JPEG stream is damaged (libjpeg: %s)", errors.message);
        jpeg_destroy_decompress(&src);
        reason = detail;
        return notPossible;
    }
    for (int c = 0; c < src.num_components; ++c) {
        const jpeg_component_info &comp = src.comp_info[c];
        // Quantisation tables are latched per component while the scans are read.
        const JQUANT_TBL *quant = comp.quant_table;
        bool baseline = quant != nullptr;
        for (int k = 0; baseline && k < DCTSIZE2; ++k) baseline = quant->quantval[k] <= 255;
        if (!baseline) {
            jpeg_destroy_decompress(&src);
            reason = "quantisation values above 255: not a baseline JPEG";
            return notPossible;
        }
    }

    const int cellW = 8 * plan.maxH, cellH = 8 * plan.maxV;
    for (int c = 0; c < src.num_components; ++c) {
        jpeg_component_info &comp = src.comp_info[c];
        const int blockW = cellW / comp.h_samp_factor, blockH = cellH / comp.v_samp_factor;
        const JCOEF dc = blackDC(plan.levels[c], comp.quant_table->quantval[0]);
        for (size_t i = 0; i < count; ++i) {
            const cdcm_rect a = plan.blocks(rects[i]);
            if (a.width <= 0 || a.height <= 0) continue;
            const JDIMENSION bx0 = JDIMENSION(a.x / blockW), by0 = JDIMENSION(a.y / blockH);
            const JDIMENSION bx1 = std::min<JDIMENSION>(comp.width_in_blocks, JDIMENSION((a.x + a.width + blockW - 1) / blockW));
            const JDIMENSION by1 = std::min<JDIMENSION>(comp.height_in_blocks, JDIMENSION((a.y + a.height + blockH - 1) / blockH));
            for (JDIMENSION by = by0; by < by1; ++by) {
                // One block row per access: the arrays allow as many rows as the sampling factor.
                JBLOCKARRAY row = (*src.mem->access_virt_barray)(reinterpret_cast<j_common_ptr>(&src), coefficients[c], by, 1, TRUE);
                for (JDIMENSION bx = bx0; bx < bx1; ++bx) {
                    std::memset(row[0][bx], 0, sizeof(JBLOCK));
                    row[0][bx][0] = dc;
                }
            }
        }
    }

    jpeg_create_compress(&dst);
    dstMade = true;
    jpeg_mem_dest(&dst, &out.data, &out.size);
    jpeg_copy_critical_parameters(&src, &dst);
    // New tables from the new statistics: the original ones need not hold a code for every DC
    // difference and zero run the black blocks make. Entropy coding is lossless either way.
    dst.optimize_coding = TRUE;
    dst.restart_interval = src.restart_interval;
    jpeg_write_coefficients(&dst, coefficients);
    jpeg_finish_compress(&dst);
    jpeg_destroy_compress(&dst);
    dstMade = false;
    jpeg_finish_decompress(&src);
    jpeg_destroy_decompress(&src);
    srcMade = false;
    if (errors.warnings > 0) {
        std::free(out.data);
        out.data = nullptr;
        reason = "the JPEG stream is damaged at its end";
        return notPossible;
    }
    return done;
}

// The bytes of each frame: the fragments the Basic Offset Table assigns to it, one fragment per
// frame when there is no table, or all fragments for a single frame.
bool frameStreams(DcmPixelSequence *sequence, uint32_t frames, std::vector<std::vector<uint8_t>> &streams,
                  std::string &reason) {
    const std::vector<DcmPixelItem *> all = shim::pixelItems(sequence);
    const unsigned long items = all.size();
    if (items < 2) { reason = "encapsulated Pixel Data without fragments"; return false; }
    DcmPixelItem *table = all[0];
    std::vector<Uint32> offsets;
    if (table->getLength() > 0) {
        Uint8 *bytes = nullptr;
        if (table->getUint8Array(bytes).bad() || bytes == nullptr || table->getLength() % 4 != 0) {
            reason = "unreadable Basic Offset Table";
            return false;
        }
        for (Uint32 i = 0; i < table->getLength(); i += 4)
            offsets.push_back(Uint32(bytes[i]) | Uint32(bytes[i + 1]) << 8 | Uint32(bytes[i + 2]) << 16 | Uint32(bytes[i + 3]) << 24);
    }
    if (!offsets.empty() && offsets.size() != frames) { reason = "the Basic Offset Table does not list every frame"; return false; }
    if (offsets.empty() && frames > 1 && items - 1 != frames) {
        reason = "without a Basic Offset Table, fragments and frames do not pair up";
        return false;
    }
    streams.assign(frames, {});
    Uint32 position = 0; // from the first fragment's item tag, as the table counts
    size_t frame = 0;
    for (unsigned long i = 1; i < items; ++i) {
        DcmPixelItem *fragment = all[i];
        Uint8 *bytes = nullptr;
        const Uint32 length = fragment->getLength();
        if (length > 0 && (fragment->getUint8Array(bytes).bad() || bytes == nullptr)) { reason = "unreadable fragment"; return false; }
        if (!offsets.empty()) {
            while (frame + 1 < frames && position >= offsets[frame + 1]) ++frame;
            if (position < offsets[frame]) { reason = "the Basic Offset Table does not match the fragments"; return false; }
        } else if (frames > 1) {
            frame = i - 1;
        }
        streams[frame].insert(streams[frame].end(), bytes, bytes + length);
        position += 8 + length;
    }
    for (const auto &s : streams) {
        if (s.empty()) { reason = "a frame without JPEG data"; return false; }
    }
    return true;
}

// The checks every frame shares (transfer syntax, 8-bit samples, the photometric interpretation
// and the black it needs) and the frames' streams. 0 when ready, 1 when not possible, -1 on failure.
int prepare(cdcm_file *file, Plan &plan, DcmPixelData *&pixels, std::vector<std::vector<uint8_t>> &streams,
            char *err, size_t errlen) {
    cdcm_pixel_info info;
    if (cdcm_get_pixel_info(file, &info, err, errlen) != 0) return -1;
    DcmDataset *ds = file->format.getDataset();
    DcmElement *element = nullptr;
    ds->findAndGetElement(DCM_PixelData, element);
    pixels = dynamic_cast<DcmPixelData *>(element);
    E_TransferSyntax xfer = EXS_Unknown;
    const DcmRepresentationParameter *param = nullptr;
    if (pixels != nullptr) pixels->getCurrentRepresentationKey(xfer, param);
    if (pixels == nullptr || xfer != EXS_JPEGProcess1 || file->xfer != EXS_JPEGProcess1) {
        fail(err, errlen, "not JPEG Baseline Pixel Data");
        return 1;
    }
    if (info.bits_allocated != 8 || info.bits_stored != 8 || info.pixel_representation != 0) {
        fail(err, errlen, "JPEG Baseline with other than unsigned 8-bit samples");
        return 1;
    }
    plan.columns = info.columns;
    plan.rows = info.rows;
    plan.components = info.samples_per_pixel;
    const std::string photometric = info.photometric;
    if (photometric == "MONOCHROME2" && info.samples_per_pixel == 1) {
        plan.colorSpace = JCS_GRAYSCALE;
        plan.levels[0] = 0;
    } else if (photometric == "MONOCHROME1" && info.samples_per_pixel == 1) {
        plan.colorSpace = JCS_GRAYSCALE;
        plan.levels[0] = 255;
    } else if ((photometric == "YBR_FULL_422" || photometric == "YBR_FULL") && info.samples_per_pixel == 3) {
        // PS3.3 C.7.6.3.1.2: full-range YCbCr, black is no luma and chroma at its midpoint.
        plan.colorSpace = JCS_YCbCr;
        plan.levels[1] = plan.levels[2] = 128;
    } else if (photometric == "RGB" && info.samples_per_pixel == 3) {
        plan.colorSpace = JCS_RGB;
    } else {
        fail(err, errlen, "a Photometric Interpretation the block edit does not handle");
        return 1;
    }

    DcmPixelSequence *sequence = nullptr;
    std::string reason;
    if (pixels->getEncapsulatedRepresentation(xfer, param, sequence).bad() || sequence == nullptr) {
        fail(err, errlen, "the JPEG fragments cannot be read");
        return 1;
    }
    if (!frameStreams(sequence, info.frames, streams, reason)) { fail(err, errlen, reason); return 1; }

    return 0;
}

// The sampling factors of one frame, from its header alone.
Status readSampling(const uint8_t *in, size_t length, Plan &plan, std::string &reason) {
    jpeg_decompress_struct src;
    ErrorManager errors;
    std::memset(&src, 0, sizeof src);
    src.err = jpeg_std_error(&errors.pub);
    errors.pub.error_exit = onError;
    errors.pub.emit_message = onMessage;
    errors.warnings = 0;
    errors.message[0] = 0;
    if (setjmp(errors.jump) != 0) {
        jpeg_destroy_decompress(&src);
        reason = std::string("the JPEG header cannot be read (libjpeg: ") + errors.message + ")";
        return notPossible;
    }
    jpeg_create_decompress(&src);
    jpeg_mem_src(&src, in, static_cast<unsigned long>(length));
    jpeg_read_header(&src, TRUE);
    if (src.num_components != plan.components) {
        jpeg_destroy_decompress(&src);
        reason = "the JPEG has another number of components than Samples per Pixel";
        return notPossible;
    }
    for (int c = 0; c < src.num_components; ++c) {
        plan.h[c] = src.comp_info[c].h_samp_factor;
        plan.v[c] = src.comp_info[c].v_samp_factor;
    }
    plan.maxH = src.max_h_samp_factor;
    plan.maxV = src.max_v_samp_factor;
    plan.known = true;
    jpeg_destroy_decompress(&src);
    return done;
}

} // namespace

extern "C" {

int cdcm_jpeg_redact_blocks(cdcm_file *file, const cdcm_rect *rects, size_t count, cdcm_rect *blackened,
                            cdcm_rect *changed, char *err, size_t errlen) {
    shim::ShapeChange change(shim::node(file)); // the Pixel Data's fragments are replaced
    if (file == nullptr || (count > 0 && (rects == nullptr || blackened == nullptr || changed == nullptr))) {
        fail(err, errlen, "no file or rectangles");
        return -1;
    }
    Plan plan;
    DcmPixelData *pixels = nullptr;
    std::vector<std::vector<uint8_t>> streams;
    std::string reason;
    if (int status = prepare(file, plan, pixels, streams, err, errlen); status != 0) return status;

    std::vector<Output> outputs(streams.size());
    auto release = [&outputs] { for (Output &o : outputs) std::free(o.data); };
    for (size_t f = 0; f < streams.size(); ++f) {
        if (transcode(streams[f].data(), streams[f].size(), plan, rects, count, outputs[f], reason) != done) {
            release();
            fail(err, errlen, "frame " + std::to_string(f + 1) + ": " + reason);
            return 1;
        }
    }

    DcmPixelSequence *rewritten = new DcmPixelSequence(DCM_PixelSequenceTag);
    DcmPixelItem *offsetTable = new DcmPixelItem(DCM_PixelItemTag);
    rewritten->insert(offsetTable);
    DcmOffsetList offsets;
    OFCondition cond = EC_Normal;
    for (size_t f = 0; f < outputs.size() && cond.good(); ++f) {
        cond = rewritten->storeCompressedFrame(offsets, outputs[f].data, static_cast<Uint32>(outputs[f].size), 0);
    }
    release();
    if (cond.good()) cond = offsetTable->createOffsetTable(offsets);
    if (cond.bad()) {
        delete rewritten;
        fail(err, errlen, std::string("cannot store the rewritten frames (DCMTK: ") + cond.text() + ")");
        return -1;
    }
    // All other representations go with the old original: none may be written in its place.
    shim::pixelsEdited(file->format.getDataset(), DCM_PixelData);
    pixels->putOriginalRepresentation(EXS_JPEGProcess1, nullptr, rewritten);
    pixels->removeAllButCurrentRepresentations();

    for (size_t i = 0; i < count; ++i) {
        blackened[i] = plan.black(rects[i]);
        changed[i] = plan.changed(rects[i]);
    }
    return 0;
}

} // extern "C"

extern "C" int cdcm_jpeg_block_reach(cdcm_file *file, const cdcm_rect *rects, size_t count, cdcm_rect *changed,
                                     char *err, size_t errlen) {
    if (file == nullptr || (count > 0 && (rects == nullptr || changed == nullptr))) {
        fail(err, errlen, "no file or rectangles");
        return -1;
    }
    Plan plan;
    DcmPixelData *pixels = nullptr;
    std::vector<std::vector<uint8_t>> streams;
    std::string reason;
    if (int status = prepare(file, plan, pixels, streams, err, errlen); status != 0) return status;
    if (readSampling(streams[0].data(), streams[0].size(), plan, reason) != done) { fail(err, errlen, reason); return 1; }
    for (size_t i = 0; i < count; ++i) changed[i] = plan.changed(rects[i]);
    return 0;
}
