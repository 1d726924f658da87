/* h2_impl.h - private to the HTTP/2 engine (decode/h2.c, h2_stream.c,
 * h2_tables.c): its state and the functions its files share. Nothing else
 * includes it; the engine's interface is h2.h.
 *
 * h2.c reads the bytes (preface, frames, padding, the search for frames
 * after lost bytes) and drives the rest; h2_stream.c keeps the streams, the
 * settings and their acknowledgment, and the header blocks; h2_tables.c has
 * the name tables and the pure helpers.
 */
#ifndef HTTPSTEP_H2_IMPL_H
#define HTTPSTEP_H2_IMPL_H

#include "decode_int.h"
#include "h2.h"

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

static inline enum tr_dir h2_other(enum tr_dir dir)
{
    return dir == TR_DIR_C2S ? TR_DIR_S2C : TR_DIR_C2S;
}

/* the direction of the side that opens stream id: odd ids are the client's */
static inline enum tr_dir h2_initiator(uint32_t id)
{
    return (id & 1) ? TR_DIR_C2S : TR_DIR_S2C;
}

static inline bool h2_is_fragment(unsigned type)
{
    return type == DEC_H2_HEADERS || type == DEC_H2_PUSH_PROMISE || type == DEC_H2_CONTINUATION;
}

static inline uint32_t h2_be24(const uint8_t *p)
{
    return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t h2_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* ---------------------------------------------------- h2_tables.c -- */

/* the bytes a frame type's payload must start with, given its flags */
uint32_t dec_h2_fixed_size(unsigned type, uint8_t flags);

enum h2_chain { CHAIN_NO, CHAIN_YES, CHAIN_MORE };
/* Does a frame start at b[0] (headers plausible for a sender, RFC 9113 4.1, 6)? */
enum h2_chain dec_h2_chain_at(const uint8_t *b, size_t n, uint32_t maxlen, bool at_end);

/* ---------------------------------------------------- h2_stream.c -- */

/* a note at the frame being read in direction dir */
void dec_h2_add_note(struct dec_h2 *h, enum tr_dir dir, enum dec_h2_problem p, uint32_t stream,
             uint64_t offset, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* blocks were lost: the dynamic table of direction dir is unknown from here */
void dec_h2_lose_table(struct dec_h2 *h, enum tr_dir dir);

struct h2stream *dec_h2_st_find(struct dec_h2 *h, uint32_t id);
/* the stream a frame of this type names, adopted midstream, noted when it is
 * idle or closed where that is an error (RFC 9113 5.1); NULL: not followed */
struct h2stream *dec_h2_st_for_frame(struct dec_h2 *h, enum tr_dir dir, unsigned type, uint32_t id);
/* HEADERS: the stream it opens or continues; NULL: not followed */
struct h2stream *dec_h2_headers_stream(struct dec_h2 *h, enum tr_dir dir);
/* DATA: whether its bytes go to on_data (sets f->deliver) */
void dec_h2_data_begin(struct dec_h2 *h, enum tr_dir dir);
void dec_h2_st_close(struct dec_h2 *h, struct h2stream *s, enum tr_dir dir, enum dec_h2_end how,
                 uint32_t code);
/* the sender of dir sent END_STREAM on s */
void dec_h2_st_half_close(struct dec_h2 *h, struct h2stream *s, enum tr_dir dir);
void dec_h2_remember_reset(struct dec_h2 *h, uint32_t id);
/* UPGRADE: stream 1, the HTTP/1.1 request, opens before anything else */
void dec_h2_announce(struct dec_h2 *h);
/* end every stream with an id above `above` (of one initiator, or of both
 * when any_init), in id order */
void dec_h2_st_end_all(struct dec_h2 *h, enum tr_dir dir, enum tr_dir init_only, uint32_t above,
                   bool any_init, enum dec_h2_end how, uint32_t code);

void dec_h2_settings_reset(struct h2settings *s);
/* one entry of a SETTINGS frame or of HTTP2-Settings, in order (6.5.2) */
void dec_h2_settings_entry(struct dec_h2 *h, enum tr_dir dir, struct h2settings *s, uint16_t id,
                       uint32_t v, uint64_t offset);
/* an ACK in direction dir: the oldest SETTINGS sent the other way, now in
 * effect (6.5.3), or NULL when none was seen */
const struct h2settings *dec_h2_settings_acked(struct dec_h2 *h, enum tr_dir dir);
/* the SETTINGS frame just read (d->cur) awaits its ACK */
void dec_h2_settings_sent(struct dec_h2 *h, enum tr_dir dir);
/* UPGRADE: the client's HTTP2-Settings, acknowledged by the 101 (RFC 7540 3.2.1) */
void dec_h2_settings_upgrade(struct dec_h2 *h);

/* header blocks (RFC 9113 4.3, 6.10): begun by HEADERS or PUSH_PROMISE (its
 * fixed fields read), fed fragment bytes (NULL: lost), told each frame, ended
 * by END_HEADERS (decoded, told, the stream moved on) or abandoned */
void dec_h2_block_begin(struct dec_h2 *h, enum tr_dir dir);
void dec_h2_block_bytes(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p, size_t n);
void dec_h2_block_frame(struct dec_h2 *h, enum tr_dir dir);
void dec_h2_block_end(struct dec_h2 *h, enum tr_dir dir);
void dec_h2_block_abandon(struct dec_h2 *h, enum tr_dir dir, const char *why);

#endif
