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

/* translated titles (decode.h's tables) */
const char *teach_stage_title(enum dec_stage_kind k);
const char *teach_stage_brief(enum dec_stage_kind k);
const char *teach_step_label(int step, bool brief);
/* the reason phrase of a status code in IANA's registry, or NULL */
const char *teach_status_reason(int status);

/* wire bytes made safe to show: printable ASCII and valid UTF-8 as they
 * are, CR LF TAB as \r \n \t, any other byte as \xNN; a new string the
 * caller frees (NULL for p NULL) */
char *teach_safe_dup(const char *p, size_t n);

#endif
