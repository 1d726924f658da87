/* tls_crypto.c - TLS record protection through OpenSSL libcrypto (EVP):
 * the TLS 1.3 key schedule's HKDF-Expand-Label (RFC 8446 7.1, 7.3), the
 * TLS 1.2 key block (RFC 5246 6.3), and the opening of one record: AEAD
 * (RFC 8446 5.2, RFC 5288, RFC 7905) and CBC with HMAC, MAC-then-encrypt
 * (RFC 5246 6.2.3.2) or encrypt-then-MAC (RFC 7366). No cryptography here is
 * written by hand: every cipher, MAC and KDF is libcrypto's.
 */
#include "tls_int.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <string.h>

/* ------------------------------------------------- fetched algorithms -- */

/* libcrypto's algorithms fetched once per process: EVP_*_fetch takes a lock and looks the
 * name up, which a handshake did a dozen times (13% of --json on a capture of short TLS
 * connections, `make bench-pairs`). Each fetch_* returns a reference of its own, freed by
 * the caller as a fetched one; the table keeps one until exit. Static and unlocked: a
 * process reads its captures on one thread. */
enum { FETCHED_N = 8 };
enum fetched_kind { F_CIPHER, F_MD, F_KDF, F_MAC };
static struct fetched {
    enum fetched_kind kind;
    const char *name; /* NULL: free slot */
    void *alg;
} fetched[FETCHED_N];

static void *fetch_new(enum fetched_kind kind, const char *name)
{
    switch (kind) {
    case F_CIPHER:
        return EVP_CIPHER_fetch(NULL, name, NULL);
    case F_MD:
        return EVP_MD_fetch(NULL, name, NULL);
    case F_KDF:
        return EVP_KDF_fetch(NULL, name, NULL);
    case F_MAC:
        return EVP_MAC_fetch(NULL, name, NULL);
    }
    return NULL;
}

static void *fetch_ref(enum fetched_kind kind, void *alg)
{
    int ok = 0;
    switch (kind) {
    case F_CIPHER:
        ok = EVP_CIPHER_up_ref(alg);
        break;
    case F_MD:
        ok = EVP_MD_up_ref(alg);
        break;
    case F_KDF:
        ok = EVP_KDF_up_ref(alg);
        break;
    case F_MAC:
        ok = EVP_MAC_up_ref(alg);
        break;
    }
    return ok == 1 ? alg : NULL;
}

static void *fetch_alg(enum fetched_kind kind, const char *name)
{
    size_t i;
    for (i = 0; i < FETCHED_N && fetched[i].name; i++)
        if (fetched[i].kind == kind && strcmp(fetched[i].name, name) == 0)
            return fetch_ref(kind, fetched[i].alg);
    void *alg = fetch_new(kind, name);
    if (!alg || i == FETCHED_N)
        return alg; /* not found, or the table full: this reference alone */
    fetched[i] = (struct fetched){kind, name, alg};
    return fetch_ref(kind, alg);
}

static EVP_CIPHER *fetch_cipher(const char *name)
{
    return fetch_alg(F_CIPHER, name);
}

static EVP_MD *fetch_md(const char *name)
{
    return fetch_alg(F_MD, name);
}

/* ------------------------------------------------------------ the KDFs -- */

static int kdf_derive(const char *name, OSSL_PARAM *params, uint8_t *out, size_t len)
{
    EVP_KDF *kdf = fetch_alg(F_KDF, name);
    if (!kdf)
        return -1;
    EVP_KDF_CTX *kctx = EVP_KDF_CTX_new(kdf);
    EVP_KDF_free(kdf);
    if (!kctx)
        return -1;
    int ok = EVP_KDF_derive(kctx, out, len, params) == 1;
    EVP_KDF_CTX_free(kctx);
    return ok ? 0 : -1;
}

int dec_tls13_expand_label(const struct dec_tls_hash_info *h, const uint8_t *secret, size_t slen,
                       const char *label, const uint8_t *ctx, size_t ctxlen, uint8_t *out,
                       size_t len)
{
    /* HkdfLabel = uint16 length, opaque label<7..255> = "tls13 " + Label,
     * opaque context<0..255> (RFC 8446 7.1) */
    static const char prefix[] = "tls13 ";
    uint8_t info[2 + 1 + 255 + 1 + 255];
    size_t ll = strlen(prefix) + strlen(label), n = 0;
    if (!h || !h->evp || ll > 255 || ctxlen > 255 || len > 0xffff)
        return -1;
    info[n++] = (uint8_t)(len >> 8);
    info[n++] = (uint8_t)len;
    info[n++] = (uint8_t)ll;
    memcpy(info + n, prefix, strlen(prefix));
    n += strlen(prefix);
    memcpy(info + n, label, strlen(label));
    n += strlen(label);
    info[n++] = (uint8_t)ctxlen;
    if (ctxlen)
        memcpy(info + n, ctx, ctxlen);
    n += ctxlen;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)h->evp, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, slen),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_end(),
    };
    return kdf_derive("HKDF", params, out, len);
}

int dec_tls13_next_secret(const struct dec_tls_hash_info *h, uint8_t *secret, size_t slen)
{
    /* application_traffic_secret_N+1 = HKDF-Expand-Label(
     *     application_traffic_secret_N, "traffic upd", "", Hash.length) */
    uint8_t next[DEC_TLS_MAX_SECRET];
    if (slen > sizeof next || dec_tls13_expand_label(h, secret, slen, "traffic upd", NULL, 0, next,
                                                 slen) != 0)
        return -1;
    memcpy(secret, next, slen);
    OPENSSL_cleanse(next, sizeof next);
    return 0;
}

int dec_tls12_prf(const struct dec_tls_hash_info *h, const uint8_t *secret, size_t slen,
              const char *label, const uint8_t *seed, size_t seedlen, uint8_t *out, size_t len)
{
    /* PRF(secret, label, seed) = P_<hash>(secret, label + seed) (RFC 5246 5) */
    if (!h || !h->evp)
        return -1;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)h->evp, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, slen),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)label, strlen(label)),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, (void *)seed, seedlen),
        OSSL_PARAM_construct_end(),
    };
    return kdf_derive("TLS1-PRF", params, out, len);
}

int dec_tls12_key_block(const struct dec_tls_hash_info *h, const uint8_t master[48],
                    const uint8_t client_random[32], const uint8_t server_random[32],
                    uint8_t *out, size_t len)
{
    /* key_block = PRF(SecurityParameters.master_secret, "key expansion",
     *                 server_random + client_random) (RFC 5246 6.3) */
    uint8_t seed[64];
    memcpy(seed, server_random, 32);
    memcpy(seed + 32, client_random, 32);
    return dec_tls12_prf(h, master, 48, "key expansion", seed, sizeof seed, out, len);
}

/* ---------------------------------------------------------- the keys -- */

static bool kind_decrypted(enum dec_tls_cipher_kind kind, bool tls13)
{
    switch (kind) {
    case DEC_TLS_CK_AEAD_GCM:
    case DEC_TLS_CK_AEAD_CHACHA:
        return true;
    case DEC_TLS_CK_CBC:
        return !tls13;
    default:
        return false;
    }
}

bool dec_tls_cipher_supported(const struct dec_tls_suite *s)
{
    if (!s)
        return false;
    const struct dec_tls_cipher_info *ci = dec_tls_cipher_info(s->cipher);
    const struct dec_tls_hash_info *hi = dec_tls_hash_info(s->hash);
    if (!ci || !ci->evp || !hi || !hi->evp || !kind_decrypted(ci->kind, s->tls13))
        return false;
    EVP_CIPHER *c = fetch_cipher(ci->evp);
    EVP_MD *md = fetch_md(hi->evp);
    bool ok = c && md;
    EVP_CIPHER_free(c);
    EVP_MD_free(md);
    return ok;
}

static int key_cipher(struct tls_key *k, const struct dec_tls_suite *s, const uint8_t *key)
{
    k->ready = false;
    k->ci = dec_tls_cipher_info(s->cipher);
    k->hi = dec_tls_hash_info(s->hash);
    if (!k->ci || !k->ci->evp || !kind_decrypted(k->ci->kind, s->tls13))
        return -1;
    if (!k->ctx && !(k->ctx = EVP_CIPHER_CTX_new()))
        return -1;
    if (!k->cipher || k->cipher_id != s->cipher) {
        EVP_CIPHER_free(k->cipher);
        k->cipher = fetch_cipher(k->ci->evp);
        k->cipher_id = s->cipher;
        if (!k->cipher)
            return -1;
    }
    EVP_CIPHER_CTX_reset(k->ctx);
    if (EVP_DecryptInit_ex(k->ctx, k->cipher, NULL, key, NULL) != 1)
        return -1;
    if (k->ci->kind == DEC_TLS_CK_CBC)
        EVP_CIPHER_CTX_set_padding(k->ctx, 0); /* TLS padding is checked here */
    return 0;
}

int dec_tls_key_set13(struct tls_key *k, const struct dec_tls_suite *s, const uint8_t *secret,
                  size_t slen)
{
    uint8_t key[32];
    const struct dec_tls_cipher_info *ci = s ? dec_tls_cipher_info(s->cipher) : NULL;
    const struct dec_tls_hash_info *hi = s ? dec_tls_hash_info(s->hash) : NULL;
    k->ready = false;
    if (!ci || !hi || !s->tls13 || ci->key_len > sizeof key || slen != hi->len)
        return -1;
    /* [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
     * [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length) (RFC 8446 7.3) */
    if (dec_tls13_expand_label(hi, secret, slen, "key", NULL, 0, key, ci->key_len) != 0 ||
        dec_tls13_expand_label(hi, secret, slen, "iv", NULL, 0, k->iv, sizeof k->iv) != 0)
        return -1;
    int rc = key_cipher(k, s, key);
    OPENSSL_cleanse(key, sizeof key);
    if (rc != 0)
        return -1;
    k->version = 0x0304;
    k->etm = false;
    k->ready = true;
    return 0;
}

int dec_tls_key_set12(struct tls_key *k, const struct dec_tls_suite *s, uint16_t version,
                  const uint8_t *mac_key, const uint8_t *key, const uint8_t *iv, bool etm)
{
    k->ready = false;
    if (!s || s->tls13 || key_cipher(k, s, key) != 0)
        return -1;
    k->version = version;
    k->etm = etm;
    memset(k->iv, 0, sizeof k->iv);
    if (k->ci->fixed_iv_len)
        memcpy(k->iv, iv, k->ci->fixed_iv_len);
    if (k->ci->kind == DEC_TLS_CK_CBC) {
        if (!k->mac) {
            EVP_MAC *mac = fetch_alg(F_MAC, "HMAC");
            k->mac = mac ? EVP_MAC_CTX_new(mac) : NULL;
            EVP_MAC_free(mac);
            if (!k->mac)
                return -1;
        }
        OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)k->hi->evp, 0),
            OSSL_PARAM_construct_end(),
        };
        if (EVP_MAC_init(k->mac, mac_key, k->hi->len, params) != 1)
            return -1;
    }
    k->ready = true;
    return 0;
}

void dec_tls_key_done(struct tls_key *k)
{
    EVP_CIPHER_CTX_free(k->ctx);
    EVP_CIPHER_free(k->cipher);
    EVP_MAC_CTX_free(k->mac);
    memset(k, 0, sizeof *k);
}

/* ---------------------------------------------------- opening records -- */

static void be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--) {
        p[i] = (uint8_t)v;
        v >>= 8;
    }
}

/* nonce = iv XOR the 64-bit sequence number left-padded to 12 bytes
 * (RFC 8446 5.3, RFC 7905 2) */
static void xor_nonce(const uint8_t iv[12], uint64_t seq, uint8_t nonce[12])
{
    uint8_t s[8];
    be64(s, seq);
    memcpy(nonce, iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= s[i];
}

static int aead_open(struct tls_key *k, const uint8_t *nonce, const uint8_t *aad, size_t aadlen,
                     const uint8_t *in, size_t clen, const uint8_t *tag, uint8_t *out)
{
    int n = 0, m = 0;
    if (clen > INT32_MAX)
        return -1;
    if (EVP_DecryptInit_ex(k->ctx, NULL, NULL, NULL, nonce) != 1 ||
        EVP_DecryptUpdate(k->ctx, NULL, &n, aad, (int)aadlen) != 1)
        return -1;
    n = 0;
    if (clen && EVP_DecryptUpdate(k->ctx, out, &n, in, (int)clen) != 1)
        return -1;
    if (EVP_CIPHER_CTX_ctrl(k->ctx, EVP_CTRL_AEAD_SET_TAG, k->ci->tag_len, (void *)tag) != 1)
        return -1;
    return EVP_DecryptFinal_ex(k->ctx, out + n, &m) == 1 ? 0 : -1;
}

/* TLS 1.3: TLSCiphertext -> TLSInnerPlaintext (RFC 8446 5.2, 5.4) */
static int open13(struct tls_key *k, uint64_t seq, const uint8_t hdr[5], const uint8_t *frag,
                  size_t len, uint8_t *out, const uint8_t **plain, size_t *plain_len,
                  uint8_t *inner_type)
{
    uint8_t nonce[12];
    size_t tag = k->ci->tag_len;
    if (len < tag + 1)
        return -1;
    xor_nonce(k->iv, seq, nonce);
    if (aead_open(k, nonce, hdr, 5, frag, len - tag, frag + len - tag, out) != 0)
        return -1;
    size_t n = len - tag;
    while (n > 0 && out[n - 1] == 0) /* zeros: padding */
        n--;
    if (n == 0)
        return -1; /* no content type: unexpected_message (RFC 8446 5.4) */
    *inner_type = out[n - 1];
    *plain = out;
    *plain_len = n - 1;
    return 0;
}

/* additional_data = seq_num + TLSCompressed.type + version + length
 * (RFC 5246 6.2.3.3) */
static void aad12(uint8_t aad[13], uint64_t seq, const uint8_t hdr[5], size_t plen)
{
    be64(aad, seq);
    aad[8] = hdr[0];
    aad[9] = hdr[1];
    aad[10] = hdr[2];
    aad[11] = (uint8_t)(plen >> 8);
    aad[12] = (uint8_t)plen;
}

static int open12_aead(struct tls_key *k, uint64_t seq, const uint8_t hdr[5], const uint8_t *frag,
                       size_t len, uint8_t *out, const uint8_t **plain, size_t *plain_len)
{
    uint8_t nonce[12], aad[13];
    size_t rec_iv = k->ci->record_iv_len, tag = k->ci->tag_len;
    if (len < rec_iv + tag)
        return -1;
    size_t plen = len - rec_iv - tag;
    if (k->ci->kind == DEC_TLS_CK_AEAD_CHACHA) {
        xor_nonce(k->iv, seq, nonce); /* RFC 7905 2 */
    } else {
        memcpy(nonce, k->iv, 4); /* salt + explicit nonce (RFC 5288 3) */
        memcpy(nonce + 4, frag, 8);
    }
    aad12(aad, seq, hdr, plen);
    if (aead_open(k, nonce, aad, sizeof aad, frag + rec_iv, plen, frag + rec_iv + plen,
                  out + rec_iv) != 0)
        return -1;
    *plain = out + rec_iv;
    *plain_len = plen;
    return 0;
}

static int hmac(struct tls_key *k, const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
                uint8_t *md, size_t *mdlen)
{
    if (EVP_MAC_init(k->mac, NULL, 0, NULL) != 1 || EVP_MAC_update(k->mac, a, alen) != 1 ||
        (blen && EVP_MAC_update(k->mac, b, blen) != 1))
        return -1;
    return EVP_MAC_final(k->mac, md, mdlen, EVP_MAX_MD_SIZE) == 1 ? 0 : -1;
}

static int cbc_decrypt(struct tls_key *k, const uint8_t *iv, const uint8_t *in, size_t clen,
                       uint8_t *out)
{
    int n = 0, m = 0;
    if (clen > INT32_MAX)
        return -1;
    if (EVP_DecryptInit_ex(k->ctx, NULL, NULL, NULL, iv) != 1 ||
        EVP_DecryptUpdate(k->ctx, out, &n, in, (int)clen) != 1 ||
        EVP_DecryptFinal_ex(k->ctx, out + n, &m) != 1)
        return -1;
    return (size_t)(n + m) == clen ? 0 : -1;
}

/* The padding at the end of n decrypted bytes (RFC 5246 6.2.3.2: padding_length + 1
 * bytes of value padding_length), with maclen bytes of MAC before it: *content the
 * bytes before those, or -1 when the padding is not right. */
static int cbc_unpad(const uint8_t *p, size_t n, size_t maclen, size_t *content)
{
    if (n == 0)
        return -1;
    size_t pad = p[n - 1];
    if (pad + 1 + maclen > n)
        return -1;
    for (size_t i = 0; i <= pad; i++)
        if (p[n - 1 - i] != pad)
            return -1;
    *content = n - pad - 1 - maclen;
    return 0;
}

/* GenericBlockCipher (RFC 5246 6.2.3.2): IV, then content + MAC + padding
 * encrypted; with encrypt_then_mac (RFC 7366 3) the MAC follows the
 * ciphertext and covers IV and ciphertext. */
static int open12_cbc(struct tls_key *k, uint64_t seq, const uint8_t hdr[5], const uint8_t *frag,
                      size_t len, uint8_t *out, const uint8_t **plain, size_t *plain_len)
{
    size_t bs = k->ci->block, maclen = k->hi->len, mdlen = 0;
    uint8_t aad[13], md[EVP_MAX_MD_SIZE], iv[16];
    if (bs > sizeof iv)
        return -1;
    if (k->etm) {
        if (len < bs + bs + maclen || (len - maclen) % bs)
            return -1;
        size_t clen = len - maclen;
        aad12(aad, seq, hdr, clen);
        if (hmac(k, aad, sizeof aad, frag, clen, md, &mdlen) != 0 || mdlen != maclen ||
            CRYPTO_memcmp(md, frag + clen, maclen) != 0)
            return -1;
        memcpy(iv, frag, bs);
        if (cbc_decrypt(k, iv, frag + bs, clen - bs, out + bs) != 0)
            return -1;
        *plain = out + bs;
        return cbc_unpad(out + bs, clen - bs, 0, plain_len);
    }
    if (len < bs + maclen + 1 || (len - bs) % bs || len - bs < bs)
        return -1;
    memcpy(iv, frag, bs);
    if (cbc_decrypt(k, iv, frag + bs, len - bs, out + bs) != 0)
        return -1;
    const uint8_t *p = out + bs;
    size_t clen;
    if (cbc_unpad(p, len - bs, maclen, &clen) != 0)
        return -1;
    aad12(aad, seq, hdr, clen);
    if (hmac(k, aad, sizeof aad, p, clen, md, &mdlen) != 0 || mdlen != maclen ||
        CRYPTO_memcmp(md, p + clen, maclen) != 0)
        return -1;
    *plain = p;
    *plain_len = clen;
    return 0;
}

int dec_tls_key_open(struct tls_key *k, uint64_t seq, const uint8_t hdr[5], const uint8_t *frag,
                 size_t len, uint8_t *out, const uint8_t **plain, size_t *plain_len,
                 uint8_t *inner_type)
{
    if (!k->ready)
        return -1;
    if (k->version == 0x0304)
        return open13(k, seq, hdr, frag, len, out, plain, plain_len, inner_type);
    *inner_type = hdr[0];
    if (k->ci->kind == DEC_TLS_CK_CBC)
        return open12_cbc(k, seq, hdr, frag, len, out, plain, plain_len);
    return open12_aead(k, seq, hdr, frag, len, out, plain, plain_len);
}
