/* tls.c - pure readers of TLS handshake messages (RFC 8446 4, RFC 5246 7.4)
 * through the bounded cursor of tls_int.h, the certificate's names through
 * libcrypto, and the first-hello reader behind the version-1 `tls` note
 */
#include "decode.h"
#include "tls_int.h"

#include <limits.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <string.h>
#include <time.h>

const char *dec_tls_version_name(uint16_t v)
{
    switch (v) {
    case 0x0200:
        return "SSL 2.0";
    case 0x0300:
        return "SSL 3.0";
    case 0x0301:
        return "TLS 1.0";
    case 0x0302:
        return "TLS 1.1";
    case 0x0303:
        return "TLS 1.2";
    case 0x0304:
        return "TLS 1.3";
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------ helpers -- */

#define NELEM_SUITES (DEC_TLS_MAX_LIST * 2) /* dec_tls_client_hello.suites */
#define NELEM_EXTS (DEC_TLS_MAX_LIST * 2)   /* dec_tls_client_hello.exts */

static void push16(uint16_t *arr, size_t *n, size_t cap, uint16_t v)
{
    if (*n < cap)
        arr[(*n)++] = v;
}

/* a u16 list vector (<2..2^16-2> of uint16) */
static void read_u16_list(struct tcur *v, uint16_t *arr, size_t *n, size_t cap, size_t *total)
{
    while (!v->bad && v->n >= 2) {
        uint16_t x = tcur_u16(v);
        push16(arr, n, cap, x);
        if (total)
            (*total)++;
    }
    if (v->n)
        v->bad = true;
}

static void name_set(struct dec_tls_name *nm, const uint8_t *p, size_t len)
{
    size_t keep = len < sizeof nm->s - 1 ? len : sizeof nm->s - 1;
    memcpy(nm->s, p, keep);
    nm->s[keep] = '\0';
    nm->len = (uint8_t)keep;
    nm->cut = keep < len;
}

/* ALPN ProtocolNameList (RFC 7301 3.1): into names[], up to cap */
static void read_alpn(struct tcur *e, struct dec_tls_name *names, size_t *n, size_t cap,
                      size_t *total)
{
    struct tcur list = tcur_vec(e, 2);
    while (!list.bad && list.n) {
        struct tcur pn = tcur_vec(&list, 1);
        if (pn.bad || pn.n == 0) {
            e->bad = true;
            return;
        }
        if (*n < cap)
            name_set(&names[(*n)++], pn.p, pn.n);
        if (total)
            (*total)++;
    }
    if (list.bad)
        e->bad = true;
}

/* Each extension of an extensions<..2^16-1> block (RFC 8446 4.2): its type kept in
 * types[] (up to cap; *total counts them all) and its data handed to fn. Returns 0, or
 * DEC_INVALID when the block or an extension is malformed. */
typedef void (*ext_fn)(void *o, uint16_t type, struct tcur *e);

static int each_extension(struct tcur *c, uint16_t *types, size_t *n, size_t cap, size_t *total,
                          ext_fn fn, void *o)
{
    struct tcur exts = tcur_vec(c, 2);
    while (!exts.bad && exts.n) {
        uint16_t type = tcur_u16(&exts);
        struct tcur e = tcur_vec(&exts, 2);
        if (e.bad)
            break;
        push16(types, n, cap, type);
        (*total)++;
        fn(o, type, &e);
        if (e.bad)
            return DEC_INVALID;
    }
    return exts.bad || c->n ? DEC_INVALID : 0;
}

/* ------------------------------------------------------- ClientHello -- */

static void ch_extension(void *ov, uint16_t type, struct tcur *e)
{
    struct dec_tls_client_hello *o = ov;
    switch (type) {
    case DEC_TLS_EXT_SERVER_NAME: { /* RFC 6066 3 */
        struct tcur list = tcur_vec(e, 2);
        while (!list.bad && list.n >= 3 && !o->has_sni) {
            uint8_t nt = tcur_u8(&list);
            struct tcur host = tcur_vec(&list, 2);
            if (host.bad)
                break;
            if (nt == 0) { /* host_name */
                size_t keep = host.n < sizeof o->sni - 1 ? host.n : sizeof o->sni - 1;
                memcpy(o->sni, host.p, keep);
                o->sni[keep] = '\0';
                o->sni_len = host.n;
                o->has_sni = true;
            }
        }
        if (list.bad)
            e->bad = true;
        break;
    }
    case DEC_TLS_EXT_ALPN:
        read_alpn(e, o->alpn, &o->nalpn, DEC_TLS_MAX_ALPN, &o->alpn_total);
        break;
    case DEC_TLS_EXT_SUPPORTED_VERSIONS: { /* RFC 8446 4.2.1: versions<2..254> */
        struct tcur v = tcur_vec(e, 1);
        read_u16_list(&v, o->versions, &o->nversions, DEC_TLS_MAX_LIST, NULL);
        if (v.bad)
            e->bad = true;
        break;
    }
    case DEC_TLS_EXT_SUPPORTED_GROUPS: {
        struct tcur v = tcur_vec(e, 2);
        read_u16_list(&v, o->groups, &o->ngroups, DEC_TLS_MAX_LIST, NULL);
        if (v.bad)
            e->bad = true;
        break;
    }
    case DEC_TLS_EXT_SIGNATURE_ALGORITHMS: {
        struct tcur v = tcur_vec(e, 2);
        read_u16_list(&v, o->sig_algs, &o->nsig_algs, DEC_TLS_MAX_LIST, NULL);
        if (v.bad)
            e->bad = true;
        break;
    }
    case DEC_TLS_EXT_KEY_SHARE: { /* RFC 8446 4.2.8: client_shares<0..2^16-1> */
        struct tcur v = tcur_vec(e, 2);
        while (!v.bad && v.n) {
            uint16_t g = tcur_u16(&v);
            struct tcur kx = tcur_vec(&v, 2);
            if (kx.bad)
                break;
            push16(o->key_shares, &o->nkey_shares, DEC_TLS_MAX_LIST, g);
        }
        if (v.bad)
            e->bad = true;
        break;
    }
    case DEC_TLS_EXT_PRE_SHARED_KEY: { /* RFC 8446 4.2.11: identities, then binders */
        o->psk = true;
        struct tcur ids = tcur_vec(e, 2);
        while (!ids.bad && ids.n) {
            tcur_vec(&ids, 2); /* identity */
            tcur_u32(&ids);    /* obfuscated_ticket_age */
            if (!ids.bad && o->psk_identities < UINT16_MAX)
                o->psk_identities++;
        }
        tcur_vec(e, 2); /* binders */
        if (ids.bad)
            e->bad = true;
        break;
    }
    case DEC_TLS_EXT_EARLY_DATA:
        o->early_data = true;
        break;
    case DEC_TLS_EXT_SESSION_TICKET:
        o->session_ticket = true;
        o->ticket_len = (uint16_t)e->n;
        break;
    case DEC_TLS_EXT_ENCRYPT_THEN_MAC:
        o->encrypt_then_mac = true;
        break;
    case DEC_TLS_EXT_EXTENDED_MASTER_SECRET:
        o->extended_master_secret = true;
        break;
    case DEC_TLS_EXT_RENEGOTIATION_INFO:
        o->renegotiation_info = true;
        break;
    case DEC_TLS_EXT_ENCRYPTED_CLIENT_HELLO:
        o->ech = true;
        break;
    default:
        break;
    }
}

int dec_tls_parse_client_hello(const uint8_t *body, size_t len, struct dec_tls_client_hello *o)
{
    memset(o, 0, sizeof *o);
    struct tcur c = tcur_make(body, len);
    o->legacy_version = tcur_u16(&c);
    tcur_copy(&c, o->random, 32);
    struct tcur sid = tcur_vec(&c, 1);
    if (sid.n > 32)
        return DEC_INVALID;
    o->session_id_len = (uint8_t)sid.n;
    if (!sid.bad && sid.n)
        memcpy(o->session_id, sid.p, sid.n);
    struct tcur cs = tcur_vec(&c, 2);
    if (cs.n % 2)
        return DEC_INVALID;
    read_u16_list(&cs, o->suites, &o->nsuites, NELEM_SUITES, &o->suites_total);
    struct tcur comp = tcur_vec(&c, 1);
    if (c.bad || cs.bad || comp.n == 0)
        return DEC_INVALID;
    if (c.n == 0) /* no extensions (RFC 5246 7.4.1.2: allowed) */
        return 0;
    return each_extension(&c, o->exts, &o->nexts, NELEM_EXTS, &o->exts_total, ch_extension, o);
}

/* ------------------------------------------------------- ServerHello -- */

/* RFC 8446 4.1.3: SHA-256("HelloRetryRequest") */
static const uint8_t hrr_random[32] = {
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};

static void sh_extension(void *ov, uint16_t type, struct tcur *e)
{
    struct dec_tls_server_hello *o = ov;
    switch (type) {
    case DEC_TLS_EXT_SUPPORTED_VERSIONS:
        o->version = tcur_u16(e);
        break;
    case DEC_TLS_EXT_KEY_SHARE:
        o->has_key_share = true;
        o->key_share_group = tcur_u16(e);
        if (!o->hrr)
            tcur_vec(e, 2); /* key_exchange (a HelloRetryRequest has only the group) */
        break;
    case DEC_TLS_EXT_PRE_SHARED_KEY:
        o->psk = true;
        o->psk_identity = tcur_u16(e);
        break;
    case DEC_TLS_EXT_ALPN: {
        size_t n = 0;
        read_alpn(e, &o->alpn, &n, 1, NULL);
        o->has_alpn = n == 1;
        break;
    }
    case DEC_TLS_EXT_ENCRYPT_THEN_MAC:
        o->encrypt_then_mac = true;
        break;
    case DEC_TLS_EXT_EXTENDED_MASTER_SECRET:
        o->extended_master_secret = true;
        break;
    case DEC_TLS_EXT_SESSION_TICKET:
        o->session_ticket = true;
        break;
    case DEC_TLS_EXT_RENEGOTIATION_INFO:
        o->renegotiation_info = true;
        break;
    default:
        break;
    }
}

int dec_tls_parse_server_hello(const uint8_t *body, size_t len, struct dec_tls_server_hello *o)
{
    static const uint8_t downgrade[7] = {0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44}; /* DOWNGRD */
    memset(o, 0, sizeof *o);
    struct tcur c = tcur_make(body, len);
    o->legacy_version = tcur_u16(&c);
    o->version = o->legacy_version;
    tcur_copy(&c, o->random, 32);
    if (c.bad)
        return DEC_INVALID;
    o->hrr = memcmp(o->random, hrr_random, 32) == 0;
    if (memcmp(o->random + 24, downgrade, 7) == 0 && o->random[31] <= 1)
        o->downgrade = o->random[31] ? 12 : 11;
    struct tcur sid = tcur_vec(&c, 1);
    if (sid.n > 32)
        return DEC_INVALID;
    o->session_id_len = (uint8_t)sid.n;
    if (!sid.bad && sid.n)
        memcpy(o->session_id, sid.p, sid.n);
    o->suite = tcur_u16(&c);
    o->compression = tcur_u8(&c);
    if (c.bad)
        return DEC_INVALID;
    if (c.n == 0)
        return 0;
    return each_extension(&c, o->exts, &o->nexts, DEC_TLS_MAX_LIST, &o->exts_total, sh_extension,
                          o);
}

/* ----------------------------------------------- EncryptedExtensions -- */

static void ee_extension(void *ov, uint16_t type, struct tcur *e)
{
    struct dec_tls_encrypted_extensions *o = ov;
    if (type == DEC_TLS_EXT_ALPN) {
        size_t n = 0;
        read_alpn(e, &o->alpn, &n, 1, NULL);
        o->has_alpn = n == 1;
    } else if (type == DEC_TLS_EXT_EARLY_DATA) {
        o->early_data = true;
    } else if (type == DEC_TLS_EXT_SERVER_NAME) {
        o->server_name = true;
    } else if (type == DEC_TLS_EXT_RECORD_SIZE_LIMIT) {
        o->record_size_limit = tcur_u16(e);
    }
}

int dec_tls_parse_encrypted_extensions(const uint8_t *body, size_t len,
                                       struct dec_tls_encrypted_extensions *o)
{
    memset(o, 0, sizeof *o);
    struct tcur c = tcur_make(body, len);
    return each_extension(&c, o->exts, &o->nexts, DEC_TLS_MAX_LIST, &o->exts_total, ee_extension,
                          o);
}

/* ------------------------------------------------------- Certificate -- */

static void name_text(X509_NAME *name, char *out, size_t cap)
{
    out[0] = '\0';
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return;
    if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
        int n = BIO_read(bio, out, (int)cap - 1);
        out[n > 0 ? n : 0] = '\0';
    }
    BIO_free(bio);
}

static int64_t asn1_seconds(const ASN1_TIME *t)
{
    struct tm tm;
    if (!t || !ASN1_TIME_to_tm(t, &tm))
        return 0;
    return (int64_t)timegm(&tm);
}

static void x509_read(const uint8_t *der, size_t len, struct dec_tls_certificate *out)
{
    if (len > (size_t)LONG_MAX)
        return;
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x)
        return;
    name_text(X509_get_subject_name(x), out->subject, sizeof out->subject);
    name_text(X509_get_issuer_name(x), out->issuer, sizeof out->issuer);
    out->not_before = asn1_seconds(X509_get0_notBefore(x));
    out->not_after = asn1_seconds(X509_get0_notAfter(x));
    out->parsed = true;
    X509_free(x);
}

/* A server shows the same certificate on every connection: the description of the last
 * few certificates read is kept, keyed by all their DER bytes (d2i_X509 decodes the public
 * key as well, through libcrypto's decoder lookups: 9% of --json on a TLS capture of 390
 * connections, `make bench-pairs`). Static and unlocked: a process reads its captures on
 * one thread. Larger certificates are read each time. */
enum { CERT_MEMO_N = 4, CERT_MEMO_DER = 4096 };
static struct cert_memo {
    size_t len; /* 0: empty */
    uint8_t der[CERT_MEMO_DER];
    struct dec_tls_certificate d; /* parsed, subject, issuer, not_before, not_after */
} cert_memo[CERT_MEMO_N];
static unsigned cert_memo_next;

static void describe_copy(struct dec_tls_certificate *to, const struct dec_tls_certificate *from)
{
    to->parsed = from->parsed;
    memcpy(to->subject, from->subject, sizeof to->subject);
    memcpy(to->issuer, from->issuer, sizeof to->issuer);
    to->not_before = from->not_before;
    to->not_after = from->not_after;
}

void dec_tls_x509_describe(const uint8_t *der, size_t len, struct dec_tls_certificate *out)
{
    if (len == 0 || len > CERT_MEMO_DER) {
        x509_read(der, len, out);
        return;
    }
    for (unsigned i = 0; i < CERT_MEMO_N; i++) {
        struct cert_memo *m = &cert_memo[i];
        if (m->len == len && memcmp(m->der, der, len) == 0) {
            describe_copy(out, &m->d);
            return;
        }
    }
    struct cert_memo *m = &cert_memo[cert_memo_next++ % CERT_MEMO_N];
    memset(&m->d, 0, sizeof m->d);
    x509_read(der, len, &m->d);
    memcpy(m->der, der, len);
    m->len = len;
    describe_copy(out, &m->d);
}

int dec_tls_parse_certificate(const uint8_t *body, size_t len, bool tls13,
                              struct dec_tls_certificate *o)
{
    memset(o, 0, sizeof *o);
    o->tls13 = tls13;
    struct tcur c = tcur_make(body, len);
    if (tls13) { /* RFC 8446 4.4.2 */
        struct tcur ctx = tcur_vec(&c, 1);
        o->context_len = (uint8_t)ctx.n;
    }
    struct tcur list = tcur_vec(&c, 3);
    if (c.bad || c.n)
        return DEC_INVALID;
    while (!list.bad && list.n) {
        struct tcur cert = tcur_vec(&list, 3);
        if (tls13)
            tcur_vec(&list, 2); /* the entry's extensions */
        if (list.bad || cert.n == 0)
            return DEC_INVALID;
        if (o->count++ == 0) {
            o->first_len = (uint32_t)cert.n;
            dec_tls_x509_describe(cert.p, cert.n, o);
        }
    }
    return list.bad ? DEC_INVALID : 0;
}

/* ---------------------------------------------- the other messages -- */

int dec_tls_parse_cert_verify(const uint8_t *body, size_t len, struct dec_tls_cert_verify *o)
{
    memset(o, 0, sizeof *o);
    struct tcur c = tcur_make(body, len);
    o->scheme = tcur_u16(&c); /* RFC 8446 4.4.3 */
    struct tcur sig = tcur_vec(&c, 2);
    o->sig_len = (uint16_t)sig.n;
    return c.bad || c.n ? DEC_INVALID : 0;
}

int dec_tls_parse_new_session_ticket(const uint8_t *body, size_t len, bool tls13,
                                     struct dec_tls_new_session_ticket *o)
{
    memset(o, 0, sizeof *o);
    o->tls13 = tls13;
    struct tcur c = tcur_make(body, len);
    o->lifetime = tcur_u32(&c);
    if (!tls13) { /* RFC 5077 3.3 */
        struct tcur t = tcur_vec(&c, 2);
        o->ticket_len = (uint16_t)t.n;
        return c.bad || c.n ? DEC_INVALID : 0;
    }
    o->age_add = tcur_u32(&c); /* RFC 8446 4.6.1 */
    struct tcur nonce = tcur_vec(&c, 1);
    o->nonce_len = (uint8_t)nonce.n;
    struct tcur t = tcur_vec(&c, 2);
    o->ticket_len = (uint16_t)t.n;
    struct tcur exts = tcur_vec(&c, 2);
    if (c.bad || c.n || t.n == 0)
        return DEC_INVALID;
    while (!exts.bad && exts.n) {
        uint16_t type = tcur_u16(&exts);
        struct tcur e = tcur_vec(&exts, 2);
        if (type == DEC_TLS_EXT_EARLY_DATA)
            o->max_early_data = tcur_u32(&e);
        if (e.bad)
            return DEC_INVALID;
    }
    return exts.bad ? DEC_INVALID : 0;
}

int dec_tls_parse_key_update(const uint8_t *body, size_t len, struct dec_tls_key_update *o)
{
    memset(o, 0, sizeof *o);
    if (len != 1 || body[0] > 1) /* RFC 8446 4.6.3 */
        return DEC_INVALID;
    o->request_update = body[0];
    return 0;
}

int dec_tls_parse_server_key_exchange(const uint8_t *body, size_t len, enum dec_tls_kx kx,
                                      struct dec_tls_server_key_exchange *o)
{
    memset(o, 0, sizeof *o);
    struct tcur c = tcur_make(body, len);
    if (kx == DEC_TLS_KX_ECDHE || kx == DEC_TLS_KX_ECDHE_PSK) {
        if (kx == DEC_TLS_KX_ECDHE_PSK)
            tcur_vec(&c, 2); /* psk_identity_hint (RFC 5489 2) */
        o->curve_type = tcur_u8(&c); /* RFC 8422 5.4 */
        if (o->curve_type != 3)
            return c.bad ? DEC_INVALID : 0; /* explicit curves: not described */
        o->group = tcur_u16(&c);
        tcur_vec(&c, 1); /* the public point */
    } else if (kx == DEC_TLS_KX_DHE || kx == DEC_TLS_KX_DHE_PSK) {
        if (kx == DEC_TLS_KX_DHE_PSK)
            tcur_vec(&c, 2);
        struct tcur p = tcur_vec(&c, 2); /* RFC 5246 7.4.3 */
        o->dh_p_len = (uint16_t)p.n;
        tcur_vec(&c, 2); /* g */
        tcur_vec(&c, 2); /* Ys */
    }
    return c.bad ? DEC_INVALID : 0;
}

int dec_tls_parse_sslv2_hello(const uint8_t *buf, size_t len, struct dec_tls_client_hello *o)
{
    memset(o, 0, sizeof *o);
    if (len < 1)
        return DEC_INCOMPLETE;
    if (!(buf[0] & 0x80))
        return DEC_INVALID;
    if (len < 5)
        return DEC_INCOMPLETE;
    size_t mlen = (size_t)(buf[0] & 0x7f) << 8 | buf[1];
    if (buf[2] != 1 || buf[3] != 3 || buf[4] > 3 || mlen < 9)
        return DEC_INVALID;
    if (len - 2 < mlen)
        return DEC_INCOMPLETE;
    struct tcur c = tcur_make(buf + 3, mlen - 1); /* RFC 5246 E.2 */
    o->sslv2 = true;
    o->legacy_version = tcur_u16(&c);
    size_t cslen = tcur_u16(&c), sidlen = tcur_u16(&c), chlen = tcur_u16(&c);
    if (c.bad || cslen % 3 || (sidlen != 0 && sidlen != 16) || chlen < 16 || chlen > 32)
        return DEC_INVALID;
    struct tcur cs = tcur_sub(&c, cslen);
    while (!cs.bad && cs.n >= 3) {
        uint8_t hi = tcur_u8(&cs);
        uint16_t v = tcur_u16(&cs);
        if (hi == 0) { /* a V3 suite; others are SSLv2 kinds */
            push16(o->suites, &o->nsuites, NELEM_SUITES, v);
            o->suites_total++;
        }
    }
    struct tcur sid = tcur_sub(&c, sidlen);
    struct tcur ch = tcur_sub(&c, chlen);
    if (c.bad || c.n)
        return DEC_INVALID;
    o->session_id_len = (uint8_t)sid.n;
    memcpy(o->session_id, sid.p, sid.n);
    memcpy(o->random + 32 - chlen, ch.p, chlen);
    return (int)(mlen + 2);
}

/* ------------------------------------------- the version-1 tls note -- */

#define TLS_HANDSHAKE 22

/* Is the part of a hello before its extensions whole (RFC 8446 4.1.2,
 * 4.1.3)? Past it, a malformed extension only loses what it held. */
static bool hello_fixed_ok(int type, const uint8_t *body, size_t len)
{
    struct tcur c = tcur_make(body, len);
    tcur_u16(&c);
    tcur_sub(&c, 32);
    struct tcur sid = tcur_vec(&c, 1);
    if (type == DEC_TLS_HS_CLIENT_HELLO) {
        tcur_vec(&c, 2);
        tcur_vec(&c, 1);
    } else {
        tcur_u16(&c);
        tcur_u8(&c);
    }
    return !c.bad && sid.n <= 32;
}

/* the fields of the note from a whole first message (fields read before a
 * malformed extension count, as a lenient reader takes them) */
static int hello_fill(const uint8_t *msg, size_t need, struct dec_tls_hello *out)
{
    if (msg[0] == DEC_TLS_HS_CLIENT_HELLO) {
        if (!hello_fixed_ok(msg[0], msg + 4, need - 4))
            return DEC_INVALID;
        struct dec_tls_client_hello *ch = tr_xmalloc(sizeof *ch);
        dec_tls_parse_client_hello(msg + 4, need - 4, ch);
        out->type = msg[0];
        out->version = ch->legacy_version;
        if (ch->has_sni && ch->sni_len < sizeof out->sni)
            memcpy(out->sni, ch->sni, ch->sni_len + 1);
        free(ch);
    } else if (msg[0] == DEC_TLS_HS_SERVER_HELLO) {
        if (!hello_fixed_ok(msg[0], msg + 4, need - 4))
            return DEC_INVALID;
        struct dec_tls_server_hello sh;
        dec_tls_parse_server_hello(msg + 4, need - 4, &sh);
        out->type = msg[0];
        out->version = sh.version;
    }
    return 0;
}

int dec_tls_parse_hello(const uint8_t *buf, size_t len, struct dec_tls_hello *out)
{
    /* the first handshake message, gathered from the records that carry it
     * (in place when one record holds it, else in a buffer of its size) */
    static const size_t hdr = 5;
    uint8_t *msg = NULL;
    const uint8_t *whole = NULL;
    size_t have = 0, need = 0, pos = 0;
    int rc = DEC_INCOMPLETE;
    memset(out, 0, sizeof *out);
    while (pos < len) {
        if (len - pos < hdr)
            goto done;
        if (buf[pos] != TLS_HANDSHAKE || buf[pos + 1] != 3) {
            rc = DEC_INVALID;
            goto done;
        }
        if (!out->legacy_version)
            out->legacy_version = (uint16_t)(buf[pos + 1] << 8 | buf[pos + 2]);
        size_t rlen = (size_t)buf[pos + 3] << 8 | buf[pos + 4];
        if (rlen == 0 || rlen > DEC_TLS_MAX_RECORD) {
            rc = DEC_INVALID;
            goto done;
        }
        if (len - pos - hdr < rlen)
            goto done;
        const uint8_t *frag = buf + pos + hdr;
        pos += hdr + rlen;
        if (need == 0 && have == 0 && rlen >= 4) {
            need = 4 + ((size_t)frag[1] << 16 | (size_t)frag[2] << 8 | frag[3]);
            if (need > DEC_TLS_MAX_HANDSHAKE) {
                rc = DEC_INVALID;
                goto done;
            }
            if (need <= rlen) {
                whole = frag;
                break;
            }
            msg = tr_xmalloc(need);
        }
        if (!msg) { /* a header split across records: gather it too */
            msg = tr_xmalloc(DEC_TLS_MAX_HANDSHAKE);
            need = 0;
        }
        size_t take = rlen;
        size_t cap = need ? need : DEC_TLS_MAX_HANDSHAKE;
        if (take > cap - have)
            take = cap - have;
        memcpy(msg + have, frag, take);
        have += take;
        if (need == 0 && have >= 4) {
            need = 4 + ((size_t)msg[1] << 16 | (size_t)msg[2] << 8 | msg[3]);
            if (need > DEC_TLS_MAX_HANDSHAKE) {
                rc = DEC_INVALID;
                goto done;
            }
            if (have > need)
                have = need;
        }
        if (need && have >= need) {
            whole = msg;
            break;
        }
    }
    if (!whole)
        goto done;
    rc = hello_fill(whole, need, out) == 0 ? (int)pos : DEC_INVALID;
done:
    free(msg);
    return rc;
}
