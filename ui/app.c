/* app.c - the stepper UI: loading, layout, the panes, keys and the main loop
 *
 * One loop (htop ScreenManager, tig display.c): a slice of capture reading,
 * a slice of detail reading, keys, then one redraw of whatever changed.
 * Nothing blocks: a big file shows its first exchange as soon as it is
 * decoded and goes on loading behind it.
 */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"
#include "keys.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct app *the_app;     /* for the fatal hook */

/* the panes, in the order Tab visits them */
const struct ui_view *const ui_views[PANE_COUNT] = {
    [PANE_LIST] = &ui_view_list,
    [PANE_LADDER] = &ui_view_ladder,
    [PANE_BYTES] = &ui_view_bytes,
    [PANE_EXPLAIN] = &ui_view_explain,
};

const struct rect *ui_app_pane_rect(const struct app *a, enum pane p)
{
    switch (p) {
    case PANE_LIST: return &a->r_list;
    case PANE_LADDER: return &a->r_ladder;
    case PANE_BYTES: return &a->r_bytes;
    default: return &a->r_explain;
    }
}

/* ------------------------------------------------------------ helpers -- */

static bool fmt_utf8;  /* "µs" where the terminal shows UTF-8, else "us" */

/* at most 8 columns: "9999 B", "999.9 kB", "12.3 MB" (never a cut figure) */
void ui_app_fmt_bytes(char *buf, size_t n, uint64_t v)
{
    static const char *const units[] = {"kB", "MB", "GB", "TB", "PB"};
    if (v < 10000) {
        snprintf(buf, n, "%llu B", (unsigned long long)v);
        return;
    }
    double x = (double)v;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        x /= 1000.0;
        if (x < 999.95 || u + 1 == sizeof units / sizeof units[0]) {
            snprintf(buf, n, "%.1f %s", x, units[u]);
            return;
        }
    }
}

/* at most 8 columns: "441µs", "12.3ms", "1.23s", "123s" */
void ui_app_fmt_dur(char *buf, size_t n, int64_t us)
{
    if (us < 0)
        snprintf(buf, n, "-");
    else if (us < 1000)
        snprintf(buf, n, "%lld%s", (long long)us, fmt_utf8 ? "\xc2\xb5s" : "us");
    else if (us < 999950)
        snprintf(buf, n, "%.1fms", (double)us / 1000.0);
    else if (us < 99995000)
        snprintf(buf, n, "%.2fs", (double)us / 1e6);
    else
        snprintf(buf, n, "%.0fs", (double)us / 1e6);
}

/* a count with thousands separators: "1,000,000" (cut like snprintf) */
void ui_app_fmt_count(char *buf, size_t n, uint64_t v)
{
    char digits[32], out[48];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v);
    size_t o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    snprintf(buf, n, "%s", out);
}

void ui_app_fmt_endpoint(char *buf, size_t n, const struct tr_endpoint *e)
{
    char ip[TR_ADDRSTRLEN];
    tr_addr_format(&e->addr, ip);
    snprintf(buf, n, e->addr.family == 6 ? "[%s]:%u" : "%s:%u", ip, e->port);
}

int ui_app_attr(const struct app *a, enum ui_color c)
{
    return ui_attr(&a->scr, c);
}

void ui_app_put(struct app *a, const struct rect *r, int y, int x, const char *s, int at)
{
    (void)a;
    if (y < 0 || y >= r->h || x >= r->w)
        return;
    ui_put(stdscr, r->y + y, r->x + x, r->w - x, s, at);
}

void ui_app_clear(const struct rect *r)
{
    for (int y = 0; y < r->h; y++) {
        move(r->y + y, r->x);
        for (int x = 0; x < r->w; x++)
            addch(' ');
    }
}

void ui_app_pane_title(struct app *a, const struct rect *r, enum pane p, const char *title)
{
    bool focus = a->focus == (int)p && !a->help;
    int at = ui_app_attr(a, focus ? UI_COLOR_FOCUS : UI_COLOR_TITLE);
    move(r->y, r->x);
    for (int x = 0; x < r->w; x++)
        addch(' ' | at);
    /* the focused pane is marked by more than a color (--mono, NO_COLOR) */
    if (focus)
        ui_put(stdscr, r->y, r->x, 1, a->scr.g.rarrow, at);
    ui_put(stdscr, r->y, r->x + 1, r->w - 2, title, at);
}

/* ------------------------------------------------------------- layout -- */

static void relayout(struct app *a)
{
    int W = COLS, H = LINES;
    a->scr.w = W;
    a->scr.h = H;
    a->small = W < 60 || H < 16;
    if (a->small)
        return;
    a->r_title = (struct rect){0, 0, 1, W};
    a->r_footer = (struct rect){H - 1, 0, 1, W};
    a->r_status = (struct rect){H - 2, 0, 1, W};
    a->r_timing = (struct rect){H - 3, 0, 1, W};
    /* the list takes the rows its exchanges need, up to a fifth of the
     * screen; what it does not need goes to the explanation */
    int list_max = a->big ? 0 : H / 5 < 4 ? 4 : H / 5 > 12 ? 12 : H / 5;
    int list_h = list_max;
    if (!a->big && a->ix.norder + 1 < (size_t)list_max)
        list_h = a->ix.norder ? (int)a->ix.norder + 1 : 2;
    a->r_list = (struct rect){1, 0, list_h, W};
    int y = 1 + list_h;
    a->r_steps = (struct rect){y, 0, 1, W};
    y++;
    int rest = H - 3 - y;
    int base = rest - (list_max - list_h);
    int ex_h = base * 2 / 5;
    if (ex_h < 5)
        ex_h = 5;
    if (ex_h > 16)
        ex_h = 16;
    ex_h += list_max - list_h;
    /* a packet's detail: the explanation takes what it needs of the
     * ladder's rows, leaving it four packets */
    if (a->ladder.picked && a->zoom < 0) {
        int need = ui_explain_lines(a, W) + 1;
        int most = rest - 4;
        if (need > ex_h)
            ex_h = need < most ? need : most > ex_h ? most : ex_h;
    }
    int mid_h = rest - ex_h;
    int margin = a->big ? 1 : 0;
    /* half each; from 80 columns the bytes keep 40, a hex row of 8 */
    int lw = W / 2;
    if (W >= 80 && W - lw - 1 < 40)
        lw = W - 41;
    a->r_ladder = (struct rect){y, margin, mid_h, lw - margin};
    a->r_bytes = (struct rect){y, lw + 1, mid_h, W - lw - 1 - margin};
    a->r_explain = (struct rect){y + mid_h, margin, ex_h, W - 2 * margin};
    if (a->zoom >= 0) {
        struct rect all = {1, 0, H - 4, W};
        switch (a->zoom) {
        case PANE_LIST: a->r_list = all; break;
        case PANE_LADDER: a->r_ladder = all; break;
        case PANE_BYTES: a->r_bytes = all; break;
        case PANE_EXPLAIN: a->r_explain = all; break;
        }
    }
}

static bool visible(const struct app *a, enum pane p)
{
    if (a->zoom >= 0)
        return a->zoom == (int)p;
    if (p == PANE_LIST)
        return !a->big;
    return true;
}

static void draw(struct app *a)
{
    relayout(a);  /* the list's rows and a packet's detail change the layout */
    erase();
    if (a->small) {
        const char *m = _("httpstep needs a window of at least 60 x 16: please make it larger.");
        ui_put_wrapped(stdscr, 0, 1, COLS > 4 ? COLS - 2 : 2, LINES, m, ui_app_attr(a, UI_COLOR_NOTE));
        refresh();
        return;
    }
    ui_bar_title(a);
    for (int p = 0; p < PANE_COUNT; p++)
        if (visible(a, (enum pane)p))
            ui_views[p]->draw(a, ui_app_pane_rect(a, (enum pane)p));
    if (a->zoom < 0)
        ui_bar_steps(a);
    ui_bar_timing(a);
    ui_bar_status(a);
    ui_bar_footer(a);
    ui_lab_draw(a);
    if (a->help)
        ui_bar_help(a);
    if (a->searching)
        move(a->r_status.y, a->r_status.x + 1 + ui_width(a->input));
    refresh();
    a->dirty = false;
}

/* ----------------------------------------------------------- scrolling -- */

int ui_app_page(const struct app *a, enum pane p)
{
    const struct rect *r = ui_app_pane_rect(a, p);
    return r->h > 2 ? r->h - 2 : 1;
}

int ui_scroll(struct scroll_state *s, int delta)
{
    s->manual = true;
    s->top += delta;
    if (s->top < 0)
        s->top = 0;
    return UI_HANDLED | UI_REDRAW;
}

/* end_top: the top that shows the pane's end (a view clamps it when it draws) */
int ui_scroll_key(struct app *a, enum pane p, struct scroll_state *s, enum ui_action act,
                  int end_top)
{
    switch (act) {
    case UA_UP:
        return ui_scroll(s, -1);
    case UA_DOWN:
        return ui_scroll(s, 1);
    case UA_PGUP:
        return ui_scroll(s, -ui_app_page(a, p));
    case UA_PGDN:
        return ui_scroll(s, ui_app_page(a, p));
    case UA_HOME:
        s->manual = true;
        s->top = 0;
        return UI_HANDLED | UI_REDRAW;
    case UA_END:
        s->manual = true;
        s->top = end_top;
        return UI_HANDLED | UI_REDRAW;
    default:
        return 0;
    }
}

/* --------------------------------------------------------------- keys -- */

static bool in_rect(const struct rect *r, int y, int x)
{
    return y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

/* a click on the step bar: the first stage of that step in this exchange */
static int click_step(struct app *a, int x)
{
    for (int s = DEC_STEP_MAX; s >= 1; s--)
        if (x >= a->step_x[s]) {
            int64_t xi = ui_stage_exchange(a, a->stage);
            for (int k = 0; k < ui_stage_count(a); k++) {
                const struct dec_stage *g = a->det->stgs[k];
                if (dec_stage_step(g->kind) == s && (g->exchange == xi || g->exchange < 0 || xi < 0)) {
                    ui_set_stage(a, k);
                    break;
                }
            }
            break;
        }
    return UI_HANDLED | UI_REDRAW;
}

/* the mouse: a click focuses the pane under the pointer and lets it act;
 * the wheel scrolls the pane under the pointer */
static int mouse(struct app *a)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return 0;
    if (a->zoom < 0 && ev.y == a->r_steps.y && (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
        return click_step(a, ev.x);
    for (int p = 0; p < PANE_COUNT; p++) {
        const struct rect *r = ui_app_pane_rect(a, (enum pane)p);
        if (!visible(a, (enum pane)p) || !in_rect(r, ev.y, ev.x))
            continue;
        bool wheel = ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED);
        if (!wheel)
            a->focus = p;
        if (ui_views[p]->mouse)
            return ui_views[p]->mouse(a, r, ev.y, ev.x, ev.bstate) | UI_REDRAW;
        return UI_HANDLED | UI_REDRAW;
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* the actions of the whole screen (the focused pane had its turn) */
static int global_key(struct app *a, enum ui_action act)
{
    switch (act) {
    case UA_NEXT_STAGE:
        if (!ui_lab_before_next(a))  /* "what comes next?" asks first */
            ui_next_stage(a, 1);
        break;
    case UA_PREV_STAGE:
        ui_next_stage(a, -1);
        break;
    case UA_NEXT_X:
        ui_next_exchange(a, 1);
        break;
    case UA_PREV_X:
        ui_next_exchange(a, -1);
        break;
    case UA_FIRST:
        ui_select_row(a, 0, DEC_STAGE_HANDSHAKE, false);
        break;
    case UA_LAST:
        if (a->ix.norder)
            ui_select_row(a, a->ix.norder - 1, -1, true);
        break;
    case UA_FOCUS:
        do
            a->focus = (a->focus + 1) % PANE_COUNT;
        while (!visible(a, (enum pane)a->focus));
        break;
    case UA_OPEN:
        ui_select_row(a, a->sel, -1, false);
        a->focus = PANE_EXPLAIN;
        break;
    case UA_SEARCH:
        a->searching = true;
        a->ninput = 0;
        a->input[0] = '\0';
        break;
    case UA_BODY:
        a->bytes.mode = (a->bytes.mode + 1) % BYTES_MODES;
        a->bytes.s.manual = false;
        break;
    case UA_PLAY:
        a->playing = true;
        a->play_arm = true;
        break;
    case UA_FASTER:
        a->play_ms = a->play_ms > 500 ? a->play_ms * 2 / 3 : 300;
        snprintf(a->msg, sizeof a->msg, _("autoplay: at least %.1f s a page, longer for a long text"),
                 a->play_ms / 1000.0);
        break;
    case UA_SLOWER:
        a->play_ms = a->play_ms < 20000 ? a->play_ms * 3 / 2 : 30000;
        snprintf(a->msg, sizeof a->msg, _("autoplay: at least %.1f s a page, longer for a long text"),
                 a->play_ms / 1000.0);
        break;
    case UA_ZOOM:
        a->zoom = a->zoom >= 0 ? -1 : a->focus;
        relayout(a);
        break;
    case UA_BIG:
        a->big = !a->big;
        ui_screen_big(&a->scr, a->big);
        if (a->big && a->focus == PANE_LIST)
            a->focus = PANE_EXPLAIN;
        relayout(a);
        break;
    case UA_FOLLOW:
        if (!a->live) {
            snprintf(a->msg, sizeof a->msg, "%s", _("follow is for live captures (-i)"));
            break;
        }
        a->follow = !a->follow;
        a->unseen = 0;
        a->unseen_base = a->arrived;
        if (a->follow) {
            a->newest_pending = true;
            ui_follow_newest(a);
        }
        snprintf(a->msg, sizeof a->msg, "%s",
                 a->follow ? _("following the newest stage") : _("not following: you keep your place"));
        break;
    case UA_LAB:
        ui_lab_open(a);
        break;
    case UA_LAB_NEXT:
        ui_lab_next_toggle(a);
        break;
    case UA_LESSON:
        ui_lesson_open(a);
        break;
    case UA_EXPORT:
        ui_export_exchange(a);
        break;
    case UA_HELP:
        a->help = true;
        a->help_top = 0;
        break;
    case UA_REDRAW:
        clearok(stdscr, TRUE);
        break;
    case UA_BACK:
        if (a->srch.active) {
            ui_search_stop(a);
            snprintf(a->msg, sizeof a->msg, "%s", _("search stopped: you are where you were"));
        }
        a->ladder.picked = 0;
        a->hl_search = false;
        break;
    case UA_QUIT:
        return UI_HANDLED | UI_QUIT;
    default:
        return 0;
    }
    return UI_HANDLED | UI_REDRAW;
}

/* One key: to the search line, the help, the focused pane, then the
 * screen's own actions. Returns UI_* flags. */
static int key(struct app *a, int ch)
{
    if (ch == KEY_RESIZE) {
        relayout(a);
        clearok(stdscr, TRUE);
        return UI_HANDLED | UI_REDRAW;
    }
    if (a->searching)
        return ui_search_key(a, ch);
    if (ui_lab_active(a) && !a->help) {
        int f = ui_lab_key(a, ch);  /* 0: a lesson with nothing to type into */
        if (f)
            return f;
    }
    if (ch == KEY_MOUSE)
        return mouse(a);
    enum ui_action act = ui_key_action(ch);
    if (!a->srch.active)
        a->msg[0] = '\0';
    /* live: a user who steps keeps their place while traffic arrives */
    if (a->live && a->follow &&
        (act == UA_NEXT_STAGE || act == UA_PREV_STAGE || act == UA_NEXT_X || act == UA_PREV_X ||
         act == UA_FIRST || act == UA_LAST || act == UA_OPEN ||
         (a->focus == PANE_LIST && (act == UA_UP || act == UA_DOWN || act == UA_PGUP ||
                                    act == UA_PGDN || act == UA_HOME || act == UA_END)))) {
        a->follow = false;
        a->unseen_base = a->arrived;
        a->unseen = 0;
    }
    if (a->playing && act != UA_FASTER && act != UA_SLOWER && act != UA_QUIT) {
        a->playing = false;  /* any key pauses */
        if (act == UA_PLAY)
            return UI_HANDLED | UI_REDRAW;
    }
    if (a->help)
        return ui_help_key(a, act, ch);
    const struct ui_view *v = ui_views[a->focus];
    int f = v->key ? v->key(a, act) : 0;
    if (f & UI_HANDLED)
        return f;
    return global_key(a, act) | UI_REDRAW;
}

/* --------------------------------------------------------------- main -- */

static void fatal_hook(void)
{
    ui_screen_done();
}

static volatile sig_atomic_t ui_stop;

static void on_signal(int sig)
{
    if (sig == SIGHUP)  /* the terminal is gone: the UI ends */
        ui_screen_leave_terminal();
    ui_stop = 1;
}

/* what the screen shows, to tell whether something changed under it */
struct shown {
    int stage;
    size_t sel, rows;
    const struct dec_record *det;
    size_t nstgs;
};

static struct shown shown_now(const struct app *a)
{
    return (struct shown){a->stage, a->sel, a->ix.norder, a->det, a->det->nstgs};
}

static bool shown_same(struct shown x, struct shown y)
{
    return x.stage == y.stage && x.sel == y.sel && x.rows == y.rows && x.det == y.det &&
           x.nstgs == y.nstgs;
}

/* reading: a slice of the capture, a slice of the details; true when busy */
static bool load_step(struct app *a)
{
    const struct ui_run_opts *o = a->o;
    bool busy = false;
    if (!a->main.done) {
        busy |= ui_pass_step(&a->main, SLICE_US);
        ui_ix_sort(&a->ix);
        if (a->live && a->ix.nrows > LIVE_ROWS) {  /* memory bounded: the oldest half goes */
            size_t pos = a->sel;
            if (a->srch.active) {
                ui_search_stop(a);
                snprintf(a->msg, sizeof a->msg, "%s",
                         _("search stopped: the live list let its oldest exchanges go"));
            }
            ui_ix_drop_oldest(&a->ix, a->ix.nrows - LIVE_ROWS / 2, &pos);
            a->sel = pos == SIZE_MAX ? 0 : pos;
            a->list.top = a->sel;
        }
        if (a->live)
            ui_follow_newest(a);
        else if (a->ix.norder && a->det_conn == 0 && !o->goto_spec)
            ui_select_row(a, 0, DEC_STAGE_HANDSHAKE, false);
        ui_apply_goto(a);
        if (a->main.done && a->main.failed)
            snprintf(a->msg, sizeof a->msg, "%s", a->main.err);
    } else {
        ui_ix_sort(&a->ix);
        ui_apply_goto(a);
    }
    if (a->detp.open && !a->detp.done) {
        busy |= ui_pass_step(&a->detp, SLICE_US);
        if (a->detp.done)
            dec_record_link(a->det);
        ui_resolve_want(a);
    }
    ui_live_sync(a);
    return busy;
}

/* autoplay: the time to read what the explanation shows, at least one
 * step of autoplay (25 columns a second at the default speed; + and -
 * scale it) */
static int64_t reading_ms(const struct app *a)
{
    if (!visible(a, PANE_EXPLAIN))
        return a->play_ms;
    int64_t ms = (int64_t)a->explain.page_cols * 40 * a->play_ms / PLAY_DEFAULT_MS;
    return ms > a->play_ms ? ms : a->play_ms;
}

/* autoplay's next step: the rest of a long explanation a page at a time,
 * then the next stage */
static void play_step(struct app *a)
{
    struct explain_state *e = &a->explain;
    if (visible(a, PANE_EXPLAIN) && e->rows > 0 && e->s.top + e->rows < e->lines) {
        e->s.top += e->rows > 1 ? e->rows - 1 : 1;
        e->s.manual = true;
    } else {
        ui_next_stage(a, 1);
    }
    a->play_arm = true;  /* timed once drawn */
    a->dirty = true;
}

static void app_init(struct app *a)
{
    const struct ui_run_opts *o = a->o;
    a->source = o->file;
    a->live = o->iface != NULL && o->file == NULL;
    a->follow = a->live;
    a->stage = -1;
    a->want_x = -1;
    a->want_kind = -1;
    a->zoom = -1;
    a->focus = PANE_LIST;
    a->play_ms = PLAY_DEFAULT_MS;
    a->big = o->big;
    a->det = &a->filedet;
    a->explain.stage = -1;
    dec_record_init(&a->gone, 0);
    struct stat st;
    if (!a->live && stat(o->file, &st) == 0)
        a->file_size = st.st_size;
    ui_ix_init(&a->ix);
}

/* open the main pass: the index (live: and the records) */
static bool open_main(struct app *a)
{
    struct dec_sink sink;
    if (a->live)
        ui_live_sink(a, &sink);
    else
        ui_ix_sink(&a->ix, &sink);
    return ui_pass_open(a, &a->main, &sink, NULL, -1, 0, 0, 0);
}

/* --goto X on a file: read until exchange X is in the list, before the
 * screen opens, so that a capture with fewer is a one-line error */
static bool goto_check(struct app *a, char *err)
{
    const char *spec = a->o->goto_spec;
    if (!spec || a->live)
        return true;
    unsigned long n = strtoul(spec, NULL, 10);
    while (a->ix.norder < n && !a->main.done && !ui_stop) {
        ui_pass_step(&a->main, 100000);
        ui_ix_sort(&a->ix);
    }
    if (a->ix.norder >= n || ui_stop)
        return true;
    snprintf(err, TR_ERRBUF_SIZE, "--goto %lu: '%s' has %zu exchange%s (1 to %zu)", n, a->o->file,
             a->ix.norder, a->ix.norder == 1 ? "" : "s", a->ix.norder);
    if (a->ix.norder == 0)
        snprintf(err, TR_ERRBUF_SIZE, "--goto %lu: '%s' has no HTTP exchange", n, a->o->file);
    return false;
}

/* draw, and time autoplay's next step from when its text is on screen;
 * returns the time drawn (ms) */
static int64_t draw_timed(struct app *a)
{
    draw(a);
    int64_t t = now_ms();
    if (a->play_arm) {
        a->next_play = t + reading_ms(a);
        a->play_arm = false;
    }
    return t;
}

/* a lesson goes to its places by the list's numbers: the whole list first */
static void read_all(struct app *a)
{
    while (!a->main.done && !ui_stop) {
        ui_pass_step(&a->main, 100000);
        ui_ix_sort(&a->ix);
    }
}

/* a sample's lesson, read and checked against its capture; NULL (and the
 * one-line error in a->msg) when it has a mistake */
static struct teach_lesson *sample_lesson(struct app *a, const char *path)
{
    const struct ui_run_opts *o = a->o;
    struct dec_pipeline_opts po = {
        .filter = o->filter, .ports = o->ports, .nports = o->nports,
        .max_conns = o->max_conns, .max_ooo = o->max_ooo, .max_header = o->max_header,
        .max_headers = o->max_headers,
    };
    char err[2 * TR_ERRBUF_SIZE];
    struct teach_lesson *ls = teach_lesson_load(path, &po, err, sizeof err);
    if (!ls)
        snprintf(a->msg, sizeof a->msg, "%.500s", err);
    return ls;
}

static int run(struct app *a)
{
    if (!a->main.open && !open_main(a))
        return -1;
    relayout(a);
    a->dirty = true;
    int64_t last_draw = 0;
    int fd = a->live ? dec_pipeline_fd(a->main.pipe) : -1;
    while (!ui_stop) {
        struct shown before = shown_now(a);
        bool busy = load_step(a);
        busy |= ui_search_step(a, SLICE_US);
        if (busy || !shown_same(before, shown_now(a)))
            a->dirty = true;
        if (a->playing && !a->play_arm && now_ms() >= a->next_play)
            play_step(a);
        int64_t t = now_ms();
        if (a->dirty && (!busy || t - last_draw >= 100))
            last_draw = draw_timed(a);
        int wait = busy || a->dirty ? 0 : a->playing ? (int)(a->next_play - now_ms()) : 1000;
        if (wait < 0)
            wait = 0;
        if (wait > 1000)
            wait = 1000;
        /* wake for a key, or live for a packet, whichever comes first */
        enum ui_wait w = ui_screen_wait(wait, fd >= 0 && !a->main.done ? fd : -1);
        if (w == UI_WAIT_GONE)
            break;  /* the terminal went away: nobody is left to answer */
        timeout(0);
        int ch = getch();
        /* take every key already typed, then draw once */
        int flags = 0;
        while (ch != ERR && !(flags & UI_QUIT)) {
            flags |= key(a, ch);
            ch = getch();
        }
        if (flags & UI_QUIT)
            break;
        if (flags & UI_REDRAW)  /* answer the key at once, before reading more */
            last_draw = draw_timed(a);
    }
    return a->main.failed ? 2 : 0;
}

static void catch_signals(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* a hang-up (the terminal closed) ends the UI, unless it was ignored
     * on purpose (nohup): then the end of input does */
    sigaction(SIGHUP, NULL, &old);
    if (old.sa_handler != SIG_IGN)
        sigaction(SIGHUP, &sa, NULL);
}

static void app_free(struct app *a)
{
    ui_search_stop(a);
    ui_pass_close(&a->detp);
    ui_pass_close(&a->main);
    dec_record_free(&a->filedet);
    dec_record_free(&a->gone);
    ui_live_free(a);
    ui_ix_free(&a->ix);
    tr_sb_free(&a->explain.text);
    ui_lab_free(a);
}

int ui_run(const struct ui_run_opts *opts)
{
    struct ui_run_opts o = *opts;
    struct app *a = tr_xcalloc(1, sizeof *a);
    the_app = a;
    a->o = &o;
    a->utf8 = teach_i18n_init(o.lang);
    fmt_utf8 = a->utf8;
    catch_signals();
    char err[TR_ERRBUF_SIZE];
    if (o.file || o.iface) {
        /* the capture first: its errors are one line, before any screen */
        app_init(a);
        if (!open_main(a) || !goto_check(a, err)) {
            fprintf(stderr, "httpstep: %s\n", a->main.open ? err : a->main.err);
            int code = a->main.open ? 1 : o.iface && !o.file ? 3 : 2;
            app_free(a);
            free(a);
            the_app = NULL;
            return code;
        }
    }
    const char *nc = getenv("NO_COLOR");
    if (!ui_screen_init(&a->scr, o.mono || (nc && *nc), a->utf8, err)) {
        fprintf(stderr, "httpstep: %s\n", err);
        app_free(a);
        free(a);
        return 1;
    }
    ui_screen_big(&a->scr, o.big);
    tr_xalloc_set_fatal_hook(fatal_hook);
    struct ui_pick pick = {.port = o.nports ? o.ports[0] : 80, .filter = o.filter};
    struct teach_lesson *own_lesson = NULL;  /* a sample's, read here */
    int status = 0;
    if (!o.file && !o.iface) {
        if (!ui_picker(&a->scr, &ui_stop, &pick)) {
            ui_screen_free();
            tr_xalloc_set_fatal_hook(NULL);
            free(a);
            return 0;
        }
        o.file = pick.file;
        o.iface = pick.iface;
        if (pick.iface && !o.filter && pick.port) {
            o.ports = &pick.port;
            o.nports = 1;
        }
        if (pick.goto_spec && !o.goto_spec)
            o.goto_spec = pick.goto_spec;
        app_init(a);
        if (pick.lesson && pick.file)
            own_lesson = sample_lesson(a, pick.lesson);
    }
    const struct teach_lesson *lesson = o.lesson ? o.lesson : own_lesson;
    if (lesson && a->main.open) {
        read_all(a);
    } else if (lesson) {
        if (open_main(a))
            read_all(a);
    }
    if (lesson) {
        if (a->ix.norder && a->det_conn == 0)  /* the capture's first stage, under the intro */
            ui_select_row(a, 0, DEC_STAGE_HANDSHAKE, false);
        ui_lesson_start(a, lesson);
    }
    status = run(a);
    ui_screen_free();
    tr_xalloc_set_fatal_hook(NULL);
    if (status != 0)
        fprintf(stderr, "httpstep: %s\n", a->main.err);
    app_free(a);
    free(pick.file);
    free(pick.iface);
    free(pick.goto_spec);
    free(pick.lesson);
    teach_lesson_free(own_lesson);
    free(a);
    the_app = NULL;
    if (status < 0)
        return o.iface ? 3 : 2;
    return status;
}
