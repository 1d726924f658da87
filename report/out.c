/* out.c - buffered output for the writers: strings, numbers, JSON escaping */
#include "report_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define OBUF_CAP (64u << 10)

void rep_ob_init(struct rep_obuf *o, FILE *f)
{
    o->f = f;
    o->cap = OBUF_CAP;
    o->buf = xmalloc(o->cap);
    o->len = 0;
    o->err = false;
}

void rep_ob_done(struct rep_obuf *o)
{
    rep_ob_flush(o);
    free(o->buf);
    o->buf = NULL;
}

bool rep_ob_flush(struct rep_obuf *o)
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

void rep_ob_room(struct rep_obuf *o, size_t n)
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

void rep_ob_str(struct rep_obuf *o, const char *s)
{
    rep_ob_put(o, s, strlen(s));
}

/* two digits per division (frame numbers are most of --json's numbers) */
void rep_ob_u64(struct rep_obuf *o, uint64_t v)
{
    static const char pairs[] = "00010203040506070809101112131415161718192021222324"
                                "25262728293031323334353637383940414243444546474849"
                                "50515253545556575859606162636465666768697071727374"
                                "75767778798081828384858687888990919293949596979899";
    char tmp[24];
    int i = sizeof tmp;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100) * 2;
        v /= 100;
        tmp[--i] = pairs[d + 1];
        tmp[--i] = pairs[d];
    }
    if (v >= 10) {
        tmp[--i] = pairs[v * 2 + 1];
        tmp[--i] = pairs[v * 2];
    } else {
        tmp[--i] = (char)('0' + v);
    }
    rep_ob_put(o, tmp + i, sizeof tmp - (size_t)i);
}

void rep_ob_i64(struct rep_obuf *o, int64_t v)
{
    if (v < 0) {
        rep_ob_ch(o, '-');
        rep_ob_u64(o, (uint64_t)0 - (uint64_t)v);
    } else {
        rep_ob_u64(o, (uint64_t)v);
    }
}

void rep_ob_secs(struct rep_obuf *o, int64_t usec)
{
    if (usec < 0) {
        rep_ob_ch(o, '-');
        usec = -usec;
    }
    rep_ob_u64(o, (uint64_t)usec / 1000000);
    char frac[6];
    uint64_t f = (uint64_t)usec % 1000000;
    for (int i = 5; i >= 0; i--) {
        frac[i] = (char)('0' + f % 10);
        f /= 10;
    }
    rep_ob_ch(o, '.');
    rep_ob_put(o, frac, 6);
}


size_t rep_json_escape(const char *s, size_t len, char *buf, size_t cap)
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
            size_t k = dec_utf8_len(p + i, len - i);
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

void rep_ob_jstr(struct rep_obuf *o, const char *p, size_t n)
{
    if (!p) {
        rep_ob_put(o, "null", 4);
        return;
    }
    rep_ob_ch(o, '"');
    /* fast path: plain ASCII needs no escaping */
    size_t i = 0;
    while (i < n && (unsigned char)p[i] >= 0x20 && (unsigned char)p[i] < 0x7f && p[i] != '"' &&
           p[i] != '\\')
        i++;
    if (i == n) {
        rep_ob_put(o, p, n);
    } else {
        size_t need = rep_json_escape(p, n, NULL, 0);
        rep_ob_room(o, need + 1);
        rep_json_escape(p, n, o->buf + o->len, need + 1);
        o->len += need;
    }
    rep_ob_ch(o, '"');
}

void rep_ob_eol(struct rep_obuf *o, bool live)
{
    rep_ob_ch(o, '\n');
    if (live)
        rep_ob_flush(o);
}

void rep_ob_printf(struct rep_obuf *o, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof tmp) {
        rep_ob_put(o, tmp, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rep_ob_put(o, big, (size_t)n);
    free(big);
}
