/* explain_tls.c - what the TLS handshake and the records that stay
 * encrypted tell a learner (RFC 8446 for TLS 1.3, RFC 5246 for TLS 1.2,
 * RFC 6066 3 for SNI, RFC 7301 for ALPN), and the paragraph that an HTTP
 * stage carried inside TLS arrived encrypted; each composer opens with the
 * stage's real values (its lead)
 */
#include "teach_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ helpers -- */

static const struct dec_tls_stage *tls_info(const struct teach_ex *e)
{
    static const struct dec_tls_stage none;
    return e->s->tls_info ? e->s->tls_info : &none;
}

/* "TLS 1.3, TLS 1.2" (unknown values as hex) */
static const char *version_list(struct teach_ex *e, const uint16_t *v, size_t n)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < n && i < DEC_TLS_STAGE_MAX_LIST; i++) {
        const char *name = dec_tls_version_name(v[i]);
        if (b.len)  /* TRANSLATORS: between the items of a list of values */
            tr_sb_str(&b, _(", "));
        if (name)
            tr_sb_str(&b, name);
        else if ((v[i] & 0x0f0f) == 0x0a0a && (v[i] >> 8) == (v[i] & 0xff))
            /* RFC 8701: a reserved value sent so that servers keep tolerating unknown ones */
            tr_sb_printf(&b, _("0x%04x (GREASE: a reserved value no server chooses)"), v[i]);
        else
            tr_sb_printf(&b, "0x%04x", v[i]);
    }
    return teach_own(e, b.p ? tr_sb_take(&b) : tr_xstrdup(""));
}

static const char *version_name(struct teach_ex *e, uint16_t v)
{
    const char *n = dec_tls_version_name(v);
    return n ? n : teach_printf(e, "0x%04x", v);
}

/* the ALPN names offered, escaped: "h2, http/1.1" */
static const char *alpn_list(struct teach_ex *e, const struct dec_tls_stage *t)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < t->nalpn_offered && i < 8; i++) {
        char *v = teach_safe_dup(t->alpn_offered[i], strnlen(t->alpn_offered[i], 64));
        if (b.len)
            tr_sb_str(&b, _(", "));
        tr_sb_str(&b, v);
        free(v);
    }
    return teach_own(e, b.p ? tr_sb_take(&b) : tr_xstrdup(""));
}

static const char *safe_cstr(struct teach_ex *e, const char *s, size_t cap)
{
    return teach_own(e, teach_safe_dup(s, strnlen(s, cap)));
}

static const char *message_list(struct teach_ex *e, const struct dec_tls_stage *t)
{
    struct tr_sbuf b = {0};
    for (size_t i = 0; i < t->nmessages && i < 32; i++) {
        if (!t->messages[i])
            continue;
        if (b.len)
            tr_sb_str(&b, _(", "));
        tr_sb_str(&b, t->messages[i]);
    }
    return b.p ? teach_own(e, tr_sb_take(&b)) : NULL;
}

static bool has_message(const struct dec_tls_stage *t, const char *name)
{
    for (size_t i = 0; i < t->nmessages && i < 32; i++)
        if (t->messages[i] && strcmp(t->messages[i], name) == 0)
            return true;
    return false;
}

/* one secret and where it came from */
static void key_phrase(const struct dec_tls_keyuse *u, struct tr_sbuf *b)
{
    const char *label = dec_tls_secret_label(u->kind);
    bool master = u->kind == DEC_TLS_SECRET_MASTER;
    char *src = teach_safe_dup(u->source, strlen(u->source));
    if (u->from == DEC_TLS_KEYS_PCAPNG && u->block)
        tr_sb_printf(b,
                     master ? _("the %1$s master secret from the Decryption Secrets Block number "
                                "%2$u of %3$s, line %4$lu of its text")
                            : _("the %1$s from the Decryption Secrets Block number %2$u of %3$s, "
                                "line %4$lu of its text"),
                     label, (unsigned)u->block, src, u->line);
    else if (u->from == DEC_TLS_KEYS_PCAPNG)
        tr_sb_printf(b,
                     master ? _("the %1$s master secret from the secrets inside %2$s, line %3$lu")
                            : _("the %1$s from the secrets inside %2$s, line %3$lu"),
                     label, src, u->line);
    else
        tr_sb_printf(b,
                     master ? _("the %1$s master secret from %2$s line %3$lu")
                            : _("the %1$s from %2$s line %3$lu"),
                     label, src, u->line);
    free(src);
}

bool teach_tls_keys_phrase(const struct dec_stage *s, struct tr_sbuf *out)
{
    if (!s->ntls_keys)
        return false;
    for (size_t i = 0; i < s->ntls_keys && i < DEC_STAGE_MAX_KEYS; i++) {
        if (i)
            tr_sb_str(out, _(", "));
        key_phrase(s->tls_keys[i], out);
    }
    /* RFC 8446 4.6.3, 7.2: each KeyUpdate derives the next secret */
    if (s->tls_phase_lo == s->tls_phase_hi && s->tls_phase_hi)
        tr_sb_printf(out,
                     P_(" (the secret derived from it by %u KeyUpdate)",
                        " (the secret derived from it by %u KeyUpdates)", s->tls_phase_hi),
                     (unsigned)s->tls_phase_hi);
    else if (s->tls_phase_lo == 0 && s->tls_phase_hi)
        tr_sb_printf(out,
                     P_(" (for its later records, the secret derived from it by %u KeyUpdate)",
                        " (for its later records, the secret derived from it by %u KeyUpdates)",
                        s->tls_phase_hi),
                     (unsigned)s->tls_phase_hi);
    else if (s->tls_phase_lo != s->tls_phase_hi)
        tr_sb_printf(out, _(" (the secret derived from it by %1$u to %2$u KeyUpdates)"),
                     (unsigned)s->tls_phase_lo, (unsigned)s->tls_phase_hi);
    return true;
}

/* the stage's secrets as a phrase owned by e, or NULL */
static const char *keys_of(struct teach_ex *e, const struct dec_stage *s)
{
    struct tr_sbuf b = {0};
    return teach_tls_keys_phrase(s, &b) ? teach_own(e, tr_sb_take(&b)) : NULL;
}

/* the connection's stage of a kind, or NULL */
static const struct dec_stage *find_kind(const struct dec_record *d, enum dec_stage_kind k)
{
    for (size_t i = 0; i < d->nstgs; i++)
        if (d->stgs[i]->kind == k)
            return d->stgs[i];
    return NULL;
}

/* ------------------------------------------------------ ClientHello -- */

void teach_explain_tls_client_hello(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const struct dec_tls_stage *t = tls_info(e);
    const char *sni = t->has_sni ? safe_cstr(e, t->sni, sizeof t->sni) : NULL;
    /* TRANSLATORS: no server name (SNI), no ALPN, no version list in a ClientHello */
    const char *none = _("none");
    teach_para(e, _("ClientHello, %1$llu bytes in %2$s: server name (SNI) %3$s; application "
                    "protocols offered (ALPN) %4$s; TLS versions offered %5$s."),
               (unsigned long long)s->length, teach_frames_phrase(e, s), sni ? sni : none,
               t->nalpn_offered ? alpn_list(e, t) : none,
               t->nversions ? version_list(e, t->versions, t->nversions) : none);
    bool retry = false;  /* a HelloRetryRequest came before this ClientHello */
    for (int k = 0; k < e->idx; k++) {
        const struct dec_stage *g = e->d->stgs[k];
        if (g->kind == DEC_STAGE_TLS_SERVER_HELLO && g->tls_info && g->tls_info->hrr)
            retry = true;
    }
    if (retry)
        teach_para_str(e, _("Step 1b, second try: the server answered the first ClientHello with "
                            "a HelloRetryRequest, so the client sends a second ClientHello, its key "
                            "share now in the group the server asked for. TLS 1.3 allows this once; "
                            "the handshake goes on from here with one round trip more."));
    else
        teach_para_str(e, _("Step 1b: the connection is open, but this is HTTPS, so before any HTTP "
                            "the client and the server build a TLS channel. The client begins with "
                            "a ClientHello: it proposes, in clear text, the TLS versions it speaks "
                            "and the cipher suites it accepts."));
    if (sni)
        teach_para(e, _("It names the site it wants, %s, in the SNI extension (Server Name "
                        "Indication), so that a server holding many sites shows the right "
                        "certificate. The name travels in clear text: anyone on the path learns "
                        "which site this is, even though the pages stay hidden."),
                   sni);
    else
        teach_para_str(e, _("It names no site: the ClientHello has no SNI extension (Server Name "
                            "Indication), so the server cannot tell from it which of its sites is "
                            "wanted."));
    if (t->nalpn_offered)
        teach_para(e, _("With ALPN (Application-Layer Protocol Negotiation) it lists the "
                        "protocols it can speak inside the channel, in its order of preference: "
                        "%s. The server picks one in its answer."),
                   alpn_list(e, t));
    else
        teach_para_str(e, _("It offers no application protocol (no ALPN extension), so HTTP/2, "
                            "which over TLS is chosen by ALPN, cannot be agreed here."));
    bool offers13 = false;
    for (size_t i = 0; i < t->nversions && i < DEC_TLS_STAGE_MAX_LIST; i++)
        offers13 |= t->versions[i] == 0x0304;
    if (offers13)
        teach_para_str(e, _("TLS 1.3 is offered in the supported_versions extension: the "
                            "ClientHello's old version field still says TLS 1.2, so that old "
                            "boxes on the path let it through. A TLS 1.3 client also sends its "
                            "half of the key exchange at once (the key_share extension), which "
                            "saves a round trip."));
}

/* ------------------------------------------------------ ServerHello -- */

static const char *kx_text(enum dec_tls_kx kx)
{
    switch (kx) {
    case DEC_TLS_KX_RSA:
        return N_("RSA: the client encrypts the secret with the public key of the server's "
                  "certificate (no forward secrecy: whoever gets that key later can decrypt this "
                  "capture)");
    case DEC_TLS_KX_DHE:
        return N_("DHE: the two sides agree on the secret by ephemeral Diffie-Hellman, with keys "
                  "made for this connection only");
    case DEC_TLS_KX_ECDHE:
        return N_("ECDHE: the two sides agree on the secret by ephemeral elliptic-curve "
                  "Diffie-Hellman, with keys made for this connection only");
    default:
        return NULL;
    }
}

static const char *auth_text(enum dec_tls_auth a)
{
    switch (a) {
    case DEC_TLS_AUTH_RSA:
        return N_("RSA: the server proves who it is with an RSA signature, checked against its "
                  "certificate");
    case DEC_TLS_AUTH_ECDSA:
        return N_("ECDSA: the server proves who it is with an elliptic-curve signature, checked "
                  "against its certificate");
    default:
        return NULL;
    }
}

static const char *cipher_text(enum dec_tls_cipher_kind k)
{
    switch (k) {
    case DEC_TLS_CK_AEAD_GCM:
    case DEC_TLS_CK_AEAD_CCM:
    case DEC_TLS_CK_AEAD_CHACHA:
        return N_("%s: the cipher that encrypts every record and adds a tag that shows any change "
                  "(an AEAD cipher)");
    case DEC_TLS_CK_CBC:
        return N_("%s: a block cipher that encrypts every record, with a separate MAC to detect "
                  "changes");
    default:
        return NULL;
    }
}

/* what each part of the suite's name means */
static void explain_suite(struct teach_ex *e, uint16_t id, bool resumed)
{
    const struct dec_tls_suite *st = dec_tls_suite(id);
    if (!st) {
        teach_para(e, _("The cipher suite 0x%04x is not one httpstep knows by name."), id);
        return;
    }
    const struct dec_tls_cipher_info *ci = dec_tls_cipher_info(st->cipher);
    const struct dec_tls_hash_info *hi = dec_tls_hash_info(st->hash);
    const char *ct = ci ? cipher_text(ci->kind) : NULL;
    if (st->tls13) {
        if (ct && hi && resumed)
            teach_para(e, _("In TLS 1.3 the suite's name holds two parts. %1$s. %2$s: the hash "
                            "from which every key is derived (HKDF). The key exchange is not in "
                            "the name: TLS 1.3 agrees on it apart (the key_share extension, "
                            "ephemeral Diffie-Hellman)."),
                       teach_printf(e, _(ct), ci->name), hi->name);
        else if (ct && hi)
            teach_para(e, _("In TLS 1.3 the suite's name holds two parts. %1$s. %2$s: the hash "
                            "from which every key is derived (HKDF). The key exchange is not in "
                            "the name: TLS 1.3 agrees on it apart (the key_share extension, "
                            "ephemeral Diffie-Hellman), and the server proves who it is by "
                            "signing the handshake with its certificate's key."),
                       teach_printf(e, _(ct), ci->name), hi->name);
        return;
    }
    const char *kx = kx_text(st->kx), *au = auth_text(st->auth);
    struct tr_sbuf b = {0};
    if (kx)
        tr_sb_str(&b, _(kx));
    if (au && !(st->kx == DEC_TLS_KX_RSA && st->auth == DEC_TLS_AUTH_RSA)) {
        if (b.len)  /* TRANSLATORS: between the explained parts of a cipher suite's name */
            tr_sb_str(&b, _("; "));
        tr_sb_str(&b, _(au));
    }
    if (ct) {
        if (b.len)
            tr_sb_str(&b, _("; "));
        tr_sb_printf(&b, _(ct), ci->name);
    }
    if (hi && ci && ci->kind == DEC_TLS_CK_CBC) {
        if (b.len)
            tr_sb_str(&b, _("; "));
        tr_sb_printf(&b, _("%s: the hash of the records' MAC and of the key derivation"), hi->name);
    } else if (hi) {
        if (b.len)
            tr_sb_str(&b, _("; "));
        tr_sb_printf(&b, _("%s: the hash from which the keys are derived (the PRF)"), hi->name);
    }
    if (b.len)
        teach_para(e, _("Its name, part by part: %s."), teach_own(e, tr_sb_take(&b)));
    else
        tr_sb_free(&b);
}

static void server_alpn(struct teach_ex *e, const struct dec_tls_stage *t)
{
    if (t->has_alpn) {
        const char *a = safe_cstr(e, t->alpn, sizeof t->alpn);
        if (strcmp(t->alpn, "h2") == 0)
            teach_para(e, _("Of the protocols the client offered, the server chose %s (ALPN): "
                            "HTTP/2 travels inside this channel."),
                       a);
        else if (strcmp(t->alpn, "http/1.1") == 0)
            teach_para(e, _("Of the protocols the client offered, the server chose %s (ALPN): "
                            "HTTP/1.1 travels inside this channel, as on port 80."),
                       a);
        else
            teach_para(e, _("Of the protocols the client offered, the server chose %s (ALPN)."), a);
    } else if (t->version == 0x0304 && !has_message(t, "EncryptedExtensions")) {
        teach_para_str(e, _("Which application protocol the server chose (ALPN) is not known: in "
                            "TLS 1.3 it travels in the EncryptedExtensions message, which stays "
                            "encrypted here."));
    } else {
        teach_para_str(e, _("The server's answer chose no application protocol (no ALPN)."));
    }
}

void teach_explain_tls_server_hello(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const struct dec_tls_stage *t = tls_info(e);
    const char *ver = t->version ? version_name(e, t->version) : _("not known");
    const struct dec_tls_suite *st = t->has_cipher ? dec_tls_suite(t->cipher) : NULL;
    const char *suite = st ? st->name
                        : t->has_cipher ? teach_printf(e, "0x%04x", t->cipher)
                                        : _("not known");
    const char *msgs = message_list(e, t);
    teach_para(e, _("The server's flight, %1$llu bytes in %2$s: version %3$s, cipher suite %4$s; "
                    "messages: %5$s."),
               (unsigned long long)s->length, teach_frames_phrase(e, s), ver, suite,
               msgs ? msgs : _("none"));
    if (t->nmessages && t->messages[0] && strcmp(t->messages[0], "HelloRetryRequest") == 0) {
        /* RFC 8446 4.1.4: not a ServerHello yet, a request for another key share */
        teach_para(e, _("Step 1c, first try: instead of a ServerHello the server answers with a "
                        "HelloRetryRequest. It takes the version %1$s and the suite %2$s, but "
                        "not the key share the client sent: it names the group it wants, and the "
                        "client must send a second ClientHello with a share of that group. That "
                        "costs one more round trip."),
                   ver, suite);
        return;
    }
    teach_para(e, _("Step 1c: the server answers with a ServerHello. From the client's proposals "
                    "it chooses one version, %1$s, and one cipher suite, %2$s."),
               ver, suite);
    if (t->version == 0x0304)
        teach_para_str(e, _("With the ServerHello comes the server's half of the key exchange "
                            "(key_share): from the client's half and its own, both sides compute "
                            "the same secret, which never travels."));
    else if (has_message(t, "ServerKeyExchange"))
        teach_para_str(e, _("The server's half of the key exchange comes in its "
                            "ServerKeyExchange message: from it and the client's half, which "
                            "follows, both sides compute the same secret, which never "
                            "travels."));
    if (t->has_cipher)
        explain_suite(e, t->cipher, t->resumed);
    if (t->hrr)
        teach_para_str(e, _("Before this, the server answered with a HelloRetryRequest: the "
                            "client's key share was for a group it does not take, so it asked "
                            "for another, and the client sent a second ClientHello."));
    server_alpn(e, t);
    /* its encrypted part was read when the messages after ServerHello are known
     * (the stage's `decrypted` is true of a ServerHello in the clear too) */
    const char *keys = keys_of(e, s);
    if (t->version == 0x0304 && has_message(t, "EncryptedExtensions") && keys)
        teach_para(e, _("In TLS 1.3 everything after the ServerHello is already encrypted, "
                        "with keys from the handshake's secret. httpstep decrypted the server's "
                        "flight with %s, which is how the messages after ServerHello are listed "
                        "here."),
                   keys);
    else if (t->version == 0x0304 && has_message(t, "EncryptedExtensions"))
        teach_para_str(e, _("In TLS 1.3 everything after the ServerHello is already encrypted, "
                            "with keys from the handshake's secret; httpstep decrypted it with "
                            "the TLS secrets of the key log, which is how the messages after "
                            "ServerHello are listed here."));
    else if (t->version == 0x0304 && keys)  /* the keys came late: part of it */
        teach_para(e, _("In TLS 1.3 everything after the ServerHello is already encrypted, "
                        "with keys from the handshake's secret; httpstep decrypted part of this "
                        "flight with %s."),
                   keys);
    else if (keys)  /* TLS 1.2: a resumed session's Finished comes in this flight */
        teach_para(e, _("The records after its ChangeCipherSpec travel encrypted; httpstep "
                        "decrypted them with %s."),
                   keys);
    else if (t->version == 0x0304)
        teach_para_str(e, _("In TLS 1.3 everything after the ServerHello is already encrypted, "
                            "with keys from the handshake's secret; without those secrets "
                            "httpstep cannot read it, and an eavesdropper cannot either."));
    if (t->has_cert) {
        const char *subj = safe_cstr(e, t->cert_subject, sizeof t->cert_subject);
        const char *iss = safe_cstr(e, t->cert_issuer, sizeof t->cert_issuer);
        if (t->version == 0x0304)
            teach_para(e, _("Its certificate says who it is: %1$s, issued by %2$s. In TLS 1.3 the "
                            "certificate travels encrypted: only a reader with the keys sees "
                            "it."),
                       subj, iss);
        else
            teach_para(e, _("Its certificate says who it is: %1$s, issued by %2$s. In this "
                            "version it travels in clear text, so an eavesdropper reads it too."),
                       subj, iss);
        teach_para_str(e, _("The browser checks that a certificate authority it trusts signed "
                            "this certificate and that it names the site asked for; a wrong or "
                            "self-made certificate brings the browser's warning page."));
        if (strcmp(t->cert_subject, t->cert_issuer) == 0 && t->cert_subject[0])
            teach_para_str(e, _("This one names itself as its issuer: it is self-signed, as on a "
                                "test server. A browser warns about it unless told to trust "
                                "it."));
    }
    if (t->resumed)
        teach_para_str(e, _("This session resumes an earlier one between the same two sides "
                            "(with a ticket or a session id): the keys come from that session's "
                            "secret, and the handshake is shorter."));
    if (t->resumed && t->version == 0x0304 && !has_message(t, "Certificate"))
        teach_para_str(e, _("So the server sends no certificate and signs nothing: knowing that "
                            "earlier session's secret is its proof of who it is."));
}

/* --------------------------------------------------- client Finished -- */

void teach_explain_tls_client_finished(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    const struct dec_tls_stage *t = tls_info(e);
    const char *msgs = message_list(e, t);
    if (!has_message(t, "Finished")) {
        teach_para(e, _("The client's records after the server's answer, %1$llu bytes in %2$s; "
                        "handshake messages: %3$s."),
                   (unsigned long long)s->length, teach_frames_phrase(e, s),
                   msgs ? msgs : _("none"));
        teach_para_str(e, _("Step 1d would be the client's Finished, which ends the TLS "
                            "handshake, but these records hold none that httpstep read: the "
                            "handshake is not over here."));
        return;
    }
    teach_para(e, _("The client's last handshake flight, %1$llu bytes in %2$s; messages: %3$s."),
               (unsigned long long)s->length, teach_frames_phrase(e, s), msgs ? msgs : _("none"));
    teach_para_str(e, _("Step 1d: the client's Finished ends the TLS handshake. It holds a "
                        "check value computed over every handshake message with the new keys: "
                        "it proves that both sides saw the same handshake, untouched, and hold "
                        "the same secret. The channel is ready; from here on every record is "
                        "encrypted with the traffic keys, and HTTP travels inside them."));
    if (has_message(t, "ClientKeyExchange"))
        teach_para_str(e, _("Before it, the ClientKeyExchange carried the client's half of the key "
                            "exchange, and ChangeCipherSpec said: from now on I encrypt."));
    const struct dec_stage *ch = find_kind(e->d, DEC_STAGE_TLS_CLIENT_HELLO);
    if (ch && s->ts >= ch->ts)
        teach_para(e, _("From the ClientHello to this Finished: %s."),
                   teach_duration(e, s->ts - ch->ts));
    const struct dec_stage *sh = find_kind(e->d, DEC_STAGE_TLS_SERVER_HELLO);
    uint16_t v = sh && sh->tls_info ? sh->tls_info->version : 0;
    if (v == 0x0304)
        teach_para_str(e, _("TLS 1.3 needs one round trip: the ClientHello goes, the server's "
                            "flight comes back, and the client can send its request right after "
                            "this Finished. TLS 1.2 needed two."));
    else if (v == 0x0303 && !t->resumed)
        teach_para_str(e, _("TLS 1.2 needs two round trips before the first request: ClientHello "
                            "and the server's hello and certificate, then the client's key "
                            "exchange and Finished and the server's Finished. TLS 1.3 needs "
                            "one."));
    else if (v == 0x0303)
        teach_para_str(e, _("A resumed TLS 1.2 session needs only one round trip: the server "
                            "sends its Finished right after its ServerHello."));
    const char *keys = keys_of(e, s);
    if (keys)
        teach_para(e, _("The Finished itself travels encrypted; httpstep read it with %s."), keys);
    else if (t->decrypted)
        teach_para_str(e, _("The Finished itself travels encrypted; httpstep read it with the TLS "
                            "secrets of the key log."));
}

/* ----------------------------------------------------------- encrypted -- */

/* why the records stay encrypted: the notes of the connection that say */
static bool explain_why_not(struct teach_ex *e, enum dec_note_kind *why)
{
    bool told[DEC_NOTE_COUNT] = {false}, any = false;
    for (size_t i = 0; i < e->d->nnotes; i++) {
        enum dec_note_kind k = e->d->notes[i]->kind;
        if (told[k])
            continue;
        const char *text = NULL;
        switch (k) {
        case DEC_NOTE_TLS_NO_KEYS:
            text = N_("Why httpstep cannot read them: it has no key for this TLS session. The "
                      "secrets that encrypt a session are made by the browser and the server and "
                      "never travel; no key log given to httpstep (--keylog) holds this "
                      "session's.");
            break;
        case DEC_NOTE_TLS_DECRYPT_ERROR:
            text = N_("Why httpstep cannot read them: a record did not decrypt with the key "
                      "log's secrets (its authentication tag did not match), so the key belongs "
                      "to another session or bytes are missing, and httpstep stops decrypting "
                      "this direction.");
            break;
        case DEC_NOTE_TLS_UNSUPPORTED:
            text = N_("Why httpstep cannot read them: this session uses a TLS version or a "
                      "cipher that httpstep does not decrypt.");
            break;
        case DEC_NOTE_MALFORMED_TLS:
            text = N_("Why httpstep cannot read them: the bytes break the TLS record syntax, so "
                      "httpstep cannot even split them into records.");
            break;
        case DEC_NOTE_GAP:
            text = N_("Bytes of this connection were never captured (a gap): a record cut by a "
                      "gap cannot be decrypted.");
            break;
        default:
            break;
        }
        if (!text)
            continue;
        if (!e->mine[i] || k == DEC_NOTE_GAP)  /* else its note follows, at this stage */
            teach_para_str(e, _(text));
        told[k] = any = true;
        if (k != DEC_NOTE_GAP)
            *why = k;
    }
    return any;
}

void teach_explain_encrypted(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    bool c2s = s->dir == TR_DIR_C2S;
    teach_para(e,
               c2s ? P_("%1$llu bytes from the client to the server in %2$llu TLS record, in %3$s: "
                        "encrypted.",
                        "%1$llu bytes from the client to the server in %2$llu TLS records, in "
                        "%3$s: encrypted.",
                        s->records)
                   : P_("%1$llu bytes from the server to the client in %2$llu TLS record, in %3$s: "
                        "encrypted.",
                        "%1$llu bytes from the server to the client in %2$llu TLS records, in "
                        "%3$s: encrypted.",
                        s->records),
               (unsigned long long)s->length, (unsigned long long)s->records,
               teach_frames_phrase(e, s));
    teach_para_str(e, _("These bytes have no step: they are what an eavesdropper sees of HTTPS. "
                        "It sees who talks to whom (addresses and ports), how many bytes go each "
                        "way and when; it does not see the method, the URL, the headers, the "
                        "cookies or the bodies."));
    teach_para_str(e, _("Even sizes and times tell something: a short record from the client "
                        "followed by a long answer looks like a request and a page."));
    enum dec_note_kind why = DEC_NOTE_COUNT;
    if (!explain_why_not(e, &why))
        teach_para_str(e, _("httpstep could not decrypt these records."));
    if (why == DEC_NOTE_TLS_DECRYPT_ERROR)
        teach_para_str(e, _("A key log helps only if it was written during this very capture, by "
                            "the client of this connection: each session has its own secrets."));
    if (why != DEC_NOTE_COUNT && why != DEC_NOTE_TLS_NO_KEYS)
        return;
    teach_para_str(e, _("To see the HTTP inside, the client must write down its TLS secrets: "
                        "Chromium, Firefox and curl do when the environment variable "
                        "SSLKEYLOGFILE names a file (SSLKEYLOGFILE=/tmp/keys.log chromium). "
                        "Capture again and run httpstep --keylog /tmp/keys.log; a pcapng file "
                        "can also carry the secrets inside it (editcap --inject-secrets)."));
}

/* ------------------------------------------------- HTTP inside TLS -- */

void teach_explain_inside_tls(struct teach_ex *e)
{
    const struct dec_stage *s = e->s;
    if (!s->tls || !s->length)  /* no bytes of its own (HTTP/2's request line, a stream's end) */
        return;
    bool first = true;  /* the first HTTP stage of the connection says it at length */
    for (int k = 0; k < e->idx; k++)
        first &= !e->d->stgs[k]->tls;
    const struct dec_stage *fin = find_kind(e->d, DEC_STAGE_TLS_CLIENT_FINISHED);
    if (s->dir == TR_DIR_C2S && fin && s->ts < fin->ts && first)
        /* RFC 8446 2.3: sent under keys from an earlier session's ticket */
        teach_para(e, _("This request left before the client's Finished (%s): it is 0-RTT early "
                        "data, sent at once under keys from an earlier session with this server, "
                        "so the request costs no round trip of handshake. An attacker can replay "
                        "early data, so servers take only harmless requests this way."),
                   fin->nframes ? teach_printf(e, _("frame %llu"),
                                               (unsigned long long)fin->frames[0])
                                : teach_duration(e, fin->ts - s->ts));
    const char *keys = keys_of(e, s);
    if (first && keys)
        teach_para(e, _("These bytes arrived encrypted, in the TLS records of %1$s. httpstep "
                        "decrypted them with %2$s, so you read the same HTTP as on a plain "
                        "connection, with the same steps; an eavesdropper without the secrets "
                        "sees only records and their sizes."),
                   teach_frames_phrase(e, s), keys);
    else if (first)
        teach_para(e, _("These bytes arrived encrypted, in the TLS records of %s. httpstep "
                        "decrypted them with the TLS secrets of the key log, so you read the "
                        "same HTTP as on a plain connection, with the same steps; an "
                        "eavesdropper without the secrets sees only records and their sizes."),
                   teach_frames_phrase(e, s));
    else if (keys)
        teach_para(e, _("Inside TLS: these bytes arrived encrypted in %1$s and were decrypted "
                        "with %2$s."),
                   teach_frames_phrase(e, s), keys);
    else
        teach_para(e, _("Inside TLS: these bytes arrived encrypted in %s and were decrypted with "
                        "the key log's secrets."),
                   teach_frames_phrase(e, s));
}

const char *teach_tls_why_encrypted(const struct dec_record *d)
{
    /* the first note that tells, as explain_why_not's paragraphs in short;
     * a TLS note before a gap */
    bool gap = false;
    for (size_t i = 0; i < d->nnotes; i++) {
        switch (d->notes[i]->kind) {
        case DEC_NOTE_TLS_NO_KEYS:
            return _("no key for this TLS session: no key log given (--keylog) holds its "
                     "secrets");
        case DEC_NOTE_TLS_DECRYPT_ERROR:
            return _("a record did not decrypt with the key log's secrets (another session's "
                     "key, or bytes missing)");
        case DEC_NOTE_TLS_UNSUPPORTED:
            return _("a TLS version or cipher that httpstep does not decrypt");
        case DEC_NOTE_MALFORMED_TLS:
            return _("the bytes break the TLS record syntax");
        case DEC_NOTE_GAP:
            gap = true;
            break;
        default:
            break;
        }
    }
    return gap ? _("bytes never captured (a gap): a record cut by a gap cannot be decrypted")
               : NULL;
}

/* did the connection's TLS handshake choose h2 by ALPN? */
bool teach_tls_alpn_h2(const struct dec_record *d)
{
    const struct dec_stage *sh = find_kind(d, DEC_STAGE_TLS_SERVER_HELLO);
    return sh && sh->tls_info && sh->tls_info->has_alpn && strcmp(sh->tls_info->alpn, "h2") == 0;
}

bool teach_tls_decrypted(const struct dec_record *d)
{
    for (size_t k = 0; k < d->nstgs; k++) {
        const struct dec_stage *g = d->stgs[k];
        if (g->tls || (g->kind == DEC_STAGE_TLS_CLIENT_FINISHED && g->tls_info &&
                       g->tls_info->decrypted))
            return true;
    }
    return false;
}
