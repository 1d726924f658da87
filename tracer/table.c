/* table.c - the connection table: connections keyed by 4-tuple (a hash of
 * both endpoints, either direction), least-recently-active order and
 * eviction at the cap, the tombs of closed connections, the stats, and the
 * entry points that feed frames and segments to reassembly (tcp.c)
 */
#include "tracer.h"
#include "tracer_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINGER_US 10000000 /* a closed connection's tuple absorbs stray packets this long */

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

static const char *const note_names[] = {
#define X(id, name) name,
    TR_NOTE_LIST(X)
#undef X
};

const char *tr_note_name(enum tr_note_kind kind)
{
    return (unsigned)kind < TR_NOTE_COUNT ? note_names[kind] : "unknown";
}

/* ------------------------------------------------------------- hashing -- */

static uint64_t endpoint_hash(const struct tr_addr *a, uint16_t port)
{
    uint64_t w[2];
    memcpy(w, a->a, 16);
    return tr_mix64(w[0] ^ tr_mix64(w[1] ^ ((uint64_t)port << 8 | a->family)));
}

/* symmetric in the two endpoints */
static size_t tuple_hash(const struct tr_addr *sa, uint16_t sp, const struct tr_addr *da,
                         uint16_t dp)
{
    return (size_t)(endpoint_hash(sa, sp) + endpoint_hash(da, dp));
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

static bool port_in(const uint16_t *ports, size_t n, uint16_t port)
{
    for (size_t i = 0; i < n; i++)
        if (ports[i] == port)
            return true;
    return false;
}

/* a UDP port whose datagrams go to on_datagram (DNS: 53) */
static bool port_watched(const struct tr_table *t, uint16_t port)
{
    return port_in(t->udp_ports, t->nudp_ports, port);
}

static bool port_is_server(const struct tr_table *t, uint16_t port)
{
    return port_in(t->ports, t->nports, port);
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
    struct conn **nb = tr_xcalloc(n, sizeof *nb);
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
        t->tombs = tr_xcalloc(t->ntomb_buckets, sizeof *t->tombs);
    }
    if (t->ntombs >= t->ntomb_buckets) {  /* grow: rehash the live ones */
        size_t n = t->ntomb_buckets * 2;
        struct tomb **nb = tr_xcalloc(n, sizeof *nb);
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
    struct tomb *m = tr_xcalloc(1, sizeof *m);
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
    tr_tcp_conn_free(c);
}

struct tr_table *tr_table_new(const struct tr_table_opts *o, const struct tr_sink *sink)
{
    struct tr_table *t = tr_xcalloc(1, sizeof *t);
    t->sink = *sink;
    if (o->nserver_ports) {
        t->ports = tr_xreallocarray(NULL, o->nserver_ports, sizeof *t->ports);
        memcpy(t->ports, o->server_ports, o->nserver_ports * sizeof *t->ports);
        t->nports = o->nserver_ports;
    }
    t->only_ports = o->only_server_ports && t->nports > 0;
    static const uint16_t dns_port = TR_DEFAULT_UDP_PORT;
    const uint16_t *up = o->udp_ports ? o->udp_ports : &dns_port;
    t->nudp_ports = o->udp_ports ? o->nudp_ports : 1;
    t->udp_ports = tr_xreallocarray(NULL, t->nudp_ports ? t->nudp_ports : 1, sizeof *t->udp_ports);
    memcpy(t->udp_ports, up, t->nudp_ports * sizeof *t->udp_ports);
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
    t->buckets = tr_xcalloc(t->nbuckets, sizeof *t->buckets);
    return t;
}

void tr_table_free(struct tr_table *t)
{
    if (!t)
        return;
    struct conn *c = t->lru_head;
    while (c) {
        struct conn *n = c->lru_next;
        tr_tcp_conn_free(c);
        c = n;
    }
    for (struct tomb *m = t->tq_head, *next; m; m = next) {
        next = m->qnext;
        free(m);
    }
    free(t->tombs);
    free(t->buckets);
    free(t->ports);
    free(t->udp_ports);
    free(t);
}

void tr_table_stats(const struct tr_table *t, struct tr_stats *out)
{
    *out = t->st;
}

void tr_note(struct tr_table *t, struct conn *c, uint64_t frame, enum tr_note_kind kind,
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

static void evict_one(struct tr_table *t)
{
    struct conn *c = t->lru_head;
    if (!c)
        return;
    if (!c->closed) {
        if (!c->announced)  /* its note goes after on_conn, as every event */
            tr_tcp_announce(t, c);
        tr_note(t, c, c->pub.last_frame, TR_NOTE_LIMIT,
             "more than %zu connections at once: the least recently active one is no longer followed",
             t->max_conns);
        tr_tcp_end(t, c, TR_CLOSE_END);
    }
    table_remove(t, c);
    tr_tcp_conn_free(c);
}

/* Close the connections that waited TR_FIN_ACK_WAIT_US for the last ACK of
 * their close (tcp.c queues them): the ACK was not captured. */
static void finwait_expire(struct tr_table *t)
{
    struct conn *c;
    while ((c = t->fw_head) && t->now - c->fw_since > TR_FIN_ACK_WAIT_US) {
        tr_tcp_end(t, c, TR_CLOSE_FIN);  /* takes it off the queue */
        bury(t, c);
    }
}

void tr_table_tick(struct tr_table *t, tr_time now)
{
    if (now > t->now)
        t->now = now;
    finwait_expire(t);
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

    struct conn *c = tr_xcalloc(1, sizeof *c);
    c->pub.id = ++t->next_id;
    c->pub.first_frame = frame;
    c->pub.first_ts = ts;
    c->pub.first_file_offset = file_offset;
    c->pub.close_initiator = -1;
    tr_tunnel_format(p->tunnel, p->ntunnels, c->pub.tunnel);
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
    } else if (port_watched(t, p->dport) && !port_watched(t, p->sport)) {
        sender_is_client = true;   /* DNS over TCP: port 53 is the server's */
    } else if (port_watched(t, p->sport) && !port_watched(t, p->dport)) {
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

void tr_table_packet(struct tr_table *t, const struct tr_packet *p, uint64_t frame, tr_time ts,
                     int64_t off)
{
    if (t->only_ports && !port_is_server(t, p->sport) && !port_is_server(t, p->dport) &&
        !port_watched(t, p->sport) && !port_watched(t, p->dport))
        return;
    t->cur_off = off;
    t->cur_payload = p->payload;
    if (t->only_set && !is_only(t, p))
        return;
    t->st.tcp_packets++;
    if (p->ntunnels)
        t->st.tunnelled++;
    if (ts > t->now)
        t->now = ts;
    if (t->fw_head)
        finwait_expire(t);
    bool syn = p->flags & TR_TCP_SYN, ack = p->flags & TR_TCP_ACK;
    enum tr_dir dir = TR_DIR_C2S;
    struct conn *c = table_find(t, p, &dir);
    if (c && syn && !ack && tr_tcp_syn_starts_new(c, p, dir)) {
        if (!c->closed)
            tr_tcp_end(t, c, TR_CLOSE_END);
        table_remove(t, c);
        tr_tcp_conn_free(c);
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
    tr_tcp_segment(t, c, dir, p, frame, ts, off);
    if (c->closed)
        bury(t, c);
}

void tr_table_datagram(struct tr_table *t, const struct tr_packet *p, uint64_t frame, tr_time ts,
                       int64_t off)
{
    t->st.udp_packets++;
    if (ts > t->now)
        t->now = ts;
    if (t->only_set || (!port_watched(t, p->sport) && !port_watched(t, p->dport)))
        return;
    t->st.udp_delivered++;
    if (p->ntunnels)
        t->st.tunnelled++;
    if (!t->sink.on_datagram)
        return;
    char tun[TR_TUNNEL_STRLEN];
    struct tr_datagram d = {
        .src = {p->src, p->sport},
        .dst = {p->dst, p->dport},
        .payload = p->payload,
        .caplen = p->caplen,
        .len = p->len,
        .frame = frame,
        .ts = ts,
        .file_offset = off,
        .tunnel = tr_tunnel_format(p->tunnel, p->ntunnels, tun),
    };
    t->sink.on_datagram(t->sink.ctx, &d);
}

/* IPsec ESP: one note per flow (SPI and addresses), remembered in a small
 * direct-mapped cache: a flow pushed out by another may be noted again. */
static void esp_note(struct tr_table *t, const struct tr_packet *p, uint64_t frame)
{
    uint64_t w[4];
    memcpy(w, p->src.a, 16);
    memcpy(w + 2, p->dst.a, 16);
    uint64_t key = tr_mix64(w[0] ^ tr_mix64(w[1] ^ tr_mix64(w[2] ^ tr_mix64(w[3] ^ p->esp_spi))));
    key |= 1;  /* never 0, the empty slot */
    uint64_t *slot = &t->esp_noted[key % ESP_FLOWS];
    if (*slot == key)
        return;
    *slot = key;
    char a[TR_ADDRSTRLEN], b[TR_ADDRSTRLEN];
    tr_note(t, NULL, frame, TR_NOTE_IPSEC_ENCRYPTED,
            "IPsec ESP from %s to %s (SPI 0x%08x): encrypted, not read", tr_addr_format(&p->src, a),
            tr_addr_format(&p->dst, b), p->esp_spi);
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
    case TR_PKT_UDP:
        tr_table_datagram(t, &p, f->num, f->ts, f->file_offset);
        break;
    case TR_PKT_ESP:
        esp_note(t, &p, f->num);
        break;
    case TR_PKT_TOO_DEEP:
        tr_note(t, NULL, f->num, TR_NOTE_LIMIT, "%s", why);
        break;
    case TR_PKT_OTHER:
        break;
    case TR_PKT_TRUNCATED:
        tr_note(t, NULL, f->num, TR_NOTE_TRUNCATED, "%s", why);
        break;
    case TR_PKT_FRAGMENT:
        tr_note(t, NULL, f->num, TR_NOTE_FRAGMENT, "%s", why);
        break;
    case TR_PKT_MALFORMED:
    case TR_PKT_UNSUPPORTED:
        tr_note(t, NULL, f->num, TR_NOTE_MALFORMED_PACKET, "%s", why);
        break;
    }
}

void tr_table_finish(struct tr_table *t)
{
    for (struct conn *c = t->lru_head; c; c = c->lru_next)
        if (!c->closed)
            tr_tcp_end(t, c, TR_CLOSE_END);
}

