/* md.c - the --md export: the walk of the HTML page as Markdown (CommonMark)
 * wrapped at 80 columns, a handout a teacher edits before printing: each
 * connection and exchange, its timing, its packets as a text ladder, every
 * stage with its bytes in hex and as text (CR and LF shown) and its
 * explanation in the language chosen, and the notes */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#define WIDTH 80
#define HEX_MAX 256          /* bytes of a stage shown in hex */

/* ------------------------------------------------------------ escaping -- */

/* could this word begin a block when a line starts with it (a list item,
 * a heading, a thematic break)? */
static bool block_marker(const char *w, size_t n)
{
    if (n == 0)
        return false;
    if (w[0] == '#' || ((w[0] == '-' || w[0] == '+' || w[0] == '=') && n == 1))
        return true;
    size_t d = 0;
    while (d < n && d < 10 && w[d] >= '0' && w[d] <= '9')
        d++;
    if (d && d + 1 == n && (w[d] == '.' || w[d] == ')'))
        return true;
    for (size_t i = 0; i < n; i++)  /* "---", "===" */
        if (w[i] != '-' && w[i] != '=')
            return false;
    return true;
}

/* Text for Markdown: its punctuation escaped, and no line break before a
 * word that would begin a block (the space before it becomes U+00A0). */
static void md_escape(struct tr_sbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool word_start = i == 0 || s[i - 1] == ' ' || s[i - 1] == '\n';
        if (word_start) {
            size_t e = i;
            while (e < n && s[e] != ' ' && s[e] != '\n')
                e++;
            if (block_marker(s + i, e - i)) {
                if (i == 0 || s[i - 1] == '\n') {
                    tr_sb_str(b, "\\");  /* a paragraph's first word: escape it */
                } else {
                    b->len--;            /* the space before it: no break */
                    tr_sb_str(b, "\xc2\xa0");
                }
            }
        }
        if (strchr("\\`*_[]<>|", c))
            tr_sb_put(b, "\\", 1);
        tr_sb_put(b, &c, 1);
    }
}

/* a put for rep_ren_numfmt: escaped for Markdown */
static void rep_put_md(struct rep_obuf *o, const char *s, size_t n)
{
    struct tr_sbuf b = {0};
    md_escape(&b, s, n);
    rep_ob_put(o, b.p ? b.p : "", b.len);
    tr_sb_free(&b);
}

/* a paragraph, escaped and wrapped */
static void para(struct rep_obuf *o, const char *s, size_t n)
{
    struct tr_sbuf b = {0};
    md_escape(&b, s, n);
    rep_wrap(o, b.p ? b.p : "", b.len, WIDTH, 0, 0);
    rep_ob_ch(o, '\n');
    tr_sb_free(&b);
}

static void para_str(struct rep_obuf *o, const char *s)
{
    para(o, s, strlen(s));
}

/* a code fence longer than any run of backquotes in the text it holds */
static size_t fence_len(const uint8_t *p, size_t n)
{
    size_t run = 0, max = 0;
    for (size_t i = 0; i < n; i++) {
        run = p[i] == '`' ? run + 1 : 0;
        max = run > max ? run : max;
    }
    return max >= 3 ? max + 1 : 3;
}

static void fence(struct rep_obuf *o, size_t n, const char *info)
{
    for (size_t i = 0; i < n; i++)
        rep_ob_ch(o, '`');
    rep_ob_str(o, info);
    rep_ob_ch(o, '\n');
}

/* ---------------------------------------------------------------- bytes -- */

static void hex_block(struct rep_obuf *o, const uint8_t *p, size_t n, uint64_t off)
{
    size_t k = n > HEX_MAX ? HEX_MAX : n;
    fence(o, 3, "text");
    for (size_t r = 0; r < k; r += 16) {
        rep_ob_printf(o, "%06llx ", (unsigned long long)(off + r));
        for (size_t j = 0; j < 16; j++) {
            if (j == 8)
                rep_ob_ch(o, ' ');
            if (r + j < k)
                rep_ob_printf(o, " %02x", p[r + j]);
            else
                rep_ob_str(o, "   ");
        }
        rep_ob_str(o, "  ");
        for (size_t j = 0; j < 16 && r + j < k; j++) {
            uint8_t c = p[r + j];
            rep_ob_ch(o, c >= 0x20 && c < 0x7f ? (char)c : '.');
        }
        rep_ob_ch(o, '\n');
    }
    fence(o, 3, "");
    rep_ob_ch(o, '\n');
    if (n > k) {
        struct tr_sbuf b = {0};
        tr_sb_printf(&b, _("... and %llu more bytes (the first %u are shown in hex)"),
                     (unsigned long long)(n - k), HEX_MAX);
        para(o, b.p, b.len);
        tr_sb_free(&b);
    }
}

/* bytes as text lines, CR and LF shown as symbols, long lines cut to fit */
static void text_block(struct rep_obuf *o, const uint8_t *p, size_t n, size_t show, uint64_t whole)
{
    size_t k = n < show ? n : show;
    size_t fl = fence_len(p, k);
    fence(o, fl, "text");
    size_t col = 0;
    for (size_t i = 0; i < k;) {
        uint8_t c = p[i];
        const char *g = NULL;
        char one[8] = {0};
        size_t len = 1;
        if (c == '\r')
            g = "\\r";
        else if (c == '\n')
            g = "\\n";
        else if (c >= 0x80 && (len = dec_utf8_len(p + i, k - i)) > 0)
            memcpy(one, p + i, len);
        else if (c < 0x20 || c == 0x7f || c >= 0x80) {
            snprintf(one, sizeof one, "\\x%02x", c);
            len = 1;
        } else
            one[0] = (char)c;
        const char *t = g ? g : one;
        size_t w = rep_width(t, strlen(t));
        if (col + w > WIDTH - 1) {
            rep_ob_str(o, "\n");
            col = 0;
        }
        rep_ob_str(o, t);
        col += w;
        if (c == '\n') {
            rep_ob_ch(o, '\n');
            col = 0;
        }
        i += len ? len : 1;
    }
    if (col)
        rep_ob_ch(o, '\n');
    fence(o, fl, "");
    rep_ob_ch(o, '\n');
    if (whole > k) {
        struct tr_sbuf b = {0};
        tr_sb_printf(&b, _("... the first %zu of %llu bytes (--preview BYTES shows more)"), k,
                     (unsigned long long)whole);
        para(o, b.p, b.len);
        tr_sb_free(&b);
    }
}

/* --------------------------------------------------------------- ladder -- */

/* a cell: text right-aligned to end at column `end`, or left-aligned
 * from column `from` (*at: the columns used so far) */
static void cell(struct rep_obuf *o, size_t *at, const char *t, size_t col, bool right)
{
    size_t w = rep_width(t, strlen(t));
    size_t start = right ? (col > w ? col - w : 0) : col;
    if (*at < start) {
        rep_pad(o, *at, start);
        *at = start;
    } else if (*at) {
        rep_ob_ch(o, ' ');
        (*at)++;
    }
    rep_ob_str(o, t);
    *at += w;
}

static void ladder(struct rep_obuf *o, const struct rep_walk *wk, size_t lo, size_t hi, bool utf8)
{
    const struct dec_record *r = wk->r;
    if (lo >= hi)
        return;
    fence(o, 3, "text");
    size_t at = 0;
    cell(o, &at, _("frame"), 5, true);
    cell(o, &at, _("ms"), 16, true);
    cell(o, &at, _("direction"), 18, false);
    cell(o, &at, _("flags"), 28, false);
    cell(o, &at, _("bytes"), 44, true);
    cell(o, &at, _("stages"), 46, false);
    rep_ob_ch(o, '\n');
    struct tr_sbuf t = {0};
    for (size_t p = lo; p < hi && p < r->npkts; p++) {
        const struct tr_seg *g = &r->pkts[p].seg;
        char buf[48];
        at = 0;
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)g->frame);
        cell(o, &at, buf, 5, true);
        int64_t us = g->ts - r->tc.first_ts;
        uint64_t u = us < 0 ? 0 : (uint64_t)us;
        snprintf(buf, sizeof buf, "%llu.%03llu", (unsigned long long)(u / 1000),
                 (unsigned long long)(u % 1000));
        cell(o, &at, buf, 16, true);
        cell(o, &at, g->dir == TR_DIR_C2S ? (utf8 ? "C \xe2\x94\x80\xe2\x94\x80\xe2\x96\xb6 S" : "C --> S")
                                          : (utf8 ? "C \xe2\x97\x80\xe2\x94\x80\xe2\x94\x80 S" : "C <-- S"),
             18, false);
        rep_flags(buf, sizeof buf, g->flags);
        cell(o, &at, buf, 28, false);
        snprintf(buf, sizeof buf, "%u", g->len);
        cell(o, &at, buf, 44, true);
        tr_sb_reset(&t);
        size_t ns = wk->pkt_off[p + 1] - wk->pkt_off[p];
        for (size_t j = 0; j < ns; j++) {
            enum dec_stage_kind k = r->stgs[wk->pkt_stg[wk->pkt_off[p] + j]]->kind;
            if (j)
                tr_sb_str(&t, "+");
            tr_sb_str(&t, teach_stage_brief(k));
        }
        if (ns && at + 2 + rep_width(t.p, t.len) > WIDTH) {
            tr_sb_reset(&t);
            tr_sb_printf(&t, P_("%zu stage", "%zu stages", ns), ns);
        }
        if (ns)
            cell(o, &at, t.p, 46, false);
        rep_ob_ch(o, '\n');
    }
    fence(o, 3, "");
    rep_ob_ch(o, '\n');
    tr_sb_free(&t);
}

/* ---------------------------------------------------------------- rows -- */

/* a learner's text: its paragraphs (separated by an empty line) */
static void paras(struct rep_obuf *o, const char *p)
{
    while (p && *p) {
        const char *e = strstr(p, "\n\n");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        para(o, p, n);
        p += n;
        while (*p == '\n')
            p++;
    }
}

static void explanation(struct rep_obuf *o, const struct dec_record *r, int idx)
{
    struct tr_sbuf b = {0};
    teach_explain(r, idx, &b);
    paras(o, b.p);
    tr_sb_free(&b);
}

static void stage(const struct rep_ren *rn, size_t row, size_t k)
{
    struct rep_obuf *o = rn->o;
    const struct dec_record *r = rn->wk->r;
    int idx = rn->wk->rows[row].stages[k];
    const struct dec_stage *s = r->stgs[idx];
    struct tr_sbuf b = {0};
    rep_stage_step(&b, s);
    if (b.len)
        tr_sb_str(&b, " \xc2\xb7 ");
    rep_stage_title(&b, s);
    rep_ob_str(o, "#### ");
    struct tr_sbuf e = {0};
    md_escape(&e, b.p, b.len);
    rep_ob_put(o, e.p, e.len);
    rep_ob_str(o, "\n\n");
    tr_sb_reset(&b);
    rep_frames(&b, s->frames, s->nframes, 6, ", ", "-");
    int64_t us = s->ts - r->tc.first_ts;  /* step 0 comes before the first packet */
    tr_sb_str(&b, us < 0 ? " \xc2\xb7 -" : " \xc2\xb7 +");
    rep_ob_put(o, "", 0);
    {
        /* the time as text, whatever the locale */
        uint64_t u = us < 0 ? (uint64_t)-us : (uint64_t)us;
        tr_sb_printf(&b, "%llu.%03llu ", (unsigned long long)(u / 1000),
                     (unsigned long long)(u % 1000));
        tr_sb_str(&b, _("ms"));
    }
    if (s->kind == DEC_STAGE_DNS_LOOKUP) {
        char ip[TR_ADDRSTRLEN];
        tr_sb_str(&b, " \xc2\xb7 ");
        tr_sb_printf(&b, _("client to resolver %s and back"), tr_addr_format(&s->dns->server.addr, ip));
    } else if (s->kind != DEC_STAGE_HANDSHAKE && s->kind != DEC_STAGE_CLOSE) {
        tr_sb_str(&b, " \xc2\xb7 ");
        tr_sb_str(&b, s->dir == TR_DIR_C2S ? _("client to server") : _("server to client"));
        tr_sb_str(&b, " \xc2\xb7 ");
        tr_sb_printf(&b, P_("%llu byte", "%llu bytes", s->length), (unsigned long long)s->length);
    }
    para(o, b.p, b.len);
    size_t n;
    const uint8_t *p = rep_stage_bytes(r, s, &n);
    if (p) {
        hex_block(o, p, n, s->offset);
        bool decoded = false;
        const uint8_t *cp = p;
        size_t cn = n;
        uint64_t whole = s->length;
        if (s->kind == DEC_STAGE_REQUEST_BODY || s->kind == DEC_STAGE_RESPONSE_BODY) {
            size_t bn;
            const uint8_t *bp = rep_body_bytes(s, &bn, &decoded);
            if (bp && bn && (decoded || s->msg->framing == DEC_FRAMING_CHUNKED)) {
                cp = bp;
                cn = bn;
                whole = decoded ? (uint64_t)s->msg->decoded_length : s->msg->body_length;
                para_str(o, decoded ? _("The content, decoded:")
                                    : _("The content, without the chunk framing:"));
            }
        }
        if (rep_printable(cp, cn < rn->show ? cn : rn->show))
            text_block(o, cp, cn, rn->show, whole);
    } else if (s->length) {
        const struct dec_stream *st = teach_stage_stream(r, s);
        para_str(o, st->capped ? _("These bytes are past what is kept for display.")
                               : _("These bytes were not captured."));
    }
    explanation(o, r, idx);
    tr_sb_free(&b);
    tr_sb_free(&e);
}

static void timing(struct rep_obuf *o, const struct rep_walk *wk, size_t row)
{
    struct rep_part p[6];
    size_t n = rep_walk_timing(wk, row, p);
    if (!n)
        return;
    struct tr_sbuf b = {0};
    tr_sb_str(&b, _("Timing:"));
    for (size_t i = 0; i < n; i++) {
        int64_t d = p[i].to > p[i].from ? p[i].to - p[i].from : 0;
        tr_sb_printf(&b, "%s %s %lld.%03lld %s", i ? "," : "", rep_part_name(p[i].kind),
                     (long long)(d / 1000), (long long)(d % 1000), _("ms"));
    }
    tr_sb_str(&b, ".");
    para(o, b.p, b.len);
    tr_sb_free(&b);
}

void rep_md_row(const struct rep_ren *rn, size_t i)
{
    struct rep_obuf *o = rn->o;
    const struct rep_walk *wk = rn->wk;
    const struct rep_row *row = &wk->rows[i];
    struct tr_sbuf b = {0}, e = {0};
    rep_ob_str(o, "### ");
    if (row->x >= 0)
        rep_ren_numfmt(rn, i, rep_exchange_fmt(), rep_put_md);
    rep_row_title(row, rn->utf8, &b);
    md_escape(&e, b.p, b.len);
    rep_ob_put(o, e.p, e.len);
    rep_ob_str(o, "\n\n");
    timing(o, wk, i);
    ladder(o, wk, row->pkt_lo, row->pkt_hi, rn->utf8);
    for (size_t k = 0; k < row->nstages; k++)
        stage(rn, i, k);
    tr_sb_free(&b);
    tr_sb_free(&e);
}

/* ---------------------------------------------------------- connections -- */

static void conn_title(struct tr_sbuf *b, const struct tr_conn *tc, bool utf8)
{
    char a[TR_ADDRSTRLEN + 8], s[TR_ADDRSTRLEN + 8];
    tr_sb_printf(b, _("Connection %1$llu: client %2$s %3$s server %4$s"),
                 (unsigned long long)tc->id, rep_endpoint(a, &tc->client),
                 utf8 ? "\xe2\x86\x92" : "->", rep_endpoint(s, &tc->server));
}

static void notes_list(struct rep_obuf *o, const struct dec_note *const *n, size_t k)
{
    struct tr_sbuf b = {0}, e = {0};
    for (size_t i = 0; i < k; i++) {
        tr_sb_printf(&b, _("Frame %llu, %s: "), (unsigned long long)n[i]->frame,
                     rep_note_title(n[i]->kind));
        tr_sb_str(&b, n[i]->detail);
        md_escape(&e, b.p, b.len);
        rep_ob_str(o, "- ");
        rep_wrap(o, e.p, e.len, WIDTH, 2, 2);
        tr_sb_reset(&b);
        tr_sb_reset(&e);
    }
    if (k)
        rep_ob_ch(o, '\n');
    tr_sb_free(&b);
    tr_sb_free(&e);
}

void rep_md_conn(struct rep_out *out, const struct rep_ren *rn, const struct dec_conn *c)
{
    struct rep_spool *sp = &out->sp;
    const struct dec_record *r = rn->wk->r;
    const struct tr_conn *tc = &r->tc;
    struct rep_ren rr = *rn;
    struct tr_sbuf b = {0}, e = {0};
    /* the contents */
    rr.o = rep_spool_begin(sp, 0, (int64_t)c->id, c->id, REP_CH_TOC, -1);
    conn_title(&b, tc, rn->utf8);
    md_escape(&e, b.p, b.len);
    rep_ob_str(rr.o, "- ");
    rep_wrap(rr.o, e.p, e.len, WIDTH, 2, 2);
    for (size_t i = 0; i < rn->wk->nrows; i++) {
        tr_sb_reset(&b);
        tr_sb_reset(&e);
        rep_ob_str(rr.o, "  - ");
        rep_ren_num(&rr, i);
        rep_ob_str(rr.o, ". ");
        rep_row_title(&rn->wk->rows[i], rn->utf8, &b);
        md_escape(&e, b.p, b.len);
        rep_wrap(rr.o, e.p, e.len, WIDTH, 10, 6);
    }
    /* the heading, the notes */
    rr.o = rep_spool_begin(sp, 1, (int64_t)c->id, c->id, REP_CH_HEAD, -1);
    tr_sb_reset(&b);
    tr_sb_reset(&e);
    conn_title(&b, tc, rn->utf8);
    md_escape(&e, b.p, b.len);
    rep_ob_str(rr.o, "## ");
    rep_ob_put(rr.o, e.p, e.len);
    rep_ob_str(rr.o, "\n\n");
    tr_sb_reset(&b);
    tr_sb_printf(&b, P_("Frames %1$llu to %2$llu; %3$llu bytes from the client, %4$llu from the "
                        "server; %5$llu exchange.",
                        "Frames %1$llu to %2$llu; %3$llu bytes from the client, %4$llu from the "
                        "server; %5$llu exchanges.",
                        c->exchanges),
                 (unsigned long long)tc->first_frame, (unsigned long long)tc->last_frame,
                 (unsigned long long)tc->side[TR_DIR_C2S].bytes,
                 (unsigned long long)tc->side[TR_DIR_S2C].bytes, (unsigned long long)c->exchanges);
    if (!tc->syn_seen)
        tr_sb_str(&b, _(" The capture begins after its handshake."));
    para(rr.o, b.p, b.len);
    notes_list(rr.o, (const struct dec_note *const *)r->notes, r->nnotes);
    for (size_t i = 0; i < rn->wk->nrows; i++) {
        rr.o = rep_spool_begin(sp, 1, (int64_t)c->id, c->id, REP_CH_ROW, (int64_t)i);
        rep_md_row(&rr, i);
    }
    rep_spool_end(sp);
    tr_sb_free(&b);
    tr_sb_free(&e);
}

void rep_md_end(struct rep_out *out, const struct rep_end *e)
{
    struct rep_obuf *o = &out->ob;
    struct tr_sbuf b = {0};
    const struct dec_run_stats *st = e->st;
    rep_ob_str(o, "# ");
    rep_ob_str(o, _("The seven steps of HTTP"));
    rep_ob_str(o, "\n\n");
    tr_sb_str(&b, e->ci->source);
    tr_sb_printf(&b, _(": %1$s, link type %2$s, snaplen %3$d."),
                 e->ci->live ? _("live") : _("capture file"), e->ci->link_type, e->ci->snaplen);
    tr_sb_str(&b, " ");
    rep_counts(&b, st);
    para(o, b.p, b.len);
    tr_sb_reset(&b);
    const char *none = rep_nothing_text(e, &b);
    if (none)
        para_str(o, none);
    rep_spool_sort(&out->sp);
    bool toc = !e->goto_x && e->rows > 1;
    for (size_t i = 0; i < out->sp.n; i++) {
        const struct rep_chunk *c = &out->sp.ch[i];
        if ((c->kind == REP_CH_TOC && !toc) || !rep_chunk_wanted(c, e))
            continue;
        if (c->kind == REP_CH_TOC && (i == 0 || out->sp.ch[i - 1].kind != REP_CH_TOC)) {
            rep_ob_str(o, "## ");
            rep_ob_str(o, _("Contents"));
            rep_ob_str(o, "\n\n");
        }
        rep_spool_copy(&out->sp, c, o, e->base(e->w, c->conn));
        if (c->kind == REP_CH_TOC && (i + 1 == out->sp.n || out->sp.ch[i + 1].kind != REP_CH_TOC))
            rep_ob_ch(o, '\n');
    }
    if (e->nlookups && !e->goto_x) {  /* the first told whole, the others in a line */
        rep_ob_str(o, "## ");
        rep_ob_str(o, _("DNS lookups without an answer or with an error"));
        rep_ob_str(o, "\n\n");
        struct tr_sbuf t = {0};
        rep_lookups_text(e, &t);
        paras(o, t.p);
        tr_sb_free(&t);
    }
    if (e->nfnotes && !e->goto_x) {
        rep_ob_str(o, "## ");
        rep_ob_str(o, _("Notes on frames outside any connection"));
        rep_ob_str(o, "\n\n");
        notes_list(o, e->fnotes, e->nfnotes);
    }
    tr_sb_free(&b);
    rep_ob_flush(o);
}
