// FileHandle: the cdcm_file behind the opaque handle, shared by the facade's source files only.
#ifndef CDCMTK_FILEHANDLE_H
#define CDCMTK_FILEHANDLE_H

#include "dcmtk/config/osconfig.h"
#include "dcmtk/dcmdata/dcfilefo.h"
#include "dcmtk/dcmdata/dcxfer.h"

struct cdcm_file {
    DcmFileFormat format;
    // What cdcm_save writes when no syntax is given: the syntax read, or Explicit VR Little Endian
    // once the pixels were replaced (or for a new file).
    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    // Native Pixel Data still as read from a Big Endian file (see cdcm_decode_frame).
    bool bigEndianPixels = false;
};

#endif
