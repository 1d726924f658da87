/* test_tls.c - the TLS engine (decode/tls*.c): the TLS 1.3 key schedule and
 * record decryption against RFC 8448 section 3 (its secrets and records,
 * decrypted exactly), the TLS 1.2 PRF against its published vector and the
 * key block against openssl kdf, the record layer at every split point,
 * handshake messages across records, TLS 1.2 suites (GCM, ChaCha20, CBC
 * with MAC-then-encrypt and encrypt-then-MAC), KeyUpdate, HelloRetryRequest,
 * 0-RTT accepted and rejected, keys that arrive late, no keys, wrong keys,
 * gaps, a capture that starts mid-connection, and the handshake parsers and
 * tables against hostile bytes
 *
 * Longer than 800 lines: a test file (RFC 8448's vectors, every cipher suite,
 * records split and cut, each with its bytes).
 */
#define _GNU_SOURCE /* memmem */
#include "testutil.h"

#include "tlsseal.h"

#include <openssl/rand.h>

/* ------------------------------------------------------ RFC 8448 §3 -- */
/* The "Simple 1-RTT Handshake" trace of RFC 8448 section 3: the octets of
 * its messages, records and secrets, in its order. The plaintext messages
 * are those the RFC shows before protection; the protected records are its
 * "complete record" lines. */

#define R8448_CLIENT_RANDOM                                                                       \
    "cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83 02 4d "  \
    "ec e7"

/* {client} send handshake record: complete record (201 octets) */
static const char r8448_ch_rec[] =
    "16 03 01 00 c4 01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a "
    "8d 99 12 ec 18 a2 ef 62 83 02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b "
    "00 09 00 00 06 73 65 72 76 65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 "
    "01 00 01 01 01 02 01 03 01 04 00 23 00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 "
    "bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c 00 2b 00 03 "
    "02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 "
    "01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01";

/* {server} send handshake record: complete record (95 octets) */
static const char r8448_sh_rec[] =
    "16 03 03 00 5a 02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a "
    "c5 cb 14 34 da c1 55 77 2e d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 "
    "76 11 20 95 fe 66 76 2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 "
    "2b 00 02 03 04";

/* {server} send handshake record: complete record (679 octets): the
 * protected EncryptedExtensions, Certificate, CertificateVerify, Finished */
static const char r8448_flight_rec[] =
    "17 03 03 02 a2 d1 ff 33 4a 56 f5 bf f6 59 4a 07 cc 87 b5 80 23 3f 50 0f 45 e4 89 e7 f3 3a "
    "f3 5e df 78 69 fc f4 0a a4 0a a2 b8 ea 73 f8 48 a7 ca 07 61 2e f9 f9 45 cb 96 0b 40 68 90 "
    "51 23 ea 78 b1 11 b4 29 ba 91 91 cd 05 d2 a3 89 28 0f 52 61 34 aa dc 7f c7 8c 4b 72 9d f8 "
    "28 b5 ec f7 b1 3b d9 ae fb 0e 57 f2 71 58 5b 8e a9 bb 35 5c 7c 79 02 07 16 cf b9 b1 18 3e "
    "f3 ab 20 e3 7d 57 a6 b9 d7 47 76 09 ae e6 e1 22 a4 cf 51 42 73 25 25 0c 7d 0e 50 92 89 44 "
    "4c 9b 3a 64 8f 1d 71 03 5d 2e d6 5b 0e 3c dd 0c ba e8 bf 2d 0b 22 78 12 cb b3 60 98 72 55 "
    "cc 74 41 10 c4 53 ba a4 fc d6 10 92 8d 80 98 10 e4 b7 ed 1a 8f d9 91 f0 6a a6 24 82 04 79 "
    "7e 36 a6 a7 3b 70 a2 55 9c 09 ea d6 86 94 5b a2 46 ab 66 e5 ed d8 04 4b 4c 6d e3 fc f2 a8 "
    "94 41 ac 66 27 2f d8 fb 33 0e f8 19 05 79 b3 68 45 96 c9 60 bd 59 6e ea 52 0a 56 a8 d6 50 "
    "f5 63 aa d2 74 09 96 0d ca 63 d3 e6 88 61 1e a5 e2 2f 44 15 cf 95 38 d5 1a 20 0c 27 03 42 "
    "72 96 8a 26 4e d6 54 0c 84 83 8d 89 f7 2c 24 46 1a ad 6d 26 f5 9e ca ba 9a cb bb 31 7b 66 "
    "d9 02 f4 f2 92 a3 6a c1 b6 39 c6 37 ce 34 31 17 b6 59 62 22 45 31 7b 49 ee da 0c 62 58 f1 "
    "00 d7 d9 61 ff b1 38 64 7e 92 ea 33 0f ae ea 6d fa 31 c7 a8 4d c3 bd 7e 1b 7a 6c 71 78 af "
    "36 87 90 18 e3 f2 52 10 7f 24 3d 24 3d c7 33 9d 56 84 c8 b0 37 8b f3 02 44 da 8c 87 c8 43 "
    "f5 e5 6e b4 c5 e8 28 0a 2b 48 05 2c f9 3b 16 49 9a 66 db 7c ca 71 e4 59 94 26 f7 d4 61 e6 "
    "6f 99 88 2b d8 9f c5 08 00 be cc a6 2d 6c 74 11 6d bd 29 72 fd a1 fa 80 f8 5d f8 81 ed be "
    "5a 37 66 89 36 b3 35 58 3b 59 91 86 dc 5c 69 18 a3 96 fa 48 a1 81 d6 b6 fa 4f 9d 62 d5 13 "
    "af bb 99 2f 2b 99 2f 67 f8 af e6 7f 76 91 3f a3 88 cb 56 30 c8 ca 01 e0 c6 5d 11 c6 6a 1e "
    "2a c4 c8 59 77 b7 c7 a6 99 9b bf 10 dc 35 ae 69 f5 51 56 14 63 6c 0b 9b 68 c1 9e d2 e3 1c "
    "0b 3b 66 76 30 38 eb ba 42 f3 b3 8e dc 03 99 f3 a9 f2 3f aa 63 97 8c 31 7f c9 fa 66 a7 3f "
    "60 f0 50 4d e9 3b 5b 84 5e 27 55 92 c1 23 35 ee 34 0b bc 4f dd d5 02 78 40 16 e4 b3 be 7e "
    "f0 4d da 49 f4 b4 40 a3 0c b5 d2 af 93 98 28 fd 4a e3 79 4e 44 f9 4d f5 a6 31 ed e4 2c 17 "
    "19 bf da bf 02 53 fe 51 75 be 89 8e 75 0e dc 53 37 0d 2b";

/* {server} construct an EncryptedExtensions handshake message (40 octets) */
static const char r8448_ee[] = "08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 "
                               "00 01 01 01 02 01 03 01 04 00 1c 00 02 40 01 00 00 00 00";
/* {server} construct a Certificate handshake message (445 octets) */
static const char r8448_cert[] =
    "0b 00 01 b9 00 00 01 b5 00 01 b0 30 82 01 ac 30 82 01 15 a0 03 02 01 02 02 01 02 30 0d 06 "
    "09 2a 86 48 86 f7 0d 01 01 0b 05 00 30 0e 31 0c 30 0a 06 03 55 04 03 13 03 72 73 61 30 1e "
    "17 0d 31 36 30 37 33 30 30 31 32 33 35 39 5a 17 0d 32 36 30 37 33 30 30 31 32 33 35 39 5a "
    "30 0e 31 0c 30 0a 06 03 55 04 03 13 03 72 73 61 30 81 9f 30 0d 06 09 2a 86 48 86 f7 0d 01 "
    "01 01 05 00 03 81 8d 00 30 81 89 02 81 81 00 b4 bb 49 8f 82 79 30 3d 98 08 36 39 9b 36 c6 "
    "98 8c 0c 68 de 55 e1 bd b8 26 d3 90 1a 24 61 ea fd 2d e4 9a 91 d0 15 ab bc 9a 95 13 7a ce "
    "6c 1a f1 9e aa 6a f9 8c 7c ed 43 12 09 98 e1 87 a8 0e e0 cc b0 52 4b 1b 01 8c 3e 0b 63 26 "
    "4d 44 9a 6d 38 e2 2a 5f da 43 08 46 74 80 30 53 0e f0 46 1c 8c a9 d9 ef bf ae 8e a6 d1 d0 "
    "3e 2b d1 93 ef f0 ab 9a 80 02 c4 74 28 a6 d3 5a 8d 88 d7 9f 7f 1e 3f 02 03 01 00 01 a3 1a "
    "30 18 30 09 06 03 55 1d 13 04 02 30 00 30 0b 06 03 55 1d 0f 04 04 03 02 05 a0 30 0d 06 09 "
    "2a 86 48 86 f7 0d 01 01 0b 05 00 03 81 81 00 85 aa d2 a0 e5 b9 27 6b 90 8c 65 f7 3a 72 67 "
    "17 06 18 a5 4c 5f 8a 7b 33 7d 2d f7 a5 94 36 54 17 f2 ea e8 f8 a5 8c 8f 81 72 f9 31 9c f3 "
    "6b 7f d6 c5 5b 80 f2 1a 03 01 51 56 72 60 96 fd 33 5e 5e 67 f2 db f1 02 70 2e 60 8c ca e6 "
    "be c1 fc 63 a4 2a 99 be 5c 3e b7 10 7c 3c 54 e9 b9 eb 2b d5 20 3b 1c 3b 84 e0 a8 b2 f7 59 "
    "40 9b a3 ea c9 d9 1d 40 2d cc 0c c8 f8 96 12 29 ac 91 87 b4 2b 4d e1 00 00";
/* {server} construct a CertificateVerify handshake message (136 octets) */
static const char r8448_cv[] =
    "0f 00 00 84 08 04 00 80 5a 74 7c 5d 88 fa 9b d2 e5 5a b0 85 a6 10 15 b7 21 1f 82 4c d4 84 "
    "14 5a b3 ff 52 f1 fd a8 47 7b 0b 7a bc 90 db 78 e2 d3 3a 5c 14 1a 07 86 53 fa 6b ef 78 0c "
    "5e a2 48 ee aa a7 85 c4 f3 94 ca b6 d3 0b be 8d 48 59 ee 51 1f 60 29 57 b1 54 11 ac 02 76 "
    "71 45 9e 46 44 5c 9e a5 8c 18 1e 81 8e 95 b8 c3 fb 0b f3 27 84 09 d3 be 15 2a 3d a5 04 3e "
    "06 3d da 65 cd f5 ae a2 0d 53 df ac d4 2f 74 f3";
/* {server} construct a Finished handshake message (36 octets) */
static const char r8448_sfin[] = "14 00 00 20 9b 9b 14 1d 90 63 37 fb d2 cb dc e7 1d f4 de da 4a "
                                 "b4 2c 30 95 72 cb 7f ff ee 54 54 b7 8f 07 18";
/* {client} construct a Finished handshake message (36 octets) */
static const char r8448_cfin[] = "14 00 00 20 a8 ec 43 6d 67 76 34 ae 52 5a c1 fc eb e1 1a 03 9e "
                                 "c1 76 94 fa c6 e9 85 27 b6 42 f2 ed d5 ce 61";
/* {client} send handshake record: complete record (58 octets) */
static const char r8448_cfin_rec[] =
    "17 03 03 00 35 75 ec 4d c2 38 cc e6 0b 29 80 44 a7 1e 21 9c 56 cc 77 b0 51 7f e9 b9 3c 7a "
    "4b fc 44 d8 7f 38 f8 03 38 ac 98 fc 46 de b3 84 bd 1c ae ac ab 68 67 d7 26 c4 05 46";
/* {server} construct a NewSessionTicket handshake message (205 octets) */
static const char r8448_nst[] =
    "04 00 00 c9 00 00 00 1e fa d6 aa c5 02 00 00 00 b2 2c 03 5d 82 93 59 ee 5f f7 af 4e c9 00 "
    "00 00 00 26 2a 64 94 dc 48 6d 2c 8a 34 cb 33 fa 90 bf 1b 00 70 ad 3c 49 88 83 c9 36 7c 09 "
    "a2 be 78 5a bc 55 cd 22 60 97 a3 a9 82 11 72 83 f8 2a 03 a1 43 ef d3 ff 5d d3 6d 64 e8 61 "
    "be 7f d6 1d 28 27 db 27 9c ce 14 50 77 d4 54 a3 66 4d 4e 6d a4 d2 9e e0 37 25 a6 a4 da fc "
    "d0 fc 67 d2 ae a7 05 29 51 3e 3d a2 67 7f a5 90 6c 5b 3f 7d 8f 92 f2 28 bd a4 0d da 72 14 "
    "70 f9 fb f2 97 b5 ae a6 17 64 6f ac 5c 03 27 2e 97 07 27 c6 21 a7 91 41 ef 5f 7d e6 50 5e "
    "5b fb c3 88 e9 33 43 69 40 93 93 4a e4 d3 57 00 08 00 2a 00 04 00 00 04 00";
/* {server} send handshake record: complete record (227 octets) */
static const char r8448_nst_rec[] =
    "17 03 03 00 de 3a 6b 8f 90 41 4a 97 d6 95 9c 34 87 68 0d e5 13 4a 2b 24 0e 6c ff ac 11 6e "
    "95 d4 1d 6a f8 f6 b5 80 dc f3 d1 1d 63 c7 58 db 28 9a 01 59 40 25 2f 55 71 3e 06 1d c1 3e "
    "07 88 91 a3 8e fb cf 57 53 ad 8e f1 70 ad 3c 73 53 d1 6d 9d a7 73 b9 ca 7f 2b 9f a1 b6 c0 "
    "d4 a3 d0 3f 75 e0 9c 30 ba 1e 62 97 2a c4 6f 75 f7 b9 81 be 63 43 9b 29 99 ce 13 06 46 15 "
    "13 98 91 d5 e4 c5 b4 06 f1 6e 3f c1 81 a7 7c a4 75 84 00 25 db 2f 0a 77 f8 1b 5a b0 5b 94 "
    "c0 13 46 75 5f 69 23 2c 86 51 9d 86 cb ee ac 87 aa c3 47 d1 43 f9 60 5d 64 f6 50 db 4d 02 "
    "3e 70 e9 52 ca 49 fe 51 37 12 1c 74 bc 26 97 68 7e 24 87 46 d6 df 35 30 05 f3 bc e1 86 96 "
    "12 9c 81 53 55 6b 3b 6c 67 79 b3 7b f1 59 85 68 4f";
/* {client} send application_data record: complete record (72 octets); its
 * payload is the 50 octets 00 01 02 ... 31 */
static const char r8448_capp_rec[] =
    "17 03 03 00 43 a2 3f 70 54 b6 2c 94 d0 af fa fe 82 28 ba 55 cb ef ac ea 42 f9 14 aa 66 bc "
    "ab 3f 2b 98 19 a8 a5 b4 6b 39 5b d5 4a 9a 20 44 1e 2b 62 97 4e 1f 5a 62 92 a2 97 70 14 bd "
    "1e 3d ea e6 3a ee bb 21 69 49 15 e4";
/* {server} send application_data record: complete record (72 octets), the
 * same payload */
static const char r8448_sapp_rec[] =
    "17 03 03 00 43 2e 93 7e 11 ef 4a c7 40 e5 38 ad 36 00 5f c4 a4 69 32 fc 32 25 d0 5f 82 aa "
    "1b 36 e3 0e fa f9 7d 90 e6 df fc 60 2d cb 50 1a 59 a8 fc c4 9c 4b f2 e5 f0 a2 1c 00 47 c2 "
    "ab f3 32 54 0d d0 32 e1 67 c2 95 5d";
/* {client} and {server} send alert record: complete record (24 octets) */
static const char r8448_calert_rec[] =
    "17 03 03 00 13 c9 87 27 60 65 56 66 b7 4d 7f f1 15 3e fd 6d b6 d0 b0 e3";
static const char r8448_salert_rec[] =
    "17 03 03 00 13 b5 8f d6 71 66 eb f5 99 d2 47 20 cf be 7e fa 7a 88 64 a9";

/* the secrets the key schedule derives (as a key log would give them) */
static const char r8448_c_hs[] =
    "b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 "
    "5a 21";
static const char r8448_s_hs[] =
    "b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 "
    "ad 38";
static const char r8448_c_ap[] =
    "9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 "
    "04 a5";
static const char r8448_s_ap[] =
    "a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 "
    "16 43";

/* HKDF-Expand-Label vectors of the trace: (secret, label, context, output) */
static const struct {
    const char *what, *secret, *label, *ctx, *out;
} r8448_labels[] = {
    {"{server} derive write traffic keys for handshake data: key", r8448_s_hs, "key", "",
     "3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc"},
    {"{server} derive write traffic keys for handshake data: iv", r8448_s_hs, "iv", "",
     "5d 31 3e b2 67 12 76 ee 13 00 0b 30"},
    {"{server} derive read traffic keys for handshake data: key", r8448_c_hs, "key", "",
     "db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01"},
    {"{server} derive read traffic keys for handshake data: iv", r8448_c_hs, "iv", "",
     "5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f"},
    {"{server} derive write traffic keys for application data: key", r8448_s_ap, "key", "",
     "9f 02 28 3b 6c 9c 07 ef c2 6b b9 f2 ac 92 e3 56"},
    {"{server} derive write traffic keys for application data: iv", r8448_s_ap, "iv", "",
     "cf 78 2b 88 dd 83 54 9a ad f1 e9 84"},
    {"{client} derive write traffic keys for application data: key", r8448_c_ap, "key", "",
     "17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51"},
    {"{client} derive write traffic keys for application data: iv", r8448_c_ap, "iv", "",
     "5b 78 92 3d ee 08 57 90 33 e5 23 d9"},
    {"{server} calculate finished \"tls13 finished\"", r8448_s_hs, "finished", "",
     "00 8d 3b 66 f8 16 ea 55 9f 96 b5 37 e8 85 c3 1f c0 68 bf 49 2c 65 2f 01 f2 88 a1 d8 cd c1 "
     "9f c8"},
    {"{client} calculate finished \"tls13 finished\"", r8448_c_hs, "finished", "",
     "b8 0a d0 10 15 fb 2f 0b d6 5f f7 d4 da 5d 6b f8 3f 84 82 1d 1f 87 fd c7 d3 c7 5b 5a 7b 42 "
     "d9 c4"},
    {"{server} derive secret for handshake \"tls13 derived\"",
     "33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 "
     "f9 2a",
     "derived",
     "e3 b0 c4 42 98 fc 1c 14 9a fb f4 c8 99 6f b9 24 27 ae 41 e4 64 9b 93 4c a4 95 99 1b 78 52 "
     "b8 55",
     "6f 26 15 a1 08 c7 02 c5 67 8f 54 fc 9d ba b6 97 16 c0 76 18 9c 48 25 0c eb ea c3 57 6c 36 "
     "11 ba"},
    {"{server} derive secret \"tls13 c hs traffic\"",
     "1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f "
     "be ac",
     "c hs traffic",
     "86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 "
     "ca d8",
     r8448_c_hs},
};

static void test_rfc8448_key_schedule(void **state)
{
    (void)state;
    const struct dec_tls_hash_info *sha256 = dec_tls_hash_info(DEC_TLS_HASH_SHA256);
    for (size_t i = 0; i < NELEM(r8448_labels); i++) {
        struct bb secret = hexb(r8448_labels[i].secret), ctx = hexb(r8448_labels[i].ctx),
                  want = hexb(r8448_labels[i].out);
        uint8_t out[64];
        assert_int_equal(dec_tls13_expand_label(sha256, secret.p, secret.n, r8448_labels[i].label,
                                            ctx.p, ctx.n, out, want.n),
                         0);
        if (memcmp(out, want.p, want.n) != 0) {
            char got[129];
            bb_tohex(out, want.n, got);
            fail_msg("%s: %s", r8448_labels[i].what, got);
        }
        bb_free(&secret);
        bb_free(&ctx);
        bb_free(&want);
    }
}

/* The server's protected flight opened with the derived key at sequence 0:
 * exactly EncryptedExtensions, Certificate, CertificateVerify, Finished,
 * then the content type handshake. */
static void test_rfc8448_record(void **state)
{
    (void)state;
    struct bb rec = hexb(r8448_flight_rec), secret = hexb(r8448_s_hs), want = {0};
    bb_hex(&want, r8448_ee);
    bb_hex(&want, r8448_cert);
    bb_hex(&want, r8448_cv);
    bb_hex(&want, r8448_sfin);
    assert_int_equal(rec.n, 679);
    assert_int_equal(want.n, 657);
    struct tls_key k = {0};
    assert_int_equal(dec_tls_key_set13(&k, dec_tls_suite(0x1301), secret.p, secret.n), 0);
    uint8_t *out = malloc(rec.n);
    const uint8_t *plain;
    size_t plen;
    uint8_t inner;
    assert_int_equal(dec_tls_key_open(&k, 0, rec.p, rec.p + 5, rec.n - 5, out, &plain, &plen, &inner),
                     0);
    assert_int_equal(inner, DEC_TLS_CT_HANDSHAKE);
    assert_int_equal(plen, want.n);
    assert_memory_equal(plain, want.p, want.n);
    /* the wrong sequence number, or one flipped bit: no authentication */
    assert_int_equal(dec_tls_key_open(&k, 1, rec.p, rec.p + 5, rec.n - 5, out, &plain, &plen, &inner),
                     -1);
    rec.p[100] ^= 1;
    assert_int_equal(dec_tls_key_open(&k, 0, rec.p, rec.p + 5, rec.n - 5, out, &plain, &plen, &inner),
                     -1);
    rec.p[100] ^= 1;
    /* in place: the plaintext where the ciphertext was */
    assert_int_equal(
        dec_tls_key_open(&k, 0, rec.p, rec.p + 5, rec.n - 5, rec.p + 5, &plain, &plen, &inner), 0);
    assert_ptr_equal(plain, rec.p + 5);
    assert_memory_equal(plain, want.p, want.n);
    dec_tls_key_done(&k);
    free(out);
    bb_free(&rec);
    bb_free(&secret);
    bb_free(&want);
}

/* ------------------------------------------------- the event recorder -- */

struct ev {
    struct tlog log;
    struct bb plain[2];          /* each direction's plaintext stream */
    struct bb hs[2];             /* each direction's handshake messages (with headers) */
    bool frames;                 /* log frame numbers */
    int notes[DEC_TLS_NOTE_COUNT];
    int cuts[2];
    struct dec_tls_certificate cert;
    bool have_cert;
    const struct dec_tls_secret *plain_key[2]; /* the secret of the last plaintext */
};

/* the label a decrypted record's secret must have: its epoch's, its side's */
static enum dec_tls_secret_kind epoch_secret(enum tr_dir d, enum dec_tls_epoch e)
{
    bool c = d == TR_DIR_C2S;
    switch (e) {
    case DEC_TLS_EPOCH_EARLY:
        return DEC_TLS_SECRET_CLIENT_EARLY;
    case DEC_TLS_EPOCH_HANDSHAKE:
        return c ? DEC_TLS_SECRET_CLIENT_HANDSHAKE : DEC_TLS_SECRET_SERVER_HANDSHAKE;
    case DEC_TLS_EPOCH_APPLICATION:
        return c ? DEC_TLS_SECRET_CLIENT_TRAFFIC_0 : DEC_TLS_SECRET_SERVER_TRAFFIC_0;
    default:
        return DEC_TLS_SECRET_MASTER;
    }
}

static const char *dname(enum tr_dir d)
{
    return d == TR_DIR_C2S ? "c2s" : "s2c";
}

static void ev_frames(struct ev *e, const struct dec_tls_frames *f)
{
    if (!e->frames)
        return;
    tlog_add(&e->log, " f");
    for (size_t i = 0; i < f->n; i++)
        tlog_add(&e->log, i ? ",%llu" : "%llu", (unsigned long long)f->v[i]);
}

static void ev_record(void *ctx, const struct dec_tls_record *r)
{
    static const char *const states[] = {"clear", "decrypted", "encrypted", "failed", "cut"};
    struct ev *e = ctx;
    /* every decrypted record names the key log secret it was opened with */
    if (r->state == DEC_TLS_REC_DECRYPTED) {
        assert_non_null(r->secret);
        assert_int_equal(r->secret->kind, epoch_secret(r->dir, r->epoch));
        assert_true(r->secret->len > 0 && r->secret->line > 0);
    } else {
        assert_null(r->secret);
    }
    tlog_add(&e->log, "rec %s #%llu %u/%u %s %s seq=%llu off=%llu+%u", dname(r->dir),
             (unsigned long long)r->index, r->type, r->inner_type, states[r->state],
             dec_tls_epoch_name(r->epoch), (unsigned long long)r->seq,
             (unsigned long long)r->offset, r->length);
    if (r->nmsgs) {
        tlog_add(&e->log, " [");
        for (size_t i = 0; i < r->nmsgs; i++)
            tlog_add(&e->log, i ? ",%u" : "%u", r->msg_types[i]);
        tlog_add(&e->log, "]");
    }
    if (r->early)
        tlog_add(&e->log, r->rejected_early ? " early-rejected" : " early");
    if (r->key_phase)
        tlog_add(&e->log, " phase=%u", r->key_phase);
    ev_frames(e, &r->frames);
    tlog_add(&e->log, "\n");
}

static void ev_hs(void *ctx, const struct dec_tls_handshake *h)
{
    struct ev *e = ctx;
    tlog_add(&e->log, "hs %s %s %u%s%s r%llu-%llu", dname(h->dir), h->name ? h->name : "?",
             h->length, h->decrypted ? " dec" : "", h->parsed ? "" : " unparsed",
             (unsigned long long)h->first_record, (unsigned long long)h->last_record);
    ev_frames(e, &h->frames);
    tlog_add(&e->log, "\n");
    if (h->body) {
        uint8_t hdr[4] = {h->type, (uint8_t)(h->length >> 16), (uint8_t)(h->length >> 8),
                          (uint8_t)h->length};
        bb_add(&e->hs[h->dir], hdr, 4);
        bb_add(&e->hs[h->dir], h->body, h->length);
    }
    if (h->type == DEC_TLS_HS_CERTIFICATE && h->parsed) {
        e->cert = h->u.cert;
        e->have_cert = true;
    }
}

static void ev_alert(void *ctx, const struct dec_tls_alert *a)
{
    struct ev *e = ctx;
    tlog_add(&e->log, "alert %s %u %s%s\n", dname(a->dir), a->level, a->name ? a->name : "?",
             a->decrypted ? " dec" : "");
}

static void ev_plain(void *ctx, const struct dec_tls_plain *p)
{
    struct ev *e = ctx;
    assert_int_equal(p->offset, e->plain[p->dir].n);
    assert_non_null(p->secret);
    assert_int_equal(p->secret->kind, p->early ? DEC_TLS_SECRET_CLIENT_EARLY
                                      : p->secret->kind == DEC_TLS_SECRET_MASTER
                                          ? DEC_TLS_SECRET_MASTER
                                          : epoch_secret(p->dir, DEC_TLS_EPOCH_APPLICATION));
    e->plain_key[p->dir] = p->secret;
    tlog_add(&e->log, "plain %s %llu+%zu r%llu%s", dname(p->dir), (unsigned long long)p->offset,
             p->len, (unsigned long long)p->record, p->early ? " early" : "");
    ev_frames(e, &p->frames);
    tlog_add(&e->log, "\n");
    bb_add(&e->plain[p->dir], p->data, p->len);
}

static void ev_cut(void *ctx, enum tr_dir dir, uint64_t offset, enum dec_tls_why why,
                   uint64_t frame, tr_time ts)
{
    struct ev *e = ctx;
    (void)frame;
    (void)ts;
    e->cuts[dir]++;
    tlog_add(&e->log, "cut %s %llu %s\n", dname(dir), (unsigned long long)offset,
             dec_tls_why_text(why));
}

static void ev_note(void *ctx, const struct dec_tls_note *n)
{
    struct ev *e = ctx;
    e->notes[n->kind]++;
    tlog_add(&e->log, "note %s %s\n", dec_tls_note_name(n->kind), dname(n->dir));
}

static struct dec_tls *ev_engine(struct ev *e, const struct dec_keylog *keys)
{
    struct dec_tls_sink s = {e, ev_record, ev_hs, ev_alert, ev_plain, ev_cut, ev_note};
    struct dec_tls_opts o = {keys};
    return dec_tls_new(&o, &s);
}

static void ev_free(struct ev *e)
{
    tlog_free(&e->log);
    for (int i = 0; i < 2; i++) {
        bb_free(&e->plain[i]);
        bb_free(&e->hs[i]);
    }
}

/* ----------------------------------------------------------- streams -- */

/* a conversation: pieces of each direction in the order they are fed */
struct step {
    enum tr_dir dir;
    struct bb data;
};

struct conv {
    struct step s[64];
    size_t n;
    uint64_t off[2];
};

static void conv_add(struct conv *c, enum tr_dir dir, const uint8_t *p, size_t n)
{
    assert_true(c->n < NELEM(c->s));
    struct step *s = &c->s[c->n++];
    s->dir = dir;
    memset(&s->data, 0, sizeof s->data);
    bb_add(&s->data, p, n);
}

static void conv_hex(struct conv *c, enum tr_dir dir, const char *hex)
{
    struct bb b = hexb(hex);
    conv_add(c, dir, b.p, b.n);
    bb_free(&b);
}

static void conv_free(struct conv *c)
{
    for (size_t i = 0; i < c->n; i++)
        bb_free(&c->s[i].data);
    c->n = 0;
}

/* feed every step whole, frame numbers counting steps */
static void conv_feed(struct dec_tls *t, const struct conv *c)
{
    uint64_t off[2] = {0, 0};
    for (size_t i = 0; i < c->n; i++) {
        const struct step *s = &c->s[i];
        dec_tls_data(t, s->dir, off[s->dir], s->data.p, s->data.n, i + 1, (tr_time)(i + 1));
        off[s->dir] += s->data.n;
    }
}

/* one direction's bytes of a conversation, concatenated */
static struct bb conv_stream(const struct conv *c, enum tr_dir dir)
{
    struct bb b = {0};
    for (size_t i = 0; i < c->n; i++)
        if (c->s[i].dir == dir)
            bb_add(&b, c->s[i].data.p, c->s[i].data.n);
    return b;
}

static struct dec_keylog *keys_of(const char *text)
{
    struct dec_keylog *k = dec_keylog_new();
    dec_keylog_add_text(k, DEC_TLS_KEYS_KEYLOG, "test.keys", text, strlen(text));
    return k;
}

static char *r8448_keylog(void)
{
    static char buf[1024];
    struct bb r = hexb(R8448_CLIENT_RANDOM);
    char rh[65];
    bb_tohex(r.p, r.n, rh);
    bb_free(&r);
    const char *labels[] = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                            "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"};
    const char *secrets[] = {r8448_c_hs, r8448_s_hs, r8448_c_ap, r8448_s_ap};
    size_t n = 0;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "# RFC 8448 section 3\n");
    for (int i = 0; i < 4; i++) {
        struct bb s = hexb(secrets[i]);
        char sh[97];
        bb_tohex(s.p, s.n, sh);
        bb_free(&s);
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s %s %s\n", labels[i], rh, sh);
    }
    return buf;
}

static void r8448_conv(struct conv *c)
{
    memset(c, 0, sizeof *c);
    conv_hex(c, TR_DIR_C2S, r8448_ch_rec);
    conv_hex(c, TR_DIR_S2C, r8448_sh_rec);
    conv_hex(c, TR_DIR_S2C, r8448_flight_rec);
    conv_hex(c, TR_DIR_C2S, r8448_cfin_rec);
    conv_hex(c, TR_DIR_S2C, r8448_nst_rec);
    conv_hex(c, TR_DIR_C2S, r8448_capp_rec);
    conv_hex(c, TR_DIR_S2C, r8448_sapp_rec);
    conv_hex(c, TR_DIR_C2S, r8448_calert_rec);
    conv_hex(c, TR_DIR_S2C, r8448_salert_rec);
}

static const char r8448_events[] =
    "rec c2s #0 22/22 clear clear seq=0 off=0+196 [1] f1\n"
    "hs c2s ClientHello 192 r0-0 f1\n"
    "rec s2c #0 22/22 clear clear seq=0 off=0+90 [2] f2\n"
    "hs s2c ServerHello 86 r0-0 f2\n"
    "rec s2c #1 23/22 decrypted handshake seq=0 off=95+674 [8,11,15,20] f3\n"
    "hs s2c EncryptedExtensions 36 dec r1-1 f3\n"
    "hs s2c Certificate 441 dec r1-1 f3\n"
    "hs s2c CertificateVerify 132 dec r1-1 f3\n"
    "hs s2c Finished 32 dec r1-1 f3\n"
    "rec c2s #1 23/22 decrypted handshake seq=0 off=201+53 [20] f4\n"
    "hs c2s Finished 32 dec r1-1 f4\n"
    "rec s2c #2 23/22 decrypted application seq=0 off=774+222 [4] f5\n"
    "hs s2c NewSessionTicket 201 dec r2-2 f5\n"
    "rec c2s #2 23/23 decrypted application seq=0 off=259+67 f6\n"
    "plain c2s 0+50 r2 f6\n"
    "rec s2c #3 23/23 decrypted application seq=1 off=1001+67 f7\n"
    "plain s2c 0+50 r3 f7\n"
    "rec c2s #3 23/21 decrypted application seq=1 off=331+19 f8\n"
    "alert c2s 1 close_notify dec\n"
    "rec s2c #4 23/21 decrypted application seq=2 off=1073+19 f9\n"
    "alert s2c 1 close_notify dec\n";

static void test_rfc8448_conversation(void **state)
{
    (void)state;
    struct dec_keylog *keys = keys_of(r8448_keylog());
    struct conv c;
    r8448_conv(&c);
    struct ev e = {.frames = true};
    struct dec_tls *t = ev_engine(&e, keys);
    conv_feed(t, &c);
    dec_tls_end(t);
    assert_string_equal(tlog_str(&e.log), r8448_events);
    /* the handshake messages are the RFC's, byte for byte */
    struct bb want = {0};
    bb_hex(&want, r8448_sh_rec);
    memmove(want.p, want.p + 5, want.n - 5);
    want.n -= 5;
    bb_hex(&want, r8448_ee);
    bb_hex(&want, r8448_cert);
    bb_hex(&want, r8448_cv);
    bb_hex(&want, r8448_sfin);
    bb_hex(&want, r8448_nst);
    assert_int_equal(e.hs[1].n, want.n);
    assert_memory_equal(e.hs[1].p, want.p, want.n);
    bb_free(&want);
    bb_hex(&want, r8448_ch_rec);
    memmove(want.p, want.p + 5, want.n - 5);
    want.n -= 5;
    bb_hex(&want, r8448_cfin);
    assert_int_equal(e.hs[0].n, want.n);
    assert_memory_equal(e.hs[0].p, want.p, want.n);
    bb_free(&want);
    /* 00 01 02 ... 31 each way */
    for (int d = 0; d < 2; d++) {
        assert_int_equal(e.plain[d].n, 50);
        for (int i = 0; i < 50; i++)
            assert_int_equal(e.plain[d].p[i], i);
    }
    /* the certificate, through libcrypto */
    assert_true(e.have_cert);
    assert_int_equal(e.cert.count, 1);
    assert_string_equal(e.cert.subject, "CN=rsa");
    assert_string_equal(e.cert.issuer, "CN=rsa");
    assert_int_equal(e.cert.not_before, 1469841839); /* 2016-07-30 01:23:59 UTC */
    assert_int_equal(e.cert.not_after, 1785374639);  /* 2026-07-30 01:23:59 UTC */
    const struct dec_tls_facts *f = dec_tls_facts(t);
    assert_int_equal(f->version, 0x0304);
    assert_int_equal(f->suite, 0x1301);
    assert_string_equal(f->suite_name, "TLS_AES_128_GCM_SHA256");
    assert_true(f->has_sni);
    assert_string_equal(f->sni, "server");
    assert_false(f->has_alpn);
    assert_true(f->decrypted);
    assert_int_equal(f->why_not, DEC_TLS_WHY_NONE);
    assert_int_equal(f->keys, DEC_TLS_KEYS_KEYLOG);
    assert_string_equal(f->keys_source, "test.keys");
    assert_int_equal(f->keys_line, 3); /* SERVER_HANDSHAKE_TRAFFIC_SECRET, used first */
    /* the application data: each side's traffic secret, from its line */
    for (int d = 0; d < 2; d++) {
        assert_non_null(e.plain_key[d]);
        assert_string_equal(e.plain_key[d]->source, "test.keys");
        assert_int_equal(e.plain_key[d]->from, DEC_TLS_KEYS_KEYLOG);
        assert_int_equal(e.plain_key[d]->block, 0);
    }
    assert_int_equal(e.plain_key[TR_DIR_C2S]->line, 4);
    assert_int_equal(e.plain_key[TR_DIR_C2S]->kind, DEC_TLS_SECRET_CLIENT_TRAFFIC_0);
    assert_int_equal(e.plain_key[TR_DIR_S2C]->line, 5);
    assert_int_equal(e.plain_key[TR_DIR_S2C]->kind, DEC_TLS_SECRET_SERVER_TRAFFIC_0);
    assert_int_equal(f->records[0], 4);
    assert_int_equal(f->records[1], 5);
    assert_int_equal(f->decrypted_records[1], 4);
    dec_tls_free(t);
    ev_free(&e);
    conv_free(&c);
    dec_keylog_free(keys);
}

/* the same events wherever the streams are cut (http-parser's test_scan) */
static void test_rfc8448_every_split(void **state)
{
    (void)state;
    struct dec_keylog *keys = keys_of(r8448_keylog());
    struct conv c;
    r8448_conv(&c);
    struct ev whole = {0};
    struct dec_tls *t = ev_engine(&whole, keys);
    conv_feed(t, &c);
    dec_tls_end(t);
    dec_tls_free(t);
    const char *want = tlog_str(&whole.log);
    struct bb s[2] = {conv_stream(&c, TR_DIR_C2S), conv_stream(&c, TR_DIR_S2C)};
    /* one direction at a time, cut in two (then three) pieces at every
     * point, the other direction whole: the events of each direction
     * keep their order, so the logs of each direction match */
    for (int d = 0; d < 2; d++) {
        for (size_t a = 0; a <= s[d].n; a++) {
            for (size_t w = 0; w < 3; w++) {
                size_t b = a + (w == 0 ? 0 : w == 1 ? 1 : 7);
                if (b > s[d].n)
                    b = s[d].n;
                struct ev e = {0};
                t = ev_engine(&e, keys);
                /* the ClientHello first (the server's flight needs it), then
                 * the cut direction, then the rest of the other */
                size_t chlen = 201;
                const struct bb *o = &s[!d];
                if (d == TR_DIR_S2C)
                    dec_tls_data(t, TR_DIR_C2S, 0, s[0].p, chlen, 1, 1);
                const uint8_t *p = s[d].p;
                uint64_t off = 0;
                size_t cuts[4] = {0, a, b, s[d].n};
                if (d == TR_DIR_C2S) {
                    /* the client's Finished needs the server's hello first */
                    dec_tls_data(t, TR_DIR_C2S, 0, p, a < chlen ? a : chlen, 1, 1);
                    off = a < chlen ? a : chlen;
                    if (off < chlen) {
                        dec_tls_data(t, TR_DIR_C2S, off, p + off, chlen - off, 2, 2);
                        off = chlen;
                    }
                    dec_tls_data(t, TR_DIR_S2C, 0, o->p, o->n, 3, 3);
                    cuts[0] = off;
                    if (cuts[1] < off)
                        cuts[1] = off;
                    if (cuts[2] < off)
                        cuts[2] = off;
                } else {
                    off = 0;
                }
                for (int k = 0; k < 3; k++) {
                    size_t from = cuts[k], to = cuts[k + 1];
                    if (to > from)
                        dec_tls_data(t, (enum tr_dir)d, from, p + from, to - from, 10 + k,
                                     10 + k);
                }
                if (d == TR_DIR_S2C)
                    dec_tls_data(t, TR_DIR_C2S, chlen, s[0].p + chlen, s[0].n - chlen, 20, 20);
                dec_tls_end(t);
                dec_tls_free(t);
                /* compare direction d's lines, and the plaintext */
                struct tlog wl = {0}, gl = {0};
                const char *tag = d == 0 ? " c2s " : " s2c ";
                for (const char *x = want; *x;) {
                    const char *nl = strchr(x, '\n');
                    if (memmem(x, (size_t)(nl - x), tag, 5))
                        tlog_add(&wl, "%.*s\n", (int)(nl - x), x);
                    x = nl + 1;
                }
                const char *got = tlog_str(&e.log);
                for (const char *x = got; *x;) {
                    const char *nl = strchr(x, '\n');
                    if (memmem(x, (size_t)(nl - x), tag, 5))
                        tlog_add(&gl, "%.*s\n", (int)(nl - x), x);
                    x = nl + 1;
                }
                if (strcmp(tlog_str(&wl), tlog_str(&gl)) != 0)
                    fail_msg("%s cut at %zu and %zu:\n%s\nwanted\n%s", dname((enum tr_dir)d), a,
                             b, tlog_str(&gl), tlog_str(&wl));
                assert_int_equal(e.plain[d].n, 50);
                tlog_free(&wl);
                tlog_free(&gl);
                ev_free(&e);
            }
        }
    }
    /* one byte at a time, both directions interleaved */
    struct ev e = {0};
    t = ev_engine(&e, keys);
    uint64_t off[2] = {0, 0};
    for (size_t i = 0; i < c.n; i++) {
        const struct step *st = &c.s[i];
        for (size_t j = 0; j < st->data.n; j++) {
            dec_tls_data(t, st->dir, off[st->dir], st->data.p + j, 1, i + 1, 1);
            off[st->dir]++;
        }
    }
    dec_tls_end(t);
    dec_tls_free(t);
    assert_string_equal(tlog_str(&e.log), want);
    ev_free(&e);
    ev_free(&whole);
    bb_free(&s[0]);
    bb_free(&s[1]);
    conv_free(&c);
    dec_keylog_free(keys);
}

/* no keys, wrong keys, keys that come late, a capture that begins late */
static void test_rfc8448_keys(void **state)
{
    (void)state;
    struct conv c;
    r8448_conv(&c);
    /* no keys: every protected record stays encrypted, one note */
    {
        struct dec_keylog *keys = dec_keylog_new();
        struct ev e = {0};
        struct dec_tls *t = ev_engine(&e, keys);
        conv_feed(t, &c);
        dec_tls_end(t);
        const struct dec_tls_facts *f = dec_tls_facts(t);
        assert_false(f->decrypted);
        assert_int_equal(f->why_not, DEC_TLS_WHY_NO_KEYS);
        assert_string_equal(dec_tls_why_text(f->why_not), "no key for its client random");
        assert_int_equal(e.notes[DEC_TLS_NOTE_NO_KEYS], 1);
        assert_int_equal(e.plain[0].n + e.plain[1].n, 0);
        assert_int_equal(tlog_count(&e.log, " encrypted "), 7);
        assert_int_equal(f->keys, DEC_TLS_KEYS_NONE);
        assert_int_equal(f->version, 0x0304); /* what an eavesdropper sees */
        assert_string_equal(f->sni, "server");
        dec_tls_free(t);
        ev_free(&e);
        dec_keylog_free(keys);
    }
    /* the server's handshake secret wrong by one bit: its flight fails
     * authentication, the rest of its direction stays encrypted; the
     * client's direction decrypts */
    {
        char *text = tr_xstrdup(r8448_keylog());
        char *p = strstr(text, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
        p += strlen("SERVER_HANDSHAKE_TRAFFIC_SECRET") + 1 + 64 + 1;
        *p = *p == '0' ? '1' : '0';
        struct dec_keylog *keys = keys_of(text);
        free(text);
        struct ev e = {0};
        struct dec_tls *t = ev_engine(&e, keys);
        conv_feed(t, &c);
        dec_tls_end(t);
        const struct dec_tls_facts *f = dec_tls_facts(t);
        assert_int_equal(f->why_not, DEC_TLS_WHY_AUTH);
        assert_int_equal(e.notes[DEC_TLS_NOTE_DECRYPT_ERROR], 1);
        assert_true(tlog_has(&e.log, "rec s2c #1 23/0 failed handshake"));
        assert_int_equal(e.plain[1].n, 0);
        assert_int_equal(e.plain[0].n, 50);
        assert_int_equal(e.cuts[1], 0); /* nothing of it was decrypted */
        dec_tls_free(t);
        ev_free(&e);
        dec_keylog_free(keys);
    }
    /* keys that arrive once the handshake has passed (live): the records
     * after them decrypt; the engine finds where the application keys begin */
    {
        struct dec_keylog *keys = dec_keylog_new();
        struct ev e = {0};
        struct dec_tls *t = ev_engine(&e, keys);
        uint64_t off[2] = {0, 0};
        for (size_t i = 0; i < c.n; i++) {
            if (i == 4) { /* before the NewSessionTicket */
                const char *text = r8448_keylog();
                dec_keylog_add_text(keys, DEC_TLS_KEYS_KEYLOG, "late.keys", text, strlen(text));
            }
            dec_tls_data(t, c.s[i].dir, off[c.s[i].dir], c.s[i].data.p, c.s[i].data.n, i + 1,
                         1);
            off[c.s[i].dir] += c.s[i].data.n;
        }
        dec_tls_end(t);
        assert_true(tlog_has(&e.log, "rec s2c #1 23/0 encrypted handshake"));
        assert_true(tlog_has(&e.log, "rec c2s #1 23/0 encrypted handshake"));
        assert_true(tlog_has(&e.log, "rec s2c #2 23/22 decrypted application seq=0"));
        assert_true(tlog_has(&e.log, "hs s2c NewSessionTicket 201 dec"));
        assert_int_equal(e.plain[0].n, 50);
        assert_int_equal(e.plain[1].n, 50);
        assert_true(dec_tls_facts(t)->decrypted);
        assert_int_equal(dec_tls_facts(t)->why_not, DEC_TLS_WHY_NO_KEYS);
        dec_tls_free(t);
        ev_free(&e);
        dec_keylog_free(keys);
    }
    /* the capture begins after the handshake: encrypted, why, one note */
    {
        struct dec_keylog *keys = keys_of(r8448_keylog());
        struct ev e = {0};
        struct dec_tls *t = ev_engine(&e, keys);
        struct bb a = hexb(r8448_capp_rec), b = hexb(r8448_sapp_rec);
        dec_tls_data(t, TR_DIR_C2S, 5000, a.p, a.n, 1, 1);
        dec_tls_data(t, TR_DIR_S2C, 9000, b.p, b.n, 2, 2);
        dec_tls_end(t);
        const struct dec_tls_facts *f = dec_tls_facts(t);
        assert_int_equal(f->why_not, DEC_TLS_WHY_NO_HELLO);
        assert_int_equal(e.notes[DEC_TLS_NOTE_NO_KEYS], 1);
        assert_int_equal(tlog_count(&e.log, " encrypted "), 2);
        assert_false(f->client_hello);
        dec_tls_free(t);
        ev_free(&e);
        bb_free(&a);
        bb_free(&b);
        dec_keylog_free(keys);
    }
    /* a gap inside the server's NewSessionTicket record: that record is cut,
     * the rest of the server's direction is not read; a gap between the
     * client's records keeps their framing but ends its decryption */
    {
        struct dec_keylog *keys = keys_of(r8448_keylog());
        struct ev e = {0};
        struct dec_tls *t = ev_engine(&e, keys);
        uint64_t off[2] = {0, 0};
        for (size_t i = 0; i < c.n; i++) {
            const struct step *st = &c.s[i];
            if (i == 4) {
                dec_tls_data(t, st->dir, off[1], st->data.p, 20, i + 1, 1);
                dec_tls_gap(t, st->dir, off[1] + 20, 30, i + 1, 1);
                dec_tls_data(t, st->dir, off[1] + 50, st->data.p + 50, st->data.n - 50, i + 1, 1);
            } else if (i == 7) {
                dec_tls_gap(t, st->dir, off[0], st->data.n, i + 1, 1);
            } else {
                dec_tls_data(t, st->dir, off[st->dir], st->data.p, st->data.n, i + 1, 1);
            }
            off[st->dir] += st->data.n;
        }
        dec_tls_end(t);
        assert_true(tlog_has(&e.log, "rec s2c #2 23/0 cut application"));
        assert_int_equal(tlog_count(&e.log, "rec s2c"), 3);
        assert_true(dec_tls_facts(t)->opaque_bytes[1] > 0);
        assert_int_equal(e.notes[DEC_TLS_NOTE_DECRYPT_ERROR], 2);
        assert_int_equal(e.cuts[1], 1);
        assert_int_equal(e.cuts[0], 1);
        assert_int_equal(e.plain[0].n, 50);
        assert_int_equal(dec_tls_facts(t)->why_not, DEC_TLS_WHY_GAP);
        dec_tls_free(t);
        ev_free(&e);
        dec_keylog_free(keys);
    }
    conv_free(&c);
}

/* a handshake record holding one message */
static void hs_record(struct bb *out, uint16_t version, uint8_t type, const struct bb *body)
{
    bb_u8(out, 22);
    bb_u16(out, version);
    bb_u16(out, (unsigned)(body->n + 4));
    bb_u8(out, type);
    bb_u24(out, (unsigned)body->n);
    bb_add(out, body->p, body->n);
}

struct hello {
    uint8_t random[32];
    uint16_t suites[8];
    size_t nsuites;
    bool tls13;                  /* supported_versions with 1.3 (and key_share) */
    bool early, psk, etm;
    const char *sni, *alpn;
};

static void ext(struct bb *e, uint16_t type, const struct bb *body)
{
    bb_u16(e, type);
    bb_u16(e, (unsigned)body->n);
    bb_add(e, body->p, body->n);
}

static struct bb client_hello(const struct hello *h)
{
    struct bb b = {0}, e = {0}, x = {0};
    bb_u16(&b, 0x0303);
    bb_add(&b, h->random, 32);
    bb_u8(&b, 0);
    bb_u16(&b, (unsigned)h->nsuites * 2);
    for (size_t i = 0; i < h->nsuites; i++)
        bb_u16(&b, h->suites[i]);
    bb_u8(&b, 1);
    bb_u8(&b, 0);
    if (h->sni) {
        size_t n = strlen(h->sni);
        bb_u16(&x, (unsigned)n + 3);
        bb_u8(&x, 0);
        bb_u16(&x, (unsigned)n);
        bb_add(&x, h->sni, n);
        ext(&e, DEC_TLS_EXT_SERVER_NAME, &x);
        x.n = 0;
    }
    if (h->alpn) {
        size_t n = strlen(h->alpn);
        bb_u16(&x, (unsigned)n + 1 + 9);
        bb_u8(&x, (unsigned)n);
        bb_add(&x, h->alpn, n);
        bb_u8(&x, 8);
        bb_add(&x, "http/1.1", 8);
        ext(&e, DEC_TLS_EXT_ALPN, &x);
        x.n = 0;
    }
    if (h->tls13) {
        bb_u8(&x, 4);
        bb_u16(&x, 0x0304);
        bb_u16(&x, 0x0303);
        ext(&e, DEC_TLS_EXT_SUPPORTED_VERSIONS, &x);
        x.n = 0;
        bb_u16(&x, 36);
        bb_u16(&x, 0x001d);
        bb_u16(&x, 32);
        for (int i = 0; i < 32; i++)
            bb_u8(&x, (unsigned)i);
        ext(&e, DEC_TLS_EXT_KEY_SHARE, &x);
        x.n = 0;
    }
    if (h->etm)
        ext(&e, DEC_TLS_EXT_ENCRYPT_THEN_MAC, &x);
    if (h->early)
        ext(&e, DEC_TLS_EXT_EARLY_DATA, &x);
    if (h->psk) { /* last (RFC 8446 4.2.11) */
        bb_u16(&x, 2 + 4 + 4);
        bb_u16(&x, 4);
        bb_add(&x, "tick", 4);
        bb_u16(&x, 0); /* obfuscated_ticket_age */
        bb_u16(&x, 0);
        bb_u16(&x, 33);
        bb_u8(&x, 32);
        for (int i = 0; i < 32; i++)
            bb_u8(&x, 0xbb);
        ext(&e, DEC_TLS_EXT_PRE_SHARED_KEY, &x);
        x.n = 0;
    }
    bb_u16(&b, (unsigned)e.n);
    bb_add(&b, e.p, e.n);
    bb_free(&e);
    bb_free(&x);
    return b;
}

struct shello {
    uint8_t random[32];
    uint16_t suite, version;
    bool hrr, psk, etm;
    const char *alpn;            /* TLS 1.2: in the ServerHello */
    uint8_t sid_len;
};

static struct bb server_hello(const struct shello *h)
{
    static const uint8_t hrr_random[32] = {
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c};
    struct bb b = {0}, e = {0}, x = {0};
    bb_u16(&b, h->version == 0x0304 ? 0x0303 : h->version);
    bb_add(&b, h->hrr ? hrr_random : h->random, 32);
    bb_u8(&b, h->sid_len);
    for (int i = 0; i < h->sid_len; i++)
        bb_u8(&b, 0x5a);
    bb_u16(&b, h->suite);
    bb_u8(&b, 0);
    if (h->version == 0x0304) {
        bb_u16(&x, 0x0304);
        ext(&e, DEC_TLS_EXT_SUPPORTED_VERSIONS, &x);
        x.n = 0;
        bb_u16(&x, 0x001d);
        if (!h->hrr) {
            bb_u16(&x, 32);
            for (int i = 0; i < 32; i++)
                bb_u8(&x, 0x77);
        }
        ext(&e, DEC_TLS_EXT_KEY_SHARE, &x);
        x.n = 0;
        if (h->psk) {
            bb_u16(&x, 0);
            ext(&e, DEC_TLS_EXT_PRE_SHARED_KEY, &x);
            x.n = 0;
        }
    }
    if (h->alpn) {
        size_t n = strlen(h->alpn);
        bb_u16(&x, (unsigned)n + 1);
        bb_u8(&x, (unsigned)n);
        bb_add(&x, h->alpn, n);
        ext(&e, DEC_TLS_EXT_ALPN, &x);
        x.n = 0;
    }
    if (h->etm)
        ext(&e, DEC_TLS_EXT_ENCRYPT_THEN_MAC, &x);
    bb_u16(&b, (unsigned)e.n);
    bb_add(&b, e.p, e.n);
    bb_free(&e);
    bb_free(&x);
    return b;
}

/* a handshake message with its header */
static void hs_msg(struct bb *out, uint8_t type, const struct bb *body)
{
    bb_u8(out, type);
    bb_u24(out, (unsigned)body->n);
    bb_add(out, body->p, body->n);
}

static void hs_msg_hex(struct bb *out, uint8_t type, const char *hex)
{
    struct bb b = hexb(hex);
    hs_msg(out, type, &b);
    bb_free(&b);
}

/* the content of records, cut into records of at most `frag` bytes */
static void records(struct bb *out, uint8_t type, uint16_t version, const struct bb *content,
                    size_t frag)
{
    for (size_t at = 0; at < content->n; at += frag) {
        size_t k = content->n - at < frag ? content->n - at : frag;
        bb_u8(out, type);
        bb_u16(out, version);
        bb_u16(out, (unsigned)k);
        bb_add(out, content->p + at, k);
    }
}

static void randbytes(uint8_t *p, size_t n)
{
    assert_int_equal(RAND_bytes(p, (int)n), 1);
}

static void key_line(struct bb *kl, const char *label, const uint8_t *random, const uint8_t *s,
                     size_t n)
{
    char rh[65], sh[97];
    bb_tohex(random, 32, rh);
    bb_tohex(s, n, sh);
    char line[256];
    int k = snprintf(line, sizeof line, "%s %s %s\n", label, rh, sh);
    bb_add(kl, line, (size_t)k);
}

/* the names of one direction's handshake messages, space-separated */
static void hs_names(struct ev *e, enum tr_dir d, char *out, size_t cap)
{
    out[0] = '\0';
    const char *tag = d == TR_DIR_C2S ? "hs c2s " : "hs s2c ";
    const char *log = tlog_str(&e->log);
    for (const char *x = log; (x = strstr(x, tag));) {
        x += 7;
        const char *sp = strchr(x, ' ');
        if (out[0])
            strncat(out, " ", cap - strlen(out) - 1);
        strncat(out, x, (size_t)(sp - x) < cap - strlen(out) - 1 ? (size_t)(sp - x)
                                                                   : cap - strlen(out) - 1);
    }
}

/* lines of the log that begin with prefix and hold needle */
static int count_lines(struct tlog *l, const char *prefix, const char *needle)
{
    int n = 0;
    for (const char *x = tlog_str(l); *x;) {
        const char *nl = strchr(x, '\n');
        if (strncmp(x, prefix, strlen(prefix)) == 0 && memmem(x, (size_t)(nl - x), needle,
                                                               strlen(needle)))
            n++;
        x = nl + 1;
    }
    return n;
}

/* ------------------------------------------------------ TLS 1.3 flows -- */

struct flow13 {
    const char *name;
    uint16_t suite;
    bool early, accept_early, early_key;  /* 0-RTT; its secret in the key log */
    bool hrr, key_update;
    const char *alpn;
    const char *want_c, *want_s;          /* handshake message names */
};

static const char early_text[] = "GET /early HTTP/1.1\r\nHost: a\r\n\r\n";
static const char req_text[] = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
static const char rsp_text[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
static const char rsp2_text[] = "HTTP/1.1 204 No Content\r\n\r\n";

static void run_flow13(const struct flow13 *fl)
{
    const struct dec_tls_suite *s = dec_tls_suite(fl->suite);
    size_t hl = dec_tls_hash_info(s->hash)->len;
    uint8_t random[32], c_early[48], c_hs[48], s_hs[48], c_ap[48], s_ap[48];
    randbytes(random, 32);
    randbytes(c_early, hl);
    randbytes(c_hs, hl);
    randbytes(s_hs, hl);
    randbytes(c_ap, hl);
    randbytes(s_ap, hl);
    struct bb kl = {0};
    if (fl->early_key)
        key_line(&kl, "CLIENT_EARLY_TRAFFIC_SECRET", random, c_early, hl);
    key_line(&kl, "CLIENT_HANDSHAKE_TRAFFIC_SECRET", random, c_hs, hl);
    key_line(&kl, "SERVER_HANDSHAKE_TRAFFIC_SECRET", random, s_hs, hl);
    key_line(&kl, "CLIENT_TRAFFIC_SECRET_0", random, c_ap, hl);
    key_line(&kl, "SERVER_TRAFFIC_SECRET_0", random, s_ap, hl);
    key_line(&kl, "EXPORTER_SECRET", random, s_ap, hl);
    struct dec_keylog *keys = dec_keylog_new();
    dec_keylog_add_text(keys, DEC_TLS_KEYS_PCAPNG, "flow.pcapng", (const char *)kl.p, kl.n);
    struct conv c = {0};
    struct bb r = {0}, m = {0}, empty = {0};
    static const uint8_t ccs[] = {20, 3, 3, 0, 1, 1};
    struct hello ch = {.nsuites = 3, .tls13 = true, .early = fl->early, .psk = fl->early,
                       .sni = "a.example", .alpn = fl->alpn};
    memcpy(ch.random, random, 32);
    ch.suites[0] = 0x1302;
    ch.suites[1] = 0x1301;
    ch.suites[2] = 0x1303;
    struct bb chb = client_hello(&ch);
    hs_record(&r, 0x0301, DEC_TLS_HS_CLIENT_HELLO, &chb);
    conv_add(&c, TR_DIR_C2S, r.p, r.n);
    r.n = 0;
    uint64_t cseq = 0;
    if (fl->early) {
        conv_add(&c, TR_DIR_C2S, ccs, sizeof ccs);
        /* the 0-RTT request in two records */
        seal13(&r, fl->suite, c_early, hl, cseq++, 23, (const uint8_t *)early_text, 10, 0);
        seal13(&r, fl->suite, c_early, hl, cseq++, 23, (const uint8_t *)early_text + 10,
               strlen(early_text) - 10, 5);
        conv_add(&c, TR_DIR_C2S, r.p, r.n);
        r.n = 0;
    }
    if (fl->hrr) {
        struct shello hrr = {.suite = fl->suite, .version = 0x0304, .hrr = true};
        struct bb b = server_hello(&hrr);
        hs_record(&r, 0x0303, DEC_TLS_HS_SERVER_HELLO, &b);
        bb_add(&r, ccs, sizeof ccs); /* middlebox compatibility (RFC 8446 D.4) */
        conv_add(&c, TR_DIR_S2C, r.p, r.n);
        r.n = 0;
        bb_free(&b);
        ch.early = false;
        struct bb ch2 = client_hello(&ch);
        hs_record(&r, 0x0303, DEC_TLS_HS_CLIENT_HELLO, &ch2);
        conv_add(&c, TR_DIR_C2S, r.p, r.n);
        r.n = 0;
        bb_free(&ch2);
    }
    struct shello sh = {.suite = fl->suite, .version = 0x0304, .psk = fl->early};
    randbytes(sh.random, 32);
    struct bb shb = server_hello(&sh);
    hs_record(&r, 0x0303, DEC_TLS_HS_SERVER_HELLO, &shb);
    bb_add(&r, ccs, sizeof ccs);
    /* EncryptedExtensions, Certificate (empty), CertificateVerify, Finished */
    struct bb ee = {0}, x = {0};
    if (fl->alpn) {
        bb_u16(&x, (unsigned)strlen(fl->alpn) + 1);
        bb_u8(&x, (unsigned)strlen(fl->alpn));
        bb_add(&x, fl->alpn, strlen(fl->alpn));
        ext(&ee, DEC_TLS_EXT_ALPN, &x);
        x.n = 0;
    }
    if (fl->early && fl->accept_early)
        ext(&ee, DEC_TLS_EXT_EARLY_DATA, &x);
    bb_u16(&x, (unsigned)ee.n);
    bb_add(&x, ee.p, ee.n);
    hs_msg(&m, DEC_TLS_HS_ENCRYPTED_EXTENSIONS, &x);
    if (!fl->early) {
        hs_msg_hex(&m, DEC_TLS_HS_CERTIFICATE, "00 00 00 00");
        hs_msg_hex(&m, DEC_TLS_HS_CERTIFICATE_VERIFY, "08 04 00 02 aa bb");
    }
    struct bb fin = {0};
    bb_add(&fin, s_hs, hl);
    hs_msg(&m, DEC_TLS_HS_FINISHED, &fin);
    seal13(&r, fl->suite, s_hs, hl, 0, 22, m.p, m.n, 0);
    m.n = 0;
    /* 0.5-RTT data, before the client's Finished */
    seal13(&r, fl->suite, s_ap, hl, 0, 23, (const uint8_t *)rsp_text, 20, 0);
    conv_add(&c, TR_DIR_S2C, r.p, r.n);
    r.n = 0;
    if (fl->early && fl->accept_early) {
        seal13(&r, fl->suite, c_early, hl, cseq++, 22, (const uint8_t *)"\x05\0\0\0", 4, 0);
    }
    if (!fl->early)
        bb_add(&r, ccs, sizeof ccs);
    hs_msg(&m, DEC_TLS_HS_FINISHED, &fin);
    seal13(&r, fl->suite, c_hs, hl, 0, 22, m.p, m.n, 3);
    m.n = 0;
    seal13(&r, fl->suite, c_ap, hl, 0, 23, (const uint8_t *)req_text, strlen(req_text), 0);
    conv_add(&c, TR_DIR_C2S, r.p, r.n);
    r.n = 0;
    /* NewSessionTicket, the rest of the response, KeyUpdate, more */
    struct bb nst = hexb("00 00 1c 20 01 02 03 04 01 00 00 04 aa bb cc dd 00 08 00 2a 00 04 00 "
                         "00 40 00");
    hs_msg(&m, DEC_TLS_HS_NEW_SESSION_TICKET, &nst);
    uint64_t sseq = 1;
    seal13(&r, fl->suite, s_ap, hl, sseq++, 22, m.p, m.n, 0);
    m.n = 0;
    seal13(&r, fl->suite, s_ap, hl, sseq++, 23, (const uint8_t *)rsp_text + 20,
           strlen(rsp_text) - 20, 0);
    uint8_t next[48];
    memcpy(next, s_ap, hl);
    if (fl->key_update) {
        hs_msg_hex(&m, DEC_TLS_HS_KEY_UPDATE, "00");
        seal13(&r, fl->suite, s_ap, hl, sseq++, 22, m.p, m.n, 0);
        m.n = 0;
        assert_int_equal(dec_tls13_next_secret(dec_tls_hash_info(s->hash), next, hl), 0);
        sseq = 0;
    }
    seal13(&r, fl->suite, next, hl, sseq++, 23, (const uint8_t *)rsp2_text, strlen(rsp2_text),
           0);
    seal13(&r, fl->suite, next, hl, sseq++, 21, (const uint8_t *)"\x01\x00", 2, 0);
    conv_add(&c, TR_DIR_S2C, r.p, r.n);
    r.n = 0;

    struct ev e = {0};
    struct dec_tls *t = ev_engine(&e, keys);
    conv_feed(t, &c);
    dec_tls_end(t);
    const struct dec_tls_facts *f = dec_tls_facts(t);
    char names[512];
    hs_names(&e, TR_DIR_C2S, names, sizeof names);
    if (strcmp(names, fl->want_c) != 0)
        fail_msg("%s: client messages '%s'\n%s", fl->name, names, tlog_str(&e.log));
    hs_names(&e, TR_DIR_S2C, names, sizeof names);
    if (strcmp(names, fl->want_s) != 0)
        fail_msg("%s: server messages '%s'\n%s", fl->name, names, tlog_str(&e.log));
    struct bb want_c = {0}, want_s = {0};
    if (fl->early && fl->accept_early && fl->early_key)
        bb_add(&want_c, early_text, strlen(early_text));
    bb_add(&want_c, req_text, strlen(req_text));
    bb_add(&want_s, rsp_text, strlen(rsp_text));
    bb_add(&want_s, rsp2_text, strlen(rsp2_text));
    if (e.plain[0].n != want_c.n || memcmp(e.plain[0].p, want_c.p, want_c.n) != 0)
        fail_msg("%s: client plaintext %zu bytes\n%s", fl->name, e.plain[0].n, tlog_str(&e.log));
    if (e.plain[1].n != want_s.n || memcmp(e.plain[1].p, want_s.p, want_s.n) != 0)
        fail_msg("%s: server plaintext %zu bytes\n%s", fl->name, e.plain[1].n, tlog_str(&e.log));
    assert_true(tlog_has(&e.log, "alert s2c 1 close_notify dec"));
    assert_int_equal(f->version, 0x0304);
    assert_int_equal(f->suite, fl->suite);
    assert_int_equal(f->hrr, fl->hrr);
    assert_int_equal(f->keys, DEC_TLS_KEYS_PCAPNG);
    assert_string_equal(f->keys_source, "flow.pcapng");
    if (fl->alpn) {
        assert_true(f->has_alpn);
        assert_string_equal(f->alpn, fl->alpn);
    }
    if (fl->early) {
        assert_true(f->early_offered);
        assert_int_equal(f->early_accepted, fl->accept_early);
        assert_int_equal(f->resumed, true);
        /* two records of 0-RTT data, and EndOfEarlyData when accepted */
        assert_int_equal(count_lines(&e.log, "rec c2s", " early"), fl->accept_early ? 3 : 2);
        assert_int_equal(count_lines(&e.log, "plain c2s", " early"),
                         fl->accept_early && fl->early_key ? 2 : 0);
    }
    assert_int_equal(f->why_not, fl->early && !fl->early_key ? DEC_TLS_WHY_NO_KEYS
                                                              : DEC_TLS_WHY_NONE);
    if (fl->key_update)
        assert_true(tlog_has(&e.log, "phase=1"));
    assert_int_equal(e.notes[DEC_TLS_NOTE_DECRYPT_ERROR], 0);
    assert_int_equal(e.notes[DEC_TLS_NOTE_MALFORMED], 0);
    dec_tls_free(t);
    ev_free(&e);
    conv_free(&c);
    bb_free(&r);
    bb_free(&m);
    bb_free(&empty);
    bb_free(&chb);
    bb_free(&shb);
    bb_free(&ee);
    bb_free(&x);
    bb_free(&fin);
    bb_free(&nst);
    bb_free(&kl);
    bb_free(&want_c);
    bb_free(&want_s);
    dec_keylog_free(keys);
}

static void test_tls13_flows(void **state)
{
    (void)state;
    static const char srv[] = "ServerHello EncryptedExtensions Certificate CertificateVerify "
                              "Finished NewSessionTicket";
    static const char srv_psk[] = "ServerHello EncryptedExtensions Finished NewSessionTicket";
    static const struct flow13 flows[] = {
        {"AES-128-GCM", 0x1301, false, false, false, false, false, NULL, "ClientHello Finished",
         srv},
        {"AES-256-GCM, ALPN h2", 0x1302, false, false, false, false, false, "h2",
         "ClientHello Finished", srv},
        {"ChaCha20-Poly1305, KeyUpdate", 0x1303, false, false, false, false, true, NULL,
         "ClientHello Finished", "ServerHello EncryptedExtensions Certificate CertificateVerify "
                                 "Finished NewSessionTicket KeyUpdate"},
        {"HelloRetryRequest", 0x1301, false, false, false, true, false, NULL,
         "ClientHello ClientHello Finished",
         "HelloRetryRequest ServerHello EncryptedExtensions Certificate CertificateVerify "
         "Finished NewSessionTicket"},
        {"0-RTT accepted", 0x1301, true, true, true, false, false, NULL,
         "ClientHello EndOfEarlyData Finished", srv_psk},
        {"0-RTT rejected", 0x1303, true, false, true, false, false, NULL,
         "ClientHello Finished", srv_psk},
        {"0-RTT accepted, AES-256, no early secret in the key log", 0x1302, true, true, false,
         false, false, NULL, "ClientHello Finished", srv_psk},
        {"0-RTT rejected, no early secret", 0x1301, true, false, false, false, false, NULL,
         "ClientHello Finished", srv_psk},
    };
    for (size_t i = 0; i < NELEM(flows); i++)
        run_flow13(&flows[i]);
}

/* ------------------------------------------------------ TLS 1.2 flows -- */

static void run_flow12(uint16_t suite, bool etm, bool resumed, size_t frag)
{
    const struct dec_tls_suite *s = dec_tls_suite(suite);
    assert_non_null(s);
    uint8_t cr[32], sr[32], master[48];
    randbytes(cr, 32);
    randbytes(sr, 32);
    randbytes(master, 48);
    struct bb kl = {0};
    bb_add(&kl, "# a comment\nUNKNOWN_LABEL x y\n", 30);
    key_line(&kl, "CLIENT_RANDOM", cr, master, 48);
    struct dec_keylog *keys = dec_keylog_new();
    dec_keylog_add_text(keys, DEC_TLS_KEYS_KEYLOG, "k.log", (const char *)kl.p, kl.n);
    bool cbc = dec_tls_cipher_info(s->cipher)->kind == DEC_TLS_CK_CBC;
    struct keys12 k[2];
    keys12(s, master, cr, sr, etm && cbc, k);
    struct conv c = {0};
    struct bb r = {0}, m = {0};
    static const uint8_t ccs[] = {20, 3, 3, 0, 1, 1};
    struct hello ch = {.nsuites = 1, .etm = etm, .sni = "twelve.example"};
    memcpy(ch.random, cr, 32);
    ch.suites[0] = suite;
    struct bb chb = client_hello(&ch);
    hs_msg(&m, DEC_TLS_HS_CLIENT_HELLO, &chb);
    records(&r, 22, 0x0301, &m, frag);
    m.n = 0;
    conv_add(&c, TR_DIR_C2S, r.p, r.n);
    r.n = 0;
    struct shello sh = {.suite = suite, .version = 0x0303, .etm = etm, .alpn = "http/1.1",
                        .sid_len = 32};
    memcpy(sh.random, sr, 32);
    struct bb shb = server_hello(&sh);
    hs_msg(&m, DEC_TLS_HS_SERVER_HELLO, &shb);
    struct bb fin = hexb("01 02 03 04 05 06 07 08 09 0a 0b 0c");
    if (!resumed) {
        /* Certificate (RFC 8448's certificate in the TLS 1.2 layout),
         * ServerKeyExchange (x25519), ServerHelloDone, coalesced */
        struct bb cert = hexb(r8448_cert), body = {0};
        bb_u24(&body, 0x1b0 + 3);
        bb_add(&body, cert.p + 8, 0x1b0 + 3);
        hs_msg(&m, DEC_TLS_HS_CERTIFICATE, &body);
        bb_free(&cert);
        bb_free(&body);
        if (s->kx == DEC_TLS_KX_ECDHE)
            hs_msg_hex(&m, DEC_TLS_HS_SERVER_KEY_EXCHANGE,
                       "03 00 1d 20 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 "
                       "14 15 16 17 18 19 1a 1b 1c 1d 1e 1f 08 04 00 02 aa bb");
        hs_msg_hex(&m, DEC_TLS_HS_SERVER_HELLO_DONE, "");
        records(&r, 22, 0x0303, &m, frag);
        m.n = 0;
        conv_add(&c, TR_DIR_S2C, r.p, r.n);
        r.n = 0;
        hs_msg_hex(&m, DEC_TLS_HS_CLIENT_KEY_EXCHANGE, "20 00 01 02 03 04 05 06 07 08 09 0a 0b 0c "
                                                        "0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a "
                                                        "1b 1c 1d 1e 1f");
        records(&r, 22, 0x0303, &m, frag);
        m.n = 0;
        bb_add(&r, ccs, sizeof ccs);
        hs_msg(&m, DEC_TLS_HS_FINISHED, &fin);
        seal12(&r, &k[0], 0, 22, m.p, m.n);
        m.n = 0;
        conv_add(&c, TR_DIR_C2S, r.p, r.n);
        r.n = 0;
        hs_msg_hex(&m, DEC_TLS_HS_NEW_SESSION_TICKET, "00 00 1c 20 00 04 de ad be ef");
        records(&r, 22, 0x0303, &m, frag);
        m.n = 0;
        bb_add(&r, ccs, sizeof ccs);
        hs_msg(&m, DEC_TLS_HS_FINISHED, &fin);
        seal12(&r, &k[1], 0, 22, m.p, m.n);
        m.n = 0;
        conv_add(&c, TR_DIR_S2C, r.p, r.n);
        r.n = 0;
    } else { /* abbreviated: the server's Finished first (RFC 5246 7.3) */
        records(&r, 22, 0x0303, &m, frag);
        m.n = 0;
        bb_add(&r, ccs, sizeof ccs);
        hs_msg(&m, DEC_TLS_HS_FINISHED, &fin);
        seal12(&r, &k[1], 0, 22, m.p, m.n);
        m.n = 0;
        conv_add(&c, TR_DIR_S2C, r.p, r.n);
        r.n = 0;
        bb_add(&r, ccs, sizeof ccs);
        hs_msg(&m, DEC_TLS_HS_FINISHED, &fin);
        seal12(&r, &k[0], 0, 22, m.p, m.n);
        m.n = 0;
        conv_add(&c, TR_DIR_C2S, r.p, r.n);
        r.n = 0;
    }
    seal12(&r, &k[0], 1, 23, (const uint8_t *)req_text, 7);
    seal12(&r, &k[0], 2, 23, (const uint8_t *)req_text + 7, strlen(req_text) - 7);
    conv_add(&c, TR_DIR_C2S, r.p, r.n);
    r.n = 0;
    seal12(&r, &k[1], 1, 23, (const uint8_t *)rsp_text, strlen(rsp_text));
    seal12(&r, &k[1], 2, 21, (const uint8_t *)"\x01\x00", 2);
    conv_add(&c, TR_DIR_S2C, r.p, r.n);
    r.n = 0;

    struct ev e = {0};
    struct dec_tls *t = ev_engine(&e, keys);
    conv_feed(t, &c);
    dec_tls_end(t);
    const struct dec_tls_facts *f = dec_tls_facts(t);
    char names[512], what[128];
    snprintf(what, sizeof what, "%s%s%s, records of %zu", s->name, etm ? " etm" : "",
             resumed ? " resumed" : "", frag);
    hs_names(&e, TR_DIR_C2S, names, sizeof names);
    const char *want_c = resumed ? "ClientHello Finished"
                                 : "ClientHello ClientKeyExchange Finished";
    if (strcmp(names, want_c) != 0)
        fail_msg("%s: client messages '%s'\n%s", what, names, tlog_str(&e.log));
    hs_names(&e, TR_DIR_S2C, names, sizeof names);
    const char *want_s = resumed ? "ServerHello Finished"
                         : s->kx == DEC_TLS_KX_ECDHE
                             ? "ServerHello Certificate ServerKeyExchange ServerHelloDone "
                               "NewSessionTicket Finished"
                             : "ServerHello Certificate ServerHelloDone NewSessionTicket Finished";
    if (strcmp(names, want_s) != 0)
        fail_msg("%s: server messages '%s'\n%s", what, names, tlog_str(&e.log));
    if (e.plain[0].n != strlen(req_text) || memcmp(e.plain[0].p, req_text, e.plain[0].n) != 0)
        fail_msg("%s: client plaintext\n%s", what, tlog_str(&e.log));
    if (e.plain[1].n != strlen(rsp_text) || memcmp(e.plain[1].p, rsp_text, e.plain[1].n) != 0)
        fail_msg("%s: server plaintext\n%s", what, tlog_str(&e.log));
    assert_true(tlog_has(&e.log, "alert s2c 1 close_notify dec"));
    assert_int_equal(tlog_count(&e.log, "unparsed"), 0);
    assert_int_equal(f->version, 0x0303);
    if (f->why_not != DEC_TLS_WHY_NONE)
        fail_msg("%s: %s\n%s", what, dec_tls_why_text(f->why_not), tlog_str(&e.log));
    assert_int_equal(f->encrypt_then_mac, etm);
    assert_int_equal(f->resumed, resumed);
    assert_true(f->has_alpn);
    assert_string_equal(f->alpn, "http/1.1");
    assert_int_equal(f->keys_line, 3);
    if (!resumed) {
        assert_true(e.have_cert);
        assert_string_equal(e.cert.subject, "CN=rsa");
    }
    dec_tls_free(t);
    ev_free(&e);
    conv_free(&c);
    bb_free(&r);
    bb_free(&m);
    bb_free(&chb);
    bb_free(&shb);
    bb_free(&fin);
    bb_free(&kl);
    dec_keylog_free(keys);
}

static void test_tls12_flows(void **state)
{
    (void)state;
    static const uint16_t suites[] = {0xc02f, 0xc030, 0xc02b, 0xcca8, 0x009c, 0xc013, 0xc014,
                                      0xc027, 0xc028, 0x002f, 0x003d, 0xc012, 0xc076, 0xc060};
    for (size_t i = 0; i < NELEM(suites); i++) {
        const struct dec_tls_suite *s = dec_tls_suite(suites[i]);
        if (!dec_tls_cipher_supported(s)) { /* a libcrypto without it (3DES, Camellia, ARIA) */
            print_message("skipped %s: libcrypto lacks %s\n", s->name,
                          dec_tls_cipher_info(s->cipher)->evp);
            continue;
        }
        bool cbc = dec_tls_cipher_info(s->cipher)->kind == DEC_TLS_CK_CBC;
        run_flow12(suites[i], false, false, 16384);
        if (cbc)
            run_flow12(suites[i], true, false, 16384);
    }
    /* handshake messages split across records, coalesced, and abbreviated */
    static const size_t frags[] = {1, 3, 7, 100};
    for (size_t i = 0; i < NELEM(frags); i++) {
        run_flow12(0xc02f, false, false, frags[i]);
        run_flow12(0xc013, true, false, frags[i]);
    }
    run_flow12(0xc02f, false, true, 16384);
    run_flow12(0xc014, false, true, 16384);
}

/* a TLS 1.2 renegotiation: its messages under the old keys are read, its new keys
 * are not followed: named, the rest of that direction stays encrypted */
static void test_tls12_renegotiation(void **state)
{
    (void)state;
    const struct dec_tls_suite *s = dec_tls_suite(0xc02f);
    uint8_t cr[32], sr[32], master[48];
    randbytes(cr, 32);
    randbytes(sr, 32);
    randbytes(master, 48);
    struct bb kl = {0}, r = {0}, m = {0};
    key_line(&kl, "CLIENT_RANDOM", cr, master, 48);
    struct dec_keylog *keys = dec_keylog_new();
    dec_keylog_add_text(keys, DEC_TLS_KEYS_KEYLOG, "k", (const char *)kl.p, kl.n);
    struct keys12 k[2];
    keys12(s, master, cr, sr, false, k);
    static const uint8_t ccs[] = {20, 3, 3, 0, 1, 1};
    struct hello ch = {.nsuites = 1};
    memcpy(ch.random, cr, 32);
    ch.suites[0] = 0xc02f;
    struct bb chb = client_hello(&ch);
    struct shello sh = {.suite = 0xc02f, .version = 0x0303};
    memcpy(sh.random, sr, 32);
    struct bb shb = server_hello(&sh);
    struct bb fin = hexb("01 02 03 04 05 06 07 08 09 0a 0b 0c");
    struct ev e = {0};
    struct dec_tls *t = ev_engine(&e, keys);
    uint64_t off[2] = {0, 0};
#define FEED(d)                                                                                   \
    do {                                                                                          \
        dec_tls_data(t, d, off[d], r.p, r.n, 1, 1);                                               \
        off[d] += r.n;                                                                            \
        r.n = 0;                                                                                  \
    } while (0)
    hs_record(&r, 0x0301, DEC_TLS_HS_CLIENT_HELLO, &chb);
    FEED(TR_DIR_C2S);
    hs_record(&r, 0x0303, DEC_TLS_HS_SERVER_HELLO, &shb);
    bb_add(&r, ccs, sizeof ccs);
    hs_msg(&m, DEC_TLS_HS_FINISHED, &fin);
    seal12(&r, &k[1], 0, 22, m.p, m.n);
    FEED(TR_DIR_S2C);
    bb_add(&r, ccs, sizeof ccs);
    seal12(&r, &k[0], 0, 22, m.p, m.n);
    seal12(&r, &k[0], 1, 23, (const uint8_t *)req_text, strlen(req_text));
    /* a new ClientHello (a new random: no key for it), under the old keys */
    ch.random[0] ^= 0xff;
    struct bb ch2 = client_hello(&ch);
    m.n = 0;
    hs_msg(&m, DEC_TLS_HS_CLIENT_HELLO, &ch2);
    seal12(&r, &k[0], 2, 22, m.p, m.n);
    FEED(TR_DIR_C2S);
    seal12(&r, &k[1], 1, 23, (const uint8_t *)rsp_text, strlen(rsp_text));
    m.n = 0;
    hs_msg(&m, DEC_TLS_HS_SERVER_HELLO, &shb);
    seal12(&r, &k[1], 2, 22, m.p, m.n);
    seal12(&r, &k[1], 3, 20, (const uint8_t *)"\x01", 1); /* its new keys from here */
    seal12(&r, &k[1], 4, 23, (const uint8_t *)"under the new keys", 18);
    FEED(TR_DIR_S2C);
#undef FEED
    dec_tls_end(t);
    char names[256];
    hs_names(&e, TR_DIR_C2S, names, sizeof names);
    assert_string_equal(names, "ClientHello Finished ClientHello");
    hs_names(&e, TR_DIR_S2C, names, sizeof names);
    assert_string_equal(names, "ServerHello Finished ServerHello");
    assert_int_equal(e.plain[0].n, strlen(req_text));
    assert_int_equal(e.plain[1].n, strlen(rsp_text));
    assert_int_equal(dec_tls_facts(t)->why_not, DEC_TLS_WHY_RENEGOTIATION);
    assert_int_equal(e.notes[DEC_TLS_NOTE_UNSUPPORTED], 1);
    assert_int_equal(e.cuts[1], 1);
    if (!tlog_has(&e.log, "rec s2c #6 23/0 encrypted tls12 seq=4"))
        fail_msg("%s", tlog_str(&e.log));
    dec_tls_free(t);
    ev_free(&e);
    bb_free(&kl);
    bb_free(&r);
    bb_free(&m);
    bb_free(&chb);
    bb_free(&ch2);
    bb_free(&shb);
    bb_free(&fin);
    dec_keylog_free(keys);
}

/* what is not decrypted is named: versions, ciphers */
static void test_tls12_unsupported(void **state)
{
    (void)state;
    static const struct {
        uint16_t version, suite;
        enum dec_tls_why why;
        enum dec_tls_note_kind note;
    } cases[] = {
        {0x0301, 0xc013, DEC_TLS_WHY_VERSION, DEC_TLS_NOTE_UNSUPPORTED},
        {0x0302, 0x002f, DEC_TLS_WHY_VERSION, DEC_TLS_NOTE_UNSUPPORTED},
        {0x0300, 0x000a, DEC_TLS_WHY_VERSION, DEC_TLS_NOTE_UNSUPPORTED},
        {0x0303, 0x0005, DEC_TLS_WHY_CIPHER, DEC_TLS_NOTE_UNSUPPORTED},   /* RC4 */
        {0x0303, 0xc0ac, DEC_TLS_WHY_CIPHER, DEC_TLS_NOTE_UNSUPPORTED},   /* CCM */
        {0x0303, 0x1234, DEC_TLS_WHY_CIPHER, DEC_TLS_NOTE_UNSUPPORTED},   /* unknown */
    };
    for (size_t i = 0; i < NELEM(cases); i++) {
        uint8_t cr[32], master[48];
        randbytes(cr, 32);
        randbytes(master, 48);
        struct bb kl = {0}, r = {0}, m = {0};
        key_line(&kl, "CLIENT_RANDOM", cr, master, 48);
        struct dec_keylog *keys = dec_keylog_new();
        dec_keylog_add_text(keys, DEC_TLS_KEYS_KEYLOG, "k", (const char *)kl.p, kl.n);
        struct hello ch = {.nsuites = 1};
        memcpy(ch.random, cr, 32);
        ch.suites[0] = cases[i].suite;
        struct bb chb = client_hello(&ch);
        struct shello sh = {.suite = cases[i].suite, .version = cases[i].version};
        struct bb shb = server_hello(&sh);
        struct ev e = {0};
        struct dec_tls *t = ev_engine(&e, keys);
        hs_record(&r, 0x0301, DEC_TLS_HS_CLIENT_HELLO, &chb);
        dec_tls_data(t, TR_DIR_C2S, 0, r.p, r.n, 1, 1);
        r.n = 0;
        hs_record(&r, cases[i].version, DEC_TLS_HS_SERVER_HELLO, &shb);
        bb_hex(&r, "14 03 01 00 01 01 16 03 01 00 20");
        for (int j = 0; j < 32; j++)
            bb_u8(&r, 0x33);
        dec_tls_data(t, TR_DIR_S2C, 0, r.p, r.n, 2, 2);
        dec_tls_end(t);
        const struct dec_tls_facts *f = dec_tls_facts(t);
        assert_int_equal(f->why_not, cases[i].why);
        assert_int_equal(e.notes[cases[i].note], 1);
        assert_true(tlog_has(&e.log, "rec s2c #2 22/0 encrypted tls12"));
        assert_false(f->decrypted);
        dec_tls_free(t);
        ev_free(&e);
        bb_free(&kl);
        bb_free(&r);
        bb_free(&m);
        bb_free(&chb);
        bb_free(&shb);
        dec_keylog_free(keys);
    }
}

/* ------------------------------------------------------ the TLS 1.2 PRF -- */

/* openssl kdf's output for the key block below (a Python P_SHA256 over
 * hmac/hashlib gives the same bytes) */
#define TLS12_KEY_BLOCK_VECTOR                                                                    \
    "a4034d09be0eeca5e295f4a1a83cc08a617bfc73135fe88287599ae2278f1202f429e1013ffdfdf29ad0f3d010"  \
    "6a1360e365ea9a692456669cadd9be0f4db496fe98381bb99b5b277d536c8ea87c539ab2bb943a4d4bc30caec9"  \
    "64747ecf85a6f726a2314a229793"

static void test_tls12_prf(void **state)
{
    (void)state;
    /* the TLS 1.2 PRF (P_SHA256) test vector published for the IETF TLS
     * working group: secret, "test label", seed -> 100 bytes */
    struct bb secret = hexb("9b be 43 6b a9 40 f0 17 b1 76 52 84 9a 71 db 35"),
              seed = hexb("a0 ba 9f 93 6c da 31 18 27 a6 f7 96 ff d5 19 8c"),
              want = hexb("e3 f2 29 ba 72 7b e1 7b 8d 12 26 20 55 7c d4 53 c2 aa b2 1d 07 c3 d4 "
                          "95 32 9b 52 d4 e6 1e db 5a 6b 30 17 91 e9 0d 35 c9 c9 a4 6b 4e 14 ba "
                          "f9 af 0f a0 22 f7 07 7d ef 17 ab fd 37 97 c0 56 4b ab 4f bc 91 66 6e "
                          "9d ef 9b 97 fc e3 4f 79 67 89 ba a4 80 82 d1 22 ee 42 c5 a7 2e 5a 51 "
                          "10 ff f7 01 87 34 7b 66");
    uint8_t out[100];
    assert_int_equal(dec_tls12_prf(dec_tls_hash_info(DEC_TLS_HASH_SHA256), secret.p, secret.n,
                               "test label", seed.p, seed.n, out, sizeof out),
                     0);
    assert_memory_equal(out, want.p, 100);
    /* the key block: PRF(master, "key expansion", server_random +
     * client_random) (RFC 5246 6.3); the expected bytes come from
     *   openssl kdf -keylen 104 -kdfopt digest:SHA256 -kdfopt hexsecret:(00..2f)
     *     -kdfopt hexseed:(6b6579...6e)(40..5f)(20..3f) TLS1-PRF
     * with master 00 01 .. 2f, client random 20 .. 3f, server random 40 .. 5f */
    uint8_t master[48], cr[32], sr[32], kb[104];
    for (int i = 0; i < 48; i++)
        master[i] = (uint8_t)i;
    for (int i = 0; i < 32; i++) {
        cr[i] = (uint8_t)(0x20 + i);
        sr[i] = (uint8_t)(0x40 + i);
    }
    struct bb kbw = hexb(TLS12_KEY_BLOCK_VECTOR);
    assert_int_equal(dec_tls12_key_block(dec_tls_hash_info(DEC_TLS_HASH_SHA256), master, cr, sr, kb,
                                     sizeof kb),
                     0);
    assert_int_equal(kbw.n, sizeof kb);
    assert_memory_equal(kb, kbw.p, sizeof kb);
    bb_free(&kbw);
    bb_free(&secret);
    bb_free(&seed);
    bb_free(&want);
}

/* -------------------------------------------- parsers and hostile bytes -- */

static void test_tables(void **state)
{
    (void)state;
    const struct dec_tls_suite *s = dec_tls_suite(0xc02f);
    assert_non_null(s);
    assert_string_equal(s->name, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    assert_string_equal(dec_tls_kx_name(s->kx), "ECDHE");
    assert_string_equal(dec_tls_auth_name(s->auth), "RSA");
    assert_string_equal(dec_tls_cipher_info(s->cipher)->name, "AES_128_GCM");
    assert_string_equal(dec_tls_hash_info(s->hash)->name, "SHA256");
    assert_ptr_equal(dec_tls_suite_by_name("TLS_CHACHA20_POLY1305_SHA256"), dec_tls_suite(0x1303));
    assert_null(dec_tls_suite(0xabcd));
    /* every suite's name is made of its parts (TLS_<kx>_<auth>_WITH_<cipher>_<hash>) */
    size_t n;
    const struct dec_tls_suite *all = dec_tls_suites(&n);
    assert_true(n >= 60);
    for (size_t i = 0; i < n; i++) {
        const struct dec_tls_suite *x = &all[i];
        char want[128];
        const char *cn = dec_tls_cipher_info(x->cipher)->name,
                   *hn = dec_tls_hash_info(x->hash)->name;
        if (x->kx == DEC_TLS_KX_SCSV || x->kx == DEC_TLS_KX_NULL_KX)
            continue;
        if (x->tls13)
            snprintf(want, sizeof want, "TLS_%s_%s", cn, hn);
        else if (x->kx == DEC_TLS_KX_RSA || x->kx == DEC_TLS_KX_PSK ||
                 x->kx == DEC_TLS_KX_ECDHE_PSK)
            snprintf(want, sizeof want, "TLS_%s_WITH_%s%s%s", dec_tls_kx_name(x->kx), cn,
                     strstr(cn, "CCM") ? "" : "_", strstr(cn, "CCM") ? "" : hn);
        else
            snprintf(want, sizeof want, "TLS_%s_%s_WITH_%s%s%s", dec_tls_kx_name(x->kx),
                     dec_tls_auth_name(x->auth), cn, strstr(cn, "CCM") ? "" : "_",
                     strstr(cn, "CCM") ? "" : hn);
        if (strcmp(want, x->name) != 0)
            fail_msg("0x%04x: %s is not %s", x->id, x->name, want);
        assert_ptr_equal(dec_tls_suite(x->id), x);
    }
    assert_string_equal(dec_tls_hs_name(8), "EncryptedExtensions");
    assert_string_equal(dec_tls_alert_name(0), "close_notify");
    assert_string_equal(dec_tls_alert_name(20), "bad_record_mac");
    assert_null(dec_tls_alert_name(255));
    assert_string_equal(dec_tls_group_name(0x001d), "x25519");
    assert_string_equal(dec_tls_sigscheme_name(0x0804), "rsa_pss_rsae_sha256");
    assert_string_equal(dec_tls_ext_name(16), "application_layer_protocol_negotiation");
    assert_true(dec_tls_is_grease(0x2a2a));
    assert_true(dec_tls_is_grease(0xfafa));
    assert_false(dec_tls_is_grease(0x2a3a));
    assert_false(dec_tls_is_grease(0x1301));
    assert_string_equal(dec_tls_note_name(DEC_TLS_NOTE_NO_KEYS), "tls_no_keys");
    assert_string_equal(dec_tls_note_name(DEC_TLS_NOTE_DECRYPT_ERROR), "tls_decrypt_error");
    assert_string_equal(dec_tls_note_name(DEC_TLS_NOTE_UNSUPPORTED), "tls_unsupported");
    assert_null(dec_tls_why_text(DEC_TLS_WHY_NONE));
    assert_string_equal(dec_tls_why_text(DEC_TLS_WHY_CIPHER), "cipher not supported");
    assert_true(dec_tls_cipher_supported(dec_tls_suite(0x1301)));
    assert_true(dec_tls_cipher_supported(dec_tls_suite(0x1303)));
    assert_true(dec_tls_cipher_supported(dec_tls_suite(0xc014)));
    assert_false(dec_tls_cipher_supported(dec_tls_suite(0x0005))); /* RC4 */
    assert_false(dec_tls_cipher_supported(dec_tls_suite(0x1304))); /* CCM */
}

static void test_client_hello_fields(void **state)
{
    (void)state;
    struct bb rec = hexb(r8448_ch_rec);
    struct dec_tls_client_hello ch;
    assert_int_equal(dec_tls_parse_client_hello(rec.p + 9, rec.n - 9, &ch), 0);
    assert_int_equal(ch.legacy_version, 0x0303);
    assert_int_equal(ch.random[0], 0xcb);
    assert_int_equal(ch.nsuites, 3);
    assert_int_equal(ch.suites[0], 0x1301);
    assert_int_equal(ch.suites[1], 0x1303);
    assert_int_equal(ch.suites[2], 0x1302);
    assert_true(ch.has_sni);
    assert_string_equal(ch.sni, "server");
    assert_int_equal(ch.nversions, 1);
    assert_int_equal(ch.versions[0], 0x0304);
    assert_int_equal(ch.nkey_shares, 1);
    assert_int_equal(ch.key_shares[0], 0x001d);
    assert_int_equal(ch.ngroups, 9);
    assert_int_equal(ch.nsig_algs, 15);
    assert_true(ch.session_ticket);
    assert_true(ch.renegotiation_info);
    assert_false(ch.psk);
    assert_false(ch.early_data);
    assert_int_equal(ch.nexts, 9);
    /* every truncation: DEC_INVALID, never a read past the end (ASan) */
    for (size_t k = 0; k < rec.n - 9; k++) {
        uint8_t *copy = malloc(k ? k : 1);
        memcpy(copy, rec.p + 9, k);
        int rc = dec_tls_parse_client_hello(copy, k, &ch);
        assert_true(rc == DEC_INVALID || (rc == 0 && k == 2 + 32 + 1 + 2 + 6 + 2));
        free(copy);
    }
    bb_free(&rec);
}

typedef int (*parse_fn)(const uint8_t *, size_t, void *);

static int p_sh(const uint8_t *b, size_t n, void *o)
{
    return dec_tls_parse_server_hello(b, n, o);
}
static int p_ee(const uint8_t *b, size_t n, void *o)
{
    return dec_tls_parse_encrypted_extensions(b, n, o);
}
static int p_cert13(const uint8_t *b, size_t n, void *o)
{
    return dec_tls_parse_certificate(b, n, true, o);
}
static int p_cv(const uint8_t *b, size_t n, void *o)
{
    return dec_tls_parse_cert_verify(b, n, o);
}
static int p_nst13(const uint8_t *b, size_t n, void *o)
{
    return dec_tls_parse_new_session_ticket(b, n, true, o);
}
static int p_ch(const uint8_t *b, size_t n, void *o)
{
    return dec_tls_parse_client_hello(b, n, o);
}

/* every message of the RFC 8448 trace: whole it parses; every truncation
 * and a thousand random corruptions are refused or read within bounds */
static void test_parsers_hostile(void **state)
{
    (void)state;
    struct {
        const char *hex;
        size_t skip;             /* bytes before the body (record and message headers) */
        parse_fn fn;
    } msgs[] = {
        {r8448_ch_rec, 9, p_ch},  {r8448_sh_rec, 9, p_sh},      {r8448_ee, 4, p_ee},
        {r8448_cert, 4, p_cert13}, {r8448_cv, 4, p_cv},         {r8448_nst, 4, p_nst13},
    };
    union {
        struct dec_tls_client_hello ch;
        struct dec_tls_server_hello sh;
        struct dec_tls_encrypted_extensions ee;
        struct dec_tls_certificate cert;
        struct dec_tls_cert_verify cv;
        struct dec_tls_new_session_ticket nst;
    } out;
    uint32_t x = 7;
    for (size_t i = 0; i < NELEM(msgs); i++) {
        struct bb m = hexb(msgs[i].hex);
        const uint8_t *body = m.p + msgs[i].skip;
        size_t n = m.n - msgs[i].skip;
        assert_int_equal(msgs[i].fn(body, n, &out), 0);
        for (size_t k = 0; k < n; k++) {
            uint8_t *copy = malloc(k ? k : 1);
            memcpy(copy, body, k);
            int rc = msgs[i].fn(copy, k, &out);
            /* a hello cut just before its extensions is a hello without
             * them (RFC 5246 7.4.1.2) */
            bool hello_end = (i == 0 && out.ch.nexts == 0) || (i == 1 && out.sh.nexts == 0);
            if (rc != DEC_INVALID && !(rc == 0 && hello_end))
                fail_msg("message %zu cut at %zu of %zu: %d", i, k, n, rc);
            free(copy);
        }
        for (int round = 0; round < 1000; round++) {
            uint8_t *copy = malloc(n);
            memcpy(copy, body, n);
            for (int j = 0; j < 3; j++) {
                x = x * 1664525u + 1013904223u;
                copy[(x >> 8) % n] = (uint8_t)(x >> 24);
            }
            int rc = msgs[i].fn(copy, n, &out);
            assert_true(rc == 0 || rc == DEC_INVALID);
            free(copy);
        }
        bb_free(&m);
    }
    /* a certificate that is not DER: the message parses, the names do not */
    struct bb bad = hexb("00 00 00 09 00 00 04 30 03 02 01 00 00");
    assert_int_equal(dec_tls_parse_certificate(bad.p, bad.n, true, &out.cert), 0);
    assert_int_equal(out.cert.count, 1);
    assert_false(out.cert.parsed);
    assert_string_equal(out.cert.subject, "");
    bb_free(&bad);
    /* KeyUpdate: one byte, 0 or 1 */
    struct dec_tls_key_update ku;
    assert_int_equal(dec_tls_parse_key_update((const uint8_t *)"\x01", 1, &ku), 0);
    assert_int_equal(ku.request_update, 1);
    assert_int_equal(dec_tls_parse_key_update((const uint8_t *)"\x02", 1, &ku), DEC_INVALID);
    assert_int_equal(dec_tls_parse_key_update((const uint8_t *)"\x00\x00", 2, &ku), DEC_INVALID);
}

/* the certificates already described are kept (the same server's on every connection):
 * a hit only on the very same DER bytes, a certificate of the same length with another
 * subject read afresh, and every one described as on its first reading after others
 * pushed it out */
static void test_certificate_memo(void **state)
{
    (void)state;
    struct bb m = hexb(r8448_cert);
    const uint8_t *body = m.p + 4;
    size_t n = m.n - 4;
    struct dec_tls_certificate first, out;
    assert_int_equal(dec_tls_parse_certificate(body, n, true, &first), 0);
    assert_true(first.parsed);
    assert_string_equal(first.subject, "CN=rsa");
    assert_true(first.not_before > 0 && first.not_after > first.not_before);
    /* the subject's "rsa" is the last one in the DER (the issuer's comes first) */
    size_t at = 0;
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(body + i, "rsa", 3) == 0)
            at = i;
    assert_true(at > 0);
    uint8_t *other = malloc(n);
    for (char c = 'b'; c <= 'h'; c++) { /* seven subjects: more than are kept */
        memcpy(other, body, n);
        other[at + 2] = (uint8_t)c;
        char want[16];
        snprintf(want, sizeof want, "CN=rs%c", c);
        for (int twice = 0; twice < 2; twice++) {
            assert_int_equal(dec_tls_parse_certificate(other, n, true, &out), 0);
            assert_true(out.parsed);
            assert_string_equal(out.subject, want);
            assert_string_equal(out.issuer, "CN=rsa");
            assert_true(out.not_before == first.not_before && out.not_after == first.not_after);
        }
        assert_int_equal(dec_tls_parse_certificate(body, n, true, &out), 0);
        assert_string_equal(out.subject, "CN=rsa");
    }
    /* not DER, twice: not parsed either time */
    memcpy(other, body, n);
    other[12] ^= 0xff;
    for (int twice = 0; twice < 2; twice++) {
        assert_int_equal(dec_tls_parse_certificate(other, n, true, &out), 0);
        assert_false(out.parsed);
        assert_string_equal(out.subject, "");
        assert_true(out.not_before == 0 && out.not_after == 0);
    }
    assert_int_equal(dec_tls_parse_certificate(body, n, true, &out), 0);
    assert_true(out.parsed && out.not_before == first.not_before);
    assert_string_equal(out.subject, "CN=rsa");
    free(other);
    bb_free(&m);
}

/* an SSLv2-compatible ClientHello (RFC 5246 E.2) */
static void test_sslv2_hello(void **state)
{
    (void)state;
    /* msg_length 0x801f+..., type 1, version 3.1, 2 cipher specs, no
     * session id, a 16-byte challenge */
    struct bb b = hexb("80 1f 01 03 01 00 06 00 00 00 10 00 00 2f 01 00 80 "
                       "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f");
    struct dec_tls_client_hello ch;
    assert_int_equal(dec_tls_parse_sslv2_hello(b.p, b.n, &ch), 33);
    assert_true(ch.sslv2);
    assert_int_equal(ch.legacy_version, 0x0301);
    assert_int_equal(ch.nsuites, 1);
    assert_int_equal(ch.suites[0], 0x002f);
    assert_int_equal(ch.random[15], 0);
    assert_int_equal(ch.random[16], 0x00);
    assert_int_equal(ch.random[31], 0x0f);
    for (size_t k = 0; k < b.n; k++)
        assert_int_equal(dec_tls_parse_sslv2_hello(b.p, k, &ch), DEC_INCOMPLETE);
    assert_true(dec_tls_looks_like_record(b.p, b.n));
    /* through the engine: a record of its own, then TLS records */
    struct ev e = {0};
    struct dec_tls *t = ev_engine(&e, NULL);
    bb_hex(&b, "15 03 01 00 02 02 28");
    dec_tls_data(t, TR_DIR_C2S, 0, b.p, b.n, 1, 1);
    dec_tls_end(t);
    assert_string_equal(tlog_str(&e.log), "rec c2s #0 0/0 clear clear seq=0 off=0+31 [1]\n"
                                          "hs c2s ClientHello 31 r0-0\n"
                                          "rec c2s #1 21/21 clear clear seq=0 off=33+2\n"
                                          "alert c2s 2 handshake_failure\n");
    assert_true(dec_tls_facts(t)->client_hello);
    dec_tls_free(t);
    ev_free(&e);
    bb_free(&b);
}

/* bytes that are not TLS, lengths over the limits, a record cut by a FIN */
static void test_records_hostile(void **state)
{
    (void)state;
    struct ev e = {0};
    struct dec_tls *t = ev_engine(&e, NULL);
    struct bb b = hexb("16 03 01 00 04 0e 00 00 00 47 45 54 20 2f"); /* ServerHelloDone, "GET /" */
    dec_tls_data(t, TR_DIR_C2S, 0, b.p, b.n, 1, 1);
    dec_tls_end(t);
    assert_int_equal(e.notes[DEC_TLS_NOTE_MALFORMED], 1);
    assert_int_equal(dec_tls_facts(t)->opaque_bytes[0], 5);
    assert_int_equal(dec_tls_facts(t)->why_not, DEC_TLS_WHY_MALFORMED);
    dec_tls_free(t);
    ev_free(&e);
    bb_free(&b);
    /* a record of 20000 bytes: reported, not kept, a limit note */
    memset(&e, 0, sizeof e);
    t = ev_engine(&e, NULL);
    b = hexb("17 03 03 4e 20");
    for (int i = 0; i < 20000; i++)
        bb_u8(&b, 0x42);
    bb_hex(&b, "15 03 03 00 02 01 00");
    dec_tls_data(t, TR_DIR_S2C, 0, b.p, b.n, 1, 1);
    dec_tls_fin(t, TR_DIR_S2C, 2, 2);
    dec_tls_end(t);
    assert_int_equal(e.notes[DEC_TLS_NOTE_LIMIT], 1);
    assert_true(tlog_has(&e.log, "rec s2c #0 23/0 encrypted clear seq=0 off=0+20000"));
    assert_true(tlog_has(&e.log, "alert s2c 1 close_notify"));
    dec_tls_free(t);
    ev_free(&e);
    bb_free(&b);
    /* a FIN inside a record */
    memset(&e, 0, sizeof e);
    t = ev_engine(&e, NULL);
    b = hexb("16 03 01 00 40 01 00 00 3c 03 03");
    dec_tls_data(t, TR_DIR_C2S, 0, b.p, b.n, 1, 1);
    dec_tls_fin(t, TR_DIR_C2S, 2, 2);
    dec_tls_end(t);
    assert_true(tlog_has(&e.log, "rec c2s #0 22/0 cut clear seq=0 off=0+64"));
    assert_int_equal(e.notes[DEC_TLS_NOTE_MALFORMED], 1);
    dec_tls_free(t);
    ev_free(&e);
    bb_free(&b);
    /* a handshake message over DEC_TLS_MAX_HANDSHAKE: counted, not kept */
    memset(&e, 0, sizeof e);
    t = ev_engine(&e, NULL);
    b = (struct bb){0};
    struct bb m = {0};
    bb_hex(&m, "0b 01 00 01");
    for (int i = 0; i < 0x10001; i++)
        bb_u8(&m, 0);
    records(&b, 22, 0x0303, &m, 16384);
    dec_tls_data(t, TR_DIR_S2C, 0, b.p, b.n, 1, 1);
    dec_tls_end(t);
    assert_true(tlog_has(&e.log, "hs s2c Certificate 65537 unparsed r0-4"));
    assert_int_equal(e.notes[DEC_TLS_NOTE_LIMIT], 1);
    dec_tls_free(t);
    ev_free(&e);
    bb_free(&b);
    bb_free(&m);
    /* random bytes after a ClientHello, both directions, any pieces: no crash */
    uint32_t x = 99;
    for (int round = 0; round < 300; round++) {
        memset(&e, 0, sizeof e);
        t = ev_engine(&e, NULL);
        struct bb r = hexb(r8448_ch_rec);
        for (int i = 0; i < 600; i++) {
            x = x * 1664525u + 1013904223u;
            bb_u8(&r, x >> 24);
            if (i % 97 == 0) /* now and then a plausible header */
                bb_hex(&r, "17 03 03 00 20");
        }
        uint64_t off[2] = {0, 0};
        for (size_t at = 0; at < r.n;) {
            x = x * 1664525u + 1013904223u;
            size_t k = 1 + (x >> 8) % 50;
            if (k > r.n - at)
                k = r.n - at;
            enum tr_dir d = (x >> 20) & 1 ? TR_DIR_S2C : TR_DIR_C2S;
            dec_tls_data(t, d, off[d], r.p + at, k, at, 0);
            off[d] += k;
            at += k;
        }
        dec_tls_end(t);
        dec_tls_free(t);
        ev_free(&e);
        bb_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc8448_key_schedule),
        cmocka_unit_test(test_rfc8448_record),
        cmocka_unit_test(test_rfc8448_conversation),
        cmocka_unit_test(test_rfc8448_every_split),
        cmocka_unit_test(test_rfc8448_keys),
        cmocka_unit_test(test_tls13_flows),
        cmocka_unit_test(test_tls12_prf),
        cmocka_unit_test(test_tls12_flows),
        cmocka_unit_test(test_tls12_unsupported),
        cmocka_unit_test(test_tls12_renegotiation),
        cmocka_unit_test(test_tables),
        cmocka_unit_test(test_client_hello_fields),
        cmocka_unit_test(test_parsers_hostile),
        cmocka_unit_test(test_certificate_memo),
        cmocka_unit_test(test_sslv2_hello),
        cmocka_unit_test(test_records_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
