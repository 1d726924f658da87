/* packet.c - link layer, IPv4, IPv6 and TCP header decoding
 *
 * Every field is read through the cursor of tracer_int.h; every length field
 * is checked against what was captured and against the enclosing header.
 * Checksums are not verified: local captures carry offloaded, unfinished ones.
 */
#include "tracer.h"
#include "tracer_int.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_VLAN 0x8100  /* IEEE 802.1Q */
#define ETHERTYPE_QINQ 0x88a8  /* IEEE 802.1ad */
#define ETHERTYPE_QINQ_OLD 0x9100
#define ETHERTYPE_PPPOE 0x8864 /* RFC 2516 session stage */
#define ETHERTYPE_MPLS 0x8847  /* RFC 3032 */
#define ETHERTYPE_MPLS_MC 0x8848
#define MAX_MPLS_LABELS 8
#define MAX_VLAN_TAGS 8

#define NFLOG_TLV_PAYLOAD 9

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

struct decode_ctx {
    struct tr_packet *pkt;
    char *whybuf;
    const char **why;
};

static enum tr_decode_result fail(struct decode_ctx *d, enum tr_decode_result r, const char *fmt,
                                  unsigned a, unsigned b)
{
    snprintf(d->whybuf, TR_ERRBUF_SIZE, fmt, a, b);
    *d->why = d->whybuf;
    return r;
}

/* ---------------------------------------------------------------- TCP -- */

static void tcp_options(struct tr_cur *c, struct tr_tcp_opts *o)
{
    while (cur_left(c) > 0) {
        uint8_t kind = cur_u8(c);
        if (kind == 0)  /* end of option list */
            break;
        if (kind == 1)  /* no-operation */
            continue;
        uint8_t len = cur_u8(c);
        if (c->trunc || len < 2 || !cur_has(c, (size_t)len - 2))
            break;  /* a bad option ends parsing; the segment still counts */
        struct tr_cur opt;
        cur_init(&opt, c->p, (size_t)len - 2);
        cur_skip(c, (size_t)len - 2);
        switch (kind) {
        case 2:  /* MSS, RFC 9293 3.2 */
            if (len == 4)
                o->mss = cur_be16(&opt);
            break;
        case 3:  /* window scale, RFC 7323 2.2 */
            if (len == 3) {
                uint8_t shift = cur_u8(&opt);
                o->wscale = (int8_t)(shift > 14 ? 14 : shift);  /* RFC 7323 2.3 */
            }
            break;
        case 4:  /* SACK permitted, RFC 2018 */
            if (len == 2)
                o->sack_ok = true;
            break;
        case 8:  /* timestamps, RFC 7323 3.2 */
            if (len == 10) {
                o->has_ts = true;
                o->ts_val = cur_be32(&opt);
                o->ts_ecr = cur_be32(&opt);
            }
            break;
        default:
            break;
        }
    }
}

/* seglen: the TCP segment's length per the IP header (header + payload) */
static enum tr_decode_result decode_tcp(struct decode_ctx *d, const uint8_t *p, size_t caplen,
                                        size_t seglen)
{
    struct tr_packet *pkt = d->pkt;
    struct tr_cur c;
    cur_init(&c, p, caplen < seglen ? caplen : seglen);
    pkt->sport = cur_be16(&c);
    pkt->dport = cur_be16(&c);
    pkt->seq = cur_be32(&c);
    pkt->ack = cur_be32(&c);
    uint8_t off = cur_u8(&c) >> 4;
    pkt->flags = cur_u8(&c);
    pkt->window = cur_be16(&c);
    cur_skip(&c, 4);  /* checksum, urgent pointer */
    if (c.trunc) {
        if (seglen < 20)
            return fail(d, TR_PKT_MALFORMED, "TCP segment of %u bytes is shorter than its header",
                        (unsigned)seglen, 0);
        return fail(d, TR_PKT_TRUNCATED, "TCP header cut by the snaplen (%u of 20 bytes)",
                    (unsigned)caplen, 0);
    }
    size_t hlen = (size_t)off * 4;
    if (off < 5)  /* tcpdump print-tcp.c: hlen < sizeof(*tp) */
        return fail(d, TR_PKT_MALFORMED, "invalid TCP data offset %u", off, 0);
    if (hlen > seglen)
        return fail(d, TR_PKT_MALFORMED, "TCP data offset %u is past the segment's %u bytes", off,
                    (unsigned)seglen);
    if (!cur_has(&c, hlen - 20))
        return fail(d, TR_PKT_TRUNCATED, "TCP options cut by the snaplen (%u of %u header bytes)",
                    (unsigned)(caplen < seglen ? caplen : seglen), (unsigned)hlen);
    memset(&pkt->opts, 0, sizeof pkt->opts);
    pkt->opts.wscale = -1;
    struct tr_cur oc;
    cur_init(&oc, c.p, hlen - 20);
    tcp_options(&oc, &pkt->opts);
    cur_skip(&c, hlen - 20);
    pkt->payload = c.p;
    pkt->len = (uint32_t)(seglen - hlen);
    pkt->caplen = (uint32_t)cur_left(&c);
    return TR_PKT_TCP;
}

/* --------------------------------------------------------------- IPv4 -- */

static enum tr_decode_result decode_ipv4(struct decode_ctx *d, const uint8_t *p, size_t caplen)
{
    struct tr_packet *pkt = d->pkt;
    struct tr_cur c;
    cur_init(&c, p, caplen);
    uint8_t vhl = cur_u8(&c);
    cur_skip(&c, 1);  /* DSCP, ECN */
    uint16_t total = cur_be16(&c);
    cur_skip(&c, 2);  /* identification */
    uint16_t frag = cur_be16(&c);
    cur_skip(&c, 1);  /* TTL */
    uint8_t proto = cur_u8(&c);
    cur_skip(&c, 2);  /* header checksum, not verified */
    pkt->src.family = pkt->dst.family = 4;
    memset(pkt->src.a, 0, sizeof pkt->src.a);
    memset(pkt->dst.a, 0, sizeof pkt->dst.a);
    cur_copy(&c, pkt->src.a, 4);
    cur_copy(&c, pkt->dst.a, 4);
    if (c.trunc)
        return fail(d, TR_PKT_TRUNCATED, "IPv4 header cut by the snaplen (%u of 20 bytes)",
                    (unsigned)caplen, 0);
    if (vhl >> 4 != 4)
        return fail(d, TR_PKT_MALFORMED, "IP version %u in an IPv4 frame", vhl >> 4, 0);
    size_t hlen = (size_t)(vhl & 0x0f) * 4;
    if (hlen < 20)
        return fail(d, TR_PKT_MALFORMED, "invalid IPv4 header length %u", (unsigned)hlen, 0);
    /* A total length of 0 is what TCP segmentation offload leaves in
     * captures of outgoing packets: take the captured length (Wireshark's
     * choice). Bytes past the total length are link padding. */
    size_t len = total ? total : caplen;
    if (len < hlen)
        return fail(d, TR_PKT_MALFORMED, "IPv4 total length %u is less than its header length %u",
                    total, (unsigned)hlen);
    if (!cur_has(&c, hlen - 20))
        return fail(d, TR_PKT_TRUNCATED, "IPv4 options cut by the snaplen (%u of %u bytes)",
                    (unsigned)caplen, (unsigned)hlen);
    cur_skip(&c, hlen - 20);  /* options: nothing in them changes the reading */
    if (proto != 6)
        return TR_PKT_OTHER;
    if ((frag & 0x3fff) != 0)  /* more fragments, or a fragment offset */
        return fail(d, TR_PKT_FRAGMENT, "IPv4 fragment (offset %u, MF=%u): not reassembled",
                    (unsigned)(frag & 0x1fff) * 8, (frag & 0x2000) ? 1 : 0);
    return decode_tcp(d, c.p, cur_left(&c), len - hlen);
}

/* --------------------------------------------------------------- IPv6 -- */

static enum tr_decode_result decode_ipv6(struct decode_ctx *d, const uint8_t *p, size_t caplen)
{
    struct tr_packet *pkt = d->pkt;
    struct tr_cur c;
    cur_init(&c, p, caplen);
    uint32_t vtf = cur_be32(&c);
    uint16_t plen = cur_be16(&c);
    uint8_t next = cur_u8(&c);
    cur_skip(&c, 1);  /* hop limit */
    pkt->src.family = pkt->dst.family = 6;
    cur_copy(&c, pkt->src.a, 16);
    cur_copy(&c, pkt->dst.a, 16);
    if (c.trunc)
        return fail(d, TR_PKT_TRUNCATED, "IPv6 header cut by the snaplen (%u of 40 bytes)",
                    (unsigned)caplen, 0);
    if (vtf >> 28 != 6)
        return fail(d, TR_PKT_MALFORMED, "IP version %u in an IPv6 frame", vtf >> 28, 0);
    /* payload length 0: a jumbogram or offload (see IPv4); take what was captured */
    size_t left = plen ? plen : cur_left(&c);
    /* RFC 8200 4: walk the extension header chain */
    for (int hops = 0; hops <= 16; hops++) {  /* up to 16 extension headers, then TCP */
        switch (next) {
        case 6: /* TCP */
            return decode_tcp(d, c.p, cur_left(&c), left);
        case 0:  /* hop-by-hop options */
        case 43: /* routing */
        case 60: /* destination options */
        case 51: /* authentication header, RFC 4302: length in 4-byte units */
        {
            uint8_t nh = cur_u8(&c);
            uint8_t hl = cur_u8(&c);
            if (c.trunc)
                return fail(d, TR_PKT_TRUNCATED, "IPv6 extension header %u cut by the snaplen",
                            next, 0);
            size_t elen = next == 51 ? ((size_t)hl + 2) * 4 : ((size_t)hl + 1) * 8;
            if (elen > left)
                return fail(d, TR_PKT_MALFORMED,
                            "IPv6 extension header %u of %u bytes is past the payload", next,
                            (unsigned)elen);
            if (!cur_has(&c, elen - 2))
                return fail(d, TR_PKT_TRUNCATED, "IPv6 extension header %u cut by the snaplen",
                            next, 0);
            cur_skip(&c, elen - 2);
            left -= elen;
            next = nh;
            break;
        }
        case 44: /* fragment, RFC 8200 4.5 */
        {
            uint8_t nh = cur_u8(&c);
            cur_skip(&c, 1);
            uint16_t fo = cur_be16(&c);
            cur_skip(&c, 4);
            if (c.trunc)
                return fail(d, TR_PKT_TRUNCATED, "IPv6 fragment header cut by the snaplen", 0, 0);
            if (left < 8)
                return fail(d, TR_PKT_MALFORMED, "IPv6 fragment header past the payload", 0, 0);
            left -= 8;
            if ((fo & 0xfff9) != 0)  /* offset or more-fragments: a real fragment */
                return fail(d, TR_PKT_FRAGMENT, "IPv6 fragment (offset %u, M=%u): not reassembled",
                            (unsigned)(fo >> 3) * 8, fo & 1);
            next = nh;  /* an atomic fragment (RFC 6946) is the whole packet */
            break;
        }
        default: /* no next header (59), ESP (50), UDP, ICMPv6 ... */
            return TR_PKT_OTHER;
        }
    }
    return fail(d, TR_PKT_MALFORMED, "IPv6 extension header chain longer than 16", 0, 0);
}

/* ---------------------------------------------------------- link layer -- */

static enum tr_decode_result by_ip_version(struct decode_ctx *d, const uint8_t *p, size_t len);

static enum tr_decode_result by_ethertype(struct decode_ctx *d, uint16_t type, struct tr_cur *c)
{
    /* 802.1Q / 802.1ad tags (possibly stacked): TCI, then the next type */
    for (int i = 0; i < MAX_VLAN_TAGS &&
                    (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD);
         i++) {
        cur_skip(c, 2);
        type = cur_be16(c);
        if (c->trunc)
            return fail(d, TR_PKT_TRUNCATED, "VLAN tag cut by the snaplen", 0, 0);
    }
    if (type == ETHERTYPE_PPPOE) {
        cur_skip(c, 6);  /* version and type, code, session id, length */
        uint16_t proto = cur_be16(c);
        if (c->trunc)
            return fail(d, TR_PKT_TRUNCATED, "PPPoE header cut by the snaplen", 0, 0);
        if (proto == 0x0021)  /* PPP: IPv4 */
            return decode_ipv4(d, c->p, cur_left(c));
        if (proto == 0x0057)  /* PPP: IPv6 */
            return decode_ipv6(d, c->p, cur_left(c));
        return TR_PKT_OTHER;
    }
    if (type == ETHERTYPE_MPLS || type == ETHERTYPE_MPLS_MC) {
        for (int i = 0; i < MAX_MPLS_LABELS; i++) {
            uint32_t label = cur_be32(c);
            if (c->trunc)
                return fail(d, TR_PKT_TRUNCATED, "MPLS label cut by the snaplen", 0, 0);
            if (label & 0x100)  /* bottom of the stack: IP follows */
                return by_ip_version(d, c->p, cur_left(c));
        }
        return TR_PKT_OTHER;
    }
    if (type == ETHERTYPE_IPV4)
        return decode_ipv4(d, c->p, cur_left(c));
    if (type == ETHERTYPE_IPV6)
        return decode_ipv6(d, c->p, cur_left(c));
    return TR_PKT_OTHER;
}

static enum tr_decode_result by_ip_version(struct decode_ctx *d, const uint8_t *p, size_t len)
{
    if (len < 1)
        return fail(d, TR_PKT_TRUNCATED, "empty IP packet", 0, 0);
    switch (p[0] >> 4) {
    case 4:
        return decode_ipv4(d, p, len);
    case 6:
        return decode_ipv6(d, p, len);
    default:
        return TR_PKT_OTHER;
    }
}

/* BSD loopback: the address family, in the byte order of the machine that
 * captured (DLT_NULL) or in network order (DLT_LOOP). */
static enum tr_decode_result by_bsd_af(struct decode_ctx *d, uint32_t af, struct tr_cur *c)
{
    switch (af) {
    case 2: /* AF_INET everywhere */
        return decode_ipv4(d, c->p, cur_left(c));
    case 10: /* Linux */
    case 24: /* NetBSD, OpenBSD, BSD/OS */
    case 28: /* FreeBSD */
    case 30: /* macOS */
        return decode_ipv6(d, c->p, cur_left(c));
    default:
        return TR_PKT_OTHER;
    }
}

static enum tr_decode_result decode_nflog(struct decode_ctx *d, struct tr_cur *c)
{
    cur_skip(c, 4);  /* family, version, resource id */
    if (c->trunc)
        return fail(d, TR_PKT_TRUNCATED, "NFLOG header cut by the snaplen", 0, 0);
    /* TLVs: length (host order of the capturing machine, taken as little
     * endian as Linux on x86 and ARM writes it), type, value, padded to 4 */
    while (cur_left(c) >= 4) {
        uint16_t tlen = cur_le16(c);
        uint16_t type = cur_le16(c);
        if (tlen < 4)
            return fail(d, TR_PKT_MALFORMED, "NFLOG TLV length %u is too short", tlen, 0);
        size_t vlen = (size_t)tlen - 4;
        if ((type & 0x7fff) == NFLOG_TLV_PAYLOAD) {
            size_t have = cur_left(c) < vlen ? cur_left(c) : vlen;
            return by_ip_version(d, c->p, have);
        }
        size_t padded = (vlen + 3) & ~(size_t)3;
        if (!cur_has(c, vlen))
            return fail(d, TR_PKT_TRUNCATED, "NFLOG TLV cut by the snaplen", 0, 0);
        cur_skip(c, cur_has(c, padded) ? padded : vlen);
    }
    if (cur_left(c) > 0)
        return fail(d, TR_PKT_TRUNCATED, "NFLOG TLV cut by the snaplen", 0, 0);
    return TR_PKT_OTHER;
}

bool tr_linktype_supported(int lt)
{
    switch (lt) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_NULL:
    case DLT_LOOP:
    case DLT_RAW:
    case DLT_IPV4:
    case DLT_IPV6:
    case DLT_NFLOG:
        return true;
    case 101:  /* LINKTYPE_RAW, should libpcap not map it to DLT_RAW */
        return true;
    default:
        return false;
    }
}

enum tr_decode_result tr_packet_decode(int lt, const uint8_t *data, size_t caplen,
                                       struct tr_packet *pkt, char *whybuf, const char **why)
{
    struct decode_ctx d = {pkt, whybuf, why};
    struct tr_cur c;
    cur_init(&c, data, caplen);
    *why = "";
    switch (lt) {
    case DLT_EN10MB: {
        cur_skip(&c, 12);  /* destination, source */
        uint16_t type = cur_be16(&c);
        if (c.trunc)
            return fail(&d, TR_PKT_TRUNCATED, "Ethernet header cut by the snaplen (%u of 14 bytes)",
                        (unsigned)caplen, 0);
        return by_ethertype(&d, type, &c);
    }
    case DLT_LINUX_SLL: {
        cur_skip(&c, 14);  /* packet type, ARPHRD, address length, address */
        uint16_t type = cur_be16(&c);
        if (c.trunc)
            return fail(&d, TR_PKT_TRUNCATED, "Linux cooked header cut by the snaplen", 0, 0);
        return by_ethertype(&d, type, &c);
    }
    case DLT_LINUX_SLL2: {
        uint16_t type = cur_be16(&c);
        cur_skip(&c, 18);  /* reserved, ifindex, ARPHRD, packet type, address */
        if (c.trunc)
            return fail(&d, TR_PKT_TRUNCATED, "Linux cooked v2 header cut by the snaplen", 0, 0);
        return by_ethertype(&d, type, &c);
    }
    case DLT_NULL: {
        uint32_t af = cur_le32(&c);
        if (c.trunc)
            return fail(&d, TR_PKT_TRUNCATED, "loopback header cut by the snaplen", 0, 0);
        if (af > 0xffff)  /* written on a big-endian machine */
            af = __builtin_bswap32(af);
        return by_bsd_af(&d, af, &c);
    }
    case DLT_LOOP: {
        uint32_t af = cur_be32(&c);
        if (c.trunc)
            return fail(&d, TR_PKT_TRUNCATED, "loopback header cut by the snaplen", 0, 0);
        return by_bsd_af(&d, af, &c);
    }
    case DLT_IPV4:
        return decode_ipv4(&d, data, caplen);
    case DLT_IPV6:
        return decode_ipv6(&d, data, caplen);
    case DLT_NFLOG:
        return decode_nflog(&d, &c);
    case DLT_RAW:
    case 101:
        return by_ip_version(&d, data, caplen);
    default:
        return fail(&d, TR_PKT_UNSUPPORTED, "link type %u is not supported", (unsigned)lt, 0);
    }
}
