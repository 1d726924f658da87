/* fuzz_capture.c - a whole capture file (pcap or pcapng bytes) through
 * tr_capture_open/tr_capture_next and the pipeline of httpstep.c, with the
 * JSON writer writing to /dev/null
 *
 * The input is written to a memfd that tr_capture_open reads by its
 * /proc/self/fd path, so the file checks of capture.c run too.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"

static struct fz_file input;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_file_init(&input, "fuzz_capture");
    return 0;
}

static void fz_secrets(void *ctx, uint32_t type, const uint8_t *data, size_t len, int64_t offset)
{
    (void)offset;
    if (type == TR_PCAPNG_SECRETS_TLS)
        dec_keylog_add_text(ctx, DEC_TLS_KEYS_PCAPNG, "fuzz.pcapng", (const char *)data, len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_file_fill(&input, data, size);

    char err[TR_ERRBUF_SIZE];
    struct tr_capture_opts copts = {.file = input.path, .offsets = true};
    struct tr_capture *cap;
    if (tr_capture_open(&cap, &copts, err) < 0) {
        FZ_CHECK(memchr(err, '\0', sizeof err) != NULL && err[0], "no error message");
        return 0;
    }
    int lt = tr_capture_linktype(cap);
    FZ_CHECK(tr_capture_linktype_name(lt) != NULL, "no link type name");
    if (!tr_linktype_supported(lt)) {  /* httpstep.c stops here */
        tr_capture_close(cap);
        return 0;
    }
    /* retransmissions are compared with the first copy read back from the
     * file, as httpstep.c does */
    struct tr_rereader *rr = tr_rereader_new(input.path);
    /* a pcapng's Decryption Secrets Blocks, as dec_pipeline reads them: the
     * decrypted paths (TLS plaintext into HTTP/1.x and HTTP/2) are fuzzed too */
    struct dec_keylog *keys = dec_keylog_new();
    tr_pcapng_secrets(input.path, fz_secrets, keys, err);
    struct fz_pipe p;
    struct fz_pipe_opts o = {.format = REP_FORMAT_JSON, .reread = tr_rereader_read, .reread_ctx = rr,
                             .keys = keys};
    fz_pipe_init(&p, &o);
    struct rep_capture_info ci = {"fuzz.pcap", tr_capture_linktype_name(lt), tr_capture_snaplen(cap),
                                 false};
    rep_writer_capture(p.w, &ci);

    uint64_t last = 0;
    for (;;) {
        struct tr_frame f;
        int rc = tr_capture_next(cap, &f, err);
        if (rc != TR_NEXT_FRAME) {
            FZ_CHECK(rc == TR_NEXT_EOF || rc == TR_NEXT_ERROR, "tr_capture_next %d on a file", rc);
            break;
        }
        FZ_CHECK(f.num == last + 1, "frame %llu after %llu", (unsigned long long)f.num,
                 (unsigned long long)last);
        last = f.num;
        FZ_CHECK(f.linktype == lt, "frame link type %d, file %d", f.linktype, lt);
        /* the frame in a block of its exact size (libpcap's buffer is larger) */
        uint8_t *copy = fz_dup(f.data, f.caplen);
        f.data = copy;
        tr_table_frame(p.table, &f);
        free(copy);
    }
    uint64_t frames, bytes;
    tr_capture_counts(cap, &frames, &bytes);
    FZ_CHECK(frames == last, "%llu frames counted, %llu read", (unsigned long long)frames,
             (unsigned long long)last);
    fz_pipe_done(&p, frames, bytes);
    tr_capture_close(cap);
    tr_rereader_free(rr);
    dec_keylog_free(keys);
    return 0;
}
