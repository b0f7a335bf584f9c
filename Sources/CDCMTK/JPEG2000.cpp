// JPEG2000: finds a frame's fragments in encapsulated Pixel Data and decodes them with OpenJPEG.
#include "JPEG2000.h"
#include "Shim.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcpixseq.h"
#include "dcmtk/dcmdata/dcpxitem.h"

#include <openjpeg-2.5/openjpeg.h>

#include <cstring>
#include <memory>
#include <vector>

namespace cdcm {
namespace {

struct Fragment {
    DcmPixelItem *item;
    size_t length;
    uint64_t offset; // of its item tag, counted from the first fragment's, as the offset tables count
};

// A fragment's value, read from the file now when it was left there; nullptr when it cannot be
// read. Only the fragments a frame needs are read: a cine's others stay where they are.
const uint8_t *bytesOf(const Fragment &f) {
    Uint8 *value = nullptr;
    if (f.length == 0 || f.item->getUint8Array(value).bad()) return nullptr;
    return value;
}

bool startsWith(const Fragment &f, const uint8_t *marker, size_t n) {
    const uint8_t *bytes = f.length >= n ? bytesOf(f) : nullptr;
    return bytes != nullptr && std::memcmp(bytes, marker, n) == 0;
}

// ISO 15444-1 A.4.1 SOC + A.5.1 SIZ, and the JP2 signature box (I.5.1): the first bytes of a frame.
const uint8_t codestreamStart[4] = {0xFF, 0x4F, 0xFF, 0x51};
const uint8_t jp2Signature[12] = {0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20, 0x0D, 0x0A, 0x87, 0x0A};

bool startsFrame(const Fragment &f) {
    return startsWith(f, codestreamStart, sizeof codestreamStart) || startsWith(f, jp2Signature, sizeof jp2Signature);
}

// PS3.5 A.4: item 0 is the Basic Offset Table, then the fragments. Returns the index of the first
// fragment of each frame, or an empty list when the frames cannot be told apart.
std::vector<size_t> frameStarts(const std::vector<Fragment> &fragments, const uint8_t *table, size_t tableLength,
                                uint32_t frames) {
    if (frames == 1) return {0};
    if (tableLength == size_t(frames) * 4) {
        std::vector<size_t> starts;
        size_t next = 0;
        for (uint32_t k = 0; k < frames; ++k) {
            const uint8_t *p = table + 4 * k;
            const uint64_t offset = uint64_t(p[0]) | uint64_t(p[1]) << 8 | uint64_t(p[2]) << 16 | uint64_t(p[3]) << 24;
            while (next < fragments.size() && fragments[next].offset < offset) ++next;
            if (next == fragments.size() || fragments[next].offset != offset) break;
            if (!starts.empty() && starts.back() == next) break;
            starts.push_back(next);
        }
        if (starts.size() == frames && starts[0] == 0) return starts;
        // A table that does not land on fragment boundaries is ignored, as DCMTK's decoders do.
    }
    if (fragments.size() == frames) {
        std::vector<size_t> starts(frames);
        for (size_t k = 0; k < frames; ++k) starts[k] = k;
        return starts;
    }
    // No usable table and several fragments per frame: every frame opens with its own codestream.
    std::vector<size_t> starts;
    for (size_t i = 0; i < fragments.size(); ++i)
        if (startsFrame(fragments[i])) starts.push_back(i);
    if (starts.size() == frames && starts[0] == 0) return starts;
    return {};
}

bool frameBytes(DcmPixelSequence *sequence, uint32_t frame, uint32_t frames, std::vector<uint8_t> &out,
                std::string &error) {
    const std::vector<DcmPixelItem *> items = shim::pixelItems(sequence);
    if (items.size() < 2) { error = "JPEG 2000 Pixel Data has no fragments"; return false; }
    const size_t tableLength = items[0]->getLength();
    const uint8_t *table = bytesOf(Fragment{items[0], tableLength, 0});
    if (tableLength > 0 && table == nullptr) { error = "JPEG 2000 Basic Offset Table cannot be read"; return false; }
    std::vector<Fragment> fragments;
    fragments.reserve(items.size() - 1);
    uint64_t offset = 0;
    for (size_t i = 1; i < items.size(); ++i) {
        fragments.push_back(Fragment{items[i], items[i]->getLength(), offset});
        offset += 8 + fragments.back().length;
    }
    const std::vector<size_t> starts = frameStarts(fragments, table, tableLength, frames);
    if (starts.size() != frames) {
        error = "cannot tell the JPEG 2000 frames apart (no usable Basic Offset Table)";
        return false;
    }
    const size_t first = starts[frame], end = frame + 1 < frames ? starts[frame + 1] : fragments.size();
    out.clear();
    for (size_t i = first; i < end; ++i) {
        if (fragments[i].length == 0) continue;
        const uint8_t *bytes = bytesOf(fragments[i]);
        if (bytes == nullptr) { error = "JPEG 2000 fragment cannot be read"; return false; }
        out.insert(out.end(), bytes, bytes + fragments[i].length);
    }
    if (out.empty()) { error = "JPEG 2000 frame is empty"; return false; }
    return true;
}

// MARK: OpenJPEG over a memory buffer

struct Source {
    const uint8_t *bytes;
    size_t length;
    size_t position;
};

OPJ_SIZE_T readSource(void *destination, OPJ_SIZE_T n, void *user) {
    Source *s = static_cast<Source *>(user);
    if (s->position >= s->length) return static_cast<OPJ_SIZE_T>(-1);
    const size_t count = n < s->length - s->position ? n : s->length - s->position;
    std::memcpy(destination, s->bytes + s->position, count);
    s->position += count;
    return count;
}

OPJ_OFF_T skipSource(OPJ_OFF_T n, void *user) {
    Source *s = static_cast<Source *>(user);
    if (n < 0 ? size_t(-n) > s->position : size_t(n) > s->length - s->position) return -1;
    s->position = size_t(OPJ_OFF_T(s->position) + n);
    return n;
}

OPJ_BOOL seekSource(OPJ_OFF_T position, void *user) {
    Source *s = static_cast<Source *>(user);
    if (position < 0 || size_t(position) > s->length) return OPJ_FALSE;
    s->position = size_t(position);
    return OPJ_TRUE;
}

void ignoreMessage(const char *, void *) {}

// Keeps OpenJPEG's first error, its first line, for the one-line error text.
void keepError(const char *message, void *user) {
    std::string *kept = static_cast<std::string *>(user);
    if (message == nullptr || !kept->empty()) return;
    std::string line(message, std::strcspn(message, "\r\n"));
    while (!line.empty() && (line.back() == ' ' || line.back() == '.')) line.pop_back();
    *kept = line;
}

struct CodecDeleter { void operator()(opj_codec_t *c) const { opj_destroy_codec(c); } };
struct StreamDeleter { void operator()(opj_stream_t *s) const { opj_stream_destroy(s); } };
struct ImageDeleter { void operator()(opj_image_t *i) const { opj_image_destroy(i); } };

// The image must be what the dataset says: Samples per Pixel components of Columns x Rows, none
// subsampled, each fitting into Bits Allocated.
bool matchesGeometry(const opj_image_t &image, const cdcm_pixel_info &info, std::string &error) {
    if (image.numcomps != info.samples_per_pixel) {
        error = "JPEG 2000 frame has " + std::to_string(image.numcomps) + " components, Samples per Pixel says " +
                std::to_string(info.samples_per_pixel);
        return false;
    }
    for (OPJ_UINT32 c = 0; c < image.numcomps; ++c) {
        const opj_image_comp_t &comp = image.comps[c];
        if (comp.w != info.columns || comp.h != info.rows || comp.dx != 1 || comp.dy != 1) {
            error = "JPEG 2000 frame is " + std::to_string(comp.w) + "x" + std::to_string(comp.h) +
                    (comp.dx != 1 || comp.dy != 1 ? " (subsampled)" : "") + ", Columns x Rows say " +
                    std::to_string(info.columns) + "x" + std::to_string(info.rows);
            return false;
        }
        if (comp.prec == 0 || comp.prec > info.bits_allocated) {
            error = "JPEG 2000 frame has " + std::to_string(comp.prec) + "-bit samples, Bits Allocated says " +
                    std::to_string(info.bits_allocated);
            return false;
        }
    }
    return true;
}

bool failDecoding(std::string &error, const char *what, const std::string &reason) {
    error = std::string(what) + (reason.empty() ? "" : " (OpenJPEG: " + reason + ")");
    return false;
}

} // namespace

bool decodeJPEG2000Frame(DcmPixelSequence *fragments, const cdcm_pixel_info &info, uint32_t frame,
                         uint8_t *buffer, std::string &photometric, std::string &error) {
    if (info.bits_allocated != 8 && info.bits_allocated != 16) {
        error = "JPEG 2000 with Bits Allocated other than 8 or 16 is not supported";
        return false;
    }
    std::vector<uint8_t> data;
    if (!frameBytes(fragments, frame, info.frames, data, error)) return false;

    OPJ_CODEC_FORMAT format;
    if (data.size() >= sizeof jp2Signature && std::memcmp(data.data(), jp2Signature, sizeof jp2Signature) == 0) {
        format = OPJ_CODEC_JP2;
    } else if (data.size() >= sizeof codestreamStart && std::memcmp(data.data(), codestreamStart, sizeof codestreamStart) == 0) {
        format = OPJ_CODEC_J2K;
    } else {
        error = "JPEG 2000 frame does not start with a codestream or a JP2 signature";
        return false;
    }

    std::string reason;
    std::unique_ptr<opj_codec_t, CodecDeleter> codec(opj_create_decompress(format));
    if (!codec) { error = "cannot create a JPEG 2000 decoder"; return false; }
    opj_set_info_handler(codec.get(), ignoreMessage, nullptr);
    opj_set_warning_handler(codec.get(), ignoreMessage, nullptr);
    opj_set_error_handler(codec.get(), keepError, &reason);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec.get(), &parameters)) return failDecoding(error, "cannot set up the JPEG 2000 decoder", reason);

    Source source{data.data(), data.size(), 0};
    std::unique_ptr<opj_stream_t, StreamDeleter> stream(opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE));
    if (!stream) { error = "cannot create a JPEG 2000 stream"; return false; }
    opj_stream_set_user_data(stream.get(), &source, nullptr);
    opj_stream_set_user_data_length(stream.get(), data.size());
    opj_stream_set_read_function(stream.get(), readSource);
    opj_stream_set_skip_function(stream.get(), skipSource);
    opj_stream_set_seek_function(stream.get(), seekSource);

    opj_image_t *header = nullptr;
    if (!opj_read_header(stream.get(), codec.get(), &header)) {
        opj_image_destroy(header);
        return failDecoding(error, "JPEG 2000 header does not decode", reason);
    }
    std::unique_ptr<opj_image_t, ImageDeleter> image(header);
    // Checked before decoding, so a codestream claiming a huge image is refused before OpenJPEG
    // allocates for it.
    if (!matchesGeometry(*image, info, error)) return false;
    if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get()))
        return failDecoding(error, "JPEG 2000 frame does not decode", reason);
    if (!matchesGeometry(*image, info, error)) return false;
    const size_t samples = info.samples_per_pixel;
    for (size_t c = 0; c < samples; ++c) {
        if (image->comps[c].data == nullptr) { error = "JPEG 2000 frame decodes to no samples"; return false; }
    }

    // Where the codestream's signedness disagrees with Pixel Representation the dataset wins, as in
    // pydicom and GDCM: the low `prec` bits are reinterpreted, sign-extended or not.
    const bool wantSigned = info.pixel_representation == 1;
    const size_t bytes = info.bits_allocated / 8u, pixels = size_t(info.rows) * info.columns;
    for (size_t c = 0; c < samples; ++c) {
        const opj_image_comp_t &comp = image->comps[c];
        const uint32_t mask = comp.prec >= 32 ? 0xFFFFFFFFu : (1u << comp.prec) - 1u;
        const uint32_t sign = 1u << (comp.prec - 1);
        const bool extend = wantSigned && !comp.sgnd, truncate = !wantSigned && comp.sgnd;
        uint8_t *out = buffer + c * bytes;
        for (size_t p = 0; p < pixels; ++p, out += samples * bytes) {
            uint32_t v = static_cast<uint32_t>(comp.data[p]);
            if (extend) v = ((v & mask) ^ sign) - sign;
            else if (truncate) v &= mask;
            out[0] = static_cast<uint8_t>(v);
            if (bytes == 2) out[1] = static_cast<uint8_t>(v >> 8);
        }
    }

    // PS3.5 8.2.4: YBR_RCT and YBR_ICT name the colour transform the codestream's COD marker
    // announces, which OpenJPEG inverts while decoding, so the samples are RGB. A codestream without
    // the transform holds untransformed components, which its encoder meant as RGB too (pydicom and
    // GDCM read it so): either way the answer is RGB, whatever the MCT flag says.
    std::string stored = info.photometric;
    while (!stored.empty() && stored.back() == ' ') stored.pop_back();
    photometric = stored == "YBR_RCT" || stored == "YBR_ICT" ? "RGB" : stored;
    return true;
}

} // namespace cdcm
