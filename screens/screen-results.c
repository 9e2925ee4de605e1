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


/* One organization's part: its pages, and the page of them on screen. */
struct results_org {
	struct fhir_pages	 pages;
	struct arena		*a;
	struct results_page	 page;	/* empty: none on this page */
	long			 total;
	int			 dir;	/* the move asked of it, or 2: none */
};

/*
 * Page P of the screen holds page P of each organization that has one
 * (one's own record at the linked organizations too), newest first
 * across them. An organization with fewer pages adds none after its
 * last.
 */
struct results {
	struct results_org	 org[LINKED_MAX];
	struct linked		 l;
	size_t			 number;	/* the page on screen */
	size_t			 asked;		/* the page being loaded */
	int			 refocus;	/* a new page: focus its first */
	char			*missing;	/* "Harbor Clinic: ..." */
};

#define RESULTS_NONE	2	/* no move: nothing asked of it */
#define RESULTS_ID(org, i)	((int)(org) * 1000 + (int)(i))

/* The move to ask of organization o for screen page `asked`. */
static int
results_move(const struct results *s, const struct results_org *o)
{
	size_t	have = fhir_pages_number(&o->pages);

	if (s->asked == have + 1 && fhir_pages_more(&o->pages))
		return 1;
	if (s->asked == have)
		return 0;
	if (s->asked + 1 == have)
		return -1;
	return RESULTS_NONE;	/* it has no such page */
}

static size_t
results_url(void *state, size_t i, const char *patient, char **urls)
{
	struct results		*s = state;
	struct results_org	*o = &s->org[i];
	const char		*url;
	char			*ref;

	if (fhir_pages_number(&o->pages) == 0) {
		ref = fhir_ref("Patient", patient);
		results_list_start(&o->pages, ref);
		free(ref);
	}
	o->dir = results_move(s, o);
	if (o->dir == RESULTS_NONE ||
	    (url = fhir_pages_url(&o->pages, o->dir)) == NULL)
		return 0;
	urls[0] = xstrdup(url);
	return 1;
}

/* Organization i's page, or its failure. */
static void
results_take(void *state, size_t i, const struct fhir_batch_job *job)
{
	struct results		*s = state;
	struct results_org	*o = &s->org[i];
	size_t			 k;
	char			*was;

	if (i == 0) {
		/* The first organization's answer: the new page replaces
		 * the old one, the others' parts joining as they come. */
		for (k = 0; k < LINKED_MAX; k++) {
			arena_free(s->org[k].a);
			s->org[k].a = NULL;
			memset(&s->org[k].page, 0, sizeof s->org[k].page);
		}
		free(s->missing);
		s->missing = NULL;
		s->refocus = s->asked != s->number;
		s->number = s->asked;
	}
	if (job->rc != 0) {
		was = s->missing;
		s->missing = xasprintf("%s%s%s: %s", was ? was : "",
		    was ? " " : "", linked_name(&s->l, i), job->cause);
		free(was);
		return;
	}
	if (job->res.body == NULL)
		return;		/* nothing asked of it */
	fhir_pages_moved(job->f, &o->pages, o->dir, job->res.body);
	o->a = arena_create();
	results_list_take(job->f, o->a, job->res.body, &o->page, &o->total);
}

static const struct linked_ask results_ask = {
	.urls_at = results_url,
	.max = 1,
	.get = 1,
	.take = results_take,
};

/* Load screen page `page` (the one on screen again, or next to it). */
static int
results_load(struct app *app, struct results *s, size_t page, char **cause)
{
	s->asked = page;
	return linked_load(&s->l, app, s, &results_ask, cause);
}

static int
results_fetch(struct app *app, void *state, char **cause)
{
	struct results	*s = state;

	return results_load(app, s, s->number, cause);
}

static int
results_open(struct app *app, void *arg, void **state, char **cause)
{
	struct results	*s = xcalloc(1, sizeof *s);
	size_t		 i;

	(void)arg;
	s->number = 1;
	if (results_load(app, s, 1, cause) != 0) {
		for (i = 0; i < LINKED_MAX; i++)
			fhir_pages_free(&s->org[i].pages);
		free(s);
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
	linked_take(&s->l);
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
	if (*org >= s->l.n || *i >= s->org[*org].page.nreports)
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
	long			 total = 0;
	int			 row, abnormal, more = 0, first = 1;

	(void)app;
	view_heading(v, "Reports, newest first");
	linked_view(&s->l, v);
	if (s->missing != NULL)
		view_text(v, view_printf(v, "Not included: %s", s->missing));
	for (k = 0; k < s->l.n; k++) {
		o = &s->org[k];
		n += o->page.nreports;
		total = total < 0 || o->total < 0 ? -1 : total + o->total;
		more |= fhir_pages_more(&o->pages) &&
		    fhir_pages_number(&o->pages) == s->number;
		at[k] = 0;
	}
	if (n == 0)
		view_text(v, s->number > 1 ? "No more reports." :
		    "No test results on file yet.");
	else if (s->l.n == 1 && total >= 0)
		view_text(v, view_printf(v, "Reports %zu to %zu of %ld.",
		    (s->number - 1) * RESULTS_PAGE + 1,
		    (s->number - 1) * RESULTS_PAGE + n, total));
	else if (total >= 0)
		view_text(v, view_printf(v, "Page %zu: %zu reports of %ld.",
		    s->number, n, total));
	/* The organizations' pages woven together, newest first. */
	while (n-- > 0) {
		for (best = LINKED_MAX, k = 0; k < s->l.n; k++) {
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
		if (s->l.n > 1)
			line = view_printf(v, "%s, from %s", line,
			    linked_name(&s->l, best));
		row = view_item(v, RESULTS_ID(best, at[best]), "Report",
		    r->name ? r->name : "Unnamed report", line,
		    abnormal ? ROW_ALERT : 0);
		if (first && s->refocus)
			v->focus = row;
		first = 0;
		at[best]++;
	}
	s->refocus = 0;
	if (unreviewed > 0)
		view_text(v, RESULTS_UNREVIEWED_TEXT);
	if (more || s->number > 1)
		view_heading(v, "More");
	view_pages(v, s->number, more, "reports");
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
		if (dir < 0 && s->number == 1)
			return 0;
		app_loading(app, "Loading more test results...");
		if (results_load(app, s, s->number + dir, &cause) != 0) {
			app_say(app, cause);
			free(cause);
		}
		return APP_REDRAW;
	}
	if (results_find_row(s, r->id, &org, &i) != 0 ||
	    s->org[org].page.reports[i].id == NULL)
		return 0;
	/* A report opens at its own organization. */
	return app_push_at(app, &screen_report,
	    xstrdup(s->org[org].page.reports[i].id), s->l.p[org]);
}

static void
results_close(void *state)
{
	struct results	*s = state;
	size_t		 i;

	linked_drop(&s->l);
	for (i = 0; i < LINKED_MAX; i++) {
		arena_free(s->org[i].a);
		fhir_pages_free(&s->org[i].pages);
	}
	free(s->missing);
	free(s);
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
