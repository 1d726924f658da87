/* test_lab.c - lab mode (issue 19): teach/lab*.c on the bundled samples
 *
 * Which questions each sample gets and their answers (the values below were
 * read with tshark from the same files: tcp.seq_raw of the SYN, tcp.ack_raw
 * of the SYN-ACK, tcp.analysis.ack_rtt, tcp.window_size, http.authbasic,
 * frame.number of the status line; tests/e2e/lab.py compares every sample's
 * key with tshark at run time); how answers are checked (tolerance, units,
 * thousands separators, case, choices by letter, number and text); the
 * dates of a multiple choice; --seed; "what comes next?" on the stages where
 * HTTP's rules make the next one certain, and nowhere else; Chinese.
 *
 *   build/tests/test_lab          (from the top directory)
 */
#include "testutil.h"

#include "../../teach/teach.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct teach_lab *lab_of(const char *path, uint64_t seed)
{
    char err[TR_ERRBUF_SIZE];
    struct dec_pipeline_opts po = {.file = path};
    struct teach_lab *l = teach_lab_new();
    if (!teach_lab_load(l, &po, err))
        fail_msg("%s: %s", path, err);
    teach_lab_generate(l, seed);
    return l;
}

static const struct teach_lab_q *find(const struct teach_lab *l, const char *id)
{
    for (size_t i = 0; i < teach_lab_count(l); i++)
        if (strcmp(teach_lab_get(l, i)->id, id) == 0)
            return teach_lab_get(l, i);
    return NULL;
}

/* the question is there, its answer is `answer`, and checking it is right */
static void expect(const struct teach_lab *l, const char *sample, const char *id,
                   const char *answer)
{
    const struct teach_lab_q *q = find(l, id);
    if (!q)
        fail_msg("%s: no %s question", sample, id);
    if (strcmp(q->answer, answer) != 0)
        fail_msg("%s: %s answer '%s', not '%s'", sample, id, q->answer, answer);
    assert_int_equal(teach_lab_check(q, answer), TEACH_LAB_RIGHT);
    assert_non_null(q->text);
    assert_non_null(q->why);
    assert_true(q->conn >= 1 || strncmp(id, "dns_", 4) == 0);  /* a lookup no connection used */
}

static void absent(const struct teach_lab *l, const char *sample, const char *id)
{
    if (find(l, id))
        fail_msg("%s: a %s question, though the capture has no such fact", sample, id);
}

static void test_samples(void **state)
{
    (void)state;
    struct teach_lab *l = lab_of("samples/05-file-upload.pcap", 0);
    expect(l, "05", "syn_seq", "893693509");      /* tcp.seq_raw of frame 1 */
    expect(l, "05", "synack_ack", "893693510");   /* tcp.ack_raw of frame 2 */
    expect(l, "05", "rtt_sample", "7");           /* ack_rtt of frame 5: 7 us */
    expect(l, "05", "client_version", "HTTP/1.1");
    expect(l, "05", "who_closed", "the client");
    absent(l, "05", "basic_auth");
    absent(l, "05", "conditional_header");
    absent(l, "05", "accept_language");
    absent(l, "05", "retransmissions");
    teach_lab_free(l);

    l = lab_of("samples/08-status-codes.pcap", 0);
    expect(l, "08", "basic_auth", "teacher:chalk");        /* http.authbasic */
    expect(l, "08", "conditional_header", "If-Modified-Since");
    expect(l, "08", "conditional_status", "304");
    expect(l, "08", "requests", "10");
    expect(l, "08", "status_frame", "6");
    expect(l, "08", "last_modified", "Mon, 02 Sep 2024 08:00:00 GMT");
    expect(l, "08", "who_closed", "the server");
    teach_lab_free(l);

    l = lab_of("samples/03-browser-page.pcapng", 0);
    expect(l, "03", "accept_language", "en-US");
    expect(l, "03", "requests", "6");
    teach_lab_free(l);

    l = lab_of("samples/12-lossy-network.pcap", 0);
    expect(l, "12", "min_window", "52224");    /* min tcp.window_size, client to server */
    expect(l, "12", "rtt_sample", "10326");    /* ack_rtt 0.010326 */
    expect(l, "12", "retransmissions", "9");
    expect(l, "12", "content_length", "119847");
    teach_lab_free(l);

    l = lab_of("samples/14-large-download.pcap", 0);
    expect(l, "14", "response_segments", "1039");
    teach_lab_free(l);

    l = lab_of("samples/10-pipelining.pcap", 0);
    expect(l, "10", "pipelining", "2");
    teach_lab_free(l);

    l = lab_of("samples/11-http10.pcap", 0);
    expect(l, "11", "client_version", "HTTP/1.0");
    expect(l, "11", "server_version", "HTTP/1.0");
    teach_lab_free(l);

    /* HTTPS without keys: the TCP lab and the handshake (tcp.seq_raw of frame 1, the FIN of frame 17) */
    l = lab_of("samples/13-https.pcap", 0);
    expect(l, "13", "syn_seq", "1565510725");
    expect(l, "13", "who_closed", "the server");
    absent(l, "13", "client_version");
    absent(l, "13", "requests");
    absent(l, "13", "status_frame");
    assert_int_equal(find(l, "rtt_sample")->exchange, -1);
    teach_lab_free(l);
    /* DNS lookups and no HTTP: the DNS questions only (dns.a of frame 2,
     * the rcode 3 of frame 8; the TCP connections carry DNS, not HTTP) */
    l = lab_of("tests/data/dns/dns-dig.pcap", 0);
    expect(l, "dig", "dns_address", "10.77.0.1");
    expect(l, "dig", "dns_rcode", "NXDOMAIN");
    absent(l, "dig", "dns_conn");
    absent(l, "dig", "syn_seq");
    teach_lab_free(l);
}

/* every sample: every question has an answer that checks right, a rule,
 * a place; a choice's right index in range and its answer that choice */
static void test_every_sample(void **state)
{
    (void)state;
    static const char *const samples[] = {
        "01-classic-get.pcap", "02-keep-alive.pcap", "03-browser-page.pcapng",
        "04-login-form.pcap", "05-file-upload.pcap", "06-expect-100-continue.pcap",
        "07-gzip-chunked.pcap", "08-status-codes.pcap", "09-methods.pcap",
        "10-pipelining.pcap", "11-http10.pcap", "12-lossy-network.pcap",
        "13-https.pcap", "14-large-download.pcap", "15-https-decrypted.pcapng",
        "16-http2.pcapng", "17-dns-lookup.pcap", "18-dns-nxdomain.pcap",
    };
    for (size_t s = 0; s < NELEM(samples); s++) {
        char path[256];
        snprintf(path, sizeof path, "samples/%s", samples[s]);
        struct teach_lab *l = lab_of(path, 0);
        assert_true(teach_lab_count(l) >= (strstr(path, "https") ? 6 : 10));
        for (size_t i = 0; i < teach_lab_count(l); i++) {
            const struct teach_lab_q *q = teach_lab_get(l, i);
            char buf[256];
            assert_int_equal(teach_lab_check(q, q->answer), TEACH_LAB_RIGHT);
            assert_true(strlen(teach_lab_rule(q, buf, sizeof buf)) > 5);
            assert_true(strlen(teach_lab_where(q, buf, sizeof buf)) > 5);
            assert_true(q->frame >= 1);
            for (size_t k = i + 1; k < teach_lab_count(l); k++)
                assert_string_not_equal(q->id, teach_lab_get(l, k)->id);
            if (q->kind == TEACH_LAB_CHOICE) {
                assert_true(q->nchoices >= 2 && q->right < q->nchoices);
                assert_string_equal(q->choices[q->right], q->answer);
                char letter[2] = {(char)('a' + q->right), 0};
                assert_int_equal(teach_lab_check(q, letter), TEACH_LAB_RIGHT);
                letter[0] = (char)('a' + (q->right + 1) % q->nchoices);
                assert_int_equal(teach_lab_check(q, letter), TEACH_LAB_WRONG);
            }
        }
        teach_lab_free(l);
    }
}

static void test_checking(void **state)
{
    (void)state;
    struct teach_lab_q q = {.id = "t", .kind = TEACH_LAB_NUMBER, .value = 1039};
    assert_int_equal(teach_lab_check(&q, "1039"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&q, " 1,039 "), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&q, "1039."), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&q, "1040"), TEACH_LAB_WRONG);
    assert_int_equal(teach_lab_check(&q, "1038"), TEACH_LAB_WRONG);
    assert_int_equal(teach_lab_check(&q, "about a thousand"), TEACH_LAB_UNREADABLE);
    assert_int_equal(teach_lab_check(&q, ""), TEACH_LAB_UNREADABLE);
    assert_int_equal(teach_lab_check(&q, "1039 ms"), TEACH_LAB_UNREADABLE);  /* not a time */
    assert_int_equal(teach_lab_check(&q, ",1039"), TEACH_LAB_UNREADABLE);
    q.tol = 2;
    assert_int_equal(teach_lab_check(&q, "1041"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&q, "1037"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&q, "1042"), TEACH_LAB_WRONG);
    /* a duration: microseconds, or with a unit */
    struct teach_lab_q r = {.id = "rtt", .kind = TEACH_LAB_NUMBER, .value = 10326, .tol = 1032,
                            .usec = true};
    assert_int_equal(teach_lab_check(&r, "10326"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&r, "10.3 ms"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&r, "10.3ms"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&r, "0.0103 s"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&r, "10326 \xc2\xb5s"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&r, "10.3 \xe6\xaf\xab\xe7\xa7\x92"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&r, "11.4 ms"), TEACH_LAB_WRONG);  /* 1074 us off */
    assert_int_equal(teach_lab_check(&r, "9.3 ms"), TEACH_LAB_RIGHT);   /* 1026 us off */
    assert_int_equal(teach_lab_check(&r, "10 parsecs"), TEACH_LAB_UNREADABLE);
    /* a frame: any of the stage's */
    struct teach_lab_q f = {.id = "f", .kind = TEACH_LAB_NUMBER, .value = 6, .also = {7, 8},
                            .nalso = 2};
    assert_int_equal(teach_lab_check(&f, "8"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&f, "9"), TEACH_LAB_WRONG);
    /* a header name: any case, a colon after it */
    char *acc = strdup("If-Modified-Since");
    struct teach_lab_q h = {.id = "h", .kind = TEACH_LAB_NAME, .accept = {acc}, .naccept = 1};
    assert_int_equal(teach_lab_check(&h, "if-modified-since"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&h, "  IF-MODIFIED-SINCE: "), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&h, "If-None-Match"), TEACH_LAB_WRONG);
    assert_int_equal(teach_lab_check(&h, "If-Modified"), TEACH_LAB_WRONG);
    /* credentials: as sent, case counts */
    char *cred = strdup("teacher:chalk");
    struct teach_lab_q e = {.id = "e", .kind = TEACH_LAB_EXACT, .accept = {cred}, .naccept = 1};
    assert_int_equal(teach_lab_check(&e, " teacher:chalk "), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&e, "Teacher:Chalk"), TEACH_LAB_WRONG);
    /* a choice: letter, number, text */
    char *c0 = strdup("HTTP/1.0"), *c1 = strdup("HTTP/1.1"), *c2 = strdup("HTTP/2");
    struct teach_lab_q c = {.id = "c", .kind = TEACH_LAB_CHOICE, .choices = {c0, c1, c2},
                            .nchoices = 3, .right = 1};
    assert_int_equal(teach_lab_check(&c, "b"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&c, "B"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&c, "(b)"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&c, "b)"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&c, "2"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&c, "http/1.1"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&c, "a"), TEACH_LAB_WRONG);
    assert_int_equal(teach_lab_check(&c, "HTTP/2"), TEACH_LAB_WRONG);
    assert_int_equal(teach_lab_check(&c, "d"), TEACH_LAB_UNREADABLE);
    assert_int_equal(teach_lab_check(&c, "4"), TEACH_LAB_UNREADABLE);
    assert_int_equal(teach_lab_check(&c, "HTTP/3"), TEACH_LAB_UNREADABLE);
    free(acc);
    free(cred);
    free(c0);
    free(c1);
    free(c2);
}

static void test_seed(void **state)
{
    (void)state;
    struct teach_lab *a = lab_of("samples/08-status-codes.pcap", 0);
    struct teach_lab *b = lab_of("samples/08-status-codes.pcap", 0);
    struct teach_lab *s1 = lab_of("samples/08-status-codes.pcap", 42);
    struct teach_lab *s2 = lab_of("samples/08-status-codes.pcap", 42);
    size_t n = teach_lab_count(a);
    assert_int_equal(teach_lab_count(s1), n);
    bool moved = false;
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(teach_lab_get(a, i)->id, teach_lab_get(b, i)->id);
        assert_string_equal(teach_lab_get(a, i)->text, teach_lab_get(b, i)->text);
        assert_string_equal(teach_lab_get(s1, i)->id, teach_lab_get(s2, i)->id);
        moved |= strcmp(teach_lab_get(a, i)->id, teach_lab_get(s1, i)->id) != 0;
        /* each question is there once, with the same answer */
        const struct teach_lab_q *q = find(s1, teach_lab_get(a, i)->id);
        assert_non_null(q);
        assert_string_equal(q->answer, teach_lab_get(a, i)->answer);
    }
    assert_true(moved);
    /* without a seed the HTTP lab comes first, the TCP lab after it */
    assert_string_equal(teach_lab_get(a, 0)->id, "client_version");
    assert_string_equal(teach_lab_get(a, n - 1)->id, "who_closed");
    teach_lab_free(a);
    teach_lab_free(b);
    teach_lab_free(s1);
    teach_lab_free(s2);
}

static void test_dates(void **state)
{
    (void)state;
    const struct teach_lab_q *q;
    struct teach_lab *l = lab_of("samples/01-classic-get.pcap", 0);
    q = find(l, "last_modified");
    assert_non_null(q);
    assert_int_equal(q->nchoices, 4);
    /* the date as sent, a day later (a Tuesday), a year earlier, a month later */
    const char *want[] = {"Mon, 02 Sep 2024 08:00:00 GMT", "Tue, 03 Sep 2024 08:00:00 GMT",
                          "Sat, 02 Sep 2023 08:00:00 GMT", "Wed, 02 Oct 2024 08:00:00 GMT"};
    for (size_t i = 0; i < 4; i++) {
        bool found = false;
        for (size_t k = 0; k < q->nchoices; k++)
            found |= strcmp(q->choices[k], want[i]) == 0;
        if (!found)
            fail_msg("no choice '%s'", want[i]);
    }
    assert_string_equal(q->choices[q->right], want[0]);
    assert_int_equal(teach_lab_check(q, "mon, 02 sep 2024 08:00:00 gmt"), TEACH_LAB_RIGHT);
    teach_lab_free(l);
}

/* ------------------------------------------------- what comes next? -- */

/* one connection's record, as the UI keeps the one it shows */
static void load_conn(const char *path, uint64_t id, struct dec_record *r)
{
    char err[TR_ERRBUF_SIZE];
    struct dec_sink ds;
    dec_record_init(r, id);
    dec_record_sink(r, &ds);
    struct dec_pipeline_opts po = {.file = path};
    struct dec_pipeline *p;
    if (dec_pipeline_open(&p, &po, &ds, err) != DEC_PIPE_OK)
        fail_msg("%s", err);
    while (dec_pipeline_next(p) == DEC_PIPE_FRAME)
        ;
    dec_pipeline_close(p);
    dec_record_link(r);
}

/* the questions of every stage: "id@stage_kind_of_the_next ..." */
static void next_questions(const struct dec_record *r, char *buf, size_t cap)
{
    buf[0] = '\0';
    for (size_t i = 0; i < r->nstgs; i++) {
        for (int part = 0;; part++) {
            struct teach_lab_q q;
            if (!teach_lab_next_part(r, (int)i, part, &q))
                break;
            /* the answer is the stage that comes next */
            const struct dec_stage *next = r->stgs[i + 1];
            assert_int_equal(q.stage, next->kind);
            assert_int_equal(q.exchange, next->exchange);
            assert_true(q.right < q.nchoices);
            assert_string_equal(q.choices[q.right], q.answer);
            char letter[2] = {(char)('a' + q.right), 0};
            assert_int_equal(teach_lab_check(&q, letter), TEACH_LAB_RIGHT);
            size_t n = strlen(buf);
            snprintf(buf + n, cap - n, "%s%s@%zu", n ? " " : "", q.id, i);
            teach_lab_q_done(&q);
        }
    }
}

/* the first question of r so named (part 0 of its step) whose text holds
 * `in` (NULL: any); false when none */
static bool next_named(const struct dec_record *r, const char *id, const char *in,
                       struct teach_lab_q *out)
{
    for (size_t i = 0; i < r->nstgs; i++) {
        if (!teach_lab_next(r, (int)i, out))
            continue;
        if (strcmp(out->id, id) == 0 && (!in || strstr(out->text, in)))
            return true;
        teach_lab_q_done(out);
    }
    return false;
}

static void test_next(void **state)
{
    (void)state;
    char got[1024];
    struct dec_record r;
    /* 09: HEAD's response has no body; a status line, its headers */
    load_conn("samples/09-methods.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_non_null(strstr(got, "next_no_body@"));
    assert_non_null(strstr(got, "next_headers@"));
    struct teach_lab_q q;
    for (size_t i = 0; i < r.nstgs; i++)
        if (teach_lab_next(&r, (int)i, &q)) {
            if (strcmp(q.id, "next_no_body") == 0) {
                assert_string_equal(q.answer, "no body");
                assert_true(r.stgs[i]->kind == DEC_STAGE_RESPONSE_BLANK_LINE);
                const struct dec_msg *req = NULL;
                for (size_t j = 0; j < i; j++)
                    if (r.stgs[j]->kind == DEC_STAGE_REQUEST_LINE &&
                        r.stgs[j]->exchange == r.stgs[i]->exchange)
                        req = r.stgs[j]->msg;
                assert_non_null(req);
                assert_true(dec_str_eq_ci(req->method, "HEAD") ||
                            r.stgs[i]->msg->status == 204 || r.stgs[i]->msg->status == 304);
            }
            teach_lab_q_done(&q);
        }
    dec_record_free(&r);
    /* 06: Expect: 100-continue waits for 100 Continue, then a body of 3040 bytes */
    load_conn("samples/06-expect-100-continue.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_non_null(strstr(got, "next_expect@3"));  /* after the request's blank line */
    assert_true(teach_lab_next(&r, 3, &q));
    assert_string_equal(q.answer, "an interim response: 100 Continue");
    assert_true(q.interim);
    teach_lab_q_done(&q);
    dec_record_free(&r);
    /* 10: two requests wait: the first one's response comes first */
    load_conn("samples/10-pipelining.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_non_null(strstr(got, "next_pipeline@6"));
    assert_true(teach_lab_next(&r, 6, &q));
    assert_int_equal(q.nchoices, 2);
    assert_non_null(strstr(q.answer, "GET /hello.txt (request 1)"));
    teach_lab_q_done(&q);
    dec_record_free(&r);
    /* 05: a request body of Content-Length bytes */
    load_conn("samples/05-file-upload.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_non_null(strstr(got, "next_request_body@"));
    dec_record_free(&r);
    /* 01: the response said Connection: close, the server closes */
    load_conn("samples/01-classic-get.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_non_null(strstr(got, "next_close@"));
    assert_non_null(strstr(got, "next_body_length@"));
    /* nothing after the last stage, nothing before the first */
    assert_false(teach_lab_next(&r, (int)r.nstgs - 1, &q));
    assert_false(teach_lab_next(&r, -1, &q));
    assert_false(teach_lab_next(&r, 0, &q));  /* after the handshake: not certain */
    dec_record_free(&r);
    /* every sample's first connection: each question's answer is the stage
     * that comes next (next_questions checks it) */
    static const char *const all[] = {
        "02-keep-alive.pcap", "03-browser-page.pcapng", "04-login-form.pcap",
        "07-gzip-chunked.pcap", "08-status-codes.pcap", "11-http10.pcap",
        "12-lossy-network.pcap", "14-large-download.pcap",
    };
    for (size_t k = 0; k < NELEM(all); k++) {
        char path[256];
        snprintf(path, sizeof path, "samples/%s", all[k]);
        load_conn(path, 1, &r);
        next_questions(&r, got, sizeof got);
        assert_non_null(strstr(got, "next_headers@"));
        dec_record_free(&r);
    }
    /* 13: HTTPS without keys: nothing of HTTP is certain; the ServerHello
     * after the ClientHello is, and the close (tshark: the server's FIN in
     * frame 16, the client's FIN+ACK in frame 17) */
    load_conn("samples/13-https.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_string_equal(got, "next_server_hello@1 next_fin@6");
    assert_true(teach_lab_next_part(&r, 6, 0, &q));
    assert_non_null(strstr(q.text, "Frame 16: the server sends the first FIN"));
    assert_string_equal(q.answer, "the client acknowledges it and sends its own FIN, with no more "
                                  "data");
    assert_int_equal(q.frame, 17);
    teach_lab_q_done(&q);
    assert_false(teach_lab_next_part(&r, 6, 1, &q));
    dec_record_free(&r);
    /* 01: Connection: close asks who sends the first FIN (part 0), then,
     * that FIN told, what comes next (part 1: frame 11, the client's FIN) */
    load_conn("samples/01-classic-get.pcap", 1, &r);
    int last = (int)r.nstgs - 2;
    assert_true(teach_lab_next_part(&r, last, 0, &q));
    assert_string_equal(q.id, "next_close");
    teach_lab_q_done(&q);
    assert_true(teach_lab_next_part(&r, last, 1, &q));
    assert_string_equal(q.id, "next_fin");
    assert_non_null(strstr(q.text, "Frame 10: the server sends the first FIN"));
    assert_int_equal(q.frame, 11);
    teach_lab_q_done(&q);
    assert_false(teach_lab_next_part(&r, last, 2, &q));
    dec_record_free(&r);
    /* a FIN, then the other side's data, then its FIN (tshark: client FIN
     * 12, server 24 bytes in 13, server FIN 15) */
    load_conn("tests/data/tls/tls13-0rtt.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_true(next_named(&r, "next_fin", NULL, &q));
    assert_string_equal(q.answer, "the server sends more data first, then its own FIN");
    assert_non_null(strstr(q.why, "From frame 13 the server sends 24 more bytes, then its own FIN "
                                  "in frame 15"));
    teach_lab_q_done(&q);
    dec_record_free(&r);
    /* a FIN, the server's data, then the client's reset (tshark: 13, 19, 20) */
    load_conn("tests/data/tls/tls12-resumed.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_non_null(strstr(got, "next_fin@"));
    dec_record_free(&r);
    /* a RST with no FIN before it: no question about the close */
    load_conn("tests/data/rst-close.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_null(strstr(got, "next_fin"));
    dec_record_free(&r);
    /* after a PUSH_PROMISE: the response already under way (stream 13) */
    load_conn("tests/data/h2/h2c-nghttp-push.pcap", 1, &r);
    next_questions(&r, got, sizeof got);
    assert_non_null(strstr(got, "next_push@"));
    assert_true(next_named(&r, "next_push", "stream 2 ", &q));
    assert_string_equal(q.answer, "the headers of the response on stream 13 (GET /index.html)");
    teach_lab_q_done(&q);
    dec_record_free(&r);
}

/* HTTPS, HTTP/2, DNS: the values were read with tshark from the same files
 * (tls.handshake.ciphersuite and supported_version of the ServerHello,
 * tls.handshake.extensions_server_name, http2.length of the HEADERS of
 * stream 3, dns.a, dns.resp.ttl, dns.time, dns.flags.rcode) */
static void test_proto(void **state)
{
    (void)state;
    struct teach_lab *l = lab_of("samples/13-https.pcap", 0);
    expect(l, "13", "tls_version", "TLS 1.3");
    expect(l, "13", "tls_cipher", "TLS_AES_256_GCM_SHA384");
    expect(l, "13", "tls_sni", "class.example");
    assert_int_equal(teach_lab_check(find(l, "tls_sni"), "Class.Example"), TEACH_LAB_RIGHT);
    expect(l, "13", "tls_server_hello_frame", "6");
    expect(l, "13", "tls_suite_part", "the cipher that encrypts every record and detects any "
                                      "change");
    expect(l, "13", "tls_url", "no: the request travels in encrypted records; only the server "
                               "name (SNI) and the addresses show");
    absent(l, "13", "tls_alpn");          /* in EncryptedExtensions: no keys */
    absent(l, "13", "tls_cert_subject");  /* TLS 1.3: encrypted */
    absent(l, "13", "h2_streams");
    absent(l, "13", "dns_address");
    teach_lab_free(l);

    l = lab_of("samples/16-http2.pcapng", 0);
    expect(l, "16", "tls_alpn", "h2");
    expect(l, "16", "h2_streams", "3");
    expect(l, "16", "h2_max_open", "2");
    expect(l, "16", "h2_stream_id", "3");    /* GET /style.css */
    expect(l, "16", "h2_status", "200");
    expect(l, "16", "h2_hpack", "14");       /* frame 17: HEADERS, 14 bytes */
    absent(l, "16", "h2_pushed");
    teach_lab_free(l);

    l = lab_of("samples/17-dns-lookup.pcap", 0);
    expect(l, "17", "dns_address", "10.77.1.1");
    expect(l, "17", "dns_ttl", "300");
    expect(l, "17", "dns_time", "3447");     /* dns.time 0.003447 */
    assert_int_equal(teach_lab_check(find(l, "dns_time"), "3.4 ms"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(find(l, "dns_time"), "5 ms"), TEACH_LAB_WRONG);
    expect(l, "17", "dns_conn", "1");
    absent(l, "17", "dns_rcode");
    absent(l, "17", "tls_version");
    teach_lab_free(l);

    l = lab_of("samples/18-dns-nxdomain.pcap", 0);
    expect(l, "18", "dns_rcode", "NXDOMAIN");  /* frame 2, rcode 3 */
    char buf[256];
    /* no connection followed that lookup: the place is the lookup's frame */
    assert_string_equal(teach_lab_where(find(l, "dns_rcode"), buf, sizeof buf),
                        "stage 0 DNS lookup, frame 2");
    teach_lab_free(l);

    /* TLS 1.2: the certificate in clear text; the key exchange in the suite */
    char err[TR_ERRBUF_SIZE];
    const char *keys[] = {"tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.keys"};
    struct dec_pipeline_opts po = {.file = "tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.pcap",
                                   .keylogs = keys, .nkeylogs = 1};
    l = teach_lab_new();
    if (!teach_lab_load(l, &po, err))
        fail_msg("%s", err);
    teach_lab_generate(l, 0);
    expect(l, "tls12", "tls_version", "TLS 1.2");
    expect(l, "tls12", "tls_cipher", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    expect(l, "tls12", "tls_cert_subject", "localhost");   /* x509sat.uTF8String */
    assert_int_equal(teach_lab_check(find(l, "tls_cert_subject"), "CN=localhost"),
                     TEACH_LAB_RIGHT);
    expect(l, "tls12", "tls_suite_part", "how the two sides agree on a secret key (the key "
                                         "exchange)");
    assert_non_null(strstr(find(l, "tls_suite_part")->text, "the part ECDHE"));
    teach_lab_free(l);

    /* HTTP/2 server push: the pushed path */
    l = lab_of("tests/data/h2/h2c-nghttp-push.pcap", 0);
    expect(l, "push", "h2_pushed", "/style.css");
    assert_int_equal(teach_lab_check(find(l, "h2_pushed"), "/STYLE.css"), TEACH_LAB_WRONG);
    absent(l, "push", "h2_stream_id");  /* two requests are GET /index.html */
    expect(l, "push", "h2_max_open", "4");
    teach_lab_free(l);
}

static void test_chinese(void **state)
{
    (void)state;
    tu_zh_catalog();
    struct teach_lab *l = lab_of("samples/08-status-codes.pcap", 0);
    const struct teach_lab_q *q = find(l, "synack_ack");
    assert_non_null(strstr(q->text, "确认号"));
    assert_non_null(strstr(q->why, "1210114903 + 1"));
    q = find(l, "who_closed");
    assert_string_equal(q->answer, "服务器");
    assert_int_equal(teach_lab_check(q, "服务器"), TEACH_LAB_RIGHT);
    char buf[256];
    assert_non_null(strstr(teach_lab_rule(q, buf, sizeof buf), "选一项"));
    assert_non_null(strstr(teach_lab_where(q, buf, sizeof buf), "第 1 条连接"));
    q = find(l, "rtt_sample");
    assert_non_null(strstr(q->why, "微秒"));
    assert_int_equal(teach_lab_check(q, "0.015 毫秒"), TEACH_LAB_RIGHT);
    teach_lab_free(l);
    setenv("LANGUAGE", "en", 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_every_sample),
        cmocka_unit_test(test_checking),
        cmocka_unit_test(test_seed),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_next),
        cmocka_unit_test(test_proto),
        cmocka_unit_test(test_chinese),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
