/* pipeline.c - the one way a capture is read: libpcap capture, the
 * tracer's connection table, the decoder, with one set of options, for the
 * writers and the UI alike (tcpdump.c's pcap_loop into a printer, made a
 * step at a time so a UI can read between keys)
 */
#include "decode.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct dec_pipeline {
    struct tr_capture *cap;
    struct tr_rereader *rr;      /* frames read back, for retransmissions (files) */
    struct tr_table *table;
    struct dec_decoder *dec;
    uint64_t stop_after;
    bool live, done, failed;
    /* TLS secrets: the --keylog files and the capture's Decryption Secrets
     * Blocks; live, the files are read again as they grow */
    struct dec_keylog *keys;
    void (*warn)(void *ctx, const char *msg);
    void *warn_ctx;
    int64_t refreshed;           /* live: when the key logs were last read (us) */
    bool refresh_failed;
    uint32_t blocks;             /* Decryption Secrets Blocks met so far (any type) */
    char err[TR_ERRBUF_SIZE];
};

static const uint16_t port80 = 80;

char *dec_pipeline_default_filter(const uint16_t *ports, size_t nports, bool live)
{
    if (!live)
        return NULL;
    if (nports == 0) {
        ports = &port80;
        nports = 1;
    }
    size_t len = 32 + nports * 24;
    char *s = tr_xmalloc(len);
    size_t at = (size_t)snprintf(s, len, "(");
    for (size_t i = 0; i < nports; i++)
        at += (size_t)snprintf(s + at, len - at, "%stcp port %u", i ? " or " : "", ports[i]);
    /* step 0: the DNS lookups (issue 17) */
    snprintf(s + at, len - at, ") or (udp port %u)", TR_DEFAULT_UDP_PORT);
    return s;
}

static int64_t now_us(void);

/* a malformed key log line: one line for the caller to print */
static void keylog_warn(void *ctx, const char *source, unsigned long line, const char *what)
{
    struct dec_pipeline *p = ctx;
    char msg[TR_ERRBUF_SIZE + 64];
    snprintf(msg, sizeof msg, "'%s' line %lu: %s: line ignored", source, line, what);
    if (p->warn)
        p->warn(p->warn_ctx, msg);
}

static void dsb_secrets(void *ctx, uint32_t type, const uint8_t *data, size_t len, int64_t offset)
{
    (void)offset;
    struct dec_pipeline *p = ctx;
    p->blocks++;  /* numbered as a reader of the file counts them */
    if (type == TR_PCAPNG_SECRETS_TLS)
        dec_keylog_add_block(p->keys, p->err, p->blocks, (const char *)data, len);
}

/* the key logs and the capture's secrets; false with errbuf for a key log
 * that cannot be read */
static bool keys_open(struct dec_pipeline *p, const struct dec_pipeline_opts *o, char *errbuf)
{
    p->warn = o->warn;
    p->warn_ctx = o->warn_ctx;
    bool dsb = o->file && strcmp(o->file, "-") != 0;
    if (!o->nkeylogs && !dsb)
        return true;
    p->keys = dec_keylog_new();
    dec_keylog_set_warn(p->keys, keylog_warn, p);
    for (size_t i = 0; i < o->nkeylogs; i++)
        if (dec_keylog_add_file(p->keys, o->keylogs[i], p->live, errbuf) < 0)
            return false;
    if (dsb) {
        char e[TR_ERRBUF_SIZE];
        snprintf(p->err, sizeof p->err, "%s", o->file);  /* the secrets' source name */
        /* a file that cannot be opened or is cut is the capture reader's to
         * report (once); a secrets block that lies, only this reader sees */
        if (tr_pcapng_secrets(o->file, dsb_secrets, p, e) == -2 && p->warn)
            p->warn(p->warn_ctx, e);
        p->err[0] = '\0';
    }
    p->refreshed = now_us();
    return true;
}

/* live: read what the key logs gained (one stat per file when nothing did) */
static void keys_reread(void *ctx)
{
    struct dec_pipeline *p = ctx;
    p->refreshed = now_us();
    char e[TR_ERRBUF_SIZE];
    if (dec_keylog_refresh(p->keys, e) < 0) {
        if (!p->refresh_failed && p->warn)
            p->warn(p->warn_ctx, e);
        p->refresh_failed = true;
    }
}

/* live: and at least ten times a second */
static void keys_refresh(struct dec_pipeline *p)
{
    if (p->live && p->keys && now_us() - p->refreshed >= 100000)
        keys_reread(p);
}

enum dec_pipe_error dec_pipeline_open(struct dec_pipeline **out, const struct dec_pipeline_opts *o,
                                      const struct dec_sink *sink, char *errbuf)
{
    struct dec_pipeline *p = tr_xcalloc(1, sizeof *p);
    p->live = o->file == NULL;
    if (!keys_open(p, o, errbuf)) {
        dec_keylog_free(p->keys);
        free(p);
        return DEC_PIPE_EINPUT;
    }
    char *deflt = o->filter ? NULL : dec_pipeline_default_filter(o->ports, o->nports, p->live);
    struct tr_capture_opts co = {
        .file = o->file, .iface = o->iface, .filter = o->filter ? o->filter : deflt,
        .snaplen = o->snaplen > 0 ? o->snaplen : 262144, .promisc = false, .offsets = !p->live,
        .buffer_kib = o->buffer_kib,
    };
    int rc = tr_capture_open(&p->cap, &co, errbuf);
    free(deflt);
    if (rc < 0) {
        bool live = p->live;
        dec_keylog_free(p->keys);
        free(p);
        return strncmp(errbuf, "bad filter", 10) == 0 ? DEC_PIPE_EFILTER
               : live                                 ? DEC_PIPE_ELIVE
                                                      : DEC_PIPE_EINPUT;
    }
    int lt = tr_capture_linktype(p->cap);
    if (!tr_linktype_supported(lt)) {
        snprintf(errbuf, TR_ERRBUF_SIZE,
                 "'%s': link type %s (%d) is not supported (httpstep reads Ethernet, Linux "
                 "cooked, BSD loopback, raw IP and NFLOG)",
                 p->live ? o->iface : o->file, tr_capture_linktype_name(lt), lt);
        dec_pipeline_close(p);
        return DEC_PIPE_EINPUT;
    }
    if (p->live && o->after_open && !o->after_open(p->cap, o->after_open_ctx, errbuf)) {
        dec_pipeline_close(p);
        return DEC_PIPE_ELIVE;
    }
    if (o->seek && o->seek_offset >= 0 &&
        tr_capture_seek(p->cap, o->seek_offset, o->seek_frame, errbuf) < 0) {
        dec_pipeline_close(p);
        return DEC_PIPE_EINPUT;
    }
    /* one rule for both: with -p, those ports carry HTTP whatever their
     * bytes; without, HTTP is found on any port by its first bytes */
    struct dec_opts dopts = {
        .ports = o->ports, .nports = o->nports, .detect = o->nports == 0,
        .max_header_bytes = o->max_header, .max_headers = o->max_headers,
        .body_preview = o->preview, .decode_content = o->decode_content, .keys = p->keys,
        .refresh_keys = p->live && p->keys ? keys_reread : NULL, .refresh_ctx = p,
    };
    p->dec = dec_new(&dopts, sink);
    struct tr_sink ts;
    dec_tracer_sink(p->dec, &ts);
    p->rr = p->live ? NULL : tr_rereader_new(o->file);
    struct tr_table_opts to = {
        .reread = p->rr ? tr_rereader_read : NULL, .reread_ctx = p->rr,
        .server_ports = o->nports ? o->ports : &port80, .nserver_ports = o->nports ? o->nports : 1,
        .only_server_ports = o->nports > 0 && !o->filter, .only = o->only,
        .max_conns = o->max_conns, .max_ooo_bytes = o->max_ooo,
    };
    p->table = tr_table_new(&to, &ts);
    p->stop_after = o->stop_after;
    *out = p;
    return DEC_PIPE_OK;
}

void dec_pipeline_close(struct dec_pipeline *p)
{
    if (!p)
        return;
    tr_table_free(p->table);
    dec_free(p->dec);
    tr_rereader_free(p->rr);
    tr_capture_close(p->cap);
    dec_keylog_free(p->keys);
    free(p);
}

void dec_pipeline_finish(struct dec_pipeline *p)
{
    if (p->done)
        return;
    tr_table_finish(p->table);
    dec_finish(p->dec);
    p->done = true;
}

enum dec_pipe_step dec_pipeline_next(struct dec_pipeline *p)
{
    if (p->done)
        return p->failed ? DEC_PIPE_ERROR : DEC_PIPE_END;
    struct tr_frame f;
    keys_refresh(p);
    int rc = tr_capture_next(p->cap, &f, p->err);
    if (rc == TR_NEXT_FRAME) {
        tr_table_frame(p->table, &f);
        if (!(p->stop_after && f.num >= p->stop_after))
            return DEC_PIPE_FRAME;
        rc = TR_NEXT_EOF;
    }
    if (rc == TR_NEXT_NONE) {  /* live, nothing yet: time passes all the same */
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        tr_table_tick(p->table, (tr_time)now.tv_sec * 1000000 + now.tv_nsec / 1000);
        return DEC_PIPE_IDLE;
    }
    p->failed = rc == TR_NEXT_ERROR;
    dec_pipeline_finish(p);
    return p->failed ? DEC_PIPE_ERROR : DEC_PIPE_END;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

uint64_t dec_pipeline_run(struct dec_pipeline *p, int64_t budget_us, const bool *stop)
{
    int64_t end = now_us() + budget_us;
    uint64_t n = 0;
    while (!(stop && *stop)) {
        if (dec_pipeline_next(p) != DEC_PIPE_FRAME)
            break;
        if (++n % 256 == 0 && now_us() > end)
            break;
    }
    return n;
}

bool dec_pipeline_failed(const struct dec_pipeline *p)
{
    return p->failed;
}

bool dec_pipeline_done(const struct dec_pipeline *p)
{
    return p->done;
}

const char *dec_pipeline_error(const struct dec_pipeline *p)
{
    return p->failed ? p->err : "";
}

struct tr_capture *dec_pipeline_capture(struct dec_pipeline *p)
{
    return p->cap;
}

int dec_pipeline_fd(const struct dec_pipeline *p)
{
    return tr_capture_fd(p->cap);
}

void dec_pipeline_stats(struct dec_pipeline *p, struct dec_run_stats *out)
{
    struct tr_stats ts;
    struct dec_stats ds;
    tr_table_stats(p->table, &ts);
    dec_stats(p->dec, &ds);
    memset(out, 0, sizeof *out);
    tr_capture_counts(p->cap, &out->frames, &out->bytes);
    out->tcp_conns = ts.tcp_conns;
    out->http_conns = ds.http_conns;
    out->exchanges = ds.exchanges;
    out->notes = ds.notes;
    out->dns = ds.dns;
    out->decrypted = ds.decrypted;
    out->dropped = tr_capture_dropped(p->cap);
}
