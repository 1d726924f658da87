/* tls_conn.c - the TLS engine of one connection: the record layer over the
 * two reassembled TCP directions (RFC 8446 5, RFC 5246 6.2), handshake
 * message reassembly (RFC 8446 4, 5.1), the epochs of record protection and
 * their keys from the key log (RFC 8446 7, RFC 5246 6.3), and the events of
 * tls.h: records, handshake messages, alerts, plaintext, notes
 *
 * Longer than 800 lines: the per-connection TLS engine is one state machine
 * (records, handshake reassembly, key schedule steps, decryption per
 * direction); the pure parsers and the crypto are in tls.c and tls_crypto.c.
 */
#include "tls_int.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MSGS 32              /* handshake message types listed per record */

/* the frames of a record or message, in stream order, capped */
struct flist {
    uint64_t *v;
    size_t n, cap;
    bool capped;
    tr_time ts_first, ts_last;
};

/* 0-RTT plaintext held until the server's answer is known */
struct pending {
    struct pending *next;
    uint64_t record, tcp_offset;
    uint32_t tcp_length;
    uint64_t *frames;
    size_t nframes;
    bool capped;
    tr_time ts_first, ts_last;
    const struct dec_tls_secret *secret; /* CLIENT_EARLY_TRAFFIC_SECRET (the store's) */
    size_t len;
    uint8_t data[];
};

enum fstate {
    F_HEAD,                      /* reading a record header */
    F_BODY,                      /* reading a record's fragment */
    F_OPAQUE                     /* framing lost: the rest is counted, not read */
};

struct dir {
    enum tr_dir dir;
    bool started, finished;
    uint64_t next;               /* TCP offset of the next byte expected */
    /* framing */
    enum fstate fs;
    uint8_t hdr[5];
    size_t hlen;
    uint64_t rec_off;            /* TCP offset of the record's header */
    uint32_t rec_len;            /* fragment bytes */
    uint32_t got;
    bool skip;                   /* the fragment is not kept (over the limit) */
    bool sslv2;
    uint8_t *buf;                /* the fragment when it spans pieces */
    size_t bcap;
    uint8_t *pbuf;               /* plaintext written out of place */
    size_t pcap;
    struct flist rf;
    uint64_t nrec;
    /* protection */
    enum dec_tls_epoch epoch;    /* of the next protected record */
    enum dec_tls_epoch switch_to; /* after this record (a Finished, EndOfEarlyData) */
    bool switch_pending;
    bool key_update;             /* a KeyUpdate in this record: next secret after it */
    uint64_t seq;                /* records in this epoch so far */
    uint32_t phase;              /* KeyUpdates */
    struct tls_key key, alt;     /* this epoch's key; the next one's, for trials */
    enum dec_tls_epoch alt_epoch; /* the epoch alt is set up for (when alt.ready) */
    enum dec_tls_epoch key_epoch;
    uint32_t key_phase;
    bool key_set;
    const struct dec_tls_secret *key_src; /* the key log's secret `key` comes from */
    uint8_t secret[DEC_TLS_MAX_SECRET]; /* 1.3 application traffic secret, current phase */
    uint8_t slen;
    bool blind;                  /* records of this epoch passed undecrypted */
    enum dec_tls_why stop;       /* nonzero: no more decryption this way */
    bool decrypted_any;
    bool cut_sent;
    /* handshake reassembly */
    uint8_t hh[4];
    size_t hhlen;
    uint32_t hneed, hgot;
    uint8_t *hs;
    size_t hscap;
    bool hskip;
    bool hdec;
    enum dec_tls_epoch hepoch;
    uint64_t hfirst, hlast, hoff;
    struct flist hf;
    /* plaintext */
    uint64_t poff;
};

struct dec_tls {
    struct dec_tls_sink sink;
    const struct dec_keylog *store;
    uint64_t gen;
    bool looked;
    const struct dec_tls_keys *keys;
    struct dir d[2];
    struct dec_tls_facts f;
    struct dec_tls_client_hello *ch; /* the last ClientHello */
    struct dec_tls_handshake *ev; /* the handshake event under construction */
    uint8_t server_random[32];
    bool have_sr;
    const struct dec_tls_suite *suite;
    bool suite_ok;               /* the engine decrypts it (dec_tls_cipher_supported) */
    uint16_t version;
    bool tls13;
    bool offers13;
    bool full;                   /* 1.2: the server sent more than its hello before its CCS */
    uint8_t kb[2 * 48 + 2 * 32 + 2 * 12]; /* TLS 1.2 key block */
    bool kb_done;
    struct pending *early, **early_tail;
    size_t early_bytes;
    bool noted[DEC_TLS_NOTE_COUNT];
    bool ended;
};

/* ----------------------------------------------------------- helpers -- */

static void dec_flist_reset(struct flist *f)
{
    f->n = 0;
    f->capped = false;
    f->ts_first = f->ts_last = 0;
}

static void dec_flist_add(struct flist *f, uint64_t frame, tr_time ts)
{
    if (f->n == 0 && !f->capped)
        f->ts_first = ts;
    f->ts_last = ts;
    if (f->n && f->v[f->n - 1] == frame)
        return;
    if (f->n >= DEC_TLS_MAX_FRAMES) {
        f->capped = true;
        return;
    }
    tr_xgrow(&f->v, &f->cap, f->n + 1, sizeof *f->v);
    f->v[f->n++] = frame;
}

static void flist_merge(struct flist *dst, const struct flist *src)
{
    tr_time first = dst->n || dst->capped ? dst->ts_first : src->ts_first;
    for (size_t i = 0; i < src->n; i++)
        dec_flist_add(dst, src->v[i], src->ts_last);
    dst->ts_first = first;
    dst->ts_last = src->ts_last;
    dst->capped |= src->capped;
}

static struct dec_tls_frames frames_of(const struct flist *f)
{
    struct dec_tls_frames fr = {f->v, f->n, f->capped, f->ts_first, f->ts_last};
    return fr;
}

static uint64_t first_frame(const struct flist *f)
{
    return f->n ? f->v[0] : 0;
}

static void note(struct dec_tls *t, enum dec_tls_note_kind kind, enum tr_dir dir, uint64_t frame,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void note(struct dec_tls *t, enum dec_tls_note_kind kind, enum tr_dir dir, uint64_t frame,
                 const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    struct dec_tls_note n = {kind, dir, frame, buf};
    if (t->sink.on_note)
        t->sink.on_note(t->sink.ctx, &n);
}

static const char *dir_name(enum tr_dir d)
{
    return d == TR_DIR_C2S ? "client" : "server";
}

static void set_why(struct dec_tls *t, enum dec_tls_why w)
{
    if (t->f.why_not == DEC_TLS_WHY_NONE)
        t->f.why_not = w;
}

/* ----------------------------------------------------------- new/free -- */

struct dec_tls *dec_tls_new(const struct dec_tls_opts *opts, const struct dec_tls_sink *sink)
{
    struct dec_tls *t = tr_xcalloc(1, sizeof *t);
    if (sink)
        t->sink = *sink;
    t->store = opts ? opts->keys : NULL;
    t->d[0].dir = TR_DIR_C2S;
    t->d[1].dir = TR_DIR_S2C;
    t->f.early_accepted = -1;
    t->early_tail = &t->early;
    return t;
}

static void early_drop(struct dec_tls *t)
{
    for (struct pending *p = t->early, *nx; p; p = nx) {
        nx = p->next;
        free(p->frames);
        free(p);
    }
    t->early = NULL;
    t->early_tail = &t->early;
    t->early_bytes = 0;
}

void dec_tls_free(struct dec_tls *t)
{
    if (!t)
        return;
    for (int i = 0; i < 2; i++) {
        struct dir *d = &t->d[i];
        free(d->buf);
        free(d->pbuf);
        free(d->hs);
        free(d->rf.v);
        free(d->hf.v);
        dec_tls_key_done(&d->key);
        dec_tls_key_done(&d->alt);
    }
    early_drop(t);
    free(t->ch);
    free(t->ev);
    free(t);
}

const struct dec_tls_facts *dec_tls_facts(const struct dec_tls *t)
{
    return &t->f;
}

bool dec_tls_looks_like_record(const uint8_t *buf, size_t len)
{
    if (len >= 1 && (buf[0] & 0x80)) { /* SSLv2 hello: length, 1, 3.x */
        struct dec_tls_client_hello ch;
        return len >= 5 && buf[2] == 1 && buf[3] == 3 && buf[4] <= 3 &&
               dec_tls_parse_sslv2_hello(buf, len, &ch) != DEC_INVALID;
    }
    if (len < 1 || buf[0] < 20 || buf[0] > 24)
        return false;
    if (len >= 2 && buf[1] != 3)
        return false;
    if (len >= 3 && buf[2] > 4)
        return false;
    if (len >= 5 && ((size_t)buf[3] << 8 | buf[4]) > DEC_TLS_MAX_RECORD)
        return false;
    return true;
}

/* ---------------------------------------------------------------- keys -- */

static const struct dec_tls_keys *keys_get(struct dec_tls *t)
{
    if (!t->ch || !t->store)
        return NULL;
    uint64_t gen = dec_keylog_generation(t->store);
    if (!t->keys && (!t->looked || gen != t->gen)) {
        t->keys = dec_keylog_find(t->store, t->ch->random);
        t->gen = gen;
        t->looked = true;
    }
    return t->keys;
}

static void used_secret(struct dec_tls *t, const struct dec_tls_secret *s)
{
    if (t->f.keys == DEC_TLS_KEYS_NONE && s) {
        t->f.keys = s->from;
        t->f.keys_source = s->source;
        t->f.keys_line = s->line;
    }
}

static enum dec_tls_secret_kind secret_kind(enum tr_dir dir, enum dec_tls_epoch e)
{
    switch (e) {
    case DEC_TLS_EPOCH_EARLY:
        return DEC_TLS_SECRET_CLIENT_EARLY;
    case DEC_TLS_EPOCH_HANDSHAKE:
        return dir == TR_DIR_C2S ? DEC_TLS_SECRET_CLIENT_HANDSHAKE
                                 : DEC_TLS_SECRET_SERVER_HANDSHAKE;
    case DEC_TLS_EPOCH_APPLICATION:
        return dir == TR_DIR_C2S ? DEC_TLS_SECRET_CLIENT_TRAFFIC_0
                                 : DEC_TLS_SECRET_SERVER_TRAFFIC_0;
    default:
        return DEC_TLS_SECRET_MASTER;
    }
}

/* Why a record of epoch e cannot be opened now, or NONE when a key for it
 * can be had. */
static enum dec_tls_why cannot(struct dec_tls *t, struct dir *d, enum dec_tls_epoch e)
{
    if (d->stop)
        return d->stop;
    if (!t->ch)
        return DEC_TLS_WHY_NO_HELLO;
    if (e == DEC_TLS_EPOCH_TLS12) {
        if (!t->have_sr || !t->version)
            return DEC_TLS_WHY_NO_HELLO;
        if (t->version < 0x0303)
            return DEC_TLS_WHY_VERSION;
    }
    if (e != DEC_TLS_EPOCH_EARLY && !t->suite && t->f.has_suite)
        return DEC_TLS_WHY_CIPHER;
    if (e != DEC_TLS_EPOCH_EARLY && !t->f.has_suite)
        return DEC_TLS_WHY_NO_HELLO;
    if (t->suite && !t->suite_ok)
        return DEC_TLS_WHY_CIPHER;
    const struct dec_tls_keys *k = keys_get(t);
    if (!k || !k->s[secret_kind(d->dir, e)].len)
        return DEC_TLS_WHY_NO_KEYS;
    return DEC_TLS_WHY_NONE;
}

/* TLS 1.3 suites a secret of this length can go with: the chosen one, or
 * (early data before the ServerHello) those the client offered */
static size_t suites_for(struct dec_tls *t, size_t slen, const struct dec_tls_suite **out,
                         size_t cap)
{
    size_t n = 0;
    if (t->suite) {
        out[n++] = t->suite;
        return n;
    }
    for (size_t i = 0; t->ch && i < t->ch->nsuites && n < cap; i++) {
        const struct dec_tls_suite *s = dec_tls_suite(t->ch->suites[i]);
        if (s && s->tls13 && dec_tls_hash_info(s->hash)->len == slen && dec_tls_cipher_supported(s))
            out[n++] = s;
    }
    return n;
}

/* the TLS 1.2 key block, once (RFC 5246 6.3) */
static int key_block(struct dec_tls *t)
{
    if (t->kb_done)
        return 0;
    const struct dec_tls_keys *k = keys_get(t);
    const struct dec_tls_cipher_info *ci = dec_tls_cipher_info(t->suite->cipher);
    const struct dec_tls_hash_info *hi = dec_tls_hash_info(t->suite->hash);
    /* the PRF hash: SHA-384 for the _SHA384 suites, else SHA-256 (RFC 5246
     * 5, RFC 5289 3) */
    const struct dec_tls_hash_info *prf = dec_tls_hash_info(
        t->suite->hash == DEC_TLS_HASH_SHA384 ? DEC_TLS_HASH_SHA384 : DEC_TLS_HASH_SHA256);
    size_t mac = ci->kind == DEC_TLS_CK_CBC ? hi->len : 0;
    size_t need = 2 * mac + 2 * ci->key_len + 2 * ci->fixed_iv_len;
    if (!k || need > sizeof t->kb ||
        dec_tls12_key_block(prf, k->s[DEC_TLS_SECRET_MASTER].v, t->ch->random, t->server_random,
                        t->kb, need) != 0)
        return -1;
    t->kb_done = true;
    return 0;
}

/* Set up d->key for its epoch (and phase), if it can be. */
static bool key_ready(struct dec_tls *t, struct dir *d)
{
    if (d->key_set && d->key.ready && d->key_epoch == d->epoch && d->key_phase == d->phase)
        return true;
    if (cannot(t, d, d->epoch) != DEC_TLS_WHY_NONE)
        return false;
    const struct dec_tls_keys *k = keys_get(t);
    d->key_set = false;
    if (!t->suite)
        return false; /* early data before the ServerHello: see try_suites */
    if (d->epoch == DEC_TLS_EPOCH_TLS12) {
        if (key_block(t) != 0)
            return false;
        const struct dec_tls_cipher_info *ci = dec_tls_cipher_info(t->suite->cipher);
        size_t mac = ci->kind == DEC_TLS_CK_CBC ? dec_tls_hash_info(t->suite->hash)->len : 0;
        size_t kl = ci->key_len, il = ci->fixed_iv_len, c = d->dir == TR_DIR_C2S ? 0 : 1;
        const uint8_t *mk = t->kb + c * mac, *key = t->kb + 2 * mac + c * kl,
                      *iv = t->kb + 2 * mac + 2 * kl + c * il;
        if (dec_tls_key_set12(&d->key, t->suite, t->version, mk, key, iv, t->f.encrypt_then_mac) != 0)
            return false;
        used_secret(t, &k->s[DEC_TLS_SECRET_MASTER]);
        d->key_src = &k->s[DEC_TLS_SECRET_MASTER];
    } else {
        const struct dec_tls_secret *s = &k->s[secret_kind(d->dir, d->epoch)];
        const uint8_t *secret = s->v;
        if (d->epoch == DEC_TLS_EPOCH_APPLICATION) {
            if (!d->slen) { /* phase 0 from the key log, then each KeyUpdate seen */
                memcpy(d->secret, s->v, s->len);
                d->slen = s->len;
                for (uint32_t i = 0; i < d->phase; i++)
                    if (dec_tls13_next_secret(dec_tls_hash_info(t->suite->hash), d->secret,
                                          d->slen) != 0)
                        return false;
            }
            secret = d->secret;
        }
        if (dec_tls_key_set13(&d->key, t->suite, secret, s->len) != 0)
            return false;
        d->key_src = s;
    }
    d->key_set = true;
    d->key_epoch = d->epoch;
    d->key_phase = d->phase;
    return true;
}

/* ---------------------------------------------------------- events -- */

static void emit_record(struct dec_tls *t, struct dec_tls_record *r)
{
    if (t->sink.on_record)
        t->sink.on_record(t->sink.ctx, r);
}

static void early_flush(struct dec_tls *t);

static void cut(struct dec_tls *t, struct dir *d, enum dec_tls_why why, uint64_t frame, tr_time ts)
{
    if (!d->stop)
        d->stop = why;
    if (d->cut_sent || !d->decrypted_any)
        return;
    if (d->dir == TR_DIR_C2S && t->early)
        early_flush(t); /* 0-RTT data whose fate is unknown: the stream ends, it is shown */
    d->cut_sent = true;
    if (t->sink.on_cut)
        t->sink.on_cut(t->sink.ctx, d->dir, d->poff, why, frame, ts);
}

static void plain_emit(struct dec_tls *t, struct dir *d, const uint8_t *data, size_t len,
                       uint64_t record, uint64_t tcp_offset, uint32_t tcp_length,
                       struct dec_tls_frames fr, bool early, const struct dec_tls_secret *secret,
                       uint32_t phase)
{
    struct dec_tls_plain p = {d->dir, d->poff, data, len, record, tcp_offset, tcp_length, early,
                              secret, phase, fr};
    d->poff += len;
    t->f.plain_bytes[d->dir] += len;
    if (t->sink.on_plain)
        t->sink.on_plain(t->sink.ctx, &p);
}

static void early_flush(struct dec_tls *t)
{
    struct dir *d = &t->d[TR_DIR_C2S];
    for (struct pending *p = t->early; p; p = p->next) {
        struct dec_tls_frames fr = {p->frames, p->nframes, p->capped, p->ts_first, p->ts_last};
        plain_emit(t, d, p->data, p->len, p->record, p->tcp_offset, p->tcp_length, fr, true,
                   p->secret, 0);
    }
    early_drop(t);
}

/* The server's answer to 0-RTT: 1 accepted, 0 rejected (RFC 8446 4.2.10) */
static void early_decided(struct dec_tls *t, int accepted)
{
    if (!t->f.early_offered || t->f.early_accepted != -1)
        return;
    t->f.early_accepted = accepted;
    if (accepted)
        early_flush(t);
    else
        early_drop(t);
}

static void early_hold(struct dec_tls *t, struct dir *d, const struct dec_tls_record *r,
                       const uint8_t *data, size_t len)
{
    if (t->early_bytes + len > DEC_TLS_MAX_EARLY) {
        note(t, DEC_TLS_NOTE_LIMIT, d->dir, first_frame(&d->rf),
             "more than %u bytes of 0-RTT data before the server's answer: shown as accepted",
             DEC_TLS_MAX_EARLY);
        early_decided(t, 1);
        plain_emit(t, d, data, len, r->index, r->offset, r->header_len + r->length, r->frames,
                   true, r->secret, r->key_phase);
        return;
    }
    struct pending *p = tr_xmalloc(sizeof *p + len);
    p->next = NULL;
    p->record = r->index;
    p->tcp_offset = r->offset;
    p->tcp_length = r->header_len + r->length;
    p->nframes = r->frames.n;
    p->frames = tr_xreallocarray(NULL, p->nframes ? p->nframes : 1, sizeof *p->frames);
    if (p->nframes)
        memcpy(p->frames, r->frames.v, p->nframes * sizeof *p->frames);
    p->capped = r->frames.capped;
    p->ts_first = r->frames.ts_first;
    p->ts_last = r->frames.ts_last;
    p->secret = r->secret;
    p->len = len;
    memcpy(p->data, data, len);
    *t->early_tail = p;
    t->early_tail = &p->next;
    t->early_bytes += len;
}

/* ---------------------------------------------------- handshake layer -- */

static void epoch_set(struct dir *d, enum dec_tls_epoch e)
{
    d->epoch = e;
    d->seq = 0;
    d->blind = false;
    d->key_set = false;
}

static void on_client_hello(struct dec_tls *t, const struct dec_tls_client_hello *ch)
{
    if (!t->ch)
        t->ch = tr_xmalloc(sizeof *t->ch);
    else if (memcmp(t->ch->random, ch->random, 32) != 0) { /* a new random (renegotiation) */
        t->keys = NULL;
        t->looked = false;
    }
    *t->ch = *ch;
    t->f.client_hello = true;
    t->f.has_sni = ch->has_sni;
    if (ch->has_sni)
        memcpy(t->f.sni, ch->sni, sizeof t->f.sni);
    uint16_t max = ch->legacy_version;
    t->offers13 = false;
    for (size_t i = 0; i < ch->nversions; i++) {
        uint16_t v = ch->versions[i];
        if (!dec_tls_is_grease(v) && v > max && v <= 0x0304)
            max = v;
        if (v == 0x0304)
            t->offers13 = true;
    }
    t->f.offered_max = max;
    /* 0-RTT: the client's records that follow are under the early secret
     * until its handshake keys (RFC 8446 2.3). A second ClientHello (after a
     * HelloRetryRequest) cannot carry early data. */
    struct dir *c = &t->d[TR_DIR_C2S];
    if (ch->early_data && ch->psk && t->offers13 && !t->f.hrr) {
        t->f.early_offered = true;
        epoch_set(c, DEC_TLS_EPOCH_EARLY);
    }
}

static void on_server_hello(struct dec_tls *t, const struct dec_tls_server_hello *sh)
{
    struct dir *c = &t->d[TR_DIR_C2S], *s = &t->d[TR_DIR_S2C];
    t->f.has_suite = true;
    t->f.suite = sh->suite;
    t->suite = dec_tls_suite(sh->suite);
    t->suite_ok = dec_tls_cipher_supported(t->suite);
    t->f.suite_name = t->suite ? t->suite->name : NULL;
    if (sh->hrr) { /* RFC 8446 4.1.4: TLS 1.3, no keys yet; early data is refused */
        t->f.hrr = true;
        t->tls13 = true; /* its change_cipher_spec, if any, is for middleboxes (D.4) */
        early_decided(t, 0);
        if (c->epoch == DEC_TLS_EPOCH_EARLY) { /* the second ClientHello comes in the clear */
            c->switch_pending = false;
            epoch_set(c, DEC_TLS_EPOCH_CLEAR);
        }
        return;
    }
    t->f.server_hello = true;
    memcpy(t->server_random, sh->random, 32);
    t->have_sr = true;
    t->version = sh->version;
    t->f.version = sh->version;
    t->tls13 = sh->version == 0x0304;
    t->kb_done = false;
    if (sh->has_alpn) {
        t->f.has_alpn = true;
        memcpy(t->f.alpn, sh->alpn.s, sizeof t->f.alpn);
    }
    if (t->tls13) {
        /* the server's next records are under its handshake secret; the
         * client's too once any 0-RTT data is over (RFC 8446 7.1) */
        epoch_set(s, DEC_TLS_EPOCH_HANDSHAKE);
        if (c->epoch == DEC_TLS_EPOCH_CLEAR)
            epoch_set(c, DEC_TLS_EPOCH_HANDSHAKE);
        t->f.resumed = sh->psk;
        if (!sh->psk)
            early_decided(t, 0);
    } else {
        t->f.encrypt_then_mac = sh->encrypt_then_mac && t->ch && t->ch->encrypt_then_mac;
        t->f.resumed = t->ch && sh->session_id_len &&
                       sh->session_id_len == t->ch->session_id_len &&
                       memcmp(sh->session_id, t->ch->session_id, sh->session_id_len) == 0;
        if (c->epoch == DEC_TLS_EPOCH_EARLY)
            epoch_set(c, DEC_TLS_EPOCH_CLEAR);
        early_decided(t, 0);
    }
}

static int parse_message(struct dec_tls *t, struct dec_tls_handshake *h, const uint8_t *b,
                         size_t n)
{
    bool t13 = t->tls13;
    switch (h->type) {
    case DEC_TLS_HS_CLIENT_HELLO:
        return dec_tls_parse_client_hello(b, n, &h->u.ch);
    case DEC_TLS_HS_SERVER_HELLO:
        return dec_tls_parse_server_hello(b, n, &h->u.sh);
    case DEC_TLS_HS_ENCRYPTED_EXTENSIONS:
        return dec_tls_parse_encrypted_extensions(b, n, &h->u.ee);
    case DEC_TLS_HS_CERTIFICATE:
        return dec_tls_parse_certificate(b, n, t13, &h->u.cert);
    case DEC_TLS_HS_CERTIFICATE_VERIFY:
        return dec_tls_parse_cert_verify(b, n, &h->u.cv);
    case DEC_TLS_HS_FINISHED:
        h->u.fin.verify_len = (uint32_t)n;
        return n ? 0 : DEC_INVALID;
    case DEC_TLS_HS_NEW_SESSION_TICKET:
        return dec_tls_parse_new_session_ticket(b, n, t13, &h->u.nst);
    case DEC_TLS_HS_KEY_UPDATE:
        return dec_tls_parse_key_update(b, n, &h->u.ku);
    case DEC_TLS_HS_SERVER_KEY_EXCHANGE:
        return t->suite ? dec_tls_parse_server_key_exchange(b, n, t->suite->kx, &h->u.ske)
                        : DEC_INVALID;
    case DEC_TLS_HS_END_OF_EARLY_DATA:
    case DEC_TLS_HS_SERVER_HELLO_DONE:
    case DEC_TLS_HS_HELLO_REQUEST:
        return n == 0 ? 0 : DEC_INVALID;
    default: /* a known message this engine does not read further; or unknown */
        return dec_tls_hs_name(h->type) ? 0 : DEC_INVALID;
    }
}

/* the handshake event, cleared, with what every message has */
static struct dec_tls_handshake *hs_event(struct dec_tls *t, struct dir *d, uint8_t type,
                                          const uint8_t *body, uint32_t len)
{
    if (!t->ev)
        t->ev = tr_xmalloc(sizeof *t->ev);
    struct dec_tls_handshake *h = t->ev;
    memset(h, 0, sizeof *h);
    h->dir = d->dir;
    h->type = type;
    h->name = dec_tls_hs_name(type);
    h->length = len;
    h->body = body;
    return h;
}

/* a whole handshake message of direction d */
static void hs_message(struct dec_tls *t, struct dir *d, uint8_t type, const uint8_t *body,
                       uint32_t len)
{
    struct dec_tls_handshake *h = hs_event(t, d, type, body, len);
    h->decrypted = d->hdec;
    h->epoch = d->hepoch;
    h->first_record = d->hfirst;
    h->last_record = d->hlast;
    h->offset = d->hoff;
    h->end = d->rec_off + 5 + d->rec_len; /* the message ends in the current record */
    h->frames = frames_of(&d->hf);
    h->parsed = body && parse_message(t, h, body, len) == 0;
    bool tls13 = t->tls13;
    if (!body)
        note(t, DEC_TLS_NOTE_LIMIT, d->dir, first_frame(&d->hf),
             "a %s of %" PRIu32 " bytes, more than %u: not read", h->name ? h->name : "message",
             len, DEC_TLS_MAX_HANDSHAKE);
    else if (!h->parsed && h->name)
        note(t, DEC_TLS_NOTE_MALFORMED, d->dir, first_frame(&d->hf), "a malformed %s", h->name);
    if (d->dir == TR_DIR_S2C && (type == DEC_TLS_HS_CERTIFICATE ||
                                 type == DEC_TLS_HS_SERVER_KEY_EXCHANGE ||
                                 type == DEC_TLS_HS_SERVER_HELLO_DONE))
        t->full = true;
    switch (type) {
    case DEC_TLS_HS_CLIENT_HELLO:
        if (d->dir == TR_DIR_C2S && h->parsed)
            on_client_hello(t, &h->u.ch);
        break;
    case DEC_TLS_HS_SERVER_HELLO:
        if (h->parsed && h->u.sh.hrr)
            h->name = "HelloRetryRequest";
        if (d->dir == TR_DIR_S2C && h->parsed)
            on_server_hello(t, &h->u.sh);
        break;
    case DEC_TLS_HS_ENCRYPTED_EXTENSIONS:
        if (h->parsed && h->u.ee.has_alpn) {
            t->f.has_alpn = true;
            memcpy(t->f.alpn, h->u.ee.alpn.s, sizeof t->f.alpn);
        }
        if (h->parsed)
            early_decided(t, h->u.ee.early_data);
        break;
    case DEC_TLS_HS_FINISHED:
        /* RFC 8446 7.1: after its Finished each side sends under its
         * application traffic secret */
        if (tls13 && d->epoch == DEC_TLS_EPOCH_HANDSHAKE) {
            d->switch_to = DEC_TLS_EPOCH_APPLICATION;
            d->switch_pending = true;
        }
        break;
    case DEC_TLS_HS_END_OF_EARLY_DATA:
        if (d->dir == TR_DIR_C2S && d->epoch == DEC_TLS_EPOCH_EARLY) {
            early_decided(t, 1);
            d->switch_to = DEC_TLS_EPOCH_HANDSHAKE;
            d->switch_pending = true;
        }
        break;
    case DEC_TLS_HS_KEY_UPDATE:
        if (tls13 && h->parsed && d->epoch == DEC_TLS_EPOCH_APPLICATION)
            d->key_update = true;
        break;
    default:
        break;
    }
    if (t->sink.on_handshake)
        t->sink.on_handshake(t->sink.ctx, h);
}

/* the types of the handshake messages that begin in p (given where the
 * reassembly of d stands) */
static size_t hs_starts(const struct dir *d, const uint8_t *p, size_t n, uint8_t *types)
{
    size_t k = 0, hh = d->hhlen;
    uint8_t hb[4];
    memcpy(hb, d->hh, sizeof hb);
    uint64_t left = hh == 4 ? d->hneed - d->hgot : 0;
    for (size_t i = 0; i < n;) {
        if (hh == 4) {
            size_t take = left < n - i ? (size_t)left : n - i;
            i += take;
            left -= take;
            if (left == 0)
                hh = 0;
            continue;
        }
        if (hh == 0 && k < MAX_MSGS)
            types[k++] = p[i];
        hb[hh++] = p[i++];
        if (hh == 4) {
            left = (uint64_t)hb[1] << 16 | (uint64_t)hb[2] << 8 | hb[3];
            if (left == 0)
                hh = 0;
        }
    }
    return k;
}

static void hs_reset(struct dir *d)
{
    d->hhlen = 0;
    d->hneed = d->hgot = 0;
}

static void hs_feed(struct dec_tls *t, struct dir *d, const uint8_t *p, size_t n,
                    const struct dec_tls_record *r)
{
    while (n) {
        if (d->hhlen < 4) {
            if (d->hhlen == 0) { /* a message begins */
                d->hfirst = r->index;
                d->hoff = r->offset;
                d->hdec = r->state == DEC_TLS_REC_DECRYPTED;
                d->hepoch = r->epoch;
                dec_flist_reset(&d->hf);
                flist_merge(&d->hf, &d->rf);
                d->hlast = r->index;
            }
            d->hh[d->hhlen++] = *p++;
            n--;
            if (d->hhlen < 4)
                continue;
            d->hneed = (uint32_t)d->hh[1] << 16 | (uint32_t)d->hh[2] << 8 | d->hh[3];
            d->hgot = 0;
            d->hskip = d->hneed > DEC_TLS_MAX_HANDSHAKE;
            if (!d->hskip && d->hneed > d->hscap) {
                d->hs = tr_xrealloc(d->hs, d->hneed);
                d->hscap = d->hneed;
            }
        }
        if (d->hlast != r->index) { /* a later record of the same message */
            flist_merge(&d->hf, &d->rf);
            d->hlast = r->index;
        }
        size_t take = d->hneed - d->hgot < n ? d->hneed - d->hgot : n;
        if (!d->hskip && take)
            memcpy(d->hs + d->hgot, p, take);
        d->hgot += (uint32_t)take;
        p += take;
        n -= take;
        if (d->hgot == d->hneed) {
            uint8_t type = d->hh[0];
            uint32_t len = d->hneed;
            hs_reset(d);
            hs_message(t, d, type, d->hskip ? NULL : d->hs, len);
        }
    }
}

/* ------------------------------------------------------- record layer -- */

static void alerts(struct dec_tls *t, struct dir *d, const uint8_t *p, size_t n,
                   const struct dec_tls_record *r, bool decrypted)
{
    if (n == 0 || n % 2) {
        note(t, DEC_TLS_NOTE_MALFORMED, d->dir, first_frame(&d->rf),
             "an alert record of %zu bytes", n);
        return;
    }
    for (size_t i = 0; i + 1 < n; i += 2) {
        struct dec_tls_alert a = {d->dir, p[i], p[i + 1], dec_tls_alert_name(p[i + 1]), decrypted,
                                  r->index, r->frames};
        if (t->sink.on_alert)
            t->sink.on_alert(t->sink.ctx, &a);
    }
}

static uint8_t *pbuf(struct dir *d, size_t len)
{
    if (len > d->pcap) {
        d->pbuf = tr_xrealloc(d->pbuf, len);
        d->pcap = len;
    }
    return d->pbuf;
}

enum open_rc { OPEN_OK, OPEN_NOKEY, OPEN_FAIL };

/* the TLS 1.3 suites a 0-RTT record may be under, before the ServerHello */
static enum open_rc try_suites(struct dec_tls *t, struct dir *d, const uint8_t *hdr,
                               const uint8_t *frag, size_t len, uint8_t *out,
                               const uint8_t **plain, size_t *plen, uint8_t *inner)
{
    const struct dec_tls_secret *s = &keys_get(t)->s[DEC_TLS_SECRET_CLIENT_EARLY];
    const struct dec_tls_suite *cand[8];
    size_t nc = suites_for(t, s->len, cand, 8);
    for (size_t i = 0; i < nc; i++) {
        if (dec_tls_key_set13(&d->key, cand[i], s->v, s->len) != 0)
            continue;
        if (dec_tls_key_open(&d->key, d->seq, hdr, frag, len, out, plain, plen, inner) == 0) {
            d->key_set = true;
            d->key_epoch = d->epoch;
            d->key_phase = d->phase;
            d->key_src = s;
            used_secret(t, s);
            return OPEN_OK;
        }
    }
    return nc ? OPEN_FAIL : OPEN_NOKEY;
}

/* The next epoch's key at the sequence numbers this record may have when
 * the boundary was not seen (TLS 1.3; RFC 8446 5.3: each key starts at 0). */
static bool try_next(struct dec_tls *t, struct dir *d, const uint8_t *hdr, const uint8_t *frag,
                     size_t len, uint8_t *out, const uint8_t **plain, size_t *plen,
                     uint8_t *inner)
{
    enum dec_tls_epoch next = d->epoch == DEC_TLS_EPOCH_EARLY       ? DEC_TLS_EPOCH_HANDSHAKE
                              : d->epoch == DEC_TLS_EPOCH_HANDSHAKE ? DEC_TLS_EPOCH_APPLICATION
                                                                    : DEC_TLS_EPOCH_CLEAR;
    if (next == DEC_TLS_EPOCH_CLEAR || !t->suite || cannot(t, d, next) != DEC_TLS_WHY_NONE)
        return false;
    const struct dec_tls_secret *s = &keys_get(t)->s[secret_kind(d->dir, next)];
    if (!(d->alt.ready && d->alt_epoch == next)) { /* set up once, not per record */
        if (dec_tls_key_set13(&d->alt, t->suite, s->v, s->len) != 0)
            return false;
        d->alt_epoch = next;
    }
    /* with every record of this epoch decrypted, the boundary is here */
    uint64_t hi = d->blind ? d->seq : 0;
    uint64_t lo = hi > DEC_TLS_RESYNC_MAX ? hi - DEC_TLS_RESYNC_MAX : 0;
    for (uint64_t j = hi + 1; j-- > lo;) {
        if (dec_tls_key_open(&d->alt, j, hdr, frag, len, out, plain, plen, inner) != 0)
            continue;
        struct tls_key tmp = d->key;
        d->key = d->alt;
        d->alt = tmp;
        d->alt.ready = false;
        hs_reset(d); /* a message cannot span a key change (RFC 8446 5.1) */
        if (d->epoch == DEC_TLS_EPOCH_EARLY && t->f.early_accepted == -1)
            early_decided(t, 0); /* the client went on without EndOfEarlyData */
        epoch_set(d, next);
        d->seq = j;
        d->key_set = true;
        d->key_epoch = next;
        d->key_phase = d->phase;
        if (next == DEC_TLS_EPOCH_APPLICATION) {
            memcpy(d->secret, s->v, s->len);
            d->slen = s->len;
        }
        d->key_src = s;
        used_secret(t, s);
        return true;
    }
    return false;
}

static void no_decrypt_note(struct dec_tls *t, struct dir *d, enum dec_tls_why why)
{
    uint64_t fr = first_frame(&d->rf);
    set_why(t, why);
    switch (why) {
    case DEC_TLS_WHY_NO_KEYS:
        if (!t->noted[DEC_TLS_NOTE_NO_KEYS]) {
            char hex[17];
            for (int i = 0; i < 8; i++)
                snprintf(hex + 2 * i, 3, "%02x", t->ch->random[i]);
            note(t, DEC_TLS_NOTE_NO_KEYS, d->dir, fr,
                 "no %s in the key log for client random %s...: the %s's records stay encrypted",
                 dec_tls_secret_label(secret_kind(d->dir, d->epoch)), hex, dir_name(d->dir));
        }
        t->noted[DEC_TLS_NOTE_NO_KEYS] = true;
        break;
    case DEC_TLS_WHY_NO_HELLO:
        if (!t->noted[DEC_TLS_NOTE_NO_KEYS])
            note(t, DEC_TLS_NOTE_NO_KEYS, d->dir, fr,
                 "the capture holds no %s of this connection: its keys cannot be found",
                 t->ch ? "ServerHello" : "ClientHello");
        t->noted[DEC_TLS_NOTE_NO_KEYS] = true;
        break;
    case DEC_TLS_WHY_VERSION:
        if (!t->noted[DEC_TLS_NOTE_UNSUPPORTED])
            note(t, DEC_TLS_NOTE_UNSUPPORTED, d->dir, fr, "%s is not decrypted",
                 dec_tls_version_name(t->version) ? dec_tls_version_name(t->version)
                                                   : "this version");
        t->noted[DEC_TLS_NOTE_UNSUPPORTED] = true;
        break;
    case DEC_TLS_WHY_CIPHER:
        if (!t->noted[DEC_TLS_NOTE_UNSUPPORTED])
            note(t, DEC_TLS_NOTE_UNSUPPORTED, d->dir, fr, "cipher suite %s (0x%04x) is not "
                                                          "decrypted",
                 t->suite ? t->suite->name : "unknown", t->f.suite);
        t->noted[DEC_TLS_NOTE_UNSUPPORTED] = true;
        break;
    default:
        break;
    }
}

/* Open a protected record of d: the plaintext, or why not. */
static enum dec_tls_rec_state unprotect(struct dec_tls *t, struct dir *d, const uint8_t *frag,
                                        size_t len, bool in_place, const uint8_t **plain,
                                        size_t *plen, uint8_t *inner)
{
    if (!frag) /* not kept (over the limit) */
        return DEC_TLS_REC_ENCRYPTED;
    uint8_t *out = in_place ? (uint8_t *)frag : pbuf(d, len);
    bool trial = d->epoch == DEC_TLS_EPOCH_EARLY || d->epoch == DEC_TLS_EPOCH_HANDSHAKE;
    if (trial && in_place) /* a failed try would spoil the ciphertext */
        out = pbuf(d, len);
    /* a key already set goes on (a renegotiation's new ClientHello must not stop it) */
    bool have = !d->stop && d->key_set && d->key.ready && d->key_epoch == d->epoch &&
                d->key_phase == d->phase;
    enum dec_tls_why why = have ? DEC_TLS_WHY_NONE : cannot(t, d, d->epoch);
    enum open_rc rc = OPEN_NOKEY;
    if (why == DEC_TLS_WHY_NONE && d->epoch == DEC_TLS_EPOCH_EARLY && !t->suite &&
        !(d->key_set && d->key_epoch == DEC_TLS_EPOCH_EARLY)) {
        rc = try_suites(t, d, d->hdr, frag, len, out, plain, plen, inner);
    } else if (why == DEC_TLS_WHY_NONE && key_ready(t, d)) {
        rc = dec_tls_key_open(&d->key, d->seq, d->hdr, frag, len, out, plain, plen, inner) == 0
                 ? OPEN_OK
                 : OPEN_FAIL;
    } else if (why == DEC_TLS_WHY_NONE && (d->epoch != DEC_TLS_EPOCH_EARLY || t->suite)) {
        why = DEC_TLS_WHY_CIPHER; /* libcrypto could not set the key up */
    }
    if (rc == OPEN_OK) {
        const struct dec_tls_keys *k = keys_get(t);
        if (k && d->epoch != DEC_TLS_EPOCH_TLS12 && d->epoch != DEC_TLS_EPOCH_EARLY)
            used_secret(t, &k->s[secret_kind(d->dir, d->epoch)]);
        return DEC_TLS_REC_DECRYPTED;
    }
    if (t->tls13 && !d->stop && try_next(t, d, d->hdr, frag, len, out, plain, plen, inner))
        return DEC_TLS_REC_DECRYPTED;
    if (rc == OPEN_FAIL && !(d->epoch == DEC_TLS_EPOCH_EARLY && t->f.early_accepted == 0))
        return DEC_TLS_REC_FAILED;
    if (rc == OPEN_FAIL) /* rejected 0-RTT data under an unknown suite */
        why = DEC_TLS_WHY_NONE;
    d->blind = true;
    if (why != DEC_TLS_WHY_NONE)
        no_decrypt_note(t, d, why);
    return DEC_TLS_REC_ENCRYPTED;
}

static bool protected_record(const struct dec_tls *t, const struct dir *d, uint8_t type)
{
    (void)t;
    if (d->epoch == DEC_TLS_EPOCH_TLS12)
        return true;
    /* TLS 1.3: every protected record is application_data on the wire
     * (RFC 8446 5.2); change_cipher_spec and alerts may come in the clear */
    return type == DEC_TLS_CT_APPLICATION_DATA;
}

static void after_record(struct dec_tls *t, struct dir *d, bool prot)
{
    if (prot)
        d->seq++;
    if (d->key_update) { /* RFC 8446 4.6.3, 7.2 */
        d->key_update = false;
        d->phase++;
        d->seq = 0;
        d->key_set = false;
        if (d->slen && dec_tls13_next_secret(dec_tls_hash_info(t->suite->hash), d->secret,
                                         d->slen) != 0)
            d->slen = 0;
    }
    if (d->switch_pending) {
        d->switch_pending = false;
        if (d->hhlen)
            note(t, DEC_TLS_NOTE_MALFORMED, d->dir, first_frame(&d->rf),
                 "a handshake message spans a key change");
        hs_reset(d);
        epoch_set(d, d->switch_to);
        if (d->switch_to == DEC_TLS_EPOCH_APPLICATION)
            d->slen = 0, d->phase = 0;
    }
}

static void change_cipher_spec(struct dec_tls *t, struct dir *d, const uint8_t *p, size_t n)
{
    if (n != 1 || p[0] != 1)
        note(t, DEC_TLS_NOTE_MALFORMED, d->dir, first_frame(&d->rf),
             "a change_cipher_spec of %zu bytes", n);
    /* TLS 1.3 sends it only for middleboxes, and ignores it (RFC 8446 D.4) */
    if (t->tls13 || (!t->version && t->offers13 && d->dir == TR_DIR_C2S))
        return;
    if (d->epoch == DEC_TLS_EPOCH_TLS12)
        return; /* a second one in the clear: nothing changes here */
    if (d->dir == TR_DIR_S2C && t->f.server_hello && !t->full && !t->tls13)
        t->f.resumed = true; /* the abbreviated handshake (RFC 5246 7.3, RFC 5077 3.1) */
    if (d->hhlen)
        note(t, DEC_TLS_NOTE_MALFORMED, d->dir, first_frame(&d->rf),
             "a handshake message spans change_cipher_spec");
    hs_reset(d);
    epoch_set(d, DEC_TLS_EPOCH_TLS12); /* RFC 5246 7.1: new keys, sequence 0 */
}

/* One whole record of d: frag holds its fragment (NULL when not kept). */
static void record_done(struct dec_tls *t, struct dir *d, const uint8_t *frag, bool in_place)
{
    struct dec_tls_record r;
    uint8_t types[MAX_MSGS];
    memset(&r, 0, sizeof r);
    r.dir = d->dir;
    r.index = d->nrec++;
    r.type = d->hdr[0];
    r.version = (uint16_t)(d->hdr[1] << 8 | d->hdr[2]);
    r.offset = d->rec_off;
    r.length = d->rec_len;
    r.header_len = 5;
    r.epoch = DEC_TLS_EPOCH_CLEAR;
    r.key_phase = d->phase;
    r.frames = frames_of(&d->rf);
    r.msg_types = types;
    t->f.records[d->dir]++;
    size_t limit = t->tls13 ? DEC_TLS13_MAX_RECORD : DEC_TLS_MAX_RECORD;
    if (d->rec_len > limit) {
        r.over_limit = true;
        note(t, DEC_TLS_NOTE_LIMIT, d->dir, first_frame(&d->rf),
             "a record of %" PRIu32 " bytes, more than TLS allows (%zu)", d->rec_len, limit);
    }
    const uint8_t *content = frag;
    size_t clen = d->rec_len;
    bool prot = protected_record(t, d, r.type) && d->epoch != DEC_TLS_EPOCH_CLEAR;
    bool prot_unknown = !prot && r.type == DEC_TLS_CT_APPLICATION_DATA;
    if (prot) {
        r.epoch = d->epoch;
        r.seq = d->seq;
        r.early = d->epoch == DEC_TLS_EPOCH_EARLY;
        uint8_t inner = 0;
        const uint8_t *pl = NULL;
        size_t pn = 0;
        r.state = unprotect(t, d, frag, clen, in_place, &pl, &pn, &inner);
        r.epoch = d->epoch; /* a trial may have moved it */
        r.seq = d->seq;
        r.early = r.epoch == DEC_TLS_EPOCH_EARLY;
        if (r.state == DEC_TLS_REC_DECRYPTED) {
            r.inner_type = inner;
            r.secret = d->key_src;
            r.key_phase = d->key_phase;
            r.plain = pl;
            r.plain_len = (uint32_t)pn;
            content = pl;
            clen = pn;
            d->decrypted_any = true;
            t->f.decrypted = true;
            t->f.decrypted_records[d->dir]++;
            if (d->epoch == DEC_TLS_EPOCH_APPLICATION || d->epoch == DEC_TLS_EPOCH_TLS12)
                if (!(r.inner_type == DEC_TLS_CT_HANDSHAKE || r.inner_type == DEC_TLS_CT_ALERT ||
                      r.inner_type == DEC_TLS_CT_APPLICATION_DATA ||
                      r.inner_type == DEC_TLS_CT_CHANGE_CIPHER_SPEC))
                    note(t, DEC_TLS_NOTE_MALFORMED, d->dir, first_frame(&d->rf),
                         "a decrypted record of content type %u", r.inner_type);
        } else {
            content = NULL;
        }
        r.rejected_early = r.early && t->f.early_accepted == 0;
        if (!frag) { /* over the limit: a hole in the plaintext */
            set_why(t, DEC_TLS_WHY_MALFORMED);
            cut(t, d, DEC_TLS_WHY_MALFORMED, first_frame(&d->rf), d->rf.ts_first);
        }
    } else if (prot_unknown) {
        /* application data before any key is known: the capture began
         * after the handshake, or its ClientHello was missed */
        r.state = DEC_TLS_REC_ENCRYPTED;
        content = NULL;
        d->blind = true;
        no_decrypt_note(t, d, d->stop ? d->stop : DEC_TLS_WHY_NO_HELLO);
    } else {
        r.state = DEC_TLS_REC_CLEAR;
        r.inner_type = r.type;
        r.plain = frag;
        r.plain_len = frag ? d->rec_len : 0;
    }
    if (content && r.inner_type == DEC_TLS_CT_HANDSHAKE)
        r.nmsgs = hs_starts(d, content, clen, types);
    emit_record(t, &r);
    if (r.state == DEC_TLS_REC_FAILED) {
        set_why(t, DEC_TLS_WHY_AUTH);
        if (!t->noted[DEC_TLS_NOTE_DECRYPT_ERROR]) /* once: a wrong key fails both ways */
            note(t, DEC_TLS_NOTE_DECRYPT_ERROR, d->dir, first_frame(&d->rf),
                 "the %s's record %" PRIu64 " does not authenticate with the key log's %s: "
                 "the rest of this direction stays encrypted",
                 dir_name(d->dir), r.index, dec_tls_secret_label(secret_kind(d->dir, d->epoch)));
        t->noted[DEC_TLS_NOTE_DECRYPT_ERROR] = true;
        cut(t, d, DEC_TLS_WHY_AUTH, first_frame(&d->rf), d->rf.ts_first);
    }
    if (content) {
        switch (r.inner_type) {
        case DEC_TLS_CT_HANDSHAKE:
            if (clen == 0)
                note(t, DEC_TLS_NOTE_MALFORMED, d->dir, first_frame(&d->rf),
                     "an empty handshake record");
            hs_feed(t, d, content, clen, &r);
            break;
        case DEC_TLS_CT_ALERT:
            alerts(t, d, content, clen, &r, r.state == DEC_TLS_REC_DECRYPTED);
            break;
        case DEC_TLS_CT_CHANGE_CIPHER_SPEC:
            if (r.state == DEC_TLS_REC_DECRYPTED) { /* under keys: a renegotiation */
                note(t, DEC_TLS_NOTE_UNSUPPORTED, d->dir, first_frame(&d->rf),
                     "a renegotiation: its new keys are not followed");
                set_why(t, DEC_TLS_WHY_RENEGOTIATION);
                after_record(t, d, prot);
                cut(t, d, DEC_TLS_WHY_RENEGOTIATION, first_frame(&d->rf), d->rf.ts_first);
                return;
            }
            change_cipher_spec(t, d, content, clen);
            break;
        case DEC_TLS_CT_APPLICATION_DATA:
            if (r.state != DEC_TLS_REC_DECRYPTED)
                break;
            if (r.rejected_early || clen == 0) /* (TLS 1.3 allows empty ones, RFC 8446 5.4) */
                break;
            if (r.early && t->f.early_accepted == -1)
                early_hold(t, d, &r, content, clen);
            else
                plain_emit(t, d, content, clen, r.index, r.offset, r.header_len + r.length,
                           r.frames, r.early, r.secret, r.key_phase);
            break;
        default:
            break;
        }
    }
    after_record(t, d, prot);
}

/* An SSLv2-compatible ClientHello (RFC 5246 E.2): buf holds it whole. */
static void sslv2_done(struct dec_tls *t, struct dir *d, const uint8_t *buf, size_t len)
{
    struct dec_tls_record r;
    uint8_t type = DEC_TLS_HS_CLIENT_HELLO;
    memset(&r, 0, sizeof r);
    r.dir = d->dir;
    r.index = d->nrec++;
    r.version = (uint16_t)(buf[3] << 8 | buf[4]);
    r.offset = d->rec_off;
    r.length = (uint32_t)(len - 2);
    r.header_len = 2;
    r.state = DEC_TLS_REC_CLEAR;
    r.plain = buf + 2;
    r.plain_len = r.length;
    r.msg_types = &type;
    r.nmsgs = 1;
    r.sslv2 = true;
    r.frames = frames_of(&d->rf);
    t->f.records[d->dir]++;
    emit_record(t, &r);
    struct dec_tls_handshake *h = hs_event(t, d, type, buf + 2, r.length);
    h->first_record = h->last_record = r.index;
    h->offset = r.offset;
    h->end = r.offset + len;
    h->frames = r.frames;
    h->parsed = dec_tls_parse_sslv2_hello(buf, len, &h->u.ch) > 0;
    if (h->parsed)
        on_client_hello(t, &h->u.ch);
    if (t->sink.on_handshake)
        t->sink.on_handshake(t->sink.ctx, h);
}

/* ------------------------------------------------------------ framing -- */

static void lose_framing(struct dec_tls *t, struct dir *d, enum dec_tls_why why, uint64_t frame,
                         tr_time ts)
{
    d->fs = F_OPAQUE;
    if (why == DEC_TLS_WHY_MALFORMED)
        set_why(t, why);
    else if (d->epoch != DEC_TLS_EPOCH_CLEAR || d->decrypted_any)
        set_why(t, why);
    cut(t, d, why, frame, ts);
}

/* the 5 header bytes are in: check them, start the fragment */
static void header_done(struct dec_tls *t, struct dir *d, uint64_t frame, tr_time ts)
{
    const uint8_t *h = d->hdr;
    if (d->nrec == 0 && d->dir == TR_DIR_C2S && (h[0] & 0x80) && h[2] == 1 && h[3] == 3 &&
        h[4] <= 3) { /* SSLv2-compatible ClientHello: 2-byte header */
        size_t mlen = (size_t)(h[0] & 0x7f) << 8 | h[1];
        if (mlen >= 9) {
            d->sslv2 = true;
            d->rec_len = (uint32_t)mlen; /* body after the 2-byte header */
            if (d->bcap < mlen + 2) {
                d->buf = tr_xrealloc(d->buf, mlen + 2);
                d->bcap = mlen + 2;
            }
            memcpy(d->buf, h, 5);
            d->got = 3;
            d->skip = false;
            d->fs = F_BODY;
            return;
        }
    }
    uint32_t len = (uint32_t)h[3] << 8 | h[4];
    if (h[0] < 20 || h[0] > 24 || h[1] != 3 || h[2] > 4) {
        note(t, DEC_TLS_NOTE_MALFORMED, d->dir, frame,
             "bytes that are not a TLS record header (%02x %02x %02x) at offset %" PRIu64
             " of the %s's stream: the rest of it is not read",
             h[0], h[1], h[2], d->rec_off, dir_name(d->dir));
        lose_framing(t, d, DEC_TLS_WHY_MALFORMED, frame, ts);
        return;
    }
    d->sslv2 = false;
    d->rec_len = len;
    d->got = 0;
    d->skip = len > DEC_TLS_MAX_RECORD; /* over what TLS allows: counted, not kept */
    d->fs = F_BODY;
}

static void consume(struct dec_tls *t, struct dir *d, uint64_t off, const uint8_t *p, size_t n,
                    uint64_t frame, tr_time ts)
{
    while (n) {
        if (d->fs == F_OPAQUE) {
            t->f.opaque_bytes[d->dir] += n;
            return;
        }
        if (d->fs == F_HEAD) {
            if (d->hlen == 0) {
                d->rec_off = off;
                dec_flist_reset(&d->rf);
            }
            dec_flist_add(&d->rf, frame, ts);
            size_t take = 5 - d->hlen < n ? 5 - d->hlen : n;
            memcpy(d->hdr + d->hlen, p, take);
            d->hlen += take;
            p += take;
            n -= take;
            off += take;
            if (d->hlen < 5)
                return;
            header_done(t, d, frame, ts);
            if (d->fs == F_OPAQUE) {
                t->f.opaque_bytes[d->dir] += 5 + n;
                return;
            }
            if (d->rec_len == d->got) { /* empty */
                d->hlen = 0;
                d->fs = F_HEAD;
                record_done(t, d, p, false);
            }
            continue;
        }
        dec_flist_add(&d->rf, frame, ts);
        uint32_t need = d->rec_len - d->got;
        if (d->got == 0 && n >= need && !d->skip && !d->sslv2) {
            /* the whole fragment in this piece: read it where it is */
            d->hlen = 0;
            d->fs = F_HEAD;
            record_done(t, d, p, false);
            p += need;
            n -= need;
            off += need;
            continue;
        }
        size_t take = need < n ? need : n;
        if (!d->skip) {
            size_t at = d->sslv2 ? 2 + d->got : d->got;
            size_t cap = d->sslv2 ? 2 + (size_t)d->rec_len : d->rec_len;
            if (cap > d->bcap) {
                d->buf = tr_xrealloc(d->buf, cap);
                d->bcap = cap;
            }
            memcpy(d->buf + at, p, take);
        }
        d->got += (uint32_t)take;
        p += take;
        n -= take;
        off += take;
        if (d->got < d->rec_len)
            return;
        d->hlen = 0;
        d->fs = F_HEAD;
        if (d->sslv2)
            sslv2_done(t, d, d->buf, 2 + (size_t)d->rec_len);
        else
            record_done(t, d, d->skip ? NULL : d->buf, !d->skip);
    }
}

/* a record left unfinished: reported cut */
static void record_cut(struct dec_tls *t, struct dir *d)
{
    if (d->fs == F_OPAQUE || (d->fs == F_HEAD && d->hlen == 0))
        return;
    struct dec_tls_record r;
    memset(&r, 0, sizeof r);
    r.dir = d->dir;
    r.index = d->nrec++;
    r.type = d->hlen ? d->hdr[0] : 0;
    r.version = d->hlen >= 3 ? (uint16_t)(d->hdr[1] << 8 | d->hdr[2]) : 0;
    r.offset = d->rec_off;
    r.length = d->fs == F_BODY ? d->rec_len : 0;
    r.header_len = d->sslv2 ? 2 : 5;
    r.state = DEC_TLS_REC_CUT;
    r.epoch = d->epoch;
    r.seq = d->seq;
    r.frames = frames_of(&d->rf);
    t->f.records[d->dir]++;
    emit_record(t, &r);
    d->fs = F_HEAD;
    d->hlen = 0;
}

/* ------------------------------------------------------------ the API -- */

static void gap(struct dec_tls *t, struct dir *d, uint64_t off, uint64_t len, uint64_t frame,
                tr_time ts)
{
    bool mid = d->fs == F_BODY || (d->fs == F_HEAD && d->hlen);
    if (d->fs != F_OPAQUE) {
        if (mid || d->epoch != DEC_TLS_EPOCH_CLEAR)
            note(t, DEC_TLS_NOTE_DECRYPT_ERROR, d->dir, frame,
                 "%" PRIu64 " bytes of the %s's TLS stream were not captured (offset %" PRIu64
                 "): the rest of it %s",
                 len, dir_name(d->dir), off,
                 mid ? "cannot be read as records" : "cannot be decrypted");
        record_cut(t, d);
        if (mid) {
            lose_framing(t, d, DEC_TLS_WHY_GAP, frame, ts);
        } else if (d->epoch != DEC_TLS_EPOCH_CLEAR) {
            /* records go on, but their sequence numbers are lost */
            set_why(t, DEC_TLS_WHY_GAP);
            cut(t, d, DEC_TLS_WHY_GAP, frame, ts);
        }
        hs_reset(d);
    }
}

/* the direction bytes at offset go to (its stream starts at its first offset), or NULL
 * when nothing is to be done */
static struct dir *dir_at(struct dec_tls *t, enum tr_dir dir, uint64_t offset, uint64_t len)
{
    if (t->ended || len == 0 || (dir != TR_DIR_C2S && dir != TR_DIR_S2C))
        return NULL;
    struct dir *d = &t->d[dir];
    if (!d->started) {
        d->started = true;
        d->next = offset;
    }
    return d;
}

void dec_tls_data(struct dec_tls *t, enum tr_dir dir, uint64_t offset, const uint8_t *data,
                  size_t len, uint64_t frame, tr_time ts)
{
    struct dir *d = dir_at(t, dir, offset, len);
    if (!d)
        return;
    if (offset > d->next) {
        gap(t, d, d->next, offset - d->next, frame, ts);
    } else if (offset < d->next) { /* bytes seen before: skip them */
        uint64_t dup = d->next - offset;
        if (dup >= len)
            return;
        data += dup;
        len -= (size_t)dup;
        offset = d->next;
    }
    d->next = offset + len;
    consume(t, d, offset, data, len, frame, ts);
}

void dec_tls_gap(struct dec_tls *t, enum tr_dir dir, uint64_t offset, uint64_t len, uint64_t frame,
                 tr_time ts)
{
    struct dir *d = dir_at(t, dir, offset, len);
    if (!d || offset + len <= d->next)
        return;
    gap(t, d, offset, len, frame, ts);
    d->next = offset + len;
}

void dec_tls_fin(struct dec_tls *t, enum tr_dir dir, uint64_t frame, tr_time ts)
{
    if (t->ended || (dir != TR_DIR_C2S && dir != TR_DIR_S2C))
        return;
    struct dir *d = &t->d[dir];
    (void)ts;
    if (d->finished)
        return;
    d->finished = true;
    if (d->fs == F_BODY || (d->fs == F_HEAD && d->hlen)) {
        note(t, DEC_TLS_NOTE_MALFORMED, d->dir, frame,
             "the %s closed its side inside a TLS record", dir_name(d->dir));
        record_cut(t, d);
    }
}

void dec_tls_end(struct dec_tls *t)
{
    if (t->ended)
        return;
    if (t->early) /* the server's answer was not seen: shown as accepted */
        early_decided(t, 1);
    for (int i = 0; i < 2; i++)
        record_cut(t, &t->d[i]);
    t->ended = true;
}
