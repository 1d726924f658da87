/* lab_check.c - lab mode (issue 19): how an answer is checked (numbers
 * within a stated tolerance, names ignoring case, multiple choice by
 * letter, number or text), the rule and the hint in the learner's
 * language, and the dates of a multiple choice
 */
#include "lab_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ----------------------------------------------------------- answers -- */

/* the answer without the spaces (and a final period) around it, in buf */
static void trim(const char *in, char *buf, size_t cap)
{
    while (*in == ' ' || *in == '\t')
        in++;
    size_t n = strlen(in);
    while (n && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '\r' ||
                 in[n - 1] == '\n' || in[n - 1] == '.'))
        n--;
    if (n >= cap)
        n = cap - 1;
    memcpy(buf, in, n);
    buf[n] = '\0';
}

bool teach_lab_decimal(const char *s, double *out)
{
    size_t n = strlen(s), digits = 0;
    if (n == 0 || n > 30)
        return false;
    double v = 0, scale = 1;
    bool point = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.' && !point) {
            point = true;
        } else if (isdigit((unsigned char)s[i])) {
            digits++;
            if (point)
                v += (s[i] - '0') * (scale /= 10);
            else
                v = v * 10 + (s[i] - '0');
        } else {
            return false;
        }
    }
    *out = v;
    return digits > 0;
}

/* a unit after a number: its factor to microseconds, 0 when unknown */
static double unit_us(const char *u)
{
    static const struct {
        const char *name;
        double f;
    } units[] = {
        {"us", 1},        {"\xc2\xb5s", 1}, {"\xce\xbcs", 1}, {"usec", 1},
        {"\xe5\xbe\xae\xe7\xa7\x92", 1},          /* 微秒 */
        {"ms", 1e3},      {"msec", 1e3},    {"\xe6\xaf\xab\xe7\xa7\x92", 1e3}, /* 毫秒 */
        {"s", 1e6},       {"sec", 1e6},     {"\xe7\xa7\x92", 1e6},              /* 秒 */
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(u, units[i].name) == 0)
            return units[i].f;
    return 0;
}

/* A number as a learner writes it: digits with ',' or '_' between groups
 * ("1,039"), a decimal point, then an optional unit; *unit gets the
 * factor of the unit to microseconds (0 when none is written). False when it is not
 * one. */
static bool read_number(const char *s, double *out, double *unit)
{
    char digits[64];
    size_t n = 0;
    bool any = false, point = false;
    const char *p = s;
    for (; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            any = true;
        } else if (*p == '.' && !point) {
            point = true;
        } else if ((*p == ',' || *p == '_') && any && !point && isdigit((unsigned char)p[1])) {
            continue;
        } else {
            break;
        }
        if (n + 1 >= sizeof digits)
            return false;
        digits[n++] = *p;
    }
    digits[n] = '\0';
    if (!any)
        return false;
    while (*p == ' ')
        p++;
    *unit = 0;  /* none given */
    if (*p) {
        *unit = unit_us(p);
        if (*unit == 0)
            return false;
    }
    return teach_lab_decimal(digits, out);
}

/* "100 bytes" (or its translation) when the question counts bytes: the number */
static void drop_unit_word(const struct teach_lab_q *q, char *a)
{
    const char *words[2] = {q->unit, q->unit ? _(q->unit) : NULL};
    size_t n = strlen(a);
    for (size_t i = 0; i < 2 && words[i]; i++) {
        size_t w = strlen(words[i]);
        if (w < n && strcasecmp(a + n - w, words[i]) == 0) {
            n -= w;
            while (n && a[n - 1] == ' ')
                n--;
            a[n] = '\0';
            return;
        }
    }
}

static enum teach_lab_verdict check_number(const struct teach_lab_q *q, char *a)
{
    double v, unit;
    drop_unit_word(q, a);
    if (!read_number(a, &v, &unit))
        return TEACH_LAB_UNREADABLE;
    if (unit != 0 && !q->usec)
        return TEACH_LAB_UNREADABLE;
    if (unit == 0)  /* a bare number: microseconds, or the question's unit */
        unit = q->usec && q->bare_us > 0 ? q->bare_us : 1;
    v *= unit;
    if (fabs(v - q->value) <= q->tol + 1e-9)
        return TEACH_LAB_RIGHT;
    for (size_t i = 0; i < q->nalso; i++)
        if (fabs(v - (double)q->also[i]) <= q->tol + 1e-9)
            return TEACH_LAB_RIGHT;
    return TEACH_LAB_WRONG;
}

static enum teach_lab_verdict check_choice(const struct teach_lab_q *q, const char *a)
{
    size_t pick = SIZE_MAX;
    /* "b", "B", "(b)", "b)", "2" */
    char c = a[0] == '(' ? a[1] : a[0];
    size_t len = strlen(a);
    bool lone = len == 1 || (len == 2 && a[1] == ')') || (len == 3 && a[0] == '(' && a[2] == ')');
    if (lone && c >= 'a' && c < 'a' + (int)q->nchoices)
        pick = (size_t)(c - 'a');
    else if (lone && c >= 'A' && c < 'A' + (int)q->nchoices)
        pick = (size_t)(c - 'A');
    else if (lone && c >= '1' && c < '1' + (int)q->nchoices)
        pick = (size_t)(c - '1');
    for (size_t i = 0; pick == SIZE_MAX && i < q->nchoices; i++) {
        char c[1024];  /* the choice as an answer is read: "The server." is "The server" */
        trim(q->choices[i], c, sizeof c);
        if (strcasecmp(a, c) == 0)
            pick = i;
    }
    if (pick == SIZE_MAX)
        return TEACH_LAB_UNREADABLE;
    return pick == q->right ? TEACH_LAB_RIGHT : TEACH_LAB_WRONG;
}

enum teach_lab_verdict teach_lab_check(const struct teach_lab_q *q, const char *answer)
{
    char a[1024];
    trim(answer ? answer : "", a, sizeof a);
    if (!a[0])
        return TEACH_LAB_UNREADABLE;
    switch (q->kind) {
    case TEACH_LAB_NUMBER:
        return check_number(q, a);
    case TEACH_LAB_CHOICE:
        return check_choice(q, a);
    case TEACH_LAB_NAME: {
        size_t n = strlen(a);
        if (n && a[n - 1] == ':')  /* "If-Modified-Since:" */
            a[--n] = '\0';
        for (size_t i = 0; i < q->naccept; i++)
            if (strcasecmp(a, q->accept[i]) == 0)
                return TEACH_LAB_RIGHT;
        return TEACH_LAB_WRONG;
    }
    case TEACH_LAB_EXACT:
        for (size_t i = 0; i < q->naccept; i++)
            if (strcmp(a, q->accept[i]) == 0)
                return TEACH_LAB_RIGHT;
        return TEACH_LAB_WRONG;
    }
    return TEACH_LAB_WRONG;
}

const char *teach_lab_rule(const struct teach_lab_q *q, char *buf, size_t cap)
{
    switch (q->kind) {
    case TEACH_LAB_NUMBER:
        if (q->usec && q->bare_us >= 1e6)
            snprintf(buf, cap, _("a duration in seconds, or give a unit: ms, us; within %g s of "
                                 "the answer"),
                     q->tol / 1e6);
        else if (q->usec && q->bare_us >= 1e3)
            snprintf(buf, cap, _("a duration in milliseconds, or give a unit: s, us; within %g ms "
                                 "of the answer"),
                     q->tol / 1e3);
        else if (q->usec)
            snprintf(buf, cap, _("a duration in microseconds, or give a unit: ms, s; within "
                                 "%.0f microseconds of the answer"),
                     q->tol);
        else if (q->nalso)
            snprintf(buf, cap, "%s", _("a whole number: any frame that carries it"));
        else if (q->tol > 0)
            snprintf(buf, cap, _("a number; within %g of the answer"), q->tol);
        else
            snprintf(buf, cap, "%s", _("a whole number, exactly; 1,039 and 1039 are the same"));
        break;
    case TEACH_LAB_NAME:
        snprintf(buf, cap, "%s", _("a name; upper and lower case are the same"));
        break;
    case TEACH_LAB_EXACT:
        snprintf(buf, cap, "%s", _("the text exactly; upper and lower case count"));
        break;
    case TEACH_LAB_CHOICE:
        snprintf(buf, cap, "%s", _("one choice: its letter, its number or its text"));
        break;
    }
    return buf;
}

const char *teach_lab_where(const struct teach_lab_q *q, char *buf, size_t cap)
{
    char label[64];
    snprintf(label, sizeof label, "%s %s", teach_stage_number(q->stage),
             teach_stage_title(q->stage));
    if (q->conn == 0)  /* a DNS lookup no connection followed */
        snprintf(buf, cap, _("stage %s, frame %llu"), label, (unsigned long long)q->frame);
    else if (q->exchange >= 0)
        snprintf(buf, cap, _("connection %llu, exchange %lld, stage %s, frame %llu"),
                 (unsigned long long)q->conn, (long long)q->exchange + 1, label,
                 (unsigned long long)q->frame);
    else
        snprintf(buf, cap, _("connection %llu, stage %s, frame %llu"), (unsigned long long)q->conn,
                 label, (unsigned long long)q->frame);
    return buf;
}

/* ------------------------------------------------------------- dates -- */

static const char *const wday[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const month[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static void fmt_date(time_t t, char out[40])
{
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(out, 40, "%s, %02d %s %04d %02d:%02d:%02d GMT", wday[tm.tm_wday], tm.tm_mday,
             month[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

bool teach_lab_date_choices(const char *p, size_t n, char out[TEACH_LAB_MAX_CHOICES][40])
{
    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (29 bytes) */
    char s[30];
    if (n != 29)
        return false;
    memcpy(s, p, 29);
    s[29] = '\0';
    char wd[4], mon[4], gmt[4];
    int d, y, hh, mm, ss;
    if (sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d %3s", wd, &d, mon, &y, &hh, &mm, &ss, gmt) != 8 ||
        strcmp(gmt, "GMT") != 0)
        return false;
    int m = -1;
    for (int i = 0; i < 12; i++)
        if (strcmp(mon, month[i]) == 0)
            m = i;
    if (m < 0 || d < 1 || d > 31 || y < 1970 || y > 9000 || hh > 23 || mm > 59 || ss > 60)
        return false;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m, .tm_mday = d, .tm_hour = hh, .tm_min = mm,
                    .tm_sec = ss};
    time_t t = timegm(&tm);
    if (t == (time_t)-1)
        return false;
    fmt_date(t, out[0]);
    fmt_date(t + 86400, out[1]);             /* a day later */
    tm.tm_year -= 1;                         /* a year earlier */
    fmt_date(timegm(&tm), out[2]);
    tm.tm_year += 1;
    tm.tm_mon += 1;                          /* a month later */
    fmt_date(timegm(&tm), out[3]);
    return true;
}
