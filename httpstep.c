/* httpstep.c - main: options, and the wiring capture -> tracer -> decoder ->
 * writer or UI (as tcpdump.c and htop.c do it) */
#include "tracer/tracer.h"
#include "decode/decode.h"
#include "report/report.h"
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
            "                   becomes 'tcp port PORT or ...'\n"
            "  EXPRESSION       a BPF filter that replaces the default one, as in tcpdump\n"
            "  -c COUNT         stop after COUNT exchanges\n"
            "      --duration S stop after S seconds\n"
            "  -w FILE          also save every packet read to FILE (pcap)\n"
            "  -Z USER          live: after opening the interface, run as USER (under sudo:\n"
            "                   the invoking user, by default)\n"
            "  -B KIB           live: the kernel's capture buffer in KiB (default %u), as\n"
            "                   tcpdump -B; raise it when packets are dropped\n"
            "      --json       write the walk as JSON Lines\n"
            "      --text       write the walk as a readable transcript\n"
            "      --stats      decode every stage (no decompression), write only the\n"
            "                   statistics line\n"
            "      --max-conns N       connections followed at once (default %u)\n"
            "      --max-ooo BYTES     out-of-order bytes held per connection (default %u)\n"
            "      --max-header BYTES  bytes of one message head (default %u)\n"
            "      --max-headers N     header fields kept per message (default %u)\n"
            "      --preview BYTES     body bytes kept per stage for display (default %u)\n"
            "      --max-ui-exchanges N  exchanges of one connection the UI keeps in detail\n"
            "                          at once (default 64)\n"
            "      --goto X[,STAGE]    open the UI at exchange X (1-based), at a stage given by\n"
            "                          name (status_line) or number\n"
            "      --lang en|zh        the language of the explanations (default: the locale)\n"
            "      --big        projector mode: high contrast, fewer panes\n"
            "      --mono       no colors (also NO_COLOR=1)\n"
            "      --help-keys  the UI's keys, as a Markdown table\n"
            "  -h, --help       this help\n"
            "  -V, --version    the version\n"
            "\n"
            "Exit status: 0 done, 1 usage, 2 unreadable or cut capture, 3 live capture failed,\n"
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
    char *s = xmalloc(len);
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

static void parse_options(int argc, char **argv, struct options *o)
{
    enum { OPT_JSON = 256, OPT_TEXT, OPT_STATS, OPT_DURATION, OPT_MAX_CONNS, OPT_MAX_OOO,
           OPT_MAX_HEADER, OPT_MAX_HEADERS, OPT_PREVIEW, OPT_GOTO, OPT_LANG, OPT_BIG, OPT_MONO,
           OPT_HELP_KEYS, OPT_MAX_UI_X };
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
        {"goto", required_argument, NULL, OPT_GOTO},
        {"lang", required_argument, NULL, OPT_LANG},
        {"big", no_argument, NULL, OPT_BIG},
        {"mono", no_argument, NULL, OPT_MONO},
        {"help-keys", no_argument, NULL, OPT_HELP_KEYS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    memset(o, 0, sizeof *o);
    opterr = 0;  /* one line of our own for every option error */
    o->preview = DEC_DEFAULT_PREVIEW;
    while ((ch = getopt_long(argc, argv, ":r:i:p:c:w:Z:B:hV", longopts, NULL)) != -1) {
        switch (ch) {
        case 'r':
            o->file = optarg;
            break;
        case 'i':
            o->iface = optarg;
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
            break;
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
        } else if (looks_like_path(argv[0])) {
            /* a mistyped file name, not a filter expression */
            die(EXIT_INPUT, "'%s': %s", argv[0], strerror(errno));
        }
    }
    if (argc > 0)
        o->filter = join_args(argv, argc);
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

    bool live = o.iface != NULL;
    bool tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    enum mode mode = o.mode;
    if (mode == MODE_AUTO && tty && !(o.file && strcmp(o.file, "-") == 0)) {
        /* the stepper UI: on a file, live, or (neither) the picker */
        struct live_ctx lc = {&o, false};
        struct ui_run_opts uo = {
            .file = o.file, .iface = o.iface, .filter = o.filter, .ports = o.ports,
            .nports = o.nports, .goto_spec = o.goto_spec, .lang = o.lang, .big = o.big,
            .mono = o.mono, .after_open = after_open, .after_open_ctx = &lc,
            .max_conns = o.max_conns, .max_ooo = o.max_ooo, .max_header = o.max_header,
            .max_headers = o.max_headers, .preview = o.preview, .max_ui_exchanges = o.max_ui_x,
            .buffer_kib = o.buffer_kib,
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
    if (mode == MODE_AUTO)
        mode = MODE_TEXT;  /* not a terminal: the readable transcript */

    struct rep_writer_opts wo = {
        .format = mode == MODE_JSON ? REP_FORMAT_JSON : mode == MODE_STATS ? REP_FORMAT_STATS
                                                                            : REP_FORMAT_TEXT,
        .out = stdout, .live = live, .utf8 = utf8_locale(),
    };
    struct rep_writer *w = rep_writer_new(&wo);
    struct dec_sink dsink;
    rep_writer_sink(w, &dsink);
    struct live_ctx lc = {&o, false};
    struct dec_pipeline_opts po = {
        .file = o.file, .iface = o.iface, .filter = o.filter, .ports = o.ports,
        .nports = o.nports, .max_conns = o.max_conns, .max_ooo = o.max_ooo,
        .max_header = o.max_header, .max_headers = o.max_headers,
        .preview = mode == MODE_TEXT ? 64 : 0,
        .decode_content = mode != MODE_STATS, /* --stats: the benchmark mode */
        .after_open = after_open, .after_open_ctx = &lc, .buffer_kib = o.buffer_kib,
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
    char read_err[TR_ERRBUF_SIZE];
    snprintf(read_err, sizeof read_err, "%s", dec_pipeline_error(pipe));
    dec_pipeline_close(pipe);
    rep_writer_free(w);
    free(o.filter);
    if (status != EXIT_OK)
        die(status, "%s", read_err);
    if (!wrote)
        die(EXIT_OUTPUT, "cannot write the output: %s", strerror(errno));
    return EXIT_OK;
}
