/* view_bars.c - the one-line bars: title, the seven steps, timing, status,
 * the keys; the help screen; the keys of the search line and of the help */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"
#include "keys.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* the capture's quality: only what is wrong with it, or that nothing is */
static const char *quality(struct app *a, char *buf, size_t n)
{
    struct ui_index *ix = &a->ix;
    const struct {
        uint64_t count;
        const char *one, *many;
    } parts[] = {
        {ix->truncated, NP_("%llu frame cut by the snaplen", "%llu frames cut by the snaplen")},
        {ix->gaps, NP_("%llu gap", "%llu gaps")},
        {ix->no_handshake,
         NP_("%llu connection without its handshake", "%llu connections without their handshake")},
        {ix->retrans, NP_("%llu retransmission", "%llu retransmissions")},
        {ix->out_of_order, NP_("%llu segment out of order", "%llu segments out of order")},
    };
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].count || len + 2 >= n)
            continue;
        if (len)
            len += (size_t)snprintf(buf + len, n - len, ", ");
        len += (size_t)snprintf(buf + len, n > len ? n - len : 0,
                                ngettext(parts[i].one, parts[i].many, parts[i].count),
                                (unsigned long long)parts[i].count);
    }
    if (!len)
        snprintf(buf, n, "%s", _("capture complete"));
    return buf;
}

/* Stage j of k in the walk of the current stage's exchange. A stage of the
 * connection (the handshake, the close) is part of the walk of the exchange
 * before it, else of the first one; one pass over the stages. */
static void walk_position(const struct app *a, int *j, int *k)
{
    const struct dec_stage *const *g = a->det->stgs;
    int n = ui_stage_count(a);
    int64_t first = -1;
    for (int i = 0; i < n && first < 0; i++)
        first = g[i]->exchange;
    int64_t last = -1, x = -1;
    for (int pass = 0; pass < 2; pass++) {
        last = first;
        for (int i = 0; i < n; i++) {
            if (g[i]->exchange >= 0)
                last = g[i]->exchange;
            if (pass == 0 && i == a->stage)
                x = last;
            if (pass == 1 && last == x) {
                ++*k;
                if (i <= a->stage)
                    ++*j;
            }
        }
    }
}

/* the source, shortened from the left to fit w columns ("…/samples/01-x.pcap") */
static void fit_left(struct app *a, char *out, size_t n, const char *src, int w)
{
    const char *p = src;
    int ew = ui_width(a->scr.g.ellipsis);
    if (ui_width(src) <= w || w <= ew) {
        snprintf(out, n, "%s", ui_width(src) <= w ? src : "");
        return;
    }
    while (*p && ui_width(p) > w - ew) {
        p++;
        while (((unsigned char)*p & 0xc0) == 0x80)
            p++;
    }
    snprintf(out, n, "%s%s", a->scr.g.ellipsis, p);
}

void ui_bar_title(struct app *a)
{
    const struct rect *r = &a->r_title;
    int at = ui_app_attr(a, UI_COLOR_TITLE);
    move(r->y, 0);
    for (int x = 0; x < r->w; x++)
        addch(' ' | at);
    char right[160] = "";
    if (!a->main.done && a->file_size > 0 && a->main.pipe) {
        uint64_t frames, bytes;
        tr_capture_counts(dec_pipeline_capture(a->main.pipe), &frames, &bytes);
        int pct = (int)(bytes * 100 / (uint64_t)a->file_size);
        snprintf(right, sizeof right, _("loading %d%% "), pct > 99 ? 99 : pct);
    }
    size_t rl = strlen(right);
    if (a->ix.norder)
        snprintf(right + rl, sizeof right - rl, _("exchange %zu/%zu"), a->sel + 1, a->ix.norder);
    rl = strlen(right);
    if (a->stage >= 0) {
        int j = 0, k = 0;
        walk_position(a, &j, &k);
        snprintf(right + rl, sizeof right - rl, _(" %s stage %d/%d "), a->scr.g.sep, j, k);
    }
    int rw = ui_width(right);
    /* the counter stays whole: the source gives way, from its left */
    char buf[512], live[128], src[400];
    const char *what = a->source;
    if (a->live || !what) {
        snprintf(live, sizeof live, _("interface %s"), a->o->iface ? a->o->iface : "-");
        what = live;
    }
    snprintf(buf, sizeof buf, " httpstep %s ", a->scr.g.sep);
    int used = ui_put(stdscr, 0, 0, r->w, buf, at);
    fit_left(a, src, sizeof src, what, r->w - used - rw - 2);
    used += ui_put(stdscr, 0, used, r->w - used, src, at);
    if (rw < r->w - used - 1)
        ui_put(stdscr, 0, r->w - rw - 1, rw + 1, right, at);
}

static int current_step(const struct app *a)
{
    if (a->stage < 0 || a->stage >= ui_stage_count(a))
        return 0;
    return dec_stage_step(a->det->stgs[a->stage]->kind);
}

/* what the current exchange holds beyond the usual: a request body, an
 * interim (1xx) response (its status, 0 none) */
static void exchange_extras(const struct app *a, bool *req_body, int *interim)
{
    *req_body = false;
    *interim = 0;
    int64_t x = ui_stage_exchange(a, a->stage);
    if (x < 0) {
        /* the handshake or the close: the exchange the walk shows them with */
        struct ui_row *r = ui_app_row((struct app *)a, a->sel);
        if (!r || (r->flags & XR_BARE))
            return;
        x = r->index;
    }
    for (int k = 0; k < ui_stage_count(a); k++) {
        const struct dec_stage *g = a->det->stgs[k];
        if (g->exchange != x)
            continue;
        if (g->kind == DEC_STAGE_REQUEST_BODY)
            *req_body = true;
        else if (g->kind == DEC_STAGE_STATUS_LINE && dec_stage_interim(g) && !*interim)
            *interim = g->msg->status;
    }
}

/* a step's label for this exchange: step 3 says it holds a request body,
 * step 4 an interim response before the status */
static void step_label(const struct app *a, int s, bool brief, bool req_body, int interim, char *buf,
                       size_t n)
{
    /* step 1's later parts: the TLS handshake (1b-1d), HTTP/2's setup (1e, 1f) */
    enum dec_stage_kind k = a->stage >= 0 && a->stage < ui_stage_count(a)
                                ? a->det->stgs[a->stage]->kind
                                : DEC_STAGE_COUNT;
    bool tls = k == DEC_STAGE_TLS_CLIENT_HELLO || k == DEC_STAGE_TLS_SERVER_HELLO ||
               k == DEC_STAGE_TLS_CLIENT_FINISHED;
    bool h2 = k == DEC_STAGE_H2_PREFACE || k == DEC_STAGE_H2_SETTINGS;
    if (s == 1 && tls)
        snprintf(buf, n, "%s", brief ? _("TLS") : _("TLS handshake"));
    else if (s == 1 && h2)
        snprintf(buf, n, "%s", brief ? _("HTTP/2") : _("HTTP/2 setup"));
    else if (s == 3 && req_body)
        snprintf(buf, n, "%s", brief ? _("Hdr+body") : _("Headers + body"));
    else if (s == 4 && interim)
        snprintf(buf, n, brief ? _("%d+Status") : _("%d + Status"), interim);
    else
        snprintf(buf, n, "%s", teach_step_label(s, brief));
}

void ui_bar_steps(struct app *a)
{
    const struct rect *r = &a->r_steps;
    ui_app_clear(r);
    int cur = current_step(a);
    /* the current step by the current stage's number: "3b" */
    const char *cur_num = cur ? teach_stage_number(a->det->stgs[a->stage]->kind) : "";
    bool req_body;
    int interim;
    exchange_extras(a, &req_body, &interim);
    /* the widest form that fits: full labels, short ones, tighter separators, numbers */
    bool brief = false;
    const char *sep = a->scr.g.step_sep;
    bool numbers = false;
    char label[96];
    for (int form = 0; form < 4; form++) {
        brief = form >= 1;
        sep = form >= 2 ? " " : a->scr.g.step_sep;
        numbers = form == 3;
        int total = 0;
        for (int s = 1; s <= 7; s++) {
            step_label(a, s, brief, req_body, interim, label, sizeof label);
            int nw = s == cur ? ui_width(cur_num) : 1;
            total += (numbers ? nw : nw + 1 + ui_width(label)) + (s < 7 ? ui_width(sep) : 0);
        }
        if (total <= r->w - 2)
            break;
    }
    int x = r->x + 1;
    for (int s = 1; s <= 7; s++) {
        char buf[128], num[8];
        snprintf(num, sizeof num, "%s", s == cur ? cur_num : "");
        if (!num[0])
            snprintf(num, sizeof num, "%d", s);
        step_label(a, s, brief, req_body, interim, label, sizeof label);
        if (numbers)
            snprintf(buf, sizeof buf, "%s", num);
        else
            snprintf(buf, sizeof buf, "%s %s", num, label);
        int at = s == cur ? ui_app_attr(a, UI_COLOR_CURRENT)
                 : cur && s < cur ? ui_app_attr(a, UI_COLOR_DONE)
                                  : ui_app_attr(a, UI_COLOR_PENDING);
        a->step_x[s] = x;
        x += ui_put(stdscr, r->y, x, r->x + r->w - x, buf, at);
        if (s < 7)
            x += ui_put(stdscr, r->y, x, r->x + r->w - x, sep, ui_app_attr(a, UI_COLOR_DIM));
    }
    a->step_x[0] = x;
}

struct part {
    const char *name;
    int64_t from, to;
    enum ui_color color;
};

void ui_bar_timing(struct app *a)
{
    const struct rect *r = &a->r_timing;
    ui_app_clear(r);
    int64_t x = ui_stage_exchange(a, a->stage);
    struct dec_record *d = a->det;
    const struct dec_exchange *xd = a->stage >= 0 ? dec_record_x(d, x) : NULL;
    if (!xd) {
        if (a->stage >= 0 && d->stgs[a->stage]->kind == DEC_STAGE_HANDSHAKE && d->tc.handshake_done) {
            char b[64], line[160];
            ui_app_fmt_dur(b, sizeof b, d->tc.hs_ts[2] - d->tc.hs_ts[0]);
            snprintf(line, sizeof line, _("Timing: the handshake took %s (one round trip)"), b);
            ui_app_put(a, r, 0, 1, line, ui_app_attr(a, UI_COLOR_DIM));
        }
        return;
    }
    struct part seg[6];
    int n = 0;
    if (x == 0 && d->tc.handshake_done)
        seg[n++] = (struct part){_("handshake"), d->tc.hs_ts[0], d->tc.hs_ts[2], UI_COLOR_DIM};
    const struct dec_msg *q = xd->request, *rs = xd->response;
    if (q)
        seg[n++] = (struct part){_("request"), q->ts_first, q->ts_last, UI_COLOR_CLIENT};
    if (q && rs)
        seg[n++] = (struct part){_("wait"), q->ts_last, rs->ts_first, UI_COLOR_NOTE};
    if (rs)
        seg[n++] = (struct part){_("transfer"), rs->ts_first, rs->ts_last, UI_COLOR_SERVER};
    int64_t end = rs ? rs->ts_last : q ? q->ts_last : 0;
    int64_t next = 0;
    const struct dec_exchange *xn = dec_record_x(d, x + 1);
    if (xn && xn->request)
        next = xn->request->ts_first;
    else if (d->tc.close_how != TR_CLOSE_NONE && d->tc.close_how != TR_CLOSE_END && d->tc.close_ts)
        next = d->tc.close_ts;
    if (next > end)
        seg[n++] = (struct part){xn ? _("idle") : _("to close"), end, next,
                                    UI_COLOR_DIM};
    int64_t total = 0;
    for (int i = 0; i < n; i++)
        total += seg[i].to > seg[i].from ? seg[i].to - seg[i].from : 0;
    int col = ui_put(stdscr, r->y, r->x + 1, r->w, _("Timing "), ui_app_attr(a, UI_COLOR_TITLE)) + 2;
    /* the legend first, each part in its color; then the bar in what is left */
    char legend[6][96];
    int lw = 0;
    for (int i = 0; i < n; i++) {
        char b[48];
        ui_app_fmt_dur(b, sizeof b, seg[i].to - seg[i].from);
        snprintf(legend[i], sizeof legend[i], "%s %s", seg[i].name, b);
        lw += ui_width(legend[i]) + 3;
    }
    int barw = r->w - col - lw - 2;
    if (barw > r->w / 3)
        barw = r->w / 3;
    if (barw >= n && total > 0) {
        /* each part's share of the time, at least one column */
        for (int i = 0; i < n; i++) {
            int64_t dur = seg[i].to > seg[i].from ? seg[i].to - seg[i].from : 0;
            int cw = (int)(dur * (barw - n) / total) + 1;
            for (int k = 0; k < cw && col < r->w; k++, col++)
                ui_put(stdscr, r->y, r->x + col, 1, a->scr.g.block, ui_app_attr(a, seg[i].color));
        }
        col++;
    }
    for (int i = 0; i < n && col < r->w; i++) {
        ui_put(stdscr, r->y, r->x + col, 1, a->scr.g.block, ui_app_attr(a, seg[i].color));
        col += 2;
        col += ui_put(stdscr, r->y, r->x + col, r->w - col, legend[i], ui_app_attr(a, UI_COLOR_NORMAL));
        col += 1;
    }
}

/* a body stage: whether its body arrived whole ("body: 1,000 of 1,000
 * bytes, whole"); "" for other stages */
static void body_fact(struct app *a, char *buf, size_t n)
{
    const struct dec_stage *s = ui_stage(a);
    buf[0] = '\0';
    if (!s || (s->kind != DEC_STAGE_REQUEST_BODY && s->kind != DEC_STAGE_RESPONSE_BODY) || !s->msg)
        return;
    const struct dec_msg *m = s->msg;
    uint64_t got = m->body_length > m->gap_bytes ? m->body_length - m->gap_bytes : 0;
    uint64_t want = m->framing == DEC_FRAMING_LENGTH ? m->content_length : m->body_length;
    char g[32], w[32], lost[32];
    ui_app_fmt_count(g, sizeof g, got);
    ui_app_fmt_count(w, sizeof w, want);
    if (m->gap_bytes) {
        ui_app_fmt_count(lost, sizeof lost, m->gap_bytes);
        snprintf(buf, n, _("body: %s of %s bytes captured, %s lost"), g, w, lost);
    } else if (got >= want && m->complete) {
        snprintf(buf, n, _("body: %s of %s bytes, whole"), g, w);
    } else if (m->framing == DEC_FRAMING_LENGTH) {
        snprintf(buf, n, _("body: %s of %s bytes, cut short"), g, w);
    } else {
        snprintf(buf, n, _("body: %s bytes, cut short"), g);
    }
}

/* how many TCP connections the capture held, and how many carried HTTP */
static void conn_fact(struct app *a, char *buf, size_t n)
{
    struct dec_run_stats st = {0};
    buf[0] = '\0';
    if (!a->main.pipe)
        return;
    dec_pipeline_stats(a->main.pipe, &st);
    char t[32], h[32];
    ui_app_fmt_count(t, sizeof t, st.tcp_conns);
    ui_app_fmt_count(h, sizeof h, a->ix.nconns);
    snprintf(buf, n, P_("%1$s TCP connection, %2$s with HTTP(S)", "%1$s TCP connections, %2$s with HTTP(S)",
                        st.tcp_conns),
             t, h);
}

/* parts joined by the separator, the empty ones left out */
static void join(struct app *a, char *buf, size_t n, const char *const *parts, size_t count)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && len + 1 < n; i++)
        if (parts[i] && parts[i][0])
            len += (size_t)snprintf(buf + len, n - len, "%s%s%s%s", len ? " " : "",
                                    len ? a->scr.g.sep : "", len ? " " : "", parts[i]);
}

void ui_bar_status(struct app *a)
{
    const struct rect *r = &a->r_status;
    ui_app_clear(r);
    if (a->searching) {
        char buf[200];
        snprintf(buf, sizeof buf, "/%s", a->input);
        ui_put(stdscr, r->y, r->x, r->w, buf, ui_app_attr(a, UI_COLOR_NORMAL));
        curs_set(1);
        move(r->y, r->x + 1 + ui_width(a->input));
        return;
    }
    curs_set(0);
    char q[256], buf[1024], body[128], conns[128], live[256];
    if (a->msg[0]) {
        ui_put(stdscr, r->y, r->x + 1, r->w - 1, a->msg, ui_app_attr(a, UI_COLOR_NOTE));
        return;
    }
    body_fact(a, body, sizeof body);
    conn_fact(a, conns, sizeof conns);
    live[0] = '\0';
    if (a->live) {
        uint64_t frames = 0, bytes = 0;
        struct tr_capture *cap = a->main.pipe ? dec_pipeline_capture(a->main.pipe) : NULL;
        if (cap)
            tr_capture_counts(cap, &frames, &bytes);
        uint64_t drops = cap ? tr_capture_dropped(cap) : 0;
        if (a->follow)
            snprintf(live, sizeof live, _("live on %s: %llu packets, %llu dropped %s following (f)"),
                     a->o->iface, (unsigned long long)frames, (unsigned long long)drops, a->scr.g.sep);
        else
            snprintf(live, sizeof live,
                     _("live on %s: %llu packets, %llu dropped %s %llu new stages (f follows)"),
                     a->o->iface, (unsigned long long)frames, (unsigned long long)drops, a->scr.g.sep,
                     (unsigned long long)a->unseen);
    }
    const char *parts[] = {body, a->live ? live : quality(a, q, sizeof q), a->live ? NULL : conns,
                           a->playing ? _("playing (any key pauses)") : NULL};
    join(a, buf, sizeof buf, parts, sizeof parts / sizeof parts[0]);
    if (a->main.failed)
        snprintf(buf, sizeof buf, "%s", a->main.err);
    ui_put(stdscr, r->y, r->x + 1, r->w - 1, buf,
           ui_app_attr(a, a->main.failed || a->ix.truncated || a->ix.gaps ? UI_COLOR_NOTE : UI_COLOR_DIM));
}

/* the keys' hints: what fits, "? help" and "q quit" always */
void ui_bar_footer(struct app *a)
{
    const struct rect *r = &a->r_footer;
    ui_app_clear(r);
    /* dropped first to last when the row is short */
    static const enum ui_action drop[] = {UA_ZOOM, UA_PLAY, UA_BODY, UA_NEXT_X, UA_FOCUS,
                                          UA_SEARCH, UA_PREV_STAGE, UA_NEXT_STAGE};
    const struct ui_binding *shown[32];
    size_t n = 0;
    for (const struct ui_binding *b = ui_bindings; b->names && n < 32; b++)
        if (b->footer || (b->action == UA_OPEN && a->focus == PANE_LADDER))
            shown[n++] = b;
    int gap = 2;
    for (size_t d = 0;; ) {
        int total = 1;
        for (size_t i = 0; i < n; i++) {
            char key[32];
            snprintf(key, sizeof key, "%.*s", (int)strcspn(shown[i]->names, ","), shown[i]->names);
            const char *hint = shown[i]->footer ? _(shown[i]->footer) : _("packet detail");
            total += ui_width(key) + 1 + ui_width(hint) + gap;
        }
        if (total - gap <= r->w)
            break;
        if (gap == 2) {
            gap = 1;
            continue;
        }
        if (d >= sizeof drop / sizeof drop[0])
            break;
        for (size_t i = 0; i < n; i++)
            if (shown[i]->action == drop[d]) {
                memmove(shown + i, shown + i + 1, (n - i - 1) * sizeof *shown);
                n--;
                break;
            }
        d++;
    }
    int x = r->x + 1;
    for (size_t i = 0; i < n && x < r->w; i++) {
        const struct ui_binding *b = shown[i];
        char key[32];
        snprintf(key, sizeof key, "%.*s", (int)strcspn(b->names, ","), b->names);
        x += ui_put(stdscr, r->y, x, r->w - x, key, ui_app_attr(a, UI_COLOR_TITLE));
        x += ui_put(stdscr, r->y, x, r->w - x, " ", 0);
        x += ui_put(stdscr, r->y, x, r->w - x, b->footer ? _(b->footer) : _("packet detail"),
                    ui_app_attr(a, UI_COLOR_NORMAL));
        x += ui_put(stdscr, r->y, x, r->w - x, gap == 2 ? "  " : " ", 0);
    }
}

/* one row of the help, when drawing: a key's names (or none) and a piece
 * of its text; *v counts the rows */
static void help_row(struct app *a, const struct rect *r, int *v, bool draw, const char *names,
                     const char *text, size_t len, bool dim)
{
    int y = *v - a->help_top + 1;
    (*v)++;
    if (!draw || y < 1 || y >= r->h - 1)
        return;
    if (names)
        ui_put(stdscr, r->y + y, r->x + 2, 18, names, ui_app_attr(a, UI_COLOR_CLIENT));
    int x = dim ? 2 : 20;
    ui_putn(stdscr, r->y + y, r->x + x, r->w - x - 1, text, len,
            ui_app_attr(a, dim ? UI_COLOR_DIM : UI_COLOR_NORMAL));
}

/* a key and its text, wrapped in the text's column */
static void help_entry(struct app *a, const struct rect *r, int *v, bool draw, const char *names,
                       const char *text, bool dim)
{
    const char *starts[16];
    size_t lens[16];
    int tw = dim ? r->w - 3 : r->w - 21;
    size_t n = ui_wrap(text, tw > 8 ? tw : 8, starts, lens, 16);
    for (size_t i = 0; i < n; i++)
        help_row(a, r, v, draw, i ? NULL : names, starts[i], lens[i], dim);
}

/* every row of the help, drawn or only counted; returns the count */
static int help_rows(struct app *a, const struct rect *r, bool draw)
{
    int v = 0;
    for (const struct ui_binding *b = ui_bindings; b->names; b++)
        help_entry(a, r, &v, draw, b->names, _(b->help), false);
    help_entry(a, r, &v, draw, _("mouse"),
               _("click an exchange, a step, or a packet arrow; the wheel scrolls the pane under it"),
               false);
    v++;
    /* the panes, each with what it shows (the views' own help) */
    for (int p = 0; p < PANE_COUNT; p++)
        help_entry(a, r, &v, draw, _(ui_views[p]->name), _(ui_views[p]->help), false);
    v++;
    help_entry(a, r, &v, draw, NULL,
               _("Packet marks: R retransmission, O out of order, G gap, T cut by the snaplen. "
                 "On an arrow, 1:93 a1 means the bytes numbered from 1 up to 93 (92 bytes) and "
                 "the acknowledgement number 1; each side counts from its first."),
               true);
    return v;
}

/* The help screen: every key of the one key table, in a frame over the
 * whole screen but the title and footer rows (no piece of the panes under
 * it shows through at its edges), scrolled by help_top (kept in range here,
 * where the height is known) */
void ui_bar_help(struct app *a)
{
    int W = COLS, H = LINES;
    struct rect all = {1, 0, H - 2, W};
    ui_app_clear(&all);
    int w = W - 2, h = H - 3;
    struct rect r = {1, 1, h, w};
    int rows = h - 2;
    int max_top = help_rows(a, &r, false) - rows;
    if (max_top < 0)
        max_top = 0;
    if (a->help_top > max_top)
        a->help_top = max_top;
    if (a->help_top < 0)
        a->help_top = 0;
    a->help_page = rows > 1 ? rows - 1 : 1;
    ui_app_pane_title(a, &r, PANE_COUNT, _("Keys (q or ? closes this help)"));
    help_rows(a, &r, true);
    int fa = ui_app_attr(a, UI_COLOR_DIM);
    for (int y = 1; y < h; y++) {
        ui_put(stdscr, r.y + y, 0, 1, a->scr.g.vline, fa);
        ui_put(stdscr, r.y + y, W - 1, 1, a->scr.g.vline, fa);
    }
    ui_fill(stdscr, r.y + h - 1, r.x, w, a->scr.g.hline, fa);
    if (a->help_top < max_top)
        ui_put(stdscr, r.y + h - 1, r.x + w - 3, 1, a->scr.g.ellipsis, fa);
}

/* ------------------------------------------------- their keys -- */

/* a key while the search line is open */
int ui_search_key(struct app *a, int ch)
{
    if (ch == 27) {  /* Escape */
        a->searching = false;
    } else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
        a->searching = false;
        if (a->ninput)
            snprintf(a->query, sizeof a->query, "%s", a->input);
        ui_search_start(a);
    } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        if (a->ninput)
            a->input[--a->ninput] = '\0';
    } else if (ch >= 0x20 && ch < 0x100 && a->ninput + 1 < sizeof a->input) {
        a->input[a->ninput++] = (char)ch;
        a->input[a->ninput] = '\0';
    }
    return UI_HANDLED | UI_REDRAW;
}

/* a key while the help is shown */
int ui_help_key(struct app *a, enum ui_action act, int ch)
{
    if (act == UA_QUIT || act == UA_HELP || ch == 27)
        a->help = false;
    else if (act == UA_DOWN)
        a->help_top++;
    else if (act == UA_UP)
        a->help_top--;
    else if (act == UA_PGDN)
        a->help_top += a->help_page;
    else if (act == UA_PGUP)
        a->help_top -= a->help_page;
    else if (act == UA_HOME)
        a->help_top = 0;
    else if (act == UA_END)
        a->help_top = INT_MAX / 2;  /* the drawing brings it back in range */
    return UI_HANDLED | UI_REDRAW;
}
