// ncursesw for the TUI's Curses backend: wide-character API on, and wrappers for what Swift cannot import.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

// `stdscr` is a global variable, which Swift 6 rejects as unsafe shared state; macros do not import.
static inline WINDOW *cdcm_stdscr(void) { return stdscr; }
static inline int cdcm_color_pair(int n) { return COLOR_PAIR(n); }
