/* message.c - the HTTP/1.x message state machine of one direction: start
 * line and header fields, the body by its framing (RFC 9112 6), chunked
 * coding (7.1), tunnels after CONNECT and 101, TLS on the port, gaps, and
 * finding the next message after bytes that are not one
 *
 * Bytes arrive in pieces of any size: a message head is gathered in a
 * buffer (capped) until its blank line; bodies stream through with counts.
 * The same reader takes a TLS connection's plaintext (conn_tls.c), each
 * piece with the frames of its record, and hands an HTTP/2 preface or an
 * h2c Upgrade over to conn_h2.c.
 *
 * Over 800 lines: one state machine whose states (head, the three body
 * framings, trailers, tunnel, resync after garbage or a gap) share the
 * per-direction state and each other's helpers; split, each part would need
 * most of the others' internals in a private header.
 */
#include "decode_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CHUNK_LINE 4096
#define MAX_TLS_SNIFF (32u << 10)

/* --------------------------------------------------------------- frames -- */

void dec_flist_add(struct flist *f, uint64_t frame, tr_time ts)
{
    if (f->n == 0 || ts < f->ts_min)
        f->ts_min = ts;
    if (f->n == 0 || ts > f->ts_max)
        f->ts_max = ts;
    if (f->n > 0 && f->v[f->n - 1] == frame)
        return;
    if (f->n >= (1u << 20)) {  /* a million frames in one stage: keep the count sane */
        f->capped = true;
        return;
    }
    tr_xgrow(&f->v, &f->cap, f->n + 1, sizeof *f->v);
    f->v[f->n++] = frame;
}

void dec_flist_reset(struct flist *f)
{
    f->n = 0;
    f->capped = false;
}

void dec_flist_free(struct flist *f)
{
    free(f->v);
    memset(f, 0, sizeof *f);
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

void dec_flist_finish(struct flist *f)
{
    bool sorted = true;
    for (size_t i = 1; i < f->n && sorted; i++)
        sorted = f->v[i - 1] < f->v[i];
    if (sorted)
        return;
    qsort(f->v, f->n, sizeof *f->v, cmp_u64);
    size_t k = 0;
    for (size_t i = 0; i < f->n; i++)
        if (k == 0 || f->v[k - 1] != f->v[i])
            f->v[k++] = f->v[i];
    f->n = k;
}

/* ------------------------------------------------------------- messages -- */

static struct dec_str arena_put(struct msgrec *m, const uint8_t *p, size_t n)
{
    struct dec_str s = {m->arena + m->alen, n};
    memcpy(m->arena + m->alen, p, n);
    m->alen += n;
    return s;
}

static bool is_ows(uint8_t c)
{
    return c == ' ' || c == '\t';
}

static void trim(const uint8_t **p, size_t *n)
{
    while (*n > 0 && is_ows(**p)) {
        (*p)++;
        (*n)--;
    }
    while (*n > 0 && (is_ows((*p)[*n - 1]) || (*p)[*n - 1] == '\r'))
        (*n)--;
}

/* the header fields the framing and the exchange need (RFC 9110 5.1: names
 * are case-insensitive); the length is compared first, as most names fail it */
enum header_id { H_OTHER, H_CONTENT_LENGTH, H_TRANSFER_ENCODING, H_CONTENT_ENCODING, H_HOST,
                 H_CONNECTION, H_UPGRADE };

static const struct {
    const char *name;
    size_t len;
    enum header_id id;
} known_headers[] = {
    {"Host", 4, H_HOST},
    {"Upgrade", 7, H_UPGRADE},
    {"Connection", 10, H_CONNECTION},
    {"Content-Length", 14, H_CONTENT_LENGTH},
    {"Content-Encoding", 16, H_CONTENT_ENCODING},
    {"Transfer-Encoding", 17, H_TRANSFER_ENCODING},
    {NULL, 0, H_OTHER},
};

static enum header_id header_id(const char *name, size_t n)
{
    for (int i = 0; known_headers[i].name; i++)
        if (known_headers[i].len == n && strncasecmp(known_headers[i].name, name, n) == 0)
            return known_headers[i].id;
    return H_OTHER;
}

/* Is `tok` one of the comma-separated tokens of the value? */
static bool has_token(const char *v, size_t n, const char *tok)
{
    size_t tl = strlen(tok), i = 0;
    while (i < n) {
        while (i < n && (is_ows((uint8_t)v[i]) || v[i] == ','))
            i++;
        size_t s = i;
        while (i < n && v[i] != ',')
            i++;
        size_t e = i;
        while (e > s && is_ows((uint8_t)v[e - 1]))
            e--;
        if (e - s == tl && strncasecmp(v + s, tok, tl) == 0)
            return true;
    }
    return false;
}

static bool all_digits(const char *v, size_t n, uint64_t *out)
{
    uint64_t x = 0;
    if (n == 0 || n > 18)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        x = x * 10 + (uint64_t)(v[i] - '0');
    }
    *out = x;
    return true;
}

/* The header fields of head[start_len, end): names and values copied into
 * the message's arena (obsolete line folding joined with one space, RFC
 * 9112 5.2), and what the framing needs from them. */
static void msg_headers(struct dconn *c, struct dstate *s, struct msgrec *m, size_t end,
                        uint64_t frame)
{
    const uint8_t *h = s->head;
    struct dec_msg *pm = &m->pub;
    size_t lines = 0;
    for (const uint8_t *p = h + s->start_len, *e = h + end;
         p < e && (p = memchr(p, '\n', (size_t)(e - p))); p++)
        lines++;
    m->hdrs = tr_xreallocarray(NULL, lines ? lines : 1, sizeof *m->hdrs);
    size_t nh = 0;
    m->ce_idx = m->host_idx = -1;
    size_t max = c->d->o.max_headers;
    bool limited = false;
    int cl_idx = -1, te_idx = -1;
    for (size_t i = s->start_len; i < end;) {
        const uint8_t *lf = memchr(h + i, '\n', end - i);
        size_t next = lf ? (size_t)(lf - h) + 1 : end;
        const uint8_t *line = h + i;
        size_t n = next - i - (lf ? 1 : 0);
        i = next;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n > 0 && is_ows(line[0])) {
            if (limited)  /* it continues a header past the cap, not kept either */
                continue;
            if (nh == 0) {
                dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                        "a folded header line with no header before it");
                continue;
            }
            /* a continuation: the value goes on after one space; the
             * previous value is the last thing in the arena */
            trim(&line, &n);
            struct dec_header *last = &m->hdrs[nh - 1];
            if (n > 0) {
                m->arena[m->alen++] = ' ';
                arena_put(m, line, n);
                last->value.len += n + 1;
            }
            continue;
        }
        if (nh >= max) {
            if (!limited)
                dec_dc_note(c, DEC_NOTE_LIMIT, frame,
                        "more than %zu header fields in one message: the rest are not kept", max);
            limited = true;
            continue;
        }
        const uint8_t *colon = memchr(line, ':', n);
        const uint8_t *name = line, *value = line + n;
        size_t nlen = n, vlen = 0;
        if (colon) {
            nlen = (size_t)(colon - line);
            value = colon + 1;
            vlen = n - nlen - 1;
        } else {
            dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                    "a header line without a colon (%zu bytes): kept as a name with no value", n);
        }
        trim(&name, &nlen);
        trim(&value, &vlen);
        struct dec_header *hd = &m->hdrs[nh++];
        hd->name = arena_put(m, name, nlen);
        hd->value = arena_put(m, value, vlen);
        int idx = (int)nh - 1;
        const char *v = hd->value.p;
        enum header_id id = header_id(hd->name.p, hd->name.len);
        if (id == H_CONTENT_LENGTH) {
            uint64_t x;
            if (cl_idx < 0) {
                cl_idx = idx;
            } else if (!(all_digits(v, hd->value.len, &x) && x == pm->content_length)) {
                dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                        "two Content-Length headers that disagree: the first one is used");
            }
        } else if (id == H_TRANSFER_ENCODING) {
            if (te_idx < 0 ||
                !has_token(m->hdrs[te_idx].value.p, m->hdrs[te_idx].value.len, "chunked"))
                te_idx = idx;
        } else if (id == H_CONTENT_ENCODING) {
            if (m->ce_idx < 0)
                m->ce_idx = idx;
        } else if (id == H_HOST) {
            if (m->host_idx < 0)
                m->host_idx = idx;
        } else if (id == H_CONNECTION) {
            pm->conn_close |= has_token(v, hd->value.len, "close");
            pm->conn_keep_alive |= has_token(v, hd->value.len, "keep-alive");
        } else if (id == H_UPGRADE) {
            pm->upgrade = true;
        }
        if (idx == cl_idx && !all_digits(v, hd->value.len, &pm->content_length)) {
            dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame, "Content-Length '%.*s' is not a number",
                    (int)(hd->value.len > 40 ? 40 : hd->value.len), v);
            cl_idx = -2;  /* present but unusable */
        }
    }
    /* RFC 9112 6.3: chunked wins over Content-Length */
    pm->framing = DEC_FRAMING_NONE;
    if (te_idx >= 0) {
        const struct dec_header *te = &m->hdrs[te_idx];
        /* a lenient reader (and Wireshark) takes "chunked" anywhere in it */
        bool chunked = false;
        for (size_t k = 0; k + 7 <= te->value.len && !chunked; k++)
            chunked = strncasecmp(te->value.p + k, "chunked", 7) == 0;
        if (chunked) {
            pm->framing = DEC_FRAMING_CHUNKED;
            if (cl_idx >= 0)
                dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                        "both Transfer-Encoding: chunked and Content-Length: chunked wins "
                        "(a request smuggling risk)");
        } else {
            pm->framing = DEC_FRAMING_CLOSE;  /* for a response: until the close */
        }
    }
    if (pm->framing == DEC_FRAMING_NONE && cl_idx >= 0)
        pm->framing = DEC_FRAMING_LENGTH;
    pm->headers = m->hdrs;
    pm->nheaders = nh;
    if (m->ce_idx >= 0)
        pm->content_encoding = m->hdrs[m->ce_idx].value;
    if (m->host_idx >= 0)
        pm->host = m->hdrs[m->host_idx].value;
}

static bool has_http_version(const uint8_t *line, const struct dec_reqline *rl)
{
    return rl->version.len >= 5 && memcmp(line + rl->version.off, "HTTP/", 5) == 0;
}

/* ------------------------------------------------------------ the head -- */

static void fm_add1(struct dstate *s, uint64_t off, uint64_t frame, tr_time ts)
{
    if (s->nfm > 0 && s->fm[s->nfm - 1].frame == frame)
        return;
    if (s->nfm >= 4096) {  /* a head in thousands of pieces: merge the tail */
        s->fm[s->nfm - 1].frame = frame;
        return;
    }
    tr_xgrow(&s->fm, &s->fmcap, s->nfm + 1, sizeof *s->fm);
    s->fm[s->nfm++] = (struct fent){off, frame, ts};
}

/* the frames of the piece being fed: one TCP frame, or the frames of the
 * TLS record whose plaintext it is (s->xf) */
static void fm_add(struct dstate *s, uint64_t off, uint64_t frame, tr_time ts)
{
    for (size_t i = 0; i < s->nxf; i++)
        fm_add1(s, off, s->xf[i], ts);
    fm_add1(s, off, frame, ts);
}

static void piece_add(struct flist *f, const struct dstate *s, uint64_t frame, tr_time ts)
{
    for (size_t i = 0; i < s->nxf; i++)
        dec_flist_add(f, s->xf[i], ts);
    dec_flist_add(f, frame, ts);
}

/* frames of head bytes [a, b) (relative to head_off) into the scratch list */
static struct flist *head_frames(struct dconn *c, struct dstate *s, size_t a, size_t b)
{
    struct flist *f = &c->d->scratch;
    dec_flist_reset(f);
    for (size_t i = 0; i < s->nfm; i++) {
        uint64_t lo = s->fm[i].off - s->head_off;
        size_t j = i + 1;  /* the frames of one TLS record share its offset */
        while (j < s->nfm && s->fm[j].off == s->fm[i].off)
            j++;
        uint64_t hi = j < s->nfm ? s->fm[j].off - s->head_off : s->hlen;
        if (lo < b && hi > a && hi > lo)
            dec_flist_add(f, s->fm[i].frame, s->fm[i].ts);
    }
    if (f->n == 0 && s->nfm > 0)
        dec_flist_add(f, s->fm[s->nfm - 1].frame, s->fm[s->nfm - 1].ts);
    return f;
}

static void head_begin(struct dstate *s)
{
    s->st = P_HEAD;
    s->hlen = 0;
    s->head_off = s->pos;
    s->line_start = 0;
    s->start_len = 0;
    s->nfm = 0;
    s->bare_lf = false;
}

static void head_append(struct dstate *s, const uint8_t *p, size_t n)
{
    tr_xgrow(&s->head, &s->hcap, s->hlen + n, 1);
    memcpy(s->head + s->hlen, p, n);
    s->hlen += n;
}

static void head_release(struct dstate *s)
{
    /* keep a modest buffer; give back a big one */
    if (s->hcap > (16u << 10)) {
        free(s->head);
        s->head = NULL;
        s->hcap = 0;
    }
    s->hlen = 0;
    s->nfm = 0;
}

void dec_ms_tunnel(struct dstate *s, int64_t xindex, uint64_t off)
{
    s->st = P_TUNNEL;
    s->tunnel_off = off;
    s->tunnel_len = 0;
    s->tunnel_x = xindex;
    dec_flist_reset(&s->tf);
}

static void body_begin(struct dconn *c, struct dstate *s, uint64_t off)
{
    struct dec_msg *m = &s->m->pub;
    s->body_off = off;
    s->nobody = false;
    dec_flist_reset(&s->bf);
    s->plen = 0;
    s->content_bad = false;
    if (m->content_encoding.p && c->d->o.decode_content) {
        bool unknown;
        s->content = dec_content_new(m->content_encoding.p, m->content_encoding.len, &unknown);
        if (s->content && c->d->o.body_preview)
            dec_content_keep(s->content, c->d->o.body_preview);
    }
    switch (m->framing) {
    case DEC_FRAMING_LENGTH:
        s->remaining = m->content_length;
        s->st = P_BODY_LEN;
        break;
    case DEC_FRAMING_CHUNKED:
        s->st = P_CHUNK_SIZE;
        s->clen = 0;
        s->cltotal = 0;
        break;
    case DEC_FRAMING_CLOSE:
        s->st = P_BODY_CLOSE;
        break;
    default:
        break;
    }
}

/* The end of a message's body (or of its head when it has none). */
static void body_end(struct dconn *c, struct dstate *s, bool complete, uint64_t end)
{
    struct dec_msg *m = &s->m->pub;
    struct xchg *x = s->x;
    if (s->content) {
        const char *why = NULL;
        if (m->gap_bytes == 0 && !s->content_bad) {
            m->decoded_length = dec_content_finish(s->content, &why);
            if (m->decoded_length < 0 && complete)
                dec_dc_note(c, DEC_NOTE_DECODE_ERROR, m->last_frame,
                        "the %.*s body could not be decoded: %s",
                        (int)(m->content_encoding.len > 20 ? 20 : m->content_encoding.len),
                        m->content_encoding.p, why ? why : "bad data");
            if (!complete)
                m->decoded_length = -1;
        }
    } else if (!m->content_encoding.p && m->body_length > 0 && m->gap_bytes == 0) {
        m->decoded_length = (int64_t)m->body_length;
    }
    m->end = end;
    m->complete = complete && m->gap_bytes == 0;
    /* a body stage needs bytes on the wire (a chunked body has at least its
     * last chunk; one cut off before its first byte has none) */
    bool has_body = !s->nobody && end > s->body_off;
    if (m->framing != DEC_FRAMING_NONE && has_body) {
        dec_flist_finish(&s->bf);
        bool req = s->dir == TR_DIR_C2S;
        struct dec_stage *st =
            dec_stage_from(req ? DEC_STAGE_REQUEST_BODY : DEC_STAGE_RESPONSE_BODY, (int64_t)x->index,
                       s->dir, s->body_off, end - s->body_off, &s->bf);
        st->msg = dec_msg_ref(m);
        /* the stage takes the preview and the decoded bytes */
        st->preview = s->preview;
        st->preview_len = s->plen;
        if (s->content) {
            st->decoded = dec_content_take_kept(s->content, &st->decoded_len);
        } else if (!m->content_encoding.p) {
            st->decoded = s->preview;
            st->decoded_len = s->plen;
        }
        s->preview = NULL;
        s->plen = s->pcap = 0;
        dec_dc_stage(c, st);
    }
    dec_content_free(s->content);
    s->content = NULL;
    s->st = P_IDLE;
    dec_dc_message_done(c, s, m->complete, end);
}

static void body_data(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n)
{
    s->m->pub.body_length += n;
    if (s->content && !s->content_bad)
        dec_content_feed(s->content, p, n);  /* an error is reported once, at the end */
    size_t cap = c->d->o.body_preview;
    if (s->plen < cap) {
        size_t take = cap - s->plen < n ? cap - s->plen : n;
        tr_xgrow(&s->preview, &s->pcap, s->plen + take, 1);  /* grows with the body, up to cap */
        memcpy(s->preview + s->plen, p, take);
        s->plen += take;
    }
}

static void touch(struct dstate *s, uint64_t frame, tr_time ts)
{
    if (s->m) {
        s->m->pub.last_frame = frame;
        s->m->pub.ts_last = ts;
    }
}

/* A head is whole: write its stages, then start its body. `cut`: a gap (or
 * the snaplen) took the rest of the head: keep the lines read, no body. */
static void head_done(struct dconn *c, struct dstate *s, uint64_t frame, tr_time ts, bool cut)
{
    bool req = s->dir == TR_DIR_C2S;
    uint64_t end = s->head_off + s->hlen;  /* where the body starts */
    struct dec_reqline rl;
    struct dec_statusline sl;
    struct xchg *x;
    struct msgrec *mr = dec_msgrec_new(req);
    struct dec_msg *m = &mr->pub;
    bool interim = false;
    if (req) {
        dec_parse_request_line(s->head, s->start_len, &rl);
        x = dec_dc_request_begins(c);
        x->req = mr;             /* the exchange holds the message */
    } else {
        dec_parse_status_line(s->head, s->start_len, &sl);
        interim = sl.status >= 100 && sl.status < 200 && sl.status != 101;
        x = dec_dc_response_begins(c, interim);
        if (!interim) {
            dec_msg_unref(x->rsp ? &x->rsp->pub : NULL);
            x->rsp = mr;
        }
    }
    /* an interim response is held by the reader until dec_dc_interim_done */
    s->x = x;
    s->m = mr;
    s->is_interim = interim;
    m->interim = interim;
    mr->arena = tr_xmalloc(s->hlen + 16);
    mr->alen = 0;
    if (req) {
        m->method = arena_put(mr, s->head + rl.method.off, rl.method.len);
        m->target = arena_put(mr, s->head + rl.target.off, rl.target.len);
        if (rl.version.len)
            m->version = arena_put(mr, s->head + rl.version.off, rl.version.len);
        if (!has_http_version(s->head, &rl) || rl.extra_parts)
            dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                    rl.extra_parts ? "the request line has more than three words"
                    : rl.version.len ? "the request line's version is not HTTP/x.y"
                                     : "the request line has no HTTP version");
        if (rl.loose_space)  /* RFC 9112 3: one SP between the words */
            dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                    "the request line's words are not separated by single spaces (read as "
                    "servers do, RFC 9112 section 3)");
        if (rl.bad_target && has_http_version(s->head, &rl))
            dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                    "the request target '%.*s' is not valid under RFC 9112 section 3.2: not "
                    "'/path', 'scheme://...', 'host:port' nor '*'",
                    rl.target.len > 64 ? 64 : (int)rl.target.len, s->head + rl.target.off);
        m->bad_target = rl.bad_target;
        x->head = m->method.len == 4 && memcmp(m->method.p, "HEAD", 4) == 0;
        x->connect = m->method.len == 7 && memcmp(m->method.p, "CONNECT", 7) == 0;
    } else {
        m->version = arena_put(mr, s->head + sl.version.off, sl.version.len);
        m->reason = arena_put(mr, s->head + sl.reason.off, sl.reason.len);
        m->status = sl.status;
    }
    m->offset = s->head_off;
    m->head_length = s->hlen;
    m->tls = s->plain;
    m->first_frame = s->nfm ? s->fm[0].frame : frame;
    m->ts_first = s->nfm ? s->fm[0].ts : ts;
    m->last_frame = frame;
    m->ts_last = ts;
    msg_headers(c, s, mr, s->line_start, frame);
    /* a 101 that switches to h2c answers nothing itself: the request's answer
     * comes as HTTP/2 on stream 1 (RFC 9113 3.2), so the 101 is an interim
     * response, as the exchange counts it (the reader still takes it as the
     * response that ends the HTTP/1.1 part) */
    if (!req && m->status == 101 && dec_dc_h2c_upgrade(x))
        m->interim = true;

    /* the three stages of the head */
    int64_t xi = (int64_t)x->index;
    struct flist *f = head_frames(c, s, 0, s->start_len);
    struct dec_stage *st = dec_stage_from(req ? DEC_STAGE_REQUEST_LINE : DEC_STAGE_STATUS_LINE, xi,
                                      s->dir, s->head_off, s->start_len, f);
    st->msg = dec_msg_ref(m);
    dec_dc_stage(c, st);
    f = head_frames(c, s, s->start_len, s->line_start);
    st = dec_stage_from(req ? DEC_STAGE_REQUEST_HEADERS : DEC_STAGE_RESPONSE_HEADERS, xi, s->dir,
                    s->head_off + s->start_len, s->line_start - s->start_len, f);
    st->msg = dec_msg_ref(m);
    dec_dc_stage(c, st);
    if (!cut) {
        f = head_frames(c, s, s->line_start, s->hlen);
        st = dec_stage_from(req ? DEC_STAGE_REQUEST_BLANK_LINE : DEC_STAGE_RESPONSE_BLANK_LINE, xi,
                        s->dir, s->head_off + s->line_start, s->hlen - s->line_start, f);
        st->msg = dec_msg_ref(m);
        dec_dc_stage(c, st);
    }
    head_release(s);
    s->seen_http = true;
    struct dstate *o = &c->s[!s->dir];
    if (o->st == P_SKIP) {
        /* the other side's first line was not HTTP, but this side speaks
         * HTTP: one bad line does not end the connection's decoding; hunt
         * for the next start line there */
        o->st = P_IDLE;
        o->resync = true;
        o->resync_noted = true;
        o->skip_line = false;  /* P_SKIP took every byte so far: the next piece is judged */
    }
    if (cut) {
        if (interim) {
            s->st = P_IDLE;
            dec_dc_interim_done(c, s);
        } else {
            s->body_off = end;
            s->nobody = true;
            body_end(c, s, false, end);
        }
        s->resync = true;
        s->resync_noted = true;
        return;
    }

    /* the body, by RFC 9112 6.3 */
    bool nobody = false;
    if (req) {
        if (x->connect) {
            m->framing = DEC_FRAMING_NONE;
            m->end = end;
            m->complete = true;
            s->st = P_IDLE;
            dec_dc_message_done(c, s, true, end);
            dec_ms_tunnel(s, xi, end);  /* what follows a CONNECT is the tunnel */
            return;
        }
        if (m->framing == DEC_FRAMING_CLOSE)  /* a request body never ends with the close */
            m->framing = DEC_FRAMING_NONE;
    } else {
        int code = m->status;
        if (interim) {
            s->st = P_IDLE;
            dec_dc_interim_done(c, s);
            return;
        }
        /* RFC 9112 6.3: no body after HEAD, 1xx, 204, 304, or a 2xx to CONNECT;
         * the headers' framing is still reported, as declared */
        nobody = x->head || code == 204 || code == 304 || code == 101 ||
                 (x->connect && code >= 200 && code < 300);
        if (nobody && m->framing == DEC_FRAMING_CLOSE)
            m->framing = DEC_FRAMING_NONE;
        else if (!nobody && m->framing == DEC_FRAMING_NONE)
            m->framing = DEC_FRAMING_CLOSE;  /* no length: the body ends with the connection */
    }
    if (nobody || m->framing == DEC_FRAMING_NONE ||
        (m->framing == DEC_FRAMING_LENGTH && m->content_length == 0)) {
        s->body_off = end;
        s->nobody = true;
        body_end(c, s, true, end);
        return;
    }
    body_begin(c, s, end);
}

/* Is the head under parse one of HTTP's methods alone on its line? */
static bool lone_method(const struct dstate *s)
{
    static const char *const methods[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT",
                                          "OPTIONS", "TRACE", "PATCH", NULL};
    if (s->dir != TR_DIR_C2S || !s->head)
        return false;
    size_t n = 0;
    while (n < s->hlen && s->head[n] != '\r' && s->head[n] != '\n')
        n++;
    if (n == s->hlen)
        return false;
    for (int i = 0; methods[i]; i++)
        if (strlen(methods[i]) == n && memcmp(methods[i], s->head, n) == 0)
            return true;
    return false;
}

/* Bytes that are not an HTTP message where one should start. */
static void garbage(struct dconn *c, struct dstate *s, uint64_t frame)
{
    bool first = !s->seen_http && !c->s[!s->dir].seen_http;
    bool method_only = lone_method(s);
    head_release(s);
    s->st = P_IDLE;
    if (!c->decided) {
        if (c->tc->syn_seen || c->s[!s->dir].seen_data) {
            dec_dc_decide(c, false);
            return;
        }
        s->resync = true;  /* maybe the capture starts inside a message */
        return;
    }
    if (s->hunting) {  /* it only looked like a start line: go on hunting, quietly */
        s->hunting = false;
        s->resync = true;
        return;
    }
    if (first && c->tc->syn_seen && method_only) {
        /* "OPTIONS" alone on its line, then header fields: a request that
         * lost its target and version, not another protocol */
        dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                "a request line with a method only: no target and no HTTP version");
        s->resync = true;
        s->resync_noted = true;
        return;
    }
    if (first && c->tc->syn_seen) {
        if (!c->not_http_noted) {
            c->not_http_noted = true;
            c->pub.not_http = true;
            dec_dc_note(c, DEC_NOTE_NOT_HTTP, frame,
                    "the %s's bytes on this connection are not HTTP (nor TLS)",
                    s->dir == TR_DIR_C2S ? "client" : "server");
        }
        s->st = P_SKIP;
        return;
    }
    if (!s->resync_noted) {
        s->resync_noted = true;
        if (!s->seen_http && !c->tc->syn_seen)
            dec_dc_note(c, DEC_NOTE_INCOMPLETE, frame,
                    "the capture starts inside a message: the %s's bytes are skipped up to the "
                    "next %s line",
                    s->dir == TR_DIR_C2S ? "client" : "server",
                    s->dir == TR_DIR_C2S ? "request" : "status");
        else
            dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                    "bytes from the %s that are not an HTTP %s: skipped up to the next one",
                    s->dir == TR_DIR_C2S ? "client" : "server",
                    s->dir == TR_DIR_C2S ? "request" : "response");
    }
    s->resync = true;
}

/* Could an HTTP message start here? (lenient for short pieces) */
static bool plausible_start(const struct dstate *s, const uint8_t *p, size_t n)
{
    /* a piece that ends inside the method ("G", "GE") may still be one:
     * the head parser decides once it has the line */
    if (s->dir == TR_DIR_C2S && n > 0 && n < 24 && dec_method_len(p, n) == n)
        return true;
    return s->dir == TR_DIR_C2S ? dec_looks_like_request(p, n) : dec_looks_like_response(p, n);
}

/* A request line without "HTTP/x.y" still passes when its target has a
 * request-target's form (RFC 9112 3.2: origin-form "/...", absolute-form
 * "scheme://...", asterisk-form "*"): "GET /x" (HTTP/0.9 style) does, and
 * a server answers "T / HTTP" with 400; "EHLO host" is SMTP. */
static bool target_like(const uint8_t *line, const struct dec_reqline *rl)
{
    const uint8_t *t = line + rl->target.off;
    size_t n = rl->target.len;
    if (n > 0 && (t[0] == '/' || (t[0] == '*' && n == 1)))
        return true;
    if (n >= 5 && memcmp(t, "HTTP/", 5) == 0 && rl->version.len == 0)
        return true;  /* "OPTIONS HTTP/1.1": the target is missing */
    for (size_t i = 0; i + 2 < n; i++)
        if (t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/')
            return i > 0;
    return false;
}

/* The client's first line is HTTP/2's preface line (RFC 9113 3.4): its
 * first piece was too short to tell it from a method such as PUT. */
static bool h2_preface_line(const struct dconn *c, const struct dstate *s)
{
    static const char line[] = "PRI * HTTP/2.0\r\n";
    return s->dir == TR_DIR_C2S && !c->ch2 && c->pub.exchanges == 0 && !s->seen_http &&
           s->hlen == sizeof line - 1 && memcmp(s->head, line, sizeof line - 1) == 0;
}

/* hand the line read so far, and what follows it, to HTTP/2 */
static void h2_switch(struct dconn *c, struct dstate *s, tr_time ts)
{
    uint64_t fr[64];
    size_t nf = 0;
    for (size_t k = 0; k < s->nfm && nf < 64; k++)
        if (!nf || fr[nf - 1] != s->fm[k].frame)
            fr[nf++] = s->fm[k].frame;
    dec_ch_start(c, DEC_H2_START_PREFACE);
    dec_ch_feed(c, s->dir, s->head_off, s->head, s->hlen, fr, nf, ts);
    head_release(s);
    s->st = P_H2;
}

static size_t st_head(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n,
                      uint64_t frame, tr_time ts)
{
    size_t max = c->d->o.max_header_bytes;
    fm_add(s, s->pos, frame, ts);
    size_t i = 0;
    while (i < n) {
        const uint8_t *lf = memchr(p + i, '\n', n - i);
        size_t take = lf ? (size_t)(lf - (p + i)) + 1 : n - i;
        if (s->hlen + take > max) {
            dec_dc_note(c, DEC_NOTE_LIMIT, frame,
                    "a message head longer than %zu bytes: it is skipped (see --max-header)", max);
            head_release(s);
            s->st = P_IDLE;
            s->resync = true;
            s->resync_noted = true;
            s->seen_http = true;
            s->hunting = false;
            s->skip_line = !lf;  /* the rest of this line is skipped too */
            return i + take;
        }
        head_append(s, p + i, take);
        i += take;
        if (!lf) {
            if (s->start_len == 0) {
                struct dec_reqline rl;
                bool bad = s->dir == TR_DIR_C2S
                               ? dec_parse_request_line(s->head, s->hlen, &rl) == DEC_INVALID
                               : memcmp(s->head, "HTTP/", s->hlen < 5 ? s->hlen : 5) != 0;
                if (bad) {
                    garbage(c, s, frame);
                    s->skip_line = true;  /* the rest of the line follows */
                }
            }
            break;
        }
        size_t ll = s->hlen - s->line_start;
        bool cr = ll >= 2 && s->head[s->hlen - 2] == '\r';
        if (!cr && !s->bare_lf && !(s->hunting && s->start_len == 0)) {  /* not on a guess */
            s->bare_lf = true;
            dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame,
                    "a line that ends with a bare LF instead of CR LF (tolerated)");
        }
        if (s->start_len == 0) {
            bool ok;
            if (s->dir == TR_DIR_C2S) {
                struct dec_reqline rl;
                ok = dec_parse_request_line(s->head, s->hlen, &rl) > 0 &&
                     (has_http_version(s->head, &rl) || target_like(s->head, &rl));
            } else {
                struct dec_statusline sl;
                ok = dec_parse_status_line(s->head, s->hlen, &sl) > 0;
            }
            if (!ok) {
                garbage(c, s, frame);
                return i;
            }
            s->start_len = s->hlen;
            if (h2_preface_line(c, s)) {  /* HTTP/2 by prior knowledge, found late */
                h2_switch(c, s, ts);
                return i;
            }
            if (s->hunting) {  /* found again */
                s->hunting = false;
                s->resync_noted = false;
            }
            if (!c->decided)
                dec_dc_decide(c, true);
        } else if (ll - 1 - cr == 0) {
            head_done(c, s, frame, ts, false);
            return i;
        }
        s->line_start = s->hlen;
    }
    return i;
}

static size_t st_idle(struct dstate *s, const uint8_t *p, size_t n)
{
    if (s->resync) {
        /* at a line start: a message? else skip the line (pieces may end
         * inside it: the same lines are skipped however the bytes come) */
        if (!s->skip_line && plausible_start(s, p, n)) {
            s->resync = false;
            s->hunting = true;
            head_begin(s);
            return 0;
        }
        const uint8_t *lf = memchr(p, '\n', n);
        size_t used = lf ? (size_t)(lf - p) + 1 : n;
        s->skip_line = !lf;
        s->skipped += used;
        return used;
    }
    size_t i = 0;
    while (i < n && (p[i] == '\r' || p[i] == '\n'))  /* RFC 9112 2.2: empty lines between */
        i++;
    if (i < n)
        head_begin(s);
    return i;
}

/* The first payload bytes of a direction say what the connection carries. */
static void judge_first(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n)
{
    s->seen_data = true;
    if (dec_looks_like_tls(p, n)) {
        if (!c->decided)
            dec_dc_decide(c, true);
        if (c->dropped)
            return;
        c->pub.tls = true;
        dec_dc_mark_http(c);
        s->st = P_TLS;
        s->tls = 1;
        return;
    }
    size_t i = 0;
    while (i < n && (p[i] == '\r' || p[i] == '\n'))
        i++;
    if (i < n && !plausible_start(s, p + i, n - i)) {
        if (!c->tc->syn_seen) {
            s->resync = true;  /* perhaps inside a message: hunt for the next one */
            if (c->decided && !s->resync_noted) {
                s->resync_noted = true;
                dec_dc_note(c, DEC_NOTE_INCOMPLETE, 0,
                        "the capture starts inside a message: the %s's bytes are skipped up to "
                        "the next %s line",
                        s->dir == TR_DIR_C2S ? "client" : "server",
                        s->dir == TR_DIR_C2S ? "request" : "status");
            }
        }
    }
}

static void tls_sniff(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n, uint64_t frame)
{
    if (s->tls != 1)
        return;
    if (s->tlen == 0)
        s->tls_frame = frame;
    size_t take = MAX_TLS_SNIFF - s->tlen < n ? MAX_TLS_SNIFF - s->tlen : n;
    if (!s->tbuf)
        s->tbuf = tr_xmalloc(MAX_TLS_SNIFF);
    memcpy(s->tbuf + s->tlen, p, take);
    s->tlen += take;
    struct dec_tls_hello h;
    int rc = dec_tls_parse_hello(s->tbuf, s->tlen, &h);
    if (rc == DEC_INCOMPLETE && s->tlen < MAX_TLS_SNIFF)
        return;
    s->tls = 2;
    if (rc > 0 && h.type)
        dec_dc_tls_hello(c, &h, s->tls_frame);
    free(s->tbuf);
    s->tbuf = NULL;
    s->tlen = 0;
}

static size_t st_chunk_size(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n,
                            uint64_t frame)
{
    const uint8_t *lf = memchr(p, '\n', n);
    size_t take = lf ? (size_t)(lf - p) + 1 : n;
    if (s->cltotal + take - (lf ? 1 : 0) > MAX_CHUNK_LINE) {
        /* too long before its LF: stop at the first byte over, wherever the
         * pieces end, and skip the rest of the line */
        size_t used = MAX_CHUNK_LINE + 1 - s->cltotal;
        dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame, "a chunk-size line longer than %d bytes",
                MAX_CHUNK_LINE);
        s->clen = 0;
        s->cltotal = 0;
        body_end(c, s, false, s->pos + used);
        s->resync = true;
        s->skip_line = true;
        return used;
    }
    size_t room = sizeof s->cline - 1 - s->clen;
    memcpy(s->cline + s->clen, p, take < room ? take : room);
    s->clen += take < room ? take : room;
    s->cltotal += take;
    if (!lf)
        return take;
    if (s->cline[s->clen - 1] != '\n')  /* long extensions were cut: end the line */
        s->cline[s->clen++] = '\n';
    uint64_t size;
    int rc = dec_parse_chunk_size(s->cline, s->clen, &size);
    s->clen = 0;
    s->cltotal = 0;
    if (rc < 0) {
        dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame, "a chunk-size line that is not a hex number");
        body_end(c, s, false, s->pos + take);
        s->resync = true;
        return take;
    }
    if (size == 0) {
        s->st = P_TRAILER;
        s->trailer_nonempty = false;
    } else {
        s->remaining = size;
        s->m->pub.chunks++;
        s->st = P_CHUNK_DATA;
    }
    return take;
}

static size_t st_chunk_end(struct dconn *c, struct dstate *s, const uint8_t *p, uint64_t frame)
{
    if (p[0] == '\r' && s->clen == 0) {
        s->clen = 1;
        return 1;
    }
    if (p[0] == '\n') {
        s->clen = 0;
        s->st = P_CHUNK_SIZE;
        return 1;
    }
    dec_dc_note(c, DEC_NOTE_MALFORMED_HTTP, frame, "chunk data not followed by CR LF");
    s->clen = 0;
    s->st = P_CHUNK_SIZE;
    return 0;
}

static size_t st_trailer(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '\n') {
            if (!s->trailer_nonempty) {
                body_end(c, s, true, s->pos + i + 1);
                return i + 1;
            }
            s->trailer_nonempty = false;
        } else if (p[i] != '\r') {
            s->trailer_nonempty = true;
        }
    }
    return n;
}

static size_t st_tunnel(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n,
                        uint64_t frame, tr_time ts)
{
    if (s->tunnel_len == 0 && s->tls == 0 && dec_looks_like_tls(p, n))
        s->tls = 1;  /* HTTPS through a CONNECT proxy */
    tls_sniff(c, s, p, n, frame);
    s->tunnel_len += n;
    piece_add(&s->tf, s, frame, ts);
    return n;
}

/* entity bytes of a Content-Length body or a chunk: up to what remains */
static size_t body_take(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n,
                        uint64_t frame, tr_time ts)
{
    size_t used = s->remaining < n ? (size_t)s->remaining : n;
    body_data(c, s, p, used);
    piece_add(&s->bf, s, frame, ts);
    touch(s, frame, ts);
    s->remaining -= used;
    return used;
}

void dec_ms_feed(struct dconn *c, struct dstate *s, const uint8_t *p, size_t n, uint64_t frame,
             tr_time ts)
{
    if (!s->seen_data && n > 0)
        judge_first(c, s, p, n);
    int stuck = 0;
    while (n > 0 && !c->dropped) {
        enum pstate before = s->st;
        size_t used = 0;
        switch (s->st) {
        case P_IDLE:
            used = st_idle(s, p, n);
            break;
        case P_HEAD:
            used = st_head(c, s, p, n, frame, ts);
            break;
        case P_BODY_LEN:
            used = body_take(c, s, p, n, frame, ts);
            if (s->remaining == 0)
                body_end(c, s, true, s->pos + used);
            break;
        case P_CHUNK_SIZE:
            piece_add(&s->bf, s, frame, ts);
            touch(s, frame, ts);
            used = st_chunk_size(c, s, p, n, frame);
            break;
        case P_CHUNK_DATA:
            used = body_take(c, s, p, n, frame, ts);
            if (s->remaining == 0)
                s->st = P_CHUNK_END;
            break;
        case P_CHUNK_END:
            piece_add(&s->bf, s, frame, ts);
            touch(s, frame, ts);
            used = st_chunk_end(c, s, p, frame);
            break;
        case P_TRAILER:
            piece_add(&s->bf, s, frame, ts);
            touch(s, frame, ts);
            used = st_trailer(c, s, p, n);
            break;
        case P_BODY_CLOSE:
            body_data(c, s, p, n);
            piece_add(&s->bf, s, frame, ts);
            touch(s, frame, ts);
            used = n;
            break;
        case P_UPGRADE:
            if (plausible_start(s, p, n))
                s->st = P_IDLE;  /* another request after all */
            else
                dec_ms_tunnel(s, s->tunnel_x, s->pos);
            break;
        case P_TUNNEL:
            used = st_tunnel(c, s, p, n, frame, ts);
            break;
        case P_TLS:
            tls_sniff(c, s, p, n, frame);
            used = n;
            break;
        case P_H2: {
            uint64_t fr[DEC_TLS_MAX_FRAMES + 1];
            size_t nf = 0;
            for (size_t i = 0; i < s->nxf && nf < DEC_TLS_MAX_FRAMES; i++)
                fr[nf++] = s->xf[i];
            if (!nf || fr[nf - 1] != frame)
                fr[nf++] = frame;
            dec_ch_feed(c, s->dir, s->pos, p, n, fr, nf, ts);
            used = n;
            break;
        }
        case P_SKIP:
            used = n;
            break;
        }
        if (used == 0 && s->st == before && ++stuck > 2) {
            used = n;  /* cannot happen; never loop forever on hostile bytes */
        }
        p += used;
        n -= used;
        s->pos += used;
    }
}

void dec_ms_gap(struct dconn *c, struct dstate *s, uint64_t len, uint64_t frame, tr_time ts)
{
    s->lost = true;
    s->skip_line = false;  /* where the bytes after a gap stand is unknown: try a line start */
    while (len > 0 && !c->dropped) {
        uint64_t used = len;
        switch (s->st) {
        case P_BODY_LEN:
        case P_CHUNK_DATA:
            used = s->remaining < len ? s->remaining : len;
            s->m->pub.gap_bytes += used;
            s->m->pub.body_length += used;
            s->content_bad = true;
            s->remaining -= used;
            piece_add(&s->bf, s, frame, ts);
            if (s->remaining == 0) {
                if (s->st == P_CHUNK_DATA)
                    s->st = P_CHUNK_END;
                else
                    body_end(c, s, false, s->pos + used);
            }
            break;
        case P_BODY_CLOSE:
            s->m->pub.gap_bytes += len;
            s->m->pub.body_length += len;
            s->content_bad = true;
            break;
        case P_CHUNK_SIZE:
        case P_CHUNK_END:
        case P_TRAILER:
            /* the chunk framing is lost: where this body ends is unknown, and
             * every byte of the gap is counted as the body's */
            s->m->pub.gap_bytes += len;
            body_end(c, s, false, s->pos);
            s->resync = true;
            used = 0;
            break;
        case P_HEAD:
            if (s->start_len > 0) {
                dec_dc_note(c, DEC_NOTE_INCOMPLETE, frame,
                        "a gap cuts this message head: what was captured of it is kept");
                head_done(c, s, frame, ts, true);
            } else {
                if (!s->hunting)  /* (while hunting it was no message yet) */
                    dec_dc_note(c, DEC_NOTE_INCOMPLETE, frame,
                            "a gap inside a message head: the message is lost; decoding goes on "
                            "at the next %s line", s->dir == TR_DIR_C2S ? "request" : "status");
                s->hunting = false;
                head_release(s);
                s->st = P_IDLE;
                s->resync = true;
                s->resync_noted = true;
            }
            used = 0;
            break;
        case P_IDLE:
            s->resync = true;
            s->resync_noted = true;
            break;
        case P_UPGRADE:
            dec_ms_tunnel(s, s->tunnel_x, s->pos);
            used = 0;
            break;
        case P_TUNNEL:
            s->tunnel_len += len;
            break;
        case P_TLS:
            if (s->tls == 1) {
                s->tls = 2;
                free(s->tbuf);
                s->tbuf = NULL;
            }
            break;
        case P_H2:
            dec_ch_gap(c, s->dir, s->pos, len, frame, ts);
            break;
        case P_SKIP:
            break;
        }
        len -= used;
        s->pos += used;
    }
}

void dec_ms_end(struct dconn *c, struct dstate *s, uint64_t frame, tr_time ts)
{
    (void)ts;
    switch (s->st) {
    case P_HEAD:
        if (s->hlen > 0 && !c->dropped && !s->hunting)
            dec_dc_note(c, DEC_NOTE_INCOMPLETE, frame,
                    "the connection ended inside a message head (%zu bytes of it)", s->hlen);
        s->hunting = false;
        head_release(s);
        s->st = P_IDLE;
        break;
    case P_BODY_LEN:
    case P_CHUNK_SIZE:
    case P_CHUNK_DATA:
    case P_CHUNK_END:
    case P_TRAILER:
        if (s->st == P_BODY_LEN)
            dec_dc_note(c, DEC_NOTE_INCOMPLETE, frame,
                    "the connection ended %llu bytes before the end of the body",
                    (unsigned long long)s->remaining);
        else
            dec_dc_note(c, DEC_NOTE_INCOMPLETE, frame, "the connection ended inside a chunked body");
        body_end(c, s, false, s->pos);
        break;
    case P_BODY_CLOSE:
        body_end(c, s, true, s->pos);
        break;
    case P_H2:
        dec_ch_fin(c, s->dir, frame, ts);
        break;
    case P_TUNNEL:
    case P_UPGRADE:
        if (s->tunnel_len > 0) {
            dec_flist_finish(&s->tf);
            dec_dc_stage(c, dec_stage_from(DEC_STAGE_TUNNEL, s->tunnel_x, s->dir, s->tunnel_off,
                                   s->tunnel_len, &s->tf));
        }
        s->st = P_IDLE;
        break;
    default:
        break;
    }
}

void dec_ms_free(struct dstate *s)
{
    free(s->head);
    free(s->fm);
    free(s->tbuf);
    free(s->preview);
    dec_flist_free(&s->bf);
    dec_flist_free(&s->tf);
    dec_content_free(s->content);
    if (s->is_interim && s->m)   /* an interim response the reader still holds */
        dec_msg_unref(&s->m->pub);
    memset(s, 0, sizeof *s);
}
