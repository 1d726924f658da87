/* palette.c - the colours of the roles, one table for the screen and the
 * printed exports (teach.h's TEACH_ROLE_LIST) */
#include "teach.h"

static const struct teach_colour colours[TEACH_ROLE_COUNT] = {
#define X(id, css, afg, abg, fg, bg) [TEACH_ROLE_##id] = {css, afg, abg, fg, bg},
    TEACH_ROLE_LIST(X)
#undef X
};

const struct teach_colour *teach_role_colour(enum teach_role r)
{
    return (unsigned)r < TEACH_ROLE_COUNT ? &colours[r] : &colours[TEACH_ROLE_NORMAL];
}

enum teach_role teach_status_role(int status)
{
    switch (status / 100) {
    case 2:
        return TEACH_ROLE_OK;
    case 3:
        return TEACH_ROLE_REDIRECT;
    case 4:
        return TEACH_ROLE_CLIENT_ERR;
    case 5:
        return TEACH_ROLE_SERVER_ERR;
    default:
        return TEACH_ROLE_NORMAL;
    }
}

/* the streams' palette: consecutive streams far apart in hue; on a dark
 * terminal and on white paper alike (yellow's paper form is a dark amber) */
static const struct teach_colour streams[TEACH_STREAM_COLOURS] = {
    {"stream-0", 5, -1, 0xa0249a, 0xf8e6f7},  /* magenta */
    {"stream-1", 6, -1, 0x00727f, 0xdff3f5},  /* cyan */
    {"stream-2", 3, -1, 0x8a5a00, 0xfff1d6},  /* yellow, amber on paper */
    {"stream-3", 4, -1, 0x1f4fbf, 0xe4ebfb},  /* blue */
    {"stream-4", 2, -1, 0x2e7d32, 0xe6f3e6},  /* green */
    {"stream-5", 1, -1, 0xc0261b, 0xfdeceb},  /* red */
};

int teach_stream_slot(uint32_t stream)
{
    if (!stream)
        return -1;
    /* odd: the client's, in order; even: pushed, half the palette on */
    uint32_t k = stream & 1 ? (stream - 1) / 2 : stream / 2 - 1 + TEACH_STREAM_COLOURS / 2;
    return (int)(k % TEACH_STREAM_COLOURS);
}

const struct teach_colour *teach_stream_colour(int slot)
{
    return slot >= 0 && slot < TEACH_STREAM_COLOURS ? &streams[slot] : &colours[TEACH_ROLE_NORMAL];
}

