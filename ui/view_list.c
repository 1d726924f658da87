/* view_list.c - the exchange list: one row per exchange, connections grouped */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* column headings padded by display width (CJK characters take two columns) */
static void pad_columns(char *out, size_t n, const char **texts, const int *widths, int count)
{
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < count; i++) {
        int w = ui_width(texts[i]);
        len += (size_t)snprintf(out + len, n > len ? n - len : 0, "%s", texts[i]);
        for (int k = w; k < widths[i] && len + 1 < n; k++)
            out[len++] = ' ';
        if (len < n)
            out[len] = '\0';
        if (len + 1 >= n)
            break;
    }
}

static void status_text(char *buf, size_t n, const struct ui_row *r)
{
    if (r->flags & XR_BARE)
        snprintf(buf, n, "%s", "");
    else if (!(r->flags & XR_RSP))
        snprintf(buf, n, "%s", _("no answer"));
    else {
        const char *reason = teach_status_reason(r->status);
        snprintf(buf, n, "%u %s", r->status, reason ? reason : "");
    }
}

static void draw_list(struct app *a, const struct rect *r)
{
    app_clear(r);
    bool wide = r->w >= 110;
    char head[512];
    const char *wide_cols[] = {"#", _("conn"), _("client -> server"), _("method"), _("target")};
    const int wide_w[] = {5, 6, 45, 8, 0};
    const char *narrow_cols[] = {"#", _("conn"), _("method"), _("target")};
    const int narrow_w[] = {5, 6, 8, 0};
    if (wide)
        pad_columns(head, sizeof head, wide_cols, wide_w, 5);
    else
        pad_columns(head, sizeof head, narrow_cols, narrow_w, 4);
    app_pane_title(a, r, PANE_LIST, head);
    int rows = r->h - 1;
    if (rows <= 0)
        return;
    if (a->sel < a->list_top)
        a->list_top = a->sel;
    if (a->sel >= a->list_top + (size_t)rows)
        a->list_top = a->sel - (size_t)rows + 1;
    int stat_w = 22, size_w = 9, time_w = 9;
    int tail = stat_w + size_w + time_w;
    for (int i = 0; i < rows; i++) {
        size_t pos = a->list_top + (size_t)i;
        struct ui_row *row = app_row(a, pos);
        if (!row)
            break;
        struct ui_crow *c = app_row_conn(a, row);
        bool sel = pos == a->sel;
        int base = sel ? app_attr(a, UI_COLOR_SELECT) : app_attr(a, UI_COLOR_NORMAL);
        int y = r->y + 1 + i;
        move(y, r->x);
        for (int x = 0; x < r->w; x++)
            addch(' ' | (sel ? base : 0));
        bool first_of_conn = pos == 0 || app_row(a, pos - 1)->conn != row->conn;
        char buf[512], ep1[64], ep2[64];
        snprintf(buf, sizeof buf, "%-4zu ", pos + 1);
        int x = 1 + ui_put(stdscr, y, r->x + 1, r->w - 1, buf, base);
        if (first_of_conn)
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->id);
        else
            snprintf(buf, sizeof buf, "%s", a->scr.g.vline);
        ui_put(stdscr, y, r->x + x, 6, buf, sel ? base : app_attr(a, UI_COLOR_DIM));
        x += 6;
        if (wide) {
            app_fmt_endpoint(ep1, sizeof ep1, &c->client);
            app_fmt_endpoint(ep2, sizeof ep2, &c->server);
            snprintf(buf, sizeof buf, "%s %s %s", ep1, a->utf8 ? "\xe2\x86\x92" : "->", ep2);
            ui_put(stdscr, y, r->x + x, 44, buf, sel ? base : app_attr(a, UI_COLOR_DIM));
            x += 45;
        }
        snprintf(buf, sizeof buf, "%-8s", row->method);
        x += ui_put(stdscr, y, r->x + x, r->w - x, buf,
                     sel ? base : app_attr(a, UI_COLOR_CLIENT));
        int tw = r->w - x - tail - 1;
        if (tw > 0) {
            const char *t = row->target ? row->target
                            : (row->flags & XR_BARE)
                                ? (c->tls ? _("(encrypted: TLS)") : _("(not HTTP)"))
                                : "";
            ui_put(stdscr, y, r->x + x, tw, t, base);
            if (ui_width(t) > tw)
                ui_put(stdscr, y, r->x + x + tw - 1, 1, a->scr.g.ellipsis, base);
        }
        x = r->w - tail;
        if (x < 0)
            continue;
        status_text(buf, sizeof buf, row);
        ui_put(stdscr, y, r->x + x, stat_w - 1, buf,
                sel ? base : ui_status_attr(&a->scr, row->status));
        if (!(row->flags & XR_BARE)) {
            app_fmt_bytes(buf, sizeof buf, row->body);
            ui_put(stdscr, y, r->x + x + stat_w, size_w - 1, buf, base);
        }
        app_fmt_dur(buf, sizeof buf, row->t_end >= row->t_start ? row->t_end - row->t_start : -1);
        ui_put(stdscr, y, r->x + x + stat_w + size_w, time_w, buf, base);
    }
    if (a->ix.norder == 0) {
        const char *m = a->main.done ? _("No HTTP in this capture: no request, response or TLS "
                                         "handshake was found. Try -p PORT for another server "
                                         "port, or a filter expression.")
                                     : _("Reading the capture...");
        ui_put(stdscr, r->y + 1, r->x + 1, r->w - 2, m, app_attr(a, UI_COLOR_NOTE));
    }
}

const struct ui_view ui_view_list = {"list", draw_list};
