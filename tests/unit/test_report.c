/* test_report.c - the writers of report/: the --text transcript (each
 * connection whole and in order, exchanges numbered as the UI's list, what a
 * tunnel carries, 80 columns, bodies as long as --preview allows, live lines
 * labelled by connection), the spool, word wrapping, escaping, base64, dates,
 * URLs, and the UI's export of one exchange
 *
 *   build/tests/test_report        (from the top directory)
 */
#include "testutil.h"

#include "../../report/report_int.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ helpers -- */

/* the output of a writer of one format over a capture (a new string) */
static char *write_capture(const char *path, enum rep_format f, bool live, size_t preview)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    char err[TR_ERRBUF_SIZE];
    struct rep_writer_opts wo = {f, out, live, true, NULL, 0, preview, 0, 2};
    struct rep_writer *w = rep_writer_new(&wo, err);
    assert_non_null(w);
    struct dec_sink ds;
    rep_writer_sink(w, &ds);
    struct dec_pipeline_opts po = {.file = path, .preview = rep_writer_preview(w),
                                   .decode_content = true};
    struct dec_pipeline *p;
    if (dec_pipeline_open(&p, &po, &ds, err) != DEC_PIPE_OK)
        fail_msg("%s", err);
    struct rep_capture_info ci = {path, "EN10MB", 262144, live};
    rep_writer_capture(w, &ci);
    while (dec_pipeline_next(p) == DEC_PIPE_FRAME)
        ;
    struct dec_run_stats st;
    dec_pipeline_stats(p, &st);
    rep_writer_stats(w, &st);
    assert_true(rep_writer_flush(w));
    dec_pipeline_close(p);
    rep_writer_free(w);
    fclose(out);
    return buf;
}

/* the next line of *p (NUL-terminated in place), or NULL */
static char *next_line(char **p)
{
    if (!*p || !**p)
        return NULL;
    char *l = *p, *nl = strchr(l, '\n');
    if (nl) {
        *nl = '\0';
        *p = nl + 1;
    } else {
        *p = l + strlen(l);
    }
    return l;
}

/* the connection a line names: "Connection N:" or "Connection N (continued):" */
static long conn_line(const char *l)
{
    long n;
    char c;
    if (sscanf(l, "Connection %ld%c", &n, &c) == 2 && (c == ':' || c == ' '))
        return n;
    return -1;
}

/* ------------------------------------------------------------- --text -- */

/* samples/03: each connection's exchanges, stages and end under its own
 * heading, the headings in order (issue 14: /page.html and /style.css were
 * under "Connection 2", stages of two connections interleaved) */
static void test_text_connections_whole(void **state)
{
    (void)state;
    char *t = write_capture("samples/03-browser-page.pcapng", REP_FORMAT_TEXT, false, 0);
    static const char *const want[5][3] = {
        {NULL}, {"/page.html", "/style.css"}, {"/script.js"}, {"/red.png"},
        {"/blue.png", "/favicon.ico"},
    };
    size_t got[5] = {0};
    long cur = 0, last = 0;
    int ends = 0;
    char *p = t, *l;
    while ((l = next_line(&p))) {
        long c = conn_line(l);
        if (c > 0) {
            assert_true(c == last + 1);  /* in order, each once */
            cur = last = c;
            continue;
        }
        char target[200];
        unsigned x;
        if (sscanf(l, "  Exchange %u: GET %199s", &x, target) == 2) {
            assert_true(cur >= 1 && cur <= 4);
            assert_true(got[cur] < 3 && want[cur][got[cur]]);
            assert_string_equal(target, want[cur][got[cur]]);
            got[cur]++;
        }
        long e;
        if (sscanf(l, "  End of connection %ld:", &e) == 1) {
            assert_int_equal(e, cur);
            cur = 0;  /* nothing of a connection after its end */
            ends++;
        }
        if (strncmp(l, "    Step ", 9) == 0)
            assert_true(cur > 0);
    }
    assert_int_equal(ends, 4);
    for (int c = 1; c <= 4; c++)
        assert_int_equal(got[c], c == 1 || c == 4 ? 2 : 1);
    free(t);
}

/* samples/09: the CONNECT, its reply and the tunnel under connection 2, and
 * the tunnel said to carry HTTP (issue 14: "82 bytes of another protocol"
 * after "End of connection 3") */
static void test_text_tunnel(void **state)
{
    (void)state;
    char *t = write_capture("samples/09-methods.pcap", REP_FORMAT_TEXT, false, 0);
    assert_null(strstr(t, "another protocol"));
    char *c2 = strstr(t, "\nConnection 2:");
    char *end2 = strstr(t, "End of connection 2:");
    assert_non_null(c2);
    assert_non_null(end2);
    const char *inside[] = {"CONNECT localhost:80", "HTTP/1.1 200 Connection established",
                            "82 bytes from the client, relayed: plain HTTP inside the",
                            "| GET /hello.txt HTTP/1.1", "155 bytes from the server",
                            "| HTTP/1.1 200 OK"};
    for (size_t i = 0; i < NELEM(inside); i++) {
        char *at = strstr(c2, inside[i]);
        assert_non_null(at);
        assert_true(at < end2);
    }
    free(t);
}

/* exchanges are numbered as the UI's list does: from 1, across connections */
static void test_text_numbering(void **state)
{
    (void)state;
    char *t = write_capture("samples/09-methods.pcap", REP_FORMAT_TEXT, false, 0);
    assert_null(strstr(t, "Exchange 0"));
    unsigned next = 1, x;
    char *p = t, *l;
    while ((l = next_line(&p)))
        if (sscanf(l, "  Exchange %u:", &x) == 1)
            assert_int_equal(x, next++);
    assert_int_equal(next, 9);
    free(t);
}

static size_t columns(const char *s)
{
    return rep_width(s, strlen(s));
}

static const char *const captures[] = {
    "samples/01-classic-get.pcap", "samples/02-keep-alive.pcap",
    "samples/03-browser-page.pcapng", "samples/04-login-form.pcap",
    "samples/05-file-upload.pcap", "samples/06-expect-100-continue.pcap",
    "samples/07-gzip-chunked.pcap", "samples/08-status-codes.pcap", "samples/09-methods.pcap",
    "samples/10-pipelining.pcap", "samples/11-http10.pcap", "samples/12-lossy-network.pcap",
    "samples/13-https.pcap", "samples/14-large-download.pcap", "tests/data/midstream.pcap",
    "tests/data/not-http.pcap", "tests/data/port-reuse.pcap", "tests/data/rst-close.pcap",
    "tests/data/snaplen-96.pcap", "tests/data/v6-post-chunked.pcap",
};

/* every line of every transcript within 80 columns (issue 18: up to 167) */
static void test_text_width(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(captures); i++) {
        char *t = write_capture(captures[i], REP_FORMAT_TEXT, false, 0);
        char *p = t, *l;
        while ((l = next_line(&p)))
            if (columns(l) > 80)
                fail_msg("%s: a line of %zu columns: %s", captures[i], columns(l), l);
        free(t);
    }
}

/* a body as long as --preview allows (issue 18: cut at about 60 characters
 * even with --preview 100000) */
static void test_text_preview(void **state)
{
    (void)state;
    char *t = write_capture("samples/12-lossy-network.pcap", REP_FORMAT_TEXT, false, 0);
    assert_non_null(strstr(t, "| 000001  HTTP is a request and response protocol. The client"));
    assert_null(strstr(t, "| 000100  HTTP"));
    assert_non_null(strstr(t, "the first 2048 of 119847 bytes (--preview BYTES shows more)"));
    free(t);
    t = write_capture("samples/12-lossy-network.pcap", REP_FORMAT_TEXT, false, 100000);
    assert_non_null(strstr(t, "| 000100  HTTP is a request and response protocol."));
    assert_non_null(strstr(t, "the first 100000 of 119847 bytes"));
    free(t);
    t = write_capture("samples/12-lossy-network.pcap", REP_FORMAT_TEXT, false, 200000);
    assert_null(strstr(t, "--preview BYTES shows more"));
    free(t);
}

/* live: lines as events come, each after the name of its connection when
 * it is not the one of the line before; exchanges numbered from 1 */
static void test_text_live(void **state)
{
    (void)state;
    char *t = write_capture("samples/03-browser-page.pcapng", REP_FORMAT_TEXT, true, 0);
    long cur = -1;
    unsigned next = 1, x;
    int continued = 0;
    char *p = t, *l;
    while ((l = next_line(&p))) {
        long c = conn_line(l);
        if (c > 0) {
            cur = c;
            continued += strstr(l, "(continued)") != NULL;
            continue;
        }
        long e;
        if (sscanf(l, "  End of connection %ld:", &e) == 1)
            assert_int_equal(e, cur);
        if (sscanf(l, "  Exchange %u:", &x) == 1)
            assert_int_equal(x, next++);
    }
    assert_true(continued > 0);  /* the four connections interleave */
    assert_int_equal(next, 7);
    free(t);
}

/* a capture without HTTP says so */
static void test_text_no_http(void **state)
{
    (void)state;
    char *t = write_capture("tests/data/not-http.pcap", REP_FORMAT_TEXT, false, 0);
    assert_non_null(strstr(t, "No HTTP in this capture"));
    assert_non_null(strstr(t, "No HTTP exchange on this connection"));
    free(t);
}

/* --------------------------------------------------------------- spool -- */

static void test_spool(void **state)
{
    (void)state;
    struct rep_spool sp;
    char err[TR_ERRBUF_SIZE];
    assert_true(rep_spool_open(&sp, err));
    struct rep_obuf *o = rep_spool_begin(&sp, 1, 7, 7, REP_CH_ROW, 1);
    rep_ob_str(o, "seven#");
    rep_spool_num(o, 1);
    o = rep_spool_begin(&sp, 1, 3, 3, REP_CH_HEAD, -1);
    rep_ob_str(o, "three#");
    rep_spool_num(o, 0);
    rep_ob_str(o, ",");
    o = rep_spool_begin(&sp, 0, 9, 9, REP_CH_TOC, -1);
    rep_ob_str(o, "toc.");
    rep_spool_end(&sp);
    assert_true(rep_spool_sort(&sp));
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct rep_obuf out;
    rep_ob_init(&out, f);
    for (size_t i = 0; i < sp.n; i++)
        assert_true(rep_spool_copy(&sp, &sp.ch[i], &out, sp.ch[i].conn == 3 ? 0 : 40));
    rep_ob_done(&out);
    fclose(f);
    assert_string_equal(buf, "toc.three#1,seven#42");
    free(buf);
    rep_spool_close(&sp);
}

/* ------------------------------------------------ wrapping and escaping -- */

static char *wrapped(const char *s, size_t width, size_t first, size_t indent)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct rep_obuf o;
    rep_ob_init(&o, f);
    rep_wrap(&o, s, strlen(s), width, first, indent);
    rep_ob_done(&o);
    fclose(f);
    return buf;
}

static void test_wrap(void **state)
{
    (void)state;
    char *w = wrapped("the quick brown fox jumps over the lazy dog", 16, 0, 2);
    assert_string_equal(w, "the quick brown\n  fox jumps over\n  the lazy dog\n");
    free(w);
    w = wrapped("a supercalifragilistic word", 10, 0, 0);
    assert_string_equal(w, "a\nsupercalif\nragilistic\nword\n");
    free(w);
    w = wrapped("one\n\ntwo", 20, 0, 4);  /* paragraphs kept, no trailing spaces */
    assert_string_equal(w, "one\n\n    two\n");
    free(w);
    /* Chinese: breaks between characters, never before closing punctuation
     * nor after opening punctuation */
    const char *zh = "连接保持打开，等待下一个请求。客户端（浏览器）发送请求行、请求头和空行，"
                     "服务器返回状态行。";
    for (size_t width = 8; width <= 30; width++) {
        w = wrapped(zh, width, 0, 0);
        char *p = w, *l;
        while ((l = next_line(&p))) {
            assert_true(columns(l) <= width);
            assert_false(strncmp(l, "，", 3) == 0 || strncmp(l, "。", 3) == 0 ||
                         strncmp(l, "、", 3) == 0 || strncmp(l, "）", 3) == 0);
            size_t n = strlen(l);
            assert_false(n >= 3 && strcmp(l + n - 3, "（") == 0);
        }
        free(w);
    }
}

static char *escaped_xml(const char *s, size_t n)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct rep_obuf o;
    rep_ob_init(&o, f);
    rep_ob_xml(&o, s, n, false);
    rep_ob_done(&o);
    fclose(f);
    return buf;
}

static void test_xml_escape(void **state)
{
    (void)state;
    static const char in[] = "<a href=\"x\">&\x01\r\n\xff\xef\xbf\xbe\xe4\xb8\xad</a>";
    char *e = escaped_xml(in, sizeof in - 1);
    assert_string_equal(e, "&lt;a href=&quot;x&quot;&gt;&amp;\\x01\\r\\n\\xff\\xef\\xbf\\xbe"
                           "\xe4\xb8\xad&lt;/a&gt;");
    free(e);
}

static void test_base64(void **state)
{
    (void)state;
    /* RFC 4648 section 10 */
    static const char *const v[][2] = {{"", ""},         {"f", "Zg=="},     {"fo", "Zm8="},
                                       {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},
                                       {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < NELEM(v); i++) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        struct rep_obuf o;
        rep_ob_init(&o, f);
        rep_ob_base64(&o, (const uint8_t *)v[i][0], strlen(v[i][0]));
        rep_ob_done(&o);
        fclose(f);
        assert_string_equal(buf, v[i][1]);
        free(buf);
    }
}

static void test_http_date(void **state)
{
    (void)state;
    tr_time t;
    const char *ok = "Sun, 06 Nov 1994 08:49:37 GMT";
    assert_true(rep_http_date(ok, strlen(ok), &t));
    assert_int_equal(t, (tr_time)784111777 * 1000000);
    const char *bad[] = {"Sunday, 06-Nov-94 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 CET",
                         "Sun, 06 Now 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT", ""};
    for (size_t i = 0; i < NELEM(bad); i++)
        assert_false(rep_http_date(bad[i], strlen(bad[i]), &t));
}

/* --------------------------------------------------------------- record -- */

static void record_of(const char *path, uint64_t conn, struct dec_record *r)
{
    char err[TR_ERRBUF_SIZE];
    dec_record_init(r, conn);
    struct dec_sink ds;
    dec_record_sink(r, &ds);
    struct dec_pipeline_opts po = {.file = path, .preview = 1 << 20, .decode_content = true};
    struct dec_pipeline *p;
    if (dec_pipeline_open(&p, &po, &ds, err) != DEC_PIPE_OK)
        fail_msg("%s", err);
    while (dec_pipeline_next(p) == DEC_PIPE_FRAME)
        ;
    dec_pipeline_close(p);
    dec_record_link(r);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = tr_xmalloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    return s;
}

/* the rows of a walk: the handshake with the first exchange, the close with
 * the last, pipelined requests under their own exchange */
static void test_walk(void **state)
{
    (void)state;
    struct dec_record r;
    record_of("samples/10-pipelining.pcap", 1, &r);
    struct rep_walk wk;
    rep_walk_init(&wk, &r);
    assert_true(wk.nrows >= 2);
    assert_int_equal(r.stgs[wk.rows[0].stages[0]]->kind, DEC_STAGE_HANDSHAKE);
    const struct rep_row *last = &wk.rows[wk.nrows - 1];
    assert_int_equal(r.stgs[last->stages[last->nstages - 1]]->kind, DEC_STAGE_CLOSE);
    for (size_t i = 0; i < wk.nrows; i++)
        for (size_t k = 0; k < wk.rows[i].nstages; k++) {
            const struct dec_stage *s = r.stgs[wk.rows[i].stages[k]];
            assert_true(s->exchange < 0 || s->exchange == wk.rows[i].x);
        }
    /* frame 4 carries the request lines of both pipelined requests */
    long p4 = dec_record_pkt_of(&r, 4);
    assert_true(p4 >= 0);
    int lines = 0;
    for (size_t j = wk.pkt_off[p4]; j < wk.pkt_off[p4 + 1]; j++)
        lines += r.stgs[wk.pkt_stg[j]]->kind == DEC_STAGE_REQUEST_LINE;
    assert_true(lines >= 2);
    rep_walk_done(&wk);
    dec_record_free(&r);
}

/* the UI's export of the exchange it shows */
static void test_export_exchange(void **state)
{
    (void)state;
    struct dec_record r;
    record_of("samples/02-keep-alive.pcap", 1, &r);
    char dir[] = "/tmp/httpstep-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char html[64], svg[64], har[64];
    snprintf(html, sizeof html, "%s/x.html", dir);
    snprintf(svg, sizeof svg, "%s/x.svg", dir);
    snprintf(har, sizeof har, "%s/x.har", dir);
    char err[TR_ERRBUF_SIZE];
    int stage = dec_record_first_stage(&r, 1);
    assert_true(stage >= 0);
    struct rep_export_opts o = {REP_FORMAT_HTML, html, "samples/02-keep-alive.pcap", 5, stage, 0};
    assert_true(rep_export_exchange(&r, 1, &o, err));
    char *s = slurp(html);
    assert_non_null(strstr(s, "<!DOCTYPE html>"));
    assert_non_null(strstr(s, "Exchange 5: GET /style.css"));
    assert_non_null(strstr(s, "class=\"stage c2s hl\""));  /* the stage shown on screen */
    assert_null(strstr(s, "Exchange 4"));
    assert_non_null(strstr(s, "</html>\n"));
    free(s);
    o.format = REP_FORMAT_SVG;
    o.path = svg;
    assert_true(rep_export_exchange(&r, 1, &o, err));
    s = slurp(svg);
    assert_non_null(strstr(s, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert_non_null(strstr(s, "Exchange 5: GET /style.css"));
    free(s);
    o.format = REP_FORMAT_HAR;
    o.path = har;
    assert_true(rep_export_exchange(&r, 1, &o, err));
    s = slurp(har);
    assert_non_null(strstr(s, "\"url\":\"http://localhost/style.css\""));
    assert_non_null(strstr(s, "\"connect\":-1"));  /* a kept connection */
    free(s);
    o.path = "/nonexistent-dir/x.html";
    o.format = REP_FORMAT_HTML;
    assert_false(rep_export_exchange(&r, 1, &o, err));
    assert_non_null(strstr(err, "/nonexistent-dir/x.html"));
    assert_false(rep_export_exchange(&r, 99, &o, err));
    unlink(html);
    unlink(svg);
    unlink(har);
    rmdir(dir);
    dec_record_free(&r);
}

/* ------------------------------------------------------------------ URL -- */

static void test_har_url(void **state)
{
    (void)state;
    struct tr_conn tc = {0};
    tc.server.addr.family = 4;
    memcpy(tc.server.addr.a, "\x0a\x00\x00\x02", 4);
    tc.server.port = 8080;
    static const struct {
        const char *method, *target, *host, *url;
    } v[] = {
        {"GET", "/a b?x=\"1\"", "example.org", "http://example.org/a%20b?x=%221%22"},
        {"GET", "http://proxy.test/x", "proxy.test", "http://proxy.test/x"},
        {"OPTIONS", "*", "example.org", "http://example.org/*"},
        {"CONNECT", "example.org:443", "example.org:443", "http://example.org:443/"},
        {"GET", "/", NULL, "http://10.0.0.2:8080/"},
    };
    for (size_t i = 0; i < NELEM(v); i++) {
        struct dec_msg m = {0};
        m.method = (struct dec_str){v[i].method, strlen(v[i].method)};
        m.target = (struct dec_str){v[i].target, strlen(v[i].target)};
        m.host = (struct dec_str){v[i].host, v[i].host ? strlen(v[i].host) : 0};
        struct tr_sbuf b = {0};
        rep_har_url(&m, &tc, &b);
        assert_string_equal(b.p, v[i].url);
        tr_sb_free(&b);
    }
}

/* --------------------------------------------------- stream colours -- */

/* HTTP/2's palette (teach/palette.c): the client's streams 1, 3 ... 11 in six
 * colours, told apart on an 8-colour terminal and on paper, then again;
 * pushed streams from the middle; stream 0 none */
static void test_stream_colours(void **state)
{
    (void)state;
    assert_int_equal(teach_stream_slot(0), -1);
    int seen = 0;
    for (uint32_t id = 1; id <= 11; id += 2) {
        int slot = teach_stream_slot(id);
        assert_true(slot >= 0 && slot < TEACH_STREAM_COLOURS);
        assert_false(seen & (1 << slot));
        seen |= 1 << slot;
        assert_int_equal(teach_stream_slot(id + 2 * TEACH_STREAM_COLOURS), slot);
    }
    assert_int_equal(teach_stream_slot(2), TEACH_STREAM_COLOURS / 2);
    assert_int_equal(teach_stream_slot(4), TEACH_STREAM_COLOURS / 2 + 1);
    assert_true(teach_stream_slot(0xffffffffu) >= 0);
    for (int i = 0; i < TEACH_STREAM_COLOURS; i++) {
        const struct teach_colour *a = teach_stream_colour(i);
        /* a colour of the 8 (not black, not white: the background's) */
        assert_true(a->ansi_fg >= 1 && a->ansi_fg <= 6);
        /* dark enough on white paper: each channel below 0xc8, the sum below 0x180 */
        unsigned r = a->rgb_fg >> 16, g = (a->rgb_fg >> 8) & 0xff, b = a->rgb_fg & 0xff;
        assert_true(r < 0xc8 && g < 0xc8 && b < 0xc8 && r + g + b < 0x180);
        assert_true(a->rgb_fg != teach_role_colour(TEACH_ROLE_DIM)->rgb_fg);
        for (int k = 0; k < i; k++) {
            assert_int_not_equal(teach_stream_colour(k)->ansi_fg, a->ansi_fg);
            assert_int_not_equal(teach_stream_colour(k)->rgb_fg, a->rgb_fg);
        }
    }
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    setenv("LANGUAGE", "en", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_connections_whole),
        cmocka_unit_test(test_text_tunnel),
        cmocka_unit_test(test_text_numbering),
        cmocka_unit_test(test_text_width),
        cmocka_unit_test(test_text_preview),
        cmocka_unit_test(test_text_live),
        cmocka_unit_test(test_text_no_http),
        cmocka_unit_test(test_spool),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_xml_escape),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_http_date),
        cmocka_unit_test(test_walk),
        cmocka_unit_test(test_export_exchange),
        cmocka_unit_test(test_har_url),
        cmocka_unit_test(test_stream_colours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
