/* fuzz_tcp.c - a sequence of TCP segments between two hosts through
 * tr_table_packet, with the decoder and a writer attached
 *
 * Input (mkseeds.py writes the same format):
 *   h0: bits 0-1 max_ooo {default, 100, 2000, 65536}; bits 2-3 max_conns
 *       {default, 1, 2, 3}; bit 4 only_server_ports; bit 5 server port 8080
 *       (else 80); bit 6 -p that port (else: detect by content); bit 7 IPv6
 *   h1: bit 0 body preview 64; bit 1 --text writer (else JSON); bit 2 no
 *       content decoding; bit 3 small limits (head 200 bytes, 4 headers,
 *       2 pipelined requests); bit 4 retransmissions are compared by
 *       reading the first copy back (each segment is kept as a raw IP frame
 *       at "file offset" = its index); bit 5 and the frame read back is the
 *       next one (a file that changed); bit 6 follow only connection 0;
 *       bits 7 and 5 (both: it is slow) first 1100 other connections open
 *       with a SYN each (client ports 50000 + n), so that the table grows;
 *       bit 7 without bit 5: the exports too (HTML, Markdown, SVG, HAR)
 *   then segments, each:
 *   c: bit 0 direction (0 client -> server); bits 1-2 connection (client
 *      port 40000 + n); bit 3 seq is a u32 (else an s16 added to the
 *      sender's next sequence number); bit 4 ack is a u32 (else an s16 added
 *      to the peer's next sequence number); bit 5 a caplen byte follows the
 *      length; bits 6-7 time step {0, 1 ms, 200 ms, 40 s}
 *   flags (u8), seq (u32 or s16), ack (u32 or s16), length (u8; 255: a u16
 *   follows), [caplen (u8)], then the payload: up to `length` bytes of the
 *   input (fewer at its end: the rest counts as cut by the snaplen).
 * "next sequence number" is the last segment's seq + length (+1 for SYN,
 * +1 for FIN); it starts at 1000 (client) and 0xfffff000 (server, so that
 * sequence numbers wrap).
 */
#include "fuzz_common.h"

#include <pcap/pcap.h>

#define NSLOTS 4

/* the segments as raw IP frames, for tr_table_opts.reread */
struct frames {
    uint8_t **v;
    uint32_t *len;
    size_t n, cap;
    bool shift;
};

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void frame_add(struct frames *fr, const struct tr_packet *pkt)
{
    size_t ip = pkt->src.family == 6 ? 40 : 20, n = ip + 20 + pkt->caplen;
    uint8_t *f = calloc(1, n);
    if (pkt->src.family == 6) {
        f[0] = 0x60;
        put16(f + 4, (uint16_t)(20 + pkt->len));
        f[6] = 6;
        memcpy(f + 8, pkt->src.a, 16);
        memcpy(f + 24, pkt->dst.a, 16);
    } else {
        f[0] = 0x45;
        put16(f + 2, (uint16_t)(40 + pkt->len));
        f[9] = 6;
        memcpy(f + 12, pkt->src.a, 4);
        memcpy(f + 16, pkt->dst.a, 4);
    }
    uint8_t *t = f + ip;
    put16(t, pkt->sport);
    put16(t + 2, pkt->dport);
    put32(t + 4, pkt->seq);
    put32(t + 8, pkt->ack);
    t[12] = 5 << 4;
    t[13] = pkt->flags;
    put16(t + 14, pkt->window);
    if (pkt->caplen)
        memcpy(t + 20, pkt->payload, pkt->caplen);
    if (fr->n == fr->cap) {
        fr->cap = fr->cap ? fr->cap * 2 : 64;
        fr->v = realloc(fr->v, fr->cap * sizeof *fr->v);
        fr->len = realloc(fr->len, fr->cap * sizeof *fr->len);
    }
    fr->v[fr->n] = f;
    fr->len[fr->n++] = (uint32_t)n;
}

static bool reread(void *ctx, int64_t off, uint64_t frame, struct tr_frame *out)
{
    struct frames *fr = ctx;
    if (off < 0 || (uint64_t)off >= fr->n)
        return false;
    size_t i = (size_t)off;
    if (fr->shift)
        i = (i + 1) % fr->n;
    *out = (struct tr_frame){frame, 0, fr->len[i], fr->len[i], DLT_RAW, off, fr->v[i]};
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t oooc[4] = {0, 100, 2000, 65536};
    static const tr_time steps[4] = {0, 1000, 200000, 40000000};
    struct fz in = {data, size};
    uint8_t h0 = fz_u8(&in), h1 = fz_u8(&in);
    uint16_t sport = (h0 & 0x20) ? 8080 : 80;
    struct fz_pipe_opts o = {
        .format = (h1 & 2) ? REP_FORMAT_TEXT : REP_FORMAT_JSON,
        .ports = &sport, .nports = (h0 & 0x40) ? 1 : 0,
        .only_server_ports = (h0 & 0x10) != 0,
        .max_conns = (h0 >> 2) & 3, .max_ooo = oooc[h0 & 3],
        .preview = (h1 & 1) ? 64 : 0, .no_content = (h1 & 4) != 0,
        .exports = (h1 & 0xa0) == 0x80,
    };
    if (h1 & 8) {
        o.max_header = 200;
        o.max_headers = 4;
        o.max_pipeline = 2;
    }
    struct frames fr = {.shift = (h1 & 0x20) != 0};
    if (h1 & 0x10) {
        o.reread = reread;
        o.reread_ctx = &fr;
    }

    struct tr_addr ca = {0}, sa = {0};
    if (h0 & 0x80) {
        ca.family = sa.family = 6;
        ca.a[0] = sa.a[0] = 0xfd;
        ca.a[15] = 1;
        sa.a[15] = 2;
    } else {
        ca.family = sa.family = 4;
        ca.a[0] = sa.a[0] = 10;
        ca.a[3] = 1;
        sa.a[3] = 2;
    }
    struct tr_endpoint only[2] = {{ca, 40000}, {sa, sport}};
    if (h1 & 0x40)
        o.only = only;
    struct fz_pipe p;
    fz_pipe_init(&p, &o);
    uint32_t next[NSLOTS][2];
    for (int i = 0; i < NSLOTS; i++) {
        next[i][TR_DIR_C2S] = 1000;
        next[i][TR_DIR_S2C] = 0xfffff000u;
    }
    tr_time ts = 1600000000000000LL;
    uint64_t frame = 0, bytes = 0;
    for (int i = 0; i < ((h1 & 0xa0) == 0xa0 ? 1100 : 0); i++) {
        struct tr_packet syn;
        memset(&syn, 0, sizeof syn);
        syn.src = ca;
        syn.dst = sa;
        syn.sport = (uint16_t)(50000 + i);
        syn.dport = sport;
        syn.seq = (uint32_t)i * 7919u;
        syn.flags = TR_TCP_SYN;
        syn.window = 65535;
        syn.opts.wscale = -1;
        syn.payload = (const uint8_t *)"";
        tr_table_packet(p.table, &syn, ++frame, ts, -1);
    }
    while (in.n > 0) {
        uint8_t c = fz_u8(&in);
        int dir = c & 1, slot = (c >> 1) & 3;
        struct tr_packet pkt;
        memset(&pkt, 0, sizeof pkt);
        pkt.flags = fz_u8(&in);
        pkt.seq = (c & 0x08) ? fz_u32(&in) : next[slot][dir] + (uint32_t)(int16_t)fz_u16(&in);
        pkt.ack = (c & 0x10) ? fz_u32(&in) : next[slot][!dir] + (uint32_t)(int16_t)fz_u16(&in);
        uint32_t len = fz_u8(&in);
        if (len == 255)
            len = fz_u16(&in);
        uint32_t cap = (c & 0x20) ? fz_u8(&in) : UINT32_MAX;
        const uint8_t *payload;
        size_t have = fz_take(&in, len, &payload);
        if (cap > have)
            cap = (uint32_t)have;
        uint16_t cport = (uint16_t)(40000 + slot);
        pkt.src = dir ? sa : ca;
        pkt.dst = dir ? ca : sa;
        pkt.sport = dir ? sport : cport;
        pkt.dport = dir ? cport : sport;
        pkt.window = 65535;
        pkt.opts.wscale = -1;
        if (pkt.flags & TR_TCP_SYN)
            pkt.opts.mss = 1460;
        pkt.len = len;
        pkt.caplen = cap;
        /* the payload in a block of its exact size, freed after the call:
         * the tracer must copy what it keeps */
        uint8_t *copy = fz_dup(payload, cap);
        pkt.payload = copy;
        ts += steps[c >> 6];
        frame++;
        bytes += cap + 40;
        int64_t off = -1;
        if (o.reread) {
            off = (int64_t)fr.n;
            frame_add(&fr, &pkt);
        }
        tr_table_packet(p.table, &pkt, frame, ts, off);
        free(copy);
        next[slot][dir] = pkt.seq + len + ((pkt.flags & TR_TCP_SYN) ? 1 : 0) +
                          ((pkt.flags & TR_TCP_FIN) ? 1 : 0);
    }
    fz_pipe_done(&p, frame, bytes);
    for (size_t i = 0; i < fr.n; i++)
        free(fr.v[i]);
    free(fr.v);
    free(fr.len);
    return 0;
}
