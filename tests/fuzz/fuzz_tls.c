/* fuzz_tls.c - the TLS engine (dec_tls_*) over a client and a server stream,
 * with a fixed key log so that its decryption paths run: the harness seals
 * records itself under the key log's secrets (RFC 8448's client random and
 * TLS 1.3 secrets, an early secret, a TLS 1.2 master secret for the same
 * random), so the fuzzer reaches what follows decryption.
 *
 * Input: commands until it ends. Byte c: bit 0 the direction (0 client, 1
 * server); bits 1-3 the operation; bits 4-7 its argument a:
 *   0 data:    u16 n, then n bytes, fed in pieces of 1 + a * 97 bytes
 *   1 seal13:  byte key (0 early, 1 client handshake, 2 server handshake,
 *              3 client application, 4 server application), byte type,
 *              byte pad, u16 n, n bytes: one TLS 1.3 record of that inner
 *              type under that secret, at the harness's next sequence
 *              number for it; a & 1: TLS_CHACHA20_POLY1305_SHA256, else
 *              TLS_AES_128_GCM_SHA256
 *   2 seal12:  byte type, u16 n, n bytes: one TLS 1.2 record under the
 *              key block of the master secret, the client random and the
 *              server random SR below, for the suite a % 5 of
 *              {c02f, c030, cca8, c013, c013 with encrypt-then-MAC}
 *   3 gap:     u16 n bytes not captured
 *   4 fin
 *   5 update:  the next application secret of this direction's key
 *              (KeyUpdate), its sequence number back to 0
 *   6 keys:    the key log is added to the store now (again)
 *   7 reset:   the harness's sequence numbers of this direction back to 0
 * When the input's first byte is 0xff (skipped) the store is empty until a
 * `keys` command: keys that come late, as live; else they are there from
 * the start.
 *
 * FUZZ_ECHO=1 says what an input reached (records, decrypted, plaintext);
 * FUZZ_TRACE=1 lists every record.
 *
 * Checks beyond the sanitizers: each direction's plaintext comes in order
 * (offsets contiguous), none after its on_cut, on_cut at most once; record
 * indices count up by one per direction and their TCP offsets grow; every
 * byte an event points to is read (ASan sees a read past it).
 */
#include "fuzz_common.h"

#include "../unit/tlsseal.h"

/* RFC 8448 section 3: its client random and secrets */
static const char random_hex[] =
    "cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7";
static const char *const secret_hex[5] = {
    "a0e7d2d4b0f2b6ff7b3cc4a6c1d1c4d2a5e9f1b3c6d7e8f9a0b1c2d3e4f50617",      /* early */
    "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21",      /* c hs */
    "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38",      /* s hs */
    "9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5",      /* c ap */
    "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643",      /* s ap */
};
static const char *const labels[5] = {
    "CLIENT_EARLY_TRAFFIC_SECRET", "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0"};
static const char master_hex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
                                 "202122232425262728292a2b2c2d2e2f";
/* the server random seeds put in their TLS 1.2 ServerHello */
static const char sr_hex[] = "5352535253525352535253525352535253525352535253525352535253525352";

struct state {
    uint64_t plain[2];
    bool cut[2];
    uint64_t next_rec[2];
    uint64_t rec_off[2];
    bool any_rec[2];
    bool trace;                  /* FUZZ_TRACE: every record to stderr */
};

static void touch_frames(const struct dec_tls_frames *f)
{
    fz_touch(f->v, f->n * sizeof *f->v);
}

static void on_record(void *ctx, const struct dec_tls_record *r)
{
    struct state *s = ctx;
    FZ_CHECK(r->index == s->next_rec[r->dir], "record %llu, wanted %llu",
             (unsigned long long)r->index, (unsigned long long)s->next_rec[r->dir]);
    FZ_CHECK(!s->any_rec[r->dir] || r->offset >= s->rec_off[r->dir], "record offset went back");
    s->next_rec[r->dir]++;
    if (s->trace)
        fprintf(stderr, "record %s #%llu type %u/%u state %d epoch %s seq %llu len %u\n",
                r->dir ? "s2c" : "c2s", (unsigned long long)r->index, r->type, r->inner_type,
                r->state, dec_tls_epoch_name(r->epoch), (unsigned long long)r->seq, r->length);
    s->rec_off[r->dir] = r->offset;
    s->any_rec[r->dir] = true;
    if (r->plain)
        fz_touch(r->plain, r->plain_len);
    fz_touch(r->msg_types, r->nmsgs);
    touch_frames(&r->frames);
}

static void on_handshake(void *ctx, const struct dec_tls_handshake *h)
{
    (void)ctx;
    if (h->body)
        fz_touch(h->body, h->length);
    touch_frames(&h->frames);
    FZ_CHECK(h->first_record <= h->last_record, "records %llu-%llu",
             (unsigned long long)h->first_record, (unsigned long long)h->last_record);
    if (h->name)
        fz_touch(h->name, strlen(h->name));
}

static void on_alert(void *ctx, const struct dec_tls_alert *a)
{
    (void)ctx;
    touch_frames(&a->frames);
}

static void on_plain(void *ctx, const struct dec_tls_plain *p)
{
    struct state *s = ctx;
    FZ_CHECK(!s->cut[p->dir], "plaintext after the cut");
    FZ_CHECK(p->offset == s->plain[p->dir], "plaintext at %llu, wanted %llu",
             (unsigned long long)p->offset, (unsigned long long)s->plain[p->dir]);
    FZ_CHECK(p->len > 0, "empty plaintext event");
    s->plain[p->dir] += p->len;
    fz_touch(p->data, p->len);
    touch_frames(&p->frames);
}

static void on_cut(void *ctx, enum tr_dir dir, uint64_t offset, enum dec_tls_why why,
                   uint64_t frame, tr_time ts)
{
    struct state *s = ctx;
    (void)frame;
    (void)ts;
    FZ_CHECK(!s->cut[dir], "two cuts");
    FZ_CHECK(offset == s->plain[dir], "cut at %llu of %llu", (unsigned long long)offset,
             (unsigned long long)s->plain[dir]);
    FZ_CHECK(dec_tls_why_text(why) != NULL, "cut without a reason");
    s->cut[dir] = true;
}

static void on_note(void *ctx, const struct dec_tls_note *n)
{
    struct state *s = ctx;
    if (s->trace)
        fprintf(stderr, "note %s: %s\n", dec_tls_note_name(n->kind), n->detail);
    fz_touch(n->detail, strlen(n->detail));
    FZ_CHECK(dec_tls_note_name(n->kind) != NULL, "note kind %d", n->kind);
}

static void keylog_text(struct bb *kl)
{
    char line[256];
    for (int i = 0; i < 5; i++) {
        int k = snprintf(line, sizeof line, "%s %s %s\n", labels[i], random_hex, secret_hex[i]);
        bb_add(kl, line, (size_t)k);
    }
    int k = snprintf(line, sizeof line, "CLIENT_RANDOM %s %s\n", random_hex, master_hex);
    bb_add(kl, line, (size_t)k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const uint16_t suites12[5] = {0xc02f, 0xc030, 0xcca8, 0xc013, 0xc013};
    struct fz in = {data, size};
    struct state st;
    memset(&st, 0, sizeof st);
    st.trace = getenv("FUZZ_TRACE") != NULL;
    struct bb kl = {0};
    keylog_text(&kl);
    struct dec_keylog *keys = dec_keylog_new();
    bool late = size && data[0] == 0xff;
    if (late)
        fz_u8(&in);
    else
        dec_keylog_add_text(keys, DEC_TLS_KEYS_KEYLOG, "fuzz.keys", (const char *)kl.p, kl.n);
    struct dec_tls_sink sink = {&st, on_record, on_handshake, on_alert, on_plain, on_cut, on_note};
    struct dec_tls_opts opts = {keys};
    struct dec_tls *t = dec_tls_new(&opts, &sink);

    uint8_t secrets[5][32], random[32], master[48], sr[32];
    struct bb tmp = {0};
    for (int i = 0; i < 5; i++) {
        tmp.n = 0;
        bb_hex(&tmp, secret_hex[i]);
        memcpy(secrets[i], tmp.p, 32);
    }
    tmp.n = 0;
    bb_hex(&tmp, random_hex);
    memcpy(random, tmp.p, 32);
    tmp.n = 0;
    bb_hex(&tmp, master_hex);
    memcpy(master, tmp.p, 48);
    tmp.n = 0;
    bb_hex(&tmp, sr_hex);
    memcpy(sr, tmp.p, 32);
    uint64_t seq13[5] = {0}, seq12[2] = {0}, off[2] = {0};
    uint64_t frame = 0;
    struct bb rec = {0};
    while (in.n) {
        uint8_t c = fz_u8(&in);
        enum tr_dir dir = (c & 1) ? TR_DIR_S2C : TR_DIR_C2S;
        unsigned op = (c >> 1) & 7, a = c >> 4;
        const uint8_t *p = NULL;
        size_t n = 0;
        rec.n = 0;
        frame++;
        switch (op) {
        case 0:
            n = fz_take(&in, fz_u16(&in), &p);
            bb_add(&rec, p, n);
            break;
        case 1: {
            unsigned key = fz_u8(&in) % 5;
            uint8_t type = fz_u8(&in), pad = fz_u8(&in);
            n = fz_take(&in, fz_u16(&in), &p);
            seal13(&rec, (a & 1) ? 0x1303 : 0x1301, secrets[key], 32, seq13[key]++, type, p, n,
                   pad);
            break;
        }
        case 2: {
            const struct dec_tls_suite *s = dec_tls_suite(suites12[a % 5]);
            struct keys12 k[2];
            keys12(s, master, random, sr, a % 5 == 4, k);
            uint8_t type = fz_u8(&in);
            n = fz_take(&in, fz_u16(&in), &p);
            seal12(&rec, &k[dir], seq12[dir]++, type, p, n);
            break;
        }
        case 3: {
            uint64_t g = fz_u16(&in);
            dec_tls_gap(t, dir, off[dir], g, frame, (tr_time)frame);
            off[dir] += g;
            continue;
        }
        case 4:
            dec_tls_fin(t, dir, frame, (tr_time)frame);
            continue;
        case 5: {
            unsigned key = dir == TR_DIR_C2S ? 3 : 4;
            dec_tls13_next_secret(dec_tls_hash_info(DEC_TLS_HASH_SHA256), secrets[key], 32);
            seq13[key] = 0;
            continue;
        }
        case 6:
            dec_keylog_add_text(keys, DEC_TLS_KEYS_KEYLOG, "late.keys", (const char *)kl.p, kl.n);
            continue;
        default:
            if (dir == TR_DIR_C2S)
                seq13[0] = seq13[1] = seq13[3] = 0;
            else
                seq13[2] = seq13[4] = 0;
            seq12[dir] = 0;
            continue;
        }
        /* feed the bytes in pieces, each in a block of its own size */
        size_t piece = op == 0 ? 1 + (size_t)a * 97 : rec.n;
        for (size_t at = 0; at < rec.n;) {
            size_t k = rec.n - at < piece ? rec.n - at : piece;
            if (k == 0)
                break;
            uint8_t *copy = fz_dup(rec.p + at, k);
            dec_tls_data(t, dir, off[dir], copy, k, frame, (tr_time)frame);
            free(copy);
            off[dir] += k;
            at += k;
        }
    }
    dec_tls_end(t);
    const struct dec_tls_facts *f = dec_tls_facts(t);
    FZ_CHECK(f->plain_bytes[0] == st.plain[0] && f->plain_bytes[1] == st.plain[1],
             "facts count other plaintext");
    FZ_CHECK(f->decrypted_records[0] <= f->records[0] && f->decrypted_records[1] <= f->records[1],
             "more decrypted records than records");
    FZ_CHECK(f->decrypted || (st.plain[0] == 0 && st.plain[1] == 0), "plaintext, not decrypted");
    FZ_CHECK(f->why_not < DEC_TLS_WHY_COUNT, "why_not %d", f->why_not);
    if (getenv("FUZZ_ECHO")) /* what a seed reaches */
        fprintf(stderr, "records %llu/%llu, decrypted %llu/%llu, plaintext %llu/%llu, %s\n",
                (unsigned long long)f->records[0], (unsigned long long)f->records[1],
                (unsigned long long)f->decrypted_records[0],
                (unsigned long long)f->decrypted_records[1], (unsigned long long)st.plain[0],
                (unsigned long long)st.plain[1],
                f->why_not ? dec_tls_why_text(f->why_not) : "all decrypted");
    dec_tls_free(t);
    dec_keylog_free(keys);
    bb_free(&kl);
    bb_free(&tmp);
    bb_free(&rec);
    return 0;
}
