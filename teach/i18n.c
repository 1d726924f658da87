/* i18n.c - the language of the learner's text (gettext), and wire bytes
 * made safe to show */
#define _GNU_SOURCE 1
#include "teach.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool lang_zh;
static bool text_utf8 = true;

bool teach_lang_zh(void)
{
    return lang_zh;
}

const char *teach_fmt_duration(int64_t usec, bool brief, char *buf, size_t cap)
{
    if (!cap)
        return buf;
    if (usec < 0)
        snprintf(buf, cap, "%s", text_utf8 ? "\xe2\x80\x94" : "-");
    else if (usec < 1000 && brief)
        snprintf(buf, cap, text_utf8 ? "%lld\xc2\xb5s" : "%lldus", (long long)usec);
    else if (usec < 1000)
        /* TRANSLATORS: microseconds; "µs" is the SI symbol */
        snprintf(buf, cap, text_utf8 ? _("%lld \xc2\xb5s") : "%lld us", (long long)usec);
    else if (usec < 1000000)
        snprintf(buf, cap, brief ? "%.1fms" : _("%.1f ms"), (double)usec / 1e3);
    else
        snprintf(buf, cap, brief ? "%.2fs" : _("%.2f s"), (double)usec / 1e6);
    return buf;
}

bool teach_break_ok(wchar_t a, wchar_t b)
{
    /* no break before these (UAX #14 CL, CP, EX, IS, NS; GB/T 15834 4.1) */
    static const wchar_t no_before[] = L"\uff0c\u3002\u3001\uff1b\uff1a\uff1f\uff01\uff09"
                                       L"\u3011\u300b\u300d\u300f\u3009\u201d\u2019\u2026"
                                       L"\u00b7\u30fb\uff0e\u3015\uff3d\uff5d\u2014"
                                       L",.;:!?)]}%";
    /* no break after these (UAX #14 OP, QU opening; GB/T 15834 4.1) */
    static const wchar_t no_after[] = L"\uff08\u3010\u300a\u300c\u300e\u3008\u201c\u2018"
                                      L"\u3014\uff3b\uff5b([{";
    if (b && wcschr(no_before, b))
        return false;
    if (a && wcschr(no_after, a))
        return false;
    return true;
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
        return tr_xstrdup("");
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
    text_utf8 = utf8;
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
