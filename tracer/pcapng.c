/* pcapng.c - the Decryption Secrets Blocks of a pcapng file (pcapng 4.7,
 * block type 0x0000000A), which libpcap skips: a walk over the file's block
 * headers (both byte orders, one per section), seeking past every other
 * block, every length checked against the file and against its copy at the
 * block's end
 */
#include "tracer.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHB_TYPE 0x0A0D0D0Au
#define DSB_TYPE 0x0000000Au
#define BOM 0x1A2B3C4Du
#define WINDOW (256u << 10)      /* bytes read at once: block headers come from it */
#define EDGE (8u << 10)          /* read after a block bigger than this: its end, the next
                                  * header(s) */

/* bytes of the file, from a descriptor (pread through a window) or memory */
struct src {
    int fd;
    const uint8_t *mem;
    uint64_t size;
    uint8_t *win;
    uint64_t woff;
    size_t wlen;
    const char *name;
    char *errbuf;
};

static int fail(struct src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct src *s, const char *fmt, ...)
{
    char what[TR_ERRBUF_SIZE - 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (s->errbuf)
        snprintf(s->errbuf, TR_ERRBUF_SIZE, "'%s': %s", s->name, what);
    return -1;
}

static int pread_all(struct src *s, void *dst, size_t n, uint64_t off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(s->fd, (uint8_t *)dst + got, n - got, (off_t)(off + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return fail(s, "read error at offset %" PRIu64 ": %s", off + got,
                        r < 0 ? strerror(errno) : "the file shrank");
        got += (size_t)r;
    }
    return 0;
}

/* n bytes at off into dst (the caller checked off + n <= size). When they are not in
 * the window, the window is read anew from off: `want` bytes (at least n), so that a
 * walk over big blocks reads their edges, not their packets. */
static int src_get(struct src *s, uint64_t off, void *dst, size_t n, size_t want)
{
    if (s->mem) {
        memcpy(dst, s->mem + off, n);
        return 0;
    }
    if (n > WINDOW) /* a block body: read it straight */
        return pread_all(s, dst, n, off);
    if (off < s->woff || off + n > s->woff + s->wlen) {
        if (want < n)
            want = n;
        if (want > WINDOW)
            want = WINDOW;
        if (s->size - off < want)
            want = (size_t)(s->size - off);
        if (pread_all(s, s->win, want, off) != 0)
            return -1;
        s->woff = off;
        s->wlen = want;
    }
    memcpy(dst, s->win + (off - s->woff), n);
    return 0;
}

static uint32_t u32(const uint8_t *p, bool be)
{
    return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
              : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int scan(struct src *s, tr_secrets_fn fn, void *ctx)
{
    uint8_t h[12];
    if (s->size < 12)
        return 0;
    if (src_get(s, 0, h, 4, WINDOW) != 0)
        return -1;
    if (u32(h, true) != SHB_TYPE)
        return 0; /* not pcapng (pcap, or another format): nothing to find */
    bool be = false;
    int found = 0;
    uint64_t off = 0;
    while (off < s->size) {
        uint64_t left = s->size - off;
        if (left < 12)
            return fail(s, "a block header cut short at offset %" PRIu64 " (%" PRIu64
                           " bytes left)",
                        off, left);
        if (src_get(s, off, h, 12, WINDOW) != 0)
            return -1;
        uint32_t type = u32(h, true); /* the SHB type reads the same both ways */
        if (type == SHB_TYPE) {
            uint32_t bom = u32(h + 8, true);
            if (bom == BOM)
                be = true;
            else if (u32(h + 8, false) == BOM)
                be = false;
            else
                return fail(s, "a section header at offset %" PRIu64
                               " without its byte-order magic",
                            off);
        } else {
            type = u32(h, be);
        }
        uint32_t len = u32(h + 4, be);
        if (len < 12 || len % 4 || (type == SHB_TYPE && len < 28))
            return fail(s, "a block at offset %" PRIu64 " with an invalid length of %" PRIu32
                           " bytes",
                        off, len);
        if (len > left)
            return fail(s, "a block at offset %" PRIu64 " claims %" PRIu32
                           " bytes, but only %" PRIu64 " remain",
                        off, len, left);
        /* the trailing length; past a big block only its end and what follows are read
         * (the next headers), not its packet */
        uint8_t t[4];
        if (src_get(s, off + len - 4, t, 4, len > EDGE ? EDGE : WINDOW) != 0)
            return -1;
        if (u32(t, be) != len)
            return fail(s, "a block at offset %" PRIu64 " claims %" PRIu32
                           " bytes, but its trailing length says %" PRIu32,
                        off, len, u32(t, be));
        if (type == DSB_TYPE) {
            /* secrets type, secrets length, the secrets padded to 32 bits,
             * options, then the trailing length (pcapng 4.7) */
            if (len < 20)
                return fail(s, "a decryption secrets block at offset %" PRIu64
                               " of only %" PRIu32 " bytes",
                            off, len) - 1; /* -2: the secrets themselves */
            uint8_t d[8];
            if (src_get(s, off + 8, d, 8, WINDOW) != 0)
                return -1;
            uint32_t stype = u32(d, be), slen = u32(d + 4, be);
            if (slen > len - 20 || ((uint64_t)slen + 3) / 4 * 4 > len - 20)
                return fail(s, "a decryption secrets block at offset %" PRIu64
                               " claims %" PRIu32 " bytes of secrets in a block of %" PRIu32,
                            off, slen, len) - 1; /* -2: the secrets themselves */
            if (slen > TR_PCAPNG_MAX_SECRETS)
                return fail(s, "a decryption secrets block at offset %" PRIu64
                               " of %" PRIu32 " bytes (more than %u MiB)",
                            off, slen, TR_PCAPNG_MAX_SECRETS >> 20) - 1; /* -2: the secrets themselves */
            uint8_t *data = tr_xmalloc(slen ? slen : 1);
            if (src_get(s, off + 16, data, slen, slen) != 0) {
                free(data);
                return -1;
            }
            fn(ctx, stype, data, slen, (int64_t)off);
            free(data);
            found++;
        }
        off += len;
    }
    return found;
}

int tr_pcapng_secrets(const char *path, tr_secrets_fn fn, void *ctx, char *errbuf)
{
    if (strcmp(path, "-") == 0)
        return 0; /* standard input: its bytes are libpcap's, read once */
    struct src s = {.fd = -1, .name = path, .errbuf = errbuf};
    s.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s.fd < 0)
        return fail(&s, "%s", strerror(errno));
    struct stat st;
    if (fstat(s.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(s.fd);
        return 0; /* a pipe or a device: it cannot be read twice */
    }
    s.size = (uint64_t)st.st_size;
    s.win = tr_xmalloc(WINDOW);
    int rc = scan(&s, fn, ctx);
    free(s.win);
    close(s.fd);
    return rc;
}

int tr_pcapng_secrets_mem(const uint8_t *p, size_t len, const char *name, tr_secrets_fn fn,
                          void *ctx, char *errbuf)
{
    static const uint8_t empty[1];
    struct src s = {.fd = -1, .mem = p ? p : empty, .size = len, .name = name, .errbuf = errbuf};
    return scan(&s, fn, ctx);
}
