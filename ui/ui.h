/* ui.h - what a person sees: the --json, --text and --stats writers, and
 * the ncurses stepper (ui_run)
 *
 * The writers and the UI are sinks of the decoder's events (struct
 * dec_sink); httpstep.c wires them. This is the only ui/ header other files
 * include.
 */
#ifndef HTTPSTEP_UI_H
#define HTTPSTEP_UI_H

#include "../decode/decode.h"

#include <stdio.h>

/* ------------------------------------------------------------------------ */
/* Transcript writers                                                        */

enum ui_format {
    UI_FORMAT_JSON,  /* JSON Lines, ../shared/spec/transcript.md */
    UI_FORMAT_TEXT,  /* a readable walk for a handout */
    UI_FORMAT_STATS  /* only the stats line */
};

struct ui_writer;

struct ui_writer_opts {
    enum ui_format format;
    FILE *out;
    bool live;       /* flush every line as soon as it is complete */
    bool utf8;       /* text: the locale is UTF-8 (else ASCII only) */
};

struct ui_capture_info {
    const char *source;     /* the file name, or the interface */
    const char *link_type;  /* "EN10MB" */
    int snaplen;
    bool live;
};

struct ui_stats {
    uint64_t frames, bytes, tcp_conns, http_conns, exchanges, notes, dropped;
};

struct ui_writer *ui_writer_new(const struct ui_writer_opts *o);
/* The dec_sink that writes every event. */
void ui_writer_sink(struct ui_writer *w, struct dec_sink *out);
void ui_writer_capture(struct ui_writer *w, const struct ui_capture_info *ci);
void ui_writer_stats(struct ui_writer *w, const struct ui_stats *st);
/* exchange lines written so far */
uint64_t ui_writer_exchanges(const struct ui_writer *w);
/* flush; false when writing failed (errno set) */
bool ui_writer_flush(struct ui_writer *w);
void ui_writer_free(struct ui_writer *w);

/* ------------------------------------------------------------------------ */
/* The stepper UI (ncurses)                                                  */

struct ui_run_opts {
    const char *file;           /* a capture file; NULL with no iface: the picker */
    const char *iface;          /* a live interface */
    const char *filter;         /* BPF expression, or NULL */
    const uint16_t *ports;      /* -p ports */
    size_t nports;
    const char *goto_spec;      /* "EXCHANGE[,STAGE]" (1-based; STAGE a name or number) */
    const char *lang;           /* "en", "zh", or NULL for the locale's */
    const char *samples_dir;    /* where samples/index.tsv is, or NULL to look */
    const char *write_file;     /* live: -w FILE */
    /* live: called once the interface is open (privileges are dropped
     * there, then the -w file opened); false stops with errbuf */
    bool (*after_open)(struct tr_capture *cap, void *ctx, char *errbuf);
    void *after_open_ctx;
    bool big;                   /* projector mode from the start */
    bool mono;                  /* no colors */
    size_t max_conns, max_ooo, max_header, max_headers, preview;
    size_t max_ui_exchanges;    /* exchanges of one connection whose details are kept */
};

/* Run the UI until the user quits; returns the exit status. Restores the
 * terminal on every path out, and before any fatal message. */
int ui_run(const struct ui_run_opts *o);
/* the key table as a Markdown table (README), from the same table as the
 * help screen */
void ui_keys_markdown(FILE *out);
/* Set up gettext for the learner text: lang "en", "zh" or NULL (the
 * locale); returns whether the terminal can show UTF-8. */
bool ui_i18n_init(const char *lang);

/* ------------------------------------------------------------------------ */
/* Shared text helpers                                                       */

/* JSON string escaping (RFC 8259): valid UTF-8 as is, every other byte as
 * \u00XX; appends to buf (cap bytes, always NUL-terminated); returns the
 * length the full escape needs */
size_t ui_json_escape(const char *s, size_t len, char *buf, size_t cap);

#endif
