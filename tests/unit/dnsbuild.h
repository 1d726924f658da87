/* dnsbuild.h - DNS messages built byte by byte for the unit tests
 * (test_dns.c, test_dnsflow.c): header, names, pointers, questions and
 * record headers, on testutil.h's byte builder. Include after testutil.h.
 */
#ifndef HTTPSTEP_DNSBUILD_H
#define HTTPSTEP_DNSBUILD_H

#define F_QR 0x8000
#define F_AA 0x0400
#define F_TC 0x0200
#define F_RD 0x0100
#define F_RA 0x0080
#define T_A 1
#define T_NS 2
#define T_CNAME 5
#define T_SOA 6
#define T_TXT 16
#define T_AAAA 28
#define T_OPT 41
#define T_UNKNOWN 65534

static inline void dns_hdr(struct tb *t, unsigned id, unsigned flags, unsigned qd, unsigned an,
                           unsigned ns, unsigned ar)
{
    tb_be16(t, id);
    tb_be16(t, flags);
    tb_be16(t, qd);
    tb_be16(t, an);
    tb_be16(t, ns);
    tb_be16(t, ar);
}

/* the labels of a dotted name, without the root label */
static inline void dns_labels(struct tb *t, const char *dotted)
{
    while (*dotted) {
        const char *dot = strchr(dotted, '.');
        size_t n = dot ? (size_t)(dot - dotted) : strlen(dotted);
        tb_u8(t, (unsigned)n);
        tb_mem(t, dotted, n);
        dotted += n + (dot ? 1 : 0);
    }
}

static inline void dns_name(struct tb *t, const char *dotted)
{
    dns_labels(t, dotted);
    tb_u8(t, 0);
}

static inline void dns_ptr(struct tb *t, unsigned off)
{
    tb_be16(t, 0xc000 | off);
}

static inline void dns_qtail(struct tb *t, unsigned type)
{
    tb_be16(t, type);
    tb_be16(t, 1);  /* IN */
}

/* TYPE, CLASS IN, TTL, RDLENGTH: after the owner name */
static inline void dns_rrh(struct tb *t, unsigned type, uint32_t ttl, unsigned rdlen)
{
    tb_be16(t, type);
    tb_be16(t, type == T_OPT ? 1232 : 1);
    tb_be32(t, ttl);
    tb_be16(t, rdlen);
}

static inline void dns_a(struct tb *t, unsigned a, unsigned b, unsigned c, unsigned d)
{
    tb_u8(t, a);
    tb_u8(t, b);
    tb_u8(t, c);
    tb_u8(t, d);
}

/* a query: www.lesson.test A, RD */
static inline void build_query(struct tb *t, unsigned id, const char *name, unsigned type)
{
    t->n = 0;
    dns_hdr(t, id, F_RD, 1, 0, 0, 0);
    dns_name(t, name);
    dns_qtail(t, type);
}

#endif
