/*
 * Account activity: the open record's sign-ins, who read it (a proxy
 * is said so) and what was changed, newest first, 20 a page.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "fhir.h"
#include "fhirtime.h"
#include "portal.h"
#include "screens.h"
#include "util.h"
#include "view.h"

struct activity_screen {
	struct arena		*a;
	struct fhir_pages	 pages;
	struct activity		*events;
	size_t			 n;
	long			 total;
	int			 refocus;
};

static int
activity_load(struct app *app, struct activity_screen *s, int dir,
    char **cause)
{
	struct arena	*a;

	/* Only a new page lets the old one go: a failure keeps it shown. */
	if (account_activity_page(portal_fhir(app->portal), &s->pages, dir,
	    app->me.profile, app_patient_ref(app), &a, &s->events, &s->n,
	    &s->total, cause) != 0)
		return -1;
	arena_free(s->a);
	s->a = a;
	s->refocus = 1;
	return 0;
}

static int
activity_fetch(struct app *app, void *state, char **cause)
{
	return activity_load(app, state, 0, cause);
}

static void
activity_free(struct activity_screen *s)
{
	arena_free(s->a);
	fhir_pages_free(&s->pages);
	free(s);
}

static int
activity_open(struct app *app, void *arg, void **state, char **cause)
{
	struct activity_screen	*s = xcalloc(1, sizeof *s);

	free(arg);
	account_activity_start(&s->pages, app_patient_ref(app));
	if (activity_load(app, s, 0, cause) != 0) {
		activity_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
activity_view(struct app *app, void *state, struct view *v)
{
	struct activity_screen	*s = state;
	const struct activity	*e;
	char			 when[64];
	size_t			 i, first;
	int			 row;

	first = (fhir_pages_number(&s->pages) - 1) * ACTIVITY_PAGE + 1;
	view_heading(v, "Newest first");
	if (s->n == 0)
		view_text(v, first > 1 ? "No more activity." :
		    "No activity is recorded yet.");
	else if (s->total > (long)s->n || first > 1)
		view_text(v, view_printf(v, "Events %zu to %zu%s.", first,
		    first + s->n - 1, s->total >= 0 ? view_printf(v, " of %ld",
		    s->total) : ""));
	for (i = 0; i < s->n; i++) {
		e = &s->events[i];
		fhir_time_format(&e->when, when, sizeof when);
		row = view_item(v, (int)i, "Event", e->what, when[0] ? when :
		    "at a time not given", ROW_INFO | (e->failed ?
		    ROW_ALERT : 0));
		if (i == 0 && s->refocus)
			v->focus = row;
	}
	s->refocus = 0;
	view_pages(v, fhir_pages_number(&s->pages), fhir_pages_more(&s->pages),
	    "events");
}

static int
activity_action(struct app *app, void *state, const struct view_row *r)
{
	struct activity_screen	*s = state;
	char			*cause = NULL;

	if (view_page_dir(r->id) == 0)
		return 0;
	app_loading(app, "Loading more activity...");
	if (activity_load(app, s, view_page_dir(r->id), &cause) != 0) {
		app_say(app, cause);
		free(cause);
	}
	return APP_REDRAW;
}

static void
activity_close(void *state)
{
	activity_free(state);
}

const struct screen screen_activity = {
	.title = "Account activity",
	.loading = "Loading account activity...",
	.open = activity_open,
	.fetch = activity_fetch,
	.view = activity_view,
	.action = activity_action,
	.close = activity_close,
};
