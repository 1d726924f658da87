/* explain.c - what each stage is and why, for a learner, filled with this
 * exchange's real values (RFC 9293 for TCP, RFC 9110 and RFC 9112 for HTTP):
 * the stages of the connection (handshake, tunnel, keep-alive, close, and
 * what TLS hides) here, those of the messages in explain_msg.c, and the
 * dispatch
 *
 * Every text is one whole translatable sentence or paragraph (gettext),
 * with printf placeholders, numbered where there are several, for the
 * values from the capture. The knowledge lives in the tables of catalog.c.
 */
#include "teach_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* a connection on an HTTP port that carries something else: say so first,
 * before the TCP story, so an empty walk is not a puzzle */
static void explain_not_http(struct teach_ex *e)
{
    for (size_t i = 0; i < e->d->nnotes; i++)
        if (e->d->notes[i]->kind == DEC_NOTE_NOT_HTTP) {
            teach_para(e, _("This connection to port %u carries no HTTP: its first bytes are "
                            "another protocol (frame %llu). So there are no HTTP steps to walk "
                            "here, only the TCP handshake and the close."),
                       e->d->tc.server.port, (unsigned long long)e->d->notes[i]->frame);
            return;
        }
}

/* ---------------------------------------------------------------- TLS -- */

/* what TLS hides; on_port: TLS right on this connection's port (not
 * inside a CONNECT tunnel, whose stages say it themselves) */
static void explain_tls(struct teach_ex *e, bool on_port)
{
    const struct dec_note *n = teach_tls_note(e->d);
    if (!n)
        return;
    for (size_t i = 0; on_port && i < e->d->nxs; i++)
        if (e->d->xs[i] && e->d->xs[i]->tunnel)
            return;
    bool decrypted = teach_tls_decrypted(e->d);
    if (on_port && decrypted)
        teach_para(e, _("After the TCP handshake, this connection to port %u speaks TLS: it is "
                        "HTTPS. The client and the server first agree on keys (the TLS handshake, "
                        "steps 1b to 1d); everything after that is encrypted. httpstep was given "
                        "the TLS secrets (a key log), so it shows the HTTP inside as well."),
                   e->d->tc.server.port);
    else if (on_port)
        teach_para(e, _("After the TCP handshake, this connection to port %u speaks TLS: it is "
                        "HTTPS. The client and the server first agree on keys (the TLS handshake); "
                        "everything after that is encrypted."),
                   e->d->tc.server.port);
    /* TRANSLATORS: no server name (SNI) in the ClientHello; no ServerHello seen */
    const char *sni = n->sni.p ? teach_clip(e, teach_val(e, n->sni)) : _("none");
    const char *ver = n->tls_version ? n->tls_version : _("not seen");
    if (decrypted)
        teach_para(e, _("What an observer without those secrets (anyone on the same Wi-Fi, the "
                        "network's owner) can still see: the addresses and ports, the sizes and "
                        "times of the packets, the server name the client asked for in its "
                        "ClientHello (SNI: %1$s) and the TLS version the server chose (%2$s)."),
                   sni, ver);
    else
        teach_para(e, _("What an observer (this capture, anyone on the same Wi-Fi, the network's "
                        "owner) can still see: the addresses and ports, the sizes and times of the "
                        "packets, the server name the client asked for in its ClientHello (SNI: "
                        "%1$s) and the TLS version the server chose (%2$s)."),
                   sni, ver);
    teach_para_str(e, _("What it cannot see: the method, the URL, the headers, the cookies, the "
                        "passwords and the bodies, since all of HTTP travels inside the "
                        "encryption. On plain HTTP (port 80) every one of them, even a password in "
                        "a form, can be read by anyone on the path: that is why HTTPS matters."));
}

/* ---------------------------------------------------------- handshake -- */

void teach_explain_no_handshake(struct teach_ex *e)
{
    teach_para(e, _("No handshake was captured on this connection between the client %1$s and the "
                    "server %2$s: the capture began after the connection was opened. httpstep "
                    "still follows the bytes, counting from the first one it saw; the relative "
                    "sequence numbers start there, and the round-trip time is unknown."),
               teach_endpoint(e, &e->d->tc.client), teach_endpoint(e, &e->d->tc.server));
}

void teach_explain_handshake(struct teach_ex *e)
{
    const struct dec_record *d = e->d;
    const struct tr_conn *tc = &d->tc;
    const struct dec_stage *s = e->s;
    if (!tc->syn_seen) {
        teach_explain_no_handshake(e);
        return;
    }
    teach_para(e, _("Step 1: before any HTTP can travel, the client %1$s opens a TCP connection to "
                    "the server %2$s. It takes three packets, the three-way handshake, in which "
                    "each side says from which number it will count the bytes it sends (its "
                    "sequence number), and hears that the other side got it."),
               teach_endpoint(e, &tc->client), teach_endpoint(e, &tc->server));
    const struct dec_pkt *syn = tc->hs_frames[0] ? teach_pkt_of(d, tc->hs_frames[0]) : NULL;
    const struct dec_pkt *sa = tc->hs_frames[1] ? teach_pkt_of(d, tc->hs_frames[1]) : NULL;
    const struct dec_pkt *ack = tc->hs_frames[2] ? teach_pkt_of(d, tc->hs_frames[2]) : NULL;
    if (tc->hs_frames[0])
        teach_para(e, _("SYN (frame %1$llu): the client asks to open the connection. Its sequence "
                        "number is %2$u in relative numbers, counted from the random initial "
                        "number it picked, %3$u. SYN means synchronize: I will count my bytes from "
                        "here."),
                   (unsigned long long)tc->hs_frames[0], syn ? syn->seg.rel_seq : 0u,
                   tc->side[0].isn);
    else
        teach_para_str(e, _("The client's SYN was not captured."));
    if (tc->hs_frames[1])
        teach_para(e, _("SYN-ACK (frame %1$llu): the server agrees. It sends its own SYN with "
                        "its own random initial number %2$u (relative %3$u), and acknowledges the "
                        "client's SYN with the acknowledgment number %4$u: I got your SYN, the "
                        "next byte I expect from you is number %4$u. A SYN carries no data but "
                        "uses one sequence number, so the first byte of data is number 1."),
                   (unsigned long long)tc->hs_frames[1], tc->side[1].isn, sa ? sa->seg.rel_seq : 0u,
                   sa ? sa->seg.rel_ack : 1u);
    else
        teach_para_str(e, _("The server's SYN-ACK was not captured."));
    if (tc->hs_frames[2])
        teach_para(e, _("ACK (frame %1$llu): the client acknowledges the server's SYN with the "
                        "acknowledgment number %2$u; its own sequence number is now %3$u. The "
                        "connection is open, and the request can follow right away."),
                   (unsigned long long)tc->hs_frames[2], ack ? ack->seg.rel_ack : 1u,
                   ack ? ack->seg.rel_seq : 1u);
    else
        teach_para_str(e, _("The client's final ACK was not captured."));
    if (tc->side[0].opts.mss && tc->side[1].opts.mss)
        teach_para(e, _("The SYNs also carry options, such as the largest segment each side can "
                        "take (MSS): %1$u bytes for the client, %2$u for the server."),
                   tc->side[0].opts.mss, tc->side[1].opts.mss);
    if (s->rtt >= 0)
        teach_para_str(e, _("The time from the SYN to the ACK is one round trip between the two "
                            "machines (RTT). Every new connection costs at least this time before "
                            "the first byte of the request can leave."));
    else
        teach_para_str(e, _("The round-trip time is unknown: a packet of the handshake is "
                            "missing."));
    teach_para_str(e, _("Why three packets? Each side must send its starting number and learn that "
                        "the other received it. With two packets the server could not know that "
                        "its own number arrived; four would work, but the server puts its SYN and "
                        "its ACK into one packet, so three are enough."));
    explain_tls(e, true);
}

/* ------------------------------------------------------------- tunnel -- */

void teach_explain_tunnel(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    if (teach_is_method(e, "CONNECT")) {
        const char *t = teach_not_captured(teach_clip(e, e->x.target));
        teach_para(e, _("Step 6b here is a tunnel: after answering 200 to CONNECT %1$s, the proxy "
                        "stopped reading HTTP. It relays the bytes between the client and %1$s as "
                        "they are, in both directions, without understanding them."),
                   t);
        teach_para_str(e, _("This is how a browser reaches an HTTPS site through a proxy: the "
                            "tunnel carries TLS, so the proxy sees only the host and port of the "
                            "CONNECT, never the pages."));
    } else {
        const char *up = teach_rsp_hdr(e, "Upgrade");
        teach_para(e, _("Step 6b here is a tunnel: after 101 Switching Protocols the connection "
                        "speaks %s (from the Upgrade header) instead of HTTP/1.1. httpstep does "
                        "not decode that protocol and shows its bytes as they are."),
                   teach_not_sent(teach_clip(e, up ? up : teach_req_hdr(e, "Upgrade"))));
        if (up && teach_has_token(up, "websocket"))
            teach_para_str(e, _("With WebSocket, the browser and the server can both send messages "
                                "at any time, in small frames, over this one connection that began "
                                "as HTTP."));
    }
    size_t n;
    const uint8_t *p = dec_stream_at(teach_stage_stream(e->d, s), s->offset, &n);
    if (p) {
        if (n > s->length)
            n = (size_t)s->length;
        if (dec_looks_like_tls(p, n)) {
            teach_para_str(e, _("The bytes in this tunnel are TLS: encrypted, unreadable for the "
                                "proxy and for this capture."));
            explain_tls(e, false);
        } else if (dec_looks_like_request(p, n) || dec_looks_like_response(p, n))
            teach_para(e, _("Here the tunnel carries plain HTTP (it begins %s), so this capture "
                            "can read it; with https:// it would be TLS and unreadable."),
                       teach_safe_bytes(e, p, dec_line_len(p, n), TEACH_EXCERPT_MAX));
    }
}

/* --------------------------------------------------------- keep-alive -- */

/* who sent Connection: keep-alive in this exchange */
static enum teach_ka_who ka_who(struct teach_ex *e)
{
    bool q = teach_has_token(teach_req_hdr(e, "Connection"), "keep-alive");
    bool r = teach_has_token(teach_hget(e, e->x.rh, e->x.nrh, "Connection"), "keep-alive");
    return q && r ? TEACH_KA_BOTH : q ? TEACH_KA_CLIENT : r ? TEACH_KA_SERVER : TEACH_KA_ANY;
}

/* the request line of the next exchange, wherever it is (pipelined, it
 * comes before this stage), or -1 */
static int next_request(const struct teach_ex *e)
{
    for (size_t k = 0; k < e->d->nstgs; k++) {
        const struct dec_stage *g = e->d->stgs[k];
        if (g->kind == DEC_STAGE_REQUEST_LINE && g->exchange == e->s->exchange + 1)
            return (int)k;
    }
    return -1;
}

static int close_after(const struct teach_ex *e)
{
    for (size_t k = (size_t)e->idx + 1; k < e->d->nstgs; k++)
        if (e->d->stgs[k]->kind == DEC_STAGE_CLOSE)
            return (int)k;
    return -1;
}

void teach_explain_keep_alive(struct teach_ex *e)
{
    const struct dec_record *d = e->d;
    const struct dec_stage *s = e->s;
    long long x = (long long)s->exchange + 1;
    int nk = next_request(e), ck = nk < 0 ? close_after(e) : -1;
    const struct dec_stage *g = nk >= 0 ? d->stgs[nk] : ck >= 0 ? d->stgs[ck] : NULL;
    bool pipelined = nk >= 0 && g->ts < s->ts;
    if (nk >= 0) {
        const char *m = teach_clip(e, g->msg->method.p ? teach_val(e, g->msg->method) : "");
        const char *t = teach_clip(e, g->msg->target.p ? teach_val(e, g->msg->target) : "");
        if (pipelined)
            teach_para(e, _("After exchange %1$lld the connection stays open; the next request, "
                            "%2$s %3$s, was already sent %4$s before this response ended: "
                            "pipelined."),
                       x, m, t, teach_duration(e, s->ts - g->ts));
        else
            teach_para(e, _("After exchange %1$lld the connection stays open; the next request, "
                            "%2$s %3$s, comes %4$s later on it."),
                       x, m, t, teach_duration(e, g->ts - s->ts));
    } else if (g) {
        teach_para(e, _("After exchange %1$lld the connection stays open, but no other request "
                        "comes: it is closed %2$s later."),
                   x, teach_duration(e, g->ts - s->ts));
    } else if (d->sealed) {
        teach_para(e, _("After exchange %lld the connection stays open; the next exchanges are "
                        "past those kept for the screen."),
                   x);
    } else {
        teach_para(e, _("After exchange %lld the connection stays open; no other request was "
                        "captured on it so far."),
                   x);
    }
    const char *t = teach_cat_keep_alive(s->reason_text, ka_who(e));
    if (t)
        teach_para_str(e, _(t));
    else
        teach_para(e, _("Step 7: the exchange is over, but the TCP connection stays open "
                        "(keep-alive): %s."),
                   teach_clip(e, s->reason_text ? s->reason_text : ""));
    const struct dec_stage *hs = teach_handshake_stage(d);
    if (hs && hs->rtt >= 0)
        teach_para(e, _("What it saves: a new connection for the next request would first cost a "
                        "three-way handshake, one round trip (%s on this connection), and a new "
                        "connection also starts sending slowly (TCP slow start)."),
                   teach_duration(e, hs->rtt));
    else
        teach_para_str(e, _("What it saves: a new connection for the next request would first "
                            "cost a three-way handshake, one round trip, and a new connection "
                            "also starts sending slowly (TCP slow start)."));
    const struct dec_stage *ch = NULL, *fin = NULL;
    for (size_t k = 0; k < d->nstgs && !fin; k++) {
        if (d->stgs[k]->kind == DEC_STAGE_TLS_CLIENT_HELLO && !ch)
            ch = d->stgs[k];
        else if (d->stgs[k]->kind == DEC_STAGE_TLS_CLIENT_FINISHED && ch)
            fin = d->stgs[k];
    }
    if (fin && fin->ts >= ch->ts)
        teach_para(e, _("On HTTPS it saves more: a new connection would also need a new TLS "
                        "handshake, which took %s here from the ClientHello to the client's "
                        "Finished."),
                   teach_duration(e, fin->ts - ch->ts));
    if (pipelined)
        teach_para_str(e, _("The client did not wait for this response: it had sent its next "
                            "request on the same connection already (pipelining). The server "
                            "answers requests in the order they came, so this response belongs "
                            "to the earlier one, and the next response to the next."));
    else if (nk >= 0)
        teach_para_str(e, _("No step 1 for the next exchange: it begins at step 2, on this same "
                            "connection."));
    else if (g)
        teach_para_str(e, _("An open connection costs the server memory, so it does not stay "
                            "open for ever: see how it ends in its step 7, Close."));
    else if (d->sealed)
        teach_para_str(e, _("Select the next exchange in the list to see it (the screen keeps "
                            "--max-ui-exchanges exchanges of a connection in detail)."));
}

/* ------------------------------------------------------------- close -- */

static enum teach_close_why close_why(struct teach_ex *e, tr_time *last_end)
{
    const struct dec_record *d = e->d;
    const struct dec_exchange *x = dec_record_last_x(d);
    if (!x)
        return TEACH_W_NO_HTTP;
    const struct dec_msg *q = x->request, *r = x->response;
    *last_end = r ? r->ts_last : q ? q->ts_last : 0;
    const char *qc = q ? teach_hget(e, q->headers, q->nheaders, "Connection") : NULL;
    const char *rc = r ? teach_hget(e, r->headers, r->nheaders, "Connection") : NULL;
    if (x->tunnel)
        return TEACH_W_TUNNEL;
    if (teach_has_token(qc, "close"))
        return x->index > 0 ? TEACH_W_REQ_CLOSE_LAST : TEACH_W_REQ_CLOSE;
    if (teach_has_token(rc, "close"))
        return TEACH_W_RSP_CLOSE;
    if (r && r->framing == DEC_FRAMING_CLOSE)
        return TEACH_W_UNTIL_CLOSE;
    if (!x->keep_alive && ((q && dec_str_eq_ci(q->version, "HTTP/1.0")) ||
                           (r && dec_str_eq_ci(r->version, "HTTP/1.0"))))
        return TEACH_W_HTTP10;
    if (x->keep_alive && e->s->how != TR_CLOSE_END)
        return e->s->initiator == TR_DIR_S2C ? TEACH_W_IDLE_SERVER
            : e->s->initiator == TR_DIR_C2S ? TEACH_W_DONE_CLIENT
                                            : TEACH_W_NONE;
    return TEACH_W_NONE;
}

static const char *side(enum tr_dir d)
{
    /* TRANSLATORS: who sent a packet, in "the %s's FIN" */
    return d == TR_DIR_C2S ? _("client") : _("server");
}

/* the close's packets, as captured: what each one is, and whether the
 * close is whole (RFC 9293 3.6: a FIN takes one sequence number, and the
 * other side acknowledges it with that number plus one) */
struct close_facts {
    const struct dec_pkt *fin[2];    /* each side's FIN in the close, or NULL */
    uint64_t acked_by[2];            /* the frame that acknowledged side k's FIN, 0: none */
    size_t npkts;                    /* the close's packets httpstep kept */
};

static bool acks_fin(const struct dec_pkt *p, const struct dec_pkt *fin)
{
    return p->seg.dir != fin->seg.dir && (p->seg.flags & TR_TCP_ACK) &&
           p->seg.frame > fin->seg.frame && p->seg.ack == fin->seg.seq + fin->seg.len + 1u;
}

static void close_facts(struct teach_ex *e, struct close_facts *f)
{
    const struct dec_stage *s = e->s;
    memset(f, 0, sizeof *f);
    for (size_t i = 0; i < s->nframes; i++) {
        const struct dec_pkt *p = teach_pkt_of(e->d, s->frames[i]);
        if (!p)
            continue;
        f->npkts++;
        if ((p->seg.flags & TR_TCP_FIN) && !f->fin[p->seg.dir])
            f->fin[p->seg.dir] = p;
    }
    for (size_t i = 0; i < s->nframes; i++) {
        const struct dec_pkt *p = teach_pkt_of(e->d, s->frames[i]);
        for (int k = 0; p && k < 2; k++)
            if (f->fin[k] && !f->acked_by[k] && acks_fin(p, f->fin[k]))
                f->acked_by[k] = p->seg.frame;
    }
}

/* the first lines: each packet of the close, by frame and sender */
static void close_lead(struct teach_ex *e, const struct close_facts *f)
{
    const struct dec_stage *s = e->s;
    if (s->how == TR_CLOSE_END || s->how == TR_CLOSE_NONE) {
        teach_para(e, _("The capture ends while the connection is still open; its last packet is "
                        "frame %llu."),
                   (unsigned long long)e->d->tc.last_frame);
        return;
    }
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < s->nframes; i++) {
        const struct dec_pkt *p = teach_pkt_of(e->d, s->frames[i]);
        if (!p)
            continue;
        enum tr_dir d = p->seg.dir, o = d == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
        unsigned long long fr = (unsigned long long)p->seg.frame;
        bool acks = f->acked_by[o] == p->seg.frame;
        if (b.len)
            tr_sb_str(&b, _("; "));
        if (p->seg.flags & TR_TCP_RST)
            tr_sb_printf(&b, _("frame %1$llu: the %2$s's RST"), fr, side(d));
        else if ((p->seg.flags & TR_TCP_FIN) && acks)
            tr_sb_printf(&b, _("frame %1$llu: the %2$s's FIN, with its ACK of the %3$s's FIN"), fr,
                         side(d), side(o));
        else if (p->seg.flags & TR_TCP_FIN)
            tr_sb_printf(&b, _("frame %1$llu: the %2$s's FIN"), fr, side(d));
        else if (acks)
            tr_sb_printf(&b, _("frame %1$llu: the %2$s's ACK of the %3$s's FIN"), fr, side(d),
                         side(o));
        else
            tr_sb_printf(&b, _("frame %1$llu: a packet from the %2$s"), fr, side(d));
    }
    if (b.len)
        teach_para(e, _("The close, as captured: %s."), teach_own(e, tr_sb_take(&b)));
    else
        tr_sb_free(&b);
}

/* how many packets this close took, and why that many */
static void close_count(struct teach_ex *e, const struct close_facts *f)
{
    if (e->s->how != TR_CLOSE_FIN || !f->fin[0] || !f->fin[1])
        return;
    int first = f->fin[0]->seg.frame < f->fin[1]->seg.frame ? 0 : 1, second = !first;
    if (f->acked_by[first] == f->fin[second]->seg.frame && f->acked_by[second])
        teach_para(e, _("Here it took three packets: the %1$s's FIN carried its ACK of the %2$s's "
                        "FIN, which saves one. Without that, a close takes four: FIN, ACK, FIN, "
                        "ACK."),
                   side((enum tr_dir)second), side((enum tr_dir)first));
    else if (f->acked_by[first] && f->acked_by[second])
        teach_para(e, P_("Here it took %zu packet: each FIN and each ACK on its own.",
                         "Here it took %zu packets: each FIN and each ACK on its own.", f->npkts),
                   f->npkts);
    if (!f->acked_by[second])
        teach_para(e, _("The %1$s's ACK of the %2$s's FIN, which completes the close, is not among "
                        "the packets httpstep kept for this connection."),
                   side((enum tr_dir)first), side((enum tr_dir)second));
}

void teach_explain_close(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    struct close_facts f;
    close_facts(e, &f);
    close_lead(e, &f);
    const char *t = teach_cat_close(s->how, s->initiator);
    if (s->how == TR_CLOSE_FIN && !f.fin[0] != !f.fin[1]) {
        /* one FIN only (the other side reset, or the capture ended): not the polite close */
        enum tr_dir d = f.fin[TR_DIR_C2S] ? TR_DIR_C2S : TR_DIR_S2C;
        teach_para(e, _("Step 7: the %1$s sent a FIN: it has nothing more to send. No FIN from "
                        "the %2$s is among this connection's packets: only one direction is seen "
                        "closing the polite way."),
                   side(d), side(d == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S));
    } else if (t)
        teach_para_str(e, _(t));
    close_count(e, &f);
    tr_time last_end = 0;
    enum teach_close_why w = close_why(e, &last_end);
    bool other = false;  /* TLS or another protocol: its notes say so */
    for (size_t i = 0; i < e->d->nnotes; i++)
        other |= e->d->notes[i]->kind == DEC_NOTE_TLS || e->d->notes[i]->kind == DEC_NOTE_NOT_HTTP;
    if (w != TEACH_W_NONE && !(w == TEACH_W_NO_HTTP && other))
        teach_para(e, _(teach_cat_close_why(w)), teach_duration(e, s->ts - last_end));
    if (w != TEACH_W_NO_HTTP && s->how != TR_CLOSE_END && s->how != TR_CLOSE_NONE)
        teach_para_str(e, _("This ends the connection, and its last exchange. Another request to "
                            "this server needs a new TCP connection, starting again at step 1 "
                            "with a new handshake."));
    explain_tls(e, true);
}

/* ------------------------------------------------------------ stages -- */

typedef void explain_fn(struct teach_ex *e);

/* the composition of each stage's text (titles: decode.h's DEC_STAGE_LIST) */
static explain_fn *const stage_explain[DEC_STAGE_COUNT] = {
    [DEC_STAGE_HANDSHAKE] = teach_explain_handshake,
    [DEC_STAGE_REQUEST_LINE] = teach_explain_request_line,
    [DEC_STAGE_REQUEST_HEADERS] = teach_explain_headers,
    [DEC_STAGE_REQUEST_BLANK_LINE] = teach_explain_blank_line,
    [DEC_STAGE_REQUEST_BODY] = teach_explain_body,
    [DEC_STAGE_STATUS_LINE] = teach_explain_status_line,
    [DEC_STAGE_RESPONSE_HEADERS] = teach_explain_headers,
    [DEC_STAGE_RESPONSE_BLANK_LINE] = teach_explain_blank_line,
    [DEC_STAGE_RESPONSE_BODY] = teach_explain_body,
    [DEC_STAGE_TUNNEL] = teach_explain_tunnel,
    [DEC_STAGE_CLOSE] = teach_explain_close,
    [DEC_STAGE_KEEP_ALIVE] = teach_explain_keep_alive,
    [DEC_STAGE_SOCKS] = teach_explain_socks,
    [DEC_STAGE_DNS_LOOKUP] = teach_explain_dns,
    [DEC_STAGE_TLS_CLIENT_HELLO] = teach_explain_tls_client_hello,
    [DEC_STAGE_TLS_SERVER_HELLO] = teach_explain_tls_server_hello,
    [DEC_STAGE_TLS_CLIENT_FINISHED] = teach_explain_tls_client_finished,
    [DEC_STAGE_ENCRYPTED] = teach_explain_encrypted,
    [DEC_STAGE_H2_PREFACE] = teach_explain_h2_preface,
    [DEC_STAGE_H2_SETTINGS] = teach_explain_h2_settings,
    [DEC_STAGE_PUSH_PROMISE] = teach_explain_push_promise,
    [DEC_STAGE_STREAM_END] = teach_explain_stream_end,
    [DEC_STAGE_GOAWAY] = teach_explain_goaway,
};

void teach_explain(const struct dec_record *d, int stage, struct tr_sbuf *out)
{
    if (stage < 0 || (size_t)stage >= d->nstgs) {
        tr_sb_str(out, _("No stage selected."));
        return;
    }
    struct teach_ex e;
    teach_ex_init(&e, d, stage, out);
    teach_lead(&e);
    if (stage == (d->stgs[0]->kind == DEC_STAGE_DNS_LOOKUP))  /* the first after step 0 */
        explain_not_http(&e);
    if ((unsigned)e.s->kind < DEC_STAGE_COUNT && stage_explain[e.s->kind])
        stage_explain[e.s->kind](&e);
    if (e.s->kind == DEC_STAGE_HANDSHAKE)
        teach_explain_no_lookup(&e);
    teach_explain_inside_tls(&e);
    teach_notes(&e);
    teach_ex_done(&e);
}
