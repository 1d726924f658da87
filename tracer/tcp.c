/* tcp.c - TCP reassembly into two ordered byte streams per connection (after libnids tcp.c, but adopting connections
 * that start without a SYN, and reporting gaps instead of stalling)
 *
 * Per direction ("half"), bytes are delivered in sequence order exactly once:
 * the fast path hands an in-order segment's payload straight from the frame;
 * anything else is cut into non-overlapping pieces (first copy wins) kept in
 * a list sorted by sequence number until the hole before them fills, or
 * until it is certain that it never will (the peer acknowledged bytes past
 * it, the out-of-order cap, a reset, the end of the capture): then the hole
 * is delivered as a gap.
 *
 * Longer than 800 lines: reassembly is one state machine (the two streams, held
 * out-of-order pieces, gaps, FIN/RST and the close's last ACK); its helpers
 * are in seginfo.c and table.c already.
 */
#include "tracer.h"
#include "tracer_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* Bytes a snaplen cut may still come in full in a retransmission: they become
 * a gap once the receiver acknowledged them, or once this long has passed
 * since they were cut without a copy (RFC 6298 2.4: an RTO of at least 1 s;
 * senders retransmit sooner, Linux after 200 ms). */
#define CUT_WAIT_US 1000000

void tr_conn_ignore_data(struct tr_conn *c)
{
    c->ignore_data = true;  /* in the public struct: safe on any struct tr_conn */
}

/* Four independent lanes of multiply-xor: fast enough for every delivered
 * segment; used only to tell whether a retransmission carried other bytes. */
static uint64_t payload_hash(const uint8_t *p, size_t n)
{
    uint64_t h[4] = {0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL, 0x94d049bb133111ebULL, n};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * k, 8);
            h[k] = (h[k] ^ w) * 0x9fb21c651e98df25ULL;
        }
    }
    uint64_t tail = 0;
    for (int s = 0; i < n; i++, s = (s + 8) & 63)
        tail ^= (uint64_t)p[i] << s;
    return tr_mix64(h[0] ^ tr_mix64(h[1] ^ tr_mix64(h[2] ^ tr_mix64(h[3] ^ tail))));
}

static void pieces_free(struct conn *c)
{
    for (int d = 0; d < 2; d++) {
        struct piece *p = c->h[d].pieces;
        while (p) {
            struct piece *n = p->next;
            free(p->data);
            free(p);
            p = n;
        }
        c->h[d].pieces = NULL;
    }
    c->ooo_bytes = 0;
}

void tr_tcp_conn_free(struct conn *c)
{
    pieces_free(c);
    free(c->pending);
    free(c);
}

/* --------------------------------------------------------------- events -- */

static const char *side_name(enum tr_dir d)
{
    return d == TR_DIR_C2S ? "client" : "server";
}

static void deliver_data(struct tr_table *t, struct conn *c, enum tr_dir d, const uint8_t *data,
                         uint32_t len, uint64_t frame, tr_time ts, int64_t off, uint32_t skip)
{
    struct half *h = &c->h[d];
    if (len == 0)
        return;
    struct recent *r = &h->recent[h->recent_i++ % RECENT_MAX];
    r->seq = h->next;
    r->len = len;
    r->frame = frame;
    r->skip = skip;
    r->off = t->reread ? off : -1;
    if (r->off < 0)
        r->hash = payload_hash(data, len);
    if (!c->pub.ignore_data && t->sink.on_data)
        t->sink.on_data(t->sink.ctx, &c->pub, d, h->offset, data, len, frame, ts);
    h->next += len;
    h->offset += len;
    c->pub.side[d].bytes += len;
}

static void deliver_gap(struct tr_table *t, struct conn *c, enum tr_dir d, uint32_t len,
                        uint64_t frame, tr_time ts, bool snaplen)
{
    struct half *h = &c->h[d];
    if (len == 0)
        return;
    if (!snaplen)
        tr_note(t, c, frame, TR_NOTE_GAP, "%u bytes of the %s's stream were never captured (offset %llu)",
             len, side_name(d), (unsigned long long)h->offset);
    if (!c->pub.ignore_data && t->sink.on_gap)
        t->sink.on_gap(t->sink.ctx, &c->pub, d, h->offset, len, frame, ts);
    h->next += len;
    h->offset += len;
    c->pub.side[d].gap_bytes += len;
}

static void maybe_fin(struct tr_table *t, struct conn *c, enum tr_dir d)
{
    struct half *h = &c->h[d];
    if (h->fin_seen && !h->fin_done && h->next == h->fin_seq) {
        h->fin_done = true;
        if (t->sink.on_fin)
            t->sink.on_fin(t->sink.ctx, &c->pub, d, h->fin_frame, h->fin_ts);
    }
}

/* Can bytes a snaplen cut (a piece without data) no longer come in a later
 * copy? The receiver acknowledged them, or they waited long enough. */
static bool cut_certain(const struct tr_table *t, const struct half *h, const struct piece *p)
{
    if (h->ack_valid && !seq_lt(h->peer_ack, p->seq + p->len))
        return true;
    return t->now - p->ts > CUT_WAIT_US;
}

/* Deliver held pieces that are now in order; bytes a snaplen cut wait for a
 * copy at the front until that is certain to never come (or `force`). */
static void drain_ex(struct tr_table *t, struct conn *c, enum tr_dir d, bool force)
{
    struct half *h = &c->h[d];
    struct piece *p;
    while ((p = h->pieces) && seq_le(p->seq, h->next)) {
        if (!p->data && seq_gt(p->seq + p->len, h->next) && !force && !cut_certain(t, h, p))
            break;
        h->pieces = p->next;
        c->ooo_bytes -= p->len;
        uint32_t end = p->seq + p->len;
        if (seq_gt(end, h->next)) {
            uint32_t skip = h->next - p->seq;
            if (p->data)
                deliver_data(t, c, d, p->data + skip, p->len - skip, p->frame, p->ts, p->off,
                             p->skip + skip);
            else
                deliver_gap(t, c, d, p->len - skip, p->frame, p->ts, true);
        }
        free(p->data);
        free(p);
    }
    maybe_fin(t, c, d);
}

static void drain(struct tr_table *t, struct conn *c, enum tr_dir d)
{
    drain_ex(t, c, d, false);
}

/* The hole before the first held piece (or before the FIN) is certain up to
 * `upto`: deliver it as a gap, then what follows. */
static void flush_hole(struct tr_table *t, struct conn *c, enum tr_dir d, uint32_t upto,
                       uint64_t frame, tr_time ts)
{
    struct half *h = &c->h[d];
    if (!h->started || !seq_gt(upto, h->next))
        return;
    deliver_gap(t, c, d, upto - h->next, frame, ts, false);
    drain(t, c, d);
}

/* Where the hole before held data ends: the first piece, else the FIN. */
static bool hole_end(const struct half *h, uint32_t *end)
{
    if (h->pieces) {
        *end = h->pieces->seq;
        return true;
    }
    if (h->fin_seen && !h->fin_done) {
        *end = h->fin_seq;
        return true;
    }
    return false;
}

/* Gaps that the peer's acknowledgments make certain (holes, and bytes a
 * snaplen cut that no copy filled). */
static void check_acked(struct tr_table *t, struct conn *c, enum tr_dir d, uint64_t frame, tr_time ts)
{
    struct half *h = &c->h[d];
    uint32_t end;
    if (!h->started || !h->ack_valid)
        return;
    for (;;) {
        uint32_t before = h->next;
        if (h->pieces && !h->pieces->data)
            drain(t, c, d);
        if (hole_end(h, &end) && seq_gt(h->peer_ack, h->next))
            flush_hole(t, c, d, seq_lt(h->peer_ack, end) ? h->peer_ack : end, frame, ts);
        if (h->next == before)
            break;
    }
}

/* Deliver everything held, holes as gaps (reset, end of capture, eviction). */
static void flush_all(struct tr_table *t, struct conn *c, enum tr_dir d, uint64_t frame, tr_time ts)
{
    struct half *h = &c->h[d];
    uint32_t end;
    while (h->started && hole_end(h, &end)) {
        uint32_t before = h->next;
        flush_hole(t, c, d, end, frame, ts);
        drain_ex(t, c, d, true);
        if (h->next == before && !(h->fin_seen && !h->fin_done && h->next == h->fin_seq))
            break;
    }
    /* pieces that could not be placed (a FIN before them) are dropped */
    struct piece *p = h->pieces;
    while (p) {
        struct piece *n = p->next;
        c->ooo_bytes -= p->len;
        free(p->data);
        free(p);
        p = n;
    }
    h->pieces = NULL;
}

/* Held bytes from `seq` on (the FIN's) are not part of the stream: drop them. */
static void drop_from(struct conn *c, struct half *h, uint32_t seq)
{
    struct piece **pp = &h->pieces;
    while (*pp) {
        struct piece *p = *pp;
        if (seq_lt(p->seq, seq)) {
            if (seq_gt(p->seq + p->len, seq)) {
                c->ooo_bytes -= p->seq + p->len - seq;
                p->len = seq - p->seq;
            }
            pp = &p->next;
            continue;
        }
        *pp = p->next;
        c->ooo_bytes -= p->len;
        free(p->data);
        free(p);
    }
}

/* A held piece remembers when its segment was sent: TSval and IP ID (to
 * date a segment that later fills the hole before it). */
static void piece_date(const struct tr_table *t, struct piece *n)
{
    const struct tr_packet *p = t->cur_pkt;
    n->has_ts = p && p->opts.has_ts;
    n->tsval = p ? p->opts.ts_val : 0;
    n->ip_id = p ? p->ip_id : 0;
}

/* Split a held piece without data at sequence number `at` (inside it); the
 * second part follows it in the list. */
static void piece_split(struct piece *p, uint32_t at)
{
    struct piece *n = tr_xmalloc(sizeof *n);
    *n = *p;
    n->seq = at;
    n->len = p->seq + p->len - at;
    p->len = at - p->seq;
    p->next = n;
}

/* Insert [seq, seq+len) into the held list, keeping pieces disjoint; bytes
 * already held win, and a difference is noted, except bytes a snaplen cut
 * (pieces without data), which captured bytes replace (*refilled counts
 * them). data == NULL: known missing. */
static void hold(struct tr_table *t, struct conn *c, enum tr_dir d, uint32_t seq, uint32_t len,
                 const uint8_t *data, uint64_t frame, tr_time ts, bool *differs, uint32_t *refilled)
{
    struct half *h = &c->h[d];
    struct piece **pp = &h->pieces;
    while (len > 0) {
        struct piece *p = *pp;
        /* skip pieces wholly before the new bytes */
        if (p && seq_le(p->seq + p->len, seq)) {
            pp = &p->next;
            continue;
        }
        uint32_t take = len;
        if (p && seq_lt(p->seq, seq + len)) {
            if (seq_le(p->seq, seq)) {
                /* the start is held already: compare, then skip it */
                uint32_t over = p->seq + p->len - seq;
                if (over > len)
                    over = len;
                if (data && !p->data) {  /* cut before, captured now: these bytes replace it */
                    if (seq_lt(p->seq, seq)) {
                        piece_split(p, seq);
                        p = p->next;
                    }
                    if (p->len > over)
                        piece_split(p, seq + over);
                    p->data = tr_xmalloc(over);
                    memcpy(p->data, data, over);
                    p->frame = frame;
                    p->ts = ts;
                    p->off = t->cur_off;
                    p->skip = t->cur_payload ? (uint32_t)(data - t->cur_payload) : 0;
                    piece_date(t, p);
                    if (refilled)
                        *refilled += over;
                } else if (data && p->data && memcmp(p->data + (seq - p->seq), data, over) != 0) {
                    *differs = true;
                }
                seq += over;
                len -= over;
                if (data)
                    data += over;
                pp = &p->next;
                continue;
            }
            take = p->seq - seq;  /* up to the next held piece */
        }
        struct piece *n = tr_xmalloc(sizeof *n);
        n->seq = seq;
        n->len = take;
        n->frame = frame;
        n->ts = ts;
        n->off = t->cur_off;
        n->skip = data && t->cur_payload ? (uint32_t)(data - t->cur_payload) : 0;
        piece_date(t, n);
        n->data = NULL;
        if (data) {
            n->data = tr_xmalloc(take);
            memcpy(n->data, data, take);
            data += take;
        }
        n->next = *pp;
        *pp = n;
        pp = &n->next;
        c->ooo_bytes += take;
        seq += take;
        len -= take;
    }
}

/* Was every byte of [seq, seq+len) delivered or held before? */
static bool seen_before(const struct half *h, uint32_t seq, uint32_t len)
{
    if (seq_le(seq + len, h->next))
        return true;
    uint32_t s = seq_lt(seq, h->next) ? h->next : seq;
    uint32_t e = seq + len;
    for (const struct piece *p = h->pieces; p && seq_lt(s, e); p = p->next) {
        if (seq_gt(p->seq, s))
            return false;
        if (seq_gt(p->seq + p->len, s))
            s = p->seq + p->len;
    }
    return !seq_lt(s, e);
}

/* A retransmission of delivered bytes: the same range as a recent segment
 * with another hash means other bytes. */
static bool recent_differs(struct tr_table *t, const struct half *h, uint32_t seq,
                           const uint8_t *data, uint32_t len)
{
    for (unsigned i = 0; i < RECENT_MAX; i++) {
        const struct recent *r = &h->recent[i];
        if (r->len != len || r->seq != seq || len == 0)
            continue;
        if (r->off < 0)
            return r->hash != payload_hash(data, len);
        /* read the first copy back from the capture */
        struct tr_frame f;
        struct tr_packet p;
        char whybuf[TR_ERRBUF_SIZE];
        const char *why;
        if (!t->reread(t->reread_ctx, r->off, r->frame, &f) ||
            tr_packet_decode(f.linktype, f.data, f.caplen, &p, whybuf, &why) != TR_PKT_TCP ||
            r->skip > p.caplen || len > p.caplen - r->skip ||
            (uint32_t)(p.seq + ((p.flags & TR_TCP_SYN) ? 1 : 0) + r->skip) != r->seq)
            return false;  /* not read back, or not the same bytes of this stream */
        return memcmp(p.payload + r->skip, data, len) != 0;
    }
    return false;
}

/* -------------------------------------------------------------- segments -- */

static void flush_pending(struct tr_table *t, struct conn *c)
{
    for (unsigned i = 0; i < c->npending; i++)
        if (t->sink.on_segment)
            t->sink.on_segment(t->sink.ctx, &c->pub, &c->pending[i]);
    c->npending = 0;
    free(c->pending);
    c->pending = NULL;
}

static void swap_roles(struct conn *c)
{
    struct tr_endpoint e = c->pub.client;
    c->pub.client = c->pub.server;
    c->pub.server = e;
    struct half h = c->h[0];
    c->h[0] = c->h[1];
    c->h[1] = h;
    struct tr_side s = c->pub.side[0];
    c->pub.side[0] = c->pub.side[1];
    c->pub.side[1] = s;
    for (unsigned i = 0; i < c->npending; i++)
        c->pending[i].dir = c->pending[i].dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
}

void tr_tcp_announce(struct tr_table *t, struct conn *c)
{
    c->announced = true;
    if (t->sink.on_conn)
        t->sink.on_conn(t->sink.ctx, &c->pub);
    if (c->pub.tunnel[0])
        tr_note(t, c, c->pub.first_frame, TR_NOTE_TUNNEL, "the connection's packets came through %s",
                c->pub.tunnel);
    if (!c->pub.syn_seen)
        tr_note(t, c, c->pub.first_frame, TR_NOTE_NO_HANDSHAKE,
             c->pub.synack_seen ? "the client's SYN was not captured"
                                : "the capture starts after the connection was opened: no handshake");
    flush_pending(t, c);
}

static void report_handshake(struct tr_table *t, struct conn *c)
{
    if (c->hs_reported || !c->pub.syn_seen)
        return;
    c->hs_reported = true;
    if (t->sink.on_handshake)
        t->sink.on_handshake(t->sink.ctx, &c->pub);
}

/* The queue of connections awaiting the last ACK of their close, oldest
 * first (table.c closes those that waited TR_FIN_ACK_WAIT_US). */
static void finwait_add(struct tr_table *t, struct conn *c)
{
    c->fw_queued = true;
    c->fw_since = t->now;
    c->fw_next = NULL;
    c->fw_prev = t->fw_tail;
    if (t->fw_tail)
        t->fw_tail->fw_next = c;
    else
        t->fw_head = c;
    t->fw_tail = c;
}

static void finwait_remove(struct tr_table *t, struct conn *c)
{
    if (!c->fw_queued)
        return;
    if (c->fw_prev)
        c->fw_prev->fw_next = c->fw_next;
    else
        t->fw_head = c->fw_next;
    if (c->fw_next)
        c->fw_next->fw_prev = c->fw_prev;
    else
        t->fw_tail = c->fw_prev;
    c->fw_queued = false;
    c->fw_prev = c->fw_next = NULL;
}

/* Did the peer acknowledge this side's FIN (its sequence number + 1)? */
static bool fin_acked(const struct half *h)
{
    return h->fin_done && h->ack_valid && seq_gt(h->peer_ack, h->fin_seq);
}

static void close_conn(struct tr_table *t, struct conn *c, enum tr_close_how how_if_none)
{
    if (c->closed)
        return;
    finwait_remove(t, c);
    if (!c->announced)
        tr_tcp_announce(t, c);
    report_handshake(t, c);
    if (c->pub.close_how == TR_CLOSE_NONE)
        c->pub.close_how = how_if_none;
    c->closed = true;
    if (t->sink.on_close)
        t->sink.on_close(t->sink.ctx, &c->pub);
    c->pub.user = NULL;
    pieces_free(c);
    t->st.active_conns--;
}

void tr_tcp_end(struct tr_table *t, struct conn *c, enum tr_close_how how)
{
    if (c->closed)
        return;
    for (int d = 0; d < 2; d++)
        flush_all(t, c, (enum tr_dir)d, c->pub.last_frame, c->pub.last_ts);
    close_conn(t, c, how);
}

/* Does a SYN on a known 4-tuple start a new connection (port reuse)? */
bool tr_tcp_syn_starts_new(const struct conn *c, const struct tr_packet *p, enum tr_dir dir)
{
    if (c->closed)
        return true;
    if (c->pub.syn_seen)  /* a retransmitted SYN has the same ISN */
        return dir != TR_DIR_C2S || p->seq != c->pub.side[TR_DIR_C2S].isn;
    if (c->pub.synack_seen)  /* the SYN after its SYN-ACK: a reordered capture */
        return !(dir == TR_DIR_C2S && c->synack_ack == p->seq + 1);
    /* adopted mid-stream: a SYN now is a new connection */
    return c->pub.side[0].packets + c->pub.side[1].packets > 0;
}

static void note_first_close(struct conn *c, enum tr_dir dir, bool rst, uint64_t frame, tr_time ts)
{
    if (c->pub.close_frames[dir] == 0)
        c->pub.close_frames[dir] = frame;
    if (c->first_close_seen)
        return;
    c->first_close_seen = true;
    c->pub.close_how = rst ? TR_CLOSE_RST : TR_CLOSE_FIN;
    c->pub.close_initiator = (int)dir;
    c->pub.close_ts = ts;
}

enum seg_class {
    SEG_NEW,          /* bytes not seen before */
    SEG_RETRANS,      /* every byte seen before */
    SEG_KEEPALIVE,    /* the byte below the next one, again: a keep-alive probe */
    SEG_REFILL,       /* fills a hole after later bytes, after a round trip: lost, sent again */
    SEG_REORDERED,    /* fills a hole within a round trip: out of order */
    SEG_PAST_FIN      /* after the sender's FIN: not part of the stream */
};

static enum seg_class seg_classify(const struct conn *c, enum tr_dir dir, const struct tr_packet *p,
                                   uint32_t dseq, tr_time ts, struct tr_seg *s)
{
    uint32_t len = p->len;
    const struct half *h = &c->h[dir];
    if (!h->started)
        return SEG_NEW;
    if (h->fin_seen) {
        if (!seq_lt(dseq, h->fin_seq))
            return SEG_PAST_FIN;
        if (seq_gt(dseq + len, h->fin_seq))
            len = h->fin_seq - dseq;
    }
    if (seen_before(h, dseq, len)) {
        if (len == 1 && dseq + 1 == h->next)
            return SEG_KEEPALIVE;
        s->rule = TR_SEG_RULE_SEEN;
        return SEG_RETRANS;
    }
    if (seq_lt(dseq, h->high) && h->pieces)
        return tr_seg_is_resend(c, dir, p, dseq, ts, s) ? SEG_REFILL : SEG_REORDERED;
    return SEG_NEW;
}

/* The payload of one segment: [dseq, dseq+len) of which the first `cap`
 * bytes were captured. */
static void segment_data(struct tr_table *t, struct conn *c, enum tr_dir dir, uint32_t dseq,
                         const uint8_t *data, uint32_t len, uint32_t cap, uint64_t frame, tr_time ts,
                         enum seg_class cls, const struct tr_seg *seg)
{
    char why[160];
    struct half *h = &c->h[dir];
    if (cls == SEG_PAST_FIN || cls == SEG_KEEPALIVE)
        return;
    if (h->fin_seen && seq_gt(dseq + len, h->fin_seq))
        len = h->fin_seq - dseq;
    if (cap > len)
        cap = len;
    if (len == 0)
        return;
    uint32_t end = dseq + len;
    if (seq_gt(end, h->high))
        h->high = end;

    bool differs = false;
    uint32_t refilled = 0;
    switch (cls) {
    case SEG_RETRANS:
        if (seq_le(end, h->next)) {
            differs = cap == len && recent_differs(t, h, dseq, data, len);
        } else {  /* bytes past next are held: compare them (dseq may be past next) */
            uint32_t skip = seq_lt(dseq, h->next) ? h->next - dseq : 0;
            if (skip < cap)
                hold(t, c, dir, dseq + skip, cap - skip, data + skip, frame, ts, &differs,
                     &refilled);
        }
        if (refilled)
            tr_note(t, c, frame, TR_NOTE_RETRANSMISSION,
                    "%u bytes of the %s's stream sent again; %u of them, cut by the snaplen "
                    "before, are captured in this copy%s",
                    len, side_name(dir), refilled,
                    differs ? ", and other bytes differ (the first copy is kept)" : "");
        else
            tr_note(t, c, frame, TR_NOTE_RETRANSMISSION, "%u bytes of the %s's stream sent again%s",
                    len, side_name(dir),
                    differs ? ", with different bytes (the first copy is kept)" : "");
        if (refilled)
            drain(t, c, dir);
        return;
    case SEG_REORDERED:
        tr_seg_reason(seg, why, sizeof why);
        tr_note(t, c, frame, TR_NOTE_OUT_OF_ORDER,
                "%u bytes of the %s's stream arrived after bytes that follow them (frame %llu): "
                "%s",
                len, side_name(dir), (unsigned long long)seg->ref_frame, why);
        break;
    case SEG_REFILL:
        tr_seg_reason(seg, why, sizeof why);
        tr_note(t, c, frame, TR_NOTE_RETRANSMISSION,
                "%u bytes of the %s's stream sent again after a loss: %s", len, side_name(dir),
                why);
        break;
    default:
        break;
    }
    if (seq_lt(dseq, h->next)) {  /* the front was delivered already */
        uint32_t skip = h->next - dseq;
        if (cls == SEG_NEW)  /* other bytes only when it covers one recent segment exactly */
            tr_note(t, c, frame, TR_NOTE_RETRANSMISSION,
                 "%u of these %u bytes of the %s's stream sent again%s", skip, len, side_name(dir),
                 skip <= cap && recent_differs(t, h, dseq, data, skip)
                     ? ", with different bytes (the first copy is kept)"
                     : "");
        uint32_t cskip = skip < cap ? skip : cap;
        data += cskip;
        cap -= cskip;
        len -= skip;
        dseq = h->next;
    }
    if (!h->pieces && dseq == h->next) {  /* the fast path: in order, nothing held */
        deliver_data(t, c, dir, data, cap, frame, ts, t->cur_off,
                     (uint32_t)(data - t->cur_payload));
        if (cap < len) {  /* the cut tail waits for a copy (drain decides) */
            hold(t, c, dir, dseq + cap, len - cap, NULL, frame, ts, &differs, NULL);
            h->hole_ts = ts;
            drain(t, c, dir);
        } else {
            maybe_fin(t, c, dir);
        }
        return;
    }
    if (!h->pieces)
        h->hole_ts = ts;
    if (c->ooo_bytes + len > t->max_ooo && seq_gt(dseq, h->next))
        drain_ex(t, c, dir, true);  /* bytes a snaplen cut give way first, silently */
    if (c->ooo_bytes + len > t->max_ooo && seq_gt(dseq, h->next)) {  /* a filler is never a gap */
        if (!c->limit_noted) {
            c->limit_noted = true;
            tr_note(t, c, frame, TR_NOTE_LIMIT,
                 "more than %zu out-of-order bytes held: the hole before them is taken as a gap",
                 t->max_ooo);
        }
        uint32_t e;
        while (c->ooo_bytes + len > t->max_ooo && h->pieces && hole_end(h, &e) && seq_le(e, dseq)) {
            uint32_t before = h->next;
            flush_hole(t, c, dir, e, frame, ts);
            drain_ex(t, c, dir, true);
            if (h->next == before)
                break;
        }
        /* still too much (then nothing is held before it): the hole before it goes too */
        if (c->ooo_bytes + len > t->max_ooo && seq_gt(dseq, h->next))
            flush_hole(t, c, dir, dseq, frame, ts);
    }
    hold(t, c, dir, dseq, cap, data, frame, ts, &differs, &refilled);
    if (cap < len)
        hold(t, c, dir, dseq + cap, len - cap, NULL, frame, ts, &differs, NULL);
    if (differs)
        tr_note(t, c, frame, TR_NOTE_RETRANSMISSION,
             "some of these %u bytes of the %s's stream were sent before, with different bytes "
             "(the first copy is kept)",
             len, side_name(dir));
    drain(t, c, dir);
}

static void half_start(struct conn *c, enum tr_dir dir, uint32_t base)
{
    struct half *h = &c->h[dir];
    h->started = true;
    h->base = h->next = h->high = base;
    c->pub.side[dir].isn = base - 1;
}

void tr_tcp_segment(struct tr_table *t, struct conn *c, enum tr_dir dir, const struct tr_packet *p,
                    uint64_t frame, tr_time ts, int64_t off)
{
    bool syn = p->flags & TR_TCP_SYN, ack = p->flags & TR_TCP_ACK;
    t->cur_pkt = p;

    /* RFC 9293 3.5: a SYN-ACK acknowledges the SYN (ack = ISN + 1, or up to
     * the end of the SYN's data with TCP Fast Open, RFC 7413 4.2); another
     * one (a second capture of the connection in another sequence space, a
     * stale copy) is not the server's start: shown, noted, not used */
    bool stray = syn && ack && dir == TR_DIR_S2C && c->pub.syn_seen && !c->pub.synack_seen &&
                 (uint32_t)(p->ack - (c->syn_seq + 1)) > c->syn_len;
    /* the handshake's first two segments fix each side's sequence base */
    if (syn && !ack && dir == TR_DIR_C2S && !c->pub.syn_seen) {
        c->pub.syn_seen = true;
        c->syn_seq = p->seq;
        c->syn_len = p->len;
        c->pub.hs_frames[0] = frame;
        c->pub.hs_ts[0] = ts;
        c->pub.side[dir].opts = p->opts;
        if (!c->h[dir].started)  /* a side adopted before its SYN keeps its base */
            half_start(c, dir, p->seq + 1);
    } else if (syn && ack && dir == TR_DIR_S2C && !c->pub.synack_seen && !stray) {
        c->pub.synack_seen = true;
        c->pub.hs_frames[1] = frame;
        c->pub.hs_ts[1] = ts;
        c->pub.side[dir].opts = p->opts;
        c->synack_ack = p->ack;
        if (!c->h[dir].started)
            half_start(c, dir, p->seq + 1);
    }
    if (!c->h[dir].started && !stray && (p->len > 0 || (p->flags & TR_TCP_FIN)))
        half_start(c, dir, p->seq + (syn ? 1 : 0));  /* adopted without a SYN */
    if (!c->pub.handshake_done && c->pub.syn_seen && c->pub.synack_seen && dir == TR_DIR_C2S &&
        ack && !syn) {
        c->pub.handshake_done = true;
        c->pub.hs_frames[2] = frame;
        c->pub.hs_ts[2] = ts;
    }
    c->pub.side[dir].packets++;

    struct tr_seg seg;
    if (!c->announced) {
        /* a SYN fixes the roles; without one, the first payload (or FIN,
         * RST) decides; a SYN-ACK waits a little for its SYN, which a
         * capture sometimes shows after it */
        bool now = (syn && !ack) || p->len > 0 || (p->flags & (TR_TCP_FIN | TR_TCP_RST));
        if (!now && c->npending < PENDING_MAX) {
            if (!c->pending)
                c->pending = tr_xreallocarray(NULL, PENDING_MAX, sizeof *c->pending);
            struct tr_seg *ps = &c->pending[c->npending++];
            tr_seg_fill(c, dir, p, frame, ts, off, ps);
            tr_seg_marks(c, dir, p, ps);
            return;
        }
        if (!c->roles_certain && p->caplen > 0 && t->sink.classify) {
            enum tr_role_hint hint = t->sink.classify(t->sink.ctx, p->payload, p->caplen);
            if ((hint == TR_ROLE_CLIENT && dir == TR_DIR_S2C) ||
                (hint == TR_ROLE_SERVER && dir == TR_DIR_C2S)) {
                swap_roles(c);
                dir = dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
            }
        }
        tr_tcp_announce(t, c);
    }
    tr_seg_fill(c, dir, p, frame, ts, off, &seg);

    /* notes about the segment come after it, data events after the notes */
    uint32_t dseq = p->seq + (syn ? 1 : 0);
    struct half *h = &c->h[dir];
    bool data_now = p->len > 0 && !(p->flags & TR_TCP_RST);
    enum seg_class cls = data_now ? seg_classify(c, dir, p, dseq, ts, &seg) : SEG_NEW;
    seg.retransmission = cls == SEG_RETRANS || cls == SEG_REFILL;
    seg.out_of_order = cls == SEG_REORDERED;
    if (stray)
        seg.marks |= TR_SEG_STRAY;
    tr_seg_marks(c, dir, p, &seg);
    if (t->sink.on_segment)
        t->sink.on_segment(t->sink.ctx, &c->pub, &seg);
    if (stray) {
        tr_note(t, c, frame, TR_NOTE_STRAY_SEGMENT,
                "a SYN-ACK that does not acknowledge the client's SYN (ack %u, the SYN's sequence "
                "number + 1 is %u): not taken as the server's start",
                p->ack, c->syn_seq + 1);
        return;
    }
    if (c->pub.handshake_done || (data_now && c->pub.syn_seen))
        report_handshake(t, c);
    if (p->caplen < p->len && !(p->flags & TR_TCP_RST))
        tr_note(t, c, frame, TR_NOTE_TRUNCATED,
             "the snaplen cut this segment: %u of its %u payload bytes were captured", p->caplen,
             p->len);

    if (p->flags & TR_TCP_RST) {
        if (!c->pub.side[dir].rst_frame)
            c->pub.side[dir].rst_frame = frame;
        note_first_close(c, dir, true, frame, ts);
        tr_tcp_end(t, c, TR_CLOSE_RST);
        return;  /* the table buries it */
    }
    if (data_now)
        segment_data(t, c, dir, dseq, p->payload, p->len, p->caplen, frame, ts, cls, &seg);
    if (p->flags & TR_TCP_FIN) {
        if (!h->fin_seen) {
            h->fin_seen = true;
            h->fin_seq = dseq + p->len;
            drop_from(c, h, h->fin_seq);
            h->fin_frame = frame;
            h->fin_ts = ts;
            c->pub.side[dir].fin_frame = frame;
        }
        note_first_close(c, dir, false, frame, ts);
        maybe_fin(t, c, dir);
    }
    enum tr_dir pd = dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
    struct half *peer = &c->h[pd];
    if (ack && peer->started) {
        if (!peer->ack_valid || seq_gt(p->ack, peer->peer_ack)) {
            peer->peer_ack = p->ack;
            peer->ack_valid = true;
        }
        check_acked(t, c, pd, frame, ts);
    }
    /* the close ends with the ACK of the second FIN (RFC 9293 3.6): that
     * segment belongs to it; a close whose last ACK was not captured waits
     * TR_FIN_ACK_WAIT_US (table.c), or the end of the capture */
    if (c->h[0].fin_done && c->h[1].fin_done) {
        if (fin_acked(&c->h[0]) && fin_acked(&c->h[1]))
            close_conn(t, c, TR_CLOSE_FIN);
        else if (!c->fw_queued)
            finwait_add(t, c);
    }
}
