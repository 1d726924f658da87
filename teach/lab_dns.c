/* lab_dns.c - lab mode (issue 19): the questions of the DNS lookups (step
 * 0): the address a name resolved to and its TTL, how long the lookup
 * took, the response code of a lookup that failed, and which connection
 * went to the address it gave; each from the lookups the capture holds
 */
#include "lab_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the connections whose step 0 is lookup d (by its query's frame) */
static size_t conns_of(const struct teach_lab *l, const struct dec_dns_line *d, uint64_t *out,
                       size_t max)
{
    size_t n = 0;
    for (size_t c = 0; c < l->nconns && n < max; c++) {
        const struct dec_record *r = &l->conns[c]->rec;
        const struct dec_stage *s = teach_lab_stage_kind(r, DEC_STAGE_DNS_LOOKUP);
        if (s && s->dns && s->dns->frame == d->frame)
            out[n++] = r->conn_id;
    }
    return n;
}

static bool is_addr(const struct dec_dns_answer *a)
{
    return strcmp(a->type, "A") == 0 || strcmp(a->type, "AAAA") == 0;
}

static const struct dec_dns_answer *first_addr(const struct dec_dns_line *d)
{
    for (size_t i = 0; i < d->nanswers; i++)
        if (is_addr(&d->answers[i]))
            return &d->answers[i];
    return NULL;
}

/* the lookup to ask about: the first a connection used, else the first
 * answered with an address */
static const struct dec_dns_line *pick(const struct teach_lab *l)
{
    const struct dec_dns_line *any = NULL;
    uint64_t c;
    for (size_t i = 0; i < l->ndns; i++) {
        const struct dec_dns_line *d = l->dns[i];
        if (!d->answered || !first_addr(d) || d->response_ts < d->ts)
            continue;
        if (conns_of(l, d, &c, 1))
            return d;
        if (!any)
            any = d;
    }
    return any;
}

static void where(struct teach_lab_q *q, const struct teach_lab *l, const struct dec_dns_line *d,
                  uint64_t frame)
{
    uint64_t c = 0;
    conns_of(l, d, &c, 1);
    q->conn = c;
    q->exchange = -1;
    q->stage = DEC_STAGE_DNS_LOOKUP;
    q->frame = frame;
    q->packet = true;
}

static void q_lookup(struct teach_lab *l, const struct dec_dns_line *d)
{
    const struct dec_dns_answer *a = first_addr(d);
    char *name = teach_safe_dup(d->name, strnlen(d->name, sizeof d->name));
    char *qtype = teach_safe_dup(d->qtype, strnlen(d->qtype, sizeof d->qtype));
    struct teach_lab_q *q = teach_lab_add_q(l, "dns_address", TEACH_LAB_NAME);
    q->text = teach_lab_printf(_("Which address did the lookup of %s (type %s, frame %llu) give?"),
                               name, qtype, (unsigned long long)d->frame);
    for (size_t i = 0; i < d->nanswers && q->naccept < TEACH_LAB_MAX_ACCEPT; i++)
        if (is_addr(&d->answers[i]))
            q->accept[q->naccept++] = teach_safe_dup(d->answers[i].data,
                                                     strnlen(d->answers[i].data, 256));
    q->answer = tr_xstrdup(q->accept[0]);
    q->why = q->naccept > 1
                 ? teach_lab_printf(_("Frame %llu: the answer holds %zu addresses, the first %s; "
                                      "any of them is right."),
                                    (unsigned long long)d->response_frame, q->naccept, q->answer)
                 : teach_lab_printf(_("Frame %llu: the answer's %s record holds %s."),
                                    (unsigned long long)d->response_frame, a->type, q->answer);
    where(q, l, d, d->response_frame);

    q = teach_lab_add_q(l, "dns_ttl", TEACH_LAB_NUMBER);
    char *addr = teach_safe_dup(a->data, strnlen(a->data, sizeof a->data));
    q->text = teach_lab_printf(_("For how many seconds may a resolver keep the answer %s for %s "
                                 "(its TTL)?"),
                               addr, name);
    teach_lab_set_number(q, a->ttl);
    q->why = teach_lab_printf(_("Frame %llu: the %s record's TTL is %u seconds; after that the "
                                "name must be looked up again (RFC 1035 3.2.1)."),
                              (unsigned long long)d->response_frame, a->type, a->ttl);
    where(q, l, d, d->response_frame);
    free(addr);

    int64_t took = d->response_ts - d->ts;
    q = teach_lab_add_q(l, "dns_time", TEACH_LAB_NUMBER);
    q->text = teach_lab_printf(_("How long did the lookup of %s take, from its query (frame %llu) "
                                 "to its answer (frame %llu), in microseconds?"),
                               name, (unsigned long long)d->frame,
                               (unsigned long long)d->response_frame);
    q->value = (double)took;
    q->usec = true;
    q->tol = took / 10 > 1 ? (double)(took / 10) : 1;  /* 10%, at least 1 us */
    q->answer = teach_lab_printf("%lld", (long long)took);
    char dur[32];
    q->why = teach_lab_printf(_("The answer came %s after the query: one round trip to the DNS "
                                "server (and its own work)."),
                              teach_fmt_duration(took, false, dur, sizeof dur));
    where(q, l, d, d->frame);

    uint64_t conns[TEACH_LAB_MAX_ALSO + 1];
    size_t n = conns_of(l, d, conns, TEACH_LAB_MAX_ALSO + 1);
    if (n) {
        q = teach_lab_add_q(l, "dns_conn", TEACH_LAB_NUMBER);
        char *first = teach_safe_dup(a->data, strnlen(a->data, sizeof a->data));
        q->text = teach_lab_printf(_("Which connection (its number) was opened to the address that "
                                     "the lookup of %s in frame %llu gave?"),
                                   name, (unsigned long long)d->frame);
        teach_lab_set_number(q, conns[0]);
        for (size_t i = 1; i < n; i++)
            q->also[q->nalso++] = conns[i];
        q->why = n > 1 ? teach_lab_printf(_("Connections %llu to %llu went to %s after that "
                                            "lookup; any of them is right."),
                                          (unsigned long long)conns[0],
                                          (unsigned long long)conns[n - 1], first)
                       : teach_lab_printf(_("Connection %llu went to %s, the lookup's answer, "
                                            "after it: that lookup is its step 0."),
                                          (unsigned long long)conns[0], first);
        free(first);
        where(q, l, d, d->response_frame);
    }
    free(name);
    free(qtype);
}

/* the first lookup answered with an error (NXDOMAIN, SERVFAIL...) */
static void q_rcode(struct teach_lab *l)
{
    static const char *const codes[] = {"NXDOMAIN", "SERVFAIL", "REFUSED", "NOERROR"};
    for (size_t i = 0; i < l->ndns; i++) {
        const struct dec_dns_line *d = l->dns[i];
        if (!d->answered || strcmp(d->rcode, "NOERROR") == 0 || !d->rcode[0])
            continue;
        char *name = teach_safe_dup(d->name, strnlen(d->name, sizeof d->name));
        char *rcode = teach_safe_dup(d->rcode, strnlen(d->rcode, sizeof d->rcode));
        struct teach_lab_q *q = teach_lab_add_q(l, "dns_rcode", TEACH_LAB_CHOICE);
        q->text = teach_lab_printf(_("The lookup of %s (frame %llu) gave no address. Which "
                                     "response code (RCODE) did the DNS server answer with?"),
                                   name, (unsigned long long)d->frame);
        const char *opts[4] = {rcode};
        size_t n = 1;
        for (size_t k = 0; k < 4 && n < 4; k++)
            if (strcmp(codes[k], rcode) != 0)
                opts[n++] = codes[k];
        teach_lab_set_choices(q, n, opts);
        q->why = strcmp(rcode, "NXDOMAIN") == 0
                     ? teach_lab_printf(_("Frame %llu: NXDOMAIN (RCODE 3): the name does not "
                                          "exist, so there is no address to connect to (RFC 1035 "
                                          "4.1.1, RFC 8020)."),
                                        (unsigned long long)d->response_frame)
                     : teach_lab_printf(_("Frame %llu: the response's RCODE is %s."),
                                        (unsigned long long)d->response_frame, rcode);
        where(q, l, d, d->response_frame);
        free(name);
        free(rcode);
        return;
    }
}

void teach_lab_dns_questions(struct teach_lab *l)
{
    const struct dec_dns_line *d = pick(l);
    if (d)
        q_lookup(l, d);
    q_rcode(l);
}
