/* hpack.c - HTTP/2 header blocks decoded (HPACK, RFC 7541): libnghttp2's
 * inflater while the dynamic table is known, a bounded walker of our own
 * while it is not (a capture that began mid-connection, or after blocks were
 * lost), and a classifier that says how each field was represented
 *
 * The walker keeps only the entries it saw added. The k-th newest entry of
 * the table is always the k-th newest insertion (RFC 7541 2.3.3), so an index
 * naming one of those is known whatever came before; older ones are reported
 * as unknown, never guessed. Huffman strings (RFC 7541 5.2) are decoded by a
 * scratch nghttp2 inflater fed a one-field block: nghttp2 exports no Huffman
 * decoder of its own.
 */
#include "h2.h"

#include <nghttp2/nghttp2.h>
#include <stdlib.h>
#include <string.h>

#define STATIC_ENTRIES 61        /* RFC 7541 Appendix A */
#define ENTRY_OVERHEAD 32        /* RFC 7541 4.1 */
#define WALK_MEMCAP (64u << 10)  /* entry bytes the walker keeps when no bound is known */
#define DEFAULT_TABLE 4096       /* SETTINGS_HEADER_TABLE_SIZE's initial value */

/* a string literal in the block (RFC 7541 5.2) */
struct lit {
    uint32_t pfx;                /* its first byte: H bit and length prefix */
    uint32_t off, len;           /* the string's bytes */
    bool huff;
};

/* one representation, as the classifier reads it (RFC 7541 6) */
struct rep {
    enum dec_hpack_rep kind;
    bool size_update;            /* 6.3: no field */
    uint32_t index;              /* or the new size for a size update */
    uint32_t off, len;           /* its bytes in the block */
    struct lit name, value;      /* string literals (name: only with index 0) */
};

/* a field being built: offsets into the arena, or unknown */
struct outf {
    uint32_t noff, nlen, voff, vlen;
};

/* the walker's entry: name then value bytes at sb[off] */
struct ent {
    size_t off;
    uint32_t nlen, vlen;
    bool name_known;
};

/* ------------------------------------------------------ nghttp2's memory -- */
/* libnghttp2's inflater allocates a buffer for each literal string it decodes
 * and frees it soon after. Its blocks come from this cache instead: freed
 * blocks wait in lists by power-of-two size, so a connection in its steady
 * state allocates nothing. Each block carries its size class in front. */

#define POOL_HEAD 16                 /* class, (big blocks) size; keeps 16-byte alignment */
#define POOL_MIN 5                   /* 32 bytes */
#define POOL_CLASSES 17              /* up to 64 KiB; larger blocks are not cached */
#define POOL_KEEP (256u << 10)       /* bytes waiting in the lists, at most */
#define POOL_BIG 0xff

struct pool {
    void *free[POOL_CLASSES];        /* a block's first word links the next */
    size_t kept;
};

static unsigned pool_class(size_t size)
{
    unsigned c = POOL_MIN;
    while (c < POOL_CLASSES && ((size_t)1 << c) - POOL_HEAD < size)
        c++;
    return c < POOL_CLASSES ? c : POOL_BIG;
}

static void *pool_malloc(size_t size, void *ud)
{
    struct pool *pl = ud;
    unsigned c = pool_class(size);
    uint8_t *b;
    if (c != POOL_BIG && pl->free[c]) {
        b = pl->free[c];
        memcpy(&pl->free[c], b, sizeof(void *));
        pl->kept -= (size_t)1 << c;
    } else if (c != POOL_BIG) {
        b = tr_xmalloc((size_t)1 << c);
    } else {
        if (size > SIZE_MAX - POOL_HEAD)
            return NULL;
        b = tr_xmalloc(size + POOL_HEAD);
        memcpy(b + sizeof(size_t), &size, sizeof size);  /* a big block's size, for realloc */
    }
    b[0] = (uint8_t)c;
    return b + POOL_HEAD;
}

static void pool_free(void *ptr, void *ud)
{
    struct pool *pl = ud;
    if (!ptr)
        return;
    uint8_t *b = (uint8_t *)ptr - POOL_HEAD;
    unsigned c = b[0];
    if (c == POOL_BIG || pl->kept + ((size_t)1 << c) > POOL_KEEP) {
        free(b);
        return;
    }
    memcpy(b, &pl->free[c], sizeof(void *));
    pl->free[c] = b;
    pl->kept += (size_t)1 << c;
}

static void *pool_calloc(size_t nmemb, size_t size, void *ud)
{
    if (size && nmemb > SIZE_MAX / size)
        return NULL;
    void *p = pool_malloc(nmemb * size, ud);
    if (p)
        memset(p, 0, nmemb * size);
    return p;
}

static void *pool_realloc(void *ptr, size_t size, void *ud)
{
    if (!ptr)
        return pool_malloc(size, ud);
    unsigned c = ((uint8_t *)ptr - POOL_HEAD)[0];
    if (c != POOL_BIG && size <= ((size_t)1 << c) - POOL_HEAD)
        return ptr;  /* it fits where it is */
    void *n = pool_malloc(size, ud);
    if (!n)
        return NULL;
    size_t had = ((size_t)1 << (c != POOL_BIG ? c : 0)) - POOL_HEAD;
    if (c == POOL_BIG)
        memcpy(&had, (uint8_t *)ptr - POOL_HEAD + sizeof(size_t), sizeof had);
    memcpy(n, ptr, had < size ? had : size);
    pool_free(ptr, ud);
    return n;
}

static void pool_done(struct pool *pl)
{
    for (unsigned c = 0; c < POOL_CLASSES; c++)
        while (pl->free[c]) {
            void *b = pl->free[c];
            memcpy(&pl->free[c], b, sizeof(void *));
            free(b);
        }
    pl->kept = 0;
}

struct dec_hpack {
    struct pool pool;            /* nghttp2's blocks (both inflaters) */
    nghttp2_mem mem;             /* the allocator over it; libnghttp2 keeps a pointer to it */
    nghttp2_hd_inflater *inf;    /* NULL once the table is unknown: the walker decodes */
    nghttp2_hd_inflater *scratch;/* Huffman strings and the static table */
    size_t max_fields, max_decoded;
    /* the walker's table: a ring of the entries it saw added, newest last */
    struct ent *ents;
    size_t ecap, ehead, en;
    uint8_t *sb;                 /* string store: the entries' bytes, oldest first, */
    size_t sbcap, sb_lo, sb_hi;  /* live in sb[sb_lo, sb_hi) */
    uint64_t size_lb;            /* the table size of those entries (RFC 7541 4.1) */
    bool all_known;              /* no entry older than ours can remain */
    bool dropped;                /* ours were dropped by WALK_MEMCAP, not by the table's bound */
    bool cur_known;              /* the table's maximum size (last size update) is known */
    uint32_t cur_max;
    bool set_known;              /* SETTINGS_HEADER_TABLE_SIZE in effect is known */
    uint32_t set_max;
    /* output of the last block */
    struct rep *reps;
    size_t nreps, rcap;
    struct dec_hpack_field *fields;
    struct outf *outf;
    size_t nfields, fcap;
    char *arena;
    size_t alen, acap;
    uint8_t *tmp;                /* the field under decode (walker) */
    size_t tcap;
};

static nghttp2_hd_inflater *inflater_new(struct dec_hpack *hp)
{
    hp->mem = (nghttp2_mem){&hp->pool, pool_malloc, pool_free, pool_calloc, pool_realloc};
    nghttp2_hd_inflater *inf = NULL;
    if (nghttp2_hd_inflate_new2(&inf, &hp->mem) != 0 || !inf)
        inf = tr_xmalloc(SIZE_MAX);  /* out of memory: tr_xmalloc's message and exit */
    return inf;
}

const char *dec_hpack_rep_name(enum dec_hpack_rep r)
{
    static const char *const names[] = {
#define X(id, name) name,
        DEC_HPACK_REP_LIST(X)
#undef X
    };
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : NULL;
}



struct dec_hpack *dec_hpack_new(bool table_known, size_t max_fields, size_t max_decoded)
{
    struct dec_hpack *hp = tr_xcalloc(1, sizeof *hp);
    hp->max_fields = max_fields ? max_fields : DEC_H2_DEFAULT_MAX_FIELDS;
    hp->max_decoded = max_decoded ? max_decoded : DEC_H2_DEFAULT_MAX_DECODED;
    hp->set_known = table_known;
    hp->set_max = DEFAULT_TABLE;
    if (table_known)
        hp->inf = inflater_new(hp);
    return hp;
}

void dec_hpack_free(struct dec_hpack *hp)
{
    if (!hp)
        return;
    if (hp->inf)
        nghttp2_hd_inflate_del(hp->inf);
    if (hp->scratch)
        nghttp2_hd_inflate_del(hp->scratch);
    pool_done(&hp->pool);
    free(hp->ents);
    free(hp->sb);
    free(hp->reps);
    free(hp->fields);
    free(hp->outf);
    free(hp->arena);
    free(hp->tmp);
    free(hp);
}

bool dec_hpack_table_known(const struct dec_hpack *hp)
{
    return hp->inf != NULL || hp->all_known;
}

/* ------------------------------------------------------------ the walker table -- */

static struct ent *ent_at(struct dec_hpack *hp, size_t k)  /* k: 1 = newest */
{
    return &hp->ents[(hp->ehead + hp->en - k) % hp->ecap];
}

static uint64_t ent_size(const struct ent *e)
{
    return (uint64_t)e->nlen + e->vlen + ENTRY_OVERHEAD;
}

static void evict_oldest(struct dec_hpack *hp)
{
    struct ent *e = &hp->ents[hp->ehead];
    hp->size_lb -= ent_size(e);
    hp->ehead = (hp->ehead + 1) % hp->ecap;
    hp->en--;
    hp->sb_lo = hp->en ? hp->ents[hp->ehead].off : hp->sb_hi;
}

static void table_clear(struct dec_hpack *hp)
{
    hp->en = hp->ehead = 0;
    hp->size_lb = 0;
    hp->sb_lo = hp->sb_hi = 0;
}

/* the bound the real table is known to keep within, or 0 when none is */
static uint64_t table_bound(const struct dec_hpack *hp)
{
    if (hp->cur_known)
        return hp->cur_max;
    if (hp->set_known)
        return hp->set_max;
    return 0;
}

/* RFC 7541 4.3, 4.4: entries leave oldest first while the table is too big.
 * When one of ours leaves by the table's own bound, every older one left
 * before it: the table is wholly known. */
static void evict_to(struct dec_hpack *hp, uint64_t room)
{
    uint64_t bound = table_bound(hp);
    while (hp->en > 0 && bound && hp->size_lb + room > bound) {
        evict_oldest(hp);
        if (!hp->dropped)
            hp->all_known = true;
    }
    while (hp->en > 0 && hp->size_lb + room > WALK_MEMCAP) {
        evict_oldest(hp);
        hp->dropped = true;
    }
}

/* Every entry of a table is at least 32 bytes: when ours leave no room for
 * one more under a bound the real table keeps within, nothing older is left. */
static void check_all_known(struct dec_hpack *hp)
{
    uint64_t bound = table_bound(hp);
    if (!hp->all_known && !hp->dropped && (hp->cur_known || hp->set_known) &&
        hp->size_lb + ENTRY_OVERHEAD > bound)
        hp->all_known = true;
}

static void table_add(struct dec_hpack *hp, const uint8_t *name, uint32_t nlen, bool name_known,
                      const uint8_t *value, uint32_t vlen)
{
    uint64_t room = (uint64_t)nlen + vlen + ENTRY_OVERHEAD;
    uint64_t bound = table_bound(hp);
    if ((bound && room > bound) || room > WALK_MEMCAP) {
        /* 4.4: too big for the table: it empties and nothing is added */
        bool known_bound = bound && room > bound;
        table_clear(hp);
        if (known_bound && !hp->dropped)
            hp->all_known = true;
        else
            hp->dropped = true;
        return;
    }
    evict_to(hp, room);
    if (hp->en == hp->ecap) {  /* grow the ring, keeping its order */
        size_t ncap = hp->ecap ? hp->ecap * 2 : 32;
        struct ent *n = tr_xreallocarray(NULL, ncap, sizeof *n);
        for (size_t i = 0; i < hp->en; i++)
            n[i] = hp->ents[(hp->ehead + i) % hp->ecap];
        free(hp->ents);
        hp->ents = n;
        hp->ecap = ncap;
        hp->ehead = 0;
    }
    size_t need = (size_t)nlen + vlen;
    if (need > hp->sbcap - hp->sb_hi) {
        /* compact: the live bytes move to the front, then grow if still short */
        size_t live = hp->sb_hi - hp->sb_lo;
        if (live && hp->sb_lo)
            memmove(hp->sb, hp->sb + hp->sb_lo, live);
        for (size_t i = 0; i < hp->en; i++)
            hp->ents[(hp->ehead + i) % hp->ecap].off -= hp->sb_lo;
        hp->sb_lo = 0;
        hp->sb_hi = live;
        if (need > hp->sbcap - live) {
            size_t cap = hp->sbcap ? hp->sbcap : 1024;
            while (cap - live < need)
                cap *= 2;
            hp->sb = tr_xrealloc(hp->sb, cap);
            hp->sbcap = cap;
        }
    }
    if (nlen)
        memcpy(hp->sb + hp->sb_hi, name, nlen);
    if (vlen)
        memcpy(hp->sb + hp->sb_hi + nlen, value, vlen);
    struct ent *e = &hp->ents[(hp->ehead + hp->en) % hp->ecap];
    e->off = hp->sb_hi;
    e->nlen = nlen;
    e->vlen = vlen;
    e->name_known = name_known;
    hp->en++;
    hp->sb_hi += need;
    hp->size_lb += room;
    check_all_known(hp);
}

/* --------------------------------------------------------- representations -- */

/* RFC 7541 5.1: an integer with an N-bit prefix. Values past 2^31 are refused:
 * no index, length or table size of a sane block comes near. */
static bool get_int(const uint8_t *b, size_t len, size_t *pos, unsigned prefix, uint32_t *out)
{
    if (*pos >= len)
        return false;
    uint32_t max = (1u << prefix) - 1;
    uint32_t v = b[(*pos)++] & max;
    if (v < max) {
        *out = v;
        return true;
    }
    for (unsigned shift = 0; shift <= 28; shift += 7) {
        if (*pos >= len)
            return false;
        uint8_t c = b[(*pos)++];
        uint64_t add = (uint64_t)(c & 0x7f) << shift;
        if (v + add > INT32_MAX)
            return false;
        v += (uint32_t)add;
        if (!(c & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* RFC 7541 5.2: a string literal: H bit, 7-bit prefix length, bytes */
static bool get_str(const uint8_t *b, size_t len, size_t *pos, struct lit *l)
{
    if (*pos >= len)
        return false;
    l->pfx = (uint32_t)*pos;
    l->huff = (b[*pos] & 0x80) != 0;
    uint32_t n;
    if (!get_int(b, len, pos, 7, &n) || n > len - *pos)
        return false;
    l->off = (uint32_t)*pos;
    l->len = n;
    *pos += n;
    return true;
}

/* One representation at b[*pos] (RFC 7541 6). false: malformed or cut. */
static bool get_rep(const uint8_t *b, size_t len, size_t *pos, struct rep *r)
{
    memset(r, 0, sizeof *r);
    r->off = (uint32_t)*pos;
    uint8_t c = b[*pos];
    unsigned prefix;
    if (c & 0x80) {                          /* 6.1 indexed */
        r->kind = DEC_HPACK_REP_INDEXED;
        if (!get_int(b, len, pos, 7, &r->index) || r->index == 0)
            return false;
        r->len = (uint32_t)(*pos - r->off);
        return true;
    }
    if ((c & 0xe0) == 0x20) {                /* 6.3 dynamic table size update */
        r->size_update = true;
        r->kind = DEC_HPACK_REP_UNKNOWN;
        if (!get_int(b, len, pos, 5, &r->index))
            return false;
        r->len = (uint32_t)(*pos - r->off);
        return true;
    }
    if ((c & 0xc0) == 0x40) {                /* 6.2.1 incremental indexing */
        r->kind = DEC_HPACK_REP_INCREMENTAL;
        prefix = 6;
    } else if ((c & 0xf0) == 0x10) {         /* 6.2.3 never indexed */
        r->kind = DEC_HPACK_REP_NEVER_INDEXED;
        prefix = 4;
    } else {                                 /* 6.2.2 without indexing */
        r->kind = DEC_HPACK_REP_WITHOUT_INDEXING;
        prefix = 4;
    }
    if (!get_int(b, len, pos, prefix, &r->index))
        return false;
    if (r->index == 0 && !get_str(b, len, pos, &r->name))
        return false;
    if (!get_str(b, len, pos, &r->value))
        return false;
    r->len = (uint32_t)(*pos - r->off);
    return true;
}

/* Classify the whole block into hp->reps; false when it does not parse. */
static bool classify(struct dec_hpack *hp, const uint8_t *b, size_t len)
{
    hp->nreps = 0;
    size_t pos = 0;
    while (pos < len) {
        tr_xgrow(&hp->reps, &hp->rcap, hp->nreps + 1, sizeof *hp->reps);
        if (!get_rep(b, len, &pos, &hp->reps[hp->nreps]))
            return false;
        hp->nreps++;
    }
    return true;
}

/* ------------------------------------------------------------------ output -- */

static void out_reset(struct dec_hpack *hp, struct dec_hpack_block *out)
{
    hp->nfields = 0;
    hp->alen = 0;
    memset(out, 0, sizeof *out);
}

static bool arena_put(struct dec_hpack *hp, const void *p, size_t n, uint32_t *off)
{
    if (n > hp->max_decoded - hp->alen)
        return false;
    tr_xgrow(&hp->arena, &hp->acap, hp->alen + n + 1, 1);
    if (n)
        memcpy(hp->arena + hp->alen, p, n);
    *off = (uint32_t)hp->alen;
    hp->alen += n;
    return true;
}

/* Count a decoded field and keep it when the caps allow. name or value NULL:
 * unknown. r: its representation, or NULL when not classified. */
static void emit_field(struct dec_hpack *hp, struct dec_hpack_block *out, const struct rep *r,
                       const uint8_t *name, size_t nlen, const uint8_t *value, size_t vlen)
{
    out->nfields_total++;
    if (!name || !value) {
        out->unknown++;
        out->decoded_length = -1;
    } else if (out->decoded_length >= 0) {
        out->decoded_length += (int64_t)(nlen + 2 + vlen + 2);
    }
    if (out->limited || hp->nfields >= hp->max_fields) {  /* the kept ones are the first */
        out->limited = true;
        return;
    }
    struct outf o = {0, UINT32_MAX, 0, UINT32_MAX};
    size_t mark = hp->alen;
    if ((name && !arena_put(hp, name, nlen, &o.noff)) ||
        (value && !arena_put(hp, value, vlen, &o.voff))) {
        hp->alen = mark;
        out->limited = true;
        return;
    }
    if (name)
        o.nlen = (uint32_t)nlen;
    if (value)
        o.vlen = (uint32_t)vlen;
    if (hp->nfields == hp->fcap) {  /* both arrays grow together */
        tr_xgrow(&hp->fields, &hp->fcap, hp->nfields + 1, sizeof *hp->fields);
        hp->outf = tr_xreallocarray(hp->outf, hp->fcap, sizeof *hp->outf);
    }
    struct dec_hpack_field *f = &hp->fields[hp->nfields];
    memset(f, 0, sizeof *f);
    f->rep = r ? r->kind : DEC_HPACK_REP_UNKNOWN;
    if (r) {
        f->index = r->index;
        f->wire_offset = r->off;
        f->wire_length = r->len;
    }
    f->name_unknown = !name;
    f->value_unknown = !value;
    hp->outf[hp->nfields++] = o;
}

/* the fields' strings as pointers, now that the arena stopped moving */
static void out_finish(struct dec_hpack *hp, struct dec_hpack_block *out)
{
    for (size_t i = 0; i < hp->nfields; i++) {
        const struct outf *o = &hp->outf[i];
        struct dec_hpack_field *f = &hp->fields[i];
        f->name = o->nlen == UINT32_MAX ? (struct dec_str){NULL, 0}
                                        : (struct dec_str){hp->arena + o->noff, o->nlen};
        f->value = o->vlen == UINT32_MAX ? (struct dec_str){NULL, 0}
                                         : (struct dec_str){hp->arena + o->voff, o->vlen};
    }
    out->fields = hp->fields;
    out->nfields = hp->nfields;
    out->table_unknown = !dec_hpack_table_known(hp) || out->unknown > 0;
}

/* --------------------------------------------------------- losing the table -- */

void dec_hpack_lose(struct dec_hpack *hp)
{
    if (hp->inf) {
        nghttp2_hd_inflate_del(hp->inf);
        hp->inf = NULL;
    }
    table_clear(hp);
    hp->all_known = false;
    hp->dropped = false;
    hp->cur_known = false;
}

void dec_hpack_set_max(struct dec_hpack *hp, uint32_t settings_max)
{
    hp->set_known = true;
    hp->set_max = settings_max;
    if (hp->inf) {
        /* between blocks (a SETTINGS ACK cannot split one, RFC 9113 6.10), so
         * this only fails out of memory */
        if (nghttp2_hd_inflate_change_table_size(hp->inf, settings_max) != 0)
            dec_hpack_lose(hp);
        return;
    }
    if (hp->cur_known && hp->cur_max > settings_max)
        hp->cur_max = settings_max;
    evict_to(hp, 0);
    check_all_known(hp);
}

/* ----------------------------------------------------- decoding: nghttp2 -- */

static int decode_nghttp2(struct dec_hpack *hp, const uint8_t *b, size_t len,
                          struct dec_hpack_block *out)
{
    bool classified = classify(hp, b, len);
    size_t ri = 0;  /* the next field representation */
    const uint8_t *in = b;
    size_t left = len;
    for (;;) {
        nghttp2_nv nv;
        int fl = 0;
        ssize_t rv = nghttp2_hd_inflate_hd2(hp->inf, &nv, &fl, in, left, 1);
        if (rv < 0) {
            out->error = nghttp2_strerror((int)rv);
            dec_hpack_lose(hp);
            return -1;
        }
        in += rv;
        left -= (size_t)rv;
        if (fl & NGHTTP2_HD_INFLATE_EMIT) {
            while (classified && ri < hp->nreps && hp->reps[ri].size_update)
                ri++;
            const struct rep *r = classified && ri < hp->nreps ? &hp->reps[ri++] : NULL;
            emit_field(hp, out, r, nv.name, nv.namelen, nv.value, nv.valuelen);
        }
        if (fl & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(hp->inf);
            return 0;
        }
        if (!(fl & NGHTTP2_HD_INFLATE_EMIT) && left == 0) {
            /* in_final with nothing left always ends in FINAL; be safe */
            out->error = "header block ended inside a representation";
            dec_hpack_lose(hp);
            return -1;
        }
    }
}

/* ------------------------------------------------------ decoding: walker -- */

static nghttp2_hd_inflater *scratch(struct dec_hpack *hp)
{
    if (!hp->scratch)
        hp->scratch = inflater_new(hp);
    return hp->scratch;
}

/* the static table's entry idx (1..61), from nghttp2's own copy */
static const nghttp2_nv *static_entry(struct dec_hpack *hp, uint32_t idx)
{
    return nghttp2_hd_inflate_get_table_entry(scratch(hp), idx);
}

/* A string literal's bytes appended to hp->tmp at *tlen. A Huffman string
 * goes to the scratch inflater as the value of ":authority" in a field
 * "without indexing" (0x01, then the literal as it was on the wire), which
 * changes no table. false when it does not decode. */
static bool take_str(struct dec_hpack *hp, const uint8_t *b, const struct lit *l, size_t *tlen)
{
    const uint8_t *p = b + l->off;
    size_t n = l->len;
    nghttp2_nv nv;
    int fl = 0;
    if (l->huff) {
        static const uint8_t lead = 0x01;
        nghttp2_hd_inflater *inf = scratch(hp);
        ssize_t rv = nghttp2_hd_inflate_hd2(inf, &nv, &fl, &lead, 1, 0);
        if (rv >= 0)
            rv = nghttp2_hd_inflate_hd2(inf, &nv, &fl, b + l->pfx, l->off + l->len - l->pfx, 1);
        if (rv < 0 || !(fl & NGHTTP2_HD_INFLATE_EMIT)) {
            nghttp2_hd_inflate_del(hp->scratch);  /* a failed inflater stays failed */
            hp->scratch = NULL;
            return false;
        }
        p = nv.value;
        n = nv.valuelen;
    }
    tr_xgrow(&hp->tmp, &hp->tcap, *tlen + n + 1, 1);
    if (n)
        memcpy(hp->tmp + *tlen, p, n);
    *tlen += n;
    if (l->huff) {
        /* end the one-field block: the scratch inflater is ready for the next */
        nghttp2_hd_inflate_hd2(hp->scratch, &nv, &fl, NULL, 0, 1);
        nghttp2_hd_inflate_end_headers(hp->scratch);
    }
    return true;
}

enum lookup { LK_OK, LK_UNKNOWN, LK_BAD };

/* Table index idx: a static entry, one the walker saw added, or unknown (LK_BAD
 * when the whole table is known and holds no such entry). *name NULL: the
 * entry's name is itself unknown. */
static enum lookup lookup(struct dec_hpack *hp, uint32_t idx, const uint8_t **name, size_t *nlen,
                          const uint8_t **value, size_t *vlen)
{
    if (idx <= STATIC_ENTRIES) {
        const nghttp2_nv *nv = static_entry(hp, idx);
        if (!nv)
            return LK_BAD;
        *name = nv->name;
        *nlen = nv->namelen;
        *value = nv->value;
        *vlen = nv->valuelen;
        return LK_OK;
    }
    uint32_t k = idx - STATIC_ENTRIES;
    if (k > hp->en)
        return hp->all_known ? LK_BAD : LK_UNKNOWN;
    const struct ent *e = ent_at(hp, k);
    const uint8_t *base = hp->sb ? hp->sb + e->off : (const uint8_t *)"";  /* all empty */
    *name = e->name_known ? base : NULL;
    *nlen = e->nlen;
    *value = base + e->nlen;
    *vlen = e->vlen;
    return LK_OK;
}

static int walk_fail(struct dec_hpack *hp, struct dec_hpack_block *out, const char *why)
{
    out->error = why;
    dec_hpack_lose(hp);
    return -1;
}

/* RFC 7541 4.2, 6.3: a dynamic table size update, allowed before the first field */
static int walk_size_update(struct dec_hpack *hp, struct dec_hpack_block *out, uint32_t size)
{
    if (hp->set_known && size > hp->set_max)
        return walk_fail(hp, out, "a dynamic table size update over SETTINGS_HEADER_TABLE_SIZE");
    hp->cur_known = true;
    hp->cur_max = size;
    evict_to(hp, 0);
    if (size == 0) {  /* the table is empty now, whatever it held */
        table_clear(hp);
        hp->dropped = false;
        hp->all_known = true;
    }
    check_all_known(hp);
    return 0;
}

static int decode_walk(struct dec_hpack *hp, const uint8_t *b, size_t len,
                       struct dec_hpack_block *out)
{
    size_t pos = 0;
    bool field_seen = false;
    while (pos < len) {
        struct rep r;
        if (!get_rep(b, len, &pos, &r))
            return walk_fail(hp, out, "a malformed header field representation");
        if (r.size_update) {
            if (field_seen)
                return walk_fail(hp, out, "a dynamic table size update after a field");
            if (walk_size_update(hp, out, r.index) < 0)
                return -1;
            continue;
        }
        field_seen = true;
        const uint8_t *tn = NULL, *tv = NULL;
        size_t tnl = 0, tvl = 0;
        enum lookup lk = LK_OK;
        if (r.kind == DEC_HPACK_REP_INDEXED || r.index > 0)
            lk = lookup(hp, r.index, &tn, &tnl, &tv, &tvl);
        if (lk == LK_BAD)
            return walk_fail(hp, out, "an index beyond the header tables");
        if (r.kind == DEC_HPACK_REP_INDEXED && lk == LK_UNKNOWN) {
            emit_field(hp, out, &r, NULL, 0, NULL, 0);
            continue;
        }
        /* the field into tmp: name at 0, value after it */
        size_t tlen = 0;
        bool name_known = true;
        if (r.kind != DEC_HPACK_REP_INDEXED && r.index == 0) {
            if (!take_str(hp, b, &r.name, &tlen))
                return walk_fail(hp, out, "a Huffman-coded name that does not decode");
        } else if (lk == LK_OK && tn) {
            tr_xgrow(&hp->tmp, &hp->tcap, tnl + 1, 1);
            memcpy(hp->tmp, tn, tnl);
            tlen = tnl;
        } else {
            name_known = false;
        }
        size_t nl = tlen;
        if (r.kind == DEC_HPACK_REP_INDEXED) {
            tr_xgrow(&hp->tmp, &hp->tcap, tlen + tvl + 1, 1);
            if (tvl)
                memcpy(hp->tmp + tlen, tv, tvl);
            tlen += tvl;
        } else if (!take_str(hp, b, &r.value, &tlen)) {
            return walk_fail(hp, out, "a Huffman-coded value that does not decode");
        }
        if (r.kind == DEC_HPACK_REP_INCREMENTAL)
            table_add(hp, hp->tmp, (uint32_t)nl, name_known, hp->tmp + nl, (uint32_t)(tlen - nl));
        emit_field(hp, out, &r, name_known ? hp->tmp : NULL, nl, hp->tmp + nl, tlen - nl);
    }
    return 0;
}

int dec_hpack_decode(struct dec_hpack *hp, const uint8_t *block, size_t len,
                     struct dec_hpack_block *out)
{
    static const uint8_t empty[1];
    out_reset(hp, out);
    if (!block)  /* an empty block may come without a buffer */
        block = empty;
    int rc = hp->inf ? decode_nghttp2(hp, block, len, out) : decode_walk(hp, block, len, out);
    out_finish(hp, out);
    return rc;
}
