/* tcp.c - the connection table and TCP reassembly into two ordered byte
 * streams per connection (after libnids tcp.c, but adopting connections
 * that start without a SYN, and reporting gaps instead of stalling)
 *
 * Per direction ("half"), bytes are delivered in sequence order exactly once:
 * the fast path hands an in-order segment's payload straight from the frame;
 * anything else is cut into non-overlapping pieces (first copy wins) kept in
 * a list sorted by sequence number until the hole before them fills, or
 * until it is certain that it never will (the peer acknowledged bytes past
 * it, the out-of-order cap, a reset, the end of the capture): then the hole
 * is delivered as a gap.
 */
#include "tracer.h"
#include "tracer_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PENDING_MAX 16     /* segments held before a connection's roles are known */
#define RECENT_MAX 4       /* delivered segments remembered to compare retransmissions */
#define LINGER_US 10000000 /* a closed connection's tuple absorbs stray packets this long */
#define REORDER_US 3000    /* a hole filled sooner than this (or the RTT) was reordering */

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
    bool first_close_seen;
    unsigned npending;
    struct tr_seg *pending;      /* PENDING_MAX, allocated for a connection without a SYN */
};

/* A closed connection's 4-tuple, for a few seconds: the last ACK and stray
 * copies that follow a close belong to it, not to a new connection. Small:
 * a busy capture closes thousands of connections a second. */
struct tomb {
    struct tomb *hnext;          /* hash chain */
    struct tomb *qnext;          /* the expiry queue, oldest first */
    struct tr_endpoint client, server;
    tr_time closed;
    bool dead;                   /* out of the hash already, waits in the queue */
};

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
    uint64_t next_id;
    tr_time now;
    struct tr_stats st;
    bool (*reread)(void *ctx, int64_t file_offset, uint64_t frame, struct tr_frame *out);
    void *reread_ctx;
    int64_t cur_off;             /* the segment being read: its frame's file offset */
    const uint8_t *cur_payload;  /* and its payload */
};

static const char *const note_names[] = {
#define X(id, name) name,
    TR_NOTE_LIST(X)
#undef X
};

const char *tr_note_name(enum tr_note_kind kind)
{
    return (unsigned)kind < TR_NOTE_COUNT ? note_names[kind] : "unknown";
}

void tr_conn_ignore_data(struct tr_conn *c)
{
    c->ignore_data = true;  /* in the public struct: safe on any struct tr_conn */
}

/* ------------------------------------------------------------- hashing -- */

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

static uint64_t endpoint_hash(const struct tr_addr *a, uint16_t port)
{
    uint64_t w[2];
    memcpy(w, a->a, 16);
    return mix64(w[0] ^ mix64(w[1] ^ ((uint64_t)port << 8 | a->family)));
}

/* symmetric in the two endpoints */
static size_t tuple_hash(const struct tr_addr *sa, uint16_t sp, const struct tr_addr *da,
                         uint16_t dp)
{
    return (size_t)(endpoint_hash(sa, sp) + endpoint_hash(da, dp));
}

/* Four independent lanes of multiply-xor: fast enough for every delivered
 * segment; used only to tell whether a retransmission carried other bytes. */
static uint64_t payload_hash(const uint8_t *p, size_t n)
{
    uint64_t h[4] = {0x9e3779b97f4a7c15ULL, 0xbf58476d1ce4e5b9ULL, 0x94d049bb133111ebULL, n};
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        for (int k = 0; k < 4; k++) {
            uint64_t w;
            memcpy(&w, p + i + 8 * k, 8);
            h[k] = (h[k] ^ w) * 0x9fb21c651e98df25ULL;
        }
    }
    uint64_t tail = 0;
    for (int s = 0; i < n; i++, s = (s + 8) & 63)
        tail ^= (uint64_t)p[i] << s;
    return mix64(h[0] ^ mix64(h[1] ^ mix64(h[2] ^ mix64(h[3] ^ tail))));
}

static bool endpoint_is(const struct tr_endpoint *e, const struct tr_addr *a, uint16_t port)
{
    return e->port == port && tr_addr_equal(&e->addr, a);
}

/* the one connection a detail pass follows, in either direction */
static bool is_only(const struct tr_table *t, const struct tr_packet *p)
{
    return (endpoint_is(&t->only[0], &p->src, p->sport) && endpoint_is(&t->only[1], &p->dst, p->dport)) ||
           (endpoint_is(&t->only[1], &p->src, p->sport) && endpoint_is(&t->only[0], &p->dst, p->dport));
}

static bool port_is_server(const struct tr_table *t, uint16_t port)
{
    for (size_t i = 0; i < t->nports; i++)
        if (t->ports[i] == port)
            return true;
    return false;
}

/* ---------------------------------------------------------------- table -- */

static void lru_unlink(struct tr_table *t, struct conn *c)
{
    if (c->lru_prev)
        c->lru_prev->lru_next = c->lru_next;
    else
        t->lru_head = c->lru_next;
    if (c->lru_next)
        c->lru_next->lru_prev = c->lru_prev;
    else
        t->lru_tail = c->lru_prev;
    c->lru_prev = c->lru_next = NULL;
}

static void lru_append(struct tr_table *t, struct conn *c)
{
    c->lru_prev = t->lru_tail;
    c->lru_next = NULL;
    if (t->lru_tail)
        t->lru_tail->lru_next = c;
    else
        t->lru_head = c;
    t->lru_tail = c;
}

static size_t bucket_of(const struct tr_table *t, const struct conn *c)
{
    const struct tr_endpoint *a = &c->pub.client, *b = &c->pub.server;
    return tuple_hash(&a->addr, a->port, &b->addr, b->port) & (t->nbuckets - 1);
}

static void table_grow(struct tr_table *t)
{
    size_t n = t->nbuckets * 2;
    struct conn **nb = xcalloc(n, sizeof *nb);
    struct conn **old = t->buckets;
    size_t oldn = t->nbuckets;
    t->buckets = nb;
    t->nbuckets = n;
    for (size_t i = 0; i < oldn; i++) {
        struct conn *c = old[i];
        while (c) {
            struct conn *next = c->hnext;
            size_t b = bucket_of(t, c);
            c->hnext = nb[b];
            nb[b] = c;
            c = next;
        }
    }
    free(old);
}

static void table_remove(struct tr_table *t, struct conn *c)
{
    struct conn **pp = &t->buckets[bucket_of(t, c)];
    while (*pp && *pp != c)
        pp = &(*pp)->hnext;
    if (*pp)
        *pp = c->hnext;
    lru_unlink(t, c);
    t->count--;
}

static void pieces_free(struct conn *c)
{
    for (int d = 0; d < 2; d++) {
        struct piece *p = c->h[d].pieces;
        while (p) {
            struct piece *n = p->next;
            free(p->data);
            free(p);
            p = n;
        }
        c->h[d].pieces = NULL;
    }
    c->ooo_bytes = 0;
}

static void conn_free(struct conn *c)
{
    pieces_free(c);
    free(c->pending);
    free(c);
}

/* Is the segment between this client and server? 1 client to server,
 * -1 server to client, 0 another tuple. */
static int tuple_dir(const struct tr_endpoint *cl, const struct tr_endpoint *sv,
                     const struct tr_packet *p)
{
    if (cl->port == p->sport && sv->port == p->dport && tr_addr_equal(&cl->addr, &p->src) &&
        tr_addr_equal(&sv->addr, &p->dst))
        return 1;
    if (cl->port == p->dport && sv->port == p->sport && tr_addr_equal(&cl->addr, &p->dst) &&
        tr_addr_equal(&sv->addr, &p->src))
        return -1;
    return 0;
}

/* Find the connection of a segment; *dir is the segment's direction. */
static struct conn *table_find(struct tr_table *t, const struct tr_packet *p, enum tr_dir *dir)
{
    size_t b = tuple_hash(&p->src, p->sport, &p->dst, p->dport) & (t->nbuckets - 1);
    for (struct conn *c = t->buckets[b]; c; c = c->hnext) {
        int k = tuple_dir(&c->pub.client, &c->pub.server, p);
        if (k) {
            *dir = k > 0 ? TR_DIR_C2S : TR_DIR_S2C;
            return c;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------ tombs -- */

static size_t tomb_bucket(const struct tr_table *t, const struct tr_endpoint *a,
                          const struct tr_endpoint *b)
{
    return tuple_hash(&a->addr, a->port, &b->addr, b->port) & (t->ntomb_buckets - 1);
}

static struct tomb **tomb_slot(struct tr_table *t, const struct tr_packet *p)
{
    if (!t->ntombs)
        return NULL;
    struct tomb **pp = &t->tombs[tuple_hash(&p->src, p->sport, &p->dst, p->dport) &
                                 (t->ntomb_buckets - 1)];
    for (; *pp; pp = &(*pp)->hnext)
        if (tuple_dir(&(*pp)->client, &(*pp)->server, p))
            return pp;
    return NULL;
}

static void tomb_unlink(struct tomb **pp)
{
    struct tomb *m = *pp;
    *pp = m->hnext;
    m->dead = true;
}

/* forget the oldest tomb */
static void tomb_drop_oldest(struct tr_table *t)
{
    struct tomb *m = t->tq_head;
    if (!m->dead) {
        struct tomb **pp = &t->tombs[tomb_bucket(t, &m->client, &m->server)];
        while (*pp != m)
            pp = &(*pp)->hnext;
        *pp = m->hnext;
    }
    t->tq_head = m->qnext;
    if (!t->tq_head)
        t->tq_tail = NULL;
    t->ntombs--;
    free(m);
}

/* drop the tombs older than their linger time */
static void tomb_expire(struct tr_table *t)
{
    struct tomb *m;
    while ((m = t->tq_head) && (m->dead || t->now - m->closed > LINGER_US))
        tomb_drop_oldest(t);
}

/* A closed connection leaves: its tuple stays behind for a while, at most
 * as many tuples as connections are followed (the oldest go first). */
static void bury(struct tr_table *t, struct conn *c)
{
    while (t->tq_head && t->ntombs >= t->max_conns)
        tomb_drop_oldest(t);
    if (!t->tombs) {
        t->ntomb_buckets = 1024;
        t->tombs = xcalloc(t->ntomb_buckets, sizeof *t->tombs);
    }
    if (t->ntombs >= t->ntomb_buckets) {  /* grow: rehash the live ones */
        size_t n = t->ntomb_buckets * 2;
        struct tomb **nb = xcalloc(n, sizeof *nb);
        for (size_t i = 0; i < t->ntomb_buckets; i++)
            for (struct tomb *m = t->tombs[i], *next; m; m = next) {
                next = m->hnext;
                size_t b = tuple_hash(&m->client.addr, m->client.port, &m->server.addr,
                                      m->server.port) & (n - 1);
                m->hnext = nb[b];
                nb[b] = m;
            }
        free(t->tombs);
        t->tombs = nb;
        t->ntomb_buckets = n;
    }
    struct tomb *m = xcalloc(1, sizeof *m);
    m->client = c->pub.client;
    m->server = c->pub.server;
    m->closed = c->pub.last_ts;
    size_t b = tomb_bucket(t, &m->client, &m->server);
    m->hnext = t->tombs[b];
    t->tombs[b] = m;
    if (t->tq_tail)
        t->tq_tail->qnext = m;
    else
        t->tq_head = m;
    t->tq_tail = m;
    t->ntombs++;
    table_remove(t, c);
    conn_free(c);
}

struct tr_table *tr_table_new(const struct tr_table_opts *o, const struct tr_sink *sink)
{
    struct tr_table *t = xcalloc(1, sizeof *t);
    t->sink = *sink;
    if (o->nserver_ports) {
        t->ports = xreallocarray(NULL, o->nserver_ports, sizeof *t->ports);
        memcpy(t->ports, o->server_ports, o->nserver_ports * sizeof *t->ports);
        t->nports = o->nserver_ports;
    }
    t->only_ports = o->only_server_ports && t->nports > 0;
    if (o->only) {
        t->only_set = true;
        t->only[0] = o->only[0];
        t->only[1] = o->only[1];
    }
    t->reread = o->reread;
    t->reread_ctx = o->reread_ctx;
    t->max_conns = o->max_conns ? o->max_conns : TR_DEFAULT_MAX_CONNS;
    t->max_ooo = o->max_ooo_bytes ? o->max_ooo_bytes : TR_DEFAULT_MAX_OOO;
    t->nbuckets = 1024;
    t->buckets = xcalloc(t->nbuckets, sizeof *t->buckets);
    return t;
}

void tr_table_free(struct tr_table *t)
{
    if (!t)
        return;
    struct conn *c = t->lru_head;
    while (c) {
        struct conn *n = c->lru_next;
        conn_free(c);
        c = n;
    }
    for (struct tomb *m = t->tq_head, *next; m; m = next) {
        next = m->qnext;
        free(m);
    }
    free(t->tombs);
    free(t->buckets);
    free(t->ports);
    free(t);
}

void tr_table_stats(const struct tr_table *t, struct tr_stats *out)
{
    *out = t->st;
}

/* --------------------------------------------------------------- events -- */

__attribute__((format(printf, 5, 6))) static void note(struct tr_table *t, struct conn *c, uint64_t frame, enum tr_note_kind kind,
                 const char *fmt, ...)
{
    if (!t->sink.on_note)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    t->sink.on_note(t->sink.ctx, c ? &c->pub : NULL, frame, kind, buf);
}

static const char *side_name(enum tr_dir d)
{
    return d == TR_DIR_C2S ? "client" : "server";
}

static void deliver_data(struct tr_table *t, struct conn *c, enum tr_dir d, const uint8_t *data,
                         uint32_t len, uint64_t frame, tr_time ts, int64_t off, uint32_t skip)
{
    struct half *h = &c->h[d];
    if (len == 0)
        return;
    struct recent *r = &h->recent[h->recent_i++ % RECENT_MAX];
    r->seq = h->next;
    r->len = len;
    r->frame = frame;
    r->skip = skip;
    r->off = t->reread ? off : -1;
    if (r->off < 0)
        r->hash = payload_hash(data, len);
    if (!c->pub.ignore_data && t->sink.on_data)
        t->sink.on_data(t->sink.ctx, &c->pub, d, h->offset, data, len, frame, ts);
    h->next += len;
    h->offset += len;
    c->pub.side[d].bytes += len;
}

static void deliver_gap(struct tr_table *t, struct conn *c, enum tr_dir d, uint32_t len,
                        uint64_t frame, tr_time ts, bool snaplen)
{
    struct half *h = &c->h[d];
    if (len == 0)
        return;
    if (!snaplen)
        note(t, c, frame, TR_NOTE_GAP, "%u bytes of the %s's stream were never captured (offset %llu)",
             len, side_name(d), (unsigned long long)h->offset);
    if (!c->pub.ignore_data && t->sink.on_gap)
        t->sink.on_gap(t->sink.ctx, &c->pub, d, h->offset, len, frame, ts);
    h->next += len;
    h->offset += len;
    c->pub.side[d].gap_bytes += len;
}

static void maybe_fin(struct tr_table *t, struct conn *c, enum tr_dir d)
{
    struct half *h = &c->h[d];
    if (h->fin_seen && !h->fin_done && h->next == h->fin_seq) {
        h->fin_done = true;
        if (t->sink.on_fin)
            t->sink.on_fin(t->sink.ctx, &c->pub, d, h->fin_frame, h->fin_ts);
    }
}

/* Deliver held pieces that are now in order. */
static void drain(struct tr_table *t, struct conn *c, enum tr_dir d)
{
    struct half *h = &c->h[d];
    struct piece *p;
    while ((p = h->pieces) && seq_le(p->seq, h->next)) {
        h->pieces = p->next;
        c->ooo_bytes -= p->len;
        uint32_t end = p->seq + p->len;
        if (seq_gt(end, h->next)) {
            uint32_t skip = h->next - p->seq;
            if (p->data)
                deliver_data(t, c, d, p->data + skip, p->len - skip, p->frame, p->ts, p->off,
                             p->skip + skip);
            else
                deliver_gap(t, c, d, p->len - skip, p->frame, p->ts, true);
        }
        free(p->data);
        free(p);
    }
    maybe_fin(t, c, d);
}

/* The hole before the first held piece (or before the FIN) is certain up to
 * `upto`: deliver it as a gap, then what follows. */
static void flush_hole(struct tr_table *t, struct conn *c, enum tr_dir d, uint32_t upto,
                       uint64_t frame, tr_time ts)
{
    struct half *h = &c->h[d];
    if (!h->started || !seq_gt(upto, h->next))
        return;
    deliver_gap(t, c, d, upto - h->next, frame, ts, false);
    drain(t, c, d);
}

/* Where the hole before held data ends: the first piece, else the FIN. */
static bool hole_end(const struct half *h, uint32_t *end)
{
    if (h->pieces) {
        *end = h->pieces->seq;
        return true;
    }
    if (h->fin_seen && !h->fin_done) {
        *end = h->fin_seq;
        return true;
    }
    return false;
}

/* Gaps that the peer's acknowledgments make certain. */
static void check_acked(struct tr_table *t, struct conn *c, enum tr_dir d, uint64_t frame, tr_time ts)
{
    struct half *h = &c->h[d];
    uint32_t end;
    while (h->started && h->ack_valid && hole_end(h, &end) && seq_gt(h->peer_ack, h->next)) {
        uint32_t upto = seq_lt(h->peer_ack, end) ? h->peer_ack : end;
        uint32_t before = h->next;
        flush_hole(t, c, d, upto, frame, ts);
        if (h->next == before)
            break;
    }
}

/* Deliver everything held, holes as gaps (reset, end of capture, eviction). */
static void flush_all(struct tr_table *t, struct conn *c, enum tr_dir d, uint64_t frame, tr_time ts)
{
    struct half *h = &c->h[d];
    uint32_t end;
    while (h->started && hole_end(h, &end)) {
        uint32_t before = h->next;
        flush_hole(t, c, d, end, frame, ts);
        drain(t, c, d);
        if (h->next == before && !(h->fin_seen && !h->fin_done && h->next == h->fin_seq))
            break;
    }
    /* pieces that could not be placed (a FIN before them) are dropped */
    struct piece *p = h->pieces;
    while (p) {
        struct piece *n = p->next;
        c->ooo_bytes -= p->len;
        free(p->data);
        free(p);
        p = n;
    }
    h->pieces = NULL;
}

/* Held bytes from `seq` on (the FIN's) are not part of the stream: drop them. */
static void drop_from(struct conn *c, struct half *h, uint32_t seq)
{
    struct piece **pp = &h->pieces;
    while (*pp) {
        struct piece *p = *pp;
        if (seq_lt(p->seq, seq)) {
            if (seq_gt(p->seq + p->len, seq)) {
                c->ooo_bytes -= p->seq + p->len - seq;
                p->len = seq - p->seq;
            }
            pp = &p->next;
            continue;
        }
        *pp = p->next;
        c->ooo_bytes -= p->len;
        free(p->data);
        free(p);
    }
}

/* Insert [seq, seq+len) into the held list, keeping pieces disjoint; bytes
 * already held win, and a difference is noted. data == NULL: known missing. */
static void hold(struct tr_table *t, struct conn *c, enum tr_dir d, uint32_t seq, uint32_t len,
                 const uint8_t *data, uint64_t frame, tr_time ts, bool *differs)
{
    struct half *h = &c->h[d];
    struct piece **pp = &h->pieces;
    while (len > 0) {
        struct piece *p = *pp;
        /* skip pieces wholly before the new bytes */
        if (p && seq_le(p->seq + p->len, seq)) {
            pp = &p->next;
            continue;
        }
        uint32_t take = len;
        if (p && seq_lt(p->seq, seq + len)) {
            if (seq_le(p->seq, seq)) {
                /* the start is held already: compare, then skip it */
                uint32_t over = p->seq + p->len - seq;
                if (over > len)
                    over = len;
                if (data && p->data && memcmp(p->data + (seq - p->seq), data, over) != 0)
                    *differs = true;
                seq += over;
                len -= over;
                if (data)
                    data += over;
                pp = &p->next;
                continue;
            }
            take = p->seq - seq;  /* up to the next held piece */
        }
        struct piece *n = xmalloc(sizeof *n);
        n->seq = seq;
        n->len = take;
        n->frame = frame;
        n->ts = ts;
        n->off = t->cur_off;
        n->skip = data && t->cur_payload ? (uint32_t)(data - t->cur_payload) : 0;
        n->data = NULL;
        if (data) {
            n->data = xmalloc(take);
            memcpy(n->data, data, take);
            data += take;
        }
        n->next = *pp;
        *pp = n;
        pp = &n->next;
        c->ooo_bytes += take;
        seq += take;
        len -= take;
    }
}

/* Was every byte of [seq, seq+len) delivered or held before? */
static bool seen_before(const struct half *h, uint32_t seq, uint32_t len)
{
    if (seq_le(seq + len, h->next))
        return true;
    uint32_t s = seq_lt(seq, h->next) ? h->next : seq;
    uint32_t e = seq + len;
    for (const struct piece *p = h->pieces; p && seq_lt(s, e); p = p->next) {
        if (seq_gt(p->seq, s))
            return false;
        if (seq_gt(p->seq + p->len, s))
            s = p->seq + p->len;
    }
    return !seq_lt(s, e);
}

/* A retransmission of delivered bytes: the same range as a recent segment
 * with another hash means other bytes. */
static bool recent_differs(struct tr_table *t, const struct half *h, uint32_t seq,
                           const uint8_t *data, uint32_t len)
{
    for (unsigned i = 0; i < RECENT_MAX; i++) {
        const struct recent *r = &h->recent[i];
        if (r->len != len || r->seq != seq || len == 0)
            continue;
        if (r->off < 0)
            return r->hash != payload_hash(data, len);
        /* read the first copy back from the capture */
        struct tr_frame f;
        struct tr_packet p;
        char whybuf[TR_ERRBUF_SIZE];
        const char *why;
        if (!t->reread(t->reread_ctx, r->off, r->frame, &f) ||
            tr_packet_decode(f.linktype, f.data, f.caplen, &p, whybuf, &why) != TR_PKT_TCP ||
            r->skip > p.caplen || len > p.caplen - r->skip ||
            (uint32_t)(p.seq + ((p.flags & TR_TCP_SYN) ? 1 : 0) + r->skip) != r->seq)
            return false;  /* not read back, or not the same bytes of this stream */
        return memcmp(p.payload + r->skip, data, len) != 0;
    }
    return false;
}

/* -------------------------------------------------------------- segments -- */

static void flush_pending(struct tr_table *t, struct conn *c)
{
    for (unsigned i = 0; i < c->npending; i++)
        if (t->sink.on_segment)
            t->sink.on_segment(t->sink.ctx, &c->pub, &c->pending[i]);
    c->npending = 0;
    free(c->pending);
    c->pending = NULL;
}

static void swap_roles(struct conn *c)
{
    struct tr_endpoint e = c->pub.client;
    c->pub.client = c->pub.server;
    c->pub.server = e;
    struct half h = c->h[0];
    c->h[0] = c->h[1];
    c->h[1] = h;
    struct tr_side s = c->pub.side[0];
    c->pub.side[0] = c->pub.side[1];
    c->pub.side[1] = s;
    for (unsigned i = 0; i < c->npending; i++)
        c->pending[i].dir = c->pending[i].dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
}

static void announce(struct tr_table *t, struct conn *c)
{
    c->announced = true;
    if (t->sink.on_conn)
        t->sink.on_conn(t->sink.ctx, &c->pub);
    if (!c->pub.syn_seen)
        note(t, c, c->pub.first_frame, TR_NOTE_NO_HANDSHAKE,
             c->pub.synack_seen ? "the client's SYN was not captured"
                                : "the capture starts after the connection was opened: no handshake");
    flush_pending(t, c);
}

static void report_handshake(struct tr_table *t, struct conn *c)
{
    if (c->hs_reported || !c->pub.syn_seen)
        return;
    c->hs_reported = true;
    if (t->sink.on_handshake)
        t->sink.on_handshake(t->sink.ctx, &c->pub);
}

static void close_conn(struct tr_table *t, struct conn *c, enum tr_close_how how_if_none)
{
    if (c->closed)
        return;
    if (!c->announced)
        announce(t, c);
    report_handshake(t, c);
    if (c->pub.close_how == TR_CLOSE_NONE)
        c->pub.close_how = how_if_none;
    c->closed = true;
    if (t->sink.on_close)
        t->sink.on_close(t->sink.ctx, &c->pub);
    c->pub.user = NULL;
    pieces_free(c);
    t->st.active_conns--;
}

static void end_conn(struct tr_table *t, struct conn *c, enum tr_close_how how)
{
    if (c->closed)
        return;
    for (int d = 0; d < 2; d++)
        flush_all(t, c, (enum tr_dir)d, c->pub.last_frame, c->pub.last_ts);
    close_conn(t, c, how);
}

static void evict_one(struct tr_table *t)
{
    struct conn *c = t->lru_head;
    if (!c)
        return;
    if (!c->closed) {
        if (!c->announced)  /* its note goes after on_conn, as every event */
            announce(t, c);
        note(t, c, c->pub.last_frame, TR_NOTE_LIMIT,
             "more than %zu connections at once: the least recently active one is no longer followed",
             t->max_conns);
        end_conn(t, c, TR_CLOSE_END);
    }
    table_remove(t, c);
    conn_free(c);
}

static struct conn *conn_new(struct tr_table *t, const struct tr_packet *p, uint64_t frame, tr_time ts,
                             int64_t file_offset, enum tr_dir *dir)
{
    /* drop tombs past their linger time, then make room */
    tomb_expire(t);
    while (t->count >= t->max_conns)
        evict_one(t);
    if (t->count >= t->nbuckets)
        table_grow(t);

    struct conn *c = xcalloc(1, sizeof *c);
    c->pub.id = ++t->next_id;
    c->pub.first_frame = frame;
    c->pub.first_ts = ts;
    c->pub.first_file_offset = file_offset;
    c->pub.close_initiator = -1;
    /* tentative roles: a SYN's sender is the client, a SYN-ACK's the
     * server; else the server port's side is the server; else the side
     * that sent first is the client */
    bool sender_is_client;
    if (p->flags & TR_TCP_SYN) {
        sender_is_client = !(p->flags & TR_TCP_ACK);
        c->roles_certain = true;
    } else if (port_is_server(t, p->dport) && !port_is_server(t, p->sport)) {
        sender_is_client = true;
    } else if (port_is_server(t, p->sport) && !port_is_server(t, p->dport)) {
        sender_is_client = false;
    } else {
        sender_is_client = true;
    }
    struct tr_endpoint src = {p->src, p->sport}, dst = {p->dst, p->dport};
    c->pub.client = sender_is_client ? src : dst;
    c->pub.server = sender_is_client ? dst : src;
    *dir = sender_is_client ? TR_DIR_C2S : TR_DIR_S2C;
    for (int d = 0; d < 2; d++)
        c->pub.side[d].opts.wscale = -1;

    size_t b = bucket_of(t, c);
    c->hnext = t->buckets[b];
    t->buckets[b] = c;
    lru_append(t, c);
    t->count++;
    t->st.tcp_conns++;
    t->st.active_conns++;
    if (t->st.active_conns > t->st.peak_conns)
        t->st.peak_conns = t->st.active_conns;
    return c;
}

/* Does a SYN on a known 4-tuple start a new connection (port reuse)? */
static bool syn_starts_new(const struct conn *c, const struct tr_packet *p, enum tr_dir dir)
{
    if (c->closed)
        return true;
    if (c->pub.syn_seen)  /* a retransmitted SYN has the same ISN */
        return dir != TR_DIR_C2S || p->seq != c->pub.side[TR_DIR_C2S].isn;
    if (c->pub.synack_seen)  /* the SYN after its SYN-ACK: a reordered capture */
        return !(dir == TR_DIR_C2S && c->synack_ack == p->seq + 1);
    /* adopted mid-stream: a SYN now is a new connection */
    return c->pub.side[0].packets + c->pub.side[1].packets > 0;
}

static void note_first_close(struct conn *c, enum tr_dir dir, bool rst, uint64_t frame, tr_time ts)
{
    if (c->pub.close_frames[dir] == 0)
        c->pub.close_frames[dir] = frame;
    if (c->first_close_seen)
        return;
    c->first_close_seen = true;
    c->pub.close_how = rst ? TR_CLOSE_RST : TR_CLOSE_FIN;
    c->pub.close_initiator = (int)dir;
    c->pub.close_ts = ts;
}

enum seg_class {
    SEG_NEW,          /* bytes not seen before */
    SEG_RETRANS,      /* every byte seen before */
    SEG_KEEPALIVE,    /* the byte below the next one, again: a keep-alive probe */
    SEG_REFILL,       /* fills a hole after later bytes, after a round trip: lost, sent again */
    SEG_REORDERED,    /* fills a hole within a round trip: out of order */
    SEG_PAST_FIN      /* after the sender's FIN: not part of the stream */
};

static enum seg_class seg_classify(const struct conn *c, enum tr_dir dir, uint32_t dseq,
                                   uint32_t len, tr_time ts)
{
    const struct half *h = &c->h[dir];
    if (!h->started)
        return SEG_NEW;
    if (h->fin_seen) {
        if (!seq_lt(dseq, h->fin_seq))
            return SEG_PAST_FIN;
        if (seq_gt(dseq + len, h->fin_seq))
            len = h->fin_seq - dseq;
    }
    if (seen_before(h, dseq, len))
        return len == 1 && dseq + 1 == h->next ? SEG_KEEPALIVE : SEG_RETRANS;
    if (seq_lt(dseq, h->high) && h->pieces) {
        tr_time rtt = c->pub.handshake_done ? c->pub.hs_ts[2] - c->pub.hs_ts[0] : 0;
        return ts - h->hole_ts <= (rtt > REORDER_US ? rtt : REORDER_US) ? SEG_REORDERED
                                                                        : SEG_REFILL;
    }
    return SEG_NEW;
}

/* The payload of one segment: [dseq, dseq+len) of which the first `cap`
 * bytes were captured. */
static void segment_data(struct tr_table *t, struct conn *c, enum tr_dir dir, uint32_t dseq,
                         const uint8_t *data, uint32_t len, uint32_t cap, uint64_t frame, tr_time ts,
                         enum seg_class cls)
{
    struct half *h = &c->h[dir];
    if (cls == SEG_PAST_FIN || cls == SEG_KEEPALIVE)
        return;
    if (h->fin_seen && seq_gt(dseq + len, h->fin_seq))
        len = h->fin_seq - dseq;
    if (cap > len)
        cap = len;
    if (len == 0)
        return;
    uint32_t end = dseq + len;
    if (seq_gt(end, h->high))
        h->high = end;

    bool differs = false;
    switch (cls) {
    case SEG_RETRANS:
        if (seq_le(end, h->next)) {
            differs = cap == len && recent_differs(t, h, dseq, data, len);
        } else {  /* bytes past next are held: compare them (dseq may be past next) */
            uint32_t skip = seq_lt(dseq, h->next) ? h->next - dseq : 0;
            if (skip < cap)
                hold(t, c, dir, dseq + skip, cap - skip, data + skip, frame, ts, &differs);
        }
        note(t, c, frame, TR_NOTE_RETRANSMISSION, "%u bytes of the %s's stream sent again%s", len,
             side_name(dir), differs ? ", with different bytes (the first copy is kept)" : "");
        return;
    case SEG_REORDERED:
        note(t, c, frame, TR_NOTE_OUT_OF_ORDER,
             "%u bytes of the %s's stream arrived after bytes that follow them", len,
             side_name(dir));
        break;
    case SEG_REFILL:
        note(t, c, frame, TR_NOTE_RETRANSMISSION,
             "%u bytes of the %s's stream that were lost sent again", len, side_name(dir));
        break;
    default:
        break;
    }
    if (seq_lt(dseq, h->next)) {  /* the front was delivered already */
        uint32_t skip = h->next - dseq;
        if (cls == SEG_NEW)  /* other bytes only when it covers one recent segment exactly */
            note(t, c, frame, TR_NOTE_RETRANSMISSION,
                 "%u of these %u bytes of the %s's stream sent again%s", skip, len, side_name(dir),
                 skip <= cap && recent_differs(t, h, dseq, data, skip)
                     ? ", with different bytes (the first copy is kept)"
                     : "");
        uint32_t cskip = skip < cap ? skip : cap;
        data += cskip;
        cap -= cskip;
        len -= skip;
        dseq = h->next;
    }
    if (!h->pieces && dseq == h->next) {  /* the fast path: in order, nothing held */
        deliver_data(t, c, dir, data, cap, frame, ts, t->cur_off,
                     (uint32_t)(data - t->cur_payload));
        deliver_gap(t, c, dir, len - cap, frame, ts, true);
        maybe_fin(t, c, dir);
        return;
    }
    if (!h->pieces)
        h->hole_ts = ts;
    if (c->ooo_bytes + len > t->max_ooo && seq_gt(dseq, h->next)) {  /* a filler is never a gap */
        if (!c->limit_noted) {
            c->limit_noted = true;
            note(t, c, frame, TR_NOTE_LIMIT,
                 "more than %zu out-of-order bytes held: the hole before them is taken as a gap",
                 t->max_ooo);
        }
        uint32_t e;
        while (c->ooo_bytes + len > t->max_ooo && h->pieces && hole_end(h, &e) && seq_le(e, dseq))
            flush_hole(t, c, dir, e, frame, ts);
        /* still too much (then nothing is held before it): the hole before it goes too */
        if (c->ooo_bytes + len > t->max_ooo && seq_gt(dseq, h->next))
            flush_hole(t, c, dir, dseq, frame, ts);
    }
    hold(t, c, dir, dseq, cap, data, frame, ts, &differs);
    if (cap < len)
        hold(t, c, dir, dseq + cap, len - cap, NULL, frame, ts, &differs);
    if (differs)
        note(t, c, frame, TR_NOTE_RETRANSMISSION,
             "some of these %u bytes of the %s's stream were sent before, with different bytes "
             "(the first copy is kept)",
             len, side_name(dir));
    drain(t, c, dir);
}

static void half_start(struct conn *c, enum tr_dir dir, uint32_t base)
{
    struct half *h = &c->h[dir];
    h->started = true;
    h->base = h->next = h->high = base;
    c->pub.side[dir].isn = base - 1;
}

static void seg_fill(struct conn *c, enum tr_dir dir, const struct tr_packet *p, uint64_t frame,
                     tr_time ts, int64_t off, struct tr_seg *s)
{
    const struct half *h = &c->h[dir], *peer = &c->h[!dir];
    memset(s, 0, sizeof *s);
    s->frame = frame;
    s->ts = ts;
    s->dir = dir;
    s->flags = p->flags;
    s->seq = p->seq;
    s->ack = p->ack;
    s->rel_seq = h->started || c->pub.syn_seen ? p->seq - c->pub.side[dir].isn : 0;
    s->rel_ack = (p->flags & TR_TCP_ACK) && (peer->started || c->pub.synack_seen)
                     ? p->ack - c->pub.side[!dir].isn
                     : 0;
    s->window = p->window;
    s->len = p->len;
    s->caplen = p->caplen;
    if (h->started) {
        uint32_t dseq = p->seq + ((p->flags & TR_TCP_SYN) ? 1 : 0);
        int64_t o = (int64_t)h->offset + (int32_t)(dseq - h->next);
        s->offset = o > 0 ? (uint64_t)o : 0;
    }
    s->ack_offset = -1;
    if ((p->flags & TR_TCP_ACK) && peer->started) {
        int64_t a = (int64_t)peer->offset + (int32_t)(p->ack - peer->next);
        s->ack_offset = a > 0 ? a : 0;
    }
    s->file_offset = off;
}

void tr_table_packet(struct tr_table *t, const struct tr_packet *p, uint64_t frame, tr_time ts,
                     int64_t off)
{
    if (t->only_ports && !port_is_server(t, p->sport) && !port_is_server(t, p->dport))
        return;
    t->cur_off = off;
    t->cur_payload = p->payload;
    if (t->only_set && !is_only(t, p))
        return;
    t->st.tcp_packets++;
    if (ts > t->now)
        t->now = ts;
    bool syn = p->flags & TR_TCP_SYN, ack = p->flags & TR_TCP_ACK;
    enum tr_dir dir = TR_DIR_C2S;
    struct conn *c = table_find(t, p, &dir);
    if (c && syn && !ack && syn_starts_new(c, p, dir)) {
        if (!c->closed)
            end_conn(t, c, TR_CLOSE_END);
        table_remove(t, c);
        conn_free(c);
        c = NULL;
    }
    if (!c) {
        struct tomb **tomb = tomb_slot(t, p);
        if (tomb && t->now - (*tomb)->closed > LINGER_US) {
            tomb_unlink(tomb);  /* past its linger time: the tuple is free again */
            tomb = NULL;
        }
        if (tomb) {
            if (!(syn && !ack))
                return;  /* the last ACK, a stray copy: the connection is over */
            tomb_unlink(tomb);  /* a SYN: the tuple is used again */
        }
        c = conn_new(t, p, frame, ts, off, &dir);
    }
    lru_unlink(t, c);
    lru_append(t, c);
    c->pub.last_frame = frame;
    c->pub.last_ts = ts;

    /* the handshake's first two segments fix each side's sequence base */
    if (syn && !ack && dir == TR_DIR_C2S && !c->pub.syn_seen) {
        c->pub.syn_seen = true;
        c->pub.hs_frames[0] = frame;
        c->pub.hs_ts[0] = ts;
        c->pub.side[dir].opts = p->opts;
        if (!c->h[dir].started)  /* a side adopted before its SYN keeps its base */
            half_start(c, dir, p->seq + 1);
    } else if (syn && ack && dir == TR_DIR_S2C && !c->pub.synack_seen) {
        c->pub.synack_seen = true;
        c->pub.hs_frames[1] = frame;
        c->pub.hs_ts[1] = ts;
        c->pub.side[dir].opts = p->opts;
        c->synack_ack = p->ack;
        if (!c->h[dir].started)
            half_start(c, dir, p->seq + 1);
    }
    if (!c->h[dir].started && (p->len > 0 || (p->flags & TR_TCP_FIN)))
        half_start(c, dir, p->seq + (syn ? 1 : 0));  /* adopted without a SYN */
    if (!c->pub.handshake_done && c->pub.syn_seen && c->pub.synack_seen && dir == TR_DIR_C2S &&
        ack && !syn) {
        c->pub.handshake_done = true;
        c->pub.hs_frames[2] = frame;
        c->pub.hs_ts[2] = ts;
    }
    c->pub.side[dir].packets++;

    struct tr_seg seg;
    if (!c->announced) {
        /* a SYN fixes the roles; without one, the first payload (or FIN,
         * RST) decides; a SYN-ACK waits a little for its SYN, which a
         * capture sometimes shows after it */
        bool now = (syn && !ack) || p->len > 0 || (p->flags & (TR_TCP_FIN | TR_TCP_RST));
        if (!now && c->npending < PENDING_MAX) {
            if (!c->pending)
                c->pending = xreallocarray(NULL, PENDING_MAX, sizeof *c->pending);
            seg_fill(c, dir, p, frame, ts, off, &c->pending[c->npending++]);
            return;
        }
        if (!c->roles_certain && p->caplen > 0 && t->sink.classify) {
            enum tr_role_hint hint = t->sink.classify(t->sink.ctx, p->payload, p->caplen);
            if ((hint == TR_ROLE_CLIENT && dir == TR_DIR_S2C) ||
                (hint == TR_ROLE_SERVER && dir == TR_DIR_C2S)) {
                swap_roles(c);
                dir = dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
            }
        }
        announce(t, c);
    }
    seg_fill(c, dir, p, frame, ts, off, &seg);

    /* notes about the segment come after it, data events after the notes */
    uint32_t dseq = p->seq + (syn ? 1 : 0);
    struct half *h = &c->h[dir];
    bool data_now = p->len > 0 && !(p->flags & TR_TCP_RST);
    enum seg_class cls = data_now ? seg_classify(c, dir, dseq, p->len, ts) : SEG_NEW;
    seg.retransmission = cls == SEG_RETRANS || cls == SEG_REFILL;
    seg.out_of_order = cls == SEG_REORDERED;
    if (t->sink.on_segment)
        t->sink.on_segment(t->sink.ctx, &c->pub, &seg);
    if (c->pub.handshake_done || (data_now && c->pub.syn_seen))
        report_handshake(t, c);
    if (p->caplen < p->len && !(p->flags & TR_TCP_RST))
        note(t, c, frame, TR_NOTE_TRUNCATED,
             "the snaplen cut this segment: %u of its %u payload bytes were captured", p->caplen,
             p->len);

    if (p->flags & TR_TCP_RST) {
        if (!c->pub.side[dir].rst_frame)
            c->pub.side[dir].rst_frame = frame;
        note_first_close(c, dir, true, frame, ts);
        end_conn(t, c, TR_CLOSE_RST);
        bury(t, c);
        return;
    }
    if (data_now)
        segment_data(t, c, dir, dseq, p->payload, p->len, p->caplen, frame, ts, cls);
    if (p->flags & TR_TCP_FIN) {
        if (!h->fin_seen) {
            h->fin_seen = true;
            h->fin_seq = dseq + p->len;
            drop_from(c, h, h->fin_seq);
            h->fin_frame = frame;
            h->fin_ts = ts;
            c->pub.side[dir].fin_frame = frame;
        }
        note_first_close(c, dir, false, frame, ts);
        maybe_fin(t, c, dir);
    }
    enum tr_dir pd = dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
    struct half *peer = &c->h[pd];
    if (ack && peer->started) {
        if (!peer->ack_valid || seq_gt(p->ack, peer->peer_ack)) {
            peer->peer_ack = p->ack;
            peer->ack_valid = true;
        }
        check_acked(t, c, pd, frame, ts);
    }
    if (c->h[0].fin_done && c->h[1].fin_done)
        close_conn(t, c, TR_CLOSE_FIN);
    if (c->closed)
        bury(t, c);
}

void tr_table_frame(struct tr_table *t, const struct tr_frame *f)
{
    struct tr_packet p;
    char whybuf[TR_ERRBUF_SIZE];
    const char *why;
    t->st.frames++;
    t->st.bytes += f->caplen;
    switch (tr_packet_decode(f->linktype, f->data, f->caplen, &p, whybuf, &why)) {
    case TR_PKT_TCP:
        tr_table_packet(t, &p, f->num, f->ts, f->file_offset);
        break;
    case TR_PKT_OTHER:
        break;
    case TR_PKT_TRUNCATED:
        note(t, NULL, f->num, TR_NOTE_TRUNCATED, "%s", why);
        break;
    case TR_PKT_FRAGMENT:
        note(t, NULL, f->num, TR_NOTE_FRAGMENT, "%s", why);
        break;
    case TR_PKT_MALFORMED:
    case TR_PKT_UNSUPPORTED:
        note(t, NULL, f->num, TR_NOTE_MALFORMED_PACKET, "%s", why);
        break;
    }
}

void tr_table_finish(struct tr_table *t)
{
    for (struct conn *c = t->lru_head; c; c = c->lru_next)
        if (!c->closed)
            end_conn(t, c, TR_CLOSE_END);
}
