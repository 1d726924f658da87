/* ui.h - the ncurses stepper (ui_run): the exchanges, the packets on a
 * ladder, the bytes of each stage and its explanation
 *
 * It reads captures through the decoder's pipeline and the learner's text
 * from teach/. This is the only ui/ header other files include.
 */
#ifndef HTTPSTEP_UI_H
#define HTTPSTEP_UI_H

#include "../decode/decode.h"

#include <stdio.h>

struct teach_lesson;

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
    const char *samples_dir;    /* where the samples and their lessons/ are, or NULL to look */
    const char *write_file;     /* live: -w FILE */
    /* live: called once the interface is open (privileges are dropped
     * there, then the -w file opened); false stops with errbuf */
    bool (*after_open)(struct tr_capture *cap, void *ctx, char *errbuf);
    void *after_open_ctx;
    bool big;                   /* projector mode from the start */
    bool mono;                  /* no colors */
    size_t max_conns, max_ooo, max_header, max_headers, preview;
    size_t max_ui_exchanges;    /* exchanges of one connection whose details are kept */
    int snaplen;                /* live: bytes kept per packet (0: the default) */
    int buffer_kib;             /* live: -B, the kernel's capture buffer in KiB (0: default) */
    const char *const *keylogs; /* --keylog files (TLS secrets) */
    size_t nkeylogs;
    struct teach_lesson *lesson; /* --lesson: a lesson read and bound to `file` (teach.h;
                                  * borrowed), walked from the start; NULL none */
};

/* Run the UI until the user quits; returns the exit status. Restores the
 * terminal on every path out, and before any fatal message. */
int ui_run(const struct ui_run_opts *o);
/* the key table as a Markdown table (README), from the same table as the
 * help screen */
void ui_keys_markdown(FILE *out);

#endif
