/* i18n.c - the language of the learner's text (gettext), the translated
 * titles of the stages and steps, and wire bytes made safe to show */
#define _GNU_SOURCE 1
#include "teach.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool lang_zh;

bool teach_lang_zh(void)
{
    return lang_zh;
}

const char *teach_stage_title(enum dec_stage_kind k)
{
    return _(dec_stage_title(k));
}

const char *teach_stage_brief(enum dec_stage_kind k)
{
    return _(dec_stage_brief(k));
}

const char *teach_step_label(int step, bool brief)
{
    return _(dec_step_label(step, brief));
}

/* the letter of each stage within its step (see teach.h); the steps come
 * from decode.h's table, so only the letters are listed here */
static const char *const stage_numbers[DEC_STAGE_COUNT] = {
    [DEC_STAGE_HANDSHAKE] = "1",
    [DEC_STAGE_REQUEST_LINE] = "2",
    [DEC_STAGE_REQUEST_HEADERS] = "3a",
    [DEC_STAGE_REQUEST_BLANK_LINE] = "3b",
    [DEC_STAGE_REQUEST_BODY] = "3c",
    [DEC_STAGE_STATUS_LINE] = "4",
    [DEC_STAGE_RESPONSE_HEADERS] = "5",
    [DEC_STAGE_RESPONSE_BLANK_LINE] = "6a",
    [DEC_STAGE_RESPONSE_BODY] = "6b",
    [DEC_STAGE_TUNNEL] = "6b",
    [DEC_STAGE_CLOSE] = "7",
    [DEC_STAGE_KEEP_ALIVE] = "7",
};

const char *teach_stage_number(enum dec_stage_kind k)
{
    if ((unsigned)k >= DEC_STAGE_COUNT || !stage_numbers[k])
        return "?";
    return stage_numbers[k];
}

#define LABEL_REASON_MAX 40   /* bytes of an interim reason phrase in a label */
#define LABEL_BRIEF_COLS 12   /* columns of an interim status line's short label */

const char *teach_stage_label(const struct dec_stage *s, bool brief, char *buf, size_t cap)
{
    if (!cap)
        return buf;
    if (!dec_stage_interim(s)) {
        snprintf(buf, cap, "%s", brief ? teach_stage_brief(s->kind) : teach_stage_title(s->kind));
        return buf;
    }
    const struct dec_msg *m = s->msg;
    size_t rl = m->reason.p ? m->reason.len : 0;
    if (rl > LABEL_REASON_MAX) {
        rl = LABEL_REASON_MAX;
        while (rl > 0 && ((unsigned char)m->reason.p[rl] & 0xc0) == 0x80)
            rl--;
    }
    char *reason = teach_safe_dup(rl ? m->reason.p : "", rl);
    char status[4 * LABEL_REASON_MAX + 16];
    snprintf(status, sizeof status, "%d%s%s", m->status, reason[0] ? " " : "", reason);
    free(reason);
    if (s->kind == DEC_STAGE_STATUS_LINE && brief) {
        /* ASCII from here on but for UTF-8 in the reason: cut at a character */
        size_t n = strlen(status);
        if (n > LABEL_BRIEF_COLS) {
            n = LABEL_BRIEF_COLS - 1;
            while (n > 0 && ((unsigned char)status[n] & 0xc0) == 0x80)
                n--;
            snprintf(buf, cap, "%.*s.", (int)n, status);
        } else {
            snprintf(buf, cap, "%s", status);
        }
    } else if (s->kind == DEC_STAGE_STATUS_LINE) {
        snprintf(buf, cap, "%s", status);
    } else if (brief) {
        /* TRANSLATORS: a stage of an interim response, short: "100 Blank" */
        snprintf(buf, cap, _("%1$d %2$s"), m->status, teach_stage_brief(s->kind));
    } else {
        /* TRANSLATORS: a stage of an interim response: "100 Continue: Blank line" */
        snprintf(buf, cap, _("%1$s: %2$s"), status, teach_stage_title(s->kind));
    }
    return buf;
}

char *teach_safe_dup(const char *p, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    struct tr_sbuf b = {0};
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c >= 0x20 && c < 0x7f) {
            tr_sb_put(&b, (const char *)&p[i], 1);
            continue;
        }
        if (c >= 0x80) {
            size_t k = dec_utf8_len((const unsigned char *)p + i, n - i);
            if (k) {
                tr_sb_put(&b, p + i, k);
                i += k - 1;
                continue;
            }
        }
        char esc[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
        if (c == '\r')
            tr_sb_put(&b, "\\r", 2);
        else if (c == '\n')
            tr_sb_put(&b, "\\n", 2);
        else if (c == '\t')
            tr_sb_put(&b, "\\t", 2);
        else
            tr_sb_put(&b, esc, 4);
    }
    if (!b.p)
        return xstrdup("");
    return b.p;
}


bool teach_i18n_init(const char *lang)
{
    const char *l = lang;
    if (!l) {
        const char *env[] = {"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"};
        for (size_t i = 0; i < 4 && !l; i++) {
            const char *v = getenv(env[i]);
            if (v && *v)
                l = strncmp(v, "zh", 2) == 0 ? "zh" : (i == 0 ? NULL : "en");
        }
    }
    bool zh = l && strncmp(l, "zh", 2) == 0;
    lang_zh = zh;
    const char *cur = setlocale(LC_ALL, "");
    bool utf8 = cur && (strcasestr(cur, "UTF-8") || strcasestr(cur, "utf8"));
    if (zh && !utf8) {
        /* Chinese needs UTF-8: C.UTF-8 exists everywhere glibc does */
        if (setlocale(LC_ALL, "C.UTF-8"))
            utf8 = true;
    }
    if (zh)
        setenv("LANGUAGE", "zh_CN", 1);
    else if (lang)
        setenv("LANGUAGE", "en", 1);
    /* the catalog: next to the binary (a build tree), installed, or built in */
    static char dir[4096];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    const char *found = NULL;
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
        const char *tries[] = {"%s/locale", "%s/build/locale", "%s/build-san/locale",
                               "%s/../share/locale"};
        for (size_t i = 0; i < 4 && !found; i++) {
            snprintf(dir, sizeof dir, tries[i], exe);
            char mo[4200];
            snprintf(mo, sizeof mo, "%s/zh_CN/LC_MESSAGES/httpstep.mo", dir);
            if (access(mo, R_OK) == 0)
                found = dir;
        }
    }
#ifdef LOCALEDIR
    if (!found)
        found = LOCALEDIR;
#endif
    if (found)
        bindtextdomain("httpstep", found);
    bind_textdomain_codeset("httpstep", "UTF-8");
    textdomain("httpstep");
    return utf8;
}
