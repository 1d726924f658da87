/* test_inspect.c - the readers of untrusted body bytes (decode/inspect.c):
 * each function on its cases, hostile inputs, and every truncation point of
 * a valid input, each input in a heap block of its exact size (so that a
 * read past it is an ASan report: make SANITIZE=address,undefined units)
 */
#include "testutil.h"

/* ------------------------------------------------------------ helpers -- */

/* n bytes of s in a block of exactly n bytes (freed by the caller) */
static uint8_t *exact(const void *s, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    if (n)
        memcpy(p, s, n);
    return p;
}

/* an uninitialized block of exactly n bytes, for an output */
static uint8_t *room(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    assert_non_null(p);
    return p;
}

static void expect_span(const uint8_t *p, struct dec_span s, const char *want)
{
    size_t n = strlen(want);
    if (s.len != n || memcmp(p + s.off, want, n) != 0)
        fail_msg("span \"%.*s\" (at %u), expected \"%s\"", (int)s.len, (const char *)p + s.off,
                 s.off, want);
}

static void span_inside(struct dec_span s, size_t n)
{
    assert_true(s.off <= n && s.len <= n - s.off);
}

/* every function on (NULL, 0): nothing read, nothing found */
static void test_empty(void **state)
{
    (void)state;
    uint8_t out[4];
    size_t len = 9, pos = 0;
    struct dec_span sp;
    struct dec_pair pr;
    struct dec_part pt;
    struct dec_html_refs refs;
    uint32_t w, h;
    uint64_t size;
    assert_int_equal(dec_pct_decode(NULL, 0, true, out, sizeof out), 0);
    assert_true(dec_base64_decode(NULL, 0, out, sizeof out, &len));
    assert_int_equal(len, 0);
    sp = dec_media_type(NULL, 0);
    assert_int_equal(sp.len, 0);
    assert_false(dec_header_param(NULL, 0, "a", &sp));
    assert_false(dec_list_next(NULL, 0, &pos, &sp));
    assert_false(dec_list_has_token(NULL, 0, "close"));
    assert_int_equal(dec_qvalue(NULL, 0), -1);
    pos = 0;
    assert_false(dec_pair_next(NULL, 0, &pos, &pr));
    assert_int_equal(dec_pair_count(NULL, 0), 0);
    assert_int_equal(dec_cookie_count(NULL, 0), 0);
    assert_false(dec_cookie_attr(NULL, 0, "Secure", &sp));
    pos = 0;
    assert_int_equal(dec_multipart_next(NULL, 0, (const uint8_t *)"b", 1, &pos, &pt),
                     DEC_PART_NONE);
    assert_false(dec_field_lines_get(NULL, 0, "Content-Type", &sp));
    dec_html_count_refs(NULL, 0, &refs);
    assert_int_equal(refs.link + refs.script + refs.img, 0);
    assert_null(dec_file_signature(NULL, 0, &len));
    assert_int_equal(len, 0);
    assert_false(dec_image_size(NULL, 0, &w, &h));
    assert_int_equal(dec_line_len(NULL, 0), 0);
    assert_false(dec_chunk_size_line(NULL, 0, &sp, &size));
}

/* ----------------------------------------------------------- decoding -- */

static void test_pct_decode(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool plus;
        const char *out;
        size_t outlen;
    } cases[] = {
        {"a%41b", false, "aAb", 3},
        {"%4a%4A", false, "JJ", 2},
        {"%", false, "%", 1},
        {"%4", false, "%4", 2},
        {"%zz", false, "%zz", 3},
        {"%%41", false, "%A", 2},
        {"a%4", false, "a%4", 3},
        {"%00x", false, "\0x", 2},
        {"a+b", true, "a b", 3},
        {"a+b", false, "a+b", 3},
        {"%2B+", true, "+ ", 2},
        {"zh%2DCN", true, "zh-CN", 5},
        {"x%26y", true, "x&y", 3},
        {"%e4%b8%ad", false, "\xe4\xb8\xad", 3},
        {"", true, "", 0},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        size_t n = strlen(cases[i].in);
        uint8_t *in = exact(cases[i].in, n);
        uint8_t *out = room(n);
        size_t k = dec_pct_decode(in, n, cases[i].plus, out, n);
        assert_int_equal(k, cases[i].outlen);
        assert_memory_equal(out, cases[i].out, k);
        /* a smaller out: filled, never past */
        for (size_t cap = 0; cap < k; cap++) {
            uint8_t *small = room(cap);
            assert_int_equal(dec_pct_decode(in, n, cases[i].plus, small, cap), cap);
            assert_memory_equal(small, cases[i].out, cap);
            free(small);
        }
        free(in);
        free(out);
    }
    /* every truncation point of an encoded form */
    const char *form = "q=http+step&lang=zh%2DCN&pwd=x%26y%e4%b8%ad";
    for (size_t k = 0; k <= strlen(form); k++) {
        uint8_t *in = exact(form, k);
        uint8_t *out = room(k);
        assert_true(dec_pct_decode(in, k, true, out, k) <= k);
        free(in);
        free(out);
    }
}

static void test_base64(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        bool ok;
        const char *out;
    } cases[] = {
        {"dGVhY2hlcjpjaGFsaw==", true, "teacher:chalk"},
        {"YWxpY2U6czNjcjN0", true, "alice:s3cr3t"},
        {"", true, ""},
        {"QQ", true, "A"},
        {"QQ==", true, "A"},
        {"QUI", true, "AB"},
        {"QUI=", true, "AB"},
        {"+/+/", true, "\xfb\xff\xbf"},
        {"Q", false, NULL},          /* a lone character carries no byte */
        {"QUJDR", false, NULL},
        {"QQ=", false, NULL},        /* the padding does not complete the group */
        {"QQ===", false, NULL},
        {"QQ==QQ==", false, NULL},   /* data after the padding */
        {"QQ==x", false, NULL},
        {"=", false, NULL},
        {"QU I=", false, NULL},      /* a space is not in the alphabet */
        {"QU-I", false, NULL},       /* base64url's '-' is not either */
        {"QUI\n", false, NULL},
        {"QU\0I", false, NULL},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        size_t n = i == NELEM(cases) - 1 ? 4 : strlen(cases[i].in);
        uint8_t *in = exact(cases[i].in, n);
        size_t cap = n * 3 / 4;
        uint8_t *out = room(cap);
        size_t len = 99;
        bool ok = dec_base64_decode(in, n, out, cap, &len);
        if (ok != cases[i].ok)
            fail_msg("\"%s\": %s", cases[i].in, ok ? "taken" : "refused");
        if (ok) {
            assert_int_equal(len, strlen(cases[i].out));
            assert_memory_equal(out, cases[i].out, len);
        } else {
            assert_int_equal(len, 0);
        }
        free(in);
        free(out);
    }
    /* out smaller than the data: cap bytes, no more */
    uint8_t small[4];
    size_t len;
    assert_true(dec_base64_decode((const uint8_t *)"dGVhY2hlcjpjaGFsaw==", 20, small, 4, &len));
    assert_int_equal(len, 4);
    assert_memory_equal(small, "teac", 4);
    /* every truncation point: refused, or a prefix of the whole */
    const char *full = "dGVhY2hlcjpjaGFsaw==";
    for (size_t k = 0; k <= strlen(full); k++) {
        uint8_t *in = exact(full, k);
        uint8_t *out = room(k);
        if (dec_base64_decode(in, k, out, k, &len)) {
            assert_true(k % 4 != 1);
            assert_memory_equal(out, "teacher:chalk", len);
        }
        free(in);
        free(out);
    }
}

/* ------------------------------------------------------ header values -- */

static void test_media_type(void **state)
{
    (void)state;
    static const struct {
        const char *in, *want;
    } cases[] = {
        {"text/html; charset=utf-8", "text/html"},
        {"  text/plain  ", "text/plain"},
        {"text/html\t;x", "text/html"},
        {"Application/JSON", "Application/JSON"},
        {";charset=x", ""},
        {"", ""},
        {" \t ", ""},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        size_t n = strlen(cases[i].in);
        uint8_t *in = exact(cases[i].in, n);
        expect_span(in, dec_media_type(in, n), cases[i].want);
        free(in);
    }
}

static void test_header_param(void **state)
{
    (void)state;
    static const struct {
        const char *in, *name, *want;  /* want NULL: absent */
    } cases[] = {
        {"multipart/form-data; boundary=----900b9e93", "boundary", "----900b9e93"},
        {"multipart/form-data; BOUNDARY=x", "boundary", "x"},
        {"multipart/form-data; boundary=\"a b;c\"", "boundary", "a b;c"},
        {"form-data; name=\"student\"; filename=\"notes.txt\"", "name", "student"},
        {"form-data; name=\"student\"; filename=\"notes.txt\"", "filename", "notes.txt"},
        {"form-data; filename=\"x\"", "name", NULL},
        {"form-data; x=\"1;name=evil\"; name=good", "name", "good"},
        {"a; name=\"abc", "name", "abc"},                /* an unclosed quote runs to the end */
        {"a; name=\"a\\\"b\"; c=d", "name", "a\\\"b"},   /* a quoted-pair stays as sent */
        {"a; name=", "name", ""},
        {"a; name", "name", NULL},
        {"a;  name  =  v w", "name", "v"},
        {"a; n=1; name=2", "name", "2"},
        {"name=top; x=1", "name", NULL},                  /* before the first ';' is the value */
        {"a;;;=;==;name=;", "name", ""},
        {"a; text/html; charset=utf-8", "charset", "utf-8"},
        {";", "x", NULL},
        {"a; =x", "", "x"},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        size_t n = strlen(cases[i].in);
        uint8_t *in = exact(cases[i].in, n);
        struct dec_span sp = {7, 7};
        bool found = dec_header_param(in, n, cases[i].name, &sp);
        if (found != (cases[i].want != NULL))
            fail_msg("%s in \"%s\": %s", cases[i].name, cases[i].in, found ? "found" : "absent");
        if (found)
            expect_span(in, sp, cases[i].want);
        free(in);
        /* every truncation point: a span inside the bytes, or nothing */
        for (size_t k = 0; k <= n; k++) {
            uint8_t *cut = exact(cases[i].in, k);
            if (dec_header_param(cut, k, cases[i].name, &sp))
                span_inside(sp, k);
            free(cut);
        }
    }
}

static void test_lists(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *items[5];
    } cases[] = {
        {"close", {"close"}},
        {"keep-alive, Upgrade", {"keep-alive", "Upgrade"}},
        {", ,close ,,", {"close"}},
        {"a, \"b,c\", d", {"a", "\"b,c\"", "d"}},
        {"text/html;q=0.9,*/*;q=0.1", {"text/html;q=0.9", "*/*;q=0.1"}},
        {"\"open", {"\"open"}},
        {"", {NULL}},
        {" \t,", {NULL}},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        size_t n = strlen(cases[i].in), pos = 0, k = 0;
        uint8_t *in = exact(cases[i].in, n);
        struct dec_span it;
        while (dec_list_next(in, n, &pos, &it)) {
            assert_true(k < 5 && cases[i].items[k]);
            expect_span(in, it, cases[i].items[k++]);
        }
        assert_true(k == 5 || cases[i].items[k] == NULL);
        assert_int_equal(pos, n);
        assert_false(dec_list_next(in, n, &pos, &it));
        free(in);
    }
    assert_true(dec_list_has_token((const uint8_t *)"keep-alive, Upgrade", 19, "upgrade"));
    assert_true(dec_list_has_token((const uint8_t *)" CLOSE ", 7, "close"));
    assert_false(dec_list_has_token((const uint8_t *)"closed", 6, "close"));
    assert_false(dec_list_has_token((const uint8_t *)"\"a,close\"", 9, "close"));
    assert_true(dec_list_has_token((const uint8_t *)"gzip, chunked", 13, "chunked"));
    /* every truncation point of a list */
    const char *list = "gzip, \"x,y\" , chunked,,";
    for (size_t k = 0; k <= strlen(list); k++) {
        uint8_t *in = exact(list, k);
        size_t pos = 0, items = 0;
        struct dec_span it;
        while (dec_list_next(in, k, &pos, &it)) {
            span_inside(it, k);
            assert_true(it.len > 0);
            assert_true(++items <= 3);
        }
        free(in);
    }
}

static void test_qvalue(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        int q;
    } cases[] = {
        {"0", 0}, {"1", 1000}, {"0.9", 900}, {"0.1", 100}, {"0.123", 123}, {"0.05", 50},
        {"1.000", 1000}, {"1.", 1000}, {"0.", 0}, {"1.001", -1}, {"1.5", -1}, {"0.1234", -1},
        {"2", -1}, {"", -1}, {".5", -1}, {"0.a", -1}, {"00", -1}, {"-0", -1}, {"0.9 ", -1},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        size_t n = strlen(cases[i].in);
        uint8_t *in = exact(cases[i].in, n);
        if (dec_qvalue(in, n) != cases[i].q)
            fail_msg("q=\"%s\": %d, expected %d", cases[i].in, dec_qvalue(in, n), cases[i].q);
        free(in);
    }
}

/* -------------------------------------------------- forms and cookies -- */

static void test_pairs(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *pairs[4][2];  /* name, value (NULL: no '=') */
        size_t n;
    } cases[] = {
        {"a=1&b=2", {{"a", "1"}, {"b", "2"}}, 2},
        {"&&a&&", {{"a", NULL}}, 1},
        {"=x", {{"", "x"}}, 1},
        {"a=&b", {{"a", ""}, {"b", NULL}}, 2},
        {"a==b", {{"a", "=b"}}, 1},
        {"username=jinqiao&password=1234", {{"username", "jinqiao"}, {"password", "1234"}}, 2},
        {"", {{NULL, NULL}}, 0},
        {"&", {{NULL, NULL}}, 0},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        size_t n = strlen(cases[i].in), pos = 0, k = 0;
        uint8_t *in = exact(cases[i].in, n);
        struct dec_pair pr;
        while (dec_pair_next(in, n, &pos, &pr)) {
            assert_true(k < cases[i].n);
            expect_span(in, pr.name, cases[i].pairs[k][0]);
            assert_int_equal(pr.has_value, cases[i].pairs[k][1] != NULL);
            if (pr.has_value)
                expect_span(in, pr.value, cases[i].pairs[k][1]);
            k++;
        }
        assert_int_equal(k, cases[i].n);
        assert_int_equal(dec_pair_count(in, n), cases[i].n);
        free(in);
        for (size_t c = 0; c <= n; c++) {
            uint8_t *cut = exact(cases[i].in, c);
            pos = 0;
            while (dec_pair_next(cut, c, &pos, &pr)) {
                span_inside(pr.name, c);
                span_inside(pr.value, c);
            }
            assert_true(dec_pair_count(cut, c) <= cases[i].n);
            free(cut);
        }
    }
}

static void test_cookies(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t n;
    } counts[] = {
        {"a=1; b=2", 2},
        {"session=YWJjZA==", 1},    /* a base64 value: its '=' are the value's */
        {"a=1;;b=2; ", 2},
        {"=x", 0},
        {"flag", 0},
        {"a=b=c", 1},
        {"", 0},
        {" ; ; ", 0},
        {"theme=dark; lang=zh; sid=abc", 3},
    };
    for (size_t i = 0; i < NELEM(counts); i++) {
        size_t n = strlen(counts[i].in);
        uint8_t *in = exact(counts[i].in, n);
        assert_int_equal(dec_cookie_count(in, n), counts[i].n);
        free(in);
    }
    static const struct {
        const char *in, *attr, *want;
    } attrs[] = {
        {"id=1; Secure; HttpOnly", "Secure", ""},
        {"id=1; secure", "Secure", ""},
        {"insecure=1", "Secure", NULL},        /* the cookie's name, not an attribute */
        {"secure=1; Path=/", "Secure", NULL},
        {"id=1; Max-Age=60", "max-age", "60"},
        {"id=1; Path=/; Securex", "Secure", NULL},
        {"id=1; Domain = example.com ;", "Domain", "example.com"},
        {"id=1;", "Secure", NULL},
    };
    for (size_t i = 0; i < NELEM(attrs); i++) {
        size_t n = strlen(attrs[i].in);
        uint8_t *in = exact(attrs[i].in, n);
        struct dec_span sp;
        bool found = dec_cookie_attr(in, n, attrs[i].attr, &sp);
        if (found != (attrs[i].want != NULL))
            fail_msg("%s in \"%s\": %s", attrs[i].attr, attrs[i].in, found ? "found" : "absent");
        if (found)
            expect_span(in, sp, attrs[i].want);
        free(in);
        for (size_t k = 0; k <= n; k++) {
            uint8_t *cut = exact(attrs[i].in, k);
            if (dec_cookie_attr(cut, k, attrs[i].attr, &sp))
                span_inside(sp, k);
            free(cut);
        }
    }
}

/* ----------------------------------------------------------- multipart -- */

struct part_want {
    const char *head, *data;
};

/* the parts of body (boundary b), compared with want; returns the result
 * that ended the walk */
static int walk_parts(const uint8_t *p, size_t n, const char *b, const struct part_want *want,
                      size_t nwant, size_t *found)
{
    size_t pos = 0, k = 0;
    struct dec_part pt;
    int rc;
    while ((rc = dec_multipart_next(p, n, (const uint8_t *)b, strlen(b), &pos, &pt)) ==
           DEC_PART_ONE) {
        span_inside(pt.head, n);
        span_inside(pt.data, n);
        assert_true(k < nwant);
        expect_span(p, pt.head, want[k].head);
        expect_span(p, pt.data, want[k].data);
        k++;
    }
    *found = k;
    return rc;
}

static void test_multipart(void **state)
{
    (void)state;
    const char *body =
        "preamble, ignored\r\n"
        "--XyZ\r\n"
        "Content-Disposition: form-data; name=\"student\"\r\n"
        "\r\n"
        "jinqiao\r\n"
        "--XyZ  \r\n"
        "Content-Disposition: form-data; name=\"homework\"; filename=\"notes.txt\"\r\n"
        "Content-Type: text/plain\r\n"
        "\r\n"
        "line one\r\n"
        "not a delimiter: --XyZ\r\n"
        "--XyZx is not either\r\n"
        "\r\n"
        "--XyZ\r\n"
        "\r\n"
        "no headers\r\n"
        "--XyZ--\r\n"
        "epilogue";
    static const struct part_want want[] = {
        {"Content-Disposition: form-data; name=\"student\"\r\n", "jinqiao"},
        {"Content-Disposition: form-data; name=\"homework\"; filename=\"notes.txt\"\r\n"
         "Content-Type: text/plain\r\n",
         "line one\r\nnot a delimiter: --XyZ\r\n--XyZx is not either\r\n"},
        {"", "no headers"},
    };
    size_t n = strlen(body), found;
    uint8_t *p = exact(body, n);
    assert_int_equal(walk_parts(p, n, "XyZ", want, 3, &found), DEC_PART_END);
    assert_int_equal(found, 3);
    free(p);
    /* every truncation point: the whole parts before it, in order, and the
     * end only once its delimiter is in */
    size_t close_at = (size_t)(strstr(body, "--XyZ--") - body) + 7;
    size_t last = 0;
    for (size_t k = 0; k <= n; k++) {
        uint8_t *cut = exact(body, k);
        int rc = walk_parts(cut, k, "XyZ", want, 3, &found);
        assert_true(found >= last);
        last = found;
        assert_int_equal(rc == DEC_PART_END, k >= close_at);
        free(cut);
    }
    assert_int_equal(last, 3);

    /* LF line ends */
    const char *lf = "--b\nContent-Type: a/b\n\nx\n--b\n\n\n--b--";
    static const struct part_want lf_want[] = {{"Content-Type: a/b\n", "x"}, {"", ""}};
    p = exact(lf, strlen(lf));
    assert_int_equal(walk_parts(p, strlen(lf), "b", lf_want, 2, &found), DEC_PART_END);
    assert_int_equal(found, 2);
    free(p);

    /* hostile and broken bodies: nothing, or parts inside the bytes */
    static const struct {
        const char *body, *boundary;
        int rc;
    } bad[] = {
        {"--b--", "b", DEC_PART_END},
        {"--b\r\nno blank line\r\n", "b", DEC_PART_NONE},
        {"--b\r\n\r\ndata never ends", "b", DEC_PART_NONE},
        {"--b", "b", DEC_PART_NONE},
        {"----------", "-", DEC_PART_END},
        {"--b\r\n\r\n--b\r\n\r\n--b\r\n\r\n", "b", DEC_PART_NONE},
        {"x--b\r\n\r\nd\r\n--b--", "b", DEC_PART_END},   /* the first is not at a line's start */
        {"--\r\n\r\n--", "", DEC_PART_NONE},             /* an empty boundary */
    };
    for (size_t i = 0; i < NELEM(bad); i++) {
        size_t bn = strlen(bad[i].body), pos = 0;
        p = exact(bad[i].body, bn);
        struct dec_part pt;
        int rc;
        size_t parts = 0;
        while ((rc = dec_multipart_next(p, bn, (const uint8_t *)bad[i].boundary,
                                        strlen(bad[i].boundary), &pos, &pt)) == DEC_PART_ONE) {
            span_inside(pt.data, bn);
            assert_true(++parts < 10);
        }
        assert_int_equal(rc, bad[i].rc);
        free(p);
    }
    /* a boundary longer than RFC 2046 allows (70) is not one */
    char longb[72], lbody[200];
    memset(longb, 'q', 71);
    longb[71] = '\0';
    snprintf(lbody, sizeof lbody, "--%s\r\n\r\nx\r\n--%s--", longb, longb);
    size_t pos = 0;
    struct dec_part pt;
    assert_int_equal(dec_multipart_next((const uint8_t *)lbody, strlen(lbody),
                                        (const uint8_t *)longb, 71, &pos, &pt),
                     DEC_PART_NONE);
    longb[70] = '\0';
    snprintf(lbody, sizeof lbody, "--%s\r\n\r\nx\r\n--%s--", longb, longb);
    pos = 0;
    assert_int_equal(dec_multipart_next((const uint8_t *)lbody, strlen(lbody),
                                        (const uint8_t *)longb, 70, &pos, &pt),
                     DEC_PART_ONE);
    /* a position past the end */
    pos = 99;
    assert_int_equal(dec_multipart_next((const uint8_t *)"--b--", 5, (const uint8_t *)"b", 1, &pos,
                                        &pt),
                     DEC_PART_NONE);
}

static void test_field_lines(void **state)
{
    (void)state;
    const char *head = "Content-Disposition: form-data; name=\"a\"\r\n"
                       "content-type:\ttext/plain \r\n"
                       "Content-Typex: no\r\n"
                       "X:\r\n"
                       "Last: no line end";
    size_t n = strlen(head);
    uint8_t *p = exact(head, n);
    struct dec_span v;
    assert_true(dec_field_lines_get(p, n, "Content-Disposition", &v));
    expect_span(p, v, "form-data; name=\"a\"");
    assert_true(dec_field_lines_get(p, n, "Content-Type", &v));
    expect_span(p, v, "text/plain");
    assert_true(dec_field_lines_get(p, n, "x", &v));
    expect_span(p, v, "");
    assert_true(dec_field_lines_get(p, n, "Last", &v));
    expect_span(p, v, "no line end");
    assert_false(dec_field_lines_get(p, n, "Content", &v));
    assert_false(dec_field_lines_get(p, n, "Missing", &v));
    free(p);
    for (size_t k = 0; k <= n; k++) {
        uint8_t *cut = exact(head, k);
        if (dec_field_lines_get(cut, k, "Last", &v))
            span_inside(v, k);
        free(cut);
    }
}

/* ------------------------------------------------------ HTML and files -- */

static void test_html(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        size_t link, script, img;
    } cases[] = {
        {"<link rel=x><script src=a></script><IMG SRC=b><img/><imgx><linkage><img\n>", 1, 1, 3},
        {"<!DOCTYPE html><html><head><LINK\trel=stylesheet href=/style.css></head>", 1, 0, 0},
        {"<img", 0, 0, 0},   /* cut before the name ends: not counted */
        {"<", 0, 0, 0},
        {"<<<<script>", 0, 1, 0},
        {"", 0, 0, 0},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        size_t n = strlen(cases[i].in);
        uint8_t *p = exact(cases[i].in, n);
        struct dec_html_refs r;
        dec_html_count_refs(p, n, &r);
        assert_int_equal(r.link, cases[i].link);
        assert_int_equal(r.script, cases[i].script);
        assert_int_equal(r.img, cases[i].img);
        free(p);
        for (size_t k = 0; k <= n; k++) {
            uint8_t *cut = exact(cases[i].in, k);
            dec_html_count_refs(cut, k, &r);
            assert_true(r.link <= cases[i].link && r.script <= cases[i].script &&
                        r.img <= cases[i].img);
            free(cut);
        }
    }
}

static void test_files(void **state)
{
    (void)state;
    static const uint8_t png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                  'I', 'H', 'D', 'R', 0, 0, 0x01, 0x40, 0, 0, 0, 0xf0};
    static const uint8_t gif[] = "GIF89a\x20\x00\x10\x00";
    static const uint8_t gif87[] = "GIF87a\x01\x02\x03\x04";
    static const struct {
        const uint8_t *p;
        size_t n;
        const char *format;
        size_t sig;
        uint32_t w, h;   /* 0: no size */
    } cases[] = {
        {png, sizeof png, "PNG", 8, 320, 240},
        {gif, sizeof gif - 1, "GIF", 6, 32, 16},
        {gif87, sizeof gif87 - 1, "GIF", 6, 0x0201, 0x0403},
        {(const uint8_t *)"\xff\xd8\xff\xe0", 4, "JPEG", 3, 0, 0},
        {(const uint8_t *)"\x1f\x8b\x08", 3, "gzip", 2, 0, 0},
        {(const uint8_t *)"%PDF-1.7", 8, "PDF", 5, 0, 0},
        {(const uint8_t *)"PK\x03\x04", 4, "ZIP", 4, 0, 0},
        {(const uint8_t *)"<html>", 6, NULL, 0, 0, 0},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        /* every truncation point: the format once its signature is whole,
         * the size once its header is */
        for (size_t k = 0; k <= cases[i].n; k++) {
            uint8_t *p = exact(cases[i].p, k);
            size_t sl = 99;
            const char *f = dec_file_signature(p, k, &sl);
            if (cases[i].format && k >= cases[i].sig) {
                assert_non_null(f);
                assert_string_equal(f, cases[i].format);
                assert_int_equal(sl, cases[i].sig);
            } else {
                assert_null(f);
                assert_int_equal(sl, 0);
            }
            uint32_t w = 0, h = 0;
            bool sized = dec_image_size(p, k, &w, &h);
            assert_int_equal(sized, cases[i].w && k == cases[i].n);
            if (sized) {
                assert_int_equal(w, cases[i].w);
                assert_int_equal(h, cases[i].h);
            }
            free(p);
        }
    }
    /* a PNG whose first chunk is not IHDR has no size */
    uint8_t bad[sizeof png];
    memcpy(bad, png, sizeof png);
    bad[12] = 'X';
    uint32_t w, h;
    assert_false(dec_image_size(bad, sizeof bad, &w, &h));
}

/* -------------------------------------------------------------- lines -- */

static void test_lines(void **state)
{
    (void)state;
    assert_int_equal(dec_line_len((const uint8_t *)"abc\r\n", 5), 3);
    assert_int_equal(dec_line_len((const uint8_t *)"abc\n", 4), 3);
    assert_int_equal(dec_line_len((const uint8_t *)"\n", 1), 0);
    assert_int_equal(dec_line_len((const uint8_t *)"abc", 3), 3);
    assert_int_equal(dec_line_len((const uint8_t *)"a\rb", 3), 1);
    static const struct {
        const char *in;
        bool ok;
        const char *digits;
        uint64_t size;
    } cases[] = {
        {"5d9\r\n", true, "5d9", 1497},
        {"  1A;name=val\r\n", true, "1A", 26},
        {"0\r\n\r\n", true, "0", 0},
        {"000000000000000000005d9\r\n", true, "000000000000000000005d9", 1497},
        {"ff \t;x\n", true, "ff", 255},
        {"zz\r\n", false, NULL, 0},
        {"5d9", false, NULL, 0},
        {"5d9 x\r\n", false, NULL, 0},
        {"ffffffffffffffffff\r\n", false, NULL, 0},
        {"\r\n", false, NULL, 0},
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        size_t n = strlen(cases[i].in);
        uint8_t *p = exact(cases[i].in, n);
        struct dec_span d;
        uint64_t size = 0;
        bool ok = dec_chunk_size_line(p, n, &d, &size);
        if (ok != cases[i].ok)
            fail_msg("\"%s\": %s", cases[i].in, ok ? "taken" : "refused");
        if (ok) {
            expect_span(p, d, cases[i].digits);
            assert_int_equal(size, cases[i].size);
        }
        free(p);
        /* every truncation point: a line is read only once its LF is in */
        size_t lf = (size_t)(strchr(cases[i].in, '\n') ? strchr(cases[i].in, '\n') - cases[i].in
                                                        : (ptrdiff_t)n);
        for (size_t k = 0; k < n && k <= lf; k++) {
            uint8_t *cut = exact(cases[i].in, k);
            assert_false(dec_chunk_size_line(cut, k, &d, &size));
            free(cut);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),        cmocka_unit_test(test_pct_decode),
        cmocka_unit_test(test_base64),       cmocka_unit_test(test_media_type),
        cmocka_unit_test(test_header_param), cmocka_unit_test(test_lists),
        cmocka_unit_test(test_qvalue),       cmocka_unit_test(test_pairs),
        cmocka_unit_test(test_cookies),      cmocka_unit_test(test_multipart),
        cmocka_unit_test(test_field_lines),  cmocka_unit_test(test_html),
        cmocka_unit_test(test_files),        cmocka_unit_test(test_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
