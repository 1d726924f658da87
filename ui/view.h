/* view.h - private to ui/: the stepper UI's state, shared by the loop
 * (app.c) and the views (view_*.c); each pane is a view with an ops table
 * (tig view.h) */
#ifndef HTTPSTEP_UI_VIEW_H
#define HTTPSTEP_UI_VIEW_H

#include "app.h"
#include "screen.h"

enum pane { PANE_LIST, PANE_LADDER, PANE_BYTES, PANE_EXPLAIN, PANE_COUNT };
enum bytes_mode { BYTES_HEX, BYTES_TEXT, BYTES_DECODED, BYTES_MODES };

#define SLICE_US 15000      /* reading per loop turn, so keys answer at once */
#define PLAY_DEFAULT_MS 2500

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

struct live_rec;

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
    struct dec_record *det;      /* the shown connection: &filedet, or live's record */
    struct dec_record filedet;
    struct pass detp;
    uint64_t det_conn;          /* the real id of the connection in det, 0 none */
    uint64_t det_trimmed;       /* live: det->trimmed when the stage was set */
    int stage;                  /* in det.stgs, -1 none */
    int64_t want_x;             /* once loaded, go to this exchange's first stage ... */
    int want_kind;              /* ... or to the first stage of this kind, -1 */
    bool want_last;             /* ... or to the last stage */
    /* the list */
    size_t sel, list_top;
    bool goto_done;
    /* panes */
    int focus, zoom;
    int top[PANE_COUNT];
    bool manual[PANE_COUNT];    /* scrolled by hand: do not follow the stage */
    int bytes_mode;
    bool help;
    int help_top, help_page;      /* the help's first row; rows in a page */
    bool big;
    bool playing;
    int play_ms;
    int64_t next_play;
    bool searching;
    char input[128];
    size_t ninput;
    char query[128];
    char msg[TR_ERRBUF_SIZE];
    /* live */
    bool live;
    bool follow;                /* show the newest stage as it arrives */
    uint64_t unseen;            /* stages that arrived while not following */
    uint64_t newest_conn;       /* the connection of the newest stage */
    bool newest_pending;
    struct dec_sink ixsink;
    struct live_rec *recs;      /* the details of recent connections */
    size_t nrecs;
    struct dec_record gone;      /* shown for a connection whose details were dropped */
    int step_x[8];              /* where each step's label starts (mouse) */
    int ladder_top;             /* the first packet the ladder shows (mouse) */
    struct rect r_title, r_list, r_steps, r_ladder, r_bytes, r_explain, r_timing, r_status,
        r_footer;
    bool small;                 /* the window is too small */
    bool dirty;
    struct tr_sbuf text;
};

/* A pane of the screen. Views draw from the model (struct app and its
 * index and details), never inside the decoder's callbacks. */
struct ui_view {
    const char *name;                                  /* for messages */
    void (*draw)(struct app *a, const struct rect *r); /* draw the whole pane into r */
};

extern const struct ui_view ui_view_list, ui_view_ladder, ui_view_bytes, ui_view_explain;
/* indexed by enum pane */
extern const struct ui_view *const ui_views[PANE_COUNT];

/* app.c, for the views */
int app_attr(const struct app *a, enum ui_color c);
void app_put(struct app *a, const struct rect *r, int y, int x, const char *s, int at);
void app_clear(const struct rect *r);
/* the title row of a pane, highlighted when it has the focus */
void app_pane_title(struct app *a, const struct rect *r, enum pane p, const char *title);
void app_fmt_bytes(char *buf, size_t n, uint64_t v);
void app_fmt_dur(char *buf, size_t n, int64_t us);
void app_fmt_endpoint(char *buf, size_t n, const struct tr_endpoint *e);
/* the row at a position of the list, or NULL */
struct ui_row *app_row(struct app *a, size_t pos);
struct ui_crow *app_row_conn(struct app *a, const struct ui_row *r);
int app_stage_count(const struct app *a);
int64_t app_stage_exchange(const struct app *a, int k);
const struct rect *app_pane_rect(const struct app *a, enum pane p);

/* view_bars.c */
void ui_bar_title(struct app *a);
void ui_bar_steps(struct app *a);
void ui_bar_timing(struct app *a);
void ui_bar_status(struct app *a);
void ui_bar_footer(struct app *a);
void ui_bar_help(struct app *a);

#endif
