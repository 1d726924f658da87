/* test_tcp.c - TCP reassembly driven segment by segment through
 * tr_table_packet, events compared line by line with a recording sink
 *
 * The client is 10.0.0.1:40000 (ISN 1000), the server 10.0.0.2:80 (ISN
 * 5000); frames are numbered from 1, 100 microseconds apart.
 *
 * Longer than 800 lines: a test file (reassembly in order, reversed,
 * duplicated, overlapping, with gaps, across the wrap, every close).
 */
#include "testutil.h"

enum { CLI, SRV };

#define SYN TR_TCP_SYN
#define SA (TR_TCP_SYN | TR_TCP_ACK)
#define A TR_TCP_ACK
#define PA (TR_TCP_PSH | TR_TCP_ACK)
#define FA (TR_TCP_FIN | TR_TCP_ACK)
#define FPA (TR_TCP_FIN | TR_TCP_PSH | TR_TCP_ACK)
#define R TR_TCP_RST
#define RA (TR_TCP_RST | TR_TCP_ACK)

struct tt {
    struct tr_table *tab;
    struct trec r;
    uint64_t frame;
    tr_time ts;
    tr_time step;
    uint16_t cport;          /* the client's port for the next segments */
};

static const uint16_t port80[] = {80};

static void tt_open_opts(struct tt *t, struct tr_table_opts o)
{
    memset(t, 0, sizeof *t);
    t->step = 100;
    t->cport = 40000;
    struct tr_sink sink;
    trec_sink(&t->r, &sink);
    t->tab = tr_table_new(&o, &sink);
}

static void tt_open(struct tt *t)
{
    tt_open_opts(t, (struct tr_table_opts){.server_ports = port80, .nserver_ports = 1});
}

static void tt_close(struct tt *t)
{
    tr_table_free(t->tab);
    trec_free(&t->r);
}

/* one segment with `len` payload bytes of which `caplen` were captured */
static void snd_n(struct tt *t, int from, uint8_t flags, uint32_t seq, uint32_t ack,
                  const void *data, size_t len, size_t caplen)
{
    struct tr_packet p;
    memset(&p, 0, sizeof p);
    tf_addr(4, NULL, "10.0.0.1", p.src.a);
    tf_addr(4, NULL, "10.0.0.2", p.dst.a);
    p.src.family = p.dst.family = 4;
    p.sport = t->cport;
    p.dport = 80;
    if (from == SRV) {
        struct tr_addr a = p.src;
        p.src = p.dst;
        p.dst = a;
        p.sport = 80;
        p.dport = t->cport;
    }
    p.seq = seq;
    p.ack = ack;
    p.flags = flags;
    p.window = 65535;
    p.opts.wscale = -1;
    p.payload = data;
    p.len = (uint32_t)len;
    p.caplen = (uint32_t)caplen;
    t->frame++;
    t->ts += t->step;
    tr_table_packet(t->tab, &p, t->frame, t->ts, -1);
}

static void snd(struct tt *t, int from, uint8_t flags, uint32_t seq, uint32_t ack, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    snd_n(t, from, flags, seq, ack, s, n, n);
}

/* frames 1-3: SYN 1000, SYN-ACK 5000, ACK */
static void handshake(struct tt *t)
{
    snd(t, CLI, SYN, 1000, 0, NULL);
    snd(t, SRV, SA, 5000, 1001, NULL);
    snd(t, CLI, A, 1001, 5001, NULL);
}

static void expect_log(struct tt *t, const char *want)
{
    if (getenv("TEST_DUMP") && strcmp(tlog_str(&t->r.log), want) != 0)
        fprintf(stderr, "@@@\n%s@@@\n", tlog_str(&t->r.log));
    assert_string_equal(tlog_str(&t->r.log), want);
    assert_int_equal(t->r.offset_errors, 0);
    assert_int_equal(t->r.events_after_close, 0);
}

static void expect_stream(struct tt *t, uint64_t id, enum tr_dir d, const char *want)
{
    assert_string_equal(tlog_str(&t->r.stream[id][d]), want);
}

#define CONN1 "conn 1 10.0.0.1:40000>10.0.0.2:80 syn=1 synack=0\n"
#define HS1 "hs 1 f1,2,3\n"

/* ------------------------------------------------------------ in order -- */

static void test_in_order(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.segments = true;
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "hello");
    snd(&t, SRV, A, 5001, 1006, NULL);
    snd(&t, SRV, PA, 5001, 1006, "world!");
    snd(&t, CLI, FA, 1006, 5007, NULL);
    snd(&t, SRV, FA, 5007, 1007, NULL);
    snd(&t, CLI, A, 1007, 5008, NULL);  /* the last ACK: the close ends with it */
    snd(&t, CLI, A, 1007, 5008, NULL);  /* absorbed by the closed connection */
    expect_log(&t, CONN1
               "seg 1 f1 c2s S rel=0 len=0 off=0 ackoff=-1\n"
               "seg 1 f2 s2c SA rel=0 len=0 off=0 ackoff=0\n"
               "seg 1 f3 c2s A rel=1 len=0 off=0 ackoff=0\n"
               HS1
               "seg 1 f4 c2s PA rel=1 len=5 off=0 ackoff=0\n"
               "data 1 c2s 0+5 f4 \"hello\"\n"
               "seg 1 f5 s2c A rel=1 len=0 off=0 ackoff=5\n"
               "seg 1 f6 s2c PA rel=1 len=6 off=0 ackoff=5\n"
               "data 1 s2c 0+6 f6 \"world!\"\n"
               "seg 1 f7 c2s FA rel=6 len=0 off=5 ackoff=6\n"
               "fin 1 c2s f7\n"
               "seg 1 f8 s2c FA rel=7 len=0 off=6 ackoff=6\n"
               "fin 1 s2c f8\n"
               "seg 1 f9 c2s A rel=7 len=0 off=6 ackoff=7\n"
               "close 1 fin client f7,8 bytes=5/6 gaps=0/0\n");
    struct tr_stats st;
    tr_table_stats(t.tab, &st);
    assert_int_equal(st.tcp_packets, 10);
    assert_int_equal(st.tcp_conns, 1);
    assert_int_equal(st.active_conns, 0);
    assert_int_equal(st.peak_conns, 1);
    tr_table_finish(t.tab);  /* nothing left to end */
    assert_int_equal(t.r.closes, 1);
    tt_close(&t);
}

/* the server closes first; FIN carried with the last data */
static void test_fin_server_first(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "GET");
    snd(&t, SRV, FPA, 5001, 1004, "bye");
    snd(&t, CLI, FA, 1004, 5005, NULL);
    snd(&t, SRV, A, 5005, 1005, NULL);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+3 f4 \"GET\"\n"
               "data 1 s2c 0+3 f5 \"bye\"\n"
               "fin 1 s2c f5\n"
               "fin 1 c2s f6\n"
               "close 1 fin server f6,5 bytes=3/3 gaps=0/0\n");
    tt_close(&t);
}

/* The close ends with the ACK of the second FIN (issue 14): until it comes
 * the connection stays open; a close whose last ACK is not captured ends
 * TR_FIN_ACK_WAIT_US later, on a segment of another connection or on a tick of
 * a live capture with nothing to read. */
static void test_close_waits_last_ack(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, FA, 1001, 5001, NULL);
    snd(&t, SRV, FA, 5001, 1002, NULL);  /* acknowledges the client's FIN, carries its own */
    assert_int_equal(t.r.closes, 0);     /* the server's FIN is not acknowledged yet */
    snd(&t, CLI, A, 1002, 5001, NULL);   /* an ACK of something else: still waiting */
    assert_int_equal(t.r.closes, 0);
    snd(&t, CLI, A, 1002, 5002, NULL);   /* the last ACK */
    assert_int_equal(t.r.closes, 1);
    expect_log(&t, CONN1 HS1 "fin 1 c2s f4\n" "fin 1 s2c f5\n"
               "close 1 fin client f4,5 bytes=0/0 gaps=0/0\n");
    tt_close(&t);

    /* the last ACK never comes: a segment of another connection, past the wait */
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, FA, 1001, 5001, NULL);
    snd(&t, SRV, FA, 5001, 1002, NULL);
    t.ts += TR_FIN_ACK_WAIT_US - t.step;    /* the next segment comes just at the end of the wait */
    t.cport = 40001;
    snd(&t, CLI, SYN, 7000, 0, NULL);
    assert_int_equal(t.r.closes, 0);
    t.ts += 1000;
    snd(&t, CLI, A, 7001, 9001, NULL);
    assert_int_equal(t.r.closes, 1);
    t.cport = 40000;
    snd(&t, CLI, A, 1002, 5002, NULL);   /* too late: absorbed by the closed connection */
    assert_int_equal(t.r.closes, 1);
    assert_int_equal(t.r.events_after_close, 0);
    tt_close(&t);

    /* nothing more comes at all: a live capture's tick */
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, FA, 1001, 5001, NULL);
    snd(&t, SRV, FA, 5001, 1002, NULL);
    tr_table_tick(t.tab, t.ts + TR_FIN_ACK_WAIT_US);
    assert_int_equal(t.r.closes, 0);
    tr_table_tick(t.tab, t.ts + TR_FIN_ACK_WAIT_US + 1);
    assert_int_equal(t.r.closes, 1);
    struct tr_stats st;
    tr_table_stats(t.tab, &st);
    assert_int_equal(st.active_conns, 0);
    expect_log(&t, CONN1 HS1 "fin 1 c2s f4\n" "fin 1 s2c f5\n"
               "close 1 fin client f4,5 bytes=0/0 gaps=0/0\n");
    tt_close(&t);
}

/* half-close: the client's FIN, then the server's data, then its FIN */
static void test_half_close(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "req");
    snd(&t, CLI, FA, 1004, 5001, NULL);
    snd(&t, SRV, A, 5001, 1005, NULL);
    snd(&t, SRV, PA, 5001, 1005, "resp");
    snd(&t, SRV, PA, 5005, 1005, "onse2");
    snd(&t, CLI, A, 1005, 5010, NULL);
    snd(&t, SRV, FA, 5010, 1005, NULL);
    snd(&t, CLI, A, 1005, 5011, NULL);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+3 f4 \"req\"\n"
               "fin 1 c2s f5\n"
               "data 1 s2c 0+4 f7 \"resp\"\n"
               "data 1 s2c 4+5 f8 \"onse2\"\n"
               "fin 1 s2c f10\n"
               "close 1 fin client f5,10 bytes=3/9 gaps=0/0\n");
    tt_close(&t);
}

/* data after a FIN is not part of the stream */
static void test_after_fin(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, FPA, 1001, 5001, "abc");
    snd(&t, CLI, PA, 1005, 5001, "zzz");
    snd(&t, CLI, PA, 1002, 5001, "bcX");  /* runs past the FIN: cut there */
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+3 f4 \"abc\"\n"
               "fin 1 c2s f4\n"
               "note 1 f6 retransmission: 2 bytes of the client's stream sent again\n"
               "close 1 fin client f4,0 bytes=3/0 gaps=0/0\n");
    tt_close(&t);
}

/* ---------------------------------------------------------- reordering -- */

static void test_reversed(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.segments = true;
    handshake(&t);
    tlog_clear(&t.r.log);
    snd(&t, CLI, PA, 1011, 5001, "ccccc");
    snd(&t, CLI, PA, 1006, 5001, "bbbbb");
    snd(&t, CLI, PA, 1001, 5001, "aaaaa");
    snd(&t, SRV, A, 5001, 1016, NULL);
    tr_table_finish(t.tab);
    expect_log(&t, "seg 1 f4 c2s PA rel=11 len=5 off=10 ackoff=0\n"
                   "seg 1 f5 c2s PA rel=6 len=5 off=5 ackoff=0 ooo\n"
                   "note 1 f5 out_of_order: 5 bytes of the client's stream arrived after bytes that follow "
               "them (frame 4): by timing: the hole was filled 0.1 ms after it opened, within 3.0 ms\n"
                   "seg 1 f6 c2s PA rel=1 len=5 off=0 ackoff=0 ooo\n"
                   "note 1 f6 out_of_order: 5 bytes of the client's stream arrived after bytes that follow "
               "them (frame 5): by timing: the hole was filled 0.2 ms after it opened, within 3.0 ms\n"
                   "data 1 c2s 0+5 f6 \"aaaaa\"\n"
                   "data 1 c2s 5+5 f5 \"bbbbb\"\n"
                   "data 1 c2s 10+5 f4 \"ccccc\"\n"
                   "seg 1 f7 s2c A rel=1 len=0 off=0 ackoff=15\n"
                   "close 1 end - f0,0 bytes=15/0 gaps=0/0\n");
    expect_stream(&t, 1, TR_DIR_C2S, "aaaaabbbbbccccc");
    tt_close(&t);
}

/* a hole filled long after (more than a round trip): a lost segment sent again */
static void test_refill_after_loss(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "aaaaa");
    snd(&t, CLI, PA, 1011, 5001, "ccccc");
    t.ts += 200000;
    snd(&t, CLI, PA, 1006, 5001, "bbbbb");
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+5 f4 \"aaaaa\"\n"
               "note 1 f6 retransmission: 5 bytes of the client's stream sent again after a loss: by "
               "timing: the hole was filled 200.1 ms after it opened, later than 3.0 ms\n"
               "data 1 c2s 5+5 f6 \"bbbbb\"\n"
               "data 1 c2s 10+5 f5 \"ccccc\"\n"
               "close 1 end - f0,0 bytes=15/0 gaps=0/0\n");
    tt_close(&t);
}

/* a FIN that arrives before the bytes in front of it */
static void test_fin_out_of_order(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "aaa");
    snd(&t, CLI, FPA, 1007, 5001, "ccc");
    snd(&t, CLI, PA, 1004, 5001, "bbb");
    snd(&t, SRV, FA, 5001, 1011, NULL);
    snd(&t, CLI, A, 1011, 5002, NULL);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+3 f4 \"aaa\"\n"
               "note 1 f6 out_of_order: 3 bytes of the client's stream arrived after bytes that follow "
               "them (frame 5): by timing: the hole was filled 0.1 ms after it opened, within 3.0 ms\n"
               "data 1 c2s 3+3 f6 \"bbb\"\n"
               "data 1 c2s 6+3 f5 \"ccc\"\n"
               "fin 1 c2s f5\n"
               "fin 1 s2c f7\n"
               "close 1 fin client f5,7 bytes=9/0 gaps=0/0\n");
    tt_close(&t);
}

/* --------------------------------------------- duplicates and overlaps -- */

static void test_duplicates(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.segments = true;
    handshake(&t);
    tlog_clear(&t.r.log);
    snd(&t, CLI, PA, 1001, 5001, "hello");
    snd(&t, CLI, PA, 1001, 5001, "hello");
    snd(&t, CLI, PA, 1001, 5001, "HELLO");
    snd(&t, CLI, A, 1005, 5001, "o");      /* a keep-alive probe: the last byte again */
    snd(&t, CLI, PA, 1006, 5001, "!");
    tr_table_finish(t.tab);
    expect_log(&t, "seg 1 f4 c2s PA rel=1 len=5 off=0 ackoff=0\n"
                   "data 1 c2s 0+5 f4 \"hello\"\n"
                   "seg 1 f5 c2s PA rel=1 len=5 off=0 ackoff=0 rtx\n"
                   "note 1 f5 retransmission: 5 bytes of the client's stream sent again\n"
                   "seg 1 f6 c2s PA rel=1 len=5 off=0 ackoff=0 rtx\n"
                   "note 1 f6 retransmission: 5 bytes of the client's stream sent again, with "
                   "different bytes (the first copy is kept)\n"
                   "seg 1 f7 c2s A rel=5 len=1 off=4 ackoff=0\n"
                   "seg 1 f8 c2s PA rel=6 len=1 off=5 ackoff=0\n"
                   "data 1 c2s 5+1 f8 \"!\"\n"
                   "close 1 end - f0,0 bytes=6/0 gaps=0/0\n");
    expect_stream(&t, 1, TR_DIR_C2S, "hello!");
    tt_close(&t);
}

/* a held (out-of-order) segment sent twice, the second time with other bytes */
static void test_duplicate_held(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1006, 5001, "world");
    snd(&t, CLI, PA, 1006, 5001, "world");
    snd(&t, CLI, PA, 1006, 5001, "WORLD");
    snd(&t, CLI, PA, 1001, 5001, "hello");
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "note 1 f5 retransmission: 5 bytes of the client's stream sent again\n"
               "note 1 f6 retransmission: 5 bytes of the client's stream sent again, with "
               "different bytes (the first copy is kept)\n"
               "note 1 f7 out_of_order: 5 bytes of the client's stream arrived after bytes that follow "
               "them (frame 4): by timing: the hole was filled 0.3 ms after it opened, within 3.0 ms\n"
               "data 1 c2s 0+5 f7 \"hello\"\n"
               "data 1 c2s 5+5 f4 \"world\"\n"
               "close 1 end - f0,0 bytes=10/0 gaps=0/0\n");
    tt_close(&t);
}

/* a segment that sends delivered bytes again with new ones after them */
static void test_overlap_delivered(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "hello");
    snd(&t, CLI, PA, 1001, 5001, "hello world");  /* the same first 5 bytes */
    snd(&t, CLI, PA, 1006, 5001, "-WORLD!!");     /* other bytes over " world" */
    snd(&t, CLI, PA, 1010, 5001, "ld!!?");        /* not one whole earlier segment */
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+5 f4 \"hello\"\n"
               "note 1 f5 retransmission: 5 of these 11 bytes of the client's stream sent again\n"
               "data 1 c2s 5+6 f5 \" world\"\n"
               "note 1 f6 retransmission: 6 of these 8 bytes of the client's stream sent again, "
               "with different bytes (the first copy is kept)\n"
               "data 1 c2s 11+2 f6 \"!!\"\n"
               "note 1 f7 retransmission: 4 of these 5 bytes of the client's stream sent again\n"
               "data 1 c2s 13+1 f7 \"?\"\n"
               "close 1 end - f0,0 bytes=14/0 gaps=0/0\n");
    expect_stream(&t, 1, TR_DIR_C2S, "hello world!!?");
    tt_close(&t);
}

/* overlapping held pieces: equal bytes, then other bytes (first copy wins) */
static void test_overlap_held(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1011, 5001, "klmno");   /* offsets 10-14, held */
    snd(&t, CLI, PA, 1008, 5001, "hijklm");  /* 7-12: 7-9 new, 10-12 equal */
    snd(&t, CLI, PA, 1006, 5001, "fgHIJ");   /* 5-9: 5-6 new, 7-9 differ */
    snd(&t, CLI, PA, 1013, 5001, "XNO");     /* 12-14 again, other bytes */
    snd(&t, CLI, PA, 1016, 5001, "pq");      /* 15-16: after the held ones */
    snd(&t, CLI, PA, 1001, 5001, "abcdefg"); /* fills the hole */
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "note 1 f5 out_of_order: 6 bytes of the client's stream arrived after bytes that follow "
               "them (frame 4): by timing: the hole was filled 0.1 ms after it opened, within 3.0 ms\n"
               "note 1 f6 out_of_order: 5 bytes of the client's stream arrived after bytes that follow "
               "them (frame 5): by timing: the hole was filled 0.2 ms after it opened, within 3.0 ms\n"
               "note 1 f6 retransmission: some of these 5 bytes of the client's stream were sent "
               "before, with different bytes (the first copy is kept)\n"
               "note 1 f7 retransmission: 3 bytes of the client's stream sent again, with "
               "different bytes (the first copy is kept)\n"
               "note 1 f9 out_of_order: 7 bytes of the client's stream arrived after bytes that follow "
               "them (frame 6): by timing: the hole was filled 0.5 ms after it opened, within 3.0 ms\n"
               "data 1 c2s 0+5 f9 \"abcde\"\n"
               "data 1 c2s 5+2 f6 \"fg\"\n"
               "data 1 c2s 7+3 f5 \"hij\"\n"
               "data 1 c2s 10+5 f4 \"klmno\"\n"
               "data 1 c2s 15+2 f8 \"pq\"\n"
               "close 1 end - f0,0 bytes=17/0 gaps=0/0\n");
    expect_stream(&t, 1, TR_DIR_C2S, "abcdefghijklmnopq");
    tt_close(&t);
}

/* ---------------------------------------------------------------- gaps -- */

/* the peer acknowledges past the hole: the hole is certain */
static void test_gap_acked(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "aaaaa");
    snd(&t, CLI, PA, 1011, 5001, "ccccc");
    snd(&t, SRV, A, 5001, 1008, NULL);  /* into the hole: 2 bytes certain */
    snd(&t, SRV, A, 5001, 1008, NULL);  /* the same again: nothing new */
    snd(&t, SRV, A, 5001, 1016, NULL);  /* past it: the rest */
    snd(&t, CLI, PA, 1006, 5001, "bbbbb");  /* too late: sent again */
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+5 f4 \"aaaaa\"\n"
               "note 1 f6 gap: 2 bytes of the client's stream were never captured (offset 5)\n"
               "gap 1 c2s 5+2 f6\n"
               "note 1 f8 gap: 3 bytes of the client's stream were never captured (offset 7)\n"
               "gap 1 c2s 7+3 f8\n"
               "data 1 c2s 10+5 f5 \"ccccc\"\n"
               "note 1 f9 retransmission: 5 bytes of the client's stream sent again\n"
               "close 1 end - f0,0 bytes=10/0 gaps=5/0\n");
    expect_stream(&t, 1, TR_DIR_C2S, "aaaaa#####ccccc");
    tt_close(&t);
}

/* the out-of-order cap: the first hole becomes a gap */
static void test_gap_ooo_cap(void **state)
{
    (void)state;
    struct tt t;
    tt_open_opts(&t, (struct tr_table_opts){.server_ports = port80, .nserver_ports = 1,
                                            .max_ooo_bytes = 10});
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "aaaaa");
    snd(&t, CLI, PA, 1011, 5001, "ccccc");
    snd(&t, CLI, PA, 1016, 5001, "ddddd");
    snd(&t, CLI, PA, 1026, 5001, "fffff");  /* 15 bytes to hold: the first hole goes */
    snd(&t, CLI, PA, 1036, 5001, "hhhhh");  /* 10: held */
    snd(&t, CLI, PA, 1046, 5001, "jjjjj");  /* 15 again: no second note */
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+5 f4 \"aaaaa\"\n"
               "note 1 f7 limit: more than 10 out-of-order bytes held: the hole before them is "
               "taken as a gap\n"
               "note 1 f7 gap: 5 bytes of the client's stream were never captured (offset 5)\n"
               "gap 1 c2s 5+5 f7\n"
               "data 1 c2s 10+5 f5 \"ccccc\"\n"
               "data 1 c2s 15+5 f6 \"ddddd\"\n"
               "note 1 f9 gap: 5 bytes of the client's stream were never captured (offset 20)\n"
               "gap 1 c2s 20+5 f9\n"
               "data 1 c2s 25+5 f7 \"fffff\"\n"
               "note 1 f9 gap: 5 bytes of the client's stream were never captured (offset 30)\n"
               "gap 1 c2s 30+5 f9\n"
               "data 1 c2s 35+5 f8 \"hhhhh\"\n"
               "note 1 f9 gap: 5 bytes of the client's stream were never captured (offset 40)\n"
               "gap 1 c2s 40+5 f9\n"
               "data 1 c2s 45+5 f9 \"jjjjj\"\n"
               "close 1 end - f0,0 bytes=30/0 gaps=20/0\n");
    expect_stream(&t, 1, TR_DIR_C2S, "aaaaa#####cccccddddd#####fffff#####hhhhh#####jjjjj");
    tt_close(&t);
}

/* at the cap, the segment that fills the hole is delivered, not taken as a gap */
static void test_ooo_cap_filler(void **state)
{
    (void)state;
    struct tt t;
    tt_open_opts(&t, (struct tr_table_opts){.server_ports = port80, .nserver_ports = 1,
                                            .max_ooo_bytes = 10});
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "aaaaa");
    snd(&t, CLI, PA, 1011, 5001, "ccccc");
    snd(&t, CLI, PA, 1016, 5001, "ddddd");
    snd(&t, CLI, PA, 1006, 5001, "bbbbb");  /* the retransmission, at next */
    snd(&t, CLI, PA, 1031, 5001, "ggggg");
    snd(&t, CLI, PA, 1036, 5001, "hhhhh");
    snd(&t, CLI, PA, 1024, 5001, "EEEEE");  /* inside the hole before g: only 21-23 go */
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+5 f4 \"aaaaa\"\n"
               "note 1 f7 out_of_order: 5 bytes of the client's stream arrived after bytes that follow "
               "them (frame 5): by timing: the hole was filled 0.2 ms after it opened, within 3.0 ms\n"
               "data 1 c2s 5+5 f7 \"bbbbb\"\n"
               "data 1 c2s 10+5 f5 \"ccccc\"\n"
               "data 1 c2s 15+5 f6 \"ddddd\"\n"
               "note 1 f10 out_of_order: 5 bytes of the client's stream arrived after bytes that follow "
               "them (frame 8): by timing: the hole was filled 0.2 ms after it opened, within 3.0 ms\n"
               "note 1 f10 limit: more than 10 out-of-order bytes held: the hole before them is "
               "taken as a gap\n"
               "note 1 f10 gap: 3 bytes of the client's stream were never captured (offset 20)\n"
               "gap 1 c2s 20+3 f10\n"
               "data 1 c2s 23+5 f10 \"EEEEE\"\n"
               "note 1 f10 gap: 2 bytes of the client's stream were never captured (offset 28)\n"
               "gap 1 c2s 28+2 f10\n"
               "data 1 c2s 30+5 f8 \"ggggg\"\n"
               "data 1 c2s 35+5 f9 \"hhhhh\"\n"
               "close 1 end - f0,0 bytes=35/0 gaps=5/0\n");
    tt_close(&t);
}

/* one segment bigger than the cap: delivered at once, the hole before it a gap */
static void test_gap_ooo_cap_big(void **state)
{
    (void)state;
    struct tt t;
    tt_open_opts(&t, (struct tr_table_opts){.server_ports = port80, .nserver_ports = 1,
                                            .max_ooo_bytes = 4});
    handshake(&t);
    snd(&t, CLI, PA, 1003, 5001, "cdefgh");
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "note 1 f4 limit: more than 4 out-of-order bytes held: the hole before them is "
               "taken as a gap\n"
               "note 1 f4 gap: 2 bytes of the client's stream were never captured (offset 0)\n"
               "gap 1 c2s 0+2 f4\n"
               "data 1 c2s 2+6 f4 \"cdefgh\"\n"
               "close 1 end - f0,0 bytes=6/0 gaps=2/0\n");
    tt_close(&t);
}

/* a reset: what is held is delivered, holes as gaps */
static void test_gap_at_rst(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "aaaaa");
    snd(&t, CLI, PA, 1011, 5001, "ccccc");
    snd(&t, CLI, RA, 1016, 5001, NULL);
    snd(&t, SRV, PA, 5001, 1016, "late");  /* after the reset: absorbed */
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+5 f4 \"aaaaa\"\n"
               "note 1 f6 gap: 5 bytes of the client's stream were never captured (offset 5)\n"
               "gap 1 c2s 5+5 f6\n"
               "data 1 c2s 10+5 f5 \"ccccc\"\n"
               "close 1 rst client f6,0 bytes=10/0 gaps=5/0\n");
    tt_close(&t);
}

/* the end of the capture: the same */
static void test_gap_at_end(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "aaaaa");
    snd(&t, CLI, PA, 1011, 5001, "ccccc");
    snd(&t, SRV, PA, 5001, 1006, "xy");
    snd(&t, SRV, PA, 5010, 1006, "z");
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+5 f4 \"aaaaa\"\n"
               "data 1 s2c 0+2 f6 \"xy\"\n"
               "note 1 f7 gap: 5 bytes of the client's stream were never captured (offset 5)\n"
               "gap 1 c2s 5+5 f7\n"
               "data 1 c2s 10+5 f5 \"ccccc\"\n"
               "note 1 f7 gap: 7 bytes of the server's stream were never captured (offset 2)\n"
               "gap 1 s2c 2+7 f7\n"
               "data 1 s2c 9+1 f7 \"z\"\n"
               "close 1 end - f0,0 bytes=10/3 gaps=5/7\n");
    tt_close(&t);
}

/* a gap before a FIN: the FIN waits for it, and the close delivers it */
static void test_gap_before_fin(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, SRV, PA, 5001, 1001, "abc");
    snd(&t, SRV, FA, 5010, 1001, NULL);   /* 6 bytes missing before the FIN */
    snd(&t, CLI, FA, 1001, 5011, NULL);   /* the client acknowledges them all */
    snd(&t, SRV, A, 5011, 1002, NULL);
    expect_log(&t, CONN1 HS1
               "data 1 s2c 0+3 f4 \"abc\"\n"
               "fin 1 c2s f6\n"
               "note 1 f6 gap: 6 bytes of the server's stream were never captured (offset 3)\n"
               "gap 1 s2c 3+6 f6\n"
               "fin 1 s2c f5\n"
               "close 1 fin server f6,5 bytes=0/3 gaps=0/6\n");
    tt_close(&t);
}

/* --------------------------------------------------------- wraparound -- */

static void test_wraparound(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.segments = true;
    snd(&t, CLI, SYN, 0xfffffffa, 0, NULL);
    snd(&t, SRV, SA, 0xfffffff0, 0xfffffffb, NULL);
    snd(&t, CLI, A, 0xfffffffb, 0xfffffff1, NULL);
    tlog_clear(&t.r.log);
    snd(&t, CLI, PA, 0xfffffffb, 0xfffffff1, "0123456789");  /* 0xfffffffb .. 0x4 */
    snd(&t, CLI, PA, 0x00000009, 0xfffffff1, "klm");          /* offset 14: held */
    snd(&t, CLI, PA, 0x00000005, 0xfffffff1, "abcd");         /* offset 10 */
    snd(&t, SRV, PA, 0xfffffff1, 0x0000000c, "0123456789abcdefXYZ");
    snd(&t, SRV, FA, 0x00000004, 0x0000000c, NULL);
    snd(&t, CLI, FA, 0x0000000c, 0x00000005, NULL);
    snd(&t, SRV, A, 0x00000005, 0x0000000d, NULL);
    expect_log(&t, "seg 1 f4 c2s PA rel=1 len=10 off=0 ackoff=0\n"
                   "data 1 c2s 0+10 f4 \"0123456789\"\n"
                   "seg 1 f5 c2s PA rel=15 len=3 off=14 ackoff=0\n"
                   "seg 1 f6 c2s PA rel=11 len=4 off=10 ackoff=0 ooo\n"
                   "note 1 f6 out_of_order: 4 bytes of the client's stream arrived after bytes that follow "
               "them (frame 5): by timing: the hole was filled 0.1 ms after it opened, within 3.0 ms\n"
                   "data 1 c2s 10+4 f6 \"abcd\"\n"
                   "data 1 c2s 14+3 f5 \"klm\"\n"
                   "seg 1 f7 s2c PA rel=1 len=19 off=0 ackoff=17\n"
                   "data 1 s2c 0+19 f7 \"0123456789abcdefXYZ\"\n"
                   "seg 1 f8 s2c FA rel=20 len=0 off=19 ackoff=17\n"
                   "fin 1 s2c f8\n"
                   "seg 1 f9 c2s FA rel=18 len=0 off=17 ackoff=20\n"
                   "fin 1 c2s f9\n"
                   "seg 1 f10 s2c A rel=21 len=0 off=20 ackoff=18\n"
                   "close 1 fin server f9,8 bytes=17/19 gaps=0/0\n");
    tt_close(&t);
}

/* a gap across the wrap, made certain by an acknowledgment */
static void test_wraparound_gap(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    snd(&t, CLI, SYN, 0xfffffff0, 0, NULL);
    snd(&t, SRV, SA, 7, 0xfffffff1, NULL);
    snd(&t, CLI, A, 0xfffffff1, 8, NULL);
    snd(&t, CLI, PA, 0xfffffff1, 8, "ab");
    snd(&t, CLI, PA, 0x00000003, 8, "yz");    /* offset 18; 16 bytes lost */
    snd(&t, SRV, A, 8, 0x00000005, NULL);
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+2 f4 \"ab\"\n"
               "note 1 f6 gap: 16 bytes of the client's stream were never captured (offset 2)\n"
               "gap 1 c2s 2+16 f6\n"
               "data 1 c2s 18+2 f5 \"yz\"\n"
               "close 1 end - f0,0 bytes=4/0 gaps=16/0\n");
    tt_close(&t);
}

/* ------------------------------------------------- SYN, RST, roles -- */

/* TCP Fast Open: the request rides on the SYN */
static void test_syn_with_payload(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    snd(&t, CLI, SYN, 1000, 0, "GET /");
    snd(&t, SRV, SA, 5000, 1006, NULL);
    snd(&t, CLI, A, 1006, 5001, NULL);
    snd(&t, CLI, SYN, 1000, 0, "GET /");  /* the SYN again: the same connection */
    tr_table_finish(t.tab);
    expect_log(&t, CONN1
               "hs 1 f1,0,0\n"
               "data 1 c2s 0+5 f1 \"GET /\"\n"
               "note 1 f4 retransmission: 5 bytes of the client's stream sent again\n"
               "close 1 end - f0,0 bytes=5/0 gaps=0/0\n");
    tt_close(&t);
}

/* issue 13, bug 4: a SYN-ACK that does not acknowledge the SYN (a capture of
 * the connection in another sequence space) is shown and noted, not taken as
 * the server's start; the one that does is */
static void test_synack_wrong_ack(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.segments = true;
    snd(&t, CLI, SYN, 1000, 0, NULL);
    snd(&t, SRV, SA, 900000000, 777, NULL);  /* acknowledges no SYN of this connection */
    snd(&t, SRV, SA, 5000, 1001, NULL);
    snd(&t, CLI, A, 1001, 5001, NULL);
    snd(&t, CLI, PA, 1001, 5001, "GET");
    snd(&t, SRV, PA, 5001, 1004, "200");
    tr_table_finish(t.tab);
    expect_log(&t, CONN1
               "seg 1 f1 c2s S rel=0 len=0 off=0 ackoff=-1\n"
               "seg 1 f2 s2c SA rel=0 len=0 off=0 ackoff=0\n"
               "note 1 f2 stray_segment: a SYN-ACK that does not acknowledge the client's SYN (ack "
               "777, the SYN's sequence number + 1 is 1001): not taken as the server's start\n"
               "seg 1 f3 s2c SA rel=0 len=0 off=0 ackoff=0\n"
               "seg 1 f4 c2s A rel=1 len=0 off=0 ackoff=0\n"
               "hs 1 f1,3,4\n"
               "seg 1 f5 c2s PA rel=1 len=3 off=0 ackoff=0\n"
               "data 1 c2s 0+3 f5 \"GET\"\n"
               "seg 1 f6 s2c PA rel=1 len=3 off=0 ackoff=3\n"
               "data 1 s2c 0+3 f6 \"200\"\n"
               "close 1 end - f0,0 bytes=3/3 gaps=0/0\n");
    tt_close(&t);
}

static void test_rst(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "GET");
    snd(&t, SRV, RA, 5001, 1004, "junk");  /* a RST's payload is not stream data */
    snd(&t, CLI, PA, 1004, 5001, "more");  /* absorbed */
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+3 f4 \"GET\"\n"
               "close 1 rst server f0,5 bytes=3/0 gaps=0/0\n");
    tt_close(&t);
}

/* a FIN from one side, then a RST from the other */
static void test_fin_then_rst(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, FA, 1001, 5001, NULL);
    snd(&t, SRV, R, 5001, 0, NULL);
    expect_log(&t, CONN1 HS1
               "fin 1 c2s f4\n"
               "close 1 fin client f4,5 bytes=0/0 gaps=0/0\n");
    tt_close(&t);
}

static void test_syn_retransmitted(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    snd(&t, CLI, SYN, 1000, 0, NULL);
    snd(&t, CLI, SYN, 1000, 0, NULL);
    snd(&t, SRV, SA, 5000, 1001, NULL);
    snd(&t, SRV, SA, 5000, 1001, NULL);
    snd(&t, CLI, A, 1001, 5001, NULL);
    snd(&t, CLI, PA, 1001, 5001, "x");
    tr_table_finish(t.tab);
    expect_log(&t, CONN1
               "hs 1 f1,3,5\n"
               "data 1 c2s 0+1 f6 \"x\"\n"
               "close 1 end - f0,0 bytes=1/0 gaps=0/0\n");
    struct tr_stats st;
    tr_table_stats(t.tab, &st);
    assert_int_equal(st.tcp_conns, 1);
    tt_close(&t);
}

/* the SYN-ACK captured before its SYN (a reordered capture) */
static void test_synack_before_syn(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.segments = true;
    snd(&t, SRV, SA, 5000, 1001, NULL);
    snd(&t, CLI, SYN, 1000, 0, NULL);
    snd(&t, CLI, A, 1001, 5001, NULL);
    snd(&t, CLI, PA, 1001, 5001, "hi");
    tr_table_finish(t.tab);
    expect_log(&t, "conn 1 10.0.0.1:40000>10.0.0.2:80 syn=1 synack=1\n"
                   "seg 1 f1 s2c SA rel=0 len=0 off=0 ackoff=-1\n"
                   "seg 1 f2 c2s S rel=0 len=0 off=0 ackoff=-1\n"
                   "seg 1 f3 c2s A rel=1 len=0 off=0 ackoff=0\n"
                   "hs 1 f2,1,3\n"
                   "seg 1 f4 c2s PA rel=1 len=2 off=0 ackoff=0\n"
                   "data 1 c2s 0+2 f4 \"hi\"\n"
                   "close 1 end - f0,0 bytes=2/0 gaps=0/0\n");
    tt_close(&t);
}

/* a SYN-ACK whose SYN was never captured */
static void test_synack_only(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    snd(&t, SRV, SA, 5000, 1001, NULL);
    snd(&t, CLI, A, 1001, 5001, NULL);
    snd(&t, CLI, PA, 1001, 5001, "hi");
    snd(&t, SRV, PA, 5001, 1003, "yo");
    tr_table_finish(t.tab);
    expect_log(&t, "conn 1 10.0.0.1:40000>10.0.0.2:80 syn=0 synack=1\n"
                   "note 1 f1 no_handshake: the client's SYN was not captured\n"
                   "data 1 c2s 0+2 f3 \"hi\"\n"
                   "data 1 s2c 0+2 f4 \"yo\"\n"
                   "close 1 end - f0,0 bytes=2/2 gaps=0/0\n");
    tt_close(&t);
}

static enum tr_role_hint http_hint(void *ctx, const uint8_t *p, size_t n)
{
    (void)ctx;
    if (n >= 5 && memcmp(p, "HTTP/", 5) == 0)
        return TR_ROLE_SERVER;
    if (n >= 4 && memcmp(p, "GET ", 4) == 0)
        return TR_ROLE_CLIENT;
    return TR_ROLE_UNKNOWN;
}

struct role_case {
    const char *name;
    bool port80;              /* 80 is a server port */
    bool hint;                /* the classify hook answers */
    int first;                /* who sends first (CLI: 10.0.0.1:40000, SRV: 10.0.0.2:80) */
    const char *data;         /* the first payload */
    const char *want;
};

static const struct role_case roles[] = {
    {"response seen first, by the classify hook", false, true, SRV, "HTTP/1.1 200 OK",
     "conn 1 10.0.0.1:40000>10.0.0.2:80 syn=0 synack=0\n"
     "note 1 f1 no_handshake: the capture starts after the connection was opened: no handshake\n"
     "data 1 s2c 0+15 f2 \"HTTP/1.1 200 OK\"\n"},
    {"request seen first, by the classify hook", false, true, CLI, "GET / HTTP/1.1",
     "conn 1 10.0.0.1:40000>10.0.0.2:80 syn=0 synack=0\n"
     "note 1 f1 no_handshake: the capture starts after the connection was opened: no handshake\n"
     "data 1 c2s 0+14 f2 \"GET / HTTP/1.1\"\n"},
    {"by the server port", true, false, SRV, "\x01\x02",
     "conn 1 10.0.0.1:40000>10.0.0.2:80 syn=0 synack=0\n"
     "note 1 f1 no_handshake: the capture starts after the connection was opened: no handshake\n"
     "data 1 s2c 0+2 f2 \"\\x01\\x02\"\n"},
    {"by the first sender", false, true, SRV, "\x01\x02",
     "conn 1 10.0.0.2:80>10.0.0.1:40000 syn=0 synack=0\n"
     "note 1 f1 no_handshake: the capture starts after the connection was opened: no handshake\n"
     "data 1 c2s 0+2 f2 \"\\x01\\x02\"\n"},
    {"the hook wins over the server port", true, true, SRV, "GET / HTTP/1.1",
     "conn 1 10.0.0.2:80>10.0.0.1:40000 syn=0 synack=0\n"
     "note 1 f1 no_handshake: the capture starts after the connection was opened: no handshake\n"
     "data 1 c2s 0+14 f2 \"GET / HTTP/1.1\"\n"},
};

/* a connection that starts without a SYN: a pure ACK, then the first payload */
static void test_roles_without_syn(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(roles); i++) {
        const struct role_case *rc = &roles[i];
        struct tt t;
        if (rc->port80)
            tt_open(&t);
        else
            tt_open_opts(&t, (struct tr_table_opts){0});
        if (rc->hint)
            t.r.classify = http_hint;
        snd(&t, rc->first, A, rc->first == CLI ? 1001 : 5001, rc->first == CLI ? 5001 : 1001, NULL);
        snd(&t, rc->first, PA, rc->first == CLI ? 1001 : 5001, rc->first == CLI ? 5001 : 1001,
            rc->data);
        if (strcmp(tlog_str(&t.r.log), rc->want) != 0)
            fail_msg("%s:\n%s\nwant:\n%s", rc->name, tlog_str(&t.r.log), rc->want);
        tt_close(&t);
    }
}

/* without a SYN: pure ACKs wait (as segments) until the first payload */
static void test_midstream_segments(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.segments = true;
    snd(&t, SRV, A, 5001, 1001, NULL);
    snd(&t, CLI, A, 1001, 5001, NULL);
    snd(&t, CLI, PA, 1001, 5001, "GET");
    snd(&t, SRV, PA, 5001, 1004, "HTTP");
    snd(&t, CLI, FA, 1004, 5005, NULL);
    snd(&t, SRV, FA, 5005, 1005, NULL);
    snd(&t, CLI, A, 1005, 5006, NULL);
    expect_log(&t, "conn 1 10.0.0.1:40000>10.0.0.2:80 syn=0 synack=0\n"
                   "note 1 f1 no_handshake: the capture starts after the connection was opened: no "
                   "handshake\n"
                   "seg 1 f1 s2c A rel=0 len=0 off=0 ackoff=-1\n"
                   "seg 1 f2 c2s A rel=0 len=0 off=0 ackoff=-1\n"
                   "seg 1 f3 c2s PA rel=1 len=3 off=0 ackoff=-1\n"
                   "data 1 c2s 0+3 f3 \"GET\"\n"
                   "seg 1 f4 s2c PA rel=1 len=4 off=0 ackoff=3\n"
                   "data 1 s2c 0+4 f4 \"HTTP\"\n"
                   "seg 1 f5 c2s FA rel=4 len=0 off=3 ackoff=4\n"
                   "fin 1 c2s f5\n"
                   "seg 1 f6 s2c FA rel=5 len=0 off=4 ackoff=4\n"
                   "fin 1 s2c f6\n"
                   "seg 1 f7 c2s A rel=5 len=0 off=4 ackoff=5\n"
                   "close 1 fin client f5,6 bytes=3/4 gaps=0/0\n");
    tt_close(&t);
}

/* --------------------------------------------------------- port reuse -- */

static void test_port_reuse(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "one");
    snd(&t, SRV, FA, 5001, 1004, NULL);
    snd(&t, CLI, FA, 1004, 5002, NULL);
    snd(&t, SRV, A, 5002, 1005, NULL);
    /* the same four-tuple, a new SYN: a new connection */
    snd(&t, CLI, SYN, 9000, 0, NULL);
    snd(&t, SRV, SA, 7000, 9001, NULL);
    snd(&t, CLI, A, 9001, 7001, NULL);
    snd(&t, CLI, PA, 9001, 7001, "two");
    /* and again, while that one is still open (another ISN) */
    snd(&t, CLI, SYN, 12000, 0, NULL);
    snd(&t, CLI, PA, 12001, 0, "three");
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+3 f4 \"one\"\n"
               "fin 1 s2c f5\n"
               "fin 1 c2s f6\n"
               "close 1 fin server f6,5 bytes=3/0 gaps=0/0\n"
               "conn 2 10.0.0.1:40000>10.0.0.2:80 syn=1 synack=0\n"
               "hs 2 f8,9,10\n"
               "data 2 c2s 0+3 f11 \"two\"\n"
               "close 2 end - f0,0 bytes=3/0 gaps=0/0\n"
               "conn 3 10.0.0.1:40000>10.0.0.2:80 syn=1 synack=0\n"
               "hs 3 f12,0,0\n"
               "data 3 c2s 0+5 f13 \"three\"\n"
               "close 3 end - f0,0 bytes=5/0 gaps=0/0\n");
    tt_close(&t);
}

/* --------------------------------------------------------- the snaplen -- */

/* bytes a snaplen cut wait for a later copy: with no acknowledgment and
 * within a second, they become a gap only at the end of the capture */
static void test_snaplen_cut(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.quiet_data = true;
    handshake(&t);
    char big[100];
    memset(big, 'x', sizeof big);
    memcpy(big, "HTTP/1.1 200", 12);
    snd_n(&t, CLI, PA, 1001, 5001, big, 100, 40);
    snd(&t, CLI, PA, 1101, 5001, "end");
    snd_n(&t, CLI, PA, 1114, 5001, big, 10, 4);  /* out of order and cut */
    snd(&t, CLI, PA, 1104, 5001, "0123456789");
    tr_table_finish(t.tab);
    expect_stream(&t, 1, TR_DIR_C2S, "HTTP/1.1 200xxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                                     "############################################################"
                                     "end0123456789HTTP######");
    expect_log(&t, CONN1 HS1
               "note 1 f4 truncated: the snaplen cut this segment: 40 of its 100 payload bytes were "
               "captured\n"
               "data 1 c2s 0+40 f4\n"
               "note 1 f6 truncated: the snaplen cut this segment: 4 of its 10 payload bytes were "
               "captured\n"
               "note 1 f7 out_of_order: 10 bytes of the client's stream arrived after bytes that follow "
               "them (frame 6): by timing: the hole was filled 0.3 ms after it opened, within 3.0 ms\n"
               "gap 1 c2s 40+60 f4\n"
               "data 1 c2s 100+3 f5\n"
               "data 1 c2s 103+10 f7\n"
               "data 1 c2s 113+4 f6\n"
               "gap 1 c2s 117+6 f6\n"
               "close 1 end - f0,0 bytes=57/0 gaps=66/0\n");
    tt_close(&t);
}

/* ------------------------------------------------------------- limits -- */

/* issue 13, bug 1: a cut tail retransmitted in full is filled by the copy;
 * one the receiver acknowledges, or that no copy fills within a second,
 * becomes a gap (at the cut frame, with no gap note: the snaplen said it) */
static void test_snaplen_cut_refilled(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.quiet_data = true;
    handshake(&t);
    char big[100];
    for (int i = 0; i < 100; i++)
        big[i] = (char)('a' + i % 26);
    snd_n(&t, CLI, PA, 1001, 5001, big, 100, 40);     /* f4: 60 bytes cut */
    snd_n(&t, CLI, PA, 1031, 5001, big + 30, 70, 70); /* f5: the tail again, in full */
    snd_n(&t, CLI, PA, 1101, 5001, "0123456789", 10, 4);  /* f6: cut */
    snd(&t, SRV, A, 5001, 1111, NULL);                 /* f7: acknowledged: a gap */
    snd_n(&t, CLI, PA, 1111, 5001, "ABCDEFGHIJ", 10, 4);  /* f8: cut */
    t.ts += 1000000;
    snd(&t, CLI, PA, 1121, 5001, "end");               /* f9: a second later: a gap */
    tr_table_finish(t.tab);
    char want[200];
    snprintf(want, sizeof want, "%.100s0123######ABCD######end", big);
    expect_stream(&t, 1, TR_DIR_C2S, want);
    expect_log(&t, CONN1 HS1
               "note 1 f4 truncated: the snaplen cut this segment: 40 of its 100 payload bytes were "
               "captured\n"
               "data 1 c2s 0+40 f4\n"
               "note 1 f5 retransmission: 70 bytes of the client's stream sent again; 60 of them, "
               "cut by the snaplen before, are captured in this copy\n"
               "data 1 c2s 40+60 f5\n"
               "note 1 f6 truncated: the snaplen cut this segment: 4 of its 10 payload bytes were "
               "captured\n"
               "data 1 c2s 100+4 f6\n"
               "gap 1 c2s 104+6 f6\n"
               "note 1 f8 truncated: the snaplen cut this segment: 4 of its 10 payload bytes were "
               "captured\n"
               "data 1 c2s 110+4 f8\n"
               "gap 1 c2s 114+6 f8\n"
               "data 1 c2s 120+3 f9\n"
               "close 1 end - f0,0 bytes=111/0 gaps=12/0\n");
    tt_close(&t);
}

static void test_conn_cap(void **state)
{
    (void)state;
    struct tt t;
    tt_open_opts(&t, (struct tr_table_opts){.server_ports = port80, .nserver_ports = 1,
                                            .max_conns = 2});
    t.cport = 40001;
    snd(&t, CLI, SYN, 1000, 0, NULL);
    snd(&t, CLI, PA, 1001, 0, "a");
    t.cport = 40002;
    snd(&t, CLI, SYN, 1000, 0, NULL);
    snd(&t, CLI, PA, 1001, 0, "b");
    t.cport = 40001;
    snd(&t, CLI, PA, 1002, 0, "c");  /* 40001 is now the most recently active */
    t.cport = 40003;
    snd(&t, CLI, SYN, 1000, 0, NULL);
    snd(&t, CLI, PA, 1001, 0, "d");
    tr_table_finish(t.tab);
    expect_log(&t, "conn 1 10.0.0.1:40001>10.0.0.2:80 syn=1 synack=0\n"
                   "hs 1 f1,0,0\n"
                   "data 1 c2s 0+1 f2 \"a\"\n"
                   "conn 2 10.0.0.1:40002>10.0.0.2:80 syn=1 synack=0\n"
                   "hs 2 f3,0,0\n"
                   "data 2 c2s 0+1 f4 \"b\"\n"
                   "data 1 c2s 1+1 f5 \"c\"\n"
                   "note 2 f4 limit: more than 2 connections at once: the least recently active one "
                   "is no longer followed\n"
                   "close 2 end - f0,0 bytes=1/0 gaps=0/0\n"
                   "conn 3 10.0.0.1:40003>10.0.0.2:80 syn=1 synack=0\n"
                   "hs 3 f6,0,0\n"
                   "data 3 c2s 0+1 f7 \"d\"\n"
                   "close 1 end - f0,0 bytes=2/0 gaps=0/0\n"
                   "close 3 end - f0,0 bytes=1/0 gaps=0/0\n");
    struct tr_stats st;
    tr_table_stats(t.tab, &st);
    assert_int_equal(st.tcp_conns, 3);
    assert_int_equal(st.peak_conns, 2);
    assert_int_equal(st.active_conns, 0);
    tt_close(&t);
}

/* closed connections (tombstones) give way silently */
static void test_conn_cap_tombstones(void **state)
{
    (void)state;
    struct tt t;
    tt_open_opts(&t, (struct tr_table_opts){.server_ports = port80, .nserver_ports = 1,
                                            .max_conns = 1});
    t.cport = 40001;
    snd(&t, CLI, SYN, 1000, 0, NULL);
    snd(&t, CLI, RA, 1001, 0, NULL);
    t.cport = 40002;
    snd(&t, CLI, SYN, 1000, 0, NULL);
    tr_table_finish(t.tab);
    assert_false(tlog_has(&t.r.log, "limit"));
    assert_int_equal(t.r.closes, 2);
    tt_close(&t);
}

/* issue 12: a tomb past its linger time gives way when it is looked up: data
 * on the same 4-tuple 60 s after a RST, with no SYN, is a new connection
 * (before the fix it was absorbed silently by the tomb) */
static void test_tomb_aged_at_lookup(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "GET");
    snd(&t, SRV, RA, 5001, 1004, NULL);
    snd(&t, CLI, A, 1004, 5001, NULL);  /* within the linger time: absorbed */
    t.ts += 60 * 1000000;
    snd(&t, CLI, PA, 9001, 7001, "GET /again");
    tr_table_finish(t.tab);
    expect_log(&t, CONN1 HS1
               "data 1 c2s 0+3 f4 \"GET\"\n"
               "close 1 rst server f0,5 bytes=3/0 gaps=0/0\n"
               "conn 2 10.0.0.1:40000>10.0.0.2:80 syn=0 synack=0\n"
               "note 2 f7 no_handshake: the capture starts after the connection was opened: no "
               "handshake\n"
               "data 2 c2s 0+10 f7 \"GET /again\"\n"
               "close 2 end - f0,0 bytes=10/0 gaps=0/0\n");
    struct tr_stats st;
    tr_table_stats(t.tab, &st);
    assert_int_equal(st.tcp_conns, 2);
    tt_close(&t);
}

/* ------------------------------------- retransmission or out of order -- */

/* a client segment with a TCP timestamp and an IPv4 ID */
static void snd_ts(struct tt *t, uint32_t seq, const char *s, uint32_t tsval, uint16_t ipid)
{
    struct tr_packet p;
    memset(&p, 0, sizeof p);
    tf_addr(4, NULL, "10.0.0.1", p.src.a);
    tf_addr(4, NULL, "10.0.0.2", p.dst.a);
    p.src.family = p.dst.family = 4;
    p.sport = t->cport;
    p.dport = 80;
    p.seq = seq;
    p.ack = 5001;
    p.flags = PA;
    p.window = 100;
    p.opts.wscale = -1;
    p.opts.has_ts = tsval != 0;
    p.opts.ts_val = tsval;
    p.ip_id = ipid;
    p.payload = (const uint8_t *)s;
    p.len = p.caplen = (uint32_t)strlen(s);
    t->frame++;
    t->ts += t->step;
    tr_table_packet(t->tab, &p, t->frame, t->ts, -1);
}

static const struct tr_seg *seg_of(const struct tt *t, uint64_t frame)
{
    for (size_t i = 0; i < t->r.nsegs; i++)
        if (t->r.segs[i].frame == frame)
            return &t->r.segs[i];
    fail_msg("no segment of frame %llu", (unsigned long long)frame);
    return NULL;
}

/* issue 14: TCP timestamps decide against timing: a late original (an
 * older TSval than the segment after the hole) is out of order however long
 * it took; a copy (a newer TSval) is a retransmission however fast it came */
static void test_rule_tsval(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    snd_ts(&t, 1001, "aaaaa", 100, 0);   /* f4 */
    snd_ts(&t, 1011, "ccccc", 101, 0);   /* f5: bytes 1006.. are missing */
    t.ts += 500000;                      /* half a second: timing alone would say lost */
    snd_ts(&t, 1006, "bbbbb", 100, 0);   /* f6: sent before f5: a late original */
    snd_ts(&t, 1021, "eeeee", 102, 0);   /* f7: bytes 1016.. are missing */
    snd_ts(&t, 1016, "ddddd", 140, 0);   /* f8: at once, but sent 38 ms later: a copy */
    tr_table_finish(t.tab);
    const struct tr_seg *s6 = seg_of(&t, 6), *s8 = seg_of(&t, 8);
    assert_true(s6->out_of_order && !s6->retransmission);
    assert_int_equal(s6->rule, TR_SEG_RULE_TSVAL);
    assert_int_equal(s6->rule_a, 100);
    assert_int_equal(s6->rule_b, 101);
    assert_int_equal(s6->ref_frame, 5);
    assert_true(s8->retransmission && !s8->out_of_order);
    assert_int_equal(s8->rule, TR_SEG_RULE_TSVAL);
    assert_int_equal(s8->ref_frame, 7);
    assert_string_equal(tr_seg_rule_name(TR_SEG_RULE_TSVAL), "tsval");
    assert_true(tlog_has(&t.r.log, "note 1 f6 out_of_order: 5 bytes of the client's stream arrived "
                                   "after bytes that follow them (frame 5): by TCP timestamps: its "
                                   "TSval 100 is not newer than 101 of frame 5, so it was sent no "
                                   "later than it\n"));
    assert_true(tlog_has(&t.r.log, "note 1 f8 retransmission: 5 bytes of the client's stream sent "
                                   "again after a loss: by TCP timestamps: its TSval 140 is newer "
                                   "than 102 of frame 7, so it was sent after it\n"));
    tt_close(&t);
}

/* without timestamps, IPv4 IDs that count up decide; with random IDs, timing */
static void test_rule_ipid(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    handshake(&t);
    uint32_t seq = 1001;
    for (uint16_t id = 10; id < 15; id++, seq += 2)  /* f4-f8: IDs 10..14, counting up */
        snd_ts(&t, seq, "xx", 0, id);
    snd_ts(&t, seq + 2, "zz", 0, 16);     /* f9: 2 bytes missing before it (ID 15) */
    t.ts += 500000;
    snd_ts(&t, seq, "yy", 0, 15);         /* f10: ID 15, before 16: a late original */
    snd_ts(&t, seq + 6, "ww", 0, 17);     /* f11: a hole again */
    snd_ts(&t, seq + 4, "vv", 0, 18);     /* f12: ID 18 after 17: a copy, however fast */
    tr_table_finish(t.tab);
    const struct tr_seg *s10 = seg_of(&t, 10), *s12 = seg_of(&t, 12);
    assert_true(s10->out_of_order);
    assert_int_equal(s10->rule, TR_SEG_RULE_IPID);
    assert_int_equal(s10->rule_a, 15);
    assert_int_equal(s10->rule_b, 16);
    assert_true(s12->retransmission);
    assert_int_equal(s12->rule, TR_SEG_RULE_IPID);
    tt_close(&t);

    /* IDs that do not count up (0, as some stacks send with DF): timing */
    tt_open(&t);
    handshake(&t);
    seq = 1001;
    for (int i = 0; i < 5; i++, seq += 2)
        snd_ts(&t, seq, "xx", 0, 0);
    snd_ts(&t, seq + 2, "zz", 0, 0);
    t.ts += 500000;
    snd_ts(&t, seq, "yy", 0, 0);
    tr_table_finish(t.tab);
    const struct tr_seg *s = seg_of(&t, 10);
    assert_true(s->retransmission);
    assert_int_equal(s->rule, TR_SEG_RULE_TIMING);
    assert_true(s->rule_a > 500000);
    assert_int_equal(s->rule_b, 3000);
    tt_close(&t);
}

/* the packet detail: duplicate ACKs, a window update, a zero window, a
 * keep-alive, the window scale in force, options as sent */
static void test_seg_detail(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    struct tr_packet p;
    memset(&p, 0, sizeof p);
    tf_addr(4, NULL, "10.0.0.1", p.src.a);
    tf_addr(4, NULL, "10.0.0.2", p.dst.a);
    p.src.family = p.dst.family = 4;
    p.sport = 40000;
    p.dport = 80;
    p.seq = 1000;
    p.flags = SYN;
    p.window = 64240;
    p.opts = (struct tr_tcp_opts){.mss = 1460, .wscale = 7, .sack_ok = true};
    p.ttl = 64;
    p.ip_id = 77;
    tr_table_packet(t.tab, &p, 1, 100, -1);
    struct tr_packet q = p;
    q.src = p.dst;
    q.dst = p.src;
    q.sport = 80;
    q.dport = 40000;
    q.seq = 5000;
    q.ack = 1001;
    q.flags = SA;
    q.window = 65160;
    q.opts = (struct tr_tcp_opts){.mss = 1460, .wscale = 10, .sack_ok = true};
    tr_table_packet(t.tab, &q, 2, 200, -1);
    p.seq = 1001;
    p.ack = 5001;
    p.flags = A;
    p.window = 502;
    p.opts = (struct tr_tcp_opts){.wscale = -1, .nsack = 1, .sack = {{5101, 5201}}};
    tr_table_packet(t.tab, &p, 3, 300, -1);  /* the handshake's ACK */
    tr_table_packet(t.tab, &p, 4, 400, -1);  /* a duplicate ACK */
    tr_table_packet(t.tab, &p, 5, 500, -1);  /* another */
    p.window = 600;
    tr_table_packet(t.tab, &p, 6, 600, -1);  /* a window update */
    p.window = 0;
    tr_table_packet(t.tab, &p, 7, 700, -1);  /* a zero window */
    q.flags = A;
    q.seq = 5000;  /* next less one, no data: a keep-alive */
    q.ack = 1001;
    q.window = 100;
    q.opts = (struct tr_tcp_opts){.wscale = -1};
    q.payload = (const uint8_t *)"x";
    q.len = q.caplen = 0;
    tr_table_packet(t.tab, &q, 8, 800, -1);
    tr_table_finish(t.tab);
    const struct tr_seg *s1 = seg_of(&t, 1), *s3 = seg_of(&t, 3);
    assert_int_equal(s1->wscale, -1);  /* not known before the SYN-ACK; a SYN is never scaled */
    assert_int_equal(s1->window_scaled, 64240);
    assert_int_equal(s1->opts.mss, 1460);
    assert_true(s1->opts.sack_ok);
    assert_int_equal(s1->ttl, 64);
    assert_int_equal(s1->ip_id, 77);
    assert_int_equal(s3->wscale, 7);
    assert_int_equal(s3->window_scaled, 502 << 7);
    assert_int_equal(s3->opts.nsack, 1);
    assert_int_equal(s3->opts.sack[0][0], 5101);
    assert_int_equal(s3->dup_ack, 0);
    assert_int_equal(seg_of(&t, 4)->dup_ack, 1);
    assert_int_equal(seg_of(&t, 5)->dup_ack, 2);
    assert_int_equal(seg_of(&t, 6)->dup_ack, 0);
    assert_true(seg_of(&t, 6)->marks & TR_SEG_WINDOW_UPDATE);
    assert_true(seg_of(&t, 7)->marks & TR_SEG_ZERO_WINDOW);
    assert_int_equal(seg_of(&t, 7)->dup_ack, 0);
    assert_true(seg_of(&t, 8)->marks & TR_SEG_KEEPALIVE);
    assert_int_equal(seg_of(&t, 8)->wscale, 10);
    assert_int_equal(seg_of(&t, 8)->window_scaled, 100 << 10);
    tt_close(&t);
}

/* ------------------------------------------------- UDP, tunnels, ESP -- */

/* a raw IPv4 frame (DLT_RAW) with protocol proto around n bytes */
static size_t raw_ip4(uint8_t *b, uint8_t proto, const char *src, const char *dst,
                      const uint8_t *p, size_t n)
{
    memset(b, 0, 20);
    b[0] = 0x45;
    b[2] = (uint8_t)((20 + n) >> 8);
    b[3] = (uint8_t)(20 + n);
    b[8] = 64;
    b[9] = proto;
    tf_addr(4, src, NULL, b + 12);
    tf_addr(4, dst, NULL, b + 16);
    memcpy(b + 20, p, n);
    return 20 + n;
}

static size_t raw_udp(uint8_t *b, uint16_t sport, uint16_t dport, const char *payload)
{
    size_t n = strlen(payload);
    b[0] = (uint8_t)(sport >> 8);
    b[1] = (uint8_t)sport;
    b[2] = (uint8_t)(dport >> 8);
    b[3] = (uint8_t)dport;
    b[4] = (uint8_t)((8 + n) >> 8);
    b[5] = (uint8_t)(8 + n);
    b[6] = b[7] = 0;
    memcpy(b + 8, payload, n);
    return 8 + n;
}

static void feed_raw(struct tt *t, const uint8_t *b, size_t n)
{
    struct tr_frame f = {.linktype = DLT_RAW, .file_offset = -1, .data = b};
    f.caplen = f.wirelen = (uint32_t)n;
    f.num = ++t->frame;
    t->ts += t->step;
    f.ts = t->ts;
    tr_table_frame(t->tab, &f);
}

/* issue 17: datagrams on port 53 (the default) go to on_datagram, others
 * not; a lying UDP length is a malformed_packet note */
static void test_udp_datagrams(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    uint8_t udp[256], fr[300];
    size_t n = raw_udp(udp, 40053, 53, "query");
    feed_raw(&t, fr, raw_ip4(fr, 17, "10.0.0.1", "10.0.0.53", udp, n));
    n = raw_udp(udp, 53, 40053, "answer!");
    feed_raw(&t, fr, raw_ip4(fr, 17, "10.0.0.53", "10.0.0.1", udp, n));
    n = raw_udp(udp, 40054, 123, "ntp");  /* not watched */
    feed_raw(&t, fr, raw_ip4(fr, 17, "10.0.0.1", "10.0.0.123", udp, n));
    n = raw_udp(udp, 40053, 53, "query");
    udp[5] = 200;  /* the UDP length says 200 bytes */
    feed_raw(&t, fr, raw_ip4(fr, 17, "10.0.0.1", "10.0.0.53", udp, n));
    tr_table_finish(t.tab);
    expect_log(&t, "dgram 10.0.0.1:40053>10.0.0.53:53 len=5 cap=5 f1\n"
                   "dgram 10.0.0.53:53>10.0.0.1:40053 len=7 cap=7 f2\n"
                   "note - f4 malformed_packet: UDP length 200 is past the IP payload's 13 bytes\n");
    struct tr_stats st;
    tr_table_stats(t.tab, &st);
    assert_int_equal(st.udp_packets, 3);
    assert_int_equal(st.udp_delivered, 2);
    tt_close(&t);

    /* other ports asked for; with only_server_ports, TCP on them is followed too */
    static const uint16_t p5353[] = {5353};
    tt_open_opts(&t, (struct tr_table_opts){.server_ports = port80, .nserver_ports = 1,
                                            .only_server_ports = true, .udp_ports = p5353,
                                            .nudp_ports = 1});
    n = raw_udp(udp, 40053, 53, "query");
    feed_raw(&t, fr, raw_ip4(fr, 17, "10.0.0.1", "10.0.0.53", udp, n));
    n = raw_udp(udp, 5353, 5353, "mdns");
    feed_raw(&t, fr, raw_ip4(fr, 17, "10.0.0.1", "224.0.0.251", udp, n));
    t.cport = 5353;  /* a TCP segment from port 5353 to 80: followed as ever */
    snd(&t, CLI, PA, 1001, 5001, "x");
    tr_table_finish(t.tab);
    assert_true(tlog_has(&t.r.log, "dgram 10.0.0.1:5353>224.0.0.251:5353 len=4 cap=4 f2\n"));
    assert_false(tlog_has(&t.r.log, ":53 "));
    tt_close(&t);
}

/* DNS over TCP: port 53 is the server's, and followed with only_server_ports */
static void test_tcp_port53(void **state)
{
    (void)state;
    struct tt t;
    tt_open_opts(&t, (struct tr_table_opts){.server_ports = port80, .nserver_ports = 1,
                                            .only_server_ports = true});
    struct tr_packet p;
    memset(&p, 0, sizeof p);
    p.src.family = p.dst.family = 4;
    tf_addr(4, "10.0.0.53", NULL, p.src.a);
    tf_addr(4, "10.0.0.1", NULL, p.dst.a);
    p.sport = 53;
    p.dport = 40000;
    p.flags = PA;
    p.seq = 7000;
    p.ack = 100;
    p.payload = (const uint8_t *)"\0\2ab";
    p.len = p.caplen = 4;
    p.opts.wscale = -1;
    tr_table_packet(t.tab, &p, 1, 100, -1);  /* no SYN: the answer first */
    tr_table_finish(t.tab);
    assert_true(tlog_has(&t.r.log, "conn 1 10.0.0.1:40000>10.0.0.53:53 syn=0 synack=0\n"));
    tt_close(&t);
}

/* a connection through a tunnel says so once; ESP is noted once per flow;
 * tunnels nested too deep are a limit note */
static void test_tunnel_notes(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    uint8_t in[200], fr[400], fr2[400];
    static const uint8_t syn[20] = {0x9c, 0x40, 0, 80, 0, 0, 3, 0xe8, 0, 0, 0, 0, 0x50, 0x02,
                                    0xff, 0xff, 0, 0, 0, 0};
    size_t n = raw_ip4(in, 6, "10.0.0.1", "10.0.0.2", syn, sizeof syn);
    uint8_t gre[300] = {0, 0, 0x08, 0x00};
    memcpy(gre + 4, in, n);
    feed_raw(&t, fr, raw_ip4(fr, 47, "192.0.2.1", "192.0.2.2", gre, n + 4));
    static const uint8_t esp[] = {0, 0, 0x10, 0x01, 0, 0, 0, 1, 0xaa, 0xbb};
    feed_raw(&t, fr, raw_ip4(fr, 50, "192.0.2.1", "192.0.2.2", esp, sizeof esp));
    feed_raw(&t, fr, raw_ip4(fr, 50, "192.0.2.1", "192.0.2.2", esp, sizeof esp));
    /* five IP-in-IP layers */
    n = raw_ip4(fr, 6, "10.0.0.1", "10.0.0.2", syn, sizeof syn);
    for (int i = 0; i < 5; i++) {
        n = raw_ip4(fr2, 4, "192.0.2.1", "192.0.2.2", fr, n);
        memcpy(fr, fr2, n);
    }
    feed_raw(&t, fr, n);
    tr_table_finish(t.tab);
    expect_log(&t, "conn 1 10.0.0.1:40000>10.0.0.2:80 syn=1 synack=0\n"
                   "note 1 f1 tunnel: the connection's packets came through GRE\n"
                   "note - f2 ipsec_encrypted: IPsec ESP from 192.0.2.1 to 192.0.2.2 (SPI "
                   "0x00001001): encrypted, not read\n"
                   "note - f4 limit: more than 4 tunnels nested (the next is IPv4 in IPv4): the "
                   "packet is not read\n"
                   "hs 1 f1,0,0\n"
                   "close 1 end - f0,0 bytes=0/0 gaps=0/0\n");
    tt_close(&t);
}

/* ----------------------------------------------------- other behaviour -- */

/* tr_conn_ignore_data: no data or gaps, but FINs and the close */
static void test_ignore_data(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    t.r.ignore_data = true;
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "abc");
    snd(&t, CLI, PA, 1010, 5001, "xyz");
    snd(&t, SRV, FA, 5001, 1013, NULL);
    snd(&t, CLI, FA, 1013, 5002, NULL);
    tr_table_finish(t.tab);  /* the last ACK was not captured: the close ends with the capture */
    expect_log(&t, CONN1 HS1
               "fin 1 s2c f6\n"
               "note 1 f6 gap: 6 bytes of the client's stream were never captured (offset 3)\n"
               "fin 1 c2s f7\n"
               "close 1 fin server f7,6 bytes=6/0 gaps=6/0\n");
    tt_close(&t);
}

/* only_server_ports: segments with neither port listed are not followed */
static void test_only_server_ports(void **state)
{
    (void)state;
    static const uint16_t p8080[] = {8080};
    struct tt t;
    tt_open_opts(&t, (struct tr_table_opts){.server_ports = p8080, .nserver_ports = 1,
                                            .only_server_ports = true});
    handshake(&t);
    snd(&t, CLI, PA, 1001, 5001, "abc");
    tr_table_finish(t.tab);
    expect_log(&t, "");
    struct tr_stats st;
    tr_table_stats(t.tab, &st);
    assert_int_equal(st.tcp_conns, 0);
    tt_close(&t);
}

/* frames in: decoding problems are frame-level notes; stats count frames */
static void test_frames(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    struct tb fr;
    struct tf_layout lay;
    struct tr_frame f = {.linktype = DLT_EN10MB, .file_offset = -1};
    struct tf spec = {.linktype = DLT_EN10MB, .seq = 1000, .flags = SYN};
    tf_build(&spec, &fr, &lay);
    f.num = 1;
    f.data = fr.b;
    f.caplen = f.wirelen = (uint32_t)fr.n;
    tr_table_frame(t.tab, &f);
    f.num = 2;
    f.caplen = 20;
    tr_table_frame(t.tab, &f);
    f.num = 3;
    f.caplen = (uint32_t)fr.n;
    fr.b[lay.tcp + 12] = 0x30;
    tr_table_frame(t.tab, &f);
    spec.ipfrag = 0x2000;
    tf_build(&spec, &fr, &lay);
    f.num = 4;
    tr_table_frame(t.tab, &f);
    spec.proto = 17;
    tf_build(&spec, &fr, &lay);
    f.num = 5;
    tr_table_frame(t.tab, &f);
    f.num = 6;
    f.linktype = 105;
    tr_table_frame(t.tab, &f);
    tr_table_finish(t.tab);
    expect_log(&t, CONN1
               "note - f2 truncated: IPv4 header cut by the snaplen (6 of 20 bytes)\n"
               "note - f3 malformed_packet: invalid TCP data offset 3\n"
               "note - f4 fragment: IPv4 fragment (offset 0, MF=1): not reassembled\n"
               "note - f5 fragment: IPv4 fragment (offset 0, MF=1): not reassembled\n"
               "note - f6 malformed_packet: link type 105 is not supported\n"
               "hs 1 f1,0,0\n"
               "close 1 end - f0,0 bytes=0/0 gaps=0/0\n");
    struct tr_stats st;
    tr_table_stats(t.tab, &st);
    assert_int_equal(st.frames, 6);
    assert_int_equal(st.bytes, 5 * 54 + 20);
    assert_int_equal(st.tcp_packets, 1);
    tt_close(&t);
}

/* a whole IPv6 conversation as Ethernet frames with 802.1Q tags: the frame
 * decoder and reassembly together */
static void test_frames_ipv6(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    static const struct {
        bool client;
        uint8_t flags;
        uint32_t seq, ack;
        const char *data;
    } segs[] = {
        {true, SYN, 7, 0, NULL},          {false, SA, 900, 8, NULL},
        {true, A, 8, 901, NULL},          {true, PA, 8, 901, "GET / HTTP/1.1\r\n\r\n"},
        {false, PA, 901, 26, "HTTP/1.1 204 No Content\r\n\r\n"},
        {true, FA, 26, 928, NULL},        {false, FA, 928, 27, NULL},
        {true, A, 27, 929, NULL},
    };
    for (size_t i = 0; i < NELEM(segs); i++) {
        struct tf spec = {.linktype = DLT_EN10MB, .ipv = 6, .ntags = 1, .tpid = {0x8100},
                          .vid = {5}, .src = segs[i].client ? "2001:db8::1" : "2001:db8::80",
                          .dst = segs[i].client ? "2001:db8::80" : "2001:db8::1",
                          .sport = segs[i].client ? 50000 : 80, .dport = segs[i].client ? 80 : 50000,
                          .seq = segs[i].seq, .ack = segs[i].ack, .flags = segs[i].flags,
                          .payload = segs[i].data, .len = segs[i].data ? strlen(segs[i].data) : 0,
                          .next = 1, .ext = {{60, 0, 0}}};
        struct tb fr;
        struct tf_layout lay;
        tf_build(&spec, &fr, &lay);
        struct tr_frame f = {.num = i + 1, .ts = (tr_time)(i + 1) * 1000, .caplen = (uint32_t)fr.n,
                             .wirelen = (uint32_t)fr.n, .linktype = DLT_EN10MB, .file_offset = -1,
                             .data = fr.b};
        tr_table_frame(t.tab, &f);
    }
    expect_log(&t, "conn 1 [2001:db8::1]:50000>[2001:db8::80]:80 syn=1 synack=0\n"
                   "hs 1 f1,2,3\n"
                   "data 1 c2s 0+18 f4 \"GET / HTTP/1.1\\r\\n\\r\\n\"\n"
                   "data 1 s2c 0+27 f5 \"HTTP/1.1 204 No Content\\r\\n\\r\\n\"\n"
                   "fin 1 c2s f6\n"
                   "fin 1 s2c f7\n"
                   "close 1 fin client f6,7 bytes=18/27 gaps=0/0\n");
    struct tr_stats st;
    tr_table_stats(t.tab, &st);
    assert_int_equal(st.frames, NELEM(segs));
    assert_int_equal(st.tcp_packets, NELEM(segs));
    tt_close(&t);
}

/* many connections: ids in order of first packet, every one closed once,
 * byte counts right (exercises the hash table's growth) */
static void test_many_conns(void **state)
{
    (void)state;
    struct tt t;
    tt_open(&t);
    const int n = 3000;
    for (int i = 0; i < n; i++) {
        t.cport = (uint16_t)(1024 + i);
        snd(&t, CLI, SYN, 1000, 0, NULL);
    }
    for (int i = n - 1; i >= 0; i--) {
        t.cport = (uint16_t)(1024 + i);
        snd(&t, CLI, PA, 1001, 0, "abcd");
        snd(&t, SRV, PA, 5001, 1005, "xy");
    }
    tr_table_finish(t.tab);
    assert_int_equal(t.r.conns, n);
    assert_int_equal(t.r.closes, n);
    assert_int_equal(tlog_count(&t.r.log, "bytes=4/2 gaps=0/0"), n);
    assert_int_equal(tlog_count(&t.r.log, "data "), 2 * n);
    assert_int_equal(t.r.offset_errors, 0);
    tt_close(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_fin_server_first),
        cmocka_unit_test(test_close_waits_last_ack),
        cmocka_unit_test(test_half_close),
        cmocka_unit_test(test_after_fin),
        cmocka_unit_test(test_reversed),
        cmocka_unit_test(test_refill_after_loss),
        cmocka_unit_test(test_fin_out_of_order),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_duplicate_held),
        cmocka_unit_test(test_overlap_delivered),
        cmocka_unit_test(test_overlap_held),
        cmocka_unit_test(test_gap_acked),
        cmocka_unit_test(test_gap_ooo_cap),
        cmocka_unit_test(test_gap_ooo_cap_big),
        cmocka_unit_test(test_ooo_cap_filler),
        cmocka_unit_test(test_gap_at_rst),
        cmocka_unit_test(test_gap_at_end),
        cmocka_unit_test(test_gap_before_fin),
        cmocka_unit_test(test_wraparound),
        cmocka_unit_test(test_wraparound_gap),
        cmocka_unit_test(test_syn_with_payload),
        cmocka_unit_test(test_synack_wrong_ack),
        cmocka_unit_test(test_rst),
        cmocka_unit_test(test_fin_then_rst),
        cmocka_unit_test(test_syn_retransmitted),
        cmocka_unit_test(test_synack_before_syn),
        cmocka_unit_test(test_synack_only),
        cmocka_unit_test(test_roles_without_syn),
        cmocka_unit_test(test_midstream_segments),
        cmocka_unit_test(test_port_reuse),
        cmocka_unit_test(test_snaplen_cut),
        cmocka_unit_test(test_snaplen_cut_refilled),
        cmocka_unit_test(test_conn_cap),
        cmocka_unit_test(test_conn_cap_tombstones),
        cmocka_unit_test(test_tomb_aged_at_lookup),
        cmocka_unit_test(test_rule_tsval),
        cmocka_unit_test(test_rule_ipid),
        cmocka_unit_test(test_seg_detail),
        cmocka_unit_test(test_udp_datagrams),
        cmocka_unit_test(test_tcp_port53),
        cmocka_unit_test(test_tunnel_notes),
        cmocka_unit_test(test_ignore_data),
        cmocka_unit_test(test_only_server_ports),
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_frames_ipv6),
        cmocka_unit_test(test_many_conns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
