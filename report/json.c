/* json.c - the --json transcript (JSON Lines, ../shared/spec/transcript.md,
 * version 1), written as the events pass, and the stats line */
#include "report_int.h"

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

static void j_initiator(struct rep_obuf *o, int initiator)
{
    rep_ob_str(o, initiator == TR_DIR_C2S ? "\"client\"" : initiator == TR_DIR_S2C ? "\"server\"" : "null");
}

static void j_dstr(struct rep_obuf *o, struct dec_str s)
{
    rep_ob_jstr(o, s.p, s.len);
}

static void j_endpoint(struct rep_obuf *o, const struct tr_endpoint *e)
{
    char ip[TR_ADDRSTRLEN];
    tr_addr_format(&e->addr, ip);
    rep_ob_str(o, "{\"ip\":\"");
    rep_ob_str(o, ip);
    rep_ob_str(o, "\",\"port\":");
    rep_ob_u64(o, e->port);
    rep_ob_ch(o, '}');
}

static void j_frames(struct rep_obuf *o, const uint64_t *f, size_t n)
{
    rep_ob_ch(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            rep_ob_ch(o, ',');
        rep_ob_u64(o, f[i]);
    }
    rep_ob_ch(o, ']');
}

static void j_headers(struct rep_obuf *o, const struct dec_header *h, size_t n)
{
    rep_ob_ch(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            rep_ob_ch(o, ',');
        rep_ob_ch(o, '[');
        j_dstr(o, h[i].name);
        rep_ob_ch(o, ',');
        j_dstr(o, h[i].value);
        rep_ob_ch(o, ']');
    }
    rep_ob_ch(o, ']');
}

static void j_opt_i64(struct rep_obuf *o, int64_t v)
{
    if (v < 0)
        rep_ob_str(o, "null");
    else
        rep_ob_i64(o, v);
}

static void j_conn(void *ctx, struct dec_conn *c)
{
    struct rep_out *w = ctx;
    struct rep_obuf *o = &w->ob;
    const struct tr_conn *tc = c->tc;
    rep_ob_str(o, "{\"type\":\"conn\",\"conn\":");
    rep_ob_u64(o, c->id);
    rep_ob_str(o, ",\"client\":");
    j_endpoint(o, &tc->client);
    rep_ob_str(o, ",\"server\":");
    j_endpoint(o, &tc->server);
    rep_ob_str(o, ",\"first_frame\":");
    rep_ob_u64(o, tc->first_frame);
    rep_ob_str(o, ",\"ts\":");
    rep_ob_secs(o, tc->first_ts);
    rep_ob_str(o, tc->syn_seen ? ",\"syn_seen\":true}" : ",\"syn_seen\":false}");
    rep_ob_eol(o, w->live);
}

static void j_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    struct rep_out *w = ctx;
    struct rep_obuf *o = &w->ob;
    static const struct dec_msg none = {0};
    const struct dec_msg *m = s->msg ? s->msg : &none;
    rep_ob_str(o, "{\"type\":\"stage\",\"conn\":");
    rep_ob_u64(o, c->id);
    rep_ob_str(o, ",\"exchange\":");
    j_opt_i64(o, s->exchange);
    rep_ob_str(o, ",\"step\":");
    rep_ob_u64(o, (uint64_t)dec_stage_step(s->kind));
    rep_ob_str(o, ",\"stage\":\"");
    rep_ob_str(o, dec_stage_name(s->kind));
    rep_ob_str(o, "\",\"dir\":\"");
    rep_ob_str(o, dir_name(s->dir));
    rep_ob_str(o, "\",\"frames\":");
    j_frames(o, s->frames, s->nframes);
    rep_ob_str(o, ",\"ts\":");
    rep_ob_secs(o, s->ts);
    rep_ob_str(o, ",\"offset\":");
    rep_ob_u64(o, s->offset);
    rep_ob_str(o, ",\"length\":");
    rep_ob_u64(o, s->length);
    switch (s->kind) {
    case DEC_STAGE_HANDSHAKE:
        rep_ob_str(o, ",\"rtt\":");
        if (s->rtt < 0)
            rep_ob_str(o, "null");
        else
            rep_ob_secs(o, s->rtt);
        break;
    case DEC_STAGE_REQUEST_LINE:
        rep_ob_str(o, ",\"method\":");
        j_dstr(o, m->method);
        rep_ob_str(o, ",\"target\":");
        j_dstr(o, m->target);
        rep_ob_str(o, ",\"version\":");
        j_dstr(o, m->version);
        break;
    case DEC_STAGE_STATUS_LINE:
        rep_ob_str(o, ",\"version\":");
        j_dstr(o, m->version);
        rep_ob_str(o, ",\"status\":");
        rep_ob_u64(o, (uint64_t)m->status);
        rep_ob_str(o, ",\"reason\":");
        j_dstr(o, m->reason);
        rep_ob_str(o, m->interim ? ",\"interim\":true" : ",\"interim\":false");
        break;
    case DEC_STAGE_REQUEST_HEADERS:
    case DEC_STAGE_RESPONSE_HEADERS:
        rep_ob_str(o, ",\"headers\":");
        j_headers(o, m->headers, m->nheaders);
        if (s->kind == DEC_STAGE_RESPONSE_HEADERS)
            rep_ob_str(o, m->interim ? ",\"interim\":true" : ",\"interim\":false");
        break;
    case DEC_STAGE_RESPONSE_BLANK_LINE:
        rep_ob_str(o, m->interim ? ",\"interim\":true" : ",\"interim\":false");
        break;
    case DEC_STAGE_REQUEST_BODY:
    case DEC_STAGE_RESPONSE_BODY: {
        const char *fr = dec_framing_name(m->framing);
        rep_ob_str(o, ",\"framing\":");
        rep_ob_jstr(o, fr, fr ? strlen(fr) : 0);
        rep_ob_str(o, ",\"chunks\":");
        if (m->framing == DEC_FRAMING_CHUNKED)
            rep_ob_u64(o, m->chunks);
        else
            rep_ob_str(o, "null");
        rep_ob_str(o, ",\"body_length\":");
        rep_ob_u64(o, m->body_length);
        rep_ob_str(o, ",\"content_encoding\":");
        j_dstr(o, m->content_encoding);
        rep_ob_str(o, ",\"decoded_length\":");
        j_opt_i64(o, m->decoded_length);
        break;
    }
    case DEC_STAGE_CLOSE:
        rep_ob_str(o, ",\"how\":\"");
        rep_ob_str(o, how_name(s->how));
        rep_ob_str(o, "\",\"initiator\":");
        j_initiator(o, s->initiator);
        break;
    case DEC_STAGE_KEEP_ALIVE:
        rep_ob_str(o, ",\"reason\":");
        rep_ob_jstr(o, s->reason_text, s->reason_text ? strlen(s->reason_text) : 0);
        break;
    default:
        break;
    }
    rep_ob_ch(o, '}');
    rep_ob_eol(o, w->live);
}

static void j_message(struct rep_obuf *o, const struct dec_msg *m)
{
    if (!m) {
        rep_ob_str(o, "null");
        return;
    }
    if (m->request) {
        rep_ob_str(o, "{\"method\":");
        j_dstr(o, m->method);
        rep_ob_str(o, ",\"target\":");
        j_dstr(o, m->target);
        rep_ob_str(o, ",\"version\":");
        j_dstr(o, m->version);
        rep_ob_str(o, ",\"host\":");
        j_dstr(o, m->host);
        rep_ob_str(o, ",\"headers\":");
        j_headers(o, m->headers, m->nheaders);
        rep_ob_str(o, ",\"body_length\":");
        rep_ob_u64(o, m->body_length);
    } else {
        rep_ob_str(o, "{\"version\":");
        j_dstr(o, m->version);
        rep_ob_str(o, ",\"status\":");
        rep_ob_u64(o, (uint64_t)m->status);
        rep_ob_str(o, ",\"reason\":");
        j_dstr(o, m->reason);
        rep_ob_str(o, ",\"headers\":");
        j_headers(o, m->headers, m->nheaders);
        const char *fr = dec_framing_name(m->framing);
        rep_ob_str(o, ",\"framing\":");
        rep_ob_jstr(o, fr, fr ? strlen(fr) : 0);
        rep_ob_str(o, ",\"body_length\":");
        rep_ob_u64(o, m->body_length);
        rep_ob_str(o, ",\"content_encoding\":");
        j_dstr(o, m->content_encoding);
        rep_ob_str(o, ",\"decoded_length\":");
        j_opt_i64(o, m->decoded_length);
    }
    rep_ob_str(o, ",\"first_frame\":");
    rep_ob_u64(o, m->first_frame);
    rep_ob_str(o, ",\"last_frame\":");
    rep_ob_u64(o, m->last_frame);
    rep_ob_ch(o, '}');
}

static void j_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    struct rep_out *w = ctx;
    struct rep_obuf *o = &w->ob;
    rep_ob_str(o, "{\"type\":\"exchange\",\"conn\":");
    rep_ob_u64(o, c->id);
    rep_ob_str(o, ",\"exchange\":");
    rep_ob_u64(o, x->index);
    rep_ob_str(o, ",\"request\":");
    j_message(o, x->request);
    rep_ob_str(o, ",\"interim\":[");
    for (size_t i = 0; i < x->ninterim; i++) {
        const struct dec_msg *it = x->interim[i];
        if (i)
            rep_ob_ch(o, ',');
        rep_ob_str(o, "{\"status\":");
        rep_ob_u64(o, (uint64_t)it->status);
        rep_ob_str(o, ",\"reason\":");
        j_dstr(o, it->reason);
        rep_ob_str(o, ",\"first_frame\":");
        rep_ob_u64(o, it->first_frame);
        rep_ob_str(o, ",\"last_frame\":");
        rep_ob_u64(o, it->last_frame);
        rep_ob_ch(o, '}');
    }
    rep_ob_str(o, "],\"response\":");
    j_message(o, x->response);
    rep_ob_str(o, x->keep_alive ? ",\"keep_alive\":true" : ",\"keep_alive\":false");
    rep_ob_str(o, x->complete ? ",\"complete\":true}" : ",\"complete\":false}");
    rep_ob_eol(o, w->live);
}

static void j_note(void *ctx, struct dec_conn *c, const struct dec_note *n)
{
    struct rep_out *w = ctx;
    struct rep_obuf *o = &w->ob;
    rep_ob_str(o, "{\"type\":\"note\",\"conn\":");
    if (c)
        rep_ob_u64(o, c->id);
    else
        rep_ob_str(o, "null");
    rep_ob_str(o, ",\"frame\":");
    rep_ob_u64(o, n->frame);
    rep_ob_str(o, ",\"kind\":\"");
    rep_ob_str(o, dec_note_name(n->kind));
    rep_ob_str(o, "\",\"detail\":");
    rep_ob_jstr(o, n->detail, strlen(n->detail));
    if (n->kind == DEC_NOTE_TLS) {
        rep_ob_str(o, ",\"sni\":");
        j_dstr(o, n->sni);
        rep_ob_str(o, ",\"version\":");
        rep_ob_jstr(o, n->tls_version, n->tls_version ? strlen(n->tls_version) : 0);
    }
    rep_ob_ch(o, '}');
    rep_ob_eol(o, w->live);
}

static void j_conn_end(void *ctx, struct dec_conn *c)
{
    struct rep_out *w = ctx;
    struct rep_obuf *o = &w->ob;
    const struct tr_conn *tc = c->tc;
    rep_ob_str(o, "{\"type\":\"conn_end\",\"conn\":");
    rep_ob_u64(o, c->id);
    rep_ob_str(o, ",\"client_bytes\":");
    rep_ob_u64(o, tc->side[TR_DIR_C2S].bytes);
    rep_ob_str(o, ",\"server_bytes\":");
    rep_ob_u64(o, tc->side[TR_DIR_S2C].bytes);
    rep_ob_str(o, ",\"end\":\"");
    rep_ob_str(o, how_name(tc->close_how));
    rep_ob_str(o, "\",\"initiator\":");
    j_initiator(o, tc->close_initiator);
    rep_ob_str(o, ",\"exchanges\":");
    rep_ob_u64(o, c->exchanges);
    rep_ob_ch(o, '}');
    rep_ob_eol(o, w->live);
}

void rep_json_sink(struct rep_out *o, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = o;
    out->on_conn = j_conn;
    out->on_stage = j_stage;
    out->on_exchange = j_exchange;
    out->on_note = j_note;
    out->on_conn_end = j_conn_end;
}

void rep_json_capture(struct rep_out *w, const struct rep_capture_info *ci)
{
    struct rep_obuf *o = &w->ob;
    rep_ob_str(o, "{\"type\":\"capture\",\"version\":1,\"source\":");
    rep_ob_jstr(o, ci->source, strlen(ci->source));
    rep_ob_str(o, ",\"link_type\":");
    rep_ob_jstr(o, ci->link_type, strlen(ci->link_type));
    rep_ob_str(o, ",\"snaplen\":");
    rep_ob_u64(o, (uint64_t)(ci->snaplen > 0 ? ci->snaplen : 0));
    rep_ob_ch(o, '}');
    rep_ob_eol(o, w->live);
}

void rep_json_stats(struct rep_out *w, const struct dec_run_stats *st, bool flush)
{
    struct rep_obuf *o = &w->ob;
    rep_ob_str(o, "{\"type\":\"stats\",\"frames\":");
    rep_ob_u64(o, st->frames);
    rep_ob_str(o, ",\"bytes\":");
    rep_ob_u64(o, st->bytes);
    rep_ob_str(o, ",\"tcp_conns\":");
    rep_ob_u64(o, st->tcp_conns);
    rep_ob_str(o, ",\"http_conns\":");
    rep_ob_u64(o, st->http_conns);
    rep_ob_str(o, ",\"exchanges\":");
    rep_ob_u64(o, st->exchanges);
    rep_ob_str(o, ",\"notes\":");
    rep_ob_u64(o, st->notes);
    rep_ob_str(o, ",\"dropped\":");
    rep_ob_u64(o, st->dropped);
    rep_ob_ch(o, '}');
    rep_ob_eol(o, flush);
}
