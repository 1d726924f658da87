/* tls_tables.c - the TLS tables of tls.h: content and handshake types,
 * alerts, groups, signature schemes, extensions, cipher suites and their
 * parts, key log labels, notes, epochs and the reasons a connection was not
 * decrypted (IANA TLS registries; RFC 8446 B, RFC 5246 A.5)
 */
#include "decode.h"

#include <string.h>

struct tok16 {
    uint16_t v;
    const char *name;
};

static const char *tok_find(const struct tok16 *t, uint16_t v)
{
    for (; t->name; t++)
        if (t->v == v)
            return t->name;
    return NULL;
}

const char *dec_tls_content_name(uint8_t type)
{
    static const struct tok16 t[] = {
#define X(id, v, name) {v, name},
        DEC_TLS_CONTENT_LIST(X)
#undef X
        {0, NULL}};
    return tok_find(t, type);
}

const char *dec_tls_hs_name(uint8_t type)
{
    static const struct tok16 t[] = {
#define X(id, v, name) {v, name},
        DEC_TLS_HS_LIST(X)
#undef X
        {0, NULL}};
    return tok_find(t, type);
}

const char *dec_tls_alert_name(uint8_t desc)
{
    static const struct tok16 t[] = {
#define X(id, v, name) {v, name},
        DEC_TLS_ALERT_LIST(X)
#undef X
        {0, NULL}};
    return tok_find(t, desc);
}

const char *dec_tls_group_name(uint16_t group)
{
    static const struct tok16 t[] = {
#define X(v, name) {v, name},
        DEC_TLS_GROUP_LIST(X)
#undef X
        {0, NULL}};
    return tok_find(t, group);
}

const char *dec_tls_sigscheme_name(uint16_t scheme)
{
    static const struct tok16 t[] = {
#define X(v, name) {v, name},
        DEC_TLS_SIGSCHEME_LIST(X)
#undef X
        {0, NULL}};
    return tok_find(t, scheme);
}

const char *dec_tls_ext_name(uint16_t type)
{
    static const struct tok16 t[] = {
#define X(id, v, name) {v, name},
        DEC_TLS_EXT_LIST(X)
#undef X
        {0, NULL}};
    return tok_find(t, type);
}

bool dec_tls_is_grease(uint16_t v)
{
    /* RFC 8701 2: both bytes equal, low nibble 0xa */
    return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

/* ------------------------------------------------------------- suites -- */

static const struct dec_tls_cipher_info ciphers[] = {
#define X(id, name, kind, evp, key, fiv, riv, tag, block)                                          \
    {name, DEC_TLS_CK_##kind, evp, key, fiv, riv, tag, block},
    DEC_TLS_CIPHER_LIST(X)
#undef X
};

static const struct dec_tls_hash_info hashes[] = {
#define X(id, name, evp, len) {name, evp, len},
    DEC_TLS_HASH_LIST(X)
#undef X
};

static const char *const kx_names[] = {
#define X(id, name) name,
    DEC_TLS_KX_LIST(X)
#undef X
};

static const char *const auth_names[] = {
#define X(id, name) name,
    DEC_TLS_AUTH_LIST(X)
#undef X
};

static const struct dec_tls_suite suites[] = {
#define X(v, name, kx, auth, cipher, hash, t13)                                                    \
    {v, #name, DEC_TLS_KX_##kx, DEC_TLS_AUTH_##auth, DEC_TLS_CIPHER_##cipher, DEC_TLS_HASH_##hash, \
     t13},
    DEC_TLS_SUITE_LIST(X)
#undef X
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const struct dec_tls_cipher_info *dec_tls_cipher_info(enum dec_tls_cipher c)
{
    return (size_t)c < NELEM(ciphers) ? &ciphers[c] : NULL;
}

const struct dec_tls_hash_info *dec_tls_hash_info(enum dec_tls_hash h)
{
    return (size_t)h < NELEM(hashes) ? &hashes[h] : NULL;
}

const char *dec_tls_kx_name(enum dec_tls_kx kx)
{
    return (size_t)kx < NELEM(kx_names) ? kx_names[kx] : NULL;
}

const char *dec_tls_auth_name(enum dec_tls_auth a)
{
    return (size_t)a < NELEM(auth_names) ? auth_names[a] : NULL;
}

const struct dec_tls_suite *dec_tls_suite(uint16_t id)
{
    for (size_t i = 0; i < NELEM(suites); i++)
        if (suites[i].id == id)
            return &suites[i];
    return NULL;
}

const struct dec_tls_suite *dec_tls_suite_by_name(const char *name)
{
    for (size_t i = 0; i < NELEM(suites); i++)
        if (strcmp(suites[i].name, name) == 0)
            return &suites[i];
    return NULL;
}

const struct dec_tls_suite *dec_tls_suites(size_t *n)
{
    *n = NELEM(suites);
    return suites;
}

/* ------------------------------------------------- key log, notes, ... -- */

const char *dec_tls_secret_label(enum dec_tls_secret_kind k)
{
    static const char *const labels[] = {
#define X(id, label, minlen, maxlen) label,
        DEC_TLS_SECRET_LIST(X)
#undef X
    };
    return (size_t)k < NELEM(labels) ? labels[k] : NULL;
}

const char *dec_tls_keysrc_name(enum dec_tls_keysrc s)
{
    switch (s) {
    case DEC_TLS_KEYS_KEYLOG:
        return "keylog";
    case DEC_TLS_KEYS_PCAPNG:
        return "pcapng";
    default:
        return NULL;
    }
}

const char *dec_tls_why_text(enum dec_tls_why w)
{
    static const char *const texts[] = {
#define X(id, text) text,
        DEC_TLS_WHY_LIST(X)
#undef X
    };
    return (size_t)w < NELEM(texts) ? texts[w] : NULL;
}

const char *dec_tls_note_name(enum dec_tls_note_kind k)
{
    static const char *const names[] = {
#define X(id, name) name,
        DEC_TLS_NOTE_LIST(X)
#undef X
    };
    return (size_t)k < NELEM(names) ? names[k] : NULL;
}

const char *dec_tls_epoch_name(enum dec_tls_epoch e)
{
    static const char *const names[] = {"clear", "early", "handshake", "application", "tls12"};
    return (size_t)e < NELEM(names) ? names[e] : NULL;
}
