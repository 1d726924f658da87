/* keys.h - private to ui/: key bindings and actions */
#ifndef HTTPSTEP_UI_KEYS_H
#define HTTPSTEP_UI_KEYS_H

#include <stdio.h>

enum ui_action {
    UA_NONE = 0,
    UA_NEXT_STAGE,
    UA_PREV_STAGE,
    UA_NEXT_X,
    UA_PREV_X,
    UA_FIRST,
    UA_LAST,
    UA_FOCUS,
    UA_UP,
    UA_DOWN,
    UA_PGUP,
    UA_PGDN,
    UA_HOME,
    UA_END,
    UA_OPEN,
    UA_SEARCH,
    UA_BODY,
    UA_PLAY,
    UA_FASTER,
    UA_SLOWER,
    UA_ZOOM,
    UA_BIG,
    UA_FOLLOW,
    UA_LAB,
    UA_LAB_NEXT,
    UA_LESSON,
    UA_EXPORT,
    UA_HELP,
    UA_REDRAW,
    UA_BACK,
    UA_QUIT
};

struct ui_binding {
    enum ui_action action;
    int keys[4];          /* curses key codes, 0-terminated */
    const char *names;    /* as the help and README show them */
    const char *help;     /* untranslated; gettext at display */
    const char *footer;   /* a short hint for the footer, or NULL */
};

extern const struct ui_binding ui_bindings[]; /* ends with names == NULL */

enum ui_action ui_key_action(int key);

#endif
