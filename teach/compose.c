/* compose.c - the context in which a stage's text is composed: the
 * paragraphs, the strings they borrow, the values of the exchange, and the
 * notes that the stage tells (teach_int.h)
 */
#include "teach_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------------ helpers -- */

void teach_vpara(struct tr_sbuf *out, size_t start, const char *fmt, va_list ap)
{
    if (out->len > start)
        tr_sb_str(out, "\n\n");
    tr_sb_vprintf(out, fmt, ap);
}

void teach_para(struct teach_ex *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    teach_vpara(e->out, e->start, fmt, ap);
    va_end(ap);
}

/* a text without placeholders (a table's, already translated) */
void teach_para_str(struct teach_ex *e, const char *text)
{
    if (e->out->len > e->start)
        tr_sb_str(e->out, "\n\n");
    tr_sb_str(e->out, text);
}

const char *teach_own(struct teach_ex *e, char *p)
{
    tr_xgrow(&e->own, &e->cown, e->nown + 1, sizeof *e->own);
    e->own[e->nown++] = p;
    return p;
}

const char *teach_printf(struct teach_ex *e, const char *fmt, ...)
{
    struct tr_sbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    tr_sb_vprintf(&b, fmt, ap);
    va_end(ap);
    return teach_own(e, b.p ? b.p : tr_xstrdup(""));
}

/* the length of s cut to at most max bytes, at a UTF-8 character boundary */
static size_t cut_len(const uint8_t *s, size_t n, size_t max)
{
    if (n <= max)
        return n;
    while (max > 0 && (s[max] & 0xc0) == 0x80)
        max--;
    return max;
}

/* a value already safe for the screen, cut to TEACH_VAL_MAX bytes */
const char *teach_clip(struct teach_ex *e, const char *v)
{
    if (!v)
        return NULL;
    size_t n = strlen(v);
    if (n <= TEACH_VAL_MAX)
        return v;
    size_t k = cut_len((const uint8_t *)v, n, TEACH_VAL_MAX);
    return teach_printf(e, "%.*s...", (int)k, v);
}

/* bytes from the wire made safe for the screen, at most max of them */
const char *teach_safe_bytes(struct teach_ex *e, const uint8_t *p, size_t n, size_t max)
{
    size_t k = cut_len(p, n, max);
    char *s = teach_safe_dup((const char *)p, k);
    if (k < n) {
        const char *t = teach_printf(e, "%s...", s);
        free(s);
        return t;
    }
    return teach_own(e, s);
}

const char *teach_not_sent(const char *v)
{
    /* TRANSLATORS: stands for a header value that the message did not have */
    return v ? v : _("(not sent)");
}

const char *teach_not_captured(const char *v)
{
    /* TRANSLATORS: stands for a part of the request that is not in the capture */
    return v ? v : _("(not captured)");
}

const char *teach_endpoint(struct teach_ex *e, const struct tr_endpoint *ep)
{
    char a[TR_ADDRSTRLEN];
    tr_addr_format(&ep->addr, a);
    if (ep->addr.family == 6)
        return teach_printf(e, "[%s]:%u", a, ep->port);
    return teach_printf(e, "%s:%u", a, ep->port);
}

double teach_ms(int64_t usec)
{
    return (double)usec / 1000.0;
}

/* a duration for a learner: milliseconds below ten seconds */
const char *teach_duration(struct teach_ex *e, int64_t usec)
{
    if (usec < 0)
        usec = 0;
    if (usec < 10000000)
        return teach_printf(e, _("%.3f ms"), teach_ms(usec));
    return teach_printf(e, _("%.1f s"), (double)usec / 1e6);
}

/* a string from the wire, escaped for the text (owned by e), or NULL */
const char *teach_val(struct teach_ex *e, struct dec_str v)
{
    return v.p ? teach_own(e, teach_safe_dup(v.p, v.len)) : NULL;
}

/* the value of a header (escaped), or NULL when it is not sent */
const struct dec_header *teach_hfind(const struct dec_header *h, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (dec_str_eq_ci(h[i].name, name))
            return &h[i];
    return NULL;
}

const char *teach_hget(struct teach_ex *e, const struct dec_header *h, size_t n, const char *name)
{
    const struct dec_header *f = teach_hfind(h, n, name);
    if (!f)
        return NULL;
    return f->value.p ? teach_val(e, f->value) : "";
}

const char *teach_span(struct teach_ex *e, const uint8_t *p, struct dec_span s)
{
    return teach_safe_bytes(e, p + s.off, s.len, TEACH_VAL_MAX);
}

bool teach_missing_host(struct teach_ex *e)
{
    return e->x.qh && !teach_hfind(e->x.qh, e->x.nqh, "Host") && e->x.version &&
           strcmp(e->x.version, "HTTP/1.1") == 0;
}

bool teach_has_token(const char *list, const char *tok)
{
    return list && dec_list_has_token((const uint8_t *)list, strlen(list), tok);
}

const char *teach_frame_list(struct teach_ex *e, const uint64_t *f, size_t n)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < n && i < TEACH_FRAMES_MAX; i++)
        tr_sb_printf(&b, "%s%llu", i ? ", " : "", (unsigned long long)f[i]);
    if (n > TEACH_FRAMES_MAX)
        tr_sb_str(&b, ", ...");
    return teach_own(e, b.p ? b.p : tr_xstrdup(""));
}
#define RANGES_MAX 6  /* runs of consecutive frames listed */

const char *teach_frame_ranges(struct teach_ex *e, const uint64_t *f, size_t n)
{
    struct tr_sbuf b = {0};
    size_t runs = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && f[j + 1] == f[j] + 1)
            j++;
        if (runs == RANGES_MAX) {
            tr_sb_str(&b, _(", ..."));
            break;
        }
        if (runs)
            tr_sb_str(&b, _(", "));
        if (j > i)
            tr_sb_printf(&b, "%llu-%llu", (unsigned long long)f[i], (unsigned long long)f[j]);
        else
            tr_sb_printf(&b, "%llu", (unsigned long long)f[i]);
        runs++;
        i = j + 1;
    }
    return teach_own(e, b.p ? b.p : tr_xstrdup(""));
}

const char *teach_frames_phrase(struct teach_ex *e, const struct dec_stage *s)
{
    if (!s->nframes)
        return _("no captured frame");
    return teach_printf(e, P_("frame %s", "frames %s", s->nframes),
                        teach_frame_ranges(e, s->frames, s->nframes));
}

/* ------------------------------------------------------- the exchange -- */

static void xinfo_fill(struct teach_ex *e)
{
    const struct dec_record *d = e->d;
    struct teach_xinfo *x = &e->x;
    memset(x, 0, sizeof *x);
    x->rl = x->sl = -1;
    int64_t n = e->s->exchange;
    if (n < 0)
        return;
    for (size_t k = 0; k < d->nstgs; k++) {
        const struct dec_stage *g = d->stgs[k];
        if (g->exchange != n || !g->msg)
            continue;
        const struct dec_msg *m = g->msg;
        switch (g->kind) {
        case DEC_STAGE_REQUEST_LINE:
            x->method = teach_val(e, m->method);
            x->target = teach_val(e, m->target);
            x->version = teach_val(e, m->version);
            x->rl = (int)k;
            break;
        case DEC_STAGE_REQUEST_HEADERS:
            x->qh = m->headers;
            x->nqh = m->nheaders;
            break;
        case DEC_STAGE_STATUS_LINE:
            if (!m->interim) {
                x->status = m->status;
                x->reason = teach_val(e, m->reason);
                x->rversion = teach_val(e, m->version);
                x->sl = (int)k;
            }
            break;
        case DEC_STAGE_RESPONSE_HEADERS:
            if (!m->interim) {
                x->rh = m->headers;
                x->nrh = m->nheaders;
            }
            break;
        default:
            break;
        }
    }
    const struct dec_exchange *xd = dec_record_x(d, n);
    if (!xd)
        return;
    x->xd = xd;
    if (xd->request) {
        const struct dec_msg *q = xd->request;
        if (!x->method)
            x->method = teach_val(e, q->method);
        if (!x->target)
            x->target = teach_val(e, q->target);
        if (!x->version)
            x->version = teach_val(e, q->version);
        if (!x->qh) {
            x->qh = q->headers;
            x->nqh = q->nheaders;
        }
    }
    if (xd->response) {
        const struct dec_msg *r = xd->response;
        if (!x->status) {
            x->status = r->status;
            x->reason = teach_val(e, r->reason);
            x->rversion = teach_val(e, r->version);
        }
        if (!x->rh) {
            x->rh = r->headers;
            x->nrh = r->nheaders;
        }
    }
}

/* the next stage of this exchange of a kind, after stage `from` */
int teach_stage_after(const struct teach_ex *e, int from, enum dec_stage_kind kind)
{
    for (size_t k = (size_t)(from + 1); k < e->d->nstgs; k++)
        if (e->d->stgs[k]->exchange == e->s->exchange && e->d->stgs[k]->kind == kind)
            return (int)k;
    return -1;
}

const char *teach_req_hdr(struct teach_ex *e, const char *name)
{
    return teach_hget(e, e->x.qh, e->x.nqh, name);
}

/* the headers of the response this stage belongs to (interim or final) */
static void rsp_hdrs(const struct teach_ex *e, const struct dec_header **h, size_t *n)
{
    *h = e->x.rh;
    *n = e->x.nrh;
    if (e->s->kind == DEC_STAGE_STATUS_LINE && dec_stage_interim(e->s)) {
        *h = e->s->msg->headers;
        *n = e->s->msg->nheaders;
    }
}

const char *teach_rsp_hdr(struct teach_ex *e, const char *name)
{
    const struct dec_header *h;
    size_t n;
    rsp_hdrs(e, &h, &n);
    return teach_hget(e, h, n, name);
}

bool teach_is_method(const struct teach_ex *e, const char *m)
{
    return e->x.method && strcmp(e->x.method, m) == 0;
}

const struct dec_note *teach_tls_note(const struct dec_record *d)
{
    for (size_t i = 0; i < d->nnotes; i++)
        if (d->notes[i]->kind == DEC_NOTE_TLS)
            return d->notes[i];
    return NULL;
}

const struct dec_stage *teach_handshake_stage(const struct dec_record *d)
{
    for (size_t k = 0; k < d->nstgs; k++)
        if (d->stgs[k]->kind == DEC_STAGE_HANDSHAKE)
            return d->stgs[k];
    return NULL;
}

const struct dec_stream *teach_stage_stream(const struct dec_record *r, const struct dec_stage *s)
{
    return s->tls ? &r->plain[s->dir] : &r->bytes[s->dir];
}

const struct dec_pkt *teach_pkt_of(const struct dec_record *d, uint64_t frame)
{
    long i = dec_record_pkt_of(d, frame);
    return i >= 0 ? &d->pkts[i] : NULL;
}

/* ------------------------------------------------------------ context -- */

void teach_ex_init(struct teach_ex *e, const struct dec_record *d, int idx, struct tr_sbuf *out)
{
    *e = (struct teach_ex){.d = d, .s = d->stgs[idx], .idx = idx, .out = out, .start = out->len};
    if (!out->p)
        tr_sb_put(out, "", 0);
    xinfo_fill(e);
    teach_notes_mark(e);
}

void teach_ex_done(struct teach_ex *e)
{
    for (size_t i = 0; i < e->nown; i++)
        free(e->own[i]);
    free(e->own);
    free(e->mine);
}
