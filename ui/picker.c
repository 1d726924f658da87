/* picker.c - httpstep with no capture: choose a bundled sample (its title
 * and introduction from its lesson, samples/lessons/STEM.lesson, which the
 * UI then walks) or, when permitted, a live interface */
#define _GNU_SOURCE 1
#include "app.h"
#include "keys.h"
#include "screen.h"

#include <wchar.h>

#include <dirent.h>

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct sample {
    char *file;                  /* the capture's name in the samples' folder */
    char *lesson;                /* its lesson, samples/lessons/STEM.lesson, or NULL */
    char *title, *intro;         /* the lesson's, in the current language */
};

struct item {
    bool live;
    const struct sample *s;
    const char *iface;
};

const char *ui_samples_dir(void)
{
    static char dir[4096];
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    const char *tries[] = {"%s/samples", "%s/../samples", "%s/../share/httpstep/samples"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(dir, sizeof dir, tries[i], exe);
        char lessons[4200];
        snprintf(lessons, sizeof lessons, "%s/lessons", dir);
        struct stat st;
        if (stat(lessons, &st) == 0 && S_ISDIR(st.st_mode))
            return dir;
    }
    return NULL;
}

static bool is_capture(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcmp(dot, ".pcap") == 0 || strcmp(dot, ".pcapng") == 0);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* every capture of the samples' folder, by name, each with its lesson's
 * title and introduction (a capture without a lesson yet: its file name) */
static size_t load_samples(const char *dir, struct sample **out)
{
    *out = NULL;
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t nn = 0, cn = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && nn < 1000) {
        if (e->d_name[0] == '.' || !is_capture(e->d_name))
            continue;
        tr_xgrow(&names, &cn, nn + 1, sizeof *names);
        names[nn++] = tr_xstrdup(e->d_name);
    }
    closedir(d);
    if (nn)
        qsort(names, nn, sizeof *names, cmp_str);
    *out = tr_xcalloc(nn ? nn : 1, sizeof **out);
    for (size_t i = 0; i < nn; i++) {
        struct sample *s = &(*out)[i];
        s->file = names[i];
        char path[4400];
        snprintf(path, sizeof path, "%s/lessons/%.*s.lesson", dir,
                 (int)(strrchr(s->file, '.') - s->file), s->file);
        char err[512];
        struct teach_lesson *ls = access(path, R_OK) == 0 ? teach_lesson_read(path, err, sizeof err)
                                                          : NULL;
        if (ls) {
            s->lesson = tr_xstrdup(path);
            s->title = tr_xstrdup(teach_ltext(&ls->title));
            s->intro = tr_xstrdup(teach_ltext(&ls->intro));
            teach_lesson_free(ls);
        } else {
            s->title = tr_xstrdup(s->file);
            s->intro = access(path, R_OK) == 0 ? tr_xstrdup(err)
                                               : tr_xstrdup(_("No lesson for this sample yet."));
        }
    }
    free(names);
    return nn;
}

static void free_samples(struct sample *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(s[i].file);
        free(s[i].lesson);
        free(s[i].title);
        free(s[i].intro);
    }
    free(s);
}

static bool may_capture(void)
{
    if (geteuid() == 0)
        return true;
    /* or the file capabilities setcap gives: CAP_NET_RAW is bit 13 */
    bool ok = false;
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "CapEff:", 7) == 0)
            ok = (strtoull(line + 7, NULL, 16) >> 13) & 1;
    if (f)
        fclose(f);
    return ok;
}

bool ui_picker(struct ui_screen *scr, volatile sig_atomic_t *stop, struct ui_pick *out)
{
    const char *dir = ui_samples_dir();
    struct sample *samples = NULL;
    size_t ns = dir ? load_samples(dir, &samples) : 0;
    char err[TR_ERRBUF_SIZE];
    bool live_ok = may_capture();
    char **ifaces = tr_capture_interfaces(err);
    size_t ni = 0;
    while (ifaces && ifaces[ni])
        ni++;
    size_t n = ns + ni;
    struct item *items = tr_xcalloc(n ? n : 1, sizeof *items);
    for (size_t i = 0; i < ns; i++)
        items[i] = (struct item){false, &samples[i], NULL};
    for (size_t i = 0; i < ni; i++)
        items[ns + i] = (struct item){true, NULL, ifaces[i]};
    size_t sel = 0, top = 0;
    bool chosen = false;
    char port[8] = "";          /* a port being typed (p), "" when not */
    bool editing = false;
    while (!*stop) {
        erase();
        int W = COLS, H = LINES;
        int at_title = ui_attr(scr, UI_COLOR_TITLE);
        move(0, 0);
        for (int x = 0; x < W; x++)
            addch(' ' | at_title);
        ui_put(stdscr, 0, 1, W - 2, _("httpstep: choose a capture to step through"), at_title);
        int list_h = H - 9;
        if (list_h < 3)
            list_h = 3;
        if (sel < top)
            top = sel;
        if (sel >= top + (size_t)list_h)
            top = sel - (size_t)list_h + 1;
        int y = 2;
        for (size_t i = top; i < n && y < 2 + list_h; i++, y++) {
            bool first_live = items[i].live && (i == ns);
            if (i == top || first_live) {
                const char *h = items[i].live ? (live_ok ? _("Live capture")
                                                         : _("Live capture (needs sudo, or: sudo setcap "
                                                             "cap_net_raw,cap_net_admin=eip ./httpstep)"))
                                              : _("Bundled samples");
                if (y > 2)
                    y++;
                ui_put(stdscr, y, 1, W - 2, h, ui_attr(scr, UI_COLOR_DIM));
                y++;
            }
            int at = i == sel ? ui_attr(scr, UI_COLOR_SELECT) : ui_attr(scr, UI_COLOR_NORMAL);
            move(y, 0);
            for (int x = 0; x < W; x++)
                addch(' ' | (i == sel ? at : 0));
            char buf[512];
            if (items[i].live)
                snprintf(buf, sizeof buf, "  %s", items[i].iface);
            else
                snprintf(buf, sizeof buf, "%2zu  %s", i + 1, items[i].s->title);
            ui_put(stdscr, y, 1, W - 2, buf, at);
        }
        if (n == 0)
            ui_put(stdscr, 2, 1, W - 2, _("No samples found and no interface to capture on."),
                   ui_attr(scr, UI_COLOR_NOTE));
        /* the selected item's lesson */
        int ly = H - 6;
        ui_fill(stdscr, ly - 1, 0, W, scr->g.hline, ui_attr(scr, UI_COLOR_DIM));
        if (n) {
            const struct item *it = &items[sel];
            char buf[2048];
            if (it->live) {
                /* what is watched: the filter, and how to change the port */
                char f[160];
                if (out->filter)
                    snprintf(f, sizeof f, "%s", out->filter);
                else if (editing)
                    snprintf(f, sizeof f, "(tcp port %s_) or (udp port %u)", port,
                             TR_DEFAULT_UDP_PORT);
                else  /* dec_pipeline_default_filter's */
                    snprintf(f, sizeof f, "(tcp port %u) or (udp port %u)", out->port,
                             TR_DEFAULT_UDP_PORT);
                snprintf(buf, sizeof buf, _("%s Filter: %s%s"),
                         strcmp(it->iface, "lo") == 0
                             ? _("Watch HTTP on this machine as it happens: start a local server "
                                 "(e.g. python3 -m http.server 8000) and open it in a browser.")
                             : _("Watch HTTP on this interface as it happens."),
                         f,
                         out->filter ? ""
                         : editing   ? _(" (type the server's port, Enter to keep it)")
                                     : _(" (p: another port)"));
            } else {
                snprintf(buf, sizeof buf, "%s  [%s]", it->s->intro, it->s->file);
            }
            ui_put_wrapped(stdscr, ly, 1, W - 2, 4, buf, ui_attr(scr, UI_COLOR_NORMAL));
        }
        ui_put(stdscr, H - 1, 1, W - 2, _("Enter open   Up/Down choose   q quit"),
               ui_attr(scr, UI_COLOR_DIM));
        refresh();
        /* a signal ends the wait at once; a terminal gone ends the picker */
        timeout(0);
        int ch = getch();
        if (ch == ERR) {
            if (ui_screen_wait(1000, -1) == UI_WAIT_GONE)
                break;
            continue;
        }
        if (editing) {
            /* the port: digits, Backspace, Enter keeps it, Escape drops it */
            size_t pl = strlen(port);
            if (ch >= '0' && ch <= '9' && pl < 5) {
                port[pl] = (char)ch;
                port[pl + 1] = '\0';
            } else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && pl) {
                port[pl - 1] = '\0';
            } else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER || ch == 27) {
                unsigned long v = strtoul(port, NULL, 10);
                if (ch != 27 && v > 0 && v < 65536)
                    out->port = (uint16_t)v;
                editing = false;
            }
            continue;
        }
        if (ch == 'p' && n && items[sel].live && !out->filter) {
            editing = true;
            port[0] = '\0';
            continue;
        }
        /* the one key table: Up/Down (k/j), pages, Home, End, Enter, q */
        enum ui_action act = ui_key_action(ch);
        size_t page = list_h > 1 ? (size_t)list_h - 1 : 1;
        if (act == UA_QUIT || ch == 27)
            break;
        if (act == UA_DOWN && sel + 1 < n)
            sel++;
        else if (act == UA_UP && sel > 0)
            sel--;
        else if (act == UA_PGDN && n)
            sel = sel + page < n ? sel + page : n - 1;
        else if (act == UA_PGUP)
            sel = sel > page ? sel - page : 0;
        else if (act == UA_HOME)
            sel = 0;
        else if (act == UA_END && n)
            sel = n - 1;
        else if (act == UA_OPEN && n) {
            const struct item *it = &items[sel];
            if (it->live) {
                out->iface = tr_xstrdup(it->iface);
            } else {
                char path[4200];
                snprintf(path, sizeof path, "%s/%s", dir, it->s->file);
                out->file = tr_xstrdup(path);
                out->lesson = it->s->lesson ? tr_xstrdup(it->s->lesson) : NULL;
            }
            chosen = true;
            break;
        }
    }
    free(items);
    free_samples(samples, ns);
    tr_capture_free_list(ifaces);
    return chosen;
}
