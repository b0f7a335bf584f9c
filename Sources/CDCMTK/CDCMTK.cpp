// CDCMTK: implements the extern "C" facade of CDCMTK.h with DCMTK 3.6.7 (dcmdata and its decoders).
#include "Shim.h"

#include "dcmtk/dcmdata/dcrledrg.h"
#include "dcmtk/dcmdata/dcspchrs.h"
#include "dcmtk/dcmdata/dcvrsv.h"
#include "dcmtk/dcmdata/dcvruv.h"
#include "dcmtk/dcmjpeg/djdecode.h"
#include "dcmtk/dcmjpls/djdecode.h"
#include "dcmtk/oflog/oflog.h"
#include "dcmtk/ofstd/ofconsol.h"

#include <cstdlib>
#include <mutex>
#include <utility>
#include <ostream>

using namespace shim;

namespace {

// A stream that swallows everything, for DCMTK code that writes to ofConsole directly.
class NullBuffer : public std::streambuf {
protected:
    int overflow(int c) override { return traits_type::not_eof(c); }
    std::streamsize xsputn(const char *, std::streamsize n) override { return n; }
};

// Stores bytes as the element's value. Strings bypass the VR classes' putString overrides
// (UI turns "=Name" into a UID), so the bytes land exactly as given.
OFCondition putRawValue(DcmElement *element, const uint8_t *value, size_t len) {
    if (len > 0xFFFFFFFEu) return EC_ElemLengthExceeds32BitField;
    if (value == nullptr) len = 0;
    DcmEVR vr = standardVR(element);
    if (DcmByteString *string = asByteString(element)) {
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
        if (asPixelData(element) != nullptr) return element->putUint8Array(nullptr, 0);
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
    pixelsEdited(node(item), DcmTagKey(group, element));
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

namespace shim {

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

// Every DcmByteString subclass is the class of one string VR, and only such classes report one.
DcmByteString *asByteString(DcmElement *element) {
    return element != nullptr && isStringVR(element->ident()) ? static_cast<DcmByteString *>(element) : nullptr;
}

DcmPixelData *asPixelData(DcmElement *element) {
    return element != nullptr && element->ident() == EVR_PixelData ? static_cast<DcmPixelData *>(element) : nullptr;
}

bool isEncapsulatedPixelData(DcmElement *element) {
    DcmPixelData *pixels = asPixelData(element);
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

} // namespace shim

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

// MARK: walking

size_t cdcm_count(cdcm_item *item) {
    return item == nullptr ? 0 : asItem(item)->card();
}

namespace {

void describe(DcmElement *e, cdcm_element_info *out) {
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
    // A sequence's length would be summed over all its items, at every depth, for each element
    // described: an enhanced multi-frame's 10,000 per-frame items made that a cost. Its items are
    // counted instead (cdcm_seq_count).
    out->length = vr == EVR_SQ ? 0 : isString ? e->getLengthField() : e->getLength();
    out->is_sequence = vr == EVR_SQ ? 1 : 0;
    out->is_string = isString ? 1 : 0;
}

} // namespace

int cdcm_info(cdcm_item *item, size_t index, cdcm_element_info *out) {
    DcmElement *e = elementAt(item, index);
    if (e == nullptr || out == nullptr) return -1;
    describe(e, out);
    return 0;
}

size_t cdcm_infos(cdcm_item *item, cdcm_element_info *out, size_t capacity) {
    if (item == nullptr || out == nullptr) return 0;
    ItemIndex &entry = indexOf(asItem(item));
    while (entry.extend()) {}
#if DEBUG
    checkCurrent(asItem(item), entry, entry.elements.size());
#endif
    const size_t n = std::min(entry.elements.size(), capacity);
    for (size_t i = 0; i < n; i++) describe(entry.elements[i], &out[i]);
    return n;
}

int cdcm_string_view(cdcm_item *item, size_t index, const char **out, size_t *len) {
    DcmByteString *s = asByteString(elementAt(item, index));
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
    if (DcmByteString *s = asByteString(e)) {
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

size_t cdcm_seq_items(cdcm_item *item, size_t index, cdcm_item **out, size_t capacity) {
    const std::vector<DcmItem *> items = entriesOf<DcmItem>(dynamic_cast<DcmSequenceOfItems *>(elementAt(item, index)));
    for (size_t n = 0; n < items.size() && n < capacity && out != nullptr; ++n) out[n] = asHandle(items[n]);
    return items.size();
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
    if (e == nullptr || asByteString(e) == nullptr) return -1;
    pixelsEdited(node(item), e->getTag());
    return putRawValue(e, reinterpret_cast<const uint8_t *>(value), len).good() ? 0 : -1;
}

int cdcm_set_bytes(cdcm_item *item, size_t index, const uint8_t *value, size_t len) {
    DcmElement *e = elementAt(item, index);
    if (e == nullptr || standardVR(e) == EVR_SQ || !e->isLeaf()) return -1;
    pixelsEdited(node(item), e->getTag());
    if (asPixelData(e) != nullptr) {
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
    // The item's own list keeps its elements (a sequence loses its items, whose entries retire).
    ShapeChange change(item, true);
    DcmElement *e = elementAt(item, index);
    if (e == nullptr) return -1;
    pixelsEdited(node(item), e->getTag());
    if (e->ident() == EVR_SQ) {
        return static_cast<DcmSequenceOfItems *>(e)->clear().good() ? 0 : -1;
    }
    if (DcmPixelData *pixels = asPixelData(e)) {
        // clear() alone would keep the compressed representation that a save writes.
        if (pixels->putUint8Array(nullptr, 0).bad()) return -1;
        pixels->removeAllButCurrentRepresentations();
        return 0;
    }
    return e->clear().good() ? 0 : -1;
}

int cdcm_remove(cdcm_item *item, size_t index) {
    if (DcmElement *removing = item == nullptr ? nullptr : elementAt(item, index)) pixelsEdited(node(item), removing->getTag());
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
