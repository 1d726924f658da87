/* h2dump.c - the HTTP/2 engine (decode/h2.c) over the TCP connections of a
 * capture, for tests/e2e/h2_tshark.py (which compares it with tshark) and for
 * timing the engine
 *
 *   h2dump FILE          one tab-separated line per event (below)
 *   h2dump --bench N FILE  read the capture once into memory, then run the
 *                        engine N times over every HTTP/2 connection's bytes
 *                        with a sink that only counts; print MB/s
 *
 * A connection is HTTP/2 when the client's first bytes are the preface
 * (prior knowledge), or when its first request asks "Upgrade: h2c" and the
 * server answers 101 (the request's HTTP2-Settings go to the engine; the
 * request has no body: the tests send none). Others are left out.
 *
 * Lines (fields tab-separated; conn is the tracer's connection number):
 *   frame  conn dir stream TYPE length flags(hex) flag-names pad content error_code
 *          first_capture_frame
 *   block  conn dir stream kind promised method path authority status hpack decoded
 *   field  conn dir stream n name value representation index  (each field of a block,
 *          in wire order; tab, newline and backslash escaped as \t \n \\)
 *   stream conn id open|end how error_code c2s_data s2c_data
 *   note   conn dir kind/problem detail
 *   counts conn streams max_open frames-by-type...
 * Empty fields are "-".
 */
#include "../../decode/h2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define SNIFF_MAX 65536          /* bytes held while deciding what a connection is */

/* one connection's bytes as the tracer gave them, for --bench */
struct piece {
    int dir;
    size_t at, len;              /* in the direction's buffer */
    uint64_t frame;
};

struct conn {
    uint64_t id;
    struct dec_h2 *h2;
    bool decided, skip;
    uint8_t *buf[2];             /* bytes held (sniffing; all of them for --bench) */
    size_t len[2], cap[2];
    uint64_t base[2];            /* stream offset of buf[d][0] */
    uint64_t h2_start[2];        /* where HTTP/2 begins in each direction */
    char *settings;              /* Upgrade: HTTP2-Settings */
    enum dec_h2_start start;
    bool upgrade_wait;           /* the request asked for h2c: waiting for the 101 */
    struct piece *pieces;
    size_t npieces, pcap;
};

static bool bench;
static uint64_t h2_conns;

static void put(struct conn *c, int d, const uint8_t *p, size_t n)
{
    if (c->len[d] + n > c->cap[d]) {
        c->cap[d] = (c->len[d] + n) * 2;
        c->buf[d] = realloc(c->buf[d], c->cap[d]);
        if (!c->buf[d])
            abort();
    }
    memcpy(c->buf[d] + c->len[d], p, n);
    c->len[d] += n;
}

static void str_or_dash(struct dec_str s)
{
    if (s.p && s.len)
        printf("\t%.*s", (int)s.len, s.p);
    else
        printf("\t-");
}

/* ------------------------------------------------------------ the sink -- */

static uint64_t cur_conn;

static void ev_frame(void *ctx, const struct dec_h2_frame *f)
{
    (void)ctx;
    const char *tn = dec_h2_type_name(f->type);
    const char *fl[8];
    size_t nf = dec_h2_flag_names(f->type, f->flags, fl, 8);
    printf("frame\t%llu\t%s\t%u\t", (unsigned long long)cur_conn, f->dir ? "s2c" : "c2s",
           f->stream);
    if (tn)
        printf("%s", tn);
    else
        printf("0x%02x", f->type);
    printf("\t%u\t0x%02x\t", f->length, f->flags);
    for (size_t i = 0; i < nf; i++)
        printf("%s%s", i ? "|" : "", fl[i]);
    printf("%s\t%u\t%u\t", nf ? "" : "-", f->pad_length, f->content_length);
    if (f->type == DEC_H2_RST_STREAM || f->type == DEC_H2_GOAWAY) {
        const char *en = dec_h2_error_name(f->error_code);
        if (en)
            printf("%s", en);
        else
            printf("0x%x", f->error_code);
    } else {
        printf("-");
    }
    printf("\t%llu\n", f->nframes ? (unsigned long long)f->frames[0] : 0ULL);
}

static void esc(struct dec_str s)
{
    putchar('\t');
    if (!s.p) {
        putchar('?');
        return;
    }
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (c == '\t' || c == '\n' || c == '\\')
            printf("\\%c", c == '\t' ? 't' : c == '\n' ? 'n' : '\\');
        else
            putchar(c);
    }
}

static void fields(const struct dec_h2_block *b, const struct dec_hpack_field *f, size_t n,
                   size_t *k)
{
    for (size_t i = 0; i < n; i++, (*k)++) {
        printf("field\t%llu\t%s\t%u\t%zu", (unsigned long long)cur_conn,
               b->dir ? "s2c" : "c2s", b->stream, *k);
        esc(f[i].name);
        esc(f[i].value);
        printf("\t%s\t%u\n", dec_hpack_rep_name(f[i].rep), f[i].index);
    }
}

static void ev_block(void *ctx, const struct dec_h2_block *b)
{
    (void)ctx;
    printf("block\t%llu\t%s\t%u\t%s%s\t%u", (unsigned long long)cur_conn, b->dir ? "s2c" : "c2s",
           b->stream, dec_h2_block_name(b->kind), b->interim ? "-interim" : "",
           b->promised_stream);
    str_or_dash(b->method);
    str_or_dash(b->path);
    str_or_dash(b->authority);
    str_or_dash(b->status_text);
    printf("\t%llu\t%lld\n", (unsigned long long)b->hpack_length, (long long)b->decoded_length);
    size_t k = 0;
    fields(b, b->pseudo, b->npseudo, &k);
    fields(b, b->fields, b->nfields, &k);
}

static void ev_stream(void *ctx, const struct dec_h2_stream *s)
{
    (void)ctx;
    if (s->event == DEC_H2_STREAM_OPEN) {
        printf("stream\t%llu\t%u\topen\t%s\t-\t-\t-\n", (unsigned long long)cur_conn, s->id,
               s->pushed ? "pushed" : s->upgraded ? "upgraded" : s->adopted ? "adopted" : "new");
        return;
    }
    const char *en = dec_h2_error_name(s->error_code);
    printf("stream\t%llu\t%u\tend\t%s\t%s\t%llu\t%llu\n", (unsigned long long)cur_conn, s->id,
           dec_h2_end_name(s->how),
           s->how == DEC_H2_END_RST_STREAM || s->how == DEC_H2_END_GOAWAY ? (en ? en : "?") : "-",
           (unsigned long long)s->data_bytes[0], (unsigned long long)s->data_bytes[1]);
}

static void ev_note(void *ctx, const struct dec_h2_note *n)
{
    (void)ctx;
    printf("note\t%llu\t%s\t%s/%s\t%s\n", (unsigned long long)cur_conn, n->dir ? "s2c" : "c2s",
           dec_h2_note_name(n->kind), dec_h2_problem_name(n->problem), n->detail);
}

/* --bench: count, touch nothing more */
struct counter {
    uint64_t frames, blocks, data, notes;
};

static void cnt_frame(void *ctx, const struct dec_h2_frame *f)
{
    (void)f;
    ((struct counter *)ctx)->frames++;
}

static void cnt_block(void *ctx, const struct dec_h2_block *b)
{
    (void)b;
    ((struct counter *)ctx)->blocks++;
}

static void cnt_data(void *ctx, const struct dec_h2_data *d)
{
    ((struct counter *)ctx)->data += d->len;
}

static void cnt_note(void *ctx, const struct dec_h2_note *n)
{
    (void)n;
    ((struct counter *)ctx)->notes++;
}

static const struct dec_h2_sink print_sink = {NULL, NULL, ev_frame, ev_block, NULL, ev_stream,
                                              ev_note};

/* -------------------------------------------------------- finding HTTP/2 -- */

static const char *find_head_end(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 3 < n; i++)
        if (memcmp(p + i, "\r\n\r\n", 4) == 0)
            return (const char *)p + i + 4;
    return NULL;
}

/* the value of header `name` in an HTTP/1.1 head, or NULL */
static char *header_value(const char *head, size_t len, const char *name)
{
    size_t nl = strlen(name);
    for (const char *p = head; p && p < head + len;) {
        const char *eol = memchr(p, '\n', (size_t)(head + len - p));
        if (!eol)
            break;
        if ((size_t)(eol - p) > nl + 1 && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1, *e = eol;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            while (e > v && (e[-1] == '\r' || e[-1] == ' '))
                e--;
            return strndup(v, (size_t)(e - v));
        }
        p = eol + 1;
    }
    return NULL;
}

static void start_engine(struct conn *c)
{
    struct dec_h2_opts o = {.start = c->start, .http2_settings = c->settings,
                            .http2_settings_len = c->settings ? strlen(c->settings) : 0};
    c->decided = true;
    h2_conns++;
    if (bench)
        return;  /* the bytes are replayed later */
    cur_conn = c->id;
    c->h2 = dec_h2_new(&o, &print_sink);
}

/* Decide from the bytes held: 1 HTTP/2, 0 not yet, -1 not HTTP/2. */
static int decide(struct conn *c)
{
    const uint8_t *p = c->buf[0];
    size_t n = c->len[0];
    if (!c->upgrade_wait) {
        int m = dec_h2_match_preface(p, n);
        if (m == DEC_INCOMPLETE)
            return 0;
        if (m > 0) {
            c->start = DEC_H2_START_PREFACE;
            return 1;
        }
        const char *end = find_head_end(p, n);
        if (!end)
            return n < SNIFF_MAX ? 0 : -1;
        char *up = header_value((const char *)p, (size_t)(end - (const char *)p), "Upgrade");
        bool h2c = up && strcasecmp(up, "h2c") == 0;
        free(up);
        if (!h2c)
            return -1;
        c->settings = header_value((const char *)p, (size_t)(end - (const char *)p),
                                   "HTTP2-Settings");
        c->h2_start[0] = (uint64_t)(end - (const char *)p);
        c->upgrade_wait = true;
    }
    const char *end = find_head_end(c->buf[1], c->len[1]);
    if (!end)
        return c->len[1] < SNIFF_MAX ? 0 : -1;
    if (c->len[1] < 12 || memcmp(c->buf[1], "HTTP/1.1 101", 12) != 0)
        return -1;
    c->h2_start[1] = (uint64_t)(end - (const char *)c->buf[1]);
    c->start = DEC_H2_START_UPGRADE;
    return 1;
}

/* ----------------------------------------------------- the tracer's sink -- */

static void t_conn(void *ctx, struct tr_conn *tc)
{
    (void)ctx;
    struct conn *c = calloc(1, sizeof *c);
    c->id = tc->id;
    tc->user = c;
}

static void feed_engine(struct conn *c, int d, uint64_t off, const uint8_t *p, size_t n,
                        uint64_t frame, tr_time ts)
{
    if (off + n <= c->h2_start[d])
        return;
    if (off < c->h2_start[d]) {
        p += c->h2_start[d] - off;
        n -= (size_t)(c->h2_start[d] - off);
        off = c->h2_start[d];
    }
    if (bench) {
        if (c->npieces == c->pcap) {
            c->pcap = c->pcap ? c->pcap * 2 : 64;
            c->pieces = realloc(c->pieces, c->pcap * sizeof *c->pieces);
        }
        c->pieces[c->npieces++] = (struct piece){d, c->len[d], n, frame};
        put(c, d, p, n);
        return;
    }
    cur_conn = c->id;
    dec_h2_feed(c->h2, (enum tr_dir)d, off - c->h2_start[d], p, n, &frame, 1, ts);
}

static void t_data(void *ctx, struct tr_conn *tc, enum tr_dir dir, uint64_t off,
                   const uint8_t *data, size_t len, uint64_t frame, tr_time ts)
{
    (void)ctx;
    struct conn *c = tc->user;
    int d = (int)dir;
    if (c->skip)
        return;
    if (c->decided) {
        feed_engine(c, d, off, data, len, frame, ts);
        return;
    }
    put(c, d, data, len);
    int r = decide(c);
    if (r < 0) {
        c->skip = true;
        return;
    }
    if (r == 0)
        return;
    start_engine(c);
    /* what was held, then nothing twice */
    uint8_t *held[2] = {c->buf[0], c->buf[1]};
    size_t hl[2] = {c->len[0], c->len[1]};
    c->buf[0] = c->buf[1] = NULL;
    c->len[0] = c->len[1] = c->cap[0] = c->cap[1] = 0;
    for (int k = 0; k < 2; k++)
        if (hl[k])
            feed_engine(c, k, 0, held[k], hl[k], frame, ts);
    free(held[0]);
    free(held[1]);
}

static void t_gap(void *ctx, struct tr_conn *tc, enum tr_dir dir, uint64_t off, uint64_t len,
                  uint64_t frame, tr_time ts)
{
    (void)ctx;
    struct conn *c = tc->user;
    if (c->h2 && off >= c->h2_start[dir]) {
        cur_conn = c->id;
        dec_h2_gap(c->h2, dir, off - c->h2_start[dir], len, frame, ts);
    }
}

static void t_fin(void *ctx, struct tr_conn *tc, enum tr_dir dir, uint64_t frame, tr_time ts)
{
    (void)ctx;
    struct conn *c = tc->user;
    if (c->h2) {
        cur_conn = c->id;
        dec_h2_end(c->h2, dir, frame, ts);
    }
}

static struct conn **kept;
static size_t nkept, capkept;

static void t_close(void *ctx, struct tr_conn *tc)
{
    (void)ctx;
    struct conn *c = tc->user;
    tc->user = NULL;
    if (c->h2) {
        cur_conn = c->id;
        dec_h2_finish(c->h2, tc->close_how != TR_CLOSE_END, tc->last_frame, tc->last_ts);
        struct dec_h2_counts k;
        dec_h2_counts(c->h2, &k);
        printf("counts\t%llu\t%llu\t%llu", (unsigned long long)c->id,
               (unsigned long long)k.streams, (unsigned long long)k.max_open);
        for (int t = 0; t < DEC_H2_TYPE_COUNT; t++)
            printf("\t%s=%llu", dec_h2_type_name((unsigned)t), (unsigned long long)k.frames[t]);
        printf("\n");
        dec_h2_free(c->h2);
    }
    if (bench && c->decided && !c->skip) {
        if (nkept == capkept) {
            capkept = capkept ? capkept * 2 : 16;
            kept = realloc(kept, capkept * sizeof *kept);
        }
        kept[nkept++] = c;
        return;
    }
    free(c->buf[0]);
    free(c->buf[1]);
    free(c->settings);
    free(c->pieces);
    free(c);
}

/* CPU seconds of this process: steadier than the wall clock on a busy machine */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void run_bench(int rounds)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < nkept; i++)
        bytes += kept[i]->len[0] + kept[i]->len[1];
    struct counter cnt = {0};
    struct dec_h2_sink sink = {&cnt, NULL, cnt_frame, cnt_block, cnt_data, NULL, cnt_note};
    double t0 = now();
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < nkept; i++) {
            struct conn *c = kept[i];
            struct dec_h2_opts o = {.start = c->start, .http2_settings = c->settings,
                                    .http2_settings_len = c->settings ? strlen(c->settings) : 0};
            struct dec_h2 *h = dec_h2_new(&o, &sink);
            uint64_t off[2] = {0, 0};
            for (size_t k = 0; k < c->npieces; k++) {
                const struct piece *p = &c->pieces[k];
                dec_h2_feed(h, (enum tr_dir)p->dir, off[p->dir], c->buf[p->dir] + p->at, p->len,
                            &p->frame, 1, 0);
                off[p->dir] += p->len;
            }
            dec_h2_finish(h, true, 0, 0);
            dec_h2_free(h);
        }
    double dt = now() - t0;
    printf("bench: %zu HTTP/2 connections, %llu bytes, %d rounds: %.3f s CPU, %.1f MB/s "
           "(%llu frames, %llu header blocks, %llu DATA bytes, %llu notes per round)\n",
           nkept, (unsigned long long)bytes, rounds, dt, (double)bytes * rounds / dt / 1e6,
           (unsigned long long)(cnt.frames / (uint64_t)rounds),
           (unsigned long long)(cnt.blocks / (uint64_t)rounds),
           (unsigned long long)(cnt.data / (uint64_t)rounds),
           (unsigned long long)(cnt.notes / (uint64_t)rounds));
}

int main(int argc, char **argv)
{
    int rounds = 0;
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "--bench") == 0) {
        bench = true;
        rounds = atoi(argv[a + 1]);
        a += 2;
    }
    if (a + 1 != argc || (bench && rounds <= 0)) {
        fprintf(stderr, "usage: h2dump [--bench ROUNDS] FILE\n");
        return 1;
    }
    char err[TR_ERRBUF_SIZE];
    struct tr_capture *cap;
    struct tr_capture_opts co = {.file = argv[a]};
    if (tr_capture_open(&cap, &co, err) != 0) {
        fprintf(stderr, "h2dump: %s\n", err);
        return 2;
    }
    struct tr_sink sink = {.on_conn = t_conn, .on_data = t_data, .on_gap = t_gap,
                           .on_fin = t_fin, .on_close = t_close};
    static const uint16_t ports[] = {80, 443, 8080};
    struct tr_table_opts to = {.server_ports = ports, .nserver_ports = 3};
    struct tr_table *t = tr_table_new(&to, &sink);
    double t0 = now();
    struct tr_frame f;
    int rc;
    while ((rc = tr_capture_next(cap, &f, err)) == TR_NEXT_FRAME)
        tr_table_frame(t, &f);
    tr_table_finish(t);
    double dt = now() - t0;
    tr_table_free(t);
    tr_capture_close(cap);
    if (rc == TR_NEXT_ERROR) {
        fprintf(stderr, "h2dump: %s\n", err);
        return 2;
    }
    if (bench) {
        printf("read: %.3f s CPU (capture, TCP reassembly, %llu HTTP/2 connections kept)\n", dt,
               (unsigned long long)h2_conns);
        run_bench(rounds);
        for (size_t i = 0; i < nkept; i++) {
            free(kept[i]->buf[0]);
            free(kept[i]->buf[1]);
            free(kept[i]->settings);
            free(kept[i]->pieces);
            free(kept[i]);
        }
        free(kept);
    }
    return 0;
}
