/* html.c - the --html export: one self-contained page (inline CSS and SVG,
 * no script, nothing fetched) for a capture or one exchange: each
 * connection and exchange, every stage with its real bytes in hex and as
 * text (CR and LF shown, the stage marked as on the screen), its
 * explanation in the language chosen, the ladder, the timing bar and the
 * notes; printable (an exchange per page where it fits, rows never cut,
 * readable in black and white) */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#ifndef HTTPSTEP_VERSION
#define HTTPSTEP_VERSION "0.1.0"
#endif

#define HEX_MAX 512          /* bytes of a stage shown in hex */
#define CONTEXT_MAX 200      /* bytes of the line before a stage shown as text */

/* ---------------------------------------------------------------- CSS -- */

static void css_vars(struct rep_obuf *o)
{
    rep_ob_str(o, ":root{");
    for (int r = 0; r < TEACH_ROLE_COUNT; r++) {
        const struct teach_colour *c = teach_role_colour((enum teach_role)r);
        rep_ob_printf(o, "--%s:", c->css);
        rep_ob_rgb(o, c->rgb_fg);
        rep_ob_printf(o, ";--%s-bg:", c->css);
        rep_ob_rgb(o, c->rgb_bg);
        rep_ob_ch(o, ';');
    }
    rep_ob_str(o, "}\n");
}

static const char css[] =
    "body{font:15px/1.5 \"DejaVu Sans\",\"Noto Sans CJK SC\",\"WenQuanYi Micro Hei\","
    "\"Microsoft YaHei\",sans-serif;color:var(--normal);background:#fff;max-width:62rem;"
    "margin:1.5rem auto;padding:0 1rem}\n"
    "h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.3rem;margin:0 0 .4rem}"
    "h3{font-size:1.15rem;margin:1.4rem 0 .4rem;padding:.2rem .5rem;background:var(--title-bg);"
    "color:var(--title)}h4{font-size:1rem;margin:0}\n"
    ".sub,.meta{color:var(--dim)}.meta{font-size:.88rem;margin:.1rem 0 .4rem}\n"
    ".conn{border-top:3px solid var(--normal);margin-top:2rem;padding-top:.6rem}\n"
    ".stage{border-left:5px solid var(--dim);padding:.1rem 0 .1rem .8rem;margin:1rem 0}\n"
    ".stage.c2s{border-left-color:var(--client)}.stage.s2c{border-left-color:var(--server)}\n"
    ".stage.hl{background:var(--highlight-bg)}\n"
    ".dir{font-weight:bold}.c2s .dir{color:var(--client)}.s2c .dir{color:var(--server)}\n"
    ".bytes{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;margin:.3rem 0}\n"
    "pre{font:12.5px/1.4 \"DejaVu Sans Mono\",\"Noto Sans Mono CJK SC\",monospace;margin:0;"
    "white-space:pre-wrap;overflow-wrap:anywhere}\n"
    "pre.hex{white-space:pre}\n"
    "pre .off{color:var(--dim)}pre .out{color:#9aa0a6}\n"
    "mark{background:var(--highlight-bg);color:var(--highlight);border-bottom:2px solid "
    "var(--highlight)}\n"
    ".crlf{color:var(--crlf);font-weight:bold}mark .crlf{color:var(--crlf)}\n"
    ".more{color:var(--dim);font-style:italic}\n"
    ".explain p{margin:.45rem 0}\n"
    ".timing{display:flex;height:1.1rem;margin:.3rem 0;border:1px solid var(--normal)}\n"
    ".timing span{min-width:3px}\n"
    ".legend{list-style:none;padding:0;margin:.2rem 0 .6rem;display:flex;flex-wrap:wrap;"
    "gap:.2rem 1.2rem;font-size:.9rem}\n"
    ".legend b{display:inline-block;width:.9rem;height:.9rem;vertical-align:-.1rem;"
    "margin-right:.3rem;border:1px solid var(--normal)}\n"
    ".p-handshake,.p-idle,.p-to-close{background:var(--dim-bg)}"
    ".p-request{background:var(--client)}.p-wait{background:var(--note-bg);"
    "background-image:repeating-linear-gradient(45deg,transparent 0 3px,var(--note) 3px 4px)}"
    ".p-transfer{background:var(--server)}\n"
    "figure.ladder{margin:.6rem 0}figure.ladder svg{width:100%;height:auto;max-width:56rem}\n"
    "table.notes{border-collapse:collapse;font-size:.9rem;margin:.4rem 0}"
    "table.notes td,table.notes th{border:1px solid var(--dim-bg);padding:.15rem .5rem;"
    "text-align:left;vertical-align:top}\n"
    ".note{color:var(--note)}\n"
    "nav.toc ol{padding-left:1.6rem}nav.toc a{color:inherit}\n"
    ".s2xx{color:var(--ok)}.s3xx{color:var(--redirect)}.s4xx{color:var(--client-err)}"
    ".s5xx{color:var(--server-err)}\n"
    "footer{margin-top:2rem;color:var(--dim);font-size:.85rem}\n"
    "@media print{\n"
    "body{max-width:none;margin:0;padding:0;font-size:10.5pt;-webkit-print-color-adjust:exact;"
    "print-color-adjust:exact}\n"
    "nav.toc{break-after:page}\n"
    ".conn~.conn{break-before:page}.conn{border-top:none}.exchange+.exchange{break-before:page}\n"
    "figure,tr,.timing,.legend,h3,h4,.meta,pre.hex{break-inside:avoid}\n"
    "h3,h4,.meta,.timing{break-after:avoid}\n"
    "mark{font-weight:bold;text-decoration:underline}\n"
    "a{color:inherit;text-decoration:none}\n"
    "@page{margin:1.5cm}\n"
    "}\n";

/* --------------------------------------------------------------- bytes -- */

/* CR and LF are shown as r and n in a dump's text column, as \r and \n in
 * the text (the notation of the explanations and of --text), in their own
 * colour and bold: the Control Pictures (U+240D) are in few fonts */

/* one byte of a dump's text column: CR and LF as r and n, others as '.' */
static void text_cell(struct rep_obuf *o, uint8_t c)
{
    if (c == '\r')
        rep_ob_str(o, "<span class=\"crlf\">r</span>");
    else if (c == '\n')
        rep_ob_str(o, "<span class=\"crlf\">n</span>");
    else if (c >= 0x20 && c < 0x7f)
        rep_ob_xml(o, (const char *)&c, 1, false);
    else
        rep_ob_ch(o, '.');
}

/* hex rows of 16 bytes covering [lo, hi) of a stream (the first HEX_MAX
 * bytes of it): the stage's bytes marked, the rest of their rows dimmed */
static void hex_dump(struct rep_obuf *o, const struct dec_stream *st, uint64_t lo, uint64_t hi)
{
    uint64_t kept = st->base + st->len;
    uint64_t shown = hi - lo > HEX_MAX ? lo + HEX_MAX : hi;  /* stage bytes shown: [lo, shown) */
    if (shown > kept)
        shown = kept;
    /* the last row shows the bytes after the stage too, when it ends there */
    uint64_t last = shown == hi ? ((shown + 15) & ~(uint64_t)15) : shown;
    rep_ob_str(o, "<pre class=\"hex\">");
    for (uint64_t row = lo & ~(uint64_t)15; row < shown; row += 16) {
        rep_ob_printf(o, "<span class=\"off\">%06llx</span> ", (unsigned long long)row);
        for (int pass = 0; pass < 2; pass++) {
            int state = 0;  /* the open element: 0 none, 1 mark, 2 dimmed */
            for (uint64_t b = row; b < row + 16; b++) {
                bool have = b >= st->base && b < kept && b < last;
                int want = !have ? 0 : b >= lo && b < shown ? 1 : 2;
                if (state && want != state) {
                    rep_ob_str(o, state == 1 ? "</mark>" : "</span>");
                    state = 0;
                }
                /* the space between two hex bytes, inside their element
                 * only when both are in it (a mark ends at its last byte) */
                if (pass == 0 && b > row)
                    rep_ob_str(o, b == row + 8 ? "  " : " ");
                if (!want) {
                    rep_ob_str(o, pass == 0 ? "  " : " ");
                    continue;
                }
                if (!state) {
                    rep_ob_str(o, want == 1 ? "<mark>" : "<span class=\"out\">");
                    state = want;
                }
                uint8_t c = st->data[b - st->base];
                if (pass == 0)
                    rep_ob_printf(o, "%02x", c);
                else
                    text_cell(o, c);
            }
            if (state)
                rep_ob_str(o, state == 1 ? "</mark>" : "</span>");
            rep_ob_str(o, pass == 0 ? "  " : "\n");
        }
    }
    rep_ob_str(o, "</pre>");
    if (hi - lo > HEX_MAX) {
        rep_ob_str(o, "<p class=\"more\">");
        rep_ob_printf(o, _("... and %llu more bytes (the first %u are shown in hex)"),
                      (unsigned long long)(hi - lo - HEX_MAX), HEX_MAX);
        rep_ob_str(o, "</p>");
    }
}

/* text with CR and LF shown (then a line break after LF); marked or not */
static void text_run(struct rep_obuf *o, const uint8_t *p, size_t n, bool mark)
{
    if (!n)
        return;
    rep_ob_str(o, mark ? "<mark>" : "<span class=\"out\">");
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = p[i];
        if (c != '\r' && c != '\n') {
            run++;
            continue;
        }
        rep_ob_xml(o, (const char *)p + i - run, run, false);
        run = 0;
        rep_ob_str(o, c == '\r' ? "<span class=\"crlf\">\\r</span>"
                                : "<span class=\"crlf\">\\n</span>\n");
    }
    rep_ob_xml(o, (const char *)p + n - run, run, false);
    rep_ob_str(o, mark ? "</mark>" : "</span>");
}

/* the stage as text: the line before it dimmed, its own bytes marked */
static void text_view(struct rep_obuf *o, const struct dec_stream *st, uint64_t lo, uint64_t hi,
                      size_t show)
{
    size_t n;
    const uint8_t *p = dec_stream_at(st, lo, &n);
    if (!p)
        return;
    if (n > hi - lo)
        n = (size_t)(hi - lo);
    size_t k = n < show ? n : show;
    /* context: from the start of the line before the stage */
    uint64_t from = lo;
    while (from > st->base && lo - from < CONTEXT_MAX) {
        if (st->data[from - 1 - st->base] == '\n' && from < lo)
            break;  /* the line feed that ends the line before that */
        from--;
    }
    rep_ob_str(o, "<pre class=\"text\">");
    if (from < lo)
        text_run(o, st->data + (from - st->base), (size_t)(lo - from), false);
    text_run(o, p, k, true);
    rep_ob_str(o, "</pre>");
    if (k < hi - lo) {
        rep_ob_str(o, "<p class=\"more\">");
        rep_ob_printf(o, _("... the first %zu of %llu bytes (--preview BYTES shows more)"), k,
                      (unsigned long long)(hi - lo));
        rep_ob_str(o, "</p>");
    }
}

/* a body's content (decoded, de-chunked) as text, when it is text */
static void content_view(struct rep_obuf *o, const struct dec_stage *s, size_t show)
{
    bool decoded;
    size_t n;
    const uint8_t *p = rep_body_bytes(s, &n, &decoded);
    if (!p || !n || !rep_printable(p, n))
        return;
    bool chunked = s->msg && s->msg->framing == DEC_FRAMING_CHUNKED;
    if (!decoded && !chunked)
        return;  /* the same bytes as the stage's text view */
    rep_ob_str(o, "<div><p class=\"meta\">");
    rep_ob_xstr(o, decoded ? _("The content, decoded:") : _("The content, without the chunk "
                                                             "framing:"));
    rep_ob_str(o, "</p><pre class=\"text\">");
    size_t k = n < show ? n : show;
    text_run(o, p, k, false);
    rep_ob_str(o, "</pre></div>");
}

/* ------------------------------------------------------------- stages -- */

/* a learner's text as paragraphs (an empty line between them) */
static void paras(struct rep_obuf *o, const char *p)
{
    rep_ob_str(o, "<div class=\"explain\">");
    p = p ? p : "";
    while (*p) {
        const char *e = strstr(p, "\n\n");
        size_t n = e ? (size_t)(e - p) : strlen(p);
        rep_ob_str(o, "<p>");
        for (size_t i = 0; i < n;) {  /* a line break within a paragraph */
            const char *nl = memchr(p + i, '\n', n - i);
            size_t k = nl ? (size_t)(nl - p) : n;
            rep_ob_xml(o, p + i, k - i, false);
            if (nl)
                rep_ob_str(o, "<br>");
            i = k + 1;
        }
        rep_ob_str(o, "</p>\n");
        p += n;
        while (*p == '\n')
            p++;
    }
    rep_ob_str(o, "</div>");
}

static void explanation(struct rep_obuf *o, const struct dec_record *r, int idx)
{
    struct tr_sbuf b = {0};
    teach_explain(r, idx, &b);
    paras(o, b.p);
    tr_sb_free(&b);
}

static void stage_meta(struct rep_obuf *o, const struct dec_record *r, const struct dec_stage *s)
{
    struct tr_sbuf b = {0};
    rep_frames(&b, s->frames, s->nframes, 6, ", ", "\xe2\x80\x93");
    tr_sb_str(&b, s->ts < r->tc.first_ts ? " \xc2\xb7 " : " \xc2\xb7 +");
    rep_ob_str(o, "<p class=\"meta\">");
    rep_ob_xstr(o, b.p);
    rep_ob_ms(o, s->ts - r->tc.first_ts);
    rep_ob_ch(o, ' ');
    rep_ob_xstr(o, _("ms"));
    if (s->kind == DEC_STAGE_DNS_LOOKUP) {
        char ip[TR_ADDRSTRLEN];
        rep_ob_str(o, " \xc2\xb7 <span class=\"dir\">");
        rep_ob_printf(o, _("client to resolver %s and back"), tr_addr_format(&s->dns->server.addr, ip));
        rep_ob_str(o, "</span>");
    } else if (s->kind != DEC_STAGE_HANDSHAKE && s->kind != DEC_STAGE_CLOSE) {
        rep_ob_str(o, " \xc2\xb7 <span class=\"dir\">");
        rep_ob_xstr(o, s->dir == TR_DIR_C2S ? _("client to server") : _("server to client"));
        rep_ob_str(o, "</span> \xc2\xb7 ");
        rep_ob_printf(o, P_("%llu byte", "%llu bytes", s->length), (unsigned long long)s->length);
    }
    rep_ob_str(o, "</p>");
    tr_sb_free(&b);
}

static void stage_section(const struct rep_ren *rn, size_t row, size_t k)
{
    struct rep_obuf *o = rn->o;
    const struct dec_record *r = rn->wk->r;
    int idx = rn->wk->rows[row].stages[k];
    const struct dec_stage *s = r->stgs[idx];
    bool conn_stage = s->kind == DEC_STAGE_HANDSHAKE || s->kind == DEC_STAGE_CLOSE;
    rep_ob_printf(o, "<section class=\"stage %s%s\" id=\"x", conn_stage ? "conn"
                                                             : s->dir == TR_DIR_C2S ? "c2s" : "s2c",
                  idx == rn->highlight ? " hl" : "");
    rep_ren_num(rn, row);
    rep_ob_printf(o, "-%zu\"><h4>", k + 1);
    struct tr_sbuf b = {0};
    rep_stage_step(&b, s);
    if (b.len)
        tr_sb_str(&b, " \xc2\xb7 ");
    rep_stage_title(&b, s);
    rep_ob_xstr(o, b.p);
    rep_ob_str(o, "</h4>");
    stage_meta(o, r, s);
    const struct dec_stream *st = teach_stage_stream(r, s);
    if (s->length) {
        size_t n;
        if (dec_stream_at(st, s->offset, &n)) {
            rep_ob_str(o, "<div class=\"bytes\">");
            hex_dump(o, st, s->offset, s->offset + s->length);
            bool text = true;
            const uint8_t *p = rep_stage_bytes(r, s, &n);
            if (p && !rep_printable(p, n < rn->show ? n : rn->show))
                text = false;
            if (text)
                text_view(o, st, s->offset, s->offset + s->length, rn->show);
            rep_ob_str(o, "</div>");
            if (s->kind == DEC_STAGE_REQUEST_BODY || s->kind == DEC_STAGE_RESPONSE_BODY)
                content_view(o, s, rn->show);
        } else {
            rep_ob_str(o, "<p class=\"more\">");
            rep_ob_xstr(o, st->capped ? _("These bytes are past what is kept for display.")
                                      : _("These bytes were not captured."));
            rep_ob_str(o, "</p>");
        }
    }
    explanation(o, r, idx);
    rep_ob_str(o, "</section>\n");
    tr_sb_free(&b);
}

/* ------------------------------------------------------------- timing -- */

static void timing(struct rep_obuf *o, const struct rep_walk *wk, size_t row)
{
    struct rep_part p[6];
    size_t n = rep_walk_timing(wk, row, p);
    if (!n)
        return;
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += p[i].to > p[i].from ? p[i].to - p[i].from : 0;
    static const char *const cls[] = {"handshake", "request", "wait", "transfer", "idle",
                                      "to-close"};
    rep_ob_str(o, "<div class=\"timing\" role=\"img\">");
    for (size_t i = 0; i < n; i++) {
        int64_t d = p[i].to > p[i].from ? p[i].to - p[i].from : 0;
        /* widths in thousandths of the whole, whatever the locale */
        int64_t permil = total > 0 ? d * 1000 / total : 0;
        rep_ob_printf(o, "<span class=\"p-%s\" style=\"flex:%lld\"></span>", cls[p[i].kind],
                      (long long)permil);
    }
    rep_ob_str(o, "</div><ul class=\"legend\">");
    for (size_t i = 0; i < n; i++) {
        rep_ob_printf(o, "<li><b class=\"p-%s\"></b>", cls[p[i].kind]);
        rep_ob_xstr(o, rep_part_name(p[i].kind));
        rep_ob_ch(o, ' ');
        rep_ob_ms(o, p[i].to > p[i].from ? p[i].to - p[i].from : 0);
        rep_ob_ch(o, ' ');
        rep_ob_xstr(o, _("ms"));
        rep_ob_str(o, "</li>");
    }
    rep_ob_str(o, "</ul>\n");
}

/* --------------------------------------------------------------- rows -- */

static void status_span(struct rep_obuf *o, const struct rep_row *row, bool utf8)
{
    struct tr_sbuf b = {0};
    rep_row_title(row, utf8, &b);
    const char *t = b.p ? b.p : "";
    const char *arrow = strstr(t, utf8 ? " \xe2\x86\x92 " : " -> ");
    if (arrow && row->rsp) {
        size_t head = (size_t)(arrow - t) + (utf8 ? 5 : 4);
        rep_ob_xml(o, t, head, false);
        rep_ob_printf(o, "<span class=\"s%dxx\">", row->rsp->status / 100);
        rep_ob_xstr(o, t + head);
        rep_ob_str(o, "</span>");
    } else {
        rep_ob_xstr(o, t);
    }
    tr_sb_free(&b);
}

void rep_html_row(const struct rep_ren *rn, size_t i, const struct dec_conn *c)
{
    (void)c;
    struct rep_obuf *o = rn->o;
    const struct rep_walk *wk = rn->wk;
    const struct rep_row *row = &wk->rows[i];
    rep_ob_str(o, "<article class=\"exchange\" id=\"x");
    rep_ren_num(rn, i);
    rep_ob_str(o, "\"><h3>");
    if (row->x >= 0)
        rep_ren_numfmt(rn, i, rep_exchange_fmt(), rep_put_xml);
    status_span(o, row, true);
    rep_ob_str(o, "</h3>\n");
    timing(o, wk, i);
    if (row->pkt_hi > row->pkt_lo) {
        rep_ob_str(o, "<figure class=\"ladder\">");
        struct rep_ren sr = *rn;
        sr.standalone = false;
        rep_svg_ladder(&sr, row->pkt_lo, row->pkt_hi, (long)i);
        rep_ob_str(o, "</figure>\n");
    }
    for (size_t k = 0; k < row->nstages; k++)
        stage_section(rn, i, k);
    rep_ob_str(o, "</article>\n");
}

/* --------------------------------------------------------- connections -- */

static void conn_title(struct rep_obuf *o, const struct tr_conn *tc)
{
    char a[TR_ADDRSTRLEN + 8], s[TR_ADDRSTRLEN + 8];
    struct tr_sbuf b = {0};
    tr_sb_printf(&b, _("Connection %1$llu: client %2$s %3$s server %4$s"),
                 (unsigned long long)tc->id, rep_endpoint(a, &tc->client), "\xe2\x86\x92",
                 rep_endpoint(s, &tc->server));
    rep_ob_xstr(o, b.p);
    tr_sb_free(&b);
}

static void notes_table(struct rep_obuf *o, const struct dec_note *const *n, size_t k)
{
    if (!k)
        return;
    rep_ob_str(o, "<table class=\"notes\"><tr><th>");
    rep_ob_xstr(o, _("frame"));
    rep_ob_str(o, "</th><th>");
    rep_ob_xstr(o, _("note"));
    rep_ob_str(o, "</th><th lang=\"en\">");
    rep_ob_xstr(o, _("detail"));
    rep_ob_str(o, "</th></tr>\n");
    for (size_t i = 0; i < k; i++) {
        rep_ob_printf(o, "<tr><td>%llu</td><td class=\"note\">", (unsigned long long)n[i]->frame);
        rep_ob_xstr(o, rep_note_title(n[i]->kind));
        rep_ob_str(o, "</td><td lang=\"en\">");
        rep_ob_xstr(o, n[i]->detail);
        rep_ob_str(o, "</td></tr>\n");
    }
    rep_ob_str(o, "</table>\n");
}

static void conn_head(struct rep_obuf *o, const struct dec_record *r, const struct dec_conn *c)
{
    const struct tr_conn *tc = &r->tc;
    rep_ob_printf(o, "<section class=\"conn\" id=\"c%llu\"><h2>", (unsigned long long)tc->id);
    conn_title(o, tc);
    rep_ob_str(o, "</h2><p class=\"sub\">");
    struct tr_sbuf b = {0};
    uint64_t nx = c ? c->exchanges : r->nxs;
    tr_sb_printf(&b, P_("Frames %1$llu to %2$llu; %3$llu bytes from the client, %4$llu from the "
                        "server; %5$llu exchange.",
                        "Frames %1$llu to %2$llu; %3$llu bytes from the client, %4$llu from the "
                        "server; %5$llu exchanges.",
                        nx),
                 (unsigned long long)tc->first_frame, (unsigned long long)tc->last_frame,
                 (unsigned long long)tc->side[TR_DIR_C2S].bytes,
                 (unsigned long long)tc->side[TR_DIR_S2C].bytes, (unsigned long long)nx);
    if (!tc->syn_seen)
        tr_sb_str(&b, _(" The capture begins after its handshake."));
    rep_ob_xstr(o, b.p);
    rep_ob_str(o, "</p>\n");
    tr_sb_free(&b);
    notes_table(o, (const struct dec_note *const *)r->notes, r->nnotes);
}

static void toc_chunk(struct rep_obuf *o, const struct rep_ren *rn)
{
    const struct rep_walk *wk = rn->wk;
    rep_ob_printf(o, "<li><a href=\"#c%llu\">", (unsigned long long)wk->r->tc.id);
    conn_title(o, &wk->r->tc);
    rep_ob_str(o, "</a><ol>");
    for (size_t i = 0; i < wk->nrows; i++) {
        rep_ob_str(o, "<li value=\"");
        rep_ren_num(rn, i);
        rep_ob_str(o, "\"><a href=\"#x");
        rep_ren_num(rn, i);
        rep_ob_str(o, "\">");
        status_span(o, &wk->rows[i], true);
        rep_ob_str(o, "</a></li>");
    }
    rep_ob_str(o, "</ol></li>\n");
}

void rep_html_conn(struct rep_out *out, const struct rep_ren *rn, const struct dec_conn *c)
{
    struct rep_spool *sp = &out->sp;
    struct rep_ren rr = *rn;
    rr.o = rep_spool_begin(sp, 0, (int64_t)c->id, c->id, REP_CH_TOC, -1);
    toc_chunk(rr.o, &rr);
    rr.o = rep_spool_begin(sp, 1, (int64_t)c->id, c->id, REP_CH_HEAD, -1);
    conn_head(rr.o, rn->wk->r, c);
    for (size_t i = 0; i < rn->wk->nrows; i++) {
        rr.o = rep_spool_begin(sp, 1, (int64_t)c->id, c->id, REP_CH_ROW, (int64_t)i);
        rep_html_row(&rr, i, c);
    }
    rr.o = rep_spool_begin(sp, 1, (int64_t)c->id, c->id, REP_CH_TAIL, -1);
    rep_ob_str(rr.o, "</section>\n");
    rep_spool_end(sp);
}

/* ------------------------------------------------------------ document -- */

void rep_html_doc_begin(struct rep_obuf *o, const char *source, const char *subtitle)
{
    rep_ob_printf(o, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
                  teach_lang_zh() ? "zh-Hans" : "en");
    rep_ob_str(o, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                  "<meta name=\"generator\" content=\"httpstep " HTTPSTEP_VERSION "\">\n<title>");
    rep_ob_str(o, "httpstep: ");
    rep_ob_xstr(o, source);
    rep_ob_str(o, "</title>\n<style>\n");
    css_vars(o);
    rep_ob_str(o, css);
    rep_ob_str(o, "</style>\n</head>\n<body>\n<header><h1>");
    rep_ob_xstr(o, _("The seven steps of HTTP"));
    rep_ob_str(o, "</h1><p class=\"sub\">");
    rep_ob_xstr(o, subtitle);
    rep_ob_str(o, "</p></header>\n");
}

void rep_html_doc_end(struct rep_obuf *o)
{
    struct tr_sbuf b = {0};
    tr_sb_printf(&b, _("Written by httpstep %s from the packets of the capture; every byte "
                       "shown is as it was sent."),
                 HTTPSTEP_VERSION);
    rep_ob_str(o, "<footer>");
    rep_ob_xstr(o, b.p);
    rep_ob_str(o, "</footer>\n</body>\n</html>\n");
    tr_sb_free(&b);
}

static void capture_line(struct tr_sbuf *b, const struct rep_end *e)
{
    const struct dec_run_stats *st = e->st;
    tr_sb_str(b, e->ci->source);
    tr_sb_str(b, " \xc2\xb7 ");
    tr_sb_printf(b, _("%1$s, link type %2$s, snaplen %3$d"),
                 e->ci->live ? _("live") : _("capture file"), e->ci->link_type, e->ci->snaplen);
    tr_sb_str(b, " \xc2\xb7 ");
    rep_counts(b, st);
}

/* the sentence of a document without what it was asked for */
const char *rep_nothing_text(const struct rep_end *e, struct tr_sbuf *b)
{
    if (e->goto_x && !e->goto_conn) {
        tr_sb_printf(b, _("There is no exchange %1$llu in this capture (%2$llu in all)."),
                     (unsigned long long)e->goto_x, (unsigned long long)e->rows);
        return b->p;
    }
    if (e->st->http_conns == 0 && e->st->exchanges == 0) {
        tr_sb_str(b, _("No HTTP in this capture: no request, response or TLS handshake was "
                       "found. Try -p PORT for another server port, or a filter expression."));
        return b->p;
    }
    return NULL;
}

/* does chunk c belong in a document of goto_x (or of the whole capture)? */
bool rep_chunk_wanted(const struct rep_chunk *c, const struct rep_end *e)
{
    if (!e->goto_x)
        return true;
    if (c->conn != e->goto_conn || c->kind == REP_CH_TOC)
        return false;
    return c->kind != REP_CH_ROW || c->row == e->goto_row;
}

void rep_html_end(struct rep_out *out, const struct rep_end *e)
{
    struct rep_obuf *o = &out->ob;
    struct tr_sbuf b = {0};
    capture_line(&b, e);
    rep_html_doc_begin(o, e->ci->source, b.p);
    tr_sb_reset(&b);
    rep_spool_sort(&out->sp);
    const char *none = rep_nothing_text(e, &b);
    if (none) {
        rep_ob_str(o, "<p class=\"note\">");
        rep_ob_xstr(o, none);
        rep_ob_str(o, "</p>\n");
    }
    bool toc = !e->goto_x && e->rows > 1;
    for (size_t i = 0; i < out->sp.n; i++) {
        const struct rep_chunk *c = &out->sp.ch[i];
        if (c->kind == REP_CH_TOC && !toc)
            continue;
        if (!rep_chunk_wanted(c, e))
            continue;
        if (c->kind == REP_CH_TOC && (i == 0 || out->sp.ch[i - 1].kind != REP_CH_TOC)) {
            rep_ob_str(o, "<nav class=\"toc\"><h2>");
            rep_ob_xstr(o, _("Contents"));
            rep_ob_str(o, "</h2><ol>\n");
        }
        rep_spool_copy(&out->sp, c, o, e->base(e->w, c->conn));
        if (c->kind == REP_CH_TOC && (i + 1 == out->sp.n || out->sp.ch[i + 1].kind != REP_CH_TOC))
            rep_ob_str(o, "</ol></nav>\n");
    }
    if (e->nlookups && !e->goto_x) {  /* the first told whole, the others in a line */
        rep_ob_str(o, "<section class=\"conn\"><h2>");
        rep_ob_xstr(o, _("DNS lookups without an answer or with an error"));
        rep_ob_str(o, "</h2>\n");
        struct tr_sbuf t = {0};
        rep_lookups_text(e, &t);
        paras(o, t.p);
        tr_sb_free(&t);
        rep_ob_str(o, "</section>\n");
    }
    if (e->nfnotes && !e->goto_x) {
        rep_ob_str(o, "<section class=\"conn\"><h2>");
        rep_ob_xstr(o, _("Notes on frames outside any connection"));
        rep_ob_str(o, "</h2>\n");
        notes_table(o, e->fnotes, e->nfnotes);
        rep_ob_str(o, "</section>\n");
    }
    rep_html_doc_end(o);
    tr_sb_free(&b);
    rep_ob_flush(o);
}
