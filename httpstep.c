/* httpstep.c - main: options, and the wiring capture -> tracer -> decoder ->
 * writer or UI (as tcpdump.c and htop.c do it) */
#include "tracer/tracer.h"
#include "decode/decode.h"
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
            TR_DEFAULT_MAX_CONNS, TR_DEFAULT_MAX_OOO, DEC_DEFAULT_MAX_HEADER,
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
    while ((ch = getopt_long(argc, argv, ":r:i:p:c:w:Z:hV", longopts, NULL)) != -1) {
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

/* The default filter, live: the server ports, or port 80. A file is read
 * whole: the tracer keeps the -p ports itself (a BPF port filter would miss
 * VLAN-tagged frames, and libpcap cannot filter NFLOG); without -p, HTTP is
 * found on any port by its first bytes. */
static char *default_filter(const struct options *o, bool live)
{
    if (!live)
        return NULL;
    if (o->nports == 0)
        return xstrdup("tcp port 80");
    size_t len = 1 + o->nports * 24;
    char *s = xmalloc(len);
    s[0] = '\0';
    for (size_t i = 0; i < o->nports; i++) {
        char one[32];
        snprintf(one, sizeof one, "%stcp port %u", i ? " or " : "", o->ports[i]);
        strcat(s, one);
    }
    return s;
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
};

/* the UI's hook once the interface is open */
static bool after_open(struct tr_capture *cap, void *ctx, char *err)
{
    const struct options *o = ((struct live_ctx *)ctx)->o;
    if (!drop_privileges(o->user, err))
        return false;
    return !o->write_file || tr_capture_dump_open(cap, o->write_file, err) == 0;
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
        struct live_ctx lc = {&o};
        struct ui_run_opts uo = {
            .file = o.file, .iface = o.iface, .filter = o.filter, .ports = o.ports,
            .nports = o.nports, .goto_spec = o.goto_spec, .lang = o.lang, .big = o.big,
            .mono = o.mono, .after_open = after_open, .after_open_ctx = &lc,
            .max_conns = o.max_conns, .max_ooo = o.max_ooo, .max_header = o.max_header,
            .max_headers = o.max_headers, .preview = o.preview, .max_ui_exchanges = o.max_ui_x,
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

    char *filter = o.filter ? xstrdup(o.filter) : default_filter(&o, live);
    struct tr_capture_opts copts = {
        .file = o.file, .iface = o.iface, .filter = filter, .snaplen = 262144, .promisc = false,
        .offsets = !live,
    };
    struct tr_capture *cap;
    if (tr_capture_open(&cap, &copts, err) < 0)
        die(live ? EXIT_LIVE : (strncmp(err, "bad filter", 10) == 0 ? EXIT_USAGE : EXIT_INPUT), "%s",
            err);
    int lt = tr_capture_linktype(cap);
    if (!tr_linktype_supported(lt)) {
        tr_capture_close(cap);
        die(EXIT_INPUT,
            "'%s': link type %s (%d) is not supported (httpstep reads Ethernet, Linux cooked, "
            "BSD loopback, raw IP and NFLOG)",
            live ? o.iface : o.file, tr_capture_linktype_name(lt), lt);
    }
    if (live && !drop_privileges(o.user, err)) {
        tr_capture_close(cap);
        die(EXIT_LIVE, "%s", err);
    }
    if (o.write_file && tr_capture_dump_open(cap, o.write_file, err) < 0) {
        tr_capture_close(cap);
        die(EXIT_OUTPUT, "%s", err);
    }

    struct ui_writer_opts wo = {
        .format = mode == MODE_JSON ? UI_FORMAT_JSON : mode == MODE_STATS ? UI_FORMAT_STATS
                                                                          : UI_FORMAT_TEXT,
        .out = stdout, .live = live, .utf8 = utf8_locale(),
    };
    struct ui_writer *w = ui_writer_new(&wo);
    struct dec_sink dsink;
    ui_writer_sink(w, &dsink);
    struct dec_opts dopts = {
        .ports = o.ports, .nports = o.nports, .detect = o.nports == 0,
        .max_header_bytes = o.max_header, .max_headers = o.max_headers,
        .body_preview = mode == MODE_TEXT ? 64 : 0,
        .decode_content = mode != MODE_STATS, /* --stats: the benchmark mode */
    };
    (void)o.preview;
    struct dec_decoder *dec = dec_new(&dopts, &dsink);
    struct tr_sink tsink;
    dec_tracer_sink(dec, &tsink);
    static const uint16_t port80 = 80;
    struct tr_rereader *rr = live ? NULL : tr_rereader_new(o.file);
    struct tr_table_opts topts = {
        .reread = rr ? tr_rereader_read : NULL, .reread_ctx = rr,
        .server_ports = o.nports ? o.ports : &port80, .nserver_ports = o.nports ? o.nports : 1,
        .only_server_ports = o.nports > 0 && !o.filter,
        .max_conns = o.max_conns, .max_ooo_bytes = o.max_ooo,
    };
    struct tr_table *table = tr_table_new(&topts, &tsink);

    struct ui_capture_info ci = {live ? o.iface : o.file, tr_capture_linktype_name(lt),
                                 tr_capture_snaplen(cap), live};
    ui_writer_capture(w, &ci);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    tr_time started = now_us();
    int status = EXIT_OK;
    char read_err[TR_ERRBUF_SIZE] = "";
    int fd = tr_capture_fd(cap);
    while (!stop_requested) {
        struct tr_frame f;
        int rc = tr_capture_next(cap, &f, read_err);
        if (rc == TR_NEXT_FRAME) {
            tr_table_frame(table, &f);
            if (o.count && ui_writer_exchanges(w) >= o.count)
                break;
        } else if (rc == TR_NEXT_NONE) {
            if (fd >= 0) {
                struct pollfd pfd = {fd, POLLIN, 0};
                poll(&pfd, 1, 100);
            }
        } else {
            if (rc == TR_NEXT_ERROR)
                status = live ? EXIT_LIVE : EXIT_INPUT;
            break;
        }
        if (o.duration > 0 && now_us() - started >= (tr_time)(o.duration * 1e6))
            break;
    }
    tr_table_finish(table);

    struct tr_stats ts;
    struct dec_stats ds;
    tr_table_stats(table, &ts);
    dec_stats(dec, &ds);
    struct ui_stats st = {0};
    tr_capture_counts(cap, &st.frames, &st.bytes);
    st.tcp_conns = ts.tcp_conns;
    st.http_conns = ds.http_conns;
    st.exchanges = ds.exchanges;
    st.notes = ds.notes;
    st.dropped = tr_capture_dropped(cap);
    ui_writer_stats(w, &st);
    bool wrote = ui_writer_flush(w);

    tr_table_free(table);
    dec_free(dec);
    ui_writer_free(w);
    tr_capture_close(cap);
    tr_rereader_free(rr);
    free(filter);
    free(o.filter);
    if (status != EXIT_OK)
        die(status, "%s", read_err);
    if (!wrote)
        die(EXIT_OUTPUT, "cannot write the output: %s", strerror(errno));
    return EXIT_OK;
}
