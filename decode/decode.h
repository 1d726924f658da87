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

#endif
