/* test_packet.c - tr_packet_decode: every link type, IPv4 options and
 * lengths, IPv6 extension header chains, TCP options, and hostile frames
 * (every truncation, impossible lengths, random bytes)
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
    {"UDP", {.linktype = DLT_EN10MB, .proto = 17, TCP_HELLO}, P_NONE, 0, 0, TR_PKT_OTHER, NULL, 0, 0},
    {"IPv6 UDP after hop-by-hop",
     {.linktype = DLT_RAW, .ipv = 6, .proto = 17, .next = 1, .ext = {{0, 0, 0}}, TCP_HELLO}, P_NONE,
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
    assert_true(r >= TR_PKT_TCP && r <= TR_PKT_UNSUPPORTED);
    assert_non_null(why);
    if (r == TR_PKT_TCP) {
        assert_true(p.payload >= copy && p.payload <= copy + n);
        assert_true(p.caplen <= (size_t)(copy + n - p.payload));
        assert_true(p.caplen <= p.len);
    } else if (r != TR_PKT_OTHER) {
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
