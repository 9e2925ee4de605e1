/*
 * Visits: the upcoming ones soonest first, a place in an urgent-care
 * line, and the recent past ones, from one batch request; each opens the
 * visit with what can be done with it. Booking and On My Way start here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "serves.h"
#include "booking.h"
#include "linked.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { VISITS_UPCOMING, VISITS_PAST, VISITS_LINE, VISITS_BOOK,
    VISITS_ONMYWAY, VISITS_NOTES };

#define VISITS_ID(kind, i)	(((kind) + 1) * 10000 + (int)(i))



/* One's own visits here and at the linked organizations, each joining
 * as its answer arrives. */
struct visits_state {
	struct booking_visits	v;
	struct linked		l;
};

/* The first organization's visits, or another's added to them. */
static void
visits_take(void *state, size_t i, const struct fhir_batch_job *job)
{
	struct visits_state	*st = state;
	struct booking_visits	 o;

	if (i == 0) {
		booking_visits_take(&st->v, job->res.body);
		return;
	}
	if (job->rc != 0) {
		booking_visits_missing(&st->v, linked_name(&st->l, i),
		    job->cause);
		return;
	}
	memset(&o, 0, sizeof o);
	booking_visits_take(&o, job->res.body);
	booking_visits_merge(&st->v, &o, linked_name(&st->l, 0),
	    linked_name(&st->l, i), (int)i);
	booking_visits_clear(&o);
}

static const struct linked_ask visits_ask = {
	.urls = booking_visits_urls,
	.max = BOOKING_VISITS_URLS,
	.take = visits_take,
};

static int
visits_fetch(struct app *app, void *state, char **cause)
{
	struct visits_state	*st = state;

	return linked_load(&st->l, app, st, &visits_ask, cause);
}

static int
visits_open(struct app *app, void *arg, void **state, char **cause)
{
	struct visits_state	*st = xcalloc(1, sizeof *st);

	(void)arg;
	if (visits_fetch(app, st, cause) != 0) {
		booking_visits_clear(&st->v);
		free(st);
		return -1;
	}
	*state = st;
	return 0;
}

static int
visits_ready(struct app *app, void *state)
{
	struct visits_state	*st = state;

	(void)app;
	linked_take(&st->l);
	return APP_REDRAW;
}

/*
 * A visit's row id: its organization and its place in that one's own
 * list, so that it keeps its id (and the cursor) as other organizations'
 * rows join.
 */
static int
visits_key(const struct booking_visits *s, int kind, size_t i)
{
	return VISITS_ID(kind, (s->org[kind] ? s->org[kind][i] : 0) * 1000 +
	    (s->idx[kind] ? s->idx[kind][i] : (int)i));
}

/* The visit of row id in list kind, or -1. */
static long
visits_find(const struct booking_visits *s, int kind, int id)
{
	size_t	i;

	for (i = 0; i < s->n[kind]; i++) {
		if (visits_key(s, kind, i) == id)
			return (long)i;
	}
	return -1;
}

static void
visits_list(struct view *v, const struct booking_visits *s, int kind)
{
	const struct visit	*x;
	char			 when[64];
	size_t			 i;

	for (i = 0; i < s->n[kind]; i++) {
		x = &s->list[kind][i];
		fhir_time_format(&x->start, when, sizeof when);
		view_item(v, visits_key(s, kind, i), "Visit", when[0] ? when :
		    "Time not set", s->from[kind] == NULL ?
		    visit_line(v->arena, x) : view_printf(v, "%s From %s.",
		    visit_line(v->arena, x), s->from[kind][i]),
		    kind == VISITS_UPCOMING && x->checkin_open == 1 ?
		    ROW_ALERT : 0);
	}
}

static void
visits_view(struct app *app, void *state, struct view *v)
{
	struct visits_state		*st = state;
	struct booking_visits		*s = &st->v;
	const struct visit	*x;
	size_t			 i;

	linked_view(&st->l, v);
	if (s->missing != NULL)
		view_text(v, view_printf(v, "Not included: %s", s->missing));
	if (s->withheld != NULL)
		view_text(v, view_printf(v, "Some visits are not shown: %s",
		    s->withheld));
	for (i = 0; i < s->n[VISITS_LINE]; i++) {
		x = &s->list[VISITS_LINE][i];
		if (i == 0)
			view_heading(v, "In line at urgent care");
		view_item(v, visits_key(s, VISITS_LINE, i), "Line",
		    x->place ? x->place : "Urgent care",
		    x->queue_position > 0 ? view_printf(v, "Number %ld in "
		    "line.", x->queue_position) : "In line.", 0);
	}
	view_heading(v, "Upcoming visits");
	if (s->n[VISITS_UPCOMING] == 0)
		view_text(v, "No upcoming visits.");
	visits_list(v, s, VISITS_UPCOMING);
	/* A read-only server (a health system's SMART API) books nothing. */
	if (serves(portal_fhir(app->portal), SERVE_BOOK)) {
		view_heading(v, "What you can do");
		view_item(v, VISITS_BOOK, "Action", "Schedule a visit",
		    "with someone on your care team", 0);
		view_item(v, VISITS_ONMYWAY, "Action", "On My Way",
		    "urgent care wait times; hold your place in line", 0);
	}
	if (serves(portal_fhir(app->portal), SERVE_NOTES)) {
		view_heading(v, "Notes");
		view_item(v, VISITS_NOTES, "Action", "Visit notes",
		    "after-visit summaries and your clinicians' notes", 0);
	}
	view_heading(v, "Past visits");
	if (s->n[VISITS_PAST] == 0)
		view_text(v, "No past visits.");
	visits_list(v, s, VISITS_PAST);
	if (s->past_total > (long)s->n[VISITS_PAST])
		view_text(v, view_printf(v, "The %zu most recent of %ld past "
		    "visits.", s->n[VISITS_PAST], s->past_total));
}

static int
visits_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct visits_state	*st = state;
	struct booking_visits	*s = &st->v;
	int		 kind = r->id / 10000 - 1, org;
	long		 i;
	struct portal	*at;

	switch (r->id) {
	case VISITS_BOOK:
		return app_push(app, &screen_book, NULL);
	case VISITS_ONMYWAY:
		return app_push(app, &screen_onmyway, NULL);
	case VISITS_NOTES:
		return app_push(app, &screen_notes, NULL);
	}
	if (kind < 0 || kind > VISITS_LINE ||
	    (i = visits_find(s, kind, r->id)) < 0 ||
	    s->list[kind][i].id == NULL)
		return 0;
	/* A visit opens at its own organization: what is done with it is
	 * done there. */
	org = s->org[kind] != NULL ? s->org[kind][i] : 0;
	if (org < 0 || (size_t)org >= st->l.n ||
	    (at = linked_portal(&st->l, (size_t)org)) == NULL)
		return 0;
	if (kind == VISITS_LINE)
		return app_push_at(app, &screen_onmyway, NULL, at);
	return app_push_at(app, &screen_visit, xstrdup(s->list[kind][i].id),
	    at);
}

static void
visits_close(void *state)
{
	struct visits_state	*st = state;

	linked_free(&st->l);
	booking_visits_clear(&st->v);
	free(st);
}

const struct screen screen_visits = {
	.title = "Appointments",
	.loading = "Loading your appointments...",
	.open = visits_open,
	.fetch = visits_fetch,
	.view = visits_view,
	.action = visits_action,
	.ready = visits_ready,
	.close = visits_close,
};
