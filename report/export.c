/* export.c - one exchange of a record the UI keeps, written to a file as a
 * page, a handout, a ladder or a HAR entry (the UI's export key) */
#include "report_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool finish(FILE *f, struct rep_obuf *o, const char *path, char *errbuf)
{
    bool ok = rep_ob_flush(o);
    int e = errno;
    free(o->buf);
    o->buf = NULL;
    if (fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok)
        snprintf(errbuf, TR_ERRBUF_SIZE, "cannot write '%s': %s", path, strerror(e));
    return ok;
}

bool rep_export_exchange(const struct dec_record *r, int64_t exchange,
                         const struct rep_export_opts *opts, char *errbuf)
{
    struct rep_walk wk;
    rep_walk_init(&wk, r);
    long row = rep_walk_row_of_x(&wk, exchange);
    if (row < 0 && exchange < 0 && wk.nrows == 1)
        row = 0;  /* a connection without exchanges: its one row */
    if (row < 0 || (opts->format != REP_FORMAT_HTML && opts->format != REP_FORMAT_MD &&
                    opts->format != REP_FORMAT_SVG && opts->format != REP_FORMAT_HAR)) {
        snprintf(errbuf, TR_ERRBUF_SIZE, row < 0 ? "exchange %lld is not kept for this connection"
                                                 : "this format is not an export",
                 (long long)exchange + 1);
        rep_walk_done(&wk);
        return false;
    }
    FILE *f = fopen(opts->path, "w");
    if (!f) {
        snprintf(errbuf, TR_ERRBUF_SIZE, "cannot write '%s': %s", opts->path, strerror(errno));
        rep_walk_done(&wk);
        return false;
    }
    struct rep_obuf o;
    rep_ob_init(&o, f);
    uint64_t number = opts->number ? opts->number : (uint64_t)(wk.rows[row].x + 1);
    struct rep_ren rn = {.o = &o, .wk = &wk, .num_base = (int64_t)number - 1 - row,
                         .show = opts->preview ? opts->preview : REP_SHOW_DEFAULT,
                         .highlight = opts->stage, .utf8 = true, .standalone = true};
    const char *source = opts->source ? opts->source : "-";
    struct tr_sbuf sub = {0};
    char a[TR_ADDRSTRLEN + 8], b[TR_ADDRSTRLEN + 8];
    tr_sb_printf(&sub, _("Connection %1$llu: client %2$s %3$s server %4$s"),
                 (unsigned long long)r->tc.id, rep_endpoint(a, &r->tc.client), "\xe2\x86\x92",
                 rep_endpoint(b, &r->tc.server));
    switch (opts->format) {
    case REP_FORMAT_HTML:
        rep_html_doc_begin(&o, source, sub.p);
        rep_html_row(&rn, (size_t)row, NULL);
        rep_html_doc_end(&o);
        break;
    case REP_FORMAT_MD:
        rep_ob_str(&o, "# ");
        rep_ob_str(&o, _("The seven steps of HTTP"));
        rep_ob_str(&o, "\n\n");
        rep_ob_str(&o, source);
        rep_ob_str(&o, ": ");
        rep_ob_str(&o, sub.p);
        rep_ob_str(&o, "\n\n");
        rep_md_row(&rn, (size_t)row);
        break;
    case REP_FORMAT_SVG:
        rep_svg_ladder(&rn, wk.rows[row].pkt_lo, wk.rows[row].pkt_hi, row);
        break;
    default:
        rep_har_entry_doc(&rn, (size_t)row, source);
        break;
    }
    tr_sb_free(&sub);
    rep_walk_done(&wk);
    return finish(f, &o, opts->path, errbuf);
}
