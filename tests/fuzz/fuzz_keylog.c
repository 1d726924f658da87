/* fuzz_keylog.c - the NSS key log reader (dec_keylog_*): the input is key
 * log text. It is read from memory (dec_keylog_add_text), and from a file
 * followed as it grows: written in two parts cut where byte 0 says (a part
 * that ends inside a line must wait for the rest), read with
 * dec_keylog_refresh after each.
 *
 * Checks: both ways find the same secrets and give the same warnings; every
 * warning names its source and a line inside the text; every secret found
 * has a label's length.
 */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_common.h"

#include <sys/mman.h>
#include <unistd.h>

struct warns {
    size_t n;
    unsigned long max_line;
    uint32_t hash;
};

static void on_warn(void *ctx, const char *source, unsigned long line, const char *what)
{
    struct warns *w = ctx;
    FZ_CHECK(source && *source, "a warning without its source");
    FZ_CHECK(line >= 1 && line <= w->max_line, "warning at line %lu of %lu", line, w->max_line);
    fz_touch(what, strlen(what));
    w->n++;
    w->hash = w->hash * 31 + (uint32_t)line;
}

/* everything the store holds for the client randoms named in the text */
static uint32_t digest(const struct dec_keylog *k, const uint8_t *p, size_t n)
{
    uint32_t h = 0;
    for (size_t i = 0; i + 64 <= n; i++) { /* every place a random could be */
        uint8_t r[32];
        bool ok = true;
        for (int j = 0; j < 32 && ok; j++) {
            char hx[3] = {(char)p[i + 2 * j], (char)p[i + 2 * j + 1], 0};
            char *end;
            r[j] = (uint8_t)strtoul(hx, &end, 16);
            ok = *end == '\0' && hx[0] != '-' && hx[0] != '+' && hx[0] != ' ';
        }
        if (!ok)
            continue;
        const struct dec_tls_keys *e = dec_keylog_find(k, r);
        if (!e)
            continue;
        for (int s = 0; s < DEC_TLS_SECRET_COUNT; s++) {
            uint8_t len = e->s[s].len;
            FZ_CHECK(len == 0 || len == 32 || len == 48, "a secret of %u bytes", len);
            for (int b = 0; b < len; b++)
                h = h * 33 + e->s[s].v[b];
            h = h * 7 + (uint32_t)e->s[s].line;
        }
    }
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t cut = data[0] * (size - 1) / 255;
    const uint8_t *text = data + 1;
    size_t n = size - 1;
    unsigned long lines = 1;
    for (size_t i = 0; i < n; i++)
        lines += text[i] == '\n';

    struct warns w1 = {0, lines, 0}, w2 = {0, lines, 0};
    struct dec_keylog *a = dec_keylog_new(), *b = dec_keylog_new();
    dec_keylog_set_warn(a, on_warn, &w1);
    dec_keylog_set_warn(b, on_warn, &w2);
    char *copy = (char *)fz_dup(text, n);
    size_t added = dec_keylog_add_text(a, DEC_TLS_KEYS_PCAPNG, "fuzz.pcapng", copy, n);
    free(copy);

    int fd = memfd_create("keylog", 0);
    FZ_CHECK(fd >= 0, "memfd_create");
    char path[64], eb[TR_ERRBUF_SIZE];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    FZ_CHECK(write(fd, text, cut) == (ssize_t)cut, "write");
    FZ_CHECK(dec_keylog_add_file(b, path, true, eb) == 0, "%s", eb);
    FZ_CHECK(write(fd, text + cut, n - cut) == (ssize_t)(n - cut), "write");
    FZ_CHECK(dec_keylog_refresh(b, eb) >= 0, "%s", eb);
    /* the followed file holds back a last line without its newline; the
     * text reader takes it: give the file its newline for the comparison */
    bool open_end = n && text[n - 1] != '\n';
    if (open_end) {
        FZ_CHECK(write(fd, "\n", 1) == 1, "write");
        FZ_CHECK(dec_keylog_refresh(b, eb) >= 0, "%s", eb);
    }
    size_t r1, s1, r2, s2;
    dec_keylog_counts(a, &r1, &s1);
    dec_keylog_counts(b, &r2, &s2);
    FZ_CHECK(added == s1, "add_text said %zu, the store holds %zu", added, s1);
    FZ_CHECK(r1 == r2 && s1 == s2, "text %zu/%zu, file %zu/%zu", r1, s1, r2, s2);
    FZ_CHECK(w1.n == w2.n, "text %zu warnings, file %zu", w1.n, w2.n);
    FZ_CHECK(w1.hash == w2.hash, "warnings at other lines");
    FZ_CHECK(digest(a, text, n) == digest(b, text, n), "other secrets");
    close(fd);
    dec_keylog_free(a);
    dec_keylog_free(b);
    return 0;
}
