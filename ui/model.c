/* model.c - the UI's model: the exchange index (built while the capture
 * loads) and the details of one connection (recorded from a second pass) */
#include "app.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ strings -- */

void sb_put(struct sbuf *b, const char *s, size_t n)
{
    xgrow(&b->p, &b->cap, b->len + n + 1, 1);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void sb_str(struct sbuf *b, const char *s)
{
    sb_put(b, s, strlen(s));
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    xgrow(&b->p, &b->cap, b->len + (size_t)n + 1, 1);
    va_start(ap, fmt);
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void sb_reset(struct sbuf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

void sb_free(struct sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

char *ui_safe_dup(const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    struct sbuf b = {0};
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f) {
            sb_put(&b, (const char *)&p[i], 1);
            continue;
        }
        if (c >= 0x80) {
            size_t k = ui_utf8_len((const unsigned char *)p + i, n - i);
            if (k) {
                sb_put(&b, p + i, k);
                i += k - 1;
                continue;
            }
        }
        char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
        if (c == '\r')
            sb_put(&b, "\\r", 2);
        else if (c == '\n')
            sb_put(&b, "\\n", 2);
        else if (c == '\t')
            sb_put(&b, "\\t", 2);
        else
            sb_put(&b, esc, 4);
    }
    if (!b.p)
        return xstrdup("");
    return b.p;
}

static char *safe_str(struct dec_str s)
{
    return s.p ? ui_safe_dup(s.p, s.len) : NULL;
}

/* ------------------------------------------------------------- index -- */

void ix_init(struct ui_index *ix)
{
    memset(ix, 0, sizeof *ix);
}

void ix_free(struct ui_index *ix)
{
    for (size_t i = 0; i < ix->nrows; i++)
        free(ix->rows[i].target);
    for (size_t i = 0; i < ix->nconns; i++)
        free(ix->conns[i].sni);
    free(ix->rows);
    free(ix->conns);
    free(ix->order);
    memset(ix, 0, sizeof *ix);
}

struct ui_crow *ix_conn(struct ui_index *ix, uint64_t id)
{
    /* connections arrive mostly in id order: search from the end */
    for (size_t i = ix->nconns; i-- > 0;)
        if (ix->conns[i].id == id)
            return &ix->conns[i];
    return NULL;
}

static uint32_t conn_slot(struct ui_index *ix, uint64_t id)
{
    struct ui_crow *c = ix_conn(ix, id);
    return c ? (uint32_t)(c - ix->conns) : UINT32_MAX;
}

static struct ui_row *row_new(struct ui_index *ix, uint32_t conn)
{
    xgrow(&ix->rows, &ix->crows, ix->nrows + 1, sizeof *ix->rows);
    struct ui_row *r = &ix->rows[ix->nrows++];
    memset(r, 0, sizeof *r);
    r->conn = conn;
    r->prev = ix->conns[conn].last_row;
    ix->conns[conn].last_row = (uint32_t)(ix->nrows - 1);
    ix->order_dirty = true;
    return r;
}

/* the row of exchange `index` on a connection, made when it first shows */
static struct ui_row *row_of(struct ui_index *ix, uint32_t conn, uint64_t index, bool *fresh)
{
    for (uint32_t i = ix->conns[conn].last_row; i != UINT32_MAX; i = ix->rows[i].prev) {
        if (ix->rows[i].index == index && !(ix->rows[i].flags & XR_BARE)) {
            *fresh = false;
            return &ix->rows[i];
        }
        if (ix->rows[i].index < index)
            break;
    }
    *fresh = true;
    struct ui_row *r = row_new(ix, conn);
    r->index = (uint32_t)index;
    ix->conns[conn].nrows++;
    return r;
}

static void i_conn(void *ctx, struct dec_conn *c)
{
    struct ui_index *ix = ctx;
    const struct tr_conn *tc = c->tc;
    xgrow(&ix->conns, &ix->cconns, ix->nconns + 1, sizeof *ix->conns);
    struct ui_crow *cr = &ix->conns[ix->nconns++];
    memset(cr, 0, sizeof *cr);
    cr->id = c->id;
    cr->client = tc->client;
    cr->server = tc->server;
    cr->syn_seen = tc->syn_seen;
    cr->first_frame = tc->first_frame;
    cr->file_offset = tc->first_file_offset;
    cr->t0 = tc->first_ts;
    cr->last_row = UINT32_MAX;
    if (!tc->syn_seen)
        ix->no_handshake++;
}

static void i_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    struct ui_index *ix = ctx;
    uint32_t slot = conn_slot(ix, c->id);
    if (slot == UINT32_MAX)
        return;
    bool fresh;
    struct ui_row *r = row_of(ix, slot, x->index, &fresh);
    ix->exchanges++;
    r->flags |= XR_DONE;
    const struct dec_message *q = &x->request, *s = &x->response;
    if (q->present && fresh) {
        r->flags |= XR_REQ;
        size_t n = q->method.len < sizeof r->method - 1 ? q->method.len : sizeof r->method - 1;
        memcpy(r->method, q->method.p, n);
        r->method[n] = '\0';
        r->target = ui_safe_dup(q->target.p, q->target.len > 160 ? 160 : q->target.len);
        r->t_start = q->ts_first;
        r->first_frame = q->first_frame;
    }
    if (s->present) {
        r->flags |= XR_RSP;
        r->status = (uint16_t)s->status;
        r->body = s->body_length;
        r->t_end = s->ts_last;
        if (!q->present) {
            r->t_start = s->ts_first;
            r->first_frame = s->first_frame;
        }
    } else {
        r->t_end = q->ts_last;
    }
    if (x->complete)
        r->flags |= XR_COMPLETE;
    if (x->keep_alive)
        r->flags |= XR_KEEP_ALIVE;
    if (x->tunnel)
        r->flags |= XR_TUNNEL;
    if (x->ninterim)
        r->flags |= XR_INTERIM;
}

/* the first stages of an exchange make its row, so it shows while in progress */
static void i_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    struct ui_index *ix = ctx;
    if (s->exchange < 0 ||
        (s->kind != DEC_STAGE_REQUEST_LINE && !(s->kind == DEC_STAGE_STATUS_LINE && !s->interim)))
        return;
    uint32_t slot = conn_slot(ix, c->id);
    if (slot == UINT32_MAX)
        return;
    bool fresh;
    struct ui_row *r = row_of(ix, slot, (uint64_t)s->exchange, &fresh);
    if (s->kind == DEC_STAGE_REQUEST_LINE) {
        r->flags |= XR_REQ;
        size_t n = s->method.len < sizeof r->method - 1 ? s->method.len : sizeof r->method - 1;
        memcpy(r->method, s->method.p, n);
        r->method[n] = '\0';
        free(r->target);
        r->target = ui_safe_dup(s->target.p, s->target.len > 160 ? 160 : s->target.len);
        r->t_start = r->t_end = s->ts;
        r->first_frame = s->nframes ? s->frames[0] : 0;
    } else {
        r->flags |= XR_RSP;
        r->status = (uint16_t)s->status;
        if (!(r->flags & XR_REQ)) {
            r->t_start = s->ts;
            r->first_frame = s->nframes ? s->frames[0] : 0;
        }
        r->t_end = s->ts_end;
    }
}

static void i_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    struct ui_index *ix = ctx;
    ix->notes++;
    switch (n->kind) {
    case DEC_NOTE_TRUNCATED:
        ix->truncated++;
        break;
    case DEC_NOTE_GAP:
        ix->gaps++;
        break;
    case DEC_NOTE_RETRANSMISSION:
        ix->retrans++;
        break;
    default:
        break;
    }
    if (!c)
        return;
    struct ui_crow *cr = ix_conn(ix, c->id);
    if (!cr)
        return;
    cr->notes++;
    if (n->kind == DEC_NOTE_TLS) {
        cr->tls = true;
        if (n->sni.p && !cr->sni)
            cr->sni = ui_safe_dup(n->sni.p, n->sni.len > 80 ? 80 : n->sni.len);
    } else if (n->kind == DEC_NOTE_NOT_HTTP) {
        cr->not_http = true;
    }
}

static void i_conn_end(void *ctx, struct dec_conn *c)
{
    struct ui_index *ix = ctx;
    struct ui_crow *cr = ix_conn(ix, c->id);
    if (!cr)
        return;
    cr->ended = true;
    cr->last_frame = c->tc->last_frame;
    if (cr->nrows == 0) {  /* a connection with no exchange still gets a row */
        struct ui_row *r = row_new(ix, (uint32_t)(cr - ix->conns));
        r->flags = XR_BARE;
        r->t_start = cr->t0;
        r->t_end = c->tc->last_ts;
        r->first_frame = cr->first_frame;
        snprintf(r->method, sizeof r->method, "%s", cr->tls ? "TLS" : "TCP");
        r->target = cr->sni ? xstrdup(cr->sni) : NULL;
    }
}

void ix_sink(struct ui_index *ix, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = ix;
    out->on_conn = i_conn;
    out->on_stage = i_stage;
    out->on_exchange = i_exchange;
    out->on_note = i_note;
    out->on_conn_end = i_conn_end;
}

static struct ui_index *sort_ix;

static int cmp_rows(const void *a, const void *b)
{
    const struct ui_row *x = &sort_ix->rows[*(const uint32_t *)a];
    const struct ui_row *y = &sort_ix->rows[*(const uint32_t *)b];
    uint64_t cx = sort_ix->conns[x->conn].id, cy = sort_ix->conns[y->conn].id;
    if (cx != cy)
        return cx < cy ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

void ix_sort(struct ui_index *ix)
{
    if (!ix->order_dirty)
        return;
    xgrow(&ix->order, &ix->corder, ix->nrows, sizeof *ix->order);
    for (size_t i = 0; i < ix->nrows; i++)
        ix->order[i] = (uint32_t)i;
    ix->norder = ix->nrows;
    sort_ix = ix;
    qsort(ix->order, ix->norder, sizeof *ix->order, cmp_rows);
    sort_ix = NULL;
    ix->order_dirty = false;
}

/* ------------------------------------------------------------ details -- */

void dt_init(struct ui_detail *d, uint64_t conn_id)
{
    memset(d, 0, sizeof *d);
    d->conn_id = conn_id;
    d->stream_cap = UI_STREAM_CAP;
    d->x_hi = -1;
    d->in_window = true;
}

void dt_window(struct ui_detail *d, int64_t lo, int64_t hi)
{
    d->x_lo = lo < 0 ? 0 : lo;
    d->x_hi = hi;
    d->x_base = d->x_lo;
    d->in_window = d->x_lo == 0;
}

const struct ui_xdet *dt_x(const struct ui_detail *d, int64_t x)
{
    if (x < d->x_base || (uint64_t)(x - d->x_base) >= d->nxs)
        return NULL;
    const struct ui_xdet *xd = &d->xs[x - d->x_base];
    return xd->seen ? xd : NULL;
}

const struct ui_xdet *dt_last_x(const struct ui_detail *d)
{
    for (size_t i = d->nxs; i-- > 0;)
        if (d->xs[i].seen)
            return &d->xs[i];
    return NULL;
}

const uint8_t *dt_bytes_at(const struct ui_stream *st, uint64_t off, size_t *avail)
{
    if (off < st->base || off - st->base >= st->len) {
        *avail = 0;
        return NULL;
    }
    *avail = st->len - (size_t)(off - st->base);
    return st->data + (off - st->base);
}

/* Is this exchange in the window? Its first stage opens the window; one
 * past it seals the details. */
static bool in_window(struct ui_detail *d, int64_t x)
{
    if (x >= 0)
        d->seen_x = true;
    if (x < 0 || d->x_hi < 0)
        return !d->sealed;
    if (x > d->x_hi) {
        d->sealed = true;
        return false;
    }
    if (x >= d->x_lo)
        d->in_window = true;
    return x >= d->x_lo;
}

static void hdrs_free(struct ui_hdr *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].name);
        free(h[i].value);
    }
    free(h);
}

static void msg_clear(struct ui_msg *m)
{
    free(m->method);
    free(m->target);
    free(m->version);
    free(m->reason);
    free(m->host);
    free(m->content_encoding);
    hdrs_free(m->hdrs, m->nhdrs);
    memset(m, 0, sizeof *m);
}

static void stg_free(struct ui_stg *s)
{
    free(s->frames);
    free(s->method);
    free(s->target);
    free(s->version);
    free(s->reason);
    free(s->content_encoding);
    free(s->preview);
    free(s->decoded);
    hdrs_free(s->hdrs, s->nhdrs);
}

void dt_free(struct ui_detail *d)
{
    for (size_t i = 0; i < d->nstgs; i++)
        stg_free(&d->stgs[i]);
    for (size_t i = 0; i < d->nnotes; i++) {
        free(d->notes[i].detail);
        free(d->notes[i].sni);
    }
    for (size_t i = 0; i < d->nxs; i++) {
        msg_clear(&d->xs[i].req);
        msg_clear(&d->xs[i].rsp);
    }
    free(d->stgs);
    free(d->pkts);
    free(d->notes);
    free(d->xs);
    free(d->bytes[0].data);
    free(d->bytes[1].data);
    memset(d, 0, sizeof *d);
}

static struct ui_hdr *hdrs_copy(const struct dec_header *h, size_t n)
{
    struct ui_hdr *out = xcalloc(n ? n : 1, sizeof *out);
    for (size_t i = 0; i < n; i++) {
        out[i].name = safe_str(h[i].name);
        out[i].value = safe_str(h[i].value);
    }
    return out;
}

static bool mine(const struct ui_detail *d, const struct dec_conn *c)
{
    return d->conn_id == 0 || (c && c->id == d->conn_id);
}

static void d_conn(void *ctx, struct dec_conn *c)
{
    struct ui_detail *d = ctx;
    if (mine(d, c) && !d->sealed)  /* sealed: the close is past the window */
        d->tc = *c->tc;
}

static int cmp_frame(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* live: forget the notes before frame `first` (not those of the whole
 * connection, frame 0) */
static void notes_trim(struct ui_detail *d, uint64_t first)
{
    size_t k = 0;
    for (size_t i = 0; i < d->nnotes; i++) {
        if (d->notes[i].frame != 0 && d->notes[i].frame < first) {
            free(d->notes[i].detail);
            free(d->notes[i].sni);
            continue;
        }
        d->notes[k++] = d->notes[i];
    }
    d->nnotes = k;
}

static void d_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    struct ui_detail *d = ctx;
    if (!mine(d, c) || !in_window(d, s->exchange))
        return;
    if (d->rolling && d->nstgs >= UI_LIVE_STAGES) {  /* live: keep the latest half */
        size_t drop = UI_LIVE_STAGES / 2;
        for (size_t i = 0; i < drop; i++)
            stg_free(&d->stgs[i]);
        memmove(d->stgs, d->stgs + drop, (d->nstgs - drop) * sizeof *d->stgs);
        d->nstgs -= drop;
        d->trimmed += drop;
        notes_trim(d, d->stgs[0].nframes ? d->stgs[0].frames[0] : 0);
    }
    xgrow(&d->stgs, &d->cstgs, d->nstgs + 1, sizeof *d->stgs);
    struct ui_stg *g = &d->stgs[d->nstgs++];
    memset(g, 0, sizeof *g);
    g->kind = s->kind;
    g->exchange = s->exchange;
    g->dir = s->dir;
    g->offset = s->offset;
    g->length = s->length;
    g->nframes = s->nframes > 4096 ? 4096 : s->nframes;
    g->frames = xreallocarray(NULL, g->nframes ? g->nframes : 1, sizeof *g->frames);
    if (g->nframes) {
        memcpy(g->frames, s->frames, g->nframes * sizeof *g->frames);
        qsort(g->frames, g->nframes, sizeof *g->frames, cmp_frame);
    }
    g->ts = s->ts;
    g->ts_end = s->ts_end;
    g->method = safe_str(s->method);
    g->target = safe_str(s->target);
    g->version = safe_str(s->version);
    g->reason = safe_str(s->reason);
    g->content_encoding = safe_str(s->content_encoding);
    g->status = s->status;
    g->interim = s->interim;
    if (s->headers) {
        g->hdrs = hdrs_copy(s->headers, s->nheaders);
        g->nhdrs = s->nheaders;
    }
    g->framing = s->framing;
    g->chunks = s->chunks;
    g->body_length = s->body_length;
    g->gap_bytes = s->gap_bytes;
    g->decoded_length = s->decoded_length;
    if (s->preview_len) {
        g->preview = xmalloc(s->preview_len);
        memcpy(g->preview, s->preview, s->preview_len);
        g->npreview = s->preview_len;
    }
    if (s->decoded_len) {
        g->decoded = xmalloc(s->decoded_len);
        memcpy(g->decoded, s->decoded, s->decoded_len);
        g->ndecoded = s->decoded_len;
    }
    g->rtt = s->rtt;
    g->how = s->how;
    g->initiator = s->initiator;
    g->ka_reason = s->reason_text;
    if (s->kind == DEC_STAGE_CLOSE)
        d->tc = *c->tc;
}

static void msg_copy(struct ui_msg *m, const struct dec_message *s)
{
    msg_clear(m);
    m->present = s->present;
    if (!s->present)
        return;
    m->complete = s->complete;
    m->method = safe_str(s->method);
    m->target = safe_str(s->target);
    m->version = safe_str(s->version);
    m->reason = safe_str(s->reason);
    m->host = safe_str(s->host);
    m->content_encoding = safe_str(s->content_encoding);
    m->status = s->status;
    m->hdrs = hdrs_copy(s->headers, s->nheaders);
    m->nhdrs = s->nheaders;
    m->framing = s->framing;
    m->body_length = s->body_length;
    m->chunks = s->chunks;
    m->decoded_length = s->decoded_length;
    m->first_frame = s->first_frame;
    m->last_frame = s->last_frame;
    m->ts_first = s->ts_first;
    m->ts_last = s->ts_last;
    m->offset = s->offset;
    m->head_length = s->head_length;
}

static void d_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    struct ui_detail *d = ctx;
    if (!mine(d, c) || !in_window(d, (int64_t)x->index) || (int64_t)x->index < d->x_base)
        return;
    size_t k = (size_t)((int64_t)x->index - d->x_base);
    if (k > 1000000)
        return;
    if (k >= d->nxs) {
        xgrow(&d->xs, &d->cxs, k + 1, sizeof *d->xs);
        memset(d->xs + d->nxs, 0, (k + 1 - d->nxs) * sizeof *d->xs);
        d->nxs = k + 1;
    }
    struct ui_xdet *xd = &d->xs[k];
    xd->seen = true;
    msg_copy(&xd->req, &x->request);
    msg_copy(&xd->rsp, &x->response);
    xd->ninterim = x->ninterim < 8 ? x->ninterim : 8;
    for (size_t i = 0; i < xd->ninterim; i++)
        xd->interim[i] = x->interim[i].status;
    xd->keep_alive = x->keep_alive;
    xd->complete = x->complete;
    xd->tunnel = x->tunnel;
}

static void d_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    struct ui_detail *d = ctx;
    if (!c || !mine(d, c))
        return;
    /* only the window's notes, and those of the connection's start (before
     * any exchange): a note of an exchange not kept would be told by the
     * kept stage nearest to it */
    bool keep = !d->sealed && (d->in_window || !d->seen_x);
    for (size_t i = d->npkts; i-- > 0;) {
        if (d->pkts[i].frame == n->frame) {
            if (n->kind < 8)
                d->pkts[i].notes |= (uint8_t)(1u << n->kind);
            break;
        }
        if (d->pkts[i].frame < n->frame)
            break;
    }
    if (!keep)
        return;
    xgrow(&d->notes, &d->cnotes, d->nnotes + 1, sizeof *d->notes);
    struct ui_dnote *o = &d->notes[d->nnotes++];
    o->frame = n->frame;
    o->kind = n->kind;
    o->detail = xstrdup(n->detail);
    o->sni = safe_str(n->sni);
    o->tls_version = n->tls_version;
}

static void d_conn_end(void *ctx, struct dec_conn *c)
{
    struct ui_detail *d = ctx;
    if (mine(d, c))
        d->tc = *c->tc;
}

static void d_segment(void *ctx, struct dec_conn *c, const struct tr_seg *s)
{
    struct ui_detail *d = ctx;
    if (!mine(d, c) || d->sealed || (!d->rolling && d->npkts >= UI_MAX_PKTS))
        return;
    if (d->rolling && d->npkts >= UI_LIVE_PKTS) {  /* live: keep the latest half */
        memmove(d->pkts, d->pkts + UI_LIVE_PKTS / 2, (d->npkts - UI_LIVE_PKTS / 2) * sizeof *d->pkts);
        d->npkts -= UI_LIVE_PKTS / 2;
    }
    if (!d->in_window && d->npkts >= 3 + 2 * UI_PRE_PKTS) {
        /* before the window: the handshake, and the latest packets */
        memmove(d->pkts + 3, d->pkts + 3 + UI_PRE_PKTS, UI_PRE_PKTS * sizeof *d->pkts);
        d->npkts -= UI_PRE_PKTS;
    }
    xgrow(&d->pkts, &d->cpkts, d->npkts + 1, sizeof *d->pkts);
    struct ui_pkt *p = &d->pkts[d->npkts++];
    p->frame = s->frame;
    p->ts = s->ts;
    p->dir = (uint8_t)s->dir;
    p->flags = s->flags;
    p->retrans = s->retransmission;
    p->ooo = s->out_of_order;
    p->rel_seq = s->rel_seq;
    p->rel_ack = s->rel_ack;
    p->len = s->len;
    p->caplen = s->caplen;
    p->window = s->window;
    p->offset = s->offset;
    p->stage = -1;
    p->notes = 0;
}

static void d_bytes(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t offset,
                    const uint8_t *data, size_t len, uint64_t frame)
{
    (void)frame;
    struct ui_detail *d = ctx;
    if (!mine(d, c) || d->sealed)
        return;
    struct ui_stream *st = &d->bytes[dir];
    uint64_t end = st->base + st->len;
    if (st->len == 0 && offset > st->base)
        st->base = end = offset;
    if (offset > end) {  /* a gap: zero bytes stand for the missing ones */
        if (offset - st->base > d->stream_cap) {
            st->capped = true;
            return;
        }
        size_t fill = (size_t)(offset - end);
        xgrow(&st->data, &st->cap, st->len + fill, 1);
        memset(st->data + st->len, 0, fill);
        st->len += fill;
        end = offset;
    }
    if (offset < end) {  /* already kept */
        if (offset + len <= end)
            return;
        data += end - offset;
        len -= (size_t)(end - offset);
    }
    size_t room = d->stream_cap > st->len ? d->stream_cap - st->len : 0;
    if (len > room) {
        len = room;
        st->capped = true;
    }
    xgrow(&st->data, &st->cap, st->len + len, 1);
    memcpy(st->data + st->len, data, len);
    st->len += len;
    if (!d->in_window && st->len > 2 * UI_PRE_BYTES) {
        /* before the window: keep the latest bytes (a whole message head) */
        size_t drop = st->len - UI_PRE_BYTES;
        memmove(st->data, st->data + drop, UI_PRE_BYTES);
        st->base += drop;
        st->len = UI_PRE_BYTES;
        st->capped = false;
    }
}

void dt_sink(struct ui_detail *d, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = d;
    out->on_conn = d_conn;
    out->on_stage = d_stage;
    out->on_exchange = d_exchange;
    out->on_note = d_note;
    out->on_conn_end = d_conn_end;
    out->on_segment = d_segment;
    out->on_bytes = d_bytes;
}

bool dt_stage_has_frame(const struct ui_stg *s, uint64_t frame)
{
    size_t lo = 0, hi = s->nframes;
    while (lo < hi) {  /* frames are sorted */
        size_t mid = (lo + hi) / 2;
        if (s->frames[mid] < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nframes && s->frames[lo] == frame;
}

/* the packet of a frame (packets are in frame order), or -1 */
long dt_pkt_of(const struct ui_detail *d, uint64_t frame)
{
    size_t lo = 0, hi = d->npkts;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->pkts[mid].frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < d->npkts && d->pkts[lo].frame == frame ? (long)lo : -1;
}

void dt_link(struct ui_detail *d)
{
    for (size_t i = 0; i < d->npkts; i++)
        d->pkts[i].stage = -1;
    /* each stage claims the packets of its frames, the first stage first */
    for (size_t k = 0; k < d->nstgs; k++) {
        const struct ui_stg *s = &d->stgs[k];
        bool any = s->kind == DEC_STAGE_HANDSHAKE || s->kind == DEC_STAGE_CLOSE;
        for (size_t f = 0; f < s->nframes; f++) {
            long p = dt_pkt_of(d, s->frames[f]);
            if (p < 0 || d->pkts[p].stage >= 0)
                continue;
            if (any || (d->pkts[p].len > 0 && d->pkts[p].dir == s->dir))
                d->pkts[p].stage = (int32_t)k;
        }
    }
}

int dt_first_stage(const struct ui_detail *d, int64_t exchange)
{
    for (size_t k = 0; k < d->nstgs; k++)
        if (d->stgs[k].exchange == exchange)
            return (int)k;
    return -1;
}
