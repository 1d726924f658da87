/* report.h - the written walks: the --json transcript, the --text
 * transcript and the --stats line (later the exports)
 *
 * A writer is a sink of the decoder's events (struct dec_sink): it reads
 * the model objects as they pass and writes them at once. httpstep.c wires
 * it to the pipeline. This is the only report/ header other layers include.
 */
#ifndef HTTPSTEP_REPORT_H
#define HTTPSTEP_REPORT_H

#include "../decode/decode.h"

#include <stdio.h>

enum rep_format {
    REP_FORMAT_JSON,  /* JSON Lines, ../shared/spec/transcript.md */
    REP_FORMAT_TEXT,  /* a readable walk for a handout */
    REP_FORMAT_STATS  /* only the stats line */
};

struct rep_writer;

struct rep_writer_opts {
    enum rep_format format;
    FILE *out;
    bool live;       /* flush every line as soon as it is complete */
    bool utf8;       /* text: the locale is UTF-8 (else ASCII only) */
};

struct rep_capture_info {
    const char *source;     /* the file name, or the interface */
    const char *link_type;  /* "EN10MB" */
    int snaplen;
    bool live;
};

/* the writer keeps out (a borrowed stream) until rep_writer_free */
struct rep_writer *rep_writer_new(const struct rep_writer_opts *o);
/* The dec_sink that writes every event. */
void rep_writer_sink(struct rep_writer *w, struct dec_sink *out);
void rep_writer_capture(struct rep_writer *w, const struct rep_capture_info *ci);
void rep_writer_stats(struct rep_writer *w, const struct dec_run_stats *st);
/* exchange lines written so far */
uint64_t rep_writer_exchanges(const struct rep_writer *w);
/* flush; false when writing failed (errno set) */
bool rep_writer_flush(struct rep_writer *w);
void rep_writer_free(struct rep_writer *w);

/* JSON string escaping (RFC 8259): valid UTF-8 as is, every other byte as
 * \u00XX; appends to buf (cap bytes, always NUL-terminated); returns the
 * length the full escape needs */
size_t rep_json_escape(const char *s, size_t len, char *buf, size_t cap);

#endif
