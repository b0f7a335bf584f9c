// CDCMTK: the extern "C" facade over DCMTK that Engine.DicomFile wraps. Opaque handles, prefixed names.
//
// Conventions: functions returning int return 0 on success and -1 on failure; on failure a one-line
// reason is written into `err` (never a value from the file). Items are borrowed from their file and
// stay valid until the element holding them is removed or the file is closed. Indexes address the
// elements of one item in tag order and shift after a removal or insertion.
#ifndef CDCMTK_H
#define CDCMTK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cdcm_file cdcm_file; // DcmFileFormat
typedef struct cdcm_item cdcm_item; // DcmItem: the dataset, the meta header, or a sequence item

typedef struct {
    uint16_t group;
    uint16_t element;
    char vr[3];         // two letters and NUL, as DCMTK sees the element (UN when unknown)
    uint32_t length;    // value length in bytes as held in memory; 0 for a sequence (count its items)
    int32_t is_sequence; // 1 for SQ
    int32_t is_string;   // 1 for string VRs (AE AS CS DA DS DT IS LO LT PN SH ST TM UC UI UR UT)
} cdcm_element_info;

typedef struct {
    uint32_t rows;
    uint32_t columns;
    uint32_t frames;
    uint16_t samples_per_pixel;
    uint16_t bits_allocated;
    uint16_t bits_stored;
    uint16_t pixel_representation;
    uint16_t planar_configuration;
    char photometric[32];          // PhotometricInterpretation as stored
    uint32_t frame_bytes;          // bytes of one decoded frame
} cdcm_pixel_info;

/// Registers the JPEG, JPEG-LS and RLE decoders and sends DCMTK's log away from stderr.
/// Call once per process before any thread starts; later calls do nothing.
void cdcm_init(void);

// MARK: files

/// Why an open call returned NULL; its message (`err`) says more.
typedef enum {
    /// DCMTK cannot parse the bytes, or they end early.
    CDCM_FAILED_MALFORMED = 0,
    /// No preamble and no data element at the start, or no data elements at all.
    CDCM_FAILED_NOT_DICOM = 1,
    /// The file is larger than `max_bytes`.
    CDCM_FAILED_TOO_LARGE = 2,
    /// The path cannot be read as a regular file.
    CDCM_FAILED_IO = 3,
} cdcm_failure;

/// What an open call tells besides the file: `has_preamble` 1 when the bytes start with the
/// 128-byte preamble and "DICM"; `failure`, when it returned NULL, why.
typedef struct {
    int has_preamble;
    cdcm_failure failure;
} cdcm_opening;

/// Reads a file: with or without preamble and meta header, any transfer syntax DCMTK knows.
/// `max_bytes` refuses larger files before reading (0: no limit).
/// `load_all` 0: values longer than DCMTK's read limit (Pixel Data) stay in the file until used;
/// a file cut off inside such a value is then noticed only when it is read.
cdcm_file *cdcm_open(const char *path, uint64_t max_bytes, int load_all, cdcm_opening *opening, char *err, size_t errlen);
/// Reads a whole file held in memory (`len` bytes), with the checks of cdcm_open; every value is read
/// now, so bytes that end early fail here. The bytes are copied: the caller may free them after.
cdcm_file *cdcm_open_memory(const uint8_t *bytes, size_t len, cdcm_opening *opening, char *err, size_t errlen);
/// Like cdcm_open_memory, but the top-level Pixel Data element is not read when it is the last
/// element of the bytes: `*pixel_offset` receives where its element (tag first) starts, and it is
/// the caller's to append unchanged to what cdcm_encode writes. 0 when the file was read whole
/// (no Pixel Data, a group length for it, or elements after it that a header-only read would lose).
cdcm_file *cdcm_open_memory_header(const uint8_t *bytes, size_t len, size_t *pixel_offset, cdcm_opening *opening,
                                   char *err, size_t errlen);
/// Like cdcm_open_memory_header, but never reads the bytes whole: NULL (with a reason) unless DCMTK
/// stopped at a usable top-level Pixel Data element. For bytes that may be only the start of a
/// file, whose Pixel Data value the caller leaves where it is.
cdcm_file *cdcm_open_memory_until_pixels(const uint8_t *bytes, size_t len, size_t *pixel_offset, cdcm_opening *opening,
                                         char *err, size_t errlen);
/// An empty file with an empty meta header and dataset, for writing new objects (test data).
cdcm_file *cdcm_new(void);
void cdcm_close(cdcm_file *file);
cdcm_item *cdcm_dataset(cdcm_file *file);
cdcm_item *cdcm_meta(cdcm_file *file);
/// The transfer syntax UID the dataset was read in (or will be written in), e.g. "1.2.840.10008.1.2.1".
/// Returns the number of bytes written (without NUL), 0 when unknown.
size_t cdcm_transfer_syntax(cdcm_file *file, char *out, size_t outlen);
/// 1 when that transfer syntax stores Pixel Data encapsulated (compressed frames in items), else 0.
int cdcm_transfer_syntax_is_encapsulated(cdcm_file *file);
/// 1 when the dataset's top-level Pixel Data was read as items (encapsulated), 0 when read as one
/// value, -1 without Pixel Data.
int cdcm_pixel_data_is_encapsulated(cdcm_file *file);

/// Writes the file to `path` (overwriting), in the transfer syntax it was read in, unchanged pixel
/// data representation, with a meta header whose SOP Class / Instance UIDs follow the dataset.
/// `transfer_syntax` NULL keeps the original; otherwise a UID to write in (uncompressed ones only).
int cdcm_save(cdcm_file *file, const char *path, const char *transfer_syntax, char *err, size_t errlen);

/// What cdcm_save would write, as bytes in memory: `*out` malloc'ed (free with cdcm_free), `*outlen`
/// long. `size_hint`: the expected length (the source's), so that the buffer rarely grows.
/// `tail` (`tail_len` bytes) is appended as it is: the Pixel Data element of a file opened with
/// cdcm_open_memory_header, which then can only be written in its own transfer syntax.
int cdcm_encode(cdcm_file *file, const char *transfer_syntax, size_t size_hint, const uint8_t *tail, size_t tail_len,
                uint8_t **out, size_t *outlen, char *err, size_t errlen);

/// Starts the disk write of a file's pages now (Linux sync_file_range), while the next files are
/// worked on, instead of all at once at the batch's sync. A hint: errors show at that sync.
void cdcm_start_writeback(int fd);

/// Appends `length` bytes of `in_fd` from `offset` to `out_fd` (at its position), copied by the
/// kernel (sendfile) where it can. 0, or an errno; EIO when `in_fd` ends first.
int cdcm_copy_range(int in_fd, uint64_t offset, uint64_t length, int out_fd);


// MARK: walking

size_t cdcm_count(cdcm_item *item);
int cdcm_info(cdcm_item *item, size_t index, cdcm_element_info *out);
/// cdcm_info of every element of the item, in order, up to `capacity`; returns how many were written.
size_t cdcm_infos(cdcm_item *item, cdcm_element_info *out, size_t capacity);
/// The element's value as stored (all values joined by backslash, no charset conversion, trailing
/// padding kept). Borrowed, not NUL-terminated: `*out` points into the element's own value and
/// stays valid until the element is changed or its file closed.
int cdcm_string_view(cdcm_item *item, size_t index, const char **out, size_t *len);
/// The element's raw value bytes in memory (little endian for binary VRs). Borrowed: valid until the
/// element changes. Fails for sequences and for compressed pixel data.
int cdcm_get_bytes(cdcm_item *item, size_t index, const uint8_t **out, size_t *len);
size_t cdcm_seq_count(cdcm_item *item, size_t index);
/// The items of the sequence at `index`, in order, into `out` (room for `capacity`); returns how
/// many there are (0 when it is no sequence). One walk along the list: DCMTK's getItem(i) seeks
/// from its start, which made reading a sequence of many items (one per frame) quadratic.
size_t cdcm_seq_items(cdcm_item *item, size_t index, cdcm_item **out, size_t capacity);
/// Index of the element (group, element) in this item (not nested), or -1.
long cdcm_find(cdcm_item *item, uint16_t group, uint16_t element);

// MARK: editing

/// Replaces the value of a string element (the bytes are stored as given).
int cdcm_set_string(cdcm_item *item, size_t index, const char *value, size_t len);
/// Replaces the value of a binary element (OB, OW, UN, ...).
int cdcm_set_bytes(cdcm_item *item, size_t index, const uint8_t *value, size_t len);
/// Makes the element zero length; a sequence loses all its items.
int cdcm_clear(cdcm_item *item, size_t index);
int cdcm_remove(cdcm_item *item, size_t index);
/// Inserts or replaces an element from text: string VRs store the bytes as given; numeric VRs
/// (US, SS, UL, FL, FD, ...) parse backslash-separated numbers. `vr` NULL takes the dictionary's VR.
int cdcm_put_string(cdcm_item *item, uint16_t group, uint16_t element, const char *vr,
                    const char *value, size_t len);
/// Inserts or replaces a binary element (vr e.g. "OB", "OW", "US", "FD"; bytes little endian).
int cdcm_put_bytes(cdcm_item *item, uint16_t group, uint16_t element, const char *vr,
                   const uint8_t *value, size_t len);
/// Appends a new empty item to the sequence (group, element), creating the sequence when missing.
cdcm_item *cdcm_append_item(cdcm_item *item, uint16_t group, uint16_t element);

// MARK: text

/// Converts text stored under a Specific Character Set value (e.g. "ISO_IR 100", "\\ISO 2022 IR 87",
/// "" for the default repertoire) to UTF-8. `*out` malloc'ed; free with cdcm_free. Fails for an
/// unknown character set or bytes that do not convert.
int cdcm_to_utf8(const char *charset, const char *bytes, size_t len, char **out, size_t *outlen,
                 char *err, size_t errlen);

/// Converts every value affected by the dataset's Specific Character Set to UTF-8 and sets it to
/// ISO_IR 192 (DcmItem::convertToUTF8). Fails for a character set DCMTK cannot convert.
/// (Added by the Engine after the first version of this shim.)
int cdcm_convert_dataset_to_utf8(cdcm_file *file, char *err, size_t errlen);

// MARK: pixels

/// Geometry of the dataset's Pixel Data; fails when there is none.
int cdcm_get_pixel_info(cdcm_file *file, cdcm_pixel_info *out, char *err, size_t errlen);
/// Decodes one frame (0-based) into `buffer` (at least frame_bytes long), as native little-endian
/// samples (colour-by-pixel for decoded colour images), without changing the dataset's own Pixel Data.
/// `photometric_out` (32 bytes) receives the photometric interpretation of the decoded samples
/// (a JPEG decoder may turn YBR_FULL_422 into RGB; JPEG 2000's YBR_RCT and YBR_ICT decode to RGB).
/// JPEG 2000 frames are decoded with OpenJPEG, the other compressed ones with DCMTK's decoders.
int cdcm_decode_frame(cdcm_file *file, uint32_t frame, uint8_t *buffer, size_t buflen,
                      char *photometric_out, char *err, size_t errlen);
/// Makes room for new native Pixel Data of the image's geometry (frame_bytes × frames, `*len`),
/// to be written as native little-endian samples, colour-by-pixel, while the dataset's own Pixel
/// Data still decodes. DCMTK owns the room; NULL (with a reason) when it cannot be made.
uint8_t *cdcm_begin_pixels(cdcm_file *file, size_t *len, char *err, size_t errlen);
/// Frees the room of cdcm_begin_pixels without storing it; the Pixel Data stays as it was.
void cdcm_discard_pixels(cdcm_file *file);
/// The start of the room of cdcm_begin_pixels while the file holds it, else NULL: it goes when it
/// is stored or discarded, and when the Pixel Data or an element of its geometry is edited through
/// any of the file's handles (put, set, clear, remove, adopt, block edit).
const uint8_t *cdcm_pixels_room(cdcm_file *file);
/// Puts the pixels written since cdcm_begin_pixels in place of the Pixel Data, dropping every
/// compressed representation with the old element, sets Photometric Interpretation (when given)
/// and Planar Configuration 0, and the transfer syntax to Explicit VR Little Endian.
int cdcm_commit_pixels(cdcm_file *file, const char *photometric, char *err, size_t errlen);

/// A deep copy of the file (meta header, dataset, every pixel representation), for editing apart.
cdcm_file *cdcm_clone(cdcm_file *file);
/// Moves the Pixel Data of `from` into `file`, replacing its own (all its representations go);
/// `from` is left without Pixel Data. Both must have the same transfer syntax.
int cdcm_adopt_pixel_data(cdcm_file *file, cdcm_file *from, char *err, size_t errlen);

// MARK: JPEG baseline in the compressed domain (JPEGBlocks.cpp, libjpeg-turbo)

typedef struct {
    int32_t x, y, width, height;
} cdcm_rect;

/// Sets the 8x8 DCT blocks of every component that meet any of `rects` (image coordinates, inside
/// the image) to the one DC value that decodes as black, AC zero, in every frame of JPEG Baseline
/// (1.2.840.10008.1.2.4.50) Pixel Data, and stores the re-entropy-coded frames as new fragments
/// with a Basic Offset Table, the only representation left. Every other block keeps its
/// coefficients, so it decodes as before. Where chroma is subsampled, the rectangle first grows by
/// the one pixel chroma upsampling blends across a block edge. Per rectangle, `blackened` receives
/// the pixels that decode black (holding the rectangle) and `changed` every pixel whose decoded
/// value may differ (the blocks and the blended pixel beyond them); both `count` long.
/// Returns 0 when done; 1 when this Pixel Data cannot be edited so (progressive, 12-bit,
/// arithmetic, damaged, colour space not the one Photometric Interpretation names...): the reason
/// in `err`, the file unchanged; -1 on failure.
int cdcm_jpeg_redact_blocks(cdcm_file *file, const cdcm_rect *rects, size_t count, cdcm_rect *blackened,
                            cdcm_rect *changed, char *err, size_t errlen);
/// The `changed` rectangles cdcm_jpeg_redact_blocks gives for `rects` on this file, from the first
/// frame's header, editing nothing: what a verifier allows to differ in an output the block edit
/// made. Returns 0, or 1 (reason in `err`) when the file is not JPEG Baseline the edit handles.
int cdcm_jpeg_block_reach(cdcm_file *file, const cdcm_rect *rects, size_t count, cdcm_rect *changed,
                          char *err, size_t errlen);

// MARK: dictionary

/// Looks up a keyword of DCMTK's data dictionary ("Manufacturer", "SeriesDescription") and writes
/// its tag. Returns 0 when found, -1 otherwise.
int cdcm_tag_for_keyword(const char *keyword, uint16_t *group, uint16_t *element);

/// Writes the dictionary keyword of a tag ("PatientName") into out; returns its length, 0 when unknown.
size_t cdcm_keyword_for_tag(uint16_t group, uint16_t element, char *out, size_t len);

// MARK: network (dcmnet)

/// Whom an association goes to, and as whom. AE titles up to 16 characters.
typedef struct {
    const char *host;
    uint16_t port;
    const char *called_aet;
    const char *calling_aet;
    int32_t timeout_seconds; // connection, association and each DIMSE message; 0: 30 s
} cdcm_peer;

/// Per-file results of cdcm_store besides a DIMSE status (0 success, 0xBxxx warning, others refused
/// or failed): the file was not readable as DICOM, the PACS accepted no presentation context for its
/// SOP class and transfer syntax, or it was never sent (the association failed first).
enum { CDCM_STORE_UNREADABLE = -1, CDCM_STORE_NO_CONTEXT = -2, CDCM_STORE_NOT_SENT = -3 };

/// C-ECHO. Returns 0 when the PACS answered, -1 with the reason in `err`.
int cdcm_echo(const cdcm_peer *peer, char *err, size_t errlen);
/// Sends `count` files with C-STORE (DcmStorageSCU: as many associations as the presentation
/// contexts need). Each file is offered in its own transfer syntax (an uncompressed one in any
/// uncompressed syntax); `decode_lossless` 1 also offers uncompressed syntaxes for losslessly
/// compressed files and decodes them when the PACS picks one.
/// `statuses[i]` receives file i's DIMSE status or a CDCM_STORE_ code; `progress` (may be NULL) is
/// called as each file is answered. Returns 0, or -1 when an association failed (the reason in `err`,
/// files not yet sent keep CDCM_STORE_NOT_SENT).
int cdcm_store(const cdcm_peer *peer, const char *const *paths, size_t count, int decode_lossless,
               int32_t *statuses, void (*progress)(void *context, size_t index), void *context,
               char *err, size_t errlen);
/// Study-root C-FIND at IMAGE level, one query per (studies[q], series[q]) on one association: calls
/// `found` with q and the SOP Instance UID of every instance the PACS holds in that series, or only
/// of instances[q] when `instances` and instances[q] are not NULL; with a NULL UID when the PACS cut
/// the list short (status FE00: it caps how many instances one query returns). Returns 0, or -1
/// with the reason in `err`.
int cdcm_find_instances(const cdcm_peer *peer, const char *const *studies, const char *const *series,
                        const char *const *instances, size_t count,
                        void (*found)(void *context, size_t query, const char *sop_instance_uid), void *context,
                        char *err, size_t errlen);

void cdcm_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
