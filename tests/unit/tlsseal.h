/* tlsseal.h - for the TLS tests and the fuzz_tls harness: a growable byte
 * buffer with hex input, and a writer of protected TLS records sealed with
 * libcrypto (EVP) following RFC 8446 5.2 and RFC 5246 6.2.3 (AEAD, and CBC
 * with MAC-then-encrypt or encrypt-then-MAC), independently of the engine's
 * opening code. Its keys come from the engine's key schedule functions
 * (tls_int.h), which test_tls.c checks against RFC 8448 and the PRF vector.
 *
 * Every helper is static inline; a failure aborts (a test failure, or a
 * crash libFuzzer keeps).
 */
#ifndef HTTPSTEP_TLSSEAL_H
#define HTTPSTEP_TLSSEAL_H

#include "../../decode/tls_int.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TS_CHECK(cond)                                                                            \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "tlsseal.h:%d: %s\n", __LINE__, #cond);                               \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

/* ------------------------------------------------------------ bytes -- */

struct bb {
    uint8_t *p;
    size_t n, cap;
};

static inline void bb_add(struct bb *b, const void *p, size_t n)
{
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n)
            cap *= 2;
        b->p = realloc(b->p, cap);
        TS_CHECK((b->p) != NULL);
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->n, p, n);
    b->n += n;
}

static inline void bb_u8(struct bb *b, unsigned v)
{
    uint8_t x = (uint8_t)v;
    bb_add(b, &x, 1);
}

static inline void bb_u16(struct bb *b, unsigned v)
{
    bb_u8(b, v >> 8 & 0xff);
    bb_u8(b, v & 0xff);
}

static inline void bb_u24(struct bb *b, unsigned v)
{
    bb_u8(b, v >> 16 & 0xff);
    bb_u16(b, v & 0xffff);
}

/* hex digits, spaces and newlines ignored */
static inline void bb_hex(struct bb *b, const char *s)
{
    int hi = -1;
    for (; *s; s++) {
        int v = (*s >= '0' && *s <= '9')   ? *s - '0'
                : (*s >= 'a' && *s <= 'f') ? *s - 'a' + 10
                : (*s >= 'A' && *s <= 'F') ? *s - 'A' + 10
                                           : -1;
        if (v < 0)
            continue;
        if (hi < 0) {
            hi = v;
        } else {
            bb_u8(b, (unsigned)(hi << 4 | v));
            hi = -1;
        }
    }
    TS_CHECK((hi) == -1);
}

static inline void bb_free(struct bb *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

static inline struct bb hexb(const char *s)
{
    struct bb b = {0};
    bb_hex(&b, s);
    return b;
}

static inline void bb_tohex(const uint8_t *p, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", p[i]);
}

/* --------------------------------------------- a TLS writer for tests -- */
/* Seals records with libcrypto (EVP), following RFC 8446 5.2 and RFC 5246
 * 6.2.3 independently of the engine's opening code. */

static inline void aead_seal(const char *evp, const uint8_t *key, const uint8_t *nonce, size_t taglen,
                      const uint8_t *aad, size_t aadlen, const uint8_t *in, size_t n,
                      uint8_t *out)
{
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, evp, NULL);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int k = 0;
    TS_CHECK((c) != NULL);
    TS_CHECK((EVP_EncryptInit_ex(ctx, c, NULL, key, nonce)) == 1);
    TS_CHECK((EVP_EncryptUpdate(ctx, NULL, &k, aad, (int)aadlen)) == 1);
    TS_CHECK((EVP_EncryptUpdate(ctx, out, &k, in, (int)n)) == 1);
    TS_CHECK((EVP_EncryptFinal_ex(ctx, out + k, &k)) == 1);
    TS_CHECK((EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, (int)taglen, out + n)) == 1);
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
}

/* a TLS 1.3 record: content || type || pad zeros, under secret at seq */
static inline void seal13(struct bb *out, uint16_t suite, const uint8_t *secret, size_t slen,
                   uint64_t seq, uint8_t type, const uint8_t *content, size_t n, size_t pad)
{
    const struct dec_tls_suite *s = dec_tls_suite(suite);
    const struct dec_tls_cipher_info *ci = dec_tls_cipher_info(s->cipher);
    const struct dec_tls_hash_info *hi = dec_tls_hash_info(s->hash);
    uint8_t key[32], iv[12], nonce[12], hdr[5];
    TS_CHECK((dec_tls13_expand_label(hi, secret, slen, "key", NULL, 0, key, ci->key_len)) == 0);
    TS_CHECK((dec_tls13_expand_label(hi, secret, slen, "iv", NULL, 0, iv, 12)) == 0);
    memcpy(nonce, iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= (uint8_t)(seq >> (56 - 8 * i));
    size_t inner = n + 1 + pad, len = inner + ci->tag_len;
    uint8_t *pt = calloc(1, inner), *ct = malloc(len);
    memcpy(pt, content, n);
    pt[n] = type;
    hdr[0] = 23;
    hdr[1] = 3;
    hdr[2] = 3;
    hdr[3] = (uint8_t)(len >> 8);
    hdr[4] = (uint8_t)len;
    aead_seal(ci->evp, key, nonce, ci->tag_len, hdr, 5, pt, inner, ct);
    bb_add(out, hdr, 5);
    bb_add(out, ct, len);
    free(pt);
    free(ct);
}

static inline void hmac(const char *md, const uint8_t *key, size_t klen, const uint8_t *a, size_t alen,
                 const uint8_t *b, size_t blen, uint8_t *out, size_t *outlen)
{
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)md, 0),
                           OSSL_PARAM_construct_end()};
    TS_CHECK((EVP_MAC_init(ctx, key, klen, params)) == 1);
    EVP_MAC_update(ctx, a, alen);
    EVP_MAC_update(ctx, b, blen);
    TS_CHECK((EVP_MAC_final(ctx, out, outlen, 64)) == 1);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
}

/* one direction's TLS 1.2 keys */
struct keys12 {
    const struct dec_tls_suite *s;
    uint8_t mac[48], key[32], iv[12];
    bool etm;
};

static inline void keys12(const struct dec_tls_suite *s, const uint8_t master[48],
                   const uint8_t cr[32], const uint8_t sr[32], bool etm, struct keys12 k[2])
{
    const struct dec_tls_cipher_info *ci = dec_tls_cipher_info(s->cipher);
    const struct dec_tls_hash_info *hi = dec_tls_hash_info(s->hash);
    size_t mac = ci->kind == DEC_TLS_CK_CBC ? hi->len : 0;
    uint8_t kb[256];
    size_t need = 2 * mac + 2 * ci->key_len + 2 * ci->fixed_iv_len;
    enum dec_tls_hash prf = s->hash == DEC_TLS_HASH_SHA384 ? DEC_TLS_HASH_SHA384
                                                           : DEC_TLS_HASH_SHA256;
    TS_CHECK((dec_tls12_key_block(dec_tls_hash_info(prf), master, cr, sr, kb, need)) == 0);
    for (int d = 0; d < 2; d++) {
        k[d].s = s;
        k[d].etm = etm;
        memcpy(k[d].mac, kb + d * mac, mac);
        memcpy(k[d].key, kb + 2 * mac + d * ci->key_len, ci->key_len);
        memcpy(k[d].iv, kb + 2 * mac + 2 * ci->key_len + d * ci->fixed_iv_len, ci->fixed_iv_len);
    }
}

static inline void seal12(struct bb *out, const struct keys12 *k, uint64_t seq, uint8_t type,
                   const uint8_t *content, size_t n)
{
    const struct dec_tls_cipher_info *ci = dec_tls_cipher_info(k->s->cipher);
    const struct dec_tls_hash_info *hi = dec_tls_hash_info(k->s->hash);
    uint8_t aad[13], nonce[12];
    for (int i = 0; i < 8; i++)
        aad[i] = (uint8_t)(seq >> (56 - 8 * i));
    aad[8] = type;
    aad[9] = 3;
    aad[10] = 3;
    struct bb frag = {0};
    if (ci->kind == DEC_TLS_CK_CBC) {
        uint8_t iv[16], mac[64], *buf = malloc(n + 64 + 32);
        size_t maclen = 0, bs = ci->block, m = 0;
        for (size_t i = 0; i < bs; i++) /* any IV will do; this one is reproducible */
            iv[i] = (uint8_t)(seq >> (8 * (i % 8))) ^ 0x5c;
        memcpy(buf, content, n);
        m = n;
        if (!k->etm) {
            aad[11] = (uint8_t)(n >> 8);
            aad[12] = (uint8_t)n;
            hmac(hi->evp, k->mac, hi->len, aad, 13, content, n, mac, &maclen);
            memcpy(buf + m, mac, maclen);
            m += maclen;
        }
        size_t pad = bs - (m + 1) % bs; /* the shortest padding; any would do */
        memset(buf + m, (int)pad, pad + 1);
        m += pad + 1;
        EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, ci->evp, NULL);
        EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
        uint8_t *ct = malloc(m + bs);
        int l1 = 0, l2 = 0;
        EVP_EncryptInit_ex(ctx, c, NULL, k->key, iv);
        EVP_CIPHER_CTX_set_padding(ctx, 0);
        TS_CHECK((EVP_EncryptUpdate(ctx, ct, &l1, buf, (int)m)) == 1);
        TS_CHECK((EVP_EncryptFinal_ex(ctx, ct + l1, &l2)) == 1);
        bb_add(&frag, iv, bs);
        bb_add(&frag, ct, m);
        if (k->etm) {
            aad[11] = (uint8_t)(frag.n >> 8);
            aad[12] = (uint8_t)frag.n;
            hmac(hi->evp, k->mac, hi->len, aad, 13, frag.p, frag.n, mac, &maclen);
            bb_add(&frag, mac, maclen);
        }
        EVP_CIPHER_CTX_free(ctx);
        EVP_CIPHER_free(c);
        free(ct);
        free(buf);
    } else {
        uint8_t explicit_nonce[8];
        aad[11] = (uint8_t)(n >> 8);
        aad[12] = (uint8_t)n;
        if (ci->kind == DEC_TLS_CK_AEAD_CHACHA) {
            memcpy(nonce, k->iv, 12);
            for (int i = 0; i < 8; i++)
                nonce[4 + i] ^= aad[i];
        } else {
            for (int i = 0; i < 8; i++) /* the sequence number, as most stacks send */
                explicit_nonce[i] = aad[i];
            memcpy(nonce, k->iv, 4);
            memcpy(nonce + 4, explicit_nonce, 8);
            bb_add(&frag, explicit_nonce, 8);
        }
        uint8_t *ct = malloc(n + ci->tag_len);
        aead_seal(ci->evp, k->key, nonce, ci->tag_len, aad, 13, content, n, ct);
        bb_add(&frag, ct, n + ci->tag_len);
        free(ct);
    }
    bb_u8(out, type);
    bb_u16(out, 0x0303);
    bb_u16(out, (unsigned)frag.n);
    bb_add(out, frag.p, frag.n);
    bb_free(&frag);
}

#endif
