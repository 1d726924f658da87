/* lab.c - lab mode in the UI (issue 19): key L asks teach/'s questions
 * about the capture one at a time in a box over the lower panes; the
 * student types an answer and Enter checks it; Tab is the hint: it goes
 * to the stage (and the packet) that holds the answer; the score comes at
 * the end. Key w turns on "what comes next?": before each step forward
 * that teach_lab_next can ask about, a multiple-choice question about the
 * stage to come, answered with a letter, then the stage is shown.
 */
#include "view.h"

#include <stdlib.h>
#include <string.h>

#define LAB_BOX_ROWS 12          /* the box's height, at most */

enum lab_mode { LAB_OFF, LAB_QUIZ, LAB_NEXT, LAB_LESSON };

struct ui_lab {
    enum lab_mode mode;          /* the question on screen, LAB_OFF: none */
    struct teach_lab *lab;       /* the capture's questions (L), loaded once */
    size_t cur;                  /* the question asked (== count: the score) */
    size_t right, hinted, answered;
    bool hint;                   /* the hint was used on this question */
    bool judged;                 /* the answer was checked: Enter goes on */
    enum teach_lab_verdict verdict;
    char input[256];
    size_t ninput;
    char said[512];              /* what the last check said */
    /* "what comes next?" */
    bool next_on;
    struct teach_lab_q nq;       /* its question, while LAB_NEXT */
    int npart;                   /* which of the step's questions it is (0 first) */
    size_t next_right, next_asked;
    /* a teacher's lesson (T) */
    const struct teach_lesson *ls;
    size_t lstep;                /* SIZE_MAX: its introduction; nsteps: the score */
    size_t lq;                   /* the question of the step (nq: none left) */
    size_t lright, lasked;
    bool *ldone;                 /* each question of the lesson answered (the first counts) */
    enum lab_mode input_of;      /* whose answer input[], said[] and judged are */
};

static struct ui_lab *lab_of(struct app *a)
{
    if (!a->lab)
        a->lab = tr_xcalloc(1, sizeof *a->lab);
    return a->lab;
}

bool ui_lab_active(const struct app *a)
{
    return a->lab && a->lab->mode != LAB_OFF;
}

bool ui_lab_next_on(const struct app *a)
{
    return a->lab && a->lab->next_on;
}

static const struct teach_lab_q *question(const struct ui_lab *l)
{
    if (l->mode == LAB_NEXT)
        return &l->nq;
    if (l->mode == LAB_LESSON) {
        if (!l->ls || l->lstep >= l->ls->nsteps || l->lq >= l->ls->steps[l->lstep].nq)
            return NULL;
        return &l->ls->steps[l->lstep].qs[l->lq];
    }
    return l->lab ? teach_lab_get(l->lab, l->cur) : NULL;
}

static void clear_input(struct ui_lab *l)
{
    l->ninput = 0;
    l->input[0] = '\0';
    l->judged = false;
    l->hint = false;
    l->said[0] = '\0';
}

/* the answer being typed belongs to mode m: another mode's is dropped */
static void own_input(struct ui_lab *l, enum lab_mode m)
{
    if (l->input_of != m) {
        clear_input(l);
        l->input_of = m;
    }
}

/* L: the questions of this capture, read once from the file */
void ui_lab_open(struct app *a)
{
    struct ui_lab *l = lab_of(a);
    if (a->live || !a->source) {
        snprintf(a->msg, sizeof a->msg, "%s",
                 _("the lab asks about a capture file (httpstep --lab FILE, or open a file)"));
        return;
    }
    if (!l->lab) {
        const struct ui_run_opts *o = a->o;
        struct dec_pipeline_opts po = {
            .file = a->source, .filter = o->filter, .ports = o->ports, .nports = o->nports,
            .max_conns = o->max_conns, .max_ooo = o->max_ooo, .max_header = o->max_header,
            .max_headers = o->max_headers, .keylogs = o->keylogs, .nkeylogs = o->nkeylogs,
        };
        char err[TR_ERRBUF_SIZE];
        l->lab = teach_lab_new();
        if (!teach_lab_load(l->lab, &po, err)) {
            snprintf(a->msg, sizeof a->msg, "%s", err);
            teach_lab_free(l->lab);
            l->lab = NULL;
            return;
        }
        teach_lab_generate(l->lab, 0);
        l->cur = l->right = l->hinted = l->answered = 0;
        clear_input(l);
    }
    if (teach_lab_count(l->lab) == 0) {
        snprintf(a->msg, sizeof a->msg, "%s",
                 _("no lab questions: the capture holds no TCP handshake, HTTP exchange, TLS "
                   "handshake or DNS lookup to ask about"));
        return;
    }
    own_input(l, LAB_QUIZ);
    if (l->cur >= teach_lab_count(l->lab) && l->judged) {
        /* L after the score: the lab again from the first question */
        l->cur = l->right = l->hinted = l->answered = 0;
        clear_input(l);
    }
    l->mode = LAB_QUIZ;
}

/* w: "what comes next?" on or off */
void ui_lab_next_toggle(struct app *a)
{
    struct ui_lab *l = lab_of(a);
    l->next_on = !l->next_on;
    snprintf(a->msg, sizeof a->msg, "%s",
             l->next_on ? _("what comes next? on: guess each stage before it is shown (w: off)")
                        : _("what comes next? off"));
}

/* n in "what comes next?" mode: a question about the next stage, when
 * there is one (true: it is on screen; the step waits for the answer) */
bool ui_lab_before_next(struct app *a)
{
    struct ui_lab *l = a->lab;
    if (!l || !l->next_on || l->mode != LAB_OFF || a->stage < 0)
        return false;
    struct teach_lab_q q;
    if (!teach_lab_next(a->det, a->stage, &q))
        return false;
    teach_lab_q_done(&l->nq);
    l->nq = q;
    l->npart = 0;
    clear_input(l);
    l->input_of = LAB_NEXT;
    l->mode = LAB_NEXT;
    return true;
}

/* Tab: go to the stage that holds the answer (and its packet's detail) */
static void hint(struct app *a, const struct teach_lab_q *q)
{
    size_t pos = SIZE_MAX;
    for (size_t i = 0; i < a->ix.norder; i++) {
        struct ui_row *r = ui_app_row(a, i);
        if (!r || a->ix.conns[r->conn].id != q->conn)
            continue;
        if (pos == SIZE_MAX)
            pos = i;  /* the connection's first row: its handshake, its close */
        if (q->exchange >= 0 && (int64_t)r->index == q->exchange && !(r->flags & XR_BARE)) {
            pos = i;
            break;
        }
    }
    char where[256];
    teach_lab_where(q, where, sizeof where);
    if (pos == SIZE_MAX) {
        snprintf(a->msg, sizeof a->msg, _("Hint: look at %s."), where);
        return;
    }
    ui_select_row(a, pos, q->stage == DEC_STAGE_CLOSE ? -1 : (int)q->stage,
                  q->stage == DEC_STAGE_CLOSE);
    if (a->stage < 0) {
        a->want_final = !q->interim;  /* resolved once the connection is read */
    } else if (dec_stage_interim(a->det->stgs[a->stage]) != q->interim) {
        for (int k = a->stage + 1; k < ui_stage_count(a); k++) {
            const struct dec_stage *g = a->det->stgs[k];
            if (g->kind == q->stage && g->exchange == q->exchange &&
                dec_stage_interim(g) == q->interim) {
                ui_set_stage(a, k);
                break;
            }
        }
    }
    if (q->packet && q->frame) {
        a->ladder.cursor = q->frame;
        a->ladder.picked = q->frame;
    }
    snprintf(a->msg, sizeof a->msg, _("Hint: look at %s."), where);
}

static void judge(struct app *a, struct ui_lab *l)
{
    const struct teach_lab_q *q = question(l);
    char rule[256];
    enum teach_lab_verdict v = teach_lab_check(q, l->input);
    if (v == TEACH_LAB_UNREADABLE) {
        snprintf(l->said, sizeof l->said, _("Not an answer of this kind: %s. Try again."),
                 teach_lab_rule(q, rule, sizeof rule));
        return;
    }
    l->judged = true;
    l->verdict = v;
    if (l->mode == LAB_NEXT) {
        l->next_asked++;
        l->next_right += v == TEACH_LAB_RIGHT;
    } else if (l->mode == LAB_LESSON) {
        size_t k = l->lq;  /* the question's number in the whole lesson */
        for (size_t i = 0; i < l->lstep; i++)
            k += l->ls->steps[i].nq;
        if (!l->ldone[k]) {
            l->ldone[k] = true;
            l->lasked++;
            l->lright += v == TEACH_LAB_RIGHT;
        }
    } else {
        l->answered++;
        if (v == TEACH_LAB_RIGHT) {
            l->right++;
            l->hinted += l->hint;
        }
    }
    if (v == TEACH_LAB_RIGHT)
        snprintf(l->said, sizeof l->said, _("Right. %s"), q->why);
    else
        snprintf(l->said, sizeof l->said, _("Wrong: the answer is %s. %s"), q->answer, q->why);
    (void)a;
}

/* Enter after a checked answer: the next question, the score, or (what
 * comes next) the stage itself */
static void go_on(struct app *a, struct ui_lab *l)
{
    if (l->mode == LAB_NEXT) {
        teach_lab_q_done(&l->nq);
        struct teach_lab_q q;
        /* the step's next question (the first FIN told: what comes after it) */
        if (a->stage >= 0 && teach_lab_next_part(a->det, a->stage, l->npart + 1, &q)) {
            l->nq = q;
            l->npart++;
            clear_input(l);
            return;
        }
        l->mode = LAB_OFF;
        ui_next_stage(a, 1);
        return;
    }
    if (l->cur < teach_lab_count(l->lab)) {
        l->cur++;
        bool end = l->cur >= teach_lab_count(l->lab);
        clear_input(l);
        l->judged = end;  /* the score is shown; Enter closes it */
        return;
    }
    l->mode = LAB_OFF;
}

/* a key typed into the answer */
static void typing(struct app *a, struct ui_lab *l, const struct teach_lab_q *q, int ch)
{
    if (q->kind == TEACH_LAB_CHOICE) {
        /* a choice is one key, checked at once; other keys do nothing */
        if ((ch >= 'a' && ch < 'a' + (int)q->nchoices) ||
            (ch >= 'A' && ch < 'A' + (int)q->nchoices) ||
            (ch >= '1' && ch < '1' + (int)q->nchoices)) {
            l->input[0] = (char)ch;
            l->input[1] = '\0';
            l->ninput = 1;
            judge(a, l);
        }
    } else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
        /* one character back (a UTF-8 sequence whole) */
        while (l->ninput && ((unsigned char)l->input[l->ninput - 1] & 0xc0) == 0x80)
            l->ninput--;
        if (l->ninput)
            l->ninput--;
        l->input[l->ninput] = '\0';
    } else if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && l->ninput + 1 < sizeof l->input) {
        l->input[l->ninput++] = (char)ch;
        l->input[l->ninput] = '\0';
    }
}

/* ------------------------------------------------------- the lesson -- */

/* the step's place, as --goto (a frame: its packet's detail too) */
static void lesson_goto(struct app *a, struct ui_lab *l)
{
    if (l->lstep >= l->ls->nsteps)
        return;
    const struct teach_place *p = &l->ls->steps[l->lstep].at;
    if (!ui_goto(a, (size_t)p->x, p->nth ? -1 : p->kind, p->nth))
        return;
    if (p->frame) {
        a->ladder.cursor = p->frame;
        a->ladder.picked = p->frame;
    }
}

void ui_lesson_start(struct app *a, const struct teach_lesson *ls)
{
    struct ui_lab *l = lab_of(a);
    l->ls = ls;
    l->lstep = SIZE_MAX;
    l->lq = l->lright = l->lasked = 0;
    free(l->ldone);
    l->ldone = tr_xcalloc(teach_lesson_questions(ls) + 1, sizeof *l->ldone);
    clear_input(l);
    l->input_of = LAB_LESSON;
    l->mode = LAB_LESSON;
}

/* T: the lesson again where it was (at its step's place); after the
 * score, from the start */
void ui_lesson_open(struct app *a)
{
    struct ui_lab *l = a->lab;
    if (!l || !l->ls) {
        snprintf(a->msg, sizeof a->msg, "%s",
                 _("no lesson: httpstep --lesson FILE, or open a sample from the list"));
        return;
    }
    if (l->mode == LAB_NEXT)
        teach_lab_q_done(&l->nq);
    if (l->lstep == l->ls->nsteps)
        ui_lesson_start(a, l->ls);
    own_input(l, LAB_LESSON);
    l->mode = LAB_LESSON;
    lesson_goto(a, l);
}

/* Enter with nothing to check: the next question, step, or the score */
static void lesson_on(struct app *a, struct ui_lab *l)
{
    size_t n = l->ls->nsteps;
    if (l->lstep == n) {
        l->mode = LAB_OFF;
        return;
    }
    if (l->lstep != SIZE_MAX && l->lq < l->ls->steps[l->lstep].nq) {
        l->lq++;
        clear_input(l);
        if (l->lq < l->ls->steps[l->lstep].nq)
            return;
    }
    l->lstep = l->lstep == SIZE_MAX ? 0 : l->lstep + 1;
    l->lq = 0;
    clear_input(l);
    lesson_goto(a, l);
}

static int lesson_key(struct app *a, struct ui_lab *l, int ch)
{
    const struct teach_lab_q *q = question(l);
    if (ch == 27) {
        l->mode = LAB_OFF;
        return UI_HANDLED | UI_REDRAW;
    }
    if (ch == '\t') {
        lesson_goto(a, l);
        return UI_HANDLED | UI_REDRAW;
    }
    if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
        if (q && !l->judged) {
            if (l->ninput)
                judge(a, l);
        } else {
            lesson_on(a, l);
        }
        return UI_HANDLED | UI_REDRAW;
    }
    if (!q || l->judged)
        return 0;  /* nothing to type into: the screen's own keys (q quits) */
    typing(a, l, q, ch);
    return UI_HANDLED | UI_REDRAW;
}

/* every key while a question is on screen */
int ui_lab_key(struct app *a, int ch)
{
    struct ui_lab *l = a->lab;
    if (l->mode == LAB_LESSON)
        return lesson_key(a, l, ch);
    const struct teach_lab_q *q = question(l);
    bool score = l->mode == LAB_QUIZ && !q;
    if (ch == 27) {  /* Escape: the box goes; L brings the same question back */
        if (l->mode == LAB_NEXT) {
            teach_lab_q_done(&l->nq);
            clear_input(l);
        }
        l->mode = LAB_OFF;
        return UI_HANDLED | UI_REDRAW;
    }
    if (ch == '\t' && q && l->mode == LAB_QUIZ) {  /* (what comes next: it would show it) */
        l->hint = true;
        hint(a, q);
        return UI_HANDLED | UI_REDRAW;
    }
    if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
        if (score || l->judged)
            go_on(a, l);
        else if (l->ninput)
            judge(a, l);
        return UI_HANDLED | UI_REDRAW;
    }
    if (score || l->judged) {
        if (l->mode == LAB_NEXT && ui_key_action(ch) == UA_NEXT_STAGE)
            go_on(a, l);
        return UI_HANDLED | UI_REDRAW;
    }
    typing(a, l, q, ch);
    return UI_HANDLED | UI_REDRAW;
}

/* a wrapped text in the box from row *y; returns false when the box is full */
static bool text(struct app *a, const struct rect *r, int *y, const char *s, enum ui_color c)
{
    if (*y >= r->y + r->h - 1)
        return false;
    int used = ui_put_wrapped(stdscr, *y, r->x + 2, r->w - 4, r->y + r->h - 1 - *y, s,
                              ui_app_attr(a, c));
    *y += used > 0 ? used : 1;
    return true;
}

/* a question, its choices, its rule, the answer typed and what the check said */
static void draw_question(struct app *a, const struct ui_lab *l, const struct teach_lab_q *q,
                          const struct rect *r, int *y)
{
    char rule[256], line[600];
    text(a, r, y, q->text, UI_COLOR_NORMAL);
    for (size_t i = 0; i < q->nchoices; i++) {
        snprintf(line, sizeof line, "%c) %s", (int)('a' + i), q->choices[i]);
        text(a, r, y, line, l->judged && i == q->right ? UI_COLOR_OK : UI_COLOR_CLIENT);
    }
    text(a, r, y, teach_lab_rule(q, rule, sizeof rule), UI_COLOR_DIM);
    snprintf(line, sizeof line, "> %s%s", l->input, l->judged ? "" : "_");
    text(a, r, y, line, UI_COLOR_HIGHLIGHT);
    if (l->said[0])
        text(a, r, y, l->said,
             !l->judged ? UI_COLOR_NOTE
                        : l->verdict == TEACH_LAB_RIGHT ? UI_COLOR_OK : UI_COLOR_SERVER_ERR);
    if (l->judged)
        text(a, r, y,
             l->mode == LAB_NEXT     ? _("Enter or n: show the stage")
             : l->mode == LAB_LESSON ? _("Enter: go on")
                                     : _("Enter: the next question"),
             UI_COLOR_DIM);
}

/* the lesson's box: its step's text and question, its introduction, its score */
static void lesson_draw(struct app *a, const struct ui_lab *l, const struct rect *r)
{
    const struct teach_lesson *ls = l->ls;
    char title[400], line[600], place[256];
    if (l->lstep == SIZE_MAX)
        snprintf(title, sizeof title, _("Lesson: %s (Enter: the first step, Esc: look around, T: back)"),
                 teach_ltext(&ls->title));
    else if (l->lstep < ls->nsteps)
        snprintf(title, sizeof title, _("Lesson: step %zu of %zu, %s (Enter: on, Tab: its place, "
                                        "Esc: look around, T: back)"),
                 l->lstep + 1, ls->nsteps,
                 teach_place_text(&ls->steps[l->lstep].at, place, sizeof place));
    else
        snprintf(title, sizeof title, "%s", _("Lesson: the score"));
    ui_app_pane_title(a, r, PANE_COUNT, title);
    int y = r->y + 1;
    if (l->lstep == SIZE_MAX) {
        text(a, r, &y, teach_ltext(&ls->title), UI_COLOR_OK);
        text(a, r, &y, teach_ltext(&ls->intro), UI_COLOR_NORMAL);
        text(a, r, &y, _("Enter: the first step"), UI_COLOR_DIM);
        return;
    }
    if (l->lstep >= ls->nsteps) {
        snprintf(line, sizeof line, _("Score: %zu of %zu right"), l->lright,
                 teach_lesson_questions(ls));
        text(a, r, &y, line, UI_COLOR_OK);
        text(a, r, &y, _("Enter closes the lesson; T starts it again."), UI_COLOR_DIM);
        return;
    }
    const struct teach_lesson_step *st = &ls->steps[l->lstep];
    for (size_t k = 0; k < st->nsay; k++)
        text(a, r, &y, teach_ltext(&st->say[k]), UI_COLOR_NORMAL);
    const struct teach_lab_q *q = question(l);
    if (q) {
        snprintf(line, sizeof line, _("Question %zu of %zu:"), l->lq + 1, st->nq);
        text(a, r, &y, line, UI_COLOR_DIM);
        draw_question(a, l, q, r, &y);
    } else {
        text(a, r, &y, l->lstep + 1 < ls->nsteps ? _("Enter: the next step") : _("Enter: the score"),
             UI_COLOR_DIM);
    }
}

/* the box over the lower part of the screen */
void ui_lab_draw(struct app *a)
{
    struct ui_lab *l = a->lab;
    if (!l || l->mode == LAB_OFF)
        return;
    int want = l->mode == LAB_LESSON && LINES / 2 > LAB_BOX_ROWS ? LINES / 2 : LAB_BOX_ROWS;
    int h = LINES - 4 < want ? LINES - 4 : want;
    struct rect r = {LINES - 2 - h, 0, h, COLS};
    ui_app_clear(&r);
    int fa = ui_app_attr(a, UI_COLOR_DIM);
    if (l->mode == LAB_LESSON) {
        lesson_draw(a, l, &r);
        ui_fill(stdscr, r.y + r.h - 1, 0, COLS, a->scr.g.hline, fa);
        return;
    }
    const struct teach_lab_q *q = question(l);
    char title[160], line[600];
    size_t n = l->lab ? teach_lab_count(l->lab) : 0;
    if (l->mode == LAB_NEXT)
        snprintf(title, sizeof title, _("What comes next? (%zu of %zu right so far; Esc: not now)"),
                 l->next_right, l->next_asked);
    else if (q)
        snprintf(title, sizeof title, _("Lab: question %zu of %zu (Tab: hint, Esc: look around, L: back)"),
                 l->cur + 1, n);
    else
        snprintf(title, sizeof title, "%s", _("Lab: the score"));
    ui_app_pane_title(a, &r, PANE_COUNT, title);
    int y = r.y + 1;
    if (!q) {
        snprintf(line, sizeof line, _("Score: %zu of %zu right"), l->right, n);
        text(a, &r, &y, line, UI_COLOR_OK);
        if (l->hinted) {
            snprintf(line, sizeof line, P_("%zu of them with a hint", "%zu of them with a hint",
                                           l->hinted),
                     l->hinted);
            text(a, &r, &y, line, UI_COLOR_NORMAL);
        }
        text(a, &r, &y, _("Enter closes the lab; L starts it again."), UI_COLOR_DIM);
    } else {
        draw_question(a, l, q, &r, &y);
    }
    ui_fill(stdscr, r.y + r.h - 1, 0, COLS, a->scr.g.hline, fa);
}

void ui_lab_free(struct app *a)
{
    if (!a->lab)
        return;
    teach_lab_q_done(&a->lab->nq);
    teach_lab_free(a->lab->lab);
    free(a->lab->ldone);
    free(a->lab);
    a->lab = NULL;
}
