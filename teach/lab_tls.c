/* lab_tls.c - lab mode (issue 19): the questions of an HTTPS capture (the
 * TLS handshake: the version and cipher suite the server chose and what the
 * suite's parts mean, the server name and why anyone on the path reads it,
 * the ALPN protocol, the ServerHello's frame, whether the URL shows without
 * keys, a TLS 1.2 certificate's subject) and of HTTP/2 (streams, a path's
 * stream, a stream's :status, HPACK against the decoded size, the streams
 * open at once, a pushed path), each from the first connection that holds
 * its fact
 */
#include "lab_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- TLS -- */

/* the first connection with a ServerHello (not a HelloRetryRequest) */
static const struct dec_record *tls_conn(const struct teach_lab *l, const struct dec_stage **ch,
                                         const struct dec_stage **sh)
{
    for (size_t c = 0; c < l->nconns; c++) {
        const struct dec_record *r = &l->conns[c]->rec;
        const struct dec_stage *h = NULL;
        for (size_t i = 0; i < r->nstgs; i++) {
            const struct dec_stage *s = r->stgs[i];
            const struct dec_tls_stage *t = s->tls_info;
            if (s->kind == DEC_STAGE_TLS_SERVER_HELLO && t && !t->hrr && t->nmessages &&
                t->messages[0] && strcmp(t->messages[0], "ServerHello") == 0 && s->nframes) {
                h = s;
                break;
            }
        }
        if (!h)
            continue;
        *sh = h;
        *ch = teach_lab_stage_kind(r, DEC_STAGE_TLS_CLIENT_HELLO);
        return r;
    }
    return NULL;
}

static void where(struct teach_lab_q *q, const struct dec_record *r, const struct dec_stage *s)
{
    q->conn = r->conn_id;
    q->exchange = -1;
    q->stage = s->kind;
    q->frame = s->nframes ? s->frames[0] : 0;
    q->packet = true;
}

/* the version the server chose, and three it did not */
static void q_tls_version(struct teach_lab *l, const struct dec_record *r,
                          const struct dec_stage *sh)
{
    static const uint16_t all[] = {0x0304, 0x0303, 0x0302, 0x0301};
    const struct dec_tls_stage *t = sh->tls_info;
    const char *v = dec_tls_version_name(t->version);
    if (!v)
        return;
    const char *opts[4] = {v};
    size_t n = 1;
    for (size_t i = 0; i < 4 && n < 4; i++)
        if (all[i] != t->version)
            opts[n++] = dec_tls_version_name(all[i]);
    struct teach_lab_q *q = teach_lab_add_q(l, "tls_version", TEACH_LAB_CHOICE);
    q->text = teach_lab_printf(_("Which TLS version did the server choose on connection %llu?"),
                               (unsigned long long)r->conn_id);
    teach_lab_set_choices(q, n, opts);
    q->why = teach_lab_printf(_("Its ServerHello says %s."), v);
    where(q, r, sh);
}

/* three other suites of the same kind (TLS 1.3's, or TLS 1.2's) */
static size_t other_suites(const struct dec_tls_suite *st, const char **out)
{
    static const uint16_t s13[] = {0x1301, 0x1302, 0x1303, 0x1304};
    static const uint16_t s12[] = {0xc02f, 0xc030, 0xc02b, 0xc02c, 0xcca8, 0x009c, 0xc013};
    const uint16_t *v = st->tls13 ? s13 : s12;
    size_t nv = st->tls13 ? 4 : 7, n = 0;
    for (size_t i = 0; i < nv && n < 3; i++) {
        const struct dec_tls_suite *o = dec_tls_suite(v[i]);
        if (o && o->id != st->id)
            out[n++] = o->name;
    }
    return n;
}

/* what the parts of a suite's name mean (the first is the part asked about) */
enum suite_part { PART_KX, PART_AUTH, PART_CIPHER, PART_HASH };

static const char *part_text(enum suite_part p)
{
    switch (p) {
    case PART_KX:
        return _("how the two sides agree on a secret key (the key exchange)");
    case PART_AUTH:
        return _("how the server proves who it is (with its certificate's key)");
    case PART_CIPHER:
        return _("the cipher that encrypts every record and detects any change");
    default:
        return _("the hash from which the keys are derived");
    }
}

static void q_tls_cipher(struct teach_lab *l, const struct dec_record *r,
                         const struct dec_stage *sh)
{
    const struct dec_tls_stage *t = sh->tls_info;
    const struct dec_tls_suite *st = t->has_cipher ? dec_tls_suite(t->cipher) : NULL;
    if (!st || st->kx == DEC_TLS_KX_SCSV || st->kx == DEC_TLS_KX_NULL_KX)
        return;
    const char *opts[4] = {st->name};
    size_t n = 1 + other_suites(st, opts + 1);
    struct teach_lab_q *q = teach_lab_add_q(l, "tls_cipher", TEACH_LAB_CHOICE);
    q->text = teach_lab_printf(_("Which cipher suite did the server choose on connection %llu?"),
                               (unsigned long long)r->conn_id);
    teach_lab_set_choices(q, n, opts);
    q->why = teach_lab_printf(_("Its ServerHello names %s (0x%04x)."), st->name, st->id);
    where(q, r, sh);

    /* a part of its name: the key exchange of a TLS 1.2 suite, the cipher of a 1.3 one */
    const struct dec_tls_cipher_info *ci = dec_tls_cipher_info(st->cipher);
    const char *kx = dec_tls_kx_name(st->kx);
    bool ask_kx = !st->tls13 && (st->kx == DEC_TLS_KX_ECDHE || st->kx == DEC_TLS_KX_DHE ||
                                 st->kx == DEC_TLS_KX_RSA);
    if (!ask_kx && (!ci || ci->kind == DEC_TLS_CK_NONE || ci->kind == DEC_TLS_CK_STREAM))
        return;
    const char *part = ask_kx ? kx : ci->name;
    q = teach_lab_add_q(l, "tls_suite_part", TEACH_LAB_CHOICE);
    q->text = teach_lab_printf(_("In the cipher suite %s, what does the part %s say?"), st->name,
                               part);
    const char *p[4] = {part_text(ask_kx ? PART_KX : PART_CIPHER),
                        part_text(ask_kx ? PART_CIPHER : PART_KX), part_text(PART_AUTH),
                        part_text(PART_HASH)};
    teach_lab_set_choices(q, 4, p);
    if (ask_kx)
        q->why = st->kx == DEC_TLS_KX_RSA
                     ? teach_lab_printf(_("%s: the client encrypts the secret with the server's "
                                          "RSA key (RFC 5246 7.4.7.1)."),
                                        kx)
                     : teach_lab_printf(_("%s: ephemeral Diffie-Hellman, keys made for this "
                                          "connection only (RFC 8422, RFC 5246 8.1.2)."),
                                        kx);
    else
        q->why = teach_lab_printf(_("%s encrypts and authenticates every record (an AEAD cipher, "
                                    "RFC 8446 5.2); in TLS 1.3 the key exchange is not in the "
                                    "suite's name."),
                                  ci->name);
    where(q, r, sh);
}

/* the server name, and why anyone on the path reads it */
static void q_tls_sni(struct teach_lab *l, const struct dec_record *r, const struct dec_stage *ch)
{
    const struct dec_tls_stage *t = ch ? ch->tls_info : NULL;
    if (!t || !t->has_sni || !t->sni[0] || !ch->nframes)
        return;
    size_t len = strnlen(t->sni, sizeof t->sni);
    char *name = teach_lab_wire((struct dec_str){t->sni, len}, 255);
    struct teach_lab_q *q = teach_lab_add_q(l, "tls_sni", TEACH_LAB_NAME);
    q->text = teach_lab_printf(_("Which server name (SNI) does the client ask for in its "
                                 "ClientHello on connection %llu?"),
                               (unsigned long long)r->conn_id);
    q->accept[q->naccept++] = tr_xstrdup(name);
    q->answer = tr_xstrdup(name);
    q->why = teach_lab_printf(_("Frame %llu: the ClientHello's server_name extension says %s."),
                              (unsigned long long)ch->frames[0], name);
    where(q, r, ch);

    q = teach_lab_add_q(l, "tls_sni_why", TEACH_LAB_CHOICE);
    q->text = teach_lab_printf(_("The connection is HTTPS, yet anyone on the path can read the "
                                 "name %s. Why?"),
                               name);
    free(name);
    const char *opts[] = {
        _("the ClientHello travels in clear text: no key exists before the handshake"),
        _("the server sends the name back unencrypted in its HTTP response"),
        _("the name is encrypted with a key everyone knows"),
        _("the name is in the IP header of every packet"),
    };
    teach_lab_set_choices(q, 4, opts);
    q->why = teach_lab_printf(_("Frame %llu: the ClientHello is the first message: the keys are "
                                "agreed only after it, so it and its SNI are in clear text (RFC "
                                "6066 3)."),
                              (unsigned long long)ch->frames[0]);
    where(q, r, ch);
}

static void q_tls_alpn(struct teach_lab *l, const struct dec_record *r, const struct dec_stage *sh)
{
    const struct dec_tls_stage *t = sh->tls_info;
    if (!t->has_alpn || !t->alpn[0])
        return;
    struct teach_lab_q *q = teach_lab_add_q(l, "tls_alpn", TEACH_LAB_NAME);
    q->text = teach_lab_printf(_("Which application protocol (ALPN) did the server choose on "
                                 "connection %llu?"),
                               (unsigned long long)r->conn_id);
    q->accept[q->naccept++] =
        teach_lab_wire((struct dec_str){t->alpn, strnlen(t->alpn, sizeof t->alpn)}, 63);
    q->answer = tr_xstrdup(q->accept[0]);
    q->why = t->version == 0x0304
                 ? teach_lab_printf(_("Frame %llu: in the server's first flight, its "
                                      "EncryptedExtensions say %s (encrypted in TLS 1.3: httpstep "
                                      "read them with the keys)."),
                                    (unsigned long long)sh->frames[0], q->accept[0])
                 : teach_lab_printf(_("Frame %llu: the ServerHello's ALPN extension says %s."),
                                    (unsigned long long)sh->frames[0], q->accept[0]);
    where(q, r, sh);
}

static void q_tls_frame(struct teach_lab *l, const struct dec_record *r, const struct dec_stage *sh)
{
    if (sh->nframes > TEACH_LAB_MAX_ALSO)
        return;
    struct teach_lab_q *q = teach_lab_add_q(l, "tls_server_hello_frame", TEACH_LAB_NUMBER);
    q->text = teach_lab_printf(_("In which frame does the server's ServerHello arrive on "
                                 "connection %llu?"),
                               (unsigned long long)r->conn_id);
    teach_lab_set_number(q, sh->frames[0]);
    for (size_t k = 1; k < sh->nframes; k++)
        q->also[q->nalso++] = sh->frames[k];
    q->why = teach_lab_printf(_("Frame %llu: the first bytes of the server's answer to the "
                                "ClientHello."),
                              (unsigned long long)sh->frames[0]);
    where(q, r, sh);
}

/* can the URL be seen without keys? (asked where HTTP went inside TLS) */
static void q_tls_url(struct teach_lab *l, const struct dec_record *r, const struct dec_stage *ch)
{
    const struct dec_stage *req = NULL, *enc = NULL;
    for (size_t i = 0; i < r->nstgs && !req; i++) {
        const struct dec_stage *s = r->stgs[i];
        if (s->kind == DEC_STAGE_REQUEST_LINE && s->tls && s->msg && s->nframes)
            req = s;
        else if (s->kind == DEC_STAGE_ENCRYPTED && s->dir == TR_DIR_C2S && !enc && s->nframes)
            enc = s;
    }
    if (!req && !enc)
        return;
    bool sni = ch && ch->tls_info && ch->tls_info->has_sni;
    struct teach_lab_q *q = teach_lab_add_q(l, "tls_url", TEACH_LAB_CHOICE);
    q->text = teach_lab_printf(_("Without the TLS keys, can an eavesdropper read the URL (the "
                                 "path) of the requests on connection %llu?"),
                               (unsigned long long)r->conn_id);
    const char *opts[] = {
        sni ? _("no: the request travels in encrypted records; only the server name (SNI) and "
                "the addresses show")
            : _("no: the request travels in encrypted records; only the addresses show"),
        _("yes: the URL is in the ClientHello"),
        _("yes: HTTPS encrypts only the body"),
        _("only its first part, up to the first '/'"),
    };
    teach_lab_set_choices(q, 4, opts);
    if (req) {
        char *name = teach_lab_request_name(req->msg);
        q->why = teach_lab_printf(_("Frame %llu carries %s inside TLS application data: httpstep "
                                    "reads it only because the capture came with the keys."),
                                  (unsigned long long)req->frames[0], name);
        free(name);
        where(q, r, req);
        q->exchange = req->exchange;
        q->packet = false;
    } else {
        q->why = teach_lab_printf(_("Frame %llu on: the client's records stay encrypted; without "
                                    "the keys httpstep cannot read them either."),
                                  (unsigned long long)enc->frames[0]);
        where(q, r, enc);
    }
}

/* The CN of an RFC 2253 name ("C=US,O=x,CN=*.example.com"; ',' and '+'
 * separate attributes, a backslash escapes the next character): its value,
 * escapes as they stand, or false when there is none */
static bool cn_of(const char *dn, size_t len, struct dec_str *out)
{
    bool start = true;  /* at the beginning of an attribute */
    for (size_t i = 0; i < len; i++) {
        if (start && len - i > 3 && strncmp(dn + i, "CN=", 3) == 0) {
            size_t k = i + 3;
            while (k < len && dn[k] != ',' && dn[k] != '+')
                k += dn[k] == '\\' && k + 1 < len ? 2 : 1;
            *out = (struct dec_str){dn + i + 3, k - i - 3};
            return true;
        }
        start = dn[i] == ',' || dn[i] == '+';
        if (dn[i] == '\\')
            i++;  /* an escaped character is not a separator */
    }
    return false;
}

/* TLS 1.2 (and older): the certificate travels in clear text */
static void q_tls_cert(struct teach_lab *l, const struct dec_record *r, const struct dec_stage *sh)
{
    const struct dec_tls_stage *t = sh->tls_info;
    if (!t->has_cert || t->version == 0x0304 || !t->cert_subject[0])
        return;
    size_t len = strnlen(t->cert_subject, sizeof t->cert_subject);
    struct dec_str cn;
    if (!cn_of(t->cert_subject, len, &cn))
        return;
    struct teach_lab_q *q = teach_lab_add_q(l, "tls_cert_subject", TEACH_LAB_NAME);
    q->text = teach_lab_printf(_("Whom does the server's certificate on connection %llu name as "
                                 "its subject (its common name, CN)?"),
                               (unsigned long long)r->conn_id);
    /* the CN's value, "CN=" and it, or the whole subject */
    q->accept[q->naccept++] = teach_lab_wire(cn, 200);
    q->accept[q->naccept++] = teach_lab_printf("CN=%s", q->accept[0]);
    q->accept[q->naccept++] = teach_lab_wire((struct dec_str){t->cert_subject, len}, 255);
    q->answer = tr_xstrdup(q->accept[0]);
    q->why = teach_lab_printf(_("Frame %llu: the Certificate message, in clear text in %s: "
                                "subject %s."),
                              (unsigned long long)sh->frames[0],
                              dec_tls_version_name(t->version) ? dec_tls_version_name(t->version)
                                                               : "TLS",
                              q->accept[2]);
    where(q, r, sh);
}

void teach_lab_tls_questions(struct teach_lab *l)
{
    const struct dec_stage *ch = NULL, *sh = NULL;
    const struct dec_record *r = tls_conn(l, &ch, &sh);
    if (!r)
        return;
    q_tls_version(l, r, sh);
    q_tls_cipher(l, r, sh);
    q_tls_sni(l, r, ch);
    q_tls_alpn(l, r, sh);
    q_tls_frame(l, r, sh);
    q_tls_url(l, r, ch);
    q_tls_cert(l, r, sh);
}

/* ------------------------------------------------------------- HTTP/2 -- */

static const struct lab_conn *h2_conn(const struct teach_lab *l)
{
    for (size_t c = 0; c < l->nconns; c++) {
        const struct lab_conn *lc = l->conns[c];
        if (lc->have_h2 && lc->h2.streams && lc->rec.nxs)
            return lc;
    }
    return NULL;
}

/* is x's request the only one of r so named ("GET /index.html")? */
static bool unique_name(const struct dec_record *r, const struct dec_exchange *x)
{
    const struct dec_msg *m = x->request;
    for (size_t i = 0; i < r->nxs; i++) {
        const struct dec_exchange *o = r->xs[i];
        if (o && o != x && o->request && o->request->method.len == m->method.len &&
            o->request->target.len == m->target.len &&
            (!m->method.len || memcmp(o->request->method.p, m->method.p, m->method.len) == 0) &&
            (!m->target.len || memcmp(o->request->target.p, m->target.p, m->target.len) == 0))
            return false;
    }
    return true;
}

/* an exchange of r on a stream with a request and a response (pushed or
 * not): the second when there is one (the first stream's header block
 * fills HPACK's table), else the first */
static const struct dec_exchange *h2_exchange(const struct dec_record *r, bool pushed, bool second)
{
    const struct dec_exchange *first = NULL;
    for (size_t i = 0; i < r->nxs; i++) {
        const struct dec_exchange *x = r->xs[i];
        if (!x || !x->stream || !x->request || !x->response || x->pushed != pushed)
            continue;
        if (first && second)
            return x;
        if (!first)
            first = x;
    }
    return first;
}

void teach_lab_h2_questions(struct teach_lab *l)
{
    const struct lab_conn *lc = h2_conn(l);
    if (!lc)
        return;
    const struct dec_record *r = &lc->rec;
    struct teach_lab_q *q = teach_lab_add_q(l, "h2_streams", TEACH_LAB_NUMBER);
    q->text = teach_lab_printf(_("How many HTTP/2 streams were opened on connection %llu (the "
                                 "server's pushed ones too)?"),
                               (unsigned long long)r->conn_id);
    teach_lab_set_number(q, lc->h2.streams);
    q->why = teach_lab_printf(P_("%llu stream: HTTP/2 carries each exchange on a stream of its "
                                 "own.",
                                 "%llu streams: HTTP/2 carries each exchange on a stream of its "
                                 "own.",
                                 lc->h2.streams),
                              (unsigned long long)lc->h2.streams);
    teach_lab_where_stage(q, r, 0, DEC_STAGE_REQUEST_LINE, false);

    if (lc->h2.max_open) {
        q = teach_lab_add_q(l, "h2_max_open", TEACH_LAB_NUMBER);
        q->text = teach_lab_printf(_("At most how many streams were open at the same time on "
                                     "connection %llu?"),
                                   (unsigned long long)r->conn_id);
        teach_lab_set_number(q, lc->h2.max_open);
        q->why = teach_lab_printf(_("%llu at once: HTTP/2 multiplexes streams on one connection "
                                    "(RFC 9113 5); a stream counts from its first HEADERS until "
                                    "both sides have ended it, and a stream a PUSH_PROMISE "
                                    "reserves only from the HEADERS of its answer (RFC 9113 "
                                    "5.1.2)."),
                                  (unsigned long long)lc->h2.max_open);
        teach_lab_where_stage(q, r, 0, DEC_STAGE_REQUEST_LINE, false);
    }

    const struct dec_exchange *x = h2_exchange(r, false, true);
    if (x) {
        char *name = teach_lab_request_name(x->request);
        if (unique_name(r, x)) {
            q = teach_lab_add_q(l, "h2_stream_id", TEACH_LAB_NUMBER);
            q->text = teach_lab_printf(_("On which stream (its number) does the client send %s?"),
                                       name);
            teach_lab_set_number(q, x->stream);
            q->why = teach_lab_printf(_("Its HEADERS frame is on stream %u; a client numbers its "
                                        "streams 1, 3, 5... (odd, RFC 9113 5.1.1)."),
                                      x->stream);
            teach_lab_where_stage(q, r, (int64_t)x->index, DEC_STAGE_REQUEST_LINE, false);
        }
        if (x->response->status >= 100 && x->response->status <= 599) {
            q = teach_lab_add_q(l, "h2_status", TEACH_LAB_NUMBER);
            q->text = teach_lab_printf(_("Which :status does the server answer on stream %u with?"),
                                       x->stream);
            teach_lab_set_number(q, (uint64_t)x->response->status);
            q->why = teach_lab_printf(_("The response's HEADERS on stream %u hold :status %d "
                                        "(HTTP/2 has no status line and no reason phrase)."),
                                      x->stream, x->response->status);
            teach_lab_where_stage(q, r, (int64_t)x->index, DEC_STAGE_STATUS_LINE, false);
        }
        const struct dec_msg *m = x->request;
        if (m->hpack_length > 0 && m->decoded_hlength > m->hpack_length) {
            q = teach_lab_add_q(l, "h2_hpack", TEACH_LAB_NUMBER);
            q->text = teach_lab_printf(_("Written as HTTP/1.1 lines, the request headers on stream "
                                         "%u (%s) take %lld bytes. How many bytes does their "
                                         "HPACK-compressed header block take on the wire?"),
                                       x->stream, name, (long long)m->decoded_hlength);
            teach_lab_set_number(q, (uint64_t)m->hpack_length);
            q->why = teach_lab_printf(_("%lld bytes for %lld: HPACK sends a field the connection "
                                        "has seen before as a small index into its table (RFC "
                                        "7541)."),
                                      (long long)m->hpack_length, (long long)m->decoded_hlength);
            teach_lab_where_stage(q, r, (int64_t)x->index, DEC_STAGE_REQUEST_HEADERS, false);
        }
        free(name);
    }
    x = h2_exchange(r, true, false);
    if (x && x->request->target.p) {
        q = teach_lab_add_q(l, "h2_pushed", TEACH_LAB_EXACT);
        q->text = teach_lab_printf(_("The server pushed a response on stream %u. For which path "
                                     "(:path)?"),
                                   x->stream);
        q->accept[q->naccept++] = teach_lab_wire(x->request->target, 200);
        q->answer = tr_xstrdup(q->accept[0]);
        q->why = teach_lab_printf(_("Its PUSH_PROMISE promised stream %u for :path %s; the client "
                                    "never asked for it (RFC 9113 8.4)."),
                                  x->stream, q->accept[0]);
        teach_lab_where_stage(q, r, (int64_t)x->index, DEC_STAGE_PUSH_PROMISE, false);
    }
}
