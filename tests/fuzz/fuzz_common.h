/* fuzz_common.h - shared by the libFuzzer harnesses of tests/fuzz/: a reader
 * of fuzz input, the whole pipeline (tracer -> decoder -> writer to
 * /dev/null) and a checking tracer sink that enforces the contract of
 * tracer.h (every byte of a direction once, in order; events of a
 * connection between on_conn and on_close) before passing each event on.
 *
 * A contract violation aborts with a message, so libFuzzer saves the input.
 */
#ifndef HTTPSTEP_FUZZ_COMMON_H
#define HTTPSTEP_FUZZ_COMMON_H

#include "../../tracer/tracer.h"
#include "../../decode/decode.h"
#include "../../report/report.h"
#include "../../teach/teach.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include <string.h>

#define FZ_CHECK(cond, ...)                                                                       \
    do {                                                                                          \
        if (!(cond)) {                                                                            \
            fprintf(stderr, "fuzz check failed: %s (%s:%d): ", #cond, __FILE__, __LINE__);        \
            fprintf(stderr, __VA_ARGS__);                                                         \
            fputc('\n', stderr);                                                                  \
            abort();                                                                              \
        }                                                                                         \
    } while (0)

/* ------------------------------------------------------------------------ */
/* Input reader: past the end every getter returns 0.                        */

struct fz {
    const uint8_t *p;
    size_t n;
};

static inline uint8_t fz_u8(struct fz *f)
{
    if (f->n == 0)
        return 0;
    f->n--;
    return *f->p++;
}

static inline uint16_t fz_u16(struct fz *f)
{
    uint16_t hi = fz_u8(f);
    return (uint16_t)(hi << 8 | fz_u8(f));
}

static inline uint32_t fz_u32(struct fz *f)
{
    uint32_t hi = fz_u16(f);
    return hi << 16 | fz_u16(f);
}

/* up to n bytes; returns how many */
static inline size_t fz_take(struct fz *f, size_t n, const uint8_t **out)
{
    if (n > f->n)
        n = f->n;
    *out = f->p;
    f->p += n;
    f->n -= n;
    return n;
}

/* A copy in a heap block of exactly n bytes: reads past it, or a pointer
 * kept after the call that borrowed it (freed at once), are ASan reports. */
static inline uint8_t *fz_dup(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (n)
        memcpy(d, p, n);
    return d;
}

/* where the writers write: /dev/null, or stderr with FUZZ_ECHO=1 in the
 * environment (to look at what a seed or a reproducer does) */
static inline FILE *fz_devnull(void)
{
    static FILE *f;
    if (!f)
        f = getenv("FUZZ_ECHO") ? stderr : fopen("/dev/null", "w");
    if (!f)
        abort();
    return f;
}

/* ------------------------------------------------------------------------ */
/* The checking sink: between the tracer and the decoder.                    */

struct fz_conn {
    bool announced, closed;
    bool fin[2];
    uint64_t next[2];
};

struct fz_check {
    struct tr_sink next;    /* the decoder's sink */
    bool trace;             /* FUZZ_TRACE=1: print every event to stderr */
    struct fz_conn *conns;  /* by connection id */
    size_t nconns;
};

static struct fz_conn *fz_conn_of(struct fz_check *k, const struct tr_conn *c, bool create)
{
    FZ_CHECK(c != NULL, "event without a connection");
    FZ_CHECK(c->id > 0 && c->id < (1u << 24), "connection id %llu", (unsigned long long)c->id);
    if (c->id >= k->nconns) {
        FZ_CHECK(create, "event for connection %llu before on_conn", (unsigned long long)c->id);
        size_t n = k->nconns ? k->nconns : 16;
        while (n <= c->id)
            n *= 2;
        k->conns = realloc(k->conns, n * sizeof *k->conns);
        memset(k->conns + k->nconns, 0, (n - k->nconns) * sizeof *k->conns);
        k->nconns = n;
    }
    struct fz_conn *fc = &k->conns[c->id];
    if (create) {
        FZ_CHECK(!fc->announced, "on_conn twice for connection %llu", (unsigned long long)c->id);
        fc->announced = true;
    }
    FZ_CHECK(fc->announced, "event for connection %llu before on_conn", (unsigned long long)c->id);
    FZ_CHECK(!fc->closed, "event for connection %llu after on_close", (unsigned long long)c->id);
    return fc;
}

#define FZ_TRACE(k, ...)                                                                          \
    do {                                                                                          \
        if ((k)->trace)                                                                           \
            fprintf(stderr, __VA_ARGS__);                                                         \
    } while (0)

static void fzk_conn(void *ctx, struct tr_conn *c)
{
    struct fz_check *k = ctx;
    FZ_TRACE(k, "conn %llu\n", (unsigned long long)c->id);
    fz_conn_of(k, c, true);
    FZ_CHECK(c->client.addr.family == 4 || c->client.addr.family == 6, "family %u",
             c->client.addr.family);
    if (k->next.on_conn)
        k->next.on_conn(k->next.ctx, c);
}

static void fzk_handshake(void *ctx, struct tr_conn *c)
{
    struct fz_check *k = ctx;
    FZ_TRACE(k, "handshake %llu\n", (unsigned long long)c->id);
    fz_conn_of(k, c, false);
    FZ_CHECK(c->syn_seen, "on_handshake without a SYN");
    if (k->next.on_handshake)
        k->next.on_handshake(k->next.ctx, c);
}

static void fzk_segment(void *ctx, struct tr_conn *c, const struct tr_seg *s)
{
    struct fz_check *k = ctx;
    FZ_TRACE(k, "segment %llu frame %llu dir %d flags %02x seq %u len %u cap %u offset %llu%s%s\n",
             (unsigned long long)c->id, (unsigned long long)s->frame, (int)s->dir, s->flags, s->seq,
             s->len, s->caplen, (unsigned long long)s->offset, s->retransmission ? " retrans" : "",
             s->out_of_order ? " ooo" : "");
    fz_conn_of(k, c, false);
    FZ_CHECK(s->dir == TR_DIR_C2S || s->dir == TR_DIR_S2C, "segment dir %d", (int)s->dir);
    FZ_CHECK(s->caplen <= s->len, "segment caplen %u > len %u", s->caplen, s->len);
    if (k->next.on_segment)
        k->next.on_segment(k->next.ctx, c, s);
}

static void fzk_data(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t off, const uint8_t *data,
                     size_t len, uint64_t frame, tr_time ts)
{
    struct fz_check *k = ctx;
    FZ_TRACE(k, "data %llu dir %d offset %llu len %zu frame %llu\n", (unsigned long long)c->id,
             (int)dir, (unsigned long long)off, len, (unsigned long long)frame);
    struct fz_conn *fc = fz_conn_of(k, c, false);
    FZ_CHECK(dir == TR_DIR_C2S || dir == TR_DIR_S2C, "data dir %d", (int)dir);
    FZ_CHECK(len > 0, "empty on_data");
    FZ_CHECK(!fc->fin[dir], "data after the FIN of dir %d", (int)dir);
    FZ_CHECK(off == fc->next[dir], "dir %d: data at offset %llu, expected %llu", (int)dir,
             (unsigned long long)off, (unsigned long long)fc->next[dir]);
    /* the bytes are borrowed for the call: copy them to a block of their
     * exact size, so that an over-read in the decoder is an ASan report */
    uint8_t *copy = fz_dup(data, len);
    fc->next[dir] += len;
    if (k->next.on_data)
        k->next.on_data(k->next.ctx, c, dir, off, copy, len, frame, ts);
    free(copy);
}

static void fzk_gap(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t off, uint64_t len,
                    uint64_t frame, tr_time ts)
{
    struct fz_check *k = ctx;
    FZ_TRACE(k, "gap %llu dir %d offset %llu len %llu frame %llu\n", (unsigned long long)c->id,
             (int)dir, (unsigned long long)off, (unsigned long long)len, (unsigned long long)frame);
    struct fz_conn *fc = fz_conn_of(k, c, false);
    FZ_CHECK(len > 0, "empty on_gap");
    FZ_CHECK(!fc->fin[dir], "gap after the FIN of dir %d", (int)dir);
    FZ_CHECK(off == fc->next[dir], "dir %d: gap at offset %llu, expected %llu", (int)dir,
             (unsigned long long)off, (unsigned long long)fc->next[dir]);
    fc->next[dir] += len;
    if (k->next.on_gap)
        k->next.on_gap(k->next.ctx, c, dir, off, len, frame, ts);
}

static void fzk_fin(void *ctx, struct tr_conn *c, enum tr_dir dir, uint64_t frame, tr_time ts)
{
    struct fz_check *k = ctx;
    FZ_TRACE(k, "fin %llu dir %d frame %llu\n", (unsigned long long)c->id, (int)dir,
             (unsigned long long)frame);
    struct fz_conn *fc = fz_conn_of(k, c, false);
    FZ_CHECK(!fc->fin[dir], "two FINs for dir %d", (int)dir);
    fc->fin[dir] = true;
    if (k->next.on_fin)
        k->next.on_fin(k->next.ctx, c, dir, frame, ts);
}

static void fzk_close(void *ctx, struct tr_conn *c)
{
    struct fz_check *k = ctx;
    FZ_TRACE(k, "close %llu how %d\n", (unsigned long long)c->id, (int)c->close_how);
    struct fz_conn *fc = fz_conn_of(k, c, false);
    FZ_CHECK(c->close_how != TR_CLOSE_NONE, "on_close with close_how NONE");
    for (int d = 0; d < 2; d++)
        FZ_CHECK(c->side[d].bytes + c->side[d].gap_bytes >= fc->next[d],
                 "dir %d: %llu bytes + %llu gap bytes counted, %llu delivered", d,
                 (unsigned long long)c->side[d].bytes, (unsigned long long)c->side[d].gap_bytes,
                 (unsigned long long)fc->next[d]);
    if (k->next.on_close)
        k->next.on_close(k->next.ctx, c);
    fc->closed = true;
}

static void fzk_note(void *ctx, struct tr_conn *c, uint64_t frame, enum tr_note_kind kind,
                     const char *detail)
{
    struct fz_check *k = ctx;
    FZ_TRACE(k, "note %llu frame %llu %s: %s\n", c ? (unsigned long long)c->id : 0ULL,
             (unsigned long long)frame, tr_note_name(kind), detail);
    if (c)
        fz_conn_of(k, c, false);
    FZ_CHECK((unsigned)kind < TR_NOTE_COUNT, "note kind %d", (int)kind);
    FZ_CHECK(detail != NULL, "note without detail");
    if (k->next.on_note)
        k->next.on_note(k->next.ctx, c, frame, kind, detail);
}

static enum tr_role_hint fzk_classify(void *ctx, const uint8_t *data, size_t len)
{
    struct fz_check *k = ctx;
    if (!k->next.classify)
        return TR_ROLE_UNKNOWN;
    uint8_t *copy = fz_dup(data, len);
    enum tr_role_hint h = k->next.classify(k->next.ctx, copy, len);
    free(copy);
    return h;
}

static inline void fz_check_init(struct fz_check *k, const struct tr_sink *next, struct tr_sink *out)
{
    memset(k, 0, sizeof *k);
    k->next = *next;
    k->trace = getenv("FUZZ_TRACE") != NULL;
    memset(out, 0, sizeof *out);
    out->ctx = k;
    out->on_conn = fzk_conn;
    out->on_handshake = fzk_handshake;
    out->on_segment = fzk_segment;
    out->on_data = fzk_data;
    out->on_gap = fzk_gap;
    out->on_fin = fzk_fin;
    out->on_close = fzk_close;
    out->on_note = fzk_note;
    out->classify = fzk_classify;
}

static inline void fz_check_done(struct fz_check *k)
{
    free(k->conns);
    k->conns = NULL;
    k->nconns = 0;
}

/* ------------------------------------------------------------------------ */
/* The checking decoder sink: between the decoder and the writer. It reads   */
/* every byte an event points to (the writers print only some of them), and  */
/* asks for on_segment and on_bytes as the curses UI does.                   */

static volatile uint8_t fz_sink_hole;

static inline void fz_touch(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t x = 0;
    FZ_CHECK(n == 0 || p != NULL, "%zu bytes at NULL", n);
    for (size_t i = 0; i < n; i++)
        x ^= b[i];
    fz_sink_hole ^= x;
}

static inline void fz_touch_str(struct dec_str s)
{
    fz_touch(s.p, s.p ? s.len : 0);
}

static inline void fz_touch_headers(const struct dec_header *h, size_t n)
{
    FZ_CHECK(n == 0 || h != NULL, "%zu headers at NULL", n);
    for (size_t i = 0; i < n; i++) {
        fz_touch_str(h[i].name);
        fz_touch_str(h[i].value);
    }
}

static inline void fz_touch_message(const struct dec_msg *m)
{
    if (!m)
        return;
    fz_touch_str(m->method);
    fz_touch_str(m->target);
    fz_touch_str(m->version);
    fz_touch_str(m->host);
    fz_touch_str(m->reason);
    fz_touch_str(m->content_encoding);
    fz_touch_headers(m->headers, m->nheaders);
}

static void fzd_conn(void *ctx, struct dec_conn *c)
{
    const struct dec_sink *n = ctx;
    FZ_CHECK(c && c->tc, "on_conn without a connection");
    if (n->on_conn)
        n->on_conn(n->ctx, c);
}

static void fzd_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s)
{
    const struct dec_sink *n = ctx;
    FZ_CHECK((unsigned)s->kind < DEC_STAGE_COUNT, "stage kind %d", (int)s->kind);
    FZ_CHECK(s->dir == TR_DIR_C2S || s->dir == TR_DIR_S2C, "stage dir %d", (int)s->dir);
    fz_touch(s->frames, s->nframes * sizeof *s->frames);
    for (size_t i = 1; i < s->nframes; i++)
        FZ_CHECK(s->frames[i - 1] < s->frames[i], "stage frames not sorted");
    fz_touch_message(s->msg);
    fz_touch(s->preview, s->preview_len);
    fz_touch(s->decoded, s->decoded_len);
    if (s->reason_text)
        fz_touch(s->reason_text, strlen(s->reason_text));
    if (n->on_stage)
        n->on_stage(n->ctx, c, s);
}

static void fzd_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x)
{
    const struct dec_sink *n = ctx;
    fz_touch_message(x->request);
    fz_touch_message(x->response);
    FZ_CHECK(x->ninterim == 0 || x->interim != NULL, "interim at NULL");
    for (size_t i = 0; i < x->ninterim; i++)
        fz_touch_message(x->interim[i]);
    if (n->on_exchange)
        n->on_exchange(n->ctx, c, x);
}

static void fzd_note(void *ctx, struct dec_conn *c, const struct dec_note *no)
{
    const struct dec_sink *n = ctx;
    FZ_CHECK((unsigned)no->kind < DEC_NOTE_COUNT, "note kind %d", (int)no->kind);
    FZ_CHECK(no->detail != NULL, "note without detail");
    fz_touch(no->detail, strlen(no->detail));
    fz_touch_str(no->sni);
    if (n->on_note)
        n->on_note(n->ctx, c, no);
}

static void fzd_conn_end(void *ctx, struct dec_conn *c)
{
    const struct dec_sink *n = ctx;
    if (n->on_conn_end)
        n->on_conn_end(n->ctx, c);
}

static void fzd_segment(void *ctx, struct dec_conn *c, const struct tr_seg *s)
{
    const struct dec_sink *n = ctx;
    FZ_CHECK(s->dir == TR_DIR_C2S || s->dir == TR_DIR_S2C, "segment dir %d", (int)s->dir);
    if (n->on_segment)
        n->on_segment(n->ctx, c, s);
}

static void fzd_bytes(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t off,
                      const uint8_t *data, size_t len, uint64_t frame)
{
    const struct dec_sink *n = ctx;
    FZ_CHECK(dir == TR_DIR_C2S || dir == TR_DIR_S2C, "bytes dir %d", (int)dir);
    fz_touch(data, len);
    if (n->on_bytes)
        n->on_bytes(n->ctx, c, dir, off, data, len, frame);
}

/* *out calls every event of *next (kept by the caller) after checking it */
static inline void fz_dcheck_init(const struct dec_sink *next, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = (void *)next;
    out->on_conn = fzd_conn;
    out->on_stage = fzd_stage;
    out->on_exchange = fzd_exchange;
    out->on_note = fzd_note;
    out->on_conn_end = fzd_conn_end;
    out->on_segment = fzd_segment;
    out->on_bytes = fzd_bytes;
}

/* ------------------------------------------------------------------------ */
/* The pipeline of httpstep.c: table -> check -> decoder -> check -> writer, */
/* and a record that keeps references to the model, as the UI does.          */

struct fz_pipe_opts {
    enum rep_format format;     /* REP_FORMAT_JSON unless told */
    const uint16_t *ports;      /* -p ports (decoder and tracer), or none */
    size_t nports;
    bool only_server_ports;
    size_t max_conns, max_ooo;
    size_t max_header, max_headers, max_pipeline;
    size_t preview;
    bool no_content;            /* decode_content off */
    bool exports;               /* also every export of report/ (HTML, Markdown, SVG, HAR) */
    const struct tr_endpoint *only;  /* follow one connection (tr_table_opts.only) */
    bool (*reread)(void *ctx, int64_t file_offset, uint64_t frame, struct tr_frame *out);
    void *reread_ctx;
    const struct dec_keylog *keys;   /* TLS secrets (a pcapng's), or NULL */
};

struct fz_pipe {
    struct rep_writer *w;
    struct dec_sink wsink;      /* the writer's sink */
    struct dec_sink fan;        /* the writer and the record, in turn */
    struct dec_record rec;      /* every connection's model kept, as the UI keeps one */
    struct dec_decoder *dec;
    struct tr_table *table;
    struct fz_check check;
    struct tr_sink dec_tsink;   /* the decoder's tracer sink */
    struct tr_sink tsink;       /* the checking sink (what the table calls) */
};

#define FZ_FAN(call, ...)                                                                      \
    do {                                                                                       \
        struct fz_pipe *p_ = ctx;                                                              \
        struct dec_sink rs_;                                                                   \
        if (p_->wsink.call)                                                                    \
            p_->wsink.call(p_->wsink.ctx, __VA_ARGS__);                                        \
        dec_record_sink(&p_->rec, &rs_);                                                       \
        if (rs_.call)                                                                          \
            rs_.call(rs_.ctx, __VA_ARGS__);                                                    \
    } while (0)

static void fzf_conn(void *ctx, struct dec_conn *c) { FZ_FAN(on_conn, c); }
static void fzf_stage(void *ctx, struct dec_conn *c, const struct dec_stage *s) { FZ_FAN(on_stage, c, s); }
static void fzf_exchange(void *ctx, struct dec_conn *c, const struct dec_exchange *x) { FZ_FAN(on_exchange, c, x); }
static void fzf_note(void *ctx, struct dec_conn *c, const struct dec_note *n) { FZ_FAN(on_note, c, n); }
static void fzf_conn_end(void *ctx, struct dec_conn *c) { FZ_FAN(on_conn_end, c); }
static void fzf_segment(void *ctx, struct dec_conn *c, const struct tr_seg *s) { FZ_FAN(on_segment, c, s); }
static void fzf_bytes(void *ctx, struct dec_conn *c, enum tr_dir dir, uint64_t off, const uint8_t *data,
                      size_t len, uint64_t frame)
{
    FZ_FAN(on_bytes, c, dir, off, data, len, frame);
}

static inline void fz_fan_init(struct fz_pipe *p, struct dec_sink *out)
{
    memset(out, 0, sizeof *out);
    out->ctx = p;
    out->on_conn = fzf_conn;
    out->on_stage = fzf_stage;
    out->on_exchange = fzf_exchange;
    out->on_note = fzf_note;
    out->on_conn_end = fzf_conn_end;
    out->on_segment = fzf_segment;
    out->on_bytes = fzf_bytes;
}

static inline void fz_pipe_init(struct fz_pipe *p, const struct fz_pipe_opts *o)
{
    static const uint16_t port80 = 80;
    struct rep_writer_opts wo = {.format = o->format, .out = fz_devnull(), .utf8 = true};
    /* the exports, in the same pass (they keep a record per connection and
     * write it at its end, through a spool) */
    static const struct rep_output more[] = {
        {REP_FORMAT_HTML, NULL, "html"}, {REP_FORMAT_MD, NULL, "md"},
        {REP_FORMAT_SVG, NULL, "svg"}, {REP_FORMAT_HAR, NULL, "har"}};
    struct rep_output outs[4];
    for (size_t i = 0; i < 4; i++)
        outs[i] = (struct rep_output){more[i].format, fz_devnull(), more[i].name};
    if (o->exports) {
        wo.more = outs;
        wo.nmore = 4;
    }
    char err[TR_ERRBUF_SIZE];
    p->w = rep_writer_new(&wo, err);
    FZ_CHECK(p->w != NULL, "rep_writer_new: %s", err);
    rep_writer_sink(p->w, &p->wsink);
    dec_record_init(&p->rec, 0);
    p->rec.rolling = true;  /* bounded, as the UI's live records are */
    fz_fan_init(p, &p->fan);
    struct dec_sink dsink;
    fz_dcheck_init(&p->fan, &dsink);
    struct dec_opts dopts = {
        .ports = o->ports, .nports = o->nports, .detect = o->nports == 0,
        .max_header_bytes = o->max_header, .max_headers = o->max_headers,
        .max_pipeline = o->max_pipeline, .body_preview = o->preview,
        .decode_content = !o->no_content, .keys = o->keys,
    };
    p->dec = dec_new(&dopts, &dsink);
    dec_tracer_sink(p->dec, &p->dec_tsink);
    fz_check_init(&p->check, &p->dec_tsink, &p->tsink);
    struct tr_table_opts topts = {
        .server_ports = o->nports ? o->ports : &port80, .nserver_ports = o->nports ? o->nports : 1,
        .only_server_ports = o->only_server_ports, .only = o->only, .max_conns = o->max_conns,
        .max_ooo_bytes = o->max_ooo, .reread = o->reread, .reread_ctx = o->reread_ctx,
    };
    p->table = tr_table_new(&topts, &p->tsink);
}

/* the end of httpstep.c's main: finish, stats, flush, free */
static inline void fz_pipe_done(struct fz_pipe *p, uint64_t frames, uint64_t bytes)
{
    tr_table_finish(p->table);
    dec_finish(p->dec);  /* the DNS lookups never answered (pipeline.c does the same) */
    struct tr_stats ts;
    struct dec_stats ds;
    tr_table_stats(p->table, &ts);
    dec_stats(p->dec, &ds);
    FZ_CHECK(ts.active_conns <= ts.tcp_conns, "%llu active of %llu connections",
             (unsigned long long)ts.active_conns, (unsigned long long)ts.tcp_conns);
    FZ_CHECK(ts.active_conns == 0, "%llu connections still open after tr_table_finish",
             (unsigned long long)ts.active_conns);
    struct dec_run_stats st = {frames, bytes, ts.tcp_conns, ds.http_conns, ds.exchanges, ds.notes,
                               0, ds.dns, ds.decrypted};
    rep_writer_stats(p->w, &st);
    rep_writer_flush(p->w);
    /* the learner's text of every stage kept: the explanations read the
     * same hostile bytes (bodies, headers) as the decoder */
    dec_record_link(&p->rec);
    struct tr_sbuf text = {0};
    for (size_t k = 0; k < p->rec.nstgs; k++) {
        tr_sb_reset(&text);
        teach_explain(&p->rec, (int)k, &text);
    }
    tr_sb_free(&text);
    dec_record_free(&p->rec);
    tr_table_free(p->table);
    fz_check_done(&p->check);
    dec_free(p->dec);
    rep_writer_free(p->w);
}

#ifdef _GNU_SOURCE /* memfd_create */
/* A capture harness's input as a file: a memfd that the capture reader opens
 * by its /proc/self/fd path (so capture.c's file checks run too). Make it
 * once (fz_file_init in LLVMFuzzerInitialize), then fill it per input. */
struct fz_file {
    int fd;
    char path[64];
};

static inline void fz_file_init(struct fz_file *f, const char *name)
{
    f->fd = memfd_create(name, 0);
    if (f->fd < 0) {
        perror("memfd_create");
        abort();
    }
    snprintf(f->path, sizeof f->path, "/proc/self/fd/%d", f->fd);
}

static inline void fz_file_fill(const struct fz_file *f, const uint8_t *data, size_t size)
{
    if (ftruncate(f->fd, 0) != 0 || (size && pwrite(f->fd, data, size, 0) != (ssize_t)size))
        abort();
}
#endif

#endif
