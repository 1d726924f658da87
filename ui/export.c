/* export.c - the export key (issue 18): the selected exchange, as the screen
 * shows it, written by report/ as an HTML page and an SVG ladder into the
 * current directory, named after the capture and the exchange's number
 * ("01-classic-get-x1.html"); the status line says where, or why not.
 */
#include "view.h"

#include "../report/report.h"

#include <stdio.h>
#include <string.h>

/* the capture's name without its directory and extension, in characters
 * safe in a file name ("live-lo" for an interface) */
static void file_stem(const struct app *a, char *buf, size_t n)
{
    const char *src = a->live ? a->o->iface : a->source;
    char raw[256];
    if (a->live || !src) {
        snprintf(raw, sizeof raw, "live-%s", src ? src : "capture");
    } else {
        const char *base = strrchr(src, '/');
        snprintf(raw, sizeof raw, "%s", base ? base + 1 : src);
        static const char *const exts[] = {".pcapng", ".pcap", ".cap", ".gz"};
        for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
            size_t l = strlen(raw), e = strlen(exts[i]);
            if (l > e && strcmp(raw + l - e, exts[i]) == 0)
                raw[l - e] = '\0';
        }
    }
    size_t j = 0;
    for (const char *p = raw; *p && j + 1 < n; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || (c == '.' && j > 0);
        buf[j++] = ok ? c : '_';
    }
    buf[j] = '\0';
    if (!j)
        snprintf(buf, n, "capture");
}

void ui_export_exchange(struct app *a)
{
    struct ui_row *r = ui_app_row(a, a->sel);
    struct ui_crow *c = ui_app_row_conn(a, r);
    if (!c) {
        snprintf(a->msg, sizeof a->msg, "%s", _("export: no exchange to write yet"));
        return;
    }
    if (c->id != a->det_conn || (a->detp.open && !a->detp.done)) {
        snprintf(a->msg, sizeof a->msg, "%s",
                 _("export: this connection is still being read; try again in a moment"));
        return;
    }
    int64_t x = (r->flags & XR_BARE) ? -1 : (int64_t)r->index;
    /* the stage on screen, when it belongs to this exchange */
    int stage = a->stage >= 0 && ui_stage_exchange(a, a->stage) == x ? a->stage : -1;
    char stem[200], path[2][256];
    file_stem(a, stem, sizeof stem);
    static const enum rep_format formats[2] = {REP_FORMAT_HTML, REP_FORMAT_SVG};
    static const char *const exts[2] = {"html", "svg"};
    for (int i = 0; i < 2; i++) {
        snprintf(path[i], sizeof path[i], "%s-x%zu.%s", stem, a->sel + 1, exts[i]);
        struct rep_export_opts eo = {
            .format = formats[i],
            .path = path[i],
            .source = a->live ? a->o->iface : a->source,
            .number = (uint64_t)a->sel + 1,
            .stage = stage,
            .preview = a->o->preview,
        };
        char err[TR_ERRBUF_SIZE];
        if (!rep_export_exchange(a->det, x, &eo, err)) {
            snprintf(a->msg, sizeof a->msg, _("export failed: %s"), err);
            return;
        }
    }
    snprintf(a->msg, sizeof a->msg, _("exchange %zu written to %s and %s"), a->sel + 1, path[0],
             path[1]);
}
