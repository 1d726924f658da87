/* explain_h2.c - what HTTP/2 shows of the seven steps (RFC 9113 for the
 * frames, streams, settings and error codes, RFC 7541 for HPACK): the
 * preface and the SETTINGS, the push promise, a stream's end and GOAWAY;
 * and the helpers the message stages use for HTTP/2 (pseudo-header fields,
 * header compression, the streams open at once)
 */
#include "teach_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define H2_DATA 0x0
#define H2_HEADERS 0x1
#define H2_SETTINGS 0x4
#define H2_PING 0x6
#define H2_WINDOW_UPDATE 0x8
#define H2_FLAG_ACK 0x1         /* SETTINGS, PING */
#define H2_FLAG_END_STREAM 0x1  /* DATA, HEADERS */

static const char *side(enum tr_dir d)
{
    /* TRANSLATORS: who sent a frame */
    return d == TR_DIR_C2S ? _("client") : _("server");
}

/* does the stage hold a frame of this type (with all of these flags)? */
static size_t count_frames(const struct dec_stage *s, uint8_t type, uint8_t flags)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nh2; i++)
        n += s->h2[i].type == type && (s->h2[i].flags & flags) == flags;
    return n;
}

/* ------------------------------------------------------------ streams -- */

/* the time a stream is in progress: from its first frame to its last */
struct span {
    uint32_t stream;
    tr_time lo, hi;
};

/* the streams of the record with their spans; returns how many */
static size_t stream_spans(const struct dec_record *d, struct span *out, size_t max)
{
    size_t n = 0;
    for (size_t k = 0; k < d->nstgs; k++) {
        const struct dec_stage *g = d->stgs[k];
        if (!g->stream || g->kind == DEC_STAGE_PUSH_PROMISE)
            continue;
        size_t i = 0;
        while (i < n && out[i].stream != g->stream)
            i++;
        if (i == n) {
            if (n == max)
                continue;
            out[n++] = (struct span){g->stream, g->ts, g->ts_end > g->ts ? g->ts_end : g->ts};
            continue;
        }
        if (g->ts < out[i].lo)
            out[i].lo = g->ts;
        if (g->ts_end > out[i].hi)
            out[i].hi = g->ts_end;
        if (g->ts > out[i].hi)
            out[i].hi = g->ts;
    }
    return n;
}

#define SPANS_MAX 256

void teach_h2_alongside(struct teach_ex *e)
{
    uint32_t me = e->s->stream;
    if (!me)
        return;
    struct span *sp = tr_xcalloc(SPANS_MAX, sizeof *sp);
    size_t n = stream_spans(e->d, sp, SPANS_MAX), mine = n;
    for (size_t i = 0; i < n; i++)
        if (sp[i].stream == me)
            mine = i;
    struct tr_sbuf b = {0};
    size_t count = 0;
    for (size_t i = 0; mine < n && i < n; i++) {
        if (i == mine || sp[i].lo > sp[mine].hi || sp[i].hi < sp[mine].lo)
            continue;
        if (count < TEACH_FRAMES_MAX) {
            if (b.len)
                tr_sb_str(&b, _(", "));
            tr_sb_printf(&b, "%u", sp[i].stream);
        }
        count++;
    }
    free(sp);
    if (!count) {
        tr_sb_free(&b);
        return;
    }
    if (count > TEACH_FRAMES_MAX)
        tr_sb_str(&b, _(", ..."));
    teach_para(e, P_("While stream %1$u was in progress, stream %2$s was too, on the same "
                     "connection: one began before the other ended, and their frames take "
                     "turns on the wire. That is multiplexing: one TCP connection carries "
                     "several exchanges at once, where HTTP/1.1 needs one connection for each "
                     "exchange in progress.",
                     "While stream %1$u was in progress, streams %2$s were too, on the same "
                     "connection: each began before the other ended, and their frames take "
                     "turns on the wire. That is multiplexing: one TCP connection carries "
                     "several exchanges at once, where HTTP/1.1 needs one connection for each "
                     "exchange in progress.",
                     count),
               me, teach_own(e, tr_sb_take(&b)));
}

/* ":method GET, :scheme https, :path /" (escaped), or NULL */
const char *teach_h2_pseudo_list(struct teach_ex *e, const struct dec_msg *m)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < m->npseudo && i < TEACH_HEADERS_MAX; i++) {
        char *n = teach_safe_dup(m->pseudo[i].name.p ? m->pseudo[i].name.p : "",
                                 m->pseudo[i].name.len);
        char *v = teach_safe_dup(m->pseudo[i].value.p ? m->pseudo[i].value.p : "",
                                 m->pseudo[i].value.len);
        if (b.len)
            tr_sb_str(&b, _(", "));
        tr_sb_printf(&b, "%s %s", n, teach_clip(e, v));
        free(n);
        free(v);
    }
    return b.p ? teach_own(e, tr_sb_take(&b)) : NULL;
}

/* the stage of exchange x with this kind, or NULL */
static const struct dec_stage *stage_of(const struct dec_record *d, int64_t x,
                                        enum dec_stage_kind k)
{
    for (size_t i = 0; i < d->nstgs; i++)
        if (d->stgs[i]->exchange == x && d->stgs[i]->kind == k)
            return d->stgs[i];
    return NULL;
}

/* header compression made visible (RFC 7541) */
void teach_h2_hpack(struct teach_ex *e)
{
    const struct dec_msg *m = e->s->msg;
    if (!m || m->hpack_length < 0)
        return;
    if (m->decoded_hlength > 0) {
        int pct = (int)((m->hpack_length * 100 + m->decoded_hlength / 2) / m->decoded_hlength);
        teach_para(e, _("HPACK made visible: this header block took %1$lld bytes on the wire; the "
                        "same fields written as HTTP/1.1 header lines take %2$lld bytes, so the "
                        "block is %3$d%% of that size."),
                   (long long)m->hpack_length, (long long)m->decoded_hlength, pct);
    } else {
        teach_para(e, _("This header block took %lld bytes on the wire, compressed with HPACK."),
                   (long long)m->hpack_length);
    }
    teach_para_str(e, _("HPACK compresses in three ways: a common field such as :method GET is "
                        "the number of its entry in a fixed table of 61 (the static table); a "
                        "field sent before on this connection is the number of its entry in a "
                        "table both sides fill as they go (the dynamic table); other text may be "
                        "Huffman-coded."));
    if (e->s->exchange <= 0)
        return;
    const struct dec_stage *first = stage_of(e->d, 0, e->s->kind);
    const struct dec_msg *fm = first ? first->msg : NULL;
    if (fm && fm->h2 && fm->hpack_length > m->hpack_length)
        teach_para(e, _("The first header block of this kind on the connection (stream %1$u) took "
                        "%2$lld bytes, this one %3$lld: the fields it repeats now travel as "
                        "indexes into the dynamic table."),
                   first->stream, (long long)fm->hpack_length, (long long)m->hpack_length);
}

/* other frames the stage holds that a learner should know */
void teach_h2_frames(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    if (count_frames(s, H2_WINDOW_UPDATE, 0))
        teach_para_str(e, _("Among its frames is a WINDOW_UPDATE: flow control. Each side may "
                            "send only as many DATA bytes as the other has granted, per stream "
                            "and for the connection; WINDOW_UPDATE grants more."));
    if (count_frames(s, H2_PING, 0))
        teach_para_str(e, _("Among its frames is a PING: one side checks that the other is "
                            "still there and measures the round trip; the answer is a PING with "
                            "the ACK flag and the same 8 bytes."));
}

/* ------------------------------------------------- preface, settings -- */

static const char *setting_text(uint16_t id, uint32_t value, bool client)
{
    switch (id) {
    case DEC_H2_SET_HEADER_TABLE_SIZE:
        return N_("%1$s = %2$u: the %3$s's HPACK decoder keeps up to %2$u bytes of header fields "
                  "in its dynamic table, which the %4$s may refer to by number (4096 by "
                  "default).");
    case DEC_H2_SET_ENABLE_PUSH:
        return !client ? N_("%1$s = %2$u: only a client's value matters, since only a server "
                            "pushes; a server may send 0.")
               : value ? N_("%1$s = %2$u: the %3$s allows server push: the %4$s may send what it "
                            "expects the %3$s to ask for next.")
                       : N_("%1$s = %2$u: the %3$s refuses server push: the %4$s must not push "
                            "on this connection.");
    case DEC_H2_SET_MAX_CONCURRENT_STREAMS:
        return N_("%1$s = %2$u: the %3$s accepts at most %2$u streams open at once from the %4$s: "
                  "how far multiplexing may go.");
    case DEC_H2_SET_INITIAL_WINDOW_SIZE:
        return N_("%1$s = %2$u: flow control: the %4$s may send up to %2$u bytes of DATA on each "
                  "new stream before the %3$s grants more with WINDOW_UPDATE (65535 by "
                  "default).");
    case DEC_H2_SET_MAX_FRAME_SIZE:
        return N_("%1$s = %2$u: the %3$s takes frames with up to %2$u bytes of payload (16384 by "
                  "default, the least allowed).");
    case DEC_H2_SET_MAX_HEADER_LIST_SIZE:
        return N_("%1$s = %2$u: the %3$s takes header lists of up to %2$u bytes (names and values "
                  "decoded, plus 32 bytes per field); the %4$s should send no larger ones.");
    case DEC_H2_SET_ENABLE_CONNECT_PROTOCOL:
        return N_("%1$s = %2$u: 1 means the %3$s allows the extended CONNECT of RFC 8441, which "
                  "carries WebSockets over an HTTP/2 stream.");
    case DEC_H2_SET_NO_RFC7540_PRIORITIES:
        return N_("%1$s = %2$u: 1 means the %3$s ignores RFC 7540's stream priorities (RFC "
                  "9218 replaces them with the Priority header).");
    default:
        return NULL;
    }
}

/* "HEADER_TABLE_SIZE=4096, ENABLE_PUSH=0" */
static const char *settings_brief(struct teach_ex *e, const struct dec_stage *s)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < s->nsettings; i++) {
        const char *name = dec_h2_setting_name(s->settings[i].id);
        if (b.len)
            tr_sb_str(&b, _(", "));
        if (name && strncmp(name, "SETTINGS_", 9) == 0)
            name += 9;
        if (name)
            tr_sb_printf(&b, "%s=%u", name, s->settings[i].value);
        else
            tr_sb_printf(&b, "0x%04x=%u", s->settings[i].id, s->settings[i].value);
    }
    return teach_own(e, b.p ? tr_sb_take(&b) : tr_xstrdup(""));
}

static void explain_settings(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    bool client = s->dir == TR_DIR_C2S;
    const char *me = side(s->dir), *other = side(client ? TR_DIR_S2C : TR_DIR_C2S);
    if (!s->nsettings)
        teach_para(e, _("The %s's SETTINGS frame is empty: it keeps every default of RFC 9113 (a "
                        "dynamic table of 4096 bytes, a window of 65535 bytes, frames up to 16384 "
                        "bytes, no limit on open streams)."),
                   me);
    for (size_t i = 0; i < s->nsettings; i++) {
        const char *name = dec_h2_setting_name(s->settings[i].id);
        const char *t = setting_text(s->settings[i].id, s->settings[i].value, client);
        if (t && name)
            teach_para(e, _(t), name, s->settings[i].value, me, other);
        else
            teach_para(e, _("Setting 0x%1$04x = %2$u: one httpstep does not know; a receiver "
                            "ignores a setting it does not know."),
                       s->settings[i].id, s->settings[i].value);
    }
    if (count_frames(s, H2_SETTINGS, H2_FLAG_ACK))
        teach_para(e, _("Here the %1$s also sent a SETTINGS frame with the ACK flag and no "
                        "content: it acknowledges the %2$s's settings, which apply from then "
                        "on."),
                   me, other);
    else
        teach_para_str(e, _("Each side acknowledges the other's SETTINGS with an empty SETTINGS "
                            "frame carrying the ACK flag; settings apply once acknowledged."));
}

/* was there a 101 Switching Protocols on this connection (h2c by Upgrade)? */
static bool upgraded(const struct dec_record *d)
{
    for (size_t k = 0; k < d->nstgs; k++)
        if (d->stgs[k]->kind == DEC_STAGE_STATUS_LINE && d->stgs[k]->msg &&
            d->stgs[k]->msg->status == 101)
            return true;
    return false;
}

void teach_explain_h2_preface(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    teach_para(e, _("The HTTP/2 preface and the client's SETTINGS, %1$llu bytes in %2$s: %3$s."),
               (unsigned long long)s->length, teach_frames_phrase(e, s),
               s->nsettings ? settings_brief(e, s) : _("no settings (the defaults)"));
    teach_para_str(e, _("Step 1e: HTTP/2 begins with the client's connection preface, 24 bytes "
                        "that never change: PRI * HTTP/2.0, an empty line, SM, an empty line. A "
                        "server that speaks only HTTP/1.1 refuses them as a bad request, so both "
                        "sides know at once that they speak HTTP/2. A SETTINGS frame follows, "
                        "with the client's parameters for this connection."));
    if (teach_tls_alpn_h2(e->d))
        teach_para_str(e, _("The two sides chose HTTP/2 in the TLS handshake: the server picked "
                            "h2 among the protocols the client offered (ALPN)."));
    else if (!s->tls && upgraded(e->d))
        teach_para_str(e, _("The client asked for HTTP/2 with the headers Upgrade: h2c and "
                            "HTTP2-Settings on an HTTP/1.1 request, the server agreed with 101 "
                            "Switching Protocols, and the answer to that first request comes on "
                            "stream 1."));
    else if (!s->tls)
        teach_para_str(e, _("This is h2c, HTTP/2 in clear text, by prior knowledge: the client "
                            "began with the preface without asking first; anyone on the path "
                            "can read it, as with HTTP/1.1 on port 80."));
    else
        teach_para_str(e, _("Which protocol the TLS handshake chose is not known here; httpstep "
                            "recognised HTTP/2 by this preface."));
    explain_settings(e);
    teach_para_str(e, _("From here on everything is a frame: 9 bytes of header (length, type, "
                        "flags, stream number) and a payload. Each exchange gets a stream "
                        "number, odd for those the client opens."));
}

void teach_explain_h2_settings(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    teach_para(e, _("The %1$s's SETTINGS, %2$llu bytes in %3$s: %4$s."), side(s->dir),
               (unsigned long long)s->length, teach_frames_phrase(e, s),
               s->nsettings ? settings_brief(e, s) : _("no settings (the defaults)"));
    teach_para_str(e, _("Step 1f: the server's first frame is its own SETTINGS: its parameters "
                        "for the connection, which the client must respect. With the client's "
                        "preface and these, the HTTP/2 connection is set up, and requests may "
                        "follow, each on its own stream."));
    explain_settings(e);
    teach_h2_frames(e);
}

/* -------------------------------------------------------- error codes -- */

static const struct {
    const char *name, *text;
} error_texts[] = {
    {"NO_ERROR", N_("no error: a graceful end")},
    {"PROTOCOL_ERROR", N_("the other side broke the HTTP/2 protocol")},
    {"INTERNAL_ERROR", N_("something went wrong inside the sender")},
    {"FLOW_CONTROL_ERROR", N_("the other side sent more than flow control allowed")},
    {"SETTINGS_TIMEOUT", N_("a SETTINGS frame was not acknowledged in time")},
    {"STREAM_CLOSED", N_("a frame came on a stream already closed")},
    {"FRAME_SIZE_ERROR", N_("a frame had a size that is not allowed")},
    {"REFUSED_STREAM", N_("the stream was refused before any work on it: the request may safely "
                          "be sent again")},
    {"CANCEL", N_("the stream is no longer needed (a browser cancels a download it stopped, or "
                  "a push it does not want)")},
    {"COMPRESSION_ERROR", N_("the header compression (HPACK) state was broken")},
    {"CONNECT_ERROR", N_("the connection a CONNECT request asked for failed")},
    {"ENHANCE_YOUR_CALM", N_("the other side sends too much: the sender asks it to calm down")},
    {"INADEQUATE_SECURITY", N_("the TLS parameters are too weak for HTTP/2")},
    {"HTTP_1_1_REQUIRED", N_("the server wants this request over HTTP/1.1 instead")},
    {NULL, NULL}
};

static const char *error_text(const char *name)
{
    for (size_t i = 0; name && error_texts[i].name; i++)
        if (strcmp(error_texts[i].name, name) == 0)
            return _(error_texts[i].text);
    return _("a code RFC 9113 does not define");
}

/* ---------------------------------------------------------- push ------ */

void teach_explain_push_promise(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const struct dec_msg *m = s->msg;
    const char *method = m && m->method.p ? teach_clip(e, teach_val(e, m->method)) : NULL;
    const char *target = m && m->target.p ? teach_clip(e, teach_val(e, m->target)) : NULL;
    method = teach_not_captured(method);
    target = teach_not_captured(target);
    /* the stream that carried the frame, when the stage names it apart
     * from the promised one */
    uint32_t on = s->stream != s->promised_stream ? s->stream : 0;
    if (on)
        teach_para(e, _("PUSH_PROMISE on stream %1$u, in %2$s: the server promises stream %3$u, "
                        "for %4$s %5$s."),
                   on, teach_frames_phrase(e, s), s->promised_stream, method, target);
    else
        teach_para(e, _("PUSH_PROMISE in %1$s: the server promises stream %2$u, for %3$s %4$s."),
                   teach_frames_phrase(e, s), s->promised_stream, method, target);
    teach_para(e, _("Step 6c, server push: on the stream of a request the browser sent, the "
                    "server announces a request the browser did not send, %1$s %2$s, and will "
                    "send its answer on the new stream %3$u (an even number: a stream the server "
                    "opened). It pushes what it expects the browser to need next, such as the "
                    "style sheet of the page it asked for, to save the round trip of asking."),
               method, target, s->promised_stream);
    teach_para_str(e, _("The browser may refuse a push with RST_STREAM, for example when it "
                        "already has that file in its cache; it does not know in advance what "
                        "the server will push."));
}

/* ------------------------------------------------------ stream end ---- */

void teach_explain_stream_end(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const char *how = s->h2_how ? s->h2_how : "";
    const char *code = s->error_code ? s->error_code : "NO_ERROR";
    if (strcmp(how, "end_stream") == 0) {
        teach_para(e, _("Stream %1$u ends, in %2$s: END_STREAM was set in both directions."),
                   s->stream, teach_frames_phrase(e, s));
        teach_para(e, _("Step 7 for stream %u: each side set the flag END_STREAM on its last "
                        "frame, so the stream is closed. The TCP connection stays open for other "
                        "streams: HTTP/2 needs no keep-alive and no Connection: close, every "
                        "request opens a new stream on the same connection, and a stream number "
                        "is never used twice."),
                   s->stream);
    } else if (strcmp(how, "rst_stream") == 0) {
        teach_para(e, _("Stream %1$u ends, in %2$s: RST_STREAM from the %3$s, error code %4$s."),
                   s->stream, teach_frames_phrase(e, s), side(s->dir), code);
        teach_para(e, _("Step 7 for stream %1$u: the %2$s cancelled it with a RST_STREAM frame. "
                        "Error code %3$s: %4$s. Only this stream ends; the connection and its "
                        "other streams go on, where HTTP/1.1 would have had to close the whole "
                        "connection to stop a response."),
                   s->stream, side(s->dir), code, error_text(code));
    } else if (strcmp(how, "goaway") == 0) {
        teach_para(e, _("Stream %1$u ends with the connection's GOAWAY, error code %2$s, in %3$s."),
                   s->stream, code, teach_frames_phrase(e, s));
        teach_para(e, _("Step 7 for stream %1$u: the connection is going away (GOAWAY, error code "
                        "%2$s: %3$s), and this stream had not finished before it."),
                   s->stream, code, error_text(code));
    } else if (strcmp(how, "conn_close") == 0) {
        teach_para(e, _("Stream %u was still open when the TCP connection closed: it ended "
                        "without END_STREAM."),
                   s->stream);
    } else {
        teach_para(e, _("Stream %u was still open when the capture ended: its end is not in the "
                        "capture."),
                   s->stream);
    }
    teach_h2_alongside(e);
    teach_h2_frames(e);
}

void teach_explain_goaway(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const char *code = s->error_code ? s->error_code : "NO_ERROR";
    teach_para(e, _("GOAWAY from the %1$s, in %2$s: last stream %3$u, error code %4$s."),
               side(s->dir), teach_frames_phrase(e, s), s->last_stream, code);
    if (s->dir == TR_DIR_S2C) {
        teach_para(e, _("Step 7 for the whole connection: with GOAWAY the server says it starts "
                        "and accepts no new stream. It processed the client's streams up to "
                        "number %1$u; a stream above it was not processed and may be sent again "
                        "on a new connection. Error code %2$s: %3$s."),
                   s->last_stream, code, error_text(code));
        teach_para_str(e, _("The streams still open may finish; then the TCP connection closes. "
                            "GOAWAY lets a server restart or shed load without cutting a request "
                            "in the middle."));
    } else {
        teach_para(e, _("Step 7 for the whole connection: with GOAWAY the client says it is done "
                        "with this connection and opens no new stream on it. The last stream "
                        "the server opened (a push) that it processed is number %1$u (0: "
                        "none). Error code %2$s: %3$s."),
                   s->last_stream, code, error_text(code));
    }
}
