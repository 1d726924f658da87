/* test_dnsflow.c - step 0 in the decoder (decode/dnsflow.c): queries and
 * responses fed as the tracer's datagrams and DNS-over-TCP streams, the
 * dns lines, conn.dns and notes recorded as text
 *
 * The edge cases of pairing: a retransmission (one lookup), a retry to a
 * second server (two, the first never answered and written at the end), a
 * response whose ID, port or question differs (no line), NXDOMAIN, a CNAME
 * chain and an address outside it, the TC bit, a response after the
 * connection's first packet (no link), the latest of two lookups, DNS over
 * TCP split at every byte, malformed datagrams (one note each, then one
 * limit note), and the bounded table of lookups waiting for an answer.
 */
#include "testutil.h"
#include "dnsbuild.h"

/* ------------------------------------------------------------ recording -- */

struct rec {
    struct tlog log;
    unsigned notes;
};

static void r_dns(void *ctx, const struct dec_dns_line *d)
{
    struct rec *r = ctx;
    char c[TR_ADDRSTRLEN], s[TR_ADDRSTRLEN];
    tlog_add(&r->log, "dns f%llu %s %s:%u>%s:%u id=%u %s %s", (unsigned long long)d->frame,
             d->tcp ? "tcp" : "udp", tr_addr_format(&d->client.addr, c), d->client.port,
             tr_addr_format(&d->server.addr, s), d->server.port, d->id, d->name, d->qtype);
    if (d->answered) {
        tlog_add(&r->log, " %s f%llu rtt=%lld", d->rcode, (unsigned long long)d->response_frame,
                 (long long)(d->response_ts - d->ts));
        for (size_t i = 0; i < d->nanswers; i++)
            tlog_add(&r->log, " %s=%s/%u", d->answers[i].type, d->answers[i].data,
                     d->answers[i].ttl);
    } else {
        tlog_add(&r->log, " unanswered");
    }
    if (d->truncated)
        tlog_add(&r->log, " TC");
    if (d->retry)
        tlog_add(&r->log, " retry");
    tlog_add(&r->log, "\n");
}

static void r_conn(void *ctx, struct dec_conn *c)
{
    struct rec *r = ctx;
    tlog_add(&r->log, "conn %llu dns=%llu\n", (unsigned long long)c->id,
             (unsigned long long)c->dns_frame);
}

static void r_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    struct rec *r = ctx;
    r->notes++;
    if (r->notes <= 3 || n->kind == DEC_NOTE_LIMIT)
        tlog_add(&r->log, "note%s f%llu %s: %s\n", c ? "" : " -", (unsigned long long)n->frame,
                 dec_note_name(n->kind), n->detail);
}

struct flow {
    struct dec_decoder *d;
    struct tr_sink ts;
    struct rec r;
};

static void fl_open(struct flow *f)
{
    memset(f, 0, sizeof *f);
    struct dec_sink ds = {.ctx = &f->r, .on_dns = r_dns, .on_conn = r_conn, .on_note = r_note};
    struct dec_opts o = {.detect = true};
    f->d = dec_new(&o, &ds);
    dec_tracer_sink(f->d, &f->ts);
}

/* the end of the capture, then the log */
static const char *fl_end(struct flow *f)
{
    dec_finish(f->d);
    return tlog_str(&f->r.log);
}

static void fl_close(struct flow *f)
{
    dec_free(f->d);
    tlog_free(&f->r.log);
}

static void ep(struct tr_endpoint *e, const char *ip, uint16_t port)
{
    memset(e, 0, sizeof *e);
    e->addr.family = strchr(ip, ':') ? 6 : 4;
    tf_addr(e->addr.family, NULL, ip, e->addr.a);
    e->port = port;
}

#define CLIENT "10.0.0.2"
#define RESOLVER "10.0.0.53"
#define RESOLVER2 "10.0.0.54"

/* a datagram from src to dst in frame `frame` at 1000 us a frame */
static void fl_dgram(struct flow *f, const char *src, uint16_t sport, const char *dst,
                     uint16_t dport, uint64_t frame, const struct tb *t)
{
    struct tr_datagram g = {.payload = t->b, .caplen = (uint32_t)t->n, .len = (uint32_t)t->n,
                            .frame = frame, .ts = (tr_time)frame * 1000, .file_offset = -1,
                            .tunnel = ""};
    ep(&g.src, src, sport);
    ep(&g.dst, dst, dport);
    f->ts.on_datagram(f->ts.ctx, &g);
}

static void query(struct flow *f, uint64_t frame, const char *server, unsigned id,
                  const char *name, unsigned type)
{
    struct tb t;
    build_query(&t, id, name, type);
    fl_dgram(f, CLIENT, 40001, server, 53, frame, &t);
}

/* a response: question name/type, then `an` records given as
 * "A 1.2.3.4", "AAAA fd00::1", "CNAME other.name" owned by `owners[i]` */
struct rrspec {
    const char *owner, *type, *data;
    uint32_t ttl;
};

static void build_response(struct tb *t, unsigned id, unsigned flags, const char *name,
                           unsigned type, const struct rrspec *rr, size_t n)
{
    t->n = 0;
    dns_hdr(t, id, F_QR | F_RD | F_RA | flags, 1, (unsigned)n, 0, 0);
    dns_name(t, name);
    dns_qtail(t, type);
    for (size_t i = 0; i < n; i++) {
        dns_name(t, rr[i].owner);
        if (strcmp(rr[i].type, "CNAME") == 0) {
            struct tb nm = {.n = 0};
            dns_name(&nm, rr[i].data);
            dns_rrh(t, T_CNAME, rr[i].ttl, (unsigned)nm.n);
            tb_mem(t, nm.b, nm.n);
        } else {
            bool v6 = strcmp(rr[i].type, "AAAA") == 0;
            uint8_t a[16];
            tf_addr(v6 ? 6 : 4, NULL, rr[i].data, a);
            dns_rrh(t, v6 ? T_AAAA : T_A, rr[i].ttl, v6 ? 16 : 4);
            tb_mem(t, a, v6 ? 16 : 4);
        }
    }
}

static void respond(struct flow *f, uint64_t frame, const char *server, unsigned id,
                    unsigned flags, const char *name, unsigned type, const struct rrspec *rr,
                    size_t n)
{
    struct tb t;
    build_response(&t, id, flags, name, type, rr, n);
    fl_dgram(f, server, 53, CLIENT, 40001, frame, &t);
}

/* a connection from CLIENT to server:80 whose first packet is `frame` */
static void fl_conn(struct flow *f, struct tr_conn *c, uint64_t id, const char *server,
                    uint64_t frame)
{
    memset(c, 0, sizeof *c);
    c->id = id;
    ep(&c->client, CLIENT, 45000);
    ep(&c->server, server, 80);
    c->close_initiator = -1;
    c->first_frame = c->last_frame = frame;
    c->first_ts = c->last_ts = (tr_time)frame * 1000;
    c->first_file_offset = -1;
    c->syn_seen = true;
    f->ts.on_conn(f->ts.ctx, c);
}

static void conn_end(struct flow *f, struct tr_conn *c)
{
    c->close_how = TR_CLOSE_END;
    f->ts.on_close(f->ts.ctx, c);
}

static const struct rrspec www_a[] = {{"www.example.test", "A", "10.0.0.1", 300}};

/* --------------------------------------------------------------- tests -- */

static void test_pair_and_link(void **state)
{
    (void)state;
    struct flow f;
    fl_open(&f);
    query(&f, 1, RESOLVER, 0x1234, "www.example.test", T_A);
    query(&f, 2, RESOLVER, 0x1235, "www.example.test", T_AAAA);
    respond(&f, 3, RESOLVER, 0x1234, 0, "www.example.test", T_A, www_a, 1);
    static const struct rrspec v6[] = {{"www.example.test", "AAAA", "fd00::1", 60}};
    respond(&f, 4, RESOLVER, 0x1235, 0, "WWW.Example.TEST", T_AAAA, v6, 1); /* case: RFC 4343 */
    struct tr_conn c1, c2, c3;
    fl_conn(&f, &c1, 1, "10.0.0.1", 5);
    fl_conn(&f, &c2, 2, "fd00::1", 6);
    fl_conn(&f, &c3, 3, "10.0.0.9", 7);  /* an address no lookup gave */
    conn_end(&f, &c1);
    conn_end(&f, &c2);
    conn_end(&f, &c3);
    assert_string_equal(fl_end(&f),
                        "dns f1 udp 10.0.0.2:40001>10.0.0.53:53 id=4660 www.example.test A "
                        "NOERROR f3 rtt=2000 A=10.0.0.1/300\n"
                        "dns f2 udp 10.0.0.2:40001>10.0.0.53:53 id=4661 www.example.test AAAA "
                        "NOERROR f4 rtt=2000 AAAA=fd00::1/60\n"
                        "conn 1 dns=1\nconn 2 dns=2\nconn 3 dns=0\n");
    struct dec_stats st;
    dec_stats(f.d, &st);
    assert_int_equal(st.dns, 2);
    fl_close(&f);
}

static void test_retransmission_and_retry(void **state)
{
    (void)state;
    struct flow f;
    fl_open(&f);
    /* the first server is silent: the query is sent again to it (one lookup),
     * then to a second server (a retry), which answers */
    query(&f, 1, RESOLVER2, 7, "www.example.test", T_A);
    query(&f, 2, RESOLVER2, 7, "www.example.test", T_A);
    query(&f, 3, RESOLVER, 7, "www.example.test", T_A);
    respond(&f, 4, RESOLVER, 7, 0, "www.example.test", T_A, www_a, 1);
    struct tr_conn c;
    fl_conn(&f, &c, 1, "10.0.0.1", 5);
    conn_end(&f, &c);
    assert_string_equal(fl_end(&f),
                        "dns f3 udp 10.0.0.2:40001>10.0.0.53:53 id=7 www.example.test A "
                        "NOERROR f4 rtt=1000 A=10.0.0.1/300 retry\n"
                        "conn 1 dns=3\n"
                        "dns f1 udp 10.0.0.2:40001>10.0.0.54:53 id=7 www.example.test A "
                        "unanswered\n");
    struct dec_stats st;
    dec_stats(f.d, &st);
    assert_int_equal(st.dns, 2);
    fl_close(&f);
}

static void test_no_pair(void **state)
{
    (void)state;
    struct flow f;
    fl_open(&f);
    query(&f, 1, RESOLVER, 100, "www.example.test", T_A);
    struct tb t;
    /* another ID; another question; another port; another server: none pairs */
    respond(&f, 2, RESOLVER, 101, 0, "www.example.test", T_A, www_a, 1);
    respond(&f, 3, RESOLVER, 100, 0, "www.example.test", T_AAAA, NULL, 0);
    respond(&f, 4, RESOLVER, 100, 0, "ww.example.test", T_A, NULL, 0);
    build_response(&t, 100, 0, "www.example.test", T_A, www_a, 1);
    fl_dgram(&f, RESOLVER, 53, CLIENT, 40002, 5, &t);
    respond(&f, 6, RESOLVER2, 100, 0, "www.example.test", T_A, www_a, 1);
    /* a response whose query was not captured writes nothing either, and
     * gives no address */
    respond(&f, 7, RESOLVER, 555, 0, "other.example.test", T_A, www_a, 1);
    struct tr_conn c;
    fl_conn(&f, &c, 1, "10.0.0.1", 8);
    conn_end(&f, &c);
    assert_string_equal(fl_end(&f), "conn 1 dns=0\n"
                                    "dns f1 udp 10.0.0.2:40001>10.0.0.53:53 id=100 "
                                    "www.example.test A unanswered\n");
    fl_close(&f);
}

static void test_nxdomain_chain_tc(void **state)
{
    (void)state;
    struct flow f;
    fl_open(&f);
    query(&f, 1, RESOLVER, 1, "gone.example.test", T_A);
    respond(&f, 2, RESOLVER, 1, 3, "gone.example.test", T_A, NULL, 0);  /* RCODE 3 */
    /* a chain: old -> alias -> www, and an A record of another name (not
     * in the chain: gives no link) */
    static const struct rrspec chain[] = {
        {"old.example.test", "CNAME", "alias.example.test", 600},
        {"alias.example.test", "CNAME", "www.example.test", 120},
        {"www.example.test", "A", "10.0.0.1", 30},
        {"elsewhere.example.test", "A", "10.0.0.7", 30},
    };
    query(&f, 3, RESOLVER, 2, "old.example.test", T_A);
    respond(&f, 4, RESOLVER, 2, 0, "old.example.test", T_A, chain, 4);
    query(&f, 5, RESOLVER, 3, "big.example.test", T_A);
    respond(&f, 6, RESOLVER, 3, F_TC, "big.example.test", T_A, NULL, 0);
    struct tr_conn c1, c2;
    fl_conn(&f, &c1, 1, "10.0.0.1", 7);
    fl_conn(&f, &c2, 2, "10.0.0.7", 8);
    conn_end(&f, &c1);
    conn_end(&f, &c2);
    assert_string_equal(fl_end(&f),
                        "dns f1 udp 10.0.0.2:40001>10.0.0.53:53 id=1 gone.example.test A "
                        "NXDOMAIN f2 rtt=1000\n"
                        "dns f3 udp 10.0.0.2:40001>10.0.0.53:53 id=2 old.example.test A "
                        "NOERROR f4 rtt=1000 CNAME=alias.example.test/600 "
                        "CNAME=www.example.test/120 A=10.0.0.1/30 A=10.0.0.7/30\n"
                        "dns f5 udp 10.0.0.2:40001>10.0.0.53:53 id=3 big.example.test A "
                        "NOERROR f6 rtt=1000 TC\n"
                        "conn 1 dns=3\nconn 2 dns=0\n");
    fl_close(&f);
}

static void test_link_order(void **state)
{
    (void)state;
    struct flow f;
    fl_open(&f);
    /* two lookups give 10.0.0.1; a third answers after the connection began */
    query(&f, 1, RESOLVER, 1, "www.example.test", T_A);
    respond(&f, 2, RESOLVER, 1, 0, "www.example.test", T_A, www_a, 1);
    query(&f, 3, RESOLVER, 2, "www.example.test", T_A);
    respond(&f, 4, RESOLVER, 2, 0, "www.example.test", T_A, www_a, 1);
    query(&f, 5, RESOLVER, 3, "www.example.test", T_A);
    struct tr_conn c1, c2;
    fl_conn(&f, &c1, 1, "10.0.0.1", 6);
    respond(&f, 7, RESOLVER, 3, 0, "www.example.test", T_A, www_a, 1);
    /* a connection without a SYN, announced late: its first packet was frame 6 */
    fl_conn(&f, &c2, 2, "10.0.0.1", 6);
    conn_end(&f, &c1);
    conn_end(&f, &c2);
    const char *log = fl_end(&f);
    assert_non_null(strstr(log, "conn 1 dns=3\n"));
    assert_non_null(strstr(log, "conn 2 dns=3\n"));
    fl_close(&f);
}

/* DNS over TCP: a length-prefixed query and response on port 53, fed in
 * every pair of pieces; the connection itself is not written */
static void test_tcp(void **state)
{
    (void)state;
    struct tb q, r;
    build_query(&q, 0x4242, "www.example.test", T_A);
    build_response(&r, 0x4242, 0, "www.example.test", T_A, www_a, 1);
    uint8_t qs[2 + TB_MAX], rs[2 + TB_MAX];
    qs[0] = (uint8_t)(q.n >> 8), qs[1] = (uint8_t)q.n;
    memcpy(qs + 2, q.b, q.n);
    rs[0] = (uint8_t)(r.n >> 8), rs[1] = (uint8_t)r.n;
    memcpy(rs + 2, r.b, r.n);
    const char *want = "dns f5 tcp 10.0.0.2:45000>10.0.0.53:53 id=16962 www.example.test A "
                       "NOERROR f7 rtt=2000 A=10.0.0.1/300\n";
    for (size_t cut = 1; cut < q.n + 2; cut++) {
        struct flow f;
        fl_open(&f);
        struct tr_conn c;
        memset(&c, 0, sizeof c);
        c.id = 1;
        ep(&c.client, CLIENT, 45000);
        ep(&c.server, RESOLVER, 53);
        c.first_frame = 1;
        c.syn_seen = true;
        f.ts.on_conn(f.ts.ctx, &c);
        f.ts.on_data(f.ts.ctx, &c, TR_DIR_C2S, 0, qs, cut, 4, 4000);
        f.ts.on_data(f.ts.ctx, &c, TR_DIR_C2S, cut, qs + cut, q.n + 2 - cut, 5, 5000);
        size_t rc = cut < r.n + 2 ? cut : 1;
        f.ts.on_data(f.ts.ctx, &c, TR_DIR_S2C, 0, rs, rc, 6, 6000);
        f.ts.on_data(f.ts.ctx, &c, TR_DIR_S2C, rc, rs + rc, r.n + 2 - rc, 7, 7000);
        conn_end(&f, &c);
        assert_string_equal(fl_end(&f), want);
        fl_close(&f);
    }
}

static void test_malformed(void **state)
{
    (void)state;
    struct flow f;
    fl_open(&f);
    struct tb t;
    /* a header announcing an answer that is not there, 150 times */
    for (uint64_t i = 1; i <= 150; i++) {
        t.n = 0;
        dns_hdr(&t, 9, F_QR, 0, 1, 0, 0);
        fl_dgram(&f, RESOLVER, 53, CLIENT, 40001, i, &t);
    }
    /* a query cut by the snaplen is not the sender's fault: no note */
    build_query(&t, 10, "www.example.test", T_A);
    struct tr_datagram g = {.payload = t.b, .caplen = (uint32_t)t.n - 2,
                            .len = (uint32_t)t.n, .frame = 151, .ts = 151000, .tunnel = ""};
    ep(&g.src, CLIENT, 40001);
    ep(&g.dst, RESOLVER, 53);
    f.ts.on_datagram(f.ts.ctx, &g);
    const char *log = fl_end(&f);
    assert_int_equal(f.r.notes, 101);
    assert_int_equal(tlog_count(&f.r.log, "malformed_dns"), 3);  /* the first three logged */
    assert_non_null(strstr(log, "note - f1 malformed_dns: DNS message over UDP from 10.0.0.53 "
                                "port 53 to 10.0.0.2 port 40001: "));
    assert_non_null(strstr(log, "note - f101 limit: more than 100 malformed DNS messages"));
    struct dec_stats st;
    dec_stats(f.d, &st);
    assert_int_equal(st.notes_by_kind[DEC_NOTE_MALFORMED_DNS], 100);
    assert_int_equal(st.notes_by_kind[DEC_NOTE_LIMIT], 1);
    fl_close(&f);
}

static void test_pending_cap(void **state)
{
    (void)state;
    struct flow f;
    fl_open(&f);
    /* 5000 unanswered lookups: past 4096 waiting, the oldest are written
     * (unanswered) as new ones come; the rest at the end, in order */
    for (unsigned i = 0; i < 5000; i++)
        query(&f, i + 1, RESOLVER, i, "www.example.test", T_A);
    assert_int_equal(tlog_count(&f.r.log, "unanswered"), 5000 - 4096);
    assert_non_null(strstr(tlog_str(&f.r.log), "dns f1 udp"));
    fl_end(&f);
    assert_int_equal(tlog_count(&f.r.log, "unanswered"), 5000);
    struct dec_stats st;
    dec_stats(f.d, &st);
    assert_int_equal(st.dns, 5000);
    fl_close(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pair_and_link),
        cmocka_unit_test(test_retransmission_and_retry),
        cmocka_unit_test(test_no_pair),
        cmocka_unit_test(test_nxdomain_chain_tc),
        cmocka_unit_test(test_link_order),
        cmocka_unit_test(test_tcp),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_pending_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
