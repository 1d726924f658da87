/* packet.c - link layer, IPv4, IPv6, tunnels, TCP and UDP header decoding
 *
 * Every field is read through the cursor of tracer_int.h; every length field
 * is checked against what was captured and against the enclosing header.
 * Checksums are not verified: local captures carry offloaded, unfinished ones.
 * Tunnels (IP in IP, GRE, AH, GTP-U, VXLAN) are taken off by recursion into
 * the same decoders, at most TR_TUNNEL_MAX_DEPTH deep; each inner packet is
 * read within its outer header's length.
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

#define ETHERTYPE_TEB 0x6558   /* Transparent Ethernet Bridging (GRE, RFC 1701) */
#define NFLOG_TLV_PAYLOAD 9

#define IPPROTO_IPIP_ 4
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_IPV6_ 41
#define IPPROTO_GRE_ 47
#define IPPROTO_ESP_ 50
#define IPPROTO_AH_ 51

#define UDP_PORT_GTPU 2152  /* 3GPP TS 29.281 4.4.2 */
#define UDP_PORT_VXLAN 4789 /* RFC 7348 5 */
#define GTPU_MAX_EXT 16     /* extension headers read before giving up */

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

static const char *const tunnel_names[] = {
#define X(id, name) name,
    TR_TUNNEL_LIST(X)
#undef X
};

const char *tr_tunnel_name(enum tr_tunnel_kind kind)
{
    return (unsigned)kind < TR_TUNNEL_COUNT ? tunnel_names[kind] : "unknown";
}

char *tr_tunnel_format(const uint8_t *kinds, unsigned n, char *buf)
{
    size_t at = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < n && i < TR_TUNNEL_MAX_DEPTH; i++) {
        int w = snprintf(buf + at, TR_TUNNEL_STRLEN - at, "%s%s", i ? " > " : "",
                         tr_tunnel_name((enum tr_tunnel_kind)kinds[i]));
        if (w < 0 || (size_t)w >= TR_TUNNEL_STRLEN - at)
            break;
        at += (size_t)w;
    }
    return buf;
}

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
        case 5:  /* SACK, RFC 2018 3: pairs of left and right edges */
            if (len >= 10 && (len - 2) % 8 == 0) {
                o->nsack = 0;
                while (o->nsack < TR_SACK_MAX && cur_left(&opt) >= 8) {
                    o->sack[o->nsack][0] = cur_be32(&opt);
                    o->sack[o->nsack][1] = cur_be32(&opt);
                    o->nsack++;
                }
            }
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

static enum tr_decode_result by_ip_version(struct decode_ctx *d, const uint8_t *p, size_t len);
static enum tr_decode_result by_ethertype(struct decode_ctx *d, uint16_t type, struct tr_cur *c);
static enum tr_decode_result decode_ipv4(struct decode_ctx *d, const uint8_t *p, size_t caplen);
static enum tr_decode_result decode_ipv6(struct decode_ctx *d, const uint8_t *p, size_t caplen);

/* One more tunnel on the way in: false past the depth limit (then *r is
 * the result to return). */
static bool tunnel_push(struct decode_ctx *d, enum tr_tunnel_kind kind, enum tr_decode_result *r)
{
    struct tr_packet *pkt = d->pkt;
    if (pkt->ntunnels >= TR_TUNNEL_MAX_DEPTH) {
        snprintf(d->whybuf, TR_ERRBUF_SIZE,
                 "more than %d tunnels nested (the next is %s): the packet is not read",
                 TR_TUNNEL_MAX_DEPTH, tr_tunnel_name(kind));
        *d->why = d->whybuf;
        *r = TR_PKT_TOO_DEEP;
        return false;
    }
    pkt->tunnel[pkt->ntunnels++] = (uint8_t)kind;
    return true;
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
    pkt->proto = TR_PROTO_TCP;
    return TR_PKT_TCP;
}

/* ---------------------------------------------------------------- UDP -- */

/* VXLAN, RFC 7348 5: flags (I = 0x08: the VNI is valid), 3 reserved bytes,
 * the 24-bit VNI, 1 reserved byte; then an Ethernet frame. */
static enum tr_decode_result decode_vxlan(struct decode_ctx *d, const uint8_t *p, size_t caplen)
{
    struct tr_cur c;
    cur_init(&c, p, caplen);
    uint8_t flags = cur_u8(&c);
    cur_skip(&c, 7);
    if (c.trunc)
        return fail(d, TR_PKT_TRUNCATED, "VXLAN header cut by the snaplen", 0, 0);
    if (!(flags & 0x08))
        return TR_PKT_UDP;  /* not VXLAN after all: the datagram as it is */
    enum tr_decode_result r;
    if (!tunnel_push(d, TR_TUNNEL_VXLAN, &r))
        return r;
    cur_skip(&c, 12);  /* the inner Ethernet destination, source */
    uint16_t type = cur_be16(&c);
    if (c.trunc)
        return fail(d, TR_PKT_TRUNCATED, "Ethernet header inside VXLAN cut by the snaplen", 0, 0);
    return by_ethertype(d, type, &c);
}

/* GTP-U, 3GPP TS 29.281 5.1: version 1, PT 1; a G-PDU (message type 255)
 * carries an IP packet (the T-PDU) after the 8-byte header, 4 more bytes
 * when E, S or PN is set, and the extension headers E announces (5.2: each
 * is a length in 4-byte units, its content, the next type; 0 ends). */
static enum tr_decode_result decode_gtpu(struct decode_ctx *d, const uint8_t *p, size_t caplen,
                                         size_t len)
{
    struct tr_cur c;
    cur_init(&c, p, caplen);
    uint8_t flags = cur_u8(&c);
    uint8_t type = cur_u8(&c);
    uint16_t glen = cur_be16(&c);
    cur_skip(&c, 4);  /* TEID */
    if (c.trunc)
        return len < 8 ? TR_PKT_UDP : fail(d, TR_PKT_TRUNCATED, "GTP-U header cut by the snaplen",
                                           0, 0);
    if (flags >> 5 != 1 || !(flags & 0x10) || type != 255)
        return TR_PKT_UDP;  /* GTP' or a signalling message: the datagram as it is */
    if ((size_t)glen > len - 8)
        return fail(d, TR_PKT_MALFORMED, "GTP-U length %u is past the UDP payload's %u bytes",
                    glen, (unsigned)(len - 8));
    size_t left = glen;  /* bytes after the mandatory header */
    if (flags & 0x07) {
        cur_skip(&c, 3);  /* sequence number, N-PDU number */
        uint8_t next = cur_u8(&c);
        if (left < 4)
            return fail(d, TR_PKT_MALFORMED, "GTP-U length %u is shorter than its optional fields",
                        glen, 0);
        left -= 4;
        for (int i = 0; (flags & 0x04) && next != 0; i++) {
            if (i == GTPU_MAX_EXT)
                return fail(d, TR_PKT_MALFORMED, "more than %u GTP-U extension headers",
                            GTPU_MAX_EXT, 0);
            size_t elen = (size_t)cur_u8(&c) * 4;
            if (c.trunc)
                break;
            if (elen == 0 || elen > left)
                return fail(d, TR_PKT_MALFORMED, "GTP-U extension header of %u bytes (%u left)",
                            (unsigned)elen, (unsigned)left);
            cur_skip(&c, elen - 2);
            next = cur_u8(&c);
            left -= elen;
        }
        if (c.trunc)
            return fail(d, TR_PKT_TRUNCATED, "GTP-U header cut by the snaplen", 0, 0);
    }
    enum tr_decode_result r;
    if (!tunnel_push(d, TR_TUNNEL_GTPU, &r))
        return r;
    return by_ip_version(d, c.p, cur_left(&c) < left ? cur_left(&c) : left);
}

/* RFC 768; iplen: the datagram's length per the IP header. The UDP length
 * must fit in it (bytes after it are padding); 0 is taken as the IP length
 * (an IPv6 jumbogram, RFC 2675 4; or offload, as for IPv4's total length). */
static enum tr_decode_result decode_udp(struct decode_ctx *d, const uint8_t *p, size_t caplen,
                                        size_t iplen)
{
    struct tr_packet *pkt = d->pkt;
    struct tr_cur c;
    cur_init(&c, p, caplen < iplen ? caplen : iplen);
    pkt->sport = cur_be16(&c);
    pkt->dport = cur_be16(&c);
    size_t ulen = cur_be16(&c);
    cur_skip(&c, 2);  /* checksum */
    if (c.trunc) {
        if (iplen < 8)
            return fail(d, TR_PKT_MALFORMED, "UDP datagram of %u bytes is shorter than its header",
                        (unsigned)iplen, 0);
        return fail(d, TR_PKT_TRUNCATED, "UDP header cut by the snaplen (%u of 8 bytes)",
                    (unsigned)caplen, 0);
    }
    if (ulen == 0)
        ulen = iplen;
    if (ulen < 8)
        return fail(d, TR_PKT_MALFORMED, "UDP length %u is less than its 8-byte header",
                    (unsigned)ulen, 0);
    if (ulen > iplen)
        return fail(d, TR_PKT_MALFORMED, "UDP length %u is past the IP payload's %u bytes",
                    (unsigned)ulen, (unsigned)iplen);
    pkt->proto = TR_PROTO_UDP;
    pkt->seq = pkt->ack = 0;  /* no TCP fields: none left as they were */
    pkt->flags = 0;
    pkt->window = 0;
    memset(&pkt->opts, 0, sizeof pkt->opts);
    pkt->opts.wscale = -1;
    pkt->payload = c.p;
    pkt->len = (uint32_t)(ulen - 8);
    pkt->caplen = (uint32_t)(cur_left(&c) < ulen - 8 ? cur_left(&c) : ulen - 8);
    if (pkt->dport == UDP_PORT_VXLAN)
        return decode_vxlan(d, pkt->payload, pkt->caplen);
    if (pkt->dport == UDP_PORT_GTPU || pkt->sport == UDP_PORT_GTPU)
        return decode_gtpu(d, pkt->payload, pkt->caplen, pkt->len);
    return TR_PKT_UDP;
}

/* --------------------------------------------------- IP payload, tunnels -- */

/* GRE, RFC 2784 2 and RFC 2890 2: flags and version, the protocol type (an
 * EtherType), then a checksum word (C), a key (K) and a sequence number (S)
 * when their flags say so. RFC 1701's routing (R) and version 1 (PPTP's
 * enhanced GRE, PPP inside) are not read. */
static enum tr_decode_result decode_gre(struct decode_ctx *d, const uint8_t *p, size_t caplen,
                                        size_t len)
{
    struct tr_cur c;
    cur_init(&c, p, caplen < len ? caplen : len);
    uint16_t flags = cur_be16(&c);
    uint16_t ptype = cur_be16(&c);
    if (c.trunc)
        return len < 4 ? fail(d, TR_PKT_MALFORMED, "GRE packet of %u bytes", (unsigned)len, 0)
                       : fail(d, TR_PKT_TRUNCATED, "GRE header cut by the snaplen", 0, 0);
    if ((flags & 0x0007) != 0 || (flags & 0x4000))
        return TR_PKT_OTHER;
    size_t opt = ((flags & 0x8000) ? 4 : 0) + ((flags & 0x2000) ? 4 : 0) +
                 ((flags & 0x1000) ? 4 : 0);
    if (4 + opt > len)
        return fail(d, TR_PKT_MALFORMED, "GRE header of %u bytes is past the packet's %u",
                    (unsigned)(4 + opt), (unsigned)len);
    cur_skip(&c, opt);
    if (c.trunc)
        return fail(d, TR_PKT_TRUNCATED, "GRE header cut by the snaplen", 0, 0);
    enum tr_decode_result r;
    if (!tunnel_push(d, TR_TUNNEL_GRE, &r))
        return r;
    if (ptype == ETHERTYPE_TEB) {
        cur_skip(&c, 12);
        ptype = cur_be16(&c);
        if (c.trunc)
            return fail(d, TR_PKT_TRUNCATED, "Ethernet header inside GRE cut by the snaplen", 0, 0);
    }
    return by_ethertype(d, ptype, &c);
}

/* IPsec AH, RFC 4302 2: next header, payload length (in 4-byte units, less
 * 2), reserved, SPI, sequence number, ICV. AH authenticates but does not
 * encrypt: what follows it is read as it is (TCP in transport mode, an IP
 * packet in tunnel mode). */
static enum tr_decode_result by_ip_proto(struct decode_ctx *d, uint8_t proto, const uint8_t *p,
                                         size_t caplen, size_t len, int outer_v);

static enum tr_decode_result decode_ah(struct decode_ctx *d, const uint8_t *p, size_t caplen,
                                       size_t len, int outer_v)
{
    struct tr_cur c;
    cur_init(&c, p, caplen < len ? caplen : len);
    uint8_t next = cur_u8(&c);
    size_t alen = ((size_t)cur_u8(&c) + 2) * 4;
    if (c.trunc)
        return len < 2 ? fail(d, TR_PKT_MALFORMED, "AH header of %u bytes", (unsigned)len, 0)
                       : fail(d, TR_PKT_TRUNCATED, "AH header cut by the snaplen", 0, 0);
    if (alen < 12 || alen > len)
        return fail(d, TR_PKT_MALFORMED, "AH header of %u bytes in a payload of %u",
                    (unsigned)alen, (unsigned)len);
    cur_skip(&c, alen - 2);
    if (c.trunc)
        return fail(d, TR_PKT_TRUNCATED, "AH header cut by the snaplen", 0, 0);
    enum tr_decode_result r;
    if (!tunnel_push(d, TR_TUNNEL_AH, &r))
        return r;
    /* tunnel mode: the inner IP packet is part of AH, not another tunnel */
    if (next == IPPROTO_IPIP_)
        return decode_ipv4(d, c.p, cur_left(&c));
    if (next == IPPROTO_IPV6_)
        return decode_ipv6(d, c.p, cur_left(&c));
    return by_ip_proto(d, next, c.p, cur_left(&c), len - alen, outer_v);
}

/* The payload of an IP header of version outer_v (4 or 6), protocol proto:
 * caplen bytes captured of its len (the IP header's length). */
static enum tr_decode_result by_ip_proto(struct decode_ctx *d, uint8_t proto, const uint8_t *p,
                                         size_t caplen, size_t len, int outer_v)
{
    enum tr_decode_result r;
    size_t have = caplen < len ? caplen : len;
    switch (proto) {
    case IPPROTO_TCP_:
        return decode_tcp(d, p, caplen, len);
    case IPPROTO_UDP_:
        return decode_udp(d, p, caplen, len);
    case IPPROTO_IPIP_:  /* RFC 2003 */
        if (!tunnel_push(d, outer_v == 4 ? TR_TUNNEL_IP4IN4 : TR_TUNNEL_IP4IN6, &r))
            return r;
        return decode_ipv4(d, p, have);
    case IPPROTO_IPV6_:  /* RFC 4213 3.5 (6in4), RFC 2473 */
        if (!tunnel_push(d, outer_v == 4 ? TR_TUNNEL_IP6IN4 : TR_TUNNEL_IP6IN6, &r))
            return r;
        return decode_ipv6(d, p, have);
    case IPPROTO_GRE_:
        return decode_gre(d, p, caplen, len);
    case IPPROTO_AH_:
        return decode_ah(d, p, caplen, len, outer_v);
    case IPPROTO_ESP_: {  /* RFC 4303 2: the SPI, then encrypted bytes */
        struct tr_cur c;
        cur_init(&c, p, have);
        d->pkt->esp_spi = cur_be32(&c);
        if (c.trunc)
            return fail(d, TR_PKT_TRUNCATED, "ESP header cut by the snaplen", 0, 0);
        return TR_PKT_ESP;
    }
    default:
        return TR_PKT_OTHER;
    }
}

/* the protocols by_ip_proto reads (an IPv4 fragment of any other is skipped
 * silently, as before) */
static bool proto_read(uint8_t proto)
{
    return proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ || proto == IPPROTO_IPIP_ ||
           proto == IPPROTO_IPV6_ || proto == IPPROTO_GRE_ || proto == IPPROTO_AH_ ||
           proto == IPPROTO_ESP_;
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
    uint16_t id = cur_be16(&c);
    uint16_t frag = cur_be16(&c);
    uint8_t ttl = cur_u8(&c);
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
    if (!proto_read(proto))
        return TR_PKT_OTHER;
    if ((frag & 0x3fff) != 0)  /* more fragments, or a fragment offset */
        return fail(d, TR_PKT_FRAGMENT, "IPv4 fragment (offset %u, MF=%u): not reassembled",
                    (unsigned)(frag & 0x1fff) * 8, (frag & 0x2000) ? 1 : 0);
    pkt->ttl = ttl;
    pkt->ip_id = id;
    return by_ip_proto(d, proto, c.p, cur_left(&c), len - hlen, 4);
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
    uint8_t hops_left = cur_u8(&c);
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
    pkt->ttl = hops_left;
    pkt->ip_id = 0;
    /* RFC 8200 4: walk the extension header chain */
    for (int hops = 0; hops <= 16; hops++) {  /* up to 16 extension headers, then TCP */
        switch (next) {
        case 0:  /* hop-by-hop options */
        case 43: /* routing */
        case 60: /* destination options */
        {
            uint8_t nh = cur_u8(&c);
            uint8_t hl = cur_u8(&c);
            if (c.trunc)
                return fail(d, TR_PKT_TRUNCATED, "IPv6 extension header %u cut by the snaplen",
                            next, 0);
            size_t elen = ((size_t)hl + 1) * 8;
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
        default: /* TCP, UDP, tunnels, AH, ESP; no next header (59), ICMPv6 ... */
            return by_ip_proto(d, next, c.p, cur_left(&c), left, 6);
        }
    }
    return fail(d, TR_PKT_MALFORMED, "IPv6 extension header chain longer than 16", 0, 0);
}

/* ---------------------------------------------------------- link layer -- */

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
    pkt->proto = 0;
    pkt->ntunnels = 0;
    pkt->ttl = 0;
    pkt->ip_id = 0;
    pkt->esp_spi = 0;
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
