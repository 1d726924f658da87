/* test_hpack.c - HTTP/2 header blocks (decode/hpack.c): RFC 7541 Appendix C's
 * examples C.2 to C.6, field by field, through libnghttp2's inflater and
 * through the walker that runs when the dynamic table is unknown; fields the
 * walker cannot know; the table becoming known again; errors and limits
 */
#include "testutil.h"

#include "../../decode/h2.h"

/* ------------------------------------------------------------- helpers -- */

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
    size_t n = 0;
    for (; h[0] && h[1]; h += 2) {
        while (*h == ' ')
            h++;
        unsigned v;
        assert_int_equal(sscanf(h, "%2x", &v), 1);
        assert_true(n < cap);
        out[n++] = (uint8_t)v;
    }
    return n;
}

struct want {
    const char *name, *value;  /* NULL: unknown */
    enum dec_hpack_rep rep;
    uint32_t index;
};

#define F(n, v) {n, v, DEC_HPACK_REP_UNKNOWN, UINT32_MAX}  /* representation not checked */
#define R(n, v, rep, idx) {n, v, DEC_HPACK_REP_##rep, idx}
#define UNKNOWN {NULL, NULL, DEC_HPACK_REP_UNKNOWN, UINT32_MAX}

static void str_eq(const char *what, size_t i, struct dec_str got, const char *want)
{
    if (!want) {
        if (got.p)
            fail_msg("field %zu: %s is '%.*s', want unknown", i, what, (int)got.len, got.p);
        return;
    }
    if (!got.p)
        fail_msg("field %zu: %s is unknown, want '%s'", i, what, want);
    if (got.len != strlen(want) || memcmp(got.p, want, got.len) != 0)
        fail_msg("field %zu: %s is '%.*s', want '%s'", i, what, (int)got.len, got.p, want);
}

/* decode hex as one block and compare every field */
static void expect_block(struct dec_hpack *hp, const char *hex, const struct want *w, size_t n)
{
    uint8_t blk[512];
    size_t len = unhex(hex, blk, sizeof blk);
    struct dec_hpack_block out;
    int rc = dec_hpack_decode(hp, blk, len, &out);
    if (rc != 0)
        fail_msg("block %s: %s", hex, out.error);
    assert_int_equal(out.nfields, n);
    assert_int_equal(out.nfields_total, n);
    int64_t decoded = 0;
    uint64_t unknown = 0;
    uint32_t wire = 0;
    for (size_t i = 0; i < n; i++) {
        const struct dec_hpack_field *f = &out.fields[i];
        str_eq("name", i, f->name, w[i].name);
        str_eq("value", i, f->value, w[i].value);
        assert_int_equal(f->name_unknown, w[i].name == NULL);
        assert_int_equal(f->value_unknown, w[i].value == NULL);
        if (w[i].index != UINT32_MAX) {
            assert_int_equal(f->rep, w[i].rep);
            assert_int_equal(f->index, w[i].index);
        }
        assert_int_equal(f->wire_offset, wire);  /* no size updates in these blocks */
        wire += f->wire_length;
        if (!w[i].name || !w[i].value)
            unknown++;
        else
            decoded += (int64_t)(strlen(w[i].name) + 2 + strlen(w[i].value) + 2);
    }
    assert_int_equal(wire, len);
    assert_int_equal(out.unknown, unknown);
    assert_int_equal(out.decoded_length, unknown ? -1 : decoded);
    assert_false(out.limited);
}

/* ------------------------------------------------------ RFC 7541 C.2 -- */

static void test_c2_literals(void **state)
{
    (void)state;
    for (int known = 0; known < 2; known++) {
        struct dec_hpack *hp = dec_hpack_new(known, 0, 0);
        /* C.2.1 literal with indexing, new name; then it is entry 62 */
        const struct want c21[] = {R("custom-key", "custom-header", INCREMENTAL, 0)};
        expect_block(hp, "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", c21,
                     1);
        const struct want again[] = {R("custom-key", "custom-header", INDEXED, 62)};
        expect_block(hp, "be", again, 1);
        /* C.2.2 literal without indexing, indexed name */
        const struct want c22[] = {R(":path", "/sample/path", WITHOUT_INDEXING, 4)};
        expect_block(hp, "040c 2f73 616d 706c 652f 7061 7468", c22, 1);
        /* C.2.3 literal never indexed, new name */
        const struct want c23[] = {R("password", "secret", NEVER_INDEXED, 0)};
        expect_block(hp, "1008 7061 7373 776f 7264 0673 6563 7265 74", c23, 1);
        /* C.2.4 indexed field from the static table */
        const struct want c24[] = {R(":method", "GET", INDEXED, 2)};
        expect_block(hp, "82", c24, 1);
        dec_hpack_free(hp);
    }
}

/* ------------------------------------------------- RFC 7541 C.3, C.4 -- */

static const struct want req1[] = {
    R(":method", "GET", INDEXED, 2), R(":scheme", "http", INDEXED, 6),
    R(":path", "/", INDEXED, 4), R(":authority", "www.example.com", INCREMENTAL, 1),
};
static const struct want req2[] = {
    R(":method", "GET", INDEXED, 2), R(":scheme", "http", INDEXED, 6),
    R(":path", "/", INDEXED, 4), R(":authority", "www.example.com", INDEXED, 62),
    R("cache-control", "no-cache", INCREMENTAL, 24),
};
static const struct want req3[] = {
    R(":method", "GET", INDEXED, 2), R(":scheme", "https", INDEXED, 7),
    R(":path", "/index.html", INDEXED, 5), R(":authority", "www.example.com", INDEXED, 63),
    R("custom-key", "custom-value", INCREMENTAL, 0),
};

static const char *const c3[] = {
    "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
    "8286 84be 5808 6e6f 2d63 6163 6865",
    "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
};
static const char *const c4[] = {
    "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
    "8286 84be 5886 a8eb 1064 9cbf",
    "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
};

/* the three requests on one connection, the dynamic table evolving; the
 * walker knows every entry because it saw each one added */
static void test_c3_c4_requests(void **state)
{
    (void)state;
    for (int known = 0; known < 2; known++)
        for (int huff = 0; huff < 2; huff++) {
            const char *const *ex = huff ? c4 : c3;
            struct dec_hpack *hp = dec_hpack_new(known, 0, 0);
            expect_block(hp, ex[0], req1, 4);
            expect_block(hp, ex[1], req2, 5);
            expect_block(hp, ex[2], req3, 5);
            assert_int_equal(dec_hpack_table_known(hp), known);
            dec_hpack_free(hp);
        }
}

/* ------------------------------------------------- RFC 7541 C.5, C.6 -- */

static const struct want rsp1[] = {
    R(":status", "302", INCREMENTAL, 8), R("cache-control", "private", INCREMENTAL, 24),
    R("date", "Mon, 21 Oct 2013 20:13:21 GMT", INCREMENTAL, 33),
    R("location", "https://www.example.com", INCREMENTAL, 46),
};
static const struct want rsp2[] = {
    R(":status", "307", INCREMENTAL, 8), R("cache-control", "private", INDEXED, 65),
    R("date", "Mon, 21 Oct 2013 20:13:21 GMT", INDEXED, 64),
    R("location", "https://www.example.com", INDEXED, 63),
};
static const struct want rsp3[] = {
    R(":status", "200", INDEXED, 8), R("cache-control", "private", INDEXED, 65),
    R("date", "Mon, 21 Oct 2013 20:13:22 GMT", INCREMENTAL, 33),
    R("location", "https://www.example.com", INDEXED, 64),
    R("content-encoding", "gzip", INCREMENTAL, 26),
    R("set-cookie", "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1", INCREMENTAL, 55),
};

static const char *const c5[] = {
    "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a "
    "3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
    "4803 3330 37c1 c0bf",
    "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 "
    "677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 "
    "553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31",
};
static const char *const c6[] = {
    "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e "
    "919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
    "4883 640e ffc1 c0bf",
    "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 "
    "821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed "
    "4ee5 b106 3d50 07",
};

/* RFC 7541 4.2: a table size of 256 set by SETTINGS must be signalled by the
 * encoder: a size update (3fe101 = 256) leads the first block; the fields'
 * wire offsets then start after it */
static void expect_first_response(struct dec_hpack *hp, const char *ex)
{
    uint8_t blk[512];
    size_t len = unhex("3fe101", blk, sizeof blk);
    len += unhex(ex, blk + len, sizeof blk - len);
    struct dec_hpack_block out;
    assert_int_equal(dec_hpack_decode(hp, blk, len, &out), 0);
    assert_int_equal(out.nfields, 4);
    for (size_t i = 0; i < 4; i++) {
        str_eq("name", i, out.fields[i].name, rsp1[i].name);
        str_eq("value", i, out.fields[i].value, rsp1[i].value);
        assert_int_equal(out.fields[i].index, rsp1[i].index);
    }
    assert_int_equal(out.fields[0].wire_offset, 3);
}

/* responses in a 256-byte table: entries are evicted, so C.5.2's c1 (65) and
 * C.5.3's indexes only come out right if eviction does */
static void test_c5_c6_responses(void **state)
{
    (void)state;
    for (int mode = 0; mode < 3; mode++)  /* nghttp2; walker told 256; walker not told */
        for (int huff = 0; huff < 2; huff++) {
            const char *const *ex = huff ? c6 : c5;
            struct dec_hpack *hp = dec_hpack_new(mode == 0, 0, 0);
            if (mode < 2) {
                dec_hpack_set_max(hp, 256);
                expect_first_response(hp, ex[0]);
            } else {
                expect_block(hp, ex[0], rsp1, 4);
            }
            expect_block(hp, ex[1], rsp2, 4);
            expect_block(hp, ex[2], rsp3, 6);
            dec_hpack_free(hp);
        }
}

/* without the size update nghttp2 refuses the block: the encoder had to send one */
static void test_size_update_required(void **state)
{
    (void)state;
    struct dec_hpack *hp = dec_hpack_new(true, 0, 0);
    dec_hpack_set_max(hp, 256);
    uint8_t blk[512];
    size_t len = unhex(c5[0], blk, sizeof blk);
    struct dec_hpack_block out;
    assert_int_equal(dec_hpack_decode(hp, blk, len, &out), -1);
    assert_non_null(out.error);
    assert_false(dec_hpack_table_known(hp));
    dec_hpack_free(hp);
}

/* ------------------------------------------------------- unknown table -- */

/* The capture began after C.3.1 / C.4.1: entry 62 (":authority") was added
 * before it. The walker says so instead of guessing; what it sees added
 * later it knows. */
static void test_unknown_entries(void **state)
{
    (void)state;
    for (int huff = 0; huff < 2; huff++) {
        const char *const *ex = huff ? c4 : c3;
        struct dec_hpack *hp = dec_hpack_new(false, 0, 0);
        const struct want w2[] = {
            R(":method", "GET", INDEXED, 2), R(":scheme", "http", INDEXED, 6),
            R(":path", "/", INDEXED, 4), UNKNOWN, R("cache-control", "no-cache", INCREMENTAL, 24),
        };
        expect_block(hp, ex[1], w2, 5);
        const struct want w3[] = {
            R(":method", "GET", INDEXED, 2), R(":scheme", "https", INDEXED, 7),
            R(":path", "/index.html", INDEXED, 5), UNKNOWN,
            R("custom-key", "custom-value", INCREMENTAL, 0),
        };
        expect_block(hp, ex[2], w3, 5);
        /* cache-control (now 63) and custom-key (62) are known */
        const struct want w4[] = {R("cache-control", "no-cache", INDEXED, 63),
                                  R("custom-key", "custom-value", INDEXED, 62)};
        expect_block(hp, "bfbe", w4, 2);
        assert_false(dec_hpack_table_known(hp));
        dec_hpack_free(hp);
    }
}

/* a literal whose name is an unknown entry: its value is known, and so is
 * the new entry's value when it is used */
static void test_unknown_name(void **state)
{
    (void)state;
    struct dec_hpack *hp = dec_hpack_new(false, 0, 0);
    const struct want w1[] = {{NULL, "abc", DEC_HPACK_REP_INCREMENTAL, 70}};
    expect_block(hp, "7f07 03 616263", w1, 1);  /* 0x40 | 63, then 70 - 63 = 7: index 70 */
    const struct want w2[] = {{NULL, "abc", DEC_HPACK_REP_INDEXED, 62}};
    expect_block(hp, "be", w2, 1);
    dec_hpack_free(hp);
}

/* The table becomes known: after a size update to 0, or when what was added
 * since leaves no room under the known bound for anything older. */
static void test_table_known_again(void **state)
{
    (void)state;
    struct dec_hpack *hp = dec_hpack_new(false, 0, 0);
    uint8_t blk[64];
    struct dec_hpack_block out;
    size_t len = unhex("20 400161 0162", blk, sizeof blk);  /* size 0; a: b */
    assert_int_equal(dec_hpack_decode(hp, blk, len, &out), 0);
    assert_true(dec_hpack_table_known(hp));
    /* the whole table is known: an index past it is an error, not unknown */
    len = unhex("bf", blk, sizeof blk);
    assert_int_equal(dec_hpack_decode(hp, blk, len, &out), -1);
    assert_string_equal(out.error, "an index beyond the header tables");
    assert_false(dec_hpack_table_known(hp));
    dec_hpack_free(hp);

    /* SETTINGS_HEADER_TABLE_SIZE 100 in effect: two 34-byte entries leave 32
     * bytes, room for one older entry; a third (102 > 100) evicts the first
     * of ours, so everything older went before it */
    hp = dec_hpack_new(false, 0, 0);
    dec_hpack_set_max(hp, 100);
    len = unhex("400161 0161 400162 0162", blk, sizeof blk);
    assert_int_equal(dec_hpack_decode(hp, blk, len, &out), 0);
    assert_false(dec_hpack_table_known(hp));
    len = unhex("400163 0163", blk, sizeof blk);
    assert_int_equal(dec_hpack_decode(hp, blk, len, &out), 0);
    assert_true(dec_hpack_table_known(hp));
    const struct want w[] = {R("c", "c", INDEXED, 62), R("b", "b", INDEXED, 63)};
    expect_block(hp, "bebf", w, 2);
    dec_hpack_free(hp);
}

/* --------------------------------------------------------------- errors -- */

struct bad_case {
    const char *hex;
    size_t fields_before;        /* fields decoded before the error */
};

static const struct bad_case bad[] = {
    {"80", 0},                   /* index 0 (6.1) */
    {"82 be", 1},                /* a dynamic index on an empty table */
    {"82 ff", 1},                /* an integer cut short */
    {"ff ff ff ff ff ff 0f", 0}, /* an integer past 2^31 */
    {"40 0a 6375", 0},           /* a string longer than the block */
    {"3fe21f", 0},               /* size update 4097, over SETTINGS' 4096 */
    {"82 20", 1},                /* a size update after a field (4.2) */
    {"418100", 0},               /* Huffman with bad padding (5.2) */
    {"41 81 ff", 0},             /* Huffman: EOS-like padding over 7 bits */
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(bad); i++)
        for (int known = 0; known < 2; known++) {
            struct dec_hpack *hp = dec_hpack_new(known, 0, 0);
            dec_hpack_set_max(hp, 4096);  /* the walker knows the bound too */
            if (!known) {                 /* and the table: empty */
                uint8_t z = 0x20;
                struct dec_hpack_block o;
                assert_int_equal(dec_hpack_decode(hp, &z, 1, &o), 0);
                assert_true(dec_hpack_table_known(hp));
            }
            uint8_t blk[64];
            size_t len = unhex(bad[i].hex, blk, sizeof blk);
            struct dec_hpack_block out;
            if (dec_hpack_decode(hp, blk, len, &out) != -1)
                fail_msg("%s (%s): decoded", bad[i].hex, known ? "nghttp2" : "walker");
            assert_non_null(out.error);
            assert_int_equal(out.nfields, bad[i].fields_before);
            assert_false(dec_hpack_table_known(hp));
            /* decoding goes on, the table unknown */
            const struct want w[] = {R(":method", "GET", INDEXED, 2), UNKNOWN};
            expect_block(hp, "82be", w, 2);
            dec_hpack_free(hp);
        }
}

/* every prefix of a valid block that cuts a representation fails cleanly */
static void test_prefixes(void **state)
{
    (void)state;
    uint8_t blk[512];
    size_t len = unhex(c6[2], blk, sizeof blk);
    for (size_t cut = 0; cut < len; cut++)
        for (int known = 0; known < 2; known++) {
            struct dec_hpack *hp = dec_hpack_new(known, 0, 0);
            struct dec_hpack_block out;
            int rc = dec_hpack_decode(hp, blk, cut, &out);
            assert_true(rc == 0 || rc == -1);
            assert_true(out.nfields <= 6);
            dec_hpack_free(hp);
        }
}

static void test_limits(void **state)
{
    (void)state;
    uint8_t blk[512];
    struct dec_hpack_block out;
    struct dec_hpack *hp = dec_hpack_new(true, 2, 0);  /* two fields kept */
    size_t len = unhex(c3[0], blk, sizeof blk);
    assert_int_equal(dec_hpack_decode(hp, blk, len, &out), 0);
    assert_int_equal(out.nfields, 2);
    assert_int_equal(out.nfields_total, 4);
    assert_true(out.limited);
    /* decoded_length still counts every field */
    assert_int_equal(out.decoded_length, (7 + 3 + 4) + (7 + 4 + 4) + (5 + 1 + 4) + (10 + 15 + 4));
    dec_hpack_free(hp);
    hp = dec_hpack_new(true, 0, 21);  /* 21 decoded bytes kept */
    assert_int_equal(dec_hpack_decode(hp, blk, len, &out), 0);
    assert_int_equal(out.nfields, 2);  /* ":method" "GET" ":scheme" "http": 21 bytes; the
                                        * kept fields are always the first ones */
    assert_true(out.limited);
    dec_hpack_free(hp);
}

/* long literals: nghttp2's buffers grow through its allocator (realloc) */
static void test_long_values(void **state)
{
    (void)state;
    static uint8_t blk[70010];
    for (size_t len = 200; len <= 65500; len = len * 3 + 7) {
        size_t n = 0;
        blk[n++] = 0x40;               /* incremental, new name */
        blk[n++] = 1;
        blk[n++] = 'x';
        blk[n++] = 0x7f;               /* value length: 127 + the rest (RFC 7541 5.1) */
        size_t rest = len - 127;
        while (rest >= 128) {
            blk[n++] = (uint8_t)(0x80 | (rest & 0x7f));
            rest >>= 7;
        }
        blk[n++] = (uint8_t)rest;
        for (size_t i = 0; i < len; i++)
            blk[n++] = (uint8_t)('a' + i % 26);
        for (int known = 0; known < 2; known++) {
            struct dec_hpack *hp = dec_hpack_new(known, 0, 1u << 20);
            dec_hpack_set_max(hp, 1u << 17);
            for (int round = 0; round < 3; round++) {  /* reusing the freed blocks */
                struct dec_hpack_block out;
                if (dec_hpack_decode(hp, blk, n, &out) != 0)
                    fail_msg("a value of %zu bytes: %s", len, out.error);
                assert_int_equal(out.nfields, 1);
                assert_int_equal(out.fields[0].value.len, len);
                assert_int_equal(out.fields[0].value.p[len - 1], 'a' + (len - 1) % 26);
            }
            dec_hpack_free(hp);
        }
    }
}

/* random bytes: never a crash, lengths inside the block */
static void test_hostile_random(void **state)
{
    (void)state;
    uint32_t x = 12345;
    uint8_t blk[256];
    for (int round = 0; round < 4000; round++) {
        size_t len = (size_t)(round % 200);
        for (size_t i = 0; i < len; i++) {
            x = x * 1103515245u + 12345u;
            blk[i] = (uint8_t)(x >> 16);
        }
        struct dec_hpack *hp = dec_hpack_new(round & 1, round % 3 == 0 ? 3 : 0, 0);
        for (int again = 0; again < 2; again++) {
            struct dec_hpack_block out;
            int rc = dec_hpack_decode(hp, blk, len, &out);
            assert_true(rc == 0 || rc == -1);
            for (size_t i = 0; i < out.nfields; i++)
                assert_true(out.fields[i].wire_offset + out.fields[i].wire_length <= len);
        }
        dec_hpack_free(hp);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c2_literals),
        cmocka_unit_test(test_c3_c4_requests),
        cmocka_unit_test(test_c5_c6_responses),
        cmocka_unit_test(test_size_update_required),
        cmocka_unit_test(test_unknown_entries),
        cmocka_unit_test(test_unknown_name),
        cmocka_unit_test(test_table_known_again),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_prefixes),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_long_values),
        cmocka_unit_test(test_hostile_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
