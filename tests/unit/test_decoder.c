/* test_decoder.c - the decoder through its tracer sink (dec_tracer_sink),
 * fed synthetic connection, data, gap, FIN and close events, its dec_sink
 * events recorded as text
 *
 * Every conversation must give the same stages, exchanges and notes fed
 * whole, one byte at a time, and cut at every split point (http-parser
 * test.c test_scan style).
 *
 * Longer than 800 lines: a test file (every framing, split at every point,
 * pipelining, tunnels, TLS and HTTP/2 on the decoder).
 */
#include "testutil.h"

/* ------------------------------------------------------------ feeding -- */

struct feeder {
    struct dec_decoder *d;
    struct tr_sink ts;
    struct tr_conn tc;  /* tr_conn_ignore_data writes only its public part */
    struct drec r;
    uint64_t frame;
    uint64_t off[2];
};

static struct dec_opts default_opts(void)
{
    return (struct dec_opts){.detect = true, .decode_content = true, .body_preview = 16};
}

static bool fd_frames; /* the next feeders record frames */

/* a connection 10.0.0.1:40000 -> 10.0.0.2:port; with a handshake in frames 1-3 */
static void fd_open(struct feeder *f, const struct dec_opts *o, uint16_t port, bool syn)
{
    memset(f, 0, sizeof *f);
    f->r.frames = fd_frames;
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

/* a log as C string literals, to review and paste as the expected text */
static void dump_literal(const char *name, const char *log)
{
    fprintf(stderr, "@@ %s\n", name);
    for (const char *p = log; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
        fputs("     \"", stderr);
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)p[i];
            if (ch == '"' || ch == '\\')
                fprintf(stderr, "\\%c", ch);
            else if (ch == '\n')
                fputs("\\n", stderr);
            else
                fputc(ch, stderr);
        }
        fputs("\"\n", stderr);
        p += n;
    }
}

/* Run a conversation whole, one byte at a time and cut at every split
 * point; all must give the same log, and fed whole the expected one (when
 * given). Returns the log (the caller frees it). */
static char *check_conv(const struct conv *cv, const struct dec_opts *o)
{
    size_t total = conv_total(cv);
    char *whole = run_conv(cv, o, NULL, 0, false);
    if (cv->want && strcmp(whole, cv->want) != 0 && getenv("TEST_DUMP"))
        fprintf(stderr, "%s", whole);
    if (cv->want && strcmp(whole, cv->want) != 0)
        fail_msg("%s:\n--- got\n%s--- want\n%s", cv->name, whole, cv->want);
    if (!cv->want && getenv("TEST_DUMP"))
        dump_literal(cv->name, whole);
    /* one byte at a time */
    size_t *cuts = calloc(total + 1, sizeof *cuts);
    for (size_t i = 0; i < total; i++)
        cuts[i] = i + 1;
    char *bytes = run_conv(cv, o, cuts, total, false);
    if (strcmp(whole, bytes) != 0)
        fail_msg("%s, one byte at a time:\n--- got\n%s--- want\n%s", cv->name, bytes, whole);
    free(bytes);
    /* every split point, and pairs of split points (all of them in short
     * ones, on a grid of about 60 x 60 in longer ones) */
    size_t stride = total <= 60 ? 1 : (total + 59) / 60;
    for (size_t a = 1; a < total; a++) {
        size_t two[2] = {a, 0};
        char *s = run_conv(cv, o, two, 1, false);
        if (strcmp(whole, s) != 0)
            fail_msg("%s, cut at %zu:\n--- got\n%s--- want\n%s", cv->name, a, s, whole);
        free(s);
        if (stride > 1 && a % stride != 0)
            continue;
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
    return whole;
}

static void check_convs(const struct conv *cv, size_t n, const struct dec_opts *o)
{
    for (size_t i = 0; i < n; i++)
        free(check_conv(&cv[i], o));
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
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/c\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 17+9 [Host: x]\n"
     "stage request_blank_line x0 c2s 26+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "stage response_body x0 s2c 47+46 chunked chunks=2 body=11 decoded=11 preview=\"hello world\"\n"
     "stage keep_alive x0 s2c 93+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/c\" host=\"x\" none/0/-1 -> 200 chunked/11/11 ka=1 complete=1\n"
     "stage close c2s 28+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"read until close",
     {P(C2S, "GET /r HTTP/1.0\r\n\r\n"),
      P(S2C, "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nall the rest")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/r\" version=\"HTTP/1.0\"\n"
     "stage request_headers x0 c2s 17+0 []\n"
     "stage request_blank_line x0 c2s 17+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.0\"\n"
     "stage response_headers x0 s2c 17+26 [Content-Type: text/plain]\n"
     "stage response_blank_line x0 s2c 43+2\n"
     "stage response_body x0 s2c 45+12 close chunks=0 body=12 decoded=12 preview=\"all the rest\"\n"
     "exchange x0 \"GET\" \"/r\" none/0/-1 -> 200 close/12/12 ka=0 complete=1\n"
     "stage close s2c 57+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"HEAD then GET",
     {P(C2S, "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"),
      P(C2S, "GET /g HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+18 method=\"HEAD\" target=\"/h\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 18+9 [Host: x]\n"
     "stage request_blank_line x0 c2s 27+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+22 [Content-Length: 1234]\n"
     "stage response_blank_line x0 s2c 39+2\n"
     "stage keep_alive x0 s2c 41+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"HEAD\" \"/h\" host=\"x\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage request_line x1 c2s 29+17 method=\"GET\" target=\"/g\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 46+9 [Host: x]\n"
     "stage request_blank_line x1 c2s 55+2\n"
     "stage status_line x1 s2c 41+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 58+19 [Content-Length: 2]\n"
     "stage response_blank_line x1 s2c 77+2\n"
     "stage response_body x1 s2c 79+2 content-length chunks=0 body=2 decoded=2 preview=\"ok\"\n"
     "stage keep_alive x1 s2c 81+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/g\" host=\"x\" none/0/-1 -> 200 content-length/2/2 ka=1 complete=1\n"
     "stage close c2s 57+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"100 Continue, then the body, then 201",
     {P(C2S, "POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"),
      P(S2C, "HTTP/1.1 100 Continue\r\n\r\n"),
      P(C2S, "data"),
      P(S2C, "HTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 201 Created\r\n"
             "Content-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+19 method=\"POST\" target=\"/up\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 19+50 [Host: x|Content-Length: 4|Expect: 100-continue]\n"
     "stage request_blank_line x0 c2s 69+2\n"
     "stage status_line x0 s2c 0+23 100 reason=\"Continue\" version=\"HTTP/1.1\" interim\n"
     "stage response_headers x0 s2c 23+0 [] interim\n"
     "stage response_blank_line x0 s2c 23+2 interim\n"
     "stage request_body x0 c2s 71+4 content-length chunks=0 body=4 decoded=4 preview=\"data\"\n"
     "stage status_line x0 s2c 25+26 103 reason=\"Early Hints\" version=\"HTTP/1.1\" interim\n"
     "stage response_headers x0 s2c 51+16 [Link: </s.css>] interim\n"
     "stage response_blank_line x0 s2c 67+2 interim\n"
     "stage status_line x0 s2c 69+22 201 reason=\"Created\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 91+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 110+2\n"
     "stage keep_alive x0 s2c 112+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"POST\" \"/up\" host=\"x\" content-length/4/4 -> (100) (103) 201 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 75+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"204 then GET",
     {P(C2S, "DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 204 No Content\r\n\r\n"),
      P(C2S, "GET /y HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+20 method=\"DELETE\" target=\"/x\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 20+9 [Host: x]\n"
     "stage request_blank_line x0 c2s 29+2\n"
     "stage status_line x0 s2c 0+25 204 reason=\"No Content\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 25+0 []\n"
     "stage response_blank_line x0 s2c 25+2\n"
     "stage keep_alive x0 s2c 27+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"DELETE\" \"/x\" host=\"x\" none/0/-1 -> 204 none/0/-1 ka=1 complete=1\n"
     "stage request_line x1 c2s 31+17 method=\"GET\" target=\"/y\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 48+9 [Host: x]\n"
     "stage request_blank_line x1 c2s 57+2\n"
     "stage status_line x1 s2c 27+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 44+19 [Content-Length: 1]\n"
     "stage response_blank_line x1 s2c 63+2\n"
     "stage response_body x1 s2c 65+1 content-length chunks=0 body=1 decoded=1 preview=\"!\"\n"
     "stage keep_alive x1 s2c 66+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/y\" host=\"x\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage close c2s 59+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"304 with a Content-Length, then GET",
     {P(C2S, "GET /c HTTP/1.1\r\nIf-None-Match: \"a\"\r\n\r\n"),
      P(S2C, "HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\nETag: \"a\"\r\n\r\n"),
      P(C2S, "GET /d HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nd")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/c\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 17+20 [If-None-Match: \"a\"]\n"
     "stage request_blank_line x0 c2s 37+2\n"
     "stage status_line x0 s2c 0+27 304 reason=\"Not Modified\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 27+32 [Content-Length: 100|ETag: \"a\"]\n"
     "stage response_blank_line x0 s2c 59+2\n"
     "stage keep_alive x0 s2c 61+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/c\" none/0/-1 -> 304 content-length/0/-1 ka=1 complete=1\n"
     "stage request_line x1 c2s 39+17 method=\"GET\" target=\"/d\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 56+0 []\n"
     "stage request_blank_line x1 c2s 56+2\n"
     "stage status_line x1 s2c 61+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 78+19 [Content-Length: 1]\n"
     "stage response_blank_line x1 s2c 97+2\n"
     "stage response_body x1 s2c 99+1 content-length chunks=0 body=1 decoded=1 preview=\"d\"\n"
     "stage keep_alive x1 s2c 100+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/d\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage close c2s 58+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"three pipelined requests",
     {P(C2S, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
             "GET /3 HTTP/1.1\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2"
             "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n3")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/1\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 17+9 [Host: x]\n"
     "stage request_blank_line x0 c2s 26+2\n"
     "stage request_line x1 c2s 28+17 method=\"GET\" target=\"/2\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 45+9 [Host: x]\n"
     "stage request_blank_line x1 c2s 54+2\n"
     "stage request_line x2 c2s 56+17 method=\"GET\" target=\"/3\" version=\"HTTP/1.1\"\n"
     "stage request_headers x2 c2s 73+9 [Host: x]\n"
     "stage request_blank_line x2 c2s 82+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 1]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+1 content-length chunks=0 body=1 decoded=1 preview=\"1\"\n"
     "stage keep_alive x0 s2c 39+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/1\" host=\"x\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage status_line x1 s2c 39+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 56+19 [Content-Length: 1]\n"
     "stage response_blank_line x1 s2c 75+2\n"
     "stage response_body x1 s2c 77+1 content-length chunks=0 body=1 decoded=1 preview=\"2\"\n"
     "stage keep_alive x1 s2c 78+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/2\" host=\"x\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage status_line x2 s2c 78+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x2 s2c 95+19 [Content-Length: 1]\n"
     "stage response_blank_line x2 s2c 114+2\n"
     "stage response_body x2 s2c 116+1 content-length chunks=0 body=1 decoded=1 preview=\"3\"\n"
     "stage keep_alive x2 s2c 117+0 \"HTTP/1.1 default\"\n"
     "exchange x2 \"GET\" \"/3\" host=\"x\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage close c2s 84+0 fin client\n"
     "end 1 exchanges=3\n"},
    {"a pipelined HEAD: its response has no body",
     {P(C2S, "HEAD /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+18 method=\"HEAD\" target=\"/a\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 18+0 []\n"
     "stage request_blank_line x0 c2s 18+2\n"
     "stage request_line x1 c2s 20+17 method=\"GET\" target=\"/b\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 37+0 []\n"
     "stage request_blank_line x1 c2s 37+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+20 [Content-Length: 10]\n"
     "stage response_blank_line x0 s2c 37+2\n"
     "stage keep_alive x0 s2c 39+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"HEAD\" \"/a\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage status_line x1 s2c 39+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 56+19 [Content-Length: 3]\n"
     "stage response_blank_line x1 s2c 75+2\n"
     "stage response_body x1 s2c 77+3 content-length chunks=0 body=3 decoded=3 preview=\"abc\"\n"
     "stage keep_alive x1 s2c 80+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/b\" none/0/-1 -> 200 content-length/3/3 ka=1 complete=1\n"
     "stage close c2s 39+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"CONNECT, then a TLS tunnel",
     {P(C2S, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 Connection Established\r\n\r\n"),
      PN(C2S, TLS_CLIENT_HELLO, 72),
      PN(S2C, TLS_SERVER_HELLO, 55),
      PN(C2S, "\x17\x03\x03\x00\x05hello", 10)},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+34 method=\"CONNECT\" target=\"example.com:443\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 34+23 [Host: example.com:443]\n"
     "stage request_blank_line x0 c2s 57+2\n"
     "stage status_line x0 s2c 0+37 200 reason=\"Connection Established\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 37+0 []\n"
     "stage response_blank_line x0 s2c 37+2\n"
     "exchange x0 \"CONNECT\" \"example.com:443\" host=\"example.com:443\" none/0/-1 -> 200 none/0/-1 ka=0 complete=1 tunnel\n"
     "note tls: a TLS handshake (HTTPS): the client asks for 'example.com'; the server picks TLS 1.3; everything after the handshake is encrypted sni=\"example.com\" version=TLS 1.3\n"
     "stage tunnel x0 c2s 59+82\n"
     "stage tunnel x0 s2c 39+55\n"
     "stage close c2s 141+0 fin client\n"
     "end 1 exchanges=1 tls\n"},
    {"Upgrade, 101, then WebSocket frames",
     {P(C2S, "GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"),
      P(S2C, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
             "\x81\x02hi"),
      P(C2S, "\x81\x85" "abcdXXXXX")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+20 method=\"GET\" target=\"/chat\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 20+50 [Host: x|Upgrade: websocket|Connection: Upgrade]\n"
     "stage request_blank_line x0 c2s 70+2\n"
     "stage status_line x0 s2c 0+34 101 reason=\"Switching Protocols\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 34+41 [Upgrade: websocket|Connection: Upgrade]\n"
     "stage response_blank_line x0 s2c 75+2\n"
     "exchange x0 \"GET\" \"/chat\" host=\"x\" none/0/-1 -> 101 none/0/-1 ka=0 complete=1 tunnel\n"
     "stage tunnel x0 c2s 72+11\n"
     "stage tunnel x0 s2c 77+4\n"
     "stage close c2s 83+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"HTTP/1.0 without keep-alive",
     {P(C2S, "GET / HTTP/1.0\r\n\r\n"),
      P(S2C, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.0\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.0\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 2]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+2 content-length chunks=0 body=2 decoded=2 preview=\"ok\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/2/2 ka=0 complete=1\n"
     "stage close s2c 40+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"HTTP/1.0 with keep-alive",
     {P(C2S, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
      P(S2C, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok"),
      P(C2S, "GET /2 HTTP/1.0\r\n\r\n"),
      P(S2C, "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.0\"\n"
     "stage request_headers x0 c2s 16+24 [Connection: keep-alive]\n"
     "stage request_blank_line x0 c2s 40+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.0\"\n"
     "stage response_headers x0 s2c 17+43 [Connection: keep-alive|Content-Length: 2]\n"
     "stage response_blank_line x0 s2c 60+2\n"
     "stage response_body x0 s2c 62+2 content-length chunks=0 body=2 decoded=2 preview=\"ok\"\n"
     "stage keep_alive x0 s2c 64+0 \"Connection: keep-alive\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/2/2 ka=1 complete=1\n"
     "stage request_line x1 c2s 42+17 method=\"GET\" target=\"/2\" version=\"HTTP/1.0\"\n"
     "stage request_headers x1 c2s 59+0 []\n"
     "stage request_blank_line x1 c2s 59+2\n"
     "stage status_line x1 s2c 64+17 200 reason=\"OK\" version=\"HTTP/1.0\"\n"
     "stage response_headers x1 s2c 81+19 [Content-Length: 1]\n"
     "stage response_blank_line x1 s2c 100+2\n"
     "stage response_body x1 s2c 102+1 content-length chunks=0 body=1 decoded=1 preview=\"x\"\n"
     "exchange x1 \"GET\" \"/2\" none/0/-1 -> 200 content-length/1/1 ka=0 complete=1\n"
     "stage close s2c 103+0 fin server\n"
     "end 1 exchanges=2\n"},
    {"Connection: close",
     {P(C2S, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+28 [Host: x|Connection: close]\n"
     "stage request_blank_line x0 c2s 44+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+38 [Content-Length: 2|Connection: close]\n"
     "stage response_blank_line x0 s2c 55+2\n"
     "stage response_body x0 s2c 57+2 content-length chunks=0 body=2 decoded=2 preview=\"ok\"\n"
     "exchange x0 \"GET\" \"/\" host=\"x\" none/0/-1 -> 200 content-length/2/2 ka=0 complete=1\n"
     "stage close s2c 59+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"obsolete line folding",
     {P(C2S, "GET / HTTP/1.1\r\nX-Long: part1\r\n  part2\r\n\tpart3 \r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+42 [X-Long: part1 part2 part3|Host: x]\n"
     "stage request_blank_line x0 c2s 58+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" host=\"x\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 60+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"a header line without a colon",
     {P(C2S, "GET / HTTP/1.1\r\nBadHeaderLine\r\nHost: x\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note malformed_http: a header line without a colon (13 bytes): kept as a name with no value\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+24 [BadHeaderLine: |Host: x]\n"
     "stage request_blank_line x0 c2s 40+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" host=\"x\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 42+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"bare LF line ends",
     {P(C2S, "GET / HTTP/1.1\nHost: x\n\n"),
      P(S2C, "HTTP/1.1 200 OK\nContent-Length: 2\n\nok")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note malformed_http: a line that ends with a bare LF instead of CR LF (tolerated)\n"
     "stage request_line x0 c2s 0+15 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 15+8 [Host: x]\n"
     "stage request_blank_line x0 c2s 23+1\n"
     "note malformed_http: a line that ends with a bare LF instead of CR LF (tolerated)\n"
     "stage status_line x0 s2c 0+16 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 16+18 [Content-Length: 2]\n"
     "stage response_blank_line x0 s2c 34+1\n"
     "stage response_body x0 s2c 35+2 content-length chunks=0 body=2 decoded=2 preview=\"ok\"\n"
     "stage keep_alive x0 s2c 37+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" host=\"x\" none/0/-1 -> 200 content-length/2/2 ka=1 complete=1\n"
     "stage close c2s 24+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"TLS ClientHello with SNI on port 443",
     {PN(C2S, TLS_CLIENT_HELLO, 72),
      PN(S2C, TLS_SERVER_HELLO, 55),
      PN(C2S, "\x17\x03\x03\x00\x05hello", 10)},
     END_FIN_CLIENT, 443, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage tls_client_hello c2s 0+72\n"
     "note tls: a TLS handshake (HTTPS): the client asks for 'example.com'; the server picks TLS 1.3; everything after the handshake is encrypted sni=\"example.com\" version=TLS 1.3\n"
     "stage tls_server_hello s2c 0+55\n"
     "note tls_no_keys: no CLIENT_HANDSHAKE_TRAFFIC_SECRET in the key log for client random abababababababab...: the client's records stay encrypted\n"
     "stage encrypted c2s 72+10\n"
     "stage close c2s 82+0 fin client\n"
     "end 1 exchanges=0 tls\n"},
    {"POST with a Content-Length body",
     {P(C2S, "POST /f HTTP/1.1\r\nContent-Length: 7\r\n\r\na=1&b=2"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+18 method=\"POST\" target=\"/f\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 18+19 [Content-Length: 7]\n"
     "stage request_blank_line x0 c2s 37+2\n"
     "stage request_body x0 c2s 39+7 content-length chunks=0 body=7 decoded=7 preview=\"a=1&b=2\"\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"POST\" \"/f\" content-length/7/7 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 46+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"POST with a chunked body",
     {P(C2S, "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+18 method=\"POST\" target=\"/c\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 18+28 [Transfer-Encoding: chunked]\n"
     "stage request_blank_line x0 c2s 46+2\n"
     "stage request_body x0 c2s 48+13 chunked chunks=1 body=3 decoded=3 preview=\"abc\"\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"POST\" \"/c\" chunked/3/3 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 61+0 fin client\n"
     "end 1 exchanges=1\n"},
};

/* without a SYN: the capture may start inside a message */
static const struct conv midstream[] = {
    /* issue 13, bug 2: a method, a target and a version make a request,
     * whatever the target's first byte, with or without the handshake */
    {"no SYN, a target that starts with '.'",
     {P(C2S, "GET . HTTP/1.0\r\nUser-Agent: x\r\n\r\n"),
      P(S2C, "HTTP/1.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, true,
     "conn 1\n"
     "note malformed_http: the request target '.' is not valid under RFC 9112 section 3.2: not "
     "'/path', 'scheme://...', 'host:port' nor '*'\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\".\" version=\"HTTP/1.0\"\n"
     "stage request_headers x0 c2s 16+15 [User-Agent: x]\n"
     "stage request_blank_line x0 c2s 31+2\n"
     "stage status_line x0 s2c 0+26 400 reason=\"Bad Request\" version=\"HTTP/1.0\"\n"
     "stage response_headers x0 s2c 26+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "exchange x0 \"GET\" \".\" none/0/-1 -> 400 content-length/0/-1 ka=0 complete=1\n"
     "stage close c2s 33+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"no SYN, a clean start",
     {P(C2S, "GET /x HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!")},
     END_FIN_CLIENT, 0, true,
     "conn 1\n"
     "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/x\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 17+0 []\n"
     "stage request_blank_line x0 c2s 17+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 1]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+1 content-length chunks=0 body=1 decoded=1 preview=\"!\"\n"
     "stage keep_alive x0 s2c 39+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/x\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage close c2s 19+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"no SYN, inside a request body, then a request",
     {P(C2S, "ody bytes\r\nmore body\r\nGET /next HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n!")},
     END_FIN_CLIENT, 0, true,
     "conn 1\n"
     "note incomplete: the capture starts inside a message: the client's bytes are skipped up to the next request line\n"
     "stage request_line x0 c2s 22+20 method=\"GET\" target=\"/next\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 42+0 []\n"
     "stage request_blank_line x0 c2s 42+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 1]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+1 content-length chunks=0 body=1 decoded=1 preview=\"!\"\n"
     "stage keep_alive x0 s2c 39+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/next\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage close c2s 44+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"no SYN, inside a response body",
     {P(S2C, "tail of a body</html>\r\n"),
      P(C2S, "GET /2 HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")},
     END_FIN_SERVER, 0, true,
     "conn 1\n"
     "note incomplete: the capture starts inside a message: the server's bytes are skipped up to the next status line\n"
     "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/2\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 17+0 []\n"
     "stage request_blank_line x0 c2s 17+2\n"
     "stage status_line x0 s2c 23+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 40+19 [Content-Length: 2]\n"
     "stage response_blank_line x0 s2c 59+2\n"
     "stage response_body x0 s2c 61+2 content-length chunks=0 body=2 decoded=2 preview=\"ok\"\n"
     "stage keep_alive x0 s2c 63+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/2\" none/0/-1 -> 200 content-length/2/2 ka=1 complete=1\n"
     "stage close s2c 63+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"no SYN, a response whose request was not captured",
     {P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
      P(C2S, "GET /2 HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")},
     END_CAPTURE, 0, true,
     "conn 1\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 2]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+2 content-length chunks=0 body=2 decoded=2 preview=\"ok\"\n"
     "stage keep_alive x0 s2c 40+0 \"HTTP/1.1 default\"\n"
     "exchange x0 null -> 200 content-length/2/2 ka=1 complete=0\n"
     "stage request_line x1 c2s 0+17 method=\"GET\" target=\"/2\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 17+0 []\n"
     "stage request_blank_line x1 c2s 17+2\n"
     "stage status_line x1 s2c 40+24 404 reason=\"Not Found\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 64+19 [Content-Length: 0]\n"
     "stage response_blank_line x1 s2c 83+2\n"
     "stage keep_alive x1 s2c 85+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/2\" none/0/-1 -> 404 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 19+0 end -\n"
     "end 1 exchanges=2\n"},
};

static void test_midstream(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    check_convs(midstream, NELEM(midstream), &o);
}

#define GET1 P(C2S, "GET / HTTP/1.1\r\n\r\n")
#define HDR20 "aaaaaaaaaaaaaaaaaaaa"
#define HDR200 HDR20 HDR20 HDR20 HDR20 HDR20 HDR20 HDR20 HDR20 HDR20 HDR20
#define HDR1K HDR200 HDR200 HDR200 HDR200 HDR200
#define HDR4K HDR1K HDR1K HDR1K HDR1K HDR200

/* RFC 9112 6.3: how each body ends */
static const struct conv framing[] = {
    {"chunked wins over Content-Length",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "2\r\nab\r\n0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "note malformed_http: both Transfer-Encoding: chunked and Content-Length: chunked wins (a request smuggling risk)\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+47 [Content-Length: 3|Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 64+2\n"
     "stage response_body x0 s2c 66+12 chunked chunks=1 body=2 decoded=2 preview=\"ab\"\n"
     "stage keep_alive x0 s2c 78+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/2/2 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"two Content-Length headers that disagree",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nab")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "note malformed_http: two Content-Length headers that disagree: the first one is used\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+38 [Content-Length: 2|Content-Length: 3]\n"
     "stage response_blank_line x0 s2c 55+2\n"
     "stage response_body x0 s2c 57+2 content-length chunks=0 body=2 decoded=2 preview=\"ab\"\n"
     "stage keep_alive x0 s2c 59+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/2/2 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"two equal Content-Length headers",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\ncontent-length:2\r\n\r\nab")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+37 [Content-Length: 2|content-length: 2]\n"
     "stage response_blank_line x0 s2c 54+2\n"
     "stage response_body x0 s2c 56+2 content-length chunks=0 body=2 decoded=2 preview=\"ab\"\n"
     "stage keep_alive x0 s2c 58+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/2/2 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"a Content-Length that is not a number",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\nthe rest")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "note malformed_http: Content-Length '12abc' is not a number\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+23 [Content-Length: 12abc]\n"
     "stage response_blank_line x0 s2c 40+2\n"
     "stage response_body x0 s2c 42+8 close chunks=0 body=8 decoded=8 preview=\"the rest\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 close/8/8 ka=0 complete=1\n"
     "stage close s2c 50+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"Content-Length with spaces around it",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length:   5  \r\n\r\n12345")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+23 [Content-Length: 5]\n"
     "stage response_blank_line x0 s2c 40+2\n"
     "stage response_body x0 s2c 42+5 content-length chunks=0 body=5 decoded=5 preview=\"12345\"\n"
     "stage keep_alive x0 s2c 47+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/5/5 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"Content-Length 0",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), GET1,
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage request_line x1 c2s 18+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 34+0 []\n"
     "stage request_blank_line x1 c2s 34+2\n"
     "stage status_line x1 s2c 38+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 55+19 [Content-Length: 1]\n"
     "stage response_blank_line x1 s2c 74+2\n"
     "stage response_body x1 s2c 76+1 content-length chunks=0 body=1 decoded=1 preview=\"x\"\n"
     "stage keep_alive x1 s2c 77+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage close c2s 36+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"Transfer-Encoding: gzip, chunked",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+34 [Transfer-Encoding: gzip, chunked]\n"
     "stage response_blank_line x0 s2c 51+2\n"
     "stage response_body x0 s2c 53+11 chunked chunks=1 body=1 decoded=1 preview=\"z\"\n"
     "stage keep_alive x0 s2c 64+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/1/1 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"Transfer-Encoding without chunked: until the close",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: identity\r\n\r\nraw bytes")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+29 [Transfer-Encoding: identity]\n"
     "stage response_blank_line x0 s2c 46+2\n"
     "stage response_body x0 s2c 48+9 close chunks=0 body=9 decoded=9 preview=\"raw bytes\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 close/9/9 ka=0 complete=1\n"
     "stage close s2c 57+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"no framing in an HTTP/1.1 response: until the close",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nServer: x\r\n\r\nbody\r\nHTTP/1.1 200 OK\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+11 [Server: x]\n"
     "stage response_blank_line x0 s2c 28+2\n"
     "stage response_body x0 s2c 30+25 close chunks=0 body=25 decoded=25 preview=\"body\\r\\nHTTP/1.1 2\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 close/25/25 ka=0 complete=1\n"
     "stage close s2c 55+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a request body never ends with the close",
     {P(C2S, "POST /x HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\nGET /y HTTP/1.1\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+18 method=\"POST\" target=\"/x\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 18+29 [Transfer-Encoding: identity]\n"
     "stage request_blank_line x0 c2s 47+2\n"
     "stage request_line x1 c2s 49+17 method=\"GET\" target=\"/y\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 66+0 []\n"
     "stage request_blank_line x1 c2s 66+2\n"
     "exchange x0 \"POST\" \"/x\" none/0/-1 -> null ka=0 complete=0\n"
     "exchange x1 \"GET\" \"/y\" none/0/-1 -> null ka=0 complete=0\n"
     "stage close c2s 68+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"chunk sizes in capitals with leading zeros, many small chunks",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n000A\r\n0123456789\r\n"
                   "1\r\na\r\n1\r\nb\r\n1\r\nc\r\n00\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "stage response_body x0 s2c 47+42 chunked chunks=4 body=13 decoded=13 preview=\"0123456789abc\"\n"
     "stage keep_alive x0 s2c 89+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/13/13 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"the last chunk with an extension and two trailer fields",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n"
                   "0;sig=\"x;y\"\r\nA: 1\r\nB: 2\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "stage response_body x0 s2c 47+35 chunked chunks=1 body=3 decoded=3 preview=\"abc\"\n"
     "stage keep_alive x0 s2c 82+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/3/3 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"a chunk extension longer than the chunk-size line buffer",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "2;name=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"
                   "ok\r\n0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "stage response_body x0 s2c 47+100 chunked chunks=1 body=2 decoded=2 preview=\"ok\"\n"
     "stage keep_alive x0 s2c 147+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/2/2 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"chunk data not followed by CR LF",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcX\r\n0\r\n\r\n"),
      GET1, P(S2C, "HTTP/1.1 204 No Content\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "note malformed_http: chunk data not followed by CR LF\n"
     "note malformed_http: a chunk-size line that is not a hex number\n"
     "stage response_body x0 s2c 47+9 chunked chunks=1 body=3 decoded=3 preview=\"abc\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/3/3 cut ka=0 complete=0\n"
     "stage request_line x1 c2s 18+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 34+0 []\n"
     "stage request_blank_line x1 c2s 34+2\n"
     "stage status_line x1 s2c 61+25 204 reason=\"No Content\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 86+0 []\n"
     "stage response_blank_line x1 s2c 86+2\n"
     "stage keep_alive x1 s2c 88+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/\" none/0/-1 -> 204 none/0/-1 ka=1 complete=1\n"
     "stage close c2s 36+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"a chunk size that is not hex",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
      GET1, P(S2C, "HTTP/1.1 204 No Content\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "note malformed_http: a chunk-size line that is not a hex number\n"
     "stage response_body x0 s2c 47+4 chunked chunks=0 body=0 decoded=-1\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/0/-1 cut ka=0 complete=0\n"
     "stage request_line x1 c2s 18+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 34+0 []\n"
     "stage request_blank_line x1 c2s 34+2\n"
     "stage status_line x1 s2c 61+25 204 reason=\"No Content\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 86+0 []\n"
     "stage response_blank_line x1 s2c 86+2\n"
     "stage keep_alive x1 s2c 88+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/\" none/0/-1 -> 204 none/0/-1 ka=1 complete=1\n"
     "stage close c2s 36+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"a chunked body cut by the close",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "note incomplete: the connection ended inside a chunked body\n"
     "stage response_body x0 s2c 47+5 chunked chunks=1 body=2 decoded=2 preview=\"ab\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/2/2 cut ka=0 complete=0\n"
     "stage close s2c 52+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a Content-Length body cut by the close",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+20 [Content-Length: 10]\n"
     "stage response_blank_line x0 s2c 37+2\n"
     "note incomplete: the connection ended 7 bytes before the end of the body\n"
     "stage response_body x0 s2c 39+3 content-length chunks=0 body=3 decoded=3 preview=\"abc\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/3/3 cut ka=0 complete=0\n"
     "stage close s2c 42+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a reset during a response",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")},
     END_RST_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+20 [Content-Length: 10]\n"
     "stage response_blank_line x0 s2c 37+2\n"
     "note incomplete: the connection ended 7 bytes before the end of the body\n"
     "stage response_body x0 s2c 39+3 content-length chunks=0 body=3 decoded=3 preview=\"abc\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/3/3 cut ka=0 complete=0\n"
     "stage close s2c 42+0 rst server\n"
     "end 1 exchanges=1\n"},
    {"the capture ends inside a head",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Le")},
     END_CAPTURE, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "note incomplete: the connection ended inside a message head (27 bytes of it)\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> null ka=0 complete=0\n"
     "stage close c2s 18+0 end -\n"
     "end 1 exchanges=1\n"},
    {"a request with no response",
     {GET1},
     END_CAPTURE, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> null ka=0 complete=0\n"
     "stage close c2s 18+0 end -\n"
     "end 1 exchanges=1\n"},
};

/* RFC 9112 9.3: does the connection stay open, and why */
static const struct conv keepalive[] = {
    {"1.1 and 1.1, the response says keep-alive",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+43 [Connection: keep-alive|Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 60+2\n"
     "stage keep_alive x0 s2c 62+0 \"Connection: keep-alive\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"a 1.0 request, a 1.1 response",
     {P(C2S, "GET / HTTP/1.0\r\n\r\n"), P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.0\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=0 complete=1\n"
     "stage close s2c 38+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a 1.0 request with keep-alive, a 1.1 response",
     {P(C2S, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.0\"\n"
     "stage request_headers x0 c2s 16+24 [Connection: Keep-Alive]\n"
     "stage request_blank_line x0 c2s 40+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close s2c 38+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a 1.1 request, a 1.0 response with keep-alive among other tokens",
     {GET1, P(S2C, "HTTP/1.0 200 OK\r\nConnection: Upgrade, KEEP-ALIVE\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.0\"\n"
     "stage response_headers x0 s2c 17+52 [Connection: Upgrade, KEEP-ALIVE|Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 69+2\n"
     "stage keep_alive x0 s2c 71+0 \"Connection: keep-alive\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close s2c 71+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a 1.1 request, a 1.0 response",
     {GET1, P(S2C, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.0\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=0 complete=1\n"
     "stage close s2c 38+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"the response says close",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+38 [Connection: close|Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 55+2\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=0 complete=1\n"
     "stage close s2c 57+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"\"closed\" is not the close token",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+39 [Connection: closed|Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 56+2\n"
     "stage keep_alive x0 s2c 58+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"a request without a version (HTTP/0.9 style)",
     {P(C2S, "GET /old\r\n\r\n"), P(S2C, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note malformed_http: the request line has no HTTP version\n"
     "stage request_line x0 c2s 0+10 method=\"GET\" target=\"/old\" version=null\n"
     "stage request_headers x0 c2s 10+0 []\n"
     "stage request_blank_line x0 c2s 10+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.0\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "exchange x0 \"GET\" \"/old\" none/0/-1 -> 200 content-length/0/-1 ka=0 complete=1\n"
     "stage close s2c 38+0 fin server\n"
     "end 1 exchanges=1\n"},
};

static void test_framing(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    check_convs(framing, NELEM(framing), &o);
}

static void test_keep_alive(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    check_convs(keepalive, NELEM(keepalive), &o);
}

/* ----------------------------------------------------------------- gaps -- */

static const struct conv gaps[] = {
    {"a gap inside a Content-Length body",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), G(S2C, 4), P(S2C, "hij"),
      GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nz")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+20 [Content-Length: 10]\n"
     "stage response_blank_line x0 s2c 37+2\n"
     "stage response_body x0 s2c 39+10 content-length chunks=0 body=10 decoded=-1 gap=4 preview=\"abchij\"\n"
     "stage keep_alive x0 s2c 49+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/10/-1 cut ka=1 complete=0\n"
     "stage request_line x1 c2s 18+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 34+0 []\n"
     "stage request_blank_line x1 c2s 34+2\n"
     "stage status_line x1 s2c 49+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 66+19 [Content-Length: 1]\n"
     "stage response_blank_line x1 s2c 85+2\n"
     "stage response_body x1 s2c 87+1 content-length chunks=0 body=1 decoded=1 preview=\"z\"\n"
     "stage keep_alive x1 s2c 88+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage close c2s 36+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"a gap inside chunk data",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\nab"), G(S2C, 4),
      P(S2C, "gh\r\n2\r\nij\r\n0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "stage response_body x0 s2c 47+25 chunked chunks=2 body=10 decoded=-1 gap=4 preview=\"abghij\"\n"
     "stage keep_alive x0 s2c 72+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/10/-1 cut ka=1 complete=0\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"a gap at a chunk-size line",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n"), G(S2C, 3),
      P(S2C, "cd\r\n0\r\n\r\n"), GET1, P(S2C, "HTTP/1.1 204 No Content\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "stage response_body x0 s2c 47+7 chunked chunks=1 body=2 decoded=-1 gap=3 preview=\"ab\"\n"
     "stage keep_alive x0 s2c 54+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/2/-1 cut ka=1 complete=0\n"
     "stage request_line x1 c2s 18+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 34+0 []\n"
     "stage request_blank_line x1 c2s 34+2\n"
     "stage status_line x1 s2c 66+25 204 reason=\"No Content\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 91+0 []\n"
     "stage response_blank_line x1 s2c 91+2\n"
     "stage keep_alive x1 s2c 93+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/\" none/0/-1 -> 204 none/0/-1 ka=1 complete=1\n"
     "stage close c2s 36+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"a gap until the close in a read-until-close body",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\n\r\nabc"), G(S2C, 100), P(S2C, "xyz")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+0 []\n"
     "stage response_blank_line x0 s2c 17+2\n"
     "stage response_body x0 s2c 19+106 close chunks=0 body=106 decoded=-1 gap=100 preview=\"abcxyz\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 close/106/-1 cut ka=0 complete=0\n"
     "stage close s2c 125+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a gap inside a request head, after the request line",
     {P(C2S, "GET /a HTTP/1.1\r\nHost: x\r\nAcc"), G(C2S, 20), P(C2S, "ept: */*\r\n\r\nGET /b HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note incomplete: a gap cuts this message head: what was captured of it is kept\n"
     "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/a\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 17+9 [Host: x]\n"
     "stage request_line x1 c2s 61+17 method=\"GET\" target=\"/b\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 78+0 []\n"
     "stage request_blank_line x1 c2s 78+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 1]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+1 content-length chunks=0 body=1 decoded=1 preview=\"1\"\n"
     "stage keep_alive x0 s2c 39+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/a\" host=\"x\" none/0/-1 cut -> 200 content-length/1/1 ka=1 complete=0\n"
     "stage status_line x1 s2c 39+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 56+19 [Content-Length: 1]\n"
     "stage response_blank_line x1 s2c 75+2\n"
     "stage response_body x1 s2c 77+1 content-length chunks=0 body=1 decoded=1 preview=\"2\"\n"
     "stage keep_alive x1 s2c 78+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/b\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage close c2s 80+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"a gap inside a request line: the request is lost",
     {P(C2S, "GET /a HT"), G(C2S, 10), P(C2S, "\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note incomplete: a gap inside a message head: the message is lost; decoding goes on at the next request line\n"
     "stage request_line x0 c2s 32+17 method=\"GET\" target=\"/b\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 49+0 []\n"
     "stage request_blank_line x0 c2s 49+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 1]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+1 content-length chunks=0 body=1 decoded=1 preview=\"1\"\n"
     "stage keep_alive x0 s2c 39+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/b\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage status_line x1 s2c 39+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 56+19 [Content-Length: 1]\n"
     "stage response_blank_line x1 s2c 75+2\n"
     "stage response_body x1 s2c 77+1 content-length chunks=0 body=1 decoded=1 preview=\"2\"\n"
     "stage keep_alive x1 s2c 78+0 \"HTTP/1.1 default\"\n"
     "exchange x1 null -> 200 content-length/1/1 ka=1 complete=0\n"
     "stage close c2s 51+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"a gap between messages",
     {P(C2S, "GET /a HTTP/1.1\r\n\r\n"), G(C2S, 18), P(C2S, "GET /c HTTP/1.1\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/a\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 17+0 []\n"
     "stage request_blank_line x0 c2s 17+2\n"
     "stage request_line x1 c2s 37+17 method=\"GET\" target=\"/c\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 54+0 []\n"
     "stage request_blank_line x1 c2s 54+2\n"
     "exchange x0 \"GET\" \"/a\" none/0/-1 -> null ka=0 complete=0\n"
     "exchange x1 \"GET\" \"/c\" none/0/-1 -> null ka=0 complete=0\n"
     "stage close c2s 56+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"a gap inside a status line",
     {GET1, P(S2C, "HTTP/1.1 2"), G(S2C, 30), P(S2C, "xx\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "note incomplete: a gap inside a message head: the message is lost; decoding goes on at the next status line\n"
     "stage status_line x0 s2c 46+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 63+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 82+2\n"
     "stage keep_alive x0 s2c 84+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"a gap in a tunnel",
     {P(C2S, "CONNECT h:443 HTTP/1.1\r\n\r\n"), P(S2C, "HTTP/1.1 200 OK\r\n\r\n"), P(C2S, "abc"),
      G(C2S, 50), P(C2S, "def")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+24 method=\"CONNECT\" target=\"h:443\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 24+0 []\n"
     "stage request_blank_line x0 c2s 24+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+0 []\n"
     "stage response_blank_line x0 s2c 17+2\n"
     "exchange x0 \"CONNECT\" \"h:443\" none/0/-1 -> 200 none/0/-1 ka=0 complete=1 tunnel\n"
     "stage tunnel x0 c2s 26+56\n"
     "stage close c2s 82+0 fin client\n"
     "end 1 exchanges=1\n"},
};

static void test_gaps(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    check_convs(gaps, NELEM(gaps), &o);
}

/* After a gap in the server's stream, the acknowledgment a response carries
 * tells which request it answers (responses in the gap were lost). */
static void test_gap_lost_responses(void **state)
{
    (void)state;
    static const char req[] = "GET /1 HTTP/1.1\r\n\r\n"; /* 19 bytes */
    static const char rsp[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nX"; /* 39 bytes */
    for (int with_ack = 0; with_ack < 2; with_ack++) {
        struct dec_opts o = default_opts();
        struct feeder f;
        fd_open(&f, &o, 80, true);
        for (int i = 0; i < 3; i++)
            fd_data(&f, C2S, req, 19);
        fd_data(&f, S2C, rsp, 39);
        fd_gap(&f, S2C, 39);  /* the second response */
        if (with_ack) {
            struct tr_seg seg = {.frame = f.frame + 1, .dir = TR_DIR_S2C, .flags = TR_TCP_ACK,
                                 .offset = 78, .ack_offset = 57, .len = 39, .caplen = 39};
            f.ts.on_segment(f.ts.ctx, &f.tc, &seg);
        }
        fd_data(&f, S2C, rsp, 39);
        fd_close(&f, END_FIN_CLIENT);
        const char *log = tlog_str(&f.r.log);
        if (with_ack) {
            assert_true(strstr(log, "note incomplete: the response to request 1 was lost in a gap of "
                                    "the server's stream\n"));
            assert_true(strstr(log, "stage status_line x2 s2c 78+17 200"));
            assert_true(strstr(log, "exchange x1 \"GET\" \"/1\" none/0/-1 -> null ka=0 complete=0\n"));
            assert_true(strstr(log, "exchange x2 \"GET\" \"/1\" none/0/-1 -> 200 content-length/1/1 "
                                    "ka=1 complete=1\n"));
        } else {
            /* without it, the response after the gap answers the next request */
            assert_true(strstr(log, "stage status_line x1 s2c 78+17 200"));
            assert_true(strstr(log, "exchange x2 \"GET\" \"/1\" none/0/-1 -> null ka=0 complete=0\n"));
        }
        fd_free(&f);
    }
}

/* -------------------------------------------------------------- content -- */

struct coding {
    const char *header;
    enum tz_kind kind;
};

static const struct coding codings[] = {
    {"gzip", TZ_GZIP}, {"x-gzip", TZ_GZIP}, {"deflate", TZ_ZLIB}, {"deflate", TZ_RAW}, {"br", TZ_BR},
};

static const char plain_text[] =
    "Hello, compressed world! Hello, compressed world! Hello, compressed world!\n";

/* a response head, then the body: Content-Length, or in chunks of 7 bytes */
static size_t make_response(char *out, const char *ce, const uint8_t *body, size_t n, bool chunked)
{
    size_t o = (size_t)sprintf(out, "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n", ce);
    if (!chunked) {
        o += (size_t)sprintf(out + o, "Content-Length: %zu\r\n\r\n", n);
        memcpy(out + o, body, n);
        return o + n;
    }
    o += (size_t)sprintf(out + o, "Transfer-Encoding: chunked\r\n\r\n");
    for (size_t i = 0; i < n; i += 7) {
        size_t k = n - i < 7 ? n - i : 7;
        o += (size_t)sprintf(out + o, "%zx\r\n", k);
        memcpy(out + o, body + i, k);
        o += k;
        memcpy(out + o, "\r\n", 2);
        o += 2;
    }
    memcpy(out + o, "0\r\n\r\n", 5);
    return o + 5;
}

static void test_content_codings(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    size_t plen = strlen(plain_text);
    for (size_t i = 0; i < NELEM(codings); i++) {
        size_t zlen;
        uint8_t *z = tz_compress(codings[i].kind, plain_text, plen, &zlen);
        if (!z) {
            print_message("no brotli encoder: the br case is skipped\n");
            continue;
        }
        for (int chunked = 0; chunked < 2; chunked++) {
            char rsp[1024];
            size_t n = make_response(rsp, codings[i].header, z, zlen, chunked);
            struct conv cv = {codings[i].header, {GET1, PN(S2C, rsp, n)}, END_FIN_CLIENT, 0, false,
                              NULL};
            char *log = check_conv(&cv, &o);
            char want[256];
            snprintf(want, sizeof want, " chunks=%d body=%zu ce=\"%s\" decoded=%zu", chunked ? (int)((zlen + 6) / 7) : 0,
                     zlen, codings[i].header, plen);
            if (!strstr(log, want) || !strstr(log, " text=\"Hello, compresse\"\n"))
                fail_msg("%s (chunked %d): no '%s' in\n%s", codings[i].header, chunked, want, log);
            snprintf(want, sizeof want, " -> 200 %s/%zu/%zu ka=1 complete=1\n",
                     chunked ? "chunked" : "content-length", zlen, plen);
            if (!strstr(log, want))
                fail_msg("%s: no '%s' in\n%s", codings[i].header, want, log);
            assert_null(strstr(log, "decode_error"));
            free(log);

            /* the same bytes, one flipped in the middle: a decode_error note */
            z[zlen / 2] ^= 0xff;
            z[zlen / 2 + 1] ^= 0x55;
            n = make_response(rsp, codings[i].header, z, zlen, chunked);
            struct conv bad = {codings[i].header, {GET1, PN(S2C, rsp, n)}, END_FIN_CLIENT, 0,
                               false, NULL};
            log = check_conv(&bad, &o);
            /* br may decode damaged data without error, but not to the same text */
            if (!strstr(log, "note decode_error: the ") && strstr(log, " decoded=75 "))
                fail_msg("%s: damaged data decoded\n%s", codings[i].header, log);
            free(log);
            z[zlen / 2] ^= 0xff;
            z[zlen / 2 + 1] ^= 0x55;
        }
        free(z);
    }
}

static const struct conv content_other[] = {
    {"not compressed at all, said gzip",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 5\r\n\r\nplain")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+43 [Content-Encoding: gzip|Content-Length: 5]\n"
     "stage response_blank_line x0 s2c 60+2\n"
     "note decode_error: the gzip body could not be decoded: incorrect header check\n"
     "stage response_body x0 s2c 62+5 content-length chunks=0 body=5 ce=\"gzip\" decoded=-1 preview=\"plain\"\n"
     "stage keep_alive x0 s2c 67+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/5/-1 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"an unknown coding is not decoded",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Encoding: compress\r\nContent-Length: 3\r\n\r\n\x1f\x9d\x90")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+47 [Content-Encoding: compress|Content-Length: 3]\n"
     "stage response_blank_line x0 s2c 64+2\n"
     "stage response_body x0 s2c 66+3 content-length chunks=0 body=3 ce=\"compress\" decoded=-1 preview=\"\\x1f\\x9d\\x90\"\n"
     "stage keep_alive x0 s2c 69+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/3/-1 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"identity",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Encoding: identity\r\nContent-Length: 3\r\n\r\nabc")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+47 [Content-Encoding: identity|Content-Length: 3]\n"
     "stage response_blank_line x0 s2c 64+2\n"
     "stage response_body x0 s2c 66+3 content-length chunks=0 body=3 ce=\"identity\" decoded=-1 preview=\"abc\"\n"
     "stage keep_alive x0 s2c 69+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/3/-1 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"a gap in a compressed body: not decoded, no error",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 30\r\n\r\n\x1f\x8b\x08"),
      G(S2C, 27)},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+44 [Content-Encoding: gzip|Content-Length: 30]\n"
     "stage response_blank_line x0 s2c 61+2\n"
     "stage response_body x0 s2c 63+30 content-length chunks=0 body=30 ce=\"gzip\" decoded=-1 gap=27 preview=\"\\x1f\\x8b\\x08\"\n"
     "stage keep_alive x0 s2c 93+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/30/-1 cut ka=1 complete=0\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"a compressed body cut by the close",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 30\r\n\r\n\x1f\x8b\x08")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+44 [Content-Encoding: gzip|Content-Length: 30]\n"
     "stage response_blank_line x0 s2c 61+2\n"
     "note incomplete: the connection ended 27 bytes before the end of the body\n"
     "stage response_body x0 s2c 63+3 content-length chunks=0 body=3 ce=\"gzip\" decoded=-1 preview=\"\\x1f\\x8b\\x08\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/3/-1 cut ka=0 complete=0\n"
     "stage close s2c 66+0 fin server\n"
     "end 1 exchanges=1\n"},
};

static void test_content_other(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    check_convs(content_other, NELEM(content_other), &o);
    /* decode_content off: nothing decoded */
    o.decode_content = false;
    size_t zlen;
    uint8_t *z = tz_compress(TZ_GZIP, plain_text, strlen(plain_text), &zlen);
    char rsp[512];
    size_t n = make_response(rsp, "gzip", z, zlen, false);
    struct conv cv = {"decoding off", {GET1, PN(S2C, rsp, n)}, END_FIN_CLIENT, 0, false, NULL};
    char *log = check_conv(&cv, &o);
    assert_non_null(strstr(log, " ce=\"gzip\" decoded=-1 preview="));
    assert_null(strstr(log, "text="));
    free(log);
    free(z);
}

/* --------------------------------------------------------------- hostile -- */

static const struct conv hostile[] = {
    /* issue 13, bug 3: runs of spaces after the method are read as servers
     * read them (RFC 9112 3), noted; the next request follows as usual */
    {"spaces after the method, then a normal request",
     {P(C2S, "GET                  /a HTTP/1.1\r\nHost: h\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\naa"),
      P(C2S, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nbb")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note malformed_http: the request line's words are not separated by single spaces (read as "
     "servers do, RFC 9112 section 3)\n"
     "stage request_line x0 c2s 0+34 method=\"GET\" target=\"/a\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 34+9 [Host: h]\n"
     "stage request_blank_line x0 c2s 43+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 2]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+2 content-length chunks=0 body=2 decoded=2 preview=\"aa\"\n"
     "stage keep_alive x0 s2c 40+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/a\" host=\"h\" none/0/-1 -> 200 content-length/2/2 ka=1 complete=1\n"
     "stage request_line x1 c2s 45+17 method=\"GET\" target=\"/b\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 62+9 [Host: h]\n"
     "stage request_blank_line x1 c2s 71+2\n"
     "stage status_line x1 s2c 40+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 57+19 [Content-Length: 2]\n"
     "stage response_blank_line x1 s2c 76+2\n"
     "stage response_body x1 s2c 78+2 content-length chunks=0 body=2 decoded=2 preview=\"bb\"\n"
     "stage keep_alive x1 s2c 80+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/b\" host=\"h\" none/0/-1 -> 200 content-length/2/2 ka=1 complete=1\n"
     "stage close c2s 73+0 fin client\n"
     "end 1 exchanges=2\n"},
    /* one bad first line does not end the decoding of a connection whose
     * other side then speaks HTTP: the later request comes out */
    {"a first line that is not HTTP, an HTTP answer, then a request",
     {P(C2S, "G(T /a HTTP/1.1\r\nHost: h\r\n\r\n"),
      P(S2C, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"),
      P(C2S, "GET /b HTTP/1.1\r\nHost: h\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nbb")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note not_http: the client's bytes on this connection are not HTTP (nor TLS)\n"
     "stage status_line x0 s2c 0+26 400 reason=\"Bad Request\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 26+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "stage keep_alive x0 s2c 47+0 \"HTTP/1.1 default\"\n"
     "exchange x0 null -> 400 content-length/0/-1 ka=1 complete=0\n"
     "stage request_line x1 c2s 28+17 method=\"GET\" target=\"/b\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 45+9 [Host: h]\n"
     "stage request_blank_line x1 c2s 54+2\n"
     "stage status_line x1 s2c 47+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 64+19 [Content-Length: 2]\n"
     "stage response_blank_line x1 s2c 83+2\n"
     "stage response_body x1 s2c 85+2 content-length chunks=0 body=2 decoded=2 preview=\"bb\"\n"
     "stage keep_alive x1 s2c 87+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/b\" host=\"h\" none/0/-1 -> 200 content-length/2/2 ka=1 complete=1\n"
     "stage close c2s 56+0 fin client\n"
     "end 1 exchanges=2 not_http\n"},
    {"a huge Content-Length",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 999999999999999999\r\n\r\nabc")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+36 [Content-Length: 999999999999999999]\n"
     "stage response_blank_line x0 s2c 53+2\n"
     "note incomplete: the connection ended 999999999999999996 bytes before the end of the body\n"
     "stage response_body x0 s2c 55+3 content-length chunks=0 body=3 decoded=3 preview=\"abc\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/3/3 cut ka=0 complete=0\n"
     "stage close s2c 58+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a Content-Length past 18 digits",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 18446744073709551617\r\n\r\nabc")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "note malformed_http: Content-Length '18446744073709551617' is not a number\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+38 [Content-Length: 18446744073709551617]\n"
     "stage response_blank_line x0 s2c 55+2\n"
     "stage response_body x0 s2c 57+3 close chunks=0 body=3 decoded=3 preview=\"abc\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 close/3/3 ka=0 complete=1\n"
     "stage close s2c 60+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a negative Content-Length",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nabc")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "note malformed_http: Content-Length '-1' is not a number\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+20 [Content-Length: -1]\n"
     "stage response_blank_line x0 s2c 37+2\n"
     "stage response_body x0 s2c 39+3 close chunks=0 body=3 decoded=3 preview=\"abc\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 close/3/3 ka=0 complete=1\n"
     "stage close s2c 42+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"an overflowing chunk size",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\nabc\r\n0\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "note malformed_http: a chunk-size line that is not a hex number\n"
     "stage response_body x0 s2c 47+19 chunked chunks=0 body=0 decoded=-1\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/0/-1 cut ka=0 complete=0\n"
     "stage close s2c 76+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"a huge chunk size",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3fffffffffffffff\r\nabc")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "note incomplete: the connection ended inside a chunked body\n"
     "stage response_body x0 s2c 47+21 chunked chunks=1 body=3 decoded=3 preview=\"abc\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/3/3 cut ka=0 complete=0\n"
     "stage close s2c 68+0 fin server\n"
     "end 1 exchanges=1\n"},
    {"NUL bytes in the first request line",
     {PN(C2S, "GET /\0x HTTP/1.1\r\n\r\n", 20), P(S2C, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note not_http: the client's bytes on this connection are not HTTP (nor TLS)\n"
     "stage status_line x0 s2c 0+26 400 reason=\"Bad Request\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 26+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "stage keep_alive x0 s2c 47+0 \"HTTP/1.1 default\"\n"
     "exchange x0 null -> 400 content-length/0/-1 ka=1 complete=0\n"
     "stage close s2c 47+0 fin server\n"
     "end 1 exchanges=1 not_http\n"},
    {"NUL bytes in a later request line, and in a header",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
      PN(C2S, "GET /\0 HTTP/1.1\r\n\r\nGET /ok HTTP/1.1\r\nX-Nul: a\0b\r\n\r\n", 51),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "note malformed_http: bytes from the client that are not an HTTP request: skipped up to the next one\n"
     "stage request_line x1 c2s 37+18 method=\"GET\" target=\"/ok\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 55+12 [X-Nul: a\\x00b]\n"
     "stage request_blank_line x1 c2s 67+2\n"
     "stage status_line x1 s2c 38+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 55+19 [Content-Length: 0]\n"
     "stage response_blank_line x1 s2c 74+2\n"
     "stage keep_alive x1 s2c 76+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/ok\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 69+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"garbage between pipelined responses",
     {GET1, GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n1garbage here\r\nmore\r\n"
                          "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n2")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage request_line x1 c2s 18+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x1 c2s 34+0 []\n"
     "stage request_blank_line x1 c2s 34+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 1]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage response_body x0 s2c 38+1 content-length chunks=0 body=1 decoded=1 preview=\"1\"\n"
     "stage keep_alive x0 s2c 39+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "note malformed_http: bytes from the server that are not an HTTP response: skipped up to the next one\n"
     "stage status_line x1 s2c 59+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 76+19 [Content-Length: 1]\n"
     "stage response_blank_line x1 s2c 95+2\n"
     "stage response_body x1 s2c 97+1 content-length chunks=0 body=1 decoded=1 preview=\"2\"\n"
     "stage keep_alive x1 s2c 98+0 \"HTTP/1.1 default\"\n"
     "exchange x1 \"GET\" \"/\" none/0/-1 -> 200 content-length/1/1 ka=1 complete=1\n"
     "stage close c2s 36+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"more responses than requests",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage status_line x1 s2c 38+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x1 s2c 55+19 [Content-Length: 0]\n"
     "stage response_blank_line x1 s2c 74+2\n"
     "stage keep_alive x1 s2c 76+0 \"HTTP/1.1 default\"\n"
     "exchange x1 null -> 200 content-length/0/-1 ka=1 complete=0\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=2\n"},
    {"not HTTP on port 80",
     {P(S2C, "220 mail.example.com ESMTP\r\n"), P(C2S, "EHLO me\r\n"), P(S2C, "250 ok\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note not_http: the server's bytes on this connection are not HTTP (nor TLS)\n"
     "stage close c2s 9+0 fin client\n"
     "end 1 exchanges=0 not_http\n"},
    {"a chunk-size line longer than 4096 bytes",
     {GET1, P(S2C, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" HDR4K "\r\nx\r\n0\r\n\r\n")},
     END_FIN_SERVER, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+28 [Transfer-Encoding: chunked]\n"
     "stage response_blank_line x0 s2c 45+2\n"
     "note malformed_http: a chunk-size line longer than 4096 bytes\n"
     "stage response_body x0 s2c 47+4097 chunked chunks=0 body=0 decoded=-1\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 chunked/0/-1 cut ka=0 complete=0\n"
     "stage close s2c 4259+0 fin server\n"
     "end 1 exchanges=1\n"},
};

static void test_hostile(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    check_convs(hostile, NELEM(hostile), &o);
}

/* the head byte cap and the header count cap: limit notes */
static const struct conv capped[] = {
    {"a head over the byte cap is skipped",
     {P(C2S, "GET /big HTTP/1.1\r\nA: " HDR200 "\r\nB: " HDR200 "\r\n\r\nGET /next HTTP/1.1\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note limit: a message head longer than 300 bytes: it is skipped (see --max-header)\n"
     "stage request_line x0 c2s 431+20 method=\"GET\" target=\"/next\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 451+0 []\n"
     "stage request_blank_line x0 c2s 451+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/next\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 453+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"more header fields than the cap",
     {P(C2S, "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n  folded\r\nF: 6\r\n\r\n"),
      P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 0, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "note limit: more than 4 header fields in one message: the rest are not kept\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+46 [A: 1|B: 2|C: 3|D: 4]\n"
     "stage request_blank_line x0 c2s 62+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 64+0 fin client\n"
     "end 1 exchanges=1\n"},
};

static void test_caps(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    o.max_header_bytes = 300;
    o.max_headers = 4;
    check_convs(capped, NELEM(capped), &o);
}

/* 10,000 pipelined requests against max_pipeline: the oldest are written
 * unanswered, with a limit note each time; nothing grows without bound */
static void test_pipeline_flood(void **state)
{
    (void)state;
    static const char req[] = "GET /f HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t n = 10000, rl = strlen(req);
    char *all = malloc(n * rl);
    for (size_t i = 0; i < n; i++)
        memcpy(all + i * rl, req, rl);
    for (int k = 0; k < 2; k++) {
        struct dec_opts o = default_opts();
        o.max_pipeline = k == 0 ? 0 : 10;  /* the default (1024), then 10 */
        size_t max = k == 0 ? DEC_DEFAULT_MAX_PIPELINE : 10;
        struct feeder f;
        fd_open(&f, &o, 80, true);
        fd_data(&f, C2S, all, n * rl);
        fd_data(&f, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 38);
        fd_close(&f, END_FIN_CLIENT);
        assert_int_equal(f.r.exchanges, n);
        assert_int_equal(tlog_count(&f.r.log, "note limit: more than"), (int)(n - max));
        assert_int_equal(tlog_count(&f.r.log, "stage request_line"), (int)n);
        assert_int_equal(tlog_count(&f.r.log, "-> null ka=0 complete=0\n"), (int)n - 1);
        assert_int_equal(tlog_count(&f.r.log, "-> 200 "), 1);
        struct dec_stats st;
        dec_stats(f.d, &st);
        assert_int_equal(st.exchanges, n);
        assert_int_equal(st.http_conns, 1);
        assert_int_equal(st.notes_by_kind[DEC_NOTE_LIMIT], n - max);
        fd_free(&f);
    }
    free(all);
}

/* 100 interim responses before the final one: 64 kept, one limit note,
 * the exchange still written and freed whole */
static void test_interim_flood(void **state)
{
    (void)state;
    static const char early[] = "HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n";
    static const char final[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
    struct dec_opts o = default_opts();
    struct feeder f;
    fd_open(&f, &o, 80, true);
    fd_data(&f, C2S, "GET /h HTTP/1.1\r\n\r\n", 20);
    for (int i = 0; i < 100; i++)
        fd_data(&f, S2C, early, strlen(early));
    fd_data(&f, S2C, final, strlen(final));
    fd_close(&f, END_FIN_CLIENT);
    assert_int_equal(f.r.exchanges, 1);
    assert_int_equal(tlog_count(&f.r.log, "note limit: more than 64 interim responses"), 1);
    assert_int_equal(tlog_count(&f.r.log, " (103)"), 64);
    assert_int_equal(tlog_count(&f.r.log, "stage status_line x0 s2c"), 101);
    assert_int_equal(tlog_count(&f.r.log, "(103) 200 content-length/2/2"), 1);
    fd_free(&f);
}

/* a header flood at the default cap (64 KiB): one note, then on */
static void test_header_flood(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    struct feeder f;
    fd_open(&f, &o, 80, true);
    fd_data(&f, C2S, "GET / HTTP/1.1\r\n", 16);
    char line[] = "X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    for (int i = 0; i < 2000; i++)
        fd_data(&f, C2S, line, strlen(line));
    fd_data(&f, C2S, "\r\nGET /after HTTP/1.1\r\n\r\n", 25);
    fd_close(&f, END_FIN_CLIENT);
    const char *log = tlog_str(&f.r.log);
    assert_int_equal(tlog_count(&f.r.log, "note limit: a message head longer than 65536 bytes"), 1);
    assert_non_null(strstr(log, "stage request_line x0 c2s 130018+21 method=\"GET\" target=\"/after\""));
    assert_int_equal(tlog_count(&f.r.log, "stage request_line"), 1);
    fd_free(&f);
}

/* ----------------------------------------------- detection and roles -- */

static const struct conv detect[] = {
    {"HTTP on port 8080, found by its first bytes",
     {P(C2S, "GET / HTTP/1.1\r\n\r\n"), P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
     END_FIN_CLIENT, 8080, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+0 []\n"
     "stage request_blank_line x0 c2s 16+2\n"
     "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\"\n"
     "stage response_headers x0 s2c 17+19 [Content-Length: 0]\n"
     "stage response_blank_line x0 s2c 36+2\n"
     "stage keep_alive x0 s2c 38+0 \"HTTP/1.1 default\"\n"
     "exchange x0 \"GET\" \"/\" none/0/-1 -> 200 content-length/0/-1 ka=1 complete=1\n"
     "stage close c2s 18+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"TLS on port 80",
     {PN(C2S, TLS_CLIENT_HELLO, 72), PN(S2C, TLS_SERVER_HELLO, 55)},
     END_FIN_CLIENT, 80, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage tls_client_hello c2s 0+72\n"
     "note tls: a TLS handshake (HTTPS): the client asks for 'example.com'; the server picks TLS 1.3; everything after the handshake is encrypted sni=\"example.com\" version=TLS 1.3\n"
     "stage tls_server_hello s2c 0+55\n"
     "stage close c2s 72+0 fin client\n"
     "end 1 exchanges=0 tls\n"},
    {"a TLS ClientHello only, no ServerHello",
     {PN(C2S, TLS_CLIENT_HELLO, 72)},
     END_CAPTURE, 443, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage tls_client_hello c2s 0+72\n"
     "note tls: a TLS handshake (HTTPS): the client asks for 'example.com'; no ServerHello was seen; everything after the handshake is encrypted sni=\"example.com\" version=null\n"
     "stage close c2s 72+0 end -\n"
     "end 1 exchanges=0 tls\n"},
    {"not HTTP on port 5000: nothing at all",
     {P(S2C, "220 mail.example.com ESMTP\r\n"), P(C2S, "EHLO me\r\n")},
     END_FIN_CLIENT, 5000, false, ""},
    {"not HTTP on port 5000, the client first: nothing at all",
     {P(C2S, "HELLO there\r\n"), P(S2C, "HTTP/1.1 200 OK\r\n\r\n")},
     END_FIN_CLIENT, 5000, false, ""},
};

static void test_detect(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    check_convs(detect, NELEM(detect), &o);
    /* detect off: every connection is decoded */
    o.detect = false;
    struct conv cv = {"8080 without detection",
                      {P(C2S, "HELLO there\r\n"), P(S2C, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")},
                      END_FIN_CLIENT, 8080, false, NULL};
    char *log = check_conv(&cv, &o);
    assert_non_null(strstr(log, "conn 1\n"));
    assert_non_null(strstr(log, "note not_http: the client's bytes on this connection are not HTTP"));
    free(log);
}

/* ------------------------------------------------------ frames, stats -- */

/* frames: each stage lists the frames its bytes came in */
static void test_frames(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    struct feeder f;
    fd_frames = true;
    fd_open(&f, &o, 80, true);
    fd_frames = false;
    fd_data(&f, C2S, "GET /f HTTP/1.1\r\nHo", 19);                           /* 4 */
    fd_data(&f, C2S, "st: x\r\n\r\n", 9);                                    /* 5 */
    fd_data(&f, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab", 40); /* 6 */
    fd_data(&f, S2C, "cd", 2);                                               /* 7 */
    fd_data(&f, S2C, "ef", 2);                                               /* 8 */
    fd_data(&f, C2S, "GET /g HTTP/1.1\r\n\r\n", 19);                         /* 9 */
    fd_close(&f, END_FIN_SERVER);                                            /* 10, 11 */
    assert_string_equal(
        tlog_str(&f.r.log),
        "conn 1\n"
        "stage handshake c2s 0+0 rtt=200 f1,2,3\n"
        "stage request_line x0 c2s 0+17 method=\"GET\" target=\"/f\" version=\"HTTP/1.1\" f4\n"
        "stage request_headers x0 c2s 17+9 [Host: x] f4,5\n"
        "stage request_blank_line x0 c2s 26+2 f5\n"
        "stage status_line x0 s2c 0+17 200 reason=\"OK\" version=\"HTTP/1.1\" f6\n"
        "stage response_headers x0 s2c 17+19 [Content-Length: 6] f6\n"
        "stage response_blank_line x0 s2c 36+2 f6\n"
        "stage response_body x0 s2c 38+6 content-length chunks=0 body=6 decoded=6 preview=\"abcdef\" "
        "f6,7,8\n"
        "stage keep_alive x0 s2c 44+0 \"HTTP/1.1 default\" f8\n"
        "exchange x0 \"GET\" \"/f\" host=\"x\" none/0/-1 -> 200 content-length/6/6 ka=1 complete=1 "
        "f4-5,6-8\n"
        "stage request_line x1 c2s 28+17 method=\"GET\" target=\"/g\" version=\"HTTP/1.1\" f9\n"
        "stage request_headers x1 c2s 45+0 [] f9\n"
        "stage request_blank_line x1 c2s 45+2 f9\n"
        "exchange x1 \"GET\" \"/g\" none/0/-1 -> null ka=0 complete=0 f9-9,0-0\n"
        "stage close s2c 44+0 fin server f10,11\n"
        "end 1 exchanges=2\n");
    struct dec_stats st;
    dec_stats(f.d, &st);
    assert_int_equal(st.http_conns, 1);
    assert_int_equal(st.exchanges, 2);
    assert_int_equal(st.notes, 0);
    fd_free(&f);
}

/* the close stage carries the FINs and the segments that acknowledged them
 * (issue 14): a segment of the other side after the FIN whose
 * acknowledgment number is the FIN's sequence number plus one */
static void close_seg(struct feeder *f, int dir, uint8_t flags, uint32_t seq, uint32_t ack)
{
    fd_tick(f);
    struct tr_seg seg = {.frame = f->frame, .ts = f->tc.last_ts, .dir = (enum tr_dir)dir,
                         .flags = flags, .seq = seq, .ack = ack, .ack_offset = -1,
                         .file_offset = -1};
    f->ts.on_segment(f->ts.ctx, &f->tc, &seg);
    if (flags & TR_TCP_FIN) {
        struct tr_conn *c = &f->tc;
        c->close_frames[dir] = f->frame;
        if (c->close_how == TR_CLOSE_NONE) {
            c->close_how = TR_CLOSE_FIN;
            c->close_initiator = dir;
            c->close_ts = c->last_ts;
        }
        f->ts.on_fin(f->ts.ctx, c, (enum tr_dir)dir, f->frame, c->last_ts);
    }
}

static void test_close_acks(void **state)
{
    (void)state;
    enum { F = TR_TCP_FIN | TR_TCP_ACK, A = TR_TCP_ACK, R = TR_TCP_RST };
    static const struct {
        const char *name;
        struct { int dir; uint8_t flags; uint32_t seq, ack; } segs[5];
        const char *close;
    } cases[] = {
        {"three packets: a FIN rides with the ACK",
         {{S2C, F, 5000, 900}, {C2S, F, 900, 5001}, {S2C, A, 5001, 901}},
         "stage close s2c 0+0 fin server f5,6,7\n"},
        {"four packets",
         {{C2S, F, 900, 5000}, {S2C, A, 5000, 901}, {S2C, F, 5000, 901}, {C2S, A, 901, 5001}},
         "stage close c2s 18+0 fin client f5,6,7,8\n"},
        {"an ACK of other bytes is not the FIN's; a later one is",
         {{S2C, F, 5000, 900}, {C2S, A, 900, 4000}, {C2S, A, 900, 5001}},
         "stage close s2c 0+0 fin server f5,7\n"},
        {"the other side's FIN never acknowledged",
         {{S2C, F, 5000, 900}, {C2S, F, 900, 5001}, {C2S, A, 901, 5001}},
         "stage close s2c 0+0 fin server f5,6\n"},
        {"sequence numbers wrap around",
         {{C2S, F, 0xffffffffu, 7}, {S2C, F, 7, 0}, {C2S, A, 0, 8}},
         "stage close c2s 18+0 fin client f5,6,7\n"},
        {"a reset: nothing to acknowledge",
         {{S2C, R | A, 5000, 900}},
         "stage close s2c 0+0 rst server f5\n"},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        struct dec_opts o = default_opts();
        struct feeder f;
        fd_frames = true;
        fd_open(&f, &o, 80, true);
        fd_frames = false;
        fd_data(&f, C2S, "GET / HTTP/1.1\r\n\r\n", 18);                         /* 4 */
        for (size_t k = 0; k < 5 && cases[i].segs[k].flags; k++) {
            close_seg(&f, cases[i].segs[k].dir, cases[i].segs[k].flags, cases[i].segs[k].seq,
                      cases[i].segs[k].ack);
            if (cases[i].segs[k].flags & TR_TCP_RST) {
                f.tc.close_frames[cases[i].segs[k].dir] = f.frame;
                f.tc.close_how = TR_CLOSE_RST;
                f.tc.close_initiator = cases[i].segs[k].dir;
                f.tc.close_ts = f.tc.last_ts;
            }
        }
        f.ts.on_close(f.ts.ctx, &f.tc);
        const char *log = tlog_str(&f.r.log);
        const char *close = strstr(log, "stage close ");
        if (!close || strncmp(close, cases[i].close, strlen(cases[i].close)) != 0)
            fail_msg("%s: expected \"%s\" in\n%s", cases[i].name, cases[i].close, log);
        fd_free(&f);
    }
}

static void test_stats(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    struct feeder f;
    fd_open(&f, &o, 80, true);
    fd_data(&f, C2S, "GET / HTTP/1.1\nBad\r\n\r\n", 22);
    fd_data(&f, S2C, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", 40);
    fd_close(&f, END_FIN_SERVER);
    struct dec_stats st;
    dec_stats(f.d, &st);
    assert_int_equal(st.http_conns, 1);
    assert_int_equal(st.exchanges, 1);
    assert_int_equal(st.notes, 3);
    assert_int_equal(st.notes_by_kind[DEC_NOTE_MALFORMED_HTTP], 2);
    assert_int_equal(st.notes_by_kind[DEC_NOTE_INCOMPLETE], 1);
    assert_int_equal(st.notes, f.r.notes);
    fd_free(&f);
    /* a frame-level tracer note goes through with no connection */
    fd_open(&f, &o, 80, true);
    f.ts.on_note(f.ts.ctx, NULL, 7, TR_NOTE_TRUNCATED, "cut");
    f.ts.on_note(f.ts.ctx, &f.tc, 8, TR_NOTE_RETRANSMISSION, "again");
    fd_close(&f, END_CAPTURE);
    assert_string_equal(tlog_str(&f.r.log), "conn 1\n"
                                            "stage handshake c2s 0+0 rtt=200\n"
                                            "note - truncated: cut\n"
                                            "note retransmission: again\n"
                                            "stage close c2s 0+0 end -\n"
                                            "end 1 exchanges=0\n");
    dec_stats(f.d, &st);
    assert_int_equal(st.notes_by_kind[DEC_NOTE_TRUNCATED], 1);
    assert_int_equal(st.http_conns, 0);
    fd_free(&f);
}

/* before a connection is known to be HTTP, its segments and notes wait;
 * they follow its conn event in order, or vanish with it */
static void test_deferred(void **state)
{
    (void)state;
    for (int http = 0; http < 2; http++) {
        struct dec_opts o = default_opts();
        struct feeder f;
        fd_open(&f, &o, 8080, true);
        f.r.segments = true;
        for (int i = 1; i <= 3; i++) {
            struct tr_seg seg = {.frame = (uint64_t)i, .dir = i == 2 ? TR_DIR_S2C : TR_DIR_C2S,
                                 .ack_offset = -1};
            f.ts.on_segment(f.ts.ctx, &f.tc, &seg);
        }
        f.ts.on_note(f.ts.ctx, &f.tc, 3, TR_NOTE_OUT_OF_ORDER, "early");
        struct tr_seg seg = {.frame = 4, .dir = TR_DIR_C2S, .ack_offset = 0};
        f.ts.on_segment(f.ts.ctx, &f.tc, &seg);
        if (http)
            fd_data(&f, C2S, "GET / HTTP/1.1\r\n\r\n", 18);
        else
            fd_data(&f, C2S, "SSH-2.0-OpenSSH_9.2\r\n", 21);
        fd_data(&f, S2C, "SSH-2.0-x\r\n", 11);
        fd_close(&f, END_FIN_CLIENT);
        if (http)
            assert_string_equal(tlog_str(&f.r.log),
                                "conn 1\n"
                                "stage handshake c2s 0+0 rtt=200\n"
                                "note out_of_order: early\n"
                                "seg f1 c2s\n"
                                "seg f2 s2c\n"
                                "seg f3 c2s\n"
                                "seg f4 c2s\n"
                                "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" "
                                "version=\"HTTP/1.1\"\n"
                                "stage request_headers x0 c2s 16+0 []\n"
                                "stage request_blank_line x0 c2s 16+2\n"
                                "note malformed_http: bytes from the server that are not an HTTP "
                                "response: skipped up to the next one\n"
                                "exchange x0 \"GET\" \"/\" none/0/-1 -> null ka=0 complete=0\n"
                                "stage close c2s 18+0 fin client\n"
                                "end 1 exchanges=1\n");
        else
            assert_string_equal(tlog_str(&f.r.log), "");
        fd_free(&f);
    }
}

/* ----------------------------------------- random conversations, split -- */

static const char *const rand_requests[] = {
    "GET /a HTTP/1.1\r\nHost: h\r\n\r\n",
    "HEAD /h HTTP/1.1\r\n\r\n",
    "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello",
    "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
    "GET /lf HTTP/1.1\nA: b\n\n",
    "OPTIONS * HTTP/1.1\r\nX: a\r\n  b\r\n\r\n",
    "GET /09\r\n\r\n",
    "PUT /x HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok",
    "junk line\r\n",
    "\r\n",
    "M-SEARCH * HTTP/1.1\r\nNoColon\r\n\r\n",
};

static const char *const rand_responses[] = {
    "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
    "HTTP/1.1 204 No Content\r\n\r\n",
    "HTTP/1.1 304 Not Modified\r\nContent-Length: 9\r\n\r\n",
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    "2;x=y\r\nhi\r\n0\r\nT: 1\r\n\r\n",
    "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nz",
    "HTTP/1.1 500 Oops\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    "HTTP/1.1 200 OK\nContent-Length: 2\n\nlf",
    "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
    "garbage\r\n",
    "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nabcdHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
};

static uint32_t rnd_state = 2024;
static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 8) % n;
}

static void test_random_splits(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    for (int round = 0; round < 400; round++) {
        struct conv cv;
        memset(&cv, 0, sizeof cv);
        cv.name = "random";
        cv.end = (int)rnd(4);
        cv.no_syn = rnd(4) == 0;
        int np = 0, nx = 1 + (int)rnd(4);
        bool pipelined = rnd(2);
        for (int k = 0; k < nx && np < MAX_PIECES - 2; k++) {
            cv.p[np++] = (struct piece)P(C2S, rand_requests[rnd(NELEM(rand_requests))]);
            if (!pipelined)
                cv.p[np++] = (struct piece)P(S2C, rand_responses[rnd(NELEM(rand_responses))]);
            if (rnd(8) == 0 && np < MAX_PIECES - 2)
                cv.p[np++] = (struct piece)G((int)rnd(2), 1 + rnd(30));
        }
        for (int k = 0; pipelined && k < nx && np < MAX_PIECES; k++)
            cv.p[np++] = (struct piece)P(S2C, rand_responses[rnd(NELEM(rand_responses))]);
        size_t total = conv_total(&cv);
        char *whole = run_conv(&cv, &o, NULL, 0, false);
        size_t cuts[8];
        for (int t = 0; t < 6; t++) {
            size_t nc = 1 + rnd(8);
            for (size_t i = 0; i < nc; i++)
                cuts[i] = 1 + rnd((uint32_t)(total > 1 ? total - 1 : 1));
            for (size_t i = 1; i < nc; i++)  /* sort */
                for (size_t j = i; j > 0 && cuts[j - 1] > cuts[j]; j--) {
                    size_t x = cuts[j];
                    cuts[j] = cuts[j - 1];
                    cuts[j - 1] = x;
                }
            char *split = run_conv(&cv, &o, cuts, nc, false);
            if (strcmp(whole, split) != 0) {
                for (int i = 0; i < np; i++)
                    fprintf(stderr, "piece %d dir %d: %s\n", i, cv.p[i].dir,
                            cv.p[i].s ? cv.p[i].s : "(gap)");
                fprintf(stderr, "cuts:");
                for (size_t i = 0; i < nc; i++)
                    fprintf(stderr, " %zu", cuts[i]);
                fail_msg("round %d: split log differs:\n--- got\n%s--- want\n%s", round, split, whole);
            }
            free(split);
        }
        free(whole);
    }
}

/* ------------------------------------------ TLS and HTTP/2 (version 2) -- */

#define PB(d, lit) {d, lit, sizeof(lit) - 1, 0}
#define H2_PREFACE_SETTINGS "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" "\0\0\0\x04\0\0\0\0\0"
#define H2_SETTINGS_EMPTY "\0\0\0\x04\0\0\0\0\0"
#define H2_SETTINGS_ACK "\0\0\0\x04\x01\0\0\0\0"

static const struct conv v2convs[] = {
    {"TLS without keys: a record cut by a gap",
     {PN(C2S, TLS_CLIENT_HELLO, 72), PN(S2C, TLS_SERVER_HELLO, 55),
      PB(C2S, "\x17\x03\x03\x00\x40" "0123456789abcdefghij"), G(C2S, 30),
      PB(C2S, "0123456789abcd" "\x17\x03\x03\x00\x02hi"), PB(S2C, "\x17\x03\x03\x00\x03" "abc")},
     END_FIN_CLIENT, 443, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage tls_client_hello c2s 0+72\n"
     "note tls: a TLS handshake (HTTPS): the client asks for 'example.com'; the server picks TLS 1.3; everything after the handshake is encrypted sni=\"example.com\" version=TLS 1.3\n"
     "stage tls_server_hello s2c 0+55\n"
     "note tls_decrypt_error: 30 bytes of the client's TLS stream were not captured (offset 97): the rest of it cannot be read as records\n"
     "stage encrypted c2s 72+69\n"
     "note tls_no_keys: no SERVER_HANDSHAKE_TRAFFIC_SECRET in the key log for client random abababababababab...: the server's records stay encrypted\n"
     "stage encrypted s2c 55+8\n"
     "stage close c2s 148+0 fin client\n"
     "end 1 exchanges=0 tls\n"},
    {"h2c by Upgrade: the first request is stream 1",
     {P(C2S, "GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\n"
             "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABk\r\n\r\n"),
      PB(S2C, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"
              H2_SETTINGS_EMPTY "\0\0\x01\x01\x04\0\0\0\x01\x88" "\0\0\x02\0\x01\0\0\0\x01ok"),
      PB(C2S, H2_PREFACE_SETTINGS H2_SETTINGS_ACK)},
     END_FIN_CLIENT, 80, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage request_line x0 c2s 0+16 method=\"GET\" target=\"/\" version=\"HTTP/1.1\"\n"
     "stage request_headers x0 c2s 16+86 [Host: x|Connection: Upgrade, HTTP2-Settings|Upgrade: h2c|HTTP2-Settings: AAMAAABk]\n"
     "stage request_blank_line x0 c2s 102+2\n"
     "stage status_line x0 s2c 0+34 101 reason=\"Switching Protocols\" version=\"HTTP/1.1\" interim\n"
     "stage response_headers x0 s2c 34+35 [Connection: Upgrade|Upgrade: h2c] interim\n"
     "stage response_blank_line x0 s2c 69+2 interim\n"
     "stage h2_settings s2c 71+9\n"
     "stage status_line x0 s2c 80+0 200 reason=null version=\"HTTP/2\"\n"
     "stage response_headers x0 s2c 80+10 []\n"
     "stage response_body x0 s2c 99+2 h2 chunks=0 body=2 decoded=2 preview=\"ok\"\n"
     "stage stream_end x0 s2c 101+0\n"
     "exchange x0 \"GET\" \"/\" host=\"x\" none/0/-1 -> (101) 200 h2/2/2 ka=0 complete=1\n"
     "stage h2_preface c2s 104+33\n"
     "stage close c2s 146+0 fin client\n"
     "end 1 exchanges=1\n"},
    {"h2c by prior knowledge: a push",
     {PB(C2S, H2_PREFACE_SETTINGS "\0\0\x06\x01\x05\0\0\0\x01\x82\x86\x84\x41\x01x"),
      PB(S2C, H2_SETTINGS_EMPTY
              "\0\0\x11\x05\x04\0\0\0\x01\0\0\0\x02\x82\x86\x44\x06/a.css\x41\x01x"
              "\0\0\x01\x01\x04\0\0\0\x01\x88" "\0\0\x02\0\x01\0\0\0\x01ok"
              "\0\0\x01\x01\x04\0\0\0\x02\x88" "\0\0\x03\0\x01\0\0\0\x02" "css"),
      PB(C2S, H2_SETTINGS_ACK)},
     END_FIN_SERVER, 8080, false,
     "conn 1\n"
     "stage handshake c2s 0+0 rtt=200\n"
     "stage h2_preface c2s 0+33\n"
     "stage request_line x0 c2s 33+0 method=\"GET\" target=\"/\" version=\"HTTP/2\"\n"
     "stage request_headers x0 c2s 33+15 []\n"
     "stage h2_settings s2c 0+9\n"
     "stage push_promise x1 s2c 9+26\n"
     "stage status_line x0 s2c 35+0 200 reason=null version=\"HTTP/2\"\n"
     "stage response_headers x0 s2c 35+10 []\n"
     "stage response_body x0 s2c 54+2 h2 chunks=0 body=2 decoded=2 preview=\"ok\"\n"
     "stage stream_end x0 s2c 56+0\n"
     "exchange x0 \"GET\" \"/\" h2/0/-1 -> 200 h2/2/2 ka=0 complete=1\n"
     "stage status_line x1 s2c 56+0 200 reason=null version=\"HTTP/2\"\n"
     "stage response_headers x1 s2c 56+10 []\n"
     "stage response_body x1 s2c 75+3 h2 chunks=0 body=3 decoded=3 preview=\"css\"\n"
     "stage stream_end x1 s2c 78+0\n"
     "exchange x1 \"GET\" \"/a.css\" h2/0/-1 -> 200 h2/3/3 ka=0 complete=1\n"
     "stage close s2c 78+0 fin server\n"
     "end 1 exchanges=2\n"},
};

static void test_conversations(void **state)
{
    (void)state;
    struct dec_opts o = default_opts();
    check_convs(convs, NELEM(convs), &o);
    check_convs(v2convs, NELEM(v2convs), &o);  /* TLS and HTTP/2 */
}

/* build/tests/test_decoder [PATTERN]: only the tests whose names match */
int main(int argc, char **argv)
{
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversations),
        cmocka_unit_test(test_midstream),
        cmocka_unit_test(test_framing),
        cmocka_unit_test(test_keep_alive),
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_gap_lost_responses),
        cmocka_unit_test(test_content_codings),
        cmocka_unit_test(test_content_other),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_pipeline_flood),
        cmocka_unit_test(test_header_flood),
        cmocka_unit_test(test_interim_flood),
        cmocka_unit_test(test_detect),
        cmocka_unit_test(test_frames),
        cmocka_unit_test(test_close_acks),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_deferred),
        cmocka_unit_test(test_random_splits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
