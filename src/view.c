/*
 * What a screen shows, independent of how it is drawn: a title, whose
 * record it is, and rows (headings, items of label + value, paragraphs,
 * form fields, buttons). The UI draws a view with curses or as plain lines.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "editor.h"
#include "fhir.h"
#include "view.h"

void
view_init(struct view *v)
{
	memset(v, 0, sizeof *v);
	v->arena = arena_create();
	v->focus = -1;
}

void
view_free(struct view *v)
{
	arena_free(v->arena);
	free(v->rows);
	memset(v, 0, sizeof *v);
	v->focus = -1;
}

const char *
view_str(struct view *v, const char *s)
{
	return arena_strdup(v->arena, s);
}

const char *
view_printf(struct view *v, const char *fmt, ...)
{
	va_list	ap;
	char	*s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	return arena_own(v->arena, s);
}

static struct view_row *
view_add(struct view *v, enum row_kind kind, int id)
{
	struct view_row	*r;

	if (v->nrows == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 32;
		v->rows = xrealloc(v->rows, v->cap * sizeof *v->rows);
	}
	r = &v->rows[v->nrows++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->id = id;
	return r;
}

int
view_heading(struct view *v, const char *title)
{
	view_add(v, ROW_HEADING, -1)->label = view_str(v, title);
	return (int)v->nrows - 1;
}

int
view_text(struct view *v, const char *text)
{
	view_add(v, ROW_TEXT, -1)->value = view_str(v, text);
	return (int)v->nrows - 1;
}

int
view_item(struct view *v, int id, const char *noun, const char *label,
    const char *value, int flags)
{
	struct view_row	*r = view_add(v, ROW_ITEM, id);

	r->noun = view_str(v, noun);
	r->label = view_str(v, label);
	r->value = view_str(v, value);
	r->flags = flags;
	return (int)v->nrows - 1;
}

int
view_field(struct view *v, int id, const char *label, struct field *f,
    int flags)
{
	struct view_row	*r = view_add(v, ROW_FIELD, id);

	r->label = view_str(v, label);
	r->field = f;
	r->flags = flags;
	return (int)v->nrows - 1;
}

int
view_button(struct view *v, int id, const char *label)
{
	view_add(v, ROW_BUTTON, id)->label = view_str(v, label);
	return (int)v->nrows - 1;
}

int
view_editor(struct view *v, int id, const char *label, struct editor *e)
{
	struct view_row	*r = view_add(v, ROW_EDITOR, id);

	r->label = view_str(v, label);
	r->editor = e;
	return (int)v->nrows - 1;
}

void
view_pages(struct view *v, size_t page, int more, const char *what)
{
	if (more > 0)
		view_item(v, VIEW_PAGE_OLDER, "Page", view_printf(v,
		    "Older %s", what), view_printf(v, "page %zu", page + 1),
		    0);
	else if (more < 0)
		view_text(v, FHIR_ELSEWHERE);
	if (page > 1)
		view_item(v, VIEW_PAGE_NEWER, "Page", view_printf(v,
		    "Newer %s", what), view_printf(v, "back to page %zu",
		    page - 1), 0);
}

int
view_page_dir(int id)
{
	return id == VIEW_PAGE_OLDER ? 1 : id == VIEW_PAGE_NEWER ? -1 : 0;
}

int
view_chart(struct view *v, const struct trend *t)
{
	view_add(v, ROW_CHART, -1)->chart = t;
	return (int)v->nrows - 1;
}

int
view_picture(struct view *v, const struct picture *p, const char *alt)
{
	struct view_row	*r = view_add(v, ROW_PICTURE, -1);

	r->picture = p;
	r->value = view_str(v, alt);
	return (int)v->nrows - 1;
}

/* Is row i an item of the given noun? */
static int
view_same_noun(const struct view *v, size_t i, const char *noun)
{
	return i < v->nrows && v->rows[i].kind == ROW_ITEM &&
	    v->rows[i].noun != NULL && strcmp(v->rows[i].noun, noun) == 0;
}

void
view_number(struct view *v)
{
	size_t	i = 0, j, k;

	/* Number each run of items of the same noun: 1 of N ... N of N. */
	while (i < v->nrows) {
		if (v->rows[i].kind != ROW_ITEM || v->rows[i].noun == NULL) {
			i++;
			continue;
		}
		for (j = i; view_same_noun(v, j, v->rows[i].noun); j++)
			;
		for (k = i; k < j; k++) {
			v->rows[k].pos = (int)(k - i) + 1;
			v->rows[k].count = (int)(j - i);
		}
		i = j;
	}
}

int
view_focusable(const struct view *v, size_t i)
{
	return i < v->nrows && v->rows[i].kind != ROW_HEADING &&
	    v->rows[i].kind != ROW_TEXT && v->rows[i].kind != ROW_CHART &&
	    v->rows[i].kind != ROW_PICTURE;
}

int
view_next(const struct view *v, int i, int dir)
{
	for (i += dir; i >= 0 && (size_t)i < v->nrows; i += dir) {
		if (view_focusable(v, (size_t)i))
			return i;
	}
	return -1;
}

int
view_start(const struct view *v, size_t from)
{
	size_t	i;

	for (i = from; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_FIELD)
			return (int)i;
	}
	for (i = from; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_BUTTON)
			return (int)i;
	}
	return -1;
}

void
view_fix_focus(struct view *v)
{
	if (v->focus >= 0 && view_focusable(v, (size_t)v->focus))
		return;
	if (v->focus >= (int)v->nrows)
		v->focus = (int)v->nrows - 1;
	if (v->focus >= 0 && view_next(v, v->focus, -1) >= 0 &&
	    view_next(v, v->focus, 1) < 0)
		v->focus = view_next(v, v->focus, -1);
	else
		v->focus = view_next(v, v->focus < 0 ? -1 : v->focus, 1);
}

const char *
view_focus_text(const struct view *v)
{
	static char		 out[128];
	const struct view_row	*r;

	out[0] = '\0';
	if (v->focus < 0 || (size_t)v->focus >= v->nrows)
		return out;
	r = &v->rows[v->focus];
	if (r->kind == ROW_ITEM && r->noun != NULL && r->count > 0)
		snprintf(out, sizeof out, "%s %d of %d", r->noun, r->pos,
		    r->count);
	else if (r->kind == ROW_FIELD)
		snprintf(out, sizeof out, "%s field", r->label);
	else if (r->kind == ROW_BUTTON)
		snprintf(out, sizeof out, "%s button", r->label);
	else if (r->kind == ROW_EDITOR)
		snprintf(out, sizeof out, "%zu of %zu characters; Tab leaves "
		    "the text", editor_chars(r->editor), r->editor->max);
	return out;
}

void
field_insert(struct field *f, const char *s, size_t n)
{
	if (f->len + n >= FIELD_MAX)
		return;
	memmove(f->text + f->cursor + n, f->text + f->cursor,
	    f->len - f->cursor);
	memcpy(f->text + f->cursor, s, n);
	f->len += n;
	f->cursor += n;
	f->text[f->len] = '\0';
}

/* Length of the UTF-8 character ending at (before) pos. */
static size_t
field_prev_len(const struct field *f, size_t pos)
{
	size_t	n = 0;

	while (pos > 0) {
		pos--;
		n++;
		if (((unsigned char)f->text[pos] & 0xc0) != 0x80)
			break;
	}
	return n;
}

/* Length of the UTF-8 character starting at pos. */
static size_t
field_next_len(const struct field *f, size_t pos)
{
	size_t	n = 0;

	if (pos >= f->len)
		return 0;
	do {
		n++;
	} while (pos + n < f->len &&
	    ((unsigned char)f->text[pos + n] & 0xc0) == 0x80);
	return n;
}

void
field_backspace(struct field *f)
{
	size_t	n = field_prev_len(f, f->cursor);

	if (n == 0)
		return;
	memmove(f->text + f->cursor - n, f->text + f->cursor,
	    f->len - f->cursor);
	f->cursor -= n;
	f->len -= n;
	secure_wipe(f->text + f->len, n);
}

void
field_delete(struct field *f)
{
	size_t	n = field_next_len(f, f->cursor);

	if (n == 0)
		return;
	memmove(f->text + f->cursor, f->text + f->cursor + n,
	    f->len - f->cursor - n);
	f->len -= n;
	secure_wipe(f->text + f->len, n);
}

void
field_move(struct field *f, int dir)
{
	if (dir < 0)
		f->cursor -= field_prev_len(f, f->cursor);
	else if (dir > 0)
		f->cursor += field_next_len(f, f->cursor);
	else
		f->cursor = 0;
	if (dir == 2)
		f->cursor = f->len;
}

void
field_set(struct field *f, const char *s)
{
	field_clear(f);
	if (s != NULL)
		field_insert(f, s, strlen(s));
}

void
field_clear(struct field *f)
{
	secure_wipe(f->text, sizeof f->text);
	f->len = f->cursor = 0;
}

void
field_options(struct field *f, const char *const *options, int n, int i)
{
	f->options = options;
	f->noptions = n;
	field_choose(f, 0, i);
}

void
field_choose(struct field *f, int dir, int i)
{
	if (f->noptions <= 0)
		return;
	if (dir != 0)
		i = (f->choice + dir + f->noptions) % f->noptions;
	if (i < 0 || i >= f->noptions)
		i = 0;
	f->choice = i;
	field_set(f, f->options[i]);
}
