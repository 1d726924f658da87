/* conn_h2.c - HTTP/2 on a connection (issue 16): the HTTP/2 engine (h2.c)
 * fed with a connection's bytes (h2c: the TCP streams; h2: the plaintext of
 * TLS), its events turned into the stages and exchanges of transcript
 * version 2: h2_preface (the preface and the client's SETTINGS), h2_settings
 * (the server's first SETTINGS), per stream request_line and
 * request_headers (its request HEADERS), status_line and response_headers,
 * request_body and response_body (its DATA frames, to END_STREAM),
 * push_promise, stream_end, and goaway. Each stream is an exchange, numbered
 * in the order streams open (after the HTTP/1.1 exchanges before an
 * Upgrade: the Upgrade's own request is stream 1's).
 */
#include "decode_int.h"

#include <stdlib.h>
#include <string.h>

/* one direction's DATA of a stream */
struct body {
    bool on, done;
    uint64_t off, end;
    struct flist f;
    struct dec_h2_ref *refs;
    size_t nrefs, crefs;
    uint64_t length, gap;
    struct dec_content *content;
    uint8_t *preview;
    size_t plen, pcap;
};

/* a stream: one exchange */
struct h2x {
    struct h2x *next;
    uint32_t id;
    uint64_t index;              /* the exchange's number */
    bool pushed;
    struct msgrec *req, *rsp;    /* references */
    struct msgrec **interim;
    size_t ninterim, icap;
    struct body b[2];
};

struct ch2 {
    struct dec_h2 *h;
    uint64_t base;               /* exchange number of the engine's stream index 0 */
    struct h2x *xs;              /* open streams, newest first */
    struct h2x *last;            /* the one found last */
    bool pre, pre_done;          /* the preface was seen, and written */
    uint64_t pre_off;
    struct flist pre_f;
    bool fin[2];
    bool finished;
    uint64_t pos[2];             /* the end of each direction's last frame */
    struct dec_conn_h2 counts;
    /* Upgrade: stream 1's request (HTTP/1.1) and the 101 (references) */
    struct msgrec *up_req;
    struct msgrec **up_interim;
    size_t up_n;
};

static const char h2_version[] = "HTTP/2";

/* ------------------------------------------------------------ helpers -- */

static struct h2x *find(struct ch2 *ch, uint32_t id)
{
    if (ch->last && ch->last->id == id)
        return ch->last;
    for (struct h2x *x = ch->xs; x; x = x->next)
        if (x->id == id)
            return ch->last = x;
    return NULL;
}

static void refs_add(struct dec_h2_ref **v, size_t *n, size_t *cap, uint64_t frame, uint8_t type,
                     uint8_t flags, uint32_t length)
{
    if (*n >= 4096)  /* a body of thousands of frames: its first ones are listed */
        return;
    tr_xgrow(v, cap, *n + 1, sizeof **v);
    (*v)[(*n)++] = (struct dec_h2_ref){frame, type, flags, length};
}

static struct dec_h2_ref *refs_copy(const struct dec_h2_ref *v, size_t n)
{
    if (!n)
        return NULL;
    struct dec_h2_ref *r = tr_xreallocarray(NULL, n, sizeof *r);
    memcpy(r, v, n * sizeof *r);
    return r;
}

static void frames_of(struct flist *f, const uint64_t *v, size_t n, tr_time ts, tr_time ts_end)
{
    for (size_t i = 0; i < n; i++)
        dec_flist_add(f, v[i], i + 1 == n ? ts_end : ts);
}

static struct dec_stage *h2_stage(struct dconn *c, enum dec_stage_kind kind, const struct h2x *x,
                                  uint32_t stream, enum tr_dir dir, uint64_t off, uint64_t len,
                                  struct flist *f)
{
    dec_flist_finish(f);
    struct dec_stage *st = dec_stage_from(kind, x ? (int64_t)x->index : -1, dir, off, len, f);
    st->stream = stream;
    st->tls = c->ctls != NULL;
    return st;
}

static struct dec_str put(struct msgrec *m, const char *p, size_t n)
{
    if (!p)
        return (struct dec_str){NULL, 0};
    char *d = m->arena + m->alen;
    memcpy(d, p, n);
    d[n] = '\0';
    m->alen += n + 1;
    return (struct dec_str){d, n};
}

static size_t fields_size(const struct dec_hpack_field *v, size_t n)
{
    size_t t = 0;
    for (size_t i = 0; i < n; i++)
        t += (v[i].name.p ? v[i].name.len : 0) + (v[i].value.p ? v[i].value.len : 0) + 2;
    return t;
}

static void put_fields(struct msgrec *m, const struct dec_hpack_field *v, size_t n,
                       struct dec_header *out)
{
    for (size_t i = 0; i < n; i++) {
        out[i].name = put(m, v[i].name.p, v[i].name.len);
        out[i].value = put(m, v[i].value.p, v[i].value.len);
    }
}

/* a message from a header block (request, response, or a promised request) */
static struct msgrec *msg_from_block(struct dconn *c, const struct dec_h2_block *b, bool request)
{
    struct msgrec *m = dec_msgrec_new(request);
    struct dec_msg *pm = &m->pub;
    size_t sz = fields_size(b->pseudo, b->npseudo) + fields_size(b->fields, b->nfields);
    m->arena = tr_xmalloc(2 * sz + 64);  /* the fields, and the request line's words again */
    m->alen = 0;
    if (b->nfields) {
        m->hdrs = tr_xcalloc(b->nfields, sizeof *m->hdrs);
        put_fields(m, b->fields, b->nfields, m->hdrs);
    }
    if (b->npseudo) {
        m->pseudo = tr_xcalloc(b->npseudo, sizeof *m->pseudo);
        put_fields(m, b->pseudo, b->npseudo, m->pseudo);
    }
    pm->headers = m->hdrs;
    pm->nheaders = b->nfields;
    pm->pseudo = m->pseudo;
    pm->npseudo = b->npseudo;
    pm->h2 = true;
    pm->tls = c->ctls != NULL;
    pm->stream = b->kind == DEC_H2_BLOCK_PUSH_PROMISE ? b->promised_stream : b->stream;
    pm->version = (struct dec_str){h2_version, sizeof h2_version - 1};
    if (request) {
        pm->method = put(m, b->method.p, b->method.len);
        pm->target = put(m, b->path.p, b->path.len);
        pm->authority = put(m, b->authority.p, b->authority.len);
        pm->scheme = put(m, b->scheme.p, b->scheme.len);
    } else {
        pm->status = b->status < 0 ? 0 : b->status;
        pm->interim = b->interim;
    }
    for (size_t i = 0; i < pm->nheaders; i++) {
        if (!pm->host.p && dec_str_eq_ci(pm->headers[i].name, "host"))
            pm->host = pm->headers[i].value;
        if (!pm->content_encoding.p && dec_str_eq_ci(pm->headers[i].name, "content-encoding"))
            pm->content_encoding = pm->headers[i].value;
    }
    pm->hpack_length = (int64_t)b->hpack_length;
    pm->decoded_hlength = b->decoded_length;
    pm->framing = DEC_FRAMING_H2;
    pm->first_frame = b->nframes ? b->frames[0] : 0;
    pm->last_frame = b->nframes ? b->frames[b->nframes - 1] : 0;
    pm->ts_first = b->ts;
    pm->ts_last = b->ts_end;
    pm->offset = b->offset;
    pm->head_length = b->length;
    pm->end = b->offset + b->length;
    pm->complete = b->complete;
    return m;
}

/* the HTTP/2 frames that made a header block, added to a list */
static void block_refs(const struct dec_h2_block *b, struct dec_h2_ref **v, size_t *n, size_t *cap)
{
    for (size_t i = 0; i < b->nh2frames; i++)
        refs_add(v, n, cap, b->h2frames[i].last_frame, b->h2frames[i].type, b->h2frames[i].flags,
                 b->h2frames[i].length);
}

/* the stages of a header block: the start line's and the headers' */
static void block_stages(struct dconn *c, struct h2x *x, const struct dec_h2_block *b,
                         const struct dec_msg *m, bool request)
{
    struct flist *f = &c->d->scratch;
    struct dec_h2_ref *refs = NULL;
    size_t nrefs = 0, crefs = 0;
    block_refs(b, &refs, &nrefs, &crefs);
    for (int k = 0; k < 2; k++) {
        enum dec_stage_kind kind = request ? (k ? DEC_STAGE_REQUEST_HEADERS : DEC_STAGE_REQUEST_LINE)
                                           : (k ? DEC_STAGE_RESPONSE_HEADERS : DEC_STAGE_STATUS_LINE);
        dec_flist_reset(f);
        frames_of(f, b->frames, b->nframes, b->ts, b->ts_end);
        /* the start line is in the pseudo-header fields: no bytes of its own */
        struct dec_stage *st = h2_stage(c, kind, x, b->stream, b->dir, b->offset,
                                        k ? b->length : 0, f);
        st->msg = dec_msg_ref(m);
        st->h2 = refs_copy(refs, nrefs);
        st->nh2 = nrefs;
        dec_dc_stage(c, st);
    }
    free(refs);
}

/* ---------------------------------------------------------------- bodies -- */

static struct msgrec **msg_of(struct h2x *x, enum tr_dir dir)
{
    return dir == TR_DIR_C2S ? &x->req : &x->rsp;
}

static void body_begin(struct dconn *c, struct h2x *x, enum tr_dir dir, uint64_t off)
{
    struct body *b = &x->b[dir];
    if (b->on)
        return;
    b->on = true;
    b->off = b->end = off;
    struct msgrec *m = *msg_of(x, dir);
    if (m && m->pub.content_encoding.p && c->d->o.decode_content) {
        bool unknown;
        char coding[64];
        size_t n = m->pub.content_encoding.len < sizeof coding - 1 ? m->pub.content_encoding.len
                                                                   : sizeof coding - 1;
        memcpy(coding, m->pub.content_encoding.p, n);
        coding[n] = '\0';
        b->content = dec_content_new(coding, n, &unknown);
        if (b->content && c->d->o.body_preview)
            dec_content_keep(b->content, c->d->o.body_preview);
    }
}

/* the body of one direction ended (END_STREAM, a reset, the end) */
static void body_done(struct dconn *c, struct h2x *x, enum tr_dir dir, bool complete)
{
    struct body *b = &x->b[dir];
    if (b->done)
        return;
    b->done = true;
    struct msgrec **mp = msg_of(x, dir);
    if (!*mp && !b->on)
        return;
    if (!*mp) {  /* DATA without its HEADERS (the capture began after them) */
        *mp = dec_msgrec_new(dir == TR_DIR_C2S);
        (*mp)->pub.h2 = true;
        (*mp)->pub.tls = c->ctls != NULL;
        (*mp)->pub.stream = x->id;
        (*mp)->pub.version = (struct dec_str){h2_version, sizeof h2_version - 1};
        (*mp)->pub.framing = DEC_FRAMING_H2;
        (*mp)->pub.first_frame = b->f.n ? b->f.v[0] : 0;
        (*mp)->pub.ts_first = b->f.ts_min;
        (*mp)->pub.offset = b->off;
        complete = false;
    }
    struct dec_msg *m = &(*mp)->pub;
    m->body_length = b->length;
    m->gap_bytes = b->gap;
    if (!b->on) {
        m->complete = m->complete && complete;
        return;
    }
    if (b->content) {
        const char *why = NULL;
        if (b->gap == 0 && complete) {
            m->decoded_length = dec_content_finish(b->content, &why);
            if (m->decoded_length < 0)
                dec_dc_note(c, DEC_NOTE_DECODE_ERROR, m->last_frame,
                        "the %.*s body of stream %u could not be decoded: %s",
                        (int)(m->content_encoding.len > 20 ? 20 : m->content_encoding.len),
                        m->content_encoding.p, x->id, why ? why : "bad data");
        }
    } else if (!m->content_encoding.p && b->gap == 0) {
        m->decoded_length = (int64_t)b->length;
    }
    m->end = b->end;
    if (b->f.n) {
        dec_flist_finish(&b->f);
        m->last_frame = b->f.v[b->f.n - 1];
        m->ts_last = b->f.ts_max;
    }
    m->complete = m->complete && complete && b->gap == 0;
    struct dec_stage *st = h2_stage(c, dir == TR_DIR_C2S ? DEC_STAGE_REQUEST_BODY
                                                         : DEC_STAGE_RESPONSE_BODY,
                                    x, x->id, dir, b->off, b->end - b->off, &b->f);
    st->msg = dec_msg_ref(m);
    st->h2 = b->refs;
    st->nh2 = b->nrefs;
    b->refs = NULL;
    b->nrefs = b->crefs = 0;
    st->preview = b->preview;
    st->preview_len = b->plen;
    if (b->content)
        st->decoded = dec_content_take_kept(b->content, &st->decoded_len);
    else if (!m->content_encoding.p) {
        st->decoded = b->preview;
        st->decoded_len = b->plen;
    }
    b->preview = NULL;
    b->plen = b->pcap = 0;
    dec_content_free(b->content);
    b->content = NULL;
    dec_dc_stage(c, st);
}

static void x_free(struct h2x *x)
{
    dec_dc_msgs_unref(x->req, x->rsp, x->interim, x->ninterim);
    for (int d = 0; d < 2; d++) {
        dec_flist_free(&x->b[d].f);
        free(x->b[d].refs);
        free(x->b[d].preview);
        dec_content_free(x->b[d].content);
    }
    free(x);
}

static void write_exchange(struct dconn *c, struct h2x *x, bool ended_well)
{
    struct dec_decoder *d = c->d;
    if (d->sink.on_exchange) {
        struct dec_exchange *ex =
            dec_dc_exchange_of(c, x->index, x->req, x->rsp, x->interim, x->ninterim);
        ex->stream = x->id;
        ex->pushed = x->pushed;
        ex->complete = ended_well && x->req && x->req->pub.complete && x->rsp &&
                       x->rsp->pub.complete;
        d->sink.on_exchange(d->sink.ctx, &c->pub, ex);
        dec_exchange_unref(ex);
    }
}

static void x_unlink(struct ch2 *ch, struct h2x *x)
{
    for (struct h2x **pp = &ch->xs; *pp; pp = &(*pp)->next)
        if (*pp == x) {
            *pp = x->next;
            break;
        }
    if (ch->last == x)
        ch->last = NULL;
}

/* ---------------------------------------------------------- the events -- */

static void on_preface(void *ctx, const struct dec_h2_preface *p)
{
    struct dconn *c = ctx;
    struct ch2 *ch = c->ch2;
    ch->pre = true;
    ch->pre_off = p->offset;
    dec_flist_reset(&ch->pre_f);
    frames_of(&ch->pre_f, p->frames, p->nframes, p->ts, p->ts_end);
}

static void settings_stage(struct dconn *c, enum dec_stage_kind kind, const struct dec_h2_frame *f,
                           uint64_t off, struct flist *fl)
{
    frames_of(fl, f->frames, f->nframes, f->ts, f->ts_end);
    uint64_t end = f->offset + DEC_H2_FRAME_HEADER + f->length;
    struct dec_stage *st = h2_stage(c, kind, NULL, 0, f->dir, off, end - off, fl);
    struct dec_h2_ref r = {f->nframes ? f->frames[f->nframes - 1] : 0, f->type, f->flags,
                           f->length};
    st->h2 = refs_copy(&r, 1);
    st->nh2 = 1;
    if (f->nsettings) {
        struct dec_h2_kv *kv = tr_xreallocarray(NULL, f->nsettings, sizeof *kv);
        for (size_t i = 0; i < f->nsettings; i++)
            kv[i] = (struct dec_h2_kv){f->settings[i].id, f->settings[i].value};
        st->settings = kv;
        st->nsettings = f->nsettings;
    }
    dec_dc_stage(c, st);
}

static void preface_alone(struct dconn *c)
{
    struct ch2 *ch = c->ch2;
    if (!ch->pre || ch->pre_done)
        return;
    ch->pre_done = true;
    struct dec_stage *st = h2_stage(c, DEC_STAGE_H2_PREFACE, NULL, 0, TR_DIR_C2S, ch->pre_off,
                                    DEC_H2_PREFACE_LEN, &ch->pre_f);
    dec_dc_stage(c, st);
}

/* the body of a stream's direction, begun at off when it was not; NULL for
 * a stream not known or a body already ended */
static struct body *body_at(struct dconn *c, uint32_t stream, enum tr_dir dir, uint64_t off,
                            struct h2x **xp)
{
    struct h2x *x = *xp = find(c->ch2, stream);
    if (!x || x->b[dir].done)
        return NULL;
    body_begin(c, x, dir, off);
    return &x->b[dir];
}

static void on_frame(void *ctx, const struct dec_h2_frame *f)
{
    struct dconn *c = ctx;
    struct ch2 *ch = c->ch2;
    bool settings = f->type == DEC_H2_SETTINGS && !(f->flags & DEC_H2_F_ACK) && !f->malformed;
    uint64_t fend = f->offset + DEC_H2_FRAME_HEADER + f->length;
    if (fend > ch->pos[f->dir])
        ch->pos[f->dir] = fend;
    if (f->dir == TR_DIR_C2S && ch->pre && !ch->pre_done) {
        if (f->first && settings) {
            ch->pre_done = true;
            settings_stage(c, DEC_STAGE_H2_PREFACE, f, ch->pre_off, &ch->pre_f);
            return;
        }
        preface_alone(c);
    }
    if (f->dir == TR_DIR_S2C && f->first && settings) {
        struct flist *fl = &c->d->scratch;
        dec_flist_reset(fl);
        settings_stage(c, DEC_STAGE_H2_SETTINGS, f, f->offset, fl);
        return;
    }
    if (f->type == DEC_H2_GOAWAY && !f->malformed) {
        struct flist *fl = &c->d->scratch;
        dec_flist_reset(fl);
        frames_of(fl, f->frames, f->nframes, f->ts, f->ts_end);
        struct dec_stage *st = h2_stage(c, DEC_STAGE_GOAWAY, NULL, 0, f->dir, f->offset,
                                        DEC_H2_FRAME_HEADER + (uint64_t)f->length, fl);
        struct dec_h2_ref r = {f->nframes ? f->frames[f->nframes - 1] : 0, f->type, f->flags,
                               f->length};
        st->h2 = refs_copy(&r, 1);
        st->nh2 = 1;
        st->last_stream = f->last_stream;
        st->error_code = dec_h2_error_name(f->error_code);
        dec_dc_stage(c, st);
        return;
    }
    if (f->type != DEC_H2_DATA || !f->stream)
        return;
    struct h2x *x;
    struct body *b = body_at(c, f->stream, f->dir, f->offset, &x);
    if (!b)
        return;
    refs_add(&b->refs, &b->nrefs, &b->crefs, f->nframes ? f->frames[f->nframes - 1] : 0, f->type,
             f->flags, f->length);
    frames_of(&b->f, f->frames, f->nframes, f->ts, f->ts_end);
    uint64_t end = f->offset + DEC_H2_FRAME_HEADER + f->length;
    if (end > b->end)
        b->end = end;
    if (f->flags & DEC_H2_F_END_STREAM)
        body_done(c, x, f->dir, !f->truncated && !f->gap);
}

static void on_data(void *ctx, const struct dec_h2_data *dd)
{
    struct dconn *c = ctx;
    struct h2x *x;
    struct body *b = body_at(c, dd->stream, dd->dir, dd->offset, &x);
    if (!b)
        return;
    b->length += dd->len;
    if (!dd->data) {
        b->gap += dd->len;
        return;
    }
    if (b->content)
        dec_content_feed(b->content, dd->data, dd->len);
    size_t cap = c->d->o.body_preview;
    if (b->plen < cap) {
        size_t take = cap - b->plen < dd->len ? cap - b->plen : dd->len;
        tr_xgrow(&b->preview, &b->pcap, b->plen + take, 1);
        memcpy(b->preview + b->plen, dd->data, take);
        b->plen += take;
    }
}

static void on_block(void *ctx, const struct dec_h2_block *b)
{
    struct dconn *c = ctx;
    struct ch2 *ch = c->ch2;
    uint32_t id = b->kind == DEC_H2_BLOCK_PUSH_PROMISE ? b->promised_stream : b->stream;
    struct h2x *x = find(ch, id);
    if (!x)
        return;
    switch (b->kind) {
    case DEC_H2_BLOCK_REQUEST: {
        if (x->req)
            break;
        x->req = msg_from_block(c, b, true);
        block_stages(c, x, b, &x->req->pub, true);
        break;
    }
    case DEC_H2_BLOCK_RESPONSE: {
        struct msgrec *m = msg_from_block(c, b, false);
        block_stages(c, x, b, &m->pub, false);
        if (b->interim) {
            tr_xgrow(&x->interim, &x->icap, x->ninterim + 1, sizeof *x->interim);
            x->interim[x->ninterim++] = m;
        } else {
            dec_msg_unref(x->rsp ? &x->rsp->pub : NULL);
            x->rsp = m;
        }
        break;
    }
    case DEC_H2_BLOCK_TRAILERS: {
        struct body *bd = &x->b[b->dir];
        if (bd->done)
            break;
        body_begin(c, x, b->dir, b->offset);
        block_refs(b, &bd->refs, &bd->nrefs, &bd->crefs);
        frames_of(&bd->f, b->frames, b->nframes, b->ts, b->ts_end);
        if (b->offset + b->length > bd->end)
            bd->end = b->offset + b->length;
        break;
    }
    case DEC_H2_BLOCK_PUSH_PROMISE: {
        if (x->req)
            break;
        x->req = msg_from_block(c, b, true);
        struct flist *f = &c->d->scratch;
        dec_flist_reset(f);
        frames_of(f, b->frames, b->nframes, b->ts, b->ts_end);
        struct dec_stage *st = h2_stage(c, DEC_STAGE_PUSH_PROMISE, x, x->id, b->dir, b->offset,
                                        b->length, f);
        struct dec_h2_ref *refs = NULL;
        size_t nrefs = 0, crefs = 0;
        block_refs(b, &refs, &nrefs, &crefs);
        st->h2 = refs;
        st->nh2 = nrefs;
        st->promised_stream = b->promised_stream;
        st->msg = dec_msg_ref(&x->req->pub);
        dec_dc_stage(c, st);
        x->req->pub.complete = true;
        x->b[TR_DIR_C2S].done = true;  /* a promised request has no body */
        break;
    }
    }
    if (b->end_stream && b->kind != DEC_H2_BLOCK_PUSH_PROMISE && !(b->interim))
        body_done(c, x, b->dir, b->complete);
}

static void stream_open(struct dconn *c, const struct dec_h2_stream *s)
{
    struct ch2 *ch = c->ch2;
    if (find(ch, s->id))
        return;
    struct h2x *x = tr_xcalloc(1, sizeof *x);
    x->id = s->id;
    x->index = ch->base + s->index;
    x->pushed = s->pushed;
    x->next = ch->xs;
    ch->xs = x;
    if (x->index >= c->pub.exchanges) {
        c->d->st.exchanges += x->index + 1 - c->pub.exchanges;
        c->pub.exchanges = x->index + 1;
    }
    dec_dc_mark_http(c);
    if (s->upgraded && ch->up_req) {  /* stream 1: the Upgrade's request and its 101 */
        x->req = ch->up_req;
        ch->up_req = NULL;
        x->interim = ch->up_interim;
        x->ninterim = x->icap = ch->up_n;
        ch->up_interim = NULL;
        ch->up_n = 0;
        x->b[TR_DIR_C2S].done = true;
    }
}

static void stream_end(struct dconn *c, const struct dec_h2_stream *s)
{
    struct ch2 *ch = c->ch2;
    struct h2x *x = find(ch, s->id);
    if (!x)
        return;
    bool well = s->how == DEC_H2_END_END_STREAM;
    for (int d = 0; d < 2; d++)
        body_done(c, x, (enum tr_dir)d, well);
    struct flist *f = &c->d->scratch;
    dec_flist_reset(f);
    if (s->frame)
        dec_flist_add(f, s->frame, s->ts);
    else
        f->ts_min = f->ts_max = s->ts;
    struct dec_stage *st = h2_stage(c, DEC_STAGE_STREAM_END, x, x->id, s->dir, ch->pos[s->dir],
                                    0, f);
    switch (s->how) {
    case DEC_H2_END_CONN_CLOSE:
    case DEC_H2_END_CAPTURE_END:
        /* the connection ended (or the capture) with the stream open: its
         * end was not captured */
        st->h2_how = "capture_end";
        break;
    default:
        st->h2_how = dec_h2_end_name(s->how);
        break;
    }
    if (s->how == DEC_H2_END_RST_STREAM || s->how == DEC_H2_END_GOAWAY)
        st->error_code = dec_h2_error_name(s->error_code);
    dec_dc_stage(c, st);
    write_exchange(c, x, well);
    x_unlink(ch, x);
    x_free(x);
}

static void on_stream(void *ctx, const struct dec_h2_stream *s)
{
    if (s->event == DEC_H2_STREAM_OPEN)
        stream_open(ctx, s);
    else
        stream_end(ctx, s);
}

static void on_note(void *ctx, const struct dec_h2_note *n)
{
    struct dconn *c = ctx;
    enum dec_note_kind k;
    switch (n->kind) {
    case DEC_H2_NOTE_MALFORMED:
        k = DEC_NOTE_MALFORMED_H2;
        break;
    case DEC_H2_NOTE_HPACK:
        k = n->problem == DEC_H2_P_HPACK_ERROR ? DEC_NOTE_MALFORMED_H2 : DEC_NOTE_INCOMPLETE;
        break;
    case DEC_H2_NOTE_LIMIT:
        k = DEC_NOTE_LIMIT;
        break;
    case DEC_H2_NOTE_GAP:
        k = DEC_NOTE_GAP;
        break;
    default:
        k = DEC_NOTE_INCOMPLETE;
        break;
    }
    if (n->stream)
        dec_dc_note(c, k, n->frame, "HTTP/2 stream %u: %s", n->stream, n->detail);
    else
        dec_dc_note(c, k, n->frame, "HTTP/2: %s", n->detail);
}

/* ------------------------------------------------------------- the API -- */

bool dec_ch_looks_like(enum tr_dir dir, const uint8_t *p, size_t n)
{
    if (dir == TR_DIR_C2S)  /* "PRI " at least: shorter could be PUT (message.c looks again) */
        return n >= 4 && dec_h2_match_preface(p, n) != DEC_INVALID;
    return n >= DEC_H2_FRAME_HEADER && p[3] == DEC_H2_SETTINGS && dec_h2_sniff_frames(p, n) > 0;
}

bool dec_ch_wanted(const struct dconn *c, enum tr_dir dir, const uint8_t *p, size_t n)
{
    if (c->ch2)
        return false;
    /* from the server: its SETTINGS captured before the client's preface */
    return (dir == TR_DIR_C2S || !c->s[TR_DIR_C2S].seen_data) && dec_ch_looks_like(dir, p, n);
}

static void engine_new(struct dconn *c, const struct dec_h2_opts *o)
{
    if (!c->decided)
        dec_dc_decide(c, true);
    struct ch2 *ch = tr_xcalloc(1, sizeof *ch);
    c->ch2 = ch;
    struct dec_h2_sink sk = {
        .ctx = c, .on_preface = on_preface, .on_frame = on_frame, .on_block = on_block,
        .on_data = on_data, .on_stream = on_stream, .on_note = on_note,
    };
    ch->h = dec_h2_new(o, &sk);
    ch->base = c->pub.exchanges;
    c->pub.h2 = &ch->counts;
    dec_dc_mark_http(c);
}

void dec_ch_start(struct dconn *c, enum dec_h2_start how)
{
    if (c->dropped)
        return;
    struct dec_h2_opts o = {.start = how};
    engine_new(c, &o);
    if (c->dropped || c->ctls)
        return;
    for (int d = 0; d < 2; d++) {
        c->s[d].st = P_H2;
        c->s[d].seen_data = true;
    }
}

void dec_ch_upgrade(struct dconn *c, struct xchg *x, uint64_t end)
{
    (void)end;
    struct dec_str hs = {NULL, 0};
    for (size_t i = 0; x->req && i < x->req->pub.nheaders; i++)
        if (dec_str_eq_ci(x->req->pub.headers[i].name, "HTTP2-Settings"))
            hs = x->req->pub.headers[i].value;
    struct dec_h2_opts o = {.start = DEC_H2_START_UPGRADE, .http2_settings = hs.p,
                            .http2_settings_len = hs.len};
    engine_new(c, &o);
    struct ch2 *ch = c->ch2;
    ch->base = x->index;
    /* stream 1 takes the request (its arena holds the HTTP2-Settings value
     * the engine reads) and the 101, after any interim responses */
    ch->up_req = x->req;
    x->req = NULL;
    ch->up_n = x->ninterim + (x->rsp ? 1 : 0);
    ch->up_interim = ch->up_n ? tr_xreallocarray(NULL, ch->up_n, sizeof *ch->up_interim) : NULL;
    for (size_t i = 0; i < x->ninterim; i++)
        ch->up_interim[i] = x->interim[i];
    if (x->rsp)
        ch->up_interim[x->ninterim] = x->rsp;
    x->ninterim = 0;
    x->rsp = NULL;
    dec_dc_xchg_detach(c, x);
    c->s[TR_DIR_S2C].st = P_H2;
    struct dstate *cs = &c->s[TR_DIR_C2S];
    if (cs->st == P_IDLE || cs->st == P_UPGRADE)
        cs->st = P_H2;
}

void dec_ch_feed(struct dconn *c, enum tr_dir dir, uint64_t off, const uint8_t *p, size_t n,
             const uint64_t *frames, size_t nframes, tr_time ts)
{
    if (c->ch2 && !c->ch2->fin[dir])
        dec_h2_feed(c->ch2->h, dir, off, p, n, frames, nframes, ts);
}

void dec_ch_gap(struct dconn *c, enum tr_dir dir, uint64_t off, uint64_t len, uint64_t frame,
            tr_time ts)
{
    if (c->ch2 && !c->ch2->fin[dir])
        dec_h2_gap(c->ch2->h, dir, off, len, frame, ts);
}

void dec_ch_fin(struct dconn *c, enum tr_dir dir, uint64_t frame, tr_time ts)
{
    if (!c->ch2 || c->ch2->fin[dir])
        return;
    c->ch2->fin[dir] = true;
    dec_h2_end(c->ch2->h, dir, frame, ts);
}

void dec_ch_end(struct dconn *c, bool closed, uint64_t frame, tr_time ts)
{
    struct ch2 *ch = c->ch2;
    if (!ch || ch->finished)
        return;
    ch->finished = true;
    dec_h2_finish(ch->h, closed, frame, ts);
    preface_alone(c);
    while (ch->xs) {  /* streams the engine did not end (none expected) */
        struct h2x *x = ch->xs;
        write_exchange(c, x, false);
        x_unlink(ch, x);
        x_free(x);
    }
    struct dec_h2_counts k;
    dec_h2_counts(ch->h, &k);
    ch->counts.streams = k.streams;
    ch->counts.max_open = k.max_open;
    for (int t = 0; t < DEC_H2_TYPE_COUNT && t < 16; t++)
        ch->counts.frames[t] = k.frames[t];
}

void dec_ch_free(struct dconn *c)
{
    struct ch2 *ch = c->ch2;
    if (!ch)
        return;
    while (ch->xs) {
        struct h2x *x = ch->xs;
        x_unlink(ch, x);
        x_free(x);
    }
    dec_dc_msgs_unref(ch->up_req, NULL, ch->up_interim, ch->up_n);
    dec_flist_free(&ch->pre_f);
    dec_h2_free(ch->h);
    free(ch);
    c->ch2 = NULL;
    c->pub.h2 = NULL;
}
