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
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { VISITS_UPCOMING, VISITS_PAST, VISITS_LINE, VISITS_BOOK,
    VISITS_ONMYWAY, VISITS_NOTES };

#define VISITS_ID(kind, i)	(((kind) + 1) * 10000 + (int)(i))



static int
visits_fetch(struct app *app, void *state, char **cause)
{
	struct booking_visits	*s = state, fresh;

	/* Loaded aside: what is on screen stays whole if this fails. */
	memset(&fresh, 0, sizeof fresh);
	if (booking_visits_load(portal_fhir(app->portal), app_patient_ref(app),
	    &fresh, cause) != 0) {
		booking_visits_clear(&fresh);
		return -1;
	}
	booking_visits_clear(s);
	*s = fresh;
	return 0;
}

static int
visits_open(struct app *app, void *arg, void **state, char **cause)
{
	struct booking_visits	*s = xcalloc(1, sizeof *s);

	if (visits_fetch(app, s, cause) != 0) {
		booking_visits_clear(s);
		free(s);
		return -1;
	}
	*state = s;
	return 0;
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
		view_item(v, VISITS_ID(kind, i), "Visit", when[0] ? when :
		    "Time not set", visit_line(v->arena, x),
		    kind == VISITS_UPCOMING && x->checkin_open == 1 ?
		    ROW_ALERT : 0);
	}
}

static void
visits_view(struct app *app, void *state, struct view *v)
{
	struct booking_visits		*s = state;
	const struct visit	*x;
	size_t			 i;

	if (s->withheld != NULL)
		view_text(v, view_printf(v, "Some visits are not shown: %s",
		    s->withheld));
	for (i = 0; i < s->n[VISITS_LINE]; i++) {
		x = &s->list[VISITS_LINE][i];
		if (i == 0)
			view_heading(v, "In line at urgent care");
		view_item(v, VISITS_ID(VISITS_LINE, i), "Line",
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
	struct booking_visits	*s = state;
	int		 kind = r->id / 10000 - 1, i = r->id % 10000;

	switch (r->id) {
	case VISITS_BOOK:
		return app_push(app, &screen_book, NULL);
	case VISITS_ONMYWAY:
		return app_push(app, &screen_onmyway, NULL);
	case VISITS_NOTES:
		return app_push(app, &screen_notes, NULL);
	}
	if (kind < 0 || kind > VISITS_LINE || (size_t)i >= s->n[kind] ||
	    s->list[kind][i].id == NULL)
		return 0;
	if (kind == VISITS_LINE)
		return app_push(app, &screen_onmyway, NULL);
	return app_push(app, &screen_visit, xstrdup(s->list[kind][i].id));
}

static void
visits_close(void *state)
{
	booking_visits_clear(state);
	free(state);
}

const struct screen screen_visits = {
	.title = "Appointments",
	.loading = "Loading your appointments...",
	.open = visits_open,
	.fetch = visits_fetch,
	.view = visits_view,
	.action = visits_action,
	.close = visits_close,
};
