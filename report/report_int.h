/* report_int.h - private to report/: the buffered output shared by the writers */
#ifndef HTTPSTEP_REPORT_INT_H
#define HTTPSTEP_REPORT_INT_H

#include "report.h"

#include <string.h>

struct rep_obuf {
    FILE *f;
    char *buf;
    size_t len, cap;
    bool err;
};

void rep_ob_init(struct rep_obuf *o, FILE *f);
void rep_ob_done(struct rep_obuf *o);
bool rep_ob_flush(struct rep_obuf *o);
/* make room for n more bytes: write out what is buffered (and grow the
 * buffer when n is larger than it) */
void rep_ob_room(struct rep_obuf *o, size_t n);
/* inline: --json calls these for every field (7% of its time as calls) */
static inline void rep_ob_put(struct rep_obuf *o, const char *s, size_t n)
{
    if (n > o->cap - o->len)
        rep_ob_room(o, n);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}
static inline void rep_ob_ch(struct rep_obuf *o, char c)
{
    if (o->len == o->cap)
        rep_ob_room(o, 1);
    o->buf[o->len++] = c;
}
void rep_ob_str(struct rep_obuf *o, const char *s);
void rep_ob_u64(struct rep_obuf *o, uint64_t v);
void rep_ob_i64(struct rep_obuf *o, int64_t v);
/* microseconds as seconds with six decimals */
void rep_ob_secs(struct rep_obuf *o, int64_t usec);
/* a JSON string in quotes; p NULL writes null */
void rep_ob_jstr(struct rep_obuf *o, const char *p, size_t n);
/* a line ends: flush when live */
void rep_ob_eol(struct rep_obuf *o, bool live);
void rep_ob_printf(struct rep_obuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct rep_writer {
    enum rep_format format;
    struct rep_obuf ob;
    bool live, utf8;
    uint64_t exchanges;   /* exchange lines written */
    tr_time conn_t0;      /* text: the current connection's first packet */
    uint64_t text_conn;   /* text: the connection of the last line */
};

/* text.c: the --text callbacks */
void rep_text_sink(struct rep_writer *w, struct dec_sink *out);
void rep_text_capture(struct rep_writer *w, const struct rep_capture_info *ci);
void rep_text_stats(struct rep_writer *w, const struct dec_run_stats *st);

#endif
