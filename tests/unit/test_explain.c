/* test_explain.c - the learner texts of teach/explain.c: every stage of every
 * bundled capture gets one, with this exchange's real values in it; every
 * status code of IANA's registry, every method, target form, header and note
 * kind has its own text
 *
 *   build/tests/test_explain                 run the tests (from the top directory)
 *   build/tests/test_explain --dump FILE     print every stage's text of FILE
 *       (in the language of the locale; HTTPSTEP_LOCALEDIR names the
 *       directory holding <lang>/LC_MESSAGES/httpstep.mo; HTTPSTEP_KEYLOG a
 *       key log of its TLS secrets)
 *
 * Longer than 800 lines: a test file (each stage kind's text in two languages,
 * checked against the facts of real captures).
 */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700  /* wcswidth */
#endif
#include "testutil.h"

#include "../../teach/teach.h"
#include "../../decode/decode_int.h"

#include <libintl.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ------------------------------------------------------------ loading -- */

/* every connection of a capture, recorded as the UI records the one it shows */
struct loaded {
    struct dec_record *conns;  /* one record per connection, in id order */
    size_t nconns;
    uint64_t ids[256];         /* their numbers */
};

/* the key log the next loads read (TLS secrets), or NULL */
static const char *keylog;

static void run_capture(const char *path, const struct dec_sink *ds)
{
    char err[TR_ERRBUF_SIZE];
    struct dec_pipeline_opts po = {.file = path, .preview = 64 << 10, .decode_content = true,
                                   .keylogs = keylog ? &keylog : NULL, .nkeylogs = keylog != NULL};
    struct dec_pipeline *p;
    if (dec_pipeline_open(&p, &po, ds, err) != DEC_PIPE_OK)
        fail_msg("%s", err);
    while (dec_pipeline_next(p) == DEC_PIPE_FRAME)
        ;
    dec_pipeline_close(p);
}

static void count_conn(void *ctx, struct dec_conn *c)
{
    struct loaded *l = ctx;
    assert_true(l->nconns < 256);
    l->ids[l->nconns++] = c->id;
}

/* one pass to count the connections, then one per connection, as the UI
 * reads a connection's details */
static void load(const char *path, struct loaded *l)
{
    memset(l, 0, sizeof *l);
    struct dec_sink ds = {.ctx = l, .on_conn = count_conn};
    run_capture(path, &ds);
    l->conns = calloc(l->nconns ? l->nconns : 1, sizeof *l->conns);
    for (size_t i = 0; i < l->nconns; i++) {
        struct dec_record *d = &l->conns[i];
        dec_record_init(d, l->ids[i]);
        dec_record_sink(d, &ds);
        run_capture(path, &ds);
        dec_record_link(d);
    }
}

static void unload(struct loaded *l)
{
    for (size_t i = 0; i < l->nconns; i++)
        dec_record_free(&l->conns[i]);
    free(l->conns);
}

static char *explain(const struct dec_record *d, int stage)
{
    struct tr_sbuf b = {0};
    teach_explain(d, stage, &b);
    return tr_sb_take(&b);
}

/* the text of the n-th stage of a kind (counting from 0) on connection conn */
static char *explain_nth(const struct loaded *l, size_t conn, enum dec_stage_kind kind, int n)
{
    assert_true(conn < l->nconns);
    const struct dec_record *d = &l->conns[conn];
    for (size_t k = 0; k < d->nstgs; k++)
        if (d->stgs[k]->kind == kind && n-- == 0)
            return explain(d, (int)k);
    fail_msg("no stage %s number %d on connection %zu", dec_stage_name(kind), n, conn + 1);
    return NULL;
}

static void expect_in(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("expected \"%s\" in:\n%s", want, text);
}

static void expect_stage(const struct loaded *l, size_t conn, enum dec_stage_kind kind, int n,
                         const char *const *wants)
{
    char *t = explain_nth(l, conn, kind, n);
    for (; *wants; wants++)
        expect_in(t, *wants);
    free(t);
}

#define EXPECT(l, conn, kind, n, ...)                                                          \
    expect_stage(l, conn, kind, n, (const char *const[]){__VA_ARGS__, NULL})

/* ------------------------------------------------------ every sample -- */

static const char *const captures[] = {
    "samples/01-classic-get.pcap",     "samples/02-keep-alive.pcap",
    "samples/03-browser-page.pcapng",  "samples/04-login-form.pcap",
    "samples/05-file-upload.pcap",     "samples/06-expect-100-continue.pcap",
    "samples/07-gzip-chunked.pcap",    "samples/08-status-codes.pcap",
    "samples/09-methods.pcap",         "samples/10-pipelining.pcap",
    "samples/11-http10.pcap",          "samples/12-lossy-network.pcap",
    "samples/13-https.pcap",           "samples/14-large-download.pcap",
    "samples/15-https-decrypted.pcapng", "samples/16-http2.pcapng",
    "samples/17-dns-lookup.pcap",      "samples/18-dns-nxdomain.pcap",
    "tests/data/dns/dns-retry.pcap",   "tests/data/dns/dns-curl.pcap",
    "tests/data/midstream.pcap",       "tests/data/not-http.pcap",
    "tests/data/port-reuse.pcap",      "tests/data/rst-close.pcap",
    "tests/data/snaplen-96.pcap",      "tests/data/v6-post-chunked.pcap",
    "tests/data/socks5.pcap",          "tests/data/socks4a.pcap",
    NULL
};

static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = dec_utf8_len(p + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

/* the titles of the note kinds, in the order of DEC_NOTE_LIST */
static const char *const note_titles[DEC_NOTE_COUNT] = {
    "Retransmission", "Out of order", "Gap", "Truncated", "No handshake", "Limit",
    "Malformed packet", "IP fragment", "Stray segment", "Tunnel", "IPsec ESP", "Malformed HTTP", "Not HTTP", "TLS",
    "Decoding error", "Incomplete", "No TLS keys", "TLS decryption failed", "TLS not supported",
    "Malformed TLS", "Malformed HTTP/2", "Malformed DNS", "SOCKS proxy",
};

static void test_every_stage(void **state)
{
    (void)state;
    size_t stages = 0;
    for (const char *const *c = captures; *c; c++) {
        struct loaded l;
        load(*c, &l);
        assert_true(l.nconns > 0);
        for (size_t i = 0; i < l.nconns; i++) {
            const struct dec_record *d = &l.conns[i];
            assert_true(d->nstgs > 0);
            bool said[DEC_NOTE_COUNT] = {false};
            for (size_t k = 0; k < d->nstgs; k++) {
                char *t = explain(d, (int)k);
                if (strlen(t) < 60 || strstr(t, "(null)") || !valid_utf8(t) ||
                    strstr(t, "\n\n\n") || t[strlen(t) - 1] == '\n')
                    fail_msg("%s, connection %zu, stage %zu (%s): a poor text:\n%s", *c, i + 1, k,
                             dec_stage_name(d->stgs[k]->kind), t);
                for (int n = 0; n < DEC_NOTE_COUNT; n++) {
                    char want[64];
                    snprintf(want, sizeof want, "%s, ", note_titles[n]);
                    said[n] |= strstr(t, want) != NULL;
                }
                free(t);
                stages++;
            }
            for (size_t n = 0; n < d->nnotes; n++)  /* every note is told by some stage */
                if (!said[d->notes[n]->kind])
                    fail_msg("%s, connection %zu: no stage tells the %s note of frame %llu", *c,
                             i + 1, dec_note_name(d->notes[n]->kind),
                             (unsigned long long)d->notes[n]->frame);
        }
        unload(&l);
    }
    assert_true(stages > 300);
}

/* the answer in view: the first paragraph holds the stage's own values;
 * one numbering: the lesson names the stage's number (teach_stage_number)
 * and no other */
static void check_lead(const struct dec_record *d, size_t k, const char *t, const char *file)
{
    const struct dec_stage *s = d->stgs[k];
    const char *end = strstr(t, "\n\n");
    size_t n = end ? (size_t)(end - t) : strlen(t);
    char *first = strndup(t, n);
    char want[3][128] = {"", "", ""};
    const struct dec_msg *m = s->msg;
    switch (s->kind) {
    case DEC_STAGE_HANDSHAKE:
        snprintf(want[0], sizeof want[0], d->tc.syn_seen ? "SYN in frame %llu" : "frame %llu",
                 (unsigned long long)(d->tc.syn_seen ? d->tc.hs_frames[0] : d->tc.first_frame));
        snprintf(want[1], sizeof want[1], ":%u", d->tc.server.port);
        break;
    case DEC_STAGE_REQUEST_LINE:
        snprintf(want[0], sizeof want[0], "%.*s %.*s", (int)m->method.len, m->method.p,
                 (int)(m->target.len < 60 ? m->target.len : 60), m->target.p);
        break;
    case DEC_STAGE_STATUS_LINE:
        snprintf(want[0], sizeof want[0], " %d ", m->status);
        break;
    case DEC_STAGE_REQUEST_HEADERS:
    case DEC_STAGE_RESPONSE_HEADERS:
        if (m->nheaders)
            snprintf(want[0], sizeof want[0], "%zu header", m->nheaders);
        else
            snprintf(want[0], sizeof want[0], "No header");
        break;
    case DEC_STAGE_REQUEST_BLANK_LINE:
    case DEC_STAGE_RESPONSE_BLANK_LINE:
        snprintf(want[0], sizeof want[0], "frame %llu", (unsigned long long)s->frames[0]);
        snprintf(want[1], sizeof want[1], s->length == 1 ? "0a" : "0d 0a");
        break;
    case DEC_STAGE_REQUEST_BODY:
    case DEC_STAGE_RESPONSE_BODY:
        snprintf(want[0], sizeof want[0], "%llu bytes", (unsigned long long)m->body_length);
        snprintf(want[1], sizeof want[1], "%llu", (unsigned long long)s->frames[0]);
        break;
    case DEC_STAGE_TUNNEL:
        snprintf(want[0], sizeof want[0], "%llu bytes", (unsigned long long)s->length);
        break;
    case DEC_STAGE_KEEP_ALIVE:
        snprintf(want[0], sizeof want[0], "After exchange %lld", (long long)s->exchange + 1);
        break;
    case DEC_STAGE_CLOSE:
        snprintf(want[0], sizeof want[0],
                 s->how == TR_CLOSE_FIN || s->how == TR_CLOSE_RST ? "frame %llu" : "frame",
                 (unsigned long long)(s->nframes ? s->frames[0] : 0));
        break;
    default:
        break;
    }
    for (int i = 0; i < 3; i++)
        if (want[i][0] && !strstr(first, want[i]))
            fail_msg("%s, stage %zu (%s): its first paragraph lacks \"%s\":\n%s", file, k,
                     dec_stage_name(s->kind), want[i], first);
    free(first);
    /* "Step N" names this stage's number; other steps only in lower case */
    const char *num = teach_stage_number(s->kind);
    for (const char *p = strstr(t, "Step "); p; p = strstr(p + 1, "Step ")) {
        size_t k2 = strlen(num);
        if (strncmp(p + 5, num, k2) != 0 || (p[5 + k2] >= 'a' && p[5 + k2] <= 'z'))
            fail_msg("%s, stage %zu (%s): \"%.8s\" but its number is %s:\n%s", file, k,
                     dec_stage_name(s->kind), p, num, t);
    }
}

static void test_lead_and_numbers(void **state)
{
    (void)state;
    for (const char *const *c = captures; *c; c++) {
        struct loaded l;
        load(*c, &l);
        for (size_t i = 0; i < l.nconns; i++)
            for (size_t k = 0; k < l.conns[i].nstgs; k++) {
                char *t = explain(&l.conns[i], (int)k);
                check_lead(&l.conns[i], k, t, *c);
                free(t);
            }
        unload(&l);
    }
}

static void test_classic_get(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/01-classic-get.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_HANDSHAKE, 0, "127.0.0.1:58246", "127.0.0.1:80", "0.035 ms",
           "SYN (frame 1)", "SYN-ACK (frame 2)", "ACK (frame 3)", "Why three packets");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "GET / HTTP/1.1", "origin-form", "HTTP/1.1");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_HEADERS, 0, "Host: localhost.", "User-Agent: curl/7.88.1.",
           "Connection: close.");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_BLANK_LINE, 0, "CR LF CR LF", "No body follows");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 0, "HTTP/1.1 200 OK", "200 OK: the request GET /");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BODY, 0, "100 bytes", "text/html", "<!DOCTYPE html>");
    EXPECT(&l, 0, DEC_STAGE_CLOSE, 0, "the server began",
           "frame 10: the server's FIN; frame 11: the client's FIN, with its ACK of the server's "
           "FIN",
           "Connection: close");
    unload(&l);
}

static void test_keep_alive(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/02-keep-alive.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_HANDSHAKE, 0, "[::1]:48510", "[::1]:80");
    EXPECT(&l, 0, DEC_STAGE_KEEP_ALIVE, 0, "The server said so in its response",
           "the next request, GET /style.css, comes 0.233 ms later on it");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 1, "request number 2 on this connection");
    unload(&l);
}

static void test_browser(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/03-browser-page.pcapng", &l);
    bool png = false, favicon = false, referer = false;
    for (size_t i = 0; i < l.nconns; i++) {
        const struct dec_record *d = &l.conns[i];
        for (size_t k = 0; k < d->nstgs; k++) {
            char *t = explain(d, (int)k);
            png |= strstr(t, "89 50 4e 47 0d 0a 1a 0a") && strstr(t, "pixels");
            favicon |= d->stgs[k]->kind == DEC_STAGE_STATUS_LINE && strstr(t, "/favicon.ico");
            referer |= strstr(t, "Referer: http://class.example/page.html.") != NULL;
            free(t);
        }
    }
    assert_true(png);
    assert_true(favicon);
    assert_true(referer);
    unload(&l);
}

static void test_login_form(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/04-login-form.pcap", &l);
    assert_int_equal(l.nconns, 3);
    EXPECT(&l, 1, DEC_STAGE_REQUEST_LINE, 0, "POST /login HTTP/1.1", "POST sends data");
    EXPECT(&l, 1, DEC_STAGE_REQUEST_BODY, 0, "application/x-www-form-urlencoded",
           "2 fields", "username = jinqiao", "password = 1234", "The field password is a password",
           "clear text");
    EXPECT(&l, 2, DEC_STAGE_REQUEST_LINE, 0, "query string", "2 parameters",
           "username = jinqiao", "password = 1234", "it is in the URL");
    EXPECT(&l, 0, DEC_STAGE_KEEP_ALIVE, 0, "HTTP/1.1 connections are persistent by default");
    EXPECT(&l, 0, DEC_STAGE_CLOSE, 0, "the client began", "no more requests");
    unload(&l);
}

static void test_upload(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/05-file-upload.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_HEADERS, 0, "boundary ------------------------900b9e93a8e66735",
           "Host: localhost:8080.");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_BODY, 0, "multipart/form-data",
           "Part 1: the field student = jinqiao",
           "Part 2: the file notes.txt in the field homework, Content-Type text/plain, 81 bytes");
    unload(&l);
}

static void test_expect_continue(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/06-expect-100-continue.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_HEADERS, 0, "Expect: 100-continue.");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 0, "100 Continue, an interim response",
           "Expect: 100-continue", "interim (1xx)");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_HEADERS, 0, "interim response has no headers");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BLANK_LINE, 0, "interim 100 response");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_BODY, 0, "3040 bytes", "held this body back");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 1, "201 Created", "/homework/essay.txt",
           "1 interim response (100)");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "PUT asks the server to store", "/homework/essay.txt");
    unload(&l);
}

static void test_gzip_chunked(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/07-gzip-chunked.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BODY, 0, "in 1 chunk of data", "1497 bytes of content",
           "reads 5d9: hexadecimal for 1497 bytes", "decompressed they are 3283 bytes", "46%",
           "1f 8b", "<!DOCTYPE html>");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_HEADERS, 0, "Transfer-Encoding: chunked.",
           "Content-Encoding: gzip.", "W/ marks a weak tag");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BLANK_LINE, 0, "in chunks");
    unload(&l);
}

static void test_status_codes(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/08-status-codes.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 0, "301 Moved Permanently", "http://localhost/temp",
           "3xx");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 1, "302 Found", "http://localhost/index.html",
           "reason phrase \"Moved Temporarily\" differs from the registry's \"Found\"");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 3, "304 Not Modified",
           "(If-Modified-Since: Mon, 02 Sep 2024 08:00:00 GMT)", "loads from cache");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BLANK_LINE, 3, "a 304 response never has one");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_HEADERS, 3,
           "If-Modified-Since: Mon, 02 Sep 2024 08:00:00 GMT.");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 4, "401 Unauthorized", "Basic realm=\"Teachers only\"");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_HEADERS, 5, "Basic dGVhY2hlcjpjaGFsaw==",
           "the user is teacher and the password is chalk", "not encryption");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 6, "403 Forbidden", "/secret");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 7, "404 Not Found", "/missing.html");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 8, "503 Service Unavailable", "GET /busy");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 9, "500 Internal Server Error", "GET /error", "5xx");
    EXPECT(&l, 0, DEC_STAGE_CLOSE, 0, "the server began",
           "the last response said Connection: close");
    unload(&l);
}

static void test_methods(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/09-methods.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "HEAD asks for /hello.txt");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BLANK_LINE, 0, "answer to a HEAD request");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_HEADERS, 0, "Content-Length: 13.", "size the body would have");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 1, "OPTIONS asks", "asterisk-form");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 4, "DELETE asks the server to remove",
           "/homework/notes.txt");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 4, "204 No Content");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 5, "TRACE asks");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BODY, 2, "message/http", "TRACE / HTTP/1.1");
    EXPECT(&l, 1, DEC_STAGE_REQUEST_LINE, 0, "CONNECT asks a proxy", "localhost:80",
           "authority-form");
    EXPECT(&l, 1, DEC_STAGE_TUNNEL, 0, "after answering 200 to CONNECT localhost:80",
           "82 bytes from the client to the server through the tunnel, in frame 39",
           "plain HTTP (it begins GET /hello.txt HTTP/1.1)");
    EXPECT(&l, 1, DEC_STAGE_TUNNEL, 1, "155 bytes from the server to the client");
    unload(&l);
}

static void test_pipelining_http10_lossy(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/10-pipelining.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 1, "pipelining");
    unload(&l);
    load("samples/11-http10.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "HTTP/1.0 (1996)");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 0, "answers in HTTP/1.0");
    EXPECT(&l, 2, DEC_STAGE_RESPONSE_BODY, 0, "image/png", "89 50 4e 47", "pixels");
    unload(&l);
    load("samples/12-lossy-network.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_HANDSHAKE, 0, "10.399 ms", "10.80.0.2:50218");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BODY, 0, "119847 bytes", "Retransmission, 9 notes",
           "Out of order, 4 notes", "frames 54, 66, 73",  /* frame 26: a late original (TSval) */
           "frames 16, 26, 116, 126");
    unload(&l);
}

static void test_https(void **state)
{
    (void)state;
    struct loaded l;
    load("samples/13-https.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_HANDSHAKE, 0, "port 443 speaks TLS", "SNI: class.example", "TLS 1.3",
           "What it cannot see");
    /* tshark -Y tls: frame 4 the ClientHello (512 bytes after its 5-byte
     * header) for class.example; frame 6 the ServerHello (0x1302), then a
     * change_cipher_spec and 4 records of 42+449+96+69 bytes; frames 8-9
     * the client's change_cipher_spec and records of 69 and 94 bytes */
    EXPECT(&l, 0, DEC_STAGE_TLS_CLIENT_HELLO, 0, "ClientHello, 517 bytes in frame 4",
           "server name (SNI) class.example", "(ALPN) http/1.1", "TLS, frame 4",
           "class.example, in the SNI extension");
    EXPECT(&l, 0, DEC_STAGE_TLS_SERVER_HELLO, 0, "version TLS 1.3",
           "cipher suite TLS_AES_256_GCM_SHA384", "without those secrets httpstep cannot read",
           "No TLS keys, frame 6", "AES_256_GCM", "SHA384");
    EXPECT(&l, 0, DEC_STAGE_ENCRYPTED, 0,
           "676 bytes from the server to the client in 4 TLS records, in frame 6",
           "what an eavesdropper sees", "SSLKEYLOGFILE");
    EXPECT(&l, 0, DEC_STAGE_ENCRYPTED, 1,
           "179 bytes from the client to the server in 3 TLS records, in frames 8-9",
           "Why httpstep cannot read them: it has no key for this TLS session");
    EXPECT(&l, 0, DEC_STAGE_CLOSE, 0, "SNI: class.example");
    unload(&l);
    load("samples/14-large-download.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BODY, 0, "Content-Length announced");
    unload(&l);
}

/* ------------------------------------------------------------ step 0 -- */

/* the dns lines of a capture (references) */
struct lookups {
    const struct dec_dns_line *l[32];
    size_t n;
};

static void keep_lookup(void *ctx, const struct dec_dns_line *d)
{
    struct lookups *k = ctx;
    if (k->n < 32)
        k->l[k->n++] = dec_dns_line_ref(d);
}

static void load_lookups(const char *path, struct lookups *k)
{
    memset(k, 0, sizeof *k);
    struct dec_sink ds = {.ctx = k, .on_dns = keep_lookup};
    char err[TR_ERRBUF_SIZE];
    struct dec_pipeline_opts po = {.file = path};
    struct dec_pipeline *p;
    if (dec_pipeline_open(&p, &po, &ds, err) != DEC_PIPE_OK)
        fail_msg("%s", err);
    while (dec_pipeline_next(p) == DEC_PIPE_FRAME)
        ;
    dec_pipeline_close(p);
}

static void unload_lookups(struct lookups *k)
{
    for (size_t i = 0; i < k->n; i++)
        dec_dns_line_unref(k->l[i]);
}

static void test_dns_lookup(void **state)
{
    (void)state;
    struct loaded l;
    /* 17: curl asked dnsmasq for www.lesson.test (A, then AAAA), then connected */
    load("samples/17-dns-lookup.pcap", &l);
    assert_int_equal(l.conns[0].stgs[0]->kind, DEC_STAGE_DNS_LOOKUP);
    assert_int_equal(l.conns[0].stgs[1]->kind, DEC_STAGE_HANDSHAKE);
    assert_string_equal(teach_stage_number(l.conns[0].stgs[0]->kind), "0");
    EXPECT(&l, 0, DEC_STAGE_DNS_LOOKUP, 0,
           "www.lesson.test A? 10.77.1.1 (TTL 300 s), from 10.77.1.53 in ", "(frames 1, 2)",
           "Step 0: before it can open a TCP connection, the client 10.77.1.2",
           "a name, www.lesson.test (from the URL)", "resolver, 10.77.1.53",
           "with the address: 10.77.1.1, the server of this connection",
           "one small UDP datagram to port 53 (frame 1)", "an ID, 45792,",
           "the type A, which asks for an IPv4 address", "from port 43421",
           "The answer (frame 2) came ", "TTL (time to live) 300: for 5 minutes",
           "A visit to www.lesson.test within that time");
    /* the handshake of a connection that a lookup led to says nothing of a cache */
    char *t = explain_nth(&l, 0, DEC_STAGE_HANDSHAKE, 0);
    assert_null(strstr(t, "No DNS lookup"));
    free(t);
    unload(&l);
    /* a retry to a second resolver, and a CNAME chain of two */
    load("tests/data/dns/dns-retry.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_DNS_LOOKUP, 0, "old.lesson.test A? 10.77.0.1 (TTL 300 s)",
           "another resolver before without an answer", "2 CNAME records",
           "old.lesson.test \xe2\x86\x92 alias.lesson.test \xe2\x86\x92 www.lesson.test",
           "an ID, 63471,");
    unload(&l);
    /* 18: the mistyped name, NXDOMAIN, told by itself (no connection followed it) */
    struct lookups k;
    load_lookups("samples/18-dns-nxdomain.pcap", &k);
    assert_true(k.n == 4);
    struct tr_sbuf b = {0};
    teach_explain_lookup(k.l[0], NULL, &b);
    expect_in(b.p, "wwww.lesson.test A? NXDOMAIN, no address, from 10.77.1.53");
    expect_in(b.p, "This lookup gave no address, so no connection could follow from it.");
    expect_in(b.p, "NXDOMAIN (non-existent domain, RCODE 3): the resolver says that the name "
                   "wwww.lesson.test does not exist at all, not only that it has no A record.");
    assert_null(strstr(b.p, "TTL (time to live)"));  /* no answer record, no TTL */
    tr_sb_free(&b);
    /* the AAAA lookup of the right name: NOERROR and no address */
    teach_explain_lookup(k.l[3], NULL, &b);
    expect_in(b.p, "www.lesson.test AAAA? NOERROR, no address");
    expect_in(b.p, "NOERROR with no AAAA record");
    tr_sb_free(&b);
    char arrow[128];
    assert_string_equal(teach_lookup_arrow(k.l[0], false, arrow, sizeof arrow),
                        "DNS query wwww.lesson.test A?");
    assert_string_equal(teach_lookup_arrow(k.l[0], true, arrow, sizeof arrow),
                        "DNS answer NXDOMAIN, no address");
    assert_string_equal(teach_lookup_arrow(k.l[2], true, arrow, sizeof arrow),
                        "DNS answer A 10.77.1.1, TTL 300");
    unload_lookups(&k);
    /* a connection no captured lookup led to, in a capture that holds lookups:
     * where its address came from; in one without lookups: nothing about DNS */
    load("samples/01-classic-get.pcap", &l);
    t = explain_nth(&l, 0, DEC_STAGE_HANDSHAKE, 0);
    assert_null(strstr(t, "DNS"));
    free(t);
    dec_record_set_dns(&l.conns[0], NULL, true);
    EXPECT(&l, 0, DEC_STAGE_HANDSHAKE, 0,
           "No DNS lookup in this capture gave the address 127.0.0.1 before this connection",
           "from a hosts file (/etc/hosts)");
    unload(&l);
}

static void test_test_data(void **state)
{
    (void)state;
    struct loaded l;
    load("tests/data/midstream.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "No handshake was captured", "No handshake, frame 1");
    unload(&l);
    load("tests/data/rst-close.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_CLOSE, 0, "reset (RST)", "the client ended");
    unload(&l);
    load("tests/data/v6-post-chunked.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_BODY, 0, "3 chunks of data", "488 bytes of content");
    unload(&l);
    load("tests/data/snaplen-96.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "Truncated, frame 4", "snaplen",
           "Incomplete, frame 4");
    unload(&l);
    load("tests/data/not-http.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_HANDSHAKE, 0, "Not HTTP, frame 4", "port 80 carries no HTTP");
    unload(&l);
}

/* ---------------------------------------------------- synthetic stages -- */

/* a message built by hand: its strings and headers live in its own arena */
static struct msgrec *tmsg(bool request)
{
    struct msgrec *m = dec_msgrec_new(request);
    m->arena = tr_xmalloc(1u << 16);
    m->hdrs = tr_xcalloc(64, sizeof *m->hdrs);
    m->pub.headers = m->hdrs;
    return m;
}

static struct dec_str tstr(struct msgrec *m, const char *s)
{
    if (!s)
        return (struct dec_str){NULL, 0};
    size_t n = strlen(s);
    assert_true(m->alen + n < (1u << 16));
    memcpy(m->arena + m->alen, s, n);
    struct dec_str v = {m->arena + m->alen, n};
    m->alen += n;
    return v;
}

static void theader(struct msgrec *m, const char *name, const char *value)
{
    assert_true(m->pub.nheaders < 64);
    m->hdrs[m->pub.nheaders++] = (struct dec_header){tstr(m, name), tstr(m, value)};
}

/* a stage of exchange x on frame (its index + 1), holding message m (or none) */
static struct dec_stage *add_stage(struct dec_record *d, enum dec_stage_kind kind, int64_t x,
                                   struct msgrec *m)
{
    struct dec_stage *s = dec_stage_new(kind, 1);
    s->exchange = x;
    s->frames[0] = d->nstgs + 1;
    if (m)
        s->msg = dec_msg_ref(&m->pub);
    tr_xgrow(&d->stgs, &d->cstgs, d->nstgs + 1, sizeof *d->stgs);
    d->stgs[d->nstgs++] = s;
    return s;
}

static const int registry[] = {
    100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303,
    304, 305, 306, 307, 308, 400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412,
    413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425, 426, 428, 429, 431, 451, 500, 501,
    502, 503, 504, 505, 506, 507, 508, 510, 511, 0
};

static void test_every_status(void **state)
{
    (void)state;
    for (const int *c = registry; *c; c++) {
        const char *reason = teach_status_reason(*c);
        assert_non_null(reason);
        struct dec_record d;
        dec_record_init(&d, 1);
        struct msgrec *m = tmsg(false);
        m->pub.status = *c;
        m->pub.version = tstr(m, "HTTP/1.1");
        m->pub.reason = tstr(m, reason);
        m->pub.interim = *c < 200 && *c != 101;
        add_stage(&d, DEC_STAGE_STATUS_LINE, 0, m);
        dec_msg_unref(&m->pub);
        char *t = explain(&d, 0);
        char want[32];
        snprintf(want, sizeof want, "answers %d", *c);
        expect_in(t, want);
        assert_null(strstr(t, "not in IANA's registry"));
        free(t);
        dec_record_free(&d);
    }
    for (int c = 100; c < 600; c++) {
        bool known = false;
        for (const int *r = registry; *r; r++)
            known |= *r == c;
        if (known)
            continue;
        assert_null(teach_status_reason(c));
        struct dec_record d;
        dec_record_init(&d, 1);
        struct msgrec *m = tmsg(false);
        m->pub.status = c;
        add_stage(&d, DEC_STAGE_STATUS_LINE, 0, m);
        dec_msg_unref(&m->pub);
        char *t = explain(&d, 0);
        expect_in(t, "not in IANA's registry");
        free(t);
        dec_record_free(&d);
    }
    assert_string_equal(teach_status_reason(404), "Not Found");
    assert_string_equal(teach_status_reason(413), "Content Too Large");
}

static void test_methods_and_targets(void **state)
{
    (void)state;
    static const struct {
        const char *method, *target, *version, *want1, *want2;
    } cases[] = {
        {"GET", "/a/b", "HTTP/1.1", "GET asks the server to send the resource /a/b", "origin-form"},
        {"HEAD", "/", "HTTP/1.1", "HEAD asks for /", "origin-form"},
        {"POST", "/f", "HTTP/1.1", "POST sends data", "/f"},
        {"PUT", "/p", "HTTP/1.1", "PUT asks", "idempotent"},
        {"DELETE", "/d", "HTTP/1.1", "DELETE asks", "/d"},
        {"CONNECT", "example.com:443", "HTTP/1.1", "CONNECT asks a proxy", "authority-form"},
        {"OPTIONS", "*", "HTTP/1.1", "OPTIONS asks", "asterisk-form"},
        {"TRACE", "/t", "HTTP/1.1", "TRACE asks", "/t"},
        {"PATCH", "/x", "HTTP/1.1", "PATCH asks", "/x"},
        {"PROPFIND", "/dav/", "HTTP/1.1", "PROPFIND is not a method of RFC 9110", "extension"},
        {"GET", "http://example.com/x", "HTTP/1.1", "absolute-form", "proxy"},
        {"GET", "/s?q=http+step&lang=zh%2DCN&pwd=x%26y", "HTTP/1.0", "3 parameters",
         "q = http step"},
        {"GET", "/s?q=http+step&lang=zh%2DCN&pwd=x%26y", "HTTP/1.0", "lang = zh-CN",
         "pwd = x&y"},
        {"GET", "/s?pwd=1", "HTTP/1.0", "The parameter pwd is a password", "HTTP/1.0 (1996)"},
        {"GET", "/", NULL, "HTTP/0.9", "GET /: two parts, the method GET and the target /"},
        {"GET", "/", "HTTP/1.2", "neither HTTP/1.0 nor HTTP/1.1", "HTTP/1.2"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct dec_record d;
        dec_record_init(&d, 1);
        d.tc.syn_seen = true;
        struct msgrec *m = tmsg(true);
        m->pub.method = tstr(m, cases[i].method);
        m->pub.target = tstr(m, cases[i].target);
        m->pub.version = tstr(m, cases[i].version);
        add_stage(&d, DEC_STAGE_REQUEST_LINE, 0, m);
        dec_msg_unref(&m->pub);
        char *t = explain(&d, 0);
        expect_in(t, cases[i].want1);
        expect_in(t, cases[i].want2);
        if (strcmp(cases[i].method, "PROPFIND") != 0)
            assert_null(strstr(t, "extension method"));
        free(t);
        dec_record_free(&d);
    }
}

static const char *const header_names[] = {
    "Host", "User-Agent", "Accept", "Accept-Language", "Accept-Encoding", "Content-Type",
    "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive", "Cookie", "Set-Cookie",
    "Cache-Control", "ETag", "If-None-Match", "If-Modified-Since", "Last-Modified", "Location",
    "Authorization", "WWW-Authenticate", "Server", "Date", "Expect", "Upgrade", "Referer",
    "Origin", "Range", "Content-Range", "Content-Encoding", NULL
};

static void test_headers(void **state)
{
    (void)state;
    for (int dir = 0; dir < 2; dir++) {
        struct dec_record d;
        dec_record_init(&d, 1);
        struct msgrec *m = tmsg(dir == 0);
        size_t n = 0;
        while (header_names[n])
            n++;
        for (size_t i = 0; i < n; i++) {
            char v[64];
            snprintf(v, sizeof v, "value-%zu", i);
            theader(m, header_names[i], v);
        }
        char *long_value = malloc(1001);
        memset(long_value, 'a', 1000);
        long_value[1000] = '\0';
        theader(m, "X-Unknown-Thing", long_value);
        free(long_value);
        theader(m, "authorization", "Basic YWxpY2U6czNjcjN0");
        add_stage(&d, dir ? DEC_STAGE_RESPONSE_HEADERS : DEC_STAGE_REQUEST_HEADERS, 0, m);
        dec_msg_unref(&m->pub);
        char *t = explain(&d, 0);
        for (size_t i = 0; i < n; i++) {
            char want[96];
            snprintf(want, sizeof want, "%s: value-%zu. ", header_names[i], i);
            expect_in(t, want);
        }
        expect_in(t, "X-Unknown-Thing: aaaa");
        expect_in(t, "httpstep has no explanation for this header");
        expect_in(t, "aaa...");
        char *long_run = malloc(202);
        memset(long_run, 'a', 201);
        long_run[201] = '\0';
        assert_null(strstr(t, long_run));
        free(long_run);
        expect_in(t, "the user is alice and the password is s3cr3t");
        free(t);
        dec_record_free(&d);
    }
}

static void test_notes(void **state)
{
    (void)state;
    struct dec_record d;
    dec_record_init(&d, 1);
    struct msgrec *m = tmsg(false);
    m->pub.body_length = 10;
    m->pub.framing = DEC_FRAMING_LENGTH;
    struct dec_stage *s = add_stage(&d, DEC_STAGE_RESPONSE_BODY, 0, m);
    dec_msg_unref(&m->pub);
    for (int k = 0; k < DEC_NOTE_COUNT; k++) {
        tr_xgrow(&d.notes, &d.cnotes, d.nnotes + 1, sizeof *d.notes);
        d.notes[d.nnotes++] = dec_note_new((enum dec_note_kind)k, 1, s->frames[0],
                                       dec_note_name((enum dec_note_kind)k),
                                       (struct dec_str){NULL, 0}, NULL);
    }
    char *t = explain(&d, 0);
    for (int k = 0; k < DEC_NOTE_COUNT; k++) {
        char want[64];
        snprintf(want, sizeof want, "%s, frame 1: ", note_titles[k]);
        expect_in(t, want);
        /* the decoder's English words only for the kinds whose facts the
         * record lacks */
        snprintf(want, sizeof want, "httpstep's reader says: %s.",
                 dec_note_name((enum dec_note_kind)k));
        bool composed = k == DEC_NOTE_RETRANSMISSION || k == DEC_NOTE_OUT_OF_ORDER ||
                        k == DEC_NOTE_TRUNCATED || k == DEC_NOTE_NOT_HTTP || k == DEC_NOTE_TLS ||
                        k == DEC_NOTE_NO_HANDSHAKE;
        if (composed && strstr(t, want))
            fail_msg("the decoder's words for %s in:\n%s", note_titles[k], t);
        else if (!composed)
            expect_in(t, want);
    }
    free(t);
    dec_record_free(&d);
}

static void test_bodies(void **state)
{
    (void)state;
    static const uint8_t gif[] = "GIF89a\x20\x00\x10\x00";
    for (int pass = 0; pass < 2; pass++) {
        struct dec_record d;
        dec_record_init(&d, 1);
        struct msgrec *m = tmsg(false);
        theader(m, "Content-Type", pass == 0 ? "image/gif" : "application/json; charset=utf-8");
        m->pub.framing = DEC_FRAMING_CLOSE;
        m->pub.body_length = 500;
        m->pub.gap_bytes = pass == 0 ? 100 : 0;
        add_stage(&d, DEC_STAGE_RESPONSE_HEADERS, 0, m);
        struct dec_stage *s = add_stage(&d, DEC_STAGE_RESPONSE_BODY, 0, m);
        dec_msg_unref(&m->pub);
        const char *body = pass == 0 ? (const char *)gif : "{\"name\": \"jinqiao\"}";
        size_t n = pass == 0 ? sizeof gif - 1 : strlen(body);
        uint8_t *copy = tr_xmalloc(n);
        memcpy(copy, body, n);
        s->preview = copy;
        s->preview_len = n;
        char *t = explain(&d, 1);
        if (pass == 0) {
            expect_in(t, "closes the connection (500 bytes here)");
            expect_in(t, "signature of GIF data");
            expect_in(t, "32 x 16 pixels");
            expect_in(t, "100 bytes of this body were never captured");
        } else {
            expect_in(t, "JSON");
            expect_in(t, "It begins: {\"name\": \"jinqiao\"}");
        }
        free(t);
        dec_record_free(&d);
    }
}

/* ------------------------------------------- sentences that fit the case -- */

/* issue 14's false sentences and their corrections, on the bundled
 * captures, in English and in Chinese: every want is in the stage's text
 * and no unwanted one (the old sentence) is */
struct sentence_case {
    const char *file;
    size_t conn;
    enum dec_stage_kind kind;
    int n;
    const char *want[2][4];    /* [0] English, [1] Chinese */
    const char *unwanted[2][3];
};

static const struct sentence_case sentence_cases[] = {
    {"samples/10-pipelining.pcap", 0, DEC_STAGE_KEEP_ALIVE, 0,
     {{"the next request, GET /style.css, was already sent", "pipelined",
       "it had sent its next request on the same connection already (pipelining)"},
      {"下一个请求 GET /style.css", "管线化", "客户端不等这个响应"}},
     {{"No other request came on this connection", "no other request comes"},
      {"这条连接上没有别的请求", "没有别的请求到来"}}},
    {"samples/10-pipelining.pcap", 0, DEC_STAGE_CLOSE, 0,
     {{"the last request said Connection: close: the client would send no more requests"},
      {"最后一个请求说了 Connection: close"}},
     {{"the client wanted only this exchange"}, {"只想进行这一次交互"}}},
    {"samples/10-pipelining.pcap", 0, DEC_STAGE_KEEP_ALIVE, 0,
     {{"The server said so in its response, with Connection: keep-alive"},
      {"服务器在响应里用 Connection: keep-alive 说明了这一点"}},
     {{"the Connection: keep-alive header asked for it"}, {"Connection: keep-alive 头部要求"}}},
    {"samples/01-classic-get.pcap", 0, DEC_STAGE_CLOSE, 0,
     {{"frame 10: the server's FIN; frame 11: the client's FIN, with its ACK of the server's FIN"},
      {"帧 10：服务器的 FIN；帧 11：客户端的 FIN，同时确认了服务器的 FIN"}},
     {{"four packets, or three when a FIN rides with an ACK", "The closing packets are in"},
      {"四个数据包", "关闭用的数据包"}}},
    {"samples/12-lossy-network.pcap", 0, DEC_STAGE_RESPONSE_BODY, 0,
     {{"Out of order, 4 notes, frames 16, 26, 116, 126: the segment arrived late: bytes that "
       "come after it in the stream had arrived first",
       "Frame 16: 1448 bytes of the server's stream. Its TCP timestamp, TSval 1322052137, is "
       "not newer than the TSval 1322052137 of frame 14, which overtook it",
       "Frame 26: 1448 bytes of the server's stream. Its TCP timestamp, TSval 1322052147"},
      {"乱序，4 条注释，帧 16, 26, 116, 126：这个报文段来晚了",
       "帧 16：服务器字节流中的 1448 字节",
       "帧 26：服务器字节流中的 1448 字节"}},
     {{"arrived before bytes that come earlier", "that were lost sent again",
       "arrived after bytes that follow them"},
      {"bytes of the server's stream", "sent again",
       "比数据流中排在它前面的字节先到达"}}},
    {"samples/03-browser-page.pcapng", 0, DEC_STAGE_REQUEST_HEADERS, 1,
     {{"By weight, the heaviest first: q=1: text/css; q=0.1: */*."},
      {"按权重从高到低：q=1：text/css；q=0.1：*/*。"}},
     {{"q=0.9 after a type lowers its weight"}, {"q=0.9 表示"}}},
    {"samples/09-methods.pcap", 0, DEC_STAGE_STATUS_LINE, 0,
     {{"For a HEAD, only the headers come"}, {"对 HEAD 来说，只有头部过来"}},
     {{"For a GET, the body that follows"}, {"对 GET 来说"}}},
    {"samples/09-methods.pcap", 0, DEC_STAGE_STATUS_LINE, 1,
     {{"For OPTIONS, the answer is in the headers: Allow lists the methods."},
      {"对 OPTIONS 来说，答案在头部里"}},
     {{"For a GET, the body that follows"}, {"对 GET 来说"}}},
    {"samples/06-expect-100-continue.pcap", 0, DEC_STAGE_REQUEST_BLANK_LINE, 0,
     {{"The body (3040 bytes) does not follow at once: with Expect: 100-continue the client waits "
       "for the server's 100 Continue, which came in frame 6"},
      {"请求体（3040 字节）不会马上跟来", "帧 6"}},
     {{"After it comes the body: 3040 bytes"}, {"空行之后是消息体：3040 字节"}}},
    {"samples/01-classic-get.pcap", 0, DEC_STAGE_HANDSHAKE, 0,
     {{"A SYN carries no data but uses one sequence number"},
      {"SYN 不携带数据，却占用一个序列号"}},
     {{"A SYN counts as one byte"}, {"SYN 本身算作一个字节"}}},
    {"samples/07-gzip-chunked.pcap", 0, DEC_STAGE_RESPONSE_HEADERS, 0,
     {{"Transfer-Encoding: chunked. The codings applied to the body for its transfer only",
       "chunked, the last coding, frames the body"},
      {"Transfer-Encoding: chunked。只为传输而对消息体施加的编码",
       "chunked 是最后一个编码"}},
     {{"chunked. chunked means"}, {"chunked。chunked 表示"}}},
    {"samples/07-gzip-chunked.pcap", 0, DEC_STAGE_RESPONSE_BODY, 0,
     {{"The client had offered gzip in its Accept-Encoding."},
      {"客户端在它的 Accept-Encoding 里提供过 gzip。"}},
     {{NULL}, {NULL}}},
    {"samples/02-keep-alive.pcap", 0, DEC_STAGE_RESPONSE_HEADERS, 0,
     {{"Content-Type: text/html. The kind of data in the body"}, {"Content-Type: text/html。"}},
     {{"A charset parameter names the text encoding", "Its charset parameter"},
      {"charset 参数"}}},
    {"samples/09-methods.pcap", 0, DEC_STAGE_RESPONSE_HEADERS, 2,
     {{"With 201 Created it names the new resource."},
      {"在 201 Created 里，它给出新资源的地址。"}},
     {{"after a redirect (3xx) the browser requests this address next"}, {"重定向"}}},
    {"samples/08-status-codes.pcap", 0, DEC_STAGE_RESPONSE_BODY, 7,
     {{"a page about the error, for people"}, {"一个说明错误的页面"}},
     {{"the resource itself"}, {"资源本身"}}},
};

static void check_sentences(int lang)
{
    const char *loaded_file = NULL;
    struct loaded l;
    for (size_t i = 0; i < sizeof sentence_cases / sizeof *sentence_cases; i++) {
        const struct sentence_case *c = &sentence_cases[i];
        if (!loaded_file || strcmp(loaded_file, c->file) != 0) {
            if (loaded_file)
                unload(&l);
            load(c->file, &l);
            loaded_file = c->file;
        }
        char *t = explain_nth(&l, c->conn, c->kind, c->n);
        for (int k = 0; k < 4 && c->want[lang][k]; k++)
            if (!strstr(t, c->want[lang][k]))
                fail_msg("%s, %s %d: expected \"%s\" in:\n%s", c->file, dec_stage_name(c->kind),
                         c->n, c->want[lang][k], t);
        for (int k = 0; k < 3 && c->unwanted[lang][k]; k++)
            if (strstr(t, c->unwanted[lang][k]))
                fail_msg("%s, %s %d: \"%s\" should be gone from:\n%s", c->file,
                         dec_stage_name(c->kind), c->n, c->unwanted[lang][k], t);
        free(t);
    }
    if (loaded_file)
        unload(&l);
}

static void test_sentences(void **state)
{
    (void)state;
    check_sentences(0);
}

/* a close stage over packets built by hand: flags, direction, seq, ack */
struct tpkt {
    uint64_t frame;
    enum tr_dir dir;
    uint8_t flags;
    uint32_t seq, ack;
};

static char *close_text(const struct tpkt *p, size_t n, enum tr_close_how how, int initiator)
{
    struct dec_record d;
    dec_record_init(&d, 1);
    d.tc.syn_seen = true;
    struct dec_stage *s = dec_stage_new(DEC_STAGE_CLOSE, n);
    s->exchange = -1;
    s->how = how;
    s->initiator = initiator;
    d.pkts = tr_xcalloc(n, sizeof *d.pkts);
    d.cpkts = n;
    for (size_t i = 0; i < n; i++) {
        s->frames[i] = p[i].frame;
        d.pkts[d.npkts++] = (struct dec_pkt){
            .seg = {.frame = p[i].frame, .dir = p[i].dir, .flags = p[i].flags, .seq = p[i].seq,
                    .ack = p[i].ack},
            .stage = 0};
    }
    tr_xgrow(&d.stgs, &d.cstgs, 1, sizeof *d.stgs);
    d.stgs[d.nstgs++] = s;
    char *t = explain(&d, 0);
    dec_record_free(&d);
    return t;
}

static void test_close_packets(void **state)
{
    (void)state;
    enum { F = TR_TCP_FIN | TR_TCP_ACK, A = TR_TCP_ACK };
    const struct tpkt three[] = {{10, TR_DIR_S2C, F, 500, 90}, {11, TR_DIR_C2S, F, 90, 501},
                                 {12, TR_DIR_S2C, A, 501, 91}};
    char *t = close_text(three, 3, TR_CLOSE_FIN, TR_DIR_S2C);
    expect_in(t, "The close, as captured: frame 10: the server's FIN; frame 11: the client's FIN, "
                 "with its ACK of the server's FIN; frame 12: the server's ACK of the client's "
                 "FIN.");
    expect_in(t,
              "Here it took three packets: the client's FIN carried its ACK of the server's FIN");
    assert_null(strstr(t, "not among the packets"));
    free(t);
    const struct tpkt four[] = {{20, TR_DIR_C2S, F, 90, 500}, {21, TR_DIR_S2C, A, 500, 91},
                                {22, TR_DIR_S2C, F, 500, 91}, {23, TR_DIR_C2S, A, 91, 501}};
    t = close_text(four, 4, TR_CLOSE_FIN, TR_DIR_C2S);
    expect_in(t, "frame 20: the client's FIN; frame 21: the server's ACK of the client's FIN; "
                 "frame 22: the server's FIN; frame 23: the client's ACK of the server's FIN.");
    expect_in(t, "Here it took 4 packets: each FIN and each ACK on its own.");
    free(t);
    const struct tpkt two[] = {{10, TR_DIR_S2C, F, 500, 90}, {11, TR_DIR_C2S, F, 90, 501}};
    t = close_text(two, 2, TR_CLOSE_FIN, TR_DIR_S2C);
    expect_in(t, "The server's ACK of the client's FIN, which completes the close, is not among "
                 "the packets httpstep kept");
    assert_null(strstr(t, "Here it took"));
    free(t);
    const struct tpkt rst[] = {{10, TR_DIR_C2S, TR_TCP_RST | TR_TCP_ACK, 90, 500}};
    t = close_text(rst, 1, TR_CLOSE_RST, TR_DIR_C2S);
    expect_in(t, "The close, as captured: frame 10: the client's RST.");
    free(t);
}

/* one header stage with these headers (name, value pairs), of a request or
 * a response with this status; returns its text */
static char *header_text(bool request, int status, const char *const *hv)
{
    struct dec_record d;
    dec_record_init(&d, 1);
    struct msgrec *q = tmsg(true);
    q->pub.method = tstr(q, "GET");
    q->pub.target = tstr(q, "/");
    q->pub.version = tstr(q, "HTTP/1.1");
    theader(q, "Host", "example.com");
    struct msgrec *r = tmsg(false);
    r->pub.status = status;
    r->pub.version = tstr(r, "HTTP/1.1");
    struct msgrec *m = request ? q : r;
    if (request)
        m->pub.nheaders = 0;
    for (; *hv; hv += 2)
        theader(m, hv[0], hv[1]);
    add_stage(&d, DEC_STAGE_REQUEST_LINE, 0, q);
    if (!request)
        add_stage(&d, DEC_STAGE_REQUEST_HEADERS, 0, q);
    add_stage(&d, DEC_STAGE_STATUS_LINE, 0, r);
    struct dec_stage *h = add_stage(&d, request ? DEC_STAGE_REQUEST_HEADERS
                                                : DEC_STAGE_RESPONSE_HEADERS, 0, m);
    (void)h;
    dec_msg_unref(&q->pub);
    dec_msg_unref(&r->pub);
    char *t = explain(&d, (int)d.nstgs - 1);
    dec_record_free(&d);
    return t;
}

static void test_header_values(void **state)
{
    (void)state;
    static const struct {
        bool request;
        int status;
        const char *hv[5];
        const char *want, *unwanted;
    } cases[] = {
        {true, 200, {"Accept", "*/*"}, "*/* stands for any type", "By weight"},
        {true, 200, {"Accept", "text/html, */*;q=0.1"}, "q=1: text/html; q=0.1: */*.", NULL},
        {true, 200, {"Accept", "a/b;q=0, c/d"}, "q=1: c/d; q=0 (refused): a/b.", NULL},
        {true, 200, {"Accept-Language", "zh-CN, zh;q=0.8, en;q=0.123"},
         "q=1: zh-CN; q=0.8: zh; q=0.123: en.", NULL},
        {true, 200, {"Accept-Encoding", "gzip, br"}, "No q is given: every choice weighs the same",
         NULL},
        {false, 200, {"Transfer-Encoding", "gzip, chunked"},
         "The codings before chunked (such as gzip) compress the body for this transfer only",
         "chunked means"},
        {false, 200, {"Transfer-Encoding", "gzip"},
         "this response's body runs until the server closes the connection", "frames the body"},
        {true, 200, {"Transfer-Encoding", "chunked, gzip"},
         "RFC 9112 says it must answer 400 Bad Request", "frames the body"},
        {false, 301, {"Location", "http://example.com/new"},
         "With this 301 redirect, a browser requests this address next", "201 Created"},
        {false, 200, {"Content-Type", "text/html; Charset=\"iso-8859-1\""},
         "Its charset parameter, iso-8859-1, names", NULL},
        {true, 200, {"Cookie", "sid=YWJjZA==; theme=dark"}, "It carries 2 cookies", NULL},
        {true, 200, {"Cookie", "sid=YWJjZA=="}, "Over plain HTTP anyone on the path",
         "It carries"},
        {false, 200, {"Set-Cookie", "insecure=1; Path=/"}, "This cookie has no Secure attribute",
         NULL},
        {false, 200, {"Set-Cookie", "id=1; Secure; HttpOnly"}, "id=1", "no Secure attribute"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *t = header_text(cases[i].request, cases[i].status, cases[i].hv);
        expect_in(t, cases[i].want);
        if (cases[i].unwanted && strstr(t, cases[i].unwanted))
            fail_msg("\"%s\" should not be in:\n%s", cases[i].unwanted, t);
        free(t);
    }
}

/* a 400 for an HTTP/1.1 request without Host says why on its status line;
 * an HTTP/1.0 answer with keep-alive does not promise a close */
static void test_status_cases(void **state)
{
    (void)state;
    for (int pass = 0; pass < 3; pass++) {
        struct dec_record d;
        dec_record_init(&d, 1);
        struct msgrec *q = tmsg(true);
        q->pub.method = tstr(q, "GET");
        q->pub.target = tstr(q, "/");
        q->pub.version = tstr(q, pass == 2 ? "HTTP/1.0" : "HTTP/1.1");
        if (pass == 1)
            theader(q, "Host", "example.com");
        struct msgrec *r = tmsg(false);
        r->pub.status = pass == 2 ? 200 : 400;
        r->pub.version = tstr(r, pass == 2 ? "HTTP/1.0" : "HTTP/1.1");
        r->pub.reason = tstr(r, pass == 2 ? "OK" : "Bad Request");
        if (pass == 2)
            theader(r, "Connection", "keep-alive");
        add_stage(&d, DEC_STAGE_REQUEST_LINE, 0, q);
        add_stage(&d, DEC_STAGE_REQUEST_HEADERS, 0, q);
        add_stage(&d, DEC_STAGE_STATUS_LINE, 0, r);
        add_stage(&d, DEC_STAGE_RESPONSE_HEADERS, 0, r);
        dec_msg_unref(&q->pub);
        dec_msg_unref(&r->pub);
        char *t = explain(&d, 2);
        const char *why = "this HTTP/1.1 request has no Host header, which the standard requires";
        if (pass == 0)
            expect_in(t, why);
        else if (pass == 1)
            assert_null(strstr(t, why));
        else {
            expect_in(t, "its headers say so, so the connection may stay open");
            assert_null(strstr(t, "it will close the connection after this response"));
        }
        free(t);
        dec_record_free(&d);
    }
}

static void test_steps(void **state)
{
    (void)state;
    size_t cols = 0;
    for (int step = 1; step <= 7; step++) {
        assert_true(strlen(teach_step_label(step, false)) > 0);
        cols += strlen(teach_step_label(step, true)) + 2;  /* "N label" */
    }
    /* the stepper row fits them in 80 columns, with one space between
     * steps when " > " would not fit */
    cols += 6 * strlen(" ");
    assert_true(cols < 78);
    assert_string_equal(teach_step_label(0, true), "?");
    assert_string_equal(teach_stage_title(DEC_STAGE_STATUS_LINE), "Status line");
    struct dec_record d;
    dec_record_init(&d, 1);
    struct tr_sbuf b = {0};
    teach_explain(&d, 0, &b);
    expect_in(b.p, "No stage selected");
    tr_sb_free(&b);
}

/* the one numbering: every kind has a number whose digit is its step, the
 * parts of steps 3 and 6 are lettered in walk order, and the stages of an
 * interim response are labelled by it */
static void test_stage_numbers(void **state)
{
    (void)state;
    static const char *const want[DEC_STAGE_COUNT] = {
        [DEC_STAGE_HANDSHAKE] = "1", [DEC_STAGE_REQUEST_LINE] = "2",
        [DEC_STAGE_REQUEST_HEADERS] = "3a", [DEC_STAGE_REQUEST_BLANK_LINE] = "3b",
        [DEC_STAGE_REQUEST_BODY] = "3c", [DEC_STAGE_STATUS_LINE] = "4",
        [DEC_STAGE_RESPONSE_HEADERS] = "5", [DEC_STAGE_RESPONSE_BLANK_LINE] = "6a",
        [DEC_STAGE_RESPONSE_BODY] = "6b", [DEC_STAGE_TUNNEL] = "6b",
        [DEC_STAGE_CLOSE] = "7", [DEC_STAGE_KEEP_ALIVE] = "7",
        [DEC_STAGE_TLS_CLIENT_HELLO] = "1b", [DEC_STAGE_TLS_SERVER_HELLO] = "1c",
        [DEC_STAGE_TLS_CLIENT_FINISHED] = "1d", [DEC_STAGE_ENCRYPTED] = "-",
        [DEC_STAGE_H2_PREFACE] = "1e", [DEC_STAGE_H2_SETTINGS] = "1f",
        [DEC_STAGE_PUSH_PROMISE] = "6c", [DEC_STAGE_STREAM_END] = "7",
        [DEC_STAGE_GOAWAY] = "7", [DEC_STAGE_SOCKS] = "1s",
        [DEC_STAGE_DNS_LOOKUP] = "0",
    };
    for (int k = 0; k < DEC_STAGE_COUNT; k++) {
        const char *n = teach_stage_number((enum dec_stage_kind)k);
        assert_string_equal(n, want[k]);
        if (dec_stage_step((enum dec_stage_kind)k) < 0)
            assert_string_equal(n, "-"); /* no step: bytes no one can read */
        else
            assert_int_equal(n[0] - '0', dec_stage_step((enum dec_stage_kind)k));
    }
    assert_string_equal(teach_stage_number(DEC_STAGE_COUNT), "?");
    assert_string_equal(teach_stage_number((enum dec_stage_kind)-1), "?");

    struct dec_record d;
    dec_record_init(&d, 1);
    struct msgrec *m = tmsg(false);
    m->pub.status = 100;
    m->pub.interim = true;
    m->pub.reason = tstr(m, "Continue");
    struct dec_stage *sl = add_stage(&d, DEC_STAGE_STATUS_LINE, 0, m);
    struct dec_stage *hd = add_stage(&d, DEC_STAGE_RESPONSE_HEADERS, 0, m);
    struct dec_stage *bl = add_stage(&d, DEC_STAGE_RESPONSE_BLANK_LINE, 0, m);
    dec_msg_unref(&m->pub);
    struct msgrec *f = tmsg(false);
    f->pub.status = 102;
    f->pub.interim = true;
    f->pub.reason = tstr(f, "Processing\x01" "and a very long tail that goes on and on");
    struct dec_stage *lg = add_stage(&d, DEC_STAGE_STATUS_LINE, 0, f);
    dec_msg_unref(&f->pub);
    struct msgrec *q = tmsg(true);
    struct dec_stage *rh = add_stage(&d, DEC_STAGE_REQUEST_HEADERS, 0, q);
    dec_msg_unref(&q->pub);
    char buf[128];
    assert_string_equal(teach_stage_label(sl, false, buf, sizeof buf), "100 Continue");
    assert_string_equal(teach_stage_label(sl, true, buf, sizeof buf), "100 Continue");
    assert_string_equal(teach_stage_label(hd, false, buf, sizeof buf),
                        "100 Continue: Response headers");
    assert_string_equal(teach_stage_label(hd, true, buf, sizeof buf), "100 Resp.hdr");
    assert_string_equal(teach_stage_label(bl, false, buf, sizeof buf), "100 Continue: Blank line");
    assert_string_equal(teach_stage_label(bl, true, buf, sizeof buf), "100 Blank");
    assert_string_equal(teach_stage_label(lg, true, buf, sizeof buf), "102 Process.");
    assert_string_equal(teach_stage_label(lg, false, buf, sizeof buf),
                        "102 Processing\\x01and a very long tail that goe");
    assert_string_equal(teach_stage_label(rh, false, buf, sizeof buf), "Request headers");
    assert_string_equal(teach_stage_label(rh, true, buf, sizeof buf), "Req.hdr");
    char small[6];
    assert_string_equal(teach_stage_label(hd, false, small, sizeof small), "100 C");
    assert_ptr_equal(teach_stage_label(hd, false, small, 0), small);
    dec_record_free(&d);
}

/* durations for labels, and the line-breaking rule a wrapper asks */
static void test_labels(void **state)
{
    (void)state;
    char b[32];
    assert_string_equal(teach_fmt_duration(35, false, b, sizeof b), "35 \xc2\xb5s");
    assert_string_equal(teach_fmt_duration(35, true, b, sizeof b), "35\xc2\xb5s");
    assert_string_equal(teach_fmt_duration(0, true, b, sizeof b), "0\xc2\xb5s");
    assert_string_equal(teach_fmt_duration(1400, false, b, sizeof b), "1.4 ms");
    assert_string_equal(teach_fmt_duration(1400, true, b, sizeof b), "1.4ms");
    assert_string_equal(teach_fmt_duration(2050000, false, b, sizeof b), "2.05 s");
    assert_string_equal(teach_fmt_duration(-1, false, b, sizeof b), "\xe2\x80\x94");
    char small[3];
    assert_string_equal(teach_fmt_duration(12345, false, small, sizeof small), "12");
    assert_ptr_equal(teach_fmt_duration(1, false, small, 0), small);
    assert_false(teach_break_ok(L'\u6587', L'\uff0c'));   /* 文，: never before "，" */
    assert_false(teach_break_ok(L'\u5b57', L'\u3002'));   /* 字。 */
    assert_false(teach_break_ok(L'\uff08', L'\u6587'));   /* （文: never after "（" */
    assert_false(teach_break_ok(L'\u2014', L'\u2014'));   /* inside —— */
    assert_false(teach_break_ok(L'\u201c', L'a'));
    assert_false(teach_break_ok(L'a', L','));
    assert_true(teach_break_ok(L'\u6587', L'\u5b57'));    /* between two ideographs */
    assert_true(teach_break_ok(L'\u3002', L'\u6587'));    /* after "。" */
    assert_true(teach_break_ok(L'\uff0c', L'\u6587'));    /* after "，" */
}

/* ------------------------------------------- HTTPS and HTTP/2, by hand -- */

/* a TLS stage: its facts owned by the stage */
static struct dec_stage *add_tls(struct dec_record *d, enum dec_stage_kind kind, enum tr_dir dir,
                                 tr_time ts, uint64_t length, const struct dec_tls_stage *t)
{
    struct dec_stage *s = add_stage(d, kind, -1, NULL);
    s->dir = dir;
    s->ts = s->ts_end = ts;
    s->length = length;
    if (t) {
        struct dec_tls_stage *c = tr_xmalloc(sizeof *c);
        *c = *t;
        s->tls_info = c;
    }
    return s;
}

/* an HTTP/2 stage of stream `stream` (exchange x), inside TLS, with frames
 * of the given types and flags */
static struct dec_stage *add_h2(struct dec_record *d, enum dec_stage_kind kind, int64_t x,
                                uint32_t stream, struct msgrec *m, tr_time ts, tr_time ts_end,
                                const uint8_t *types, const uint8_t *flags, size_t nh2)
{
    struct dec_stage *s = add_stage(d, kind, x, m);
    s->stream = stream;
    s->tls = true;
    s->dir = kind == DEC_STAGE_REQUEST_LINE || kind == DEC_STAGE_REQUEST_HEADERS ||
                     kind == DEC_STAGE_REQUEST_BODY || kind == DEC_STAGE_H2_PREFACE
                 ? TR_DIR_C2S
                 : TR_DIR_S2C;
    s->ts = ts;
    s->ts_end = ts_end;
    s->length = 9 * nh2 + 20;
    struct dec_h2_ref *r = tr_xcalloc(nh2 ? nh2 : 1, sizeof *r);
    for (size_t i = 0; i < nh2; i++)
        r[i] = (struct dec_h2_ref){s->frames[0], types[i], flags[i], 20};
    s->h2 = r;
    s->nh2 = nh2;
    return s;
}

static void tpseudo(struct msgrec *m, const char *name, const char *value)
{
    if (!m->pseudo) {
        m->pseudo = tr_xcalloc(8, sizeof *m->pseudo);
        m->pub.pseudo = m->pseudo;
    }
    m->pseudo[m->pub.npseudo++] = (struct dec_header){tstr(m, name), tstr(m, value)};
}

static struct msgrec *h2_request(const char *path, uint32_t stream, int64_t hpack, int64_t plain)
{
    struct msgrec *m = tmsg(true);
    m->pub.h2 = true;
    m->pub.tls = true;
    m->pub.stream = stream;
    m->pub.method = tstr(m, "GET");
    m->pub.target = tstr(m, path);
    m->pub.version = tstr(m, "HTTP/2");
    m->pub.scheme = tstr(m, "https");
    m->pub.authority = tstr(m, "class.example");
    tpseudo(m, ":method", "GET");
    tpseudo(m, ":scheme", "https");
    tpseudo(m, ":authority", "class.example");
    tpseudo(m, ":path", path);
    theader(m, "user-agent", "curl/8.5.0");
    theader(m, "accept", "*/*");
    m->pub.hpack_length = hpack;
    m->pub.decoded_hlength = plain;
    return m;
}

static struct msgrec *h2_response(int status, uint32_t stream, uint64_t body)
{
    struct msgrec *m = tmsg(false);
    m->pub.h2 = true;
    m->pub.tls = true;
    m->pub.stream = stream;
    m->pub.status = status;
    m->pub.version = tstr(m, "HTTP/2");
    char code[8];
    snprintf(code, sizeof code, "%d", status);
    tpseudo(m, ":status", code);
    theader(m, "content-type", "text/css");
    m->pub.hpack_length = 31;
    m->pub.decoded_hlength = 88;
    m->pub.framing = DEC_FRAMING_H2;
    m->pub.body_length = body;
    m->pub.decoded_length = -1;
    return m;
}

static void add_note(struct dec_record *d, enum dec_note_kind k, uint64_t frame)
{
    tr_xgrow(&d->notes, &d->cnotes, d->nnotes + 1, sizeof *d->notes);
    d->notes[d->nnotes++] = dec_note_new(k, 1, frame, dec_note_name(k), (struct dec_str){NULL, 0},
                                     NULL);
}

/* an HTTPS connection with HTTP/2 inside: TLS 1.3, two streams at once,
 * a push, a cancelled stream and GOAWAY */
static void https_h2_record(struct dec_record *d)
{
    dec_record_init(d, 1);
    d->tc.syn_seen = true;
    struct dec_tls_stage ch = {.has_sni = true, .nalpn_offered = 2, .nversions = 2,
                               .versions = {0x0304, 0x0303}, .nmessages = 1,
                               .messages = {"ClientHello"}};
    strcpy(ch.sni, "class.example");
    strcpy(ch.alpn_offered[0], "h2");
    strcpy(ch.alpn_offered[1], "http/1.1");
    add_tls(d, DEC_STAGE_TLS_CLIENT_HELLO, TR_DIR_C2S, 1000, 517, &ch);
    struct dec_tls_stage sh = {.decrypted = true, .version = 0x0304, .cipher = 0x1301,
                               .has_cipher = true, .has_alpn = true, .has_cert = true,
                               .nmessages = 5,
                               .messages = {"ServerHello", "EncryptedExtensions", "Certificate",
                                            "CertificateVerify", "Finished"}};
    strcpy(sh.alpn, "h2");
    strcpy(sh.cert_subject, "CN=class.example");
    strcpy(sh.cert_issuer, "CN=httpstep test CA");
    add_tls(d, DEC_STAGE_TLS_SERVER_HELLO, TR_DIR_S2C, 1800, 1370, &sh);
    struct dec_tls_stage fin = {.decrypted = true, .nmessages = 1, .messages = {"Finished"}};
    add_tls(d, DEC_STAGE_TLS_CLIENT_FINISHED, TR_DIR_C2S, 2500, 80, &fin);
    static const uint8_t settings[] = {4}, none[] = {0}, ack[] = {4, 4}, ackf[] = {0, 1};
    struct dec_stage *p = add_h2(d, DEC_STAGE_H2_PREFACE, -1, 0, NULL, 2600, 2600, settings,
                                 none, 1);
    struct dec_h2_kv *kv = tr_xcalloc(3, sizeof *kv);
    kv[0] = (struct dec_h2_kv){0x3, 100};
    kv[1] = (struct dec_h2_kv){0x4, 10485760};
    kv[2] = (struct dec_h2_kv){0x2, 0};
    p->settings = kv;
    p->nsettings = 3;
    struct dec_stage *st = add_h2(d, DEC_STAGE_H2_SETTINGS, -1, 0, NULL, 3000, 3100, ack, ackf, 2);
    kv = tr_xcalloc(1, sizeof *kv);
    kv[0] = (struct dec_h2_kv){0x5, 16777215};
    st->settings = kv;
    st->nsettings = 1;
    static const uint8_t hdr[] = {1}, endh[] = {0x4}, data[] = {0, 0}, dataf[] = {0, 1},
                         rst[] = {3}, go[] = {7}, pp[] = {5};
    /* stream 1 and stream 3 in flight at the same time */
    struct msgrec *q1 = h2_request("/index.html", 1, 40, 120);
    add_h2(d, DEC_STAGE_REQUEST_LINE, 0, 1, q1, 3200, 3200, hdr, endh, 1);
    add_h2(d, DEC_STAGE_REQUEST_HEADERS, 0, 1, q1, 3200, 3200, hdr, endh, 1);
    struct msgrec *q3 = h2_request("/app.js", 3, 12, 116);
    add_h2(d, DEC_STAGE_REQUEST_LINE, 1, 3, q3, 3300, 3300, hdr, endh, 1);
    add_h2(d, DEC_STAGE_REQUEST_HEADERS, 1, 3, q3, 3300, 3300, hdr, endh, 1);
    struct dec_stage *push = add_h2(d, DEC_STAGE_PUSH_PROMISE, 0, 1, NULL, 3400, 3400, pp, endh,
                                    1);
    push->promised_stream = 2;
    struct msgrec *pq = tmsg(true);
    pq->pub.h2 = true;
    pq->pub.method = tstr(pq, "GET");
    pq->pub.target = tstr(pq, "/style.css");
    push->msg = dec_msg_ref(&pq->pub);
    struct msgrec *r1 = h2_response(200, 1, 1234);
    add_h2(d, DEC_STAGE_STATUS_LINE, 0, 1, r1, 3500, 3500, hdr, endh, 1);
    add_h2(d, DEC_STAGE_RESPONSE_HEADERS, 0, 1, r1, 3500, 3500, hdr, endh, 1);
    add_h2(d, DEC_STAGE_RESPONSE_BODY, 0, 1, r1, 3600, 3900, data, dataf, 2);
    struct dec_stage *e1 = add_h2(d, DEC_STAGE_STREAM_END, 0, 1, NULL, 3900, 3900, data, dataf, 2);
    e1->h2_how = "end_stream";
    struct dec_stage *e3 = add_h2(d, DEC_STAGE_STREAM_END, 1, 3, NULL, 4000, 4000, rst, none, 1);
    e3->h2_how = "rst_stream";
    e3->error_code = "CANCEL";
    e3->dir = TR_DIR_C2S;
    struct dec_stage *g = add_h2(d, DEC_STAGE_GOAWAY, -1, 0, NULL, 5000, 5000, go, none, 1);
    g->last_stream = 3;
    g->error_code = "NO_ERROR";
    dec_msg_unref(&q1->pub);
    dec_msg_unref(&q3->pub);
    dec_msg_unref(&pq->pub);
    dec_msg_unref(&r1->pub);
}

static void expect_clean(const char *t)
{
    if (strstr(t, "(null)") || strstr(t, "%!") || !valid_utf8(t))
        fail_msg("a hole in:\n%s", t);
}

/* the text of stage k, checked for holes; the caller frees it */
static char *explain_ok(const struct dec_record *d, int k)
{
    char *t = explain(d, k);
    expect_clean(t);
    if (getenv("HTTPSTEP_DUMP"))  /* to read the texts: HTTPSTEP_DUMP=1 build/tests/test_explain */
        printf("=== stage %d: %s\n%s\n\n", k, teach_stage_title(d->stgs[k]->kind), t);
    return t;
}

#define EXPECT_K(d, k, ...)                                                                    \
    do {                                                                                       \
        char *t_ = explain_ok(d, k);                                                           \
        for (const char *const *w_ = (const char *const[]){__VA_ARGS__, NULL}; *w_; w_++)      \
            expect_in(t_, *w_);                                                                \
        free(t_);                                                                              \
    } while (0)

static void test_https_h2_stages(void **state)
{
    (void)state;
    struct dec_record d;
    https_h2_record(&d);
    EXPECT_K(&d, 0, "ClientHello, 517 bytes in frame 1", "server name (SNI) class.example",
             "(ALPN) h2, http/1.1", "TLS versions offered TLS 1.3, TLS 1.2", "Step 1b",
             "class.example, in the SNI extension", "travels in clear text",
             "in its order of preference: h2, http/1.1", "supported_versions");
    EXPECT_K(&d, 1, "version TLS 1.3, cipher suite TLS_AES_128_GCM_SHA256",
             "messages: ServerHello, EncryptedExtensions, Certificate, CertificateVerify, Finished",
             "Step 1c", "AES_128_GCM: the cipher that encrypts every record", "SHA256: the hash",
             "the server chose h2 (ALPN)", "CN=class.example, issued by CN=httpstep test CA",
             "travels encrypted");
    EXPECT_K(&d, 2, "Step 1d", "From the ClientHello to this Finished: 1.500 ms",
             "TLS 1.3 needs one round trip", "read it with the TLS secrets of the key log");
    EXPECT_K(&d, 3, "Step 1e", "MAX_CONCURRENT_STREAMS=100", "INITIAL_WINDOW_SIZE=10485760",
             "SETTINGS_MAX_CONCURRENT_STREAMS = 100: the client accepts at most 100 streams",
             "SETTINGS_ENABLE_PUSH = 0", "chose HTTP/2 in the TLS handshake",
             "These bytes arrived encrypted");
    EXPECT_K(&d, 4, "Step 1f", "SETTINGS_MAX_FRAME_SIZE = 16777215",
             "the server also sent a SETTINGS frame with the ACK flag", "Inside TLS");
    EXPECT_K(&d, 5, "Stream 1, a HEADERS frame",
             ":method GET, :scheme https, :authority class.example, :path /index.html",
             "They are the request line, GET /index.html, as pseudo-header fields",
             "Step 2 in HTTP/2", ":scheme https and :authority class.example",
             "Stream 1 has an odd number", "While stream 1 was in progress, stream 3 was too");
    EXPECT_K(&d, 6, "a header block of 40 bytes (HPACK) with 2 header fields and 4 pseudo-header",
             "Step 3a in HTTP/2", "END_HEADERS", "took 40 bytes on the wire",
             "HTTP/1.1 header lines take 120 bytes", "33%");
    EXPECT_K(&d, 8, "The first header block of this kind on the connection (stream 1) took 40 "
                    "bytes, this one 12");
    EXPECT_K(&d, 9, "PUSH_PROMISE on stream 1", "promises stream 2, for GET /style.css",
             "Step 6c");
    ((struct dec_stage *)d.stgs[9])->stream = 2;  /* the decoder's stage names the promised stream only */
    EXPECT_K(&d, 9, "PUSH_PROMISE in frame 10: the server promises stream 2, for GET /style.css");
    EXPECT_K(&d, 15, "It processed the client's streams up to number 3");
    EXPECT_K(&d, 10, ":status 200 in frame 11, the status line without a reason phrase",
             "Step 4 in HTTP/2", "\"OK\"", "no reason phrase");
    EXPECT_K(&d, 12, "1234 bytes of text/css (HTTP/2 DATA frames)", "here 2 frames",
             "END_STREAM", "after the response's HEADERS come DATA frames");
    EXPECT_K(&d, 13, "Stream 1 ends", "Step 7 for stream 1", "stream 3 was too");
    EXPECT_K(&d, 14, "RST_STREAM from the client, error code CANCEL",
             "the stream is no longer needed", "stream 1 was too");
    EXPECT_K(&d, 15, "GOAWAY from the server", "last stream 3", "NO_ERROR",
             "no error: a graceful end");
    ((struct dec_stage *)d.stgs[15])->dir = TR_DIR_C2S;
    EXPECT_K(&d, 15, "GOAWAY from the client", "The last stream the server opened (a push)");
    dec_record_free(&d);
}

/* TLS 1.2 with HTTP/1.1 inside; and a connection without keys */
static void test_tls12_and_encrypted(void **state)
{
    (void)state;
    struct dec_record d;
    dec_record_init(&d, 1);
    struct dec_tls_stage ch = {.nversions = 1, .versions = {0x0303}};
    add_tls(&d, DEC_STAGE_TLS_CLIENT_HELLO, TR_DIR_C2S, 1000, 200, &ch);
    struct dec_tls_stage sh = {.decrypted = true, .version = 0x0303, .cipher = 0xc02f,
                               .has_cipher = true, .has_cert = true, .nmessages = 4,
                               .messages = {"ServerHello", "Certificate", "ServerKeyExchange",
                                            "ServerHelloDone"}};
    strcpy(sh.cert_subject, "CN=old.example");
    strcpy(sh.cert_issuer, "CN=old CA");
    add_tls(&d, DEC_STAGE_TLS_SERVER_HELLO, TR_DIR_S2C, 2000, 900, &sh);
    struct dec_tls_stage fin = {.decrypted = true, .nmessages = 2,
                                .messages = {"ClientKeyExchange", "Finished"}};
    add_tls(&d, DEC_STAGE_TLS_CLIENT_FINISHED, TR_DIR_C2S, 3000, 126, &fin);
    struct msgrec *q = tmsg(true);
    q->pub.tls = true;
    q->pub.method = tstr(q, "GET");
    q->pub.target = tstr(q, "/");
    q->pub.version = tstr(q, "HTTP/1.1");
    struct dec_stage *rl = add_stage(&d, DEC_STAGE_REQUEST_LINE, 0, q);
    rl->tls = true;
    rl->length = 16;
    dec_msg_unref(&q->pub);
    EXPECT_K(&d, 0, "names no site", "no ALPN extension", "TLS versions offered TLS 1.2");
    EXPECT_K(&d, 1, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE: the two sides agree",
             "RSA: the server proves", "AES_128_GCM", "(the PRF)", "chose no application protocol",
             "CN=old.example, issued by CN=old CA", "an eavesdropper reads it too");
    EXPECT_K(&d, 2, "ClientKeyExchange, Finished", "TLS 1.2 needs two round trips",
             "ClientKeyExchange carried");
    EXPECT_K(&d, 3, "GET / HTTP/1.1", "These bytes arrived encrypted, in the TLS records of frame 4",
             "same HTTP");
    dec_record_free(&d);

    dec_record_init(&d, 1);
    struct dec_stage *s = add_stage(&d, DEC_STAGE_ENCRYPTED, -1, NULL);
    s->dir = TR_DIR_S2C;
    s->length = 4321;
    s->records = 3;
    struct dec_stage *s2 = add_stage(&d, DEC_STAGE_ENCRYPTED, -1, NULL);
    s2->dir = TR_DIR_C2S;
    s2->length = 99;
    s2->records = 1;
    add_note(&d, DEC_NOTE_TLS_NO_KEYS, 1);
    /* the stage of the note's frame tells the note once, the next says why */
    EXPECT_K(&d, 0, "4321 bytes from the server to the client in 3 TLS records, in frame 1",
             "what an eavesdropper sees", "No TLS keys, frame 1", "SSLKEYLOGFILE", "--keylog");
    char *t = explain_ok(&d, 0);
    if (strstr(t, "Why httpstep cannot read them"))
        fail_msg("the note's reason twice in:\n%s", t);
    free(t);
    EXPECT_K(&d, 1, "99 bytes from the client to the server in 1 TLS record, in frame 2",
             "Why httpstep cannot read them: it has no key for this TLS session", "--keylog");
    dec_record_free(&d);
    dec_record_init(&d, 1);
    s = add_stage(&d, DEC_STAGE_ENCRYPTED, -1, NULL);
    s->length = 80;
    s->records = 1;
    add_note(&d, DEC_NOTE_TLS_DECRYPT_ERROR, 1);
    EXPECT_K(&d, 0, "80 bytes from the client to the server in 1 TLS record,",
             "authentication tag did not match", "written during this very capture");
    t = explain_ok(&d, 0);
    if (strstr(t, "SSLKEYLOGFILE=/tmp/keys.log"))  /* a key log was given: no how-to */
        fail_msg("the key log how-to after a decryption error:\n%s", t);
    free(t);
    dec_record_free(&d);
}

/* The captures of tests/data/tls and tests/data/h2, read with their key
 * logs; the figures are tshark's (-o tls.keylog_file:..., -d ...,http2):
 * tls13-h2: ServerHello suite 0x1302 with ALPN h2, client SETTINGS
 * INITIAL_WINDOW_SIZE 33554432 in frame 10, HEADERS of 35 bytes on stream
 * 1 (frame 13) and 16 on stream 3 (frame 17); h2c-upgrade-rst: RST_STREAM
 * error 8 (CANCEL) on stream 3 in frame 17 while stream 5 is open, GOAWAY
 * last stream 0 in frame 25; h2c-nghttp-push: frame 8 holds PUSH_PROMISEs
 * on streams 13 and 15 promising 2 and 4 */
static void test_https_h2_captures(void **state)
{
    (void)state;
    struct loaded l;
    keylog = "tests/data/tls/tls13-h2.keys";
    load("tests/data/tls/tls13-h2.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_TLS_CLIENT_HELLO, 0, "server name (SNI) localhost",
           "(ALPN) h2, http/1.1", "TLS 1.3, TLS 1.2");
    EXPECT(&l, 0, DEC_STAGE_TLS_SERVER_HELLO, 0, "cipher suite TLS_AES_256_GCM_SHA384",
           "the server chose h2 (ALPN)", "CN=localhost, issued by CN=localhost", "self-signed",
           "httpstep decrypted the server's flight with the SERVER_HANDSHAKE_TRAFFIC_SECRET "
           "from tests/data/tls/tls13-h2.keys line 1,");
    EXPECT(&l, 0, DEC_STAGE_TLS_CLIENT_FINISHED, 0, "httpstep read it with the "
           "CLIENT_HANDSHAKE_TRAFFIC_SECRET from tests/data/tls/tls13-h2.keys line 4.");
    EXPECT(&l, 0, DEC_STAGE_H2_PREFACE, 0, "in frame 10", "INITIAL_WINDOW_SIZE=33554432",
           "chose HTTP/2 in the TLS handshake", "These bytes arrived encrypted",
           "decrypted them with the CLIENT_TRAFFIC_SECRET_0 from tests/data/tls/tls13-h2.keys "
           "line 5,");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BODY, 0, "were decrypted with the SERVER_TRAFFIC_SECRET_0 "
           "from tests/data/tls/tls13-h2.keys line 3.");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "Stream 1, a HEADERS frame in frame 13",
           ":path /hello.txt", ":authority localhost");
    /* a header is named as the message spells it: HTTP/2 in lower case */
    EXPECT(&l, 0, DEC_STAGE_REQUEST_HEADERS, 0, "a header block of 35 bytes (HPACK)",
           "user-agent: curl/7.88.1. The program that sends the request",
           "accept: */*. The kinds of content");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_HEADERS, 1, "a header block of 16 bytes (HPACK)",
           "(stream 1) took 35 bytes, this one 16");
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BODY, 0, "14 bytes of text/plain (HTTP/2 DATA frames)",
           "It begins: Hello, HTTPS!");
    EXPECT(&l, 0, DEC_STAGE_HANDSHAKE, 0, "httpstep was given the TLS secrets");
    unload(&l);
    /* --json: the ClientHello at 1796235013.404834, the client's Finished at .451981 */
    keylog = "tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.keys";
    load("tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_KEEP_ALIVE, 0, "a new TLS handshake, which took 47.147 ms");
    EXPECT(&l, 0, DEC_STAGE_TLS_SERVER_HELLO, 0, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
           "ServerKeyExchange message", "travels in clear text, so an eavesdropper reads it");
    EXPECT(&l, 0, DEC_STAGE_TLS_CLIENT_FINISHED, 0, "httpstep read it with the CLIENT_RANDOM "
           "master secret from tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.keys line 1.");
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 0, "decrypted with the CLIENT_RANDOM master secret "
           "from tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.keys line 1");
    unload(&l);
    keylog = "tests/data/tls/tls13-keyupdate.keys";
    load("tests/data/tls/tls13-keyupdate.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "decrypted them with the CLIENT_TRAFFIC_SECRET_0 "
           "from tests/data/tls/tls13-keyupdate.keys line 6 (the secret derived from it by 1 "
           "KeyUpdate)");
    unload(&l);
    keylog = "tests/data/tls/tls13-0rtt.keys";
    load("tests/data/tls/tls13-0rtt.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "GET /early HTTP/1.1",
           "before the client's Finished (frame 8): it is 0-RTT early data",
           "decrypted them with the CLIENT_EARLY_TRAFFIC_SECRET from tests/data/tls/tls13-0rtt.keys "
           "line 3,");
    unload(&l);
    keylog = "tests/data/tls/tls13-hrr.keys";
    load("tests/data/tls/tls13-hrr.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_TLS_SERVER_HELLO, 0, "messages: HelloRetryRequest",
           "instead of a ServerHello the server answers with a HelloRetryRequest");
    unload(&l);
    keylog = NULL;
    load("tests/data/h2/h2c-upgrade-rst.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_H2_PREFACE, 0, "Upgrade: h2c", "SETTINGS_ENABLE_PUSH = 1");
    EXPECT(&l, 0, DEC_STAGE_STREAM_END, 1, "Stream 3 ends, in frame 17: RST_STREAM from the "
           "client, error code CANCEL", "While stream 3 was in progress, stream 5 was too");
    EXPECT(&l, 0, DEC_STAGE_GOAWAY, 0, "GOAWAY from the client, in frame 25: last stream 0");
    unload(&l);
    /* samples/16-http2 (secrets in the pcapng): conn_end.h2 max_open 2, stream 5's
     * HEADERS (frame 18) before stream 3's answer (frame 20) */
    load("samples/16-http2.pcapng", &l);
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 2, "Stream 5, a HEADERS frame in frame 18",
           "While stream 5 was in progress, stream 3 was too");
    EXPECT(&l, 0, DEC_STAGE_TLS_SERVER_HELLO, 0, "with the SERVER_HANDSHAKE_TRAFFIC_SECRET from "
           "the Decryption Secrets Block number 1 of samples/16-http2.pcapng, line 1 of its text");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "Stream 1");
    char *t1 = explain_nth(&l, 0, DEC_STAGE_REQUEST_LINE, 0);
    if (strstr(t1, "While stream 1"))  /* stream 1 ended (frame 15) before 3 began (17) */
        fail_msg("stream 1 said to be multiplexed:\n%s", t1);
    free(t1);
    unload(&l);
    load("tests/data/h2/h2c-nghttp-push.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_H2_PREFACE, 0, "h2c, HTTP/2 in clear text, by prior knowledge");
    EXPECT(&l, 0, DEC_STAGE_PUSH_PROMISE, 0,
           "PUSH_PROMISE in frame 8: the server promises stream 2, for GET /style.css");
    EXPECT(&l, 0, DEC_STAGE_PUSH_PROMISE, 1, "promises stream 4, for GET /style.css");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "streams 15, 2, 4 were too");
    unload(&l);
}

/* The Chinese translation, when its .mo was built ($BUILD/locale or
 * build/locale, by make) and the C.UTF-8 locale exists: real values in the
 * translated texts, and the short step labels within the stepper row. */
static void test_chinese(void **state)
{
    (void)state;
    tu_zh_catalog();
    struct loaded l;
    load("samples/08-status-codes.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_STATUS_LINE, 3, "304 Not Modified",
           "（If-Modified-Since: Mon, 02 Sep 2024 08:00:00 GMT）", "缓存");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_HEADERS, 5, "用户名是 teacher，密码是 chalk");
    EXPECT(&l, 0, DEC_STAGE_HANDSHAKE, 0, "三次握手", "0.042 毫秒");
    unload(&l);
    load("samples/07-gzip-chunked.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_RESPONSE_BODY, 0, "分块传输", "有 1 个数据块", "5d9", "3283 字节");
    unload(&l);
    load("samples/17-dns-lookup.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_DNS_LOOKUP, 0, "第 0 步：客户端 10.77.1.2", "DNS 解析器 10.77.1.53",
           "地址 10.77.1.1，也就是这条连接的服务器", "TTL（生存时间）300：在 5 分钟之内",
           "10.77.1.1（TTL 300 秒）", "（第 1、2 帧）。");
    unload(&l);
    /* which key log line decrypted what: the secrets inside the pcapng, and a
     * key log file (TLS 1.2's master secret) */
    load("samples/15-https-decrypted.pcapng", &l);
    EXPECT(&l, 0, DEC_STAGE_TLS_SERVER_HELLO, 0, "httpstep 用 samples/15-https-decrypted.pcapng "
           "中第 1 个解密秘密块（Decryption Secrets Block）文本第 1 行的 "
           "SERVER_HANDSHAKE_TRAFFIC_SECRET 解密了服务器的这一轮消息");
    EXPECT(&l, 0, DEC_STAGE_REQUEST_LINE, 0, "文本第 5 行的 CLIENT_TRAFFIC_SECRET_0 解密了它们");
    unload(&l);
    keylog = "tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.keys";
    load("tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_TLS_CLIENT_FINISHED, 0, "httpstep 用 "
           "tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.keys 第 1 行的主秘密 CLIENT_RANDOM 读出了它。");
    unload(&l);
    keylog = NULL;
    {
        struct lookups k;
        load_lookups("samples/18-dns-nxdomain.pcap", &k);
        struct tr_sbuf b = {0};
        teach_explain_lookup(k.l[0], NULL, &b);
        expect_in(b.p, "NXDOMAIN（域名不存在，RCODE 3）：解析器说名字 wwww.lesson.test 根本不存在");
        tr_sb_free(&b);
        unload_lookups(&k);
    }
    check_sentences(1);
    char dur[32];
    assert_string_equal(teach_fmt_duration(35, false, dur, sizeof dur), "35 微秒");
    assert_string_equal(teach_fmt_duration(1400, false, dur, sizeof dur), "1.4 毫秒");
    assert_string_equal(teach_fmt_duration(35, true, dur, sizeof dur), "35\xc2\xb5s");
    /* every stage of every capture in Chinese: the decoder's English words
     * and the TLS note's English are gone, the status code registry is not
     * the Windows Registry, no paragraph starts with closing punctuation */
    static const char *const english[] = {
        "httpstep's reader says", "bytes of the client's stream", "bytes of the server's stream",
        "a TLS handshake (HTTPS)", "the capture starts after", "the snaplen cut", NULL};
    for (const char *const *c = captures; *c; c++) {
        load(*c, &l);
        for (size_t i = 0; i < l.nconns; i++)
            for (size_t k = 0; k < l.conns[i].nstgs; k++) {
                char *t = explain(&l.conns[i], (int)k);
                for (const char *const *w = english; *w; w++)
                    if (strstr(t, *w))
                        fail_msg("%s, stage %zu: English \"%s\" in:\n%s", *c, k, *w, t);
                if (strstr(t, "注册表") || strstr(t, "畸形"))
                    fail_msg("%s, stage %zu: 注册表 or 畸形 in:\n%s", *c, k, t);
                for (const char *p = t; p; p = strstr(p, "\n\n")) {
                    p += p == t ? 0 : 2;
                    static const char *const closing[] = {"，", "、", "。", "：", "；", "）",
                                                          NULL};
                    for (const char *const *cl = closing; *cl; cl++)
                        if (strncmp(p, *cl, strlen(*cl)) == 0)
                            fail_msg("%s, stage %zu: a paragraph starts with %s:\n%s", *c, k, *cl,
                                     t);
                    if (!*p)
                        break;
                }
                free(t);
            }
        unload(&l);
    }
    load("samples/13-https.pcap", &l);
    EXPECT(&l, 0, DEC_STAGE_TLS_CLIENT_HELLO, 0,
           "客户端请求的服务器名称是 class.example；服务器选定了 TLS 1.3。", "第 1b 步");
    EXPECT(&l, 0, DEC_STAGE_ENCRYPTED, 1, "179 字节从客户端发往服务器，共 3 条 TLS 记录",
           "httpstep 读不了它们的原因");
    unload(&l);
    /* HTTPS and HTTP/2 in Chinese: the capture's values in every text, and
     * no English sentence left */
    struct dec_record hd;
    https_h2_record(&hd);
    EXPECT_K(&hd, 0, "服务器名称（SNI）class.example", "提供的应用协议（ALPN）h2，http/1.1",
             "第 1b 步", "以明文传送");
    EXPECT_K(&hd, 1, "TLS_AES_128_GCM_SHA256", "AES_128_GCM：加密每条记录",
             "CN=class.example，由 CN=httpstep test CA 签发");
    EXPECT_K(&hd, 2, "第 1d 步", "1.500 毫秒", "TLS 1.3 只需要一次往返");
    EXPECT_K(&hd, 3, "第 1e 步", "SETTINGS_MAX_CONCURRENT_STREAMS = 100：客户端最多接受服务器同时打开 100 个流");
    EXPECT_K(&hd, 5, "HTTP/2 中的第 2 步", ":authority class.example", "流 1 进行的同时，同一连接上的流 3 也在进行");
    EXPECT_K(&hd, 6, "40 字节", "120 字节", "33%");
    EXPECT_K(&hd, 9, "流 2", "GET /style.css", "第 6c 步", "流 1");
    EXPECT_K(&hd, 14, "RST_STREAM", "CANCEL", "这个流不再需要了");
    EXPECT_K(&hd, 15, "最后的流 3", "NO_ERROR");
    for (size_t k = 0; k < hd.nstgs; k++) {
        char *t = explain_ok(&hd, (int)k);
        if (strstr(t, " the ") || strstr(t, "Step ") || strstr(t, " stream "))
            fail_msg("stage %zu: English in:\n%s", k, t);
        free(t);
    }
    dec_record_free(&hd);
    /* and the captures of tests/data/tls and h2, decrypted */
    static const char *const more[][2] = {
        {"tests/data/tls/tls13-h2.pcap", "tests/data/tls/tls13-h2.keys"},
        {"tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.pcap",
         "tests/data/tls/tls12-ecdhe-rsa-aes128-gcm.keys"},
        {"tests/data/tls/tls13-0rtt.pcap", "tests/data/tls/tls13-0rtt.keys"},
        {"tests/data/tls/tls13-hrr.pcap", "tests/data/tls/tls13-hrr.keys"},
        {"tests/data/h2/h2c-upgrade-rst.pcap", NULL},
        {"tests/data/h2/h2c-nghttp-push.pcap", NULL},
    };
    for (size_t c = 0; c < sizeof more / sizeof more[0]; c++) {
        keylog = more[c][1];
        load(more[c][0], &l);
        for (size_t i = 0; i < l.nconns; i++)
            for (size_t k = 0; k < l.conns[i].nstgs; k++) {
                char *t = explain(&l.conns[i], (int)k);
                expect_clean(t);
                /* (a body's excerpt may be English: look for the texts' own words) */
                static const char *const words[] = {"Step ", "Stream ", " stream ", "in frame",
                                                    "header block", "pseudo-header", "The server",
                                                    "The client", "encrypted", NULL};
                for (const char *const *w = words; *w; w++)
                    if (strstr(t, *w))
                        fail_msg("%s, stage %zu: English \"%s\" in:\n%s", more[c][0], k, *w, t);
                free(t);
            }
        unload(&l);
    }
    keylog = NULL;
    assert_string_equal(teach_stage_title(DEC_STAGE_STATUS_LINE), "状态行");
    size_t cols = 0;
    for (int step = 1; step <= 7; step++) {
        const char *label = teach_step_label(step, true);
        wchar_t w[64];
        size_t n = mbstowcs(w, label, 64);
        assert_true(n != (size_t)-1 && n < 64);
        int width = wcswidth(w, n);
        assert_true(width > 0);
        cols += (size_t)width + 2;
    }
    /* the stepper row fits them in 80 columns, with one space between
     * steps when " > " would not fit */
    cols += 6 * strlen(" ");
    assert_true(cols < 78);
    unsetenv("LANGUAGE");
    setlocale(LC_ALL, "C");
}

/* ------------------------------------------------------------- main -- */

static int dump(const char *path)
{
    setlocale(LC_ALL, "");
    const char *dir = getenv("HTTPSTEP_LOCALEDIR");
    if (dir)
        bindtextdomain("httpstep", dir);
    textdomain("httpstep");
    keylog = getenv("HTTPSTEP_KEYLOG");
    struct loaded l;
    load(path, &l);
    for (size_t i = 0; i < l.nconns; i++) {
        const struct dec_record *d = &l.conns[i];
        for (size_t k = 0; k < d->nstgs; k++) {
            char *t = explain(d, (int)k);
            printf("=== connection %zu, stage %zu: %s (exchange %lld)\n%s\n\n", i + 1, k,
                   teach_stage_title(d->stgs[k]->kind), (long long)d->stgs[k]->exchange, t);
            free(t);
        }
    }
    unload(&l);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--dump") == 0)
        return dump(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_stage),
        cmocka_unit_test(test_lead_and_numbers),
        cmocka_unit_test(test_classic_get),
        cmocka_unit_test(test_keep_alive),
        cmocka_unit_test(test_browser),
        cmocka_unit_test(test_login_form),
        cmocka_unit_test(test_upload),
        cmocka_unit_test(test_expect_continue),
        cmocka_unit_test(test_gzip_chunked),
        cmocka_unit_test(test_status_codes),
        cmocka_unit_test(test_methods),
        cmocka_unit_test(test_pipelining_http10_lossy),
        cmocka_unit_test(test_https),
        cmocka_unit_test(test_test_data),
        cmocka_unit_test(test_every_status),
        cmocka_unit_test(test_methods_and_targets),
        cmocka_unit_test(test_headers),
        cmocka_unit_test(test_notes),
        cmocka_unit_test(test_bodies),
        cmocka_unit_test(test_sentences),
        cmocka_unit_test(test_close_packets),
        cmocka_unit_test(test_header_values),
        cmocka_unit_test(test_status_cases),
        cmocka_unit_test(test_steps),
        cmocka_unit_test(test_stage_numbers),
        cmocka_unit_test(test_labels),
        cmocka_unit_test(test_dns_lookup),
        cmocka_unit_test(test_https_h2_stages),
        cmocka_unit_test(test_tls12_and_encrypted),
        cmocka_unit_test(test_https_h2_captures),
        cmocka_unit_test(test_chinese),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
