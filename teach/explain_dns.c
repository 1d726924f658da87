/* explain_dns.c - step 0 (issue 17): the DNS lookup before a connection,
 * told with the capture's values: who asked whom, the question, the answer
 * (addresses, a CNAME chain, TTLs, NXDOMAIN), the time it cost, and what
 * the TTL means for the next visit; and, on a connection no captured lookup
 * led to, where its address came from
 *
 * A lookup is a dec_dns_line (decode.h): the record's dns_lookup stage
 * holds the one that gave the connection's address; a reader may also
 * show lookups no connection followed (an NXDOMAIN). Names and data come
 * escaped from the parser (decode/dns.c).
 */
#include "teach_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dpara {
    struct tr_sbuf *out;
    size_t start;
};

static void para(struct dpara *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void para(struct dpara *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    teach_vpara(p->out, p->start, fmt, ap);
    va_end(ap);
}

static bool is_addr(const struct dec_dns_answer *a)
{
    return strcmp(a->type, "A") == 0 || strcmp(a->type, "AAAA") == 0;
}

/* what a type asks for, in words */
static const char *type_words(const char *qtype)
{
    if (strcmp(qtype, "A") == 0)
        return _("an IPv4 address");
    if (strcmp(qtype, "AAAA") == 0)
        return _("an IPv6 address");
    if (strcmp(qtype, "CNAME") == 0)
        return _("the name it is an alias of");
    if (strcmp(qtype, "HTTPS") == 0)
        return _("the ways to reach an HTTPS service (ALPN, addresses)");
    return NULL;
}

/* "5 minutes", "1 hour", "90 seconds" */
static void ttl_words(uint32_t ttl, char *buf, size_t cap)
{
    if (ttl >= 3600 && ttl % 3600 == 0)
        snprintf(buf, cap, P_("%u hour", "%u hours", ttl / 3600), ttl / 3600);
    else if (ttl >= 60 && ttl % 60 == 0)
        snprintf(buf, cap, P_("%u minute", "%u minutes", ttl / 60), ttl / 60);
    else
        snprintf(buf, cap, P_("%u second", "%u seconds", ttl), ttl);
}

/* the addresses of the answer, with their TTLs: "10.77.0.1 (TTL 300 s)" */
static void addr_list(const struct dec_dns_line *d, struct tr_sbuf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nanswers; i++) {
        if (!is_addr(&d->answers[i]))
            continue;
        if (n++)  /* TRANSLATORS: between the items of a list */
            tr_sb_str(b, _(", "));
        tr_sb_printf(b, _("%1$s (TTL %2$u s)"), d->answers[i].data, d->answers[i].ttl);
    }
}

static size_t count_type(const struct dec_dns_line *d, const char *type)
{
    size_t n = 0;
    for (size_t i = 0; i < d->nanswers; i++)
        n += strcmp(d->answers[i].type, type) == 0;
    return n;
}

void teach_lookup_summary(const struct dec_dns_line *d, struct tr_sbuf *out)
{
    char resolver[TR_ADDRSTRLEN], took[48];
    tr_addr_format(&d->server.addr, resolver);
    if (!d->answered) {
        tr_sb_printf(out, _("%1$s %2$s? asked of %3$s in frame %4$llu: no answer captured"),
                     d->name, d->qtype, resolver, (unsigned long long)d->frame);
        return;
    }
    teach_fmt_duration(d->response_ts - d->ts, false, took, sizeof took);
    struct tr_sbuf a = {0};
    addr_list(d, &a);
    if (a.p)
        tr_sb_printf(out, _("%1$s %2$s? %3$s, from %4$s in %5$s (frames %6$llu, %7$llu)"),
                     d->name, d->qtype, a.p, resolver, took, (unsigned long long)d->frame,
                     (unsigned long long)d->response_frame);
    else
        tr_sb_printf(out, _("%1$s %2$s? %3$s, no address, from %4$s in %5$s (frames %6$llu, "
                            "%7$llu)"),
                     d->name, d->qtype, d->rcode, resolver, took, (unsigned long long)d->frame,
                     (unsigned long long)d->response_frame);
    tr_sb_free(&a);
}

const char *teach_lookup_arrow(const struct dec_dns_line *d, bool answer, char *buf, size_t cap)
{
    if (!answer) {
        snprintf(buf, cap, _("DNS query %1$s %2$s?"), d->name, d->qtype);
        return buf;
    }
    const struct dec_dns_answer *first = NULL;
    for (size_t i = 0; i < d->nanswers && !first; i++)
        if (is_addr(&d->answers[i]))
            first = &d->answers[i];
    if (first)
        snprintf(buf, cap, _("DNS answer %1$s %2$s, TTL %3$u"), first->type, first->data,
                 first->ttl);
    else
        snprintf(buf, cap, _("DNS answer %s, no address"), d->rcode);
    return buf;
}

void teach_explain_lookup(const struct dec_dns_line *d, const struct tr_addr *server,
                          struct tr_sbuf *out)
{
    struct dpara p = {out, out->len};
    if (!out->p)
        tr_sb_put(out, "", 0);
    char client[TR_ADDRSTRLEN], resolver[TR_ADDRSTRLEN], took[48], srv[TR_ADDRSTRLEN];
    tr_addr_format(&d->client.addr, client);
    tr_addr_format(&d->server.addr, resolver);
    /* the lead: the values */
    struct tr_sbuf s = {0};
    teach_lookup_summary(d, &s);
    /* TRANSLATORS: a sentence made of a lead line (the full stop after it) */
    para(&p, _("%s."), s.p ? s.p : "");
    tr_sb_free(&s);
    if (server)
        para(&p, _("Step 0: before it can open a TCP connection, the client %1$s must know the "
                   "server's IP address, and it only has a name, %2$s (from the URL). So it asks "
                   "a DNS resolver, %3$s, which answers with the address: %4$s, the server of "
                   "this connection."),
             client, d->name, resolver, tr_addr_format(server, srv));
    else if (count_type(d, "A") + count_type(d, "AAAA"))
        para(&p, _("Step 0: before it can open a TCP connection, the client %1$s must know the "
                   "server's IP address, and it only has a name, %2$s (from the URL). So it asks "
                   "a DNS resolver, %3$s. No HTTP connection in this capture went to the address "
                   "it gave."),
             client, d->name, resolver);
    else
        para(&p, _("Step 0: before it can open a TCP connection, the client %1$s must know the "
                   "server's IP address, and it only has a name, %2$s (from the URL). So it asks "
                   "a DNS resolver, %3$s. This lookup gave no address, so no connection could "
                   "follow from it."),
             client, d->name, resolver);
    if (d->tcp)
        para(&p, _("The question went over a TCP connection to port %1$u, each message after a "
                   "two-byte length: clients use TCP when an answer is too big for one UDP "
                   "datagram (the resolver then sets the TC bit), or when told to."),
             d->server.port);
    else
        para(&p, _("The question is one small UDP datagram to port %1$u (frame %2$llu), and the "
                   "answer another: no handshake, no connection. If a datagram is lost, the "
                   "client simply asks again after a while."),
             d->server.port, (unsigned long long)d->frame);
    const char *tw = type_words(d->qtype);
    if (tw)
        para(&p, _("The query carries an ID, %1$u, that the answer must repeat, and one question: "
                   "the name %2$s and the type %3$s, which asks for %4$s. It left from port %5$u: "
                   "clients pick that port at random (RFC 5452), so that with the ID a forged "
                   "answer has about 32 bits to guess."),
             d->id, d->name, d->qtype, tw, d->client.port);
    else
        para(&p, _("The query carries an ID, %1$u, that the answer must repeat, and one question: "
                   "the name %2$s and the type %3$s. It left from port %4$u: clients pick that "
                   "port at random (RFC 5452), so that with the ID a forged answer has about 32 "
                   "bits to guess."),
             d->id, d->name, d->qtype, d->client.port);
    if (d->retry)
        para(&p, _("The same question had gone to another resolver before without an answer: "
                   "the client waited, then tried the next resolver of its list."));
    if (!d->answered) {
        para(&p, _("No answer was captured: the resolver may be down or unreachable. The client "
                   "waits (a few seconds), asks again, or tries another resolver; the page waits "
                   "all that time."));
        return;
    }
    teach_fmt_duration(d->response_ts - d->ts, false, took, sizeof took);
    para(&p, _("The answer (frame %1$llu) came %2$s after the query: time the page spends "
               "before its connection can even begin."),
         (unsigned long long)d->response_frame, took);
    if (strcmp(d->rcode, "NXDOMAIN") == 0) {
        para(&p, _("NXDOMAIN (non-existent domain, RCODE 3): the resolver says that the name %1$s "
                   "does not exist at all, not only that it has no %2$s record. There is no "
                   "address, so there is no connection: a browser shows an error page (\"server "
                   "not found\"), curl says \"Could not resolve host\". A mistyped name ends "
                   "here."),
             d->name, d->qtype);
    } else if (strcmp(d->rcode, "NOERROR") != 0) {
        para(&p, _("The answer's code is %1$s, not NOERROR: the resolver could not answer the "
                   "question, and the client has no address from it."),
             d->rcode);
    }
    size_t ncname = count_type(d, "CNAME");
    if (ncname) {
        struct tr_sbuf c = {0};
        tr_sb_str(&c, d->name);
        for (size_t i = 0; i < d->nanswers; i++)
            if (strcmp(d->answers[i].type, "CNAME") == 0)
                tr_sb_printf(&c, " \xe2\x86\x92 %s", d->answers[i].data);
        para(&p, P_("The name %2$s is an alias: the answer holds %1$zu CNAME record, which leads "
                    "to the canonical name, the one that has the address: %3$s. The resolver "
                    "followed the chain and sent it whole, in one answer.",
                    "The name %2$s is an alias: the answer holds %1$zu CNAME records, a chain "
                    "that leads to the canonical name, the one that has the address: %3$s. The "
                    "resolver followed the chain and sent it whole, in one answer.",
                    ncname),
             ncname, d->name, c.p);
        tr_sb_free(&c);
    }
    size_t naddr = count_type(d, "A") + count_type(d, "AAAA");
    if (naddr == 0 && strcmp(d->rcode, "NOERROR") == 0)
        para(&p, _("NOERROR with no %1$s record: the name exists but has no address of this "
                   "type (a client that asks for both A and AAAA uses the other answer)."),
             d->qtype);
    if (naddr == 0)
        return;
    if (naddr > 1)
        para(&p, _("The answer gives %1$zu addresses; a client may use any of them, usually the "
                   "first, and try the next when one does not answer."),
             naddr);
    /* the TTL: the shortest of the records used decides how long the answer lasts */
    uint32_t lo = UINT32_MAX, hi = 0;
    for (size_t i = 0; i < d->nanswers; i++) {
        uint32_t t = d->answers[i].ttl;
        lo = t < lo ? t : lo;
        hi = t > hi ? t : hi;
    }
    char span[64];
    ttl_words(lo, span, sizeof span);
    if (lo == hi)
        para(&p, _("TTL (time to live) %1$u: for %2$s the client's system and the resolver may "
                   "keep this answer in their caches. A visit to %3$s within that time finds the "
                   "address in the cache: no query, no wait of %4$s before the connection; after "
                   "it, the name is looked up again, and may then give another address."),
             lo, span, d->name, took);
    else
        para(&p, _("The records' TTLs (time to live) differ; the shortest, %1$u, means that for "
                   "%2$s the client's system and the resolver may keep this whole answer in their "
                   "caches. A visit to %3$s within that time finds the address in the cache: no "
                   "query, no wait of %4$s before the connection; after it, the name is looked up "
                   "again, and may then give another address."),
             lo, span, d->name, took);
}

void teach_explain_dns(struct teach_ex *e)
{
    teach_explain_lookup(e->s->dns, &e->d->tc.server.addr, e->out);
}

void teach_explain_no_lookup(struct teach_ex *e)
{
    const struct dec_record *d = e->d;
    if (!d->dns_seen || (d->nstgs && d->stgs[0]->kind == DEC_STAGE_DNS_LOOKUP))
        return;
    char srv[TR_ADDRSTRLEN];
    teach_para(e, _("No DNS lookup in this capture gave the address %1$s before this connection, "
                    "though the capture holds lookups: the client knew it already, from its "
                    "cache (an earlier answer whose TTL had not run out), from a hosts file "
                    "(/etc/hosts), or because the address itself was in the URL; or it asked "
                    "in a way this capture does not show (DNS over HTTPS, another interface)."),
               tr_addr_format(&d->tc.server.addr, srv));
}
