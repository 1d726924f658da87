/* lead.c - the answer in view (issue 14): each stage's text opens with the
 * stage's real values in one or two lines (what was sent, its parts, the
 * figures and the frames), before the general lesson that follows
 */
#include "teach_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NAMES_MAX 16  /* header names listed in a lead */

/* ---------------------------------------------------------- handshake -- */

static void lead_handshake(struct teach_ex *e)
{
    const struct tr_conn *tc = &e->d->tc;
    const char *client = teach_endpoint(e, &tc->client), *server = teach_endpoint(e, &tc->server);
    if (!tc->syn_seen) {
        teach_para(e, _("Client %1$s, server %2$s: no handshake in the capture, which begins "
                        "with this connection already open (frame %3$llu)."),
                   client, server, (unsigned long long)tc->first_frame);
        return;
    }
    static const char *const names[3] = {"SYN", "SYN-ACK", "ACK"};
    struct tr_sbuf b = {0};
    for (int i = 0; i < 3; i++) {
        if (i)  /* TRANSLATORS: between the parts of a list in a lead line */
            tr_sb_str(&b, _("; "));
        const struct dec_pkt *p = tc->hs_frames[i] ? teach_pkt_of(e->d, tc->hs_frames[i]) : NULL;
        if (!p)
            tr_sb_printf(&b, _("%s not captured"), names[i]);
        else if (i == 0)
            tr_sb_printf(&b, _("%1$s in frame %2$llu (seq %3$u)"), names[i],
                         (unsigned long long)p->seg.frame, p->seg.rel_seq);
        else
            tr_sb_printf(&b, _("%1$s in frame %2$llu (seq %3$u, ack %4$u)"), names[i],
                         (unsigned long long)p->seg.frame, p->seg.rel_seq, p->seg.rel_ack);
    }
    const char *parts = teach_own(e, tr_sb_take(&b));
    if (e->s->rtt >= 0)
        teach_para(e, _("Client %1$s, server %2$s: %3$s. Round trip, SYN to ACK: %4$s."), client,
                   server, parts, teach_duration(e, e->s->rtt));
    else
        teach_para(e, _("Client %1$s, server %2$s: %3$s."), client, server, parts);
}

/* ------------------------------------------------------ request line -- */

static void lead_request_line(struct teach_ex *e)
{
    const struct dec_msg *m = e->s->msg;
    const char *method = teach_clip(e, m->method.p ? teach_val(e, m->method) : "");
    const char *target = teach_clip(e, m->target.p ? teach_val(e, m->target) : "");
    const char *pseudo = m->h2 ? teach_h2_pseudo_list(e, m) : NULL;
    if (pseudo)
        teach_para(e, _("Stream %1$u, a HEADERS frame in %2$s: %3$s. They are the request "
                        "line, %4$s %5$s, as pseudo-header fields."),
                   e->s->stream, teach_frames_phrase(e, e->s), pseudo, method, target);
    else if (m->h2)
        teach_para(e, _("Stream %1$u: the method %2$s and the path %3$s, from the pseudo-header "
                        "fields."),
                   e->s->stream, method, target);
    else if (m->version.p)
        teach_para(e, _("%1$s %2$s %3$s: three parts, the method %1$s, the target %2$s and the "
                        "version %3$s."),
                   method, target, teach_clip(e, teach_val(e, m->version)));
    else
        teach_para(e, _("%1$s %2$s: two parts, the method %1$s and the target %2$s, and no "
                        "version (HTTP/0.9)."),
                   method, target);
}

/* ------------------------------------------------------------ headers -- */

/* the names of a message's headers, "Host, Accept" (NAMES_MAX of them, then
 * "..."), or NULL without headers */
static const char *header_names(struct teach_ex *e, const struct dec_msg *m)
{
    const char *names = NULL;
    for (size_t i = 0; i < m->nheaders && i < NAMES_MAX; i++) {
        const struct dec_header *h = &m->headers[i];
        const char *name = teach_clip(e, h->name.p ? teach_val(e, h->name) : "");
        /* TRANSLATORS: joins the names of a list: "Host, Accept" */
        names = names ? teach_printf(e, _("%1$s, %2$s"), names, name) : name;
    }
    if (m->nheaders > NAMES_MAX)
        names = teach_printf(e, "%s%s", names, _(", ..."));
    return names;
}

static void lead_headers(struct teach_ex *e)
{
    const struct dec_msg *m = e->s->msg;
    if (m->h2 && m->hpack_length >= 0) {
        const char *names = header_names(e, m);
        const char *nh = teach_printf(e, P_("%zu header field", "%zu header fields", m->nheaders),
                                      m->nheaders);
        const char *np = teach_printf(
            e, P_("%zu pseudo-header field", "%zu pseudo-header fields", m->npseudo), m->npseudo);
        if (names)
            teach_para(e, _("Stream %1$u: a header block of %2$lld bytes (HPACK) with %3$s and "
                            "%4$s: %5$s."),
                       e->s->stream, (long long)m->hpack_length, nh, np, names);
        else
            teach_para(e, _("Stream %1$u: a header block of %2$lld bytes (HPACK) with %3$s and "
                            "%4$s."),
                       e->s->stream, (long long)m->hpack_length, nh, np);
        return;
    }
    if (m->nheaders == 0) {
        teach_para_str(e, teach_stage_cut(e) ? _("No header was captured.")
                                             : _("No headers: 0 bytes."));
        return;
    }
    const char *names = header_names(e, m);
    teach_para(e, P_("%1$zu header, %2$llu bytes: %3$s.", "%1$zu headers, %2$llu bytes: %3$s.",
                     m->nheaders),
               m->nheaders, (unsigned long long)e->s->length, names);
}

/* -------------------------------------------------------- blank lines -- */

static void lead_blank_line(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const char *what = s->length == 1 ? _("LF (0a), without the CR,") : _("CR LF (0d 0a)");
    uint64_t head = s->msg && s->offset + s->length >= s->msg->offset
                        ? s->offset + s->length - s->msg->offset
                        : 0;
    unsigned long long frame = s->nframes ? (unsigned long long)s->frames[0] : 0;
    if (s->kind == DEC_STAGE_REQUEST_BLANK_LINE)
        teach_para(e, _("%1$s in frame %2$llu ends the request's head: %3$llu bytes with the "
                        "request line and the headers."),
                   what, frame, (unsigned long long)head);
    else
        teach_para(e, _("%1$s in frame %2$llu ends the response's head: %3$llu bytes with the "
                        "status line and the headers."),
                   what, frame, (unsigned long long)head);
}

/* -------------------------------------------------------------- bodies -- */

static const char *framing_phrase(struct teach_ex *e, const struct dec_msg *m)
{
    switch (m->framing) {
    case DEC_FRAMING_LENGTH:
        return teach_printf(e, _("Content-Length: %llu"), (unsigned long long)m->content_length);
    case DEC_FRAMING_CHUNKED:
        return teach_printf(e, P_("chunked, %llu chunk", "chunked, %llu chunks", m->chunks),
                            (unsigned long long)m->chunks);
    case DEC_FRAMING_CLOSE:
        return _("until the connection closes");
    case DEC_FRAMING_H2:
        return _("HTTP/2 DATA frames");
    default:
        return _("no length");
    }
}

static void lead_body(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const struct dec_msg *m = s->msg;
    bool req = s->kind == DEC_STAGE_REQUEST_BODY;
    const struct dec_header *ct = req ? teach_hfind(e->x.qh, e->x.nqh, "Content-Type")
                                      : teach_hfind(e->x.rh, e->x.nrh, "Content-Type");
    const char *type = ct && ct->value.p ? teach_clip(e, teach_val(e, ct->value))
                                         : _("data without a Content-Type");
    teach_para(e, _("%1$llu bytes of %2$s (%3$s), in %4$s."), (unsigned long long)m->body_length,
               type, framing_phrase(e, m), teach_frames_phrase(e, s));
    if (m->content_encoding.p && m->decoded_length >= 0)
        teach_para(e, _("Content-Encoding %1$s: %2$lld bytes once decompressed."),
                   teach_clip(e, teach_val(e, m->content_encoding)), (long long)m->decoded_length);
}

/* -------------------------------------------------------- status line -- */

static void lead_status_line(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const struct dec_msg *m = s->msg;
    const char *version = teach_clip(e, m->version.p ? teach_val(e, m->version) : "");
    const char *reason = teach_clip(e, m->reason.p ? teach_val(e, m->reason) : "");
    const char *took = NULL;
    if (e->x.rl >= 0 && e->x.rl < e->idx && s->ts >= e->d->stgs[e->x.rl]->ts)
        took = teach_duration(e, s->ts - e->d->stgs[e->x.rl]->ts);
    if (m->h2 && took)
        teach_para(e, _("Stream %1$u: :status %2$d in %3$s, the status line without a reason "
                        "phrase; %4$s after the request's HEADERS."),
                   s->stream, m->status, teach_frames_phrase(e, s), took);
    else if (m->h2)
        teach_para(e, _("Stream %1$u: :status %2$d in %3$s, the status line without a reason "
                        "phrase."),
                   s->stream, m->status, teach_frames_phrase(e, s));
    else if (took)
        teach_para(e, _("%1$s %2$d %3$s: the version %1$s, the status code %2$d and the reason "
                        "phrase \"%3$s\"; %4$s after the request line."),
                   version, m->status, reason, took);
    else
        teach_para(e, _("%1$s %2$d %3$s: the version %1$s, the status code %2$d and the reason "
                        "phrase \"%3$s\"."),
                   version, m->status, reason);
}

/* ------------------------------------------------------------- tunnel -- */

static void lead_tunnel(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    teach_para(e,
               s->dir == TR_DIR_C2S
                   ? _("%1$llu bytes from the client to the server through the tunnel, in %2$s.")
                   : _("%1$llu bytes from the server to the client through the tunnel, in %2$s."),
               (unsigned long long)s->length, teach_frames_phrase(e, s));
}

/* ---------------------------------------------------------- dispatch -- */

void teach_lead(struct teach_ex *e)
{
    switch (e->s->kind) {
    case DEC_STAGE_HANDSHAKE:
        lead_handshake(e);
        break;
    case DEC_STAGE_REQUEST_LINE:
        lead_request_line(e);
        break;
    case DEC_STAGE_REQUEST_HEADERS:
    case DEC_STAGE_RESPONSE_HEADERS:
        lead_headers(e);
        break;
    case DEC_STAGE_REQUEST_BLANK_LINE:
    case DEC_STAGE_RESPONSE_BLANK_LINE:
        lead_blank_line(e);
        break;
    case DEC_STAGE_REQUEST_BODY:
    case DEC_STAGE_RESPONSE_BODY:
        lead_body(e);
        break;
    case DEC_STAGE_STATUS_LINE:
        lead_status_line(e);
        break;
    case DEC_STAGE_TUNNEL:
        lead_tunnel(e);
        break;
    default:  /* keep-alive and close: their composers open with it (explain.c) */
        break;
    }
}
