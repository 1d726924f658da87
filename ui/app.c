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

void ui_app_fmt_bytes(char *buf, size_t n, uint64_t v)
{
    if (v < 10000)
        snprintf(buf, n, "%llu B", (unsigned long long)v);
    else if (v < 10000000)
        snprintf(buf, n, "%.1f kB", (double)v / 1000.0);
    else
        snprintf(buf, n, "%.1f MB", (double)v / 1e6);
}

void ui_app_fmt_dur(char *buf, size_t n, int64_t us)
{
    if (us < 0)
        snprintf(buf, n, "-");
    else if (us < 1000)
        snprintf(buf, n, "%lldus", (long long)us);
    else if (us < 1000000)
        snprintf(buf, n, "%.1fms", (double)us / 1000.0);
    else
        snprintf(buf, n, "%.2fs", (double)us / 1e6);
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
    bool focus = a->focus == (int)p;
    int at = ui_app_attr(a, focus ? UI_COLOR_FOCUS : UI_COLOR_TITLE);
    move(r->y, r->x);
    for (int x = 0; x < r->w; x++)
        addch(' ' | at);
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
    int list_h = a->big ? 0 : H / 5 < 4 ? 4 : H / 5 > 12 ? 12 : H / 5;
    a->r_list = (struct rect){1, 0, list_h, W};
    int y = 1 + list_h;
    a->r_steps = (struct rect){y, 0, 1, W};
    y++;
    int rest = H - 3 - y;
    int ex_h = rest * 2 / 5;
    if (ex_h < 5)
        ex_h = 5;
    if (ex_h > 16)
        ex_h = 16;
    int mid_h = rest - ex_h;
    int margin = a->big ? 1 : 0;
    int lw = W * 9 / 20;
    if (lw < 34)
        lw = 34;
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

static int search_key(struct app *a, int ch)
{
    if (ch == 27) {  /* Escape */
        a->searching = false;
    } else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
        a->searching = false;
        if (a->ninput)
            snprintf(a->query, sizeof a->query, "%s", a->input);
        ui_do_search(a);
    } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        if (a->ninput)
            a->input[--a->ninput] = '\0';
    } else if (ch >= 0x20 && ch < 0x100 && a->ninput + 1 < sizeof a->input) {
        a->input[a->ninput++] = (char)ch;
        a->input[a->ninput] = '\0';
    }
    return UI_HANDLED | UI_REDRAW;
}

static int help_key(struct app *a, enum ui_action act, int ch)
{
    if (act == UA_QUIT || act == UA_HELP || ch == 27)
        a->help = false;
    else if (act == UA_DOWN)
        a->help_top++;
    else if (act == UA_UP)
        a->help_top--;
    else if (act == UA_PGDN)
        a->help_top += a->help_page;
    else if (act == UA_PGUP)
        a->help_top -= a->help_page;
    else if (act == UA_HOME)
        a->help_top = 0;
    else if (act == UA_END)
        a->help_top = INT_MAX / 2;  /* the drawing brings it back in range */
    return UI_HANDLED | UI_REDRAW;
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
        a->next_play = now_ms() + a->play_ms;
        break;
    case UA_FASTER:
        a->play_ms = a->play_ms > 500 ? a->play_ms * 2 / 3 : 300;
        snprintf(a->msg, sizeof a->msg, _("autoplay: one stage every %.1f s"), a->play_ms / 1000.0);
        break;
    case UA_SLOWER:
        a->play_ms = a->play_ms < 20000 ? a->play_ms * 3 / 2 : 30000;
        snprintf(a->msg, sizeof a->msg, _("autoplay: one stage every %.1f s"), a->play_ms / 1000.0);
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
        if (a->follow) {
            a->newest_pending = true;
            ui_follow_newest(a);
        }
        snprintf(a->msg, sizeof a->msg, "%s",
                 a->follow ? _("following the newest stage") : _("not following: you keep your place"));
        break;
    case UA_HELP:
        a->help = true;
        a->help_top = 0;
        break;
    case UA_REDRAW:
        clearok(stdscr, TRUE);
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
        return search_key(a, ch);
    if (ch == KEY_MOUSE)
        return mouse(a);
    enum ui_action act = ui_key_action(ch);
    a->msg[0] = '\0';
    /* live: a user who steps keeps their place while traffic arrives */
    if (a->live && a->follow &&
        (act == UA_NEXT_STAGE || act == UA_PREV_STAGE || act == UA_NEXT_X || act == UA_PREV_X ||
         act == UA_FIRST || act == UA_LAST || act == UA_OPEN ||
         (a->focus == PANE_LIST && (act == UA_UP || act == UA_DOWN || act == UA_PGUP ||
                                    act == UA_PGDN || act == UA_HOME || act == UA_END))))
        a->follow = false;
    if (a->playing && act != UA_FASTER && act != UA_SLOWER && act != UA_QUIT) {
        a->playing = false;  /* any key pauses */
        if (act == UA_PLAY)
            return UI_HANDLED | UI_REDRAW;
    }
    if (a->help)
        return help_key(a, act, ch);
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
    (void)sig;
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

static int run(struct app *a)
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
    struct dec_sink sink;
    if (a->live)
        ui_live_sink(a, &sink);
    else
        ui_ix_sink(&a->ix, &sink);
    if (!ui_pass_open(a, &a->main, &sink, NULL, -1, 0, 0, 0))
        return -1;
    relayout(a);
    a->dirty = true;
    int64_t last_draw = 0;
    int fd = a->live ? dec_pipeline_fd(a->main.pipe) : -1;
    while (!ui_stop) {
        struct shown before = shown_now(a);
        bool busy = load_step(a);
        if (busy || !shown_same(before, shown_now(a)))
            a->dirty = true;
        if (a->playing && now_ms() >= a->next_play) {
            ui_next_stage(a, 1);
            a->next_play = now_ms() + a->play_ms;
            a->dirty = true;
        }
        int64_t t = now_ms();
        if (a->dirty && (!busy || t - last_draw >= 100)) {
            draw(a);
            last_draw = t;
        }
        int wait = busy ? 0 : a->playing ? (int)(a->next_play - now_ms()) : 1000;
        if (wait < 0)
            wait = 0;
        if (wait > 1000)
            wait = 1000;
        int ch;
        if (fd >= 0 && !a->main.done && wait > 0) {
            /* live: wake for a key or a packet, whichever comes first */
            struct pollfd pfd[2] = {{STDIN_FILENO, POLLIN, 0}, {fd, POLLIN, 0}};
            poll(pfd, 2, wait);
            timeout(0);
            ch = getch();
        } else {
            timeout(wait);
            ch = getch();
        }
        /* take every key already typed, then draw once */
        int flags = 0;
        while (ch != ERR && !(flags & UI_QUIT)) {
            flags |= key(a, ch);
            timeout(0);
            ch = getch();
        }
        if (flags & UI_QUIT)
            break;
        if (flags & UI_REDRAW)
            a->dirty = true;
    }
    return a->main.failed ? 2 : 0;
}

int ui_run(const struct ui_run_opts *opts)
{
    struct ui_run_opts o = *opts;
    struct app *a = xcalloc(1, sizeof *a);
    the_app = a;
    a->o = &o;
    a->utf8 = teach_i18n_init(o.lang);
    const char *nc = getenv("NO_COLOR");
    char err[TR_ERRBUF_SIZE];
    if (!ui_screen_init(&a->scr, o.mono || (nc && *nc), a->utf8, err)) {
        fprintf(stderr, "httpstep: %s\n", err);
        free(a);
        return 1;
    }
    ui_screen_big(&a->scr, o.big);
    xalloc_set_fatal_hook(fatal_hook);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct ui_pick pick = {0};
    int status = 0;
    if (!o.file && !o.iface) {
        if (!ui_picker(&a->scr, teach_lang_zh(), &ui_stop, &pick)) {
            ui_screen_free();
            xalloc_set_fatal_hook(NULL);
            free(a);
            return 0;
        }
        o.file = pick.file;
        o.iface = pick.iface;
        if (pick.goto_spec && !o.goto_spec)
            o.goto_spec = pick.goto_spec;
    }
    status = run(a);
    ui_screen_free();
    xalloc_set_fatal_hook(NULL);
    if (status != 0)
        fprintf(stderr, "httpstep: %s\n", a->main.err);
    ui_pass_close(&a->detp);
    ui_pass_close(&a->main);
    dec_record_free(&a->filedet);
    dec_record_free(&a->gone);
    ui_live_free(a);
    ui_ix_free(&a->ix);
    tr_sb_free(&a->explain.text);
    free(pick.file);
    free(pick.iface);
    free(pick.goto_spec);
    free(a);
    the_app = NULL;
    if (status < 0)
        return o.iface ? 3 : 2;
    return status;
}
