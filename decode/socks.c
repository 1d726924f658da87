/* socks.c - the SOCKS 4, 4a and 5 handshake at the start of a connection
 * (issue 13): a client that asks a proxy to connect it on, then speaks HTTP
 * or TLS through it, as after a CONNECT.
 *
 * SOCKS 4 and 4a: https://www.openssh.com/txt/socks4.protocol and
 * socks4a.protocol; SOCKS 5: RFC 1928, with RFC 1929's username/password
 * subnegotiation. Each message is gathered in a small buffer per direction
 * (they are a few hundred bytes at most), parsed once whole, every read
 * bounds-checked. The bytes after the proxy's reply belong to the protocol
 * inside: the decoder feeds them on from the offset this file returns.
 */
#include "decode_int.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the longest message: SOCKS 4a's request with a 255-byte user and name */
#define SOCKS_MSG_MAX 520

/* Each direction has its own sequence of messages, read as its bytes come:
 * a client may send its request (and even its first HTTP bytes) before
 * the proxy has answered the greeting, and a proxy may answer in one
 * segment what the client sent in two. */
enum socks_phase {
    SP_C_GREET,     /* 5: version, methods */
    SP_C_AUTH,      /* 5: RFC 1929 username/password, or the request (0x05) */
    SP_C_REQUEST,   /* 5: command and address; 4: the whole request */
    SP_S_METHOD,    /* 5: the method chosen */
    SP_S_AUTH,      /* 5: the password's verdict (after method 2) */
    SP_S_REPLY,     /* 5 and 4: the answer to the request */
    SP_DONE,        /* this direction's handshake is over */
    SP_FAILED,      /* refused, or bytes that break SOCKS: nothing more is read */
};

struct socks_side {
    enum socks_phase phase;
    uint8_t buf[SOCKS_MSG_MAX];
    size_t n;
    uint64_t used;               /* bytes of the handshake in this direction */
    struct flist f;
};

struct dec_socks_state {
    struct dec_socks info;
    bool failed;                 /* refused or broken: the connection is not read on */
    struct socks_side side[2];
};

/* ------------------------------------------------------------ judging -- */

/* Do the first client bytes of a connection begin a SOCKS request? A
 * SOCKS 5 greeting is version 5 and 1 to 9 methods, each a known code or
 * a private one, alone or followed by the request (or RFC 1929's
 * password message); a
 * SOCKS 4 request is version 4, command 1 or 2, and a NUL-terminated user
 * within 255 bytes. Neither can begin an HTTP request or a TLS record. */
bool dec_socks_looks(const uint8_t *p, size_t n)
{
    if (n >= 3 && p[0] == 5) {
        size_t m = p[1];
        /* the greeting alone, or with the request after it (a client that
         * does not wait for the method: RFC 1928 allows no other start) */
        if (m < 1 || m > 9 || n < 2 + m || (n > 2 + m && p[2 + m] != 5 && p[2 + m] != 1))
            return false;
        for (size_t i = 0; i < m; i++)
            if (p[2 + i] > 3 && p[2 + i] < 0x80)
                return false;
        return true;
    }
    if (n >= 9 && p[0] == 4 && (p[1] == 1 || p[1] == 2)) {
        for (size_t i = 8; i < n && i < 8 + 256; i++)
            if (p[i] == 0)
                return true;
    }
    return false;
}

/* ------------------------------------------------------------ parsing -- */

/* the length of a NUL-terminated string at p[off..n), 0 NUL included;
 * -1: no NUL within max bytes; 0: incomplete */
static long cstr_len(const uint8_t *p, size_t n, size_t off, size_t max)
{
    for (size_t i = off; i < n; i++) {
        if (p[i] == 0)
            return (long)(i - off + 1);
        if (i - off >= max)
            return -1;
    }
    return n - off > max ? -1 : 0;
}

static void set_host_ip4(struct dec_socks *k, const uint8_t *a)
{
    inet_ntop(AF_INET, a, k->host, sizeof k->host);
}

/* a SOCKS 5 address (RFC 1928 5): ATYP at p[off]; its length with the
 * port, 0 incomplete, -1 bad */
static long v5_addr(const uint8_t *p, size_t n, size_t off, char *host, size_t cap,
                    uint16_t *port, bool *name)
{
    if (off >= n)
        return 0;
    size_t need;
    switch (p[off]) {
    case 1:
        need = 1 + 4 + 2;
        break;
    case 3:
        if (off + 1 >= n)
            return 0;
        if (p[off + 1] == 0)
            return -1;
        need = 1 + 1 + (size_t)p[off + 1] + 2;
        break;
    case 4:
        need = 1 + 16 + 2;
        break;
    default:
        return -1;
    }
    if (n - off < need)
        return 0;
    *name = p[off] == 3;
    if (p[off] == 1) {
        inet_ntop(AF_INET, p + off + 1, host, (socklen_t)cap);
    } else if (p[off] == 4) {
        inet_ntop(AF_INET6, p + off + 1, host, (socklen_t)cap);
    } else {
        size_t l = p[off + 1];
        for (size_t i = 0; i < l; i++) {  /* a name as sent, unprintable bytes shown as '?' */
            uint8_t ch = p[off + 2 + i];
            host[i] = ch > 0x20 && ch < 0x7f ? (char)ch : '?';
        }
        host[l] = '\0';
    }
    *port = (uint16_t)(p[off + need - 2] << 8 | p[off + need - 1]);
    return (long)need;
}

/* Parse the message the phase expects from buf[0..n): its length, 0 when
 * incomplete, -1 when it breaks SOCKS. Fills k and moves the phase on. */
static long parse_msg(struct dec_socks_state *st, enum socks_phase *ph, const uint8_t *p,
                      size_t n)
{
    struct dec_socks *k = &st->info;
    switch (*ph) {
    case SP_C_GREET:
        if (n < 2)
            return 0;
        if (p[0] != 5 || p[1] == 0)
            return -1;
        if (n < 2u + p[1])
            return 0;
        k->nmethods = p[1];
        *ph = SP_C_AUTH;
        return 2 + p[1];
    case SP_S_METHOD:
        if (n < 2)
            return 0;
        if (p[0] != 5)
            return -1;
        k->method = p[1];
        if (p[1] == 0xff) {
            st->failed = true;
            *ph = SP_FAILED;
        } else if (p[1] == 2) {
            *ph = SP_S_AUTH;
        } else if (p[1] == 0) {
            *ph = SP_S_REPLY;
        } else {
            st->failed = true;  /* GSSAPI or a private method: encapsulated after this */
            k->unreadable = true;
            *ph = SP_FAILED;
        }
        return 2;
    case SP_C_AUTH: {  /* RFC 1929: 1, ULEN, UNAME, PLEN, PASSWD; or the request */
        if (n < 2)
            return 0;
        if (p[0] == 5) {
            *ph = SP_C_REQUEST;
            return parse_msg(st, ph, p, n);
        }
        if (p[0] != 1)
            return -1;
        size_t ul = p[1];
        if (n < 2 + ul + 1)
            return 0;
        size_t pl = p[2 + ul];
        if (n < 3 + ul + pl)
            return 0;
        size_t c = ul < sizeof k->user - 1 ? ul : sizeof k->user - 1;
        memcpy(k->user, p + 2, c);
        k->user[c] = '\0';
        k->password_len = pl;
        k->auth_sent = true;
        *ph = SP_C_REQUEST;
        return (long)(3 + ul + pl);
    }
    case SP_S_AUTH:
        if (n < 2)
            return 0;
        if (p[0] != 1)
            return -1;
        k->auth_ok = p[1] == 0;
        st->failed |= !k->auth_ok;
        *ph = k->auth_ok ? SP_S_REPLY : SP_FAILED;
        return 2;
    case SP_C_REQUEST:
        if (n < 1)
            return 0;
        if (k->version == 5) {
            if (n < 4)
                return 0;
            if (p[0] != 5 || p[2] != 0 || p[1] < 1 || p[1] > 3)
                return -1;
            k->command = p[1];
            long a = v5_addr(p, n, 3, k->host, sizeof k->host, &k->port, &k->by_name);
            if (a <= 0)
                return a;
            *ph = SP_DONE;
            return 3 + a;
        } else {
            if (n < 9)
                return 0;
            if (p[0] != 4 || (p[1] != 1 && p[1] != 2))
                return -1;
            k->command = p[1];
            k->port = (uint16_t)(p[2] << 8 | p[3]);
            long u = cstr_len(p, n, 8, 255);
            if (u <= 0)
                return u;
            size_t c = (size_t)u - 1 < sizeof k->user - 1 ? (size_t)u - 1 : sizeof k->user - 1;
            memcpy(k->user, p + 8, c);
            k->user[c] = '\0';
            size_t len = 8 + (size_t)u;
            if (p[4] == 0 && p[5] == 0 && p[6] == 0 && p[7] != 0) {  /* 4a: a name follows */
                long h = cstr_len(p, n, len, 255);
                if (h <= 0)
                    return h;
                if (h == 1)
                    return -1;
                for (long i = 0; i < h - 1; i++) {
                    uint8_t ch = p[len + (size_t)i];
                    k->host[i] = ch > 0x20 && ch < 0x7f ? (char)ch : '?';
                }
                k->host[h - 1] = '\0';
                k->v4a = true;
                k->by_name = true;
                len += (size_t)h;
            } else {
                set_host_ip4(k, p + 4);
            }
            *ph = SP_DONE;
            return (long)len;
        }
    case SP_S_REPLY:
        if (k->version == 5) {
            if (n < 4)
                return 0;
            if (p[0] != 5 || p[2] != 0)
                return -1;
            bool name;
            uint16_t bport;
            long a = v5_addr(p, n, 3, k->bound, sizeof k->bound, &bport, &name);
            if (a <= 0)
                return a;
            k->bound_port = bport;
            k->reply = p[1];
            k->granted = p[1] == 0;
            st->failed |= !k->granted;
            *ph = k->granted ? SP_DONE : SP_FAILED;
            return 3 + a;
        }
        if (n < 8)
            return 0;
        if (p[0] != 0 || p[1] < 0x5a || p[1] > 0x5d)
            return -1;
        k->reply = p[1];
        k->granted = p[1] == 0x5a;
        st->failed |= !k->granted;
        *ph = k->granted ? SP_DONE : SP_FAILED;
        return 8;
    default:
        return -1;
    }
}

/* ------------------------------------------------------------- stages -- */

static void emit_side(struct dconn *c, enum tr_dir dir)
{
    struct dec_socks_state *st = c->socks;
    struct socks_side *sd = &st->side[dir];
    if (!sd->used || sd->f.n == 0)
        return;
    struct dec_stage *s = dec_stage_from(DEC_STAGE_SOCKS, -1, dir, 0, sd->used, &sd->f);
    struct dec_socks *k = tr_xmalloc(sizeof *k);
    *k = st->info;
    s->socks = k;
    dec_dc_stage(c, s);
    dec_flist_reset(&sd->f);
    sd->used = 0;
}

static const char *command_name(const struct dec_socks *k)
{
    return k->command == 2 ? "BIND" : k->command == 3 ? "UDP ASSOCIATE" : "CONNECT";
}

/* the proxy's side is over: say how it ended */
static void finish(struct dconn *c, uint64_t frame)
{
    struct dec_socks_state *st = c->socks;
    const struct dec_socks *k = &st->info;
    st->info.done = true;
    if (k->granted)
        dec_dc_note(c, DEC_NOTE_SOCKS, frame, "%s %s to %s:%u granted: the %s inside follows",
                c->pub.socks, command_name(k), k->host, (unsigned)k->port,
                k->command == 1 ? "protocol" : "traffic");
    else if (k->unreadable)
        dec_dc_note(c, DEC_NOTE_SOCKS, frame,
                "%s: the proxy chose a method httpstep cannot read (0x%02x)", c->pub.socks,
                (unsigned)k->method);
    else
        dec_dc_note(c, DEC_NOTE_SOCKS, frame, "%s %s to %s:%u refused by the proxy", c->pub.socks,
                command_name(k), k->host[0] ? k->host : "?", (unsigned)k->port);
}

/* ------------------------------------------------------------ feeding -- */

bool dec_socks_begin(struct dconn *c, const uint8_t *p, size_t n)
{
    if (c->socks || !dec_socks_looks(p, n))
        return false;
    struct dec_socks_state *st = tr_xcalloc(1, sizeof *st);
    st->info.version = p[0];
    st->info.reply = -1;
    st->info.method = -1;
    st->info.auth_ok = true;
    st->side[TR_DIR_C2S].phase = p[0] == 5 ? SP_C_GREET : SP_C_REQUEST;
    st->side[TR_DIR_S2C].phase = p[0] == 5 ? SP_S_METHOD : SP_S_REPLY;
    c->socks = st;
    c->pub.socks = p[0] == 5 ? "SOCKS 5" : "SOCKS 4";  /* 4a once the request is read */
    if (!c->decided)
        dec_dc_decide(c, true);
    return true;
}

bool dec_socks_active(const struct dconn *c, enum tr_dir dir)
{
    const struct dec_socks_state *st = c->socks;
    return st && (st->failed || st->side[dir].phase < SP_DONE);
}

size_t dec_socks_feed(struct dconn *c, enum tr_dir dir, const uint8_t *p, size_t n,
                      uint64_t frame, tr_time ts)
{
    struct dec_socks_state *st = c->socks;
    struct socks_side *sd = &st->side[dir];
    size_t used = 0;
    while (used < n && !st->failed && sd->phase < SP_DONE) {
        size_t take = n - used;
        if (take > sizeof sd->buf - sd->n)
            take = sizeof sd->buf - sd->n;
        memcpy(sd->buf + sd->n, p + used, take);
        long m = parse_msg(st, &sd->phase, sd->buf, sd->n + take);
        if (m == 0 && sd->n + take < sizeof sd->buf) {  /* the rest comes later */
            sd->n += take;
            sd->used += take;
            used += take;
            dec_flist_add(&sd->f, frame, ts);
            break;
        }
        if (m <= 0) {
            st->failed = true;
            sd->phase = SP_FAILED;
            dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                    "%s: the %s sent a handshake message that breaks the protocol",
                    c->pub.socks, dir == TR_DIR_C2S ? "client" : "proxy");
            break;
        }
        size_t here = (size_t)m - sd->n;  /* the message ends this far into the piece */
        sd->n = 0;
        sd->used += here;
        used += here;
        dec_flist_add(&sd->f, frame, ts);
        if (st->info.version == 4 && st->info.v4a)
            c->pub.socks = "SOCKS 4a";
        if (sd->phase == SP_DONE) {
            emit_side(c, dir);
            if (dir == TR_DIR_S2C)
                finish(c, frame);
        }
    }
    if (st->failed) {
        if (!st->info.done) {
            emit_side(c, TR_DIR_C2S);
            emit_side(c, TR_DIR_S2C);
            finish(c, frame);
        }
        used = n;  /* after a refusal nothing is read: nothing is relayed */
        tr_conn_ignore_data(c->tc);
    }
    return used;
}

/* the end of the connection inside the handshake: show what was sent */
void dec_socks_end(struct dconn *c, uint64_t frame)
{
    struct dec_socks_state *st = c->socks;
    if (!st || st->info.done)
        return;
    st->info.done = true;
    emit_side(c, TR_DIR_C2S);
    emit_side(c, TR_DIR_S2C);
    dec_dc_note(c, DEC_NOTE_SOCKS, frame, "%s: the handshake did not finish", c->pub.socks);
}

void dec_socks_free(struct dconn *c)
{
    struct dec_socks_state *st = c->socks;
    if (!st)
        return;
    dec_flist_free(&st->side[0].f);
    dec_flist_free(&st->side[1].f);
    free(st);
    c->socks = NULL;
}

const char *dec_socks_reply_name(const struct dec_socks *k)
{
    if (k->reply < 0)
        return NULL;
#define X(code, text) \
    case code:        \
        return text;
    if (k->version == 4) {
        switch (k->reply) {
            DEC_SOCKS4_REPLIES
        default:
            return NULL;
        }
    }
    switch (k->reply) {
        DEC_SOCKS5_REPLIES
    default:
        return NULL;
    }
#undef X
}
