/* fuzz_content.c - content decoding (dec_content_*), the TLS hello parser
 * (dec_tls_parse_hello) and the pure line parsers of decode/parse.c
 *
 * Input: byte 0: bits 0-2 the Content-Encoding (table below), bits 3-5 the
 * size of the pieces the body is fed in {1, 7, 64, 512, 4096, 16384, all,
 * all}, bits 6-7 the bytes kept {0, 16, 64, 4096}; the rest is the body.
 * The same bytes then go to dec_tls_parse_hello and the line parsers.
 * Without br, the body is decoded again, fed whole: the length, the reason
 * and the kept bytes must not depend on the pieces (br's output before an
 * error does: libbrotlidec flushes when it runs out of input).
 */
#include "fuzz_common.h"

static const char *const codings[8] = {
    "gzip", "deflate", "br", "gzip, br", "x-gzip", "deflate, gzip", "identity, br", "br, deflate",
};

static void check_span(struct dec_span s, size_t used, const char *what)
{
    FZ_CHECK(s.off <= used && s.len <= used - s.off, "%s span %u+%u past %zu", what, s.off, s.len,
             used);
}

static void parsers(const uint8_t *p, size_t n)
{
    struct dec_reqline rl;
    int rc = dec_parse_request_line(p, n, &rl);
    FZ_CHECK(rc == DEC_INCOMPLETE || rc == DEC_INVALID || (rc > 0 && (size_t)rc <= n), "rc %d", rc);
    if (rc > 0) {
        check_span(rl.method, (size_t)rc, "method");
        check_span(rl.target, (size_t)rc, "target");
        check_span(rl.version, (size_t)rc, "version");
        FZ_CHECK(rl.method.len > 0 && rl.target.len > 0, "empty method or target");
    }
    struct dec_statusline sl;
    rc = dec_parse_status_line(p, n, &sl);
    FZ_CHECK(rc == DEC_INCOMPLETE || rc == DEC_INVALID || (rc > 0 && (size_t)rc <= n), "rc %d", rc);
    if (rc > 0) {
        check_span(sl.version, (size_t)rc, "version");
        check_span(sl.code, (size_t)rc, "code");
        check_span(sl.reason, (size_t)rc, "reason");
        FZ_CHECK(sl.status >= 0, "status %d", sl.status);
    }
    uint64_t size = 0;
    rc = dec_parse_chunk_size(p, n, &size);
    FZ_CHECK(rc == DEC_INCOMPLETE || rc == DEC_INVALID || (rc > 0 && (size_t)rc <= n), "rc %d", rc);
    if (rc > 0)
        FZ_CHECK(size < (1ULL << 62), "chunk size %llu", (unsigned long long)size);
    (void)dec_looks_like_request(p, n);
    (void)dec_looks_like_response(p, n);
    (void)dec_looks_like_tls(p, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t pieces[8] = {1, 7, 64, 512, 4096, 16384, SIZE_MAX, SIZE_MAX};
    static const size_t keeps[4] = {0, 16, 64, 4096};
    if (size < 1)
        return 0;
    uint8_t b = data[0];
    const uint8_t *body = data + 1;
    size_t n = size - 1;
    const char *coding = codings[b & 7];
    size_t piece = pieces[(b >> 3) & 7], keep = keeps[b >> 6];

    /* the coding string in an exact block: it is not NUL-terminated in a
     * message's arena either */
    size_t clen = strlen(coding);
    char *cs = (char *)fz_dup((const uint8_t *)coding, clen);
    bool unknown = true;
    struct dec_content *dc = dec_content_new(cs, clen, &unknown);
    free(cs);
    FZ_CHECK(dc != NULL && !unknown, "'%s' not taken", coding);
    if (keep)
        dec_content_keep(dc, keep);
    bool ok = true;
    for (size_t i = 0; i < n;) {
        size_t k = n - i < piece ? n - i : piece;
        uint8_t *copy = fz_dup(body + i, k);  /* borrowed for the call */
        bool r = dec_content_feed(dc, copy, k);
        free(copy);
        FZ_CHECK(ok || !r, "the data was bad, then good again");
        ok = r;
        i += k;
    }
    const char *why = NULL;
    int64_t out = dec_content_finish(dc, &why);
    size_t kept_len;
    const uint8_t *kept = dec_content_kept(dc, &kept_len);
    if (!strstr(coding, "br") && piece < n) {
        char *cs2 = (char *)fz_dup((const uint8_t *)coding, clen);
        struct dec_content *whole = dec_content_new(cs2, clen, &unknown);
        free(cs2);
        if (keep)
            dec_content_keep(whole, keep);
        uint8_t *copy = fz_dup(body, n);
        dec_content_feed(whole, copy, n);
        free(copy);
        const char *why2 = NULL;
        int64_t out2 = dec_content_finish(whole, &why2);
        size_t kept2_len;
        const uint8_t *kept2 = dec_content_kept(whole, &kept2_len);
        /* the bomb cap counts the bytes fed so far: fed whole, it is reached later */
        bool bomb = (why && strstr(why, "bomb")) || (why2 && strstr(why2, "bomb"));
        if (!bomb)
            FZ_CHECK(out2 == out && (why == NULL) == (why2 == NULL) && (!why || !strcmp(why, why2)),
                     "in pieces of %zu: %lld '%s'; whole: %lld '%s'", piece, (long long)out,
                     why ? why : "", (long long)out2, why2 ? why2 : "");
        if (!bomb)
            FZ_CHECK(kept2_len == kept_len && (!kept_len || !memcmp(kept, kept2, kept_len)),
                     "in pieces of %zu: kept %zu bytes; whole: %zu, or other ones", piece,
                     kept_len, kept2_len);
        dec_content_free(whole);
    }
    FZ_CHECK(kept_len <= keep, "kept %zu of %zu", kept_len, keep);
    FZ_CHECK(kept_len == 0 || kept != NULL, "kept bytes without a buffer");
    if (out < 0)
        FZ_CHECK(why != NULL, "a bad body without a reason");
    else
        FZ_CHECK((uint64_t)out >= kept_len, "decoded %lld, kept %zu", (long long)out, kept_len);
    FZ_CHECK(!ok ? out < 0 : 1, "bad data, yet a decoded length");
    dec_content_free(dc);

    struct dec_tls_hello h;
    int rc = dec_tls_parse_hello(body, n, &h);
    FZ_CHECK(rc == DEC_INCOMPLETE || rc == DEC_INVALID || (rc >= 0 && (size_t)rc <= n), "rc %d", rc);
    if (rc >= 0) {
        FZ_CHECK(h.type == 0 || h.type == 1 || h.type == 2, "type %d", h.type);
        FZ_CHECK(memchr(h.sni, '\0', sizeof h.sni) != NULL, "sni not terminated");
        (void)dec_tls_version_name(h.version);
    }
    parsers(body, n);
    return 0;
}
