/* tls.h - TLS in the decode layer: the NSS key log, the IANA tables, pure
 * handshake parsers, and the per-connection TLS engine that turns the two
 * reassembled TCP streams of one connection into records, handshake messages,
 * alerts and one plaintext stream per direction, decrypting with the secrets
 * of a key log through OpenSSL's libcrypto (EVP; no cryptography of its own).
 *
 * Included by decode.h (its marked TLS section): other layers include
 * decode.h. Like the rest of decode/, nothing here prints, exits or includes
 * curses; errors are returned with a message in a caller's errbuf of
 * TR_ERRBUF_SIZE bytes, or as events. Every pointer an event carries is
 * borrowed for the call (copy what you keep).
 *
 * RFCs: 8446 (TLS 1.3), 5246 (TLS 1.2), 7366 (encrypt-then-MAC), 7905
 * (ChaCha20-Poly1305 in TLS 1.2), 5288 (AES-GCM in TLS 1.2), 6066 (SNI),
 * 7301 (ALPN), RFC 9850 / draft-ietf-tls-keylogfile (the key log format).
 *
 * Longer than 800 lines: the public face of the TLS engine (the IANA tables
 * as X-macros, the parsed handshake structs, the events): declarations and
 * their documentation, no code.
 */
#ifndef HTTPSTEP_TLS_H
#define HTTPSTEP_TLS_H

#include "../tracer/tracer.h"

/* ======================================================================== */
/* Tables (X-macros; ui/ and teach/ add the learner text)                    */

/* Content types, RFC 8446 5.1 and B.1 */
#define DEC_TLS_CONTENT_LIST(X)                                                                    \
    X(CHANGE_CIPHER_SPEC, 20, "change_cipher_spec")                                                \
    X(ALERT, 21, "alert")                                                                          \
    X(HANDSHAKE, 22, "handshake")                                                                  \
    X(APPLICATION_DATA, 23, "application_data")                                                    \
    X(HEARTBEAT, 24, "heartbeat")

enum dec_tls_content {
#define X(id, v, name) DEC_TLS_CT_##id = v,
    DEC_TLS_CONTENT_LIST(X)
#undef X
};
const char *dec_tls_content_name(uint8_t type); /* NULL when unknown */

/* Handshake message types, RFC 8446 4 and B.3, RFC 5246 7.4 */
#define DEC_TLS_HS_LIST(X)                                                                         \
    X(HELLO_REQUEST, 0, "HelloRequest")                                                            \
    X(CLIENT_HELLO, 1, "ClientHello")                                                              \
    X(SERVER_HELLO, 2, "ServerHello")                                                              \
    X(HELLO_VERIFY_REQUEST, 3, "HelloVerifyRequest")                                               \
    X(NEW_SESSION_TICKET, 4, "NewSessionTicket")                                                   \
    X(END_OF_EARLY_DATA, 5, "EndOfEarlyData")                                                      \
    X(ENCRYPTED_EXTENSIONS, 8, "EncryptedExtensions")                                              \
    X(CERTIFICATE, 11, "Certificate")                                                              \
    X(SERVER_KEY_EXCHANGE, 12, "ServerKeyExchange")                                                \
    X(CERTIFICATE_REQUEST, 13, "CertificateRequest")                                               \
    X(SERVER_HELLO_DONE, 14, "ServerHelloDone")                                                    \
    X(CERTIFICATE_VERIFY, 15, "CertificateVerify")                                                 \
    X(CLIENT_KEY_EXCHANGE, 16, "ClientKeyExchange")                                                \
    X(FINISHED, 20, "Finished")                                                                    \
    X(CERTIFICATE_URL, 21, "CertificateURL")                                                       \
    X(CERTIFICATE_STATUS, 22, "CertificateStatus")                                                 \
    X(KEY_UPDATE, 24, "KeyUpdate")                                                                 \
    X(COMPRESSED_CERTIFICATE, 25, "CompressedCertificate")                                         \
    X(MESSAGE_HASH, 254, "MessageHash")

enum dec_tls_hs_type {
#define X(id, v, name) DEC_TLS_HS_##id = v,
    DEC_TLS_HS_LIST(X)
#undef X
};
/* "ServerHello"; NULL when unknown. A ServerHello with the RFC 8446 4.1.3
 * random is a HelloRetryRequest: dec_tls_handshake.name says so. */
const char *dec_tls_hs_name(uint8_t type);

/* Alert descriptions, RFC 8446 6 and B.2 (with RFC 5246's old ones) */
#define DEC_TLS_ALERT_LIST(X)                                                                      \
    X(CLOSE_NOTIFY, 0, "close_notify")                                                             \
    X(UNEXPECTED_MESSAGE, 10, "unexpected_message")                                                \
    X(BAD_RECORD_MAC, 20, "bad_record_mac")                                                        \
    X(DECRYPTION_FAILED, 21, "decryption_failed")                                                  \
    X(RECORD_OVERFLOW, 22, "record_overflow")                                                      \
    X(DECOMPRESSION_FAILURE, 30, "decompression_failure")                                          \
    X(HANDSHAKE_FAILURE, 40, "handshake_failure")                                                  \
    X(NO_CERTIFICATE, 41, "no_certificate")                                                        \
    X(BAD_CERTIFICATE, 42, "bad_certificate")                                                      \
    X(UNSUPPORTED_CERTIFICATE, 43, "unsupported_certificate")                                      \
    X(CERTIFICATE_REVOKED, 44, "certificate_revoked")                                              \
    X(CERTIFICATE_EXPIRED, 45, "certificate_expired")                                              \
    X(CERTIFICATE_UNKNOWN, 46, "certificate_unknown")                                              \
    X(ILLEGAL_PARAMETER, 47, "illegal_parameter")                                                  \
    X(UNKNOWN_CA, 48, "unknown_ca")                                                                \
    X(ACCESS_DENIED, 49, "access_denied")                                                          \
    X(DECODE_ERROR, 50, "decode_error")                                                            \
    X(DECRYPT_ERROR, 51, "decrypt_error")                                                          \
    X(EXPORT_RESTRICTION, 60, "export_restriction")                                                \
    X(PROTOCOL_VERSION, 70, "protocol_version")                                                    \
    X(INSUFFICIENT_SECURITY, 71, "insufficient_security")                                          \
    X(INTERNAL_ERROR, 80, "internal_error")                                                        \
    X(INAPPROPRIATE_FALLBACK, 86, "inappropriate_fallback")                                        \
    X(USER_CANCELED, 90, "user_canceled")                                                          \
    X(NO_RENEGOTIATION, 100, "no_renegotiation")                                                   \
    X(MISSING_EXTENSION, 109, "missing_extension")                                                 \
    X(UNSUPPORTED_EXTENSION, 110, "unsupported_extension")                                         \
    X(CERTIFICATE_UNOBTAINABLE, 111, "certificate_unobtainable")                                   \
    X(UNRECOGNIZED_NAME, 112, "unrecognized_name")                                                 \
    X(BAD_CERTIFICATE_STATUS_RESPONSE, 113, "bad_certificate_status_response")                     \
    X(BAD_CERTIFICATE_HASH_VALUE, 114, "bad_certificate_hash_value")                               \
    X(UNKNOWN_PSK_IDENTITY, 115, "unknown_psk_identity")                                           \
    X(CERTIFICATE_REQUIRED, 116, "certificate_required")                                           \
    X(NO_APPLICATION_PROTOCOL, 120, "no_application_protocol")                                     \
    X(ECH_REQUIRED, 121, "ech_required")
const char *dec_tls_alert_name(uint8_t desc); /* NULL when unknown */

/* Named groups (key exchange), RFC 8446 4.2.7, RFC 7919, IANA */
#define DEC_TLS_GROUP_LIST(X)                                                                      \
    X(0x0017, "secp256r1")                                                                         \
    X(0x0018, "secp384r1")                                                                         \
    X(0x0019, "secp521r1")                                                                         \
    X(0x001d, "x25519")                                                                            \
    X(0x001e, "x448")                                                                              \
    X(0x0100, "ffdhe2048")                                                                         \
    X(0x0101, "ffdhe3072")                                                                         \
    X(0x0102, "ffdhe4096")                                                                         \
    X(0x0103, "ffdhe6144")                                                                         \
    X(0x0104, "ffdhe8192")                                                                         \
    X(0x11ec, "X25519MLKEM768")                                                                    \
    X(0x6399, "X25519Kyber768Draft00")
const char *dec_tls_group_name(uint16_t group); /* NULL when unknown (or GREASE) */

/* Signature schemes, RFC 8446 4.2.3 */
#define DEC_TLS_SIGSCHEME_LIST(X)                                                                  \
    X(0x0401, "rsa_pkcs1_sha256")                                                                  \
    X(0x0501, "rsa_pkcs1_sha384")                                                                  \
    X(0x0601, "rsa_pkcs1_sha512")                                                                  \
    X(0x0403, "ecdsa_secp256r1_sha256")                                                            \
    X(0x0503, "ecdsa_secp384r1_sha384")                                                            \
    X(0x0603, "ecdsa_secp521r1_sha512")                                                            \
    X(0x0804, "rsa_pss_rsae_sha256")                                                               \
    X(0x0805, "rsa_pss_rsae_sha384")                                                               \
    X(0x0806, "rsa_pss_rsae_sha512")                                                               \
    X(0x0807, "ed25519")                                                                           \
    X(0x0808, "ed448")                                                                             \
    X(0x0809, "rsa_pss_pss_sha256")                                                                \
    X(0x080a, "rsa_pss_pss_sha384")                                                                \
    X(0x080b, "rsa_pss_pss_sha512")                                                                \
    X(0x0201, "rsa_pkcs1_sha1")                                                                    \
    X(0x0203, "ecdsa_sha1")
const char *dec_tls_sigscheme_name(uint16_t scheme); /* NULL when unknown */

/* Extensions (IANA TLS ExtensionType Values) */
#define DEC_TLS_EXT_LIST(X)                                                                        \
    X(SERVER_NAME, 0, "server_name")                                                               \
    X(STATUS_REQUEST, 5, "status_request")                                                         \
    X(SUPPORTED_GROUPS, 10, "supported_groups")                                                    \
    X(EC_POINT_FORMATS, 11, "ec_point_formats")                                                    \
    X(SIGNATURE_ALGORITHMS, 13, "signature_algorithms")                                            \
    X(ALPN, 16, "application_layer_protocol_negotiation")                                          \
    X(SCT, 18, "signed_certificate_timestamp")                                                     \
    X(PADDING, 21, "padding")                                                                      \
    X(ENCRYPT_THEN_MAC, 22, "encrypt_then_mac")                                                    \
    X(EXTENDED_MASTER_SECRET, 23, "extended_master_secret")                                        \
    X(COMPRESS_CERTIFICATE, 27, "compress_certificate")                                            \
    X(RECORD_SIZE_LIMIT, 28, "record_size_limit")                                                  \
    X(SESSION_TICKET, 35, "session_ticket")                                                        \
    X(PRE_SHARED_KEY, 41, "pre_shared_key")                                                        \
    X(EARLY_DATA, 42, "early_data")                                                                \
    X(SUPPORTED_VERSIONS, 43, "supported_versions")                                                \
    X(COOKIE, 44, "cookie")                                                                        \
    X(PSK_KEY_EXCHANGE_MODES, 45, "psk_key_exchange_modes")                                        \
    X(CERTIFICATE_AUTHORITIES, 47, "certificate_authorities")                                      \
    X(POST_HANDSHAKE_AUTH, 49, "post_handshake_auth")                                              \
    X(SIGNATURE_ALGORITHMS_CERT, 50, "signature_algorithms_cert")                                  \
    X(KEY_SHARE, 51, "key_share")                                                                  \
    X(APPLICATION_SETTINGS, 17513, "application_settings")                                         \
    X(ENCRYPTED_CLIENT_HELLO, 65037, "encrypted_client_hello")                                     \
    X(RENEGOTIATION_INFO, 65281, "renegotiation_info")

enum dec_tls_ext {
#define X(id, v, name) DEC_TLS_EXT_##id = v,
    DEC_TLS_EXT_LIST(X)
#undef X
};
const char *dec_tls_ext_name(uint16_t type); /* NULL when unknown */

/* RFC 8701: 0x0a0a, 0x1a1a, ... 0xfafa are GREASE: values a client sends to
 * keep servers tolerant of unknown ones. */
bool dec_tls_is_grease(uint16_t v);

/* "TLS 1.2", "SSL 3.0"; NULL when unknown (defined in tls.c) */
const char *dec_tls_version_name(uint16_t v);

/* --- Cipher suites: the name and what each part of it means ------------- */

/* Key exchange: how the two sides agree on the secret */
#define DEC_TLS_KX_LIST(X)                                                                         \
    X(ANY, "any")            /* TLS 1.3: chosen separately (key_share), not by the suite */      \
    X(RSA, "RSA")            /* the client encrypts the secret to the server's RSA key */         \
    X(DHE, "DHE")            /* ephemeral finite-field Diffie-Hellman */                          \
    X(ECDHE, "ECDHE")        /* ephemeral elliptic-curve Diffie-Hellman */                        \
    X(PSK, "PSK")            /* a pre-shared key */                                               \
    X(DHE_PSK, "DHE_PSK")                                                                          \
    X(ECDHE_PSK, "ECDHE_PSK")                                                                      \
    X(RSA_PSK, "RSA_PSK")                                                                          \
    X(NULL_KX, "NULL")                                                                             \
    X(SCSV, "SCSV")          /* not a suite: a signal (RFC 5746, RFC 7507) */

/* Authentication: how the server proves who it is */
#define DEC_TLS_AUTH_LIST(X)                                                                       \
    X(ANY, "any")            /* TLS 1.3: chosen separately (signature_algorithms) */              \
    X(RSA, "RSA")                                                                                  \
    X(ECDSA, "ECDSA")                                                                              \
    X(DSS, "DSS")                                                                                  \
    X(PSK, "PSK")                                                                                  \
    X(ANON, "anon")                                                                                \
    X(NULL_AUTH, "NULL")

/* Record protection (bulk cipher). kind: AEAD_GCM (4-byte salt + 8-byte
 * explicit nonce in TLS 1.2, RFC 5288), AEAD_CHACHA (12-byte iv, implicit
 * nonce, RFC 7905), AEAD_CCM (as GCM, RFC 6655), CBC (explicit IV per
 * record, RFC 5246 6.2.3.2), STREAM, NONE. evp: OpenSSL's name for it, NULL
 * when the engine does not decrypt it. key: key bytes; fixed_iv: TLS 1.2
 * implicit iv bytes from the key block; rec_iv: explicit nonce or IV bytes per
 * record; tag: AEAD tag bytes; block: cipher block size. */
#define DEC_TLS_CIPHER_LIST(X)                                                                     \
    X(NULL_CIPHER, "NULL", NONE, NULL, 0, 0, 0, 0, 0)                                              \
    X(RC4_128, "RC4_128", STREAM, NULL, 16, 0, 0, 0, 0)                                            \
    X(DES_EDE3_CBC, "3DES_EDE_CBC", CBC, "DES-EDE3-CBC", 24, 0, 8, 0, 8)                          \
    X(AES_128_CBC, "AES_128_CBC", CBC, "AES-128-CBC", 16, 0, 16, 0, 16)                            \
    X(AES_256_CBC, "AES_256_CBC", CBC, "AES-256-CBC", 32, 0, 16, 0, 16)                            \
    X(CAMELLIA_128_CBC, "CAMELLIA_128_CBC", CBC, "CAMELLIA-128-CBC", 16, 0, 16, 0, 16)             \
    X(CAMELLIA_256_CBC, "CAMELLIA_256_CBC", CBC, "CAMELLIA-256-CBC", 32, 0, 16, 0, 16)             \
    X(AES_128_GCM, "AES_128_GCM", AEAD_GCM, "AES-128-GCM", 16, 4, 8, 16, 1)                        \
    X(AES_256_GCM, "AES_256_GCM", AEAD_GCM, "AES-256-GCM", 32, 4, 8, 16, 1)                        \
    X(ARIA_128_GCM, "ARIA_128_GCM", AEAD_GCM, "ARIA-128-GCM", 16, 4, 8, 16, 1)                     \
    X(ARIA_256_GCM, "ARIA_256_GCM", AEAD_GCM, "ARIA-256-GCM", 32, 4, 8, 16, 1)                     \
    X(CHACHA20_POLY1305, "CHACHA20_POLY1305", AEAD_CHACHA, "ChaCha20-Poly1305", 32, 12, 0, 16, 1) \
    X(AES_128_CCM, "AES_128_CCM", AEAD_CCM, NULL, 16, 4, 8, 16, 1)                                 \
    X(AES_256_CCM, "AES_256_CCM", AEAD_CCM, NULL, 32, 4, 8, 16, 1)                                 \
    X(AES_128_CCM_8, "AES_128_CCM_8", AEAD_CCM, NULL, 16, 4, 8, 8, 1)                              \
    X(AES_256_CCM_8, "AES_256_CCM_8", AEAD_CCM, NULL, 32, 4, 8, 8, 1)

/* The hash: the record MAC of CBC and stream suites (HMAC), and the PRF
 * (TLS 1.2) or HKDF (TLS 1.3) hash of every suite. len: output bytes. */
#define DEC_TLS_HASH_LIST(X)                                                                       \
    X(NULL_HASH, "NULL", NULL, 0)                                                                  \
    X(MD5, "MD5", "MD5", 16)                                                                       \
    X(SHA1, "SHA", "SHA1", 20)                                                                     \
    X(SHA256, "SHA256", "SHA256", 32)                                                              \
    X(SHA384, "SHA384", "SHA384", 48)

enum dec_tls_kx {
#define X(id, name) DEC_TLS_KX_##id,
    DEC_TLS_KX_LIST(X)
#undef X
};
enum dec_tls_auth {
#define X(id, name) DEC_TLS_AUTH_##id,
    DEC_TLS_AUTH_LIST(X)
#undef X
};
enum dec_tls_cipher_kind {
    DEC_TLS_CK_NONE,
    DEC_TLS_CK_STREAM,
    DEC_TLS_CK_CBC,
    DEC_TLS_CK_AEAD_GCM,
    DEC_TLS_CK_AEAD_CHACHA,
    DEC_TLS_CK_AEAD_CCM
};
enum dec_tls_cipher {
#define X(id, name, kind, evp, key, fiv, riv, tag, block) DEC_TLS_CIPHER_##id,
    DEC_TLS_CIPHER_LIST(X)
#undef X
    DEC_TLS_CIPHER_COUNT
};
enum dec_tls_hash {
#define X(id, name, evp, len) DEC_TLS_HASH_##id,
    DEC_TLS_HASH_LIST(X)
#undef X
};

struct dec_tls_cipher_info {
    const char *name;            /* "AES_128_GCM" (as in the suite names) */
    enum dec_tls_cipher_kind kind;
    const char *evp;             /* OpenSSL's name; NULL: not decrypted */
    uint8_t key_len, fixed_iv_len, record_iv_len, tag_len, block;
};
struct dec_tls_hash_info {
    const char *name;            /* "SHA256" (as in the suite names; "SHA" is SHA-1) */
    const char *evp;             /* "SHA256" */
    uint8_t len;
};
const struct dec_tls_cipher_info *dec_tls_cipher_info(enum dec_tls_cipher c);
const struct dec_tls_hash_info *dec_tls_hash_info(enum dec_tls_hash h);
const char *dec_tls_kx_name(enum dec_tls_kx kx);
const char *dec_tls_auth_name(enum dec_tls_auth a);

/* IANA TLS Cipher Suites: id, name, key exchange, authentication, cipher,
 * hash (the MAC for CBC/stream suites; the PRF/HKDF hash for AEAD suites),
 * tls13 (a TLS 1.3 suite, RFC 8446 B.4). The suites of current browsers,
 * curl and OpenSSL, and the classics a course meets. */
#define DEC_TLS_SUITE_LIST(X)                                                                      \
    X(0x1301, TLS_AES_128_GCM_SHA256, ANY, ANY, AES_128_GCM, SHA256, 1)                            \
    X(0x1302, TLS_AES_256_GCM_SHA384, ANY, ANY, AES_256_GCM, SHA384, 1)                            \
    X(0x1303, TLS_CHACHA20_POLY1305_SHA256, ANY, ANY, CHACHA20_POLY1305, SHA256, 1)                \
    X(0x1304, TLS_AES_128_CCM_SHA256, ANY, ANY, AES_128_CCM, SHA256, 1)                            \
    X(0x1305, TLS_AES_128_CCM_8_SHA256, ANY, ANY, AES_128_CCM_8, SHA256, 1)                        \
    X(0xc02b, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ECDHE, ECDSA, AES_128_GCM, SHA256, 0)       \
    X(0xc02c, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, ECDHE, ECDSA, AES_256_GCM, SHA384, 0)       \
    X(0xc02f, TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ECDHE, RSA, AES_128_GCM, SHA256, 0)           \
    X(0xc030, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, ECDHE, RSA, AES_256_GCM, SHA384, 0)           \
    X(0xcca8, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, ECDHE, RSA, CHACHA20_POLY1305, SHA256, 0) \
    X(0xcca9, TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, ECDHE, ECDSA, CHACHA20_POLY1305,     \
      SHA256, 0)                                                                                   \
    X(0xccaa, TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256, DHE, RSA, CHACHA20_POLY1305, SHA256, 0)   \
    X(0xc009, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, ECDHE, ECDSA, AES_128_CBC, SHA1, 0)            \
    X(0xc00a, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA, ECDHE, ECDSA, AES_256_CBC, SHA1, 0)            \
    X(0xc013, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA, ECDHE, RSA, AES_128_CBC, SHA1, 0)                \
    X(0xc014, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA, ECDHE, RSA, AES_256_CBC, SHA1, 0)                \
    X(0xc023, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, ECDHE, ECDSA, AES_128_CBC, SHA256, 0)       \
    X(0xc024, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384, ECDHE, ECDSA, AES_256_CBC, SHA384, 0)       \
    X(0xc027, TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256, ECDHE, RSA, AES_128_CBC, SHA256, 0)           \
    X(0xc028, TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384, ECDHE, RSA, AES_256_CBC, SHA384, 0)           \
    X(0xc012, TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA, ECDHE, RSA, DES_EDE3_CBC, SHA1, 0)              \
    X(0xc011, TLS_ECDHE_RSA_WITH_RC4_128_SHA, ECDHE, RSA, RC4_128, SHA1, 0)                        \
    X(0xc0ac, TLS_ECDHE_ECDSA_WITH_AES_128_CCM, ECDHE, ECDSA, AES_128_CCM, SHA256, 0)              \
    X(0xc0ad, TLS_ECDHE_ECDSA_WITH_AES_256_CCM, ECDHE, ECDSA, AES_256_CCM, SHA256, 0)              \
    X(0xc0ae, TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8, ECDHE, ECDSA, AES_128_CCM_8, SHA256, 0)          \
    X(0xc0af, TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8, ECDHE, ECDSA, AES_256_CCM_8, SHA256, 0)          \
    X(0xc072, TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256, ECDHE, ECDSA, CAMELLIA_128_CBC,       \
      SHA256, 0)                                                                                   \
    X(0xc076, TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256, ECDHE, RSA, CAMELLIA_128_CBC, SHA256, 0) \
    X(0xc05c, TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256, ECDHE, ECDSA, ARIA_128_GCM, SHA256, 0)     \
    X(0xc060, TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256, ECDHE, RSA, ARIA_128_GCM, SHA256, 0)         \
    X(0x009e, TLS_DHE_RSA_WITH_AES_128_GCM_SHA256, DHE, RSA, AES_128_GCM, SHA256, 0)               \
    X(0x009f, TLS_DHE_RSA_WITH_AES_256_GCM_SHA384, DHE, RSA, AES_256_GCM, SHA384, 0)               \
    X(0x0033, TLS_DHE_RSA_WITH_AES_128_CBC_SHA, DHE, RSA, AES_128_CBC, SHA1, 0)                    \
    X(0x0039, TLS_DHE_RSA_WITH_AES_256_CBC_SHA, DHE, RSA, AES_256_CBC, SHA1, 0)                    \
    X(0x0067, TLS_DHE_RSA_WITH_AES_128_CBC_SHA256, DHE, RSA, AES_128_CBC, SHA256, 0)               \
    X(0x006b, TLS_DHE_RSA_WITH_AES_256_CBC_SHA256, DHE, RSA, AES_256_CBC, SHA256, 0)               \
    X(0x0016, TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA, DHE, RSA, DES_EDE3_CBC, SHA1, 0)                  \
    X(0x0045, TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA, DHE, RSA, CAMELLIA_128_CBC, SHA1, 0)          \
    X(0x0088, TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA, DHE, RSA, CAMELLIA_256_CBC, SHA1, 0)          \
    X(0xc09e, TLS_DHE_RSA_WITH_AES_128_CCM, DHE, RSA, AES_128_CCM, SHA256, 0)                      \
    X(0xc09f, TLS_DHE_RSA_WITH_AES_256_CCM, DHE, RSA, AES_256_CCM, SHA256, 0)                      \
    X(0x009c, TLS_RSA_WITH_AES_128_GCM_SHA256, RSA, RSA, AES_128_GCM, SHA256, 0)                   \
    X(0x009d, TLS_RSA_WITH_AES_256_GCM_SHA384, RSA, RSA, AES_256_GCM, SHA384, 0)                   \
    X(0x002f, TLS_RSA_WITH_AES_128_CBC_SHA, RSA, RSA, AES_128_CBC, SHA1, 0)                        \
    X(0x0035, TLS_RSA_WITH_AES_256_CBC_SHA, RSA, RSA, AES_256_CBC, SHA1, 0)                        \
    X(0x003c, TLS_RSA_WITH_AES_128_CBC_SHA256, RSA, RSA, AES_128_CBC, SHA256, 0)                   \
    X(0x003d, TLS_RSA_WITH_AES_256_CBC_SHA256, RSA, RSA, AES_256_CBC, SHA256, 0)                   \
    X(0x000a, TLS_RSA_WITH_3DES_EDE_CBC_SHA, RSA, RSA, DES_EDE3_CBC, SHA1, 0)                      \
    X(0x0041, TLS_RSA_WITH_CAMELLIA_128_CBC_SHA, RSA, RSA, CAMELLIA_128_CBC, SHA1, 0)              \
    X(0x0084, TLS_RSA_WITH_CAMELLIA_256_CBC_SHA, RSA, RSA, CAMELLIA_256_CBC, SHA1, 0)              \
    X(0xc09c, TLS_RSA_WITH_AES_128_CCM, RSA, RSA, AES_128_CCM, SHA256, 0)                          \
    X(0xc09d, TLS_RSA_WITH_AES_256_CCM, RSA, RSA, AES_256_CCM, SHA256, 0)                          \
    X(0x0005, TLS_RSA_WITH_RC4_128_SHA, RSA, RSA, RC4_128, SHA1, 0)                                \
    X(0x0004, TLS_RSA_WITH_RC4_128_MD5, RSA, RSA, RC4_128, MD5, 0)                                 \
    X(0x003b, TLS_RSA_WITH_NULL_SHA256, RSA, RSA, NULL_CIPHER, SHA256, 0)                          \
    X(0x00a8, TLS_PSK_WITH_AES_128_GCM_SHA256, PSK, PSK, AES_128_GCM, SHA256, 0)                   \
    X(0x00a9, TLS_PSK_WITH_AES_256_GCM_SHA384, PSK, PSK, AES_256_GCM, SHA384, 0)                   \
    X(0xccab, TLS_PSK_WITH_CHACHA20_POLY1305_SHA256, PSK, PSK, CHACHA20_POLY1305, SHA256, 0)       \
    X(0xccac, TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256, ECDHE_PSK, PSK, CHACHA20_POLY1305,     \
      SHA256, 0)                                                                                   \
    X(0xc035, TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA, ECDHE_PSK, PSK, AES_128_CBC, SHA1, 0)            \
    X(0x0000, TLS_NULL_WITH_NULL_NULL, NULL_KX, NULL_AUTH, NULL_CIPHER, NULL_HASH, 0)              \
    X(0x00ff, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, SCSV, NULL_AUTH, NULL_CIPHER, NULL_HASH, 0)       \
    X(0x5600, TLS_FALLBACK_SCSV, SCSV, NULL_AUTH, NULL_CIPHER, NULL_HASH, 0)

struct dec_tls_suite {
    uint16_t id;
    const char *name;            /* "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" */
    enum dec_tls_kx kx;
    enum dec_tls_auth auth;
    enum dec_tls_cipher cipher;
    enum dec_tls_hash hash;
    bool tls13;
};
/* The table row of a suite; NULL when the table does not know it. */
const struct dec_tls_suite *dec_tls_suite(uint16_t id);
const struct dec_tls_suite *dec_tls_suite_by_name(const char *name);
/* every row, in table order; *n set to their number */
const struct dec_tls_suite *dec_tls_suites(size_t *n);

/* ======================================================================== */
/* The key log (NSS format, RFC 9850): "LABEL <client_random hex> <secret hex>"
 * lines; '#' comments and unknown labels are ignored; a malformed line with
 * a known label is reported to the warn callback and skipped. Secrets are
 * kept by client random (the ClientHello's 32 random bytes).               */

#define DEC_TLS_SECRET_LIST(X)                                                                     \
    X(MASTER, "CLIENT_RANDOM", 48, 48)   /* TLS 1.2 and older: the master secret */               \
    X(CLIENT_EARLY, "CLIENT_EARLY_TRAFFIC_SECRET", 32, 48)                                         \
    X(CLIENT_HANDSHAKE, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", 32, 48)                                 \
    X(SERVER_HANDSHAKE, "SERVER_HANDSHAKE_TRAFFIC_SECRET", 32, 48)                                 \
    X(CLIENT_TRAFFIC_0, "CLIENT_TRAFFIC_SECRET_0", 32, 48)                                         \
    X(SERVER_TRAFFIC_0, "SERVER_TRAFFIC_SECRET_0", 32, 48)                                         \
    X(EARLY_EXPORTER, "EARLY_EXPORTER_SECRET", 32, 48)   /* known, not needed */                   \
    X(EXPORTER, "EXPORTER_SECRET", 32, 48)               /* known, not needed */

enum dec_tls_secret_kind {
#define X(id, label, minlen, maxlen) DEC_TLS_SECRET_##id,
    DEC_TLS_SECRET_LIST(X)
#undef X
    DEC_TLS_SECRET_COUNT
};
const char *dec_tls_secret_label(enum dec_tls_secret_kind k);

#define DEC_TLS_MAX_SECRET 48

/* where a secret came from */
enum dec_tls_keysrc {
    DEC_TLS_KEYS_NONE = 0,
    DEC_TLS_KEYS_KEYLOG,         /* a --keylog file */
    DEC_TLS_KEYS_PCAPNG          /* a pcapng Decryption Secrets Block */
};
const char *dec_tls_keysrc_name(enum dec_tls_keysrc s); /* "keylog", "pcapng", NULL */

struct dec_tls_secret {
    uint8_t len;                 /* 0: not known */
    uint8_t v[DEC_TLS_MAX_SECRET];
    enum dec_tls_secret_kind kind; /* its label */
    enum dec_tls_keysrc from;
    const char *source;          /* the file's path, or the capture's (owned by the store) */
    uint32_t block;              /* pcapng: the Decryption Secrets Block, 1-based in the file
                                  * (every block of that type counted); 0: a key log file */
    unsigned long line;          /* 1-based line in that file, or in the block's text */
};

/* Everything known for one client random. Lives as long as its store. */
struct dec_tls_keys {
    uint8_t client_random[32];
    struct dec_tls_secret s[DEC_TLS_SECRET_COUNT];
};

struct dec_keylog;

/* A malformed line: `source` (a path, or the capture's name for a pcapng
 * block), its 1-based line and what is wrong ("bad hex in the secret"). The
 * caller prints one line, e.g.
 * "httpstep: 'keys.log' line 7: bad hex in the secret: line ignored". */
typedef void (*dec_keylog_warn_fn)(void *ctx, const char *source, unsigned long line,
                                   const char *what);

struct dec_keylog *dec_keylog_new(void);
void dec_keylog_free(struct dec_keylog *k);
void dec_keylog_set_warn(struct dec_keylog *k, dec_keylog_warn_fn fn, void *ctx);

/* Read a key log file, remembered for dec_keylog_refresh. follow: the file
 * may be growing (live capture): a last line without its newline is left for
 * a later refresh, and a file that does not exist yet is not an error (it is
 * read once it appears). Without follow the whole file is read, its last
 * line too. Returns 0, or -1 with errbuf ("'keys.log': No such file or
 * directory"). The same path added twice is read once. */
int dec_keylog_add_file(struct dec_keylog *k, const char *path, bool follow, char *errbuf);
/* Read key log text from memory (a pcapng Decryption Secrets Block): `from`
 * and `source` are recorded with each secret (source is copied). A last line
 * without a newline is read. Returns the number of new secrets. */
size_t dec_keylog_add_text(struct dec_keylog *k, enum dec_tls_keysrc from, const char *source,
                           const char *text, size_t len);
/* The same for the text of a capture's Decryption Secrets Block: `capture`
 * names the file, `block` is the block's 1-based number in it (kept with
 * each secret: "the 2nd block, line 3 of its text"). */
size_t dec_keylog_add_block(struct dec_keylog *k, const char *capture, uint32_t block,
                            const char *text, size_t len);
/* Read what the followed files gained since the last read, from the last
 * whole line on. A file that shrank, or was replaced by another (its inode
 * changed: rotation), is read again from its start. Returns the number of new
 * secrets, or -1 with errbuf for a file that cannot be read any more (the
 * others are still read). Cheap when nothing changed (one stat per file). */
int dec_keylog_refresh(struct dec_keylog *k, char *errbuf);
/* The secrets of a client random, or NULL. */
const struct dec_tls_keys *dec_keylog_find(const struct dec_keylog *k,
                                           const uint8_t client_random[32]);
/* Grows by one each time secrets are added: an engine waiting for keys looks
 * them up again only when it changed. */
uint64_t dec_keylog_generation(const struct dec_keylog *k);
/* client randoms known, and secrets known */
void dec_keylog_counts(const struct dec_keylog *k, size_t *randoms, size_t *secrets);

/* Which secret decrypted part of a connection, and where it came from (the
 * key log file and line, or the capture's block and line): the model's copy
 * of a dec_tls_secret's origin, without the secret itself, so that stages
 * keep it after the key store is freed. Immutable and reference-counted like
 * the rest of the model (a stage holds references: dec_stage.tls_keys). */
struct dec_tls_keyuse {
    uint32_t refs;
    enum dec_tls_secret_kind kind;
    enum dec_tls_keysrc from;
    uint32_t block;              /* as in dec_tls_secret */
    unsigned long line;
    char source[];               /* the file's path, or the capture's */
};

/* a new one (refs 1) for secret s, which is only read */
struct dec_tls_keyuse *dec_tls_keyuse_new(const struct dec_tls_secret *s);
struct dec_tls_keyuse *dec_tls_keyuse_ref(const struct dec_tls_keyuse *u);
void dec_tls_keyuse_unref(const struct dec_tls_keyuse *u);

/* ======================================================================== */
/* Pure handshake parsers (bounded cursor; no allocation): each reads one    */
/* message body (without the 4-byte header) and returns 0, or DEC_INVALID    */
/* when the body does not parse (fields read before the fault stay filled). */

#define DEC_TLS_MAX_LIST 32      /* list entries kept (the total is counted) */
#define DEC_TLS_MAX_ALPN 8       /* ALPN protocols kept */

/* a short string from the wire (ALPN protocol, SNI): bytes as sent, NUL
 * added; `cut` when longer than the buffer */
struct dec_tls_name {
    uint8_t len;                 /* bytes kept in s (without the NUL) */
    bool cut;
    char s[64];
};

struct dec_tls_client_hello {
    uint16_t legacy_version;
    uint8_t random[32];
    uint8_t session_id_len;
    uint8_t session_id[32];
    uint16_t suites[DEC_TLS_MAX_LIST * 2]; /* offered, in order (GREASE included) */
    size_t nsuites, suites_total;
    bool has_sni;
    char sni[256];               /* the first host_name (RFC 6066 3), NUL-terminated, */
    size_t sni_len;              /* cut to 255 bytes; sni_len: its length on the wire */
    struct dec_tls_name alpn[DEC_TLS_MAX_ALPN];
    size_t nalpn, alpn_total;
    uint16_t versions[DEC_TLS_MAX_LIST]; /* supported_versions (RFC 8446 4.2.1) */
    size_t nversions;
    uint16_t groups[DEC_TLS_MAX_LIST];   /* supported_groups */
    size_t ngroups;
    uint16_t key_shares[DEC_TLS_MAX_LIST]; /* key_share groups (RFC 8446 4.2.8) */
    size_t nkey_shares;
    uint16_t sig_algs[DEC_TLS_MAX_LIST];
    size_t nsig_algs;
    uint16_t exts[DEC_TLS_MAX_LIST * 2]; /* extension types, in order */
    size_t nexts, exts_total;
    bool psk;                    /* pre_shared_key offered (resumption, RFC 8446 4.2.11) */
    uint16_t psk_identities;
    bool early_data;             /* early_data offered (0-RTT, RFC 8446 4.2.10) */
    bool session_ticket;         /* session_ticket extension (RFC 5077) */
    uint16_t ticket_len;         /* its length: a ticket offered for resumption */
    bool encrypt_then_mac, extended_master_secret, renegotiation_info;
    bool ech;                    /* encrypted_client_hello */
    bool sslv2;                  /* an SSLv2-compatible ClientHello (RFC 5246 E.2) */
};

struct dec_tls_server_hello {
    uint16_t legacy_version;
    uint16_t version;            /* chosen: supported_versions, else legacy_version */
    uint8_t random[32];
    bool hrr;                    /* a HelloRetryRequest (RFC 8446 4.1.3 random) */
    uint8_t downgrade;           /* RFC 8446 4.1.3 sentinel: 0 none, 12 (TLS 1.2), 11 (1.1 or older) */
    uint8_t session_id_len;
    uint8_t session_id[32];
    uint16_t suite;
    uint8_t compression;
    uint16_t exts[DEC_TLS_MAX_LIST];
    size_t nexts, exts_total;
    bool has_alpn;               /* TLS 1.2 (in 1.3 it is in EncryptedExtensions) */
    struct dec_tls_name alpn;
    bool has_key_share;
    uint16_t key_share_group;    /* the group of the server's share (HRR: the one asked for) */
    bool psk;                    /* pre_shared_key: the server accepted a PSK (1.3 resumption) */
    uint16_t psk_identity;
    bool encrypt_then_mac, extended_master_secret, session_ticket, renegotiation_info;
};

struct dec_tls_encrypted_extensions {
    uint16_t exts[DEC_TLS_MAX_LIST];
    size_t nexts, exts_total;
    bool has_alpn;
    struct dec_tls_name alpn;
    bool early_data;             /* the server accepted the client's 0-RTT data */
    bool server_name;            /* the server used the SNI */
    uint16_t record_size_limit;  /* 0: none */
};

struct dec_tls_certificate {
    bool tls13;                  /* RFC 8446 4.4.2 layout (context, entries with extensions) */
    uint8_t context_len;         /* certificate_request_context */
    size_t count;                /* certificates in the chain */
    uint32_t first_len;          /* DER bytes of the first (the server's own) */
    bool parsed;                 /* libcrypto read the first certificate */
    char subject[256];           /* RFC 2253 form, "" when not parsed */
    char issuer[256];
    int64_t not_before, not_after; /* seconds since the epoch (UTC); 0 when not parsed */
};

struct dec_tls_cert_verify {
    uint16_t scheme;             /* signature scheme */
    uint16_t sig_len;
};

struct dec_tls_finished {
    uint32_t verify_len;
};

struct dec_tls_new_session_ticket {
    bool tls13;                  /* RFC 8446 4.6.1 (else RFC 5077 3.3) */
    uint32_t lifetime;           /* seconds */
    uint32_t age_add;
    uint8_t nonce_len;
    uint16_t ticket_len;
    uint32_t max_early_data;     /* early_data extension: 0-RTT allowed with it */
};

struct dec_tls_key_update {
    uint8_t request_update;      /* 0 update_not_requested, 1 update_requested */
};

struct dec_tls_server_key_exchange {
    uint8_t curve_type;          /* 3: named_curve (ECDHE, RFC 8422 5.4) */
    uint16_t group;              /* for named_curve */
    uint16_t dh_p_len;           /* DHE: bytes of the prime */
};

int dec_tls_parse_client_hello(const uint8_t *body, size_t len,
                               struct dec_tls_client_hello *out);
int dec_tls_parse_server_hello(const uint8_t *body, size_t len,
                               struct dec_tls_server_hello *out);
int dec_tls_parse_encrypted_extensions(const uint8_t *body, size_t len,
                                       struct dec_tls_encrypted_extensions *out);
/* tls13: the TLS 1.3 layout; the first certificate goes through libcrypto's
 * d2i_X509 for its subject, issuer and validity */
int dec_tls_parse_certificate(const uint8_t *body, size_t len, bool tls13,
                              struct dec_tls_certificate *out);
int dec_tls_parse_cert_verify(const uint8_t *body, size_t len, struct dec_tls_cert_verify *out);
int dec_tls_parse_new_session_ticket(const uint8_t *body, size_t len, bool tls13,
                                     struct dec_tls_new_session_ticket *out);
int dec_tls_parse_key_update(const uint8_t *body, size_t len, struct dec_tls_key_update *out);
int dec_tls_parse_server_key_exchange(const uint8_t *body, size_t len, enum dec_tls_kx kx,
                                      struct dec_tls_server_key_exchange *out);
/* An SSLv2-compatible ClientHello record (RFC 5246 E.2): buf starts at its
 * 2-byte header. Returns the record's length (header included),
 * DEC_INCOMPLETE, or DEC_INVALID when it is not one. The challenge becomes
 * the random, right-aligned and zero-padded as the RFC says. */
int dec_tls_parse_sslv2_hello(const uint8_t *buf, size_t len, struct dec_tls_client_hello *out);

/* ======================================================================== */
/* The TLS engine of one connection                                          */
/*
 * Wiring (decode/decoder.c, per TCP connection):
 *
 *   when the first payload of a connection looks like TLS
 *   (dec_looks_like_tls, or dec_tls_looks_like_record for a capture that
 *   starts mid-connection):
 *       t = dec_tls_new(&opts, &sink)            opts.keys: the shared store
 *   on every tr_sink on_data / on_gap / on_fin of its two directions:
 *       dec_tls_data(t, dir, offset, bytes, len, frame, ts)
 *       dec_tls_gap(t, dir, offset, len, frame, ts)
 *       dec_tls_fin(t, dir, frame, ts)
 *   the sink receives records, handshake messages, alerts, notes and, per
 *   direction, the plaintext stream: feed sink.on_plain to the HTTP/1.1 (or,
 *   with ALPN "h2", the HTTP/2) decoder exactly as TCP data (its offset is
 *   the plaintext stream offset, 0-based per direction; its frames are those
 *   of the records); sink.on_cut is that stream's end (a gap, or a key that
 *   failed): treat it as a gap to the end of the stream.
 *   on_close:
 *       dec_tls_end(t)                 flushes what waits (0-RTT data), ends
 *       f = dec_tls_facts(t)           conn_end.tls
 *       dec_tls_free(t)
 *
 * Events come in stream order per direction, during the dec_tls_* call that
 * completed them. For one record: on_record first (with the handshake
 * message types that begin in it), then its handshake messages, alert or
 * plaintext. Record and handshake frames are frame numbers as the tracer
 * gave them.
 *
 * Keys: the engine looks the client random up in opts.keys when it first
 * needs a secret, and again, while one is missing, each time the store's
 * generation changed (dec_keylog_refresh in live mode). It keeps what
 * decryption needs from the clear part of the handshake (client and server
 * random, version, suite, the offered suites) and counts every record of
 * each direction, so keys that arrive late (live: the browser writes its key
 * log after the handshake passed) decrypt the records that follow:
 *   - TLS 1.2: the record after the keys arrive is decrypted (its sequence
 *     number is its count since change_cipher_spec);
 *   - TLS 1.3: records passed undecrypted hide where the handshake keys end
 *     and the application keys begin; the engine tries the application key
 *     with each sequence number the record can have (at most
 *     DEC_TLS_RESYNC_MAX) and goes on from the first that authenticates.
 * Records that passed before their keys arrived are not kept and stay
 * encrypted (the server's EncryptedExtensions, so its ALPN, may be among
 * them: dec_tls_facts.alpn is then empty and the caller recognises HTTP/2 by
 * its preface).
 *
 * 0-RTT (RFC 8446 2.3, 4.2.10): the client's early data, under
 * CLIENT_EARLY_TRAFFIC_SECRET, precedes its handshake; whether the server
 * accepted it is known only later (EncryptedExtensions, EndOfEarlyData, or a
 * client record that authenticates under the handshake key). Its plaintext
 * is held (at most DEC_TLS_MAX_EARLY bytes) until then: accepted, it is the
 * start of the client's plaintext stream; rejected, its bytes are not part of
 * the stream (the client sends them again after the handshake). Held data is
 * delivered as accepted when the connection ends or the client's direction is
 * cut before the answer is known. Without CLIENT_EARLY_TRAFFIC_SECRET the
 * 0-RTT records stay encrypted (why_not: no key) and the handshake is found by
 * trying the handshake key on the records that follow them.
 *
 * Memory: per direction one record being gathered (at most 5 + 2^14 + 2048
 * bytes, only when a record spans pieces), one record's plaintext, one
 * handshake message being gathered (at most DEC_TLS_MAX_HANDSHAKE), the
 * frames of the record in progress (at most DEC_TLS_MAX_FRAMES), one
 * EVP_CIPHER_CTX reused for every record (two while looking for a key
 * change); nothing per byte, no allocation per record.
 */

#define DEC_TLS_MAX_HANDSHAKE (64u << 10) /* a longer message is skipped (limit note) */
#define DEC_TLS_MAX_EARLY (64u << 10)     /* 0-RTT plaintext held until its fate is known */
#define DEC_TLS_MAX_FRAMES 256            /* frames listed per record or message */
#define DEC_TLS_RESYNC_MAX 64             /* sequence numbers tried when keys come late */
#define DEC_TLS_MAX_RECORD (16384 + 2048) /* RFC 5246 6.2.3: TLSCiphertext.length */
#define DEC_TLS13_MAX_RECORD (16384 + 256) /* RFC 8446 5.2 */

/* Why (part of) a connection was not decrypted: conn_end.tls.why_not */
#define DEC_TLS_WHY_LIST(X)                                                                        \
    X(NONE, NULL)                                                                                  \
    X(NO_KEYS, "no key for its client random")                                                     \
    X(NO_HELLO, "the handshake was not captured")                                                  \
    X(CIPHER, "cipher not supported")                                                              \
    X(VERSION, "version not decrypted")                                                            \
    X(AUTH, "a key that fails authentication")                                                     \
    X(GAP, "bytes of the connection were not captured")                                            \
    X(MALFORMED, "malformed TLS records")                                                          \
    X(RENEGOTIATION, "a renegotiation is not decrypted")

enum dec_tls_why {
#define X(id, text) DEC_TLS_WHY_##id,
    DEC_TLS_WHY_LIST(X)
#undef X
    DEC_TLS_WHY_COUNT
};
const char *dec_tls_why_text(enum dec_tls_why w); /* NULL for NONE */

/* The engine's notes: kind names as in transcript.md version 2 (malformed_tls
 * is new there) */
#define DEC_TLS_NOTE_LIST(X)                                                                       \
    X(NO_KEYS, "tls_no_keys")           /* a protected record, and no key for it */              \
    X(DECRYPT_ERROR, "tls_decrypt_error") /* authentication failed, or a gap cut a record */     \
    X(UNSUPPORTED, "tls_unsupported")   /* a version or cipher the engine does not decrypt */     \
    X(MALFORMED, "malformed_tls")       /* bytes that are not TLS where TLS should be */          \
    X(LIMIT, "limit")                   /* a record or message over a limit */

enum dec_tls_note_kind {
#define X(id, name) DEC_TLS_NOTE_##id,
    DEC_TLS_NOTE_LIST(X)
#undef X
    DEC_TLS_NOTE_COUNT
};
const char *dec_tls_note_name(enum dec_tls_note_kind k);

/* The keys a protected record is under (TLS 1.3 epochs, RFC 8446 7.1) */
enum dec_tls_epoch {
    DEC_TLS_EPOCH_CLEAR = 0,     /* not protected */
    DEC_TLS_EPOCH_EARLY,         /* 1.3: client_early_traffic_secret (0-RTT) */
    DEC_TLS_EPOCH_HANDSHAKE,     /* 1.3: [sender]_handshake_traffic_secret */
    DEC_TLS_EPOCH_APPLICATION,   /* 1.3: [sender]_application_traffic_secret_N */
    DEC_TLS_EPOCH_TLS12          /* 1.2 (and older): after change_cipher_spec */
};
const char *dec_tls_epoch_name(enum dec_tls_epoch e); /* "clear", "early", ... */

enum dec_tls_rec_state {
    DEC_TLS_REC_CLEAR,           /* sent unprotected */
    DEC_TLS_REC_DECRYPTED,       /* protected, decrypted and authenticated */
    DEC_TLS_REC_ENCRYPTED,       /* protected, not decrypted (facts.why_not says why) */
    DEC_TLS_REC_FAILED,          /* its authentication failed: no more decryption this way */
    DEC_TLS_REC_CUT              /* a gap or the end of the stream cut it */
};

struct dec_tls_frames {
    const uint64_t *v;           /* frame numbers in stream order, duplicates removed */
    size_t n;
    bool capped;                 /* more than DEC_TLS_MAX_FRAMES: the rest not listed */
    tr_time ts_first, ts_last;
};

struct dec_tls_record {
    enum tr_dir dir;
    uint64_t index;              /* 0-based, per direction */
    uint8_t type;                /* content type on the wire (0 for an SSLv2 hello) */
    uint8_t inner_type;          /* the real content type: = type in the clear; the
                                  * TLSInnerPlaintext type once decrypted (1.3); 0 unknown */
    uint16_t version;            /* legacy_record_version */
    uint64_t offset;             /* TCP stream offset of the header */
    uint32_t length;             /* bytes after the 5-byte header (2 for SSLv2) */
    uint32_t header_len;         /* 5, or 2 for an SSLv2 hello */
    enum dec_tls_rec_state state;
    enum dec_tls_epoch epoch;
    uint32_t key_phase;          /* 1.3 KeyUpdates before it in this direction */
    uint64_t seq;                /* its sequence number under its key */
    const uint8_t *plain;        /* the content after decryption (or in the clear) */
    uint32_t plain_len;          /* (NULL/0 when not known) */
    const uint8_t *msg_types;    /* handshake message types that begin in it */
    size_t nmsgs;
    const struct dec_tls_secret *secret; /* DECRYPTED: the key log's secret its key came from
                                  * (the store's; with key_phase KeyUpdates applied), else NULL */
    bool early;                  /* 0-RTT data (or EndOfEarlyData) */
    bool rejected_early;         /* 0-RTT data the server is known, when the record comes,
                                  * not to have accepted (else dec_tls_facts.early_accepted
                                  * says it later) */
    bool over_limit;             /* longer than the version allows (RFC 8446 5.2) */
    bool sslv2;
    struct dec_tls_frames frames;
};

struct dec_tls_handshake {
    enum tr_dir dir;
    uint8_t type;
    const char *name;            /* "ServerHello", "HelloRetryRequest", NULL unknown */
    uint32_t length;             /* body bytes (after the 4-byte header) */
    const uint8_t *body;         /* NULL when over DEC_TLS_MAX_HANDSHAKE */
    bool decrypted;              /* carried in protected records */
    enum dec_tls_epoch epoch;
    bool parsed;                 /* the body was understood (else malformed or unknown) */
    uint64_t first_record, last_record; /* indices of the records that carried it */
    uint64_t offset;             /* TCP stream offset of the first of those records */
    uint64_t end;                /* and the end of the last */
    struct dec_tls_frames frames;
    union {
        struct dec_tls_client_hello ch;
        struct dec_tls_server_hello sh;      /* also HelloRetryRequest */
        struct dec_tls_encrypted_extensions ee;
        struct dec_tls_certificate cert;
        struct dec_tls_cert_verify cv;
        struct dec_tls_finished fin;
        struct dec_tls_new_session_ticket nst;
        struct dec_tls_key_update ku;
        struct dec_tls_server_key_exchange ske;
    } u;
};

struct dec_tls_alert {
    enum tr_dir dir;
    uint8_t level;               /* 1 warning, 2 fatal */
    uint8_t desc;
    const char *name;            /* "close_notify", NULL unknown */
    bool decrypted;
    uint64_t record;
    struct dec_tls_frames frames;
};

/* Application data, per direction: the stream the HTTP decoders read. */
struct dec_tls_plain {
    enum tr_dir dir;
    uint64_t offset;             /* in this direction's plaintext stream (0-based) */
    const uint8_t *data;
    size_t len;
    uint64_t record;             /* the record that carried it */
    uint64_t tcp_offset;         /* that record's header in the TCP stream */
    uint32_t tcp_length;         /* and its length with the header */
    bool early;                  /* accepted 0-RTT data */
    const struct dec_tls_secret *secret; /* the key log's secret that decrypted it (the store's) */
    uint32_t key_phase;          /* 1.3: KeyUpdates applied to that secret */
    struct dec_tls_frames frames;
};

struct dec_tls_note {
    enum dec_tls_note_kind kind;
    enum tr_dir dir;
    uint64_t frame;
    const char *detail;          /* one line, English */
};

struct dec_tls_sink {
    void *ctx;
    void (*on_record)(void *ctx, const struct dec_tls_record *r);
    void (*on_handshake)(void *ctx, const struct dec_tls_handshake *h);
    void (*on_alert)(void *ctx, const struct dec_tls_alert *a);
    void (*on_plain)(void *ctx, const struct dec_tls_plain *p);
    /* no more plaintext in direction dir after `offset` (its plaintext length
     * so far): the rest of it stays encrypted for `why` (at most once per
     * direction, only after a decrypted part) */
    void (*on_cut)(void *ctx, enum tr_dir dir, uint64_t offset, enum dec_tls_why why,
                   uint64_t frame, tr_time ts);
    void (*on_note)(void *ctx, const struct dec_tls_note *n);
};                               /* every member may be NULL */

struct dec_tls_opts {
    const struct dec_keylog *keys; /* NULL: no keys (everything stays encrypted) */
};

/* The connection's TLS facts (conn_end.tls), valid at any time. */
struct dec_tls_facts {
    bool client_hello, server_hello;
    uint16_t version;            /* chosen (0: no ServerHello) */
    uint16_t offered_max;        /* the highest the client offered */
    bool has_suite;
    uint16_t suite;
    const char *suite_name;      /* NULL when unknown */
    bool has_sni;
    char sni[256];
    bool has_alpn;
    char alpn[64];               /* chosen */
    bool hrr;                    /* a HelloRetryRequest came */
    bool resumed;                /* session resumption (1.2 id/ticket, 1.3 PSK) */
    bool early_offered;
    int early_accepted;          /* -1 unknown, 0 rejected, 1 accepted */
    bool encrypt_then_mac;       /* 1.2 CBC with RFC 7366 */
    bool decrypted;              /* some protected record was decrypted */
    enum dec_tls_keysrc keys;    /* where the first secret used came from */
    const char *keys_source;     /* its file (or capture) name, NULL none */
    unsigned long keys_line;
    enum dec_tls_why why_not;    /* NONE when every protected record was decrypted */
    uint64_t records[2];         /* per direction */
    uint64_t decrypted_records[2];
    uint64_t plain_bytes[2];     /* application plaintext delivered */
    uint64_t opaque_bytes[2];    /* bytes not framed into records (after a cut) */
};

struct dec_tls;

/* Never fails (memory comes from tr_xmalloc). opts->keys is borrowed: it must
 * outlive the engine. sink is copied. */
struct dec_tls *dec_tls_new(const struct dec_tls_opts *opts, const struct dec_tls_sink *sink);
void dec_tls_free(struct dec_tls *t);
/* In-order bytes of a direction, in any pieces; offset is the TCP stream
 * offset of data[0] (a jump forward counts as a gap) */
void dec_tls_data(struct dec_tls *t, enum tr_dir dir, uint64_t offset, const uint8_t *data,
                  size_t len, uint64_t frame, tr_time ts);
/* len bytes at offset will never come */
void dec_tls_gap(struct dec_tls *t, enum tr_dir dir, uint64_t offset, uint64_t len,
                 uint64_t frame, tr_time ts);
/* the direction ended (FIN): a record left unfinished is reported cut */
void dec_tls_fin(struct dec_tls *t, enum tr_dir dir, uint64_t frame, tr_time ts);
/* the connection ended: 0-RTT data whose fate is unknown is delivered as
 * accepted; unfinished records are reported cut. No events after it. */
void dec_tls_end(struct dec_tls *t);
const struct dec_tls_facts *dec_tls_facts(const struct dec_tls *t);

/* Could buf begin a TLS record of any content type (20-24, version 3.x, a
 * length TLS allows), or an SSLv2-compatible ClientHello? For a connection
 * whose capture began after its handshake. */
bool dec_tls_looks_like_record(const uint8_t *buf, size_t len);

#endif
