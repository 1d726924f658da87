/* decoder.c - connections, exchanges and events: the tracer's events in,
 * stages, exchanges and notes out, in the order of the transcript spec
 *
 * Requests queue up per connection; a final response answers the oldest
 * request without one (RFC 9112 9.3.2, pipelining); 1xx responses are
 * interim. An exchange is written when its request and response are both
 * done, or when the connection ends.
 */
#include "decode_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert((int)DEC_NOTE_FRAGMENT == (int)TR_NOTE_FRAGMENT,
               "decode's note list must start with the tracer's, in its order");

static struct dconn *user_of(const struct tr_conn *tc)
{
    return tc ? (struct dconn *)tc->user : NULL;
}

static bool port_listed(const struct dec_decoder *d, uint16_t port)
{
    for (size_t i = 0; i < d->o.nports; i++)
        if (d->ports[i] == port)
            return true;
    return false;
}

/* --------------------------------------------------------------- events -- */

static void emit_note(struct dconn *c, enum dec_note_kind kind, uint64_t frame, const char *detail)
{
    struct dec_decoder *d = c->d;
    d->st.notes++;
    d->st.notes_by_kind[kind]++;
    if (!d->sink.on_note)
        return;
    struct dec_note *n = dec_note_new(kind, c->pub.id, frame, detail, (struct dec_str){NULL, 0}, NULL);
    d->sink.on_note(d->sink.ctx, &c->pub, n);
    dec_note_unref(n);
}

void dec_dc_note(struct dconn *c, enum dec_note_kind kind, uint64_t frame, const char *fmt, ...)
{
    if (c->dropped)
        return;
    char buf[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (frame == 0)
        frame = c->tc->last_frame;
    if (!c->decided) {
        if (!c->dnotes)
            c->dnotes = tr_xreallocarray(NULL, DEFER_NOTES, sizeof *c->dnotes);
        if (c->ndnotes < DEFER_NOTES)
            c->dnotes[c->ndnotes++] = (struct dnote){kind, frame, tr_xstrdup(buf)};
        return;
    }
    emit_note(c, kind, frame, buf);
}

void dec_dc_stage(struct dconn *c, struct dec_stage *s)
{
    s->conn = c->pub.id;
    if (s->msg && s->msg->tls)  /* an HTTP stage of the plaintext */
        s->tls = true;
    if (s->tls && c->ctls)
        dec_ct_stage_keys(c, s);
    if (c->decided && !c->dropped && c->d->sink.on_stage)
        c->d->sink.on_stage(c->d->sink.ctx, &c->pub, s);
    dec_stage_unref(s);
}

static void emit_handshake(struct dconn *c)
{
    const struct tr_conn *tc = c->tc;
    struct flist *f = &c->d->scratch;
    dec_flist_reset(f);
    for (int i = 0; i < 3; i++)
        if (tc->hs_frames[i])
            dec_flist_add(f, tc->hs_frames[i], tc->hs_ts[i]);
    struct dec_stage *st = dec_stage_from(DEC_STAGE_HANDSHAKE, -1, TR_DIR_C2S, 0, 0, f);
    st->rtt = tc->handshake_done ? tc->hs_ts[2] - tc->hs_ts[0] : -1;
    dec_dc_stage(c, st);
}

void dec_dc_mark_http(struct dconn *c)
{
    if (!c->pub.http) {
        c->pub.http = true;
        c->d->st.http_conns++;
    }
}

static void defer_free(struct dconn *c)
{
    for (size_t i = 0; i < c->ndnotes; i++)
        free(c->dnotes[i].detail);
    free(c->dnotes);
    free(c->dsegs);
    c->dnotes = NULL;
    c->dsegs = NULL;
    c->ndnotes = c->ndsegs = 0;
}

void dec_dc_decide(struct dconn *c, bool http)
{
    struct dec_decoder *d = c->d;
    if (c->decided || c->dropped)
        return;
    if (!http) {
        c->dropped = true;
        tr_conn_ignore_data(c->tc);
        defer_free(c);
        return;
    }
    c->decided = true;
    if (d->sink.on_conn)
        d->sink.on_conn(d->sink.ctx, &c->pub);
    if (c->hs_pending)
        emit_handshake(c);
    for (size_t i = 0; i < c->ndnotes; i++) {
        emit_note(c, c->dnotes[i].kind, c->dnotes[i].frame, c->dnotes[i].detail);
        free(c->dnotes[i].detail);
    }
    c->ndnotes = 0;
    if (d->sink.on_segment)
        for (size_t i = 0; i < c->ndsegs; i++)
            d->sink.on_segment(d->sink.ctx, &c->pub, &c->dsegs[i]);
    c->ndsegs = 0;
    defer_free(c);
}

/* ------------------------------------------------------------ exchanges -- */

void dec_dc_msgs_unref(struct msgrec *req, struct msgrec *rsp, struct msgrec **interim, size_t n)
{
    dec_msg_unref(req ? &req->pub : NULL);
    dec_msg_unref(rsp ? &rsp->pub : NULL);
    for (size_t i = 0; i < n; i++)
        dec_msg_unref(&interim[i]->pub);
    free(interim);
}

struct dec_exchange *dec_dc_exchange_of(const struct dconn *c, uint64_t index, struct msgrec *req,
                                    struct msgrec *rsp, struct msgrec *const *interim, size_t n)
{
    struct dec_exchange *ex = dec_exchange_new(c->pub.id, index, n);
    ex->request = req ? dec_msg_ref(&req->pub) : NULL;
    ex->response = rsp ? dec_msg_ref(&rsp->pub) : NULL;
    for (size_t i = 0; i < n; i++)
        ((const struct dec_msg **)ex->interim)[i] = dec_msg_ref(&interim[i]->pub);
    return ex;
}

static void xchg_free(struct xchg *x)
{
    dec_dc_msgs_unref(x->req, x->rsp, x->interim, x->ninterim);
    free(x);
}

static bool msg_done_complete(const struct msgrec *m, bool done)
{
    return m && done && m->pub.complete;
}

static void write_exchange(struct dconn *c, struct xchg *x)
{
    struct dec_decoder *d = c->d;
    if (x->keep_alive && x->rsp_done) {
        const struct dec_msg *r = &x->rsp->pub;
        struct flist *f = &d->scratch;
        dec_flist_reset(f);
        dec_flist_add(f, r->last_frame, r->ts_last);
        /* at the offset where the response ended */
        struct dec_stage *st =
            dec_stage_from(DEC_STAGE_KEEP_ALIVE, (int64_t)x->index, TR_DIR_S2C, r->end, 0, f);
        st->reason_text = x->ka_reason;
        st->tls = r->tls;
        dec_dc_stage(c, st);
    }
    if (c->decided && !c->dropped && d->sink.on_exchange) {
        struct dec_exchange *ex =
            dec_dc_exchange_of(c, x->index, x->req, x->rsp, x->interim, x->ninterim);
        ex->keep_alive = x->keep_alive;
        ex->tunnel = x->tunnel;
        ex->complete = msg_done_complete(x->req, x->req_done) && msg_done_complete(x->rsp, x->rsp_done);
        d->sink.on_exchange(d->sink.ctx, &c->pub, ex);
        dec_exchange_unref(ex);
    }
    dec_dc_xchg_detach(c, x);  /* x is the head */
}

/* unlink x from the queue without writing it, and free it (its messages
 * keep the references others took) */
void dec_dc_xchg_detach(struct dconn *c, struct xchg *x)
{
    struct xchg **pp = &c->xhead, *prev = NULL;
    while (*pp && *pp != x) {
        prev = *pp;
        pp = &(*pp)->next;
    }
    if (!*pp)
        return;
    *pp = x->next;
    if (c->xtail == x)
        c->xtail = prev;
    c->nqueued--;
    for (int k = 0; k < 2; k++)
        if (c->s[k].x == x) {
            if (c->s[k].is_interim && c->s[k].m)
                dec_msg_unref(&c->s[k].m->pub);
            c->s[k].x = NULL;
            c->s[k].m = NULL;
            c->s[k].is_interim = false;
        }
    xchg_free(x);
}

static struct dec_str header_of(const struct msgrec *m, const char *name)
{
    for (size_t i = 0; m && i < m->pub.nheaders; i++)
        if (dec_str_eq_ci(m->pub.headers[i].name, name))
            return m->pub.headers[i].value;
    return (struct dec_str){NULL, 0};
}

bool dec_dc_h2c_upgrade(const struct xchg *x)
{
    struct dec_str q = header_of(x->req, "Upgrade"), r = header_of(x->rsp, "Upgrade");
    return q.p && r.p && dec_list_has_token((const uint8_t *)q.p, q.len, "h2c") &&
           dec_list_has_token((const uint8_t *)r.p, r.len, "h2c");
}

static void flush_ready(struct dconn *c)
{
    struct xchg *x;
    while ((x = c->xhead) && (x->req_done || !x->req) && x->rsp_done)
        write_exchange(c, x);
}

static struct xchg *xchg_new(struct dconn *c)
{
    struct xchg *x = tr_xcalloc(1, sizeof *x);
    x->index = c->pub.exchanges++;
    if (c->xtail)
        c->xtail->next = x;
    else
        c->xhead = x;
    c->xtail = x;
    c->nqueued++;
    c->d->st.exchanges++;
    dec_dc_mark_http(c);
    return x;
}

struct xchg *dec_dc_request_begins(struct dconn *c)
{
    size_t max = c->d->o.max_pipeline;
    /* not while the server is in the middle of the oldest one's response:
     * the server's reader points into it */
    if (c->nqueued >= max && c->xhead && !(c->xhead->rsp_started && !c->xhead->rsp_done)) {
        dec_dc_note(c, DEC_NOTE_LIMIT, 0,
                "more than %zu requests wait for a response: the oldest is written unanswered", max);
        write_exchange(c, c->xhead);
    }
    return xchg_new(c);
}

/* A final response answers the oldest request without one (RFC 9112 9.3.2).
 * After a gap in the server's stream whole responses may be lost: then the
 * acknowledgment the response carries tells which requests the server had
 * read, and the response answers the newest of those (a server answers a
 * request after reading it; one waiting client sends the next after). */
struct xchg *dec_dc_response_begins(struct dconn *c, bool interim)
{
    struct dstate *s = &c->s[TR_DIR_S2C];
    struct xchg *x = c->xhead;
    while (x && x->rsp_started)
        x = x->next;
    if (x && !interim && s->lost && s->ack_off >= 0) {
        struct xchg *best = x;
        for (struct xchg *y = x->next; y; y = y->next)
            if (y->req && y->req_done && (int64_t)y->req->pub.end <= s->ack_off)
                best = y;
        for (struct xchg *y = x; y != best; y = y->next) {
            y->rsp_started = y->rsp_done = true;
            dec_dc_note(c, DEC_NOTE_INCOMPLETE, 0,
                    "the response to request %llu was lost in a gap of the server's stream",
                    (unsigned long long)y->index);
        }
        x = best;
    }
    if (!interim)
        s->lost = false;
    if (!x)
        x = xchg_new(c);  /* its request was not captured */
    if (!interim)
        x->rsp_started = true;
    flush_ready(c);
    return x;
}

void dec_dc_interim_done(struct dconn *c, struct dstate *s)
{
    struct xchg *x = s->x;
    struct msgrec *m = s->m;
    if (x->ninterim < MAX_INTERIM) {
        tr_xgrow(&x->interim, &x->icap, x->ninterim + 1, sizeof *x->interim);
        x->interim[x->ninterim++] = m;  /* the exchange takes the reader's reference */
    } else {
        if (!x->interim_capped) {
            x->interim_capped = true;
            dec_dc_note(c, DEC_NOTE_LIMIT, m->pub.last_frame,
                    "more than %d interim responses: the rest are not kept", MAX_INTERIM);
        }
        dec_msg_unref(&m->pub);
    }
    s->x = NULL;
    s->m = NULL;
    s->is_interim = false;
}

static bool version_11(const struct dec_msg *m)
{
    struct dec_str v = m->version;
    if (!v.p || v.len < 8 || memcmp(v.p, "HTTP/", 5) != 0)
        return false;
    return v.p[5] > '1' || (v.p[5] == '1' && v.p[7] >= '1');
}

/* RFC 9112 9.3: does the connection stay open after this response? */
static void keep_alive_decision(struct xchg *x)
{
    const struct dec_msg *q = x->req ? &x->req->pub : NULL, *r = &x->rsp->pub;
    bool r11 = version_11(r), q11 = !q || version_11(q);
    x->keep_alive = false;
    x->ka_reason = NULL;
    if (x->tunnel || r->framing == DEC_FRAMING_CLOSE || r->conn_close || (q && q->conn_close))
        return;
    /* cut short by the close, a reset or broken framing (not by a gap): the
     * connection did not stay open after it, or its end is unknown */
    if (!r->complete && r->gap_bytes == 0)
        return;
    if (r11 && (q11 || (q && q->conn_keep_alive))) {
        x->keep_alive = true;
        x->ka_reason = r->conn_keep_alive ? "Connection: keep-alive" : "HTTP/1.1 default";
    } else if (!r11 && r->conn_keep_alive) {
        x->keep_alive = true;
        x->ka_reason = "Connection: keep-alive";
    }
}

void dec_dc_message_done(struct dconn *c, struct dstate *s, bool complete, uint64_t end)
{
    struct xchg *x = s->x;
    s->x = NULL;
    s->m = NULL;
    if (!x)
        return;
    if (s->dir == TR_DIR_C2S) {
        x->req_done = true;
        x->req->pub.complete = complete;
        if (x->req->pub.upgrade && !x->connect) {
            s->st = P_UPGRADE;
            s->tunnel_x = (int64_t)x->index;
        }
    } else {
        x->rsp_done = true;
        x->rsp->pub.complete = complete;
        int code = x->rsp->pub.status;
        if (code == 101 && dec_dc_h2c_upgrade(x)) {  /* HTTP/2 from the next byte on */
            dec_ch_upgrade(c, x, end);
            flush_ready(c);
            return;
        }
        if (code == 101 || (x->connect && code >= 200 && code < 300)) {
            x->tunnel = true;
            dec_ms_tunnel(s, (int64_t)x->index, end);
            struct dstate *cs = &c->s[TR_DIR_C2S];
            if (cs->st == P_IDLE || cs->st == P_UPGRADE)
                dec_ms_tunnel(cs, (int64_t)x->index, cs->pos);
        }
        keep_alive_decision(x);
    }
    flush_ready(c);
}

static void tls_note(struct dconn *c);

void dec_dc_tls_hello(struct dconn *c, const struct dec_tls_hello *h, uint64_t frame)
{
    if (h->type == 1 && !c->client_hello) {
        c->client_hello = true;
        c->tls_frame = frame;
        if (h->sni[0] && !c->sni)
            c->sni = tr_xstrdup(h->sni);
    } else if (h->type == 2 && !c->server_hello) {
        c->server_hello = true;
        c->tls_version = h->version;
        if (!c->tls_frame)
            c->tls_frame = frame;
    }
    dec_dc_mark_http(c);
    c->pub.tls = true;
    if (c->client_hello && c->server_hello)
        tls_note(c);  /* both hellos seen: say it now (live, as it happens) */
}

static void tls_note(struct dconn *c)
{
    if (c->tls_noted || !(c->client_hello || c->server_hello) || !c->decided || c->dropped)
        return;
    c->tls_noted = true;
    const char *ver = c->server_hello ? dec_tls_version_name(c->tls_version) : NULL;
    char buf[400];
    snprintf(buf, sizeof buf,
             "a TLS handshake (HTTPS): the client asks for %s%s%s; %s%s; everything after the "
             "handshake is encrypted",
             c->sni ? "'" : "", c->sni ? c->sni : "no server name", c->sni ? "'" : "",
             ver ? "the server picks " : "no ServerHello was seen", ver ? ver : "");
    c->d->st.notes++;
    c->d->st.notes_by_kind[DEC_NOTE_TLS]++;
    if (!c->d->sink.on_note)
        return;
    struct dec_note *n = dec_note_new(DEC_NOTE_TLS, c->pub.id,
                                  c->tls_frame ? c->tls_frame : c->tc->first_frame, buf,
                                  (struct dec_str){c->sni, c->sni ? strlen(c->sni) : 0}, ver);
    c->d->sink.on_note(c->d->sink.ctx, &c->pub, n);
    dec_note_unref(n);
}

/* ------------------------------------------------------- tracer events -- */

static void t_conn(void *ctx, struct tr_conn *tc)
{
    struct dec_decoder *d = ctx;
    struct dconn *c = tr_xcalloc(1, sizeof *c);
    c->d = d;
    c->tc = tc;
    c->pub.id = tc->id;
    c->pub.tc = tc;
    c->s[TR_DIR_C2S].dir = TR_DIR_C2S;
    c->s[TR_DIR_S2C].dir = TR_DIR_S2C;
    c->s[0].tunnel_x = c->s[1].tunnel_x = -1;
    c->s[0].ack_off = c->s[1].ack_off = -1;
    tc->user = c;
    c->server_port = port_listed(d, tc->server.port) || port_listed(d, tc->client.port);
    if (!c->server_port && (tc->server.port == TR_DEFAULT_UDP_PORT ||
                            tc->client.port == TR_DEFAULT_UDP_PORT)) {
        c->dns_tcp = dec_dnsflow_tcp_new();  /* DNS over TCP: lookups, not a connection shown */
        c->dropped = true;
        return;
    }
    c->pub.dns = dec_dns_line_ref(dec_dnsflow_link(d->dns, &tc->server.addr, tc->first_frame,
                                               &c->pub.dns_seen));
    c->pub.dns_frame = c->pub.dns ? c->pub.dns->frame : 0;
    if (c->server_port || !d->o.detect)
        dec_dc_decide(c, true);
}

static void t_handshake(void *ctx, struct tr_conn *tc)
{
    (void)ctx;
    struct dconn *c = user_of(tc);
    if (!c || c->dropped)
        return;
    if (!c->decided)
        c->hs_pending = true;
    else
        emit_handshake(c);
}

/* The close's packets (issue 14): each side's first FIN, and the first
 * segment of the other side after it whose acknowledgment number is the
 * FIN's sequence number plus one (RFC 9293 3.6: a FIN takes one sequence
 * number). The tracer names the FINs (close_frames); the ACKs come from here. */
static void close_track(struct dconn *c, const struct tr_seg *s)
{
    enum tr_dir d = s->dir, o = d == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
    if ((s->flags & TR_TCP_FIN) && !c->fin[d].fin_frame) {
        c->fin[d].fin_frame = s->frame;
        c->fin[d].fin_next = s->seq + ((s->flags & TR_TCP_SYN) ? 1u : 0u) + s->len + 1u;
    }
    if ((s->flags & TR_TCP_ACK) && c->fin[o].fin_frame && !c->fin[o].ack_frame &&
        s->frame > c->fin[o].fin_frame && s->ack == c->fin[o].fin_next) {
        c->fin[o].ack_frame = s->frame;
        c->fin[o].ack_ts = s->ts;
    }
}

static void t_segment(void *ctx, struct tr_conn *tc, const struct tr_seg *s)
{
    struct dec_decoder *d = ctx;
    struct dconn *c = user_of(tc);
    if (!c || c->dropped)
        return;
    close_track(c, s);
    if (s->ack_offset >= 0)
        c->s[s->dir].ack_off = s->ack_offset;
    if (!d->sink.on_segment)
        return;
    if (!c->decided) {
        if (!c->dsegs)
            c->dsegs = tr_xreallocarray(NULL, DEFER_SEGS, sizeof *c->dsegs);
        if (c->ndsegs < DEFER_SEGS)
            c->dsegs[c->ndsegs++] = *s;
        return;
    }
    d->sink.on_segment(d->sink.ctx, &c->pub, s);
}

static void t_data(void *ctx, struct tr_conn *tc, enum tr_dir dir, uint64_t off,
                   const uint8_t *data, size_t len, uint64_t frame, tr_time ts)
{
    struct dec_decoder *d = ctx;
    struct dconn *c = user_of(tc);
    if (c && c->dns_tcp)
        dec_dnsflow_tcp_data(d->dns, c->dns_tcp, tc, dir, off, data, len, frame, ts);
    if (!c || c->dropped)
        return;
    struct dstate *s = &c->s[dir];
    /* a SOCKS handshake first (issue 13): the protocol inside starts after
     * the proxy's reply */
    if (dir == TR_DIR_C2S && off == 0 && !s->seen_data && !c->socks && !c->s[1].seen_data)
        dec_socks_begin(c, data, len);
    if (c->socks && dec_socks_active(c, dir) && s->pos == off) {
        size_t used = dec_socks_feed(c, dir, data, len, frame, ts);
        s->pos = off + used;
        if (used && c->decided && !c->dropped && d->sink.on_bytes)  /* for the byte views */
            d->sink.on_bytes(d->sink.ctx, &c->pub, dir, off, data, used, frame);
        if (c->dropped || used == len || dec_socks_active(c, dir))
            return;
        off += used;
        data += used;
        len -= used;
    }
    if (off + len > c->wire_pos[dir])
        c->wire_pos[dir] = off + len;
    if (!c->ctls && !c->ch2 && !s->seen_data) {
        if (dec_ct_wanted(c, dir, data, len))
            dec_ct_start(c);  /* HTTPS */
        else if (dec_ch_wanted(c, dir, data, len))
            dec_ch_start(c, DEC_H2_START_PREFACE);  /* h2c by prior knowledge */
        if (c->dropped)
            return;
    }
    if (c->ctls && dec_ct_owns(c, dir, data, len)) {
        dec_ct_data(c, dir, off, data, len, frame, ts);
        goto bytes;
    }
    if (s->pos != off) {  /* the tracer's offsets are the truth */
        if (off > s->pos)
            dec_ms_gap(c, s, off - s->pos, frame, ts);
        s->pos = off;
    }
    dec_ms_feed(c, s, data, len, frame, ts);
bytes:
    /* after feeding: the first bytes may be what decided that this is HTTP */
    if (c->decided && !c->dropped && d->sink.on_bytes)
        d->sink.on_bytes(d->sink.ctx, &c->pub, dir, off, data, len, frame);
}

static void t_gap(void *ctx, struct tr_conn *tc, enum tr_dir dir, uint64_t off, uint64_t len,
                  uint64_t frame, tr_time ts)
{
    (void)ctx;
    struct dconn *c = user_of(tc);
    if (c && c->dns_tcp)
        dec_dnsflow_tcp_gap(c->dns_tcp, dir, len);
    if (!c || c->dropped)
        return;
    if (c->ctls && dec_ct_owns(c, dir, NULL, 0))
        dec_ct_gap(c, dir, off, len, frame, ts);
    else
        dec_ms_gap(c, &c->s[dir], len, frame, ts);
}

static void t_fin(void *ctx, struct tr_conn *tc, enum tr_dir dir, uint64_t frame, tr_time ts)
{
    (void)ctx;
    struct dconn *c = user_of(tc);
    if (!c || c->dropped)
        return;
    if (c->ctls && dec_ct_owns(c, dir, NULL, 0))
        dec_ct_fin(c, dir, frame, ts);
    else
        dec_ms_end(c, &c->s[dir], frame, ts);
}

static void conn_free(struct dec_decoder *d, struct dconn *c)
{
    (void)d;
    dec_ct_free(c);
    dec_ch_free(c);
    while (c->xhead)
        write_exchange(c, c->xhead);
    for (int k = 0; k < 2; k++)
        dec_ms_free(&c->s[k]);
    dec_socks_free(c);
    defer_free(c);
    dec_dnsflow_tcp_free(c->dns_tcp);
    dec_dns_line_unref(c->pub.dns);
    free(c->sni);
    free(c);
}

static void t_close(void *ctx, struct tr_conn *tc)
{
    struct dec_decoder *d = ctx;
    struct dconn *c = user_of(tc);
    if (!c)
        return;
    tc->user = NULL;
    if (c->decided && !c->dropped) {
        dec_socks_end(c, tc->last_frame);
        if (c->ctls)
            dec_ct_end(c);  /* its last records and plaintext */
        for (int k = 0; k < 2; k++)
            dec_ms_end(c, &c->s[k], tc->last_frame, tc->last_ts);
        if (c->ch2)
            dec_ch_end(c, tc->close_how == TR_CLOSE_FIN || tc->close_how == TR_CLOSE_RST, tc->last_frame, tc->last_ts);
        tls_note(c);
        while (c->xhead)
            write_exchange(c, c->xhead);
        /* step 7: the close */
        struct flist *f = &d->scratch;
        dec_flist_reset(f);
        uint64_t a = tc->close_frames[0], b = tc->close_frames[1];
        if (a && b && b < a) {
            uint64_t t = a;
            a = b;
            b = t;
        }
        tr_time cts = tc->close_ts ? tc->close_ts : tc->last_ts;
        if (a)
            dec_flist_add(f, a, cts);
        if (b)
            dec_flist_add(f, b, cts);
        tr_time cend = cts;
        for (int k = 0; k < 2; k++)  /* the ACKs of the FINs */
            if (c->fin[k].ack_frame) {
                dec_flist_add(f, c->fin[k].ack_frame, c->fin[k].ack_ts);
                if (c->fin[k].ack_ts > cend)
                    cend = c->fin[k].ack_ts;
            }
        enum tr_dir dir = tc->close_initiator == TR_DIR_S2C ? TR_DIR_S2C : TR_DIR_C2S;
        struct dec_stage *st = dec_stage_from(DEC_STAGE_CLOSE, -1, dir,
                                         c->ctls || c->ch2 ? c->wire_pos[dir] : c->s[dir].pos, 0, f);
        st->initiator = tc->close_initiator;
        st->ts = cts;
        st->ts_end = cend;
        st->how = tc->close_how;
        dec_dc_stage(c, st);
        if (c->ch2)
            c->pub.protocol = "h2";
        else if (c->ctls && c->pub.tls_facts->decrypted && c->pub.exchanges)
            c->pub.protocol = "http/1.1";
        if (!c->pub.protocol)  /* what the connection carried, for conn_end */
            c->pub.protocol = c->pub.tls        ? "tls"
                              : c->pub.exchanges ? "http/1.1"
                              : c->pub.not_http  ? "other"
                              : (tc->side[0].bytes || tc->side[1].bytes) ? "other"
                                                                         : NULL;
        if (d->sink.on_conn_end)
            d->sink.on_conn_end(d->sink.ctx, &c->pub);
    }
    conn_free(d, c);
}

static void t_note(void *ctx, struct tr_conn *tc, uint64_t frame, enum tr_note_kind kind,
                   const char *detail)
{
    struct dec_decoder *d = ctx;
    if (!tc) {
        d->st.notes++;
        d->st.notes_by_kind[kind]++;
        if (d->sink.on_note) {
            struct dec_note *n = dec_note_new((enum dec_note_kind)kind, 0, frame, detail,
                                          (struct dec_str){NULL, 0}, NULL);
            d->sink.on_note(d->sink.ctx, NULL, n);
            dec_note_unref(n);
        }
        return;
    }
    struct dconn *c = user_of(tc);
    if (!c)
        return;
    dec_dc_note(c, (enum dec_note_kind)kind, frame, "%s", detail);
}

static enum tr_role_hint t_classify(void *ctx, const uint8_t *p, size_t n)
{
    (void)ctx;
    if (dec_looks_like_response(p, n) && n >= 5)
        return TR_ROLE_SERVER;
    if (dec_looks_like_request(p, n))
        return TR_ROLE_CLIENT;
    if (n >= 6 && dec_looks_like_tls(p, n))
        return p[5] == 1 ? TR_ROLE_CLIENT : p[5] == 2 ? TR_ROLE_SERVER : TR_ROLE_UNKNOWN;
    return TR_ROLE_UNKNOWN;
}

/* -------------------------------------------------------------- decoder -- */

struct dec_decoder *dec_new(const struct dec_opts *o, const struct dec_sink *sink)
{
    static const uint16_t default_port = 80;
    struct dec_decoder *d = tr_xcalloc(1, sizeof *d);
    d->o = *o;
    d->sink = *sink;
    if (!o->nports) {
        d->o.nports = 1;
        d->ports = tr_xmalloc(sizeof *d->ports);
        d->ports[0] = default_port;
    } else {
        d->ports = tr_xreallocarray(NULL, o->nports, sizeof *d->ports);
        memcpy(d->ports, o->ports, o->nports * sizeof *d->ports);
    }
    d->o.ports = d->ports;
    d->dns = dec_dnsflow_new(d);
    if (!d->o.max_header_bytes)
        d->o.max_header_bytes = DEC_DEFAULT_MAX_HEADER;
    if (!d->o.max_headers)
        d->o.max_headers = DEC_DEFAULT_MAX_HEADERS;
    if (!d->o.max_pipeline)
        d->o.max_pipeline = DEC_DEFAULT_MAX_PIPELINE;
    return d;
}

void dec_free(struct dec_decoder *d)
{
    if (!d)
        return;
    dec_flist_free(&d->scratch);
    dec_dnsflow_free(d->dns);
    free(d->ports);
    free(d);
}

void dec_tracer_sink(struct dec_decoder *d, struct tr_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = d;
    out->on_conn = t_conn;
    out->on_handshake = t_handshake;
    out->on_segment = t_segment;
    out->on_data = t_data;
    out->on_gap = t_gap;
    out->on_fin = t_fin;
    out->on_close = t_close;
    out->on_note = t_note;
    out->classify = t_classify;
    out->on_datagram = dec_dnsflow_datagram;
}

void dec_finish(struct dec_decoder *d)
{
    dec_dnsflow_finish(d->dns);
}

void dec_stats(const struct dec_decoder *d, struct dec_stats *out)
{
    *out = d->st;
}
