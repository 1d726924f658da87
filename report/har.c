/* har.c - the --har export: HAR 1.2 (W3C Web Performance working group's
 * "HTTP Archive (HAR) format", the version browsers' devtools write) with
 * the timings of each entry measured on the packets: creator, the pages of
 * a browser session, entries with their request and response (headers,
 * cookies, query string, posted data with its parameters, content with its
 * size, compression, media type and text, base64 where it is not text) */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef HTTPSTEP_VERSION
#define HTTPSTEP_VERSION "0.1.0"
#endif

#define PARAMS_MAX 256       /* query or form parameters written per message */

/* ------------------------------------------------------------- values -- */

static void jstr(struct rep_obuf *o, const char *s, size_t n)
{
    rep_ob_jstr(o, s ? s : "", s ? n : 0);
}

static void jdstr(struct rep_obuf *o, struct dec_str s)
{
    jstr(o, s.p, s.len);
}

/* a time in milliseconds (microseconds exact), or -1 */
static void jms(struct rep_obuf *o, int64_t usec)
{
    if (usec < 0)
        rep_ob_str(o, "-1");
    else
        rep_ob_ms(o, usec);
}

/* ISO 8601 in UTC with microseconds: 2026-11-22T06:17:01.000432Z */
static void jdate(struct rep_obuf *o, tr_time t)
{
    time_t secs = (time_t)(t >= 0 ? t / 1000000 : (t - 999999) / 1000000);
    long us = (long)(t - (tr_time)secs * 1000000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    rep_ob_printf(o, "\"%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ\"", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, us);
}

static void jnamevalue(struct rep_obuf *o, const char *n, size_t nl, const char *v, size_t vl)
{
    rep_ob_str(o, "{\"name\":");
    jstr(o, n, nl);
    rep_ob_str(o, ",\"value\":");
    jstr(o, v, vl);
    rep_ob_ch(o, '}');
}

/* ---------------------------------------------------------- url parts -- */

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

/* percent-decoding (RFC 3986 section 2.1), '+' as a space in forms
 * (application/x-www-form-urlencoded, WHATWG URL 5.1) */
static void pct_decode(struct tr_sbuf *b, const char *p, size_t n, bool plus)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '%' && n - i >= 3 && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
            char c = (char)(hexval(p[i + 1]) << 4 | hexval(p[i + 2]));
            tr_sb_put(b, &c, 1);
            i += 2;
        } else if (p[i] == '+' && plus) {
            tr_sb_put(b, " ", 1);
        } else {
            tr_sb_put(b, p + i, 1);
        }
    }
}

/* name=value pairs split at sep, each decoded, as HAR parameters */
static void jpairs(struct rep_obuf *o, const char *p, size_t n, char sep, bool plus)
{
    struct tr_sbuf name = {0}, value = {0};
    size_t count = 0;
    rep_ob_ch(o, '[');
    for (size_t i = 0; i < n && count < PARAMS_MAX;) {
        const char *e = memchr(p + i, sep, n - i);
        size_t end = e ? (size_t)(e - p) : n;
        if (end > i) {
            const char *eq = memchr(p + i, '=', end - i);
            size_t ne = eq ? (size_t)(eq - p) : end;
            tr_sb_reset(&name);
            tr_sb_reset(&value);
            pct_decode(&name, p + i, ne - i, plus);
            if (eq)
                pct_decode(&value, eq + 1, end - ne - 1, plus);
            if (count++)
                rep_ob_ch(o, ',');
            jnamevalue(o, name.p ? name.p : "", name.len, value.p ? value.p : "", value.len);
        }
        i = end + 1;
    }
    rep_ob_ch(o, ']');
    tr_sb_free(&name);
    tr_sb_free(&value);
}

/* bytes of a request target that are not allowed in a URI (RFC 3986
 * section 2), percent-encoded */
static void uri_put(struct tr_sbuf *b, const char *p, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c > 0x20 && c < 0x7f && !strchr("\"<>\\^`{|}", c)) {
            tr_sb_put(b, p + i, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            tr_sb_put(b, e, 3);
        }
    }
}

void rep_har_url(const struct dec_msg *q, const struct tr_conn *tc, struct tr_sbuf *b)
{
    struct dec_str t = q->target;
    bool absolute = t.len > 7 && (dec_str_eq_ci((struct dec_str){t.p, 7}, "http://") ||
                                  (t.len > 8 && dec_str_eq_ci((struct dec_str){t.p, 8}, "https://")));
    if (absolute) {  /* absolute-form (RFC 9112 section 3.2.2), to a proxy */
        uri_put(b, t.p, t.len);
        return;
    }
    /* HTTP/2's :scheme, else https inside TLS */
    if (q->scheme.p && q->scheme.len && q->scheme.len < 16) {
        uri_put(b, q->scheme.p, q->scheme.len);
        tr_sb_str(b, "://");
    } else {
        tr_sb_str(b, q->tls ? "https://" : "http://");
    }
    bool connect = dec_str_eq_ci(q->method, "CONNECT");
    if (connect) {  /* authority-form: the host and port of the tunnel */
        uri_put(b, t.p, t.len);
        tr_sb_str(b, "/");
        return;
    }
    if (q->host.p && q->host.len) {
        uri_put(b, q->host.p, q->host.len);
    } else if (q->authority.p && q->authority.len) {  /* HTTP/2's :authority */
        uri_put(b, q->authority.p, q->authority.len);
    } else {
        char ep[TR_ADDRSTRLEN + 8];
        tr_sb_str(b, rep_endpoint(ep, &tc->server));
    }
    if (t.len == 1 && t.p[0] == '*') {  /* asterisk-form (OPTIONS *) */
        tr_sb_str(b, "/*");
        return;
    }
    if (!t.len || t.p[0] != '/')
        tr_sb_str(b, "/");
    uri_put(b, t.p, t.len);
}

/* ------------------------------------------------------------- cookies -- */

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *trim_end(const char *p, const char *e)
{
    while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    return e;
}

/* Cookie: a=1; b=2 (RFC 6265 section 4.2.1) */
static size_t jcookies_req(struct rep_obuf *o, const struct dec_msg *m, size_t count)
{
    for (size_t h = 0; m && h < m->nheaders; h++) {
        if (!dec_str_eq_ci(m->headers[h].name, "Cookie") || !m->headers[h].value.p)
            continue;
        const char *p = m->headers[h].value.p, *end = p + m->headers[h].value.len;
        while (p < end && count < PARAMS_MAX) {
            const char *semi = memchr(p, ';', (size_t)(end - p));
            const char *e = semi ? semi : end;
            const char *s = skip_ws(p, e);
            const char *eq = memchr(s, '=', (size_t)(e - s));
            if (eq) {
                const char *ne = trim_end(s, eq);
                const char *v = skip_ws(eq + 1, e);
                if (count++)
                    rep_ob_ch(o, ',');
                jnamevalue(o, s, (size_t)(ne - s), v, (size_t)(trim_end(v, e) - v));
            }
            p = semi ? semi + 1 : end;
        }
    }
    return count;
}

/* an IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 section
 * 5.6.7), read without the locale; false when it is not one */
bool rep_http_date(const char *p, size_t n, tr_time *out)
{
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    int d, y, hh, mm, ss;
    char mon[4], wd[4], tz[4];
    char buf[40];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, p, n);
    buf[n] = '\0';
    if (sscanf(buf, "%3[A-Za-z], %2d %3s %4d %2d:%2d:%2d %3s", wd, &d, mon, &y, &hh, &mm, &ss,
               tz) != 8 ||
        strcmp(tz, "GMT") != 0)
        return false;
    const char *m = strstr(months, mon);
    if (!m || (m - months) % 3 || strlen(mon) != 3)
        return false;
    if (d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 || y < 1970 || y > 9999)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = (int)((m - months) / 3), .tm_mday = d,
                    .tm_hour = hh, .tm_min = mm, .tm_sec = ss};
    *out = (tr_time)timegm(&tm) * 1000000;
    return true;
}

/* Set-Cookie: name=value; Path=/; Domain=x; Expires=...; HttpOnly; Secure
 * (RFC 6265 section 4.1.1), one cookie per header */
static size_t jcookies_rsp(struct rep_obuf *o, const struct dec_msg *m, size_t count)
{
    for (size_t h = 0; m && h < m->nheaders && count < PARAMS_MAX; h++) {
        if (!dec_str_eq_ci(m->headers[h].name, "Set-Cookie") || !m->headers[h].value.p)
            continue;
        const char *p = m->headers[h].value.p, *end = p + m->headers[h].value.len;
        const char *semi = memchr(p, ';', (size_t)(end - p));
        const char *e = semi ? semi : end;
        const char *s = skip_ws(p, e);
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq)
            continue;
        if (count++)
            rep_ob_ch(o, ',');
        const char *v = skip_ws(eq + 1, e);
        rep_ob_str(o, "{\"name\":");
        jstr(o, s, (size_t)(trim_end(s, eq) - s));
        rep_ob_str(o, ",\"value\":");
        jstr(o, v, (size_t)(trim_end(v, e) - v));
        for (p = semi ? semi + 1 : end; p < end;) {
            const char *sc = memchr(p, ';', (size_t)(end - p));
            const char *ae = sc ? sc : end;
            const char *a = skip_ws(p, ae);
            const char *aeq = a < ae ? memchr(a, '=', (size_t)(ae - a)) : NULL;
            const char *an_end = trim_end(a, aeq ? aeq : ae);
            struct dec_str name = {a, (size_t)(an_end - a)};
            const char *av = aeq ? skip_ws(aeq + 1, ae) : ae;
            size_t avl = (size_t)(trim_end(av, ae) - av);
            tr_time t;
            if (dec_str_eq_ci(name, "Path") && aeq) {
                rep_ob_str(o, ",\"path\":");
                jstr(o, av, avl);
            } else if (dec_str_eq_ci(name, "Domain") && aeq) {
                rep_ob_str(o, ",\"domain\":");
                jstr(o, av, avl);
            } else if (dec_str_eq_ci(name, "Expires") && aeq && rep_http_date(av, avl, &t)) {
                rep_ob_str(o, ",\"expires\":");
                jdate(o, t);
            } else if (dec_str_eq_ci(name, "HttpOnly")) {
                rep_ob_str(o, ",\"httpOnly\":true");
            } else if (dec_str_eq_ci(name, "Secure")) {
                rep_ob_str(o, ",\"secure\":true");
            }
            p = sc ? sc + 1 : end;
        }
        rep_ob_ch(o, '}');
    }
    return count;
}

/* ------------------------------------------------------------ messages -- */

/* the headers; for HTTP/2 the pseudo-header fields first, as browsers
 * write them in their HAR files (":method", ":status"...) */
static void jheaders(struct rep_obuf *o, const struct dec_msg *m)
{
    rep_ob_ch(o, '[');
    size_t np = m && m->h2 ? m->npseudo : 0;
    for (size_t i = 0; i < np; i++) {
        if (i)
            rep_ob_ch(o, ',');
        rep_ob_str(o, "{\"name\":");
        jdstr(o, m->pseudo[i].name);
        rep_ob_str(o, ",\"value\":");
        jdstr(o, m->pseudo[i].value);
        rep_ob_ch(o, '}');
    }
    for (size_t i = 0; m && i < m->nheaders; i++) {
        if (i || np)
            rep_ob_ch(o, ',');
        rep_ob_str(o, "{\"name\":");
        jdstr(o, m->headers[i].name);
        rep_ob_str(o, ",\"value\":");
        jdstr(o, m->headers[i].value);
        rep_ob_ch(o, '}');
    }
    rep_ob_ch(o, ']');
}

/* the bytes of a message's body on the wire (with its chunk framing) */
static int64_t body_size(const struct dec_msg *m)
{
    if (m->framing == DEC_FRAMING_NONE)
        return 0;
    if (m->h2)  /* DATA payload, without the frames' headers and padding */
        return (int64_t)m->body_length;
    if (m->end >= m->offset + m->head_length)
        return (int64_t)(m->end - m->offset - m->head_length);
    return (int64_t)m->body_length;
}

/* the body stage of a message in a row */
static const struct dec_stage *body_stage(const struct rep_walk *wk, const struct rep_row *row,
                                          const struct dec_msg *m)
{
    for (size_t k = 0; m && k < row->nstages; k++) {
        const struct dec_stage *s = wk->r->stgs[row->stages[k]];
        if ((s->kind == DEC_STAGE_REQUEST_BODY || s->kind == DEC_STAGE_RESPONSE_BODY) &&
            s->msg == m)
            return s;
    }
    return NULL;
}

/* the length of the bytes that are valid UTF-8 with no NUL (a character
 * cut at the end of what was kept does not count); n + 1 when not text */
static size_t text_len(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        if (p[i] == 0)
            return n + 1;
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = dec_utf8_len(p + i, n - i);
        if (!k)
            return n - i < 4 && (p[i] & 0xc0) == 0xc0 ? i : n + 1;
        i += k;
    }
    return n;
}

/* one part of multipart/form-data (RFC 7578): its Content-Disposition
 * name and filename and its Content-Type, as a HAR parameter */
static void jpart(struct rep_obuf *o, const uint8_t *p, size_t n)
{
    const uint8_t *sep = NULL;
    for (size_t i = 0; i + 3 < n && !sep; i++)
        if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n')
            sep = p + i;
    size_t hl = sep ? (size_t)(sep - p) : n;
    const uint8_t *body = sep ? sep + 4 : p + n;
    size_t bl = (size_t)(p + n - body);
    struct dec_str name = {NULL, 0}, file = {NULL, 0}, ctype = {NULL, 0};
    for (size_t i = 0; i < hl;) {
        const uint8_t *nl = memchr(p + i, '\n', hl - i);
        size_t e = nl ? (size_t)(nl - p) : hl;
        size_t le = e > i && p[e - 1] == '\r' ? e - 1 : e;
        struct dec_str line = {(const char *)p + i, le - i};
        if (line.len > 13 && dec_str_eq_ci((struct dec_str){line.p, 13}, "Content-Type:")) {
            const char *v = skip_ws(line.p + 13, line.p + line.len);
            ctype = (struct dec_str){v, (size_t)(line.p + line.len - v)};
        } else if (line.len > 20 &&
                   dec_str_eq_ci((struct dec_str){line.p, 20}, "Content-Disposition:")) {
            static const char *const keys[] = {" name=\"", ";name=\"", " filename=\"",
                                               ";filename=\""};
            for (size_t k = 0; k < 4; k++) {
                size_t kl = strlen(keys[k]);
                for (size_t j = 20; j + kl <= line.len; j++) {
                    if (memcmp(line.p + j, keys[k], kl) != 0)
                        continue;
                    const char *v = line.p + j + kl;
                    const char *q = memchr(v, '"', line.len - j - kl);
                    if (q)
                        *(k < 2 ? &name : &file) = (struct dec_str){v, (size_t)(q - v)};
                    break;
                }
            }
        }
        i = e + 1;
    }
    rep_ob_str(o, "{\"name\":");
    jdstr(o, name);
    if (file.p) {
        rep_ob_str(o, ",\"fileName\":");
        jdstr(o, file);
    }
    if (ctype.p) {
        rep_ob_str(o, ",\"contentType\":");
        jdstr(o, ctype);
    }
    if (!file.p && text_len(body, bl) == bl) {
        rep_ob_str(o, ",\"value\":");
        jstr(o, (const char *)body, bl);
    }
    rep_ob_ch(o, '}');
}

static void jmultipart(struct rep_obuf *o, const uint8_t *p, size_t n, struct dec_str ct)
{
    rep_ob_ch(o, '[');
    const char *b = NULL;
    for (size_t i = 0; i + 9 <= ct.len && !b; i++)
        if (dec_str_eq_ci((struct dec_str){ct.p + i, 9}, "boundary="))
            b = ct.p + i + 9;
    size_t bl = 0;
    if (b) {
        if (*b == '"')
            b++;
        while (b + bl < ct.p + ct.len && b[bl] != '"' && b[bl] != ';' && b[bl] != ' ')
            bl++;
    }
    size_t count = 0;
    /* parts lie between "--boundary" lines (RFC 2046 section 5.1.1) */
    const uint8_t *part = NULL;
    for (size_t i = 0; bl && bl < 200 && i + bl + 2 <= n && count < PARAMS_MAX; i++) {
        if (p[i] != '-' || p[i + 1] != '-' || memcmp(p + i + 2, b, bl) != 0 ||
            (i > 0 && p[i - 1] != '\n'))
            continue;
        if (part) {
            size_t e = i;
            if (e >= 2 && p[e - 2] == '\r' && p[e - 1] == '\n')
                e -= 2;
            else if (e >= 1 && p[e - 1] == '\n')
                e -= 1;
            if (count++)
                rep_ob_ch(o, ',');
            jpart(o, part, e > (size_t)(part - p) ? e - (size_t)(part - p) : 0);
        }
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        if (!nl)
            break;
        part = nl + 1;
        i = (size_t)(nl - p);
    }
    rep_ob_ch(o, ']');
}

/* the text (or base64) of a body, as content or postData want it;
 * *truncated when the bytes kept are fewer than the content's */
static void jbody_text(struct rep_obuf *o, const uint8_t *p, size_t n, bool base64_ok)
{
    size_t t = text_len(p, n);
    if (t <= n) {
        rep_ob_str(o, ",\"text\":");
        jstr(o, (const char *)p, t);
    } else if (base64_ok) {
        rep_ob_str(o, ",\"text\":\"");
        rep_ob_base64(o, p, n);
        rep_ob_str(o, "\",\"encoding\":\"base64\"");
    }
}

/* headersSize: the head's bytes up to the blank line; an HTTP/2 message
 * has no such head (-1, as HAR 1.2 says when it does not apply) and gives
 * its HPACK header block's size on the wire and the size of the same
 * fields as HTTP/1.1 lines instead */
static void jheaders_size(struct rep_obuf *o, const struct dec_msg *m)
{
    rep_ob_str(o, ",\"headersSize\":");
    if (!m->h2) {
        rep_ob_u64(o, m->head_length);
        return;
    }
    rep_ob_str(o, "-1");
    if (m->hpack_length >= 0) {
        rep_ob_str(o, ",\"_hpackSize\":");
        rep_ob_i64(o, m->hpack_length);
    }
    if (m->decoded_hlength >= 0) {
        rep_ob_str(o, ",\"_decodedHeadersSize\":");
        rep_ob_i64(o, m->decoded_hlength);
    }
}

static void jrequest(struct rep_obuf *o, const struct rep_walk *wk, const struct rep_row *row,
                     size_t preview)
{
    const struct dec_msg *q = row->req;
    struct tr_sbuf url = {0};
    rep_har_url(q, &wk->r->tc, &url);
    rep_ob_str(o, "\"request\":{\"method\":");
    jdstr(o, q->method);
    rep_ob_str(o, ",\"url\":");
    jstr(o, url.p, url.len);
    rep_ob_str(o, ",\"httpVersion\":");
    jdstr(o, q->version.p ? q->version : (struct dec_str){"HTTP/0.9", 8});
    rep_ob_str(o, ",\"cookies\":[");
    jcookies_req(o, q, 0);
    rep_ob_str(o, "],\"headers\":");
    jheaders(o, q);
    rep_ob_str(o, ",\"queryString\":");
    const char *qm = memchr(q->target.p ? q->target.p : "", '?', q->target.len);
    if (qm)
        jpairs(o, qm + 1, (size_t)(q->target.p + q->target.len - qm - 1), '&', true);
    else
        rep_ob_str(o, "[]");
    const struct dec_stage *bs = body_stage(wk, row, q);
    if (q->framing != DEC_FRAMING_NONE) {
        struct dec_str ct = rep_header(q, "Content-Type");
        rep_ob_str(o, ",\"postData\":{\"mimeType\":");
        jdstr(o, ct);
        bool decoded;
        size_t n = 0;
        const uint8_t *p = bs ? rep_body_bytes(bs, &n, &decoded) : NULL;
        if (n > preview)
            n = preview;
        if (p && ct.p) {
            struct dec_str form = {ct.p, ct.len < 33 ? ct.len : 33};
            if (dec_str_eq_ci(form, "application/x-www-form-urlencoded")) {
                rep_ob_str(o, ",\"params\":");
                jpairs(o, (const char *)p, n, '&', true);
            } else if (ct.len >= 19 &&
                       dec_str_eq_ci((struct dec_str){ct.p, 19}, "multipart/form-data")) {
                rep_ob_str(o, ",\"params\":");
                jmultipart(o, p, n, ct);
            }
        }
        if (p)
            jbody_text(o, p, n, false);
        else
            rep_ob_str(o, ",\"text\":\"\"");
        if (p && n < q->body_length)
            rep_ob_printf(o, ",\"comment\":\"the first %zu of %llu bytes (--preview)\"", n,
                          (unsigned long long)q->body_length);
        rep_ob_ch(o, '}');
    }
    jheaders_size(o, q);
    rep_ob_str(o, ",\"bodySize\":");
    rep_ob_i64(o, body_size(q));
    rep_ob_ch(o, '}');
    tr_sb_free(&url);
}

static void jresponse(struct rep_obuf *o, const struct rep_walk *wk, const struct rep_row *row,
                      size_t preview)
{
    const struct dec_msg *r = row->rsp;
    if (!r) {
        rep_ob_str(o, "\"response\":{\"status\":0,\"statusText\":\"\",\"httpVersion\":\"\","
                      "\"cookies\":[],\"headers\":[],\"content\":{\"size\":0,\"mimeType\":"
                      "\"x-unknown\"},\"redirectURL\":\"\",\"headersSize\":-1,\"bodySize\":-1,"
                      "\"comment\":\"no response was captured\"}");
        return;
    }
    rep_ob_str(o, "\"response\":{\"status\":");
    rep_ob_i64(o, r->status);
    rep_ob_str(o, ",\"statusText\":");
    jdstr(o, r->reason);
    rep_ob_str(o, ",\"httpVersion\":");
    jdstr(o, r->version);
    rep_ob_str(o, ",\"cookies\":[");
    jcookies_rsp(o, r, 0);
    rep_ob_str(o, "],\"headers\":");
    jheaders(o, r);
    rep_ob_str(o, ",\"content\":{\"size\":");
    bool decoded = r->content_encoding.p && r->decoded_length >= 0;
    rep_ob_u64(o, decoded ? (uint64_t)r->decoded_length : r->body_length);
    if (decoded) {
        rep_ob_str(o, ",\"compression\":");
        rep_ob_i64(o, r->decoded_length - (int64_t)r->body_length);
    }
    rep_ob_str(o, ",\"mimeType\":");
    struct dec_str ct = rep_header(r, "Content-Type");
    if (ct.p)
        jdstr(o, ct);
    else
        rep_ob_str(o, "\"x-unknown\"");
    const struct dec_stage *bs = body_stage(wk, row, r);
    if (bs) {
        bool dec;
        size_t n;
        const uint8_t *p = rep_body_bytes(bs, &n, &dec);
        uint64_t whole = dec ? (uint64_t)r->decoded_length : r->body_length;
        if (r->content_encoding.p && !dec)
            whole = r->body_length;  /* not decoded: the bytes as sent, in base64 */
        if (n > preview)
            n = preview;
        if (p && (!r->content_encoding.p || dec)) {
            jbody_text(o, p, n, true);
        } else if (p) {
            rep_ob_str(o, ",\"text\":\"");
            rep_ob_base64(o, p, n);
            rep_ob_str(o, "\",\"encoding\":\"base64\"");
        }
        if (p && n < whole)
            rep_ob_printf(o, ",\"comment\":\"the first %zu of %llu bytes (--preview)\"", n,
                          (unsigned long long)whole);
    }
    rep_ob_str(o, "},\"redirectURL\":");
    jdstr(o, rep_header(r, "Location"));
    jheaders_size(o, r);
    rep_ob_str(o, ",\"bodySize\":");
    rep_ob_i64(o, body_size(r));
    if (row->xd && row->xd->ninterim) {
        rep_ob_str(o, ",\"comment\":\"after ");
        for (size_t i = 0; i < row->xd->ninterim; i++)
            rep_ob_printf(o, "%s%d", i ? ", " : "", row->xd->interim[i]->status);
        rep_ob_str(o, "\"");
    }
    rep_ob_ch(o, '}');
}

/* ---------------------------------------------------------------- pages -- */

/* A navigation of a browser: it asks for a document (Sec-Fetch-Dest:
 * document, or HTML first in Accept from a browser's User-Agent) and gets
 * HTML back. */
bool rep_har_page_of(const struct dec_exchange *x, const struct tr_conn *tc, struct tr_sbuf *b)
{
    const struct dec_msg *q = x->request, *r = x->response;
    if (!q || !r || r->interim || r->status < 200 || r->status >= 300)
        return false;
    struct dec_str dest = rep_header(q, "Sec-Fetch-Dest"), acc = rep_header(q, "Accept"),
                   ua = rep_header(q, "User-Agent"), ct = rep_header(r, "Content-Type");
    bool doc = dest.p ? dec_str_eq_ci(dest, "document")
                      : acc.p && acc.len >= 9 && dec_str_eq_ci((struct dec_str){acc.p, 9}, "text/html") &&
                            ua.p && ua.len >= 8 && memcmp(ua.p, "Mozilla/", 8) == 0;
    bool html = ct.p && ct.len >= 9 && dec_str_eq_ci((struct dec_str){ct.p, 9}, "text/html");
    if (!doc || !html)
        return false;
    rep_har_url(q, tc, b);
    return true;
}

/* the page a request belongs to: its own, or the one its Referer names */
static long page_of(const struct rep_page *pages, size_t np, const struct rep_walk *wk,
                    const struct rep_row *row)
{
    for (size_t i = 0; i < np; i++)
        if (pages[i].conn == wk->conn && pages[i].x == row->x)
            return (long)i;
    struct dec_str ref = rep_header(row->req, "Referer");
    long best = -1;
    for (size_t i = 0; ref.p && i < np; i++)
        if (strlen(pages[i].url) == ref.len && memcmp(pages[i].url, ref.p, ref.len) == 0 &&
            pages[i].started <= row->req->ts_first)
            best = (long)i;  /* the latest load of that page before it */
    return best;
}

/* ---------------------------------------------------------------- entry -- */

static void entry(struct rep_obuf *o, const struct rep_walk *wk, size_t i, long page,
                  size_t preview)
{
    const struct rep_row *row = &wk->rows[i];
    struct rep_har_timing t;
    rep_walk_har_timing(wk, i, &t);
    rep_ob_ch(o, '{');
    if (page >= 0)
        rep_ob_printf(o, "\"pageref\":\"page_%ld\",", page + 1);
    rep_ob_str(o, "\"startedDateTime\":");
    jdate(o, t.started);
    int64_t total = 0;
    int64_t parts[] = {t.blocked, t.dns, t.connect, t.send, t.wait, t.receive};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++)
        total += parts[k] > 0 ? parts[k] : 0;
    rep_ob_str(o, ",\"time\":");
    jms(o, total);
    rep_ob_ch(o, ',');
    jrequest(o, wk, row, preview);
    rep_ob_ch(o, ',');
    jresponse(o, wk, row, preview);
    rep_ob_str(o, ",\"cache\":{},\"timings\":{\"blocked\":");
    jms(o, t.blocked);
    rep_ob_str(o, ",\"dns\":");
    jms(o, t.dns);
    rep_ob_str(o, ",\"connect\":");
    jms(o, t.connect);
    rep_ob_str(o, ",\"send\":");
    jms(o, t.send);
    rep_ob_str(o, ",\"wait\":");
    jms(o, t.wait);
    rep_ob_str(o, ",\"receive\":");
    jms(o, t.receive);
    rep_ob_str(o, ",\"ssl\":");
    jms(o, t.ssl);
    char ip[TR_ADDRSTRLEN];
    rep_ob_str(o, "},\"serverIPAddress\":\"");
    rep_ob_str(o, tr_addr_format(&wk->r->tc.server.addr, ip));
    rep_ob_printf(o, "\",\"connection\":\"%llu\",\"_exchange\":%lld,\"_frames\":[%llu,%llu]",
                  (unsigned long long)wk->conn, (long long)row->x,
                  (unsigned long long)row->req->first_frame,
                  (unsigned long long)(row->rsp ? row->rsp->last_frame : row->req->last_frame));
    if (row->xd && row->xd->stream)  /* HTTP/2: the stream, and whether it was pushed */
        rep_ob_printf(o, ",\"_stream\":%u,\"_pushed\":%s", row->xd->stream,
                      row->xd->pushed ? "true" : "false");
    rep_ob_ch(o, '}');
}

void rep_har_conn(struct rep_out *out, const struct rep_ren *rn, const struct rep_page *pages,
                  size_t npages)
{
    const struct rep_walk *wk = rn->wk;
    for (size_t i = 0; i < wk->nrows; i++) {
        const struct rep_row *row = &wk->rows[i];
        if (row->x < 0 || !row->req)
            continue;  /* nothing a HAR entry can hold: no request was captured */
        struct rep_har_timing t;
        rep_walk_har_timing(wk, i, &t);
        struct rep_obuf *o =
            rep_spool_begin(&out->sp, t.started, (int64_t)wk->conn, wk->conn, REP_CH_ROW, (int64_t)i);
        entry(o, wk, i, page_of(pages, npages, wk, row), rn->show);
    }
    rep_spool_end(&out->sp);
}

/* the log's beginning: version and creator */
static void har_head(struct rep_obuf *o, const char *source)
{
    rep_ob_str(o, "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":\"httpstep\","
                  "\"version\":\"" HTTPSTEP_VERSION "\",\"comment\":");
    struct tr_sbuf b = {0};
    tr_sb_str(&b, "timings measured on the packets of ");
    tr_sb_str(&b, source);
    jstr(o, b.p, b.len);
    rep_ob_ch(o, '}');
    tr_sb_free(&b);
}

void rep_har_entry_doc(const struct rep_ren *rn, size_t row, const char *source)
{
    har_head(rn->o, source);
    rep_ob_str(rn->o, ",\"entries\":[");
    if (rn->wk->rows[row].req)
        entry(rn->o, rn->wk, row, -1, rn->show);
    rep_ob_str(rn->o, "]}}\n");
}

void rep_har_end(struct rep_out *out, const struct rep_end *e)
{
    struct rep_obuf *o = &out->ob;
    rep_spool_sort(&out->sp);
    har_head(o, e->ci->source);
    struct tr_sbuf b = {0};
    /* every page seen (an entry of another page may refer to it) */
    bool any_page = false;
    for (size_t i = 0; i < e->npages; i++) {
        rep_ob_str(o, any_page ? "," : ",\"pages\":[");
        any_page = true;
        rep_ob_str(o, "{\"startedDateTime\":");
        jdate(o, e->pages[i].started);
        rep_ob_printf(o, ",\"id\":\"page_%zu\",\"title\":", i + 1);
        jstr(o, e->pages[i].url, strlen(e->pages[i].url));
        rep_ob_str(o, ",\"pageTimings\":{\"onContentLoad\":-1,\"onLoad\":-1,\"comment\":\"not "
                      "seen on the wire\"}}");
    }
    if (any_page)
        rep_ob_ch(o, ']');
    rep_ob_str(o, ",\"entries\":[");
    size_t n = 0;
    for (size_t i = 0; i < out->sp.n; i++) {
        const struct rep_chunk *c = &out->sp.ch[i];
        if (!rep_chunk_wanted(c, e))
            continue;
        if (n++)
            rep_ob_ch(o, ',');
        rep_ob_str(o, "\n");
        rep_spool_copy(&out->sp, c, o, e->base(e->w, c->conn));
    }
    rep_ob_str(o, "]");
    const char *none = rep_nothing_text(e, &b);
    if (none || !n) {
        if (!none) {
            tr_sb_str(&b, _("No request was captured whole enough for an entry."));
            none = b.p;
        }
        rep_ob_str(o, ",\"comment\":");
        jstr(o, none, strlen(none));
    }
    rep_ob_str(o, "}}\n");
    tr_sb_free(&b);
    rep_ob_flush(o);
}
