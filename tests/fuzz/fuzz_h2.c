/* fuzz_h2.c - the HTTP/2 engine (decode/h2.c, decode/hpack.c): a client and
 * a server byte stream, cut into pieces, interleaved, with gaps and ends as
 * the schedule says, fed twice: as scheduled, and with every piece cut once
 * more (both parts carried by the piece's capture frames). Both runs must
 * give the same events, capture frames included (merged DATA aside): the
 * engine may not depend on how bytes were cut.
 *
 * Input (mkseeds.py writes the same format):
 *   h0: bits 0-1 the start (0 preface, 1 Upgrade, 2 midstream, 3 preface);
 *       bit 2 the client stream gets the 24-byte preface put in front (so
 *       the fuzzer need not find it); bit 3 small limits (3 streams, 64-byte
 *       blocks, 3 fields, 64 decoded bytes); bit 4 the connection ends closed
 *       (else with the capture); bit 5 a piece is carried by 3 capture frames
 *       (as a TLS record); bits 6-7 where the second run cuts each piece
 *       (with the next byte: the cut's offset in the piece, per mille)
 *   h1: the second run's cut (see h0)
 *   Upgrade: h2: the length of an HTTP2-Settings value, then that many bytes
 *   then: client stream, SEP, server stream, SEP, schedule (with one SEP no
 *   schedule, with none no server stream).
 * The schedule, one byte per event:
 *   00xxxxxx  client data, length code x   01xxxxxx  server data
 *   100xxxxx  client gap, gap code x       101xxxxx  server gap
 *   11xxxxxx  control x % 4: 0 client end, 1 server end, 2 and 3 nothing
 * When the schedule ends, the rest of both streams goes in 1000-byte pieces,
 * alternating; then dec_h2_finish.
 *
 * Beyond the run-to-run equality, the sink checks every event: pointers
 * readable for their lengths (each read, so ASan sees a bad one), frame
 * lists ascending, a stream's END after its OPEN and never twice, offsets
 * inside what was fed, nothing after dec_h2_finish, and the counts at the end.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"

#include "../../decode/h2.h"

#define SEP "\xff\xfe\xfd\xfc"
#define SEPLEN 4

static const size_t data_codes[64] = {
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 20, 23, 24, 25, 30, 32, 33,
    40, 48, 50, 60, 64, 80, 100, 127, 128, 150, 200, 255, 256, 300, 400, 500, 512, 600, 800,
    1000, 1024, 1400, 1460, 1500, 2000, 2048, 3000, 4096, 5000, 8192, 10000, 16384, 16393,
    20000, 32768, 40000, 65535, 65536, 100000, SIZE_MAX,
};
static const uint64_t gap_codes[32] = {
    1, 2, 3, 5, 8, 9, 10, 16, 20, 24, 32, 50, 64, 100, 128, 200, 256, 500, 1000, 1460, 4096,
    8192, 16384, 16393, 65536, 100000, 1u << 20, 1u << 24, 1u << 30, 1ULL << 32, 1ULL << 40,
    1ULL << 50,
};

/* ------------------------------------------------------------ the log -- */

struct log {
    char *s;
    size_t n, cap;
    /* DATA of one stream, merged while it runs on */
    bool dpend, dgap;
    int ddir;
    uint32_t dstream;
    uint64_t doff, dlen, dsum;
};

static void lput(struct log *l, const void *p, size_t n)
{
    if (l->n + n > l->cap) {
        l->cap = (l->n + n) * 2 + 256;
        l->s = realloc(l->s, l->cap);
        FZ_CHECK(l->s != NULL, "out of memory");
    }
    memcpy(l->s + l->n, p, n);
    l->n += n;
}

__attribute__((format(printf, 2, 3))) static void lprintf(struct log *l, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    lput(l, buf, k < (int)sizeof buf ? (size_t)k : sizeof buf - 1);
}

static void lflush(struct log *l)
{
    if (!l->dpend)
        return;
    l->dpend = false;
    lprintf(l, "%s %d s%u @%llu+%llu %llx\n", l->dgap ? "gap" : "data", l->ddir, l->dstream,
            (unsigned long long)l->doff, (unsigned long long)l->dlen,
            (unsigned long long)l->dsum);
}

/* --------------------------------------------------------- the checks -- */

struct run {
    struct log log;
    bool finished;
    uint64_t fed[2];             /* bytes and gaps given per direction */
    uint64_t last_frame_off[2];  /* frames come in stream order */
    bool any_frame[2];
    uint8_t *opened;             /* stream ids seen opening (bit per id), bounded */
    uint8_t *ended;
    uint64_t opens, ends, blocks;
};

#define MAX_TRACKED_ID (1u << 16) /* stream ids checked for open/end */

static bool bit(const uint8_t *v, uint32_t id)
{
    return id < MAX_TRACKED_ID && (v[id >> 3] >> (id & 7)) & 1;
}

static void set_bit(uint8_t *v, uint32_t id)
{
    if (id < MAX_TRACKED_ID)
        v[id >> 3] |= (uint8_t)(1u << (id & 7));
}

static void touch_frames(const uint64_t *v, size_t n)
{
    fz_touch(v, n * sizeof *v);
    for (size_t i = 1; i < n; i++)
        FZ_CHECK(v[i - 1] < v[i], "capture frames not ascending at %zu", i);
}

/* the first and last capture frame, into the log */
static void log_frames(struct log *l, const uint64_t *v, size_t n)
{
    if (n)
        lprintf(l, " frames %llu..%llu/%zu", (unsigned long long)v[0],
                (unsigned long long)v[n - 1], n);
}

static void touch_fields(struct log *l, const struct dec_hpack_field *f, size_t n)
{
    FZ_CHECK(n == 0 || f != NULL, "%zu fields at NULL", n);
    for (size_t i = 0; i < n; i++) {
        fz_touch_str(f[i].name);
        fz_touch_str(f[i].value);
        FZ_CHECK(f[i].name_unknown == (f[i].name.p == NULL), "name_unknown flag");
        FZ_CHECK(f[i].value_unknown == (f[i].value.p == NULL), "value_unknown flag");
        int nl = f[i].name.p ? (int)(f[i].name.len > 40 ? 40 : f[i].name.len) : 1;
        int vl = f[i].value.p ? (int)(f[i].value.len > 40 ? 40 : f[i].value.len) : 1;
        lprintf(l, " [%.*s]=[%.*s]/%d/%u", nl, f[i].name.p ? f[i].name.p : "?", vl,
                f[i].value.p ? f[i].value.p : "?", (int)f[i].rep, f[i].index);
    }
}

static void c_preface(void *ctx, const struct dec_h2_preface *p)
{
    struct run *r = ctx;
    FZ_CHECK(!r->finished, "preface after finish");
    touch_frames(p->frames, p->nframes);
    lflush(&r->log);
    lprintf(&r->log, "preface %llu\n", (unsigned long long)p->offset);
}

static void c_frame(void *ctx, const struct dec_h2_frame *f)
{
    struct run *r = ctx;
    FZ_CHECK(!r->finished, "frame after finish");
    FZ_CHECK(f->dir == TR_DIR_C2S || f->dir == TR_DIR_S2C, "dir %d", (int)f->dir);
    FZ_CHECK(f->length <= 0xffffff && f->stream <= 0x7fffffff, "length or stream");
    FZ_CHECK(f->offset + 9 <= r->fed[f->dir], "frame at %llu past %llu fed",
             (unsigned long long)f->offset, (unsigned long long)r->fed[f->dir]);
    FZ_CHECK(!r->any_frame[f->dir] || f->offset >= r->last_frame_off[f->dir],
             "frames out of order");
    r->any_frame[f->dir] = true;
    r->last_frame_off[f->dir] = f->offset;
    FZ_CHECK(f->content_length <= f->length, "content %u > length %u", f->content_length,
             f->length);
    touch_frames(f->frames, f->nframes);
    fz_touch(f->debug, f->debug_kept);
    FZ_CHECK(f->debug_kept <= DEC_H2_MAX_DEBUG_KEPT && f->debug_kept <= f->debug_length,
             "debug kept");
    fz_touch(f->settings, f->nsettings * sizeof *f->settings);
    FZ_CHECK(f->nsettings <= DEC_H2_MAX_SETTINGS_KEPT, "settings kept");
    const char *names[8];
    size_t nn = dec_h2_flag_names(f->type, f->flags, names, 8);
    lflush(&r->log);
    lprintf(&r->log, "frame %d %u %u s%u @%llu %u nf%zu %d%d%d%d pad%u c%u e%u l%u i%u p%u n%zu",
            f->dir, f->type, f->flags, f->stream, (unsigned long long)f->offset, f->length, nn,
            f->truncated, f->gap, f->malformed, f->first, f->pad_length, f->content_length,
            f->error_code, f->last_stream, f->increment, f->promised_stream, f->nsettings);
    for (size_t i = 0; i < f->nsettings; i++)
        lprintf(&r->log, " %u=%u", f->settings[i].id, f->settings[i].value);
    log_frames(&r->log, f->frames, f->nframes);
    lprintf(&r->log, "\n");
}

static void c_block(void *ctx, const struct dec_h2_block *b)
{
    struct run *r = ctx;
    FZ_CHECK(!r->finished, "block after finish");
    FZ_CHECK(b->npseudo + b->nfields <= b->nfields_total, "fields %zu + %zu > %llu", b->npseudo,
             b->nfields, (unsigned long long)b->nfields_total);
    FZ_CHECK(b->nh2frames >= 1 && b->h2frames != NULL, "a block of no frames");
    fz_touch(b->h2frames, b->nh2frames * sizeof *b->h2frames);
    touch_frames(b->frames, b->nframes);
    fz_touch_str(b->method);
    fz_touch_str(b->scheme);
    fz_touch_str(b->authority);
    fz_touch_str(b->path);
    fz_touch_str(b->protocol);
    fz_touch_str(b->status_text);
    FZ_CHECK(b->status == -1 || (b->status >= 100 && b->status <= 999), "status %d", b->status);
    FZ_CHECK(b->offset + b->length <= r->fed[b->dir], "block past what was fed");
    FZ_CHECK(b->kind != DEC_H2_BLOCK_PUSH_PROMISE || bit(r->opened, b->promised_stream) ||
                 b->promised_stream >= MAX_TRACKED_ID,
             "PUSH_PROMISE of a stream never opened");
    r->blocks++;
    lflush(&r->log);
    lprintf(&r->log, "block %d s%u #%llu k%d %d%d%d p%u st%d h%llu d%lld u%llu t%llu f%zu", b->dir,
            b->stream, (unsigned long long)b->index, (int)b->kind, b->interim, b->end_stream,
            b->complete, b->promised_stream, b->status, (unsigned long long)b->hpack_length,
            (long long)b->decoded_length, (unsigned long long)b->unknown,
            (unsigned long long)b->nfields_total, b->nh2frames);
    touch_fields(&r->log, b->pseudo, b->npseudo);
    touch_fields(&r->log, b->fields, b->nfields);
    log_frames(&r->log, b->frames, b->nframes);
    lprintf(&r->log, "\n");
}

static void c_data(void *ctx, const struct dec_h2_data *d)
{
    struct run *r = ctx;
    FZ_CHECK(!r->finished, "data after finish");
    FZ_CHECK(d->len > 0, "empty data");
    FZ_CHECK(d->offset + d->len <= r->fed[d->dir], "data past what was fed");
    FZ_CHECK(bit(r->opened, d->stream) || d->stream >= MAX_TRACKED_ID,
             "data of stream %u never opened", d->stream);
    fz_touch(d->data, d->data ? d->len : 0);
    touch_frames(d->frames, d->nframes);
    struct log *l = &r->log;
    if (l->dpend && l->ddir == (int)d->dir && l->dstream == d->stream &&
        l->doff + l->dlen == d->offset && l->dgap == (d->data == NULL)) {
        l->dlen += d->len;
    } else {
        lflush(l);
        *l = (struct log){l->s, l->n, l->cap, true, d->data == NULL, (int)d->dir, d->stream,
                          d->offset, d->len, 0};
    }
    for (size_t i = 0; d->data && i < d->len; i++)
        l->dsum = l->dsum * 131 + d->data[i];
}

static void c_stream(void *ctx, const struct dec_h2_stream *s)
{
    struct run *r = ctx;
    FZ_CHECK(!r->finished, "stream event after finish");
    FZ_CHECK(s->id > 0 && s->id <= 0x7fffffff, "stream id %u", s->id);
    if (s->event == DEC_H2_STREAM_OPEN) {
        FZ_CHECK(!bit(r->opened, s->id), "stream %u opened twice", s->id);
        set_bit(r->opened, s->id);
        FZ_CHECK(s->index == r->opens, "index %llu, %llu opened", (unsigned long long)s->index,
                 (unsigned long long)r->opens);
        r->opens++;
    } else {
        FZ_CHECK(bit(r->opened, s->id) || s->id >= MAX_TRACKED_ID, "stream %u ends unopened",
                 s->id);
        FZ_CHECK(!bit(r->ended, s->id), "stream %u ended twice", s->id);
        set_bit(r->ended, s->id);
        r->ends++;
        FZ_CHECK(dec_h2_end_name(s->how) != NULL, "how %d", (int)s->how);
    }
    lflush(&r->log);
    lprintf(&r->log, "stream %d s%u #%llu %d%d%d%d %d e%u %llu/%llu\n", (int)s->event, s->id,
            (unsigned long long)s->index, s->pushed, s->upgraded, s->adopted, (int)s->dir,
            (int)s->how, s->error_code, (unsigned long long)s->data_bytes[0],
            (unsigned long long)s->data_bytes[1]);
}

static void c_note(void *ctx, const struct dec_h2_note *n)
{
    struct run *r = ctx;
    FZ_CHECK(!r->finished, "note after finish");
    FZ_CHECK((unsigned)n->kind < DEC_H2_NOTE_COUNT && (unsigned)n->problem < DEC_H2_P_COUNT,
             "note kind %d problem %d", (int)n->kind, (int)n->problem);
    FZ_CHECK(n->detail && n->detail[0], "note without detail");
    fz_touch(n->detail, strlen(n->detail));
    lflush(&r->log);
    lprintf(&r->log, "note %d %d %d s%u @%llu %s\n", (int)n->kind, (int)n->problem, (int)n->dir,
            n->stream, (unsigned long long)n->offset, n->detail);
}

/* -------------------------------------------------------------- a run -- */

struct input {
    uint8_t h0, h1;
    const uint8_t *settings;
    size_t nsettings;
    const uint8_t *st[2];
    size_t n[2];
    const uint8_t *sched;
    size_t nsched;
};

struct feeder {
    struct dec_h2 *h;
    const struct input *in;
    struct run *r;
    size_t pos[2];
    uint64_t off[2];
    bool ended[2];
    bool recut;                  /* the second run: cut every piece once more */
    uint64_t frame;
};

/* one piece, carried by capture frames fr[nf] */
static void piece(struct feeder *f, int d, const uint8_t *p, size_t n, const uint64_t *fr,
                  size_t nf)
{
    uint8_t *copy = fz_dup(p, n);  /* borrowed for the call */
    f->r->fed[d] += n;
    dec_h2_feed(f->h, (enum tr_dir)d, f->off[d], copy, n, fr, nf, (tr_time)f->frame);
    free(copy);
    f->off[d] += n;
}

/* The next piece of direction d, carried by 1 or 3 capture frames. In the
 * second run it goes in two parts, both carried by the same frames: the
 * frames' lists come out the same. */
static void data(struct feeder *f, int d, size_t want)
{
    size_t n = f->in->n[d] - f->pos[d];
    if (want < n)
        n = want;
    if (n == 0 || f->ended[d])
        return;
    f->frame += 3;
    uint64_t frames[3] = {f->frame - 2, f->frame - 1, f->frame};
    size_t nf = (f->in->h0 & 0x20) ? 3 : 1;
    const uint64_t *fr = nf == 3 ? frames : &frames[2];
    const uint8_t *p = f->in->st[d] + f->pos[d];
    f->pos[d] += n;
    size_t cut = f->recut ? (size_t)(((uint64_t)n * (uint64_t)(f->in->h1 % 101)) / 100) : 0;
    if (cut > 0 && cut < n) {
        piece(f, d, p, cut, fr, nf);
        piece(f, d, p + cut, n - cut, fr, nf);
    } else {
        piece(f, d, p, n, fr, nf);
    }
}

static void gap(struct feeder *f, int d, uint64_t len)
{
    if (f->ended[d])
        return;
    f->r->fed[d] += len;
    dec_h2_gap(f->h, (enum tr_dir)d, f->off[d], len, ++f->frame, (tr_time)f->frame);
    f->off[d] += len;
}

static void one_run(const struct input *in, struct run *r, bool recut)
{
    memset(r, 0, sizeof *r);
    r->opened = calloc(1, MAX_TRACKED_ID / 8);
    r->ended = calloc(1, MAX_TRACKED_ID / 8);
    struct dec_h2_sink sink = {r, c_preface, c_frame, c_block, c_data, c_stream, c_note};
    struct dec_h2_opts o = {.start = (enum dec_h2_start)((in->h0 & 3) == 3 ? 0 : in->h0 & 3)};
    if (o.start == DEC_H2_START_UPGRADE) {
        o.http2_settings = (const char *)in->settings;
        o.http2_settings_len = in->nsettings;
    }
    if (in->h0 & 0x08) {
        o.max_streams = 3;
        o.max_block = 64;
        o.max_fields = 3;
        o.max_decoded = 64;
    }
    struct feeder f = {dec_h2_new(&o, &sink), in, r, {0, 0}, {0, 0}, {false, false}, recut, 0};
    if (in->h0 & 0x04) {
        static const uint8_t pre[] = DEC_H2_PREFACE;
        r->fed[0] += DEC_H2_PREFACE_LEN;
        uint64_t one = 1;
        dec_h2_feed(f.h, TR_DIR_C2S, 0, pre, DEC_H2_PREFACE_LEN, &one, 1, 0);
        f.off[0] = DEC_H2_PREFACE_LEN;
    }
    for (size_t i = 0; i < in->nsched; i++) {
        uint8_t c = in->sched[i];
        if ((c & 0x80) == 0)
            data(&f, (c >> 6) & 1, data_codes[c & 0x3f]);
        else if ((c & 0xc0) == 0x80)
            gap(&f, (c >> 5) & 1, gap_codes[c & 0x1f]);
        else if ((c & 3) < 2 && !f.ended[c & 3]) {
            f.ended[c & 3] = true;
            dec_h2_end(f.h, (enum tr_dir)(c & 3), ++f.frame, (tr_time)f.frame);
        }
    }
    while (f.pos[0] < in->n[0] || f.pos[1] < in->n[1]) {
        size_t before = f.pos[0] + f.pos[1];
        data(&f, 0, 1000);
        data(&f, 1, 1000);
        if (f.pos[0] + f.pos[1] == before)
            break;  /* ended directions */
    }
    dec_h2_finish(f.h, (in->h0 & 0x10) != 0, 0, 0);
    r->finished = true;
    lflush(&r->log);
    struct dec_h2_counts k;
    dec_h2_counts(f.h, &k);
    FZ_CHECK(k.open == 0, "%llu streams open after finish", (unsigned long long)k.open);
    FZ_CHECK(k.streams == r->opens, "counts.streams %llu, %llu OPEN events",
             (unsigned long long)k.streams, (unsigned long long)r->opens);
    FZ_CHECK(r->ends == r->opens, "%llu ends of %llu streams", (unsigned long long)r->ends,
             (unsigned long long)r->opens);
    FZ_CHECK(k.max_open <= k.streams, "max_open %llu of %llu streams",
             (unsigned long long)k.max_open, (unsigned long long)k.streams);
    FZ_CHECK(k.blocks >= r->blocks, "blocks");
    lprintf(&r->log, "counts %llu %llu %llu %llu %llu\n", (unsigned long long)k.streams,
            (unsigned long long)k.max_open, (unsigned long long)k.blocks,
            (unsigned long long)k.hpack_bytes, (unsigned long long)k.notes);
    dec_h2_free(f.h);
    free(r->opened);
    free(r->ended);
}

int LLVMFuzzerTestOneInput(const uint8_t *data_in, size_t size)
{
    struct fz f = {data_in, size};
    struct input in;
    memset(&in, 0, sizeof in);
    in.h0 = fz_u8(&f);
    in.h1 = fz_u8(&f);
    if ((in.h0 & 3) == DEC_H2_START_UPGRADE)
        in.nsettings = fz_take(&f, fz_u8(&f), &in.settings);
    const uint8_t *rest = f.p;
    size_t left = f.n;
    const uint8_t *s1 = memmem(rest, left, SEP, SEPLEN);
    in.st[0] = rest;
    in.n[0] = s1 ? (size_t)(s1 - rest) : left;
    if (s1) {
        const uint8_t *b = s1 + SEPLEN;
        size_t bl = left - (size_t)(b - rest);
        const uint8_t *s2 = memmem(b, bl, SEP, SEPLEN);
        in.st[1] = b;
        in.n[1] = s2 ? (size_t)(s2 - b) : bl;
        if (s2) {
            in.sched = s2 + SEPLEN;
            in.nsched = bl - (size_t)(in.sched - b);
        }
    }
    struct run a, b;
    one_run(&in, &a, false);     /* as scheduled */
    one_run(&in, &b, true);      /* every piece cut once more */
    if (getenv("FUZZ_ECHO"))
        fprintf(stderr, "%.*s", (int)a.log.n, a.log.s);
    if (a.log.n != b.log.n || memcmp(a.log.s, b.log.s, a.log.n) != 0) {
        size_t i = 0;
        while (i < a.log.n && i < b.log.n && a.log.s[i] == b.log.s[i])
            i++;
        size_t line = i;
        while (line > 0 && a.log.s[line - 1] != '\n')
            line--;
        int an = (int)(a.log.n - line > 600 ? 600 : a.log.n - line);
        int bn = (int)(b.log.n - line > 600 ? 600 : b.log.n - line);
        fprintf(stderr, "as scheduled:\n%.*s\ncut once more:\n%.*s\n", an, a.log.s + line, bn,
                b.log.s + line);
        FZ_CHECK(false, "the events depend on how the bytes were cut (at byte %zu of the log)", i);
    }
    free(a.log.s);
    free(b.log.s);
    return 0;
}
