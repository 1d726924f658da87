/* view_bytes.c - the bytes of the current stage: hex, text, or the decoded body */
#define _GNU_SOURCE 1
#define _XOPEN_SOURCE_EXTENDED 1
#include "view.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

/* the search's matches among the bytes [v0, v1) of a stream: marks[i] for
 * byte v0 + i (caller's array of v1 - v0 bytes) */
static void find_matches(const struct app *a, const struct dec_stream *st, uint64_t v0, uint64_t v1,
                         bool *marks)
{
    size_t q = strlen(a->query);
    memset(marks, 0, (size_t)(v1 - v0));
    if (!a->hl_search || !q)
        return;
    uint64_t end = st->base + st->len;
    uint64_t from = v0 >= q - 1 + st->base ? v0 - (q - 1) : st->base;
    for (uint64_t o = from; o < v1 && o + q <= end; o++) {
        if (strncasecmp((const char *)st->data + (o - st->base), a->query, q) != 0)
            continue;
        for (uint64_t k = o; k < o + q; k++)
            if (k >= v0 && k < v1)
                marks[k - v0] = true;
    }
}

/* the attribute of a byte: the search's match, the stage, CR and LF */
static int byte_attr(struct app *a, uint8_t c, bool in, bool match)
{
    if (match)
        return ui_app_attr(a, UI_COLOR_SELECT) | (int)A_UNDERLINE;
    if (in)
        return ui_app_attr(a, UI_COLOR_HIGHLIGHT);
    return (c == '\r' || c == '\n') ? ui_app_attr(a, UI_COLOR_CRLF) : ui_app_attr(a, UI_COLOR_NORMAL);
}

#define HEX_ROWS_MAX 256

/* bytes a hex row holds in w columns: offset, the bytes in hex, their text */
static int hex_per_row(int w)
{
    if (w >= 7 + 16 * 3 + 2 + 16)
        return 16;
    if (w >= 7 + 8 * 3 + 1 + 8)
        return 8;
    return w >= 7 + 4 * 3 + 1 + 4 ? 4 : 2;
}

static void draw_hex(struct app *a, const struct rect *r, int y0, int rows, const struct dec_stream *st,
                     uint64_t lo, uint64_t hi)
{
    int per = hex_per_row(r->w);
    uint64_t first_row = lo / (uint64_t)per;
    if (!a->bytes.s.manual)
        a->bytes.s.top = (int)(first_row > 1 ? first_row - 1 : 0);
    uint64_t row0 = (uint64_t)a->bytes.s.top;
    uint64_t end = st->base + st->len;
    if (row0 * (uint64_t)per < st->base)
        row0 = st->base / (uint64_t)per;
    if (rows > HEX_ROWS_MAX)
        rows = HEX_ROWS_MAX;
    static bool marks[HEX_ROWS_MAX * 16];
    uint64_t v0 = row0 * (uint64_t)per, v1 = v0 + (uint64_t)rows * (uint64_t)per;
    find_matches(a, st, v0, v1, marks);
    for (int i = 0; i < rows; i++) {
        uint64_t off = (row0 + (uint64_t)i) * (uint64_t)per;
        if (off >= end)
            break;
        int y = r->y + y0 + i;
        char buf[32];
        snprintf(buf, sizeof buf, "%06llx ", (unsigned long long)off);
        ui_put(stdscr, y, r->x, r->w < 7 ? r->w : 7, buf, ui_app_attr(a, UI_COLOR_DIM));
        for (int j = 0; j < per && off + (uint64_t)j < end; j++) {
            uint64_t o = off + (uint64_t)j;
            if (o < st->base)
                continue;
            uint8_t c = st->data[o - st->base];
            bool in = o >= lo && o < hi;
            int at = byte_attr(a, c, in, marks[o - v0]);
            snprintf(buf, sizeof buf, "%02x", c);
            int hx = 7 + j * 3 + (j >= 8 && per == 16 ? 1 : 0);
            if (hx + 2 <= r->w)  /* never past the pane: the next row's start is another pane */
                ui_put(stdscr, y, r->x + hx, 2, buf, at);
            const char *ch;
            char one[2] = {(char)c, 0};
            if (c == '\r')
                ch = a->utf8 ? a->scr.g.cr : "r";
            else if (c == '\n')
                ch = a->utf8 ? a->scr.g.lf : "n";
            else if (c >= 0x20 && c < 0x7f)
                ch = one;
            else
                ch = ".";
            int ax = 7 + per * 3 + (per == 16 ? 2 : 1) + j;
            if (ax < r->w)
                ui_put(stdscr, y, r->x + ax, 1, ch,
                       (c == '\r' || c == '\n') && !in && !marks[o - v0] ? ui_app_attr(a, UI_COLOR_CRLF) : at);
        }
    }
}

/* the offset where the line holding o begins */
static uint64_t line_start(const struct dec_stream *st, uint64_t o)
{
    while (o > st->base && st->data[o - 1 - st->base] != '\n')
        o--;
    return o;
}

/* the first match of the search in [lo, hi), or hi */
static uint64_t first_match(const struct app *a, const struct dec_stream *st, uint64_t lo, uint64_t hi)
{
    size_t q = strlen(a->query);
    uint64_t end = st->base + st->len;
    for (uint64_t o = lo; a->hl_search && q && o < hi && o + q <= end; o++)
        if (strncasecmp((const char *)st->data + (o - st->base), a->query, q) == 0)
            return o;
    return hi;
}

/* The stream as text: lines as sent, CR and LF shown, the stage marked.
 * In a message head, a line longer than two rows (a User-Agent, a
 * cookie) is cut to one with an ellipsis, so that a head's every line is in
 * view; the hex view and the explanation show it whole. */
static void draw_text(struct app *a, const struct rect *r, int y0, int rows, const struct dec_stream *st,
                      uint64_t lo, uint64_t hi, bool head)
{
    uint64_t base = st->base, end = st->base + st->len;
    const uint8_t *d = st->data;
    /* start at the line before the stage; or before the search's match */
    uint64_t start = lo > base ? line_start(st, lo - 1 > base ? lo - 1 : base) : base;
    if (start < lo && lo > base && d[lo - 1 - base] == '\n')
        start = line_start(st, lo - 1);
    uint64_t m = first_match(a, st, lo, hi);
    if (m < hi) {
        int lines = 0;
        for (uint64_t o = start; o < m; o++)
            lines += d[o - base] == '\n';
        if (lines >= rows - 1)
            start = line_start(st, line_start(st, m) > base ? line_start(st, m) - 1 : base);
    }
    if (a->bytes.s.manual) {
        /* manual scrolling moves by lines from the stage */
        for (int k = 0; k < a->bytes.s.top && start < end; k++) {
            const uint8_t *nl = memchr(d + (start - base), '\n', (size_t)(end - start));
            start = nl ? base + (uint64_t)(nl - d) + 1 : end;
        }
    }
    int y = 0, x = 0;
    bool cut = false;  /* the line being drawn is cut to one row */
    /* the search's matches in what a screen of text can show */
    static bool marks[1 << 16];
    uint64_t v1 = end - start > sizeof marks ? start + sizeof marks : end;
    find_matches(a, st, start, v1, marks);
    for (uint64_t o = start; o < end && y < rows; o++) {
        if (head && (o == start || d[o - 1 - base] == '\n')) {
            const uint8_t *nl = memchr(d + (o - base), '\n', (size_t)(end - o));
            uint64_t len = nl ? (uint64_t)(nl - (d + (o - base))) + 1 : end - o;
            cut = len > 2 * (uint64_t)r->w;
        }
        uint8_t c = d[o - base];
        bool in = o >= lo && o < hi;
        bool match = o < v1 && marks[o - start];
        int at = byte_attr(a, c, in, match);
        if (!in && !match)
            at = ui_app_attr(a, UI_COLOR_NORMAL);
        char one[8] = {(char)c, 0};
        const char *g = one;
        if (c == '\r' || c == '\n') {
            g = c == '\r' ? a->scr.g.cr : a->scr.g.lf;
            at = in || match ? at : ui_app_attr(a, UI_COLOR_CRLF);
        } else if (c < 0x20 || c >= 0x7f) {
            g = ".";
        }
        if (cut && x + ui_width(g) > r->w - 1) {
            ui_put(stdscr, r->y + y0 + y, r->x + x, 1, a->scr.g.ellipsis, ui_app_attr(a, UI_COLOR_DIM));
            const uint8_t *nl = memchr(d + (o - base), '\n', (size_t)(end - o));
            uint64_t next = nl ? base + (uint64_t)(nl - d) + 1 : end;
            y++;
            x = 0;
            if (o < lo && lo < next) {
                /* the stage begins in what is cut: from there on, whole */
                o = lo - 1;
                cut = false;
                continue;
            }
            o = next - 1;
            continue;
        }
        if (x + ui_width(g) > r->w) {
            y++;
            x = 0;
            if (y >= rows)
                break;
        }
        x += ui_put(stdscr, r->y + y0 + y, r->x + x, r->w - x, g, at);
        if (c == '\n') {
            y++;
            x = 0;
        }
    }
}

static void draw_decoded(struct app *a, const struct rect *r, int y0, int rows, const struct dec_stage *s)
{
    if (!s || (s->kind != DEC_STAGE_REQUEST_BODY && s->kind != DEC_STAGE_RESPONSE_BODY)) {
        ui_app_put(a, r, y0, 1, _("The decoded view shows a body: step to a body stage, or press b."),
            ui_app_attr(a, UI_COLOR_DIM));
        return;
    }
    const uint8_t *p = s->decoded_len ? s->decoded : s->preview;
    size_t n = s->decoded_len ? s->decoded_len : s->preview_len;
    char buf[160];
    snprintf(buf, sizeof buf, _("decoded: %llu bytes (%s%s)"),
             (unsigned long long)(s->msg->decoded_length >= 0 ? (uint64_t)s->msg->decoded_length : n),
             s->msg->framing == DEC_FRAMING_CHUNKED ? _("de-chunked") : _("as sent"),
             s->msg->content_encoding.p ? _(", decompressed") : "");
    ui_app_put(a, r, y0, 0, buf, ui_app_attr(a, UI_COLOR_DIM));
    int y = 1, x = 0;
    for (size_t i = 0; i < n && y < rows; i++) {
        uint8_t c = p[i];
        if (c == '\n') {
            y++;
            x = 0;
            continue;
        }
        char one[8] = {(char)c, 0};
        const char *g = one;
        if (c >= 0x80) {
            size_t k = dec_utf8_len(p + i, n - i);
            if (k) {
                memcpy(one, p + i, k);
                one[k] = 0;
                i += k - 1;
            } else {
                g = ".";
            }
        } else if (c < 0x20 || c == 0x7f) {
            g = c == '\t' ? " " : ".";
        }
        if (x + ui_width(g) > r->w) {
            y++;
            x = 0;
            if (y >= rows)
                break;
        }
        x += ui_put(stdscr, r->y + y0 + y, r->x + x, r->w - x, g, ui_app_attr(a, UI_COLOR_NORMAL));
    }
}

/* A stage decrypted from TLS: the span of its direction's TCP stream that
 * the packets carrying its records hold (the ciphertext on the wire, with
 * the records' headers and maybe other records' bytes); false when none */
static bool wire_span(const struct app *a, const struct dec_stage *s, uint64_t *lo, uint64_t *hi)
{
    *lo = UINT64_MAX;
    *hi = 0;
    for (size_t i = 0; i < s->nframes; i++) {
        long k = dec_record_pkt_of(a->det, s->frames[i]);
        if (k < 0)
            continue;
        const struct tr_seg *g = &a->det->pkts[k].seg;
        if (g->dir != s->dir || !g->len)
            continue;
        if (g->offset < *lo)
            *lo = g->offset;
        if (g->offset + g->len > *hi)
            *hi = g->offset + g->len;
    }
    return *hi > *lo;
}

/* the decoded view of a decrypted stage: the plaintext beside the
 * ciphertext it came in (or the ciphertext alone when narrow) */
static void draw_tls(struct app *a, const struct rect *r, int rows, const struct dec_stage *s,
                     uint64_t lo, uint64_t hi)
{
    char cap[160];
    snprintf(cap, sizeof cap, _("on the wire, encrypted: %llu bytes of TCP payload"),
             (unsigned long long)(hi - lo));
    if (r->w >= 90) {
        struct rect left = {r->y, r->x, r->h, r->w / 2 - 1};
        struct rect right = {r->y, r->x + r->w / 2 + 1, r->h, r->w - r->w / 2 - 1};
        ui_app_put(a, &left, 1, 1, _("decrypted (plaintext):"), ui_app_attr(a, UI_COLOR_DIM));
        ui_app_put(a, &right, 1, 1, cap, ui_app_attr(a, UI_COLOR_DIM));
        draw_hex(a, &left, 2, rows - 1, teach_stage_stream(a->det, s), s->offset,
                 s->offset + s->length);
        draw_hex(a, &right, 2, rows - 1, &a->det->bytes[s->dir], lo, hi);
    } else {
        ui_app_put(a, r, 1, 1, cap, ui_app_attr(a, UI_COLOR_DIM));
        draw_hex(a, r, 2, rows - 1, &a->det->bytes[s->dir], lo, hi);
    }
}

static void draw_bytes(struct app *a, const struct rect *r)
{
    ui_app_clear(r);
    static const char *const modes[] = {N_("hex"), N_("text"), N_("decoded")};
    const struct dec_stage *s = a->stage >= 0 ? a->det->stgs[a->stage] : NULL;
    char t[200];
    snprintf(t, sizeof t, _("Bytes (%s) %s %s"), _(modes[a->bytes.mode]), a->scr.g.sep,
             !s                                  ? ""
             : s->kind == DEC_STAGE_DNS_LOOKUP   ? _("client to resolver")
             : s->dir == TR_DIR_C2S              ? _("client to server")
                                                 : _("server to client"));
    ui_app_pane_title(a, r, PANE_BYTES, t);
    int rows = r->h - 1;
    if (!s || rows <= 0)
        return;
    uint64_t wlo, whi;
    if (a->bytes.mode == BYTES_DECODED && s->tls && s->length && wire_span(a, s, &wlo, &whi)) {
        draw_tls(a, r, rows, s, wlo, whi);
        return;
    }
    if (a->bytes.mode == BYTES_DECODED) {
        if (r->w >= 90 && (s->kind == DEC_STAGE_REQUEST_BODY || s->kind == DEC_STAGE_RESPONSE_BODY)) {
            /* the raw bytes beside what they carry */
            struct rect left = {r->y, r->x, r->h, r->w / 2 - 1};
            struct rect right = {r->y, r->x + r->w / 2 + 1, r->h, r->w - r->w / 2 - 1};
            draw_hex(a, &left, 1, rows, teach_stage_stream(a->det, s), s->offset, s->offset + s->length);
            draw_decoded(a, &right, 1, rows, s);
        } else {
            draw_decoded(a, r, 1, rows, s);
        }
        return;
    }
    if (s->length == 0) {
        const char *m = s->kind == DEC_STAGE_HANDSHAKE
                            ? _("The handshake carries no data: only TCP flags and sequence "
                                "numbers (see the packets).")
                        : s->kind == DEC_STAGE_CLOSE
                            ? _("Closing carries no data: FIN or RST flags (see the packets).")
                        : s->kind == DEC_STAGE_DNS_LOOKUP
                            ? _("The lookup's two datagrams are not part of this connection's "
                                "bytes: the explanation gives what they carry.")
                        : s->msg && s->msg->h2
                            ? _("In HTTP/2 this part has no bytes of its own: the pseudo-header "
                                "fields travel HPACK-compressed in the HEADERS frame, shown with "
                                "the headers' stage.")
                        : s->stream
                            ? _("This stage is a flag or a frame's meaning, not bytes of its "
                                "own (see the packets).")
                            : _("This stage carries no bytes of its own.");
        ui_put_wrapped(stdscr, r->y + 1, r->x + 1, r->w - 2, r->h - 1, m, ui_app_attr(a, UI_COLOR_DIM));
        return;
    }
    const struct dec_stream *st = teach_stage_stream(a->det, s);
    if (s->offset < st->base || s->offset >= st->base + st->len) {
        ui_put_wrapped(stdscr, r->y + 1, r->x + 1, r->w - 2, r->h - 1,
                       st->capped ? _("These bytes are past what is kept for display.")
                                  : _("reading..."),
                       ui_app_attr(a, UI_COLOR_DIM));
        return;
    }
    if (a->bytes.mode == BYTES_HEX)
        draw_hex(a, r, 1, rows, st, s->offset, s->offset + s->length);
    else
        draw_text(a, r, 1, rows, st, s->offset, s->offset + s->length,
                  s->kind != DEC_STAGE_REQUEST_BODY && s->kind != DEC_STAGE_RESPONSE_BODY &&
                      s->kind != DEC_STAGE_TUNNEL);
}

static int key_bytes(struct app *a, enum ui_action act)
{
    return ui_scroll_key(a, PANE_BYTES, &a->bytes.s, act, 1 << 20);
}

static int mouse_bytes(struct app *a, const struct rect *r, int y, int x, mmask_t b)
{
    (void)r;
    (void)y;
    (void)x;
    if (b & BUTTON4_PRESSED)
        return ui_scroll(&a->bytes.s, -3);
    if (b & BUTTON5_PRESSED)
        return ui_scroll(&a->bytes.s, 3);
    return UI_HANDLED | UI_REDRAW;
}

static void enter_bytes(struct app *a)
{
    a->bytes.s.manual = false;
}

const struct ui_view ui_view_bytes = {
    .name = N_("bytes"),
    .help = N_("the bytes of the current stage, in its direction's stream (for HTTPS, the "
               "decrypted stream; b's third view shows the encrypted bytes on the wire)"),
    .draw = draw_bytes,
    .key = key_bytes,
    .mouse = mouse_bytes,
    .enter = enter_bytes,
};
