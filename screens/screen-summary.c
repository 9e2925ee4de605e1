/*
 * The health summary: allergies, active problems, medications,
 * immunizations and the latest vital signs, from one batch request.
 * Every row opens a detail; the same data prints as a wallet card.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "format.h"
#include "linked.h"
#include "model.h"
#include "portal.h"
#include "summary.h"
#include "util.h"
#include "view.h"

#define SUM_ID(section, i)	((section) * 10000 + (int)(i))

/* The summary of one's own record here and at the linked organizations,
 * each joining as its answer arrives. */
struct sum_state {
	struct summary	s;
	struct linked	l;
};

/* The first organization's summary, or another's added to it. */
static void
sum_take(void *state, size_t i, const struct fhir_batch_job *job)
{
	struct sum_state	*st = state;
	struct summary		 o;

	if (i == 0) {
		summary_take(&st->s, job->res.body);
		return;
	}
	if (job->rc != 0) {
		summary_missing(&st->s, linked_name(&st->l, i), job->cause);
		return;
	}
	memset(&o, 0, sizeof o);
	summary_take(&o, job->res.body);
	summary_merge(&st->s, &o, linked_name(&st->l, 0),
	    linked_name(&st->l, i));
	summary_clear(&o);
}

static const struct linked_ask sum_ask = {
	.urls = summary_urls,
	.max = SUMMARY_URLS,
	.take = sum_take,
};

static int
sum_fetch(struct app *app, void *state, char **cause)
{
	struct sum_state	*st = state;

	return linked_load(&st->l, app, st, &sum_ask, cause);
}

static int
sum_open(struct app *app, void *arg, void **state, char **cause)
{
	struct sum_state	*st = xcalloc(1, sizeof *st);

	(void)arg;
	if (sum_fetch(app, st, cause) != 0) {
		summary_clear(&st->s);
		free(st);
		return -1;
	}
	*state = st;
	return 0;
}

static int
sum_ready(struct app *app, void *state)
{
	struct sum_state	*st = state;

	(void)app;
	linked_take(&st->l);
	return APP_REDRAW;
}

static void
sum_view(struct app *app, void *state, struct view *v)
{
	struct sum_state	*st = state;
	struct summary		*s = &st->s;
	const char		*label, *value;
	size_t			 i;
	int			 section, alert;

	linked_view(&st->l, v);
	if (s->missing != NULL)
		view_text(v, view_printf(v, "Not included: %s", s->missing));
	for (section = 0; section < SUMMARY_N; section++) {
		view_heading(v, summary_headings[section]);
		if (s->withheld[section] != NULL) {
			view_text(v, view_printf(v, "Not shown: %s",
			    s->withheld[section]));
			continue;
		}
		if (s->n[section] == 0)
			view_text(v, summary_empty[section]);
		for (i = 0; i < s->n[section]; i++) {
			summary_row(s, section, i, &label, &value, &alert);
			view_item(v, SUM_ID(section, i), summary_nouns[section],
			    label, value, alert ? ROW_ALERT : 0);
		}
	}
}

static struct detail *
sum_detail(struct summary *s, int section, size_t i)
{
	struct arena	*a = s->a;
	struct detail	*d;
	char		 refills[32];

	switch (section) {
	case SUMMARY_ALLERGY: {
		const struct allergy *al = &s->allergies[i];

		d = detail_create("Allergy");
		detail_add(d, "Allergy to", al->substance);
		detail_add(d, "Reactions", al->reactions);
		detail_add(d, "Severity", al->severity);
		detail_add(d, "Risk", al->criticality);
		detail_add(d, "Status", al->clinical_status);
		detail_add(d, "Confirmed", al->verification);
		detail_add(d, "Kind", al->category);
		detail_add(d, "Since", summary_date(a, &al->onset));
		detail_add(d, "Recorded", summary_date(a, &al->recorded));
		detail_add(d, "Note", al->note);
		return d;
	}
	case SUMMARY_PROBLEM: {
		const struct condition *c = &s->problems[i];

		d = detail_create("Problem");
		detail_add(d, "Problem", c->name);
		detail_add(d, "Status", c->clinical_status);
		detail_add(d, "Since", summary_date(a, &c->onset));
		detail_add(d, "Recorded", summary_date(a, &c->recorded));
		detail_add(d, "Kind", c->category);
		detail_add(d, "Note", c->note);
		return d;
	}
	case SUMMARY_MED: {
		const struct medication *m = &s->meds[i];

		d = detail_create("Medication");
		detail_add(d, "Medication", m->name);
		detail_add(d, "Instructions", m->dosage);
		detail_add(d, "Prescribed by", m->requester);
		detail_add(d, "Prescribed", summary_date(a, &m->authored));
		detail_add(d, "Status", m->status);
		if (m->refills >= 0) {
			snprintf(refills, sizeof refills, "%d", m->refills);
			detail_add(d, "Refills left", refills);
		}
		if (m->refill_eligible >= 0)
			detail_add(d, "Refill request", m->refill_eligible ?
			    "Can be requested" : "Not available now; ask your "
			    "care team");
		return d;
	}
	case SUMMARY_IMM: {
		const struct immunization *im = &s->imms[i];

		d = detail_create("Immunization");
		detail_add(d, "Vaccine", im->vaccine);
		detail_add(d, "Given", summary_date(a, &im->date));
		detail_add(d, "Status", im->status);
		detail_add(d, "Site", im->site);
		detail_add(d, "Lot", im->lot);
		return d;
	}
	default: {
		const struct observation *o = &s->vitals[i];

		d = detail_create("Vital sign");
		detail_add(d, "Measurement", o->name);
		detail_add(d, "Value", format_obs_value(a, o, 1));
		detail_add(d, "Normal range", format_range(a, &o->range));
		detail_add(d, "Measured", summary_time(a, &o->effective));
		detail_add(d, "Status", o->status);
		detail_add(d, "Comment", o->note);
		return d;
	}
	}
}

static int
sum_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct summary	*s = &((struct sum_state *)state)->s;
	int		 section = r->id / 10000;
	size_t		 i = (size_t)(r->id % 10000);

	if (r->kind != ROW_ITEM || section < 0 || section >= SUMMARY_N ||
	    i >= s->n[section])
		return 0;
	return app_push(app, &screen_detail, sum_detail(s, section, i));
}

static void
sum_close(void *state)
{
	struct sum_state	*st = state;

	linked_free(&st->l);
	summary_clear(&st->s);
	free(st);
}

const struct screen screen_summary = {
	.title = "Health summary",
	.loading = "Loading health summary...",
	.open = sum_open,
	.fetch = sum_fetch,
	.view = sum_view,
	.action = sum_action,
	.ready = sum_ready,
	.close = sum_close,
};
