/* decode.h - the HTTP/1.x stage decoder: every reassembled connection split
 * into the stages of the seven steps of an HTTP exchange
 *
 * It takes the tracer's events (wire them with dec_tracer_sink) and gives
 * its own to a struct dec_sink: connections, stages, exchanges, notes, in
 * the order of ../shared/spec/transcript.md. Bytes may arrive in any pieces;
 * the stages do not depend on how the streams were cut. The decoder never
 * prints, never exits, and never includes curses.
 *
 * Longer than 800 lines: the decode layer's one public header (the model, the
 * X-macro tables of stages, notes and DNS types, the sinks, the pipeline),
 * declarations and their documentation only.
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
    bool loose_space;  /* words split by a run of spaces, a tab, or trailing whitespace */
    bool bad_target;   /* the target has none of RFC 9112 3.2's four forms */
};

struct dec_statusline {
    struct dec_span version, code, reason;
    int status;
};

/* A request line "METHOD SP target [SP version]" ending in LF (CR optional).
 * Words are split at runs of spaces and tabs, as servers do (RFC 9112 3
 * lets recipients); loose_space and bad_target say what a strict reader
 * would refuse. */
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
/* inspect: readers of untrusted body bytes (decode/inspect.c)              */
/* What a body or a header value holds, for the learner's text. Each is    */
/* pure and bounded: it reads only (p, n) (never up to a NUL), writes only  */
/* the caller's out (at most cap bytes), allocates nothing, and takes any   */
/* bytes. Spans are offsets into p; input past 4 GiB is not read.          */

/* Percent-decoding (RFC 3986 2.1): "%XX" with two hex digits becomes that
 * byte, any other '%' stays; plus: '+' is a space too (an HTML form's
 * urlencoding). Writes at most cap bytes (n always suffice) and returns
 * how many. */
size_t dec_pct_decode(const uint8_t *p, size_t n, bool plus, uint8_t *out, size_t cap);
/* Base64 (RFC 4648 4), with its '=' padding optional: false when a byte is
 * outside the alphabet, a group has a lone character, or anything but
 * padding follows '='. Writes at most cap bytes (n * 3 / 4 suffice);
 * *outlen: how many. */
bool dec_base64_decode(const uint8_t *p, size_t n, uint8_t *out, size_t cap, size_t *outlen);

/* The media type of a Content-Type value (RFC 9110 8.3.1): the bytes
 * before the first ';', without the spaces and tabs around them. */
struct dec_span dec_media_type(const uint8_t *p, size_t n);
/* A parameter of a header value (RFC 9110 5.6.6: ';' name '=' value, the
 * name in any case), the first so named: a token, or the inside of a
 * quoted-string (its backslashes as sent; an unclosed quote runs to the
 * end). False when absent. */
bool dec_header_param(const uint8_t *p, size_t n, const char *name, struct dec_span *out);
/* The elements of a comma-separated list (RFC 9110 5.6.1), each without
 * the spaces around it; empty ones are skipped and commas inside
 * quoted-strings do not split. Start with *pos = 0; false at the end. */
bool dec_list_next(const uint8_t *p, size_t n, size_t *pos, struct dec_span *item);
/* Does a comma-separated list hold the token tok (ignoring case)? */
bool dec_list_has_token(const uint8_t *p, size_t n, const char *tok);
/* A quality value (RFC 9110 12.4.2: "0", "0.5", "1.000"...) in thousandths,
 * 0..1000, or -1 when it is not one. */
int dec_qvalue(const uint8_t *p, size_t n);

/* A name=value pair of a query or an urlencoded form (pairs joined by '&',
 * empty pieces skipped; the name and value still percent-encoded) */
struct dec_pair {
    struct dec_span name, value;
    bool has_value;              /* an '=' was there */
};
/* The pair at or after *pos (start with 0), which it moves past; false at
 * the end. */
bool dec_pair_next(const uint8_t *p, size_t n, size_t *pos, struct dec_pair *out);
size_t dec_pair_count(const uint8_t *p, size_t n);
/* The cookies of a Cookie header value (RFC 6265 4.2.1): the pieces
 * between semicolons that hold a name, '=' and a value. */
size_t dec_cookie_count(const uint8_t *p, size_t n);
/* An attribute of a Set-Cookie value (RFC 6265 5.2: after the cookie-pair,
 * each ';' begins one: "Secure", "Max-Age=60"), the name in any case: its
 * value (empty when it has none). False when absent. */
bool dec_cookie_attr(const uint8_t *p, size_t n, const char *name, struct dec_span *value);

/* The parts of a multipart body (RFC 2046 5.1.1, RFC 7578): each begins
 * with a delimiter line "--boundary" at the start of a line, then its
 * header lines, an empty line and its data; "--boundary--" ends them.
 * Start with *pos = 0 (a preamble is skipped). DEC_PART_ONE: a whole part
 * in *out (head: its header lines; data: without the line break before
 * the next delimiter), *pos moved on; DEC_PART_END: the closing delimiter;
 * DEC_PART_NONE: no further whole part in these bytes (the body was kept
 * only in part, or the boundary is empty, longer than 70 bytes or absent). */
enum { DEC_PART_NONE = 0, DEC_PART_ONE = 1, DEC_PART_END = 2 };
struct dec_part {
    struct dec_span head, data;
};
int dec_multipart_next(const uint8_t *p, size_t n, const uint8_t *boundary, size_t blen,
                       size_t *pos, struct dec_part *out);
/* A field of header lines such as a part's head ("Name: value" lines
 * ending in LF or CR LF): the value of the first so named (ignoring case),
 * without the spaces around it. False when absent. */
bool dec_field_lines_get(const uint8_t *p, size_t n, const char *name, struct dec_span *value);

/* Tags of an HTML document that name another file the browser fetches:
 * "<link", "<script", "<img", in any case, each followed by whitespace,
 * '/' or '>' (HTML Living Standard 13.2.5.8). */
struct dec_html_refs {
    size_t link, script, img;
};
void dec_html_count_refs(const uint8_t *p, size_t n, struct dec_html_refs *out);
/* The format of data by its first bytes (its signature): "PNG", "JPEG",
 * "GIF", "gzip", "PDF", "ZIP" (a constant string), or NULL; *siglen: how
 * many bytes make the signature (0 for NULL). */
const char *dec_file_signature(const uint8_t *p, size_t n, size_t *siglen);
/* The size in pixels of a PNG (its IHDR chunk) or GIF (its logical screen)
 * picture from its first bytes; false when they are not such a header or
 * are cut short. */
bool dec_image_size(const uint8_t *p, size_t n, uint32_t *w, uint32_t *h);

/* The bytes before the first CR or LF. */
size_t dec_line_len(const uint8_t *p, size_t n);
/* The first chunk-size line of a chunked body (RFC 9112 7.1), when it is
 * whole and valid (dec_parse_chunk_size): its hex digits and their value. */
bool dec_chunk_size_line(const uint8_t *p, size_t n, struct dec_span *digits, uint64_t *size);

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
    X(KEEP_ALIVE, "keep_alive", 7, DEC_N_("Keep-alive"), DEC_N_("Keep-alive"))                \
    /* version 2: HTTPS (the TLS handshake inside step 1) */                                  \
    X(TLS_CLIENT_HELLO, "tls_client_hello", 1, DEC_N_("TLS ClientHello"), DEC_N_("ClientHello")) \
    X(TLS_SERVER_HELLO, "tls_server_hello", 1, DEC_N_("TLS ServerHello"), DEC_N_("ServerHello")) \
    X(TLS_CLIENT_FINISHED, "tls_client_finished", 1, DEC_N_("TLS client Finished"),          \
      DEC_N_("Finished"))                                                                     \
    /* bytes that stay encrypted: no step (JSON "step": null) */                              \
    X(ENCRYPTED, "encrypted", -1, DEC_N_("Encrypted"), DEC_N_("Encrypted"))                   \
    /* version 2: HTTP/2 */                                                                   \
    X(H2_PREFACE, "h2_preface", 1, DEC_N_("HTTP/2 preface"), DEC_N_("Preface"))               \
    X(H2_SETTINGS, "h2_settings", 1, DEC_N_("HTTP/2 settings"), DEC_N_("Settings"))           \
    X(PUSH_PROMISE, "push_promise", 6, DEC_N_("Push promise"), DEC_N_("Push"))                \
    X(STREAM_END, "stream_end", 7, DEC_N_("Stream end"), DEC_N_("Stream end"))                \
    X(GOAWAY, "goaway", 7, DEC_N_("GOAWAY"), DEC_N_("GOAWAY"))                                \
    /* issue 13: a client asks a SOCKS proxy to connect it on (both directions) */             \
    X(SOCKS, "socks", 1, DEC_N_("SOCKS handshake"), DEC_N_("SOCKS"))                          \
    /* step 0 (issue 17): the DNS lookup that gave the server's address. The    */           \
    /* decoder never writes it (the transcript has `dns` lines and conn.dns):   */           \
    /* a record puts it before the handshake (dec_record_set_dns).              */           \
    X(DNS_LOOKUP, "dns_lookup", 0, DEC_N_("DNS lookup"), DEC_N_("DNS"))

enum dec_stage_kind {
#define X(id, name, step, title, brief) DEC_STAGE_##id,
    DEC_STAGE_LIST(X)
#undef X
    DEC_STAGE_COUNT
};

const char *dec_stage_name(enum dec_stage_kind k);
/* 1..7; 0 for the DNS lookup; -1 for a stage of no step (encrypted) */
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
    X(INCOMPLETE, "incomplete")                                              \
    /* version 2 */                                                          \
    X(TLS_NO_KEYS, "tls_no_keys")                                            \
    X(TLS_DECRYPT_ERROR, "tls_decrypt_error")                                \
    X(TLS_UNSUPPORTED, "tls_unsupported")                                    \
    X(MALFORMED_TLS, "malformed_tls")                                        \
    X(MALFORMED_H2, "malformed_h2")                                          \
    X(MALFORMED_DNS, "malformed_dns")                                        \
    X(SOCKS, "socks")

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
    DEC_FRAMING_CLOSE,         /* read until the connection closes */
    DEC_FRAMING_H2             /* HTTP/2 DATA frames, to END_STREAM */
};

/* "content-length", "chunked", "close", "h2", NULL */
const char *dec_framing_name(enum dec_framing f);

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
    bool interim;                /* a 1xx response: not a 101, but for one to h2c */
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
    bool tls;                                 /* carried inside TLS (offsets: plaintext) */
    /* HTTP/2 (version "HTTP/2", no reason phrase): its stream, the pseudo-
     * header fields (":method"...) apart from the regular ones, and header
     * compression made visible */
    bool h2;
    uint32_t stream;
    const struct dec_header *pseudo;
    size_t npseudo;
    struct dec_str authority, scheme;          /* request: :authority, :scheme */
    int64_t hpack_length;                     /* header block bytes on the wire; -1: none */
    int64_t decoded_hlength;                  /* the same fields as HTTP/1.1 lines; -1: unknown */
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

/* What a TLS stage shows of the handshake (version 2): its own copy, owned
 * by the stage. Names are the IANA tables' (decode/tls.h). */
#define DEC_TLS_STAGE_MAX_LIST 16
struct dec_tls_stage {
    bool decrypted;              /* its records were decrypted (or were in the clear) */
    bool has_sni;
    char sni[256];               /* the ClientHello's server name */
    size_t nalpn_offered;
    char alpn_offered[8][64];
    size_t nversions;            /* offered (supported_versions, else the legacy one) */
    uint16_t versions[DEC_TLS_STAGE_MAX_LIST];
    uint16_t version;            /* chosen; 0: not known yet */
    uint16_t cipher;             /* chosen suite; has_cipher */
    bool has_cipher;
    bool has_alpn;
    char alpn[64];               /* chosen (1.3: known after decryption) */
    size_t nmessages;
    const char *messages[32];    /* handshake messages, in order ("ServerHello", ...) */
    bool has_cert;               /* the first certificate was read (1.2 in clear; 1.3 decrypted) */
    char cert_subject[256], cert_issuer[256];
    bool hrr;                    /* a HelloRetryRequest came */
    bool resumed;
};

/* the secrets a stage lists: a direction uses at most three (0-RTT,
 * handshake, application), or TLS 1.2's one master secret */
#define DEC_STAGE_MAX_KEYS 4
struct dec_tls_keyuse;           /* decode/tls.h */

/* an HTTP/2 frame that made a stage: the capture frame that completed it */
struct dec_h2_ref {
    uint64_t frame;
    uint8_t type, flags;
    uint32_t length;
};

/* an HTTP/2 setting as sent */
struct dec_h2_kv {
    uint16_t id;
    uint32_t value;
};

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
    /* version 2 */
    bool tls;                    /* an HTTP stage inside TLS: offsets in the plaintext stream */
    const struct dec_tls_stage *tls_info;  /* tls_*: owned by the stage */
    uint64_t records;            /* encrypted: the TLS records of the run */
    /* tls_* and the HTTP stages inside TLS: the key log secrets that
     * decrypted its records, in the order they were first used (references
     * the stage holds; none for records in the clear or left encrypted), and
     * the TLS 1.3 KeyUpdates applied to them (lowest and highest, over its
     * records; 0 0: the secrets as logged) */
    const struct dec_tls_keyuse *tls_keys[DEC_STAGE_MAX_KEYS];
    size_t ntls_keys;
    uint32_t tls_phase_lo, tls_phase_hi;
    uint32_t stream;             /* HTTP/2: the stream (0: none, the connection) */
    const struct dec_h2_ref *h2; /* HTTP/2: the frames that made it (owned) */
    size_t nh2;
    const struct dec_h2_kv *settings;  /* h2_preface, h2_settings (owned) */
    size_t nsettings;
    uint32_t promised_stream;    /* push_promise */
    const char *h2_how;          /* stream_end: "end_stream", "rst_stream", "goaway", "capture_end" */
    const char *error_code;      /* stream_end (RST_STREAM, GOAWAY), goaway: the code's name */
    uint32_t last_stream;        /* goaway */
    const struct dec_socks *socks;  /* socks: what the handshake said (owned) */
    const struct dec_dns_line *dns;  /* dns_lookup: the lookup (a reference the stage holds) */
    size_t nframes;
    uint64_t frames[];           /* sorted, each once */
};

/* A SOCKS 4, 4a or 5 handshake (issue 13): what the client asked the proxy
 * and what the proxy answered, as far as the capture holds them */
struct dec_socks {
    uint8_t version;             /* 4 or 5 */
    bool v4a;                    /* 4a: the client sent a name, not an address */
    uint8_t nmethods;            /* 5: authentication methods offered */
    int method;                  /* 5: the one chosen (0 none, 2 password, 0xff none acceptable;
                                  * -1: not seen yet) */
    bool auth_sent;              /* 5: the client sent a user name and password (RFC 1929) */
    bool auth_ok;                /* 5 with a password: accepted (true when none was asked) */
    char user[64];               /* 4: the user id; 5: the user name (the password is not kept) */
    size_t password_len;
    uint8_t command;             /* 1 CONNECT, 2 BIND, 3 UDP ASSOCIATE */
    char host[256];              /* the target: an address, or the name sent */
    bool by_name;                /* the proxy resolves the name (4a, 5 with a domain) */
    uint16_t port;
    int reply;                   /* the reply code; -1: none seen */
    bool granted;
    char bound[256];             /* 5: the address the proxy connected from */
    uint16_t bound_port;
    bool unreadable;             /* 5: a method whose traffic is encapsulated */
    bool done;                   /* the handshake ended (granted, refused or broken) */
};

/* the reply codes in words (msgids: teach translates them) */
#define DEC_SOCKS4_REPLIES                                                     \
    X(0x5a, DEC_N_("request granted"))                                         \
    X(0x5b, DEC_N_("request rejected or failed"))                              \
    X(0x5c, DEC_N_("rejected: the proxy could not reach identd on the client")) \
    X(0x5d, DEC_N_("rejected: identd reports another user"))
#define DEC_SOCKS5_REPLIES                                                     \
    X(0, DEC_N_("succeeded"))                                                  \
    X(1, DEC_N_("general SOCKS server failure"))                               \
    X(2, DEC_N_("connection not allowed by ruleset"))                          \
    X(3, DEC_N_("network unreachable"))                                        \
    X(4, DEC_N_("host unreachable"))                                           \
    X(5, DEC_N_("connection refused"))                                         \
    X(6, DEC_N_("TTL expired"))                                                \
    X(7, DEC_N_("command not supported"))                                      \
    X(8, DEC_N_("address type not supported"))
/* the reply code in words ("succeeded", "connection refused"; English), or NULL */
const char *dec_socks_reply_name(const struct dec_socks *k);

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
    uint32_t stream;             /* HTTP/2: its stream (0: HTTP/1) */
    bool pushed;                 /* HTTP/2: the server pushed it */
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
struct dec_tls_facts;            /* decode/tls.h */
struct dec_keylog;               /* decode/tls.h */

/* HTTP/2 counts of a connection (conn_end.h2) */
struct dec_conn_h2 {
    uint64_t streams, max_open;
    uint64_t frames[16];         /* by frame type (0..9 as RFC 9113 6 numbers them) */
};

struct dec_conn {
    uint64_t id;                 /* the tracer's connection number */
    const struct tr_conn *tc;    /* endpoints, handshake, close facts */
    uint64_t exchanges;          /* exchanges begun so far */
    bool http;                   /* HTTP (or TLS) was found on it */
    bool tls;                    /* a TLS handshake */
    bool not_http;               /* bytes that are not HTTP were seen */
    void *user;                  /* the dec_sink's own per-connection state */
    /* version 2 */
    uint64_t dns_frame;          /* the lookup that gave its server's address (0: none) */
    const struct dec_dns_line *dns;  /* that lookup (valid until on_conn_end), or NULL */
    bool dns_seen;               /* DNS lookups were captured before its first packet */
    const char *protocol;        /* "http/1.1", "h2", "tls", "other", NULL (no payload) */
    const struct dec_tls_facts *tls_facts;   /* TLS: the engine's facts, or NULL */
    const struct dec_conn_h2 *h2;            /* HTTP/2: counts, or NULL */
    const char *socks;           /* "SOCKS 4", "SOCKS 4a", "SOCKS 5", or NULL */
};

/* A DNS lookup (version 2: a `dns` line): a query and its answer, paired
 * by the decoder; reference-counted like the rest of the model. */
struct dec_dns_answer {
    char type[16];               /* "A", "AAAA", "CNAME" */
    char data[256];              /* the address (RFC 5952) or the name */
    uint32_t ttl;
};

struct dec_dns_line {
    uint32_t refs;
    uint64_t frame;              /* the query's */
    tr_time ts;
    struct tr_endpoint client, server;
    bool tcp;                    /* DNS over TCP (else UDP) */
    uint16_t id;
    char name[256];              /* the question, escaped */
    char qtype[16];
    bool answered;               /* a response came (then rcode, answers, response_*) */
    char rcode[16];
    bool truncated;              /* the TC bit */
    const struct dec_dns_answer *answers;   /* A, AAAA, CNAME of the answer section */
    size_t nanswers;
    uint64_t response_frame;
    tr_time response_ts;
    bool retry;                  /* the same question went to another server before */
};

struct dec_dns_line *dec_dns_line_ref(const struct dec_dns_line *d);
void dec_dns_line_unref(const struct dec_dns_line *d);

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
    /* optional (version 2): decrypted bytes of a TLS connection's plaintext
     * stream, at their plaintext offset */
    void (*on_plain)(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t offset,
                     const uint8_t *data, size_t len, uint64_t frame);
    /* a DNS lookup, when its answer came (or at the end without one) */
    void (*on_dns)(void *ctx, const struct dec_dns_line *d);
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
    const struct dec_keylog *keys;  /* TLS secrets (borrowed; NULL: none) */
    /* live: read the key logs again (dec_keylog_refresh), called before a
     * TLS connection still without keys decodes more of its records (the
     * browser writes its secrets during the handshake); NULL: never */
    void (*refresh_keys)(void *ctx);
    void *refresh_ctx;
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
/* The end of the capture, after the tracer's last event (tr_table_finish):
 * the DNS lookups never answered are written (on_dns). */
void dec_finish(struct dec_decoder *d);

struct dec_stats {
    uint64_t http_conns;
    uint64_t exchanges;
    uint64_t notes;
    uint64_t dns;                /* DNS queries seen */
    uint64_t decrypted;          /* TLS connections decrypted */
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
    uint64_t notes;              /* 1 << kind for each note kind at its frame */
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
    struct dec_stream plain[2];  /* TLS: the decrypted streams (version 2) */
    int64_t x_lo, x_hi;          /* the window of exchanges kept; x_hi < 0: all */
    bool in_window;              /* a stage of the window has come */
    bool seen_x;                 /* a stage of some exchange has come (kept or not) */
    bool sealed;                 /* past the window: nothing more is kept */
    bool rolling;                /* drop the oldest stages and packets past the caps */
    uint64_t trimmed;            /* stages dropped from the front so far (rolling) */
    uint64_t version;            /* counts the events recorded: a reader's cache key */
    bool dns_seen;               /* the capture held DNS lookups before the connection */
    size_t linked;               /* stages dec_record_link has linked (of trimmed_linked) */
    uint64_t linked_trimmed;     /* `trimmed` when they were linked */
};

void dec_record_init(struct dec_record *r, uint64_t conn_id);
/* drop every reference and buffer (the record can be initialized again) */
void dec_record_free(struct dec_record *r);
/* keep only exchanges [lo, hi] of a long connection (and its handshake) */
void dec_record_window(struct dec_record *r, int64_t lo, int64_t hi);
/* the dec_sink that records (events of conn_id only, unless it is 0) */
void dec_record_sink(struct dec_record *r, struct dec_sink *out);
/* Step 0: the lookup that gave the connection's server address (NULL:
 * none) becomes a dns_lookup stage before every other (the record takes a
 * reference); dns_seen: lookups were captured before the connection. The
 * record's on_conn calls it from dec_conn.dns; a reader whose record misses
 * the lookups (the UI's detail pass reads from the connection's first
 * frame) calls it with what an earlier pass saw. Once per record. */
void dec_record_set_dns(struct dec_record *r, const struct dec_dns_line *dns, bool dns_seen);
/* link packets to the stages they carry (after loading, and after changes);
 * only the stages recorded since the last call, unless the rolling record
 * dropped stages since (then all): a stage's packets are recorded before it */
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
    int snaplen;                 /* live: bytes kept per packet (0: 262144) */
    int buffer_kib;              /* live: kernel capture buffer in KiB (0: the default) */
    /* TLS secrets: --keylog files (followed as they grow, live), and the
     * Decryption Secrets Blocks of a pcapng file, read at open */
    const char *const *keylogs;
    size_t nkeylogs;
    /* a malformed key log line, one line of text to print (may be NULL) */
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
};

/* why dec_pipeline_open failed, for the exit status */
enum dec_pipe_error {
    DEC_PIPE_OK = 0,
    DEC_PIPE_EFILTER,            /* the filter expression is bad */
    DEC_PIPE_EINPUT,             /* the file cannot be read, or its link type */
    DEC_PIPE_ELIVE               /* the live capture cannot start */
};

/* The default filter, live: "(tcp port 80) or (udp port 53)", or one
 * "tcp port N" per -p port joined with " or " in the first parentheses (UDP
 * port 53: the DNS lookups, step 0); NULL for a file (read whole: the table keeps the
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
    uint64_t dns, decrypted;     /* version 2: DNS queries seen, TLS connections decrypted */
};
void dec_pipeline_stats(struct dec_pipeline *p, struct dec_run_stats *out);

/* ======================================================================== */
/* DNS (decode/dns.c, issue 17): one message of RFC 1035 4.1, parsed by a   */
/* pure function into a caller's struct; the pairing key, the CNAME chain,  */
/* and DNS over TCP's two-byte framing. The decoder pairs and writes.       */

#define DEC_DNS_HEADER_LEN 12     /* RFC 1035 4.1.1 */
#define DEC_DNS_NAME_MAX 255      /* octets of a name on the wire, RFC 1035 3.1 */
#define DEC_DNS_NAMESTRLEN 1024   /* its text: every label byte may become "\DDD" */
#define DEC_DNS_MAX_HOPS 128      /* compression pointers followed in one name */
#define DEC_DNS_MAX_CHAIN 16      /* CNAMEs followed from the question's name */
#define DEC_DNS_MAX_QUESTIONS 4   /* questions kept (QDCOUNT is 1 in practice, RFC 9619) */
#define DEC_DNS_MAX_RRS 128       /* records kept, all sections */
#define DEC_DNS_ARENA (16u << 10) /* bytes of name and address text kept */
#define DEC_DNS_ERRBUF_SIZE 160
#define DEC_DNS_TYPESTRLEN 16     /* "TYPE65535", "RCODE4095", "OPCODE15" */

/* Record types by IANA number; others are named "TYPEn" (RFC 3597 5). */
#define DEC_DNS_TYPE_LIST(X)                                                 \
    X(A, 1)                                                                  \
    X(NS, 2)                                                                 \
    X(CNAME, 5)                                                              \
    X(SOA, 6)                                                                \
    X(PTR, 12)                                                               \
    X(HINFO, 13)                                                             \
    X(MX, 15)                                                                \
    X(TXT, 16)                                                               \
    X(AAAA, 28)                                                              \
    X(LOC, 29)                                                               \
    X(SRV, 33)                                                               \
    X(NAPTR, 35)                                                             \
    X(DNAME, 39)                                                             \
    X(OPT, 41)                                                               \
    X(DS, 43)                                                                \
    X(SSHFP, 44)                                                             \
    X(RRSIG, 46)                                                             \
    X(NSEC, 47)                                                              \
    X(DNSKEY, 48)                                                            \
    X(NSEC3, 50)                                                             \
    X(NSEC3PARAM, 51)                                                        \
    X(TLSA, 52)                                                              \
    X(CDS, 59)                                                               \
    X(CDNSKEY, 60)                                                           \
    X(SVCB, 64)                                                              \
    X(HTTPS, 65)                                                             \
    X(SPF, 99)                                                               \
    X(TSIG, 250)                                                             \
    X(IXFR, 251)                                                             \
    X(AXFR, 252)                                                             \
    X(ANY, 255)                                                              \
    X(URI, 256)                                                              \
    X(CAA, 257)

enum dec_dns_type {
#define X(id, num) DEC_DNS_T_##id = num,
    DEC_DNS_TYPE_LIST(X)
#undef X
};

/* RCODEs (RFC 1035 4.1.1, RFC 2136, RFC 6891, RFC 8945, RFC 7873); 16 is
 * BADVERS with OPT (BADSIG in TSIG). Others are named "RCODEn". */
#define DEC_DNS_RCODE_LIST(X)                                                \
    X(NOERROR, 0)                                                            \
    X(FORMERR, 1)                                                            \
    X(SERVFAIL, 2)                                                           \
    X(NXDOMAIN, 3)                                                           \
    X(NOTIMP, 4)                                                             \
    X(REFUSED, 5)                                                            \
    X(YXDOMAIN, 6)                                                           \
    X(YXRRSET, 7)                                                            \
    X(NXRRSET, 8)                                                            \
    X(NOTAUTH, 9)                                                            \
    X(NOTZONE, 10)                                                           \
    X(DSOTYPENI, 11)                                                         \
    X(BADVERS, 16)                                                           \
    X(BADKEY, 17)                                                            \
    X(BADTIME, 18)                                                           \
    X(BADMODE, 19)                                                           \
    X(BADNAME, 20)                                                           \
    X(BADALG, 21)                                                            \
    X(BADTRUNC, 22)                                                          \
    X(BADCOOKIE, 23)

enum dec_dns_rcode {
#define X(id, num) DEC_DNS_RCODE_##id = num,
    DEC_DNS_RCODE_LIST(X)
#undef X
};

enum dec_dns_section {
    DEC_DNS_QUESTION = 0,
    DEC_DNS_ANSWER,
    DEC_DNS_AUTHORITY,
    DEC_DNS_ADDITIONAL
};

/* Names for a type, an RCODE, an OPCODE: a constant string, or the "TYPEn"
 * form written into buf (DEC_DNS_TYPESTRLEN bytes), which is returned. */
const char *dec_dns_type_name(uint16_t type, char *buf);
const char *dec_dns_rcode_name(uint16_t rcode, char *buf);
const char *dec_dns_opcode_name(uint8_t opcode, char *buf);
const char *dec_dns_section_name(enum dec_dns_section s); /* "question", "answer", ... */

/* Text is kept in the message's arena and referred to by offset (so a
 * struct dec_dns_msg may be copied with memcpy); DEC_DNS_NOTEXT: none. */
#define DEC_DNS_NOTEXT UINT16_MAX

struct dec_dns_question {
    uint16_t name;                /* text: "www.example.test" ("." for the root) */
    uint16_t type, qclass;
};

struct dec_dns_rr {
    enum dec_dns_section section;
    uint16_t index;               /* 1-based within its section */
    uint16_t name;                /* owner, text */
    uint16_t type, rclass;        /* rclass: for OPT, the UDP payload size */
    uint32_t ttl;                 /* as sent (RFC 2181 8: top bit set means 0) */
    uint16_t rdlength;
    uint32_t rdata_off;           /* where RDATA starts in the message */
    struct tr_addr addr;          /* A, AAAA: the address (family 0 otherwise) */
    uint16_t data;                /* text: A/AAAA the address (RFC 5952), CNAME, NS,
                                   * PTR, DNAME the target name; else DEC_DNS_NOTEXT */
};

/* One parsed message (about 22 KB: keep one per decoder and copy out what a
 * pending query needs, its key and times). Header fields are valid once 12
 * bytes were there (`header`); sections hold what was parsed before an error. */
struct dec_dns_msg {
    bool header;                  /* the 12-byte header was read */
    bool complete;                /* every record the counts announce was read */
    uint16_t id;
    bool qr, aa, tc, rd, ra, z, ad, cd; /* RFC 1035 4.1.1, RFC 4035 3.2 (AD, CD) */
    uint8_t opcode;
    uint16_t rcode;               /* the header's 4 bits, with OPT's upper 8 bits
                                   * above them when there is an OPT (RFC 6891 6.1.3) */
    uint16_t count[4];            /* QDCOUNT, ANCOUNT, NSCOUNT, ARCOUNT as sent */
    uint16_t parsed[4];           /* entries of each section read (all when complete) */
    /* EDNS (RFC 6891 6.1): the first OPT record of the additional section */
    bool edns;
    uint16_t edns_udp_size;
    uint8_t edns_version;
    bool edns_do;                 /* DNSSEC OK, RFC 3225 */
    uint16_t nopt;                /* OPT records seen (more than one is a FORMERR) */
    size_t length;                /* bytes the message used; a datagram's bytes past
                                   * it are not DNS */
    struct dec_dns_question q[DEC_DNS_MAX_QUESTIONS];
    size_t nq;                    /* kept: min(QDCOUNT, max) */
    struct dec_dns_rr rr[DEC_DNS_MAX_RRS];
    size_t nrr;                   /* kept, in message order */
    bool capped;                  /* records read but not kept: caps or arena full */
    /* question 1's name in wire form, no compression, ASCII lowercased
     * (RFC 4343), for the pairing key; qname_len 0: no question */
    uint8_t qname[DEC_DNS_NAME_MAX];
    uint16_t qname_len;
    char error[DEC_DNS_ERRBUF_SIZE]; /* why parsing stopped, "" when complete:
                                   * "answer 2: name pointer loop at offset 47" */
    size_t arena_used;
    char arena[DEC_DNS_ARENA];
};

/* The NUL-terminated text at ref (a name or data field), or NULL */
static inline const char *dec_dns_text(const struct dec_dns_msg *m, uint16_t ref)
{
    return ref == DEC_DNS_NOTEXT ? NULL : m->arena + ref;
}

/* Parse the message in buf[0..len) (for TCP: without the length prefix,
 * see dec_dns_tcp_feed). Returns the bytes used (the message may be
 * followed by bytes that are not its own: see m->length), DEC_INCOMPLETE
 * when buf ends before what the header announces (a snaplen cut, or a
 * message cut short: a whole datagram that gives it is malformed), or
 * DEC_INVALID for an impossible field (a name over 255 octets, an A record
 * of 5 bytes, a compression pointer that does not point before the last one
 * followed, as RFC 1035 4.1.4's "prior occurance" and tcpdump want: a loop,
 * a forward pointer, one past the end or into the header). On error m->error
 * names the field and its offset, and *m holds what was read before it.
 * buf is borrowed for the call; *m is the caller's, filled whole (its text
 * lives in m->arena); nothing is allocated. */
int dec_dns_parse(const uint8_t *buf, size_t len, struct dec_dns_msg *m);

/* Do two names (text from dec_dns_text) match, ignoring ASCII case
 * (RFC 4343 3)? */
bool dec_dns_name_equal(const char *a, const char *b);

/* --- pairing (the decoder's job; these are its pure helpers) ------------ */

/* A query and its response share endpoints, ID and question (RFC 5452 9.1). */
struct dec_dns_key {
    struct tr_endpoint client, server;
    uint16_t id;
    uint16_t qtype, qclass;       /* 0 without a question */
    uint16_t qname_len;           /* 0 without a question */
    uint8_t qname[DEC_DNS_NAME_MAX]; /* wire form, lowercased */
};

/* The key of a message that went from src to dst: for a query (QR 0) the
 * client is src, for a response dst. Needs m->header. */
void dec_dns_key_make(const struct dec_dns_msg *m, const struct tr_endpoint *src,
                      const struct tr_endpoint *dst, struct dec_dns_key *out);
bool dec_dns_key_equal(const struct dec_dns_key *a, const struct dec_dns_key *b);
/* FNV-1a over the key's fields, for a hash table */
uint32_t dec_dns_key_hash(const struct dec_dns_key *k);

/* The addresses the answer section gives for question 1's name: the A and
 * AAAA records of that name and of every name a CNAME chain from it reaches
 * (RFC 1034 3.6.2; records in any order; at most DEC_DNS_MAX_CHAIN CNAMEs,
 * and a CNAME back to a name already reached ends the chain).
 * The first max go to out (may be NULL with max 0); returns how many there
 * are. *canonical (if not NULL) gets the text ref of the chain's last name. */
size_t dec_dns_chain_addrs(const struct dec_dns_msg *m, struct tr_addr *out, size_t max,
                           uint16_t *canonical);
/* Does the chain above reach an A or AAAA record holding addr? (The conn.dns
 * link: the latest lookup before a connection's first packet whose answers
 * hold the server's address.) */
bool dec_dns_answers_hold(const struct dec_dns_msg *m, const struct tr_addr *addr);

/* --- DNS over TCP: two-byte length, then the message (RFC 1035 4.2.2,
 * RFC 7766 8) -------------------------------------------------------------- */

/* One direction's framing state; valid when zeroed; dec_dns_tcp_done frees
 * the buffer it keeps for a message that spans pieces (up to 65535 bytes). */
struct dec_dns_tcp {
    uint64_t offset;              /* stream offset of the next byte to feed */
    uint64_t start;               /* of the current message's length prefix */
    uint8_t prefix[2];
    uint8_t nprefix;              /* prefix bytes seen of the current message */
    uint16_t need;                /* its length, once nprefix is 2 */
    uint8_t *buf;                 /* its bytes so far when it spans pieces */
    size_t have;
    uint64_t skip;                /* bytes still to pass over (a message a gap broke) */
    bool lost;                    /* a gap hid a length prefix: framing is lost */
    uint64_t broken;              /* messages a gap broke */
};

struct dec_dns_tcp_msg {
    const uint8_t *msg;           /* the message, without its prefix: borrowed until
                                   * the next call (points into data or the state) */
    size_t len;
    uint64_t start;               /* stream offset of its length prefix */
    uint64_t end;                 /* stream offset just past it */
};

/* Feed len stream bytes (any pieces). Returns true with *out when a message
 * is whole; *used says how many bytes of data were taken: call again with
 * the rest. Returns false when all len bytes were taken (*used == len) and
 * no message is whole yet, or framing is lost. */
bool dec_dns_tcp_feed(struct dec_dns_tcp *t, const uint8_t *data, size_t len, size_t *used,
                      struct dec_dns_tcp_msg *out);
/* len bytes of the stream were never captured: the message they fall in is
 * dropped (counted in `broken`); framing goes on when the gap ends inside a
 * message whose length is known, and is lost when it hides a prefix. */
void dec_dns_tcp_gap(struct dec_dns_tcp *t, uint64_t len);
void dec_dns_tcp_done(struct dec_dns_tcp *t);

/* ------------------------------------------------------------------------ */
/* TLS (issue 15): the key log, the TLS tables and handshake parsers, and    */
/* the per-connection TLS engine (records, handshake, decryption through     */
/* libcrypto, a plaintext stream per direction). See tls.h.                  */
#include "tls.h"

/* HTTP/2 (issue 16): the engine, its tables and HPACK decoding. See h2.h. */
#include "h2.h"

#endif
