/*
 * Actions and the one key table: what each key does, shown by the help
 * screen and checked against the man page.
 */
#ifndef CHARTTY_KEYS_H
#define CHARTTY_KEYS_H

enum action {
	ACTION_NONE = 0,
	ACTION_UP,
	ACTION_DOWN,
	ACTION_PAGE_UP,
	ACTION_PAGE_DOWN,
	ACTION_FIRST,
	ACTION_LAST,
	ACTION_SELECT,		/* Enter: open, press, submit */
	ACTION_BACK,		/* Esc, Backspace: go back */
	ACTION_QUIT,
	ACTION_HELP,
	ACTION_FIND,
	ACTION_FIND_NEXT,
	ACTION_REFRESH,
	ACTION_AREA,		/* a number key: jump to a portal area */
	ACTION_RESIZE,
	ACTION_MORE,		/* Ctrl-N: the rest of a long message */
	/* Editing a field (only while a field has the focus). */
	ACTION_CHAR,
	ACTION_ERASE,
	ACTION_DELETE,
	ACTION_LEFT,
	ACTION_RIGHT,
	ACTION_LINE_START,
	ACTION_LINE_END
};

struct key_binding {
	enum action	 action;
	const char	*name;		/* "select" */
	const char	*keys;		/* "Enter" as shown to people */
	const char	*help;		/* "Open the focused item" */
};

/* The table, ending with a NULL name. */
extern const struct key_binding key_table[];

#endif
