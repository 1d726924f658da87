/* lab_next.c - "What comes next?" (issue 19): before the next stage of a
 * connection is shown, a multiple-choice question about it, asked only
 * where HTTP's rules make the answer certain and the record holds that
 * next stage (so the answer shown is the capture's, and the rule's)
 */
#include "lab_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the first stage index of a kind in exchange x of r, or -1 */
static int stage_index(const struct dec_record *r, int64_t x, enum dec_stage_kind kind,
                       bool interim)
{
    for (size_t i = 0; i < r->nstgs; i++) {
        const struct dec_stage *s = r->stgs[i];
        if (s->kind == kind && s->exchange == x && dec_stage_interim(s) == interim)
            return (int)i;
    }
    return -1;
}

static void fill(struct teach_lab_q *q, const char *id, const struct dec_record *r,
                 const struct dec_stage *next, char *text, size_t n, const char *const *opts,
                 size_t right, char *why)
{
    memset(q, 0, sizeof *q);
    q->id = id;
    q->kind = TEACH_LAB_CHOICE;
    q->text = text;
    for (size_t i = 0; i < n && i < TEACH_LAB_MAX_CHOICES; i++)
        q->choices[q->nchoices++] = tr_xstrdup(opts[i]);
    q->right = right;
    q->answer = tr_xstrdup(opts[right]);
    q->why = why;
    q->conn = r->conn_id;
    q->exchange = next->exchange;
    q->stage = next->kind;
    q->interim = dec_stage_interim(next);
    q->frame = next->nframes ? next->frames[0] : 0;
    /* the same order each time this stage is reached */
    uint64_t seed = (r->conn_id << 32) ^ next->offset ^ ((uint64_t)next->kind << 56);
    teach_lab_shuffle_choices(q, &seed);
}

static bool is_method(const struct dec_msg *m, const char *name)
{
    return m && dec_str_eq_ci(m->method, name);
}

/* a request's message from its exchange's request line stage in r */
static const struct dec_msg *request_of(const struct dec_record *r, int64_t x)
{
    int k = stage_index(r, x, DEC_STAGE_REQUEST_LINE, false);
    return k >= 0 ? r->stgs[k]->msg : NULL;
}

/* after the blank line of a message with Content-Length (m): a body of N bytes */
static void body_length(const struct dec_record *r, const struct dec_msg *m,
                        const struct dec_stage *next, struct teach_lab_q *q)
{
    char *text = m->request ? teach_lab_printf(_("The request's headers said Content-Length: %llu. "
                                           "What follows its blank line?"),
                                         (unsigned long long)m->content_length)
                            : teach_lab_printf(_("The response's headers said Content-Length: %llu. "
                                           "What follows the blank line?"),
                                         (unsigned long long)m->content_length);
    char *body = teach_lab_printf(_("a body of %llu bytes"), (unsigned long long)m->content_length);
    const char *req[] = {body, _("the server's status line"), _("the next request line"),
                         _("nothing: the request is complete")};
    const char *rsp[] = {body, _("the next status line"), _("a chunk size in hex"),
                         _("nothing: the response is complete")};
    fill(q, m->request ? "next_request_body" : "next_body_length", r, next, text, 4,
         m->request ? req : rsp, 0,
         teach_lab_printf("%s", _("Content-Length counts the body's bytes after the blank line "
                            "(RFC 9112 6.2).")));
    free(body);
}

/* after a response's blank line: a body of N bytes, or none (HEAD, 204, 304) */
static bool next_body(const struct dec_record *r, const struct dec_stage *s,
                      const struct dec_stage *next, struct teach_lab_q *q)
{
    const struct dec_msg *m = s->msg;
    const struct dec_msg *req = request_of(r, s->exchange);
    if (!m || m->interim || !req)
        return false;
    bool body_next = next->kind == DEC_STAGE_RESPONSE_BODY && next->exchange == s->exchange;
    bool none = is_method(req, "HEAD") || m->status == 204 || m->status == 304;
    if (none && !body_next) {
        const struct dec_header *cl = teach_lab_header(m, "Content-Length");
        char *name = teach_lab_request_name(req);
        char *text = cl ? teach_lab_printf(_("The response to %s (%d) says Content-Length: %.*s. Does a "
                                       "body follow its blank line?"),
                                     name, m->status, (int)(cl->value.len > 20 ? 20 : cl->value.len),
                                     cl->value.p)
                        : teach_lab_printf(_("The response to %s (%d) has ended its headers. Does a body "
                                       "follow its blank line?"),
                                     name, m->status);
        free(name);
        const char *why_head = _("No: a response to HEAD has no body; its headers describe the "
                                 "body a GET would get (RFC 9110 9.3.2).");
        const char *why_code = _("No: a 204 or 304 response never has a body (RFC 9110 6.4.1).");
        const char *opts[] = {_("no body"), _("a body of Content-Length bytes"),
                              _("a body until the connection closes")};
        fill(q, "next_no_body", r, next, text, 3, opts, 0,
             tr_xstrdup(is_method(req, "HEAD") ? why_head : why_code));
        return true;
    }
    if (none || !body_next || !next->msg || next->msg != m)
        return false;
    if (m->framing == DEC_FRAMING_LENGTH && m->content_length > 0) {
        body_length(r, m, next, q);
        return true;
    }
    if (m->framing == DEC_FRAMING_CHUNKED) {
        char *text = teach_lab_printf("%s", _("The response's headers said Transfer-Encoding: chunked. "
                                        "What follows the blank line?"));
        const char *opts[] = {_("a chunk size in hex, then that many bytes"),
                              _("a body of Content-Length bytes"), _("the next status line"),
                              _("nothing: the response is complete")};
        fill(q, "next_body_chunked", r, next, text, 4, opts, 0,
             teach_lab_printf("%s", _("A chunked body is chunks, each after its size in hex, ending with "
                                "a chunk of size 0 (RFC 9112 7.1).")));
        return true;
    }
    return false;
}

/* after a request's blank line: 100 Continue awaited, or a body of N bytes */
static bool next_request_body(const struct dec_record *r, const struct dec_stage *s,
                              const struct dec_stage *next, struct teach_lab_q *q)
{
    const struct dec_msg *m = s->msg;
    if (!m)
        return false;
    const struct dec_header *ex = teach_lab_header(m, "Expect");
    if (ex && dec_str_eq_ci(ex->value, "100-continue") && next->kind == DEC_STAGE_STATUS_LINE &&
        next->exchange == s->exchange && next->msg && next->msg->interim &&
        next->msg->status == 100) {
        char *name = teach_lab_request_name(m);
        char *text = teach_lab_printf(_("%s says Expect: 100-continue and has a body to send. What does "
                                  "the client wait for before it sends the body?"),
                                name);
        free(name);
        const char *opts[] = {_("an interim response: 100 Continue"),
                              _("the final response (such as 201 Created)"),
                              _("the TCP acknowledgement of its headers"),
                              _("nothing: the body follows at once")};
        fill(q, "next_expect", r, next, text, 4, opts, 0,
             teach_lab_printf("%s", _("With Expect: 100-continue the client asks whether to send the "
                                "body; 100 Continue says yes (RFC 9110 10.1.1).")));
        return true;
    }
    if (m->framing == DEC_FRAMING_LENGTH && m->content_length > 0 &&
        next->kind == DEC_STAGE_REQUEST_BODY && next->exchange == s->exchange) {
        body_length(r, m, next, q);
        return true;
    }
    return false;
}

/* requests sent and not yet answered: which response comes next? */
static bool next_pipeline(const struct dec_record *r, int idx, const struct dec_stage *next,
                          struct teach_lab_q *q)
{
    if (next->kind != DEC_STAGE_STATUS_LINE || dec_stage_interim(next) || next->exchange < 0)
        return false;
    int64_t waiting[TEACH_LAB_MAX_CHOICES];
    size_t n = 0;
    for (int i = 0; i <= idx && n < TEACH_LAB_MAX_CHOICES; i++) {
        const struct dec_stage *s = r->stgs[i];
        if (s->kind != DEC_STAGE_REQUEST_LINE || !s->msg)
            continue;
        int st = stage_index(r, s->exchange, DEC_STAGE_STATUS_LINE, false);
        if (st > idx)
            waiting[n++] = s->exchange;
    }
    if (n < 2 || waiting[0] != next->exchange)
        return false;
    char *names[TEACH_LAB_MAX_CHOICES];
    const char *opts[TEACH_LAB_MAX_CHOICES];
    for (size_t i = 0; i < n; i++) {
        const struct dec_msg *m = request_of(r, waiting[i]);
        char *rn = teach_lab_request_name(m);
        names[i] = teach_lab_printf(_("the response to %s (request %lld)"), rn,
                              (long long)waiting[i] + 1);
        free(rn);
        opts[i] = names[i];
    }
    char *text = teach_lab_printf(P_("%zu request is waiting for its response on this connection. "
                               "Which response comes next?",
                               "%zu requests are waiting for their responses on this connection. "
                               "Which response comes next?",
                               n),
                            n);
    fill(q, "next_pipeline", r, next, text, n, opts, 0,
         teach_lab_printf("%s", _("An HTTP/1.1 server answers pipelined requests in the order they came "
                            "(RFC 9112 9.3.2).")));
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    return true;
}

/* after a status line: its headers */
static bool next_headers(const struct dec_record *r, const struct dec_stage *s,
                         const struct dec_stage *next, struct teach_lab_q *q)
{
    if (next->kind != DEC_STAGE_RESPONSE_HEADERS || next->exchange != s->exchange ||
        next->msg != s->msg || !next->msg || !next->msg->nheaders)
        return false;
    char *text = teach_lab_printf("%s", _("The status line has arrived. What comes after it?"));
    const char *opts[] = {_("the response headers, one per line"), _("the body"),
                          _("the blank line, then the body"), _("the next request")};
    fill(q, "next_headers", r, next, text, 4, opts, 0,
         teach_lab_printf("%s", _("A response is a status line, header lines, a blank line, then the "
                            "body (RFC 9112 2.1).")));
    return true;
}

/* after the last stage of a response that said Connection: close: who closes */
static bool next_close(const struct dec_record *r, const struct dec_stage *s,
                       const struct dec_stage *next, struct teach_lab_q *q)
{
    const struct dec_msg *m = s->msg;
    if (next->kind != DEC_STAGE_CLOSE || next->how != TR_CLOSE_FIN ||
        next->initiator != TR_DIR_S2C || !m || m->request || m->interim || !m->conn_close)
        return false;
    char *text = teach_lab_printf("%s", _("The response said Connection: close and is complete. Who "
                                    "sends the first FIN?"));
    const char *opts[] = {_("the server"), _("the client"), _("both at the same time")};
    fill(q, "next_close", r, next, text, 3, opts, 0,
         teach_lab_printf("%s", _("A server that sends Connection: close closes the connection after "
                            "that response (RFC 9112 9.6).")));
    return true;
}

/* the packet of a frame in r, or NULL */
static const struct tr_seg *seg_at(const struct dec_record *r, uint64_t frame)
{
    long k = frame ? dec_record_pkt_of(r, frame) : -1;
    return k >= 0 ? &r->pkts[k].seg : NULL;
}

/* what follows the first FIN of a connection, read from its packets */
enum fin_next { FIN_NORMAL, FIN_HALF, FIN_RST, FIN_UNKNOWN };

struct fin_facts {
    const struct tr_seg *fin;    /* the first FIN */
    const struct tr_seg *other;  /* the other side's FIN (FIN_NORMAL, FIN_HALF) */
    const struct tr_seg *ack;    /* the other side's first segment acknowledging the FIN */
    const struct tr_seg *rst;    /* FIN_RST: the reset */
    const struct tr_seg *data;   /* FIN_HALF: the other side's first new data after the FIN */
    uint64_t more;               /* FIN_HALF: its bytes of new data */
};

/* After the first FIN (side A), what came first: the other side's FIN
 * (acknowledging A's: with or without new data before it), or a reset.
 * FIN_UNKNOWN when the capture does not tell it for certain: it ends
 * before either, the other FIN crossed A's (a simultaneous close: it does
 * not acknowledge it), A sent new data after its FIN, or the packets are
 * not all kept. */
static enum fin_next fin_next(const struct dec_record *r, struct fin_facts *f)
{
    memset(f, 0, sizeof *f);
    if (!r->have_tc)
        return FIN_UNKNOWN;
    uint64_t fa = r->tc.side[TR_DIR_C2S].fin_frame, fb = r->tc.side[TR_DIR_S2C].fin_frame;
    if (!fa && !fb)
        return FIN_UNKNOWN;
    enum tr_dir a = fa && (!fb || fa < fb) ? TR_DIR_C2S : TR_DIR_S2C;
    f->fin = seg_at(r, a == TR_DIR_C2S ? fa : fb);
    if (!f->fin || !(f->fin->flags & TR_TCP_FIN) || f->fin->dir != a)
        return FIN_UNKNOWN;
    /* the sequence number just past A's FIN (its data, then the FIN's one) */
    uint32_t past = f->fin->seq + f->fin->len + 1u;
    long k0 = dec_record_pkt_of(r, f->fin->frame);
    for (size_t k = (size_t)k0 + 1; k < r->npkts; k++) {
        const struct tr_seg *s = &r->pkts[k].seg;
        if (s->marks & TR_SEG_STRAY)
            continue;  /* fits no sequence space of the connection: not its own */
        if (s->flags & TR_TCP_RST) {
            f->rst = s;
            return FIN_RST;
        }
        if (s->dir == a) {
            if (s->len && !s->retransmission && (int32_t)(s->seq - f->fin->seq) > 0)
                return FIN_UNKNOWN;  /* new data after its own FIN: not TCP as it should be */
            continue;
        }
        bool acks = (s->flags & TR_TCP_ACK) && (int32_t)(s->ack - past) >= 0;
        if (acks && !f->ack)
            f->ack = s;
        if (s->len && !s->retransmission && !(s->marks & TR_SEG_KEEPALIVE)) {
            if (!f->data)
                f->data = s;
            f->more += s->len;
        }
        if (s->flags & TR_TCP_FIN) {
            if (!acks)
                return FIN_UNKNOWN;  /* sent before A's FIN reached it: a simultaneous close */
            f->other = s;
            return f->data ? FIN_HALF : FIN_NORMAL;
        }
    }
    return FIN_UNKNOWN;
}

/* Before the close stage: the first FIN is told (its side and frame), and
 * the question is what comes after it. */
static bool next_fin(const struct dec_record *r, const struct dec_stage *next,
                     struct teach_lab_q *q)
{
    if (next->kind != DEC_STAGE_CLOSE)
        return false;
    struct fin_facts f;
    enum fin_next what = fin_next(r, &f);
    if (what == FIN_UNKNOWN)
        return false;
    bool client = f.fin->dir == TR_DIR_C2S;
    char *text = client ? teach_lab_printf(_("Frame %llu: the client sends the first FIN: it has no "
                                             "more data to send. What comes next?"),
                                           (unsigned long long)f.fin->frame)
                        : teach_lab_printf(_("Frame %llu: the server sends the first FIN: it has no "
                                             "more data to send. What comes next?"),
                                           (unsigned long long)f.fin->frame);
    const char *normal = client ? _("the server acknowledges it and sends its own FIN, with no "
                                    "more data")
                                : _("the client acknowledges it and sends its own FIN, with no "
                                    "more data");
    const char *half = client ? _("the server sends more data first, then its own FIN")
                              : _("the client sends more data first, then its own FIN");
    const char *same = client ? _("the client sends more data") : _("the server sends more data");
    const char *rst = client ? _("a reset (RST) ends the connection before the server's FIN")
                             : _("a reset (RST) ends the connection before the client's FIN");
    const char *nothing = _("nothing: the connection is closed at once");
    const char *who = client ? _("the server") : _("the client");
    char *why;
    const char *opts[4];
    switch (what) {
    case FIN_NORMAL:
        opts[0] = normal, opts[1] = same, opts[2] = rst, opts[3] = nothing;
        if (f.ack == f.other)
            why = teach_lab_printf(_("Frame %llu: %s's FIN, in a segment that also acknowledges the "
                                     "first FIN. A FIN closes one direction; each side sends its own "
                                     "(RFC 9293 3.6)."),
                                   (unsigned long long)f.other->frame, who);
        else
            why = teach_lab_printf(_("Frame %llu acknowledges the FIN; frame %llu is %s's own FIN. A "
                                     "FIN closes one direction; each side sends its own (RFC 9293 "
                                     "3.6)."),
                                   (unsigned long long)f.ack->frame,
                                   (unsigned long long)f.other->frame, who);
        break;
    case FIN_HALF:
        opts[0] = half, opts[1] = normal, opts[2] = same, opts[3] = rst;
        why = teach_lab_printf(P_("From frame %llu %s sends %llu more byte, then its own FIN in frame "
                                  "%llu: a FIN closes only its sender's direction, the other stays "
                                  "open (RFC 9293 3.6).",
                                  "From frame %llu %s sends %llu more bytes, then its own FIN in "
                                  "frame %llu: a FIN closes only its sender's direction, the other "
                                  "stays open (RFC 9293 3.6).",
                                  f.more),
                               (unsigned long long)f.data->frame, who, (unsigned long long)f.more,
                               (unsigned long long)f.other->frame);
        break;
    default: {
        opts[0] = rst, opts[1] = normal, opts[2] = same, opts[3] = nothing;
        char *reset = f.rst->dir == TR_DIR_C2S
                          ? teach_lab_printf(_("Frame %llu: the client resets the connection (RST); "
                                               "no second FIN comes."),
                                             (unsigned long long)f.rst->frame)
                          : teach_lab_printf(_("Frame %llu: the server resets the connection (RST); "
                                               "no second FIN comes."),
                                             (unsigned long long)f.rst->frame);
        if (f.data) {
            why = teach_lab_printf(P_("From frame %llu %s sends %llu more byte. %s",
                                      "From frame %llu %s sends %llu more bytes. %s", f.more),
                                   (unsigned long long)f.data->frame, who,
                                   (unsigned long long)f.more, reset);
            free(reset);
        } else {
            why = reset;
        }
        break;
    }
    }
    fill(q, "next_fin", r, next, text, 4, opts, 0, why);
    /* the answer's frame: what came after the first FIN */
    q->frame = what == FIN_RST ? f.rst->frame : what == FIN_HALF ? f.data->frame : f.ack->frame;
    q->packet = true;
    return true;
}

/* after the ClientHello: the server's answer (a ServerHello, not a retry) */
static bool next_server_hello(const struct dec_record *r, const struct dec_stage *s,
                              const struct dec_stage *next, struct teach_lab_q *q)
{
    const struct dec_tls_stage *t = next->tls_info;
    if (s->kind != DEC_STAGE_TLS_CLIENT_HELLO || next->kind != DEC_STAGE_TLS_SERVER_HELLO || !t ||
        !t->nmessages || !t->messages[0] || strcmp(t->messages[0], "ServerHello") != 0 ||
        !t->version || !t->has_cipher || !next->nframes || !s->nframes)
        return false;
    char *text = teach_lab_printf(_("Frame %llu: the client's ClientHello proposes TLS versions and "
                                    "cipher suites. What does the server send next?"),
                                  (unsigned long long)s->frames[0]);
    const char *opts[] = {_("a ServerHello: the version and the cipher suite it chose"),
                          _("the HTTP response, encrypted"),
                          _("a ClientHello of its own"),
                          _("nothing until the client sends its certificate")};
    const struct dec_tls_suite *st = dec_tls_suite(t->cipher);
    char hex[8];
    snprintf(hex, sizeof hex, "0x%04x", t->cipher);
    const char *v = dec_tls_version_name(t->version);
    fill(q, "next_server_hello", r, next, text, 4, opts, 0,
         teach_lab_printf(_("Frame %llu: ServerHello, %s, %s: the server picks one of the client's "
                            "proposals (RFC 8446 4.1.3, RFC 5246 7.4.1.3)."),
                          (unsigned long long)next->frames[0], v ? v : "?", st ? st->name : hex));
    return true;
}

/* after a PUSH_PROMISE: the server goes on; the client sends no request */
static bool next_after_push(const struct dec_record *r, const struct dec_stage *s,
                            const struct dec_stage *next, struct teach_lab_q *q)
{
    if (s->kind != DEC_STAGE_PUSH_PROMISE || next->kind != DEC_STAGE_STATUS_LINE ||
        next->dir != TR_DIR_S2C || !next->stream || !s->promised_stream || !next->msg ||
        !next->msg->h2 || next->msg->interim || !next->nframes || !s->nframes)
        return false;
    const struct dec_msg *pr = s->msg ? s->msg : request_of(r, s->exchange);
    const struct dec_msg *nr = request_of(r, next->exchange);
    if (!pr || !nr)
        return false;
    char *pname = teach_lab_request_name(pr), *nname = teach_lab_request_name(nr);
    char *text = teach_lab_printf(_("Frame %llu: the server promises stream %u for %s "
                                    "(PUSH_PROMISE). What does the connection carry next?"),
                                  (unsigned long long)s->frames[0], s->promised_stream, pname);
    bool pushed = next->exchange == s->exchange && next->stream == s->promised_stream;
    char *own = teach_lab_printf(_("the pushed response's headers, on stream %u"),
                                 s->promised_stream);
    char *other = pushed ? NULL
                         : teach_lab_printf(_("the headers of the response on stream %u (%s)"),
                                            next->stream, nname);
    char *ask = teach_lab_printf(_("the client's request for %s, on a new stream"), pname);
    const char *accept = _("the client's acceptance of the promise");
    const char *opts[4];
    size_t n = 0;
    if (!pushed)
        opts[n++] = other;
    opts[n++] = own, opts[n++] = ask, opts[n++] = accept;
    fill(q, "next_push", r, next, text, n, opts, 0,
         teach_lab_printf(_("Frame %llu: %s. A PUSH_PROMISE only announces a response: the client "
                            "sends no request for it, and the server sends it on stream %u when "
                            "it chooses (RFC 9113 8.4)."),
                          (unsigned long long)next->frames[0], opts[0], s->promised_stream));
    free(pname);
    free(nname);
    free(own);
    free(other);
    free(ask);
    return true;
}

bool teach_lab_next_part(const struct dec_record *r, int idx, int part, struct teach_lab_q *out)
{
    if (idx < 0 || (size_t)idx + 1 >= r->nstgs || part < 0)
        return false;
    const struct dec_stage *s = r->stgs[idx], *next = r->stgs[idx + 1];
    bool http1 = !s->tls && !next->tls && !s->stream && !next->stream;
    /* the questions of this step, in the order asked */
    for (int k = 0, found = 0; k < 6; k++) {
        bool ok = false;
        switch (k) {
        case 0:
            ok = http1 && next_pipeline(r, idx, next, out);
            break;
        case 1:
            ok = http1 && ((s->kind == DEC_STAGE_RESPONSE_BLANK_LINE && next_body(r, s, next, out)) ||
                           (s->kind == DEC_STAGE_REQUEST_BLANK_LINE &&
                            next_request_body(r, s, next, out)) ||
                           (s->kind == DEC_STAGE_STATUS_LINE && next_headers(r, s, next, out)));
            break;
        case 2:
            ok = http1 && (s->kind == DEC_STAGE_RESPONSE_BLANK_LINE ||
                           s->kind == DEC_STAGE_RESPONSE_BODY) &&
                 next_close(r, s, next, out);
            break;
        case 3:
            ok = next_fin(r, next, out);  /* after "who sends the first FIN?" */
            break;
        case 4:
            ok = next_server_hello(r, s, next, out);
            break;
        default:
            ok = next_after_push(r, s, next, out);
            break;
        }
        if (!ok)
            continue;
        if (found++ == part)
            return true;
        teach_lab_q_done(out);
    }
    return false;
}

bool teach_lab_next(const struct dec_record *r, int idx, struct teach_lab_q *out)
{
    return teach_lab_next_part(r, idx, 0, out);
}
