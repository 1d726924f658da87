/* sbuf.c - a growing string buffer for every layer that composes text
 * (sds.c and git's strbuf, much reduced) */
#include "tracer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tr_sb_put(struct tr_sbuf *b, const char *s, size_t n)
{
    tr_xgrow(&b->p, &b->cap, b->len + n + 1, 1);
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void tr_sb_str(struct tr_sbuf *b, const char *s)
{
    tr_sb_put(b, s, strlen(s));
}

void tr_sb_vprintf(struct tr_sbuf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n >= 0) {
        tr_xgrow(&b->p, &b->cap, b->len + (size_t)n + 1, 1);
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void tr_sb_printf(struct tr_sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tr_sb_vprintf(b, fmt, ap);
    va_end(ap);
}

void tr_sb_reset(struct tr_sbuf *b)
{
    b->len = 0;
    if (b->p)
        b->p[0] = '\0';
}

char *tr_sb_take(struct tr_sbuf *b)
{
    char *p = b->p ? b->p : tr_xstrdup("");
    memset(b, 0, sizeof *b);
    return p;
}

void tr_sb_free(struct tr_sbuf *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}
