// TUI: the ncurses front end (state, update, view; keymaps).
import CNcursesw
import Review
import Render
