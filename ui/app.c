/* app.c - the stepper UI: loading, layout, the panes, keys and the main loop
 *
 * One loop (htop ScreenManager, tig display.c): a slice of capture reading,
 * a slice of detail reading, keys, then one redraw of whatever changed.
 * Nothing blocks: a big file shows its first exchange as soon as it is
 * decoded and goes on loading behind it.
 */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "app.h"
#include "i18n.h"
#include "keys.h"
#include "screen.h"

#include <ctype.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum pane { PANE_LIST, PANE_LADDER, PANE_BYTES, PANE_EXPLAIN, PANE_COUNT };
enum bytes_mode { BYTES_HEX, BYTES_TEXT, BYTES_DECODED, BYTES_MODES };

#define SLICE_US 15000      /* reading per loop turn, so keys answer at once */
#define PLAY_DEFAULT_MS 2500

struct rect {
    int y, x, h, w;
};

/* a tracer and a decoder reading a capture */
struct pass {
    struct tr_capture *cap;
    struct tr_rereader *rr;     /* frames read back, for retransmissions */
    struct tr_table *t;
    struct dec_decoder *dec;
    uint64_t stop_after;        /* the last frame to read, 0: to the end */
    bool open, done, failed;
    char err[TR_ERRBUF_SIZE];
};

struct app {
    const struct ui_run_opts *o;
    struct ui_screen scr;
    bool utf8;
    const char *source;
    off_t file_size;
    /* the index, from the main pass */
    struct ui_index ix;
    struct pass main;
    /* the details of one connection, from a detail pass */
    struct ui_detail *det;      /* the shown connection: &filedet, or live's record */
    struct ui_detail filedet;
    struct pass detp;
    uint64_t det_conn;          /* the real id of the connection in det, 0 none */
    unsigned det_gen;           /* changes when det is read anew */
    int stage;                  /* in det.stgs, -1 none */
    int64_t want_x;             /* once loaded, go to this exchange's first stage ... */
    int want_kind;              /* ... or to the first stage of this kind, -1 */
    bool want_last;             /* ... or to the last stage */
    /* the list */
    size_t sel, list_top;
    bool goto_done;
    /* panes */
    int focus, zoom;
    int top[PANE_COUNT];
    bool manual[PANE_COUNT];    /* scrolled by hand: do not follow the stage */
    int bytes_mode;
    bool help;
    int help_top;
    bool big;
    bool playing;
    int play_ms;
    int64_t next_play;
    bool searching;
    char input[128];
    size_t ninput;
    char query[128];
    char msg[TR_ERRBUF_SIZE];
    /* live */
    bool live;
    bool follow;                /* show the newest stage as it arrives */
    uint64_t unseen;            /* stages that arrived while not following */
    uint64_t newest_conn;       /* the connection of the newest stage */
    bool newest_pending;
    struct dec_sink ixsink;
    struct live_rec *recs;      /* the details of recent connections */
    size_t nrecs;
    struct ui_detail gone;      /* shown for a connection whose details were dropped */
    struct rect r_title, r_list, r_steps, r_ladder, r_bytes, r_explain, r_timing, r_status,
        r_footer;
    bool small;                 /* the window is too small */
    bool dirty;
    struct sbuf text;
};

static struct app *the_app;     /* for the fatal hook */

/* live: the details of the most recent connections, recorded as they happen */
#define LIVE_KEEP 256
#define LIVE_STREAM_CAP (1u << 20)

struct live_rec {
    struct ui_detail d;
    int64_t used;               /* when it last changed, for eviction */
};

/* ------------------------------------------------------------ helpers -- */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void fmt_bytes(char *buf, size_t n, uint64_t v)
{
    if (v < 10000)
        snprintf(buf, n, "%llu B", (unsigned long long)v);
    else if (v < 10000000)
        snprintf(buf, n, "%.1f kB", (double)v / 1000.0);
    else
        snprintf(buf, n, "%.1f MB", (double)v / 1e6);
}

static void fmt_dur(char *buf, size_t n, int64_t us)
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

static void fmt_endpoint(char *buf, size_t n, const struct tr_endpoint *e)
{
    char ip[TR_ADDRSTRLEN];
    tr_addr_format(&e->addr, ip);
    snprintf(buf, n, e->addr.family == 6 ? "[%s]:%u" : "%s:%u", ip, e->port);
}

static int attr(const struct app *a, enum ui_color c)
{
    return ui_attr(&a->scr, c);
}

static void put(struct app *a, const struct rect *r, int y, int x, const char *s, int at)
{
    (void)a;
    if (y < 0 || y >= r->h || x >= r->w)
        return;
    ui_put(stdscr, r->y + y, r->x + x, r->w - x, s, at);
}

static void clear_rect(const struct rect *r)
{
    for (int y = 0; y < r->h; y++) {
        move(r->y + y, r->x);
        for (int x = 0; x < r->w; x++)
            addch(' ');
    }
}

static void pane_title(struct app *a, const struct rect *r, enum pane p, const char *title)
{
    bool focus = a->focus == (int)p;
    int at = attr(a, focus ? UI_COLOR_FOCUS : UI_COLOR_TITLE);
    move(r->y, r->x);
    for (int x = 0; x < r->w; x++)
        addch(' ' | at);
    ui_put(stdscr, r->y, r->x + 1, r->w - 2, title, at);
}

/* ------------------------------------------------------------- passes -- */

static void pass_close(struct pass *p)
{
    tr_rereader_free(p->rr);
    tr_table_free(p->t);
    dec_free(p->dec);
    tr_capture_close(p->cap);
    memset(p, 0, sizeof *p);
}

static bool pass_open(struct app *a, struct pass *p, const struct dec_sink *sink,
                      const struct tr_endpoint *only, int64_t offset, uint64_t first_frame,
                      uint64_t stop_after, size_t preview)
{
    const struct ui_run_opts *o = a->o;
    memset(p, 0, sizeof *p);
    struct tr_capture_opts co = {.file = a->source, .filter = o->filter, .offsets = true};
    char deflt[64 * 24] = "tcp port 80";
    if (a->live) {
        co.file = NULL;
        co.iface = o->iface;
        co.snaplen = 262144;
        if (!o->filter && o->nports) {
            deflt[0] = '\0';
            for (size_t i = 0; i < o->nports; i++) {
                size_t l = strlen(deflt);
                snprintf(deflt + l, sizeof deflt - l, "%stcp port %u", i ? " or " : "", o->ports[i]);
            }
        }
        if (!o->filter)
            co.filter = deflt;
    }
    if (tr_capture_open(&p->cap, &co, p->err) < 0) {
        p->failed = p->done = true;
        return false;
    }
    if (a->live && o->after_open && !o->after_open(p->cap, o->after_open_ctx, p->err)) {
        tr_capture_close(p->cap);
        p->cap = NULL;
        p->failed = p->done = true;
        return false;
    }
    if (offset >= 0 && tr_capture_seek(p->cap, offset, first_frame, p->err) < 0) {
        tr_capture_close(p->cap);
        p->cap = NULL;
        p->failed = p->done = true;
        return false;
    }
    struct dec_opts dopts = {
        .ports = o->ports, .nports = o->nports, .detect = o->nports == 0,
        .max_header_bytes = o->max_header, .max_headers = o->max_headers,
        .body_preview = preview, .decode_content = true,
    };
    if (a->live)
        dopts.detect = false;  /* the filter chose the traffic */
    p->dec = dec_new(&dopts, sink);
    struct tr_sink ts;
    dec_tracer_sink(p->dec, &ts);
    static const uint16_t port80 = 80;
    p->rr = a->live ? NULL : tr_rereader_new(a->source);
    struct tr_table_opts to = {
        .reread = p->rr ? tr_rereader_read : NULL, .reread_ctx = p->rr,
        .server_ports = o->nports ? o->ports : &port80, .nserver_ports = o->nports ? o->nports : 1,
        .only_server_ports = o->nports > 0 && !o->filter, .only = only,
        .max_conns = o->max_conns, .max_ooo_bytes = o->max_ooo,
    };
    p->t = tr_table_new(&to, &ts);
    p->stop_after = stop_after;
    p->open = true;
    return true;
}

/* read for up to budget microseconds; true when something was read */
static bool pass_step(struct pass *p, int64_t budget)
{
    if (!p->open || p->done)
        return false;
    int64_t end = now_us() + budget;
    int n = 0;
    for (;;) {
        struct tr_frame f;
        int rc = tr_capture_next(p->cap, &f, p->err);
        if (rc == TR_NEXT_FRAME) {
            tr_table_frame(p->t, &f);
            if (p->stop_after && f.num >= p->stop_after) {
                rc = TR_NEXT_EOF;
            } else {
                if (++n % 256 == 0 && now_us() > end)
                    return true;
                continue;
            }
        }
        if (rc == TR_NEXT_NONE)
            return n > 0;
        if (rc == TR_NEXT_ERROR)
            p->failed = true;
        tr_table_finish(p->t);
        p->done = true;
        return true;
    }
}

/* --------------------------------------------------------------- live -- */

static struct ui_detail *live_get(struct app *a, uint64_t id, bool create)
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
        dt_free(&a->recs[slot].d);
    } else {
        a->nrecs++;
    }
    dt_init(&a->recs[slot].d, id);
    a->recs[slot].d.stream_cap = LIVE_STREAM_CAP;
    a->recs[slot].used = now_ms();
    return &a->recs[slot].d;
}

/* every event to the index and to its connection's record */
#define FAN(call, ...)                                                                           \
    do {                                                                                         \
        struct app *a = ctx;                                                                     \
        if (a->ixsink.call)                                                                      \
            a->ixsink.call(a->ixsink.ctx, __VA_ARGS__);                                          \
        struct ui_detail *d = c ? live_get(a, c->id, true) : NULL;                               \
        if (d) {                                                                                 \
            struct dec_sink ds_;                                                                 \
            dt_sink(d, &ds_);                                                                    \
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

static struct ui_row *row_at(struct app *a, size_t pos)
{
    if (pos >= a->ix.norder)
        return NULL;
    return &a->ix.rows[a->ix.order[pos]];
}

static struct ui_crow *row_conn(struct app *a, const struct ui_row *r)
{
    return r ? &a->ix.conns[r->conn] : NULL;
}

/* Make det hold the connection of the selected row, starting a detail pass
 * when it is another one. */
static void load_detail(struct app *a)
{
    struct ui_row *r = row_at(a, a->sel);
    struct ui_crow *c = row_conn(a, r);
    if (!c)
        return;
    int64_t x = (r->flags & XR_BARE) ? 0 : (int64_t)r->index;
    struct ui_detail *cur = a->det;
    if (c->id == a->det_conn &&
        (a->live || cur->x_hi < 0 || (x >= cur->x_lo && x <= cur->x_hi)))
        return;
    if (a->live) {
        struct ui_detail *d = live_get(a, c->id, false);
        a->det = d ? d : &a->gone;
        a->det_conn = c->id;
        a->stage = -1;
        dt_link(a->det);
        a->dirty = true;
        return;
    }
    pass_close(&a->detp);
    dt_free(a->det);
    dt_init(a->det, 1);  /* the detail pass sees only this connection: its id is 1 */
    size_t win = a->o->max_ui_exchanges ? a->o->max_ui_exchanges : UI_WINDOW;
    if (c->nrows > win) {  /* a long connection: the exchanges around this one */
        int64_t lo = x - (int64_t)win / 2 < 0 ? 0 : x - (int64_t)win / 2;
        dt_window(a->det, lo, lo + (int64_t)win - 1);
        snprintf(a->msg, sizeof a->msg,
                 _("connection %llu has %u exchanges: the details of %lld to %lld are kept "
                   "(--max-ui-exchanges)"),
                 (unsigned long long)c->id, c->nrows, (long long)lo + 1, (long long)(lo + (int64_t)win));
    }
    a->det_gen++;
    a->det_conn = c->id;
    a->stage = -1;
    for (int p = 0; p < PANE_COUNT; p++)
        if (p != PANE_LIST) {
            a->top[p] = 0;
            a->manual[p] = false;
        }
    struct dec_sink sink;
    dt_sink(a->det, &sink);
    struct tr_endpoint only[2] = {c->client, c->server};
    size_t preview = a->o->preview ? a->o->preview : DEC_DEFAULT_PREVIEW;
    pass_open(a, &a->detp, &sink, only, c->file_offset, c->first_frame,
              c->ended ? c->last_frame : 0, preview);
    if (!a->detp.failed) {
        /* small connections load at once, so the first screen is whole */
        pass_step(&a->detp, 200000);
        if (a->det->sealed)
            a->detp.done = true;
        if (a->detp.done)
            dt_link(a->det);
    }
    a->dirty = true;
}

static int stage_count(const struct app *a)
{
    return (int)a->det->nstgs;
}

/* the exchange a stage belongs to, or the selected row's when none */
static int64_t stage_exchange(const struct app *a, int k)
{
    if (k < 0 || k >= stage_count(a))
        return -1;
    return a->det->stgs[k].exchange;
}

/* after a stage change: select the row of its exchange */
static void sync_row_to_stage(struct app *a)
{
    int64_t x = stage_exchange(a, a->stage);
    struct ui_row *r = row_at(a, a->sel);
    if (x < 0 || !r || (int64_t)r->index == x)
        return;
    for (size_t i = 0; i < a->ix.norder; i++) {
        struct ui_row *q = row_at(a, i);
        if (a->ix.conns[q->conn].id == a->det_conn && (int64_t)q->index == x &&
            !(q->flags & XR_BARE)) {
            a->sel = i;
            return;
        }
    }
}

static void set_stage(struct app *a, int k)
{
    if (k < 0 || k >= stage_count(a))
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
        for (int i = stage_count(a); i-- > 0;)
            if (a->want_x < 0 || a->det->stgs[i].exchange == a->want_x) {
                if (a->want_x >= 0 && !past && i == stage_count(a) - 1)
                    return;  /* more of it may come */
                k = i;
                break;
            }
        if (k < 0 && !past)
            return;
        if (a->want_x < 0 && !past)
            return;
    } else if (a->want_kind >= 0) {
        for (int i = 0; i < stage_count(a); i++)
            if ((int)a->det->stgs[i].kind == a->want_kind &&
                (a->want_x < 0 || a->det->stgs[i].exchange == a->want_x ||
                 a->det->stgs[i].exchange < 0)) {
                k = i;
                break;
            }
        if (k < 0 && !a->detp.done)
            return;
    } else if (a->want_x >= 0) {
        k = dt_first_stage(a->det, a->want_x);
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
    struct ui_row *r = row_at(a, pos);
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
    if (a->stage >= 0 && k >= 0 && k < stage_count(a)) {
        set_stage(a, k);
        return;
    }
    if (dir > 0 && !a->detp.done && !a->det->sealed && a->stage >= 0) {
        snprintf(a->msg, sizeof a->msg, "%s", _("still reading this connection..."));
        return;
    }
    /* off the end of a window of a long connection: the exchange past it */
    struct ui_detail *d = a->det;
    if (d->x_hi >= 0 && a->stage >= 0 &&
        ((dir > 0 && d->sealed) || (dir < 0 && d->x_lo > 0))) {
        int64_t want = dir > 0 ? d->x_hi + 1 : d->x_lo - 1;
        for (size_t i = 0; i < a->ix.norder; i++) {
            struct ui_row *r = row_at(a, i);
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
        if (a->ix.conns[row_at(a, pos)->conn].id != a->det_conn)
            break;
    }
    if (dir > 0) {
        select_row(a, pos, DEC_STAGE_HANDSHAKE, false);
        if (a->stage < 0 && a->det->nstgs)
            resolve_want(a);
    } else {
        /* the last stage of the previous connection: its first row */
        uint64_t id = a->ix.conns[row_at(a, pos)->conn].id;
        while (pos > 0 && a->ix.conns[row_at(a, pos - 1)->conn].id == id)
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
        dt_link(a->det);
        int seen = 0;
        for (int k = 0; k < stage_count(a); k++)
            if (a->det->stgs[k].exchange == x && ++seen == nth) {
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

static const char *quality(struct app *a, char *buf, size_t n)
{
    struct ui_index *ix = &a->ix;
    if (!ix->truncated && !ix->gaps && !ix->no_handshake && !ix->retrans)
        snprintf(buf, n, "%s", _("capture complete"));
    else
        snprintf(buf, n, _("%llu snaplen cuts, %llu gaps, %llu without handshake, %llu retransmitted"),
                 (unsigned long long)ix->truncated, (unsigned long long)ix->gaps,
                 (unsigned long long)ix->no_handshake, (unsigned long long)ix->retrans);
    return buf;
}

static void draw_title(struct app *a)
{
    const struct rect *r = &a->r_title;
    int at = attr(a, UI_COLOR_TITLE);
    move(r->y, 0);
    for (int x = 0; x < r->w; x++)
        addch(' ' | at);
    char buf[512];
    snprintf(buf, sizeof buf, " httpstep %s %s", a->scr.g.sep, a->source);
    int used = ui_put(stdscr, 0, 0, r->w, buf, at);
    char right[160] = "";
    if (!a->main.done && a->file_size > 0 && a->main.cap) {
        uint64_t frames, bytes;
        tr_capture_counts(a->main.cap, &frames, &bytes);
        int pct = (int)(bytes * 100 / (uint64_t)a->file_size);
        snprintf(right, sizeof right, _("loading %d%% "), pct > 99 ? 99 : pct);
    }
    size_t rl = strlen(right);
    if (a->ix.norder)
        snprintf(right + rl, sizeof right - rl, _("exchange %zu/%zu"), a->sel + 1, a->ix.norder);
    rl = strlen(right);
    if (a->stage >= 0) {
        int64_t x = a->det->stgs[a->stage].exchange;
        int j = 0, k = 0;
        for (int i = 0; i < stage_count(a); i++)
            if (a->det->stgs[i].exchange == x) {
                k++;
                if (i <= a->stage)
                    j++;
            }
        snprintf(right + rl, sizeof right - rl, _(" %s stage %d/%d "), a->scr.g.sep, j, k);
    }
    int rw = ui_width(right);
    if (rw < r->w - used - 1)
        ui_put(stdscr, 0, r->w - rw - 1, rw + 1, right, at);
}

/* ----------------------------------------------------------- the list -- */

/* column headings padded by display width (CJK characters take two columns) */
static void pad_columns(char *out, size_t n, const char **texts, const int *widths, int count)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < count; i++) {
        int w = ui_width(texts[i]);
        len += (size_t)snprintf(out + len, n > len ? n - len : 0, "%s", texts[i]);
        for (int k = w; k < widths[i] && len + 1 < n; k++)
            out[len++] = ' ';
        if (len < n)
            out[len] = '\0';
        if (len + 1 >= n)
            break;
    }
}

static void status_text(char *buf, size_t n, const struct ui_row *r)
{
    if (r->flags & XR_BARE)
        snprintf(buf, n, "%s", "");
    else if (!(r->flags & XR_RSP))
        snprintf(buf, n, "%s", _("no answer"));
    else {
        const char *reason = ui_status_reason(r->status);
        snprintf(buf, n, "%u %s", r->status, reason ? reason : "");
    }
}

static void draw_list(struct app *a)
{
    const struct rect *r = &a->r_list;
    clear_rect(r);
    bool wide = r->w >= 110;
    char head[512];
    const char *wide_cols[] = {"#", _("conn"), _("client -> server"), _("method"), _("target")};
    const int wide_w[] = {5, 6, 45, 8, 0};
    const char *narrow_cols[] = {"#", _("conn"), _("method"), _("target")};
    const int narrow_w[] = {5, 6, 8, 0};
    if (wide)
        pad_columns(head, sizeof head, wide_cols, wide_w, 5);
    else
        pad_columns(head, sizeof head, narrow_cols, narrow_w, 4);
    pane_title(a, r, PANE_LIST, head);
    int rows = r->h - 1;
    if (rows <= 0)
        return;
    if (a->sel < a->list_top)
        a->list_top = a->sel;
    if (a->sel >= a->list_top + (size_t)rows)
        a->list_top = a->sel - (size_t)rows + 1;
    int stat_w = 22, size_w = 9, time_w = 9;
    int tail = stat_w + size_w + time_w;
    for (int i = 0; i < rows; i++) {
        size_t pos = a->list_top + (size_t)i;
        struct ui_row *row = row_at(a, pos);
        if (!row)
            break;
        struct ui_crow *c = row_conn(a, row);
        bool sel = pos == a->sel;
        int base = sel ? attr(a, UI_COLOR_SELECT) : attr(a, UI_COLOR_NORMAL);
        int y = r->y + 1 + i;
        move(y, r->x);
        for (int x = 0; x < r->w; x++)
            addch(' ' | (sel ? base : 0));
        bool first_of_conn = pos == 0 || row_at(a, pos - 1)->conn != row->conn;
        char buf[512], ep1[64], ep2[64];
        snprintf(buf, sizeof buf, "%-4zu ", pos + 1);
        int x = 1 + ui_put(stdscr, y, r->x + 1, r->w - 1, buf, base);
        if (first_of_conn)
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->id);
        else
            snprintf(buf, sizeof buf, "%s", a->scr.g.vline);
        ui_put(stdscr, y, r->x + x, 6, buf, sel ? base : attr(a, UI_COLOR_DIM));
        x += 6;
        if (wide) {
            fmt_endpoint(ep1, sizeof ep1, &c->client);
            fmt_endpoint(ep2, sizeof ep2, &c->server);
            snprintf(buf, sizeof buf, "%s %s %s", ep1, a->utf8 ? "\xe2\x86\x92" : "->", ep2);
            ui_put(stdscr, y, r->x + x, 44, buf, sel ? base : attr(a, UI_COLOR_DIM));
            x += 45;
        }
        snprintf(buf, sizeof buf, "%-8s", row->method);
        x += ui_put(stdscr, y, r->x + x, r->w - x, buf,
                     sel ? base : attr(a, UI_COLOR_CLIENT));
        int tw = r->w - x - tail - 1;
        if (tw > 0) {
            const char *t = row->target ? row->target
                            : (row->flags & XR_BARE)
                                ? (c->tls ? _("(encrypted: TLS)") : _("(not HTTP)"))
                                : "";
            ui_put(stdscr, y, r->x + x, tw, t, base);
            if (ui_width(t) > tw)
                ui_put(stdscr, y, r->x + x + tw - 1, 1, a->scr.g.ellipsis, base);
        }
        x = r->w - tail;
        if (x < 0)
            continue;
        status_text(buf, sizeof buf, row);
        ui_put(stdscr, y, r->x + x, stat_w - 1, buf,
                sel ? base : ui_status_attr(&a->scr, row->status));
        if (!(row->flags & XR_BARE)) {
            fmt_bytes(buf, sizeof buf, row->body);
            ui_put(stdscr, y, r->x + x + stat_w, size_w - 1, buf, base);
        }
        fmt_dur(buf, sizeof buf, row->t_end >= row->t_start ? row->t_end - row->t_start : -1);
        ui_put(stdscr, y, r->x + x + stat_w + size_w, time_w, buf, base);
    }
    if (a->ix.norder == 0) {
        const char *m = a->main.done ? _("No HTTP in this capture: no request, response or TLS "
                                         "handshake was found. Try -p PORT for another server "
                                         "port, or a filter expression.")
                                     : _("Reading the capture...");
        ui_put(stdscr, r->y + 1, r->x + 1, r->w - 2, m, attr(a, UI_COLOR_NOTE));
    }
}

/* ------------------------------------------------------- the stepper -- */

static int current_step(const struct app *a)
{
    if (a->stage < 0 || a->stage >= stage_count(a))
        return 0;
    return dec_stage_step(a->det->stgs[a->stage].kind);
}

/* the x of each step's label on the stepper row, for mouse clicks */
static int step_x[8];

static void draw_steps(struct app *a)
{
    const struct rect *r = &a->r_steps;
    clear_rect(r);
    int cur = current_step(a);
    /* the widest form that fits: full labels, short ones, tighter separators, numbers */
    bool brief = false;
    const char *sep = a->scr.g.step_sep;
    bool numbers = false;
    for (int form = 0; form < 4; form++) {
        brief = form >= 1;
        sep = form >= 2 ? " " : a->scr.g.step_sep;
        numbers = form == 3;
        int total = 0;
        for (int s = 1; s <= 7; s++)
            total += (numbers ? 1 : 2 + ui_width(ui_step_label(s, brief))) + (s < 7 ? ui_width(sep) : 0);
        if (total <= r->w - 2)
            break;
    }
    int x = r->x + 1;
    for (int s = 1; s <= 7; s++) {
        char buf[96];
        if (numbers)
            snprintf(buf, sizeof buf, "%d", s);
        else
            snprintf(buf, sizeof buf, "%d %s", s, ui_step_label(s, brief));
        int at = s == cur ? attr(a, UI_COLOR_CURRENT)
                 : cur && s < cur ? attr(a, UI_COLOR_DONE)
                                  : attr(a, UI_COLOR_PENDING);
        step_x[s] = x;
        x += ui_put(stdscr, r->y, x, r->x + r->w - x, buf, at);
        if (s < 7)
            x += ui_put(stdscr, r->y, x, r->x + r->w - x, sep, attr(a, UI_COLOR_DIM));
    }
    step_x[0] = x;
}

/* --------------------------------------------------------- the ladder -- */

static void flags_text(char *buf, size_t n, uint8_t f)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{TR_TCP_SYN, "SYN"}, {TR_TCP_FIN, "FIN"}, {TR_TCP_RST, "RST"},
                 {TR_TCP_PSH, "PSH"}, {TR_TCP_ACK, "ACK"}, {TR_TCP_URG, "URG"}};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit) {
            size_t l = strlen(buf);
            snprintf(buf + l, n - l, "%s%s", l ? "," : "", names[i].name);
        }
}

/* rows of the ladder: y of each packet, for mouse clicks */
static int ladder_first_row;

static void draw_ladder(struct app *a)
{
    const struct rect *r = &a->r_ladder;
    clear_rect(r);
    char t[256], ep1[64], ep2[64];
    struct ui_detail *d = a->det;
    fmt_endpoint(ep1, sizeof ep1, &d->tc.client);
    fmt_endpoint(ep2, sizeof ep2, &d->tc.server);
    snprintf(t, sizeof t, _("Packets %s client %s %s server %s"), a->scr.g.sep, ep1,
             a->utf8 ? "\xe2\x87\x84" : "<->", ep2);
    pane_title(a, r, PANE_LADDER, a->det_conn ? t : _("Packets"));
    int rows = r->h - 1;
    if (rows <= 0 || d->npkts == 0) {
        if (a->det_conn && !a->detp.done)
            put(a, r, 1, 1, _("reading..."), attr(a, UI_COLOR_DIM));
        return;
    }
    const struct ui_stg *cur = a->stage >= 0 ? &d->stgs[a->stage] : NULL;
    /* follow the current stage: its first packet a third down the pane */
    if (!a->manual[PANE_LADDER] && cur) {
        for (size_t i = 0; i < d->npkts; i++)
            if (dt_stage_has_frame(cur, d->pkts[i].frame)) {
                int top = (int)i - rows / 3;
                a->top[PANE_LADDER] = top < 0 ? 0 : top;
                break;
            }
    }
    if (a->top[PANE_LADDER] > (int)d->npkts - 1)
        a->top[PANE_LADDER] = (int)d->npkts - 1;
    if (a->top[PANE_LADDER] < 0)
        a->top[PANE_LADDER] = 0;
    ladder_first_row = a->top[PANE_LADDER];
    int tw = 11;  /* "  12.345ms " */
    tr_time span = d->pkts[d->npkts - 1].ts - d->tc.first_ts;
    int cx = tw + 1, sx = r->w - 3;
    bool detail = r->w >= 70;
    tr_time t0 = d->tc.first_ts;
    for (int i = 0; i < rows; i++) {
        size_t k = (size_t)a->top[PANE_LADDER] + (size_t)i;
        if (k >= d->npkts)
            break;
        const struct ui_pkt *p = &d->pkts[k];
        int y = r->y + 1 + i;
        bool hl = cur && dt_stage_has_frame(cur, p->frame);
        int base = hl ? attr(a, UI_COLOR_HIGHLIGHT)
                      : attr(a, p->dir == TR_DIR_C2S ? UI_COLOR_CLIENT : UI_COLOR_SERVER);
        char buf[256];
        /* time since the connection's first packet, in ms on a fast network */
        if (span < 10000000)
            snprintf(buf, sizeof buf, "%8.3fms", (double)(p->ts - t0) / 1e3);
        else
            snprintf(buf, sizeof buf, "%9.3fs", (double)(p->ts - t0) / 1e6);
        ui_put(stdscr, y, r->x, tw, buf, attr(a, UI_COLOR_DIM));
        ui_put(stdscr, y, r->x + cx - 1, 1, a->scr.g.vline, attr(a, UI_COLOR_DIM));
        ui_put(stdscr, y, r->x + sx + 1, 1, a->scr.g.vline, attr(a, UI_COLOR_DIM));
        int aw = sx - cx + 1;
        /* the arrow */
        for (int x = 0; x < aw; x++)
            ui_put(stdscr, y, r->x + cx + x, 1, a->scr.g.hline, base);
        if (p->dir == TR_DIR_C2S)
            ui_put(stdscr, y, r->x + sx, 1, a->scr.g.rarrow, base);
        else
            ui_put(stdscr, y, r->x + cx, 1, a->scr.g.larrow, base);
        /* the label: flags, length, what it carries */
        char fl[48], label[200];
        flags_text(fl, sizeof fl, p->flags);
        const char *what = p->stage >= 0 && p->len ? ui_stage_title(d->stgs[p->stage].kind) : "";
        if (detail)
            snprintf(label, sizeof label, " %s seq=%u ack=%u len=%u %s ", fl, p->rel_seq, p->rel_ack,
                     p->len, what);
        else if (p->len)
            snprintf(label, sizeof label, " %s %u %s ", fl, p->len, what);
        else
            snprintf(label, sizeof label, " %s ", fl);
        int lw = ui_width(label);
        if (lw > aw - 4)
            lw = aw - 4;
        int lx = cx + 2 + (aw - 4 - lw) / 2;
        if (lw > 0)
            ui_put(stdscr, y, r->x + lx, lw, label, base | A_BOLD);
        /* notes on the arrow */
        const char *mark = p->retrans ? "R" : p->ooo ? "O"
                           : (p->notes & (1u << DEC_NOTE_GAP)) ? "G"
                           : p->caplen < p->len ? "T" : "";
        if (*mark)
            ui_put(stdscr, y, r->x + r->w - 1, 1, mark, attr(a, UI_COLOR_NOTE));
    }
}

/* ---------------------------------------------------------- the bytes -- */

static void draw_hex(struct app *a, const struct rect *r, int y0, int rows, const struct ui_stream *st,
                     uint64_t lo, uint64_t hi)
{
    int per = r->w >= 75 ? 16 : 8;
    uint64_t first_row = lo / (uint64_t)per;
    if (!a->manual[PANE_BYTES])
        a->top[PANE_BYTES] = (int)(first_row > 1 ? first_row - 1 : 0);
    uint64_t row0 = (uint64_t)a->top[PANE_BYTES];
    uint64_t end = st->base + st->len;
    if (row0 * (uint64_t)per < st->base)
        row0 = st->base / (uint64_t)per;
    for (int i = 0; i < rows; i++) {
        uint64_t off = (row0 + (uint64_t)i) * (uint64_t)per;
        if (off >= end)
            break;
        int y = r->y + y0 + i;
        char buf[32];
        snprintf(buf, sizeof buf, "%06llx ", (unsigned long long)off);
        ui_put(stdscr, y, r->x, 7, buf, attr(a, UI_COLOR_DIM));
        for (int j = 0; j < per && off + (uint64_t)j < end; j++) {
            uint64_t o = off + (uint64_t)j;
            if (o < st->base)
                continue;
            uint8_t c = st->data[o - st->base];
            bool in = o >= lo && o < hi;
            int at = in ? attr(a, UI_COLOR_HIGHLIGHT)
                     : (c == '\r' || c == '\n') ? attr(a, UI_COLOR_CRLF)
                                                : attr(a, UI_COLOR_NORMAL);
            snprintf(buf, sizeof buf, "%02x", c);
            int hx = 7 + j * 3 + (j >= 8 && per == 16 ? 1 : 0);
            ui_put(stdscr, y, r->x + hx, 2, buf, at);
            const char *ch;
            char one[2] = {(char)c, 0};
            if (c == '\r')
                ch = a->utf8 ? a->scr.g.cr : "r";
            else if (c == '\n')
                ch = a->utf8 ? a->scr.g.lf : "n";
            else if (c >= 0x20 && c < 0x7f)
                ch = one;
            else
                ch = ".";
            int ax = 7 + per * 3 + (per == 16 ? 2 : 1) + j;
            if (ax < r->w)
                ui_put(stdscr, y, r->x + ax, 1, ch,
                        (c == '\r' || c == '\n') && !in ? attr(a, UI_COLOR_CRLF) : at);
        }
    }
}

/* the stream as text: lines as sent, CR and LF shown, the stage marked */
static void draw_text(struct app *a, const struct rect *r, int y0, int rows, const struct ui_stream *st,
                      uint64_t lo, uint64_t hi)
{
    uint64_t base = st->base, end = st->base + st->len;
    const uint8_t *d = st->data;
    /* start at the line before the stage */
    uint64_t start = lo;
    int back = 1;
    while (start > base && back >= 0) {
        start--;
        if (d[start - base] == '\n' && start + 1 < lo)
            back--;
    }
    if (start > base)
        start++;
    if (a->manual[PANE_BYTES]) {
        /* manual scrolling moves by lines from the stage */
        for (int k = 0; k < a->top[PANE_BYTES] && start < end; k++) {
            const uint8_t *nl = memchr(d + (start - base), '\n', (size_t)(end - start));
            start = nl ? base + (uint64_t)(nl - d) + 1 : end;
        }
    }
    int y = 0, x = 0;
    for (uint64_t o = start; o < end && y < rows; o++) {
        uint8_t c = d[o - base];
        bool in = o >= lo && o < hi;
        int at = in ? attr(a, UI_COLOR_HIGHLIGHT) : attr(a, UI_COLOR_NORMAL);
        char one[8] = {(char)c, 0};
        const char *g = one;
        if (c == '\r' || c == '\n') {
            g = c == '\r' ? a->scr.g.cr : a->scr.g.lf;
            at = in ? at : attr(a, UI_COLOR_CRLF);
        } else if (c < 0x20 || c >= 0x7f) {
            g = ".";
        }
        if (x + ui_width(g) > r->w) {
            y++;
            x = 0;
            if (y >= rows)
                break;
        }
        x += ui_put(stdscr, r->y + y0 + y, r->x + x, r->w - x, g, at);
        if (c == '\n') {
            y++;
            x = 0;
        }
    }
}

static void draw_decoded(struct app *a, const struct rect *r, int y0, int rows, const struct ui_stg *s)
{
    if (!s || (s->kind != DEC_STAGE_REQUEST_BODY && s->kind != DEC_STAGE_RESPONSE_BODY)) {
        put(a, r, y0, 1, _("The decoded view shows a body: step to a body stage, or press b."),
            attr(a, UI_COLOR_DIM));
        return;
    }
    const uint8_t *p = s->ndecoded ? s->decoded : s->preview;
    size_t n = s->ndecoded ? s->ndecoded : s->npreview;
    char buf[160];
    snprintf(buf, sizeof buf, _("decoded: %llu bytes (%s%s)"),
             (unsigned long long)(s->decoded_length >= 0 ? (uint64_t)s->decoded_length : n),
             s->framing == DEC_FRAMING_CHUNKED ? _("de-chunked") : _("as sent"),
             s->content_encoding ? _(", decompressed") : "");
    put(a, r, y0, 0, buf, attr(a, UI_COLOR_DIM));
    int y = 1, x = 0;
    for (size_t i = 0; i < n && y < rows; i++) {
        uint8_t c = p[i];
        if (c == '\n') {
            y++;
            x = 0;
            continue;
        }
        char one[8] = {(char)c, 0};
        const char *g = one;
        if (c >= 0x80) {
            size_t k = ui_utf8_len(p + i, n - i);
            if (k) {
                memcpy(one, p + i, k);
                one[k] = 0;
                i += k - 1;
            } else {
                g = ".";
            }
        } else if (c < 0x20 || c == 0x7f) {
            g = c == '\t' ? " " : ".";
        }
        if (x + ui_width(g) > r->w) {
            y++;
            x = 0;
            if (y >= rows)
                break;
        }
        x += ui_put(stdscr, r->y + y0 + y, r->x + x, r->w - x, g, attr(a, UI_COLOR_NORMAL));
    }
}

static void draw_bytes(struct app *a)
{
    const struct rect *r = &a->r_bytes;
    clear_rect(r);
    static const char *const modes[] = {N_("hex"), N_("text"), N_("decoded")};
    const struct ui_stg *s = a->stage >= 0 ? &a->det->stgs[a->stage] : NULL;
    char t[200];
    snprintf(t, sizeof t, _("Bytes (%s) %s %s"), _(modes[a->bytes_mode]), a->scr.g.sep,
             s ? (s->dir == TR_DIR_C2S ? _("client to server") : _("server to client")) : "");
    pane_title(a, r, PANE_BYTES, t);
    int rows = r->h - 1;
    if (!s || rows <= 0)
        return;
    if (a->bytes_mode == BYTES_DECODED) {
        if (r->w >= 90 && (s->kind == DEC_STAGE_REQUEST_BODY || s->kind == DEC_STAGE_RESPONSE_BODY)) {
            /* the raw bytes beside what they carry */
            struct rect left = {r->y, r->x, r->h, r->w / 2 - 1};
            struct rect right = {r->y, r->x + r->w / 2 + 1, r->h, r->w - r->w / 2 - 1};
            draw_hex(a, &left, 1, rows, &a->det->bytes[s->dir], s->offset, s->offset + s->length);
            draw_decoded(a, &right, 1, rows, s);
        } else {
            draw_decoded(a, r, 1, rows, s);
        }
        return;
    }
    if (s->length == 0) {
        const char *m = s->kind == DEC_STAGE_HANDSHAKE
                            ? _("The handshake carries no data: only TCP flags and sequence "
                                "numbers (see the packets).")
                        : s->kind == DEC_STAGE_CLOSE
                            ? _("Closing carries no data: FIN or RST flags (see the packets).")
                            : _("This stage carries no bytes of its own.");
        put(a, r, 1, 1, m, attr(a, UI_COLOR_DIM));
        return;
    }
    const struct ui_stream *st = &a->det->bytes[s->dir];
    if (s->offset < st->base || s->offset >= st->base + st->len) {
        put(a, r, 1, 1,
            st->capped ? _("These bytes are past what is kept for display.") : _("reading..."),
            attr(a, UI_COLOR_DIM));
        return;
    }
    if (a->bytes_mode == BYTES_HEX)
        draw_hex(a, r, 1, rows, st, s->offset, s->offset + s->length);
    else
        draw_text(a, r, 1, rows, st, s->offset, s->offset + s->length);
}

/* ---------------------------------------------------- the explanation -- */

static void draw_explain(struct app *a)
{
    const struct rect *r = &a->r_explain;
    clear_rect(r);
    char t[200];
    const struct ui_stg *s = a->stage >= 0 ? &a->det->stgs[a->stage] : NULL;
    if (s)
        snprintf(t, sizeof t, _("Step %d %s %s"), dec_stage_step(s->kind), a->scr.g.sep,
                 ui_stage_title(s->kind));
    else
        snprintf(t, sizeof t, "%s", _("What happens here"));
    pane_title(a, r, PANE_EXPLAIN, t);
    sb_reset(&a->text);
    if (s)
        ui_explain_stage(a->det, a->stage, &a->text);
    else if (a->ix.norder == 0)
        sb_str(&a->text, a->main.done ? _("This capture holds no HTTP exchange.")
                                      : _("Reading the capture..."));
    else
        sb_str(&a->text, _("Reading this connection..."));
    int w = r->w - 2;
    if (w < 10)
        return;
    static const char *starts[4096];
    static size_t lens[4096];
    size_t n = ui_wrap(a->text.p ? a->text.p : "", w, starts, lens, 4096);
    int rows = r->h - 1;
    if (a->top[PANE_EXPLAIN] > (int)n - rows)
        a->top[PANE_EXPLAIN] = (int)n - rows;
    if (a->top[PANE_EXPLAIN] < 0)
        a->top[PANE_EXPLAIN] = 0;
    for (int i = 0; i < rows; i++) {
        size_t k = (size_t)a->top[PANE_EXPLAIN] + (size_t)i;
        if (k >= n)
            break;
        char line[1024];
        size_t len = lens[k] < sizeof line - 1 ? lens[k] : sizeof line - 1;
        memcpy(line, starts[k], len);
        line[len] = '\0';
        ui_put(stdscr, r->y + 1 + i, r->x + 1, w, line, attr(a, UI_COLOR_NORMAL));
    }
    if ((size_t)a->top[PANE_EXPLAIN] + (size_t)rows < n)
        ui_put(stdscr, r->y + r->h - 1, r->x + r->w - 2, 1, a->scr.g.ellipsis, attr(a, UI_COLOR_DIM));
}

/* --------------------------------------------------------- the timing -- */

struct part {
    const char *name;
    int64_t from, to;
    enum ui_color color;
};

static void draw_timing(struct app *a)
{
    const struct rect *r = &a->r_timing;
    clear_rect(r);
    int64_t x = stage_exchange(a, a->stage);
    struct ui_detail *d = a->det;
    const struct ui_xdet *xd = a->stage >= 0 ? dt_x(d, x) : NULL;
    if (!xd) {
        if (a->stage >= 0 && d->stgs[a->stage].kind == DEC_STAGE_HANDSHAKE && d->tc.handshake_done) {
            char b[64], line[160];
            fmt_dur(b, sizeof b, d->tc.hs_ts[2] - d->tc.hs_ts[0]);
            snprintf(line, sizeof line, _("Timing: the handshake took %s (one round trip)"), b);
            put(a, r, 0, 1, line, attr(a, UI_COLOR_DIM));
        }
        return;
    }
    struct part seg[6];
    int n = 0;
    if (x == 0 && d->tc.handshake_done)
        seg[n++] = (struct part){_("handshake"), d->tc.hs_ts[0], d->tc.hs_ts[2], UI_COLOR_DIM};
    if (xd->req.present)
        seg[n++] = (struct part){_("request"), xd->req.ts_first, xd->req.ts_last, UI_COLOR_CLIENT};
    if (xd->req.present && xd->rsp.present)
        seg[n++] = (struct part){_("wait"), xd->req.ts_last, xd->rsp.ts_first, UI_COLOR_NOTE};
    if (xd->rsp.present)
        seg[n++] = (struct part){_("transfer"), xd->rsp.ts_first, xd->rsp.ts_last, UI_COLOR_SERVER};
    int64_t end = xd->rsp.present ? xd->rsp.ts_last : xd->req.ts_last;
    int64_t next = 0;
    const struct ui_xdet *xn = dt_x(d, x + 1);
    if (xn && xn->req.present)
        next = xn->req.ts_first;
    else if (d->tc.close_how != TR_CLOSE_NONE && d->tc.close_how != TR_CLOSE_END && d->tc.close_ts)
        next = d->tc.close_ts;
    if (next > end)
        seg[n++] = (struct part){xn ? _("idle") : _("to close"), end, next,
                                    UI_COLOR_DIM};
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += seg[i].to > seg[i].from ? seg[i].to - seg[i].from : 0;
    int col = ui_put(stdscr, r->y, r->x + 1, r->w, _("Timing "), attr(a, UI_COLOR_TITLE)) + 2;
    /* the legend first, each part in its color; then the bar in what is left */
    char legend[6][96];
    int lw = 0;
    for (int i = 0; i < n; i++) {
        char b[48];
        fmt_dur(b, sizeof b, seg[i].to - seg[i].from);
        snprintf(legend[i], sizeof legend[i], "%s %s", seg[i].name, b);
        lw += ui_width(legend[i]) + 3;
    }
    int barw = r->w - col - lw - 2;
    if (barw > r->w / 3)
        barw = r->w / 3;
    if (barw >= n && total > 0) {
        /* each part's share of the time, at least one column */
        for (int i = 0; i < n; i++) {
            int64_t dur = seg[i].to > seg[i].from ? seg[i].to - seg[i].from : 0;
            int cw = (int)(dur * (barw - n) / total) + 1;
            for (int k = 0; k < cw && col < r->w; k++, col++)
                ui_put(stdscr, r->y, r->x + col, 1, a->scr.g.block, attr(a, seg[i].color));
        }
        col++;
    }
    for (int i = 0; i < n && col < r->w; i++) {
        ui_put(stdscr, r->y, r->x + col, 1, a->scr.g.block, attr(a, seg[i].color));
        col += 2;
        col += ui_put(stdscr, r->y, r->x + col, r->w - col, legend[i], attr(a, UI_COLOR_NORMAL));
        col += 1;
    }
}

/* ----------------------------------------------- status line and keys -- */

static void draw_status(struct app *a)
{
    const struct rect *r = &a->r_status;
    clear_rect(r);
    if (a->searching) {
        char buf[200];
        snprintf(buf, sizeof buf, "/%s", a->input);
        ui_put(stdscr, r->y, r->x, r->w, buf, attr(a, UI_COLOR_NORMAL));
        curs_set(1);
        move(r->y, r->x + 1 + ui_width(a->input));
        return;
    }
    curs_set(0);
    char q[256], buf[512];
    if (a->msg[0]) {
        ui_put(stdscr, r->y, r->x + 1, r->w - 1, a->msg, attr(a, UI_COLOR_NOTE));
        return;
    }
    snprintf(buf, sizeof buf, "%s %s %s", quality(a, q, sizeof q), a->scr.g.sep,
             a->playing ? _("playing (any key pauses)") : "");
    if (a->live) {
        uint64_t frames = 0, bytes = 0;
        if (a->main.cap)
            tr_capture_counts(a->main.cap, &frames, &bytes);
        uint64_t drops = a->main.cap ? tr_capture_dropped(a->main.cap) : 0;
        char extra[256];
        if (a->follow)
            snprintf(extra, sizeof extra, _("live on %s: %llu packets, %llu dropped %s following (f)"),
                     a->o->iface, (unsigned long long)frames, (unsigned long long)drops, a->scr.g.sep);
        else
            snprintf(extra, sizeof extra,
                     _("live on %s: %llu packets, %llu dropped %s %llu new stages (f follows)"),
                     a->o->iface, (unsigned long long)frames, (unsigned long long)drops, a->scr.g.sep,
                     (unsigned long long)a->unseen);
        snprintf(buf, sizeof buf, "%s", extra);
    }
    if (a->main.failed)
        snprintf(buf, sizeof buf, "%s", a->main.err);
    ui_put(stdscr, r->y, r->x + 1, r->w - 1, buf,
            attr(a, a->main.failed || a->ix.truncated || a->ix.gaps ? UI_COLOR_NOTE : UI_COLOR_DIM));
}

static void draw_footer(struct app *a)
{
    const struct rect *r = &a->r_footer;
    clear_rect(r);
    int x = r->x + 1;
    for (const struct ui_binding *b = ui_bindings; b->names && x < r->w; b++) {
        if (!b->footer)
            continue;
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)strcspn(b->names, ","), b->names);
        x += ui_put(stdscr, r->y, x, r->w - x, key, attr(a, UI_COLOR_TITLE));
        x += ui_put(stdscr, r->y, x, r->w - x, " ", 0);
        x += ui_put(stdscr, r->y, x, r->w - x, _(b->footer), attr(a, UI_COLOR_NORMAL));
        x += ui_put(stdscr, r->y, x, r->w - x, "  ", 0);
    }
}

static void draw_help(struct app *a)
{
    int W = COLS, H = LINES;
    int w = W - 8 < 90 ? W - 8 : 90, h = H - 4;
    struct rect r = {2, (W - w) / 2, h, w};
    clear_rect(&r);
    pane_title(a, &r, PANE_COUNT, _("Keys (q or ? closes this help)"));
    int y = 1 - a->help_top;
    for (const struct ui_binding *b = ui_bindings; b->names; b++, y++) {
        if (y < 1 || y >= h)
            continue;
        ui_put(stdscr, r.y + y, r.x + 2, 18, b->names, attr(a, UI_COLOR_CLIENT));
        ui_put(stdscr, r.y + y, r.x + 20, w - 21, _(b->help), attr(a, UI_COLOR_NORMAL));
    }
    if (y >= 1 && y < h) {
        ui_put(stdscr, r.y + y, r.x + 2, 18, _("mouse"), attr(a, UI_COLOR_CLIENT));
        ui_put(stdscr, r.y + y, r.x + 20, w - 21, _("click an exchange, a step, or a packet arrow"),
                attr(a, UI_COLOR_NORMAL));
    }
    y += 2;
    if (y >= 1 && y < h)
        ui_put(stdscr, r.y + y, r.x + 2, w - 3,
                _("Packet marks: R retransmission, O out of order, G gap, T cut by the snaplen."),
                attr(a, UI_COLOR_DIM));
}

static void draw(struct app *a)
{
    erase();
    if (a->small) {
        const char *m = _("httpstep needs a window of at least 60 x 16: please make it larger.");
        const char *starts[8];
        size_t lens[8];
        size_t n = ui_wrap(m, COLS > 4 ? COLS - 2 : 2, starts, lens, 8);
        for (size_t i = 0; i < n && (int)i < LINES; i++) {
            char line[256];
            size_t l = lens[i] < sizeof line - 1 ? lens[i] : sizeof line - 1;
            memcpy(line, starts[i], l);
            line[l] = '\0';
            ui_put(stdscr, (int)i, 1, COLS - 1, line, attr(a, UI_COLOR_NOTE));
        }
        refresh();
        return;
    }
    draw_title(a);
    if (visible(a, PANE_LIST))
        draw_list(a);
    if (a->zoom < 0)
        draw_steps(a);
    if (visible(a, PANE_LADDER))
        draw_ladder(a);
    if (visible(a, PANE_BYTES))
        draw_bytes(a);
    if (visible(a, PANE_EXPLAIN))
        draw_explain(a);
    draw_timing(a);
    draw_status(a);
    draw_footer(a);
    if (a->help)
        draw_help(a);
    if (a->searching)
        move(a->r_status.y, a->r_status.x + 1 + ui_width(a->input));
    refresh();
    a->dirty = false;
}

/* ------------------------------------------------------------- search -- */

static bool row_matches(struct app *a, const struct ui_row *r, const char *q)
{
    char st[16];
    snprintf(st, sizeof st, "%u", r->status);
    if (strcasestr(r->method, q) || (r->target && strcasestr(r->target, q)) ||
        (r->status && strcmp(st, q) == 0))
        return true;
    const char *reason = r->status ? ui_status_reason(r->status) : NULL;
    if (reason && strcasestr(reason, q))
        return true;
    /* header names and values: the exchange's details, when they are loaded */
    struct ui_crow *c = &a->ix.conns[r->conn];
    const struct ui_xdet *x = c->id == a->det_conn ? dt_x(a->det, r->index) : NULL;
    if (x) {
        const struct ui_msg *m[2] = {&x->req, &x->rsp};
        for (int k = 0; k < 2; k++)
            for (size_t i = 0; i < m[k]->nhdrs; i++)
                if (strcasestr(m[k]->hdrs[i].name, q) || strcasestr(m[k]->hdrs[i].value, q))
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
    uint64_t keep = a->det_conn;
    for (size_t i = 1; i <= n; i++) {
        size_t pos = (a->sel + i) % n;
        struct ui_row *r = row_at(a, pos);
        if (!(r->flags & XR_BARE) && a->ix.conns[r->conn].id != a->det_conn) {
            /* read that connection to see its headers */
            size_t save = a->sel;
            a->sel = pos;
            load_detail(a);
            while (!a->detp.done && pass_step(&a->detp, SLICE_US))
                ;
            dt_link(a->det);
            a->sel = save;
        }
        if (row_matches(a, r, a->query)) {
            select_row(a, pos, -1, false);
            snprintf(a->msg, sizeof a->msg, _("found '%s' in exchange %zu"), a->query, pos + 1);
            return;
        }
    }
    (void)keep;
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
            if (ev.x >= step_x[s]) {
                int64_t x = stage_exchange(a, a->stage);
                for (int k = 0; k < stage_count(a); k++)
                    if (dec_stage_step(a->det->stgs[k].kind) == s &&
                        (a->det->stgs[k].exchange == x || a->det->stgs[k].exchange < 0 || x < 0)) {
                        set_stage(a, k);
                        break;
                    }
                break;
            }
    } else if (visible(a, PANE_LADDER) && in_rect(&a->r_ladder, ev.y, ev.x)) {
        a->focus = PANE_LADDER;
        int row = ev.y - a->r_ladder.y - 1;
        size_t k = (size_t)ladder_first_row + (size_t)row;
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
        else if (act == UA_DOWN || act == UA_PGDN)
            a->help_top++;
        else if ((act == UA_UP || act == UA_PGUP) && a->help_top > 0)
            a->help_top--;
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
    struct ui_detail *d = live_get(a, a->newest_conn, false);
    if (!d || d->nstgs == 0)
        return;
    if (!a->follow) {
        a->unseen++;
        return;
    }
    a->det = d;
    a->det_conn = a->newest_conn;
    dt_link(d);
    a->stage = (int)d->nstgs - 1;
    a->manual[PANE_LADDER] = a->manual[PANE_BYTES] = false;
    int64_t x = d->stgs[a->stage].exchange;
    ix_sort(&a->ix);
    for (size_t i = a->ix.norder; i-- > 0;) {
        struct ui_row *r = row_at(a, i);
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
    dt_init(&a->gone, 0);
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
    int fd = a->live ? tr_capture_fd(a->main.cap) : -1;
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
            if (a->det->sealed)
                a->detp.done = true;  /* past the window: nothing more to keep */
            if (a->detp.done)
                dt_link(a->det);
            resolve_want(a);
            a->dirty = true;
        }
        if (a->live && a->det != &a->filedet && a->dirty)
            dt_link(a->det);
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
    a->utf8 = ui_i18n_init(o.lang);
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
    dt_free(&a->filedet);
    dt_free(&a->gone);
    for (size_t i = 0; i < a->nrecs; i++)
        dt_free(&a->recs[i].d);
    free(a->recs);
    ix_free(&a->ix);
    sb_free(&a->text);
    free(pick.file);
    free(pick.iface);
    free(pick.goto_spec);
    free(a);
    the_app = NULL;
    if (status < 0)
        return o.iface ? 3 : 2;
    return status;
}

/* ------------------------------------------------------------- locale -- */

bool ui_i18n_init(const char *lang)
{
    const char *l = lang;
    if (!l) {
        const char *env[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
        for (size_t i = 0; i < 4 && !l; i++) {
            const char *v = getenv(env[i]);
            if (v && *v)
                l = strncmp(v, "zh", 2) == 0 ? "zh" : (i == 0 ? NULL : "en");
        }
    }
    bool zh = l && strncmp(l, "zh", 2) == 0;
    const char *cur = setlocale(LC_ALL, "");
    bool utf8 = cur && (strcasestr(cur, "UTF-8") || strcasestr(cur, "utf8"));
    if (zh && !utf8) {
        /* Chinese needs UTF-8: C.UTF-8 exists everywhere glibc does */
        if (setlocale(LC_ALL, "C.UTF-8"))
            utf8 = true;
    }
    if (zh)
        setenv("LANGUAGE", "zh_CN", 1);
    else if (lang)
        setenv("LANGUAGE", "en", 1);
    /* the catalog: next to the binary (a build tree), installed, or built in */
    static char dir[4096];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *found = NULL;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        const char *tries[] = {"%s/locale", "%s/build/locale", "%s/build-san/locale",
                               "%s/../share/locale"};
        for (size_t i = 0; i < 4 && !found; i++) {
            snprintf(dir, sizeof dir, tries[i], exe);
            char mo[4200];
            snprintf(mo, sizeof mo, "%s/zh_CN/LC_MESSAGES/httpstep.mo", dir);
            if (access(mo, R_OK) == 0)
                found = dir;
        }
    }
#ifdef LOCALEDIR
    if (!found)
        found = LOCALEDIR;
#endif
    if (found)
        bindtextdomain("httpstep", found);
    bind_textdomain_codeset("httpstep", "UTF-8");
    textdomain("httpstep");
    return utf8;
}
