/* view_explain.c - what the current stage is and why, word-wrapped */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void draw_explain(struct app *a, const struct rect *r)
{
    app_clear(r);
    char t[200];
    const struct dec_stage *s = a->stage >= 0 ? a->det->stgs[a->stage] : NULL;
    if (s)
        snprintf(t, sizeof t, _("Step %d %s %s"), dec_stage_step(s->kind), a->scr.g.sep,
                 teach_stage_title(s->kind));
    else
        snprintf(t, sizeof t, "%s", _("What happens here"));
    app_pane_title(a, r, PANE_EXPLAIN, t);
    tr_sb_reset(&a->text);
    if (s)
        teach_explain(a->det, a->stage, &a->text);
    else if (a->ix.norder == 0)
        tr_sb_str(&a->text, a->main.done ? _("This capture holds no HTTP exchange.")
                                      : _("Reading the capture..."));
    else
        tr_sb_str(&a->text, _("Reading this connection..."));
    int w = r->w - 2;
    if (w < 10)
        return;
    static const char *starts[4096];
    static size_t lens[4096];
    size_t n = ui_wrap(a->text.p ? a->text.p : "", w, starts, lens, 4096);
    int rows = r->h - 1;
    if (a->top[PANE_EXPLAIN] > (int)n - rows)
        a->top[PANE_EXPLAIN] = (int)n - rows;
    if (a->top[PANE_EXPLAIN] < 0)
        a->top[PANE_EXPLAIN] = 0;
    for (int i = 0; i < rows; i++) {
        size_t k = (size_t)a->top[PANE_EXPLAIN] + (size_t)i;
        if (k >= n)
            break;
        ui_putn(stdscr, r->y + 1 + i, r->x + 1, w, starts[k], lens[k], app_attr(a, UI_COLOR_NORMAL));
    }
    if ((size_t)a->top[PANE_EXPLAIN] + (size_t)rows < n)
        ui_put(stdscr, r->y + r->h - 1, r->x + r->w - 2, 1, a->scr.g.ellipsis, app_attr(a, UI_COLOR_DIM));
}

const struct ui_view ui_view_explain = {"explanation", draw_explain};
