/* test_parse.c - the pure line parsers (request line, status line, chunk
 * size), the sniffers and the tables: every method and target form, every
 * prefix of a valid line is DEC_INCOMPLETE, hostile bytes are DEC_INVALID
 * (picohttpparser test.c style)
 */
#include "testutil.h"

#define S(lit) lit, sizeof(lit) - 1

static void span_is(const char *what, const char *line, struct dec_span sp, const char *want)
{
    if (!want) {
        if (sp.len != 0)
            fail_msg("%s: %s is '%.*s', want none", line, what, (int)sp.len, line + sp.off);
        return;
    }
    if (sp.len != strlen(want) || memcmp(line + sp.off, want, sp.len) != 0)
        fail_msg("%s: %s is '%.*s', want '%s'", line, what, (int)sp.len, line + sp.off, want);
}

/* ------------------------------------------------------- request lines -- */

struct req_case {
    const char *line;
    size_t len;
    int rc;                  /* 0: the whole line */
    const char *method, *target, *version;
    int extra;
    bool loose, bad_target;  /* loose_space, bad_target */
};

static const struct req_case reqs[] = {
    {S("GET / HTTP/1.1\r\n"), 0, "GET", "/", "HTTP/1.1", 0, false, false},
    {S("POST /form HTTP/1.1\r\n"), 0, "POST", "/form", "HTTP/1.1", 0, false, false},
    {S("HEAD /index.html HTTP/1.0\r\n"), 0, "HEAD", "/index.html", "HTTP/1.0", 0, false, false},
    {S("PUT /files/a.txt HTTP/1.1\r\n"), 0, "PUT", "/files/a.txt", "HTTP/1.1", 0, false, false},
    {S("DELETE /files/a.txt HTTP/1.1\r\n"), 0, "DELETE", "/files/a.txt", "HTTP/1.1", 0, false, false},
    {S("CONNECT example.com:443 HTTP/1.1\r\n"), 0, "CONNECT", "example.com:443", "HTTP/1.1", 0, false, false},
    {S("CONNECT [::1]:8443 HTTP/1.1\r\n"), 0, "CONNECT", "[::1]:8443", "HTTP/1.1", 0, false, false},
    {S("OPTIONS * HTTP/1.1\r\n"), 0, "OPTIONS", "*", "HTTP/1.1", 0, false, false},
    {S("TRACE /x HTTP/1.1\r\n"), 0, "TRACE", "/x", "HTTP/1.1", 0, false, false},
    {S("PATCH /item/7 HTTP/1.1\r\n"), 0, "PATCH", "/item/7", "HTTP/1.1", 0, false, false},
    {S("PROPFIND /dav/ HTTP/1.1\r\n"), 0, "PROPFIND", "/dav/", "HTTP/1.1", 0, false, false},
    {S("M-SEARCH * HTTP/1.1\r\n"), 0, "M-SEARCH", "*", "HTTP/1.1", 0, false, false},
    {S("BREW /pot-1 HTCPCP/1.0\r\n"), 0, "BREW", "/pot-1", "HTCPCP/1.0", 0, false, false},
    {S("get /lower HTTP/1.1\r\n"), 0, "get", "/lower", "HTTP/1.1", 0, false, false},
    {S("X!#$%&'*+-.^_`|~9 / HTTP/1.1\r\n"), 0, "X!#$%&'*+-.^_`|~9", "/", "HTTP/1.1", 0, false, false},
    {S("GET http://example.com/a?b=c#d HTTP/1.1\r\n"), 0, "GET", "http://example.com/a?b=c#d",
     "HTTP/1.1", 0, false, false},
    {S("GET /q?x=%20&y=\xc3\xa9 HTTP/1.1\r\n"), 0, "GET", "/q?x=%20&y=\xc3\xa9", "HTTP/1.1", 0, false, false},
    {S("GET / HTTP/1.1\n"), 0, "GET", "/", "HTTP/1.1", 0, false, false},
    {S("GET /\r\n"), 0, "GET", "/", NULL, 0, false, false},
    {S("GET / HTTP/1.1 extra words\r\n"), 0, "GET", "/", "HTTP/1.1", 2, false, false},
    {S("GET / HTTP/1.1\r\nHost: a\r\n"), 16, "GET", "/", "HTTP/1.1", 0, false, false},
    /* RFC 9112 3: runs of whitespace split words, as servers read them (issue 13) */
    {S("GET  /a HTTP/1.1\r\n"), 0, "GET", "/a", "HTTP/1.1", 0, true, false},
    {S("GET                  /a HTTP/1.1\r\n"), 0, "GET", "/a", "HTTP/1.1", 0, true, false},
    {S("GET\t/ HTTP/1.1\r\n"), 0, "GET", "/", "HTTP/1.1", 0, true, false},
    {S("GET /  HTTP/1.1\r\n"), 0, "GET", "/", "HTTP/1.1", 0, true, false},
    {S("GET / HTTP/1.1 \r\n"), 0, "GET", "/", "HTTP/1.1", 0, true, false},
    {S("GET / \r\n"), 0, "GET", "/", NULL, 0, true, false},
    /* RFC 9112 3.2: targets of none of the four forms are requests all the same */
    {S("GET . HTTP/1.0\r\n"), 0, "GET", ".", "HTTP/1.0", 0, false, true},
    {S("POST .servlets/mms HTTP/1.1\r\n"), 0, "POST", ".servlets/mms", "HTTP/1.1", 0, false,
     true},
    {S("GET ?x=1 HTTP/1.1\r\n"), 0, "GET", "?x=1", "HTTP/1.1", 0, false, true},
    {S("GET * HTTP/1.1\r\n"), 0, "GET", "*", "HTTP/1.1", 0, false, false},
    {S("GET 1http://a/ HTTP/1.1\r\n"), 0, "GET", "1http://a/", "HTTP/1.1", 0, false, true},
    {S("GET a_b:c HTTP/1.1\r\n"), 0, "GET", "a_b:c", "HTTP/1.1", 0, false, true},
    {S("GET example.com HTTP/1.1\r\n"), 0, "GET", "example.com", "HTTP/1.1", 0, false, true},
    {S("GET x-y+z.w:1 HTTP/1.1\r\n"), 0, "GET", "x-y+z.w:1", "HTTP/1.1", 0, false, false},
    {S("CONNECT example.com HTTP/1.1\r\n"), 0, "CONNECT", "example.com", "HTTP/1.1", 0, false,
     true},
    {S("CONNECT example.com:https HTTP/1.1\r\n"), 0, "CONNECT", "example.com:https", "HTTP/1.1",
     0, false, false},  /* the syntax of an absolute-form: not flagged */
    {S("CONNECT :443 HTTP/1.1\r\n"), 0, "CONNECT", ":443", "HTTP/1.1", 0, false, true},
    {S("CONNECT [::1] HTTP/1.1\r\n"), 0, "CONNECT", "[::1]", "HTTP/1.1", 0, false, true},
};

static void test_request_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(reqs); i++) {
        const struct req_case *rc = &reqs[i];
        struct dec_reqline rl;
        int want = rc->rc ? rc->rc : (int)rc->len;
        int got = dec_parse_request_line((const uint8_t *)rc->line, rc->len, &rl);
        if (got != want)
            fail_msg("'%s': returned %d, want %d", rc->line, got, want);
        span_is("method", rc->line, rl.method, rc->method);
        span_is("target", rc->line, rl.target, rc->target);
        span_is("version", rc->line, rl.version, rc->version);
        assert_int_equal(rl.extra_parts, rc->extra);
        if (rl.loose_space != rc->loose || rl.bad_target != rc->bad_target)
            fail_msg("'%s': loose_space %d bad_target %d, want %d %d", rc->line, rl.loose_space,
                     rl.bad_target, rc->loose, rc->bad_target);
        /* every prefix without the LF is incomplete */
        const char *lf = memchr(rc->line, '\n', rc->len);
        size_t end = (size_t)(lf - rc->line);
        for (size_t k = 0; k <= end; k++) {
            uint8_t *copy = malloc(k ? k : 1);
            memcpy(copy, rc->line, k);
            int r = dec_parse_request_line(copy, k, &rl);
            free(copy);
            if (r != DEC_INCOMPLETE)
                fail_msg("'%s' cut at %zu: %d, want DEC_INCOMPLETE", rc->line, k, r);
        }
    }
}

struct bad_line {
    const char *line;
    size_t len;
};

static const struct bad_line bad_reqs[] = {
    {S("\r\n")},
    {S("\n")},
    {S(" GET / HTTP/1.1\r\n")},
    {S("GET\r\n")},
    {S("GET \r\n")},
    {S("GET \t \r\n")},
    {S("GE(T / HTTP/1.1\r\n")},
    {S("G\"ET / HTTP/1.1\r\n")},
    {S("\0GET / HTTP/1.1\r\n")},
    {S("GET /\0 HTTP/1.1\r\n")},
    {S("GET /\x01 HTTP/1.1\r\n")},
    {S("GET / HTTP/1.1\x7f\r\n")},
    {S("GET / HTTP/1.1\r\r\n")},
    {S("GET\v/ HTTP/1.1\r\n")},
    {S("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")},
    {S("GE\x80T / HTTP/1.1")},
    {S(" ")},
    {S("HTTP/1.1 200 OK\r\n")},  /* '/' is no token character */
};

static void test_request_hostile(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(bad_reqs); i++) {
        const struct bad_line *b = &bad_reqs[i];
        struct dec_reqline rl;
        uint8_t *copy = malloc(b->len);
        memcpy(copy, b->line, b->len);
        int r = dec_parse_request_line(copy, b->len, &rl);
        free(copy);
        if (r != DEC_INVALID)
            fail_msg("'%.*s': %d, want DEC_INVALID", (int)b->len, b->line, r);
    }
    /* a request line as long as there is memory: still one line */
    size_t n = 1 << 20;
    uint8_t *big = malloc(n);
    memcpy(big, "GET /", 5);
    memset(big + 5, 'a', n - 5);
    struct dec_reqline rl;
    assert_int_equal(dec_parse_request_line(big, n, &rl), DEC_INCOMPLETE);
    memcpy(big + n - 11, " HTTP/1.1\r\n", 11);
    assert_int_equal(dec_parse_request_line(big, n, &rl), (int)n);
    assert_int_equal(rl.target.len, n - 15);
    free(big);
}

/* -------------------------------------------------------- status lines -- */

struct status_case {
    const char *line;
    size_t len;
    int status;
    const char *version, *reason;
};

static const struct status_case statuses[] = {
    {S("HTTP/1.1 200 OK\r\n"), 200, "HTTP/1.1", "OK"},
    {S("HTTP/1.0 404 Not Found\r\n"), 404, "HTTP/1.0", "Not Found"},
    {S("HTTP/1.1 500 Internal Server Error\r\n"), 500, "HTTP/1.1", "Internal Server Error"},
    {S("HTTP/1.1 100 Continue\r\n"), 100, "HTTP/1.1", "Continue"},
    {S("HTTP/1.1 101 Switching Protocols\r\n"), 101, "HTTP/1.1", "Switching Protocols"},
    {S("HTTP/1.1 204\r\n"), 204, "HTTP/1.1", NULL},
    {S("HTTP/1.1 304 \r\n"), 304, "HTTP/1.1", NULL},
    {S("HTTP/1.1 200 OK\n"), 200, "HTTP/1.1", "OK"},
    {S("HTTP/2 200 OK\r\n"), 200, "HTTP/2", "OK"},
    {S("HTTP/1.1 999 Whatever\r\n"), 999, "HTTP/1.1", "Whatever"},
    {S("HTTP/1.1 200 caf\xc3\xa9  two  spaces\r\n"), 200, "HTTP/1.1", "caf\xc3\xa9  two  spaces"},
    {S("HTTP/1.1 007 Bond\r\n"), 7, "HTTP/1.1", "Bond"},
};

static void test_status_lines(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(statuses); i++) {
        const struct status_case *sc = &statuses[i];
        struct dec_statusline sl;
        int got = dec_parse_status_line((const uint8_t *)sc->line, sc->len, &sl);
        if (got != (int)sc->len)
            fail_msg("'%s': returned %d", sc->line, got);
        assert_int_equal(sl.status, sc->status);
        span_is("version", sc->line, sl.version, sc->version);
        span_is("reason", sc->line, sl.reason, sc->reason);
        assert_int_equal(sl.code.len, 3);
        for (size_t k = 0; k < sc->len; k++) {
            uint8_t *copy = malloc(k ? k : 1);
            memcpy(copy, sc->line, k);
            int r = dec_parse_status_line(copy, k, &sl);
            free(copy);
            if (r != DEC_INCOMPLETE)
                fail_msg("'%s' cut at %zu: %d, want DEC_INCOMPLETE", sc->line, k, r);
        }
    }
}

static const struct bad_line bad_statuses[] = {
    {S("HTTP/1.1\r\n")},
    {S("HTTP/1.1 \r\n")},
    {S("HTTP/1.1 OK\r\n")},
    {S("HTTP/1.1  200 OK\r\n")},
    {S("HTTP/1.1 2x0 OK\r\n")},
    {S("HTTP/1.1 -1 Negative\r\n")},
    {S("HTTP/1.1 1234567890 Long\r\n")},
    {S("HTTP/1.1 200 OK\x01\r\n")},
    {S("HTTP/1.1 200 O\0K\r\n")},
    {S("HTTP/1.1\x7f 200 OK\r\n")},
    {S("HTTX/1.1 200 OK\r\n")},
    {S("http/1.1 200 OK\r\n")},
    {S("GET / HTTP/1.1\r\n")},
    {S("HTTQ")},
    {S("X")},
    {S("\r\n")},
    {S("HTTP\n")},
};

static void test_status_hostile(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(bad_statuses); i++) {
        const struct bad_line *b = &bad_statuses[i];
        struct dec_statusline sl;
        uint8_t *copy = malloc(b->len);
        memcpy(copy, b->line, b->len);
        int r = dec_parse_status_line(copy, b->len, &sl);
        free(copy);
        if (r != DEC_INVALID)
            fail_msg("'%.*s': %d, want DEC_INVALID", (int)b->len, b->line, r);
    }
}

/* ---------------------------------------------------------- chunk sizes -- */

struct chunk_case {
    const char *line;
    size_t len;
    int rc;                  /* 0: the whole line */
    uint64_t size;
};

static const struct chunk_case chunks[] = {
    {S("0\r\n"), 0, 0},
    {S("1\r\n"), 0, 1},
    {S("1a\r\n"), 0, 26},
    {S("1A\r\n"), 0, 26},
    {S("FFFF\r\n"), 0, 65535},
    {S("00000000000000000000000000000000a\r\n"), 0, 10},
    {S("a;name=value\r\n"), 0, 10},
    {S("a;name=\"quoted;value\"\r\n"), 0, 10},
    {S("a ; ext\r\n"), 0, 10},
    {S("a\t;ext\r\n"), 0, 10},
    {S("10;a=b;c\r\n"), 0, 16},
    {S("5\n"), 0, 5},
    {S("5 \r\n"), 0, 5},
    {S("  5\r\n"), 0, 5},
    {S("3fffffffffffffff\r\n"), 0, 0x3fffffffffffffffULL},
    {S("7\r\nabcdefg\r\n"), 3, 7},
};

static void test_chunk_sizes(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(chunks); i++) {
        const struct chunk_case *cc = &chunks[i];
        uint64_t size = 12345;
        int want = cc->rc ? cc->rc : (int)cc->len;
        int got = dec_parse_chunk_size((const uint8_t *)cc->line, cc->len, &size);
        if (got != want || size != cc->size)
            fail_msg("'%s': %d size %llu, want %d %llu", cc->line, got, (unsigned long long)size,
                     want, (unsigned long long)cc->size);
        const char *lf = memchr(cc->line, '\n', cc->len);
        for (size_t k = 0; k <= (size_t)(lf - cc->line); k++) {
            uint8_t *copy = malloc(k ? k : 1);
            memcpy(copy, cc->line, k);
            int r = dec_parse_chunk_size(copy, k, &size);
            free(copy);
            if (r != DEC_INCOMPLETE)
                fail_msg("'%s' cut at %zu: %d", cc->line, k, r);
        }
    }
}

static const struct bad_line bad_chunks[] = {
    {S("\r\n")},
    {S(";ext\r\n")},
    {S("-1\r\n")},
    {S("+5\r\n")},
    {S("x\r\n")},
    {S("0x10\r\n")},
    {S("5 x\r\n")},
    {S("5x\r\n")},
    {S("4000000000000000\r\n")},
    {S("ffffffffffffffff\r\n")},
    {S("1ffffffffffffffff\r\n")},
    {S("fffffffffffffffffffffffffffffffffff\r\n")},
    {S("5\0\r\n")},
};

static void test_chunk_hostile(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(bad_chunks); i++) {
        const struct bad_line *b = &bad_chunks[i];
        uint64_t size = 777;
        uint8_t *copy = malloc(b->len);
        memcpy(copy, b->line, b->len);
        int r = dec_parse_chunk_size(copy, b->len, &size);
        free(copy);
        if (r != DEC_INVALID)
            fail_msg("'%.*s': %d, want DEC_INVALID", (int)b->len, b->line, r);
        assert_int_equal(size, 777);
    }
    /* a line without its LF: incomplete up to 4096 bytes, then invalid */
    uint8_t line[5000];
    memset(line, '0', sizeof line);
    uint64_t size;
    assert_int_equal(dec_parse_chunk_size(line, 4096, &size), DEC_INCOMPLETE);
    assert_int_equal(dec_parse_chunk_size(line, 4097, &size), DEC_INVALID);
}

/* ------------------------------------------------------------ sniffers -- */

struct sniff_case {
    const char *buf;
    size_t len;
    bool request, response, tls;
};

static const struct sniff_case sniffs[] = {
    {S("GET / HTTP/1.1\r\n"), true, false, false},
    {S("GET "), true, false, false},
    {S("GET /"), true, false, false},
    {S("M-SEARCH * HTTP/1.1"), true, false, false},
    {S("CONNECT [::1]:443 HTTP/1.1"), true, false, false},
    {S("OPTIONS * HTTP/1.1"), true, false, false},
    {S("GET http://x/ HTTP/1.1"), true, false, false},
    {S("A_B c"), true, false, false},
    {S("ABCDEFGHIJKLMNOPQRSTUVW /"), true, false, false},   /* 23 letters */
    {S("ABCDEFGHIJKLMNOPQRSTUVWXYZ /"), false, false, false},
    {S("get / HTTP/1.1"), false, false, false},
    {S("GET \x01"), false, false, false},
    {S("GET  /"), true, false, false},        /* runs of whitespace (issue 13) */
    {S("GET\t\t"), true, false, false},
    {S("GET . HTTP/1.0"), true, false, false},  /* any target's first byte (issue 13) */
    {S("POST .servlets/mms HTTP/1.1"), true, false, false},
    {S("GET  \x01"), false, false, false},
    {S("GET \x80"), false, false, false},
    {S(" GET /"), false, false, false},
    {S("EHLO mail.example.com"), true, false, false},
    {S("HTTP/1.1 200 OK\r\n"), false, true, false},
    {S("HTTP/"), false, true, false},
    {S("HTT"), false, true, false},
    {S("H"), false, true, false},
    {S("HTTP/x"), false, false, false},
    {S("http/1.1 200"), false, false, false},
    {S("HTTPS"), false, false, false},
    {S(""), false, false, false},
    {S("\x16"), false, false, true},
    {S("\x16\x03"), false, false, true},
    {S("\x16\x03\x01\x02\x00"), false, false, true},
    {S("\x16\x03\x04"), false, false, true},
    {S("\x16\x03\x05"), false, false, false},
    {S("\x16\x02\x01"), false, false, false},
    {S("\x17\x03\x03\x00\x10"), false, false, false},
    {S("SSH-2.0-OpenSSH_9.2\r\n"), false, false, false},
};

static void test_sniffers(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(sniffs); i++) {
        const struct sniff_case *sc = &sniffs[i];
        uint8_t *copy = malloc(sc->len ? sc->len : 1);
        memcpy(copy, sc->buf, sc->len);
        bool q = dec_looks_like_request(copy, sc->len);
        bool r = dec_looks_like_response(copy, sc->len);
        bool t = dec_looks_like_tls(copy, sc->len);
        free(copy);
        if (q != sc->request || r != sc->response || t != sc->tls)
            fail_msg("'%.*s': request %d response %d tls %d, want %d %d %d", (int)sc->len, sc->buf,
                     q, r, t, sc->request, sc->response, sc->tls);
    }
}

/* -------------------------------------------------------------- tables -- */

static void test_tables(void **state)
{
    (void)state;
    static const struct {
        enum dec_stage_kind k;
        const char *name;
        int step;
    } st[] = {
        {DEC_STAGE_HANDSHAKE, "handshake", 1},
        {DEC_STAGE_REQUEST_LINE, "request_line", 2},
        {DEC_STAGE_REQUEST_HEADERS, "request_headers", 3},
        {DEC_STAGE_REQUEST_BLANK_LINE, "request_blank_line", 3},
        {DEC_STAGE_REQUEST_BODY, "request_body", 3},
        {DEC_STAGE_STATUS_LINE, "status_line", 4},
        {DEC_STAGE_RESPONSE_HEADERS, "response_headers", 5},
        {DEC_STAGE_RESPONSE_BLANK_LINE, "response_blank_line", 6},
        {DEC_STAGE_RESPONSE_BODY, "response_body", 6},
        {DEC_STAGE_TUNNEL, "tunnel", 6},
        {DEC_STAGE_CLOSE, "close", 7},
        {DEC_STAGE_KEEP_ALIVE, "keep_alive", 7},
        {DEC_STAGE_TLS_CLIENT_HELLO, "tls_client_hello", 1},
        {DEC_STAGE_TLS_SERVER_HELLO, "tls_server_hello", 1},
        {DEC_STAGE_TLS_CLIENT_FINISHED, "tls_client_finished", 1},
        {DEC_STAGE_ENCRYPTED, "encrypted", -1},
        {DEC_STAGE_H2_PREFACE, "h2_preface", 1},
        {DEC_STAGE_H2_SETTINGS, "h2_settings", 1},
        {DEC_STAGE_PUSH_PROMISE, "push_promise", 6},
        {DEC_STAGE_STREAM_END, "stream_end", 7},
        {DEC_STAGE_GOAWAY, "goaway", 7},
        {DEC_STAGE_SOCKS, "socks", 1},
        {DEC_STAGE_DNS_LOOKUP, "dns_lookup", 0},
    };
    assert_int_equal(NELEM(st), DEC_STAGE_COUNT);
    for (size_t i = 0; i < NELEM(st); i++) {
        assert_string_equal(dec_stage_name(st[i].k), st[i].name);
        assert_int_equal(dec_stage_step(st[i].k), st[i].step);
        assert_int_equal(dec_stage_by_name(st[i].name), st[i].k);
    }
    assert_int_equal(dec_stage_by_name("nope"), DEC_STAGE_COUNT);
    assert_string_equal(dec_stage_name(DEC_STAGE_COUNT), "unknown");
    assert_int_equal(dec_stage_step((enum dec_stage_kind)-1), 0);

    static const char *const notes[] = {"retransmission", "out_of_order", "gap", "truncated",
                                        "no_handshake", "limit", "malformed_packet", "fragment",
                                        "stray_segment", "tunnel", "ipsec_encrypted",
                                        "malformed_http", "not_http", "tls", "decode_error",
                                        "incomplete", "tls_no_keys", "tls_decrypt_error",
                                        "tls_unsupported", "malformed_tls", "malformed_h2",
                                        "malformed_dns", "socks"};
    assert_int_equal(NELEM(notes), DEC_NOTE_COUNT);
    for (size_t i = 0; i < NELEM(notes); i++) {
        assert_string_equal(dec_note_name((enum dec_note_kind)i), notes[i]);
        if (i < TR_NOTE_COUNT)
            assert_string_equal(tr_note_name((enum tr_note_kind)i), notes[i]);
    }
    assert_string_equal(dec_note_name(DEC_NOTE_COUNT), "unknown");
    assert_string_equal(tr_note_name(TR_NOTE_COUNT), "unknown");

    assert_null(dec_framing_name(DEC_FRAMING_NONE));
    assert_string_equal(dec_framing_name(DEC_FRAMING_LENGTH), "content-length");
    assert_string_equal(dec_framing_name(DEC_FRAMING_CHUNKED), "chunked");
    assert_string_equal(dec_framing_name(DEC_FRAMING_CLOSE), "close");
    assert_string_equal(dec_framing_name(DEC_FRAMING_H2), "h2");

    assert_string_equal(dec_tls_version_name(0x0303), "TLS 1.2");
    assert_string_equal(dec_tls_version_name(0x0304), "TLS 1.3");
    assert_string_equal(dec_tls_version_name(0x0300), "SSL 3.0");
    assert_null(dec_tls_version_name(0x0305));
    assert_null(dec_tls_version_name(0x7f1c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_lines),
        cmocka_unit_test(test_request_hostile),
        cmocka_unit_test(test_status_lines),
        cmocka_unit_test(test_status_hostile),
        cmocka_unit_test(test_chunk_sizes),
        cmocka_unit_test(test_chunk_hostile),
        cmocka_unit_test(test_sniffers),
        cmocka_unit_test(test_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
