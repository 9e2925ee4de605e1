/*
 * A trend: every result of one test over time, as a sentence a screen
 * reader can use, a chart with the normal range (drawn by the UI, left
 * out in plain mode), and the values newest first, 100 at a time.
 */
#include "config.h"

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

/* Turn the page of observations into the trend and its sentence. */
static void
trend_build(struct trend_screen *s)
{
	trend_from_results(&s->t, s->a, s->obs, s->nobs, s->name, &s->skipped);
	free(s->sentence);
	s->sentence = trend_sentence(&s->t);
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
