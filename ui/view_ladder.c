/* view_ladder.c - the ladder: one arrow per packet between client and
 * server, with its frame number and time; a cursor on a packet, whose
 * detail Enter (or a click) shows in the explanation pane. Step 0, the DNS
 * lookup that gave the server's address, comes first on a lane of its own:
 * the query from the client to the resolver and the answer back (two rows
 * at the top, not packets of the connection: the cursor passes them by). */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* --------------------------------------------------------------- rows -- */

/* the columns of a row: the cursor's mark, the frame number, the time since
 * the connection's first packet, then the arrow between two rails */
struct lcols {
    int fw, tw;                 /* frame and time widths */
    bool secs;                  /* time in seconds (a long connection), else ms */
    int cx, sx;                 /* the arrow's first and last columns */
};

static int digits(uint64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* the step-0 lookup of the record, or NULL */
static const struct dec_dns_line *lookup_of(const struct dec_record *d)
{
    return d->nstgs && d->stgs[0]->kind == DEC_STAGE_DNS_LOOKUP ? d->stgs[0]->dns : NULL;
}

/* rows the lookup takes at the top of the ladder: the query and its answer */
static int lookup_rows(const struct dec_record *d)
{
    const struct dec_dns_line *l = lookup_of(d);
    return l ? (l->answered ? 2 : 1) : 0;
}

static struct lcols ladder_cols(const struct dec_record *d, const struct rect *r)
{
    struct lcols c = {0};
    const struct dec_pkt *last = &d->pkts[d->npkts - 1];
    tr_time span = last->seg.ts - d->tc.first_ts;
    c.secs = span >= 10000000;
    double max = c.secs ? (double)span / 1e6 : (double)span / 1e3;
    c.fw = digits(last->seg.frame);
    c.tw = digits((uint64_t)max) + 4 + (c.secs ? 1 : 2);  /* "0.432ms" */
    const struct dec_dns_line *l = lookup_of(d);
    if (l) {  /* the lookup came before the first packet: "-1.285ms" */
        tr_time before = d->tc.first_ts - l->ts;
        double bmax = c.secs ? (double)before / 1e6 : (double)before / 1e3;
        int bw = 1 + digits((uint64_t)(bmax > 0 ? bmax : 0)) + 4 + (c.secs ? 1 : 2);
        c.tw = bw > c.tw ? bw : c.tw;
        uint64_t lf = l->answered ? l->response_frame : l->frame;  /* its frame numbers too */
        if (digits(lf) > c.fw)
            c.fw = digits(lf);
    }
    c.cx = 1 + c.fw + 1 + c.tw + 2;
    c.sx = r->w - 3;
    return c;
}

/* the label on packet k's arrow: the widest form that fits in `room`
 * columns (two columns clear of each end), or a tight one clear of the
 * head only; returns its width, *tight set for the tight one */
static int arrow_label(struct app *a, size_t k, int aw, bool wide, char *label, size_t n, bool *tight)
{
    const struct dec_record *d = a->det;
    const struct tr_seg *s = &d->pkts[k].seg;
    char fl[48], seq[48], full[256], brief[160], num[96];
    ui_tcp_flags(fl, sizeof fl, s->flags, ",");
    bool data = s->len > 0;
    ui_pkt_label(d, k, UI_LABEL_FULL, full, sizeof full);
    ui_pkt_label(d, k, UI_LABEL_BRIEF, brief, sizeof brief);
    ui_pkt_label(d, k, UI_LABEL_NUMBER, num, sizeof num);
    if (!data) {
        full[0] = brief[0] = num[0] = '\0';
        snprintf(seq, sizeof seq, "%u", s->rel_seq);
    } else {
        snprintf(seq, sizeof seq, "%u:%u", s->rel_seq, s->rel_seq + s->len);
    }
    char ack[24] = "";
    if (s->flags & TR_TCP_ACK)
        snprintf(ack, sizeof ack, " a%u", s->rel_ack);
    /* two families, one per pane so that the rows read alike: seq=, ack=
     * and len= where the arrows are long, else the compact seq:next and
     * a(ck); in each, the stages by name, short name, number, or none */
    /* an HTTP/2 segment: its streams matter more than its sequence numbers
     * (multiplexing), so "PSH,ACK s3:2+3a" comes before the bare seq:next */
    /* where its stages do not fit, its streams' ids alone ("s2+s13+s15"):
     * a packet of several streams names each */
    enum { F_SEQ_FULL, F_SEQ_BRIEF, F_SEQ_NUM, F_NUM, F_IDS, F_SEQ, F_SEQ_TIGHT, F_BRIEF, F_LEN,
           F_FLAGS, F_COUNT };
    bool streams = data && ui_pkt_stream(d, k, NULL);
    char ids[96] = "";
    if (streams) {
        int idx[64];
        size_t cnt = ui_pkt_stages(d, k, idx, sizeof idx / sizeof idx[0]), il = 0;
        uint32_t last = 0;
        for (size_t i = 0; i < cnt && il + 1 < sizeof ids; i++) {
            uint32_t id = d->stgs[idx[i]]->stream;
            bool seen = !id || id == last;
            for (size_t j = 0; j < i && !seen; j++)
                seen = d->stgs[idx[j]]->stream == id;
            if (seen)
                continue;
            il += (size_t)snprintf(ids + il, sizeof ids - il, "%ss%u", il ? "+" : "", id);
            last = id;
        }
        if (il >= sizeof ids)
            ids[0] = '\0';  /* too many to name: the other forms */
    }
    int lw = 0;
    for (int f = wide ? F_SEQ_FULL : F_SEQ_BRIEF; f < F_COUNT; f++) {
        const char *what = f == F_SEQ_FULL                  ? full
                           : f == F_SEQ_BRIEF || f == F_BRIEF ? brief
                           : f == F_SEQ_NUM || f == F_NUM     ? num
                                                             : "";
        if ((f == F_BRIEF || f == F_LEN) && !data)
            continue;
        if ((f == F_NUM && !streams) || (f == F_IDS && !ids[0]))
            continue;
        if (f == F_NUM || f == F_IDS) {  /* with the flags, else the streams and stages alone */
            *tight = false;
            snprintf(label, n, " %s %s ", fl, f == F_NUM ? num : ids);
            lw = ui_width(label);
            if (lw > aw - 4) {
                snprintf(label, n, " %s ", f == F_NUM ? num : ids);
                lw = ui_width(label);
            }
            if (lw <= aw - 4)
                break;
            continue;
        }
        if (f <= F_SEQ_NUM && !*what && (f != F_SEQ_FULL || data))
            continue;
        *tight = f == F_SEQ_TIGHT;
        if (wide && f <= F_SEQ)
            snprintf(label, n, " %s seq=%u%s%s len=%u%s%s ", fl, s->rel_seq,
                     (s->flags & TR_TCP_ACK) ? " ack=" : "", *ack ? ack + 2 : "", s->len,
                     *what ? " " : "", what);
        else if (f <= F_SEQ)
            snprintf(label, n, " %s %s%s%s%s ", fl, seq, ack, *what ? " " : "", what);
        else if (f == F_SEQ_TIGHT)
            snprintf(label, n, "%s %s%s", fl, seq, ack);
        else if (f == F_BRIEF)
            snprintf(label, n, " %s %u %s ", fl, s->len, brief);
        else if (f == F_LEN)
            snprintf(label, n, " %s %u ", fl, s->len);
        else
            snprintf(label, n, " %s ", fl);
        lw = ui_width(label);
        if (lw <= (*tight ? aw - 2 : aw - 4))
            break;
    }
    return lw;
}

/* a row's frame number (in attr) and time since the connection's first
 * packet, then the client's rail */
static void draw_when(struct app *a, const struct rect *r, const struct lcols *c, int y,
                      uint64_t frame, tr_time ts, int attr)
{
    char buf[64];
    int dim = ui_app_attr(a, UI_COLOR_DIM);
    snprintf(buf, sizeof buf, "%*llu", c->fw, (unsigned long long)frame);
    ui_put(stdscr, y, r->x + 1, c->fw, buf, attr);
    tr_time t = ts - a->det->tc.first_ts;
    if (c->secs)
        snprintf(buf, sizeof buf, "%*.3fs", c->tw - 1, (double)t / 1e6);
    else
        snprintf(buf, sizeof buf, "%*.3fms", c->tw - 2, (double)t / 1e3);
    ui_put(stdscr, y, r->x + 1 + c->fw + 1, c->tw, buf, dim);
    ui_put(stdscr, y, r->x + c->cx - 1, 1, a->scr.g.vline, dim);
}

/* each HTTP/2 stream's ids in the label ("s3") in that stream's colour: a
 * packet of several streams shows each of them (its arrow takes the first's) */
static void stream_ids(struct app *a, const char *label, int lw, int y, int x)
{
    for (size_t i = 0; label[i]; i++) {
        if (label[i] != 's' || (i && !strchr(" +(", label[i - 1])))
            continue;
        size_t e = i + 1;
        uint32_t id = 0;
        while (label[e] >= '0' && label[e] <= '9' && id < 100000000u)
            id = id * 10 + (uint32_t)(label[e++] - '0');
        if (e == i + 1 || !id || !strchr(": +)", label[e]) || !label[e])
            continue;
        char pre[320], tok[16];
        snprintf(pre, sizeof pre, "%.*s", (int)i, label);
        snprintf(tok, sizeof tok, "%.*s", (int)(e - i), label + i);
        int col = ui_width(pre), tw = ui_width(tok);
        if (col + tw <= lw)
            ui_put(stdscr, y, x + col, tw, tok, ui_stream_attr(&a->scr, id, UI_COLOR_NORMAL) | A_BOLD);
        i = e - 1;
    }
}

static void draw_row(struct app *a, const struct rect *r, const struct lcols *c, size_t k, int y,
                     const struct dec_stage *cur, size_t cursor, bool h2)
{
    const struct dec_record *d = a->det;
    const struct dec_pkt *p = &d->pkts[k];
    bool hl = cur && dec_stage_has_frame(cur, p->seg.frame);
    /* HTTP/2: a packet in the colour of its (first) stream, what is of no
     * stream (the handshakes, SETTINGS, acknowledgements) dimmed */
    enum ui_color side = p->seg.dir == TR_DIR_C2S ? UI_COLOR_CLIENT : UI_COLOR_SERVER;
    if (h2 && a->scr.color && a->scr.streams)
        side = UI_COLOR_DIM;
    int base = hl   ? ui_app_attr(a, UI_COLOR_HIGHLIGHT)
               : h2 ? ui_stream_attr(&a->scr, ui_pkt_stream(d, k, NULL), side)
                    : ui_app_attr(a, side);
    int dim = ui_app_attr(a, UI_COLOR_DIM);
    /* the cursor: a mark, and the frame number in the selection's colors */
    bool at = k == cursor && (a->focus == PANE_LADDER || a->ladder.picked);
    if (at)
        ui_put(stdscr, y, r->x, 1, a->scr.g.rarrow, ui_app_attr(a, UI_COLOR_FOCUS));
    draw_when(a, r, c, y, p->seg.frame, p->seg.ts, at ? ui_app_attr(a, UI_COLOR_SELECT) : dim);
    ui_put(stdscr, y, r->x + c->sx + 1, 1, a->scr.g.vline, dim);
    int aw = c->sx - c->cx + 1;
    for (int x = 0; x < aw; x++)
        ui_put(stdscr, y, r->x + c->cx + x, 1, a->scr.g.hline, base);
    if (p->seg.dir == TR_DIR_C2S)
        ui_put(stdscr, y, r->x + c->sx, 1, a->scr.g.rarrow, base);
    else
        ui_put(stdscr, y, r->x + c->cx, 1, a->scr.g.larrow, base);
    char label[320];
    bool tight = false;
    int lw = arrow_label(a, k, aw, aw >= 56, label, sizeof label, &tight);
    int room = tight ? aw - 2 : aw - 4;
    if (lw > room)
        lw = room;
    /* centred in the room, which starts after the head for server to client */
    int lx = c->cx + (aw - room) / 2 + (room - lw) / 2;
    if (tight)
        lx = p->seg.dir == TR_DIR_C2S ? c->cx + (room - lw + 1) / 2 : c->cx + 2 + (room - lw) / 2;
    if (lw > 0)
        ui_put(stdscr, y, r->x + lx, lw, label, base | A_BOLD);
    if (lw > 0 && h2 && !hl)
        stream_ids(a, label, lw, y, r->x + lx);
    /* notes on the arrow */
    const char *mark = p->seg.retransmission ? "R" : p->seg.out_of_order ? "O"
                       : (p->notes & (1u << DEC_NOTE_GAP)) ? "G"
                       : p->seg.caplen < p->seg.len ? "T" : "";
    if (*mark)
        ui_put(stdscr, y, r->x + r->w - 1, 1, mark, ui_app_attr(a, UI_COLOR_NOTE));
}

/* row i (0: the query, 1: the answer) of the lookup on its lane: from the
 * client's rail to the resolver's, which stands within the arrows' span */
static void draw_lookup_row(struct app *a, const struct rect *r, const struct lcols *c, int i,
                            int y)
{
    const struct dec_record *d = a->det;
    const struct dec_dns_line *l = lookup_of(d);
    bool hl = a->stage == 0;
    int base = hl ? ui_app_attr(a, UI_COLOR_HIGHLIGHT) : ui_app_attr(a, UI_COLOR_CLIENT);
    int dim = ui_app_attr(a, UI_COLOR_DIM);
    char buf[96], label[320], ip[TR_ADDRSTRLEN];
    draw_when(a, r, c, y, i ? l->response_frame : l->frame, i ? l->response_ts : l->ts, dim);
    /* the resolver's lane: its rail and its address, right of the arrow */
    int aw = c->sx - c->cx + 1;
    snprintf(buf, sizeof buf, _("DNS %s"), tr_addr_format(&l->server.addr, ip));
    int rw = ui_width(buf);
    if (rw > aw / 2 - 2) {  /* narrow: the address alone, or what fits of it */
        snprintf(buf, sizeof buf, "%s", ip);
        rw = ui_width(buf);
    }
    int rx = c->cx + aw - rw - 2;  /* the resolver's rail */
    if (rx < c->cx + aw / 2) {
        rx = c->cx + aw / 2;
        rw = aw - (rx - c->cx) - 2;
    }
    ui_put(stdscr, y, r->x + rx, 1, a->scr.g.vline, dim);
    if (rw > 0)
        ui_put(stdscr, y, r->x + rx + 2, rw, buf, dim);
    int len = rx - c->cx;
    for (int x = 0; x < len; x++)
        ui_put(stdscr, y, r->x + c->cx + x, 1, a->scr.g.hline, base);
    ui_put(stdscr, y, r->x + (i ? c->cx : rx - 1), 1, i ? a->scr.g.larrow : a->scr.g.rarrow, base);
    /* the widest label that fits: in words, the type and address, "DNS" */
    snprintf(label, sizeof label, " %s ", teach_lookup_arrow(l, i == 1, buf, sizeof buf));
    int lw = ui_width(label);
    const struct dec_dns_answer *ans = NULL;
    for (size_t k = 0; i && k < l->nanswers && !ans; k++)
        if (strcmp(l->answers[k].type, "A") == 0 || strcmp(l->answers[k].type, "AAAA") == 0)
            ans = &l->answers[k];
    if (lw > len - 2) {
        if (!i)
            snprintf(label, sizeof label, " %s? ", l->qtype);
        else if (ans)
            snprintf(label, sizeof label, " %s ", ans->data);
        else
            snprintf(label, sizeof label, " %s ", l->rcode);
        lw = ui_width(label);
    }
    if (lw > len - 2) {  /* without its margins */
        memmove(label, label + 1, strlen(label));
        label[strlen(label) - 1] = '\0';
        lw = ui_width(label);
    }
    if (lw > len - 2) {
        snprintf(label, sizeof label, "DNS");
        lw = ui_width(label);
    }
    if (lw > len - 2)
        lw = len - 2;
    if (lw > 0)
        ui_put(stdscr, y, r->x + c->cx + 1 + (len - 2 - lw) / 2, lw, label, base | A_BOLD);
}

/* --------------------------------------------------------------- pane -- */

/* the packet under the cursor: the one chosen, else the current stage's first */
static long cursor_index(const struct app *a)
{
    const struct dec_record *d = a->det;
    if (!d->npkts)
        return -1;
    if (a->ladder.cursor) {
        long i = dec_record_pkt_of(d, a->ladder.cursor);
        if (i >= 0)
            return i;
    }
    const struct dec_stage *cur = ui_stage(a);
    for (size_t f = 0; cur && f < cur->nframes; f++) {  /* its frames are sorted */
        long i = dec_record_pkt_of(d, cur->frames[f]);
        if (i >= 0)
            return i;
    }
    return 0;
}

/* the pane's title: the connection, as much of it as fits (the server's
 * port last to go) */
static void ladder_title(struct app *a, const struct rect *r)
{
    const struct dec_record *d = a->det;
    if (!a->det_conn) {
        ui_app_pane_title(a, r, PANE_LADDER, _("Packets"));
        return;
    }
    char ip1[TR_ADDRSTRLEN], ip2[TR_ADDRSTRLEN], t[320];
    tr_addr_format(&d->tc.client.addr, ip1);
    tr_addr_format(&d->tc.server.addr, ip2);
    const char *arrow = a->utf8 ? "\xe2\x87\x84" : "<->";
    bool v6 = d->tc.client.addr.family == 6;
    for (int form = 0; form < 4; form++) {
        char c[80], s[80];
        if (form <= 1)
            snprintf(c, sizeof c, v6 ? "[%s]:%u" : "%s:%u", ip1, d->tc.client.port);
        else
            snprintf(c, sizeof c, ":%u", d->tc.client.port);
        if (form <= 2)
            snprintf(s, sizeof s, v6 ? "[%s]:%u" : "%s:%u", ip2, d->tc.server.port);
        else
            snprintf(s, sizeof s, ":%u", d->tc.server.port);
        if (form == 0)
            snprintf(t, sizeof t, _("Packets %s client %s %s server %s"), a->scr.g.sep, c, arrow, s);
        else
            snprintf(t, sizeof t, _("Packets %s %s %s %s"), a->scr.g.sep, c, arrow, s);
        if (ui_width(t) <= r->w - 2)
            break;
    }
    ui_app_pane_title(a, r, PANE_LADDER, t);
}

static void draw_ladder(struct app *a, const struct rect *r)
{
    ui_app_clear(r);
    struct dec_record *d = a->det;
    ladder_title(a, r);
    int rows = r->h - 1;
    a->ladder.rows = rows;
    if (rows <= 0 || d->npkts == 0) {
        if (a->det_conn && !a->detp.done)
            ui_app_put(a, r, 1, 1, _("reading..."), ui_app_attr(a, UI_COLOR_DIM));
        return;
    }
    const struct dec_stage *cur = ui_stage(a);
    long cursor = cursor_index(a);
    /* follow the current stage: its first packet a third down the pane;
     * a cursor moved by hand stays in view */
    if (!a->ladder.s.manual && cursor >= 0) {
        int top = (int)cursor - rows / 3;
        a->ladder.s.top = top < 0 ? 0 : top;
    } else if (a->ladder.cursor && cursor >= 0 && a->ladder.s.top + rows <= cursor) {
        a->ladder.s.top = (int)cursor - rows + 1;
    } else if (a->ladder.cursor && cursor >= 0 && cursor < a->ladder.s.top) {
        a->ladder.s.top = (int)cursor;
    }
    if (a->ladder.s.top > (int)d->npkts - 1)
        a->ladder.s.top = (int)d->npkts - 1;
    if (a->ladder.s.top < 0)
        a->ladder.s.top = 0;
    a->ladder.first = a->ladder.s.top;
    struct lcols c = ladder_cols(d, r);
    int head = a->ladder.s.top == 0 ? lookup_rows(d) : 0;  /* step 0 first */
    for (int i = 0; i < head && i < rows; i++)
        draw_lookup_row(a, r, &c, i, r->y + 1 + i);
    bool h2 = ui_record_streams(d);
    for (int i = head; i < rows; i++) {
        size_t k = (size_t)a->ladder.s.top + (size_t)(i - head);
        if (k >= d->npkts)
            break;
        draw_row(a, r, &c, k, r->y + 1 + i, cur, (size_t)cursor, h2);
    }
}

/* move the cursor to packet k, keep it in view; the detail shown follows it */
static int move_cursor(struct app *a, long k)
{
    const struct dec_record *d = a->det;
    if (!d->npkts)
        return UI_HANDLED;
    if (k < 0)
        k = 0;
    if (k >= (long)d->npkts)
        k = (long)d->npkts - 1;
    a->ladder.cursor = d->pkts[k].seg.frame;
    if (a->ladder.picked)
        a->ladder.picked = a->ladder.cursor;
    int rows = a->ladder.rows > 0 ? a->ladder.rows : 1;
    struct scroll_state *s = &a->ladder.s;
    if (s->top == 0 && rows > lookup_rows(d) + 1)  /* step 0's rows take the top */
        rows -= lookup_rows(d);
    if (!s->manual) {
        /* from following the stage to the user's place: the top it had */
        s->manual = true;
    }
    if (k < s->top)
        s->top = (int)k;
    if (k >= s->top + rows)
        s->top = (int)k - rows + 1;
    return UI_HANDLED | UI_REDRAW;
}

/* show the detail of the packet under the cursor, or close it */
static int pick(struct app *a, long k)
{
    if (k < 0 || (size_t)k >= a->det->npkts)
        return UI_HANDLED;
    uint64_t f = a->det->pkts[k].seg.frame;
    a->ladder.cursor = f;
    a->ladder.picked = a->ladder.picked == f ? 0 : f;
    a->ladder.s.manual = true;
    a->explain.s.top = 0;
    a->explain.s.manual = false;
    return UI_HANDLED | UI_REDRAW;
}

/* Up, Down, pages, Home and End move the cursor; Enter shows its detail */
static int key_ladder(struct app *a, enum ui_action act)
{
    long k = cursor_index(a);
    int page = ui_app_page(a, PANE_LADDER);
    switch (act) {
    case UA_UP:
        return move_cursor(a, k - 1);
    case UA_DOWN:
        return move_cursor(a, k + 1);
    case UA_PGUP:
        return move_cursor(a, k - page);
    case UA_PGDN:
        return move_cursor(a, k + page);
    case UA_HOME:
        return move_cursor(a, 0);
    case UA_END:
        return move_cursor(a, (long)a->det->npkts - 1);
    case UA_OPEN:
        return pick(a, k);
    default:
        return 0;
    }
}

/* a click on a packet shows its detail; the wheel scrolls */
static int mouse_ladder(struct app *a, const struct rect *r, int y, int x, mmask_t b)
{
    (void)x;
    if (b & BUTTON4_PRESSED)
        return ui_scroll(&a->ladder.s, -3);
    if (b & BUTTON5_PRESSED)
        return ui_scroll(&a->ladder.s, 3);
    int row = y - r->y - 1;
    int head = a->ladder.first == 0 ? lookup_rows(a->det) : 0;
    if (row >= 0 && row < head) {  /* the lookup: step 0 */
        ui_set_stage(a, 0);
        return UI_HANDLED | UI_REDRAW;
    }
    row -= head;
    size_t k = (size_t)a->ladder.first + (size_t)row;
    if (row >= 0 && k < a->det->npkts) {
        a->ladder.picked = 0;
        return pick(a, (long)k);
    }
    return UI_HANDLED | UI_REDRAW;
}

/* a new stage: the cursor and the pane follow it again, the detail closes */
static void enter_ladder(struct app *a)
{
    a->ladder.s.manual = false;
    a->ladder.cursor = 0;
    a->ladder.picked = 0;
    if (a->stage < 0)
        a->ladder.s.top = 0;
}

const struct ui_view ui_view_ladder = {
    .name = N_("ladder"),
    .help = N_("the packets of the connection, between client and server: frame number, time "
               "since its first packet, flags, sequence:next and a(cknowledgement) numbers "
               "relative to each side's first, and the stages each carries (by name or number; "
               "s3: HTTP/2's stream 3). On an HTTP/2 connection each stream has its colour "
               "(magenta, cyan, yellow, blue, green, red for streams 1, 3, 5, 7, 9, 11, and again "
               "from 13; pushed streams 2, 4, 6 from blue), its id in its colour in the label; "
               "a packet carrying frames of several streams takes the first one's colour and names "
               "every stream in its label; what belongs to no stream (handshakes, SETTINGS, "
               "acknowledgements) is dimmed. Without colours (--mono, NO_COLOR) the ids tell the "
               "streams apart. "
               "Up and Down move a cursor on the packets; Enter or a click shows a packet's "
               "detail (Esc closes it)"),
    .draw = draw_ladder,
    .key = key_ladder,
    .mouse = mouse_ladder,
    .enter = enter_ladder,
};
