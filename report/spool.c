/* spool.c - the chunks of a document in a temporary file, written as the
 * connections end and put in order when the capture ends (as sort(1) and
 * git's packing spill to a temporary file rather than keep it all) */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A number mark in a chunk: MARK_ON, the decimal row, MARK_OFF. Every
 * writer escapes control bytes of the wire (\xNN), so these two never come
 * from a capture. */
#define MARK_ON '\x01'
#define MARK_OFF '\x02'

bool rep_spool_open(struct rep_spool *s, char *errbuf)
{
    memset(s, 0, sizeof *s);
    s->f = tmpfile();
    if (!s->f) {
        snprintf(errbuf, TR_ERRBUF_SIZE, "cannot make a temporary file: %s", strerror(errno));
        return false;
    }
    rep_ob_init(&s->ob, s->f);
    return true;
}

void rep_spool_close(struct rep_spool *s)
{
    if (!s->f)
        return;
    free(s->ob.buf);
    fclose(s->f);
    free(s->ch);
    memset(s, 0, sizeof *s);
}

struct rep_obuf *rep_spool_begin(struct rep_spool *s, int64_t k1, int64_t k2, uint64_t conn,
                                 enum rep_chunk_kind kind, int64_t row)
{
    if (s->open)
        rep_spool_end(s);
    tr_xgrow(&s->ch, &s->cap, s->n + 1, sizeof *s->ch);
    s->ch[s->n] = (struct rep_chunk){k1, k2, s->seq++, conn, kind, row, rep_ob_tell(&s->ob), 0};
    s->open = true;
    return &s->ob;
}

void rep_spool_end(struct rep_spool *s)
{
    if (!s->open)
        return;
    struct rep_chunk *c = &s->ch[s->n++];
    c->len = rep_ob_tell(&s->ob) - c->off;
    s->open = false;
}

static int cmp_chunk(const void *pa, const void *pb)
{
    const struct rep_chunk *a = pa, *b = pb;
    if (a->k1 != b->k1)
        return a->k1 < b->k1 ? -1 : 1;
    if (a->k2 != b->k2)
        return a->k2 < b->k2 ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

bool rep_spool_sort(struct rep_spool *s)
{
    rep_spool_end(s);
    if (s->n)
        qsort(s->ch, s->n, sizeof *s->ch, cmp_chunk);
    return rep_ob_flush(&s->ob);
}

void rep_spool_num(struct rep_obuf *o, uint64_t k)
{
    rep_ob_ch(o, MARK_ON);
    rep_ob_u64(o, k);
    rep_ob_ch(o, MARK_OFF);
}

bool rep_spool_copy(struct rep_spool *s, const struct rep_chunk *c, struct rep_obuf *o,
                    uint64_t base)
{
    char buf[16384];
    if (fseeko(s->f, (off_t)c->off, SEEK_SET) != 0)
        return false;
    uint64_t left = c->len;
    bool in_mark = false;
    uint64_t k = 0;
    while (left > 0) {
        size_t want = left < sizeof buf ? (size_t)left : sizeof buf;
        size_t got = fread(buf, 1, want, s->f);
        if (got == 0)
            return false;
        left -= got;
        size_t run = 0;  /* plain bytes from i - run */
        for (size_t i = 0; i < got; i++) {
            char ch = buf[i];
            if (in_mark) {
                if (ch == MARK_OFF) {
                    rep_ob_u64(o, base + k + 1);
                    in_mark = false;
                } else {
                    k = k * 10 + (uint64_t)(ch - '0');
                }
                continue;
            }
            if (ch == MARK_ON) {
                rep_ob_put(o, buf + i - run, run);
                run = 0;
                in_mark = true;
                k = 0;
                continue;
            }
            run++;
        }
        rep_ob_put(o, buf + got - run, run);
    }
    return true;
}
