/* view.h - private to ui/: the stepper UI's state, shared by the loop and
 * layout (app.c), the navigation over the model (nav.c) and the panes
 * (view_*.c). Each pane is a view with an ops table and a state of its own
 * (tig view.h, htop Panel.h); key handlers return flags and the loop
 * redraws once (htop ScreenManager.c).
 */
#ifndef HTTPSTEP_UI_VIEW_H
#define HTTPSTEP_UI_VIEW_H

#include "app.h"
#include "keys.h"
#include "screen.h"

enum pane { PANE_LIST, PANE_LADDER, PANE_BYTES, PANE_EXPLAIN, PANE_COUNT };
enum bytes_mode { BYTES_HEX, BYTES_TEXT, BYTES_DECODED, BYTES_MODES };

#define SLICE_US 15000      /* reading per loop turn, so keys answer at once */
#define LIVE_ROWS 16384     /* live: the list keeps the latest rows, at most this many */
#define PLAY_DEFAULT_MS 2500

/* what a key handler did (htop's HandlerResult) */
enum {
    UI_HANDLED = 1 << 0,    /* the key was for this handler */
    UI_REDRAW = 1 << 1,     /* the screen must be drawn again */
    UI_QUIT = 1 << 2        /* leave the UI */
};

struct rect {
    int y, x, h, w;
};

/* a pass of the pipeline over the capture: the main one (the index), or a
 * detail pass over one connection */
struct pass {
    struct dec_pipeline *pipe;
    const bool *stop;           /* done as soon as this is true (a record's window is full) */
    bool open, done, failed;
    char err[TR_ERRBUF_SIZE];
};

/* ---------------------------------------------------- each view's state -- */

struct list_state {
    size_t top;                 /* the first row shown */
};

/* the ladder, the bytes and the explanation scroll; a pane scrolled by hand
 * stops following the current stage until the stage changes */
struct scroll_state {
    int top;
    bool manual;
};

/* the ladder's cursor is a packet (by frame number: a live record drops
 * its oldest packets); Enter shows the detail of the packet under it */
struct ladder_state {
    struct scroll_state s;
    int first;                  /* the packet on its first row (for the mouse) */
    int rows;                   /* packet rows at the last draw */
    uint64_t cursor;            /* the frame under the cursor; 0: the stage's first packet */
    uint64_t picked;            /* the frame whose detail the explanation shows; 0 none */
};

struct bytes_state {
    struct scroll_state s;
    enum bytes_mode mode;
};

/* the explanation is built once, when its stage is entered (and again only
 * when the record grows under it: loading, live) */
struct explain_state {
    struct scroll_state s;
    struct tr_sbuf text;
    const struct dec_record *rec;  /* what the text was built from */
    int stage;
    uint64_t picked;            /* the packet detail shown instead, 0 none */
    uint64_t version;
    int lines, rows;            /* wrapped lines of the text; rows shown at the last draw */
    int page_cols;              /* columns of text on the rows shown (autoplay's reading time) */
};

struct live_rec;

/* a search, done a row at a time between keys: it reads each candidate
 * connection into a record of its own, so the place shown stays */
struct search_state {
    bool active;
    size_t start;               /* the row selected when it began */
    size_t done;                /* rows after it looked at */
    struct dec_record rec;      /* the connection being looked into */
    struct pass pass;
    uint64_t conn;              /* rec's connection (the index's id), 0 none */
};

struct app {
    const struct ui_run_opts *o;
    struct ui_screen scr;
    bool utf8;
    const char *source;
    off_t file_size;
    /* the index, from the main pass */
    struct ui_index ix;
    struct pass main;
    /* the details of one connection, from a detail pass */
    struct dec_record *det;     /* the shown connection: &filedet, or live's record */
    struct dec_record filedet;
    struct pass detp;
    uint64_t det_conn;          /* the real id of the connection in det, 0 none */
    uint64_t det_trimmed;       /* live: det->trimmed when the stage was set */
    int stage;                  /* in det->stgs, -1 none */
    int64_t want_x;             /* once loaded, go to this exchange's first stage ... */
    int want_kind;              /* ... or to the first stage of this kind, -1 */
    int want_nth;               /* ... the nth of that kind in the exchange (0 first) */
    bool want_final;            /* ... not counting an interim response's stages */
    bool want_last;             /* ... or to the last stage */
    bool want_lookup;           /* ... or to step 0 when the handshake asked for has it */
    bool next_lookup;           /* the next selection walks on into a connection: step 0 */
    /* the selected row of the list */
    size_t sel;
    bool goto_done;
    /* panes */
    int focus, zoom;
    struct list_state list;
    struct ladder_state ladder;
    struct bytes_state bytes;
    struct explain_state explain;
    bool help;
    int help_top, help_page;    /* the help's first row; rows in a page */
    bool big;
    bool playing;
    int play_ms;
    int64_t next_play;
    bool searching;
    char input[128];
    size_t ninput;
    char query[128];
    bool hl_search;             /* show the query's matches (after a search found one) */
    struct search_state srch;
    char msg[TR_ERRBUF_SIZE];
    unsigned keylog_warnings;   /* key log warnings seen (the first is shown) */
    bool play_arm;              /* autoplay: time the next step once the text is drawn */
    /* live */
    bool live;
    bool follow;                /* show the newest stage as it arrives */
    uint64_t arrived;           /* stages that arrived */
    uint64_t unseen_base;       /* arrived when following stopped */
    uint64_t unseen;            /* stages that arrived while not following */
    uint64_t newest_conn;       /* the connection of the newest stage */
    bool newest_pending;
    struct dec_sink ixsink;
    struct live_rec *recs;      /* the details of recent connections */
    size_t nrecs;
    struct dec_record gone;     /* shown for a connection whose details were dropped */
    int step_x[DEC_STEP_MAX + 2];  /* where each step's label starts (mouse) */
    struct rect r_title, r_list, r_steps, r_ladder, r_bytes, r_explain, r_timing, r_status,
        r_footer;
    struct ui_lab *lab;         /* lab mode (ui/lab.c), NULL until L or w */
    bool small;                 /* the window is too small */
    bool dirty;                 /* something changed outside a key: draw again */
};

/* A pane of the screen. Views draw from the model (the record, the index)
 * and their own state, never inside the decoder's callbacks. */
struct ui_view {
    const char *name;           /* for messages */
    const char *help;           /* what it shows, for the help screen (untranslated) */
    /* draw the whole pane into r */
    void (*draw)(struct app *a, const struct rect *r);
    /* an action of the key table while the pane has the focus; UI_* flags,
     * 0 when the pane does not use it */
    int (*key)(struct app *a, enum ui_action act);
    /* a mouse event at (y, x) inside r; UI_* flags */
    int (*mouse)(struct app *a, const struct rect *r, int y, int x, mmask_t bstate);
    /* the current stage changed, or its record grew: follow it */
    void (*enter)(struct app *a);
    /* the pane has a new size */
    void (*resize)(struct app *a, const struct rect *r);
};

extern const struct ui_view ui_view_list, ui_view_ladder, ui_view_bytes, ui_view_explain;
/* indexed by enum pane */
extern const struct ui_view *const ui_views[PANE_COUNT];

/* app.c, for the views */
int ui_app_attr(const struct app *a, enum ui_color c);
void ui_app_put(struct app *a, const struct rect *r, int y, int x, const char *s, int at);
void ui_app_clear(const struct rect *r);
/* the title row of a pane, highlighted when it has the focus */
void ui_app_pane_title(struct app *a, const struct rect *r, enum pane p, const char *title);
void ui_app_fmt_bytes(char *buf, size_t n, uint64_t v);
void ui_app_fmt_dur(char *buf, size_t n, int64_t us);
void ui_app_fmt_count(char *buf, size_t n, uint64_t v);
void ui_app_fmt_endpoint(char *buf, size_t n, const struct tr_endpoint *e);
const struct rect *ui_app_pane_rect(const struct app *a, enum pane p);
/* rows a page of the pane scrolls */
int ui_app_page(const struct app *a, enum pane p);
/* scroll a pane by delta rows (by hand); UI_* flags */
int ui_scroll(struct scroll_state *s, int delta);
/* the scroll actions (up, down, page, home, end) on a scrolling pane */
int ui_scroll_key(struct app *a, enum pane p, struct scroll_state *s, enum ui_action act,
                  int end_top);

/* nav.c: the passes, the selection and the walk through the stages */
bool ui_pass_open(struct app *a, struct pass *p, const struct dec_sink *sink,
                  const struct tr_endpoint *only, int64_t offset, uint64_t first_frame,
                  uint64_t stop_after, size_t preview);
bool ui_pass_step(struct pass *p, int64_t budget);
void ui_pass_close(struct pass *p);
struct ui_row *ui_app_row(struct app *a, size_t pos);
struct ui_crow *ui_app_row_conn(struct app *a, const struct ui_row *r);
int ui_stage_count(const struct app *a);
const struct dec_stage *ui_stage(const struct app *a);
int64_t ui_stage_exchange(const struct app *a, int k);
void ui_set_stage(struct app *a, int k);
/* select a row; kind >= 0: go to that stage kind in its exchange; last:
 * the connection's last stage */
void ui_select_row(struct app *a, size_t pos, int kind, bool last);
void ui_next_stage(struct app *a, int dir);
void ui_next_exchange(struct app *a, int dir);
void ui_resolve_want(struct app *a);
void ui_apply_goto(struct app *a);
/* a search for a->query from the selected row on; each step looks at rows
 * for up to budget microseconds (true while it goes on) */
void ui_search_start(struct app *a);
/* the export key: the selected exchange as HTML and SVG files in the current
 * directory (export.c); a->msg says where, or why not */
void ui_export_exchange(struct app *a);
/* the keys of the search line and of the help (view_bars.c); UI_* flags */
int ui_search_key(struct app *a, int ch);
int ui_help_key(struct app *a, enum ui_action act, int ch);
bool ui_search_step(struct app *a, int64_t budget);
void ui_search_stop(struct app *a);
void ui_follow_newest(struct app *a);
/* live: every event to the index and to its connection's record */
void ui_live_sink(struct app *a, struct dec_sink *out);
void ui_live_free(struct app *a);
/* the shown record changed under the stage (live trimming): keep the place */
void ui_live_sync(struct app *a);
/* live, before any exchange: what is listened to, and what came */
void ui_live_waiting(struct app *a, char *buf, size_t n);

/* packet.c: a packet of the record (index k in d->pkts) */
enum ui_label_form {
    UI_LABEL_FULL,              /* "Status line + Response headers" */
    UI_LABEL_BRIEF,             /* "Status+Resp.hdr" */
    UI_LABEL_NUMBER             /* "4+5" */
};
/* the stages it carries (indexes into d->stgs, walk order), at most max */
size_t ui_pkt_stages(const struct dec_record *d, size_t k, int *out, size_t max);
/* those stages as one label ("" for none); several messages in one
 * segment are counted ("3 requests: ...") */
void ui_pkt_label(const struct dec_record *d, size_t k, enum ui_label_form form, char *buf,
                  size_t n);
/* HTTP/2: the first stream whose stages it carries (0: none, the
 * connection's own frames or no HTTP/2); *mixed set when it carries stages
 * of another stream as well */
uint32_t ui_pkt_stream(const struct dec_record *d, size_t k, bool *mixed);
/* the record holds a stage of some HTTP/2 stream */
bool ui_record_streams(const struct dec_record *d);
/* TCP flags by name ("SYN", "PSH", "ACK"), joined by sep */
void ui_tcp_flags(char *buf, size_t n, uint8_t flags, const char *sep);
/* its detail, appended to out: one fact a line */
void ui_packet_detail(const struct dec_record *d, size_t k, struct tr_sbuf *out);

/* lab.c (issue 19): L opens the lab, w turns "what comes next?" on and off */
void ui_lab_open(struct app *a);
void ui_lab_next_toggle(struct app *a);
bool ui_lab_next_on(const struct app *a);
/* a question is on screen: every key goes to ui_lab_key (UI_* flags; 0: a
 * lesson's box with nothing to type into leaves the key to the screen) */
bool ui_lab_active(const struct app *a);
int ui_lab_key(struct app *a, int ch);
/* before a step forward: true when a "what comes next?" question was put up */
bool ui_lab_before_next(struct app *a);
/* a teacher's lesson (--lesson, or a sample's): started on the intro when
 * the capture is read; T brings it back at its step */
void ui_lesson_start(struct app *a, const struct teach_lesson *ls);
void ui_lesson_open(struct app *a);
/* go to exchange n (1-based, the list's), at a stage of kind (-1: none) or
 * its nth stage (nth > 0), as --goto; false when there is no exchange n */
bool ui_goto(struct app *a, size_t n, int kind, long nth);
void ui_lab_draw(struct app *a);
void ui_lab_free(struct app *a);

/* view_explain.c: the lines the explanation takes at width w */
int ui_explain_lines(struct app *a, int w);

/* view_bars.c */
void ui_bar_title(struct app *a);
void ui_bar_steps(struct app *a);
void ui_bar_timing(struct app *a);
void ui_bar_status(struct app *a);
void ui_bar_footer(struct app *a);
void ui_bar_help(struct app *a);

#endif
