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

/* ------------------------------------------------------------------------ */
/* Tables: stages and notes (one X-macro each; ui/ adds the learner text).   */

#define DEC_STAGE_LIST(X)                                                    \
    X(HANDSHAKE, "handshake", 1)                                             \
    X(REQUEST_LINE, "request_line", 2)                                       \
    X(REQUEST_HEADERS, "request_headers", 3)                                 \
    X(REQUEST_BLANK_LINE, "request_blank_line", 3)                           \
    X(REQUEST_BODY, "request_body", 3)                                       \
    X(STATUS_LINE, "status_line", 4)                                         \
    X(RESPONSE_HEADERS, "response_headers", 5)                               \
    X(RESPONSE_BLANK_LINE, "response_blank_line", 6)                         \
    X(RESPONSE_BODY, "response_body", 6)                                     \
    X(TUNNEL, "tunnel", 6)                                                   \
    X(CLOSE, "close", 7)                                                     \
    X(KEEP_ALIVE, "keep_alive", 7)

enum dec_stage_kind {
#define X(id, name, step) DEC_STAGE_##id,
    DEC_STAGE_LIST(X)
#undef X
    DEC_STAGE_COUNT
};

const char *dec_stage_name(enum dec_stage_kind k);
int dec_stage_step(enum dec_stage_kind k);
/* DEC_STAGE_COUNT when the name is unknown */
enum dec_stage_kind dec_stage_by_name(const char *name);

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
/* Events. Everything a pointer reaches is borrowed for the call.            */

/* A string from the wire: bytes, not necessarily UTF-8 or NUL-free. */
struct dec_str {
    const char *p; /* NULL: absent (JSON null) */
    size_t len;
};

struct dec_header {
    struct dec_str name, value;
};

struct dec_conn {
    uint64_t id;                 /* the tracer's connection number */
    const struct tr_conn *tc;    /* endpoints, handshake, close facts */
    uint64_t exchanges;          /* exchanges begun so far */
    bool http;                   /* HTTP (or TLS) was found on it */
    bool tls;                    /* a TLS handshake */
    bool not_http;               /* bytes that are not HTTP were seen */
    void *user;                  /* the dec_sink's own per-connection state */
};

struct dec_stage {
    enum dec_stage_kind kind;
    int64_t exchange;            /* -1: none (handshake, close) */
    enum tr_dir dir;
    uint64_t offset, length;     /* in direction dir's stream */
    const uint64_t *frames;
    size_t nframes;
    tr_time ts;                  /* of the first frame */
    tr_time ts_end;              /* of the last frame */
    /* request_line */
    struct dec_str method, target, version;
    /* status_line */
    int status;
    struct dec_str reason;
    bool interim;
    /* *_headers */
    const struct dec_header *headers;
    size_t nheaders;
    /* *_body */
    enum dec_framing framing;
    uint64_t chunks;
    uint64_t body_length;        /* entity bytes (without chunk framing) */
    struct dec_str content_encoding;
    int64_t decoded_length;      /* -1: not decoded */
    uint64_t gap_bytes;          /* bytes of the body never captured */
    const uint8_t *preview;      /* entity bytes, up to the preview cap */
    size_t preview_len;
    const uint8_t *decoded;      /* decoded entity bytes, up to the preview cap */
    size_t decoded_len;
    /* handshake */
    int64_t rtt;                 /* microseconds; -1 unknown */
    /* close */
    enum tr_close_how how;
    int initiator;               /* -1, TR_DIR_C2S (client), TR_DIR_S2C (server) */
    /* keep_alive */
    const char *reason_text;     /* why the connection stays open */
};

struct dec_interim {
    int status;
    struct dec_str reason;
    uint64_t first_frame, last_frame;
};

struct dec_message {
    bool present;
    struct dec_str method, target, version, host;  /* request */
    int status;                                    /* response */
    struct dec_str reason;
    const struct dec_header *headers;
    size_t nheaders;
    enum dec_framing framing;
    uint64_t chunks;
    uint64_t body_length;
    struct dec_str content_encoding;
    int64_t decoded_length;                        /* -1: not decoded */
    uint64_t first_frame, last_frame;
    tr_time ts_first, ts_last;
    uint64_t offset;                               /* of the start line */
    uint64_t head_length;                          /* start line to blank line */
    bool complete;
};

struct dec_exchange {
    uint64_t index;              /* 0-based on its connection */
    struct dec_message request, response;
    const struct dec_interim *interim;
    size_t ninterim;
    bool keep_alive;
    bool complete;
    bool tunnel;                 /* CONNECT or Upgrade: a tunnel follows */
};

struct dec_note {
    enum dec_note_kind kind;
    uint64_t frame;
    const char *detail;
    /* tls */
    struct dec_str sni;          /* p NULL: none */
    const char *tls_version;     /* "TLS 1.3", or NULL */
};

struct dec_sink {
    void *ctx;
    void (*on_conn)(void *ctx, struct dec_conn *c);
    void (*on_stage)(void *ctx, struct dec_conn *c, const struct dec_stage *s);
    void (*on_exchange)(void *ctx, struct dec_conn *c, const struct dec_exchange *x);
    /* c is NULL for a frame-level note */
    void (*on_note)(void *ctx, struct dec_conn *c, const struct dec_note *n);
    void (*on_conn_end)(void *ctx, struct dec_conn *c);
    /* optional, for the UI: every TCP segment and every stream byte */
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
 * of them), streaming: feed the entity bytes, then finish. */
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
/* TLS (issue 15): the key log, the TLS tables and handshake parsers, and    */
/* the per-connection TLS engine (records, handshake, decryption through     */
/* libcrypto, a plaintext stream per direction). See tls.h.                  */
#include "tls.h"

#endif
