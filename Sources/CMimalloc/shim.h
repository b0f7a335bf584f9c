// mimalloc's options, as the dcmscrub executable sets them at start (it links mimalloc in place of malloc).
#include <mimalloc.h>
