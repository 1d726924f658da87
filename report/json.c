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

static void j_cstr(struct rep_obuf *o, const char *z)
{
    rep_ob_jstr(o, z, z ? strlen(z) : 0);
}

/* the frames that made an HTTP/2 stage (version 2) */
static void j_h2(struct rep_obuf *o, const struct dec_h2_ref *r, size_t n)
{
    rep_ob_str(o, ",\"h2\":[");
    for (size_t i = 0; i < n; i++) {
        const char *flags[8];
        size_t nf = dec_h2_flag_names(r[i].type, r[i].flags, flags, 8);
        rep_ob_str(o, i ? ",{\"frame\":" : "{\"frame\":");
        rep_ob_u64(o, r[i].frame);
        rep_ob_str(o, ",\"type\":");
        j_cstr(o, dec_h2_type_name(r[i].type));
        rep_ob_str(o, ",\"flags\":[");
        for (size_t k = 0; k < nf; k++) {
            if (k)
                rep_ob_ch(o, ',');
            j_cstr(o, flags[k]);
        }
        rep_ob_str(o, "],\"length\":");
        rep_ob_u64(o, r[i].length);
        rep_ob_ch(o, '}');
    }
    rep_ob_ch(o, ']');
}

static void j_settings(struct rep_obuf *o, const struct dec_h2_kv *kv, size_t n)
{
    rep_ob_str(o, ",\"settings\":[");
    for (size_t i = 0; i < n; i++) {
        const char *name = dec_h2_setting_name(kv[i].id);
        char unknown[32];
        if (!name) {
            snprintf(unknown, sizeof unknown, "SETTINGS_0x%x", kv[i].id);
            name = unknown;
        }
        rep_ob_str(o, i ? ",[" : "[");
        j_cstr(o, name);
        rep_ob_ch(o, ',');
        rep_ob_u64(o, kv[i].value);
        rep_ob_ch(o, ']');
    }
    rep_ob_ch(o, ']');
}

static void j_versions(struct rep_obuf *o, const uint16_t *v, size_t n)
{
    rep_ob_ch(o, '[');
    for (size_t i = 0, k = 0; i < n; i++) {
        const char *name = dec_tls_version_name(v[i]);
        if (!name)
            continue;  /* GREASE and unknown values */
        if (k++)
            rep_ob_ch(o, ',');
        j_cstr(o, name);
    }
    rep_ob_ch(o, ']');
}

static const char *suite_name(uint16_t id)
{
    const struct dec_tls_suite *t = dec_tls_suite(id);
    return t ? t->name : NULL;
}

/* the fields of a TLS stage (version 2) */
static void j_tls_stage(struct rep_obuf *o, const struct dec_stage *s)
{
    const struct dec_tls_stage *t = s->tls_info;
    static const struct dec_tls_stage none;
    if (!t)
        t = &none;
    if (s->kind == DEC_STAGE_TLS_CLIENT_HELLO) {
        rep_ob_str(o, ",\"sni\":");
        j_cstr(o, t->has_sni ? t->sni : NULL);
        rep_ob_str(o, ",\"alpn\":[");
        for (size_t i = 0; i < t->nalpn_offered; i++) {
            if (i)
                rep_ob_ch(o, ',');
            j_cstr(o, t->alpn_offered[i]);
        }
        rep_ob_str(o, "],\"versions\":");
        j_versions(o, t->versions, t->nversions);
    } else if (s->kind == DEC_STAGE_TLS_SERVER_HELLO) {
        rep_ob_str(o, ",\"version\":");
        j_cstr(o, t->version ? dec_tls_version_name(t->version) : NULL);
        rep_ob_str(o, ",\"cipher\":");
        j_cstr(o, t->has_cipher ? suite_name(t->cipher) : NULL);
        rep_ob_str(o, ",\"alpn\":");
        j_cstr(o, t->has_alpn ? t->alpn : NULL);
    }
    if (s->kind != DEC_STAGE_TLS_CLIENT_HELLO) {
        rep_ob_str(o, ",\"messages\":[");
        for (size_t i = 0; i < t->nmessages; i++) {
            if (i)
                rep_ob_ch(o, ',');
            j_cstr(o, t->messages[i]);
        }
        rep_ob_ch(o, ']');
    }
    rep_ob_str(o, t->decrypted ? ",\"decrypted\":true" : ",\"decrypted\":false");
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
    rep_ob_str(o, tc->syn_seen ? ",\"syn_seen\":true" : ",\"syn_seen\":false");
    if (!w->v1) {
        rep_ob_str(o, ",\"dns\":");
        if (c->dns_frame)
            rep_ob_u64(o, c->dns_frame);
        else
            rep_ob_str(o, "null");
    }
    rep_ob_ch(o, '}');
    rep_ob_eol(o, w->live);
}

static void j_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    struct rep_out *w = ctx;
    struct rep_obuf *o = &w->ob;
    static const struct dec_msg none = {0};
    const struct dec_msg *m = s->msg ? s->msg : &none;
    if (w->v1 && (s->kind > DEC_STAGE_KEEP_ALIVE || s->stream || s->tls))
        return;  /* a stage of version 2 (HTTP/2, or inside TLS) */
    rep_ob_str(o, "{\"type\":\"stage\",\"conn\":");
    rep_ob_u64(o, c->id);
    rep_ob_str(o, ",\"exchange\":");
    j_opt_i64(o, s->exchange);
    rep_ob_str(o, ",\"step\":");
    if (dec_stage_step(s->kind) < 0)
        rep_ob_str(o, "null");
    else
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
    if (s->tls && !w->v1)
        rep_ob_str(o, ",\"tls\":true");
    if (s->stream) {
        rep_ob_str(o, ",\"stream\":");
        rep_ob_u64(o, s->stream);
    }
    if (s->nh2)
        j_h2(o, s->h2, s->nh2);
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
        if (m->h2) {
            rep_ob_str(o, ",\"authority\":");
            j_dstr(o, m->authority);
            rep_ob_str(o, ",\"scheme\":");
            j_dstr(o, m->scheme);
        }
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
        if (m->h2) {
            rep_ob_str(o, ",\"pseudo\":");
            j_headers(o, m->pseudo, m->npseudo);
            rep_ob_str(o, ",\"hpack_length\":");
            j_opt_i64(o, m->hpack_length);
            rep_ob_str(o, ",\"decoded_length\":");
            j_opt_i64(o, m->decoded_hlength);
        }
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
    case DEC_STAGE_TLS_CLIENT_HELLO:
    case DEC_STAGE_TLS_SERVER_HELLO:
    case DEC_STAGE_TLS_CLIENT_FINISHED:
        j_tls_stage(o, s);
        break;
    case DEC_STAGE_ENCRYPTED:
        rep_ob_str(o, ",\"records\":");
        rep_ob_u64(o, s->records);
        break;
    case DEC_STAGE_H2_PREFACE:
    case DEC_STAGE_H2_SETTINGS:
        j_settings(o, s->settings, s->nsettings);
        break;
    case DEC_STAGE_PUSH_PROMISE:
        rep_ob_str(o, ",\"promised_stream\":");
        rep_ob_u64(o, s->promised_stream);
        rep_ob_str(o, ",\"method\":");
        j_dstr(o, m->method);
        rep_ob_str(o, ",\"target\":");
        j_dstr(o, m->target);
        break;
    case DEC_STAGE_STREAM_END:
        rep_ob_str(o, ",\"how\":");
        j_cstr(o, s->h2_how ? s->h2_how : "capture_end");
        rep_ob_str(o, ",\"error_code\":");
        j_cstr(o, s->error_code);
        break;
    case DEC_STAGE_GOAWAY:
        rep_ob_str(o, ",\"last_stream\":");
        rep_ob_u64(o, s->last_stream);
        rep_ob_str(o, ",\"error_code\":");
        j_cstr(o, s->error_code);
        break;
    case DEC_STAGE_SOCKS:
        if (s->socks) {
            const struct dec_socks *k = s->socks;
            static const char *const cmds[] = {NULL, "connect", "bind", "udp_associate"};
            rep_ob_str(o, ",\"socks\":{\"version\":");
            j_cstr(o, k->version == 5 ? "5" : k->v4a ? "4a" : "4");
            rep_ob_str(o, ",\"command\":");
            j_cstr(o, k->command < 4 ? cmds[k->command] : NULL);
            rep_ob_str(o, ",\"target\":");
            j_cstr(o, k->host[0] ? k->host : NULL);
            rep_ob_str(o, ",\"port\":");
            rep_ob_u64(o, k->port);
            rep_ob_str(o, k->by_name ? ",\"by_name\":true" : ",\"by_name\":false");
            rep_ob_str(o, ",\"reply\":");
            j_cstr(o, dec_socks_reply_name(k));
            rep_ob_str(o, k->granted ? ",\"granted\":true}" : ",\"granted\":false}");
        }
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
        if (m->h2) {
            rep_ob_str(o, ",\"authority\":");
            j_dstr(o, m->authority);
        }
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

/* version 1: an exchange of version 2 not written, so not counted either
 * (a reader of version 1 sees what httpstep without keys showed) */
static void v1_skip(struct rep_out *w, uint64_t conn)
{
    w->v1skipped++;
    for (size_t i = 0; i < w->nv1skip; i++)
        if (w->v1skip[i].conn == conn) {
            w->v1skip[i].n++;
            return;
        }
    tr_xgrow(&w->v1skip, &w->cv1skip, w->nv1skip + 1, sizeof *w->v1skip);
    w->v1skip[w->nv1skip++] = (struct rep_v1skip){conn, 1};
}

/* the exchanges of a connection that were not written; forgets it */
static uint64_t v1_skipped(struct rep_out *w, uint64_t conn)
{
    for (size_t i = 0; i < w->nv1skip; i++)
        if (w->v1skip[i].conn == conn) {
            uint64_t n = w->v1skip[i].n;
            w->v1skip[i] = w->v1skip[--w->nv1skip];
            return n;
        }
    return 0;
}

static void j_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    struct rep_out *w = ctx;
    struct rep_obuf *o = &w->ob;
    if (w->v1 && (x->stream || (x->request && x->request->tls) ||
                  (x->response && x->response->tls))) {
        v1_skip(w, c->id);
        return;  /* an exchange of version 2 (HTTP/2, or inside TLS) */
    }
    rep_ob_str(o, "{\"type\":\"exchange\",\"conn\":");
    rep_ob_u64(o, c->id);
    rep_ob_str(o, ",\"exchange\":");
    rep_ob_u64(o, x->index);
    if (x->stream && !w->v1) {
        rep_ob_str(o, ",\"stream\":");
        rep_ob_u64(o, x->stream);
        if (x->pushed)
            rep_ob_str(o, ",\"pushed\":true");
    }
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
    if (w->v1 && n->kind > DEC_NOTE_INCOMPLETE) {
        w->v1skipped_notes++;
        return;  /* a note kind of version 2: neither written nor counted */
    }
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
    rep_ob_u64(o, w->v1 ? c->exchanges - v1_skipped(w, c->id) : c->exchanges);
    if (w->v1) {
        rep_ob_ch(o, '}');
        rep_ob_eol(o, w->live);
        return;
    }
    rep_ob_str(o, ",\"protocol\":");
    j_cstr(o, c->protocol);
    const struct dec_tls_facts *t = c->tls_facts;
    if (t) {
        rep_ob_str(o, ",\"tls\":{\"version\":");
        j_cstr(o, t->version ? dec_tls_version_name(t->version) : NULL);
        rep_ob_str(o, ",\"cipher\":");
        j_cstr(o, t->has_suite ? t->suite_name : NULL);
        rep_ob_str(o, ",\"sni\":");
        j_cstr(o, t->has_sni ? t->sni : NULL);
        rep_ob_str(o, ",\"alpn\":");
        j_cstr(o, t->has_alpn ? t->alpn : NULL);
        rep_ob_str(o, t->decrypted ? ",\"decrypted\":true" : ",\"decrypted\":false");
        rep_ob_str(o, ",\"keys\":");
        j_cstr(o, dec_tls_keysrc_name(t->keys));
        rep_ob_str(o, ",\"why_not\":");
        j_cstr(o, dec_tls_why_text(t->why_not));
        rep_ob_ch(o, '}');
    }
    if (c->h2) {
        rep_ob_str(o, ",\"h2\":{\"streams\":");
        rep_ob_u64(o, c->h2->streams);
        rep_ob_str(o, ",\"max_open\":");
        rep_ob_u64(o, c->h2->max_open);
        rep_ob_str(o, ",\"frames\":{");
        for (unsigned k = 0, n = 0; k < 16; k++) {
            const char *name = dec_h2_type_name(k);
            if (!c->h2->frames[k] || !name)
                continue;
            rep_ob_str(o, n++ ? ",\"" : "\"");
            rep_ob_str(o, name);
            rep_ob_str(o, "\":");
            rep_ob_u64(o, c->h2->frames[k]);
        }
        rep_ob_str(o, "}}");
    }
    rep_ob_ch(o, '}');
    rep_ob_eol(o, w->live);
}

static void j_dns(void *ctx, const struct dec_dns_line *d)
{
    struct rep_out *w = ctx;
    struct rep_obuf *o = &w->ob;
    if (w->v1)
        return;
    rep_ob_str(o, "{\"type\":\"dns\",\"frame\":");
    rep_ob_u64(o, d->frame);
    rep_ob_str(o, ",\"ts\":");
    rep_ob_secs(o, d->ts);
    rep_ob_str(o, ",\"client\":");
    j_endpoint(o, &d->client);
    rep_ob_str(o, ",\"server\":");
    j_endpoint(o, &d->server);
    rep_ob_str(o, d->tcp ? ",\"transport\":\"tcp\"" : ",\"transport\":\"udp\"");
    rep_ob_str(o, ",\"id\":");
    rep_ob_u64(o, d->id);
    rep_ob_str(o, ",\"name\":");
    j_cstr(o, d->name);
    rep_ob_str(o, ",\"qtype\":");
    j_cstr(o, d->qtype);
    rep_ob_str(o, ",\"rcode\":");
    j_cstr(o, d->answered ? d->rcode : NULL);
    rep_ob_str(o, ",\"answers\":");
    if (d->answered) {
        rep_ob_ch(o, '[');
        for (size_t i = 0; i < d->nanswers; i++) {
            rep_ob_str(o, i ? ",{\"type\":" : "{\"type\":");
            j_cstr(o, d->answers[i].type);
            rep_ob_str(o, ",\"data\":");
            j_cstr(o, d->answers[i].data);
            rep_ob_str(o, ",\"ttl\":");
            rep_ob_u64(o, d->answers[i].ttl);
            rep_ob_ch(o, '}');
        }
        rep_ob_ch(o, ']');
    } else {
        rep_ob_str(o, "null");
    }
    rep_ob_str(o, ",\"response_frame\":");
    if (d->answered)
        rep_ob_u64(o, d->response_frame);
    else
        rep_ob_str(o, "null");
    rep_ob_str(o, ",\"rtt\":");
    if (d->answered)
        rep_ob_secs(o, d->response_ts - d->ts);
    else
        rep_ob_str(o, "null");
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
    out->on_dns = j_dns;
}

void rep_json_capture(struct rep_out *w, const struct rep_capture_info *ci)
{
    struct rep_obuf *o = &w->ob;
    rep_ob_str(o, w->v1 ? "{\"type\":\"capture\",\"version\":1,\"source\":"
                 : "{\"type\":\"capture\",\"version\":2,\"source\":");
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
    rep_ob_u64(o, w->v1 ? st->exchanges - w->v1skipped : st->exchanges);
    rep_ob_str(o, ",\"notes\":");
    rep_ob_u64(o, w->v1 ? st->notes - w->v1skipped_notes : st->notes);
    rep_ob_str(o, ",\"dropped\":");
    rep_ob_u64(o, st->dropped);
    if (!w->v1) {
        rep_ob_str(o, ",\"dns\":");
        rep_ob_u64(o, st->dns);
        rep_ob_str(o, ",\"decrypted\":");
        rep_ob_u64(o, st->decrypted);
    }
    rep_ob_ch(o, '}');
    rep_ob_eol(o, flush);
}
