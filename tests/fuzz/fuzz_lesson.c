/* fuzz_lesson.c - teacher lessons (issue 19): the lesson format's parser
 *
 * Input: a lesson file's bytes. A mistake must be one line "NAME:LINE:
 * what" whose line is within the input; a lesson read must hold a title,
 * an introduction and steps, and every question's own answer must check
 * right (the lab's checking) and its place be printable.
 */
#define _GNU_SOURCE
#include "fuzz_common.h"
#include "../../teach/teach.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    teach_i18n_init("en");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[1024];
    err[0] = '\0';
    struct teach_lesson *ls =
        teach_lesson_parse((const char *)data, size, "f.lesson", "dir", err, sizeof err);
    if (!ls) {
        FZ_CHECK(strncmp(err, "f.lesson:", 9) == 0, "error without its file: '%s'", err);
        FZ_CHECK(!strchr(err, '\n'), "error of two lines: '%s'", err);
        unsigned long line = strtoul(err + 9, NULL, 10);
        size_t lines = 1;
        for (size_t i = 0; i < size; i++)
            lines += data[i] == '\n';
        FZ_CHECK(line >= 1 && line <= lines, "line %lu of %zu: '%s'", line, lines, err);
        return 0;
    }
    FZ_CHECK(ls->title.en && ls->title.zh && ls->intro.en && ls->intro.zh && ls->nsteps,
             "a lesson without its title, intro or steps");
    FZ_CHECK(ls->capture_path != NULL, "no capture");
    char buf[256];
    for (size_t i = 0; i < ls->nsteps; i++) {
        const struct teach_lesson_step *st = &ls->steps[i];
        teach_place_text(&st->at, buf, sizeof buf);
        for (size_t k = 0; k < st->nsay; k++)
            FZ_CHECK(st->say[k].en && st->say[k].zh, "a say without both languages");
        for (size_t k = 0; k < st->nq; k++) {
            const struct teach_lab_q *q = &st->qs[k];
            FZ_CHECK(q->text && q->answer && q->why, "a question without its texts");
            FZ_CHECK(q->kind != TEACH_LAB_CHOICE || q->right < q->nchoices, "right %zu of %zu",
                     q->right, q->nchoices);
            FZ_CHECK(teach_lab_check(q, q->answer) == TEACH_LAB_RIGHT,
                     "its own answer '%s' is wrong", q->answer);
            teach_lab_rule(q, buf, sizeof buf);
        }
    }
    teach_lesson_free(ls);
    return 0;
}
