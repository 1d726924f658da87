/* screen.h - private to ui/: the curses screen: colors by role with a
 * monochrome scheme, UTF-8 or ASCII glyphs, and clipped wide-character text
 * (htop CRT.h) */
#ifndef HTTPSTEP_UI_SCREEN_H
#define HTTPSTEP_UI_SCREEN_H

#include <stdbool.h>
#include <curses.h>

#include "../tracer/tracer.h"

enum ui_color {
    UI_COLOR_NORMAL = 0,
    UI_COLOR_TITLE,      /* title bar, pane titles */
    UI_COLOR_CLIENT,     /* what the client sends */
    UI_COLOR_SERVER,     /* what the server sends */
    UI_COLOR_HIGHLIGHT,  /* the current stage's bytes and packets */
    UI_COLOR_CURRENT,    /* the current step */
    UI_COLOR_DONE,       /* steps already taken */
    UI_COLOR_PENDING,    /* steps still to come */
    UI_COLOR_NOTE,       /* retransmissions, gaps, warnings */
    UI_COLOR_DIM,        /* secondary text */
    UI_COLOR_SELECT,     /* the selected row */
    UI_COLOR_FOCUS,      /* the title of the focused pane */
    UI_COLOR_OK,         /* 2xx */
    UI_COLOR_REDIRECT,   /* 3xx */
    UI_COLOR_CLIENT_ERR, /* 4xx */
    UI_COLOR_SERVER_ERR, /* 5xx */
    UI_COLOR_CRLF,       /* CR and LF made visible */
    UI_COLOR_STREAM0,    /* HTTP/2 streams: teach.h's palette, TEACH_STREAM_COLOURS */
    UI_COLOR_STREAM_END = UI_COLOR_STREAM0 + 6,
    UI_COLOR_COUNT = UI_COLOR_STREAM_END
};

struct ui_glyphs {
    const char *hline, *vline, *rarrow, *larrow, *sep, *step_sep, *cr, *lf, *block, *shade,
        *ellipsis, *mark;
};

struct ui_screen {
    bool color;
    bool utf8;
    bool big;           /* projector mode: high contrast */
    bool streams;       /* the HTTP/2 streams' colour pairs are set */
    int w, h;
    struct ui_glyphs g;
};

/* newterm and friends; mono: no colors (NO_COLOR or a terminal without).
 * false with errbuf (TR_ERRBUF_SIZE) when the terminal cannot be used */
bool ui_screen_init(struct ui_screen *s, bool mono, bool utf8, char *errbuf);
/* restore the terminal (safe to call again, and from the fatal hook) */
void ui_screen_done(void);
/* restore it and free the screen */
void ui_screen_free(void);
void ui_screen_big(struct ui_screen *s, bool big);
int ui_attr(const struct ui_screen *s, enum ui_color role);
/* the attribute of an HTTP/2 stream (teach_stream_slot); stream 0, or no
 * colours: that of role `other` (without colours the stream's id, always
 * shown beside it, tells the streams apart) */
int ui_stream_attr(const struct ui_screen *s, uint32_t stream, enum ui_color other);
/* the attribute of a status code's class */
int ui_status_attr(const struct ui_screen *s, int status);
/* Draw UTF-8 text at (y, x), at most `width` columns (wide characters count
 * two); returns the columns used. Control bytes are drawn as '?'. */
int ui_put(WINDOW *w, int y, int x, int width, const char *s, int attr);
/* the same for the first n bytes of s (a line of ui_wrap) */
int ui_putn(WINDOW *w, int y, int x, int width, const char *s, size_t n, int attr);
/* columns the UTF-8 text takes on screen */
int ui_width(const char *s);
/* fill columns with a glyph or spaces */
void ui_fill(WINDOW *w, int y, int x, int width, const char *glyph, int attr);

/* what ended a wait for input */
enum ui_wait {
    UI_WAIT_TIMEOUT = 0,  /* the time passed, or a signal came */
    UI_WAIT_KEY,          /* the terminal has input */
    UI_WAIT_FD,           /* the other descriptor is readable */
    UI_WAIT_GONE          /* the terminal went away: hang-up, an error, end of input */
};
/* Wait up to ms milliseconds for a key, or for fd (unless -1) to be
 * readable. Call it once curses' own queue is empty (getch gave ERR). */
enum ui_wait ui_screen_wait(int ms, int fd);
/* the terminal went away (a hang-up, or input's end): ignore further
 * hang-ups and leave its process group, so that the signals its session
 * sends as it ends do not reach the exit (ui_screen_wait calls it on
 * UI_WAIT_GONE; async-signal-safe, for a SIGHUP handler) */
void ui_screen_leave_terminal(void);

/* Word-wrap UTF-8 text into lines of at most w columns (starts and byte
 * lengths, at most max lines; "\n" breaks). Breaks at spaces when it can,
 * anywhere in a run of wide (CJK) characters. Returns the line count. */
size_t ui_wrap(const char *s, int w, const char **starts, size_t *lens, size_t max);
/* Word-wrapped text at (y, x), `width` columns, at most `rows` lines;
 * returns the lines drawn */
int ui_put_wrapped(WINDOW *w, int y, int x, int width, int rows, const char *s, int attr);

#endif
