/* explain.c - what each stage is and why, for a learner, filled with this
 * exchange's real values (RFC 9293 for TCP, RFC 9110 and RFC 9112 for HTTP)
 *
 * Every text is one whole translatable sentence or paragraph (gettext),
 * with printf placeholders, numbered where there are several, for the
 * values from the capture. The knowledge lives in tables: stages, steps,
 * methods, request-target forms, versions, headers, status codes and their
 * classes, body formats, file signatures, keep-alive reasons, ways to close,
 * reasons to close and note kinds.
 */
#include "teach.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VAL_MAX 200      /* bytes of a value from the wire shown in a text */
#define EXCERPT_MAX 80   /* bytes of a body shown as its beginning */
#define ROWS_MAX 24      /* rows of a list: form fields, query parameters, parts */
#define HEADERS_MAX 48   /* headers explained one by one */
#define FRAMES_MAX 8     /* frame numbers listed for a group of notes */

/* ------------------------------------------------------------ context -- */

/* what the exchange of the stage looks like, from its stages (and from the
 * recorded exchange once it is complete) */
struct xinfo {
    const struct dec_exchange *xd;   /* NULL until the exchange is recorded */
    const char *method, *target, *version;  /* escaped */
    const struct dec_header *qh;     /* request headers (wire bytes) */
    size_t nqh;
    int status;                      /* final status, 0: none yet */
    const char *reason, *rversion;   /* escaped */
    const struct dec_header *rh;     /* final response headers (wire bytes) */
    size_t nrh;
    int rl, sl;                      /* stage of the request line, final status line, -1 */
};

struct ex {
    const struct dec_record *d;
    const struct dec_stage *s;
    int idx;
    struct tr_sbuf *out;
    size_t start;                    /* where this text begins in out */
    char **own;                      /* strings freed at the end */
    size_t nown, cown;
    struct xinfo x;
    bool *mine;                      /* per note: does this stage mention it? */
};

/* ------------------------------------------------------------ helpers -- */

static void para(struct ex *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void para(struct ex *e, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (e->out->len > e->start)
        tr_sb_str(e->out, "\n\n");
    if ((size_t)n < sizeof small) {
        tr_sb_put(e->out, small, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    tr_sb_put(e->out, big, (size_t)n);
    free(big);
}

/* a text without placeholders (a table's, already translated) */
static void para_str(struct ex *e, const char *text)
{
    if (e->out->len > e->start)
        tr_sb_str(e->out, "\n\n");
    tr_sb_str(e->out, text);
}

static const char *own(struct ex *e, char *p)
{
    xgrow(&e->own, &e->cown, e->nown + 1, sizeof *e->own);
    e->own[e->nown++] = p;
    return p;
}

static const char *own_printf(struct ex *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static const char *own_printf(struct ex *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *p = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    p[0] = '\0';
    va_start(ap, fmt);
    if (n > 0)
        vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return own(e, p);
}

/* the length of s cut to at most max bytes, at a UTF-8 character boundary */
static size_t cut_len(const uint8_t *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    while (max > 0 && (s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

/* a value already safe for the screen, cut to VAL_MAX bytes */
static const char *clip(struct ex *e, const char *v)
{
    if (!v)
        return NULL;
    size_t n = strlen(v);
    if (n <= VAL_MAX)
        return v;
    size_t k = cut_len((const uint8_t *)v, n, VAL_MAX);
    return own_printf(e, "%.*s...", (int)k, v);
}

/* bytes from the wire made safe for the screen, at most max of them */
static const char *safe_bytes(struct ex *e, const uint8_t *p, size_t n, size_t max)
{
    size_t k = cut_len(p, n, max);
    char *s = teach_safe_dup((const char *)p, k);
    if (k < n) {
        const char *t = own_printf(e, "%s...", s);
        free(s);
        return t;
    }
    return own(e, s);
}

static const char *not_sent(const char *v)
{
    /* TRANSLATORS: stands for a header value that the message did not have */
    return v ? v : _("(not sent)");
}

static const char *not_captured(const char *v)
{
    /* TRANSLATORS: stands for a part of the request that is not in the capture */
    return v ? v : _("(not captured)");
}

static const char *endpoint(struct ex *e, const struct tr_endpoint *ep)
{
    char a[TR_ADDRSTRLEN];
    tr_addr_format(&ep->addr, a);
    if (ep->addr.family == 6)
        return own_printf(e, "[%s]:%u", a, ep->port);
    return own_printf(e, "%s:%u", a, ep->port);
}

static double ms(int64_t usec)
{
    return (double)usec / 1000.0;
}

/* a duration for a learner: milliseconds below ten seconds */
static const char *duration(struct ex *e, int64_t usec)
{
    if (usec < 0)
        usec = 0;
    if (usec < 10000000)
        return own_printf(e, _("%.3f ms"), ms(usec));
    return own_printf(e, _("%.1f s"), (double)usec / 1e6);
}

/* a string from the wire, escaped for the text (owned by e), or NULL */
static const char *val(struct ex *e, struct dec_str v)
{
    return v.p ? own(e, teach_safe_dup(v.p, v.len)) : NULL;
}

/* the value of a header (escaped), or NULL when it is not sent */
static const char *hget(struct ex *e, const struct dec_header *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (dec_str_eq_ci(h[i].name, name))
            return h[i].value.p ? val(e, h[i].value) : "";
    return NULL;
}

/* does a comma-separated list hold this token (case-insensitive)? */
static bool has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *p = list; p && *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        const char *last = end;
        while (last > p && (last[-1] == ' ' || last[-1] == '\t'))
            last--;
        if ((size_t)(last - p) == n && strncasecmp(p, tok, n) == 0)
            return true;
        p = end;
    }
    return false;
}

static bool has_prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* does the name contain needle, ignoring case? */
static bool contains_ci(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (strncasecmp(s + i, needle, k) == 0)
            return true;
    return false;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* percent-decode (and '+' as a space, for forms and queries) into a new
 * string made safe for the screen */
static const char *pct_decode(struct ex *e, const char *p, size_t n)
{
    char *buf = xmalloc(n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '+') {
            buf[k++] = ' ';
        } else if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
            buf[k++] = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
            i += 2;
        } else {
            buf[k++] = p[i];
        }
    }
    const char *s = safe_bytes(e, (const uint8_t *)buf, k, VAL_MAX);
    free(buf);
    return s;
}

/* base64 (RFC 4648) into a new buffer; NULL when it is not base64 */
static char *b64_decode(const char *p, size_t *len)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(p);
    char *out = xmalloc(n * 3 / 4 + 4);
    size_t k = 0;
    unsigned acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '=')
            break;
        const char *c = p[i] ? strchr(abc, p[i]) : NULL;
        if (!c) {
            free(out);
            return NULL;
        }
        acc = (acc << 6) | (unsigned)(c - abc);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[k++] = (char)((acc >> bits) & 0xff);
        }
    }
    *len = k;
    return out;
}

/* the media type of a Content-Type value, lowercased, without parameters */
static const char *media_type(struct ex *e, const char *ct)
{
    if (!ct)
        return NULL;
    size_t n = strcspn(ct, ";");
    while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
        n--;
    char *m = xstrndup(ct, n);
    for (char *q = m; *q; q++)
        if (*q >= 'A' && *q <= 'Z')
            *q = (char)(*q - 'A' + 'a');
    return own(e, m);
}

/* a parameter of a header value ("boundary" in a Content-Type), unquoted */
static const char *param(struct ex *e, const char *v, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = v ? strchr(v, ';') : NULL; p; p = strchr(p + 1, ';')) {
        const char *q = p + 1;
        while (*q == ' ' || *q == '\t')
            q++;
        if (strncasecmp(q, name, n) != 0 || q[n] != '=')
            continue;
        q += n + 1;
        if (*q == '"') {
            const char *end = strchr(q + 1, '"');
            return own(e, xstrndup(q + 1, end ? (size_t)(end - q - 1) : strlen(q + 1)));
        }
        return own(e, xstrndup(q, strcspn(q, "; \t")));
    }
    return NULL;
}

/* the bytes before the first CR or LF */
static size_t line_len(const uint8_t *p, size_t n)
{
    size_t k = 0;
    while (k < n && p[k] != '\r' && p[k] != '\n')
        k++;
    return k;
}

static const char *frame_list(struct ex *e, const uint64_t *f, size_t n)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < n && i < FRAMES_MAX; i++)
        tr_sb_printf(&b, "%s%llu", i ? ", " : "", (unsigned long long)f[i]);
    if (n > FRAMES_MAX)
        tr_sb_str(&b, ", ...");
    return own(e, b.p ? b.p : xstrdup(""));
}

/* ------------------------------------------------------- the exchange -- */

static void xinfo_fill(struct ex *e)
{
    const struct dec_record *d = e->d;
    struct xinfo *x = &e->x;
    memset(x, 0, sizeof *x);
    x->rl = x->sl = -1;
    int64_t n = e->s->exchange;
    if (n < 0)
        return;
    for (size_t k = 0; k < d->nstgs; k++) {
        const struct dec_stage *g = d->stgs[k];
        if (g->exchange != n || !g->msg)
            continue;
        const struct dec_msg *m = g->msg;
        switch (g->kind) {
        case DEC_STAGE_REQUEST_LINE:
            x->method = val(e, m->method);
            x->target = val(e, m->target);
            x->version = val(e, m->version);
            x->rl = (int)k;
            break;
        case DEC_STAGE_REQUEST_HEADERS:
            x->qh = m->headers;
            x->nqh = m->nheaders;
            break;
        case DEC_STAGE_STATUS_LINE:
            if (!m->interim) {
                x->status = m->status;
                x->reason = val(e, m->reason);
                x->rversion = val(e, m->version);
                x->sl = (int)k;
            }
            break;
        case DEC_STAGE_RESPONSE_HEADERS:
            if (!m->interim) {
                x->rh = m->headers;
                x->nrh = m->nheaders;
            }
            break;
        default:
            break;
        }
    }
    const struct dec_exchange *xd = dec_record_x(d, n);
    if (!xd)
        return;
    x->xd = xd;
    if (xd->request) {
        const struct dec_msg *q = xd->request;
        if (!x->method)
            x->method = val(e, q->method);
        if (!x->target)
            x->target = val(e, q->target);
        if (!x->version)
            x->version = val(e, q->version);
        if (!x->qh) {
            x->qh = q->headers;
            x->nqh = q->nheaders;
        }
    }
    if (xd->response) {
        const struct dec_msg *r = xd->response;
        if (!x->status) {
            x->status = r->status;
            x->reason = val(e, r->reason);
            x->rversion = val(e, r->version);
        }
        if (!x->rh) {
            x->rh = r->headers;
            x->nrh = r->nheaders;
        }
    }
}

/* the next stage of this exchange of a kind, after stage `from` */
static int stage_after(const struct ex *e, int from, enum dec_stage_kind kind)
{
    for (size_t k = (size_t)(from + 1); k < e->d->nstgs; k++)
        if (e->d->stgs[k]->exchange == e->s->exchange && e->d->stgs[k]->kind == kind)
            return (int)k;
    return -1;
}

static const char *req_hdr(struct ex *e, const char *name)
{
    return hget(e, e->x.qh, e->x.nqh, name);
}

/* the headers of the response this stage belongs to (interim or final) */
static void rsp_hdrs(const struct ex *e, const struct dec_header **h, size_t *n)
{
    *h = e->x.rh;
    *n = e->x.nrh;
    if (e->s->kind == DEC_STAGE_STATUS_LINE && dec_stage_interim(e->s)) {
        *h = e->s->msg->headers;
        *n = e->s->msg->nheaders;
    }
}

static const char *rsp_hdr(struct ex *e, const char *name)
{
    const struct dec_header *h;
    size_t n;
    rsp_hdrs(e, &h, &n);
    return hget(e, h, n, name);
}

static bool is_method(const struct ex *e, const char *m)
{
    return e->x.method && strcmp(e->x.method, m) == 0;
}

static const struct dec_note *tls_note(const struct dec_record *d)
{
    for (size_t i = 0; i < d->nnotes; i++)
        if (d->notes[i]->kind == DEC_NOTE_TLS)
            return d->notes[i];
    return NULL;
}

static const struct dec_stage *handshake_stage(const struct dec_record *d)
{
    for (size_t k = 0; k < d->nstgs; k++)
        if (d->stgs[k]->kind == DEC_STAGE_HANDSHAKE)
            return d->stgs[k];
    return NULL;
}

/* ----------------------------------------------------------- headers -- */

typedef void hdr_more_fn(struct ex *e, const char *value);

static hdr_more_fn more_authorization, more_cookie, more_set_cookie, more_content_length,
    more_content_type, more_etag;

enum { ANY = -1 };

/* one text per header, with its value in the %s (RFC 9110 unless said) */
static const struct hdr_text {
    const char *name;
    int dir;                /* ANY, TR_DIR_C2S (request), TR_DIR_S2C (response) */
    const char *text;       /* one %s: the value */
    hdr_more_fn *more;      /* more about this very value, or NULL */
} hdr_texts[] = {
    {"Host", ANY, N_("Host: %s. The name of the web site the client wants (and its port, when it "
                     "is not the default). One server, at one IP address, can hold many sites: "
                     "this header tells it which one. HTTP/1.1 requires it in every request."),
     NULL},
    {"User-Agent", ANY, N_("User-Agent: %s. The program that sends the request, and its version. "
                           "Servers use it for statistics or to adapt the page; it is only a "
                           "claim, since any client can send any text here."), NULL},
    {"Accept", ANY, N_("Accept: %s. The kinds of content (media types) the client can use, in "
                       "order of preference: q=0.9 after a type lowers its weight, and */* means "
                       "anything."), NULL},
    {"Accept-Language", ANY, N_("Accept-Language: %s. The languages the user prefers, with q for "
                                "their weight, so that a site with several translations can pick "
                                "one."), NULL},
    {"Accept-Encoding", ANY, N_("Accept-Encoding: %s. The compressions the client can undo (gzip, "
                                "deflate, br, zstd...). The server may compress the body with one "
                                "of them and say which in Content-Encoding."), NULL},
    {"Accept-Charset", ANY, N_("Accept-Charset: %s. The character sets the client can read; today "
                               "almost all text is UTF-8."), NULL},
    {"Accept-Ranges", ANY, N_("Accept-Ranges: %s. The server can send parts of this resource, "
                              "counted in bytes: a client can resume an interrupted download with "
                              "a Range request."), NULL},
    {"Content-Type", TR_DIR_C2S, N_("Content-Type: %s. The kind of data in the request body, so "
                                    "that the server knows how to read it: a form, JSON, a "
                                    "file..."), more_content_type},
    {"Content-Type", ANY, N_("Content-Type: %s. The kind of data in the body (its media type), so "
                             "that the browser knows what to do with it: draw an HTML page, apply "
                             "a stylesheet, show a picture. A charset parameter names the text "
                             "encoding."), more_content_type},
    {"Content-Length", ANY, N_("Content-Length: %s. The exact size of the body in bytes. The "
                               "receiver reads that many bytes after the blank line and knows the "
                               "message is over, so the next one can follow on the same "
                               "connection."), more_content_length},
    {"Transfer-Encoding", ANY, N_("Transfer-Encoding: %s. chunked means the body comes in pieces, "
                                  "each preceded by its size in hexadecimal, and a piece of size 0 "
                                  "ends it. A sender uses it when it does not know the length in "
                                  "advance, instead of Content-Length."), NULL},
    {"Content-Encoding", ANY, N_("Content-Encoding: %s. The body was compressed before it was "
                                 "sent, and the receiver must decompress it to get the resource. "
                                 "It saves bytes on the wire, mostly for text."), NULL},
    {"Content-Language", ANY, N_("Content-Language: %s. The language the content is written in."),
     NULL},
    {"Content-Disposition", ANY, N_("Content-Disposition: %s. How to present the body: inline in "
                                    "the page, or as an attachment that the browser offers to save "
                                    "as a file (under the filename given)."), NULL},
    {"Content-Range", ANY, N_("Content-Range: %s. Which bytes of the whole resource this partial "
                              "body holds, with the total size after the slash (it comes with 206 "
                              "Partial Content)."), NULL},
    {"Range", ANY, N_("Range: %s. The client asks for only part of the resource, in bytes, for "
                      "example to resume a broken download or to jump ahead in a video. A server "
                      "that agrees answers 206 Partial Content."), NULL},
    {"Connection", TR_DIR_C2S, N_("Connection: %s. What the client wants done with the TCP "
                                  "connection after this exchange: close means close it after "
                                  "the response; keep-alive means keep it open for more requests "
                                  "(the default in HTTP/1.1 anyway)."), NULL},
    {"Connection", ANY, N_("Connection: %s. What the server will do with the TCP connection after "
                           "this response: close means it closes it; keep-alive means it stays "
                           "open for the next request."), NULL},
    {"Keep-Alive", ANY, N_("Keep-Alive: %s. Details of the persistent connection: timeout is how "
                           "many seconds an idle connection is kept open, max how many more "
                           "requests it may carry."), NULL},
    {"Proxy-Connection", ANY, N_("Proxy-Connection: %s. An old, non-standard cousin of "
                                 "Connection that some clients still send to proxies."), NULL},
    {"Cookie", ANY, N_("Cookie: %s. Cookies the server set earlier (with Set-Cookie), sent back "
                       "with every request to this site. HTTP itself forgets everything between "
                       "two requests: cookies are how a server recognizes a logged-in user."),
     more_cookie},
    {"Set-Cookie", ANY, N_("Set-Cookie: %s. The server asks the browser to store a cookie "
                           "(name=value) and send it back in a Cookie header with the next "
                           "requests. The attributes after the semicolons say for how long "
                           "(Expires, Max-Age), for which paths, and how carefully (Secure: only "
                           "over HTTPS; HttpOnly: hidden from scripts)."), more_set_cookie},
    {"Cache-Control", ANY, N_("Cache-Control: %s. Rules for caches, the browser's and the "
                              "proxies': max-age=N keeps a copy fresh for N seconds, no-cache "
                              "means ask the server before reusing a copy, no-store means never "
                              "keep one."), NULL},
    {"Pragma", ANY, N_("Pragma: %s. The HTTP/1.0 ancestor of Cache-Control; no-cache asks caches "
                       "not to answer with a stored copy."), NULL},
    {"Expires", ANY, N_("Expires: %s. The date after which a cached copy is stale; a "
                        "Cache-Control max-age, when present, wins over it."), NULL},
    {"Age", ANY, N_("Age: %s. How many seconds this response has spent in a cache since the "
                    "server made it."), NULL},
    {"Vary", ANY, N_("Vary: %s. The request headers this response depends on: a cache must keep "
                     "separate copies for different values of them (one compressed copy and one "
                     "not, for example)."), NULL},
    {"ETag", ANY, N_("ETag: %s. A tag for this exact version of the resource, like a "
                     "fingerprint. The browser keeps it with its cached copy and later sends it "
                     "in If-None-Match: if the tag is unchanged, the answer is a short 304 Not "
                     "Modified."), more_etag},
    {"Last-Modified", ANY, N_("Last-Modified: %s. When the resource last changed, by the server's "
                              "clock. The browser keeps this date and can later ask "
                              "If-Modified-Since, to get a short 304 instead of the whole body "
                              "again."), NULL},
    {"If-None-Match", ANY, N_("If-None-Match: %s. A conditional request: the client already has "
                              "the version with this ETag and wants the resource only if it has "
                              "changed. If not, the server answers 304 Not Modified, without a "
                              "body."), NULL},
    {"If-Modified-Since", ANY, N_("If-Modified-Since: %s. A conditional request: the client's "
                                  "cached copy dates from this time (the Last-Modified it got "
                                  "before). If the resource has not changed since, the server "
                                  "answers 304 Not Modified and sends no body."), NULL},
    {"If-Match", ANY, N_("If-Match: %s. Carry out the request only if the resource still has this "
                         "ETag: it keeps two people from overwriting each other's changes (else "
                         "412 Precondition Failed)."), NULL},
    {"If-Unmodified-Since", ANY, N_("If-Unmodified-Since: %s. Carry out the request only if the "
                                    "resource has not changed since this date (else 412 "
                                    "Precondition Failed)."), NULL},
    {"If-Range", ANY, N_("If-Range: %s. Send only the requested range if the resource is still "
                         "this version; otherwise send all of it."), NULL},
    {"Location", ANY, N_("Location: %s. Where to go instead: after a redirect (3xx) the browser "
                         "requests this address next; with 201 Created it names the new "
                         "resource."), NULL},
    {"Authorization", ANY, N_("Authorization: %s. The client's credentials for this server, "
                              "usually sent after a 401 Unauthorized asked for them, and then "
                              "again with every request."), more_authorization},
    {"Proxy-Authorization", ANY, N_("Proxy-Authorization: %s. Credentials for the proxy in "
                                    "between, not for the server."), more_authorization},
    {"WWW-Authenticate", ANY, N_("WWW-Authenticate: %s. How to log in: the authentication scheme "
                                 "(Basic, Digest, Bearer...) and the realm, the name of the "
                                 "protected area that the browser shows in its login dialog. It "
                                 "comes with 401 Unauthorized."), NULL},
    {"Proxy-Authenticate", ANY, N_("Proxy-Authenticate: %s. The proxy in between wants "
                                   "credentials (it comes with 407 Proxy Authentication "
                                   "Required)."), NULL},
    {"Server", ANY, N_("Server: %s. The server software, often with its version. Handy for "
                       "statistics, but it also tells attackers which known bugs to try, so many "
                       "sites shorten it."), NULL},
    {"Date", ANY, N_("Date: %s. When the server made this message, always in GMT. Caches compare "
                     "it with Last-Modified, Expires and max-age."), NULL},
    {"Expect", ANY, N_("Expect: %s. With 100-continue the client sends only the headers and "
                       "waits: the server answers 100 Continue if it wants the body (or an error "
                       "at once, for example if the file is too large), and only then does the "
                       "client send the body. A large body is not sent for nothing."), NULL},
    {"Upgrade", ANY, N_("Upgrade: %s. A switch of this connection to another protocol (websocket, "
                        "for example): the client offers it, and a server that agrees answers 101 "
                        "Switching Protocols with the same header. After that the bytes are no "
                        "longer HTTP/1.1."), NULL},
    {"Referer", ANY, N_("Referer: %s. The page this request comes from: for a stylesheet or a "
                        "picture, the page that uses it; after a click, the page with the link. "
                        "The spelling with one r is an old typo that the standard kept."), NULL},
    {"Origin", ANY, N_("Origin: %s. The site (scheme, host and port) whose page made this "
                       "request. Servers use it to decide whether another site may call them "
                       "(CORS) and to block forged form posts."), NULL},
    {"Allow", ANY, N_("Allow: %s. The methods this resource supports (sent with 405 Method Not "
                      "Allowed and in answers to OPTIONS)."), NULL},
    {"Retry-After", ANY, N_("Retry-After: %s. When to try again, in seconds or as a date (with "
                            "503 Service Unavailable or 429 Too Many Requests)."), NULL},
    {"Via", ANY, N_("Via: %s. The proxies this message passed through, each one adding itself."),
     NULL},
    {"X-Forwarded-For", ANY, N_("X-Forwarded-For: %s. The address of the original client, added "
                                "by a proxy or a load balancer: the server itself sees only the "
                                "proxy's address."), NULL},
    {"Forwarded", ANY, N_("Forwarded: %s. The standard form of X-Forwarded-For: for whom, and "
                          "through which proxy, the request was forwarded."), NULL},
    {"Upgrade-Insecure-Requests", ANY, N_("Upgrade-Insecure-Requests: %s. The browser says it "
                                          "prefers HTTPS: the server may redirect it to the "
                                          "secure version of the page."), NULL},
    {"Access-Control-Allow-Origin", ANY, N_("Access-Control-Allow-Origin: %s. Which other sites' "
                                            "pages may read this response from a script (CORS); * "
                                            "means any site."), NULL},
    {"Strict-Transport-Security", ANY, N_("Strict-Transport-Security: %s. From now on, for "
                                          "max-age seconds, the browser must reach this site only "
                                          "over HTTPS, even when the user types http://."), NULL},
    {"Sec-WebSocket-Key", ANY, N_("Sec-WebSocket-Key: %s. A random value the client sends when it "
                                  "asks to switch to WebSocket; the server proves it understood "
                                  "by answering with a hash of it in Sec-WebSocket-Accept."), NULL},
    {"Sec-WebSocket-Accept", ANY, N_("Sec-WebSocket-Accept: %s. The server's proof that it speaks "
                                     "WebSocket: a hash of the client's Sec-WebSocket-Key."), NULL},
    {"Max-Forwards", ANY, N_("Max-Forwards: %s. How many more proxies may pass on this TRACE or "
                             "OPTIONS request."), NULL},
    {"TE", ANY, N_("TE: %s. The transfer codings the client accepts in the response; trailers "
                   "means it can read header fields sent after a chunked body."), NULL},
    {"Trailer", ANY, N_("Trailer: %s. Header fields that will come after the chunked body, in the "
                        "trailer."), NULL},
    {"DNT", ANY, N_("DNT: %s. Do Not Track: 1 means the user asks not to be tracked; servers are "
                    "free to ignore it."), NULL},
    {NULL, ANY, NULL, NULL}
};

static const struct hdr_text *hdr_text_find(const char *name, enum tr_dir dir)
{
    for (const struct hdr_text *t = hdr_texts; t->name; t++)
        if ((t->dir == ANY || t->dir == (int)dir) && strcasecmp(t->name, name) == 0)
            return t;
    return NULL;
}

static void more_authorization(struct ex *e, const char *v)
{
    if (has_prefix_ci(v, "Basic ")) {
        const char *b = v + 6;
        while (*b == ' ')
            b++;
        size_t n;
        char *raw = b64_decode(b, &n);
        char *colon = raw ? memchr(raw, ':', n) : NULL;
        if (!colon) {
            para(e, _("The scheme is Basic, but %s is not base64 of user:password."), clip(e, b));
            free(raw);
            return;
        }
        const char *user = safe_bytes(e, (const uint8_t *)raw, (size_t)(colon - raw), VAL_MAX);
        const char *pass =
            safe_bytes(e, (const uint8_t *)colon + 1, n - (size_t)(colon - raw) - 1, VAL_MAX);
        free(raw);
        para(e, _("The scheme is Basic: the rest, %1$s, is only user:password in base64. Decoded, "
                  "the user is %2$s and the password is %3$s."),
             clip(e, b), user, pass);
        para(e, _("Base64 is an encoding, not encryption: anyone who sees this packet, like this "
                  "capture, reads the password as easily as you just did, and the browser sends it "
                  "again with every request. Over plain HTTP this is unsafe: use Basic "
                  "authentication only inside HTTPS."));
    } else if (has_prefix_ci(v, "Bearer ")) {
        para_str(e, _("The scheme is Bearer: a token that works like a key, since whoever holds it "
                      "is let in. Over plain HTTP anyone who sees this packet can copy it and use "
                      "it."));
    } else if (has_prefix_ci(v, "Digest ")) {
        para_str(e, _("The scheme is Digest: the password itself is not sent, only a hash of it "
                      "mixed with a number from the server. Everything else in the request is "
                      "still readable without HTTPS."));
    }
}

static void more_cookie(struct ex *e, const char *v)
{
    int n = 0;
    for (const char *p = v; *p; p++)
        if (*p == '=' && (p == v || p[-1] != '='))
            n++;
    if (n > 1)
        para(e, P_("It carries %d cookie, separated from the next by a semicolon.",
                   "It carries %d cookies, separated by semicolons.", n),
             n);
    para_str(e, _("Over plain HTTP anyone on the path can copy these cookies and use the session "
                  "as if they were this user (session hijacking)."));
}

static void more_set_cookie(struct ex *e, const char *v)
{
    if (!contains_ci(v, strlen(v), "secure"))
        para_str(e, _("This cookie has no Secure attribute: the browser will send it over plain "
                      "HTTP as well, where anyone on the path can read it."));
}

static void more_content_length(struct ex *e, const char *v)
{
    (void)v;
    if (e->s->kind == DEC_STAGE_RESPONSE_HEADERS && is_method(e, "HEAD"))
        para_str(e, _("This is the answer to a HEAD request, so no body follows: Content-Length "
                      "tells the size the body would have."));
}

static void more_content_type(struct ex *e, const char *v)
{
    const char *b = param(e, v, "boundary");
    if (b)
        para(e, _("The boundary %s is a string that does not occur in the data: the body uses it "
                  "to separate its parts."),
             clip(e, b));
}

static void more_etag(struct ex *e, const char *v)
{
    if (has_prefix_ci(v, "W/"))
        para_str(e, _("W/ marks a weak tag: the content means the same, though its bytes may "
                      "differ (after compression, for example)."));
}

static void explain_header(struct ex *e, const struct dec_header *h, enum tr_dir dir)
{
    const char *name = h->name.p ? val(e, h->name) : "";
    const char *value = h->value.p ? val(e, h->value) : "";
    const struct hdr_text *t = hdr_text_find(name, dir);
    if (!t) {
        para(e, _("%1$s: %2$s. httpstep has no explanation for this header. Every header is a "
                  "name, a colon and a value; a receiver ignores a header it does not know, which "
                  "is how HTTP can grow new ones."),
             clip(e, name), clip(e, value));
        return;
    }
    para(e, _(t->text), clip(e, value));
    if (t->more)
        t->more(e, value);
}

/* ------------------------------------------------------------ notes -- */

static const struct note_text {
    enum dec_note_kind kind;
    const char *title;
    const char *text;
} note_texts[] = {
    /* TRANSLATORS: a note's title, then its explanation, which follows
     * "Retransmission, frame 26: " and so begins in lower case */
    {DEC_NOTE_RETRANSMISSION, N_("Retransmission"),
     N_("the segment carries bytes that were sent before. The first copy was lost, or its "
        "acknowledgment came too late, so TCP sent them again; the receiver keeps one copy.")},
    {DEC_NOTE_OUT_OF_ORDER, N_("Out of order"),
     N_("the segment arrived before bytes that come earlier in the stream (they were lost or "
        "delayed). TCP holds it until the hole is filled, so the program still reads the bytes "
        "in order.")},
    {DEC_NOTE_GAP, N_("Gap"),
     N_("some bytes of this stream never appeared in the capture (the capture missed them, or "
        "began or ended in the middle). httpstep cannot show them, and what they belong to is "
        "incomplete.")},
    {DEC_NOTE_TRUNCATED, N_("Truncated"),
     N_("the capture kept only the first bytes of this packet (its snapshot length, snaplen); the "
        "rest was on the wire but is not in the file. Capture with a larger snaplen (tcpdump -s 0) "
        "to see everything.")},
    {DEC_NOTE_NO_HANDSHAKE, N_("No handshake"),
     N_("the capture began after this connection was opened, so its SYN, SYN-ACK and ACK are "
        "missing; httpstep worked out who is the client from the first bytes.")},
    {DEC_NOTE_LIMIT, N_("Limit"),
     N_("httpstep reached one of its safety limits (headers, connections, buffered bytes) and did "
        "not keep everything here.")},
    {DEC_NOTE_MALFORMED_PACKET, N_("Malformed packet"),
     N_("a field of this packet's headers is impossible (a length that does not fit, for "
        "example), so httpstep skipped the packet.")},
    {DEC_NOTE_FRAGMENT, N_("IP fragment"),
     N_("this IP packet was split into fragments; httpstep does not put them back together, so "
        "its TCP bytes are missing.")},
    /* tracer note kinds of issue 13 (wip-tracer; the lead may reword) */
    {DEC_NOTE_STRAY_SEGMENT, N_("Stray segment"),
     N_("this segment does not fit the connection's sequence numbers (a SYN-ACK that acknowledges "
        "another SYN, for example: the connection captured twice, or a stale copy), so httpstep "
        "shows it but does not use it.")},
    {DEC_NOTE_TUNNEL, N_("Tunnel"),
     N_("this connection's packets travelled inside another protocol (a tunnel such as GRE, VXLAN "
        "or IPv6 in IPv4); httpstep took the outer headers off to read the TCP inside.")},
    {DEC_NOTE_IPSEC_ENCRYPTED, N_("IPsec ESP"),
     N_("these packets are encrypted with IPsec ESP: what they carry cannot be read without the "
        "keys, so httpstep skips them.")},
    {DEC_NOTE_MALFORMED_HTTP, N_("Malformed HTTP"),
     N_("these bytes break the HTTP/1.1 syntax. httpstep reads them as leniently as a browser "
        "would, but a strict server could answer 400 Bad Request.")},
    {DEC_NOTE_NOT_HTTP, N_("Not HTTP"),
     N_("this connection carries another protocol, so httpstep shows only its TCP packets.")},
    {DEC_NOTE_TLS, N_("TLS"),
     N_("this connection is encrypted with TLS (HTTPS): only the start of the TLS handshake can be "
        "read, the HTTP inside is hidden.")},
    {DEC_NOTE_DECODE_ERROR, N_("Decoding error"),
     N_("the body could not be decompressed as its Content-Encoding says; httpstep shows the bytes "
        "as they came.")},
    {DEC_NOTE_INCOMPLETE, N_("Incomplete"),
     N_("the message stops before its end (the capture ended, the connection was cut, or bytes "
        "are missing), so part of it is not here.")},
    {DEC_NOTE_COUNT, NULL, NULL}
};

/* Which notes this stage mentions: those on one of its frames; a note on a
 * frame no stage carries goes to the stage in progress then (the last to
 * begin at or before it), one before every stage to the first stage, and
 * one of the whole connection (frame 0) to the last. Linear in the stages
 * and notes, but for the few notes in this stage's own window. */
static void notes_mark(struct ex *e)
{
    const struct dec_record *d = e->d;
    const struct dec_stage *s = e->s;
    e->mine = xcalloc(d->nnotes ? d->nnotes : 1, sizeof *e->mine);
    bool has = s->nframes > 0, lowest = true;
    uint64_t first = has ? s->frames[0] : 0, min_first = UINT64_MAX, next_first = UINT64_MAX;
    for (size_t k = 0; k < d->nstgs; k++) {
        const struct dec_stage *g = d->stgs[k];
        if (!g->nframes)
            continue;
        uint64_t f = g->frames[0];
        if (f < min_first)
            min_first = f;
        if (has && f > first && f < next_first)
            next_first = f;
        if (has && f == first && (int)k < e->idx)
            lowest = false;  /* an earlier stage begins with the same frame */
    }
    for (size_t i = 0; i < d->nnotes; i++) {
        uint64_t f = d->notes[i]->frame;
        bool mine;
        if (has && dec_stage_has_frame(s, f))
            mine = true;
        else if (f == 0)
            mine = (size_t)e->idx + 1 == d->nstgs;
        else if (f < min_first)
            mine = e->idx == 0;
        else if (!has || !lowest || f < first || f >= next_first)
            mine = false;
        else {
            mine = true;
            for (size_t k = 0; k < d->nstgs && mine; k++)
                mine = !dec_stage_has_frame(d->stgs[k], f);
        }
        e->mine[i] = mine;
    }
}

/* was part of this stage cut off (a truncated packet, a gap, a message
 * cut short)? */
static bool stage_cut(const struct ex *e)
{
    for (size_t i = 0; i < e->d->nnotes; i++) {
        const struct dec_note *n = e->d->notes[i];
        if ((n->kind == DEC_NOTE_TRUNCATED || n->kind == DEC_NOTE_GAP ||
             n->kind == DEC_NOTE_INCOMPLETE) && e->mine[i])
            return true;
    }
    return false;
}

static void explain_notes(struct ex *e)
{
    const struct dec_record *d = e->d;
    for (const struct note_text *t = note_texts; t->title; t++) {
        uint64_t frames[FRAMES_MAX + 1];
        size_t count = 0;
        const char *detail = NULL;
        for (size_t i = 0; i < d->nnotes; i++) {
            const struct dec_note *n = d->notes[i];
            if (n->kind != t->kind || !e->mine[i])
                continue;
            if (count <= FRAMES_MAX)
                frames[count] = n->frame;
            if (!detail)
                detail = n->detail;
            count++;
        }
        if (!count)
            continue;
        const char *list = frame_list(e, frames, count < FRAMES_MAX + 1 ? count : FRAMES_MAX + 1);
        /* TRANSLATORS: %1$s is a note's title ("Retransmission"), %2$s its frame
         * numbers, %3$s its explanation, %4$s httpstep's own words about it
         * (English, from the decoder), %5$zu how many notes */
        para(e, P_("%1$s, frame %2$s: %3$s (%4$s)", "%1$s, %5$zu notes, frames %2$s: %3$s (%4$s)",
                   count),
             _(t->title), list, _(t->text), detail ? clip(e, detail) : "", count);
    }
}

/* a connection on an HTTP port that carries something else: say so first,
 * before the TCP story, so an empty walk is not a puzzle */
static void explain_not_http(struct ex *e)
{
    for (size_t i = 0; i < e->d->nnotes; i++)
        if (e->d->notes[i]->kind == DEC_NOTE_NOT_HTTP) {
            para(e, _("This connection to port %u carries no HTTP: its first bytes are another "
                      "protocol (frame %llu). So there are no HTTP steps to walk here, only the "
                      "TCP handshake and the close."),
                 e->d->tc.server.port, (unsigned long long)e->d->notes[i]->frame);
            return;
        }
}

/* ---------------------------------------------------------------- TLS -- */

/* what TLS hides; on_port: TLS right on this connection's port (not
 * inside a CONNECT tunnel, whose stages say it themselves) */
static void explain_tls(struct ex *e, bool on_port)
{
    const struct dec_note *n = tls_note(e->d);
    if (!n)
        return;
    for (size_t i = 0; on_port && i < e->d->nxs; i++)
        if (e->d->xs[i] && e->d->xs[i]->tunnel)
            return;
    if (on_port)
        para(e, _("After the TCP handshake, this connection to port %u speaks TLS: it is HTTPS. "
                  "The client and the server first agree on keys (the TLS handshake); everything "
                  "after that is encrypted."),
             e->d->tc.server.port);
    para(e, _("What an observer (this capture, anyone on the same Wi-Fi, the network's owner) can "
              "still see: the addresses and ports, the sizes and times of the packets, the server "
              "name the client asked for in its ClientHello (SNI: %1$s) and the TLS version the "
              "server chose (%2$s)."),
         /* TRANSLATORS: no server name (SNI) in the ClientHello; no ServerHello seen */
         n->sni.p ? clip(e, val(e, n->sni)) : _("none"), n->tls_version ? n->tls_version : _("not seen"));
    para_str(e, _("What it cannot see: the method, the URL, the headers, the cookies, the "
                  "passwords and the bodies, since all of HTTP travels inside the encryption. On "
                  "plain HTTP (port 80) every one of them, even a password in a form, can be read "
                  "by anyone on the path: that is why HTTPS matters."));
}

/* ---------------------------------------------------------- handshake -- */

static const struct dec_pkt *pkt_of(const struct dec_record *d, uint64_t frame)
{
    long i = dec_record_pkt_of(d, frame);
    return i >= 0 ? &d->pkts[i] : NULL;
}

static void explain_no_handshake(struct ex *e)
{
    para(e, _("No handshake was captured on this connection between the client %1$s and the "
              "server %2$s: the capture began after the connection was opened. httpstep still "
              "follows the bytes, counting from the first one it saw; the relative sequence "
              "numbers start there, and the round-trip time is unknown."),
         endpoint(e, &e->d->tc.client), endpoint(e, &e->d->tc.server));
}

static void explain_handshake(struct ex *e)
{
    const struct dec_record *d = e->d;
    const struct tr_conn *tc = &d->tc;
    const struct dec_stage *s = e->s;
    if (!tc->syn_seen) {
        explain_no_handshake(e);
        return;
    }
    para(e, _("Step 1: before any HTTP can travel, the client %1$s opens a TCP connection to the "
              "server %2$s. It takes three packets, the three-way handshake, in which each side "
              "says from which number it will count the bytes it sends (its sequence number), and "
              "hears that the other side got it."),
         endpoint(e, &tc->client), endpoint(e, &tc->server));
    const struct dec_pkt *syn = tc->hs_frames[0] ? pkt_of(d, tc->hs_frames[0]) : NULL;
    const struct dec_pkt *sa = tc->hs_frames[1] ? pkt_of(d, tc->hs_frames[1]) : NULL;
    const struct dec_pkt *ack = tc->hs_frames[2] ? pkt_of(d, tc->hs_frames[2]) : NULL;
    if (tc->hs_frames[0])
        para(e, _("SYN (frame %1$llu): the client asks to open the connection. Its sequence number "
                  "is %2$u in relative numbers, counted from the random initial number it picked, "
                  "%3$u. SYN means synchronize: I will count my bytes from here."),
             (unsigned long long)tc->hs_frames[0], syn ? syn->seg.rel_seq : 0u, tc->side[0].isn);
    else
        para_str(e, _("The client's SYN was not captured."));
    if (tc->hs_frames[1])
        para(e, _("SYN-ACK (frame %1$llu): the server agrees. It sends its own SYN with its own "
                  "random initial number %2$u (relative %3$u), and acknowledges the client's SYN "
                  "with the acknowledgment number %4$u: I got your SYN, the next byte I expect "
                  "from you is number %4$u. A SYN counts as one byte."),
             (unsigned long long)tc->hs_frames[1], tc->side[1].isn, sa ? sa->seg.rel_seq : 0u,
             sa ? sa->seg.rel_ack : 1u);
    else
        para_str(e, _("The server's SYN-ACK was not captured."));
    if (tc->hs_frames[2])
        para(e, _("ACK (frame %1$llu): the client acknowledges the server's SYN with the "
                  "acknowledgment number %2$u; its own sequence number is now %3$u. The connection "
                  "is open, and the request can follow right away."),
             (unsigned long long)tc->hs_frames[2], ack ? ack->seg.rel_ack : 1u,
             ack ? ack->seg.rel_seq : 1u);
    else
        para_str(e, _("The client's final ACK was not captured."));
    if (tc->side[0].opts.mss && tc->side[1].opts.mss)
        para(e, _("The SYNs also carry options, such as the largest segment each side can take "
                  "(MSS): %1$u bytes for the client, %2$u for the server."),
             tc->side[0].opts.mss, tc->side[1].opts.mss);
    if (s->rtt >= 0)
        para(e, _("From the SYN to the ACK took %.3f ms: one round trip between the two machines "
                  "(RTT). Every new connection costs at least this time before the first byte of "
                  "the request can leave."),
             ms(s->rtt));
    else
        para_str(e, _("The round-trip time is unknown: a packet of the handshake is missing."));
    para_str(e, _("Why three packets? Each side must send its starting number and learn that the "
                  "other received it. With two packets the server could not know that its own "
                  "number arrived; four would work, but the server puts its SYN and its ACK into "
                  "one packet, so three are enough."));
    explain_tls(e, true);
}

/* ------------------------------------------------------- request line -- */

/* one text per method (RFC 9110 section 9, PATCH RFC 5789); %s: the target */
static const struct method_text {
    const char *method;
    const char *text;
} method_texts[] = {
    {"GET", N_("GET asks the server to send the resource %s. A GET has no body and must not change "
               "anything on the server (it is safe), so browsers, caches and proxies may repeat it "
               "or answer it from a cache.")},
    {"HEAD", N_("HEAD asks for %s like GET, but wants only the status line and the headers, no "
                "body: a cheap way to learn whether a resource exists, how big it is "
                "(Content-Length) or whether it changed.")},
    {"POST", N_("POST sends data in the request body to %s for the server to process: a form, a "
                "comment, an upload. It may change things on the server, so a browser does not "
                "repeat it without asking (the warning when you reload a page after sending a "
                "form).")},
    {"PUT", N_("PUT asks the server to store the request body as %s, creating it (201 Created) or "
               "replacing it (200 or 204). Sending the same PUT twice leaves the same result: it "
               "is idempotent.")},
    {"DELETE", N_("DELETE asks the server to remove the resource %s. Like PUT it is idempotent: "
                  "deleting twice leaves it just as deleted.")},
    {"CONNECT", N_("CONNECT asks a proxy to open a TCP connection to %s and then, once it has "
                   "answered 200, to relay bytes blindly in both directions: a tunnel. Browsers "
                   "use it to reach HTTPS sites through a proxy; the TLS inside stays unreadable "
                   "for the proxy.")},
    {"OPTIONS", N_("OPTIONS asks which methods and features the server supports for %s; the "
                   "answer comes in headers such as Allow. Browsers also send it before some "
                   "requests to another site (a CORS preflight).")},
    {"TRACE", N_("TRACE asks the server to send the request for %s back in the response body (as "
                 "message/http), so that the client sees what arrived after the proxies on the "
                 "way. Servers often disable it, since it can reveal headers.")},
    {"PATCH", N_("PATCH asks the server to change part of the resource %s, as the body describes, "
                 "instead of replacing all of it as PUT would.")},
    {NULL, NULL}
};

enum target_form { TF_ORIGIN, TF_QUERY, TF_ABSOLUTE, TF_AUTHORITY, TF_ASTERISK, TF_OTHER };

/* the four forms of a request-target (RFC 9112 section 3.2) */
static const struct target_text {
    enum target_form form;
    const char *text;
} target_texts[] = {
    {TF_ORIGIN, N_("The target %s is in origin-form: a path on the server, starting with /. The "
                   "host name is not in it: it comes in the Host header. A #fragment of the "
                   "address is never sent; the browser keeps it.")},
    {TF_QUERY, N_("The target %s is in origin-form: a path on the server, then after the ? a query "
                  "string that passes parameters to the server, name=value pairs joined by &.")},
    {TF_ABSOLUTE, N_("The target %s is in absolute-form: a whole URL with scheme and host. Clients "
                     "use it when they talk to a proxy, which must know where to forward the "
                     "request.")},
    {TF_AUTHORITY, N_("The target %s is in authority-form: only a host and a port, as CONNECT "
                      "needs. It names where to open the tunnel, not a resource.")},
    {TF_ASTERISK, N_("The target %s is the asterisk-form: the request concerns the server as a "
                     "whole, not one resource. Only OPTIONS uses it.")},
    {TF_OTHER, N_("The target %s is in none of the four forms of RFC 9112 (origin, absolute, "
                  "authority, asterisk); a strict server would answer 400 Bad Request.")},
};

static enum target_form target_form(const char *method, const char *t)
{
    if (strcmp(t, "*") == 0)
        return TF_ASTERISK;
    if (t[0] == '/')
        return strchr(t, '?') ? TF_QUERY : TF_ORIGIN;
    if (strstr(t, "://"))
        return TF_ABSOLUTE;
    if (method && strcmp(method, "CONNECT") == 0 && strchr(t, ':'))
        return TF_AUTHORITY;
    return TF_OTHER;
}

/* one text per version (RFC 9112 section 2.3, RFC 1945 for 1.0) */
static const struct version_text {
    const char *version;
    const char *text;
} version_texts[] = {
    {"HTTP/1.1", N_("The version HTTP/1.1 (1997, today RFC 9112): a connection stays open for more "
                    "requests unless someone says Connection: close, the Host header is required, "
                    "and a body may be sent in chunks.")},
    {"HTTP/1.0", N_("The version HTTP/1.0 (1996): the server closes the connection after each "
                    "response, so every request costs a new TCP handshake, unless both sides send "
                    "Connection: keep-alive. There is no chunked transfer, and Host is "
                    "optional.")},
    {"", N_("No version: an HTTP/0.9 request (1991), just GET and a path. The answer is the bare "
            "document, without status line or headers.")},
    {NULL, NULL}
};

/* password-like names of form fields and query parameters */
static const char *const secret_names[] = {"pass", "pwd", "secret", NULL};

static bool secret_name(const char *p, size_t n)
{
    for (const char *const *s = secret_names; *s; s++)
        if (contains_ci(p, n, *s))
            return true;
    return false;
}

/* name=value pairs joined by '&' (a query, a urlencoded form), one
 * paragraph each; then a warning for each password-like name */
static void explain_pairs(struct ex *e, const char *p, size_t n, bool in_url)
{
    size_t total = 0;
    for (size_t i = 0; i < n;) {
        size_t end = i;
        while (end < n && p[end] != '&')
            end++;
        if (end > i)
            total++;
        i = end + 1;
    }
    if (total == 0)
        return;
    if (in_url)
        para(e, P_("The query has %zu parameter; decoded, it is:",
                   "The query has %zu parameters; decoded, they are:", total),
             total);
    else
        para(e, P_("The form has %zu field; decoded, it is:",
                   "The form has %zu fields; decoded, they are:", total),
             total);
    size_t shown = 0;
    const char *secret = NULL;
    for (size_t i = 0; i < n;) {
        size_t end = i;
        while (end < n && p[end] != '&')
            end++;
        if (end > i) {
            const char *eq = memchr(p + i, '=', end - i);
            size_t nlen = eq ? (size_t)(eq - (p + i)) : end - i;
            const char *name = pct_decode(e, p + i, nlen);
            const char *value = eq ? pct_decode(e, eq + 1, (size_t)(p + end - eq - 1)) : "";
            /* TRANSLATORS: a form field or query parameter, decoded: name = value */
            if (shown < ROWS_MAX)
                para(e, _("%1$s = %2$s"), name, value);
            shown++;
            if (!secret && secret_name(p + i, nlen))
                secret = name;
        }
        i = end + 1;
    }
    if (shown > ROWS_MAX)
        para(e, P_("... and %zu more.", "... and %zu more.", shown - ROWS_MAX), shown - ROWS_MAX);
    if (secret && in_url)
        para(e, _("The parameter %s is a password, and it is in the URL: it ends up in the "
                  "browser's history, in the server's logs and in the Referer of the next request, "
                  "and over plain HTTP anyone on the path reads it. A form with a password must be "
                  "sent with POST, and over HTTPS."),
             secret);
    else if (secret)
        para(e, _("The field %s is a password, and it travels in clear text: anyone who can see "
                  "this traffic (on the same Wi-Fi, the network's owner, this capture) reads it, "
                  "exactly as you do now. Only HTTPS would hide it."),
             secret);
}

static void explain_request_line(struct ex *e)
{
    const struct dec_stage *s = e->s;
    const char *method = s->msg->method.p ? val(e, s->msg->method) : "";
    const char *target = s->msg->target.p ? val(e, s->msg->target) : "";
    const char *version = val(e, s->msg->version);
    para(e, _("Step 2: the client sends the request line, the first line of its request: %1$s %2$s "
              "%3$s. Three parts separated by single spaces: the method (what to do), the request "
              "target (on what) and the protocol version, and CR LF to end the line."),
         clip(e, method), clip(e, target), version ? clip(e, version) : "");
    const struct method_text *m = method_texts;
    while (m->method && strcmp(m->method, method) != 0)
        m++;
    if (m->method)
        para(e, _(m->text), clip(e, target));
    else
        para(e, _("%1$s is not a method of RFC 9110 (GET, HEAD, POST, PUT, DELETE, CONNECT, "
                  "OPTIONS, TRACE) nor PATCH: it is an extension method, like PROPFIND or MKCOL "
                  "that WebDAV adds, here applied to %2$s. A server that does not know a method "
                  "answers 501 Not Implemented."),
             clip(e, method), clip(e, target));
    enum target_form form = target_form(method, target);
    para(e, _(target_texts[form].text), clip(e, target));
    if (form == TF_QUERY) {
        const char *q = strchr(target, '?') + 1;
        explain_pairs(e, q, strcspn(q, "#"), true);
    }
    const struct version_text *v = version_texts;
    while (v->version && strcmp(v->version, version ? version : "") != 0)
        v++;
    if (v->version)
        para_str(e, _(v->text));
    else
        para(e, _("The version %s is neither HTTP/1.0 nor HTTP/1.1; httpstep reads the message as "
                  "HTTP/1.1."),
             clip(e, version));
    if (s->exchange > 0) {
        para(e, _("This is request number %lld on this connection: it reuses the open TCP "
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
            para_str(e, _("The client sent this request before the answer to the previous one "
                          "arrived: pipelining. The server must answer in the same order, so the "
                          "order of the responses tells which answer belongs to which request."));
    }
    if (s->exchange == 0 && !e->d->tc.syn_seen)
        explain_no_handshake(e);
}

/* ----------------------------------------------------------- headers -- */

static void explain_headers(struct ex *e)
{
    const struct dec_stage *s = e->s;
    bool req = s->kind == DEC_STAGE_REQUEST_HEADERS;
    if (s->msg->nheaders == 0 && stage_cut(e))
        para_str(e, req ? _("Step 3: the request headers. None of them were captured: see the "
                            "notes below.")
                        : _("Step 5: the response headers. None of them were captured: see the "
                            "notes below."));
    else if (req && s->msg->nheaders == 0)
        para_str(e, _("Step 3: this request has no headers at all: the request line is followed "
                      "at once by the blank line."));
    else if (req)
        para(e, P_("Step 3: after the request line comes %1$zu request header, in %2$llu bytes: a "
                   "name, a colon and a value on a line of its own. Headers tell the server more "
                   "about the request and about the client.",
                   "Step 3: after the request line come %1$zu request headers, in %2$llu bytes: "
                   "one per line, a name, a colon and a value. They tell the server more about the "
                   "request and about the client.",
                   s->msg->nheaders),
             s->msg->nheaders, (unsigned long long)s->length);
    else if (dec_stage_interim(s) && s->msg->nheaders == 0)
        para_str(e, _("This interim response has no headers: a status line, then the blank line "
                      "at once. The final response, with its own headers, comes later."));
    else if (dec_stage_interim(s))
        para(e, P_("These %zu header belongs to the interim response; the final response brings "
                   "its own.",
                   "These %zu headers belong to the interim response; the final response brings "
                   "its own.",
                   s->msg->nheaders),
             s->msg->nheaders);
    else if (s->msg->nheaders == 0)
        para_str(e, _("Step 5: this response has no headers at all: the status line is followed at "
                      "once by the blank line."));
    else
        para(e, P_("Step 5: after the status line comes %1$zu response header, in %2$llu bytes: a "
                   "name, a colon and a value on a line of its own. Headers describe the answer "
                   "and its body, and tell the browser how to store it.",
                   "Step 5: after the status line come %1$zu response headers, in %2$llu bytes: "
                   "one per line, a name, a colon and a value. They describe the answer and its "
                   "body, and tell the browser how to store it.",
                   s->msg->nheaders),
             s->msg->nheaders, (unsigned long long)s->length);
    enum tr_dir dir = req ? TR_DIR_C2S : TR_DIR_S2C;
    for (size_t i = 0; i < s->msg->nheaders && i < HEADERS_MAX; i++)
        explain_header(e, &s->msg->headers[i], dir);
    if (s->msg->nheaders > HEADERS_MAX)
        para(e, P_("... and %zu more header.", "... and %zu more headers.", s->msg->nheaders - HEADERS_MAX),
             s->msg->nheaders - HEADERS_MAX);
    if (req && !stage_cut(e) && !hget(e, s->msg->headers, s->msg->nheaders, "Host") && e->x.version &&
        strcmp(e->x.version, "HTTP/1.1") == 0)
        para_str(e, _("This HTTP/1.1 request has no Host header, which the standard requires: a "
                      "strict server answers 400 Bad Request."));
}

/* -------------------------------------------------------- blank lines -- */

static void explain_blank_line(struct ex *e)
{
    const struct dec_stage *s = e->s;
    bool req = s->kind == DEC_STAGE_REQUEST_BLANK_LINE;
    size_t nhdrs = 1;  /* of the headers just before, when they are known */
    for (int k = e->idx; k-- > 0;)
        if (e->d->stgs[k]->exchange == s->exchange &&
            e->d->stgs[k]->kind == (req ? DEC_STAGE_REQUEST_HEADERS : DEC_STAGE_RESPONSE_HEADERS)) {
            nhdrs = e->d->stgs[k]->msg->nheaders;
            break;
        }
    if (req && nhdrs)
        para_str(e, _("Step 3: the request headers end with an empty line: only CR LF (the bytes "
                      "0d 0a) right after the CR LF of the last header, so the wire shows CR LF "
                      "CR LF. It tells the server that the head of the request is complete."));
    else if (req)
        para_str(e, _("Step 3: the head of the request ends with an empty line: only CR LF (the "
                      "bytes 0d 0a), here right after the CR LF of the request line, since there "
                      "are no headers. It tells the server that the head is complete."));
    else if (nhdrs)
        para_str(e, _("Step 6 begins with an empty line: only CR LF (the bytes 0d 0a) right "
                      "after the CR LF of the last response header, so the wire shows CR LF CR "
                      "LF. It tells the client that the head of the response is complete."));
    else
        para_str(e, _("The head of the response ends with an empty line: only CR LF (the bytes 0d "
                      "0a), here right after the CR LF of the status line, since there are no "
                      "headers. It tells the client that the head is complete."));
    if (s->length == 1)
        para_str(e, _("Here the sender ended the line with a bare LF (0a), without the CR. The "
                      "standard asks for CR LF, but receivers, httpstep too, accept a bare LF."));
    para_str(e, _("Why it matters: headers have no fixed number and no fixed size, so only this "
                  "empty line shows where they stop. Without it the receiver keeps waiting for "
                  "more headers."));
    int body = stage_after(e, e->idx, req ? DEC_STAGE_REQUEST_BODY : DEC_STAGE_RESPONSE_BODY);
    const struct dec_stage *b = body >= 0 ? e->d->stgs[body] : NULL;
    if (!req && dec_stage_interim(s)) {
        int code = 0;
        for (int k = e->idx; k-- > 0 && !code;)
            if (e->d->stgs[k]->kind == DEC_STAGE_STATUS_LINE)
                code = e->d->stgs[k]->msg->status;
        para(e, _("This blank line ends the interim %d response; the final response follows "
                  "later on the same connection."),
             code);
    } else if (b && b->msg->framing == DEC_FRAMING_LENGTH) {
        para(e, _("After it comes the body: %llu bytes, as Content-Length said."),
             (unsigned long long)b->msg->body_length);
    } else if (b && b->msg->framing == DEC_FRAMING_CHUNKED) {
        para_str(e, _("After it comes the body, in chunks (Transfer-Encoding: chunked)."));
    } else if (b && b->msg->framing == DEC_FRAMING_CLOSE) {
        para_str(e, _("After it comes the body, which has no announced length: it lasts until "
                      "the server closes the connection."));
    } else if (req) {
        para_str(e, _("No body follows: the request ends here, and the server can answer."));
    } else if (e->x.xd && e->x.xd->tunnel) {
        para_str(e, _("After it the connection becomes a tunnel: the bytes that follow are no "
                      "longer HTTP messages."));
    } else if (is_method(e, "HEAD")) {
        para_str(e, _("No body follows: this is the answer to a HEAD request, which asks for the "
                      "headers only."));
    } else if (e->x.status == 204 || e->x.status == 304) {
        para(e, _("No body follows: a %d response never has one."), e->x.status);
    } else {
        para_str(e, _("No body follows (its length is 0): the response ends here."));
    }
}

/* -------------------------------------------------------------- bodies -- */

typedef void body_more_fn(struct ex *e, const char *ctype, const uint8_t *p, size_t n);

static body_more_fn more_form, more_multipart, more_html, more_excerpt;

/* one text per kind of content; %s: the Content-Type value. A type ending
 * in '/' matches the whole top-level type, one starting with '+' a suffix. */
static const struct body_text {
    const char *type;
    const char *text;
    body_more_fn *more;
} body_texts[] = {
    {"application/x-www-form-urlencoded",
     N_("The Content-Type %s says the body is a form in the format a browser uses for an HTML "
        "form: name=value pairs joined by &, with + for a space and %%XX for other special "
        "characters."), more_form},
    {"multipart/form-data",
     N_("The Content-Type %s says the body is multipart/form-data, the format of a form with "
        "files. The parts are separated by a line with two dashes and the boundary; each part has "
        "its own small headers (Content-Disposition with the field's name, and for a file its "
        "filename and Content-Type), a blank line, then its data. The last boundary ends with two "
        "more dashes."), more_multipart},
    {"application/json",
     N_("The Content-Type %s says the body is JSON (JavaScript Object Notation): text made of "
        "{objects}, [arrays], strings, numbers, true, false and null, the usual format of web "
        "APIs."), more_excerpt},
    {"+json", N_("The Content-Type %s says the body is JSON, text made of {objects}, [arrays], "
                 "strings, numbers, true, false and null."), more_excerpt},
    {"text/html", N_("The Content-Type %s says the body is an HTML document: the page the browser "
                     "draws. It may name more files (stylesheets, scripts, pictures), which the "
                     "browser then asks for, each in an exchange of its own."), more_html},
    {"text/css", N_("The Content-Type %s says the body is a stylesheet (CSS): colours, fonts and "
                    "layout for the pages that use it."), more_excerpt},
    {"text/javascript", N_("The Content-Type %s says the body is a JavaScript program, which the "
                           "browser runs in the page."), more_excerpt},
    {"application/javascript", N_("The Content-Type %s says the body is a JavaScript program, "
                                  "which the browser runs in the page."), more_excerpt},
    {"text/plain", N_("The Content-Type %s says the body is plain text, shown as it is."),
     more_excerpt},
    {"message/http", N_("The Content-Type %s says the body is itself an HTTP message: for TRACE, "
                        "the request as the server received it, sent back."), more_excerpt},
    {"application/xml", N_("The Content-Type %s says the body is XML, text with <tags> for "
                           "data."), more_excerpt},
    {"text/xml", N_("The Content-Type %s says the body is XML, text with <tags> for data."),
     more_excerpt},
    {"image/svg+xml", N_("The Content-Type %s says the body is an SVG picture: a drawing described "
                         "as XML text, which scales to any size."), more_excerpt},
    {"text/", N_("The Content-Type %s says the body is text."), more_excerpt},
    {"image/", N_("The Content-Type %s says the body is a picture: binary data, not text, which "
                  "the browser decodes and draws."), NULL},
    {"audio/", N_("The Content-Type %s says the body is sound: binary data."), NULL},
    {"video/", N_("The Content-Type %s says the body is a video: binary data."), NULL},
    {"font/", N_("The Content-Type %s says the body is a font for the page's text."), NULL},
    {"application/octet-stream", N_("The Content-Type %s says the body is just bytes of unknown "
                                    "kind: a browser offers to save them as a file."), NULL},
    {"", N_("The Content-Type %s says what kind of data the body holds."), NULL},
    {NULL, NULL, NULL}
};

static const struct body_text *body_text_find(const char *mt)
{
    size_t n = strlen(mt);
    for (const struct body_text *t = body_texts; t->type; t++) {
        size_t k = strlen(t->type);
        if (k == 0)
            return t;
        if (t->type[0] == '+' ? n >= k && strcmp(mt + n - k, t->type) == 0
            : t->type[k - 1] == '/' ? strncmp(mt, t->type, k) == 0
                                    : strcmp(mt, t->type) == 0)
            return t;
    }
    return NULL;
}

/* file formats by their first bytes */
static const struct magic {
    const char *bytes;
    size_t len;
    const char *name;
} magics[] = {
    {"\x89PNG\r\n\x1a\n", 8, "PNG"},
    {"\xff\xd8\xff", 3, "JPEG"},
    {"GIF87a", 6, "GIF"},
    {"GIF89a", 6, "GIF"},
    {"\x1f\x8b", 2, "gzip"},
    {"%PDF-", 5, "PDF"},
    {"PK\x03\x04", 4, "ZIP"},
    {NULL, 0, NULL}
};

static const struct magic *magic_find(const uint8_t *p, size_t n)
{
    for (const struct magic *m = magics; m->bytes; m++)
        if (n >= m->len && memcmp(p, m->bytes, m->len) == 0)
            return m;
    return NULL;
}

static const char *hex_bytes(struct ex *e, const uint8_t *p, size_t n)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < n; i++)
        tr_sb_printf(&b, "%s%02x", i ? " " : "", p[i]);
    return own(e, b.p ? b.p : xstrdup(""));
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void explain_magic(struct ex *e, const uint8_t *p, size_t n)
{
    const struct magic *m = magic_find(p, n);
    if (!m)
        return;
    para(e, _("The first bytes of the body, %1$s, are the signature of %2$s data: files announce "
              "their format in their first bytes, whatever the headers say."),
         hex_bytes(e, p, m->len), m->name);
    if (strcmp(m->name, "PNG") == 0 && n >= 24 && memcmp(p + 12, "IHDR", 4) == 0)
        para(e, _("The PNG header (IHDR) gives the size of the picture: %1$u x %2$u pixels."),
             be32(p + 16), be32(p + 20));
    else if (strcmp(m->name, "GIF") == 0 && n >= 10)
        para(e, _("The GIF header gives the size of the picture: %1$u x %2$u pixels."),
             (unsigned)(p[6] | p[7] << 8), (unsigned)(p[8] | p[9] << 8));
}

static void more_excerpt(struct ex *e, const char *ctype, const uint8_t *p, size_t n)
{
    (void)ctype;
    if (n)
        para(e, _("It begins: %s"), safe_bytes(e, p, n, EXCERPT_MAX));
}

static void more_form(struct ex *e, const char *ctype, const uint8_t *p, size_t n)
{
    (void)ctype;
    explain_pairs(e, (const char *)p, n, false);
}

static void more_html(struct ex *e, const char *ctype, const uint8_t *p, size_t n)
{
    static const char *const tags[] = {"<link", "<script", "<img", NULL};
    more_excerpt(e, ctype, p, n);
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        for (const char *const *t = tags; *t; t++) {
            size_t k = strlen(*t);
            if (i + k < n && strncasecmp((const char *)p + i, *t, k) == 0 &&
                (p[i + k] == ' ' || p[i + k] == '>' || p[i + k] == '\n' || p[i + k] == '\t'))
                count++;
        }
    if (count)
        para(e, P_("In the part of the page httpstep kept, %zu tag (<link>, <script>, <img>) names "
                   "another file: the browser asks for it in a request of its own.",
                   "In the part of the page httpstep kept, %zu tags (<link>, <script>, <img>) name "
                   "other files: the browser asks for each in a request of its own.",
                   count),
             count);
}

/* a header value inside a multipart part head */
static const char *part_hdr(struct ex *e, const uint8_t *h, size_t n, const char *name)
{
    size_t k = strlen(name);
    for (size_t i = 0; i < n;) {
        size_t end = i;
        while (end < n && h[end] != '\n')
            end++;
        if (end - i > k && strncasecmp((const char *)h + i, name, k) == 0 && h[i + k] == ':') {
            size_t v = i + k + 1, w = end;
            while (v < w && h[v] == ' ')
                v++;
            while (w > v && (h[w - 1] == '\r' || h[w - 1] == ' '))
                w--;
            return safe_bytes(e, h + v, w - v, VAL_MAX);
        }
        i = end + 1;
    }
    return NULL;
}

static const uint8_t *find_bytes(const uint8_t *p, size_t n, const char *s, size_t k)
{
    for (size_t i = 0; k && i + k <= n; i++)
        if (p[i] == (uint8_t)s[0] && memcmp(p + i, s, k) == 0)
            return p + i;
    return NULL;
}

static void more_multipart(struct ex *e, const char *ctype, const uint8_t *p, size_t n)
{
    const char *boundary = param(e, ctype, "boundary");
    if (!boundary || !*boundary)
        return;
    char *delim = xmalloc(strlen(boundary) + 3);
    sprintf(delim, "--%s", boundary);
    size_t dl = strlen(delim);
    const uint8_t *end = p + n;
    const uint8_t *cur = find_bytes(p, n, delim, dl);
    size_t part = 0;
    bool whole = false;
    while (cur) {
        cur += dl;
        if ((size_t)(end - cur) >= 2 && cur[0] == '-' && cur[1] == '-') {
            whole = true;
            break;
        }
        const uint8_t *head = find_bytes(cur, (size_t)(end - cur), "\r\n\r\n", 4);
        size_t hl = 4;
        if (!head) {
            head = find_bytes(cur, (size_t)(end - cur), "\n\n", 2);
            hl = 2;
        }
        if (!head)
            break;
        const uint8_t *data = head + hl;
        const uint8_t *next = find_bytes(data, (size_t)(end - data), delim, dl);
        if (!next)
            break;
        size_t dlen = (size_t)(next - data);
        if (dlen >= 2 && next[-2] == '\r' && next[-1] == '\n')
            dlen -= 2;
        else if (dlen >= 1 && next[-1] == '\n')
            dlen -= 1;
        const char *disp = part_hdr(e, cur, (size_t)(head - cur), "Content-Disposition");
        const char *type = part_hdr(e, cur, (size_t)(head - cur), "Content-Type");
        const char *name = disp ? param(e, disp, "name") : NULL;
        const char *file = disp ? param(e, disp, "filename") : NULL;
        part++;
        if (part <= ROWS_MAX && file)
            para(e, _("Part %1$zu: the file %2$s in the field %3$s, Content-Type %4$s, %5$zu "
                      "bytes."),
                 part, clip(e, file), not_sent(name ? clip(e, name) : NULL),
                 not_sent(type), dlen);
        else if (part <= ROWS_MAX)
            para(e, _("Part %1$zu: the field %2$s = %3$s"), part,
                 not_sent(name ? clip(e, name) : NULL), safe_bytes(e, data, dlen, EXCERPT_MAX));
        cur = next;
    }
    free(delim);
    if (part > ROWS_MAX)
        para(e, P_("... and %zu more part.", "... and %zu more parts.", part - ROWS_MAX),
             part - ROWS_MAX);
    if (!whole && part == 0)
        para_str(e, _("httpstep could not find the parts in the bytes it kept of this body."));
    else if (!whole)
        para_str(e, _("httpstep kept only the beginning of this body: later parts are not "
                      "listed."));
}

/* the first chunk-size line of a chunked body, from the stream bytes */
static bool first_chunk(const struct ex *e, char *hex, size_t cap, uint64_t *size)
{
    size_t n, k = 0;
    const uint8_t *p = dec_stream_at(&e->d->bytes[e->s->dir], e->s->offset, &n);
    if (!p)
        return false;
    uint64_t v = 0;
    while (k < n && k + 1 < cap && k < 16 && hexval(p[k]) >= 0) {
        hex[k] = (char)p[k];
        v = v * 16 + (uint64_t)hexval(p[k]);
        k++;
    }
    hex[k] = '\0';
    *size = v;
    return k > 0 && k < n && (p[k] == '\r' || p[k] == '\n' || p[k] == ';');
}

static void explain_framing(struct ex *e)
{
    const struct dec_stage *s = e->s;
    switch (s->msg->framing) {
    case DEC_FRAMING_LENGTH:
        para(e, _("How does the receiver know where the body ends? Content-Length announced %llu "
                  "bytes: it reads exactly that many after the blank line, and then the next "
                  "message may begin."),
             (unsigned long long)s->msg->body_length);
        break;
    case DEC_FRAMING_CHUNKED: {
        para(e, P_("The body came with Transfer-Encoding: chunked, in %1$llu chunk of data and a "
                   "last chunk of size 0 that marks the end. Each chunk begins with a line giving "
                   "its size in hexadecimal. The sender did not need to know the total length in "
                   "advance: %2$llu bytes of content, %3$llu bytes on the wire with the size "
                   "lines.",
                   "The body came with Transfer-Encoding: chunked, in %1$llu chunks of data and a "
                   "last chunk of size 0 that marks the end. Each chunk begins with a line giving "
                   "its size in hexadecimal. The sender did not need to know the total length in "
                   "advance: %2$llu bytes of content, %3$llu bytes on the wire with the size "
                   "lines.",
                   s->msg->chunks),
             (unsigned long long)s->msg->chunks, (unsigned long long)s->msg->body_length,
             (unsigned long long)s->length);
        char hex[20];
        uint64_t size;
        if (first_chunk(e, hex, sizeof hex, &size))
            para(e, _("The first chunk's size line reads %1$s: hexadecimal for %2$llu bytes."), hex,
                 (unsigned long long)size);
        break;
    }
    case DEC_FRAMING_CLOSE:
        para(e, _("This body has neither Content-Length nor chunks: it ends when the server closes "
                  "the connection (%llu bytes here). The connection cannot carry another request, "
                  "and a client cannot tell a whole body from one cut short by a network "
                  "failure."),
             (unsigned long long)s->msg->body_length);
        break;
    default:
        break;
    }
}

static void explain_encoding(struct ex *e)
{
    const struct dec_stage *s = e->s;
    const char *ce = val(e, s->msg->content_encoding);
    if (!ce)
        return;
    if (s->msg->decoded_length > 0) {
        int pct = (int)((s->msg->body_length * 100 + (uint64_t)s->msg->decoded_length / 2) /
                        (uint64_t)s->msg->decoded_length);
        para(e, _("Content-Encoding: %1$s: the sender compressed the body. %2$llu bytes travelled; "
                  "decompressed they are %3$lld bytes, so the compressed body is %4$d%% of the "
                  "original size. The client had offered this compression in its "
                  "Accept-Encoding."),
             clip(e, ce), (unsigned long long)s->msg->body_length,
             (long long)s->msg->decoded_length, pct);
    } else {
        para(e, _("Content-Encoding: %1$s: the sender compressed the body (%2$llu bytes). httpstep "
                  "could not decompress it, because the coding is unknown or the body is "
                  "incomplete."),
             clip(e, ce), (unsigned long long)s->msg->body_length);
    }
}

static void explain_body(struct ex *e)
{
    const struct dec_stage *s = e->s;
    bool req = s->kind == DEC_STAGE_REQUEST_BODY;
    if (req)
        para(e, _("Step 3 ends with the request body: %llu bytes of data that the client sends "
                  "after the blank line, such as a form or a file."),
             (unsigned long long)s->msg->body_length);
    else
        para(e, _("Step 6: after the blank line comes the response body, %llu bytes: the resource "
                  "itself (the page, the picture, the file), or a page about the error."),
             (unsigned long long)s->msg->body_length);
    if (req && req_hdr(e, "Expect") && has_token(req_hdr(e, "Expect"), "100-continue") &&
        e->x.xd && e->x.xd->ninterim && e->x.xd->interim[0]->status == 100)
        para_str(e, _("Because of Expect: 100-continue, the client held this body back until the "
                      "server's 100 Continue arrived."));
    explain_framing(e);
    explain_encoding(e);
    const char *ctype = req ? req_hdr(e, "Content-Type") : hget(e, e->x.rh, e->x.nrh, "Content-Type");
    /* the content as the application sees it: decoded, or the bytes as
     * they came when there is no content coding */
    bool coded = s->msg->content_encoding.p != NULL;
    const uint8_t *p = s->decoded_len ? s->decoded : coded ? NULL : s->preview;
    size_t n = s->decoded_len ? s->decoded_len : coded ? 0 : s->preview_len;
    if (coded && s->preview_len >= 2 && s->preview[0] == 0x1f && s->preview[1] == 0x8b)
        para_str(e, _("On the wire, the body begins with the bytes 1f 8b: the magic number that "
                      "starts all gzip data."));
    if (ctype) {
        const struct body_text *t = body_text_find(media_type(e, ctype));
        para(e, _(t->text), clip(e, ctype));
        explain_magic(e, p, n);
        if (t->more && n)
            t->more(e, ctype, p, n);
    } else {
        para_str(e, _("The message has no Content-Type header: the receiver has to guess the kind "
                      "of data from its bytes (browsers call this sniffing)."));
        explain_magic(e, p, n);
    }
    if (s->msg->gap_bytes)
        para(e, _("%llu bytes of this body were never captured (a gap): the capture missed those "
                  "packets, so httpstep cannot show them, though the receiver may have got them."),
             (unsigned long long)s->msg->gap_bytes);
    const struct dec_msg *m = e->x.xd ? (req ? e->x.xd->request : e->x.xd->response) : NULL;
    if (m && !m->complete && !s->msg->gap_bytes)
        para_str(e, _("The body stops before its announced end: the connection or the capture "
                      "ended first."));
}

/* -------------------------------------------------------- status line -- */

enum vsrc {
    V_NONE,
    V_TARGET,      /* the request target */
    V_METHOD,
    V_REQUEST,     /* method and target */
    V_VERSION,     /* the request's version */
    V_COND,        /* If-Modified-Since or If-None-Match, with its name */
    V_REQ_HDR,     /* a request header */
    V_HDR          /* a header of this response, else of the request */
};

/* IANA's HTTP Status Code Registry (RFC 9110 section 15 and the RFCs it
 * names): the reason phrase, then a text with one %s, filled from src */
static const struct status_text {
    int code;
    const char *reason;
    enum vsrc src;
    const char *hdr;
    const char *text;
} status_texts[] = {
    {100, "Continue", V_REQ_HDR, "Expect",
     N_("The server answers 100 Continue, an interim response: it has read the headers (Expect: "
        "%s) and wants the body, so the client may send it now. The final answer comes after the "
        "body.")},
    {101, "Switching Protocols", V_HDR, "Upgrade",
     N_("The server answers 101 Switching Protocols: it accepts the client's Upgrade (%s), and "
        "right after the blank line that ends this response the connection speaks that protocol "
        "(WebSocket, for example) instead of HTTP/1.1.")},
    {102, "Processing", V_TARGET, NULL,
     N_("The server answers 102 Processing, an interim response (WebDAV): the request for %s takes "
        "long, and the server says it is still working on it so that the client does not give "
        "up.")},
    {103, "Early Hints", V_TARGET, NULL,
     N_("The server answers 103 Early Hints, an interim response: while it prepares the real "
        "answer for %s, it already names files (in Link headers) that the browser can start "
        "loading.")},
    {200, "OK", V_REQUEST, NULL,
     N_("The server answers 200 OK: the request %s succeeded. For a GET, the body that follows is "
        "the resource; for a POST, it is the result of the action.")},
    {201, "Created", V_HDR, "Location",
     N_("The server answers 201 Created: the request created a new resource, whose address the "
        "Location header gives: %s.")},
    {202, "Accepted", V_REQUEST, NULL,
     N_("The server answers 202 Accepted: it has accepted the request %s but not carried it out "
        "yet (it waits in a queue, for example); the result will come later, some other way.")},
    {203, "Non-Authoritative Information", V_REQUEST, NULL,
     N_("The server answers 203 Non-Authoritative Information: the request %s succeeded, but a "
        "proxy on the way changed the response it got from the origin server.")},
    {204, "No Content", V_REQUEST, NULL,
     N_("The server answers 204 No Content: the request %s succeeded and there is nothing to send "
        "back, so no body follows (typical for a DELETE, or for saving a form without leaving the "
        "page).")},
    {205, "Reset Content", V_REQUEST, NULL,
     N_("The server answers 205 Reset Content: the request %s succeeded, and the client should "
        "clear the form it came from, so that the user can enter new data.")},
    {206, "Partial Content", V_HDR, "Content-Range",
     N_("The server answers 206 Partial Content: it sends only the part the client asked for in "
        "its Range header, and Content-Range says which bytes: %s.")},
    {207, "Multi-Status", V_REQUEST, NULL,
     N_("The server answers 207 Multi-Status (WebDAV): the body is an XML document with a "
        "separate status for each of the resources that %s touched.")},
    {208, "Already Reported", V_NONE, NULL,
     N_("The server answers 208 Already Reported (WebDAV): used inside a 207 Multi-Status body, "
        "it says that the members of a collection were listed earlier in the answer and are not "
        "repeated.")},
    {226, "IM Used", V_TARGET, NULL,
     N_("The server answers 226 IM Used: for %s it sends a delta, only the changes since the "
        "version the client has (as its A-IM header asked), instead of the whole resource.")},
    {300, "Multiple Choices", V_TARGET, NULL,
     N_("The server answers 300 Multiple Choices: the resource %s exists in several variants "
        "(languages or formats, for example), and the client must choose one; the Location "
        "header may suggest one.")},
    {301, "Moved Permanently", V_HDR, "Location",
     N_("The server answers 301 Moved Permanently: the resource has a new address for good, %s "
        "(the Location header). The browser fetches it there at once, remembers the move, and "
        "bookmarks and search engines should switch to the new address.")},
    {302, "Found", V_HDR, "Location",
     N_("The server answers 302 Found: the resource is for now at %s (the Location header). The "
        "browser fetches it there but keeps using the old address next time. (Old browsers turned "
        "a POST into a GET here; 307 forbids that.)")},
    {303, "See Other", V_HDR, "Location",
     N_("The server answers 303 See Other: the answer is elsewhere, and the browser must fetch %s "
        "(the Location header) with a GET. Typical after a POST, so that reloading the result "
        "page does not send the form again.")},
    {304, "Not Modified", V_COND, NULL,
     N_("The server answers 304 Not Modified: the copy your browser cached (%s) is still good, so "
        "no body follows and the page loads from cache. Only the headers travel: fewer bytes, a "
        "faster page.")},
    {305, "Use Proxy", V_HDR, "Location",
     N_("The server answers 305 Use Proxy, which is deprecated: it told the client to repeat the "
        "request through the proxy in the Location header (%s). Browsers ignore it, for "
        "safety.")},
    {306, "(Unused)", V_NONE, NULL,
     N_("The server answers 306, a code from an old draft (Switch Proxy) that is no longer used "
        "but stays reserved.")},
    {307, "Temporary Redirect", V_HDR, "Location",
     N_("The server answers 307 Temporary Redirect: like 302, the resource is for now at %s (the "
        "Location header), but the client must repeat the request with the same method and body: "
        "a POST stays a POST.")},
    {308, "Permanent Redirect", V_HDR, "Location",
     N_("The server answers 308 Permanent Redirect: like 301, the resource has moved for good, to "
        "%s (the Location header), but the client must repeat the request with the same method "
        "and body.")},
    {400, "Bad Request", V_REQUEST, NULL,
     N_("The server answers 400 Bad Request: it could not understand the request %s (wrong "
        "syntax, a bad header, a malformed body). The client should fix it, not repeat it.")},
    {401, "Unauthorized", V_HDR, "WWW-Authenticate",
     N_("The server answers 401 Unauthorized: this resource needs a login, and the request had "
        "none, or a wrong one. The WWW-Authenticate header says how to log in: %s. A browser now "
        "shows a login dialog and sends the request again with an Authorization header.")},
    {402, "Payment Required", V_NONE, NULL,
     N_("The server answers 402 Payment Required: reserved for future use with digital payments; "
        "a few services use it when a bill is unpaid.")},
    {403, "Forbidden", V_TARGET, NULL,
     N_("The server answers 403 Forbidden: it understood the request for %s but refuses it, and "
        "logging in would not help (unlike 401): this client is simply not allowed.")},
    {404, "Not Found", V_TARGET, NULL,
     N_("The server answers 404 Not Found: there is nothing at %s on this server. Perhaps the "
        "address is mistyped, or the page was removed.")},
    {405, "Method Not Allowed", V_METHOD, NULL,
     N_("The server answers 405 Method Not Allowed: the resource exists, but not for the method "
        "%s. The Allow header lists the methods it accepts.")},
    {406, "Not Acceptable", V_REQ_HDR, "Accept",
     N_("The server answers 406 Not Acceptable: it has no version of the resource that matches "
        "the client's Accept headers (Accept: %s).")},
    {407, "Proxy Authentication Required", V_HDR, "Proxy-Authenticate",
     N_("The server answers 407 Proxy Authentication Required: like 401, but it is the proxy in "
        "between that wants a login, as its Proxy-Authenticate header says: %s.")},
    {408, "Request Timeout", V_NONE, NULL,
     N_("The server answers 408 Request Timeout: it waited too long for the rest of the request "
        "and gives up; it usually closes the connection after this.")},
    {409, "Conflict", V_REQUEST, NULL,
     N_("The server answers 409 Conflict: the request %s conflicts with the current state of the "
        "resource (two people editing the same file, for example); the body usually explains.")},
    {410, "Gone", V_TARGET, NULL,
     N_("The server answers 410 Gone: %s existed but was removed for good, and no new address is "
        "known. Unlike 404 this is final: links to it should be deleted.")},
    {411, "Length Required", V_REQUEST, NULL,
     N_("The server answers 411 Length Required: it refuses a body without a Content-Length "
        "header, and the request %s had none.")},
    {412, "Precondition Failed", V_REQUEST, NULL,
     N_("The server answers 412 Precondition Failed: a condition in the request headers "
        "(If-Match, If-Unmodified-Since...) was false, so the server did not carry out %s.")},
    {413, "Content Too Large", V_REQ_HDR, "Content-Length",
     N_("The server answers 413 Content Too Large: the request body is bigger than the server "
        "accepts (Content-Length: %s).")},
    {414, "URI Too Long", V_NONE, NULL,
     N_("The server answers 414 URI Too Long: the target is longer than the server is willing to "
        "read, often a form sent with GET with too much data in the URL.")},
    {415, "Unsupported Media Type", V_REQ_HDR, "Content-Type",
     N_("The server answers 415 Unsupported Media Type: it cannot handle a body of this kind "
        "(Content-Type: %s).")},
    {416, "Range Not Satisfiable", V_REQ_HDR, "Range",
     N_("The server answers 416 Range Not Satisfiable: the requested range (Range: %s) lies "
        "outside the resource, past its end for example.")},
    {417, "Expectation Failed", V_REQ_HDR, "Expect",
     N_("The server answers 417 Expectation Failed: it cannot meet the request's Expect header "
        "(Expect: %s).")},
    {418, "(Unused)", V_NONE, NULL,
     N_("The server answers 418, the famous \"I'm a teapot\" from an April Fools' joke (RFC "
        "2324). The registry keeps it unused so that no real code takes it; some servers answer "
        "it for fun.")},
    {421, "Misdirected Request", V_REQ_HDR, "Host",
     N_("The server answers 421 Misdirected Request: it cannot answer for the host in the request "
        "(Host: %s); the connection reached the wrong server.")},
    {422, "Unprocessable Content", V_NONE, NULL,
     N_("The server answers 422 Unprocessable Content: the body's syntax is fine, but its content "
        "makes no sense to the server (a form with invalid values, for example).")},
    {423, "Locked", V_TARGET, NULL,
     N_("The server answers 423 Locked (WebDAV): the resource %s is locked by someone else.")},
    {424, "Failed Dependency", V_NONE, NULL,
     N_("The server answers 424 Failed Dependency (WebDAV): the action failed because another "
        "action it depended on failed.")},
    {425, "Too Early", V_NONE, NULL,
     N_("The server answers 425 Too Early: it will not risk processing a request that might be "
        "replayed (sent in TLS early data); the client should try again later.")},
    {426, "Upgrade Required", V_HDR, "Upgrade",
     N_("The server answers 426 Upgrade Required: it refuses to answer with this protocol; its "
        "Upgrade header says which one to switch to: %s.")},
    {428, "Precondition Required", V_NONE, NULL,
     N_("The server answers 428 Precondition Required: it wants a conditional request (with "
        "If-Match), so that two clients changing the same resource do not overwrite each "
        "other.")},
    {429, "Too Many Requests", V_HDR, "Retry-After",
     N_("The server answers 429 Too Many Requests: the client sent too many requests in a short "
        "time (rate limiting). The Retry-After header may say when to try again: %s.")},
    {431, "Request Header Fields Too Large", V_NONE, NULL,
     N_("The server answers 431 Request Header Fields Too Large: the headers are too big (often "
        "too many or too large cookies), and the server refuses to read them.")},
    {451, "Unavailable For Legal Reasons", V_TARGET, NULL,
     N_("The server answers 451 Unavailable For Legal Reasons: it may not provide %s because of a "
        "legal demand, such as a court order (the number honours the novel Fahrenheit 451).")},
    {500, "Internal Server Error", V_REQUEST, NULL,
     N_("The server answers 500 Internal Server Error: something went wrong inside the server "
        "while it handled %s, a bug or a crash in the program behind it.")},
    {501, "Not Implemented", V_METHOD, NULL,
     N_("The server answers 501 Not Implemented: it does not support the method %s at all, for "
        "any resource.")},
    {502, "Bad Gateway", V_NONE, NULL,
     N_("The server answers 502 Bad Gateway: it is a gateway or a proxy, and the server behind it "
        "sent an invalid answer, or none.")},
    {503, "Service Unavailable", V_REQUEST, NULL,
     N_("The server answers 503 Service Unavailable: it cannot handle %s right now, because it is "
        "overloaded or down for maintenance. It is temporary: a Retry-After header may say when to "
        "come back.")},
    {504, "Gateway Timeout", V_NONE, NULL,
     N_("The server answers 504 Gateway Timeout: it is a gateway or a proxy, and the server behind "
        "it did not answer in time.")},
    {505, "HTTP Version Not Supported", V_VERSION, NULL,
     N_("The server answers 505 HTTP Version Not Supported: it does not support the version of "
        "the request, %s.")},
    {506, "Variant Also Negotiates", V_NONE, NULL,
     N_("The server answers 506 Variant Also Negotiates: a mistake in the server's configuration "
        "of content negotiation, where the chosen variant would negotiate again, in a loop.")},
    {507, "Insufficient Storage", V_REQUEST, NULL,
     N_("The server answers 507 Insufficient Storage (WebDAV): it has no room left to store what "
        "%s asked for.")},
    {508, "Loop Detected", V_REQUEST, NULL,
     N_("The server answers 508 Loop Detected (WebDAV): it found an infinite loop while "
        "processing %s.")},
    {510, "Not Extended (OBSOLETED)", V_NONE, NULL,
     N_("The server answers 510 Not Extended: the request did not follow the policy of an HTTP "
        "extension framework that is no longer used.")},
    {511, "Network Authentication Required", V_NONE, NULL,
     N_("The server answers 511 Network Authentication Required: a network in between (the Wi-Fi "
        "portal of a hotel or an airport) wants you to log in before you reach the Internet; the "
        "body is usually its login page.")},
    {0, NULL, V_NONE, NULL, NULL}
};

/* the five classes (RFC 9110 section 15) */
static const char *const class_texts[] = {
    N_("Codes 1xx are informational: an interim answer, and the final one follows."),
    N_("Codes 2xx mean success: the request was received, understood and accepted."),
    N_("Codes 3xx mean redirection: to complete the request the client must do something more, "
       "usually ask at another address, or, for 304, use the copy it already has."),
    N_("Codes 4xx are client errors: the request is wrong (a bad address, no login, not allowed), "
       "and sending it again unchanged will not help."),
    N_("Codes 5xx are server errors: the request may be fine, but the server failed to carry it "
       "out."),
};

static const struct status_text *status_find(int code)
{
    for (const struct status_text *t = status_texts; t->code; t++)
        if (t->code == code)
            return t;
    return NULL;
}

static const char *status_value(struct ex *e, const struct status_text *t)
{
    const struct xinfo *x = &e->x;
    switch (t->src) {
    case V_TARGET:
        return not_captured(clip(e, x->target));
    case V_METHOD:
        return not_captured(clip(e, x->method));
    case V_REQUEST:
        if (!x->method)
            return not_captured(NULL);
        return own_printf(e, "%s %s", clip(e, x->method), clip(e, x->target ? x->target : ""));
    case V_VERSION:
        return not_captured(clip(e, x->version));
    case V_COND: {
        const char *v = req_hdr(e, "If-Modified-Since");
        if (v)
            return own_printf(e, "If-Modified-Since: %s", clip(e, v));
        v = req_hdr(e, "If-None-Match");
        if (v)
            return own_printf(e, "If-None-Match: %s", clip(e, v));
        return not_sent(NULL);
    }
    case V_REQ_HDR:
        return not_sent(clip(e, req_hdr(e, t->hdr)));
    case V_HDR: {
        const char *v = rsp_hdr(e, t->hdr);
        return not_sent(clip(e, v ? v : req_hdr(e, t->hdr)));
    }
    default:
        return "";
    }
}

static void explain_status_line(struct ex *e)
{
    const struct dec_stage *s = e->s;
    int code = s->msg->status;
    const char *version = val(e, s->msg->version), *reason = val(e, s->msg->reason);
    para(e, _("Step 4: the server's answer begins with the status line %1$s %2$d %3$s: the "
              "protocol version, a three-digit status code for programs, and a reason phrase for "
              "people."),
         clip(e, version ? version : ""), code, clip(e, reason ? reason : ""));
    const struct status_text *t = status_find(code);
    if (code / 100 == 2 && is_method(e, "CONNECT"))
        para(e, _("The proxy answers %1$d to CONNECT %2$s: it has opened a TCP connection to that "
                  "host and port. From the blank line on, it no longer reads HTTP on this "
                  "connection but relays bytes in both directions: a tunnel."),
             code, not_captured(clip(e, e->x.target)));
    else if (t && t->src == V_NONE)
        para_str(e, _(t->text));
    else if (t)
        para(e, _(t->text), status_value(e, t));
    if (code >= 100 && code <= 599)
        para_str(e, _(class_texts[code / 100 - 1]));
    if (!t && code >= 100 && code <= 599)
        para(e, _("The code %1$d is not in IANA's registry of status codes. A client that does not "
                  "know a code treats it like %2$d, the general code of its class."),
             code, code / 100 * 100);
    else if (!t)
        para(e, _("The code %d is outside the five classes (100 to 599): this response is "
                  "malformed."),
             code);
    if (t && t->reason[0] != '(' && reason && strcmp(reason, t->reason) != 0)
        para(e, _("The reason phrase \"%1$s\" differs from the registry's \"%2$s\": that is "
                  "allowed, since the phrase is only for people and programs ignore it."),
             clip(e, reason), t->reason);
    if (version && strcmp(version, "HTTP/1.0") == 0)
        para_str(e, _("The server answers in HTTP/1.0: it will close the connection after this "
                      "response, unless it sends Connection: keep-alive."));
    if (dec_stage_interim(s))
        para_str(e, _("This is an interim (1xx) response: the exchange is not over, and the final "
                      "status line will follow."));
    else if (e->x.xd && e->x.xd->ninterim) {
        struct tr_sbuf b = {0};
        for (size_t i = 0; i < e->x.xd->ninterim; i++)
            tr_sb_printf(&b, "%s%d", i ? ", " : "", e->x.xd->interim[i]->status);
        para(e, P_("Before this final answer the server sent %1$zu interim response (%2$s).",
                   "Before this final answer the server sent %1$zu interim responses (%2$s).",
                   e->x.xd->ninterim),
             e->x.xd->ninterim, b.p);
        tr_sb_free(&b);
    }
    if (e->x.rl >= 0 && e->x.rl < e->idx && s->ts >= e->d->stgs[e->x.rl]->ts)
        para(e, _("It arrived %s after the request line: the time for the request to travel, the "
                  "server to work, and the answer to come back."),
             duration(e, s->ts - e->d->stgs[e->x.rl]->ts));
}

/* ------------------------------------------------------------- tunnel -- */

static void explain_tunnel(struct ex *e)
{
    const struct dec_stage *s = e->s;
    if (is_method(e, "CONNECT")) {
        const char *t = not_captured(clip(e, e->x.target));
        para(e, _("Step 6 here is a tunnel: after answering 200 to CONNECT %1$s, the proxy stopped "
                  "reading HTTP. It relays the bytes between the client and %1$s as they are, in "
                  "both directions, without understanding them."),
             t);
        para_str(e, _("This is how a browser reaches an HTTPS site through a proxy: the tunnel "
                      "carries TLS, so the proxy sees only the host and port of the CONNECT, "
                      "never the pages."));
    } else {
        const char *up = rsp_hdr(e, "Upgrade");
        para(e, _("Step 6 here is a tunnel: after 101 Switching Protocols the connection speaks %s "
                  "(from the Upgrade header) instead of HTTP/1.1. httpstep does not decode that "
                  "protocol and shows its bytes as they are."),
             not_sent(clip(e, up ? up : req_hdr(e, "Upgrade"))));
        if (up && has_token(up, "websocket"))
            para_str(e, _("With WebSocket, the browser and the server can both send messages at "
                          "any time, in small frames, over this one connection that began as "
                          "HTTP."));
    }
    para(e, s->dir == TR_DIR_C2S ? _("These %llu bytes went from the client to the server.")
                                 : _("These %llu bytes went from the server to the client."),
         (unsigned long long)s->length);
    size_t n;
    const uint8_t *p = dec_stream_at(&e->d->bytes[s->dir], s->offset, &n);
    if (p) {
        if (n > s->length)
            n = (size_t)s->length;
        if (dec_looks_like_tls(p, n)) {
            para_str(e, _("The bytes in this tunnel are TLS: encrypted, unreadable for the proxy "
                          "and for this capture."));
            explain_tls(e, false);
        }
        else if (dec_looks_like_request(p, n) || dec_looks_like_response(p, n))
            para(e, _("Here the tunnel carries plain HTTP (it begins %s), so this capture can "
                      "read it; with https:// it would be TLS and unreadable."),
                 safe_bytes(e, p, line_len(p, n), EXCERPT_MAX));
    }
}

/* --------------------------------------------------------- keep-alive -- */

/* why the connection stays open (the decoder's reason_text) */
static const struct ka_text {
    const char *reason;
    const char *text;
} ka_texts[] = {
    {"HTTP/1.1 default", N_("Step 7: the exchange is over, but the TCP connection stays open "
                            "(keep-alive). In HTTP/1.1 connections are persistent by default: "
                            "nobody said Connection: close, so both sides keep it for the next "
                            "request.")},
    {"Connection: keep-alive", N_("Step 7: the exchange is over, but the TCP connection stays open "
                                  "(keep-alive), because the Connection: keep-alive header asked "
                                  "for it (needed in HTTP/1.0, a habit in HTTP/1.1).")},
    {NULL, NULL}
};

static void explain_keep_alive(struct ex *e)
{
    const struct dec_record *d = e->d;
    const struct dec_stage *s = e->s;
    const struct ka_text *t = ka_texts;
    while (t->reason && !(s->reason_text && strcmp(s->reason_text, t->reason) == 0))
        t++;
    if (t->reason)
        para_str(e, _(t->text));
    else
        para(e, _("Step 7: the exchange is over, but the TCP connection stays open (keep-alive): "
                  "%s."),
             s->reason_text ? s->reason_text : "");
    const struct dec_stage *hs = handshake_stage(d);
    if (hs && hs->rtt >= 0)
        para(e, _("What it saves: a new connection for the next request would first cost a "
                  "three-way handshake, one round trip (%s on this connection), and a new "
                  "connection also starts sending slowly (TCP slow start)."),
             duration(e, hs->rtt));
    else
        para_str(e, _("What it saves: a new connection for the next request would first cost a "
                      "three-way handshake, one round trip, and a new connection also starts "
                      "sending slowly (TCP slow start)."));
    for (size_t k = (size_t)e->idx + 1; k < d->nstgs; k++) {
        const struct dec_stage *g = d->stgs[k];
        if (g->kind == DEC_STAGE_REQUEST_LINE && g->exchange > s->exchange) {
            para(e, _("And so the next request, %1$s %2$s, follows on this same connection %3$s "
                      "later: no step 1 this time, the next exchange starts at step 2."),
                 clip(e, g->msg->method.p ? val(e, g->msg->method) : ""),
                 clip(e, g->msg->target.p ? val(e, g->msg->target) : ""),
                 duration(e, g->ts - s->ts));
            return;
        }
        if (g->kind == DEC_STAGE_CLOSE) {
            para(e, _("No other request came on this connection: it was closed %s later (see its "
                      "step 7, Close)."),
                 duration(e, g->ts - s->ts));
            return;
        }
    }
    if (d->sealed)  /* more exchanges follow, past the window kept */
        para_str(e, _("The next request on this connection comes after the exchanges kept for "
                      "the screen (--max-ui-exchanges): select it in the list to see it."));
    else
        para_str(e, _("No other request was captured on this connection so far."));
}

/* ------------------------------------------------------------- close -- */

/* how it closed, and who began (RFC 9293 section 3.6) */
static const struct close_text {
    enum tr_close_how how;
    int initiator;          /* -1: unknown */
    const char *text;
} close_texts[] = {
    {TR_CLOSE_FIN, TR_DIR_C2S,
     N_("Step 7: the connection is closed with FIN packets, and the client began. Each side sends "
        "a FIN (I have nothing more to send) and the other acknowledges it: four packets, or "
        "three when a FIN rides with an ACK. Both directions close separately, politely, and no "
        "data is lost.")},
    {TR_CLOSE_FIN, TR_DIR_S2C,
     N_("Step 7: the connection is closed with FIN packets, and the server began. Each side sends "
        "a FIN (I have nothing more to send) and the other acknowledges it: four packets, or "
        "three when a FIN rides with an ACK. Both directions close separately, politely, and no "
        "data is lost.")},
    {TR_CLOSE_FIN, -1,
     N_("Step 7: the connection is closed with FIN packets. Each side sends a FIN (I have nothing "
        "more to send) and the other acknowledges it: four packets, or three when a FIN rides "
        "with an ACK.")},
    {TR_CLOSE_RST, TR_DIR_C2S,
     N_("Step 7: the client ended the connection with a reset (RST): an abrupt end, without the "
        "polite exchange of FINs, and any data still on its way is thrown away. Programs do this "
        "when they give up on a connection, or close it with data left unread.")},
    {TR_CLOSE_RST, TR_DIR_S2C,
     N_("Step 7: the server ended the connection with a reset (RST): an abrupt end, without the "
        "polite exchange of FINs, and any data still on its way is thrown away. Programs do this "
        "when they give up on a connection, or close it with data left unread.")},
    {TR_CLOSE_RST, -1,
     N_("Step 7: the connection ended with a reset (RST): an abrupt end, without the polite "
        "exchange of FINs.")},
    {TR_CLOSE_END, -1,
     N_("Step 7: the capture ended while this connection was still open, with no FIN or RST: "
        "what happened to it afterwards is not in the file.")},
    {TR_CLOSE_NONE, -1, N_("Step 7: this connection is still open.")},
};

enum close_why {
    W_NONE,
    W_REQ_CLOSE,
    W_RSP_CLOSE,
    W_HTTP10,
    W_UNTIL_CLOSE,
    W_TUNNEL,
    W_IDLE_SERVER,
    W_DONE_CLIENT,
    W_NO_HTTP
};

/* why it closed; %s: the time since the last response, where it matters */
static const char *const why_texts[] = {
    [W_NONE] = NULL,
    [W_REQ_CLOSE] = N_("Why: the last request said Connection: close, so the client wanted only "
                       "this exchange, and the connection ended after the response."),
    [W_RSP_CLOSE] = N_("Why: the last response said Connection: close: the server announced that "
                       "it would not keep the connection open."),
    [W_HTTP10] = N_("Why: HTTP/1.0. Without Connection: keep-alive on both sides, an HTTP/1.0 "
                    "connection carries one request and its response, then closes, so every "
                    "request pays for a new handshake. HTTP/1.1 made persistent connections the "
                    "default."),
    [W_UNTIL_CLOSE] = N_("Why: the response body had neither Content-Length nor chunks, so only "
                         "closing the connection could mark its end."),
    [W_TUNNEL] = N_("Why: the tunnel ended; when one end of a relayed connection closes, the proxy "
                    "closes the other."),
    [W_IDLE_SERVER] = N_("Why: after the last response the connection stayed open (keep-alive), "
                         "but no new request came, and %s later the server closed it. Servers "
                         "close idle connections after a timeout, to free their resources."),
    [W_DONE_CLIENT] = N_("Why: the client had no more requests for this server, so it closed the "
                         "connection itself, %s after the last response."),
    [W_NO_HTTP] = N_("No HTTP request was made on this connection. Browsers often open a spare "
                     "connection in advance, to save the handshake time if the page needs one "
                     "more, and close it unused."),
};

static enum close_why close_why(struct ex *e, tr_time *last_end)
{
    const struct dec_record *d = e->d;
    const struct dec_exchange *x = dec_record_last_x(d);
    if (!x)
        return W_NO_HTTP;
    const struct dec_msg *q = x->request, *r = x->response;
    *last_end = r ? r->ts_last : q ? q->ts_last : 0;
    const char *qc = q ? hget(e, q->headers, q->nheaders, "Connection") : NULL;
    const char *rc = r ? hget(e, r->headers, r->nheaders, "Connection") : NULL;
    if (x->tunnel)
        return W_TUNNEL;
    if (qc && has_token(qc, "close"))
        return W_REQ_CLOSE;
    if (rc && has_token(rc, "close"))
        return W_RSP_CLOSE;
    if (r && r->framing == DEC_FRAMING_CLOSE)
        return W_UNTIL_CLOSE;
    if (!x->keep_alive && ((q && dec_str_eq_ci(q->version, "HTTP/1.0")) ||
                           (r && dec_str_eq_ci(r->version, "HTTP/1.0"))))
        return W_HTTP10;
    if (x->keep_alive && e->s->how != TR_CLOSE_END)
        return e->s->initiator == TR_DIR_S2C ? W_IDLE_SERVER
            : e->s->initiator == TR_DIR_C2S ? W_DONE_CLIENT
                                            : W_NONE;
    return W_NONE;
}

static void explain_close(struct ex *e)
{
    const struct dec_stage *s = e->s;
    const struct close_text *t = NULL;
    for (size_t i = 0; i < sizeof close_texts / sizeof *close_texts && !t; i++)
        if (close_texts[i].how == s->how &&
            (close_texts[i].initiator == s->initiator || close_texts[i].initiator == -1))
            t = &close_texts[i];
    if (t)
        para_str(e, _(t->text));
    if (s->nframes)
        para(e, P_("The closing packet is frame %s.", "The closing packets are in frames %s.",
                   s->nframes),
             frame_list(e, s->frames, s->nframes));
    tr_time last_end = 0;
    enum close_why w = close_why(e, &last_end);
    bool other = false;  /* TLS or another protocol: its notes say so */
    for (size_t i = 0; i < e->d->nnotes; i++)
        other |= e->d->notes[i]->kind == DEC_NOTE_TLS || e->d->notes[i]->kind == DEC_NOTE_NOT_HTTP;
    if (w != W_NONE && !(w == W_NO_HTTP && other))
        para(e, _(why_texts[w]), duration(e, s->ts - last_end));
    if (w != W_NO_HTTP && s->how != TR_CLOSE_END && s->how != TR_CLOSE_NONE)
        para_str(e, _("This ends the connection, and its last exchange. Another request to this "
                      "server needs a new TCP connection, starting again at step 1 with a new "
                      "handshake."));
    explain_tls(e, true);
}

/* ------------------------------------------------------------ stages -- */

typedef void explain_fn(struct ex *e);

/* the composition of each stage's text (titles: decode.h's DEC_STAGE_LIST) */
static explain_fn *const stage_explain[DEC_STAGE_COUNT] = {
    [DEC_STAGE_HANDSHAKE] = explain_handshake,
    [DEC_STAGE_REQUEST_LINE] = explain_request_line,
    [DEC_STAGE_REQUEST_HEADERS] = explain_headers,
    [DEC_STAGE_REQUEST_BLANK_LINE] = explain_blank_line,
    [DEC_STAGE_REQUEST_BODY] = explain_body,
    [DEC_STAGE_STATUS_LINE] = explain_status_line,
    [DEC_STAGE_RESPONSE_HEADERS] = explain_headers,
    [DEC_STAGE_RESPONSE_BLANK_LINE] = explain_blank_line,
    [DEC_STAGE_RESPONSE_BODY] = explain_body,
    [DEC_STAGE_TUNNEL] = explain_tunnel,
    [DEC_STAGE_CLOSE] = explain_close,
    [DEC_STAGE_KEEP_ALIVE] = explain_keep_alive,
};

const char *teach_status_reason(int status)
{
    const struct status_text *t = status_find(status);
    return t ? t->reason : NULL;
}

void teach_explain(const struct dec_record *d, int stage, struct tr_sbuf *out)
{
    if (stage < 0 || (size_t)stage >= d->nstgs) {
        tr_sb_str(out, _("No stage selected."));
        return;
    }
    struct ex e = {.d = d, .s = d->stgs[stage], .idx = stage, .out = out, .start = out->len};
    if (!out->p)
        tr_sb_put(out, "", 0);
    xinfo_fill(&e);
    notes_mark(&e);
    if (stage == 0)
        explain_not_http(&e);
    if ((unsigned)e.s->kind < DEC_STAGE_COUNT && stage_explain[e.s->kind])
        stage_explain[e.s->kind](&e);
    explain_notes(&e);
    for (size_t i = 0; i < e.nown; i++)
        free(e.own[i]);
    free(e.own);
    free(e.mine);
}
