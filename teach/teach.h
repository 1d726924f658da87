/* teach.h - the learner's text: what each stage is and why, filled with
 * the capture's real values, in the language chosen (gettext), for the UI
 * and for the printed walks
 *
 * It reads the model (a struct dec_record of one connection) and never
 * prints, draws or exits. This is the only teach/ header other layers
 * include.
 */
#ifndef HTTPSTEP_TEACH_H
#define HTTPSTEP_TEACH_H

#include "../decode/decode.h"

#include <libintl.h>
#include <wchar.h>

/* gettext, for every text a learner reads */
#ifndef _
#define _(s) gettext(s)
#endif
#define N_(s) (s)
/* a singular and a plural marked for translation, used later with ngettext */
#define NP_(one, many) one, many
/* a text with a number in it: the singular, the plural, the number */
#define P_(one, many, n) ngettext(one, many, (unsigned long)(n))

/* Set up gettext: lang "en", "zh" or NULL (the locale's); the catalog is
 * found next to the binary (a build tree) or installed. Returns whether
 * the terminal can show UTF-8. */
bool teach_i18n_init(const char *lang);
/* is the language in use Chinese? */
bool teach_lang_zh(void);

/* The explanation of stage `stage` of a record, in the current language,
 * appended to out: paragraphs separated by "\n\n". Values from the wire
 * are escaped (controls as \r \n \xNN). */
void teach_explain(const struct dec_record *r, int stage, struct tr_sbuf *out);

/* Step 0 (issue 17): a DNS lookup told with its values (the question, the
 * answer's addresses, CNAME chain and TTLs, NXDOMAIN, the time it took, the
 * resolver) and what its TTL means for the next visit, appended to out as
 * paragraphs. server: the address of the connection it led to, or NULL (a
 * lookup no captured connection followed). The dns_lookup stage's
 * explanation (teach_explain) is this. */
void teach_explain_lookup(const struct dec_dns_line *d, const struct tr_addr *server,
                          struct tr_sbuf *out);
/* one line: "www.lesson.test A? 10.77.0.1 (TTL 300 s), from 10.77.0.53 in
 * 0.49 ms (frames 1, 2)", appended to out */
void teach_lookup_summary(const struct dec_dns_line *d, struct tr_sbuf *out);
/* the label of the query's arrow ("DNS query www.lesson.test A?") or the
 * answer's ("DNS answer A 10.77.0.1, TTL 300"), in buf; returns buf */
const char *teach_lookup_arrow(const struct dec_dns_line *d, bool answer, char *buf, size_t cap);
/* Which key log lines decrypted a stage (s->tls_keys: the TLS handshake's
 * stages, and HTTP inside TLS), in the current language, appended to out:
 * "the SERVER_HANDSHAKE_TRAFFIC_SECRET from keys.log line 3", "the
 * CLIENT_RANDOM master secret from the Decryption Secrets Block number 1 of
 * x.pcapng, line 2 of its text", joined by ", ", with the KeyUpdates applied
 * (TLS 1.3). Returns false (out unchanged) when none did. */
bool teach_tls_keys_phrase(const struct dec_stage *s, struct tr_sbuf *out);
/* The stream a stage's offset and length are in: the decrypted
 * (plaintext) stream of its direction for a stage carried inside TLS
 * (s->tls: HTTP/1 and HTTP/2 stages of a decrypted connection), the TCP
 * byte stream otherwise (the TLS handshake's and the encrypted stages'
 * records, plain HTTP). Read it with dec_stream_at. */
const struct dec_stream *teach_stage_stream(const struct dec_record *r, const struct dec_stage *s);

/* translated titles (decode.h's tables) */
const char *teach_stage_title(enum dec_stage_kind k);
const char *teach_stage_brief(enum dec_stage_kind k);
const char *teach_step_label(int step, bool brief);
/* ------------------------------------------------------------------------ */
/* The one numbering (issue 14): the title, the step bar, the ladder and     */
/* the explanation show the same number and label for a stage.             */

/* The number of a stage kind in the seven steps: decode.h's step, with a
 * letter for the parts of a step that come one after another: "1"
 * handshake, "2" request line, "3a" request headers, "3b" blank line, "3c"
 * request body, "4" status line, "5" response headers, "6a" blank line,
 * "6b" response body or tunnel (one or the other), "7" close or keep-alive
 * (one or the other). A constant string, the same in every language; "?"
 * for a kind out of range. */
const char *teach_stage_number(enum dec_stage_kind k);
/* A stage's label in the current language, without its number, written to
 * buf (cap bytes, NUL-terminated when cap > 0) and returned: the kind's
 * title (brief: its short label, about 10 columns), except that the stages
 * of an interim (1xx) response name it by its code and the reason phrase
 * as sent: its status line "100 Continue" (brief: the same, cut to 12
 * columns), its headers "100 Continue: Response headers" (brief "100
 * Resp.hdr"), its blank line "100 Continue: Blank line" (brief "100
 * Blank"). Wire bytes are escaped; the reason is cut to 40 bytes. */
const char *teach_stage_label(const struct dec_stage *s, bool brief, char *buf, size_t cap);

/* A duration for a label, in the current language, written to buf (cap
 * bytes) and returned: "35 µs", "1.4 ms", "2.05 s" ("35 微秒", "1.4 毫秒"
 * in Chinese); brief: SI symbols without a space, for narrow columns
 * ("35µs", "1.4ms", "2.05s"). A negative usec (nothing answered, not
 * measured) gives "—". Without UTF-8 (teach_i18n_init said so) µ is "u"
 * and — is "-". */
const char *teach_fmt_duration(int64_t usec, bool brief, char *buf, size_t cap);

/* Line breaking for the learner's text (UAX #14 and the Chinese rules of
 * GB/T 15834): may a wrapped line end between the characters a and b? Not
 * before closing or middle punctuation (，。、；：？！）」》… and , . ; : ! ? ) ]),
 * not after opening punctuation (（「《“ and ( [), not inside "——" or "……".
 * A wrapper that breaks after a wide character asks this first, so that no
 * line starts with "，" or "。" and no "。" stands alone on a line. */
bool teach_break_ok(wchar_t a, wchar_t b);

/* the reason phrase of a status code in IANA's registry, or NULL */
const char *teach_status_reason(int status);

/* wire bytes made safe to show: printable ASCII and valid UTF-8 as they
 * are, CR LF TAB as \r \n \t, any other byte as \xNN; a new string the
 * caller frees (NULL for p NULL) */
char *teach_safe_dup(const char *p, size_t n);

/* ------------------------------------------------------------------------ */
/* report/ (issue 18): the colours of the roles, one table for the screen   */
/* and the printed exports. ui/screen.c can take its UI_COLOR_* pairs for   */
/* these roles from ansi_fg/ansi_bg; report/ writes rgb_fg/rgb_bg into CSS  */
/* and SVG (dark enough on white paper and on a projector, and told apart  */
/* by more than colour where it matters).                                   */

/* role, CSS name, ANSI foreground and background (0 black .. 7 white, -1
 * the terminal's default), RGB foreground and background for paper */
#define TEACH_ROLE_LIST(X)                                                   \
    X(NORMAL, "normal", -1, -1, 0x1a1a1a, 0xffffff)                          \
    X(TITLE, "title", 0, 6, 0x102a30, 0xcfeef3)                              \
    X(CLIENT, "client", 6, -1, 0x00677d, 0xe3f4f7)                           \
    X(SERVER, "server", 2, -1, 0x2b6e2f, 0xe6f3e6)                           \
    X(HIGHLIGHT, "highlight", 0, 3, 0x000000, 0xffd84d)                      \
    X(NOTE, "note", 1, -1, 0xb3261e, 0xfdeceb)                               \
    X(DIM, "dim", 7, -1, 0x5f6368, 0xf1f3f4)                                 \
    X(OK, "ok", 2, -1, 0x2b6e2f, 0xe6f3e6)                                   \
    X(REDIRECT, "redirect", 6, -1, 0x00677d, 0xe3f4f7)                       \
    X(CLIENT_ERR, "client-err", 3, -1, 0x8a5300, 0xfff1d6)                   \
    X(SERVER_ERR, "server-err", 1, -1, 0xb3261e, 0xfdeceb)                   \
    X(CRLF, "crlf", 5, -1, 0x9c2790, 0xfbe9f9)

enum teach_role {
#define X(id, css, afg, abg, fg, bg) TEACH_ROLE_##id,
    TEACH_ROLE_LIST(X)
#undef X
    TEACH_ROLE_COUNT
};

struct teach_colour {
    const char *css;        /* a class name: "client" */
    short ansi_fg, ansi_bg; /* curses COLOR_* numbers, -1: default */
    uint32_t rgb_fg, rgb_bg;/* 0xRRGGBB */
};

/* the colours of a role (a static table entry) */
const struct teach_colour *teach_role_colour(enum teach_role r);
/* the role of a status code's class (2xx OK, 3xx REDIRECT, 4xx, 5xx), or NORMAL */
enum teach_role teach_status_role(int status);

/* TLS: why records of the connection stay encrypted, in a short phrase for
 * the transcript ("no key for this TLS session in the key log (--keylog)"),
 * from the connection's notes; NULL when no note says (translated, static) */
const char *teach_tls_why_encrypted(const struct dec_record *d);

/* HTTP/2 (issue 16): a colour per stream, the same on the screen (8-colour
 * terminals: ANSI foregrounds) and in the exports (dark enough on white
 * paper). The colour follows from the stream's id alone, so the ladder, the
 * list and the SVG agree without a table per connection: the client's
 * streams 1, 3, 5 ... take the colours in order, the server's pushed
 * streams 2, 4 ... from the middle of the palette; past
 * TEACH_STREAM_COLOURS streams the colours repeat, and the stream's id,
 * always shown beside its colour, tells them apart. Stream 0 (the
 * connection's own frames) has none. The roles' colours are not among the
 * streams' meanings: an HTTP/2 ladder draws what is of no stream dimmed. */
#define TEACH_STREAM_COLOURS 6
/* the palette index of stream id (0 .. TEACH_STREAM_COLOURS - 1), -1 for 0 */
int teach_stream_slot(uint32_t stream);
/* the colour of a palette index (css "stream-0" ..), a static table entry */
const struct teach_colour *teach_stream_colour(int slot);

/* ------------------------------------------------------------------------ */
/* Lab mode (issue 19, teach/lab*.c): questions about the capture in the    */
/* style of the Kurose & Ross Wireshark labs, each asked only where the     */
/* model holds its fact, with the answer, the rule it is checked by and the */
/* stage that holds it. The UI (key L) and --lab (report/lab.c) use them.   */

/* how an answer is checked */
enum teach_lab_kind {
    TEACH_LAB_NUMBER,            /* a number within tol of value (or one of also[]) */
    TEACH_LAB_NAME,              /* a name, ignoring case and surrounding spaces */
    TEACH_LAB_EXACT,             /* a text as sent (credentials), surrounding spaces ignored */
    TEACH_LAB_CHOICE             /* one of choices: its letter, its number or its text */
};

#define TEACH_LAB_MAX_CHOICES 4
#define TEACH_LAB_MAX_ALSO 16
#define TEACH_LAB_MAX_ACCEPT 4

/* One question. Every string is owned by it (teach_lab_q_done frees them)
 * and is in the language current when it was made. */
struct teach_lab_q {
    const char *id;              /* stable, not translated: "syn_seq" */
    enum teach_lab_kind kind;
    char *text;                  /* the question */
    double value, tol;           /* NUMBER: the answer and the tolerance (absolute) */
    bool usec;                   /* NUMBER: microseconds; an answer may say "ms" or "s" */
    double bare_us;              /* usec: what a number without a unit counts (1e6: seconds;
                                  * 0: microseconds) */
    const char *unit;            /* NUMBER: a count's word ("bytes", untranslated, static) an
                                  * answer may write after the number, or NULL */
    uint64_t also[TEACH_LAB_MAX_ALSO];  /* NUMBER: other values accepted (the frames of a stage) */
    size_t nalso;
    char *accept[TEACH_LAB_MAX_ACCEPT]; /* NAME, EXACT: the answers accepted */
    size_t naccept;
    char *choices[TEACH_LAB_MAX_CHOICES];  /* CHOICE, in the order shown */
    size_t nchoices, right;      /* right: the index of the right one */
    char *answer;                /* the answer, for the key */
    char *why;                   /* what in the capture makes it so */
    /* where the answer is: the connection (tracer's number), its exchange
     * (0-based, -1: the handshake or the close), the stage kind (of the
     * final response, unless interim), a frame */
    uint64_t conn;
    int64_t exchange;
    enum dec_stage_kind stage;
    bool interim;
    uint64_t frame;
    bool packet;                 /* the answer is in that frame's packet detail */
};

void teach_lab_q_done(struct teach_lab_q *q);

struct teach_lab;                /* the questions of one capture */

/* An empty lab; feed it the decoder's events (teach_lab_sink) of a whole
 * capture, then teach_lab_generate. */
struct teach_lab *teach_lab_new(void);
void teach_lab_free(struct teach_lab *l);
/* the dec_sink that keeps what the questions need (the first
 * TEACH_LAB_MAX_CONNS connections; their events are borrowed as usual) */
#define TEACH_LAB_MAX_CONNS 64
void teach_lab_sink(struct teach_lab *l, struct dec_sink *out);
/* Read a capture file through the pipeline into l (po: the caller's
 * options; its file is read to the end). False with errbuf
 * (TR_ERRBUF_SIZE) filled when it cannot be read. */
bool teach_lab_load(struct teach_lab *l, const struct dec_pipeline_opts *po, char *errbuf);
/* Make the questions, in the current language: in a fixed order (the
 * order of the labs: HTTP, then TCP) when seed is 0, else shuffled by
 * seed (the questions and the choices of each). Again replaces them. */
void teach_lab_generate(struct teach_lab *l, uint64_t seed);
size_t teach_lab_count(const struct teach_lab *l);
/* question i (borrowed from l) */
const struct teach_lab_q *teach_lab_get(const struct teach_lab *l, size_t i);

enum teach_lab_verdict {
    TEACH_LAB_WRONG = 0,
    TEACH_LAB_RIGHT,
    TEACH_LAB_UNREADABLE         /* not a number, not a choice: say how to answer */
};
/* Check an answer (a line typed, NUL-terminated) */
enum teach_lab_verdict teach_lab_check(const struct teach_lab_q *q, const char *answer);
/* how the answer is checked, in the current language: "a number; within
 * 2 of the answer", written to buf (cap bytes) and returned */
const char *teach_lab_rule(const struct teach_lab_q *q, char *buf, size_t cap);
/* where the answer is, for a hint: "connection 1, exchange 1, stage 4
 * Status line, frame 6", written to buf and returned */
const char *teach_lab_where(const struct teach_lab_q *q, char *buf, size_t cap);

/* "What comes next?": a multiple-choice question about the stage after
 * stage idx of r (a connection's record), asked only where the model makes
 * the answer certain (a HEAD response has no body; Expect: 100-continue
 * waits for 100 Continue; a pipeline's responses come in request order;
 * Connection: close; a status line is followed by headers; a blank line
 * by a body of Content-Length bytes) and the record holds that next stage.
 * False when there is none; else *out is filled (teach_lab_q_done). */
bool teach_lab_next(const struct dec_record *r, int idx, struct teach_lab_q *out);
/* The part-th question (0 first) of that step: a step may have two (the
 * response said Connection: close: "who sends the first FIN?", then, the
 * first FIN told, "what comes next?"; the close stage's answers come from
 * the connection's packets: the other side's FIN, with new data before it
 * or none, or a reset; never asked for a simultaneous close or a capture
 * that ends first). Also after a ClientHello (the ServerHello) and after a
 * PUSH_PROMISE (what the connection carries next). teach_lab_next is part 0. */
bool teach_lab_next_part(const struct dec_record *r, int idx, int part, struct teach_lab_q *out);

/* ------------------------------------------------------------------------ */
/* Teacher lessons (issue 19, teach/lesson*.c): a small text format for a   */
/* walk through one capture, written by a teacher: a title and an           */
/* introduction, then steps, each a place to go to (an exchange and stage   */
/* as --goto names them, or a frame), things to say there and questions     */
/* with their answers, every text in English and Chinese. The format is in  */
/* httpstep(1), LESSONS. Questions are struct teach_lab_q (checked by       */
/* teach_lab_check), made in the language current when the lesson is read. */

#define TEACH_LESSON_MAX_BYTES (1u << 20)   /* a lesson file, at most */
#define TEACH_LESSON_MAX_LINE 4096          /* bytes of one line */
#define TEACH_LESSON_MAX_STEPS 200
#define TEACH_LESSON_MAX_SAY 32             /* things to say in one step */
#define TEACH_LESSON_MAX_ASK 16             /* questions in one step */

/* a text in both languages (owned by the lesson) */
struct teach_ltext {
    char *en, *zh;
    unsigned line;               /* the line of its English text */
};
/* the text in the current language */
const char *teach_ltext(const struct teach_ltext *t);

/* where a step goes: exchange x (1-based, the UI's list and --goto) with
 * its stage of kind `kind` (-1: the exchange's first) or its nth stage
 * (nth > 0, as --goto X,N), or the stage that holds frame `frame` (x 0
 * until teach_lesson_bind finds it) */
struct teach_place {
    uint64_t x;
    int kind;
    unsigned nth;
    uint64_t frame;
    int stage;                   /* teach_lesson_bind: the kind it lands on, -1 before */
};

struct teach_lesson_step {
    unsigned line;               /* the line of its `step` */
    struct teach_place at;
    struct teach_ltext *say;
    size_t nsay;
    struct teach_lab_q *qs;      /* its questions (conn, exchange: 0, -1) */
    size_t nq;
};

struct teach_lesson {
    char *name;                  /* the file name, for messages */
    char *capture;               /* as written after `capture` */
    char *capture_path;          /* the capture, relative to the lesson's folder */
    struct teach_ltext title, intro;
    struct teach_lesson_step *steps;
    size_t nsteps, csteps;
    unsigned capture_line;
};

/* Parse a lesson of len bytes (name: for messages; dir: the folder a
 * relative capture is in, NULL for the current one). NULL on a mistake,
 * with errbuf (cap bytes) one line "NAME:LINE: what is wrong". The
 * questions are made in the current language (teach_i18n_init first). */
struct teach_lesson *teach_lesson_parse(const char *text, size_t len, const char *name,
                                        const char *dir, char *errbuf, size_t cap);
/* Read and parse a lesson file (at most TEACH_LESSON_MAX_BYTES); NULL with
 * errbuf "PATH: cannot read: ..." or "PATH:LINE: ..." */
struct teach_lesson *teach_lesson_read(const char *path, char *errbuf, size_t cap);
void teach_lesson_free(struct teach_lesson *ls);
/* Check every step's place against the capture the lab read (its
 * connections in the order of the UI's list: exchange rows, one row for a
 * connection without exchanges) and fill in the exchange of a frame's
 * step. False with errbuf "NAME:LINE: ..." for a place the capture lacks. */
bool teach_lesson_bind(struct teach_lesson *ls, const struct teach_lab *lab, char *errbuf,
                       size_t cap);
/* The three above at once: the lesson file read, its capture read through
 * the pipeline (po: the caller's options, its file replaced by the
 * lesson's capture) and the lesson bound to it. NULL with errbuf one line
 * "PATH:LINE: ..." (a capture that cannot be read: at its `capture` line). */
struct teach_lesson *teach_lesson_load(const char *path, const struct dec_pipeline_opts *po,
                                       char *errbuf, size_t cap);
/* the questions of the whole lesson */
size_t teach_lesson_questions(const struct teach_lesson *ls);
/* a place as the learner reads it: "exchange 2, stage 4 Status line",
 * "frame 7 (exchange 1, stage 1 Handshake)", in buf */
const char *teach_place_text(const struct teach_place *p, char *buf, size_t cap);

#endif
