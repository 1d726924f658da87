/* h2.h - private to decode/: the HTTP/2 engine (RFC 9113) and its header
 * decoding (HPACK, RFC 7541, through libnghttp2's inflater)
 *
 * One struct dec_h2 per HTTP/2 connection. The decoder feeds it each
 * direction's in-order bytes in any pieces (h2c: the TCP stream; h2: the
 * plaintext of the decrypted TLS records), with gaps and the end of each
 * direction; it gives back events to a struct dec_h2_sink: the preface, every
 * frame, every decoded header block, DATA bytes per stream, streams opening
 * and ending, and notes. Events do not depend on how the bytes were cut.
 *
 * The engine's own files: h2.c (the reader), h2_stream.c (streams, settings,
 * header blocks), h2_tables.c (names, pure helpers), h2_impl.h (their
 * shared state), hpack.c (header decoding).
 *
 * Driving it (what decode/decoder.c does):
 *   - create it with dec_h2_new when HTTP/2 is found: the client preface at
 *     the start of a cleartext connection (dec_h2_match_preface), ALPN "h2"
 *     on a decrypted TLS connection (start DEC_H2_START_PREFACE for both), a
 *     101 answering "Upgrade: h2c" (DEC_H2_START_UPGRADE, with the request's
 *     HTTP2-Settings value), or frames found where a connection was adopted
 *     without its start (dec_h2_sniff_frames; DEC_H2_START_MIDSTREAM);
 *   - dec_h2_feed each direction's bytes from the first HTTP/2 byte on (c2s:
 *     the preface; s2c: the server's SETTINGS, i.e. after the 101's blank line
 *     for an Upgrade), dec_h2_gap for bytes never captured, dec_h2_end when a
 *     direction ends (FIN), dec_h2_finish when the connection does;
 *   - read dec_h2_counts for conn_end, then dec_h2_free.
 * Sink callbacks must not call back into the engine they are called from.
 *
 * Events of one frame come in this order: on_stream(OPEN) when a HEADERS
 * frame opens a stream; on_data for each piece of a DATA frame's payload, as
 * it arrives; on_frame once the frame's last byte was read (or it was cut
 * short); then what the frame completes: for END_HEADERS, the promised
 * stream's on_stream(OPEN) (PUSH_PROMISE) and on_block; then on_stream(END).
 * A stream's OPEN always comes before any other event that names it.
 */
#ifndef HTTPSTEP_H2_H
#define HTTPSTEP_H2_H

#include "decode.h"

/* ------------------------------------------------------------------------ */
/* Tables (RFC 9113 sections 6, 7, 11; RFC 8441; RFC 9218)                  */

/* frame types: X(id, value, name) */
#define DEC_H2_TYPE_LIST(X)                                                  \
    X(DATA, 0x0, "DATA")                                                     \
    X(HEADERS, 0x1, "HEADERS")                                               \
    X(PRIORITY, 0x2, "PRIORITY")                                             \
    X(RST_STREAM, 0x3, "RST_STREAM")                                         \
    X(SETTINGS, 0x4, "SETTINGS")                                             \
    X(PUSH_PROMISE, 0x5, "PUSH_PROMISE")                                     \
    X(PING, 0x6, "PING")                                                     \
    X(GOAWAY, 0x7, "GOAWAY")                                                 \
    X(WINDOW_UPDATE, 0x8, "WINDOW_UPDATE")                                   \
    X(CONTINUATION, 0x9, "CONTINUATION")

enum dec_h2_type {
#define X(id, v, name) DEC_H2_##id = v,
    DEC_H2_TYPE_LIST(X)
#undef X
    DEC_H2_TYPE_COUNT            /* types above this are unknown: ignored, counted */
};

/* flags: X(id, bit, mask of the frame types that define it, name) */
#define DEC_H2_TMASK(t) (1u << DEC_H2_##t)
#define DEC_H2_FLAG_LIST(X)                                                          \
    X(END_STREAM, 0x01, DEC_H2_TMASK(DATA) | DEC_H2_TMASK(HEADERS), "END_STREAM")    \
    X(ACK, 0x01, DEC_H2_TMASK(SETTINGS) | DEC_H2_TMASK(PING), "ACK")                 \
    X(END_HEADERS, 0x04,                                                             \
      DEC_H2_TMASK(HEADERS) | DEC_H2_TMASK(PUSH_PROMISE) | DEC_H2_TMASK(CONTINUATION), \
      "END_HEADERS")                                                                 \
    X(PADDED, 0x08,                                                                  \
      DEC_H2_TMASK(DATA) | DEC_H2_TMASK(HEADERS) | DEC_H2_TMASK(PUSH_PROMISE), "PADDED") \
    X(PRIORITY, 0x20, DEC_H2_TMASK(HEADERS), "PRIORITY")

enum {
#define X(id, bit, types, name) DEC_H2_F_##id = bit,
    DEC_H2_FLAG_LIST(X)
#undef X
};

/* error codes (RST_STREAM, GOAWAY): X(id, value) */
#define DEC_H2_ERROR_LIST(X)                                                 \
    X(NO_ERROR, 0x0)                                                         \
    X(PROTOCOL_ERROR, 0x1)                                                   \
    X(INTERNAL_ERROR, 0x2)                                                   \
    X(FLOW_CONTROL_ERROR, 0x3)                                               \
    X(SETTINGS_TIMEOUT, 0x4)                                                 \
    X(STREAM_CLOSED, 0x5)                                                    \
    X(FRAME_SIZE_ERROR, 0x6)                                                 \
    X(REFUSED_STREAM, 0x7)                                                   \
    X(CANCEL, 0x8)                                                           \
    X(COMPRESSION_ERROR, 0x9)                                                \
    X(CONNECT_ERROR, 0xa)                                                    \
    X(ENHANCE_YOUR_CALM, 0xb)                                                \
    X(INADEQUATE_SECURITY, 0xc)                                              \
    X(HTTP_1_1_REQUIRED, 0xd)

enum {
#define X(id, v) DEC_H2_ERR_##id = v,
    DEC_H2_ERROR_LIST(X)
#undef X
};

/* settings: X(id, value, default (RFC 9113 6.5.2), name) */
#define DEC_H2_SETTING_LIST(X)                                                           \
    X(HEADER_TABLE_SIZE, 0x1, 4096, "SETTINGS_HEADER_TABLE_SIZE")                       \
    X(ENABLE_PUSH, 0x2, 1, "SETTINGS_ENABLE_PUSH")                                      \
    X(MAX_CONCURRENT_STREAMS, 0x3, UINT32_MAX, "SETTINGS_MAX_CONCURRENT_STREAMS")       \
    X(INITIAL_WINDOW_SIZE, 0x4, 65535, "SETTINGS_INITIAL_WINDOW_SIZE")                  \
    X(MAX_FRAME_SIZE, 0x5, 16384, "SETTINGS_MAX_FRAME_SIZE")                            \
    X(MAX_HEADER_LIST_SIZE, 0x6, UINT32_MAX, "SETTINGS_MAX_HEADER_LIST_SIZE")           \
    X(ENABLE_CONNECT_PROTOCOL, 0x8, 0, "SETTINGS_ENABLE_CONNECT_PROTOCOL")              \
    X(NO_RFC7540_PRIORITIES, 0x9, 0, "SETTINGS_NO_RFC7540_PRIORITIES")

enum {
#define X(id, v, def, name) DEC_H2_SET_##id = v,
    DEC_H2_SETTING_LIST(X)
#undef X
};

/* why a stream ended: X(id, name) */
#define DEC_H2_END_LIST(X)                                                   \
    X(END_STREAM, "end_stream")      /* END_STREAM from both sides */        \
    X(RST_STREAM, "rst_stream")      /* a RST_STREAM (error_code) */         \
    X(GOAWAY, "goaway")              /* a GOAWAY covered it (error_code) */  \
    X(CONN_CLOSE, "conn_close")      /* the connection closed under it */    \
    X(CAPTURE_END, "capture_end")    /* still open when the capture ended */

enum dec_h2_end {
#define X(id, name) DEC_H2_END_##id,
    DEC_H2_END_LIST(X)
#undef X
};

/* what a header block is: X(id, name) */
#define DEC_H2_BLOCK_LIST(X)                                                 \
    X(REQUEST, "request")            /* the client's first HEADERS */        \
    X(RESPONSE, "response")          /* the server's (interim when 1xx) */   \
    X(TRAILERS, "trailers")          /* HEADERS after a message's head */    \
    X(PUSH_PROMISE, "push_promise")  /* the request of a pushed stream */

enum dec_h2_block_kind {
#define X(id, name) DEC_H2_BLOCK_##id,
    DEC_H2_BLOCK_LIST(X)
#undef X
};

/* note kinds the engine raises (proposed JSON names; limit, gap and
 * incomplete are the decoder's existing kinds) */
#define DEC_H2_NOTE_LIST(X)                                                  \
    X(MALFORMED, "malformed_h2")     /* a frame or stream breaks RFC 9113 */ \
    X(HPACK, "hpack")                /* header decoding: errors, unknown table */ \
    X(LIMIT, "limit")                /* a cap of dec_h2_opts was reached */  \
    X(GAP, "gap")                    /* bytes lost: framing had to be found again */ \
    X(INCOMPLETE, "incomplete")      /* a frame or header block cut short */

enum dec_h2_note_kind {
#define X(id, name) DEC_H2_NOTE_##id,
    DEC_H2_NOTE_LIST(X)
#undef X
    DEC_H2_NOTE_COUNT
};

/* what exactly a note is about: X(id, kind, name) */
#define DEC_H2_PROBLEM_LIST(X)                                               \
    X(NO_PREFACE, MALFORMED, "no_preface")            /* 3.4 */              \
    X(FIRST_NOT_SETTINGS, MALFORMED, "first_not_settings") /* 3.4 */         \
    X(FRAME_TOO_LARGE, MALFORMED, "frame_too_large")  /* 4.2 */              \
    X(FRAME_SIZE, MALFORMED, "frame_size")            /* 6.x FRAME_SIZE_ERROR */ \
    X(STREAM_ZERO, MALFORMED, "stream_zero")          /* 6.x: needs a stream */ \
    X(STREAM_NONZERO, MALFORMED, "stream_nonzero")    /* 6.5, 6.7, 6.8 */    \
    X(PAD_TOO_LONG, MALFORMED, "pad_too_long")        /* 6.1, 6.2, 6.6 */    \
    X(PAD_NONZERO, MALFORMED, "pad_nonzero")          /* 6.1 */              \
    X(SETTINGS_ACK_PAYLOAD, MALFORMED, "settings_ack_payload") /* 6.5 */     \
    X(SETTINGS_VALUE, MALFORMED, "settings_value")    /* 6.5.2 */            \
    X(WINDOW_ZERO, MALFORMED, "window_zero")          /* 6.9 */              \
    X(SELF_DEPENDENCY, MALFORMED, "self_dependency")  /* 5.3.1 */            \
    X(CONTINUATION_EXPECTED, MALFORMED, "continuation_expected") /* 6.10 */  \
    X(CONTINUATION_UNEXPECTED, MALFORMED, "continuation_unexpected") /* 6.10 */ \
    X(STREAM_IDLE, MALFORMED, "stream_idle")          /* 5.1 */              \
    X(STREAM_CLOSED, MALFORMED, "stream_closed")      /* 5.1 */              \
    X(STREAM_ID, MALFORMED, "stream_id")              /* 5.1.1 */            \
    X(PUSH_REFUSED, MALFORMED, "push_refused")        /* 6.6, 8.4 */         \
    X(HEADER_FIELD, MALFORMED, "header_field")        /* 8.2, 8.3 */         \
    X(TRAILERS_OPEN, MALFORMED, "trailers_open")      /* 8.1 */              \
    X(DATA_BEFORE_HEADERS, MALFORMED, "data_before_headers") /* 8.1 */       \
    X(GOAWAY_INCREASED, MALFORMED, "goaway_increased") /* 6.8 */             \
    X(SYNC_LOST, GAP, "sync_lost")                    /* framing lost */     \
    X(SYNC_FOUND, GAP, "sync_found")                  /* frames found again */ \
    X(SYNC_GIVEUP, MALFORMED, "sync_giveup")          /* the direction is not read further */ \
    X(TRUNCATED_FRAME, INCOMPLETE, "truncated_frame")  /* cut by a gap or the end */ \
    X(BLOCK_ABANDONED, INCOMPLETE, "block_abandoned")  /* no END_HEADERS */  \
    X(HPACK_ERROR, HPACK, "hpack_error")              /* 4.3 COMPRESSION_ERROR */ \
    X(TABLE_UNKNOWN, HPACK, "table_unknown")          /* fields shown as unknown */ \
    X(TABLE_KNOWN, HPACK, "table_known")              /* the table is known again */ \
    X(LIMIT_STREAMS, LIMIT, "limit_streams")                                 \
    X(LIMIT_BLOCK, LIMIT, "limit_block")                                     \
    X(LIMIT_FIELDS, LIMIT, "limit_fields")                                   \
    X(LIMIT_SETTINGS, LIMIT, "limit_settings")

enum dec_h2_problem {
#define X(id, kind, name) DEC_H2_P_##id,
    DEC_H2_PROBLEM_LIST(X)
#undef X
    DEC_H2_P_COUNT
};

/* Names; NULL for a value the tables do not hold (print the number). */
const char *dec_h2_type_name(unsigned type);       /* "HEADERS" */
const char *dec_h2_error_name(uint32_t code);      /* "CANCEL" */
const char *dec_h2_setting_name(uint16_t id);      /* "SETTINGS_MAX_FRAME_SIZE" */
const char *dec_h2_end_name(enum dec_h2_end how);  /* "rst_stream" */
const char *dec_h2_block_name(enum dec_h2_block_kind k);
const char *dec_h2_note_name(enum dec_h2_note_kind k);
const char *dec_h2_problem_name(enum dec_h2_problem p);
enum dec_h2_note_kind dec_h2_problem_kind(enum dec_h2_problem p);
/* The names of the flags set in `flags` that frame type `type` defines, in
 * bit order, into names[max]; returns how many. Undefined bits are left out
 * (RFC 9113 4.1: receivers ignore them). */
size_t dec_h2_flag_names(unsigned type, uint8_t flags, const char **names, size_t max);

/* ------------------------------------------------------------------------ */
/* Pure helpers                                                              */

#define DEC_H2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define DEC_H2_PREFACE_LEN 24
#define DEC_H2_FRAME_HEADER 9

/* 24 when buf starts with the client connection preface (RFC 9113 3.4),
 * DEC_INCOMPLETE when buf is a proper prefix of it, else DEC_INVALID. */
int dec_h2_match_preface(const uint8_t *buf, size_t len);

/* Do buf's first bytes read as HTTP/2 frames (for a connection adopted
 * without its start)? A frame header is plausible when its type is known,
 * its flags are ones that type defines, its R bit is clear, its length is at
 * most 16384 and fits the type, and its stream fits the type. Returns the
 * bytes of the whole frames checked when two plausible frames follow each
 * other, or one ends exactly at len; DEC_INCOMPLETE when more bytes are
 * needed to tell; DEC_INVALID when not. */
int dec_h2_sniff_frames(const uint8_t *buf, size_t len);

struct dec_h2_setting {
    uint16_t id;
    uint32_t value;
};

/* The HTTP2-Settings value of an Upgrade request (RFC 7540 3.2.1: the
 * base64url SETTINGS payload, "=" padding tolerated, surrounding blanks
 * ignored) into out[max]; *n is the entry count (all of them, even past
 * max). Returns 0, or DEC_INVALID for bad base64url or a payload that is
 * not a multiple of 6 bytes. */
int dec_h2_parse_settings_b64(const char *s, size_t len, struct dec_h2_setting *out, size_t max,
                              size_t *n);

/* ------------------------------------------------------------------------ */
/* HPACK (RFC 7541): one struct dec_hpack per direction                      */

/* how a field was represented on the wire (RFC 7541 6.1, 6.2) */
#define DEC_HPACK_REP_LIST(X)                                                \
    X(INDEXED, "indexed")                       /* 6.1: a table entry */     \
    X(INCREMENTAL, "literal_incremental")       /* 6.2.1: and added to the table */ \
    X(WITHOUT_INDEXING, "literal_without_indexing") /* 6.2.2 */              \
    X(NEVER_INDEXED, "literal_never_indexed")   /* 6.2.3 */                  \
    X(UNKNOWN, "unknown")                       /* not classified */

enum dec_hpack_rep {
#define X(id, name) DEC_HPACK_REP_##id,
    DEC_HPACK_REP_LIST(X)
#undef X
};

const char *dec_hpack_rep_name(enum dec_hpack_rep r);

struct dec_hpack_field {
    struct dec_str name, value;  /* p NULL: unknown (see the flags) */
    enum dec_hpack_rep rep;
    uint32_t index;              /* table index used (name or field); 0: literal name.
                                  * 1..61 the static table, 62 and up the dynamic one */
    uint32_t wire_offset;        /* in the header block */
    uint32_t wire_length;        /* bytes of its representation */
    bool name_unknown;           /* a dynamic entry from before what was seen */
    bool value_unknown;          /* likewise, or a Huffman string that would not decode */
};

/* the fields of one decoded header block; pointers live until the next
 * dec_hpack_decode or dec_hpack_free on the same struct dec_hpack */
struct dec_hpack_block {
    const struct dec_hpack_field *fields;  /* in wire order, at most max_fields */
    size_t nfields;
    uint64_t nfields_total;      /* fields in the block, kept or not */
    int64_t decoded_length;      /* sum of name + ": " + value + "\r\n" over every
                                  * field; -1 when a name or value is unknown */
    uint64_t unknown;            /* fields with an unknown name or value */
    bool limited;                /* max_fields or max_decoded left fields out */
    bool table_unknown;          /* decoded without the whole dynamic table */
    const char *error;           /* NULL, or why decoding stopped (COMPRESSION_ERROR) */
};

struct dec_hpack;

/* table_known: false when decoding starts without the connection's first
 * header block (mid-connection): the dynamic table is unknown. max_fields and
 * max_decoded bound what is kept (0: the DEC_H2_DEFAULT_ values). */
struct dec_hpack *dec_hpack_new(bool table_known, size_t max_fields, size_t max_decoded);
void dec_hpack_free(struct dec_hpack *hp);
/* The decoding side's SETTINGS_HEADER_TABLE_SIZE came into effect (RFC 7541
 * 4.2, RFC 9113 6.5.3): the most a dynamic table size update may ask for. */
void dec_hpack_set_max(struct dec_hpack *hp, uint32_t settings_max);
/* Decode one whole header block (the HEADERS or PUSH_PROMISE fragment and
 * its CONTINUATIONs, without padding or priority fields). Returns 0, or -1
 * when it failed (out->error says why): then the fields before the error are
 * in out and the table is unknown from here on. */
int dec_hpack_decode(struct dec_hpack *hp, const uint8_t *block, size_t len,
                     struct dec_hpack_block *out);
/* Blocks were lost (a gap, a malformed or abandoned block): the dynamic table
 * is unknown from here on. */
void dec_hpack_lose(struct dec_hpack *hp);
/* Is the whole dynamic table known now? */
bool dec_hpack_table_known(const struct dec_hpack *hp);

/* ------------------------------------------------------------------------ */
/* The engine                                                                */

enum dec_h2_start {
    DEC_H2_START_PREFACE,        /* c2s begins with the preface: h2c by prior knowledge, ALPN h2 */
    DEC_H2_START_UPGRADE,        /* after "Upgrade: h2c" and its 101 (RFC 7540 3.2) */
    DEC_H2_START_MIDSTREAM       /* the capture began inside the connection */
};

struct dec_h2_opts {
    enum dec_h2_start start;
    /* UPGRADE: the request's HTTP2-Settings value (base64url), or NULL */
    const char *http2_settings;
    size_t http2_settings_len;
    size_t max_streams;          /* streams tracked at once (0: default) */
    size_t max_block;            /* header block bytes (0: default) */
    size_t max_fields;           /* fields kept per block (0: default) */
    size_t max_decoded;          /* decoded field bytes kept per block (0: default) */
};

#define DEC_H2_DEFAULT_MAX_STREAMS 4096
#define DEC_H2_DEFAULT_MAX_BLOCK (256u << 10)
#define DEC_H2_DEFAULT_MAX_FIELDS 256
#define DEC_H2_DEFAULT_MAX_DECODED (256u << 10)
#define DEC_H2_MAX_SETTINGS_KEPT 32  /* entries of one SETTINGS frame in its event */
#define DEC_H2_MAX_DEBUG_KEPT 256    /* GOAWAY debug bytes in its event */

/* Events. Everything a pointer reaches is borrowed for the call. */

struct dec_h2_preface {
    uint64_t offset;             /* c2s stream offset of its first byte */
    const uint64_t *frames;      /* the capture frames that carried it */
    size_t nframes;
    tr_time ts, ts_end;
};

struct dec_h2_frame {
    enum tr_dir dir;
    uint8_t type;                /* enum dec_h2_type, or an unknown type */
    uint8_t flags;               /* as sent */
    uint32_t stream;             /* stream identifier (R bit cleared) */
    uint32_t length;             /* payload length from the frame header */
    uint64_t offset;             /* stream offset of the 9-byte frame header */
    const uint64_t *frames;      /* the capture frames that carried any of its bytes, ascending */
    size_t nframes;
    tr_time ts, ts_end;
    bool truncated;              /* cut short by a gap or the end of its direction */
    bool gap;                    /* bytes of its payload were never captured */
    bool malformed;              /* a note was raised and its contents were not used */
    bool first;                  /* the first frame of its direction after the preface */
    /* what the payload says, by type (zero where it does not apply) */
    uint8_t pad_length;          /* PADDED: the Pad Length field */
    uint32_t content_length;     /* DATA: data bytes; HEADERS, PUSH_PROMISE, CONTINUATION:
                                  * field block fragment bytes (padding and fields left out) */
    bool has_priority;           /* PRIORITY, or HEADERS with the PRIORITY flag */
    bool exclusive;
    uint32_t dependency;
    uint16_t weight;             /* 1..256 (the field plus one) */
    uint32_t error_code;         /* RST_STREAM, GOAWAY */
    uint32_t last_stream;        /* GOAWAY */
    uint32_t debug_length;       /* GOAWAY: additional debug data bytes */
    const uint8_t *debug;        /* ... the first DEC_H2_MAX_DEBUG_KEPT of them */
    size_t debug_kept;
    uint32_t increment;          /* WINDOW_UPDATE */
    uint8_t opaque[8];           /* PING */
    uint32_t promised_stream;    /* PUSH_PROMISE */
    /* SETTINGS: its entries (the first DEC_H2_MAX_SETTINGS_KEPT); with ACK: the
     * entries of the SETTINGS it acknowledges, now in effect (none if unknown) */
    const struct dec_h2_setting *settings;
    size_t nsettings;
};

/* a frame that made a header block (HEADERS or PUSH_PROMISE, CONTINUATIONs) */
struct dec_h2_fref {
    uint64_t offset;
    uint32_t length;
    uint8_t type, flags;
    uint64_t first_frame, last_frame;  /* capture frames of its first and last byte */
};

struct dec_h2_block {
    enum tr_dir dir;
    uint32_t stream;             /* the stream it came on */
    uint64_t index;              /* that stream's exchange number (PUSH_PROMISE: the promised
                                  * stream's) */
    enum dec_h2_block_kind kind;
    bool interim;                /* RESPONSE with a 1xx :status */
    uint32_t promised_stream;    /* PUSH_PROMISE */
    bool end_stream;             /* its HEADERS carried END_STREAM */
    bool complete;               /* every fragment seen and decoded */
    const struct dec_hpack_field *pseudo;  /* the ':' fields, in wire order */
    size_t npseudo;
    const struct dec_hpack_field *fields;  /* the regular fields, in wire order (and the
                                            * fields whose name is unknown) */
    size_t nfields;
    uint64_t nfields_total;      /* all fields, pseudo and regular, kept or not */
    /* the pseudo-headers' values (p NULL: absent or unknown) */
    struct dec_str method, scheme, authority, path, protocol, status_text;
    int status;                  /* :status as a number, -1 none or not 3 digits */
    uint64_t hpack_length;       /* field block bytes on the wire, all fragments, without
                                  * padding, priority or promised-stream fields */
    int64_t decoded_length;      /* the same fields as HTTP/1.1 header lines: the sum over
                                  * every field, pseudo-headers included, of
                                  * strlen(name) + 2 (": ") + strlen(value) + 2 (CRLF);
                                  * -1 when a name or value is unknown */
    uint64_t unknown;            /* fields with an unknown name or value */
    bool table_unknown;          /* the dynamic table was not wholly known */
    const struct dec_h2_fref *h2frames;    /* the frames that made it, in order */
    size_t nh2frames;
    const uint64_t *frames;      /* their capture frames, ascending */
    size_t nframes;
    uint64_t offset, length;     /* from the first frame's header to the last frame's end */
    tr_time ts, ts_end;
};

struct dec_h2_data {
    enum tr_dir dir;
    uint32_t stream;
    uint64_t index;              /* the stream's exchange number */
    uint64_t offset;             /* stream offset of data[0] */
    const uint8_t *data;         /* NULL: len bytes never captured (a gap) */
    size_t len;
    const uint64_t *frames;      /* the capture frames of the piece that carried them */
    size_t nframes;
    tr_time ts;
};

enum dec_h2_stream_event { DEC_H2_STREAM_OPEN, DEC_H2_STREAM_END };

struct dec_h2_stream {
    enum dec_h2_stream_event event;
    uint32_t id;
    uint64_t index;              /* exchange number: streams in the order they were first seen */
    enum tr_dir dir;             /* OPEN: the direction that opened it; END: that of the frame
                                  * that ended it (for CONN_CLOSE/CAPTURE_END: c2s) */
    bool pushed;                 /* reserved by a PUSH_PROMISE on stream `parent` */
    uint32_t parent;
    bool upgraded;               /* stream 1 of an Upgrade: its request was HTTP/1.1 */
    bool adopted;                /* already open when the capture began */
    /* END */
    enum dec_h2_end how;
    uint32_t error_code;         /* RST_STREAM, GOAWAY */
    uint64_t frame;              /* the capture frame that ended it (0: none) */
    tr_time ts;
    uint64_t data_bytes[2];      /* DATA payload by direction, padding left out */
    uint64_t gap_bytes[2];       /* DATA payload never captured */
    bool request_seen, response_seen;  /* a request / final response header block */
};

struct dec_h2_note {
    enum dec_h2_note_kind kind;
    enum dec_h2_problem problem;
    enum tr_dir dir;
    uint32_t stream;             /* 0: the connection */
    uint64_t offset;             /* stream offset of the frame (or byte) concerned */
    uint64_t frame;              /* capture frame */
    const char *detail;          /* one line, lowercase, no full stop */
};

/* Every member may be NULL. */
struct dec_h2_sink {
    void *ctx;
    void (*on_preface)(void *ctx, const struct dec_h2_preface *p);
    void (*on_frame)(void *ctx, const struct dec_h2_frame *f);
    void (*on_block)(void *ctx, const struct dec_h2_block *b);
    void (*on_data)(void *ctx, const struct dec_h2_data *d);
    void (*on_stream)(void *ctx, const struct dec_h2_stream *s);
    void (*on_note)(void *ctx, const struct dec_h2_note *n);
};

struct dec_h2_counts {
    uint64_t streams;            /* streams seen (exchanges): opened, pushed, upgraded, adopted */
    uint64_t max_open;           /* most streams open or half-closed at once (RFC 9113 5.1.2) */
    uint64_t open;               /* open now */
    uint64_t pushed;
    uint64_t frames[DEC_H2_TYPE_COUNT];  /* by type */
    uint64_t unknown_frames;     /* frames of unknown types */
    uint64_t blocks;             /* header blocks */
    uint64_t hpack_bytes;        /* their bytes on the wire */
    uint64_t decoded_bytes;      /* their decoded_length, where known */
    uint64_t notes;
    bool preface;                /* the client preface was seen */
    bool goaway;                 /* a GOAWAY was seen */
};

struct dec_h2;

/* The sink is copied. Returns the engine (never NULL: allocation failure
 * exits, as tr_xmalloc does). */
struct dec_h2 *dec_h2_new(const struct dec_h2_opts *opts, const struct dec_h2_sink *sink);
/* Frees without further events (call dec_h2_finish first for them). */
void dec_h2_free(struct dec_h2 *h);
/* In-order bytes [offset, offset+len) of direction dir, carried by the capture
 * frames frames[nframes] (one for TCP, several for a TLS record), captured at
 * ts. A piece that starts past the expected offset implies a gap; bytes seen
 * before are skipped. */
void dec_h2_feed(struct dec_h2 *h, enum tr_dir dir, uint64_t offset, const uint8_t *data,
                 size_t len, const uint64_t *frames, size_t nframes, tr_time ts);
/* len bytes at offset of direction dir were never captured */
void dec_h2_gap(struct dec_h2 *h, enum tr_dir dir, uint64_t offset, uint64_t len, uint64_t frame,
                tr_time ts);
/* direction dir ended (FIN, or no more bytes will come) */
void dec_h2_end(struct dec_h2 *h, enum tr_dir dir, uint64_t frame, tr_time ts);
/* The connection ended: closed (FIN, RST) or the capture ended with it open.
 * Ends what is left: directions, then open streams (GOAWAY when one was seen,
 * else CONN_CLOSE or CAPTURE_END). No event comes after it. */
void dec_h2_finish(struct dec_h2 *h, bool closed, uint64_t frame, tr_time ts);
void dec_h2_counts(const struct dec_h2 *h, struct dec_h2_counts *out);

#endif
