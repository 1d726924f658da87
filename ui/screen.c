/* screen.c - curses setup, colors by role with a monochrome scheme, glyphs
 * for UTF-8 and ASCII terminals, and clipped wide-character text */
#define _XOPEN_SOURCE_EXTENDED 1
#include "screen.h"
#include "../teach/teach.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

static const struct ui_glyphs utf8_glyphs = {
    "\xe2\x94\x80", "\xe2\x94\x82", "\xe2\x96\xb6", "\xe2\x97\x80", "\xe2\x94\x82",
    " \xe2\x80\xba ", "\xe2\x90\x8d", "\xe2\x90\x8a", "\xe2\x96\x88", "\xe2\x96\x91",
    "\xe2\x80\xa6", "\xe2\x97\x8f",
};
static const struct ui_glyphs ascii_glyphs = {
    "-", "|", ">", "<", "|", " > ", "\\r", "\\n", "#", ":", "~", "*",
};

_Static_assert(UI_COLOR_STREAM_END - UI_COLOR_STREAM0 == TEACH_STREAM_COLOURS,
               "a colour pair per stream colour of teach.h");

/* foreground, background per role; -1 is the terminal's default */
static const short palette[UI_COLOR_COUNT][2] = {
    [UI_COLOR_NORMAL] = {-1, -1},
    [UI_COLOR_TITLE] = {COLOR_BLACK, COLOR_CYAN},
    [UI_COLOR_CLIENT] = {COLOR_CYAN, -1},
    [UI_COLOR_SERVER] = {COLOR_GREEN, -1},
    [UI_COLOR_HIGHLIGHT] = {COLOR_BLACK, COLOR_YELLOW},
    [UI_COLOR_CURRENT] = {COLOR_BLACK, COLOR_YELLOW},
    [UI_COLOR_DONE] = {COLOR_GREEN, -1},
    [UI_COLOR_PENDING] = {COLOR_WHITE, -1},
    [UI_COLOR_NOTE] = {COLOR_RED, -1},
    [UI_COLOR_DIM] = {COLOR_WHITE, -1},
    [UI_COLOR_SELECT] = {COLOR_BLACK, COLOR_WHITE},
    [UI_COLOR_FOCUS] = {COLOR_BLACK, COLOR_YELLOW},
    [UI_COLOR_OK] = {COLOR_GREEN, -1},
    [UI_COLOR_REDIRECT] = {COLOR_CYAN, -1},
    [UI_COLOR_CLIENT_ERR] = {COLOR_YELLOW, -1},
    [UI_COLOR_SERVER_ERR] = {COLOR_RED, -1},
    [UI_COLOR_CRLF] = {COLOR_MAGENTA, -1},
};

/* without colors, attributes carry the roles (htop's monochrome scheme) */
static const int mono_attr[UI_COLOR_COUNT] = {
    [UI_COLOR_NORMAL] = A_NORMAL,
    [UI_COLOR_TITLE] = A_REVERSE,
    [UI_COLOR_CLIENT] = A_NORMAL,
    [UI_COLOR_SERVER] = A_NORMAL,
    [UI_COLOR_HIGHLIGHT] = A_REVERSE,
    [UI_COLOR_CURRENT] = A_REVERSE | A_BOLD,
    [UI_COLOR_DONE] = A_BOLD,
    [UI_COLOR_PENDING] = A_DIM,
    [UI_COLOR_NOTE] = A_BOLD | A_UNDERLINE,
    [UI_COLOR_DIM] = A_DIM,
    [UI_COLOR_SELECT] = A_REVERSE,
    [UI_COLOR_FOCUS] = A_REVERSE | A_BOLD,
    [UI_COLOR_OK] = A_NORMAL,
    [UI_COLOR_REDIRECT] = A_NORMAL,
    [UI_COLOR_CLIENT_ERR] = A_BOLD,
    [UI_COLOR_SERVER_ERR] = A_BOLD,
    [UI_COLOR_CRLF] = A_UNDERLINE,
};

static SCREEN *the_screen;

bool ui_screen_init(struct ui_screen *s, bool mono, bool utf8, char *errbuf)
{
    memset(s, 0, sizeof *s);
    /* newterm, not initscr: a TERM that terminfo does not know is an error
     * of ours to report, where initscr would print its own and exit */
    const char *term = getenv("TERM");
    the_screen = newterm(NULL, stdout, stdin);
    if (!the_screen) {
        snprintf(errbuf, TR_ERRBUF_SIZE,
                 "cannot start the terminal UI: TERM='%s' is not a terminal type this system knows "
                 "(try TERM=xterm-256color, or --text)",
                 term ? term : "");
        return false;
    }
    set_term(the_screen);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    /* Home and End as terminals send them whatever TERM says (xterm, the
     * VT220 style of screen/tmux, rxvt): a TERM that does not match the
     * terminal (xterm-256color inside tmux) must not turn End into Escape */
    static const struct {
        const char *seq;
        int key;
    } extra_keys[] = {
        {"\033[1~", KEY_HOME}, {"\033[7~", KEY_HOME}, {"\033[H", KEY_HOME}, {"\033OH", KEY_HOME},
        {"\033[4~", KEY_END},  {"\033[8~", KEY_END},  {"\033[F", KEY_END},  {"\033OF", KEY_END},
    };
    for (size_t i = 0; i < sizeof extra_keys / sizeof extra_keys[0]; i++)
        if (key_defined(extra_keys[i].seq) == 0)
            define_key(extra_keys[i].seq, extra_keys[i].key);
    curs_set(0);
    set_escdelay(25);
    mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
    s->utf8 = utf8;
    s->g = utf8 ? utf8_glyphs : ascii_glyphs;
    s->color = !mono && has_colors();
    if (s->color) {
        start_color();
        use_default_colors();
        for (int i = 1; i < UI_COLOR_STREAM0; i++)
            init_pair((short)i, palette[i][0], palette[i][1]);
        /* the streams' pairs where the terminal has room for them */
        s->streams = COLOR_PAIRS >= UI_COLOR_COUNT && COLORS >= 8;
        for (int i = 0; i < TEACH_STREAM_COLOURS && s->streams; i++) {
            const struct teach_colour *c = teach_stream_colour(i);
            init_pair((short)(UI_COLOR_STREAM0 + i), c->ansi_fg, c->ansi_bg);
        }
    }
    getmaxyx(stdscr, s->h, s->w);
    return true;
}

void ui_screen_done(void)
{
    if (the_screen && !isendwin()) {
        curs_set(1);
        endwin();
    }
}

void ui_screen_free(void)
{
    ui_screen_done();
    if (the_screen) {
        delscreen(the_screen);
        the_screen = NULL;
    }
}

void ui_screen_leave_terminal(void)
{
    /* The terminal is gone and the UI ends. Its session's leader (the
     * shell), dying of the hang-up, then sends SIGHUP and SIGCONT to the
     * process group it had in the foreground (disassociate_ctty). Out of
     * that group they cannot reach the exit: a late SIGCONT discards the
     * SIGSTOP with which a tracer stops the process, and LeakSanitizer's
     * scan at exit then waits for that stop for ever. Async-signal-safe;
     * setpgid fails harmlessly in a session leader. */
    signal(SIGHUP, SIG_IGN);
    setpgid(0, 0);
}

enum ui_wait ui_screen_wait(int ms, int fd)
{
    struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {fd, POLLIN, 0}};
    int n = poll(p, fd >= 0 ? 2 : 1, ms);
    if (n < 0) {
        if (errno == EINTR)
            return UI_WAIT_TIMEOUT;
        ui_screen_leave_terminal();
        return UI_WAIT_GONE;
    }
    if (n == 0)
        return UI_WAIT_TIMEOUT;
    if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL)) {
        ui_screen_leave_terminal();
        return UI_WAIT_GONE;
    }
    if (p[0].revents & POLLIN) {
        /* readable with nothing to read: the end of input (a closed
         * terminal), where getch would answer ERR at once, for ever */
        int avail = 0;
        if (ioctl(STDIN_FILENO, FIONREAD, &avail) == 0 && avail == 0) {
            ui_screen_leave_terminal();
            return UI_WAIT_GONE;
        }
        return UI_WAIT_KEY;
    }
    return fd >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR)) ? UI_WAIT_FD : UI_WAIT_TIMEOUT;
}

void ui_screen_big(struct ui_screen *s, bool big)
{
    s->big = big;
}

int ui_attr(const struct ui_screen *s, enum ui_color role)
{
    if (!s->color)
        return mono_attr[role];
    int a = COLOR_PAIR(role);
    if (role == UI_COLOR_TITLE || role == UI_COLOR_CURRENT || role == UI_COLOR_FOCUS)
        a |= A_BOLD;
    if (role == UI_COLOR_DIM || role == UI_COLOR_PENDING)
        a |= s->big ? 0 : A_DIM;
    if (s->big && role != UI_COLOR_DIM)
        a |= A_BOLD;  /* projector: high contrast */
    return a;
}

int ui_stream_attr(const struct ui_screen *s, uint32_t stream, enum ui_color other)
{
    int slot = teach_stream_slot(stream);
    if (!s->color || !s->streams || slot < 0)
        return ui_attr(s, other);
    int a = COLOR_PAIR(UI_COLOR_STREAM0 + slot);
    /* blue reads on a dark terminal only bright; the projector: all bold */
    if (s->big || teach_stream_colour(slot)->ansi_fg == COLOR_BLUE)
        a |= A_BOLD;
    return a;
}

int ui_status_attr(const struct ui_screen *s, int status)
{
    switch (status / 100) {
    case 2:
        return ui_attr(s, UI_COLOR_OK);
    case 3:
        return ui_attr(s, UI_COLOR_REDIRECT);
    case 4:
        return ui_attr(s, UI_COLOR_CLIENT_ERR);
    case 5:
        return ui_attr(s, UI_COLOR_SERVER_ERR);
    default:
        return ui_attr(s, UI_COLOR_NORMAL);
    }
}

int ui_put(WINDOW *w, int y, int x, int width, const char *s, int attr)
{
    return ui_putn(w, y, x, width, s, strlen(s), attr);
}

int ui_putn(WINDOW *w, int y, int x, int width, const char *s, size_t n, int attr)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int used = 0;
    wmove(w, y, x);
    while (n > 0 && used < width) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s, n, &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            memset(&st, 0, sizeof st);
            wc = L'?';
            k = 1;
        }
        int cw = wcwidth(wc);
        if (cw < 0) {
            wc = L'?';
            cw = 1;
        }
        if (used + cw > width)
            break;
        cchar_t cc;
        wchar_t str[2] = {wc, 0};
        setcchar(&cc, str, (attr_t)attr & ~A_COLOR, (short)PAIR_NUMBER(attr), NULL);
        wadd_wch(w, &cc);
        used += cw;
        s += k;
        n -= k;
    }
    return used;
}

int ui_width(const char *s)
{
    mbstate_t st;
    memset(&st, 0, sizeof st);
    int used = 0;
    size_t n = strlen(s);
    while (n > 0) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, s, n, &st);
        if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
            memset(&st, 0, sizeof st);
            k = 1;
            used++;
        } else {
            int cw = wcwidth(wc);
            used += cw < 0 ? 1 : cw;
        }
        s += k;
        n -= k;
    }
    return used;
}

void ui_fill(WINDOW *w, int y, int x, int width, const char *glyph, int attr)
{
    for (int i = 0; i < width; i++)
        ui_put(w, y, x + i, 1, glyph ? glyph : " ", attr);
}

/* Word-wrap UTF-8 text into lines of at most w columns. Breaks at spaces
 * when it can, anywhere in a run of wide (CJK) characters. */
/* may a line end after the wide character wc, given what follows? (never
 * before a closing mark such as "，" or "。": teach/ knows the rule) */
static bool break_after(wchar_t wc, const char *next)
{
    wchar_t nc = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    if (*next && mbrtowc(&nc, next, strlen(next), &st) > (size_t)-3)
        nc = 0;
    return teach_break_ok(wc, nc);
}

size_t ui_wrap(const char *s, int w, const char **starts, size_t *lens, size_t max)
{
    size_t n = 0;
    while (*s && n < max) {
        const char *line = s;
        const char *brk = NULL;
        int cols = 0;
        const char *p = s;
        mbstate_t st;
        memset(&st, 0, sizeof st);
        while (*p && *p != '\n') {
            wchar_t wc;
            size_t k = mbrtowc(&wc, p, strlen(p), &st);
            if (k == (size_t)-1 || k == (size_t)-2 || k == 0) {
                memset(&st, 0, sizeof st);
                k = 1;
                wc = L'?';
            }
            int cw = wcwidth(wc);
            if (cw < 0)
                cw = 1;
            if (cols + cw > w)
                break;
            if (*p == ' ')
                brk = p;
            else if (cw == 2 && break_after(wc, p + k))
                brk = p + k;  /* after a wide character, unless punctuation follows */
            cols += cw;
            p += k;
        }
        if (!*p || *p == '\n') {
            starts[n] = line;
            lens[n++] = (size_t)(p - line);
            s = *p ? p + 1 : p;
            continue;
        }
        const char *end = brk && brk > line ? brk : p;
        starts[n] = line;
        lens[n++] = (size_t)(end - line);
        s = end;
        while (*s == ' ')
            s++;
    }
    return n;
}

int ui_put_wrapped(WINDOW *w, int y, int x, int width, int rows, const char *s, int attr)
{
    const char *starts[64];
    size_t lens[64];
    size_t n = ui_wrap(s, width > 1 ? width : 1, starts, lens, 64);
    int k = 0;
    for (; k < rows && (size_t)k < n; k++)
        ui_putn(w, y + k, x, width, starts[k], lens[k], attr);
    return k;
}
