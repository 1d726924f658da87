/* walk.c - the walk of a recorded connection as the writers tell it: its
 * rows (as the UI's list numbers them), the stages of each row in the
 * order a student steps, the packets of each row's ladder, the stages each
 * packet carries, the timing of an exchange, and small facts the formats
 * share */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ rows -- */

static int64_t stage_x(const struct dec_stage *s)
{
    return s->exchange;
}

long rep_walk_row_of_x(const struct rep_walk *wk, int64_t x)
{
    for (size_t i = 0; i < wk->nrows; i++)
        if (wk->rows[i].x == x)
            return (long)i;
    return -1;
}

long rep_walk_row_of(const struct rep_walk *wk, int stage)
{
    for (size_t i = 0; i < wk->nrows; i++)
        for (size_t k = 0; k < wk->rows[i].nstages; k++)
            if (wk->rows[i].stages[k] == stage)
                return (long)i;
    return -1;
}

/* the message of a row's request or final response, from its stages */
static void row_messages(const struct dec_record *r, struct rep_row *row)
{
    if (row->xd) {
        row->req = row->xd->request;
        row->rsp = row->xd->response;
        return;
    }
    for (size_t k = 0; k < row->nstages; k++) {
        const struct dec_stage *s = r->stgs[row->stages[k]];
        if (s->kind == DEC_STAGE_REQUEST_LINE && !row->req)
            row->req = s->msg;
        if (s->kind == DEC_STAGE_STATUS_LINE && s->msg && !s->msg->interim)
            row->rsp = s->msg;
    }
}

/* the first packet whose frame is at least f */
static size_t pkt_from(const struct dec_record *r, uint64_t f)
{
    size_t lo = 0, hi = r->npkts;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->pkts[mid].seg.frame < f)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* which stages each packet carries: those whose frames hold it, in the
 * packet's direction when it has payload (a handshake or close claims its
 * packets whatever they carry), as dec_record_link decides the first */
static void packet_stages(struct rep_walk *wk)
{
    const struct dec_record *r = wk->r;
    wk->pkt_off = tr_xcalloc(r->npkts + 1, sizeof *wk->pkt_off);
    for (int pass = 0; pass < 2; pass++) {
        size_t *fill = pass ? tr_xcalloc(r->npkts + 1, sizeof *fill) : NULL;
        for (size_t k = 0; k < r->nstgs; k++) {
            const struct dec_stage *s = r->stgs[k];
            bool any = s->kind == DEC_STAGE_HANDSHAKE || s->kind == DEC_STAGE_CLOSE;
            for (size_t f = 0; f < s->nframes; f++) {
                long p = dec_record_pkt_of(r, s->frames[f]);
                if (p < 0)
                    continue;
                const struct tr_seg *g = &r->pkts[p].seg;
                if (!any && !(g->len > 0 && g->dir == s->dir))
                    continue;
                if (pass == 0)
                    wk->pkt_off[p + 1]++;
                else
                    wk->pkt_stg[wk->pkt_off[p] + fill[p]++] = (int)k;
            }
        }
        if (pass == 0) {
            for (size_t p = 0; p < r->npkts; p++)
                wk->pkt_off[p + 1] += wk->pkt_off[p];
            wk->pkt_stg = tr_xreallocarray(NULL, wk->pkt_off[r->npkts] + 1, sizeof *wk->pkt_stg);
        }
        free(fill);
    }
}

void rep_walk_init(struct rep_walk *wk, const struct dec_record *r)
{
    memset(wk, 0, sizeof *wk);
    wk->r = r;
    wk->conn = r->tc.id;
    int64_t lo = -1, hi = -1;
    for (size_t k = 0; k < r->nstgs; k++) {
        int64_t x = stage_x(r->stgs[k]);
        if (x >= 0) {
            lo = lo < 0 || x < lo ? x : lo;
            hi = x > hi ? x : hi;
        }
    }
    for (size_t i = 0; i < r->nxs; i++) {
        if (!r->xs[i])
            continue;
        int64_t x = r->x_base + (int64_t)i;
        lo = lo < 0 || x < lo ? x : lo;
        hi = x > hi ? x : hi;
    }
    bool bare = lo < 0;
    wk->nrows = bare ? 1 : (size_t)(hi - lo + 1);
    wk->rows = tr_xcalloc(wk->nrows, sizeof *wk->rows);
    /* the row of each stage: its exchange's; the handshake the first, the
     * close the last, another stage of the connection the row before it */
    size_t *row_of = tr_xreallocarray(NULL, r->nstgs + 1, sizeof *row_of);
    size_t *count = tr_xcalloc(wk->nrows, sizeof *count);
    size_t prev = 0;
    for (size_t k = 0; k < r->nstgs; k++) {
        const struct dec_stage *s = r->stgs[k];
        int64_t x = stage_x(s);
        size_t row;
        if (bare)
            row = 0;
        else if (x >= 0)
            row = (size_t)(x - lo);
        else if (s->kind == DEC_STAGE_HANDSHAKE)
            row = 0;
        else if (s->kind == DEC_STAGE_CLOSE)
            row = wk->nrows - 1;
        else
            row = prev;
        row_of[k] = prev = row;
        count[row]++;
    }
    wk->idx = tr_xreallocarray(NULL, r->nstgs + 1, sizeof *wk->idx);
    size_t at = 0;
    for (size_t i = 0; i < wk->nrows; i++) {
        struct rep_row *row = &wk->rows[i];
        row->x = bare ? -1 : lo + (int64_t)i;
        row->xd = bare ? NULL : dec_record_x(r, row->x);
        row->stages = wk->idx + at;
        at += count[i];
    }
    for (size_t k = 0; k < r->nstgs; k++) {
        struct rep_row *row = &wk->rows[row_of[k]];
        ((int *)row->stages)[row->nstages++] = (int)k;
    }
    free(row_of);
    free(count);
    for (size_t i = 0; i < wk->nrows; i++)
        row_messages(r, &wk->rows[i]);
    /* the ladder of a row: from its first frame (the connection's first
     * packet for the first row) to its last, and on to just before the
     * next row's first (the ACKs after a response belong to it); pipelined
     * rows overlap */
    for (size_t i = 0; i < wk->nrows; i++) {
        struct rep_row *row = &wk->rows[i];
        uint64_t fmin = UINT64_MAX, fmax = 0;
        for (size_t k = 0; k < row->nstages; k++) {
            const struct dec_stage *s = r->stgs[row->stages[k]];
            if (s->nframes) {
                fmin = s->frames[0] < fmin ? s->frames[0] : fmin;
                fmax = s->frames[s->nframes - 1] > fmax ? s->frames[s->nframes - 1] : fmax;
            }
        }
        row->pkt_lo = i == 0 ? 0 : fmin == UINT64_MAX ? r->npkts : pkt_from(r, fmin);
        row->pkt_hi = fmax ? pkt_from(r, fmax + 1) : row->pkt_lo;
    }
    for (size_t i = 0; i < wk->nrows; i++) {
        struct rep_row *row = &wk->rows[i];
        size_t next = r->npkts;
        for (size_t j = i + 1; j < wk->nrows; j++)
            if (wk->rows[j].nstages) {
                next = wk->rows[j].pkt_lo;
                break;
            }
        if (next > row->pkt_hi)
            row->pkt_hi = next;
        if (row->pkt_hi < row->pkt_lo)
            row->pkt_hi = row->pkt_lo;
    }
    packet_stages(wk);
}

void rep_walk_done(struct rep_walk *wk)
{
    free(wk->rows);
    free(wk->idx);
    free(wk->pkt_off);
    free(wk->pkt_stg);
    memset(wk, 0, sizeof *wk);
}

/* ---------------------------------------------------------------- timing -- */

static const char *const part_names[] = {
    [REP_PART_HANDSHAKE] = N_("handshake"), [REP_PART_REQUEST] = N_("request"),
    [REP_PART_WAIT] = N_("wait"),           [REP_PART_TRANSFER] = N_("transfer"),
    [REP_PART_IDLE] = N_("idle"),           [REP_PART_TO_CLOSE] = N_("to close"),
};

const char *rep_part_name(enum rep_part_kind k)
{
    return _(part_names[k]);
}

enum teach_role rep_part_role(enum rep_part_kind k)
{
    switch (k) {
    case REP_PART_REQUEST:
        return TEACH_ROLE_CLIENT;
    case REP_PART_WAIT:
        return TEACH_ROLE_NOTE;
    case REP_PART_TRANSFER:
        return TEACH_ROLE_SERVER;
    default:
        return TEACH_ROLE_DIM;
    }
}

size_t rep_walk_timing(const struct rep_walk *wk, size_t i, struct rep_part *out)
{
    const struct dec_record *r = wk->r;
    const struct rep_row *row = &wk->rows[i];
    size_t n = 0;
    if (i == 0 && r->tc.handshake_done)
        out[n++] = (struct rep_part){REP_PART_HANDSHAKE, r->tc.hs_ts[0], r->tc.hs_ts[2]};
    const struct dec_msg *q = row->req, *rs = row->rsp;
    if (q)
        out[n++] = (struct rep_part){REP_PART_REQUEST, q->ts_first, q->ts_last};
    if (q && rs)
        out[n++] = (struct rep_part){REP_PART_WAIT, q->ts_last, rs->ts_first};
    if (rs)
        out[n++] = (struct rep_part){REP_PART_TRANSFER, rs->ts_first, rs->ts_last};
    if (!q && !rs)
        return n;
    tr_time end = rs ? rs->ts_last : q->ts_last;
    tr_time next = 0;
    const struct rep_row *nx = i + 1 < wk->nrows ? &wk->rows[i + 1] : NULL;
    if (nx && nx->req)
        next = nx->req->ts_first;
    else if (!nx && r->tc.close_how != TR_CLOSE_NONE && r->tc.close_how != TR_CLOSE_END &&
             r->tc.close_ts)
        next = r->tc.close_ts;
    if (next > end)
        out[n++] = (struct rep_part){nx ? REP_PART_IDLE : REP_PART_TO_CLOSE, end, next};
    return n;
}

static int64_t span(tr_time from, tr_time to)
{
    return to > from ? to - from : 0;
}

/* HAR 1.2 section 4.2.16: from the client's side of the wire. A new
 * connection's first request starts at its SYN: connect is the handshake,
 * blocked the client's delay between the handshake and its first request
 * byte. A request on a kept connection starts at its first byte, without
 * blocked and connect (-1: they do not apply). On a new connection whose
 * lookup was captured (step 0, the record's dns_lookup stage) the entry
 * starts at the query: dns is the query to its answer, and the client's
 * delay from the answer to its SYN joins blocked. ssl, on an HTTPS
 * connection, runs from the ClientHello to the client's Finished, and is
 * part of connect. */
bool rep_walk_har_timing(const struct rep_walk *wk, size_t i, struct rep_har_timing *t)
{
    const struct dec_record *r = wk->r;
    const struct rep_row *row = &wk->rows[i];
    const struct dec_msg *q = row->req, *rs = row->rsp;
    if (!q)
        return false;
    t->dns = -1;
    t->ssl = -1;
    bool fresh = row->x == 0 && r->tc.handshake_done && r->tc.hs_ts[2] <= q->ts_first;
    /* HTTPS: ssl from the ClientHello to the client's Finished, and
     * connect up to that Finished (HAR 1.2: ssl is part of connect) */
    const struct dec_stage *ch = NULL, *fin = NULL;
    for (size_t k = 0; fresh && k < r->nstgs && !fin; k++) {
        if (r->stgs[k]->kind == DEC_STAGE_TLS_CLIENT_HELLO && !ch)
            ch = r->stgs[k];
        else if (r->stgs[k]->kind == DEC_STAGE_TLS_CLIENT_FINISHED && ch)
            fin = r->stgs[k];
    }
    bool tls = fin && ch->ts >= r->tc.hs_ts[2] && fin->ts >= ch->ts && fin->ts <= q->ts_first;
    if (fresh && tls) {
        t->started = r->tc.hs_ts[0];
        t->ssl = span(ch->ts, fin->ts);
        t->connect = span(r->tc.hs_ts[0], fin->ts);
        t->blocked = span(fin->ts, q->ts_first);
    } else if (fresh) {
        t->started = r->tc.hs_ts[0];
        t->connect = span(r->tc.hs_ts[0], r->tc.hs_ts[2]);
        t->blocked = span(r->tc.hs_ts[2], q->ts_first);
        const struct dec_dns_line *l =
            r->nstgs && r->stgs[0]->kind == DEC_STAGE_DNS_LOOKUP ? r->stgs[0]->dns : NULL;
        if (l && l->answered && l->response_ts <= r->tc.hs_ts[0]) {
            t->started = l->ts;
            t->dns = span(l->ts, l->response_ts);
            t->blocked += span(l->response_ts, r->tc.hs_ts[0]);
        }
    } else {
        t->started = q->ts_first;
        t->connect = -1;
        t->blocked = -1;
    }
    t->send = span(q->ts_first, q->ts_last);
    t->wait = rs ? span(q->ts_last, rs->ts_first) : 0;
    t->receive = rs ? span(rs->ts_first, rs->ts_last) : 0;
    return true;
}

/* The lookups no connection can follow, as a learner's text: the first told
 * whole (teach/), the others in a line each; paragraphs apart. */
void rep_lookups_text(const struct rep_end *e, struct tr_sbuf *out)
{
    for (size_t i = 0; i < e->nlookups; i++) {
        if (i) {
            tr_sb_str(out, "\n\n");
            teach_lookup_summary(e->lookups[i], out);
        } else {
            teach_explain_lookup(e->lookups[i], NULL, out);
        }
    }
}

/* ----------------------------------------------------------------- bytes -- */

const uint8_t *rep_stage_bytes(const struct dec_record *r, const struct dec_stage *s, size_t *n)
{
    const uint8_t *p = s->length ? dec_stream_at(teach_stage_stream(r, s), s->offset, n) : NULL;
    if (!p) {
        *n = 0;
        return NULL;
    }
    if (*n > s->length)
        *n = (size_t)s->length;
    return p;
}

void rep_stage_step(struct tr_sbuf *b, const struct dec_stage *s)
{
    int step = dec_stage_step(s->kind);
    if (step >= 0)  /* step 0: the DNS lookup; -1: encrypted bytes, no step */
        tr_sb_printf(b, _("Step %d"), step);
}

void rep_stage_title(struct tr_sbuf *b, const struct dec_stage *s)
{
    tr_sb_str(b, teach_stage_title(s->kind));
    if (dec_stage_interim(s))
        tr_sb_str(b, _(" (interim)"));
    if (s->stream)
        tr_sb_printf(b, _(", stream %u"), s->stream);
    if (s->tls)
        tr_sb_str(b, _(", in TLS"));
}

const uint8_t *rep_body_bytes(const struct dec_stage *s, size_t *n, bool *decoded)
{
    *decoded = s->decoded && s->msg && s->msg->content_encoding.p;
    if (s->decoded && s->decoded_len) {
        *n = s->decoded_len;
        return s->decoded;
    }
    *decoded = false;
    *n = s->preview_len;
    return s->preview;
}

/* the length of the first line (without its CR LF) */
static size_t first_line(const uint8_t *p, size_t n)
{
    size_t k = 0;
    while (k < n && p[k] != '\r' && p[k] != '\n')
        k++;
    return k;
}

enum rep_tunnel_kind rep_tunnel_kind(const struct dec_record *r, const struct dec_stage *s,
                                     const uint8_t **line, size_t *line_len)
{
    size_t n;
    const uint8_t *p = rep_stage_bytes(r, s, &n);
    *line = NULL;
    *line_len = 0;
    if (!p)
        return REP_TUN_UNKNOWN;
    if (dec_looks_like_tls(p, n))
        return REP_TUN_TLS;
    if (dec_looks_like_request(p, n) || dec_looks_like_response(p, n)) {
        *line = p;
        *line_len = first_line(p, n);
        return REP_TUN_HTTP;
    }
    return REP_TUN_UNKNOWN;
}

bool rep_printable(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint8_t c = p[i];
        if (c >= 0x80) {
            size_t k = dec_utf8_len(p + i, n - i);
            if (!k) {
                /* a character cut at the end of what was kept is no reason */
                return n - i < 4 && (c & 0xc0) == 0xc0;
            }
            i += k;
            continue;
        }
        if ((c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7f)
            return false;
        i++;
    }
    return true;
}

void rep_flags(char *buf, size_t n, uint8_t f)
{
    static const struct {
        uint8_t bit;
        const char *name;
    } names[] = {{TR_TCP_SYN, "SYN"}, {TR_TCP_FIN, "FIN"}, {TR_TCP_RST, "RST"},
                 {TR_TCP_PSH, "PSH"}, {TR_TCP_ACK, "ACK"}, {TR_TCP_URG, "URG"}};
    size_t l = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if ((f & names[i].bit) && l < n)
            l += (size_t)snprintf(buf + l, n - l, "%s%s", l ? "," : "", names[i].name);
}

enum teach_role rep_dir_role(enum tr_dir d)
{
    return d == TR_DIR_C2S ? TEACH_ROLE_CLIENT : TEACH_ROLE_SERVER;
}

/* ----------------------------------------------------------------- notes -- */

/* the titles teach/explain.c gives the notes (the same texts, so one
 * translation) */
static const char *const note_titles[DEC_NOTE_COUNT] = {
    [DEC_NOTE_RETRANSMISSION] = N_("Retransmission"),
    [DEC_NOTE_OUT_OF_ORDER] = N_("Out of order"),
    [DEC_NOTE_GAP] = N_("Gap"),
    [DEC_NOTE_TRUNCATED] = N_("Truncated"),
    [DEC_NOTE_NO_HANDSHAKE] = N_("No handshake"),
    [DEC_NOTE_LIMIT] = N_("Limit"),
    [DEC_NOTE_MALFORMED_PACKET] = N_("Malformed packet"),
    [DEC_NOTE_FRAGMENT] = N_("IP fragment"),
    [DEC_NOTE_MALFORMED_HTTP] = N_("Malformed HTTP"),
    [DEC_NOTE_NOT_HTTP] = N_("Not HTTP"),
    [DEC_NOTE_TLS] = N_("TLS"),
    [DEC_NOTE_DECODE_ERROR] = N_("Decoding error"),
    [DEC_NOTE_INCOMPLETE] = N_("Incomplete"),
};

const char *rep_note_title(enum dec_note_kind k)
{
    if ((unsigned)k >= DEC_NOTE_COUNT || !note_titles[k])
        return dec_note_name(k);
    return _(note_titles[k]);
}

int rep_note_stage(const struct dec_record *r, const struct dec_note *n)
{
    int before = -1;
    for (size_t k = 0; k < r->nstgs; k++) {
        const struct dec_stage *s = r->stgs[k];
        if (dec_stage_has_frame(s, n->frame))
            return (int)k;
        if (s->nframes && s->frames[0] <= n->frame)
            before = (int)k;
    }
    return before;
}

/* ---------------------------------------------------------------- values -- */

struct dec_str rep_header(const struct dec_msg *m, const char *name)
{
    for (size_t i = 0; m && i < m->nheaders; i++)
        if (dec_str_eq_ci(m->headers[i].name, name))
            return m->headers[i].value;
    return (struct dec_str){NULL, 0};
}

char *rep_endpoint(char *buf, const struct tr_endpoint *e)
{
    char a[TR_ADDRSTRLEN];
    tr_addr_format(&e->addr, a);
    snprintf(buf, TR_ADDRSTRLEN + 8, e->addr.family == 6 ? "[%s]:%u" : "%s:%u", a, e->port);
    return buf;
}

static void sb_safe(struct tr_sbuf *b, struct dec_str s, size_t max)
{
    if (!s.p)
        return;
    char *t = teach_safe_dup(s.p, s.len > max ? max : s.len);
    tr_sb_str(b, t);
    if (s.len > max)
        tr_sb_str(b, "...");
    free(t);
}

void rep_row_title(const struct rep_row *row, bool utf8, struct tr_sbuf *b)
{
    const struct dec_msg *q = row->req, *r = row->rsp;
    if (row->x < 0) {
        tr_sb_str(b, _("no HTTP exchange"));
        return;
    }
    if (q) {
        sb_safe(b, q->method, 24);
        tr_sb_str(b, " ");
        sb_safe(b, q->target, 200);
    } else {
        tr_sb_str(b, _("(request not captured)"));
    }
    tr_sb_str(b, utf8 ? " \xe2\x86\x92 " : " -> ");
    if (r) {
        tr_sb_printf(b, "%d", r->status);
        if (r->reason.p && r->reason.len) {
            tr_sb_str(b, " ");
            sb_safe(b, r->reason, 80);
        }
    } else {
        tr_sb_str(b, _("no answer"));
    }
}

const char *rep_exchange_fmt(void)
{
    /* TRANSLATORS: the heading of an exchange, before "GET / -> 200 OK";
     * %s is its number in the list, as the screen counts them */
    return _("Exchange %s: ");
}

void rep_put_plain(struct rep_obuf *o, const char *s, size_t n)
{
    rep_ob_put(o, s, n);
}

void rep_put_xml(struct rep_obuf *o, const char *s, size_t n)
{
    rep_ob_xml(o, s, n, false);
}

void rep_counts(struct tr_sbuf *b, const struct dec_run_stats *st)
{
    /* TRANSLATORS: the separator of a list of counts ("12 frames, 1 TCP
     * connection") */
    const char *sep = _(", ");
    tr_sb_printf(b, P_("%llu frame", "%llu frames", st->frames), (unsigned long long)st->frames);
    tr_sb_str(b, sep);
    tr_sb_printf(b, P_("%llu TCP connection", "%llu TCP connections", st->tcp_conns),
                 (unsigned long long)st->tcp_conns);
    tr_sb_str(b, sep);
    tr_sb_printf(b, P_("%llu exchange", "%llu exchanges", st->exchanges),
                 (unsigned long long)st->exchanges);
    tr_sb_str(b, sep);
    tr_sb_printf(b, P_("%llu note", "%llu notes", st->notes), (unsigned long long)st->notes);
}

void rep_frames(struct tr_sbuf *b, const uint64_t *f, size_t n, size_t ranges, const char *sep,
                const char *dash)
{
    if (!n) {
        tr_sb_str(b, _("no frame"));
        return;
    }
    tr_sb_str(b, P_("frame ", "frames ", n));
    size_t shown = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && f[j + 1] == f[j] + 1)
            j++;
        if (shown == ranges) {
            tr_sb_str(b, sep);
            tr_sb_printf(b, P_("... (%zu frame)", "... (%zu frames)", n), n);
            return;
        }
        tr_sb_printf(b, "%s%llu", shown ? sep : "", (unsigned long long)f[i]);
        if (j > i)
            tr_sb_printf(b, "%s%llu", dash, (unsigned long long)f[j]);
        shown++;
        i = j + 1;
    }
}
