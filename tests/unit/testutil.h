/* testutil.h - helpers shared by the cmocka unit tests: a byte builder, a
 * frame builder (link, IPv4/IPv6 with options and extension headers, TCP
 * with options), a text log, and recording tracer and decoder sinks whose
 * events become lines of that log for the tests to compare
 *
 * Every helper is static inline: each test file is its own program.
 *
 * Longer than 800 lines: the builders every unit test shares (packets,
 * captures, records, streams); one header so that each test file stays about
 * its subject.
 */
#ifndef HTTPSTEP_TESTUTIL_H
#define HTTPSTEP_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../decode/decode.h"
#include "../../tracer/tracer.h"

#ifndef DLT_IPV4
#define DLT_IPV4 228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6 229
#endif
#ifndef DLT_NFLOG
#define DLT_NFLOG 239
#endif
#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2 276
#endif

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------ the log -- */

/* A growing text: events append lines, tests compare it whole. */
struct tlog {
    char *s;
    size_t n, cap;
};

static inline void tlog_reserve(struct tlog *l, size_t more)
{
    if (l->n + more + 1 <= l->cap)
        return;
    size_t cap = l->cap ? l->cap : 256;
    while (cap < l->n + more + 1)
        cap *= 2;
    l->s = realloc(l->s, cap);
    assert_non_null(l->s);
    l->cap = cap;
}

__attribute__((format(printf, 2, 3))) static inline void tlog_add(struct tlog *l, const char *fmt,
                                                                   ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    assert_true(k >= 0);
    tlog_reserve(l, (size_t)k);
    va_start(ap, fmt);
    vsnprintf(l->s + l->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    l->n += (size_t)k;
}

/* bytes in double quotes, non-printable ones as \xNN, at most max of them
 * (then "..." and the rest's count) */
static inline void tlog_esc(struct tlog *l, const void *p, size_t n, size_t max)
{
    const uint8_t *b = p;
    tlog_add(l, "\"");
    for (size_t i = 0; i < n && i < max; i++) {
        if (b[i] == '\\' || b[i] == '"')
            tlog_add(l, "\\%c", b[i]);
        else if (b[i] >= 0x20 && b[i] < 0x7f)
            tlog_add(l, "%c", b[i]);
        else if (b[i] == '\r')
            tlog_add(l, "\\r");
        else if (b[i] == '\n')
            tlog_add(l, "\\n");
        else
            tlog_add(l, "\\x%02x", b[i]);
    }
    tlog_add(l, "\"");
    if (n > max)
        tlog_add(l, "...+%zu", n - max);
}

/* bytes as they are, but control bytes and bytes past 0x7e as \xNN */
static inline void tlog_raw(struct tlog *l, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] >= 0x20 && b[i] < 0x7f)
            tlog_add(l, "%c", b[i]);
        else
            tlog_add(l, "\\x%02x", b[i]);
    }
}

static inline const char *tlog_str(struct tlog *l)
{
    tlog_reserve(l, 0);
    l->s[l->n] = '\0';
    return l->s;
}

static inline void tlog_clear(struct tlog *l)
{
    l->n = 0;
}

static inline void tlog_free(struct tlog *l)
{
    free(l->s);
    memset(l, 0, sizeof *l);
}

/* Does the log hold this text somewhere? */
static inline bool tlog_has(struct tlog *l, const char *needle)
{
    return strstr(tlog_str(l), needle) != NULL;
}

/* How many times? (with lengths, not strstr: ASan's strstr measures the
 * whole rest of the log on every call) */
static inline int tlog_count(struct tlog *l, const char *needle)
{
    int k = 0;
    size_t nl = strlen(needle);
    const char *p = tlog_str(l), *end = l->s + l->n;
    while (nl && (size_t)(end - p) >= nl) {
        const char *q = memchr(p, needle[0], (size_t)(end - p) - nl + 1);
        if (!q)
            break;
        if (memcmp(q, needle, nl) == 0) {
            k++;
            p = q + nl;
        } else {
            p = q + 1;
        }
    }
    return k;
}

/* ------------------------------------------------------- byte builder -- */

#define TB_MAX 16384

struct tb {
    uint8_t b[TB_MAX];
    size_t n;
};

static inline void tb_u8(struct tb *t, unsigned v)
{
    assert_true(t->n < TB_MAX);
    t->b[t->n++] = (uint8_t)v;
}

static inline void tb_be16(struct tb *t, unsigned v)
{
    tb_u8(t, v >> 8 & 0xff);
    tb_u8(t, v & 0xff);
}

static inline void tb_be32(struct tb *t, uint32_t v)
{
    tb_be16(t, v >> 16);
    tb_be16(t, v & 0xffff);
}

static inline void tb_le16(struct tb *t, unsigned v)
{
    tb_u8(t, v & 0xff);
    tb_u8(t, v >> 8 & 0xff);
}

static inline void tb_le32(struct tb *t, uint32_t v)
{
    tb_le16(t, v & 0xffff);
    tb_le16(t, v >> 16);
}

static inline void tb_mem(struct tb *t, const void *p, size_t n)
{
    assert_true(n <= TB_MAX - t->n);
    if (n)
        memcpy(t->b + t->n, p, n);
    t->n += n;
}

static inline void tb_fill(struct tb *t, unsigned byte, size_t n)
{
    for (size_t i = 0; i < n; i++)
        tb_u8(t, byte);
}

/* overwrite a big-endian 16-bit field at `at` */
static inline void tb_put_be16(struct tb *t, size_t at, unsigned v)
{
    assert_true(at + 2 <= t->n);
    t->b[at] = (uint8_t)(v >> 8);
    t->b[at + 1] = (uint8_t)v;
}

/* ------------------------------------------------------ frame builder -- */

/* An IPv6 extension header: type 0 (hop-by-hop), 43 (routing), 60
 * (destination options) take len8, the Hdr Ext Len field (8-byte units
 * after the first 8); 51 (AH) takes it in 4-byte units minus 2; 44
 * (fragment) takes frag, the offset-and-flags field (offset << 3 | M). */
struct tf_ext {
    uint8_t type;
    uint8_t len8;
    uint16_t frag;
};

#define TF_MAX_EXT 8
#define TF_MAX_TAGS 4

/* One frame to build. Zero means the default everywhere. */
struct tf {
    int linktype;             /* a DLT_ value; DLT_EN10MB is 1, DLT_NULL 0 */
    uint16_t tpid[TF_MAX_TAGS]; /* EN10MB: 802.1Q (0x8100) / 802.1ad (0x88a8) tags */
    uint16_t vid[TF_MAX_TAGS];
    int ntags;
    bool pppoe;               /* EN10MB: in a PPPoE session */
    int nmpls;                /* EN10MB: under this many MPLS labels */
    bool null_be;             /* DLT_NULL written by a big-endian machine */
    size_t pad;               /* link padding after the IP packet */
    int ipv;                  /* 4 (default) or 6 */
    const char *src, *dst;    /* text addresses (default 10.0.0.1 and 10.0.0.2, or
                               * 2001:db8::1 and 2001:db8::2) */
    uint8_t proto;            /* 0: TCP */
    const uint8_t *ipopts;    /* IPv4 options, a multiple of 4 bytes */
    size_t nipopts;
    uint16_t ipfrag;          /* IPv4 flags and fragment offset field */
    struct tf_ext ext[TF_MAX_EXT]; /* IPv6 extension headers, in order */
    int next;
    uint16_t sport, dport;    /* default 40000 -> 80 */
    uint32_t seq, ack;
    uint8_t flags;            /* 0: ACK */
    uint16_t window;          /* 0: 65535 */
    const uint8_t *opts;      /* TCP options, padded to 4 with end-of-list bytes */
    size_t nopts;
    const void *payload;
    size_t len;
};

/* Where each layer of a built frame starts. */
struct tf_layout {
    size_t ip, tcp, payload, len;
};

static inline void tf_addr(int ipv, const char *text, const char *def, uint8_t *out)
{
    int rc = inet_pton(ipv == 6 ? AF_INET6 : AF_INET, text ? text : def, out);
    assert_int_equal(rc, 1);
}

/* Append the IP packet (and its TCP segment) of s to t. */
static inline void tf_ip(const struct tf *s, struct tb *t, struct tf_layout *lay)
{
    size_t nopts = (s->nopts + 3) & ~(size_t)3;
    size_t tcplen = 20 + nopts + s->len;
    uint8_t proto = s->proto ? s->proto : 6;
    uint8_t a[16], b[16];
    lay->ip = t->n;
    if (s->ipv == 6) {
        tf_addr(6, s->src, "2001:db8::1", a);
        tf_addr(6, s->dst, "2001:db8::2", b);
        size_t extlen = 0;
        for (int i = 0; i < s->next; i++) {
            const struct tf_ext *e = &s->ext[i];
            extlen += e->type == 44 ? 8 : e->type == 51 ? ((size_t)e->len8 + 2) * 4
                                                         : ((size_t)e->len8 + 1) * 8;
        }
        tb_be32(t, 0x60000000u);
        tb_be16(t, (unsigned)(extlen + tcplen));
        tb_u8(t, s->next ? s->ext[0].type : proto);
        tb_u8(t, 64);
        tb_mem(t, a, 16);
        tb_mem(t, b, 16);
        for (int i = 0; i < s->next; i++) {
            const struct tf_ext *e = &s->ext[i];
            uint8_t nh = i + 1 < s->next ? s->ext[i + 1].type : proto;
            tb_u8(t, nh);
            if (e->type == 44) {
                tb_u8(t, 0);
                tb_be16(t, e->frag);
                tb_be32(t, 0x12345678);
            } else {
                size_t el = e->type == 51 ? ((size_t)e->len8 + 2) * 4 : ((size_t)e->len8 + 1) * 8;
                tb_u8(t, e->len8);
                tb_fill(t, 0, el - 2); /* Pad1 options, or AH fields */
            }
        }
    } else {
        tf_addr(4, s->src, "10.0.0.1", a);
        tf_addr(4, s->dst, "10.0.0.2", b);
        size_t hlen = 20 + s->nipopts;
        tb_u8(t, 0x40 | (unsigned)(hlen / 4));
        tb_u8(t, 0);
        tb_be16(t, (unsigned)(hlen + tcplen));
        tb_be16(t, 0x1234);
        tb_be16(t, s->ipfrag);
        tb_u8(t, 64);
        tb_u8(t, proto);
        tb_be16(t, 0); /* checksum: not verified */
        tb_mem(t, a, 4);
        tb_mem(t, b, 4);
        tb_mem(t, s->ipopts, s->nipopts);
    }
    lay->tcp = t->n;
    tb_be16(t, s->sport ? s->sport : 40000);
    tb_be16(t, s->dport ? s->dport : 80);
    tb_be32(t, s->seq);
    tb_be32(t, s->ack);
    tb_u8(t, (unsigned)((20 + nopts) / 4) << 4);
    tb_u8(t, s->flags ? s->flags : TR_TCP_ACK);
    tb_be16(t, s->window ? s->window : 65535);
    tb_be16(t, 0);
    tb_be16(t, 0);
    tb_mem(t, s->opts, s->nopts);
    tb_fill(t, 0, nopts - s->nopts);
    lay->payload = t->n;
    tb_mem(t, s->payload, s->len);
}

/* Build the whole frame into t (emptied first). */
static inline void tf_build(const struct tf *s, struct tb *t, struct tf_layout *lay)
{
    static const uint8_t mac_dst[6] = {0x02, 0, 0, 0, 0, 2}, mac_src[6] = {0x02, 0, 0, 0, 0, 1};
    unsigned ethertype = s->ipv == 6 ? 0x86dd : 0x0800;
    t->n = 0;
    switch (s->linktype) {
    case DLT_EN10MB:
        tb_mem(t, mac_dst, 6);
        tb_mem(t, mac_src, 6);
        for (int i = 0; i < s->ntags; i++) {
            tb_be16(t, s->tpid[i]);
            tb_be16(t, s->vid[i]);
        }
        if (s->pppoe) {
            tb_be16(t, 0x8864);
            tb_u8(t, 0x11);   /* version 1, type 1 */
            tb_u8(t, 0);      /* session data */
            tb_be16(t, 0x0042);
            tb_be16(t, 0);    /* length: patched below */
            tb_be16(t, s->ipv == 6 ? 0x0057 : 0x0021);
        } else if (s->nmpls) {
            tb_be16(t, 0x8847);
            for (int i = 0; i < s->nmpls; i++)
                tb_be32(t, (uint32_t)(100 + i) << 12 | (i + 1 == s->nmpls ? 0x100u : 0) | 64);
        } else {
            tb_be16(t, ethertype);
        }
        break;
    case DLT_LINUX_SLL:
        tb_be16(t, 0);       /* packet type: to us */
        tb_be16(t, 772);     /* ARPHRD_LOOPBACK */
        tb_be16(t, 6);
        tb_fill(t, 0, 8);
        tb_be16(t, ethertype);
        break;
    case DLT_LINUX_SLL2:
        tb_be16(t, ethertype);
        tb_be16(t, 0);
        tb_be32(t, 1);       /* ifindex */
        tb_be16(t, 772);
        tb_u8(t, 0);
        tb_u8(t, 6);
        tb_fill(t, 0, 8);
        break;
    case DLT_NULL:
        if (s->null_be)
            tb_be32(t, s->ipv == 6 ? 30 : 2);
        else
            tb_le32(t, s->ipv == 6 ? 10 : 2);
        break;
    case DLT_LOOP:
        tb_be32(t, s->ipv == 6 ? 24 : 2);
        break;
    case DLT_NFLOG:
        tb_u8(t, s->ipv == 6 ? 10 : 2);
        tb_u8(t, 0);
        tb_be16(t, 0);
        tb_le16(t, 8);      /* NFULA_PACKET_HDR: hw protocol, hook */
        tb_le16(t, 1);
        tb_be16(t, ethertype);
        tb_u8(t, 3);
        tb_u8(t, 0);
        tb_le16(t, 8);      /* NFULA_PREFIX "ab\0" padded */
        tb_le16(t, 10);
        tb_mem(t, "ab\0", 4);
        break;
    default:                /* DLT_RAW, DLT_IPV4, DLT_IPV6: no link header */
        break;
    }
    size_t nflog_tlv = t->n;
    if (s->linktype == DLT_NFLOG) {
        tb_le16(t, 0);      /* NFULA_PAYLOAD, length patched below */
        tb_le16(t, 9);
    }
    tf_ip(s, t, lay);
    if (s->linktype == DLT_NFLOG) {
        size_t tl = t->n - nflog_tlv;
        t->b[nflog_tlv] = (uint8_t)tl;
        t->b[nflog_tlv + 1] = (uint8_t)(tl >> 8);
        tb_fill(t, 0, (4 - tl % 4) % 4);
    }
    if (s->linktype == DLT_EN10MB && s->pppoe)
        tb_put_be16(t, lay->ip - 4, (unsigned)(t->n - lay->ip + 2));
    tb_fill(t, 0, s->pad);
    lay->len = t->n;
}

/* ---------------------------------------------------- compression -- */

/* Compressed bodies for the content-coding tests: zlib always; brotli's
 * encoder when the test is linked with libbrotlienc (a weak reference) or
 * the shared library can be loaded, else tz_compress returns NULL for br. */
#include <brotli/encode.h>
#include <dlfcn.h>
#include <zlib.h>

#pragma weak BrotliEncoderCompress

enum tz_kind { TZ_GZIP, TZ_ZLIB, TZ_RAW, TZ_BR };

typedef BROTLI_BOOL (*tz_br_fn)(int, int, BrotliEncoderMode, size_t, const uint8_t *, size_t *,
                                uint8_t *);

static inline tz_br_fn tz_brotli(void)
{
    static tz_br_fn fn;
    static bool tried;
    if (!tried) {
        tried = true;
        if (BrotliEncoderCompress) {
            fn = BrotliEncoderCompress;
        } else {
            void *h = dlopen("libbrotlienc.so.1", RTLD_NOW | RTLD_LOCAL);
            if (h)
                *(void **)&fn = dlsym(h, "BrotliEncoderCompress");
        }
    }
    return fn;
}

/* in compressed as kind, in a malloc'd block (*outlen bytes); NULL: no
 * brotli encoder here */
static inline uint8_t *tz_compress(enum tz_kind kind, const void *in, size_t n, size_t *outlen)
{
    if (kind == TZ_BR) {
        tz_br_fn br = tz_brotli();
        if (!br)
            return NULL;
        size_t cap = n + n / 2 + 1024;
        uint8_t *out = malloc(cap);
        assert_non_null(out);
        assert_true(br(5, 22, BROTLI_MODE_GENERIC, n, in, &cap, out));
        *outlen = cap;
        return out;
    }
    z_stream z;
    memset(&z, 0, sizeof z);
    int wbits = kind == TZ_GZIP ? 31 : kind == TZ_ZLIB ? 15 : -15;
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, (uLong)n) + 64;
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    *outlen = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

/* A small brotli stream made with the encoder (quality 5), for machines
 * without one: "hello, brotli! " three times and a newline. */
static const uint8_t tz_br_hello[] = {
    0x1b, 0x2c, 0x00, 0x00, 0xc4, 0x6d, 0xec, 0x7b, 0x96, 0x7e, 0xef, 0xf2, 0x09, 0x41, 0x10,
    0xe5, 0x20, 0x8a, 0x10, 0x55, 0x82, 0xe7, 0xf4, 0xdc, 0xcc, 0xed, 0x4f, 0x45, 0x01};
#define TZ_BR_HELLO_TEXT "hello, brotli! hello, brotli! hello, brotli!\n"

/* ------------------------------------------------ recording tr_sink -- */

#define TREC_CONNS 16

/* Records a tracer's events as lines of its log:
 *   conn 1 10.0.0.1:40000>10.0.0.2:80 syn=1 synack=0
 *   hs 1 f1,2,3
 *   seg 1 f4 c2s PA rel=1 len=5 off=0 ackoff=0 [rtx] [ooo]   (when segments is set)
 *   data 1 c2s 0+5 f4 "hello"
 *   gap 1 c2s 5+10 f7
 *   fin 1 c2s f9
 *   close 1 fin client f9,10 bytes=15/20 gaps=0/0
 *   note 1 f7 retransmission: ...   (note - for a frame-level note)
 * and rebuilds each connection's streams (gaps as '#') to compare. */
#define TREC_SEGS 64

struct trec {
    struct tlog log;
    bool segments;
    bool quiet_data;         /* data lines without the bytes */
    bool ignore_data;        /* call tr_conn_ignore_data in on_conn */
    enum tr_role_hint (*classify)(void *ctx, const uint8_t *data, size_t len);
    struct tlog stream[TREC_CONNS + 1][2];
    int offset_errors;       /* data or gaps not contiguous with what came before */
    int events_after_close;
    bool closed[TREC_CONNS + 1];
    uint64_t conns, closes;
    /* wip-tracer (issue 14): the segments as delivered, for the packet detail */
    struct tr_seg segs[TREC_SEGS];
    size_t nsegs;
};

static inline const char *trec_dir(enum tr_dir d)
{
    return d == TR_DIR_C2S ? "c2s" : "s2c";
}

static inline void trec_flags(struct tlog *l, uint8_t f)
{
    static const char letters[] = "FSRPAUEC";
    for (int i = 0; i < 8; i++)
        if (f & (1u << i))
            tlog_add(l, "%c", letters[i]);
}

static inline void trec_endpoint(struct tlog *l, const struct tr_endpoint *e)
{
    char buf[TR_ADDRSTRLEN];
    tr_addr_format(&e->addr, buf);
    tlog_add(l, e->addr.family == 6 ? "[%s]:%u" : "%s:%u", buf, e->port);
}

static inline struct tlog *trec_stream(struct trec *r, const struct tr_conn *c, enum tr_dir d)
{
    if (c->id > TREC_CONNS)
        return NULL;
    return &r->stream[c->id][d];
}

static inline void trec_check(struct trec *r, const struct tr_conn *c)
{
    if (c->id <= TREC_CONNS && r->closed[c->id])
        r->events_after_close++;
}

static inline void trec_on_conn(void *ctx, struct tr_conn *c)
{
    struct trec *r = ctx;
    r->conns++;
    tlog_add(&r->log, "conn %llu ", (unsigned long long)c->id);
    trec_endpoint(&r->log, &c->client);
    tlog_add(&r->log, ">");
    trec_endpoint(&r->log, &c->server);
    tlog_add(&r->log, " syn=%d synack=%d\n", c->syn_seen, c->synack_seen);
    if (r->ignore_data)
        tr_conn_ignore_data(c);
}

static inline void trec_on_handshake(void *ctx, struct tr_conn *c)
{
    struct trec *r = ctx;
    trec_check(r, c);
    tlog_add(&r->log, "hs %llu f%llu,%llu,%llu\n", (unsigned long long)c->id,
             (unsigned long long)c->hs_frames[0], (unsigned long long)c->hs_frames[1],
             (unsigned long long)c->hs_frames[2]);
}

static inline void trec_on_segment(void *ctx, struct tr_conn *c, const struct tr_seg *s)
{
    struct trec *r = ctx;
    trec_check(r, c);
    if (r->nsegs < TREC_SEGS)
        r->segs[r->nsegs++] = *s;
    if (!r->segments)
        return;
    tlog_add(&r->log, "seg %llu f%llu %s ", (unsigned long long)c->id,
             (unsigned long long)s->frame, trec_dir(s->dir));
    trec_flags(&r->log, s->flags);
    tlog_add(&r->log, " rel=%u len=%u off=%llu ackoff=%lld%s%s\n", s->rel_seq, s->len,
             (unsigned long long)s->offset, (long long)s->ack_offset,
             s->retransmission ? " rtx" : "", s->out_of_order ? " ooo" : "");
}

static inline void trec_on_data(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t off,
                                const uint8_t *data, size_t len, uint64_t frame, tr_time ts)
{
    struct trec *r = ctx;
    (void)ts;
    trec_check(r, c);
    tlog_add(&r->log, "data %llu %s %llu+%zu f%llu", (unsigned long long)c->id, trec_dir(dir),
             (unsigned long long)off, len, (unsigned long long)frame);
    if (!r->quiet_data) {
        tlog_add(&r->log, " ");
        tlog_esc(&r->log, data, len, 48);
    }
    tlog_add(&r->log, "\n");
    struct tlog *st = trec_stream(r, c, dir);
    if (st) {
        if (st->n != off)
            r->offset_errors++;
        tlog_reserve(st, len);
        memcpy(st->s + st->n, data, len);
        st->n += len;
    }
}

static inline void trec_on_gap(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t off,
                               uint64_t len, uint64_t frame, tr_time ts)
{
    struct trec *r = ctx;
    (void)ts;
    trec_check(r, c);
    tlog_add(&r->log, "gap %llu %s %llu+%llu f%llu\n", (unsigned long long)c->id, trec_dir(dir),
             (unsigned long long)off, (unsigned long long)len, (unsigned long long)frame);
    struct tlog *st = trec_stream(r, c, dir);
    if (st && len < (1u << 20)) {
        if (st->n != off)
            r->offset_errors++;
        tlog_reserve(st, (size_t)len);
        memset(st->s + st->n, '#', (size_t)len);
        st->n += (size_t)len;
    }
}

static inline void trec_on_fin(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t frame,
                               tr_time ts)
{
    struct trec *r = ctx;
    (void)ts;
    trec_check(r, c);
    tlog_add(&r->log, "fin %llu %s f%llu\n", (unsigned long long)c->id, trec_dir(dir),
             (unsigned long long)frame);
}

static inline void trec_on_close(void *ctx, struct tr_conn *c)
{
    struct trec *r = ctx;
    static const char *const how[] = {"none", "fin", "rst", "end"};
    trec_check(r, c);
    r->closes++;
    tlog_add(&r->log, "close %llu %s %s f%llu,%llu bytes=%llu/%llu gaps=%llu/%llu\n",
             (unsigned long long)c->id, how[c->close_how],
             c->close_initiator == TR_DIR_C2S   ? "client"
             : c->close_initiator == TR_DIR_S2C ? "server"
                                                : "-",
             (unsigned long long)c->close_frames[0], (unsigned long long)c->close_frames[1],
             (unsigned long long)c->side[0].bytes, (unsigned long long)c->side[1].bytes,
             (unsigned long long)c->side[0].gap_bytes, (unsigned long long)c->side[1].gap_bytes);
    if (c->id <= TREC_CONNS)
        r->closed[c->id] = true;
}

static inline void trec_on_note(void *ctx, struct tr_conn *c, uint64_t frame,
                                enum tr_note_kind kind, const char *detail)
{
    struct trec *r = ctx;
    if (c) {
        trec_check(r, c);
        tlog_add(&r->log, "note %llu", (unsigned long long)c->id);
    } else {
        tlog_add(&r->log, "note -");
    }
    tlog_add(&r->log, " f%llu %s: %s\n", (unsigned long long)frame, tr_note_name(kind), detail);
}

static inline enum tr_role_hint trec_classify(void *ctx, const uint8_t *data, size_t len)
{
    struct trec *r = ctx;
    return r->classify ? r->classify(ctx, data, len) : TR_ROLE_UNKNOWN;
}

/* wip-tracer (issue 17): UDP datagrams on watched ports */
static inline void trec_on_datagram(void *ctx, const struct tr_datagram *d)
{
    struct trec *r = ctx;
    tlog_add(&r->log, "dgram ");
    trec_endpoint(&r->log, &d->src);
    tlog_add(&r->log, ">");
    trec_endpoint(&r->log, &d->dst);
    tlog_add(&r->log, " len=%u cap=%u f%llu%s%s\n", d->len, d->caplen,
             (unsigned long long)d->frame, d->tunnel[0] ? " via " : "", d->tunnel);
}

static inline void trec_sink(struct trec *r, struct tr_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = r;
    out->on_conn = trec_on_conn;
    out->on_handshake = trec_on_handshake;
    out->on_segment = trec_on_segment;
    out->on_data = trec_on_data;
    out->on_gap = trec_on_gap;
    out->on_fin = trec_on_fin;
    out->on_close = trec_on_close;
    out->on_note = trec_on_note;
    out->classify = trec_classify;
    out->on_datagram = trec_on_datagram;
}

static inline void trec_free(struct trec *r)
{
    tlog_free(&r->log);
    for (int i = 0; i <= TREC_CONNS; i++)
        for (int d = 0; d < 2; d++)
            tlog_free(&r->stream[i][d]);
}

/* ------------------------------------------------ recording dec_sink -- */

/* Records a decoder's events as lines of its log, in order:
 *   conn 1
 *   stage request_line x0 c2s 0+16 method="GET" target="/" version="HTTP/1.1"
 *   stage request_headers x0 c2s 16+9 [Host: a]
 *   exchange x0 "GET" "/" -> 200 ka=1 complete=1 ...
 *   note malformed_http: ...
 *   end 1 exchanges=1
 * With `frames` set, stages and notes also carry their frames (f4,5). */
struct drec {
    struct tlog log;
    bool frames;
    bool segments;           /* log on_segment */
    uint64_t stages, exchanges, notes, ends;
};

static inline void drec_str(struct tlog *l, const char *name, struct dec_str s)
{
    tlog_add(l, " %s=", name);
    if (!s.p)
        tlog_add(l, "null");
    else
        tlog_esc(l, s.p, s.len, 64);
}

static inline void drec_headers(struct tlog *l, const struct dec_header *h, size_t n)
{
    tlog_add(l, " [");
    for (size_t i = 0; i < n; i++) {
        if (i)
            tlog_add(l, "|");
        tlog_raw(l, h[i].name.p, h[i].name.len);
        tlog_add(l, ": ");
        tlog_raw(l, h[i].value.p, h[i].value.len);
    }
    tlog_add(l, "]");
}

static inline void drec_on_conn(void *ctx, struct dec_conn *c)
{
    struct drec *r = ctx;
    tlog_add(&r->log, "conn %llu\n", (unsigned long long)c->id);
}

static inline void drec_on_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    struct drec *r = ctx;
    struct tlog *l = &r->log;
    static const struct dec_msg none = {0};
    const struct dec_msg *m = s->msg ? s->msg : &none;
    (void)c;
    r->stages++;
    tlog_add(l, "stage %s", dec_stage_name(s->kind));
    if (s->exchange >= 0)
        tlog_add(l, " x%lld", (long long)s->exchange);
    tlog_add(l, " %s %llu+%llu", trec_dir(s->dir), (unsigned long long)s->offset,
             (unsigned long long)s->length);
    switch (s->kind) {
    case DEC_STAGE_REQUEST_LINE:
        drec_str(l, "method", m->method);
        drec_str(l, "target", m->target);
        drec_str(l, "version", m->version);
        break;
    case DEC_STAGE_STATUS_LINE:
        tlog_add(l, " %d", m->status);
        drec_str(l, "reason", m->reason);
        drec_str(l, "version", m->version);
        if (m->interim)
            tlog_add(l, " interim");
        break;
    case DEC_STAGE_REQUEST_HEADERS:
    case DEC_STAGE_RESPONSE_HEADERS:
        drec_headers(l, m->headers, m->nheaders);
        if (m->interim)
            tlog_add(l, " interim");
        break;
    case DEC_STAGE_REQUEST_BLANK_LINE:
    case DEC_STAGE_RESPONSE_BLANK_LINE:
        if (m->interim)
            tlog_add(l, " interim");
        break;
    case DEC_STAGE_REQUEST_BODY:
    case DEC_STAGE_RESPONSE_BODY:
        tlog_add(l, " %s chunks=%llu body=%llu", dec_framing_name(m->framing) ? dec_framing_name(m->framing) : "none",
                 (unsigned long long)m->chunks, (unsigned long long)m->body_length);
        if (m->content_encoding.p)
            drec_str(l, "ce", m->content_encoding);
        tlog_add(l, " decoded=%lld", (long long)m->decoded_length);
        if (m->gap_bytes)
            tlog_add(l, " gap=%llu", (unsigned long long)m->gap_bytes);
        if (s->preview_len) {
            tlog_add(l, " preview=");
            tlog_esc(l, s->preview, s->preview_len, 40);
        }
        if (s->decoded_len && s->decoded != s->preview) {
            tlog_add(l, " text=");
            tlog_esc(l, s->decoded, s->decoded_len, 40);
        }
        break;
    case DEC_STAGE_CLOSE:
        tlog_add(l, " %s %s",
                 s->how == TR_CLOSE_FIN   ? "fin"
                 : s->how == TR_CLOSE_RST ? "rst"
                                          : "end",
                 s->initiator == TR_DIR_C2S   ? "client"
                 : s->initiator == TR_DIR_S2C ? "server"
                                              : "-");
        break;
    case DEC_STAGE_KEEP_ALIVE:
        tlog_add(l, " \"%s\"", s->reason_text ? s->reason_text : "(null)");
        break;
    case DEC_STAGE_HANDSHAKE:
        tlog_add(l, " rtt=%lld", (long long)s->rtt);
        break;
    default:
        break;
    }
    if (r->frames) {
        tlog_add(l, " f");
        for (size_t i = 0; i < s->nframes; i++)
            tlog_add(l, i ? ",%llu" : "%llu", (unsigned long long)s->frames[i]);
    }
    tlog_add(l, "\n");
}

static inline void drec_msg(struct tlog *l, const struct dec_msg *m)
{
    if (!m) {
        tlog_add(l, " null");
        return;
    }
    if (m->request) {
        tlog_add(l, " ");
        tlog_esc(l, m->method.p, m->method.len, 16);
        tlog_add(l, " ");
        tlog_esc(l, m->target.p, m->target.len, 40);
        if (m->host.p) {
            tlog_add(l, " host=");
            tlog_esc(l, m->host.p, m->host.len, 40);
        }
    } else {
        tlog_add(l, " %d", m->status);
    }
    const char *fr = dec_framing_name(m->framing);
    tlog_add(l, " %s/%llu/%lld%s", fr ? fr : "none", (unsigned long long)m->body_length,
             (long long)m->decoded_length, m->complete ? "" : " cut");
}

static inline void drec_on_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    struct drec *r = ctx;
    struct tlog *l = &r->log;
    (void)c;
    r->exchanges++;
    tlog_add(l, "exchange x%llu", (unsigned long long)x->index);
    drec_msg(l, x->request);
    tlog_add(l, " ->");
    for (size_t i = 0; i < x->ninterim; i++)
        tlog_add(l, " (%d)", x->interim[i]->status);
    drec_msg(l, x->response);
    tlog_add(l, " ka=%d complete=%d%s", x->keep_alive, x->complete, x->tunnel ? " tunnel" : "");
    static const struct dec_msg none = {0};
    const struct dec_msg *q = x->request ? x->request : &none;
    const struct dec_msg *rs = x->response ? x->response : &none;
    if (r->frames)
        tlog_add(l, " f%llu-%llu,%llu-%llu", (unsigned long long)q->first_frame,
                 (unsigned long long)q->last_frame, (unsigned long long)rs->first_frame,
                 (unsigned long long)rs->last_frame);
    tlog_add(l, "\n");
}

static inline void drec_on_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    struct drec *r = ctx;
    struct tlog *l = &r->log;
    r->notes++;
    tlog_add(l, "note");
    if (!c)
        tlog_add(l, " -");
    if (r->frames)
        tlog_add(l, " f%llu", (unsigned long long)n->frame);
    tlog_add(l, " %s: %s", dec_note_name(n->kind), n->detail);
    if (n->kind == DEC_NOTE_TLS) {
        drec_str(l, "sni", n->sni);
        tlog_add(l, " version=%s", n->tls_version ? n->tls_version : "null");
    }
    tlog_add(l, "\n");
}

static inline void drec_on_conn_end(void *ctx, struct dec_conn *c)
{
    struct drec *r = ctx;
    r->ends++;
    tlog_add(&r->log, "end %llu exchanges=%llu%s%s\n", (unsigned long long)c->id,
             (unsigned long long)c->exchanges, c->tls ? " tls" : "", c->not_http ? " not_http" : "");
}

static inline void drec_on_segment(void *ctx, struct dec_conn *c, const struct tr_seg *s)
{
    struct drec *r = ctx;
    (void)c;
    if (r->segments)
        tlog_add(&r->log, "seg f%llu %s\n", (unsigned long long)s->frame, trec_dir(s->dir));
}

static inline void drec_sink(struct drec *r, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = r;
    out->on_conn = drec_on_conn;
    out->on_stage = drec_on_stage;
    out->on_exchange = drec_on_exchange;
    out->on_note = drec_on_note;
    out->on_conn_end = drec_on_conn_end;
    out->on_segment = drec_on_segment;
}

/* ---------------------------------------------------------------------- */
/* Chinese: the zh_CN catalog of the build ($BUILD, else build) bound for
 * the learner's texts, in a UTF-8 locale; skips the test (cmocka's skip)
 * when the catalog or the locale is missing. */
#include <libintl.h>
#include <locale.h>

static inline void tu_zh_catalog(void)
{
    char dir[512] = "";
    const char *builds[] = {getenv("BUILD"), "build"};
    for (size_t i = 0; !dir[0] && i < 2; i++) {
        if (!builds[i])
            continue;
        char mo[600];
        snprintf(mo, sizeof mo, "%s/locale/zh_CN/LC_MESSAGES/httpstep.mo", builds[i]);
        FILE *f = fopen(mo, "rb");
        if (f) {
            fclose(f);
            snprintf(dir, sizeof dir, "%s/locale", builds[i]);
        }
    }
    if (!dir[0] || !setlocale(LC_ALL, "C.UTF-8")) {
        print_message("no zh_CN httpstep.mo or no C.UTF-8 locale: Chinese not checked\n");
        skip();
    }
    setenv("LANGUAGE", "zh_CN", 1);
    bindtextdomain("httpstep", dir);
    bind_textdomain_codeset("httpstep", "UTF-8");
    textdomain("httpstep");
}

#endif
