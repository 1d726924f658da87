/*
 * floor.c - the floor for `make bench`: the least any libpcap reader does.
 *
 *   floor FILE      pcap_open_offline + a pcap_next_ex loop that counts packets
 *                   and bytes and touches each packet's last byte.
 *   floor -f FILE   the same plus Ethernet (VLAN) / IPv4 / IPv6 / TCP header
 *                   parsing and a 4-tuple hash table (packets and bytes per
 *                   connection, both directions in one entry): the floor for
 *                   anything that tracks TCP connections.
 *
 * Prints one line of counts on stdout.  Exit 0, 1 on a read error, 2 on usage.
 * Build: cc -O2 -o floor tests/bench/floor.c -lpcap
 */
#define _DEFAULT_SOURCE                 /* getopt, and u_char for pcap.h under -std=c11 */
#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------ flow table */

struct flow_key {
    uint8_t lo_addr[16];                /* canonical order: (lo, lo_port) < (hi, hi_port) */
    uint8_t hi_addr[16];                /* IPv4 in the first 4 bytes, rest zero */
    uint16_t lo_port, hi_port;
    uint8_t family;                     /* 4 or 6 */
    uint8_t pad[3];                     /* zeroed: keys compare with memcmp */
};
_Static_assert(sizeof(struct flow_key) == 40, "key_hash reads 5 words");

struct flow {
    struct flow_key key;
    bool used;
    uint64_t packets, bytes;
};

struct flow_table {
    struct flow *slots;
    size_t cap, count;                  /* cap: power of two, at most half full */
};

struct counts {
    uint64_t packets, bytes, wire_bytes, touch;
    uint64_t tcp, syns, not_ip, not_tcp, truncated;
};

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p) {
        fprintf(stderr, "floor: out of memory (%zu x %zu bytes)\n", n, size);
        exit(1);
    }
    return p;
}

static uint64_t key_hash(const struct flow_key *k)
{
    uint64_t w[5], h = 0x9e3779b97f4a7c15ULL;

    memcpy(w, k, sizeof w);             /* 40 bytes: addresses, ports, family */
    for (int i = 0; i < 5; i++) {
        h ^= w[i];
        h *= 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    return h;
}

static struct flow *table_slot(struct flow *slots, size_t cap, const struct flow_key *k)
{
    size_t i = key_hash(k) & (cap - 1);

    while (slots[i].used && memcmp(&slots[i].key, k, sizeof *k) != 0)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static void table_grow(struct flow_table *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 4096;
    struct flow *n = xcalloc(ncap, sizeof *n);

    for (size_t i = 0; i < t->cap; i++)
        if (t->slots[i].used)
            *table_slot(n, ncap, &t->slots[i].key) = t->slots[i];
    free(t->slots);
    t->slots = n;
    t->cap = ncap;
}

static struct flow *table_find_or_add(struct flow_table *t, const struct flow_key *k)
{
    struct flow *f;

    if ((t->count + 1) * 2 > t->cap)
        table_grow(t);
    f = table_slot(t->slots, t->cap, k);
    if (!f->used) {
        f->key = *k;
        f->used = true;
        t->count++;
    }
    return f;
}

/* ---------------------------------------------------------------- parsing */

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Store a 4-tuple in k in canonical order, so both directions give one key. */
static void key_set(struct flow_key *k, const uint8_t *src, const uint8_t *dst, size_t alen,
                    uint16_t sport, uint16_t dport)
{
    int c = memcmp(src, dst, alen);

    if (c > 0 || (c == 0 && sport > dport)) {
        const uint8_t *t = src;
        uint16_t tp = sport;
        src = dst;
        dst = t;
        sport = dport;
        dport = tp;
    }
    memcpy(k->lo_addr, src, alen);
    memcpy(k->hi_addr, dst, alen);
    k->lo_port = sport;
    k->hi_port = dport;
}

static void flow_packet(struct flow_table *t, struct counts *c, const uint8_t *p,
                        size_t len, uint32_t wire_len)
{
    struct flow_key k;
    size_t off = 14, ihl;
    uint16_t type;
    uint8_t proto;
    const uint8_t *src, *dst;

    if (len < 14) {
        c->truncated++;
        return;
    }
    type = be16(p + 12);
    while ((type == 0x8100 || type == 0x88a8) && len - off >= 4) {   /* 802.1Q/ad tags */
        type = be16(p + off + 2);
        off += 4;
    }
    memset(&k, 0, sizeof k);
    if (type == 0x0800) {
        if (len - off < 20 || p[off] >> 4 != 4) {
            c->truncated++;
            return;
        }
        ihl = (size_t)(p[off] & 0x0f) * 4;
        if (ihl < 20 || ihl > len - off) {
            c->truncated++;
            return;
        }
        proto = p[off + 9];
        src = p + off + 12;
        dst = p + off + 16;
        k.family = 4;
        off += ihl;
    } else if (type == 0x86dd) {
        if (len - off < 40) {
            c->truncated++;
            return;
        }
        proto = p[off + 6];             /* no extension-header walk: a floor */
        src = p + off + 8;
        dst = p + off + 24;
        k.family = 6;
        off += 40;
    } else {
        c->not_ip++;
        return;
    }
    if (proto != 6) {
        c->not_tcp++;
        return;
    }
    if (len - off < 20) {
        c->truncated++;
        return;
    }
    key_set(&k, src, dst, k.family == 4 ? 4 : 16, be16(p + off), be16(p + off + 2));
    c->tcp++;
    if ((p[off + 13] & 0x12) == 0x02)   /* SYN without ACK: a connection opens */
        c->syns++;

    struct flow *f = table_find_or_add(t, &k);
    f->packets++;
    f->bytes += wire_len;
}

/* ------------------------------------------------------------------- main */

static void usage(void)
{
    fprintf(stderr, "usage: floor [-f] FILE\n");
    exit(2);
}

int main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    struct flow_table table = {0};
    struct counts c = {0};
    struct pcap_pkthdr *h;
    const u_char *d;
    bool flows = false;
    pcap_t *pc;
    int opt, rc;

    while ((opt = getopt(argc, argv, "f")) != -1) {
        if (opt == 'f')
            flows = true;
        else
            usage();
    }
    if (optind != argc - 1)
        usage();

    pc = pcap_open_offline(argv[optind], err);
    if (!pc) {
        fprintf(stderr, "floor: %s\n", err);
        return 1;
    }
    if (flows && pcap_datalink(pc) != DLT_EN10MB) {
        fprintf(stderr, "floor: -f reads Ethernet captures only, '%s' has link type %s\n",
                argv[optind], pcap_datalink_val_to_name(pcap_datalink(pc)));
        pcap_close(pc);
        return 1;
    }
    while ((rc = pcap_next_ex(pc, &h, &d)) == 1) {
        c.packets++;
        c.bytes += h->caplen;
        c.wire_bytes += h->len;
        if (h->caplen > 0)
            c.touch += d[h->caplen - 1];
        if (flows)
            flow_packet(&table, &c, d, h->caplen, h->len);
    }
    if (rc == PCAP_ERROR) {
        fprintf(stderr, "floor: '%s': %s\n", argv[optind], pcap_geterr(pc));
        pcap_close(pc);
        free(table.slots);
        return 1;
    }
    pcap_close(pc);

    printf("packets=%llu bytes=%llu wire_bytes=%llu touch=%llu",
           (unsigned long long)c.packets, (unsigned long long)c.bytes,
           (unsigned long long)c.wire_bytes, (unsigned long long)c.touch);
    if (flows)
        printf(" tcp=%llu connections=%zu syns=%llu not_ip=%llu not_tcp=%llu truncated=%llu",
               (unsigned long long)c.tcp, table.count, (unsigned long long)c.syns,
               (unsigned long long)c.not_ip, (unsigned long long)c.not_tcp,
               (unsigned long long)c.truncated);
    printf("\n");
    free(table.slots);
    return 0;
}
