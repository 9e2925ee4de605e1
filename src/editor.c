/* A text editor for message bodies: UTF-8, a limit, moves by lines. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "editor.h"
#include "ui.h"
#include "util.h"

/* The wrapped lines of a text: at most one per byte, and one more. */
struct editor_lines {
	size_t		*start;
	size_t		*len;
	int		 n, cap;
	const char	*base;
};

void
editor_init(struct editor *e, size_t max)
{
	memset(e, 0, sizeof *e);
	e->max = max;
	e->cap = 256;
	e->text = xcalloc(1, e->cap);
}

void
editor_clear(struct editor *e)
{
	if (e->text != NULL) {
		secure_wipe(e->text, e->cap);
		e->text[0] = '\0';
	}
	e->len = e->cursor = 0;
}

/* Is byte c the start of a UTF-8 character? */
static int
editor_lead(unsigned char c)
{
	return (c & 0xc0) != 0x80;
}

size_t
editor_chars(const struct editor *e)
{
	size_t	i, n = 0;

	for (i = 0; i < e->len; i++)
		n += editor_lead((unsigned char)e->text[i]);
	return n;
}

int
editor_insert(struct editor *e, const char *s, size_t n)
{
	size_t	chars = editor_chars(e), take = 0, i, more;
	char	*bigger;

	/* Take whole characters while the limit allows. */
	for (i = 0; i < n; i = take) {
		if (chars >= e->max)
			break;
		for (take = i + 1; take < n &&
		    !editor_lead((unsigned char)s[take]); take++)
			;
		chars++;
	}
	if (e->len + take + 1 > e->cap) {
		more = e->cap * 2 > e->len + take + 1 ? e->cap * 2 :
		    e->len + take + 1;
		bigger = xcalloc(1, more);
		memcpy(bigger, e->text, e->len + 1);
		secure_wipe(e->text, e->cap);
		free(e->text);
		e->text = bigger;
		e->cap = more;
	}
	memmove(e->text + e->cursor + take, e->text + e->cursor,
	    e->len - e->cursor + 1);
	memcpy(e->text + e->cursor, s, take);
	e->len += take;
	e->cursor += take;
	return take == n ? 0 : -1;
}

void
editor_set(struct editor *e, const char *s)
{
	editor_clear(e);
	if (s != NULL)
		editor_insert(e, s, strlen(s));
}

/* Bytes of the character before (dir < 0) or at the cursor. */
static size_t
editor_step(const struct editor *e, int dir)
{
	size_t	n = 0;

	if (dir < 0) {
		while (n < e->cursor) {
			n++;
			if (editor_lead((unsigned char)e->text[e->cursor - n]))
				break;
		}
	} else if (e->cursor < e->len) {
		n = 1;
		while (e->cursor + n < e->len &&
		    !editor_lead((unsigned char)e->text[e->cursor + n]))
			n++;
	}
	return n;
}

void
editor_backspace(struct editor *e)
{
	size_t	n = editor_step(e, -1);

	memmove(e->text + e->cursor - n, e->text + e->cursor,
	    e->len - e->cursor + 1);
	e->cursor -= n;
	e->len -= n;
	secure_wipe(e->text + e->len + 1, n);
}

void
editor_delete(struct editor *e)
{
	size_t	n = editor_step(e, 1);

	memmove(e->text + e->cursor, e->text + e->cursor + n,
	    e->len - e->cursor - n + 1);
	e->len -= n;
	secure_wipe(e->text + e->len + 1, n);
}

void
editor_move(struct editor *e, int dir)
{
	if (dir < 0)
		e->cursor -= editor_step(e, -1);
	else
		e->cursor += editor_step(e, 1);
}

static void
editor_add_line(void *arg, const char *s, size_t n)
{
	struct editor_lines	*l = arg;

	if (l->n < l->cap) {
		l->start[l->n] = (size_t)(s - l->base);
		l->len[l->n++] = n;
	}
}

/* Lay the text out (a new *l, editor_unlayout() after). */
static struct editor_lines *
editor_layout(const struct editor *e, int width)
{
	struct editor_lines	*l = xcalloc(1, sizeof *l);

	l->cap = (int)e->len + 2;
	l->start = xcalloc((size_t)l->cap, sizeof *l->start);
	l->len = xcalloc((size_t)l->cap, sizeof *l->len);
	l->base = e->text;
	ui_wrap(e->text, width, editor_add_line, l);
	return l;
}

static void
editor_unlayout(struct editor_lines *l)
{
	free(l->start);
	free(l->len);
	free(l);
}

/* The line holding offset pos (the later one at a boundary). */
static int
editor_line_of(const struct editor_lines *l, size_t pos)
{
	int	i;

	for (i = l->n - 1; i > 0; i--) {
		if (l->start[i] <= pos)
			break;
	}
	return i;
}

/* Display width of the bytes from..to of s. */
static int
editor_width(const char *s, size_t from, size_t to)
{
	char	*part = xstrndup(s + from, to - from);
	int	 w = ui_width(part);

	secure_wipe(part, to - from);
	free(part);
	return w;
}

int
editor_where(const struct editor *e, int width, int *line, int *col)
{
	struct editor_lines	*l = editor_layout(e, width);
	size_t			 end;
	int			 i, n;

	i = editor_line_of(l, e->cursor);
	end = l->start[i] + l->len[i];
	if (line != NULL)
		*line = i;
	if (col != NULL)
		*col = editor_width(e->text, l->start[i], e->cursor < end ?
		    e->cursor : end);
	n = l->n;
	editor_unlayout(l);
	return n;
}

/* The offset in line i nearest display column col (not past it). */
static size_t
editor_at_col(const struct editor *e, const struct editor_lines *l, int i,
    int col)
{
	size_t	pos = l->start[i], end = l->start[i] + l->len[i], next;
	int	w = 0, cw;

	while (pos < end) {
		for (next = pos + 1; next < end &&
		    !editor_lead((unsigned char)e->text[next]); next++)
			;
		cw = editor_width(e->text, pos, next);
		if (w + cw > col)
			break;
		w += cw;
		pos = next;
	}
	return pos;
}

int
editor_line(struct editor *e, int width, int dir)
{
	struct editor_lines	*l = editor_layout(e, width);
	int			 i, col, rc = -1;

	i = editor_line_of(l, e->cursor);
	col = editor_width(e->text, l->start[i], e->cursor);
	if (i + dir >= 0 && i + dir < l->n) {
		e->cursor = editor_at_col(e, l, i + dir, col);
		rc = 0;
	}
	editor_unlayout(l);
	return rc;
}

void
editor_line_edge(struct editor *e, int width, int end)
{
	struct editor_lines	*l = editor_layout(e, width);
	int			 i;

	i = editor_line_of(l, e->cursor);
	e->cursor = end ? l->start[i] + l->len[i] : l->start[i];
	/* A word cut to fit runs on with no break: stay on this line. */
	if (end && i + 1 < l->n && l->start[i + 1] == e->cursor &&
	    e->cursor > l->start[i]) {
		do
			e->cursor--;
		while (e->cursor > l->start[i] &&
		    !editor_lead((unsigned char)e->text[e->cursor]));
	}
	editor_unlayout(l);
}
