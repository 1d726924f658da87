/* fuzz_inspect.c - the readers of untrusted body bytes (decode/inspect.c),
 * then the learner's text of a message made of the same bytes
 * (teach_explain over a record built by hand), which calls them as the UI
 * does
 *
 * Input: byte 0: bits 0-6 the length K of a key (a boundary, a parameter,
 * token or field name), bit 7 whether the key also ends the Content-Type;
 * then the K bytes of the key; then one byte: bits 0-2 pick the
 * Content-Type (table below), bit 3 asks for the explanation too (it is
 * slower: the readers alone run at about twice the speed); the rest is the
 * body. Every function gets the body, and
 * the key where it takes a name, each in a block of its exact size.
 *
 * Contracts checked beyond the sanitizers: spans inside their input,
 * outputs within their cap, walks that end (each step moves forward), the
 * parts of a multipart body inside it and in order, a size only with a
 * picture's signature, and a valid UTF-8 text without "(null)".
 */
#define _GNU_SOURCE 1  /* memmem */
#include "fuzz_common.h"
#include "../../decode/decode_int.h"

static const char *const ctypes[8] = {
    "multipart/form-data; boundary=",
    "application/x-www-form-urlencoded",
    "text/html; charset=utf-8",
    "image/png",
    "application/json",
    "text/plain",
    "application/octet-stream",
    "", /* the key alone */
};

static void check_span(struct dec_span s, size_t n, const char *what)
{
    FZ_CHECK(s.off <= n && s.len <= n - s.off, "%s span %u+%u past %zu", what, s.off, s.len, n);
}

static void readers(const uint8_t *p, size_t n, const char *key, size_t klen)
{
    uint8_t *out = malloc(n ? n : 1);
    size_t k = dec_pct_decode(p, n, true, out, n);
    FZ_CHECK(k <= n, "pct %zu of %zu", k, n);
    size_t half = n / 2;
    FZ_CHECK(dec_pct_decode(p, n, false, out, half) <= half, "pct past cap");
    size_t len = SIZE_MAX;
    if (dec_base64_decode(p, n, out, n * 3 / 4, &len))
        FZ_CHECK(len <= n * 3 / 4, "base64 %zu of %zu", len, n);
    else
        FZ_CHECK(len == 0, "refused base64 with %zu bytes", len);
    free(out);

    check_span(dec_media_type(p, n), n, "media type");
    struct dec_span sp;
    if (dec_header_param(p, n, key, &sp))
        check_span(sp, n, "param");
    size_t pos = 0, items = 0;
    while (dec_list_next(p, n, &pos, &sp)) {
        check_span(sp, n, "list item");
        FZ_CHECK(sp.len > 0 && ++items <= n, "list item %zu", items);
        struct dec_span q;
        if (dec_header_param(p + sp.off, sp.len, "q", &q)) {
            int qv = dec_qvalue(p + sp.off + q.off, q.len);
            FZ_CHECK(qv >= -1 && qv <= 1000, "q %d", qv);
        }
    }
    if (dec_list_has_token(p, n, key))
        FZ_CHECK(n >= klen, "a token longer than the list");

    struct dec_pair pr;
    pos = 0;
    size_t pairs = 0;
    while (dec_pair_next(p, n, &pos, &pr)) {
        check_span(pr.name, n, "pair name");
        check_span(pr.value, n, "pair value");
        FZ_CHECK(++pairs <= n, "pairs %zu", pairs);
    }
    FZ_CHECK(dec_pair_count(p, n) == pairs, "count %zu, walk %zu", dec_pair_count(p, n), pairs);
    FZ_CHECK(dec_cookie_count(p, n) <= n / 2 + 1, "cookies %zu", dec_cookie_count(p, n));
    if (dec_cookie_attr(p, n, key, &sp))
        check_span(sp, n, "cookie attr");
    if (dec_field_lines_get(p, n, key, &sp))
        check_span(sp, n, "field");

    struct dec_part pt;
    pos = 0;
    size_t parts = 0, last = 0;
    int rc;
    while ((rc = dec_multipart_next(p, n, (const uint8_t *)key, klen, &pos, &pt)) == DEC_PART_ONE) {
        check_span(pt.head, n, "part head");
        check_span(pt.data, n, "part data");
        FZ_CHECK(pt.head.off > last && pt.data.off >= pt.head.off + pt.head.len,
                 "part out of order");
        FZ_CHECK(pos >= pt.data.off + pt.data.len && pos > last && pos < n, "pos %zu", pos);
        last = pos;
        FZ_CHECK(++parts <= n, "parts %zu", parts);
    }
    FZ_CHECK(rc == DEC_PART_NONE || rc == DEC_PART_END, "rc %d", rc);

    struct dec_html_refs refs;
    dec_html_count_refs(p, n, &refs);
    FZ_CHECK(refs.link + refs.script + refs.img <= n / 4, "html %zu %zu %zu", refs.link,
             refs.script, refs.img);
    size_t sl;
    const char *f = dec_file_signature(p, n, &sl);
    FZ_CHECK(f ? sl > 0 && sl <= n : sl == 0, "signature %zu", sl);
    uint32_t w, h;
    if (dec_image_size(p, n, &w, &h))
        FZ_CHECK(f && (strcmp(f, "PNG") == 0 || strcmp(f, "GIF") == 0), "size without a picture");
    FZ_CHECK(dec_line_len(p, n) <= n, "line");
    uint64_t size;
    if (dec_chunk_size_line(p, n, &sp, &size)) {
        check_span(sp, n, "chunk digits");
        FZ_CHECK(sp.len > 0 && size < (1ULL << 62), "chunk %llu", (unsigned long long)size);
    }
}

/* a message made of the bytes: a request with these headers and body */
static struct dec_str str_in(struct msgrec *m, const void *s, size_t n)
{
    memcpy(m->arena + m->alen, s, n);
    struct dec_str v = {m->arena + m->alen, n};
    m->alen += n;
    return v;
}

static void header(struct msgrec *m, const char *name, const uint8_t *v, size_t n)
{
    m->hdrs[m->pub.nheaders++] =
        (struct dec_header){str_in(m, name, strlen(name)), str_in(m, v, n)};
}

static void add_stage(struct dec_record *d, enum dec_stage_kind kind, struct msgrec *m)
{
    struct dec_stage *s = dec_stage_new(kind, 1);
    s->exchange = 0;
    s->frames[0] = d->nstgs + 1;
    s->msg = dec_msg_ref(&m->pub);
    tr_xgrow(&d->stgs, &d->cstgs, d->nstgs + 1, sizeof *d->stgs);
    d->stgs[d->nstgs++] = s;
}

static bool valid_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = dec_utf8_len((const unsigned char *)s + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

static void explain(const uint8_t *body, size_t n, const char *key, size_t klen, bool key_ct,
                    int ct)
{
    size_t cut = n < 512 ? n : 512;  /* header values: a head is small */
    struct msgrec *m = dec_msgrec_new(true);
    m->arena = tr_xmalloc(8 * cut + 4 * klen + 512);
    m->hdrs = tr_xcalloc(16, sizeof *m->hdrs);
    m->pub.headers = m->hdrs;
    m->pub.method = str_in(m, "POST", 4);
    size_t tl = 2 + cut;
    uint8_t *target = tr_xmalloc(tl);
    memcpy(target, "/?", 2);
    memcpy(target + 2, body, cut);
    m->pub.target = str_in(m, target, tl);
    free(target);
    m->pub.version = str_in(m, "HTTP/1.1", 8);
    size_t cl = strlen(ctypes[ct]);
    uint8_t *ctype = tr_xmalloc(cl + klen + 1);
    memcpy(ctype, ctypes[ct], cl);
    if (key_ct || ct == 0 || ct == 7) {
        memcpy(ctype + cl, key, klen);
        cl += klen;
    }
    header(m, "Content-Type", ctype, cl);
    free(ctype);
    header(m, "Cookie", body, cut);
    header(m, "Set-Cookie", body, cut);
    header(m, "Authorization", body, cut);
    header(m, "Accept", body, cut);
    header(m, "Connection", (const uint8_t *)key, klen);
    header(m, "Transfer-Encoding", (const uint8_t *)key, klen);
    header(m, "ETag", body, cut);
    m->pub.framing = DEC_FRAMING_LENGTH;
    m->pub.body_length = n;
    m->pub.content_length = n;

    struct dec_record d;
    dec_record_init(&d, 1);
    d.tc.syn_seen = true;
    add_stage(&d, DEC_STAGE_REQUEST_LINE, m);
    add_stage(&d, DEC_STAGE_REQUEST_HEADERS, m);
    add_stage(&d, DEC_STAGE_REQUEST_BLANK_LINE, m);
    add_stage(&d, DEC_STAGE_REQUEST_BODY, m);
    struct dec_stage *b = (struct dec_stage *)d.stgs[3];
    b->preview = fz_dup(body, n);
    b->preview_len = n;
    dec_msg_unref(&m->pub);
    /* "(null)" from printf, unless the bytes themselves hold it */
    bool nulls = memmem(body, n, "(null)", 6) || strstr(key, "(null)");
    for (int k = 0; k < 4; k++) {
        struct tr_sbuf t = {0};
        teach_explain(&d, k, &t);
        FZ_CHECK(t.p && t.len > 0, "no text for stage %d", k);
        FZ_CHECK(valid_utf8(t.p, t.len), "stage %d: not UTF-8", k);
        FZ_CHECK(nulls || !strstr(t.p, "(null)"), "stage %d: (null)", k);
        tr_sb_free(&t);
    }
    dec_record_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fz f = {data, size};
    uint8_t b = fz_u8(&f);
    const uint8_t *kp;
    size_t klen = fz_take(&f, b & 0x7f, &kp);
    /* the key as a C string: names end at a NUL, as they do in the code */
    char key[128];
    memcpy(key, kp, klen);
    key[klen] = '\0';
    klen = strlen(key);
    uint8_t t = fz_u8(&f);
    uint8_t *body = fz_dup(f.p, f.n);
    readers(body, f.n, key, klen);
    if (t & 8)
        explain(body, f.n, key, klen, b & 0x80, t & 7);
    free(body);
    return 0;
}
