/* decode_int.h - private to decode/: the per-connection and per-direction
 * state shared by decoder.c (connections, exchanges, events) and message.c
 * (the HTTP/1.x message state machine of one direction)
 */
#ifndef HTTPSTEP_DECODE_INT_H
#define HTTPSTEP_DECODE_INT_H

#include "decode.h"

/* the frames of one stage, in stream order, with their time span */
struct flist {
    uint64_t *v;
    size_t n, cap;
    tr_time ts_min, ts_max;
    bool capped;
};

#define MAX_INTERIM 64           /* interim (1xx) responses kept per exchange */

/* one message as the decoder builds it: the public view first, then what
 * only the decoder needs (model.c frees it with its last reference) */
struct msgrec {
    struct dec_msg pub;
    char *arena;                 /* start-line words, header names and values */
    size_t alen;
    struct dec_header *hdrs;     /* pub.headers */
    struct dec_header *pseudo;   /* pub.pseudo (HTTP/2) */
    int ce_idx, host_idx;        /* header index, -1 none */
};

/* model.c: the objects of decode.h, made by the decoder */
struct msgrec *dec_msgrec_new(bool request);
/* a stage with room for n frames (nframes set, frames to fill) */
struct dec_stage *dec_stage_new(enum dec_stage_kind kind, size_t nframes);
/* a stage whose frames come from a list (sorted and made unique) */
struct dec_stage *dec_stage_from(enum dec_stage_kind kind, int64_t exchange, enum tr_dir dir,
                             uint64_t off, uint64_t len, const struct flist *f);
struct dec_note *dec_note_new(enum dec_note_kind kind, uint64_t conn, uint64_t frame,
                          const char *detail, struct dec_str sni, const char *tls_version);
struct dec_exchange *dec_exchange_new(uint64_t conn, uint64_t index, size_t ninterim);

struct xchg {
    struct xchg *next;
    uint64_t index;
    struct msgrec *req, *rsp;    /* NULL until each begins (a reference each) */
    struct msgrec **interim;     /* at most MAX_INTERIM kept (a reference each) */
    size_t ninterim, icap;
    bool interim_capped;         /* the limit note was written */
    bool req_done, rsp_started, rsp_done;
    bool head, connect;          /* the request's method */
    bool keep_alive, tunnel;
    const char *ka_reason;
};

enum pstate {
    P_IDLE,        /* between messages */
    P_HEAD,        /* start line and header fields, gathered in the head buffer */
    P_BODY_LEN,    /* a Content-Length body */
    P_CHUNK_SIZE,  /* a chunk-size line */
    P_CHUNK_DATA,  /* chunk data */
    P_CHUNK_END,   /* the CRLF after chunk data */
    P_TRAILER,     /* trailer fields after the last chunk */
    P_BODY_CLOSE,  /* a body that ends with the connection */
    P_UPGRADE,     /* after a request with Upgrade: more HTTP, or the new protocol */
    P_TUNNEL,      /* after CONNECT or 101: bytes of another protocol */
    P_TLS,         /* TLS records in a tunnel, sniffed for the tls note */
    P_H2,          /* HTTP/2 after an Upgrade: the bytes go to the HTTP/2 engine */
    P_SKIP         /* not HTTP */
};

struct fent {
    uint64_t off, frame;
    tr_time ts;
};

struct dconn;

struct dstate {
    enum pstate st;
    enum tr_dir dir;
    uint64_t pos;                /* stream offset of the next byte */
    bool seen_data;
    bool seen_http;              /* a start line parsed in this direction */
    /* the head under parse */
    uint8_t *head;
    size_t hlen, hcap;
    uint64_t head_off;
    size_t line_start;
    size_t start_len;            /* bytes of the start line with its LF; 0 before */
    bool bare_lf;
    struct fent *fm;             /* where each piece of the head came from */
    size_t nfm, fmcap;
    /* the message being read */
    struct xchg *x;
    struct msgrec *m;
    bool is_interim;
    bool nobody;                 /* the message has no body (HEAD, 204, 304, ...) */
    uint64_t remaining;
    uint64_t body_off;
    struct flist bf;
    uint8_t cline[64];           /* a chunk-size line (its first bytes) */
    size_t clen;
    uint64_t cltotal;
    bool trailer_nonempty;
    struct dec_content *content;
    bool content_bad;
    uint8_t *preview;            /* the body's first bytes, up to the preview cap */
    size_t plen, pcap;
    int64_t ack_off;             /* the peer offset the last segment acknowledged, -1 */
    bool lost;                   /* a gap since the last message began: messages may be lost */
    /* after garbage or a gap: look for the next start line */
    bool resync;
    bool resync_noted;
    bool hunting;                /* resyncing: reading a line that may be a start line */
    bool skip_line;              /* resyncing inside a line: skip up to its LF */
    uint64_t skipped;
    /* tunnel */
    uint64_t tunnel_off, tunnel_len;
    struct flist tf;
    int64_t tunnel_x;
    /* TLS hello sniffing */
    uint8_t *tbuf;
    size_t tlen;
    int tls;                     /* 0 not TLS, 1 gathering, 2 done */
    uint64_t tls_frame;
    /* feeding a TLS plaintext piece: the frames of its record (borrowed for
     * the call), added to every frame list beside the piece's own frame */
    const uint64_t *xf;
    size_t nxf;
    bool plain;                  /* it reads a TLS connection's plaintext */
};

struct dnote {
    enum dec_note_kind kind;
    uint64_t frame;
    char *detail;
};

#define DEFER_NOTES 8
#define DEFER_SEGS 32

struct dconn {
    struct dec_conn pub;
    struct tr_conn *tc;
    struct dec_decoder *d;
    struct dstate s[2];
    struct xchg *xhead, *xtail;  /* exchanges not yet written, in order */
    size_t nqueued;
    bool decided;                /* its events are written (else deferred) */
    bool dropped;                /* not HTTP, not on a server port: silent */
    bool server_port;
    bool hs_pending;
    bool first_bytes;            /* the first payload has been judged */
    struct dnote *dnotes;        /* DEFER_NOTES, allocated while undecided */
    size_t ndnotes;
    struct tr_seg *dsegs;        /* DEFER_SEGS, likewise */
    size_t ndsegs;
    bool not_http_noted;
    /* TLS */
    char *sni;                   /* the ClientHello's server name, or NULL */
    bool client_hello, server_hello, tls_noted;
    uint16_t tls_version;
    uint64_t tls_frame;
    /* version 2: TLS (conn_tls.c) and HTTP/2 (conn_h2.c), NULL when not */
    struct ctls *ctls;
    struct ch2 *ch2;
    uint64_t wire_pos[2];        /* each TCP stream's offset after the bytes fed */
    /* the close (issue 14): each side's first FIN and the segment that
     * acknowledged it, for the close stage's frames (RFC 9293 3.6) */
    struct {
        uint64_t fin_frame, ack_frame;   /* 0: none */
        uint32_t fin_next;               /* the sequence number after the FIN */
        tr_time ack_ts;
    } fin[2];
    struct dec_socks_state *socks;  /* a SOCKS handshake first (socks.c), or NULL */
    struct dnsf_tcp *dns_tcp;    /* DNS over TCP (port 53): not HTTP, read by dnsflow.c */
};

struct dnsf_tcp;

struct dec_decoder {
    struct dns_flow *dns;        /* step 0: the lookups (dnsflow.c) */
    struct dec_opts o;
    uint16_t *ports;
    struct dec_sink sink;
    struct dec_stats st;
    struct flist scratch;        /* frames of a head stage */
};

/* decoder.c, for message.c */
void dec_dc_note(struct dconn *c, enum dec_note_kind kind, uint64_t frame, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void dec_dc_stage(struct dconn *c, struct dec_stage *s);
void dec_dc_decide(struct dconn *c, bool http);
/* HTTP (or TLS) was found on the connection: count it once */
void dec_dc_mark_http(struct dconn *c);
struct xchg *dec_dc_request_begins(struct dconn *c);
struct xchg *dec_dc_response_begins(struct dconn *c, bool interim);
/* a message ended at stream offset `end` */
void dec_dc_message_done(struct dconn *c, struct dstate *s, bool complete, uint64_t end);
void dec_dc_interim_done(struct dconn *c, struct dstate *s);
void dec_dc_tls_hello(struct dconn *c, const struct dec_tls_hello *h, uint64_t frame);

/* socks.c: a SOCKS handshake before the protocol inside (issue 13) */
struct dec_socks_state;
bool dec_socks_looks(const uint8_t *p, size_t n);
/* the first client bytes begin a SOCKS handshake: start reading it */
bool dec_socks_begin(struct dconn *c, const uint8_t *p, size_t n);
/* direction dir's handshake is being read, or the handshake failed (then
 * nothing more of the connection is read) */
bool dec_socks_active(const struct dconn *c, enum tr_dir dir);
/* the handshake's bytes of a piece: how many it took (the rest is the
 * protocol inside, or nothing when the proxy refused) */
size_t dec_socks_feed(struct dconn *c, enum tr_dir dir, const uint8_t *p, size_t n,
                      uint64_t frame, tr_time ts);
void dec_socks_end(struct dconn *c, uint64_t frame);
void dec_socks_free(struct dconn *c);
/* dnsflow.c: step 0, the DNS lookups (UDP datagrams, DNS over TCP) */
struct dns_flow *dec_dnsflow_new(struct dec_decoder *d);
void dec_dnsflow_free(struct dns_flow *f);
/* the tracer's on_datagram (ctx: the decoder) */
void dec_dnsflow_datagram(void *ctx, const struct tr_datagram *g);
/* the lookups never answered, written at the end */
void dec_dnsflow_finish(struct dns_flow *f);
/* conn.dns: the latest lookup answered before first_frame whose answers
 * hold server (the flow's reference: take one to keep it), or NULL; *seen:
 * a query was captured before first_frame */
const struct dec_dns_line *dec_dnsflow_link(const struct dns_flow *f, const struct tr_addr *server,
                                        uint64_t first_frame, bool *seen);
/* a TCP connection on port 53: its two directions' framing */
struct dnsf_tcp *dec_dnsflow_tcp_new(void);
void dec_dnsflow_tcp_free(struct dnsf_tcp *t);
void dec_dnsflow_tcp_data(struct dns_flow *f, struct dnsf_tcp *t, const struct tr_conn *tc,
                      enum tr_dir dir, uint64_t off, const uint8_t *data, size_t len,
                      uint64_t frame, tr_time ts);
void dec_dnsflow_tcp_gap(struct dnsf_tcp *t, enum tr_dir dir, uint64_t len);
/* conn_tls.c: TLS on a connection. dec_ct_start makes the engine (the
 * connection is decided); the tracer's events of both directions then go
 * to it, and its plaintext to c->s[] (HTTP/1.x) or the HTTP/2 engine. */
bool dec_ct_wanted(const struct dconn *c, enum tr_dir dir, const uint8_t *p, size_t n);
void dec_ct_start(struct dconn *c);
/* does the engine read this direction? Its first bytes (p, n) decide: a
 * direction that does not begin with a TLS record (an HTTP server's answer
 * to a ClientHello) is read as HTTP. Later calls may pass NULL, 0. */
bool dec_ct_owns(struct dconn *c, enum tr_dir dir, const uint8_t *p, size_t n);
void dec_ct_data(struct dconn *c, enum tr_dir dir, uint64_t off, const uint8_t *p, size_t n,
             uint64_t frame, tr_time ts);
void dec_ct_gap(struct dconn *c, enum tr_dir dir, uint64_t off, uint64_t len, uint64_t frame,
            tr_time ts);
void dec_ct_fin(struct dconn *c, enum tr_dir dir, uint64_t frame, tr_time ts);
/* the connection ends: the engine's last events, its facts for conn_end */
void dec_ct_end(struct dconn *c);
/* an HTTP stage of the plaintext (s->tls): the secrets that decrypted the
 * records its bytes came in (dec_stage.tls_keys) */
void dec_ct_stage_keys(struct dconn *c, struct dec_stage *s);
void dec_ct_free(struct dconn *c);

/* conn_h2.c: HTTP/2 on a connection (h2c, or h2 inside TLS) */
/* does the direction's first piece start HTTP/2 (the preface; or, from the
 * server, a SETTINGS frame before the client's preface was captured)? */
bool dec_ch_wanted(const struct dconn *c, enum tr_dir dir, const uint8_t *p, size_t n);
/* do these first bytes of a direction begin HTTP/2 (the preface, SETTINGS)? */
bool dec_ch_looks_like(enum tr_dir dir, const uint8_t *p, size_t n);
/* start the engine: prior knowledge (preface) or Upgrade (x: the exchange
 * whose request asked for h2c, answered by 101 ending at s2c offset end) */
void dec_ch_start(struct dconn *c, enum dec_h2_start how);
void dec_ch_upgrade(struct dconn *c, struct xchg *x, uint64_t end);
/* bytes of a direction; frames[nframes] carried them (a TLS record's) */
void dec_ch_feed(struct dconn *c, enum tr_dir dir, uint64_t off, const uint8_t *p, size_t n,
             const uint64_t *frames, size_t nframes, tr_time ts);
void dec_ch_gap(struct dconn *c, enum tr_dir dir, uint64_t off, uint64_t len, uint64_t frame,
            tr_time ts);
void dec_ch_fin(struct dconn *c, enum tr_dir dir, uint64_t frame, tr_time ts);
/* the connection ends: streams end, exchanges are written, conn_end.h2 */
void dec_ch_end(struct dconn *c, bool closed, uint64_t frame, tr_time ts);
void dec_ch_free(struct dconn *c);
/* decoder.c, for conn_h2.c: drop messages (references; interim is freed);
 * the exchange of messages, each referenced, for the sink */
void dec_dc_msgs_unref(struct msgrec *req, struct msgrec *rsp, struct msgrec **interim, size_t n);
struct dec_exchange *dec_dc_exchange_of(const struct dconn *c, uint64_t index, struct msgrec *req,
                                    struct msgrec *rsp, struct msgrec *const *interim, size_t n);
/* unlink an exchange from the queue unwritten, and free it */
void dec_dc_xchg_detach(struct dconn *c, struct xchg *x);
/* the Upgrade request asks for h2c (Upgrade: h2c and HTTP2-Settings) */
bool dec_dc_h2c_upgrade(const struct xchg *x);

/* message.c */
void dec_ms_feed(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n, uint64_t frame,
             tr_time ts);
void dec_ms_gap(struct dconn *c, struct dstate *s, uint64_t len, uint64_t frame, tr_time ts);
void dec_ms_end(struct dconn *c, struct dstate *s, uint64_t frame, tr_time ts);
void dec_ms_free(struct dstate *s);
/* the rest of the direction is a tunnel belonging to exchange xindex */
void dec_ms_tunnel(struct dstate *s, int64_t xindex, uint64_t off);
void dec_flist_add(struct flist *f, uint64_t frame, tr_time ts);
void dec_flist_reset(struct flist *f);
void dec_flist_free(struct flist *f);
/* sort and deduplicate in place */
void dec_flist_finish(struct flist *f);

#endif
