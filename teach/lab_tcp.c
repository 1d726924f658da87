/* lab_tcp.c - lab mode (issue 19): the questions of the TCP lab (the
 * handshake's numbers and why, an RTT sample, the smallest window,
 * retransmissions, pipelining, who closed), from the packets of the first
 * connections' records
 */
#include "lab_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the first connection whose SYN and SYN-ACK were captured: one with HTTP
 * exchanges first (the lab is about them), else any (HTTPS without keys) */
static const struct dec_record *first_handshake(const struct teach_lab *l)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t c = 0; c < l->nconns; c++) {
            const struct dec_record *r = &l->conns[c]->rec;
            if (r->have_tc && r->tc.syn_seen && r->tc.synack_seen && (pass || r->nxs))
                return r;
        }
    return NULL;
}

static const struct tr_seg *seg_of_frame(const struct dec_record *r, uint64_t frame)
{
    long k = frame ? dec_record_pkt_of(r, frame) : -1;
    return k >= 0 ? &r->pkts[k].seg : NULL;
}

/* T3, T4: the SYN's sequence number, the SYN-ACK's acknowledgement and why */
static void q_handshake(struct teach_lab *l)
{
    const struct dec_record *r = first_handshake(l);
    if (!r)
        return;
    const struct tr_seg *syn = seg_of_frame(r, r->tc.hs_frames[0]);
    const struct tr_seg *sa = seg_of_frame(r, r->tc.hs_frames[1]);
    if (!syn || !sa || !(syn->flags & TR_TCP_SYN) || !(sa->flags & TR_TCP_SYN) ||
        !(sa->flags & TR_TCP_ACK))
        return;
    struct teach_lab_q *q = teach_lab_add_q(l, "syn_seq", TEACH_LAB_NUMBER);
    q->text = teach_lab_printf(_("What is the sequence number (absolute, as sent) of the SYN that opens "
                           "connection %llu?"),
                         (unsigned long long)r->conn_id);
    q->value = syn->seq;
    q->answer = teach_lab_printf("%u", syn->seq);
    q->why = teach_lab_printf(_("Frame %llu: SYN, Seq %u; tools show it as relative 0."),
                        (unsigned long long)syn->frame, syn->seq);
    q->conn = r->conn_id;
    q->stage = DEC_STAGE_HANDSHAKE;
    q->frame = syn->frame;
    q->packet = true;

    q = teach_lab_add_q(l, "synack_ack", TEACH_LAB_NUMBER);
    q->text = teach_lab_printf(_("What acknowledgement number (absolute) does the server's SYN-ACK "
                           "carry?"));
    q->value = sa->ack;
    q->answer = teach_lab_printf("%u", sa->ack);
    q->why = teach_lab_printf(_("Frame %llu: SYN-ACK, Ack %u = the client's ISN %u + 1."),
                        (unsigned long long)sa->frame, sa->ack, syn->seq);
    q->conn = r->conn_id;
    q->stage = DEC_STAGE_HANDSHAKE;
    q->frame = sa->frame;
    q->packet = true;

    if (sa->ack != syn->seq + 1u)
        return;
    q = teach_lab_add_q(l, "synack_why", TEACH_LAB_CHOICE);
    q->text = teach_lab_printf("%s", _("Why does the SYN-ACK acknowledge that number?"));
    const char *opts[] = {
        _("the client's SYN used one sequence number: the server expects the client's ISN + 1"),
        _("it is the number of bytes the client sent so far"),
        _("the server picks it at random"),
        _("it is the server's own initial sequence number"),
    };
    teach_lab_set_choices(q, 4, opts);
    q->why = teach_lab_printf(_("%u = %u + 1 (RFC 9293 3.4: a SYN occupies one sequence number)."),
                        sa->ack, syn->seq);
    q->conn = r->conn_id;
    q->stage = DEC_STAGE_HANDSHAKE;
    q->frame = sa->frame;
    q->packet = true;
}

/* T7: the RTT sample of the first segment of the first request */
static void q_rtt(struct teach_lab *l)
{
    const struct dec_record *r = first_handshake(l);
    if (!r)
        return;
    for (size_t k = 0; k < r->npkts; k++) {
        const struct tr_seg *s = &r->pkts[k].seg;
        if (s->dir != TR_DIR_C2S || s->len == 0)
            continue;
        if (s->retransmission)
            return;  /* Karn: no sample from a retransmitted segment */
        int64_t want = (int64_t)(s->offset + s->len);
        for (size_t j = k + 1; j < r->npkts; j++) {
            const struct tr_seg *a = &r->pkts[j].seg;
            if (a->dir != TR_DIR_S2C || !(a->flags & TR_TCP_ACK) || a->ack_offset < want)
                continue;
            int64_t rtt = a->ts - s->ts;
            if (rtt < 0)
                return;
            struct teach_lab_q *q = teach_lab_add_q(l, "rtt_sample", TEACH_LAB_NUMBER);
            q->text = teach_lab_printf(_("Frame %llu carries the client's first %u bytes of data. How "
                                   "long after it did the acknowledgement of all of them arrive "
                                   "(its RTT sample, in microseconds)?"),
                                 (unsigned long long)s->frame, s->len);
            q->value = (double)rtt;
            q->usec = true;
            q->tol = rtt / 10 > 1 ? (double)(rtt / 10) : 1;  /* 10%, at least 1 us */
            char d[32];
            q->answer = teach_lab_printf("%lld", (long long)rtt);
            q->why = teach_lab_printf(_("Frame %llu acknowledges them %s later (Ack %u)."),
                                (unsigned long long)a->frame,
                                teach_fmt_duration(rtt, false, d, sizeof d), a->ack);
            q->conn = r->conn_id;
            /* the stage its bytes begin (the request line), or the handshake */
            const struct dec_stage *st = teach_lab_stage_of(r, 0, DEC_STAGE_REQUEST_LINE, false);
            q->exchange = st && dec_stage_has_frame(st, s->frame) ? 0 : -1;
            q->stage = q->exchange == 0 ? DEC_STAGE_REQUEST_LINE : DEC_STAGE_HANDSHAKE;
            q->frame = s->frame;
            q->packet = true;
            return;
        }
        return;
    }
}

/* T10: the smallest window the client advertised (as the server reads it: scaled) */
static void q_window(struct teach_lab *l)
{
    const struct dec_record *r = first_handshake(l);
    if (!r)
        return;
    uint64_t min = 0, frame = 0;
    for (size_t k = 0; k < r->npkts; k++) {
        const struct tr_seg *s = &r->pkts[k].seg;
        if (s->dir != TR_DIR_C2S || (s->flags & TR_TCP_RST))
            continue;
        if (!frame || s->window_scaled < min) {
            min = s->window_scaled;
            frame = s->frame;
        }
    }
    if (!frame)
        return;
    struct teach_lab_q *q = teach_lab_add_q(l, "min_window", TEACH_LAB_NUMBER);
    q->text = teach_lab_printf(_("What is the smallest receive window (in bytes, after window scaling) "
                           "the client advertised on connection %llu?"),
                         (unsigned long long)r->conn_id);
    q->value = (double)min;
    q->answer = teach_lab_printf("%llu", (unsigned long long)min);
    q->why = teach_lab_printf(_("Frame %llu advertises %llu bytes."), (unsigned long long)frame,
                        (unsigned long long)min);
    q->conn = r->conn_id;
    q->stage = DEC_STAGE_HANDSHAKE;
    q->frame = frame;
    q->packet = true;
}

/* T11: retransmissions (asked where there are some) */
static void q_retrans(struct teach_lab *l)
{
    uint64_t n = 0, first = 0, conn = 0, timing = 0;
    for (size_t c = 0; c < l->nconns; c++) {
        const struct dec_record *r = &l->conns[c]->rec;
        for (size_t k = 0; k < r->npkts; k++) {
            const struct tr_seg *s = &r->pkts[k].seg;
            /* a copy or a late original told apart by timing alone is a
             * guess (tracer/seginfo.c): other tools may call it the other */
            if ((s->retransmission || s->out_of_order) && s->rule == TR_SEG_RULE_TIMING)
                timing++;
            if (s->retransmission && !n++) {
                first = s->frame;
                conn = r->conn_id;
            }
        }
    }
    if (!n)
        return;
    struct teach_lab_q *q = teach_lab_add_q(l, "retransmissions", TEACH_LAB_NUMBER);
    q->text = teach_lab_printf("%s", _("How many TCP segments in this capture are retransmissions?"));
    q->value = (double)n;
    q->tol = (double)timing;
    q->answer = teach_lab_printf("%llu", (unsigned long long)n);
    q->why = timing ? teach_lab_printf(P_("%llu segments repeat bytes sent before; the first is frame "
                                    "%llu. %llu segment was told from a late original by timing "
                                    "alone, so a count that differs by that much is right too.",
                                    "%llu segments repeat bytes sent before; the first is frame "
                                    "%llu. %llu segments were told from late originals by timing "
                                    "alone, so a count that differs by that much is right too.",
                                    timing),
                                 (unsigned long long)n, (unsigned long long)first,
                                 (unsigned long long)timing)
                    : teach_lab_printf(P_("%llu segment repeats bytes sent before; the first is frame "
                                    "%llu.",
                                    "%llu segments repeat bytes sent before; the first is frame "
                                    "%llu.",
                                    n),
                                 (unsigned long long)n, (unsigned long long)first);
    q->conn = conn;
    q->stage = DEC_STAGE_HANDSHAKE;
    q->frame = first;
    q->packet = true;
}

/* pipelining: how many requests went out before the first response came */
static void q_pipelining(struct teach_lab *l)
{
    for (size_t c = 0; c < l->nconns; c++) {
        const struct dec_record *r = &l->conns[c]->rec;
        const struct dec_exchange *x0 = dec_record_x(r, 0);
        if (!x0 || !x0->response || r->nxs < 2 || x0->stream)
            continue;  /* HTTP/2 multiplexes streams: not pipelining (RFC 9113 5) */
        uint64_t before = 0;
        for (size_t i = 0; i < r->nxs; i++) {
            const struct dec_exchange *x = r->xs[i];
            if (x && x->request && x->request->ts_first < x0->response->ts_first &&
                x->request->first_frame < x0->response->first_frame)
                before++;
        }
        struct teach_lab_q *q = teach_lab_add_q(l, "pipelining", TEACH_LAB_NUMBER);
        q->text = teach_lab_printf(_("On connection %llu, how many requests had the client sent before "
                               "the first response began to arrive (frame %llu)?"),
                             (unsigned long long)r->conn_id,
                             (unsigned long long)x0->response->first_frame);
        q->value = (double)before;
        q->answer = teach_lab_printf("%llu", (unsigned long long)before);
        q->why = before > 1 ? teach_lab_printf(_("%llu requests: the client pipelines them (RFC 9112 "
                                           "9.3.2), and the responses come in the same order."),
                                         (unsigned long long)before)
                            : teach_lab_printf("%s", _("One: the client waits for each response "
                                                 "before it sends the next request."));
        teach_lab_where_stage(q, r, 0, DEC_STAGE_STATUS_LINE, false);
        return;
    }
}

/* who closed the connection */
static void q_close(struct teach_lab *l)
{
    for (size_t c = 0; c < 2 * l->nconns; c++) {
        /* a connection with HTTP exchanges first, else any */
        const struct dec_record *r = &l->conns[c % l->nconns]->rec;
        if (!r->have_tc || (c < l->nconns && !r->nxs) || r->tc.close_how != TR_CLOSE_FIN ||
            r->tc.close_initiator < 0 || !r->tc.close_frames[0])
            continue;
        struct teach_lab_q *q = teach_lab_add_q(l, "who_closed", TEACH_LAB_CHOICE);
        q->text = teach_lab_printf(_("Who began closing connection %llu (sent the first FIN)?"),
                             (unsigned long long)r->conn_id);
        const char *cl = _("the client"), *sv = _("the server");
        const char *opts[] = {r->tc.close_initiator == TR_DIR_C2S ? cl : sv,
                              r->tc.close_initiator == TR_DIR_C2S ? sv : cl};
        teach_lab_set_choices(q, 2, opts);
        q->why = teach_lab_printf(_("Frame %llu: the first FIN, from %s."),
                            (unsigned long long)r->tc.close_frames[0], opts[0]);
        q->conn = r->conn_id;
        q->stage = DEC_STAGE_CLOSE;
        q->frame = r->tc.close_frames[0];
        return;
    }
}

void teach_lab_tcp_questions(struct teach_lab *l)
{
    q_handshake(l);
    q_rtt(l);
    q_window(l);
    q_retrans(l);
    q_pipelining(l);
    q_close(l);
}
