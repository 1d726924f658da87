/* lab.c - lab mode (issue 19) on paper and on a terminal: the questions
 * teach/lab.c made of a capture as a worksheet (--lab --text), its key
 * with the answers and where they are (--lab --answers), and the quiz
 * (--lab): a question at a time, each answer read as a line and checked,
 * a hint on request, the score at the end
 */
#include "report_int.h"
#include "../teach/teach.h"

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

size_t rep_lab_quiz(const struct teach_lab *l, const char *source, FILE *in, FILE *out)
{
    size_t n = teach_lab_count(l), right = 0, hinted = 0;
    fprintf(out, P_("httpstep lab: %s, %zu question.\n", "httpstep lab: %s, %zu questions.\n", n),
            source, n);
    fprintf(out, "%s\n", _("Type each answer and Enter; \"hint\" tells where to look; an empty "
                           "line skips the question."));
    char line[1024], rule[256], where[256];
    bool eof = false;
    size_t i;
    for (i = 0; i < n && !eof; i++) {
        const struct teach_lab_q *q = teach_lab_get(l, i);
        fprintf(out, "\n");
        fprintf(out, _("Question %zu of %zu: %s\n"), i + 1, n, q->text);
        choices(q, out);
        rule_line(q, out);
        teach_lab_rule(q, rule, sizeof rule);
        bool hint = false;
        for (;;) {
            fprintf(out, "> ");
            fflush(out);
            if (!read_line(in, line, sizeof line)) {
                eof = true;
                fprintf(out, "\n");
                break;
            }
            if (is_hint(line)) {
                fprintf(out, _("Hint: look at %s.\n"), teach_lab_where(q, where, sizeof where));
                hint = true;
                continue;
            }
            if (!line[0]) {
                fprintf(out, _("Skipped: the answer is %s. %s\n"), q->answer, q->why);
                break;
            }
            enum teach_lab_verdict v = teach_lab_check(q, line);
            if (v == TEACH_LAB_UNREADABLE) {
                fprintf(out, _("Not an answer of this kind: %s. Try again.\n"), rule);
                continue;
            }
            if (v == TEACH_LAB_RIGHT) {
                right++;
                hinted += hint;
                fprintf(out, _("Right. %s\n"), q->why);
            } else {
                fprintf(out, _("Wrong: the answer is %s. %s\n"), q->answer, q->why);
                fprintf(out, _("It is at %s.\n"), teach_lab_where(q, where, sizeof where));
            }
            break;
        }
    }
    fprintf(out, "\n");
    fprintf(out, _("Score: %zu of %zu right"), right, n);
    if (hinted)
        fprintf(out, P_(" (%zu with a hint)", " (%zu with a hint)", hinted), hinted);
    if (eof && i <= n)
        fprintf(out, P_("; %zu question not answered", "; %zu questions not answered",
                        n - (i ? i - 1 : 0)),
                n - (i ? i - 1 : 0));
    fprintf(out, ".\n");
    fflush(out);
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
