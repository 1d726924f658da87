/* fuzz_pcapng.c - the Decryption Secrets Block reader (tr_pcapng_secrets):
 * the input is a pcapng file, read from memory and from a file (memfd) with
 * the same results; the TLS key log blocks it finds go to the key log
 * reader.
 *
 * Checks: both readers hand over the same blocks and return the same; a
 * block lies inside the input; an error names the file; the count returned
 * is the number of blocks handed over.
 */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_common.h"

#include <sys/mman.h>
#include <unistd.h>

struct found {
    const uint8_t *base;         /* the input, for the memory reader */
    size_t size;
    int n;
    uint32_t hash;
    struct dec_keylog *keys;
};

static void on_secrets(void *ctx, uint32_t type, const uint8_t *data, size_t len, int64_t off)
{
    struct found *f = ctx;
    FZ_CHECK(off >= 0 && (uint64_t)off + 20 + len <= f->size, "block at %lld of %zu bytes",
             (long long)off, len);
    fz_touch(data, len);
    f->n++;
    f->hash = f->hash * 31 + type + (uint32_t)len * 7 + (uint32_t)off;
    for (size_t i = 0; i < len; i++)
        f->hash = f->hash * 33 + data[i];
    if (type == TR_PCAPNG_SECRETS_TLS && f->keys)
        dec_keylog_add_text(f->keys, DEC_TLS_KEYS_PCAPNG, "fuzz.pcapng", (const char *)data, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct found a = {data, size, 0, 0, dec_keylog_new()}, b = {data, size, 0, 0, NULL};
    char e1[TR_ERRBUF_SIZE] = "", e2[TR_ERRBUF_SIZE] = "";
    uint8_t *copy = fz_dup(data, size);
    int r1 = tr_pcapng_secrets_mem(copy, size, "fuzz.pcapng", on_secrets, &a, e1);
    free(copy);
    int fd = memfd_create("pcapng", 0);
    FZ_CHECK(fd >= 0, "memfd_create");
    FZ_CHECK(write(fd, data, size) == (ssize_t)size, "write");
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    int r2 = tr_pcapng_secrets(path, on_secrets, &b, e2);
    close(fd);
    FZ_CHECK(r1 >= -2 && r1 == r2, "memory %d, file %d", r1, r2);
    FZ_CHECK(a.n == b.n && a.hash == b.hash, "memory %d blocks, file %d", a.n, b.n);
    if (r1 >= 0)
        FZ_CHECK(r1 == a.n, "returned %d, handed %d", r1, a.n);
    else
        FZ_CHECK(strncmp(e1, "'fuzz.pcapng': ", 15) == 0, "error '%s'", e1);
    dec_keylog_free(a.keys);
    return 0;
}
