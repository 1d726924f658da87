/* model.c - the objects every reader of the decoder shares: messages,
 * stages, exchanges and notes, reference-counted (decode.h says who holds
 * what), and the tables of steps and stages
 */
#include "decode_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --------------------------------------------------------------- tables -- */

static const struct {
    const char *name;
    int step;
    const char *title, *brief;
} stages[] = {
#define X(id, name, step, title, brief) {name, step, title, brief},
    DEC_STAGE_LIST(X)
#undef X
};

static const struct {
    const char *full, *brief;
} steps[DEC_STEP_MAX + 1] = {
#define X(n, full, brief) [n] = {full, brief},
    DEC_STEP_LIST(X)
#undef X
};

static const char *const notes[] = {
#define X(id, name) name,
    DEC_NOTE_LIST(X)
#undef X
};

const char *dec_stage_name(enum dec_stage_kind k)
{
    return (unsigned)k < DEC_STAGE_COUNT ? stages[k].name : "unknown";
}

int dec_stage_step(enum dec_stage_kind k)
{
    return (unsigned)k < DEC_STAGE_COUNT ? stages[k].step : 0;
}

const char *dec_stage_title(enum dec_stage_kind k)
{
    return (unsigned)k < DEC_STAGE_COUNT ? stages[k].title : "?";
}

const char *dec_stage_brief(enum dec_stage_kind k)
{
    return (unsigned)k < DEC_STAGE_COUNT ? stages[k].brief : "?";
}

const char *dec_step_label(int step, bool brief)
{
    if (step < 1 || step > DEC_STEP_MAX || !steps[step].full)
        return "?";
    return brief ? steps[step].brief : steps[step].full;
}

enum dec_stage_kind dec_stage_by_name(const char *name)
{
    for (int i = 0; i < DEC_STAGE_COUNT; i++)
        if (strcmp(stages[i].name, name) == 0)
            return (enum dec_stage_kind)i;
    return DEC_STAGE_COUNT;
}

const char *dec_note_name(enum dec_note_kind k)
{
    return (unsigned)k < DEC_NOTE_COUNT ? notes[k] : "unknown";
}

const char *dec_framing_name(enum dec_framing f)
{
    switch (f) {
    case DEC_FRAMING_LENGTH:
        return "content-length";
    case DEC_FRAMING_CHUNKED:
        return "chunked";
    case DEC_FRAMING_CLOSE:
        return "close";
    case DEC_FRAMING_H2:
        return "h2";
    default:
        return NULL;
    }
}

bool dec_str_eq_ci(struct dec_str s, const char *z)
{
    size_t n = strlen(z);
    return s.p && s.len == n && strncasecmp(s.p, z, n) == 0;
}

/* ----------------------------------------------------------- messages -- */

struct msgrec *dec_msgrec_new(bool request)
{
    struct msgrec *m = tr_xcalloc(1, sizeof *m);
    m->pub.refs = 1;
    m->pub.request = request;
    m->pub.decoded_length = -1;
    m->pub.hpack_length = m->pub.decoded_hlength = -1;
    m->ce_idx = m->host_idx = -1;
    return m;
}

struct dec_msg *dec_msg_ref(const struct dec_msg *m)
{
    struct dec_msg *w = (struct dec_msg *)m;
    if (w)
        w->refs++;
    return w;
}

void dec_msg_unref(const struct dec_msg *m)
{
    struct msgrec *r = (struct msgrec *)m;  /* pub is its first member */
    if (!r || --r->pub.refs > 0)
        return;
    free(r->arena);
    free(r->hdrs);
    free(r->pseudo);
    free(r);
}

/* ------------------------------------------------------------- stages -- */

struct dec_stage *dec_stage_new(enum dec_stage_kind kind, size_t nframes)
{
    if (nframes > (SIZE_MAX - sizeof(struct dec_stage)) / sizeof(uint64_t))
        nframes = 0;
    struct dec_stage *s = tr_xcalloc(1, sizeof *s + nframes * sizeof s->frames[0]);
    s->refs = 1;
    s->kind = kind;
    s->exchange = -1;
    s->rtt = -1;
    s->initiator = -1;
    s->nframes = nframes;
    return s;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

struct dec_stage *dec_stage_from(enum dec_stage_kind kind, int64_t exchange, enum tr_dir dir,
                             uint64_t off, uint64_t len, const struct flist *f)
{
    struct dec_stage *s = dec_stage_new(kind, f->n);
    s->exchange = exchange;
    s->dir = dir;
    s->offset = off;
    s->length = len;
    s->ts = f->ts_min;
    s->ts_end = f->ts_max;
    if (f->n) {
        memcpy(s->frames, f->v, f->n * sizeof *f->v);
        bool sorted = true;
        for (size_t i = 1; i < f->n && sorted; i++)
            sorted = s->frames[i - 1] < s->frames[i];
        if (!sorted) {  /* in capture order, each once */
            qsort(s->frames, f->n, sizeof *s->frames, cmp_u64);
            size_t k = 0;
            for (size_t i = 0; i < f->n; i++)
                if (k == 0 || s->frames[k - 1] != s->frames[i])
                    s->frames[k++] = s->frames[i];
            s->nframes = k;
        }
    }
    return s;
}

struct dec_stage *dec_stage_ref(const struct dec_stage *s)
{
    struct dec_stage *w = (struct dec_stage *)s;
    if (w)
        w->refs++;
    return w;
}

void dec_stage_unref(const struct dec_stage *s)
{
    struct dec_stage *w = (struct dec_stage *)s;
    if (!w || --w->refs > 0)
        return;
    dec_msg_unref(w->msg);
    dec_dns_line_unref(w->dns);
    for (size_t i = 0; i < w->ntls_keys && i < DEC_STAGE_MAX_KEYS; i++)
        dec_tls_keyuse_unref(w->tls_keys[i]);
    free((void *)w->tls_info);
    free((void *)w->h2);
    free((void *)w->settings);
    free((void *)w->socks);
    if (w->decoded != w->preview)
        free((void *)w->decoded);
    free((void *)w->preview);
    free(w);
}

bool dec_stage_has_frame(const struct dec_stage *s, uint64_t frame)
{
    size_t lo = 0, hi = s->nframes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->frames[mid] < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < s->nframes && s->frames[lo] == frame;
}

bool dec_stage_interim(const struct dec_stage *s)
{
    return s->msg && s->msg->interim;
}

/* ---------------------------------------------------------- exchanges -- */

struct dec_exchange *dec_exchange_new(uint64_t conn, uint64_t index, size_t ninterim)
{
    struct dec_exchange *x = tr_xcalloc(1, sizeof *x);
    x->refs = 1;
    x->conn = conn;
    x->index = index;
    if (ninterim) {
        x->interim = tr_xcalloc(ninterim, sizeof *x->interim);
        x->ninterim = ninterim;
    }
    return x;
}

struct dec_exchange *dec_exchange_ref(const struct dec_exchange *x)
{
    struct dec_exchange *w = (struct dec_exchange *)x;
    if (w)
        w->refs++;
    return w;
}

void dec_exchange_unref(const struct dec_exchange *x)
{
    struct dec_exchange *w = (struct dec_exchange *)x;
    if (!w || --w->refs > 0)
        return;
    dec_msg_unref(w->request);
    dec_msg_unref(w->response);
    for (size_t i = 0; i < w->ninterim; i++)
        dec_msg_unref(w->interim[i]);
    free((void *)w->interim);
    free(w);
}

/* -------------------------------------------------------------- notes -- */

struct note_rec {
    struct dec_note pub;
    char text[];                 /* the detail, then the server name */
};

struct dec_note *dec_note_new(enum dec_note_kind kind, uint64_t conn, uint64_t frame,
                          const char *detail, struct dec_str sni, const char *tls_version)
{
    size_t dl = detail ? strlen(detail) : 0;
    size_t sl = sni.p ? sni.len : 0;
    struct note_rec *n = tr_xmalloc(sizeof *n + dl + 1 + sl + 1);
    memset(&n->pub, 0, sizeof n->pub);
    n->pub.refs = 1;
    n->pub.kind = kind;
    n->pub.conn = conn;
    n->pub.frame = frame;
    memcpy(n->text, detail ? detail : "", dl + 1);
    n->pub.detail = n->text;
    if (sni.p) {
        memcpy(n->text + dl + 1, sni.p, sl);
        n->text[dl + 1 + sl] = '\0';
        n->pub.sni = (struct dec_str){n->text + dl + 1, sl};
    }
    n->pub.tls_version = tls_version;
    return &n->pub;
}

struct dec_note *dec_note_ref(const struct dec_note *n)
{
    struct dec_note *w = (struct dec_note *)n;
    if (w)
        w->refs++;
    return w;
}

void dec_note_unref(const struct dec_note *n)
{
    struct dec_note *w = (struct dec_note *)n;
    if (w && --w->refs == 0)
        free(w);
}

/* ---------------------------------------------------------------- DNS -- */

struct dec_dns_line *dec_dns_line_ref(const struct dec_dns_line *d)
{
    struct dec_dns_line *w = (struct dec_dns_line *)d;
    if (w)
        w->refs++;
    return w;
}

void dec_dns_line_unref(const struct dec_dns_line *d)
{
    struct dec_dns_line *w = (struct dec_dns_line *)d;
    if (!w || --w->refs > 0)
        return;
    free((void *)w->answers);
    free(w);
}
