/* h2.c - the HTTP/2 engine: the preface and frames (RFC 9113 3.4, 4, 6),
 * stream states (5.1), settings and their acknowledgment (6.5.3), header
 * blocks gathered across CONTINUATION frames (4.3, 6.10) and decoded by
 * hpack.c, framing found again after lost bytes, and the events of h2_int.h
 *
 * Each direction is a state machine over its bytes: the preface, a 9-byte
 * frame header, the payload (fixed fields, then a body streamed as it
 * arrives, then padding), or a search for frames after a gap. A frame whose
 * whole payload is in one piece is read in place; nothing is copied but
 * header block fragments (to hand them to HPACK whole) and the few fixed
 * bytes of a payload that straddles pieces.
 *
 * This file is over 800 lines because the frame reader, the stream states
 * and the settings each act on the others at every frame; split, they would
 * share the whole connection struct through a header anyway.
 */
#include "decode_int.h"
#include "h2_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ tables -- */

const char *dec_h2_type_name(unsigned type)
{
    switch (type) {
#define X(id, v, name)                                                                             \
    case v:                                                                                        \
        return name;
        DEC_H2_TYPE_LIST(X)
#undef X
    }
    return NULL;
}

const char *dec_h2_error_name(uint32_t code)
{
    switch (code) {
#define X(id, v)                                                                                   \
    case v:                                                                                        \
        return #id;
        DEC_H2_ERROR_LIST(X)
#undef X
    }
    return NULL;
}

const char *dec_h2_setting_name(uint16_t id)
{
    switch (id) {
#define X(sid, v, def, name)                                                                       \
    case v:                                                                                        \
        return name;
        DEC_H2_SETTING_LIST(X)
#undef X
    }
    return NULL;
}

#define NAME_OF(list, k)                                                                           \
    do {                                                                                           \
        static const char *const names[] = {list(X)};                                              \
        return (unsigned)(k) < sizeof names / sizeof names[0] ? names[k] : NULL;                   \
    } while (0)

const char *dec_h2_end_name(enum dec_h2_end how)
{
#define X(id, name) name,
    NAME_OF(DEC_H2_END_LIST, how);
#undef X
}

const char *dec_h2_block_name(enum dec_h2_block_kind k)
{
#define X(id, name) name,
    NAME_OF(DEC_H2_BLOCK_LIST, k);
#undef X
}

const char *dec_h2_note_name(enum dec_h2_note_kind k)
{
#define X(id, name) name,
    NAME_OF(DEC_H2_NOTE_LIST, k);
#undef X
}

const char *dec_h2_problem_name(enum dec_h2_problem p)
{
#define X(id, kind, name) name,
    NAME_OF(DEC_H2_PROBLEM_LIST, p);
#undef X
}

enum dec_h2_note_kind dec_h2_problem_kind(enum dec_h2_problem p)
{
    static const enum dec_h2_note_kind kinds[] = {
#define X(id, kind, name) DEC_H2_NOTE_##kind,
        DEC_H2_PROBLEM_LIST(X)
#undef X
    };
    return (unsigned)p < sizeof kinds / sizeof kinds[0] ? kinds[p] : DEC_H2_NOTE_MALFORMED;
}

static const struct {
    uint8_t bit;
    unsigned types;
    const char *name;
} flag_tab[] = {
#define X(id, bit, types, name) {bit, types, name},
    DEC_H2_FLAG_LIST(X)
#undef X
};

/* the flags frame type `type` defines (RFC 9113 6) */
static uint8_t defined_flags(unsigned type)
{
    uint8_t m = 0;
    for (size_t i = 0; i < sizeof flag_tab / sizeof flag_tab[0]; i++)
        if (type < DEC_H2_TYPE_COUNT && (flag_tab[i].types & (1u << type)))
            m |= flag_tab[i].bit;
    return m;
}

size_t dec_h2_flag_names(unsigned type, uint8_t flags, const char **names, size_t max)
{
    size_t n = 0;
    for (unsigned bit = 1; bit < 0x100; bit <<= 1)
        for (size_t i = 0; i < sizeof flag_tab / sizeof flag_tab[0]; i++)
            if ((flags & bit) && flag_tab[i].bit == bit && type < DEC_H2_TYPE_COUNT &&
                (flag_tab[i].types & (1u << type)) && n < max)
                names[n++] = flag_tab[i].name;
    return n;
}

/* ------------------------------------------------------------ pure helpers -- */

static uint32_t be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int dec_h2_match_preface(const uint8_t *buf, size_t len)
{
    size_t n = len < DEC_H2_PREFACE_LEN ? len : DEC_H2_PREFACE_LEN;
    if (n > 0 && memcmp(buf, DEC_H2_PREFACE, n) != 0)
        return DEC_INVALID;
    return n == DEC_H2_PREFACE_LEN ? DEC_H2_PREFACE_LEN : DEC_INCOMPLETE;
}

/* the bytes a frame type's payload must start with, given its flags */
static uint32_t fixed_size(unsigned type, uint8_t flags)
{
    switch (type) {
    case DEC_H2_DATA:
        return (flags & DEC_H2_F_PADDED) ? 1 : 0;
    case DEC_H2_HEADERS:
        return ((flags & DEC_H2_F_PADDED) ? 1 : 0) + ((flags & DEC_H2_F_PRIORITY) ? 5 : 0);
    case DEC_H2_PUSH_PROMISE:
        return ((flags & DEC_H2_F_PADDED) ? 1 : 0) + 4;
    case DEC_H2_PRIORITY:
        return 5;
    case DEC_H2_RST_STREAM:
    case DEC_H2_WINDOW_UPDATE:
        return 4;
    case DEC_H2_PING:
    case DEC_H2_GOAWAY:
        return 8;
    default:
        return 0;
    }
}

/* Could these 9 bytes be a frame header a sender wrote (RFC 9113 4.1, 6)?
 * Stricter than the reader: unknown types and undefined flags count against. */
static bool plausible(const uint8_t *h, uint32_t maxlen, bool first)
{
    uint32_t len = be24(h), stream = be32(h + 5);
    unsigned type = h[3];
    uint8_t flags = h[4];
    if (type >= DEC_H2_TYPE_COUNT || (flags & ~defined_flags(type)) || (stream >> 31) ||
        len > maxlen || len < fixed_size(type, flags))
        return false;
    switch (type) {
    case DEC_H2_SETTINGS:
        return stream == 0 && len % 6 == 0 && (!(flags & DEC_H2_F_ACK) || len == 0);
    case DEC_H2_PING:
        return stream == 0 && len == 8;
    case DEC_H2_GOAWAY:
        return stream == 0;
    case DEC_H2_WINDOW_UPDATE:
        return len == 4;
    case DEC_H2_PRIORITY:
        return stream != 0 && len == 5;
    case DEC_H2_RST_STREAM:
        return stream != 0 && len == 4;
    case DEC_H2_CONTINUATION:
        return stream != 0 && !first;
    default:
        return stream != 0;
    }
}

enum chain { CHAIN_NO, CHAIN_YES, CHAIN_MORE };

/* Does a frame start at b[0]? Yes when its header is plausible and so is
 * the next one, with a frame of some length between them: zero-length frames
 * are what stray bytes most often look like, so up to 4 headers are read
 * while all are empty. A CONTINUATION must come exactly where one is due.
 * At the end of the bytes, frames that end exactly there will do. */
static enum chain chain_at(const uint8_t *b, size_t n, uint32_t maxlen, bool at_end)
{
    size_t at = 0;
    bool open_block = false, substance = false;
    uint32_t prev_stream = 0;
    for (int k = 0; k < 4; k++) {
        if (at > n || n - at < DEC_H2_FRAME_HEADER) {
            if (at_end)
                return k >= 1 && at == n ? CHAIN_YES : CHAIN_NO;
            return CHAIN_MORE;
        }
        const uint8_t *h = b + at;
        uint32_t stream = be32(h + 5);
        bool cont = h[3] == DEC_H2_CONTINUATION && stream == prev_stream;
        if ((k > 0 && open_block != cont) || !plausible(h, maxlen, !open_block))
            return CHAIN_NO;
        if (k > 0 && substance)
            return CHAIN_YES;
        uint32_t len = be24(h);
        substance = len > 0;
        open_block = (h[3] == DEC_H2_HEADERS || h[3] == DEC_H2_PUSH_PROMISE || cont) &&
                     !(h[4] & DEC_H2_F_END_HEADERS);
        prev_stream = stream;
        at += DEC_H2_FRAME_HEADER + (size_t)len;
    }
    return CHAIN_YES;
}

int dec_h2_sniff_frames(const uint8_t *buf, size_t len)
{
    switch (chain_at(buf, len, 16384, false)) {
    case CHAIN_YES:
        return (int)(DEC_H2_FRAME_HEADER + be24(buf));
    case CHAIN_MORE:
        /* one whole frame and nothing after it is a yes too */
        if (len >= DEC_H2_FRAME_HEADER && chain_at(buf, len, 16384, true) == CHAIN_YES)
            return (int)len;
        return DEC_INCOMPLETE;
    default:
        return DEC_INVALID;
    }
}

static int b64url_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '-')
        return 62;
    if (c == '_')
        return 63;
    return -1;
}

int dec_h2_parse_settings_b64(const char *s, size_t len, struct dec_h2_setting *out, size_t max,
                              size_t *n)
{
    *n = 0;
    while (len && (s[0] == ' ' || s[0] == '\t'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    while (len && s[len - 1] == '=')  /* RFC 7540 3.2.1 says no padding; accept it */
        len--;
    if (len % 4 == 1)
        return DEC_INVALID;
    uint32_t acc = 0;
    unsigned bits = 0;
    uint8_t ent[6];
    size_t got = 0;
    for (size_t i = 0; i < len; i++) {
        int v = b64url_value(s[i]);
        if (v < 0)
            return DEC_INVALID;
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits < 8)
            continue;
        bits -= 8;
        ent[got++] = (uint8_t)(acc >> bits);
        acc &= (1u << bits) - 1;
        if (got == 6) {  /* RFC 9113 6.5.1: identifier (16), value (32) */
            if (*n < max)
                out[*n] = (struct dec_h2_setting){(uint16_t)(ent[0] << 8 | ent[1]), be32(ent + 2)};
            (*n)++;
            got = 0;
        }
    }
    return got == 0 && acc == 0 ? 0 : DEC_INVALID;
}

/* ------------------------------------------------------------------ state -- */

#define SETTING_IDS 10           /* values kept by identifier 1..9 */
#define PENDING_MAX 8            /* SETTINGS frames awaiting their ACK, per direction */
#define RESET_RING 64            /* recently reset streams: their frames in flight are fine */
#define GONE_MAX 65536           /* adopted streams remembered as closed */
#define SYNC_FRAME_MAX (256u << 10) /* the longest frame a search for frames accepts */
#define SYNC_GIVEUP (1u << 20)   /* bytes searched before giving up on a direction */
#define MAX_FRAME_UNKNOWN 16777215u /* 2^24-1: the frame size limit when none is known */

enum h2phase {
    D_PREFACE,                   /* matching the client preface (c2s) */
    D_HEADER,                    /* gathering a frame header */
    D_PAYLOAD,                   /* inside a frame's payload */
    D_SYNC,                      /* looking for frames after lost bytes */
    D_DEAD,                      /* framing lost for good: bytes are ignored */
    D_ENDED                      /* the direction ended */
};

/* a SETTINGS frame: what it said, kept until the peer acknowledges it */
struct h2settings {
    struct dec_h2_setting kept[DEC_H2_MAX_SETTINGS_KEPT];
    size_t nkept;
    int64_t val[SETTING_IDS];    /* the last valid value by identifier, -1 none */
};

/* the frame under read */
struct h2frame {
    uint8_t type, flags;
    uint32_t stream, length;
    uint64_t offset;
    uint32_t got;                /* payload bytes read */
    uint8_t fix[8];              /* the fixed fields at the payload's start */
    uint32_t fixed, fixed_have;
    uint32_t body, body_got;     /* data, fragment, settings entries or debug data */
    uint8_t pad;
    bool skip;                   /* malformed: the rest is not read */
    bool gap;                    /* bytes of it were never captured */
    bool deliver;                /* DATA: its bytes go to on_data */
    bool first;
    bool pad_noted;
    uint8_t sacc[6];             /* a SETTINGS entry straddling pieces */
    uint8_t sacc_n;
    struct dec_h2_frame ev;      /* the decoded fields, for on_frame */
};

/* a header block being gathered (RFC 9113 4.3) */
struct h2block {
    bool active;                 /* begun, END_HEADERS not yet seen */
    bool dropped;                /* its bytes are not all here (limit, gap) */
    bool orphan;                 /* HEADERS on a stream not followed: decoded, not told */
    uint8_t type;                /* HEADERS or PUSH_PROMISE */
    uint32_t stream, promised;
    bool end_stream;
    uint8_t *buf;
    size_t len, cap;             /* the fragments kept */
    uint64_t wire;               /* the fragments' bytes on the wire, kept or not */
    struct dec_h2_fref *fr;
    size_t nfr, frcap;
    struct flist frames;
    uint64_t offset;
};

/* the piece a byte of the search buffer came in */
struct smark {
    uint64_t off;                /* stream offset of its first byte */
    size_t fr, nfr;              /* its capture frames: sbuf.fr[fr .. fr+nfr) */
    tr_time ts;
};

/* bytes kept while frames are searched for, with where each piece came from,
 * so that what is re-read carries its own capture frames */
struct sbuf {
    uint8_t *b;
    size_t len, cap;
    uint64_t off;                /* stream offset of b[0] */
    struct smark *m;
    size_t nm, mcap;
    uint64_t *fr;
    size_t nfr, frcap;
};

struct h2dir {
    enum h2phase st;
    bool started;
    uint64_t pos;                /* stream offset of the next byte */
    size_t pre;                  /* preface bytes matched */
    uint8_t hdr[DEC_H2_FRAME_HEADER];
    size_t hlen;
    bool first_done;             /* its first frame (after the preface) was read */
    struct h2frame f;
    struct flist ff;             /* the capture frames of the frame under read */
    uint64_t piece, ff_piece;    /* pieces fed; the last one whose frames are in ff */
    const uint64_t *pframes;     /* the piece being read */
    size_t npframes;
    tr_time pts;
    uint64_t last_frame;
    struct h2block blk;
    struct dec_hpack *hp;        /* decodes the header blocks sent in this direction */
    bool table_noted;            /* TABLE_UNKNOWN said since the table was last known */
    struct h2settings cur;         /* the SETTINGS frame under read */
    struct h2settings pend[PENDING_MAX];  /* sent this way, not yet acknowledged */
    size_t phead, pn;
    uint8_t debug[DEC_H2_MAX_DEBUG_KEPT];
    /* in effect for frames sent this way: the receiver's acknowledged settings */
    uint32_t max_frame;
    bool push_enabled;
    /* the search for frames (D_SYNC) */
    struct sbuf s;
    uint64_t sskipped;
    enum dec_h2_note_kind skind; /* the kind of what began the search */
    bool squiet;                 /* the first search of a midstream start: silent if nothing
                                  * is skipped */
};

enum {
    S_REQ = 1 << 0,              /* the client's request block was seen (or is HTTP/1.1) */
    S_RSP = 1 << 1,              /* a final response block was seen */
    S_HDR_S = 1 << 2,            /* the server sent a header block */
    S_DONE_C = 1 << 3,           /* the client will send no more (END_STREAM) */
    S_DONE_S = 1 << 4,           /* the server will send no more */
    S_RESERVED = 1 << 5,         /* promised, no HEADERS yet */
    S_OPEN = 1 << 6,             /* counted as open (RFC 9113 5.1.2) */
    S_PUSHED = 1 << 7,
    S_UPGRADED = 1 << 8,
    S_ADOPTED = 1 << 9
};

#define SLOT_FREE 0u
#define SLOT_TOMB UINT32_MAX     /* stream ids are 31 bits: never this */

struct h2stream {
    uint32_t id;                 /* SLOT_FREE, SLOT_TOMB, or the stream */
    uint32_t parent;
    uint16_t fl;
    uint64_t index;
    uint64_t data[2], gap[2];
};

struct dec_h2 {
    struct dec_h2_sink sink;
    struct dec_h2_opts o;
    struct h2dir d[2];
    struct h2stream *tab;          /* open addressing by id, linear probing */
    struct h2stream *spare;        /* an array of tcap slots, for rehashing in place */
    size_t tcap, tlive, ttomb;
    uint64_t next_index;
    uint32_t last_id[2];         /* highest stream opened by the client [0], the server [1] */
    uint32_t first_new[2];       /* midstream: the first stream seen opening, 0 none */
    uint32_t resets[RESET_RING];
    size_t nresets;
    uint32_t *gone;              /* midstream: adopted streams that closed (a set, ids
                                  * hashed, 0 empty), so that none is adopted twice */
    size_t gcap, gn;
    bool gone_full;              /* GONE_MAX of them: no more adoption */
    bool overflow;               /* streams were left untracked (max_streams) */
    bool goaway;
    uint32_t goaway_code;
    bool goaway_from[2];
    uint32_t goaway_last[2];
    bool announced;              /* UPGRADE: stream 1's OPEN was sent */
    bool finished;
    struct dec_h2_counts c;
    /* scratch for events */
    struct dec_hpack_field *split;
    size_t splitcap;
    uint32_t *ids;
    size_t idscap;
};

static enum tr_dir other(enum tr_dir dir)
{
    return dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
}

/* the direction of the side that opens stream id: odd ids are the client's */
static enum tr_dir initiator(uint32_t id)
{
    return (id & 1) ? TR_DIR_C2S : TR_DIR_S2C;
}

/* ------------------------------------------------------------------ notes -- */

__attribute__((format(printf, 6, 7))) static void note(struct dec_h2 *h, enum tr_dir dir,
                                                        enum dec_h2_problem p, uint32_t stream,
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
static void lose_table(struct dec_h2 *h, enum tr_dir dir)
{
    dec_hpack_lose(h->d[dir].hp);
    h->d[dir].table_noted = false;
}

/* ---------------------------------------------------------------- streams -- */

static size_t slot_of(uint32_t id, size_t cap)
{
    return (size_t)(id * 2654435761u) & (cap - 1);
}

static struct h2stream *st_find(struct dec_h2 *h, uint32_t id)
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
        h->tab = xcalloc(cap, sizeof *h->tab);
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
            note(h, dir, DEC_H2_P_LIMIT_STREAMS, id, h->d[dir].pos,
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

static void remember_reset(struct dec_h2 *h, uint32_t id)
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
        h->gone = xcalloc(h->gcap, sizeof *h->gone);
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

static void st_close(struct dec_h2 *h, struct h2stream *s, enum tr_dir dir, enum dec_h2_end how,
                     uint32_t code)
{
    if (s->fl & S_OPEN)
        h->c.open--;
    st_event(h, s, DEC_H2_STREAM_END, dir, how, code);
    if (how == DEC_H2_END_RST_STREAM)
        remember_reset(h, s->id);
    if (s->fl & S_ADOPTED)
        gone_add(h, s->id);
    s->id = SLOT_TOMB;
    h->tlive--;
    h->ttomb++;
}

/* the sender of dir will send no more on s: closed when both are done */
static void st_half_close(struct dec_h2 *h, struct h2stream *s, enum tr_dir dir)
{
    s->fl |= dir == TR_DIR_C2S ? S_DONE_C : S_DONE_S;
    if ((s->fl & S_DONE_C) && (s->fl & S_DONE_S))
        st_close(h, s, dir, DEC_H2_END_END_STREAM, 0);
}

static bool sender_done(const struct h2stream *s, enum tr_dir dir)
{
    return (s->fl & (dir == TR_DIR_C2S ? S_DONE_C : S_DONE_S)) != 0;
}

/* Midstream: a stream the capture never saw open may have opened before it
 * began, unless a later one was seen opening, or it was seen closing. */
static bool adoptable(const struct dec_h2 *h, uint32_t id)
{
    enum tr_dir init = initiator(id);
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
    if (id > h->last_id[initiator(id)])
        h->last_id[initiator(id)] = id;
    st_count_open(h, s);
    st_event(h, s, DEC_H2_STREAM_OPEN, dir, 0, 0);
    return s;
}

/* The stream a frame of this type names, adopting it midstream, with a note
 * when it names an idle or closed one where that is an error (RFC 9113 5.1). */
static struct h2stream *st_for_frame(struct dec_h2 *h, enum tr_dir dir, unsigned type, uint32_t id)
{
    struct h2stream *s = st_find(h, id);
    if (s || id == 0)
        return s;
    bool strict = type == DEC_H2_DATA || type == DEC_H2_HEADERS;
    if (adoptable(h, id) && (strict || type == DEC_H2_RST_STREAM))
        return st_adopt(h, dir, id);
    if (recently_reset(h, id) || h->overflow)
        return NULL;
    const char *tn = dec_h2_type_name(type);
    if (id > h->last_id[initiator(id)]) {
        if (type != DEC_H2_PRIORITY)  /* 5.1: PRIORITY may name an idle stream */
            note(h, dir, DEC_H2_P_STREAM_IDLE, id, h->d[dir].f.offset,
                 "%s on stream %u, which was never opened", tn, id);
    } else if (strict) {
        note(h, dir, DEC_H2_P_STREAM_CLOSED, id, h->d[dir].f.offset,
             "%s on stream %u, which is closed", tn, id);
    }
    return NULL;
}

/* UPGRADE: stream 1 is the HTTP/1.1 request, already sent whole (RFC 7540 3.2) */
static void announce(struct dec_h2 *h)
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
static void st_end_all(struct dec_h2 *h, enum tr_dir dir, enum tr_dir init_only, uint32_t above,
                       bool any_init, enum dec_h2_end how, uint32_t code)
{
    size_t n = 0;
    for (size_t i = 0; i < h->tcap; i++) {
        uint32_t id = h->tab[i].id;
        if (id == SLOT_FREE || id == SLOT_TOMB || id <= above)
            continue;
        if (!any_init && initiator(id) != init_only)
            continue;
        xgrow(&h->ids, &h->idscap, n + 1, sizeof *h->ids);
        h->ids[n++] = id;
    }
    if (n > 1)
        qsort(h->ids, n, sizeof *h->ids, cmp_id);
    for (size_t i = 0; i < n; i++) {
        struct h2stream *s = st_find(h, h->ids[i]);
        if (s)
            st_close(h, s, dir, how, code);
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

static void settings_reset(struct h2settings *s)
{
    s->nkept = 0;
    for (size_t i = 0; i < SETTING_IDS; i++)
        s->val[i] = -1;
}

/* one entry of a SETTINGS frame (or of HTTP2-Settings), in order */
static void settings_entry(struct dec_h2 *h, enum tr_dir dir, struct h2settings *s, uint16_t id,
                           uint32_t v, uint64_t offset)
{
    if (s->nkept < DEC_H2_MAX_SETTINGS_KEPT)
        s->kept[s->nkept++] = (struct dec_h2_setting){id, v};
    const char *why = setting_invalid(dir, id, v);
    if (why) {
        const char *name = dec_h2_setting_name(id);
        note(h, dir, DEC_H2_P_SETTINGS_VALUE, 0, offset, "%s %u %s: not applied",
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
            note(h, dir, DEC_H2_P_TABLE_KNOWN, 0, d->f.offset,
                 "the %s dynamic table is wholly known again",
                 dir == TR_DIR_C2S ? "client's" : "server's");
        }
    }
}

/* RFC 9113 6.5.3: an ACK in direction dir acknowledges the oldest SETTINGS
 * sent the other way; its values now bound what is sent in dir. */
static const struct h2settings *settings_acked(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *o = &h->d[other(dir)];
    if (o->pn == 0)
        return NULL;  /* midstream, or its SETTINGS was never captured */
    const struct h2settings *s = &o->pend[o->phead];
    o->phead = (o->phead + 1) % PENDING_MAX;
    o->pn--;
    settings_apply(h, dir, s);
    return s;
}

static void settings_sent(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *d = &h->d[dir];
    if (d->pn == PENDING_MAX) {  /* the oldest is taken as lost */
        note(h, dir, DEC_H2_P_LIMIT_SETTINGS, 0, d->f.offset,
             "more than %d SETTINGS frames await acknowledgment: the oldest is forgotten",
             PENDING_MAX);
        d->phead = (d->phead + 1) % PENDING_MAX;
        d->pn--;
    }
    d->pend[(d->phead + d->pn++) % PENDING_MAX] = d->cur;
}

/* RFC 7540 3.2.1: the client's settings of an Upgrade, acknowledged by the 101 */
static void settings_upgrade(struct dec_h2 *h)
{
    if (!h->o.http2_settings)
        return;
    struct dec_h2_setting set[64];
    size_t n = 0;
    struct h2settings s;
    settings_reset(&s);
    if (dec_h2_parse_settings_b64(h->o.http2_settings, h->o.http2_settings_len, set, 64, &n) != 0) {
        note(h, TR_DIR_C2S, DEC_H2_P_SETTINGS_VALUE, 0, 0,
             "the HTTP2-Settings value is not a base64url SETTINGS payload: ignored");
        return;
    }
    for (size_t i = 0; i < n && i < 64; i++)
        settings_entry(h, TR_DIR_C2S, &s, set[i].id, set[i].value, 0);
    settings_apply(h, TR_DIR_S2C, &s);
}

/* ----------------------------------------------------------- header blocks -- */

static bool is_fragment_type(unsigned type)
{
    return type == DEC_H2_HEADERS || type == DEC_H2_PUSH_PROMISE || type == DEC_H2_CONTINUATION;
}

static void block_begin(struct dec_h2 *h, enum tr_dir dir)
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
    flist_reset(&b->frames);
    b->offset = f->offset;
}

/* fragment bytes (NULL: never captured) */
static void block_bytes(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p, size_t n)
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
        lose_table(h, dir);
        return;
    }
    if (n > h->o.max_block - b->len) {
        note(h, dir, DEC_H2_P_LIMIT_BLOCK, b->stream, b->offset,
             "a header block over %zu bytes on stream %u: not decoded", h->o.max_block, b->stream);
        b->dropped = true;
        lose_table(h, dir);
        return;
    }
    xgrow(&b->buf, &b->cap, b->len + n, 1);
    memcpy(b->buf + b->len, p, n);
    b->len += n;
}

/* the block stops without END_HEADERS: what it held is lost to HPACK */
static void block_abandon(struct dec_h2 *h, enum tr_dir dir, const char *why)
{
    struct h2block *b = &h->d[dir].blk;
    if (!b->active)
        return;
    b->active = false;
    note(h, dir, DEC_H2_P_BLOCK_ABANDONED, b->stream, b->offset,
         "the header block on stream %u ends without END_HEADERS: %s", b->stream, why);
    lose_table(h, dir);
}

/* the frame just read is part of the block */
static void block_frame(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *d = &h->d[dir];
    struct h2block *b = &d->blk;
    const struct h2frame *f = &d->f;
    xgrow(&b->fr, &b->frcap, b->nfr + 1, sizeof *b->fr);
    b->fr[b->nfr++] = (struct dec_h2_fref){
        f->offset, f->length, f->type, f->flags,
        d->ff.n ? d->ff.v[0] : 0, d->ff.n ? d->ff.v[d->ff.n - 1] : 0,
    };
    for (size_t i = 0; i < d->ff.n; i++)
        flist_add(&b->frames, d->ff.v[i], i == 0 ? d->ff.ts_min : d->ff.ts_max);
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
static void block_fields(struct dec_h2 *h, const struct dec_hpack_block *hb, struct dec_h2_block *ev)
{
    xgrow(&h->split, &h->splitcap, hb->nfields + 1, sizeof *h->split);
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
        note(h, dir, DEC_H2_P_STREAM_ID, id, b->offset,
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
static void block_end(struct dec_h2 *h, enum tr_dir dir)
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
            note(h, dir, DEC_H2_P_HPACK_ERROR, b->stream, b->offset,
                 "the header block on stream %u does not decode (%s): the %s dynamic table is "
                 "unknown from here", b->stream, hb.error, dir == TR_DIR_C2S ? "client's" : "server's");
            d->table_noted = true;
        }
        if (hb.unknown && !d->table_noted) {
            d->table_noted = true;
            note(h, dir, DEC_H2_P_TABLE_UNKNOWN, b->stream, b->offset,
                 "%llu of the %llu fields on stream %u use dynamic table entries added before "
                 "what was captured: shown as unknown", (unsigned long long)hb.unknown,
                 (unsigned long long)hb.nfields_total, b->stream);
        }
        if (!was && complete && dec_hpack_table_known(d->hp) && d->table_noted) {
            d->table_noted = false;
            note(h, dir, DEC_H2_P_TABLE_KNOWN, b->stream, b->offset,
                 "the %s dynamic table is wholly known again",
                 dir == TR_DIR_C2S ? "client's" : "server's");
        }
        if (hb.limited)
            note(h, dir, DEC_H2_P_LIMIT_FIELDS, b->stream, b->offset,
                 "the header block on stream %u has more fields or bytes than are kept", b->stream);
    }
    h->c.blocks++;
    h->c.hpack_bytes += b->wire;
    if (complete && hb.decoded_length >= 0)
        h->c.decoded_bytes += (uint64_t)hb.decoded_length;

    struct dec_h2_block ev;
    memset(&ev, 0, sizeof ev);
    block_fields(h, &hb, &ev);
    struct h2stream *s = st_find(h, b->stream);
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
        note(h, dir, DEC_H2_P_HEADER_FIELD, b->stream, b->offset, "%s header block on stream %u: %s",
             dec_h2_block_name(kind), b->stream, bad);
    if (kind == DEC_H2_BLOCK_TRAILERS && !b->end_stream)
        note(h, dir, DEC_H2_P_TRAILERS_OPEN, b->stream, b->offset,
             "trailers on stream %u without END_STREAM (RFC 9113 8.1)", b->stream);
    flist_finish(&b->frames);
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
    if (kind != DEC_H2_BLOCK_PUSH_PROMISE && b->end_stream && (s = st_find(h, b->stream)))
        st_half_close(h, s, dir);
}

/* ----------------------------------------------------------------- frames -- */

/* the capture frames of the piece being read belong to the frame under read */
static void touch(struct h2dir *d)
{
    if (d->ff_piece == d->piece)
        return;
    d->ff_piece = d->piece;
    for (size_t i = 0; i < d->npframes; i++)
        flist_add(&d->ff, d->pframes[i], d->pts);
}

static void malformed(struct dec_h2 *h, enum tr_dir dir, enum dec_h2_problem p, const char *fmt,
                      const char *what)
{
    struct h2frame *f = &h->d[dir].f;
    f->skip = true;
    f->ev.malformed = true;
    note(h, dir, p, f->stream, f->offset, fmt, dec_h2_type_name(f->type), f->stream, f->length,
         what);
    if (is_fragment_type(f->type))
        lose_table(h, dir);
}

#define BAD(p, what)                                                                               \
    do {                                                                                           \
        malformed(h, dir, p, "%s frame on stream %u, %u bytes: %s", what);                         \
        return;                                                                                    \
    } while (0)

/* RFC 9113 6: what a frame's header must say, by type */
static void frame_check(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2frame *f = &h->d[dir].f;
    switch (f->type) {
    case DEC_H2_SETTINGS:
    case DEC_H2_PING:
    case DEC_H2_GOAWAY:
        if (f->stream != 0)
            BAD(DEC_H2_P_STREAM_NONZERO, "must be on stream 0");
        if (f->type == DEC_H2_SETTINGS && (f->flags & DEC_H2_F_ACK) && f->length != 0)
            BAD(DEC_H2_P_SETTINGS_ACK_PAYLOAD, "an ACK must be empty (6.5)");
        if (f->type == DEC_H2_SETTINGS && f->length % 6 != 0)
            BAD(DEC_H2_P_FRAME_SIZE, "not a multiple of 6 bytes (6.5)");
        if (f->type == DEC_H2_PING && f->length != 8)
            BAD(DEC_H2_P_FRAME_SIZE, "must be 8 bytes (6.7)");
        if (f->type == DEC_H2_GOAWAY && f->length < 8)
            BAD(DEC_H2_P_FRAME_SIZE, "shorter than 8 bytes (6.8)");
        return;
    case DEC_H2_WINDOW_UPDATE:
        if (f->length != 4)
            BAD(DEC_H2_P_FRAME_SIZE, "must be 4 bytes (6.9)");
        return;
    case DEC_H2_DATA:
    case DEC_H2_HEADERS:
    case DEC_H2_PRIORITY:
    case DEC_H2_RST_STREAM:
    case DEC_H2_PUSH_PROMISE:
    case DEC_H2_CONTINUATION:
        if (f->stream == 0)
            BAD(DEC_H2_P_STREAM_ZERO, "needs a stream");
        if (f->type == DEC_H2_PRIORITY && f->length != 5)
            BAD(DEC_H2_P_FRAME_SIZE, "must be 5 bytes (6.3)");
        if (f->type == DEC_H2_RST_STREAM && f->length != 4)
            BAD(DEC_H2_P_FRAME_SIZE, "must be 4 bytes (6.4)");
        if (f->length < fixed_size(f->type, f->flags))
            BAD(DEC_H2_P_FRAME_SIZE, "too short for its padding and fields");
        return;
    default:
        f->skip = true;  /* 4.1, 5.5: unknown types are ignored */
    }
}

static void priority_fields(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p)
{
    struct h2frame *f = &h->d[dir].f;
    uint32_t dep = be32(p);
    f->ev.has_priority = true;
    f->ev.exclusive = (dep >> 31) != 0;
    f->ev.dependency = dep & 0x7fffffffu;
    f->ev.weight = (uint16_t)(p[4] + 1);
    if (f->ev.dependency == f->stream)
        note(h, dir, DEC_H2_P_SELF_DEPENDENCY, f->stream, f->offset,
             "stream %u depends on itself (RFC 9113 5.3.1)", f->stream);
}

/* DATA: which stream gets its bytes */
static void data_begin(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2frame *f = &h->d[dir].f;
    struct h2stream *s = st_for_frame(h, dir, DEC_H2_DATA, f->stream);
    if (!s)
        return;
    if (sender_done(s, dir)) {
        note(h, dir, DEC_H2_P_STREAM_CLOSED, f->stream, f->offset,
             "DATA on stream %u after its sender's END_STREAM", f->stream);
        return;
    }
    uint16_t head = dir == TR_DIR_C2S ? S_REQ : S_HDR_S;
    if (!(s->fl & (head | S_ADOPTED)))
        note(h, dir, DEC_H2_P_DATA_BEFORE_HEADERS, f->stream, f->offset,
             "DATA on stream %u before the %s's header block (RFC 9113 8.1)", f->stream,
             dir == TR_DIR_C2S ? "request" : "response");
    f->deliver = true;
}

/* the fixed fields are in (RFC 9113 6.1 .. 6.9): read them, check padding */
static void fixed_done(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *d = &h->d[dir];
    struct h2frame *f = &d->f;
    const uint8_t *p = f->fix;
    bool padded = (f->flags & DEC_H2_F_PADDED) &&
                  (f->type == DEC_H2_DATA || f->type == DEC_H2_HEADERS ||
                   f->type == DEC_H2_PUSH_PROMISE);
    if (padded) {
        f->pad = *p++;
        f->ev.pad_length = f->pad;
        if (f->pad > f->length - f->fixed)
            BAD(DEC_H2_P_PAD_TOO_LONG, "its padding is longer than its payload (6.1)");
    }
    switch (f->type) {
    case DEC_H2_DATA:
    case DEC_H2_HEADERS:
    case DEC_H2_PUSH_PROMISE:
        if (f->type == DEC_H2_HEADERS && (f->flags & DEC_H2_F_PRIORITY))
            priority_fields(h, dir, p);
        if (f->type == DEC_H2_PUSH_PROMISE)
            f->ev.promised_stream = be32(p) & 0x7fffffffu;
        f->body = f->length - f->fixed - f->pad;
        break;
    case DEC_H2_CONTINUATION:
    case DEC_H2_SETTINGS:
        f->body = f->length;
        break;
    case DEC_H2_PRIORITY:
        priority_fields(h, dir, p);
        break;
    case DEC_H2_RST_STREAM:
        f->ev.error_code = be32(p);
        break;
    case DEC_H2_PING:
        memcpy(f->ev.opaque, p, 8);
        break;
    case DEC_H2_GOAWAY:
        f->ev.last_stream = be32(p) & 0x7fffffffu;
        f->ev.error_code = be32(p + 4);
        f->body = f->length - 8;
        f->ev.debug_length = f->body;
        break;
    case DEC_H2_WINDOW_UPDATE:
        f->ev.increment = be32(p) & 0x7fffffffu;
        break;
    }
    if (is_fragment_type(f->type) || f->type == DEC_H2_DATA)
        f->ev.content_length = f->body;
    if (f->type == DEC_H2_DATA) {
        data_begin(h, dir);
    } else if (f->type == DEC_H2_PUSH_PROMISE) {
        if (dir == TR_DIR_C2S)
            note(h, dir, DEC_H2_P_PUSH_REFUSED, f->stream, f->offset,
                 "PUSH_PROMISE from the client: only servers push (RFC 9113 8.4)");
        else if (!d->push_enabled)
            note(h, dir, DEC_H2_P_PUSH_REFUSED, f->stream, f->offset,
                 "PUSH_PROMISE after the client's SETTINGS_ENABLE_PUSH 0 (RFC 9113 6.6)");
        block_begin(h, dir);
    } else if (f->type == DEC_H2_HEADERS) {
        block_begin(h, dir);
    }
}

/* body bytes (NULL: never captured) */
static void body_bytes(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p, size_t n)
{
    struct h2dir *d = &h->d[dir];
    struct h2frame *f = &d->f;
    switch (f->type) {
    case DEC_H2_DATA: {
        struct h2stream *s = f->deliver ? st_find(h, f->stream) : NULL;
        if (!s) {
            f->deliver = false;  /* reset meanwhile by the other side */
            return;
        }
        if (p)
            s->data[dir] += n;
        else
            s->gap[dir] += n;
        if (h->sink.on_data) {
            struct dec_h2_data ev = {dir, f->stream, s->index, d->pos, p, n, d->pframes,
                                     d->npframes, d->pts};
            h->sink.on_data(h->sink.ctx, &ev);
        }
        return;
    }
    case DEC_H2_HEADERS:
    case DEC_H2_PUSH_PROMISE:
    case DEC_H2_CONTINUATION:
        block_bytes(h, dir, p, n);
        return;
    case DEC_H2_SETTINGS:
        if (!p) {  /* entries lost: the frame cannot be applied */
            f->skip = true;
            return;
        }
        while (n > 0) {
            size_t t = (size_t)(6 - f->sacc_n) < n ? (size_t)(6 - f->sacc_n) : n;
            memcpy(f->sacc + f->sacc_n, p, t);
            f->sacc_n = (uint8_t)(f->sacc_n + t);
            p += t;
            n -= t;
            if (f->sacc_n == 6) {  /* RFC 9113 6.5.1 */
                settings_entry(h, dir, &d->cur, (uint16_t)(f->sacc[0] << 8 | f->sacc[1]),
                               be32(f->sacc + 2), f->offset);
                f->sacc_n = 0;
            }
        }
        return;
    case DEC_H2_GOAWAY:
        if (p && f->ev.debug_kept < DEC_H2_MAX_DEBUG_KEPT) {
            size_t t = DEC_H2_MAX_DEBUG_KEPT - f->ev.debug_kept;
            t = t < n ? t : n;
            memcpy(d->debug + f->ev.debug_kept, p, t);
            f->ev.debug_kept += t;
        }
        return;
    }
}

/* HEADERS: the stream it opens or continues (RFC 9113 5.1, 5.1.1, 8.1) */
static struct h2stream *headers_stream(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2frame *f = &h->d[dir].f;
    uint32_t id = f->stream;
    struct h2stream *s = st_find(h, id);
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
        note(h, dir, DEC_H2_P_STREAM_ID, id, f->offset,
             "HEADERS from the client on even stream %u: clients open odd ones (5.1.1)", id);
        return NULL;
    }
    if (!s)
        return st_for_frame(h, dir, DEC_H2_HEADERS, id);
    if (sender_done(s, dir)) {
        note(h, dir, DEC_H2_P_STREAM_CLOSED, id, f->offset,
             "HEADERS on stream %u after its sender's END_STREAM", id);
        return NULL;
    }
    if (s->fl & S_RESERVED) {  /* 5.1: reserved (remote) -> half-closed (remote) */
        s->fl &= (uint16_t)~S_RESERVED;
        st_count_open(h, s);
    }
    return s;
}

/* what a frame does once read, before and after its on_frame */
static void frame_done(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *d = &h->d[dir];
    struct h2frame *f = &d->f;
    struct dec_h2_frame *ev = &f->ev;
    d->st = D_HEADER;
    d->hlen = 0;
    if (f->type < DEC_H2_TYPE_COUNT)
        h->c.frames[f->type]++;
    else
        h->c.unknown_frames++;
    flist_finish(&d->ff);
    ev->frames = d->ff.v;
    ev->nframes = d->ff.n;
    ev->ts = d->ff.ts_min;
    ev->ts_end = d->ff.ts_max;
    ev->gap = f->gap;
    ev->first = f->first;
    bool live = !f->skip;
    bool ack = (f->flags & DEC_H2_F_ACK) != 0;
    const struct h2settings *acked = NULL;
    if (live && f->type == DEC_H2_HEADERS && !headers_stream(h, dir))
        d->blk.orphan = true;
    if (live && f->type == DEC_H2_SETTINGS && ack && (acked = settings_acked(h, dir))) {
        ev->settings = acked->kept;
        ev->nsettings = acked->nkept;
    }
    if (f->type == DEC_H2_SETTINGS && !ack) {
        ev->settings = d->cur.kept;
        ev->nsettings = d->cur.nkept;
        if (f->length / 6 > DEC_H2_MAX_SETTINGS_KEPT)
            note(h, dir, DEC_H2_P_LIMIT_SETTINGS, 0, f->offset,
                 "a SETTINGS frame of %u entries: the first %d are shown", f->length / 6,
                 DEC_H2_MAX_SETTINGS_KEPT);
    }
    if (f->type == DEC_H2_GOAWAY)
        ev->debug = d->debug;
    if (h->sink.on_frame)
        h->sink.on_frame(h->sink.ctx, ev);
    if (!live)
        return;
    struct h2stream *s;
    switch (f->type) {
    case DEC_H2_DATA:
        if (f->deliver && (f->flags & DEC_H2_F_END_STREAM) && (s = st_find(h, f->stream)))
            st_half_close(h, s, dir);
        break;
    case DEC_H2_HEADERS:
    case DEC_H2_PUSH_PROMISE:
    case DEC_H2_CONTINUATION:
        block_frame(h, dir);
        if (f->flags & DEC_H2_F_END_HEADERS)
            block_end(h, dir);
        break;
    case DEC_H2_SETTINGS:
        if (!ack)
            settings_sent(h, dir);
        break;
    case DEC_H2_RST_STREAM:
        if ((s = st_for_frame(h, dir, DEC_H2_RST_STREAM, f->stream)))
            st_close(h, s, dir, DEC_H2_END_RST_STREAM, ev->error_code);
        else
            remember_reset(h, f->stream);
        break;
    case DEC_H2_WINDOW_UPDATE:
        if (ev->increment == 0)
            note(h, dir, DEC_H2_P_WINDOW_ZERO, f->stream, f->offset,
                 "WINDOW_UPDATE on stream %u with an increment of 0 (6.9)", f->stream);
        else if (f->stream)
            st_for_frame(h, dir, DEC_H2_WINDOW_UPDATE, f->stream);
        break;
    case DEC_H2_GOAWAY:
        /* 6.8: streams the receiver opened above last_stream were not processed */
        if (h->goaway_from[dir] && ev->last_stream > h->goaway_last[dir])
            note(h, dir, DEC_H2_P_GOAWAY_INCREASED, 0, f->offset,
                 "a GOAWAY raised last_stream from %u to %u (6.8)", h->goaway_last[dir],
                 ev->last_stream);
        h->goaway_from[dir] = true;
        h->goaway_last[dir] = ev->last_stream;
        h->goaway = h->c.goaway = true;
        h->goaway_code = ev->error_code;
        st_end_all(h, dir, other(dir), ev->last_stream, false, DEC_H2_END_GOAWAY, ev->error_code);
        break;
    }
}

/* the frame under read stops here (a gap or the end): what it held is lost */
static void frame_cut(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2frame *f = &h->d[dir].f;
    f->ev.truncated = true;
    f->skip = true;
    if (is_fragment_type(f->type))
        block_abandon(h, dir, "its frame was cut short");
    frame_done(h, dir);
}

/* ------------------------------------------------- the direction's machine -- */

static void enter_sync(struct dec_h2 *h, enum tr_dir dir, enum dec_h2_note_kind kind);
static void sync_append(struct h2dir *d, const uint8_t *p, size_t n);

/* a frame header is whole: begin the frame (RFC 9113 4.1, 4.2) */
static void frame_begin(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2dir *d = &h->d[dir];
    struct h2frame *f = &d->f;
    uint32_t length = be24(d->hdr);
    if (length > d->max_frame) {
        /* 4.2: a length this side may not send. The header came where one
         * was due, so frames are looked for after it. */
        note(h, dir, DEC_H2_P_FRAME_TOO_LARGE, be32(d->hdr + 5) & 0x7fffffffu, d->pos - 9,
             "a frame header says %u bytes, over the %u SETTINGS_MAX_FRAME_SIZE allows: "
             "looking for frames after it", length, d->max_frame);
        d->st = D_HEADER;
        enter_sync(h, dir, DEC_H2_NOTE_MALFORMED);
        return;
    }
    memset(f, 0, sizeof *f);
    f->type = d->hdr[3];
    f->flags = d->hdr[4];
    f->stream = be32(d->hdr + 5) & 0x7fffffffu;  /* 4.1: the R bit is ignored */
    f->length = length;
    f->offset = d->pos - DEC_H2_FRAME_HEADER;
    f->ev.dir = dir;
    f->ev.type = f->type;
    f->ev.flags = f->flags;
    f->ev.stream = f->stream;
    f->ev.length = length;
    f->ev.offset = f->offset;
    d->st = D_PAYLOAD;
    if (f->type == DEC_H2_SETTINGS)
        settings_reset(&d->cur);
    if (!d->first_done) {  /* 3.4: each side's preface ends in (or is) a SETTINGS frame */
        d->first_done = true;
        f->first = true;
        if (f->type != DEC_H2_SETTINGS || (f->flags & DEC_H2_F_ACK))
            note(h, dir, DEC_H2_P_FIRST_NOT_SETTINGS, f->stream, f->offset,
                 "the %s's first frame is %s, not SETTINGS (RFC 9113 3.4)",
                 dir == TR_DIR_C2S ? "client" : "server",
                 dec_h2_type_name(f->type) ? dec_h2_type_name(f->type) : "of an unknown type");
    }
    if (d->blk.active && (f->type != DEC_H2_CONTINUATION || f->stream != d->blk.stream)) {
        /* 6.10: nothing may come between a block's frames */
        note(h, dir, DEC_H2_P_CONTINUATION_EXPECTED, f->stream, f->offset,
             "a %s frame on stream %u where a CONTINUATION of stream %u must come",
             dec_h2_type_name(f->type) ? dec_h2_type_name(f->type) : "unknown",
             f->stream, d->blk.stream);
        d->blk.active = false;
        lose_table(h, dir);
    }
    if (!d->blk.active && f->type == DEC_H2_CONTINUATION) {
        malformed(h, dir, DEC_H2_P_CONTINUATION_UNEXPECTED, "%s frame on stream %u, %u bytes: %s",
                  "no header block is open (6.10)");
    }
    if (!f->skip)
        frame_check(h, dir);
    if (!f->skip) {
        f->fixed = fixed_size(f->type, f->flags);
        if (f->fixed == 0)
            fixed_done(h, dir);
    }
    if (f->length == 0)
        frame_done(h, dir);
}

static size_t preface_bytes(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p, size_t n)
{
    struct h2dir *d = &h->d[dir];
    size_t m = DEC_H2_PREFACE_LEN - d->pre;
    m = m < n ? m : n;
    if (memcmp(p, &DEC_H2_PREFACE[d->pre], m) != 0) {
        note(h, dir, DEC_H2_P_NO_PREFACE, 0, d->pos - d->pre,
             "the client's first bytes are not the HTTP/2 connection preface (RFC 9113 3.4)");
        d->first_done = true;
        /* frames are looked for from the first byte, whatever piece held it */
        size_t pre = d->pre;
        d->pos -= pre;
        enter_sync(h, dir, DEC_H2_NOTE_MALFORMED);
        sync_append(d, (const uint8_t *)DEC_H2_PREFACE, pre);
        d->pos += pre;
        return 0;
    }
    if (d->pre == 0)
        flist_reset(&d->ff);
    touch(d);
    d->pre += m;
    d->pos += m;
    if (d->pre == DEC_H2_PREFACE_LEN) {
        d->st = D_HEADER;
        h->c.preface = true;
        flist_finish(&d->ff);
        struct dec_h2_preface ev = {d->pos - DEC_H2_PREFACE_LEN, d->ff.v, d->ff.n, d->ff.ts_min,
                                    d->ff.ts_max};
        if (h->sink.on_preface)
            h->sink.on_preface(h->sink.ctx, &ev);
    }
    return m;
}

static size_t header_bytes(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p, size_t n)
{
    struct h2dir *d = &h->d[dir];
    if (d->hlen == 0) {
        flist_reset(&d->ff);
        d->ff_piece = 0;
    }
    touch(d);
    size_t m = DEC_H2_FRAME_HEADER - d->hlen;
    m = m < n ? m : n;
    memcpy(d->hdr + d->hlen, p, m);
    d->hlen += m;
    d->pos += m;
    if (d->hlen == DEC_H2_FRAME_HEADER)
        frame_begin(h, dir);
    return m;
}

/* payload bytes (p NULL: never captured) */
static size_t payload_bytes(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p, size_t n)
{
    struct h2dir *d = &h->d[dir];
    struct h2frame *f = &d->f;
    size_t k = f->length - f->got;
    k = k < n ? k : n;
    if (p)
        touch(d);
    else
        f->gap = true;
    for (size_t i = 0; i < k;) {
        size_t m = k - i;
        if (f->skip) {
            /* the rest is not read */
        } else if (f->fixed_have < f->fixed) {
            m = m < f->fixed - f->fixed_have ? m : f->fixed - f->fixed_have;
            if (p) {
                memcpy(f->fix + f->fixed_have, p + i, m);
            } else {  /* fixed fields lost: the frame cannot be read */
                f->skip = true;
                if (is_fragment_type(f->type))
                    lose_table(h, dir);
            }
            f->fixed_have += (uint32_t)m;
            if (!f->skip && f->fixed_have == f->fixed)
                fixed_done(h, dir);
        } else if (f->body_got < f->body) {
            m = m < f->body - f->body_got ? m : f->body - f->body_got;
            body_bytes(h, dir, p ? p + i : NULL, m);
            f->body_got += (uint32_t)m;
        } else if (p && !f->pad_noted) {  /* 6.1: padding octets are zero */
            for (size_t j = 0; j < m; j++)
                if (p[i + j]) {
                    f->pad_noted = true;
                    note(h, dir, DEC_H2_P_PAD_NONZERO, f->stream, f->offset,
                         "%s frame on stream %u: padding that is not zero",
                         dec_h2_type_name(f->type), f->stream);
                    break;
                }
        }
        i += m;
        f->got += (uint32_t)m;
        d->pos += m;
    }
    if (f->got == f->length)
        frame_done(h, dir);
    return k;
}

/* ----------------------------------------------------- finding frames again -- */

static void sbuf_clear(struct sbuf *s, uint64_t off)
{
    s->len = s->nm = s->nfr = 0;
    s->off = off;
}

static void sbuf_free(struct sbuf *s)
{
    free(s->b);
    free(s->m);
    free(s->fr);
    memset(s, 0, sizeof *s);
}

/* bytes at stream offset off, carried by capture frames fr[nfr] at ts */
static void sbuf_append(struct sbuf *s, const uint8_t *p, size_t n, uint64_t off,
                        const uint64_t *fr, size_t nfr, tr_time ts)
{
    if (n == 0)
        return;
    if (s->len == 0)
        sbuf_clear(s, off);
    xgrow(&s->b, &s->cap, s->len + n, 1);
    memcpy(s->b + s->len, p, n);
    s->len += n;
    const struct smark *last = s->nm ? &s->m[s->nm - 1] : NULL;
    if (last && last->nfr == nfr && last->ts == ts &&
        (nfr == 0 || memcmp(s->fr + last->fr, fr, nfr * sizeof *fr) == 0))
        return;  /* the same frames as the piece before: one piece */
    xgrow(&s->m, &s->mcap, s->nm + 1, sizeof *s->m);
    xgrow(&s->fr, &s->frcap, s->nfr + nfr + 1, sizeof *s->fr);
    if (nfr)
        memcpy(s->fr + s->nfr, fr, nfr * sizeof *fr);
    s->m[s->nm++] = (struct smark){off, s->nfr, nfr, ts};
    s->nfr += nfr;
}

/* the first o bytes leave; so do the pieces wholly in them */
static void sbuf_drop(struct sbuf *s, size_t o)
{
    memmove(s->b, s->b + o, s->len - o);
    s->len -= o;
    s->off += o;
    size_t k = 0;  /* marks wholly before the new start */
    while (k + 1 < s->nm && s->m[k + 1].off <= s->off)
        k++;
    if (k == 0)
        return;
    size_t f0 = s->m[k].fr;
    memmove(s->fr, s->fr + f0, (s->nfr - f0) * sizeof *s->fr);
    s->nfr -= f0;
    memmove(s->m, s->m + k, (s->nm - k) * sizeof *s->m);
    s->nm -= k;
    for (size_t i = 0; i < s->nm; i++)
        s->m[i].fr -= f0;
}

/* the piece of s that holds byte *at (at most up to the next piece), as the
 * piece being read; *at moves past it */
static size_t sbuf_piece(struct h2dir *d, const struct sbuf *s, size_t *at, const uint8_t **p)
{
    uint64_t off = s->off + *at;
    size_t k = 0;
    while (k + 1 < s->nm && s->m[k + 1].off <= off)
        k++;
    size_t end = k + 1 < s->nm ? (size_t)(s->m[k + 1].off - s->off) : s->len;
    const struct smark *m = &s->m[k];
    d->pframes = s->fr + m->fr;
    d->npframes = m->nfr;
    d->pts = m->ts;
    d->piece++;
    if (m->nfr)
        d->last_frame = s->fr[m->fr + m->nfr - 1];
    *p = s->b + *at;
    size_t n = end - *at;
    *at = end;
    return n;
}

static void sync_append(struct h2dir *d, const uint8_t *p, size_t n)
{
    sbuf_append(&d->s, p, n, d->pos, d->pframes, d->npframes, d->pts);
}

/* Framing is lost at d->pos: what was under read ends, HPACK loses the
 * table, and bytes are searched for frames from here. */
static void enter_sync(struct dec_h2 *h, enum tr_dir dir, enum dec_h2_note_kind kind)
{
    struct h2dir *d = &h->d[dir];
    if (d->st == D_PAYLOAD)
        frame_cut(h, dir);
    block_abandon(h, dir, "framing was lost");
    lose_table(h, dir);
    d->st = D_SYNC;
    sbuf_clear(&d->s, d->pos);
    d->sskipped = 0;
    d->skind = kind;
    d->squiet = false;
}

/* The longest frame a search accepts: what the receiver allows or has asked
 * to allow (its SETTINGS not yet acknowledged), within reason. */
static uint32_t sync_maxlen(const struct dec_h2 *h, enum tr_dir dir)
{
    const struct h2dir *d = &h->d[dir], *o = &h->d[other(dir)];
    uint32_t m = d->max_frame == MAX_FRAME_UNKNOWN ? 16384 : d->max_frame;  /* 6.5.2 */
    for (size_t i = 0; i < o->pn; i++) {
        int64_t v = o->pend[(o->phead + i) % PENDING_MAX].val[DEC_H2_SET_MAX_FRAME_SIZE];
        if (v > (int64_t)m)
            m = (uint32_t)v;
    }
    return m < SYNC_FRAME_MAX ? m : SYNC_FRAME_MAX;
}

/* Look for a frame start in the bytes kept. true: at sb[*at]. false: wait for
 * more (bytes that cannot start one are dropped), or the search gave up. */
static bool sync_search(struct dec_h2 *h, enum tr_dir dir, bool at_end, size_t *at)
{
    struct h2dir *d = &h->d[dir];
    uint32_t maxlen = sync_maxlen(h, dir);
    size_t o = 0;
    for (; o < d->s.len; o++) {
        enum chain c = chain_at(d->s.b + o, d->s.len - o, maxlen, at_end);
        if (c == CHAIN_YES) {
            *at = o;
            return true;
        }
        if (c == CHAIN_MORE)
            break;
    }
    if (o > 0) {
        sbuf_drop(&d->s, o);
        d->sskipped += o;
    }
    if (d->sskipped > SYNC_GIVEUP) {
        note(h, dir, DEC_H2_P_SYNC_GIVEUP, 0, d->s.off,
             "no HTTP/2 frames in %llu bytes: the rest of this direction is not read",
             (unsigned long long)d->sskipped);
        d->st = D_DEAD;
        sbuf_clear(&d->s, d->pos);
    }
    return false;
}

/* Run the direction's machine over bytes; at_end: no more will come. After
 * frames are found again, the bytes kept are re-read piece by piece, each
 * with the capture frames that carried it. */
static void run(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p, size_t n, bool at_end)
{
    struct h2dir *d = &h->d[dir];
    struct sbuf own = {0};  /* a search buffer being re-read */
    size_t ob = 0;          /* its next byte */
    for (;;) {
        if (d->st == D_SYNC) {
            sync_append(d, p, n);
            d->pos += n;
            n = 0;
            while (ob < own.len) {  /* what is left of a re-read goes back, piece by piece */
                n = sbuf_piece(d, &own, &ob, &p);
                sync_append(d, p, n);
                d->pos += n;
                n = 0;
            }
            size_t at;
            if (!sync_search(h, dir, at_end, &at))
                break;
            uint64_t skipped = d->sskipped + at;
            if (skipped > 0 || !d->squiet)
                note(h, dir, DEC_H2_P_SYNC_FOUND, 0, d->s.off + at,
                     "frames found again at offset %llu, %llu bytes skipped",
                     (unsigned long long)(d->s.off + at), (unsigned long long)skipped);
            sbuf_free(&own);
            own = d->s;
            memset(&d->s, 0, sizeof d->s);
            ob = at;
            d->pos = own.off + at;
            d->st = D_HEADER;
            d->hlen = 0;
            d->squiet = false;
            continue;
        }
        if (n == 0) {
            if (ob < own.len) {  /* the next piece of a re-read */
                n = sbuf_piece(d, &own, &ob, &p);
                continue;
            }
            break;
        }
        size_t k;
        switch (d->st) {
        case D_PREFACE:
            k = preface_bytes(h, dir, p, n);
            break;
        case D_HEADER:
            k = header_bytes(h, dir, p, n);
            break;
        case D_PAYLOAD:
            k = payload_bytes(h, dir, p, n);
            break;
        default:  /* D_DEAD, D_ENDED */
            d->pos += n;
            k = n;
            break;
        }
        p += k;
        n -= k;
    }
    if (own.b) {  /* the piece pointed into it */
        d->pframes = NULL;
        d->npframes = 0;
    }
    sbuf_free(&own);
}

/* --------------------------------------------------------------------- API -- */

struct dec_h2 *dec_h2_new(const struct dec_h2_opts *opts, const struct dec_h2_sink *sink)
{
    struct dec_h2 *h = xcalloc(1, sizeof *h);
    if (sink)
        h->sink = *sink;
    h->o = *opts;
    if (!h->o.max_streams)
        h->o.max_streams = DEC_H2_DEFAULT_MAX_STREAMS;
    if (!h->o.max_block)
        h->o.max_block = DEC_H2_DEFAULT_MAX_BLOCK;
    bool mid = h->o.start == DEC_H2_START_MIDSTREAM;
    for (int i = 0; i < 2; i++) {
        struct h2dir *d = &h->d[i];
        d->hp = dec_hpack_new(!mid, h->o.max_fields, h->o.max_decoded);
        d->max_frame = mid ? MAX_FRAME_UNKNOWN : 16384;  /* RFC 9113 6.5.2 */
        d->push_enabled = true;
        d->st = mid ? D_SYNC : (i == TR_DIR_C2S ? D_PREFACE : D_HEADER);
        d->first_done = mid;
        d->skind = DEC_H2_NOTE_GAP;
        d->squiet = mid;
    }
    return h;
}

void dec_h2_free(struct dec_h2 *h)
{
    if (!h)
        return;
    for (int i = 0; i < 2; i++) {
        struct h2dir *d = &h->d[i];
        dec_hpack_free(d->hp);
        flist_free(&d->ff);
        flist_free(&d->blk.frames);
        free(d->blk.buf);
        free(d->blk.fr);
        sbuf_free(&d->s);
    }
    free(h->tab);
    free(h->spare);
    free(h->gone);
    free(h->split);
    free(h->ids);
    free(h);
}

/* the piece being read: its frames and time, for frames lists and notes */
static void piece(struct h2dir *d, const uint64_t *frames, size_t nframes, tr_time ts)
{
    d->pframes = frames;
    d->npframes = nframes;
    d->pts = ts;
    d->piece++;
    if (nframes)
        d->last_frame = frames[nframes - 1];
}

static void begin_call(struct dec_h2 *h)
{
    if (!h->announced) {
        announce(h);
        if (h->o.start == DEC_H2_START_UPGRADE)
            settings_upgrade(h);
    }
}

static void gap_run(struct dec_h2 *h, enum tr_dir dir, uint64_t len);

void dec_h2_feed(struct dec_h2 *h, enum tr_dir dir, uint64_t offset, const uint8_t *data,
                 size_t len, const uint64_t *frames, size_t nframes, tr_time ts)
{
    struct h2dir *d = &h->d[dir];
    if (h->finished || len == 0)
        return;
    begin_call(h);
    piece(d, frames, nframes, ts);
    if (!d->started) {
        d->started = true;
        d->pos = d->s.off = offset;
    } else if (offset > d->pos) {
        gap_run(h, dir, offset - d->pos);
        piece(d, frames, nframes, ts);
    } else if (offset < d->pos) {  /* seen already */
        if (d->pos - offset >= len)
            return;
        data += d->pos - offset;
        len -= (size_t)(d->pos - offset);
    }
    run(h, dir, data, len, false);
}

/* len bytes at d->pos were never captured */
static void gap_run(struct dec_h2 *h, enum tr_dir dir, uint64_t len)
{
    struct h2dir *d = &h->d[dir];
    if (d->st == D_PAYLOAD) {
        /* inside a frame whose length is known: only its bytes are lost */
        uint64_t rem = d->f.length - d->f.got;
        uint64_t m = len < rem ? len : rem;
        payload_bytes(h, dir, NULL, (size_t)m);
        len -= m;
        if (len == 0)
            return;
    }
    switch (d->st) {
    case D_PREFACE:
    case D_HEADER:
    case D_PAYLOAD:
        note(h, dir, DEC_H2_P_SYNC_LOST, 0, d->pos,
             "%llu bytes never captured: the HTTP/2 frames after them must be found again",
             (unsigned long long)len);
        d->first_done = true;
        enter_sync(h, dir, DEC_H2_NOTE_GAP);
        break;
    case D_SYNC:
        d->sskipped += d->s.len;
        break;
    default:
        break;
    }
    d->pos += len;
    sbuf_clear(&d->s, d->pos);
}

void dec_h2_gap(struct dec_h2 *h, enum tr_dir dir, uint64_t offset, uint64_t len, uint64_t frame,
                tr_time ts)
{
    struct h2dir *d = &h->d[dir];
    if (h->finished || len == 0)
        return;
    begin_call(h);
    piece(d, &frame, 1, ts);
    if (!d->started) {
        d->started = true;
        d->pos = d->s.off = offset;
    }
    if (offset + len <= d->pos)
        return;
    if (offset > d->pos)
        len += offset - d->pos;
    else
        len -= d->pos - offset;
    gap_run(h, dir, len);
    d->pframes = NULL;  /* &frame dies with this call */
    d->npframes = 0;
}

void dec_h2_end(struct dec_h2 *h, enum tr_dir dir, uint64_t frame, tr_time ts)
{
    struct h2dir *d = &h->d[dir];
    if (h->finished || d->st == D_ENDED)
        return;
    begin_call(h);
    if (frame)
        d->last_frame = frame;
    d->pts = ts;
    run(h, dir, NULL, 0, true);
    switch (d->st) {
    case D_PREFACE:
        if (d->pre > 0)
            note(h, dir, DEC_H2_P_NO_PREFACE, 0, d->pos - d->pre,
                 "the connection preface was cut short after %zu bytes", d->pre);
        break;
    case D_HEADER:
        if (d->hlen > 0)
            note(h, dir, DEC_H2_P_TRUNCATED_FRAME, 0, d->pos - d->hlen,
                 "the direction ends inside a frame header (%zu of 9 bytes)", d->hlen);
        break;
    case D_PAYLOAD:
        note(h, dir, DEC_H2_P_TRUNCATED_FRAME, d->f.stream, d->f.offset,
             "the direction ends inside a %s frame: %u of its %u payload bytes",
             dec_h2_type_name(d->f.type) ? dec_h2_type_name(d->f.type) : "unknown", d->f.got,
             d->f.length);
        frame_cut(h, dir);
        break;
    case D_SYNC:
        if (d->s.len > 0)
            note(h, dir, DEC_H2_P_SYNC_GIVEUP, 0, d->s.off,
                 "the last %zu bytes of this direction are not whole HTTP/2 frames", d->s.len);
        break;
    default:
        break;
    }
    block_abandon(h, dir, "its direction ended");
    d->st = D_ENDED;
    d->pframes = NULL;
    d->npframes = 0;
}

void dec_h2_finish(struct dec_h2 *h, bool closed, uint64_t frame, tr_time ts)
{
    if (h->finished)
        return;
    begin_call(h);
    for (int i = 0; i < 2; i++)
        dec_h2_end(h, (enum tr_dir)i, frame, ts);
    for (int i = 0; i < 2; i++) {
        if (frame)
            h->d[i].last_frame = frame;
        h->d[i].pts = ts;
    }
    enum dec_h2_end how = h->goaway ? DEC_H2_END_GOAWAY
                          : closed  ? DEC_H2_END_CONN_CLOSE
                                    : DEC_H2_END_CAPTURE_END;
    st_end_all(h, TR_DIR_C2S, TR_DIR_C2S, 0, true, how, h->goaway ? h->goaway_code : 0);
    h->finished = true;
}

void dec_h2_counts(const struct dec_h2 *h, struct dec_h2_counts *out)
{
    *out = h->c;
}
