/* fuzz_http.c - two HTTP byte streams (client, server), cut at fuzz-chosen
 * points, interleaved, with fuzz-chosen gaps, fed to the decoder through
 * its tracer sink (dec_tracer_sink) as the tracer would, with a writer
 * attached (JSON to /dev/null, or --text)
 *
 * Input (mkseeds.py writes the same format):
 *   h0: bit 0 the handshake was seen; bit 1 server port 8080 (else 80);
 *       bit 2 -p that port (else: detect by content); bit 3 no content
 *       decoding; bit 4 body preview 64; bit 5 --text writer; bit 6 small
 *       limits (head 200 bytes, 4 headers, 2 pipelined requests); bit 7
 *       ask classify about each stream's first bytes
 *   h1: bit 0 a RST at the end (bit 2: from the server), else the close
 *       is the FINs', or the end of the capture; bit 3 a FIN from the
 *       client at the end; bit 4 a FIN from the server at the end; bit 5
 *       the rest of the streams is delivered server first
 *   then: client stream, SEP, server stream, SEP, schedule (SEP below; with
 *   one SEP there is no schedule, with none no server stream).
 * The schedule, one byte per event:
 *   00xxxxxx  client data, length code x   01xxxxxx  server data
 *   100xxxxx  client gap, gap code x       101xxxxx  server gap
 *   11xxxxxx  control x % 8: 0 client FIN, 1 server FIN, 2 a client segment
 *             (its ack_offset: the server's offset), 3 a server segment, 4 a
 *             connection note (kind x / 8), 5 a frame note, 6 the handshake
 *             event, 7 nothing
 * Data after a direction's FIN is dropped (the tracer delivers none). When
 * the schedule ends, the rest of both streams goes in 1460-byte pieces,
 * alternating.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"

#define SEP "\xff\xfe\xfd\xfc"
#define SEPLEN 4

static const uint64_t data_codes[32] = {
    40, 48, 64, 80, 100, 128, 150, 200, 256, 300, 400, 512, 600, 800, 1000, 1024,
    1200, 1400, 1448, 1460, 1500, 2000, 2048, 3000, 4096, 8192, 16384, 32768, 65536, 100000,
    1000000, UINT64_MAX,
};
static const uint64_t gap_codes[16] = {
    20, 32, 64, 100, 128, 256, 512, 1000, 1460, 4096, 65536, 1u << 20, 1u << 24, 1u << 30,
    1ULL << 32, 1ULL << 40,
};

struct stream {
    const uint8_t *p;
    size_t n, pos;     /* bytes, and how many were used */
    uint64_t off;      /* stream offset (data and gaps) */
    bool fin;
};

struct run {
    struct tr_sink s;
    struct tr_conn *tc;
    struct stream st[2];
    uint64_t frame;
    tr_time ts;
};

static void tick(struct run *r)
{
    r->frame++;
    r->ts += 1000;
    r->tc->last_frame = r->frame;
    r->tc->last_ts = r->ts;
}

static void data(struct run *r, int dir, uint64_t want)
{
    struct stream *s = &r->st[dir];
    size_t n = s->n - s->pos;
    if (want < n)
        n = (size_t)want;
    if (n == 0 || s->fin)
        return;
    tick(r);
    uint8_t *copy = fz_dup(s->p + s->pos, n);  /* borrowed for the call */
    r->s.on_data(r->s.ctx, r->tc, (enum tr_dir)dir, s->off, copy, n, r->frame, r->ts);
    free(copy);
    s->pos += n;
    s->off += n;
    r->tc->side[dir].bytes += n;
}

static void gap(struct run *r, int dir, uint64_t len)
{
    struct stream *s = &r->st[dir];
    if (s->fin)
        return;
    tick(r);
    r->s.on_gap(r->s.ctx, r->tc, (enum tr_dir)dir, s->off, len, r->frame, r->ts);
    size_t skip = s->n - s->pos;
    if (len < skip)
        skip = (size_t)len;
    s->pos += skip;
    s->off += len;
    r->tc->side[dir].gap_bytes += len;
}

static void fin(struct run *r, int dir)
{
    struct stream *s = &r->st[dir];
    if (s->fin)
        return;
    tick(r);
    s->fin = true;
    r->tc->side[dir].fin_frame = r->frame;
    if (!r->tc->close_frames[dir])
        r->tc->close_frames[dir] = r->frame;
    if (r->tc->close_how == TR_CLOSE_NONE) {
        r->tc->close_how = TR_CLOSE_FIN;
        r->tc->close_initiator = dir;
        r->tc->close_ts = r->ts;
    }
    r->s.on_fin(r->s.ctx, r->tc, (enum tr_dir)dir, r->frame, r->ts);
}

static void segment(struct run *r, int dir)
{
    tick(r);
    struct tr_seg seg;
    memset(&seg, 0, sizeof seg);
    seg.frame = r->frame;
    seg.ts = r->ts;
    seg.dir = (enum tr_dir)dir;
    seg.flags = TR_TCP_ACK;
    seg.offset = r->st[dir].off;
    seg.ack_offset = (int64_t)r->st[!dir].off;
    seg.file_offset = -1;
    r->s.on_segment(r->s.ctx, r->tc, &seg);
}

static const uint8_t *find_sep(const uint8_t *p, size_t n)
{
    return memmem(p, n, SEP, SEPLEN);
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size)
{
    struct fz in = {buf, size};
    uint8_t h0 = fz_u8(&in), h1 = fz_u8(&in);

    /* the three parts */
    const uint8_t *cp = in.p, *sp = NULL, *sched = NULL;
    size_t cn = in.n, sn = 0, schedn = 0;
    const uint8_t *sep = find_sep(cp, cn);
    if (sep) {
        sp = sep + SEPLEN;
        sn = (size_t)(cp + cn - sp);
        cn = (size_t)(sep - cp);
        sep = find_sep(sp, sn);
        if (sep) {
            sched = sep + SEPLEN;
            schedn = (size_t)(sp + sn - sched);
            sn = (size_t)(sep - sp);
        }
    }

    /* the decoder and its writer */
    uint16_t port = (h0 & 2) ? 8080 : 80;
    struct rep_writer_opts wo = {.format = (h0 & 0x20) ? REP_FORMAT_TEXT : REP_FORMAT_JSON,
                                 .out = fz_devnull(), .utf8 = true};
    char werr[TR_ERRBUF_SIZE];
    struct rep_writer *w = rep_writer_new(&wo, werr);
    FZ_CHECK(w != NULL, "%s", werr);
    struct dec_sink wsink, dsink;
    rep_writer_sink(w, &wsink);
    fz_dcheck_init(&wsink, &dsink);
    struct dec_opts dopts = {
        .ports = &port, .nports = (h0 & 4) ? 1 : 0, .detect = !(h0 & 4),
        .body_preview = (h0 & 0x10) ? 64 : 0, .decode_content = !(h0 & 8),
    };
    if (h0 & 0x40) {
        dopts.max_header_bytes = 200;
        dopts.max_headers = 4;
        dopts.max_pipeline = 2;
    }
    struct dec_decoder *dec = dec_new(&dopts, &dsink);

    /* the connection, in a block of its exact size */
    struct run r;
    memset(&r, 0, sizeof r);
    dec_tracer_sink(dec, &r.s);
    r.tc = calloc(1, sizeof *r.tc);
    r.st[0] = (struct stream){cp, cn, 0, 0, false};
    r.st[1] = (struct stream){sp, sn, 0, 0, false};
    r.ts = 1600000000000000LL;
    struct tr_conn *tc = r.tc;
    tc->id = 1;
    tc->client.addr.family = tc->server.addr.family = 4;
    tc->client.addr.a[0] = tc->server.addr.a[0] = 10;
    tc->client.addr.a[3] = 1;
    tc->server.addr.a[3] = 2;
    tc->client.port = 40000;
    tc->server.port = port;
    tc->first_frame = 1;
    tc->first_ts = r.ts;
    tc->first_file_offset = -1;
    tc->close_initiator = -1;
    bool hs = h0 & 1, hs_told = false;
    if (hs) {
        tc->syn_seen = tc->synack_seen = tc->handshake_done = true;
        for (int i = 0; i < 3; i++) {
            tick(&r);
            tc->hs_frames[i] = r.frame;
            tc->hs_ts[i] = r.ts;
        }
    }
    if (h0 & 0x80) {
        for (int d = 0; d < 2; d++)
            if (r.st[d].n) {
                uint8_t *copy = fz_dup(r.st[d].p, r.st[d].n);
                enum tr_role_hint hint = r.s.classify(r.s.ctx, copy, r.st[d].n);
                free(copy);
                FZ_CHECK(hint == TR_ROLE_UNKNOWN || hint == TR_ROLE_CLIENT ||
                             hint == TR_ROLE_SERVER,
                         "hint %d", (int)hint);
            }
    }
    r.s.on_conn(r.s.ctx, tc);
    if (hs) {
        r.s.on_handshake(r.s.ctx, tc);
        hs_told = true;
    }

    for (size_t i = 0; i < schedn; i++) {
        uint8_t b = sched[i];
        switch (b >> 6) {
        case 0:
        case 1: {
            unsigned x = b & 0x3f;
            data(&r, b >> 6, x < 32 ? x + 1 : data_codes[x - 32]);
            break;
        }
        case 2: {
            unsigned x = b & 0x1f;
            gap(&r, (b >> 5) & 1, x < 16 ? x + 1 : gap_codes[x - 16]);
            break;
        }
        default:
            switch (b & 7) {
            case 0:
            case 1:
                fin(&r, b & 1);
                break;
            case 2:
            case 3:
                segment(&r, b & 1);
                break;
            case 4:
            case 5:
                tick(&r);
                r.s.on_note(r.s.ctx, (b & 7) == 4 ? tc : NULL, r.frame,
                            (enum tr_note_kind)(((b >> 3) & 7) % TR_NOTE_COUNT), "a fuzz note");
                break;
            case 6:
                if (hs && !hs_told) {
                    r.s.on_handshake(r.s.ctx, tc);
                    hs_told = true;
                }
                break;
            default:
                break;
            }
        }
    }
    int first = (h1 & 0x20) ? 1 : 0;
    while ((!r.st[0].fin && r.st[0].pos < r.st[0].n) || (!r.st[1].fin && r.st[1].pos < r.st[1].n)) {
        data(&r, first, 1460);
        data(&r, !first, 1460);
    }
    if (h1 & 8)
        fin(&r, 0);
    if (h1 & 0x10)
        fin(&r, 1);
    tick(&r);
    if (h1 & 1) {
        int d = (h1 & 4) ? 1 : 0;
        tc->side[d].rst_frame = r.frame;
        if (!tc->close_frames[d])
            tc->close_frames[d] = r.frame;
        if (tc->close_how == TR_CLOSE_NONE) {
            tc->close_how = TR_CLOSE_RST;
            tc->close_initiator = d;
            tc->close_ts = r.ts;
        }
    }
    if (tc->close_how == TR_CLOSE_NONE)
        tc->close_how = TR_CLOSE_END;
    r.s.on_close(r.s.ctx, tc);

    struct dec_stats ds;
    dec_stats(dec, &ds);
    FZ_CHECK(ds.http_conns <= 1, "%llu HTTP connections of 1", (unsigned long long)ds.http_conns);
    struct dec_run_stats st = {r.frame, size, 1, ds.http_conns, ds.exchanges, ds.notes, 0, ds.dns, ds.decrypted};
    rep_writer_stats(w, &st);
    rep_writer_flush(w);
    dec_free(dec);
    rep_writer_free(w);
    free(tc);
    return 0;
}
