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
