/* test_content.c - content decoding (dec_content_*: gzip, x-gzip, deflate
 * zlib-wrapped and raw, br, lists of them) and TLS hello parsing
 * (dec_tls_parse_hello), called directly
 */
#include "testutil.h"

/* a body that compresses well but not trivially */
static uint8_t *make_text(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    uint32_t x = 7;
    for (size_t i = 0; i < n; i++) {
        x = x * 1664525u + 1013904223u;
        p[i] = (uint8_t)("the quick brown fox jumps over the lazy dog\n"[(x >> 24) % 44]);
    }
    return p;
}

/* feed in pieces of `step` bytes (0: all at once, SIZE_MAX: random) */
static int64_t decode_all(const char *coding, const uint8_t *in, size_t n, size_t step,
                          size_t keep, const uint8_t **kept, size_t *kept_len, const char **why,
                          struct dec_content **out)
{
    bool unknown = true;
    struct dec_content *dc = dec_content_new(coding, strlen(coding), &unknown);
    assert_false(unknown);
    assert_non_null(dc);
    if (keep)
        dec_content_keep(dc, keep);
    uint32_t x = 99;
    size_t i = 0;
    while (i < n) {
        size_t k = step == 0 ? n : step;
        if (step == SIZE_MAX) {
            x = x * 1664525u + 1013904223u;
            k = 1 + (x >> 16) % 700;
        }
        if (k > n - i)
            k = n - i;
        /* each piece in a block of its own size: ASan sees any over-read */
        uint8_t *piece = malloc(k);
        memcpy(piece, in + i, k);
        dec_content_feed(dc, piece, k);
        free(piece);
        i += k;
    }
    int64_t r = dec_content_finish(dc, why);
    *kept = dec_content_kept(dc, kept_len);
    *out = dc;
    return r;
}

/* ------------------------------------------------------------- codings -- */

struct coding_case {
    const char *header;      /* the Content-Encoding value */
    enum tz_kind kinds[3];   /* in the order they were applied */
    int nkinds;
};

static const struct coding_case codings[] = {
    {"gzip", {TZ_GZIP}, 1},
    {"x-gzip", {TZ_GZIP}, 1},
    {"GZip", {TZ_GZIP}, 1},
    {"deflate", {TZ_ZLIB}, 1},
    {"deflate", {TZ_RAW}, 1},
    {"br", {TZ_BR}, 1},
    {"identity, gzip", {TZ_GZIP}, 1},
    {"deflate, gzip", {TZ_ZLIB, TZ_GZIP}, 2},
    {"gzip,br", {TZ_GZIP, TZ_BR}, 2},
    {" br , deflate ", {TZ_BR, TZ_RAW}, 2},
    {"gzip, gzip, deflate", {TZ_GZIP, TZ_GZIP, TZ_ZLIB}, 3},
};

static uint8_t *encode_layers(const struct coding_case *cc, const uint8_t *plain, size_t n,
                              size_t *out_len)
{
    uint8_t *cur = malloc(n);
    memcpy(cur, plain, n);
    size_t len = n;
    for (int k = 0; k < cc->nkinds; k++) {
        size_t next_len;
        uint8_t *next = tz_compress(cc->kinds[k], cur, len, &next_len);
        free(cur);
        if (!next)
            return NULL;
        cur = next;
        len = next_len;
    }
    *out_len = len;
    return cur;
}

static void test_roundtrip(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 100, 70000};
    static const size_t steps[] = {0, 1, 7, SIZE_MAX};
    int skipped = 0;
    for (size_t s = 0; s < NELEM(sizes); s++) {
        uint8_t *plain = make_text(sizes[s]);
        for (size_t i = 0; i < NELEM(codings); i++) {
            const struct coding_case *cc = &codings[i];
            size_t zlen;
            uint8_t *z = encode_layers(cc, plain, sizes[s], &zlen);
            if (!z) {
                skipped++;
                continue;
            }
            for (size_t st = 0; st < NELEM(steps); st++) {
                if (steps[st] == 1 && zlen > 5000)
                    continue;
                const uint8_t *kept;
                size_t kept_len;
                const char *why = "unset";
                struct dec_content *dc;
                int64_t r = decode_all(cc->header, z, zlen, steps[st], 64, &kept, &kept_len, &why,
                                       &dc);
                if (r != (int64_t)sizes[s])
                    fail_msg("%s (%d layers), %zu bytes, step %zu: %lld (%s)", cc->header,
                             cc->nkinds, sizes[s], steps[st], (long long)r, why ? why : "");
                assert_null(why);
                size_t want_kept = sizes[s] < 64 ? sizes[s] : 64;
                assert_int_equal(kept_len, want_kept);
                if (want_kept)
                    assert_memory_equal(kept, plain, want_kept);
                dec_content_free(dc);
            }
            free(z);
        }
        free(plain);
    }
    /* the brotli encoder is found at run time (libbrotlienc); say so when not */
    if (skipped)
        print_message("no brotli encoder: %d br cases skipped\n", skipped);
}

/* br without an encoder: a stream made beforehand */
static void test_brotli_fixed(void **state)
{
    (void)state;
    for (size_t step = 0; step <= 1; step++) {
        const uint8_t *kept;
        size_t kept_len;
        const char *why;
        struct dec_content *dc;
        int64_t r = decode_all("br", tz_br_hello, sizeof tz_br_hello, step, 100, &kept, &kept_len,
                               &why, &dc);
        assert_int_equal(r, strlen(TZ_BR_HELLO_TEXT));
        assert_int_equal(kept_len, strlen(TZ_BR_HELLO_TEXT));
        assert_memory_equal(kept, TZ_BR_HELLO_TEXT, kept_len);
        dec_content_free(dc);
    }
}

struct new_case {
    const char *header;
    bool decoder;            /* a decoder is made */
    bool unknown;
};

static const struct new_case news[] = {
    {"", false, false},
    {"identity", false, false},
    {"Identity , identity", false, false},
    {" , ", false, false},
    {"compress", false, true},
    {"x-compress", false, true},
    {"gzip, compress", false, true},
    {"zstd", false, true},
    {"gzipx", false, true},
    {"gzip;q=1", false, true},
    {"gzip", true, false},
    {"BR", true, false},
    {"deflate,deflate,deflate,deflate", true, false},
    {"deflate,deflate,deflate,deflate,deflate", false, true},
};

static void test_new(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(news); i++) {
        bool unknown = !news[i].unknown;
        struct dec_content *dc = dec_content_new(news[i].header, strlen(news[i].header), &unknown);
        if ((dc != NULL) != news[i].decoder || unknown != news[i].unknown)
            fail_msg("'%s': decoder %d unknown %d", news[i].header, dc != NULL, unknown);
        dec_content_free(dc);
    }
    dec_content_free(NULL);
    /* the length bounds the header: "gzip" inside a longer buffer */
    bool unknown;
    struct dec_content *dc = dec_content_new("gzipped", 4, &unknown);
    assert_non_null(dc);
    dec_content_free(dc);
}

/* ------------------------------------------------------------ bad data -- */

static void test_bad_data(void **state)
{
    (void)state;
    uint8_t *plain = make_text(5000);
    size_t glen, zlen, blen = 0;
    uint8_t *gz = tz_compress(TZ_GZIP, plain, 5000, &glen);
    uint8_t *zl = tz_compress(TZ_ZLIB, plain, 5000, &zlen);
    uint8_t *br = tz_compress(TZ_BR, plain, 5000, &blen);
    struct {
        const char *name, *coding;
        const uint8_t *data;
        size_t len;
        const char *why;      /* substring */
    } cases[] = {
        {"not gzip at all", "gzip", (const uint8_t *)"plain text, not gzip", 20, "header"},
        {"gzip cut short", "gzip", gz, glen / 2, "ends early"},
        {"gzip without its trailer", "gzip", gz, glen - 4, "ends early"},
        {"gzip with a bad CRC", "gzip", gz, 0, "check"},
        {"nothing at all", "gzip", gz, 0, "no compressed data"},
        {"one byte of deflate", "deflate", zl, 1, "ends early"},
        {"zlib cut short", "deflate", zl, zlen - 1, "ends early"},
        {"zlib with a bad checksum", "deflate", zl, 0, "check"},
        {"garbage as deflate", "deflate", (const uint8_t *)"\xff\xff\xff\xff\xff\xff", 6, ""},
        {"garbage as br", "br", (const uint8_t *)"\xff\xff\xff\xff\xff\xff\xff\xff", 8, ""},
        {"br cut short", "br", tz_br_hello, sizeof tz_br_hello - 3, "ends early"},
        {"br of the encoder cut short", "br", br, blen / 2, "ends early"},
        {"gzip inside br, br fine, gzip bad", "gzip, br", NULL, 0, "header"},
    };
    /* a flipped byte in the CRC, in the Adler-32, and a bad inner layer */
    uint8_t *gz_crc = malloc(glen);
    memcpy(gz_crc, gz, glen);
    gz_crc[glen - 6] ^= 0x55;
    cases[3].data = gz_crc;
    cases[3].len = glen;
    uint8_t *zl_sum = malloc(zlen);
    memcpy(zl_sum, zl, zlen);
    zl_sum[zlen - 1] ^= 0x55;
    cases[7].data = zl_sum;
    cases[7].len = zlen;
    size_t layered_len = 0;
    uint8_t *layered = tz_compress(TZ_BR, "this is not gzip data at all", 28, &layered_len);
    cases[12].data = layered;
    cases[12].len = layered_len;
    for (size_t i = 0; i < NELEM(cases); i++) {
        if ((i == 11 && !br) || (i == 12 && !layered))
            continue;  /* no brotli encoder */
        for (size_t step = 0; step <= 1; step++) {
            const uint8_t *kept;
            size_t kept_len;
            const char *why = NULL;
            struct dec_content *dc;
            int64_t r = decode_all(cases[i].coding, cases[i].data, cases[i].len, step, 16, &kept,
                                   &kept_len, &why, &dc);
            if (r != -1 || !why || !strstr(why, cases[i].why))
                fail_msg("%s (step %zu): %lld, '%s'", cases[i].name, step, (long long)r,
                         why ? why : "(null)");
            /* more input after the error changes nothing */
            assert_false(dec_content_feed(dc, plain, 100));
            assert_int_equal(dec_content_finish(dc, &why), -1);
            dec_content_free(dc);
        }
    }
    free(gz_crc);
    free(zl_sum);
    free(layered);
    free(gz);
    free(zl);
    free(br);
    free(plain);
}

/* Damaged data gives the same length, reason and kept bytes however it is
 * cut into pieces (with ISA-L, whose output up to an error depends on the
 * calls, content.c feeds it fixed chunks; it also drops the output of the
 * failing call, which may hold bytes never decoded). Not br: libbrotlidec
 * flushes its output when it runs out of input, so before an error it has
 * put out more when fed less at a time. */
static void test_damaged_any_split(void **state)
{
    (void)state;
    static const char *const headers[] = {"gzip", "deflate", "deflate", "gzip, gzip"};
    static const struct coding_case *cases[NELEM(headers)];
    cases[0] = &codings[0];
    cases[1] = &codings[3];
    cases[2] = &codings[4];
    cases[3] = NULL;
    static const size_t steps[] = {0, 1, 7, 1448, 4095, 4097, SIZE_MAX};
    uint8_t *plain = make_text(20000);
    for (size_t i = 0; i < NELEM(headers); i++) {
        struct coding_case twice = {"gzip, gzip", {TZ_GZIP, TZ_GZIP}, 2};
        const struct coding_case *cc = cases[i] ? cases[i] : &twice;
        size_t zlen;
        uint8_t *z = encode_layers(cc, plain, 20000, &zlen);
        if (!z)
            continue;  /* no brotli encoder */
        for (size_t at = 12; at < zlen; at += zlen / 9 + 1) {
            z[at] ^= 0x5a;
            int64_t want = 0;
            const char *want_why = NULL;
            uint8_t want_kept[256];
            size_t want_len = 0;
            for (size_t st = 0; st < NELEM(steps); st++) {
                const uint8_t *kept;
                size_t kept_len;
                const char *why = NULL;
                struct dec_content *dc;
                int64_t r = decode_all(headers[i], z, zlen, steps[st], sizeof want_kept, &kept,
                                       &kept_len, &why, &dc);
                if (st == 0) {
                    want = r;
                    want_why = why;
                    want_len = kept_len;
                    if (kept_len)
                        memcpy(want_kept, kept, kept_len);
                } else if (r != want || (why == NULL) != (want_why == NULL) ||
                           (why && strcmp(why, want_why) != 0) || kept_len != want_len ||
                           (kept_len && memcmp(kept, want_kept, kept_len) != 0)) {
                    fail_msg("%s, byte %zu flipped, step %zu: %lld '%s' kept %zu; whole: %lld "
                             "'%s' kept %zu", headers[i], at, steps[st], (long long)r,
                             why ? why : "", kept_len, (long long)want, want_why ? want_why : "",
                             want_len);
                }
                dec_content_free(dc);
            }
            z[at] ^= 0x5a;
        }
        free(z);
    }
    free(plain);
}

/* bytes after the end of the compressed stream are ignored (as zlib's own
 * tools do); a huge output is counted, never kept beyond the cap */
static void test_trailing_and_bomb(void **state)
{
    (void)state;
    uint8_t *plain = make_text(1000);
    size_t glen;
    uint8_t *gz = tz_compress(TZ_GZIP, plain, 1000, &glen);
    uint8_t *more = malloc(glen + 10);
    memcpy(more, gz, glen);
    memcpy(more + glen, "JUNKJUNKJU", 10);
    const uint8_t *kept;
    size_t kept_len;
    const char *why;
    struct dec_content *dc;
    assert_int_equal(decode_all("gzip", more, glen + 10, 0, 0, &kept, &kept_len, &why, &dc), 1000);
    assert_null(kept);
    assert_int_equal(kept_len, 0);
    dec_content_free(dc);

    size_t big = 50u << 20;
    uint8_t *zeros = calloc(1, big);
    size_t zlen;
    uint8_t *bomb = tz_compress(TZ_GZIP, zeros, big, &zlen);
    free(zeros);
    assert_true(zlen < 100000);
    assert_int_equal(decode_all("gzip", bomb, zlen, 0, 8, &kept, &kept_len, &why, &dc), (int64_t)big);
    assert_int_equal(kept_len, 8);
    dec_content_free(dc);
    free(bomb);
    free(more);
    free(gz);
    free(plain);
}

/* A nested bomb (gzip inside gzip: 256 MiB of zeros in about a kilobyte)
 * is refused as soon as the layers' output passes DEC_CONTENT_MAX_RATIO
 * times the bytes fed plus the slack, not after its 256 MiB: the refusal
 * path runs, and a cap raised tenfold (or a thousandfold) fails here. */
static void test_bomb_refused(void **state)
{
    (void)state;
    size_t big = 256u << 20;
    uint8_t *zeros = calloc(1, big);
    assert_non_null(zeros);
    size_t l1, l2;
    uint8_t *once = tz_compress(TZ_GZIP, zeros, big, &l1);
    free(zeros);
    uint8_t *twice = tz_compress(TZ_GZIP, once, l1, &l2);
    free(once);
    assert_true(l2 < 4096);
    for (size_t step = 0; step <= 1; step++) {  /* whole, then a byte at a time */
        const uint8_t *kept;
        size_t kept_len;
        const char *why = NULL;
        struct dec_content *dc;
        int64_t r = decode_all("gzip, gzip", twice, l2, step, 16, &kept, &kept_len, &why, &dc);
        assert_int_equal(r, -1);
        assert_non_null(why);
        assert_non_null(strstr(why, "decompression bomb"));
        uint64_t produced = dec_content_produced(dc);
        /* the documented cap, 2048:1 plus 16 MiB (README, decode.h), in
         * figures: the test fails if the constant drifts; every layer may
         * finish one output buffer (16 KiB) past the check */
        uint64_t bound = (uint64_t)l2 * 2048 + (16u << 20) + (64u << 10);
        if (produced > bound)
            fail_msg("refused after %llu bytes, past the bound %llu",
                     (unsigned long long)produced, (unsigned long long)bound);
        assert_true(produced < big / 8);
        assert_int_equal(kept_len, 16);
        dec_content_free(dc);
    }
    free(twice);
}

/* random bytes under every coding: any outcome, no crash, no over-read */
static void test_hostile_random(void **state)
{
    (void)state;
    static const char *const cs[] = {"gzip", "deflate", "br", "gzip, deflate", "br, gzip"};
    uint32_t x = 4242;
    uint8_t buf[600];
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        x = x * 1664525u + 1013904223u;
        n = (x >> 8) % sizeof buf;
        for (size_t i = 0; i < n; i++) {
            x = x * 1664525u + 1013904223u;
            buf[i] = (uint8_t)(x >> 24);
        }
        if (n > 2 && round % 3 == 0) {
            buf[0] = 0x1f;  /* a gzip magic: deeper into inflate */
            buf[1] = 0x8b;
            buf[2] = 8;
        }
        const uint8_t *kept;
        size_t kept_len;
        const char *why;
        struct dec_content *dc;
        int64_t r = decode_all(cs[round % NELEM(cs)], buf, n, round % 2 ? 3 : 0, 32, &kept,
                               &kept_len, &why, &dc);
        assert_true(r >= -1);
        if (r < 0)
            assert_non_null(why);
        assert_true(kept_len <= 32);
        dec_content_free(dc);
    }
}

/* -------------------------------------------------------------- TLS -- */

/* A ClientHello (or ServerHello) in records of at most `frag` bytes. */
static size_t tls_hello(uint8_t *out, int type, const char *sni, uint16_t sv, size_t frag)
{
    struct tb body = {.n = 0};
    tb_be16(&body, 0x0303);
    tb_fill(&body, 0xab, 32);         /* random */
    tb_u8(&body, 32);                  /* session id */
    tb_fill(&body, 0x11, 32);
    if (type == 1) {
        tb_be16(&body, 6);
        tb_be16(&body, 0x1301);
        tb_be16(&body, 0x1302);
        tb_be16(&body, 0xc02f);
        tb_u8(&body, 1);
        tb_u8(&body, 0);
    } else {
        tb_be16(&body, 0x1301);
        tb_u8(&body, 0);
    }
    struct tb ext = {.n = 0};
    tb_be16(&ext, 0x000a);             /* supported_groups, first: skipped */
    tb_be16(&ext, 4);
    tb_be16(&ext, 2);
    tb_be16(&ext, 0x001d);
    if (sni) {
        size_t n = strlen(sni);
        tb_be16(&ext, 0);
        tb_be16(&ext, (unsigned)(n + 5));
        tb_be16(&ext, (unsigned)(n + 3));
        tb_u8(&ext, 0);
        tb_be16(&ext, (unsigned)n);
        tb_mem(&ext, sni, n);
    }
    if (sv) {
        tb_be16(&ext, 43);
        if (type == 2) {
            tb_be16(&ext, 2);
            tb_be16(&ext, sv);
        } else {
            tb_be16(&ext, 3);
            tb_u8(&ext, 2);
            tb_be16(&ext, sv);
        }
    }
    tb_be16(&body, (unsigned)ext.n);
    tb_mem(&body, ext.b, ext.n);
    struct tb msg = {.n = 0};
    tb_u8(&msg, (unsigned)type);
    tb_u8(&msg, (unsigned)(body.n >> 16));
    tb_be16(&msg, (unsigned)(body.n & 0xffff));
    tb_mem(&msg, body.b, body.n);
    size_t o = 0;
    for (size_t at = 0; at < msg.n; at += frag) {
        size_t k = msg.n - at < frag ? msg.n - at : frag;
        out[o++] = 0x16;
        out[o++] = 3;
        out[o++] = type == 1 ? 1 : 3;
        out[o++] = (uint8_t)(k >> 8);
        out[o++] = (uint8_t)k;
        memcpy(out + o, msg.b + at, k);
        o += k;
    }
    return o;
}

static int parse_exact(const uint8_t *buf, size_t n, struct dec_tls_hello *h)
{
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, buf, n);
    int r = dec_tls_parse_hello(copy, n, h);
    free(copy);
    return r;
}

struct tls_case {
    const char *name;
    int type;
    const char *sni;
    uint16_t sv;
    size_t frag;
    const char *want_sni;
    uint16_t want_version;
};

static const struct tls_case tlss[] = {
    {"ClientHello with SNI", 1, "example.com", 0x0304, 4096, "example.com", 0x0303},
    {"ClientHello without SNI", 1, NULL, 0, 4096, "", 0x0303},
    {"ClientHello in 3 records", 1, "www.example.org", 0x0304, 60, "www.example.org", 0x0303},
    {"ClientHello in 1-byte records", 1, "a.b", 0, 1, "a.b", 0x0303},
    {"ServerHello TLS 1.3", 2, NULL, 0x0304, 4096, "", 0x0304},
    {"ServerHello TLS 1.2", 2, NULL, 0, 4096, "", 0x0303},
    {"SNI of 255 bytes",
     1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     0, 4096,
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     0x0303},
    {"SNI of 256 bytes: not kept",
     1, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
     0, 4096, "", 0x0303},
};

static void test_tls_hellos(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(tlss); i++) {
        const struct tls_case *tc = &tlss[i];
        uint8_t buf[8192];
        size_t n = tls_hello(buf, tc->type, tc->sni, tc->sv, tc->frag);
        struct dec_tls_hello h;
        int r = parse_exact(buf, n, &h);
        if (r != (int)n)
            fail_msg("%s: %d of %zu", tc->name, r, n);
        assert_int_equal(h.type, tc->type);
        assert_string_equal(h.sni, tc->want_sni);
        assert_int_equal(h.version, tc->want_version);
        assert_int_equal(h.legacy_version, tc->type == 1 ? 0x0301 : 0x0303);
        /* every prefix is incomplete */
        for (size_t k = 0; k < n; k++) {
            int rk = parse_exact(buf, k, &h);
            if (rk != DEC_INCOMPLETE)
                fail_msg("%s cut at %zu of %zu: %d", tc->name, k, n, rk);
        }
        /* application data after it is not looked at */
        memcpy(buf + n, "\x17\x03\x03\x00\x02xx", 7);
        assert_int_equal(parse_exact(buf, n + 7, &h), (int)n);
        assert_string_equal(h.sni, tc->want_sni);
    }
}

static void test_tls_hostile(void **state)
{
    (void)state;
    uint8_t good[512];
    size_t n = tls_hello(good, 1, "example.com", 0, 4096);
    struct {
        const char *name;
        size_t at;            /* byte to change */
        uint8_t v;
        int want;             /* DEC_INVALID, or 1: parsed with no SNI, 2: parsed, SNI kept */
    } cases[] = {
        {"application data record", 0, 0x17, DEC_INVALID},
        {"major version 2", 1, 2, DEC_INVALID},
        {"record length 0", 4, 0, DEC_INVALID},
        {"record length over 2^14 + 2048", 3, 0x49, DEC_INVALID},
        {"handshake length over 64 KiB", 6, 1, DEC_INVALID},
        {"session id longer than the message", 43, 0xff, DEC_INVALID},
        {"extensions length past the message", 0, 0, 1},
        {"server name list length past the extension", 0, 0, 1},
        {"name length past the list", 0, 0, 1},
        {"a name type other than host_name", 0, 0, 1},
        {"handshake type 11 (Certificate)", 5, 11, 3},
    };
    /* offsets inside the ClientHello built above */
    size_t ext_len_at = 5 + 4 + 2 + 32 + 1 + 32 + 2 + 6 + 1 + 1;
    size_t sni_at = ext_len_at + 2 + 8;  /* after supported_groups */
    cases[6].at = ext_len_at;
    cases[6].v = 0x7f;
    cases[7].at = sni_at + 4 + 1;        /* low byte of the list length */
    cases[7].v = 0xff;
    cases[8].at = sni_at + 4 + 2 + 1 + 1;
    cases[8].v = 0xff;
    cases[9].at = sni_at + 4 + 2;
    cases[9].v = 1;
    assert_int_equal(good[sni_at + 1], 0);  /* extension type 0: server_name */
    for (size_t i = 0; i < NELEM(cases); i++) {
        uint8_t bad[512];
        memcpy(bad, good, n);
        bad[cases[i].at] = cases[i].v;
        struct dec_tls_hello h;
        int r = parse_exact(bad, n, &h);
        if (cases[i].want == DEC_INVALID) {
            if (r != DEC_INVALID)
                fail_msg("%s: %d", cases[i].name, r);
        } else {
            if (r != (int)n)
                fail_msg("%s: %d of %zu", cases[i].name, r, n);
            assert_string_equal(h.sni, "");
            assert_int_equal(h.type, cases[i].want == 3 ? 0 : 1);
        }
    }
    /* random tails after a handshake record header: never a crash */
    uint32_t x = 1;
    for (int round = 0; round < 20000; round++) {
        uint8_t buf[300];
        x = x * 1664525u + 1013904223u;
        size_t len = 5 + (x >> 8) % 295;
        memcpy(buf, good, 9);
        for (size_t i = 9; i < len; i++) {
            x = x * 1664525u + 1013904223u;
            buf[i] = (uint8_t)(x >> 24);
        }
        size_t rl = len - 5;
        buf[3] = (uint8_t)(rl >> 8);
        buf[4] = (uint8_t)rl;
        if (rl >= 4) {  /* a handshake length that fits, some of the time */
            buf[6] = 0;
            buf[7] = (uint8_t)((rl - 4) >> 8);
            buf[8] = (uint8_t)(rl - 4);
        }
        if (round & 1 && len > 44)
            buf[9 + 34] = (uint8_t)(x % 40);  /* a short session id */
        struct dec_tls_hello h;
        int r = parse_exact(buf, len, &h);
        assert_true(r == DEC_INVALID || r == DEC_INCOMPLETE || (r > 0 && (size_t)r <= len));
        assert_true(strlen(h.sni) < sizeof h.sni);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_brotli_fixed),
        cmocka_unit_test(test_new),
        cmocka_unit_test(test_bad_data),
        cmocka_unit_test(test_damaged_any_split),
        cmocka_unit_test(test_trailing_and_bomb),
        cmocka_unit_test(test_bomb_refused),
        cmocka_unit_test(test_hostile_random),
        cmocka_unit_test(test_tls_hellos),
        cmocka_unit_test(test_tls_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
