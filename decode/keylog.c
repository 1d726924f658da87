/* keylog.c - the NSS key log (RFC 9850, draft-ietf-tls-keylogfile): files
 * given with --keylog (read whole, or followed as they grow), key log text
 * from pcapng Decryption Secrets Blocks, and a store of the secrets keyed by
 * client random, each with where it came from (file and line, or the capture)
 */
#include "decode.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_LINE 1024            /* a key log line is at most ~180 bytes */
#define READ_CHUNK (64u << 10)

struct ksrc {                    /* an interned source name */
    struct ksrc *next;
    char name[];
};

struct kfile {
    struct kfile *next;
    const char *path;            /* interned */
    bool follow;
    bool seen;                   /* opened once (dev, ino valid) */
    bool failed;                 /* the last read failed (reported once) */
    dev_t dev;
    ino_t ino;
    off_t pos;                   /* just past the last whole line read */
    unsigned long line;          /* lines read so far */
};

struct dec_keylog {
    struct dec_tls_keys **tab;   /* open addressing; entries never move */
    size_t cap, n;
    size_t nsecrets;
    uint64_t gen;
    struct kfile *files;
    struct ksrc *srcs;
    dec_keylog_warn_fn warn;
    void *wctx;
};

/* where the lines being read come from */
struct origin {
    enum dec_tls_keysrc from;
    const char *source;          /* interned */
    uint32_t block;
};

/* the line reader's state: a line gathered across read chunks */
struct lbuf {
    char s[MAX_LINE + 1];
    size_t n;
    bool over;                   /* longer than MAX_LINE: the rest dropped */
};

static const struct {
    uint8_t min, max;
} lens[] = {
#define X(id, label, minlen, maxlen) {minlen, maxlen},
    DEC_TLS_SECRET_LIST(X)
#undef X
};

struct dec_keylog *dec_keylog_new(void)
{
    return tr_xcalloc(1, sizeof(struct dec_keylog));
}

void dec_keylog_free(struct dec_keylog *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->cap; i++)
        free(k->tab[i]);
    free(k->tab);
    for (struct kfile *f = k->files, *nx; f; f = nx) {
        nx = f->next;
        free(f);
    }
    for (struct ksrc *s = k->srcs, *nx; s; s = nx) {
        nx = s->next;
        free(s);
    }
    free(k);
}

void dec_keylog_set_warn(struct dec_keylog *k, dec_keylog_warn_fn fn, void *ctx)
{
    k->warn = fn;
    k->wctx = ctx;
}

uint64_t dec_keylog_generation(const struct dec_keylog *k)
{
    return k->gen;
}

void dec_keylog_counts(const struct dec_keylog *k, size_t *randoms, size_t *secrets)
{
    *randoms = k->n;
    *secrets = k->nsecrets;
}

static const char *intern(struct dec_keylog *k, const char *name)
{
    for (struct ksrc *s = k->srcs; s; s = s->next)
        if (strcmp(s->name, name) == 0)
            return s->name;
    size_t len = strlen(name);
    struct ksrc *s = tr_xmalloc(sizeof *s + len + 1);
    memcpy(s->name, name, len + 1);
    s->next = k->srcs;
    k->srcs = s;
    return s->name;
}

/* ---------------------------------------------------------- the table -- */

static size_t slot_of(const uint8_t r[32], size_t cap)
{
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a */
    for (int i = 0; i < 32; i++) {
        h ^= r[i];
        h *= 0x100000001b3ULL;
    }
    return (size_t)(h & (cap - 1));
}

const struct dec_tls_keys *dec_keylog_find(const struct dec_keylog *k, const uint8_t r[32])
{
    if (!k || k->cap == 0)
        return NULL;
    for (size_t i = slot_of(r, k->cap);; i = (i + 1) & (k->cap - 1)) {
        if (!k->tab[i])
            return NULL;
        if (memcmp(k->tab[i]->client_random, r, 32) == 0)
            return k->tab[i];
    }
}

static void grow(struct dec_keylog *k)
{
    size_t cap = k->cap ? k->cap * 2 : 64;
    struct dec_tls_keys **tab = tr_xcalloc(cap, sizeof *tab);
    for (size_t i = 0; i < k->cap; i++) {
        if (!k->tab[i])
            continue;
        size_t j = slot_of(k->tab[i]->client_random, cap);
        while (tab[j])
            j = (j + 1) & (cap - 1);
        tab[j] = k->tab[i];
    }
    free(k->tab);
    k->tab = tab;
    k->cap = cap;
}

static struct dec_tls_keys *entry(struct dec_keylog *k, const uint8_t r[32])
{
    struct dec_tls_keys *e = (struct dec_tls_keys *)dec_keylog_find(k, r);
    if (e)
        return e;
    if ((k->n + 1) * 2 > k->cap)
        grow(k);
    size_t i = slot_of(r, k->cap);
    while (k->tab[i])
        i = (i + 1) & (k->cap - 1);
    e = tr_xcalloc(1, sizeof *e);
    memcpy(e->client_random, r, 32);
    k->tab[i] = e;
    k->n++;
    return e;
}

/* ------------------------------------------------------------ a line -- */

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* hex digits [p, p+n) into out (at most cap bytes); -1 on a bad digit or
 * odd count or too many */
static int unhex(const char *p, size_t n, uint8_t *out, size_t cap)
{
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n; i += 2) {
        int a = hexval(p[i]), b = hexval(p[i + 1]);
        if (a < 0 || b < 0)
            return -1;
        out[i / 2] = (uint8_t)(a << 4 | b);
    }
    return (int)(n / 2);
}

static void warn(struct dec_keylog *k, const char *source, unsigned long line, const char *what)
{
    if (k->warn)
        k->warn(k->wctx, source, line, what);
}

/* the next whitespace-separated word of [*p, end) */
static size_t word(const char **p, const char *end, const char **w)
{
    while (*p < end && is_space(**p))
        (*p)++;
    *w = *p;
    while (*p < end && !is_space(**p))
        (*p)++;
    return (size_t)(*p - *w);
}

/* One line (without its newline). Returns 1 for a new secret, else 0. */
static int parse_line(struct dec_keylog *k, const char *s, size_t n, bool over,
                      const struct origin *o, unsigned long line)
{
    const char *source = o->source;
    const char *p = s, *end = s + n, *w;
    while (end > p && (end[-1] == '\r' || is_space(end[-1])))
        end--;
    size_t wl = word(&p, end, &w);
    if (wl == 0 || w[0] == '#')
        return 0;
    int kind = -1;
    for (int i = 0; i < DEC_TLS_SECRET_COUNT; i++) {
        const char *label = dec_tls_secret_label((enum dec_tls_secret_kind)i);
        if (strlen(label) == wl && memcmp(label, w, wl) == 0)
            kind = i;
    }
    if (kind < 0)
        return 0; /* an unknown label: ignored (RFC 9850 2) */
    if (over) {
        warn(k, source, line, "a line longer than 1024 bytes");
        return 0;
    }
    uint8_t random[32], secret[DEC_TLS_MAX_SECRET];
    const char *rw, *sw, *xw;
    size_t rl = word(&p, end, &rw);
    size_t sl = word(&p, end, &sw);
    size_t xl = word(&p, end, &xw);
    if (rl == 0 || sl == 0) {
        warn(k, source, line, rl ? "no secret after the client random" : "no client random");
        return 0;
    }
    if (xl) {
        warn(k, source, line, "text after the secret");
        return 0;
    }
    if (rl != 64 || unhex(rw, rl, random, sizeof random) != 32) {
        warn(k, source, line, "the client random is not 64 hex digits");
        return 0;
    }
    int len = unhex(sw, sl, secret, sizeof secret);
    if (len < 0 && sl % 2 == 0 && sl / 2 <= sizeof secret) {
        warn(k, source, line, "bad hex in the secret");
        return 0;
    }
    if (len < lens[kind].min || len > lens[kind].max ||
        (kind != DEC_TLS_SECRET_MASTER && len != 32 && len != 48)) {
        char what[96];
        snprintf(what, sizeof what, "a secret of %zu hex digits where %s takes %u%s", sl,
                 dec_tls_secret_label((enum dec_tls_secret_kind)kind), lens[kind].min * 2,
                 lens[kind].max != lens[kind].min ? " or 96" : "");
        warn(k, source, line, what);
        return 0;
    }
    struct dec_tls_keys *e = entry(k, random);
    struct dec_tls_secret *sec = &e->s[kind];
    if (sec->len) {
        if (sec->len != len || memcmp(sec->v, secret, (size_t)len) != 0)
            warn(k, source, line, "another secret for a client random already given: "
                                  "the first is kept");
        return 0;
    }
    sec->len = (uint8_t)len;
    memcpy(sec->v, secret, (size_t)len);
    sec->kind = (enum dec_tls_secret_kind)kind;
    sec->from = o->from;
    sec->source = o->source;
    sec->block = o->block;
    sec->line = line;
    k->nsecrets++;
    return 1;
}

/* feed bytes to the line reader; each whole line is parsed */
static size_t feed_lines(struct dec_keylog *k, struct lbuf *lb, const char *p, size_t n,
                         const struct origin *o, unsigned long *line, size_t *consumed)
{
    size_t added = 0;
    *consumed = 0;
    while (n) {
        const char *nl = memchr(p, '\n', n);
        size_t take = nl ? (size_t)(nl - p) : n;
        size_t room = MAX_LINE - lb->n;
        if (take > room) {
            lb->over = true;
            memcpy(lb->s + lb->n, p, room);
            lb->n = MAX_LINE;
        } else {
            memcpy(lb->s + lb->n, p, take);
            lb->n += take;
        }
        if (!nl)
            break;
        (*line)++;
        added += (size_t)parse_line(k, lb->s, lb->n, lb->over, o, *line);
        lb->n = 0;
        lb->over = false;
        p += take + 1;
        n -= take + 1;
        *consumed += take + 1;
    }
    return added;
}

static size_t add_text(struct dec_keylog *k, const struct origin *o, const char *text, size_t len)
{
    struct lbuf *lb = tr_xmalloc(sizeof *lb);
    unsigned long line = 0;
    size_t consumed;
    lb->n = 0;
    lb->over = false;
    size_t added = feed_lines(k, lb, text, len, o, &line, &consumed);
    if (lb->n || lb->over)
        added += (size_t)parse_line(k, lb->s, lb->n, lb->over, o, line + 1);
    free(lb);
    if (added)
        k->gen++;
    return added;
}

size_t dec_keylog_add_text(struct dec_keylog *k, enum dec_tls_keysrc from, const char *source,
                           const char *text, size_t len)
{
    struct origin o = {from, intern(k, source), 0};
    return add_text(k, &o, text, len);
}

size_t dec_keylog_add_block(struct dec_keylog *k, const char *capture, uint32_t block,
                            const char *text, size_t len)
{
    struct origin o = {DEC_TLS_KEYS_PCAPNG, intern(k, capture), block};
    return add_text(k, &o, text, len);
}

/* ------------------------------------------------------ where it came from -- */

struct dec_tls_keyuse *dec_tls_keyuse_new(const struct dec_tls_secret *s)
{
    const char *src = s->source ? s->source : "";
    size_t n = strlen(src);
    struct dec_tls_keyuse *u = tr_xmalloc(sizeof *u + n + 1);
    u->refs = 1;
    u->kind = s->kind;
    u->from = s->from;
    u->block = s->block;
    u->line = s->line;
    memcpy(u->source, src, n + 1);
    return u;
}

struct dec_tls_keyuse *dec_tls_keyuse_ref(const struct dec_tls_keyuse *u)
{
    struct dec_tls_keyuse *w = (struct dec_tls_keyuse *)u;
    if (w)
        w->refs++;
    return w;
}

void dec_tls_keyuse_unref(const struct dec_tls_keyuse *u)
{
    struct dec_tls_keyuse *w = (struct dec_tls_keyuse *)u;
    if (w && --w->refs == 0)
        free(w);
}

/* ------------------------------------------------------------ files -- */

static void errmsg(char *errbuf, const char *path, const char *what)
{
    if (errbuf)
        snprintf(errbuf, TR_ERRBUF_SIZE, "'%s': %s", path, what);
}

/* Read f from f->pos (or from its start if it shrank or was replaced).
 * Returns the secrets added, or -1 with errbuf. */
static int read_file(struct dec_keylog *k, struct kfile *f, char *errbuf)
{
    int fd = open(f->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (f->follow && errno == ENOENT)
            return 0; /* not there (yet, or while rotated) */
        errmsg(errbuf, f->path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        errmsg(errbuf, f->path, S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
        close(fd);
        return -1;
    }
    if (!f->seen || st.st_dev != f->dev || st.st_ino != f->ino || st.st_size < f->pos) {
        f->pos = 0; /* new, rotated or truncated: from the start */
        f->line = 0;
    }
    f->seen = true;
    f->dev = st.st_dev;
    f->ino = st.st_ino;
    if (st.st_size == f->pos && S_ISREG(st.st_mode)) {
        close(fd);
        return 0;
    }
    if (lseek(fd, f->pos, SEEK_SET) < 0 && S_ISREG(st.st_mode)) {
        errmsg(errbuf, f->path, strerror(errno));
        close(fd);
        return -1;
    }
    char *buf = tr_xmalloc(READ_CHUNK);
    struct origin o = {DEC_TLS_KEYS_KEYLOG, f->path, 0};
    struct lbuf *lb = tr_xmalloc(sizeof *lb);
    lb->n = 0;
    lb->over = false;
    int added = 0, rc = 0;
    for (;;) {
        ssize_t r = read(fd, buf, READ_CHUNK);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            errmsg(errbuf, f->path, strerror(errno));
            rc = -1;
            break;
        }
        if (r == 0)
            break;
        size_t consumed;
        added += (int)feed_lines(k, lb, buf, (size_t)r, &o, &f->line, &consumed);
        f->pos += (off_t)consumed;
    }
    if (rc == 0 && (lb->n || lb->over)) {
        if (f->follow) {
            /* an unfinished last line: read again, whole, next time; pos
             * stays at its start */
        } else {
            f->line++;
            added += parse_line(k, lb->s, lb->n, lb->over, &o, f->line);
            f->pos = st.st_size;
        }
    }
    free(lb);
    free(buf);
    close(fd);
    if (added)
        k->gen++;
    return rc < 0 ? -1 : added;
}

int dec_keylog_add_file(struct dec_keylog *k, const char *path, bool follow, char *errbuf)
{
    for (struct kfile *f = k->files; f; f = f->next)
        if (strcmp(f->path, path) == 0)
            return 0;
    struct kfile *f = tr_xcalloc(1, sizeof *f);
    f->path = intern(k, path);
    f->follow = follow;
    if (read_file(k, f, errbuf) < 0) {
        free(f);
        return -1;
    }
    struct kfile **tail = &k->files;
    while (*tail)
        tail = &(*tail)->next;
    *tail = f;
    return 0;
}

int dec_keylog_refresh(struct dec_keylog *k, char *errbuf)
{
    int added = 0, rc = 0;
    for (struct kfile *f = k->files; f; f = f->next) {
        if (!f->follow)
            continue;
        char eb[TR_ERRBUF_SIZE];
        int r = read_file(k, f, eb);
        if (r < 0) {
            if (!f->failed && rc == 0) { /* say it once, not at every refresh */
                if (errbuf)
                    memcpy(errbuf, eb, sizeof eb);
                rc = -1;
            }
            f->failed = true;
            continue;
        }
        f->failed = false;
        added += r;
    }
    return rc < 0 ? -1 : added;
}
