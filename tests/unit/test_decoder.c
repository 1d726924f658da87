/* test_decoder.c - the decoder through its tracer sink (dec_tracer_sink),
 * fed synthetic connection, data, gap, FIN and close events, its dec_sink
 * events recorded as text
 *
 * Every conversation must give the same stages, exchanges and notes fed
 * whole, one byte at a time, and cut at every split point (http-parser
 * test.c test_scan style).
 */
#include "testutil.h"

/* ------------------------------------------------------------ feeding -- */

struct feeder {
    struct dec_decoder *d;
    struct tr_sink ts;
    struct tr_conn tc;
    struct drec r;
    uint64_t frame;
    uint64_t off[2];
};

static struct dec_opts default_opts(void)
{
    return (struct dec_opts){.detect = true, .decode_content = true, .body_preview = 16};
}

/* a connection 10.0.0.1:40000 -> 10.0.0.2:port; with a handshake in frames 1-3 */
static void fd_open(struct feeder *f, const struct dec_opts *o, uint16_t port, bool syn)
{
    memset(f, 0, sizeof *f);
    struct dec_sink ds;
    drec_sink(&f->r, &ds);
    f->d = dec_new(o, &ds);
    dec_tracer_sink(f->d, &f->ts);
    struct tr_conn *c = &f->tc;
    c->id = 1;
    c->client.addr.family = c->server.addr.family = 4;
    tf_addr(4, NULL, "10.0.0.1", c->client.addr.a);
    tf_addr(4, NULL, "10.0.0.2", c->server.addr.a);
    c->client.port = 40000;
    c->server.port = port;
    c->close_initiator = -1;
    c->first_frame = 1;
    c->first_ts = 100;
    c->first_file_offset = -1;
    if (syn) {
        c->syn_seen = c->synack_seen = c->handshake_done = true;
        for (int i = 0; i < 3; i++) {
            c->hs_frames[i] = (uint64_t)i + 1;
            c->hs_ts[i] = (tr_time)(i + 1) * 100;
        }
        f->frame = 3;
    }
    c->last_frame = f->frame ? f->frame : 1;
    c->last_ts = (tr_time)c->last_frame * 100;
    f->ts.on_conn(f->ts.ctx, c);
    if (syn)
        f->ts.on_handshake(f->ts.ctx, c);
}

static void fd_tick(struct feeder *f)
{
    f->frame++;
    f->tc.last_frame = f->frame;
    f->tc.last_ts = (tr_time)f->frame * 100;
}

/* n bytes of direction dir in one frame, from a block of exactly n bytes */
static void fd_data(struct feeder *f, int dir, const void *p, size_t n)
{
    if (n == 0)
        return;
    fd_tick(f);
    uint8_t *copy = malloc(n);
    memcpy(copy, p, n);
    f->tc.side[dir].bytes += n;
    f->ts.on_data(f->ts.ctx, &f->tc, (enum tr_dir)dir, f->off[dir], copy, n, f->frame,
                  f->tc.last_ts);
    free(copy);
    f->off[dir] += n;
}

static void fd_gap(struct feeder *f, int dir, uint64_t n)
{
    fd_tick(f);
    f->ts.on_gap(f->ts.ctx, &f->tc, (enum tr_dir)dir, f->off[dir], n, f->frame, f->tc.last_ts);
    f->off[dir] += n;
}

enum { END_FIN_CLIENT, END_FIN_SERVER, END_RST_SERVER, END_CAPTURE };

static void fd_close(struct feeder *f, int how)
{
    struct tr_conn *c = &f->tc;
    if (how == END_FIN_CLIENT || how == END_FIN_SERVER) {
        int first = how == END_FIN_CLIENT ? TR_DIR_C2S : TR_DIR_S2C;
        for (int k = 0; k < 2; k++) {
            int d = k ? !first : first;
            fd_tick(f);
            c->close_frames[d] = f->frame;
            c->side[d].fin_frame = f->frame;
            if (k == 0) {
                c->close_how = TR_CLOSE_FIN;
                c->close_initiator = d;
                c->close_ts = c->last_ts;
            }
            f->ts.on_fin(f->ts.ctx, c, (enum tr_dir)d, f->frame, c->last_ts);
        }
    } else if (how == END_RST_SERVER) {
        fd_tick(f);
        c->close_frames[TR_DIR_S2C] = f->frame;
        c->close_how = TR_CLOSE_RST;
        c->close_initiator = TR_DIR_S2C;
        c->close_ts = c->last_ts;
    } else {
        c->close_how = TR_CLOSE_END;
    }
    f->ts.on_close(f->ts.ctx, c);
}

static void fd_free(struct feeder *f)
{
    dec_free(f->d);
    tlog_free(&f->r.log);
}

/* ------------------------------------------------------- conversations -- */

#define C2S 0
#define S2C 1
#define GAP 2                /* a piece of `len` bytes never captured, in direction `gapdir` */

struct piece {
    int dir;
    const char *s;
    size_t len;              /* 0: strlen(s) */
    int gapdir;
};

#define MAX_PIECES 12
#define P(d, str) {d, str, 0, 0}
#define PN(d, str, n) {d, str, n, 0}
#define G(d, n) {GAP, NULL, n, d}

struct conv {
    const char *name;
    struct piece p[MAX_PIECES];
    int end;                 /* END_* */
    uint16_t port;           /* 0: 80 */
    bool no_syn;
    const char *want;        /* the log fed whole (no frames) */
};

static size_t piece_len(const struct piece *p)
{
    return p->len ? p->len : p->s ? strlen(p->s) : 0;
}

static size_t conv_total(const struct conv *cv)
{
    size_t n = 0;
    for (int i = 0; i < MAX_PIECES && (cv->p[i].s || cv->p[i].len); i++)
        n += cv->p[i].dir == GAP ? 0 : piece_len(&cv->p[i]);
    return n;
}

/* Feed a conversation, each piece cut at the global positions in cuts
 * (sorted, over the bytes of all pieces in order); returns the log. */
static char *run_conv(const struct conv *cv, const struct dec_opts *o, const size_t *cuts,
                      size_t ncuts, bool frames)
{
    struct feeder f;
    fd_open(&f, o, cv->port ? cv->port : 80, !cv->no_syn);
    f.r.frames = frames;
    size_t g = 0, ci = 0;
    for (int i = 0; i < MAX_PIECES && (cv->p[i].s || cv->p[i].len); i++) {
        const struct piece *p = &cv->p[i];
        size_t n = piece_len(p);
        if (p->dir == GAP) {
            fd_gap(&f, p->gapdir, n);
            continue;
        }
        size_t at = 0;
        while (ci < ncuts && cuts[ci] <= g)
            ci++;
        while (at < n) {
            size_t upto = n;
            if (ci < ncuts && cuts[ci] < g + n)
                upto = cuts[ci++] - g;
            fd_data(&f, p->dir, p->s + at, upto - at);
            at = upto;
        }
        g += n;
    }
    fd_close(&f, cv->end);
    char *out = strdup(tlog_str(&f.r.log));
    fd_free(&f);
    return out;
}

static void check_conv(const struct conv *cv, const struct dec_opts *o)
{
    size_t total = conv_total(cv);
    char *whole = run_conv(cv, o, NULL, 0, false);
    if (cv->want && strcmp(whole, cv->want) != 0)
        fail_msg("%s:\n--- got\n%s--- want\n%s", cv->name, whole, cv->want);
    if (!cv->want)
        print_message("%s:\n%s", cv->name, whole);
    /* one byte at a time */
    size_t *cuts = calloc(total + 1, sizeof *cuts);
    for (size_t i = 0; i < total; i++)
        cuts[i] = i + 1;
    char *bytes = run_conv(cv, o, cuts, total, false);
    if (strcmp(whole, bytes) != 0)
        fail_msg("%s, one byte at a time:\n--- got\n%s--- want\n%s", cv->name, bytes, whole);
    free(bytes);
    /* every split point, and every pair of split points in short ones */
    for (size_t a = 1; a < total; a++) {
        size_t two[2] = {a, 0};
        char *s = run_conv(cv, o, two, 1, false);
        if (strcmp(whole, s) != 0)
            fail_msg("%s, cut at %zu:\n--- got\n%s--- want\n%s", cv->name, a, s, whole);
        free(s);
        size_t stride = total <= 200 ? 1 : total / 50;
        for (size_t b = a + 1; b < total; b += stride) {
            two[1] = b;
            s = run_conv(cv, o, two, 2, false);
            if (strcmp(whole, s) != 0)
                fail_msg("%s, cut at %zu and %zu:\n--- got\n%s--- want\n%s", cv->name, a, b, s,
                         whole);
            free(s);
        }
    }
    free(cuts);
    free(whole);
}

#define HS "conn 1\nstage handshake c2s 0+0 rtt=200\n"

/* a ClientHello for example.com and a ServerHello choosing TLS 1.3, one record each */
#define TLS_CLIENT_HELLO                                                                         \
    "\x16\x03\x01\x00\x43\x01\x00\x00\x3f\x03\x03\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab"   \
    "\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\xab\x00"   \
    "\x00\x02\x13\x01\x01\x00\x00\x14\x00\x00\x00\x10\x00\x0e\x00\x00\x0b"                    \
    "example.com"
#define TLS_SERVER_HELLO                                                                         \
    "\x16\x03\x03\x00\x32\x02\x00\x00\x2e\x03\x03\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd"   \
    "\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\xcd\x00"   \
    "\x13\x01\x00\x00\x06\x00\x2b\x00\x02\x03\x04"

static const struct conv convs[] = {
    {"Content-Length",
     {P(C2S, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello")},
     END_FIN_CLIENT, 0, false,
     HS
     "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/a\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 17+9 [Host: x]\n"
     "stage request_blank_line x0 c2s 26+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 5]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+5 content-length chunks=0 body=5 decoded=5 preview=\"hello\"\n"
     "stage keep_alive x0 s2c 43+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/a\" host=\"x\" none/0/-1 -> 200 content-length/5/5 ka=1 complete=1\n"
     "stage close c2s 28+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"chunked with extensions and trailers",
     {P(C2S, "GET /c HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n"
             "0\r\nX-Trailer: t\r\n\r\n")},
     END_FIN_CLIENT, 0, false, NULL},
    {"read until close",
     {P(C2S, "GET /r HTTP/1.0\r\n\r\n"),
      P(S2C, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall the rest")},
     END_FIN_SERVER, 0, false, NULL},
    {"HEAD then GET",
     {P(C2S, "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"),
      P(C2S, "GET /g HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")},
     END_FIN_CLIENT, 0, false, NULL},
    {"100 Continue, then the body, then 201",
     {P(C2S, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"),
      P(S2C, "HTTP/1.1 100 Continue\r\n\r\n"),
      P(C2S, "data"),
      P(S2C, "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 201 Created\r\n"
             "Content-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false, NULL},
    {"204 then GET",
     {P(C2S, "DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 204 No Content\r\n\r\n"),
      P(C2S, "GET /y HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!")},
     END_FIN_CLIENT, 0, false, NULL},
    {"304 with a Content-Length, then GET",
     {P(C2S, "GET /c HTTP/1.1\r\nIf-None-Match: \"a\"\r\n\r\n"),
      P(S2C, "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\nETag: \"a\"\r\n\r\n"),
      P(C2S, "GET /d HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nd")},
     END_FIN_CLIENT, 0, false, NULL},
    {"three pipelined requests",
     {P(C2S, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2"
             "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3")},
     END_FIN_CLIENT, 0, false, NULL},
    {"a pipelined HEAD: its response has no body",
     {P(C2S, "HEAD /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")},
     END_FIN_CLIENT, 0, false, NULL},
    {"CONNECT, then a TLS tunnel",
     {P(C2S, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 Connection Established\r\n\r\n"),
      PN(C2S, TLS_CLIENT_HELLO, 72),
      PN(S2C, TLS_SERVER_HELLO, 55),
      PN(C2S, "\x17\x03\x03\x00\x05hello", 10)},
     END_FIN_CLIENT, 0, false, NULL},
    {"Upgrade, 101, then WebSocket frames",
     {P(C2S, "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
      P(S2C, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
             "\x81\x02hi"),
      P(C2S, "\x81\x85abcdXXXXX")},
     END_FIN_CLIENT, 0, false, NULL},
    {"HTTP/1.0 without keep-alive",
     {P(C2S, "GET / HTTP/1.0\r\n\r\n"),
      P(S2C, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")},
     END_FIN_SERVER, 0, false, NULL},
    {"HTTP/1.0 with keep-alive",
     {P(C2S, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
      P(S2C, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"),
      P(C2S, "GET /2 HTTP/1.0\r\n\r\n"),
      P(S2C, "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx")},
     END_FIN_SERVER, 0, false, NULL},
    {"Connection: close",
     {P(C2S, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")},
     END_FIN_SERVER, 0, false, NULL},
    {"obsolete line folding",
     {P(C2S, "GET / HTTP/1.1\r\nX-Long: part1\r\n  part2\r\n\tpart3 \r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false, NULL},
    {"a header line without a colon",
     {P(C2S, "GET / HTTP/1.1\r\nBadHeaderLine\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false, NULL},
    {"bare LF line ends",
     {P(C2S, "GET / HTTP/1.1\nHost: x\n\n"),
      P(S2C, "HTTP/1.1 200 OK\nContent-Length: 2\n\nok")},
     END_FIN_CLIENT, 0, false, NULL},
    {"TLS ClientHello with SNI on port 443",
     {PN(C2S, TLS_CLIENT_HELLO, 72),
      PN(S2C, TLS_SERVER_HELLO, 55),
      PN(C2S, "\x17\x03\x03\x00\x05hello", 10)},
     END_FIN_CLIENT, 443, false, NULL},
    {"POST with a Content-Length body",
     {P(C2S, "POST /f HTTP/1.1\r\nContent-Length: 7\r\n\r\na=1&b=2"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false, NULL},
    {"POST with a chunked body",
     {P(C2S, "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false, NULL},
};

static void test_conversations(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    for (size_t i = 0; i < NELEM(convs); i++)
        check_conv(&convs[i], &o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
