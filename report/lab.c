/* lab.c - lab mode (issue 19) on paper and on a terminal: the questions
 * teach/lab.c made of a capture as a worksheet (--lab --text), its key
 * with the answers and where they are (--lab --answers), and the quiz
 * (--lab): a question at a time, each answer read as a line and checked,
 * a hint on request, the score at the end
 */
#include "report_int.h"
#include "../teach/teach.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* after a label ("Answer:"): a space, none after a Chinese colon */
static const char *gap(void)
{
    return teach_lang_zh() ? "" : " ";
}

/* the rule in brackets of the language */
static void rule_line(const struct teach_lab_q *q, FILE *out)
{
    char rule[256];
    teach_lab_rule(q, rule, sizeof rule);
    fprintf(out, teach_lang_zh() ? "   （%s）\n" : "   (%s)\n", rule);
}

static void choices(const struct teach_lab_q *q, FILE *out)
{
    for (size_t i = 0; i < q->nchoices; i++)
        fprintf(out, "   %c) %s\n", (int)('a' + i), q->choices[i]);
}

static void answer_line(const struct teach_lab_q *q, FILE *out)
{
    if (q->kind == TEACH_LAB_CHOICE)
        fprintf(out, "   %s%s%c) %s\n", _("Answer:"), gap(), (int)('a' + q->right), q->answer);
    else
        fprintf(out, "   %s%s%s\n", _("Answer:"), gap(), q->answer);
}

/* question number num on a worksheet (room to answer) or a key (the
 * answer, why when there is one, and where when asked) */
static void sheet_question(const struct teach_lab_q *q, size_t num, bool answers, bool where,
                           FILE *out)
{
    fprintf(out, "\n%zu. %s\n", num, q->text);
    choices(q, out);
    rule_line(q, out);
    if (!answers) {
        fprintf(out, "   %s%s____________________\n", _("Answer:"), gap());
        return;
    }
    answer_line(q, out);
    if (q->why && q->why[0])
        fprintf(out, "   %s%s%s\n", _("Why:"), gap(), q->why);
    char buf[256];
    if (where)
        fprintf(out, "   %s%s%s\n", _("Where:"), gap(), teach_lab_where(q, buf, sizeof buf));
}

bool rep_lab_sheet(const struct teach_lab *l, const char *source, bool answers, FILE *out)
{
    size_t n = teach_lab_count(l);
    fprintf(out, answers ? _("httpstep lab, answer key: %s\n") : _("httpstep lab worksheet: %s\n"),
            source);
    fprintf(out, P_("%zu question, each asked because the capture holds its answer.\n",
                    "%zu questions, each asked because the capture holds its answer.\n", n),
            n);
    if (!answers)
        fprintf(out, "%s\n", _("Name: ____________________"));
    for (size_t i = 0; i < n; i++)
        sheet_question(teach_lab_get(l, i), i + 1, answers, true, out);
    if (answers)
        fprintf(out, "\n%s\n", _("Numbers count within the tolerance given; names ignore case; a "
                                 "choice may be given by its letter, its number or its text."));
    fflush(out);
    return !ferror(out);
}

/* a line of in, without its line break; false at the end */
static bool read_line(FILE *in, char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, in))
        return false;
    size_t n = strlen(buf);
    if (n && buf[n - 1] != '\n' && !feof(in)) {
        int c;
        while ((c = fgetc(in)) != EOF && c != '\n')  /* too long: the rest goes */
            ;
    }
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
        buf[--n] = '\0';
    return true;
}

static bool is_hint(const char *a)
{
    return strcasecmp(a, "hint") == 0 || strcasecmp(a, "h") == 0 || strcmp(a, "?") == 0 ||
           strcmp(a, "\xe6\x8f\x90\xe7\xa4\xba") == 0;  /* 提示 */
}

/* a line of the quiz, without the space a missing "why" leaves at its end */
static void verdict(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void verdict(FILE *out, const char *fmt, ...)
{
    struct tr_sbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    tr_sb_vprintf(&b, fmt, ap);   /* a teacher's why may be long: no fixed buffer */
    va_end(ap);
    size_t n = b.len;
    while (n && (b.p[n - 1] == '\n' || b.p[n - 1] == ' '))
        n--;
    fprintf(out, "%.*s\n", (int)n, b.p ? b.p : "");
    tr_sb_free(&b);
}

/* what a quiz question came to */
enum asked { ASKED_WRONG, ASKED_RIGHT, ASKED_HINTED, ASKED_SKIPPED, ASKED_EOF };

/* q asked on in until it is answered, skipped or in ends; where: the place
 * a hint names */
static enum asked ask(const struct teach_lab_q *q, const char *where, FILE *in, FILE *out)
{
    char line[1024], rule[256];
    const char *why = q->why ? q->why : "";
    choices(q, out);
    rule_line(q, out);
    teach_lab_rule(q, rule, sizeof rule);
    bool hint = false;
    for (;;) {
        fprintf(out, "> ");
        fflush(out);
        if (!read_line(in, line, sizeof line)) {
            fprintf(out, "\n");
            return ASKED_EOF;
        }
        if (is_hint(line)) {
            fprintf(out, _("Hint: look at %s.\n"), where);
            hint = true;
            continue;
        }
        if (!line[0]) {
            verdict(out, _("Skipped: the answer is %s. %s\n"), q->answer, why);
            return ASKED_SKIPPED;
        }
        enum teach_lab_verdict v = teach_lab_check(q, line);
        if (v == TEACH_LAB_UNREADABLE) {
            fprintf(out, _("Not an answer of this kind: %s. Try again.\n"), rule);
            continue;
        }
        if (v == TEACH_LAB_RIGHT) {
            verdict(out, _("Right. %s\n"), why);
            return hint ? ASKED_HINTED : ASKED_RIGHT;
        }
        verdict(out, _("Wrong: the answer is %s. %s\n"), q->answer, why);
        fprintf(out, _("It is at %s.\n"), where);
        return ASKED_WRONG;
    }
}

/* the score line: right of n, hinted of them with a hint, unasked not
 * reached before the input ended */
static void score(size_t right, size_t n, size_t hinted, size_t unasked, FILE *out)
{
    fprintf(out, "\n");
    fprintf(out, _("Score: %zu of %zu right"), right, n);
    if (hinted)
        fprintf(out, P_(" (%zu with a hint)", " (%zu with a hint)", hinted), hinted);
    if (unasked)
        fprintf(out, P_("; %zu question not answered", "; %zu questions not answered", unasked),
                unasked);
    fprintf(out, ".\n");
    fflush(out);
}

size_t rep_lab_quiz(const struct teach_lab *l, const char *source, FILE *in, FILE *out)
{
    size_t n = teach_lab_count(l), right = 0, hinted = 0, i;
    fprintf(out, P_("httpstep lab: %s, %zu question.\n", "httpstep lab: %s, %zu questions.\n", n),
            source, n);
    fprintf(out, "%s\n", _("Type each answer and Enter; \"hint\" tells where to look; an empty "
                           "line skips the question."));
    char where[256];
    enum asked a = ASKED_SKIPPED;
    for (i = 0; i < n; i++) {
        const struct teach_lab_q *q = teach_lab_get(l, i);
        fprintf(out, "\n");
        fprintf(out, _("Question %zu of %zu: %s\n"), i + 1, n, q->text);
        a = ask(q, teach_lab_where(q, where, sizeof where), in, out);
        if (a == ASKED_EOF)
            break;
        right += a == ASKED_RIGHT || a == ASKED_HINTED;
        hinted += a == ASKED_HINTED;
    }
    score(right, n, hinted, n - i, out);
    return right;
}

/* ----------------------------------------------------- teacher lessons -- */

bool rep_lesson_sheet(const struct teach_lesson *ls, bool answers, FILE *out)
{
    size_t n = teach_lesson_questions(ls), num = 0;
    fprintf(out, answers ? _("httpstep lesson, answer key: %s\n") : _("httpstep lesson: %s\n"),
            teach_ltext(&ls->title));
    fprintf(out, _("Capture: %s\n"), ls->capture);
    fprintf(out, P_("%zu question.\n", "%zu questions.\n", n), n);
    if (!answers && n)
        fprintf(out, "%s\n", _("Name: ____________________"));
    fprintf(out, "\n%s\n", teach_ltext(&ls->intro));
    char place[256];
    for (size_t i = 0; i < ls->nsteps; i++) {
        const struct teach_lesson_step *st = &ls->steps[i];
        fprintf(out, "\n");
        fprintf(out, _("Step %zu of %zu: %s\n"), i + 1, ls->nsteps,
                teach_place_text(&st->at, place, sizeof place));
        for (size_t k = 0; k < st->nsay; k++)
            fprintf(out, "   %s\n", teach_ltext(&st->say[k]));
        for (size_t k = 0; k < st->nq; k++)
            sheet_question(&st->qs[k], ++num, answers, false, out);
    }
    fflush(out);
    return !ferror(out);
}

/* the lesson on a terminal without the UI (its input or output is not a
 * terminal): the introduction, each step's place and what the teacher
 * says there, its questions asked and checked one by one as rep_lab_quiz
 * does (a hint names the step's place), the score at the end */
size_t rep_lesson_quiz(const struct teach_lesson *ls, FILE *in, FILE *out)
{
    size_t n = teach_lesson_questions(ls), num = 0, right = 0, hinted = 0;
    fprintf(out, _("httpstep lesson: %s\n"), teach_ltext(&ls->title));
    fprintf(out, _("Capture: %s\n"), ls->capture);
    fprintf(out, P_("%zu question.\n", "%zu questions.\n", n), n);
    if (n)
        fprintf(out, "%s\n", _("Type each answer and Enter; \"hint\" tells where to look; an "
                               "empty line skips the question."));
    fprintf(out, "\n%s\n", teach_ltext(&ls->intro));
    char place[256];
    enum asked a = ASKED_SKIPPED;
    for (size_t i = 0; i < ls->nsteps && a != ASKED_EOF; i++) {
        const struct teach_lesson_step *st = &ls->steps[i];
        teach_place_text(&st->at, place, sizeof place);
        fprintf(out, "\n");
        fprintf(out, _("Step %zu of %zu: %s\n"), i + 1, ls->nsteps, place);
        for (size_t k = 0; k < st->nsay; k++)
            fprintf(out, "   %s\n", teach_ltext(&st->say[k]));
        for (size_t k = 0; k < st->nq; k++) {
            fprintf(out, "\n");
            fprintf(out, _("Question %zu of %zu: %s\n"), num + 1, n, st->qs[k].text);
            a = ask(&st->qs[k], place, in, out);
            if (a == ASKED_EOF)
                break;
            num++;
            right += a == ASKED_RIGHT || a == ASKED_HINTED;
            hinted += a == ASKED_HINTED;
        }
    }
    if (n)
        score(right, n, hinted, n - num, out);
    fflush(out);
    return right;
}
