/*
 * Plain mode: views as numbered lines on stdout, answers read a line at a
 * time from stdin. No cursor addressing and no escape sequence at all, so
 * screen readers, braille displays, TERM=dumb and pipes get clean text.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "editor.h"
#include "ui.h"
#include "util.h"
#include "view.h"


static const char ui_plain_choices[] =
	"Type a number to open it, or: b back, h home, r reload, "
	"? help, q quit.";

/* Has v buttons, and no item that can be chosen? */
static int
ui_plain_only_buttons(const struct view *v)
{
	size_t	i;
	int	buttons = 0;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_BUTTON)
			buttons++;
		else if (v->rows[i].kind == ROW_ITEM &&
		    !(v->rows[i].flags & ROW_INFO))
			return 0;
	}
	return buttons > 0;
}

static void
ui_plain_draw(struct ui *ui, struct view *v, const char *status)
{
	const struct view_row	*r;
	size_t			 i;
	int			 n = 0, items = 0;

	view_number(v);
	printf("\n%s\n", v->title ? v->title : "chartty");
	if (v->whose != NULL)
		printf("Record: %s\n", v->whose);
	for (i = 0; i < v->nrows; i++) {
		r = &v->rows[i];
		switch (r->kind) {
		case ROW_HEADING:
			printf("\n%s\n", r->label);
			break;
		case ROW_TEXT:
			printf("%s\n", r->value ? r->value : "");
			break;
		case ROW_ITEM:
			n++;
			items++;
			if (r->value != NULL && *r->value != '\0')
				printf("%d. %s: %s\n", n, r->label, r->value);
			else
				printf("%d. %s\n", n, r->label);
			break;
		default:	/* fields and buttons are asked for in turn */
			break;
		}
	}
	if (status != NULL && *status != '\0')
		printf("\n%s\n", status);
	if (items > 0 && !ui_plain_only_buttons(v))
		printf("\n%s\n", ui_plain_choices);
	fflush(stdout);
}

static void
ui_plain_status(struct ui *ui, const char *s)
{
	printf("%s\n", s);
	fflush(stdout);
}

/* Read a line; secret lines are not echoed on a terminal. NULL at EOF. */
static char *
ui_plain_line(const char *prompt, int secret)
{
	return ui_read_line(prompt, UI_LINE_PIPED | (secret ? UI_LINE_SECRET :
	    0));
}

/* The row of the n-th item (1-based), or -1. */
static int
ui_plain_item(const struct view *v, long n)
{
	size_t	i;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_ITEM && --n == 0)
			return (int)i;
	}
	return -1;
}

/* Ask for a choice field: a number from the list, Enter keeps it. */
static int
ui_plain_choice(struct view_row *r)
{
	struct field	*f = r->field;
	struct buf	 b;
	char		*answer;
	long long	 n;
	int		 i;

	buf_init(&b, 64 * 1024);
	buf_printf(&b, "%s:", r->label);
	for (i = 0; i < f->noptions; i++)
		buf_printf(&b, " %d. %s%s", i + 1, f->options[i],
		    i + 1 < f->noptions ? "," : "");
	buf_printf(&b, " [%d]: ", f->choice + 1);
	for (;;) {
		if ((answer = ui_plain_line(b.data, 0)) == NULL) {
			buf_free(&b, 0);
			return -1;
		}
		if (*answer == '\0' || parse_number(answer, 1, f->noptions,
		    &n) == 0)
			break;
		printf("Type a number from 1 to %d.\n", f->noptions);
		free(answer);
	}
	if (*answer != '\0')
		field_choose(f, 0, (int)n - 1);
	free(answer);
	buf_free(&b, 0);
	return 0;
}

/*
 * Ask for a text of several lines, ended by a line holding only "." (a
 * first line "." keeps what is there). Each line reaches the editor as
 * it is typed, so that what a signal or the end of input interrupts is
 * kept (a draft), as in the full screen. -1 at end of input.
 */
static int
ui_plain_text(struct view_row *r)
{
	struct editor	*e = r->editor;
	struct buf	 b;
	char		*line;
	int		 first = 1;

	printf("%s\n", r->label);
	if (e->len > 0)
		printf("It says now:\n%s\n(A line with only . keeps it.)\n",
		    e->text);
	printf("Type the text; end with a line holding only a dot (.). "
	    "At most %zu characters.\n", e->max);
	buf_init(&b, 4 * e->max + 4);
	for (;;) {
		if ((line = ui_plain_line("> ", 0)) == NULL) {
			buf_free(&b, 1);
			return -1;
		}
		if (strcmp(line, ".") == 0) {
			secret_free(line);
			break;
		}
		if (!first)
			buf_addstr(&b, "\n");
		buf_addstr(&b, line);
		secret_free(line);
		first = 0;
		editor_set(e, b.data);
	}
	if (!first && e->len < b.len)
		printf("The text was cut at %zu characters.\n", e->max);
	buf_free(&b, 1);
	return 0;
}

/*
 * With several buttons, ask which one (Enter: the first); -1 at EOF.
 * Buttons aside are offered only with aside set.
 */
static int
ui_plain_button(struct view *v, int first, int aside)
{
	struct buf	 b;
	char		*answer;
	long long	 n;
	size_t		 i;
	int		 count = 0, rows[16];

	for (i = (size_t)first; i < v->nrows && count < 16; i++) {
		if (v->rows[i].kind == ROW_BUTTON &&
		    (aside || !(v->rows[i].flags & ROW_ASIDE)))
			rows[count++] = (int)i;
	}
	if (count < 2)
		return first;
	buf_init(&b, 64 * 1024);
	buf_addstr(&b, "Choose:");
	for (i = 0; i < (size_t)count; i++)
		buf_printf(&b, " %zu. %s%s", i + 1, v->rows[rows[i]].label,
		    i + 1 < (size_t)count ? "," : "");
	buf_addstr(&b, " [1]: ");
	for (;;) {
		if ((answer = ui_plain_line(b.data, 0)) == NULL) {
			buf_free(&b, 0);
			return -1;
		}
		n = 1;
		if (*answer == '\0' || parse_number(answer, 1, count, &n) == 0)
			break;
		printf("Type a number from 1 to %d.\n", count);
		free(answer);
	}
	free(answer);
	buf_free(&b, 0);
	return rows[n - 1];
}

/*
 * A form: ask each field in turn, then press the button (asking which
 * when there are several).
 */
static int
ui_plain_form(struct view *v, struct ui_event *ev)
{
	struct view_row	*r;
	char		*answer, *prompt;
	size_t		 i;
	int		 button = -1, empty_secret = 0;

	for (i = 0; i < v->nrows; i++) {
		r = &v->rows[i];
		if (r->kind == ROW_BUTTON && button < 0)
			button = (int)i;
		if (r->kind == ROW_EDITOR) {
			if (ui_plain_text(r) != 0)
				return -1;
			continue;
		}
		if (r->kind != ROW_FIELD)
			continue;
		if (r->field->noptions > 0) {
			if (ui_plain_choice(r) != 0)
				return -1;
			continue;
		}
		/* A field already filled is offered; Enter keeps it. */
		if (r->field->len > 0 && !(r->flags & ROW_SECRET))
			prompt = xasprintf("%s [%s]: ", r->label,
			    r->field->text);
		else
			prompt = xasprintf("%s: ", r->label);
		answer = ui_plain_line(prompt, r->flags & ROW_SECRET);
		free(prompt);
		if (answer == NULL)
			return -1;
		if (*answer != '\0' || (r->flags & ROW_SECRET))
			field_set(r->field, answer);
		if (*answer == '\0' && (r->flags & ROW_SECRET))
			empty_secret = 1;
		secret_free(answer);
	}
	if (button >= 0 && (button = ui_plain_button(v, button,
	    empty_secret)) < 0)
		return -1;
	v->focus = button;
	ev->action = ACTION_SELECT;
	return 1;
}

static int
ui_plain_read(struct ui *ui, struct view *v, struct ui_event *ev)
{
	char		*line;
	long long	 n;
	size_t		 i;
	int		 row, rc = 1;

	memset(ev, 0, sizeof *ev);
	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_FIELD ||
		    v->rows[i].kind == ROW_EDITOR)
			return ui_plain_form(v, ev);
	}
	/* Buttons and nothing else to choose (a confirmation): a form. */
	if (ui_plain_only_buttons(v))
		return ui_plain_form(v, ev);
	if ((line = ui_plain_line("Choice: ", 0)) == NULL)
		return -1;
	if (parse_number(line, 1, 100000, &n) == 0) {
		if ((row = ui_plain_item(v, (long)n)) >= 0) {
			v->focus = row;
			ev->action = ACTION_SELECT;
		} else {
			printf("There is no item %lld here.\n", n);
			rc = 0;
		}
	} else if (strcmp(line, "b") == 0 || strcmp(line, "back") == 0)
		ev->action = ACTION_BACK;
	else if (strcmp(line, "q") == 0 || strcmp(line, "quit") == 0)
		ev->action = ACTION_QUIT;
	else if (strcmp(line, "h") == 0 || strcmp(line, "home") == 0) {
		ev->action = ACTION_AREA;
		ev->arg = 1;
	} else if (strcmp(line, "r") == 0 || strcmp(line, "reload") == 0)
		ev->action = ACTION_REFRESH;
	else if (strcmp(line, "?") == 0 || strcmp(line, "help") == 0)
		ev->action = ACTION_HELP;
	else {
		if (*line != '\0')
			printf("%s\n", ui_plain_choices);
		rc = 0;
	}
	fflush(stdout);
	free(line);
	return rc;
}

static char *
ui_plain_prompt(struct ui *ui, const char *prompt)
{
	return ui_plain_line(prompt, 0);
}

/*
 * Plain lines hold no screen to clear and send no escape sequence: a
 * blank line marks the end of a turn (the words spoken or shown on a
 * braille line are gone already).
 */
static void
ui_plain_wipe(struct ui *ui)
{
	printf("\n");
	fflush(stdout);
}

static void
ui_plain_free(struct ui *ui)
{
	free(ui);
}

static const struct ui_ops ui_plain_ops = {
	.draw = ui_plain_draw,
	.status = ui_plain_status,
	.read = ui_plain_read,
	.prompt = ui_plain_prompt,
	.wipe = ui_plain_wipe,
	.free = ui_plain_free,
};

struct ui *
ui_plain_create(void)
{
	struct ui	*ui = xcalloc(1, sizeof *ui);

	ui->ops = &ui_plain_ops;
	ui->plain = 1;
	ui->fd = STDIN_FILENO;
	ui->lines = 20;
	return ui;
}
