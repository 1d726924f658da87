/* out.c - buffered output for the writers: strings, numbers, JSON, HTML and
 * XML escaping, base64, display widths and word wrapping */
#include "report_int.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define OBUF_CAP (64u << 10)

void rep_ob_init(struct rep_obuf *o, FILE *f)
{
    o->f = f;
    o->cap = OBUF_CAP;
    o->buf = tr_xmalloc(o->cap);
    o->len = 0;
    o->err = false;
    o->flushed = 0;
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
    o->flushed += o->len;
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
        o->flushed += o->len;
        o->len = 0;
        if (n > o->cap) {
            o->cap = n;
            o->buf = tr_xrealloc(o->buf, o->cap);
        }
    }
}

uint64_t rep_ob_tell(const struct rep_obuf *o)
{
    return o->flushed + o->len;
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
    char *big = tr_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    rep_ob_put(o, big, (size_t)n);
    free(big);
}

void rep_ob_ms(struct rep_obuf *o, int64_t usec)
{
    if (usec < 0) {
        rep_ob_ch(o, '-');
        usec = -usec;
    }
    rep_ob_u64(o, (uint64_t)usec / 1000);
    char frac[4] = {'.', (char)('0' + usec / 100 % 10), (char)('0' + usec / 10 % 10),
                    (char)('0' + usec % 10)};
    rep_ob_put(o, frac, 4);
}

/* ------------------------------------------------------- HTML and XML -- */

static void ob_hexbyte(struct rep_obuf *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
    rep_ob_put(o, e, 4);
}

void rep_ob_xml(struct rep_obuf *o, const char *s, size_t n, bool keep_nl)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;  /* bytes that need nothing, from i - run */
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' && c != '"') {
            run++;
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = dec_utf8_len(p + i, n - i);
            /* U+FFFE and U+FFFF are not XML characters (XML 1.0 section 2.2) */
            if (k && !(k == 3 && p[i] == 0xef && p[i + 1] == 0xbf && p[i + 2] >= 0xbe)) {
                run += k;
                i += k;
                continue;
            }
        }
        rep_ob_put(o, s + i - run, run);
        run = 0;
        switch (c) {
        case '&': rep_ob_str(o, "&amp;"); break;
        case '<': rep_ob_str(o, "&lt;"); break;
        case '>': rep_ob_str(o, "&gt;"); break;
        case '"': rep_ob_str(o, "&quot;"); break;
        case '\t': rep_ob_ch(o, '\t'); break;
        case '\n':
            if (keep_nl)
                rep_ob_ch(o, '\n');
            else
                rep_ob_str(o, "\\n");
            break;
        case '\r': rep_ob_str(o, "\\r"); break;
        default: ob_hexbyte(o, c);
        }
        i++;
    }
    rep_ob_put(o, s + n - run, run);
}

void rep_ob_xstr(struct rep_obuf *o, const char *s)
{
    rep_ob_xml(o, s, strlen(s), true);
}

void rep_ob_rgb(struct rep_obuf *o, uint32_t rgb)
{
    rep_ob_printf(o, "#%06x", (unsigned)(rgb & 0xffffff));
}

/* ------------------------------------------------------------- base64 -- */

void rep_ob_base64(struct rep_obuf *o, const uint8_t *p, size_t n)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char q[4];
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        q[0] = b64[v >> 18];
        q[1] = b64[v >> 12 & 63];
        q[2] = b64[v >> 6 & 63];
        q[3] = b64[v & 63];
        rep_ob_put(o, q, 4);
    }
    if (i < n) {  /* one or two bytes left: padded with '=' (RFC 4648 section 4) */
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
        q[0] = b64[v >> 18];
        q[1] = b64[v >> 12 & 63];
        q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        q[3] = '=';
        rep_ob_put(o, q, 4);
    }
}

/* ------------------------------------------------- widths and wrapping -- */

/* the code point of the UTF-8 sequence of k bytes at p */
static uint32_t code_point(const unsigned char *p, size_t k)
{
    if (k == 1)
        return p[0];
    uint32_t c = p[0] & (0x7f >> k);
    for (size_t i = 1; i < k; i++)
        c = c << 6 | (p[i] & 0x3f);
    return c;
}

/* East Asian Wide and Fullwidth blocks (UAX #11), the ones text uses */
static bool wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
           (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
           (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
           (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
           (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
           (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
           (c >= 0x20000 && c <= 0x3fffd);
}

static bool combining(uint32_t c)
{
    return (c >= 0x0300 && c <= 0x036f) || (c >= 0x200b && c <= 0x200f) ||
           (c >= 0xfe00 && c <= 0xfe0f);
}

/* one character: its bytes and columns (an invalid byte: one, one column) */
static size_t char_at(const char *s, size_t n, size_t *cols, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k = p[0] < 0x80 ? 1 : dec_utf8_len(p, n);
    if (!k) {
        *cols = 1;
        *cp = 0xfffd;
        return 1;
    }
    *cp = code_point(p, k);
    *cols = wide(*cp) ? 2 : combining(*cp) ? 0 : 1;
    return k;
}

size_t rep_width(const char *s, size_t n)
{
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        size_t c;
        uint32_t cp;
        i += char_at(s + i, n - i, &c, &cp);
        w += c;
    }
    return w;
}

void rep_pad(struct rep_obuf *o, size_t at, size_t col)
{
    do
        rep_ob_ch(o, ' ');
    while (++at < col);
}

/* no line may begin with these (closing punctuation, CJK and ASCII) */
static bool no_line_start(uint32_t c)
{
    static const uint32_t cl[] = {0xff0c, 0x3002, 0x3001, 0xff1b, 0xff1a, 0xff1f, 0xff01, 0xff09,
                                  0x300d, 0x300f, 0x3011, 0x300b, 0x3009, 0x201d, 0x2019, 0x2026,
                                  0x30fb, 0xff0e, ',', '.', ';', ':', '!', '?', ')', ']', '}', '%'};
    for (size_t i = 0; i < sizeof cl / sizeof cl[0]; i++)
        if (cl[i] == c)
            return true;
    return false;
}

/* no line may end with these (opening punctuation) */
static bool no_line_end(uint32_t c)
{
    static const uint32_t op[] = {0xff08, 0x300c, 0x300e, 0x3010, 0x300a, 0x3008, 0x201c, 0x2018,
                                  '(', '[', '{'};
    for (size_t i = 0; i < sizeof op / sizeof op[0]; i++)
        if (op[i] == c)
            return true;
    return false;
}

struct wchar {
    uint32_t off, len;  /* bytes */
    uint32_t cp;
    uint8_t cols;
};

/* a line break; the next line's indent is written with its first text
 * (*pend), so that an empty line has no trailing spaces */
static void new_line(struct rep_obuf *o, size_t indent, size_t *used, bool *pend)
{
    rep_ob_ch(o, '\n');
    *used = indent;
    *pend = indent > 0;
}

static void wrap_para(struct rep_obuf *o, const char *s, const struct wchar *c, size_t n,
                      size_t width, size_t *used, size_t indent, bool *pend)
{
    size_t i = 0;
    while (i < n) {
        size_t room = width > *used ? width - *used : 0;
        /* the longest run from i that fits and ends at a break: chars
         * i .. brk-1 make the line */
        size_t cols = 0, j = i, brk = i;
        bool ink = false;  /* a character other than a space since i */
        while (j < n && cols + c[j].cols <= room) {
            cols += c[j].cols;
            ink |= c[j].cp != ' ';
            j++;
            if (!ink)
                continue;
            if (j == n || c[j].cp == ' ' ||
                (c[j - 1].cp == ' ' && !no_line_start(c[j].cp)) ||
                ((c[j - 1].cols == 2 || c[j].cols == 2) && !no_line_start(c[j].cp) &&
                 !no_line_end(c[j - 1].cp)))
                brk = j;
        }
        if (brk == i) {
            /* no break within the room: a word longer than what is left */
            if (*used > indent) {
                new_line(o, indent, used, pend);  /* it may fit on a line of its own */
                continue;
            }
            brk = j > i ? j : i + 1;  /* longer than a line: cut it */
        }
        size_t end = brk;
        while (end > i && c[end - 1].cp == ' ')
            end--;
        if (end > i && *pend) {
            for (size_t k = 0; k < indent; k++)
                rep_ob_ch(o, ' ');
            *pend = false;
        }
        if (end > i)
            rep_ob_put(o, s + c[i].off, c[end - 1].off + c[end - 1].len - c[i].off);
        for (size_t k = i; k < end; k++)
            *used += c[k].cols;
        i = brk;
        while (i < n && c[i].cp == ' ')
            i++;
        if (i < n)
            new_line(o, indent, used, pend);
    }
}

void rep_wrap(struct rep_obuf *o, const char *s, size_t n, size_t width, size_t first,
              size_t indent)
{
    struct wchar *c = NULL;
    size_t cap = 0;
    size_t used = first;
    size_t p = 0;
    bool pend = false;
    if (indent >= width)
        indent = width > 1 ? width - 1 : 0;
    while (p <= n) {
        const char *nl = memchr(s + p, '\n', n - p);
        size_t e = nl ? (size_t)(nl - s) : n;
        size_t nc = 0;
        for (size_t i = p; i < e;) {
            size_t cols;
            uint32_t cp;
            size_t k = char_at(s + i, e - i, &cols, &cp);
            tr_xgrow(&c, &cap, nc + 1, sizeof *c);
            c[nc++] = (struct wchar){(uint32_t)i, (uint32_t)k, cp, (uint8_t)cols};
            i += k;
        }
        if (nc)
            wrap_para(o, s, c, nc, width, &used, indent, &pend);
        if (!nl || e + 1 == n)
            break;
        p = e + 1;
        new_line(o, indent, &used, &pend);
    }
    rep_ob_ch(o, '\n');
    free(c);
}
