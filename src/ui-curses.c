/*
 * Drawing views with ncursesw. The hardware cursor always ends on the
 * focused row (or in the field being typed), because screen readers and
 * braille displays follow it. Nothing moves by itself: a draw happens
 * only after a key or an answer, and curses sends only what changed.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#include <curses.h>

#include "editor.h"
#include "evloop.h"
#include "trend.h"
#include "ui.h"
#include "util.h"
#include "view.h"

#define UI_MIN_COLS	40
#define UI_MIN_LINES	10
#define UI_BODY_TOP	3	/* title, record, rule */
#define UI_PAIR_ALERT	1
#define UI_PAIR_PICTURE	2	/* black on white, whatever the theme */
#define UI_ITEM_COLS	80	/* narrower, an item shows what it does here */
#define UI_ITEM_LINES	3	/* a list item's lines at most; details: all */
#define UI_MORE_KEY	0x0e	/* Ctrl-N: the rest of a long message */
#define UI_EDITOR_WIDTH(cols)	((cols) - 6)	/* text at column 4 */
#define UI_FIELD_ROOM	24	/* a field's text beside its label, at least */

/* One screen line of the body: part of a view row. */
struct ui_line {
	int		 row;
	const char	*s;
	size_t		 n;
	int		 first;		/* the row's first line */
	int		 input;		/* a field's text, below its label */
	int		 picture;	/* a line of a picture, drawn whole */
};

/* A line of the status message: where it starts in it, its bytes. */
struct ui_span {
	size_t		 off, n;
};

/*
 * The status lines at the bottom: the message wrapped to the full width
 * (the last line short of "? help"), on as many rows as it needs up to
 * what the screen spares; a longer one a part at a time, the last row
 * saying in words that Ctrl-N shows the rest.
 */
struct ui_status {
	char		*text;		/* the message shown, a copy */
	struct ui_span	*lines;
	size_t		 nlines, cap;
	int		 part, parts;	/* the part shown, of how many */
	int		 per;		/* message lines a part */
	int		 top, rows;	/* on screen: first row, how many */
	int		 help;		/* the last row says "? help" */
	int		 cx, cy;	/* the cursor, once they are drawn */
};

struct ui_curses {
	struct ui_status st;
	struct ui_line	*lines;
	size_t		 nlines, cap;
	int		 top;		/* first body line shown */
	int		 edit_line;	/* the focused editor's cursor: line */
	int		 edit_col;	/* and column, or -1 */
	int		 last_focus;
	const struct view *view;
};

static int	ui_active;

static void	 ui_status_forget(struct ui_status *);

static void	 ui_curses_draw(struct ui *, struct view *, const char *);
static void	 ui_curses_status(struct ui *, const char *);
static int	 ui_curses_read(struct ui *, struct view *, struct ui_event *);
static char	*ui_curses_prompt(struct ui *, const char *);
static void	 ui_curses_free(struct ui *);
static void	 ui_curses_wipe(struct ui *);

static const struct ui_ops ui_curses_ops = {
	.draw = ui_curses_draw,
	.status = ui_curses_status,
	.read = ui_curses_read,
	.prompt = ui_curses_prompt,
	.wipe = ui_curses_wipe,
	.free = ui_curses_free,
};

void
ui_restore(void)
{
	if (ui_active) {
		endwin();
		ui_active = 0;
	}
}

/*
 * Forget what the terminal shows and keeps: the screen, then its
 * scrollback (terminfo E3, where the terminal has it), then draw anew.
 */
static void
ui_curses_wipe(struct ui *ui)
{
	struct ui_curses	*c = ui->priv;
	const char		*e3 = tigetstr("E3");

	ui_status_forget(&c->st);	/* the last patient's last message */
	clear();
	refresh();
	if (e3 != NULL && e3 != (char *)-1) {
		putp(e3);
		fflush(stdout);
	}
	clearok(curscr, TRUE);
}

struct ui *
ui_curses_create(int ascii, int color, int kiosk, char **cause)
{
	struct ui	*ui;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = xstrdup("The terminal is not interactive.");
		return NULL;
	}
	if (newterm(NULL, stdout, stdin) == NULL) {
		*cause = xstrdup("This terminal type is unknown to curses.");
		return NULL;
	}
	ui_active = 1;
	/* A kiosk: Ctrl-C, Ctrl-Z and Ctrl-\ are keys, never signals. */
	if (kiosk)
		raw();
	else
		cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Esc goes back: wait briefly for the rest of a key's sequence. */
	if (getenv("ESCDELAY") == NULL)
		set_escdelay(100);
	curs_set(1);
	ui = xcalloc(1, sizeof *ui);
	ui->ops = &ui_curses_ops;
	ui->priv = xcalloc(1, sizeof(struct ui_curses));
	((struct ui_curses *)ui->priv)->st.top = LINES;	/* none yet */
	ui->fd = STDIN_FILENO;
	ui->ascii = ascii;
	ui->color = color && has_colors();
	if (ui->color) {
		start_color();
		use_default_colors();
		init_pair(UI_PAIR_ALERT, COLOR_RED, -1);
		init_pair(UI_PAIR_PICTURE, COLOR_BLACK, COLOR_WHITE);
	}
	return ui;
}

static void
ui_curses_free(struct ui *ui)
{
	struct ui_curses	*c;

	c = ui->priv;
	free(c->lines);
	ui_status_forget(&c->st);
	free(c->st.lines);
	free(c);
	free(ui);
	ui_restore();
}

static void
ui_add_line(void *arg, const char *s, size_t n)
{
	struct ui_curses	*c = arg;
	struct ui_line		*l;

	if (c->nlines == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->lines = xrealloc(c->lines, c->cap * sizeof *c->lines);
	}
	l = &c->lines[c->nlines++];
	l->row = -1;
	l->s = s;
	l->n = n;
	l->first = 0;
	l->input = 0;
	l->picture = 0;
}

/* Where the last line a list item keeps starts, and its length. */
struct ui_item_end {
	const char	*s;
	size_t		 n;
	int		 lines;
};

static void
ui_item_line(void *arg, const char *s, size_t n)
{
	struct ui_item_end	*e = arg;

	if (++e->lines == UI_ITEM_LINES) {
		e->s = s;
		e->n = n;
	}
}

/*
 * A list item's text as UI_ITEM_LINES lines of UI_ITEM_COLS columns (or
 * of the terminal, when wider) hold it, the last ending in "..." when
 * more was left out: a narrower terminal wraps all of that, so that it
 * shows what an 80-column one does.
 */
static const char *
ui_item_text(struct view *v, const char *text, int width)
{
	struct ui_item_end	 e = { NULL, 0, 0 };
	size_t			 n;

	ui_wrap(text, (width < UI_ITEM_COLS ? UI_ITEM_COLS : width) - 4,
	    ui_item_line, &e);
	if (e.lines <= UI_ITEM_LINES)
		return text;
	n = e.n > 3 ? e.n - 3 : 0;
	while (n > 0 && ((unsigned char)e.s[n] & 0xc0) == 0x80)
		n--;		/* not inside a UTF-8 character */
	return arena_own(v->arena, xasprintf("%.*s...",
	    (int)(e.s + n - text), text));
}

struct ui_chart_ctx {
	struct ui_curses	*c;
	struct view		*v;
};

static void
ui_add_chart_line(void *arg, const char *s)
{
	struct ui_chart_ctx	*ctx = arg;
	const char		*copy = view_str(ctx->v, s);

	ui_add_line(ctx->c, copy, strlen(copy));
}

/* Plot rows for a chart: as many as leave room for the lines around it. */
static int
ui_chart_rows(int body)
{
	int	rows = body - 10;

	return rows < 5 ? 5 : rows > 15 ? 15 : rows;
}

/*
 * A picture only helps whole: drawn when it fits below what comes
 * before it, else its words; with --ascii, nothing (the screen says
 * the same in text).
 */
static void
ui_layout_picture(struct ui *ui, struct ui_curses *c,
    const struct view_row *r, int width)
{
	const struct picture	*p = r->picture;
	int			 k;

	if (ui->ascii)
		return;
	if (p->width + 2 > width || (int)c->nlines + p->nlines > LINES -
	    UI_BODY_TOP - 1) {
		ui_wrap(r->value ? r->value : "", width - 4, ui_add_line, c);
		return;
	}
	for (k = 0; k < p->nlines; k++) {
		ui_add_line(c, p->lines[k], strlen(p->lines[k]));
		c->lines[c->nlines - 1].picture = 1;
	}
}

/* Lay the view's rows out as body lines wrapped to width. */
static void
ui_layout(struct ui *ui, struct ui_curses *c, struct view *v, int width)
{
	struct ui_chart_ctx	 ctx = { c, v };
	struct view_row	*r;
	size_t		 i, before;
	const char	*text;

	c->nlines = 0;
	c->edit_col = -1;
	for (i = 0; i < v->nrows; i++) {
		r = &v->rows[i];
		before = c->nlines;
		switch (r->kind) {
		case ROW_ITEM:
			if (r->value != NULL && *r->value != '\0')
				text = arena_own(v->arena, xasprintf("%s: %s",
				    r->label ? r->label : "", r->value));
			else
				text = r->label ? r->label : "";
			if (!(r->flags & ROW_INFO))
				text = ui_item_text(v, text, width);
			ui_wrap(text, width - 4, ui_add_line, c);
			break;
		case ROW_TEXT:
			ui_wrap(r->value ? r->value : "", width - 4,
			    ui_add_line, c);
			break;
		case ROW_CHART:
			trend_chart(r->chart, width - 3, ui_chart_rows(
			    LINES - UI_BODY_TOP - 1), ui->ascii,
			    ui_add_chart_line, &ctx);
			break;
		case ROW_PICTURE:
			ui_layout_picture(ui, c, r, width);
			break;
		case ROW_EDITOR:
			/* The label, then the text wrapped as the editor does. */
			ui_add_line(c, r->label ? r->label : "",
			    strlen(r->label ? r->label : ""));
			if ((int)i == v->focus) {
				editor_where(r->editor, UI_EDITOR_WIDTH(width),
				    &c->edit_line, &c->edit_col);
				c->edit_line += (int)c->nlines;
			}
			ui_wrap(r->editor->text, UI_EDITOR_WIDTH(width),
			    ui_add_line, c);
			break;
		case ROW_FIELD:
			/* A long label (a question) is wrapped, and the text
			 * typed goes on a line of its own below it. */
			if (r->label != NULL && ui_width(r->label) + 2 +
			    UI_FIELD_ROOM > width - 4) {
				text = arena_own(v->arena, xasprintf("%s:",
				    r->label));
				ui_wrap(text, width - 4, ui_add_line, c);
				ui_add_line(c, "", 0);
				c->lines[c->nlines - 1].input = 1;
				break;
			}
			/* A choice too long beside its label is wrapped as an
			 * item's text is (it is not typed into). */
			if (r->field->noptions > 0 && ui_width(r->label) + 2 +
			    ui_width(r->field->text) > width - 4) {
				text = arena_own(v->arena, xasprintf("%s: %s",
				    r->label, r->field->text));
				ui_wrap(text, width - 4, ui_add_line, c);
				break;
			}
			ui_add_line(c, r->label, strlen(r->label));
			break;
		case ROW_HEADING:
			/* A long heading (a note's date and author) wraps. */
			ui_wrap(r->label ? r->label : "", width, ui_add_line,
			    c);
			break;
		default:	/* buttons: one line */
			ui_add_line(c, r->label ? r->label : "",
			    strlen(r->label ? r->label : ""));
			break;
		}
		for (; before < c->nlines; before++)
			c->lines[before].row = (int)i;
	}
	/* Mark each row's first line. */
	for (i = 0; i < c->nlines; i++)
		c->lines[i].first = i == 0 ||
		    c->lines[i].row != c->lines[i - 1].row;
}

/* The body line where row starts, or -1. */
static int
ui_row_line(const struct ui_curses *c, int row)
{
	size_t	i;

	for (i = 0; i < c->nlines; i++) {
		if (c->lines[i].row == row)
			return (int)i;
	}
	return -1;
}

static void
ui_put(int y, int x, const char *s, size_t n)
{
	mvaddnstr(y, x, s, (int)n);
}

/*
 * Draw a field's line: its label and text, or (alone set) the text alone
 * at column 4 below a wrapped label. Returns the cursor column.
 */
static int
ui_draw_field(int y, const struct view_row *r, int width, int alone)
{
	const struct field	*f = r->field;
	int			 x, cx;
	size_t			 i, chars = 0, before = 0;

	if (alone) {
		x = 4;
		move(y, x);
	} else {
		x = 2 + ui_width(r->label) + 2;
		mvaddstr(y, 2, r->label);
		addstr(": ");
	}
	if (r->flags & ROW_SECRET) {
		for (i = 0; i < f->len; i++) {
			if (((unsigned char)f->text[i] & 0xc0) != 0x80) {
				chars++;
				if (i < f->cursor)
					before++;
			}
		}
		for (i = 0; i < chars && x + (int)i < width - 1; i++)
			addch('*');
		cx = x + (int)before;
	} else if (f->noptions > 0) {
		/* A choice: the chosen option, and how to change it. */
		addnstr(f->text, (int)f->len);
		cx = x;
		if (x + ui_width(f->text) + 24 < width)
			addstr("  (Left/Right: change)");
		return cx;
	} else {
		char	save[FIELD_MAX];
		int	room = width - 1 - x;
		size_t	start = 0, n;

		/*
		 * Text wider than the line scrolls (a pasted link): it shows
		 * from where the cursor stays in sight, never past the edge.
		 */
		for (;;) {
			memcpy(save, f->text + start, f->cursor - start);
			save[f->cursor - start] = '\0';
			if (room < 1 || ui_width(save) < room ||
			    start >= f->cursor)
				break;
			do
				start++;
			while (start < f->cursor &&
			    ((unsigned char)f->text[start] & 0xc0) == 0x80);
		}
		cx = x + ui_width(save);
		n = f->len - start;
		memcpy(save, f->text + start, n);
		save[n] = '\0';
		while (n > 0 && room > 0 && ui_width(save) > room) {
			do
				n--;
			while (n > 0 && ((unsigned char)save[n] & 0xc0) ==
			    0x80);
			save[n] = '\0';
		}
		if (room > 0)
			addnstr(save, (int)n);
		secure_wipe(save, sizeof save);
	}
	return cx < width ? cx : width - 1;
}

static void
ui_too_small(void)
{
	erase();
	mvaddstr(0, 0, "The terminal is too small.");
	mvaddstr(1, 0, "Make it at least 40 by 10.");
	move(0, 0);
	refresh();
}

struct ui_status_ctx {
	struct ui_status	*st;
	const char		*base;	/* what is wrapped */
	size_t			 at;	/* where it is in the message */
};

static void
ui_status_span(void *arg, const char *s, size_t n)
{
	struct ui_status_ctx	*ctx = arg;
	struct ui_status	*st = ctx->st;

	if (st->nlines == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 16;
		st->lines = xrealloc(st->lines, st->cap * sizeof *st->lines);
	}
	st->lines[st->nlines].off = ctx->at + (size_t)(s - ctx->base);
	st->lines[st->nlines++].n = n;
}

/* Add the lines of n bytes of the message from off, wrapped to width. */
static void
ui_status_wrap(struct ui_status *st, size_t off, size_t n, int width)
{
	struct ui_status_ctx	 ctx;
	char			*s = xstrndup(st->text + off, n);

	ctx.st = st;
	ctx.base = s;
	ctx.at = off;
	ui_wrap(s, width, ui_status_span, &ctx);
	free(s);
}

/* The columns a line of the message takes. */
static int
ui_status_width(const struct ui_status *st, const struct ui_span *l)
{
	char	*s = xstrndup(st->text + l->off, l->n);
	int	 w = ui_width(s);

	free(s);
	return w;
}

/*
 * Lay the message s out on at most max rows (two or more) above the
 * bottom of the screen, the last one short of "? help" when help is
 * set. A message too long even so is cut into parts of max - 1 lines,
 * the last row saying how to see the rest; the part shown is kept while
 * the message is the same.
 */
static void
ui_status_layout(struct ui_status *st, const char *s, int max, int help)
{
	struct ui_span	 last;
	int		 bottom = help ? COLS - 10 : COLS - 1;

	if (max < 2)
		max = 2;	/* a part and its "Press Ctrl-N" line */
	if (st->text == NULL || strcmp(st->text, s) != 0) {
		secret_free(st->text);	/* it may have said a result */
		st->text = xstrdup(s);
		st->part = 0;
	}
	st->help = help;
	st->nlines = 0;
	ui_status_wrap(st, 0, strlen(st->text), COLS);
	last = st->lines[st->nlines - 1];
	if ((int)st->nlines <= max && ui_status_width(st, &last) > bottom) {
		st->nlines--;	/* the last line, narrower beside "? help" */
		ui_status_wrap(st, last.off, last.n, bottom);
	}
	if ((int)st->nlines <= max) {
		st->part = 0;
		st->parts = 1;
		st->per = st->rows = (int)st->nlines;
	} else {
		st->nlines = 0;
		ui_status_wrap(st, 0, strlen(st->text), COLS);
		st->per = max - 1;
		st->parts = ((int)st->nlines + st->per - 1) / st->per;
		st->rows = max;
		if (st->part >= st->parts)
			st->part = 0;
	}
	st->top = LINES - st->rows;
}

/* Draw the status rows: the part shown, and "? help". */
static void
ui_status_paint(const struct ui_status *st)
{
	const struct ui_span	*l;
	int			 i, k;

	attrset(A_REVERSE);
	for (i = 0; i < st->rows; i++) {
		mvhline(st->top + i, 0, ' ', COLS);
		k = st->part * st->per + i;
		if (st->parts > 1 && i == st->rows - 1)
			mvaddstr(st->top + i, 0, st->part < st->parts - 1 ?
			    "Press Ctrl-N for the rest." :
			    "Press Ctrl-N for the start.");
		else if (k < (int)st->nlines) {
			l = &st->lines[k];
			mvaddnstr(st->top + i, 0, st->text + l->off, (int)l->n);
		}
	}
	if (st->help)
		mvaddstr(LINES - 1, COLS - 8, "? help");
	attrset(A_NORMAL);
}

/*
 * Lay s out on the status rows over the screen as it is (the body may
 * give them all its lines): the rows a longer message held above them
 * are blanked, so that no end of another sentence is left there.
 */
static void
ui_status_over(struct ui_status *st, const char *s)
{
	int	was = st->top, y;

	ui_status_layout(st, s, LINES - UI_BODY_TOP, 0);
	for (y = was < 0 ? 0 : was; y < st->top; y++) {
		move(y, 0);
		clrtoeol();
	}
}

/* Wipe the copy of the message shown; nothing is shown after. */
static void
ui_status_forget(struct ui_status *st)
{
	if (st->text != NULL) {
		secure_wipe(st->text, strlen(st->text));
		free(st->text);
		st->text = NULL;
	}
	st->nlines = 0;
	st->part = st->parts = st->per = st->rows = 0;
}

/* Ctrl-N: the next part of a long message, after the last the first. */
static void
ui_status_more(struct ui_status *st)
{
	if (st->parts < 2)
		return;
	st->part = (st->part + 1) % st->parts;
	ui_status_paint(st);
	move(st->cy, st->cx);
	refresh();
}

static void
ui_curses_draw(struct ui *ui, struct view *v, const char *status)
{
	struct ui_curses	*c = ui->priv;
	const struct view_row	*r;
	const struct ui_line	*l;
	int			 body, y, i, fy, cx = 0, cy = -1, focus_line;
	int			 cursor_line, whole;
	attr_t			 attr;

	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES) {
		ui_too_small();
		return;
	}
	view_number(v);
	view_fix_focus(v);
	c->view = v;
	if (status == NULL || *status == '\0')
		status = view_focus_text(v);
	ui->cols = COLS;
	ui_layout(ui, c, v, COLS);
	whole = LINES - UI_BODY_TOP - 1;	/* the body with no message */

	/*
	 * The focused row from its first line to the cursor's (a field's
	 * text below its wrapped label), kept in view whatever the status.
	 */
	focus_line = v->focus >= 0 ? ui_row_line(c, v->focus) : 0;
	if (focus_line < 0)
		focus_line = 0;		/* a row with no line to show */
	if (c->edit_col >= 0)
		focus_line = c->edit_line;	/* keep the typing in view */
	cursor_line = focus_line;
	if (c->edit_col < 0 && v->focus >= 0 && focus_line >= 0 &&
	    v->rows[v->focus].kind == ROW_FIELD) {
		while ((size_t)cursor_line + 1 < c->nlines &&
		    c->lines[cursor_line + 1].row == v->focus)
			cursor_line++;
	}
	if (cursor_line - focus_line + 1 > whole - 1)
		cursor_line = focus_line + whole - 2;

	/* A long message takes the body's lines above the status line. */
	ui_status_layout(&c->st, status, whole - (cursor_line - focus_line),
	    !v->no_help);
	body = whole - (c->st.rows - 1);
	ui->lines = body;

	/* Scroll so the focused row is shown, its first line if it fits. */
	if (focus_line < c->top)
		c->top = focus_line;
	if (cursor_line >= c->top + body)
		c->top = cursor_line - body + 1;
	if (v->focus < 0 || (view_next(v, v->focus, -1) < 0 &&
	    cursor_line < body))
		c->top = 0;	/* show the headings above the first item */
	if (c->top > (int)c->nlines - 1)
		c->top = 0;
	/*
	 * Below the first item: the rest of the focused row too, as much as
	 * fits, and at the last item what follows it (a closing text), so
	 * that no line is left where no key brings it into view.
	 */
	if (v->focus >= 0 && focus_line >= 0 && c->edit_col < 0 &&
	    view_next(v, v->focus, -1) >= 0) {
		int	bottom = focus_line;

		if (view_next(v, v->focus, 1) < 0)
			bottom = (int)c->nlines - 1;
		while (bottom + 1 < (int)c->nlines &&
		    c->lines[bottom + 1].row == v->focus)
			bottom++;
		if (bottom >= c->top + body)
			c->top = bottom - body + 1 < focus_line ?
			    bottom - body + 1 : focus_line;
	}

	erase();
	attrset(A_BOLD);
	mvaddnstr(0, 0, v->title ? v->title : "chartty", COLS - 1);
	attrset(A_NORMAL);
	if (v->whose != NULL) {
		mvaddstr(1, 0, "Record: ");
		addnstr(v->whose, COLS - 9);
	}
	if (ui->ascii)
		mvhline(2, 0, '-', COLS);
	else {
		cchar_t	rule;

		setcchar(&rule, L"\u2500", A_NORMAL, 0, NULL);
		mvhline_set(2, 0, &rule, COLS);
	}

	for (i = 0; i < body && c->top + i < (int)c->nlines; i++) {
		l = &c->lines[c->top + i];
		r = &v->rows[l->row];
		y = UI_BODY_TOP + i;
		attr = A_NORMAL;
		if (r->kind == ROW_HEADING)
			attr = A_BOLD;
		if (r->flags & ROW_ALERT) {
			attr = A_BOLD;
			if (ui->color)
				attr |= COLOR_PAIR(UI_PAIR_ALERT);
		}
		attrset(attr);
		if (l->row == v->focus && l->first) {
			mvaddch(y, 0, '>');
			cy = y;
		}
		switch (r->kind) {
		case ROW_HEADING:
			ui_put(y, 0, l->s, l->n);
			break;
		case ROW_FIELD:
			if (!l->input && !(l->first && (size_t)(c->top + i +
			    1) >= c->nlines) && !(l->first &&
			    c->lines[c->top + i + 1].row != l->row)) {
				ui_put(y, l->first ? 2 : 4, l->s, l->n);
				/* A wrapped choice: the cursor on its text. */
				if (l->first && l->row == v->focus &&
				    r->field->noptions > 0 &&
				    ui_width(r->label) + 4 < COLS)
					cx = ui_width(r->label) + 4;
				break;	/* a line of a wrapped label */
			}
			fy = ui_draw_field(y, r, COLS, l->input);
			if (l->row == v->focus) {
				cx = fy;
				cy = y;
			}
			break;
		case ROW_CHART:
			ui_put(y, 2, l->s, l->n);
			break;
		case ROW_PICTURE:
			if (l->picture)
				attrset(ui->color ? COLOR_PAIR(UI_PAIR_PICTURE) :
				    A_REVERSE);	/* dark themes: dark on light */
			ui_put(y, 2, l->s, l->n);
			break;
		case ROW_EDITOR:
			ui_put(y, l->first ? 2 : 4, l->s, l->n);
			if (c->edit_col >= 0 && c->top + i == c->edit_line) {
				cy = y;
				cx = 4 + c->edit_col < COLS ? 4 + c->edit_col :
				    COLS - 1;
			}
			break;
		case ROW_BUTTON:
			mvaddstr(y, 2, "[ ");
			addstr(l->s);
			addstr(" ]");
			break;
		default:
			ui_put(y, l->first ? 2 : 4, l->s, l->n);
			break;
		}
		attrset(A_NORMAL);
	}

	/* The status lines: a message, or where the focus is; then help. */
	ui_status_paint(&c->st);

	/* Last: the cursor to the focus, where screen readers look. */
	c->st.cy = cy >= 0 ? cy : UI_BODY_TOP;
	c->st.cx = cy >= 0 ? cx : 0;
	move(c->st.cy, c->st.cx);
	refresh();
}

/* A message at once ("Loading..."), its start where the cursor is. */
static void
ui_curses_status(struct ui *ui, const char *s)
{
	struct ui_curses	*c = ui->priv;

	if (COLS < UI_MIN_COLS || LINES < UI_MIN_LINES)
		return;		/* the screen says it is too small */
	ui_status_over(&c->st, s);
	ui_status_paint(&c->st);
	c->st.cy = c->st.top;
	c->st.cx = 0;
	move(c->st.cy, c->st.cx);
	refresh();
}

/* Does the focused row take typing? */
static int
ui_typing(const struct view *v)
{
	if (v == NULL || v->focus < 0 || (size_t)v->focus >= v->nrows)
		return 0;
	if (v->rows[v->focus].kind == ROW_EDITOR)
		return 2;	/* Enter is a new line, Tab leaves */
	return v->rows[v->focus].kind == ROW_FIELD;
}

static int
ui_key(int key, int typing, struct ui_event *ev)
{
	switch (key) {
	case KEY_UP:
		ev->action = ACTION_UP;
		break;
	case KEY_BTAB:
		ev->action = ACTION_UP;
		ev->arg = 1;	/* to the item before, even from a text */
		break;
	case KEY_DOWN:
		ev->action = ACTION_DOWN;
		break;
	case KEY_PPAGE:
		ev->action = ACTION_PAGE_UP;
		break;
	case KEY_NPAGE:
		ev->action = ACTION_PAGE_DOWN;
		break;
	case KEY_HOME:
	case KEY_FIND:		/* Home on some terminals */
		ev->action = typing ? ACTION_LINE_START : ACTION_FIRST;
		break;
	case KEY_END:
	case KEY_SELECT:	/* End on some terminals */
		ev->action = typing ? ACTION_LINE_END : ACTION_LAST;
		break;
	case KEY_ENTER:
		if (typing == 2) {
			ev->action = ACTION_CHAR;
			ev->text[0] = '\n';
			ev->len = 1;
		} else
			ev->action = ACTION_SELECT;
		break;
	case KEY_BACKSPACE:
		ev->action = typing ? ACTION_ERASE : ACTION_BACK;
		break;
	case KEY_DC:
		ev->action = typing ? ACTION_DELETE : ACTION_NONE;
		break;
	case KEY_LEFT:
		ev->action = typing ? ACTION_LEFT : ACTION_BACK;
		break;
	case KEY_RIGHT:
		ev->action = typing ? ACTION_RIGHT : ACTION_NONE;
		break;
	case KEY_RESIZE:
		ev->action = ACTION_RESIZE;
		break;
	default:
		ev->action = ACTION_NONE;
		break;
	}
	return 1;
}

static int
ui_char_key(wint_t wc, int typing, struct ui_event *ev)
{
	mbstate_t	ps;
	size_t		n;

	if (typing == 2 && (wc == '\r' || wc == '\n')) {
		ev->action = ACTION_CHAR;	/* a new line in the text */
		ev->text[0] = '\n';
		ev->len = 1;
		return 1;
	}
	switch (wc) {
	case UI_MORE_KEY:
		ev->action = ACTION_MORE;	/* also while typing */
		return 1;
	case '\r':
	case '\n':
		ev->action = ACTION_SELECT;
		ev->text[0] = '\n';	/* a new line, if it lands in a text */
		ev->len = 1;
		return 1;
	case 27:
		ev->action = ACTION_BACK;
		return 1;
	case '\t':
		ev->action = ACTION_DOWN;
		ev->arg = 1;	/* to the next item, even from a text */
		return 1;
	case 8:
	case 127:
		ev->action = typing ? ACTION_ERASE : ACTION_BACK;
		return 1;
	}
	if (wc >= 0x20) {
		/* Kept even for a command: typed ahead, it may be text. */
		memset(&ps, 0, sizeof ps);
		n = wcrtomb(ev->text, (wchar_t)wc, &ps);
		if (n != (size_t)-1 && n < sizeof ev->text)
			ev->len = n;
	}
	if (typing) {
		if (ev->len > 0)
			ev->action = ACTION_CHAR;
		return 1;
	}
	switch (wc) {
	case 'k':
		ev->action = ACTION_UP;
		break;
	case 'j':
		ev->action = ACTION_DOWN;
		break;
	case ' ':
		ev->action = ACTION_PAGE_DOWN;
		break;
	case 'g':
		ev->action = ACTION_FIRST;
		break;
	case 'G':
		ev->action = ACTION_LAST;
		break;
	case '/':
		ev->action = ACTION_FIND;
		break;
	case 'n':
		ev->action = ACTION_FIND_NEXT;
		break;
	case 'r':
		ev->action = ACTION_REFRESH;
		break;
	case '?':
		ev->action = ACTION_HELP;
		break;
	case 'q':
		ev->action = ACTION_QUIT;
		break;
	default:
		if (wc >= '1' && wc <= '9') {
			ev->action = ACTION_AREA;
			ev->arg = (int)(wc - '0');
		}
		break;
	}
	return 1;
}

/*
 * Is printable text already waiting behind this key (a paste, rather
 * than Tab then Enter pressed to send)? What waits is left to be read.
 */
static int
ui_pending_text(void)
{
	wint_t	wc;
	int	rc = get_wch(&wc);

	if (rc == ERR)
		return 0;
	if (rc == KEY_CODE_YES) {
		ungetch((int)wc);
		return 0;
	}
	unget_wch((wchar_t)wc);
	return wc >= 0x20 && wc != 0x7f;
}

static int
ui_curses_read(struct ui *ui, struct view *v, struct ui_event *ev)
{
	struct ui_curses	*c = ui->priv;
	wint_t			 wc;
	int			 rc;

	memset(ev, 0, sizeof *ev);
	rc = get_wch(&wc);
	if (rc == ERR)
		return 0;
	if (rc == KEY_CODE_YES)
		return ui_key((int)wc, ui_typing(v), ev);
	if (wc == '\t' && ui_typing(v) == 2 && ui_pending_text()) {
		/* A tab inside pasted text is text, not a way out. */
		ev->action = ACTION_CHAR;
		ev->text[0] = ' ';
		ev->len = 1;
		return 1;
	}
	rc = ui_char_key(wc, ui_typing(v), ev);
	/* The status lines are the UI's: it shows the rest itself. */
	if (ev->action == ACTION_MORE)
		ui_status_more(&c->st);
	return rc;
}

/*
 * Show the question and what is typed on the status rows, wrapped like
 * a message, with the cursor at the end of the typing; reading set, the
 * part of a question too long for the screen that Ctrl-N went to.
 */
static void
ui_prompt_show(struct ui_status *st, const char *prompt,
    const struct field *f, int reading)
{
	char	*line = xasprintf("%s%.*s", prompt, (int)f->len, f->text);
	int	 end;

	ui_status_over(st, line);
	free(line);
	if (!reading)
		st->part = st->parts - 1;	/* the end, where typing goes */
	ui_status_paint(st);
	end = (int)st->nlines - 1 - st->part * st->per;
	if (end >= 0 && end < st->per) {
		st->cy = st->top + end;
		st->cx = ui_status_width(st, &st->lines[st->nlines - 1]);
		if (st->cx > COLS - 1)
			st->cx = COLS - 1;
	} else {
		st->cy = st->top;
		st->cx = 0;
	}
	move(st->cy, st->cx);
	refresh();
}

static char *
ui_curses_prompt(struct ui *ui, const char *prompt)
{
	struct ui_curses	*c = ui->priv;
	struct field		 f;
	wint_t			 wc;
	int			 rc, reading = 0;
	char			 mb[8];
	mbstate_t		 ps;
	size_t			 n;

	memset(&f, 0, sizeof f);
	for (;;) {
		ui_prompt_show(&c->st, prompt, &f, reading);
		rc = get_wch(&wc);
		/*
		 * Nothing typed yet: wait in the loop, where a signal (or a
		 * timer) may end the question as Esc does.
		 */
		if (rc == ERR) {
			if (!ev_wait_readable(ui->fd)) {
				field_clear(&f);
				return NULL;
			}
			continue;
		}
		reading = 0;
		if (rc == KEY_CODE_YES) {
			if (wc == KEY_BACKSPACE)
				field_backspace(&f);
			else if (wc == KEY_ENTER)
				break;
			continue;
		}
		if (wc == '\r' || wc == '\n')
			break;
		if (wc == 27) {
			field_clear(&f);
			return NULL;	/* Esc: the question is withdrawn */
		}
		if (wc == 127 || wc == 8) {
			field_backspace(&f);
			continue;
		}
		if (wc == UI_MORE_KEY && c->st.parts > 1) {
			c->st.part = (c->st.part + 1) % c->st.parts;
			reading = 1;	/* the question's other part */
			continue;
		}
		if (wc < 0x20)
			continue;
		memset(&ps, 0, sizeof ps);
		n = wcrtomb(mb, (wchar_t)wc, &ps);
		if (n != (size_t)-1 && n < sizeof mb)
			field_insert(&f, mb, n);
	}
	return xstrndup(f.text, f.len);
}

const char *
ui_curses_library(void)
{
	return curses_version();
}
