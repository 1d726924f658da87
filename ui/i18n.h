/* i18n.h - private to ui/: gettext for every text a learner reads */
#ifndef HTTPSTEP_UI_I18N_H
#define HTTPSTEP_UI_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
/* a singular and a plural marked for translation, used later with ngettext */
#define NP_(one, many) one, many
/* a text with a number in it: the singular, the plural, the number */
#define P_(one, many, n) ngettext(one, many, (unsigned long)(n))

#endif
