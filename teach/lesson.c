/* lesson.c - teacher lessons (issue 19): the lesson format's parser, its
 * questions made as lab questions (struct teach_lab_q, checked by
 * lab_check.c); lesson_bind.c checks the places against the capture
 *
 * The format (httpstep(1), LESSONS) is line-oriented: a directive, a space,
 * its argument. '#' begins a comment line; a line that begins with a space
 * or a tab continues the text above it. Every English text is followed by
 * its Chinese on a `zh` line. Every mistake is one line "FILE:LINE: what".
 */
#include "lab_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define LESSON_MAGIC "httpstep-lesson"
#define LESSON_VERSION 1

/* ------------------------------------------------------------- texts -- */

const char *teach_ltext(const struct teach_ltext *t)
{
    if (!t->en)
        return "";
    return teach_lang_zh() && t->zh && t->zh[0] ? t->zh : t->en;
}

static void ltext_done(struct teach_ltext *t)
{
    free(t->en);
    free(t->zh);
    t->en = t->zh = NULL;
}

/* the units a number's answer may carry: a time (the learner may answer
 * in any of s, ms, us: the lab's durations) or a count's word (the learner
 * may write it after the number, in either language) */
static const struct {
    const char *name;
    double us;                   /* a time: its microseconds; 0 a count */
    const char *word;            /* a count: its word, translated */
} units[] = {
    {"s", 1e6, NULL},
    {"ms", 1e3, NULL},
    {"us", 1, NULL},
    {"bytes", 0, N_("bytes")},
    {"frames", 0, N_("frames")},
    {"segments", 0, N_("segments")},
    {"packets", 0, N_("packets")},
    {"seconds", 1e6, NULL},
};

/* ------------------------------------------------------------ parsing -- */

/* what a text directive fills, waiting for its zh line */
enum pend { P_NONE, P_TITLE, P_INTRO, P_SAY, P_ASK, P_CHOICE, P_WHY };

/* a question while it is read: both languages, made into a lab question
 * once complete */
struct pq {
    struct teach_ltext ask, why;
    struct teach_ltext choice[TEACH_LAB_MAX_CHOICES];
    size_t nchoices;
    int kind;                    /* -1: no answer yet, else enum teach_lab_kind */
    double value, tol;
    char value_text[32];         /* the value as written, for the key */
    int unit;                    /* index into units[], -1 none */
    char *accept[TEACH_LAB_MAX_ACCEPT];
    size_t naccept;
    int right;                   /* CHOICE: the right choice, -1 none */
    unsigned line, answer_line;
};

struct parser {
    const char *name, *dir;
    char *err;
    size_t errcap;
    unsigned line;
    struct teach_lesson *ls;
    bool header;                 /* the httpstep-lesson line was read */
    struct teach_ltext *text;    /* the text a continuation or zh line adds to */
    enum pend pend;              /* the text waiting for its zh line */
    const char *pend_name;
    bool zh_done;                /* text's zh was given: continuations go to it */
    struct pq q;
    bool in_q;
};

__attribute__((format(printf, 3, 4))) static bool fail(struct parser *p, unsigned line,
                                                      const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(p->err, p->errcap, "%s:%u: %s", p->name, line, msg);
    return false;
}

/* text as it may be shown: valid UTF-8, no control character (a tab is a space) */
static bool text_ok(struct parser *p, char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\t') {
            s[i++] = ' ';
            continue;
        }
        if (c < 0x20 || c == 0x7f)
            return fail(p, p->line, "control character 0x%02x in the text", c);
        size_t k = c < 0x80 ? 1 : dec_utf8_len((const unsigned char *)s + i, n - i);
        if (k == 0)
            return fail(p, p->line, "the text is not UTF-8 (byte 0x%02x)", c);
        i += k;
    }
    return true;
}

static char *append(char *old, const char *more)
{
    if (!old)
        return tr_xstrdup(more);
    /* no space between two Chinese characters (a space between words) */
    size_t a = strlen(old), b = strlen(more);
    size_t sp = a && ((unsigned char)old[a - 1] >= 0x80 && (unsigned char)more[0] >= 0x80) ? 0 : 1;
    char *s = tr_xrealloc(old, a + b + 2);
    s[a] = ' ';
    memcpy(s + a + sp, more, b + 1);
    return s;
}

/* the text directive before this line still waits for its zh */
static bool need_zh(struct parser *p)
{
    if (p->pend != P_NONE && !p->zh_done)
        return fail(p, p->text->line, "'%s' has no 'zh' line after it (every text is given in "
                                      "English, then in Chinese)",
                    p->pend_name);
    return true;
}

/* a new text directive: t gets the English; its zh comes next */
static bool start_text(struct parser *p, struct teach_ltext *t, enum pend what, const char *name,
                       char *arg)
{
    if (!*arg)
        return fail(p, p->line, "'%s' needs a text", name);
    if (!text_ok(p, arg))
        return false;
    t->en = tr_xstrdup(arg);
    t->line = p->line;
    p->text = t;
    p->pend = what;
    p->pend_name = name;
    p->zh_done = false;
    return true;
}

static void pq_done(struct pq *q)
{
    ltext_done(&q->ask);
    ltext_done(&q->why);
    for (size_t i = 0; i < q->nchoices; i++)
        ltext_done(&q->choice[i]);
    for (size_t i = 0; i < q->naccept; i++)
        free(q->accept[i]);
    memset(q, 0, sizeof *q);
}

static struct teach_lesson_step *cur_step(struct parser *p)
{
    return p->ls->nsteps ? &p->ls->steps[p->ls->nsteps - 1] : NULL;
}

/* the question read so far becomes a lab question of the step */
static bool finish_q(struct parser *p)
{
    if (!p->in_q)
        return true;
    struct pq *q = &p->q;
    if (!need_zh(p))
        return false;
    p->in_q = false;
    p->pend = P_NONE;
    if (q->kind < 0)
        return fail(p, q->line, "the question has no answer (answer number|text|choice ...)");
    if (q->nchoices && q->kind != TEACH_LAB_CHOICE)
        return fail(p, q->answer_line, "the question has choices: its answer is 'answer choice "
                                       "TEXT'");
    if (q->kind == TEACH_LAB_CHOICE && q->nchoices < 2)
        return fail(p, q->answer_line, "a multiple choice needs 2 to %d 'choice' lines before its "
                                       "answer",
                    TEACH_LAB_MAX_CHOICES);
    struct teach_lesson_step *st = cur_step(p);
    st->qs = tr_xreallocarray(st->qs, st->nq + 1, sizeof *st->qs);
    struct teach_lab_q *lq = &st->qs[st->nq];
    st->nq++;
    memset(lq, 0, sizeof *lq);
    lq->id = "lesson";
    lq->kind = (enum teach_lab_kind)q->kind;
    lq->exchange = -1;
    lq->stage = st->at.kind >= 0 ? (enum dec_stage_kind)st->at.kind : DEC_STAGE_HANDSHAKE;
    lq->frame = st->at.frame;
    lq->text = tr_xstrdup(teach_ltext(&q->ask));
    lq->why = tr_xstrdup(teach_ltext(&q->why));
    switch (lq->kind) {
    case TEACH_LAB_NUMBER: {
        lq->value = q->value;
        lq->tol = q->tol;
        const char *v = q->value_text;
        if (q->unit >= 0 && units[q->unit].us > 0) {
            lq->usec = true;
            lq->bare_us = units[q->unit].us;
            lq->value = q->value * units[q->unit].us;
            lq->tol = q->tol * units[q->unit].us;
            lq->answer = teach_lab_printf("%s %s", v, units[q->unit].name);
        } else if (q->unit >= 0) {
            lq->unit = units[q->unit].word;
            lq->answer = teach_lab_printf("%s %s", v, _(units[q->unit].word));
        } else {
            lq->answer = tr_xstrdup(v);
        }
        break;
    }
    case TEACH_LAB_NAME:
        for (size_t i = 0; i < q->naccept; i++) {
            lq->accept[i] = q->accept[i];
            q->accept[i] = NULL;
        }
        lq->naccept = q->naccept;
        lq->answer = tr_xstrdup(lq->accept[0]);
        break;
    case TEACH_LAB_CHOICE:
        for (size_t i = 0; i < q->nchoices; i++)
            lq->choices[i] = tr_xstrdup(teach_ltext(&q->choice[i]));
        lq->nchoices = q->nchoices;
        lq->right = (size_t)q->right;
        lq->answer = tr_xstrdup(lq->choices[lq->right]);
        break;
    default:
        break;
    }
    pq_done(q);
    return true;
}

/* step X[,STAGE] or step frame N */
static bool parse_place(struct parser *p, char *arg, struct teach_place *at)
{
    at->kind = -1;
    at->stage = -1;
    if (strncmp(arg, "frame", 5) == 0 && (arg[5] == ' ' || arg[5] == '\t' || !arg[5])) {
        char *s = arg + 5;
        s += strspn(s, " \t");
        char *end;
        errno = 0;
        unsigned long long f = strtoull(s, &end, 10);
        if (!*s || *end || errno || s[0] == '-' || s[0] == '+' || f == 0 || f > UINT32_MAX)
            return fail(p, p->line, "'step frame N' needs a frame number from 1, not '%s'", s);
        at->frame = f;
        return true;
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(arg, &end, 10);
    if (end == arg || errno || arg[0] == '-' || arg[0] == '+' || x > UINT32_MAX ||
        (*end && *end != ','))
        return fail(p, p->line, "a step goes to EXCHANGE[,STAGE] (as --goto) or 'frame N', not "
                                "'%s'",
                    arg);
    if (x == 0)
        return fail(p, p->line, "exchanges are numbered from 1, not 0");
    at->x = x;
    if (*end != ',')
        return true;
    const char *st = end + 1;
    if (!*st)
        return fail(p, p->line, "no stage after '%s'", arg);
    if (st[0] >= '0' && st[0] <= '9') {
        unsigned long n = strtoul(st, &end, 10);
        if (*end || n == 0 || n > 1000)
            return fail(p, p->line, "stage '%s': a stage name or a number from 1", st);
        at->nth = (unsigned)n;
        return true;
    }
    enum dec_stage_kind k = dec_stage_by_name(st);
    if (k == DEC_STAGE_COUNT)
        return fail(p, p->line, "unknown stage '%s' (a name as in --goto and the transcript: "
                                "handshake, request_line, status_line, response_body, close...)",
                    st);
    at->kind = (int)k;
    return true;
}

/* answer number V [UNIT] [tol T] | answer text WORD | answer choice TEXT */
static bool parse_answer(struct parser *p, char *arg)
{
    struct pq *q = &p->q;
    char *kind = arg;
    size_t kl = strcspn(arg, " \t");
    char *rest = arg + kl;
    if (*rest)
        *rest++ = '\0';
    rest += strspn(rest, " \t");
    int k = strcmp(kind, "number") == 0 ? TEACH_LAB_NUMBER
            : strcmp(kind, "text") == 0 ? TEACH_LAB_NAME
            : strcmp(kind, "choice") == 0 ? TEACH_LAB_CHOICE : -1;
    if (k < 0)
        return fail(p, p->line, "unknown kind of answer '%s' (number, text or choice)", kind);
    if (q->kind >= 0 && q->kind != k)
        return fail(p, p->line, "one kind of answer per question: 'answer %s' after 'answer %s'",
                    kind, q->kind == TEACH_LAB_NUMBER ? "number"
                          : q->kind == TEACH_LAB_NAME ? "text" : "choice");
    if (!*rest)
        return fail(p, p->line, "'answer %s' needs %s", kind,
                    k == TEACH_LAB_NUMBER ? "a number" : k == TEACH_LAB_NAME ? "a text"
                                                                             : "a choice's text");
    if (k != TEACH_LAB_NAME && q->kind >= 0)
        return fail(p, p->line, "the question has an answer already (line %u)", q->answer_line);
    if (q->kind < 0)
        q->answer_line = p->line;
    q->kind = k;
    if (k == TEACH_LAB_NAME) {
        if (q->naccept == TEACH_LAB_MAX_ACCEPT)
            return fail(p, p->line, "at most %d 'answer text' lines per question",
                        TEACH_LAB_MAX_ACCEPT);
        if (!text_ok(p, rest))
            return false;
        if (strlen(rest) > 200)
            return fail(p, p->line, "an answer text is at most 200 bytes");
        /* as a typed answer is read: without a final period or colon */
        size_t n = strlen(rest);
        while (n && (rest[n - 1] == '.' || rest[n - 1] == ':' || rest[n - 1] == ' '))
            rest[--n] = '\0';
        if (!n)
            return fail(p, p->line, "'answer text' needs a text");
        q->accept[q->naccept++] = tr_xstrdup(rest);
        return true;
    }
    if (k == TEACH_LAB_CHOICE) {
        if (!q->nchoices)
            return fail(p, p->line, "'answer choice' without 'choice' lines before it");
        for (size_t i = 0; i < q->nchoices; i++)
            if (strcasecmp(q->choice[i].en, rest) == 0) {
                q->right = (int)i;
                return true;
            }
        return fail(p, p->line, "the answer '%s' is not among the question's choices (give a "
                                "choice's English text)",
                    rest);
    }
    /* number V [UNIT] [tol T] */
    char *tok[5];
    size_t nt = 0;
    for (char *s = strtok(rest, " \t"); s; s = strtok(NULL, " \t")) {
        if (nt == 4)
            return fail(p, p->line, "'answer number' takes VALUE [UNIT] [tol TOLERANCE]");
        tok[nt++] = s;
    }
    if (!teach_lab_decimal(tok[0], &q->value))
        return fail(p, p->line, "'%s' is not a number (digits, one optional point)", tok[0]);
    snprintf(q->value_text, sizeof q->value_text, "%s", tok[0]);
    size_t i = 1;
    q->unit = -1;
    if (i < nt && strcmp(tok[i], "tol") != 0) {
        for (size_t u = 0; u < sizeof units / sizeof units[0]; u++)
            if (strcmp(tok[i], units[u].name) == 0)
                q->unit = (int)u;
        if (q->unit < 0)
            return fail(p, p->line, "unknown unit '%s' (s, ms, us, bytes, frames, segments, "
                                    "packets)",
                        tok[i]);
        i++;
    }
    if (i < nt) {
        if (strcmp(tok[i], "tol") != 0 || i + 2 != nt)
            return fail(p, p->line, "'answer number' takes VALUE [UNIT] [tol TOLERANCE]");
        if (!teach_lab_decimal(tok[i + 1], &q->tol))
            return fail(p, p->line, "tolerance '%s' is not a number", tok[i + 1]);
    }
    return true;
}

static bool need_step(struct parser *p, const char *d)
{
    if (!cur_step(p))
        return fail(p, p->line, "'%s' before the first 'step'", d);
    return true;
}

static bool need_q(struct parser *p, const char *d)
{
    if (!p->in_q)
        return fail(p, p->line, "'%s' outside a question (after 'ask')", d);
    return true;
}

/* dir/arg, the capture's path as the title bar shows it: each leading "../"
 * of arg takes back one name of dir ("samples/lessons" and "../x.pcap" give
 * "samples/x.pcap"), kept only when both paths name the same file (through a
 * symbolic link they may not) */
static char *capture_join(const char *dir, const char *arg)
{
    char *full = teach_lab_printf("%s/%s", dir, arg);
    const char *a = arg;
    size_t end = strlen(dir), pre = end + 1;
    while (end && strncmp(a, "../", 3) == 0) {
        size_t k = end;
        while (k && dir[k - 1] != '/')
            k--;
        size_t n = end - k;
        if (n == 0 || (n == 1 && dir[k] == '.') || (n == 2 && dir[k] == '.' && dir[k + 1] == '.'))
            break;
        a += 3;
        pre = k;   /* the prefix, its '/' included */
        end = k ? k - 1 : 0;
    }
    if (a == arg)
        return full;
    char *tidy = teach_lab_printf("%.*s%s", (int)pre, dir, a);
    struct stat s1, s2;
    if (stat(full, &s1) == 0 && stat(tidy, &s2) == 0 && s1.st_dev == s2.st_dev &&
        s1.st_ino == s2.st_ino) {
        free(full);
        return tidy;
    }
    free(tidy);
    return full;
}

static bool directive(struct parser *p, const char *d, char *arg)
{
    struct teach_lesson *ls = p->ls;
    if (strcmp(d, "zh") == 0) {
        if (p->pend == P_NONE)
            return fail(p, p->line, "'zh' follows no English text");
        if (p->zh_done)
            return fail(p, p->line, "a second 'zh' for the '%s' of line %u", p->pend_name,
                        p->text->line);
        if (!*arg)
            return fail(p, p->line, "'zh' needs a text");
        if (!text_ok(p, arg))
            return false;
        p->text->zh = tr_xstrdup(arg);
        p->zh_done = true;
        return true;
    }
    if (!need_zh(p))
        return false;
    p->pend = P_NONE;
    if (!p->header) {
        if (strcmp(d, LESSON_MAGIC) != 0)
            return fail(p, p->line, "a lesson begins with the line '" LESSON_MAGIC " %d'",
                        LESSON_VERSION);
        if (strcmp(arg, "1") != 0)
            return fail(p, p->line, "lesson format '%s' is not known (this httpstep reads "
                                    "version %d)",
                        arg, LESSON_VERSION);
        p->header = true;
        return true;
    }
    bool head = strcmp(d, "capture") == 0 || strcmp(d, "title") == 0 || strcmp(d, "intro") == 0;
    if (head && ls->nsteps)
        return fail(p, p->line, "'%s' belongs before the first 'step'", d);
    if (strcmp(d, "capture") == 0) {
        if (ls->capture)
            return fail(p, p->line, "a second 'capture' (the first is on line %u)",
                        ls->capture_line);
        if (!*arg)
            return fail(p, p->line, "'capture' needs a file name");
        if (!text_ok(p, arg))
            return false;
        ls->capture = tr_xstrdup(arg);
        ls->capture_line = p->line;
        ls->capture_path = arg[0] == '/' || !p->dir || !p->dir[0]
                               ? tr_xstrdup(arg)
                               : capture_join(p->dir, arg);
        return true;
    }
    if (strcmp(d, "title") == 0 || strcmp(d, "intro") == 0) {
        struct teach_ltext *t = d[0] == 't' ? &ls->title : &ls->intro;
        if (t->en)
            return fail(p, p->line, "a second '%s' (the first is on line %u)", d, t->line);
        return start_text(p, t, d[0] == 't' ? P_TITLE : P_INTRO, d[0] == 't' ? "title" : "intro",
                          arg);
    }
    if (strcmp(d, "step") == 0) {
        if (!finish_q(p))
            return false;
        if (!ls->capture)
            return fail(p, p->line, "'step' before 'capture' (the capture the lesson is about)");
        if (ls->nsteps == TEACH_LESSON_MAX_STEPS)
            return fail(p, p->line, "more than %d steps", TEACH_LESSON_MAX_STEPS);
        struct teach_place at = {0};
        if (!parse_place(p, arg, &at))
            return false;
        tr_xgrow(&ls->steps, &ls->csteps, ls->nsteps + 1, sizeof *ls->steps);
        struct teach_lesson_step *st = &ls->steps[ls->nsteps++];
        memset(st, 0, sizeof *st);
        st->line = p->line;
        st->at = at;
        return true;
    }
    if (strcmp(d, "say") == 0) {
        if (!finish_q(p) || !need_step(p, d))
            return false;
        struct teach_lesson_step *st = cur_step(p);
        if (st->nsay == TEACH_LESSON_MAX_SAY)
            return fail(p, p->line, "more than %d 'say' in one step", TEACH_LESSON_MAX_SAY);
        st->say = tr_xreallocarray(st->say, st->nsay + 1, sizeof *st->say);
        struct teach_ltext *t = &st->say[st->nsay++];
        memset(t, 0, sizeof *t);
        return start_text(p, t, P_SAY, "say", arg);
    }
    if (strcmp(d, "ask") == 0) {
        if (!finish_q(p) || !need_step(p, d))
            return false;
        if (cur_step(p)->nq == TEACH_LESSON_MAX_ASK)
            return fail(p, p->line, "more than %d questions in one step", TEACH_LESSON_MAX_ASK);
        memset(&p->q, 0, sizeof p->q);
        p->q.kind = -1;
        p->q.right = -1;
        p->q.unit = -1;
        p->q.line = p->line;
        p->in_q = true;
        return start_text(p, &p->q.ask, P_ASK, "ask", arg);
    }
    if (strcmp(d, "choice") == 0) {
        if (!need_q(p, d))
            return false;
        if (p->q.kind >= 0)
            return fail(p, p->line, "'choice' after the question's answer (choices come first)");
        if (p->q.nchoices == TEACH_LAB_MAX_CHOICES)
            return fail(p, p->line, "at most %d choices", TEACH_LAB_MAX_CHOICES);
        struct teach_ltext *t = &p->q.choice[p->q.nchoices];
        if (!start_text(p, t, P_CHOICE, "choice", arg))
            return false;
        p->q.nchoices++;
        return true;
    }
    if (strcmp(d, "answer") == 0)
        return need_q(p, d) && parse_answer(p, arg);
    if (strcmp(d, "why") == 0) {
        if (!need_q(p, d))
            return false;
        if (p->q.why.en)
            return fail(p, p->line, "a second 'why' for the question");
        return start_text(p, &p->q.why, P_WHY, "why", arg);
    }
    return fail(p, p->line, "unknown directive '%s' (capture, title, intro, step, say, ask, "
                            "choice, answer, why, zh)",
                d);
}

/* a line without its end: a comment, a continuation or a directive */
static bool line_in(struct parser *p, char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    char *t = s + strspn(s, " \t");
    if (!*t || *t == '#')
        return true;
    if (t != s) {  /* a continuation of the text above */
        if (p->pend == P_NONE)
            return fail(p, p->line, "a line that begins with a space continues a text, and "
                                    "there is none above it");
        if (!text_ok(p, t))
            return false;
        char **dst = p->zh_done ? &p->text->zh : &p->text->en;
        if (strlen(*dst) + strlen(t) > 16 * TEACH_LESSON_MAX_LINE)
            return fail(p, p->line, "a text longer than %d bytes", 16 * TEACH_LESSON_MAX_LINE);
        *dst = append(*dst, t);
        return true;
    }
    size_t dl = strcspn(s, " \t");
    char *arg = s + dl;
    if (*arg)
        *arg++ = '\0';
    arg += strspn(arg, " \t");
    return directive(p, s, arg);
}

static bool finish(struct parser *p)
{
    struct teach_lesson *ls = p->ls;
    unsigned last = p->line ? p->line : 1;
    if (!need_zh(p) || !finish_q(p))
        return false;
    if (!p->header)
        return fail(p, last, "a lesson begins with the line '" LESSON_MAGIC " %d'",
                    LESSON_VERSION);
    if (!ls->capture)
        return fail(p, last, "no 'capture': the capture file the lesson is about");
    if (!ls->title.en)
        return fail(p, last, "no 'title'");
    if (!ls->intro.en)
        return fail(p, last, "no 'intro'");
    if (!ls->nsteps)
        return fail(p, last, "no 'step': a lesson goes to at least one place");
    return true;
}

struct teach_lesson *teach_lesson_parse(const char *text, size_t len, const char *name,
                                        const char *dir, char *errbuf, size_t cap)
{
    struct parser p = {.name = name ? name : "lesson", .dir = dir, .err = errbuf, .errcap = cap};
    p.ls = tr_xcalloc(1, sizeof *p.ls);
    p.ls->name = tr_xstrdup(p.name);
    p.ls->title.line = p.ls->intro.line = 0;
    char line[TEACH_LESSON_MAX_LINE + 1];
    bool ok = true;
    size_t i = 0;
    if (len > TEACH_LESSON_MAX_BYTES)
        ok = fail(&p, 1, "the lesson is larger than %u bytes", TEACH_LESSON_MAX_BYTES);
    while (ok && i < len) {
        p.line++;
        const char *nl = memchr(text + i, '\n', len - i);
        size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
        if (n > TEACH_LESSON_MAX_LINE) {
            ok = fail(&p, p.line, "a line longer than %d bytes", TEACH_LESSON_MAX_LINE);
            break;
        }
        if (memchr(text + i, '\0', n)) {
            ok = fail(&p, p.line, "a NUL byte: a lesson is text");
            break;
        }
        memcpy(line, text + i, n);
        line[n] = '\0';
        i += n + (nl != NULL);
        ok = line_in(&p, line);
    }
    if (ok)
        ok = finish(&p);
    pq_done(&p.q);
    if (!ok) {
        teach_lesson_free(p.ls);
        return NULL;
    }
    return p.ls;
}

struct teach_lesson *teach_lesson_read(const char *path, char *errbuf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(errbuf, cap, "%s: cannot read: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = tr_xmalloc(TEACH_LESSON_MAX_BYTES + 1);
    size_t n = fread(buf, 1, TEACH_LESSON_MAX_BYTES + 1, f);
    bool err = ferror(f);
    fclose(f);
    if (err) {
        snprintf(errbuf, cap, "%s: cannot read: %s", path, strerror(EIO));
        free(buf);
        return NULL;
    }
    char *dir = tr_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        dir[0] = '\0';
    struct teach_lesson *ls = teach_lesson_parse(buf, n, path, dir, errbuf, cap);
    free(dir);
    free(buf);
    return ls;
}

void teach_lesson_free(struct teach_lesson *ls)
{
    if (!ls)
        return;
    for (size_t i = 0; i < ls->nsteps; i++) {
        struct teach_lesson_step *st = &ls->steps[i];
        for (size_t k = 0; k < st->nsay; k++)
            ltext_done(&st->say[k]);
        free(st->say);
        for (size_t k = 0; k < st->nq; k++)
            teach_lab_q_done(&st->qs[k]);
        free(st->qs);
    }
    free(ls->steps);
    ltext_done(&ls->title);
    ltext_done(&ls->intro);
    free(ls->capture);
    free(ls->capture_path);
    free(ls->name);
    free(ls);
}

size_t teach_lesson_questions(const struct teach_lesson *ls)
{
    size_t n = 0;
    for (size_t i = 0; i < ls->nsteps; i++)
        n += ls->steps[i].nq;
    return n;
}
