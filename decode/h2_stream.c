/* h2_stream.c - the HTTP/2 engine's streams (RFC 9113 5.1: states, ids,
 * multiplexing counted), settings and their acknowledgment (6.5), and header
 * blocks: gathered, decoded by hpack.c, checked (8.2, 8.3), told as requests,
 * responses, trailers or pushes
 *
 * A little over 800 lines: the streams' state machine (RFC 9113 5.1), the header
 * blocks across CONTINUATION and the SETTINGS bookkeeping read one another's
 * state; split, they would need a second private header for a few lines.
 */
#include "h2_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ notes -- */

void dec_h2_add_note(struct dec_h2 *h, enum tr_dir dir, enum dec_h2_problem p, uint32_t stream,
             uint64_t offset, const char *fmt, ...)
{
    char buf[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    h->c.notes++;
    struct dec_h2_note n = {dec_h2_problem_kind(p), p, dir, stream, offset, h->d[dir].last_frame,
                            buf};
    if (p == DEC_H2_P_SYNC_FOUND)
        n.kind = h->d[dir].skind;
    if (h->sink.on_note)
        h->sink.on_note(h->sink.ctx, &n);
}

/* The dynamic table of direction dir is unknown from here (blocks were lost);
 * the next block that needs it says so (TABLE_UNKNOWN). */
void dec_h2_lose_table(struct dec_h2 *h, enum tr_dir dir)
{
    dec_hpack_lose(h->d[dir].hp);
    h->d[dir].table_noted = false;
}

/* ---------------------------------------------------------------- streams -- */

static size_t slot_of(uint32_t id, size_t cap)
{
    return (size_t)(id * 2654435761u) & (cap - 1);
}

struct h2stream *dec_h2_st_find(struct dec_h2 *h, uint32_t id)
{
    if (!h->tcap || id == SLOT_FREE)
        return NULL;
    for (size_t i = slot_of(id, h->tcap), n = 0; n < h->tcap; i = (i + 1) & (h->tcap - 1), n++) {
        if (h->tab[i].id == id)
            return &h->tab[i];
        if (h->tab[i].id == SLOT_FREE)
            return NULL;
    }
    return NULL;
}

static void st_rehash(struct dec_h2 *h, size_t cap)
{
    struct h2stream *old = h->tab;
    size_t ocap = h->tcap;
    if (cap == ocap && h->spare) {  /* only tombstones to clear: no allocation */
        h->tab = h->spare;
        memset(h->tab, 0, cap * sizeof *h->tab);
    } else {
        h->tab = tr_xcalloc(cap, sizeof *h->tab);
    }
    h->tcap = cap;
    h->ttomb = 0;
    for (size_t i = 0; i < ocap; i++) {
        if (old[i].id == SLOT_FREE || old[i].id == SLOT_TOMB)
            continue;
        size_t j = slot_of(old[i].id, cap);
        while (h->tab[j].id != SLOT_FREE)
            j = (j + 1) & (cap - 1);
        h->tab[j] = old[i];
    }
    if (cap == ocap) {  /* kept for the next clearing */
        h->spare = old;
    } else {
        free(old);
        free(h->spare);
        h->spare = NULL;
    }
}

/* a new stream, or NULL when max_streams are tracked already */
static struct h2stream *st_add(struct dec_h2 *h, enum tr_dir dir, uint32_t id)
{
    if (h->tlive >= h->o.max_streams) {
        if (!h->overflow)
            dec_h2_add_note(h, dir, DEC_H2_P_LIMIT_STREAMS, id, h->d[dir].pos,
                    "more than %zu streams at once: stream %u and later ones are not followed",
                    h->o.max_streams, id);
        h->overflow = true;
        return NULL;
    }
    if ((h->tlive + h->ttomb + 1) * 2 > h->tcap)
        st_rehash(h, h->tcap ? (h->tlive + 1) * 4 > h->tcap ? h->tcap * 2 : h->tcap : 16);
    size_t i = slot_of(id, h->tcap);
    while (h->tab[i].id != SLOT_FREE && h->tab[i].id != SLOT_TOMB)
        i = (i + 1) & (h->tcap - 1);
    if (h->tab[i].id == SLOT_TOMB)
        h->ttomb--;
    struct h2stream *s = &h->tab[i];
    memset(s, 0, sizeof *s);
    s->id = id;
    s->index = h->next_index++;
    h->tlive++;
    h->c.streams++;
    return s;
}

static void st_event(struct dec_h2 *h, const struct h2stream *s, enum dec_h2_stream_event ev,
                     enum tr_dir dir, enum dec_h2_end how, uint32_t code)
{
    if (!h->sink.on_stream)
        return;
    struct dec_h2_stream e = {
        .event = ev, .id = s->id, .index = s->index, .dir = dir,
        .pushed = (s->fl & S_PUSHED) != 0, .parent = s->parent,
        .upgraded = (s->fl & S_UPGRADED) != 0, .adopted = (s->fl & S_ADOPTED) != 0,
        .how = how, .error_code = code, .frame = h->d[dir].last_frame, .ts = h->d[dir].pts,
        .data_bytes = {s->data[0], s->data[1]}, .gap_bytes = {s->gap[0], s->gap[1]},
        .request_seen = (s->fl & S_REQ) != 0, .response_seen = (s->fl & S_RSP) != 0,
    };
    h->sink.on_stream(h->sink.ctx, &e);
}

/* open or half-closed: it counts (RFC 9113 5.1.2) */
static void st_count_open(struct dec_h2 *h, struct h2stream *s)
{
    if (s->fl & S_OPEN)
        return;
    s->fl |= S_OPEN;
    if (++h->c.open > h->c.max_open)
        h->c.max_open = h->c.open;
}

void dec_h2_remember_reset(struct dec_h2 *h, uint32_t id)
{
    h->resets[h->nresets++ % RESET_RING] = id;
}

static bool recently_reset(const struct dec_h2 *h, uint32_t id)
{
    size_t n = h->nresets < RESET_RING ? h->nresets : RESET_RING;
    for (size_t i = 0; i < n; i++)
        if (h->resets[i] == id)
            return true;
    return false;
}

static bool gone_has(const struct dec_h2 *h, uint32_t id)
{
    for (size_t i = h->gcap ? slot_of(id, h->gcap) : 0, n = 0; n < h->gcap;
         i = (i + 1) & (h->gcap - 1), n++) {
        if (h->gone[i] == id)
            return true;
        if (h->gone[i] == 0)
            return false;
    }
    return false;
}

static void gone_add(struct dec_h2 *h, uint32_t id)
{
    if (h->gn >= GONE_MAX) {
        h->gone_full = true;
        return;
    }
    if ((h->gn + 1) * 2 > h->gcap) {
        uint32_t *old = h->gone;
        size_t ocap = h->gcap;
        h->gcap = ocap ? ocap * 2 : 64;
        h->gone = tr_xcalloc(h->gcap, sizeof *h->gone);
        for (size_t i = 0; i < ocap; i++)
            if (old[i]) {
                size_t j = slot_of(old[i], h->gcap);
                while (h->gone[j])
                    j = (j + 1) & (h->gcap - 1);
                h->gone[j] = old[i];
            }
        free(old);
    }
    size_t j = slot_of(id, h->gcap);
    while (h->gone[j])
        j = (j + 1) & (h->gcap - 1);
    h->gone[j] = id;
    h->gn++;
}

void dec_h2_st_close(struct dec_h2 *h, struct h2stream *s, enum tr_dir dir, enum dec_h2_end how,
                     uint32_t code)
{
    if (s->fl & S_OPEN)
        h->c.open--;
    st_event(h, s, DEC_H2_STREAM_END, dir, how, code);
    if (how == DEC_H2_END_RST_STREAM)
        dec_h2_remember_reset(h, s->id);
    if (s->fl & S_ADOPTED)
        gone_add(h, s->id);
    s->id = SLOT_TOMB;
    h->tlive--;
    h->ttomb++;
}

/* the sender of dir will send no more on s: closed when both are done */
void dec_h2_st_half_close(struct dec_h2 *h, struct h2stream *s, enum tr_dir dir)
{
    s->fl |= dir == TR_DIR_C2S ? S_DONE_C : S_DONE_S;
    if ((s->fl & S_DONE_C) && (s->fl & S_DONE_S))
        dec_h2_st_close(h, s, dir, DEC_H2_END_END_STREAM, 0);
}

static bool sender_done(const struct h2stream *s, enum tr_dir dir)
{
    return (s->fl & (dir == TR_DIR_C2S ? S_DONE_C : S_DONE_S)) != 0;
}

/* Midstream: a stream the capture never saw open may have opened before it
 * began, unless a later one was seen opening, or it was seen closing. */
static bool adoptable(const struct dec_h2 *h, uint32_t id)
{
    enum tr_dir init = h2_initiator(id);
    return h->o.start == DEC_H2_START_MIDSTREAM && !h->gone_full &&
           (h->first_new[init] == 0 || id < h->first_new[init]) && !recently_reset(h, id) &&
           !gone_has(h, id);
}

static struct h2stream *st_adopt(struct dec_h2 *h, enum tr_dir dir, uint32_t id)
{
    struct h2stream *s = st_add(h, dir, id);
    if (!s)
        return NULL;
    s->fl |= S_ADOPTED;
    if (id > h->last_id[h2_initiator(id)])
        h->last_id[h2_initiator(id)] = id;
    st_count_open(h, s);
    st_event(h, s, DEC_H2_STREAM_OPEN, dir, 0, 0);
    return s;
}

/* The stream a frame of this type names, adopting it midstream, with a note
 * when it names an idle or closed one where that is an error (RFC 9113 5.1). */
struct h2stream *dec_h2_st_for_frame(struct dec_h2 *h, enum tr_dir dir, unsigned type, uint32_t id)
{
    struct h2stream *s = dec_h2_st_find(h, id);
    if (s || id == 0)
        return s;
    bool strict = type == DEC_H2_DATA || type == DEC_H2_HEADERS;
    if (adoptable(h, id) && (strict || type == DEC_H2_RST_STREAM))
        return st_adopt(h, dir, id);
    if (recently_reset(h, id) || h->overflow)
        return NULL;
    const char *tn = dec_h2_type_name(type);
    if (id > h->last_id[h2_initiator(id)]) {
        if (type != DEC_H2_PRIORITY)  /* 5.1: PRIORITY may name an idle stream */
            dec_h2_add_note(h, dir, DEC_H2_P_STREAM_IDLE, id, h->d[dir].f.offset,
                    "%s on stream %u, which was never opened", tn, id);
    } else if (strict) {
        dec_h2_add_note(h, dir, DEC_H2_P_STREAM_CLOSED, id, h->d[dir].f.offset,
                "%s on stream %u, which is closed", tn, id);
    }
    return NULL;
}

/* UPGRADE: stream 1 is the HTTP/1.1 request, already sent whole (RFC 7540 3.2) */
void dec_h2_announce(struct dec_h2 *h)
{
    if (h->announced)
        return;
    h->announced = true;
    if (h->o.start != DEC_H2_START_UPGRADE)
        return;
    struct h2stream *s = st_add(h, TR_DIR_C2S, 1);
    s->fl |= S_REQ | S_DONE_C | S_UPGRADED;
    h->last_id[TR_DIR_C2S] = 1;
    st_count_open(h, s);
    st_event(h, s, DEC_H2_STREAM_OPEN, TR_DIR_C2S, 0, 0);
}

static int cmp_id(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* end every stream the filter picks, in id order */
void dec_h2_st_end_all(struct dec_h2 *h, enum tr_dir dir, enum tr_dir init_only, uint32_t above,
                       bool any_init, enum dec_h2_end how, uint32_t code)
{
    size_t n = 0;
    for (size_t i = 0; i < h->tcap; i++) {
        uint32_t id = h->tab[i].id;
        if (id == SLOT_FREE || id == SLOT_TOMB || id <= above)
            continue;
        if (!any_init && h2_initiator(id) != init_only)
            continue;
        tr_xgrow(&h->ids, &h->idscap, n + 1, sizeof *h->ids);
        h->ids[n++] = id;
    }
    if (n > 1)
        qsort(h->ids, n, sizeof *h->ids, cmp_id);
    for (size_t i = 0; i < n; i++) {
        struct h2stream *s = dec_h2_st_find(h, h->ids[i]);
        if (s)
            dec_h2_st_close(h, s, dir, how, code);
    }
}

/* --------------------------------------------------------------- settings -- */

/* RFC 9113 6.5.2 (RFC 8441 3, RFC 9218 2.1): is value v of setting id, sent
 * in direction dir, one a receiver accepts? Unknown settings are ignored. */
static const char *setting_invalid(enum tr_dir dir, uint16_t id, uint32_t v)
{
    switch (id) {
    case DEC_H2_SET_ENABLE_PUSH:
        if (v > 1)
            return "must be 0 or 1";
        if (v == 1 && dir == TR_DIR_S2C)
            return "a server must not send 1";
        return NULL;
    case DEC_H2_SET_INITIAL_WINDOW_SIZE:
        return v > 0x7fffffffu ? "is over 2^31-1" : NULL;
    case DEC_H2_SET_MAX_FRAME_SIZE:
        return v < 16384 || v > MAX_FRAME_UNKNOWN ? "is outside 16384..16777215" : NULL;
    case DEC_H2_SET_ENABLE_CONNECT_PROTOCOL:
    case DEC_H2_SET_NO_RFC7540_PRIORITIES:
        return v > 1 ? "must be 0 or 1" : NULL;
    default:
        return NULL;
    }
}

void dec_h2_settings_reset(struct h2settings *s)
{
    s->nkept = 0;
    for (size_t i = 0; i < SETTING_IDS; i++)
        s->val[i] = -1;
}

/* one entry of a SETTINGS frame (or of HTTP2-Settings), in order */
void dec_h2_settings_entry(struct dec_h2 *h, enum tr_dir dir, struct h2settings *s, uint16_t id,
                           uint32_t v, uint64_t offset)
{
    if (s->nkept < DEC_H2_MAX_SETTINGS_KEPT)
        s->kept[s->nkept++] = (struct dec_h2_setting){id, v};
    const char *why = setting_invalid(dir, id, v);
    if (why) {
        const char *name = dec_h2_setting_name(id);
        dec_h2_add_note(h, dir, DEC_H2_P_SETTINGS_VALUE, 0, offset, "%s %u %s: not applied",
                name ? name : "setting", v, why);
        return;
    }
    if (id < SETTING_IDS)
        s->val[id] = v;
}

/* the receiver's settings s come into effect for frames sent in direction dir */
static void settings_apply(struct dec_h2 *h, enum tr_dir dir, const struct h2settings *s)
{
    struct h2dir *d = &h->d[dir];
    if (s->val[DEC_H2_SET_MAX_FRAME_SIZE] >= 0)
        d->max_frame = (uint32_t)s->val[DEC_H2_SET_MAX_FRAME_SIZE];
    if (s->val[DEC_H2_SET_ENABLE_PUSH] >= 0)
        d->push_enabled = s->val[DEC_H2_SET_ENABLE_PUSH] != 0;
    if (s->val[DEC_H2_SET_HEADER_TABLE_SIZE] >= 0) {
        bool was = dec_hpack_table_known(d->hp);
        dec_hpack_set_max(d->hp, (uint32_t)s->val[DEC_H2_SET_HEADER_TABLE_SIZE]);
        if (!was && dec_hpack_table_known(d->hp) && d->table_noted) {
            d->table_noted = false;
            dec_h2_add_note(h, dir, DEC_H2_P_TABLE_KNOWN, 0, d->f.offset,
                    "the %s dynamic table is wholly known again",
                    dir == TR_DIR_C2S ? "client's" : "server's");
        }
    }
}

/* RFC 9113 6.5.3: an ACK in direction dir acknowledges the oldest SETTINGS
 * sent the other way; its values now bound what is sent in dir. */
const struct h2settings *dec_h2_settings_acked(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *o = &h->d[h2_other(dir)];
    if (o->pn == 0)
        return NULL;  /* midstream, or its SETTINGS was never captured */
    const struct h2settings *s = &o->pend[o->phead];
    o->phead = (o->phead + 1) % PENDING_MAX;
    o->pn--;
    settings_apply(h, dir, s);
    return s;
}

void dec_h2_settings_sent(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *d = &h->d[dir];
    if (d->pn == PENDING_MAX) {  /* the oldest is taken as lost */
        dec_h2_add_note(h, dir, DEC_H2_P_LIMIT_SETTINGS, 0, d->f.offset,
                "more than %d SETTINGS frames await acknowledgment: the oldest is forgotten",
                PENDING_MAX);
        d->phead = (d->phead + 1) % PENDING_MAX;
        d->pn--;
    }
    d->pend[(d->phead + d->pn++) % PENDING_MAX] = d->cur;
}

/* RFC 7540 3.2.1: the client's settings of an Upgrade, acknowledged by the 101 */
void dec_h2_settings_upgrade(struct dec_h2 *h)
{
    if (!h->o.http2_settings)
        return;
    struct dec_h2_setting set[64];
    size_t n = 0;
    struct h2settings s;
    dec_h2_settings_reset(&s);
    if (dec_h2_parse_settings_b64(h->o.http2_settings, h->o.http2_settings_len, set, 64, &n) != 0) {
        dec_h2_add_note(h, TR_DIR_C2S, DEC_H2_P_SETTINGS_VALUE, 0, 0,
                "the HTTP2-Settings value is not a base64url SETTINGS payload: ignored");
        return;
    }
    for (size_t i = 0; i < n && i < 64; i++)
        dec_h2_settings_entry(h, TR_DIR_C2S, &s, set[i].id, set[i].value, 0);
    settings_apply(h, TR_DIR_S2C, &s);
}

/* ----------------------------------------------------------- header blocks -- */

void dec_h2_block_begin(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *d = &h->d[dir];
    struct h2block *b = &d->blk;
    const struct h2frame *f = &d->f;
    b->active = true;
    b->dropped = false;
    b->type = f->type;
    b->stream = f->stream;
    b->promised = f->ev.promised_stream;
    b->end_stream = f->type == DEC_H2_HEADERS && (f->flags & DEC_H2_F_END_STREAM);
    b->orphan = false;
    b->len = 0;
    b->wire = 0;
    b->nfr = 0;
    dec_flist_reset(&b->frames);
    b->offset = f->offset;
}

/* fragment bytes (NULL: never captured) */
void dec_h2_block_bytes(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p, size_t n)
{
    struct h2dir *d = &h->d[dir];
    struct h2block *b = &d->blk;
    if (!b->active)
        return;
    b->wire += n;
    if (b->dropped)
        return;
    if (!p) {
        b->dropped = true;
        dec_h2_lose_table(h, dir);
        return;
    }
    if (n > h->o.max_block - b->len) {
        dec_h2_add_note(h, dir, DEC_H2_P_LIMIT_BLOCK, b->stream, b->offset,
                "a header block over %zu bytes on stream %u: not decoded", h->o.max_block,
                b->stream);
        b->dropped = true;
        dec_h2_lose_table(h, dir);
        return;
    }
    tr_xgrow(&b->buf, &b->cap, b->len + n, 1);
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}

/* the block stops without END_HEADERS: what it held is lost to HPACK */
void dec_h2_block_abandon(struct dec_h2 *h, enum tr_dir dir, const char *why)
{
    struct h2block *b = &h->d[dir].blk;
    if (!b->active)
        return;
    b->active = false;
    dec_h2_add_note(h, dir, DEC_H2_P_BLOCK_ABANDONED, b->stream, b->offset,
            "the header block on stream %u ends without END_HEADERS: %s", b->stream, why);
    dec_h2_lose_table(h, dir);
}

/* the frame just read is part of the block */
void dec_h2_block_frame(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *d = &h->d[dir];
    struct h2block *b = &d->blk;
    const struct h2frame *f = &d->f;
    tr_xgrow(&b->fr, &b->frcap, b->nfr + 1, sizeof *b->fr);
    b->fr[b->nfr++] = (struct dec_h2_fref){
        f->offset, f->length, f->type, f->flags,
        d->ff.n ? d->ff.v[0] : 0, d->ff.n ? d->ff.v[d->ff.n - 1] : 0,
    };
    for (size_t i = 0; i < d->ff.n; i++)
        dec_flist_add(&b->frames, d->ff.v[i], i == 0 ? d->ff.ts_min : d->ff.ts_max);
}

static bool str_is_n(struct dec_str s, const char *lit, size_t n)
{
    return s.p && s.len == n && memcmp(s.p, lit, n) == 0;
}

#define str_is(s, lit) str_is_n(s, lit, sizeof(lit) - 1)

static bool has_upper(struct dec_str s)
{
    for (size_t i = 0; i < s.len; i++)
        if (s.p[i] >= 'A' && s.p[i] <= 'Z')
            return true;
    return false;
}

/* RFC 9113 8.2.2: fields that are about one connection, not the message */
static bool connection_specific(struct dec_str n)
{
    return str_is(n, "connection") || str_is(n, "proxy-connection") || str_is(n, "keep-alive") ||
           str_is(n, "transfer-encoding") || str_is(n, "upgrade");
}

/* The first problem of a block's fields (RFC 9113 8.2, 8.3), or NULL. */
static const char *fields_problem(const struct dec_hpack_block *hb, enum dec_h2_block_kind kind,
                                  const struct dec_h2_block *ev, char *buf, size_t cap)
{
    bool request = kind == DEC_H2_BLOCK_REQUEST || kind == DEC_H2_BLOCK_PUSH_PROMISE;
    bool regular = false;
    unsigned seen = 0;  /* pseudo-headers seen, by bit */
    static const char *const pseudo[] = {":method", ":scheme", ":authority", ":path",
                                         ":protocol", ":status"};
    for (size_t i = 0; i < hb->nfields; i++) {
        struct dec_str n = hb->fields[i].name;
        if (!n.p)
            continue;
        if (has_upper(n)) {
            snprintf(buf, cap, "the field name '%.*s' has uppercase letters", (int)n.len, n.p);
            return buf;
        }
        if (n.len == 0 || n.p[0] != ':') {
            regular = true;
            if (connection_specific(n)) {
                snprintf(buf, cap, "'%.*s' is a connection-specific field", (int)n.len, n.p);
                return buf;
            }
            if (str_is(n, "te") && !str_is(hb->fields[i].value, "trailers"))
                return "'te' with a value other than 'trailers'";
            continue;
        }
        if (kind == DEC_H2_BLOCK_TRAILERS) {
            snprintf(buf, cap, "the pseudo-header '%.*s' in trailers", (int)n.len, n.p);
            return buf;
        }
        if (regular) {
            snprintf(buf, cap, "the pseudo-header '%.*s' after a regular field", (int)n.len, n.p);
            return buf;
        }
        size_t k = 0;
        while (k < 6 && !str_is_n(n, pseudo[k], strlen(pseudo[k])))
            k++;
        if (k == 6 || (request && k == 5) || (!request && k < 5)) {
            snprintf(buf, cap, "the pseudo-header '%.*s' does not belong in a %s", (int)n.len, n.p,
                     request ? "request" : "response");
            return buf;
        }
        if (seen & (1u << k)) {
            snprintf(buf, cap, "the pseudo-header '%s' twice", pseudo[k]);
            return buf;
        }
        seen |= 1u << k;
    }
    if (hb->unknown || hb->limited || kind == DEC_H2_BLOCK_TRAILERS)
        return NULL;  /* an unknown field may be the one that seems missing */
    if (!request)
        return (seen & (1u << 5)) ? NULL : "a response without ':status'";
    if (!(seen & 1u))
        return "a request without ':method'";
    if (str_is(ev->method, "CONNECT") && !(seen & (1u << 4)))
        return (seen & (1u << 2)) && !(seen & (1u << 1)) && !(seen & (1u << 3))
                   ? NULL
                   : "a CONNECT request needs ':authority' and no ':scheme' or ':path'";
    if (!(seen & (1u << 1)) || !(seen & (1u << 3)) || (ev->path.p && ev->path.len == 0))
        return "a request without ':scheme' or a non-empty ':path'";
    return NULL;
}

/* pseudo-headers first, then regular fields, each in wire order; the
 * pseudo-headers' values picked out */
static void block_fields(struct dec_h2 *h, const struct dec_hpack_block *hb,
                         struct dec_h2_block *ev)
{
    tr_xgrow(&h->split, &h->splitcap, hb->nfields + 1, sizeof *h->split);
    size_t np = 0;
    for (size_t i = 0; i < hb->nfields; i++) {
        const struct dec_hpack_field *f = &hb->fields[i];
        if (!f->name.p || f->name.len == 0 || f->name.p[0] != ':')
            continue;
        h->split[np++] = *f;
        struct dec_str *slot = str_is(f->name, ":method")      ? &ev->method
                               : str_is(f->name, ":scheme")    ? &ev->scheme
                               : str_is(f->name, ":authority") ? &ev->authority
                               : str_is(f->name, ":path")      ? &ev->path
                               : str_is(f->name, ":protocol")  ? &ev->protocol
                               : str_is(f->name, ":status")    ? &ev->status_text
                                                               : NULL;
        if (slot && !slot->p && f->value.p)
            *slot = f->value;
    }
    size_t nr = np;
    for (size_t i = 0; i < hb->nfields; i++) {
        const struct dec_hpack_field *f = &hb->fields[i];
        if (!f->name.p || f->name.len == 0 || f->name.p[0] != ':')
            h->split[nr++] = *f;
    }
    ev->pseudo = h->split;
    ev->npseudo = np;
    ev->fields = h->split + np;
    ev->nfields = nr - np;
    ev->status = -1;
    struct dec_str st = ev->status_text;
    if (st.p && st.len == 3 && st.p[0] >= '1' && st.p[0] <= '9' && st.p[1] >= '0' &&
        st.p[1] <= '9' && st.p[2] >= '0' && st.p[2] <= '9')
        ev->status = (st.p[0] - '0') * 100 + (st.p[1] - '0') * 10 + (st.p[2] - '0');
}

/* RFC 9113 6.6, 8.4: the promised stream, reserved by the server */
static struct h2stream *block_reserve(struct dec_h2 *h, enum tr_dir dir, const struct h2block *b)
{
    uint32_t id = b->promised;
    if (id == 0 || (id & 1) || id <= h->last_id[TR_DIR_S2C]) {
        dec_h2_add_note(h, dir, DEC_H2_P_STREAM_ID, id, b->offset,
                "PUSH_PROMISE on stream %u promises stream %u: not a new even stream id", b->stream,
                id);
        return NULL;
    }
    struct h2stream *s = st_add(h, dir, id);
    if (!s)
        return NULL;
    h->last_id[TR_DIR_S2C] = id;
    if (!h->first_new[TR_DIR_S2C])
        h->first_new[TR_DIR_S2C] = id;
    s->fl |= S_PUSHED | S_RESERVED | S_DONE_C | S_REQ;
    s->parent = b->stream;
    h->c.pushed++;
    st_event(h, s, DEC_H2_STREAM_OPEN, dir, 0, 0);
    return s;
}

/* END_HEADERS: decode the block, say what it is, move the stream on */
void dec_h2_block_end(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *d = &h->d[dir];
    struct h2block *b = &d->blk;
    b->active = false;
    struct dec_hpack_block hb;
    memset(&hb, 0, sizeof hb);
    bool complete = false;
    if (!b->dropped) {
        bool was = dec_hpack_table_known(d->hp);
        if (dec_hpack_decode(d->hp, b->buf, b->len, &hb) == 0) {
            complete = true;
        } else {
            dec_h2_add_note(h, dir, DEC_H2_P_HPACK_ERROR, b->stream, b->offset,
                    "the header block on stream %u does not decode (%s): the %s dynamic table is "
                    "unknown from here", b->stream, hb.error,
                    dir == TR_DIR_C2S ? "client's" : "server's");
            d->table_noted = true;
        }
        if (hb.unknown && !d->table_noted) {
            d->table_noted = true;
            dec_h2_add_note(h, dir, DEC_H2_P_TABLE_UNKNOWN, b->stream, b->offset,
                    "%llu of the %llu fields on stream %u use dynamic table entries added before "
                    "what was captured: shown as unknown", (unsigned long long)hb.unknown,
                    (unsigned long long)hb.nfields_total, b->stream);
        }
        if (!was && complete && dec_hpack_table_known(d->hp) && d->table_noted) {
            d->table_noted = false;
            dec_h2_add_note(h, dir, DEC_H2_P_TABLE_KNOWN, b->stream, b->offset,
                    "the %s dynamic table is wholly known again",
                    dir == TR_DIR_C2S ? "client's" : "server's");
        }
        if (hb.limited)
            dec_h2_add_note(h, dir, DEC_H2_P_LIMIT_FIELDS, b->stream, b->offset,
                    "the header block on stream %u has more fields or bytes than are kept",
                    b->stream);
    }
    h->c.blocks++;
    h->c.hpack_bytes += b->wire;
    if (complete && hb.decoded_length >= 0)
        h->c.decoded_bytes += (uint64_t)hb.decoded_length;

    struct dec_h2_block ev;
    memset(&ev, 0, sizeof ev);
    block_fields(h, &hb, &ev);
    struct h2stream *s = dec_h2_st_find(h, b->stream);
    enum dec_h2_block_kind kind;
    if (b->type == DEC_H2_PUSH_PROMISE) {
        kind = DEC_H2_BLOCK_PUSH_PROMISE;
        s = block_reserve(h, dir, b);
    } else if (!s || b->orphan) {
        return;  /* a stream not followed: decoded for HPACK's sake only */
    } else if (dir == TR_DIR_C2S) {
        kind = (s->fl & S_REQ) ? DEC_H2_BLOCK_TRAILERS : DEC_H2_BLOCK_REQUEST;
        s->fl |= S_REQ;
    } else {
        kind = (s->fl & S_RSP) ? DEC_H2_BLOCK_TRAILERS : DEC_H2_BLOCK_RESPONSE;
        s->fl |= S_HDR_S;
        ev.interim = kind == DEC_H2_BLOCK_RESPONSE && ev.status >= 100 && ev.status <= 199;
        if (kind == DEC_H2_BLOCK_RESPONSE && !ev.interim)
            s->fl |= S_RSP;
    }
    char buf[200];
    const char *bad = complete ? fields_problem(&hb, kind, &ev, buf, sizeof buf) : NULL;
    if (!bad && ev.status == 101)
        bad = "status 101: HTTP/2 has no Switching Protocols (RFC 9113 8.6)";
    if (bad)
        dec_h2_add_note(h, dir, DEC_H2_P_HEADER_FIELD, b->stream, b->offset,
                "%s header block on stream %u: %s",
                dec_h2_block_name(kind), b->stream, bad);
    if (kind == DEC_H2_BLOCK_TRAILERS && !b->end_stream)
        dec_h2_add_note(h, dir, DEC_H2_P_TRAILERS_OPEN, b->stream, b->offset,
                "trailers on stream %u without END_STREAM (RFC 9113 8.1)", b->stream);
    dec_flist_finish(&b->frames);
    const struct dec_h2_fref *last = &b->fr[b->nfr - 1];
    ev.dir = dir;
    ev.stream = b->stream;
    ev.index = s ? s->index : 0;
    ev.kind = kind;
    ev.promised_stream = b->promised;
    ev.end_stream = b->end_stream;
    ev.complete = complete;
    ev.nfields_total = hb.nfields_total;
    ev.hpack_length = b->wire;
    ev.decoded_length = complete ? hb.decoded_length : -1;
    ev.unknown = hb.unknown;
    ev.table_unknown = !complete || hb.table_unknown;
    ev.h2frames = b->fr;
    ev.nh2frames = b->nfr;
    ev.frames = b->frames.v;
    ev.nframes = b->frames.n;
    ev.offset = b->offset;
    ev.length = last->offset + DEC_H2_FRAME_HEADER + last->length - b->offset;
    ev.ts = b->frames.ts_min;
    ev.ts_end = b->frames.ts_max;
    if (s && h->sink.on_block)
        h->sink.on_block(h->sink.ctx, &ev);
    if (kind != DEC_H2_BLOCK_PUSH_PROMISE && b->end_stream && (s = dec_h2_st_find(h, b->stream)))
        dec_h2_st_half_close(h, s, dir);
}

/* DATA: which stream gets its bytes */
void dec_h2_data_begin(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2frame *f = &h->d[dir].f;
    struct h2stream *s = dec_h2_st_for_frame(h, dir, DEC_H2_DATA, f->stream);
    if (!s)
        return;
    if (sender_done(s, dir)) {
        dec_h2_add_note(h, dir, DEC_H2_P_STREAM_CLOSED, f->stream, f->offset,
                "DATA on stream %u after its sender's END_STREAM", f->stream);
        return;
    }
    uint16_t head = dir == TR_DIR_C2S ? S_REQ : S_HDR_S;
    if (!(s->fl & (head | S_ADOPTED)))
        dec_h2_add_note(h, dir, DEC_H2_P_DATA_BEFORE_HEADERS, f->stream, f->offset,
                "DATA on stream %u before the %s's header block (RFC 9113 8.1)", f->stream,
                dir == TR_DIR_C2S ? "request" : "response");
    f->deliver = true;
}

/* HEADERS: the stream it opens or continues (RFC 9113 5.1, 5.1.1, 8.1) */
struct h2stream *dec_h2_headers_stream(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2frame *f = &h->d[dir].f;
    uint32_t id = f->stream;
    struct h2stream *s = dec_h2_st_find(h, id);
    if (!s && dir == TR_DIR_C2S && (id & 1) && id > h->last_id[TR_DIR_C2S]) {
        h->last_id[TR_DIR_C2S] = id;
        if (!h->first_new[TR_DIR_C2S])
            h->first_new[TR_DIR_C2S] = id;
        if (!(s = st_add(h, dir, id)))
            return NULL;
        st_count_open(h, s);
        st_event(h, s, DEC_H2_STREAM_OPEN, dir, 0, 0);
        return s;
    }
    if (!s && dir == TR_DIR_C2S && !(id & 1)) {
        dec_h2_add_note(h, dir, DEC_H2_P_STREAM_ID, id, f->offset,
                "HEADERS from the client on even stream %u: clients open odd ones (5.1.1)", id);
        return NULL;
    }
    if (!s)
        return dec_h2_st_for_frame(h, dir, DEC_H2_HEADERS, id);
    if (sender_done(s, dir)) {
        dec_h2_add_note(h, dir, DEC_H2_P_STREAM_CLOSED, id, f->offset,
                "HEADERS on stream %u after its sender's END_STREAM", id);
        return NULL;
    }
    if (s->fl & S_RESERVED) {  /* 5.1: reserved (remote) -> half-closed (remote) */
        s->fl &= (uint16_t)~S_RESERVED;
        st_count_open(h, s);
    }
    return s;
}

