/* explain.c - what each stage is and why, for a learner, filled with this
 * exchange's real values */
#include "app.h"
#include "i18n.h"

#include <string.h>

const char *ui_stage_title(enum dec_stage_kind k)
{
    switch (k) {
    case DEC_STAGE_HANDSHAKE: return _("Handshake");
    case DEC_STAGE_REQUEST_LINE: return _("Request line");
    case DEC_STAGE_REQUEST_HEADERS: return _("Request headers");
    case DEC_STAGE_REQUEST_BLANK_LINE: return _("Blank line");
    case DEC_STAGE_REQUEST_BODY: return _("Request body");
    case DEC_STAGE_STATUS_LINE: return _("Status line");
    case DEC_STAGE_RESPONSE_HEADERS: return _("Response headers");
    case DEC_STAGE_RESPONSE_BLANK_LINE: return _("Blank line");
    case DEC_STAGE_RESPONSE_BODY: return _("Response body");
    case DEC_STAGE_TUNNEL: return _("Tunnel");
    case DEC_STAGE_CLOSE: return _("Close");
    case DEC_STAGE_KEEP_ALIVE: return _("Keep-alive");
    default: return "?";
    }
}

const char *ui_step_label(int step, bool short_form)
{
    static const char *const full[] = {N_("Handshake"), N_("Request line"), N_("Headers"),
                                       N_("Status"), N_("Response headers"), N_("Body"),
                                       N_("Close/Keep-alive")};
    static const char *const brief[] = {N_("Handshake"), N_("Req.line"), N_("Headers"),
                                        N_("Status"), N_("Resp.hdrs"), N_("Body"), N_("Close")};
    if (step < 1 || step > 7)
        return "?";
    return _(short_form ? brief[step - 1] : full[step - 1]);
}

const char *ui_status_reason(int status)
{
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 404: return "Not Found";
    default: return NULL;
    }
}

void ui_explain_stage(const struct ui_detail *d, int stage, struct sbuf *out)
{
    if (stage < 0 || (size_t)stage >= d->nstgs) {
        sb_str(out, _("No stage selected."));
        return;
    }
    const struct ui_stg *s = &d->stgs[stage];
    sb_printf(out, "%s.", ui_stage_title(s->kind));
}
