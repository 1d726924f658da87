/* catalog.c - the learner's knowledge, as tables of translatable texts
 * (gettext msgids marked with N_): the stages' titles and numbers, status
 * codes with their reasons and classes, headers, methods, request-target
 * forms, versions, body media types, note kinds, keep-alive reasons, ways
 * and reasons to close; and their lookups (teach_int.h). The composers (explain.c, explain_msg.c)
 * fill the texts with a capture's values.
 *
 * A table file: it is longer than 800 lines because each text is a whole
 * paragraph a translator reads at once; it holds no logic beyond the
 * lookups.
 */
#include "teach_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ------------------------------------------------------ stages, steps -- */

const char *teach_stage_title(enum dec_stage_kind k)
{
    return _(dec_stage_title(k));
}

const char *teach_stage_brief(enum dec_stage_kind k)
{
    return _(dec_stage_brief(k));
}

const char *teach_step_label(int step, bool brief)
{
    return _(dec_step_label(step, brief));
}

/* the letter of each stage within its step (see teach.h); the steps come
 * from decode.h's table, so only the letters are listed here */
static const char *const stage_numbers[DEC_STAGE_COUNT] = {
    [DEC_STAGE_HANDSHAKE] = "1",
    [DEC_STAGE_REQUEST_LINE] = "2",
    [DEC_STAGE_REQUEST_HEADERS] = "3a",
    [DEC_STAGE_REQUEST_BLANK_LINE] = "3b",
    [DEC_STAGE_REQUEST_BODY] = "3c",
    [DEC_STAGE_STATUS_LINE] = "4",
    [DEC_STAGE_RESPONSE_HEADERS] = "5",
    [DEC_STAGE_RESPONSE_BLANK_LINE] = "6a",
    [DEC_STAGE_RESPONSE_BODY] = "6b",
    [DEC_STAGE_TUNNEL] = "6b",
    [DEC_STAGE_CLOSE] = "7",
    [DEC_STAGE_KEEP_ALIVE] = "7",
    [DEC_STAGE_TLS_CLIENT_HELLO] = "1b",
    [DEC_STAGE_TLS_SERVER_HELLO] = "1c",
    [DEC_STAGE_TLS_CLIENT_FINISHED] = "1d",
    [DEC_STAGE_ENCRYPTED] = "-",
    [DEC_STAGE_H2_PREFACE] = "1e",
    [DEC_STAGE_H2_SETTINGS] = "1f",
    [DEC_STAGE_PUSH_PROMISE] = "6c",
    [DEC_STAGE_STREAM_END] = "7",
    [DEC_STAGE_GOAWAY] = "7",
    [DEC_STAGE_SOCKS] = "1s",
    [DEC_STAGE_DNS_LOOKUP] = "0",
};

const char *teach_stage_number(enum dec_stage_kind k)
{
    if ((unsigned)k >= DEC_STAGE_COUNT || !stage_numbers[k])
        return "?";
    return stage_numbers[k];
}

#define LABEL_REASON_MAX 40   /* bytes of an interim reason phrase in a label */
#define LABEL_BRIEF_COLS 12   /* columns of an interim status line's short label */

const char *teach_stage_label(const struct dec_stage *s, bool brief, char *buf, size_t cap)
{
    if (!cap)
        return buf;
    if (!dec_stage_interim(s)) {
        snprintf(buf, cap, "%s", brief ? teach_stage_brief(s->kind) : teach_stage_title(s->kind));
        return buf;
    }
    const struct dec_msg *m = s->msg;
    size_t rl = m->reason.p ? m->reason.len : 0;
    if (rl > LABEL_REASON_MAX) {
        rl = LABEL_REASON_MAX;
        while (rl > 0 && ((unsigned char)m->reason.p[rl] & 0xc0) == 0x80)
            rl--;
    }
    char *reason = teach_safe_dup(rl ? m->reason.p : "", rl);
    char status[4 * LABEL_REASON_MAX + 16];
    snprintf(status, sizeof status, "%d%s%s", m->status, reason[0] ? " " : "", reason);
    free(reason);
    if (s->kind == DEC_STAGE_STATUS_LINE && brief) {
        /* ASCII from here on but for UTF-8 in the reason: cut at a character */
        size_t n = strlen(status);
        if (n > LABEL_BRIEF_COLS) {
            n = LABEL_BRIEF_COLS - 1;
            while (n > 0 && ((unsigned char)status[n] & 0xc0) == 0x80)
                n--;
            snprintf(buf, cap, "%.*s.", (int)n, status);
        } else {
            snprintf(buf, cap, "%s", status);
        }
    } else if (s->kind == DEC_STAGE_STATUS_LINE) {
        snprintf(buf, cap, "%s", status);
    } else if (brief) {
        /* TRANSLATORS: a stage of an interim response, short: "100 Blank" */
        snprintf(buf, cap, _("%1$d %2$s"), m->status, teach_stage_brief(s->kind));
    } else {
        /* TRANSLATORS: a stage of an interim response: "100 Continue: Blank line" */
        snprintf(buf, cap, _("%1$s: %2$s"), status, teach_stage_title(s->kind));
    }
    return buf;
}

bool teach_text_english(void)
{
    /* TRANSLATORS: write "text-language:" and your language's code, as
     * "text-language:zh_CN": it tells httpstep the text is translated */
    return strcmp(_("text-language:en"), "text-language:en") == 0;
}

/* ------------------------------------------------------------ headers -- */

enum { ANY = -1 };

/* one text per header, with its value in the %s (RFC 9110 unless said) */
static const struct teach_hdr_text hdr_texts[] = {
    {"Host", ANY, N_("Host: %s. The name of the web site the client wants (and its port, when it "
                     "is not the default). One server, at one IP address, can hold many sites: "
                     "this header tells it which one. HTTP/1.1 requires it in every request."),
     TEACH_HM_NONE},
    {"User-Agent", ANY, N_("User-Agent: %s. The program that sends the request, and its version. "
                           "Servers use it for statistics or to adapt the page; it is only a "
                           "claim, since any client can send any text here."), TEACH_HM_NONE},
    {"Accept", ANY, N_("Accept: %s. The kinds of content (media types) the client can use. Each "
                       "may carry a weight, q, from 0 to 1 (1 when none is given): the higher, "
                       "the more wanted; */* stands for any type."), TEACH_HM_WEIGHTS},
    {"Accept-Language", ANY, N_("Accept-Language: %s. The languages the user prefers, each with "
                                "its weight q (1 when none is given), so that a site with several "
                                "translations can pick one."), TEACH_HM_WEIGHTS},
    {"Accept-Encoding", ANY, N_("Accept-Encoding: %s. The compressions the client can undo (gzip, "
                                "deflate, br, zstd...). The server may compress the body with one "
                                "of them and say which in Content-Encoding."), TEACH_HM_WEIGHTS},
    {"Accept-Charset", ANY, N_("Accept-Charset: %s. The character sets the client can read; today "
                               "almost all text is UTF-8."), TEACH_HM_WEIGHTS},
    {"Accept-Ranges", ANY, N_("Accept-Ranges: %s. The server can send parts of this resource, "
                              "counted in bytes: a client can resume an interrupted download with "
                              "a Range request."), TEACH_HM_NONE},
    {"Content-Type", TR_DIR_C2S, N_("Content-Type: %s. The kind of data in the request body, so "
                                    "that the server knows how to read it: a form, JSON, a "
                                    "file..."), TEACH_HM_CONTENT_TYPE},
    {"Content-Type", ANY, N_("Content-Type: %s. The kind of data in the body (its media type), so "
                             "that the browser knows what to do with it: draw an HTML page, apply "
                             "a stylesheet, show a picture."), TEACH_HM_CONTENT_TYPE},
    {"Content-Length", ANY, N_("Content-Length: %s. The exact size of the body in bytes. The "
                               "receiver reads that many bytes after the blank line and knows the "
                               "message is over, so the next one can "
                               "follow on the same connection."), TEACH_HM_CONTENT_LENGTH},
    {"Transfer-Encoding", ANY, N_("Transfer-Encoding: %s. The codings applied to the body for its "
                                  "transfer only, in the order applied (RFC 9112 6.1); the "
                                  "receiver undoes them, the last one first."),
     TEACH_HM_TRANSFER_CODING},
    {"Content-Encoding", ANY, N_("Content-Encoding: %s. The body was compressed before it was "
                                 "sent, and the receiver must decompress it to get the resource. "
                                 "It saves bytes on the wire, mostly for text."), TEACH_HM_NONE},
    {"Content-Language", ANY, N_("Content-Language: %s. The language the content is written in."),
     TEACH_HM_NONE},
    {"Content-Disposition", ANY, N_("Content-Disposition: %s. How to present the body: inline in "
                                    "the page, or as an attachment that the browser offers to save "
                                    "as a file (under the filename given)."), TEACH_HM_NONE},
    {"Content-Range", ANY, N_("Content-Range: %s. Which bytes of the whole resource this partial "
                              "body holds, with the total size after the slash (it comes with 206 "
                              "Partial Content)."), TEACH_HM_NONE},
    {"Range", ANY, N_("Range: %s. The client asks for only part of the resource, in bytes, for "
                      "example to resume a broken download or to jump ahead in a video. A server "
                      "that agrees answers 206 Partial Content."), TEACH_HM_NONE},
    {"Connection", TR_DIR_C2S, N_("Connection: %s. What the client wants done with the TCP "
                                  "connection after this exchange: close means close it after the "
                                  "response; keep-alive means keep it open for more requests (the "
                                  "default in HTTP/1.1 anyway)."), TEACH_HM_NONE},
    {"Connection", ANY, N_("Connection: %s. What the server will do with the TCP connection after "
                           "this response: close means it closes it; keep-alive means it stays "
                           "open for the next request."), TEACH_HM_NONE},
    {"Keep-Alive", ANY, N_("Keep-Alive: %s. Details of the persistent connection: timeout is how "
                           "many seconds an idle connection is kept open, max how many more "
                           "requests it may carry."), TEACH_HM_NONE},
    {"Proxy-Connection", ANY, N_("Proxy-Connection: %s. An old, non-standard cousin of "
                                 "Connection that some clients still send to "
                                 "proxies."), TEACH_HM_NONE},
    {"Cookie", ANY, N_("Cookie: %s. Cookies the server set earlier (with Set-Cookie), sent back "
                       "with every request to this site. HTTP itself forgets everything between "
                       "two requests: cookies are how a server recognizes a logged-in user."),
     TEACH_HM_COOKIE},
    {"Set-Cookie", ANY, N_("Set-Cookie: %s. The server asks the browser to store a cookie "
                           "(name=value) and send it back in a Cookie header with the next "
                           "requests. The attributes after the semicolons say for how long "
                           "(Expires, Max-Age), for which paths, and how carefully (Secure: only "
                           "over HTTPS; HttpOnly: hidden from scripts)."), TEACH_HM_SET_COOKIE},
    {"Cache-Control", ANY, N_("Cache-Control: %s. Rules for caches, the browser's and the "
                              "proxies': max-age=N keeps a copy fresh for N seconds, no-cache "
                              "means ask the server before reusing a copy, no-store means never "
                              "keep one."), TEACH_HM_NONE},
    {"Pragma", ANY, N_("Pragma: %s. The HTTP/1.0 ancestor of Cache-Control; no-cache asks caches "
                       "not to answer with a stored copy."), TEACH_HM_NONE},
    {"Expires", ANY, N_("Expires: %s. The date after which a cached copy is stale; a "
                        "Cache-Control max-age, when present, wins over it."), TEACH_HM_NONE},
    {"Age", ANY, N_("Age: %s. How many seconds this response has spent in a cache since the "
                    "server made it."), TEACH_HM_NONE},
    {"Vary", ANY, N_("Vary: %s. The request headers this response depends on: a cache must keep "
                     "separate copies for different values of them (one compressed copy and one "
                     "not, for example)."), TEACH_HM_NONE},
    {"ETag", ANY, N_("ETag: %s. A tag for this exact version of the resource, like a "
                     "fingerprint. The browser keeps it with its cached copy and later sends it in "
                     "If-None-Match: if the tag is unchanged, the answer is a short 304 Not "
                     "Modified."), TEACH_HM_ETAG},
    {"Last-Modified", ANY, N_("Last-Modified: %s. When the resource last changed, by the server's "
                              "clock. The browser keeps this date and can later ask "
                              "If-Modified-Since, to get a short 304 instead of the whole body "
                              "again."), TEACH_HM_NONE},
    {"If-None-Match", ANY, N_("If-None-Match: %s. A conditional request: the client already has "
                              "the version with this ETag and wants the resource only if it has "
                              "changed. If not, the server answers 304 Not Modified, without a "
                              "body."), TEACH_HM_NONE},
    {"If-Modified-Since", ANY, N_("If-Modified-Since: %s. A conditional request: the client's "
                                  "cached copy dates from this time (the Last-Modified it got "
                                  "before). If the resource has not changed since, the server "
                                  "answers 304 Not Modified and sends no body."), TEACH_HM_NONE},
    {"If-Match", ANY, N_("If-Match: %s. Carry out the request only if the resource still has this "
                         "ETag: it keeps two people from overwriting each other's changes (else "
                         "412 Precondition Failed)."), TEACH_HM_NONE},
    {"If-Unmodified-Since", ANY, N_("If-Unmodified-Since: %s. Carry out the request only if the "
                                    "resource has not changed since this date (else 412 "
                                    "Precondition Failed)."), TEACH_HM_NONE},
    {"If-Range", ANY, N_("If-Range: %s. Send only the requested range if the resource is still "
                         "this version; otherwise send all of it."), TEACH_HM_NONE},
    {"Location", ANY, N_("Location: %s. An address the client should turn to, absolute or "
                         "relative to the requested one."), TEACH_HM_LOCATION},
    {"Authorization", ANY, N_("Authorization: %s. The client's credentials for this server, "
                              "usually sent after a 401 Unauthorized asked for them, and then "
                              "again with every request."), TEACH_HM_AUTHORIZATION},
    {"Proxy-Authorization", ANY, N_("Proxy-Authorization: %s. Credentials for the proxy in "
                                    "between, not for the server."), TEACH_HM_AUTHORIZATION},
    {"WWW-Authenticate", ANY, N_("WWW-Authenticate: %s. How to log in: the authentication scheme "
                                 "(Basic, Digest, Bearer...) and the realm, the name of the "
                                 "protected area that the browser shows in its login dialog. It "
                                 "comes with 401 Unauthorized."), TEACH_HM_NONE},
    {"Proxy-Authenticate", ANY, N_("Proxy-Authenticate: %s. The proxy in between wants "
                                   "credentials (it comes with 407 Proxy "
                                   "Authentication Required)."), TEACH_HM_NONE},
    {"Server", ANY, N_("Server: %s. The server software, often with its version. Handy for "
                       "statistics, but it also tells attackers which known bugs to try, so many "
                       "sites shorten it."), TEACH_HM_NONE},
    {"Date", ANY, N_("Date: %s. When the server made this message, always in GMT. Caches compare "
                     "it with Last-Modified, Expires and max-age."), TEACH_HM_NONE},
    {"Expect", ANY, N_("Expect: %s. With 100-continue the client sends only the headers and "
                       "waits: the server answers 100 Continue if it wants the body (or an error "
                       "at once, for example if the file is too large), and only then does the "
                       "client send the body. A large body is not sent for "
                       "nothing."), TEACH_HM_NONE},
    {"Upgrade", ANY, N_("Upgrade: %s. A switch of this connection to another protocol (websocket, "
                        "for example): the client offers it, and a server that agrees answers 101 "
                        "Switching Protocols with the same header. After that the bytes are no "
                        "longer HTTP/1.1."), TEACH_HM_NONE},
    {"HTTP2-Settings", ANY, N_("HTTP2-Settings: %s. The client's HTTP/2 SETTINGS (its parameters "
                               "for the connection), in base64url, sent with Upgrade: h2c so "
                               "that the server knows them from its first HTTP/2 frame. It is "
                               "named in Connection too: it concerns this connection "
                               "only."), TEACH_HM_NONE},
    {"Referer", ANY, N_("Referer: %s. The page this request comes from: for a stylesheet or a "
                        "picture, the page that uses it; after a click, the page with the link. "
                        "The spelling with one r is an old typo that the "
                        "standard kept."), TEACH_HM_NONE},
    {"Origin", ANY, N_("Origin: %s. The site (scheme, host and port) whose page made this "
                       "request. Servers use it to decide whether another site may call them "
                       "(CORS) and to block forged form posts."), TEACH_HM_NONE},
    {"Allow", ANY, N_("Allow: %s. The methods this resource supports (sent with 405 Method Not "
                      "Allowed and in answers to OPTIONS)."), TEACH_HM_NONE},
    {"Retry-After", ANY, N_("Retry-After: %s. When to try again, in seconds or as a date (with "
                            "503 Service Unavailable or 429 Too Many Requests)."), TEACH_HM_NONE},
    {"Via", ANY, N_("Via: %s. The proxies this message passed through, each one adding itself."),
     TEACH_HM_NONE},
    {"X-Forwarded-For", ANY, N_("X-Forwarded-For: %s. The address of the original client, added "
                                "by a proxy or a load balancer: the server itself sees only the "
                                "proxy's address."), TEACH_HM_NONE},
    {"Forwarded", ANY, N_("Forwarded: %s. The standard form of X-Forwarded-For: for whom, and "
                          "through which proxy, the request was forwarded."), TEACH_HM_NONE},
    {"Upgrade-Insecure-Requests", ANY, N_("Upgrade-Insecure-Requests: %s. The browser says it "
                                          "prefers HTTPS: the server may redirect it to the secure "
                                          "version of the page."), TEACH_HM_NONE},
    {"Access-Control-Allow-Origin", ANY, N_("Access-Control-Allow-Origin: %s. Which other sites' "
                                            "pages may read this response from a script (CORS); * "
                                            "means any site."), TEACH_HM_NONE},
    {"Strict-Transport-Security", ANY, N_("Strict-Transport-Security: %s. From now on, for "
                                          "max-age seconds, the browser must reach this site only "
                                          "over HTTPS, even when the user types "
                                          "http://."), TEACH_HM_NONE},
    {"Sec-WebSocket-Key", ANY, N_("Sec-WebSocket-Key: %s. A random value the client sends when it "
                                  "asks to switch to WebSocket; the server proves it understood by "
                                  "answering with a hash of it in "
                                  "Sec-WebSocket-Accept."), TEACH_HM_NONE},
    {"Sec-WebSocket-Accept", ANY, N_("Sec-WebSocket-Accept: %s. The server's proof that it speaks "
                                     "WebSocket: a hash of the client's "
                                     "Sec-WebSocket-Key."), TEACH_HM_NONE},
    {"Max-Forwards", ANY, N_("Max-Forwards: %s. How many more proxies may pass on this TRACE or "
                             "OPTIONS request."), TEACH_HM_NONE},
    {"TE", ANY, N_("TE: %s. The transfer codings the client accepts in the response; trailers "
                   "means it can read header fields sent after a chunked body."), TEACH_HM_NONE},
    {"Trailer", ANY, N_("Trailer: %s. Header fields that will come after the chunked body, in the "
                        "trailer."), TEACH_HM_NONE},
    {"DNT", ANY, N_("DNT: %s. Do Not Track: 1 means the user asks not to be tracked; servers are "
                    "free to ignore it."), TEACH_HM_NONE},
    {NULL, ANY, NULL, TEACH_HM_NONE}
};

const struct teach_hdr_text *teach_cat_header(const char *name, size_t len, enum tr_dir dir)
{
    for (const struct teach_hdr_text *t = hdr_texts; t->name; t++)
        if ((t->dir == ANY || t->dir == (int)dir) && strlen(t->name) == len &&
            strncasecmp(t->name, name, len) == 0)
            return t;
    return NULL;
}

/* -------------------------------------------------------------- notes -- */

static const struct note_text {
    enum dec_note_kind kind;
    const char *title;
    const char *text;
} note_texts[] = {
    /* TRANSLATORS: a note's title, then its explanation, which follows
     * "Retransmission, frame 26: " and so begins in lower case */
    {DEC_NOTE_RETRANSMISSION, N_("Retransmission"),
     N_("the segment carries bytes that were sent before. The first copy was lost, or its "
        "acknowledgment came too late, so TCP sent them again; the receiver keeps one copy.")},
    {DEC_NOTE_OUT_OF_ORDER, N_("Out of order"),
     N_("the segment arrived late: bytes that come after it in the stream had arrived first. It "
        "was delayed on the way (another path, a busy queue), not lost, so it is not sent again; "
        "the receiver held the later bytes until this one filled the hole, and the program still "
        "reads them in order.")},
    {DEC_NOTE_GAP, N_("Gap"),
     N_("some bytes of this stream never appeared in the capture (the capture missed them, or "
        "began or ended in the middle). httpstep cannot show them, and what they belong to is "
        "incomplete.")},
    {DEC_NOTE_TRUNCATED, N_("Truncated"),
     N_("the capture kept only the first bytes of this packet (its snapshot length, snaplen); the "
        "rest was on the wire but is not in the file. Capture with a larger snaplen (tcpdump -s 0) "
        "to see everything.")},
    {DEC_NOTE_NO_HANDSHAKE, N_("No handshake"),
     N_("the capture began after this connection was opened, so its SYN, SYN-ACK and ACK are "
        "missing; httpstep worked out who is the client from the first bytes.")},
    {DEC_NOTE_LIMIT, N_("Limit"),
     N_("httpstep reached one of its safety limits (headers, connections, buffered bytes) and did "
        "not keep everything here.")},
    {DEC_NOTE_MALFORMED_PACKET, N_("Malformed packet"),
     N_("a field of this packet's headers is impossible (a length that does not fit, for example), "
        "so httpstep skipped the packet.")},
    {DEC_NOTE_FRAGMENT, N_("IP fragment"),
     N_("this IP packet was split into fragments; httpstep does not put them back together, so its "
        "TCP bytes are missing.")},
    {DEC_NOTE_STRAY_SEGMENT, N_("Stray segment"),
     N_("this segment does not fit the connection's sequence numbers (a SYN-ACK that "
        "acknowledges another SYN, for example: the connection captured twice, or a stale copy), "
        "so httpstep shows it but does not use it.")},
    {DEC_NOTE_TUNNEL, N_("Tunnel"),
     N_("this connection's packets travelled inside another protocol (a tunnel such as GRE, VXLAN "
        "or IPv6 in IPv4); httpstep took the outer headers off to read the TCP inside.")},
    {DEC_NOTE_IPSEC_ENCRYPTED, N_("IPsec ESP"),
     N_("these packets are encrypted with IPsec ESP: what they carry cannot be read without the "
        "keys, so httpstep skips them.")},
    {DEC_NOTE_MALFORMED_HTTP, N_("Malformed HTTP"),
     N_("these bytes break the HTTP/1.1 syntax. httpstep reads them as leniently as a browser "
        "would, but a strict server could answer 400 Bad Request.")},
    {DEC_NOTE_NOT_HTTP, N_("Not HTTP"),
     N_("this connection carries another protocol, so httpstep shows only its TCP packets.")},
    {DEC_NOTE_TLS, N_("TLS"),
     N_("this connection is encrypted with TLS (HTTPS): only the start of the TLS handshake can be "
        "read, the HTTP inside is hidden.")},
    {DEC_NOTE_DECODE_ERROR, N_("Decoding error"),
     N_("the body could not be decompressed as its Content-Encoding says; httpstep shows the bytes "
        "as they came.")},
    {DEC_NOTE_INCOMPLETE, N_("Incomplete"),
     N_("the message stops before its end (the capture ended, the connection was cut, or bytes are "
        "missing), so part of it is not here.")},
    {DEC_NOTE_TLS_NO_KEYS, N_("No TLS keys"),
     N_("no key log holds the secrets of this TLS session, so its records stay encrypted: an "
        "eavesdropper on the path sees only their sizes and timing. Start the browser with "
        "SSLKEYLOGFILE set and give that file to httpstep with --keylog.")},
    {DEC_NOTE_TLS_DECRYPT_ERROR, N_("TLS decryption failed"),
     N_("a record did not decrypt with the secrets in the key log (its authentication tag did "
        "not match): the keys belong to another session, or bytes are missing. The rest of this "
        "direction is shown as encrypted.")},
    {DEC_NOTE_TLS_UNSUPPORTED, N_("TLS not supported"),
     N_("this TLS session uses a version, cipher suite or extension httpstep cannot decrypt, so "
        "its records are shown as encrypted.")},
    {DEC_NOTE_MALFORMED_TLS, N_("Malformed TLS"),
     N_("these bytes break the TLS record or handshake syntax (a length that does not fit, for "
        "example); httpstep stops reading TLS in this direction.")},
    {DEC_NOTE_MALFORMED_H2, N_("Malformed HTTP/2"),
     N_("an HTTP/2 frame breaks RFC 9113 (a wrong length, a frame on the wrong stream, a header "
        "block that does not decompress); httpstep goes on as far as it can.")},
    {DEC_NOTE_MALFORMED_DNS, N_("Malformed DNS"),
     N_("this datagram on the DNS port is not a well-formed DNS message (a name or record runs "
        "past its end, for example), so httpstep shows no lookup for it.")},
    {DEC_NOTE_SOCKS, N_("SOCKS proxy"),
     N_("the client asked a SOCKS proxy to open the connection for it; after the proxy's reply "
        "the same bytes carry the real protocol, which httpstep reads from there.")},
    {DEC_NOTE_COUNT, NULL, NULL}
};

static const struct note_text *note_find(enum dec_note_kind k)
{
    for (const struct note_text *t = note_texts; t->title; t++)
        if (t->kind == k)
            return t;
    return NULL;
}

const char *teach_cat_note_title(enum dec_note_kind k)
{
    const struct note_text *t = note_find(k);
    return t ? t->title : NULL;
}

const char *teach_cat_note_text(enum dec_note_kind k)
{
    const struct note_text *t = note_find(k);
    return t ? t->text : NULL;
}

/* ------------------------------------------------------- request line -- */

/* one text per method (RFC 9110 section 9, PATCH RFC 5789); %s: the target */
static const struct method_text {
    const char *method;
    const char *text;
} method_texts[] = {
    {"GET", N_("GET asks the server to send the resource %s. A GET has no body and must not change "
               "anything on the server (it is safe), so browsers, caches and proxies may repeat it "
               "or answer it from a cache.")},
    {"HEAD", N_("HEAD asks for %s like GET, but wants only the status line and the headers, no "
                "body: a cheap way to learn whether a resource exists, how big it is "
                "(Content-Length) or whether it changed.")},
    {"POST", N_("POST sends data in the request body to %s for the server to process: a form, a "
                "comment, an upload. It may change things on the server, so a browser does not "
                "repeat it without asking (the warning when you reload a page after sending a "
                "form).")},
    {"PUT", N_("PUT asks the server to store the request body as %s, creating it (201 Created) or "
               "replacing it (200 or 204). Sending the same PUT twice leaves the same result: it "
               "is idempotent.")},
    {"DELETE", N_("DELETE asks the server to remove the resource %s. Like PUT it is idempotent: "
                  "deleting twice leaves it just as deleted.")},
    {"CONNECT", N_("CONNECT asks a proxy to open a TCP connection to %s and then, once it has "
                   "answered 200, to relay bytes blindly in both directions: a tunnel. Browsers "
                   "use it to reach HTTPS sites through a proxy; the TLS inside stays unreadable "
                   "for the proxy.")},
    {"OPTIONS", N_("OPTIONS asks which methods and features the server supports for %s; the "
                   "answer comes in headers such as Allow. Browsers also send it before some "
                   "requests to another site (a CORS preflight).")},
    {"TRACE", N_("TRACE asks the server to send the request for %s back in the response body (as "
                 "message/http), so that the client sees what arrived after the proxies on the "
                 "way. Servers often disable it, since it can reveal headers.")},
    {"PATCH", N_("PATCH asks the server to change part of the resource %s, as the body describes, "
                 "instead of replacing all of it as PUT would.")},
    {NULL, NULL}
};

const char *teach_cat_method(const char *method)
{
    for (const struct method_text *m = method_texts; m->method; m++)
        if (strcmp(m->method, method) == 0)
            return m->text;
    return NULL;
}

/* the four forms of a request-target (RFC 9112 section 3.2) */
static const struct target_text {
    enum teach_target_form form;
    const char *text;
} target_texts[] = {
    {TEACH_TF_ORIGIN, N_("The target %s is in origin-form: a path on the server, starting with /. "
                         "The "
                   "host name is not in it: it comes in the Host header. A #fragment of the "
                   "address is never sent; the browser keeps it.")},
    {TEACH_TF_QUERY, N_("The target %s is in origin-form: a path on the server, then after the ? a "
                        "query "
                  "string that passes parameters to the server, name=value pairs joined by &.")},
    {TEACH_TF_ABSOLUTE, N_("The target %s is in absolute-form: a whole URL with scheme and host. "
                           "Clients "
                     "use it when they talk to a proxy, which must know where to forward the "
                     "request.")},
    {TEACH_TF_AUTHORITY, N_("The target %s is in authority-form: only a host and a port, as "
                            "CONNECT "
                      "needs. It names where to open the tunnel, not a resource.")},
    {TEACH_TF_ASTERISK, N_("The target %s is the asterisk-form: the request concerns the server as "
                           "a "
                     "whole, not one resource. Only OPTIONS uses it.")},
    {TEACH_TF_OTHER, N_("The target %s is in none of the four forms of RFC 9112 (origin, absolute, "
                  "authority, asterisk); a strict server would answer 400 Bad Request.")},
};

enum teach_target_form teach_cat_target_form(const char *method, const char *t)
{
    if (strcmp(t, "*") == 0)
        return TEACH_TF_ASTERISK;
    if (t[0] == '/')
        return strchr(t, '?') ? TEACH_TF_QUERY : TEACH_TF_ORIGIN;
    if (strstr(t, "://"))
        return TEACH_TF_ABSOLUTE;
    if (method && strcmp(method, "CONNECT") == 0 && strchr(t, ':'))
        return TEACH_TF_AUTHORITY;
    return TEACH_TF_OTHER;
}

const char *teach_cat_target_text(enum teach_target_form f)
{
    return target_texts[f].text;
}

/* one text per version (RFC 9112 section 2.3, RFC 1945 for 1.0) */
static const struct version_text {
    const char *version;
    const char *text;
} version_texts[] = {
    {"HTTP/1.1", N_("The version HTTP/1.1 (1997, today RFC 9112): a connection stays open for more "
                    "requests unless someone says Connection: close, the Host header is required, "
                    "and a body may be sent in chunks.")},
    {"HTTP/1.0", N_("The version HTTP/1.0 (1996): the server closes the connection after each "
                    "response, so every request costs a new TCP handshake, unless both sides send "
                    "Connection: keep-alive. There is no chunked transfer, and Host is optional.")},
    {"", N_("No version: an HTTP/0.9 request (1991), just GET and a path. The answer is the bare "
            "document, without status line or headers.")},
    {NULL, NULL}
};

const char *teach_cat_version(const char *version)
{
    for (const struct version_text *v = version_texts; v->version; v++)
        if (strcmp(v->version, version ? version : "") == 0)
            return v->text;
    return NULL;
}

/* password-like names of form fields and query parameters */
static const char *const secret_names[] = {"pass", "pwd", "secret", NULL};

bool teach_cat_secret_name(const uint8_t *p, size_t n)
{
    for (const char *const *s = secret_names; *s; s++) {
        size_t k = strlen(*s);
        for (size_t i = 0; n >= k && i <= n - k; i++)
            if (strncasecmp((const char *)p + i, *s, k) == 0)
                return true;
    }
    return false;
}

/* ------------------------------------------------------------- bodies -- */

/* one text per kind of content; %s: the Content-Type value. A type ending
 * in '/' matches the whole top-level type, one starting with '+' a suffix. */
static const struct teach_body_text body_texts[] = {
    {"application/x-www-form-urlencoded",
     N_("The Content-Type %s says the body is a form in the format a browser uses for an HTML "
        "form: name=value pairs joined by &, with + for a space and %%XX for other special "
        "characters."), TEACH_BM_FORM},
    {"multipart/form-data",
     N_("The Content-Type %s says the body is multipart/form-data, the format of a form with "
        "files. The parts are separated by a line with two dashes and the boundary; each part has "
        "its own small headers (Content-Disposition with the field's name, and for a file its "
        "filename and Content-Type), a blank line, then its data. The last boundary ends with two "
        "more dashes."), TEACH_BM_MULTIPART},
    {"application/json",
     N_("The Content-Type %s says the body is JSON (JavaScript Object Notation): text made of "
        "{objects}, [arrays], strings, numbers, true, false and null, the "
        "usual format of web APIs."), TEACH_BM_EXCERPT},
    {"+json", N_("The Content-Type %s says the body is JSON, text made of {objects}, [arrays], "
                 "strings, numbers, true, false and null."), TEACH_BM_EXCERPT},
    {"text/html", N_("The Content-Type %s says the body is an HTML document: the page the browser "
                     "draws. It may name more files (stylesheets, scripts, pictures), which the "
                     "browser then asks for, each in an exchange of its own."), TEACH_BM_HTML},
    {"text/css", N_("The Content-Type %s says the body is a stylesheet (CSS): colours, fonts and "
                    "layout for the pages that use it."), TEACH_BM_EXCERPT},
    {"text/javascript", N_("The Content-Type %s says the body is a JavaScript program, which the "
                           "browser runs in the page."), TEACH_BM_EXCERPT},
    {"application/javascript", N_("The Content-Type %s says the body is a JavaScript program, "
                                  "which the browser runs in the page."), TEACH_BM_EXCERPT},
    {"text/plain", N_("The Content-Type %s says the body is plain text, shown as it is."),
     TEACH_BM_EXCERPT},
    {"message/http", N_("The Content-Type %s says the body is itself an HTTP message: for TRACE, "
                        "the request as the server received it, sent back."), TEACH_BM_EXCERPT},
    {"application/xml", N_("The Content-Type %s says the body is XML, text with <tags> for "
                           "data."), TEACH_BM_EXCERPT},
    {"text/xml", N_("The Content-Type %s says the body is XML, text with <tags> for data."),
     TEACH_BM_EXCERPT},
    {"image/svg+xml", N_("The Content-Type %s says the body is an SVG picture: a drawing described "
                         "as XML text, which scales to any size."), TEACH_BM_EXCERPT},
    {"text/", N_("The Content-Type %s says the body is text."), TEACH_BM_EXCERPT},
    {"image/", N_("The Content-Type %s says the body is a picture: binary data, not text, which "
                  "the browser decodes and draws."), TEACH_BM_NONE},
    {"audio/", N_("The Content-Type %s says the body is sound: binary data."), TEACH_BM_NONE},
    {"video/", N_("The Content-Type %s says the body is a video: binary data."), TEACH_BM_NONE},
    {"font/", N_("The Content-Type %s says the body is a font for the page's text."),
     TEACH_BM_NONE},
    {"application/octet-stream", N_("The Content-Type %s says the body is just bytes of unknown "
                                    "kind: a browser offers to save them as a "
                                    "file."), TEACH_BM_NONE},
    {"", N_("The Content-Type %s says what kind of data the body holds."), TEACH_BM_NONE},
    {NULL, NULL, TEACH_BM_NONE}
};

const struct teach_body_text *teach_cat_body(const char *mt)
{
    size_t n = strlen(mt);
    for (const struct teach_body_text *t = body_texts; t->type; t++) {
        size_t k = strlen(t->type);
        if (k == 0)
            return t;
        if (t->type[0] == '+' ? n >= k && strcmp(mt + n - k, t->type) == 0
            : t->type[k - 1] == '/' ? strncmp(mt, t->type, k) == 0
                                    : strcmp(mt, t->type) == 0)
            return t;
    }
    return NULL;
}

/* -------------------------------------------------------- status line -- */

/* IANA's HTTP Status Code Registry (RFC 9110 section 15 and the RFCs it
 * names): the reason phrase, then a text with one %s, filled from src */
static const struct teach_status_text status_texts[] = {
    {100, "Continue", TEACH_V_REQ_HDR, "Expect",
     N_("The server answers 100 Continue, an interim response: it has read the headers (Expect: "
        "%s) and wants the body, so the client may send it now. The final answer comes after the "
        "body.")},
    {101, "Switching Protocols", TEACH_V_HDR, "Upgrade",
     N_("The server answers 101 Switching Protocols: it accepts the client's Upgrade (%s), and "
        "right after the blank line that ends this response the connection speaks that protocol "
        "(WebSocket, for example) instead of HTTP/1.1.")},
    {102, "Processing", TEACH_V_TARGET, NULL,
     N_("The server answers 102 Processing, an interim response (WebDAV): the request for %s takes "
        "long, and the server says it is still working on it so that the client does not give "
        "up.")},
    {103, "Early Hints", TEACH_V_TARGET, NULL,
     N_("The server answers 103 Early Hints, an interim response: while it prepares the real "
        "answer for %s, it already names files (in Link headers) that the browser can start "
        "loading.")},
    {200, "OK", TEACH_V_REQUEST, NULL,
     N_("The server answers 200 OK: the request %s succeeded.")},
    {201, "Created", TEACH_V_HDR, "Location",
     N_("The server answers 201 Created: the request created a new resource, whose address the "
        "Location header gives: %s.")},
    {202, "Accepted", TEACH_V_REQUEST, NULL,
     N_("The server answers 202 Accepted: it has accepted the request %s but not carried it out "
        "yet (it waits in a queue, for example); the result will come later, some other way.")},
    {203, "Non-Authoritative Information", TEACH_V_REQUEST, NULL,
     N_("The server answers 203 Non-Authoritative Information: the request %s succeeded, but a "
        "proxy on the way changed the response it got from the origin server.")},
    {204, "No Content", TEACH_V_REQUEST, NULL,
     N_("The server answers 204 No Content: the request %s succeeded and there is nothing to send "
        "back, so no body follows (typical for a DELETE, or for saving a form without leaving the "
        "page).")},
    {205, "Reset Content", TEACH_V_REQUEST, NULL,
     N_("The server answers 205 Reset Content: the request %s succeeded, and the client should "
        "clear the form it came from, so that the user can enter new data.")},
    {206, "Partial Content", TEACH_V_HDR, "Content-Range",
     N_("The server answers 206 Partial Content: it sends only the part the client asked for in "
        "its Range header, and Content-Range says which bytes: %s.")},
    {207, "Multi-Status", TEACH_V_REQUEST, NULL,
     N_("The server answers 207 Multi-Status (WebDAV): the body is an XML document with a separate "
        "status for each of the resources that %s touched.")},
    {208, "Already Reported", TEACH_V_NONE, NULL,
     N_("The server answers 208 Already Reported (WebDAV): used inside a 207 Multi-Status body, it "
        "says that the members of a collection were listed earlier in the answer and are not "
        "repeated.")},
    {226, "IM Used", TEACH_V_TARGET, NULL,
     N_("The server answers 226 IM Used: for %s it sends a delta, only the changes since the "
        "version the client has (as its A-IM header asked), instead of the whole resource.")},
    {300, "Multiple Choices", TEACH_V_TARGET, NULL,
     N_("The server answers 300 Multiple Choices: the resource %s exists in several variants "
        "(languages or formats, for example), and the client must choose one; the Location header "
        "may suggest one.")},
    {301, "Moved Permanently", TEACH_V_HDR, "Location",
     N_("The server answers 301 Moved Permanently: the resource has a new address for good, %s "
        "(the Location header). The browser fetches it there at once, remembers the move, and "
        "bookmarks and search engines should switch to the new address.")},
    {302, "Found", TEACH_V_HDR, "Location",
     N_("The server answers 302 Found: the resource is for now at %s (the Location header). The "
        "browser fetches it there but keeps using the old address next time. (Old browsers turned "
        "a POST into a GET here; 307 forbids that.)")},
    {303, "See Other", TEACH_V_HDR, "Location",
     N_("The server answers 303 See Other: the answer is elsewhere, and the browser must fetch %s "
        "(the Location header) with a GET. Typical after a POST, so that reloading the result page "
        "does not send the form again.")},
    {304, "Not Modified", TEACH_V_COND, NULL,
     N_("The server answers 304 Not Modified: the copy your browser cached (%s) is still good, so "
        "no body follows and the page loads from cache. Only the headers travel: fewer bytes, a "
        "faster page.")},
    {305, "Use Proxy", TEACH_V_HDR, "Location",
     N_("The server answers 305 Use Proxy, which is deprecated: it told the client to repeat the "
        "request through the proxy in the Location header (%s). Browsers ignore it, for safety.")},
    {306, "(Unused)", TEACH_V_NONE, NULL,
     N_("The server answers 306, a code from an old draft (Switch Proxy) that is no longer used "
        "but stays reserved.")},
    {307, "Temporary Redirect", TEACH_V_HDR, "Location",
     N_("The server answers 307 Temporary Redirect: like 302, the resource is for now at %s (the "
        "Location header), but the client must repeat the request with the same method and body: a "
        "POST stays a POST.")},
    {308, "Permanent Redirect", TEACH_V_HDR, "Location",
     N_("The server answers 308 Permanent Redirect: like 301, the resource has moved for good, to "
        "%s (the Location header), but the client must repeat the request with the same method and "
        "body.")},
    {400, "Bad Request", TEACH_V_REQUEST, NULL,
     N_("The server answers 400 Bad Request: it could not understand the request %s (wrong syntax, "
        "a bad header, a malformed body). The client should fix it, not repeat it.")},
    {401, "Unauthorized", TEACH_V_HDR, "WWW-Authenticate",
     N_("The server answers 401 Unauthorized: this resource needs a login, and the request had "
        "none, or a wrong one. The WWW-Authenticate header says how to log in: %s. A browser now "
        "shows a login dialog and sends the request again with an Authorization header.")},
    {402, "Payment Required", TEACH_V_NONE, NULL,
     N_("The server answers 402 Payment Required: reserved for future use with digital payments; a "
        "few services use it when a bill is unpaid.")},
    {403, "Forbidden", TEACH_V_TARGET, NULL,
     N_("The server answers 403 Forbidden: it understood the request for %s but refuses it, and "
        "logging in would not help (unlike 401): this client is simply not allowed.")},
    {404, "Not Found", TEACH_V_TARGET, NULL,
     N_("The server answers 404 Not Found: there is nothing at %s on this server. Perhaps the "
        "address is mistyped, or the page was removed.")},
    {405, "Method Not Allowed", TEACH_V_METHOD, NULL,
     N_("The server answers 405 Method Not Allowed: the resource exists, but not for the method "
        "%s. The Allow header lists the methods it accepts.")},
    {406, "Not Acceptable", TEACH_V_REQ_HDR, "Accept",
     N_("The server answers 406 Not Acceptable: it has no version of the resource that matches the "
        "client's Accept headers (Accept: %s).")},
    {407, "Proxy Authentication Required", TEACH_V_HDR, "Proxy-Authenticate",
     N_("The server answers 407 Proxy Authentication Required: like 401, but it is the proxy in "
        "between that wants a login, as its Proxy-Authenticate header says: %s.")},
    {408, "Request Timeout", TEACH_V_NONE, NULL,
     N_("The server answers 408 Request Timeout: it waited too long for the rest of the request "
        "and gives up; it usually closes the connection after this.")},
    {409, "Conflict", TEACH_V_REQUEST, NULL,
     N_("The server answers 409 Conflict: the request %s conflicts with the current state of the "
        "resource (two people editing the same file, for example); the body usually explains.")},
    {410, "Gone", TEACH_V_TARGET, NULL,
     N_("The server answers 410 Gone: %s existed but was removed for good, and no new address is "
        "known. Unlike 404 this is final: links to it should be deleted.")},
    {411, "Length Required", TEACH_V_REQUEST, NULL,
     N_("The server answers 411 Length Required: it refuses a body without a Content-Length "
        "header, and the request %s had none.")},
    {412, "Precondition Failed", TEACH_V_REQUEST, NULL,
     N_("The server answers 412 Precondition Failed: a condition in the request headers (If-Match, "
        "If-Unmodified-Since...) was false, so the server did not carry out %s.")},
    {413, "Content Too Large", TEACH_V_REQ_HDR, "Content-Length",
     N_("The server answers 413 Content Too Large: the request body is bigger than the server "
        "accepts (Content-Length: %s).")},
    {414, "URI Too Long", TEACH_V_NONE, NULL,
     N_("The server answers 414 URI Too Long: the target is longer than the server is willing to "
        "read, often a form sent with GET with too much data in the URL.")},
    {415, "Unsupported Media Type", TEACH_V_REQ_HDR, "Content-Type",
     N_("The server answers 415 Unsupported Media Type: it cannot handle a body of this kind "
        "(Content-Type: %s).")},
    {416, "Range Not Satisfiable", TEACH_V_REQ_HDR, "Range",
     N_("The server answers 416 Range Not Satisfiable: the requested range (Range: %s) lies "
        "outside the resource, past its end for example.")},
    {417, "Expectation Failed", TEACH_V_REQ_HDR, "Expect",
     N_("The server answers 417 Expectation Failed: it cannot meet the request's Expect header "
        "(Expect: %s).")},
    {418, "(Unused)", TEACH_V_NONE, NULL,
     N_("The server answers 418, the famous \"I'm a teapot\" from an April Fools' joke (RFC 2324). "
        "The registry keeps it unused so that no real code takes it; some servers answer it for "
        "fun.")},
    {421, "Misdirected Request", TEACH_V_REQ_HDR, "Host",
     N_("The server answers 421 Misdirected Request: it cannot answer for the host in the request "
        "(Host: %s); the connection reached the wrong server.")},
    {422, "Unprocessable Content", TEACH_V_NONE, NULL,
     N_("The server answers 422 Unprocessable Content: the body's syntax is fine, but its content "
        "makes no sense to the server (a form with invalid values, for example).")},
    {423, "Locked", TEACH_V_TARGET, NULL,
     N_("The server answers 423 Locked (WebDAV): the resource %s is locked by someone else.")},
    {424, "Failed Dependency", TEACH_V_NONE, NULL,
     N_("The server answers 424 Failed Dependency (WebDAV): the action failed because another "
        "action it depended on failed.")},
    {425, "Too Early", TEACH_V_NONE, NULL,
     N_("The server answers 425 Too Early: it will not risk processing a request that might be "
        "replayed (sent in TLS early data); the client should try again later.")},
    {426, "Upgrade Required", TEACH_V_HDR, "Upgrade",
     N_("The server answers 426 Upgrade Required: it refuses to answer with this protocol; its "
        "Upgrade header says which one to switch to: %s.")},
    {428, "Precondition Required", TEACH_V_NONE, NULL,
     N_("The server answers 428 Precondition Required: it wants a conditional request (with "
        "If-Match), so that two clients changing the same resource do not overwrite each other.")},
    {429, "Too Many Requests", TEACH_V_HDR, "Retry-After",
     N_("The server answers 429 Too Many Requests: the client sent too many requests in a short "
        "time (rate limiting). The Retry-After header may say when to try again: %s.")},
    {431, "Request Header Fields Too Large", TEACH_V_NONE, NULL,
     N_("The server answers 431 Request Header Fields Too Large: the headers are too big (often "
        "too many or too large cookies), and the server refuses to read them.")},
    {451, "Unavailable For Legal Reasons", TEACH_V_TARGET, NULL,
     N_("The server answers 451 Unavailable For Legal Reasons: it may not provide %s because of a "
        "legal demand, such as a court order (the number honours the novel Fahrenheit 451).")},
    {500, "Internal Server Error", TEACH_V_REQUEST, NULL,
     N_("The server answers 500 Internal Server Error: something went wrong inside the server "
        "while it handled %s, a bug or a crash in the program behind it.")},
    {501, "Not Implemented", TEACH_V_METHOD, NULL,
     N_("The server answers 501 Not Implemented: it does not support the method %s at all, for any "
        "resource.")},
    {502, "Bad Gateway", TEACH_V_NONE, NULL,
     N_("The server answers 502 Bad Gateway: it is a gateway or a proxy, and the server behind it "
        "sent an invalid answer, or none.")},
    {503, "Service Unavailable", TEACH_V_REQUEST, NULL,
     N_("The server answers 503 Service Unavailable: it cannot handle %s right now, because it is "
        "overloaded or down for maintenance. It is temporary: a Retry-After header may say when to "
        "come back.")},
    {504, "Gateway Timeout", TEACH_V_NONE, NULL,
     N_("The server answers 504 Gateway Timeout: it is a gateway or a proxy, and the server behind "
        "it did not answer in time.")},
    {505, "HTTP Version Not Supported", TEACH_V_VERSION, NULL,
     N_("The server answers 505 HTTP Version Not Supported: it does not support the version of the "
        "request, %s.")},
    {506, "Variant Also Negotiates", TEACH_V_NONE, NULL,
     N_("The server answers 506 Variant Also Negotiates: a mistake in the server's configuration "
        "of content negotiation, where the chosen variant would negotiate again, in a loop.")},
    {507, "Insufficient Storage", TEACH_V_REQUEST, NULL,
     N_("The server answers 507 Insufficient Storage (WebDAV): it has no room left to store what "
        "%s asked for.")},
    {508, "Loop Detected", TEACH_V_REQUEST, NULL,
     N_("The server answers 508 Loop Detected (WebDAV): it found an infinite loop while processing "
        "%s.")},
    {510, "Not Extended (OBSOLETED)", TEACH_V_NONE, NULL,
     N_("The server answers 510 Not Extended: the request did not follow the policy of an HTTP "
        "extension framework that is no longer used.")},
    {511, "Network Authentication Required", TEACH_V_NONE, NULL,
     N_("The server answers 511 Network Authentication Required: a network in between (the Wi-Fi "
        "portal of a hotel or an airport) wants you to log in before you reach the Internet; the "
        "body is usually its login page.")},
    {0, NULL, TEACH_V_NONE, NULL, NULL}
};

/* the five classes (RFC 9110 section 15) */
static const char *const class_texts[] = {
    N_("Codes 1xx are informational: an interim answer, and the final one follows."),
    N_("Codes 2xx mean success: the request was received, understood and accepted."),
    N_("Codes 3xx mean redirection: to complete the request the client must do something more, "
       "usually ask at another address, or, for 304, use the copy it already has."),
    N_("Codes 4xx are client errors: the request is wrong (a bad address, no login, not allowed), "
       "and sending it again unchanged will not help."),
    N_("Codes 5xx are server errors: the request may be fine, but the server failed to carry it "
       "out."),
};

const struct teach_status_text *teach_cat_status(int code)
{
    for (const struct teach_status_text *t = status_texts; t->code; t++)
        if (t->code == code)
            return t;
    return NULL;
}

const char *teach_cat_status_class(int code)
{
    return code >= 100 && code <= 599 ? class_texts[code / 100 - 1] : NULL;
}

const char *teach_status_reason(int status)
{
    const struct teach_status_text *t = teach_cat_status(status);
    return t ? t->reason : NULL;
}

/* --------------------------------------------------------- keep-alive -- */

/* why the connection stays open: the decoder's reason_text, and who sent
 * Connection: keep-alive (RFC 9112 9.3) */
static const struct ka_text {
    const char *reason;
    enum teach_ka_who who;
    const char *text;
} ka_texts[] = {
    {"HTTP/1.1 default", TEACH_KA_ANY,
     N_("Step 7: the exchange is over, but the TCP connection stays open (keep-alive). In "
        "HTTP/1.1 connections are persistent by default: nobody said Connection: close, so both "
        "sides keep it for the next request.")},
    {"Connection: keep-alive", TEACH_KA_BOTH,
     N_("Step 7: the exchange is over, but the TCP connection stays open (keep-alive): the client "
        "asked for it with Connection: keep-alive, and the server agreed with the same header. "
        "HTTP/1.0 needs that; in HTTP/1.1 it is only a habit, since connections stay open "
        "anyway.")},
    {"Connection: keep-alive", TEACH_KA_SERVER,
     N_("Step 7: the exchange is over, but the TCP connection stays open (keep-alive). The server "
        "said so in its response, with Connection: keep-alive; the client had not asked, but in "
        "HTTP/1.1 a connection stays open anyway unless one side says Connection: close.")},
    {"Connection: keep-alive", TEACH_KA_CLIENT,
     N_("Step 7: the exchange is over, but the TCP connection stays open (keep-alive): the client "
        "asked for it with Connection: keep-alive, and the server did not say Connection: "
        "close.")},
    {NULL, TEACH_KA_ANY, NULL}
};

const char *teach_cat_keep_alive(const char *reason, enum teach_ka_who who)
{
    for (const struct ka_text *t = ka_texts; t->reason; t++)
        if (reason && strcmp(reason, t->reason) == 0 && (t->who == TEACH_KA_ANY || t->who == who))
            return t->text;
    return NULL;
}

/* -------------------------------------------------------------- close -- */

/* how it closed, and who began (RFC 9293 section 3.6); the packets of the
 * close are listed by the composer */
static const struct close_text {
    enum tr_close_how how;
    int initiator;          /* -1: unknown */
    const char *text;
} close_texts[] = {
    {TR_CLOSE_FIN, TR_DIR_C2S,
     N_("Step 7: the connection is closed with FIN packets, and the client began. Each side sends "
        "a FIN (I have nothing more to send) and the other acknowledges it: both directions close "
        "separately, politely, and no data is lost.")},
    {TR_CLOSE_FIN, TR_DIR_S2C,
     N_("Step 7: the connection is closed with FIN packets, and the server began. Each side sends "
        "a FIN (I have nothing more to send) and the other acknowledges it: both directions close "
        "separately, politely, and no data is lost.")},
    {TR_CLOSE_FIN, -1,
     N_("Step 7: the connection is closed with FIN packets. Each side sends a FIN (I have nothing "
        "more to send) and the other acknowledges it.")},
    {TR_CLOSE_RST, TR_DIR_C2S,
     N_("Step 7: the client ended the connection with a reset (RST): an abrupt end, without the "
        "polite exchange of FINs, and any data still on its way is thrown away. Programs do this "
        "when they give up on a connection, or close it with data left unread.")},
    {TR_CLOSE_RST, TR_DIR_S2C,
     N_("Step 7: the server ended the connection with a reset (RST): an abrupt end, without the "
        "polite exchange of FINs, and any data still on its way is thrown away. Programs do this "
        "when they give up on a connection, or close it with data left unread.")},
    {TR_CLOSE_RST, -1,
     N_("Step 7: the connection ended with a reset (RST): an abrupt end, without the polite "
        "exchange of FINs.")},
    {TR_CLOSE_END, -1,
     N_("Step 7: the capture ended while this connection was still open, with no FIN or RST: what "
        "happened to it afterwards is not in the file.")},
    {TR_CLOSE_NONE, -1, N_("Step 7: this connection is still open.")},
};

const char *teach_cat_close(enum tr_close_how how, int initiator)
{
    for (size_t i = 0; i < sizeof close_texts / sizeof *close_texts; i++)
        if (close_texts[i].how == how &&
            (close_texts[i].initiator == initiator || close_texts[i].initiator == -1))
            return close_texts[i].text;
    return NULL;
}

/* why it closed; %s: the time since the last response, where it matters */
static const char *const why_texts[TEACH_W_COUNT] = {
    [TEACH_W_NONE] = NULL,
    [TEACH_W_REQ_CLOSE] = N_("Why: the request said Connection: close, so the client wanted only "
                             "this exchange, and the connection ended after the response."),
    [TEACH_W_REQ_CLOSE_LAST] = N_("Why: the last request said Connection: close: the client would "
                                  "send no more requests after it, and the connection ended after "
                                  "the response to it."),
    [TEACH_W_RSP_CLOSE] = N_("Why: the last response said Connection: close: the server announced "
                             "that it would not keep the connection open."),
    [TEACH_W_HTTP10] = N_("Why: HTTP/1.0. Without Connection: keep-alive on both sides, an "
                          "HTTP/1.0 connection carries one request and its response, then closes, "
                          "so every request pays for a new handshake. HTTP/1.1 made persistent "
                          "connections the default."),
    [TEACH_W_UNTIL_CLOSE] = N_("Why: the response body had neither Content-Length nor chunks, so "
                               "only closing the connection could mark its end."),
    [TEACH_W_TUNNEL] = N_("Why: the tunnel ended; when one end of a relayed connection closes, the "
                          "proxy closes the other."),
    [TEACH_W_IDLE_SERVER] = N_("Why: after the last response the connection stayed open "
                               "(keep-alive), but no new request came, and %s later the server "
                               "closed it. Servers close idle connections after a timeout, to "
                               "free their resources."),
    [TEACH_W_DONE_CLIENT] = N_("Why: the client had no more requests for this server, so it "
                               "closed the connection itself, %s after the last response."),
    [TEACH_W_NO_HTTP] = N_("No HTTP request was made on this connection. Browsers often open a "
                           "spare connection in advance, to save the handshake time if the page "
                           "needs one more, and close it unused."),
};

const char *teach_cat_close_why(enum teach_close_why w)
{
    return (unsigned)w < TEACH_W_COUNT ? why_texts[w] : NULL;
}
