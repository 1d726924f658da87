/* conn_tls.c - TLS on a connection (issue 15): the TLS engine (tls_conn.c)
 * fed with the tracer's events, its records turned into the stages of
 * transcript version 2 (tls_client_hello, tls_server_hello,
 * tls_client_finished in step 1; `encrypted` for runs of records not
 * decrypted), its plaintext fed to the HTTP/1.x reader (message.c) or to
 * HTTP/2 (conn_h2.c), its notes written as the decoder's.
 *
 * Which stage a record belongs to: a ClientHello opens tls_client_hello;
 * the server's handshake records (ServerHello and the rest of its flight)
 * make tls_server_hello; the client's later handshake records (its
 * ChangeCipherSpec, Certificate, ClientKeyExchange, Finished) make
 * tls_client_finished. A stage ends when the other side sends, or its own
 * side sends something else. Records not decrypted make an `encrypted`
 * stage per run (consecutive records of one direction); in TLS 1.2 the
 * encrypted Finished (a handshake record after change_cipher_spec) stays in
 * its handshake stage. Handshake records after the client's Finished
 * (TLS 1.2's server Finished, tickets, KeyUpdate) are in no stage.
 *
 * Which key log line decrypted what: each secret the engine used becomes one
 * dec_tls_keyuse (its label, file or capture block, line); a TLS stage lists
 * those of its records, an HTTP stage those of the plaintext its bytes came
 * from (per direction, the plaintext offsets where the secret or its
 * KeyUpdate phase changed).
 */
#include "decode_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ACC_NONE = DEC_STAGE_COUNT };

#define MAX_KEYUSES 8            /* secrets of one connection (6 are possible) */
#define MAX_KSEGS 16             /* secret changes remembered per direction */

/* the secrets a stage lists (borrowed from struct ctls's `ku`) */
struct kset {
    const struct dec_tls_keyuse *v[DEC_STAGE_MAX_KEYS];
    size_t n;
    uint32_t lo, hi;             /* KeyUpdate phases */
};

/* a stage being gathered: records of one direction */
struct acc {
    int kind;                    /* a DEC_STAGE_TLS_* or ENCRYPTED; ACC_NONE: none open */
    uint64_t off, end;           /* in the TCP stream */
    struct flist f;
    uint64_t records;
    struct dec_tls_stage *info;  /* handshake stages */
    struct kset keys;
};

/* from plaintext offset `off` on, a direction's plaintext came under u */
struct kseg {
    uint64_t off;
    const struct dec_tls_keyuse *u;
    uint32_t phase;
};

struct ctls {
    struct dec_tls *t;
    struct acc hs[2];            /* handshake stage per direction */
    struct acc run[2];           /* encrypted run per direction */
    bool finished;               /* tls_client_finished was written */
    struct dec_tls_stage ch;     /* the ClientHello's fields, for every stage */
    int mode;                    /* plaintext: 0 not yet, 1 HTTP/1.x, 2 HTTP/2 */
    bool ended;
    /* the engine's notes come before the record they are about: they wait
     * for it, so that a note follows the stage its record ends */
    struct dnote notes[8];
    size_t nnotes;
    int owns[2];                 /* per direction: 0 not yet known, 1 TLS, 2 not TLS */
    uint64_t pieces;             /* TCP pieces fed, for the key log's re-reading */
    /* the secrets used, each once (the connection holds a reference) */
    struct {
        const struct dec_tls_secret *s;  /* the store's */
        struct dec_tls_keyuse *u;
    } ku[MAX_KEYUSES];
    size_t nku;
    struct kseg seg[2][MAX_KSEGS];     /* in plaintext order; the oldest dropped when full */
    size_t nseg[2];
};

/* the model's keyuse for a secret of the store, or NULL (over the cap) */
static const struct dec_tls_keyuse *keyuse_of(struct ctls *ct, const struct dec_tls_secret *s)
{
    if (!s)
        return NULL;
    for (size_t i = 0; i < ct->nku; i++)
        if (ct->ku[i].s == s)
            return ct->ku[i].u;
    if (ct->nku == MAX_KEYUSES)
        return NULL;
    ct->ku[ct->nku].s = s;
    ct->ku[ct->nku].u = dec_tls_keyuse_new(s);
    return ct->ku[ct->nku++].u;
}

static void kset_add(struct kset *k, const struct dec_tls_keyuse *u, uint32_t phase)
{
    if (!u)
        return;
    if (k->n == 0) {
        k->lo = k->hi = phase;
    } else {
        k->lo = phase < k->lo ? phase : k->lo;
        k->hi = phase > k->hi ? phase : k->hi;
    }
    for (size_t i = 0; i < k->n; i++)
        if (k->v[i] == u)
            return;
    if (k->n < DEC_STAGE_MAX_KEYS)
        k->v[k->n++] = u;
}

/* the stage takes references to the set's secrets */
static void kset_give(const struct kset *k, struct dec_stage *st)
{
    for (size_t i = 0; i < k->n && st->ntls_keys < DEC_STAGE_MAX_KEYS; i++)
        st->tls_keys[st->ntls_keys++] = dec_tls_keyuse_ref(k->v[i]);
    st->tls_phase_lo = k->lo;
    st->tls_phase_hi = k->hi;
}

static void notes_flush(struct dconn *c)
{
    struct ctls *ct = c->ctls;
    for (size_t i = 0; i < ct->nnotes; i++) {
        dec_dc_note(c, ct->notes[i].kind, ct->notes[i].frame, "%s", ct->notes[i].detail);
        free(ct->notes[i].detail);
    }
    ct->nnotes = 0;
}

/* ----------------------------------------------------------- stages -- */

static void acc_open(struct acc *a, int kind, const struct dec_tls_record *r)
{
    a->kind = kind;
    a->off = r->offset;
    a->end = r->offset;
    a->records = 0;
    a->keys.n = 0;
    dec_flist_reset(&a->f);
    if (kind != DEC_STAGE_ENCRYPTED && !a->info) {
        a->info = tr_xcalloc(1, sizeof *a->info);
        a->info->decrypted = true;
    }
}

static void acc_add(struct ctls *ct, struct acc *a, const struct dec_tls_record *r)
{
    a->records++;
    if (r->state == DEC_TLS_REC_DECRYPTED)
        kset_add(&a->keys, keyuse_of(ct, r->secret), r->key_phase);
    uint64_t end = r->offset + r->header_len + r->length;
    if (end > a->end)
        a->end = end;
    for (size_t i = 0; i < r->frames.n; i++)
        dec_flist_add(&a->f, r->frames.v[i], i == 0 ? r->frames.ts_first : r->frames.ts_last);
    if (a->info && r->state != DEC_TLS_REC_CLEAR && r->state != DEC_TLS_REC_DECRYPTED)
        a->info->decrypted = false;
}

static void acc_flush(struct dconn *c, struct acc *a, enum tr_dir dir)
{
    if (a->kind == ACC_NONE)
        return;
    struct ctls *ct = c->ctls;
    struct dec_stage *st = dec_stage_from((enum dec_stage_kind)a->kind, -1, dir, a->off,
                                      a->end - a->off, &a->f);
    st->records = a->records;
    kset_give(&a->keys, st);
    if (a->info) {
        if (a->kind == DEC_STAGE_TLS_SERVER_HELLO) {
            /* facts known by now: the chosen ALPN of 1.3 comes decrypted */
            const struct dec_tls_facts *f = dec_tls_facts(ct->t);
            if (f->has_alpn && !a->info->has_alpn) {
                a->info->has_alpn = true;
                snprintf(a->info->alpn, sizeof a->info->alpn, "%s", f->alpn);
            }
        }
        st->tls_info = a->info;  /* the stage owns it */
        a->info = NULL;
    }
    /* the handshake is over at a Finished read (or records past reading),
     * not at a lone change_cipher_spec: after a HelloRetryRequest, TLS 1.3's
     * compatibility one comes before the second ClientHello */
    if (a->kind == DEC_STAGE_TLS_CLIENT_FINISHED && (!st->tls_info || st->tls_info->nmessages))
        ct->finished = true;
    a->kind = ACC_NONE;
    dec_dc_stage(c, st);
}

static void flush_all(struct dconn *c)
{
    struct ctls *ct = c->ctls;
    for (int d = 0; d < 2; d++) {
        acc_flush(c, &ct->hs[d], (enum tr_dir)d);
        acc_flush(c, &ct->run[d], (enum tr_dir)d);
    }
}

/* the stage a handshake-layer record of dir begins, by its first message */
static int hs_kind(const struct ctls *ct, enum tr_dir dir, const struct dec_tls_record *r)
{
    uint8_t t0 = r->msg_types[0];
    if (dir == TR_DIR_C2S) {
        if (t0 == DEC_TLS_HS_CLIENT_HELLO)
            return DEC_STAGE_TLS_CLIENT_HELLO;
        return ct->finished ? ACC_NONE : DEC_STAGE_TLS_CLIENT_FINISHED;
    }
    return ct->finished ? ACC_NONE : DEC_STAGE_TLS_SERVER_HELLO;
}

static void record_stage(struct dconn *c, const struct dec_tls_record *r);

/* the open stage holds a Finished message */
static bool has_finished(const struct acc *a)
{
    for (size_t i = 0; a->info && i < a->info->nmessages; i++)
        if (strcmp(a->info->messages[i], "Finished") == 0)
            return true;
    return false;
}

static void on_record(void *ctx, const struct dec_tls_record *r)
{
    struct dconn *c = ctx;
    record_stage(c, r);
    notes_flush(c);
}

static void record_stage(struct dconn *c, const struct dec_tls_record *r)
{
    struct ctls *ct = c->ctls;
    enum tr_dir d = r->dir, o = d == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
    struct acc *hs = &ct->hs[d], *run = &ct->run[d];
    bool opened = r->state == DEC_TLS_REC_CLEAR || r->state == DEC_TLS_REC_DECRYPTED;
    /* the other side's stages end when this side sends */
    acc_flush(c, &ct->hs[o], o);
    acc_flush(c, &ct->run[o], o);
    if (!opened) {
        if (r->type == DEC_TLS_CT_HANDSHAKE && hs->kind != ACC_NONE) {
            acc_add(ct, hs, r);  /* TLS 1.2: the Finished after change_cipher_spec */
            return;
        }
        if (hs->kind == DEC_STAGE_TLS_CLIENT_FINISHED && hs->info && hs->info->nmessages == 0) {
            /* only a change_cipher_spec (TLS 1.3's compatibility one): no
             * Finished was read, so it joins the encrypted run */
            free(hs->info);
            hs->info = NULL;
            struct flist spare = run->f;  /* swap the lists: each keeps its buffer */
            *run = *hs;
            run->kind = DEC_STAGE_ENCRYPTED;
            hs->f = spare;
            hs->kind = ACC_NONE;
        } else {
            acc_flush(c, hs, d);
            if (run->kind == ACC_NONE)
                acc_open(run, DEC_STAGE_ENCRYPTED, r);
        }
        acc_add(ct, run, r);
        return;
    }
    acc_flush(c, run, d);
    uint8_t type = r->inner_type ? r->inner_type : r->type;
    if (type == DEC_TLS_CT_APPLICATION_DATA) {
        acc_flush(c, hs, d);  /* plaintext follows (on_plain) */
        return;
    }
    int kind;
    if (type == DEC_TLS_CT_HANDSHAKE && r->nmsgs > 0) {
        kind = hs_kind(ct, d, r);
        if (kind == DEC_STAGE_TLS_CLIENT_HELLO && hs->kind == DEC_STAGE_TLS_CLIENT_FINISHED &&
            hs->info && hs->info->nmessages == 0) {
            /* a change_cipher_spec, then the ClientHello that answers a
             * HelloRetryRequest (RFC 8446 D.4): one ClientHello stage */
            hs->kind = DEC_STAGE_TLS_CLIENT_HELLO;
            acc_add(ct, hs, r);
            return;
        }
        if (kind == DEC_STAGE_TLS_CLIENT_FINISHED && hs->kind == kind && has_finished(hs)) {
            /* after the client's Finished: a post-handshake message
             * (KeyUpdate, a certificate asked again) belongs to no stage */
            acc_flush(c, hs, d);
            return;
        }
        if (hs->kind != ACC_NONE && hs->kind == kind &&
            !(kind == DEC_STAGE_TLS_CLIENT_HELLO && r->msg_types[0] == DEC_TLS_HS_CLIENT_HELLO))
            kind = -1;  /* joins the open stage */
    } else if (hs->kind != ACC_NONE) {
        kind = -1;      /* change_cipher_spec, an alert, a message's continuation */
    } else if (type == DEC_TLS_CT_CHANGE_CIPHER_SPEC && !ct->finished) {
        kind = d == TR_DIR_C2S ? DEC_STAGE_TLS_CLIENT_FINISHED : DEC_STAGE_TLS_SERVER_HELLO;
    } else {
        kind = ACC_NONE;
    }
    if (kind >= 0) {
        acc_flush(c, hs, d);
        if (kind == ACC_NONE)
            return;
        acc_open(hs, kind, r);
    }
    acc_add(ct, hs, r);
}

static void info_client_hello(struct dec_tls_stage *s, const struct dec_tls_client_hello *ch)
{
    s->has_sni = ch->has_sni;
    if (ch->has_sni)
        snprintf(s->sni, sizeof s->sni, "%s", ch->sni);
    s->nalpn_offered = 0;
    for (size_t i = 0; i < ch->nalpn && i < 8; i++)
        snprintf(s->alpn_offered[s->nalpn_offered++], sizeof s->alpn_offered[0], "%s",
                 ch->alpn[i].s);
    s->nversions = 0;
    for (size_t i = 0; i < ch->nversions && s->nversions < DEC_TLS_STAGE_MAX_LIST; i++)
        s->versions[s->nversions++] = ch->versions[i];
    if (!s->nversions)
        s->versions[s->nversions++] = ch->legacy_version;
}

static void on_handshake(void *ctx, const struct dec_tls_handshake *h)
{
    struct dconn *c = ctx;
    struct ctls *ct = c->ctls;
    struct dec_tls_stage *s = ct->hs[h->dir].info;
    bool open = ct->hs[h->dir].kind != ACC_NONE && s;
    if (open && s->nmessages < 32 && h->name)
        s->messages[s->nmessages++] = h->name;  /* constant strings (tls_tables.c) */
    if (!h->parsed)
        return;
    switch (h->type) {
    case DEC_TLS_HS_CLIENT_HELLO: {
        info_client_hello(&ct->ch, &h->u.ch);
        if (open && ct->hs[h->dir].kind == DEC_STAGE_TLS_CLIENT_HELLO) {
            size_t nm = s->nmessages;
            bool dec = s->decrypted;
            *s = ct->ch;
            s->nmessages = nm;
            s->decrypted = dec;
        }
        struct dec_tls_hello th = {.type = 1};
        if (h->u.ch.has_sni)
            snprintf(th.sni, sizeof th.sni, "%s", h->u.ch.sni);
        dec_dc_tls_hello(c, &th, h->frames.n ? h->frames.v[0] : 0);
        break;
    }
    case DEC_TLS_HS_SERVER_HELLO:
        if (open) {
            s->version = h->u.sh.version;
            s->cipher = h->u.sh.suite;
            s->has_cipher = true;
            s->hrr = s->hrr || h->u.sh.hrr;
            s->resumed = dec_tls_facts(ct->t)->resumed;
            if (h->u.sh.has_alpn) {
                s->has_alpn = true;
                snprintf(s->alpn, sizeof s->alpn, "%s", h->u.sh.alpn.s);
            }
        }
        if (!h->u.sh.hrr) {
            struct dec_tls_hello th = {.type = 2, .version = h->u.sh.version,
                                       .legacy_version = h->u.sh.legacy_version};
            dec_dc_tls_hello(c, &th, h->frames.n ? h->frames.v[0] : 0);
        }
        break;
    case DEC_TLS_HS_ENCRYPTED_EXTENSIONS:
        if (open && h->u.ee.has_alpn) {
            s->has_alpn = true;
            snprintf(s->alpn, sizeof s->alpn, "%s", h->u.ee.alpn.s);
        }
        break;
    case DEC_TLS_HS_CERTIFICATE:
        if (open && h->u.cert.parsed && !s->has_cert) {
            s->has_cert = true;
            snprintf(s->cert_subject, sizeof s->cert_subject, "%s", h->u.cert.subject);
            snprintf(s->cert_issuer, sizeof s->cert_issuer, "%s", h->u.cert.issuer);
        }
        break;
    default:
        break;
    }
}

/* ---------------------------------------------------------- plaintext -- */

static void plain_http1(struct dconn *c, const struct dec_tls_plain *p, uint64_t frame, tr_time ts)
{
    struct dstate *s = &c->s[p->dir];
    if (s->pos != p->offset && p->offset > s->pos) {
        dec_ms_gap(c, s, p->offset - s->pos, frame, ts);
        s->pos = p->offset;
    }
    s->plain = true;
    s->xf = p->frames.v;
    s->nxf = p->frames.n;
    dec_ms_feed(c, s, p->data, p->len, frame, ts);
    s->xf = NULL;
    s->nxf = 0;
}

static void on_plain(void *ctx, const struct dec_tls_plain *p)
{
    struct dconn *c = ctx;
    struct ctls *ct = c->ctls;
    notes_flush(c);
    uint64_t frame = p->frames.n ? p->frames.v[p->frames.n - 1] : c->tc->last_frame;
    tr_time ts = p->frames.n ? p->frames.ts_last : c->tc->last_ts;
    if (!ct->mode) {
        const struct dec_tls_facts *f = dec_tls_facts(ct->t);
        /* ALPN h2; or, when the keys came too late to read the ALPN, the
         * client's preface or the server's SETTINGS (RFC 9113 3.4) */
        bool h2 = (f->has_alpn && strcmp(f->alpn, "h2") == 0) ||
                  (!f->has_alpn && dec_ch_looks_like(p->dir, p->data, p->len));
        ct->mode = h2 ? 2 : 1;
        if (h2)
            dec_ch_start(c, DEC_H2_START_PREFACE);
    }
    const struct dec_tls_keyuse *u = keyuse_of(ct, p->secret);
    size_t *n = &ct->nseg[p->dir];
    struct kseg *sg = ct->seg[p->dir];
    if (u && (!*n || sg[*n - 1].u != u || sg[*n - 1].phase != p->key_phase)) {
        if (*n == MAX_KSEGS) {  /* KeyUpdate after KeyUpdate: the oldest goes */
            memmove(sg, sg + 1, (MAX_KSEGS - 1) * sizeof *sg);
            (*n)--;
        }
        sg[(*n)++] = (struct kseg){p->offset, u, p->key_phase};
    }
    if (c->d->sink.on_plain)
        c->d->sink.on_plain(c->d->sink.ctx, &c->pub, p->dir, p->offset, p->data, p->len, frame);
    if (ct->mode == 2)
        dec_ch_feed(c, p->dir, p->offset, p->data, p->len, p->frames.v, p->frames.n, ts);
    else
        plain_http1(c, p, frame, ts);
}

static void on_cut(void *ctx, enum tr_dir dir, uint64_t offset, enum dec_tls_why why,
                   uint64_t frame, tr_time ts)
{
    (void)why;
    struct dconn *c = ctx;
    struct ctls *ct = c->ctls;
    notes_flush(c);
    if (ct->mode == 2) {
        dec_ch_fin(c, dir, frame, ts);
    } else if (ct->mode == 1) {
        /* the rest of the plaintext is unknown: a gap (of at least a byte) */
        struct dstate *s = &c->s[dir];
        if (s->pos < offset)
            dec_ms_gap(c, s, offset - s->pos, frame, ts);
        s->pos = offset;
        dec_ms_gap(c, s, 1, frame, ts);
    }
}

static void on_note(void *ctx, const struct dec_tls_note *n)
{
    struct dconn *c = ctx;
    static const enum dec_note_kind kinds[DEC_TLS_NOTE_COUNT] = {
        [DEC_TLS_NOTE_NO_KEYS] = DEC_NOTE_TLS_NO_KEYS,
        [DEC_TLS_NOTE_DECRYPT_ERROR] = DEC_NOTE_TLS_DECRYPT_ERROR,
        [DEC_TLS_NOTE_UNSUPPORTED] = DEC_NOTE_TLS_UNSUPPORTED,
        [DEC_TLS_NOTE_MALFORMED] = DEC_NOTE_MALFORMED_TLS,
        [DEC_TLS_NOTE_LIMIT] = DEC_NOTE_LIMIT,
    };
    if ((unsigned)n->kind >= DEC_TLS_NOTE_COUNT)
        return;
    struct ctls *ct = c->ctls;
    if (ct->nnotes == sizeof ct->notes / sizeof ct->notes[0])
        notes_flush(c);
    ct->notes[ct->nnotes++] = (struct dnote){kinds[n->kind], n->frame, tr_xstrdup(n->detail)};
}

/* ------------------------------------------------------------ the API -- */

bool dec_ct_wanted(const struct dconn *c, enum tr_dir dir, const uint8_t *p, size_t n)
{
    const struct dstate *s = &c->s[dir];
    if (c->ctls || c->ch2 || s->seen_data || s->st != P_IDLE || n == 0)
        return false;
    if (dec_looks_like_tls(p, n))
        return true;
    /* a capture that began after the handshake: records of any type */
    return !c->tc->syn_seen && n >= 5 && dec_tls_looks_like_record(p, n) &&
           !c->s[!dir].seen_http;
}

void dec_ct_start(struct dconn *c)
{
    if (!c->decided)
        dec_dc_decide(c, true);
    if (c->dropped)
        return;
    struct ctls *ct = tr_xcalloc(1, sizeof *ct);
    for (int d = 0; d < 2; d++)
        ct->hs[d].kind = ct->run[d].kind = ACC_NONE;
    c->ctls = ct;
    struct dec_tls_opts o = {.keys = c->d->o.keys};
    struct dec_tls_sink sk = {
        .ctx = c, .on_record = on_record, .on_handshake = on_handshake, .on_plain = on_plain,
        .on_cut = on_cut, .on_note = on_note,
    };
    ct->t = dec_tls_new(&o, &sk);
    c->pub.tls = true;
    c->pub.tls_facts = dec_tls_facts(ct->t);
    dec_dc_mark_http(c);
}

bool dec_ct_owns(struct dconn *c, enum tr_dir dir, const uint8_t *p, size_t n)
{
    struct ctls *ct = c->ctls;
    if (!ct->owns[dir] && n > 0)
        ct->owns[dir] = dec_tls_looks_like_record(p, n) ? 1 : 2;
    return ct->owns[dir] != 2;
}

void dec_ct_data(struct dconn *c, enum tr_dir dir, uint64_t off, const uint8_t *p, size_t n,
             uint64_t frame, tr_time ts)
{
    struct ctls *ct = c->ctls;
    c->s[dir].seen_data = true;
    const struct dec_tls_facts *f = dec_tls_facts(ct->t);
    /* live: the key log may have grown since. TLS 1.3 clients write the
     * handshake secrets first and the traffic secrets (CLIENT_TRAFFIC_SECRET_0)
     * only after the server's Finished, just before their first request: so
     * read it again for every piece of the first 32, whatever was found
     * already, then every 16th (a file unchanged costs an fstat) */
    if (c->d->o.refresh_keys && f->client_hello && (ct->pieces < 32 || ct->pieces % 16 == 0))
        c->d->o.refresh_keys(c->d->o.refresh_ctx);
    ct->pieces++;
    dec_tls_data(ct->t, dir, off, p, n, frame, ts);
}

void dec_ct_gap(struct dconn *c, enum tr_dir dir, uint64_t off, uint64_t len, uint64_t frame,
            tr_time ts)
{
    dec_tls_gap(c->ctls->t, dir, off, len, frame, ts);
}

void dec_ct_fin(struct dconn *c, enum tr_dir dir, uint64_t frame, tr_time ts)
{
    dec_tls_fin(c->ctls->t, dir, frame, ts);
}

void dec_ct_end(struct dconn *c)
{
    struct ctls *ct = c->ctls;
    if (ct->ended)
        return;
    ct->ended = true;
    dec_tls_end(ct->t);
    flush_all(c);
    notes_flush(c);
    const struct dec_tls_facts *f = dec_tls_facts(ct->t);
    if (f->decrypted)
        c->d->st.decrypted++;
}

void dec_ct_stage_keys(struct dconn *c, struct dec_stage *s)
{
    struct ctls *ct = c->ctls;
    if (s->ntls_keys || (s->dir != TR_DIR_C2S && s->dir != TR_DIR_S2C))
        return;
    const struct kseg *sg = ct->seg[s->dir];
    size_t n = ct->nseg[s->dir];
    /* the segments its bytes [a, b) overlap (a stage without bytes: the one
     * at its offset) */
    uint64_t a = s->offset, b = s->offset + (s->length ? s->length : 1);
    struct kset k = {.n = 0};
    for (size_t i = 0; i < n; i++) {
        uint64_t end = i + 1 < n ? sg[i + 1].off : UINT64_MAX;
        if (sg[i].off < b && a < end)
            kset_add(&k, sg[i].u, sg[i].phase);
    }
    kset_give(&k, s);
}

void dec_ct_free(struct dconn *c)
{
    struct ctls *ct = c->ctls;
    if (!ct)
        return;
    for (size_t i = 0; i < ct->nku; i++)
        dec_tls_keyuse_unref(ct->ku[i].u);
    for (size_t i = 0; i < ct->nnotes; i++)
        free(ct->notes[i].detail);
    for (int d = 0; d < 2; d++) {
        dec_flist_free(&ct->hs[d].f);
        dec_flist_free(&ct->run[d].f);
        free(ct->hs[d].info);
        free(ct->run[d].info);
    }
    dec_tls_free(ct->t);
    free(ct);
    c->ctls = NULL;
    c->pub.tls_facts = NULL;
}
