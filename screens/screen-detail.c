/* The detail screen: every fact about one item, one per line, label first. */
#include "config.h"

#include <stdlib.h>

#include "app.h"
#include "util.h"
#include "view.h"

struct detail *
detail_create(const char *title)
{
	struct detail	*d = xcalloc(1, sizeof *d);

	d->arena = arena_create();
	d->title = arena_strdup(d->arena, title ? title : "Details");
	return d;
}

void
detail_add(struct detail *d, const char *label, const char *value)
{
	if (value == NULL || *value == '\0')
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->labels = xrealloc(d->labels, d->cap * sizeof *d->labels);
		d->values = xrealloc(d->values, d->cap * sizeof *d->values);
	}
	d->labels[d->n] = arena_strdup(d->arena, label);
	d->values[d->n] = arena_strdup(d->arena, value);
	d->n++;
}

void
detail_free(struct detail *d)
{
	if (d == NULL)
		return;
	arena_free(d->arena);
	free(d->labels);
	free(d->values);
	free(d);
}

static int
detail_open(struct app *app, void *arg, void **state, char **cause)
{
	*state = arg;
	return 0;
}

static void
detail_view(struct app *app, void *state, struct view *v)
{
	struct detail	*d = state;
	size_t		 i;

	v->title = view_str(v, d->title);
	for (i = 0; i < d->n; i++)
		view_item(v, (int)i, "Detail", d->labels[i], d->values[i],
		    ROW_INFO);
}

static void
detail_close(void *state)
{
	detail_free(state);
}

const struct screen screen_detail = {
	.name = "detail",
	.title = "Details",
	.open = detail_open,
	.view = detail_view,
	.close = detail_close,
};
