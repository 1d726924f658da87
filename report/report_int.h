/* report_int.h - private to report/: the buffered output, the spool of the
 * documents, the walk of a recorded connection, and the formats' entry points
 */
#ifndef HTTPSTEP_REPORT_INT_H
#define HTTPSTEP_REPORT_INT_H

#include "report.h"
#include "../teach/teach.h"

/* ------------------------------------------------------------------------ */
/* Buffered output (out.c)                                                  */

#include <string.h>

struct rep_obuf {
    FILE *f;
    char *buf;
    size_t len, cap;
    bool err;
    uint64_t flushed;            /* bytes handed to f so far */
};

void rep_ob_init(struct rep_obuf *o, FILE *f);
void rep_ob_done(struct rep_obuf *o);
bool rep_ob_flush(struct rep_obuf *o);
/* bytes put so far (flushed or not) */
uint64_t rep_ob_tell(const struct rep_obuf *o);
/* make room for n more bytes: write out what is buffered (and grow the
 * buffer when n is larger than it) */
void rep_ob_room(struct rep_obuf *o, size_t n);
/* inline: --json calls these for every field (7% of its time as calls) */
static inline void rep_ob_put(struct rep_obuf *o, const char *s, size_t n)
{
    if (n > o->cap - o->len)
        rep_ob_room(o, n);
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}
static inline void rep_ob_ch(struct rep_obuf *o, char c)
{
    if (o->len == o->cap)
        rep_ob_room(o, 1);
    o->buf[o->len++] = c;
}
void rep_ob_str(struct rep_obuf *o, const char *s);
void rep_ob_u64(struct rep_obuf *o, uint64_t v);
void rep_ob_i64(struct rep_obuf *o, int64_t v);
/* microseconds as seconds with six decimals */
void rep_ob_secs(struct rep_obuf *o, int64_t usec);
/* microseconds as milliseconds with three decimals ("0.432"), whatever the
 * locale */
void rep_ob_ms(struct rep_obuf *o, int64_t usec);
/* a JSON string in quotes; p NULL writes null */
void rep_ob_jstr(struct rep_obuf *o, const char *p, size_t n);
/* a line ends: flush when live */
void rep_ob_eol(struct rep_obuf *o, bool live);
void rep_ob_printf(struct rep_obuf *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Text for HTML and XML (&, <, >, " escaped): valid UTF-8 as is, a control
 * byte (but TAB and, with keep_nl, LF) or a byte that is not UTF-8 as the
 * visible text \xNN (XML 1.0 allows neither) */
void rep_ob_xml(struct rep_obuf *o, const char *p, size_t n, bool keep_nl);
void rep_ob_xstr(struct rep_obuf *o, const char *s);
/* 0xRRGGBB as "#rrggbb" */
void rep_ob_rgb(struct rep_obuf *o, uint32_t rgb);

/* columns UTF-8 text takes in a terminal or a fixed-width font (East Asian
 * wide characters two, combining marks none) */
size_t rep_width(const char *s, size_t n);
/* Word-wrap text (paragraphs split at "\n", kept) into lines of at most
 * `width` columns: the first line after `first` columns are used, every
 * further line after `indent` spaces. Breaks at spaces, and between two
 * wide characters, but never before closing punctuation or after opening
 * punctuation (no line begins with "，" or "。"). */
void rep_wrap(struct rep_obuf *o, const char *s, size_t n, size_t width, size_t first,
              size_t indent);
/* spaces up to display column `col` from column `at` (at least one) */
void rep_pad(struct rep_obuf *o, size_t at, size_t col);

/* RFC 4648 section 4 base64 */
void rep_ob_base64(struct rep_obuf *o, const uint8_t *p, size_t n);

/* ------------------------------------------------------------------------ */
/* The spool: the chunks of a document, written as connections end, put in  */
/* order when the capture ends (spool.c). Exchange numbers of the UI's list */
/* are known only then: a chunk holds rep_spool_num marks that             */
/* rep_spool_copy turns into base + k + 1.                                  */

enum rep_chunk_kind {
    REP_CH_TOC,     /* a connection's lines in a table of contents */
    REP_CH_HEAD,    /* a connection's heading */
    REP_CH_ROW,     /* one row of the list: an exchange's walk */
    REP_CH_TAIL,    /* a connection's end */
    REP_CH_WHOLE    /* a whole document of one connection (SVG) */
};

struct rep_chunk {
    int64_t k1, k2;              /* sort keys, then the order written */
    uint64_t seq;
    uint64_t conn;
    enum rep_chunk_kind kind;
    int64_t row;                 /* REP_CH_ROW: the row on its connection (0-based) */
    uint64_t off, len;
};

struct rep_spool {
    FILE *f;                     /* a temporary file, NULL until opened */
    struct rep_obuf ob;
    struct rep_chunk *ch;
    size_t n, cap;
    uint64_t seq;
    bool open;                   /* a chunk is being written */
};

/* false with errbuf filled when no temporary file can be made */
bool rep_spool_open(struct rep_spool *s, char *errbuf);
void rep_spool_close(struct rep_spool *s);
/* begin a chunk (its keys and kind); what follows goes to s->ob */
struct rep_obuf *rep_spool_begin(struct rep_spool *s, int64_t k1, int64_t k2, uint64_t conn,
                                 enum rep_chunk_kind kind, int64_t row);
void rep_spool_end(struct rep_spool *s);
/* sort the chunks by (k1, k2, order written); false when the spool failed */
bool rep_spool_sort(struct rep_spool *s);
/* Copy a chunk to o, each number mark k written as base + k + 1. */
bool rep_spool_copy(struct rep_spool *s, const struct rep_chunk *c, struct rep_obuf *o,
                    uint64_t base);
/* a mark for the number of row k of the chunk's connection */
void rep_spool_num(struct rep_obuf *o, uint64_t k);

/* ------------------------------------------------------------------------ */
/* The walk of a recorded connection (walk.c): its rows as the UI's list    */
/* shows them, the stages of each in walk order (the handshake with the     */
/* first, the close with the last), the packets of each row's ladder, the   */
/* stages each packet carries, and the timing of an exchange.              */

struct rep_row {
    int64_t x;                   /* the exchange (dec_stage.exchange); bare: -1 */
    const struct dec_exchange *xd;   /* the recorded exchange, or NULL */
    const struct dec_msg *req, *rsp; /* from the exchange, else from its stages */
    const int *stages;           /* indices into the record's stgs, walk order */
    size_t nstages;
    size_t pkt_lo, pkt_hi;       /* its ladder: packets [pkt_lo, pkt_hi) */
};

struct rep_walk {
    const struct dec_record *r;
    uint64_t conn;
    struct rep_row *rows;
    size_t nrows;
    int *idx;                    /* storage of the rows' stage lists */
    /* the stages each packet carries: pkt_stg[pkt_off[p] .. pkt_off[p + 1]) */
    size_t *pkt_off;
    int *pkt_stg;
};

/* the record must be linked (dec_record_link) */
void rep_walk_init(struct rep_walk *wk, const struct dec_record *r);
void rep_walk_done(struct rep_walk *wk);
/* the row of a stage, or -1 */
long rep_walk_row_of(const struct rep_walk *wk, int stage);
/* the row of an exchange index, or -1 */
long rep_walk_row_of_x(const struct rep_walk *wk, int64_t x);

/* the timing of a row, as the UI's timing bar shows it */
enum rep_part_kind { REP_PART_HANDSHAKE, REP_PART_REQUEST, REP_PART_WAIT, REP_PART_TRANSFER,
                     REP_PART_IDLE, REP_PART_TO_CLOSE };
struct rep_part {
    enum rep_part_kind kind;
    tr_time from, to;
};
/* up to 6 parts; returns how many */
size_t rep_walk_timing(const struct rep_walk *wk, size_t row, struct rep_part *out);
const char *rep_part_name(enum rep_part_kind k);   /* translated */
enum teach_role rep_part_role(enum rep_part_kind k);

/* HAR 1.2 timings of a row (section 4.2.16), microseconds, -1: does not apply */
struct rep_har_timing {
    tr_time started;
    int64_t blocked, dns, connect, send, wait, receive, ssl;
};
bool rep_walk_har_timing(const struct rep_walk *wk, size_t row, struct rep_har_timing *t);

/* the kept bytes of a stage: *n of them (at most its length), NULL when
 * none are kept */
const uint8_t *rep_stage_bytes(const struct dec_record *r, const struct dec_stage *s, size_t *n);
/* a stage's step for a heading, appended to b: "Step 3" (the steps of
 * decode.h); nothing for a stage of no step (encrypted bytes) */
void rep_stage_step(struct tr_sbuf *b, const struct dec_stage *s);
/* a stage's title for a heading, appended to b: the title, then " (interim)"
 * for a 1xx response's stage, ", stream 3" for an HTTP/2 stage of a stream
 * and ", in TLS" for one decrypted from TLS */
void rep_stage_title(struct tr_sbuf *b, const struct dec_stage *s);
/* a body stage's bytes to show as content: decoded when it was, else as
 * sent (de-chunked); *decoded says which */
const uint8_t *rep_body_bytes(const struct dec_stage *s, size_t *n, bool *decoded);
/* what a tunnel stage carries, from its first bytes (as teach/ tells it) */
enum rep_tunnel_kind { REP_TUN_UNKNOWN, REP_TUN_TLS, REP_TUN_HTTP };
enum rep_tunnel_kind rep_tunnel_kind(const struct dec_record *r, const struct dec_stage *s,
                                     const uint8_t **line, size_t *line_len);
/* printable text (UTF-8, with TAB CR LF), no NUL or other control */
bool rep_printable(const uint8_t *p, size_t n);
/* TCP flags as "SYN,ACK" into buf */
void rep_flags(char *buf, size_t n, uint8_t flags);
/* the role of a direction's colour */
enum teach_role rep_dir_role(enum tr_dir d);
/* the translated title of a note kind */
const char *rep_note_title(enum dec_note_kind k);
/* the stage a note is told with (the first whose frames hold its frame,
 * else the last that began before it), or -1 */
int rep_note_stage(const struct dec_record *r, const struct dec_note *n);
/* the request's value of a header (first), or absent */
struct dec_str rep_header(const struct dec_msg *m, const char *name);
/* the endpoint as "1.2.3.4:80" or "[::1]:80" into buf (TR_ADDRSTRLEN + 8) */
char *rep_endpoint(char *buf, const struct tr_endpoint *e);
/* frames as "frames 1-3, 7" (at most `ranges` ranges, then their count),
 * ranges joined by sep, a range's ends by dash */
void rep_frames(struct tr_sbuf *b, const uint64_t *f, size_t n, size_t ranges, const char *sep,
                const char *dash);
/* "12 frames, 1 TCP connection, 1 exchange, 0 notes", translated */
void rep_counts(struct tr_sbuf *b, const struct dec_run_stats *st);
/* the row's summary line: "GET /x → 200 OK" (escaped wire text) into b */
void rep_row_title(const struct rep_row *row, bool utf8, struct tr_sbuf *b);

/* ------------------------------------------------------------------------ */
/* The writer and its outputs (writer.c)                                    */

struct rep_writer;

/* how a rendering writes the number of a row */
struct rep_ren {
    struct rep_obuf *o;
    const struct rep_walk *wk;
    int64_t num_base;            /* >= 0: row k is num_base + k + 1; < 0: spool marks */
    size_t show;                 /* body bytes shown */
    int highlight;               /* a stage to highlight, -1 */
    bool utf8;
    bool standalone;             /* SVG: a document of its own (else inside HTML) */
};

void rep_ren_num(const struct rep_ren *rn, size_t row);
/* a translated text with one %s standing for row's number: the text
 * around it written by put (which escapes it), the number as it is */
void rep_ren_numfmt(const struct rep_ren *rn, size_t row, const char *fmt,
                    void (*put)(struct rep_obuf *o, const char *s, size_t n));
/* the heading of an exchange: "Exchange %s: " */
const char *rep_exchange_fmt(void);
/* put functions for rep_ren_numfmt: as is, and escaped for HTML/XML */
void rep_put_plain(struct rep_obuf *o, const char *s, size_t n);
void rep_put_xml(struct rep_obuf *o, const char *s, size_t n);

struct rep_out {
    enum rep_format format;
    const char *name;
    struct rep_obuf ob;          /* the destination */
    struct rep_spool sp;         /* documents */
    bool live;
    bool utf8;
    struct rep_writer *w;
    uint64_t last_conn;          /* live text: the connection written last */
    uint64_t svg_best;           /* SVG without goto: the smallest connection written */
    bool v1;                     /* JSON: strictly version 1 */
    /* JSON version 1: exchanges of version 2 (HTTP/2, inside TLS) are not
     * written, nor counted: per open connection that had some, and in all */
    struct rep_v1skip { uint64_t conn, n; } *v1skip;
    size_t nv1skip, cv1skip;
    uint64_t v1skipped, v1skipped_notes;
};

/* what a document's end needs */
struct rep_end {
    const struct rep_capture_info *ci;
    const struct dec_run_stats *st;
    uint64_t goto_x;             /* 0: whole */
    uint64_t goto_conn;          /* the connection and row of goto_x (conn 0: none) */
    int64_t goto_row;
    uint64_t rows;               /* the rows of the list */
    uint64_t http_conns;         /* connections with HTTP (or TLS) written */
    const struct dec_note *const *fnotes;   /* frame-level notes kept */
    size_t nfnotes;
    uint64_t fnotes_more;        /* and so many not kept */
    /* DNS lookups without an answer or with an error (NXDOMAIN): no connection
     * follows them, so no step 0 shows them; the first LOOKUPS_MAX */
    const struct dec_dns_line *const *lookups;
    size_t nlookups;
    bool utf8;
    size_t show;
    /* the number base of a connection's rows */
    uint64_t (*base)(const struct rep_writer *w, uint64_t conn);
    const struct rep_writer *w;
    /* HAR: the pages found */
    const struct rep_page *pages;
    size_t npages;
};

/* a page of a browser session (HAR) */
struct rep_page {
    char *url;
    tr_time started;
    uint64_t conn;
    int64_t x;
};

/* json.c */
void rep_json_sink(struct rep_out *o, struct dec_sink *out);
void rep_json_capture(struct rep_out *o, const struct rep_capture_info *ci);
void rep_json_stats(struct rep_out *o, const struct dec_run_stats *st, bool flush);

/* text.c */
void rep_text_capture(struct rep_out *o, const struct rep_capture_info *ci);
/* from a file: a connection whole, into the spool */
void rep_text_conn(struct rep_out *o, const struct rep_ren *rn, const struct dec_conn *c);
/* live: each event as it comes */
void rep_text_live_conn(struct rep_out *o, const struct dec_conn *c);
void rep_text_live_stage(struct rep_out *o, const struct dec_conn *c, const struct dec_record *r,
                         const struct dec_stage *s, size_t show);
void rep_text_live_exchange(struct rep_out *o, const struct dec_conn *c,
                            const struct dec_exchange *x, uint64_t number);
void rep_text_live_note(struct rep_out *o, const struct dec_conn *c, const struct dec_note *n);
void rep_text_live_end(struct rep_out *o, const struct dec_conn *c);
void rep_text_end(struct rep_out *o, const struct rep_end *e);
/* walk.c: the lookups of e no connection can follow, told for the documents */
void rep_lookups_text(const struct rep_end *e, struct tr_sbuf *out);

/* html.c, md.c, svg.c, har.c: a connection's chunks into the spool */
void rep_html_conn(struct rep_out *o, const struct rep_ren *rn, const struct dec_conn *c);
void rep_html_end(struct rep_out *o, const struct rep_end *e);
void rep_md_conn(struct rep_out *o, const struct rep_ren *rn, const struct dec_conn *c);
void rep_md_end(struct rep_out *o, const struct rep_end *e);
void rep_svg_conn(struct rep_out *o, const struct rep_ren *rn, bool rows);
void rep_svg_end(struct rep_out *o, const struct rep_end *e);
/* the ladder of packets [lo, hi) of a walk (row: its title, -1 the
 * connection's) as an SVG element */
void rep_svg_ladder(const struct rep_ren *rn, size_t lo, size_t hi, long row);
void rep_har_conn(struct rep_out *o, const struct rep_ren *rn, const struct rep_page *pages,
                  size_t npages);
void rep_har_end(struct rep_out *o, const struct rep_end *e);
/* a HAR document of one row (the UI's export) */
void rep_har_entry_doc(const struct rep_ren *rn, size_t row, const char *source);
/* an IMF-fixdate (RFC 9110 section 5.6.7) as microseconds since 1970 */
bool rep_http_date(const char *p, size_t n, tr_time *out);
/* is this exchange the start of a page (a browser navigation)? its URL into b */
bool rep_har_page_of(const struct dec_exchange *x, const struct tr_conn *tc, struct tr_sbuf *b);
/* an exchange's request URL (absolute) into b */
void rep_har_url(const struct dec_msg *q, const struct tr_conn *tc, struct tr_sbuf *b);

/* one HTML section of a row, shared by --html and the UI's export */
void rep_html_row(const struct rep_ren *rn, size_t row, const struct dec_conn *c);
void rep_html_doc_begin(struct rep_obuf *o, const char *source, const char *subtitle);
void rep_html_doc_end(struct rep_obuf *o);
void rep_md_row(const struct rep_ren *rn, size_t row);
/* the sentence of a document without what it was asked for (no such
 * exchange, no HTTP), in b; NULL when it has something */
const char *rep_nothing_text(const struct rep_end *e, struct tr_sbuf *b);
/* does a chunk belong in the document (the whole capture, or goto_x)? */
bool rep_chunk_wanted(const struct rep_chunk *c, const struct rep_end *e);

#endif
