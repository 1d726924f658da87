/* httpstep.c - main: options, and the wiring capture -> tracer -> decoder ->
 * writer or UI (as tcpdump.c and htop.c do it)
 *
 * Longer than 800 lines: the options table, their checks with a one-line
 * error each, --help, and the wiring of every mode (writers, exports, lab, UI);
 * no logic of a layer lives here.
 */
#include "tracer/tracer.h"
#include "decode/decode.h"
#include "report/report.h"
#include "teach/teach.h"
#include "ui/ui.h"

#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <getopt.h>
#include <langinfo.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef HTTPSTEP_VERSION
#define HTTPSTEP_VERSION "0.1.0"
#endif

/* exit codes (README and httpstep.1 list them) */
enum {
    EXIT_OK = 0,
    EXIT_USAGE = 1,     /* bad options or arguments */
    EXIT_INPUT = 2,     /* the capture cannot be read, or is cut short */
    EXIT_LIVE = 3,      /* a live capture cannot be started */
    EXIT_NOMEM = 4,     /* out of memory (util.c) */
    EXIT_OUTPUT = 5     /* the output cannot be written */
};

#define MAX_PORTS 64

enum mode { MODE_AUTO, MODE_JSON, MODE_TEXT, MODE_STATS };

/* the exports (report.h): --html, --md, --svg, --har FILE */
enum { EXP_HTML, EXP_MD, EXP_SVG, EXP_HAR, EXP_COUNT };
static const struct {
    const char *opt;
    enum rep_format format;
} exports[EXP_COUNT] = {
    {"--html", REP_FORMAT_HTML}, {"--md", REP_FORMAT_MD}, {"--svg", REP_FORMAT_SVG},
    {"--har", REP_FORMAT_HAR},
};

#define MAX_KEYLOGS 16

struct options {
    const char *file;
    const char *iface;
    char *filter;
    uint16_t ports[MAX_PORTS];
    size_t nports;
    uint64_t count;
    double duration;
    enum mode mode;
    const char *write_file;
    const char *goto_spec;
    const char *lang;
    const char *user;
    bool big, mono;
    int buffer_kib;
    size_t max_conns, max_ooo, max_header, max_headers, preview, max_ui_x;
    bool preview_set;            /* --preview was given */
    const char *export_path[EXP_COUNT];  /* NULL: not asked for; "-": standard output */
    int snaplen;            /* -s: live, bytes kept per packet (0: the default) */
    int json_version;       /* --json-version: 1 or 2 (0: 2) */
    bool lab, lab_answers;  /* --lab, --answers (issue 19) */
    const char *lesson;     /* --lesson FILE (issue 19) */
    uint64_t lab_seed;      /* --seed: 0 the fixed order */
    const char *keylogs[MAX_KEYLOGS];  /* --keylog files, in order */
    size_t nkeylogs;
};

static const char *progname = "httpstep";
static volatile sig_atomic_t stop_requested;

__attribute__((format(printf, 2, 3), noreturn)) static void die(int code, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(code);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: httpstep [options] [FILE] [EXPRESSION]\n"
            "       httpstep -r FILE [options] [EXPRESSION]\n"
            "       httpstep -i IFACE [options] [EXPRESSION]\n"
            "\n"
            "Shows the seven steps of every HTTP/1.x exchange in a capture, or live.\n"
            "\n"
            "  -r FILE          read a pcap or pcapng file ('-' is standard input)\n"
            "  -i IFACE         capture live on an interface (e.g. lo)\n"
            "  -p PORT          a server port (repeatable; default 80); the default filter\n"
            "                   becomes '(tcp port PORT or ...) or (udp port 53)'\n"
            "                   (live, without -p or EXPRESSION: '(tcp port 80) or\n"
            "                   (udp port 53)': HTTP and the DNS lookups before it)\n"
            "  EXPRESSION       a BPF filter that replaces the default one, as in tcpdump\n"
            "  -c COUNT         stop after COUNT exchanges\n"
            "  -s SNAPLEN       live: bytes kept of each packet (0: 262144, the default)\n"
            "  -n               accepted for tcpdump's sake: httpstep never looks names up\n"
            "  -D               list the interfaces -i can capture on (-i takes a number too)\n"
            "      --duration S stop after S seconds\n"
            "  -w FILE          also save every packet read to FILE (pcap)\n"
            "  -Z USER          live: after opening the interface, run as USER (under sudo:\n"
            "                   the invoking user, by default)\n"
            "  -B KIB           live: the kernel's capture buffer in KiB (default %u), as\n"
            "                   tcpdump -B; raise it when packets are dropped\n"
            "      --keylog FILE  TLS secrets in the NSS key log format, as browsers and curl\n"
            "                   write them with SSLKEYLOGFILE=FILE (repeatable): HTTPS is\n"
            "                   decrypted; live, the file is read again as it grows.\n"
            "                   Secrets inside a pcapng file are read without it\n"
            "      --json       write the walk as JSON Lines (transcript version 2)\n"
            "      --json-version 1  strictly version 1: no HTTPS, HTTP/2 or DNS lines\n"
            "                   or fields, for readers of version 1\n"
            "      --text       write the walk as a transcript: each stage on a line or two,\n"
            "                   the bytes as sent, in the --lang language; the explanations\n"
            "                   are in --md and --html (a transcript stays short to read\n"
            "                   and to compare)\n"
            "      --stats      decode every stage (no decompression), write only the\n"
            "                   statistics line\n"
            "      --html FILE  write a printable page: every stage with its bytes, its\n"
            "                   explanation, the ladders and timing (no script, no network)\n"
            "      --md FILE    write the same walk as Markdown, wrapped at 80 columns\n"
            "      --svg FILE   write the ladder of the first connection (or of the --goto\n"
            "                   exchange) as SVG, for slides\n"
            "      --har FILE   write HAR 1.2 with timings measured on the packets\n"
            "                   (FILE '-' is standard output; the exports and one of --json,\n"
            "                   --text, --stats are all written in one pass)\n"
            "      --max-conns N       connections followed at once (default %u)\n"
            "      --max-ooo BYTES     out-of-order bytes held per connection (default %u)\n"
            "      --max-header BYTES  bytes of one message head (default %u)\n"
            "      --max-headers N     header fields kept per message (default %u)\n"
            "      --preview BYTES     body bytes kept per stage for display (default\n"
            "                          %u); the written walks show 2048 unless given\n"
            "      --max-ui-exchanges N  exchanges of one connection the UI keeps in detail\n"
            "                          at once (default 64)\n"
            "      --goto X[,STAGE]    open the UI at exchange X (1-based), at a stage given by\n"
            "                          name (status_line) or number; the exports then hold\n"
            "                          exchange X only\n"
            "      --lang en|zh        the language of the explanations and of the written\n"
            "                          walks (default: the locale)\n"
            "      --lab        lab mode: questions about the capture (HTTP versions, headers,\n"
            "                   frames, sequence numbers, RTT, window, close, TLS, HTTP/2,\n"
            "                   DNS...), each answer\n"
            "                   typed and checked, the score at the end (see LAB MODE in\n"
            "                   httpstep(1)); --lang zh asks in Chinese\n"
            "      --lab --text the questions as a worksheet to print\n"
            "      --lab --answers  the answer key: each answer, why, and its stage and frame\n"
            "      --lesson FILE  walk a teacher's lesson (see LESSONS in httpstep(1)): the\n"
            "                   UI opens on its capture, goes to each step's place, shows\n"
            "                   what to say there and asks its questions, the score at the\n"
            "                   end; --lang zh in Chinese. Not on a terminal (answers piped\n"
            "                   in), the same walk as a quiz on stdin, as --lab\n"
            "      --lesson FILE --text  the lesson as a worksheet to print\n"
            "      --lesson FILE --answers  its answer key\n"
            "      --seed N     --lab: shuffle the questions and choices by N (default: the\n"
            "                   fixed order, the same on every run)\n"
            "      --big        projector mode: high contrast, fewer panes\n"
            "      --mono       no colors (also NO_COLOR=1)\n"
            "      --help-keys  the UI's keys, as a Markdown table\n"
            "  -h, --help       this help\n"
            "  -V, --version    the version\n"
            "\n"
            "Exit status: 0 done, 1 usage, 2 unreadable or cut capture (or a lesson with a\n"
            "mistake: one line FILE:LINE: what), 3 live capture failed,\n"
            "4 out of memory, 5 output not written.\n",
            TR_DEFAULT_BUFFER_KIB, TR_DEFAULT_MAX_CONNS, TR_DEFAULT_MAX_OOO, DEC_DEFAULT_MAX_HEADER,
            DEC_DEFAULT_MAX_HEADERS, DEC_DEFAULT_PREVIEW);
}

static uint64_t parse_number(const char *opt, const char *s, uint64_t max)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max)
        die(EXIT_USAGE, "invalid %s '%s': expected a number up to %llu", opt, s,
            (unsigned long long)max);
    return v;
}

static char *join_args(char **argv, int n)
{
    size_t len = 1;
    for (int i = 0; i < n; i++)
        len += strlen(argv[i]) + 1;
    char *s = tr_xmalloc(len);
    s[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static bool is_file(const char *path)
{
    struct stat st;
    return strcmp(path, "-") == 0 || stat(path, &st) == 0;
}

/* A path rather than the first word of a filter expression: filters have
 * neither a slash in their first word nor a capture file's extension. */
static bool looks_like_path(const char *arg)
{
    static const char *const exts[] = {".pcap", ".pcapng", ".cap", ".ntar", ".dmp", ".erf"};
    if (strchr(arg, '/') && !strchr(arg, ' '))
        return true;
    const char *dot = strrchr(arg, '.');
    for (size_t i = 0; dot && i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return true;
    return false;
}

static bool has_capture_ext(const char *path)
{
    static const char *const exts[] = {".pcap", ".pcapng", ".cap", ".ntar", ".dmp", ".erf"};
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof exts / sizeof exts[0]; i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return true;
    return false;
}

/* -D, as tcpdump prints it: "1.lo", one a line */
static void list_interfaces(void)
{
    char err[TR_ERRBUF_SIZE];
    char **list = tr_capture_interfaces(err);
    if (!list)
        die(EXIT_LIVE, "%s", err);
    for (size_t i = 0; list[i]; i++)
        printf("%zu.%s\n", i + 1, list[i]);
    tr_capture_free_list(list);
}

/* -i N: the Nth interface -D lists, unless an interface has that name (tcpdump) */
static const char *interface_by_number(const char *arg)
{
    char *end;
    unsigned long n = strtoul(arg, &end, 10);
    if (end == arg || *end || n == 0)
        return arg;
    char err[TR_ERRBUF_SIZE];
    char **list = tr_capture_interfaces(err);
    const char *name = arg;
    size_t count = 0;
    for (size_t i = 0; list && list[i]; i++, count++)
        if (strcmp(list[i], arg) == 0) {
            tr_capture_free_list(list);
            return arg;
        }
    if (n <= count)
        name = tr_xstrdup(list[n - 1]);  /* lives as long as the program */
    tr_capture_free_list(list);
    return name;
}

/* Does a filter expression begin with this word? The primitives and
 * qualifiers of pcap-filter(7); a lone word that is none of them and no
 * file is a capture name mistyped. */
static bool filter_word(const char *arg)
{
    static const char *const words[] = {
        "host", "net", "port", "portrange", "src", "dst", "ether", "ip", "ip6", "arp", "rarp",
        "tcp", "udp", "icmp", "icmp6", "sctp", "igmp", "pim", "ah", "esp", "vrrp", "not", "less",
        "greater", "proto", "vlan", "mpls", "pppoed", "pppoes", "geneve", "gateway", "broadcast",
        "multicast", "inbound", "outbound", "len", "ifname", "on", "wlan", "type", "subtype",
        "dir", "link", "iso", "atalk", "decnet", "stp", "ipx", "llc", "and", "or"};
    if (arg[0] == '(' || arg[0] == '!')
        return true;
    size_t n = strspn(arg, "abcdefghijklmnopqrstuvwxyz0123456789");
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == n && strncmp(arg, words[i], n) == 0)
            return true;
    return false;
}

/* The export files: none may be a capture (`--html capture.pcap` with the
 * output's name forgotten would overwrite the capture), and only one output
 * may go to standard output. */
static void check_exports(const struct options *o)
{
    int to_stdout = o->mode == MODE_JSON || o->mode == MODE_TEXT || o->mode == MODE_STATS;
    struct stat in;
    bool have_in = o->file && strcmp(o->file, "-") != 0 && stat(o->file, &in) == 0;
    for (int e = 0; e < EXP_COUNT; e++) {
        const char *p = o->export_path[e];
        if (!p)
            continue;
        if (strcmp(p, "-") == 0) {
            if (to_stdout++)
                die(EXIT_USAGE, "%s -: only one output can go to standard output", exports[e].opt);
            continue;
        }
        struct stat st;
        if (has_capture_ext(p) ||
            (have_in && stat(p, &st) == 0 && st.st_dev == in.st_dev && st.st_ino == in.st_ino))
            die(EXIT_USAGE, "%s '%s': that is a capture; name the file to write first, e.g. "
                            "%s out.%s CAPTURE",
                exports[e].opt, p, exports[e].opt, rep_format_name(exports[e].format));
        for (int f = 0; f < e; f++)
            if (o->export_path[f] && strcmp(o->export_path[f], p) == 0)
                die(EXIT_USAGE, "%s and %s both write '%s'", exports[f].opt, exports[e].opt, p);
    }
}

/* --lab with what it combines with (issue 19) */
static void check_lab(const struct options *o)
{
    if (o->lesson) {
        if (o->lab)
            die(EXIT_USAGE, "--lab and --lesson: one at a time");
        if (o->lab_seed)
            die(EXIT_USAGE, "--seed is for --lab (a lesson asks in its own order)");
        if (o->file || o->iface)
            die(EXIT_USAGE, "--lesson FILE: the lesson names its capture; give no other");
        if (o->mode == MODE_JSON || o->mode == MODE_STATS)
            die(EXIT_USAGE, "--lesson: with --text (the worksheet) or --answers (the key), or "
                            "alone (the UI)");
        if (o->mode == MODE_TEXT && o->lab_answers)
            die(EXIT_USAGE, "choose one of --text (the worksheet) and --answers (the key)");
        for (int e = 0; e < EXP_COUNT; e++)
            if (o->export_path[e])
                die(EXIT_USAGE, "--lesson and %s: one at a time", exports[e].opt);
        return;
    }
    if (!o->lab) {
        if (o->lab_answers || o->lab_seed)
            die(EXIT_USAGE, "%s is for --lab or --lesson (see --help)",
                o->lab_answers ? "--answers" : "--seed");
        return;
    }
    if (o->iface)
        die(EXIT_USAGE, "--lab asks about a capture file, not a live capture: --lab FILE");
    if (!o->file)
        die(EXIT_USAGE, "--lab needs a capture file: httpstep --lab FILE");
    if (o->mode == MODE_JSON || o->mode == MODE_STATS)
        die(EXIT_USAGE, "--lab writes questions: with --text (the worksheet) or --answers (the key)");
    if (o->mode == MODE_TEXT && o->lab_answers)
        die(EXIT_USAGE, "choose one of --text (the worksheet) and --answers (the key)");
    for (int e = 0; e < EXP_COUNT; e++)
        if (o->export_path[e])
            die(EXIT_USAGE, "--lab and %s: one at a time", exports[e].opt);
    if (strcmp(o->file, "-") == 0 && o->mode != MODE_TEXT && !o->lab_answers)
        die(EXIT_USAGE, "--lab reads the answers from standard input: give the capture as a file");
}

static void keylog_warn(void *ctx, const char *msg);

/* --lab: the questions of a capture asked on the terminal, or written as a
 * worksheet (--text) or its key (--answers) */
static int run_lab(const struct options *o)
{
    char err[TR_ERRBUF_SIZE];
    teach_i18n_init(o->lang);
    setlocale(LC_NUMERIC, "C");
    struct dec_pipeline_opts po = {
        .file = o->file, .filter = o->filter, .ports = o->ports, .nports = o->nports,
        .max_conns = o->max_conns, .max_ooo = o->max_ooo, .max_header = o->max_header,
        .max_headers = o->max_headers, .keylogs = o->keylogs, .nkeylogs = o->nkeylogs,
        .warn = keylog_warn,
    };
    struct teach_lab *l = teach_lab_new();
    if (!teach_lab_load(l, &po, err)) {
        teach_lab_free(l);
        die(EXIT_INPUT, "%s", err);
    }
    teach_lab_generate(l, o->lab_seed);
    if (teach_lab_count(l) == 0) {
        teach_lab_free(l);
        die(EXIT_INPUT, "%s: no lab questions: the capture holds no TCP handshake, HTTP exchange, TLS "
            "handshake or DNS lookup to ask about",
            o->file);
    }
    bool ok = true;
    if (o->mode == MODE_TEXT || o->lab_answers)
        ok = rep_lab_sheet(l, o->file, o->lab_answers, stdout);
    else
        rep_lab_quiz(l, o->file, stdin, stdout);
    teach_lab_free(l);
    if (!ok || fflush(stdout) != 0)
        die(EXIT_OUTPUT, "cannot write the output: %s", strerror(errno));
    return EXIT_OK;
}

/* --lesson: the lesson read and checked against its capture (errors: one
 * line FILE:LINE: what), then the UI, the worksheet or the key; not on a
 * terminal, the quiz on stdin */
static int run_lesson(const struct options *o)
{
    char err[2 * TR_ERRBUF_SIZE];
    bool sheet = o->mode == MODE_TEXT || o->lab_answers;
    bool quiz = !sheet && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO));
    teach_i18n_init(o->lang);
    if (sheet || quiz)
        setlocale(LC_NUMERIC, "C");
    struct dec_pipeline_opts po = {
        .filter = o->filter, .ports = o->ports, .nports = o->nports,
        .max_conns = o->max_conns, .max_ooo = o->max_ooo, .max_header = o->max_header,
        .max_headers = o->max_headers,
    };
    struct teach_lesson *ls = teach_lesson_load(o->lesson, &po, err, sizeof err);
    if (!ls) {
        fprintf(stderr, "%s\n", err);
        return EXIT_INPUT;
    }
    int rc = EXIT_OK;
    if (sheet) {
        if (!rep_lesson_sheet(ls, o->lab_answers, stdout) || fflush(stdout) != 0)
            rc = EXIT_OUTPUT;
    } else if (quiz) {  /* not a terminal: the questions on stdin, as --lab asks */
        rep_lesson_quiz(ls, stdin, stdout);
        if (ferror(stdout) || fflush(stdout) != 0)
            rc = EXIT_OUTPUT;
    } else {
        struct ui_run_opts uo = {
            .file = ls->capture_path, .filter = o->filter, .ports = o->ports,
            .nports = o->nports, .lang = o->lang, .big = o->big, .mono = o->mono,
            .max_conns = o->max_conns, .max_ooo = o->max_ooo, .max_header = o->max_header,
            .max_headers = o->max_headers, .preview = o->preview,
            .max_ui_exchanges = o->max_ui_x, .lesson = ls,
        };
        rc = ui_run(&uo);
    }
    teach_lesson_free(ls);
    if (rc == EXIT_OUTPUT)
        die(EXIT_OUTPUT, "cannot write the output: %s", strerror(errno));
    return rc;
}

static void parse_options(int argc, char **argv, struct options *o)
{
    enum { OPT_JSON = 256, OPT_TEXT, OPT_STATS, OPT_DURATION, OPT_MAX_CONNS, OPT_MAX_OOO,
           OPT_MAX_HEADER, OPT_MAX_HEADERS, OPT_PREVIEW, OPT_GOTO, OPT_LANG, OPT_BIG, OPT_MONO,
           OPT_HELP_KEYS, OPT_MAX_UI_X, OPT_HTML, OPT_MD, OPT_SVG, OPT_HAR, OPT_JSON_VERSION,
           OPT_LAB, OPT_ANSWERS, OPT_SEED, OPT_KEYLOG, OPT_LESSON };
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"text", no_argument, NULL, OPT_TEXT},
        {"stats", no_argument, NULL, OPT_STATS},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"max-conns", required_argument, NULL, OPT_MAX_CONNS},
        {"max-ooo", required_argument, NULL, OPT_MAX_OOO},
        {"max-header", required_argument, NULL, OPT_MAX_HEADER},
        {"max-headers", required_argument, NULL, OPT_MAX_HEADERS},
        {"preview", required_argument, NULL, OPT_PREVIEW},
        {"max-ui-exchanges", required_argument, NULL, OPT_MAX_UI_X},
        {"json-version", required_argument, NULL, OPT_JSON_VERSION},
        {"keylog", required_argument, NULL, OPT_KEYLOG},
        {"goto", required_argument, NULL, OPT_GOTO},
        {"lang", required_argument, NULL, OPT_LANG},
        {"big", no_argument, NULL, OPT_BIG},
        {"mono", no_argument, NULL, OPT_MONO},
        {"help-keys", no_argument, NULL, OPT_HELP_KEYS},
        {"html", required_argument, NULL, OPT_HTML},
        {"md", required_argument, NULL, OPT_MD},
        {"svg", required_argument, NULL, OPT_SVG},
        {"har", required_argument, NULL, OPT_HAR},
        {"lab", no_argument, NULL, OPT_LAB},
        {"lesson", required_argument, NULL, OPT_LESSON},
        {"answers", no_argument, NULL, OPT_ANSWERS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    memset(o, 0, sizeof *o);
    opterr = 0;  /* one line of our own for every option error */
    o->preview = DEC_DEFAULT_PREVIEW;
    while ((ch = getopt_long(argc, argv, ":r:i:p:c:w:Z:s:B:nDhV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            o->file = optarg;
            break;
        case 'i':
            o->iface = interface_by_number(optarg);
            break;
        case 'p':
            if (o->nports == MAX_PORTS)
                die(EXIT_USAGE, "too many -p ports (at most %d)", MAX_PORTS);
            o->ports[o->nports++] = (uint16_t)parse_number("port", optarg, 65535);
            if (o->ports[o->nports - 1] == 0)
                die(EXIT_USAGE, "invalid port '0'");
            break;
        case 'c':
            o->count = parse_number("count", optarg, UINT64_MAX);
            if (o->count == 0)
                die(EXIT_USAGE, "invalid count '0': at least 1 (without -c, httpstep reads on)");
            break;
        /* -- tcpdump's -s, -n and -D (issue 14) -- */
        case 's':
            o->snaplen = (int)parse_number("snaplen", optarg, 262144);
            break;
        case 'n':
            break;  /* names are never resolved */
        case 'D':
            list_interfaces();
            exit(EXIT_OK);
        case 'w':
            o->write_file = optarg;
            break;
        case 'Z':
            o->user = optarg;
            break;
        case 'B':
            /* under 2 GiB: libpcap takes the size in bytes as an int */
            o->buffer_kib = (int)parse_number("-B buffer size", optarg, INT_MAX / 1024);
            if (o->buffer_kib == 0)
                die(EXIT_USAGE, "invalid -B buffer size '0': at least 1 KiB");
            break;
        case OPT_JSON:
        case OPT_TEXT:
        case OPT_STATS: {
            enum mode m = ch == OPT_JSON ? MODE_JSON : ch == OPT_TEXT ? MODE_TEXT : MODE_STATS;
            if (o->mode != MODE_AUTO && o->mode != m)
                die(EXIT_USAGE, "choose one of --json, --text and --stats");
            o->mode = m;
            break;
        }
        case OPT_DURATION: {
            char *end;
            o->duration = strtod(optarg, &end);
            if (end == optarg || *end || !(o->duration > 0))
                die(EXIT_USAGE, "invalid duration '%s': expected seconds", optarg);
            break;
        }
        case OPT_MAX_CONNS:
            o->max_conns = parse_number("--max-conns", optarg, 100000000);
            if (o->max_conns == 0)
                die(EXIT_USAGE, "invalid --max-conns '0': at least 1");
            break;
        case OPT_MAX_OOO:
            o->max_ooo = parse_number("--max-ooo", optarg, 1u << 30);
            break;
        case OPT_MAX_HEADER:
            o->max_header = parse_number("--max-header", optarg, 1u << 30);
            break;
        case OPT_MAX_HEADERS:
            o->max_headers = parse_number("--max-headers", optarg, 1000000);
            break;
        case OPT_PREVIEW:
            o->preview = parse_number("--preview", optarg, 1u << 30);
            o->preview_set = true;
            break;
        case OPT_HTML:
        case OPT_MD:
        case OPT_SVG:
        case OPT_HAR: {
            int e = ch - OPT_HTML;
            if (o->export_path[e])
                die(EXIT_USAGE, "%s is given twice", exports[e].opt);
            if (!*optarg)
                die(EXIT_USAGE, "%s needs a file name", exports[e].opt);
            o->export_path[e] = optarg;
            break;
        }
        case OPT_JSON_VERSION:
            o->json_version = (int)parse_number("--json-version", optarg, 2);
            if (o->json_version < 1)
                die(EXIT_USAGE, "invalid --json-version '%s': 1 or 2", optarg);
            break;
        case OPT_KEYLOG:
            if (!*optarg)
                die(EXIT_USAGE, "--keylog needs a file name");
            if (o->nkeylogs >= MAX_KEYLOGS)
                die(EXIT_USAGE, "--keylog is given more than %d times", MAX_KEYLOGS);
            o->keylogs[o->nkeylogs++] = optarg;
            break;
        case OPT_MAX_UI_X:
            o->max_ui_x = parse_number("--max-ui-exchanges", optarg, 1000000);
            if (o->max_ui_x < 2)
                die(EXIT_USAGE, "invalid --max-ui-exchanges '%s': at least 2", optarg);
            break;
        case OPT_GOTO: {
            char *end;
            unsigned long x = strtoul(optarg, &end, 10);
            if (end == optarg || x == 0 || (*end && *end != ','))
                die(EXIT_USAGE, "invalid --goto '%s': expected EXCHANGE[,STAGE], e.g. 3,status_line",
                    optarg);
            if (*end == ',' && end[1] && !isdigit((unsigned char)end[1]) &&
                dec_stage_by_name(end + 1) == DEC_STAGE_COUNT)
                die(EXIT_USAGE, "invalid --goto stage '%s': a number or a stage name such as "
                                "request_line", end + 1);
            o->goto_spec = optarg;
            break;
        }
        case OPT_LANG:
            if (strcmp(optarg, "en") != 0 && strcmp(optarg, "zh") != 0)
                die(EXIT_USAGE, "invalid --lang '%s': en or zh", optarg);
            o->lang = optarg;
            break;
        case OPT_BIG:
            o->big = true;
            break;
        case OPT_MONO:
            o->mono = true;
            break;
        case OPT_LAB:
            o->lab = true;
            break;
        case OPT_LESSON:
            if (!*optarg)
                die(EXIT_USAGE, "--lesson needs a lesson file");
            o->lesson = optarg;
            break;
        case OPT_ANSWERS:
            o->lab_answers = true;
            break;
        case OPT_SEED:
            o->lab_seed = parse_number("--seed", optarg, UINT64_MAX);
            if (o->lab_seed == 0)
                die(EXIT_USAGE, "invalid --seed '0': at least 1 (without --seed, the fixed order)");
            break;
        case OPT_HELP_KEYS:
            ui_keys_markdown(stdout);
            exit(EXIT_OK);
        case 'h':
            usage(stdout);
            exit(EXIT_OK);
        case 'V':
            printf("httpstep %s (%s)\n", HTTPSTEP_VERSION, tr_capture_lib_version());
            exit(EXIT_OK);
        case ':':
            die(EXIT_USAGE, "option '%s' needs an argument (see --help)", argv[optind - 1]);
        default:
            if (optopt > 0 && optopt < 256)
                die(EXIT_USAGE, "unknown option '-%c' (see --help)", optopt);
            if (optopt >= 256)  /* a long option without a value, given one (--json=1) */
                die(EXIT_USAGE, "option '%s' takes no value (see --help)", argv[optind - 1]);
            die(EXIT_USAGE, "unknown option '%s' (see --help)", argv[optind - 1]);
        }
    }
    argv += optind;
    argc -= optind;
    if (o->file && o->iface)
        die(EXIT_USAGE, "give either -r FILE or -i IFACE, not both");
    /* a lone FILE works as -r FILE; the rest is the filter expression */
    if (!o->file && !o->iface && argc > 0) {
        if (is_file(argv[0])) {
            o->file = argv[0];
            argv++;
            argc--;
        } else if (looks_like_path(argv[0]) || !filter_word(argv[0])) {
            /* a mistyped file name, not a filter expression */
            die(EXIT_INPUT, "'%s': %s (a capture file, or -i IFACE before a filter expression)",
                argv[0], strerror(ENOENT));
        }
    }
    /* one capture at a time: a second file is not a filter */
    if (o->file && argc > 0 && !filter_word(argv[0]) && (is_file(argv[0]) || looks_like_path(argv[0])))
        die(EXIT_USAGE, "one capture at a time: '%s' after '%s' (mergecap joins captures; a filter "
                        "expression may follow the file)",
            argv[0], o->file);
    if (argc > 0)
        o->filter = join_args(argv, argc);
    check_exports(o);
    check_lab(o);
}

/* After opening a live interface, give up root (tcpdump -Z): to -Z USER,
 * else to the user who ran sudo. */
static bool drop_privileges(const char *user, char *err)
{
    if (geteuid() != 0)
        return true;
    uid_t uid;
    gid_t gid;
    const char *name = user;
    if (user) {
        struct passwd *pw = getpwnam(user);
        if (!pw) {
            snprintf(err, TR_ERRBUF_SIZE, "unknown user '%s' (-Z)", user);
            return false;
        }
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    } else {
        const char *su = getenv("SUDO_UID"), *sg = getenv("SUDO_GID");
        if (!su || !sg || !*su || !*sg)
            return true;  /* root by choice: nothing to drop to */
        uid = (uid_t)strtoul(su, NULL, 10);
        gid = (gid_t)strtoul(sg, NULL, 10);
        if (uid == 0)
            return true;
        struct passwd *pw = getpwuid(uid);
        name = pw ? pw->pw_name : NULL;
    }
    if ((name ? initgroups(name, gid) : setgroups(1, &gid)) != 0 || setgid(gid) != 0 ||
        setuid(uid) != 0) {
        snprintf(err, TR_ERRBUF_SIZE, "cannot drop privileges to uid %u: %s", (unsigned)uid,
                 strerror(errno));
        return false;
    }
    if (setuid(0) == 0 || getuid() != uid || geteuid() != uid) {
        snprintf(err, TR_ERRBUF_SIZE, "privileges were not dropped to uid %u", (unsigned)uid);
        return false;
    }
    return true;
}

struct live_ctx {
    const struct options *o;
    bool dump_failed;            /* the -w file could not be opened */
};

/* once a live interface is open: give up root, then open the -w file */
static bool after_open(struct tr_capture *cap, void *ctx, char *err)
{
    struct live_ctx *lc = ctx;
    const struct options *o = lc->o;
    if (!drop_privileges(o->user, err))
        return false;
    if (o->write_file && tr_capture_dump_open(cap, o->write_file, err) != 0) {
        lc->dump_failed = true;
        return false;
    }
    return true;
}

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static tr_time now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (tr_time)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* a pipe or a FIFO (tcpdump -U -w - | httpstep --json) is as live as an
 * interface: every line goes out as soon as it is complete */
static bool input_is_stream(const char *file)
{
    struct stat st;
    if (!file)
        return false;
    if (strcmp(file, "-") == 0)
        return fstat(STDIN_FILENO, &st) == 0 && !S_ISREG(st.st_mode);
    return stat(file, &st) == 0 && !S_ISREG(st.st_mode);
}

/* a malformed key log line, or a key log that went away: one line */
static void keylog_warn(void *ctx, const char *msg)
{
    (void)ctx;
    fprintf(stderr, "%s: %s\n", progname, msg);
}

static bool utf8_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

int main(int argc, char **argv)
{
    struct options o;
    char err[TR_ERRBUF_SIZE];
    setlocale(LC_ALL, "");
    parse_options(argc, argv, &o);
    if (o.lesson) {
        int rc = run_lesson(&o);
        free(o.filter);
        return rc;
    }
    if (o.lab) {
        int rc = run_lab(&o);
        free(o.filter);
        return rc;
    }

    bool live = o.iface != NULL;
    bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    enum mode mode = o.mode;
    size_t nexp = 0;
    for (int e = 0; e < EXP_COUNT; e++)
        nexp += o.export_path[e] != NULL;
    if (mode == MODE_AUTO && !nexp && tty && !(o.file && strcmp(o.file, "-") == 0)) {
        /* the stepper UI: on a file, live, or (neither) the picker */
        struct live_ctx lc = {&o, false};
        struct ui_run_opts uo = {
            .file = o.file, .iface = o.iface, .filter = o.filter, .ports = o.ports,
            .nports = o.nports, .goto_spec = o.goto_spec, .lang = o.lang, .big = o.big,
            .mono = o.mono, .after_open = after_open, .after_open_ctx = &lc,
            .max_conns = o.max_conns, .max_ooo = o.max_ooo, .max_header = o.max_header,
            .max_headers = o.max_headers, .preview = o.preview, .max_ui_exchanges = o.max_ui_x,
            .snaplen = o.snaplen,
            .buffer_kib = o.buffer_kib,
            .keylogs = o.keylogs, .nkeylogs = o.nkeylogs,
        };
        int rc = ui_run(&uo);
        free(o.filter);
        return rc;
    }
    if (!o.file && !live) {
        if (isatty(STDIN_FILENO))
            die(EXIT_USAGE, "no capture given: httpstep FILE, or -i IFACE (see --help)");
        o.file = "-";  /* a capture piped in */
    }
    if (mode == MODE_AUTO && !nexp)
        mode = MODE_TEXT;  /* not a terminal: the readable transcript */

    /* the written walks speak the --lang language; numbers in them are
     * written the same whatever the locale */
    if (mode == MODE_TEXT || nexp) {
        teach_i18n_init(o.lang);
        setlocale(LC_NUMERIC, "C");
    }
    /* the export files, opened before any work: an unwritable path stops here */
    struct rep_output more[EXP_COUNT];
    size_t nmore = 0;
    for (int e = 0; e < EXP_COUNT; e++) {
        const char *path = o.export_path[e];
        if (!path)
            continue;
        bool std = strcmp(path, "-") == 0;
        FILE *f = std ? stdout : fopen(path, "w");
        if (!f)
            die(EXIT_OUTPUT, "cannot write '%s': %s", path, strerror(errno));
        more[nmore++] = (struct rep_output){exports[e].format, f, std ? NULL : path};
    }
    struct rep_writer_opts wo = {
        .format = mode == MODE_JSON ? REP_FORMAT_JSON : mode == MODE_STATS ? REP_FORMAT_STATS
                                                                            : REP_FORMAT_TEXT,
        .out = mode == MODE_AUTO ? NULL : stdout, .live = live || input_is_stream(o.file),
        .utf8 = utf8_locale(), .more = more, .nmore = nmore,
        .preview = o.preview_set ? o.preview : 0,
        .goto_x = o.goto_spec ? strtoull(o.goto_spec, NULL, 10) : 0,
        .json_version = o.json_version,
    };
    struct rep_writer *w = rep_writer_new(&wo, err);
    if (!w)
        die(EXIT_OUTPUT, "%s", err);
    struct dec_sink dsink;
    rep_writer_sink(w, &dsink);
    struct live_ctx lc = {&o, false};
    struct dec_pipeline_opts po = {
        .file = o.file, .iface = o.iface, .filter = o.filter, .ports = o.ports,
        .nports = o.nports, .max_conns = o.max_conns, .max_ooo = o.max_ooo,
        .max_header = o.max_header, .max_headers = o.max_headers,
        .preview = rep_writer_preview(w),
        .decode_content = mode != MODE_STATS || nmore, /* --stats: the benchmark mode */
        .after_open = after_open, .after_open_ctx = &lc, .snaplen = o.snaplen,
        .buffer_kib = o.buffer_kib,
        .keylogs = o.keylogs, .nkeylogs = o.nkeylogs, .warn = keylog_warn,
    };
    struct dec_pipeline *pipe;
    switch (dec_pipeline_open(&pipe, &po, &dsink, err)) {
    case DEC_PIPE_OK:
        break;
    case DEC_PIPE_EFILTER:
        rep_writer_free(w);
        die(EXIT_USAGE, "%s", err);
    case DEC_PIPE_ELIVE:
        rep_writer_free(w);
        die(lc.dump_failed ? EXIT_OUTPUT : EXIT_LIVE, "%s", err);
    default:
        rep_writer_free(w);
        die(EXIT_INPUT, "%s", err);
    }
    struct tr_capture *cap = dec_pipeline_capture(pipe);
    if (!live && o.write_file && tr_capture_dump_open(cap, o.write_file, err) < 0) {
        dec_pipeline_close(pipe);
        rep_writer_free(w);
        die(EXIT_OUTPUT, "%s", err);
    }
    struct rep_capture_info ci = {live ? o.iface : o.file,
                                  tr_capture_linktype_name(tr_capture_linktype(cap)),
                                  tr_capture_snaplen(cap), live};
    rep_writer_capture(w, &ci);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    tr_time started = now_us();
    int status = EXIT_OK;
    int fd = dec_pipeline_fd(pipe);
    while (!stop_requested) {
        enum dec_pipe_step rc = dec_pipeline_next(pipe);
        if (rc == DEC_PIPE_FRAME) {
            if (o.count && rep_writer_exchanges(w) >= o.count)
                break;
        } else if (rc == DEC_PIPE_IDLE) {
            if (fd >= 0) {
                struct pollfd pfd = {fd, POLLIN, 0};
                poll(&pfd, 1, 100);
            }
        } else {
            if (rc == DEC_PIPE_ERROR)
                status = live ? EXIT_LIVE : EXIT_INPUT;
            break;
        }
        if (o.duration > 0 && now_us() - started >= (tr_time)(o.duration * 1e6))
            break;
    }
    dec_pipeline_finish(pipe);

    struct dec_run_stats st;
    dec_pipeline_stats(pipe, &st);
    rep_writer_stats(w, &st);
    bool wrote = rep_writer_flush(w);
    int write_errno = errno;
    const char *failed = wrote ? NULL : rep_writer_failed(w);
    uint64_t rows = 0;
    bool found = rep_writer_goto_found(w, &rows);
    char read_err[TR_ERRBUF_SIZE];
    snprintf(read_err, sizeof read_err, "%s", dec_pipeline_error(pipe));
    dec_pipeline_close(pipe);
    rep_writer_free(w);
    for (size_t i = 0; i < nmore; i++) {
        if (more[i].out != stdout && fclose(more[i].out) != 0 && wrote) {
            wrote = false;
            write_errno = errno;
            failed = more[i].name;
        }
    }
    free(o.filter);
    if (status != EXIT_OK)
        die(status, "%s", read_err);
    if (!wrote && failed && strcmp(failed, "standard output") != 0)
        die(EXIT_OUTPUT, "cannot write '%s': %s", failed, strerror(write_errno));
    if (!wrote)
        die(EXIT_OUTPUT, "cannot write the output: %s", strerror(write_errno));
    if (!found)
        die(EXIT_USAGE, "--goto: there is no exchange %llu (%llu in all)",
            (unsigned long long)wo.goto_x, (unsigned long long)rows);
    return EXIT_OK;
}
