/* fuzz_dns.c - the DNS message parser (dec_dns_parse), its pairing key and
 * CNAME chain helpers, and DNS over TCP's framing (dec_dns_tcp_*)
 *
 * Input: byte 0: bits 0-1 the size of the pieces the rest is fed to the TCP
 * framing in {1, 2, 7, all}; bits 2-3 gaps {none, none, after the first
 * piece, after the first and the second}, bits 4-7 their length - 1. The
 * rest is parsed as
 * one message (a UDP datagram), and as a TCP stream: each message the
 * framing gives is parsed too. Without a gap the framing must give the same
 * messages however the stream is cut. Then the decoder's pairing
 * (decode/dnsflow.c) reads it as a query (QR cleared) from a client and as
 * its response (QR set) from the resolver: a message whose question was
 * read gives one dns line, answered by the second datagram.
 */
#include "fuzz_common.h"

/* every text reference lies in the arena, is NUL-terminated there and
 * printable (labels are escaped) */
static void check_text(const struct dec_dns_msg *m, uint16_t ref, bool may_be_none)
{
    if (ref == DEC_DNS_NOTEXT) {
        FZ_CHECK(may_be_none, "a text missing");
        return;
    }
    FZ_CHECK(ref < m->arena_used, "text at %u past the arena's %zu bytes", ref, m->arena_used);
    const char *s = m->arena + ref;
    size_t n = strnlen(s, m->arena_used - ref);
    FZ_CHECK(n < m->arena_used - ref, "text at %u not terminated", ref);
    FZ_CHECK(n > 0 && n < DEC_DNS_NAMESTRLEN, "text of %zu bytes", n);
    for (size_t i = 0; i < n; i++)
        FZ_CHECK(s[i] > 0x20 && s[i] < 0x7f, "byte 0x%02x in a text", (unsigned char)s[i]);
}

static void check_msg(const uint8_t *p, size_t n, int rc, const struct dec_dns_msg *m)
{
    FZ_CHECK(rc == DEC_INCOMPLETE || rc == DEC_INVALID || (rc >= 12 && (size_t)rc <= n), "rc %d",
             rc);
    FZ_CHECK(memchr(m->error, '\0', sizeof m->error) != NULL, "error not terminated");
    if (rc >= 0) {
        FZ_CHECK(m->complete && m->header && m->error[0] == '\0', "success without completion");
        FZ_CHECK(m->length == (size_t)rc, "length %zu, rc %d", m->length, rc);
        for (int s = 0; s < 4; s++)
            FZ_CHECK(m->parsed[s] == m->count[s], "section %d: %u of %u", s, m->parsed[s],
                     m->count[s]);
    } else {
        FZ_CHECK(!m->complete && m->error[0] != '\0', "failure without an error");
        FZ_CHECK(n <= 65535 || !m->header, "header of an oversized message");
        FZ_CHECK(m->header == (n >= 12 && n <= 65535), "header %d for %zu bytes", m->header, n);
    }
    FZ_CHECK(m->arena_used <= DEC_DNS_ARENA, "arena %zu", m->arena_used);
    FZ_CHECK(m->nq <= DEC_DNS_MAX_QUESTIONS && m->nq <= m->parsed[0], "%zu questions", m->nq);
    FZ_CHECK(m->nrr <= DEC_DNS_MAX_RRS &&
                 m->nrr <= (size_t)m->parsed[1] + m->parsed[2] + m->parsed[3],
             "%zu records", m->nrr);
    FZ_CHECK(m->qname_len <= DEC_DNS_NAME_MAX, "qname of %u octets", m->qname_len);
    if (m->qname_len > 0) {  /* a wire name: labels, then the root, filling it */
        size_t i = 0;
        while (i < m->qname_len && m->qname[i] != 0)
            i += 1 + (size_t)m->qname[i];
        FZ_CHECK(i + 1 == m->qname_len, "qname labels end at %zu of %u", i, m->qname_len);
    }
    for (size_t i = 0; i < m->nq; i++)
        check_text(m, m->q[i].name, false);
    for (size_t i = 0; i < m->nrr; i++) {
        const struct dec_dns_rr *r = &m->rr[i];
        FZ_CHECK(r->section >= DEC_DNS_ANSWER && r->section <= DEC_DNS_ADDITIONAL, "section %d",
                 (int)r->section);
        FZ_CHECK(r->index >= 1 && r->index <= m->count[r->section], "index %u", r->index);
        FZ_CHECK(r->rdata_off <= n && r->rdlength <= n - r->rdata_off, "RDATA %u+%u past %zu",
                 r->rdata_off, r->rdlength, n);
        check_text(m, r->name, false);
        bool addr = r->type == DEC_DNS_T_A || r->type == DEC_DNS_T_AAAA;
        bool name = r->type == DEC_DNS_T_CNAME || r->type == DEC_DNS_T_NS ||
                    r->type == DEC_DNS_T_PTR || r->type == DEC_DNS_T_DNAME;
        check_text(m, r->data, !addr && !name);
        FZ_CHECK(addr == (r->addr.family != 0), "type %u with address family %u", r->type,
                 r->addr.family);
        if (addr)
            FZ_CHECK(memcmp(r->addr.a, p + r->rdata_off, r->addr.family == 4 ? 4 : 16) == 0,
                     "address not the RDATA's");
    }
    FZ_CHECK(!m->edns || m->nopt > 0, "edns without OPT");
}

static void helpers(const struct dec_dns_msg *m)
{
    char nb[DEC_DNS_TYPESTRLEN];
    FZ_CHECK(strlen(dec_dns_rcode_name(m->rcode, nb)) < sizeof nb, "rcode name");
    FZ_CHECK(strlen(dec_dns_opcode_name(m->opcode, nb)) < sizeof nb, "opcode name");
    for (size_t i = 0; i < m->nq; i++)
        FZ_CHECK(strlen(dec_dns_type_name(m->q[i].type, nb)) < sizeof nb, "type name");
    for (size_t i = 0; i < m->nrr; i++)
        FZ_CHECK(strlen(dec_dns_type_name(m->rr[i].type, nb)) < sizeof nb &&
                     strcmp(dec_dns_section_name(m->rr[i].section), "?") != 0,
                 "type or section name");
    static const struct tr_endpoint a = {{4, {10, 0, 0, 2}}, 40000};
    static const struct tr_endpoint b = {{6, {0xfd, [15] = 1}}, 53};
    struct dec_dns_key k1, k2;
    dec_dns_key_make(m, &a, &b, &k1);
    dec_dns_key_make(m, &a, &b, &k2);
    FZ_CHECK(dec_dns_key_equal(&k1, &k2) && dec_dns_key_hash(&k1) == dec_dns_key_hash(&k2),
             "keys of one message differ");
    FZ_CHECK(k1.qname_len <= DEC_DNS_NAME_MAX, "key qname %u", k1.qname_len);
    struct tr_addr addrs[4];
    uint16_t canon;
    size_t n = dec_dns_chain_addrs(m, addrs, 4, &canon);
    FZ_CHECK(n <= m->nrr, "%zu chain addresses of %zu records", n, m->nrr);
    FZ_CHECK((canon == DEC_DNS_NOTEXT) == (m->nq == 0), "canonical name");
    if (canon != DEC_DNS_NOTEXT)
        check_text(m, canon, false);
    for (size_t i = 0; i < n && i < 4; i++)
        FZ_CHECK(dec_dns_answers_hold(m, &addrs[i]), "chain address %zu not held", i);
}

static struct dec_dns_msg msg, again;

static void parse(const uint8_t *data, size_t n)
{
    uint8_t *p = fz_dup(data, n);  /* exact size: an over-read is an ASan report */
    int rc = dec_dns_parse(p, n, &msg);
    check_msg(p, n, rc, &msg);
    /* the same bytes read again give the same result, in every field */
    int rc2 = dec_dns_parse(p, n, &again);
    FZ_CHECK(rc == rc2 && memcmp(&msg, &again, offsetof(struct dec_dns_msg, arena)) == 0 &&
                 memcmp(msg.arena, again.arena, msg.arena_used) == 0,
             "two readings differ");
    /* a whole message, cut to what it used, reads the same */
    if (rc > 0 && (size_t)rc < n) {
        rc2 = dec_dns_parse(p, (size_t)rc, &again);
        FZ_CHECK(rc2 == rc && again.nrr == msg.nrr, "the message alone: rc %d, was %d", rc2, rc);
    }
    if (msg.header)
        helpers(&msg);
    free(p);
}

#define MAX_MSGS 64

struct got {
    size_t n;
    uint64_t start[MAX_MSGS], end[MAX_MSGS];
    uint32_t sum[MAX_MSGS];
};

static uint32_t sum_of(const uint8_t *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static void take(struct dec_dns_tcp *t, const uint8_t *p, size_t n, struct got *g)
{
    while (n > 0) {
        size_t used = 0;
        struct dec_dns_tcp_msg mm;
        bool whole = dec_dns_tcp_feed(t, p, n, &used, &mm);
        FZ_CHECK(used <= n && (whole || used == n), "used %zu of %zu", used, n);
        FZ_CHECK(whole || used > 0, "no progress");
        if (whole) {
            FZ_CHECK(mm.end == mm.start + 2 + mm.len, "message %llu..%llu of %zu bytes",
                     (unsigned long long)mm.start, (unsigned long long)mm.end, mm.len);
            FZ_CHECK(mm.end <= t->offset, "message past the stream offset");
            if (g->n < MAX_MSGS) {
                g->start[g->n] = mm.start;
                g->end[g->n] = mm.end;
                g->sum[g->n] = sum_of(mm.msg, mm.len);
            }
            g->n++;
            parse(mm.msg, mm.len);
        }
        p += used;
        n -= used;
    }
}

struct lines {
    size_t n;
};

static void on_line(void *ctx, const struct dec_dns_line *d)
{
    struct lines *l = ctx;
    l->n++;
    FZ_CHECK(memchr(d->name, '\0', sizeof d->name) && memchr(d->qtype, '\0', sizeof d->qtype),
             "a dns line's text not terminated");
    FZ_CHECK(d->frame == 1, "a dns line of frame %llu", (unsigned long long)d->frame);
    FZ_CHECK(!d->answered || (d->response_frame == 2 && d->rcode[0]), "answered by frame %llu",
             (unsigned long long)d->response_frame);
    FZ_CHECK(d->nanswers <= DEC_DNS_MAX_RRS && (d->nanswers == 0 || d->answers),
             "%zu answers", d->nanswers);
    for (size_t i = 0; i < d->nanswers; i++)
        FZ_CHECK(memchr(d->answers[i].data, '\0', sizeof d->answers[i].data) != NULL,
                 "answer %zu not terminated", i);
}

static void flow(const uint8_t *p, size_t n)
{
    struct lines got = {0};
    struct dec_sink ds = {.ctx = &got, .on_dns = on_line};
    struct dec_opts o = {.detect = true};
    struct dec_decoder *d = dec_new(&o, &ds);
    struct tr_sink ts;
    dec_tracer_sink(d, &ts);
    uint8_t *copy = fz_dup(p, n);
    struct tr_datagram g = {.payload = copy, .caplen = (uint32_t)n, .len = (uint32_t)n,
                            .frame = 1, .ts = 1000, .file_offset = -1, .tunnel = ""};
    g.src.addr.family = g.dst.addr.family = 4;
    g.src.addr.a[0] = 10, g.src.addr.a[3] = 2, g.src.port = 40001;
    g.dst.addr.a[0] = 10, g.dst.addr.a[3] = 53, g.dst.port = 53;
    if (n > 2)
        copy[2] &= 0x7f;  /* a query */
    ts.on_datagram(ts.ctx, &g);
    struct tr_endpoint e = g.src;
    g.src = g.dst;
    g.dst = e;
    g.frame = 2;
    g.ts = 2000;
    if (n > 2)
        copy[2] |= 0x80;  /* its response */
    ts.on_datagram(ts.ctx, &g);
    dec_finish(d);
    struct dec_stats st;
    dec_stats(d, &st);
    FZ_CHECK(st.dns == got.n && got.n <= 1, "%zu dns lines, stats %llu", got.n,
             (unsigned long long)st.dns);
    dec_free(d);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t pieces[4] = {1, 2, 7, SIZE_MAX};
    if (size < 1)
        return 0;
    uint8_t b = data[0];
    const uint8_t *rest = data + 1;
    size_t n = size - 1;
    parse(rest, n);
    if (n <= 65535)
        flow(rest, n);

    size_t piece = pieces[b & 3];
    int gap_at = (b >> 2) & 3;  /* 2: after piece 1, 3: after pieces 1 and 2 */
    uint64_t gap_len = (uint64_t)(b >> 4) + 1;
    struct dec_dns_tcp cut, whole;
    memset(&cut, 0, sizeof cut);
    memset(&whole, 0, sizeof whole);
    struct got gc = {0}, gw = {0};
    size_t off = 0;
    for (int k = 1; off < n; k++) {
        size_t len = piece < n - off ? piece : n - off;
        uint8_t *copy = fz_dup(rest + off, len);
        take(&cut, copy, len, &gc);
        free(copy);
        off += len;
        if ((gap_at == 2 && k == 1) || (gap_at == 3 && k <= 2)) {
            dec_dns_tcp_gap(&cut, gap_len);
            off += gap_len < n - off ? (size_t)gap_len : n - off;
        }
    }
    if (gap_at < 2) {
        uint8_t *copy = fz_dup(rest, n);
        take(&whole, copy, n, &gw);
        free(copy);
        FZ_CHECK(gc.n == gw.n, "%zu messages in pieces of %zu, %zu whole", gc.n, piece, gw.n);
        for (size_t i = 0; i < gc.n && i < MAX_MSGS; i++)
            FZ_CHECK(gc.start[i] == gw.start[i] && gc.end[i] == gw.end[i] &&
                         gc.sum[i] == gw.sum[i],
                     "message %zu differs when cut", i);
        FZ_CHECK(cut.offset == n && whole.offset == n, "offsets %llu, %llu of %zu",
                 (unsigned long long)cut.offset, (unsigned long long)whole.offset, n);
    }
    dec_dns_tcp_done(&cut);
    dec_dns_tcp_done(&whole);
    return 0;
}
