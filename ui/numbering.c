/* numbering.c - the one numbering of the stages (1, 2, 3a, 3b, 3c, 4, 5,
 * 6a, 6b, 7) and their labels, for the title, the step bar, the ladder and
 * the explanation's title
 *
 * These two functions have the contract of teach_stage_number and
 * teach_stage_label (teach/teach.h, issue 14), which teach/ provides on its
 * own branch; once that is merged, the UI calls those and this file goes.
 */
#include "view.h"

#include <stdlib.h>
#include <string.h>

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
};

const char *ui_stage_number(enum dec_stage_kind k)
{
    if ((unsigned)k >= DEC_STAGE_COUNT || !stage_numbers[k])
        return "?";
    return stage_numbers[k];
}

#define LABEL_REASON_MAX 40   /* bytes of an interim reason phrase in a label */
#define LABEL_BRIEF_COLS 12   /* columns of an interim status line's short label */

/* cut s to n bytes at a character boundary */
static size_t utf8_cut(const char *s, size_t n)
{
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    return n;
}

const char *ui_stage_label(const struct dec_stage *s, bool brief, char *buf, size_t cap)
{
    if (!cap)
        return buf;
    if (!dec_stage_interim(s)) {
        snprintf(buf, cap, "%s", brief ? teach_stage_brief(s->kind) : teach_stage_title(s->kind));
        return buf;
    }
    const struct dec_msg *m = s->msg;
    size_t rl = m->reason.p ? m->reason.len : 0;
    if (rl > LABEL_REASON_MAX)
        rl = utf8_cut(m->reason.p, LABEL_REASON_MAX);
    char *reason = teach_safe_dup(rl ? m->reason.p : "", rl);
    char status[4 * LABEL_REASON_MAX + 16];
    snprintf(status, sizeof status, "%d%s%s", m->status, reason[0] ? " " : "", reason);
    free(reason);
    if (s->kind == DEC_STAGE_STATUS_LINE && brief) {
        size_t n = strlen(status);
        if (n > LABEL_BRIEF_COLS)
            snprintf(buf, cap, "%.*s.", (int)utf8_cut(status, LABEL_BRIEF_COLS - 1), status);
        else
            snprintf(buf, cap, "%s", status);
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
