/*
 * A trend: every result of one test over time, as a sentence a screen
 * reader can use, a chart with the normal range (drawn by the UI, left
 * out in plain mode), and the values newest first, 100 at a time.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "fhir.h"
#include "format.h"
#include "model.h"
#include "portal.h"
#include "results.h"
#include "trend.h"
#include "util.h"
#include "view.h"


struct trend_screen {
	char			*code;		/* "system|code" */
	const char		*name;		/* for no results, or NULL */
	struct arena		*a;
	struct fhir_pages	 pages;
	struct observation	*obs;		/* newest first */
	size_t			 nobs;
	long			 total;
	size_t			 skipped;	/* results in other units */
	struct trend		 t;
	char			*sentence;
	int			 refocus;
};

/* A component's name: "Systolic blood pressure" becomes "systolic". */
static const char *
trend_series_name(struct arena *a, const char *name)
{
	char	*s, *end;

	if (name == NULL)
		return NULL;
	s = arena_strdup(a, name);
	if ((end = strstr(s, " blood pressure")) != NULL)
		*end = '\0';
	s[0] = (char)tolower((unsigned char)s[0]);
	return s;
}

/* Is unit one of the names of pounds? */
static int
trend_pounds(const char *unit)
{
	return unit != NULL && (strcmp(unit, "lb") == 0 ||
	    strcmp(unit, "lbs") == 0 || strcmp(unit, "[lb_av]") == 0);
}

/*
 * v in unit from as a value in unit to: the same unit, or kilograms and
 * pounds either way. -1 when they cannot be compared.
 */
static int
trend_convert(double *v, const char *from, const char *to)
{
	const double	lb_per_kg = 2.20462262;

	if (from == NULL || to == NULL)
		return from == to ? 0 : -1;
	if (strcmp(from, to) == 0)
		return 0;
	if (strcmp(from, "kg") == 0 && trend_pounds(to)) {
		*v *= lb_per_kg;
		return 0;
	}
	if (trend_pounds(from) && strcmp(to, "kg") == 0) {
		*v /= lb_per_kg;
		return 0;
	}
	if (trend_pounds(from) && trend_pounds(to))
		return 0;
	return -1;
}

/*
 * The quantity of o for series k: its value, or the component named as
 * the newest result's component k (a server may list them in any order).
 */
static const struct quantity *
trend_quantity(const struct observation *o, const struct observation *newest,
    size_t k)
{
	const char	*name;
	size_t		 j;

	if (k == 0 && o->value.q.present && (o->value.kind == VALUE_QUANTITY ||
	    o->value.kind == VALUE_INTEGER))
		return &o->value.q;
	if (o->value.kind != VALUE_NONE || k >= newest->ncomponents)
		return NULL;
	name = newest->components[k].name;
	for (j = 0; name != NULL && j < o->ncomponents; j++) {
		if (o->components[j].name != NULL &&
		    strcmp(o->components[j].name, name) == 0)
			return o->components[j].value.q.present ?
			    &o->components[j].value.q : NULL;
	}
	if (k < o->ncomponents && o->components[k].value.q.present)
		return &o->components[k].value.q;
	return NULL;
}

/* Turn the page of observations into the trend and its sentence. */
static void
trend_build(struct trend_screen *s)
{
	struct trend		*t = &s->t;
	const struct observation *o, *newest = s->nobs ? &s->obs[0] : NULL;
	const struct quantity	*q;
	const struct ref_range	*r;
	size_t			 i, k;
	double			 v;

	memset(t, 0, sizeof *t);
	s->skipped = 0;
	t->name = newest && newest->name ? newest->name : s->name ?
	    s->name : "This test";
	t->nseries = newest && newest->value.kind == VALUE_NONE &&
	    newest->ncomponents >= 2 ? 2 : 1;
	if (newest != NULL && (q = trend_quantity(newest, newest, 0)) != NULL)
		t->unit = q->unit;
	for (k = 0; newest != NULL && k < t->nseries; k++) {
		t->s[k].p = arena_alloc(s->a, (s->nobs + 1) *
		    sizeof *t->s[k].p);
		if (t->nseries > 1)
			t->s[k].name = trend_series_name(s->a,
			    newest->components[k].name);
		/* Oldest first, in the newest result's unit. */
		for (i = s->nobs; i-- > 0;) {
			o = &s->obs[i];
			if ((q = trend_quantity(o, newest, k)) == NULL ||
			    o->effective.precision == FHIR_TIME_NONE)
				continue;
			v = q->value;
			if (trend_convert(&v, q->unit, t->unit) != 0) {
				s->skipped += k == 0;
				continue;
			}
			t->s[k].p[t->s[k].n].t = o->effective.t;
			t->s[k].p[t->s[k].n++].v = v;
		}
	}
	/* The normal band: one series only, else it would mislead. */
	if (newest != NULL && t->nseries == 1) {
		r = &newest->range;
		t->have_low = r->low.present;
		t->low = r->low.value;
		t->have_high = r->high.present;
		t->high = r->high.value;
	}
	if (newest != NULL && format_obs_abnormal(newest))
		t->latest_flag = newest->flag ? newest->flag : "Out of range";
	free(s->sentence);
	s->sentence = trend_sentence(t);
}

static int
trend_load(struct app *app, struct trend_screen *s, int dir, char **cause)
{
	struct arena	*a;

	if (results_trend_page(portal_fhir(app_here(app)), &s->pages, dir, &a,
	    &s->obs, &s->nobs, &s->total, cause) != 0)
		return -1;
	arena_free(s->a);
	s->a = a;
	trend_build(s);
	s->refocus = dir != 0;
	return 0;
}

static int
trend_fetch(struct app *app, void *state, char **cause)
{
	return trend_load(app, state, 0, cause);
}

static void
trend_free(struct trend_screen *s)
{
	arena_free(s->a);
	fhir_pages_free(&s->pages);
	free(s->sentence);
	free(s->code);
	free(s);
}

static int
trend_open(struct app *app, void *arg, void **state, char **cause)
{
	struct trend_screen	*s = xcalloc(1, sizeof *s);
	char			*name;

	/* arg: "system|code", then optionally "|name" for an empty trend. */
	s->code = arg;
	if ((name = strchr(s->code, '|')) != NULL &&
	    (name = strchr(name + 1, '|')) != NULL) {
		*name++ = '\0';
		s->name = name;
	}
	results_trend_start(&s->pages, app_here_patient_ref(app), s->code);
	if (trend_load(app, s, 0, cause) != 0) {
		trend_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
trend_view(struct app *app, void *state, struct view *v)
{
	struct trend_screen	*s = state;
	const struct observation *o;
	size_t			 i, first;
	char			 when[64];
	int			 row;

	view_heading(v, s->t.name);
	view_text(v, s->sentence);
	first = (fhir_pages_number(&s->pages) - 1) * RESULTS_TREND_PAGE + 1;
	if (s->total > (long)s->nobs && s->nobs > 0)
		view_text(v, view_printf(v, "Showing results %zu to %zu of "
		    "%ld, newest first.", first, first + s->nobs - 1,
		    s->total));
	if (s->skipped > 0)
		view_text(v, view_printf(v, "%zu result%s in other units %s "
		    "left out of the sentence and the chart.", s->skipped,
		    s->skipped == 1 ? "" : "s", s->skipped == 1 ? "is" :
		    "are"));
	if (s->t.s[0].n >= 2)
		view_chart(v, &s->t);
	view_heading(v, "Results, newest first");
	for (i = 0; i < s->nobs; i++) {
		o = &s->obs[i];
		fhir_time_format(&o->effective, when, sizeof when);
		row = view_item(v, (int)i, "Result", when[0] ? when :
		    "Date not given", format_obs_value(s->a, o, 1),
		    ROW_INFO | (format_obs_abnormal(o) ? ROW_ALERT : 0));
		if (i == 0 && s->refocus)
			v->focus = row;
	}
	s->refocus = 0;
	view_pages(v, fhir_pages_number(&s->pages), fhir_pages_more(&s->pages),
	    "results");
}

static int
trend_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct trend_screen	*s = state;
	char			*cause = NULL;

	if (view_page_dir(r->id) == 0)
		return 0;
	app_loading(app, "Loading more results...");
	if (trend_load(app, s, view_page_dir(r->id), &cause) != 0) {
		app_say(app, cause);
		free(cause);
	}
	return APP_REDRAW;
}

static void
trend_close(void *state)
{
	trend_free(state);
}

const struct screen screen_trend = {
	.title = "Trend",
	.loading = "Loading the trend...",
	.open = trend_open,
	.fetch = trend_fetch,
	.view = trend_view,
	.action = trend_action,
	.close = trend_close,
};
