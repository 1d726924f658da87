/* labnext.c - a test tool: the "what comes next?" questions of lab mode
 * (teach_lab_next_part, issue 19) after every stage of every connection of
 * a capture, one line each, for tests/e2e/lab.py to check against tshark
 * (the FINs, the ServerHello, the frames after a PUSH_PROMISE). Not
 * installed; not the httpstep program.
 *
 *   labnext [-k KEYLOG]... CAPTURE
 *
 * Output, tab-separated: conn, stage index, part, question id, the next
 * stage's name, the answer's frame, the right choice, the question, why,
 * the next stage's frames ("102,104").
 */
#include "../../teach/lab_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *keys[16];
    size_t nkeys = 0;
    int c;
    while ((c = getopt(argc, argv, "k:")) != -1) {
        if (c != 'k' || nkeys == 16) {
            fprintf(stderr, "usage: labnext [-k KEYLOG]... CAPTURE\n");
            return 2;
        }
        keys[nkeys++] = optarg;
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "usage: labnext [-k KEYLOG]... CAPTURE\n");
        return 2;
    }
    char err[TR_ERRBUF_SIZE];
    struct dec_pipeline_opts po = {.file = argv[optind], .keylogs = keys, .nkeylogs = nkeys};
    struct teach_lab *l = teach_lab_new();
    if (!teach_lab_load(l, &po, err)) {
        fprintf(stderr, "labnext: %s\n", err);
        teach_lab_free(l);
        return 1;
    }
    for (size_t i = 0; i < l->nconns; i++) {
        const struct dec_record *r = &l->conns[i]->rec;
        for (size_t k = 0; k + 1 < r->nstgs; k++) {
            struct teach_lab_q q;
            const struct dec_stage *next = r->stgs[k + 1];
            for (int part = 0; teach_lab_next_part(r, (int)k, part, &q); part++) {
                printf("%llu\t%zu\t%d\t%s\t%s\t%llu\t%s\t%s\t%s\t",
                       (unsigned long long)r->conn_id, k, part, q.id, dec_stage_name(next->kind),
                       (unsigned long long)q.frame, q.answer, q.text, q.why);
                for (size_t f = 0; f < next->nframes; f++)
                    printf("%s%llu", f ? "," : "", (unsigned long long)next->frames[f]);
                printf("\n");
                teach_lab_q_done(&q);
            }
        }
    }
    teach_lab_free(l);
    return fflush(stdout) == 0 ? 0 : 1;
}
