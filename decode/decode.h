/* decode.h - the HTTP/1.x stage decoder: every reassembled connection split
 * into the stages of the seven steps of an HTTP exchange
 *
 * It takes the tracer's events (wire them with dec_tracer_sink) and gives
 * its own to a struct dec_sink: connections, stages, exchanges, notes, in
 * the order of ../shared/spec/transcript.md. Bytes may arrive in any pieces;
 * the stages do not depend on how the streams were cut. The decoder never
 * prints, never exits, and never includes curses.
 */
#ifndef HTTPSTEP_DECODE_H
#define HTTPSTEP_DECODE_H

#include "../tracer/tracer.h"

/* ------------------------------------------------------------------------ */
/* Pure line parsers (picohttpparser style): no allocation; they return the */
/* bytes used, DEC_INCOMPLETE or DEC_INVALID; spans are offsets into buf.    */

#define DEC_INCOMPLETE (-2)
#define DEC_INVALID (-1)

struct dec_span {
    uint32_t off, len;
};

struct dec_reqline {
    struct dec_span method, target, version; /* version.len 0: none (HTTP/0.9) */
    int extra_parts;                         /* words after the version (malformed) */
};

struct dec_statusline {
    struct dec_span version, code, reason;
    int status;
};

/* A request line "METHOD SP target [SP version]" ending in LF (CR optional).
 * Words are split at single spaces, as a lenient reader does. */
int dec_parse_request_line(const uint8_t *buf, size_t len, struct dec_reqline *out);
/* A status line "HTTP/x.y SP code [SP reason]". */
int dec_parse_status_line(const uint8_t *buf, size_t len, struct dec_statusline *out);
/* A chunk-size line: hex digits, optional extensions after ';', CRLF or LF.
 * DEC_INVALID for no digits or a size over 2^62. */
int dec_parse_chunk_size(const uint8_t *buf, size_t len, uint64_t *size);
/* How many bytes of buf, at most 24, can be a method ("GET", "M-SEARCH")? */
size_t dec_method_len(const uint8_t *buf, size_t len);
/* Does buf begin like a request line (a method token and a space)? */
bool dec_looks_like_request(const uint8_t *buf, size_t len);
/* Does buf begin like a status line ("HTTP/")? */
bool dec_looks_like_response(const uint8_t *buf, size_t len);
/* Does buf begin like a TLS handshake record? */
bool dec_looks_like_tls(const uint8_t *buf, size_t len);
/* the length of a valid UTF-8 sequence at p (RFC 3629 4), or 0 */
size_t dec_utf8_len(const unsigned char *p, size_t n);

/* ------------------------------------------------------------------------ */
/* Tables: steps, stages and notes. One X-macro each gives the enum, the     */
/* JSON name, the step and the learner's titles (marked with DEC_N_ for     */
/* gettext; teach/ translates them). Nothing else lists them.               */

/* a text marked for translation (xgettext --keyword=DEC_N_), translated by teach/ */
#define DEC_N_(s) s

/* the seven steps of the lesson, and step 0 (the DNS lookup): number, full
 * label, short label. The short labels of steps 1-7, each after its number
 * and joined by " > ", fit one 80-column row. */
#define DEC_STEP_LIST(X)                                                     \
    X(1, DEC_N_("Handshake"), DEC_N_("Handshake"))                           \
    X(2, DEC_N_("Request line"), DEC_N_("Req.line"))                         \
    X(3, DEC_N_("Headers"), DEC_N_("Headers"))                               \
    X(4, DEC_N_("Status"), DEC_N_("Status"))                                 \
    X(5, DEC_N_("Response headers"), DEC_N_("Resp.hdr"))                     \
    X(6, DEC_N_("Body"), DEC_N_("Body"))                                     \
    X(7, DEC_N_("Close/Keep-alive"), DEC_N_("Close"))

#define DEC_STEP_MAX 7

/* stage: id, JSON name, step, title, short label (about 10 columns, for a
 * packet on the ladder) */
#define DEC_STAGE_LIST(X)                                                                     \
    X(HANDSHAKE, "handshake", 1, DEC_N_("Handshake"), DEC_N_("Handshake"))                    \
    X(REQUEST_LINE, "request_line", 2, DEC_N_("Request line"), DEC_N_("Req.line"))            \
    X(REQUEST_HEADERS, "request_headers", 3, DEC_N_("Request headers"), DEC_N_("Req.hdr"))    \
    X(REQUEST_BLANK_LINE, "request_blank_line", 3, DEC_N_("Blank line"), DEC_N_("Blank"))     \
    X(REQUEST_BODY, "request_body", 3, DEC_N_("Request body"), DEC_N_("Req.body"))            \
    X(STATUS_LINE, "status_line", 4, DEC_N_("Status line"), DEC_N_("Status"))                 \
    X(RESPONSE_HEADERS, "response_headers", 5, DEC_N_("Response headers"), DEC_N_("Resp.hdr")) \
    X(RESPONSE_BLANK_LINE, "response_blank_line", 6, DEC_N_("Blank line"), DEC_N_("Blank"))  \
    X(RESPONSE_BODY, "response_body", 6, DEC_N_("Response body"), DEC_N_("Body"))             \
    X(TUNNEL, "tunnel", 6, DEC_N_("Tunnel"), DEC_N_("Tunnel"))                                \
    X(CLOSE, "close", 7, DEC_N_("Close"), DEC_N_("Close"))                                    \
    X(KEEP_ALIVE, "keep_alive", 7, DEC_N_("Keep-alive"), DEC_N_("Keep-alive"))

enum dec_stage_kind {
#define X(id, name, step, title, brief) DEC_STAGE_##id,
    DEC_STAGE_LIST(X)
#undef X
    DEC_STAGE_COUNT
};

const char *dec_stage_name(enum dec_stage_kind k);
int dec_stage_step(enum dec_stage_kind k);
/* DEC_STAGE_COUNT when the name is unknown */
enum dec_stage_kind dec_stage_by_name(const char *name);
/* the untranslated title and short label (teach/ translates them) */
const char *dec_stage_title(enum dec_stage_kind k);
const char *dec_stage_brief(enum dec_stage_kind k);
/* the untranslated labels of step 1..DEC_STEP_MAX, or "?" */
const char *dec_step_label(int step, bool brief);

/* The tracer's note kinds first, in its order, then the decoder's. */
#define DEC_NOTE_LIST(X)                                                     \
    TR_NOTE_LIST(X)                                                          \
    X(MALFORMED_HTTP, "malformed_http")                                      \
    X(NOT_HTTP, "not_http")                                                  \
    X(TLS, "tls")                                                            \
    X(DECODE_ERROR, "decode_error")                                          \
    X(INCOMPLETE, "incomplete")

enum dec_note_kind {
#define X(id, name) DEC_NOTE_##id,
    DEC_NOTE_LIST(X)
#undef X
    DEC_NOTE_COUNT
};

const char *dec_note_name(enum dec_note_kind k);

enum dec_framing {
    DEC_FRAMING_NONE = 0,      /* no body */
    DEC_FRAMING_LENGTH,        /* Content-Length */
    DEC_FRAMING_CHUNKED,       /* Transfer-Encoding: chunked */
    DEC_FRAMING_CLOSE          /* read until the connection closes */
};

const char *dec_framing_name(enum dec_framing f); /* "content-length", "chunked", "close", NULL */

/* ------------------------------------------------------------------------ */
/* The model: what was decoded, in one shape for every reader.              */
/*                                                                          */
/* The decoder makes each object and hands it to the sink's callback,       */
/* borrowed for the call. A reader that keeps one takes a reference        */
/* (dec_*_ref, which returns its argument) and later drops it               */
/* (dec_*_unref, which frees the object with the last reference). Writers   */
/* read the objects as they pass; the UI and the exports keep them in a     */
/* record (struct dec_record); nobody copies them field by field.          */

/* A string from the wire: bytes, not necessarily UTF-8 or NUL-free. Escape
 * it before showing it. */
struct dec_str {
    const char *p; /* NULL: absent (JSON null) */
    size_t len;
};

/* does s equal the C string z, ignoring ASCII case? */
bool dec_str_eq_ci(struct dec_str s, const char *z);

struct dec_header {
    struct dec_str name, value;
};

/* An HTTP message: a request or a response (final or interim). Its strings
 * live in its own arena. The start line and headers are fixed once its
 * head stages are handed out; the body facts (framing onward) are final
 * when its body stage or its exchange is. */
struct dec_msg {
    uint32_t refs;
    bool request;
    bool interim;                /* a 1xx response (not 101) */
    struct dec_str method, target, version;   /* request line */
    /* status line: RFC 9110 15 and RFC 9112 4 define a three-digit code
     * (100..599 valid); the parser reads up to nine digits, leniently, so
     * one int holds every code it can report */
    int status;
    struct dec_str reason;
    const struct dec_header *headers;         /* in wire order, names as sent */
    size_t nheaders;
    struct dec_str host;                      /* the first Host value, or absent */
    struct dec_str content_encoding;          /* the first Content-Encoding value */
    bool conn_close, conn_keep_alive;         /* Connection: close / keep-alive */
    bool upgrade;                             /* an Upgrade header */
    bool bad_target;                          /* request-target not valid (RFC 9112 3.2) */
    enum dec_framing framing;
    uint64_t content_length;                  /* with DEC_FRAMING_LENGTH */
    uint64_t chunks;
    uint64_t body_length;                     /* entity bytes (without chunk framing) */
    uint64_t gap_bytes;                       /* body bytes never captured */
    int64_t decoded_length;                   /* after content decoding; -1: not decoded */
    uint64_t first_frame, last_frame;         /* of its first and last byte */
    tr_time ts_first, ts_last;
    uint64_t offset;                          /* stream offset of the start line */
    uint64_t head_length;                     /* start line to blank line */
    uint64_t end;                             /* stream offset just past the message */
    bool complete;                            /* nothing of it was cut short */
};

struct dec_msg *dec_msg_ref(const struct dec_msg *m);
void dec_msg_unref(const struct dec_msg *m);

/* One stage of the walk: a span of one direction's byte stream (or of the
 * handshake's and close's packets) with the frames that carried it. */
struct dec_stage {
    uint32_t refs;
    enum dec_stage_kind kind;
    uint64_t conn;               /* the connection's number */
    int64_t exchange;            /* 0-based on its connection; -1: none (handshake, close) */
    enum tr_dir dir;
    uint64_t offset, length;     /* in direction dir's stream */
    tr_time ts;                  /* of the first frame */
    tr_time ts_end;              /* of the last frame */
    /* request_line .. request_body, status_line .. response_body: its
     * message (a reference the stage holds) */
    const struct dec_msg *msg;
    /* *_body: up to the preview cap, owned by the stage */
    const uint8_t *preview;      /* entity bytes as sent (without chunk framing) */
    size_t preview_len;
    const uint8_t *decoded;      /* the same after content decoding, or NULL */
    size_t decoded_len;
    /* handshake */
    int64_t rtt;                 /* microseconds, SYN to ACK; -1 unknown */
    /* close */
    enum tr_close_how how;
    int initiator;               /* -1, TR_DIR_C2S (client), TR_DIR_S2C (server) */
    /* keep_alive: why the connection stays open (a constant string) */
    const char *reason_text;
    size_t nframes;
    uint64_t frames[];           /* sorted, each once */
};

struct dec_stage *dec_stage_ref(const struct dec_stage *s);
void dec_stage_unref(const struct dec_stage *s);
/* does the stage carry this frame? (binary search) */
bool dec_stage_has_frame(const struct dec_stage *s, uint64_t frame);
/* interim: a stage of a 1xx response */
bool dec_stage_interim(const struct dec_stage *s);

/* A request and its response: written when both are done, or when the
 * connection ends. The messages are references the exchange holds. */
struct dec_exchange {
    uint32_t refs;
    uint64_t conn;
    uint64_t index;              /* 0-based on its connection */
    const struct dec_msg *request;   /* NULL: not captured */
    const struct dec_msg *response;  /* NULL: none seen */
    const struct dec_msg *const *interim;  /* 1xx responses, in order */
    size_t ninterim;
    bool keep_alive;
    bool complete;
    bool tunnel;                 /* CONNECT or Upgrade: a tunnel follows */
};

struct dec_exchange *dec_exchange_ref(const struct dec_exchange *x);
void dec_exchange_unref(const struct dec_exchange *x);

struct dec_note {
    uint32_t refs;
    enum dec_note_kind kind;
    uint64_t conn;               /* 0: a frame-level note */
    uint64_t frame;
    const char *detail;          /* English, for the transcript */
    /* tls */
    struct dec_str sni;          /* p NULL: none */
    const char *tls_version;     /* "TLS 1.3", or NULL */
};

struct dec_note *dec_note_ref(const struct dec_note *n);
void dec_note_unref(const struct dec_note *n);

/* A connection while it is decoded: valid from on_conn to on_conn_end. */
struct dec_conn {
    uint64_t id;                 /* the tracer's connection number */
    const struct tr_conn *tc;    /* endpoints, handshake, close facts */
    uint64_t exchanges;          /* exchanges begun so far */
    bool http;                   /* HTTP (or TLS) was found on it */
    bool tls;                    /* a TLS handshake */
    bool not_http;               /* bytes that are not HTTP were seen */
    void *user;                  /* the dec_sink's own per-connection state */
};

/* The events, in the order of ../shared/spec/transcript.md. Every object
 * is borrowed for the call (take a reference to keep it). */
struct dec_sink {
    void *ctx;
    void (*on_conn)(void *ctx, struct dec_conn *c);
    void (*on_stage)(void *ctx, struct dec_conn *c, const struct dec_stage *s);
    void (*on_exchange)(void *ctx, struct dec_conn *c, const struct dec_exchange *x);
    /* c is NULL for a frame-level note */
    void (*on_note)(void *ctx, struct dec_conn *c, const struct dec_note *n);
    void (*on_conn_end)(void *ctx, struct dec_conn *c);
    /* optional, for the UI and the exports: every TCP segment and every
     * stream byte */
    void (*on_segment)(void *ctx, struct dec_conn *c, const struct tr_seg *s);
    void (*on_bytes)(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t offset,
                     const uint8_t *data, size_t len, uint64_t frame);
};

/* ------------------------------------------------------------------------ */
/* The decoder                                                               */

struct dec_opts {
    /* ports given with -p: connections on them are decoded whatever they
     * carry; connections on other ports only when their first bytes are
     * HTTP or TLS (and `detect` is set) */
    const uint16_t *ports;
    size_t nports;
    bool detect;                 /* find HTTP on any port by its first bytes */
    size_t max_header_bytes;     /* per message head (0: DEC_DEFAULT_MAX_HEADER) */
    size_t max_headers;          /* per message (0: DEC_DEFAULT_MAX_HEADERS) */
    size_t max_pipeline;         /* requests awaiting a response (0: default) */
    size_t body_preview;         /* bytes of each body kept for the UI (0: none) */
    bool decode_content;         /* gzip, deflate, br: decoded_length */
};

#define DEC_DEFAULT_MAX_HEADER (64u << 10)
#define DEC_DEFAULT_MAX_HEADERS 256
#define DEC_DEFAULT_MAX_PIPELINE 1024
#define DEC_DEFAULT_PREVIEW (1u << 20)

struct dec_decoder;

struct dec_decoder *dec_new(const struct dec_opts *opts, const struct dec_sink *sink);
void dec_free(struct dec_decoder *d);
/* The tracer sink that feeds this decoder. */
void dec_tracer_sink(struct dec_decoder *d, struct tr_sink *out);

struct dec_stats {
    uint64_t http_conns;
    uint64_t exchanges;
    uint64_t notes;
    uint64_t notes_by_kind[DEC_NOTE_COUNT];
};
void dec_stats(const struct dec_decoder *d, struct dec_stats *out);

/* Content decoding (gzip, x-gzip, deflate zlib-wrapped or raw, br, and lists
 * of them), streaming: feed the entity bytes, then finish.
 *
 * Decompression bombs: the bytes all layers put out may reach
 * DEC_CONTENT_MAX_RATIO times the compressed bytes fed, plus the slack;
 * past that the body is refused as bad data (deflate's own limit is
 * 1032:1; brotli or nested codings reach millions to one). */
#define DEC_CONTENT_MAX_RATIO 2048
#define DEC_CONTENT_RATIO_SLACK (16u << 20)
struct dec_content;
/* NULL when the coding is identity/absent; *unknown set for a coding that
 * cannot be decoded (e.g. "compress") */
struct dec_content *dec_content_new(const char *coding, size_t len, bool *unknown);
/* Decode len bytes; decoded output goes to `out` (may be NULL) up to its cap.
 * Returns false once the data is found bad (then ignore further input). */
bool dec_content_feed(struct dec_content *dc, const uint8_t *data, size_t len);
/* End of the entity: returns the decoded length, or -1 if the data was bad
 * or ended early; *why says what was wrong. */
int64_t dec_content_finish(struct dec_content *dc, const char **why);
/* The first decoded bytes (up to cap set by dec_content_keep). */
void dec_content_keep(struct dec_content *dc, size_t cap);
const uint8_t *dec_content_kept(const struct dec_content *dc, size_t *len);
/* the kept bytes, handed to the caller (who frees them); NULL when none */
uint8_t *dec_content_take_kept(struct dec_content *dc, size_t *len);
/* decoded bytes put out so far (also past a refusal) */
uint64_t dec_content_produced(const struct dec_content *dc);
void dec_content_free(struct dec_content *dc);

/* TLS hello parsing (for the tls note): SNI from a ClientHello, the chosen
 * version from a ServerHello. buf holds whole handshake records. */
struct dec_tls_hello {
    int type;                /* 1 ClientHello, 2 ServerHello, 0 none */
    char sni[256];           /* "" when none */
    uint16_t version;        /* ServerHello: the chosen one (supported_versions first) */
    uint16_t legacy_version; /* the record's */
};
/* DEC_INCOMPLETE until the first handshake message is whole; DEC_INVALID
 * when it is not TLS; else the bytes looked at. */
int dec_tls_parse_hello(const uint8_t *buf, size_t len, struct dec_tls_hello *out);
const char *dec_tls_version_name(uint16_t v); /* "TLS 1.2", or NULL */

/* ------------------------------------------------------------------------ */
/* A record: the model of one connection kept for reading back (the UI's    */
/* panes, the explanations, the exports). It holds references to the        */
/* stages, exchanges and notes, and keeps the packets and the stream bytes. */
/* A long connection keeps a window of its exchanges; live, a rolling       */
/* record keeps its latest stages and packets.                              */

/* a TCP segment of the record, and what the record links it to */
struct dec_pkt {
    struct tr_seg seg;
    int32_t stage;               /* the first stage it carries (index in stgs), -1 none */
    uint8_t notes;               /* 1 << kind for the note kinds below 8 at its frame */
};

#define DEC_REC_STREAM_CAP (8u << 20)  /* stream bytes kept per direction */
#define DEC_REC_WINDOW 64              /* exchanges kept in detail by default */
#define DEC_REC_PRE_BYTES (64u << 10)  /* bytes kept before the window (a whole head) */
#define DEC_REC_PRE_PKTS 64            /* packets kept before the window */
#define DEC_REC_MAX_PKTS 200000
#define DEC_REC_LIVE_STAGES 4096       /* rolling: stages kept */
#define DEC_REC_LIVE_PKTS 16384        /* rolling: packets kept */

struct dec_stream {
    uint8_t *data;
    uint64_t base;               /* the stream offset of data[0] */
    size_t len, cap;
    bool capped;
};

struct dec_record {
    uint64_t conn_id;            /* the connection recorded; 0: every event */
    size_t stream_cap;           /* stream bytes kept per direction */
    struct tr_conn tc;           /* the tracer's facts, as of the latest event */
    bool have_tc;
    struct dec_pkt *pkts;        /* in frame order */
    size_t npkts, cpkts;
    const struct dec_stage **stgs;   /* in walk order (references) */
    size_t nstgs, cstgs;
    const struct dec_note **notes;   /* references */
    size_t nnotes, cnotes;
    const struct dec_exchange **xs;  /* exchanges x_base, x_base + 1, ... (NULL: not yet) */
    size_t nxs, cxs;
    int64_t x_base;
    struct dec_stream bytes[2];
    int64_t x_lo, x_hi;          /* the window of exchanges kept; x_hi < 0: all */
    bool in_window;              /* a stage of the window has come */
    bool seen_x;                 /* a stage of some exchange has come (kept or not) */
    bool sealed;                 /* past the window: nothing more is kept */
    bool rolling;                /* drop the oldest stages and packets past the caps */
    uint64_t trimmed;            /* stages dropped from the front so far (rolling) */
    uint64_t version;            /* counts the events recorded: a reader's cache key */
};

void dec_record_init(struct dec_record *r, uint64_t conn_id);
/* drop every reference and buffer (the record can be initialized again) */
void dec_record_free(struct dec_record *r);
/* keep only exchanges [lo, hi] of a long connection (and its handshake) */
void dec_record_window(struct dec_record *r, int64_t lo, int64_t hi);
/* the dec_sink that records (events of conn_id only, unless it is 0) */
void dec_record_sink(struct dec_record *r, struct dec_sink *out);
/* link packets to the stages they carry (after loading, and after changes) */
void dec_record_link(struct dec_record *r);
/* an exchange, or NULL when not (yet) written or outside the window */
const struct dec_exchange *dec_record_x(const struct dec_record *r, int64_t x);
/* the newest exchange written, or NULL */
const struct dec_exchange *dec_record_last_x(const struct dec_record *r);
/* the index of the first stage of an exchange, or -1 */
int dec_record_first_stage(const struct dec_record *r, int64_t exchange);
/* the index of the packet of this frame, or -1 (binary search) */
long dec_record_pkt_of(const struct dec_record *r, uint64_t frame);
/* the kept bytes of a stream from an offset on (*avail of them), or NULL */
const uint8_t *dec_stream_at(const struct dec_stream *st, uint64_t off, size_t *avail);

/* ------------------------------------------------------------------------ */
/* The pipeline: a capture, the tracer's connection table and the decoder,  */
/* opened with one set of options and read frame by frame. The writers     */
/* (httpstep.c) and the UI (a main pass, and a detail pass per connection)  */
/* all read through it, so they see the same connections and exchanges.    */

struct dec_pipeline;

struct dec_pipeline_opts {
    const char *file;            /* a capture file ("-": standard input), or NULL */
    const char *iface;           /* a live interface (when file is NULL) */
    const char *filter;          /* the user's BPF expression, or NULL for the default */
    const uint16_t *ports;       /* -p server ports (none: 80, and HTTP found on any port) */
    size_t nports;
    size_t max_conns, max_ooo;   /* tracer caps (0: defaults) */
    size_t max_header, max_headers;  /* decoder caps (0: defaults) */
    size_t preview;              /* body bytes kept per body stage (0: none) */
    bool decode_content;         /* gzip, deflate, br: decoded lengths and bytes */
    /* a detail pass: only the connection between only[0] and only[1] (when
     * set), read from the record at seek_offset, numbered seek_frame (when
     * seek is set), up to frame stop_after (0: to the end) */
    const struct tr_endpoint *only;
    bool seek;
    int64_t seek_offset;
    uint64_t seek_frame;
    uint64_t stop_after;
    /* live: called once the interface is open (to drop privileges, open a
     * -w file); false stops with errbuf filled */
    bool (*after_open)(struct tr_capture *cap, void *ctx, char *errbuf);
    void *after_open_ctx;
    /* -- issue 20 -- */
    int buffer_kib;              /* live: kernel capture buffer in KiB (0: the default) */
};

/* why dec_pipeline_open failed, for the exit status */
enum dec_pipe_error {
    DEC_PIPE_OK = 0,
    DEC_PIPE_EFILTER,            /* the filter expression is bad */
    DEC_PIPE_EINPUT,             /* the file cannot be read, or its link type */
    DEC_PIPE_ELIVE               /* the live capture cannot start */
};

/* The default filter, live: "tcp port 80", or one "tcp port N" per -p
 * port joined with " or "; NULL for a file (read whole: the table keeps the
 * -p ports itself). The caller frees it. */
char *dec_pipeline_default_filter(const uint16_t *ports, size_t nports, bool live);

/* Open the capture and build the table and the decoder; events go to sink
 * (kept by copy; its ctx is borrowed until dec_pipeline_close). Returns
 * DEC_PIPE_OK and *out, or an error with errbuf (TR_ERRBUF_SIZE) filled. */
enum dec_pipe_error dec_pipeline_open(struct dec_pipeline **out, const struct dec_pipeline_opts *o,
                                      const struct dec_sink *sink, char *errbuf);
void dec_pipeline_close(struct dec_pipeline *p);

enum dec_pipe_step {
    DEC_PIPE_FRAME = 1,          /* a frame was read and decoded */
    DEC_PIPE_IDLE = 0,           /* live: nothing ready now (poll dec_pipeline_fd) */
    DEC_PIPE_END = -1,           /* the end: every connection was finished */
    DEC_PIPE_ERROR = -2          /* a read error: dec_pipeline_error says it; the
                                  * connections were finished */
};

/* Read and decode one frame. At the end of the capture (or of stop_after)
 * the connections are finished (their last events written) once. */
enum dec_pipe_step dec_pipeline_next(struct dec_pipeline *p);
/* Read frames for up to budget_us microseconds (checking the clock every
 * few hundred frames), until nothing is ready (live), the end, or until
 * *stop is true (stop may be NULL; a detail pass whose window is full).
 * Returns the frames read; dec_pipeline_done tells whether it ended. */
uint64_t dec_pipeline_run(struct dec_pipeline *p, int64_t budget_us, const bool *stop);
/* read error: dec_pipeline_failed, and dec_pipeline_error says why */
bool dec_pipeline_failed(const struct dec_pipeline *p);
/* End now (Ctrl-C, -c, --duration): finish every connection. */
void dec_pipeline_finish(struct dec_pipeline *p);
bool dec_pipeline_done(const struct dec_pipeline *p);
/* the read error's message, or "" */
const char *dec_pipeline_error(const struct dec_pipeline *p);
struct tr_capture *dec_pipeline_capture(struct dec_pipeline *p);
/* live: a descriptor to poll, or -1 */
int dec_pipeline_fd(const struct dec_pipeline *p);

struct dec_run_stats {
    uint64_t frames, bytes;      /* every frame read, and its captured bytes */
    uint64_t tcp_conns, http_conns, exchanges, notes;
    uint64_t dropped;            /* live: packets the kernel dropped */
};
void dec_pipeline_stats(struct dec_pipeline *p, struct dec_run_stats *out);

#endif
