// Files: reading DICOM from a path or from memory, and writing it to a path or to memory.
#include "Shim.h"

#include "dcmtk/dcmdata/dcistrmb.h"
#include "dcmtk/dcmdata/dcostrmb.h"
#include "dcmtk/dcmdata/dcwcache.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <unistd.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

using namespace shim;

namespace {

// A UID of the item itself (not nested), from its raw bytes: files written with UN for it exist.
std::string topLevelUID(DcmItem *item, const DcmTagKey &key) {
    DcmElement *e = nullptr;
    if (item->findAndGetElement(key, e, OFFalse).bad() || e == nullptr) return "";
    const uint8_t *bytes = nullptr;
    size_t n = 0;
    if (DcmByteString *s = asByteString(e)) {
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
            for (DcmItem *entry : entriesOf<DcmItem>(sq)) alignOddBinaryValues(entry);
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

// Fails an open call: `why` for the caller to sort by, `message` for its one line.
void failOpen(cdcm_opening *opening, cdcm_failure why, char *err, size_t errlen, const std::string &message) {
    if (opening != nullptr) opening->failure = why;
    fail(err, errlen, message);
}

// What every open call reports before it has read anything.
void startOpening(cdcm_opening *opening) {
    if (opening != nullptr) *opening = cdcm_opening{0, CDCM_FAILED_MALFORMED};
}

// DCMTK parses any bytes as a bare dataset. One without preamble must begin with a low group
// (command, meta, directory or the identifying group 0008) in either byte order.
bool looksLikeDICOM(const unsigned char *head, size_t headLength, bool &preamble, cdcm_opening *opening, char *err,
                    size_t errlen) {
    preamble = headLength >= 132 && std::memcmp(head + 128, "DICM", 4) == 0;
    if (preamble) return true;
    const unsigned little = headLength >= 2 ? unsigned(head[0] | head[1] << 8) : 0xFFFFu;
    const unsigned big = headLength >= 2 ? unsigned(head[0] << 8 | head[1]) : 0xFFFFu;
    if (headLength < 8 || (little > 0x0008 && big > 0x0008)) {
        failOpen(opening, CDCM_FAILED_NOT_DICOM, err, errlen, "not DICOM (no preamble and no data element at the start)");
        return false;
    }
    return true;
}

// What every read file must show once DCMTK parsed it (`cond`); deletes it and fails otherwise.
cdcm_file *admitParsed(cdcm_file *file, OFCondition cond, bool preamble, cdcm_opening *opening, char *err, size_t errlen) {
    if (cond.bad()) {
        if (opening != nullptr) opening->failure = CDCM_FAILED_MALFORMED;
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
        failOpen(opening, CDCM_FAILED_NOT_DICOM, err, errlen, "not DICOM (no data elements)");
        delete file;
        return nullptr;
    }
    E_TransferSyntax xfer = ds->getOriginalXfer();
    file->xfer = xfer == EXS_Unknown ? EXS_LittleEndianExplicit : xfer;
    file->bigEndianPixels = DcmXfer(xfer).isBigEndian();
    if (opening != nullptr) opening->has_preamble = preamble ? 1 : 0;
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

// Where the top-level Pixel Data element begins when DCMTK stopped reading at it (`stop`: the
// stream's position then, just after the element's tag and length); 0 when the element there is
// not Pixel Data in the dataset's encoding with an OB or OW value, which a header-only read must
// not guess at.
size_t pixelElementStart(const uint8_t *bytes, size_t len, size_t stop, E_TransferSyntax xfer) {
    const DcmXfer x(xfer);
    const uint8_t little[4] = {0xE0, 0x7F, 0x10, 0x00}, big[4] = {0x7F, 0xE0, 0x00, 0x10};
    const size_t header = x.isExplicitVR() ? 12 : 8;
    if (stop > len || stop <= header) return 0;
    const uint8_t *e = bytes + stop - header;
    if (std::memcmp(e, x.isBigEndian() ? big : little, 4) != 0) return 0;
    if (x.isExplicitVR() && !(e[4] == 'O' && (e[5] == 'B' || e[5] == 'W') && e[6] == 0 && e[7] == 0)) return 0;
    return stop - header;
}

// Parses `len` bytes held in memory, up to the main dataset's first element at or above `stopAt`
// (DCM_UndefinedTagKey: all of them); `*stop` receives where DCMTK stopped reading.
cdcm_file *readMemory(const uint8_t *bytes, size_t len, const DcmTagKey &stopAt, size_t *stop, cdcm_opening *opening,
                      char *err, size_t errlen) {
    startOpening(opening);
    if (bytes == nullptr && len > 0) { fail(err, errlen, "no bytes"); return nullptr; }
    bool preamble = false;
    if (!looksLikeDICOM(bytes, len, preamble, opening, err, errlen)) return nullptr;

    cdcm_file *file = new cdcm_file;
    DcmInputBufferStream stream;
    stream.setBuffer(bytes, offile_off_t(len));
    stream.setEos();
    file->format.transferInit();
    OFCondition cond = file->format.readUntilTag(stream, EXS_Unknown, EGL_noChange, DCM_MaxReadLength, stopAt);
    file->format.transferEnd();
    // A buffer stream asks for more data where a file would have ended: the bytes end early.
    if (cond == EC_StreamNotifyClient) cond = EC_EndOfStream;
    if (stop != nullptr) *stop = size_t(stream.tell());
    return admitParsed(file, cond, preamble, opening, err, errlen);
}

} // namespace

extern "C" {


cdcm_file *cdcm_open(const char *path, uint64_t max_bytes, int load_all, cdcm_opening *opening, char *err, size_t errlen) {
    startOpening(opening);
    if (path == nullptr) { fail(err, errlen, "no path"); return nullptr; }
    struct stat st;
    if (stat(path, &st) != 0) { failOpen(opening, CDCM_FAILED_IO, err, errlen, "cannot read file"); return nullptr; }
    if (!S_ISREG(st.st_mode)) { failOpen(opening, CDCM_FAILED_IO, err, errlen, "not a regular file"); return nullptr; }
    if (max_bytes != 0 && uint64_t(st.st_size) > max_bytes) {
        failOpen(opening, CDCM_FAILED_TOO_LARGE, err, errlen, "file is larger than the size limit");
        return nullptr;
    }
    unsigned char head[132];
    size_t headLength = 0;
    if (FILE *fp = std::fopen(path, "rb")) {
        headLength = std::fread(head, 1, sizeof head, fp);
        std::fclose(fp);
    } else {
        failOpen(opening, CDCM_FAILED_IO, err, errlen, "cannot read file");
        return nullptr;
    }
    bool preamble = false;
    if (!looksLikeDICOM(head, headLength, preamble, opening, err, errlen)) return nullptr;

    cdcm_file *file = new cdcm_file;
    OFCondition cond = file->format.loadFile(path, EXS_Unknown, EGL_noChange, DCM_MaxReadLength, ERM_autoDetect);
    if (cond.good() && load_all) {
        // Values longer than DCM_MaxReadLength stay in the file until used; reading them now is
        // the only way to notice a file cut off inside its Pixel Data.
        cond = file->format.loadAllDataIntoMemory();
    }
    return admitParsed(file, cond, preamble, opening, err, errlen);
}

cdcm_file *cdcm_open_memory(const uint8_t *bytes, size_t len, cdcm_opening *opening, char *err, size_t errlen) {
    return readMemory(bytes, len, DCM_UndefinedTagKey, nullptr, opening, err, errlen);
}

cdcm_file *cdcm_open_memory_until_pixels(const uint8_t *bytes, size_t len, size_t *pixel_offset, cdcm_opening *opening,
                                         char *err, size_t errlen) {
    if (pixel_offset != nullptr) *pixel_offset = 0;
    size_t stop = 0;
    cdcm_file *file = readMemory(bytes, len, DCM_PixelData, &stop, opening, err, errlen);
    if (file == nullptr) return nullptr;
    DcmDataset *ds = file->format.getDataset();
    const size_t start = pixelElementStart(bytes, len, stop, ds->getOriginalXfer());
    // A group length of 7FE0 would be recalculated without the value that is not here.
    DcmElement *groupLength = nullptr;
    if (start != 0 && ds->findAndGetElement(DcmTagKey(0x7FE0, 0x0000), groupLength, OFFalse).bad()) {
        file->pixelOffset = start;
        if (pixel_offset != nullptr) *pixel_offset = start;
        return file;
    }
    delete file;
    failOpen(opening, CDCM_FAILED_MALFORMED, err, errlen, "no usable Pixel Data element in the bytes read");
    return nullptr;
}

cdcm_file *cdcm_open_memory_header(const uint8_t *bytes, size_t len, size_t *pixel_offset, cdcm_opening *opening,
                                   char *err, size_t errlen) {
    if (cdcm_file *file = cdcm_open_memory_until_pixels(bytes, len, pixel_offset, opening, err, errlen)) return file;
    return cdcm_open_memory(bytes, len, opening, err, errlen);
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

int cdcm_transfer_syntax_is_encapsulated(cdcm_file *file) {
    return file != nullptr && file->xfer != EXS_Unknown && DcmXfer(file->xfer).isEncapsulated() ? 1 : 0;
}

int cdcm_pixel_data_is_encapsulated(cdcm_file *file) {
    DcmDataset *ds = file == nullptr ? nullptr : file->format.getDataset();
    DcmElement *element = nullptr;
    if (ds == nullptr || ds->findAndGetElement(DCM_PixelData, element, OFFalse).bad() || element == nullptr) return -1;
    auto *pixels = dynamic_cast<DcmPixelData *>(element);
    DcmPixelSequence *items = nullptr;
    // Items read in any syntax are kept as the representation of the syntax they were read in.
    return pixels != nullptr && pixels->getEncapsulatedRepresentation(file->xfer, nullptr, items).good() && items != nullptr ? 1 : 0;
}

int cdcm_save(cdcm_file *file, const char *path, const char *transfer_syntax, char *err, size_t errlen) {
    ShapeChange change(node(file));
    if (path == nullptr) { fail(err, errlen, "no file or path"); return -1; }
    if (file != nullptr && file->pixelOffset != 0) { fail(err, errlen, "the Pixel Data was not read; encode with it instead"); return -1; }
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

int cdcm_encode(cdcm_file *file, const char *transfer_syntax, size_t size_hint, const uint8_t *tail, size_t tail_len,
                uint8_t **out, size_t *outlen, char *err, size_t errlen) {
    ShapeChange change(node(file));
    if (out == nullptr || outlen == nullptr) { fail(err, errlen, "no output"); return -1; }
    *out = nullptr;
    *outlen = 0;
    E_TransferSyntax target = EXS_Unknown;
    if (!prepareWrite(file, transfer_syntax, target, err, errlen)) return -1;
    if (file->pixelOffset != 0 || tail_len > 0) {
        // The stored Pixel Data goes after the dataset as it was: in its own syntax, and last.
        DcmDataset *ds = file->format.getDataset();
        DcmObject *last = ds->card() == 0 ? nullptr : ds->getElement(ds->card() - 1);
        if (file->pixelOffset == 0 || tail == nullptr || tail_len == 0 || target != file->xfer ||
            (last != nullptr && last->getTag() >= DCM_PixelData)) {
            fail(err, errlen, "the stored Pixel Data can only follow the header it was read with, in its transfer syntax");
            return -1;
        }
    }

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
    if (tail_len > 0) {
        if (capacity - used < tail_len) {
            uint8_t *grown = static_cast<uint8_t *>(std::realloc(buffer, used + tail_len));
            if (grown == nullptr) { std::free(buffer); fail(err, errlen, "out of memory for an output"); return -1; }
            buffer = grown;
        }
        std::memcpy(buffer + used, tail, tail_len);
        used += tail_len;
    }
    *out = buffer;
    *outlen = used;
    return 0;
}

int cdcm_copy_range(int in_fd, uint64_t offset, uint64_t length, int out_fd) {
    off_t at = off_t(offset);
    uint64_t left = length;
    // sendfile copies between the two files' page caches inside the kernel; where it is refused
    // (some file systems), the value goes through a buffer.
    while (left > 0) {
        const ssize_t n = sendfile(out_fd, in_fd, &at, size_t(std::min<uint64_t>(left, 1u << 30)));
        if (n > 0) { left -= uint64_t(n); continue; }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0) return EIO; // the source ends early
        if (errno != EINVAL && errno != ENOSYS) return errno;
        std::vector<uint8_t> buffer(std::min<uint64_t>(left, 1u << 20));
        while (left > 0) {
            const ssize_t r = pread(in_fd, buffer.data(), size_t(std::min<uint64_t>(left, buffer.size())), at);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) return r == 0 ? EIO : errno;
            for (ssize_t done = 0; done < r;) {
                const ssize_t w = write(out_fd, buffer.data() + done, size_t(r - done));
                if (w < 0 && errno == EINTR) continue;
                if (w <= 0) return w == 0 ? EIO : errno;
                done += w;
            }
            at += r;
            left -= uint64_t(r);
        }
    }
    return 0;
}

void cdcm_start_writeback(int fd) {
    (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

} // extern "C"
