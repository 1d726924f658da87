/* svg.c - the ladder as SVG, for slides and for the HTML page: client and
 * server columns, each packet an arrow with its frame number, time, flags
 * and the stages it carries, the stages as brackets at the side, in the
 * screen's colours (teach.h's roles), sized to read on a projector; no
 * script, no ids (several may share one HTML page) */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#define W 1100           /* width */
#define TOP 84           /* the first packet row */
#define RH 34            /* a packet row */
#define CX 170           /* the client's line */
#define SX 650           /* the server's line */
#define LANE0 676        /* the first bracket lane */
#define LANE_W 14
#define LABEL_H 16       /* a line of a bracket's label */
#define CHAR_W 7         /* a column of 13-pixel text, roughly */

static const char font[] = "DejaVu Sans, Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif";

static void colour(struct rep_obuf *o, enum teach_role r)
{
    rep_ob_rgb(o, teach_role_colour(r)->rgb_fg);
}

/* HTTP/2 (issue 16): a colour per stream, teach.h's palette as on the
 * screen; on an HTTP/2 connection what belongs to no stream is dimmed */
static bool has_streams(const struct dec_record *r)
{
    for (size_t k = 0; k < r->nstgs; k++)
        if (r->stgs[k]->stream)
            return true;
    return false;
}

/* the first stream whose stages packet p carries, 0 none */
static uint32_t pkt_stream(const struct rep_walk *wk, size_t p)
{
    if (!wk->r->pkts[p].seg.len)
        return 0;
    for (size_t j = wk->pkt_off[p]; j < wk->pkt_off[p + 1]; j++)
        if (wk->r->stgs[wk->pkt_stg[j]]->stream)
            return wk->r->stgs[wk->pkt_stg[j]]->stream;
    return 0;
}

/* the colour of a role, or of stream id when it has one */
static const struct teach_colour *stream_or(uint32_t id, enum teach_role role)
{
    return id ? teach_stream_colour(teach_stream_slot(id)) : teach_role_colour(role);
}

/* text of a label, its HTTP/2 stream ids ("s3") each in its stream's colour */
static void label_xml(struct rep_obuf *o, const char *p, size_t n)
{
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 's' || (i && p[i - 1] != ' ' && p[i - 1] != '+'))
            continue;
        size_t e = i + 1;
        uint32_t id = 0;
        while (e < n && p[e] >= '0' && p[e] <= '9' && id < 100000000u)
            id = id * 10 + (uint32_t)(p[e++] - '0');
        if (e == i + 1 || !id || (e < n && p[e] != ' ' && p[e] != '+'))
            continue;
        rep_ob_xml(o, p + from, i - from, false);
        rep_ob_str(o, "<tspan font-weight=\"bold\" fill=\"");
        rep_ob_rgb(o, teach_stream_colour(teach_stream_slot(id))->rgb_fg);
        rep_ob_str(o, "\">");
        rep_ob_xml(o, p + i, e - i, false);
        rep_ob_str(o, "</tspan>");
        from = e;
        i = e - 1;
    }
    rep_ob_xml(o, p + from, n - from, false);
}

static int arrow_y(size_t i)
{
    return TOP + (int)i * RH + 22;
}

/* a bracket: stages of one direction over the same packets */
struct bracket {
    size_t first, last;          /* packet rows */
    int stages[6];
    size_t n;
    size_t more;                 /* stages past the six named */
    enum teach_role role;
    uint32_t stream;             /* HTTP/2: its stages' stream, whose colour it takes */
    int lane;
    int label_y;                 /* the top of its label */
};

/* the packet rows [first, last] of stage k within [lo, hi), or false */
static bool stage_rows(const struct rep_walk *wk, int k, size_t lo, size_t hi, size_t *first,
                       size_t *last)
{
    bool any = false;
    for (size_t p = lo; p < hi; p++)
        for (size_t j = wk->pkt_off[p]; j < wk->pkt_off[p + 1]; j++)
            if (wk->pkt_stg[j] == k) {
                if (!any)
                    *first = p - lo;
                *last = p - lo;
                any = true;
            }
    return any;
}

static size_t brackets(const struct rep_walk *wk, size_t lo, size_t hi, long row, bool h2,
                       size_t pre, struct bracket **out)
{
    const struct dec_record *r = wk->r;
    struct bracket *b = NULL;
    size_t n = 0, cap = 0;
    if (pre) {  /* step 0, the lookup: its rows come first */
        tr_xgrow(&b, &cap, n + 1, sizeof *b);
        b[n++] = (struct bracket){0, pre - 1, {0}, 1, 0, TEACH_ROLE_CLIENT, 0, 0, 0};
    }
    for (size_t k = 0; k < r->nstgs; k++) {
        size_t first, last;
        if (!stage_rows(wk, (int)k, lo, hi, &first, &last))
            continue;
        first += pre;
        last += pre;
        const struct dec_stage *s = r->stgs[k];
        /* dimmed: the handshake and close, and in the ladder of one row the
         * stages of other rows that share its packets (pipelining) */
        bool other = row >= 0 && rep_walk_row_of(wk, (int)k) != row;
        enum teach_role role = s->kind == DEC_STAGE_HANDSHAKE || s->kind == DEC_STAGE_CLOSE || other
                                       || (h2 && !s->stream)  /* as its packets: of no stream */
                                   ? TEACH_ROLE_DIM
                                   : rep_dir_role(s->dir);
        uint32_t id = role == TEACH_ROLE_DIM ? 0 : s->stream;
        if (n && b[n - 1].first == first && b[n - 1].last == last && b[n - 1].role == role &&
            b[n - 1].stream == id) {
            if (b[n - 1].n < 6)
                b[n - 1].stages[b[n - 1].n++] = (int)k;
            else
                b[n - 1].more++;
            continue;
        }
        tr_xgrow(&b, &cap, n + 1, sizeof *b);
        b[n] = (struct bracket){first, last, {(int)k}, 1, 0, role, id, 0, 0};
        n++;
    }
    /* lanes: the first whose last bracket ended before this one begins */
    int lanes_end[16] = {0};
    int nl = 0;
    for (size_t i = 0; i < n; i++) {
        int l = 0;
        while (l < nl && lanes_end[l] >= (int)b[i].first)
            l++;
        if (l == 16)
            l = 15;
        if (l == nl && nl < 16)
            nl++;
        lanes_end[l] = (int)b[i].last;
        b[i].lane = l;
    }
    *out = b;
    return n;
}

static int lanes_of(const struct bracket *b, size_t n)
{
    int m = 0;
    for (size_t i = 0; i < n; i++)
        m = b[i].lane + 1 > m ? b[i].lane + 1 : m;
    return m;
}

/* a stage's line in a bracket's label: its step and title, or its short
 * name when the title does not fit */
static void stage_label(struct tr_sbuf *t, const struct dec_stage *s, int room)
{
    tr_sb_reset(t);
    /* the stage's step ("-" for encrypted bytes, of no step), an HTTP/2 stream's id */
    char num[8] = "-";
    if (dec_stage_step(s->kind) >= 0)  /* step 0 is the lookup */
        snprintf(num, sizeof num, "%d", dec_stage_step(s->kind));
    tr_sb_printf(t, "%s  %s", num, teach_stage_title(s->kind));
    if (s->stream)
        tr_sb_printf(t, " s%u", s->stream);
    if ((int)rep_width(t->p, t->len) * CHAR_W > room) {
        tr_sb_reset(t);
        tr_sb_printf(t, "%s  %s", num, teach_stage_brief(s->kind));
        if (s->stream)
            tr_sb_printf(t, " s%u", s->stream);
    }
}

static void text_in(struct rep_obuf *o, int x, int y, const char *anchor, int size,
                    const char *weight, const struct teach_colour *c, const char *s, size_t n)
{
    rep_ob_printf(o, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"", x, y, size);
    if (strcmp(anchor, "start") != 0)
        rep_ob_printf(o, " text-anchor=\"%s\"", anchor);
    if (*weight)
        rep_ob_printf(o, " font-weight=\"%s\"", weight);
    rep_ob_str(o, " fill=\"");
    rep_ob_rgb(o, c->rgb_fg);
    rep_ob_str(o, "\">");
    rep_ob_xml(o, s, n, false);
    rep_ob_str(o, "</text>");
}

static void text(struct rep_obuf *o, int x, int y, const char *anchor, int size, const char *weight,
                 enum teach_role role, const char *s, size_t n)
{
    text_in(o, x, y, anchor, size, weight, teach_role_colour(role), s, n);
}

/* the label on a packet's arrow: flags, length, the stages it carries;
 * shortened to fit `room` pixels */
static void packet_label(const struct rep_walk *wk, size_t p, int room, struct tr_sbuf *t)
{
    const struct dec_record *r = wk->r;
    const struct tr_seg *g = &r->pkts[p].seg;
    char fl[40];
    rep_flags(fl, sizeof fl, g->flags);
    const int *stg = wk->pkt_stg + wk->pkt_off[p];
    size_t n = g->len ? wk->pkt_off[p + 1] - wk->pkt_off[p] : 0;
    /* HTTP/2: every stream of the packet is named, "s3" before its first
     * stage, or the ids alone ("s1+s3") where the stages are not */
    struct tr_sbuf ids = {0};
    for (size_t j = 0; j < n; j++) {
        uint32_t id = r->stgs[stg[j]]->stream;
        bool seen = !id;
        for (size_t i = 0; i < j && !seen; i++)
            seen = r->stgs[stg[i]]->stream == id;
        if (!seen)
            tr_sb_printf(&ids, "%ss%u", ids.len ? "+" : "", id);
    }
    /* the stages by their titles, their short names, their short names
     * counted (pipelined requests: "Req.line x2"), or none */
    for (int form = 0; form < 4; form++) {
        tr_sb_reset(t);
        tr_sb_str(t, fl);
        if (g->len)
            tr_sb_printf(t, P_(" \xc2\xb7 %u byte", " \xc2\xb7 %u bytes", g->len), g->len);
        uint32_t last = 0;
        if (form >= 2 && ids.len) {
            tr_sb_str(t, " \xc2\xb7 ");
            tr_sb_put(t, ids.p, ids.len);
        }
        for (size_t j = 0; j < n && form < 3; j++) {
            enum dec_stage_kind k = r->stgs[stg[j]]->kind;
            uint32_t id = r->stgs[stg[j]]->stream;
            size_t same = 1;
            if (form == 2) {
                bool seen = false;
                for (size_t i = 0; i < j; i++)
                    seen |= r->stgs[stg[i]]->kind == k;
                if (seen)
                    continue;
                for (size_t i = j + 1; i < n; i++)
                    same += r->stgs[stg[i]]->kind == k;
            }
            tr_sb_str(t, j ? " + " : form >= 2 && ids.len ? " " : " \xc2\xb7 ");
            if (form < 2 && id && id != last)
                tr_sb_printf(t, "s%u ", id);
            last = id ? id : last;
            tr_sb_str(t, form == 0 ? teach_stage_title(k) : teach_stage_brief(k));
            if (same > 1)
                tr_sb_printf(t, " \xc3\x97%zu", same);
        }
        if ((int)rep_width(t->p, t->len) * CHAR_W <= room)
            break;
    }
    tr_sb_free(&ids);
}

static const char *mark_of(const struct dec_pkt *p, const char **why)
{
    if (p->seg.retransmission) {
        *why = rep_note_title(DEC_NOTE_RETRANSMISSION);
        return "R";
    }
    if (p->seg.out_of_order) {
        *why = rep_note_title(DEC_NOTE_OUT_OF_ORDER);
        return "O";
    }
    if (p->notes & (1u << DEC_NOTE_GAP)) {
        *why = rep_note_title(DEC_NOTE_GAP);
        return "G";
    }
    if (p->seg.caplen < p->seg.len) {
        *why = rep_note_title(DEC_NOTE_TRUNCATED);
        return "T";
    }
    return NULL;
}

static void packet(const struct rep_ren *rn, size_t p, size_t i, tr_time t0, bool h2)
{
    struct rep_obuf *o = rn->o;
    const struct dec_record *r = rn->wk->r;
    const struct dec_pkt *pk = &r->pkts[p];
    const struct tr_seg *g = &pk->seg;
    int y = arrow_y(i);
    bool c2s = g->dir == TR_DIR_C2S;
    bool data = g->len > 0 || (g->flags & (TR_TCP_SYN | TR_TCP_FIN | TR_TCP_RST));
    /* HTTP/2: its (first) stream's colour, what is of no stream dimmed */
    uint32_t sid = h2 ? pkt_stream(rn->wk, p) : 0;
    const struct teach_colour *col = stream_or(sid, h2 ? TEACH_ROLE_DIM : rep_dir_role(g->dir));
    bool hl = false;
    for (size_t j = rn->wk->pkt_off[p]; j < rn->wk->pkt_off[p + 1]; j++)
        hl |= rn->wk->pkt_stg[j] == rn->highlight;
    rep_ob_printf(o, "<g class=\"pkt\" data-frame=\"%llu\">", (unsigned long long)g->frame);
    if (hl) {
        rep_ob_printf(o, "<rect x=\"4\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"", y - 20,
                      SX + 16, RH - 2);
        rep_ob_rgb(o, teach_role_colour(TEACH_ROLE_HIGHLIGHT)->rgb_bg);
        rep_ob_str(o, "\"/>");
    }
    char buf[48];
    struct tr_sbuf t = {0};
    rep_ob_str(o, "<text x=\"96\" y=\"");
    rep_ob_printf(o, "%d\" font-size=\"12\" text-anchor=\"end\" fill=\"", y + 4);
    colour(o, TEACH_ROLE_DIM);
    rep_ob_str(o, "\">");
    rep_ob_ms(o, g->ts - t0);
    rep_ob_ch(o, ' ');
    rep_ob_xstr(o, _("ms"));
    rep_ob_str(o, "</text>");
    int n = snprintf(buf, sizeof buf, "#%llu", (unsigned long long)g->frame);
    text(o, 146, y + 4, "end", 13, "bold", TEACH_ROLE_NORMAL, buf, (size_t)n);
    const char *why = NULL;
    const char *m = mark_of(pk, &why);
    if (m) {
        rep_ob_printf(o, "<text x=\"160\" y=\"%d\" font-size=\"13\" font-weight=\"bold\" "
                         "text-anchor=\"middle\" fill=\"",
                      y + 4);
        colour(o, TEACH_ROLE_NOTE);
        rep_ob_str(o, "\"><title>");
        rep_ob_xstr(o, why);
        rep_ob_printf(o, "</title>%s</text>", m);
    }
    /* the arrow: a line and a head at the receiver */
    int x1 = c2s ? CX : SX, x2 = c2s ? SX - 2 : CX + 2, head = c2s ? -12 : 12;
    rep_ob_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-width=\"%s\" stroke=\"",
                  x1, y, x2 + head / 2, y, data ? "2.5" : "1.5");
    rep_ob_rgb(o, col->rgb_fg);
    rep_ob_str(o, data ? "\"/>" : "\" stroke-dasharray=\"6 4\"/>");
    rep_ob_printf(o, "<polygon points=\"%d,%d %d,%d %d,%d\" fill=\"", x2, y, x2 + head, y - 6,
                  x2 + head, y + 6);
    rep_ob_rgb(o, col->rgb_fg);
    rep_ob_str(o, "\"/>");
    packet_label(rn->wk, p, SX - CX - 24, &t);
    rep_ob_printf(o, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\" fill=\"",
                  (CX + SX) / 2, y - 6);
    rep_ob_rgb(o, col->rgb_fg);
    rep_ob_str(o, "\">");
    if (h2)
        label_xml(o, t.p ? t.p : "", t.len);
    else
        rep_ob_xml(o, t.p ? t.p : "", t.len, false);
    rep_ob_str(o, "</text></g>\n");
    tr_sb_free(&t);
}

/* step 0 on this ladder: the lookup that gave the server's address, when
 * the ladder begins with the connection (the whole one, or the row that
 * holds the lookup's stage); *rows: its query and answer rows */
static const struct dec_dns_line *lookup_of(const struct rep_walk *wk, size_t lo, long row,
                                            size_t *rows)
{
    const struct dec_record *r = wk->r;
    *rows = 0;
    if (!r->nstgs || r->stgs[0]->kind != DEC_STAGE_DNS_LOOKUP || !r->stgs[0]->dns)
        return NULL;
    if (row >= 0 ? rep_walk_row_of(wk, 0) != row : lo != 0)
        return NULL;
    const struct dec_dns_line *l = r->stgs[0]->dns;
    *rows = l->answered ? 2 : 1;
    return l;
}

#define RX ((CX + SX) / 2 + 40)  /* the resolver's line, between the two */

/* row i of the lookup (0: the query, 1: the answer) between the client's
 * line and the resolver's */
static void lookup_row(const struct rep_ren *rn, const struct dec_dns_line *l, int i, tr_time t0)
{
    struct rep_obuf *o = rn->o;
    int y = arrow_y((size_t)i);
    uint64_t frame = i ? l->response_frame : l->frame;
    tr_time ts = i ? l->response_ts : l->ts;
    rep_ob_printf(o, "<g class=\"dns\" data-frame=\"%llu\">", (unsigned long long)frame);
    if (rn->highlight == 0) {
        rep_ob_printf(o, "<rect x=\"4\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"", y - 20,
                      SX + 16, RH - 2);
        rep_ob_rgb(o, teach_role_colour(TEACH_ROLE_HIGHLIGHT)->rgb_bg);
        rep_ob_str(o, "\"/>");
    }
    rep_ob_printf(o, "<text x=\"96\" y=\"%d\" font-size=\"12\" text-anchor=\"end\" fill=\"",
                  y + 4);
    colour(o, TEACH_ROLE_DIM);
    rep_ob_str(o, "\">");
    rep_ob_ms(o, ts - t0);
    rep_ob_ch(o, ' ');
    rep_ob_xstr(o, _("ms"));
    rep_ob_str(o, "</text>");
    char buf[320];
    int n = snprintf(buf, sizeof buf, "#%llu", (unsigned long long)frame);
    text(o, 146, y + 4, "end", 13, "bold", TEACH_ROLE_NORMAL, buf, (size_t)n);
    int x1 = i ? RX : CX, x2 = i ? CX + 2 : RX - 2, head = i ? 12 : -12;
    rep_ob_printf(o, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke-width=\"2.5\" "
                     "stroke=\"",
                  x1, y, x2 + head / 2, y);
    colour(o, TEACH_ROLE_CLIENT);
    rep_ob_printf(o, "\"/><polygon points=\"%d,%d %d,%d %d,%d\" fill=\"", x2, y, x2 + head,
                  y - 6, x2 + head, y + 6);
    colour(o, TEACH_ROLE_CLIENT);
    rep_ob_str(o, "\"/>");
    /* the label, cut to the arrow's length */
    teach_lookup_arrow(l, i == 1, buf, sizeof buf);
    size_t len = strlen(buf), room = (size_t)(RX - CX - 16) / CHAR_W;
    while (len && rep_width(buf, len) > room) {
        len--;
        while (len && (buf[len] & 0xc0) == 0x80)  /* cut between characters */
            len--;
    }
    rep_ob_printf(o, "<text x=\"%d\" y=\"%d\" font-size=\"13\" text-anchor=\"middle\" fill=\"",
                  (CX + RX) / 2, y - 6);
    colour(o, TEACH_ROLE_CLIENT);
    rep_ob_str(o, "\">");
    rep_ob_xml(o, buf, len, false);
    rep_ob_str(o, "</text></g>\n");
}

static void bracket_draw(const struct rep_ren *rn, const struct bracket *b, int label_x)
{
    struct rep_obuf *o = rn->o;
    const struct dec_record *r = rn->wk->r;
    int x = LANE0 + b->lane * LANE_W;
    int y1 = arrow_y(b->first) - 10, y2 = arrow_y(b->last) + 8;
    const struct teach_colour *col = stream_or(b->stream, b->role);
    rep_ob_printf(o, "<g class=\"stage\"><path d=\"M%d %dH%dV%dH%d\" fill=\"none\" "
                     "stroke-width=\"2.5\" stroke=\"",
                  x - 6, y1, x, y2, x - 6);
    rep_ob_rgb(o, col->rgb_fg);
    rep_ob_str(o, "\"/>");
    int mid = (y1 + y2) / 2;
    int ly = b->label_y + 12;
    int lines = (int)b->n + (b->more ? 1 : 0);
    /* a leader from the bracket to its label when the label moved */
    int lmid = b->label_y + lines * LABEL_H / 2;
    rep_ob_printf(o, "<path d=\"M%d %dL%d %d\" fill=\"none\" stroke-width=\"1\" stroke=\"", x,
                  mid, label_x - 4, lmid);
    rep_ob_rgb(o, col->rgb_fg);
    rep_ob_str(o, "\"/>");
    struct tr_sbuf t = {0};
    for (size_t i = 0; i < b->n; i++, ly += LABEL_H) {
        stage_label(&t, r->stgs[b->stages[i]], W - label_x - 6);
        bool hl = b->stages[i] == rn->highlight;
        text_in(o, label_x, ly, "start", 13, hl ? "bold" : "", col, t.p, t.len);
    }
    if (b->more) {
        tr_sb_reset(&t);
        tr_sb_printf(&t, P_("and %zu more stage", "and %zu more stages", b->more), b->more);
        text_in(o, label_x, ly, "start", 13, "", col, t.p, t.len);
    }
    rep_ob_str(o, "</g>\n");
    tr_sb_free(&t);
}

static void title(const struct rep_ren *rn, long row, struct rep_obuf *o)
{
    const struct rep_walk *wk = rn->wk;
    struct tr_sbuf t = {0};
    if (row >= 0 && wk->rows[row].x >= 0) {
        rep_ob_str(o, "<text x=\"16\" y=\"26\" font-size=\"18\" font-weight=\"bold\" fill=\"");
        colour(o, TEACH_ROLE_NORMAL);
        rep_ob_str(o, "\">");
        struct rep_ren here = *rn;
        here.o = o;
        rep_ren_numfmt(&here, (size_t)row, rep_exchange_fmt(), rep_put_xml);
        rep_row_title(&wk->rows[row], true, &t);
        rep_ob_xml(o, t.p, t.len > 120 ? 120 : t.len, false);
        rep_ob_str(o, "</text>");
    } else {
        tr_sb_printf(&t, _("Connection %llu"), (unsigned long long)wk->r->tc.id);
        if (wk->nrows == 1 && wk->rows[0].x < 0) {
            tr_sb_str(&t, " \xc2\xb7 ");
            tr_sb_str(&t, _("No HTTP exchange on this connection"));
        }
        text(o, 16, 26, "start", 18, "bold", TEACH_ROLE_NORMAL, t.p, t.len);
    }
    tr_sb_free(&t);
}

void rep_svg_ladder(const struct rep_ren *rn, size_t lo, size_t hi, long row)
{
    struct rep_obuf *o = rn->o;
    const struct rep_walk *wk = rn->wk;
    const struct dec_record *r = wk->r;
    if (hi > r->npkts)
        hi = r->npkts;
    if (lo > hi)
        lo = hi;
    size_t n = hi - lo;
    bool h2 = has_streams(r);
    size_t pre;
    const struct dec_dns_line *look = lookup_of(wk, lo, row, &pre);
    struct bracket *b = NULL;
    size_t nb = brackets(wk, lo, hi, row, h2, pre, &b);
    int label_x = LANE0 + lanes_of(b, nb) * LANE_W + 10;
    /* labels at their bracket's middle, pushed down past the one before */
    int next_free = TOP;
    for (size_t i = 0; i < nb; i++) {
        int lines = (int)b[i].n + (b[i].more ? 1 : 0);
        int mid = (arrow_y(b[i].first) - 10 + arrow_y(b[i].last) + 8) / 2;
        int y = mid - lines * LABEL_H / 2;
        if (y < next_free)
            y = next_free;
        b[i].label_y = y;
        next_free = y + lines * LABEL_H + 4;
    }
    int height = TOP + (int)(n + pre) * RH + 16;
    if (next_free + 8 > height)
        height = next_free + 8;
    int foot = h2 ? 22 : 0;  /* HTTP/2: a line of legend under the ladder */
    height += foot;
    /* inside a page the heading says what it is: no title line */
    int y0 = rn->standalone ? 0 : 34;
    if (rn->standalone)
        rep_ob_str(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    rep_ob_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                     "viewBox=\"0 %d %d %d\" font-family=\"%s\" role=\"img\">\n",
                  W, height - y0, y0, W, height - y0, font);
    rep_ob_str(o, "<title>");
    struct tr_sbuf t = {0};
    if (row >= 0)
        rep_row_title(&wk->rows[row], true, &t);
    else
        tr_sb_printf(&t, _("Connection %llu"), (unsigned long long)r->tc.id);
    rep_ob_xml(o, t.p, t.len, false);
    rep_ob_printf(o, "</title>\n<rect y=\"%d\" width=\"100%%\" height=\"100%%\" "
                     "fill=\"#ffffff\"/>\n",
                  y0);
    if (rn->standalone)
        title(rn, row, o);
    char a[TR_ADDRSTRLEN + 8];
    tr_sb_reset(&t);
    tr_sb_printf(&t, _("Client %s"), rep_endpoint(a, &r->tc.client));
    text(o, CX, 58, "middle", 15, "bold", TEACH_ROLE_CLIENT, t.p, t.len);
    tr_sb_reset(&t);
    tr_sb_printf(&t, _("Server %s"), rep_endpoint(a, &r->tc.server));
    text(o, SX, 58, "middle", 15, "bold", TEACH_ROLE_SERVER, t.p, t.len);
    if (h2) {  /* the legend of the streams' colours */
        tr_sb_reset(&t);
        tr_sb_str(&t, _("HTTP/2: a colour per stream (s1, s3 ...); a packet of several streams "
                        "takes the first one's colour and names them all; grey: no stream"));
        text(o, 16, height - 8, "start", 12, "", TEACH_ROLE_DIM, t.p, t.len);
    }
    rep_ob_printf(o, "<line x1=\"%d\" y1=\"66\" x2=\"%d\" y2=\"%d\" stroke-width=\"3\" stroke=\"",
                  CX, CX, height - 8 - foot);
    colour(o, TEACH_ROLE_CLIENT);
    rep_ob_printf(o, "\"/>\n<line x1=\"%d\" y1=\"66\" x2=\"%d\" y2=\"%d\" stroke-width=\"3\" "
                     "stroke=\"",
                  SX, SX, height - 8 - foot);
    colour(o, TEACH_ROLE_SERVER);
    rep_ob_str(o, "\"/>\n");
    if (look) {  /* the resolver's line, as long as the lookup's rows */
        char ip[TR_ADDRSTRLEN];
        tr_sb_reset(&t);
        tr_sb_printf(&t, _("DNS %s"), tr_addr_format(&look->server.addr, ip));
        text(o, RX, 58, "middle", 15, "bold", TEACH_ROLE_CLIENT, t.p, t.len);
        rep_ob_printf(o, "<line x1=\"%d\" y1=\"66\" x2=\"%d\" y2=\"%d\" stroke-width=\"2\" "
                         "stroke-dasharray=\"4 3\" stroke=\"",
                      RX, RX, arrow_y(pre - 1) + 14);
        colour(o, TEACH_ROLE_CLIENT);
        rep_ob_str(o, "\"/>\n");
        for (size_t i = 0; i < pre; i++)
            lookup_row(rn, look, (int)i, r->tc.first_ts);
    }
    tr_sb_free(&t);
    for (size_t i = 0; i < n; i++)
        packet(rn, lo + i, i + pre, r->tc.first_ts, h2);
    for (size_t i = 0; i < nb; i++)
        bracket_draw(rn, &b[i], label_x);
    rep_ob_str(o, "</svg>\n");
    free(b);
}

/* ------------------------------------------------------------ --svg FILE -- */

void rep_svg_conn(struct rep_out *out, const struct rep_ren *rn, bool rows)
{
    const struct rep_walk *wk = rn->wk;
    uint64_t id = wk->r->tc.id;
    struct rep_ren rr = *rn;
    rr.standalone = true;
    if (rows) {
        /* --goto: each row's ladder, one of which is wanted at the end */
        for (size_t i = 0; i < wk->nrows; i++) {
            rr.o = rep_spool_begin(&out->sp, 1, (int64_t)id, id, REP_CH_ROW, (int64_t)i);
            rep_svg_ladder(&rr, wk->rows[i].pkt_lo, wk->rows[i].pkt_hi, (long)i);
        }
    } else if (id < out->svg_best) {
        /* the first connection's ladder: the smallest number seen so far */
        out->svg_best = id;
        rr.o = rep_spool_begin(&out->sp, 1, (int64_t)id, id, REP_CH_WHOLE, -1);
        rep_svg_ladder(&rr, 0, wk->r->npkts, -1);
    }
    rep_spool_end(&out->sp);
}

void rep_svg_end(struct rep_out *out, const struct rep_end *e)
{
    struct rep_obuf *o = &out->ob;
    rep_spool_sort(&out->sp);
    for (size_t i = 0; i < out->sp.n; i++) {
        const struct rep_chunk *c = &out->sp.ch[i];
        if (e->goto_x ? c->kind == REP_CH_ROW && rep_chunk_wanted(c, e)
                      : c->kind == REP_CH_WHOLE && c->conn == out->svg_best) {
            rep_spool_copy(&out->sp, c, o, e->base(e->w, c->conn));
            rep_ob_flush(o);
            return;
        }
    }
    /* nothing to draw: a valid SVG that says why */
    struct tr_sbuf b = {0};
    const char *why = rep_nothing_text(e, &b);
    if (!why) {
        tr_sb_str(&b, _("No HTTP connection in this capture."));
        why = b.p;
    }
    rep_ob_printf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/"
                     "2000/svg\" width=\"%d\" height=\"80\" viewBox=\"0 0 %d 80\" font-family=\"%s\""
                     " role=\"img\">\n<title>",
                  W, W, font);
    rep_ob_xstr(o, why);
    rep_ob_str(o, "</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    text(o, 16, 44, "start", 16, "", TEACH_ROLE_NOTE, why, strlen(why));
    rep_ob_str(o, "\n</svg>\n");
    tr_sb_free(&b);
    rep_ob_flush(o);
}
