/*
 * What a screen shows, independent of how it is drawn: a title, whose
 * record it is, and rows (headings, items of label + value, paragraphs,
 * form fields, buttons). The UI draws a view with curses or as plain lines.
 */
#ifndef CHARTTY_VIEW_H
#define CHARTTY_VIEW_H

#include <stddef.h>

struct arena;
struct editor;
struct trend;

enum row_kind {
	ROW_HEADING,	/* a section title; not focusable */
	ROW_TEXT,	/* a paragraph; not focusable; wrapped */
	ROW_ITEM,	/* label + value; focusable, Enter selects */
	ROW_FIELD,	/* a form field the person types into */
	ROW_BUTTON,	/* a form's action */
	ROW_CHART,	/* a trend chart drawn to the width; not in plain mode */
	ROW_EDITOR,	/* a message body: lines of text the person types */
	ROW_PICTURE	/* block characters (a QR code); curses only, not
			   with --ascii; its value is said when it cannot
			   be drawn whole */
};

#define ROW_ALERT	0x1	/* out of range, severe: shown in words and bold */
#define ROW_SECRET	0x2	/* a field whose text is masked */
#define ROW_INFO	0x4	/* an item with nothing behind it (no Enter) */
#define ROW_ASIDE	0x8	/* a button off the form's way (Forgot
				   password): plain mode offers it only when
				   a secret was left empty */

#define FIELD_MAX	2048	/* a pasted sign-in address fits */

/*
 * A form field's text and cursor (bytes; UTF-8 kept whole). A choice
 * field has options (borrowed from the screen): its text is the chosen
 * one, and Left/Right change it instead of editing.
 */
struct field {
	char			 text[FIELD_MAX];
	size_t			 len;
	size_t			 cursor;
	const char *const	*options;
	int			 noptions;
	int			 choice;
};

/* A picture: nlines strings, each width cells, dark drawn on light. */
struct picture {
	const char	**lines;
	int		  nlines;
	int		  width;
};

struct view_row {
	enum row_kind	 kind;
	int		 id;	/* the screen's own meaning */
	int		 flags;
	const char	*noun;	/* "Allergy": for "Allergy 2 of 3" */
	const char	*label;
	const char	*value;
	struct field	*field;	/* ROW_FIELD: owned by the screen */
	const struct trend *chart; /* ROW_CHART: owned by the screen */
	struct editor	*editor; /* ROW_EDITOR: owned by the screen */
	const struct picture *picture; /* ROW_PICTURE: owned by the screen */
	int		 pos, count;	/* place among rows of its noun */
};

struct view {
	struct arena	*arena;		/* every string of the view */
	const char	*title;		/* "Health summary" */
	const char	*whose;		/* "Maria Lopez" or NULL */
	const char	*message;	/* a sentence to show once, or NULL */
	struct view_row	*rows;
	size_t		 nrows;
	size_t		 cap;
	int		 focus;		/* row index, or -1 for none */
	int		 no_help;	/* no help to offer (a kiosk) */
};

/* A new empty view (its arena is created); view_free() after. */
void	 view_init(struct view *);
void	 view_free(struct view *);
/* Copy s into the view's arena (NULL stays NULL). */
const char *view_str(struct view *, const char *s);
const char *view_printf(struct view *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));

/* Add rows; strings are copied. Return the row's index. */
int	 view_heading(struct view *, const char *title);
int	 view_text(struct view *, const char *text);
int	 view_item(struct view *, int id, const char *noun, const char *label,
	     const char *value, int flags);
int	 view_field(struct view *, int id, const char *label, struct field *,
	     int flags);
int	 view_button(struct view *, int id, const char *label);
/* The row ids of a paged list's "Older ..." and "Newer ..." rows. */
#define VIEW_PAGE_OLDER	(-2)
#define VIEW_PAGE_NEWER	(-3)
/*
 * Add the rows that page a list of what ("reports"): "Older reports" when
 * there is more (more > 0), "Newer reports" after the first page (page is
 * 1-based); more < 0: the next page is on another server, which is said.
 */
void	 view_pages(struct view *, size_t page, int more, const char *what);
/* +1 for the Older row, -1 for the Newer row, 0 for any other row id. */
int	 view_page_dir(int id);
/* A text editor (borrowed, like fields); label says what to write. */
int	 view_editor(struct view *, int id, const char *label,
	     struct editor *);
/* A chart of trend t (borrowed: it must outlive the view). */
int	 view_chart(struct view *, const struct trend *t);
/* A picture (owned by the caller); alt is said where it does not fit. */
int	 view_picture(struct view *, const struct picture *, const char *alt);

/* Number items by noun ("Allergy 2 of 3"); the UI calls it before drawing. */
void	 view_number(struct view *);
/* Non-zero when row i can take the focus. */
int	 view_focusable(const struct view *, size_t i);
/* The next focusable row from i in direction dir (+1/-1), or -1. */
int	 view_next(const struct view *, int i, int dir);
/* Where a form starts from row i on: its first field, else its first
 * button, else -1. */
int	 view_start(const struct view *, size_t i);
/* Put the focus on the first focusable row if it is not on one. */
void	 view_fix_focus(struct view *);
/* The focus line for the status: "Allergy 2 of 3", or "" (static buffer). */
const char *view_focus_text(const struct view *);

/* Field editing: insert UTF-8 bytes, delete before/at the cursor, move. */
void	 field_insert(struct field *, const char *, size_t);
void	 field_backspace(struct field *);
void	 field_delete(struct field *);
void	 field_move(struct field *, int dir);
void	 field_set(struct field *, const char *);
/* Wipe a field's text (passwords, codes). */
void	 field_clear(struct field *);
/*
 * Make f a choice among n options (borrowed), with option i chosen; then
 * field_choose() moves by dir (+1/-1, wrapping) or to an absolute index
 * with dir 0 and i. Both set the text to the chosen option.
 */
void	 field_options(struct field *, const char *const *, int n, int i);
void	 field_choose(struct field *, int dir, int i);

#endif
