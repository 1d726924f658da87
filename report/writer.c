/* writer.c - one pass over a capture, several outputs: the decoder's events
 * go to the transcripts as they pass, and into a record per open
 * connection that the documents write when the connection ends; at the
 * end of the capture each document is put together from its spool */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define FRAME_NOTES_MAX 1000     /* frame-level notes kept for the documents */
#define LOOKUPS_MAX 64           /* DNS lookups without an answer or with an error, likewise */

/* a connection open now (dec_conn.user) */
struct rep_conn {
    struct dec_record rec;
    struct dec_sink rs;          /* the record's sink */
};

/* the rows a connection has in the UI's list, once it ended */
struct rep_rowcount {
    uint64_t conn, rows, base;
};

struct rep_writer {
    struct rep_out outs[REP_FORMAT_COUNT];
    size_t nouts;
    struct rep_out *by_fmt[REP_FORMAT_COUNT];
    struct dec_sink json;        /* the JSON transcript's callbacks (none: all NULL) */
    bool live, utf8;
    bool records;                /* some output needs the record of a connection */
    size_t show, har_preview;
    uint64_t goto_x;
    int json_version;            /* 1 or 2 */
    uint64_t exchanges;          /* exchange events (-c) */
    uint64_t live_num;           /* live text: exchanges numbered so far */
    struct rep_rowcount *rc;
    size_t nrc, crc;
    bool rc_sorted;
    uint64_t total_rows;
    const struct dec_note **fnotes;
    size_t nfnotes, cfnotes;
    uint64_t fnotes_more;
    const struct dec_dns_line **lookups;  /* that no connection can follow (references) */
    size_t nlookups, clookups;
    struct rep_page *pages;
    size_t npages, cpages;
    struct rep_capture_info ci;
    char *ci_source, *ci_link;
    const char *failed;
    bool goto_found;
    uint64_t goto_conn;
    int64_t goto_row;
};

static const char *const format_names[REP_FORMAT_COUNT] = {
    [REP_FORMAT_JSON] = "json", [REP_FORMAT_TEXT] = "text", [REP_FORMAT_STATS] = "stats",
    [REP_FORMAT_HTML] = "html", [REP_FORMAT_MD] = "md",     [REP_FORMAT_SVG] = "svg",
    [REP_FORMAT_HAR] = "har",
};

const char *rep_format_name(enum rep_format f)
{
    return (unsigned)f < REP_FORMAT_COUNT ? format_names[f] : "?";
}

/* is this output a document put together at the end (rather than lines
 * written as the events pass)? */
static bool spooled(const struct rep_out *o)
{
    switch (o->format) {
    case REP_FORMAT_TEXT:
        return !o->live;
    case REP_FORMAT_HTML:
    case REP_FORMAT_MD:
    case REP_FORMAT_SVG:
    case REP_FORMAT_HAR:
        return true;
    default:
        return false;
    }
}

static bool add_out(struct rep_writer *w, enum rep_format f, FILE *out, const char *name,
                    char *errbuf)
{
    if ((unsigned)f >= REP_FORMAT_COUNT || w->by_fmt[f]) {
        snprintf(errbuf, TR_ERRBUF_SIZE, "the %s output is given twice", rep_format_name(f));
        return false;
    }
    struct rep_out *o = &w->outs[w->nouts++];
    memset(o, 0, sizeof *o);
    o->format = f;
    o->name = name ? name : "standard output";
    o->live = w->live;
    o->utf8 = w->utf8;
    o->w = w;
    o->svg_best = UINT64_MAX;
    o->v1 = w->json_version == 1;
    rep_ob_init(&o->ob, out);
    w->by_fmt[f] = o;
    if (spooled(o) && !rep_spool_open(&o->sp, errbuf))
        return false;
    if (f != REP_FORMAT_JSON && f != REP_FORMAT_STATS)
        w->records = true;
    if (f == REP_FORMAT_JSON)
        rep_json_sink(o, &w->json);
    return true;
}

struct rep_writer *rep_writer_new(const struct rep_writer_opts *opts, char *errbuf)
{
    struct rep_writer *w = tr_xcalloc(1, sizeof *w);
    w->live = opts->live;
    w->utf8 = opts->utf8;
    w->show = opts->preview ? opts->preview : REP_SHOW_DEFAULT;
    w->har_preview = opts->preview ? opts->preview : DEC_DEFAULT_PREVIEW;
    w->goto_x = opts->goto_x;
    w->json_version = opts->json_version ? opts->json_version : 2;
    bool ok = !opts->out || add_out(w, opts->format, opts->out, NULL, errbuf);
    for (size_t i = 0; ok && i < opts->nmore; i++)
        ok = add_out(w, opts->more[i].format, opts->more[i].out, opts->more[i].name, errbuf);
    if (!ok) {
        rep_writer_free(w);
        return NULL;
    }
    return w;
}

size_t rep_writer_preview(const struct rep_writer *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->nouts; i++) {
        size_t k = w->outs[i].format == REP_FORMAT_HAR ? w->har_preview
                   : w->outs[i].format == REP_FORMAT_JSON || w->outs[i].format == REP_FORMAT_STATS
                       ? 0
                       : w->show;
        n = k > n ? k : n;
    }
    return n;
}

/* -------------------------------------------------------------- events -- */

static struct rep_conn *conn_of(const struct dec_conn *c)
{
    return c ? c->user : NULL;
}

#define EACH_OUT(w, o) for (struct rep_out *o = (w)->outs; o < (w)->outs + (w)->nouts; o++)

static void w_conn(void *ctx, struct dec_conn *c)
{
    struct rep_writer *w = ctx;
    if (w->json.on_conn)
        w->json.on_conn(w->json.ctx, c);
    struct rep_conn *rc = NULL;
    if (w->records) {
        rc = tr_xcalloc(1, sizeof *rc);
        dec_record_init(&rc->rec, c->id);
        /* live, a connection may last for ever: keep its latest stages */
        rc->rec.rolling = w->live;
        dec_record_sink(&rc->rec, &rc->rs);
        c->user = rc;
        rc->rs.on_conn(rc->rs.ctx, c);
    }
    struct rep_out *t = w->by_fmt[REP_FORMAT_TEXT];
    if (t && t->live) {
        rep_text_live_conn(t, c);
        /* step 0: the record put the lookup first */
        if (rc && rc->rec.nstgs && rc->rec.stgs[0]->kind == DEC_STAGE_DNS_LOOKUP)
            rep_text_live_stage(t, c, &rc->rec, rc->rec.stgs[0], w->show);
    }
}

static void w_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    struct rep_writer *w = ctx;
    if (w->json.on_stage)
        w->json.on_stage(w->json.ctx, c, s);
    struct rep_conn *rc = conn_of(c);
    if (rc)
        rc->rs.on_stage(rc->rs.ctx, c, s);
    struct rep_out *t = w->by_fmt[REP_FORMAT_TEXT];
    if (t && t->live)
        rep_text_live_stage(t, c, rc ? &rc->rec : NULL, s, w->show);
}

/* a browser's page (HAR), from the exchange that loaded it */
static void find_page(struct rep_writer *w, const struct dec_conn *c, const struct dec_exchange *x)
{
    struct tr_sbuf b = {0};
    if (rep_har_page_of(x, c->tc, &b)) {
        tr_xgrow(&w->pages, &w->cpages, w->npages + 1, sizeof *w->pages);
        w->pages[w->npages++] =
            (struct rep_page){tr_sb_take(&b), x->request->ts_first, c->id, (int64_t)x->index};
    }
    tr_sb_free(&b);
}

static void w_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    struct rep_writer *w = ctx;
    w->exchanges++;
    if (w->json.on_exchange)
        w->json.on_exchange(w->json.ctx, c, x);
    struct rep_conn *rc = conn_of(c);
    if (rc)
        rc->rs.on_exchange(rc->rs.ctx, c, x);
    if (w->by_fmt[REP_FORMAT_HAR])
        find_page(w, c, x);
    struct rep_out *t = w->by_fmt[REP_FORMAT_TEXT];
    if (t && t->live)
        rep_text_live_exchange(t, c, x, ++w->live_num);
}

static void w_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    struct rep_writer *w = ctx;
    if (w->json.on_note)
        w->json.on_note(w->json.ctx, c, n);
    struct rep_conn *rc = conn_of(c);
    if (rc)
        rc->rs.on_note(rc->rs.ctx, c, n);
    struct rep_out *t = w->by_fmt[REP_FORMAT_TEXT];
    if (t && t->live)
        rep_text_live_note(t, c, n);
    else if (!c && w->records) {
        if (w->nfnotes < FRAME_NOTES_MAX) {
            tr_xgrow(&w->fnotes, &w->cfnotes, w->nfnotes + 1, sizeof *w->fnotes);
            w->fnotes[w->nfnotes++] = dec_note_ref(n);
        } else {
            w->fnotes_more++;
        }
    }
}

static void w_segment(void *ctx, struct dec_conn *c, const struct tr_seg *s)
{
    (void)ctx;
    struct rep_conn *rc = conn_of(c);
    if (rc)
        rc->rs.on_segment(rc->rs.ctx, c, s);
}

static void w_plain(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t offset,
                    const uint8_t *data, size_t len, uint64_t frame)
{
    (void)ctx;
    struct rep_conn *rc = conn_of(c);
    if (rc)
        rc->rs.on_plain(rc->rs.ctx, c, dir, offset, data, len, frame);
}

static void w_dns(void *ctx, const struct dec_dns_line *d)
{
    struct rep_writer *w = ctx;
    if (w->json.on_dns)
        w->json.on_dns(w->json.ctx, d);
    /* the documents tell, at their end, the lookups no connection can follow
     * (a mistyped name's NXDOMAIN): no connection's step 0 shows them */
    bool failed = !d->answered || strcmp(d->rcode, "NOERROR") != 0;
    if (failed && w->records && !w->live && w->nlookups < LOOKUPS_MAX) {
        tr_xgrow(&w->lookups, &w->clookups, w->nlookups + 1, sizeof *w->lookups);
        w->lookups[w->nlookups++] = dec_dns_line_ref(d);
    }
}

static void w_bytes(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t offset,
                    const uint8_t *data, size_t len, uint64_t frame)
{
    (void)ctx;
    struct rep_conn *rc = conn_of(c);
    if (rc)
        rc->rs.on_bytes(rc->rs.ctx, c, dir, offset, data, len, frame);
}

/* a connection ended: each document writes it, then its record goes */
static void w_conn_end(void *ctx, struct dec_conn *c)
{
    struct rep_writer *w = ctx;
    if (w->json.on_conn_end)
        w->json.on_conn_end(w->json.ctx, c);
    struct rep_conn *rc = conn_of(c);
    if (!rc)
        return;
    rc->rs.on_conn_end(rc->rs.ctx, c);
    dec_record_link(&rc->rec);
    struct rep_walk wk;
    rep_walk_init(&wk, &rc->rec);
    tr_xgrow(&w->rc, &w->crc, w->nrc + 1, sizeof *w->rc);
    w->rc[w->nrc++] = (struct rep_rowcount){c->id, wk.nrows, 0};
    w->rc_sorted = false;
    struct rep_ren rn = {.wk = &wk, .num_base = -1, .show = w->show, .highlight = -1,
                         .utf8 = w->utf8};
    EACH_OUT(w, o) {
        switch (o->format) {
        case REP_FORMAT_TEXT:
            if (o->live)
                rep_text_live_end(o, c);
            else
                rep_text_conn(o, &rn, c);
            break;
        case REP_FORMAT_HTML:
            rep_html_conn(o, &rn, c);
            break;
        case REP_FORMAT_MD:
            rep_md_conn(o, &rn, c);
            break;
        case REP_FORMAT_SVG:
            rep_svg_conn(o, &rn, w->goto_x != 0);
            break;
        case REP_FORMAT_HAR: {
            struct rep_ren hr = rn;
            hr.show = w->har_preview;
            rep_har_conn(o, &hr, w->pages, w->npages);
            break;
        }
        default:
            break;
        }
    }
    rep_walk_done(&wk);
    dec_record_free(&rc->rec);
    free(rc);
    c->user = NULL;
}

void rep_writer_sink(struct rep_writer *w, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = w;
    out->on_conn = w_conn;
    out->on_stage = w_stage;
    out->on_exchange = w_exchange;
    out->on_note = w_note;
    out->on_conn_end = w_conn_end;
    out->on_dns = w_dns;
    if (w->records) {
        out->on_segment = w_segment;
        out->on_bytes = w_bytes;
        out->on_plain = w_plain;
    }
}

/* ------------------------------------------------------------- the end -- */

static int cmp_rc(const void *pa, const void *pb)
{
    const struct rep_rowcount *a = pa, *b = pb;
    return a->conn < b->conn ? -1 : a->conn > b->conn;
}

/* the rows of every connection in the order of the UI's list */
static void number_rows(struct rep_writer *w)
{
    if (w->rc_sorted)
        return;
    if (w->nrc)
        if (w->nrc)
        qsort(w->rc, w->nrc, sizeof *w->rc, cmp_rc);
    uint64_t base = 0;
    for (size_t i = 0; i < w->nrc; i++) {
        w->rc[i].base = base;
        base += w->rc[i].rows;
    }
    w->total_rows = base;
    w->rc_sorted = true;
    w->goto_found = false;
    for (size_t i = 0; w->goto_x && i < w->nrc; i++)
        if (w->goto_x > w->rc[i].base && w->goto_x <= w->rc[i].base + w->rc[i].rows) {
            w->goto_found = true;
            w->goto_conn = w->rc[i].conn;
            w->goto_row = (int64_t)(w->goto_x - w->rc[i].base - 1);
        }
}

static uint64_t base_of(const struct rep_writer *w, uint64_t conn)
{
    size_t lo = 0, hi = w->nrc;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (w->rc[mid].conn < conn)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < w->nrc && w->rc[lo].conn == conn ? w->rc[lo].base : 0;
}

void rep_writer_capture(struct rep_writer *w, const struct rep_capture_info *ci)
{
    free(w->ci_source);
    free(w->ci_link);
    w->ci = *ci;
    w->ci.source = w->ci_source = tr_xstrdup(ci->source);
    w->ci.link_type = w->ci_link = tr_xstrdup(ci->link_type);
    EACH_OUT(w, o) {
        if (o->format == REP_FORMAT_JSON)
            rep_json_capture(o, ci);
        else if (o->format == REP_FORMAT_TEXT)
            rep_text_capture(o, ci);
    }
}

void rep_writer_stats(struct rep_writer *w, const struct dec_run_stats *st)
{
    number_rows(w);
    struct rep_end e = {
        .ci = &w->ci, .st = st, .goto_x = w->goto_x,
        .goto_conn = w->goto_found ? w->goto_conn : 0, .goto_row = w->goto_row,
        .rows = w->total_rows, .http_conns = w->nrc, .fnotes = w->fnotes, .nfnotes = w->nfnotes,
        .fnotes_more = w->fnotes_more, .lookups = w->lookups, .nlookups = w->nlookups,
        .utf8 = w->utf8, .show = w->show, .base = base_of, .w = w,
        .pages = w->pages, .npages = w->npages,
    };
    if (!w->ci.source)
        e.ci = &(struct rep_capture_info){"-", "?", 0, w->live};
    EACH_OUT(w, o) {
        switch (o->format) {
        case REP_FORMAT_JSON:
        case REP_FORMAT_STATS:
            rep_json_stats(o, st, true);
            break;
        case REP_FORMAT_TEXT:
            rep_text_end(o, &e);
            break;
        case REP_FORMAT_HTML:
            rep_html_end(o, &e);
            break;
        case REP_FORMAT_MD:
            rep_md_end(o, &e);
            break;
        case REP_FORMAT_SVG:
            rep_svg_end(o, &e);
            break;
        case REP_FORMAT_HAR:
            rep_har_end(o, &e);
            break;
        default:
            break;
        }
        if (o->sp.f && (o->sp.ob.err || ferror(o->sp.f)))
            o->ob.err = true;
    }
}

uint64_t rep_writer_exchanges(const struct rep_writer *w)
{
    return w->exchanges;
}

bool rep_writer_goto_found(const struct rep_writer *w, uint64_t *total)
{
    if (total)
        *total = w->total_rows;
    return !w->goto_x || w->goto_found;
}

bool rep_writer_flush(struct rep_writer *w)
{
    bool ok = true;
    EACH_OUT(w, o) {
        if (!rep_ob_flush(&o->ob) && ok) {
            int e = errno;
            w->failed = o->name;
            ok = false;
            errno = e;
        }
    }
    return ok;
}

const char *rep_writer_failed(const struct rep_writer *w)
{
    return w->failed ? w->failed : "standard output";
}

void rep_writer_free(struct rep_writer *w)
{
    if (!w)
        return;
    EACH_OUT(w, o) {
        rep_ob_done(&o->ob);
        rep_spool_close(&o->sp);
        free(o->v1skip);
    }
    for (size_t i = 0; i < w->nfnotes; i++)
        dec_note_unref(w->fnotes[i]);
    free(w->fnotes);
    for (size_t i = 0; i < w->nlookups; i++)
        dec_dns_line_unref(w->lookups[i]);
    free(w->lookups);
    for (size_t i = 0; i < w->npages; i++)
        free(w->pages[i].url);
    free(w->pages);
    free(w->rc);
    free(w->ci_source);
    free(w->ci_link);
    free(w);
}

void rep_ren_numfmt(const struct rep_ren *rn, size_t row, const char *fmt,
                    void (*put)(struct rep_obuf *o, const char *s, size_t n))
{
    const char *at = strstr(fmt, "%s");
    if (!at) {
        put(rn->o, fmt, strlen(fmt));
        return;
    }
    put(rn->o, fmt, (size_t)(at - fmt));
    rep_ren_num(rn, row);
    put(rn->o, at + 2, strlen(at + 2));
}

void rep_ren_num(const struct rep_ren *rn, size_t row)
{
    if (rn->num_base < 0)
        rep_spool_num(rn->o, row);
    else if (rn->num_base < INT64_MAX)
        rep_ob_u64(rn->o, (uint64_t)rn->num_base + row + 1);
}
