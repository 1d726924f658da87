/* explain_msg.c - the text of each stage of an HTTP message: the request
 * line, the headers, the blank line, the body and the status line (RFC
 * 9110, RFC 9112), filled with the capture's values; the catalog
 * (catalog.c) holds the texts, decode/inspect.c reads the bytes
 */
#include "teach_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------- request line -- */

/* percent-decoded (and '+' as a space), made safe for the screen */
static const char *pct_decoded(struct teach_ex *e, const uint8_t *p, struct dec_span sp)
{
    uint8_t *buf = tr_xmalloc(sp.len ? sp.len : 1);
    size_t k = dec_pct_decode(p + sp.off, sp.len, true, buf, sp.len);
    const char *s = teach_safe_bytes(e, buf, k, TEACH_VAL_MAX);
    free(buf);
    return s;
}

/* name=value pairs joined by '&' (a query, a urlencoded form), one
 * paragraph each; then a warning for a password-like name */
static void explain_pairs(struct teach_ex *e, const uint8_t *p, size_t n, bool in_url)
{
    size_t total = dec_pair_count(p, n);
    if (total == 0)
        return;
    if (in_url)
        teach_para(e, P_("The query has %zu parameter; decoded, it is:",
                         "The query has %zu parameters; decoded, they are:", total),
                   total);
    else
        teach_para(e, P_("The form has %zu field; decoded, it is:",
                         "The form has %zu fields; decoded, they are:", total),
                   total);
    size_t shown = 0, pos = 0;
    const char *secret = NULL;
    struct dec_pair pr;
    while (dec_pair_next(p, n, &pos, &pr)) {
        const char *name = pct_decoded(e, p, pr.name);
        const char *value = pr.has_value ? pct_decoded(e, p, pr.value) : "";
        /* TRANSLATORS: a form field or query parameter, decoded: name = value */
        if (shown < TEACH_ROWS_MAX)
            teach_para(e, _("%1$s = %2$s"), name, value);
        shown++;
        if (!secret && teach_cat_secret_name(p + pr.name.off, pr.name.len))
            secret = name;
    }
    if (shown > TEACH_ROWS_MAX)
        teach_para(e, P_("... and %zu more.", "... and %zu more.", shown - TEACH_ROWS_MAX),
                   shown - TEACH_ROWS_MAX);
    if (secret && in_url)
        teach_para(e, _("The parameter %s is a password, and it is in the URL: it ends up in the "
                        "browser's history, in the server's logs and in the Referer of the next "
                        "request, and over plain HTTP anyone on the path reads it. A form with a "
                        "password must be sent with POST, and over HTTPS."),
                   secret);
    else if (secret)
        teach_para(e, _("The field %s is a password, and it travels in clear text: anyone who can "
                        "see this traffic (on the same Wi-Fi, the network's owner, this capture) "
                        "reads it, exactly as you do now. Only HTTPS would hide it."),
                   secret);
}

/* the push promise of a pushed exchange, or NULL */
static const struct dec_stage *promise_of(const struct teach_ex *e)
{
    for (size_t k = 0; k < e->d->nstgs; k++) {
        const struct dec_stage *g = e->d->stgs[k];
        if (g->kind == DEC_STAGE_PUSH_PROMISE && g->promised_stream == e->s->stream)
            return g;
    }
    return NULL;
}

/* step 2 in HTTP/2: the pseudo-header fields are the request line */
static void h2_request_line(struct teach_ex *e, const char *method, const char *target)
{
    const struct dec_msg *m = e->s->msg;
    teach_para(e, _("Step 2 in HTTP/2: there is no request line of text. The client opens "
                    "stream %1$u with a HEADERS frame, and the request line's parts travel in it "
                    "as pseudo-header fields, whose names begin with a colon: :method %2$s and "
                    ":path %3$s are the request line; :scheme %4$s and :authority %5$s name the "
                    "site, in place of the Host header."),
               e->s->stream, teach_clip(e, method), teach_clip(e, target),
               teach_not_sent(teach_clip(e, teach_val(e, m->scheme))),
               teach_not_sent(teach_clip(e, teach_val(e, m->authority))));
    const struct dec_stage *pp = promise_of(e);
    if (pp && pp->nframes)
        teach_para(e, _("The client did not send this request: the server made it up and "
                        "promised it in a PUSH_PROMISE (frame %1$llu), then answers it on this "
                        "stream, %2$u."),
                   (unsigned long long)pp->frames[0], e->s->stream);
    else if (e->x.xd && e->x.xd->pushed)
        teach_para(e, _("The client did not send this request: the server made it up and "
                        "promised it in a PUSH_PROMISE, then answers it on this stream, %u."),
                   e->s->stream);
    else if (e->s->stream % 2 == 1)
        teach_para(e, _("Stream %u has an odd number: the client opened it. Each request opens "
                        "a new stream with a higher number; the server's pushes get even "
                        "numbers."),
                   e->s->stream);
}

void teach_explain_request_line(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const char *method = s->msg->method.p ? teach_val(e, s->msg->method) : "";
    const char *target = s->msg->target.p ? teach_val(e, s->msg->target) : "";
    const char *version = teach_val(e, s->msg->version);
    bool h2 = s->msg->h2;
    if (h2)
        h2_request_line(e, method, target);
    else
        teach_para_str(e, _("Step 2: the client sends the request line, the first line of its "
                            "request: three parts separated by single spaces, the method (what "
                            "to do), the request target (on what) and the protocol version, and "
                            "CR LF to end the line."));
    const char *m = teach_cat_method(method);
    if (m)
        teach_para(e, _(m), teach_clip(e, target));
    else
        teach_para(e, _("%1$s is not a method of RFC 9110 (GET, HEAD, POST, PUT, DELETE, CONNECT, "
                        "OPTIONS, TRACE) nor PATCH: it is an extension method, like PROPFIND or "
                        "MKCOL that WebDAV adds, here applied to %2$s. A server that does not know "
                        "a method answers 501 Not Implemented."),
                   teach_clip(e, method), teach_clip(e, target));
    enum teach_target_form form = teach_cat_target_form(method, target);
    if (h2 && (form == TEACH_TF_ORIGIN || form == TEACH_TF_QUERY))
        teach_para(e, _("The :path %s is a path on the server, starting with /, with its query if "
                        "any; the site is named in :authority. A #fragment of the address is "
                        "never sent; the browser keeps it."),
                   teach_clip(e, target));
    else
        teach_para(e, _(teach_cat_target_text(form)), teach_clip(e, target));
    if (form == TEACH_TF_QUERY) {
        /* the query: after the first '?' of the target as sent, up to a '#' */
        const uint8_t *t = (const uint8_t *)s->msg->target.p;
        size_t tn = s->msg->target.len;
        const uint8_t *q = memchr(t, '?', tn);
        if (q) {
            size_t qn = tn - (size_t)(q + 1 - t);
            const uint8_t *hash = memchr(q + 1, '#', qn);
            explain_pairs(e, q + 1, hash ? (size_t)(hash - (q + 1)) : qn, true);
        }
    }
    const char *v = h2 ? NULL : teach_cat_version(version);
    if (h2) {
        teach_para_str(e, _("No version is written in the message: the whole connection speaks "
                            "HTTP/2 since its preface."));
        teach_h2_alongside(e);
        return;
    }
    if (v)
        teach_para_str(e, _(v));
    else
        teach_para(e, _("The version %s is neither HTTP/1.0 nor HTTP/1.1; httpstep reads the "
                        "message as HTTP/1.1."),
                   teach_clip(e, version));
    if (s->exchange > 0) {
        teach_para(e, _("This is request number %lld on this connection: it reuses the open TCP "
                        "connection, with no new handshake."),
                   (long long)s->exchange + 1);
        int prev_sl = -1;
        for (size_t k = 0; k < e->d->nstgs; k++) {
            const struct dec_stage *g = e->d->stgs[k];
            if (g->exchange == s->exchange - 1 && g->kind == DEC_STAGE_STATUS_LINE) {
                prev_sl = (int)k;
                break;
            }
        }
        if (prev_sl < 0 || prev_sl > e->idx)
            teach_para_str(e, _("The client sent this request before the answer to the previous "
                                "one arrived: pipelining. The server must answer in the same "
                                "order, so the order of the responses tells which answer belongs "
                                "to which request."));
    }
    if (s->exchange == 0 && !e->d->tc.syn_seen)
        teach_explain_no_handshake(e);
}

/* -------------------------------------------------------- blank lines -- */

/* the interim 100 Continue of this exchange, between stage from and the
 * body, or -1 */
static int continue_before(const struct teach_ex *e, int from, int body)
{
    for (int k = from + 1; k < (body >= 0 ? body : (int)e->d->nstgs); k++) {
        const struct dec_stage *g = e->d->stgs[k];
        if (g->exchange == e->s->exchange && g->kind == DEC_STAGE_STATUS_LINE &&
            dec_stage_interim(g) && g->msg->status == 100)
            return k;
    }
    return -1;
}

/* what follows a request's head: a body now, a body after 100 Continue, or
 * none (RFC 9110 10.1.1) */
static void after_request_head(struct teach_ex *e, int body)
{
    const struct dec_stage *b = body >= 0 ? e->d->stgs[body] : NULL;
    bool expect = teach_has_token(teach_req_hdr(e, "Expect"), "100-continue");
    int cont = expect && b ? continue_before(e, e->idx, body) : -1;
    if (cont >= 0) {
        const struct dec_stage *c = e->d->stgs[cont];
        teach_para(e, _("The body (%1$llu bytes) does not follow at once: with Expect: "
                        "100-continue the client waits for the server's 100 Continue, which came "
                        "in frame %2$llu, %3$s later; the body follows it."),
                   (unsigned long long)b->msg->body_length,
                   c->nframes ? (unsigned long long)c->frames[0] : 0ULL,
                   teach_duration(e, c->ts - e->s->ts));
        return;
    }
    if (expect && b)
        teach_para(e, _("The request said Expect: 100-continue, yet the body (%llu bytes) "
                        "follows without a 100 Continue before it: clients wait only a moment "
                        "(about a second) for it, then send the body anyway."),
                   (unsigned long long)b->msg->body_length);
    else if (b && b->msg->framing == DEC_FRAMING_LENGTH)
        teach_para(e, _("After it comes the body: %llu bytes, as Content-Length said."),
                   (unsigned long long)b->msg->body_length);
    else if (b && b->msg->framing == DEC_FRAMING_CHUNKED)
        teach_para_str(e, _("After it comes the body, in chunks (Transfer-Encoding: chunked)."));
    else
        teach_para_str(e, _("No body follows: the request ends here, and the server can answer."));
}

/* what follows a response's head */
static void after_response_head(struct teach_ex *e, int body)
{
    const struct dec_stage *b = body >= 0 ? e->d->stgs[body] : NULL;
    if (dec_stage_interim(e->s))
        teach_para(e, _("This blank line ends the interim %d response; the final response follows "
                        "later on the same connection."),
                   e->s->msg ? e->s->msg->status : 0);
    else if (b && b->msg->framing == DEC_FRAMING_LENGTH)
        teach_para(e, _("After it comes the body: %llu bytes, as Content-Length said."),
                   (unsigned long long)b->msg->body_length);
    else if (b && b->msg->framing == DEC_FRAMING_CHUNKED)
        teach_para_str(e, _("After it comes the body, in chunks (Transfer-Encoding: chunked)."));
    else if (b && b->msg->framing == DEC_FRAMING_CLOSE)
        teach_para_str(e, _("After it comes the body, which has no announced length: it lasts "
                            "until the server closes the connection."));
    else if (e->x.xd && e->x.xd->tunnel)
        teach_para_str(e, _("After it the connection becomes a tunnel: the bytes that follow are "
                            "no longer HTTP messages."));
    else if (teach_is_method(e, "HEAD"))
        teach_para_str(e, _("No body follows: this is the answer to a HEAD request, which asks for "
                            "the headers only."));
    else if (e->x.status == 204 || e->x.status == 304)
        teach_para(e, _("No body follows: a %d response never has one."), e->x.status);
    else
        teach_para_str(e, _("No body follows (its length is 0): the response ends here."));
}

void teach_explain_blank_line(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    bool req = s->kind == DEC_STAGE_REQUEST_BLANK_LINE;
    bool interim = dec_stage_interim(s);
    size_t nhdrs = s->msg ? s->msg->nheaders : 1;
    if (req && nhdrs)
        teach_para_str(e, _("Step 3b: the request headers end with an empty line: only CR LF "
                            "(the bytes 0d 0a) right after the CR LF of the last header, so the "
                            "wire shows CR LF CR LF. It tells the server that the head of the "
                            "request is complete."));
    else if (req)
        teach_para_str(e, _("Step 3b: the head of the request ends with an empty line: only CR LF "
                            "(the bytes 0d 0a), here right after the CR LF of the request line, "
                            "since there are no headers. It tells the server that the head is "
                            "complete."));
    else if (interim && nhdrs)
        teach_para_str(e, _("The interim response's headers end with an empty line: only CR LF "
                            "(the bytes 0d 0a) right after the CR LF of the last one. It tells "
                            "the client that this interim response is complete."));
    else if (interim)
        teach_para_str(e, _("The interim response ends with an empty line: only CR LF (the bytes "
                            "0d 0a), right after the CR LF of its status line, since it has no "
                            "headers."));
    else if (nhdrs)
        teach_para_str(e, _("Step 6a: the response headers end with an empty line: only CR LF "
                            "(the bytes 0d 0a) right after the CR LF of the last header, so the "
                            "wire shows CR LF CR LF. It tells the client that the head of the "
                            "response is complete."));
    else
        teach_para_str(e, _("Step 6a: the head of the response ends with an empty line: only CR "
                            "LF (the bytes 0d 0a), here right after the CR LF of the status line, "
                            "since there are no headers. It tells the client that the head is "
                            "complete."));
    if (s->length == 1)
        teach_para_str(e, _("Here the sender ended the line with a bare LF (0a), without the CR. "
                            "The standard asks for CR LF, but receivers, httpstep too, accept a "
                            "bare LF."));
    teach_para_str(e, _("Why it matters: headers have no fixed number and no fixed size, so only "
                        "this empty line shows where they stop. Without it the receiver keeps "
                        "waiting for more headers."));
    int body = teach_stage_after(e, e->idx, req ? DEC_STAGE_REQUEST_BODY : DEC_STAGE_RESPONSE_BODY);
    if (req)
        after_request_head(e, body);
    else
        after_response_head(e, body);
}

/* -------------------------------------------------------------- bodies -- */

static const char *hex_bytes(struct teach_ex *e, const uint8_t *p, size_t n)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < n; i++)
        tr_sb_printf(&b, "%s%02x", i ? " " : "", p[i]);
    return teach_own(e, b.p ? b.p : tr_xstrdup(""));
}

static void explain_magic(struct teach_ex *e, const uint8_t *p, size_t n)
{
    size_t sl;
    const char *f = dec_file_signature(p, n, &sl);
    if (!f)
        return;
    teach_para(e, _("The first bytes of the body, %1$s, are the signature of %2$s data: files "
                    "announce their format in their first bytes, whatever the headers say."),
               hex_bytes(e, p, sl), f);
    uint32_t w, h;
    if (!dec_image_size(p, n, &w, &h))
        return;
    if (strcmp(f, "PNG") == 0)
        teach_para(e, _("The PNG header (IHDR) gives the size of the picture: %1$u x %2$u pixels."),
                   w, h);
    else
        teach_para(e, _("The GIF header gives the size of the picture: %1$u x %2$u pixels."), w,
                   h);
}

static void more_excerpt(struct teach_ex *e, const struct dec_header *ct, const uint8_t *p,
                         size_t n)
{
    (void)ct;
    if (n)
        teach_para(e, _("It begins: %s"), teach_safe_bytes(e, p, n, TEACH_EXCERPT_MAX));
}

static void more_form(struct teach_ex *e, const struct dec_header *ct, const uint8_t *p, size_t n)
{
    (void)ct;
    explain_pairs(e, p, n, false);
}

static void more_html(struct teach_ex *e, const struct dec_header *ct, const uint8_t *p, size_t n)
{
    more_excerpt(e, ct, p, n);
    struct dec_html_refs refs;
    dec_html_count_refs(p, n, &refs);
    size_t count = refs.link + refs.script + refs.img;
    if (count)
        teach_para(e, P_("In the part of the page httpstep kept, %1$zu tag names another file "
                         "(<link>: %2$zu, <script>: %3$zu, <img>: %4$zu): the browser asks for "
                         "it in a request of its own.",
                         "In the part of the page httpstep kept, %1$zu tags name other files "
                         "(<link>: %2$zu, <script>: %3$zu, <img>: %4$zu): the browser asks for "
                         "each in a request of its own.",
                         count),
                   count, refs.link, refs.script, refs.img);
}

/* a parameter of a part's Content-Disposition, escaped, or NULL */
static const char *disp_param(struct teach_ex *e, const uint8_t *p, const struct dec_span *disp,
                              const char *name)
{
    struct dec_span v;
    if (!disp || !dec_header_param(p + disp->off, disp->len, name, &v))
        return NULL;
    return teach_span(e, p + disp->off, v);
}

static void more_multipart(struct teach_ex *e, const struct dec_header *ct, const uint8_t *p,
                           size_t n)
{
    struct dec_span b;
    if (!ct || !ct->value.p ||
        !dec_header_param((const uint8_t *)ct->value.p, ct->value.len, "boundary", &b) || !b.len)
        return;
    const uint8_t *boundary = (const uint8_t *)ct->value.p + b.off;
    size_t part = 0, pos = 0;
    struct dec_part pt;
    int rc;
    while ((rc = dec_multipart_next(p, n, boundary, b.len, &pos, &pt)) == DEC_PART_ONE) {
        part++;
        if (part > TEACH_ROWS_MAX)
            continue;
        const uint8_t *head = p + pt.head.off;
        struct dec_span dv, tv;
        bool has_disp = dec_field_lines_get(head, pt.head.len, "Content-Disposition", &dv);
        bool has_type = dec_field_lines_get(head, pt.head.len, "Content-Type", &tv);
        const char *name = disp_param(e, head, has_disp ? &dv : NULL, "name");
        const char *file = disp_param(e, head, has_disp ? &dv : NULL, "filename");
        const char *type = has_type ? teach_span(e, head, tv) : NULL;
        if (file)
            teach_para(e, _("Part %1$zu: the file %2$s in the field %3$s, Content-Type %4$s, %5$zu "
                            "bytes."),
                       part, file, teach_not_sent(name), teach_not_sent(type), (size_t)pt.data.len);
        else
            teach_para(e, _("Part %1$zu: the field %2$s = %3$s"), part, teach_not_sent(name),
                       teach_safe_bytes(e, p + pt.data.off, pt.data.len, TEACH_EXCERPT_MAX));
    }
    if (part > TEACH_ROWS_MAX)
        teach_para(e, P_("... and %zu more "
                         "part.", "... and %zu more parts.", part - TEACH_ROWS_MAX),
                   part - TEACH_ROWS_MAX);
    if (rc != DEC_PART_END && part == 0)
        teach_para_str(e, _("httpstep could not find the parts in the bytes it kept of this "
                            "body."));
    else if (rc != DEC_PART_END)
        teach_para_str(e, _("httpstep kept only the beginning of this body: later parts are not "
                            "listed."));
}

typedef void body_more_fn(struct teach_ex *e, const struct dec_header *ct, const uint8_t *p,
                          size_t n);

static body_more_fn *const body_more[] = {
    [TEACH_BM_NONE] = NULL,
    [TEACH_BM_EXCERPT] = more_excerpt,
    [TEACH_BM_FORM] = more_form,
    [TEACH_BM_MULTIPART] = more_multipart,
    [TEACH_BM_HTML] = more_html,
};

static void explain_framing(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    switch (s->msg->framing) {
    case DEC_FRAMING_LENGTH:
        teach_para(e, _("How does the receiver know where the body ends? Content-Length announced "
                        "%llu bytes: it reads exactly that many after the blank line, and then the "
                        "next message may begin."),
                   (unsigned long long)s->msg->body_length);
        break;
    case DEC_FRAMING_CHUNKED: {
        teach_para(e, P_("The body came with Transfer-Encoding: chunked, in %1$llu chunk of data "
                         "and a last chunk of size 0 that marks the end. Each chunk begins with a "
                         "line giving its size in hexadecimal. The sender did not need to know the "
                         "total length in advance: %2$llu bytes of content, %3$llu bytes on the "
                         "wire with the size lines.",
                         "The body came with Transfer-Encoding: chunked, in %1$llu chunks of data "
                         "and a last chunk of size 0 that marks the end. Each chunk begins with a "
                         "line giving its size in hexadecimal. The sender did not need to know the "
                         "total length in advance: %2$llu bytes of content, %3$llu bytes on the "
                         "wire with the size lines.",
                         s->msg->chunks),
                   (unsigned long long)s->msg->chunks, (unsigned long long)s->msg->body_length,
                   (unsigned long long)s->length);
        size_t n;
        const uint8_t *p = dec_stream_at(teach_stage_stream(e->d, s), s->offset, &n);
        struct dec_span digits;
        uint64_t size;
        if (p && dec_chunk_size_line(p, n, &digits, &size))
            teach_para(e, _("The first chunk's size line reads %1$s: hexadecimal for %2$llu "
                            "bytes."),
                       teach_span(e, p, digits), (unsigned long long)size);
        break;
    }
    case DEC_FRAMING_H2: {
        size_t n = 0, end = 0;
        for (size_t i = 0; i < s->nh2; i++)
            if (s->h2[i].type == 0) {  /* DATA (RFC 9113 6.1) */
                n++;
                end += s->h2[i].flags & 0x1;  /* END_STREAM */
            }
        teach_para(e, P_("How does the receiver know where the body ends? In HTTP/2 the body "
                         "travels in DATA frames on its stream, %1$u, here %2$zu frame; the flag "
                         "END_STREAM on the last one ends it. No Content-Length or chunks are "
                         "needed, and other streams' frames may come between them.",
                         "How does the receiver know where the body ends? In HTTP/2 the body "
                         "travels in DATA frames on its stream, %1$u, here %2$zu frames; the flag "
                         "END_STREAM on the last one ends it. No Content-Length or chunks are "
                         "needed, and other streams' frames may come between them.",
                         n),
                   s->stream, n);
        if (n && !end)
            teach_para_str(e, _("None of these DATA frames carries END_STREAM: the stream ended "
                                "another way (see its step 7)."));
        break;
    }
    case DEC_FRAMING_CLOSE:
        teach_para(e, _("This body has neither Content-Length nor chunks: it ends when the server "
                        "closes the connection (%llu bytes here). The connection cannot carry "
                        "another request, and a client cannot tell a whole body from one cut short "
                        "by a network failure."),
                   (unsigned long long)s->msg->body_length);
        break;
    default:
        break;
    }
}

static void explain_encoding(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const char *ce = teach_val(e, s->msg->content_encoding);
    if (!ce)
        return;
    if (s->msg->decoded_length > 0) {
        int pct = (int)((s->msg->body_length * 100 + (uint64_t)s->msg->decoded_length / 2) /
                        (uint64_t)s->msg->decoded_length);
        teach_para(e, _("Content-Encoding: %1$s: the sender compressed the body. %2$llu bytes "
                        "travelled; decompressed they are %3$lld bytes, so the compressed body is "
                        "%4$d%% of the original size."),
                   teach_clip(e, ce), (unsigned long long)s->msg->body_length,
                   (long long)s->msg->decoded_length, pct);
        const char *ae = teach_req_hdr(e, "Accept-Encoding");
        if (s->kind == DEC_STAGE_RESPONSE_BODY && ae && teach_has_token(ae, ce))
            teach_para(e, _("The client had offered %s in its Accept-Encoding."),
                       teach_clip(e, ce));
        else if (s->kind == DEC_STAGE_RESPONSE_BODY && e->x.qh)
            teach_para(e, _("The client had not offered %s in an Accept-Encoding header: a server "
                            "should compress only with a coding the client accepts."),
                       teach_clip(e, ce));
    } else {
        teach_para(e, _("Content-Encoding: %1$s: the sender compressed the body (%2$llu bytes). "
                        "httpstep could not decompress it, because the coding is unknown or the "
                        "body is incomplete."),
                   teach_clip(e, ce), (unsigned long long)s->msg->body_length);
    }
}

/* the media type of a Content-Type header, lowercased (owned by e) */
static const char *media_type(struct teach_ex *e, const struct dec_header *ct)
{
    const uint8_t *v = ct->value.p ? (const uint8_t *)ct->value.p : (const uint8_t *)"";
    struct dec_span mt = dec_media_type(v, ct->value.p ? ct->value.len : 0);
    char *m = tr_xstrndup((const char *)v + mt.off, mt.len);
    for (char *q = m; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return teach_own(e, m);
}

/* what a response body is, by its status and its request's method */
static const char *response_body_is(struct teach_ex *e)
{
    int c = e->x.status;
    if (c / 100 == 2 && teach_is_method(e, "GET"))
        return _("the resource itself (the page, the picture, the file)");
    if (c / 100 == 2 && teach_is_method(e, "TRACE"))
        return _("the request as the server received it");
    if (c / 100 == 2)
        return _("what the server has to say about the action it carried out");
    if (c / 100 == 3)
        return _("a short page for people, pointing to the other address");
    if (c / 100 == 4 || c / 100 == 5)
        return _("a page about the error, for people");
    return _("its content");
}

void teach_explain_body(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    bool req = s->kind == DEC_STAGE_REQUEST_BODY;
    bool h2 = s->msg->h2;
    if (req && h2)
        teach_para_str(e, _("Step 3c: the request body, the data that the client sends in DATA "
                            "frames after the request's HEADERS, such as a form or a file."));
    else if (req)
        teach_para_str(e, _("Step 3c: the request body, the data that the client sends after the "
                            "blank line, such as a form or a file."));
    else if (h2)
        teach_para(e, _("Step 6b: after the response's HEADERS come DATA frames with the "
                        "response body: %s."),
                   response_body_is(e));
    else
        teach_para(e, _("Step 6b: after the blank line comes the response body: %s."),
                   response_body_is(e));
    if (req && teach_has_token(teach_req_hdr(e, "Expect"), "100-continue") &&
        continue_before(e, -1, e->idx) >= 0)
        teach_para_str(e, _("Because of Expect: 100-continue, the client held this body back until "
                            "the server's 100 Continue arrived."));
    explain_framing(e);
    explain_encoding(e);
    const struct dec_header *ct = req ? teach_hfind(e->x.qh, e->x.nqh, "Content-Type")
                                      : teach_hfind(e->x.rh, e->x.nrh, "Content-Type");
    const char *ctype = ct ? (ct->value.p ? teach_val(e, ct->value) : "") : NULL;
    /* the content as the application sees it: decoded, or the bytes as
     * they came when there is no content coding */
    bool coded = s->msg->content_encoding.p != NULL;
    const uint8_t *p = s->decoded_len ? s->decoded : coded ? NULL : s->preview;
    size_t n = s->decoded_len ? s->decoded_len : coded ? 0 : s->preview_len;
    if (coded && s->preview_len >= 2 && s->preview[0] == 0x1f && s->preview[1] == 0x8b)
        teach_para_str(e, _("On the wire, the body begins with the bytes 1f 8b: the magic number "
                            "that starts all gzip data."));
    if (ctype) {
        const struct teach_body_text *t = teach_cat_body(media_type(e, ct));
        teach_para(e, _(t->text), teach_clip(e, ctype));
        explain_magic(e, p, n);
        if (body_more[t->more] && n)
            body_more[t->more](e, ct, p, n);
    } else {
        teach_para_str(e, _("The message has no Content-Type header: the receiver has to guess the "
                            "kind of data from its bytes (browsers call this sniffing)."));
        explain_magic(e, p, n);
    }
    if (s->msg->gap_bytes)
        teach_para(e, _("%llu bytes of this body were never captured (a gap): the capture missed "
                        "those packets, so httpstep cannot show them, though the receiver may have "
                        "got them."),
                   (unsigned long long)s->msg->gap_bytes);
    const struct dec_msg *m = e->x.xd ? (req ? e->x.xd->request : e->x.xd->response) : NULL;
    if (m && !m->complete && !s->msg->gap_bytes)
        teach_para_str(e, _("The body stops before its announced end: the connection or the "
                            "capture ended first."));
    if (h2)
        teach_h2_frames(e);
}

/* -------------------------------------------------------- status line -- */

static const char *status_value(struct teach_ex *e, const struct teach_status_text *t)
{
    const struct teach_xinfo *x = &e->x;
    switch (t->src) {
    case TEACH_V_TARGET:
        return teach_not_captured(teach_clip(e, x->target));
    case TEACH_V_METHOD:
        return teach_not_captured(teach_clip(e, x->method));
    case TEACH_V_REQUEST:
        if (!x->method)
            return teach_not_captured(NULL);
        return teach_printf(e, "%s %s", teach_clip(e, x->method),
                            teach_clip(e, x->target ? x->target : ""));
    case TEACH_V_VERSION:
        return teach_not_captured(teach_clip(e, x->version));
    case TEACH_V_COND: {
        const char *v = teach_req_hdr(e, "If-Modified-Since");
        if (v)
            return teach_printf(e, "If-Modified-Since: %s", teach_clip(e, v));
        v = teach_req_hdr(e, "If-None-Match");
        if (v)
            return teach_printf(e, "If-None-Match: %s", teach_clip(e, v));
        return teach_not_sent(NULL);
    }
    case TEACH_V_REQ_HDR:
        return teach_not_sent(teach_clip(e, teach_req_hdr(e, t->hdr)));
    case TEACH_V_HDR: {
        const char *v = teach_rsp_hdr(e, t->hdr);
        return teach_not_sent(teach_clip(e, v ? v : teach_req_hdr(e, t->hdr)));
    }
    default:
        return "";
    }
}

/* what a 200 OK brings, by its request's method (RFC 9110 15.3.1) */
static void explain_200(struct teach_ex *e)
{
    static const struct {
        const char *method, *text;
    } texts[] = {
        {"GET", N_("For a GET, the body that follows is the resource itself.")},
        {"HEAD", N_("For a HEAD, only the headers come, the ones a GET would get; no body "
                    "follows.")},
        {"POST", N_("For a POST, the body that follows tells the result of the action.")},
        {"PUT", N_("For a PUT, the resource was replaced; the body, if any, tells the result.")},
        {"DELETE", N_("For a DELETE, the resource was removed; the body, if any, tells the "
                      "result.")},
        {"PATCH", N_("For a PATCH, the change was made; the body, if any, tells the result.")},
        {"OPTIONS", N_("For OPTIONS, the answer is in the headers: Allow lists the methods.")},
        {"TRACE", N_("For a TRACE, the body that follows is the request as the server received "
                     "it.")},
        {NULL, NULL}
    };
    for (size_t i = 0; texts[i].method; i++)
        if (teach_is_method(e, texts[i].method)) {
            teach_para_str(e, _(texts[i].text));
            return;
        }
}

void teach_explain_status_line(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    int code = s->msg->status;
    const char *version = teach_val(e, s->msg->version), *reason = teach_val(e, s->msg->reason);
    bool h2 = s->msg->h2;
    const struct teach_status_text *t = teach_cat_status(code);
    if (h2 && t)
        teach_para(e, _("Step 4 in HTTP/2: the status travels as the pseudo-header field :status "
                        "%1$d at the head of the response's HEADERS frame on stream %2$u. There "
                        "is no status line of text: HTTP/2 has no reason phrase (the registry's "
                        "name for %1$d is \"%3$s\") and writes no version in the message."),
                   code, s->stream, t->reason);
    else if (h2)
        teach_para(e, _("Step 4 in HTTP/2: the status travels as the pseudo-header field :status "
                        "%1$d at the head of the response's HEADERS frame on stream %2$u. There "
                        "is no status line of text: HTTP/2 has no reason phrase and writes no "
                        "version in the message."),
                   code, s->stream);
    else
        teach_para_str(e, dec_stage_interim(s)
                              ? _("Step 4, for an interim answer: the status line, with the "
                                  "protocol version, a three-digit status code for programs, and "
                                  "a reason phrase for people.")
                              : _("Step 4: the server's answer begins with the status line: the "
                                  "protocol version, a three-digit status code for programs, and "
                                  "a reason phrase for people."));
    if (code / 100 == 2 && teach_is_method(e, "CONNECT"))
        teach_para(e, _("The proxy answers %1$d to CONNECT %2$s: it has opened a TCP connection to "
                        "that host and port. From the blank line on, it no longer reads HTTP on "
                        "this connection but relays bytes in both directions: a tunnel."),
                   code, teach_not_captured(teach_clip(e, e->x.target)));
    else if (t && t->src == TEACH_V_NONE)
        teach_para_str(e, _(t->text));
    else if (t)
        teach_para(e, _(t->text), status_value(e, t));
    if (code == 200)
        explain_200(e);
    /* the exchange's response headers are the final (HTTP/2) response's: the request's Upgrade */
    if (code == 101 && teach_has_token(teach_rsp_hdr(e, "Upgrade") ? teach_rsp_hdr(e, "Upgrade")
                                                                    : teach_req_hdr(e, "Upgrade"),
                                       "h2c"))
        teach_para_str(e, _("Here the new protocol is h2c, HTTP/2 without TLS: the client's "
                            "HTTP/2 preface follows, and the answer to this same request comes "
                            "as HTTP/2, on stream 1. For it, this 101 was only an interim "
                            "answer."));
    if (code == 400 && teach_missing_host(e))
        teach_para_str(e, _("Here the cause is plain: this HTTP/1.1 request has no Host header, "
                            "which the standard requires, and a server must answer such a "
                            "request with 400 Bad Request (RFC 9112 3.2)."));
    if (code >= 100 && code <= 599)
        teach_para_str(e, _(teach_cat_status_class(code)));
    if (!t && code >= 100 && code <= 599)
        teach_para(e, _("The code %1$d is not in IANA's registry of status codes. A client that "
                        "does not know a code treats it like %2$d, the general code of its class."),
                   code, code / 100 * 100);
    else if (!t)
        teach_para(e, _("The code %d is outside the five classes (100 to 599): this response is "
                        "malformed."),
                   code);
    if (t && t->reason[0] != '(' && reason && strcmp(reason, t->reason) != 0)
        teach_para(e, _("The reason phrase \"%1$s\" differs from the registry's \"%2$s\": that is "
                        "allowed, since the phrase is only for people and programs ignore it."),
                   teach_clip(e, reason), t->reason);
    if (version && strcmp(version, "HTTP/1.0") == 0 && !dec_stage_interim(s) &&
        teach_has_token(teach_hget(e, e->x.rh, e->x.nrh, "Connection"), "keep-alive"))
        teach_para_str(e, _("The server answers in HTTP/1.0, where a connection carries one "
                            "exchange unless both sides say Connection: keep-alive; its headers "
                            "say so, so the connection may stay open."));
    else if (version && strcmp(version, "HTTP/1.0") == 0)
        teach_para_str(e, _("The server answers in HTTP/1.0: it will close the connection after "
                            "this response, unless it sends Connection: keep-alive."));
    if (dec_stage_interim(s))
        teach_para_str(e, _("This is an interim (1xx) response: the exchange is not over, and the "
                            "final status line will follow."));
    else if (code >= 200 && e->x.xd && e->x.xd->ninterim) {
        struct tr_sbuf b = {0};
        for (size_t i = 0; i < e->x.xd->ninterim; i++)
            tr_sb_printf(&b, "%s%d", i ? ", " : "", e->x.xd->interim[i]->status);
        teach_para(e, P_("Before this final answer the server sent %1$zu interim response (%2$s).",
                         "Before this final answer the server sent %1$zu interim responses (%2$s).",
                         e->x.xd->ninterim),
                   e->x.xd->ninterim, b.p);
        tr_sb_free(&b);
    }
    if (e->x.rl >= 0 && e->x.rl < e->idx && s->ts >= e->d->stgs[e->x.rl]->ts &&
        !dec_stage_interim(s))
        teach_para_str(e, teach_stage_after(e, e->x.rl, DEC_STAGE_REQUEST_BODY) >= 0
                              ? _("The time from the request line to this status line covers the "
                                  "request's travel, its body too, the server's work, and the "
                                  "answer's way back.")
                              : _("The time from the request line to this status line is the "
                                  "time for the request to travel, the server to work, and the "
                                  "answer to come back."));
}

