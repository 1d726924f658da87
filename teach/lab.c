/* lab.c - lab mode (issue 19): the questions of a capture, in the style of
 * the Kurose & Ross HTTP and TCP Wireshark labs, made from the model of
 * each connection (a struct dec_record) and asked only where the capture
 * holds their fact. The answers are checked in lab_check.c; "what comes
 * next?" is lab_next.c.
 */
#include "teach_int.h"
#include "lab_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define LAB_STREAM_CAP (64u << 10)   /* stream bytes a lab keeps per direction */
#define LAB_CHOICE_SEED 19           /* the choices' order without --seed */

/* ------------------------------------------------------------ the sink -- */

static struct lab_conn *lc_of(const struct dec_conn *c)
{
    return c ? c->user : NULL;
}

static void l_conn(void *ctx, struct dec_conn *c)
{
    struct teach_lab *l = ctx;
    c->user = NULL;
    if (l->nconns == TEACH_LAB_MAX_CONNS)
        return;
    struct lab_conn *lc = tr_xcalloc(1, sizeof *lc);
    dec_record_init(&lc->rec, c->id);
    lc->rec.stream_cap = LAB_STREAM_CAP;
    dec_record_sink(&lc->rec, &lc->rs);
    l->conns[l->nconns++] = lc;
    c->user = lc;
    lc->rs.on_conn(lc->rs.ctx, c);
}

static void l_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    (void)ctx;
    struct lab_conn *lc = lc_of(c);
    if (lc)
        lc->rs.on_stage(lc->rs.ctx, c, s);
}

static void l_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    (void)ctx;
    struct lab_conn *lc = lc_of(c);
    if (lc)
        lc->rs.on_exchange(lc->rs.ctx, c, x);
}

static void l_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    (void)ctx;
    struct lab_conn *lc = lc_of(c);
    if (lc)
        lc->rs.on_note(lc->rs.ctx, c, n);
}

static void l_conn_end(void *ctx, struct dec_conn *c)
{
    (void)ctx;
    struct lab_conn *lc = lc_of(c);
    if (lc && c->h2) {
        lc->have_h2 = true;
        lc->h2 = *c->h2;
    }
    if (lc)
        lc->rs.on_conn_end(lc->rs.ctx, c);
    c->user = NULL;
}

static void l_segment(void *ctx, struct dec_conn *c, const struct tr_seg *s)
{
    (void)ctx;
    struct lab_conn *lc = lc_of(c);
    if (lc)
        lc->rs.on_segment(lc->rs.ctx, c, s);
}

static void l_bytes(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t offset,
                    const uint8_t *data, size_t len, uint64_t frame)
{
    (void)ctx;
    struct lab_conn *lc = lc_of(c);
    if (lc)
        lc->rs.on_bytes(lc->rs.ctx, c, dir, offset, data, len, frame);
}

#define LAB_MAX_DNS 4096             /* lookups a lab keeps */

static void l_dns(void *ctx, const struct dec_dns_line *d)
{
    struct teach_lab *l = ctx;
    if (l->ndns == LAB_MAX_DNS)
        return;
    tr_xgrow(&l->dns, &l->cdns, l->ndns + 1, sizeof *l->dns);
    l->dns[l->ndns++] = dec_dns_line_ref(d);
}

void teach_lab_sink(struct teach_lab *l, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = l;
    out->on_conn = l_conn;
    out->on_stage = l_stage;
    out->on_exchange = l_exchange;
    out->on_note = l_note;
    out->on_conn_end = l_conn_end;
    out->on_segment = l_segment;
    out->on_bytes = l_bytes;
    out->on_dns = l_dns;
}

struct teach_lab *teach_lab_new(void)
{
    return tr_xcalloc(1, sizeof(struct teach_lab));
}

static void drop_questions(struct teach_lab *l)
{
    for (size_t i = 0; i < l->nq; i++)
        teach_lab_q_done(&l->qs[i]);
    l->nq = 0;
}

void teach_lab_free(struct teach_lab *l)
{
    if (!l)
        return;
    drop_questions(l);
    free(l->qs);
    for (size_t i = 0; i < l->nconns; i++) {
        dec_record_free(&l->conns[i]->rec);
        free(l->conns[i]);
    }
    for (size_t i = 0; i < l->ndns; i++)
        dec_dns_line_unref(l->dns[i]);
    free(l->dns);
    free(l);
}

bool teach_lab_load(struct teach_lab *l, const struct dec_pipeline_opts *po, char *errbuf)
{
    struct dec_sink sink;
    teach_lab_sink(l, &sink);
    struct dec_pipeline *p;
    if (dec_pipeline_open(&p, po, &sink, errbuf) != DEC_PIPE_OK)
        return false;
    while (dec_pipeline_next(p) == DEC_PIPE_FRAME)
        ;
    dec_pipeline_finish(p);
    bool ok = !dec_pipeline_failed(p);
    if (!ok)
        snprintf(errbuf, TR_ERRBUF_SIZE, "%s", dec_pipeline_error(p));
    dec_pipeline_close(p);
    for (size_t i = 0; i < l->nconns; i++)
        dec_record_link(&l->conns[i]->rec);
    return ok;
}

size_t teach_lab_count(const struct teach_lab *l)
{
    return l->nq;
}

const struct teach_lab_q *teach_lab_get(const struct teach_lab *l, size_t i)
{
    return i < l->nq ? &l->qs[i] : NULL;
}

/* ------------------------------------------------------------- helpers -- */

char *teach_lab_printf(const char *fmt, ...)
{
    struct tr_sbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    tr_sb_vprintf(&b, fmt, ap);
    va_end(ap);
    return tr_sb_take(&b);
}

/* a wire string, escaped and cut to max bytes ("..." after a cut) */
char *teach_lab_wire(struct dec_str v, size_t max)
{
    if (!v.p)
        return tr_xstrdup("");
    size_t n = v.len > max ? max : v.len;
    char *s = teach_safe_dup(v.p, n);
    if (n < v.len) {
        char *t = teach_lab_printf("%s...", s);
        free(s);
        s = t;
    }
    return s;
}

const struct dec_header *teach_lab_header(const struct dec_msg *m, const char *name)
{
    if (!m)
        return NULL;
    for (size_t i = 0; i < m->nheaders; i++)
        if (dec_str_eq_ci(m->headers[i].name, name))
            return &m->headers[i];
    return NULL;
}

/* "GET /index.html", escaped, for a question */
char *teach_lab_request_name(const struct dec_msg *q)
{
    char *m = teach_lab_wire(q->method, 16), *t = teach_lab_wire(q->target, 60);
    char *s = teach_lab_printf("%s %s", m, t);
    free(m);
    free(t);
    return s;
}

struct teach_lab_q *teach_lab_add_q(struct teach_lab *l, const char *id, enum teach_lab_kind kind)
{
    tr_xgrow(&l->qs, &l->cq, l->nq + 1, sizeof *l->qs);
    struct teach_lab_q *q = &l->qs[l->nq++];
    memset(q, 0, sizeof *q);
    q->id = id;
    q->kind = kind;
    q->exchange = -1;
    return q;
}

/* the stage of a kind in exchange x of r (interim: of a 1xx response), or NULL */
const struct dec_stage *teach_lab_stage_of(const struct dec_record *r, int64_t x,
                                     enum dec_stage_kind kind, bool interim)
{
    for (size_t i = 0; i < r->nstgs; i++) {
        const struct dec_stage *s = r->stgs[i];
        if (s->kind == kind && s->exchange == x && dec_stage_interim(s) == interim)
            return s;
    }
    return NULL;
}

const struct dec_stage *teach_lab_stage_kind(const struct dec_record *r, enum dec_stage_kind kind)
{
    for (size_t i = 0; i < r->nstgs; i++)
        if (r->stgs[i]->kind == kind)
            return r->stgs[i];
    return NULL;
}

void teach_lab_set_number(struct teach_lab_q *q, uint64_t v)
{
    q->value = (double)v;
    q->answer = teach_lab_printf("%llu", (unsigned long long)v);
}

void teach_lab_where_stage(struct teach_lab_q *q, const struct dec_record *r, int64_t x,
                        enum dec_stage_kind kind, bool interim)
{
    q->conn = r->conn_id;
    q->exchange = x;
    q->stage = kind;
    q->interim = interim;
    const struct dec_stage *s = teach_lab_stage_of(r, x, kind, interim);
    q->frame = s && s->nframes ? s->frames[0] : 0;
}

/* a choice question's options; the first listed is the right one */
void teach_lab_set_choices(struct teach_lab_q *q, size_t n, const char *const *opts)
{
    for (size_t i = 0; i < n && i < TEACH_LAB_MAX_CHOICES; i++)
        q->choices[q->nchoices++] = tr_xstrdup(opts[i]);
    q->right = 0;
    q->answer = tr_xstrdup(q->choices[0]);
}

/* -------------------------------------------------- walking the model -- */

struct lab_x {
    const struct dec_record *r;
    const struct dec_exchange *x;
};

/* every exchange of every connection with a request, in capture order */
struct lab_xs {
    struct lab_x *v;
    size_t n, cap;
};

static void collect(const struct teach_lab *l, struct lab_xs *xs)
{
    for (size_t c = 0; c < l->nconns; c++) {
        const struct dec_record *r = &l->conns[c]->rec;
        for (size_t i = 0; i < r->nxs; i++) {
            const struct dec_exchange *x = r->xs[i];
            if (!x || !x->request || x->request->h2)
                continue;
            tr_xgrow(&xs->v, &xs->cap, xs->n + 1, sizeof *xs->v);
            xs->v[xs->n++] = (struct lab_x){r, x};
        }
    }
}

static const char *version_text(const struct dec_msg *m)
{
    if (dec_str_eq_ci(m->version, "HTTP/1.1"))
        return "HTTP/1.1";
    if (dec_str_eq_ci(m->version, "HTTP/1.0"))
        return "HTTP/1.0";
    return NULL;
}

/* H1, H2: the version of the browser (request true) or of the server, from
 * the first exchange with that message */
static void q_version(struct teach_lab *l, const struct lab_xs *xs, bool request)
{
    static const char *const opts11[] = {"HTTP/1.1", "HTTP/1.0", "HTTP/2", "HTTP/0.9"};
    static const char *const opts10[] = {"HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/0.9"};
    for (size_t i = 0; i < xs->n; i++) {
        const struct dec_msg *m = request ? xs->v[i].x->request : xs->v[i].x->response;
        if (!m)
            continue;
        const char *v = version_text(m);
        if (!v)
            return;
        struct teach_lab_q *q =
            teach_lab_add_q(l, request ? "client_version" : "server_version", TEACH_LAB_CHOICE);
        char *name = teach_lab_request_name(xs->v[i].x->request);
        q->text = request ? teach_lab_printf(_("Which HTTP version does the client use in its first "
                                         "request (%s)?"),
                                       name)
                          : teach_lab_printf(_("Which HTTP version does the server answer %s with?"),
                                       name);
        teach_lab_set_choices(q, 4, strcmp(v, "HTTP/1.1") == 0 ? opts11 : opts10);
        q->why = request ? teach_lab_printf(_("Its request line ends with %s."), v)
                         : teach_lab_printf(_("Its status line begins with %s."), v);
        teach_lab_where_stage(q, xs->v[i].r, (int64_t)xs->v[i].x->index,
                        request ? DEC_STAGE_REQUEST_LINE : DEC_STAGE_STATUS_LINE, false);
        free(name);
        return;
    }
}

/* H3: the language the browser prefers (the first of Accept-Language) */
static void q_language(struct teach_lab *l, const struct lab_xs *xs)
{
    for (size_t i = 0; i < xs->n; i++) {
        const struct dec_msg *m = xs->v[i].x->request;
        const struct dec_header *h = teach_lab_header(m, "Accept-Language");
        if (!h || !h->value.p)
            continue;
        size_t pos = 0;
        struct dec_span item;
        if (!dec_list_next((const uint8_t *)h->value.p, h->value.len, &pos, &item))
            continue;
        /* the tag: the item before its ";q=" parameters */
        size_t n = 0;
        while (n < item.len && h->value.p[item.off + n] != ';' && h->value.p[item.off + n] != ' ')
            n++;
        if (n == 0 || n > 35)
            continue;
        struct teach_lab_q *q = teach_lab_add_q(l, "accept_language", TEACH_LAB_NAME);
        char *name = teach_lab_request_name(m);
        q->text = teach_lab_printf(_("Which language does the browser prefer most in %s (the first one "
                               "its Accept-Language header names)?"),
                             name);
        q->accept[q->naccept++] = teach_lab_wire((struct dec_str){h->value.p + item.off, n}, 35);
        q->answer = tr_xstrdup(q->accept[0]);
        char *all = teach_lab_wire(h->value, 120);
        q->why = teach_lab_printf(_("Accept-Language: %s"), all);
        free(all);
        teach_lab_where_stage(q, xs->v[i].r, (int64_t)xs->v[i].x->index, DEC_STAGE_REQUEST_HEADERS, false);
        free(name);
        return;
    }
}

/* H6: Last-Modified, as multiple choice: its date, the response's Date,
 * and the same date a day and a year off (lab_dates.c) */
static void q_last_modified(struct teach_lab *l, const struct lab_xs *xs)
{
    for (size_t i = 0; i < xs->n; i++) {
        const struct dec_msg *m = xs->v[i].x->response;
        const struct dec_header *h = teach_lab_header(m, "Last-Modified");
        if (!h || !h->value.p || m->status != 200)
            continue;
        char opts[TEACH_LAB_MAX_CHOICES][40];
        if (!teach_lab_date_choices(h->value.p, h->value.len, opts))
            continue;
        struct teach_lab_q *q = teach_lab_add_q(l, "last_modified", TEACH_LAB_CHOICE);
        char *name = teach_lab_request_name(xs->v[i].x->request);
        q->text = teach_lab_printf(_("When was the file of %s last modified at the server?"), name);
        const char *p[TEACH_LAB_MAX_CHOICES] = {opts[0], opts[1], opts[2], opts[3]};
        teach_lab_set_choices(q, TEACH_LAB_MAX_CHOICES, p);
        q->why = teach_lab_printf(_("Last-Modified: %s"), opts[0]);
        teach_lab_where_stage(q, xs->v[i].r, (int64_t)xs->v[i].x->index, DEC_STAGE_RESPONSE_HEADERS,
                    false);
        free(name);
        return;
    }
}

/* H7: the bytes of content returned (the response body), with Content-Length */
static void q_content_length(struct teach_lab *l, const struct lab_xs *xs)
{
    for (size_t i = 0; i < xs->n; i++) {
        const struct dec_msg *m = xs->v[i].x->response;
        if (!m || m->framing != DEC_FRAMING_LENGTH || m->body_length == 0 || !m->complete ||
            m->gap_bytes)
            continue;
        struct teach_lab_q *q = teach_lab_add_q(l, "content_length", TEACH_LAB_NUMBER);
        char *name = teach_lab_request_name(xs->v[i].x->request);
        q->text = teach_lab_printf(_("How many bytes of content (the body) does the server return for "
                               "%s?"),
                             name);
        q->value = (double)m->body_length;
        q->answer = teach_lab_printf("%llu", (unsigned long long)m->body_length);
        q->why = teach_lab_printf(_("Content-Length: %llu, and %llu bytes of body followed the blank "
                              "line."),
                            (unsigned long long)m->content_length,
                            (unsigned long long)m->body_length);
        teach_lab_where_stage(q, xs->v[i].r, (int64_t)xs->v[i].x->index, DEC_STAGE_RESPONSE_BODY, false);
        free(name);
        return;
    }
}

/* H8, H9, H10: the conditional GET's header and the server's answer */
static void q_conditional(struct teach_lab *l, const struct lab_xs *xs)
{
    static const char *const cond[] = {"If-Modified-Since", "If-None-Match"};
    for (size_t i = 0; i < xs->n; i++) {
        const struct dec_msg *m = xs->v[i].x->request;
        const struct dec_header *h = NULL;
        for (size_t k = 0; k < 2 && !h; k++)
            h = teach_lab_header(m, cond[k]);
        if (!h)
            continue;
        char *name = teach_lab_request_name(m);
        struct teach_lab_q *q = teach_lab_add_q(l, "conditional_header", TEACH_LAB_NAME);
        q->text = teach_lab_printf(_("Request %s is a conditional GET. Which header makes it one?"),
                             name);
        q->accept[q->naccept++] = teach_lab_wire(h->name, 40);
        q->answer = tr_xstrdup(q->accept[0]);
        char *v = teach_lab_wire(h->value, 80);
        q->why = teach_lab_printf("%s: %s", q->accept[0], v);
        free(v);
        teach_lab_where_stage(q, xs->v[i].r, (int64_t)xs->v[i].x->index, DEC_STAGE_REQUEST_HEADERS, false);
        const struct dec_msg *rsp = xs->v[i].x->response;
        if (rsp && rsp->status >= 100 && rsp->status <= 599) {
            q = teach_lab_add_q(l, "conditional_status", TEACH_LAB_NUMBER);
            q->text = teach_lab_printf(_("Which status code does the server answer that conditional GET "
                                   "(%s) with?"),
                                 name);
            q->value = rsp->status;
            q->answer = teach_lab_printf("%d", rsp->status);
            char *reason = teach_lab_wire(rsp->reason, 40);
            q->why = rsp->status == 304
                         ? teach_lab_printf(_("%d %s: the file has not changed, so no body is sent."),
                                      rsp->status, reason)
                         : teach_lab_printf(_("%d %s: the condition did not spare the transfer."),
                                      rsp->status, reason);
            free(reason);
            teach_lab_where_stage(q, xs->v[i].r, (int64_t)xs->v[i].x->index, DEC_STAGE_STATUS_LINE, false);
        }
        free(name);
        return;
    }
}

/* the frame that holds a status line; the segments of a response */
static void q_frames(struct teach_lab *l, const struct lab_xs *xs)
{
    for (size_t i = 0; i < xs->n; i++) {
        const struct dec_stage *s =
            teach_lab_stage_of(xs->v[i].r, (int64_t)xs->v[i].x->index, DEC_STAGE_STATUS_LINE, false);
        if (!s || !s->nframes || s->nframes > TEACH_LAB_MAX_ALSO)
            continue;
        struct teach_lab_q *q = teach_lab_add_q(l, "status_frame", TEACH_LAB_NUMBER);
        char *name = teach_lab_request_name(xs->v[i].x->request);
        q->text = teach_lab_printf(_("In which frame does the status line of the response to %s "
                               "arrive?"),
                             name);
        q->value = (double)s->frames[0];
        for (size_t k = 1; k < s->nframes; k++)
            q->also[q->nalso++] = s->frames[k];
        q->answer = teach_lab_printf("%llu", (unsigned long long)s->frames[0]);
        q->why = s->nframes > 1
                     ? teach_lab_printf(_("The status line's bytes came in frames %llu to %llu."),
                                  (unsigned long long)s->frames[0],
                                  (unsigned long long)s->frames[s->nframes - 1])
                     : teach_lab_printf(_("Its bytes begin the server's stream of this response."));
        teach_lab_where_stage(q, xs->v[i].r, (int64_t)xs->v[i].x->index, DEC_STAGE_STATUS_LINE, false);
        free(name);
        break;
    }
    /* the response with the largest body: how many segments carried it */
    const struct lab_x *best = NULL;
    for (size_t i = 0; i < xs->n; i++) {
        const struct dec_msg *m = xs->v[i].x->response;
        if (m && !m->tls && m->complete && m->end > m->offset &&
            (!best || m->body_length > best->x->response->body_length))
            best = &xs->v[i];
    }
    if (!best)
        return;
    const struct dec_msg *m = best->x->response;
    uint64_t segs = 0, first = 0, last = 0;
    for (size_t k = 0; k < best->r->npkts; k++) {
        const struct tr_seg *s = &best->r->pkts[k].seg;
        if (s->dir != TR_DIR_S2C || s->len == 0 || s->retransmission)
            continue;
        if (s->offset >= m->end || s->offset + s->len <= m->offset)
            continue;
        if (!segs++)
            first = s->frame;
        last = s->frame;
    }
    if (!segs)
        return;
    struct teach_lab_q *q = teach_lab_add_q(l, "response_segments", TEACH_LAB_NUMBER);
    char *name = teach_lab_request_name(best->x->request);
    q->text = teach_lab_printf(_("How many TCP segments with data carried the response to %s (not "
                           "counting retransmissions)?"),
                         name);
    q->value = (double)segs;
    q->answer = teach_lab_printf("%llu", (unsigned long long)segs);
    q->why = teach_lab_printf(P_("%llu bytes of response (status line, headers and body) in %llu "
                           "segment, frames %llu to %llu.",
                           "%llu bytes of response (status line, headers and body) in %llu "
                           "segments, frames %llu to %llu.",
                           segs),
                        (unsigned long long)(m->end - m->offset), (unsigned long long)segs,
                        (unsigned long long)first, (unsigned long long)last);
    teach_lab_where_stage(q, best->r, (int64_t)best->x->index,
                m->body_length ? DEC_STAGE_RESPONSE_BODY : DEC_STAGE_STATUS_LINE, false);
    q->frame = first;
    free(name);
}

/* H15: Basic credentials, decoded */
static void q_basic(struct teach_lab *l, const struct lab_xs *xs)
{
    for (size_t i = 0; i < xs->n; i++) {
        const struct dec_header *h = teach_lab_header(xs->v[i].x->request, "Authorization");
        if (!h || !h->value.p || h->value.len < 7 || h->value.len > 700 ||
            strncasecmp(h->value.p, "Basic ", 6) != 0)
            continue;
        const uint8_t *p = (const uint8_t *)h->value.p + 6;
        size_t n = h->value.len - 6;
        while (n && *p == ' ')
            p++, n--;
        uint8_t out[528];
        size_t len = 0;
        if (!dec_base64_decode(p, n, out, sizeof out, &len) || !len || !memchr(out, ':', len))
            continue;
        bool printable = true;
        for (size_t k = 0; k < len; k++)
            printable &= out[k] >= 0x20 && out[k] < 0x7f;
        if (!printable)
            continue;
        struct teach_lab_q *q = teach_lab_add_q(l, "basic_auth", TEACH_LAB_EXACT);
        char *name = teach_lab_request_name(xs->v[i].x->request);
        q->text = teach_lab_printf(_("The Authorization header of %s carries Basic credentials. What "
                               "user name and password does it hold (answer user:password)?"),
                             name);
        q->accept[q->naccept++] = teach_lab_printf("%.*s", (int)len, (const char *)out);
        q->answer = tr_xstrdup(q->accept[0]);
        char *v = teach_lab_wire(h->value, 200);
        q->why = teach_lab_printf(_("Authorization: %s; the text after \"Basic\" is Base64, which "
                              "anyone can decode: it is not encrypted."),
                            v);
        free(v);
        teach_lab_where_stage(q, xs->v[i].r, (int64_t)xs->v[i].x->index, DEC_STAGE_REQUEST_HEADERS, false);
        free(name);
        return;
    }
}

/* H11: how many requests the browser sent */
static void q_requests(struct teach_lab *l, const struct lab_xs *xs)
{
    if (!xs->n)
        return;
    struct teach_lab_q *q = teach_lab_add_q(l, "requests", TEACH_LAB_NUMBER);
    q->text = teach_lab_printf("%s", _("How many HTTP requests did the client send in this capture?"));
    q->value = (double)xs->n;
    q->answer = teach_lab_printf("%zu", xs->n);
    q->why = teach_lab_printf(P_("The capture holds %zu request line.",
                           "The capture holds %zu request lines.", xs->n),
                        xs->n);
    teach_lab_where_stage(q, xs->v[0].r, (int64_t)xs->v[0].x->index, DEC_STAGE_REQUEST_LINE, false);
}

/* ------------------------------------------------------------ the lab -- */

static uint64_t rng_next(uint64_t *s)
{
    /* splitmix64: the same sequence on every machine */
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void teach_lab_shuffle_choices(struct teach_lab_q *q, uint64_t *s)
{
    for (size_t k = q->nchoices; k > 1; k--) {
        size_t j = (size_t)(rng_next(s) % k);
        char *t = q->choices[k - 1];
        q->choices[k - 1] = q->choices[j];
        q->choices[j] = t;
        if (q->right == k - 1)
            q->right = j;
        else if (q->right == j)
            q->right = k - 1;
    }
}

/* the questions (when seed is not 0) and the choices of each (always: the
 * right one is not always the first) */
static void shuffle(struct teach_lab *l, uint64_t seed)
{
    uint64_t s = seed ? seed : LAB_CHOICE_SEED;
    for (size_t i = seed ? l->nq : 0; i > 1; i--) {
        size_t j = (size_t)(rng_next(&s) % i);
        struct teach_lab_q t = l->qs[i - 1];
        l->qs[i - 1] = l->qs[j];
        l->qs[j] = t;
    }
    for (size_t i = 0; i < l->nq; i++)
        teach_lab_shuffle_choices(&l->qs[i], &s);
}

void teach_lab_generate(struct teach_lab *l, uint64_t seed)
{
    drop_questions(l);
    struct lab_xs xs = {0};
    collect(l, &xs);
    q_version(l, &xs, true);
    q_version(l, &xs, false);
    q_language(l, &xs);
    q_last_modified(l, &xs);
    q_content_length(l, &xs);
    q_requests(l, &xs);
    q_conditional(l, &xs);
    q_basic(l, &xs);
    q_frames(l, &xs);
    teach_lab_tcp_questions(l);
    teach_lab_tls_questions(l);
    teach_lab_h2_questions(l);
    teach_lab_dns_questions(l);
    free(xs.v);
    shuffle(l, seed);
}

void teach_lab_q_done(struct teach_lab_q *q)
{
    free(q->text);
    for (size_t i = 0; i < q->naccept; i++)
        free(q->accept[i]);
    for (size_t i = 0; i < q->nchoices; i++)
        free(q->choices[i]);
    free(q->answer);
    free(q->why);
    memset(q, 0, sizeof *q);
}
