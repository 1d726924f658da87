/* notes.c - what the notes of a stage tell a learner: which notes a stage
 * mentions, and for each kind a paragraph with the facts of its frames
 * (the bytes of a retransmission or of a late segment, and the rule that
 * decided which it is; what a snaplen kept), composed from the record, not
 * from the decoder's English words (those are for the transcript)
 */
#include "teach_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Which notes this stage mentions: those on one of its frames; a note on a
 * frame no stage carries goes to the stage in progress then (the last to
 * begin at or before it), one before every stage to the first stage, and
 * one of the whole connection (frame 0) to the last. Linear in the stages
 * and notes, but for the few notes in this stage's own window. */
void teach_notes_mark(struct teach_ex *e)
{
    const struct dec_record *d = e->d;
    const struct dec_stage *s = e->s;
    e->mine = tr_xcalloc(d->nnotes ? d->nnotes : 1, sizeof *e->mine);
    bool has = s->nframes > 0, lowest = true;
    uint64_t first = has ? s->frames[0] : 0, min_first = UINT64_MAX, next_first = UINT64_MAX;
    for (size_t k = 0; k < d->nstgs; k++) {
        const struct dec_stage *g = d->stgs[k];
        if (!g->nframes)
            continue;
        uint64_t f = g->frames[0];
        if (f < min_first)
            min_first = f;
        if (has && f > first && f < next_first)
            next_first = f;
        if (has && f == first && (int)k < e->idx)
            lowest = false;  /* an earlier stage begins with the same frame */
    }
    for (size_t i = 0; i < d->nnotes; i++) {
        uint64_t f = d->notes[i]->frame;
        bool mine;
        if (has && dec_stage_has_frame(s, f))
            mine = true;
        else if (f == 0)
            mine = (size_t)e->idx + 1 == d->nstgs;
        else if (f < min_first)
            mine = e->idx == 0;
        else if (!has || !lowest || f < first || f >= next_first)
            mine = false;
        else {
            mine = true;
            for (size_t k = 0; k < d->nstgs && mine; k++)
                mine = !dec_stage_has_frame(d->stgs[k], f);
        }
        e->mine[i] = mine;
    }
}

/* was part of this stage cut off (a truncated packet, a gap, a message
 * cut short)? */
bool teach_stage_cut(const struct teach_ex *e)
{
    for (size_t i = 0; i < e->d->nnotes; i++) {
        const struct dec_note *n = e->d->notes[i];
        if ((n->kind == DEC_NOTE_TRUNCATED || n->kind == DEC_NOTE_GAP ||
             n->kind == DEC_NOTE_INCOMPLETE) && e->mine[i])
            return true;
    }
    return false;
}

/* ------------------------------------------------------------ facts -- */

#define FACTS_MAX 3         /* notes of a kind told one by one */
#define REORDER_MIN_US 3000 /* the tracer's least reordering window (tracer/tcp.c) */

static const char *side(enum tr_dir d)
{
    return d == TR_DIR_C2S ? _("client") : _("server");
}

/* the first packet of the same direction before p that already held p's
 * first byte, or NULL */
static const struct dec_pkt *first_copy(const struct dec_record *d, const struct dec_pkt *p)
{
    for (size_t i = 0; i < d->npkts && d->pkts[i].seg.frame < p->seg.frame; i++) {
        const struct tr_seg *q = &d->pkts[i].seg;
        if (q->dir == p->seg.dir && q->len && q->offset <= p->seg.offset &&
            q->offset + q->len > p->seg.offset)
            return &d->pkts[i];
    }
    return NULL;
}

/* the first packet of the same direction before p with bytes after p's:
 * the one that opened the hole p fills, or NULL */
static const struct dec_pkt *hole_opener(const struct dec_record *d, const struct dec_pkt *p)
{
    for (size_t i = 0; i < d->npkts && d->pkts[i].seg.frame < p->seg.frame; i++) {
        const struct tr_seg *q = &d->pkts[i].seg;
        if (q->dir == p->seg.dir && q->len && q->offset > p->seg.offset)
            return &d->pkts[i];
    }
    return NULL;
}

/* the tracer's reordering window: the handshake's round trip, at least 3 ms */
static int64_t reorder_window(const struct dec_record *d)
{
    const struct dec_stage *hs = teach_handshake_stage(d);
    return hs && hs->rtt > REORDER_MIN_US ? hs->rtt : REORDER_MIN_US;
}

#ifdef TR_SEG_RULE_LIST
/* the rules that compare numbers the sender wrote: a = this segment's, b =
 * that of ref_frame (tracer.h TR_SEG_RULE_LIST) */
static const struct {
    enum tr_seg_rule rule;
    bool copy;
    const char *text;  /* frame, bytes, sender, a, b, ref_frame */
} rule_texts[] = {
    {TR_SEG_RULE_TSVAL, true,
     N_("Frame %1$llu: %2$u bytes of the %3$s's stream. Its TCP timestamp, TSval %4$u, is newer "
        "than the TSval %5$u of frame %6$llu, the segment after the hole: it was sent after that "
        "one, so it is a copy, sent again (decided by the timestamps, RFC 7323).")},
    {TR_SEG_RULE_TSVAL, false,
     N_("Frame %1$llu: %2$u bytes of the %3$s's stream. Its TCP timestamp, TSval %4$u, is not "
        "newer than the TSval %5$u of frame %6$llu, which overtook it: it was sent no later "
        "than that one, so it is the original, delayed on the way (decided by the timestamps, "
        "RFC 7323).")},
    {TR_SEG_RULE_IPID, true,
     N_("Frame %1$llu: %2$u bytes of the %3$s's stream. Its IPv4 ID, %4$u, comes after the ID "
        "%5$u of frame %6$llu, the segment after the hole: the sender numbered it later, so it is "
        "a copy, sent again (decided by the IP IDs, which this sender counts up).")},
    {TR_SEG_RULE_IPID, false,
     N_("Frame %1$llu: %2$u bytes of the %3$s's stream. Its IPv4 ID, %4$u, comes before the ID "
        "%5$u of frame %6$llu, which overtook it: the sender numbered it earlier, so it is the "
        "original, delayed on the way (decided by the IP IDs, which this sender counts up).")},
};

/* the tracer says which rule decided (tr_seg.rule, rule_a, rule_b, ref_frame) */
static bool rule_fact(struct teach_ex *e, const struct dec_pkt *p, bool copy)
{
    const struct tr_seg *g = &p->seg;
    unsigned long long fr = (unsigned long long)g->frame, ref = (unsigned long long)g->ref_frame;
    const char *who = side(g->dir);
    for (size_t i = 0; i < sizeof rule_texts / sizeof *rule_texts; i++)
        if (rule_texts[i].rule == (enum tr_seg_rule)g->rule && rule_texts[i].copy == copy) {
            teach_para(e, _(rule_texts[i].text), fr, g->len, who, g->rule_a, g->rule_b, ref);
            return true;
        }
    if ((enum tr_seg_rule)g->rule != TR_SEG_RULE_TIMING)
        return false;
    if (copy)
        teach_para(e, _("Frame %1$llu: %2$u bytes of the %3$s's stream that were missing: later "
                        "bytes had come in frame %4$llu, %5$s before. That is longer than %6$s "
                        "(the round trip, at least 3 ms), so httpstep takes it for a copy, sent "
                        "again (decided by timing: no timestamps to compare)."),
                   fr, g->len, who, ref, teach_duration(e, g->rule_a), teach_duration(e, g->rule_b));
    else
        teach_para(e, _("Frame %1$llu: %2$u bytes of the %3$s's stream; later bytes had overtaken "
                        "them in frame %4$llu, only %5$s before, within %6$s (the round trip, at "
                        "least 3 ms), so httpstep takes it for the original, delayed on the way "
                        "(decided by timing: no timestamps to compare)."),
                   fr, g->len, who, ref, teach_duration(e, g->rule_a), teach_duration(e, g->rule_b));
    return true;
}
#endif

/* one retransmission or late segment: its bytes, and why it is one */
static void loss_fact(struct teach_ex *e, const struct dec_pkt *p, bool copy)
{
    const struct tr_seg *g = &p->seg;
    unsigned long long fr = (unsigned long long)g->frame;
    const char *who = side(g->dir);
#ifdef TR_SEG_RULE_LIST
    if (rule_fact(e, p, copy))
        return;
#endif
    const struct dec_pkt *c = copy ? first_copy(e->d, p) : NULL;
    if (c) {
        teach_para(e, _("Frame %1$llu: %2$u bytes of the %3$s's stream, a copy of bytes first "
                        "captured in frame %4$llu."),
                   fr, g->len, who, (unsigned long long)c->seg.frame);
        return;
    }
    const struct dec_pkt *o = hole_opener(e->d, p);
    if (!o) {
        teach_para(e, _("Frame %1$llu: %2$u bytes of the %3$s's stream."), fr, g->len, who);
        return;
    }
    /* the tracer decided by timing: a hole filled within the window is
     * reordering, a later one a copy (tracer/tcp.c seg_classify); the
     * hole's age it measured is not in the record, only the window */
    const char *window = teach_duration(e, reorder_window(e->d));
    if (copy)
        teach_para(e, _("Frame %1$llu: %2$u bytes of the %3$s's stream that the capture had "
                        "missed until now, though later bytes had come (first in frame %4$llu). "
                        "The stream had had a hole for longer than %5$s (the round trip, at least "
                        "3 ms), so httpstep takes it for a copy, sent again (decided by timing: no "
                        "timestamps to compare)."),
                   fr, g->len, who, (unsigned long long)o->seg.frame, window);
    else
        teach_para(e, _("Frame %1$llu: %2$u bytes of the %3$s's stream; later bytes had overtaken "
                        "them (first in frame %4$llu, %5$s before), and the hole was filled within "
                        "%6$s (the round trip, at least 3 ms), so httpstep takes it for the "
                        "original, delayed on the way (decided by timing: no timestamps to "
                        "compare)."),
                   fr, g->len, who, (unsigned long long)o->seg.frame,
                   teach_duration(e, g->ts - o->seg.ts), window);
}

/* what the record shows of the notes of one kind, frame by frame */
static void note_facts(struct teach_ex *e, enum dec_note_kind kind, const uint64_t *frames,
                       size_t n, const struct dec_note *first)
{
    const struct dec_record *d = e->d;
    size_t told = 0;
    for (size_t i = 0; i < n && told < FACTS_MAX; i++) {
        const struct dec_pkt *p = frames[i] ? teach_pkt_of(d, frames[i]) : NULL;
        if (!p)
            continue;
        switch (kind) {
        case DEC_NOTE_RETRANSMISSION:
        case DEC_NOTE_OUT_OF_ORDER:
            if (!p->seg.len)
                continue;
            loss_fact(e, p, kind == DEC_NOTE_RETRANSMISSION);
            break;
        case DEC_NOTE_TRUNCATED:
            if (p->seg.caplen >= p->seg.len)
                continue;
            teach_para(e, _("Frame %1$llu: %2$u of its %3$u payload bytes were captured."),
                       (unsigned long long)p->seg.frame, p->seg.caplen, p->seg.len);
            break;
        case DEC_NOTE_NOT_HTTP: {
            size_t avail;
            const uint8_t *b = dec_stream_at(&d->bytes[p->seg.dir], 0, &avail);
            if (!b || !avail)
                continue;
            teach_para(e, _("The %1$s's first bytes, from frame %2$llu: %3$s"), side(p->seg.dir),
                       (unsigned long long)p->seg.frame,
                       teach_safe_bytes(e, b, avail, TEACH_EXCERPT_MAX / 2));
            break;
        }
        default:
            i = n;  /* the other kinds: one fact of the kind, below */
            continue;
        }
        told++;
    }
    if (told && n > told && (kind == DEC_NOTE_RETRANSMISSION || kind == DEC_NOTE_OUT_OF_ORDER ||
                             kind == DEC_NOTE_TRUNCATED))
        teach_para(e, P_("... and %zu more like them: select a frame on the ladder to see it.",
                         "... and %zu more like them: select a frame on the ladder to see it.",
                         n - told),
                   n - told);
    if (kind == DEC_NOTE_TLS && first->sni.p)
        teach_para(e, _("The client asked for the server name %1$s; the server chose %2$s."),
                   teach_clip(e, teach_val(e, first->sni)),
                   first->tls_version ? first->tls_version : _("not seen"));
    else if (kind == DEC_NOTE_TLS)
        teach_para(e, _("The client named no server (no SNI); the server chose %s."),
                   first->tls_version ? first->tls_version : _("not seen"));
    /* the decoder's own words are English, for the transcript: shown only
     * in an English text, for the kinds whose facts the record lacks */
    bool composed = kind == DEC_NOTE_RETRANSMISSION || kind == DEC_NOTE_OUT_OF_ORDER ||
                    kind == DEC_NOTE_TRUNCATED || kind == DEC_NOTE_NOT_HTTP ||
                    kind == DEC_NOTE_TLS || kind == DEC_NOTE_NO_HANDSHAKE;
    if (!composed && first->detail && first->detail[0] && teach_text_english())
        teach_para(e, _("httpstep's reader says: %s."), teach_clip(e, first->detail));
}

void teach_notes(struct teach_ex *e)
{
    const struct dec_record *d = e->d;
    for (int k = 0; k < DEC_NOTE_COUNT; k++) {
        const char *title = teach_cat_note_title((enum dec_note_kind)k);
        if (!title)
            continue;
        uint64_t *frames = NULL;
        size_t count = 0, cap = 0;
        const struct dec_note *first = NULL;
        for (size_t i = 0; i < d->nnotes; i++) {
            const struct dec_note *n = d->notes[i];
            if ((int)n->kind != k || !e->mine[i])
                continue;
            tr_xgrow(&frames, &cap, count + 1, sizeof *frames);
            frames[count++] = n->frame;
            if (!first)
                first = n;
        }
        if (!count)
            continue;
        const char *list = teach_frame_list(e, frames, count);
        /* TRANSLATORS: %1$s is a note's title ("Retransmission"), %2$s its
         * frame numbers, %3$s its explanation, %4$zu how many notes */
        const char *text = _(teach_cat_note_text((enum dec_note_kind)k));
        if (k == DEC_NOTE_TLS && teach_tls_decrypted(d))  /* the catalog's says it is hidden */
            text = _("this connection is encrypted with TLS (HTTPS); httpstep has its secrets "
                     "from a key log, so it shows the HTTP inside as well, decrypted.");
        teach_para(e,
                   P_("%1$s, frame %2$s: %3$s", "%1$s, %4$zu notes, frames %2$s: %3$s", count),
                   _(title), list, text, count);
        note_facts(e, (enum dec_note_kind)k, frames, count, first);
        free(frames);
    }
}
