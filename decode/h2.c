/* h2.c - the HTTP/2 engine's reader: the preface and frames (RFC 9113 3.4,
 * 4, 6), framing found again after lost bytes, and the interface of h2.h
 *
 * Each direction is a state machine over its bytes: the preface, a 9-byte
 * frame header, the payload (fixed fields, then a body streamed as it
 * arrives, then padding), or a search for frames after a gap. A frame whose
 * whole payload is in one piece is read in place; nothing is copied but
 * header block fragments (to hand them to HPACK whole) and the few fixed
 * bytes of a payload that straddles pieces. Streams, settings and header
 * blocks are h2_stream.c's; names and pure helpers h2_tables.c's.
 *
 * A little over 800 lines: the frame reader and the search for frames share
 * the direction's state closely (a search re-reads what it kept through the
 * reader); split, each would need the other's internals.
 */
#include "h2_impl.h"

#include <stdlib.h>
#include <string.h>

/* ----------------------------------------------------------------- frames -- */

/* the capture frames of the piece being read belong to the frame under read */
static void touch(struct h2dir *d)
{
    if (d->ff_piece == d->piece)
        return;
    d->ff_piece = d->piece;
    for (size_t i = 0; i < d->npframes; i++)
        dec_flist_add(&d->ff, d->pframes[i], d->pts);
}

static void malformed(struct dec_h2 *h, enum tr_dir dir, enum dec_h2_problem p, const char *fmt,
                      const char *what)
{
    struct h2frame *f = &h->d[dir].f;
    f->skip = true;
    f->ev.malformed = true;
    dec_h2_add_note(h, dir, p, f->stream, f->offset, fmt, dec_h2_type_name(f->type), f->stream, f->length,
            what);
    if (h2_is_fragment(f->type))
        dec_h2_lose_table(h, dir);
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
        if (f->length < dec_h2_fixed_size(f->type, f->flags))
            BAD(DEC_H2_P_FRAME_SIZE, "too short for its padding and fields");
        return;
    default:
        f->skip = true;  /* 4.1, 5.5: unknown types are ignored */
    }
}

static void priority_fields(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p)
{
    struct h2frame *f = &h->d[dir].f;
    uint32_t dep = h2_be32(p);
    f->ev.has_priority = true;
    f->ev.exclusive = (dep >> 31) != 0;
    f->ev.dependency = dep & 0x7fffffffu;
    f->ev.weight = (uint16_t)(p[4] + 1);
    if (f->ev.dependency == f->stream)
        dec_h2_add_note(h, dir, DEC_H2_P_SELF_DEPENDENCY, f->stream, f->offset,
                "stream %u depends on itself (RFC 9113 5.3.1)", f->stream);
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
            f->ev.promised_stream = h2_be32(p) & 0x7fffffffu;
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
        f->ev.error_code = h2_be32(p);
        break;
    case DEC_H2_PING:
        memcpy(f->ev.opaque, p, 8);
        break;
    case DEC_H2_GOAWAY:
        f->ev.last_stream = h2_be32(p) & 0x7fffffffu;
        f->ev.error_code = h2_be32(p + 4);
        f->body = f->length - 8;
        f->ev.debug_length = f->body;
        break;
    case DEC_H2_WINDOW_UPDATE:
        f->ev.increment = h2_be32(p) & 0x7fffffffu;
        break;
    }
    if (h2_is_fragment(f->type) || f->type == DEC_H2_DATA)
        f->ev.content_length = f->body;
    if (f->type == DEC_H2_DATA) {
        dec_h2_data_begin(h, dir);
    } else if (f->type == DEC_H2_PUSH_PROMISE) {
        if (dir == TR_DIR_C2S)
            dec_h2_add_note(h, dir, DEC_H2_P_PUSH_REFUSED, f->stream, f->offset,
                    "PUSH_PROMISE from the client: only servers push (RFC 9113 8.4)");
        else if (!d->push_enabled)
            dec_h2_add_note(h, dir, DEC_H2_P_PUSH_REFUSED, f->stream, f->offset,
                    "PUSH_PROMISE after the client's SETTINGS_ENABLE_PUSH 0 (RFC 9113 6.6)");
        dec_h2_block_begin(h, dir);
    } else if (f->type == DEC_H2_HEADERS) {
        dec_h2_block_begin(h, dir);
    }
}

/* body bytes (NULL: never captured) */
static void body_bytes(struct dec_h2 *h, enum tr_dir dir, const uint8_t *p, size_t n)
{
    struct h2dir *d = &h->d[dir];
    struct h2frame *f = &d->f;
    switch (f->type) {
    case DEC_H2_DATA: {
        struct h2stream *s = f->deliver ? dec_h2_st_find(h, f->stream) : NULL;
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
        dec_h2_block_bytes(h, dir, p, n);
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
                dec_h2_settings_entry(h, dir, &d->cur, (uint16_t)(f->sacc[0] << 8 | f->sacc[1]),
                                  h2_be32(f->sacc + 2), f->offset);
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
    dec_flist_finish(&d->ff);
    ev->frames = d->ff.v;
    ev->nframes = d->ff.n;
    ev->ts = d->ff.ts_min;
    ev->ts_end = d->ff.ts_max;
    ev->gap = f->gap;
    ev->first = f->first;
    bool live = !f->skip;
    bool ack = (f->flags & DEC_H2_F_ACK) != 0;
    const struct h2settings *acked = NULL;
    if (live && f->type == DEC_H2_HEADERS && !dec_h2_headers_stream(h, dir))
        d->blk.orphan = true;
    if (live && f->type == DEC_H2_SETTINGS && ack && (acked = dec_h2_settings_acked(h, dir))) {
        ev->settings = acked->kept;
        ev->nsettings = acked->nkept;
    }
    if (f->type == DEC_H2_SETTINGS && !ack) {
        ev->settings = d->cur.kept;
        ev->nsettings = d->cur.nkept;
        if (f->length / 6 > DEC_H2_MAX_SETTINGS_KEPT)
            dec_h2_add_note(h, dir, DEC_H2_P_LIMIT_SETTINGS, 0, f->offset,
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
        if (f->deliver && (f->flags & DEC_H2_F_END_STREAM) && (s = dec_h2_st_find(h, f->stream)))
            dec_h2_st_half_close(h, s, dir);
        break;
    case DEC_H2_HEADERS:
    case DEC_H2_PUSH_PROMISE:
    case DEC_H2_CONTINUATION:
        dec_h2_block_frame(h, dir);
        if (f->flags & DEC_H2_F_END_HEADERS)
            dec_h2_block_end(h, dir);
        break;
    case DEC_H2_SETTINGS:
        if (!ack)
            dec_h2_settings_sent(h, dir);
        break;
    case DEC_H2_RST_STREAM:
        if ((s = dec_h2_st_for_frame(h, dir, DEC_H2_RST_STREAM, f->stream)))
            dec_h2_st_close(h, s, dir, DEC_H2_END_RST_STREAM, ev->error_code);
        else
            dec_h2_remember_reset(h, f->stream);
        break;
    case DEC_H2_WINDOW_UPDATE:
        if (ev->increment == 0)
            dec_h2_add_note(h, dir, DEC_H2_P_WINDOW_ZERO, f->stream, f->offset,
                    "WINDOW_UPDATE on stream %u with an increment of 0 (6.9)", f->stream);
        else if (f->stream)
            dec_h2_st_for_frame(h, dir, DEC_H2_WINDOW_UPDATE, f->stream);
        break;
    case DEC_H2_GOAWAY:
        /* 6.8: streams the receiver opened above last_stream were not processed */
        if (h->goaway_from[dir] && ev->last_stream > h->goaway_last[dir])
            dec_h2_add_note(h, dir, DEC_H2_P_GOAWAY_INCREASED, 0, f->offset,
                    "a GOAWAY raised last_stream from %u to %u (6.8)", h->goaway_last[dir],
                    ev->last_stream);
        h->goaway_from[dir] = true;
        h->goaway_last[dir] = ev->last_stream;
        h->goaway = h->c.goaway = true;
        h->goaway_code = ev->error_code;
        dec_h2_st_end_all(h, dir, h2_other(dir), ev->last_stream, false, DEC_H2_END_GOAWAY,
                      ev->error_code);
        break;
    }
}

/* the frame under read stops here (a gap or the end): what it held is lost */
static void frame_cut(struct dec_h2 *h, enum tr_dir dir)
{
    struct h2frame *f = &h->d[dir].f;
    f->ev.truncated = true;
    f->skip = true;
    if (h2_is_fragment(f->type))
        dec_h2_block_abandon(h, dir, "its frame was cut short");
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
    uint32_t length = h2_be24(d->hdr);
    if (length > d->max_frame) {
        /* 4.2: a length this side may not send. The header came where one
         * was due, so frames are looked for after it. */
        dec_h2_add_note(h, dir, DEC_H2_P_FRAME_TOO_LARGE, h2_be32(d->hdr + 5) & 0x7fffffffu, d->pos - 9,
                "a frame header says %u bytes, over the %u SETTINGS_MAX_FRAME_SIZE allows: "
                "looking for frames after it", length, d->max_frame);
        d->st = D_HEADER;
        enter_sync(h, dir, DEC_H2_NOTE_MALFORMED);
        return;
    }
    memset(f, 0, sizeof *f);
    f->type = d->hdr[3];
    f->flags = d->hdr[4];
    f->stream = h2_be32(d->hdr + 5) & 0x7fffffffu;  /* 4.1: the R bit is ignored */
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
        dec_h2_settings_reset(&d->cur);
    if (!d->first_done) {  /* 3.4: each side's preface ends in (or is) a SETTINGS frame */
        d->first_done = true;
        f->first = true;
        if (f->type != DEC_H2_SETTINGS || (f->flags & DEC_H2_F_ACK))
            dec_h2_add_note(h, dir, DEC_H2_P_FIRST_NOT_SETTINGS, f->stream, f->offset,
                    "the %s's first frame is %s, not SETTINGS (RFC 9113 3.4)",
                    dir == TR_DIR_C2S ? "client" : "server",
                    dec_h2_type_name(f->type) ? dec_h2_type_name(f->type) : "of an unknown type");
    }
    if (d->blk.active && (f->type != DEC_H2_CONTINUATION || f->stream != d->blk.stream)) {
        /* 6.10: nothing may come between a block's frames */
        dec_h2_add_note(h, dir, DEC_H2_P_CONTINUATION_EXPECTED, f->stream, f->offset,
                "a %s frame on stream %u where a CONTINUATION of stream %u must come",
                dec_h2_type_name(f->type) ? dec_h2_type_name(f->type) : "unknown",
                f->stream, d->blk.stream);
        d->blk.active = false;
        dec_h2_lose_table(h, dir);
    }
    if (!d->blk.active && f->type == DEC_H2_CONTINUATION) {
        malformed(h, dir, DEC_H2_P_CONTINUATION_UNEXPECTED, "%s frame on stream %u, %u bytes: %s",
                  "no header block is open (6.10)");
    }
    if (!f->skip)
        frame_check(h, dir);
    if (!f->skip) {
        f->fixed = dec_h2_fixed_size(f->type, f->flags);
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
        dec_h2_add_note(h, dir, DEC_H2_P_NO_PREFACE, 0, d->pos - d->pre,
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
        dec_flist_reset(&d->ff);
    touch(d);
    d->pre += m;
    d->pos += m;
    if (d->pre == DEC_H2_PREFACE_LEN) {
        d->st = D_HEADER;
        h->c.preface = true;
        dec_flist_finish(&d->ff);
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
        dec_flist_reset(&d->ff);
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
                if (h2_is_fragment(f->type))
                    dec_h2_lose_table(h, dir);
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
                    dec_h2_add_note(h, dir, DEC_H2_P_PAD_NONZERO, f->stream, f->offset,
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
    tr_xgrow(&s->b, &s->cap, s->len + n, 1);
    memcpy(s->b + s->len, p, n);
    s->len += n;
    const struct smark *last = s->nm ? &s->m[s->nm - 1] : NULL;
    if (last && last->nfr == nfr && last->ts == ts &&
        (nfr == 0 || memcmp(s->fr + last->fr, fr, nfr * sizeof *fr) == 0))
        return;  /* the same frames as the piece before: one piece */
    tr_xgrow(&s->m, &s->mcap, s->nm + 1, sizeof *s->m);
    tr_xgrow(&s->fr, &s->frcap, s->nfr + nfr + 1, sizeof *s->fr);
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
    dec_h2_block_abandon(h, dir, "framing was lost");
    dec_h2_lose_table(h, dir);
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
    const struct h2dir *d = &h->d[dir], *o = &h->d[h2_other(dir)];
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
        enum h2_chain c = dec_h2_chain_at(d->s.b + o, d->s.len - o, maxlen, at_end);
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
        dec_h2_add_note(h, dir, DEC_H2_P_SYNC_GIVEUP, 0, d->s.off,
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
                dec_h2_add_note(h, dir, DEC_H2_P_SYNC_FOUND, 0, d->s.off + at,
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
    struct dec_h2 *h = tr_xcalloc(1, sizeof *h);
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
        dec_flist_free(&d->ff);
        dec_flist_free(&d->blk.frames);
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
        dec_h2_announce(h);
        if (h->o.start == DEC_H2_START_UPGRADE)
            dec_h2_settings_upgrade(h);
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
        dec_h2_add_note(h, dir, DEC_H2_P_SYNC_LOST, 0, d->pos,
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
            dec_h2_add_note(h, dir, DEC_H2_P_NO_PREFACE, 0, d->pos - d->pre,
                    "the connection preface was cut short after %zu bytes", d->pre);
        break;
    case D_HEADER:
        if (d->hlen > 0)
            dec_h2_add_note(h, dir, DEC_H2_P_TRUNCATED_FRAME, 0, d->pos - d->hlen,
                    "the direction ends inside a frame header (%zu of 9 bytes)", d->hlen);
        break;
    case D_PAYLOAD:
        dec_h2_add_note(h, dir, DEC_H2_P_TRUNCATED_FRAME, d->f.stream, d->f.offset,
                "the direction ends inside a %s frame: %u of its %u payload bytes",
                dec_h2_type_name(d->f.type) ? dec_h2_type_name(d->f.type) : "unknown", d->f.got,
                d->f.length);
        frame_cut(h, dir);
        break;
    case D_SYNC:
        if (d->s.len > 0)
            dec_h2_add_note(h, dir, DEC_H2_P_SYNC_GIVEUP, 0, d->s.off,
                    "the last %zu bytes of this direction are not whole HTTP/2 frames", d->s.len);
        break;
    default:
        break;
    }
    dec_h2_block_abandon(h, dir, "its direction ended");
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
    dec_h2_st_end_all(h, TR_DIR_C2S, TR_DIR_C2S, 0, true, how, h->goaway ? h->goaway_code : 0);
    h->finished = true;
}

void dec_h2_counts(const struct dec_h2 *h, struct dec_h2_counts *out)
{
    *out = h->c;
}
