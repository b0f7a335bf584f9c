// ncursesw for the TUI's Curses backend: wide-character API on, and wrappers for what Swift cannot import.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// `stdscr` is a global variable, which Swift 6 rejects as unsafe shared state; macros do not import.
static inline WINDOW *cdcm_stdscr(void) { return stdscr; }
static inline int cdcm_color_pair(int n) { return COLOR_PAIR(n); }
static inline int cdcm_lines(void) { return LINES; }
static inline int cdcm_cols(void) { return COLS; }
static inline int cdcm_colors(void) { return COLORS; }

static inline attr_t cdcm_a_bold(void) { return A_BOLD; }
static inline attr_t cdcm_a_reverse(void) { return A_REVERSE; }
static inline attr_t cdcm_a_dim(void) { return A_DIM; }
static inline attr_t cdcm_a_underline(void) { return A_UNDERLINE; }

static inline mmask_t cdcm_mouse_all(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t cdcm_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cdcm_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t cdcm_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cdcm_report_position(void) { return REPORT_MOUSE_POSITION; }
static inline mmask_t cdcm_button4_pressed(void) { return BUTTON4_PRESSED; }
#ifdef BUTTON5_PRESSED
static inline mmask_t cdcm_button5_pressed(void) { return BUTTON5_PRESSED; }
#else
static inline mmask_t cdcm_button5_pressed(void) { return 0; }
#endif

/// One character cell (a base character and up to four combining marks, `count` of them) with
/// attributes and an extended colour pair at (y, x) of stdscr.
static inline int cdcm_put(int y, int x, const wchar_t *chars, int count, attr_t attrs, int pair) {
    cchar_t cell;
    wchar_t text[CCHARW_MAX + 1];
    int n = count < CCHARW_MAX ? count : CCHARW_MAX;
    for (int i = 0; i < n; i++) text[i] = chars[i];
    text[n] = 0;
    if (setcchar(&cell, text, attrs, 0, &pair) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}
