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
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { VISITS_UPCOMING, VISITS_PAST, VISITS_LINE, VISITS_BOOK,
    VISITS_ONMYWAY };

#define VISITS_ID(kind, i)	(((kind) + 1) * 10000 + (int)(i))
#define VISITS_MAX_UPCOMING	50
#define VISITS_MAX_PAST		20

struct visits {
	struct arena	*a;
	struct visit	*list[3];	/* upcoming, past, in line */
	size_t		 n[3];
	long		 past_total;
	char		*withheld;
};

static void
visits_clear(struct visits *s)
{
	arena_free(s->a);
	free(s->withheld);
	memset(s, 0, sizeof *s);
}

static int
visits_fetch(struct app *app, void *state, char **cause)
{
	struct visits		*s = state;
	struct fhir_result	 res;
	const struct json	*b;
	char			*urls[3], now[32], *why, *ge, *lt;
	long			 status;
	size_t			 i, k, n;

	visit_instant_write(time(NULL), now, sizeof now);
	ge = xasprintf("ge%s", now);
	lt = xasprintf("lt%s", now);
	urls[0] = fhir_query("Appointment?_sort=date&_count="
	    FHIR_NUM(VISITS_MAX_UPCOMING), "patient", app_patient_ref(app),
	    "date", ge, NULL);
	urls[1] = fhir_query("Appointment?_sort=-date&_count="
	    FHIR_NUM(VISITS_MAX_PAST), "patient", app_patient_ref(app), "date",
	    lt, NULL);
	urls[2] = fhir_query("Appointment?status=waitlist", "patient",
	    app_patient_ref(app), NULL);
	free(ge);
	free(lt);
	if (fhir_batch_take(portal_fhir(app->portal), urls, 3, &res, cause) != 0)
		return -1;
	visits_clear(s);
	s->a = arena_create();
	for (k = 0; k < 3; k++) {
		why = NULL;
		b = fhir_batch_entry(res.body, k, &status, &why);
		if (b == NULL && s->withheld == NULL)
			s->withheld = why;
		else
			free(why);
		n = fhir_bundle_count(b);
		s->list[k] = arena_alloc(s->a, (n + 1) * sizeof *s->list[k]);
		for (i = 0; i < n && i < VISITS_MAX_UPCOMING; i++) {
			if (visit_parse(s->a, fhir_bundle_resource(b, i),
			    &s->list[k][s->n[k]]) == 0)
				s->n[k]++;
		}
		if (k == 1)
			s->past_total = fhir_bundle_total(b);
	}
	fhir_result_free(&res);
	return 0;
}

static int
visits_open(struct app *app, void *arg, void **state, char **cause)
{
	struct visits	*s = xcalloc(1, sizeof *s);

	if (visits_fetch(app, s, cause) != 0) {
		visits_clear(s);
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
visits_list(struct view *v, const struct visits *s, int kind)
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
	struct visits		*s = state;
	const struct visit	*x;
	size_t			 i;

	v->title = view_str(v, "Appointments");
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
	view_heading(v, "What you can do");
	view_item(v, VISITS_BOOK, "Action", "Schedule a visit",
	    "with someone on your care team", 0);
	view_item(v, VISITS_ONMYWAY, "Action", "On My Way",
	    "urgent care wait times; hold your place in line", 0);
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
	struct visits	*s = state;
	int		 kind = r->id / 10000 - 1, i = r->id % 10000;

	switch (r->id) {
	case VISITS_BOOK:
		return app_push(app, &screen_book, NULL);
	case VISITS_ONMYWAY:
		return app_push(app, &screen_onmyway, NULL);
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
	visits_clear(state);
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
