/* test_packet.c - tr_packet_decode: every link type, IPv4 options and
 * lengths, IPv6 extension header chains, TCP options, and hostile frames
 * (every truncation, impossible lengths, random bytes)
 *
 * Longer than 800 lines: one test per link type and encapsulation, each with
 * its hand-built packet bytes.
 */
#include "testutil.h"

static const uint8_t hello[] = "hello, world";
#define HELLO_LEN (sizeof hello - 1)

/* Decode `len` bytes copied into a heap block of exactly that size, so that
 * AddressSanitizer sees any read past the capture. */
static enum tr_decode_result decode_exact(int lt, const uint8_t *data, size_t len,
                                          struct tr_packet *pkt, const char **why,
                                          char *whybuf, uint8_t **copy)
{
    *copy = malloc(len ? len : 1);
    assert_non_null(*copy);
    if (len)
        memcpy(*copy, data, len);
    memset(pkt, 0xa5, sizeof *pkt);
    return tr_packet_decode(lt, *copy, len, pkt, whybuf, why);
}

/* ------------------------------------------------------ valid frames -- */

struct valid_case {
    const char *name;
    struct tf f;
};

#define HELLO_DATA .payload = hello, .len = HELLO_LEN
#define TCP_HELLO .seq = 1000, .ack = 2000, .flags = TR_TCP_PSH | TR_TCP_ACK, HELLO_DATA

static const uint8_t ipopts_8[] = {1, 1, 0x44, 4, 5, 0, 0, 0}; /* NOP NOP, timestamp, EOL */
static const uint8_t ipopts_rr[] = {7, 7, 4, 0, 0, 0, 0, 0}; /* record route, one slot, + EOL */
static const uint8_t tcpopts_syn[] = {2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9,
                                      1, 3, 3, 7};

static const struct valid_case valid[] = {
    {"EN10MB IPv4", {.linktype = DLT_EN10MB, TCP_HELLO}},
    {"EN10MB IPv6", {.linktype = DLT_EN10MB, .ipv = 6, TCP_HELLO}},
    {"EN10MB 802.1Q", {.linktype = DLT_EN10MB, .ntags = 1, .tpid = {0x8100}, .vid = {42}, TCP_HELLO}},
    {"EN10MB 802.1ad QinQ",
     {.linktype = DLT_EN10MB, .ntags = 2, .tpid = {0x88a8, 0x8100}, .vid = {7, 42}, TCP_HELLO}},
    {"EN10MB old QinQ 0x9100 over IPv6",
     {.linktype = DLT_EN10MB, .ipv = 6, .ntags = 2, .tpid = {0x9100, 0x8100}, .vid = {7, 42},
      TCP_HELLO}},
    {"EN10MB padded to 60 bytes", {.linktype = DLT_EN10MB, .pad = 6, .seq = 5, .flags = TR_TCP_ACK}},
    {"EN10MB padded with payload", {.linktype = DLT_EN10MB, .pad = 9, TCP_HELLO}},
    {"EN10MB PPPoE IPv4", {.linktype = DLT_EN10MB, .pppoe = true, TCP_HELLO}},
    {"EN10MB PPPoE IPv6", {.linktype = DLT_EN10MB, .pppoe = true, .ipv = 6, TCP_HELLO}},
    {"EN10MB MPLS one label", {.linktype = DLT_EN10MB, .nmpls = 1, TCP_HELLO}},
    {"EN10MB MPLS three labels IPv6", {.linktype = DLT_EN10MB, .nmpls = 3, .ipv = 6, TCP_HELLO}},
    {"EN10MB VLAN then MPLS", {.linktype = DLT_EN10MB, .ntags = 1, .tpid = {0x8100}, .vid = {3},
                               .nmpls = 2, TCP_HELLO}},
    {"LINUX_SLL IPv4", {.linktype = DLT_LINUX_SLL, TCP_HELLO}},
    {"LINUX_SLL IPv6", {.linktype = DLT_LINUX_SLL, .ipv = 6, TCP_HELLO}},
    {"LINUX_SLL2 IPv4", {.linktype = DLT_LINUX_SLL2, TCP_HELLO}},
    {"LINUX_SLL2 IPv6", {.linktype = DLT_LINUX_SLL2, .ipv = 6, TCP_HELLO}},
    {"NULL little-endian IPv4", {.linktype = DLT_NULL, TCP_HELLO}},
    {"NULL big-endian IPv4", {.linktype = DLT_NULL, .null_be = true, TCP_HELLO}},
    {"NULL little-endian IPv6 (Linux AF 10)", {.linktype = DLT_NULL, .ipv = 6, TCP_HELLO}},
    {"NULL big-endian IPv6 (macOS AF 30)", {.linktype = DLT_NULL, .null_be = true, .ipv = 6, TCP_HELLO}},
    {"LOOP IPv4", {.linktype = DLT_LOOP, TCP_HELLO}},
    {"LOOP IPv6", {.linktype = DLT_LOOP, .ipv = 6, TCP_HELLO}},
    {"RAW IPv4", {.linktype = DLT_RAW, TCP_HELLO}},
    {"RAW IPv6", {.linktype = DLT_RAW, .ipv = 6, TCP_HELLO}},
    {"LINKTYPE_RAW 101 IPv4", {.linktype = 101, TCP_HELLO}},
    {"IPV4", {.linktype = DLT_IPV4, TCP_HELLO}},
    {"IPV6", {.linktype = DLT_IPV6, .ipv = 6, TCP_HELLO}},
    {"NFLOG IPv4", {.linktype = DLT_NFLOG, TCP_HELLO}},
    {"NFLOG IPv6", {.linktype = DLT_NFLOG, .ipv = 6, TCP_HELLO}},
    {"IPv4 options (NOP, NOP, timestamp)",
     {.linktype = DLT_EN10MB, .ipopts = ipopts_8, .nipopts = 8, TCP_HELLO}},
    {"IPv4 record-route option", {.linktype = DLT_RAW, .ipopts = ipopts_rr, .nipopts = 8, TCP_HELLO}},
    {"IPv4 40 bytes of options (IHL 15)",
     {.linktype = DLT_RAW, .ipopts = (const uint8_t[40]){1, 1, 1, 1}, .nipopts = 40, TCP_HELLO}},
    {"IPv4 don't-fragment flag", {.linktype = DLT_RAW, .ipfrag = 0x4000, TCP_HELLO}},
    {"IPv6 hop-by-hop", {.linktype = DLT_RAW, .ipv = 6, .next = 1, .ext = {{0, 0, 0}}, TCP_HELLO}},
    {"IPv6 routing (24 bytes)", {.linktype = DLT_RAW, .ipv = 6, .next = 1, .ext = {{43, 2, 0}}, TCP_HELLO}},
    {"IPv6 destination options", {.linktype = DLT_RAW, .ipv = 6, .next = 1, .ext = {{60, 1, 0}}, TCP_HELLO}},
    {"IPv6 atomic fragment", {.linktype = DLT_RAW, .ipv = 6, .next = 1, .ext = {{44, 0, 0}}, TCP_HELLO}},
    {"IPv6 atomic fragment, reserved bits set",
     {.linktype = DLT_RAW, .ipv = 6, .next = 1, .ext = {{44, 0, 6}}, TCP_HELLO}},
    {"IPv6 authentication header", {.linktype = DLT_RAW, .ipv = 6, .next = 1, .ext = {{51, 4, 0}}, TCP_HELLO}},
    {"IPv6 chain hop-by-hop, dest, routing, fragment, dest",
     {.linktype = DLT_EN10MB, .ipv = 6, .next = 5,
      .ext = {{0, 0, 0}, {60, 0, 0}, {43, 1, 0}, {44, 0, 0}, {60, 3, 0}}, TCP_HELLO}},
    {"TCP SYN options", {.linktype = DLT_EN10MB, .seq = 77, .flags = TR_TCP_SYN, .opts = tcpopts_syn,
                         .nopts = sizeof tcpopts_syn}},
    {"TCP options and payload", {.linktype = DLT_EN10MB, .opts = tcpopts_syn, .nopts = sizeof tcpopts_syn,
                                 TCP_HELLO}},
    {"custom ports and addresses",
     {.linktype = DLT_RAW, .src = "192.168.1.200", .dst = "172.16.0.9", .sport = 8080,
      .dport = 65535, .seq = 0xffffffffu, .ack = 0x80000000u, .flags = TR_TCP_FIN | TR_TCP_ACK,
      .window = 1234, HELLO_DATA}},
};

static void check_valid(const struct valid_case *vc, const struct tb *fr,
                        const struct tf_layout *lay, const uint8_t *data,
                        const struct tr_packet *p)
{
    const struct tf *f = &vc->f;
    uint8_t a[16] = {0}, b[16] = {0};
    int ipv = f->ipv == 6 ? 6 : 4;
    tf_addr(ipv, f->src, ipv == 6 ? "2001:db8::1" : "10.0.0.1", a);
    tf_addr(ipv, f->dst, ipv == 6 ? "2001:db8::2" : "10.0.0.2", b);
    assert_int_equal(p->src.family, ipv);
    assert_int_equal(p->dst.family, ipv);
    assert_memory_equal(p->src.a, a, 16);
    assert_memory_equal(p->dst.a, b, 16);
    assert_int_equal(p->sport, f->sport ? f->sport : 40000);
    assert_int_equal(p->dport, f->dport ? f->dport : 80);
    assert_int_equal(p->seq, f->seq);
    assert_int_equal(p->ack, f->ack);
    assert_int_equal(p->flags, f->flags ? f->flags : TR_TCP_ACK);
    assert_int_equal(p->window, f->window ? f->window : 65535);
    assert_int_equal(p->len, f->len);
    assert_int_equal(p->caplen, f->len);
    assert_ptr_equal(p->payload, data + lay->payload);
    if (f->len)
        assert_memory_equal(p->payload, f->payload, f->len);
    (void)fr;
}

static void test_valid_frames(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(valid); i++) {
        struct tb fr;
        struct tf_layout lay;
        struct tr_packet p;
        char whybuf[TR_ERRBUF_SIZE];
        const char *why = NULL;
        uint8_t *copy;
        tf_build(&valid[i].f, &fr, &lay);
        enum tr_decode_result r = decode_exact(valid[i].f.linktype, fr.b, fr.n, &p, &why, whybuf, &copy);
        if (r != TR_PKT_TCP)
            fail_msg("%s: result %d (%s)", valid[i].name, r, why);
        assert_string_equal(why, "");
        check_valid(&valid[i], &fr, &lay, copy, &p);
        free(copy);
        assert_true(tr_linktype_supported(valid[i].f.linktype));
    }
}

/* Every prefix of every valid frame: headers cut give TR_PKT_TRUNCATED with
 * a reason, a payload cut gives the segment with fewer captured bytes. */
static void test_every_truncation(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(valid); i++) {
        struct tb fr;
        struct tf_layout lay;
        tf_build(&valid[i].f, &fr, &lay);
        for (size_t cut = 0; cut < fr.n; cut++) {
            struct tr_packet p;
            char whybuf[TR_ERRBUF_SIZE];
            const char *why = NULL;
            uint8_t *copy;
            enum tr_decode_result r = decode_exact(valid[i].f.linktype, fr.b, cut, &p, &why, whybuf, &copy);
            /* NFLOG: a cut between two TLVs is a record without a payload */
            bool tlv_end = valid[i].f.linktype == DLT_NFLOG && (cut == 4 || cut == 12 || cut == 20);
            if (tlv_end) {
                if (r != TR_PKT_OTHER)
                    fail_msg("%s cut at %zu: result %d (%s)", valid[i].name, cut, r, why);
            } else if (cut < lay.payload) {
                if (r != TR_PKT_TRUNCATED)
                    fail_msg("%s cut at %zu of %zu (payload at %zu): result %d (%s)", valid[i].name,
                             cut, fr.n, lay.payload, r, why);
                assert_true(strlen(why) > 0);
            } else {
                if (r != TR_PKT_TCP)
                    fail_msg("%s cut at %zu: result %d (%s)", valid[i].name, cut, r, why);
                size_t want = cut - lay.payload < valid[i].f.len ? cut - lay.payload : valid[i].f.len;
                assert_int_equal(p.caplen, want);
                assert_int_equal(p.len, valid[i].f.len);
                assert_ptr_equal(p.payload, copy + lay.payload);
            }
            free(copy);
        }
    }
}

/* --------------------------------------------------------- TCP options -- */

struct opt_case {
    const char *name;
    const uint8_t *opts;
    size_t n;
    uint16_t mss;
    int8_t wscale;
    bool sack_ok, has_ts;
    uint32_t ts_val, ts_ecr;
};

#define O(...) (const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__})

static const struct opt_case opt_cases[] = {
    {"none", NULL, 0, 0, -1, false, false, 0, 0},
    {"MSS", O(2, 4, 0x05, 0xb4), 1460, -1, false, false, 0, 0},
    {"window scale 7", O(1, 3, 3, 7), 0, 7, false, false, 0, 0},
    {"window scale 0", O(3, 3, 0, 1), 0, 0, false, false, 0, 0},
    {"window scale 20 is taken as 14 (RFC 7323 2.3)", O(3, 3, 20, 0), 0, 14, false, false, 0, 0},
    {"SACK permitted", O(4, 2, 1, 1), 0, -1, true, false, 0, 0},
    {"timestamps", O(1, 1, 8, 10, 0, 0, 1, 0, 0xff, 0xff, 0xff, 0xfe), 0, -1, false, true, 256, 0xfffffffe},
    {"Linux SYN: MSS, SACK-OK, TS, NOP, WS",
     O(2, 4, 0xff, 0xd7, 4, 2, 8, 10, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 0, 1, 3, 3, 7), 65495, 7, true,
     true, 0x11223344, 0},
    {"end of list stops parsing", O(0, 2, 4, 5, 0xb4), 0, -1, false, false, 0, 0},
    {"MSS of wrong length 3 is ignored", O(2, 3, 5, 1, 3, 3, 2, 0), 0, 2, false, false, 0, 0},
    {"window scale of wrong length 4 is ignored", O(3, 4, 7, 7, 4, 2, 0, 0), 0, -1, true, false, 0, 0},
    {"SACK-OK of wrong length 3 is ignored", O(4, 3, 0, 0), 0, -1, false, false, 0, 0},
    {"timestamps of wrong length 6 are ignored", O(8, 6, 0, 0, 0, 1, 2, 4, 2, 2), 514, -1, false, false, 0, 0},
    {"option length 0 ends parsing", O(2, 4, 1, 0, 99, 0, 3, 3, 5, 0, 0, 0), 256, -1, false, false, 0, 0},
    {"option length 1 ends parsing", O(4, 2, 99, 1, 3, 3, 5, 0), 0, -1, true, false, 0, 0},
    {"option longer than the header ends parsing", O(2, 4, 0, 100, 8, 10, 1, 2), 100, -1, false, false, 0, 0},
    {"option kind as the last byte", O(1, 1, 1, 2), 0, -1, false, false, 0, 0},
    {"unknown options are skipped", O(30, 6, 1, 2, 3, 4, 254, 4, 0, 0, 2, 4, 0x02, 0x18), 536, -1, false,
     false, 0, 0},
    {"SACK blocks (kind 5) are skipped", O(1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 4, 2), 0, -1, true, false, 0, 0},
};

static void test_tcp_options(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(opt_cases); i++) {
        const struct opt_case *oc = &opt_cases[i];
        struct tf f = {.linktype = DLT_RAW, .flags = TR_TCP_SYN, .opts = oc->opts, .nopts = oc->n,
                       .payload = hello, .len = 3};
        struct tb fr;
        struct tf_layout lay;
        struct tr_packet p;
        char whybuf[TR_ERRBUF_SIZE];
        const char *why;
        uint8_t *copy;
        tf_build(&f, &fr, &lay);
        enum tr_decode_result r = decode_exact(DLT_RAW, fr.b, fr.n, &p, &why, whybuf, &copy);
        if (r != TR_PKT_TCP)
            fail_msg("%s: result %d (%s)", oc->name, r, why);
        if (p.opts.mss != oc->mss || p.opts.wscale != oc->wscale || p.opts.sack_ok != oc->sack_ok ||
            p.opts.has_ts != oc->has_ts || (oc->has_ts && (p.opts.ts_val != oc->ts_val ||
                                                           p.opts.ts_ecr != oc->ts_ecr)))
            fail_msg("%s: mss %u ws %d sack %d ts %d %u/%u", oc->name, p.opts.mss, p.opts.wscale,
                     p.opts.sack_ok, p.opts.has_ts, p.opts.ts_val, p.opts.ts_ecr);
        /* a bad option never costs the payload */
        assert_int_equal(p.len, 3);
        assert_ptr_equal(p.payload, copy + lay.payload);
        free(copy);
    }
}

/* -------------------------------------------- lengths and bad headers -- */

enum patch {
    P_NONE,
    P_IHL,          /* IPv4 IHL nibble = v */
    P_IPVER,        /* IP version nibble = v */
    P_IPTOTAL,      /* IPv4 total length = v */
    P_IP6PLEN,      /* IPv6 payload length = v */
    P_TCPOFF,       /* TCP data offset nibble = v */
    P_ETHERTYPE,    /* EN10MB type = v */
    P_CUT,          /* captured length = v */
    P_BYTE,         /* the byte at `at` = v */
};

struct bad_case {
    const char *name;
    struct tf f;
    enum patch patch;
    unsigned v;
    size_t at;
    enum tr_decode_result want;
    const char *why;         /* substring of the reason (NULL: none expected) */
    int len, caplen;         /* TR_PKT_TCP: payload lengths */
};

static const struct bad_case bad[] = {
    {"IHL 4", {.linktype = DLT_RAW, TCP_HELLO}, P_IHL, 4, 0, TR_PKT_MALFORMED,
     "invalid IPv4 header length 16", 0, 0},
    {"IHL 0", {.linktype = DLT_EN10MB, TCP_HELLO}, P_IHL, 0, 0, TR_PKT_MALFORMED,
     "invalid IPv4 header length 0", 0, 0},
    {"IHL 15 past the total length", {.linktype = DLT_RAW, .len = 0}, P_IHL, 15, 0, TR_PKT_MALFORMED,
     "IPv4 total length 40 is less than its header length 60", 0, 0},
    {"IPv4 options cut by the snaplen",
     {.linktype = DLT_RAW, .ipopts = (const uint8_t[40]){1, 1}, .nipopts = 40, TCP_HELLO}, P_CUT, 50,
     0, TR_PKT_TRUNCATED, "IPv4 options cut by the snaplen (50 of 60 bytes)", 0, 0},
    {"IP version 5", {.linktype = DLT_EN10MB, TCP_HELLO}, P_IPVER, 5, 0, TR_PKT_MALFORMED,
     "IP version 5 in an IPv4 frame", 0, 0},
    {"IP version 4 in an IPv6 frame", {.linktype = DLT_IPV6, .ipv = 6, TCP_HELLO}, P_IPVER, 4, 0,
     TR_PKT_MALFORMED, "IP version 4 in an IPv6 frame", 0, 0},
    {"RAW with IP version 0", {.linktype = DLT_RAW, TCP_HELLO}, P_IPVER, 0, 0, TR_PKT_OTHER, NULL, 0, 0},
    {"total length below IP + TCP headers", {.linktype = DLT_RAW, TCP_HELLO}, P_IPTOTAL, 30, 0,
     TR_PKT_MALFORMED, "TCP segment of 10 bytes is shorter than its header", 0, 0},
    {"total length below the IP header", {.linktype = DLT_RAW, TCP_HELLO}, P_IPTOTAL, 12, 0,
     TR_PKT_MALFORMED, "IPv4 total length 12 is less than its header length 20", 0, 0},
    {"total length 0 (TSO): the captured length counts", {.linktype = DLT_EN10MB, TCP_HELLO},
     P_IPTOTAL, 0, 0, TR_PKT_TCP, NULL, HELLO_LEN, HELLO_LEN},
    {"total length past the capture: payload cut by the snaplen", {.linktype = DLT_EN10MB, TCP_HELLO},
     P_IPTOTAL, 1500, 0, TR_PKT_TCP, NULL, 1500 - 40, HELLO_LEN},
    {"total length shorter than the frame: the rest is padding", {.linktype = DLT_EN10MB, TCP_HELLO},
     P_IPTOTAL, 45, 0, TR_PKT_TCP, NULL, 5, 5},
    {"IPv6 payload length past the capture", {.linktype = DLT_RAW, .ipv = 6, TCP_HELLO}, P_IP6PLEN,
     1000, 0, TR_PKT_TCP, NULL, 980, HELLO_LEN},
    {"IPv6 payload length 0 (jumbo/offload)", {.linktype = DLT_RAW, .ipv = 6, TCP_HELLO}, P_IP6PLEN,
     0, 0, TR_PKT_TCP, NULL, HELLO_LEN, HELLO_LEN},
    {"IPv6 payload length below the TCP header", {.linktype = DLT_RAW, .ipv = 6, TCP_HELLO},
     P_IP6PLEN, 8, 0, TR_PKT_MALFORMED, "shorter than its header", 0, 0},
    {"TCP data offset 4", {.linktype = DLT_EN10MB, TCP_HELLO}, P_TCPOFF, 4, 0, TR_PKT_MALFORMED,
     "invalid TCP data offset 4", 0, 0},
    {"TCP data offset 0", {.linktype = DLT_RAW, .ipv = 6, TCP_HELLO}, P_TCPOFF, 0, 0,
     TR_PKT_MALFORMED, "invalid TCP data offset 0", 0, 0},
    {"TCP data offset past the segment", {.linktype = DLT_RAW, .len = 4, .payload = hello}, P_TCPOFF,
     15, 0, TR_PKT_MALFORMED, "TCP data offset 15 is past the segment's 24 bytes", 0, 0},
    {"TCP data offset 6 equals the segment", {.linktype = DLT_RAW, .len = 4, .payload = hello},
     P_TCPOFF, 6, 0, TR_PKT_TCP, NULL, 0, 0},
    {"payload cut by the snaplen", {.linktype = DLT_RAW, .len = 40, .payload = (const uint8_t[40]){0}},
     P_CUT, 50, 0, TR_PKT_TCP, NULL, 40, 10},
    {"TCP options cut by the snaplen", {.linktype = DLT_RAW, .opts = tcpopts_syn, .nopts = 20},
     P_CUT, 50, 0, TR_PKT_TRUNCATED, "TCP options cut by the snaplen", 0, 0},
    {"ICMP", {.linktype = DLT_EN10MB, .proto = 1, TCP_HELLO}, P_NONE, 0, 0, TR_PKT_OTHER, NULL, 0, 0},
    {"IPv6 ICMPv6 after hop-by-hop",
     {.linktype = DLT_RAW, .ipv = 6, .proto = 58, .next = 1, .ext = {{0, 0, 0}}, TCP_HELLO}, P_NONE,
     0, 0, TR_PKT_OTHER, NULL, 0, 0},
    {"IPv6 no next header", {.linktype = DLT_RAW, .ipv = 6, .proto = 59}, P_NONE, 0, 0, TR_PKT_OTHER,
     NULL, 0, 0},
    {"ARP", {.linktype = DLT_EN10MB, TCP_HELLO}, P_ETHERTYPE, 0x0806, 0, TR_PKT_OTHER, NULL, 0, 0},
    {"VLAN then ARP", {.linktype = DLT_EN10MB, .ntags = 1, .tpid = {0x8100}, TCP_HELLO}, P_BYTE, 0x06,
     17, TR_PKT_OTHER, NULL, 0, 0},
    {"PPPoE carrying LCP", {.linktype = DLT_EN10MB, .pppoe = true, TCP_HELLO}, P_BYTE, 0xc0, 20,
     TR_PKT_OTHER, NULL, 0, 0},
    {"NULL with an unknown family", {.linktype = DLT_NULL, TCP_HELLO}, P_BYTE, 17, 0, TR_PKT_OTHER,
     NULL, 0, 0},
    {"LOOP with an unknown family", {.linktype = DLT_LOOP, TCP_HELLO}, P_BYTE, 1, 3, TR_PKT_OTHER,
     NULL, 0, 0},
    {"IPv4 fragment, more to come", {.linktype = DLT_EN10MB, .ipfrag = 0x2000, TCP_HELLO}, P_NONE, 0,
     0, TR_PKT_FRAGMENT, "IPv4 fragment (offset 0", 0, 0},
    {"IPv4 last fragment", {.linktype = DLT_RAW, .ipfrag = 0x00b9, TCP_HELLO}, P_NONE, 0, 0,
     TR_PKT_FRAGMENT, "IPv4 fragment (offset 1480", 0, 0},
    {"IPv6 first fragment", {.linktype = DLT_RAW, .ipv = 6, .next = 1, .ext = {{44, 0, 1}}, TCP_HELLO},
     P_NONE, 0, 0, TR_PKT_FRAGMENT, "IPv6 fragment (offset 0", 0, 0},
    {"IPv6 later fragment after hop-by-hop",
     {.linktype = DLT_RAW, .ipv = 6, .next = 2, .ext = {{0, 0, 0}, {44, 0, 185 << 3}}, TCP_HELLO},
     P_NONE, 0, 0, TR_PKT_FRAGMENT, "IPv6 fragment (offset 1480", 0, 0},
    {"IPv6 extension header past the payload",
     {.linktype = DLT_RAW, .ipv = 6, .next = 1, .ext = {{60, 0, 0}}, TCP_HELLO}, P_BYTE, 200, 41,
     TR_PKT_MALFORMED, "IPv6 extension header 60 of 1608 bytes is past the payload", 0, 0},
    {"IPv6 fragment header past the payload",
     {.linktype = DLT_RAW, .ipv = 6, .next = 1, .ext = {{44, 0, 0}}, TCP_HELLO}, P_IP6PLEN, 4, 0,
     TR_PKT_MALFORMED, "IPv6 fragment header past the payload", 0, 0},
    {"IPv6 chain of 8 hop-by-hop headers",
     {.linktype = DLT_RAW, .ipv = 6, .next = 8,
      .ext = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}}},
     P_NONE, 0, 0, TR_PKT_TCP, NULL, 0, 0},
    {"MPLS without a bottom of stack", {.linktype = DLT_EN10MB, .nmpls = 9, TCP_HELLO}, P_NONE, 0, 0,
     TR_PKT_OTHER, NULL, 0, 0},
    {"NFLOG TLV length 2", {.linktype = DLT_NFLOG, TCP_HELLO}, P_BYTE, 2, 4, TR_PKT_MALFORMED,
     "NFLOG TLV length 2 is too short", 0, 0},
    {"unsupported link type", {.linktype = 105, TCP_HELLO}, P_NONE, 0, 0, TR_PKT_UNSUPPORTED,
     "link type 105 is not supported", 0, 0},
};

static void test_bad_headers(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(bad); i++) {
        const struct bad_case *bc = &bad[i];
        struct tb fr;
        struct tf_layout lay;
        tf_build(&bc->f, &fr, &lay);
        size_t len = fr.n;
        switch (bc->patch) {
        case P_NONE:
            break;
        case P_IHL:
            fr.b[lay.ip] = (uint8_t)((fr.b[lay.ip] & 0xf0) | bc->v);
            break;
        case P_IPVER:
            fr.b[lay.ip] = (uint8_t)((fr.b[lay.ip] & 0x0f) | bc->v << 4);
            break;
        case P_IPTOTAL:
            tb_put_be16(&fr, lay.ip + 2, bc->v);
            break;
        case P_IP6PLEN:
            tb_put_be16(&fr, lay.ip + 4, bc->v);
            break;
        case P_TCPOFF:
            fr.b[lay.tcp + 12] = (uint8_t)(bc->v << 4);
            break;
        case P_ETHERTYPE:
            tb_put_be16(&fr, 12, bc->v);
            break;
        case P_CUT:
            len = bc->v;
            break;
        case P_BYTE:
            fr.b[bc->at] = (uint8_t)bc->v;
            break;
        }
        struct tr_packet p;
        char whybuf[TR_ERRBUF_SIZE];
        const char *why = NULL;
        uint8_t *copy;
        enum tr_decode_result r = decode_exact(bc->f.linktype, fr.b, len, &p, &why, whybuf, &copy);
        if (r != bc->want)
            fail_msg("%s: result %d, want %d (%s)", bc->name, r, bc->want, why);
        if (bc->why && !strstr(why, bc->why))
            fail_msg("%s: reason '%s', want '%s'", bc->name, why, bc->why);
        if (r == TR_PKT_TCP) {
            if ((int)p.len != bc->len || (int)p.caplen != bc->caplen)
                fail_msg("%s: len %u caplen %u, want %d %d", bc->name, p.len, p.caplen, bc->len,
                         bc->caplen);
            size_t at = bc->patch == P_TCPOFF ? lay.tcp + bc->v * 4 : lay.payload;
            if (p.payload != copy + at)
                fail_msg("%s: payload at %td, want %zu", bc->name, p.payload - copy, at);
        } else if (r != TR_PKT_OTHER) {
            assert_true(strlen(why) > 0);
            assert_true(strlen(why) < TR_ERRBUF_SIZE);
        }
        free(copy);
    }
}

/* A 17th extension header in a row is refused, 16 are read. */
static void test_ipv6_chain_limit(void **state)
{
    (void)state;
    struct tb fr = {.n = 0};
    int hops[] = {16, 17};
    for (int k = 0; k < 2; k++) {
        fr.n = 0;
        tb_be32(&fr, 0x60000000u);
        tb_be16(&fr, (unsigned)(hops[k] * 8 + 20));
        tb_u8(&fr, 0);
        tb_u8(&fr, 64);
        tb_fill(&fr, 0x11, 32);
        for (int i = 0; i < hops[k]; i++) {
            tb_u8(&fr, i + 1 < hops[k] ? 60 : 6);
            tb_u8(&fr, 0);
            tb_fill(&fr, 1, 6); /* PadN */
        }
        size_t tcp = fr.n;
        tb_be16(&fr, 1);
        tb_be16(&fr, 2);
        tb_fill(&fr, 0, 8);
        tb_u8(&fr, 0x50);
        tb_u8(&fr, TR_TCP_ACK);
        tb_fill(&fr, 0, 6);
        struct tr_packet p;
        char whybuf[TR_ERRBUF_SIZE];
        const char *why;
        uint8_t *copy;
        enum tr_decode_result r = decode_exact(DLT_RAW, fr.b, fr.n, &p, &why, whybuf, &copy);
        if (k == 0) {
            assert_int_equal(r, TR_PKT_TCP);
            assert_ptr_equal(p.payload, copy + tcp + 20);
            assert_int_equal(p.sport, 1);
        } else {
            assert_int_equal(r, TR_PKT_MALFORMED);
            assert_string_equal(why, "IPv6 extension header chain longer than 16");
        }
        free(copy);
    }
}

/* The same TCP segment under every link type decodes to the same packet. */
static void test_same_packet_every_link(void **state)
{
    (void)state;
    static const int links[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
                                DLT_RAW, DLT_NFLOG};
    for (int v = 4; v <= 6; v += 2) {
        struct tr_packet first;
        for (size_t i = 0; i < NELEM(links); i++) {
            struct tf f = {.linktype = links[i], .ipv = v, .opts = tcpopts_syn,
                           .nopts = sizeof tcpopts_syn, TCP_HELLO};
            struct tb fr;
            struct tf_layout lay;
            struct tr_packet p;
            char whybuf[TR_ERRBUF_SIZE];
            const char *why;
            uint8_t *copy;
            tf_build(&f, &fr, &lay);
            assert_int_equal(decode_exact(links[i], fr.b, fr.n, &p, &why, whybuf, &copy), TR_PKT_TCP);
            assert_memory_equal(p.payload, hello, HELLO_LEN);
            p.payload = NULL;
            free(copy);
            if (i == 0)
                first = p;
            assert_memory_equal(&p.src, &first.src, sizeof p.src);
            assert_memory_equal(&p.dst, &first.dst, sizeof p.dst);
            assert_int_equal(p.opts.mss, 1460);
            assert_int_equal(p.opts.wscale, 7);
            assert_true(p.opts.sack_ok);
            assert_true(p.opts.has_ts);
            assert_int_equal(p.opts.ts_val, 7);
            assert_int_equal(p.opts.ts_ecr, 9);
        }
    }
}

static void test_linktype_supported(void **state)
{
    (void)state;
    static const int yes[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
                              DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NFLOG, 101};
    static const int no[] = {105, 127, 147, 9, -1, 100000};
    for (size_t i = 0; i < NELEM(yes); i++)
        assert_true(tr_linktype_supported(yes[i]));
    for (size_t i = 0; i < NELEM(no); i++)
        assert_false(tr_linktype_supported(no[i]));
}

/* Random bytes under every link type, and random corruption of valid
 * frames: any result, never a read past the capture (ASan), a reason for
 * every failure, and a payload inside the capture. */
static uint32_t rng_state = 12345;
static uint32_t rng(void)
{
    rng_state = rng_state * 1103515245u + 12345u;
    return rng_state >> 8;
}

static void check_any(int lt, const uint8_t *b, size_t n)
{
    struct tr_packet p;
    char whybuf[TR_ERRBUF_SIZE];
    const char *why = NULL;
    uint8_t *copy;
    enum tr_decode_result r = decode_exact(lt, b, n, &p, &why, whybuf, &copy);
    assert_true(r >= TR_PKT_TCP && r <= TR_PKT_TOO_DEEP);
    assert_non_null(why);
    if (r == TR_PKT_TCP || r == TR_PKT_UDP) {
        assert_true(p.payload >= copy && p.payload <= copy + n);
        assert_true(p.caplen <= (size_t)(copy + n - p.payload));
        assert_true(p.caplen <= p.len);
    } else if (r != TR_PKT_OTHER && r != TR_PKT_ESP) {
        assert_true(why[0] != '\0');
    }
    free(copy);
}

static void test_hostile_random(void **state)
{
    (void)state;
    static const int links[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
                                DLT_RAW, DLT_IPV4, DLT_IPV6, DLT_NFLOG};
    uint8_t buf[256];
    for (int round = 0; round < 20000; round++) {
        size_t n = rng() % sizeof buf;
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)rng();
        int lt = links[rng() % NELEM(links)];
        /* make the random bytes likelier to reach deep layers */
        if ((lt == DLT_RAW || lt == DLT_IPV4) && n > 0 && (round & 1))
            buf[0] = (uint8_t)(0x45 + (rng() % 11));
        check_any(lt, buf, n);
    }
    for (size_t i = 0; i < NELEM(valid); i++) {
        struct tb fr;
        struct tf_layout lay;
        tf_build(&valid[i].f, &fr, &lay);
        for (int round = 0; round < 300; round++) {
            struct tb c = fr;
            int flips = 1 + (int)(rng() % 4);
            for (int k = 0; k < flips; k++)
                c.b[rng() % lay.payload] = (uint8_t)rng();
            check_any(valid[i].f.linktype, c.b, c.n - rng() % (c.n / 2 + 1));
        }
    }
}

/* Each frame's file offset reads that frame back (tr_rereader_read), even
 * after a record longer than the file's snaplen, whose bytes past it
 * libpcap skips: the offset is where the record is, not a sum of caplens. */
static void test_file_offsets(void **state)
{
    (void)state;
    char path[] = "/tmp/httpstep-test-offsets-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "wb");
    assert_non_null(fp);
    /* a classic pcap, snaplen 60, Ethernet */
    uint32_t gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 60, 1};
    fwrite(gh, sizeof gh, 1, fp);
    static const uint32_t lens[] = {40, 100, 60, 200, 30};
    for (size_t i = 0; i < NELEM(lens); i++) {
        uint32_t rh[4] = {1700000000u + (uint32_t)i, 0, lens[i], lens[i]};
        fwrite(rh, sizeof rh, 1, fp);
        for (uint32_t k = 0; k < lens[i]; k++)
            fputc((int)((i * 37 + k) & 0xff), fp);
    }
    fclose(fp);
    struct tr_capture *cap;
    char err[TR_ERRBUF_SIZE];
    struct tr_capture_opts o = {.file = path, .offsets = true};
    assert_int_equal(tr_capture_open(&cap, &o, err), 0);
    struct tr_rereader *rr = tr_rereader_new(path);
    assert_non_null(rr);
    struct tr_frame f;
    size_t n = 0;
    while (tr_capture_next(cap, &f, err) == TR_NEXT_FRAME) {
        uint8_t first[64];
        uint32_t caplen = f.caplen;
        assert_true(caplen <= sizeof first);
        memcpy(first, f.data, caplen);
        assert_true(f.file_offset > 0);
        struct tr_frame back;
        assert_true(tr_rereader_read(rr, f.file_offset, f.num, &back));
        assert_int_equal(back.caplen, caplen);
        assert_memory_equal(back.data, first, caplen);
        assert_int_equal(first[0], (uint8_t)(n * 37));
        n++;
    }
    assert_int_equal(n, NELEM(lens));
    tr_rereader_free(rr);
    tr_capture_close(cap);
    unlink(path);
}

/* ---------------------------------------------------- UDP and tunnels -- */

/* an IPv4 (v 4) or IPv6 (v 6) header with protocol `proto` before n bytes;
 * `len`: the length field's payload size (n when 0) */
static void put_ip(struct tb *t, int v, uint8_t proto, const uint8_t *p, size_t n, size_t len,
                   const char *src, const char *dst)
{
    uint8_t a[16], b[16];
    size_t pl = len ? len : n;
    if (v == 6) {
        tf_addr(6, src, "2001:db8:ff::1", a);
        tf_addr(6, dst, "2001:db8:ff::2", b);
        tb_be32(t, 0x60000000u);
        tb_be16(t, (unsigned)pl);
        tb_u8(t, proto);
        tb_u8(t, 33);
        tb_mem(t, a, 16);
        tb_mem(t, b, 16);
    } else {
        tf_addr(4, src, "192.0.2.1", a);
        tf_addr(4, dst, "192.0.2.2", b);
        tb_u8(t, 0x45);
        tb_u8(t, 0);
        tb_be16(t, (unsigned)(20 + pl));
        tb_be16(t, 0x4242);
        tb_be16(t, 0);
        tb_u8(t, 33);
        tb_u8(t, proto);
        tb_be16(t, 0);
        tb_mem(t, a, 4);
        tb_mem(t, b, 4);
    }
    tb_mem(t, p, n);
}

static void put_udp(struct tb *t, uint16_t sport, uint16_t dport, const uint8_t *p, size_t n,
                    size_t ulen)
{
    tb_be16(t, sport);
    tb_be16(t, dport);
    tb_be16(t, (unsigned)(ulen ? ulen : 8 + n));
    tb_be16(t, 0);
    tb_mem(t, p, n);
}

static void put_eth(struct tb *t, uint16_t type, const uint8_t *p, size_t n)
{
    tb_fill(t, 0x02, 12);
    tb_be16(t, type);
    tb_mem(t, p, n);
}

/* the inner packet: 10.9.9.1:40000 -> 10.9.9.2:80 carrying "hello, world"
 * (IPv6: 2001:db8:9::1 -> 2001:db8:9::2) */
static void inner_ip(struct tb *t, int v)
{
    struct tf_layout lay;
    struct tf f = {.linktype = DLT_RAW, .ipv = v, .src = v == 6 ? "2001:db8:9::1" : "10.9.9.1",
                   .dst = v == 6 ? "2001:db8:9::2" : "10.9.9.2", TCP_HELLO};
    tf_build(&f, t, &lay);
}

struct tunnel_case {
    const char *name;
    int linktype;
    const char *tunnel;        /* tr_tunnel_format of the result */
    int inner_v;
};

/* Build the frame of tunnel case i into out. */
static void build_tunnel(int i, struct tb *out)
{
    struct tb in, l2;
    out->n = in.n = l2.n = 0;
    switch (i) {
    case 0: /* 6in4 */
        inner_ip(&in, 6);
        put_ip(out, 4, 41, in.b, in.n, 0, NULL, NULL);
        break;
    case 1: /* IP in IP */
        inner_ip(&in, 4);
        put_ip(out, 4, 4, in.b, in.n, 0, NULL, NULL);
        break;
    case 2: /* IPv4 in IPv6 */
        inner_ip(&in, 4);
        put_ip(out, 6, 4, in.b, in.n, 0, NULL, NULL);
        break;
    case 3: /* GRE, no options, IPv4 */
        inner_ip(&in, 4);
        tb_be16(&l2, 0);
        tb_be16(&l2, 0x0800);
        tb_mem(&l2, in.b, in.n);
        put_ip(out, 4, 47, l2.b, l2.n, 0, NULL, NULL);
        break;
    case 4: /* GRE with checksum, key and sequence number, IPv6 (RFC 2890) */
        inner_ip(&in, 6);
        tb_be16(&l2, 0xb000);
        tb_be16(&l2, 0x86dd);
        tb_be32(&l2, 0);           /* checksum, reserved */
        tb_be32(&l2, 0x00c0ffee);  /* key */
        tb_be32(&l2, 7);           /* sequence number */
        tb_mem(&l2, in.b, in.n);
        put_ip(out, 6, 47, l2.b, l2.n, 0, NULL, NULL);
        break;
    case 5: { /* GRE with a key, Ethernet inside (gretap) */
        struct tb eth = {.n = 0};
        inner_ip(&in, 4);
        put_eth(&eth, 0x0800, in.b, in.n);
        tb_be16(&l2, 0x2000);
        tb_be16(&l2, 0x6558);
        tb_be32(&l2, 42);
        tb_mem(&l2, eth.b, eth.n);
        put_ip(out, 4, 47, l2.b, l2.n, 0, NULL, NULL);
        break;
    }
    case 6: /* AH tunnel mode: AH (24 bytes: 12 + a 12-byte ICV) then IPv4 */
        inner_ip(&in, 4);
        tb_u8(&l2, 4);
        tb_u8(&l2, 4);             /* (4 + 2) * 4 = 24 bytes */
        tb_be16(&l2, 0);
        tb_be32(&l2, 0x1000);      /* SPI */
        tb_be32(&l2, 1);
        tb_fill(&l2, 0xab, 12);
        tb_mem(&l2, in.b, in.n);
        put_ip(out, 4, 51, l2.b, l2.n, 0, NULL, NULL);
        break;
    case 7: { /* AH transport mode: TCP after it */
        struct tf_layout lay;
        struct tf f = {.linktype = DLT_RAW, TCP_HELLO};
        tf_build(&f, &in, &lay);
        tb_u8(&l2, 6);
        tb_u8(&l2, 4);
        tb_be16(&l2, 0);
        tb_be32(&l2, 0x1000);
        tb_be32(&l2, 1);
        tb_fill(&l2, 0xab, 12);
        tb_mem(&l2, in.b + lay.tcp, in.n - lay.tcp);
        put_ip(out, 4, 51, l2.b, l2.n, 0, "10.9.9.1", "10.9.9.2");
        break;
    }
    case 8: { /* VXLAN: UDP 4789, Ethernet, IPv4 */
        struct tb eth = {.n = 0};
        inner_ip(&in, 4);
        put_eth(&eth, 0x0800, in.b, in.n);
        tb_u8(&l2, 0x08);
        tb_fill(&l2, 0, 3);
        tb_be32(&l2, 4242u << 8);
        tb_mem(&l2, eth.b, eth.n);
        struct tb udp = {.n = 0};
        put_udp(&udp, 51000, 4789, l2.b, l2.n, 0);
        put_ip(out, 4, 17, udp.b, udp.n, 0, NULL, NULL);
        break;
    }
    case 9: { /* GTP-U G-PDU with a sequence number and one extension header */
        inner_ip(&in, 4);
        tb_u8(&l2, 0x36);          /* version 1, PT, E, S */
        tb_u8(&l2, 255);
        tb_be16(&l2, (unsigned)(4 + 4 + in.n));
        tb_be32(&l2, 0x11223344);  /* TEID */
        tb_be16(&l2, 9);           /* sequence number */
        tb_u8(&l2, 0);
        tb_u8(&l2, 0x85);          /* next: PDU session container */
        tb_u8(&l2, 1);             /* 4 bytes */
        tb_u8(&l2, 0x10);
        tb_u8(&l2, 0x09);
        tb_u8(&l2, 0);             /* no more */
        tb_mem(&l2, in.b, in.n);
        struct tb udp = {.n = 0};
        put_udp(&udp, 2152, 2152, l2.b, l2.n, 0);
        put_ip(out, 4, 17, udp.b, udp.n, 0, NULL, NULL);
        break;
    }
    case 10: { /* VXLAN > GRE > 6in4, on Ethernet */
        struct tb a = {.n = 0}, b = {.n = 0}, eth = {.n = 0}, udp = {.n = 0}, ip = {.n = 0};
        inner_ip(&in, 6);
        put_ip(&a, 4, 41, in.b, in.n, 0, NULL, NULL);          /* 6in4 */
        tb_be16(&b, 0);
        tb_be16(&b, 0x0800);
        tb_mem(&b, a.b, a.n);
        put_ip(&l2, 4, 47, b.b, b.n, 0, NULL, NULL);           /* GRE */
        put_eth(&eth, 0x0800, l2.b, l2.n);
        a.n = 0;
        tb_u8(&a, 0x08);
        tb_fill(&a, 0, 7);
        tb_mem(&a, eth.b, eth.n);
        put_udp(&udp, 51000, 4789, a.b, a.n, 0);
        put_ip(&ip, 4, 17, udp.b, udp.n, 0, NULL, NULL);       /* VXLAN */
        put_eth(out, 0x0800, ip.b, ip.n);
        break;
    }
    }
}

static const struct tunnel_case tunnels[] = {
    {"6in4", DLT_RAW, "IPv6 in IPv4", 6},
    {"IP in IP", DLT_RAW, "IPv4 in IPv4", 4},
    {"IPv4 in IPv6", DLT_RAW, "IPv4 in IPv6", 4},
    {"GRE", DLT_RAW, "GRE", 4},
    {"GRE checksum, key, sequence, IPv6", DLT_RAW, "GRE", 6},
    {"GRE Ethernet (gretap)", DLT_RAW, "GRE", 4},
    {"AH tunnel mode", DLT_RAW, "IPsec AH", 4},
    {"AH transport mode", DLT_RAW, "IPsec AH", 4},
    {"VXLAN", DLT_RAW, "VXLAN", 4},
    {"GTP-U with an extension header", DLT_RAW, "GTP-U", 4},
    {"VXLAN > GRE > 6in4 on Ethernet", DLT_EN10MB, "VXLAN > GRE > IPv6 in IPv4", 6},
};

/* every tunnel is taken off: the inner TCP with its addresses and payload,
 * the tunnels named; every truncation gives TR_PKT_TRUNCATED (or a silent
 * skip), never a read past the capture */
static void test_tunnels(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(tunnels); i++) {
        const struct tunnel_case *tc = &tunnels[i];
        struct tb *fr = malloc(sizeof *fr);
        build_tunnel((int)i, fr);
        struct tr_packet p;
        char whybuf[TR_ERRBUF_SIZE], tun[TR_TUNNEL_STRLEN], a[TR_ADDRSTRLEN];
        const char *why;
        uint8_t *copy;
        enum tr_decode_result r = decode_exact(tc->linktype, fr->b, fr->n, &p, &why, whybuf, &copy);
        if (r != TR_PKT_TCP)
            fail_msg("%s: result %d (%s)", tc->name, r, why);
        assert_int_equal(p.proto, TR_PROTO_TCP);
        if (strcmp(tr_tunnel_format(p.tunnel, p.ntunnels, tun), tc->tunnel) != 0)
            fail_msg("%s: tunnel '%s', want '%s'", tc->name, tun, tc->tunnel);
        assert_int_equal(p.src.family, tc->inner_v);
        tr_addr_format(&p.src, a);
        assert_string_equal(a, tc->inner_v == 6 ? "2001:db8:9::1" : "10.9.9.1");
        assert_int_equal(p.len, HELLO_LEN);
        assert_int_equal(p.caplen, HELLO_LEN);
        assert_memory_equal(p.payload, hello, HELLO_LEN);
        assert_int_equal(p.ttl, i == 7 ? 33 : 64);  /* the innermost IP header's */
        free(copy);
        for (size_t k = 0; k < fr->n; k++) {
            r = decode_exact(tc->linktype, fr->b, k, &p, &why, whybuf, &copy);
            bool payload_cut = r == TR_PKT_TCP && p.caplen < p.len &&
                               p.payload + p.caplen == copy + k;
            if (r != TR_PKT_TRUNCATED && r != TR_PKT_OTHER && r != TR_PKT_UDP && !payload_cut)
                fail_msg("%s cut at %zu: result %d (%s)", tc->name, k, r, why);
            free(copy);
        }
        free(fr);
    }
}

/* five tunnels nested: the fifth is over the depth limit */
static void test_tunnel_depth(void **state)
{
    (void)state;
    struct tb *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    a->n = b->n = 0;
    inner_ip(a, 4);
    for (int depth = 1; depth <= TR_TUNNEL_MAX_DEPTH + 1; depth++) {
        b->n = 0;
        put_ip(b, 4, 4, a->b, a->n, 0, NULL, NULL);
        *a = *b;
        struct tr_packet p;
        char whybuf[TR_ERRBUF_SIZE];
        const char *why;
        uint8_t *copy;
        enum tr_decode_result r = decode_exact(DLT_RAW, a->b, a->n, &p, &why, whybuf, &copy);
        free(copy);
        if (depth <= TR_TUNNEL_MAX_DEPTH) {
            assert_int_equal(r, TR_PKT_TCP);
            assert_int_equal(p.ntunnels, depth);
        } else {
            assert_int_equal(r, TR_PKT_TOO_DEEP);
            assert_non_null(strstr(why, "more than 4 tunnels nested"));
        }
    }
    free(a);
    free(b);
}

struct udp_case {
    const char *name;
    int v;
    size_t ulen;         /* the UDP length field (0: right) */
    size_t iplen;        /* the IP payload length field (0: right) */
    size_t cut;          /* bytes cut from the frame's end */
    enum tr_decode_result want;
    const char *why;
    uint32_t len, caplen;
};

static const uint8_t dnsq[] = "\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x03www\x04test"
                              "\x00\x00\x01\x00\x01";
#define DNSQ_LEN (sizeof dnsq - 1)

static const struct udp_case udps[] = {
    {"DNS query over IPv4", 4, 0, 0, 0, TR_PKT_UDP, NULL, DNSQ_LEN, DNSQ_LEN},
    {"DNS query over IPv6", 6, 0, 0, 0, TR_PKT_UDP, NULL, DNSQ_LEN, DNSQ_LEN},
    {"payload cut by the snaplen", 4, 0, 0, 10, TR_PKT_UDP, NULL, DNSQ_LEN, DNSQ_LEN - 10},
    {"UDP length shorter than the IP payload: padding", 4, 8 + 20, 0, 0, TR_PKT_UDP, NULL, 20, 20},
    {"UDP length 0: the IP length", 6, 0xffff0000, 0, 0, TR_PKT_UDP, NULL, DNSQ_LEN, DNSQ_LEN},
    {"UDP length past the IP payload", 4, 8 + DNSQ_LEN + 1, 0, 0, TR_PKT_MALFORMED,
     "UDP length 35 is past the IP payload's 34 bytes", 0, 0},
    {"UDP length under its header", 4, 7, 0, 0, TR_PKT_MALFORMED,
     "UDP length 7 is less than its 8-byte header", 0, 0},
    {"IP payload shorter than a UDP header", 4, 0, 6, 0, TR_PKT_MALFORMED,
     "UDP datagram of 6 bytes is shorter than its header", 0, 0},
    {"UDP header cut", 4, 0, 0, DNSQ_LEN + 3, TR_PKT_TRUNCATED, "UDP header cut by the snaplen",
     0, 0},
};

/* UDP: ports and lengths; a lying length is malformed (issue 17) */
static void test_udp(void **state)
{
    (void)state;
    for (size_t i = 0; i < NELEM(udps); i++) {
        const struct udp_case *uc = &udps[i];
        struct tb udp = {.n = 0}, fr = {.n = 0};
        put_udp(&udp, 40053, 53, dnsq, DNSQ_LEN, uc->ulen == 0xffff0000 ? 0 : uc->ulen);
        if (uc->ulen == 0xffff0000)
            tb_put_be16(&udp, 4, 0);
        put_ip(&fr, uc->v, 17, udp.b, udp.n, uc->iplen, NULL, NULL);
        struct tr_packet p;
        char whybuf[TR_ERRBUF_SIZE];
        const char *why;
        uint8_t *copy;
        enum tr_decode_result r = decode_exact(DLT_RAW, fr.b, fr.n - uc->cut, &p, &why, whybuf,
                                               &copy);
        if (r != uc->want)
            fail_msg("%s: result %d, want %d (%s)", uc->name, r, uc->want, why);
        if (uc->why && !strstr(why, uc->why))
            fail_msg("%s: reason '%s', want '%s'", uc->name, why, uc->why);
        if (r == TR_PKT_UDP) {
            assert_int_equal(p.proto, TR_PROTO_UDP);
            assert_int_equal(p.sport, 40053);
            assert_int_equal(p.dport, 53);
            if (p.len != uc->len || p.caplen != uc->caplen)
                fail_msg("%s: len %u caplen %u, want %u %u", uc->name, p.len, p.caplen, uc->len,
                         uc->caplen);
            assert_memory_equal(p.payload, dnsq, p.caplen);
            assert_int_equal(p.ntunnels, 0);
            /* no TCP field keeps what was there (found by fuzz_packet) */
            assert_int_equal(p.flags, 0);
            assert_int_equal(p.seq, 0);
            assert_int_equal(p.opts.nsack, 0);
            assert_int_equal(p.opts.wscale, -1);
        }
        free(copy);
    }
}

/* ESP: the SPI, nothing else; a GRE version 1 (PPTP) is skipped */
static void test_esp_and_skips(void **state)
{
    (void)state;
    static const uint8_t esp[] = {0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1, 0x55, 0x66};
    struct tb fr = {.n = 0};
    put_ip(&fr, 6, 50, esp, sizeof esp, 0, NULL, NULL);
    struct tr_packet p;
    char whybuf[TR_ERRBUF_SIZE];
    const char *why;
    uint8_t *copy;
    assert_int_equal(decode_exact(DLT_RAW, fr.b, fr.n, &p, &why, whybuf, &copy), TR_PKT_ESP);
    assert_int_equal(p.esp_spi, 0xdeadbeef);
    free(copy);
    static const uint8_t pptp[] = {0x30, 0x81, 0x88, 0x0b, 0, 4, 0, 0, 0, 0, 0, 1, 0xff, 3, 0, 0x21};
    fr.n = 0;
    put_ip(&fr, 4, 47, pptp, sizeof pptp, 0, NULL, NULL);
    assert_int_equal(decode_exact(DLT_RAW, fr.b, fr.n, &p, &why, whybuf, &copy), TR_PKT_OTHER);
    free(copy);
    /* a GRE header longer than the packet: malformed, not read past */
    static const uint8_t gre_short[] = {0xb0, 0x00, 0x08, 0x00, 0, 0};
    fr.n = 0;
    put_ip(&fr, 4, 47, gre_short, sizeof gre_short, 0, NULL, NULL);
    assert_int_equal(decode_exact(DLT_RAW, fr.b, fr.n, &p, &why, whybuf, &copy), TR_PKT_MALFORMED);
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_frames),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_tcp_options),
        cmocka_unit_test(test_bad_headers),
        cmocka_unit_test(test_ipv6_chain_limit),
        cmocka_unit_test(test_same_packet_every_link),
        cmocka_unit_test(test_linktype_supported),
        cmocka_unit_test(test_hostile_random),
        cmocka_unit_test(test_file_offsets),
        cmocka_unit_test(test_tunnels),
        cmocka_unit_test(test_tunnel_depth),
        cmocka_unit_test(test_udp),
        cmocka_unit_test(test_esp_and_skips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
