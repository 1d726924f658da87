/* tls.c - just enough TLS to tell a learner what an observer of HTTPS sees:
 * the server name a ClientHello asks for (RFC 6066 3) and the version a
 * ServerHello picks (RFC 8446 4.2.1 supported_versions, else legacy_version)
 */
#include "decode.h"

#include <string.h>

#define TLS_HANDSHAKE 22
#define EXT_SERVER_NAME 0
#define EXT_SUPPORTED_VERSIONS 43
#define MAX_HELLO (64u << 10)

struct rd {
    const uint8_t *p;
    size_t n;
    bool bad;
};

static uint32_t rd_uint(struct rd *r, int bytes)
{
    uint32_t v = 0;
    if (r->bad || r->n < (size_t)bytes) {
        r->bad = true;
        return 0;
    }
    for (int i = 0; i < bytes; i++)
        v = v << 8 | r->p[i];
    r->p += bytes;
    r->n -= (size_t)bytes;
    return v;
}

static struct rd rd_sub(struct rd *r, size_t len)
{
    struct rd s = {r->p, len, r->bad};
    if (r->bad || r->n < len) {
        r->bad = true;
        s.bad = true;
        s.n = 0;
        return s;
    }
    r->p += len;
    r->n -= len;
    return s;
}

const char *dec_tls_version_name(uint16_t v)
{
    switch (v) {
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

static void parse_extensions(struct rd *r, int type, struct dec_tls_hello *out)
{
    if (r->n == 0)
        return;
    struct rd exts = rd_sub(r, rd_uint(r, 2));
    while (!exts.bad && exts.n >= 4) {
        uint32_t et = rd_uint(&exts, 2);
        struct rd e = rd_sub(&exts, rd_uint(&exts, 2));
        if (e.bad)
            return;
        if (et == EXT_SERVER_NAME && type == 1) {
            struct rd list = rd_sub(&e, rd_uint(&e, 2));
            while (!list.bad && list.n >= 3) {
                uint32_t nt = rd_uint(&list, 1);
                struct rd name = rd_sub(&list, rd_uint(&list, 2));
                if (name.bad)
                    break;
                if (nt == 0 && name.n < sizeof out->sni) {  /* host_name */
                    memcpy(out->sni, name.p, name.n);
                    out->sni[name.n] = '\0';
                    break;
                }
            }
        } else if (et == EXT_SUPPORTED_VERSIONS && type == 2 && e.n == 2) {
            out->version = (uint16_t)rd_uint(&e, 2);
        }
    }
}

int dec_tls_parse_hello(const uint8_t *buf, size_t len, struct dec_tls_hello *out)
{
    /* gather the handshake message from the records that carry it */
    static const size_t hdr = 5;
    uint8_t msg[MAX_HELLO];
    size_t have = 0, need = 0, pos = 0;
    memset(out, 0, sizeof *out);
    while (pos < len) {
        if (len - pos < hdr)
            return DEC_INCOMPLETE;
        if (buf[pos] != TLS_HANDSHAKE || buf[pos + 1] != 3)
            return DEC_INVALID;
        if (!out->legacy_version)
            out->legacy_version = (uint16_t)(buf[pos + 1] << 8 | buf[pos + 2]);
        size_t rlen = (size_t)buf[pos + 3] << 8 | buf[pos + 4];
        if (rlen == 0 || rlen > 18432)  /* RFC 8446 5.2: 2^14 + 2048 */
            return DEC_INVALID;
        if (len - pos - hdr < rlen)
            return DEC_INCOMPLETE;
        size_t take = rlen;
        if (have + take > sizeof msg)
            take = sizeof msg - have;
        memcpy(msg + have, buf + pos + hdr, take);
        have += take;
        pos += hdr + rlen;
        if (need == 0 && have >= 4) {
            need = 4 + ((size_t)msg[1] << 16 | (size_t)msg[2] << 8 | msg[3]);
            if (need > sizeof msg)
                return DEC_INVALID;
        }
        if (need && have >= need)
            break;
    }
    if (need == 0 || have < need)
        return DEC_INCOMPLETE;
    struct rd r = {msg + 4, need - 4, false};
    int type = msg[0];
    if (type != 1 && type != 2)
        return (int)pos;  /* another handshake message: nothing to read */
    out->type = type;
    out->version = (uint16_t)rd_uint(&r, 2);  /* legacy_version */
    rd_sub(&r, 32);                            /* random */
    rd_sub(&r, rd_uint(&r, 1));                /* legacy_session_id */
    if (type == 1) {
        rd_sub(&r, rd_uint(&r, 2));            /* cipher_suites */
        rd_sub(&r, rd_uint(&r, 1));            /* legacy_compression_methods */
    } else {
        rd_uint(&r, 2);                        /* cipher_suite */
        rd_uint(&r, 1);                        /* legacy_compression_method */
    }
    if (r.bad)
        return DEC_INVALID;
    parse_extensions(&r, type, out);
    return (int)pos;
}
