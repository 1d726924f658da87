/* json.c - the --json transcript (JSON Lines, ../shared/spec/transcript.md,
 * version 1) and the writer object shared with --text and --stats */
#include "ui_int.h"

#include <stdlib.h>
#include <string.h>

static const char *dir_name(enum tr_dir d)
{
    return d == TR_DIR_C2S ? "c2s" : "s2c";
}

static const char *how_name(enum tr_close_how h)
{
    switch (h) {
    case TR_CLOSE_FIN:
        return "fin";
    case TR_CLOSE_RST:
        return "rst";
    default:
        return "capture_end";
    }
}

static void j_initiator(struct obuf *o, int initiator)
{
    ob_str(o, initiator == TR_DIR_C2S ? "\"client\"" : initiator == TR_DIR_S2C ? "\"server\"" : "null");
}

static void j_dstr(struct obuf *o, struct dec_str s)
{
    ob_jstr(o, s.p, s.len);
}

static void j_endpoint(struct obuf *o, const struct tr_endpoint *e)
{
    char ip[TR_ADDRSTRLEN];
    tr_addr_format(&e->addr, ip);
    ob_str(o, "{\"ip\":\"");
    ob_str(o, ip);
    ob_str(o, "\",\"port\":");
    ob_u64(o, e->port);
    ob_ch(o, '}');
}

static void j_frames(struct obuf *o, const uint64_t *f, size_t n)
{
    ob_ch(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            ob_ch(o, ',');
        ob_u64(o, f[i]);
    }
    ob_ch(o, ']');
}

static void j_headers(struct obuf *o, const struct dec_header *h, size_t n)
{
    ob_ch(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            ob_ch(o, ',');
        ob_ch(o, '[');
        j_dstr(o, h[i].name);
        ob_ch(o, ',');
        j_dstr(o, h[i].value);
        ob_ch(o, ']');
    }
    ob_ch(o, ']');
}

static void j_opt_i64(struct obuf *o, int64_t v)
{
    if (v < 0)
        ob_str(o, "null");
    else
        ob_i64(o, v);
}

static void j_conn(void *ctx, struct dec_conn *c)
{
    struct ui_writer *w = ctx;
    struct obuf *o = &w->ob;
    const struct tr_conn *tc = c->tc;
    ob_str(o, "{\"type\":\"conn\",\"conn\":");
    ob_u64(o, c->id);
    ob_str(o, ",\"client\":");
    j_endpoint(o, &tc->client);
    ob_str(o, ",\"server\":");
    j_endpoint(o, &tc->server);
    ob_str(o, ",\"first_frame\":");
    ob_u64(o, tc->first_frame);
    ob_str(o, ",\"ts\":");
    ob_secs(o, tc->first_ts);
    ob_str(o, tc->syn_seen ? ",\"syn_seen\":true}" : ",\"syn_seen\":false}");
    ob_eol(o, w->live);
}

static void j_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    struct ui_writer *w = ctx;
    struct obuf *o = &w->ob;
    ob_str(o, "{\"type\":\"stage\",\"conn\":");
    ob_u64(o, c->id);
    ob_str(o, ",\"exchange\":");
    j_opt_i64(o, s->exchange);
    ob_str(o, ",\"step\":");
    ob_u64(o, (uint64_t)dec_stage_step(s->kind));
    ob_str(o, ",\"stage\":\"");
    ob_str(o, dec_stage_name(s->kind));
    ob_str(o, "\",\"dir\":\"");
    ob_str(o, dir_name(s->dir));
    ob_str(o, "\",\"frames\":");
    j_frames(o, s->frames, s->nframes);
    ob_str(o, ",\"ts\":");
    ob_secs(o, s->ts);
    ob_str(o, ",\"offset\":");
    ob_u64(o, s->offset);
    ob_str(o, ",\"length\":");
    ob_u64(o, s->length);
    switch (s->kind) {
    case DEC_STAGE_HANDSHAKE:
        ob_str(o, ",\"rtt\":");
        if (s->rtt < 0)
            ob_str(o, "null");
        else
            ob_secs(o, s->rtt);
        break;
    case DEC_STAGE_REQUEST_LINE:
        ob_str(o, ",\"method\":");
        j_dstr(o, s->method);
        ob_str(o, ",\"target\":");
        j_dstr(o, s->target);
        ob_str(o, ",\"version\":");
        j_dstr(o, s->version);
        break;
    case DEC_STAGE_STATUS_LINE:
        ob_str(o, ",\"version\":");
        j_dstr(o, s->version);
        ob_str(o, ",\"status\":");
        ob_u64(o, (uint64_t)s->status);
        ob_str(o, ",\"reason\":");
        j_dstr(o, s->reason);
        ob_str(o, s->interim ? ",\"interim\":true" : ",\"interim\":false");
        break;
    case DEC_STAGE_REQUEST_HEADERS:
    case DEC_STAGE_RESPONSE_HEADERS:
        ob_str(o, ",\"headers\":");
        j_headers(o, s->headers, s->nheaders);
        if (s->kind == DEC_STAGE_RESPONSE_HEADERS)
            ob_str(o, s->interim ? ",\"interim\":true" : ",\"interim\":false");
        break;
    case DEC_STAGE_RESPONSE_BLANK_LINE:
        ob_str(o, s->interim ? ",\"interim\":true" : ",\"interim\":false");
        break;
    case DEC_STAGE_REQUEST_BODY:
    case DEC_STAGE_RESPONSE_BODY: {
        const char *fr = dec_framing_name(s->framing);
        ob_str(o, ",\"framing\":");
        ob_jstr(o, fr, fr ? strlen(fr) : 0);
        ob_str(o, ",\"chunks\":");
        if (s->framing == DEC_FRAMING_CHUNKED)
            ob_u64(o, s->chunks);
        else
            ob_str(o, "null");
        ob_str(o, ",\"body_length\":");
        ob_u64(o, s->body_length);
        ob_str(o, ",\"content_encoding\":");
        j_dstr(o, s->content_encoding);
        ob_str(o, ",\"decoded_length\":");
        j_opt_i64(o, s->decoded_length);
        break;
    }
    case DEC_STAGE_CLOSE:
        ob_str(o, ",\"how\":\"");
        ob_str(o, how_name(s->how));
        ob_str(o, "\",\"initiator\":");
        j_initiator(o, s->initiator);
        break;
    case DEC_STAGE_KEEP_ALIVE:
        ob_str(o, ",\"reason\":");
        ob_jstr(o, s->reason_text, s->reason_text ? strlen(s->reason_text) : 0);
        break;
    default:
        break;
    }
    ob_ch(o, '}');
    ob_eol(o, w->live);
}

static void j_message(struct obuf *o, const struct dec_message *m, bool req)
{
    if (!m->present) {
        ob_str(o, "null");
        return;
    }
    if (req) {
        ob_str(o, "{\"method\":");
        j_dstr(o, m->method);
        ob_str(o, ",\"target\":");
        j_dstr(o, m->target);
        ob_str(o, ",\"version\":");
        j_dstr(o, m->version);
        ob_str(o, ",\"host\":");
        j_dstr(o, m->host);
        ob_str(o, ",\"headers\":");
        j_headers(o, m->headers, m->nheaders);
        ob_str(o, ",\"body_length\":");
        ob_u64(o, m->body_length);
    } else {
        ob_str(o, "{\"version\":");
        j_dstr(o, m->version);
        ob_str(o, ",\"status\":");
        ob_u64(o, (uint64_t)m->status);
        ob_str(o, ",\"reason\":");
        j_dstr(o, m->reason);
        ob_str(o, ",\"headers\":");
        j_headers(o, m->headers, m->nheaders);
        const char *fr = dec_framing_name(m->framing);
        ob_str(o, ",\"framing\":");
        ob_jstr(o, fr, fr ? strlen(fr) : 0);
        ob_str(o, ",\"body_length\":");
        ob_u64(o, m->body_length);
        ob_str(o, ",\"content_encoding\":");
        j_dstr(o, m->content_encoding);
        ob_str(o, ",\"decoded_length\":");
        j_opt_i64(o, m->decoded_length);
    }
    ob_str(o, ",\"first_frame\":");
    ob_u64(o, m->first_frame);
    ob_str(o, ",\"last_frame\":");
    ob_u64(o, m->last_frame);
    ob_ch(o, '}');
}

static void j_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    struct ui_writer *w = ctx;
    struct obuf *o = &w->ob;
    w->exchanges++;
    ob_str(o, "{\"type\":\"exchange\",\"conn\":");
    ob_u64(o, c->id);
    ob_str(o, ",\"exchange\":");
    ob_u64(o, x->index);
    ob_str(o, ",\"request\":");
    j_message(o, &x->request, true);
    ob_str(o, ",\"interim\":[");
    for (size_t i = 0; i < x->ninterim; i++) {
        const struct dec_interim *it = &x->interim[i];
        if (i)
            ob_ch(o, ',');
        ob_str(o, "{\"status\":");
        ob_u64(o, (uint64_t)it->status);
        ob_str(o, ",\"reason\":");
        j_dstr(o, it->reason);
        ob_str(o, ",\"first_frame\":");
        ob_u64(o, it->first_frame);
        ob_str(o, ",\"last_frame\":");
        ob_u64(o, it->last_frame);
        ob_ch(o, '}');
    }
    ob_str(o, "],\"response\":");
    j_message(o, &x->response, false);
    ob_str(o, x->keep_alive ? ",\"keep_alive\":true" : ",\"keep_alive\":false");
    ob_str(o, x->complete ? ",\"complete\":true}" : ",\"complete\":false}");
    ob_eol(o, w->live);
}

static void j_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    struct ui_writer *w = ctx;
    struct obuf *o = &w->ob;
    ob_str(o, "{\"type\":\"note\",\"conn\":");
    if (c)
        ob_u64(o, c->id);
    else
        ob_str(o, "null");
    ob_str(o, ",\"frame\":");
    ob_u64(o, n->frame);
    ob_str(o, ",\"kind\":\"");
    ob_str(o, dec_note_name(n->kind));
    ob_str(o, "\",\"detail\":");
    ob_jstr(o, n->detail, strlen(n->detail));
    if (n->kind == DEC_NOTE_TLS) {
        ob_str(o, ",\"sni\":");
        j_dstr(o, n->sni);
        ob_str(o, ",\"version\":");
        ob_jstr(o, n->tls_version, n->tls_version ? strlen(n->tls_version) : 0);
    }
    ob_ch(o, '}');
    ob_eol(o, w->live);
}

static void j_conn_end(void *ctx, struct dec_conn *c)
{
    struct ui_writer *w = ctx;
    struct obuf *o = &w->ob;
    const struct tr_conn *tc = c->tc;
    ob_str(o, "{\"type\":\"conn_end\",\"conn\":");
    ob_u64(o, c->id);
    ob_str(o, ",\"client_bytes\":");
    ob_u64(o, tc->side[TR_DIR_C2S].bytes);
    ob_str(o, ",\"server_bytes\":");
    ob_u64(o, tc->side[TR_DIR_S2C].bytes);
    ob_str(o, ",\"end\":\"");
    ob_str(o, how_name(tc->close_how));
    ob_str(o, "\",\"initiator\":");
    j_initiator(o, tc->close_initiator);
    ob_str(o, ",\"exchanges\":");
    ob_u64(o, c->exchanges);
    ob_ch(o, '}');
    ob_eol(o, w->live);
}

static void s_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    (void)c;
    (void)x;
    ((struct ui_writer *)ctx)->exchanges++;
}

/* -------------------------------------------------------------- writer -- */

struct ui_writer *ui_writer_new(const struct ui_writer_opts *opts)
{
    struct ui_writer *w = xcalloc(1, sizeof *w);
    w->format = opts->format;
    w->live = opts->live;
    w->utf8 = opts->utf8;
    ob_init(&w->ob, opts->out);
    return w;
}

void ui_writer_sink(struct ui_writer *w, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = w;
    switch (w->format) {
    case UI_FORMAT_JSON:
        out->on_conn = j_conn;
        out->on_stage = j_stage;
        out->on_exchange = j_exchange;
        out->on_note = j_note;
        out->on_conn_end = j_conn_end;
        break;
    case UI_FORMAT_TEXT:
        ui_text_sink(w, out);
        break;
    case UI_FORMAT_STATS:
        out->on_exchange = s_exchange;
        break;
    }
}

void ui_writer_capture(struct ui_writer *w, const struct ui_capture_info *ci)
{
    struct obuf *o = &w->ob;
    if (w->format == UI_FORMAT_TEXT) {
        ui_text_capture(w, ci);
        return;
    }
    if (w->format != UI_FORMAT_JSON)
        return;
    ob_str(o, "{\"type\":\"capture\",\"version\":1,\"source\":");
    ob_jstr(o, ci->source, strlen(ci->source));
    ob_str(o, ",\"link_type\":");
    ob_jstr(o, ci->link_type, strlen(ci->link_type));
    ob_str(o, ",\"snaplen\":");
    ob_u64(o, (uint64_t)(ci->snaplen > 0 ? ci->snaplen : 0));
    ob_ch(o, '}');
    ob_eol(o, w->live);
}

void ui_writer_stats(struct ui_writer *w, const struct ui_stats *st)
{
    struct obuf *o = &w->ob;
    if (w->format == UI_FORMAT_TEXT) {
        ui_text_stats(w, st);
        return;
    }
    ob_str(o, "{\"type\":\"stats\",\"frames\":");
    ob_u64(o, st->frames);
    ob_str(o, ",\"bytes\":");
    ob_u64(o, st->bytes);
    ob_str(o, ",\"tcp_conns\":");
    ob_u64(o, st->tcp_conns);
    ob_str(o, ",\"http_conns\":");
    ob_u64(o, st->http_conns);
    ob_str(o, ",\"exchanges\":");
    ob_u64(o, st->exchanges);
    ob_str(o, ",\"notes\":");
    ob_u64(o, st->notes);
    ob_str(o, ",\"dropped\":");
    ob_u64(o, st->dropped);
    ob_ch(o, '}');
    ob_eol(o, true);
}

uint64_t ui_writer_exchanges(const struct ui_writer *w)
{
    return w->exchanges;
}

bool ui_writer_flush(struct ui_writer *w)
{
    return ob_flush(&w->ob);
}

void ui_writer_free(struct ui_writer *w)
{
    if (!w)
        return;
    ob_done(&w->ob);
    free(w);
}
