/* test_h2.c - the HTTP/2 engine (decode/h2.c): every frame type, a
 * multi-stream conversation giving the same events for every split point,
 * padding, CONTINUATION, settings and what their acknowledgment changes,
 * streams and multiplexing, hostile frames, gaps, a capture that starts
 * mid-connection, the h2c Upgrade, and the pure helpers
 *
 * Longer than 800 lines: a test file (every frame type, padding, splits and
 * malformed frames, each with its hand-built bytes).
 */
#include "testutil.h"

#include "../../decode/h2.h"

#include <nghttp2/nghttp2.h>

/* ------------------------------------------------------- byte builder -- */

struct hb {
    uint8_t *b;
    size_t n, cap;
};

static void hb_mem(struct hb *h, const void *p, size_t n)
{
    if (h->n + n > h->cap) {
        h->cap = (h->n + n) * 2 + 64;
        h->b = realloc(h->b, h->cap);
        assert_non_null(h->b);
    }
    if (n)
        memcpy(h->b + h->n, p, n);
    h->n += n;
}

static void hb_u8(struct hb *h, unsigned v)
{
    uint8_t c = (uint8_t)v;
    hb_mem(h, &c, 1);
}

static void hb_be32(struct hb *h, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    hb_mem(h, b, 4);
}

static void hb_free(struct hb *h)
{
    free(h->b);
    memset(h, 0, sizeof *h);
}

/* a frame header (RFC 9113 4.1) */
static void hb_head(struct hb *h, uint32_t len, unsigned type, unsigned flags, uint32_t stream)
{
    hb_u8(h, len >> 16 & 0xff);
    hb_u8(h, len >> 8 & 0xff);
    hb_u8(h, len & 0xff);
    hb_u8(h, type);
    hb_u8(h, flags);
    hb_be32(h, stream);
}

static void hb_frame(struct hb *h, unsigned type, unsigned flags, uint32_t stream, const void *p,
                     size_t n)
{
    hb_head(h, (uint32_t)n, type, flags, stream);
    hb_mem(h, p, n);
}

static void hb_preface(struct hb *h)
{
    hb_mem(h, DEC_H2_PREFACE, DEC_H2_PREFACE_LEN);
}

/* SETTINGS with (id, value) pairs, ended by 0 */
static void hb_settings(struct hb *h, unsigned flags, ...)
{
    struct hb p = {0};
    va_list ap;
    va_start(ap, flags);
    for (;;) {
        unsigned id = va_arg(ap, unsigned);
        if (!id)
            break;
        hb_u8(&p, id >> 8);
        hb_u8(&p, id & 0xff);
        hb_be32(&p, va_arg(ap, uint32_t));
    }
    va_end(ap);
    hb_frame(h, DEC_H2_SETTINGS, flags, 0, p.b, p.n);
    hb_free(&p);
}

/* a header block from nghttp2's deflater: "name", "value", ..., NULL */
static void hb_block(struct hb *out, nghttp2_hd_deflater *def, va_list ap)
{
    nghttp2_nv nv[32];
    size_t n = 0;
    for (const char *name; (name = va_arg(ap, const char *));) {
        const char *value = va_arg(ap, const char *);
        assert_true(n < 32);
        nv[n++] = (nghttp2_nv){(uint8_t *)name, (uint8_t *)value, strlen(name), strlen(value),
                               NGHTTP2_NV_FLAG_NONE};
    }
    size_t bound = nghttp2_hd_deflate_bound(def, nv, n);
    uint8_t *buf = malloc(bound);
    ssize_t len = nghttp2_hd_deflate_hd(def, buf, bound, nv, n);
    assert_true(len >= 0);
    hb_mem(out, buf, (size_t)len);
    free(buf);
}

static void blk(struct hb *out, nghttp2_hd_deflater *def, ...)
{
    va_list ap;
    va_start(ap, def);
    hb_block(out, def, ap);
    va_end(ap);
}

/* HEADERS with END_HEADERS and its block */
static void hb_headers(struct hb *h, nghttp2_hd_deflater *def, unsigned flags, uint32_t stream, ...)
{
    struct hb p = {0};
    va_list ap;
    va_start(ap, stream);
    hb_block(&p, def, ap);
    va_end(ap);
    hb_frame(h, DEC_H2_HEADERS, flags | DEC_H2_F_END_HEADERS, stream, p.b, p.n);
    hb_free(&p);
}

/* RFC 7541 C.4.1: GET http://www.example.com/, static entries and literals */
static const uint8_t req_block[] = {0x82, 0x86, 0x84, 0x41, 0x8c, 0xf1, 0xe3, 0xc2, 0xe5,
                                    0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff};

static void hb_req(struct hb *h, uint32_t stream, unsigned flags)
{
    hb_frame(h, DEC_H2_HEADERS, flags | DEC_H2_F_END_HEADERS, stream, req_block,
             sizeof req_block);
}

/* ":status: 200", static entry 8 */
static void hb_200(struct hb *h, uint32_t stream, unsigned flags)
{
    hb_frame(h, DEC_H2_HEADERS, flags | DEC_H2_F_END_HEADERS, stream, "\x88", 1);
}

static nghttp2_hd_deflater *deflater(void)
{
    nghttp2_hd_deflater *d = NULL;
    assert_int_equal(nghttp2_hd_deflate_new(&d, 4096), 0);
    return d;
}

/* ------------------------------------------------------------ recorder -- */

struct rec {
    struct tlog log;
    bool show_frames;            /* log the capture frames of frames and blocks */
    bool quiet_frames;           /* leave on_frame out */
    /* consecutive on_data of one stream, merged (pieces depend on the cut) */
    bool dpend;
    int ddir;
    uint32_t dstream;
    uint64_t doff, dlen;
    uint32_t dsum;
    bool dgap;
};

static const char *dname(int dir)
{
    return dir == TR_DIR_C2S ? "c2s" : "s2c";
}

static void rec_flush(struct rec *r)
{
    if (!r->dpend)
        return;
    r->dpend = false;
    if (r->dgap)
        tlog_add(&r->log, "gap %s s%u @%llu len=%llu\n", dname(r->ddir), r->dstream,
                 (unsigned long long)r->doff, (unsigned long long)r->dlen);
    else
        tlog_add(&r->log, "data %s s%u @%llu len=%llu sum=%u\n", dname(r->ddir), r->dstream,
                 (unsigned long long)r->doff, (unsigned long long)r->dlen, r->dsum);
}

static void rec_frames(struct rec *r, const uint64_t *v, size_t n)
{
    if (!r->show_frames)
        return;
    tlog_add(&r->log, " frames=");
    for (size_t i = 0; i < n; i++)
        tlog_add(&r->log, "%s%llu", i ? "," : "", (unsigned long long)v[i]);
}

static void on_preface(void *ctx, const struct dec_h2_preface *p)
{
    struct rec *r = ctx;
    rec_flush(r);
    tlog_add(&r->log, "preface @%llu", (unsigned long long)p->offset);
    rec_frames(r, p->frames, p->nframes);
    tlog_add(&r->log, "\n");
}

static void on_frame(void *ctx, const struct dec_h2_frame *f)
{
    struct rec *r = ctx;
    rec_flush(r);
    if (r->quiet_frames)
        return;
    const char *tn = dec_h2_type_name(f->type);
    tlog_add(&r->log, "frame %s ", dname(f->dir));
    if (tn)
        tlog_add(&r->log, "%s", tn);
    else
        tlog_add(&r->log, "type%u", f->type);
    tlog_add(&r->log, " s%u len=%u @%llu", f->stream, f->length, (unsigned long long)f->offset);
    const char *fl[8];
    size_t nf = dec_h2_flag_names(f->type, f->flags, fl, 8);
    for (size_t i = 0; i < nf; i++)
        tlog_add(&r->log, "%s%s", i ? "|" : " ", fl[i]);
    if (f->flags & DEC_H2_F_PADDED && (f->type == DEC_H2_DATA || f->type == DEC_H2_HEADERS))
        tlog_add(&r->log, " pad=%u", f->pad_length);
    if (f->type == DEC_H2_DATA || f->type == DEC_H2_HEADERS || f->type == DEC_H2_CONTINUATION ||
        f->type == DEC_H2_PUSH_PROMISE)
        tlog_add(&r->log, " content=%u", f->content_length);
    if (f->has_priority)
        tlog_add(&r->log, " dep=%u%s weight=%u", f->dependency, f->exclusive ? "!" : "",
                 f->weight);
    if (f->type == DEC_H2_RST_STREAM || f->type == DEC_H2_GOAWAY)
        tlog_add(&r->log, " code=%s", dec_h2_error_name(f->error_code));
    if (f->type == DEC_H2_GOAWAY) {
        tlog_add(&r->log, " last=%u debug=%u ", f->last_stream, f->debug_length);
        tlog_esc(&r->log, f->debug, f->debug_kept, 40);
    }
    if (f->type == DEC_H2_WINDOW_UPDATE)
        tlog_add(&r->log, " inc=%u", f->increment);
    if (f->type == DEC_H2_PING)
        tlog_add(&r->log, " opaque=%02x%02x", f->opaque[0], f->opaque[7]);
    if (f->type == DEC_H2_PUSH_PROMISE)
        tlog_add(&r->log, " promised=%u", f->promised_stream);
    if (f->type == DEC_H2_SETTINGS) {
        tlog_add(&r->log, " [");
        for (size_t i = 0; i < f->nsettings; i++) {
            const char *sn = dec_h2_setting_name(f->settings[i].id);
            tlog_add(&r->log, "%s%s=%u", i ? "," : "", sn ? sn + 9 : "?", f->settings[i].value);
        }
        tlog_add(&r->log, "]");
    }
    if (f->first)
        tlog_add(&r->log, " first");
    if (f->truncated)
        tlog_add(&r->log, " truncated");
    if (f->gap)
        tlog_add(&r->log, " gap");
    if (f->malformed)
        tlog_add(&r->log, " malformed");
    rec_frames(r, f->frames, f->nframes);
    tlog_add(&r->log, "\n");
}

static void log_fields(struct rec *r, const char *what, const struct dec_hpack_field *f, size_t n)
{
    tlog_add(&r->log, " %s=[", what);
    for (size_t i = 0; i < n; i++) {
        tlog_add(&r->log, "%s", i ? " " : "");
        if (f[i].name.p)
            tlog_raw(&r->log, f[i].name.p, f[i].name.len);
        else
            tlog_add(&r->log, "?");
        tlog_add(&r->log, "=");
        if (f[i].value.p)
            tlog_raw(&r->log, f[i].value.p, f[i].value.len);
        else
            tlog_add(&r->log, "?");
    }
    tlog_add(&r->log, "]");
}

static void on_block(void *ctx, const struct dec_h2_block *b)
{
    struct rec *r = ctx;
    rec_flush(r);
    tlog_add(&r->log, "block %s s%u #%llu %s", dname(b->dir), b->stream,
             (unsigned long long)b->index, dec_h2_block_name(b->kind));
    if (b->interim)
        tlog_add(&r->log, " interim");
    if (b->kind == DEC_H2_BLOCK_PUSH_PROMISE)
        tlog_add(&r->log, " promised=%u", b->promised_stream);
    if (b->end_stream)
        tlog_add(&r->log, " end_stream");
    if (!b->complete)
        tlog_add(&r->log, " incomplete");
    if (b->status >= 0)
        tlog_add(&r->log, " status=%d", b->status);
    tlog_add(&r->log, " hpack=%llu decoded=%lld", (unsigned long long)b->hpack_length,
             (long long)b->decoded_length);
    if (b->unknown)
        tlog_add(&r->log, " unknown=%llu", (unsigned long long)b->unknown);
    log_fields(r, "pseudo", b->pseudo, b->npseudo);
    log_fields(r, "fields", b->fields, b->nfields);
    tlog_add(&r->log, " frames=%zu @%llu+%llu", b->nh2frames, (unsigned long long)b->offset,
             (unsigned long long)b->length);
    rec_frames(r, b->frames, b->nframes);
    tlog_add(&r->log, "\n");
}

static void on_data(void *ctx, const struct dec_h2_data *d)
{
    struct rec *r = ctx;
    if (r->dpend && r->ddir == (int)d->dir && r->dstream == d->stream &&
        r->doff + r->dlen == d->offset && r->dgap == (d->data == NULL)) {
        r->dlen += d->len;
    } else {
        rec_flush(r);
        r->dpend = true;
        r->ddir = (int)d->dir;
        r->dstream = d->stream;
        r->doff = d->offset;
        r->dlen = d->len;
        r->dgap = d->data == NULL;
        r->dsum = 0;
    }
    for (size_t i = 0; d->data && i < d->len; i++)
        r->dsum = r->dsum * 31 + d->data[i];
}

static void on_stream(void *ctx, const struct dec_h2_stream *s)
{
    struct rec *r = ctx;
    rec_flush(r);
    if (s->event == DEC_H2_STREAM_OPEN) {
        tlog_add(&r->log, "open s%u #%llu %s%s%s%s", s->id, (unsigned long long)s->index,
                 dname(s->dir), s->upgraded ? " upgraded" : "", s->adopted ? " adopted" : "",
                 s->pushed ? " pushed" : "");
        if (s->pushed)
            tlog_add(&r->log, " parent=%u", s->parent);
        tlog_add(&r->log, "\n");
        return;
    }
    tlog_add(&r->log, "end s%u %s by %s", s->id, dec_h2_end_name(s->how), dname(s->dir));
    if (s->how == DEC_H2_END_RST_STREAM || s->how == DEC_H2_END_GOAWAY)
        tlog_add(&r->log, " code=%s", dec_h2_error_name(s->error_code));
    tlog_add(&r->log, " data=%llu/%llu", (unsigned long long)s->data_bytes[0],
             (unsigned long long)s->data_bytes[1]);
    if (s->gap_bytes[0] || s->gap_bytes[1])
        tlog_add(&r->log, " lost=%llu/%llu", (unsigned long long)s->gap_bytes[0],
                 (unsigned long long)s->gap_bytes[1]);
    tlog_add(&r->log, "\n");
}

static void on_note(void *ctx, const struct dec_h2_note *n)
{
    struct rec *r = ctx;
    rec_flush(r);
    assert_non_null(n->detail);
    assert_true(strlen(n->detail) > 0);
    tlog_add(&r->log, "note %s/%s %s s%u\n", dec_h2_note_name(n->kind),
             dec_h2_problem_name(n->problem), dname(n->dir), n->stream);
}

static struct dec_h2 *engine(struct rec *r, enum dec_h2_start start, const char *settings)
{
    struct dec_h2_sink sink = {r, on_preface, on_frame, on_block, on_data, on_stream, on_note};
    struct dec_h2_opts o = {.start = start};
    if (settings) {
        o.http2_settings = settings;
        o.http2_settings_len = strlen(settings);
    }
    return dec_h2_new(&o, &sink);
}

/* feed bytes in pieces of `step` (0: one piece), each carried by frame `frame` */
static void feed(struct dec_h2 *h, enum tr_dir dir, uint64_t *off, const uint8_t *p, size_t n,
                 size_t step, uint64_t frame)
{
    for (size_t i = 0; i < n;) {
        size_t k = step && step < n - i ? step : n - i;
        dec_h2_feed(h, dir, *off, p + i, k, &frame, 1, (tr_time)frame * 1000);
        *off += k;
        i += k;
    }
}

static const char *finish(struct dec_h2 *h, struct rec *r, bool closed)
{
    dec_h2_finish(h, closed, 0, 0);
    rec_flush(r);
    return tlog_str(&r->log);
}

/* An engine over the client's bytes c, then the server's s (s first when
 * server_first), in pieces of step (0: one), to the end; the log. */
static const char *run_both(struct rec *r, enum dec_h2_start start, const char *settings,
                            const struct hb *c, const struct hb *s, bool server_first,
                            size_t step, bool closed)
{
    struct dec_h2 *e = engine(r, start, settings);
    uint64_t off[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        int d = server_first ? 1 - k : k;
        const struct hb *b = d ? s : c;
        if (b)
            feed(e, (enum tr_dir)d, &off[d], b->b, b->n, step, 2 + (uint64_t)d);
    }
    finish(e, r, closed);
    dec_h2_free(e);
    return tlog_str(&r->log);
}

static void expect_log(const char *got, const char *want)
{
    if (strcmp(got, want) != 0) {
        fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, want);
        fail();
    }
}

/* ------------------------------------------------------ a conversation -- */

/* Every frame type, three client streams and a pushed one, padding,
 * priority, CONTINUATION, an interim response and trailers. Fed as: the
 * server's SETTINGS, then all the client sent, then the rest of the server's. */
struct convo {
    struct hb s2c_head, c2s, s2c;
};

static void convo_make(struct convo *c)
{
    memset(c, 0, sizeof *c);
    nghttp2_hd_deflater *cd = deflater(), *sd = deflater();
    /* the server's preface: SETTINGS */
    hb_settings(&c->s2c_head, 0, DEC_H2_SET_MAX_CONCURRENT_STREAMS, 100u,
                DEC_H2_SET_INITIAL_WINDOW_SIZE, 1048576u, 0);

    struct hb *h = &c->c2s;
    hb_preface(h);
    hb_settings(h, 0, DEC_H2_SET_ENABLE_PUSH, 1u, DEC_H2_SET_MAX_FRAME_SIZE, 32768u, 0);
    uint8_t wu[4] = {0, 0x0f, 0x00, 0x01};
    hb_frame(h, DEC_H2_WINDOW_UPDATE, 0, 0, wu, 4);
    hb_headers(h, cd, DEC_H2_F_END_STREAM, 1, ":method", "GET", ":scheme", "http", ":authority",
               "example.test", ":path", "/a", "user-agent", "test/1", NULL);
    /* stream 3: HEADERS (PADDED, PRIORITY) and a CONTINUATION */
    struct hb b = {0};
    blk(&b, cd, ":method", "POST", ":scheme", "http", ":authority", "example.test", ":path",
        "/b", "content-type", "text/plain", "user-agent", "test/1", NULL);
    size_t half = b.n / 2;
    struct hb p = {0};
    hb_u8(&p, 3);                  /* pad length */
    hb_be32(&p, 0x80000001u);      /* exclusive, on stream 1 */
    hb_u8(&p, 199);                /* weight 200 */
    hb_mem(&p, b.b, half);
    hb_mem(&p, "\0\0\0", 3);
    hb_frame(h, DEC_H2_HEADERS, DEC_H2_F_PADDED | DEC_H2_F_PRIORITY, 3, p.b, p.n);
    hb_frame(h, DEC_H2_CONTINUATION, DEC_H2_F_END_HEADERS, 3, b.b + half, b.n - half);
    hb_free(&p);
    hb_free(&b);
    hb_u8(&p, 4);
    hb_mem(&p, "hello world\0\0\0\0", 15);
    hb_frame(h, DEC_H2_DATA, DEC_H2_F_PADDED, 3, p.b, p.n);
    hb_free(&p);
    hb_settings(h, DEC_H2_F_ACK, 0);
    hb_frame(h, DEC_H2_DATA, DEC_H2_F_END_STREAM, 3, "!", 1);
    hb_frame(h, DEC_H2_PING, 0, 0, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    hb_headers(h, cd, DEC_H2_F_END_STREAM, 5, ":method", "GET", ":scheme", "http", ":authority",
               "example.test", ":path", "/c", "user-agent", "test/1", NULL);
    uint8_t cancel[4] = {0, 0, 0, DEC_H2_ERR_CANCEL};
    hb_frame(h, DEC_H2_RST_STREAM, 0, 5, cancel, 4);
    hb_frame(h, DEC_H2_PRIORITY, 0, 7, "\0\0\0\0\x0f", 5);  /* an idle stream: allowed */
    hb_frame(h, 0x42, 0x5, 0, "abc", 3);                     /* unknown: ignored */

    h = &c->s2c;
    hb_settings(h, DEC_H2_F_ACK, 0);
    hb_headers(h, sd, 0, 1, ":status", "200", "content-type", "text/plain", "content-length", "5",
               NULL);
    hb_be32(&b, 2);
    blk(&b, sd, ":method", "GET", ":scheme", "http", ":authority", "example.test", ":path",
        "/style.css", NULL);
    hb_frame(h, DEC_H2_PUSH_PROMISE, DEC_H2_F_END_HEADERS, 1, b.b, b.n);
    hb_free(&b);
    hb_frame(h, DEC_H2_DATA, DEC_H2_F_END_STREAM, 1, "hello", 5);
    hb_headers(h, sd, 0, 3, ":status", "100", NULL);
    hb_headers(h, sd, 0, 2, ":status", "200", "content-type", "text/css", NULL);
    hb_headers(h, sd, 0, 3, ":status", "201", "content-type", "text/plain", NULL);
    hb_frame(h, DEC_H2_DATA, DEC_H2_F_END_STREAM, 2, "body{}", 6);
    hb_frame(h, DEC_H2_DATA, 0, 3, "created", 7);
    hb_headers(h, sd, DEC_H2_F_END_STREAM, 3, "x-checksum", "abc", NULL);
    hb_frame(h, DEC_H2_PING, DEC_H2_F_ACK, 0, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    uint8_t wu3[4] = {0, 0, 0, 100};
    hb_frame(h, DEC_H2_WINDOW_UPDATE, 0, 3, wu3, 4);
    hb_frame(h, DEC_H2_GOAWAY, 0, 0, "\0\0\0\x05\0\0\0\0bye", 11);
    nghttp2_hd_deflate_del(cd);
    nghttp2_hd_deflate_del(sd);
}

static void convo_free(struct convo *c)
{
    hb_free(&c->s2c_head);
    hb_free(&c->c2s);
    hb_free(&c->s2c);
}

/* Feed the conversation; cuts[d] lists where direction d's bytes are cut
 * (offsets, ascending, ended by 0), or step cuts every `step` bytes. */
static const char *convo_run(struct rec *r, const struct convo *c, const size_t *cut_c2s,
                             const size_t *cut_s2c, size_t step)
{
    struct dec_h2 *h = engine(r, DEC_H2_START_PREFACE, NULL);
    uint64_t off[2] = {0, 0};
    feed(h, TR_DIR_S2C, &off[1], c->s2c_head.b, c->s2c_head.n, step, 1);
    const struct hb *parts[2] = {&c->c2s, &c->s2c};
    const size_t *cuts[2] = {cut_c2s, cut_s2c};
    for (int d = 0; d < 2; d++) {
        size_t at = 0;
        for (const size_t *k = cuts[d]; k && *k; k++) {
            feed(h, (enum tr_dir)d, &off[d], parts[d]->b + at, *k - at, step, 2 + (uint64_t)d);
            at = *k;
        }
        feed(h, (enum tr_dir)d, &off[d], parts[d]->b + at, parts[d]->n - at, step,
             2 + (uint64_t)d);
    }
    struct dec_h2_counts cnt;
    const char *log = finish(h, r, true);
    dec_h2_counts(h, &cnt);
    tlog_add(&r->log, "counts streams=%llu max_open=%llu pushed=%llu blocks=%llu unknown=%llu",
             (unsigned long long)cnt.streams, (unsigned long long)cnt.max_open,
             (unsigned long long)cnt.pushed, (unsigned long long)cnt.blocks,
             (unsigned long long)cnt.unknown_frames);
    for (int t = 0; t < DEC_H2_TYPE_COUNT; t++)
        tlog_add(&r->log, " %s=%llu", dec_h2_type_name((unsigned)t),
                 (unsigned long long)cnt.frames[t]);
    tlog_add(&r->log, "\n");
    (void)log;
    dec_h2_free(h);
    return tlog_str(&r->log);
}

static const char convo_want[] =
    "frame s2c SETTINGS s0 len=12 @0 [MAX_CONCURRENT_STREAMS=100,INITIAL_WINDOW_SIZE=1048576] first\n"
    "preface @0\n"
    "frame c2s SETTINGS s0 len=12 @24 [ENABLE_PUSH=1,MAX_FRAME_SIZE=32768] first\n"
    "frame c2s WINDOW_UPDATE s0 len=4 @45 inc=983041\n"
    "open s1 #0 c2s\n"
    "frame c2s HEADERS s1 len=23 @58 END_STREAM|END_HEADERS content=23\n"
    "block c2s s1 #0 request end_stream hpack=23 decoded=86 pseudo=[:method=GET :scheme=http :authority=example.test :path=/a] fields=[user-agent=test/1] frames=1 @58+32\n"
    "open s3 #1 c2s\n"
    "frame c2s HEADERS s3 len=17 @90 PADDED|PRIORITY pad=3 content=8 dep=1! weight=200\n"
    "frame c2s CONTINUATION s3 len=9 @116 END_HEADERS content=9\n"
    "block c2s s3 #1 request hpack=17 decoded=113 pseudo=[:method=POST :scheme=http :authority=example.test :path=/b] fields=[content-type=text/plain user-agent=test/1] frames=2 @90+44\n"
    "data c2s s3 @144 len=11 sum=1794106052\n"
    "frame c2s DATA s3 len=16 @134 PADDED pad=4 content=11\n"
    "frame c2s SETTINGS s0 len=0 @159 ACK [MAX_CONCURRENT_STREAMS=100,INITIAL_WINDOW_SIZE=1048576]\n"
    "data c2s s3 @177 len=1 sum=33\n"
    "frame c2s DATA s3 len=1 @168 END_STREAM content=1\n"
    "frame c2s PING s0 len=8 @178 opaque=0108\n"
    "open s5 #2 c2s\n"
    "frame c2s HEADERS s5 len=8 @195 END_STREAM|END_HEADERS content=8\n"
    "block c2s s5 #2 request end_stream hpack=8 decoded=86 pseudo=[:method=GET :scheme=http :authority=example.test :path=/c] fields=[user-agent=test/1] frames=1 @195+17\n"
    "frame c2s RST_STREAM s5 len=4 @212 code=CANCEL\n"
    "end s5 rst_stream by c2s code=CANCEL data=0/0\n"
    "frame c2s PRIORITY s7 len=5 @225 dep=0 weight=16\n"
    "frame c2s type66 s0 len=3 @239\n"
    "frame s2c SETTINGS s0 len=0 @21 ACK [ENABLE_PUSH=1,MAX_FRAME_SIZE=32768]\n"
    "frame s2c HEADERS s1 len=14 @30 END_HEADERS content=14\n"
    "block s2c s1 #0 response status=200 hpack=14 decoded=59 pseudo=[:status=200] fields=[content-type=text/plain content-length=5] frames=1 @30+23\n"
    "frame s2c PUSH_PROMISE s1 len=26 @53 END_HEADERS content=22 promised=2\n"
    "open s2 #3 s2c pushed parent=1\n"
    "block s2c s1 #3 push_promise promised=2 hpack=22 decoded=74 pseudo=[:method=GET :scheme=http :authority=example.test :path=/style.css] fields=[] frames=1 @53+35\n"
    "data s2c s1 @97 len=5 sum=99162322\n"
    "frame s2c DATA s1 len=5 @88 END_STREAM content=5\n"
    "end s1 end_stream by s2c data=0/5\n"
    "frame s2c HEADERS s3 len=4 @102 END_HEADERS content=4\n"
    "block s2c s3 #1 response interim status=100 hpack=4 decoded=14 pseudo=[:status=100] fields=[] frames=1 @102+13\n"
    "frame s2c HEADERS s2 len=9 @115 END_HEADERS content=9\n"
    "block s2c s2 #3 response status=200 hpack=9 decoded=38 pseudo=[:status=200] fields=[content-type=text/css] frames=1 @115+18\n"
    "frame s2c HEADERS s3 len=5 @133 END_HEADERS content=5\n"
    "block s2c s3 #1 response status=201 hpack=5 decoded=40 pseudo=[:status=201] fields=[content-type=text/plain] frames=1 @133+14\n"
    "data s2c s2 @156 len=6 sum=2911266948\n"
    "frame s2c DATA s2 len=6 @147 END_STREAM content=6\n"
    "end s2 end_stream by s2c data=0/6\n"
    "data s2c s3 @171 len=7 sum=1028554472\n"
    "frame s2c DATA s3 len=7 @162 content=7\n"
    "frame s2c HEADERS s3 len=13 @178 END_STREAM|END_HEADERS content=13\n"
    "block s2c s3 #1 trailers end_stream hpack=13 decoded=17 pseudo=[] fields=[x-checksum=abc] frames=1 @178+22\n"
    "end s3 end_stream by s2c data=12/7\n"
    "frame s2c PING s0 len=8 @200 ACK opaque=0108\n"
    "frame s2c WINDOW_UPDATE s3 len=4 @217 inc=100\n"
    "frame s2c GOAWAY s0 len=11 @230 code=NO_ERROR last=5 debug=3 \"bye\"\n"
    "counts streams=4 max_open=3 pushed=1 blocks=9 unknown=1 DATA=5 HEADERS=8 PRIORITY=1 RST_STREAM=1 SETTINGS=4 PUSH_PROMISE=1 PING=2 GOAWAY=1 WINDOW_UPDATE=2 CONTINUATION=1\n";

static void test_conversation(void **state)
{
    (void)state;
    struct convo c;
    convo_make(&c);
    struct rec r = {0};
    const char *got = convo_run(&r, &c, NULL, NULL, 0);
    expect_log(got, convo_want);
    tlog_free(&r.log);
    convo_free(&c);
}

/* every split point of each direction, pieces of every size, random cuts:
 * the same events (http-parser test.c, test_scan) */
static void test_every_split(void **state)
{
    (void)state;
    struct convo c;
    convo_make(&c);
    for (int d = 0; d < 2; d++) {
        size_t n = d ? c.s2c.n : c.c2s.n;
        for (size_t i = 1; i < n; i++) {
            size_t cut[2] = {i, 0};
            struct rec r = {0};
            const char *got = convo_run(&r, &c, d ? NULL : cut, d ? cut : NULL, 0);
            if (strcmp(got, convo_want) != 0) {
                fprintf(stderr, "%s cut at %zu:\n", d ? "s2c" : "c2s", i);
                expect_log(got, convo_want);
            }
            tlog_free(&r.log);
        }
    }
    for (size_t step = 1; step < 40; step++) {
        struct rec r = {0};
        const char *got = convo_run(&r, &c, NULL, NULL, step);
        if (strcmp(got, convo_want) != 0) {
            fprintf(stderr, "pieces of %zu bytes:\n", step);
            expect_log(got, convo_want);
        }
        tlog_free(&r.log);
    }
    uint32_t x = 7;
    for (int round = 0; round < 300; round++) {
        size_t cuts[2][12];
        for (int d = 0; d < 2; d++) {
            size_t n = d ? c.s2c.n : c.c2s.n, k = 0, at = 0;
            while (k < 11) {
                x = x * 1103515245u + 12345u;
                at += 1 + (x >> 16) % 40;
                if (at >= n)
                    break;
                cuts[d][k++] = at;
            }
            cuts[d][k] = 0;
        }
        struct rec r = {0};
        const char *got = convo_run(&r, &c, cuts[0], cuts[1], 0);
        if (strcmp(got, convo_want) != 0) {
            fprintf(stderr, "random cuts, round %d:\n", round);
            expect_log(got, convo_want);
        }
        tlog_free(&r.log);
    }
    convo_free(&c);
}

/* the capture frames of each HTTP/2 frame: every piece that carried a byte */
static void test_capture_frames(void **state)
{
    (void)state;
    struct hb h = {0};
    hb_preface(&h);
    hb_settings(&h, 0, 0);
    hb_frame(&h, DEC_H2_PING, 0, 0, "12345678", 8);  /* 17 bytes */
    hb_frame(&h, DEC_H2_PING, 0, 0, "abcdefgh", 8);
    struct rec r = {.show_frames = true};
    struct dec_h2 *e = engine(&r, DEC_H2_START_PREFACE, NULL);
    uint64_t f1[] = {10}, f2[] = {11, 12}, f3[] = {13};
    /* preface and SETTINGS in frame 10; the first PING split 5 + 12 bytes
     * between frame 10 and a TLS record carried by frames 11 and 12, which
     * also holds the second PING's first byte; frame 13 the rest */
    size_t a = 24 + 9 + 5, b = a + 12 + 1;
    dec_h2_feed(e, TR_DIR_C2S, 0, h.b, a, f1, 1, 1);
    dec_h2_feed(e, TR_DIR_C2S, a, h.b + a, b - a, f2, 2, 2);
    dec_h2_feed(e, TR_DIR_C2S, b, h.b + b, h.n - b, f3, 1, 3);
    expect_log(finish(e, &r, false),
               "preface @0 frames=10\n"
               "frame c2s SETTINGS s0 len=0 @24 [] first frames=10\n"
               "frame c2s PING s0 len=8 @33 opaque=3138 frames=10,11,12\n"
               "frame c2s PING s0 len=8 @50 opaque=6168 frames=11,12,13\n");
    dec_h2_free(e);
    tlog_free(&r.log);
    hb_free(&h);
}

/* ------------------------------------------------------ hostile frames -- */

struct hostile {
    const char *what;
    const char *hex;             /* frames after the preface and an empty SETTINGS */
    const char *notes;           /* the notes' kind/problem, in order, ';' after each */
};

/* a request on stream 1 (C.4.1's block), END_HEADERS, no END_STREAM */
#define REQ1 "000011 01 04 00000001 828684418cf1e3c2e5f23a6ba0ab90f4ff "
#define REQ1_END "000011 01 05 00000001 828684418cf1e3c2e5f23a6ba0ab90f4ff "

static const struct hostile hostiles[] = {
    {"DATA on stream 0", "000001 00 00 00000000 61", "malformed_h2/stream_zero;"},
    {"SETTINGS ACK with a payload", "000006 04 01 00000000 000100001000",
     "malformed_h2/settings_ack_payload;"},
    {"SETTINGS of 5 bytes", "000005 04 00 00000000 0001000010", "malformed_h2/frame_size;"},
    {"PING of 7 bytes", "000007 06 00 00000000 01020304050607", "malformed_h2/frame_size;"},
    {"PING on stream 1", "000008 06 00 00000001 0102030405060708",
     "malformed_h2/stream_nonzero;"},
    {"WINDOW_UPDATE of 3 bytes", "000003 08 00 00000000 000001", "malformed_h2/frame_size;"},
    {"WINDOW_UPDATE of 0", "000004 08 00 00000000 00000000", "malformed_h2/window_zero;"},
    {"WINDOW_UPDATE on an idle stream", "000004 08 00 0000000d 00000001",
     "malformed_h2/stream_idle;"},
    {"RST_STREAM on stream 0", "000004 03 00 00000000 00000008", "malformed_h2/stream_zero;"},
    {"RST_STREAM on an idle stream", "000004 03 00 00000009 00000008",
     "malformed_h2/stream_idle;"},
    {"DATA whose padding is longer than it", "000003 00 08 00000001 056161",
     "malformed_h2/pad_too_long;"},
    {"DATA padded to exactly its length", "000003 00 08 00000001 030000",
     "malformed_h2/pad_too_long;"},
    {"HEADERS, PADDED, of 0 bytes", "000000 01 0c 00000001", "malformed_h2/frame_size;"},
    {"HEADERS, PRIORITY, of 4 bytes", "000004 01 24 00000001 00000000",
     "malformed_h2/frame_size;"},
    {"a length over SETTINGS_MAX_FRAME_SIZE", "004e20 00 00 00000001",
     "malformed_h2/frame_too_large;malformed_h2/sync_found;"},
    {"a CONTINUATION with no block open", "000001 09 04 00000001 82",
     "malformed_h2/continuation_unexpected;"},
    {"GOAWAY of 4 bytes", "000004 07 00 00000000 00000000", "malformed_h2/frame_size;"},
    {"PRIORITY of 4 bytes", "000004 02 00 00000001 00000000", "malformed_h2/frame_size;"},
    {"PRIORITY on itself", "000005 02 00 00000003 0000000310", "malformed_h2/self_dependency;"},
    {"SETTINGS values out of range",
     "000012 04 00 00000000 000200000002 000500000064 000480000000",
     "malformed_h2/settings_value;malformed_h2/settings_value;malformed_h2/settings_value;"},
    {"DATA on an idle stream", "000001 00 00 0000000b 61", "malformed_h2/stream_idle;"},
    {"PUSH_PROMISE from the client", REQ1 "000008 05 04 00000001 00000002 828684be",
     "malformed_h2/push_refused;"},
    {"PUSH_PROMISE of a used stream id", REQ1 "000008 05 04 00000001 00000000 828684be",
     "malformed_h2/push_refused;malformed_h2/stream_id;"},
    {"an uppercase field name",
     "000018 01 04 00000001 828684418cf1e3c2e5f23a6ba0ab90f4ff 0003582d4101 62",
     "malformed_h2/header_field;"},
    {"a connection-specific field",
     "000028 01 04 00000001 828684418cf1e3c2e5f23a6ba0ab90f4ff"
     " 000a636f6e6e656374696f6e 0a6b6565702d616c697665",
     "malformed_h2/header_field;"},
    {"a pseudo-header after a regular field",
     "000016 01 04 00000001 0001610162 828684418cf1e3c2e5f23a6ba0ab90f4ff",
     "malformed_h2/header_field;"},
    {"a request without :path", "000010 01 04 00000001 8286418cf1e3c2e5f23a6ba0ab90f4ff",
     "malformed_h2/header_field;"},
    {"HEADERS from the client on stream 4",
     "000011 01 04 00000004 828684418cf1e3c2e5f23a6ba0ab90f4ff", "malformed_h2/stream_id;"},
    {"a new stream below the last one",
     "000011 01 05 00000003 828684418cf1e3c2e5f23a6ba0ab90f4ff 000004 01 05 00000001 828684be",
     "malformed_h2/stream_closed;"},
    {"HEADERS after END_STREAM", REQ1_END "000004 01 05 00000001 828684be",
     "malformed_h2/stream_closed;"},
    {"trailers without END_STREAM", REQ1 "000005 01 04 00000001 0001610162",
     "malformed_h2/trailers_open;"},
    {"DATA after END_STREAM", REQ1_END "000001 00 00 00000001 61",
     "malformed_h2/stream_closed;"},
    {"DATA padding that is not zero", REQ1 "000004 00 08 00000001 02 61 0001",
     "malformed_h2/pad_nonzero;"},
    {"a frame of an unknown type", "000003 ee ff 00000005 616263", ""},
    {"a PING between HEADERS and its CONTINUATION",
     "000004 01 00 00000001 82868441 000008 06 00 00000000 0102030405060708",
     "malformed_h2/continuation_expected;"},
    {"a CONTINUATION of another stream",
     "000004 01 00 00000001 82868441 00000d 09 04 00000003 8cf1e3c2e5f23a6ba0ab90f4ff",
     "malformed_h2/continuation_expected;malformed_h2/continuation_unexpected;"},
    {"an HPACK error, then a block that needs the lost table",
     "000001 01 05 00000001 80 000004 01 05 00000003 828684be",
     "hpack/hpack_error;"},
    {"a header block to an unknown dynamic entry", "000004 01 05 00000001 828684be",
     "hpack/hpack_error;"},
    {"GOAWAY raising last_stream",
     "000008 07 00 00000000 0000000100000000 000008 07 00 00000000 0000000300000000",
     "malformed_h2/goaway_increased;"},
};

static void test_hostile(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(hostiles); i++) {
        struct hb h = {0};
        hb_preface(&h);
        hb_settings(&h, 0, 0);
        uint8_t buf[512];
        const char *x = hostiles[i].hex;
        size_t n = 0;
        while (*x) {
            if (*x == ' ') {
                x++;
                continue;
            }
            unsigned v;
            assert_int_equal(sscanf(x, "%2x", &v), 1);
            assert_true(n < sizeof buf);
            buf[n++] = (uint8_t)v;
            x += 2;
        }
        hb_mem(&h, buf, n);
        hb_frame(&h, DEC_H2_PING, 0, 0, "zzzzzzzz", 8);  /* it goes on: this is read */
        for (size_t step = 0; step < 3; step++) {
            struct rec r = {0};
            struct dec_h2 *e = engine(&r, DEC_H2_START_PREFACE, NULL);
            uint64_t off = 0;
            feed(e, TR_DIR_C2S, &off, h.b, h.n, step * 7, 1);
            const char *log = finish(e, &r, false);
            struct tlog notes = {0};
            for (const char *l = log; *l;) {
                const char *eol = strchr(l, '\n');
                if (strncmp(l, "note ", 5) == 0) {
                    const char *sp = strchr(l + 5, ' ');
                    tlog_add(&notes, "%.*s;", (int)(sp - l - 5), l + 5);
                }
                l = eol + 1;
            }
            if (strcmp(tlog_str(&notes), hostiles[i].notes) != 0 ||
                !strstr(log, "frame c2s PING s0 len=8") || !strstr(log, "opaque=7a7a")) {
                fprintf(stderr, "%s (pieces of %zu):\nnotes %s, want %s\n%s", hostiles[i].what,
                        step * 7, tlog_str(&notes), hostiles[i].notes, log);
                fail();
            }
            tlog_free(&notes);
            tlog_free(&r.log);
            dec_h2_free(e);
        }
        hb_free(&h);
    }
}

/* ------------------------------------------------------------- padding -- */

static void test_padding_edges(void **state)
{
    (void)state;
    struct hb h = {0};
    hb_preface(&h);
    hb_settings(&h, 0, 0);
    /* HEADERS, PADDED and PRIORITY, the padding filling it exactly */
    hb_frame(&h, DEC_H2_HEADERS, DEC_H2_F_PADDED | DEC_H2_F_PRIORITY | DEC_H2_F_END_HEADERS, 1,
             "\x02\x00\x00\x00\x00\x0f" "\x82\x86\x84\x41\x8c\xf1\xe3\xc2\xe5\xf2\x3a\x6b\xa0\xab"
             "\x90\xf4\xff" "\0\0", 25);
    hb_frame(&h, DEC_H2_DATA, DEC_H2_F_PADDED, 1, "\0", 1);           /* pad 0, no data */
    hb_frame(&h, DEC_H2_DATA, DEC_H2_F_PADDED, 1, "\x03\0\0\0", 4);   /* all padding */
    hb_frame(&h, DEC_H2_DATA, DEC_H2_F_PADDED | DEC_H2_F_END_STREAM, 1, "\x01xy\0", 4);
    struct rec r = {0};
    expect_log(run_both(&r, DEC_H2_START_PREFACE, NULL, &h, NULL, false, 3, false),
               "preface @0\n"
               "frame c2s SETTINGS s0 len=0 @24 [] first\n"
               "open s1 #0 c2s\n"
               "frame c2s HEADERS s1 len=25 @33 END_HEADERS|PADDED|PRIORITY pad=2 content=17 "
               "dep=0 weight=16\n"
               "block c2s s1 #0 request hpack=17 decoded=68 pseudo=[:method=GET :scheme=http "
               ":path=/ :authority=www.example.com] fields=[] frames=1 @33+34\n"
               "frame c2s DATA s1 len=1 @67 PADDED pad=0 content=0\n"
               "frame c2s DATA s1 len=4 @77 PADDED pad=3 content=0\n"
               "data c2s s1 @100 len=2 sum=3841\n"
               "frame c2s DATA s1 len=4 @90 END_STREAM|PADDED pad=1 content=2\n"
               "end s1 capture_end by c2s data=2/0\n");
    tlog_free(&r.log);
    hb_free(&h);
}

/* ---------------------------------------------------------- CONTINUATION -- */

static void test_continuations(void **state)
{
    (void)state;
    nghttp2_hd_deflater *cd = deflater();
    struct hb b = {0}, h = {0};
    blk(&b, cd, ":method", "GET", ":scheme", "https", ":authority", "example.test", ":path",
        "/long", "cookie", "a=0123456789012345678901234567890123456789", NULL);
    hb_preface(&h);
    hb_settings(&h, 0, 0);
    size_t q = b.n / 4;
    hb_frame(&h, DEC_H2_HEADERS, DEC_H2_F_END_STREAM, 1, b.b, q);
    hb_frame(&h, DEC_H2_CONTINUATION, 0, 1, b.b + q, q);
    hb_frame(&h, DEC_H2_CONTINUATION, 0, 1, "", 0);  /* empty: allowed */
    hb_frame(&h, DEC_H2_CONTINUATION, 0, 1, b.b + 2 * q, q);
    hb_frame(&h, DEC_H2_CONTINUATION, DEC_H2_F_END_HEADERS, 1, b.b + 3 * q, b.n - 3 * q);
    struct rec r = {.quiet_frames = true};
    struct dec_h2 *e = engine(&r, DEC_H2_START_PREFACE, NULL);
    uint64_t off = 0;
    for (uint64_t i = 0; off < h.n; i++)  /* a piece per byte, each its own capture frame */
        feed(e, TR_DIR_C2S, &off, h.b + off, 1, 0, 100 + i);
    char want[600];
    snprintf(want, sizeof want,
             "preface @0\n"
             "open s1 #0 c2s\n"
             "block c2s s1 #0 request end_stream hpack=%zu decoded=122 pseudo=[:method=GET "
             ":scheme=https :authority=example.test :path=/long] fields=[cookie="
             "a=0123456789012345678901234567890123456789] frames=5 @33+%zu\n"
             "end s1 capture_end by c2s data=0/0\n",
             b.n, b.n + 45);
    expect_log(finish(e, &r, false), want);
    /* the block's capture frames: every byte's from its HEADERS on */
    dec_h2_free(e);
    tlog_free(&r.log);
    hb_free(&b);
    hb_free(&h);
    nghttp2_hd_deflate_del(cd);
}

/* ----------------------------------------------------- settings' effects -- */

/* the server allows frames of 20000 bytes: the client may send them once it
 * acknowledged that (RFC 9113 4.2, 6.5.3) */
static void test_max_frame_size(void **state)
{
    (void)state;
    for (int acked = 0; acked < 2; acked++) {
        struct hb c = {0}, s = {0};
        hb_settings(&s, 0, DEC_H2_SET_MAX_FRAME_SIZE, 20000u, 0);
        hb_preface(&c);
        hb_settings(&c, 0, 0);
        if (acked)
            hb_settings(&c, DEC_H2_F_ACK, 0);
        hb_req(&c, 1, 0);
        uint8_t *big = calloc(1, 17000);
        hb_frame(&c, DEC_H2_DATA, DEC_H2_F_END_STREAM, 1, big, 17000);
        free(big);
        struct rec r = {.quiet_frames = true};
        run_both(&r, DEC_H2_START_PREFACE, NULL, &c, &s, true, 1000, false);
        if (acked) {
            assert_false(tlog_has(&r.log, "frame_too_large"));
            assert_true(tlog_has(&r.log, "data c2s s1 @"));
            assert_true(tlog_has(&r.log, " len=17000 "));
        } else {
            assert_true(tlog_has(&r.log, "note malformed_h2/frame_too_large c2s s1"));
            assert_false(tlog_has(&r.log, "data c2s s1"));
        }
        tlog_free(&r.log);
        hb_free(&c);
        hb_free(&s);
    }
}

/* RFC 7541 4.2, RFC 9113 6.5.3: the client's SETTINGS_HEADER_TABLE_SIZE 0
 * bounds its own decoder, i.e. the table of what the server sends, once the
 * server acknowledged it; the server's encoder then signals the new size.
 * The client's encoder (c2s) keeps its 4096. */
static void test_header_table_size(void **state)
{
    (void)state;
    for (int signal = 0; signal < 2; signal++) {
        nghttp2_hd_deflater *sd = deflater(), *cd = deflater();
        struct hb c = {0}, s = {0};
        hb_preface(&c);
        hb_settings(&c, 0, DEC_H2_SET_HEADER_TABLE_SIZE, 0u, 0);
        hb_headers(&c, cd, 0, 1, ":method", "GET", ":scheme", "http", ":authority", "a.test",
                   ":path", "/", "x-long-header", "value", NULL);
        hb_headers(&c, cd, DEC_H2_F_END_STREAM, 3, ":method", "GET", ":scheme", "http",
                   ":authority", "a.test", ":path", "/", "x-long-header", "value", NULL);
        hb_settings(&s, 0, 0);
        /* before its ACK the server may still index */
        hb_headers(&s, sd, 0, 1, ":status", "200", "x-served-by", "one", NULL);
        hb_settings(&s, DEC_H2_F_ACK, 0);
        if (signal)
            nghttp2_hd_deflate_change_table_size(sd, 0);
        hb_headers(&s, sd, DEC_H2_F_END_STREAM, 3, ":status", "200", "x-served-by", "one", NULL);
        struct rec r = {.quiet_frames = true};
        run_both(&r, DEC_H2_START_PREFACE, NULL, &c, &s, false, 0, true);
        /* the client's second request used its dynamic table: decoded */
        assert_true(tlog_has(&r.log, "block c2s s3 #1 request end_stream hpack=5 decoded="));
        if (signal) {
            assert_false(tlog_has(&r.log, "note"));
            assert_true(tlog_has(&r.log, "block s2c s3 #1 response end_stream status=200"));
        } else {  /* the size update was due and did not come */
            assert_true(tlog_has(&r.log, "note hpack/hpack_error s2c s3"));
        }
        tlog_free(&r.log);
        hb_free(&c);
        hb_free(&s);
        nghttp2_hd_deflate_del(sd);
        nghttp2_hd_deflate_del(cd);
    }
}

/* two SETTINGS await their ACKs: each ACK brings in the oldest; ENABLE_PUSH 0,
 * once acknowledged, makes a PUSH_PROMISE a protocol error */
static void test_settings_in_order(void **state)
{
    (void)state;
    struct hb c = {0}, s = {0};
    hb_preface(&c);
    hb_settings(&c, 0, DEC_H2_SET_MAX_FRAME_SIZE, 20000u, 0);
    hb_settings(&c, 0, DEC_H2_SET_MAX_FRAME_SIZE, 30000u, DEC_H2_SET_ENABLE_PUSH, 0u, 0);
    hb_req(&c, 1, DEC_H2_F_END_STREAM);
    hb_settings(&s, 0, 0);
    hb_settings(&s, DEC_H2_F_ACK, 0);
    hb_200(&s, 1, 0);
    uint8_t *big = calloc(1, 25000);
    hb_frame(&s, DEC_H2_DATA, 0, 1, big, 25000);  /* over 20000: refused */
    hb_settings(&s, DEC_H2_F_ACK, 0);
    hb_frame(&s, DEC_H2_DATA, 0, 1, big, 25000);  /* under 30000: read */
    hb_frame(&s, DEC_H2_PUSH_PROMISE, DEC_H2_F_END_HEADERS, 1, "\0\0\0\x02\x82\x86\x84\xbe", 8);
    free(big);
    struct rec r = {0};
    run_both(&r, DEC_H2_START_PREFACE, NULL, &c, &s, false, 4096, true);
    assert_true(tlog_has(&r.log, "frame s2c SETTINGS s0 len=0 @9 ACK [MAX_FRAME_SIZE=20000]\n"));
    assert_true(tlog_has(&r.log, "note malformed_h2/frame_too_large s2c s1\n"));
    assert_true(tlog_has(&r.log, "frame s2c SETTINGS s0 len=0 @25037 ACK "
                                 "[MAX_FRAME_SIZE=30000,ENABLE_PUSH=0]\n"));
    assert_true(tlog_has(&r.log, "data s2c s1 @25055 len=25000"));
    assert_true(tlog_has(&r.log, "note malformed_h2/push_refused s2c s1\n"));
    /* the frames were found again at the second ACK: the lost table shows */
    assert_true(tlog_has(&r.log, "note malformed_h2/sync_found s2c s0\n"));
    assert_true(tlog_has(&r.log, "push_promise promised=2 hpack=4 decoded=-1 unknown=1"));
    tlog_free(&r.log);
    hb_free(&c);
    hb_free(&s);
}

/* ----------------------------------------------------------- Upgrade -- */

/* RFC 7540 3.2: stream 1 is the HTTP/1.1 request; the client's HTTP2-Settings
 * (here HEADER_TABLE_SIZE 256, MAX_CONCURRENT_STREAMS 100) are in effect for
 * what the server sends from its first frame on */
static void test_upgrade(void **state)
{
    (void)state;
    nghttp2_hd_deflater *sd = deflater(), *cd = deflater();
    nghttp2_hd_deflate_change_table_size(sd, 256);
    struct hb c = {0}, s = {0};
    hb_settings(&s, 0, DEC_H2_SET_MAX_CONCURRENT_STREAMS, 128u, 0);
    hb_headers(&s, sd, 0, 1, ":status", "200", "content-type", "text/html", NULL);
    hb_frame(&s, DEC_H2_DATA, DEC_H2_F_END_STREAM, 1, "<p>hi</p>", 9);
    hb_settings(&s, DEC_H2_F_ACK, 0);
    hb_preface(&c);
    hb_settings(&c, 0, 0);
    hb_settings(&c, DEC_H2_F_ACK, 0);
    hb_headers(&c, cd, DEC_H2_F_END_STREAM, 3, ":method", "GET", ":scheme", "http",
               ":authority", "a.test", ":path", "/next", NULL);
    /* 0x0001 = 256, 0x0003 = 100: AAEAAAEAAAMAAABk */
    struct rec r = {.quiet_frames = true};
    expect_log(run_both(&r, DEC_H2_START_UPGRADE, "AAEAAAEAAAMAAABk", &c, &s, true, 0, true),
               "open s1 #0 c2s upgraded\n"
               "block s2c s1 #0 response status=200 hpack=13 decoded=39 pseudo=[:status=200] "
               "fields=[content-type=text/html] frames=1 @15+22\n"
               "data s2c s1 @46 len=9 sum=3115034764\n"
               "end s1 end_stream by s2c data=0/9\n"
               "preface @0\n"
               "open s3 #1 c2s\n"
               "block c2s s3 #1 request end_stream hpack=14 decoded=63 pseudo=[:method=GET "
               ":scheme=http :authority=a.test :path=/next] fields=[] frames=1 @42+23\n"
               "end s3 conn_close by c2s data=0/0\n");
    tlog_free(&r.log);
    /* a bad HTTP2-Settings value is said once, and ignored */
    r = (struct rec){.quiet_frames = true};
    c.n = 24;
    assert_true(strstr(run_both(&r, DEC_H2_START_UPGRADE, "not base64!", &c, NULL, false, 0, false),
                       "note malformed_h2/settings_value c2s s0\n"));
    tlog_free(&r.log);
    hb_free(&c);
    hb_free(&s);
    nghttp2_hd_deflate_del(sd);
    nghttp2_hd_deflate_del(cd);
}

/* ---------------------------------------------------------------- gaps -- */

/* a gap inside a DATA frame costs only its bytes; one across frames costs the
 * framing, found again, and the server's dynamic table */
static void test_gaps(void **state)
{
    (void)state;
    nghttp2_hd_deflater *sd = deflater();
    struct hb c = {0}, s = {0};
    hb_preface(&c);
    hb_settings(&c, 0, 0);
    hb_req(&c, 1, DEC_H2_F_END_STREAM);
    hb_req(&c, 3, DEC_H2_F_END_STREAM);
    hb_settings(&s, 0, 0);
    hb_headers(&s, sd, 0, 1, ":status", "200", "x-served-by", "one", NULL);
    uint8_t body[100];
    memset(body, 'b', sizeof body);
    size_t data1 = s.n;
    hb_frame(&s, DEC_H2_DATA, DEC_H2_F_END_STREAM, 1, body, sizeof body);
    size_t hdr3 = s.n;
    hb_headers(&s, sd, 0, 3, ":status", "200", "x-served-by", "one", NULL);
    hb_frame(&s, DEC_H2_DATA, 0, 3, body, 40);
    hb_headers(&s, sd, DEC_H2_F_END_STREAM, 3, "x-served-by", "one", NULL);  /* trailers */
    size_t end = s.n;

    /* 30 bytes lost inside the first DATA frame */
    struct rec r = {.quiet_frames = true};
    struct dec_h2 *e = engine(&r, DEC_H2_START_PREFACE, NULL);
    uint64_t off[2] = {0, 0};
    feed(e, TR_DIR_C2S, &off[0], c.b, c.n, 0, 1);
    size_t a = data1 + 9 + 35;
    feed(e, TR_DIR_S2C, &off[1], s.b, a, 0, 2);
    dec_h2_gap(e, TR_DIR_S2C, a, 30, 3, 3000);
    off[1] = a + 30;
    feed(e, TR_DIR_S2C, &off[1], s.b + off[1], hdr3 - off[1], 0, 4);
    finish(e, &r, true);
    char want[200];
    snprintf(want, sizeof want,
             "data s2c s1 @%zu len=35 sum=", data1 + 9);
    assert_true(tlog_has(&r.log, want));
    snprintf(want, sizeof want, "gap s2c s1 @%zu len=30\ndata s2c s1 @%zu len=35 ", a, a + 30);
    assert_true(tlog_has(&r.log, want));
    assert_true(tlog_has(&r.log, "end s1 end_stream by s2c data=0/70 lost=0/30\n"));
    assert_false(tlog_has(&r.log, "note"));
    dec_h2_free(e);
    tlog_free(&r.log);

    /* lost: the end of DATA s1 and the start of HEADERS s3 */
    r = (struct rec){0};
    e = engine(&r, DEC_H2_START_PREFACE, NULL);
    off[0] = off[1] = 0;
    feed(e, TR_DIR_C2S, &off[0], c.b, c.n, 0, 1);
    a = data1 + 9 + 90;
    feed(e, TR_DIR_S2C, &off[1], s.b, a, 0, 2);
    dec_h2_gap(e, TR_DIR_S2C, a, hdr3 + 4 - a, 3, 3000);
    off[1] = hdr3 + 4;
    feed(e, TR_DIR_S2C, &off[1], s.b + off[1], end - off[1], 0, 4);
    const char *log = finish(e, &r, true);
    snprintf(want, sizeof want, "frame s2c DATA s1 len=100 @%zu END_STREAM content=100 gap\n",
             data1);
    assert_true(strstr(log, want));
    assert_true(strstr(log, "end s1 end_stream by s2c data=0/90 lost=0/10\n"));
    assert_true(strstr(log, "note gap/sync_lost s2c s0\n"));
    assert_true(strstr(log, "note gap/sync_found s2c s0\n"));
    /* the trailers use the entry "x-served-by: one" the lost block added */
    assert_true(strstr(log, "note hpack/table_unknown s2c s3\n"));
    assert_true(strstr(log, "block s2c s3 #1 response end_stream hpack=1 decoded=-1 unknown=1 "
                            "pseudo=[] fields=[?=?]"));
    assert_true(strstr(log, "data s2c s3 @"));
    dec_h2_free(e);
    tlog_free(&r.log);
    hb_free(&c);
    hb_free(&s);
    nghttp2_hd_deflate_del(sd);
}

/* after a gap the server's table is unknown; a size update to 0 empties it:
 * known again, and said so */
static void test_table_known_again(void **state)
{
    (void)state;
    struct hb c = {0}, s = {0};
    hb_preface(&c);
    hb_settings(&c, 0, 0);
    hb_req(&c, 1, DEC_H2_F_END_STREAM);
    hb_req(&c, 3, DEC_H2_F_END_STREAM);
    hb_req(&c, 5, DEC_H2_F_END_STREAM);
    hb_settings(&s, 0, 0);
    size_t lost = s.n;
    hb_frame(&s, DEC_H2_HEADERS, DEC_H2_F_END_HEADERS | DEC_H2_F_END_STREAM, 1,
             "\x88\x40\x01\x61\x01\x62", 6);                  /* a: b, indexed as 62 */
    size_t after = s.n;
    hb_frame(&s, DEC_H2_HEADERS, DEC_H2_F_END_HEADERS | DEC_H2_F_END_STREAM, 3, "\x88\xbe", 2);
    hb_frame(&s, DEC_H2_HEADERS, DEC_H2_F_END_HEADERS | DEC_H2_F_END_STREAM, 5,
             "\x20\x88\x40\x01\x78\x01\x79\xbe", 8);          /* size 0; x: y; 62 */
    struct rec r = {.quiet_frames = true};
    struct dec_h2 *e = engine(&r, DEC_H2_START_PREFACE, NULL);
    uint64_t off[2] = {0, 0};
    feed(e, TR_DIR_C2S, &off[0], c.b, c.n, 0, 1);
    feed(e, TR_DIR_S2C, &off[1], s.b, lost, 0, 2);
    dec_h2_gap(e, TR_DIR_S2C, lost, after - lost, 3, 3000);
    off[1] = after;
    feed(e, TR_DIR_S2C, &off[1], s.b + after, s.n - after, 0, 4);
    const char *log = finish(e, &r, true);
    assert_true(strstr(log, "note gap/sync_lost s2c s0\n"));
    assert_true(strstr(log, "note hpack/table_unknown s2c s3\n"));
    assert_true(strstr(log, "block s2c s3 #1 response end_stream status=200 hpack=2 decoded=-1 "
                            "unknown=1 pseudo=[:status=200] fields=[?=?]"));
    assert_true(strstr(log, "note hpack/table_known s2c s5\n"));
    assert_true(strstr(log, "block s2c s5 #2 response end_stream status=200 hpack=8 decoded=26 "
                            "pseudo=[:status=200] fields=[x=y x=y]"));
    dec_h2_free(e);
    tlog_free(&r.log);
    hb_free(&c);
    hb_free(&s);
}

/* ------------------------------------------------------------ midstream -- */

/* The capture begins inside a connection: the client's stream begins with
 * the tail of a frame; stream 5 was open before; the dynamic tables are
 * unknown, static and literal fields are not. */
static void test_midstream(void **state)
{
    (void)state;
    struct hb c = {0}, s = {0};
    hb_mem(&c, "tail!", 5);
    hb_frame(&c, DEC_H2_HEADERS, DEC_H2_F_END_HEADERS | DEC_H2_F_END_STREAM, 7,
             "\x82\x86\x84\xbe\x40\x01x\x01y", 9);
    hb_frame(&c, DEC_H2_HEADERS, DEC_H2_F_END_HEADERS | DEC_H2_F_END_STREAM, 9,
             "\x82\x86\x84\xbf\xbe", 5);
    hb_frame(&s, DEC_H2_DATA, DEC_H2_F_END_STREAM, 5, "xyz", 3);
    hb_frame(&s, DEC_H2_HEADERS, DEC_H2_F_END_HEADERS | DEC_H2_F_END_STREAM, 7, "\x88", 1);
    hb_frame(&s, DEC_H2_DATA, 0, 3, "late", 4);  /* below the first stream seen: adopted */
    struct rec r = {.quiet_frames = true};
    struct dec_h2 *e = engine(&r, DEC_H2_START_MIDSTREAM, NULL);
    uint64_t off[2] = {1000, 2000};
    feed(e, TR_DIR_C2S, &off[0], c.b, c.n, 0, 1);
    feed(e, TR_DIR_S2C, &off[1], s.b, s.n, 0, 2);
    expect_log(finish(e, &r, false),
               "note gap/sync_found c2s s0\n"
               "open s7 #0 c2s\n"
               "note hpack/table_unknown c2s s7\n"
               "block c2s s7 #0 request end_stream hpack=9 decoded=-1 unknown=1 "
               "pseudo=[:method=GET :scheme=http :path=/] fields=[?=? x=y] frames=1 @1005+18\n"
               "open s9 #1 c2s\n"
               "block c2s s9 #1 request end_stream hpack=5 decoded=-1 unknown=1 "
               "pseudo=[:method=GET :scheme=http :path=/] fields=[?=? x=y] frames=1 @1023+14\n"
               "open s5 #2 s2c adopted\n"
               "data s2c s5 @2009 len=3 sum=119193\n"
               "block s2c s7 #0 response end_stream status=200 hpack=1 decoded=14 "
               "pseudo=[:status=200] fields=[] frames=1 @2012+10\n"
               "end s7 end_stream by s2c data=0/0\n"
               "open s3 #3 s2c adopted\n"
               "data s2c s3 @2031 len=4 sum=3314342\n"
               "end s3 capture_end by c2s data=0/4\n"
               "end s5 capture_end by c2s data=0/3\n"
               "end s9 capture_end by c2s data=0/0\n");
    dec_h2_free(e);
    tlog_free(&r.log);
    hb_free(&c);
    hb_free(&s);
}

/* ------------------------------------------------- ends, GOAWAY, limits -- */

static void test_ends(void **state)
{
    (void)state;
    struct hb c = {0}, s = {0};
    hb_preface(&c);
    hb_settings(&c, 0, 0);
    hb_req(&c, 1, DEC_H2_F_END_STREAM);
    hb_req(&c, 3, DEC_H2_F_END_STREAM);
    hb_req(&c, 5, DEC_H2_F_END_STREAM);
    hb_settings(&s, 0, 0);
    hb_200(&s, 1, 0);
    hb_frame(&s, DEC_H2_GOAWAY, 0, 0, "\0\0\0\x01\0\0\0\x02", 8);  /* INTERNAL_ERROR */
    hb_frame(&s, DEC_H2_DATA, 0, 1, "0123456789", 10);
    struct rec r = {.quiet_frames = true};
    struct dec_h2 *e = engine(&r, DEC_H2_START_PREFACE, NULL);
    uint64_t off[2] = {0, 0};
    feed(e, TR_DIR_C2S, &off[0], c.b, c.n, 0, 1);
    feed(e, TR_DIR_S2C, &off[1], s.b, s.n - 4, 0, 2);  /* the DATA frame cut short */
    dec_h2_end(e, TR_DIR_S2C, 3, 3000);
    struct dec_h2_counts cnt;
    dec_h2_counts(e, &cnt);
    assert_int_equal(cnt.max_open, 3);
    assert_true(cnt.goaway);
    expect_log(finish(e, &r, true),
               "preface @0\n"
               "open s1 #0 c2s\nblock c2s s1 #0 request end_stream hpack=17 decoded=68 "
               "pseudo=[:method=GET :scheme=http :path=/ :authority=www.example.com] fields=[] "
               "frames=1 @33+26\n"
               "open s3 #1 c2s\nblock c2s s3 #1 request end_stream hpack=17 decoded=68 "
               "pseudo=[:method=GET :scheme=http :path=/ :authority=www.example.com] fields=[] "
               "frames=1 @59+26\n"
               "open s5 #2 c2s\nblock c2s s5 #2 request end_stream hpack=17 decoded=68 "
               "pseudo=[:method=GET :scheme=http :path=/ :authority=www.example.com] fields=[] "
               "frames=1 @85+26\n"
               "block s2c s1 #0 response status=200 hpack=1 decoded=14 pseudo=[:status=200] "
               "fields=[] frames=1 @9+10\n"
               "end s3 goaway by s2c code=INTERNAL_ERROR data=0/0\n"
               "end s5 goaway by s2c code=INTERNAL_ERROR data=0/0\n"
               "data s2c s1 @45 len=6 sum=1420992003\n"
               "note incomplete/truncated_frame s2c s1\n"
               "end s1 goaway by c2s code=INTERNAL_ERROR data=0/6\n");
    dec_h2_free(e);
    tlog_free(&r.log);

    /* no GOAWAY: streams left end with the connection, or with the capture */
    for (int closed = 0; closed < 2; closed++) {
        r = (struct rec){.quiet_frames = true};
        e = engine(&r, DEC_H2_START_PREFACE, NULL);
        off[0] = 0;
        feed(e, TR_DIR_C2S, &off[0], c.b, c.n, 0, 1);
        finish(e, &r, closed);
        assert_true(tlog_has(&r.log, closed ? "end s5 conn_close" : "end s5 capture_end"));
        dec_h2_free(e);
        tlog_free(&r.log);
    }
    hb_free(&c);
    hb_free(&s);
}

static void test_limits(void **state)
{
    (void)state;
    struct hb c = {0};
    hb_preface(&c);
    hb_settings(&c, 0, 0);
    hb_req(&c, 1, 0);
    hb_req(&c, 3, 0);
    hb_req(&c, 5, 0);                                  /* a third: not followed */
    hb_frame(&c, DEC_H2_DATA, DEC_H2_F_END_STREAM, 5, "x", 1);
    hb_frame(&c, DEC_H2_HEADERS, DEC_H2_F_END_HEADERS, 7, req_block, 12);  /* 12 > 10 */
    hb_frame(&c, DEC_H2_HEADERS, DEC_H2_F_END_HEADERS, 9, "\x82\x86\x84\xbe", 4);
    struct rec r = {.quiet_frames = true};
    struct dec_h2_sink sink = {&r, on_preface, on_frame, on_block, on_data, on_stream, on_note};
    struct dec_h2_opts o = {.start = DEC_H2_START_PREFACE, .max_streams = 2, .max_block = 10};
    struct dec_h2 *e = dec_h2_new(&o, &sink);
    uint64_t off = 0;
    feed(e, TR_DIR_C2S, &off, c.b, c.n, 0, 1);
    const char *log = finish(e, &r, false);
    assert_int_equal(tlog_count(&r.log, "note limit/limit_streams c2s s5\n"), 1);
    assert_false(tlog_has(&r.log, "data c2s s5"));
    assert_false(tlog_has(&r.log, "stream_idle"));
    assert_false(tlog_has(&r.log, "s7 #"));            /* beyond max_streams too */
    assert_true(tlog_has(&r.log, "note limit/limit_block c2s s7\n"));
    (void)log;
    dec_h2_free(e);
    tlog_free(&r.log);
    hb_free(&c);
}

/* a lying length, then no frames for over 1 MiB: the direction is given up */
static void test_giveup(void **state)
{
    (void)state;
    struct hb c = {0};
    hb_preface(&c);
    hb_settings(&c, 0, 0);
    hb_head(&c, 0xffffff, DEC_H2_DATA, 0, 1);
    size_t zeros = (1u << 20) + 100000;
    uint8_t *z = calloc(1, zeros);
    hb_mem(&c, z, zeros);
    free(z);
    hb_frame(&c, DEC_H2_PING, 0, 0, "zzzzzzzz", 8);
    hb_frame(&c, DEC_H2_PING, 0, 0, "zzzzzzzz", 8);
    struct rec r = {.quiet_frames = true};
    struct dec_h2 *e = engine(&r, DEC_H2_START_PREFACE, NULL);
    uint64_t off = 0;
    feed(e, TR_DIR_C2S, &off, c.b, c.n, 65536, 1);
    expect_log(finish(e, &r, false),
               "preface @0\n"
               "note malformed_h2/frame_too_large c2s s1\n"
               "note malformed_h2/sync_giveup c2s s0\n");
    dec_h2_free(e);
    tlog_free(&r.log);
    hb_free(&c);
}

/* --------------------------------------------------------- pure helpers -- */

static void test_helpers(void **state)
{
    (void)state;
    const uint8_t *pre = (const uint8_t *)DEC_H2_PREFACE;
    assert_int_equal(dec_h2_match_preface(pre, 24), 24);
    assert_int_equal(dec_h2_match_preface(NULL, 0), DEC_INCOMPLETE);
    assert_int_equal(dec_h2_sniff_frames(NULL, 0), DEC_INCOMPLETE);
    for (size_t n = 0; n < 24; n++)
        assert_int_equal(dec_h2_match_preface(pre, n), DEC_INCOMPLETE);
    assert_int_equal(dec_h2_match_preface((const uint8_t *)"PRI * HTTP/1.1\r\n", 16),
                     DEC_INVALID);
    assert_int_equal(dec_h2_match_preface((const uint8_t *)"GET / HTTP/1.1\r\n", 16),
                     DEC_INVALID);

    struct hb h = {0};
    hb_settings(&h, 0, DEC_H2_SET_MAX_CONCURRENT_STREAMS, 100u, 0);
    hb_frame(&h, DEC_H2_WINDOW_UPDATE, 0, 0, "\0\0\x10\0", 4);
    assert_int_equal(dec_h2_sniff_frames(h.b, h.n), 15);
    assert_int_equal(dec_h2_sniff_frames(h.b, 15), 15);  /* one whole frame and no more */
    assert_int_equal(dec_h2_sniff_frames(h.b, 20), DEC_INCOMPLETE);
    assert_int_equal(dec_h2_sniff_frames(h.b, 5), DEC_INCOMPLETE);
    assert_int_equal(dec_h2_sniff_frames((const uint8_t *)"GET / HTTP/1.1\r\nHost: a\r\n\r\n", 27),
                     DEC_INVALID);
    assert_int_equal(dec_h2_sniff_frames((const uint8_t *)"\x16\x03\x01\x02\x00\x01\x00\x01\xfc",
                                         9),
                     DEC_INVALID);  /* a TLS ClientHello */
    hb_free(&h);

    struct dec_h2_setting set[4];
    size_t n;
    assert_int_equal(dec_h2_parse_settings_b64("AAMAAABkAARAAAAAAAIAAAAA", 24, set, 4, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(set[0].id, 3);
    assert_int_equal(set[0].value, 100);
    assert_int_equal(set[1].id, 4);
    assert_int_equal(set[1].value, 1073741824);
    assert_int_equal(set[2].id, 2);
    assert_int_equal(set[2].value, 0);
    assert_int_equal(dec_h2_parse_settings_b64(" AAMAAABk== ", 12, set, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(dec_h2_parse_settings_b64("", 0, set, 4, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(dec_h2_parse_settings_b64("AAMAAABkAA", 10, set, 4, &n), DEC_INVALID);
    assert_int_equal(dec_h2_parse_settings_b64("AAMAAAB+", 8, set, 4, &n), DEC_INVALID);
    assert_int_equal(dec_h2_parse_settings_b64("AAMAAABl", 8, set, 4, &n), 0);
    assert_int_equal(set[0].value, 101);

    assert_string_equal(dec_h2_type_name(DEC_H2_PUSH_PROMISE), "PUSH_PROMISE");
    assert_null(dec_h2_type_name(10));
    assert_string_equal(dec_h2_error_name(DEC_H2_ERR_CANCEL), "CANCEL");
    assert_string_equal(dec_h2_error_name(0xd), "HTTP_1_1_REQUIRED");
    assert_null(dec_h2_error_name(0xe));
    assert_string_equal(dec_h2_setting_name(5), "SETTINGS_MAX_FRAME_SIZE");
    assert_null(dec_h2_setting_name(7));
    assert_string_equal(dec_h2_end_name(DEC_H2_END_CAPTURE_END), "capture_end");
    assert_string_equal(dec_h2_problem_name(DEC_H2_P_PAD_TOO_LONG), "pad_too_long");
    assert_int_equal(dec_h2_problem_kind(DEC_H2_P_HPACK_ERROR), DEC_H2_NOTE_HPACK);
    assert_string_equal(dec_h2_note_name(DEC_H2_NOTE_MALFORMED), "malformed_h2");
    const char *fl[8];
    assert_int_equal(dec_h2_flag_names(DEC_H2_HEADERS, 0xff, fl, 8), 4);
    assert_string_equal(fl[0], "END_STREAM");
    assert_string_equal(fl[1], "END_HEADERS");
    assert_string_equal(fl[2], "PADDED");
    assert_string_equal(fl[3], "PRIORITY");
    assert_int_equal(dec_h2_flag_names(DEC_H2_PING, 0x01, fl, 8), 1);
    assert_string_equal(fl[0], "ACK");
    assert_int_equal(dec_h2_flag_names(DEC_H2_RST_STREAM, 0xff, fl, 8), 0);
    assert_int_equal(dec_h2_flag_names(0x42, 0xff, fl, 8), 0);
}

/* random bytes in every state: no crash, nothing after finish */
static void test_hostile_random(void **state)
{
    (void)state;
    uint32_t x = 99;
    uint8_t buf[600];
    for (int round = 0; round < 3000; round++) {
        size_t n = (size_t)(round % 590) + 10;
        for (size_t i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            buf[i] = (uint8_t)(x >> 16);
        }
        if (round % 4 == 0)
            memcpy(buf, DEC_H2_PREFACE, 24);
        if (round % 3 == 0) {  /* a plausible frame header now and then */
            size_t at = 24 + (size_t)(x % 200);
            if (at + 9 < n) {
                buf[at] = 0;
                buf[at + 1] = 0;
                buf[at + 3] = (uint8_t)(x % 12);
                buf[at + 5] = 0;
            }
        }
        struct rec r = {0};
        struct dec_h2 *e = engine(&r, (enum dec_h2_start)(round % 3), round % 5 ? NULL : "AAMA");
        uint64_t off[2] = {0, 0};
        size_t step = 1 + (size_t)(x % 50);
        for (size_t i = 0; i < n; i += step) {
            size_t k = step < n - i ? step : n - i;
            int d = (int)((i / step) % 2);
            dec_h2_feed(e, (enum tr_dir)d, off[d], buf + i, k, NULL, 0, 0);
            off[d] += k;
            if (i % 97 == 1)
                dec_h2_gap(e, (enum tr_dir)d, off[d], 1 + i % 40, 0, 0), off[d] += 1 + i % 40;
        }
        dec_h2_finish(e, round & 1, 0, 0);
        size_t len = r.log.n;
        dec_h2_feed(e, TR_DIR_C2S, off[0], buf, n, NULL, 0, 0);  /* after finish: ignored */
        assert_int_equal(r.log.n, len);
        dec_h2_free(e);
        tlog_free(&r.log);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversation),
        cmocka_unit_test(test_every_split),
        cmocka_unit_test(test_capture_frames),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_padding_edges),
        cmocka_unit_test(test_continuations),
        cmocka_unit_test(test_max_frame_size),
        cmocka_unit_test(test_header_table_size),
        cmocka_unit_test(test_settings_in_order),
        cmocka_unit_test(test_upgrade),
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_table_known_again),
        cmocka_unit_test(test_midstream),
        cmocka_unit_test(test_ends),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_giveup),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_hostile_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
