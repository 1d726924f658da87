/* capture.c - frames from libpcap: capture files (pcap, pcapng) and live
 * interfaces, a BPF filter on both, frame numbers that count every frame */
#include "tracer.h"

#include <errno.h>
#include <pcap/pcap.h>
#ifdef __linux__
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct tr_capture {
    pcap_t *p;
    pcap_dumper_t *dumper;
    struct bpf_program prog;
    bool have_prog;
    bool live;
    bool offsets;
    char *name;       /* the file as the user gave it, for messages */
    uint64_t num;     /* frames read so far */
    bool fixed_records; /* classic pcap, 16-byte record headers: offsets by sum */
    int64_t next_off; /* then the next record's offset (-1: ask stdio) */
    uint32_t snaplen; /* the file's: a record cut to it may be longer on disk */
    uint64_t bytes;   /* their captured bytes */
    int linktype;
};

/* libpcap's errors already name the file for open failures of some kinds;
 * ours always put the file first, once. */
static void file_error(char *errbuf, const char *file, const char *msg)
{
    size_t n = strlen(file);
    if (strncmp(msg, file, n) == 0 && msg[n] == ':') {
        msg += n + 1;
        while (*msg == ' ')
            msg++;
    }
    snprintf(errbuf, TR_ERRBUF_SIZE, "'%s': %s", file, msg);
}

/* A classic pcap in the standard record format (magic a1b2c3d4 or a1b23c4d,
 * either byte order), not one of the variants with longer record headers
 * (Kuznetzov, Navtel) that libpcap reads too. */
static bool standard_pcap(const char *file)
{
    FILE *fp = fopen(file, "rb");
    uint8_t m[4];
    bool ok = fp && fread(m, 1, 4, fp) == 4;
    if (fp)
        fclose(fp);
    if (!ok)
        return false;
    uint32_t be = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
    uint32_t le = (uint32_t)m[3] << 24 | (uint32_t)m[2] << 16 | (uint32_t)m[1] << 8 | m[0];
    return be == 0xa1b2c3d4 || be == 0xa1b23c4d || le == 0xa1b2c3d4 || le == 0xa1b23c4d;
}

static int open_file(struct tr_capture *c, const char *file, char *errbuf)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    if (strcmp(file, "-") != 0) {
        struct stat st;
        if (stat(file, &st) != 0) {
            file_error(errbuf, file, strerror(errno));
            return -1;
        }
        if (S_ISDIR(st.st_mode)) {
            file_error(errbuf, file, "is a directory, not a capture file");
            return -1;
        }
        if (S_ISREG(st.st_mode) && st.st_size == 0) {
            file_error(errbuf, file, "empty file, not a capture");
            return -1;
        }
    }
    c->p = pcap_open_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_MICRO, perr);
    if (!c->p) {
        if (strstr(perr, "unknown file format"))
            file_error(errbuf, file, "not a pcap or pcapng capture (unknown file format)");
        else if (strstr(perr, "truncated dump file") || strstr(perr, "truncated pcapng"))
            file_error(errbuf, file, "file ends inside its header: not a complete capture");
        else
            file_error(errbuf, file, perr);
        return -1;
    }
    return 0;
}

/* Linux hands a packet socket on a loopback interface every packet twice,
 * as it goes out and as it comes in, and libpcap (1.10) drops the outgoing
 * copy only after the kernel has copied it into the ring: half the ring and
 * half the copying for nothing. PACKET_IGNORE_OUTGOING (Linux 4.20,
 * packet(7)) keeps the outgoing copy out of the ring; the frames read are
 * the same. Other interfaces keep both directions; failing is harmless. */
static void ignore_outgoing_on_loopback(pcap_t *p, const char *iface)
{
#if defined(__linux__) && defined(PACKET_IGNORE_OUTGOING)
    int fd = pcap_fileno(p);
    struct ifreq ifr;
    if (fd < 0 || strlen(iface) >= sizeof ifr.ifr_name)
        return;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, iface, strlen(iface));
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 || !(ifr.ifr_flags & IFF_LOOPBACK))
        return;
    int one = 1;
    (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
#else
    (void)p;
    (void)iface;
#endif
}

static int open_live(struct tr_capture *c, const struct tr_capture_opts *o, char *errbuf)
{
    char perr[PCAP_ERRBUF_SIZE] = "";
    c->p = pcap_create(o->iface, perr);
    if (!c->p) {
        snprintf(errbuf, TR_ERRBUF_SIZE, "cannot open interface '%s': %s", o->iface, perr);
        return -1;
    }
    pcap_set_snaplen(c->p, o->snaplen > 0 ? o->snaplen : 262144);
    pcap_set_promisc(c->p, o->promisc);
    /* not immediate mode: TPACKET_V3, whose blocks pack packets by their
     * size (an ACK takes ~100 bytes of the ring, not a 2 KiB slot) and wake
     * the reader once per block, or after 50 ms with anything in it (what a
     * live view waits at most); immediate mode (TPACKET_V2) dropped packets
     * at half the rate on a busy loopback (tests/bench/live-bench.py) */
    pcap_set_immediate_mode(c->p, 0);
    pcap_set_timeout(c->p, 50);
    pcap_set_buffer_size(c->p, (o->buffer_kib > 0 ? o->buffer_kib : TR_DEFAULT_BUFFER_KIB) * 1024);
    pcap_set_tstamp_precision(c->p, PCAP_TSTAMP_PRECISION_MICRO);
    int rc = pcap_activate(c->p);
    if (rc < 0) {
        const char *why = pcap_geterr(c->p);
        switch (rc) {
        case PCAP_ERROR_PERM_DENIED:
            snprintf(errbuf, TR_ERRBUF_SIZE,
                     "no permission to capture on '%s': run with sudo, or once: "
                     "sudo setcap cap_net_raw,cap_net_admin=eip ./httpstep",
                     o->iface);
            break;
        case PCAP_ERROR_NO_SUCH_DEVICE:
            snprintf(errbuf, TR_ERRBUF_SIZE, "no such interface '%s' (see 'ip link')", o->iface);
            break;
        case PCAP_ERROR_IFACE_NOT_UP:
            snprintf(errbuf, TR_ERRBUF_SIZE, "interface '%s' is down", o->iface);
            break;
        default:
            snprintf(errbuf, TR_ERRBUF_SIZE, "cannot capture on '%s': %s", o->iface,
                     why && *why ? why : pcap_statustostr(rc));
        }
        return -1;
    }
    ignore_outgoing_on_loopback(c->p, o->iface);
    if (pcap_setnonblock(c->p, 1, perr) < 0) {
        snprintf(errbuf, TR_ERRBUF_SIZE, "cannot capture on '%s': %s", o->iface, perr);
        return -1;
    }
    return 0;
}

int tr_capture_open(struct tr_capture **out, const struct tr_capture_opts *o, char *errbuf)
{
    struct tr_capture *c = tr_xcalloc(1, sizeof *c);
    c->live = o->file == NULL;
    c->name = tr_xstrdup(c->live ? o->iface : o->file);
    int rc = c->live ? open_live(c, o, errbuf) : open_file(c, o->file, errbuf);
    if (rc < 0) {
        tr_capture_close(c);
        return -1;
    }
    c->linktype = pcap_datalink(c->p);
    c->offsets = !c->live && o->offsets && strcmp(o->file, "-") != 0;
    c->next_off = -1;
    if (c->offsets && pcap_file(c->p) && pcap_major_version(c->p) == 2 &&
        ftello(pcap_file(c->p)) == 24 && standard_pcap(o->file)) {
        /* after the 24-byte file header of a classic pcap (not pcapng) */
        c->fixed_records = true;
        c->next_off = 24;
        c->snaplen = (uint32_t)pcap_snapshot(c->p);
    }
    if (o->filter && *o->filter) {
        if (pcap_compile(c->p, &c->prog, o->filter, 1, PCAP_NETMASK_UNKNOWN) < 0) {
            snprintf(errbuf, TR_ERRBUF_SIZE, "bad filter expression '%s': %s", o->filter,
                     pcap_geterr(c->p));
            tr_capture_close(c);
            return -1;
        }
        c->have_prog = true;
        /* A file's filter runs here, after each frame is counted, so frame
         * numbers stay those of Wireshark; live, the kernel filters. */
        if (c->live && pcap_setfilter(c->p, &c->prog) < 0) {
            snprintf(errbuf, TR_ERRBUF_SIZE, "cannot set filter '%s': %s", o->filter,
                     pcap_geterr(c->p));
            tr_capture_close(c);
            return -1;
        }
    }
    *out = c;
    return 0;
}

void tr_capture_close(struct tr_capture *c)
{
    if (!c)
        return;
    if (c->dumper) {
        pcap_dump_flush(c->dumper);
        pcap_dump_close(c->dumper);
    }
    if (c->have_prog)
        pcap_freecode(&c->prog);
    if (c->p)
        pcap_close(c->p);
    free(c->name);
    free(c);
}

int tr_capture_next(struct tr_capture *c, struct tr_frame *f, char *errbuf)
{
    for (;;) {
        struct pcap_pkthdr *h;
        const u_char *data;
        int64_t off = -1;
        if (c->offsets) {
            /* a classic pcap's records follow each other (a 16-byte header,
             * then the bytes): ftello per frame costs a quarter of --stats;
             * pcapng blocks vary: ask stdio */
            if (c->next_off >= 0) {
                off = c->next_off;
            } else {
                FILE *fp = pcap_file(c->p);
                off = fp ? (int64_t)ftello(fp) : -1;
            }
        }
        int rc = pcap_next_ex(c->p, &h, &data);
        if (rc == 0)
            return TR_NEXT_NONE;
        if (rc == PCAP_ERROR_BREAK)
            return TR_NEXT_EOF;
        if (rc < 0) {
            const char *e = pcap_geterr(c->p);
            if (c->live)
                snprintf(errbuf, TR_ERRBUF_SIZE, "capture on '%s' failed: %s", c->name, e);
            else if (strstr(e, "truncated dump file") || strstr(e, "truncated pcapng"))
                snprintf(errbuf, TR_ERRBUF_SIZE,
                         "'%s': the capture is cut short inside frame %llu (%s)", c->name,
                         (unsigned long long)c->num + 1, e);
            else
                snprintf(errbuf, TR_ERRBUF_SIZE, "'%s': frame %llu: %s", c->name,
                         (unsigned long long)c->num + 1, e);
            return TR_NEXT_ERROR;
        }
        c->num++;
        c->bytes += h->caplen;
        /* libpcap cuts a record longer than the file's snaplen to it and
         * skips the rest: after a record that long, ask stdio once */
        if (c->fixed_records)
            c->next_off = off >= 0 && h->caplen < c->snaplen ? off + 16 + h->caplen : -1;
        if (c->dumper) {
            pcap_dump((u_char *)c->dumper, h, data);
            if (c->live)
                pcap_dump_flush(c->dumper);
        }
        if (!c->live && c->have_prog && !pcap_offline_filter(&c->prog, h, data))
            continue;
        f->num = c->num;
        /* a pcapng time can be absurd: clamp it to +-2^40 s, so that times
         * and their differences stay within int64_t */
        int64_t sec = h->ts.tv_sec;
        if (sec > ((int64_t)1 << 40) || sec < -((int64_t)1 << 40))
            sec = sec > 0 ? (int64_t)1 << 40 : -((int64_t)1 << 40);
        f->ts = (tr_time)sec * 1000000 + h->ts.tv_usec;
        f->caplen = h->caplen;
        f->wirelen = h->len;
        f->linktype = c->linktype;
        f->file_offset = off;
        f->data = data;
        return TR_NEXT_FRAME;
    }
}

void tr_capture_counts(const struct tr_capture *c, uint64_t *frames, uint64_t *bytes)
{
    *frames = c->num;
    *bytes = c->bytes;
}

const char *tr_capture_lib_version(void)
{
    return pcap_lib_version();
}

int tr_capture_linktype(const struct tr_capture *c)
{
    return c->linktype;
}

const char *tr_capture_linktype_name(int linktype)
{
    const char *n = pcap_datalink_val_to_name(linktype);
    return n ? n : "UNKNOWN";
}

int tr_capture_snaplen(const struct tr_capture *c)
{
    return pcap_snapshot(c->p);
}

bool tr_capture_is_live(const struct tr_capture *c)
{
    return c->live;
}

int tr_capture_fd(const struct tr_capture *c)
{
    return c->live ? pcap_get_selectable_fd(c->p) : -1;
}

uint64_t tr_capture_dropped(struct tr_capture *c)
{
    struct pcap_stat st;
    if (!c->live || pcap_stats(c->p, &st) < 0)
        return 0;
    return (uint64_t)st.ps_drop + st.ps_ifdrop;
}

int tr_capture_seek(struct tr_capture *c, int64_t offset, uint64_t num, char *errbuf)
{
    FILE *fp = c->live ? NULL : pcap_file(c->p);
    if (!fp || !c->offsets || fseeko(fp, (off_t)offset, SEEK_SET) != 0) {
        snprintf(errbuf, TR_ERRBUF_SIZE, "'%s': cannot seek back in this capture", c->name);
        return -1;
    }
    c->num = num ? num - 1 : 0;
    if (c->fixed_records)
        c->next_off = offset;
    return 0;
}

void tr_capture_breakloop(struct tr_capture *c)
{
    pcap_breakloop(c->p);
}

int tr_capture_dump_open(struct tr_capture *c, const char *path, char *errbuf)
{
    c->dumper = pcap_dump_open(c->p, path);
    if (!c->dumper) {
        snprintf(errbuf, TR_ERRBUF_SIZE, "cannot write '%s': %s", path, pcap_geterr(c->p));
        return -1;
    }
    return 0;
}

void tr_capture_dump_flush(struct tr_capture *c)
{
    if (c->dumper)
        pcap_dump_flush(c->dumper);
}

char **tr_capture_interfaces(char *errbuf)
{
    pcap_if_t *all = NULL;
    char perr[PCAP_ERRBUF_SIZE] = "";
    if (pcap_findalldevs(&all, perr) < 0) {
        snprintf(errbuf, TR_ERRBUF_SIZE, "cannot list interfaces: %s", perr);
        return NULL;
    }
    size_t n = 0;
    for (pcap_if_t *d = all; d; d = d->next)
        n++;
    char **list = tr_xcalloc(n + 1, sizeof *list);
    size_t k = 0;
    /* loopback first: live-watching a local server is the common case */
    for (int pass = 0; pass < 2; pass++)
        for (pcap_if_t *d = all; d; d = d->next) {
            bool lo = (d->flags & PCAP_IF_LOOPBACK) != 0;
            if (lo != (pass == 0) || strcmp(d->name, "any") == 0 ||
                strncmp(d->name, "nflog", 5) == 0 || strncmp(d->name, "nfqueue", 7) == 0 ||
                strncmp(d->name, "dbus", 4) == 0 || strncmp(d->name, "bluetooth", 9) == 0)
                continue;
            list[k++] = tr_xstrdup(d->name);
        }
    for (pcap_if_t *d = all; d; d = d->next)
        if (strcmp(d->name, "any") == 0)
            list[k++] = tr_xstrdup("any");
    list[k] = NULL;
    pcap_freealldevs(all);
    return list;
}

void tr_capture_free_list(char **list)
{
    if (!list)
        return;
    for (char **p = list; *p; p++)
        free(*p);
    free(list);
}

struct tr_rereader {
    char *path;
    struct tr_capture *cap;
    bool failed;
};

struct tr_rereader *tr_rereader_new(const char *path)
{
    if (!path || strcmp(path, "-") == 0)
        return NULL;
    struct tr_rereader *r = tr_xcalloc(1, sizeof *r);
    r->path = tr_xstrdup(path);
    return r;
}

void tr_rereader_free(struct tr_rereader *r)
{
    if (!r)
        return;
    tr_capture_close(r->cap);
    free(r->path);
    free(r);
}

bool tr_rereader_read(void *ctx, int64_t off, uint64_t frame, struct tr_frame *out)
{
    struct tr_rereader *r = ctx;
    char err[TR_ERRBUF_SIZE];
    if (!r || r->failed || off < 0)
        return false;
    if (!r->cap) {  /* opened the first time it is needed: retransmissions are rare */
        struct tr_capture_opts o = {.file = r->path, .offsets = true};
        if (tr_capture_open(&r->cap, &o, err) < 0) {
            r->failed = true;
            return false;
        }
    }
    return tr_capture_seek(r->cap, off, frame, err) == 0 &&
           tr_capture_next(r->cap, out, err) == TR_NEXT_FRAME;
}
