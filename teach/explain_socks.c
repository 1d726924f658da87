/* explain_socks.c - the text of a SOCKS handshake stage (issue 13): what
 * the client asked the proxy, what the proxy answered, and why the HTTP
 * that follows reads as if the connection went straight to the server.
 */
#include "teach_int.h"

#include <stdio.h>
#include <string.h>

/* what the connection carries after the handshake, from its stages */
static const char *inside(const struct teach_ex *e)
{
    for (size_t k = 0; k < e->d->nstgs; k++) {
        enum dec_stage_kind kind = e->d->stgs[k]->kind;
        if (kind == DEC_STAGE_REQUEST_LINE || kind == DEC_STAGE_STATUS_LINE)
            return "HTTP";
        if (kind == DEC_STAGE_TLS_CLIENT_HELLO || kind == DEC_STAGE_ENCRYPTED)
            return "TLS";
    }
    for (size_t i = 0; i < e->d->nnotes; i++)
        if (e->d->notes[i]->kind == DEC_NOTE_TLS)
            return "TLS";
    return NULL;
}

static const char *command_name(uint8_t c)
{
    return c == 1 ? "CONNECT" : c == 2 ? "BIND" : c == 3 ? "UDP ASSOCIATE" : "?";
}

static void explain_request(struct teach_ex *e, const struct dec_socks *k)
{
    const struct tr_conn *tc = &e->d->tc;
    const char *ver = k->version == 5 ? "SOCKS 5" : k->v4a ? "SOCKS 4a" : "SOCKS 4";
    teach_para(e, _("The client %1$s asks the %2$s proxy %3$s to %4$s %5$s port %6$u for it: "
                    "%7$llu bytes in %8$s."),
               teach_endpoint(e, &tc->client), ver, teach_endpoint(e, &tc->server),
               command_name(k->command), teach_clip(e, k->host), (unsigned)k->port,
               (unsigned long long)e->s->length, teach_frames_phrase(e, e->s));
    if (k->version == 5) {
        teach_para(e, P_("SOCKS 5 (RFC 1928) takes two rounds: a greeting in which the client "
                         "offers %1$u way to authenticate and the proxy picks one, then the "
                         "request, with the command and the target's address and port.",
                         "SOCKS 5 (RFC 1928) takes two rounds: a greeting in which the client "
                         "offers %1$u ways to authenticate and the proxy picks one, then the "
                         "request, with the command and the target's address and port.",
                         k->nmethods),
                   (unsigned)k->nmethods);
        if (k->method == 0)
            teach_para_str(e, _("Here the proxy chose method 0: no authentication."));
        if (k->auth_sent)
            teach_para(e, _("The client authenticates with a user name and password (RFC 1929): it "
                            "sent the user %1$s and a password of %2$zu bytes in clear text, as "
                            "readable in this capture as a login form over HTTP."),
                       teach_clip(e, k->user), k->password_len);
    } else {
        teach_para(e, _("SOCKS 4 takes a single request: the command, the port, an IPv4 address "
                        "and a user id ended by a zero byte (here %s)."),
                   k->user[0] ? teach_clip(e, k->user) : _("empty"));
    }
    if (k->by_name)
        teach_para(e, _("The client sent the name %s, not an address: the proxy looks it up, so "
                        "the client needs no DNS lookup of its own for this server."),
                   teach_clip(e, k->host));
    else
        teach_para(e, _("The client sent the address %s: it knew the server's address already (it "
                        "looked the name up itself, or the address was typed)."),
                   teach_clip(e, k->host));
}

static void explain_reply(struct teach_ex *e, const struct dec_socks *k)
{
    const char *why = dec_socks_reply_name(k);
    why = why ? _(why) : NULL;
    if (k->granted) {
        teach_para(e, _("The proxy answers with code %2$d, \"%1$s\": it opened a TCP connection of "
                        "its own to %3$s port %4$u. %5$llu bytes in %6$s."),
                   why ? why : "?", k->reply, teach_clip(e, k->host), (unsigned)k->port,
                   (unsigned long long)e->s->length, teach_frames_phrase(e, e->s));
        if (k->version == 5 && k->bound[0])
            teach_para(e, _("Its reply also says where that connection starts on the proxy's side: "
                            "%1$s port %2$u."),
                       teach_clip(e, k->bound), (unsigned)k->bound_port);
        const char *in = inside(e);
        teach_para_str(e, _("A SOCKS proxy works below HTTP: unlike an HTTP proxy it never reads "
                            "the requests. From the next byte on it relays what each side sends, "
                            "as a CONNECT tunnel does, so the client talks to the server as if "
                            "the connection went straight to it."));
        if (in)
            teach_para(e, _("Here the client speaks %s through it, which httpstep reads from the "
                            "next stage on."),
                       in);
        return;
    }
    if (k->method == 0xff)
        teach_para_str(e, _("The proxy accepted none of the ways to authenticate that the client "
                            "offered, so nothing is relayed."));
    else if (!k->auth_ok)
        teach_para_str(e, _("The proxy rejected the user name and password, so nothing is "
                            "relayed."));
    else if (k->reply >= 0)
        teach_para(e, _("The proxy refuses with code %2$d, \"%1$s\". Nothing is relayed to %3$s."),
                   why ? why : "?", k->reply, teach_clip(e, k->host));
    else if (k->unreadable)
        teach_para_str(e, _("The proxy chose an authentication method whose traffic is wrapped "
                            "in its own format, which httpstep does not read."));
    else
        teach_para_str(e, _("The capture holds no complete answer from the proxy."));
}

void teach_explain_socks(struct teach_ex *e)
{
    const struct dec_socks *k = e->s->socks;
    if (!k)
        return;
    if (e->s->dir == TR_DIR_C2S)
        explain_request(e, k);
    else
        explain_reply(e, k);
}
