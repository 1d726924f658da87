/* view_list.c - the exchange list: one row per exchange, connections grouped */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* where each column starts on a row of the list, for the width it has;
 * the figures at the right go first when the width is short: decoded, then
 * time */
struct cols {
    bool wide;                  /* the endpoints column */
    int num, conn, ep, method, target, target_w;
    int status, status_w, body, decoded, time;  /* -1: not shown */
};

#define SIZE_W 9                /* "999.9 kB" and a space */
#define TIME_W 8

/* status_w: the widest status text of the index */
static struct cols columns(int w, int status_w)
{
    struct cols c = {.num = 1, .conn = 6, .ep = -1, .decoded = -1, .time = -1};
    /* wide: the endpoints, as wide as what is left allows (32 to 45) */
    int ep_w = w - 12 - 8 - 16 - (24 + 3 * SIZE_W + TIME_W) - 1;
    if (ep_w > 45)
        ep_w = 45;
    c.wide = ep_w >= 32;  /* "127.0.0.1:49376 → 127.0.0.1:80" */
    if (c.wide)
        c.ep = 12;
    c.method = c.wide ? 12 + ep_w + 1 : 12;
    c.target = c.method + 8;
    /* "no answer", and at most 24 columns */
    c.status_w = (status_w < 9 ? 9 : status_w > 24 ? 24 : status_w) + 1;
    /* short of room: a long status is cut first (to 17, "503 Service Tem…"),
     * then the decoded size goes, then the time, then the status to 12 */
    bool decoded = true, time = true;
    for (;;) {
        int tail = c.status_w + SIZE_W + (decoded ? SIZE_W : 0) + (time ? TIME_W : 0);
        c.target_w = w - c.target - tail - 1;
        if (c.target_w >= 10 || (!decoded && !time && c.status_w <= 12))
            break;
        if (c.status_w > 17)
            c.status_w = c.status_w - (10 - c.target_w) < 17 ? 17 : c.status_w - (10 - c.target_w);
        else if (decoded)
            decoded = false;
        else if (time)
            time = false;
        else
            c.status_w = 12;
    }
    c.status = c.target + (c.target_w > 0 ? c.target_w : 0) + 1;
    c.body = c.status + c.status_w;
    int x = c.body + SIZE_W;
    if (decoded) {
        c.decoded = x;
        x += SIZE_W;
    }
    if (time)
        c.time = x;
    return c;
}

/* the status as the wire said it, after any interim one: "100→201 Created" */
static void status_text(struct app *a, char *buf, size_t n, const struct ui_row *r)
{
    if (r->flags & XR_BARE) {
        snprintf(buf, n, "%s", "");
        return;
    }
    size_t len = 0;
    if (r->interim)
        len = (size_t)snprintf(buf, n, "%d%s", r->interim, a->utf8 ? "\xe2\x86\x92" : ">");
    if (len >= n)
        return;
    if (!(r->flags & XR_RSP))
        snprintf(buf + len, n - len, "%s", _("no answer"));
    else
        snprintf(buf + len, n - len, "%d%s%s", r->status, r->reason ? " " : "",
                 r->reason ? r->reason : "");
}

/* the heading of each column, at the place of its column */
static void draw_heading(struct app *a, const struct rect *r, const struct cols *c)
{
    const struct {
        int x;
        const char *text;
    } heads[] = {
        {c->num, "#"},          {c->conn, _("conn")},     {c->ep, _("client -> server")},
        {c->method, _("method")}, {c->target, _("target")}, {c->status, _("status")},
        {c->body, _("body")},   {c->decoded, _("decoded")}, {c->time, _("time")},
    };
    char head[512];
    size_t len = 0;
    int col = 1;  /* the title's text starts one column in */
    head[0] = '\0';
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
        if (heads[i].x < col || heads[i].x >= r->w - 1)
            continue;
        for (; col < heads[i].x && len + 1 < sizeof head; col++)
            head[len++] = ' ';
        len += (size_t)snprintf(head + len, sizeof head - len, "%s", heads[i].text);
        if (len >= sizeof head)
            break;
        col += ui_width(heads[i].text);
    }
    ui_app_pane_title(a, r, PANE_LIST, head);
}

/* a size, or "—" where there is none */
static void size_text(struct app *a, char *buf, size_t n, bool known, uint64_t v)
{
    if (known)
        ui_app_fmt_bytes(buf, n, v);
    else
        snprintf(buf, n, "%s", a->utf8 ? "\xe2\x80\x94" : "-");
}

static void draw_row(struct app *a, const struct rect *r, const struct cols *c, size_t pos, int y)
{
    struct ui_row *row = ui_app_row(a, pos);
    struct ui_crow *cn = ui_app_row_conn(a, row);
    bool sel = pos == a->sel;
    int base = sel ? ui_app_attr(a, UI_COLOR_SELECT) : ui_app_attr(a, UI_COLOR_NORMAL);
    int dim = sel ? base : ui_app_attr(a, UI_COLOR_DIM);
    move(y, r->x);
    for (int x = 0; x < r->w; x++)
        addch(' ' | (sel ? base : 0));
    bool first_of_conn = pos == 0 || ui_app_row(a, pos - 1)->conn != row->conn;
    char buf[512], ep1[64], ep2[64];
    snprintf(buf, sizeof buf, "%zu", pos + 1);
    ui_put(stdscr, y, r->x + c->num, 5, buf, base);
    /* every row names its connection; the first of a connection stands out */
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)cn->id);
    ui_put(stdscr, y, r->x + c->conn, 6, buf, first_of_conn ? base : dim);
    if (c->wide) {
        ui_app_fmt_endpoint(ep1, sizeof ep1, &cn->client);
        ui_app_fmt_endpoint(ep2, sizeof ep2, &cn->server);
        snprintf(buf, sizeof buf, "%s %s %s", ep1, a->utf8 ? "\xe2\x86\x92" : "->", ep2);
        ui_put(stdscr, y, r->x + c->ep, c->method - c->ep - 1, buf, dim);
    }
    ui_put(stdscr, y, r->x + c->method, 7, row->method, sel ? base : ui_app_attr(a, UI_COLOR_CLIENT));
    if (c->target_w > 0) {
        const char *t = row->target ? row->target
                        : (row->flags & XR_BARE)
                            ? (cn->tls ? _("(encrypted: TLS)") : _("(not HTTP)"))
                            : "";
        /* before the target: a lock (or "TLS") for an exchange decrypted
         * from TLS, the HTTP/2 stream ("s3", "s2 push") */
        char pre[48] = "", sid[32] = "";
        if (row->tls)
            snprintf(pre, sizeof pre, "%s ", a->utf8 ? "\xf0\x9f\x94\x92" : "TLS");
        if (row->stream)  /* in the stream's colour, as on the ladder */
            snprintf(sid, sizeof sid, row->pushed ? _("s%u push ") : "s%u ", row->stream);
        int lw = pre[0] ? ui_width(pre) : 0, sw = sid[0] ? ui_width(sid) : 0;
        int pw = lw + sw;
        if (pw >= c->target_w)
            pw = lw = sw = 0;
        if (lw)
            ui_put(stdscr, y, r->x + c->target, lw, pre, sel ? base : ui_app_attr(a, UI_COLOR_DIM));
        if (sw)
            ui_put(stdscr, y, r->x + c->target + lw, sw, sid,
                   sel ? base : ui_stream_attr(&a->scr, row->stream, UI_COLOR_DIM));
        ui_put(stdscr, y, r->x + c->target + pw, c->target_w - pw, t, base);
        if (ui_width(t) > c->target_w - pw)
            ui_put(stdscr, y, r->x + c->target + c->target_w - 1, 1, a->scr.g.ellipsis, base);
    }
    status_text(a, buf, sizeof buf, row);
    ui_put(stdscr, y, r->x + c->status, c->status_w - 1, buf, sel ? base : ui_status_attr(&a->scr, row->status));
    if (ui_width(buf) > c->status_w - 1)
        ui_put(stdscr, y, r->x + c->status + c->status_w - 2, 1, a->scr.g.ellipsis, base);
    if (row->flags & XR_BARE) {
        /* a connection without HTTP: how long it lasted */
        ui_app_fmt_dur(buf, sizeof buf, row->t_end >= row->t_start ? row->t_end - row->t_start : -1);
        if (c->time >= 0)
            ui_put(stdscr, y, r->x + c->time, TIME_W, buf, base);
        return;
    }
    bool rsp = row->flags & XR_RSP;
    size_text(a, buf, sizeof buf, rsp, row->wire_body);
    ui_put(stdscr, y, r->x + c->body, SIZE_W - 1, buf, base);
    if (c->decoded >= 0) {
        size_text(a, buf, sizeof buf, rsp && row->decoded >= 0, (uint64_t)row->decoded);
        ui_put(stdscr, y, r->x + c->decoded, SIZE_W - 1, buf, base);
    }
    if (c->time >= 0) {
        /* from the request to the last byte of the answer; none without one */
        if (rsp && row->t_end >= row->t_start)
            ui_app_fmt_dur(buf, sizeof buf, row->t_end - row->t_start);
        else
            snprintf(buf, sizeof buf, "%s", a->utf8 ? "\xe2\x80\x94" : "-");
        ui_put(stdscr, y, r->x + c->time, TIME_W, buf, base);
    }
}

/* what the list says while it has no row */
static void draw_empty(struct app *a, const struct rect *r)
{
    char m[512];
    if (a->live)
        ui_live_waiting(a, m, sizeof m);
    else
        snprintf(m, sizeof m, "%s",
                 a->main.done ? _("No HTTP in this capture: no request, response or TLS handshake "
                                  "was found. Try -p PORT for another server port, or a filter "
                                  "expression.")
                              : _("Reading the capture..."));
    ui_put_wrapped(stdscr, r->y + 1, r->x + 1, r->w - 2, r->h - 1, m, ui_app_attr(a, UI_COLOR_NOTE));
}

static void draw_list(struct app *a, const struct rect *r)
{
    ui_app_clear(r);
    struct cols c = columns(r->w, a->ix.status_w);
    draw_heading(a, r, &c);
    int rows = r->h - 1;
    if (rows <= 0)
        return;
    if (a->sel < a->list.top)
        a->list.top = a->sel;
    if (a->sel >= a->list.top + (size_t)rows)
        a->list.top = a->sel - (size_t)rows + 1;
    for (int i = 0; i < rows && a->list.top + (size_t)i < a->ix.norder; i++)
        draw_row(a, r, &c, a->list.top + (size_t)i, r->y + 1 + i);
    if (a->ix.norder == 0)
        draw_empty(a, r);
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
    .help = N_("the exchanges, grouped by connection: the status as the server wrote it (after "
               "any 1xx), the response body's bytes on the wire and once decoded (de-chunked, "
               "decompressed), and the time from the request to the answer's last byte"),
    .draw = draw_list,
    .key = key_list,
    .mouse = mouse_list,
};
