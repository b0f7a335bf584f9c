// libsixel, as Render's SixelEncoder imports it.
#include <sixel.h>
