/* keys.c - the one key table: the footer hints, the help screen and the
 * README's key list all come from it (tig request.h, htop Action.c) */
#include "keys.h"
#include "app.h"

#include <curses.h>
#include <stdio.h>

#define CTRL(c) ((c) & 0x1f)

const struct ui_binding ui_bindings[] = {
    {UA_NEXT_STAGE, {'n', KEY_RIGHT, ' ', 0}, "n, Right, Space", N_("next stage"), N_("next")},
    {UA_PREV_STAGE, {'p', KEY_LEFT, 0, 0}, "p, Left", N_("previous stage"), N_("back")},
    {UA_NEXT_X, {'N', 0, 0, 0}, "N", N_("next exchange"), N_("exchange")},
    {UA_PREV_X, {'P', 0, 0, 0}, "P", N_("previous exchange"), NULL},
    {UA_FIRST, {'g', 0, 0, 0}, "g", N_("first stage of the capture"), NULL},
    {UA_LAST, {'G', 0, 0, 0}, "G", N_("last stage of the capture"), NULL},
    {UA_FOCUS, {'\t', 0, 0, 0}, "Tab", N_("focus the next pane (list, ladder, bytes, explanation)"),
     N_("pane")},
    {UA_UP, {KEY_UP, 'k', 0, 0}, "Up, k",
     N_("scroll the focused pane up (in the list: select; on the ladder: the packet cursor)"), NULL},
    {UA_DOWN, {KEY_DOWN, 'j', 0, 0}, "Down, j",
     N_("scroll the focused pane down (in the list: select; on the ladder: the packet cursor)"), NULL},
    {UA_PGUP, {KEY_PPAGE, 0, 0, 0}, "PgUp", N_("scroll the focused pane a page up"), NULL},
    {UA_PGDN, {KEY_NPAGE, 0, 0, 0}, "PgDn", N_("scroll the focused pane a page down"), NULL},
    {UA_HOME, {KEY_HOME, 0, 0, 0}, "Home", N_("top of the focused pane"), NULL},
    {UA_END, {KEY_END, 0, 0, 0}, "End", N_("bottom of the focused pane"), NULL},
    {UA_OPEN, {'\r', '\n', KEY_ENTER, 0}, "Enter",
     N_("open the selected exchange; on the ladder: the detail of the packet under the cursor"),
     NULL},
    {UA_SEARCH, {'/', 0, 0, 0}, "/",
     N_("search methods, targets, header names and values, status codes (/ then Enter repeats)"),
     N_("search")},
    {UA_BODY, {'b', 0, 0, 0}, "b", N_("bytes view: hex, text, decoded body"), N_("bytes")},
    {UA_PLAY, {'a', 0, 0, 0}, "a", N_("autoplay, one stage at a time (any key pauses)"), N_("play")},
    {UA_FASTER, {'+', '=', 0, 0}, "+", N_("autoplay faster"), NULL},
    {UA_SLOWER, {'-', '_', 0, 0}, "-", N_("autoplay slower"), NULL},
    {UA_ZOOM, {'z', 0, 0, 0}, "z", N_("zoom the focused pane"), N_("zoom")},
    {UA_BIG, {'B', 0, 0, 0}, "B", N_("projector mode: high contrast, fewer panes"), NULL},
    {UA_FOLLOW, {'f', 0, 0, 0}, "f", N_("live: follow the newest stage"), NULL},
    {UA_LAB, {'L', 0, 0, 0}, "L",
     N_("lab: questions about this capture, one at a time; type the answer, Enter checks it, Tab "
        "jumps to the stage that holds it, Esc looks around (L comes back)"),
     NULL},
    {UA_LAB_NEXT, {'w', 0, 0, 0}, "w",
     N_("what comes next? (on/off): before a step forward, guess the next stage (a, b, c...)"),
     NULL},
    {UA_LESSON, {'T', 0, 0, 0}, "T",
     N_("the teacher's lesson (--lesson, or a sample opened from the list): back to its step, "
        "Enter goes on, Esc looks around"),
     NULL},
    {UA_EXPORT, {'E', 0, 0, 0}, "E",
     N_("export the selected exchange as HTML and SVG files in the current directory"), NULL},
    {UA_HELP, {'?', 'h', KEY_F(1), 0}, "?", N_("this help"), N_("help")},
    {UA_REDRAW, {CTRL('l'), 0, 0, 0}, "Ctrl-L", N_("redraw the screen"), NULL},
    {UA_BACK, {27, 0, 0, 0}, "Esc",
     N_("close the packet detail, stop a search, clear the search's highlight"), NULL},
    {UA_QUIT, {'q', 'Q', 0, 0}, "q", N_("quit (or close this help)"), N_("quit")},
    {UA_NONE, {0, 0, 0, 0}, NULL, NULL, NULL},
};

enum ui_action ui_key_action(int key)
{
    for (const struct ui_binding *b = ui_bindings; b->names; b++)
        for (int i = 0; i < 4 && b->keys[i]; i++)
            if (b->keys[i] == key)
                return b->action;
    return UA_NONE;
}

void ui_keys_markdown(FILE *out)
{
    fprintf(out, "| key | what it does |\n|---|---|\n");
    for (const struct ui_binding *b = ui_bindings; b->names; b++)
        fprintf(out, "| `%s` | %s |\n", b->names, b->help);
    fprintf(out, "| mouse | click an exchange, a step, or a packet arrow; the wheel scrolls the pane under it |\n");
}
