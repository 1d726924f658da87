/* fuzz_lab.c - lab mode (issue 19): the questions of a capture and the
 * checking of answers
 *
 * Input: byte 0 picks the part. Even: the rest is a capture file (pcap or
 * pcapng bytes, through a memfd as fuzz_capture.c), read by teach_lab_load;
 * the questions are made (with the seed in byte 0's upper bits), each one's
 * own answer must check right, its rule and place must be texts, and
 * "what comes next?" is asked after every stage of every connection kept
 * (each of a step's questions), its answer the next stage. Odd: the rest is a typed answer, checked
 * against a question of each kind, and a Last-Modified value for the dates
 * of a choice.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"
#include "../../teach/lab_int.h"

static struct fz_file input;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fz_file_init(&input, "fuzz_lab");
    return 0;
}

static void capture(const uint8_t *data, size_t size, uint64_t seed)
{
    fz_file_fill(&input, data, size);
    char err[TR_ERRBUF_SIZE];
    struct dec_pipeline_opts po = {.file = input.path};
    struct teach_lab *l = teach_lab_new();
    if (!teach_lab_load(l, &po, err)) {
        FZ_CHECK(err[0] && memchr(err, '\0', sizeof err), "no error message");
        teach_lab_free(l);
        return;
    }
    teach_lab_generate(l, seed);
    char buf[256];
    for (size_t i = 0; i < teach_lab_count(l); i++) {
        const struct teach_lab_q *q = teach_lab_get(l, i);
        FZ_CHECK(q->text && q->answer && q->why, "question %s without a text", q->id);
        FZ_CHECK(teach_lab_check(q, q->answer) == TEACH_LAB_RIGHT, "%s: its answer '%s' is wrong",
                 q->id, q->answer);
        FZ_CHECK(q->kind != TEACH_LAB_CHOICE || q->right < q->nchoices, "%s: right %zu of %zu",
                 q->id, q->right, q->nchoices);
        teach_lab_rule(q, buf, sizeof buf);
        teach_lab_where(q, buf, sizeof buf);
    }
    for (size_t c = 0; c < l->nconns; c++) {
        const struct dec_record *r = &l->conns[c]->rec;
        for (size_t k = 0; k < r->nstgs; k++) {
            struct teach_lab_q q;
            for (int part = 0; teach_lab_next_part(r, (int)k, part, &q); part++) {
                FZ_CHECK(q.stage == r->stgs[k + 1]->kind, "%s: not the next stage", q.id);
                FZ_CHECK(q.right < q.nchoices, "%s: right %zu of %zu", q.id, q.right,
                         q.nchoices);
                FZ_CHECK(teach_lab_check(&q, q.answer) == TEACH_LAB_RIGHT, "%s: '%s' is wrong",
                         q.id, q.answer);
                teach_lab_q_done(&q);
            }
        }
    }
    teach_lab_free(l);
}

static void answer(const uint8_t *data, size_t size)
{
    char *a = malloc(size + 1);
    memcpy(a, data, size);
    a[size] = '\0';
    char name[] = "If-Modified-Since", c0[] = "HTTP/1.0", c1[] = "HTTP/1.1";
    struct teach_lab_q qs[] = {
        {.id = "n", .kind = TEACH_LAB_NUMBER, .value = 1039, .tol = 3, .usec = true},
        {.id = "f", .kind = TEACH_LAB_NUMBER, .value = 6, .also = {7}, .nalso = 1},
        {.id = "h", .kind = TEACH_LAB_NAME, .accept = {name}, .naccept = 1},
        {.id = "e", .kind = TEACH_LAB_EXACT, .accept = {name}, .naccept = 1},
        {.id = "c", .kind = TEACH_LAB_CHOICE, .choices = {c0, c1}, .nchoices = 2, .right = 1},
    };
    for (size_t i = 0; i < sizeof qs / sizeof qs[0]; i++) {
        enum teach_lab_verdict v = teach_lab_check(&qs[i], a);
        FZ_CHECK(v == TEACH_LAB_WRONG || v == TEACH_LAB_RIGHT || v == TEACH_LAB_UNREADABLE,
                 "verdict %d", (int)v);
    }
    char dates[TEACH_LAB_MAX_CHOICES][40];
    if (teach_lab_date_choices(a, size, dates))
        for (size_t i = 0; i < TEACH_LAB_MAX_CHOICES; i++)
            FZ_CHECK(memchr(dates[i], '\0', 40) && strlen(dates[i]) == 29, "date %zu", i);
    free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1)
        answer(data + 1, size - 1);
    else
        capture(data + 1, size - 1, data[0] >> 1);
    return 0;
}
