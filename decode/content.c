/* content.c - content decoding of message bodies with zlib (or ISA-L's
 * igzip) and brotli: gzip and x-gzip (RFC 1952), deflate (RFC 9110 8.4.1.2:
 * zlib-wrapped, RFC 1950, though many servers send raw RFC 1951 data), br
 * (RFC 7932), and lists of them, undone in reverse order of application
 *
 * Inflate is ISA-L's isal_inflate when the build finds libisal (HTTPSTEP_ISAL,
 * the Makefile's INFLATE=isal): 2.3x zlib's speed on the bodies of the
 * benchmark capture fed a segment at a time (tests/bench/inflate-bench.c);
 * zlib otherwise. Both stream, both put out SCRATCH bytes per call, so the
 * bomb cap below cuts at the same byte either way.
 */
#include "decode.h"

#include <brotli/decode.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef HTTPSTEP_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

#define MAX_LAYERS 4
#define SCRATCH 16384     /* output bytes per call into a layer's decoder */
#define ISAL_CHUNK 4096   /* ISA-L: compressed bytes per call (see inflate_feed) */

enum coding { C_GZIP, C_DEFLATE, C_BR };
enum wrap { W_GZIP, W_ZLIB, W_RAW };   /* what wraps the deflate data */

struct layer {
    enum coding coding;
    bool started;          /* the stream is set up (deflate: after 2 bytes) */
    bool done;             /* the stream ended */
    uint8_t peek[3];       /* deflate: the first 2 bytes, to tell zlib from raw;
                            * gzip with ISA-L: the first 3, checked as zlib does */
    size_t npeek;
#ifdef HTTPSTEP_ISAL
    struct inflate_state *isal;   /* ~90 KiB: on the heap, made when started */
    uint8_t *stage;               /* ISAL_CHUNK bytes: the chunk being gathered */
    size_t nstage;
#else
    z_stream z;
#endif
    BrotliDecoderState *br;
    uint8_t *out;          /* SCRATCH bytes on the heap: layers nest, so no stack buffers */
};

struct dec_content {
    int nlayers;
    struct layer layers[MAX_LAYERS]; /* [0] undoes the last coding applied */
    bool bad;
    const char *why;
    uint64_t out_len;
    uint64_t in_len, work;           /* compressed bytes fed; bytes every layer put out */
    uint8_t *kept;                   /* the first decoded bytes, grown as they come */
    size_t kept_len, kept_cap;       /* kept_cap: how many to keep at most */
    size_t kept_cap_used;            /* the allocation's size */
};

static bool parse_coding(const char *s, size_t n, enum coding *c, bool *identity)
{
    *identity = false;
    if ((n == 4 && strncasecmp(s, "gzip", 4) == 0) || (n == 6 && strncasecmp(s, "x-gzip", 6) == 0))
        *c = C_GZIP;
    else if (n == 7 && strncasecmp(s, "deflate", 7) == 0)
        *c = C_DEFLATE;
    else if (n == 2 && strncasecmp(s, "br", 2) == 0)
        *c = C_BR;
    else if (n == 8 && strncasecmp(s, "identity", 8) == 0)
        *identity = true;
    else
        return false;
    return true;
}

struct dec_content *dec_content_new(const char *coding, size_t len, bool *unknown)
{
    enum coding list[MAX_LAYERS];
    int n = 0;
    *unknown = false;
    size_t i = 0;
    while (i < len) {
        while (i < len && (coding[i] == ' ' || coding[i] == '\t' || coding[i] == ','))
            i++;
        size_t s = i;
        while (i < len && coding[i] != ',' && coding[i] != ' ' && coding[i] != '\t')
            i++;
        if (i == s)
            break;
        enum coding c;
        bool identity;
        if (!parse_coding(coding + s, i - s, &c, &identity) || n == MAX_LAYERS) {
            *unknown = true;
            return NULL;
        }
        if (!identity)
            list[n++] = c;
    }
    if (n == 0)
        return NULL;
    struct dec_content *dc = tr_xcalloc(1, sizeof *dc);
    dc->nlayers = n;
    for (int k = 0; k < n; k++)
        dc->layers[k].coding = list[n - 1 - k];
    return dc;
}

void dec_content_keep(struct dec_content *dc, size_t cap)
{
    dc->kept_cap = cap;
}

const uint8_t *dec_content_kept(const struct dec_content *dc, size_t *len)
{
    *len = dc->kept_len;
    return dc->kept;
}

uint8_t *dec_content_take_kept(struct dec_content *dc, size_t *len)
{
    uint8_t *p = dc->kept;
    *len = dc->kept_len;
    dc->kept = NULL;
    dc->kept_len = dc->kept_cap_used = 0;
    return p;
}

uint64_t dec_content_produced(const struct dec_content *dc)
{
    return dc->out_len;
}

static void out_final(struct dec_content *dc, const uint8_t *p, size_t n)
{
    dc->out_len += n;
    if (dc->kept_len < dc->kept_cap) {
        size_t take = dc->kept_cap - dc->kept_len;
        if (take > n)
            take = n;
        /* grow with what comes: most bodies are far below the cap */
        tr_xgrow(&dc->kept, &dc->kept_cap_used, dc->kept_len + take, 1);
        memcpy(dc->kept + dc->kept_len, p, take);
        dc->kept_len += take;
    }
}

static void fail(struct dec_content *dc, const char *why)
{
    if (!dc->bad) {
        dc->bad = true;
        dc->why = why;
    }
}

static void layer_feed(struct dec_content *dc, int k, const uint8_t *in, size_t n);

static void emit(struct dec_content *dc, int k, const uint8_t *p, size_t n)
{
    if (n == 0)
        return;
    dc->work += n;
    if (dc->work > dc->in_len * DEC_CONTENT_MAX_RATIO + DEC_CONTENT_RATIO_SLACK) {
        fail(dc, "it grows past 2048 times its compressed size (a decompression bomb?)");
        return;
    }
    if (k + 1 < dc->nlayers)
        layer_feed(dc, k + 1, p, n);
    else
        out_final(dc, p, n);
}

#ifndef HTTPSTEP_ISAL
/* ------------------------------------------------------------- zlib -- */

static bool inflate_start(struct dec_content *dc, struct layer *l, enum wrap w)
{
    memset(&l->z, 0, sizeof l->z);
    if (inflateInit2(&l->z, w == W_GZIP ? 15 + 16 : w == W_ZLIB ? 15 : -15) != Z_OK) {
        fail(dc, "zlib could not start");
        return false;
    }
    l->started = true;
    return true;
}

static void inflate_feed(struct dec_content *dc, int k, const uint8_t *in, size_t n)
{
    struct layer *l = &dc->layers[k];
    if (!l->out)
        l->out = tr_xmalloc(SCRATCH);
    uint8_t *out = l->out;
    while (n > 0 && !dc->bad) {
        if (l->done)
            return;  /* bytes after the end of the stream are ignored, as zlib's
                      * own tools (and Python's zlib.decompress) ignore them */
        uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
        l->z.next_in = (Bytef *)in;
        l->z.avail_in = chunk;
        int rc;
        do {
            l->z.next_out = out;
            l->z.avail_out = SCRATCH;
            rc = inflate(&l->z, Z_NO_FLUSH);
            /* what was decoded before an error is kept, however the input was cut */
            emit(dc, k, out, SCRATCH - l->z.avail_out);
            if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
                fail(dc, l->z.msg ? l->z.msg : "corrupt compressed data");
                return;
            }
            if (rc == Z_STREAM_END) {
                l->done = true;
                break;
            }
        } while (l->z.avail_out == 0 && !dc->bad);
        size_t used = chunk - l->z.avail_in;
        if (used == 0 && !l->done)
            break;
        in += used;
        n -= used;
    }
}

static void inflate_end(struct layer *l)
{
    if (l->started)
        inflateEnd(&l->z);
}

#else
/* ----------------------------------------------------- ISA-L igzip -- */

/* isal_inflate's errors in zlib's words, so notes read the same whichever
 * library the build found */
static const char *isal_why(int rc)
{
    switch (rc) {
    case ISAL_INVALID_WRAPPER:
        return "incorrect header check";
    case ISAL_UNSUPPORTED_METHOD:
        return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM:
        return "incorrect data check";
    case ISAL_INVALID_BLOCK:
        return "invalid block type";
    case ISAL_INVALID_SYMBOL:
        return "invalid literal/length or distance code";
    case ISAL_INVALID_LOOKBACK:
        return "invalid distance too far back";
    default:   /* ISAL_NEED_DICT (zlib: Z_NEED_DICT, no message) and others */
        return "corrupt compressed data";
    }
}

static bool inflate_start(struct dec_content *dc, struct layer *l, enum wrap w)
{
    (void)dc;
    l->isal = tr_xcalloc(1, sizeof *l->isal);
    isal_inflate_init(l->isal);
    /* the wrapper's checksum is verified as zlib verifies it */
    l->isal->crc_flag = w == W_GZIP ? ISAL_GZIP : w == W_ZLIB ? ISAL_ZLIB : ISAL_DEFLATE;
    l->started = true;
    return true;
}

/* One chunk into isal_inflate, all of it taken (ISA-L keeps what it cannot
 * use yet). The output of a call that fails is dropped: on an invalid
 * distance ISA-L 2.30 has already moved its output past the bad copy, up to
 * 258 bytes of its own buffer that were never decoded. */
static void isal_run(struct dec_content *dc, int k, const uint8_t *in, size_t n)
{
    struct layer *l = &dc->layers[k];
    struct inflate_state *st = l->isal;
    st->next_in = (uint8_t *)in;
    st->avail_in = (uint32_t)n;
    for (;;) {
        uint32_t avail_in = st->avail_in;
        st->next_out = l->out;
        st->avail_out = SCRATCH;
        int rc = isal_inflate(st);
        if (rc < 0 || rc == ISAL_NEED_DICT) {
            fail(dc, isal_why(rc));
            return;
        }
        size_t got = SCRATCH - st->avail_out;
        emit(dc, k, l->out, got);
        if (dc->bad)
            return;
        if (st->block_state == ISAL_BLOCK_FINISH) {
            l->done = true;  /* bytes after the end of the stream are ignored (as with zlib) */
            return;
        }
        /* output room left: the input is used up, or nothing moves */
        if (st->avail_out != 0 && (st->avail_in == 0 || (got == 0 && st->avail_in == avail_in)))
            return;
    }
}

/* Compressed bytes go to isal_inflate in chunks of ISAL_CHUNK, however they
 * arrived: what it decodes, also up to an error, does not depend on how the
 * capture cut the body (STYLE.md 6), as with zlib. */
static void inflate_feed(struct dec_content *dc, int k, const uint8_t *in, size_t n)
{
    struct layer *l = &dc->layers[k];
    if (!l->out) {
        l->out = tr_xmalloc(SCRATCH);
        l->stage = tr_xmalloc(ISAL_CHUNK);
    }
    while (n > 0 && !dc->bad && !l->done) {
        if (l->nstage == 0 && n >= ISAL_CHUNK) {
            isal_run(dc, k, in, ISAL_CHUNK);
            in += ISAL_CHUNK;
            n -= ISAL_CHUNK;
            continue;
        }
        size_t take = ISAL_CHUNK - l->nstage < n ? ISAL_CHUNK - l->nstage : n;
        memcpy(l->stage + l->nstage, in, take);
        l->nstage += take;
        in += take;
        n -= take;
        if (l->nstage == ISAL_CHUNK) {
            l->nstage = 0;
            isal_run(dc, k, l->stage, ISAL_CHUNK);
        }
    }
}

/* the end of the body: the last partial chunk */
static void inflate_flush(struct dec_content *dc, int k)
{
    struct layer *l = &dc->layers[k];
    size_t n = l->nstage;
    l->nstage = 0;
    if (n > 0 && !dc->bad && !l->done)
        isal_run(dc, k, l->stage, n);
}

static void inflate_end(struct layer *l)
{
    free(l->isal);
    free(l->stage);
}

/* RFC 1952 2.3.1: ID1 31, ID2 139, CM 8, checked as zlib checks them, on the
 * first bytes: ISA-L waits for the whole 10-byte header before it looks */
static const char *gzip_head_why(const uint8_t *p, size_t n)
{
    if ((n >= 1 && p[0] != 0x1f) || (n >= 2 && p[1] != 0x8b))
        return "incorrect header check";
    if (n >= 3 && p[2] != 8)
        return "unknown compression method";
    return NULL;
}
#endif

static void br_feed(struct dec_content *dc, int k, const uint8_t *in, size_t n)
{
    struct layer *l = &dc->layers[k];
    if (!l->out)
        l->out = tr_xmalloc(SCRATCH);
    uint8_t *out = l->out;
    if (!l->started) {
        l->br = BrotliDecoderCreateInstance(NULL, NULL, NULL);
        if (!l->br) {
            fail(dc, "brotli could not start");
            return;
        }
        l->started = true;
    }
    if (l->done)
        return;
    for (;;) {
        size_t avail_out = SCRATCH;
        uint8_t *next_out = out;
        BrotliDecoderResult r =
            BrotliDecoderDecompressStream(l->br, &n, &in, &avail_out, &next_out, NULL);
        emit(dc, k, out, SCRATCH - avail_out);
        if (r == BROTLI_DECODER_RESULT_ERROR) {
            fail(dc, BrotliDecoderErrorString(BrotliDecoderGetErrorCode(l->br)));
            return;
        }
        if (r == BROTLI_DECODER_RESULT_SUCCESS) {
            l->done = true;
            return;
        }
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT)
            return;
        /* NEEDS_MORE_OUTPUT: loop */
        if (dc->bad)
            return;
    }
}

static void layer_feed(struct dec_content *dc, int k, const uint8_t *in, size_t n)
{
    struct layer *l = &dc->layers[k];
    if (dc->bad)
        return;
    switch (l->coding) {
    case C_GZIP:
        if (!l->started && !inflate_start(dc, l, W_GZIP))
            return;
#ifdef HTTPSTEP_ISAL
        for (size_t i = 0; l->npeek < 3 && i < n; i++)
            l->peek[l->npeek++] = in[i];
        if (gzip_head_why(l->peek, l->npeek)) {
            fail(dc, gzip_head_why(l->peek, l->npeek));
            return;
        }
#endif
        inflate_feed(dc, k, in, n);
        break;
    case C_DEFLATE:
        if (!l->started) {
            /* RFC 1950 2.2: CM 8 and FCHECK make the first two bytes a
             * multiple of 31; otherwise the data is raw deflate */
            while (l->npeek < 2 && n > 0) {
                l->peek[l->npeek++] = *in++;
                n--;
            }
            if (l->npeek < 2)
                return;
            bool zlib = (l->peek[0] & 0x0f) == 8 && ((l->peek[0] << 8) | l->peek[1]) % 31 == 0;
            if (!inflate_start(dc, l, zlib ? W_ZLIB : W_RAW))
                return;
            inflate_feed(dc, k, l->peek, 2);
        }
        inflate_feed(dc, k, in, n);
        break;
    case C_BR:
        br_feed(dc, k, in, n);
        break;
    }
}

bool dec_content_feed(struct dec_content *dc, const uint8_t *data, size_t len)
{
    dc->in_len += len;
    if (!dc->bad && len > 0)
        layer_feed(dc, 0, data, len);
    return !dc->bad;
}

int64_t dec_content_finish(struct dec_content *dc, const char **why)
{
#ifdef HTTPSTEP_ISAL
    /* in order: what a layer's last chunk puts out goes into the next one's */
    for (int k = 0; k < dc->nlayers; k++)
        if (dc->layers[k].coding != C_BR)
            inflate_flush(dc, k);
#endif
    for (int k = 0; k < dc->nlayers && !dc->bad; k++)
        if (!dc->layers[k].done)
            fail(dc, dc->layers[k].started || dc->layers[k].npeek ? "the compressed data ends early"
                                                                   : "no compressed data");
    *why = dc->why;
    return dc->bad ? -1 : (int64_t)dc->out_len;
}

void dec_content_free(struct dec_content *dc)
{
    if (!dc)
        return;
    for (int k = 0; k < dc->nlayers; k++) {
        struct layer *l = &dc->layers[k];
        if (l->coding == C_BR) {
            if (l->br)
                BrotliDecoderDestroyInstance(l->br);
        } else {
            inflate_end(l);
        }
        free(l->out);
    }
    free(dc->kept);
    free(dc);
}
