/* text.c - the --text transcript: a readable walk through every exchange
 * for a printed handout: per connection and exchange, each step with its
 * frames and time, the lines and headers as sent, the body's framing and
 * first bytes, the close or keep-alive, and every note */
#include "report_int.h"

#include <string.h>

/* untrusted bytes, made safe to print: controls and (outside UTF-8, or when
 * not valid UTF-8) high bytes as \xNN */
static void t_bytes(struct rep_writer *w, const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    struct rep_obuf *o = &w->ob;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f) {
            rep_ob_ch(o, (char)c);
            continue;
        }
        if (c >= 0x80 && w->utf8) {
            size_t k = dec_utf8_len((const unsigned char *)p + i, n - i);
            if (k) {
                rep_ob_put(o, p + i, k);
                i += k - 1;
                continue;
            }
        }
        switch (c) {
        case '\r': rep_ob_str(o, "\\r"); break;
        case '\n': rep_ob_str(o, "\\n"); break;
        case '\t': rep_ob_str(o, "\\t"); break;
        default:
            rep_ob_str(o, "\\x");
            rep_ob_ch(o, hex[c >> 4]);
            rep_ob_ch(o, hex[c & 15]);
        }
    }
}

static void t_dstr(struct rep_writer *w, struct dec_str s)
{
    if (s.p)
        t_bytes(w, s.p, s.len);
}

static void t_frames(struct rep_obuf *o, const uint64_t *f, size_t n)
{
    if (n == 0) {
        rep_ob_str(o, "no frame");
        return;
    }
    rep_ob_str(o, n == 1 ? "frame " : "frames ");
    size_t shown = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && f[j + 1] == f[j] + 1)
            j++;
        if (shown)
            rep_ob_ch(o, ',');
        if (shown == 4) {
            rep_ob_printf(o, "... (%zu frames)", n);
            return;
        }
        rep_ob_u64(o, f[i]);
        if (j > i) {
            rep_ob_ch(o, '-');
            rep_ob_u64(o, f[j]);
        }
        shown++;
        i = j + 1;
    }
}

/* spaces from column 'from' to column 'col', and at least one */
static void t_pad(struct rep_obuf *o, size_t from, size_t col)
{
    do
        rep_ob_ch(o, ' ');
    while (++from < col);
}

static void t_conn(void *ctx, struct dec_conn *c)
{
    struct rep_writer *w = ctx;
    struct rep_obuf *o = &w->ob;
    const struct tr_conn *tc = c->tc;
    char a[TR_ADDRSTRLEN], b[TR_ADDRSTRLEN];
    w->conn_t0 = tc->first_ts;
    w->text_conn = c->id;
    rep_ob_printf(o, "\nConnection %llu: client %s%s%s:%u %s server %s%s%s:%u, from frame %llu%s\n",
              (unsigned long long)c->id, tc->client.addr.family == 6 ? "[" : "",
              tr_addr_format(&tc->client.addr, a), tc->client.addr.family == 6 ? "]" : "",
              tc->client.port, w->utf8 ? "\xe2\x86\x92" : "->",
              tc->server.addr.family == 6 ? "[" : "", tr_addr_format(&tc->server.addr, b),
              tc->server.addr.family == 6 ? "]" : "", tc->server.port,
              (unsigned long long)tc->first_frame, tc->syn_seen ? "" : " (no handshake captured)");
    if (w->live)
        rep_ob_flush(o);
}

static void t_header_list(struct rep_writer *w, const struct dec_header *h, size_t n)
{
    struct rep_obuf *o = &w->ob;
    for (size_t i = 0; i < n; i++) {
        rep_ob_str(o, "              ");
        t_dstr(w, h[i].name);
        rep_ob_str(o, ": ");
        t_dstr(w, h[i].value);
        rep_ob_ch(o, '\n');
    }
}

static bool printable(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((p[i] < 0x20 && p[i] != '\r' && p[i] != '\n' && p[i] != '\t') || p[i] == 0x7f)
            return false;
    return true;
}

static void t_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    (void)c;
    struct rep_writer *w = ctx;
    struct rep_obuf *o = &w->ob;
    static const struct dec_msg none = {0};
    const struct dec_msg *m = s->msg ? s->msg : &none;
    size_t start = o->len;
    rep_ob_printf(o, "  Step %d  %s", dec_stage_step(s->kind), dec_stage_title(s->kind));
    if (dec_stage_interim(s))
        rep_ob_str(o, " (interim)");
    t_pad(o, o->len - start, 38);
    size_t mid = o->len;
    t_frames(o, s->frames, s->nframes);
    t_pad(o, o->len - mid, 18);
    rep_ob_str(o, " +");
    rep_ob_secs(o, s->ts - w->conn_t0);
    rep_ob_str(o, " s  ");
    switch (s->kind) {
    case DEC_STAGE_HANDSHAKE:
        rep_ob_str(o, "SYN, SYN-ACK, ACK");
        if (s->rtt >= 0)
            rep_ob_printf(o, " (round trip %.3f ms)", (double)s->rtt / 1000.0);
        else
            rep_ob_str(o, " (incomplete)");
        break;
    case DEC_STAGE_REQUEST_LINE:
        t_dstr(w, m->method);
        rep_ob_ch(o, ' ');
        t_dstr(w, m->target);
        if (m->version.p) {
            rep_ob_ch(o, ' ');
            t_dstr(w, m->version);
        }
        break;
    case DEC_STAGE_STATUS_LINE:
        t_dstr(w, m->version);
        rep_ob_printf(o, " %d ", m->status);
        t_dstr(w, m->reason);
        break;
    case DEC_STAGE_REQUEST_HEADERS:
    case DEC_STAGE_RESPONSE_HEADERS:
        rep_ob_printf(o, "%zu header%s, %llu bytes\n", m->nheaders, m->nheaders == 1 ? "" : "s",
                  (unsigned long long)s->length);
        t_header_list(w, m->headers, m->nheaders);
        if (w->live)
            rep_ob_flush(o);
        return;
    case DEC_STAGE_REQUEST_BLANK_LINE:
    case DEC_STAGE_RESPONSE_BLANK_LINE:
        rep_ob_str(o, s->length == 2 ? "CR LF: the empty line that ends the headers"
                                 : "LF: the empty line that ends the headers");
        break;
    case DEC_STAGE_REQUEST_BODY:
    case DEC_STAGE_RESPONSE_BODY: {
        rep_ob_printf(o, "%s, %llu bytes", dec_framing_name(m->framing) ? dec_framing_name(m->framing) : "?",
                  (unsigned long long)m->body_length);
        if (m->framing == DEC_FRAMING_CHUNKED)
            rep_ob_printf(o, " in %llu chunk%s", (unsigned long long)m->chunks, m->chunks == 1 ? "" : "s");
        if (m->content_encoding.p) {
            rep_ob_str(o, ", ");
            t_dstr(w, m->content_encoding);
            if (m->decoded_length >= 0)
                rep_ob_printf(o, " (%lld bytes decoded)", (long long)m->decoded_length);
        }
        if (m->gap_bytes)
            rep_ob_printf(o, ", %llu never captured", (unsigned long long)m->gap_bytes);
        const uint8_t *p = s->decoded_len ? s->decoded : s->preview;
        size_t n = s->decoded_len ? s->decoded_len : s->preview_len;
        if (n > 60)
            n = 60;
        if (n && printable(p, n)) {
            rep_ob_str(o, "\n              \"");
            t_bytes(w, (const char *)p, n);
            rep_ob_str(o, (s->decoded_len ? s->decoded_len : s->preview_len) > n ? "\"..." : "\"");
        }
        break;
    }
    case DEC_STAGE_TUNNEL:
        rep_ob_printf(o, "%llu bytes of another protocol, not HTTP", (unsigned long long)s->length);
        break;
    case DEC_STAGE_CLOSE:
        rep_ob_str(o, s->how == TR_CLOSE_FIN   ? "closed with FIN"
                  : s->how == TR_CLOSE_RST ? "reset (RST)"
                                           : "still open when the capture ended");
        if (s->initiator >= 0)
            rep_ob_str(o, s->initiator == TR_DIR_C2S ? ", the client first" : ", the server first");
        break;
    case DEC_STAGE_KEEP_ALIVE:
        rep_ob_str(o, "the connection stays open for the next request (");
        rep_ob_str(o, s->reason_text ? s->reason_text : "");
        rep_ob_ch(o, ')');
        break;
    default:
        break;
    }
    rep_ob_ch(o, '\n');
    if (w->live)
        rep_ob_flush(o);
}

static void t_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    (void)c;
    struct rep_writer *w = ctx;
    struct rep_obuf *o = &w->ob;
    w->exchanges++;
    rep_ob_printf(o, "  Exchange %llu: ", (unsigned long long)x->index);
    if (x->request) {
        t_dstr(w, x->request->method);
        rep_ob_ch(o, ' ');
        t_dstr(w, x->request->target);
    } else {
        rep_ob_str(o, "(request not captured)");
    }
    rep_ob_str(o, w->utf8 ? " \xe2\x86\x92 " : " -> ");
    if (x->response) {
        rep_ob_printf(o, "%d ", x->response->status);
        t_dstr(w, x->response->reason);
        rep_ob_printf(o, ", %llu body bytes", (unsigned long long)x->response->body_length);
    } else {
        rep_ob_str(o, "no response");
    }
    rep_ob_str(o, x->complete ? ", complete" : ", incomplete");
    if (x->keep_alive)
        rep_ob_str(o, ", keep-alive");
    rep_ob_ch(o, '\n');
    if (w->live)
        rep_ob_flush(o);
}

static void t_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    struct rep_writer *w = ctx;
    struct rep_obuf *o = &w->ob;
    if (c)
        rep_ob_printf(o, "  Note    frame %llu, %s: ", (unsigned long long)n->frame, dec_note_name(n->kind));
    else
        rep_ob_printf(o, "Note: frame %llu, %s: ", (unsigned long long)n->frame, dec_note_name(n->kind));
    t_bytes(w, n->detail, strlen(n->detail));
    rep_ob_ch(o, '\n');
    if (w->live)
        rep_ob_flush(o);
}

static void t_conn_end(void *ctx, struct dec_conn *c)
{
    struct rep_writer *w = ctx;
    const struct tr_conn *tc = c->tc;
    rep_ob_printf(&w->ob, "  End of connection %llu: %llu bytes from the client, %llu from the server, "
                      "%llu exchange%s\n",
              (unsigned long long)c->id, (unsigned long long)tc->side[TR_DIR_C2S].bytes,
              (unsigned long long)tc->side[TR_DIR_S2C].bytes, (unsigned long long)c->exchanges,
              c->exchanges == 1 ? "" : "s");
    if (w->live)
        rep_ob_flush(&w->ob);
}

void rep_text_sink(struct rep_writer *w, struct dec_sink *out)
{
    out->ctx = w;
    out->on_conn = t_conn;
    out->on_stage = t_stage;
    out->on_exchange = t_exchange;
    out->on_note = t_note;
    out->on_conn_end = t_conn_end;
}

void rep_text_capture(struct rep_writer *w, const struct rep_capture_info *ci)
{
    rep_ob_str(&w->ob, "httpstep: the seven steps of HTTP in ");
    t_bytes(w, ci->source, strlen(ci->source));
    rep_ob_printf(&w->ob, " (%s, link type %s, snaplen %d)\n", ci->live ? "live" : "capture file",
              ci->link_type, ci->snaplen);
    if (w->live)
        rep_ob_flush(&w->ob);
}

void rep_text_stats(struct rep_writer *w, const struct dec_run_stats *st)
{
    rep_ob_printf(&w->ob,
              "\nIn all: %llu frame%s (%llu bytes), %llu TCP connection%s, %llu with HTTP or HTTPS, %llu "
              "exchange%s, %llu note%s",
              (unsigned long long)st->frames, st->frames == 1 ? "" : "s",
              (unsigned long long)st->bytes, (unsigned long long)st->tcp_conns,
              st->tcp_conns == 1 ? "" : "s", (unsigned long long)st->http_conns,
              (unsigned long long)st->exchanges, st->exchanges == 1 ? "" : "s",
              (unsigned long long)st->notes, st->notes == 1 ? "" : "s");
    if (st->dropped)
        rep_ob_printf(&w->ob, ", %llu packets dropped by the kernel", (unsigned long long)st->dropped);
    rep_ob_str(&w->ob, "\n");
    rep_ob_flush(&w->ob);
}
