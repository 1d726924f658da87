/* tls_int.h - private to the TLS files of decode/: the bounded cursor the
 * handshake parsers read wire bytes with, and the record protection of
 * tls_crypto.c (OpenSSL EVP) that tls_conn.c drives
 */
#ifndef HTTPSTEP_TLS_INT_H
#define HTTPSTEP_TLS_INT_H

#include "decode.h" /* DEC_INVALID, and tls.h */

#include <string.h>

/* ------------------------------------------------------------------------ */
/* The cursor (tcpdump's GET_ macros without longjmp): a read past the end   */
/* returns 0 and sets bad; a parser checks bad once per structure. TLS       */
/* vectors <a..b> are read as sub-cursors of their announced length.         */

struct tcur {
    const uint8_t *p;
    size_t n;                    /* bytes left */
    bool bad;
};

static inline struct tcur tcur_make(const uint8_t *p, size_t n)
{
    struct tcur c = {p, n, false};
    return c;
}

static inline uint32_t tcur_be(struct tcur *c, int bytes)
{
    uint32_t v = 0;
    if (c->bad || c->n < (size_t)bytes) {
        c->bad = true;
        c->n = 0;
        return 0;
    }
    for (int i = 0; i < bytes; i++)
        v = v << 8 | c->p[i];
    c->p += bytes;
    c->n -= (size_t)bytes;
    return v;
}

static inline uint8_t tcur_u8(struct tcur *c)
{
    return (uint8_t)tcur_be(c, 1);
}

static inline uint16_t tcur_u16(struct tcur *c)
{
    return (uint16_t)tcur_be(c, 2);
}

static inline uint32_t tcur_u24(struct tcur *c)
{
    return tcur_be(c, 3);
}

static inline uint32_t tcur_u32(struct tcur *c)
{
    return tcur_be(c, 4);
}

/* the next len bytes as a cursor of their own; bad (for both) past the end */
static inline struct tcur tcur_sub(struct tcur *c, size_t len)
{
    struct tcur s = {c->p, 0, true};
    if (c->bad || c->n < len) {
        c->bad = true;
        c->n = 0;
        return s;
    }
    s.n = len;
    s.bad = false;
    c->p += len;
    c->n -= len;
    return s;
}

/* a vector with a length prefix of `lenbytes` bytes (RFC 8446 3.4) */
static inline struct tcur tcur_vec(struct tcur *c, int lenbytes)
{
    return tcur_sub(c, tcur_be(c, lenbytes));
}

static inline void tcur_copy(struct tcur *c, uint8_t *dst, size_t len)
{
    struct tcur s = tcur_sub(c, len);
    if (!s.bad && len)
        memcpy(dst, s.p, len);
}

/* ------------------------------------------------------------------------ */
/* Record protection (tls_crypto.c). One struct tls_key per direction and    */
/* epoch: the EVP_CIPHER_CTX is allocated once and reused for every record; */
/* a new epoch only sets a new key in it.                                    */

struct evp_cipher_ctx_st;
struct evp_cipher_st;
struct evp_mac_ctx_st;

struct tls_key {
    struct evp_cipher_ctx_st *ctx;   /* allocated on first use, kept */
    struct evp_cipher_st *cipher;    /* fetched for the current suite */
    enum dec_tls_cipher cipher_id;   /* of `cipher` (refetched only on change) */
    struct evp_mac_ctx_st *mac;      /* CBC: the HMAC context, keyed */
    const struct dec_tls_cipher_info *ci;
    const struct dec_tls_hash_info *hi;
    uint16_t version;                /* 0x0304: TLS 1.3 record layout; else 1.2 */
    uint8_t iv[12];                  /* 1.3 and 1.2 ChaCha: 12 bytes; 1.2 GCM: the 4-byte salt */
    bool etm;                        /* 1.2 CBC: encrypt-then-MAC (RFC 7366) */
    bool ready;                      /* a key is set */
};

/* HKDF-Expand-Label (RFC 8446 7.1) with hash h: out = len bytes. label
 * without the "tls13 " prefix. Returns 0, -1 on a libcrypto failure. */
int dec_tls13_expand_label(const struct dec_tls_hash_info *h, const uint8_t *secret, size_t slen,
                       const char *label, const uint8_t *ctx, size_t ctxlen, uint8_t *out,
                       size_t len);
/* The next application traffic secret (RFC 8446 7.2): in place. */
int dec_tls13_next_secret(const struct dec_tls_hash_info *h, uint8_t *secret, size_t slen);
/* The TLS 1.2 PRF (RFC 5246 5) with hash h: len bytes of
 * P_hash(secret, label + seed). */
int dec_tls12_prf(const struct dec_tls_hash_info *h, const uint8_t *secret, size_t slen,
              const char *label, const uint8_t *seed, size_t seedlen, uint8_t *out, size_t len);
/* The TLS 1.2 key block (RFC 5246 6.3): PRF(master, "key expansion",
 * server_random + client_random) with hash h, len bytes. */
int dec_tls12_key_block(const struct dec_tls_hash_info *h, const uint8_t master[48],
                    const uint8_t client_random[32], const uint8_t server_random[32],
                    uint8_t *out, size_t len);

/* Set up k for a TLS 1.3 traffic secret (key and iv by HKDF-Expand-Label).
 * Returns 0, -1 when the cipher is not available. */
int dec_tls_key_set13(struct tls_key *k, const struct dec_tls_suite *s, const uint8_t *secret,
                  size_t slen);
/* Set up k for one direction of TLS 1.2 from its part of the key block. */
int dec_tls_key_set12(struct tls_key *k, const struct dec_tls_suite *s, uint16_t version,
                  const uint8_t *mac_key, const uint8_t *key, const uint8_t *iv, bool etm);
void dec_tls_key_done(struct tls_key *k);
/* Is the suite's cipher one this engine decrypts (and libcrypto has)? */
bool dec_tls_cipher_supported(const struct dec_tls_suite *s);

/* Open one protected record. hdr: its 5-byte header; frag/len: the bytes
 * after it. The plaintext is written at the same distance from `out` as the
 * ciphertext lies from frag (out == frag decrypts in place; else out must
 * not overlap frag and hold len bytes). On success returns 0 with *plain,
 * *plain_len set to the content and, for 1.3, *inner_type to the
 * TLSInnerPlaintext type; -1 when the record does not authenticate or is
 * malformed for the cipher. */
int dec_tls_key_open(struct tls_key *k, uint64_t seq, const uint8_t hdr[5], const uint8_t *frag,
                 size_t len, uint8_t *out, const uint8_t **plain, size_t *plain_len,
                 uint8_t *inner_type);

/* tls.c: the certificate's first entry through d2i_X509 (the last few kept) */
void dec_tls_x509_describe(const uint8_t *der, size_t len, struct dec_tls_certificate *out);

#endif
