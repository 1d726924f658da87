/* lesson_bind.c - teacher lessons (issue 19): a lesson's places checked
 * against its capture (the UI's list of exchanges, as --goto numbers them),
 * a frame's step given the exchange and stage that hold the frame, and a
 * place told as the learner reads it
 */
#include "lab_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------- the capture's places -- */

/* the UI's list: each connection (by number) with its exchanges, or one
 * row when it has none */
struct row {
    const struct dec_record *r;
    int64_t x;                   /* -1: the connection's own row */
};

static int cmp_conn(const void *a, const void *b)
{
    const struct lab_conn *const *x = a, *const *y = b;
    return (*x)->rec.conn_id < (*y)->rec.conn_id ? -1 : (*x)->rec.conn_id > (*y)->rec.conn_id;
}

static size_t rows_of(const struct teach_lab *lab, struct row **out)
{
    struct lab_conn *cs[TEACH_LAB_MAX_CONNS];
    size_t nc = lab->nconns;
    memcpy(cs, lab->conns, nc * sizeof *cs);
    qsort(cs, nc, sizeof *cs, cmp_conn);
    size_t n = 0, cap = 0;
    *out = NULL;
    for (size_t c = 0; c < nc; c++) {
        const struct dec_record *r = &cs[c]->rec;
        int64_t hi = -1;
        for (size_t k = 0; k < r->nstgs; k++)
            if (r->stgs[k]->exchange > hi)
                hi = r->stgs[k]->exchange;
        for (int64_t x = hi < 0 ? -1 : 0; x <= hi; x++) {
            tr_xgrow(out, &cap, n + 1, sizeof **out);
            (*out)[n++] = (struct row){r, x};
        }
    }
    return n;
}

static bool stage_in(const struct dec_stage *s, int64_t x)
{
    return s->exchange == x || s->exchange < 0;
}

static bool bind_step(struct teach_lesson *ls, struct teach_lesson_step *st, const struct row *rows,
                      size_t nrows, char *err, size_t cap)
{
    struct teach_place *at = &st->at;
    if (at->frame) {
        uint64_t last = 0;
        for (size_t i = 0; i < nrows; i++) {
            const struct dec_record *r = rows[i].r;
            for (size_t k = 0; k < r->nstgs; k++) {
                const struct dec_stage *s = r->stgs[k];
                if (s->nframes && s->frames[s->nframes - 1] > last)
                    last = s->frames[s->nframes - 1];
                if (!stage_in(s, rows[i].x))
                    continue;
                for (size_t f = 0; f < s->nframes; f++)
                    if (s->frames[f] == at->frame && !at->x) {
                        at->x = i + 1;
                        at->stage = (int)s->kind;
                        if (s->exchange < 0) {
                            at->kind = (int)s->kind;
                        } else {  /* the nth stage of its exchange, as --goto X,N */
                            unsigned nth = 0;
                            for (size_t j = 0; j <= k; j++)
                                nth += r->stgs[j]->exchange == s->exchange;
                            at->nth = nth;
                        }
                    }
            }
        }
        if (!at->x) {
            snprintf(err, cap, "%s:%u: no stage holds frame %llu (the last stage's frames end at "
                               "%llu)",
                     ls->name, st->line, (unsigned long long)at->frame, (unsigned long long)last);
            return false;
        }
        return true;
    }
    if (at->x > nrows) {
        snprintf(err, cap, "%s:%u: step %llu: the capture has %zu exchange%s (1 to %zu)", ls->name,
                 st->line, (unsigned long long)at->x, nrows, nrows == 1 ? "" : "s", nrows);
        if (!nrows)
            snprintf(err, cap, "%s:%u: step %llu: the capture has no exchange", ls->name, st->line,
                     (unsigned long long)at->x);
        return false;
    }
    const struct row *rw = &rows[at->x - 1];
    const struct dec_record *r = rw->r;
    if (at->kind >= 0) {
        for (size_t k = 0; k < r->nstgs; k++)
            if ((int)r->stgs[k]->kind == at->kind && stage_in(r->stgs[k], rw->x)) {
                at->stage = at->kind;
                return true;
            }
        snprintf(err, cap, "%s:%u: exchange %llu has no stage %s", ls->name, st->line,
                 (unsigned long long)at->x, dec_stage_name((enum dec_stage_kind)at->kind));
        return false;
    }
    unsigned n = 0;
    for (size_t k = 0; k < r->nstgs; k++)
        if (r->stgs[k]->exchange == rw->x && ++n == at->nth)
            at->stage = (int)r->stgs[k]->kind;
    if (at->nth > n) {
        snprintf(err, cap, "%s:%u: exchange %llu has %u stage%s (1 to %u)", ls->name, st->line,
                 (unsigned long long)at->x, n, n == 1 ? "" : "s", n);
        return false;
    }
    if (!at->nth)  /* the exchange's first stage (a connection's first exchange: its handshake) */
        for (size_t k = 0; k < r->nstgs && at->stage < 0; k++)
            if (stage_in(r->stgs[k], rw->x))
                at->stage = (int)r->stgs[k]->kind;
    return true;
}

bool teach_lesson_bind(struct teach_lesson *ls, const struct teach_lab *lab, char *errbuf,
                       size_t cap)
{
    if (lab->nconns == TEACH_LAB_MAX_CONNS) {
        snprintf(errbuf, cap, "%s:%u: the capture has %d connections or more: a lesson follows at "
                              "most %d",
                 ls->name, ls->capture_line, TEACH_LAB_MAX_CONNS, TEACH_LAB_MAX_CONNS - 1);
        return false;
    }
    struct row *rows;
    size_t nrows = rows_of(lab, &rows);
    bool ok = true;
    for (size_t i = 0; ok && i < ls->nsteps; i++) {
        struct teach_lesson_step *st = &ls->steps[i];
        ok = bind_step(ls, st, rows, nrows, errbuf, cap);
        for (size_t k = 0; ok && k < st->nq; k++) {
            st->qs[k].stage = st->at.stage >= 0 ? (enum dec_stage_kind)st->at.stage
                                                : DEC_STAGE_HANDSHAKE;
            const struct row *rw = &rows[st->at.x - 1];
            st->qs[k].conn = rw->r->conn_id;
            st->qs[k].exchange = rw->x;
        }
    }
    free(rows);
    return ok;
}

struct teach_lesson *teach_lesson_load(const char *path, const struct dec_pipeline_opts *po,
                                       char *errbuf, size_t cap)
{
    struct teach_lesson *ls = teach_lesson_read(path, errbuf, cap);
    if (!ls)
        return NULL;
    struct dec_pipeline_opts o = *po;
    o.file = ls->capture_path;
    char err[TR_ERRBUF_SIZE];
    struct teach_lab *lab = teach_lab_new();
    bool ok = teach_lab_load(lab, &o, err);
    if (!ok)
        snprintf(errbuf, cap, "%s:%u: capture '%s': %s", ls->name, ls->capture_line, ls->capture,
                 err);
    else
        ok = teach_lesson_bind(ls, lab, errbuf, cap);
    teach_lab_free(lab);
    if (!ok) {
        teach_lesson_free(ls);
        return NULL;
    }
    return ls;
}

const char *teach_place_text(const struct teach_place *p, char *buf, size_t cap)
{
    char stage[96] = "";
    if (p->stage >= 0)
        snprintf(stage, sizeof stage, _(", stage %s %s"),
                 teach_stage_number((enum dec_stage_kind)p->stage),
                 teach_stage_title((enum dec_stage_kind)p->stage));
    if (p->frame && p->x)
        snprintf(buf, cap, _("frame %llu (exchange %llu%s)"), (unsigned long long)p->frame,
                 (unsigned long long)p->x, stage);
    else if (p->frame)
        snprintf(buf, cap, _("frame %llu"), (unsigned long long)p->frame);
    else
        snprintf(buf, cap, _("exchange %llu%s"), (unsigned long long)p->x, stage);
    return buf;
}
