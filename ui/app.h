/* app.h - private to ui/: the stepper UI's index of every exchange, and
 * the picker
 *
 * The index is built while the capture loads and keeps a few hundred bytes
 * per exchange. The details (packets, stages, stream bytes) of the selected
 * connection are a struct dec_record (decode.h), read back from the file on
 * demand by a detail pass of the pipeline that reads only that connection's
 * frames; live, they are recorded as the traffic arrives, for the most
 * recent connections.
 */
#ifndef HTTPSTEP_UI_APP_H
#define HTTPSTEP_UI_APP_H

#include "ui.h"
#include "../teach/teach.h"

#include <signal.h>

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
    int status;            /* as the model keeps it (decode.h, struct dec_msg) */
    int interim;           /* the first interim (1xx) status, 0 none */
    uint8_t flags;
    char method[12];
    char *target;          /* safe for the screen, at most 160 columns */
    char *reason;          /* the reason phrase as sent, safe for the screen; NULL none */
    uint64_t body;         /* response body bytes (entity, as sent: no chunk framing) */
    uint64_t wire_body;    /* the response body stage's bytes on the wire (with framing) */
    int64_t decoded;       /* the body after content decoding; -1 unknown */
    tr_time t_start, t_end;
    uint64_t first_frame;
    uint32_t stream;       /* HTTP/2: its stream (0: HTTP/1) */
    bool tls;              /* carried inside TLS, decrypted */
    bool pushed;           /* HTTP/2: the server pushed it */
};

struct ui_crow {
    uint64_t id;
    struct tr_endpoint client, server;
    bool syn_seen, tls, not_http, ended;
    uint64_t first_frame, last_frame;
    int64_t file_offset;
    tr_time t0;
    uint32_t nrows;        /* exchange rows */
    bool had_rows;         /* it had exchange rows (live: perhaps dropped since) */
    uint32_t last_row;     /* its newest row, UINT32_MAX none */
    uint32_t notes;
    char *sni;
    const struct dec_dns_line *dns;  /* step 0: the lookup that gave its address (a reference) */
    bool dns_seen;         /* the capture held lookups before it */
};

struct ui_index {
    struct ui_crow *conns;
    size_t nconns, cconns;
    struct ui_row *rows;   /* in arrival order */
    size_t nrows, crows;
    uint32_t *order;       /* rows sorted by (connection, exchange) */
    size_t norder, corder;
    bool order_dirty;
    uint64_t exchanges, notes, truncated, gaps, no_handshake, retrans, out_of_order;
    uint64_t frames;
    /* the first UI_IX_LOOKUPS DNS lookups (references): told when no
     * connection follows them (an NXDOMAIN) */
    const struct dec_dns_line **lookups;
    size_t nlookups;
    int status_w;          /* columns of the widest status text ("100→201 Created") */
};

#define UI_IX_LOOKUPS 16
void ui_ix_init(struct ui_index *ix);
void ui_ix_free(struct ui_index *ix);
/* the dec_sink that fills the index */
void ui_ix_sink(struct ui_index *ix, struct dec_sink *out);
/* rebuild the display order if rows arrived */
void ui_ix_sort(struct ui_index *ix);
/* live: forget the `drop` oldest rows (in arrival order), and the ended
 * connections left without a row; *pos, a position in the display order,
 * becomes the same row's new position (SIZE_MAX: it was dropped). The
 * counts (exchanges, notes...) stay those of the whole capture. */
void ui_ix_drop_oldest(struct ui_index *ix, size_t drop, size_t *pos);
struct ui_crow *ui_ix_conn(struct ui_index *ix, uint64_t id);

/* ------------------------------------------------------------- picker -- */

struct ui_screen;

struct ui_pick {
    char *file;            /* a sample to open, or NULL */
    char *iface;           /* an interface to capture on, or NULL */
    char *goto_spec;       /* the sample's place to look at */
    char *lesson;          /* the sample's lesson file, or NULL (none yet) */
    uint16_t port;         /* in: the server port given (-p), or 80; out: the one chosen */
    const char *filter;    /* in: the user's filter expression, or NULL (then the port's) */
};

/* where the samples are (next to the binary, or installed), or NULL */
const char *ui_samples_dir(void);
/* choose a sample, or an interface and the server port to watch; false
 * when the user quits, the terminal goes away, or *stop becomes true (a
 * signal) */
bool ui_picker(struct ui_screen *scr, volatile sig_atomic_t *stop, struct ui_pick *out);

#endif
