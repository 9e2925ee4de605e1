/*
 * Test results: reports newest first, a page at a time, each with its
 * status and, in words, how many results are outside their range. Only
 * the page on screen is held; the next one is fetched when asked for.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "fhir.h"
#include "model.h"
#include "portal.h"
#include "results.h"
#include "util.h"
#include "view.h"


struct results {
	struct arena		*a;
	struct fhir_pages	 pages;
	struct results_page	 page;
	long			 total;
	int			 refocus;	/* a new page: focus its first */
};

/* Load the page dir away from the current one (0: the current again). */
static int
results_load(struct app *app, struct results *s, int dir, char **cause)
{
	struct arena	*a;

	/* Only a new page lets the old one go: a failure keeps it shown. */
	if (results_list_page(portal_fhir(app->portal), &s->pages, dir, &a,
	    &s->page, &s->total, cause) != 0)
		return -1;
	arena_free(s->a);
	s->a = a;
	s->refocus = dir != 0;
	return 0;
}

static int
results_fetch(struct app *app, void *state, char **cause)
{
	return results_load(app, state, 0, cause);
}

static int
results_open(struct app *app, void *arg, void **state, char **cause)
{
	struct results	*s = xcalloc(1, sizeof *s);

	results_list_start(&s->pages, app_patient_ref(app));
	if (results_load(app, s, 0, cause) != 0) {
		fhir_pages_free(&s->pages);
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
results_view(struct app *app, void *state, struct view *v)
{
	struct results		*s = state;
	const struct report	*r;
	const char		*line;
	size_t			 i, first, unreviewed = 0;
	int			 row, abnormal;

	first = (fhir_pages_number(&s->pages) - 1) * RESULTS_PAGE + 1;
	view_heading(v, "Reports, newest first");
	if (s->page.nreports == 0) {
		view_text(v, first > 1 ? "No more reports." :
		    "No test results on file yet.");
	} else if (s->total >= 0)
		view_text(v, view_printf(v, "Reports %zu to %zu of %ld.",
		    first, first + s->page.nreports - 1, s->total));
	for (i = 0; i < s->page.nreports; i++) {
		r = &s->page.reports[i];
		unreviewed += r->reviewed == 0;
		line = results_report_line(s->a, &s->page, r, &abnormal);
		row = view_item(v, (int)i, "Report", r->name ? r->name :
		    "Unnamed report", line, abnormal ? ROW_ALERT : 0);
		if (i == 0 && s->refocus)
			v->focus = row;
	}
	s->refocus = 0;
	if (unreviewed > 0)
		view_text(v, RESULTS_UNREVIEWED_TEXT);
	if (fhir_pages_more(&s->pages) || fhir_pages_number(&s->pages) > 1)
		view_heading(v, "More");
	view_pages(v, fhir_pages_number(&s->pages), fhir_pages_more(&s->pages),
	    "reports");
}

static int
results_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct results	*s = state;
	char		*cause = NULL;

	if (view_page_dir(r->id) != 0) {
		app_loading(app, "Loading more test results...");
		if (results_load(app, s, view_page_dir(r->id),
		    &cause) != 0) {
			app_say(app, cause);
			free(cause);
			return APP_REDRAW;
		}
		return APP_REDRAW;
	}
	if (r->id < 0 || (size_t)r->id >= s->page.nreports ||
	    s->page.reports[r->id].id == NULL)
		return 0;
	return app_push(app, &screen_report,
	    xstrdup(s->page.reports[r->id].id));
}

static void
results_close(void *state)
{
	struct results	*s = state;

	arena_free(s->a);
	fhir_pages_free(&s->pages);
	free(s);
}

const struct screen screen_results = {
	.title = "Test results",
	.loading = "Loading test results...",
	.open = results_open,
	.fetch = results_fetch,
	.view = results_view,
	.action = results_action,
	.close = results_close,
};
