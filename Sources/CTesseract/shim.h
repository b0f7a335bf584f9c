// Tesseract's C API and Leptonica, as Engine's OCR wrapper imports them.
#include <tesseract/capi.h>
#include <leptonica/allheaders.h>
