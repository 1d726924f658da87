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
    ui_app_clear(r);
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
    ui_app_pane_title(a, r, PANE_LIST, head);
    int rows = r->h - 1;
    if (rows <= 0)
        return;
    if (a->sel < a->list.top)
        a->list.top = a->sel;
    if (a->sel >= a->list.top + (size_t)rows)
        a->list.top = a->sel - (size_t)rows + 1;
    int stat_w = 22, size_w = 9, time_w = 9;
    int tail = stat_w + size_w + time_w;
    for (int i = 0; i < rows; i++) {
        size_t pos = a->list.top + (size_t)i;
        struct ui_row *row = ui_app_row(a, pos);
        if (!row)
            break;
        struct ui_crow *c = ui_app_row_conn(a, row);
        bool sel = pos == a->sel;
        int base = sel ? ui_app_attr(a, UI_COLOR_SELECT) : ui_app_attr(a, UI_COLOR_NORMAL);
        int y = r->y + 1 + i;
        move(y, r->x);
        for (int x = 0; x < r->w; x++)
            addch(' ' | (sel ? base : 0));
        bool first_of_conn = pos == 0 || ui_app_row(a, pos - 1)->conn != row->conn;
        char buf[512], ep1[64], ep2[64];
        snprintf(buf, sizeof buf, "%-4zu ", pos + 1);
        int x = 1 + ui_put(stdscr, y, r->x + 1, r->w - 1, buf, base);
        if (first_of_conn)
            snprintf(buf, sizeof buf, "%llu", (unsigned long long)c->id);
        else
            snprintf(buf, sizeof buf, "%s", a->scr.g.vline);
        ui_put(stdscr, y, r->x + x, 6, buf, sel ? base : ui_app_attr(a, UI_COLOR_DIM));
        x += 6;
        if (wide) {
            ui_app_fmt_endpoint(ep1, sizeof ep1, &c->client);
            ui_app_fmt_endpoint(ep2, sizeof ep2, &c->server);
            snprintf(buf, sizeof buf, "%s %s %s", ep1, a->utf8 ? "\xe2\x86\x92" : "->", ep2);
            ui_put(stdscr, y, r->x + x, 44, buf, sel ? base : ui_app_attr(a, UI_COLOR_DIM));
            x += 45;
        }
        snprintf(buf, sizeof buf, "%-8s", row->method);
        x += ui_put(stdscr, y, r->x + x, r->w - x, buf,
                     sel ? base : ui_app_attr(a, UI_COLOR_CLIENT));
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
            ui_app_fmt_bytes(buf, sizeof buf, row->body);
            ui_put(stdscr, y, r->x + x + stat_w, size_w - 1, buf, base);
        }
        ui_app_fmt_dur(buf, sizeof buf, row->t_end >= row->t_start ? row->t_end - row->t_start : -1);
        ui_put(stdscr, y, r->x + x + stat_w + size_w, time_w, buf, base);
    }
    if (a->ix.norder == 0) {
        const char *m = a->main.done ? _("No HTTP in this capture: no request, response or TLS "
                                         "handshake was found. Try -p PORT for another server "
                                         "port, or a filter expression.")
                                     : _("Reading the capture...");
        ui_put(stdscr, r->y + 1, r->x + 1, r->w - 2, m, ui_app_attr(a, UI_COLOR_NOTE));
    }
}

/* Up, Down, pages, Home and End move the selection */
static int key_list(struct app *a, enum ui_action act)
{
    size_t n = a->ix.norder, page = (size_t)ui_app_page(a, PANE_LIST);
    if (n == 0)
        return 0;
    size_t to = a->sel;
    switch (act) {
    case UA_UP:
        to = a->sel > 0 ? a->sel - 1 : 0;
        break;
    case UA_DOWN:
        to = a->sel + 1 < n ? a->sel + 1 : a->sel;
        break;
    case UA_PGUP:
        to = a->sel > page ? a->sel - page : 0;
        break;
    case UA_PGDN:
        to = a->sel + page < n ? a->sel + page : n - 1;
        break;
    case UA_HOME:
        to = 0;
        break;
    case UA_END:
        to = n - 1;
        break;
    default:
        return 0;
    }
    if (to != a->sel)
        ui_select_row(a, to, -1, false);
    return UI_HANDLED | UI_REDRAW;
}

static int mouse_list(struct app *a, const struct rect *r, int y, int x, mmask_t b)
{
    (void)x;
    if (b & BUTTON4_PRESSED)
        return key_list(a, UA_UP);
    if (b & BUTTON5_PRESSED)
        return key_list(a, UA_DOWN);
    int row = y - r->y - 1;
    if (row >= 0 && a->list.top + (size_t)row < a->ix.norder)
        ui_select_row(a, a->list.top + (size_t)row, -1, false);
    return UI_HANDLED | UI_REDRAW;
}

const struct ui_view ui_view_list = {
    .name = N_("list"),
    .help = N_("the exchanges, grouped by connection"),
    .draw = draw_list,
    .key = key_list,
    .mouse = mouse_list,
};
