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

bool teach_lab_next(const struct dec_record *r, int idx, struct teach_lab_q *out)
{
    if (idx < 0 || (size_t)idx + 1 >= r->nstgs)
        return false;
    const struct dec_stage *s = r->stgs[idx], *next = r->stgs[idx + 1];
    if (s->tls || next->tls || s->stream || next->stream)
        return false;
    if (next_pipeline(r, idx, next, out))
        return true;
    switch (s->kind) {
    case DEC_STAGE_RESPONSE_BLANK_LINE:
        return next_body(r, s, next, out) || next_close(r, s, next, out);
    case DEC_STAGE_REQUEST_BLANK_LINE:
        return next_request_body(r, s, next, out);
    case DEC_STAGE_STATUS_LINE:
        return next_headers(r, s, next, out);
    case DEC_STAGE_RESPONSE_BODY:
        return next_close(r, s, next, out);
    default:
        return false;
    }
}
