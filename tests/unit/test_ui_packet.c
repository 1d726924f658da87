/* test_ui_packet.c - the UI's figures and a packet's detail (ui/packet.c,
 * ui/numbering.c, ui/app.c's formatters): sizes never cut, counts with
 * separators, RTT samples and EstimatedRTT by RFC 6298 with Karn's rule,
 * bytes and segments as reassembled, the acknowledgement of a SYN, the
 * stages a segment carries and pipelined requests counted
 *
 *   build/tests/test_ui_packet       (from the top directory)
 */
#include "testutil.h"

#include "../../ui/view.h"

/* --------------------------------------------------------- formatters -- */

static void test_fmt_bytes(void **state)
{
    (void)state;
    static const struct {
        uint64_t v;
        const char *want;
    } cases[] = {
        {0, "0 B"},           {9999, "9999 B"},         {10000, "10.0 kB"},
        {999949, "999.9 kB"}, {999950, "1.0 MB"},        {1000000, "1.0 MB"},
        {1499908, "1.5 MB"},  {999949999, "999.9 MB"},   {999950000, "1.0 GB"},
        {UINT64_MAX, "18446.7 PB"},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        char buf[32];
        ui_app_fmt_bytes(buf, sizeof buf, cases[i].v);
        assert_string_equal(buf, cases[i].want);
        if (cases[i].v < UINT64_MAX)
            assert_true(strlen(buf) <= 8);  /* the list's column: never a cut figure */
    }
}

static void test_fmt_count(void **state)
{
    (void)state;
    static const struct {
        uint64_t v;
        const char *want;
    } cases[] = {
        {0, "0"}, {999, "999"}, {1000, "1,000"}, {65535, "65,535"}, {1000000, "1,000,000"},
        {UINT64_MAX, "18,446,744,073,709,551,615"},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        char buf[40];
        ui_app_fmt_count(buf, sizeof buf, cases[i].v);
        assert_string_equal(buf, cases[i].want);
    }
    char small[4];
    ui_app_fmt_count(small, sizeof small, 123456);
    assert_int_equal(strlen(small), 3);
}

static void test_numbering(void **state)
{
    (void)state;
    assert_string_equal(teach_stage_number(DEC_STAGE_HANDSHAKE), "1");
    assert_string_equal(teach_stage_number(DEC_STAGE_REQUEST_HEADERS), "3a");
    assert_string_equal(teach_stage_number(DEC_STAGE_REQUEST_BLANK_LINE), "3b");
    assert_string_equal(teach_stage_number(DEC_STAGE_REQUEST_BODY), "3c");
    assert_string_equal(teach_stage_number(DEC_STAGE_RESPONSE_BLANK_LINE), "6a");
    assert_string_equal(teach_stage_number(DEC_STAGE_RESPONSE_BODY), "6b");
    assert_string_equal(teach_stage_number(DEC_STAGE_KEEP_ALIVE), "7");
    assert_string_equal(teach_stage_number(DEC_STAGE_COUNT), "?");
}

/* ------------------------------------------------- a record by hand -- */

/* a connection's packets, written by hand: a client that sends data
 * segments, a server that acknowledges them */
struct hand {
    struct dec_record d;
    uint64_t frame;
};

static void hand_init(struct hand *h)
{
    memset(h, 0, sizeof *h);
    dec_record_init(&h->d, 1);
    h->d.tc.syn_seen = h->d.tc.synack_seen = true;
    h->d.tc.side[0].opts.wscale = h->d.tc.side[1].opts.wscale = -1;  /* no scaling */
    h->d.tc.side[0].isn = 1000;
    h->d.tc.side[1].isn = 5000;
}

/* a segment at time ms: from the client (data: offset, len) or from the
 * server (an acknowledgement of the client's stream up to ack) */
static void hand_seg(struct hand *h, enum tr_dir dir, double ms, uint64_t off, uint32_t len,
                     int64_t ack, bool retrans)
{
    struct dec_record *d = &h->d;
    tr_xgrow(&d->pkts, &d->cpkts, d->npkts + 1, sizeof *d->pkts);
    struct tr_seg s = {
        .frame = ++h->frame, .ts = (tr_time)(ms * 1000), .dir = dir, .flags = TR_TCP_ACK,
        .seq = (uint32_t)(d->tc.side[dir].isn + 1 + off), .rel_seq = (uint32_t)(1 + off),
        .len = len, .caplen = len, .offset = off, .ack_offset = ack, .window = 1000,
        .retransmission = retrans, .wscale = 0, .opts = {.wscale = -1},
    };
    s.rel_ack = ack >= 0 ? (uint32_t)(1 + ack) : 0;
    d->pkts[d->npkts++] = (struct dec_pkt){s, -1, 0};
}

static char *detail(const struct dec_record *d, size_t k)
{
    struct tr_sbuf b = {0};
    ui_packet_detail(d, k, &b);
    return tr_sb_take(&b);
}

static void expect_in(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("expected \"%s\" in:\n%s", want, text);
}

/* K&R's EstimatedRTT: samples 5, 7 and 9 ms give 5, 5.25, then 5.71875 ms;
 * a retransmitted segment gives no sample; an unacknowledged one neither */
static void test_rtt(void **state)
{
    (void)state;
    struct hand h;
    hand_init(&h);
    hand_seg(&h, TR_DIR_C2S, 0, 0, 100, 0, false);      /* frame 1 */
    hand_seg(&h, TR_DIR_S2C, 5, 0, 0, 100, false);      /* 2: acks 1 after 5 ms */
    hand_seg(&h, TR_DIR_C2S, 10, 100, 100, 0, false);   /* 3 */
    hand_seg(&h, TR_DIR_S2C, 17, 0, 0, 200, false);     /* 4: acks 3 after 7 ms */
    hand_seg(&h, TR_DIR_C2S, 20, 200, 100, 0, false);   /* 5 */
    hand_seg(&h, TR_DIR_C2S, 21, 200, 100, 0, true);    /* 6: a copy of 5 */
    hand_seg(&h, TR_DIR_S2C, 29, 0, 0, 300, false);     /* 7: acks 5 after 9 ms */
    hand_seg(&h, TR_DIR_C2S, 30, 300, 50, 0, false);    /* 8: never acknowledged */
    char *t = detail(&h.d, 0);
    expect_in(t, "RTT sample 5.0ms (acked by frame 2); EstimatedRTT 5.0ms, the first sample.");
    free(t);
    t = detail(&h.d, 2);
    expect_in(t, "RTT sample 7.0ms (acked by frame 4); EstimatedRTT 5.2ms = 7/8 x 5.0ms + 1/8 x 7.0ms.");
    free(t);
    t = detail(&h.d, 4);
    expect_in(t, "RTT sample 9.0ms (acked by frame 7); EstimatedRTT 5.7ms = 7/8 x 5.2ms + 1/8 x 9.0ms.");
    free(t);
    t = detail(&h.d, 5);
    expect_in(t, "R, retransmission: every byte of it had arrived before");
    expect_in(t, "No RTT sample from a retransmission");
    free(t);
    t = detail(&h.d, 7);
    expect_in(t, "No RTT sample: no acknowledgement of it was captured.");
    /* 350 bytes in 4 segments (the copy brought nothing new), from the
     * first byte (0 ms) to the last segment, never acknowledged (30 ms) */
    expect_in(t, "Client: 350 bytes in 4 segments, 30.0ms to the last Ack, 93.3 kbit/s.");
    free(t);
    dec_record_free(&h.d);
}

/* a copy that fills a hole is counted (its original never arrived); one
 * that brings half new bytes counts those */
static void test_reassembled_bytes(void **state)
{
    (void)state;
    struct hand h;
    hand_init(&h);
    hand_seg(&h, TR_DIR_C2S, 0, 0, 100, 0, false);
    hand_seg(&h, TR_DIR_C2S, 1, 200, 100, 0, false);   /* a hole at 100..200 */
    hand_seg(&h, TR_DIR_C2S, 2, 100, 100, 0, true);    /* the copy that fills it */
    hand_seg(&h, TR_DIR_C2S, 3, 250, 100, 0, false);   /* 50 new bytes */
    hand_seg(&h, TR_DIR_C2S, 4, 0, 350, 0, true);      /* nothing new */
    hand_seg(&h, TR_DIR_S2C, 5, 0, 0, 350, false);
    char *t = detail(&h.d, 5);
    expect_in(t, "Client: 350 bytes in 4 segments, 5.0ms to the last Ack");
    free(t);
    dec_record_free(&h.d);
}

/* ---------------------------------------------------------- samples -- */

/* connection 1 of a capture, as the UI records it */
static void load(const char *path, struct dec_record *d)
{
    char err[TR_ERRBUF_SIZE];
    struct dec_sink ds;
    dec_record_init(d, 1);
    dec_record_sink(d, &ds);
    struct dec_pipeline_opts po = {.file = path, .preview = 64 << 10, .decode_content = true};
    struct dec_pipeline *p;
    if (dec_pipeline_open(&p, &po, &ds, err) != DEC_PIPE_OK)
        fail_msg("%s", err);
    while (dec_pipeline_next(p) == DEC_PIPE_FRAME)
        ;
    dec_pipeline_close(p);
    dec_record_link(d);
}

static long pkt(const struct dec_record *d, uint64_t frame)
{
    long k = dec_record_pkt_of(d, frame);
    assert_true(k >= 0);
    return k;
}

/* the SYN-ACK acknowledges the client's ISN + 1, and says why */
static void test_synack(void **state)
{
    (void)state;
    struct dec_record d;
    load("samples/01-classic-get.pcap", &d);
    const struct tr_seg *syn = &d.pkts[pkt(&d, 1)].seg, *synack = &d.pkts[pkt(&d, 2)].seg;
    assert_true(syn->flags & TR_TCP_SYN);
    char want[200];
    snprintf(want, sizeof want, "Ack 1 (absolute %u) = the client's ISN %u + 1, as its SYN used one",
             syn->seq + 1, syn->seq);
    char *t = detail(&d, (size_t)pkt(&d, 2));
    expect_in(t, want);
    snprintf(want, sizeof want, "Seq 0 (absolute %u): the server's initial sequence number", synack->seq);
    expect_in(t, want);
    expect_in(t, "Options: MSS");
    expect_in(t, "Part of: 1 Handshake.");
    free(t);
    t = detail(&d, (size_t)pkt(&d, 4));
    expect_in(t, "92 bytes of payload");
    expect_in(t, "Carries: 2 Request line, 3a Request headers, 3b Blank line (exchange 1).");
    free(t);
    dec_record_free(&d);
}

/* the tracer's facts of each segment (issue 14): its own options with SACK
 * blocks, TTL and IP ID, the rule that decided a retransmission or a late
 * original with the values compared, duplicate ACKs */
static void test_segment_facts(void **state)
{
    (void)state;
    struct dec_record d;
    load("samples/12-lossy-network.pcap", &d);
    bool saw_tsval[2] = {false, false}, saw_dup = false, saw_sack = false;
    for (size_t k = 0; k < d.npkts; k++) {
        const struct tr_seg *s = &d.pkts[k].seg;
        char *t = detail(&d, k);
        if (getenv("TEST_DUMP"))
            fprintf(stderr, "----\n%s", t);
        char want[200];
        snprintf(want, sizeof want, "IP: TTL %u, ID %u (0x%04x).", s->ttl, s->ip_id, s->ip_id);
        expect_in(t, want);
        if (s->opts.has_ts) {
            snprintf(want, sizeof want, "timestamps (TSval %u, TSecr %u)", s->opts.ts_val,
                     s->opts.ts_ecr);
            expect_in(t, want);
        }
        if (s->opts.nsack) {
            uint32_t isn = d.tc.side[!s->dir].isn;
            snprintf(want, sizeof want, "SACK: has bytes %u to %u", s->opts.sack[0][0] - isn,
                     s->opts.sack[0][1] - isn - 1);
            expect_in(t, want);
            saw_sack = true;
        }
        if ((s->retransmission || s->out_of_order) && s->rule == TR_SEG_RULE_TSVAL) {
            snprintf(want, sizeof want, "%s: its TSval %u is %snewer than the TSval %u of frame %llu",
                     s->retransmission ? "R, retransmission" : "O, out of order, a late original",
                     s->rule_a, s->retransmission ? "" : "not ", s->rule_b,
                     (unsigned long long)s->ref_frame);
            expect_in(t, want);
            saw_tsval[s->retransmission] = true;
        }
        if (s->dup_ack) {
            snprintf(want, sizeof want, "Duplicate ACK no. %u: the same Ack %u", s->dup_ack, s->rel_ack);
            expect_in(t, want);
            saw_dup = true;
        }
        free(t);
    }
    if (getenv("TEST_DUMP"))
        fprintf(stderr, "tsval copy %d late %d dup %d sack %d\n", saw_tsval[1], saw_tsval[0], saw_dup, saw_sack);
    assert_true(saw_tsval[1] && saw_dup && saw_sack);
    dec_record_free(&d);
}

/* the list's order grows with the rows: sorted by (connection, exchange)
 * after every batch, whatever the batches (appended, or merged in the
 * middle when an older connection has a new exchange) */
static void test_ix_sort_incremental(void **state)
{
    (void)state;
    struct ui_index ix;
    ui_ix_init(&ix);
    enum { CONNS = 7, ROWS = 3000 };
    tr_xgrow(&ix.conns, &ix.cconns, CONNS, sizeof *ix.conns);
    ix.nconns = CONNS;
    for (int c = 0; c < CONNS; c++)
        ix.conns[c] = (struct ui_crow){.id = (uint64_t)(CONNS - c) * 10,  /* not in slot order */
                                       .last_row = UINT32_MAX};
    uint32_t next[CONNS] = {0};
    uint64_t seed = 12345;
    size_t batch = 1;
    while (ix.nrows < ROWS) {
        for (size_t b = 0; b < batch && ix.nrows < ROWS; b++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            uint32_t c = (uint32_t)((seed >> 33) % CONNS);
            tr_xgrow(&ix.rows, &ix.crows, ix.nrows + 1, sizeof *ix.rows);
            ix.rows[ix.nrows] = (struct ui_row){.conn = c, .index = next[c]++,
                                                .prev = ix.conns[c].last_row};
            ix.conns[c].last_row = (uint32_t)ix.nrows++;
            ix.conns[c].nrows++;
        }
        ix.order_dirty = true;
        ui_ix_sort(&ix);
        assert_int_equal(ix.norder, ix.nrows);
        for (size_t i = 1; i < ix.norder; i++) {
            const struct ui_row *x = &ix.rows[ix.order[i - 1]], *y = &ix.rows[ix.order[i]];
            uint64_t cx = ix.conns[x->conn].id, cy = ix.conns[y->conn].id;
            assert_true(cx < cy || (cx == cy && x->index < y->index));
        }
        batch = batch * 3 % 97 + 1;
    }
    /* live: the oldest rows go; the order stays sorted and whole, a
     * position follows its row, ended connections without rows go */
    for (int c = 0; c < CONNS; c++)
        ix.conns[c].ended = c != 2;
    size_t pos = ix.norder - 1, drop = ix.nrows / 2;
    uint32_t want_row = ix.order[pos] - (uint32_t)drop;
    struct ui_row want = ix.rows[ix.order[pos]];
    ui_ix_drop_oldest(&ix, drop, &pos);
    assert_int_equal(ix.nrows, ROWS - drop);
    assert_int_equal(ix.norder, ix.nrows);
    assert_int_equal(ix.order[pos], want_row);
    assert_int_equal(ix.rows[ix.order[pos]].index, want.index);
    for (size_t i = 1; i < ix.norder; i++) {
        const struct ui_row *x = &ix.rows[ix.order[i - 1]], *y = &ix.rows[ix.order[i]];
        uint64_t cx = ix.conns[x->conn].id, cy = ix.conns[y->conn].id;
        assert_true(cx < cy || (cx == cy && x->index < y->index));
    }
    for (size_t i = 0; i < ix.nrows; i++) {
        const struct ui_row *r = &ix.rows[i];
        assert_true(r->conn < ix.nconns);
        assert_true(r->prev == UINT32_MAX || r->prev < i);
    }
    size_t n = 0;
    for (size_t c = 0; c < ix.nconns; c++)
        n += ix.conns[c].nrows;
    assert_int_equal(n, ix.nrows);
    size_t all = ix.nrows;
    pos = 0;
    ui_ix_drop_oldest(&ix, all, &pos);  /* everything: only the open connection stays */
    assert_int_equal(ix.norder, 0);
    assert_int_equal(pos, SIZE_MAX);
    assert_int_equal(ix.nconns, 1);
    assert_int_equal(ix.conns[0].id, (uint64_t)(CONNS - 2) * 10);
    ui_ix_free(&ix);
}

/* one segment with two pipelined requests says so, in every form */
static void test_pipelined_label(void **state)
{
    (void)state;
    struct dec_record d;
    load("samples/10-pipelining.pcap", &d);
    char buf[256];
    size_t k = (size_t)pkt(&d, 4);
    ui_pkt_label(&d, k, UI_LABEL_FULL, buf, sizeof buf);
    assert_string_equal(buf, "2 requests: Request line + Request headers + Blank line");
    ui_pkt_label(&d, k, UI_LABEL_BRIEF, buf, sizeof buf);
    assert_string_equal(buf, "2 requests");
    ui_pkt_label(&d, k, UI_LABEL_NUMBER, buf, sizeof buf);
    assert_string_equal(buf, "2x(2+3a+3b)");
    /* a response's head in one segment: each of its stages */
    ui_pkt_label(&d, (size_t)pkt(&d, 6), UI_LABEL_NUMBER, buf, sizeof buf);
    assert_string_equal(buf, "4+5+6a");
    dec_record_free(&d);
}

/* an interim response is named by its status, on the ladder and in titles */
static void test_interim_label(void **state)
{
    (void)state;
    struct dec_record d;
    load("samples/06-expect-100-continue.pcap", &d);
    char buf[256];
    for (size_t k = 0; k < d.nstgs; k++)
        if (d.stgs[k]->kind == DEC_STAGE_STATUS_LINE) {
            assert_string_equal(teach_stage_label(d.stgs[k], false, buf, sizeof buf), "100 Continue");
            break;
        }
    ui_pkt_label(&d, (size_t)pkt(&d, 6), UI_LABEL_FULL, buf, sizeof buf);
    assert_string_equal(buf, "100 Continue + 100 Continue: Response headers + 100 Continue: Blank line");
    dec_record_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fmt_bytes),       cmocka_unit_test(test_fmt_count),
        cmocka_unit_test(test_numbering),       cmocka_unit_test(test_rtt),
        cmocka_unit_test(test_reassembled_bytes), cmocka_unit_test(test_synack), cmocka_unit_test(test_segment_facts),
        cmocka_unit_test(test_ix_sort_incremental),
        cmocka_unit_test(test_pipelined_label), cmocka_unit_test(test_interim_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
