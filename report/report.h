/* report.h - the written walks: the --json and --text transcripts, the
 * --stats line, and the exports (--html, --md, --svg, --har)
 *
 * A writer is a sink of the decoder's events (struct dec_sink) that feeds
 * several outputs in one pass over a capture. The transcripts (JSON, and
 * text when live) are written as the events pass; the documents (text from
 * a file, HTML, Markdown, SVG, HAR) keep a struct dec_record per open
 * connection, made at its first event and written and freed at its end, so
 * memory stays bounded by the connections open at once (and the record's
 * caps). What they write goes to a temporary spool and is put in order
 * (connections by number, HAR entries by time) when the capture ends.
 * httpstep.c wires the writer to the pipeline; the UI calls
 * rep_export_exchange for one exchange of the record it shows. This is the
 * only report/ header other layers include.
 */
#ifndef HTTPSTEP_REPORT_H
#define HTTPSTEP_REPORT_H

#include "../decode/decode.h"

#include <stdio.h>

enum rep_format {
    REP_FORMAT_JSON,  /* JSON Lines, ../shared/spec/transcript.md */
    REP_FORMAT_TEXT,  /* a readable transcript, one connection's walk at a time */
    REP_FORMAT_STATS, /* only the stats line */
    REP_FORMAT_HTML,  /* a self-contained printable page: bytes, explanations, ladders */
    REP_FORMAT_MD,    /* the same walk as Markdown, wrapped at 80 columns */
    REP_FORMAT_SVG,   /* the ladder of one connection or exchange */
    REP_FORMAT_HAR,   /* HAR 1.2, timings from the packets */
    REP_FORMAT_COUNT
};

/* "json", "text", "stats", "html", "md", "svg", "har" */
const char *rep_format_name(enum rep_format f);

/* one more output of a writer: a format written to a stream (borrowed
 * until rep_writer_free); name says it in messages (a path, "standard
 * output") */
struct rep_output {
    enum rep_format format;
    FILE *out;
    const char *name;
};

struct rep_writer_opts {
    enum rep_format format;  /* the first output */
    FILE *out;               /* its stream; NULL: no first output */
    bool live;               /* flush every line as soon as it is complete */
    bool utf8;               /* text: the locale is UTF-8 (else ASCII only) */
    /* further outputs, each format at most once in all (the pointer is
     * borrowed for rep_writer_new only) */
    const struct rep_output *more;
    size_t nmore;
    /* body bytes shown: text, HTML and Markdown show printable bodies up to
     * this many bytes (0: REP_SHOW_DEFAULT); HAR content holds up to this
     * many (0: DEC_DEFAULT_PREVIEW) */
    size_t preview;
    /* HTML, Markdown, SVG, HAR: only the exchange the UI's list numbers
     * goto_x (1-based: connections in order, their exchanges in order, a
     * connection without exchanges one row); 0: the whole capture */
    uint64_t goto_x;
    /* --json: 2 (default: ../shared/spec/transcript.md version 2), or 1:
     * strictly version 1 (no version-2 lines or fields) for version-1 readers */
    int json_version;
};

#define REP_SHOW_DEFAULT 2048u  /* body bytes a written walk shows unless told */

struct rep_capture_info {
    const char *source;     /* the file name, or the interface */
    const char *link_type;  /* "EN10MB" */
    int snaplen;
    bool live;
};

/* Make a writer. Spooled outputs need a temporary file: NULL with errbuf
 * (TR_ERRBUF_SIZE) filled when it cannot be made. The writer keeps the
 * streams (borrowed) until rep_writer_free. */
struct rep_writer *rep_writer_new(const struct rep_writer_opts *o, char *errbuf);
/* The dec_sink that writes every event (it uses dec_conn.user). */
void rep_writer_sink(struct rep_writer *w, struct dec_sink *out);
/* the body bytes each body stage must keep for these outputs (the
 * pipeline's preview), and whether they need content decoding */
size_t rep_writer_preview(const struct rep_writer *w);
void rep_writer_capture(struct rep_writer *w, const struct rep_capture_info *ci);
/* The end of the capture (after dec_pipeline_finish): the stats line, and
 * every document put together and written. */
void rep_writer_stats(struct rep_writer *w, const struct dec_run_stats *st);
/* exchanges written so far (-c COUNT) */
uint64_t rep_writer_exchanges(const struct rep_writer *w);
/* with goto_x: did the capture have that exchange? *total: its rows (after
 * rep_writer_stats) */
bool rep_writer_goto_found(const struct rep_writer *w, uint64_t *total);
/* flush every output; false when writing one failed (errno set), and
 * rep_writer_failed names it */
bool rep_writer_flush(struct rep_writer *w);
const char *rep_writer_failed(const struct rep_writer *w);
void rep_writer_free(struct rep_writer *w);

/* ------------------------------------------------------------------------ */
/* One exchange of a record, for the UI's export key                        */

struct rep_export_opts {
    enum rep_format format;  /* REP_FORMAT_HTML, _MD, _SVG or _HAR */
    const char *path;        /* the file written (replaced) */
    const char *source;      /* the capture's name, for the title, or NULL */
    uint64_t number;         /* the exchange's number in the UI's list (0: none) */
    int stage;               /* a stage of the record to highlight, -1: none */
    size_t preview;          /* as rep_writer_opts.preview */
};

/* Write exchange `exchange` (0-based on the record's connection, as
 * dec_stage.exchange) of a record the caller keeps (linked with
 * dec_record_link) to o->path, in the current teach/ language. Returns
 * true, or false with errbuf (TR_ERRBUF_SIZE) saying why, e.g.
 * "cannot write 'x.html': Permission denied". */
bool rep_export_exchange(const struct dec_record *r, int64_t exchange,
                         const struct rep_export_opts *o, char *errbuf);

/* JSON string escaping (RFC 8259): valid UTF-8 as is, every other byte as
 * \u00XX; appends to buf (cap bytes, always NUL-terminated); returns the
 * length the full escape needs */
size_t rep_json_escape(const char *s, size_t len, char *buf, size_t cap);

/* ------------------------------------------------------------------------ */
/* Lab mode (issue 19): the questions teach/ made of a capture (struct      */
/* teach_lab, teach/teach.h) on paper and on a terminal.                    */

struct teach_lab;
/* The worksheet (answers false: each question, its choices and how it is
 * checked, with room to answer) or the key (answers true: the answer, why,
 * and the stage and frame that hold it), in the current teach/ language.
 * False when out could not be written. */
bool rep_lab_sheet(const struct teach_lab *l, const char *source, bool answers, FILE *out);
/* The quiz: each question on out, an answer read as a line of in ("hint"
 * says where the answer is, an empty line skips), checked at once; the
 * score at the end (also when in ends early). Returns the right answers. */
size_t rep_lab_quiz(const struct teach_lab *l, const char *source, FILE *in, FILE *out);

/* A teacher's lesson (struct teach_lesson, teach/teach.h, bound to its
 * capture) as a worksheet (answers false: the introduction, each step's
 * place, what is said there and its questions with room to answer) or as
 * its key (answers true: each answer and why), in the current teach/
 * language. False when out could not be written. */
struct teach_lesson;
bool rep_lesson_sheet(const struct teach_lesson *ls, bool answers, FILE *out);
/* The lesson without the UI: its introduction, each step's place and what
 * is said there, its questions read from in and checked one by one (a hint
 * names the step's place), the score at the end. The number right. */
size_t rep_lesson_quiz(const struct teach_lesson *ls, FILE *in, FILE *out);

#endif
