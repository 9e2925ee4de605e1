/* Switch record: the people whose records the signed-in person may open. */
#include "config.h"

#include <string.h>

#include "app.h"
#include "screens.h"
#include "view.h"

static int
records_open(struct app *app, void *arg, void **state, char **cause)
{
	*state = NULL;
	return 0;
}

static void
records_view(struct app *app, void *state, struct view *v)
{
	const struct auth_person	*p;
	size_t				 i;

	view_text(v, "Choose whose record to open.");
	for (i = 0; i < app->me.npeople; i++) {
		p = &app->me.people[i];
		view_item(v, (int)i, "Record", p->display ? p->display : "?",
		    view_printf(v, "%s, %s access%s%s",
		    p->relationship && strcmp(p->relationship, "self") == 0 ?
		    "you" : p->relationship ? p->relationship : "?",
		    p->access ? p->access : "full",
		    p->note ? ". " : "", p->note ? p->note : ""), 0);
		if (p == app->record)
			v->focus = (int)v->nrows - 1;
	}
}

static int
records_action(struct app *app, void *state,
    const struct view_row *r)
{
	if (r->id < 0 || (size_t)r->id >= app->me.npeople)
		return 0;
	app->record = &app->me.people[r->id];
	return APP_HOME;
}

const struct screen screen_records = {
	.title = "Switch record",
	.open = records_open,
	.view = records_view,
	.action = records_action,
};
