/* out.c - buffered output for the writers: strings, numbers, JSON escaping */
#include "ui_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define OBUF_CAP (64u << 10)

void ob_init(struct obuf *o, FILE *f)
{
    o->f = f;
    o->cap = OBUF_CAP;
    o->buf = xmalloc(o->cap);
    o->len = 0;
    o->err = false;
}

void ob_done(struct obuf *o)
{
    ob_flush(o);
    free(o->buf);
    o->buf = NULL;
}

bool ob_flush(struct obuf *o)
{
    if (o->len && !o->err) {
        if (fwrite(o->buf, 1, o->len, o->f) != o->len)
            o->err = true;
    }
    o->len = 0;
    if (!o->err && fflush(o->f) != 0)
        o->err = true;
    return !o->err;
}

static void ob_room(struct obuf *o, size_t n)
{
    if (o->len + n > o->cap) {
        if (o->len && !o->err && fwrite(o->buf, 1, o->len, o->f) != o->len)
            o->err = true;
        o->len = 0;
        if (n > o->cap) {
            o->cap = n;
            o->buf = xrealloc(o->buf, o->cap);
        }
    }
}

void ob_put(struct obuf *o, const char *s, size_t n)
{
    ob_room(o, n);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

void ob_str(struct obuf *o, const char *s)
{
    ob_put(o, s, strlen(s));
}

void ob_ch(struct obuf *o, char c)
{
    ob_room(o, 1);
    o->buf[o->len++] = c;
}

void ob_u64(struct obuf *o, uint64_t v)
{
    char tmp[24];
    int i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ob_put(o, tmp + i, sizeof tmp - (size_t)i);
}

void ob_i64(struct obuf *o, int64_t v)
{
    if (v < 0) {
        ob_ch(o, '-');
        ob_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        ob_u64(o, (uint64_t)v);
    }
}

void ob_secs(struct obuf *o, int64_t usec)
{
    if (usec < 0) {
        ob_ch(o, '-');
        usec = -usec;
    }
    ob_u64(o, (uint64_t)usec / 1000000);
    char frac[6];
    uint64_t f = (uint64_t)usec % 1000000;
    for (int i = 5; i >= 0; i--) {
        frac[i] = (char)('0' + f % 10);
        f /= 10;
    }
    ob_ch(o, '.');
    ob_put(o, frac, 6);
}

/* the length of a valid UTF-8 sequence at p (RFC 3629 4), or 0 */
size_t ui_utf8_len(const unsigned char *p, size_t n)
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

size_t ui_json_escape(const char *s, size_t len, char *buf, size_t cap)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;
#define PUT(ch)                                                                                    \
    do {                                                                                           \
        if (n + 1 < cap)                                                                           \
            buf[n] = (ch);                                                                         \
        n++;                                                                                       \
    } while (0)
    for (size_t i = 0; i < len;) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
            PUT((char)c);
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = ui_utf8_len(p + i, len - i);
            if (k) {
                for (size_t j = 0; j < k; j++)
                    PUT((char)p[i + j]);
                i += k;
                continue;
            }
        }
        PUT('\\');
        switch (c) {
        case '"': PUT('"'); break;
        case '\\': PUT('\\'); break;
        case '\n': PUT('n'); break;
        case '\r': PUT('r'); break;
        case '\t': PUT('t'); break;
        default:
            /* a control byte, DEL, or a byte that is not UTF-8: as the
             * code point of the same number (Latin-1) */
            PUT('u');
            PUT('0');
            PUT('0');
            PUT(hex[c >> 4]);
            PUT(hex[c & 15]);
        }
        i++;
    }
#undef PUT
    if (cap)
        buf[n < cap ? n : cap - 1] = '\0';
    return n;
}

void ob_jstr(struct obuf *o, const char *p, size_t n)
{
    if (!p) {
        ob_put(o, "null", 4);
        return;
    }
    ob_ch(o, '"');
    /* fast path: plain ASCII needs no escaping */
    size_t i = 0;
    while (i < n && (unsigned char)p[i] >= 0x20 && (unsigned char)p[i] < 0x7f && p[i] != '"' &&
           p[i] != '\\')
        i++;
    if (i == n) {
        ob_put(o, p, n);
    } else {
        size_t need = ui_json_escape(p, n, NULL, 0);
        ob_room(o, need + 1);
        ui_json_escape(p, n, o->buf + o->len, need + 1);
        o->len += need;
    }
    ob_ch(o, '"');
}

void ob_eol(struct obuf *o, bool live)
{
    ob_ch(o, '\n');
    if (live)
        ob_flush(o);
}

void ob_printf(struct obuf *o, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        ob_put(o, tmp, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ob_put(o, big, (size_t)n);
    free(big);
}
