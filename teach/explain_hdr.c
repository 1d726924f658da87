/* explain_hdr.c - the headers stages: one paragraph per header with its
 * value (the texts of catalog.c), and what its very value says: the weights
 * of an Accept, the codings of a Transfer-Encoding, the scheme of an
 * Authorization, the cookies, the boundary and charset of a Content-Type
 * (RFC 9110, RFC 9112, RFC 6265), read by decode/inspect.c
 */
#include "teach_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------- about the values -- */

static bool has_prefix_ci(const uint8_t *p, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && strncasecmp((const char *)p, prefix, k) == 0;
}

/* a header's value from the wire (never NULL: absent is empty) */
static const uint8_t *hval(const struct dec_header *h, size_t *n)
{
    *n = h->value.p ? h->value.len : 0;
    return h->value.p ? (const uint8_t *)h->value.p : (const uint8_t *)"";
}

static void more_authorization(struct teach_ex *e, const struct dec_header *h)
{
    size_t n;
    const uint8_t *v = hval(h, &n);
    if (has_prefix_ci(v, n, "Basic ")) {
        size_t i = 6;
        while (i < n && v[i] == ' ')
            i++;
        const char *b = teach_safe_bytes(e, v + i, n - i, TEACH_VAL_MAX);
        size_t cap = (n - i) / 4 * 3 + 3, len;
        uint8_t *raw = tr_xmalloc(cap);
        const uint8_t *colon = NULL;
        if (dec_base64_decode(v + i, n - i, raw, cap, &len))
            colon = memchr(raw, ':', len);
        if (!colon) {
            teach_para(e, _("The scheme is Basic, but %s is not base64 of user:password."), b);
            free(raw);
            return;
        }
        size_t ul = (size_t)(colon - raw);
        const char *user = teach_safe_bytes(e, raw, ul, TEACH_VAL_MAX);
        const char *pass = teach_safe_bytes(e, colon + 1, len - ul - 1, TEACH_VAL_MAX);
        free(raw);
        teach_para(e, _("The scheme is Basic: the rest, %1$s, is only user:password in base64. "
                        "Decoded, the user is %2$s and the password is %3$s."),
                   b, user, pass);
        teach_para_str(e, _("Base64 is an encoding, not encryption: anyone who sees this packet, "
                            "like this capture, reads the password as easily as you just did, and "
                            "the browser sends it again with every request. Over plain HTTP this "
                            "is unsafe: use Basic authentication only inside HTTPS."));
    } else if (has_prefix_ci(v, n, "Bearer ")) {
        teach_para_str(e, _("The scheme is Bearer: a token that works like a key, since whoever "
                            "holds it is let in. Over plain HTTP anyone who sees this packet can "
                            "copy it and use it."));
    } else if (has_prefix_ci(v, n, "Digest ")) {
        teach_para_str(e, _("The scheme is Digest: the password itself is not sent, only a hash of "
                            "it mixed with a number from the server. Everything else in the "
                            "request is still readable without HTTPS."));
    }
}

static void more_cookie(struct teach_ex *e, const struct dec_header *h)
{
    size_t n;
    const uint8_t *v = hval(h, &n);
    size_t count = dec_cookie_count(v, n);
    if (count > 1)
        teach_para(e, P_("It carries %d cookie, separated from the next by a semicolon.",
                         "It carries %d cookies, separated by semicolons.", count),
                   (int)count);
    teach_para_str(e, _("Over plain HTTP anyone on the path can copy these cookies and use the "
                        "session as if they were this user (session hijacking)."));
}

static void more_set_cookie(struct teach_ex *e, const struct dec_header *h)
{
    size_t n;
    const uint8_t *v = hval(h, &n);
    struct dec_span sp;
    if (!dec_cookie_attr(v, n, "Secure", &sp))
        teach_para_str(e, _("This cookie has no Secure attribute: the browser will send it over "
                            "plain HTTP as well, where anyone on the path can read it."));
}

static void more_content_length(struct teach_ex *e, const struct dec_header *h)
{
    (void)h;
    if (e->s->kind == DEC_STAGE_RESPONSE_HEADERS && teach_is_method(e, "HEAD"))
        teach_para_str(e, _("This is the answer to a HEAD request, so no body follows: "
                            "Content-Length tells the size the body would have."));
}

static void more_content_type(struct teach_ex *e, const struct dec_header *h)
{
    size_t n;
    const uint8_t *v = hval(h, &n);
    struct dec_span p;
    if (dec_header_param(v, n, "boundary", &p))
        teach_para(e, _("The boundary %s is a string that does not occur in the data: the body "
                        "uses it to separate its parts."),
                   teach_span(e, v, p));
    if (dec_header_param(v, n, "charset", &p))
        teach_para(e, _("Its charset parameter, %s, names the text's encoding: which bytes stand "
                        "for which characters."),
                   teach_span(e, v, p));
}

static void more_etag(struct teach_ex *e, const struct dec_header *h)
{
    size_t n;
    const uint8_t *v = hval(h, &n);
    if (has_prefix_ci(v, n, "W/"))
        teach_para_str(e, _("W/ marks a weak tag: the content means the same, though its bytes "
                            "may differ (after compression, for example)."));
}

/* a q value in thousandths, as written: "1", "0.9", "0.123" */
static const char *qtext(struct teach_ex *e, int q)
{
    if (q % 1000 == 0)
        return teach_printf(e, "%d", q / 1000);
    char digits[8];
    snprintf(digits, sizeof digits, "%03d", q % 1000);
    size_t k = strlen(digits);
    while (k > 1 && digits[k - 1] == '0')
        k--;
    return teach_printf(e, "%d.%.*s", q / 1000, (int)k, digits);
}

#define WEIGHT_ITEMS_MAX 24  /* list elements read for their weights */

/* the elements of an Accept-style list grouped by weight, the heaviest
 * first (RFC 9110 12.4.2: q is 1 when absent; q=0 means "not acceptable") */
static void more_weights(struct teach_ex *e, const struct dec_header *h)
{
    size_t n;
    const uint8_t *v = hval(h, &n);
    struct {
        struct dec_span item;  /* without its parameters */
        int q;
    } it[WEIGHT_ITEMS_MAX];
    size_t k = 0, pos = 0;
    struct dec_span el;
    bool weighted = false;
    while (k < WEIGHT_ITEMS_MAX && dec_list_next(v, n, &pos, &el)) {
        struct dec_span q;
        int qv = 1000;
        if (dec_header_param(v + el.off, el.len, "q", &q)) {
            int r = dec_qvalue(v + el.off + q.off, q.len);
            if (r >= 0) {
                qv = r;
                weighted = true;
            }
        }
        struct dec_span name = dec_media_type(v + el.off, el.len);
        it[k].item = (struct dec_span){el.off + name.off, name.len};
        it[k++].q = qv;
    }
    if (k == 0)
        return;
    if (!weighted) {
        if (k > 1)
            teach_para_str(e, _("No q is given: every choice weighs the same, 1."));
        return;
    }
    struct tr_sbuf b = {0};
    for (int q = 1000; q >= 0;) {
        bool any = false;
        for (size_t i = 0; i < k; i++) {
            if (it[i].q != q)
                continue;
            if (!any)  /* TRANSLATORS: a weight and what has it, in "By weight: ..." */
                tr_sb_printf(&b, q ? _("%1$sq=%2$s: ") : _("%1$sq=0 (refused): "),
                             b.len ? _("; ") : "", qtext(e, q));
            else
                tr_sb_str(&b, _(", "));
            tr_sb_str(&b, teach_span(e, v, it[i].item));
            any = true;
        }
        int next = -1;  /* the next lower weight present */
        for (size_t i = 0; i < k; i++)
            if (it[i].q < q && it[i].q > next)
                next = it[i].q;
        q = next;
    }
    if (k == WEIGHT_ITEMS_MAX)
        tr_sb_str(&b, _(", ..."));
    teach_para(e, _("By weight, the heaviest first: %s."), teach_own(e, tr_sb_take(&b)));
}

/* the codings of a Transfer-Encoding (RFC 9112 6.1, 6.3, 7) */
static void more_transfer_coding(struct teach_ex *e, const struct dec_header *h)
{
    size_t n;
    const uint8_t *v = hval(h, &n);
    size_t pos = 0, count = 0;
    struct dec_span el, last = {0, 0};
    while (dec_list_next(v, n, &pos, &el)) {
        last = dec_media_type(v + el.off, el.len);
        last.off += el.off;
        count++;
    }
    bool chunked_last = count && last.len == 7 && strncasecmp((const char *)v + last.off,
                                                               "chunked", 7) == 0;
    bool req = e->s->kind == DEC_STAGE_REQUEST_HEADERS;
    if (chunked_last)
        teach_para_str(e, _("chunked, the last coding, frames the body: it comes in pieces, each "
                            "preceded by its size in hexadecimal, and a piece of size 0 ends it. "
                            "A sender uses it when it does not know the length in advance, "
                            "instead of Content-Length."));
    if (chunked_last && count > 1)
        teach_para_str(e, _("The codings before chunked (such as gzip) compress the body for "
                            "this transfer only: unlike a Content-Encoding, they are not part of "
                            "the resource."));
    else if (!chunked_last && req)
        teach_para_str(e, _("chunked is not the last coding here, so the server cannot tell "
                            "where this request's body ends: RFC 9112 says it must answer 400 Bad "
                            "Request and close the connection."));
    else if (!chunked_last)
        teach_para_str(e, _("chunked is not the last coding here, so this response's body runs "
                            "until the server closes the connection."));
}

/* a Location with the status that sent it (RFC 9110 10.2.2) */
static void more_location(struct teach_ex *e, const struct dec_header *h)
{
    (void)h;
    int code = e->x.status;
    if (e->s->kind != DEC_STAGE_RESPONSE_HEADERS || dec_stage_interim(e->s))
        return;
    if (code == 201)
        teach_para_str(e, _("With 201 Created it names the new resource."));
    else if (code / 100 == 3 && code != 304)
        teach_para(e, _("With this %d redirect, a browser requests this address next, at once."),
                   code);
}

typedef void hdr_more_fn(struct teach_ex *e, const struct dec_header *h);

static hdr_more_fn *const hdr_more[] = {
    [TEACH_HM_NONE] = NULL,
    [TEACH_HM_AUTHORIZATION] = more_authorization,
    [TEACH_HM_COOKIE] = more_cookie,
    [TEACH_HM_SET_COOKIE] = more_set_cookie,
    [TEACH_HM_CONTENT_LENGTH] = more_content_length,
    [TEACH_HM_CONTENT_TYPE] = more_content_type,
    [TEACH_HM_ETAG] = more_etag,
    [TEACH_HM_WEIGHTS] = more_weights,
    [TEACH_HM_TRANSFER_CODING] = more_transfer_coding,
    [TEACH_HM_LOCATION] = more_location,
};

static void explain_header(struct teach_ex *e, const struct dec_header *h, enum tr_dir dir)
{
    const char *name = h->name.p ? teach_val(e, h->name) : "";
    const char *value = h->value.p ? teach_val(e, h->value) : "";
    if (e->s->msg->h2 && dec_str_eq_ci(h->name, "Content-Length")) {
        /* RFC 9113 8.1.1: the body ends with END_STREAM, not after a length */
        teach_para(e, _("content-length: %s. The size of the body in bytes. In HTTP/2 the flag "
                        "END_STREAM on the last DATA frame ends the body; content-length only "
                        "lets the receiver check that all of it came."),
                   teach_clip(e, value));
        return;
    }
    const struct teach_hdr_text *t =
        teach_cat_header(h->name.p ? h->name.p : "", h->name.p ? h->name.len : 0, dir);
    if (!t) {
        teach_para(e, _("%1$s: %2$s. httpstep has no explanation for this header. Every header is "
                        "a name, a colon and a value; a receiver ignores a header it does not "
                        "know, which is how HTTP can grow new ones."),
                   teach_clip(e, name), teach_clip(e, value));
        return;
    }
    /* each text begins "Name: %s"; it names the header as this message spells
     * it (HTTP/2 sends user-agent, an HTTP/1.1 client may too) */
    const char *f = _(t->text);
    size_t n = strlen(t->name);
    if (h->name.len == n && strncmp(f, t->name, n) == 0 && memcmp(h->name.p, t->name, n) != 0) {
        struct tr_sbuf spelt = {0};
        tr_sb_printf(&spelt, "%.*s%s", (int)n, h->name.p, f + n);
        teach_para(e, spelt.p, teach_clip(e, value));
        tr_sb_free(&spelt);
    } else {
        teach_para(e, f, teach_clip(e, value));
    }
    if (hdr_more[t->more])
        hdr_more[t->more](e, h);
}

/* ----------------------------------------------------------- headers -- */

void teach_explain_headers(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    bool req = s->kind == DEC_STAGE_REQUEST_HEADERS;
    bool h2 = s->msg->h2;
    if (h2 && req)
        teach_para_str(e, _("Step 3a in HTTP/2: the request headers travel in the same HEADERS "
                            "frame as the pseudo-header fields, compressed with HPACK, their "
                            "names in lower case. The flag END_HEADERS on the frame that ends "
                            "the block plays the blank line's part: there is no empty line."));
    else if (h2)
        teach_para_str(e, _("Step 5 in HTTP/2: the response headers travel in the HEADERS frame "
                            "after :status, compressed with HPACK, their names in lower case. "
                            "The flag END_HEADERS on the frame that ends the block plays the "
                            "blank line's part: there is no empty line."));
    else if (s->msg->nheaders == 0 && teach_stage_cut(e))
        teach_para_str(e, req ? _("Step 3a: the request headers. None of them were captured: see "
                                  "the notes below.")
                              : _("Step 5: the response headers. None of them were captured: see "
                                  "the notes below."));
    else if (req && s->msg->nheaders == 0)
        teach_para_str(e, _("Step 3a: this request has no headers at all: the request line is "
                            "followed at once by the blank line."));
    else if (req)
        teach_para_str(e, _("Step 3a: after the request line come the request headers, one per "
                            "line: a name, a colon and a value. They tell the server more about "
                            "the request and about the client."));
    else if (dec_stage_interim(s) && s->msg->nheaders == 0)
        teach_para_str(e, _("This interim response has no headers: a status line, then the blank "
                            "line at once. The final response, with its own headers, comes "
                            "later."));
    else if (dec_stage_interim(s))
        teach_para(e, P_("These %zu header belongs to the interim response; the final response "
                         "brings its own.",
                         "These %zu headers belong to the interim response; the final response "
                         "brings its own.",
                         s->msg->nheaders),
                   s->msg->nheaders);
    else if (s->msg->nheaders == 0)
        teach_para_str(e, _("Step 5: this response has no headers at all: the status line is "
                            "followed at once by the blank line."));
    else
        teach_para_str(e, _("Step 5: after the status line come the response headers, one per "
                            "line: a name, a colon and a value. They describe the answer and its "
                            "body, and tell the browser how to store it."));
    if (h2)
        teach_h2_hpack(e);
    enum tr_dir dir = req ? TR_DIR_C2S : TR_DIR_S2C;
    for (size_t i = 0; i < s->msg->nheaders && i < TEACH_HEADERS_MAX; i++)
        explain_header(e, &s->msg->headers[i], dir);
    if (s->msg->nheaders > TEACH_HEADERS_MAX)
        teach_para(e,
                   P_("... and %zu more header.", "... and %zu more headers.",
                      s->msg->nheaders - TEACH_HEADERS_MAX),
                   s->msg->nheaders - TEACH_HEADERS_MAX);
    if (h2)
        teach_h2_frames(e);
    if (req && !h2 && !teach_stage_cut(e) && teach_missing_host(e))
        teach_para_str(e, _("This HTTP/1.1 request has no Host header, which the standard "
                            "requires: a strict server answers 400 Bad Request."));
}
