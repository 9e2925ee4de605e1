/*
 * Actions and the one key table: what each key does, shown by the help
 * screen and checked against the man page.
 */
#include "config.h"

#include <stddef.h>

#include "keys.h"

const struct key_binding key_table[] = {
	{ ACTION_UP, "up", "Up, k", "Move to the previous item" },
	{ ACTION_DOWN, "down", "Down, j, Tab", "Move to the next item" },
	{ ACTION_PAGE_UP, "page-up", "PgUp", "Move up a page" },
	{ ACTION_PAGE_DOWN, "page-down", "PgDn, Space", "Move down a page" },
	{ ACTION_FIRST, "first", "Home, g", "Move to the first item" },
	{ ACTION_LAST, "last", "End, G", "Move to the last item" },
	{ ACTION_SELECT, "select", "Enter",
	    "Open the focused item, or press the focused button" },
	{ ACTION_BACK, "back", "Esc, Backspace",
	    "Go back; while loading, cancel" },
	{ ACTION_FIND, "find", "/", "Find text in this screen" },
	{ ACTION_FIND_NEXT, "find-next", "n", "Find the next match" },
	{ ACTION_REFRESH, "refresh", "r", "Load this screen again" },
	{ ACTION_AREA, "area", "1 to 7",
	    "Go to a portal area: 1 Home, 2 Health summary, 3 Test results, "
	    "4 Medications, 5 Messages, 6 Appointments, 7 Billing" },
	{ ACTION_MORE, "more", "Ctrl-N",
	    "Show the rest of a message too long for the screen" },
	{ ACTION_HELP, "help", "?", "Show the keys" },
	{ ACTION_QUIT, "quit", "q", "Quit chartty" },
	{ ACTION_NONE, NULL, NULL, NULL }
};
