/* view_explain.c - what the current stage is and why, word-wrapped; the
 * text is built once when the stage is entered (teach/) */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* the text of the current stage, built again only when the stage or its
 * record changed (the record grows while loading, and live) */
static void build(struct app *a)
{
    struct explain_state *e = &a->explain;
    const struct dec_record *d = a->det;
    if (e->rec == d && e->stage == a->stage && e->version == d->version && e->text.p)
        return;
    e->rec = d;
    e->stage = a->stage;
    e->version = d->version;
    tr_sb_reset(&e->text);
    if (ui_stage(a))
        teach_explain(d, a->stage, &e->text);
    else if (a->ix.norder == 0)
        tr_sb_str(&e->text, a->main.done ? _("This capture holds no HTTP exchange.")
                                         : _("Reading the capture..."));
    else
        tr_sb_str(&e->text, _("Reading this connection..."));
}

static void draw_explain(struct app *a, const struct rect *r)
{
    ui_app_clear(r);
    char t[200];
    const struct dec_stage *s = ui_stage(a);
    if (s)
        snprintf(t, sizeof t, _("Step %d %s %s"), dec_stage_step(s->kind), a->scr.g.sep,
                 teach_stage_title(s->kind));
    else
        snprintf(t, sizeof t, "%s", _("What happens here"));
    ui_app_pane_title(a, r, PANE_EXPLAIN, t);
    build(a);
    int w = r->w - 2;
    if (w < 10)
        return;
    static const char *starts[4096];
    static size_t lens[4096];
    struct explain_state *e = &a->explain;
    size_t n = ui_wrap(e->text.p ? e->text.p : "", w, starts, lens, 4096);
    int rows = r->h - 1;
    if (e->s.top > (int)n - rows)
        e->s.top = (int)n - rows;
    if (e->s.top < 0)
        e->s.top = 0;
    for (int i = 0; i < rows; i++) {
        size_t k = (size_t)e->s.top + (size_t)i;
        if (k >= n)
            break;
        ui_putn(stdscr, r->y + 1 + i, r->x + 1, w, starts[k], lens[k], ui_app_attr(a, UI_COLOR_NORMAL));
    }
    if ((size_t)e->s.top + (size_t)rows < n)
        ui_put(stdscr, r->y + r->h - 1, r->x + r->w - 2, 1, a->scr.g.ellipsis,
               ui_app_attr(a, UI_COLOR_DIM));
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
    .help = N_("what the current stage is and why, with this exchange's values"),
    .draw = draw_explain,
    .key = key_explain,
    .mouse = mouse_explain,
    .enter = enter_explain,
};
