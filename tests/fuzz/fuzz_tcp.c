/* fuzz_tcp.c - a sequence of TCP segments between two hosts through
 * tr_table_packet, with the decoder and a writer attached
 *
 * Input (mkseeds.py writes the same format):
 *   h0: bits 0-1 max_ooo {default, 100, 2000, 65536}; bits 2-3 max_conns
 *       {default, 1, 2, 3}; bit 4 only_server_ports; bit 5 server port 8080
 *       (else 80); bit 6 -p that port (else: detect by content); bit 7 IPv6
 *   h1: bit 0 body preview 64; bit 1 --text writer (else JSON); bit 2 no
 *       content decoding; bit 3 small limits (head 200 bytes, 4 headers,
 *       2 pipelined requests)
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

#define NSLOTS 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const size_t oooc[4] = {0, 100, 2000, 65536};
    static const tr_time steps[4] = {0, 1000, 200000, 40000000};
    struct fz in = {data, size};
    uint8_t h0 = fz_u8(&in), h1 = fz_u8(&in);
    uint16_t sport = (h0 & 0x20) ? 8080 : 80;
    struct fz_pipe_opts o = {
        .format = (h1 & 2) ? UI_FORMAT_TEXT : UI_FORMAT_JSON,
        .ports = &sport, .nports = (h0 & 0x40) ? 1 : 0,
        .only_server_ports = (h0 & 0x10) != 0,
        .max_conns = (h0 >> 2) & 3, .max_ooo = oooc[h0 & 3],
        .preview = (h1 & 1) ? 64 : 0, .no_content = (h1 & 4) != 0,
    };
    if (h1 & 8) {
        o.max_header = 200;
        o.max_headers = 4;
        o.max_pipeline = 2;
    }
    struct fz_pipe p;
    fz_pipe_init(&p, &o);

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
    uint32_t next[NSLOTS][2];
    for (int i = 0; i < NSLOTS; i++) {
        next[i][TR_DIR_C2S] = 1000;
        next[i][TR_DIR_S2C] = 0xfffff000u;
    }
    tr_time ts = 1600000000000000LL;
    uint64_t frame = 0, bytes = 0;
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
        tr_table_packet(p.table, &pkt, frame, ts, -1);
        free(copy);
        next[slot][dir] = pkt.seq + len + ((pkt.flags & TR_TCP_SYN) ? 1 : 0) +
                          ((pkt.flags & TR_TCP_FIN) ? 1 : 0);
    }
    fz_pipe_done(&p, frame, bytes);
    return 0;
}
