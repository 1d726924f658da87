/* lab_int.h - private to teach/lab*.c: helpers the question makers share */
#ifndef HTTPSTEP_TEACH_LAB_INT_H
#define HTTPSTEP_TEACH_LAB_INT_H

#include "teach.h"

/* the questions of a capture, and the records they are made from */
struct lab_conn {
    struct dec_record rec;
    struct dec_sink rs;
    bool have_h2;                /* HTTP/2: its counts at the end (conn_end h2) */
    struct dec_conn_h2 h2;
};

struct teach_lab {
    struct lab_conn *conns[TEACH_LAB_MAX_CONNS];
    size_t nconns;
    struct teach_lab_q *qs;
    size_t nq, cq;
    const struct dec_dns_line **dns;  /* the DNS lookups (references), in capture order */
    size_t ndns, cdns;
};

/* a new question at the end of l (kind, id; the rest zero, exchange -1) */
struct teach_lab_q *teach_lab_add_q(struct teach_lab *l, const char *id, enum teach_lab_kind kind);
/* the answer is at stage kind of exchange x of r (its first frame) */
void teach_lab_where_stage(struct teach_lab_q *q, const struct dec_record *r, int64_t x,
                     enum dec_stage_kind kind, bool interim);
/* a choice question's options (copied); the first is the right one */
void teach_lab_set_choices(struct teach_lab_q *q, size_t n, const char *const *opts);
/* lab_tcp.c: the TCP lab's questions, added to l */
void teach_lab_tcp_questions(struct teach_lab *l);
/* lab_tls.c: HTTPS (the TLS handshake) and HTTP/2 questions */
void teach_lab_tls_questions(struct teach_lab *l);
void teach_lab_h2_questions(struct teach_lab *l);
/* lab_dns.c: the DNS lookups' questions */
void teach_lab_dns_questions(struct teach_lab *l);
/* the stage of a kind (the first) of r, or NULL */
const struct dec_stage *teach_lab_stage_kind(const struct dec_record *r, enum dec_stage_kind kind);
/* a number question's value and answer text (a whole number) */
void teach_lab_set_number(struct teach_lab_q *q, uint64_t v);

/* a new string (the caller frees it) */
char *teach_lab_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* a wire string escaped for the screen, cut to max bytes ("..." after a cut);
 * a new string ("" when absent) */
char *teach_lab_wire(struct dec_str v, size_t max);
/* the first header so named (ignoring case), or NULL */
const struct dec_header *teach_lab_header(const struct dec_msg *m, const char *name);
/* "GET /index.html", escaped; a new string */
char *teach_lab_request_name(const struct dec_msg *q);
/* the stage of a kind in exchange x of r (interim: of a 1xx response), or NULL */
const struct dec_stage *teach_lab_stage_of(const struct dec_record *r, int64_t x,
                                     enum dec_stage_kind kind, bool interim);
/* An HTTP-date (RFC 9110 5.6.7, IMF-fixdate) and three wrong ones for a
 * multiple choice: a day later, a year earlier, a month later, each in the
 * same form (out[0] the date as sent, normalized). False when it is not an
 * IMF-fixdate. */
bool teach_lab_date_choices(const char *p, size_t n, char out[TEACH_LAB_MAX_CHOICES][40]);
/* A decimal number: digits with at most one point ("1039", "0.35", "2."),
 * read the same whatever the locale (LC_NUMERIC may use a comma); false
 * when s is not one (or has more than 30 characters) */
bool teach_lab_decimal(const char *s, double *out);
/* put the choices of q in an order drawn from *seed (which moves on) */
void teach_lab_shuffle_choices(struct teach_lab_q *q, uint64_t *seed);

#endif
