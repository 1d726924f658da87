/* seginfo.c - what one TCP segment is, for the ladder and the packet detail:
 * its fields as a learner reads them (relative numbers, the window scale in
 * force, options), whether a segment that fills a hole was sent again or
 * is a late original (and which rule decided), duplicate ACKs, keep-alives
 * and zero windows (after tshark's tcp_analyze_sequence_number heuristics)
 */
#include "tracer.h"
#include "tracer_int.h"

#include <stdio.h>
#include <string.h>

#define REORDER_US 3000 /* a hole filled sooner than this (or the RTT) was reordering */
#define IPID_STEP_MAX 64 /* IDs that count up by at most this are one sender's counter */

static const char *const rule_names[] = {
#define X(id, name) name,
    TR_SEG_RULE_LIST(X)
#undef X
};

const char *tr_seg_rule_name(enum tr_seg_rule rule)
{
    return (unsigned)rule < TR_SEG_RULE_COUNT ? rule_names[rule] : "unknown";
}

void tr_seg_fill(const struct conn *c, enum tr_dir dir, const struct tr_packet *p, uint64_t frame,
                 tr_time ts, int64_t off, struct tr_seg *s)
{
    const struct half *h = &c->h[dir], *peer = &c->h[!dir];
    memset(s, 0, sizeof *s);
    s->frame = frame;
    s->ts = ts;
    s->dir = dir;
    s->flags = p->flags;
    s->seq = p->seq;
    s->ack = p->ack;
    s->rel_seq = h->started || (dir == TR_DIR_C2S ? c->pub.syn_seen : c->pub.synack_seen)
                     ? p->seq - c->pub.side[dir].isn
                     : 0;
    s->rel_ack = (p->flags & TR_TCP_ACK) && (peer->started || c->pub.synack_seen)
                     ? p->ack - c->pub.side[!dir].isn
                     : 0;
    s->window = p->window;
    s->len = p->len;
    s->caplen = p->caplen;
    if (h->started) {
        uint32_t dseq = p->seq + ((p->flags & TR_TCP_SYN) ? 1 : 0);
        int64_t o = (int64_t)h->offset + (int32_t)(dseq - h->next);
        s->offset = o > 0 ? (uint64_t)o : 0;
    }
    s->ack_offset = -1;
    if ((p->flags & TR_TCP_ACK) && peer->started) {
        int64_t a = (int64_t)peer->offset + (int32_t)(p->ack - peer->next);
        s->ack_offset = a > 0 ? a : 0;
    }
    s->file_offset = off;
    s->ttl = p->ttl;
    s->ip_id = p->ip_id;
    s->opts = p->opts;
    /* RFC 7323 2.2: the scale applies once both SYNs carried the option, to
     * every segment but the SYNs; one without it: no scaling (0) */
    s->wscale = -1;
    if (c->pub.syn_seen && c->pub.synack_seen)
        s->wscale = c->pub.side[0].opts.wscale >= 0 && c->pub.side[1].opts.wscale >= 0
                        ? c->pub.side[dir].opts.wscale
                        : 0;
    s->window_scaled = p->window;
    if (s->wscale > 0 && !(p->flags & TR_TCP_SYN))
        s->window_scaled = (uint32_t)p->window << s->wscale;
}

/* Do this sender's IPv4 IDs count up, one per segment (Linux, Windows)? */
static bool ipid_counts(const struct half *h)
{
    return h->ipid_up >= 4 && h->ipid_up > 2 * h->ipid_other;
}

/* The held piece right after the start of a filler: the bytes that arrived
 * before it although they come after it. */
static const struct piece *successor(const struct half *h, uint32_t dseq)
{
    for (const struct piece *q = h->pieces; q; q = q->next)
        if (seq_gt(q->seq, dseq))
            return q;
    return NULL;
}

bool tr_seg_is_resend(const struct conn *c, enum tr_dir dir, const struct tr_packet *p,
                      uint32_t dseq, tr_time ts, struct tr_seg *s)
{
    const struct half *h = &c->h[dir];
    const struct piece *succ = successor(h, dseq);
    s->ref_frame = succ ? succ->frame : 0;
    /* RFC 7323 3: TSval is the sender's clock when it sent the segment. A
     * late original left before the segment after the hole (an older or
     * equal TSval: the clock ticks in milliseconds); a copy was sent after
     * the loss showed, a round trip later: a newer one. */
    if (succ && succ->has_ts && p->opts.has_ts) {
        s->rule = TR_SEG_RULE_TSVAL;
        s->rule_a = p->opts.ts_val;
        s->rule_b = succ->tsval;
        return seq_gt(s->rule_a, s->rule_b);
    }
    /* without timestamps: a sender whose IPv4 IDs count up numbers its
     * packets in the order it sent them */
    if (succ && p->src.family == 4 && ipid_counts(h)) {
        s->rule = TR_SEG_RULE_IPID;
        s->rule_a = p->ip_id;
        s->rule_b = succ->ip_id;
        return (int16_t)(p->ip_id - succ->ip_id) > 0;
    }
    /* else timing (tshark's): filled within a round trip of the hole, it was
     * reordering; later, a copy sent after a timeout or duplicate ACKs */
    tr_time rtt = c->pub.handshake_done ? c->pub.hs_ts[2] - c->pub.hs_ts[0] : 0;
    tr_time wait = rtt > REORDER_US ? rtt : REORDER_US;
    tr_time age = ts - h->hole_ts;
    s->rule = TR_SEG_RULE_TIMING;
    s->rule_a = age < 0 ? 0 : age > UINT32_MAX ? UINT32_MAX : (uint32_t)age;
    s->rule_b = wait > UINT32_MAX ? UINT32_MAX : (uint32_t)wait;
    return age > wait;
}

void tr_seg_marks(struct conn *c, enum tr_dir dir, const struct tr_packet *p, struct tr_seg *s)
{
    struct half *h = &c->h[dir];
    uint8_t f = p->flags;
    bool plain = !(f & (TR_TCP_SYN | TR_TCP_FIN | TR_TCP_RST));
    if (p->window == 0 && !(f & (TR_TCP_SYN | TR_TCP_RST)))
        s->marks |= TR_SEG_ZERO_WINDOW;
    /* a keep-alive: the sequence number before the next one, with 0 or 1
     * byte (RFC 9293 3.8.4) */
    bool keepalive = h->started && plain && p->len <= 1 && p->seq + 1 == h->high;
    if (keepalive)
        s->marks |= TR_SEG_KEEPALIVE;
    if (f & TR_TCP_ACK) {
        /* a duplicate ACK (RFC 5681 2): no data, the same acknowledgment and
         * window as this side's last, at its next sequence number */
        bool same = h->ack_seen && p->ack == h->last_ack;
        if (same && plain && p->len == 0 && !keepalive && p->window != 0 &&
            p->window == h->last_win && (!h->started || p->seq == h->high)) {
            if (h->dup_acks < UINT16_MAX)
                h->dup_acks++;
            s->dup_ack = h->dup_acks;
        } else {
            if (same && plain && p->len == 0 && p->window != h->last_win)
                s->marks |= TR_SEG_WINDOW_UPDATE;
            h->dup_acks = 0;
        }
        h->ack_seen = true;
        h->last_ack = p->ack;
        h->last_win = p->window;
    }
    if (p->len > 0 && p->src.family == 4) {  /* the sender's ID counter, learnt */
        if (h->ipid_seen) {
            uint16_t d = (uint16_t)(p->ip_id - h->last_ip_id);
            if (d >= 1 && d <= IPID_STEP_MAX) {
                if (h->ipid_up < UINT8_MAX)
                    h->ipid_up++;
            } else if (h->ipid_other < UINT8_MAX) {
                h->ipid_other++;
            }
        }
        h->ipid_seen = true;
        h->last_ip_id = p->ip_id;
    }
}

void tr_seg_reason(const struct tr_seg *s, char *buf, size_t size)
{
    bool resend = s->retransmission;
    unsigned long long ref = (unsigned long long)s->ref_frame;
    switch (s->rule) {
    case TR_SEG_RULE_SEEN:
        snprintf(buf, size, "every byte of it was captured before");
        break;
    case TR_SEG_RULE_TSVAL:
        snprintf(buf, size, "by TCP timestamps: its TSval %u is %s %u of frame %llu, %s", s->rule_a,
                 resend ? "newer than" : "not newer than", s->rule_b, ref,
                 resend ? "so it was sent after it" : "so it was sent no later than it");
        break;
    case TR_SEG_RULE_IPID:
        snprintf(buf, size, "by IP IDs: its ID %u is %s %u of frame %llu, %s", s->rule_a,
                 resend ? "after" : "before", s->rule_b, ref,
                 resend ? "so it was sent after it" : "so it was sent before it");
        break;
    case TR_SEG_RULE_TIMING:
        snprintf(buf, size, "by timing: the hole was filled %.1f ms after it opened, %s %.1f ms",
                 s->rule_a / 1000.0, resend ? "later than" : "within", s->rule_b / 1000.0);
        break;
    default:
        if (size)
            buf[0] = '\0';
        break;
    }
}
