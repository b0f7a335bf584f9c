// CDCMTK: implements the extern "C" facade of CDCMTK.h with DCMTK 3.6.7 (dcmdata and its decoders).
#include "CDCMTK.h"
#include "FileHandle.h"
#include "JPEG2000.h"

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dctk.h"
#include "dcmtk/dcmdata/dcfcache.h"
#include "dcmtk/dcmdata/dcistrmb.h"
#include "dcmtk/dcmdata/dcostrmb.h"
#include "dcmtk/dcmdata/dcwcache.h"
#include "dcmtk/dcmdata/dcpixel.h"
#include "dcmtk/dcmdata/dcrledrg.h"
#include "dcmtk/dcmdata/dcspchrs.h"
#include "dcmtk/dcmdata/dcvrsv.h"
#include "dcmtk/dcmdata/dcvruv.h"
#include "dcmtk/dcmjpeg/djdecode.h"
#include "dcmtk/dcmjpls/djdecode.h"
#include "dcmtk/oflog/oflog.h"
#include "dcmtk/ofstd/ofconsol.h"

#include <fcntl.h>
#include <malloc.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <atomic>
#include <mutex>
#include <utility>
#include <ostream>
#include <string>
#include <vector>

namespace {

// A stream that swallows everything, for DCMTK code that writes to ofConsole directly.
class NullBuffer : public std::streambuf {
protected:
    int overflow(int c) override { return traits_type::not_eof(c); }
    std::streamsize xsputn(const char *, std::streamsize n) override { return n; }
};

void fail(char *err, size_t errlen, const std::string &message) {
    if (err != nullptr && errlen > 0) std::snprintf(err, errlen, "%s", message.c_str());
}

void failDCMTK(char *err, size_t errlen, const char *what, const OFCondition &cond) {
    fail(err, errlen, std::string(what) + " (DCMTK: " + cond.text() + ")");
}

DcmItem *asItem(cdcm_item *item) { return reinterpret_cast<DcmItem *>(item); }
cdcm_item *asHandle(DcmItem *item) { return reinterpret_cast<cdcm_item *>(item); }

// Element lookup by index and by tag. DcmItem::getElement(i) walks the list from its start, and a
// search by tag walks it too, which made a walk by index quadratic and every lookup linear. Each
// thread keeps the element pointers and tags of the last few items it read; an entry is good
// while the item's file has not changed the shape of any of its lists since (its generation).
// Every call that may insert, remove or free elements or items (putElement, clear, remove,
// append_item, convert_to_utf8, save, replace_pixels, adopt_pixel_data, close, clone) holds a
// ShapeChange. A file counts its own changes, uncontended: each file's numbers start 2^32 past
// the last file's, so an entry can match only the very list state it was made from, even where
// a new file reuses a closed one's memory. An item in no tracked file (none is expected) has no
// generation and its entry is made afresh at every lookup.
std::atomic<uint64_t> filesMade{0};

std::atomic<uint64_t> *generationOf(DcmObject *node) {
    DcmObject *top = node;
    for (DcmObject *up = top == nullptr ? nullptr : top->getParent(); up != nullptr; up = up->getParent()) top = up;
    // Every handle the facade gives out lies in a cdcm_file, whose format is tracked.
    if (top != nullptr && top->ident() == EVR_fileFormat) return &static_cast<TrackedFileFormat *>(top)->generation;
    return nullptr;
}

uint64_t generationNow(std::atomic<uint64_t> *generation) {
    return generation == nullptr ? 0 : generation->load(std::memory_order_relaxed);
}

void shapeChanged(std::atomic<uint64_t> *generation) {
    if (generation != nullptr) generation->fetch_add(1, std::memory_order_relaxed);
}
DcmObject *node(cdcm_file *file) { return file == nullptr ? nullptr : &file->format; }
DcmObject *node(cdcm_item *item) { return reinterpret_cast<DcmObject *>(item); }

// The first elements of an item, read as far as a lookup needed: after a change, a walk by index
// reads on one element at a time, and a search by tag in a sorted list stops at the tag.
struct ItemIndex {
    DcmItem *item = nullptr;
    uint64_t generation = 0;
    std::vector<DcmElement *> elements;
    std::vector<uint32_t> tags;
    bool sorted = true;
    bool complete = false;

    // Reads one more element; false at the end of the list.
    bool extend() {
        if (complete) return false;
        DcmObject *next = item->nextInContainer(elements.empty() ? nullptr : elements.back());
        if (next == nullptr) { complete = true; return false; }
        const uint32_t tag = uint32_t(next->getGTag()) << 16 | next->getETag();
        if (!tags.empty() && tag < tags.back()) sorted = false;
        elements.push_back(OFstatic_cast(DcmElement *, next));
        tags.push_back(tag);
        return true;
    }
};
// A walk holds the dataset and the items of the sequences it is in; eight cover deep nesting.
constexpr unsigned indexSlots = 8;
thread_local ItemIndex itemIndexes[indexSlots];
thread_local unsigned nextIndexSlot = 0;

ItemIndex &indexOf(DcmItem *item) {
    const uint64_t generation = generationNow(generationOf(item));
    for (ItemIndex &entry : itemIndexes) {
        if (generation != 0 && entry.item == item && entry.generation == generation) return entry;
    }
    ItemIndex *entry = nullptr;
    for (ItemIndex &candidate : itemIndexes) {
        if (candidate.item == item) entry = &candidate; // this item's outdated entry
    }
    if (entry == nullptr) entry = &itemIndexes[nextIndexSlot++ % indexSlots];
    entry->item = item;
    entry->generation = generation;
    entry->elements.clear();
    entry->tags.clear();
    entry->sorted = true;
    entry->complete = false;
    return *entry;
}

// This thread's entry for `item` if it is up to date, without making one.
ItemIndex *currentIndex(DcmItem *item, uint64_t generation) {
    for (ItemIndex &entry : itemIndexes) {
        if (generation != 0 && entry.item == item && entry.generation == generation) return &entry;
    }
    return nullptr;
}

// Held for the whole of a changing call: entries made during the call (a lookup before the
// change) retire with those made before it. A call that inserts or removes one element of an
// item keeps that item's entry instead: it edits the entry as DCMTK edits the list (`carried`).
struct ShapeChange {
    explicit ShapeChange(DcmObject *changed) : generation(generationOf(changed)) { shapeChanged(generation); }
    // The entry is taken while it is still current, then the generation moves on.
    ShapeChange(cdcm_item *item, bool keepsIndex) : generation(generationOf(node(item))) {
        if (keepsIndex && item != nullptr) carried = currentIndex(asItem(item), generationNow(generation));
        shapeChanged(generation);
    }
    ~ShapeChange() {
        shapeChanged(generation);
        if (carried != nullptr) carried->generation = generationNow(generation);
    }
    std::atomic<uint64_t> *generation;
    // The entry, when its item's list was read at the generation before this call.
    ItemIndex *carried = nullptr;

    void removed(size_t index) {
        if (carried == nullptr) return;
        if (index < carried->elements.size()) {
            carried->elements.erase(carried->elements.begin() + long(index));
            carried->tags.erase(carried->tags.begin() + long(index));
        }
    }

    void inserted(DcmElement *element) {
        if (carried == nullptr) return;
        ItemIndex &entry = *carried;
        const uint32_t tag = uint32_t(element->getGTag()) << 16 | element->getETag();
        if (!entry.sorted) { drop(); return; }
        auto at = std::lower_bound(entry.tags.begin(), entry.tags.end(), tag);
        // Past the elements read so far: the list there is read when a lookup gets to it.
        if (at == entry.tags.end() && !entry.complete) return;
        const long position = long(at - entry.tags.begin());
        if (at != entry.tags.end() && *at == tag) {
            entry.elements[size_t(position)] = element; // it replaced the element with its tag
        } else {
            entry.tags.insert(at, tag);
            entry.elements.insert(entry.elements.begin() + position, element);
        }
    }

    void drop() {
        if (carried != nullptr) carried->item = nullptr;
        carried = nullptr;
    }
};

DcmElement *elementAt(cdcm_item *handle, size_t index) {
    if (handle == nullptr) return nullptr;
    ItemIndex &entry = indexOf(asItem(handle));
    while (entry.elements.size() <= index && entry.extend()) {}
    return index < entry.elements.size() ? entry.elements[index] : nullptr;
}

// The VR a DICOM writer would use: DCMTK's internal ones (ox, xs, lt, up...) become standard ones.
DcmEVR standardVR(const DcmElement *element) {
    return DcmVR(const_cast<DcmElement *>(element)->getVR()).getValidEVR();
}

bool isStringVR(DcmEVR vr) {
    switch (vr) {
    case EVR_AE: case EVR_AS: case EVR_CS: case EVR_DA: case EVR_DS: case EVR_DT: case EVR_IS:
    case EVR_LO: case EVR_LT: case EVR_PN: case EVR_SH: case EVR_ST: case EVR_TM: case EVR_UC:
    case EVR_UI: case EVR_UR: case EVR_UT:
        return true;
    default:
        return false;
    }
}

bool isEncapsulatedPixelData(DcmElement *element) {
    DcmPixelData *pixels = dynamic_cast<DcmPixelData *>(element);
    if (pixels == nullptr) return false;
    E_TransferSyntax xfer = EXS_Unknown;
    const DcmRepresentationParameter *param = nullptr;
    pixels->getCurrentRepresentationKey(xfer, param);
    return DcmXfer(xfer).isEncapsulated();
}

// Every binary getter hands out the same internal buffer (in local byte order); only the typed
// accessor that matches the element's class succeeds, hence the switch.
OFCondition rawBinaryValue(DcmElement *element, const uint8_t **out) {
    union {
        Uint8 *u8; Sint16 *s16; Uint16 *u16; Sint32 *s32; Uint32 *u32;
        Float32 *f32; Float64 *f64; Sint64 *s64; Uint64 *u64;
    } p;
    p.u8 = nullptr;
    OFCondition cond = EC_IllegalCall;
    const void *data = nullptr;
    switch (standardVR(element)) {
    case EVR_OB: case EVR_UN: cond = element->getUint8Array(p.u8); data = p.u8; break;
    case EVR_OW: case EVR_US: case EVR_AT: cond = element->getUint16Array(p.u16); data = p.u16; break;
    case EVR_SS: cond = element->getSint16Array(p.s16); data = p.s16; break;
    case EVR_UL: case EVR_OL: cond = element->getUint32Array(p.u32); data = p.u32; break;
    case EVR_SL: cond = element->getSint32Array(p.s32); data = p.s32; break;
    case EVR_FL: case EVR_OF: cond = element->getFloat32Array(p.f32); data = p.f32; break;
    case EVR_FD: case EVR_OD: cond = element->getFloat64Array(p.f64); data = p.f64; break;
    case EVR_SV: cond = element->getSint64Array(p.s64); data = p.s64; break;
    case EVR_UV: case EVR_OV: cond = element->getUint64Array(p.u64); data = p.u64; break;
    default: break;
    }
    *out = static_cast<const uint8_t *>(data);
    return cond;
}

template <typename T>
std::vector<T> aligned(const uint8_t *bytes, size_t len) {
    std::vector<T> values(len / sizeof(T));
    if (!values.empty()) std::memcpy(values.data(), bytes, values.size() * sizeof(T));
    return values;
}

// Stores bytes as the element's value. Strings bypass the VR classes' putString overrides
// (UI turns "=Name" into a UID), so the bytes land exactly as given.
OFCondition putRawValue(DcmElement *element, const uint8_t *value, size_t len) {
    if (len > 0xFFFFFFFEu) return EC_ElemLengthExceeds32BitField;
    if (value == nullptr) len = 0;
    DcmEVR vr = standardVR(element);
    if (DcmByteString *string = dynamic_cast<DcmByteString *>(element)) {
        return string->DcmByteString::putString(len == 0 ? "" : reinterpret_cast<const char *>(value),
                                                static_cast<Uint32>(len));
    }
    if (vr == EVR_SQ) return EC_IllegalCall;
    size_t unit = 1;
    switch (vr) {
    case EVR_OW: case EVR_US: case EVR_SS: case EVR_AT: unit = 2; break;
    case EVR_UL: case EVR_OL: case EVR_SL: case EVR_FL: case EVR_OF: unit = 4; break;
    case EVR_FD: case EVR_OD: case EVR_SV: case EVR_UV: case EVR_OV: unit = 8; break;
    default: break;
    }
    if (len % unit != 0) return EC_InvalidValue;
    const unsigned long count = static_cast<unsigned long>(len / unit);
    if (count == 0) {
        // Typed puts refuse empty arrays on some classes; an empty Uint8 array clears any of them
        // (DcmPixelData also drops its other representations).
        if (dynamic_cast<DcmPixelData *>(element) != nullptr) return element->putUint8Array(nullptr, 0);
        element->clear();
        return EC_Normal;
    }
    switch (vr) {
    case EVR_OW: case EVR_US: case EVR_AT: return element->putUint16Array(aligned<Uint16>(value, len).data(), count);
    case EVR_SS: return element->putSint16Array(aligned<Sint16>(value, len).data(), count);
    case EVR_UL: case EVR_OL: return element->putUint32Array(aligned<Uint32>(value, len).data(), count);
    case EVR_SL: return element->putSint32Array(aligned<Sint32>(value, len).data(), count);
    case EVR_FL: case EVR_OF: return element->putFloat32Array(aligned<Float32>(value, len).data(), count);
    case EVR_FD: case EVR_OD: return element->putFloat64Array(aligned<Float64>(value, len).data(), count);
    case EVR_SV:
        if (DcmSigned64bitVeryLong *e = dynamic_cast<DcmSigned64bitVeryLong *>(element))
            return e->putSint64Array(aligned<Sint64>(value, len).data(), count);
        return EC_IllegalCall;
    case EVR_UV: case EVR_OV:
        if (DcmUnsigned64bitVeryLong *e = dynamic_cast<DcmUnsigned64bitVeryLong *>(element))
            return e->putUint64Array(aligned<Uint64>(value, len).data(), count);
        return EC_IllegalCall;
    default:
        return element->putUint8Array(value, count);
    }
}

// Creates an element for (group, element) with the given VR (dictionary VR when NULL), stores
// the bytes and inserts it, replacing an existing one.
int putElement(cdcm_item *item, uint16_t group, uint16_t element, const char *vr,
               const uint8_t *value, size_t len, bool wantString) {
    ShapeChange change(item, true);
    if (item == nullptr) return -1;
    DcmTag tag(group, element);
    if (vr != nullptr) {
        DcmVR dvr(vr);
        if (!dvr.isStandard() || std::strlen(vr) != 2) return -1;
        tag.setVR(dvr);
    }
    DcmEVR evr = DcmVR(tag.getEVR()).getValidEVR();
    if (evr == EVR_SQ) return -1;
    DcmElement *elem = nullptr;
    if (DcmItem::newDicomElementWithVR(elem, tag).bad() || elem == nullptr) return -1;
    // Text for a binary VR (US, FD, ...) is parsed by DCMTK as numbers separated by backslashes.
    const bool parse = wantString && !isStringVR(evr);
    const OFCondition put = parse
        ? elem->putString(std::string(reinterpret_cast<const char *>(value), len).c_str())
        : putRawValue(elem, value, len);
    if (put.bad() || asItem(item)->insert(elem, OFTrue).bad()) {
        change.drop();
        delete elem;
        return -1;
    }
    change.inserted(elem);
    return 0;
}

struct PixelGeometry {
    cdcm_pixel_info info;
    DcmPixelData *pixels;
};

bool readGeometry(cdcm_file *file, PixelGeometry &g, char *err, size_t errlen) {
    std::memset(&g, 0, sizeof g);
    DcmDataset *ds = file == nullptr ? nullptr : file->format.getDataset();
    if (ds == nullptr) { fail(err, errlen, "no dataset"); return false; }
    DcmElement *elem = nullptr;
    if (ds->findAndGetElement(DCM_PixelData, elem).bad() || elem == nullptr) {
        fail(err, errlen, "no Pixel Data");
        return false;
    }
    g.pixels = dynamic_cast<DcmPixelData *>(elem);
    if (g.pixels == nullptr) { fail(err, errlen, "Pixel Data has an unexpected VR"); return false; }
    Uint16 rows = 0, columns = 0, samples = 1, allocated = 0, stored = 0, representation = 0, planar = 0;
    if (ds->findAndGetUint16(DCM_Rows, rows).bad() || ds->findAndGetUint16(DCM_Columns, columns).bad() ||
        ds->findAndGetUint16(DCM_BitsAllocated, allocated).bad() || rows == 0 || columns == 0 || allocated == 0) {
        fail(err, errlen, "Pixel Data without Rows, Columns or Bits Allocated");
        return false;
    }
    ds->findAndGetUint16(DCM_SamplesPerPixel, samples);
    if (samples == 0) samples = 1;
    if (ds->findAndGetUint16(DCM_BitsStored, stored).bad()) stored = allocated;
    ds->findAndGetUint16(DCM_PixelRepresentation, representation);
    ds->findAndGetUint16(DCM_PlanarConfiguration, planar);
    Sint32 frames = 1;
    if (ds->findAndGetSint32(DCM_NumberOfFrames, frames).bad() || frames < 1) frames = 1;
    OFString photometric;
    ds->findAndGetOFString(DCM_PhotometricInterpretation, photometric);

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

// A UID of the item itself (not nested), from its raw bytes: files written with UN for it exist.
std::string topLevelUID(DcmItem *item, const DcmTagKey &key) {
    DcmElement *e = nullptr;
    if (item->findAndGetElement(key, e, OFFalse).bad() || e == nullptr) return "";
    const uint8_t *bytes = nullptr;
    size_t n = 0;
    if (DcmByteString *s = dynamic_cast<DcmByteString *>(e)) {
        char *v = nullptr;
        Uint32 len = 0;
        if (s->getString(v, len).bad() || v == nullptr) return "";
        bytes = reinterpret_cast<const uint8_t *>(v);
        n = len;
    } else if (standardVR(e) == EVR_UN || standardVR(e) == EVR_OB) {
        Uint8 *v = nullptr;
        if (e->getUint8Array(v).bad() || v == nullptr) return "";
        bytes = v;
        n = e->getLength();
    }
    std::string uid(reinterpret_cast<const char *>(bytes), n);
    while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) uid.pop_back();
    if (uid.empty() || uid.size() > 64 || uid.find_first_not_of("0123456789.") != std::string::npos) return "";
    return uid;
}

// With input correction off (to keep string padding), odd-length binary values stay odd in memory;
// DCMTK writes them padded but counts them unpadded in group lengths. Re-putting pads them the way
// reading with correction on would have.
void alignOddBinaryValues(DcmItem *item) {
    for (DcmObject *o = item->nextInContainer(nullptr); o != nullptr; o = item->nextInContainer(o)) {
        // What each element is, from its class's own VR first: three dynamic casts per element
        // cost more than the rest of opening a small file.
        const DcmEVR id = o->ident();
        if (id == EVR_PixelData || isStringVR(id) || id == EVR_US || id == EVR_SS || id == EVR_UL || id == EVR_SL ||
            id == EVR_FL || id == EVR_FD || id == EVR_AT) continue;
        if (DcmSequenceOfItems *sq = dynamic_cast<DcmSequenceOfItems *>(o)) {
            for (unsigned long i = 0; i < sq->card(); ++i) alignOddBinaryValues(sq->getItem(i));
            continue;
        }
        DcmOtherByteOtherWord *binary = dynamic_cast<DcmOtherByteOtherWord *>(o);
        if (binary == nullptr || dynamic_cast<DcmPixelData *>(o) != nullptr || binary->getLength() % 2 == 0) continue;
        const DcmEVR vr = standardVR(binary);
        Uint8 *v = nullptr;
        if ((vr == EVR_OB || vr == EVR_UN) && binary->getUint8Array(v).good() && v != nullptr) {
            std::vector<Uint8> copy(v, v + binary->getLength());
            binary->putUint8Array(copy.data(), static_cast<unsigned long>(copy.size()));
        }
    }
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

bool isValidUTF8(const char *s, size_t n) {
    size_t i = 0;
    while (i < n) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        size_t extra = 0;
        uint32_t cp = c;
        if (c < 0x80) { ++i; continue; }
        if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
        else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
        else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
        else return false;
        if (n - i <= extra) return false;
        for (size_t k = 1; k <= extra; ++k) {
            const unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        const uint32_t minimum[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < minimum[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

} // namespace

TrackedFileFormat::TrackedFileFormat() : generation((filesMade.fetch_add(1, std::memory_order_relaxed) + 1) << 32) {}

extern "C" {

void cdcm_init(void) {
    static std::once_flag once;
    std::call_once(once, [] {
        static NullBuffer nullBuffer;
        static std::ostream nullStream(&nullBuffer);
        OFLog::configure(OFLogger::OFF_LOG_LEVEL);
        ofConsole.setCerr(&nullStream);
        ofConsole.setCout(&nullStream);
        // Keep string values as stored: DCMTK would otherwise strip trailing padding and
        // whitespace inside UIDs while reading.
        dcmEnableAutomaticInputDataCorrection.set(OFFalse);
        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
    });
}

// MARK: files

namespace {

// DCMTK parses any bytes as a bare dataset. One without preamble must begin with a low group
// (command, meta, directory or the identifying group 0008) in either byte order.
bool looksLikeDICOM(const unsigned char *head, size_t headLength, bool &preamble, char *err, size_t errlen) {
    preamble = headLength >= 132 && std::memcmp(head + 128, "DICM", 4) == 0;
    if (preamble) return true;
    const unsigned little = headLength >= 2 ? unsigned(head[0] | head[1] << 8) : 0xFFFFu;
    const unsigned big = headLength >= 2 ? unsigned(head[0] << 8 | head[1]) : 0xFFFFu;
    if (headLength < 8 || (little > 0x0008 && big > 0x0008)) {
        fail(err, errlen, "not DICOM (no preamble and no data element at the start)");
        return false;
    }
    return true;
}

// What every read file must show once DCMTK parsed it (`cond`); deletes it and fails otherwise.
cdcm_file *admitParsed(cdcm_file *file, OFCondition cond, bool preamble, int *has_preamble, char *err, size_t errlen) {
    if (cond.bad()) {
        failDCMTK(err, errlen, "truncated or malformed DICOM", cond);
        delete file;
        return nullptr;
    }
    DcmDataset *ds = file->format.getDataset();
    DcmMetaInfo *meta = file->format.getMetaInfo();
    bool hasMeta = meta != nullptr && meta->card() > 0;
    if (ds != nullptr) alignOddBinaryValues(ds);
    if (ds == nullptr || ds->card() == 0 ||
        (!hasMeta && (ds->getElement(0) == nullptr || ds->getElement(0)->getGTag() > 0x0008))) {
        fail(err, errlen, "not DICOM (no data elements)");
        delete file;
        return nullptr;
    }
    E_TransferSyntax xfer = ds->getOriginalXfer();
    file->xfer = xfer == EXS_Unknown ? EXS_LittleEndianExplicit : xfer;
    file->bigEndianPixels = DcmXfer(xfer).isBigEndian();
    if (has_preamble != nullptr) *has_preamble = preamble ? 1 : 0;
    return file;
}

// Everything cdcm_save and cdcm_encode do before DCMTK writes: the target syntax (`target`), every
// value in memory, pixels that can be written in it, and meta SOP UIDs that follow the dataset.
bool prepareWrite(cdcm_file *file, const char *transfer_syntax, E_TransferSyntax &target, char *err, size_t errlen) {
    if (file == nullptr) { fail(err, errlen, "no file"); return false; }
    DcmDataset *ds = file->format.getDataset();
    DcmMetaInfo *meta = file->format.getMetaInfo();
    if (ds == nullptr || meta == nullptr) { fail(err, errlen, "no dataset"); return false; }

    target = file->xfer;
    if (transfer_syntax != nullptr) {
        target = DcmXfer(transfer_syntax).getXfer();
        if (target == EXS_Unknown || target == EXS_BigEndianImplicit) {
            fail(err, errlen, "unknown or unsupported transfer syntax");
            return false;
        }
        if (DcmXfer(target).isEncapsulated() && target != file->xfer) {
            fail(err, errlen, "only uncompressed transfer syntaxes can be written");
            return false;
        }
    }
    // Lazily loaded values would be read from the file this may overwrite.
    OFCondition cond = file->format.loadAllDataIntoMemory();
    if (cond.bad()) { failDCMTK(err, errlen, "cannot read the remaining data of the file", cond); return false; }
    if (!DcmXfer(target).isEncapsulated() && !ds->canWriteXfer(target)) {
        cond = ds->chooseRepresentation(target, nullptr);
        if (cond.bad() || !ds->canWriteXfer(target)) {
            failDCMTK(err, errlen, "cannot convert the pixel data to the requested transfer syntax", cond);
            return false;
        }
    }
    if (!ds->canWriteXfer(target)) {
        fail(err, errlen, "the pixel data cannot be written in this transfer syntax (it is no longer compressed)");
        return false;
    }

    // EWM_fileformat keeps non-empty meta values and updateMeta searches nested items, so the
    // SOP UIDs are mirrored from the dataset's own top level here. Without a usable value the
    // meta element goes, and DCMTK fills in a generic class or a fresh instance UID.
    const DcmTagKey pairs[2][2] = {{DCM_SOPClassUID, DCM_MediaStorageSOPClassUID},
                                   {DCM_SOPInstanceUID, DCM_MediaStorageSOPInstanceUID}};
    for (const auto &pair : pairs) {
        const std::string uid = topLevelUID(ds, pair[0]);
        if (uid.empty() || meta->putAndInsertString(pair[1], uid.c_str()).bad()) meta->findAndDeleteElement(pair[1]);
    }
    return true;
}

} // namespace

cdcm_file *cdcm_open(const char *path, uint64_t max_bytes, int load_all, int *has_preamble, char *err, size_t errlen) {
    if (has_preamble != nullptr) *has_preamble = 0;
    if (path == nullptr) { fail(err, errlen, "no path"); return nullptr; }
    struct stat st;
    if (stat(path, &st) != 0) { fail(err, errlen, "cannot read file"); return nullptr; }
    if (!S_ISREG(st.st_mode)) { fail(err, errlen, "not a regular file"); return nullptr; }
    if (max_bytes != 0 && uint64_t(st.st_size) > max_bytes) {
        fail(err, errlen, "file is larger than the size limit");
        return nullptr;
    }
    unsigned char head[132];
    size_t headLength = 0;
    if (FILE *fp = std::fopen(path, "rb")) {
        headLength = std::fread(head, 1, sizeof head, fp);
        std::fclose(fp);
    } else {
        fail(err, errlen, "cannot read file");
        return nullptr;
    }
    bool preamble = false;
    if (!looksLikeDICOM(head, headLength, preamble, err, errlen)) return nullptr;

    cdcm_file *file = new cdcm_file;
    OFCondition cond = file->format.loadFile(path, EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
    if (cond.good() && load_all) {
        // Values longer than DCM_MaxReadLength stay in the file until used; reading them now is
        // the only way to notice a file cut off inside its Pixel Data.
        cond = file->format.loadAllDataIntoMemory();
    }
    return admitParsed(file, cond, preamble, has_preamble, err, errlen);
}

cdcm_file *cdcm_open_memory(const uint8_t *bytes, size_t len, int *has_preamble, char *err, size_t errlen) {
    if (has_preamble != nullptr) *has_preamble = 0;
    if (bytes == nullptr && len > 0) { fail(err, errlen, "no bytes"); return nullptr; }
    bool preamble = false;
    if (!looksLikeDICOM(bytes, len, preamble, err, errlen)) return nullptr;

    cdcm_file *file = new cdcm_file;
    DcmInputBufferStream stream;
    stream.setBuffer(bytes, offile_off_t(len));
    stream.setEos();
    file->format.transferInit();
    OFCondition cond = file->format.read(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength);
    file->format.transferEnd();
    // A buffer stream asks for more data where a file would have ended: the bytes end early.
    if (cond == EC_StreamNotifyClient) cond = EC_EndOfStream;
    return admitParsed(file, cond, preamble, has_preamble, err, errlen);
}

cdcm_file *cdcm_new(void) {
    cdcm_file *file = new cdcm_file;
    file->xfer = EXS_LittleEndianExplicit;
    return file;
}

void cdcm_close(cdcm_file *file) {
    shapeChanged(generationOf(node(file)));
    delete file;
}

cdcm_item *cdcm_dataset(cdcm_file *file) {
    return file == nullptr ? nullptr : asHandle(file->format.getDataset());
}

cdcm_item *cdcm_meta(cdcm_file *file) {
    return file == nullptr ? nullptr : asHandle(file->format.getMetaInfo());
}

size_t cdcm_transfer_syntax(cdcm_file *file, char *out, size_t outlen) {
    if (file == nullptr || file->xfer == EXS_Unknown) return 0;
    const char *uid = DcmXfer(file->xfer).getXferID();
    if (uid == nullptr || *uid == '\0') return 0;
    if (out != nullptr && outlen > 0) std::snprintf(out, outlen, "%s", uid);
    return std::strlen(uid);
}

int cdcm_save(cdcm_file *file, const char *path, const char *transfer_syntax, char *err, size_t errlen) {
    ShapeChange change(node(file));
    if (path == nullptr) { fail(err, errlen, "no file or path"); return -1; }
    E_TransferSyntax target = EXS_Unknown;
    if (!prepareWrite(file, transfer_syntax, target, err, errlen)) return -1;

    // Undefined-length sequences and items: in Implicit VR an unknown (private) sequence written
    // with an explicit length can no longer be told apart from a binary value by any reader.
    OFCondition cond = file->format.saveFile(path, target, EET_UndefinedLength, EGL_recalcGL, EPD_noChange, 0, 0, EWM_fileformat);
    if (cond.bad()) { failDCMTK(err, errlen, "cannot write file", cond); return -1; }

    // DCMTK writes back the preamble it read; it may hold anything (TIFF headers of
    // dual-personality files), so the written file gets the neutral all-zero preamble.
    FILE *fp = std::fopen(path, "r+b");
    if (fp == nullptr) { fail(err, errlen, "cannot reopen the written file"); return -1; }
    static const unsigned char zeros[DCM_PreambleLen] = {0};
    bool ok = std::fwrite(zeros, 1, sizeof zeros, fp) == sizeof zeros;
    // The file is complete: its pages start for the disk now, while the next files are worked
    // on, instead of all at once when the batch syncs at its end. A hint; errors show at the sync.
    ok = std::fflush(fp) == 0 && ok;
    if (ok) (void)sync_file_range(fileno(fp), 0, 0, SYNC_FILE_RANGE_WRITE);
    ok = std::fclose(fp) == 0 && ok;
    if (!ok) { fail(err, errlen, "cannot clear the preamble of the written file"); return -1; }
    return 0;
}

int cdcm_encode(cdcm_file *file, const char *transfer_syntax, size_t size_hint, uint8_t **out, size_t *outlen,
                char *err, size_t errlen) {
    ShapeChange change(node(file));
    if (out == nullptr || outlen == nullptr) { fail(err, errlen, "no output"); return -1; }
    *out = nullptr;
    *outlen = 0;
    E_TransferSyntax target = EXS_Unknown;
    if (!prepareWrite(file, transfer_syntax, target, err, errlen)) return -1;

    // DCMTK fills the free end of one growing buffer; when it is full, the buffer doubles and the
    // same write goes on from where it stopped (the objects keep their own transfer state).
    size_t capacity = std::max<size_t>(size_hint + 4096, 64 * 1024);
    size_t used = 0;
    uint8_t *buffer = static_cast<uint8_t *>(std::malloc(capacity));
    if (buffer == nullptr) { fail(err, errlen, "out of memory for an output"); return -1; }
    DcmWriteCache cache;
    OFCondition cond = EC_StreamNotifyClient;
    file->format.transferInit();
    while (cond == EC_StreamNotifyClient) {
        if (capacity - used < 64 * 1024) {
            uint8_t *grown = static_cast<uint8_t *>(std::realloc(buffer, capacity * 2));
            if (grown == nullptr) { cond = EC_MemoryExhausted; break; }
            buffer = grown;
            capacity *= 2;
        }
        DcmOutputBufferStream stream(buffer + used, offile_off_t(capacity - used));
        cond = file->format.write(stream, target, EET_UndefinedLength, &cache, EGL_recalcGL, EPD_noChange,
                                  0, 0, 0, EWM_fileformat);
        void *written = nullptr;
        offile_off_t length = 0;
        stream.flushBuffer(written, length);
        used += size_t(length);
    }
    file->format.transferEnd();
    if (cond.bad()) {
        std::free(buffer);
        failDCMTK(err, errlen, "cannot encode the file", cond);
        return -1;
    }
    // DCMTK writes back the preamble it read; it may hold anything (TIFF headers of
    // dual-personality files), so the output gets the neutral all-zero preamble.
    if (used >= DCM_PreambleLen + 4 && std::memcmp(buffer + DCM_PreambleLen, "DICM", 4) == 0) {
        std::memset(buffer, 0, DCM_PreambleLen);
    }
    *out = buffer;
    *outlen = used;
    return 0;
}

void cdcm_keep_freed_memory(void) {
    (void)mallopt(M_MMAP_THRESHOLD, 64 << 20);
    (void)mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

void cdcm_start_writeback(int fd) {
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

// MARK: walking

size_t cdcm_count(cdcm_item *item) {
    return item == nullptr ? 0 : asItem(item)->card();
}

int cdcm_info(cdcm_item *item, size_t index, cdcm_element_info *out) {
    DcmElement *e = elementAt(item, index);
    if (e == nullptr || out == nullptr) return -1;
    std::memset(out, 0, sizeof *out);
    out->group = e->getGTag();
    out->element = e->getETag();
    DcmEVR vr = standardVR(e);
    const char *name = DcmVR(vr).getVRName();
    if (name == nullptr || std::strlen(name) != 2) name = "UN";
    std::memcpy(out->vr, name, 2);
    out->vr[2] = '\0';
    // A string class says so by its ident (every DcmByteString subclass is one VR's class), and
    // its length is the Length field: getLength() would build the padded DICOM form of the value
    // first, which cost more than the rest of this call.
    const bool isString = isStringVR(vr) && isStringVR(e->ident());
    out->length = isString ? e->getLengthField() : e->getLength();
    out->is_sequence = vr == EVR_SQ ? 1 : 0;
    out->is_string = isString ? 1 : 0;
    return 0;
}

int cdcm_string_view(cdcm_item *item, size_t index, const char **out, size_t *len) {
    DcmByteString *s = dynamic_cast<DcmByteString *>(elementAt(item, index));
    if (s == nullptr || out == nullptr) return -1;
    char *value = nullptr;
    Uint32 n = 0;
    if (s->getString(value, n).bad()) return -1;
    *out = value == nullptr ? "" : value;
    if (len != nullptr) *len = value == nullptr ? 0 : n;
    return 0;
}

int cdcm_get_bytes(cdcm_item *item, size_t index, const uint8_t **out, size_t *len) {
    DcmElement *e = elementAt(item, index);
    if (e == nullptr || out == nullptr) return -1;
    static const uint8_t empty[1] = {0};
    if (standardVR(e) == EVR_SQ || e->isLeaf() == OFFalse || isEncapsulatedPixelData(e)) return -1;
    const uint8_t *data = nullptr;
    size_t n = e->getLength();
    if (DcmByteString *s = dynamic_cast<DcmByteString *>(e)) {
        char *value = nullptr;
        Uint32 sn = 0;
        if (s->getString(value, sn).bad()) return -1;
        data = reinterpret_cast<const uint8_t *>(value);
        n = value == nullptr ? 0 : sn;
    } else if (n > 0) {
        if (rawBinaryValue(e, &data).bad()) return -1;
        n = e->getLength(); // loading a value can align its length
    }
    *out = data == nullptr ? empty : data;
    if (len != nullptr) *len = data == nullptr ? 0 : n;
    return 0;
}

size_t cdcm_seq_count(cdcm_item *item, size_t index) {
    DcmSequenceOfItems *sq = dynamic_cast<DcmSequenceOfItems *>(elementAt(item, index));
    return sq == nullptr ? 0 : sq->card();
}

cdcm_item *cdcm_seq_item(cdcm_item *item, size_t index, size_t item_index) {
    DcmSequenceOfItems *sq = dynamic_cast<DcmSequenceOfItems *>(elementAt(item, index));
    if (sq == nullptr || item_index >= sq->card()) return nullptr;
    return asHandle(sq->getItem(static_cast<unsigned long>(item_index)));
}

long cdcm_find(cdcm_item *item, uint16_t group, uint16_t element) {
    if (item == nullptr) return -1;
    ItemIndex &entry = indexOf(asItem(item));
    const uint32_t tag = uint32_t(group) << 16 | element;
    // DcmItem::insert keeps a list in tag order (reading a file too), so the tag is where the
    // elements read so far pass it; a list found out of order is read whole and searched.
    while (entry.sorted && (entry.tags.empty() || entry.tags.back() < tag) && entry.extend()) {}
    if (!entry.sorted) {
        while (entry.extend()) {}
        auto at = std::find(entry.tags.begin(), entry.tags.end(), tag);
        return at != entry.tags.end() ? long(at - entry.tags.begin()) : -1;
    }
    auto at = std::lower_bound(entry.tags.begin(), entry.tags.end(), tag);
    return at != entry.tags.end() && *at == tag ? long(at - entry.tags.begin()) : -1;
}

// MARK: editing

int cdcm_set_string(cdcm_item *item, size_t index, const char *value, size_t len) {
    DcmElement *e = elementAt(item, index);
    if (e == nullptr || dynamic_cast<DcmByteString *>(e) == nullptr) return -1;
    return putRawValue(e, reinterpret_cast<const uint8_t *>(value), len).good() ? 0 : -1;
}

int cdcm_set_bytes(cdcm_item *item, size_t index, const uint8_t *value, size_t len) {
    DcmElement *e = elementAt(item, index);
    if (e == nullptr || standardVR(e) == EVR_SQ || !e->isLeaf()) return -1;
    if (dynamic_cast<DcmPixelData *>(e) != nullptr) {
        // Only native samples can be set; every other representation must go.
        DcmPixelData *pixels = static_cast<DcmPixelData *>(e);
        OFCondition cond = standardVR(e) == EVR_OW && len % 2 == 0 && len > 0
                               ? pixels->putUint16Array(aligned<Uint16>(value, len).data(), len / 2)
                               : pixels->putUint8Array(value, static_cast<unsigned long>(len));
        if (cond.bad()) return -1;
        pixels->removeAllButCurrentRepresentations();
        return 0;
    }
    return putRawValue(e, value, len).good() ? 0 : -1;
}

int cdcm_clear(cdcm_item *item, size_t index) {
    ShapeChange change(node(item));
    DcmElement *e = elementAt(item, index);
    if (e == nullptr) return -1;
    if (DcmSequenceOfItems *sq = dynamic_cast<DcmSequenceOfItems *>(e)) {
        return sq->clear().good() ? 0 : -1;
    }
    if (DcmPixelData *pixels = dynamic_cast<DcmPixelData *>(e)) {
        // clear() alone would keep the compressed representation that a save writes.
        if (pixels->putUint8Array(nullptr, 0).bad()) return -1;
        pixels->removeAllButCurrentRepresentations();
        return 0;
    }
    return e->clear().good() ? 0 : -1;
}

int cdcm_remove(cdcm_item *item, size_t index) {
    ShapeChange change(item, true);
    if (item == nullptr || index >= asItem(item)->card()) { change.drop(); return -1; }
    DcmElement *e = asItem(item)->remove(static_cast<unsigned long>(index));
    if (e == nullptr) { change.drop(); return -1; }
    change.removed(index);
    delete e;
    return 0;
}

int cdcm_put_string(cdcm_item *item, uint16_t group, uint16_t element, const char *vr,
                    const char *value, size_t len) {
    return putElement(item, group, element, vr, reinterpret_cast<const uint8_t *>(value), len, true);
}

int cdcm_put_bytes(cdcm_item *item, uint16_t group, uint16_t element, const char *vr,
                   const uint8_t *value, size_t len) {
    return putElement(item, group, element, vr, value, len, false);
}

cdcm_item *cdcm_append_item(cdcm_item *item, uint16_t group, uint16_t element) {
    ShapeChange change(node(item));
    if (item == nullptr) return nullptr;
    DcmItem *created = nullptr;
    DcmTag tag(group, element, EVR_SQ);
    if (asItem(item)->findOrCreateSequenceItem(tag, created, -2).bad()) return nullptr;
    return asHandle(created);
}

// MARK: text

int cdcm_convert_dataset_to_utf8(cdcm_file *file, char *err, size_t errlen) {
    ShapeChange change(node(file));
    if (file == nullptr) { fail(err, errlen, "no file"); return -1; }
    if (!DcmSpecificCharacterSet::isConversionAvailable()) {
        fail(err, errlen, "character set conversion is not available in this DCMTK");
        return -1;
    }
    // Values that do not convert are an error, not silently replaced: the caller quarantines.
    OFCondition cond = file->format.getDataset()->convertToUTF8();
    if (cond.bad()) { failDCMTK(err, errlen, "the character set does not convert to UTF-8", cond); return -1; }
    return 0;
}

int cdcm_to_utf8(const char *charset, const char *bytes, size_t len, char **out, size_t *outlen,
                 char *err, size_t errlen) {
    if (out == nullptr) { fail(err, errlen, "no output"); return -1; }
    if (bytes == nullptr) len = 0;
    OFString converted;
    DcmSpecificCharacterSet converter;
    if (DcmSpecificCharacterSet::isConversionAvailable()) {
        OFCondition cond = converter.selectCharacterSet(charset == nullptr ? "" : charset, "ISO_IR 192");
        if (cond.bad()) { failDCMTK(err, errlen, "unknown or unsupported character set", cond); return -1; }
        cond = converter.convertString(len == 0 ? "" : bytes, len, converted);
        if (cond.bad()) { failDCMTK(err, errlen, "text does not convert from its character set", cond); return -1; }
    } else {
        fail(err, errlen, "character set conversion is not available in this DCMTK");
        return -1;
    }
    // ASCII and UTF-8 sources are passed through unchecked by DCMTK.
    if (!isValidUTF8(converted.c_str(), converted.length())) {
        fail(err, errlen, "text does not convert from its character set");
        return -1;
    }
    char *copy = static_cast<char *>(std::malloc(converted.length() + 1));
    if (copy == nullptr) { fail(err, errlen, "out of memory"); return -1; }
    std::memcpy(copy, converted.c_str(), converted.length());
    copy[converted.length()] = '\0';
    *out = copy;
    if (outlen != nullptr) *outlen = converted.length();
    return 0;
}

// MARK: pixels

int cdcm_get_pixel_info(cdcm_file *file, cdcm_pixel_info *out, char *err, size_t errlen) {
    PixelGeometry g;
    if (out == nullptr || !readGeometry(file, g, err, errlen)) return -1;
    *out = g.info;
    return 0;
}

int cdcm_decode_frame(cdcm_file *file, uint32_t frame, uint8_t *buffer, size_t buflen,
                      char *photometric_out, char *err, size_t errlen) {
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

int cdcm_replace_pixels(cdcm_file *file, const uint8_t *pixels, size_t len, const char *photometric,
                        char *err, size_t errlen) {
    ShapeChange change(node(file));
    PixelGeometry g;
    if (!readGeometry(file, g, err, errlen)) return -1;
    uint64_t expected = uint64_t(g.info.frame_bytes) * g.info.frames;
    if (pixels == nullptr || len != expected) { fail(err, errlen, "pixel buffer does not match the image geometry"); return -1; }
    DcmDataset *ds = file->format.getDataset();
    OFCondition cond;
    if (g.info.bits_allocated > 8) {
        cond = g.pixels->putUint16Array(aligned<Uint16>(pixels, len).data(), static_cast<unsigned long>(len / 2));
        if (cond.good()) cond = g.pixels->setVR(EVR_OW);
    } else {
        cond = g.pixels->putUint8Array(pixels, static_cast<unsigned long>(len));
        if (cond.good()) cond = g.pixels->setVR(EVR_OB);
    }
    if (cond.bad()) { failDCMTK(err, errlen, "cannot store the pixels", cond); return -1; }
    // Without this a save in the old syntax would pick the cached compressed original again.
    g.pixels->removeAllButCurrentRepresentations();
    if (photometric != nullptr && *photometric != '\0') {
        cond = ds->putAndInsertString(DCM_PhotometricInterpretation, photometric);
        if (cond.bad()) { failDCMTK(err, errlen, "cannot set Photometric Interpretation", cond); return -1; }
    }
    if (g.info.samples_per_pixel > 1) {
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
    return copy;
}

int cdcm_adopt_pixel_data(cdcm_file *file, cdcm_file *from, char *err, size_t errlen) {
    ShapeChange change(node(file)), changeFrom(node(from));
    DcmDataset *ds = file == nullptr ? nullptr : file->format.getDataset();
    DcmDataset *source = from == nullptr ? nullptr : from->format.getDataset();
    if (ds == nullptr || source == nullptr) { fail(err, errlen, "no dataset"); return -1; }
    if (file->xfer != from->xfer) { fail(err, errlen, "the Pixel Data to adopt is in another transfer syntax"); return -1; }
    DcmElement *moved = source->remove(DCM_PixelData);
    DcmPixelData *pixels = dynamic_cast<DcmPixelData *>(moved);
    if (pixels == nullptr) {
        delete moved;
        fail(err, errlen, "no Pixel Data to adopt");
        return -1;
    }
    // insert() with replaceOld deletes the old element and with it every cached representation.
    OFCondition cond = ds->insert(pixels, OFTrue);
    if (cond.bad()) { delete pixels; failDCMTK(err, errlen, "cannot store the Pixel Data", cond); return -1; }
    pixels->removeAllButCurrentRepresentations();
    return 0;
}

int cdcm_tag_for_keyword(const char *keyword, uint16_t *group, uint16_t *element) {
    if (keyword == nullptr || group == nullptr || element == nullptr) return -1;
    DcmTag tag;
    if (DcmTag::findTagFromName(keyword, tag).bad()) return -1;
    *group = tag.getGTag();
    *element = tag.getETag();
    return 0;
}

size_t cdcm_keyword_for_tag(uint16_t group, uint16_t element, char *out, size_t len) {
    if (out == nullptr || len == 0) return 0;
    DcmTag tag(group, element);
    const char *name = tag.getTagName();
    if (name == nullptr || std::strcmp(name, DcmTag_ERROR_TagName) == 0) { out[0] = 0; return 0; }
    std::snprintf(out, len, "%s", name);
    return std::strlen(out);
}

void cdcm_free(void *pointer) { std::free(pointer); }

} // extern "C"
