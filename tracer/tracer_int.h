/* tracer_int.h - private to tracer/: the bounds-checked byte cursor
 *
 * Wire bytes are never cast to structs (tcpdump netdissect.h). A cursor
 * getter past the end returns 0 and sets trunc; a parser checks trunc once
 * per header. Lengths are compared with what is left, never by pointer sums.
 */
#ifndef HTTPSTEP_TRACER_INT_H
#define HTTPSTEP_TRACER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tr_cur {
    const uint8_t *p, *end;
    bool trunc;
};

static inline void cur_init(struct tr_cur *c, const uint8_t *p, size_t len)
{
    c->p = p;
    c->end = p + len;
    c->trunc = false;
}

static inline size_t cur_left(const struct tr_cur *c)
{
    return (size_t)(c->end - c->p);
}

static inline bool cur_has(const struct tr_cur *c, size_t n)
{
    return n <= cur_left(c);
}

static inline void cur_skip(struct tr_cur *c, size_t n)
{
    if (!cur_has(c, n)) {
        c->trunc = true;
        c->p = c->end;
        return;
    }
    c->p += n;
}

static inline uint8_t cur_u8(struct tr_cur *c)
{
    if (!cur_has(c, 1)) {
        c->trunc = true;
        return 0;
    }
    return *c->p++;
}

static inline uint16_t cur_be16(struct tr_cur *c)
{
    if (!cur_has(c, 2)) {
        c->trunc = true;
        c->p = c->end;
        return 0;
    }
    uint16_t v = (uint16_t)(c->p[0] << 8 | c->p[1]);
    c->p += 2;
    return v;
}

static inline uint16_t cur_le16(struct tr_cur *c)
{
    if (!cur_has(c, 2)) {
        c->trunc = true;
        c->p = c->end;
        return 0;
    }
    uint16_t v = (uint16_t)(c->p[1] << 8 | c->p[0]);
    c->p += 2;
    return v;
}

static inline uint32_t cur_be32(struct tr_cur *c)
{
    if (!cur_has(c, 4)) {
        c->trunc = true;
        c->p = c->end;
        return 0;
    }
    uint32_t v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 |
                 c->p[3];
    c->p += 4;
    return v;
}

static inline uint32_t cur_le32(struct tr_cur *c)
{
    if (!cur_has(c, 4)) {
        c->trunc = true;
        c->p = c->end;
        return 0;
    }
    uint32_t v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 |
                 c->p[0];
    c->p += 4;
    return v;
}

static inline void cur_copy(struct tr_cur *c, uint8_t *dst, size_t n)
{
    if (!cur_has(c, n)) {
        c->trunc = true;
        c->p = c->end;
        for (size_t i = 0; i < n; i++)
            dst[i] = 0;
        return;
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = c->p[i];
    c->p += n;
}

/* Sequence numbers compare modulo 2^32 (libnids util.h, RFC 9293 3.4). */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}
static inline bool seq_le(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}
static inline bool seq_gt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}

#endif
