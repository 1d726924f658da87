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

const struct rect *app_pane_rect(const struct app *a, enum pane p)
{
    switch (p) {
    case PANE_LIST: return &a->r_list;
    case PANE_LADDER: return &a->r_ladder;
    case PANE_BYTES: return &a->r_bytes;
    default: return &a->r_explain;
    }
}

/* live: the details of the most recent connections, recorded as they happen */
#define LIVE_KEEP 64
#define LIVE_STREAM_CAP (1u << 20)

struct live_rec {
    struct dec_record d;
    int64_t used;               /* when it last changed, for eviction */
};

/* ------------------------------------------------------------ helpers -- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void app_fmt_bytes(char *buf, size_t n, uint64_t v)
{
    if (v < 10000)
        snprintf(buf, n, "%llu B", (unsigned long long)v);
    else if (v < 10000000)
        snprintf(buf, n, "%.1f kB", (double)v / 1000.0);
    else
        snprintf(buf, n, "%.1f MB", (double)v / 1e6);
}

void app_fmt_dur(char *buf, size_t n, int64_t us)
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

void app_fmt_endpoint(char *buf, size_t n, const struct tr_endpoint *e)
{
    char ip[TR_ADDRSTRLEN];
    tr_addr_format(&e->addr, ip);
    snprintf(buf, n, e->addr.family == 6 ? "[%s]:%u" : "%s:%u", ip, e->port);
}

int app_attr(const struct app *a, enum ui_color c)
{
    return ui_attr(&a->scr, c);
}

void app_put(struct app *a, const struct rect *r, int y, int x, const char *s, int at)
{
    (void)a;
    if (y < 0 || y >= r->h || x >= r->w)
        return;
    ui_put(stdscr, r->y + y, r->x + x, r->w - x, s, at);
}

void app_clear(const struct rect *r)
{
    for (int y = 0; y < r->h; y++) {
        move(r->y + y, r->x);
        for (int x = 0; x < r->w; x++)
            addch(' ');
    }
}

void app_pane_title(struct app *a, const struct rect *r, enum pane p, const char *title)
{
    bool focus = a->focus == (int)p;
    int at = app_attr(a, focus ? UI_COLOR_FOCUS : UI_COLOR_TITLE);
    move(r->y, r->x);
    for (int x = 0; x < r->w; x++)
        addch(' ' | at);
    ui_put(stdscr, r->y, r->x + 1, r->w - 2, title, at);
}

/* ------------------------------------------------------------- passes -- */

static void pass_close(struct pass *p)
{
    dec_pipeline_close(p->pipe);
    memset(p, 0, sizeof *p);
}

/* open a pass: the main one (sink: the index; live: and the records), or a
 * detail pass over the connection between only[0] and only[1] from the
 * record at offset (numbered first_frame) to stop_after */
static bool pass_open(struct app *a, struct pass *p, const struct dec_sink *sink,
                      const struct tr_endpoint *only, int64_t offset, uint64_t first_frame,
                      uint64_t stop_after, size_t preview)
{
    const struct ui_run_opts *o = a->o;
    memset(p, 0, sizeof *p);
    struct dec_pipeline_opts po = {
        .file = a->live ? NULL : a->source, .iface = a->live ? o->iface : NULL,
        .filter = o->filter, .ports = o->ports, .nports = o->nports,
        .max_conns = o->max_conns, .max_ooo = o->max_ooo,
        .max_header = o->max_header, .max_headers = o->max_headers, .preview = preview,
        .decode_content = a->live || p != &a->main,  /* the index needs no decoded bodies */
        .only = only, .seek = offset >= 0, .seek_offset = offset, .seek_frame = first_frame,
        .stop_after = stop_after, .after_open = o->after_open, .after_open_ctx = o->after_open_ctx,
    };
    if (dec_pipeline_open(&p->pipe, &po, sink, p->err) != DEC_PIPE_OK) {
        p->pipe = NULL;
        p->failed = p->done = true;
        return false;
    }
    p->open = true;
    return true;
}

/* read for up to budget microseconds; true when something was read */
static bool pass_step(struct pass *p, int64_t budget)
{
    if (!p->open || p->done)
        return false;
    uint64_t n = dec_pipeline_run(p->pipe, budget, p->stop);
    if ((p->stop && *p->stop) || dec_pipeline_done(p->pipe)) {
        /* the end, or a full window: nothing more is kept, no need to finish */
        p->done = true;
        if (dec_pipeline_failed(p->pipe)) {
            p->failed = true;
            snprintf(p->err, sizeof p->err, "%s", dec_pipeline_error(p->pipe));
        }
        return true;
    }
    return n > 0;
}

/* --------------------------------------------------------------- live -- */

static struct dec_record *live_get(struct app *a, uint64_t id, bool create)
{
    for (size_t i = 0; i < a->nrecs; i++)
        if (a->recs[i].d.conn_id == id) {
            a->recs[i].used = now_ms();
            return &a->recs[i].d;
        }
    if (!create)
        return NULL;
    if (!a->recs)
        a->recs = xcalloc(LIVE_KEEP, sizeof *a->recs);
    size_t slot = a->nrecs;
    if (a->nrecs == LIVE_KEEP) {
        /* drop the least recently active one that is not on screen */
        slot = SIZE_MAX;
        for (size_t i = 0; i < a->nrecs; i++)
            if (&a->recs[i].d != a->det && (slot == SIZE_MAX || a->recs[i].used < a->recs[slot].used))
                slot = i;
        dec_record_free(&a->recs[slot].d);
    } else {
        a->nrecs++;
    }
    dec_record_init(&a->recs[slot].d, id);
    a->recs[slot].d.stream_cap = LIVE_STREAM_CAP;
    a->recs[slot].d.rolling = true;
    a->recs[slot].used = now_ms();
    return &a->recs[slot].d;
}

/* every event to the index and to its connection's record */
#define FAN(call, ...)                                                                           \
    do {                                                                                         \
        struct app *a = ctx;                                                                     \
        if (a->ixsink.call)                                                                      \
            a->ixsink.call(a->ixsink.ctx, __VA_ARGS__);                                          \
        struct dec_record *d = c ? live_get(a, c->id, true) : NULL;                               \
        if (d) {                                                                                 \
            struct dec_sink ds_;                                                                 \
            dec_record_sink(d, &ds_);                                                                    \
            if (ds_.call)                                                                        \
                ds_.call(d, __VA_ARGS__);                                                        \
        }                                                                                        \
    } while (0)

static void f_conn(void *ctx, struct dec_conn *c)
{
    FAN(on_conn, c);
}

static void f_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    FAN(on_stage, c, s);
    struct app *app = ctx;
    app->newest_conn = c->id;
    app->newest_pending = true;
}

static void f_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    FAN(on_exchange, c, x);
}

static void f_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    FAN(on_note, c, n);
}

static void f_conn_end(void *ctx, struct dec_conn *c)
{
    FAN(on_conn_end, c);
}

static void f_segment(void *ctx, struct dec_conn *c, const struct tr_seg *s)
{
    FAN(on_segment, c, s);
}

static void f_bytes(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t off,
                    const uint8_t *data, size_t len, uint64_t frame)
{
    FAN(on_bytes, c, dir, off, data, len, frame);
}

static void live_sink(struct app *a, struct dec_sink *out)
{
    ix_sink(&a->ix, &a->ixsink);
    memset(out, 0, sizeof *out);
    out->ctx = a;
    out->on_conn = f_conn;
    out->on_stage = f_stage;
    out->on_exchange = f_exchange;
    out->on_note = f_note;
    out->on_conn_end = f_conn_end;
    out->on_segment = f_segment;
    out->on_bytes = f_bytes;
}

/* ---------------------------------------------------------- selection -- */

struct ui_row *app_row(struct app *a, size_t pos)
{
    if (pos >= a->ix.norder)
        return NULL;
    return &a->ix.rows[a->ix.order[pos]];
}

struct ui_crow *app_row_conn(struct app *a, const struct ui_row *r)
{
    return r ? &a->ix.conns[r->conn] : NULL;
}

/* Make det hold the connection of the selected row, starting a detail pass
 * when it is another one. */
static void load_detail(struct app *a)
{
    struct ui_row *r = app_row(a, a->sel);
    struct ui_crow *c = app_row_conn(a, r);
    if (!c)
        return;
    int64_t x = (r->flags & XR_BARE) ? 0 : (int64_t)r->index;
    struct dec_record *cur = a->det;
    if (c->id == a->det_conn &&
        (a->live || cur->x_hi < 0 || (x >= cur->x_lo && x <= cur->x_hi)))
        return;
    if (a->live) {
        struct dec_record *d = live_get(a, c->id, false);
        a->det = d ? d : &a->gone;
        a->det_trimmed = a->det->trimmed;
        a->det_conn = c->id;
        a->stage = -1;
        dec_record_link(a->det);
        a->dirty = true;
        return;
    }
    pass_close(&a->detp);
    dec_record_free(a->det);
    dec_record_init(a->det, 1);  /* the detail pass sees only this connection: its id is 1 */
    size_t win = a->o->max_ui_exchanges ? a->o->max_ui_exchanges : DEC_REC_WINDOW;
    if (c->nrows > win) {  /* a long connection: the exchanges around this one */
        int64_t lo = x - (int64_t)win / 2 < 0 ? 0 : x - (int64_t)win / 2;
        dec_record_window(a->det, lo, lo + (int64_t)win - 1);
        snprintf(a->msg, sizeof a->msg,
                 _("connection %llu has %u exchanges: the details of %lld to %lld are kept "
                   "(--max-ui-exchanges)"),
                 (unsigned long long)c->id, c->nrows, (long long)lo + 1, (long long)(lo + (int64_t)win));
    }
    a->det_conn = c->id;
    a->stage = -1;
    for (int p = 0; p < PANE_COUNT; p++)
        if (p != PANE_LIST) {
            a->top[p] = 0;
            a->manual[p] = false;
        }
    struct dec_sink sink;
    dec_record_sink(a->det, &sink);
    struct tr_endpoint only[2] = {c->client, c->server};
    size_t preview = a->o->preview ? a->o->preview : DEC_DEFAULT_PREVIEW;
    pass_open(a, &a->detp, &sink, only, c->file_offset, c->first_frame,
              c->ended ? c->last_frame : 0, preview);
    a->detp.stop = &a->det->sealed;
    if (!a->detp.failed) {
        /* small connections load at once, so the first screen is whole */
        pass_step(&a->detp, 200000);
        if (a->detp.done)
            dec_record_link(a->det);
    }
    a->dirty = true;
}

int app_stage_count(const struct app *a)
{
    return (int)a->det->nstgs;
}

/* the exchange a stage belongs to, or the selected row's when none */
int64_t app_stage_exchange(const struct app *a, int k)
{
    if (k < 0 || k >= app_stage_count(a))
        return -1;
    return a->det->stgs[k]->exchange;
}

/* after a stage change: select the row of its exchange */
static void sync_row_to_stage(struct app *a)
{
    int64_t x = app_stage_exchange(a, a->stage);
    struct ui_row *r = app_row(a, a->sel);
    if (x < 0 || !r || (int64_t)r->index == x)
        return;
    for (size_t i = 0; i < a->ix.norder; i++) {
        struct ui_row *q = app_row(a, i);
        if (a->ix.conns[q->conn].id == a->det_conn && (int64_t)q->index == x &&
            !(q->flags & XR_BARE)) {
            a->sel = i;
            return;
        }
    }
}

static void set_stage(struct app *a, int k)
{
    if (k < 0 || k >= app_stage_count(a))
        return;
    a->stage = k;
    a->manual[PANE_LADDER] = a->manual[PANE_BYTES] = false;
    a->top[PANE_EXPLAIN] = 0;
    sync_row_to_stage(a);
    a->dirty = true;
}

/* once the detail has loaded enough, go where we wanted */
static void resolve_want(struct app *a)
{
    if (a->stage >= 0 || a->det->nstgs == 0)
        return;
    int k = -1;
    if (a->want_last) {
        /* the last stage: of want_x, or of the connection */
        bool past = a->det->sealed || a->detp.done;
        for (int i = app_stage_count(a); i-- > 0;)
            if (a->want_x < 0 || a->det->stgs[i]->exchange == a->want_x) {
                if (a->want_x >= 0 && !past && i == app_stage_count(a) - 1)
                    return;  /* more of it may come */
                k = i;
                break;
            }
        if (k < 0 && !past)
            return;
        if (a->want_x < 0 && !past)
            return;
    } else if (a->want_kind >= 0) {
        for (int i = 0; i < app_stage_count(a); i++)
            if ((int)a->det->stgs[i]->kind == a->want_kind &&
                (a->want_x < 0 || a->det->stgs[i]->exchange == a->want_x ||
                 a->det->stgs[i]->exchange < 0)) {
                k = i;
                break;
            }
        if (k < 0 && !a->detp.done)
            return;
    } else if (a->want_x >= 0) {
        k = dec_record_first_stage(a->det, a->want_x);
        if (k < 0 && !a->detp.done)
            return;
    }
    if (k < 0)
        k = 0;
    a->want_kind = -1;
    a->want_x = -1;
    a->want_last = false;
    set_stage(a, k);
}

/* select a row; kind >= 0: go to that stage kind in its exchange */
static void select_row(struct app *a, size_t pos, int kind, bool last)
{
    struct ui_row *r = app_row(a, pos);
    if (!r)
        return;
    a->sel = pos;
    /* last: the connection's last stage (its close) */
    a->want_x = (r->flags & XR_BARE) || last ? -1 : (int64_t)r->index;
    a->want_kind = kind;
    a->want_last = last;
    a->stage = -1;
    load_detail(a);  /* reads anew only for another connection, or outside the window */
    resolve_want(a);
    a->dirty = true;
}

static void next_stage(struct app *a, int dir)
{
    int k = a->stage + dir;
    if (a->stage >= 0 && k >= 0 && k < app_stage_count(a)) {
        set_stage(a, k);
        return;
    }
    if (dir > 0 && !a->detp.done && !a->det->sealed && a->stage >= 0) {
        snprintf(a->msg, sizeof a->msg, "%s", _("still reading this connection..."));
        return;
    }
    /* off the end of a window of a long connection: the exchange past it */
    struct dec_record *d = a->det;
    if (d->x_hi >= 0 && a->stage >= 0 &&
        ((dir > 0 && d->sealed) || (dir < 0 && d->x_lo > 0))) {
        int64_t want = dir > 0 ? d->x_hi + 1 : d->x_lo - 1;
        for (size_t i = 0; i < a->ix.norder; i++) {
            struct ui_row *r = app_row(a, i);
            if (a->ix.conns[r->conn].id == a->det_conn && (int64_t)r->index == want &&
                !(r->flags & XR_BARE)) {
                select_row(a, i, -1, false);
                if (dir < 0) {  /* back: that exchange's last stage */
                    a->stage = -1;
                    a->want_x = want;
                    a->want_last = true;
                    resolve_want(a);
                }
                return;
            }
        }
    }
    /* off the end of the connection: the next (or previous) connection */
    size_t pos = a->sel;
    for (;;) {
        if (dir > 0 ? pos + 1 >= a->ix.norder : pos == 0) {
            snprintf(a->msg, sizeof a->msg, "%s",
                     dir > 0 ? _("this is the last stage") : _("this is the first stage"));
            a->playing = false;
            return;
        }
        pos = dir > 0 ? pos + 1 : pos - 1;
        if (a->ix.conns[app_row(a, pos)->conn].id != a->det_conn)
            break;
    }
    if (dir > 0) {
        select_row(a, pos, DEC_STAGE_HANDSHAKE, false);
        if (a->stage < 0 && a->det->nstgs)
            resolve_want(a);
    } else {
        /* the last stage of the previous connection: its first row */
        uint64_t id = a->ix.conns[app_row(a, pos)->conn].id;
        while (pos > 0 && a->ix.conns[app_row(a, pos - 1)->conn].id == id)
            pos--;
        select_row(a, pos, -1, true);
    }
}

static void next_exchange(struct app *a, int dir)
{
    if (a->ix.norder == 0)
        return;
    if (dir > 0 && a->sel + 1 < a->ix.norder)
        select_row(a, a->sel + 1, -1, false);
    else if (dir < 0 && a->sel > 0)
        select_row(a, a->sel - 1, -1, false);
    else
        snprintf(a->msg, sizeof a->msg, "%s",
                 dir > 0 ? _("this is the last exchange") : _("this is the first exchange"));
}

/* ------------------------------------------------------------- --goto -- */

static void apply_goto(struct app *a)
{
    if (a->goto_done || !a->o->goto_spec)
        return;
    const char *spec = a->o->goto_spec;
    char *end;
    unsigned long n = strtoul(spec, &end, 10);
    int kind = -1;
    long nth = 0;
    if (*end == ',') {
        const char *st = end + 1;
        char *e2;
        nth = strtol(st, &e2, 10);
        if (e2 == st || *e2) {
            nth = 0;
            kind = (int)dec_stage_by_name(st);
            if (kind == DEC_STAGE_COUNT)
                kind = -1;
        }
    }
    if (n == 0)
        n = 1;
    if (a->ix.norder < n) {
        if (a->main.done) {
            snprintf(a->msg, sizeof a->msg, _("--goto: there is no exchange %lu (%zu in all)"), n,
                     a->ix.norder);
            a->goto_done = true;
        }
        return;
    }
    a->goto_done = true;
    select_row(a, n - 1, kind, false);
    if (nth > 0) {
        /* the nth stage of the exchange */
        int64_t x = a->want_x;
        if (!a->detp.done)
            while (pass_step(&a->detp, SLICE_US) && !a->detp.done)
                ;
        dec_record_link(a->det);
        int seen = 0;
        for (int k = 0; k < app_stage_count(a); k++)
            if (a->det->stgs[k]->exchange == x && ++seen == nth) {
                a->want_x = -1;
                set_stage(a, k);
                break;
            }
    }
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

/* ---------------------------------------------------------- the title -- */



/* ----------------------------------------------------------- the list -- */




/* ------------------------------------------------------- the stepper -- */


/* the x of each step's label on the stepper row, for mouse clicks */


/* --------------------------------------------------------- the ladder -- */


/* rows of the ladder: y of each packet, for mouse clicks */


/* ---------------------------------------------------------- the bytes -- */





/* ---------------------------------------------------- the explanation -- */


/* --------------------------------------------------------- the timing -- */



/* ----------------------------------------------- status line and keys -- */




static void draw(struct app *a)
{
    erase();
    if (a->small) {
        const char *m = _("httpstep needs a window of at least 60 x 16: please make it larger.");
        ui_put_wrapped(stdscr, 0, 1, COLS > 4 ? COLS - 2 : 2, LINES, m, app_attr(a, UI_COLOR_NOTE));
        refresh();
        return;
    }
    ui_bar_title(a);
    for (int p = 0; p < PANE_COUNT; p++)
        if (visible(a, (enum pane)p))
            ui_views[p]->draw(a, app_pane_rect(a, (enum pane)p));
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

/* ------------------------------------------------------------- search -- */

/* does wire text hold q, ignoring ASCII case? */
static bool contains_ci(struct dec_str s, const char *q)
{
    size_t n = strlen(q);
    for (size_t i = 0; s.p && i + n <= s.len; i++)
        if (strncasecmp(s.p + i, q, n) == 0)
            return true;
    return false;
}

static bool row_matches(struct app *a, const struct ui_row *r, const char *q)
{
    char st[16];
    snprintf(st, sizeof st, "%u", r->status);
    if (strcasestr(r->method, q) || (r->target && strcasestr(r->target, q)) ||
        (r->status && strcmp(st, q) == 0))
        return true;
    const char *reason = r->status ? teach_status_reason(r->status) : NULL;
    if (reason && strcasestr(reason, q))
        return true;
    /* header names and values: the exchange's details, when they are loaded */
    struct ui_crow *c = &a->ix.conns[r->conn];
    const struct dec_exchange *x = c->id == a->det_conn ? dec_record_x(a->det, r->index) : NULL;
    if (x) {
        const struct dec_msg *m[2] = {x->request, x->response};
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; m[k] && i < m[k]->nheaders; i++)
                if (contains_ci(m[k]->headers[i].name, q) || contains_ci(m[k]->headers[i].value, q))
                    return true;
    }
    return false;
}

/* Search the rows after the selected one (wrapping). Header names and
 * values are searched by reading each candidate connection's details. */
static void do_search(struct app *a)
{
    if (!a->query[0] || a->ix.norder == 0)
        return;
    size_t n = a->ix.norder;
    for (size_t i = 1; i <= n; i++) {
        size_t pos = (a->sel + i) % n;
        struct ui_row *r = app_row(a, pos);
        if (!(r->flags & XR_BARE) &&
            (a->ix.conns[r->conn].id != a->det_conn || !dec_record_x(a->det, (int64_t)r->index))) {
            /* read that connection (or its window with this exchange) to see its headers */
            size_t save = a->sel;
            a->sel = pos;
            load_detail(a);
            while (!a->detp.done && pass_step(&a->detp, SLICE_US))
                ;
            dec_record_link(a->det);
            a->sel = save;
        }
        if (row_matches(a, r, a->query)) {
            select_row(a, pos, -1, false);
            snprintf(a->msg, sizeof a->msg, _("found '%s' in exchange %zu"), a->query, pos + 1);
            return;
        }
    }
    snprintf(a->msg, sizeof a->msg, _("'%s' is not in any exchange"), a->query);
}

/* --------------------------------------------------------------- keys -- */

static void pane_scroll(struct app *a, int delta)
{
    if (a->focus == PANE_LIST) {
        if (delta < 0 && a->sel > 0)
            select_row(a, a->sel - (size_t)(-delta > (int)a->sel ? (int)a->sel : -delta), -1, false);
        else if (delta > 0 && a->sel + 1 < a->ix.norder) {
            size_t to = a->sel + (size_t)delta;
            select_row(a, to >= a->ix.norder ? a->ix.norder - 1 : to, -1, false);
        }
        return;
    }
    a->manual[a->focus] = true;
    a->top[a->focus] += delta;
    if (a->top[a->focus] < 0)
        a->top[a->focus] = 0;
    a->dirty = true;
}

static int page(const struct app *a)
{
    const struct rect *r = a->focus == PANE_LIST     ? &a->r_list
                           : a->focus == PANE_LADDER ? &a->r_ladder
                           : a->focus == PANE_BYTES  ? &a->r_bytes
                                                     : &a->r_explain;
    return r->h > 2 ? r->h - 2 : 1;
}

static bool in_rect(const struct rect *r, int y, int x)
{
    return y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

static void mouse(struct app *a)
{
    MEVENT ev;
    if (getmouse(&ev) != OK)
        return;
    if (ev.bstate & BUTTON4_PRESSED) {
        pane_scroll(a, -3);
        return;
    }
    if (ev.bstate & BUTTON5_PRESSED) {
        pane_scroll(a, 3);
        return;
    }
    if (visible(a, PANE_LIST) && in_rect(&a->r_list, ev.y, ev.x)) {
        a->focus = PANE_LIST;
        int row = ev.y - a->r_list.y - 1;
        if (row >= 0 && a->list_top + (size_t)row < a->ix.norder)
            select_row(a, a->list_top + (size_t)row, -1, false);
    } else if (a->zoom < 0 && ev.y == a->r_steps.y) {
        for (int s = 7; s >= 1; s--)
            if (ev.x >= a->step_x[s]) {
                int64_t x = app_stage_exchange(a, a->stage);
                for (int k = 0; k < app_stage_count(a); k++)
                    if (dec_stage_step(a->det->stgs[k]->kind) == s &&
                        (a->det->stgs[k]->exchange == x || a->det->stgs[k]->exchange < 0 || x < 0)) {
                        set_stage(a, k);
                        break;
                    }
                break;
            }
    } else if (visible(a, PANE_LADDER) && in_rect(&a->r_ladder, ev.y, ev.x)) {
        a->focus = PANE_LADDER;
        int row = ev.y - a->r_ladder.y - 1;
        size_t k = (size_t)a->ladder_top + (size_t)row;
        if (row >= 0 && k < a->det->npkts && a->det->pkts[k].stage >= 0) {
            set_stage(a, a->det->pkts[k].stage);
            a->manual[PANE_LADDER] = true;
        }
    } else if (visible(a, PANE_BYTES) && in_rect(&a->r_bytes, ev.y, ev.x)) {
        a->focus = PANE_BYTES;
    } else if (visible(a, PANE_EXPLAIN) && in_rect(&a->r_explain, ev.y, ev.x)) {
        a->focus = PANE_EXPLAIN;
    }
    a->dirty = true;
}

static bool search_key(struct app *a, int ch)
{
    if (ch == 27) {  /* Escape */
        a->searching = false;
    } else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
        a->searching = false;
        if (a->ninput)
            snprintf(a->query, sizeof a->query, "%s", a->input);
        do_search(a);
    } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        if (a->ninput)
            a->input[--a->ninput] = '\0';
    } else if (ch >= 0x20 && ch < 0x100 && a->ninput + 1 < sizeof a->input) {
        a->input[a->ninput++] = (char)ch;
        a->input[a->ninput] = '\0';
    }
    a->dirty = true;
    return true;
}

static void follow_newest(struct app *a);

/* returns false to quit */
static bool key(struct app *a, int ch)
{
    if (ch == KEY_RESIZE) {
        relayout(a);
        clearok(stdscr, TRUE);
        a->dirty = true;
        return true;
    }
    if (a->searching)
        return search_key(a, ch);
    if (ch == KEY_MOUSE) {
        mouse(a);
        return true;
    }
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
        a->dirty = true;
        if (act == UA_PLAY)
            return true;
    }
    if (a->help) {
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
        a->dirty = true;
        return true;
    }
    switch (act) {
    case UA_NEXT_STAGE:
        next_stage(a, 1);
        break;
    case UA_PREV_STAGE:
        next_stage(a, -1);
        break;
    case UA_NEXT_X:
        next_exchange(a, 1);
        break;
    case UA_PREV_X:
        next_exchange(a, -1);
        break;
    case UA_FIRST:
        select_row(a, 0, DEC_STAGE_HANDSHAKE, false);
        break;
    case UA_LAST:
        if (a->ix.norder)
            select_row(a, a->ix.norder - 1, -1, true);
        break;
    case UA_FOCUS:
        do
            a->focus = (a->focus + 1) % PANE_COUNT;
        while (!visible(a, (enum pane)a->focus));
        break;
    case UA_UP:
        pane_scroll(a, -1);
        break;
    case UA_DOWN:
        pane_scroll(a, 1);
        break;
    case UA_PGUP:
        pane_scroll(a, -page(a));
        break;
    case UA_PGDN:
        pane_scroll(a, page(a));
        break;
    case UA_HOME:
        if (a->focus == PANE_LIST)
            select_row(a, 0, -1, false);
        else {
            a->manual[a->focus] = true;
            a->top[a->focus] = 0;
        }
        break;
    case UA_END:
        if (a->focus == PANE_LIST) {
            if (a->ix.norder)
                select_row(a, a->ix.norder - 1, -1, false);
        } else {
            a->manual[a->focus] = true;
            a->top[a->focus] = 1 << 20;
            if (a->focus == PANE_LADDER)
                a->top[a->focus] = (int)a->det->npkts - page(a);
        }
        break;
    case UA_OPEN:
        select_row(a, a->sel, -1, false);
        a->focus = PANE_EXPLAIN;
        break;
    case UA_SEARCH:
        a->searching = true;
        a->ninput = 0;
        a->input[0] = '\0';
        break;
    case UA_BODY:
        a->bytes_mode = (a->bytes_mode + 1) % BYTES_MODES;
        a->manual[PANE_BYTES] = false;
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
            follow_newest(a);
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
        return false;
    case UA_NONE:
        break;
    }
    a->dirty = true;
    return true;
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

/* the newest stage, for follow mode (live) */
static void follow_newest(struct app *a)
{
    if (!a->newest_pending)
        return;
    a->newest_pending = false;
    struct dec_record *d = live_get(a, a->newest_conn, false);
    if (!d || d->nstgs == 0)
        return;
    if (!a->follow) {
        a->unseen++;
        return;
    }
    a->det = d;
    a->det_trimmed = d->trimmed;
    a->det_conn = a->newest_conn;
    dec_record_link(d);
    a->stage = (int)d->nstgs - 1;
    a->manual[PANE_LADDER] = a->manual[PANE_BYTES] = false;
    int64_t x = d->stgs[a->stage]->exchange;
    ix_sort(&a->ix);
    for (size_t i = a->ix.norder; i-- > 0;) {
        struct ui_row *r = app_row(a, i);
        if (a->ix.conns[r->conn].id == a->newest_conn && (x < 0 || (int64_t)r->index == x)) {
            a->sel = i;
            break;
        }
    }
    a->dirty = true;
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
    dec_record_init(&a->gone, 0);
    struct stat st;
    if (!a->live && stat(o->file, &st) == 0)
        a->file_size = st.st_size;
    ix_init(&a->ix);
    struct dec_sink sink;
    if (a->live)
        live_sink(a, &sink);
    else
        ix_sink(&a->ix, &sink);
    if (!pass_open(a, &a->main, &sink, NULL, -1, 0, 0, 0))
        return -1;
    relayout(a);
    a->dirty = true;
    int64_t last_draw = 0;
    int fd = a->live ? dec_pipeline_fd(a->main.pipe) : -1;
    while (!ui_stop) {
        bool busy = false;
        if (!a->main.done) {
            busy |= pass_step(&a->main, SLICE_US);
            ix_sort(&a->ix);
            if (a->live)
                follow_newest(a);
            else if (a->ix.norder && a->det_conn == 0 && !o->goto_spec)
                select_row(a, 0, DEC_STAGE_HANDSHAKE, false);
            apply_goto(a);
            if (a->main.done && a->main.failed)
                snprintf(a->msg, sizeof a->msg, "%s", a->main.err);
            if (busy || !a->live)
                a->dirty = true;
        } else {
            ix_sort(&a->ix);
            apply_goto(a);
        }
        if (a->detp.open && !a->detp.done) {
            busy |= pass_step(&a->detp, SLICE_US);
            if (a->detp.done)
                dec_record_link(a->det);
            resolve_want(a);
            a->dirty = true;
        }
        if (a->live && a->det != &a->filedet && a->dirty) {
            /* the record dropped its oldest stages: the stage shown moved down */
            uint64_t shift = a->det->trimmed - a->det_trimmed;
            if (shift && a->stage >= 0)
                a->stage = (int64_t)a->stage >= (int64_t)shift ? a->stage - (int)shift : -1;
            a->det_trimmed = a->det->trimmed;
            dec_record_link(a->det);
        }
        if (a->playing && now_ms() >= a->next_play) {
            next_stage(a, 1);
            a->next_play = now_ms() + a->play_ms;
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
        if (ch == ERR)
            continue;
        if (!key(a, ch))
            break;
        /* take every key already typed before drawing again */
        timeout(0);
        while ((ch = getch()) != ERR)
            if (!key(a, ch)) {
                ui_stop = 1;
                break;
            }
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
    if (!ui_screen_init(&a->scr, o.mono || (nc && *nc), a->utf8)) {
        fprintf(stderr, "httpstep: cannot start the terminal UI (TERM=%s)\n",
                getenv("TERM") ? getenv("TERM") : "");
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
        const char *l = getenv("LANGUAGE");
        if (!ui_picker(&a->scr, l && strncmp(l, "zh", 2) == 0, &pick)) {
            ui_screen_done();
            free(a);
            return 0;
        }
        o.file = pick.file;
        o.iface = pick.iface;
        if (pick.goto_spec && !o.goto_spec)
            o.goto_spec = pick.goto_spec;
    }
    status = run(a);
    ui_screen_done();
    xalloc_set_fatal_hook(NULL);
    if (status != 0)
        fprintf(stderr, "httpstep: %s\n", a->main.err);
    pass_close(&a->detp);
    pass_close(&a->main);
    dec_record_free(&a->filedet);
    dec_record_free(&a->gone);
    for (size_t i = 0; i < a->nrecs; i++)
        dec_record_free(&a->recs[i].d);
    free(a->recs);
    ix_free(&a->ix);
    tr_sb_free(&a->text);
    free(pick.file);
    free(pick.iface);
    free(pick.goto_spec);
    free(a);
    the_app = NULL;
    if (status < 0)
        return o.iface ? 3 : 2;
    return status;
}
