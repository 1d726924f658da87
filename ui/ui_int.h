/* ui_int.h - private to ui/: the buffered output shared by the writers */
#ifndef HTTPSTEP_UI_INT_H
#define HTTPSTEP_UI_INT_H

#include "ui.h"

struct obuf {
    FILE *f;
    char *buf;
    size_t len, cap;
    bool err;
};

void ob_init(struct obuf *o, FILE *f);
void ob_done(struct obuf *o);
bool ob_flush(struct obuf *o);
void ob_put(struct obuf *o, const char *s, size_t n);
void ob_str(struct obuf *o, const char *s);
void ob_ch(struct obuf *o, char c);
void ob_u64(struct obuf *o, uint64_t v);
void ob_i64(struct obuf *o, int64_t v);
/* microseconds as seconds with six decimals */
void ob_secs(struct obuf *o, int64_t usec);
/* a JSON string in quotes; p NULL writes null */
void ob_jstr(struct obuf *o, const char *p, size_t n);
/* a line ends: flush when live */
void ob_eol(struct obuf *o, bool live);
/* the length of a valid UTF-8 sequence at p (RFC 3629), or 0 */
size_t ui_utf8_len(const unsigned char *p, size_t n);
void ob_printf(struct obuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct ui_writer {
    enum ui_format format;
    struct obuf ob;
    bool live, utf8;
    uint64_t exchanges;   /* exchange lines written */
    tr_time conn_t0;      /* text: the current connection's first packet */
    uint64_t text_conn;   /* text: the connection of the last line */
};

/* text.c: the --text callbacks */
void ui_text_sink(struct ui_writer *w, struct dec_sink *out);
void ui_text_capture(struct ui_writer *w, const struct ui_capture_info *ci);
void ui_text_stats(struct ui_writer *w, const struct ui_stats *st);

#endif
