/* test_lesson.c - teacher lessons (issue 19): teach/lesson.c
 *
 * The format's parser: texts in both languages (continuation lines, no
 * space between two Chinese characters), the three kinds of answer checked
 * by the lab's rules (a duration in its own unit or another, a count with
 * its word, a tolerance, texts ignoring case, a choice by letter or text);
 * each mistake one line "NAME:LINE: what" at its line; the places bound to
 * 01-classic-get.pcap (an exchange and stage, its nth stage, a frame); the
 * questions made in Chinese.
 *
 *   build/tests/test_lesson      (from the top directory)
 */
#include "testutil.h"

#include "../../teach/teach.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HEAD "httpstep-lesson 1\ncapture samples/01-classic-get.pcap\ntitle T\nzh 标题\n" \
             "intro I\nzh 介绍\n"

static struct teach_lesson *parse(const char *text, char *err, size_t cap)
{
    err[0] = '\0';
    return teach_lesson_parse(text, strlen(text), "t.lesson", NULL, err, cap);
}

static struct teach_lesson *parse_ok(const char *text)
{
    char err[512];
    struct teach_lesson *ls = parse(text, err, sizeof err);
    if (!ls)
        fail_msg("%s", err);
    return ls;
}

static void test_texts(void **state)
{
    (void)state;
    teach_i18n_init("en");
    struct teach_lesson *ls = parse_ok(
        "# a comment first\nhttpstep-lesson 1\ncapture x.pcap\ntitle A long\n  title\n"
        "zh 一个很长的\n   标题\nintro I\n# between\nzh 介绍\n\nstep 2,status_line\n"
        "say S\nzh 说\nsay S2\nzh 说二\nstep frame 7\nstep 1,3\n");
    assert_string_equal(ls->title.en, "A long title");
    assert_string_equal(ls->title.zh, "一个很长的标题");
    assert_string_equal(ls->capture_path, "x.pcap");
    assert_int_equal(ls->nsteps, 3);
    assert_int_equal(ls->steps[0].at.x, 2);
    assert_int_equal(ls->steps[0].at.kind, DEC_STAGE_STATUS_LINE);
    assert_int_equal(ls->steps[0].nsay, 2);
    assert_int_equal(ls->steps[0].line, 12);
    assert_int_equal(ls->steps[1].at.frame, 7);
    assert_int_equal(ls->steps[2].at.nth, 3);
    assert_string_equal(teach_ltext(&ls->steps[0].say[1]), "S2");
    teach_lesson_free(ls);
    /* a relative capture is in the lesson's folder */
    char err[256];
    ls = teach_lesson_parse(HEAD "step 1\n", strlen(HEAD "step 1\n"), "d/t.lesson", "d", err,
                            sizeof err);
    assert_non_null(ls);
    assert_string_equal(ls->capture_path, "d/samples/01-classic-get.pcap");
    teach_lesson_free(ls);
}

/* the capture's path: a leading ../ takes back a name of the lesson's folder
 * only where both paths are the same file */
static char *cap_path(const char *dir, const char *cap)
{
    char text[512], err[256];
    snprintf(text, sizeof text, "httpstep-lesson 1\ncapture %s\ntitle T\nzh T\nintro I\nzh I\n"
             "step frame 1\n", cap);
    struct teach_lesson *ls = teach_lesson_parse(text, strlen(text), "x.lesson", dir, err,
                                                 sizeof err);
    assert_non_null(ls);
    char *p = strdup(ls->capture_path);
    teach_lesson_free(ls);
    return p;
}

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
}

static void test_capture_path(void **state)
{
    (void)state;
    char top[] = "/tmp/httpstep-lesson-XXXXXX", a[600], b[600];
    assert_non_null(mkdtemp(top));
    snprintf(a, sizeof a, "%s/lessons", top);
    assert_int_equal(mkdir(a, 0700), 0);
    snprintf(a, sizeof a, "%s/x.pcap", top);
    touch(a);
    snprintf(a, sizeof a, "%s/deep", top);
    assert_int_equal(mkdir(a, 0700), 0);
    snprintf(a, sizeof a, "%s/deep/lessons", top);
    assert_int_equal(mkdir(a, 0700), 0);
    snprintf(a, sizeof a, "%s/deep/x.pcap", top);   /* another x.pcap */
    touch(a);
    snprintf(b, sizeof b, "%s/link", top);          /* link -> deep/lessons */
    assert_int_equal(symlink("deep/lessons", b), 0);

    struct { const char *dir, *cap, *want; } t[] = {
        {"lessons", "../x.pcap", "x.pcap"},
        {"lessons", "../missing.pcap", "lessons/../missing.pcap"},
        {"deep/lessons", "../../x.pcap", "x.pcap"},
        {"deep/lessons", "../x.pcap", "deep/x.pcap"},
        /* through the link, ../x.pcap is deep/x.pcap, not the x.pcap beside link */
        {"link", "../x.pcap", "link/../x.pcap"},
        {"..", "../x.pcap", "../../x.pcap"},
        {"lessons", "x.pcap", "lessons/x.pcap"},
    };
    char cwd[600];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(top), 0);
    for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
        char *p = cap_path(t[i].dir, t[i].cap);
        if (strcmp(p, t[i].want) != 0)
            fail_msg("%s + %s: %s, not %s", t[i].dir, t[i].cap, p, t[i].want);
        free(p);
    }
    /* an absolute folder keeps its root */
    snprintf(a, sizeof a, "%s/lessons", top);
    char *p = cap_path(a, "../x.pcap");
    snprintf(b, sizeof b, "%s/x.pcap", top);
    assert_string_equal(p, b);
    free(p);
    assert_int_equal(chdir(cwd), 0);
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", top);
    assert_int_equal(system(cmd), 0);
}

static void test_answers(void **state)
{
    (void)state;
    teach_i18n_init("en");
    struct teach_lesson *ls = parse_ok(
        HEAD "step 1\n"
        "ask TTL?\nzh TTL？\nanswer number 300 s\n"
        "ask Body?\nzh 主体？\nanswer number 100 bytes\nwhy W\nzh 因为\n"
        "ask RTT?\nzh RTT？\nanswer number 0.5 ms tol 0.1\n"
        "ask Method?\nzh 方法？\nanswer text GET\nanswer text HEAD\n"
        "ask Who?\nzh 谁？\nchoice The client\nzh 客户端\nchoice The server\nzh 服务器\n"
        "answer choice the server\n");
    assert_int_equal(teach_lesson_questions(ls), 5);
    const struct teach_lab_q *q = ls->steps[0].qs;
    static const struct {
        size_t q;
        const char *typed;
        enum teach_lab_verdict v;
    } cases[] = {
        {0, "300", TEACH_LAB_RIGHT},        {0, "300 s", TEACH_LAB_RIGHT},
        {0, "300000 ms", TEACH_LAB_RIGHT},  {0, "299", TEACH_LAB_WRONG},
        {0, "5 min", TEACH_LAB_UNREADABLE}, {1, "100", TEACH_LAB_RIGHT},
        {1, "100 bytes", TEACH_LAB_RIGHT},  {1, "101 bytes", TEACH_LAB_WRONG},
        {1, "100 ms", TEACH_LAB_UNREADABLE},{2, "0.55", TEACH_LAB_RIGHT},
        {2, "550 us", TEACH_LAB_RIGHT},     {2, "0.7", TEACH_LAB_WRONG},
        {3, "get", TEACH_LAB_RIGHT},        {3, " HEAD ", TEACH_LAB_RIGHT},
        {3, "POST", TEACH_LAB_WRONG},       {4, "b", TEACH_LAB_RIGHT},
        {4, "The Server", TEACH_LAB_RIGHT}, {4, "a", TEACH_LAB_WRONG},
        {4, "z", TEACH_LAB_UNREADABLE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        if (teach_lab_check(&q[cases[i].q], cases[i].typed) != cases[i].v)
            fail_msg("question %zu, '%s': not %d", cases[i].q + 1, cases[i].typed,
                     (int)cases[i].v);
    assert_string_equal(q[0].answer, "300 s");
    assert_string_equal(q[1].answer, "100 bytes");
    assert_string_equal(q[1].why, "W");
    assert_string_equal(q[4].answer, "The server");
    assert_int_equal(q[4].right, 1);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(teach_lab_check(&q[i], q[i].answer), TEACH_LAB_RIGHT);
    teach_lesson_free(ls);
}

static void test_mistakes(void **state)
{
    (void)state;
    teach_i18n_init("en");
    static const struct {
        const char *text, *want;  /* want: the message's start, after "t.lesson:" */
    } cases[] = {
        {"", "1: a lesson begins with the line 'httpstep-lesson 1'"},
        {"title x\n", "1: a lesson begins with"},
        {"httpstep-lesson 1.0\n", "1: lesson format '1.0' is not known"},
        {HEAD "steps 1\n", "7: unknown directive 'steps'"},
        {HEAD "step 1,body\n", "7: unknown stage 'body'"},
        {HEAD "step 1,\n", "7: no stage after '1,'"},
        {HEAD "step x\n", "7: a step goes to EXCHANGE[,STAGE]"},
        {HEAD "step frame 0\n", "7: 'step frame N' needs a frame number from 1"},
        {HEAD "step 1\nsay a\nsay b\nzh b\n", "8: 'say' has no 'zh' line after it"},
        {HEAD "step 1\nsay a\n", "8: 'say' has no 'zh' line after it"},
        {HEAD "step 1\nzh a\n", "8: 'zh' follows no English text"},
        {HEAD "step 1\nask q\nzh q\nstep 2\n", "8: the question has no answer"},
        {HEAD "step 1\nask q\nzh q\nchoice a\nzh a\nchoice b\nzh b\nanswer choice c\n",
         "14: the answer 'c' is not among the question's choices"},
        {HEAD "step 1\nask q\nzh q\nanswer choice c\n", "10: 'answer choice' without 'choice'"},
        {HEAD "step 1\nask q\nzh q\nanswer number -3\n", "10: '-3' is not a number"},
        {HEAD "step 1\nask q\nzh q\nanswer number 3 tol x\n", "10: tolerance 'x' is not a number"},
        {HEAD "step 1\nask q\nzh q\nanswer number 3 4 5 6 7\n", "10: 'answer number' takes"},
        {HEAD "step 1\nask q\nzh q\nanswer number 3\nanswer number 4\n",
         "11: the question has an answer already (line 10)"},
        {HEAD "step 1\nask q\nzh q\nanswer maybe x\n", "10: unknown kind of answer 'maybe'"},
        {HEAD "step 1\nchoice a\n", "8: 'choice' outside a question"},
        {HEAD "step 1\nwhy a\n", "8: 'why' outside a question"},
        {HEAD "title again\n", "7: a second 'title' (the first is on line 3)"},
        {HEAD "capture y\n", "7: a second 'capture' (the first is on line 2)"},
        {HEAD "step 1\ntitle late\n", "8: 'title' belongs before the first 'step'"},
        {HEAD "step 1\nsay\n", "8: 'say' needs a text"},
        {"httpstep-lesson 1\ntitle T\nzh T\n", "3: no 'capture'"},
        {"httpstep-lesson 1\ncapture c\nintro I\nzh I\n", "4: no 'title'"},
    };
    char err[512];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct teach_lesson *ls = parse(cases[i].text, err, sizeof err);
        if (ls) {
            teach_lesson_free(ls);
            fail_msg("case %zu read without a mistake", i);
        }
        char want[300];
        snprintf(want, sizeof want, "t.lesson:%s", cases[i].want);
        if (strncmp(err, want, strlen(want)) != 0 || strchr(err, '\n'))
            fail_msg("case %zu: '%s', not '%s...'", i, err, want);
    }
    /* a line too long, a NUL byte */
    size_t n = TEACH_LESSON_MAX_LINE + 10;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = '\0';
    assert_null(teach_lesson_parse(big, n, "t.lesson", NULL, err, sizeof err));
    assert_string_equal(err, "t.lesson:1: a line longer than 4096 bytes");
    free(big);
    assert_null(teach_lesson_parse("httpstep-lesson 1\n\0x\n", 21, "t.lesson", NULL, err,
                                   sizeof err));
    assert_string_equal(err, "t.lesson:2: a NUL byte: a lesson is text");
}

static void test_bind(void **state)
{
    (void)state;
    teach_i18n_init("en");
    struct teach_lab *lab = teach_lab_new();
    struct dec_pipeline_opts po = {.file = "samples/01-classic-get.pcap"};
    char err[512];
    assert_true(teach_lab_load(lab, &po, err));
    struct teach_lesson *ls = parse_ok(HEAD "step 1,close\nstep frame 10\nstep frame 6\n"
                                       "step 1,2\nstep 1\n");
    assert_true(teach_lesson_bind(ls, lab, err, sizeof err));
    assert_int_equal(ls->steps[0].at.stage, DEC_STAGE_CLOSE);
    assert_int_equal(ls->steps[1].at.x, 1);  /* the server's FIN: the close */
    assert_int_equal(ls->steps[1].at.kind, DEC_STAGE_CLOSE);
    assert_int_equal(ls->steps[2].at.stage, DEC_STAGE_STATUS_LINE);
    assert_true(ls->steps[2].at.nth > 0);
    assert_int_equal(ls->steps[3].at.stage, DEC_STAGE_REQUEST_HEADERS);
    assert_int_equal(ls->steps[4].at.stage, DEC_STAGE_HANDSHAKE);
    char buf[128];
    assert_string_equal(teach_place_text(&ls->steps[1].at, buf, sizeof buf),
                        "frame 10 (exchange 1, stage 7 Close)");
    teach_lesson_free(ls);
    static const struct {
        const char *steps, *want;
    } bad[] = {
        {"step 2\n", "t.lesson:7: step 2: the capture has 1 exchange (1 to 1)"},
        {"step 1\nstep 1,tunnel\n", "t.lesson:8: exchange 1 has no stage tunnel"},
        {"step 1,12\n", "t.lesson:7: exchange 1 has 7 stages (1 to 7)"},
        {"step frame 13\n", "t.lesson:7: no stage holds frame 13 (the last stage's frames end "
                            "at 12)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char text[512];
        snprintf(text, sizeof text, HEAD "%s", bad[i].steps);
        ls = parse_ok(text);
        assert_false(teach_lesson_bind(ls, lab, err, sizeof err));
        assert_string_equal(err, bad[i].want);
        teach_lesson_free(ls);
    }
    teach_lab_free(lab);
    /* all three at once, with the capture's line for a capture that is not there */
    FILE *f = fopen("build/tests/t-missing.lesson", "w");
    assert_non_null(f);
    fputs("httpstep-lesson 1\ncapture nothing.pcap\ntitle T\nzh T\nintro I\nzh I\nstep 1\n", f);
    fclose(f);
    struct dec_pipeline_opts none = {0};
    assert_null(teach_lesson_load("build/tests/t-missing.lesson", &none, err, sizeof err));
    const char *want = "build/tests/t-missing.lesson:2: capture 'nothing.pcap': ";
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("'%s', not '%s...'", err, want);
    remove("build/tests/t-missing.lesson");
}

static void test_chinese(void **state)
{
    (void)state;
    teach_i18n_init("zh");  /* the lessons' language */
    tu_zh_catalog();        /* the catalog of this build */
    struct teach_lesson *ls = parse_ok(HEAD "step 1\nask Who?\nzh 谁？\nchoice The client\n"
                                            "zh 客户端\nchoice The server\nzh 服务器\n"
                                            "answer choice The server\n"
                                            "ask Bytes?\nzh 多少字节？\nanswer number 100 bytes\n");
    assert_string_equal(teach_ltext(&ls->title), "标题");
    const struct teach_lab_q *q = ls->steps[0].qs;
    assert_string_equal(q[0].text, "谁？");
    assert_string_equal(q[0].choices[1], "服务器");
    assert_int_equal(teach_lab_check(&q[0], "服务器"), TEACH_LAB_RIGHT);
    assert_string_equal(q[1].answer, "100 字节");
    assert_int_equal(teach_lab_check(&q[1], "100 字节"), TEACH_LAB_RIGHT);
    assert_int_equal(teach_lab_check(&q[1], "100 bytes"), TEACH_LAB_RIGHT);
    teach_lesson_free(ls);
    teach_i18n_init("en");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_texts),    cmocka_unit_test(test_answers),
        cmocka_unit_test(test_mistakes), cmocka_unit_test(test_bind),
        cmocka_unit_test(test_chinese),   cmocka_unit_test(test_capture_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
