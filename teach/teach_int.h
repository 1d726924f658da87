/* teach_int.h - private to teach/: the catalog of texts (catalog.c) and the
 * context in which a stage's text is composed (compose.c), shared by the
 * composers of the connection's stages (explain.c) and of the messages'
 * stages (explain_msg.c)
 *
 * Catalog texts are returned untranslated (the msgids marked with N_);
 * the composer passes each through _() where it writes it, so that a text
 * is translated once, where it is used.
 */
#ifndef HTTPSTEP_TEACH_INT_H
#define HTTPSTEP_TEACH_INT_H

#include "teach.h"

/* ------------------------------------------------------------ catalog -- */

/* what a composer says after a header's text, about its very value */
enum teach_hdr_more {
    TEACH_HM_NONE,
    TEACH_HM_AUTHORIZATION,      /* the scheme; Basic decoded */
    TEACH_HM_COOKIE,             /* how many cookies, and the risk */
    TEACH_HM_SET_COOKIE,         /* a cookie without Secure */
    TEACH_HM_CONTENT_LENGTH,     /* the size a HEAD answer's body would have */
    TEACH_HM_CONTENT_TYPE,       /* the multipart boundary */
    TEACH_HM_ETAG,               /* a weak tag */
    TEACH_HM_WEIGHTS,            /* the q weights as sent */
    TEACH_HM_TRANSFER_CODING,    /* chunked or not, and what else */
    TEACH_HM_LOCATION            /* a redirect's target or a new resource */
};

/* a header's text: one %s, its value (RFC 9110 unless it says) */
struct teach_hdr_text {
    const char *name;
    int dir;                     /* -1 any, TR_DIR_C2S (request), TR_DIR_S2C (response) */
    const char *text;
    enum teach_hdr_more more;
};
/* the text of a header name (ignoring case) in a direction, or NULL */
const struct teach_hdr_text *teach_cat_header(const char *name, size_t len, enum tr_dir dir);

/* a note kind's title and explanation */
const char *teach_cat_note_title(enum dec_note_kind k);
const char *teach_cat_note_text(enum dec_note_kind k);

/* a method's text (RFC 9110 9, PATCH RFC 5789), one %s: the target; NULL
 * for a method it does not list */
const char *teach_cat_method(const char *method);

/* the forms of a request-target (RFC 9112 3.2) */
enum teach_target_form {
    TEACH_TF_ORIGIN, TEACH_TF_QUERY, TEACH_TF_ABSOLUTE, TEACH_TF_AUTHORITY, TEACH_TF_ASTERISK,
    TEACH_TF_OTHER
};
enum teach_target_form teach_cat_target_form(const char *method, const char *target);
/* one %s: the target */
const char *teach_cat_target_text(enum teach_target_form f);

/* a version's text (RFC 9112 2.3, RFC 1945): "" for HTTP/0.9; NULL for
 * one it does not list */
const char *teach_cat_version(const char *version);

/* is the text in English (no translation in use)? The decoder's English
 * words are shown only then */
bool teach_text_english(void);

/* is a form field's or parameter's name password-like? */
bool teach_cat_secret_name(const uint8_t *p, size_t n);

/* what a composer shows of a body's bytes after its type's text */
enum teach_body_more {
    TEACH_BM_NONE,
    TEACH_BM_EXCERPT,            /* its beginning */
    TEACH_BM_FORM,               /* the fields, decoded */
    TEACH_BM_MULTIPART,          /* the parts */
    TEACH_BM_HTML                /* its beginning, and the files it names */
};
struct teach_body_text {
    const char *type;            /* "text/" a top-level type; "+json" a suffix */
    const char *text;            /* one %s: the Content-Type value */
    enum teach_body_more more;
};
/* the text of a media type (lowercase); the last entry matches any */
const struct teach_body_text *teach_cat_body(const char *media_type);

/* how a status code's text is filled */
enum teach_vsrc {
    TEACH_V_NONE,
    TEACH_V_TARGET,              /* the request target */
    TEACH_V_METHOD,
    TEACH_V_REQUEST,             /* method and target */
    TEACH_V_VERSION,             /* the request's version */
    TEACH_V_COND,                /* If-Modified-Since or If-None-Match, with its name */
    TEACH_V_REQ_HDR,             /* a request header */
    TEACH_V_HDR                  /* a header of this response, else of the request */
};
/* a code of IANA's HTTP Status Code Registry (RFC 9110 15) */
struct teach_status_text {
    int code;
    const char *reason;          /* as registered; "(Unused)" for 306 and 418 */
    enum teach_vsrc src;
    const char *hdr;             /* for TEACH_V_REQ_HDR and TEACH_V_HDR */
    const char *text;            /* one %s, filled from src (none for TEACH_V_NONE) */
};
const struct teach_status_text *teach_cat_status(int code);
/* the text of a class (100..599), or NULL */
const char *teach_cat_status_class(int code);

/* who sent Connection: keep-alive */
enum teach_ka_who { TEACH_KA_ANY, TEACH_KA_CLIENT, TEACH_KA_SERVER, TEACH_KA_BOTH };
/* why the connection stays open (the decoder's reason_text), or NULL */
const char *teach_cat_keep_alive(const char *reason, enum teach_ka_who who);

/* how it closed, and who began (RFC 9293 3.6), or NULL */
const char *teach_cat_close(enum tr_close_how how, int initiator);

/* why it closed */
enum teach_close_why {
    TEACH_W_NONE,
    TEACH_W_REQ_CLOSE,           /* the only request said close */
    TEACH_W_REQ_CLOSE_LAST,      /* the last of several */
    TEACH_W_RSP_CLOSE,
    TEACH_W_HTTP10,
    TEACH_W_UNTIL_CLOSE,
    TEACH_W_TUNNEL,
    TEACH_W_IDLE_SERVER,
    TEACH_W_DONE_CLIENT,
    TEACH_W_NO_HTTP,
    TEACH_W_COUNT
};
/* one %s where the time since the last response matters; NULL for NONE */
const char *teach_cat_close_why(enum teach_close_why w);

/* ------------------------------------------------------------ context -- */

#define TEACH_VAL_MAX 200     /* bytes of a value from the wire shown in a text */
#define TEACH_EXCERPT_MAX 80  /* bytes of a body shown as its beginning */
#define TEACH_ROWS_MAX 24     /* rows of a list: form fields, query parameters, parts */
#define TEACH_HEADERS_MAX 48  /* headers explained one by one */
#define TEACH_FRAMES_MAX 8    /* frame numbers listed for a group of notes */

/* what the exchange of the stage looks like, from its stages (and from the
 * recorded exchange once it is complete) */
struct teach_xinfo {
    const struct dec_exchange *xd;   /* NULL until the exchange is recorded */
    const char *method, *target, *version;  /* escaped */
    const struct dec_header *qh;     /* request headers (wire bytes) */
    size_t nqh;
    int status;                      /* final status, 0: none yet */
    const char *reason, *rversion;   /* escaped */
    const struct dec_header *rh;     /* final response headers (wire bytes) */
    size_t nrh;
    int rl, sl;                      /* stage of the request line, final status line, -1 */
};

/* one stage's text while it is composed; every string a helper returns is
 * owned by it and lives until teach_explain returns */
struct teach_ex {
    const struct dec_record *d;
    const struct dec_stage *s;
    int idx;
    struct tr_sbuf *out;
    size_t start;                    /* where this text begins in out */
    char **own;                      /* strings freed at the end */
    size_t nown, cown;
    struct teach_xinfo x;
    bool *mine;                      /* per note: does this stage mention it? */
};

/* the context of stage idx of d (teach_ex_done frees what it holds) */
void teach_ex_init(struct teach_ex *e, const struct dec_record *d, int idx, struct tr_sbuf *out);
void teach_ex_done(struct teach_ex *e);

/* a paragraph (paragraphs are separated by one empty line) */
void teach_para(struct teach_ex *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* the same into out, whose text began at start (a composer without a record) */
void teach_vpara(struct tr_sbuf *out, size_t start, const char *fmt, va_list ap);
/* a paragraph without placeholders (a table's, already translated) */
void teach_para_str(struct teach_ex *e, const char *text);
/* keep p until the end (returns it) */
const char *teach_own(struct teach_ex *e, char *p);
const char *teach_printf(struct teach_ex *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* a value already safe for the screen, cut to TEACH_VAL_MAX bytes */
const char *teach_clip(struct teach_ex *e, const char *v);
/* bytes from the wire made safe for the screen, at most max of them */
const char *teach_safe_bytes(struct teach_ex *e, const uint8_t *p, size_t n, size_t max);
/* a string from the wire, escaped (NULL when absent) */
const char *teach_val(struct teach_ex *e, struct dec_str v);
/* a span of wire bytes, escaped and cut to TEACH_VAL_MAX */
const char *teach_span(struct teach_ex *e, const uint8_t *p, struct dec_span s);
/* stand-ins for a header value not sent, a part not captured */
const char *teach_not_sent(const char *v);
const char *teach_not_captured(const char *v);
/* "10.0.0.1:80", "[::1]:80" */
const char *teach_endpoint(struct teach_ex *e, const struct tr_endpoint *ep);
/* a duration for a learner: milliseconds below ten seconds */
const char *teach_duration(struct teach_ex *e, int64_t usec);
double teach_ms(int64_t usec);
/* "10, 11, 12" (at most TEACH_FRAMES_MAX, then "...") */
const char *teach_frame_list(struct teach_ex *e, const uint64_t *f, size_t n);
/* sorted frames with runs as ranges: "6-8, 10" (at most 6 runs, then "...") */
const char *teach_frame_ranges(struct teach_ex *e, const uint64_t *f, size_t n);
/* "frame 8", "frames 6-8, 10" of a stage */
const char *teach_frames_phrase(struct teach_ex *e, const struct dec_stage *s);

/* the value of a header (escaped, "" when empty), NULL when not sent */
const char *teach_hget(struct teach_ex *e, const struct dec_header *h, size_t n, const char *name);
/* the first header so named, or NULL */
const struct dec_header *teach_hfind(const struct dec_header *h, size_t n, const char *name);
const char *teach_req_hdr(struct teach_ex *e, const char *name);
/* of the response this stage belongs to (interim or final) */
const char *teach_rsp_hdr(struct teach_ex *e, const char *name);
bool teach_is_method(const struct teach_ex *e, const char *m);
/* is the request HTTP/1.1 without a Host header (RFC 9112 3.2)? */
bool teach_missing_host(struct teach_ex *e);
/* does an escaped value hold this token in its comma-separated list? */
bool teach_has_token(const char *list, const char *tok);

/* the next stage of this exchange of a kind, after stage from, or -1 */
int teach_stage_after(const struct teach_ex *e, int from, enum dec_stage_kind kind);
const struct dec_stage *teach_handshake_stage(const struct dec_record *d);
/* the connection's tls note, or NULL */
const struct dec_note *teach_tls_note(const struct dec_record *d);
const struct dec_pkt *teach_pkt_of(const struct dec_record *d, uint64_t frame);
/* notes.c: which notes the stage mentions (e->mine) */
void teach_notes_mark(struct teach_ex *e);
/* was part of this stage cut off (a truncated packet, a gap, a message cut
 * short)? */
bool teach_stage_cut(const struct teach_ex *e);
/* the notes this stage mentions, one paragraph per kind */
void teach_notes(struct teach_ex *e);

/* ---------------------------------------------------------- composers -- */

/* lead.c: the stage's real values, first (keep-alive and close: their
 * composers write it) */
void teach_lead(struct teach_ex *e);

/* explain.c: the connection's stages */
void teach_explain_handshake(struct teach_ex *e);
void teach_explain_tunnel(struct teach_ex *e);
void teach_explain_socks(struct teach_ex *e);       /* explain_socks.c */
void teach_explain_keep_alive(struct teach_ex *e);
void teach_explain_close(struct teach_ex *e);
void teach_explain_no_handshake(struct teach_ex *e);
/* explain_dns.c: step 0, the dns_lookup stage; on a handshake, where the
 * address came from when no captured lookup gave it */
void teach_explain_dns(struct teach_ex *e);
void teach_explain_no_lookup(struct teach_ex *e);
/* explain_msg.c: the messages' stages */
void teach_explain_request_line(struct teach_ex *e);
void teach_explain_headers(struct teach_ex *e);
void teach_explain_blank_line(struct teach_ex *e);
void teach_explain_body(struct teach_ex *e);
void teach_explain_status_line(struct teach_ex *e);
/* explain_tls.c: the TLS handshake's stages, the records that stay
 * encrypted, and the paragraph of an HTTP stage carried inside TLS */
void teach_explain_tls_client_hello(struct teach_ex *e);
void teach_explain_tls_server_hello(struct teach_ex *e);
void teach_explain_tls_client_finished(struct teach_ex *e);
void teach_explain_encrypted(struct teach_ex *e);
void teach_explain_inside_tls(struct teach_ex *e);
/* was some of the connection's TLS decrypted (a key log had its secrets)? */
bool teach_tls_decrypted(const struct dec_record *d);
/* did the connection's TLS handshake choose h2 by ALPN? */
bool teach_tls_alpn_h2(const struct dec_record *d);
/* explain_h2.c: HTTP/2's own stages */
void teach_explain_h2_preface(struct teach_ex *e);
void teach_explain_h2_settings(struct teach_ex *e);
void teach_explain_push_promise(struct teach_ex *e);
void teach_explain_stream_end(struct teach_ex *e);
void teach_explain_goaway(struct teach_ex *e);
/* and what the message stages say of HTTP/2: the streams in progress at
 * the same time as this one (multiplexing), header compression (HPACK),
 * the flow-control and PING frames among the stage's; the pseudo-header
 * fields of a message as "name value" pairs (NULL: none) */
void teach_h2_alongside(struct teach_ex *e);
void teach_h2_hpack(struct teach_ex *e);
void teach_h2_frames(struct teach_ex *e);
const char *teach_h2_pseudo_list(struct teach_ex *e, const struct dec_msg *m);

#endif
