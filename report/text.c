/* text.c - the --text transcript: a readable walk through every exchange,
 * lines within 80 columns: per connection its heading, then each exchange
 * as the UI's list numbers it, each step with its frames and time, the
 * lines and headers as sent, the body as text (up to what --preview
 * allows), what a tunnel carries, the close or keep-alive, and every note
 * beside the stage it concerns.
 *
 * From a file each connection is written whole when it ends, and the
 * connections are put in order of their numbers at the end. Live, lines
 * are written as the events come, and a line of a connection other than
 * the one written last is preceded by its name.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#define WIDTH 80
#define IND_X 2      /* an exchange's heading */
#define IND_S 4      /* a stage's heading */
#define IND_D 12     /* a stage's details */

static const char *arrow(bool utf8)
{
    return utf8 ? "\xe2\x86\x92" : "->";
}

/* untrusted bytes made safe: controls and bytes that are not UTF-8 (all
 * high bytes outside a UTF-8 locale) as \xNN, CR LF TAB as \r \n \t */
static void t_bytes(struct tr_sbuf *b, const char *p, size_t n, bool utf8)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f) {
            tr_sb_put(b, p + i, 1);
            continue;
        }
        if (c >= 0x80 && utf8) {
            size_t k = dec_utf8_len((const unsigned char *)p + i, n - i);
            if (k) {
                tr_sb_put(b, p + i, k);
                i += k - 1;
                continue;
            }
        }
        char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
        if (c == '\r')
            tr_sb_str(b, "\\r");
        else if (c == '\n')
            tr_sb_str(b, "\\n");
        else if (c == '\t')
            tr_sb_str(b, "\\t");
        else
            tr_sb_put(b, e, 4);
    }
}

static void t_dstr(struct tr_sbuf *b, struct dec_str s, bool utf8)
{
    if (s.p)
        t_bytes(b, s.p, s.len, utf8);
}

/* a paragraph of b, wrapped: `at` columns are used, further lines indented */
static void t_emit(struct rep_obuf *o, struct tr_sbuf *b, size_t at, size_t indent)
{
    rep_wrap(o, b->p ? b->p : "", b->len, WIDTH, at, indent);
    tr_sb_reset(b);
}

/* a detail line of a stage */
static void t_detail(struct rep_obuf *o, struct tr_sbuf *b, size_t indent)
{
    for (size_t i = 0; i < IND_D; i++)
        rep_ob_ch(o, ' ');
    t_emit(o, b, IND_D, indent);
}

static void t_secs(struct tr_sbuf *b, int64_t usec)
{
    const char *sign = usec < 0 ? "-" : "+";
    uint64_t u = usec < 0 ? (uint64_t)-usec : (uint64_t)usec;
    tr_sb_printf(b, "%s%llu.%06llu s", sign, (unsigned long long)(u / 1000000),
                 (unsigned long long)(u % 1000000));
}

static void t_ms(struct tr_sbuf *b, int64_t usec)
{
    uint64_t u = usec < 0 ? 0 : (uint64_t)usec;
    tr_sb_printf(b, _("%llu.%03llu ms"), (unsigned long long)(u / 1000),
                 (unsigned long long)(u % 1000));
}

/* ------------------------------------------------------------- stages -- */

/* a stage's heading: its step and title, frames and time, in columns */
static void t_stage_head(struct rep_obuf *o, const struct dec_stage *s, tr_time t0)
{
    struct tr_sbuf b = {0};
    rep_stage_step(&b, s);  /* nothing for encrypted bytes, of no step */
    size_t at = IND_S;
    rep_pad(o, 0, IND_S);
    if (b.len) {
        rep_ob_put(o, b.p, b.len);
        at += rep_width(b.p, b.len);
    }
    tr_sb_reset(&b);
    rep_pad(o, at, IND_D);
    at = at < IND_D ? IND_D : at + 1;
    rep_stage_title(&b, s);
    rep_ob_put(o, b.p, b.len);
    at += rep_width(b.p, b.len);
    tr_sb_reset(&b);
    rep_pad(o, at, 32);
    at = at < 32 ? 32 : at + 1;
    /* the frames in their column: fewer ranges, or only their count */
    for (size_t ranges = 3; ranges > 0; ranges--) {
        tr_sb_reset(&b);
        rep_frames(&b, s->frames, s->nframes, ranges, ",", "-");
        if (rep_width(b.p, b.len) < 18)
            break;
    }
    if (rep_width(b.p, b.len) >= 18) {
        tr_sb_reset(&b);
        tr_sb_printf(&b, P_("%zu frame", "%zu frames", s->nframes), s->nframes);
    }
    rep_ob_put(o, b.p, b.len);
    at += rep_width(b.p, b.len);
    tr_sb_reset(&b);
    rep_pad(o, at, 50);
    t_secs(&b, s->ts - t0);
    rep_ob_put(o, b.p, b.len);
    rep_ob_ch(o, '\n');
    tr_sb_free(&b);
}

/* a body's lines as text, each after "| " (a long line goes on, indented,
 * on the next) */
static void t_body_text(struct rep_obuf *o, const uint8_t *p, size_t n, bool utf8)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < n;) {
        const uint8_t *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        size_t k = e;
        if (k > i && p[k - 1] == '\r')
            k--;  /* the line's end, CR LF or LF, is the line break */
        tr_sb_str(&b, k > i ? "| " : "|");
        t_bytes(&b, (const char *)p + i, k - i, utf8);
        t_detail(o, &b, IND_D + 4);
        i = nl ? e + 1 : n;
    }
    tr_sb_free(&b);
}

static void t_body(struct rep_obuf *o, const struct dec_stage *s, size_t show, bool utf8)
{
    const struct dec_msg *m = s->msg;
    struct tr_sbuf b = {0};
    const char *fr = dec_framing_name(m->framing);
    tr_sb_printf(&b, P_("%s, %llu byte", "%s, %llu bytes", m->body_length), fr ? fr : "?",
                 (unsigned long long)m->body_length);
    if (m->framing == DEC_FRAMING_CHUNKED)
        tr_sb_printf(&b, P_(" in %llu chunk", " in %llu chunks", m->chunks),
                     (unsigned long long)m->chunks);
    if (m->content_encoding.p) {
        tr_sb_str(&b, ", ");
        t_dstr(&b, m->content_encoding, utf8);
        if (m->decoded_length >= 0)
            tr_sb_printf(&b, P_(" (%lld byte decoded)", " (%lld bytes decoded)",
                                m->decoded_length),
                         (long long)m->decoded_length);
    }
    if (m->gap_bytes)
        tr_sb_printf(&b, _(", %llu never captured"), (unsigned long long)m->gap_bytes);
    t_detail(o, &b, IND_D + 2);
    bool decoded;
    size_t n;
    const uint8_t *p = rep_body_bytes(s, &n, &decoded);
    uint64_t whole = decoded ? (uint64_t)m->decoded_length : m->body_length;
    if (!p || !n) {
        tr_sb_free(&b);
        return;
    }
    if (!rep_printable(p, n)) {
        tr_sb_str(&b, _("(binary: not shown as text)"));
        t_detail(o, &b, IND_D + 2);
        tr_sb_free(&b);
        return;
    }
    size_t k = n < show ? n : show;
    t_body_text(o, p, k, utf8);
    if (whole > k) {
        tr_sb_printf(&b, _("... the first %zu of %llu bytes (--preview BYTES shows more)"), k,
                     (unsigned long long)whole);
        t_detail(o, &b, IND_D + 2);
    }
    tr_sb_free(&b);
}

static void t_tunnel(struct rep_obuf *o, const struct dec_record *r, const struct dec_stage *s,
                     bool utf8)
{
    struct tr_sbuf b = {0};
    const uint8_t *line;
    size_t n;
    enum rep_tunnel_kind k = rep_tunnel_kind(r, s, &line, &n);
    unsigned long long len = (unsigned long long)s->length;
    bool c2s = s->dir == TR_DIR_C2S;
    switch (k) {
    case REP_TUN_HTTP:
        tr_sb_printf(&b,
                     c2s ? P_("%llu byte from the client, relayed: plain HTTP inside the "
                              "tunnel, which begins",
                              "%llu bytes from the client, relayed: plain HTTP inside the "
                              "tunnel, which begins",
                              len)
                         : P_("%llu byte from the server, relayed: plain HTTP inside the "
                              "tunnel, which begins",
                              "%llu bytes from the server, relayed: plain HTTP inside the "
                              "tunnel, which begins",
                              len),
                     len);
        t_detail(o, &b, IND_D + 2);
        tr_sb_str(&b, "| ");
        t_bytes(&b, (const char *)line, n, utf8);
        t_detail(o, &b, IND_D + 4);
        break;
    case REP_TUN_TLS:
        tr_sb_printf(&b,
                     c2s ? P_("%llu byte from the client, relayed: TLS inside the tunnel "
                              "(encrypted)",
                              "%llu bytes from the client, relayed: TLS inside the tunnel "
                              "(encrypted)",
                              len)
                         : P_("%llu byte from the server, relayed: TLS inside the tunnel "
                              "(encrypted)",
                              "%llu bytes from the server, relayed: TLS inside the tunnel "
                              "(encrypted)",
                              len),
                     len);
        t_detail(o, &b, IND_D + 2);
        break;
    default:
        tr_sb_printf(&b,
                     c2s ? P_("%llu byte from the client, relayed as they are (not HTTP)",
                              "%llu bytes from the client, relayed as they are (not HTTP)", len)
                         : P_("%llu byte from the server, relayed as they are (not HTTP)",
                              "%llu bytes from the server, relayed as they are (not HTTP)", len),
                     len);
        t_detail(o, &b, IND_D + 2);
    }
    tr_sb_free(&b);
}

/* ------------------------------------------------------ HTTP/2, TLS -- */

#define H2_FRAMES_SHOWN 6  /* an HTTP/2 stage's frames listed, the rest counted */

/* the HTTP/2 frames that made a stage: type, flags, payload length, the
 * capture frame; past H2_FRAMES_SHOWN, their count and bytes */
static void t_h2_frames(struct rep_obuf *o, const struct dec_stage *s)
{
    struct tr_sbuf b = {0};
    uint64_t rest = 0;
    for (size_t i = 0; i < s->nh2; i++) {
        const struct dec_h2_ref *f = &s->h2[i];
        if (i >= H2_FRAMES_SHOWN) {
            rest += f->length;
            continue;
        }
        const char *type = dec_h2_type_name(f->type), *flags[8];
        if (type)
            tr_sb_str(&b, type);
        else
            tr_sb_printf(&b, _("frame type 0x%x"), f->type);
        size_t nf = dec_h2_flag_names(f->type, f->flags, flags, 8);
        for (size_t k = 0; k < nf; k++)
            tr_sb_printf(&b, "%s%s", k ? "|" : " [", flags[k]);
        if (nf)
            tr_sb_str(&b, "]");
        tr_sb_printf(&b, P_(", %u byte (frame %llu)", ", %u bytes (frame %llu)", f->length),
                     f->length, (unsigned long long)f->frame);
        t_detail(o, &b, IND_D + 2);
    }
    if (s->nh2 > H2_FRAMES_SHOWN) {
        size_t more = s->nh2 - H2_FRAMES_SHOWN;
        tr_sb_printf(&b, P_("... and %zu more HTTP/2 frame, %llu bytes",
                            "... and %zu more HTTP/2 frames, %llu bytes", more),
                     more, (unsigned long long)rest);
        t_detail(o, &b, IND_D + 2);
    }
    tr_sb_free(&b);
}

/* SETTINGS values as sent, one a line ("none" for an empty SETTINGS) */
static void t_h2_settings(struct rep_obuf *o, const struct dec_stage *s)
{
    struct tr_sbuf b = {0};
    if (!s->nsettings) {
        tr_sb_str(&b, _("no SETTINGS values: the defaults of RFC 9113 hold"));
        t_detail(o, &b, IND_D + 2);
    }
    for (size_t i = 0; i < s->nsettings; i++) {
        const char *name = dec_h2_setting_name(s->settings[i].id);
        if (name)
            tr_sb_printf(&b, "%s = %u", name, s->settings[i].value);
        else
            tr_sb_printf(&b, "SETTINGS_0x%x = %u", s->settings[i].id, s->settings[i].value);
        t_detail(o, &b, IND_D + 4);
    }
    tr_sb_free(&b);
}

/* a header block's size on the wire against the same fields as HTTP/1.1 lines */
static void t_h2_hpack(struct tr_sbuf *b, const struct dec_msg *m)
{
    if (m->decoded_hlength > 0)
        tr_sb_printf(b, _("HPACK: %1$lld bytes on the wire; as HTTP/1.1 header lines %2$lld "
                          "bytes (%3$d%%)"),
                     (long long)m->hpack_length, (long long)m->decoded_hlength,
                     (int)((m->hpack_length * 100 + m->decoded_hlength / 2) / m->decoded_hlength));
    else
        tr_sb_printf(b, _("HPACK: %lld bytes on the wire"), (long long)m->hpack_length);
}

/* TLS versions by name, GREASE and unknown values left out */
static void t_tls_versions(struct tr_sbuf *b, const uint16_t *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const char *name = dec_tls_version_name(v[i]);
        if (name)
            tr_sb_printf(b, "%s%s", k++ ? ", " : "", name);
    }
    if (!k)
        tr_sb_str(b, _("none known"));
}

static bool t_has_message(const struct dec_tls_stage *t, const char *name)
{
    for (size_t i = 0; i < t->nmessages; i++)
        if (t->messages[i] && strcmp(t->messages[i], name) == 0)
            return true;
    return false;
}

/* a TLS handshake stage: what each side offered and chose, and why what
 * follows stays encrypted when it does */
static void t_tls(struct rep_obuf *o, const struct dec_record *r, const struct dec_stage *s,
                  bool utf8)
{
    static const struct dec_tls_stage none;
    const struct dec_tls_stage *t = s->tls_info ? s->tls_info : &none;
    struct tr_sbuf b = {0};
    if (s->kind == DEC_STAGE_TLS_CLIENT_HELLO) {
        tr_sb_str(&b, _("versions offered: "));
        t_tls_versions(&b, t->versions, t->nversions);
        t_detail(o, &b, IND_D + 2);
        tr_sb_str(&b, _("server name (SNI): "));
        if (t->has_sni)
            t_bytes(&b, t->sni, strnlen(t->sni, sizeof t->sni), utf8);
        else
            tr_sb_str(&b, _("none sent"));
        t_detail(o, &b, IND_D + 2);
        tr_sb_str(&b, _("ALPN offered: "));
        for (size_t i = 0; i < t->nalpn_offered; i++) {
            if (i)
                tr_sb_str(&b, ", ");
            t_bytes(&b, t->alpn_offered[i], strnlen(t->alpn_offered[i], 64), utf8);
        }
        if (!t->nalpn_offered)
            tr_sb_str(&b, _("none"));
        t_detail(o, &b, IND_D + 2);
        tr_sb_free(&b);
        return;
    }
    if (s->kind == DEC_STAGE_TLS_SERVER_HELLO) {
        const char *v = t->version ? dec_tls_version_name(t->version) : NULL;
        tr_sb_printf(&b, _("version chosen: %s"), v ? v : _("unknown"));
        t_detail(o, &b, IND_D + 2);
        const struct dec_tls_suite *cs = t->has_cipher ? dec_tls_suite(t->cipher) : NULL;
        if (cs)
            tr_sb_printf(&b, _("cipher suite: %s"), cs->name);
        else if (t->has_cipher)
            tr_sb_printf(&b, _("cipher suite: 0x%04x"), t->cipher);
        else
            tr_sb_printf(&b, _("cipher suite: %s"), _("unknown"));
        t_detail(o, &b, IND_D + 2);
        if (t->has_alpn) {
            tr_sb_str(&b, _("ALPN chosen: "));
            t_bytes(&b, t->alpn, strnlen(t->alpn, sizeof t->alpn), utf8);
        } else if (t->version == 0x0304 && !t_has_message(t, "EncryptedExtensions")) {
            /* TLS 1.3 sends it in EncryptedExtensions, which was not read */
            tr_sb_str(&b, _("ALPN chosen: not seen (TLS 1.3 sends it encrypted)"));
        } else {
            tr_sb_str(&b, _("ALPN chosen: none"));
        }
        t_detail(o, &b, IND_D + 2);
    }
    if (t->nmessages) {
        tr_sb_str(&b, _("handshake messages: "));
        for (size_t i = 0; i < t->nmessages; i++)
            tr_sb_printf(&b, "%s%s", i ? ", " : "", t->messages[i] ? t->messages[i] : "?");
        t_detail(o, &b, IND_D + 2);
    }
    if (s->tls_info && !t->decrypted) {
        const char *why = teach_tls_why_encrypted(r);
        tr_sb_printf(&b, _("encrypted, not decrypted: %s"),
                     why ? why : _("httpstep could not decrypt these records"));
        t_detail(o, &b, IND_D + 2);
    }
    tr_sb_free(&b);
}

static void t_stage(struct rep_obuf *o, const struct dec_record *r, const struct dec_stage *s,
                    tr_time t0, size_t show, bool utf8)
{
    static const struct dec_msg none = {0};
    const struct dec_msg *m = s->msg ? s->msg : &none;
    struct tr_sbuf b = {0};
    t_stage_head(o, s, t0);
    switch (s->kind) {
    case DEC_STAGE_HANDSHAKE:
        if (s->rtt >= 0) {
            struct tr_sbuf d = {0};
            t_ms(&d, s->rtt);
            tr_sb_printf(&b, _("SYN, SYN-ACK, ACK (round trip %s)"), d.p);
            tr_sb_free(&d);
        } else {
            tr_sb_str(&b, _("SYN, SYN-ACK, ACK (incomplete)"));
        }
        t_detail(o, &b, IND_D + 2);
        break;
    case DEC_STAGE_REQUEST_LINE:
        t_dstr(&b, m->method, utf8);
        tr_sb_str(&b, " ");
        t_dstr(&b, m->target, utf8);
        if (m->version.p) {
            tr_sb_str(&b, " ");
            t_dstr(&b, m->version, utf8);
        }
        t_detail(o, &b, IND_D + 2);
        if (m->h2) {
            tr_sb_str(&b, _("(HTTP/2 sends no request line: this one is made of the :method and "
                            ":path pseudo-header fields)"));
            t_detail(o, &b, IND_D + 3);
        }
        break;
    case DEC_STAGE_STATUS_LINE:
        t_dstr(&b, m->version, utf8);
        tr_sb_printf(&b, " %d ", m->status);
        t_dstr(&b, m->reason, utf8);
        t_detail(o, &b, IND_D + 2);
        if (m->h2) {
            tr_sb_str(&b, _("(HTTP/2 sends no status line: this one is made of the :status "
                            "pseudo-header field; HTTP/2 has no reason phrase)"));
            t_detail(o, &b, IND_D + 3);
        }
        break;
    case DEC_STAGE_REQUEST_HEADERS:
    case DEC_STAGE_RESPONSE_HEADERS:
        if (m->h2 && m->npseudo) {  /* HTTP/2: the pseudo-header fields besides */
            tr_sb_printf(&b, P_("%zu header", "%zu headers", m->nheaders), m->nheaders);
            tr_sb_printf(&b, P_(" and %zu pseudo-header field", " and %zu pseudo-header fields",
                                m->npseudo),
                         m->npseudo);
            tr_sb_printf(&b, P_(", %llu byte", ", %llu bytes", s->length),
                         (unsigned long long)s->length);
        } else {
            tr_sb_printf(&b, P_("%zu header, %llu bytes", "%zu headers, %llu bytes", m->nheaders),
                         m->nheaders, (unsigned long long)s->length);
        }
        t_detail(o, &b, IND_D + 2);
        if (m->h2 && m->hpack_length >= 0) {
            t_h2_hpack(&b, m);
            t_detail(o, &b, IND_D + 2);
        }
        for (size_t i = 0; m->h2 && i < m->npseudo; i++) {  /* HTTP/2's, first as sent */
            t_dstr(&b, m->pseudo[i].name, utf8);
            tr_sb_str(&b, ": ");
            t_dstr(&b, m->pseudo[i].value, utf8);
            t_detail(o, &b, IND_D + 4);
        }
        for (size_t i = 0; i < m->nheaders; i++) {
            t_dstr(&b, m->headers[i].name, utf8);
            tr_sb_str(&b, ": ");
            t_dstr(&b, m->headers[i].value, utf8);
            t_detail(o, &b, IND_D + 4);
        }
        break;
    case DEC_STAGE_REQUEST_BLANK_LINE:
    case DEC_STAGE_RESPONSE_BLANK_LINE:
        tr_sb_str(&b, s->length == 2 ? _("CR LF: the empty line that ends the headers")
                                     : _("LF: the empty line that ends the headers"));
        t_detail(o, &b, IND_D + 2);
        break;
    case DEC_STAGE_REQUEST_BODY:
    case DEC_STAGE_RESPONSE_BODY:
        t_body(o, s, show, utf8);
        break;
    case DEC_STAGE_TUNNEL:
        t_tunnel(o, r, s, utf8);
        break;
    case DEC_STAGE_SOCKS:
        if (s->socks && s->dir == TR_DIR_C2S) {
            const struct dec_socks *k = s->socks;
            tr_sb_printf(&b, "SOCKS %s %s %s:%u", k->version == 5 ? "5" : k->v4a ? "4a" : "4",
                         k->command == 2 ? "BIND" : k->command == 3 ? "UDP ASSOCIATE" : "CONNECT",
                         k->host, (unsigned)k->port);
        } else if (s->socks) {
            const char *why = dec_socks_reply_name(s->socks);
            tr_sb_printf(&b, s->socks->granted ? _("granted (%s)") : _("refused (%s)"),
                         why ? _(why) : "?");
        }
        t_detail(o, &b, IND_D + 2);
        break;
    case DEC_STAGE_CLOSE:
        tr_sb_str(&b, s->how == TR_CLOSE_FIN   ? _("closed with FIN")
                      : s->how == TR_CLOSE_RST ? _("reset (RST)")
                                               : _("still open when the capture ended"));
        if (s->initiator >= 0)
            tr_sb_str(&b, s->initiator == TR_DIR_C2S ? _(", the client first")
                                                     : _(", the server first"));
        t_detail(o, &b, IND_D + 2);
        break;
    case DEC_STAGE_KEEP_ALIVE:
        tr_sb_printf(&b, _("the connection stays open for the next request (%s)"),
                     s->reason_text ? s->reason_text : "");
        t_detail(o, &b, IND_D + 2);
        break;
    case DEC_STAGE_DNS_LOOKUP:  /* step 0: the lookup that gave the server's address */
        teach_lookup_summary(s->dns, &b);
        t_detail(o, &b, IND_D + 2);
        break;
    case DEC_STAGE_TLS_CLIENT_HELLO:
    case DEC_STAGE_TLS_SERVER_HELLO:
    case DEC_STAGE_TLS_CLIENT_FINISHED:
        tr_sb_printf(&b, P_("%llu byte", "%llu bytes", s->length), (unsigned long long)s->length);
        t_detail(o, &b, IND_D + 2);
        t_tls(o, r, s, utf8);
        break;
    case DEC_STAGE_ENCRYPTED: {
        const char *why = teach_tls_why_encrypted(r);
        tr_sb_printf(&b, P_("%1$llu bytes in %2$llu TLS record, not decrypted: %3$s",
                            "%1$llu bytes in %2$llu TLS records, not decrypted: %3$s", s->records),
                     (unsigned long long)s->length, (unsigned long long)s->records,
                     why ? why : _("httpstep could not decrypt these records"));
        t_detail(o, &b, IND_D + 2);
        break;
    }
    case DEC_STAGE_H2_PREFACE:
        tr_sb_printf(&b, P_("%llu byte: the client's preface (PRI * HTTP/2.0), then its SETTINGS",
                            "%llu bytes: the client's preface (PRI * HTTP/2.0), then its SETTINGS",
                            s->length),
                     (unsigned long long)s->length);
        t_detail(o, &b, IND_D + 2);
        t_h2_settings(o, s);
        break;
    case DEC_STAGE_H2_SETTINGS:
        tr_sb_printf(&b, P_("%llu byte", "%llu bytes", s->length), (unsigned long long)s->length);
        t_detail(o, &b, IND_D + 2);
        t_h2_settings(o, s);
        break;
    case DEC_STAGE_PUSH_PROMISE:
        tr_sb_printf(&b, _("the server promises stream %u for "), s->promised_stream);
        t_dstr(&b, m->method, utf8);
        tr_sb_str(&b, " ");
        t_dstr(&b, m->target, utf8);
        t_detail(o, &b, IND_D + 2);
        break;
    case DEC_STAGE_STREAM_END: {
        const char *how = s->h2_how ? s->h2_how : "capture_end";
        const char *code = s->error_code ? s->error_code : "?";
        if (strcmp(how, "end_stream") == 0)
            tr_sb_str(&b, _("END_STREAM: the stream is done"));
        else if (strcmp(how, "rst_stream") == 0)
            tr_sb_printf(&b, _("RST_STREAM: the stream is cancelled, error code %s"), code);
        else if (strcmp(how, "goaway") == 0)
            tr_sb_printf(&b, _("ended by the connection's GOAWAY, error code %s"), code);
        else
            tr_sb_str(&b, _("still open when the capture ended"));
        t_detail(o, &b, IND_D + 2);
        break;
    }
    case DEC_STAGE_GOAWAY:
        tr_sb_printf(&b, _("last stream %1$u, error code %2$s"), s->last_stream,
                     s->error_code ? s->error_code : "?");
        t_detail(o, &b, IND_D + 2);
        break;
    default:
        /* a stage kind this writer has no words for: its length */
        tr_sb_printf(&b, P_("%llu byte", "%llu bytes", s->length), (unsigned long long)s->length);
        t_detail(o, &b, IND_D + 2);
        break;
    }
    /* HTTP/2: the frames that made it (DATA lengths, ACKs, RST_STREAM...); a
     * request or status line's HEADERS are its header stage's, told there */
    if (s->nh2 && s->kind != DEC_STAGE_REQUEST_LINE && s->kind != DEC_STAGE_STATUS_LINE)
        t_h2_frames(o, s);
    if (s->tls_info) {  /* the TLS handshake: which key log lines decrypted it */
        struct tr_sbuf k = {0};
        if (teach_tls_keys_phrase(s, &k)) {
            tr_sb_printf(&b, _("decrypted with %s"), k.p);
            t_detail(o, &b, IND_D + 2);
        }
        tr_sb_free(&k);
    }
    tr_sb_free(&b);
}

/* a note of a connection, as a detail of the stage before it */
static void t_note_line(struct rep_obuf *o, const struct dec_note *n, size_t indent, bool utf8)
{
    struct tr_sbuf b = {0};
    tr_sb_printf(&b, _("Note: frame %llu, %s: "), (unsigned long long)n->frame,
                 rep_note_title(n->kind));
    t_bytes(&b, n->detail, strlen(n->detail), utf8);
    rep_pad(o, 0, indent);
    t_emit(o, &b, indent, indent + 2);
    tr_sb_free(&b);
}

/* ------------------------------------------------------- connections -- */

static void t_conn_line(struct rep_obuf *o, const struct tr_conn *tc, bool utf8, bool continued)
{
    struct tr_sbuf b = {0};
    char a[TR_ADDRSTRLEN + 8], s[TR_ADDRSTRLEN + 8];
    if (continued)
        tr_sb_printf(&b, _("Connection %llu (continued):"), (unsigned long long)tc->id);
    else
        tr_sb_printf(&b, _("Connection %1$llu: client %2$s %3$s server %4$s, from frame %5$llu"),
                     (unsigned long long)tc->id, rep_endpoint(a, &tc->client), arrow(utf8),
                     rep_endpoint(s, &tc->server), (unsigned long long)tc->first_frame);
    if (!continued && !tc->syn_seen)
        tr_sb_str(&b, _(" (no handshake captured)"));
    t_emit(o, &b, 0, 2);
    tr_sb_free(&b);
}

static void t_exchange_line(struct rep_obuf *o, const struct dec_exchange *x,
                            const struct rep_ren *rn, size_t row, uint64_t live_num, bool utf8)
{
    struct tr_sbuf b = {0};
    rep_pad(o, 0, IND_X);
    /* the number: the UI's list number (a spool mark), or live the order */
    const char *fmt = rep_exchange_fmt();
    size_t at = IND_X + rep_width(fmt, strlen(fmt)) - 2;
    if (rn) {
        struct rep_ren here = *rn;
        here.o = o;
        rep_ren_numfmt(&here, row, fmt, rep_put_plain);
    } else {
        struct rep_ren live = {.o = o, .num_base = (int64_t)live_num - 1};
        rep_ren_numfmt(&live, 0, fmt, rep_put_plain);
    }
    at += 4;  /* the number (a mark until the end): room for 9999 */
    const struct dec_msg *q = x ? x->request : NULL, *r = x ? x->response : NULL;
    if (rn) {
        q = rn->wk->rows[row].req;
        r = rn->wk->rows[row].rsp;
    }
    if (q) {
        t_dstr(&b, q->method, utf8);
        tr_sb_str(&b, " ");
        t_dstr(&b, q->target, utf8);
    } else {
        tr_sb_str(&b, _("(request not captured)"));
    }
    tr_sb_printf(&b, " %s ", arrow(utf8));
    if (r) {
        tr_sb_printf(&b, "%d", r->status);
        if (r->reason.len) {  /* HTTP/2 has no reason phrase */
            tr_sb_str(&b, " ");
            t_dstr(&b, r->reason, utf8);
        }
        tr_sb_printf(&b, P_(", %llu body byte", ", %llu body bytes", r->body_length),
                     (unsigned long long)r->body_length);
    } else {
        tr_sb_str(&b, _("no response"));
    }
    if (x) {
        tr_sb_str(&b, x->complete ? _(", complete") : _(", incomplete"));
        if (x->keep_alive)
            tr_sb_str(&b, _(", keep-alive"));
    }
    t_emit(o, &b, at, IND_X + 4);
    tr_sb_free(&b);
}

static void t_end_line(struct rep_obuf *o, const struct tr_conn *tc, uint64_t exchanges)
{
    struct tr_sbuf b = {0};
    tr_sb_printf(&b,
                 P_("End of connection %1$llu: %2$llu bytes from the client, %3$llu from the "
                    "server, %4$llu exchange",
                    "End of connection %1$llu: %2$llu bytes from the client, %3$llu from the "
                    "server, %4$llu exchanges",
                    exchanges),
                 (unsigned long long)tc->id, (unsigned long long)tc->side[TR_DIR_C2S].bytes,
                 (unsigned long long)tc->side[TR_DIR_S2C].bytes, (unsigned long long)exchanges);
    rep_pad(o, 0, IND_X);
    t_emit(o, &b, IND_X, IND_X + 2);
    tr_sb_free(&b);
}

/* the notes told after stage k (k -1: before any stage) */
static void t_notes_at(struct rep_obuf *o, const struct dec_record *r, int k, bool utf8)
{
    for (size_t i = 0; i < r->nnotes; i++)
        if (rep_note_stage(r, r->notes[i]) == k)
            t_note_line(o, r->notes[i], k < 0 ? IND_S : IND_D, utf8);
}

static void t_row(struct rep_obuf *o, const struct rep_ren *rn, size_t i)
{
    const struct rep_walk *wk = rn->wk;
    const struct dec_record *r = wk->r;
    const struct rep_row *row = &wk->rows[i];
    rep_ob_ch(o, '\n');
    if (row->x >= 0) {
        t_exchange_line(o, row->xd, rn, i, 0, rn->utf8);
    } else {
        struct tr_sbuf b = {0};
        rep_pad(o, 0, IND_X);
        tr_sb_str(&b, _("No HTTP exchange on this connection"));
        t_emit(o, &b, IND_X, IND_X + 2);
        tr_sb_free(&b);
    }
    for (size_t k = 0; k < row->nstages; k++) {
        int idx = row->stages[k];
        t_stage(o, r, r->stgs[idx], r->tc.first_ts, rn->show, rn->utf8);
        t_notes_at(o, r, idx, rn->utf8);
    }
}

/* a connection whole (from a file): heading, rows, end; chunks of the spool */
void rep_text_conn(struct rep_out *out, const struct rep_ren *rn, const struct dec_conn *c)
{
    const struct dec_record *r = rn->wk->r;
    struct rep_spool *sp = &out->sp;
    struct rep_ren rr = *rn;
    rr.o = rep_spool_begin(sp, 1, (int64_t)c->id, c->id, REP_CH_HEAD, -1);
    rep_ob_ch(rr.o, '\n');
    t_conn_line(rr.o, &r->tc, rn->utf8, false);
    t_notes_at(rr.o, r, -1, rn->utf8);
    for (size_t i = 0; i < rn->wk->nrows; i++) {
        rr.o = rep_spool_begin(sp, 1, (int64_t)c->id, c->id, REP_CH_ROW, (int64_t)i);
        t_row(rr.o, &rr, i);
    }
    rr.o = rep_spool_begin(sp, 1, (int64_t)c->id, c->id, REP_CH_TAIL, -1);
    t_end_line(rr.o, &r->tc, c->exchanges);
    rep_spool_end(sp);
}

/* ---------------------------------------------------------------- live -- */

static void t_live_label(struct rep_out *out, const struct tr_conn *tc)
{
    if (out->last_conn != tc->id) {
        t_conn_line(&out->ob, tc, out->utf8, true);
        out->last_conn = tc->id;
    }
}

void rep_text_live_conn(struct rep_out *out, const struct dec_conn *c)
{
    rep_ob_ch(&out->ob, '\n');
    t_conn_line(&out->ob, c->tc, out->utf8, false);
    out->last_conn = c->id;
    rep_ob_flush(&out->ob);
}

void rep_text_live_stage(struct rep_out *out, const struct dec_conn *c, const struct dec_record *r,
                         const struct dec_stage *s, size_t show)
{
    t_live_label(out, c->tc);
    t_stage(&out->ob, r, s, c->tc->first_ts, show, out->utf8);
    rep_ob_flush(&out->ob);
}

void rep_text_live_exchange(struct rep_out *out, const struct dec_conn *c,
                            const struct dec_exchange *x, uint64_t number)
{
    t_live_label(out, c->tc);
    t_exchange_line(&out->ob, x, NULL, 0, number, out->utf8);
    rep_ob_flush(&out->ob);
}

void rep_text_live_note(struct rep_out *out, const struct dec_conn *c, const struct dec_note *n)
{
    if (c)
        t_live_label(out, c->tc);
    t_note_line(&out->ob, n, c ? IND_S : 0, out->utf8);
    rep_ob_flush(&out->ob);
}

void rep_text_live_end(struct rep_out *out, const struct dec_conn *c)
{
    t_live_label(out, c->tc);
    t_end_line(&out->ob, c->tc, c->exchanges);
    rep_ob_flush(&out->ob);
}

/* ------------------------------------------------------ capture, end -- */

void rep_text_capture(struct rep_out *out, const struct rep_capture_info *ci)
{
    struct tr_sbuf b = {0};
    tr_sb_str(&b, _("httpstep: the seven steps of HTTP in "));
    t_bytes(&b, ci->source, strlen(ci->source), out->utf8);
    tr_sb_printf(&b, _(" (%1$s, link type %2$s, snaplen %3$d)"),
                 ci->live ? _("live") : _("capture file"), ci->link_type, ci->snaplen);
    t_emit(&out->ob, &b, 0, 2);
    tr_sb_free(&b);
    if (out->live)
        rep_ob_flush(&out->ob);
}

static void t_stats(struct rep_obuf *o, const struct dec_run_stats *st)
{
    struct tr_sbuf b = {0};
    tr_sb_printf(&b, P_("In all: %llu frame (%llu bytes)", "In all: %llu frames (%llu bytes)",
                        st->frames),
                 (unsigned long long)st->frames, (unsigned long long)st->bytes);
    tr_sb_printf(&b, P_(", %llu TCP connection", ", %llu TCP connections", st->tcp_conns),
                 (unsigned long long)st->tcp_conns);
    tr_sb_printf(&b, _(", %llu with HTTP or HTTPS"), (unsigned long long)st->http_conns);
    tr_sb_printf(&b, P_(", %llu exchange", ", %llu exchanges", st->exchanges),
                 (unsigned long long)st->exchanges);
    tr_sb_printf(&b, P_(", %llu note", ", %llu notes", st->notes), (unsigned long long)st->notes);
    if (st->dropped)
        tr_sb_printf(&b, P_(", %llu packet dropped by the kernel",
                            ", %llu packets dropped by the kernel", st->dropped),
                     (unsigned long long)st->dropped);
    rep_ob_ch(o, '\n');
    t_emit(o, &b, 0, 2);
    tr_sb_free(&b);
}

void rep_text_end(struct rep_out *out, const struct rep_end *e)
{
    struct rep_obuf *o = &out->ob;
    if (!out->live) {
        rep_spool_sort(&out->sp);
        for (size_t i = 0; i < out->sp.n; i++) {
            const struct rep_chunk *c = &out->sp.ch[i];
            rep_spool_copy(&out->sp, c, o, e->base(e->w, c->conn));
        }
        if (e->nfnotes || e->fnotes_more)
            rep_ob_ch(o, '\n');
        for (size_t i = 0; i < e->nfnotes; i++)
            t_note_line(o, e->fnotes[i], 0, e->utf8);
        if (e->fnotes_more) {
            struct tr_sbuf b = {0};
            tr_sb_printf(&b, P_("... and %llu more note of frames outside any connection",
                                "... and %llu more notes of frames outside any connection",
                                e->fnotes_more),
                         (unsigned long long)e->fnotes_more);
            t_emit(o, &b, 0, 2);
            tr_sb_free(&b);
        }
    }
    if (e->nlookups && !e->goto_x) {
        struct tr_sbuf b = {0};
        rep_ob_ch(o, '\n');
        tr_sb_str(&b, _("DNS lookups without an answer or with an error (no connection can follow "
                        "them):"));
        t_emit(o, &b, 0, 2);
        for (size_t i = 0; i < e->nlookups; i++) {
            tr_sb_reset(&b);
            teach_lookup_summary(e->lookups[i], &b);
            rep_pad(o, 0, IND_S);
            t_emit(o, &b, IND_S, IND_S + 2);
        }
        tr_sb_free(&b);
    }
    if (e->st->http_conns == 0 && e->st->exchanges == 0) {
        struct tr_sbuf b = {0};
        rep_ob_ch(o, '\n');
        tr_sb_str(&b, _("No HTTP in this capture: no request, response or TLS handshake was "
                        "found. Try -p PORT for another server port, or a filter expression."));
        t_emit(o, &b, 0, 0);
        tr_sb_free(&b);
    }
    t_stats(o, e->st);
    rep_ob_flush(o);
}
