/* tracer_int.h - private to tracer/: the bounds-checked byte cursor, and the
 * connection and table structs that table.c and tcp.c share
 *
 * Wire bytes are never cast to structs (tcpdump netdissect.h). A cursor
 * getter past the end returns 0 and sets trunc; a parser checks trunc once
 * per header. Lengths are compared with what is left, never by pointer sums.
 */
#ifndef HTTPSTEP_TRACER_INT_H
#define HTTPSTEP_TRACER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracer.h"

struct tr_cur {
    const uint8_t *p, *end;
    bool trunc;
};

static inline void cur_init(struct tr_cur *c, const uint8_t *p, size_t len)
{
    c->p = p;
    c->end = p + len;
    c->trunc = false;
}

static inline size_t cur_left(const struct tr_cur *c)
{
    return (size_t)(c->end - c->p);
}

static inline bool cur_has(const struct tr_cur *c, size_t n)
{
    return n <= cur_left(c);
}

static inline void cur_skip(struct tr_cur *c, size_t n)
{
    if (!cur_has(c, n)) {
        c->trunc = true;
        c->p = c->end;
        return;
    }
    c->p += n;
}

static inline uint8_t cur_u8(struct tr_cur *c)
{
    if (!cur_has(c, 1)) {
        c->trunc = true;
        return 0;
    }
    return *c->p++;
}

static inline uint16_t cur_be16(struct tr_cur *c)
{
    if (!cur_has(c, 2)) {
        c->trunc = true;
        c->p = c->end;
        return 0;
    }
    uint16_t v = (uint16_t)(c->p[0] << 8 | c->p[1]);
    c->p += 2;
    return v;
}

static inline uint16_t cur_le16(struct tr_cur *c)
{
    if (!cur_has(c, 2)) {
        c->trunc = true;
        c->p = c->end;
        return 0;
    }
    uint16_t v = (uint16_t)(c->p[1] << 8 | c->p[0]);
    c->p += 2;
    return v;
}

static inline uint32_t cur_be32(struct tr_cur *c)
{
    if (!cur_has(c, 4)) {
        c->trunc = true;
        c->p = c->end;
        return 0;
    }
    uint32_t v = (uint32_t)c->p[0] << 24 | (uint32_t)c->p[1] << 16 | (uint32_t)c->p[2] << 8 |
                 c->p[3];
    c->p += 4;
    return v;
}

static inline uint32_t cur_le32(struct tr_cur *c)
{
    if (!cur_has(c, 4)) {
        c->trunc = true;
        c->p = c->end;
        return 0;
    }
    uint32_t v = (uint32_t)c->p[3] << 24 | (uint32_t)c->p[2] << 16 | (uint32_t)c->p[1] << 8 |
                 c->p[0];
    c->p += 4;
    return v;
}

static inline void cur_copy(struct tr_cur *c, uint8_t *dst, size_t n)
{
    if (!cur_has(c, n)) {
        c->trunc = true;
        c->p = c->end;
        for (size_t i = 0; i < n; i++)
            dst[i] = 0;
        return;
    }
    for (size_t i = 0; i < n; i++)
        dst[i] = c->p[i];
    c->p += n;
}

/* Sequence numbers compare modulo 2^32 (libnids util.h, RFC 9293 3.4). */
static inline bool seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}
static inline bool seq_le(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}
static inline bool seq_gt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) > 0;
}


/* ------------------------------------------------------------------------ */
/* Shared by table.c (connections, tombs) and tcp.c (reassembly)            */

#define PENDING_MAX 16     /* segments held before a connection's roles are known */
#define RECENT_MAX 4       /* delivered segments remembered to compare retransmissions */
#define ESP_FLOWS 256      /* ESP flows (SPI, addresses) remembered so as to note each once */

static inline uint64_t tr_mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

/* A piece of the stream held out of order: data, or (data == NULL) bytes
 * that a snaplen cut, known missing. */
struct piece {
    struct piece *next;
    uint32_t seq;
    uint32_t len;
    uint64_t frame;
    tr_time ts;
    int64_t off;         /* the frame's file offset, -1 unknown */
    uint32_t skip;       /* where data starts in the frame's payload */
    uint32_t tsval;      /* its segment's TCP timestamp (has_ts), to date a filler */
    uint16_t ip_id;      /* its segment's IPv4 ID, likewise */
    bool has_ts;
    uint8_t *data;
};

/* A segment delivered lately, to tell whether a retransmission of it
 * carries other bytes: the frame is read back from the file when the table
 * can (nothing to do per byte), else the payload's hash is kept. */
struct recent {
    uint32_t seq, len;
    uint32_t skip;       /* where the bytes start in the frame's payload */
    uint64_t frame;
    int64_t off;         /* the frame's file offset, -1: use the hash */
    uint64_t hash;
};

struct half {
    bool started;        /* base is known */
    bool fin_seen;       /* a FIN was captured (fin_seq valid) */
    bool fin_done;       /* every byte before the FIN was delivered */
    bool ack_valid;      /* peer_ack valid */
    uint32_t base;       /* sequence number of stream offset 0 */
    uint32_t next;       /* next sequence number to deliver */
    uint32_t high;       /* highest sequence number seen + 1 */
    uint32_t fin_seq;
    uint32_t peer_ack;   /* highest acknowledgment the other side sent */
    uint64_t offset;     /* stream offset of next */
    uint64_t fin_frame;
    tr_time fin_ts;
    tr_time hole_ts;     /* when the first piece past a hole arrived */
    /* what this side sends, for the classification of its segments (seginfo.c) */
    bool ipid_seen;      /* last_ip_id valid */
    uint16_t last_ip_id; /* its last data segment's IPv4 ID */
    uint8_t ipid_up;     /* consecutive IDs that counted up by 1..64 (saturates) */
    uint8_t ipid_other;  /* those that did not (saturates) */
    /* its acknowledgments, for duplicate ACKs */
    bool ack_seen;
    uint32_t last_ack;
    uint16_t last_win;
    uint16_t dup_acks;   /* duplicates of last_ack so far */
    struct piece *pieces;
    struct recent recent[RECENT_MAX];
    unsigned recent_i;
};

struct conn {
    struct tr_conn pub;          /* first: the sink's view */
    struct conn *hnext;          /* hash chain */
    struct conn *lru_prev, *lru_next;
    struct half h[2];
    size_t ooo_bytes;
    bool announced;
    bool closed;                 /* on_close was delivered (it then leaves the table: bury) */
    bool roles_certain;          /* from a SYN or SYN-ACK */
    bool hs_reported;
    bool limit_noted;
    uint32_t synack_ack;         /* the SYN-ACK's acknowledgment: the client's ISN + 1 */
    uint32_t syn_seq;            /* the client's SYN's sequence number (syn_seen) */
    uint32_t syn_len;            /* its payload (TCP Fast Open, RFC 7413) */
    bool first_close_seen;
    bool fw_queued;              /* both FINs delivered, an ACK of a FIN awaited (fw_*) */
    struct conn *fw_prev, *fw_next; /* the table's queue of such connections, oldest first */
    tr_time fw_since;            /* when it joined the queue */
    unsigned npending;
    struct tr_seg *pending;      /* PENDING_MAX, allocated for a connection without a SYN */
};

struct tomb;

struct tr_table {
    struct tr_sink sink;
    uint16_t *ports;
    size_t nports;
    bool only_ports;
    bool only_set;
    struct tr_endpoint only[2];
    size_t max_conns;
    size_t max_ooo;
    struct conn **buckets;
    size_t nbuckets;             /* a power of two */
    size_t count;                /* connections in the table */
    struct conn *lru_head, *lru_tail;  /* least recently active first */
    struct tomb **tombs;         /* the closed connections' tuples */
    size_t ntomb_buckets, ntombs;
    struct tomb *tq_head, *tq_tail;
    struct conn *fw_head, *fw_tail; /* connections awaiting the last ACK of a close */
    uint64_t next_id;
    tr_time now;
    struct tr_stats st;
    bool (*reread)(void *ctx, int64_t file_offset, uint64_t frame, struct tr_frame *out);
    void *reread_ctx;
    uint16_t *udp_ports;         /* watched UDP ports (at least one) */
    size_t nudp_ports;
    uint64_t esp_noted[ESP_FLOWS]; /* flows whose ESP was noted (a direct-mapped cache) */
    const struct tr_packet *cur_pkt; /* the segment being read */
    int64_t cur_off;             /* the segment being read: its frame's file offset */
    const uint8_t *cur_payload;  /* and its payload */
};

/* table.c: a note to the sink (c NULL: about a frame) */
__attribute__((format(printf, 5, 6))) void tr_note(struct tr_table *t, struct conn *c,
                                                    uint64_t frame, enum tr_note_kind kind,
                                                    const char *fmt, ...);

/* seginfo.c: what one segment is (struct tr_seg), and how a hole's filler is dated */
void tr_seg_fill(const struct conn *c, enum tr_dir dir, const struct tr_packet *p, uint64_t frame,
                 tr_time ts, int64_t off, struct tr_seg *s);
/* A segment that fills a hole before held bytes: sent again after a loss
 * (true) or a late original (false); s->rule, rule_a, rule_b, ref_frame say why. */
bool tr_seg_is_resend(const struct conn *c, enum tr_dir dir, const struct tr_packet *p,
                      uint32_t dseq, tr_time ts, struct tr_seg *s);
/* Duplicate ACKs, keep-alives, zero windows (s->marks, s->dup_ack); then what
 * this segment teaches about its sender (IP IDs) and its acknowledgments. */
void tr_seg_marks(struct conn *c, enum tr_dir dir, const struct tr_packet *p, struct tr_seg *s);
/* "by TCP timestamps: TSval 1234 is newer than 1230 of frame 17" into buf */
void tr_seg_reason(const struct tr_seg *s, char *buf, size_t size);

/* tcp.c: the TCP side of a connection */
/* one segment of connection c in direction dir (after the table found or made c) */
void tr_tcp_segment(struct tr_table *t, struct conn *c, enum tr_dir dir, const struct tr_packet *p,
                    uint64_t frame, tr_time ts, int64_t off);
/* Does a SYN on a known 4-tuple start a new connection (port reuse)? */
bool tr_tcp_syn_starts_new(const struct conn *c, const struct tr_packet *p, enum tr_dir dir);
/* on_conn (and the held segments) for a connection not yet announced */
void tr_tcp_announce(struct tr_table *t, struct conn *c);
/* deliver what is held (holes as gaps) and close with `how` (once) */
void tr_tcp_end(struct tr_table *t, struct conn *c, enum tr_close_how how);
/* free a connection and what it holds (no events) */
void tr_tcp_conn_free(struct conn *c);

#endif
