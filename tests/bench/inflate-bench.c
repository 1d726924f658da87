/*
 * inflate-bench.c - streaming inflate libraries on the response bodies of a
 * capture: zlib against ISA-L's igzip (isal_inflate), same bodies, same run,
 * interleaved round-robin.
 *
 *   inflate-bench extract CAPTURE BODIES   the gzip and deflate response bodies
 *                                          of CAPTURE (whole ones, as sent, chunk
 *                                          framing undone) into the file BODIES
 *   inflate-bench run [-n ROUNDS] [-s SEG] BODIES
 *                                          decode them all with each library,
 *                                          ROUNDS times (default 7), fed SEG
 *                                          bytes at a time (default 1448, a TCP
 *                                          segment's payload at MTU 1500, as
 *                                          decode/content.c is fed), into a
 *                                          16 KiB output buffer (its SCRATCH)
 *
 * Prints, per library, the median over the rounds of the decompressed MB/s
 * by process CPU time (robust to other programs on the machine) and by wall
 * time, and checks every body's decoded length and CRC-32 agree.
 * BODIES holds records: a byte (1 gzip, 2 deflate), a 32-bit little-endian
 * length, the bytes.
 * Build: make inflate-bench (links ../../build/libhttpstep.a for extract;
 * ISA-L when pkg-config finds libisal).
 */
#include "../../decode/decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

#define OUTBUF 16384

enum { B_GZIP = 1, B_DEFLATE = 2 };

struct body {
    uint8_t kind;
    uint8_t *data;
    uint32_t len;
    uint64_t want_len;       /* decoded length (zlib's, the reference) */
    uint32_t want_crc;
};

/* ------------------------------------------------------------- extract -- */

struct extract {
    FILE *out;
    uint64_t n, bytes, skipped;
};

static void on_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    (void)c;
    struct extract *e = ctx;
    if (s->kind != DEC_STAGE_RESPONSE_BODY || !s->msg || !s->msg->content_encoding.p)
        return;
    struct dec_str ce = s->msg->content_encoding;
    uint8_t kind = dec_str_eq_ci(ce, "gzip") || dec_str_eq_ci(ce, "x-gzip") ? B_GZIP
                   : dec_str_eq_ci(ce, "deflate")                           ? B_DEFLATE
                                                                            : 0;
    if (!kind)
        return;
    if (!s->msg->complete || s->preview_len != s->msg->body_length || s->preview_len == 0 ||
        s->preview_len > UINT32_MAX) {
        e->skipped++;
        return;
    }
    uint8_t hdr[5] = {kind, (uint8_t)s->preview_len, (uint8_t)(s->preview_len >> 8),
                      (uint8_t)(s->preview_len >> 16), (uint8_t)(s->preview_len >> 24)};
    fwrite(hdr, 1, 5, e->out);
    fwrite(s->preview, 1, s->preview_len, e->out);
    e->n++;
    e->bytes += s->preview_len;
}

static int extract(const char *capture, const char *path)
{
    struct extract e = {fopen(path, "wb"), 0, 0, 0};
    if (!e.out) {
        perror(path);
        return 1;
    }
    struct dec_sink sink = {.ctx = &e, .on_stage = on_stage};
    struct dec_pipeline_opts po = {.file = capture, .preview = 16u << 20};
    struct dec_pipeline *p;
    char err[TR_ERRBUF_SIZE];
    if (dec_pipeline_open(&p, &po, &sink, err) != DEC_PIPE_OK) {
        fprintf(stderr, "inflate-bench: %s\n", err);
        return 1;
    }
    enum dec_pipe_step st;
    while ((st = dec_pipeline_next(p)) == DEC_PIPE_FRAME)
        ;
    if (st == DEC_PIPE_ERROR)
        fprintf(stderr, "inflate-bench: %s\n", dec_pipeline_error(p));
    dec_pipeline_close(p);
    if (fclose(e.out) != 0) {
        perror(path);
        return 1;
    }
    printf("%llu bodies, %llu compressed bytes (%llu incomplete ones left out)\n",
           (unsigned long long)e.n, (unsigned long long)e.bytes, (unsigned long long)e.skipped);
    return st == DEC_PIPE_ERROR;
}

/* ---------------------------------------------------------------- load -- */

static struct body *load(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 0;
    struct body *b = NULL;
    *n = 0;
    uint8_t hdr[5];
    while (fread(hdr, 1, 5, f) == 5) {
        if (*n == cap) {
            cap = cap ? 2 * cap : 1024;
            b = realloc(b, cap * sizeof *b);
        }
        struct body *x = &b[(*n)++];
        x->kind = hdr[0];
        x->len = hdr[1] | (uint32_t)hdr[2] << 8 | (uint32_t)hdr[3] << 16 | (uint32_t)hdr[4] << 24;
        x->data = malloc(x->len);
        if (!b || !x->data || fread(x->data, 1, x->len, f) != x->len) {
            fprintf(stderr, "inflate-bench: '%s' is cut short or memory ran out\n", path);
            exit(1);
        }
    }
    fclose(f);
    return b;
}

/* ------------------------------------------------------------ decoders -- */

/* decode one body fed seg bytes at a time; returns the decoded length (-1:
 * bad data) and its CRC-32 */
typedef int64_t (*decode_fn)(const struct body *b, size_t seg, uint8_t *out, uint32_t *crc);

static int64_t with_zlib(const struct body *b, size_t seg, uint8_t *out, uint32_t *crc)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    int wbits = 15 + 16;
    if (b->kind == B_DEFLATE)
        wbits = b->len >= 2 && (b->data[0] & 0x0f) == 8 && ((b->data[0] << 8) | b->data[1]) % 31 == 0
                    ? 15
                    : -15;
    if (inflateInit2(&z, wbits) != Z_OK)
        return -1;
    int64_t total = 0;
    uint32_t c = crc32(0, NULL, 0);
    int rc = Z_OK;
    for (size_t at = 0; at < b->len && rc != Z_STREAM_END; at += seg) {
        z.next_in = b->data + at;
        z.avail_in = (uInt)(b->len - at < seg ? b->len - at : seg);
        do {
            z.next_out = out;
            z.avail_out = OUTBUF;
            rc = inflate(&z, Z_NO_FLUSH);
            size_t got = OUTBUF - z.avail_out;
            total += (int64_t)got;
            c = crc32(c, out, (uInt)got);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                inflateEnd(&z);
                return -1;
            }
        } while (z.avail_out == 0 && rc != Z_STREAM_END);
    }
    inflateEnd(&z);
    *crc = c;
    return rc == Z_STREAM_END ? total : -1;
}

#ifdef HAVE_ISAL
static int64_t with_isal(const struct body *b, size_t seg, uint8_t *out, uint32_t *crc)
{
    static struct inflate_state st;   /* ~ 90 KiB: not on the stack */
    isal_inflate_init(&st);
    st.crc_flag = ISAL_GZIP;
    if (b->kind == B_DEFLATE)
        st.crc_flag = b->len >= 2 && (b->data[0] & 0x0f) == 8 &&
                              ((b->data[0] << 8) | b->data[1]) % 31 == 0
                          ? ISAL_ZLIB
                          : ISAL_DEFLATE;
    int64_t total = 0;
    uint32_t c = crc32(0, NULL, 0);
    for (size_t at = 0; at < b->len && st.block_state != ISAL_BLOCK_FINISH; at += seg) {
        st.next_in = b->data + at;
        st.avail_in = (uint32_t)(b->len - at < seg ? b->len - at : seg);
        do {
            st.next_out = out;
            st.avail_out = OUTBUF;
            int rc = isal_inflate(&st);
            size_t got = OUTBUF - st.avail_out;
            total += (int64_t)got;
            c = crc32(c, out, (uInt)got);
            if (rc < 0)
                return -1;
        } while (st.avail_out == 0 && st.block_state != ISAL_BLOCK_FINISH);
    }
    *crc = c;
    return st.block_state == ISAL_BLOCK_FINISH ? total : -1;
}
#endif

struct lib {
    const char *name;
    decode_fn fn;
};

static const struct lib libs[] = {
    {"zlib " ZLIB_VERSION, with_zlib},
#ifdef HAVE_ISAL
    {"ISA-L igzip (isal_inflate)", with_isal},
#endif
};
#define NLIBS (sizeof libs / sizeof libs[0])

static double secs(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int run(const char *path, int rounds, size_t seg)
{
    size_t n;
    struct body *b = load(path, &n);
    uint8_t *out = malloc(OUTBUF);
    uint64_t in_bytes = 0, out_bytes = 0;
    size_t bad = 0, gz = 0;
    for (size_t i = 0; i < n; i++) {
        in_bytes += b[i].len;
        gz += b[i].kind == B_GZIP;
        int64_t r = with_zlib(&b[i], 1u << 30, out, &b[i].want_crc);
        b[i].want_len = r < 0 ? 0 : (uint64_t)r;
        bad += r < 0;
        out_bytes += b[i].want_len;
    }
    printf("%zu bodies (%zu gzip, %zu deflate; %zu bad for zlib), %.1f MB compressed, "
           "%.1f MB decoded; fed %zu bytes at a time, %d rounds\n\n",
           n, gz, n - gz, bad, in_bytes / 1e6, out_bytes / 1e6, seg, rounds);
    double cpu[NLIBS][64], wall[NLIBS][64];
    if (rounds > 64)
        rounds = 64;
    for (int r = 0; r < rounds; r++)
        for (size_t l = 0; l < NLIBS; l++) {
            double c0 = secs(CLOCK_PROCESS_CPUTIME_ID), w0 = secs(CLOCK_MONOTONIC);
            for (size_t i = 0; i < n; i++) {
                uint32_t crc;
                int64_t got = libs[l].fn(&b[i], seg, out, &crc);
                if (b[i].want_len && (got != (int64_t)b[i].want_len || crc != b[i].want_crc)) {
                    fprintf(stderr, "inflate-bench: %s disagrees with zlib on body %zu\n",
                            libs[l].name, i);
                    return 1;
                }
            }
            cpu[l][r] = secs(CLOCK_PROCESS_CPUTIME_ID) - c0;
            wall[l][r] = secs(CLOCK_MONOTONIC) - w0;
        }
    printf("| library | median CPU s | MB/s decoded (CPU) | median wall s | MB/s (wall) | "
           "vs zlib (CPU) |\n|---|---:|---:|---:|---:|---:|\n");
    double base = 0;
    for (size_t l = 0; l < NLIBS; l++) {
        double c = median(cpu[l], (size_t)rounds), w = median(wall[l], (size_t)rounds);
        if (l == 0)
            base = c;
        printf("| %s | %.3f | %.0f | %.3f | %.0f | %.2fx |\n", libs[l].name, c,
               out_bytes / 1e6 / c, w, out_bytes / 1e6 / w, base / c);
    }
    for (size_t i = 0; i < n; i++)
        free(b[i].data);
    free(b);
    free(out);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "extract") == 0)
        return extract(argv[2], argv[3]);
    if (argc >= 3 && strcmp(argv[1], "run") == 0) {
        int rounds = 7, opt;
        size_t seg = 1448;
        optind = 2;
        while ((opt = getopt(argc, argv, "n:s:")) != -1) {
            if (opt == 'n')
                rounds = atoi(optarg);
            else if (opt == 's')
                seg = (size_t)strtoul(optarg, NULL, 10);
            else
                goto usage;
        }
        if (optind != argc - 1 || rounds < 1 || seg < 1)
            goto usage;
        return run(argv[optind], rounds, seg);
    }
usage:
    fprintf(stderr, "usage: inflate-bench extract CAPTURE BODIES\n"
                    "       inflate-bench run [-n ROUNDS] [-s SEGMENT] BODIES\n");
    return 2;
}
