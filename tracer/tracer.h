/* tracer.h - the capture layer: frames from libpcap, link/IP/TCP/UDP decoding
 * (tunnels taken off), TCP reassembly into two ordered byte streams per
 * connection, and UDP datagrams on watched ports.
 *
 * This is the only tracer header other layers include. The tracer knows no
 * HTTP: it hands in-order bytes, gaps and closes to a sink (struct tr_sink)
 * that httpstep.c wires to the decoder. It never prints or exits; errors are
 * returned with a message in a caller's errbuf of TR_ERRBUF_SIZE bytes.
 */
#ifndef HTTPSTEP_TRACER_H
#define HTTPSTEP_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TR_ERRBUF_SIZE 512

/* ------------------------------------------------------------------------ */
/* Memory: one allocation family for every layer (htop XUtils.c).          */
/* On failure they call the fatal hook (the UI restores the terminal), print */
/* one line and exit with status 4.                                          */

void *tr_xmalloc(size_t size);
void *tr_xcalloc(size_t nmemb, size_t size);
void *tr_xrealloc(void *ptr, size_t size);
/* realloc of nmemb * size bytes, failing cleanly on multiplication overflow */
void *tr_xreallocarray(void *ptr, size_t nmemb, size_t size);
char *tr_xstrdup(const char *s);
char *tr_xstrndup(const char *s, size_t n);
/* called once before the out-of-memory message; NULL to clear */
void tr_xalloc_set_fatal_hook(void (*hook)(void));

/* Grow *arr (of elements of `size` bytes, capacity *cap) to hold `need`
 * elements; capacity doubles. */
void tr_xgrow(void *arr, size_t *cap, size_t need, size_t size);

/* ------------------------------------------------------------------------ */
/* Strings: a growing buffer, always NUL-terminated once written (sbuf.c).   */

#include <stdarg.h>

struct tr_sbuf {
    char *p;        /* NULL until something is written */
    size_t len, cap;
};

void tr_sb_put(struct tr_sbuf *b, const char *s, size_t n);
void tr_sb_str(struct tr_sbuf *b, const char *s);
void tr_sb_printf(struct tr_sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void tr_sb_vprintf(struct tr_sbuf *b, const char *fmt, va_list ap);
void tr_sb_reset(struct tr_sbuf *b);
/* the string, handed to the caller (who frees it; "" when empty); b is reset */
char *tr_sb_take(struct tr_sbuf *b);
void tr_sb_free(struct tr_sbuf *b);

/* ------------------------------------------------------------------------ */
/* Addresses and time                                                        */

struct tr_addr {
    uint8_t family;  /* 4 or 6 */
    uint8_t a[16];   /* network order; IPv4 in the first 4 bytes, rest zero */
};

struct tr_endpoint {
    struct tr_addr addr;
    uint16_t port;
};

#define TR_ADDRSTRLEN 46 /* INET6_ADDRSTRLEN */

/* RFC 5952 text form (inet_ntop) into buf of TR_ADDRSTRLEN bytes; returns buf */
char *tr_addr_format(const struct tr_addr *a, char *buf);
bool tr_addr_equal(const struct tr_addr *a, const struct tr_addr *b);

/* Timestamps are microseconds since the epoch. */
typedef int64_t tr_time;

/* ------------------------------------------------------------------------ */
/* Capture: libpcap files (pcap, pcapng; "-" is stdin) and live interfaces. */

struct tr_capture;

struct tr_capture_opts {
    const char *file;   /* a capture file, or NULL for live */
    const char *iface;  /* a live interface (when file is NULL) */
    const char *filter; /* BPF expression, or NULL for none */
    int snaplen;        /* live: bytes kept per packet (0: 262144) */
    bool promisc;       /* live: promiscuous mode */
    bool offsets;       /* record each frame's file offset (seekable files) */
    /* -- issue 20: live capture buffer -- */
    int buffer_kib;     /* live: the kernel's capture buffer in KiB (0: TR_DEFAULT_BUFFER_KIB) */
};
#define TR_DEFAULT_BUFFER_KIB 8192

/* One frame as libpcap returned it. data is borrowed until the next
 * tr_capture_next or tr_capture_close. */
struct tr_frame {
    uint64_t num;        /* 1-based, counting every frame read */
    tr_time ts;
    uint32_t caplen;     /* bytes captured */
    uint32_t wirelen;    /* bytes on the wire */
    int linktype;        /* DLT_ value */
    int64_t file_offset; /* offset of the record in the file, or -1 */
    const uint8_t *data;
};

enum tr_next_result {
    TR_NEXT_FRAME = 1, /* *frame filled, passed the filter */
    TR_NEXT_NONE = 0,  /* live: nothing ready now (try again after poll) */
    TR_NEXT_EOF = -1,  /* end of file, or the live capture was broken off */
    TR_NEXT_ERROR = -2 /* errbuf says why; frames before it were good */
};

/* Open a file or a live interface and compile the filter. Returns 0 and
 * *out, or -1 with errbuf filled (e.g. "'x.pcap': unknown file format"). */
int tr_capture_open(struct tr_capture **out, const struct tr_capture_opts *opts, char *errbuf);
void tr_capture_close(struct tr_capture *cap);

int tr_capture_next(struct tr_capture *cap, struct tr_frame *frame, char *errbuf);

/* The live interfaces, loopback first, "any" last: a NULL-terminated array
 * of names (free with tr_capture_free_list), or NULL with errbuf. */
char **tr_capture_interfaces(char *errbuf);
void tr_capture_free_list(char **list);
/* A second reader of a capture file, for frames read back by offset. */
struct tr_rereader;
/* NULL for standard input (it cannot seek) */
struct tr_rereader *tr_rereader_new(const char *path);
void tr_rereader_free(struct tr_rereader *r);
/* the frame at a file offset (from tr_frame.file_offset), numbered `frame`;
 * out->data lives until the next call. false when it cannot be read. */
bool tr_rereader_read(void *rereader, int64_t file_offset, uint64_t frame, struct tr_frame *out);

/* libpcap's version string */
const char *tr_capture_lib_version(void);
/* The link type of the first interface (a DLT_ value) and its name
 * ("EN10MB"); snaplen from the file header or the live handle. */
int tr_capture_linktype(const struct tr_capture *cap);
const char *tr_capture_linktype_name(int linktype);
int tr_capture_snaplen(const struct tr_capture *cap);
bool tr_capture_is_live(const struct tr_capture *cap);
/* every frame read so far (filtered or not) and their captured bytes */
void tr_capture_counts(const struct tr_capture *cap, uint64_t *frames, uint64_t *bytes);
/* live: a descriptor to poll for readability, or -1 */
int tr_capture_fd(const struct tr_capture *cap);
/* live: packets the kernel dropped so far (pcap_stats), else 0 */
uint64_t tr_capture_dropped(struct tr_capture *cap);
/* Seek a file back to a record offset from tr_frame.file_offset; the next
 * frame read is numbered `num`. Returns 0, or -1 (stdin, live) with errbuf. */
int tr_capture_seek(struct tr_capture *cap, int64_t offset, uint64_t num, char *errbuf);
/* live: interrupt a blocking read (safe in a signal handler) */
void tr_capture_breakloop(struct tr_capture *cap);
/* Start writing every frame read to `path` (pcap, the capture's link type and
 * snaplen); flushed after each frame in live mode. Returns 0 or -1. */
int tr_capture_dump_open(struct tr_capture *cap, const char *path, char *errbuf);
void tr_capture_dump_flush(struct tr_capture *cap);

/* ------------------------------------------------------------------------ */
/* Packet decoding: link, IPv4/IPv6, tunnels, TCP, UDP. Every read is        */
/* bounds-checked.                                                           */

/* Tunnels taken off on the way to the TCP or UDP inside (issue 13): IP in IP
 * (RFC 2003, RFC 4213 6in4), GRE (RFC 2784/2890, with IPv4, IPv6, MPLS or
 * Ethernet inside), IPsec AH (RFC 4302; transport or tunnel mode: AH only
 * authenticates), GTP-U (3GPP TS 29.281, UDP 2152) and VXLAN (RFC 7348,
 * UDP 4789). */
#define TR_TUNNEL_LIST(X)                                                               \
    X(IP4IN4, "IPv4 in IPv4")                                                           \
    X(IP6IN4, "IPv6 in IPv4")                                                           \
    X(IP4IN6, "IPv4 in IPv6")                                                           \
    X(IP6IN6, "IPv6 in IPv6")                                                           \
    X(GRE, "GRE")                                                                       \
    X(AH, "IPsec AH")                                                                   \
    X(GTPU, "GTP-U")                                                                    \
    X(VXLAN, "VXLAN")

enum tr_tunnel_kind {
#define X(id, name) TR_TUNNEL_##id,
    TR_TUNNEL_LIST(X)
#undef X
    TR_TUNNEL_COUNT
};

#define TR_TUNNEL_MAX_DEPTH 4  /* nested tunnels read; past it, TR_PKT_TOO_DEEP */
#define TR_TUNNEL_STRLEN 64    /* the longest "A > B > C > D" with its NUL */

/* "GRE", "unknown" past the list */
const char *tr_tunnel_name(enum tr_tunnel_kind kind);
/* The tunnels outermost first, joined by " > " ("VXLAN > IPv6 in IPv4"),
 * into buf of TR_TUNNEL_STRLEN bytes ("" for none); returns buf. */
char *tr_tunnel_format(const uint8_t *kinds, unsigned n, char *buf);

#define TR_PROTO_TCP 6
#define TR_PROTO_UDP 17

#define TR_TCP_FIN 0x01
#define TR_TCP_SYN 0x02
#define TR_TCP_RST 0x04
#define TR_TCP_PSH 0x08
#define TR_TCP_ACK 0x10
#define TR_TCP_URG 0x20
#define TR_TCP_ECE 0x40
#define TR_TCP_CWR 0x80

#define TR_SACK_MAX 4  /* SACK blocks an option can hold (RFC 2018 3: 40 bytes) */

struct tr_tcp_opts {
    uint16_t mss;       /* 0: not present */
    int8_t wscale;      /* -1: not present */
    bool sack_ok;
    bool has_ts;
    uint8_t nsack;      /* SACK blocks (RFC 2018 3), absolute sequence numbers */
    uint32_t ts_val, ts_ecr;
    uint32_t sack[TR_SACK_MAX][2]; /* [left edge, right edge) */
};

/* A decoded TCP/IP or UDP/IP frame. payload points into the frame
 * (borrowed). Addresses, TTL and IP ID are the innermost IP header's. */
struct tr_packet {
    struct tr_addr src, dst;
    uint16_t sport, dport;
    uint32_t seq, ack;      /* TCP */
    uint8_t flags;          /* TCP */
    uint16_t window;        /* TCP, as sent (unscaled) */
    struct tr_tcp_opts opts; /* TCP */
    const uint8_t *payload;
    uint32_t caplen;  /* payload bytes captured */
    uint32_t len;     /* payload bytes on the wire (from the IP length; UDP: its length) */
    /* -- added for tunnels, UDP and the packet detail (issues 13, 14, 17) -- */
    uint8_t proto;          /* TR_PROTO_TCP or TR_PROTO_UDP (TR_PKT_TCP / TR_PKT_UDP) */
    uint8_t ttl;            /* IPv4 TTL or IPv6 hop limit */
    uint16_t ip_id;         /* IPv4 identification; 0 for IPv6 */
    uint8_t ntunnels;       /* tunnels taken off, outermost first in tunnel[] */
    uint8_t tunnel[TR_TUNNEL_MAX_DEPTH]; /* enum tr_tunnel_kind */
    uint32_t esp_spi;       /* TR_PKT_ESP: the Security Parameters Index */
};

enum tr_decode_result {
    TR_PKT_TCP = 0,       /* a TCP segment: *pkt is filled */
    TR_PKT_OTHER,         /* neither TCP nor UDP over IP (ARP, ICMP, ...): skip silently */
    TR_PKT_TRUNCATED,     /* the headers were cut by the snaplen */
    TR_PKT_MALFORMED,     /* an impossible header field */
    TR_PKT_FRAGMENT,      /* an IP fragment (not reassembled) */
    TR_PKT_UNSUPPORTED,   /* a link type httpstep cannot read */
    TR_PKT_UDP,           /* a UDP datagram: *pkt is filled (no seq, ack, flags) */
    TR_PKT_ESP,           /* IPsec ESP: encrypted; src, dst and esp_spi are filled */
    TR_PKT_TOO_DEEP       /* more than TR_TUNNEL_MAX_DEPTH tunnels nested */
};

/* Decode one frame of the given link type. On any result but TR_PKT_TCP,
 * TR_PKT_UDP and TR_PKT_OTHER, *why names the problem ("invalid TCP data
 * offset 4"); it points into `whybuf` (TR_ERRBUF_SIZE bytes) or to a
 * constant. */
enum tr_decode_result tr_packet_decode(int linktype, const uint8_t *data, size_t caplen,
                                       struct tr_packet *pkt, char *whybuf, const char **why);
/* Whether the tracer can read this link type. */
bool tr_linktype_supported(int linktype);

/* ------------------------------------------------------------------------ */
/* TCP connections and reassembly                                             */

enum tr_dir { TR_DIR_C2S = 0, TR_DIR_S2C = 1 };

enum tr_close_how {
    TR_CLOSE_NONE = 0,   /* still open */
    TR_CLOSE_FIN,        /* both sides sent FIN, or one did and the capture ended */
    TR_CLOSE_RST,        /* a reset */
    TR_CLOSE_END         /* tracking ended without FIN or RST: end of capture, or evicted */
};

/* Notes the tracer raises (the decoder adds its own kinds).
 * stray_segment: a segment that belongs to no sequence space of its
 *   connection (a SYN-ACK that does not acknowledge the SYN): shown, not used;
 * tunnel: the connection's packets came inside a tunnel (tr_conn.tunnel says
 *   which), once per connection;
 * ipsec_encrypted: IPsec ESP, whose payload cannot be read, once per flow. */
#define TR_NOTE_LIST(X)                                                                 \
    X(RETRANSMISSION, "retransmission")                                                 \
    X(OUT_OF_ORDER, "out_of_order")                                                     \
    X(GAP, "gap")                                                                       \
    X(TRUNCATED, "truncated")                                                           \
    X(NO_HANDSHAKE, "no_handshake")                                                     \
    X(LIMIT, "limit")                                                                   \
    X(MALFORMED_PACKET, "malformed_packet")                                             \
    X(FRAGMENT, "fragment")                                                             \
    X(STRAY_SEGMENT, "stray_segment")                                                   \
    X(TUNNEL, "tunnel")                                                                 \
    X(IPSEC_ENCRYPTED, "ipsec_encrypted")

enum tr_note_kind {
#define X(id, name) TR_NOTE_##id,
    TR_NOTE_LIST(X)
#undef X
    TR_NOTE_COUNT
};

const char *tr_note_name(enum tr_note_kind kind);

/* Per-direction facts of a connection. */
struct tr_side {
    struct tr_tcp_opts opts; /* from this side's SYN (or first segment) */
    uint32_t isn;            /* sequence number of the SYN, or first seen - 1 */
    uint64_t bytes;          /* payload bytes delivered (captured, once each) */
    uint64_t gap_bytes;      /* bytes never captured (delivered as gaps) */
    uint64_t packets;        /* TCP segments sent by this side */
    uint64_t fin_frame;      /* frame of the FIN, 0: none */
    uint64_t rst_frame;      /* frame of the first RST, 0: none */
};

/* A connection as the sink sees it. Read-only for the sink, except `user`. */
struct tr_conn {
    uint64_t id;                /* 1-based, in order of first packet */
    struct tr_endpoint client, server;
    bool syn_seen;              /* the client's SYN was captured */
    bool synack_seen;           /* the server's SYN-ACK was captured */
    bool handshake_done;        /* SYN, SYN-ACK and the client's ACK seen */
    uint64_t hs_frames[3];      /* SYN, SYN-ACK, ACK (0: not seen) */
    tr_time hs_ts[3];
    uint64_t first_frame;
    tr_time first_ts;
    uint64_t last_frame;
    tr_time last_ts;
    int64_t first_file_offset;  /* file offset of the first frame, or -1 */
    struct tr_side side[2];     /* indexed by enum tr_dir */
    enum tr_close_how close_how;
    int close_initiator;        /* -1 none, TR_DIR_C2S: client, TR_DIR_S2C: server */
    uint64_t close_frames[2];   /* first FIN/RST of each side, in frame order (0: none) */
    tr_time close_ts;
    void *user;                 /* the sink's own per-connection state */
    bool ignore_data;           /* set by tr_conn_ignore_data: no more data events */
    /* the tunnels its first packet came through, outermost first ("GRE",
     * "VXLAN > IPv6 in IPv4"); "" when none (issue 13) */
    char tunnel[TR_TUNNEL_STRLEN];
};

/* What decided that a segment is a retransmission or a late original
 * (issue 14). rule_a and rule_b in struct tr_seg hold the values compared. */
#define TR_SEG_RULE_LIST(X)                                                             \
    X(NONE, "none")         /* not a retransmission nor out of order */                 \
    X(SEEN, "seen")         /* every byte was captured before: a copy */                \
    X(TSVAL, "tsval")       /* RFC 7323 timestamps: a = its TSval, b = the TSval of the \
                             * segment after the hole (ref_frame): a > b was sent after \
                             * it (a copy), a <= b before it (a late original) */       \
    X(IPID, "ip_id")        /* the sender's IPv4 IDs count up: a = its ID, b = the ID   \
                             * of the segment after the hole (ref_frame) */             \
    X(TIMING, "timing")     /* a = microseconds since the hole opened, b = the longer  \
                             * of the handshake's round trip and 3 ms: within it,      \
                             * reordering; later, a copy */

enum tr_seg_rule {
#define X(id, name) TR_SEG_RULE_##id,
    TR_SEG_RULE_LIST(X)
#undef X
    TR_SEG_RULE_COUNT
};

const char *tr_seg_rule_name(enum tr_seg_rule rule);

/* tr_seg.marks */
#define TR_SEG_KEEPALIVE 0x01   /* seq is the next expected less one, 0 or 1 byte */
#define TR_SEG_ZERO_WINDOW 0x02 /* the sender's receive window is 0 */
#define TR_SEG_STRAY 0x04       /* fits no sequence space of the connection (stray_segment) */
#define TR_SEG_WINDOW_UPDATE 0x08 /* no data, same ack, another window */

/* One TCP segment of a connection, for the ladder diagram and the packet
 * detail: what tshark's TCP tree shows that a learner needs. */
struct tr_seg {
    uint64_t frame;
    tr_time ts;
    enum tr_dir dir;
    uint8_t flags;
    uint32_t seq, ack;      /* absolute */
    uint32_t rel_seq;       /* relative to the sender's ISN */
    uint32_t rel_ack;       /* relative to the receiver's ISN (0 without ACK) */
    uint16_t window;
    uint32_t len;           /* payload on the wire */
    uint32_t caplen;        /* payload captured */
    uint64_t offset;        /* stream offset of the first payload byte */
    int64_t ack_offset;     /* the peer's stream offset it acknowledges, -1 unknown */
    int64_t file_offset;
    bool retransmission;    /* a copy of bytes sent before (rule says how it was decided) */
    bool out_of_order;      /* a late original: sent before bytes that arrived earlier */
    /* -- the packet detail (issue 14) -- */
    uint8_t rule;           /* enum tr_seg_rule of retransmission / out_of_order */
    uint8_t marks;          /* TR_SEG_KEEPALIVE ... */
    int8_t wscale;          /* the sender's window scale in force (RFC 7323 2.2), -1 unknown */
    uint8_t ttl;            /* IPv4 TTL or IPv6 hop limit */
    uint16_t ip_id;         /* IPv4 identification; 0 for IPv6 */
    uint16_t dup_ack;       /* the n-th duplicate ACK (same ack and window, no data), 0: none */
    uint32_t window_scaled; /* window << wscale (the window as sent when unknown or a SYN) */
    uint32_t rule_a, rule_b; /* the values the rule compared (see TR_SEG_RULE_LIST) */
    uint64_t ref_frame;     /* the frame the rule compared with (out of order: the segment
                             * that overtook it), 0: none */
    struct tr_tcp_opts opts; /* the options this segment carried */
};

/* One UDP datagram on a watched port (tr_table_opts.udp_ports), as the
 * tracer read it: no reassembly, one datagram, one event (issue 17). */
struct tr_datagram {
    struct tr_endpoint src, dst;
    const uint8_t *payload;     /* borrowed for the call */
    uint32_t caplen;            /* payload bytes captured */
    uint32_t len;               /* payload bytes on the wire (the UDP length less 8) */
    uint64_t frame;
    tr_time ts;
    int64_t file_offset;        /* the frame's, or -1 */
    const char *tunnel;         /* "" or the tunnels it came through; borrowed */
};

/* Ask the sink what the first payload of a connection without a SYN says
 * about its sender: a request means the sender is the client. */
enum tr_role_hint { TR_ROLE_UNKNOWN = 0, TR_ROLE_CLIENT, TR_ROLE_SERVER };

/* The events a tracer delivers, in capture order. Every pointer is borrowed
 * for the call. A connection's events come between on_conn and on_close. */
struct tr_sink {
    void *ctx;
    /* a connection's roles are known: with a SYN at once; without, at its
     * first payload, FIN or RST (so earlier pure ACKs follow as on_segment) */
    void (*on_conn)(void *ctx, struct tr_conn *c);
    /* the three-way handshake completed (c->hs_frames, c->hs_ts) */
    void (*on_handshake)(void *ctx, struct tr_conn *c);
    /* every TCP segment of an announced connection (may be NULL) */
    void (*on_segment)(void *ctx, struct tr_conn *c, const struct tr_seg *s);
    /* in-order payload bytes [offset, offset+len) of direction dir, all from
     * frame `frame` */
    void (*on_data)(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t offset,
                    const uint8_t *data, size_t len, uint64_t frame, tr_time ts);
    /* len bytes at offset of direction dir will never be seen */
    void (*on_gap)(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t offset, uint64_t len,
                   uint64_t frame, tr_time ts);
    /* the direction ended with a FIN (all its bytes delivered) */
    void (*on_fin)(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t frame, tr_time ts);
    /* the connection ended: c->close_how, close_initiator, close_frames;
     * c is freed after the call */
    void (*on_close)(void *ctx, struct tr_conn *c);
    /* something a learner should know; c is NULL for frame-level notes */
    void (*on_note)(void *ctx, struct tr_conn *c, uint64_t frame, enum tr_note_kind kind,
                    const char *detail);
    /* the role hint for a connection without a SYN (may be NULL) */
    enum tr_role_hint (*classify)(void *ctx, const uint8_t *data, size_t len);
    /* a UDP datagram from or to a watched port (may be NULL: none delivered) */
    void (*on_datagram)(void *ctx, const struct tr_datagram *d);
};

struct tr_table;

struct tr_table_opts {
    const uint16_t *server_ports; /* ports that mark the server side (role rule) */
    size_t nserver_ports;
    bool only_server_ports;       /* ignore segments with neither port listed */
    const struct tr_endpoint *only; /* if set: follow only the connection between only[0]
                                     * and only[1] (a detail pass over one connection) */
    size_t max_conns;             /* connections tracked at once (0: default) */
    size_t max_ooo_bytes;         /* out-of-order bytes buffered per connection (0: default) */
    /* Read a frame back from the capture by its file offset (tr_rereader_read),
     * to compare a retransmission with the first copy. NULL: the tracer keeps
     * a hash of each delivered segment instead (live). */
    bool (*reread)(void *ctx, int64_t file_offset, uint64_t frame, struct tr_frame *out);
    void *reread_ctx;
    /* UDP ports whose datagrams (either port) go to on_datagram, and whose
     * TCP connections are followed even with only_server_ports. NULL (and 0):
     * TR_DEFAULT_UDP_PORT alone. */
    const uint16_t *udp_ports;
    size_t nudp_ports;
};

#define TR_DEFAULT_UDP_PORT 53 /* DNS, RFC 1035 4.2 */

#define TR_DEFAULT_MAX_CONNS 16384
#define TR_DEFAULT_MAX_OOO (4u << 20)

struct tr_table *tr_table_new(const struct tr_table_opts *opts, const struct tr_sink *sink);
/* Frees every connection without further events (call tr_table_finish first
 * for the end-of-capture events). */
void tr_table_free(struct tr_table *t);

/* Feed one frame: decodes it and runs reassembly. Frame-level problems
 * (truncated headers, bad lengths) become notes with a NULL connection. */
void tr_table_frame(struct tr_table *t, const struct tr_frame *f);
/* Feed one decoded TCP segment (the unit tests' entry point). */
void tr_table_packet(struct tr_table *t, const struct tr_packet *p, uint64_t frame, tr_time ts,
                     int64_t file_offset);
/* Feed one decoded UDP datagram: on_datagram when a port is watched. */
void tr_table_datagram(struct tr_table *t, const struct tr_packet *p, uint64_t frame, tr_time ts,
                       int64_t file_offset);
/* End of capture: every open connection delivers what it buffered (holes
 * become gaps) and closes with TR_CLOSE_END (or FIN when one was seen). */
void tr_table_finish(struct tr_table *t);
/* A connection closes when both FINs are acknowledged (the ACK of the second
 * FIN is the close's last packet), on a RST, at the end of the capture, or
 * when the ACK of the second FIN has not come this long after both FINs: a
 * lost last ACK makes the peer send its FIN again after an RTO (RFC 6298
 * 2.4: at least 1 s; Linux 200 ms), whose ACK then ends the close. */
#define TR_FIN_ACK_WAIT_US 2000000
/* Live, while no frame comes: time passes (`now` on the capture's clock,
 * microseconds since the epoch); a close whose last ACK was not captured
 * ends after a wait (the tracer also does so on each segment). */
void tr_table_tick(struct tr_table *t, tr_time now);
/* Stop delivering data for this connection (not HTTP); segments, FIN and the
 * close are still reported. Call from a sink callback or any time. */
void tr_conn_ignore_data(struct tr_conn *c);

struct tr_stats {
    uint64_t frames;        /* frames fed */
    uint64_t bytes;         /* their captured bytes */
    uint64_t tcp_packets;
    uint64_t tcp_conns;     /* connections seen */
    uint64_t active_conns;  /* connections open now */
    uint64_t peak_conns;
    uint64_t udp_packets;   /* UDP datagrams read (any port) */
    uint64_t udp_delivered; /* of them, on a watched port (given to on_datagram) */
    uint64_t tunnelled;     /* TCP segments and UDP datagrams that came through a tunnel */
};
void tr_table_stats(const struct tr_table *t, struct tr_stats *out);

/* ------------------------------------------------------------------------ */
/* pcapng Decryption Secrets Blocks (issue 15: TLS). libpcap skips these     */
/* blocks (pcapng 4.7, block type 0x0000000A), so the tracer reads the       */
/* file's block structure itself. tracer/pcapng.c.                           */

#define TR_PCAPNG_SECRETS_TLS 0x544c534bu /* "TLSK": NSS key log text */
#define TR_PCAPNG_MAX_SECRETS (64u << 20) /* a larger block is an error */

/* One Decryption Secrets Block: its secrets type (TR_PCAPNG_SECRETS_TLS, or
 * another kind to ignore), its data (borrowed for the call) and the block's
 * file offset. */
typedef void (*tr_secrets_fn)(void *ctx, uint32_t type, const uint8_t *data, size_t len,
                              int64_t offset);

/* Walk the blocks of a pcapng file, seeking over all but Decryption Secrets
 * Blocks (no packet data is read), and hand each of those to fn. Both byte
 * orders; every section header sets its own. Returns the number of secrets
 * blocks, 0 for a file that is not pcapng (a pcap), or -1 with errbuf for a
 * read error or a block whose length lies ("'x.pcapng': a block at offset
 * 1234 claims 4096 bytes, but only 800 remain": libpcap meets the same
 * problem when it reads the packets), or -2 with errbuf for a Decryption
 * Secrets Block whose own lengths lie (which libpcap skips unread); blocks
 * found before it have been handed to fn. Standard input ("-") and other files that cannot be
 * read twice (pipes) cannot be scanned: their bytes are libpcap's, and the
 * call returns 0 without reading; secrets in them are not found. Call it
 * before tr_capture_open (it opens the file itself). */
int tr_pcapng_secrets(const char *path, tr_secrets_fn fn, void *ctx, char *errbuf);
/* The same over a file's bytes in memory (tests, fuzzing); name is for
 * messages. */
int tr_pcapng_secrets_mem(const uint8_t *p, size_t len, const char *name, tr_secrets_fn fn,
                          void *ctx, char *errbuf);

#endif
