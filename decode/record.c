/* record.c - the model of one connection kept for reading back: the
 * stages, exchanges and notes it was given (by reference), its packets,
 * and its two byte streams, within a window of exchanges for a long
 * connection, or rolling over the latest for a live one
 */
#include "decode_int.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(DEC_NOTE_COUNT <= 64, "struct dec_pkt.notes holds a bit per note kind");

void dec_record_init(struct dec_record *r, uint64_t conn_id)
{
    memset(r, 0, sizeof *r);
    r->conn_id = conn_id;
    r->stream_cap = DEC_REC_STREAM_CAP;
    r->x_hi = -1;
    r->in_window = true;
}

void dec_record_window(struct dec_record *r, int64_t lo, int64_t hi)
{
    r->x_lo = lo < 0 ? 0 : lo;
    r->x_hi = hi;
    r->x_base = r->x_lo;
    r->in_window = r->x_lo == 0;
}

const struct dec_exchange *dec_record_x(const struct dec_record *r, int64_t x)
{
    if (x < r->x_base || (uint64_t)(x - r->x_base) >= r->nxs)
        return NULL;
    return r->xs[x - r->x_base];
}

const struct dec_exchange *dec_record_last_x(const struct dec_record *r)
{
    for (size_t i = r->nxs; i-- > 0;)
        if (r->xs[i])
            return r->xs[i];
    return NULL;
}

const uint8_t *dec_stream_at(const struct dec_stream *st, uint64_t off, size_t *avail)
{
    if (off < st->base || off - st->base >= st->len) {
        *avail = 0;
        return NULL;
    }
    *avail = st->len - (size_t)(off - st->base);
    return st->data + (off - st->base);
}

void dec_record_free(struct dec_record *r)
{
    for (size_t i = 0; i < r->nstgs; i++)
        dec_stage_unref(r->stgs[i]);
    for (size_t i = 0; i < r->nnotes; i++)
        dec_note_unref(r->notes[i]);
    for (size_t i = 0; i < r->nxs; i++)
        dec_exchange_unref(r->xs[i]);
    free(r->stgs);
    free(r->pkts);
    free(r->notes);
    free(r->xs);
    for (int d = 0; d < 2; d++) {
        free(r->bytes[d].data);
        free(r->plain[d].data);
    }
    memset(r, 0, sizeof *r);
}

/* Is this exchange in the window? Its first stage opens the window; one
 * past it seals the record. */
static bool in_window(struct dec_record *r, int64_t x)
{
    if (x >= 0)
        r->seen_x = true;
    if (x < 0 || r->x_hi < 0)
        return !r->sealed;
    if (x > r->x_hi) {
        r->sealed = true;
        return false;
    }
    if (x >= r->x_lo)
        r->in_window = true;
    return x >= r->x_lo;
}

static bool mine(const struct dec_record *r, const struct dec_conn *c)
{
    return r->conn_id == 0 || (c && c->id == r->conn_id);
}

static void keep_tc(struct dec_record *r, const struct dec_conn *c)
{
    r->tc = *c->tc;
    r->have_tc = true;
    r->version++;
}

static void r_conn(void *ctx, struct dec_conn *c)
{
    struct dec_record *r = ctx;
    if (mine(r, c) && !r->sealed)  /* sealed: the close is past the window */
        keep_tc(r, c);
    if (mine(r, c) && r->conn_id && (c->dns || c->dns_seen))
        dec_record_set_dns(r, c->dns, c->dns_seen);
}

void dec_record_set_dns(struct dec_record *r, const struct dec_dns_line *dns, bool dns_seen)
{
    r->dns_seen = r->dns_seen || dns_seen;
    if (!dns || (r->nstgs && r->stgs[0]->kind == DEC_STAGE_DNS_LOOKUP))
        return;
    struct dec_stage *s = dec_stage_new(DEC_STAGE_DNS_LOOKUP, dns->answered ? 2 : 1);
    s->conn = r->conn_id;
    s->exchange = -1;
    s->dir = TR_DIR_C2S;
    s->ts = dns->ts;
    s->ts_end = dns->answered ? dns->response_ts : dns->ts;
    s->frames[0] = dns->frame;
    if (dns->answered)
        s->frames[1] = dns->response_frame;
    s->dns = dec_dns_line_ref(dns);
    tr_xgrow(&r->stgs, &r->cstgs, r->nstgs + 1, sizeof *r->stgs);
    memmove(r->stgs + 1, r->stgs, r->nstgs * sizeof *r->stgs);
    r->stgs[0] = s;
    r->nstgs++;
    r->version++;
}

/* rolling: forget the notes before frame `first` (not those of the whole
 * connection, frame 0) */
static void notes_trim(struct dec_record *r, uint64_t first)
{
    size_t k = 0;
    for (size_t i = 0; i < r->nnotes; i++) {
        if (r->notes[i]->frame != 0 && r->notes[i]->frame < first) {
            dec_note_unref(r->notes[i]);
            continue;
        }
        r->notes[k++] = r->notes[i];
    }
    r->nnotes = k;
}

/* rolling: forget the exchanges before the oldest stage kept (a live
 * keep-alive connection has thousands, each holding its two messages:
 * 1.4 KiB an exchange, the UI's memory grew by 4 MiB/s at 3,400 requests/s) */
static void xs_trim(struct dec_record *r)
{
    int64_t lo = INT64_MAX;
    for (size_t i = 0; i < r->nstgs; i++)
        if (r->stgs[i]->exchange >= 0 && r->stgs[i]->exchange < lo)
            lo = r->stgs[i]->exchange;
    if (lo == INT64_MAX || lo <= r->x_base)
        return;
    size_t drop = (uint64_t)(lo - r->x_base) < r->nxs ? (size_t)(lo - r->x_base) : r->nxs;
    for (size_t i = 0; i < drop; i++)
        dec_exchange_unref(r->xs[i]);
    memmove(r->xs, r->xs + drop, (r->nxs - drop) * sizeof *r->xs);
    r->nxs -= drop;
    r->x_base += (int64_t)drop;
}

static void r_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    struct dec_record *r = ctx;
    if (!mine(r, c) || !in_window(r, s->exchange))
        return;
    if (r->rolling && r->nstgs >= DEC_REC_LIVE_STAGES) {  /* keep the latest half */
        size_t drop = DEC_REC_LIVE_STAGES / 2;
        for (size_t i = 0; i < drop; i++)
            dec_stage_unref(r->stgs[i]);
        memmove(r->stgs, r->stgs + drop, (r->nstgs - drop) * sizeof *r->stgs);
        r->nstgs -= drop;
        r->trimmed += drop;
        notes_trim(r, r->stgs[0]->nframes ? r->stgs[0]->frames[0] : 0);
        xs_trim(r);
    }
    tr_xgrow(&r->stgs, &r->cstgs, r->nstgs + 1, sizeof *r->stgs);
    r->stgs[r->nstgs++] = dec_stage_ref(s);
    r->version++;
    if (s->kind == DEC_STAGE_CLOSE)
        keep_tc(r, c);
}

static void r_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    struct dec_record *r = ctx;
    if (!mine(r, c) || !in_window(r, (int64_t)x->index) || (int64_t)x->index < r->x_base)
        return;
    size_t k = (size_t)((int64_t)x->index - r->x_base);
    if (k > 1000000)
        return;
    if (k >= r->nxs) {
        tr_xgrow(&r->xs, &r->cxs, k + 1, sizeof *r->xs);
        memset(r->xs + r->nxs, 0, (k + 1 - r->nxs) * sizeof *r->xs);
        r->nxs = k + 1;
    }
    dec_exchange_unref(r->xs[k]);
    r->xs[k] = dec_exchange_ref(x);
    r->version++;
}

static void r_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    struct dec_record *r = ctx;
    if (!c || !mine(r, c))
        return;
    /* only the window's notes, and those of the connection's start (before
     * any exchange): a note of an exchange not kept would be told by the
     * kept stage nearest to it */
    bool keep = !r->sealed && (r->in_window || !r->seen_x);
    for (size_t i = r->npkts; i-- > 0;) {
        if (r->pkts[i].seg.frame == n->frame) {
            r->pkts[i].notes |= UINT64_C(1) << n->kind;
            break;
        }
        if (r->pkts[i].seg.frame < n->frame)
            break;
    }
    if (!keep)
        return;
    tr_xgrow(&r->notes, &r->cnotes, r->nnotes + 1, sizeof *r->notes);
    r->notes[r->nnotes++] = dec_note_ref(n);
    r->version++;
}

static void r_conn_end(void *ctx, struct dec_conn *c)
{
    struct dec_record *r = ctx;
    if (mine(r, c))
        keep_tc(r, c);
}

static void r_segment(void *ctx, struct dec_conn *c, const struct tr_seg *s)
{
    struct dec_record *r = ctx;
    if (!mine(r, c) || r->sealed || (!r->rolling && r->npkts >= DEC_REC_MAX_PKTS))
        return;
    if (r->rolling && r->npkts >= DEC_REC_LIVE_PKTS) {  /* keep the latest half */
        size_t half = DEC_REC_LIVE_PKTS / 2;
        memmove(r->pkts, r->pkts + half, (r->npkts - half) * sizeof *r->pkts);
        r->npkts -= half;
    }
    if (!r->in_window && r->npkts >= 3 + 2 * DEC_REC_PRE_PKTS) {
        /* before the window: the handshake, and the latest packets */
        memmove(r->pkts + 3, r->pkts + 3 + DEC_REC_PRE_PKTS, DEC_REC_PRE_PKTS * sizeof *r->pkts);
        r->npkts -= DEC_REC_PRE_PKTS;
    }
    tr_xgrow(&r->pkts, &r->cpkts, r->npkts + 1, sizeof *r->pkts);
    r->pkts[r->npkts++] = (struct dec_pkt){*s, -1, 0};
    r->version++;
}

static void keep_bytes(struct dec_record *r, struct dec_stream *st, uint64_t offset,
                       const uint8_t *data, size_t len);

static void r_bytes(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t offset,
                    const uint8_t *data, size_t len, uint64_t frame)
{
    (void)frame;
    struct dec_record *r = ctx;
    if (!mine(r, c) || r->sealed)
        return;
    keep_bytes(r, &r->bytes[dir], offset, data, len);
}

/* decrypted bytes: kept as the stream bytes are, apart */
static void r_plain(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t offset,
                    const uint8_t *data, size_t len, uint64_t frame)
{
    (void)frame;
    struct dec_record *r = ctx;
    if (!mine(r, c) || r->sealed)
        return;
    keep_bytes(r, &r->plain[dir], offset, data, len);
}

/* bytes at a stream offset into st, within the record's caps */
static void keep_bytes(struct dec_record *r, struct dec_stream *st, uint64_t offset,
                       const uint8_t *data, size_t len)
{
    uint64_t end = st->base + st->len;
    if (st->len == 0 && offset > st->base)
        st->base = end = offset;
    if (offset > end) {  /* a gap: zero bytes stand for the missing ones */
        if (offset - st->base > r->stream_cap) {
            st->capped = true;
            return;
        }
        size_t fill = (size_t)(offset - end);
        tr_xgrow(&st->data, &st->cap, st->len + fill, 1);
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
    size_t room = r->stream_cap > st->len ? r->stream_cap - st->len : 0;
    if (len > room) {
        len = room;
        st->capped = true;
    }
    tr_xgrow(&st->data, &st->cap, st->len + len, 1);
    memcpy(st->data + st->len, data, len);
    st->len += len;
    r->version++;
    if (!r->in_window && st->len > 2 * DEC_REC_PRE_BYTES) {
        /* before the window: keep the latest bytes (a whole message head) */
        size_t drop = st->len - DEC_REC_PRE_BYTES;
        memmove(st->data, st->data + drop, DEC_REC_PRE_BYTES);
        st->base += drop;
        st->len = DEC_REC_PRE_BYTES;
        st->capped = false;
    }
}

void dec_record_sink(struct dec_record *r, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = r;
    out->on_conn = r_conn;
    out->on_stage = r_stage;
    out->on_exchange = r_exchange;
    out->on_note = r_note;
    out->on_conn_end = r_conn_end;
    out->on_segment = r_segment;
    out->on_bytes = r_bytes;
    out->on_plain = r_plain;
}

/* the packet of a frame (packets are in frame order), or -1 */
long dec_record_pkt_of(const struct dec_record *r, uint64_t frame)
{
    size_t lo = 0, hi = r->npkts;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->pkts[mid].seg.frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->npkts && r->pkts[lo].seg.frame == frame ? (long)lo : -1;
}

void dec_record_link(struct dec_record *r)
{
    size_t from = r->linked;
    if (r->linked_trimmed != r->trimmed || from > r->nstgs) {  /* stage indices moved */
        for (size_t i = 0; i < r->npkts; i++)
            r->pkts[i].stage = -1;
        from = 0;
    }
    r->linked = r->nstgs;
    r->linked_trimmed = r->trimmed;
    /* each stage claims the packets of its frames, the first stage first */
    for (size_t k = from; k < r->nstgs; k++) {
        const struct dec_stage *s = r->stgs[k];
        bool any = s->kind == DEC_STAGE_HANDSHAKE || s->kind == DEC_STAGE_CLOSE;
        for (size_t f = 0; f < s->nframes; f++) {
            long p = dec_record_pkt_of(r, s->frames[f]);
            if (p < 0 || r->pkts[p].stage >= 0)
                continue;
            if (any || (r->pkts[p].seg.len > 0 && r->pkts[p].seg.dir == s->dir))
                r->pkts[p].stage = (int32_t)k;
        }
    }
}

int dec_record_first_stage(const struct dec_record *r, int64_t exchange)
{
    for (size_t k = 0; k < r->nstgs; k++)
        if (r->stgs[k]->exchange == exchange)
            return (int)k;
    return -1;
}
