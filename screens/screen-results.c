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
#include "linked.h"
#include "model.h"
#include "portal.h"
#include "results.h"
#include "util.h"
#include "view.h"


/* One organization's part: the page of its reports on screen. */
struct results_org {
	struct arena		*a;
	struct results_page	 page;	/* empty: none on this page */
};

/* Page P of the screen holds page P of each organization's reports
 * (one's own record at the linked organizations too). */
struct results {
	struct linked_pages	 pages;	/* first: linked_pages_url() */
	struct results_org	 org[LINKED_MAX];
};

#define RESULTS_ID(org, i)	((int)(org) * 1000 + (int)(i))

/* Organization i's page (the first one's replacing what was shown). */
static void
results_take(void *state, size_t i, const struct fhir_batch_job *job)
{
	struct results		*s = state;
	struct results_org	*o = &s->org[i];
	size_t			 k;
	long			 total;

	for (k = 0; i == 0 && k < LINKED_MAX; k++) {
		arena_free(s->org[k].a);
		memset(&s->org[k], 0, sizeof s->org[k]);
	}
	if (linked_pages_take(&s->pages, i, job) != 0)
		return;
	o->a = arena_create();
	results_list_take(job->f, o->a, job->res.body, &o->page, &total);
}

static const struct linked_ask results_ask = {
	.urls_at = linked_pages_url,
	.max = 1,
	.get = 1,
	.take = results_take,
};

static int
results_fetch(struct app *app, void *state, char **cause)
{
	struct results	*s = state;

	return linked_pages_load(&s->pages, app, s, &results_ask,
	    s->pages.number, cause);
}

static void
results_free(struct results *s)
{
	size_t	i;

	linked_pages_free(&s->pages);
	for (i = 0; i < LINKED_MAX; i++)
		arena_free(s->org[i].a);
	free(s);
}

static int
results_open(struct app *app, void *arg, void **state, char **cause)
{
	struct results	*s = xcalloc(1, sizeof *s);

	(void)arg;
	s->pages.start = results_list_start;
	s->pages.number = 1;
	if (results_fetch(app, s, cause) != 0) {
		results_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int
results_ready(struct app *app, void *state)
{
	struct results	*s = state;

	(void)app;
	linked_take(&s->pages.l);
	return APP_REDRAW;
}

/* The report of row id: its organization's part and index, or -1. */
static int
results_find_row(const struct results *s, int id, size_t *org, size_t *i)
{
	if (id < 0)
		return -1;
	*org = (size_t)id / 1000;
	*i = (size_t)id % 1000;
	if (*org >= s->pages.l.n || *i >= s->org[*org].page.nreports)
		return -1;
	return 0;
}

/* Does report a come after b (newest first, either organization)? */
static int
results_older(const struct report *a, const struct report *b)
{
	return a->effective.t < b->effective.t;
}

static void
results_view(struct app *app, void *state, struct view *v)
{
	struct results		*s = state;
	const struct results_org *o;
	const struct report	*r;
	const char		*line;
	size_t			 at[LINKED_MAX], k, best, n = 0, unreviewed = 0;
	long			 total = linked_pages_total(&s->pages);
	int			 row, abnormal, more, first = 1;

	(void)app;
	view_heading(v, "Reports, newest first");
	linked_pages_view(&s->pages, v);
	for (k = 0; k < s->pages.l.n; k++) {
		o = &s->org[k];
		n += o->page.nreports;
		at[k] = 0;
	}
	more = linked_pages_more(&s->pages);
	if (n == 0)
		view_text(v, s->pages.number > 1 ? "No more reports." :
		    "No test results on file yet.");
	else if (s->pages.l.n == 1 && total >= 0)
		view_text(v, view_printf(v, "Reports %zu to %zu of %ld.",
		    (s->pages.number - 1) * RESULTS_PAGE + 1,
		    (s->pages.number - 1) * RESULTS_PAGE + n, total));
	else if (total >= 0)
		view_text(v, view_printf(v, "Page %zu: %zu reports of %ld.",
		    s->pages.number, n, total));
	/* The organizations' pages woven together, newest first. */
	while (n-- > 0) {
		for (best = LINKED_MAX, k = 0; k < s->pages.l.n; k++) {
			if (at[k] < s->org[k].page.nreports &&
			    (best == LINKED_MAX || results_older(
			    &s->org[best].page.reports[at[best]],
			    &s->org[k].page.reports[at[k]])))
				best = k;
		}
		o = &s->org[best];
		r = &o->page.reports[at[best]];
		unreviewed += r->reviewed == 0;
		line = results_report_line(o->a, &o->page, r, &abnormal);
		if (s->pages.l.n > 1)
			line = view_printf(v, "%s, from %s", line,
			    linked_name(&s->pages.l, best));
		row = view_item(v, RESULTS_ID(best, at[best]), "Report",
		    r->name ? r->name : "Unnamed report", line,
		    abnormal ? ROW_ALERT : 0);
		if (first && s->pages.refocus)
			v->focus = row;
		first = 0;
		at[best]++;
	}
	s->pages.refocus = 0;
	if (unreviewed > 0)
		view_text(v, RESULTS_UNREVIEWED_TEXT);
	if (more || s->pages.number > 1)
		view_heading(v, "More");
	view_pages(v, s->pages.number, more, "reports");
}

static int
results_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct results	*s = state;
	char		*cause = NULL;
	size_t		 org, i;
	int		 dir;

	if ((dir = view_page_dir(r->id)) != 0) {
		if (dir < 0 && s->pages.number == 1)
			return 0;
		app_loading(app, "Loading more test results...");
		if (linked_pages_load(&s->pages, app, s, &results_ask,
		    s->pages.number + dir, &cause) != 0) {
			app_say(app, cause);
			free(cause);
		}
		return APP_REDRAW;
	}
	if (results_find_row(s, r->id, &org, &i) != 0 ||
	    s->org[org].page.reports[i].id == NULL)
		return 0;
	/* A report opens at its own organization. */
	if (linked_portal(&s->pages.l, org) == NULL)
		return 0;
	return app_push_at(app, &screen_report,
	    xstrdup(s->org[org].page.reports[i].id),
	    linked_portal(&s->pages.l, org));
}

static void
results_close(void *state)
{
	results_free(state);
}

const struct screen screen_results = {
	.title = "Test results",
	.loading = "Loading test results...",
	.open = results_open,
	.fetch = results_fetch,
	.view = results_view,
	.action = results_action,
	.ready = results_ready,
	.close = results_close,
};
