// FileHandle: the cdcm_file behind the opaque handle, shared by the facade's source files only.
#ifndef CDCMTK_FILEHANDLE_H
#define CDCMTK_FILEHANDLE_H

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcpixel.h"
#include "dcmtk/dcmdata/dcxfer.h"

#include <atomic>
#include <cstdint>
#include <memory>

// A DcmFileFormat that counts changes to the shape of its lists (elements inserted or removed,
// items added), so that the facade's per-thread element indexes (ElementIndex.cpp) know when one of
// this file's lists may have changed, whatever other files and threads do meanwhile.
struct TrackedFileFormat : DcmFileFormat {
    TrackedFileFormat();
    std::atomic<uint64_t> generation;
    // Native Pixel Data being written (cdcm_begin_pixels) until cdcm_commit_pixels puts it in
    // place of the dataset's own. It lives here, where every handle of the file leads, so that an
    // edit of the Pixel Data or of its geometry through any handle drops it (shim::pixelsEdited):
    // frames decoded before such an edit are not the file's any more.
    std::unique_ptr<DcmPixelData> replacement;
};

struct cdcm_file {
    TrackedFileFormat format;
    // What cdcm_save writes when no syntax is given: the syntax read, or Explicit VR Little Endian
    // once the pixels were replaced (or for a new file).
    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    // Native Pixel Data still as read from a Big Endian file (see cdcm_decode_frame).
    bool bigEndianPixels = false;
    // The top-level Pixel Data was not read (cdcm_open_memory_header): its element starts here in
    // the bytes parsed and runs to their end. 0 when everything was read.
    size_t pixelOffset = 0;
};

#endif
