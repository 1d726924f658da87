/* tlsreplay.c - a test tool: the TLS engine (decode/tls.h) alone over a capture, through
 * the tracer, with the key logs given and the pcapng's Decryption Secrets Blocks; it prints
 * what the engine found, one line per event, for tests/e2e/tls_tshark.py to compare with
 * tshark, and measures its speed. Not installed; not the httpstep program.
 *
 *   tlsreplay [-k KEYLOG]... [-n] [-d] [-e] [-b] CAPTURE
 *     -k FILE  a key log (repeatable)
 *     -n       do not read the capture's Decryption Secrets Blocks
 *     -d       at each connection's end, its plaintext per direction in hex
 *     -e       every event (records, handshake messages, alerts, notes, cuts)
 *     -b       baseline: the tracer alone, no TLS engine (for the speed figure)
 *
 * Output lines: "conn ID CLIENT SERVER", "tls ID k=v ..." (the facts), with -e "record",
 * "hs", "alert", "note", "cut" lines, with -d "piece ID DIR OFFSET+LEN record=N frames=..."
 * for each plaintext event and "plain ID c2s|s2c HEX" at the end. The last line, on
 * stderr: connections, bytes, seconds, MB/s.
 */
#include "../../decode/decode.h"
#include "../../tracer/tracer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct buf {
    uint8_t *p;
    size_t n, cap;
};

struct rconn {
    uint64_t id;
    bool decided;
    struct dec_tls *t;
    struct buf plain[2];
};

static struct {
    bool dump, events, baseline;
    struct dec_keylog *keys;
    uint64_t conns, tls, decrypted, plain_bytes, tcp_bytes;
} g;

static const char *dname(enum tr_dir d)
{
    return d == TR_DIR_C2S ? "c2s" : "s2c";
}

static void buf_add(struct buf *b, const uint8_t *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n)
            cap *= 2;
        b->p = tr_xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

/* a string from the wire, printable */
static void put_str(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        putchar(s[i] > 0x20 && s[i] < 0x7f && s[i] != '\\' ? s[i] : '?');
}

/* --------------------------------------------------------------- events -- */

static void on_record(void *ctx, const struct dec_tls_record *r)
{
    static const char *const states[] = {"clear", "decrypted", "encrypted", "failed", "cut"};
    struct rconn *c = ctx;
    if (!g.events)
        return;
    printf("record %llu %s #%llu %u/%u %s %s seq=%llu off=%llu len=%u frames=", (unsigned long long)c->id,
           dname(r->dir), (unsigned long long)r->index, r->type, r->inner_type, states[r->state],
           dec_tls_epoch_name(r->epoch), (unsigned long long)r->seq,
           (unsigned long long)r->offset, r->length);
    for (size_t i = 0; i < r->frames.n; i++)
        printf(i ? ",%llu" : "%llu", (unsigned long long)r->frames.v[i]);
    printf("\n");
}

static void on_handshake(void *ctx, const struct dec_tls_handshake *h)
{
    struct rconn *c = ctx;
    if (!g.events)
        return;
    printf("hs %llu %s %s%s", (unsigned long long)c->id, dname(h->dir), h->name ? h->name : "?",
           h->decrypted ? " decrypted" : "");
    if (h->parsed && h->type == DEC_TLS_HS_CLIENT_HELLO) {
        printf(" sni=");
        put_str(h->u.ch.sni, h->u.ch.has_sni ? strlen(h->u.ch.sni) : 0);
        printf(" alpn=");
        for (size_t i = 0; i < h->u.ch.nalpn; i++) {
            printf(i ? "," : "");
            put_str(h->u.ch.alpn[i].s, h->u.ch.alpn[i].len);
        }
    } else if (h->parsed && h->type == DEC_TLS_HS_SERVER_HELLO) {
        const struct dec_tls_suite *s = dec_tls_suite(h->u.sh.suite);
        printf(" version=%04x suite=%s", h->u.sh.version, s ? s->name : "?");
    } else if (h->parsed && h->type == DEC_TLS_HS_CERTIFICATE) {
        printf(" certificates=%zu subject=%s issuer=%s", h->u.cert.count, h->u.cert.subject,
               h->u.cert.issuer);
    } else if (h->parsed && h->type == DEC_TLS_HS_ENCRYPTED_EXTENSIONS && h->u.ee.has_alpn) {
        printf(" alpn=");
        put_str(h->u.ee.alpn.s, h->u.ee.alpn.len);
    }
    printf("\n");
}

static void on_alert(void *ctx, const struct dec_tls_alert *a)
{
    struct rconn *c = ctx;
    if (g.events)
        printf("alert %llu %s %u %s%s\n", (unsigned long long)c->id, dname(a->dir), a->level,
               a->name ? a->name : "?", a->decrypted ? " decrypted" : "");
}

static void on_plain(void *ctx, const struct dec_tls_plain *p)
{
    struct rconn *c = ctx;
    g.plain_bytes += p->len;
    if (g.dump) {
        buf_add(&c->plain[p->dir], p->data, p->len);
        printf("piece %llu %s %llu+%zu record=%llu frames=", (unsigned long long)c->id,
               dname(p->dir), (unsigned long long)p->offset, p->len,
               (unsigned long long)p->record);
        for (size_t i = 0; i < p->frames.n; i++)
            printf(i ? ",%llu" : "%llu", (unsigned long long)p->frames.v[i]);
        printf("%s\n", p->early ? " early" : "");
    }
}

static void on_cut(void *ctx, enum tr_dir dir, uint64_t offset, enum dec_tls_why why,
                   uint64_t frame, tr_time ts)
{
    struct rconn *c = ctx;
    (void)ts;
    if (g.events)
        printf("cut %llu %s %llu f%llu %s\n", (unsigned long long)c->id, dname(dir),
               (unsigned long long)offset, (unsigned long long)frame, dec_tls_why_text(why));
}

static void on_note(void *ctx, const struct dec_tls_note *n)
{
    struct rconn *c = ctx;
    if (g.events)
        printf("note %llu %s f%llu %s: %s\n", (unsigned long long)c->id, dname(n->dir),
               (unsigned long long)n->frame, dec_tls_note_name(n->kind), n->detail);
}

/* --------------------------------------------------------------- tracer -- */

static void t_conn(void *ctx, struct tr_conn *tc)
{
    (void)ctx;
    struct rconn *c = tr_xcalloc(1, sizeof *c);
    c->id = tc->id;
    tc->user = c;
    g.conns++;
}

static void t_data(void *ctx, struct tr_conn *tc, enum tr_dir dir, uint64_t off,
                   const uint8_t *data, size_t len, uint64_t frame, tr_time ts)
{
    (void)ctx;
    struct rconn *c = tc->user;
    g.tcp_bytes += len;
    if (g.baseline)
        return;
    if (!c->decided) {
        c->decided = true;
        if (!(dec_looks_like_tls(data, len) || dec_tls_looks_like_record(data, len))) {
            tr_conn_ignore_data(tc);
            return;
        }
        struct dec_tls_sink s = {c, on_record, on_handshake, on_alert, on_plain, on_cut, on_note};
        struct dec_tls_opts o = {g.keys};
        c->t = dec_tls_new(&o, &s);
        g.tls++;
        char cl[TR_ADDRSTRLEN], sv[TR_ADDRSTRLEN];
        printf("conn %llu %s:%u %s:%u\n", (unsigned long long)c->id,
               tr_addr_format(&tc->client.addr, cl), tc->client.port,
               tr_addr_format(&tc->server.addr, sv), tc->server.port);
    }
    if (c->t)
        dec_tls_data(c->t, dir, off, data, len, frame, ts);
}

static void t_gap(void *ctx, struct tr_conn *tc, enum tr_dir dir, uint64_t off, uint64_t len,
                  uint64_t frame, tr_time ts)
{
    (void)ctx;
    struct rconn *c = tc->user;
    if (c->t)
        dec_tls_gap(c->t, dir, off, len, frame, ts);
}

static void t_fin(void *ctx, struct tr_conn *tc, enum tr_dir dir, uint64_t frame, tr_time ts)
{
    (void)ctx;
    struct rconn *c = tc->user;
    if (c->t)
        dec_tls_fin(c->t, dir, frame, ts);
}

static void t_close(void *ctx, struct tr_conn *tc)
{
    (void)ctx;
    struct rconn *c = tc->user;
    if (c->t) {
        dec_tls_end(c->t);
        const struct dec_tls_facts *f = dec_tls_facts(c->t);
        const char *v = dec_tls_version_name(f->version);
        printf("tls %llu version=%s suite=%s sni=", (unsigned long long)c->id, v ? v : "-",
               f->suite_name ? f->suite_name : "-");
        put_str(f->sni, f->has_sni ? strlen(f->sni) : 0);
        printf(" alpn=");
        put_str(f->alpn, f->has_alpn ? strlen(f->alpn) : 0);
        printf(" decrypted=%d keys=%s hrr=%d resumed=%d early=%d etm=%d plain=%llu/%llu"
               " records=%llu/%llu why_not=%s\n",
               f->decrypted, f->keys ? dec_tls_keysrc_name(f->keys) : "-", f->hrr, f->resumed,
               f->early_accepted, f->encrypt_then_mac, (unsigned long long)f->plain_bytes[0],
               (unsigned long long)f->plain_bytes[1], (unsigned long long)f->records[0],
               (unsigned long long)f->records[1],
               f->why_not ? dec_tls_why_text(f->why_not) : "-");
        g.decrypted += f->decrypted;
        if (g.dump) {
            for (int d = 0; d < 2; d++) {
                printf("plain %llu %s ", (unsigned long long)c->id, dname((enum tr_dir)d));
                for (size_t i = 0; i < c->plain[d].n; i++)
                    printf("%02x", c->plain[d].p[i]);
                printf("\n");
            }
        }
        dec_tls_free(c->t);
    }
    free(c->plain[0].p);
    free(c->plain[1].p);
    free(c);
    tc->user = NULL;
}

static void on_warn(void *ctx, const char *source, unsigned long line, const char *what)
{
    (void)ctx;
    fprintf(stderr, "tlsreplay: '%s' line %lu: %s: line ignored\n", source, line, what);
}

static void on_secrets(void *ctx, uint32_t type, const uint8_t *data, size_t len, int64_t off)
{
    const char *path = ctx;
    (void)off;
    if (type == TR_PCAPNG_SECRETS_TLS)
        dec_keylog_add_text(g.keys, DEC_TLS_KEYS_PCAPNG, path, (const char *)data, len);
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

int main(int argc, char **argv)
{
    char eb[TR_ERRBUF_SIZE];
    bool pcapng = true;
    int opt;
    g.keys = dec_keylog_new();
    dec_keylog_set_warn(g.keys, on_warn, NULL);
    while ((opt = getopt(argc, argv, "k:ndeb")) != -1) {
        switch (opt) {
        case 'k':
            if (dec_keylog_add_file(g.keys, optarg, false, eb) != 0) {
                fprintf(stderr, "tlsreplay: %s\n", eb);
                return 2;
            }
            break;
        case 'n':
            pcapng = false;
            break;
        case 'd':
            g.dump = true;
            break;
        case 'e':
            g.events = true;
            break;
        case 'b':
            g.baseline = true;
            break;
        default:
            fprintf(stderr, "usage: tlsreplay [-k KEYLOG]... [-n] [-d] [-e] [-b] CAPTURE\n");
            return 2;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: tlsreplay [-k KEYLOG]... [-n] [-d] [-e] [-b] CAPTURE\n");
        return 2;
    }
    const char *path = argv[optind];
    double t0 = now();
    if (pcapng && tr_pcapng_secrets(path, on_secrets, (void *)path, eb) < 0)
        fprintf(stderr, "tlsreplay: %s\n", eb);
    double t1 = now(), c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    struct tr_capture *cap;
    struct tr_capture_opts co = {.file = path};
    if (tr_capture_open(&cap, &co, eb) != 0) {
        fprintf(stderr, "tlsreplay: %s\n", eb);
        return 2;
    }
    struct tr_sink sink = {.on_conn = t_conn,
                           .on_data = t_data,
                           .on_gap = t_gap,
                           .on_fin = t_fin,
                           .on_close = t_close};
    struct tr_table_opts to = {0};
    struct tr_table *tab = tr_table_new(&to, &sink);
    struct tr_frame f;
    int rc;
    while ((rc = tr_capture_next(cap, &f, eb)) == TR_NEXT_FRAME)
        tr_table_frame(tab, &f);
    if (rc == TR_NEXT_ERROR)
        fprintf(stderr, "tlsreplay: %s\n", eb);
    tr_table_finish(tab);
    tr_table_free(tab);
    tr_capture_close(cap);
    double t2 = now(), c2 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    size_t randoms, secrets;
    dec_keylog_counts(g.keys, &randoms, &secrets);
    fprintf(stderr,
            "tlsreplay: %llu connections, %llu TLS, %llu decrypted; %llu TCP bytes, %llu "
            "plaintext bytes; %zu secrets; secrets scan %.3f s, replay %.3f s (CPU %.3f s), "
            "%.1f MB/s of TCP payload (CPU: %.1f MB/s)\n",
            (unsigned long long)g.conns, (unsigned long long)g.tls,
            (unsigned long long)g.decrypted, (unsigned long long)g.tcp_bytes,
            (unsigned long long)g.plain_bytes, secrets, t1 - t0, t2 - t1, c2 - c1,
            g.tcp_bytes / 1e6 / (t2 - t1 > 0 ? t2 - t1 : 1e-9),
            g.tcp_bytes / 1e6 / (c2 - c1 > 0 ? c2 - c1 : 1e-9));
    dec_keylog_free(g.keys);
    return 0;
}
