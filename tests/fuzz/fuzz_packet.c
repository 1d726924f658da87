/* fuzz_packet.c - one frame of a link type through tr_packet_decode, then
 * through tr_table_frame (tracer, decoder, JSON writer to /dev/null)
 *
 * Input: byte 0 picks the link type (modulo the table below); the rest is
 * the frame, caplen = its size. TCP and UDP payloads (tunnels taken off)
 * must lie in the frame.
 */
#include "fuzz_common.h"

#include <pcap/pcap.h>

static const int linktypes[] = {
    DLT_EN10MB, DLT_LINUX_SLL, 276 /* LINUX_SLL2 */, DLT_NULL, DLT_LOOP, DLT_RAW,
    228 /* IPV4 */, 229 /* IPV6 */, 239 /* NFLOG */, 101 /* LINKTYPE_RAW */,
    147 /* USER0: unsupported */,
};
#define NLINKTYPES (sizeof linktypes / sizeof linktypes[0])

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int lt = linktypes[data[0] % NLINKTYPES];
    const uint8_t *frame = data + 1;
    size_t caplen = size - 1;

    struct tr_packet pkt;
    char whybuf[TR_ERRBUF_SIZE];
    const char *why = NULL;
    memset(&pkt, 0xa5, sizeof pkt);  /* garbage in any field left unset */
    enum tr_decode_result r = tr_packet_decode(lt, frame, caplen, &pkt, whybuf, &why);
    FZ_CHECK(why != NULL, "why not set");
    switch (r) {
    case TR_PKT_UDP:
    case TR_PKT_TCP:
        FZ_CHECK(pkt.src.family == 4 || pkt.src.family == 6, "family %u", pkt.src.family);
        FZ_CHECK(pkt.src.family == pkt.dst.family, "families differ");
        FZ_CHECK(pkt.caplen <= pkt.len, "caplen %u > len %u", pkt.caplen, pkt.len);
        FZ_CHECK(pkt.payload >= frame && pkt.payload <= frame + caplen, "payload outside the frame");
        FZ_CHECK(pkt.caplen <= (size_t)(frame + caplen - pkt.payload), "caplen %u past the frame",
                 pkt.caplen);
        FZ_CHECK(r == TR_PKT_UDP || (pkt.opts.wscale >= -1 && pkt.opts.wscale <= 14), "wscale %d",
                 pkt.opts.wscale);
        FZ_CHECK(pkt.opts.nsack <= TR_SACK_MAX, "nsack %u", pkt.opts.nsack);
        FZ_CHECK(pkt.proto == (r == TR_PKT_TCP ? TR_PROTO_TCP : TR_PROTO_UDP), "proto %u",
                 pkt.proto);
        FZ_CHECK(pkt.ntunnels <= TR_TUNNEL_MAX_DEPTH, "%u tunnels", pkt.ntunnels);
        break;
    case TR_PKT_OTHER:
    case TR_PKT_ESP:
        break;
    case TR_PKT_TRUNCATED:
    case TR_PKT_MALFORMED:
    case TR_PKT_FRAGMENT:
    case TR_PKT_UNSUPPORTED:
    case TR_PKT_TOO_DEEP:
        FZ_CHECK(why[0] != '\0', "result %d without a reason", (int)r);
        FZ_CHECK(strlen(why) < TR_ERRBUF_SIZE, "reason too long");
        break;
    default:
        FZ_CHECK(0, "result %d", (int)r);
    }
    FZ_CHECK((r == TR_PKT_UNSUPPORTED) == !tr_linktype_supported(lt), "link type %d: result %d", lt,
             (int)r);

    /* the same frame through the table, as httpstep.c feeds it */
    struct fz_pipe p;
    struct fz_pipe_opts o = {.format = REP_FORMAT_JSON};
    fz_pipe_init(&p, &o);
    struct tr_frame f = {1, 1600000000000000LL, (uint32_t)caplen, (uint32_t)caplen, lt, -1, frame};
    tr_table_frame(p.table, &f);
    fz_pipe_done(&p, 1, caplen);
    return 0;
}
