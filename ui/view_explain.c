/* view_explain.c - what the current stage is and why, word-wrapped; the
 * text is built once when the stage is entered (teach/); or the detail of
 * the packet picked on the ladder */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#define WRAP_MAX 4096   /* lines of a text wrapped */

/* Step 0: the lookups of the same client before this one that gave no
 * address (a mistyped name: NXDOMAIN), which no connection follows and so
 * no connection's walk shows: the first told whole, the others in a line */
static void failed_lookups(const struct app *a, const struct dec_dns_line *l, struct tr_sbuf *out)
{
    bool first = true;
    for (size_t i = 0; i < a->ix.nlookups; i++) {
        const struct dec_dns_line *f = a->ix.lookups[i];
        if (f->frame >= l->frame || !tr_addr_equal(&f->client.addr, &l->client.addr) ||
            (f->answered && strcmp(f->rcode, "NOERROR") == 0))
            continue;
        tr_sb_str(out, "\n\n");
        if (first) {
            tr_sb_str(out, _("Before this lookup, the same client asked for a name that gave it no "
                             "address:"));
            tr_sb_str(out, "\n\n");
            teach_explain_lookup(f, NULL, out);
            first = false;
        } else {
            teach_lookup_summary(f, out);
            tr_sb_str(out, ".");
        }
    }
}

/* the text of the current stage (or packet), built again only when the
 * stage, the packet or its record changed (the record grows while loading,
 * and live) */
static void build(struct app *a)
{
    struct explain_state *e = &a->explain;
    const struct dec_record *d = a->det;
    if (e->rec == d && e->stage == a->stage && e->picked == a->ladder.picked &&
        e->version == d->version && e->text.p)
        return;
    e->rec = d;
    e->stage = a->stage;
    e->picked = a->ladder.picked;
    e->version = d->version;
    tr_sb_reset(&e->text);
    long k = e->picked ? dec_record_pkt_of(d, e->picked) : -1;
    if (k >= 0)
        ui_packet_detail(d, (size_t)k, &e->text);
    else if (ui_stage(a)) {
        teach_explain(d, a->stage, &e->text);
        if (ui_stage(a)->kind == DEC_STAGE_DNS_LOOKUP)
            failed_lookups(a, ui_stage(a)->dns, &e->text);
    }
    else if (a->ix.norder == 0 && a->live)
        tr_sb_str(&e->text, _("Nothing to explain yet: no HTTP has come."));
    else if (a->ix.norder == 0 && a->main.done && a->ix.nlookups) {
        /* DNS lookups and nothing after them: an NXDOMAIN, say */
        tr_sb_str(&e->text, _("This capture holds no HTTP exchange, only DNS lookups:"));
        for (size_t i = 0; i < a->ix.nlookups; i++) {
            tr_sb_str(&e->text, "\n\n");
            teach_explain_lookup(a->ix.lookups[i], NULL, &e->text);
        }
    } else if (a->ix.norder == 0)
        tr_sb_str(&e->text, a->main.done ? _("This capture holds no HTTP exchange.")
                                         : _("Reading the capture..."));
    else
        tr_sb_str(&e->text, _("Reading this connection..."));
    if (!e->text.p)
        tr_sb_str(&e->text, "");
}

/* the pane's title: the stage's number and label, or the packet's frame */
static void title(struct app *a, char *t, size_t n)
{
    const struct dec_stage *s = ui_stage(a);
    long k = a->ladder.picked ? dec_record_pkt_of(a->det, a->ladder.picked) : -1;
    if (k >= 0) {
        const struct tr_seg *g = &a->det->pkts[k].seg;
        snprintf(t, n, _("Frame %llu %s %s %s Esc closes"), (unsigned long long)g->frame, a->scr.g.sep,
                 g->dir == TR_DIR_C2S ? _("client to server") : _("server to client"), a->scr.g.sep);
    } else if (s) {
        char label[160], stream[32] = "";
        teach_stage_label(s, false, label, sizeof label);
        if (s->stream)  /* an HTTP/2 stage: its stream */
            snprintf(stream, sizeof stream, _(" %s stream %u"), a->scr.g.sep, s->stream);
        if (dec_stage_step(s->kind) >= 0)  /* step 0: the lookup */
            snprintf(t, n, _("Step %s %s %s"), teach_stage_number(s->kind), a->scr.g.sep, label);
        else  /* encrypted bytes: no step */
            snprintf(t, n, "%s", label);
        size_t len = strlen(t);
        snprintf(t + len, n - len, "%s", stream);
    } else {
        snprintf(t, n, "%s", _("What happens here"));
    }
}

/* the search's matches on a line, drawn again in the selection's colors */
static void mark_matches(struct app *a, int y, int x, int w, const char *line, size_t len)
{
    size_t q = strlen(a->query);
    if (!a->hl_search || !q)
        return;
    for (size_t i = 0; i + q <= len; i++) {
        if (strncasecmp(line + i, a->query, q) != 0)
            continue;
        char before[1024];
        size_t b = i < sizeof before - 1 ? i : sizeof before - 1;
        memcpy(before, line, b);
        before[b] = '\0';
        int col = ui_width(before);
        if (col < w)
            ui_putn(stdscr, y, x + col, w - col, line + i, q, ui_app_attr(a, UI_COLOR_SELECT));
        i += q - 1;
    }
}

static void draw_explain(struct app *a, const struct rect *r)
{
    ui_app_clear(r);
    char t[256];
    title(a, t, sizeof t);
    ui_app_pane_title(a, r, PANE_EXPLAIN, t);
    build(a);
    int w = r->w - 2;
    if (w < 10)
        return;
    static const char *starts[WRAP_MAX];
    static size_t lens[WRAP_MAX];
    struct explain_state *e = &a->explain;
    size_t n = ui_wrap(e->text.p ? e->text.p : "", w, starts, lens, WRAP_MAX);
    int rows = r->h - 1;
    if (e->s.top > (int)n - rows)
        e->s.top = (int)n - rows;
    if (e->s.top < 0)
        e->s.top = 0;
    e->lines = (int)n;
    e->rows = rows;
    e->page_cols = 0;
    for (int i = 0; i < rows; i++) {
        size_t k = (size_t)e->s.top + (size_t)i;
        if (k >= n)
            break;
        e->page_cols += ui_putn(stdscr, r->y + 1 + i, r->x + 1, w, starts[k], lens[k],
                                ui_app_attr(a, UI_COLOR_NORMAL));
        mark_matches(a, r->y + 1 + i, r->x + 1, w, starts[k], lens[k]);
    }
    if ((size_t)e->s.top + (size_t)rows < n)
        ui_put(stdscr, r->y + r->h - 1, r->x + r->w - 2, 1, a->scr.g.ellipsis,
               ui_app_attr(a, UI_COLOR_DIM));
}

/* the lines the text takes at width w (for the layout) */
int ui_explain_lines(struct app *a, int w)
{
    static const char *starts[WRAP_MAX];
    static size_t lens[WRAP_MAX];
    build(a);
    return (int)ui_wrap(a->explain.text.p ? a->explain.text.p : "", w - 2 > 10 ? w - 2 : 10, starts,
                        lens, WRAP_MAX);
}

static int key_explain(struct app *a, enum ui_action act)
{
    return ui_scroll_key(a, PANE_EXPLAIN, &a->explain.s, act, 1 << 20);
}

static int mouse_explain(struct app *a, const struct rect *r, int y, int x, mmask_t b)
{
    (void)r;
    (void)y;
    (void)x;
    if (b & BUTTON4_PRESSED)
        return ui_scroll(&a->explain.s, -3);
    if (b & BUTTON5_PRESSED)
        return ui_scroll(&a->explain.s, 3);
    return UI_HANDLED | UI_REDRAW;
}

/* a new stage: its text from the top, built now */
static void enter_explain(struct app *a)
{
    a->explain.s.top = 0;
    a->explain.s.manual = false;
    build(a);
}

const struct ui_view ui_view_explain = {
    .name = N_("explanation"),
    .help = N_("what the current stage is and why, with this exchange's values; or the detail of "
               "the packet chosen on the ladder"),
    .draw = draw_explain,
    .key = key_explain,
    .mouse = mouse_explain,
    .enter = enter_explain,
};
