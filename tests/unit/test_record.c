/* test_record.c - the record of one connection (decode/record.c): a live,
 * rolling record stays bounded on a long keep-alive connection (its
 * stages, and the exchanges before the oldest stage kept); a file record
 * keeps every exchange
 */
#include "testutil.h"

#define STAGES_PER_X 8

static struct dec_stage *mk_stage(int64_t x, uint64_t frame)
{
    struct dec_stage *s = calloc(1, sizeof *s + sizeof s->frames[0]);
    assert_non_null(s);
    s->refs = 1;
    s->kind = DEC_STAGE_REQUEST_LINE;
    s->exchange = x;
    s->nframes = 1;
    s->frames[0] = frame;
    s->rtt = -1;
    s->initiator = -1;
    return s;
}

static struct dec_exchange *mk_exchange(uint64_t index)
{
    struct dec_exchange *x = calloc(1, sizeof *x);
    assert_non_null(x);
    x->refs = 1;
    x->conn = 1;
    x->index = index;
    return x;
}

/* n exchanges on connection 1, each: its stages, then the exchange; the
 * caller gets a reference to exchange 0 in *first */
static void feed(struct dec_record *r, uint64_t n, struct dec_exchange **first)
{
    struct dec_sink sink;
    dec_record_sink(r, &sink);
    struct dec_conn c = {.id = 1};
    uint64_t frame = 1;
    for (uint64_t i = 0; i < n; i++) {
        for (int k = 0; k < STAGES_PER_X; k++) {
            struct dec_stage *s = mk_stage((int64_t)i, frame++);
            sink.on_stage(sink.ctx, &c, s);
            dec_stage_unref(s);
        }
        struct dec_exchange *x = mk_exchange(i);
        sink.on_exchange(sink.ctx, &c, x);
        if (i == 0)
            *first = dec_exchange_ref(x);
        dec_exchange_unref(x);
    }
}

static void test_rolling_bounded(void **state)
{
    (void)state;
    uint64_t n = 3 * DEC_REC_LIVE_STAGES / STAGES_PER_X + 5;  /* trims the stages twice */
    struct dec_record r;
    dec_record_init(&r, 1);
    r.rolling = true;
    struct dec_exchange *first = NULL;
    feed(&r, n, &first);
    assert_true(r.nstgs <= DEC_REC_LIVE_STAGES);
    assert_true(r.trimmed > 0);
    /* the exchanges kept are those of the stages kept, not all n */
    int64_t oldest = r.stgs[0]->exchange;
    assert_true(oldest > 0);
    assert_int_equal(r.x_base, oldest);
    assert_int_equal(r.nxs, n - (uint64_t)oldest);
    assert_null(dec_record_x(&r, 0));
    assert_null(dec_record_x(&r, oldest - 1));
    for (int64_t i = oldest; i < (int64_t)n; i++) {
        const struct dec_exchange *x = dec_record_x(&r, i);
        assert_non_null(x);
        assert_int_equal(x->index, i);
    }
    assert_int_equal(dec_record_last_x(&r)->index, n - 1);
    /* the record let go of exchange 0: only our reference is left */
    assert_int_equal(first->refs, 1);
    dec_exchange_unref(first);
    /* a late exchange from before the window is not taken */
    struct dec_sink sink;
    dec_record_sink(&r, &sink);
    struct dec_conn c = {.id = 1};
    struct dec_exchange *late = mk_exchange(0);
    sink.on_exchange(sink.ctx, &c, late);
    assert_int_equal(late->refs, 1);
    dec_exchange_unref(late);
    dec_record_free(&r);
}

static void test_file_record_keeps_all(void **state)
{
    (void)state;
    uint64_t n = 3 * DEC_REC_LIVE_STAGES / STAGES_PER_X + 5;
    struct dec_record r;
    dec_record_init(&r, 1);
    struct dec_exchange *first = NULL;
    feed(&r, n, &first);
    assert_int_equal(r.nstgs, n * STAGES_PER_X);
    assert_int_equal(r.x_base, 0);
    assert_int_equal(r.nxs, n);
    assert_ptr_equal(dec_record_x(&r, 0), first);
    assert_int_equal(first->refs, 2);
    dec_exchange_unref(first);
    dec_record_free(&r);
}

/* dec_record_link links only the stages new since its last call (live: on
 * every turn of the UI's loop); linking after every frame gives what one
 * link over the whole record gives, on every sample (a stage's packets are
 * recorded before it) and on a rolling record that dropped stages */
static void test_link_incremental(void **state)
{
    (void)state;
    static const char *const caps[] = {
        "samples/01-classic-get.pcap", "samples/02-keep-alive.pcap", "samples/03-browser-page.pcapng",
        "samples/06-expect-100-continue.pcap", "samples/10-pipelining.pcap",
        "samples/12-lossy-network.pcap", "samples/13-https.pcap", "samples/14-large-download.pcap",
    };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        for (int rolling = 0; rolling < 2; rolling++) {
            struct dec_record r;
            dec_record_init(&r, 1);
            r.rolling = rolling;
            struct dec_sink ds;
            dec_record_sink(&r, &ds);
            char err[TR_ERRBUF_SIZE];
            struct dec_pipeline_opts po = {.file = caps[i], .preview = 4096, .decode_content = true};
            struct dec_pipeline *p;
            if (dec_pipeline_open(&p, &po, &ds, err) != DEC_PIPE_OK)
                fail_msg("%s", err);
            while (dec_pipeline_next(p) == DEC_PIPE_FRAME)
                dec_record_link(&r);
            dec_pipeline_close(p);
            dec_record_link(&r);
            int32_t *got = calloc(r.npkts + 1, sizeof *got);
            assert_non_null(got);
            for (size_t k = 0; k < r.npkts; k++)
                got[k] = r.pkts[k].stage;
            r.linked = 0;  /* as if never linked: all again */
            r.linked_trimmed = r.trimmed + 1;
            dec_record_link(&r);
            size_t linked = 0;
            for (size_t k = 0; k < r.npkts; k++) {
                if (got[k] != r.pkts[k].stage)
                    fail_msg("%s: frame %llu linked to stage %d, all at once %d", caps[i],
                             (unsigned long long)r.pkts[k].seg.frame, got[k], r.pkts[k].stage);
                linked += r.pkts[k].stage >= 0;
            }
            assert_true(linked > 0);
            free(got);
            dec_record_free(&r);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rolling_bounded),
        cmocka_unit_test(test_file_record_keeps_all),
        cmocka_unit_test(test_link_incremental),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
