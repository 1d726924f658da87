/* app.h - private to ui/: the stepper UI's model (an index of every
 * exchange, details of one connection at a time), its screen and views
 *
 * The index is built while the capture loads and keeps a few hundred bytes
 * per exchange. The details (packets, stages, stream bytes) of the selected
 * connection are read back from the file on demand, by a second tracer and
 * decoder that read only that connection's frames; live, they are recorded
 * as the traffic arrives, for the most recent connections.
 */
#ifndef HTTPSTEP_UI_APP_H
#define HTTPSTEP_UI_APP_H

#include "ui_int.h"

/* ------------------------------------------------------------ strings -- */

struct sbuf {
    char *p;
    size_t len, cap;
};

void sb_put(struct sbuf *b, const char *s, size_t n);
void sb_str(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_reset(struct sbuf *b);
void sb_free(struct sbuf *b);
/* a copy of wire bytes made safe for the screen: controls as \r \n \xNN,
 * bytes that are not UTF-8 as \xNN */
char *ui_safe_dup(const char *p, size_t n);

/* ------------------------------------------------------------- index -- */

enum {
    XR_REQ = 1 << 0,       /* the request was captured */
    XR_RSP = 1 << 1,       /* a response was captured */
    XR_COMPLETE = 1 << 2,
    XR_KEEP_ALIVE = 1 << 3,
    XR_TUNNEL = 1 << 4,
    XR_INTERIM = 1 << 5,
    XR_BARE = 1 << 6,      /* a connection without exchanges (TLS, not HTTP) */
    XR_DONE = 1 << 7       /* its exchange line arrived (else still in progress) */
};

/* one row of the exchange list: an exchange, or a connection with none */
struct ui_row {
    uint32_t conn;         /* index into ui_index.conns */
    uint32_t prev;         /* the connection's previous row, UINT32_MAX none */
    uint32_t index;        /* exchange number on its connection */
    uint16_t status;
    uint8_t flags;
    char method[12];
    char *target;          /* safe for the screen, at most 160 columns */
    uint64_t body;         /* response body bytes */
    tr_time t_start, t_end;
    uint64_t first_frame;
};

struct ui_crow {
    uint64_t id;
    struct tr_endpoint client, server;
    bool syn_seen, tls, not_http, ended;
    uint64_t first_frame, last_frame;
    int64_t file_offset;
    tr_time t0;
    uint32_t nrows;        /* exchange rows */
    uint32_t last_row;     /* its newest row, UINT32_MAX none */
    uint32_t notes;
    char *sni;
};

struct ui_index {
    struct ui_crow *conns;
    size_t nconns, cconns;
    struct ui_row *rows;   /* in arrival order */
    size_t nrows, crows;
    uint32_t *order;       /* rows sorted by (connection, exchange) */
    size_t norder, corder;
    bool order_dirty;
    uint64_t exchanges, notes, truncated, gaps, no_handshake, retrans;
    uint64_t frames;
};

void ix_init(struct ui_index *ix);
void ix_free(struct ui_index *ix);
/* the dec_sink that fills the index */
void ix_sink(struct ui_index *ix, struct dec_sink *out);
/* rebuild the display order if rows arrived */
void ix_sort(struct ui_index *ix);
struct ui_crow *ix_conn(struct ui_index *ix, uint64_t id);

/* ------------------------------------------------------------ details -- */

struct ui_hdr {
    char *name, *value;    /* safe for the screen */
};

struct ui_msg {
    bool present, complete;
    char *method, *target, *version, *reason, *host, *content_encoding;
    int status;
    struct ui_hdr *hdrs;
    size_t nhdrs;
    enum dec_framing framing;
    uint64_t body_length, chunks;
    int64_t decoded_length;
    uint64_t first_frame, last_frame;
    tr_time ts_first, ts_last;
    uint64_t offset, head_length;
};

struct ui_xdet {
    bool seen;
    struct ui_msg req, rsp;
    int interim[8];
    size_t ninterim;
    bool keep_alive, complete, tunnel;
};

struct ui_stg {
    enum dec_stage_kind kind;
    int64_t exchange;
    enum tr_dir dir;
    uint64_t offset, length;
    uint64_t *frames;
    size_t nframes;
    tr_time ts, ts_end;
    char *method, *target, *version, *reason, *content_encoding;
    int status;
    bool interim;
    struct ui_hdr *hdrs;
    size_t nhdrs;
    enum dec_framing framing;
    uint64_t chunks, body_length, gap_bytes;
    int64_t decoded_length;
    uint8_t *preview, *decoded;
    size_t npreview, ndecoded;
    int64_t rtt;
    enum tr_close_how how;
    int initiator;
    const char *ka_reason;
};

struct ui_pkt {
    uint64_t frame;
    tr_time ts;
    uint8_t dir, flags;
    bool retrans, ooo;
    uint32_t rel_seq, rel_ack, len, caplen;
    uint16_t window;
    uint64_t offset;
    int32_t stage;         /* the first stage it carries, -1 none */
    uint8_t notes;         /* 1 << kind for kinds < 8 */
};

struct ui_dnote {
    uint64_t frame;
    enum dec_note_kind kind;
    char *detail;
    char *sni;
    const char *tls_version;
};

#define UI_STREAM_CAP (8u << 20)  /* stream bytes kept per direction */

struct ui_stream {
    uint8_t *data;
    uint64_t base;         /* the stream offset of data[0] */
    size_t len, cap;
    bool capped;
};

/* a long connection's details are kept for a window of its exchanges */
#define UI_WINDOW 64
#define UI_PRE_BYTES (64u << 10)   /* bytes kept before the window (a whole head) */
#define UI_PRE_PKTS 64             /* packets kept before the window */
#define UI_MAX_PKTS 200000
/* live: a connection's record keeps its latest stages and packets */
#define UI_LIVE_STAGES 4096
#define UI_LIVE_PKTS 16384

struct ui_detail {
    uint64_t conn_id;
    bool done;             /* every frame of the connection was read */
    size_t stream_cap;     /* stream bytes kept per direction */
    struct tr_conn tc;     /* a copy: endpoints, handshake, close */
    struct ui_pkt *pkts;
    size_t npkts, cpkts;
    struct ui_stg *stgs;
    size_t nstgs, cstgs;
    struct ui_dnote *notes;
    size_t nnotes, cnotes;
    struct ui_xdet *xs;    /* exchanges x_base, x_base + 1, ... */
    size_t nxs, cxs;
    int64_t x_base;
    struct ui_stream bytes[2];
    int64_t x_lo, x_hi;    /* the window of exchanges kept; x_hi < 0: all */
    bool in_window;        /* a stage of the window has come */
    bool seen_x;           /* a stage of some exchange has come (kept or not) */
    bool sealed;           /* past the window: nothing more is kept */
    bool rolling;          /* live: drop the oldest stages and packets past the caps */
    uint64_t trimmed;      /* stages dropped from the front so far (rolling) */
};

void dt_init(struct ui_detail *d, uint64_t conn_id);
/* keep only exchanges [lo, hi] of a long connection (and its handshake) */
void dt_window(struct ui_detail *d, int64_t lo, int64_t hi);
/* an exchange's details, or NULL when not (yet) seen or outside the window */
const struct ui_xdet *dt_x(const struct ui_detail *d, int64_t x);
/* the newest exchange seen, or NULL */
const struct ui_xdet *dt_last_x(const struct ui_detail *d);
/* the kept bytes from an offset on (*avail of them), or NULL */
const uint8_t *dt_bytes_at(const struct ui_stream *st, uint64_t off, size_t *avail);
void dt_free(struct ui_detail *d);
/* the dec_sink that records one connection's details (conn id matched
 * against `match_id`, or every event when match_id is 0) */
void dt_sink(struct ui_detail *d, struct dec_sink *out);
/* does the stage carry this frame? (its frames are sorted) */
bool dt_stage_has_frame(const struct ui_stg *s, uint64_t frame);
/* link packets to the stages they carry (after loading) */
void dt_link(struct ui_detail *d);
/* the stage index of the first stage of an exchange, or -1 */
int dt_first_stage(const struct ui_detail *d, int64_t exchange);
/* the index of the packet of this frame, or -1 (binary search) */
long dt_pkt_of(const struct ui_detail *d, uint64_t frame);

/* ------------------------------------------------------------- picker -- */

struct ui_screen;

struct ui_pick {
    char *file;            /* a sample to open, or NULL */
    char *iface;           /* an interface to capture on, or NULL */
    char *goto_spec;       /* the sample's place to look at */
};

/* where samples/index.tsv is (next to the binary, or installed), or NULL */
const char *ui_samples_dir(void);
/* choose a sample or an interface; false when the user quits */
bool ui_picker(struct ui_screen *scr, bool zh, struct ui_pick *out);

/* ------------------------------------------------------------ explain -- */

/* The learner text for a stage, in the current language, with this
 * exchange's values; paragraphs separated by "\n\n". */
void ui_explain_stage(const struct ui_detail *d, int stage, struct sbuf *out);
/* the title of a stage for the stepper and the ladder ("Request line") */
const char *ui_stage_title(enum dec_stage_kind k);
/* its short name, for a packet label ("Req.line") */
const char *ui_stage_brief(enum dec_stage_kind k);
/* the short label of one of the seven steps (1..7), full or short */
const char *ui_step_label(int step, bool short_form);
/* a reason phrase for a status code (IANA registry), or NULL */
const char *ui_status_reason(int status);

#endif
