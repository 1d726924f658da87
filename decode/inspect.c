/* inspect.c - readers of untrusted body and header bytes, for the learner's
 * text: percent-decoding, base64, media types and parameters, lists and
 * quality values, name=value pairs, cookies, multipart parts and their
 * headers, HTML tags, file signatures and picture sizes, the first
 * chunk-size line
 *
 * Every function is pure and bounded: it reads only the (p, n) it is given
 * (never past n, never up to a NUL), writes only the caller's out (never
 * more than its cap), allocates nothing and keeps no state. Any bytes are
 * taken; what does not parse gives false, DEC_PART_NONE or an empty span.
 * Lengths are compared, never pointer sums (STYLE.md 4). Spans are offsets
 * into p; inputs are read up to INSPECT_MAX bytes, so that they fit.
 */
#include "decode.h"

#include <string.h>
#include <strings.h>

#define INSPECT_MAX ((size_t)UINT32_MAX)
/* RFC 2046 5.1.1: boundary := 0*69<bchars> bcharsnospace */
#define BOUNDARY_MAX 70

static size_t bound(size_t n)
{
    return n > INSPECT_MAX ? INSPECT_MAX : n;
}

static struct dec_span span(size_t off, size_t len)
{
    return (struct dec_span){(uint32_t)off, (uint32_t)len};
}

static int hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/* do the n bytes at p equal the C string z, ignoring ASCII case? */
static bool eq_ci(const uint8_t *p, size_t n, const char *z)
{
    size_t k = strlen(z);
    if (n != k)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(p[i]) != lower((uint8_t)z[i]))
            return false;
    return true;
}

/* [*s, *e) without the spaces and tabs at both ends */
static void trim(const uint8_t *p, size_t *s, size_t *e)
{
    while (*s < *e && ows(p[*s]))
        (*s)++;
    while (*e > *s && ows(p[*e - 1]))
        (*e)--;
}

/* the end of a quoted-string that opens at p[i] == '"' (RFC 9110 5.6.4):
 * the index of its closing quote, or n when it is not closed */
static size_t quoted_end(const uint8_t *p, size_t n, size_t i)
{
    for (i++; i < n; i++) {
        if (p[i] == '\\')
            i++;  /* quoted-pair: the next byte is taken as it is */
        else if (p[i] == '"')
            return i;
    }
    return n;
}

/* the index of the first c at or after i outside quoted-strings, or n */
static size_t find_unquoted(const uint8_t *p, size_t n, size_t i, uint8_t c)
{
    for (; i < n; i++) {
        if (p[i] == '"')
            i = quoted_end(p, n, i);
        else if (p[i] == c)
            return i;
    }
    return n;
}

/* ------------------------------------------------------------ decoding -- */

size_t dec_pct_decode(const uint8_t *p, size_t n, bool plus, uint8_t *out, size_t cap)
{
    n = bound(n);
    size_t k = 0;
    for (size_t i = 0; i < n && k < cap; i++) {
        if (plus && p[i] == '+') {
            out[k++] = ' ';
        } else if (p[i] == '%' && n - i > 2 && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
            out[k++] = (uint8_t)(hexval(p[i + 1]) << 4 | hexval(p[i + 2]));
            i += 2;
        } else {
            out[k++] = p[i];
        }
    }
    return k;
}

static int b64val(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool dec_base64_decode(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *outlen)
{
    n = bound(n);
    size_t k = 0, chars = 0, i = 0;
    uint32_t acc = 0;
    int bits = 0;
    *outlen = 0;
    for (; i < n && p[i] != '='; i++, chars++) {
        int v = b64val(p[i]);
        if (v < 0)
            return false;
        acc = (acc << 6 | (uint32_t)v) & 0xffffff;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (k < cap)
                out[k] = (uint8_t)(acc >> bits);
            k++;
        }
    }
    /* a lone character in the last group carries no whole byte */
    if (chars % 4 == 1)
        return false;
    /* padding: at most two '=', completing the group, and nothing after */
    size_t pad = 0;
    for (; i < n && p[i] == '='; i++)
        pad++;
    if (i < n || pad > 2 || (pad && (chars + pad) % 4 != 0))
        return false;
    *outlen = k < cap ? k : cap;
    return true;
}

/* ------------------------------------------------- header values, lists -- */

struct dec_span dec_media_type(const uint8_t *p, size_t n)
{
    n = bound(n);
    size_t s = 0, e = 0;
    while (e < n && p[e] != ';')
        e++;
    trim(p, &s, &e);
    return span(s, e - s);
}

bool dec_header_param(const uint8_t *p, size_t n, const char *name, struct dec_span *out)
{
    n = bound(n);
    for (size_t i = find_unquoted(p, n, 0, ';'); i < n; i = find_unquoted(p, n, i, ';')) {
        i++;  /* past the ';' */
        size_t ns = i, ne = i;
        while (ne < n && p[ne] != '=' && p[ne] != ';')
            ne++;
        if (ne == n || p[ne] != '=')
            continue;
        size_t nend = ne;
        trim(p, &ns, &nend);
        i = ne + 1;
        if (!eq_ci(p + ns, nend - ns, name))
            continue;
        while (i < n && ows(p[i]))
            i++;
        if (i < n && p[i] == '"') {
            size_t q = quoted_end(p, n, i);
            *out = span(i + 1, q - i - 1);
            return true;
        }
        size_t ve = i;
        while (ve < n && p[ve] != ';' && !ows(p[ve]))
            ve++;
        *out = span(i, ve - i);
        return true;
    }
    return false;
}

bool dec_list_next(const uint8_t *p, size_t n, size_t *pos, struct dec_span *item)
{
    n = bound(n);
    size_t i = *pos;
    while (i < n) {
        size_t e = find_unquoted(p, n, i, ',');
        size_t s = i, t = e;
        trim(p, &s, &t);
        i = e < n ? e + 1 : n;
        if (t > s) {  /* RFC 9110 5.6.1: empty elements are skipped */
            *item = span(s, t - s);
            *pos = i;
            return true;
        }
    }
    *pos = n;
    return false;
}

bool dec_list_has_token(const uint8_t *p, size_t n, const char *tok)
{
    size_t pos = 0;
    struct dec_span it;
    while (dec_list_next(p, n, &pos, &it))
        if (eq_ci(p + it.off, it.len, tok))
            return true;
    return false;
}

int dec_qvalue(const uint8_t *p, size_t n)
{
    n = bound(n);
    /* RFC 9110 12.4.2: qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
    if (n == 0 || (p[0] != '0' && p[0] != '1'))
        return -1;
    int q = (p[0] - '0') * 1000;
    if (n == 1)
        return q;
    if (p[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        q += (p[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

/* --------------------------------------------------- forms and cookies -- */

bool dec_pair_next(const uint8_t *p, size_t n, size_t *pos, struct dec_pair *out)
{
    n = bound(n);
    size_t i = *pos;
    while (i < n) {
        size_t e = i;
        while (e < n && p[e] != '&')
            e++;
        if (e > i) {
            const uint8_t *eq = memchr(p + i, '=', e - i);
            size_t nl = eq ? (size_t)(eq - (p + i)) : e - i;
            out->name = span(i, nl);
            out->has_value = eq != NULL;
            out->value = eq ? span(i + nl + 1, e - i - nl - 1) : span(e, 0);
            *pos = e < n ? e + 1 : n;
            return true;
        }
        i = e + 1;
    }
    *pos = n;
    return false;
}

size_t dec_pair_count(const uint8_t *p, size_t n)
{
    size_t pos = 0, count = 0;
    struct dec_pair pr;
    while (dec_pair_next(p, n, &pos, &pr))
        count++;
    return count;
}

size_t dec_cookie_count(const uint8_t *p, size_t n)
{
    n = bound(n);
    size_t count = 0;
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && p[e] != ';')
            e++;
        size_t s = i, t = e;
        trim(p, &s, &t);
        const uint8_t *eq = t > s ? memchr(p + s, '=', t - s) : NULL;
        if (eq && eq > p + s)  /* cookie-pair: a name, '=', a value (RFC 6265 4.2.1) */
            count++;
        i = e + 1;
    }
    return count;
}

bool dec_cookie_attr(const uint8_t *p, size_t n, const char *name, struct dec_span *value)
{
    n = bound(n);
    /* RFC 6265 5.2: the cookie-pair, then attributes after each ';' */
    size_t i = 0;
    while (i < n && p[i] != ';')
        i++;
    while (i < n) {
        size_t s = i + 1, e = s;
        while (e < n && p[e] != ';')
            e++;
        size_t eq = s;
        while (eq < e && p[eq] != '=')
            eq++;
        size_t ns = s, ne = eq;
        trim(p, &ns, &ne);
        if (eq_ci(p + ns, ne - ns, name)) {
            size_t vs = eq < e ? eq + 1 : e, ve = e;
            trim(p, &vs, &ve);
            *value = span(vs, ve - vs);
            return true;
        }
        i = e;
    }
    return false;
}

/* ----------------------------------------------------------- multipart -- */

/* does a delimiter line end at c (just past "--boundary")? "--" closes;
 * else transport padding (spaces, tabs) and the line's end must follow, all
 * within the bytes (RFC 2046 5.1.1) */
static bool delimiter_ends(const uint8_t *p, size_t n, size_t c)
{
    if (n - c >= 2 && p[c] == '-' && p[c + 1] == '-')
        return true;
    while (c < n && ows(p[c]))
        c++;
    if (c < n && p[c] == '\r')
        c++;
    return c < n && p[c] == '\n';
}

/* the first delimiter line "--boundary" at or after i that begins a line,
 * or n */
static size_t find_delimiter(const uint8_t *p, size_t n, size_t i, const uint8_t *b, size_t bl)
{
    while (i < n && n - i >= bl + 2) {
        const uint8_t *d = memchr(p + i, '-', n - i);
        if (!d)
            return n;
        size_t k = (size_t)(d - p);
        if (n - k < bl + 2)
            return n;
        if ((k == 0 || p[k - 1] == '\n') && p[k + 1] == '-' && memcmp(p + k + 2, b, bl) == 0 &&
            delimiter_ends(p, n, k + 2 + bl))
            return k;
        i = k + 1;
    }
    return n;
}

int dec_multipart_next(const uint8_t *p, size_t n, const uint8_t *boundary, size_t blen,
                       size_t *pos, struct dec_part *out)
{
    n = bound(n);
    if (blen == 0 || blen > BOUNDARY_MAX || *pos >= n)
        return DEC_PART_NONE;
    size_t d = find_delimiter(p, n, *pos, boundary, blen);
    if (d == n)
        return DEC_PART_NONE;
    size_t c = d + 2 + blen;
    if (n - c >= 2 && p[c] == '-' && p[c + 1] == '-') {
        *pos = n;
        return DEC_PART_END;
    }
    /* the rest of the delimiter line (transport padding), then the part's
     * header lines up to an empty line */
    const uint8_t *lf = memchr(p + c, '\n', n - c);
    if (!lf)
        return DEC_PART_NONE;
    size_t head = (size_t)(lf - p) + 1, line = head, data;
    for (;;) {
        const uint8_t *e = line < n ? memchr(p + line, '\n', n - line) : NULL;
        if (!e)
            return DEC_PART_NONE;
        size_t le = (size_t)(e - p);
        if (le == line || (le == line + 1 && p[line] == '\r')) {
            data = le + 1;
            break;
        }
        line = le + 1;
    }
    size_t next = find_delimiter(p, n, data, boundary, blen);
    if (next == n)
        return DEC_PART_NONE;
    /* the line break before a delimiter belongs to it (RFC 2046 5.1.1) */
    size_t end = next;
    if (end > data && p[end - 1] == '\n') {
        end--;
        if (end > data && p[end - 1] == '\r')
            end--;
    }
    out->head = span(head, line - head);
    out->data = span(data, end - data);
    *pos = next;
    return DEC_PART_ONE;
}

bool dec_field_lines_get(const uint8_t *p, size_t n, const char *name, struct dec_span *value)
{
    n = bound(n);
    size_t k = strlen(name);
    for (size_t i = 0; i < n;) {
        size_t e = i;
        while (e < n && p[e] != '\n')
            e++;
        if (e - i > k && p[i + k] == ':' && eq_ci(p + i, k, name)) {
            size_t vs = i + k + 1, ve = e;
            if (ve > vs && p[ve - 1] == '\r')
                ve--;
            trim(p, &vs, &ve);
            *value = span(vs, ve - vs);
            return true;
        }
        i = e + 1;
    }
    return false;
}

/* ------------------------------------------------------- HTML and files -- */

void dec_html_count_refs(const uint8_t *p, size_t n, struct dec_html_refs *out)
{
    static const struct {
        const char *tag;
        size_t len;
    } tags[] = {{"<link", 5}, {"<script", 7}, {"<img", 4}};
    n = bound(n);
    memset(out, 0, sizeof *out);
    size_t *counts[] = {&out->link, &out->script, &out->img};
    for (size_t i = 0; i < n; i++) {
        const uint8_t *lt = memchr(p + i, '<', n - i);
        if (!lt)
            break;
        i = (size_t)(lt - p);
        for (size_t t = 0; t < sizeof tags / sizeof *tags; t++) {
            size_t k = tags[t].len;
            /* a tag name ends at whitespace, '/' or '>' (HTML, 13.2.5.8) */
            if (n - i > k && eq_ci(p + i, k, tags[t].tag) &&
                (ows(p[i + k]) || p[i + k] == '\n' || p[i + k] == '\r' || p[i + k] == '\f' ||
                 p[i + k] == '/' || p[i + k] == '>'))
                (*counts[t])++;
        }
    }
}

/* file formats by their first bytes */
static const struct {
    const char *bytes;
    size_t len;
    const char *name;
} signatures[] = {
    {"\x89PNG\r\n\x1a\n", 8, "PNG"},
    {"\xff\xd8\xff", 3, "JPEG"},
    {"GIF87a", 6, "GIF"},
    {"GIF89a", 6, "GIF"},
    {"\x1f\x8b", 2, "gzip"},
    {"%PDF-", 5, "PDF"},
    {"PK\x03\x04", 4, "ZIP"},
    {NULL, 0, NULL}
};

const char *dec_file_signature(const uint8_t *p, size_t n, size_t *siglen)
{
    for (size_t i = 0; signatures[i].bytes; i++)
        if (n >= signatures[i].len && memcmp(p, signatures[i].bytes, signatures[i].len) == 0) {
            *siglen = signatures[i].len;
            return signatures[i].name;
        }
    *siglen = 0;
    return NULL;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool dec_image_size(const uint8_t *p, size_t n, uint32_t *w, uint32_t *h)
{
    size_t sl;
    const char *f = dec_file_signature(p, n, &sl);
    if (!f)
        return false;
    /* PNG 5.3 and 11.2.2: the signature, then the IHDR chunk: length (4),
     * type "IHDR", width (4), height (4), big-endian */
    if (strcmp(f, "PNG") == 0 && n >= 24 && memcmp(p + 12, "IHDR", 4) == 0) {
        *w = be32(p + 16);
        *h = be32(p + 20);
        return true;
    }
    /* GIF89a section 18: the Logical Screen Descriptor after the header:
     * width (2), height (2), little-endian */
    if (strcmp(f, "GIF") == 0 && n >= 10) {
        *w = (uint32_t)(p[6] | p[7] << 8);
        *h = (uint32_t)(p[8] | p[9] << 8);
        return true;
    }
    return false;
}

/* ---------------------------------------------------------------- lines -- */

size_t dec_line_len(const uint8_t *p, size_t n)
{
    n = bound(n);
    size_t k = 0;
    while (k < n && p[k] != '\r' && p[k] != '\n')
        k++;
    return k;
}

bool dec_chunk_size_line(const uint8_t *p, size_t n, struct dec_span *digits, uint64_t *size)
{
    n = bound(n);
    if (n == 0 || dec_parse_chunk_size(p, n, size) <= 0)
        return false;
    size_t s = 0;
    while (s < n && ows(p[s]))
        s++;
    size_t e = s;
    while (e < n && hexval(p[e]) >= 0)
        e++;
    *digits = span(s, e - s);
    return true;
}
