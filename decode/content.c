/* content.c - content decoding of message bodies with zlib and brotli:
 * gzip and x-gzip (RFC 1952), deflate (RFC 9110 8.4.1.2: zlib-wrapped,
 * RFC 1950, though many servers send raw RFC 1951 data), br (RFC 7932),
 * and lists of them, undone in reverse order of application
 */
#include "decode.h"

#include <brotli/decode.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#define MAX_LAYERS 4
#define SCRATCH 16384     /* output bytes per call into a layer's decoder */

enum coding { C_GZIP, C_DEFLATE, C_BR };

struct layer {
    enum coding coding;
    bool started;          /* the stream is set up (deflate: after 2 bytes) */
    bool done;             /* the stream ended */
    uint8_t peek[2];       /* deflate: the first bytes, to tell zlib from raw */
    size_t npeek;
    z_stream z;
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
    struct dec_content *dc = xcalloc(1, sizeof *dc);
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
        xgrow(&dc->kept, &dc->kept_cap_used, dc->kept_len + take, 1);
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

static bool zlib_start(struct dec_content *dc, struct layer *l, int wbits)
{
    memset(&l->z, 0, sizeof l->z);
    if (inflateInit2(&l->z, wbits) != Z_OK) {
        fail(dc, "zlib could not start");
        return false;
    }
    l->started = true;
    return true;
}

static void zlib_feed(struct dec_content *dc, int k, const uint8_t *in, size_t n)
{
    struct layer *l = &dc->layers[k];
    if (!l->out)
        l->out = xmalloc(SCRATCH);
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

static void br_feed(struct dec_content *dc, int k, const uint8_t *in, size_t n)
{
    struct layer *l = &dc->layers[k];
    if (!l->out)
        l->out = xmalloc(SCRATCH);
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
        if (!l->started && !zlib_start(dc, l, 15 + 16))
            return;
        zlib_feed(dc, k, in, n);
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
            if (!zlib_start(dc, l, zlib ? 15 : -15))
                return;
            zlib_feed(dc, k, l->peek, 2);
        }
        zlib_feed(dc, k, in, n);
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
        } else if (l->started) {
            inflateEnd(&l->z);
        }
        free(l->out);
    }
    free(dc->kept);
    free(dc);
}
