/*
 * Drawing views and reading keys: with curses (ui-curses.c), or as plain
 * numbered lines on stdout and answers on stdin (ui-plain.c), for screen
 * readers, TERM=dumb and pipes. Only these files touch the terminal.
 */
#ifndef CHARTTY_UI_H
#define CHARTTY_UI_H

#include <stddef.h>

#include "keys.h"

struct view;

struct ui_event {
	enum action	action;
	int		arg;		/* ACTION_AREA: the number */
	char		text[8];	/* ACTION_CHAR: one UTF-8 character */
	size_t		len;
};

struct ui;
struct ui_ops {
	void	 (*draw)(struct ui *, struct view *, const char *);
	void	 (*status)(struct ui *, const char *);
	int	 (*read)(struct ui *, struct view *, struct ui_event *);
	char	*(*prompt)(struct ui *, const char *);
	void	 (*wipe)(struct ui *);
	void	 (*free)(struct ui *);
};

struct ui {
	const struct ui_ops *ops;
	int	plain;
	int	fd;		/* what to watch for input */
	int	ascii;		/* no box drawing */
	int	color;
	int	lines;		/* body lines a page holds */
	int	cols;		/* columns (0 in plain mode) */
	void	*priv;
};

/*
 * Start the UI: curses unless plain; kiosk puts the terminal in raw mode
 * (no key makes a signal). Returns NULL with *cause when the terminal
 * cannot be used (the caller may fall back to plain).
 */
struct ui	*ui_curses_create(int ascii, int color, int kiosk,
		     char **cause);
struct ui	*ui_plain_create(void);
/* The curses library's version ("ncurses 6.4.20221231"). */
const char	*ui_curses_library(void);
/* Put the terminal back and free; NULL is a no-op. */
void		 ui_free(struct ui *);
/* Put the terminal back (for fatal() and signals); safe to repeat. */
void		 ui_restore(void);

/* Clear the screen and its scrollback (the end of a kiosk turn). */
void		 ui_wipe(struct ui *);
/* Draw the view, with status (or the focus text when NULL). */
void		 ui_draw(struct ui *, struct view *, const char *status);
/* Show a one-line status at once ("Loading..."), leaving the rest. */
void		 ui_status(struct ui *, const char *);
/*
 * Read one event if one is waiting: 1 with *ev, 0 when none (curses), -1
 * at end of input (plain). Plain mode blocks for a line and may fill the
 * view's fields before answering ACTION_SELECT.
 */
int		 ui_read(struct ui *, struct view *, struct ui_event *);
/*
 * Ask for a line of text on the status line (find, a file name); caller
 * frees. "" when Enter was pressed on nothing; NULL for Esc or no input.
 */
char		*ui_prompt(struct ui *, const char *prompt);

/* Display width of a UTF-8 string (invalid bytes count as 1). */
int		 ui_width(const char *);
/*
 * Split s into lines of at most width columns at spaces (or anywhere in
 * a longer word); calls line(arg, start, bytes) per line; returns count.
 */
int		 ui_wrap(const char *s, int width,
		     void (*line)(void *, const char *, size_t), void *arg);

/*
 * Ask prompt on stdout and read one line (at most UI_LINE_MAX bytes) from
 * stdin, for the command line and plain mode. With UI_LINE_SECRET the
 * line is not echoed on a terminal; with UI_LINE_PIPED, when stdin is not
 * a terminal, the prompt's line is ended (nothing echoed it). A new
 * string (the caller wipes it), or NULL at end of input.
 */
#define UI_LINE_MAX	4096
#define UI_LINE_SECRET	0x1
#define UI_LINE_PIPED	0x2
char	*ui_read_line(const char *prompt, int flags);
/* Put the terminal's echo back if a secret line is being read (signals). */
void	 ui_line_restore(void);

#endif
