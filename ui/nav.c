/* nav.c - where the stepper is: the passes of the pipeline over the
 * capture, the records of connections (a detail pass, or live), the
 * selected row and stage, and the moves between them (next stage, next
 * exchange, --goto, search, follow)
 */
#define _GNU_SOURCE 1
#include "view.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int64_t now_ms(void)
{
    return now_us() / 1000;
}

/* live: the details of the most recent connections, recorded as they happen */
#define LIVE_KEEP 64
#define LIVE_STREAM_CAP (1u << 20)

struct live_rec {
    struct dec_record d;
    int64_t used;               /* when it last changed, for eviction */
};

/* ------------------------------------------------------------- passes -- */

void ui_pass_close(struct pass *p)
{
    dec_pipeline_close(p->pipe);
    memset(p, 0, sizeof *p);
}

/* a malformed key log line, or a key log that went away: the status line
 * shows the first (every pass re-reads the same files, so once per run) */
static void keylog_warn(void *ctx, const char *msg)
{
    struct app *a = ctx;
    if (a->keylog_warnings++ == 0)
        snprintf(a->msg, sizeof a->msg, "%s", msg);
}

/* open a pass: the main one (sink: the index; live: and the records), or a
 * detail pass over the connection between only[0] and only[1] from the
 * record at offset (numbered first_frame) to stop_after */
bool ui_pass_open(struct app *a, struct pass *p, const struct dec_sink *sink,
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
        .decode_content = true,  /* the list shows decoded sizes */
        .only = only, .seek = offset >= 0, .seek_offset = offset, .seek_frame = first_frame,
        .stop_after = stop_after, .after_open = o->after_open, .after_open_ctx = o->after_open_ctx,
        .snaplen = o->snaplen,
        .buffer_kib = o->buffer_kib,
        .keylogs = o->keylogs, .nkeylogs = o->nkeylogs,
        .warn = keylog_warn, .warn_ctx = a,
    };
    if (dec_pipeline_open(&p->pipe, &po, sink, p->err) != DEC_PIPE_OK) {
        p->pipe = NULL;
        p->failed = p->done = true;
        return false;
    }
    p->open = true;
    return true;
}

/* has a key been typed (the terminal is standard input)? */
static bool key_waiting(void)
{
    struct pollfd k = {STDIN_FILENO, POLLIN, 0};
    return poll(&k, 1, 0) > 0;
}

#define STEP_SUB_US 2000  /* a key typed while reading is seen this soon */

/* read for up to budget microseconds, in short slices, stopping early when
 * a key was typed (it is answered before reading more); true when
 * something was read */
bool ui_pass_step(struct pass *p, int64_t budget)
{
    if (!p->open || p->done)
        return false;
    int64_t end = now_us() + budget;
    uint64_t n = 0, got;
    do {
        int64_t left = end - now_us();
        got = dec_pipeline_run(p->pipe, left < STEP_SUB_US ? left : STEP_SUB_US, p->stop);
        n += got;
    } while (got > 0 && !(p->stop && *p->stop) && !dec_pipeline_done(p->pipe) &&
             now_us() < end && !key_waiting());
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
        a->recs = tr_xcalloc(LIVE_KEEP, sizeof *a->recs);
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
    app->arrived++;
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

static void f_dns(void *ctx, const struct dec_dns_line *d)
{
    struct app *a = ctx;
    if (a->ixsink.on_dns)
        a->ixsink.on_dns(a->ixsink.ctx, d);
}

static void f_bytes(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t off,
                    const uint8_t *data, size_t len, uint64_t frame)
{
    FAN(on_bytes, c, dir, off, data, len, frame);
}

void ui_live_sink(struct app *a, struct dec_sink *out)
{
    ui_ix_sink(&a->ix, &a->ixsink);
    memset(out, 0, sizeof *out);
    out->ctx = a;
    out->on_conn = f_conn;
    out->on_stage = f_stage;
    out->on_exchange = f_exchange;
    out->on_note = f_note;
    out->on_conn_end = f_conn_end;
    out->on_segment = f_segment;
    out->on_bytes = f_bytes;
    out->on_dns = f_dns;
}

/* ---------------------------------------------------------- selection -- */

struct ui_row *ui_app_row(struct app *a, size_t pos)
{
    if (pos >= a->ix.norder)
        return NULL;
    return &a->ix.rows[a->ix.order[pos]];
}

struct ui_crow *ui_app_row_conn(struct app *a, const struct ui_row *r)
{
    return r ? &a->ix.conns[r->conn] : NULL;
}

/* the panes follow the current stage again (and build what they show of it) */
static void panes_enter(struct app *a)
{
    for (int p = 0; p < PANE_COUNT; p++)
        if (ui_views[p]->enter)
            ui_views[p]->enter(a);
}

/* Read connection c into rec with pass p: all of it, or for a long one
 * the window of exchanges around x; returns the window's first exchange
 * (0 for all of it) */
static int64_t open_detail(struct app *a, struct dec_record *rec, struct pass *p,
                           const struct ui_crow *c, int64_t x)
{
    ui_pass_close(p);
    dec_record_free(rec);
    dec_record_init(rec, 1);  /* the detail pass sees only this connection: its id is 1 */
    /* step 0: it reads from the connection's first frame, the lookup came before */
    dec_record_set_dns(rec, c->dns, c->dns_seen);
    size_t win = a->o->max_ui_exchanges ? a->o->max_ui_exchanges : DEC_REC_WINDOW;
    int64_t lo = 0;
    if (c->nrows > win) {  /* a long connection: the exchanges around this one */
        lo = x - (int64_t)win / 2 < 0 ? 0 : x - (int64_t)win / 2;
        dec_record_window(rec, lo, lo + (int64_t)win - 1);
    }
    struct dec_sink sink;
    dec_record_sink(rec, &sink);
    struct tr_endpoint only[2] = {c->client, c->server};
    size_t preview = a->o->preview ? a->o->preview : DEC_DEFAULT_PREVIEW;
    ui_pass_open(a, p, &sink, only, c->file_offset, c->first_frame, c->ended ? c->last_frame : 0,
                 preview);
    p->stop = &rec->sealed;
    return lo;
}

/* does the record hold exchange x of connection id (read by open_detail)? */
static bool holds(const struct dec_record *rec, uint64_t rec_conn, uint64_t id, int64_t x)
{
    return rec_conn == id && (rec->x_hi < 0 || (x >= rec->x_lo && x <= rec->x_hi));
}

/* Make det hold the connection of the selected row, starting a detail pass
 * when it is another one. */
static void load_detail(struct app *a)
{
    struct ui_row *r = ui_app_row(a, a->sel);
    struct ui_crow *c = ui_app_row_conn(a, r);
    if (!c)
        return;
    int64_t x = (r->flags & XR_BARE) ? 0 : (int64_t)r->index;
    if (c->id == a->det_conn && (a->live || holds(a->det, a->det_conn, c->id, x)))
        return;
    if (a->live) {
        struct dec_record *d = live_get(a, c->id, false);
        a->det = d ? d : &a->gone;
        a->det_trimmed = a->det->trimmed;
        a->det_conn = c->id;
        a->stage = -1;
        dec_record_link(a->det);
        return;
    }
    int64_t lo = open_detail(a, a->det, &a->detp, c, x);
    if (a->det->x_hi >= 0)
        snprintf(a->msg, sizeof a->msg,
                 _("connection %llu has %u exchanges: the details of %lld to %lld are kept "
                   "(--max-ui-exchanges)"),
                 (unsigned long long)c->id, c->nrows, (long long)lo + 1,
                 (long long)a->det->x_hi + 1);
    a->det_conn = c->id;
    a->stage = -1;
    panes_enter(a);
    if (!a->detp.failed) {
        /* small connections load at once, so the first screen is whole */
        ui_pass_step(&a->detp, 200000);
        if (a->detp.done)
            dec_record_link(a->det);
    }
}

int ui_stage_count(const struct app *a)
{
    return (int)a->det->nstgs;
}

/* the exchange a stage belongs to, or the selected row's when none */
int64_t ui_stage_exchange(const struct app *a, int k)
{
    if (k < 0 || k >= ui_stage_count(a))
        return -1;
    return a->det->stgs[k]->exchange;
}

/* after a stage change: select the row of its exchange */
static void sync_row_to_stage(struct app *a)
{
    int64_t x = ui_stage_exchange(a, a->stage);
    struct ui_row *r = ui_app_row(a, a->sel);
    if (x < 0 || !r || (int64_t)r->index == x)
        return;
    for (size_t i = 0; i < a->ix.norder; i++) {
        struct ui_row *q = ui_app_row(a, i);
        if (a->ix.conns[q->conn].id == a->det_conn && (int64_t)q->index == x &&
            !(q->flags & XR_BARE)) {
            a->sel = i;
            return;
        }
    }
}

void ui_set_stage(struct app *a, int k)
{
    if (k < 0 || k >= ui_stage_count(a))
        return;
    a->stage = k;
    panes_enter(a);
    sync_row_to_stage(a);
}

/* once the detail has loaded enough, go where we wanted */
void ui_resolve_want(struct app *a)
{
    if (a->stage >= 0 || a->det->nstgs == 0)
        return;
    int k = -1;
    if (a->want_last) {
        /* the last stage: of want_x, or of the connection */
        bool past = a->det->sealed || a->detp.done;
        for (int i = ui_stage_count(a); i-- > 0;)
            if (a->want_x < 0 || a->det->stgs[i]->exchange == a->want_x) {
                if (a->want_x >= 0 && !past && i == ui_stage_count(a) - 1)
                    return;  /* more of it may come */
                k = i;
                break;
            }
        if (k < 0 && !past)
            return;
        if (a->want_x < 0 && !past)
            return;
    } else if (a->want_kind >= 0) {
        int seen = 0;
        for (int i = 0; i < ui_stage_count(a); i++) {
            const struct dec_stage *g = a->det->stgs[i];
            if ((int)g->kind != a->want_kind ||
                (a->want_x >= 0 && g->exchange != a->want_x && g->exchange >= 0) ||
                (a->want_final && dec_stage_interim(g)))
                continue;
            if (seen++ == a->want_nth) {
                k = i;
                break;
            }
        }
        if (k < 0 && !a->detp.done)
            return;
    } else if (a->want_x >= 0) {
        k = dec_record_first_stage(a->det, a->want_x);
        if (k < 0 && !a->detp.done)
            return;
        /* the first exchange of a connection begins with its handshake */
        if (a->want_x == 0)
            for (int i = 0; i < k; i++)
                if (a->det->stgs[i]->kind == DEC_STAGE_HANDSHAKE ||
                    a->det->stgs[i]->kind == DEC_STAGE_DNS_LOOKUP) {
                    k = i;
                    break;
                }
    }
    if (k < 0)
        k = 0;
    /* walking on into a connection: its walk begins with step 0, the lookup
     * before its handshake (a --goto to the handshake stays there) */
    if (a->want_lookup && k == 1 && a->det->stgs[0]->kind == DEC_STAGE_DNS_LOOKUP)
        k = 0;
    a->want_lookup = false;
    a->want_kind = -1;
    a->want_nth = 0;
    a->want_final = false;
    a->want_x = -1;
    a->want_last = false;
    ui_set_stage(a, k);
}

/* select a row; kind >= 0: go to the nth stage of that kind in its
 * exchange (final: not counting an interim response's) */
static void select_row(struct app *a, size_t pos, int kind, int nth, bool final, bool last)
{
    struct ui_row *r = ui_app_row(a, pos);
    if (!r)
        return;
    a->sel = pos;
    /* last: the connection's last stage (its close) */
    a->want_x = (r->flags & XR_BARE) || last ? -1 : (int64_t)r->index;
    a->want_kind = kind;
    a->want_nth = nth;
    a->want_final = final;
    a->want_last = last;
    a->want_lookup = a->next_lookup && kind == DEC_STAGE_HANDSHAKE;
    a->next_lookup = false;
    a->stage = -1;
    load_detail(a);  /* reads anew only for another connection, or outside the window */
    ui_resolve_want(a);
}

void ui_select_row(struct app *a, size_t pos, int kind, bool last)
{
    select_row(a, pos, kind, 0, false, last);
}

void ui_next_stage(struct app *a, int dir)
{
    int k = a->stage + dir;
    if (a->stage >= 0 && k >= 0 && k < ui_stage_count(a)) {
        ui_set_stage(a, k);
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
            struct ui_row *r = ui_app_row(a, i);
            if (a->ix.conns[r->conn].id == a->det_conn && (int64_t)r->index == want &&
                !(r->flags & XR_BARE)) {
                ui_select_row(a, i, -1, false);
                if (dir < 0) {  /* back: that exchange's last stage */
                    a->stage = -1;
                    a->want_x = want;
                    a->want_last = true;
                    ui_resolve_want(a);
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
        if (a->ix.conns[ui_app_row(a, pos)->conn].id != a->det_conn)
            break;
    }
    if (dir > 0) {
        a->next_lookup = true;
        ui_select_row(a, pos, DEC_STAGE_HANDSHAKE, false);
        if (a->stage < 0 && a->det->nstgs)
            ui_resolve_want(a);
    } else {
        /* the last stage of the previous connection: its first row */
        uint64_t id = a->ix.conns[ui_app_row(a, pos)->conn].id;
        while (pos > 0 && a->ix.conns[ui_app_row(a, pos - 1)->conn].id == id)
            pos--;
        ui_select_row(a, pos, -1, true);
    }
}

void ui_next_exchange(struct app *a, int dir)
{
    if (a->ix.norder == 0)
        return;
    if (dir > 0 && a->sel + 1 < a->ix.norder)
        ui_select_row(a, a->sel + 1, -1, false);
    else if (dir < 0 && a->sel > 0)
        ui_select_row(a, a->sel - 1, -1, false);
    else
        snprintf(a->msg, sizeof a->msg, "%s",
                 dir > 0 ? _("this is the last exchange") : _("this is the first exchange"));
}

/* ------------------------------------------------------------- --goto -- */

void ui_apply_goto(struct app *a)
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
    ui_goto(a, n, kind, nth);
}

bool ui_goto(struct app *a, size_t n, int kind, long nth)
{
    if (n == 0 || n > a->ix.norder)
        return false;
    ui_select_row(a, n - 1, kind, false);
    if (nth > 0) {
        /* the nth stage of the exchange (want_x is gone once the detail was there) */
        const struct ui_row *r = ui_app_row(a, n - 1);
        int64_t x = r->flags & XR_BARE ? -1 : (int64_t)r->index;
        if (!a->detp.done)
            while (ui_pass_step(&a->detp, SLICE_US) && !a->detp.done)
                ;
        dec_record_link(a->det);
        int seen = 0;
        for (int k = 0; k < ui_stage_count(a); k++)
            if (a->det->stgs[k]->exchange == x && ++seen == nth) {
                a->want_x = -1;
                ui_set_stage(a, k);
                break;
            }
    }
    return true;
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

/* where a match is: a stage kind, the nth of that kind in the exchange,
 * final: not counting an interim response's */
struct hit {
    int kind, nth;
    bool final;
};

/* the request line and the final status line, from the index alone */
static bool row_matches(const struct ui_row *r, const char *q, struct hit *h)
{
    char st[16];
    snprintf(st, sizeof st, "%d", r->status);
    if (strcasestr(r->method, q) || (r->target && strcasestr(r->target, q))) {
        *h = (struct hit){DEC_STAGE_REQUEST_LINE, 0, false};
        return true;
    }
    if ((r->flags & XR_RSP) && (strcmp(st, q) == 0 || (r->reason && strcasestr(r->reason, q)))) {
        *h = (struct hit){DEC_STAGE_STATUS_LINE, 0, true};
        return true;
    }
    return false;
}

static bool headers_match(const struct dec_msg *m, const char *q)
{
    for (size_t i = 0; m && i < m->nheaders; i++)
        if (contains_ci(m->headers[i].name, q) || contains_ci(m->headers[i].value, q))
            return true;
    return false;
}

/* header names and values of an exchange, once its connection is read:
 * the request's, then each interim response's, then the response's */
static bool exchange_matches(const struct dec_exchange *x, const char *q, struct hit *h)
{
    if (headers_match(x->request, q)) {
        *h = (struct hit){DEC_STAGE_REQUEST_HEADERS, 0, false};
        return true;
    }
    for (size_t i = 0; i < x->ninterim; i++)
        if (headers_match(x->interim[i], q)) {
            *h = (struct hit){DEC_STAGE_RESPONSE_HEADERS, (int)i, false};
            return true;
        }
    if (headers_match(x->response, q)) {
        *h = (struct hit){DEC_STAGE_RESPONSE_HEADERS, 0, true};
        return true;
    }
    return false;
}

void ui_search_stop(struct app *a)
{
    struct search_state *s = &a->srch;
    s->active = false;
    ui_pass_close(&s->pass);
    dec_record_free(&s->rec);
    s->conn = 0;
}

/* Search the rows after the selected one (wrapping), a few at a time */
void ui_search_start(struct app *a)
{
    ui_search_stop(a);
    a->hl_search = false;
    if (!a->query[0] || a->ix.norder == 0)
        return;
    a->srch.active = true;
    a->srch.start = a->sel;
    a->srch.done = 0;
}

static void found(struct app *a, size_t pos, const struct hit *h)
{
    ui_search_stop(a);
    a->hl_search = true;
    select_row(a, pos, h->kind, h->nth, h->final, false);
    snprintf(a->msg, sizeof a->msg, _("found '%s' in exchange %zu"), a->query, pos + 1);
}

bool ui_search_step(struct app *a, int64_t budget)
{
    struct search_state *s = &a->srch;
    if (!s->active)
        return false;
    int64_t until = now_ms() * 1000 + budget;
    size_t n = a->ix.norder;
    while (s->done < n) {
        size_t pos = (s->start + s->done + 1) % n;
        struct ui_row *r = ui_app_row(a, pos);
        struct ui_crow *c = ui_app_row_conn(a, r);
        struct hit h;
        if (!(r->flags & XR_BARE)) {
            if (row_matches(r, a->query, &h)) {
                found(a, pos, &h);
                return true;
            }
            /* the headers: read that connection (or its window with this
             * exchange) into the search's own record */
            int64_t x = (int64_t)r->index;
            if (a->live) {
                struct dec_record *d = live_get(a, c->id, false);
                const struct dec_exchange *xd = d ? dec_record_x(d, x) : NULL;
                if (xd && exchange_matches(xd, a->query, &h)) {
                    found(a, pos, &h);
                    return true;
                }
            } else {
                if (!holds(&s->rec, s->conn, c->id, x)) {
                    open_detail(a, &s->rec, &s->pass, c, x);
                    s->conn = c->id;
                }
                while (!s->pass.done && now_ms() * 1000 < until)
                    ui_pass_step(&s->pass, SLICE_US);
                if (!s->pass.done)
                    break;  /* on with it at the next turn */
                const struct dec_exchange *xd = dec_record_x(&s->rec, x);
                if (xd && exchange_matches(xd, a->query, &h)) {
                    found(a, pos, &h);
                    return true;
                }
            }
        }
        s->done++;
        if (now_ms() * 1000 >= until)
            break;
    }
    if (s->done >= n) {
        ui_search_stop(a);
        snprintf(a->msg, sizeof a->msg, _("'%s' is not in any exchange"), a->query);
        return true;
    }
    char d[32], t[32];
    ui_app_fmt_count(d, sizeof d, s->done);
    ui_app_fmt_count(t, sizeof t, n);
    snprintf(a->msg, sizeof a->msg, _("searching for '%s': %s of %s exchanges looked at (Esc stops)"),
             a->query, d, t);
    return true;
}

void ui_follow_newest(struct app *a)
{
    if (!a->newest_pending)
        return;
    a->newest_pending = false;
    struct dec_record *d = live_get(a, a->newest_conn, false);
    if (!d || d->nstgs == 0)
        return;
    if (!a->follow) {
        a->unseen = a->arrived - a->unseen_base;
        return;
    }
    a->det = d;
    a->det_trimmed = d->trimmed;
    a->det_conn = a->newest_conn;
    dec_record_link(d);
    a->stage = (int)d->nstgs - 1;
    panes_enter(a);
    int64_t x = d->stgs[a->stage]->exchange;
    ui_ix_sort(&a->ix);
    for (size_t i = a->ix.norder; i-- > 0;) {
        struct ui_row *r = ui_app_row(a, i);
        if (a->ix.conns[r->conn].id == a->newest_conn && (x < 0 || (int64_t)r->index == x)) {
            a->sel = i;
            break;
        }
    }
}


/* live: the record shown dropped its oldest stages; the stage shown moved down */
void ui_live_sync(struct app *a)
{
    if (!a->live || a->det == &a->filedet)
        return;
    uint64_t shift = a->det->trimmed - a->det_trimmed;
    if (shift && a->stage >= 0)
        a->stage = (int64_t)a->stage >= (int64_t)shift ? a->stage - (int)shift : -1;
    a->det_trimmed = a->det->trimmed;
    dec_record_link(a->det);
}

void ui_live_waiting(struct app *a, char *buf, size_t n)
{
    const struct ui_run_opts *o = a->o;
    char *deflt = o->filter ? NULL : dec_pipeline_default_filter(o->ports, o->nports, true);
    const char *filter = o->filter ? o->filter : deflt;
    uint64_t frames = 0, bytes = 0;
    struct tr_capture *cap = a->main.pipe ? dec_pipeline_capture(a->main.pipe) : NULL;
    if (cap)
        tr_capture_counts(cap, &frames, &bytes);
    /* another port to try: the usual development one, or 80 */
    unsigned other = o->nports && o->ports[0] == 8000 ? 80 : 8000;
    if (frames == 0)
        snprintf(buf, n, _("listening on %s, %s: no packets yet; is the server on another port? -p %u"),
                 o->iface, filter, other);
    else
        snprintf(buf, n, P_("listening on %s, %s: %llu packet, no HTTP yet", "listening on %s, %s: %llu packets, no HTTP yet", frames),
                 o->iface, filter, (unsigned long long)frames);
    free(deflt);
}

void ui_live_free(struct app *a)
{
    for (size_t i = 0; i < a->nrecs; i++)
        dec_record_free(&a->recs[i].d);
    free(a->recs);
    a->recs = NULL;
    a->nrecs = 0;
}

const struct dec_stage *ui_stage(const struct app *a)
{
    return a->stage >= 0 && a->stage < ui_stage_count(a) ? a->det->stgs[a->stage] : NULL;
}
