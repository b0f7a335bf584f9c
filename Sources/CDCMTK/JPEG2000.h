// JPEG2000: decodes JPEG 2000 frames of encapsulated Pixel Data with OpenJPEG, for Pixels.cpp only
// (DCMTK has no JPEG 2000 decoder). Internal: not in include/, so Swift never sees it.
#ifndef CDCMTK_JPEG2000_H
#define CDCMTK_JPEG2000_H

#include "CDCMTK.h"

#include <cstdint>
#include <string>

class DcmPixelSequence;

namespace cdcm {

/// Decodes frame `frame` (0-based) of `fragments` (the encapsulated Pixel Data, Basic Offset Table
/// first) into `buffer` (info.frame_bytes long): native little-endian samples, colour-by-pixel, in
/// the container info.bits_allocated names, signed ones sign-extended. `photometric` receives what
/// the samples are (RGB for YBR_RCT and YBR_ICT, whose inverse transform OpenJPEG applies). Returns
/// false with a one-line reason in `error`. The fragments are only read.
bool decodeJPEG2000Frame(DcmPixelSequence *fragments, const cdcm_pixel_info &info, uint32_t frame,
                         uint8_t *buffer, std::string &photometric, std::string &error);

} // namespace cdcm

#endif
