/*
 * One test report: its status, whether the care team has reviewed it,
 * each result with its range and flag in words, the clinician's
 * comments, and the written report of imaging and pathology.
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
#include "util.h"
#include "view.h"

#define REPORT_PARAGRAPH	(-2)	/* a row of text: nothing behind it */

struct report_screen {
	char			*id;
	struct arena		*a;
	struct results_page	 page;
	const struct report	*r;
	const struct observation **obs;	/* the report's results, in order */
	size_t			 nobs;
};

static int
report_fetch(struct app *app, void *state, char **cause)
{
	struct report_screen	*s = state;
	const struct observation *o;
	struct arena		*a = arena_create();
	size_t			 i;

	if (results_report_load(portal_fhir(app_here(app)), s->id,
	    app_here_patient_ref(app), a, &s->page, cause) != 0) {
		arena_free(a);
		return -1;
	}
	arena_free(s->a);
	s->a = a;
	s->r = NULL;
	s->nobs = 0;
	for (i = 0; i < s->page.nreports; i++) {
		if (s->page.reports[i].id != NULL &&
		    strcmp(s->page.reports[i].id, s->id) == 0)
			s->r = &s->page.reports[i];
	}
	if (s->r == NULL) {
		*cause = xstrdup("That report is no longer there.");
		return -1;
	}
	s->obs = arena_alloc(a, (s->r->nresults + 1) * sizeof *s->obs);
	for (i = 0; i < s->r->nresults; i++) {
		if ((o = results_find(&s->page, s->r->results[i])) != NULL)
			s->obs[s->nobs++] = o;
	}
	return 0;
}

static void
report_free(struct report_screen *s)
{
	arena_free(s->a);
	free(s->id);
	free(s);
}

static int
report_open(struct app *app, void *arg, void **state, char **cause)
{
	struct report_screen	*s = xcalloc(1, sizeof *s);

	s->id = arg;
	if (report_fetch(app, s, cause) != 0) {
		report_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

/*
 * Text with line breaks as one paragraph per line, each one a row the
 * focus can rest on, so a long report scrolls and is read in pieces.
 */
static void
report_paragraphs(struct view *v, const char *text, const char *noun)
{
	const char	*p = text, *nl;
	char		*line;

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		line = xstrndup(p, nl ? (size_t)(nl - p) : strlen(p));
		if (*line != '\0')
			view_item(v, REPORT_PARAGRAPH, noun, line, NULL,
			    ROW_INFO);
		free(line);
		p = nl ? nl + 1 : NULL;
	}
}

static void
report_view(struct app *app, void *state, struct view *v)
{
	struct report_screen	*s = state;
	const struct report	*r = s->r;
	const struct observation *o;
	struct buf		 b;
	char			 when[64];
	size_t			 i;

	if (r == NULL) {
		view_text(v, "That report is no longer there.");
		return;
	}
	view_heading(v, r->name ? r->name : "Unnamed report");
	buf_init(&b, 4096);
	buf_printf(&b, "%s.", results_status_words(r->status));
	fhir_time_format(&r->effective, when, sizeof when);
	if (when[0] != '\0')
		buf_printf(&b, " Collected %s.", when);
	fhir_time_format(&r->issued, when, sizeof when);
	if (when[0] != '\0')
		buf_printf(&b, " Reported %s.", when);
	if (r->category != NULL)
		buf_printf(&b, " %s.", r->category);
	view_text(v, b.data);
	buf_free(&b, 0);
	if (r->status != NULL && strcmp(r->status, "preliminary") == 0)
		view_text(v, "These results are preliminary: the final report "
		    "may differ.");
	if (r->status != NULL && (strcmp(r->status, "corrected") == 0 ||
	    strcmp(r->status, "amended") == 0))
		view_text(v, "This report was corrected after it was first "
		    "sent. The comments say what changed.");
	if (r->reviewed == 0)
		view_text(v, view_printf(v, "Not yet reviewed by your care "
		    "team. %s", RESULTS_UNREVIEWED_TEXT));

	if (s->nobs > 0)
		view_heading(v, "Results");
	for (i = 0; i < s->nobs; i++) {
		o = s->obs[i];
		view_item(v, (int)i, "Result", o->name ? o->name :
		    "Unnamed result", results_obs_line(s->a, o),
		    format_obs_abnormal(o) ? ROW_ALERT : 0);
	}
	if (r->conclusion != NULL) {
		view_heading(v, "Conclusion");
		report_paragraphs(v, r->conclusion, "Conclusion");
	}
	if (r->narrative != NULL) {
		view_heading(v, "Report");
		report_paragraphs(v, r->narrative, "Paragraph");
	}
	if (s->nobs == 0 && r->conclusion == NULL && r->narrative == NULL)
		view_text(v, "This report has no results to show yet.");
}

/* Non-zero when a trend can be drawn for o: a number, or numbers. */
static int
report_numeric(const struct observation *o)
{
	if (o->value.kind == VALUE_QUANTITY || o->value.kind == VALUE_INTEGER)
		return 1;
	return o->value.kind == VALUE_NONE && o->ncomponents > 0 &&
	    o->components[0].value.q.present;
}

static int
report_action(struct app *app, void *state,
    const struct view_row *row)
{
	struct report_screen	*s = state;
	const struct observation *o;
	struct detail		*d;
	char			 when[64], *arg;
	size_t			 i;

	if (row->id < 0 || (size_t)row->id >= s->nobs)
		return 0;
	o = s->obs[row->id];
	d = detail_create("Result");
	detail_add(d, "Test", o->name);
	detail_add(d, "Value", format_obs_value(s->a, o, 0));
	detail_add(d, "Flag", o->flag);
	for (i = 0; i < o->ncomponents; i++)
		detail_add(d, o->components[i].name ? o->components[i].name :
		    "Part", arena_own(s->a, xasprintf("%s%s%s%s",
		    format_value(s->a, &o->components[i].value),
		    o->components[i].flag ? " (" : "",
		    o->components[i].flag ? o->components[i].flag : "",
		    o->components[i].flag ? ")" : "")));
	detail_add(d, "Normal range", format_range(s->a, &o->range));
	detail_add(d, "Comment from your care team", o->note);
	detail_add(d, "Status", results_status_words(o->status));
	fhir_time_format(&o->effective, when, sizeof when);
	detail_add(d, "Collected", when);
	fhir_time_format(&o->issued, when, sizeof when);
	detail_add(d, "Reported", when);
	if (report_numeric(o) && o->code != NULL) {
		arg = xasprintf("%s|%s", o->code_system ? o->code_system : "",
		    o->code);
		detail_link(d, "Trend", "every result of this test over time",
		    &screen_trend, arg);
		free(arg);
	}
	return app_push(app, &screen_detail, d);
}

static void
report_close(void *state)
{
	report_free(state);
}

const struct screen screen_report = {
	.title = "Test report",
	.loading = "Loading the report...",
	.open = report_open,
	.fetch = report_fetch,
	.view = report_view,
	.action = report_action,
	.close = report_close,
};
