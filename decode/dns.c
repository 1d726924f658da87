/* dns.c - DNS messages as a learner's tracer reads them: the header,
 * questions and resource records of RFC 1035 4.1, names with compression
 * (4.1.4) under loop and length limits, the pairing key, the CNAME chain, and
 * the two-byte framing of DNS over TCP (RFC 1035 4.2.2, RFC 7766 8)
 *
 * Hand-written, not a Debian library. Issue 17 asks for one unless
 * hand-written is clearly smaller; it is not smaller (the parser below is
 * about 330 lines of code; the same struct filled from ldns took a prototype
 * of 133 lines of glue), but neither library Debian 12 ships reads safely
 * what the learner is shown:
 * - c-ares 1.18.1 (libc-ares-dev) predates ares_dns_parse (c-ares 1.22): it
 *   has only ares_parse_{a,aaaa,ns,ptr,mx,txt,srv,soa,caa,naptr,uri}_reply,
 *   each for one type, into a struct hostent or a list: no ID, RCODE or TC
 *   bit, no authority or additional section, no unknown type. Only
 *   ares_expand_name would be used; the rest would be written here anyway.
 * - ldns 1.8.3 (libldns-dev; libldns3 is 505 KB installed and pulls libssl3):
 *   ldns_wire2pkt reads a CNAME whose name runs past its RDLENGTH (2, the
 *   name 6 bytes) as "All OK" and reads the next record from where the name
 *   ended, not where RDLENGTH says (RFC 1035 4.1.3); it is all or nothing: a
 *   record cut by the snaplen in the additional section discards the header,
 *   question and answers, an A record of 5 bytes comes back as "Label length
 *   overflow", and no error names a record or an offset; it keeps names
 *   decompressed, so RDLENGTH, where RDATA lies and where the message ends
 *   are lost; it allocates per record (27 mallocs for a reply of 2 answers
 *   and an OPT); its loop guard is 65535 pointer hops per name.
 * This file: no allocation in the parser, what was read before an error is
 * kept, the error names the field and its offset, and a fuzz harness
 * (tests/fuzz/fuzz_dns.c) checks it.
 *
 * Reading follows tracer_int.h's cursor rules (tcpdump's GET_ macros):
 * every read checked against what is left, lengths compared with what is
 * left, never by pointer sums; names are read by offset because pointers
 * are offsets.
 */
#include "decode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(DEC_DNS_ARENA < DEC_DNS_NOTEXT, "arena offsets fit in 16 bits");
_Static_assert(DEC_DNS_NAMESTRLEN > 4 * DEC_DNS_NAME_MAX, "a name's text fits");

#define DNS_MAX_MESSAGE 65535 /* RFC 1035 4.2.2's length field; UDP's limit too */

/* ----------------------------------------------------------- tables -- */

const char *dec_dns_type_name(uint16_t type, char *buf)
{
    switch (type) {
#define X(id, num)                                                                                \
    case num:                                                                                     \
        return #id;
        DEC_DNS_TYPE_LIST(X)
#undef X
    }
    snprintf(buf, DEC_DNS_TYPESTRLEN, "TYPE%u", (unsigned)type); /* RFC 3597 5 */
    return buf;
}

const char *dec_dns_rcode_name(uint16_t rcode, char *buf)
{
    switch (rcode) {
#define X(id, num)                                                                                \
    case num:                                                                                     \
        return #id;
        DEC_DNS_RCODE_LIST(X)
#undef X
    }
    snprintf(buf, DEC_DNS_TYPESTRLEN, "RCODE%u", (unsigned)rcode);
    return buf;
}

const char *dec_dns_opcode_name(uint8_t opcode, char *buf)
{
    static const char *const names[16] = {
        [0] = "QUERY", [1] = "IQUERY", [2] = "STATUS", [4] = "NOTIFY", [5] = "UPDATE", [6] = "DSO",
    };
    if (opcode < 16 && names[opcode])
        return names[opcode];
    snprintf(buf, DEC_DNS_TYPESTRLEN, "OPCODE%u", (unsigned)opcode);
    return buf;
}

const char *dec_dns_section_name(enum dec_dns_section s)
{
    static const char *const names[] = {"question", "answer", "authority", "additional"};
    return (unsigned)s < 4 ? names[s] : "?";
}

/* ----------------------------------------------------------- reading -- */

struct ctx {
    const uint8_t *buf;
    size_t len;
    struct dec_dns_msg *m;
    char where[48];             /* "answer 2", "answer 2, CNAME target" */
};

__attribute__((format(printf, 3, 4))) static int fail(struct ctx *c, int rc, const char *fmt,
                                                      ...)
{
    int n = snprintf(c->m->error, sizeof c->m->error, "%s: ", c->where);
    if (n < 0 || (size_t)n >= sizeof c->m->error)
        return rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->m->error + n, sizeof c->m->error - (size_t)n, fmt, ap);
    va_end(ap);
    return rc;
}

static uint16_t be16_at(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* label bytes as RFC 1035 5.1 writes them: "\." and "\\" escaped, bytes
 * outside printable ASCII as "\DDD" (decimal) */
static size_t escape_byte(char *out, uint8_t ch)
{
    if (ch == '.' || ch == '\\') {
        out[0] = '\\';
        out[1] = (char)ch;
        return 2;
    }
    if (ch > 0x20 && ch < 0x7f) {
        out[0] = (char)ch;
        return 1;
    }
    out[0] = '\\';
    out[1] = (char)('0' + ch / 100);
    out[2] = (char)('0' + ch / 10 % 10);
    out[3] = (char)('0' + ch % 10);
    return 4;
}

/* The name's bytes ran out at `at` before it ended: into the pointer that led
 * to them (jump, its target limit), past its RDATA (whose length was there,
 * so the record is whole and wrong), or past the message. */
static int name_cut(struct ctx *c, size_t start, size_t at, size_t jump, size_t limit,
                    bool in_rdata, size_t end)
{
    if (jump != SIZE_MAX)
        return fail(c, DEC_INVALID,
                    "labels from offset %zu run into the name pointer at offset %zu that leads "
                    "to them",
                    limit, jump);
    if (in_rdata)
        return fail(c, DEC_INVALID, "name at offset %zu runs past its RDATA's end at offset %zu",
                    start, end);
    return fail(c, DEC_INCOMPLETE, "name cut at offset %zu (message of %zu bytes)", at, c->len);
}

/* Why a pointer at p to target, not before the previous jump (limit), is
 * refused: past the end; into what this name already read (a loop: the
 * segments [lo, hi] read so far, the current one [limit, p + 1] last); or
 * forward, which RFC 1035 4.1.4 does not allow ("a prior occurance"). */
static int bad_pointer(struct ctx *c, size_t p, size_t target, const size_t *lo, const size_t *hi,
                       size_t nseg)
{
    if (target >= c->len)
        return fail(c, DEC_INVALID,
                    "name pointer at offset %zu to offset %zu, past the end (%zu bytes)", p, target,
                    c->len);
    for (size_t i = 0; i < nseg; i++)
        if (target >= lo[i] && target <= hi[i])
            return fail(c, DEC_INVALID, "name pointer loop at offset %zu (to offset %zu)", p,
                        target);
    return fail(c, DEC_INVALID,
                "name pointer at offset %zu points forward to offset %zu (RFC 1035 4.1.4: to a "
                "prior name)",
                p, target);
}

/* Read the name at *pos (RFC 1035 3.1, 4.1.4). Its own bytes (up to the first
 * pointer) must end by `end` (the message's end, or with in_rdata its
 * RDATA's). Every pointer must point before the previous one (before the
 * name, the first): targets fall, so reading ends, as in tcpdump's
 * fqdn_print; and what a pointer leads to must end before that pointer, so
 * the reading never depends on bytes after the name. DEC_DNS_MAX_HOPS bounds
 * the work. Writes the text (DEC_DNS_NAMESTRLEN bytes) and, if wire is not NULL,
 * the lowercased wire form (*wlen octets); *pos goes past the name. */
static int read_name(struct ctx *c, size_t *pos, size_t end, bool in_rdata, char *text,
                     uint8_t *wire, uint16_t *wlen)
{
    const uint8_t *b = c->buf;
    size_t start = *pos, p = *pos, stop = end, limit = *pos, after = 0, octets = 0, t = 0;
    size_t jump = SIZE_MAX;  /* the last pointer followed */
    size_t lo[DEC_DNS_MAX_HOPS + 1], hi[DEC_DNS_MAX_HOPS + 1]; /* segments read */
    size_t nseg = 0;
    for (;;) {
        if (p >= stop)
            return name_cut(c, start, p, jump, limit, in_rdata, end);
        uint8_t l = b[p];
        if ((l & 0xc0) == 0xc0) {
            if (stop - p < 2)
                return name_cut(c, start, p + 1, jump, limit, in_rdata, end);
            size_t target = (size_t)(l & 0x3f) << 8 | b[p + 1];
            if (nseg == 0)
                after = p + 2;
            lo[nseg] = limit;
            hi[nseg] = p + 1;
            nseg++;
            if (target >= limit)
                return bad_pointer(c, p, target, lo, hi, nseg);
            if (target < DEC_DNS_HEADER_LEN)
                return fail(c, DEC_INVALID,
                            "name pointer at offset %zu to offset %zu, inside the header", p,
                            target);
            if (nseg > DEC_DNS_MAX_HOPS)
                return fail(c, DEC_INVALID, "name at offset %zu follows more than %d pointers",
                            start, DEC_DNS_MAX_HOPS);
            jump = stop = p;
            limit = p = target;
            continue;
        }
        if (l & 0xc0)  /* 01: extended label (RFC 6891 5: not used), 10: reserved */
            return fail(c, DEC_INVALID, "label type 0x%02x at offset %zu", l & 0xc0, p);
        if (l == 0) {
            octets++;
            p++;
            break;
        }
        if (stop - p - 1 < l)
            return name_cut(c, start, stop, jump, limit, in_rdata, end);
        if (octets + 1 + l + 1 > DEC_DNS_NAME_MAX)
            return fail(c, DEC_INVALID,
                        "name at offset %zu is longer than %d octets (RFC 1035 3.1)", start,
                        DEC_DNS_NAME_MAX);
        if (t)
            text[t++] = '.';
        for (size_t i = 1; i <= l; i++)
            t += escape_byte(text + t, b[p + i]);
        if (wire) {
            wire[octets] = l;
            for (size_t i = 1; i <= l; i++) {
                uint8_t ch = b[p + i];
                wire[octets + i] = (ch >= 'A' && ch <= 'Z') ? (uint8_t)(ch + 32) : ch;
            }
        }
        octets += 1 + (size_t)l;
        p += 1 + (size_t)l;
    }
    if (t == 0)
        text[t++] = '.';  /* the root */
    text[t] = '\0';
    if (wire) {
        wire[octets - 1] = 0;
        *wlen = (uint16_t)octets;
    }
    *pos = nseg > 0 ? after : p;
    return 0;
}

/* Copy text into the arena: its offset, or DEC_DNS_NOTEXT when full. */
static uint16_t keep_text(struct dec_dns_msg *m, const char *s)
{
    size_t n = strlen(s) + 1;
    if (n > DEC_DNS_ARENA - m->arena_used)
        return DEC_DNS_NOTEXT;
    memcpy(m->arena + m->arena_used, s, n);
    uint16_t ref = (uint16_t)m->arena_used;
    m->arena_used += n;
    return ref;
}

static int parse_question(struct ctx *c, size_t *pos, unsigned index)
{
    struct dec_dns_msg *m = c->m;
    char name[DEC_DNS_NAMESTRLEN];
    uint8_t wire[DEC_DNS_NAME_MAX];
    uint16_t wlen = 0;
    int rc = read_name(c, pos, c->len, false, name, wire, &wlen);
    if (rc)
        return rc;
    if (c->len - *pos < 4)  /* QTYPE, QCLASS: RFC 1035 4.1.2 */
        return fail(c, DEC_INCOMPLETE, "QTYPE and QCLASS cut at offset %zu", c->len);
    uint16_t type = be16_at(c->buf + *pos), qclass = be16_at(c->buf + *pos + 2);
    *pos += 4;
    if (index == 1) {
        memcpy(m->qname, wire, wlen);
        m->qname_len = wlen;
    }
    if (m->nq < DEC_DNS_MAX_QUESTIONS) {
        uint16_t ref = keep_text(m, name);
        if (ref != DEC_DNS_NOTEXT) {
            struct dec_dns_question *q = &m->q[m->nq++];
            q->name = ref;
            q->type = type;
            q->qclass = qclass;
            return 0;
        }
    }
    m->capped = true;
    return 0;
}

/* RDATA that is one name (RFC 1035 3.3.1 CNAME, 3.3.11 NS, 3.3.12 PTR;
 * RFC 6672 2.1 DNAME): it must fill the RDATA exactly */
static int rdata_name(struct ctx *c, size_t rdata, size_t rdlen, const char *tname, char *text)
{
    size_t where = strlen(c->where), p = rdata;
    snprintf(c->where + where, sizeof c->where - where, ", %s target", tname);
    int rc = read_name(c, &p, rdata + rdlen, true, text, NULL, NULL);
    if (rc == 0 && p != rdata + rdlen)
        rc = fail(c, DEC_INVALID, "name ends at offset %zu, its RDATA at offset %zu", p,
                  rdata + rdlen);
    c->where[where] = '\0';
    return rc;
}

/* RFC 6891 6.1.2-6.1.3: the OPT pseudo-record */
static void parse_opt(struct dec_dns_msg *m, uint16_t rclass, uint32_t ttl)
{
    if (m->nopt++ > 0)
        return;
    m->edns = true;
    m->edns_udp_size = rclass;
    m->edns_version = (uint8_t)(ttl >> 16);
    m->edns_do = (ttl & 0x8000) != 0;
    m->rcode = (uint16_t)((ttl >> 24) << 4 | (m->rcode & 0x0f));
}

static int parse_rr(struct ctx *c, size_t *pos, enum dec_dns_section sec, unsigned index)
{
    struct dec_dns_msg *m = c->m;
    char owner[DEC_DNS_NAMESTRLEN], data[DEC_DNS_NAMESTRLEN];
    char tbuf[DEC_DNS_TYPESTRLEN];
    int rc = read_name(c, pos, c->len, false, owner, NULL, NULL);
    if (rc)
        return rc;
    if (c->len - *pos < 10)  /* TYPE, CLASS, TTL, RDLENGTH: RFC 1035 4.1.3 */
        return fail(c, DEC_INCOMPLETE, "TYPE, CLASS, TTL and RDLENGTH cut at offset %zu",
                    c->len);
    const uint8_t *f = c->buf + *pos;
    uint16_t type = be16_at(f), rclass = be16_at(f + 2), rdlen = be16_at(f + 8);
    uint32_t ttl = (uint32_t)be16_at(f + 4) << 16 | be16_at(f + 6);
    size_t rdata = *pos + 10;
    if (rdlen > c->len - rdata)
        return fail(c, DEC_INCOMPLETE, "RDATA of %u bytes at offset %zu cut at offset %zu", rdlen,
                    rdata, c->len);
    struct tr_addr addr;
    memset(&addr, 0, sizeof addr);
    bool has_data = false;
    switch (type) {
    case DEC_DNS_T_A:  /* RFC 1035 3.4.1 */
    case DEC_DNS_T_AAAA: { /* RFC 3596 2.2 */
        size_t want = type == DEC_DNS_T_A ? 4 : 16;
        if (rdlen != want)
            return fail(c, DEC_INVALID, "%s record of %u bytes (not %zu)",
                        dec_dns_type_name(type, tbuf), rdlen, want);
        addr.family = type == DEC_DNS_T_A ? 4 : 6;
        memcpy(addr.a, c->buf + rdata, want);
        tr_addr_format(&addr, data);
        has_data = true;
        break;
    }
    case DEC_DNS_T_CNAME:
    case DEC_DNS_T_NS:
    case DEC_DNS_T_PTR:
    case DEC_DNS_T_DNAME:
        rc = rdata_name(c, rdata, rdlen, dec_dns_type_name(type, tbuf), data);
        if (rc)
            return rc;
        has_data = true;
        break;
    case DEC_DNS_T_OPT:
        if (sec == DEC_DNS_ADDITIONAL)
            parse_opt(m, rclass, ttl);
        break;
    default:
        break;
    }
    *pos = rdata + rdlen;
    if (m->nrr < DEC_DNS_MAX_RRS) {
        size_t mark = m->arena_used;
        uint16_t name = keep_text(m, owner);
        uint16_t dref = has_data && name != DEC_DNS_NOTEXT ? keep_text(m, data) : DEC_DNS_NOTEXT;
        if (name != DEC_DNS_NOTEXT && (!has_data || dref != DEC_DNS_NOTEXT)) {
            struct dec_dns_rr *r = &m->rr[m->nrr++];  /* zeroed, padding too */
            r->section = sec;
            r->index = (uint16_t)index;
            r->name = name;
            r->type = type;
            r->rclass = rclass;
            r->ttl = ttl;
            r->rdlength = rdlen;
            r->rdata_off = (uint32_t)rdata;
            r->addr = addr;
            r->data = dref;
            return 0;
        }
        m->arena_used = mark;
    }
    m->capped = true;
    return 0;
}

int dec_dns_parse(const uint8_t *buf, size_t len, struct dec_dns_msg *m)
{
    memset(m, 0, offsetof(struct dec_dns_msg, arena));
    struct ctx c = {buf, len, m, "header"};
    if (len > DNS_MAX_MESSAGE)
        return fail(&c, DEC_INVALID, "message of %zu bytes, more than %d", len, DNS_MAX_MESSAGE);
    if (len < DEC_DNS_HEADER_LEN)
        return fail(&c, DEC_INCOMPLETE, "%zu of its %d bytes", len, DEC_DNS_HEADER_LEN);
    /* RFC 1035 4.1.1; AD and CD: RFC 4035 3.2 */
    m->header = true;
    m->id = be16_at(buf);
    m->qr = buf[2] & 0x80;
    m->opcode = (buf[2] >> 3) & 0x0f;
    m->aa = buf[2] & 0x04;
    m->tc = buf[2] & 0x02;
    m->rd = buf[2] & 0x01;
    m->ra = buf[3] & 0x80;
    m->z = buf[3] & 0x40;
    m->ad = buf[3] & 0x20;
    m->cd = buf[3] & 0x10;
    m->rcode = buf[3] & 0x0f;
    for (int s = 0; s < 4; s++)
        m->count[s] = be16_at(buf + 4 + 2 * s);
    size_t pos = DEC_DNS_HEADER_LEN;
    for (unsigned i = 1; i <= m->count[DEC_DNS_QUESTION]; i++) {
        snprintf(c.where, sizeof c.where, "question %u", i);
        int rc = parse_question(&c, &pos, i);
        if (rc)
            return rc;
        m->parsed[DEC_DNS_QUESTION]++;
    }
    for (int s = DEC_DNS_ANSWER; s <= DEC_DNS_ADDITIONAL; s++) {
        for (unsigned i = 1; i <= m->count[s]; i++) {
            snprintf(c.where, sizeof c.where, "%s %u", dec_dns_section_name(s), i);
            int rc = parse_rr(&c, &pos, (enum dec_dns_section)s, i);
            if (rc)
                return rc;
            m->parsed[s]++;
        }
    }
    m->complete = true;
    m->length = pos;
    return (int)pos;
}

bool dec_dns_name_equal(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char x = (unsigned char)*a, y = (unsigned char)*b;
        if (x >= 'A' && x <= 'Z')
            x += 32;
        if (y >= 'A' && y <= 'Z')
            y += 32;
        if (x != y)
            return false;
        if (x == '\0')
            return true;
    }
}

/* ----------------------------------------------------------- pairing -- */

void dec_dns_key_make(const struct dec_dns_msg *m, const struct tr_endpoint *src,
                      const struct tr_endpoint *dst, struct dec_dns_key *out)
{
    memset(out, 0, sizeof *out);
    out->client = m->qr ? *dst : *src;
    out->server = m->qr ? *src : *dst;
    out->id = m->id;
    if (m->qname_len > 0 && m->parsed[DEC_DNS_QUESTION] > 0) {
        out->qtype = m->nq ? m->q[0].type : 0;
        out->qclass = m->nq ? m->q[0].qclass : 0;
        out->qname_len = m->qname_len;
        memcpy(out->qname, m->qname, m->qname_len);
    }
}

static bool endpoint_equal(const struct tr_endpoint *a, const struct tr_endpoint *b)
{
    return a->port == b->port && tr_addr_equal(&a->addr, &b->addr);
}

bool dec_dns_key_equal(const struct dec_dns_key *a, const struct dec_dns_key *b)
{
    return a->id == b->id && a->qtype == b->qtype && a->qclass == b->qclass &&
           a->qname_len == b->qname_len && memcmp(a->qname, b->qname, a->qname_len) == 0 &&
           endpoint_equal(&a->client, &b->client) && endpoint_equal(&a->server, &b->server);
}

static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static uint32_t fnv_endpoint(uint32_t h, const struct tr_endpoint *e)
{
    uint8_t port[2] = {(uint8_t)(e->port >> 8), (uint8_t)e->port};
    h = fnv(h, &e->addr.family, 1);
    h = fnv(h, e->addr.a, e->addr.family == 6 ? 16 : 4);
    return fnv(h, port, 2);
}

uint32_t dec_dns_key_hash(const struct dec_dns_key *k)
{
    uint8_t f[6] = {(uint8_t)(k->id >> 8), (uint8_t)k->id, (uint8_t)(k->qtype >> 8),
                    (uint8_t)k->qtype, (uint8_t)(k->qclass >> 8), (uint8_t)k->qclass};
    uint32_t h = fnv(2166136261u, f, sizeof f);
    h = fnv_endpoint(h, &k->client);
    h = fnv_endpoint(h, &k->server);
    return fnv(h, k->qname, k->qname_len);
}

size_t dec_dns_chain_addrs(const struct dec_dns_msg *m, struct tr_addr *out, size_t max,
                           uint16_t *canonical)
{
    if (canonical)
        *canonical = DEC_DNS_NOTEXT;
    if (m->nq == 0)
        return 0;
    uint16_t seen[DEC_DNS_MAX_CHAIN + 1];  /* the names reached, each read once */
    size_t nseen = 0, n = 0;
    uint16_t cur = m->q[0].name;
    for (;;) {
        seen[nseen++] = cur;
        uint16_t next = DEC_DNS_NOTEXT;
        for (size_t i = 0; i < m->nrr; i++) {
            const struct dec_dns_rr *r = &m->rr[i];
            if (r->section != DEC_DNS_ANSWER ||
                !dec_dns_name_equal(dec_dns_text(m, r->name), dec_dns_text(m, cur)))
                continue;
            if (r->addr.family != 0) {
                if (n < max)
                    out[n] = r->addr;
                n++;
            } else if (r->type == DEC_DNS_T_CNAME && next == DEC_DNS_NOTEXT) {
                next = r->data;  /* RFC 1034 3.6.2: one CNAME per name */
            }
        }
        if (next == DEC_DNS_NOTEXT || nseen > DEC_DNS_MAX_CHAIN)
            break;
        bool loop = false;
        for (size_t i = 0; i < nseen && !loop; i++)
            loop = dec_dns_name_equal(dec_dns_text(m, seen[i]), dec_dns_text(m, next));
        if (loop)
            break;
        cur = next;
    }
    if (canonical)
        *canonical = cur;
    return n;
}

bool dec_dns_answers_hold(const struct dec_dns_msg *m, const struct tr_addr *addr)
{
    struct tr_addr found[DEC_DNS_MAX_RRS];
    size_t n = dec_dns_chain_addrs(m, found, DEC_DNS_MAX_RRS, NULL);
    for (size_t i = 0; i < n && i < DEC_DNS_MAX_RRS; i++)
        if (tr_addr_equal(&found[i], addr))
            return true;
    return false;
}

/* ------------------------------------------------------- TCP framing -- */

static void tcp_next(struct dec_dns_tcp *t)
{
    t->nprefix = 0;
    t->need = 0;
    t->have = 0;
}

bool dec_dns_tcp_feed(struct dec_dns_tcp *t, const uint8_t *data, size_t len, size_t *used,
                      struct dec_dns_tcp_msg *out)
{
    size_t i = 0;
    bool whole = false;
    if (t->lost)
        i = len;
    while (i < len && !whole) {
        if (t->skip > 0) {
            size_t k = t->skip < len - i ? (size_t)t->skip : len - i;
            t->skip -= k;
            i += k;
            continue;
        }
        if (t->nprefix < 2) {
            if (t->nprefix == 0)
                t->start = t->offset + i;
            t->prefix[t->nprefix++] = data[i++];
            if (t->nprefix == 2) {
                t->need = be16_at(t->prefix);
                t->have = 0;
                if (t->need == 0) {  /* an empty message: the parser says what is wrong */
                    out->msg = data + i;
                    whole = true;
                }
            }
            continue;
        }
        size_t want = (size_t)t->need - t->have;
        if (t->have == 0 && len - i >= want) {  /* whole in this piece: no copy */
            out->msg = data + i;
            i += want;
            whole = true;
            break;
        }
        if (!t->buf)
            t->buf = tr_xmalloc(DNS_MAX_MESSAGE);
        size_t k = want < len - i ? want : len - i;
        memcpy(t->buf + t->have, data + i, k);
        t->have += k;
        i += k;
        if (t->have == t->need) {
            out->msg = t->buf;
            whole = true;
        }
    }
    if (whole) {
        out->len = t->need;
        out->start = t->start;
        out->end = t->offset + i;
        tcp_next(t);
    }
    t->offset += i;
    *used = i;
    return whole;
}

void dec_dns_tcp_gap(struct dec_dns_tcp *t, uint64_t len)
{
    t->offset += len;
    if (t->lost || len == 0)
        return;
    if (t->skip > 0) {
        if (len <= t->skip) {
            t->skip -= len;
            return;
        }
        t->lost = true;  /* past the broken message: into the next prefix */
        return;
    }
    if (t->nprefix == 2) {  /* inside a message whose length is known */
        uint64_t left = (uint64_t)t->need - t->have;
        t->broken++;
        tcp_next(t);
        if (len <= left) {
            t->skip = left - len;
            return;
        }
    } else if (t->nprefix == 1) {
        t->broken++;
    }
    t->lost = true;  /* the gap hides a length prefix */
}

void dec_dns_tcp_done(struct dec_dns_tcp *t)
{
    free(t->buf);
    memset(t, 0, sizeof *t);
}
