/* packet.c - one TCP segment of the record, as the ladder labels it and as
 * its detail tells it: flags, relative and absolute sequence and
 * acknowledgement numbers, the window with its scale, the length, options,
 * the stages its bytes carry, its marks and the rule that set them, its RTT
 * sample and the smoothed RTT (RFC 6298), and the connection's smallest
 * windows and throughput
 *
 * What is known of a segment is gathered in one place, packet_facts(),
 * from the tracer's struct tr_seg: its own options (SACK blocks and
 * timestamps included), the window scale in force, TTL and IP ID, its marks
 * (retransmission or late original with the rule that decided and the
 * values compared, duplicate ACK, keep-alive, zero window, window update,
 * stray). The detail's text is written from those facts alone, by
 * ui_packet_detail().
 */
#define _GNU_SOURCE 1
#include "view.h"

#include <stdlib.h>
#include <string.h>

#define CARRIED_SCAN 256      /* stages after a packet's first one looked at */

/* ----------------------------------------------------- stages carried -- */

/* does stage s carry the bytes (or, for the handshake and the close, the
 * flags) of packet p? */
static bool carries(const struct dec_stage *s, const struct dec_pkt *p)
{
    if (!dec_stage_has_frame(s, p->seg.frame))
        return false;
    if (s->kind == DEC_STAGE_HANDSHAKE || s->kind == DEC_STAGE_CLOSE)
        return true;
    return p->seg.len > 0 && s->dir == p->seg.dir;
}

size_t ui_pkt_stages(const struct dec_record *d, size_t k, int *out, size_t max)
{
    const struct dec_pkt *p = &d->pkts[k];
    size_t n = 0;
    if (p->stage < 0)
        return 0;
    size_t end = (size_t)p->stage + CARRIED_SCAN;
    for (size_t i = (size_t)p->stage; i < d->nstgs && i < end && n < max; i++)
        if (carries(d->stgs[i], p))
            out[n++] = (int)i;
    return n;
}

uint32_t ui_pkt_stream(const struct dec_record *d, size_t k, bool *mixed)
{
    int idx[64];
    size_t cnt = d->pkts[k].seg.len ? ui_pkt_stages(d, k, idx, sizeof idx / sizeof idx[0]) : 0;
    uint32_t first = 0;
    bool more = false;
    for (size_t i = 0; i < cnt; i++) {
        uint32_t id = d->stgs[idx[i]]->stream;
        if (id && !first)
            first = id;
        else if (id && id != first)
            more = true;
    }
    if (mixed)
        *mixed = more;
    return first;
}

bool ui_record_streams(const struct dec_record *d)
{
    for (size_t i = 0; i < d->nstgs; i++)
        if (d->stgs[i]->stream)
            return true;
    return false;
}

/* a request line or a final status line: each begins a message */
static bool starts_message(const struct dec_stage *s)
{
    return s->kind == DEC_STAGE_REQUEST_LINE ||
           (s->kind == DEC_STAGE_STATUS_LINE && !dec_stage_interim(s));
}

void ui_pkt_label(const struct dec_record *d, size_t k, enum ui_label_form form, char *buf,
                  size_t n)
{
    int idx[64];
    size_t cnt = ui_pkt_stages(d, k, idx, sizeof idx / sizeof idx[0]);
    size_t len = 0;
    buf[0] = '\0';
    if (!cnt || !n)
        return;
    /* several messages in one segment (pipelining): say how many, then the
     * kinds once each */
    int msgs = 0;
    bool requests = false;
    for (size_t i = 0; i < cnt; i++)
        if (starts_message(d->stgs[idx[i]])) {
            msgs++;
            requests = d->stgs[idx[i]]->kind == DEC_STAGE_REQUEST_LINE;
        }
    if (msgs >= 2) {
        char what[64];
        snprintf(what, sizeof what,
                 requests ? P_("%d request", "%d requests", msgs) : P_("%d response", "%d responses", msgs),
                 msgs);
        if (form == UI_LABEL_BRIEF) {
            snprintf(buf, n, "%s", what);
            return;
        }
        if (form == UI_LABEL_NUMBER)
            len = (size_t)snprintf(buf, n, "%dx(", msgs);
        else
            len = (size_t)snprintf(buf, n, "%s: ", what);
        if (len >= n)
            return;
    }
    bool seen[DEC_STAGE_COUNT + 1] = {false};
    bool first = true;
    uint32_t stream = 0;  /* the HTTP/2 stream named last */
    /* HTTP carried inside TLS, decrypted: said once, before the stages */
    bool tls = form == UI_LABEL_FULL;
    for (size_t i = 0; i < cnt && tls; i++)
        tls = d->stgs[idx[i]]->tls;
    if (tls && len + 1 < n)
        len += (size_t)snprintf(buf + len, n - len, "%s", _("TLS: "));
    for (size_t i = 0; i < cnt && len + 1 < n; i++) {
        const struct dec_stage *s = d->stgs[idx[i]];
        /* pipelined: each kind once; an interim status line apart */
        int key = dec_stage_interim(s) ? DEC_STAGE_COUNT : (int)s->kind;
        if (msgs >= 2 && seen[key] && !s->stream)  /* HTTP/2: every stream's stages */
            continue;
        seen[key] = true;
        char one[160];
        if (form == UI_LABEL_NUMBER)
            snprintf(one, sizeof one, "%s", teach_stage_number(s->kind));
        else
            teach_stage_label(s, form == UI_LABEL_BRIEF, one, sizeof one);
        /* an HTTP/2 stream's id before its first stage in the label ("s3") */
        char sid[16] = "";
        if (s->stream && s->stream != stream)
            snprintf(sid, sizeof sid, "s%u%s", s->stream, form == UI_LABEL_NUMBER ? ":" : " ");
        stream = s->stream ? s->stream : stream;
        len += (size_t)snprintf(buf + len, n - len, "%s%s%s",
                                first ? "" : form == UI_LABEL_FULL ? " + " : "+", sid, one);
        if (len >= n)
            len = n - 1;
        first = false;
    }
    if (msgs >= 2 && form == UI_LABEL_NUMBER && len + 1 < n)
        snprintf(buf + len, n - len, ")");
}

/* ------------------------------------------------------------- facts -- */

/* what is known of one segment (see the top of the file) */
struct pkt_facts {
    const struct tr_seg *seg;
    const struct tr_tcp_opts *opts;  /* its own TCP options (tr_seg.opts) */
    int scale;                       /* the window's shift count in force, -1 unknown */
    bool scaled;                     /* window scaling is in force on the connection */
    bool ipv4;                       /* the IP ID is IPv4's (IPv6 has none) */
    uint32_t peer_isn;               /* the receiver's ISN: SACK blocks are its numbers */
    bool has_mark;                   /* a retransmission or a late original */
    char mark_rule[320];             /* why it is one: the rule and the values compared */
};

/* the rules that compare numbers the sender wrote: a = this segment's, b =
 * that of ref_frame; the text takes a, b, ref_frame (tracer.h
 * TR_SEG_RULE_LIST) */
static const struct {
    enum tr_seg_rule rule;
    bool copy;
    const char *text;
} rule_texts[] = {
    {TR_SEG_RULE_TSVAL, true,
     N_("its TSval %1$u is newer than the TSval %2$u of frame %3$llu, the segment after the "
        "hole: sent after it, so a copy (decided by the timestamps, RFC 7323)")},
    {TR_SEG_RULE_TSVAL, false,
     N_("its TSval %1$u is not newer than the TSval %2$u of frame %3$llu, which overtook it: "
        "sent no later than it, so the original, delayed (decided by the timestamps, RFC 7323)")},
    {TR_SEG_RULE_IPID, true,
     N_("its IPv4 ID %1$u comes after the ID %2$u of frame %3$llu, the segment after the hole: "
        "numbered later, so a copy (decided by the IP IDs, which this sender counts up)")},
    {TR_SEG_RULE_IPID, false,
     N_("its IPv4 ID %1$u comes before the ID %2$u of frame %3$llu, which overtook it: numbered "
        "earlier, so the original, delayed (decided by the IP IDs, which this sender counts up)")},
};

/* the rule that decided a retransmission or a late original, with the
 * values it compared */
static void mark_rule(const struct tr_seg *s, char *buf, size_t n)
{
    bool copy = s->retransmission;
    unsigned long long ref = (unsigned long long)s->ref_frame;
    char a[32], b[32];
    for (size_t i = 0; i < sizeof rule_texts / sizeof rule_texts[0]; i++)
        if (rule_texts[i].rule == (enum tr_seg_rule)s->rule && rule_texts[i].copy == copy) {
            snprintf(buf, n, _(rule_texts[i].text), s->rule_a, s->rule_b, ref);
            return;
        }
    switch ((enum tr_seg_rule)s->rule) {
    case TR_SEG_RULE_TIMING:
        ui_app_fmt_dur(a, sizeof a, s->rule_a);
        ui_app_fmt_dur(b, sizeof b, s->rule_b);
        snprintf(buf, n,
                 copy ? _("it filled a hole %1$s after later bytes came (frame %2$llu), longer "
                          "than %3$s (the round trip, at least 3 ms), so a copy (decided by "
                          "timing: no timestamps to compare)")
                      : _("it filled a hole only %1$s after later bytes came (frame %2$llu), "
                          "within %3$s (the round trip, at least 3 ms), so the original, delayed "
                          "(decided by timing: no timestamps to compare)"),
                 a, ref, b);
        return;
    default:
        snprintf(buf, n, "%s",
                 copy ? _("every byte of it had arrived before (its sequence numbers were "
                          "already covered)")
                      : _("bytes after it arrived first"));
        return;
    }
}

static struct pkt_facts packet_facts(const struct dec_record *d, size_t k)
{
    const struct tr_seg *s = &d->pkts[k].seg;
    const struct tr_conn *tc = &d->tc;
    struct pkt_facts f = {.seg = s, .opts = &s->opts, .scale = s->wscale};
    /* RFC 7323 2.2 and 2.3: the tracer's shift count in force (-1 before
     * both SYNs are known; 0 without scaling, and for a SYN's window) */
    f.scaled = f.scale >= 0 && tc->side[0].opts.wscale >= 0 && tc->side[1].opts.wscale >= 0;
    if ((s->flags & TR_TCP_SYN) && f.scale > 0)
        f.scale = 0;
    f.ipv4 = tc->client.addr.family == 4;
    f.peer_isn = tc->side[s->dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S].isn;
    f.has_mark = s->retransmission || s->out_of_order;
    if (f.has_mark)
        mark_rule(s, f.mark_rule, sizeof f.mark_rule);
    return f;
}

/* ---------------------------------------------------------------- RTT -- */

/* For each packet j, the most each direction's stream was acknowledged by
 * the other side in packets 0..j (a stream offset, -1 none): cumulative
 * acknowledgements only grow, so the first packet acknowledging a segment
 * is found by a binary search (one sweep builds it, whatever is missing
 * from the capture) */
struct acks {
    int64_t *most[2];            /* indexed by the acknowledged direction */
    size_t n;
};

static void acks_build(const struct dec_record *d, struct acks *a)
{
    a->n = d->npkts;
    int64_t cur[2] = {-1, -1};
    for (int dir = 0; dir < 2; dir++)
        a->most[dir] = tr_xreallocarray(NULL, a->n ? a->n : 1, sizeof *a->most[dir]);
    for (size_t j = 0; j < a->n; j++) {
        const struct tr_seg *s = &d->pkts[j].seg;
        int peer = s->dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
        if ((s->flags & TR_TCP_ACK) && s->ack_offset > cur[peer])
            cur[peer] = s->ack_offset;
        a->most[0][j] = cur[0];
        a->most[1][j] = cur[1];
    }
}

static void acks_free(struct acks *a)
{
    free(a->most[0]);
    free(a->most[1]);
}

/* the stream offset an acknowledgement of all of s names: past its bytes,
 * and past its FIN, which uses one number (RFC 9293 3.4); a SYN's is 0,
 * the offset of the first byte after it */
static int64_t acked_at(const struct tr_seg *s)
{
    return (int64_t)(s->offset + s->len) + ((s->flags & TR_TCP_FIN) ? 1 : 0);
}

static bool uses_numbers(const struct tr_seg *s)
{
    return s->len > 0 || (s->flags & (TR_TCP_SYN | TR_TCP_FIN));
}

/* the first packet of the other side that acknowledges all of packet k, or -1 */
static long acked_by(const struct dec_record *d, const struct acks *a, size_t k)
{
    const struct tr_seg *s = &d->pkts[k].seg;
    const int64_t *m = a->most[s->dir];
    int64_t want = acked_at(s);
    size_t lo = k + 1, hi = a->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m[mid] >= want)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo < a->n ? (long)lo : -1;
}

/* the RTT sample of packet k (-1: none) and the smoothed RTT once it is
 * counted (RFC 6298 2.2, 2.3: the first sample, then 7/8 of the estimate and
 * 1/8 of each new sample; no sample from a retransmitted segment, Karn's
 * rule, RFC 6298 3); *srtt and *prev (the estimate before) are -1 before
 * any sample */
static int64_t rtt_of(const struct dec_record *d, const struct acks *a, size_t k, long *ack,
                      double *srtt, double *prev)
{
    *srtt = *prev = -1;
    *ack = -1;
    int64_t sample = -1;
    enum tr_dir dir = d->pkts[k].seg.dir;
    for (size_t i = 0; i <= k; i++) {
        const struct tr_seg *s = &d->pkts[i].seg;
        if (s->dir != dir || !uses_numbers(s) || s->retransmission)
            continue;
        long j = acked_by(d, a, i);
        if (i == k)
            *ack = j;
        if (j < 0)
            continue;
        int64_t r = d->pkts[j].seg.ts - s->ts;
        if (r < 0)
            continue;
        if (i == k) {
            *prev = *srtt;
            sample = r;
        }
        *srtt = *srtt < 0 ? (double)r : 0.875 * *srtt + 0.125 * (double)r;
    }
    return sample;
}

/* --------------------------------------------------- the connection -- */

/* the stream bytes seen so far: sorted, disjoint [start, end) spans */
struct spans {
    uint64_t (*v)[2];
    size_t n, cap;
};

/* add [lo, hi); returns how many of its bytes were not seen before */
static uint64_t spans_add(struct spans *s, uint64_t lo, uint64_t hi)
{
    if (hi <= lo)
        return 0;
    uint64_t fresh = hi - lo;
    size_t i = 0;
    while (i < s->n && s->v[i][1] < lo)
        i++;
    /* merge every span that touches [lo, hi) into one */
    size_t j = i;
    uint64_t nlo = lo, nhi = hi;
    while (j < s->n && s->v[j][0] <= hi) {
        uint64_t a = s->v[j][0] > lo ? s->v[j][0] : lo, b = s->v[j][1] < hi ? s->v[j][1] : hi;
        if (b > a)
            fresh -= b - a;
        if (s->v[j][0] < nlo)
            nlo = s->v[j][0];
        if (s->v[j][1] > nhi)
            nhi = s->v[j][1];
        j++;
    }
    if (j == i) {  /* a span of its own */
        tr_xgrow(&s->v, &s->cap, s->n + 1, sizeof *s->v);
        memmove(s->v + i + 1, s->v + i, (s->n - i) * sizeof *s->v);
        s->n++;
    } else if (j > i + 1) {
        memmove(s->v + i + 1, s->v + j, (s->n - j) * sizeof *s->v);
        s->n -= j - i - 1;
    }
    s->v[i][0] = nlo;
    s->v[i][1] = nhi;
    return fresh;
}

struct dir_sums {
    uint64_t segments, bytes;
    uint64_t data_segments;      /* segments that brought bytes not seen before */
    uint64_t min_window;         /* as the receiver reads it (scaled) */
    uint64_t min_frame;          /* 0: no window seen */
    tr_time first_data, last_acked;  /* valid with data_segments */
};

static uint64_t window_bytes(const struct pkt_facts *f)
{
    return (uint64_t)f->seg->window << (f->scale > 0 ? f->scale : 0);
}

/* ------------------------------------------------------------ marks -- */

static void conn_sums(const struct dec_record *d, const struct acks *a, struct dir_sums sums[2])
{
    memset(sums, 0, 2 * sizeof *sums);
    struct spans seen[2] = {{0}};
    for (size_t i = 0; i < d->npkts; i++) {
        const struct tr_seg *s = &d->pkts[i].seg;
        struct dir_sums *m = &sums[s->dir];
        m->segments++;
        if (!(s->flags & TR_TCP_RST)) {
            struct pkt_facts f = packet_facts(d, i);
            uint64_t w = window_bytes(&f);
            if (!m->min_frame || w < m->min_window) {
                m->min_window = w;
                m->min_frame = s->frame;
            }
        }
        if (!s->len || (s->flags & TR_TCP_RST))
            continue;
        /* the bytes it brought that no copy brought before (a copy that
         * fills a hole counts: the original never arrived) */
        uint64_t fresh = spans_add(&seen[s->dir], s->offset, s->offset + s->len);
        if (!fresh)
            continue;
        if (!m->data_segments++)
            m->first_data = m->last_acked = s->ts;
        m->bytes += fresh;
        /* until its acknowledgement, or its own time when none came */
        long j = acked_by(d, a, i);
        tr_time t = j >= 0 ? d->pkts[j].seg.ts : s->ts;
        if (t > m->last_acked)
            m->last_acked = t;
    }
    free(seen[0].v);
    free(seen[1].v);
}

/* "24.2 Mbit/s" */
static void fmt_rate(char *buf, size_t n, double bits_per_s)
{
    static const char *const units[] = {"bit/s", "kbit/s", "Mbit/s", "Gbit/s"};
    size_t u = 0;
    while (bits_per_s >= 1000 && u + 1 < sizeof units / sizeof units[0]) {
        bits_per_s /= 1000;
        u++;
    }
    snprintf(buf, n, "%.1f %s", bits_per_s, units[u]);
}

static const char *side_name(enum tr_dir dir)
{
    return dir == TR_DIR_C2S ? _("client") : _("server");
}

/* ----------------------------------------------------------- the text -- */

void ui_tcp_flags(char *buf, size_t n, uint8_t f, const char *sep)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{TR_TCP_SYN, "SYN"}, {TR_TCP_FIN, "FIN"}, {TR_TCP_RST, "RST"}, {TR_TCP_PSH, "PSH"},
                 {TR_TCP_ACK, "ACK"}, {TR_TCP_URG, "URG"}, {TR_TCP_ECE, "ECE"}, {TR_TCP_CWR, "CWR"}};
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0] && len + 1 < n; i++)
        if (f & names[i].bit)
            len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? sep : "", names[i].name);
}

/* Sequence and acknowledgement numbers are names of bytes, not amounts:
 * no thousands separators (as Wireshark and tcpdump print them) */
static void line_sequence(const struct pkt_facts *f, struct tr_sbuf *o)
{
    const struct tr_seg *s = f->seg;
    if (s->flags & TR_TCP_SYN)
        tr_sb_printf(o, _("Seq %u (absolute %u): the %s's initial sequence number (ISN)."),
                     s->rel_seq, s->seq, side_name(s->dir));
    else if (s->len)
        tr_sb_printf(o, _("Seq %u (absolute %u): bytes %u to %u; the next segment starts at %u."),
                     s->rel_seq, s->seq, s->rel_seq, s->rel_seq + s->len - 1,
                     s->rel_seq + s->len + ((s->flags & TR_TCP_FIN) ? 1u : 0u));
    else if (s->flags & TR_TCP_FIN)
        tr_sb_printf(o, _("Seq %u (absolute %u): the FIN uses this one number."), s->rel_seq, s->seq);
    else
        tr_sb_printf(o, _("Seq %u (absolute %u): no payload, so it uses no number."), s->rel_seq,
                     s->seq);
    tr_sb_str(o, "\n");
}

static void line_ack(const struct dec_record *d, const struct pkt_facts *f, struct tr_sbuf *o)
{
    const struct tr_seg *s = f->seg;
    if (!(s->flags & TR_TCP_ACK)) {
        tr_sb_printf(o, "%s\n", _("No Ack: the ACK flag is not set (there is nothing to "
                                  "acknowledge yet)."));
        return;
    }
    enum tr_dir peer = s->dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
    if ((s->flags & TR_TCP_SYN) && s->rel_ack == 1)
        tr_sb_printf(o, _("Ack %u (absolute %u) = the %s's ISN %u + 1, as its SYN used one sequence "
                          "number."),
                     s->rel_ack, s->ack, side_name(peer), d->tc.side[peer].isn);
    else
        tr_sb_printf(o, _("Ack %u (absolute %u): the %s has the %s's bytes before %u."), s->rel_ack,
                     s->ack, side_name(s->dir), side_name(peer), s->rel_ack);
    tr_sb_str(o, "\n");
}

static void line_window(const struct pkt_facts *f, struct tr_sbuf *o)
{
    const struct tr_seg *s = f->seg;
    char w[32], raw[24];
    ui_app_fmt_count(raw, sizeof raw, s->window);
    ui_app_fmt_count(w, sizeof w, window_bytes(f));
    if (s->flags & TR_TCP_SYN)
        tr_sb_printf(o, _("Window %s bytes the %s can receive (never scaled in a SYN)."), raw,
                     side_name(s->dir));
    else if (f->scale < 0)
        tr_sb_printf(o, _("Window field %s: its scale is unknown (no handshake captured)."), raw);
    else if (!f->scaled)
        tr_sb_printf(o, _("Window %s bytes the %s can still receive (no window scaling)."), raw,
                     side_name(s->dir));
    else
        tr_sb_printf(o, _("Window %s bytes the %s can still receive (%s x 2^%d, scale %d)."), w,
                     side_name(s->dir), raw, f->scale, f->scale);
    tr_sb_str(o, "\n");
}

/* TRANSLATORS: between the items of a list in the packet detail */
#define LIST_SEP _(", ")

static void line_ip(const struct pkt_facts *f, struct tr_sbuf *o)
{
    const struct tr_seg *s = f->seg;
    if (f->ipv4)
        tr_sb_printf(o, _("IP: TTL %1$u, ID %2$u (0x%2$04x)."), s->ttl, s->ip_id);
    else
        tr_sb_printf(o, _("IP: hop limit %u (IPv6 has no ID)."), s->ttl);
    tr_sb_str(o, "\n");
}

static void line_options(const struct pkt_facts *f, struct tr_sbuf *o)
{
    const struct tr_tcp_opts *t = f->opts;
    struct tr_sbuf parts = {0};
    char n1[24], n2[24];
    if (t->mss) {
        ui_app_fmt_count(n1, sizeof n1, t->mss);
        tr_sb_printf(&parts, _("MSS %s bytes"), n1);
    }
    if (t->sack_ok)
        tr_sb_printf(&parts, "%s%s", parts.len ? LIST_SEP : "", _("SACK permitted"));
    if (t->wscale >= 0)
        tr_sb_printf(&parts, _("%swindow scale %d (x %u)"), parts.len ? LIST_SEP : "", t->wscale,
                     1u << (t->wscale > 14 ? 14 : t->wscale));
    if (t->has_ts) {
        snprintf(n1, sizeof n1, "%u", t->ts_val);
        snprintf(n2, sizeof n2, "%u", t->ts_ecr);
        tr_sb_printf(&parts, _("%stimestamps (TSval %s, TSecr %s)"), parts.len ? LIST_SEP : "", n1, n2);
    }
    /* RFC 2018 3: each block [left, right) names bytes of the other side's
     * stream that arrived after a hole; relative to that side's ISN */
    for (unsigned i = 0; i < t->nsack && i < TR_SACK_MAX; i++) {
        uint32_t l = t->sack[i][0] - f->peer_isn, r = t->sack[i][1] - f->peer_isn - 1u;
        if (i == 0)
            tr_sb_printf(&parts, _("%1$sSACK: has bytes %2$u to %3$u"), parts.len ? LIST_SEP : "",
                         l, r);
        else  /* TRANSLATORS: a further SACK block, after "SACK: has bytes 1 to 9" */
            tr_sb_printf(&parts, _(" and %1$u to %2$u"), l, r);
    }
    tr_sb_printf(o, _("Options: %s."), parts.len ? parts.p : _("none"));
    tr_sb_str(o, "\n");
    tr_sb_free(&parts);
}

static void line_carries(const struct dec_record *d, size_t k, struct tr_sbuf *o)
{
    int idx[64];
    size_t n = ui_pkt_stages(d, k, idx, sizeof idx / sizeof idx[0]);
    if (!n) {
        tr_sb_printf(o, "%s\n", d->pkts[k].seg.len ? _("Carries bytes of no stage kept here.")
                                                   : _("Carries no HTTP: only TCP."));
        return;
    }
    struct tr_sbuf list = {0};
    int64_t x = -1;
    bool one_x = true;
    for (size_t i = 0; i < n; i++) {
        char one[160];
        const struct dec_stage *s = d->stgs[idx[i]];
        tr_sb_printf(&list, "%s%s %s", i ? LIST_SEP : "", teach_stage_number(s->kind),
                     teach_stage_label(s, false, one, sizeof one));
        if (s->exchange >= 0) {
            one_x &= x < 0 || x == s->exchange;
            x = s->exchange;
        }
    }
    if (x >= 0 && one_x)
        tr_sb_printf(&list, _(" (exchange %lld)"), (long long)x + 1);
    else if (x >= 0)
        tr_sb_str(&list, _(" (several exchanges)"));
    tr_sb_printf(o, d->pkts[k].seg.len ? _("Carries: %s.") : _("Part of: %s."), list.p);
    tr_sb_str(o, "\n");
    tr_sb_free(&list);
}

static void line_marks(const struct dec_pkt *p, const struct pkt_facts *f, struct tr_sbuf *o)
{
    const struct tr_seg *s = f->seg;
    enum tr_dir peer = s->dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
    if (s->retransmission)
        tr_sb_printf(o, _("R, retransmission: %s."), f->mark_rule);
    else if (s->out_of_order)
        tr_sb_printf(o, _("O, out of order, a late original: %s."), f->mark_rule);
    if (f->has_mark)
        tr_sb_str(o, "\n");
    if (s->dup_ack) {
        tr_sb_printf(o, _("Duplicate ACK no. %1$u: the same Ack %2$u and window as the %3$s's "
                          "last, and no data (RFC 5681 2); a receiver sends these when segments "
                          "arrive after a hole."),
                     s->dup_ack, s->rel_ack, side_name(s->dir));
        tr_sb_str(o, "\n");
    }
    if (s->marks & TR_SEG_KEEPALIVE) {
        tr_sb_printf(o, _("Keep-alive: the sequence number just before the next one (RFC 9293 "
                          "3.8.4): it asks whether the %s is still there."),
                     side_name(peer));
        tr_sb_str(o, "\n");
    }
    if (s->marks & TR_SEG_ZERO_WINDOW) {
        tr_sb_printf(o, _("Zero window: the %s can receive nothing more for now; the %s must "
                          "wait until a larger window is announced."),
                     side_name(s->dir), side_name(peer));
        tr_sb_str(o, "\n");
    }
    if (s->marks & TR_SEG_WINDOW_UPDATE)
        tr_sb_printf(o, "%s\n", _("Window update: no data and the same Ack as the last one; "
                                  "only the window changed."));
    if (s->marks & TR_SEG_STRAY)
        tr_sb_printf(o, "%s\n", _("Stray: it fits no sequence space of this connection (shown, "
                                  "not used)."));
    if (p->notes & (1u << DEC_NOTE_GAP))
        tr_sb_printf(o, "%s\n", _("G, gap: bytes before it were never captured."));
    if (s->caplen < s->len) {
        tr_sb_printf(o, _("T, cut by the snaplen: %u of its %u payload bytes were captured."),
                     s->caplen, s->len);
        tr_sb_str(o, "\n");
    }
}

static void line_rtt(const struct dec_record *d, const struct acks *acks, size_t k, struct tr_sbuf *o)
{
    const struct tr_seg *s = &d->pkts[k].seg;
    if (!uses_numbers(s))
        return;
    if (s->retransmission) {
        tr_sb_printf(o, "%s\n", _("No RTT sample from a retransmission: its acknowledgement could "
                                  "be for either copy (Karn's rule, RFC 6298 3)."));
        return;
    }
    long ack;
    double srtt, prev;
    int64_t r = rtt_of(d, acks, k, &ack, &srtt, &prev);
    if (ack < 0 || r < 0) {
        tr_sb_printf(o, "%s\n", _("No RTT sample: no acknowledgement of it was captured."));
        return;
    }
    char a[32], b[32], p[32];
    ui_app_fmt_dur(a, sizeof a, r);
    ui_app_fmt_dur(b, sizeof b, (int64_t)(srtt + 0.5));
    if (prev < 0) {
        tr_sb_printf(o, _("RTT sample %s (acked by frame %llu); EstimatedRTT %s, the first sample."),
                     a, (unsigned long long)d->pkts[ack].seg.frame, b);
    } else {
        ui_app_fmt_dur(p, sizeof p, (int64_t)(prev + 0.5));
        tr_sb_printf(o, _("RTT sample %s (acked by frame %llu); EstimatedRTT %s = 7/8 x %s + 1/8 x %s."),
                     a, (unsigned long long)d->pkts[ack].seg.frame, b, p, a);
    }
    tr_sb_str(o, "\n");
}

static void line_connection(const struct dec_record *d, const struct acks *acks, struct tr_sbuf *o)
{
    struct dir_sums sums[2];
    conn_sums(d, acks, sums);
    char w[2][32], n[2][24];
    for (int i = 0; i < 2; i++) {
        ui_app_fmt_count(w[i], sizeof w[i], sums[i].min_window);
        ui_app_fmt_count(n[i], sizeof n[i], sums[i].bytes);
    }
    tr_sb_printf(o, _("Connection: smallest window client %s (frame %llu), server %s (frame %llu)."),
                 w[0], (unsigned long long)sums[0].min_frame, w[1], (unsigned long long)sums[1].min_frame);
    for (int i = 0; i < 2; i++) {
        const struct dir_sums *m = &sums[i];
        if (!m->bytes)
            continue;
        tr_time t = m->last_acked - m->first_data;
        char dur[32], rate[32], segs[24];
        ui_app_fmt_dur(dur, sizeof dur, t);
        ui_app_fmt_count(segs, sizeof segs, m->data_segments);
        if (t > 0)
            fmt_rate(rate, sizeof rate, (double)m->bytes * 8e6 / (double)t);
        else
            snprintf(rate, sizeof rate, "-");
        /* throughput: the bytes over the time from the first to the
         * acknowledgement of the last */
        tr_sb_printf(o, i == 0 ? P_(" Client: %s bytes in %s segment, %s to the last Ack, %s.",
                                    " Client: %s bytes in %s segments, %s to the last Ack, %s.",
                                    m->data_segments)
                               : P_(" Server: %s bytes in %s segment, %s to the last Ack, %s.",
                                    " Server: %s bytes in %s segments, %s to the last Ack, %s.",
                                    m->data_segments),
                     n[i], segs, dur, rate);
    }
    tr_sb_str(o, "\n");
}

void ui_packet_detail(const struct dec_record *d, size_t k, struct tr_sbuf *o)
{
    if (k >= d->npkts)
        return;
    const struct dec_pkt *p = &d->pkts[k];
    const struct tr_seg *s = &p->seg;
    struct pkt_facts f = packet_facts(d, k);
    char fl[64], len[24], t[32];
    ui_tcp_flags(fl, sizeof fl, s->flags, " ");
    ui_app_fmt_count(len, sizeof len, s->len);
    snprintf(t, sizeof t, "%.3f", (double)(s->ts - d->tc.first_ts) / 1e3);
    tr_sb_printf(o, _("Frame %llu, %s to %s, +%s ms: %s, %s bytes of payload."),
                 (unsigned long long)s->frame, side_name(s->dir),
                 side_name(s->dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S), t, fl, len);
    tr_sb_str(o, "\n");
    line_sequence(&f, o);
    line_ack(d, &f, o);
    line_window(&f, o);
    struct acks acks;
    acks_build(d, &acks);
    line_rtt(d, &acks, k, o);
    line_options(&f, o);
    line_carries(d, k, o);
    line_marks(p, &f, o);
    line_connection(d, &acks, o);
    line_ip(&f, o);  /* last: the lab's answers come first at 80x24 */
    acks_free(&acks);
}
