/* parse.c - pure HTTP/1.x line parsers (no allocation, no state)
 *
 * RFC 9112 2.2 (message parsing), 3 (request line), 4 (status line),
 * 7.1 (chunked transfer coding); RFC 9110 5.6.2 (tokens).
 */
#include "decode.h"

#include <string.h>

/* ---------------------------------------------------------- characters -- */

/* RFC 9110 5.6.2: tchar */
static bool is_tchar(uint8_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c != 0 && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_ctl(uint8_t c)
{
    return (c < 0x20 && c != '\t') || c == 0x7f;
}

/* The length of the line up to LF, without the LF and a CR before it;
 * *used is the bytes including the LF. -1 when no LF yet. */
static long line_end(const uint8_t *buf, size_t len, size_t *used)
{
    const uint8_t *lf = memchr(buf, '\n', len);
    if (!lf)
        return -1;
    size_t n = (size_t)(lf - buf);
    *used = n + 1;
    if (n > 0 && buf[n - 1] == '\r')
        n--;
    return (long)n;
}

/* ---------------------------------------------------------- start lines -- */

static bool is_ws(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static bool is_alpha(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* RFC 9112 3.2: is the target written in one of the four forms? origin-form
 * "/path?query"; asterisk-form "*"; authority-form "host:port" (3.2.3);
 * absolute-form "scheme:..." (RFC 3986 3.1: ALPHA *( ALPHA / DIGIT / "+" /
 * "-" / "." ) ":"). Syntax only: which method may use which form is not
 * judged here. */
static bool target_valid(const uint8_t *t, size_t n)
{
    if (t[0] == '/' || (n == 1 && t[0] == '*'))
        return true;
    size_t colon = n;  /* authority-form: a host, ':', then digits */
    while (colon > 0 && t[colon - 1] != ':')
        colon--;
    if (colon >= 2 && colon < n) {
        size_t k = colon;
        while (k < n && t[k] >= '0' && t[k] <= '9')
            k++;
        if (k == n)
            return true;
    }
    if (!is_alpha(t[0]))
        return false;
    for (size_t k = 1; k < n; k++) {
        if (t[k] == ':')
            return true;
        if (!is_alpha(t[k]) && !(t[k] >= '0' && t[k] <= '9') && t[k] != '+' && t[k] != '-' &&
            t[k] != '.')
            return false;
    }
    return false;
}

int dec_parse_request_line(const uint8_t *buf, size_t len, struct dec_reqline *out)
{
    size_t used;
    long n = line_end(buf, len, &used);
    memset(out, 0, sizeof *out);
    if (n < 0) {
        /* an impossible prefix is invalid at once, not incomplete */
        for (size_t i = 0; i < len; i++) {
            if (is_ws(buf[i]))
                return i > 0 ? DEC_INCOMPLETE : DEC_INVALID;
            if (!is_tchar(buf[i]))
                return DEC_INVALID;
        }
        return DEC_INCOMPLETE;
    }
    size_t i = 0;
    while (i < (size_t)n && is_tchar(buf[i]))
        i++;
    if (i == 0 || i >= (size_t)n || !is_ws(buf[i]))
        return DEC_INVALID;
    out->method = (struct dec_span){0, (uint32_t)i};
    for (size_t k = i; k < (size_t)n; k++)
        if (is_ctl(buf[k]))
            return DEC_INVALID;
    /* RFC 9112 3: method SP request-target SP HTTP-version; "a recipient
     * MAY instead parse on whitespace-delimited word boundaries", as
     * servers do: so do we, and say so (loose_space) */
    int words = 0;
    size_t e = i;
    while (e < (size_t)n) {
        size_t s = e;
        while (s < (size_t)n && is_ws(buf[s]))
            s++;
        if (s - e > 1 || buf[e] == '\t' || s == (size_t)n)
            out->loose_space = true;
        if (s == (size_t)n)
            break;
        e = s;
        while (e < (size_t)n && !is_ws(buf[e]))
            e++;
        struct dec_span w = {(uint32_t)s, (uint32_t)(e - s)};
        if (words == 0)
            out->target = w;
        else if (words == 1)
            out->version = w;
        else
            out->extra_parts++;
        words++;
    }
    if (words == 0)
        return DEC_INVALID;
    out->bad_target = !target_valid(buf + out->target.off, out->target.len);
    return (int)used;
}

int dec_parse_status_line(const uint8_t *buf, size_t len, struct dec_statusline *out)
{
    size_t used;
    memset(out, 0, sizeof *out);
    if (memcmp(buf, "HTTP/", len < 5 ? len : 5) != 0)
        return DEC_INVALID;
    long n = line_end(buf, len, &used);
    if (n < 0)
        return DEC_INCOMPLETE;
    if (n < 5 || memcmp(buf, "HTTP/", 5) != 0)
        return DEC_INVALID;
    size_t i = 5;
    while (i < (size_t)n && buf[i] != ' ')
        i++;
    out->version = (struct dec_span){0, (uint32_t)i};
    if (i >= (size_t)n)
        return DEC_INVALID;
    size_t s = i + 1, e = s;
    int status = 0;
    while (e < (size_t)n && buf[e] >= '0' && buf[e] <= '9' && e - s < 9)
        status = status * 10 + (buf[e++] - '0');
    if (e == s || (e < (size_t)n && buf[e] != ' '))
        return DEC_INVALID;
    for (size_t k = 0; k < (size_t)n; k++)
        if (is_ctl(buf[k]))
            return DEC_INVALID;
    out->code = (struct dec_span){(uint32_t)s, (uint32_t)(e - s)};
    out->status = status;
    if (e < (size_t)n)
        out->reason = (struct dec_span){(uint32_t)(e + 1), (uint32_t)((size_t)n - e - 1)};
    else
        out->reason = (struct dec_span){(uint32_t)e, 0};
    return (int)used;
}

int dec_parse_chunk_size(const uint8_t *buf, size_t len, uint64_t *size)
{
    size_t used;
    long n = line_end(buf, len, &used);
    if (n < 0)
        return len > 4096 ? DEC_INVALID : DEC_INCOMPLETE;
    size_t i = 0;
    while (i < (size_t)n && (buf[i] == ' ' || buf[i] == '\t'))
        i++;
    uint64_t v = 0;
    size_t digits = 0;
    for (; i < (size_t)n; i++, digits++) {
        uint8_t c = buf[i];
        int d;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        else
            break;
        if (v >> 58)  /* past 2^62: hostile or broken */
            return DEC_INVALID;
        v = v << 4 | (uint64_t)d;
    }
    if (digits == 0)
        return DEC_INVALID;
    /* RFC 9112 7.1.1: chunk extensions follow ';' (BWS allowed before) */
    while (i < (size_t)n && (buf[i] == ' ' || buf[i] == '\t'))
        i++;
    if (i < (size_t)n && buf[i] != ';')
        return DEC_INVALID;
    *size = v;
    return (int)used;
}

/* -------------------------------------------------------------- sniffing -- */

size_t dec_method_len(const uint8_t *buf, size_t len)
{
    size_t i = 0;
    while (i < len && i < 24 && ((buf[i] >= 'A' && buf[i] <= 'Z') || buf[i] == '-' || buf[i] == '_'))
        i++;
    return i;
}

/* A method, whitespace, then a visible byte: the target, whatever its first
 * byte ("GET . HTTP/1.0" is a request; the line's parse decides the rest) */
bool dec_looks_like_request(const uint8_t *buf, size_t len)
{
    size_t i = dec_method_len(buf, len);
    if (i == 0 || i >= len || !is_ws(buf[i]))
        return false;
    while (i < len && is_ws(buf[i]))
        i++;
    if (i >= len)
        return true;
    return buf[i] > 0x20 && buf[i] < 0x7f;
}

bool dec_looks_like_response(const uint8_t *buf, size_t len)
{
    static const char pre[] = "HTTP/";
    size_t n = len < 5 ? len : 5;
    if (n == 0 || memcmp(buf, pre, n) != 0)
        return false;
    return len < 6 || (buf[5] >= '0' && buf[5] <= '9');
}

bool dec_looks_like_tls(const uint8_t *buf, size_t len)
{
    /* a handshake record (22), major version 3, minor 0 to 4 */
    if (len < 1 || buf[0] != 0x16)
        return false;
    if (len >= 2 && buf[1] != 0x03)
        return false;
    if (len >= 3 && buf[2] > 0x04)
        return false;
    return true;
}

/* ---------------------------------------------------------------- UTF-8 -- */

/* the length of a valid UTF-8 sequence at p (RFC 3629 4), or 0 */
size_t dec_utf8_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];
    if (c >= 0xc2 && c <= 0xdf)
        return n >= 2 && (p[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if (n < 3 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f))
            return 0;  /* overlong, surrogate */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if (n < 4 || (p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
            return 0;
        return 4;
    }
    return 0;
}
