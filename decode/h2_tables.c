/* h2_tables.c - HTTP/2's names (frame types, flags, error codes, settings,
 * and the engine's own: stream ends, block kinds, notes), and the pure
 * helpers: the client preface, frames that look written by a sender, the
 * HTTP2-Settings value (RFC 9113 3.4, 4.1, 6, 7, 11; RFC 7540 3.2.1)
 */
#include "h2_impl.h"

#include <string.h>

const char *dec_h2_type_name(unsigned type)
{
    switch (type) {
#define X(id, v, name)                                                                             \
    case v:                                                                                        \
        return name;
        DEC_H2_TYPE_LIST(X)
#undef X
    }
    return NULL;
}

const char *dec_h2_error_name(uint32_t code)
{
    switch (code) {
#define X(id, v)                                                                                   \
    case v:                                                                                        \
        return #id;
        DEC_H2_ERROR_LIST(X)
#undef X
    }
    return NULL;
}

const char *dec_h2_setting_name(uint16_t id)
{
    switch (id) {
#define X(sid, v, def, name)                                                                       \
    case v:                                                                                        \
        return name;
        DEC_H2_SETTING_LIST(X)
#undef X
    }
    return NULL;
}

#define NAME_OF(list, k)                                                                           \
    do {                                                                                           \
        static const char *const names[] = {list(X)};                                              \
        return (unsigned)(k) < sizeof names / sizeof names[0] ? names[k] : NULL;                   \
    } while (0)

const char *dec_h2_end_name(enum dec_h2_end how)
{
#define X(id, name) name,
    NAME_OF(DEC_H2_END_LIST, how);
#undef X
}

const char *dec_h2_block_name(enum dec_h2_block_kind k)
{
#define X(id, name) name,
    NAME_OF(DEC_H2_BLOCK_LIST, k);
#undef X
}

const char *dec_h2_note_name(enum dec_h2_note_kind k)
{
#define X(id, name) name,
    NAME_OF(DEC_H2_NOTE_LIST, k);
#undef X
}

const char *dec_h2_problem_name(enum dec_h2_problem p)
{
#define X(id, kind, name) name,
    NAME_OF(DEC_H2_PROBLEM_LIST, p);
#undef X
}

enum dec_h2_note_kind dec_h2_problem_kind(enum dec_h2_problem p)
{
    static const enum dec_h2_note_kind kinds[] = {
#define X(id, kind, name) DEC_H2_NOTE_##kind,
        DEC_H2_PROBLEM_LIST(X)
#undef X
    };
    return (unsigned)p < sizeof kinds / sizeof kinds[0] ? kinds[p] : DEC_H2_NOTE_MALFORMED;
}

static const struct {
    uint8_t bit;
    unsigned types;
    const char *name;
} flag_tab[] = {
#define X(id, bit, types, name) {bit, types, name},
    DEC_H2_FLAG_LIST(X)
#undef X
};

/* the flags frame type `type` defines (RFC 9113 6) */
static uint8_t defined_flags(unsigned type)
{
    uint8_t m = 0;
    for (size_t i = 0; i < sizeof flag_tab / sizeof flag_tab[0]; i++)
        if (type < DEC_H2_TYPE_COUNT && (flag_tab[i].types & (1u << type)))
            m |= flag_tab[i].bit;
    return m;
}

size_t dec_h2_flag_names(unsigned type, uint8_t flags, const char **names, size_t max)
{
    size_t n = 0;
    for (unsigned bit = 1; bit < 0x100; bit <<= 1)
        for (size_t i = 0; i < sizeof flag_tab / sizeof flag_tab[0]; i++)
            if ((flags & bit) && flag_tab[i].bit == bit && type < DEC_H2_TYPE_COUNT &&
                (flag_tab[i].types & (1u << type)) && n < max)
                names[n++] = flag_tab[i].name;
    return n;
}

/* ------------------------------------------------------------ pure helpers -- */

int dec_h2_match_preface(const uint8_t *buf, size_t len)
{
    size_t n = len < DEC_H2_PREFACE_LEN ? len : DEC_H2_PREFACE_LEN;
    if (n > 0 && memcmp(buf, DEC_H2_PREFACE, n) != 0)
        return DEC_INVALID;
    return n == DEC_H2_PREFACE_LEN ? DEC_H2_PREFACE_LEN : DEC_INCOMPLETE;
}

/* the bytes a frame type's payload must start with, given its flags */
uint32_t dec_h2_fixed_size(unsigned type, uint8_t flags)
{
    switch (type) {
    case DEC_H2_DATA:
        return (flags & DEC_H2_F_PADDED) ? 1 : 0;
    case DEC_H2_HEADERS:
        return ((flags & DEC_H2_F_PADDED) ? 1 : 0) + ((flags & DEC_H2_F_PRIORITY) ? 5 : 0);
    case DEC_H2_PUSH_PROMISE:
        return ((flags & DEC_H2_F_PADDED) ? 1 : 0) + 4;
    case DEC_H2_PRIORITY:
        return 5;
    case DEC_H2_RST_STREAM:
    case DEC_H2_WINDOW_UPDATE:
        return 4;
    case DEC_H2_PING:
    case DEC_H2_GOAWAY:
        return 8;
    default:
        return 0;
    }
}

/* Could these 9 bytes be a frame header a sender wrote (RFC 9113 4.1, 6)?
 * Stricter than the reader: unknown types and undefined flags count against. */
static bool plausible(const uint8_t *h, uint32_t maxlen, bool first)
{
    uint32_t len = h2_be24(h), stream = h2_be32(h + 5);
    unsigned type = h[3];
    uint8_t flags = h[4];
    if (type >= DEC_H2_TYPE_COUNT || (flags & ~defined_flags(type)) || (stream >> 31) ||
        len > maxlen || len < dec_h2_fixed_size(type, flags))
        return false;
    switch (type) {
    case DEC_H2_SETTINGS:
        return stream == 0 && len % 6 == 0 && (!(flags & DEC_H2_F_ACK) || len == 0);
    case DEC_H2_PING:
        return stream == 0 && len == 8;
    case DEC_H2_GOAWAY:
        return stream == 0;
    case DEC_H2_WINDOW_UPDATE:
        return len == 4;
    case DEC_H2_PRIORITY:
        return stream != 0 && len == 5;
    case DEC_H2_RST_STREAM:
        return stream != 0 && len == 4;
    case DEC_H2_CONTINUATION:
        return stream != 0 && !first;
    default:
        return stream != 0;
    }
}

/* Does a frame start at b[0]? Yes when its header is plausible and so is
 * the next one, with a frame of some length between them: zero-length frames
 * are what stray bytes most often look like, so up to 4 headers are read
 * while all are empty. A CONTINUATION must come exactly where one is due.
 * At the end of the bytes, frames that end exactly there will do. */
enum h2_chain dec_h2_chain_at(const uint8_t *b, size_t n, uint32_t maxlen, bool at_end)
{
    size_t at = 0;
    bool open_block = false, substance = false;
    uint32_t prev_stream = 0;
    for (int k = 0; k < 4; k++) {
        if (at > n || n - at < DEC_H2_FRAME_HEADER) {
            if (at_end)
                return k >= 1 && at == n ? CHAIN_YES : CHAIN_NO;
            return CHAIN_MORE;
        }
        const uint8_t *h = b + at;
        uint32_t stream = h2_be32(h + 5);
        bool cont = h[3] == DEC_H2_CONTINUATION && stream == prev_stream;
        if ((k > 0 && open_block != cont) || !plausible(h, maxlen, !open_block))
            return CHAIN_NO;
        if (k > 0 && substance)
            return CHAIN_YES;
        uint32_t len = h2_be24(h);
        substance = len > 0;
        open_block = (h[3] == DEC_H2_HEADERS || h[3] == DEC_H2_PUSH_PROMISE || cont) &&
                     !(h[4] & DEC_H2_F_END_HEADERS);
        prev_stream = stream;
        at += DEC_H2_FRAME_HEADER + (size_t)len;
    }
    return CHAIN_YES;
}

int dec_h2_sniff_frames(const uint8_t *buf, size_t len)
{
    switch (dec_h2_chain_at(buf, len, 16384, false)) {
    case CHAIN_YES:
        return (int)(DEC_H2_FRAME_HEADER + h2_be24(buf));
    case CHAIN_MORE:
        /* one whole frame and nothing after it is a yes too */
        if (len >= DEC_H2_FRAME_HEADER && dec_h2_chain_at(buf, len, 16384, true) == CHAIN_YES)
            return (int)len;
        return DEC_INCOMPLETE;
    default:
        return DEC_INVALID;
    }
}

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

int dec_h2_parse_settings_b64(const char *s, size_t len, struct dec_h2_setting *out, size_t max,
                              size_t *n)
{
    *n = 0;
    while (len && (s[0] == ' ' || s[0] == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    while (len && s[len - 1] == '=')  /* RFC 7540 3.2.1 says no padding; accept it */
        len--;
    if (len % 4 == 1)
        return DEC_INVALID;
    uint32_t acc = 0;
    unsigned bits = 0;
    uint8_t ent[6];
    size_t got = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_value(s[i]);
        if (v < 0)
            return DEC_INVALID;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits < 8)
            continue;
        bits -= 8;
        ent[got++] = (uint8_t)(acc >> bits);
        acc &= (1u << bits) - 1;
        if (got == 6) {  /* RFC 9113 6.5.1: identifier (16), value (32) */
            if (*n < max)
                out[*n] = (struct dec_h2_setting){(uint16_t)(ent[0] << 8 | ent[1]),
                                                  h2_be32(ent + 2)};
            (*n)++;
            got = 0;
        }
    }
    return got == 0 && acc == 0 ? 0 : DEC_INVALID;
}
