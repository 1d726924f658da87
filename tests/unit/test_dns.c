/* test_dns.c - the DNS message parser of decode/dns.c: hand-built messages
 * for every rule (compression pointers backward, nested, forward, looping,
 * past the end; names of 255 and 256 octets; every truncation point of a
 * real response), the pairing key, the CNAME chain, DNS over TCP's framing at
 * every split point and across gaps, and the captures of tests/data/dns/
 * read the way tshark reads them (their NAME.tshark files)
 *
 * Longer than 800 lines: a test file (hand-built DNS messages, one case per
 * record type, compression trap and malformed field).
 */
#include "testutil.h"
#include "dnsbuild.h"

/* ------------------------------------------------------------ building -- */

/* The response dnsmasq gave to "old.lesson.test A" (tests/data/dns/dns-dig.pcap,
 * frame 6), rebuilt: a CNAME chain with every kind of backward pointer.
 *   12 question old.lesson.test A (labels at 12, "lesson" at 16, "test" at 23)
 *   33 answer 1: owner -> 12; CNAME alias + -> 16 (RDATA at 45)
 *   53 answer 2: owner -> 45 (-> 16: nested); CNAME www + -> 16 (RDATA at 65)
 *   71 answer 3: owner -> 65; A 10.77.0.1
 *   87 additional 1: OPT, UDP 1232
 *   98 end */
static const size_t chain_bounds[] = {12, 33, 53, 71, 87, 98};
static const char *const chain_where[] = {"question 1", "answer 1", "answer 2", "answer 3",
                                          "additional 1"};

static void build_chain(struct tb *t)
{
    t->n = 0;
    dns_hdr(t, 0xf1d5, F_QR | F_AA | F_RD | F_RA, 1, 3, 0, 1);
    dns_name(t, "old.lesson.test");
    dns_qtail(t, T_A);
    dns_ptr(t, 12);
    dns_rrh(t, T_CNAME, 300, 8);
    dns_labels(t, "alias");
    dns_ptr(t, 16);
    dns_ptr(t, 45);
    dns_rrh(t, T_CNAME, 300, 6);
    dns_labels(t, "www");
    dns_ptr(t, 16);
    dns_ptr(t, 65);
    dns_rrh(t, T_A, 300, 4);
    dns_a(t, 10, 77, 0, 1);
    dns_name(t, "");
    dns_rrh(t, T_OPT, 0, 0);
    assert_int_equal(t->n, 98);
}

/* ----------------------------------------------------------- describing -- */

static void describe(struct tlog *l, const struct dec_dns_msg *m)
{
    char b1[DEC_DNS_TYPESTRLEN], b2[DEC_DNS_TYPESTRLEN];
    tlog_add(l, "id 0x%04x %s%s%s%s%s%s %s %u/%u/%u/%u\n", m->id, m->qr ? "QR " : "",
             dec_dns_opcode_name(m->opcode, b1), m->aa ? " AA" : "", m->tc ? " TC" : "",
             m->rd ? " RD" : "", m->ra ? " RA" : "", dec_dns_rcode_name(m->rcode, b2),
             m->count[0], m->count[1], m->count[2], m->count[3]);
    for (size_t i = 0; i < m->nq; i++)
        tlog_add(l, "q %s %s\n", dec_dns_text(m, m->q[i].name),
                 dec_dns_type_name(m->q[i].type, b1));
    for (size_t i = 0; i < m->nrr; i++) {
        const struct dec_dns_rr *r = &m->rr[i];
        tlog_add(l, "%s %u %s %s ttl %u len %u", dec_dns_section_name(r->section), r->index,
                 dec_dns_text(m, r->name), dec_dns_type_name(r->type, b1), r->ttl, r->rdlength);
        if (r->data != DEC_DNS_NOTEXT)
            tlog_add(l, " %s", dec_dns_text(m, r->data));
        tlog_add(l, "\n");
    }
    if (m->edns)
        tlog_add(l, "edns udp %u v%u%s\n", m->edns_udp_size, m->edns_version,
                 m->edns_do ? " DO" : "");
    if (m->capped)
        tlog_add(l, "capped\n");
}

/* parse t whole: it must succeed, use every byte, and read as want */
static void expect_msg(const struct tb *t, const char *want, struct dec_dns_msg *m)
{
    int rc = dec_dns_parse(t->b, t->n, m);
    if (rc != (int)t->n)
        fail_msg("rc %d for %zu bytes: %s", rc, t->n, m->error);
    assert_true(m->complete && m->header);
    assert_string_equal(m->error, "");
    assert_int_equal(m->length, t->n);
    struct tlog l = {0};
    describe(&l, m);
    assert_string_equal(tlog_str(&l), want);
    tlog_free(&l);
}

/* parse t: it must fail with rc and exactly this error */
static void expect_err(const struct tb *t, int rc_want, const char *err)
{
    struct dec_dns_msg *m = malloc(sizeof *m);
    assert_non_null(m);
    int rc = dec_dns_parse(t->b, t->n, m);
    if (rc != rc_want)
        fail_msg("rc %d, want %d (%s)", rc, rc_want, m->error);
    assert_false(m->complete);
    assert_string_equal(m->error, err);
    free(m);
}

static struct dec_dns_msg *msg_new(void)
{
    struct dec_dns_msg *m = malloc(sizeof *m);
    assert_non_null(m);
    return m;
}

/* -------------------------------------------------------- pointers -- */

static void test_chain_response(void **state)
{
    (void)state;
    struct tb t;
    struct dec_dns_msg *m = msg_new();
    build_chain(&t);
    expect_msg(&t,
               "id 0xf1d5 QR QUERY AA RD RA NOERROR 1/3/0/1\n"
               "q old.lesson.test A\n"
               "answer 1 old.lesson.test CNAME ttl 300 len 8 alias.lesson.test\n"
               "answer 2 alias.lesson.test CNAME ttl 300 len 6 www.lesson.test\n"
               "answer 3 www.lesson.test A ttl 300 len 4 10.77.0.1\n"
               "additional 1 . OPT ttl 0 len 0\n"
               "edns udp 1232 v0\n",
               m);
    /* the chain, and the same answers in another order */
    uint16_t canon;
    struct tr_addr a[4];
    assert_int_equal(dec_dns_chain_addrs(m, a, 4, &canon), 1);
    assert_string_equal(dec_dns_text(m, canon), "www.lesson.test");
    struct tr_addr want = {4, {10, 77, 0, 1}}, other = {4, {10, 77, 0, 2}};
    assert_true(tr_addr_equal(&a[0], &want));
    assert_true(dec_dns_answers_hold(m, &want));
    assert_false(dec_dns_answers_hold(m, &other));
    assert_int_equal(m->rr[2].rdata_off, 83);
    free(m);
}

static void test_chain_order_and_loops(void **state)
{
    (void)state;
    struct tb t;
    struct dec_dns_msg *m = msg_new();
    /* the A record first, the CNAMEs after it, in mixed case (RFC 4343) */
    t.n = 0;
    dns_hdr(&t, 7, F_QR | F_RD | F_RA, 1, 4, 0, 0);
    dns_name(&t, "old.lesson.test");
    dns_qtail(&t, T_A);
    dns_name(&t, "WWW.Lesson.TEST");
    dns_rrh(&t, T_A, 60, 4);
    dns_a(&t, 10, 77, 0, 1);
    dns_name(&t, "www.lesson.test");
    dns_rrh(&t, T_A, 60, 4);
    dns_a(&t, 10, 77, 0, 7);
    dns_name(&t, "ALIAS.lesson.test");
    dns_rrh(&t, T_CNAME, 60, 17);
    dns_name(&t, "www.lesson.test");
    dns_name(&t, "old.lesson.test");
    dns_rrh(&t, T_CNAME, 60, 19);
    dns_name(&t, "alias.lesson.test");
    expect_msg(&t,
               "id 0x0007 QR QUERY RD RA NOERROR 1/4/0/0\n"
               "q old.lesson.test A\n"
               "answer 1 WWW.Lesson.TEST A ttl 60 len 4 10.77.0.1\n"
               "answer 2 www.lesson.test A ttl 60 len 4 10.77.0.7\n"
               "answer 3 ALIAS.lesson.test CNAME ttl 60 len 17 www.lesson.test\n"
               "answer 4 old.lesson.test CNAME ttl 60 len 19 alias.lesson.test\n",
               m);
    struct tr_addr a[1];
    uint16_t canon;
    assert_int_equal(dec_dns_chain_addrs(m, a, 1, &canon), 2);  /* more than max: counted */
    assert_string_equal(dec_dns_text(m, canon), "www.lesson.test");
    struct tr_addr seven = {4, {10, 77, 0, 7}};
    assert_true(dec_dns_answers_hold(m, &seven));
    assert_int_equal(dec_dns_chain_addrs(m, NULL, 0, NULL), 2);

    /* a CNAME loop (a -> b -> a) ends where it comes back */
    t.n = 0;
    dns_hdr(&t, 8, F_QR, 1, 2, 0, 0);
    dns_name(&t, "a.test");
    dns_qtail(&t, T_A);
    dns_name(&t, "a.test");
    dns_rrh(&t, T_CNAME, 60, 8);
    dns_name(&t, "b.test");
    dns_name(&t, "b.test");
    dns_rrh(&t, T_CNAME, 60, 8);
    dns_name(&t, "a.test");
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_int_equal(dec_dns_chain_addrs(m, NULL, 0, &canon), 0);
    assert_string_equal(dec_dns_text(m, canon), "b.test");
    assert_false(dec_dns_answers_hold(m, &seven));
    /* a name that is its own CNAME and has an address (invalid, RFC 1034
     * 3.6.2): the address counts once (found by tests/fuzz/fuzz_dns.c) */
    t.n = 0;
    dns_hdr(&t, 8, F_QR, 1, 2, 0, 0);
    dns_name(&t, "a.test");
    dns_qtail(&t, T_A);
    dns_ptr(&t, 12);
    dns_rrh(&t, T_CNAME, 60, 2);
    dns_ptr(&t, 12);
    dns_ptr(&t, 12);
    dns_rrh(&t, T_A, 60, 4);
    dns_a(&t, 10, 77, 0, 7);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_int_equal(dec_dns_chain_addrs(m, NULL, 0, &canon), 1);
    assert_string_equal(dec_dns_text(m, canon), "a.test");
    assert_true(dec_dns_answers_hold(m, &seven));
    /* a chain longer than DEC_DNS_MAX_CHAIN: followed that far */
    t.n = 0;
    dns_hdr(&t, 9, F_QR, 1, DEC_DNS_MAX_CHAIN + 2, 0, 0);
    dns_name(&t, "c0.test");
    dns_qtail(&t, T_A);
    for (int i = 0; i <= DEC_DNS_MAX_CHAIN; i++) {
        char from[16], to[16];
        snprintf(from, sizeof from, "c%d.test", i);
        snprintf(to, sizeof to, "c%d.test", i + 1);
        dns_name(&t, from);
        dns_rrh(&t, T_CNAME, 60, (unsigned)strlen(to) + 2);
        dns_name(&t, to);
    }
    char last[16];
    snprintf(last, sizeof last, "c%d.test", DEC_DNS_MAX_CHAIN + 1);
    dns_name(&t, last);
    dns_rrh(&t, T_A, 60, 4);
    dns_a(&t, 10, 77, 0, 7);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_int_equal(dec_dns_chain_addrs(m, NULL, 0, &canon), 0);
    snprintf(last, sizeof last, "c%d.test", DEC_DNS_MAX_CHAIN);
    assert_string_equal(dec_dns_text(m, canon), last);

    /* authority and additional records are not answers */
    t.n = 0;
    dns_hdr(&t, 9, F_QR, 1, 0, 1, 1);
    dns_name(&t, "a.test");
    dns_qtail(&t, T_A);
    dns_ptr(&t, 12);
    dns_rrh(&t, T_A, 60, 4);
    dns_a(&t, 10, 77, 0, 7);
    dns_ptr(&t, 12);
    dns_rrh(&t, T_A, 60, 4);
    dns_a(&t, 10, 77, 0, 7);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_false(dec_dns_answers_hold(m, &seven));
    /* no question: no chain */
    t.n = 0;
    dns_hdr(&t, 10, F_QR, 0, 1, 0, 0);
    dns_name(&t, "a.test");
    dns_rrh(&t, T_A, 60, 4);
    dns_a(&t, 10, 77, 0, 7);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_int_equal(dec_dns_chain_addrs(m, NULL, 0, &canon), 0);
    assert_int_equal(canon, DEC_DNS_NOTEXT);
    free(m);
}

/* answer 2's owner is at `at`; its bytes come from fill */
static size_t build_two_answers(struct tb *t, void (*fill)(struct tb *t, size_t at, size_t a1rd))
{
    t->n = 0;
    dns_hdr(t, 0x4747, F_QR, 1, 2, 0, 0);
    dns_name(t, "lesson.test");
    dns_qtail(t, T_A);
    /* answer 1: an unknown type whose 6 bytes of RDATA are free for tricks */
    dns_ptr(t, 12);
    dns_rrh(t, T_UNKNOWN, 0, 6);
    size_t a1rd = t->n;
    tb_fill(t, 0, 6);
    size_t at = t->n;
    fill(t, at, a1rd);
    dns_rrh(t, T_A, 0, 4);
    dns_a(t, 10, 77, 0, 1);
    return at;
}

static void fill_self(struct tb *t, size_t at, size_t a1rd)
{
    (void)a1rd;
    dns_ptr(t, (unsigned)at);
}

static void fill_label_loop(struct tb *t, size_t at, size_t a1rd)
{
    (void)a1rd;
    dns_labels(t, "x");
    dns_ptr(t, (unsigned)at);
}

/* answer 1's RDATA holds a pointer back to answer 2's owner, which points
 * to it: a loop of two pointers */
static void fill_two_cycle(struct tb *t, size_t at, size_t a1rd)
{
    t->b[a1rd] = 0xc0 | (uint8_t)(at >> 8);
    t->b[a1rd + 1] = (uint8_t)at;
    dns_ptr(t, (unsigned)a1rd);
}

static void fill_forward(struct tb *t, size_t at, size_t a1rd)
{
    (void)a1rd;
    dns_ptr(t, (unsigned)at + 2);  /* to its own TYPE field */
}

static void fill_past_end(struct tb *t, size_t at, size_t a1rd)
{
    (void)at;
    (void)a1rd;
    dns_ptr(t, 0x3fff);
}

static void fill_header(struct tb *t, size_t at, size_t a1rd)
{
    (void)at;
    (void)a1rd;
    dns_ptr(t, 4);
}

/* a backward pointer into answer 1's RDATA, which holds "ab" and a pointer to
 * the question's name (at 12): nested */
static void fill_nested(struct tb *t, size_t at, size_t a1rd)
{
    (void)at;
    memcpy(t->b + a1rd, "\x02" "ab" "\xc0\x0c", 5);
    dns_ptr(t, (unsigned)a1rd);
}

/* answer 1's RDATA ends in a label length of 5; answer 2's owner points to
 * it: the label would run on into that pointer and past it (found by
 * tests/fuzz/fuzz_dns.c: the reading depended on bytes after the message) */
static void fill_into_pointer(struct tb *t, size_t at, size_t a1rd)
{
    (void)at;
    t->b[a1rd + 5] = 5;
    dns_ptr(t, (unsigned)a1rd + 5);
}

/* labels that end exactly at the pointer that leads to them */
static void fill_onto_pointer(struct tb *t, size_t at, size_t a1rd)
{
    (void)at;
    memcpy(t->b + a1rd + 4, "\x01x", 2);
    dns_ptr(t, (unsigned)a1rd + 4);
}

static void fill_ext_label(struct tb *t, size_t at, size_t a1rd)
{
    (void)at;
    (void)a1rd;
    tb_u8(t, 0x41);  /* 01 000001: an extended label type */
}

static void test_pointers(void **state)
{
    (void)state;
    struct tb t;
    char want[256];
    struct dec_dns_msg *m = msg_new();

    size_t at = build_two_answers(&t, fill_nested);
    expect_msg(&t,
               "id 0x4747 QR QUERY NOERROR 1/2/0/0\n"
               "q lesson.test A\n"
               "answer 1 lesson.test TYPE65534 ttl 0 len 6\n"
               "answer 2 ab.lesson.test A ttl 0 len 4 10.77.0.1\n",
               m);

    at = build_two_answers(&t, fill_self);
    assert_int_equal(at, 47);
    expect_err(&t, DEC_INVALID, "answer 2: name pointer loop at offset 47 (to offset 47)");

    at = build_two_answers(&t, fill_label_loop);
    snprintf(want, sizeof want, "answer 2: name pointer loop at offset %zu (to offset %zu)",
             at + 2, at);
    expect_err(&t, DEC_INVALID, want);

    at = build_two_answers(&t, fill_two_cycle);
    snprintf(want, sizeof want, "answer 2: name pointer loop at offset 41 (to offset %zu)", at);
    expect_err(&t, DEC_INVALID, want);

    at = build_two_answers(&t, fill_into_pointer);
    snprintf(want, sizeof want,
             "answer 2: labels from offset %zu run into the name pointer at offset %zu that "
             "leads to them",
             at - 1, at);
    expect_err(&t, DEC_INVALID, want);
    /* the same cut after the pointer: the same error, not DEC_INCOMPLETE */
    t.n = at + 2;
    expect_err(&t, DEC_INVALID, want);

    at = build_two_answers(&t, fill_onto_pointer);
    snprintf(want, sizeof want,
             "answer 2: labels from offset %zu run into the name pointer at offset %zu that "
             "leads to them",
             at - 2, at);
    expect_err(&t, DEC_INVALID, want);

    at = build_two_answers(&t, fill_forward);
    snprintf(want, sizeof want,
             "answer 2: name pointer at offset %zu points forward to offset %zu (RFC 1035 4.1.4: "
             "to a prior name)",
             at, at + 2);
    expect_err(&t, DEC_INVALID, want);

    at = build_two_answers(&t, fill_past_end);
    snprintf(want, sizeof want,
             "answer 2: name pointer at offset %zu to offset 16383, past the end (%zu bytes)", at,
             t.n);
    expect_err(&t, DEC_INVALID, want);

    at = build_two_answers(&t, fill_header);
    snprintf(want, sizeof want,
             "answer 2: name pointer at offset %zu to offset 4, inside the header", at);
    expect_err(&t, DEC_INVALID, want);

    at = build_two_answers(&t, fill_ext_label);
    snprintf(want, sizeof want, "answer 2: label type 0x40 at offset %zu", at);
    expect_err(&t, DEC_INVALID, want);

    /* a forward pointer in the question, to a name written after it */
    t.n = 0;
    dns_hdr(&t, 1, F_QR, 1, 1, 0, 0);
    dns_ptr(&t, 16);
    dns_qtail(&t, T_A);
    dns_name(&t, "a.test");
    dns_rrh(&t, T_A, 0, 4);
    dns_a(&t, 10, 0, 0, 1);
    expect_err(&t, DEC_INVALID,
               "question 1: name pointer at offset 12 points forward to offset 16 (RFC 1035 "
               "4.1.4: to a prior name)");
    free(m);
}

/* a chain of n pointers to a root label: the root and n - 1 pointers, each to
 * the item before, in answer 1's RDATA; answer 2's owner (its offset is
 * returned) points to the last */
static size_t build_hops(struct tb *t, unsigned n)
{
    t->n = 0;
    dns_hdr(t, 2, F_QR, 1, 2, 0, 0);
    dns_name(t, "a.test");
    dns_qtail(t, T_A);
    dns_ptr(t, 12);
    dns_rrh(t, T_UNKNOWN, 0, 1 + 2 * (n - 1));
    size_t root = t->n;
    tb_u8(t, 0);
    size_t last = root;
    for (unsigned i = 1; i < n; i++) {
        size_t here = t->n;
        dns_ptr(t, (unsigned)last);
        last = here;
    }
    size_t owner = t->n;
    dns_ptr(t, (unsigned)last);
    dns_rrh(t, T_A, 0, 4);
    dns_a(t, 10, 0, 0, 1);
    return owner;
}

static void test_hop_limit(void **state)
{
    (void)state;
    struct tb t;
    struct dec_dns_msg *m = msg_new();
    build_hops(&t, DEC_DNS_MAX_HOPS);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_string_equal(dec_dns_text(m, m->rr[1].name), ".");
    size_t owner = build_hops(&t, DEC_DNS_MAX_HOPS + 1);
    char want[128];
    snprintf(want, sizeof want, "answer 2: name at offset %zu follows more than %d pointers",
             owner, DEC_DNS_MAX_HOPS);
    expect_err(&t, DEC_INVALID, want);
    free(m);
}

/* ------------------------------------------------------ names and types -- */

/* a name of exactly `octets` octets on the wire: labels of 63, then the rest */
static void long_name(struct tb *t, size_t octets, char *text)
{
    size_t left = octets - 1, tl = 0;  /* the root label is 1 octet */
    char c = 'a';
    while (left > 0) {
        size_t l = left - 1 > 63 ? 63 : left - 1;
        assert_true(l > 0);
        tb_u8(t, (unsigned)l);
        if (tl)
            text[tl++] = '.';
        for (size_t i = 0; i < l; i++) {
            tb_u8(t, (unsigned)c);
            text[tl++] = c;
        }
        c++;
        left -= l + 1;
    }
    tb_u8(t, 0);
    text[tl] = '\0';
}

static void test_name_lengths(void **state)
{
    (void)state;
    struct tb t;
    char text[300];
    struct dec_dns_msg *m = msg_new();
    t.n = 0;
    dns_hdr(&t, 3, 0, 1, 0, 0, 0);
    long_name(&t, 255, text);
    dns_qtail(&t, T_A);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_int_equal(strlen(text), 253);  /* 63.63.63.61 */
    assert_string_equal(dec_dns_text(m, m->q[0].name), text);
    assert_int_equal(m->qname_len, 255);

    t.n = 0;
    dns_hdr(&t, 3, 0, 1, 0, 0, 0);
    long_name(&t, 256, text);
    dns_qtail(&t, T_A);
    expect_err(&t, DEC_INVALID, "question 1: name at offset 12 is longer than 255 octets (RFC "
                                "1035 3.1)");

    /* 256 octets reached through a pointer: the suffix counts too */
    t.n = 0;
    dns_hdr(&t, 3, F_QR, 1, 1, 0, 0);
    long_name(&t, 250, text);
    dns_qtail(&t, T_A);
    dns_labels(&t, "abcde");  /* 6 more octets */
    dns_ptr(&t, 12);
    dns_rrh(&t, T_A, 0, 4);
    dns_a(&t, 10, 0, 0, 1);
    expect_err(&t, DEC_INVALID, "answer 1: name at offset 266 is longer than 255 octets (RFC "
                                "1035 3.1)");
    /* 255 that way is fine */
    t.n = 0;
    dns_hdr(&t, 3, F_QR, 1, 1, 0, 0);
    long_name(&t, 250, text);
    dns_qtail(&t, T_A);
    dns_labels(&t, "abcd");
    dns_ptr(&t, 12);
    dns_rrh(&t, T_A, 0, 4);
    dns_a(&t, 10, 0, 0, 1);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_int_equal(strlen(dec_dns_text(m, m->rr[0].name)), 5 + strlen(text));

    /* unprintable and special label bytes are escaped (RFC 1035 5.1) */
    t.n = 0;
    dns_hdr(&t, 4, 0, 1, 0, 0, 0);
    tb_mem(&t, "\x07" "a.b\\c \xff" "\x01" "\x00" "\x00", 11);
    dns_qtail(&t, T_A);
    expect_msg(&t, "id 0x0004 QUERY NOERROR 1/0/0/0\nq a\\.b\\\\c\\032\\255.\\000 A\n", m);
    /* the root */
    t.n = 0;
    dns_hdr(&t, 5, 0, 1, 0, 0, 0);
    dns_name(&t, "");
    dns_qtail(&t, 2);
    expect_msg(&t, "id 0x0005 QUERY NOERROR 1/0/0/0\nq . NS\n", m);
    free(m);
}

static void test_tables(void **state)
{
    (void)state;
    char b[DEC_DNS_TYPESTRLEN];
    static const struct {
        uint16_t v;
        const char *name;
    } types[] = {
        {1, "A"},       {2, "NS"},      {5, "CNAME"},  {6, "SOA"},     {12, "PTR"},
        {15, "MX"},     {16, "TXT"},    {28, "AAAA"},  {33, "SRV"},    {41, "OPT"},
        {43, "DS"},     {46, "RRSIG"},  {47, "NSEC"},  {48, "DNSKEY"}, {64, "SVCB"},
        {65, "HTTPS"},  {255, "ANY"},   {257, "CAA"},  {0, "TYPE0"},   {99, "SPF"},
        {65534, "TYPE65534"},           {65535, "TYPE65535"},
    };
    for (size_t i = 0; i < NELEM(types); i++)
        assert_string_equal(dec_dns_type_name(types[i].v, b), types[i].name);
    static const char *const rcodes[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
                                         "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
                                         "NXRRSET", "NOTAUTH", "NOTZONE",  "DSOTYPENI"};
    for (size_t i = 0; i < NELEM(rcodes); i++)
        assert_string_equal(dec_dns_rcode_name((uint16_t)i, b), rcodes[i]);
    assert_string_equal(dec_dns_rcode_name(12, b), "RCODE12");
    assert_string_equal(dec_dns_rcode_name(16, b), "BADVERS");
    assert_string_equal(dec_dns_rcode_name(23, b), "BADCOOKIE");
    assert_string_equal(dec_dns_rcode_name(4095, b), "RCODE4095");
    assert_string_equal(dec_dns_opcode_name(0, b), "QUERY");
    assert_string_equal(dec_dns_opcode_name(5, b), "UPDATE");
    assert_string_equal(dec_dns_opcode_name(3, b), "OPCODE3");
    assert_string_equal(dec_dns_opcode_name(15, b), "OPCODE15");
    assert_string_equal(dec_dns_section_name(DEC_DNS_AUTHORITY), "authority");
    assert_true(dec_dns_name_equal("WwW.Lesson.Test", "www.lesson.TEST"));
    assert_false(dec_dns_name_equal("www.lesson.test", "www.lesson.tes"));
    assert_false(dec_dns_name_equal("a\\.b", "a.b"));
}

/* ----------------------------------------------------- records and flags -- */

static void test_nxdomain_soa(void **state)
{
    (void)state;
    struct tb t;
    struct dec_dns_msg *m = msg_new();
    /* as the authoritative dnsmasq of tests/data/dns/dns-dig.pcap answered */
    t.n = 0;
    dns_hdr(&t, 0xa821, F_QR | F_AA | F_RD | 3, 1, 0, 1, 1);
    dns_name(&t, "gone.lesson.test");
    dns_qtail(&t, T_A);
    dns_ptr(&t, 17);  /* lesson.test */
    size_t rdl = t.n + 8;
    dns_rrh(&t, T_SOA, 600, 0);
    size_t rd = t.n;
    dns_labels(&t, "ns");
    dns_ptr(&t, 17);
    dns_labels(&t, "hostmaster");
    dns_ptr(&t, 17);
    tb_be32(&t, 2024090201);
    tb_be32(&t, 1200);
    tb_be32(&t, 180);
    tb_be32(&t, 1209600);
    tb_be32(&t, 600);
    tb_put_be16(&t, rdl, (unsigned)(t.n - rd));
    dns_name(&t, "");
    dns_rrh(&t, T_OPT, 0, 0);
    expect_msg(&t,
               "id 0xa821 QR QUERY AA RD NXDOMAIN 1/0/1/1\n"
               "q gone.lesson.test A\n"
               "authority 1 lesson.test SOA ttl 600 len 38\n"
               "additional 1 . OPT ttl 0 len 0\n"
               "edns udp 1232 v0\n",
               m);
    assert_int_equal(m->rcode, DEC_DNS_RCODE_NXDOMAIN);
    assert_int_equal(dec_dns_chain_addrs(m, NULL, 0, NULL), 0);
    free(m);
}

static void test_records(void **state)
{
    (void)state;
    struct tb t;
    struct dec_dns_msg *m = msg_new();

    /* TC: a truncated reply with its question only (as dnsmasq sends) */
    t.n = 0;
    dns_hdr(&t, 0x5653, F_QR | F_AA | F_TC | F_RD | F_RA, 1, 0, 0, 0);
    dns_name(&t, "big.lesson.test");
    dns_qtail(&t, T_TXT);
    expect_msg(&t, "id 0x5653 QR QUERY AA TC RD RA NOERROR 1/0/0/0\nq big.lesson.test TXT\n", m);
    assert_true(m->tc);

    /* AAAA in RFC 5952 text, an unknown type (RFC 3597), NS and PTR targets */
    t.n = 0;
    dns_hdr(&t, 0xe3af, F_QR | F_RD | F_RA, 1, 4, 1, 1);
    dns_name(&t, "www.lesson.test");
    dns_qtail(&t, T_AAAA);
    dns_ptr(&t, 12);
    dns_rrh(&t, T_AAAA, 300, 16);
    tb_mem(&t, "\xfd\x77\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
    dns_ptr(&t, 12);
    dns_rrh(&t, T_AAAA, 300, 16);
    tb_mem(&t, "\x20\x01\x0d\xb8\0\0\0\0\0\x01\0\0\0\0\0\x01", 16);
    dns_ptr(&t, 12);
    dns_rrh(&t, T_UNKNOWN, 5, 3);
    tb_mem(&t, "xyz", 3);
    dns_ptr(&t, 12);
    dns_rrh(&t, 12, 5, 2);
    dns_ptr(&t, 12);
    dns_ptr(&t, 16);
    dns_rrh(&t, T_NS, 86400, 5);
    dns_labels(&t, "ns");
    dns_ptr(&t, 16);
    dns_name(&t, "");
    dns_rrh(&t, T_OPT, 0x01008000, 0);  /* extended RCODE 1, version 0, DO */
    expect_msg(&t,
               "id 0xe3af QR QUERY RD RA BADVERS 1/4/1/1\n"
               "q www.lesson.test AAAA\n"
               "answer 1 www.lesson.test AAAA ttl 300 len 16 fd77::1\n"
               "answer 2 www.lesson.test AAAA ttl 300 len 16 2001:db8::1:0:0:1\n"
               "answer 3 www.lesson.test TYPE65534 ttl 5 len 3\n"
               "answer 4 www.lesson.test PTR ttl 5 len 2 www.lesson.test\n"
               "authority 1 lesson.test NS ttl 86400 len 5 ns.lesson.test\n"
               "additional 1 . OPT ttl 16809984 len 0\n"
               "edns udp 1232 v0 DO\n",
               m);
    assert_int_equal(m->rcode, 16);  /* RFC 6891 6.1.3: 1 << 4 | 0 */
    struct tr_addr v6 = {6, {0xfd, 0x77, [15] = 1}};
    assert_true(dec_dns_answers_hold(m, &v6));

    /* an unknown type asked for; a second OPT is counted, the first kept */
    t.n = 0;
    dns_hdr(&t, 0xe984, F_QR | F_RD | F_RA, 1, 0, 0, 2);
    dns_name(&t, "www.lesson.test");
    dns_qtail(&t, T_UNKNOWN);
    dns_name(&t, "");
    dns_rrh(&t, T_OPT, 0, 0);
    dns_name(&t, "");
    tb_be16(&t, T_OPT);
    tb_be16(&t, 4096);
    tb_be32(&t, 0x00018000);
    tb_be16(&t, 0);
    expect_msg(&t,
               "id 0xe984 QR QUERY RD RA NOERROR 1/0/0/2\n"
               "q www.lesson.test TYPE65534\n"
               "additional 1 . OPT ttl 0 len 0\n"
               "additional 2 . OPT ttl 98304 len 0\n"
               "edns udp 1232 v0\n",
               m);
    assert_int_equal(m->nopt, 2);

    /* a query, opcode STATUS, with bytes after the message */
    t.n = 0;
    dns_hdr(&t, 0xbeef, 2 << 11, 1, 0, 0, 0);
    dns_name(&t, "a.test");
    dns_qtail(&t, T_A);
    size_t used = t.n;
    tb_mem(&t, "junk", 4);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)used);
    assert_int_equal(m->length, used);
    assert_true(m->complete && !m->qr && m->opcode == 2);
    free(m);
}

static void test_bad_records(void **state)
{
    (void)state;
    struct tb t;
    /* answer 1's RDATA starts at offset 38; `more` bytes follow the record */
    static const struct {
        unsigned type, rdlen;
        const char *rdata;
        size_t rdn, more;
        int rc;
        const char *err;
    } cases[] = {
        {T_A, 5, "\x0a\0\0\x01\x99", 5, 0, DEC_INVALID, "answer 1: A record of 5 bytes (not 4)"},
        {T_A, 3, "\x0a\0\0", 3, 0, DEC_INVALID, "answer 1: A record of 3 bytes (not 4)"},
        {T_AAAA, 4, "\x0a\0\0\x01", 4, 0, DEC_INVALID,
         "answer 1: AAAA record of 4 bytes (not 16)"},
        {T_CNAME, 0, "", 0, 1, DEC_INVALID,
         "answer 1, CNAME target: name at offset 38 runs past its RDATA's end at offset 38"},
        {T_CNAME, 0, "", 0, 0, DEC_INVALID,
         "answer 1, CNAME target: name at offset 38 runs past its RDATA's end at offset 38"},
        {T_CNAME, 4, "\x01x\x00\x00", 4, 0, DEC_INVALID,
         "answer 1, CNAME target: name ends at offset 41, its RDATA at offset 42"},
        {T_CNAME, 3, "\x05xy", 3, 4, DEC_INVALID,
         "answer 1, CNAME target: name at offset 38 runs past its RDATA's end at offset 41"},
        /* ldns 1.8.3 reads this one as "All OK" (decode/dns.c's top comment) */
        {T_CNAME, 2, "\x03www\xc0\x0c", 6, 0, DEC_INVALID,
         "answer 1, CNAME target: name at offset 38 runs past its RDATA's end at offset 40"},
        {T_NS, 1, "\xc0", 1, 1, DEC_INVALID,
         "answer 1, NS target: name at offset 38 runs past its RDATA's end at offset 39"},
        {T_CNAME, 2, "\xc0\x26", 2, 0, DEC_INVALID,
         "answer 1, CNAME target: name pointer loop at offset 38 (to offset 38)"},
        {T_CNAME, 2, "\xc0\x0c", 2, 0, 0, NULL},
        {T_A, 9, "\x0a\0\0\x01", 4, 0, DEC_INCOMPLETE,
         "answer 1: RDATA of 9 bytes at offset 38 cut at offset 42"},
    };
    struct dec_dns_msg *m = msg_new();
    for (size_t i = 0; i < NELEM(cases); i++) {
        t.n = 0;
        dns_hdr(&t, 1, F_QR, 1, 1, 0, 0);
        dns_name(&t, "www.test");
        dns_qtail(&t, T_A);
        dns_ptr(&t, 12);
        dns_rrh(&t, cases[i].type, 0, cases[i].rdlen);
        assert_int_equal(t.n, 38);
        tb_mem(&t, cases[i].rdata, cases[i].rdn);
        tb_fill(&t, 0, cases[i].more);
        if (!cases[i].err) {
            assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
            assert_string_equal(dec_dns_text(m, m->rr[0].data), "www.test");
            continue;
        }
        expect_err(&t, cases[i].rc, cases[i].err);
    }

    /* the header */
    t.n = 0;
    dns_hdr(&t, 1, 0, 0, 0, 0, 0);
    for (size_t n = 0; n < 12; n++) {
        int rc = dec_dns_parse(t.b, n, m);
        assert_int_equal(rc, DEC_INCOMPLETE);
        assert_false(m->header);
        char want[64];
        snprintf(want, sizeof want, "header: %zu of its 12 bytes", n);
        assert_string_equal(m->error, want);
    }
    assert_int_equal(dec_dns_parse(t.b, 12, m), 12);
    static uint8_t huge[65536];
    assert_int_equal(dec_dns_parse(huge, sizeof huge, m), DEC_INVALID);
    assert_string_equal(m->error, "header: message of 65536 bytes, more than 65535");
    assert_int_equal(dec_dns_parse(huge, 65535, m), 12);  /* all counts 0 */
    free(m);
}

static void test_truncation_points(void **state)
{
    (void)state;
    struct tb t;
    struct dec_dns_msg *m = msg_new();
    build_chain(&t);
    for (size_t n = 0; n < t.n; n++) {
        int rc = dec_dns_parse(t.b, n, m);
        if (rc != DEC_INCOMPLETE)
            fail_msg("%zu bytes: rc %d (%s)", n, rc, m->error);
        assert_false(m->complete);
        assert_int_equal(m->header, n >= 12);
        const char *where = "header";
        size_t entries = 0;
        for (size_t i = 0; i + 1 < NELEM(chain_bounds); i++)
            if (n >= chain_bounds[i]) {
                where = chain_where[i];
                entries = i;
            }
        if (strncmp(m->error, where, strlen(where)) != 0 || m->error[strlen(where)] != ':')
            fail_msg("%zu bytes: error '%s', want it in %s", n, m->error, where);
        assert_int_equal(m->parsed[0] + m->parsed[1] + m->parsed[2] + m->parsed[3], entries);
        /* what was read before the cut is kept */
        if (entries >= 1)
            assert_string_equal(dec_dns_text(m, m->q[0].name), "old.lesson.test");
        assert_int_equal(m->nrr, entries ? entries - 1 : 0);
    }
    free(m);
}

/* records past DEC_DNS_MAX_RRS are read and counted, not kept */
static void test_caps(void **state)
{
    (void)state;
    struct tb t;
    struct dec_dns_msg *m = msg_new();
    unsigned n = DEC_DNS_MAX_RRS + 72;
    t.n = 0;
    dns_hdr(&t, 1, F_QR, 1, n, 0, 0);
    dns_name(&t, "many.test");
    dns_qtail(&t, T_A);
    for (unsigned i = 0; i < n; i++) {
        dns_ptr(&t, 12);
        dns_rrh(&t, T_A, i, 4);
        dns_a(&t, 10, 1, i >> 8, i & 0xff);
    }
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_true(m->complete && m->capped);
    assert_int_equal(m->nrr, DEC_DNS_MAX_RRS);
    assert_int_equal(m->parsed[DEC_DNS_ANSWER], n);
    assert_int_equal(dec_dns_chain_addrs(m, NULL, 0, NULL), DEC_DNS_MAX_RRS);

    /* questions past DEC_DNS_MAX_QUESTIONS */
    t.n = 0;
    dns_hdr(&t, 1, 0, DEC_DNS_MAX_QUESTIONS + 1, 0, 0, 0);
    for (unsigned i = 0; i <= DEC_DNS_MAX_QUESTIONS; i++) {
        dns_name(&t, i ? "b.test" : "a.test");
        dns_qtail(&t, T_A + i);
    }
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_true(m->complete && m->capped);
    assert_int_equal(m->nq, DEC_DNS_MAX_QUESTIONS);
    assert_int_equal(m->parsed[DEC_DNS_QUESTION], DEC_DNS_MAX_QUESTIONS + 1);
    assert_int_equal(m->qname_len, 8);  /* the first question's */
    assert_memory_equal(m->qname, "\x01" "a\x04test", 8);

    /* names that fill the arena: records stop being kept, nothing breaks */
    char text[300];
    t.n = 0;
    dns_hdr(&t, 2, F_QR, 1, 100, 0, 0);
    long_name(&t, 255, text);
    dns_qtail(&t, T_A);
    for (unsigned i = 0; i < 100; i++) {
        dns_ptr(&t, 12);
        dns_rrh(&t, T_CNAME, 0, 2);
        dns_ptr(&t, 12);
    }
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    assert_true(m->capped);
    assert_int_equal(m->nrr, (DEC_DNS_ARENA - 254) / (2 * 254));
    assert_true(m->arena_used <= DEC_DNS_ARENA);
    free(m);
}

/* -------------------------------------------------------------- pairing -- */

static void test_keys(void **state)
{
    (void)state;
    struct tb t;
    struct dec_dns_msg *m = msg_new();
    struct tr_endpoint client = {{4, {10, 77, 0, 2}}, 40001}, server = {{4, {10, 77, 0, 53}}, 53};
    struct tr_endpoint other = {{4, {10, 77, 0, 54}}, 53};
    struct dec_dns_key q, r, x;

    build_query(&t, 0x1234, "www.lesson.test", T_A);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    dec_dns_key_make(m, &client, &server, &q);
    assert_int_equal(q.qname_len, 17);
    assert_memory_equal(q.qname, "\x03www\x06lesson\x04test", 17);

    /* the response, its name in other case (0x20 randomization echoed) */
    t.n = 0;
    dns_hdr(&t, 0x1234, F_QR | F_RA, 1, 1, 0, 0);
    dns_name(&t, "WWW.lesson.Test");
    dns_qtail(&t, T_A);
    dns_ptr(&t, 12);
    dns_rrh(&t, T_A, 1, 4);
    dns_a(&t, 10, 77, 0, 1);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), (int)t.n);
    dec_dns_key_make(m, &server, &client, &r);
    assert_true(dec_dns_key_equal(&q, &r));
    assert_int_equal(dec_dns_key_hash(&q), dec_dns_key_hash(&r));
    assert_true(tr_addr_equal(&r.client.addr, &client.addr) && r.client.port == 40001);

    /* the same response from another server, another ID, another type */
    dec_dns_key_make(m, &other, &client, &x);
    assert_false(dec_dns_key_equal(&q, &x));
    build_query(&t, 0x1235, "www.lesson.test", T_A);
    dec_dns_parse(t.b, t.n, m);
    dec_dns_key_make(m, &client, &server, &x);
    assert_false(dec_dns_key_equal(&q, &x));
    assert_int_not_equal(dec_dns_key_hash(&q), dec_dns_key_hash(&x));
    build_query(&t, 0x1234, "www.lesson.test", T_AAAA);
    dec_dns_parse(t.b, t.n, m);
    dec_dns_key_make(m, &client, &server, &x);
    assert_false(dec_dns_key_equal(&q, &x));
    build_query(&t, 0x1234, "www.lesson.tes", T_A);
    dec_dns_parse(t.b, t.n, m);
    dec_dns_key_make(m, &client, &server, &x);
    assert_false(dec_dns_key_equal(&q, &x));

    /* no question (a FORMERR may carry none): endpoints and ID only */
    t.n = 0;
    dns_hdr(&t, 0x1234, F_QR | 1, 0, 0, 0, 0);
    assert_int_equal(dec_dns_parse(t.b, t.n, m), 12);
    dec_dns_key_make(m, &server, &client, &x);
    assert_int_equal(x.qname_len, 0);
    assert_int_equal(x.qtype, 0);
    assert_false(dec_dns_key_equal(&q, &x));
    free(m);
}

/* ---------------------------------------------------------- TCP framing -- */

struct tcp_out {
    size_t n;
    uint64_t start[8], end[8];
    size_t len[8];
    uint8_t bytes[8][128];
};

static void tcp_feed_all(struct dec_dns_tcp *s, const uint8_t *p, size_t n, struct tcp_out *o)
{
    while (n > 0) {
        size_t used = 0;
        struct dec_dns_tcp_msg msg;
        bool whole = dec_dns_tcp_feed(s, p, n, &used, &msg);
        assert_true(used <= n);
        if (whole) {
            assert_true(o->n < 8 && msg.len <= 128);
            o->start[o->n] = msg.start;
            o->end[o->n] = msg.end;
            o->len[o->n] = msg.len;
            memcpy(o->bytes[o->n], msg.msg, msg.len);
            o->n++;
        } else {
            assert_int_equal(used, n);
        }
        p += used;
        n -= used;
    }
}

static void test_tcp_framing(void **state)
{
    (void)state;
    struct tb a, b, s;
    build_chain(&a);
    build_query(&b, 0x1234, "www.lesson.test", T_A);
    s.n = 0;
    tb_be16(&s, (unsigned)a.n);
    tb_mem(&s, a.b, a.n);
    tb_be16(&s, (unsigned)b.n);
    tb_mem(&s, b.b, b.n);
    size_t n = s.n;

    /* every split into two and into three pieces */
    for (size_t i = 0; i <= n; i++) {
        for (size_t j = i; j <= n; j++) {
            struct dec_dns_tcp st;
            memset(&st, 0, sizeof st);
            struct tcp_out o = {0};
            tcp_feed_all(&st, s.b, i, &o);
            tcp_feed_all(&st, s.b + i, j - i, &o);
            tcp_feed_all(&st, s.b + j, n - j, &o);
            assert_int_equal(o.n, 2);
            assert_int_equal(o.len[0], a.n);
            assert_memory_equal(o.bytes[0], a.b, a.n);
            assert_int_equal(o.start[0], 0);
            assert_int_equal(o.end[0], a.n + 2);
            assert_int_equal(o.len[1], b.n);
            assert_memory_equal(o.bytes[1], b.b, b.n);
            assert_int_equal(o.start[1], a.n + 2);
            assert_int_equal(o.end[1], n);
            assert_int_equal(st.offset, n);
            dec_dns_tcp_done(&st);
        }
    }
    /* a message whole in one piece is not copied */
    struct dec_dns_tcp st;
    memset(&st, 0, sizeof st);
    size_t used;
    struct dec_dns_tcp_msg msg;
    assert_true(dec_dns_tcp_feed(&st, s.b, n, &used, &msg));
    assert_ptr_equal(msg.msg, s.b + 2);
    assert_int_equal(used, a.n + 2);
    assert_null(st.buf);
    dec_dns_tcp_done(&st);

    /* a gap inside the first message's body: it is lost, the second comes */
    memset(&st, 0, sizeof st);
    struct tcp_out o = {0};
    tcp_feed_all(&st, s.b, 20, &o);
    dec_dns_tcp_gap(&st, 30);
    tcp_feed_all(&st, s.b + 50, n - 50, &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.start[0], a.n + 2);
    assert_memory_equal(o.bytes[0], b.b, b.n);
    assert_int_equal(st.broken, 1);
    assert_false(st.lost);
    dec_dns_tcp_done(&st);
    /* a gap ending exactly at its end */
    memset(&st, 0, sizeof st);
    memset(&o, 0, sizeof o);
    tcp_feed_all(&st, s.b, 2, &o);
    dec_dns_tcp_gap(&st, a.n);
    tcp_feed_all(&st, s.b + a.n + 2, n - a.n - 2, &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(o.end[0], n);
    dec_dns_tcp_done(&st);
    /* a gap over the second length prefix: framing is lost */
    memset(&st, 0, sizeof st);
    memset(&o, 0, sizeof o);
    tcp_feed_all(&st, s.b, 20, &o);
    dec_dns_tcp_gap(&st, a.n - 17);
    tcp_feed_all(&st, s.b + a.n + 3, n - a.n - 3, &o);
    assert_int_equal(o.n, 0);
    assert_true(st.lost);
    assert_int_equal(st.offset, n);
    dec_dns_tcp_done(&st);
    /* a gap at a message boundary hides the next prefix */
    memset(&st, 0, sizeof st);
    memset(&o, 0, sizeof o);
    tcp_feed_all(&st, s.b, a.n + 2, &o);
    assert_int_equal(o.n, 1);
    dec_dns_tcp_gap(&st, 1);
    assert_true(st.lost);
    dec_dns_tcp_done(&st);
    /* two gaps in one message: the second within what is left of it, then
     * one past its end */
    memset(&st, 0, sizeof st);
    memset(&o, 0, sizeof o);
    tcp_feed_all(&st, s.b, 20, &o);
    dec_dns_tcp_gap(&st, 10);
    dec_dns_tcp_gap(&st, 10);
    tcp_feed_all(&st, s.b + 40, n - 40, &o);
    assert_int_equal(o.n, 1);
    assert_int_equal(st.broken, 1);
    dec_dns_tcp_done(&st);
    memset(&st, 0, sizeof st);
    tcp_feed_all(&st, s.b, 20, &o);
    dec_dns_tcp_gap(&st, 10);
    dec_dns_tcp_gap(&st, a.n);
    assert_true(st.lost);
    dec_dns_tcp_gap(&st, 5);  /* lost stays lost; offsets still count */
    assert_int_equal(st.offset, 20 + 10 + a.n + 5);
    assert_false(dec_dns_tcp_feed(&st, s.b, 4, &used, &msg));
    assert_int_equal(used, 4);
    dec_dns_tcp_done(&st);
    /* a gap after one byte of a length prefix */
    memset(&st, 0, sizeof st);
    memset(&o, 0, sizeof o);
    tcp_feed_all(&st, s.b, 1, &o);
    dec_dns_tcp_gap(&st, 1);
    assert_true(st.lost);
    assert_int_equal(st.broken, 1);
    dec_dns_tcp_done(&st);
    /* an empty message (length 0): handed on, the parser says what is wrong */
    memset(&st, 0, sizeof st);
    assert_true(dec_dns_tcp_feed(&st, (const uint8_t *)"\0\0\0\x0c", 4, &used, &msg));
    assert_int_equal(used, 2);
    assert_int_equal(msg.len, 0);
    struct dec_dns_msg *m = msg_new();
    assert_int_equal(dec_dns_parse(msg.msg, msg.len, m), DEC_INCOMPLETE);
    free(m);
    dec_dns_tcp_done(&st);
}

/* ------------------------------------------- the captures, against tshark -- */

#define CAP_DIR "tests/data/dns/"

struct cap_read {
    struct tlog lines;          /* NAME.tshark's form */
    struct dec_dns_msg *m;
    size_t messages, prefixes;
    /* answers that hold addresses, for the conn.dns link */
    struct {
        uint64_t frame;
        size_t n;
        struct tr_addr a[8];
    } lookups[32];
    size_t nlookups;
    struct {
        uint64_t first_frame;
        struct tr_addr server;
    } http[4];
    size_t nhttp;
};

struct cap_tcp {
    struct dec_dns_tcp dir[2];
};

static void list_add(struct tlog *l, bool *first, const char *s)
{
    tlog_add(l, "%s%s", *first ? "" : ",", s);
    *first = false;
}

/* one message: NAME.tshark's line for it, every prefix, and its addresses */
static void cap_message(struct cap_read *r, uint64_t frame, const uint8_t *p, size_t n)
{
    struct dec_dns_msg *m = r->m;
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(dec_dns_parse(p, k, m), DEC_INCOMPLETE);
        assert_true(m->error[0] != '\0');
        r->prefixes++;
    }
    int rc = dec_dns_parse(p, n, m);
    if (rc != (int)n)
        fail_msg("frame %llu: rc %d of %zu: %s", (unsigned long long)frame, rc, n, m->error);
    r->messages++;
    struct tlog *l = &r->lines;
    tlog_add(l, "%llu\t0x%04x\t%d\t", (unsigned long long)frame, m->id, m->qr);
    bool first = true;
    for (size_t i = 0; i < m->nq; i++)
        list_add(l, &first, dec_dns_text(m, m->q[i].name));
    tlog_add(l, "\t");
    first = true;
    for (size_t i = 0; i < m->nq; i++) {
        char b[8];
        snprintf(b, sizeof b, "%u", m->q[i].type);
        list_add(l, &first, b);
    }
    tlog_add(l, "\t");
    if (m->qr)
        tlog_add(l, "%u", m->rcode & 0x0f);  /* tshark shows the header's 4 bits */
    tlog_add(l, "\t%d\t%u\t%u\t%u", m->tc, m->count[1], m->count[2], m->count[3]);
    static const uint16_t kinds[] = {T_A, T_AAAA, T_CNAME};
    for (size_t k = 0; k < NELEM(kinds); k++) {
        tlog_add(l, "\t");
        first = true;
        for (size_t i = 0; i < m->nrr; i++)
            if (m->rr[i].type == kinds[k])
                list_add(l, &first, dec_dns_text(m, m->rr[i].data));
    }
    tlog_add(l, "\t");
    first = true;
    for (size_t i = 0; i < m->nrr; i++) {
        if (m->rr[i].type == T_OPT)
            continue;
        char b[16];
        snprintf(b, sizeof b, "%u", m->rr[i].ttl);
        list_add(l, &first, b);
    }
    tlog_add(l, "\n");
    if (m->qr && r->nlookups < NELEM(r->lookups)) {
        r->lookups[r->nlookups].frame = frame;
        size_t k = dec_dns_chain_addrs(m, r->lookups[r->nlookups].a, 8, NULL);
        assert_true(k <= 8);
        r->lookups[r->nlookups].n = k;
        for (size_t i = 0; i < k; i++)
            assert_true(dec_dns_answers_hold(m, &r->lookups[r->nlookups].a[i]));
        r->nlookups++;
    }
}

static void cap_on_conn(void *ctx, struct tr_conn *c)
{
    struct cap_read *r = ctx;
    if (c->server.port == 53) {
        c->user = calloc(1, sizeof(struct cap_tcp));
        assert_non_null(c->user);
    } else if (c->server.port == 80 && r->nhttp < NELEM(r->http)) {
        r->http[r->nhttp].first_frame = c->first_frame;
        r->http[r->nhttp].server = c->server.addr;
        r->nhttp++;
    }
}

static void cap_on_data(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t off,
                        const uint8_t *data, size_t len, uint64_t frame, tr_time ts)
{
    (void)off;
    (void)ts;
    struct cap_tcp *ct = c->user;
    if (!ct)
        return;
    while (len > 0) {
        size_t used;
        struct dec_dns_tcp_msg msg;
        if (dec_dns_tcp_feed(&ct->dir[dir], data, len, &used, &msg))
            cap_message(ctx, frame, msg.msg, msg.len);
        data += used;
        len -= used;
    }
}

static void cap_on_gap(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t off, uint64_t len,
                       uint64_t frame, tr_time ts)
{
    (void)ctx;
    (void)off;
    (void)frame;
    (void)ts;
    struct cap_tcp *ct = c->user;
    if (ct)
        dec_dns_tcp_gap(&ct->dir[dir], len);
}

static void cap_on_close(void *ctx, struct tr_conn *c)
{
    (void)ctx;
    struct cap_tcp *ct = c->user;
    if (!ct)
        return;
    for (int d = 0; d < 2; d++) {
        assert_int_equal(ct->dir[d].broken, 0);
        dec_dns_tcp_done(&ct->dir[d]);
    }
    free(ct);
    c->user = NULL;
}

/* UDP port 53 in an Ethernet frame (the captures' link type): its payload */
static bool cap_udp(const struct tr_frame *f, const uint8_t **payload, size_t *len)
{
    const uint8_t *p = f->data;
    size_t n = f->caplen, ip;
    if (n < 14)
        return false;
    unsigned et = (unsigned)(p[12] << 8 | p[13]);
    if (et == 0x0800 && n >= 14 + 20 && p[14 + 9] == 17) {
        ip = 14 + (size_t)(p[14] & 0x0f) * 4;
    } else if (et == 0x86dd && n >= 14 + 40 && p[14 + 6] == 17) {
        ip = 14 + 40;
    } else {
        return false;
    }
    if (n < ip + 8)
        return false;
    unsigned sport = (unsigned)(p[ip] << 8 | p[ip + 1]);
    unsigned dport = (unsigned)(p[ip + 2] << 8 | p[ip + 3]);
    size_t ulen = (size_t)(p[ip + 4] << 8 | p[ip + 5]);
    if (sport != 53 && dport != 53)
        return false;
    assert_true(ulen >= 8 && ip + ulen <= n);
    *payload = p + ip + 8;
    *len = ulen - 8;
    return true;
}

static void cap_read(const char *path, struct cap_read *r)
{
    memset(r, 0, sizeof *r);
    r->m = msg_new();
    struct tr_capture *cap;
    char err[TR_ERRBUF_SIZE];
    struct tr_capture_opts co = {.file = path};
    if (tr_capture_open(&cap, &co, err) != 0)
        fail_msg("%s: %s", path, err);
    assert_int_equal(tr_capture_linktype(cap), 1);
    static const uint16_t ports[] = {53, 80};
    struct tr_sink sink = {.ctx = r, .on_conn = cap_on_conn, .on_data = cap_on_data,
                           .on_gap = cap_on_gap, .on_close = cap_on_close};
    struct tr_table_opts to = {.server_ports = ports, .nserver_ports = 2};
    struct tr_table *table = tr_table_new(&to, &sink);
    struct tr_frame f;
    int rc;
    while ((rc = tr_capture_next(cap, &f, err)) == TR_NEXT_FRAME) {
        const uint8_t *p;
        size_t n;
        if (cap_udp(&f, &p, &n))
            cap_message(r, f.num, p, n);
        else
            tr_table_frame(table, &f);
    }
    assert_int_equal(rc, TR_NEXT_EOF);
    tr_table_finish(table);
    tr_table_free(table);
    tr_capture_close(cap);
    free(r->m);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* the conn.dns rule: the latest lookup before the connection's first packet
 * whose answers hold the server's address; its frame, or 0 */
static uint64_t cap_link(const struct cap_read *r, size_t http)
{
    uint64_t best = 0;
    for (size_t i = 0; i < r->nlookups; i++) {
        if (r->lookups[i].frame >= r->http[http].first_frame)
            continue;
        for (size_t k = 0; k < r->lookups[i].n; k++)
            if (tr_addr_equal(&r->lookups[i].a[k], &r->http[http].server))
                best = r->lookups[i].frame;
    }
    return best;
}

/* the same rule on tshark's reading: the latest response line before the
 * frame whose A or AAAA column (fields 11, 12) lists the address; 0: none */
static uint64_t oracle_link(const char *oracle, uint64_t before, const char *addr)
{
    uint64_t best = 0;
    for (const char *line = oracle; *line;) {
        const char *eol = strchr(line, '\n');
        size_t len = eol ? (size_t)(eol - line) : strlen(line);
        char buf[1024], *field[16];
        int nf = 0;
        assert_true(len < sizeof buf);
        memcpy(buf, line, len);
        buf[len] = '\0';
        for (char *f = buf, *tab; nf < 16; f = tab + 1) {
            field[nf++] = f;
            if (!(tab = strchr(f, '\t')))
                break;
            *tab = '\0';
        }
        assert_int_equal(nf, 14);
        uint64_t frame = strtoull(field[0], NULL, 10);
        for (int k = 10; k <= 11 && frame < before && strcmp(field[2], "1") == 0; k++)
            for (char *save, *a = strtok_r(field[k], ",", &save); a; a = strtok_r(NULL, ",", &save))
                if (strcmp(a, addr) == 0)
                    best = frame;
        line += len + (eol ? 1 : 0);
    }
    return best;
}

static void test_captures(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t messages;
        bool http;
    } caps[] = {
        {"dns-curl", 4, true},   /* the A answer holds 10.77.0.1; the AAAA answer after it not */
        {"dns-retry", 6, true},  /* the silent server's queries unanswered; a chain answered */
        {"dns-dig", 20, false},
    };
    size_t total = 0, prefixes = 0;
    for (size_t i = 0; i < NELEM(caps); i++) {
        char path[128], want[128];
        snprintf(path, sizeof path, CAP_DIR "%s.pcap", caps[i].name);
        snprintf(want, sizeof want, CAP_DIR "%s.tshark", caps[i].name);
        struct cap_read *r = calloc(1, sizeof *r);
        assert_non_null(r);
        cap_read(path, r);
        const char *oracle = slurp(want);
        if (strcmp(tlog_str(&r->lines), oracle) != 0)
            fail_msg("%s: httpstep reads\n%s\ntshark reads\n%s", path, tlog_str(&r->lines),
                     oracle);
        assert_int_equal(r->messages, caps[i].messages);
        assert_int_equal(r->nhttp, caps[i].http ? 1 : 0);
        if (caps[i].http) {
            char addr[TR_ADDRSTRLEN];
            tr_addr_format(&r->http[0].server, addr);
            assert_string_equal(addr, "10.77.0.1");
            uint64_t link = cap_link(r, 0);
            assert_true(link > 0);
            assert_int_equal(link, oracle_link(oracle, r->http[0].first_frame, addr));
        }
        total += r->messages;
        prefixes += r->prefixes;
        tlog_free(&r->lines);
        free(r);
    }
    print_message("%zu DNS messages read as tshark reads them; %zu of their prefixes cut "
                  "cleanly\n", total, prefixes);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_response),
        cmocka_unit_test(test_chain_order_and_loops),
        cmocka_unit_test(test_pointers),
        cmocka_unit_test(test_hop_limit),
        cmocka_unit_test(test_name_lengths),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_nxdomain_soa),
        cmocka_unit_test(test_records),
        cmocka_unit_test(test_bad_records),
        cmocka_unit_test(test_truncation_points),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_tcp_framing),
        cmocka_unit_test(test_captures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
