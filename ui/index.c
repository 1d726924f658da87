/* index.c - the exchange list's index: a few hundred bytes per exchange,
 * built while the capture loads (the details of a connection are a
 * struct dec_record, read again from the file on demand) */
#include "app.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- index -- */

void ui_ix_init(struct ui_index *ix)
{
    memset(ix, 0, sizeof *ix);
}

void ui_ix_free(struct ui_index *ix)
{
    for (size_t i = 0; i < ix->nrows; i++) {
        free(ix->rows[i].target);
        free(ix->rows[i].reason);
    }
    for (size_t i = 0; i < ix->nconns; i++) {
        free(ix->conns[i].sni);
        dec_dns_line_unref(ix->conns[i].dns);
    }
    for (size_t i = 0; i < ix->nlookups; i++)
        dec_dns_line_unref(ix->lookups[i]);
    free(ix->lookups);
    free(ix->rows);
    free(ix->conns);
    free(ix->order);
    memset(ix, 0, sizeof *ix);
}

struct ui_crow *ui_ix_conn(struct ui_index *ix, uint64_t id)
{
    /* connections arrive mostly in id order: search from the end */
    for (size_t i = ix->nconns; i-- > 0;)
        if (ix->conns[i].id == id)
            return &ix->conns[i];
    return NULL;
}

static uint32_t conn_slot(struct ui_index *ix, uint64_t id)
{
    struct ui_crow *c = ui_ix_conn(ix, id);
    return c ? (uint32_t)(c - ix->conns) : UINT32_MAX;
}

static struct ui_row *row_new(struct ui_index *ix, uint32_t conn)
{
    tr_xgrow(&ix->rows, &ix->crows, ix->nrows + 1, sizeof *ix->rows);
    struct ui_row *r = &ix->rows[ix->nrows++];
    memset(r, 0, sizeof *r);
    r->conn = conn;
    r->decoded = -1;
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
    ix->conns[conn].had_rows = true;
    return r;
}

#define REASON_MAX 40  /* bytes of a reason phrase kept for the list */

/* the status and the reason phrase as the wire said them ("302 Moved
 * Temporarily", not the registry's "302 Found") */
static void row_status(struct ui_row *r, const struct dec_msg *m)
{
    r->status = m->status;
    free(r->reason);
    r->reason = NULL;
    if (m->reason.p && m->reason.len) {
        size_t n = m->reason.len > REASON_MAX ? REASON_MAX : m->reason.len;
        while (n > 0 && n < m->reason.len && ((unsigned char)m->reason.p[n] & 0xc0) == 0x80)
            n--;  /* cut at a character */
        r->reason = teach_safe_dup(m->reason.p, n);
    }
}

/* the list's status column fits the widest status: "100→201 Created" */
static void status_width(struct ui_index *ix, const struct ui_row *r)
{
    int w = 3 + (r->reason ? 1 + (int)strlen(r->reason) : 0) + (r->interim ? 4 : 0);
    if (w > ix->status_w)
        ix->status_w = w;
}

static void i_conn(void *ctx, struct dec_conn *c)
{
    struct ui_index *ix = ctx;
    const struct tr_conn *tc = c->tc;
    tr_xgrow(&ix->conns, &ix->cconns, ix->nconns + 1, sizeof *ix->conns);
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
    cr->dns = dec_dns_line_ref(c->dns);
    cr->dns_seen = c->dns_seen;
    if (!tc->syn_seen)
        ix->no_handshake++;
}

static void i_dns(void *ctx, const struct dec_dns_line *d)
{
    struct ui_index *ix = ctx;
    if (ix->nlookups >= UI_IX_LOOKUPS)
        return;
    if (!ix->lookups)
        ix->lookups = tr_xreallocarray(NULL, UI_IX_LOOKUPS, sizeof *ix->lookups);
    ix->lookups[ix->nlookups++] = dec_dns_line_ref(d);
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
    const struct dec_msg *q = x->request, *s = x->response;
    if (q && fresh) {
        r->flags |= XR_REQ;
        size_t n = q->method.len < sizeof r->method - 1 ? q->method.len : sizeof r->method - 1;
        memcpy(r->method, q->method.p, n);
        r->method[n] = '\0';
        r->target = teach_safe_dup(q->target.p, q->target.len > 160 ? 160 : q->target.len);
        r->t_start = q->ts_first;
        r->first_frame = q->first_frame;
    }
    if (s) {
        r->flags |= XR_RSP;
        row_status(r, s);
        status_width(ix, r);
        r->body = s->body_length;
        r->decoded = s->framing == DEC_FRAMING_NONE ? 0
                     : s->decoded_length >= 0       ? s->decoded_length
                     : !s->content_encoding.p       ? (int64_t)s->body_length
                                                    : -1;
        r->t_end = s->ts_last;
        if (!q) {
            r->t_start = s->ts_first;
            r->first_frame = s->first_frame;
        }
    } else if (q) {
        r->t_end = q->ts_last;
    }
    r->stream = x->stream;
    r->pushed = x->pushed;
    r->tls |= (q && q->tls) || (s && s->tls);
    if (x->complete)
        r->flags |= XR_COMPLETE;
    if (x->keep_alive)
        r->flags |= XR_KEEP_ALIVE;
    if (x->tunnel)
        r->flags |= XR_TUNNEL;
    if (x->ninterim) {
        r->flags |= XR_INTERIM;
        r->interim = x->interim[0]->status;
    }
}

/* the first stages of an exchange make its row, so it shows while in
 * progress; an interim status line and the body's bytes on the wire are
 * kept for the list */
static void i_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    struct ui_index *ix = ctx;
    if (s->exchange < 0 || (s->kind != DEC_STAGE_REQUEST_LINE && s->kind != DEC_STAGE_STATUS_LINE &&
                            s->kind != DEC_STAGE_RESPONSE_BODY))
        return;
    const struct dec_msg *m = s->msg;
    uint32_t slot = conn_slot(ix, c->id);
    if (slot == UINT32_MAX)
        return;
    bool fresh;
    struct ui_row *r = row_of(ix, slot, (uint64_t)s->exchange, &fresh);
    if (s->stream)
        r->stream = s->stream;
    r->tls |= s->tls;
    if (s->kind == DEC_STAGE_REQUEST_LINE) {
        r->flags |= XR_REQ;
        size_t n = m->method.len < sizeof r->method - 1 ? m->method.len : sizeof r->method - 1;
        memcpy(r->method, m->method.p, n);
        r->method[n] = '\0';
        free(r->target);
        r->target = teach_safe_dup(m->target.p, m->target.len > 160 ? 160 : m->target.len);
        r->t_start = r->t_end = s->ts;
        r->first_frame = s->nframes ? s->frames[0] : 0;
    } else if (s->kind == DEC_STAGE_RESPONSE_BODY) {
        r->wire_body = s->length;
    } else if (dec_stage_interim(s)) {
        r->flags |= XR_INTERIM;
        if (!r->interim)
            r->interim = m->status;
    } else {
        r->flags |= XR_RSP;
        row_status(r, m);
        status_width(ix, r);
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
    case DEC_NOTE_OUT_OF_ORDER:
        ix->out_of_order++;
        break;
    default:
        break;
    }
    if (!c)
        return;
    struct ui_crow *cr = ui_ix_conn(ix, c->id);
    if (!cr)
        return;
    cr->notes++;
    if (n->kind == DEC_NOTE_TLS) {
        cr->tls = true;
        if (n->sni.p && !cr->sni)
            cr->sni = teach_safe_dup(n->sni.p, n->sni.len > 80 ? 80 : n->sni.len);
    } else if (n->kind == DEC_NOTE_NOT_HTTP) {
        cr->not_http = true;
    }
}

static void i_conn_end(void *ctx, struct dec_conn *c)
{
    struct ui_index *ix = ctx;
    struct ui_crow *cr = ui_ix_conn(ix, c->id);
    if (!cr)
        return;
    cr->ended = true;
    cr->last_frame = c->tc->last_frame;
    if (cr->nrows == 0 && !cr->had_rows) {  /* a connection with no exchange still gets a row */
        struct ui_row *r = row_new(ix, (uint32_t)(cr - ix->conns));
        r->flags = XR_BARE;
        r->t_start = cr->t0;
        r->t_end = c->tc->last_ts;
        r->first_frame = cr->first_frame;
        snprintf(r->method, sizeof r->method, "%s", cr->tls ? "TLS" : "TCP");
        r->target = cr->sni ? tr_xstrdup(cr->sni) : NULL;
    }
}

void ui_ix_sink(struct ui_index *ix, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = ix;
    out->on_conn = i_conn;
    out->on_stage = i_stage;
    out->on_exchange = i_exchange;
    out->on_note = i_note;
    out->on_conn_end = i_conn_end;
    out->on_dns = i_dns;
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

/* The display order grows as rows arrive: rows are made in arrival order and
 * never change their key, so the order is kept sorted and only the rows
 * new since the last call are sorted, then merged in from the first place
 * one of them goes (most often the end: appended). */
void ui_ix_sort(struct ui_index *ix)
{
    if (!ix->order_dirty)
        return;
    ix->order_dirty = false;
    size_t old = ix->norder, k = ix->nrows - old;
    if (!k)
        return;
    tr_xgrow(&ix->order, &ix->corder, ix->nrows, sizeof *ix->order);
    uint32_t *tail = ix->order + old;
    for (size_t i = 0; i < k; i++)
        tail[i] = (uint32_t)(old + i);
    sort_ix = ix;
    if (k > 1)
        qsort(tail, k, sizeof *tail, cmp_rows);
    ix->norder = ix->nrows;
    if (!old || cmp_rows(&ix->order[old - 1], &tail[0]) <= 0) {
        sort_ix = NULL;
        return;  /* in order already: appended */
    }
    /* the first place a new row goes: after every row not greater */
    size_t lo = 0, hi = old;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_rows(&ix->order[mid], &tail[0]) <= 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* merge order[lo, old) with the new rows, from the back, in place:
     * the new rows are copied out first */
    uint32_t *fresh = tr_xreallocarray(NULL, k, sizeof *fresh);
    memcpy(fresh, tail, k * sizeof *fresh);
    size_t i = old, j = k, w = old + k;
    while (j > 0) {
        if (i > lo && cmp_rows(&ix->order[i - 1], &fresh[j - 1]) > 0)
            ix->order[--w] = ix->order[--i];
        else
            ix->order[--w] = fresh[--j];
    }
    free(fresh);
    sort_ix = NULL;
}

void ui_ix_drop_oldest(struct ui_index *ix, size_t drop, size_t *pos)
{
    ui_ix_sort(ix);
    if (drop > ix->nrows)
        drop = ix->nrows;
    if (!drop)
        return;
    uint32_t kept = *pos < ix->norder ? ix->order[*pos] : UINT32_MAX;
    for (size_t i = 0; i < drop; i++) {
        struct ui_row *r = &ix->rows[i];
        free(r->target);
        free(r->reason);
        if (!(r->flags & XR_BARE))
            ix->conns[r->conn].nrows--;
    }
    memmove(ix->rows, ix->rows + drop, (ix->nrows - drop) * sizeof *ix->rows);
    ix->nrows -= drop;
    for (size_t i = 0; i < ix->nrows; i++) {
        uint32_t p = ix->rows[i].prev;
        ix->rows[i].prev = p == UINT32_MAX || p < drop ? UINT32_MAX : p - (uint32_t)drop;
    }
    /* the connections: those ended without a row left go */
    uint32_t *map = tr_xreallocarray(NULL, ix->nconns ? ix->nconns : 1, sizeof *map);
    size_t nc = 0;
    for (size_t c = 0; c < ix->nconns; c++) {
        struct ui_crow *cr = &ix->conns[c];
        uint32_t l = cr->last_row;
        cr->last_row = l == UINT32_MAX || l < drop ? UINT32_MAX : l - (uint32_t)drop;
        if (cr->ended && cr->last_row == UINT32_MAX) {
            free(cr->sni);
            map[c] = UINT32_MAX;
            continue;
        }
        map[c] = (uint32_t)nc;
        ix->conns[nc++] = *cr;
    }
    ix->nconns = nc;
    for (size_t i = 0; i < ix->nrows; i++)
        ix->rows[i].conn = map[ix->rows[i].conn];  /* a row's connection is kept */
    free(map);
    /* the order, without the rows dropped (still sorted) */
    size_t w = 0;
    *pos = SIZE_MAX;
    for (size_t i = 0; i < ix->norder; i++) {
        uint32_t o = ix->order[i];
        if (o < drop)
            continue;
        if (o == kept)
            *pos = w;
        ix->order[w++] = o - (uint32_t)drop;
    }
    ix->norder = w;
}
