/* dnsflow.c - step 0, the DNS lookup (issue 17): DNS messages out of UDP
 * datagrams and DNS-over-TCP streams, each query paired with its response,
 * each lookup written as a `dns` line (../shared/spec/transcript.md version
 * 2), and the addresses the answers gave, for conn.dns
 *
 * Pairing (RFC 5452 9.1): a response answers the query with the same
 * endpoints, ID and question. A query sent again with the same ID to the
 * same server (a resolver library's retransmission) stays one lookup, timed
 * from its first copy, as tshark's dns.response_to pairs it. The same
 * question from the same client to another server while the first is still
 * unanswered is a retry (dec_dns_line.retry).
 *
 * Order: a lookup is written when its response arrives, in capture order;
 * lookups never answered are written at the end (dec_finish), in the order
 * they were asked, or earlier when more than DNSF_MAX_PENDING are waiting
 * (the oldest first), so a long live capture holds a bounded table.
 *
 * conn.dns: every answered lookup records the addresses its CNAME chain
 * reaches (dec_dns_chain_addrs), each with the lookup's query and response
 * frames; a connection takes the latest lookup whose response came before
 * its first packet and whose answers hold its server's address.
 */
#include "decode_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DNSF_BUCKETS 1024          /* pending lookups' hash buckets (a power of 2) */
#define DNSF_MAX_PENDING 4096      /* lookups waiting for an answer */
#define DNSF_MAX_NOTES 100         /* malformed_dns notes, then one limit note */
#define DNSF_ADDR_HISTORY 4        /* lookups remembered per address */
#define DNSF_MAX_ADDRS (1u << 12)  /* addresses remembered; past it the map starts over */

struct dnsf_pend {
    struct dnsf_pend *hnext;       /* bucket chain */
    struct dnsf_pend *prev, *next; /* the order they were asked */
    struct dec_dns_key key;
    uint32_t bucket;
    struct dec_dns_line *line;     /* one reference */
};

/* one address: the lookups that gave it (newest last, a reference each) */
struct dnsf_addr {
    struct tr_addr addr;           /* family 0: a free slot */
    uint8_t n;
    const struct dec_dns_line *by[DNSF_ADDR_HISTORY];
};

struct dns_flow {
    struct dec_decoder *d;
    struct dec_dns_msg *msg;       /* the one message under parse */
    struct dnsf_pend *bucket[DNSF_BUCKETS];
    struct dnsf_pend *head, *tail;
    size_t npending;
    uint64_t malformed;            /* malformed_dns notes written */
    uint64_t first_query;          /* the frame of the first query seen, 0: none */
    struct dnsf_addr *addrs;       /* open addressing */
    size_t naddrs, acap;
};

static void addr_clear(struct dns_flow *f);

struct dns_flow *dec_dnsflow_new(struct dec_decoder *d)
{
    struct dns_flow *f = tr_xcalloc(1, sizeof *f);
    f->d = d;
    f->msg = tr_xmalloc(sizeof *f->msg);
    return f;
}

static void pend_unlink(struct dns_flow *f, struct dnsf_pend *p)
{
    struct dnsf_pend **pp = &f->bucket[p->bucket];
    while (*pp != p)
        pp = &(*pp)->hnext;
    *pp = p->hnext;
    if (p->prev)
        p->prev->next = p->next;
    else
        f->head = p->next;
    if (p->next)
        p->next->prev = p->prev;
    else
        f->tail = p->prev;
    f->npending--;
}

void dec_dnsflow_free(struct dns_flow *f)
{
    if (!f)
        return;
    while (f->head) {
        struct dnsf_pend *p = f->head;
        pend_unlink(f, p);
        dec_dns_line_unref(p->line);
        free(p);
    }
    addr_clear(f);
    free(f->addrs);
    free(f->msg);
    free(f);
}

/* ---------------------------------------------------------- addresses -- */

static uint32_t addr_hash(const struct tr_addr *a)
{
    uint32_t h = 2166136261u ^ a->family;
    for (int i = 0; i < (a->family == 6 ? 16 : 4); i++)
        h = (h ^ a->a[i]) * 16777619u;
    return h;
}

static struct dnsf_addr *addr_slot(struct dnsf_addr *t, size_t cap, const struct tr_addr *a)
{
    size_t i = addr_hash(a) & (cap - 1);
    while (t[i].addr.family && !tr_addr_equal(&t[i].addr, a))
        i = (i + 1) & (cap - 1);
    return &t[i];
}

static void addr_clear(struct dns_flow *f)
{
    for (size_t i = 0; i < f->acap; i++)
        for (unsigned k = 0; k < f->addrs[i].n; k++)
            dec_dns_line_unref(f->addrs[i].by[k]);
    if (f->addrs)
        memset(f->addrs, 0, f->acap * sizeof *f->addrs);
    f->naddrs = 0;
}

static void addr_grow(struct dns_flow *f)
{
    size_t cap = f->acap ? f->acap * 2 : 256;
    if (cap > 2 * DNSF_MAX_ADDRS) {  /* full: forget every address, start over */
        addr_clear(f);
        return;
    }
    struct dnsf_addr *t = tr_xcalloc(cap, sizeof *t);
    for (size_t i = 0; i < f->acap; i++)
        if (f->addrs[i].addr.family)
            *addr_slot(t, cap, &f->addrs[i].addr) = f->addrs[i];
    free(f->addrs);
    f->addrs = t;
    f->acap = cap;
}

static void addr_remember(struct dns_flow *f, const struct tr_addr *a,
                          const struct dec_dns_line *l)
{
    if ((f->naddrs + 1) * 2 > f->acap)
        addr_grow(f);
    struct dnsf_addr *s = addr_slot(f->addrs, f->acap, a);
    if (!s->addr.family) {
        s->addr = *a;
        f->naddrs++;
    }
    if (s->n > 0 && s->by[s->n - 1] == l)
        return;  /* the chain gave this address twice */
    if (s->n == DNSF_ADDR_HISTORY) {
        dec_dns_line_unref(s->by[0]);
        memmove(&s->by[0], &s->by[1], (DNSF_ADDR_HISTORY - 1) * sizeof s->by[0]);
        s->n--;
    }
    s->by[s->n++] = dec_dns_line_ref(l);
}

const struct dec_dns_line *dec_dnsflow_link(const struct dns_flow *f, const struct tr_addr *server,
                                        uint64_t first_frame, bool *seen)
{
    *seen = f->first_query && f->first_query < first_frame;
    if (!f->naddrs)
        return NULL;
    const struct dnsf_addr *s = addr_slot(f->addrs, f->acap, server);
    const struct dec_dns_line *best = NULL;
    for (unsigned i = 0; s->addr.family && i < s->n; i++)
        if (s->by[i]->response_frame < first_frame && (!best || s->by[i]->frame > best->frame))
            best = s->by[i];
    return best;
}

/* ------------------------------------------------------------ lookups -- */

static uint32_t question_bucket(const struct dec_dns_key *k)
{
    uint32_t h = addr_hash(&k->client.addr);
    h = (h ^ (k->qtype & 0xff)) * 16777619u;
    h = (h ^ (k->qtype >> 8)) * 16777619u;
    for (size_t i = 0; i < k->qname_len; i++)
        h = (h ^ k->qname[i]) * 16777619u;
    return h & (DNSF_BUCKETS - 1);
}

static bool same_question(const struct dec_dns_key *a, const struct dec_dns_key *b)
{
    return a->qtype == b->qtype && a->qclass == b->qclass && a->qname_len == b->qname_len &&
           memcmp(a->qname, b->qname, a->qname_len) == 0 &&
           tr_addr_equal(&a->client.addr, &b->client.addr);
}

static void write_line(struct dns_flow *f, const struct dec_dns_line *l)
{
    struct dec_decoder *d = f->d;
    d->st.dns++;
    if (d->sink.on_dns)
        d->sink.on_dns(d->sink.ctx, l);
}

static void pend_flush(struct dns_flow *f, struct dnsf_pend *p)
{
    pend_unlink(f, p);
    write_line(f, p->line);
    dec_dns_line_unref(p->line);
    free(p);
}

static void copy_text(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

static void on_query(struct dns_flow *f, const struct dec_dns_msg *m, const struct dec_dns_key *k,
                     bool tcp, uint64_t frame, tr_time ts)
{
    uint32_t b = question_bucket(k);
    bool retry = false;
    if (!f->first_query)
        f->first_query = frame;
    for (struct dnsf_pend *p = f->bucket[b]; p; p = p->hnext) {
        if (dec_dns_key_equal(&p->key, k))
            return;  /* the same query again: one lookup, timed from its first copy */
        if (same_question(&p->key, k) && !tr_addr_equal(&p->key.server.addr, &k->server.addr))
            retry = true;
    }
    if (f->npending >= DNSF_MAX_PENDING)
        pend_flush(f, f->head);
    struct dec_dns_line *l = tr_xcalloc(1, sizeof *l);
    char tbuf[DEC_DNS_TYPESTRLEN];
    l->refs = 1;
    l->frame = frame;
    l->ts = ts;
    l->client = k->client;
    l->server = k->server;
    l->tcp = tcp;
    l->id = m->id;
    copy_text(l->name, sizeof l->name, dec_dns_text(m, m->q[0].name));
    copy_text(l->qtype, sizeof l->qtype, dec_dns_type_name(m->q[0].type, tbuf));
    l->retry = retry;
    struct dnsf_pend *p = tr_xcalloc(1, sizeof *p);
    p->key = *k;
    p->bucket = b;
    p->line = l;
    p->hnext = f->bucket[b];
    f->bucket[b] = p;
    p->prev = f->tail;
    if (f->tail)
        f->tail->next = p;
    else
        f->head = p;
    f->tail = p;
    f->npending++;
}

static void on_response(struct dns_flow *f, const struct dec_dns_msg *m,
                        const struct dec_dns_key *k, uint64_t frame, tr_time ts)
{
    struct dnsf_pend *p = f->bucket[question_bucket(k)];
    while (p && !dec_dns_key_equal(&p->key, k))
        p = p->hnext;
    if (!p)
        return;  /* its query was not captured: a dns line is a query's */
    struct dec_dns_line *l = p->line;
    char tbuf[DEC_DNS_TYPESTRLEN];
    l->answered = true;
    copy_text(l->rcode, sizeof l->rcode, dec_dns_rcode_name(m->rcode, tbuf));
    l->truncated = m->tc;
    l->response_frame = frame;
    l->response_ts = ts;
    size_t n = 0;
    for (size_t i = 0; i < m->nrr; i++) {
        const struct dec_dns_rr *r = &m->rr[i];
        n += r->section == DEC_DNS_ANSWER &&
             (r->type == DEC_DNS_T_A || r->type == DEC_DNS_T_AAAA || r->type == DEC_DNS_T_CNAME) &&
             r->data != DEC_DNS_NOTEXT;
    }
    struct dec_dns_answer *a = n ? tr_xreallocarray(NULL, n, sizeof *a) : NULL;
    n = 0;
    for (size_t i = 0; i < m->nrr; i++) {
        const struct dec_dns_rr *r = &m->rr[i];
        if (r->section != DEC_DNS_ANSWER || r->data == DEC_DNS_NOTEXT ||
            !(r->type == DEC_DNS_T_A || r->type == DEC_DNS_T_AAAA || r->type == DEC_DNS_T_CNAME))
            continue;
        copy_text(a[n].type, sizeof a[n].type, dec_dns_type_name(r->type, tbuf));
        copy_text(a[n].data, sizeof a[n].data, dec_dns_text(m, r->data));
        a[n].ttl = r->ttl;
        n++;
    }
    l->answers = a;
    l->nanswers = n;
    struct tr_addr found[DEC_DNS_MAX_RRS];
    size_t nf = dec_dns_chain_addrs(m, found, DEC_DNS_MAX_RRS, NULL);
    for (size_t i = 0; i < nf && i < DEC_DNS_MAX_RRS; i++)
        addr_remember(f, &found[i], l);
    pend_flush(f, p);
}

static void malformed(struct dns_flow *f, const struct tr_endpoint *src,
                      const struct tr_endpoint *dst, bool tcp, uint64_t frame, const char *why)
{
    struct dec_decoder *d = f->d;
    if (f->malformed > DNSF_MAX_NOTES)
        return;
    enum dec_note_kind kind = DEC_NOTE_MALFORMED_DNS;
    char detail[320], s[TR_ADDRSTRLEN], t[TR_ADDRSTRLEN];
    if (f->malformed++ == DNSF_MAX_NOTES) {
        kind = DEC_NOTE_LIMIT;
        snprintf(detail, sizeof detail,
                 "more than %d malformed DNS messages: the others are not noted", DNSF_MAX_NOTES);
    } else {
        snprintf(detail, sizeof detail, "DNS message over %s from %s port %u to %s port %u: %s",
                 tcp ? "TCP" : "UDP", tr_addr_format(&src->addr, s), src->port,
                 tr_addr_format(&dst->addr, t), dst->port, why);
    }
    d->st.notes++;
    d->st.notes_by_kind[kind]++;
    if (!d->sink.on_note)
        return;
    struct dec_note *n = dec_note_new(kind, 0, frame, detail, (struct dec_str){NULL, 0}, NULL);
    d->sink.on_note(d->sink.ctx, NULL, n);
    dec_note_unref(n);
}

/* One DNS message from src to dst. `whole`: the bytes are all the message
 * had (a snaplen cut is not the sender's fault). */
static void on_message(struct dns_flow *f, const uint8_t *p, size_t n, bool whole,
                       const struct tr_endpoint *src, const struct tr_endpoint *dst, bool tcp,
                       uint64_t frame, tr_time ts)
{
    struct dec_dns_msg *m = f->msg;
    int rc = dec_dns_parse(p, n, m);
    if (rc == DEC_INVALID || (rc == DEC_INCOMPLETE && whole))
        malformed(f, src, dst, tcp, frame,
                  m->error[0] ? m->error : "the message ends before its header");
    /* what was read before an error still pairs: shown as it is */
    if (!m->header || m->nq == 0 || m->qname_len == 0)
        return;
    struct dec_dns_key k;
    dec_dns_key_make(m, src, dst, &k);
    if (m->qr)
        on_response(f, m, &k, frame, ts);
    else
        on_query(f, m, &k, tcp, frame, ts);
}

void dec_dnsflow_datagram(void *ctx, const struct tr_datagram *g)
{
    struct dec_decoder *d = ctx;
    on_message(d->dns, g->payload, g->caplen, g->caplen >= g->len, &g->src, &g->dst, false,
               g->frame, g->ts);
}

void dec_dnsflow_finish(struct dns_flow *f)
{
    while (f->head)
        pend_flush(f, f->head);
}

/* ---------------------------------------------------------------- TCP -- */

struct dnsf_tcp {
    struct dec_dns_tcp dir[2];
};

struct dnsf_tcp *dec_dnsflow_tcp_new(void)
{
    return tr_xcalloc(1, sizeof(struct dnsf_tcp));
}

void dec_dnsflow_tcp_free(struct dnsf_tcp *t)
{
    if (!t)
        return;
    dec_dns_tcp_done(&t->dir[0]);
    dec_dns_tcp_done(&t->dir[1]);
    free(t);
}

void dec_dnsflow_tcp_data(struct dns_flow *f, struct dnsf_tcp *t, const struct tr_conn *tc,
                      enum tr_dir dir, uint64_t off, const uint8_t *data, size_t len,
                      uint64_t frame, tr_time ts)
{
    struct dec_dns_tcp *s = &t->dir[dir];
    if (off > s->offset)
        dec_dns_tcp_gap(s, off - s->offset);
    const struct tr_endpoint *src = dir == TR_DIR_C2S ? &tc->client : &tc->server;
    const struct tr_endpoint *dst = dir == TR_DIR_C2S ? &tc->server : &tc->client;
    while (len > 0) {
        size_t used = 0;
        struct dec_dns_tcp_msg msg;
        bool whole = dec_dns_tcp_feed(s, data, len, &used, &msg);
        if (whole)
            on_message(f, msg.msg, msg.len, true, src, dst, true, frame, ts);
        data += used;
        len -= used;
        if (!whole)
            break;
    }
}

void dec_dnsflow_tcp_gap(struct dnsf_tcp *t, enum tr_dir dir, uint64_t len)
{
    dec_dns_tcp_gap(&t->dir[dir], len);
}
