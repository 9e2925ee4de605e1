/* The detail screen: every fact about one item, one per line, label first. */
#include "config.h"

#include <stdlib.h>

#include "app.h"
#include "screens.h"
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
detail_link(struct detail *d, const char *label, const char *value,
    const struct screen *s, const char *arg)
{
	if (value == NULL || *value == '\0')
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->labels = xrealloc(d->labels, d->cap * sizeof *d->labels);
		d->values = xrealloc(d->values, d->cap * sizeof *d->values);
		d->links = xrealloc(d->links, d->cap * sizeof *d->links);
		d->args = xrealloc(d->args, d->cap * sizeof *d->args);
	}
	d->labels[d->n] = arena_strdup(d->arena, label);
	d->values[d->n] = arena_strdup(d->arena, value);
	d->links[d->n] = s;
	d->args[d->n] = arena_strdup(d->arena, arg);
	d->n++;
}

void
detail_add(struct detail *d, const char *label, const char *value)
{
	detail_link(d, label, value, NULL, NULL);
}

void
detail_free(struct detail *d)
{
	if (d == NULL)
		return;
	arena_free(d->arena);
	free(d->labels);
	free(d->values);
	free(d->links);
	free(d->args);
	free(d);
}

static int
detail_open(struct app *app, void *arg, void **state, char **cause)
{
	*state = arg;
	return 0;
}

static const char *
detail_title(void *state)
{
	struct detail	*d = state;

	return d->title;
}

static void
detail_view(struct app *app, void *state, struct view *v)
{
	struct detail	*d = state;
	size_t		 i;

	for (i = 0; i < d->n; i++)
		view_item(v, (int)i, "Detail", d->labels[i], d->values[i],
		    d->links[i] != NULL ? 0 : ROW_INFO);
}

static int
detail_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct detail	*d = state;

	if (r->id < 0 || (size_t)r->id >= d->n || d->links[r->id] == NULL)
		return 0;
	return app_push(app, d->links[r->id], xstrdup(d->args[r->id]));
}

static void
detail_close(void *state)
{
	detail_free(state);
}

const struct screen screen_detail = {
	.title = "Details",
	.title_of = detail_title,
	.open = detail_open,
	.view = detail_view,
	.action = detail_action,
	.close = detail_close,
	.drop = detail_close,	/* the arg is a struct detail */
};
