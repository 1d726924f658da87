/* view_ladder.c - the ladder: one arrow per packet between client and server */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void flags_text(char *buf, size_t n, uint8_t f)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{TR_TCP_SYN, "SYN"}, {TR_TCP_FIN, "FIN"}, {TR_TCP_RST, "RST"},
                 {TR_TCP_PSH, "PSH"}, {TR_TCP_ACK, "ACK"}, {TR_TCP_URG, "URG"}};
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (f & names[i].bit) {
            size_t l = strlen(buf);
            snprintf(buf + l, n - l, "%s%s", l ? "," : "", names[i].name);
        }
}

static void draw_ladder(struct app *a, const struct rect *r)
{
    ui_app_clear(r);
    char t[256], ep1[64], ep2[64];
    struct dec_record *d = a->det;
    ui_app_fmt_endpoint(ep1, sizeof ep1, &d->tc.client);
    ui_app_fmt_endpoint(ep2, sizeof ep2, &d->tc.server);
    snprintf(t, sizeof t, _("Packets %s client %s %s server %s"), a->scr.g.sep, ep1,
             a->utf8 ? "\xe2\x87\x84" : "<->", ep2);
    ui_app_pane_title(a, r, PANE_LADDER, a->det_conn ? t : _("Packets"));
    int rows = r->h - 1;
    if (rows <= 0 || d->npkts == 0) {
        if (a->det_conn && !a->detp.done)
            ui_app_put(a, r, 1, 1, _("reading..."), ui_app_attr(a, UI_COLOR_DIM));
        return;
    }
    const struct dec_stage *cur = a->stage >= 0 ? d->stgs[a->stage] : NULL;
    /* follow the current stage: its first packet a third down the pane */
    if (!a->ladder.s.manual && cur) {
        for (size_t f = 0; f < cur->nframes; f++) {  /* its frames are sorted */
            long i = dec_record_pkt_of(d, cur->frames[f]);
            if (i >= 0) {
                int top = (int)i - rows / 3;
                a->ladder.s.top = top < 0 ? 0 : top;
                break;
            }
        }
    }
    if (a->ladder.s.top > (int)d->npkts - 1)
        a->ladder.s.top = (int)d->npkts - 1;
    if (a->ladder.s.top < 0)
        a->ladder.s.top = 0;
    a->ladder.first = a->ladder.s.top;
    int tw = 11;  /* "  12.345ms " */
    tr_time span = d->pkts[d->npkts - 1].seg.ts - d->tc.first_ts;
    int cx = tw + 1, sx = r->w - 3;
    bool detail = r->w >= 70;
    tr_time t0 = d->tc.first_ts;
    for (int i = 0; i < rows; i++) {
        size_t k = (size_t)a->ladder.s.top + (size_t)i;
        if (k >= d->npkts)
            break;
        const struct dec_pkt *p = &d->pkts[k];
        int y = r->y + 1 + i;
        bool hl = cur && dec_stage_has_frame(cur, p->seg.frame);
        int base = hl ? ui_app_attr(a, UI_COLOR_HIGHLIGHT)
                      : ui_app_attr(a, p->seg.dir == TR_DIR_C2S ? UI_COLOR_CLIENT : UI_COLOR_SERVER);
        char buf[256];
        /* time since the connection's first packet, in ms on a fast network */
        if (span < 10000000)
            snprintf(buf, sizeof buf, "%8.3fms", (double)(p->seg.ts - t0) / 1e3);
        else
            snprintf(buf, sizeof buf, "%9.3fs", (double)(p->seg.ts - t0) / 1e6);
        ui_put(stdscr, y, r->x, tw, buf, ui_app_attr(a, UI_COLOR_DIM));
        ui_put(stdscr, y, r->x + cx - 1, 1, a->scr.g.vline, ui_app_attr(a, UI_COLOR_DIM));
        ui_put(stdscr, y, r->x + sx + 1, 1, a->scr.g.vline, ui_app_attr(a, UI_COLOR_DIM));
        int aw = sx - cx + 1;
        /* the arrow */
        for (int x = 0; x < aw; x++)
            ui_put(stdscr, y, r->x + cx + x, 1, a->scr.g.hline, base);
        if (p->seg.dir == TR_DIR_C2S)
            ui_put(stdscr, y, r->x + sx, 1, a->scr.g.rarrow, base);
        else
            ui_put(stdscr, y, r->x + cx, 1, a->scr.g.larrow, base);
        /* the label: flags, length, what it carries */
        char fl[48], label[200];
        flags_text(fl, sizeof fl, p->seg.flags);
        bool carries = p->stage >= 0 && p->seg.len;
        enum dec_stage_kind kind = carries ? d->stgs[p->stage]->kind : DEC_STAGE_HANDSHAKE;
        const char *what = carries ? teach_stage_title(kind) : "";
        const char *brief = carries ? teach_stage_brief(kind) : "";
        /* the most that fits on the arrow, two columns clear of each end,
         * or for a tight label (no spaces around it) clear of the head
         * only: with seq and ack (wide panes), the stage's name, its short
         * name, the length alone, the flags alone */
        enum { L_SEQ, L_NAME, L_BRIEF, L_TIGHT, L_LEN, L_FLAGS };
        int lw = 0, room = aw - 4;
        bool tight = false;
        for (int form = detail ? L_SEQ : L_NAME; form <= L_FLAGS; form++) {
            if (!p->seg.len && form != L_SEQ && form != L_FLAGS)
                continue;
            if (form == L_SEQ)
                snprintf(label, sizeof label, " %s seq=%u ack=%u len=%u %s%s", fl, p->seg.rel_seq,
                         p->seg.rel_ack, p->seg.len, what, *what ? " " : "");
            else if (form == L_NAME || form == L_BRIEF)
                snprintf(label, sizeof label, " %s %u %s ", fl, p->seg.len, form == L_NAME ? what : brief);
            else if (form == L_TIGHT)
                snprintf(label, sizeof label, "%s %u %s", fl, p->seg.len, brief);
            else if (form == L_LEN)
                snprintf(label, sizeof label, " %s %u ", fl, p->seg.len);
            else
                snprintf(label, sizeof label, " %s ", fl);
            tight = form == L_TIGHT;
            room = tight ? aw - 2 : aw - 4;
            lw = ui_width(label);
            if (lw <= room)
                break;
        }
        if (lw > room)
            lw = room;
        /* centred in the room, which starts after the head for server to client */
        int lx = cx + (aw - room) / 2 + (room - lw) / 2;
        if (tight)
            lx = p->seg.dir == TR_DIR_C2S ? cx + (room - lw + 1) / 2 : cx + 2 + (room - lw) / 2;
        if (lw > 0)
            ui_put(stdscr, y, r->x + lx, lw, label, base | A_BOLD);
        /* notes on the arrow */
        const char *mark = p->seg.retransmission ? "R" : p->seg.out_of_order ? "O"
                           : (p->notes & (1u << DEC_NOTE_GAP)) ? "G"
                           : p->seg.caplen < p->seg.len ? "T" : "";
        if (*mark)
            ui_put(stdscr, y, r->x + r->w - 1, 1, mark, ui_app_attr(a, UI_COLOR_NOTE));
    }
}

static int key_ladder(struct app *a, enum ui_action act)
{
    return ui_scroll_key(a, PANE_LADDER, &a->ladder.s, act,
                         (int)a->det->npkts - ui_app_page(a, PANE_LADDER));
}

/* a click on a packet goes to the stage it carries; the wheel scrolls */
static int mouse_ladder(struct app *a, const struct rect *r, int y, int x, mmask_t b)
{
    (void)x;
    if (b & BUTTON4_PRESSED)
        return ui_scroll(&a->ladder.s, -3);
    if (b & BUTTON5_PRESSED)
        return ui_scroll(&a->ladder.s, 3);
    int row = y - r->y - 1;
    size_t k = (size_t)a->ladder.first + (size_t)row;
    if (row >= 0 && k < a->det->npkts && a->det->pkts[k].stage >= 0) {
        ui_set_stage(a, a->det->pkts[k].stage);
        a->ladder.s.manual = true;
    }
    return UI_HANDLED | UI_REDRAW;
}

/* a new stage: follow it again */
static void enter_ladder(struct app *a)
{
    a->ladder.s.manual = false;
    if (a->stage < 0)
        a->ladder.s.top = 0;
}

const struct ui_view ui_view_ladder = {
    .name = N_("ladder"),
    .help = N_("the packets of the connection, between client and server"),
    .draw = draw_ladder,
    .key = key_ladder,
    .mouse = mouse_ladder,
    .enter = enter_ladder,
};
