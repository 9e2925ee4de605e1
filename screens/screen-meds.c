/*
 * Medications: the active ones with how to take them, who prescribed
 * them, refills left and whether a refill can be requested (the server
 * decides); the refill requests and their status; and the readings the
 * patient enters (blood glucose, weight, blood pressure) with their
 * trends. One batch request.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fhir.h"
#include "screens.h"
#include "serves.h"
#include "format.h"
#include "linked.h"
#include "model.h"
#include "portal.h"
#include "refill.h"
#include "util.h"
#include "view.h"

enum { MEDS_MED, MEDS_TASK, MEDS_ADD, MEDS_TREND };

#define MEDS_ID(kind, i)	((kind) * 10000 + (int)(i))

/* The readings a patient enters: what reading.c asks, what trend shows. */
static const struct {
	const char	*kind;		/* the reading screen's argument */
	const char	*add;
	const char	*trend;
	const char	*code;
} meds_readings[] = {
	{ "glucose", "Add a blood glucose reading", "Blood glucose over time",
	    "http://loinc.org|2339-0|Blood glucose" },
	{ "weight", "Add your weight", "Weight over time",
	    "http://loinc.org|29463-7|Weight" },
	{ "bp", "Add a blood pressure reading", "Blood pressure over time",
	    "http://loinc.org|85354-9|Blood pressure" },
};
#define MEDS_NREADINGS	(sizeof meds_readings / sizeof meds_readings[0])



/* One's own medications here and at the linked organizations, each
 * joining as its answer arrives. */
struct meds_state {
	struct refill_meds	m;
	struct linked		l;
};

/* The first organization's medications, or another's added to them. */
static void
meds_take(void *state, size_t i, const struct fhir_batch_job *job)
{
	struct meds_state	*st = state;
	struct refill_meds	 o;

	if (i == 0) {
		refill_meds_take(&st->m, job->res.body);
		return;
	}
	if (job->rc != 0) {
		refill_meds_missing(&st->m, linked_name(&st->l, i),
		    job->cause);
		return;
	}
	memset(&o, 0, sizeof o);
	refill_meds_take(&o, job->res.body);
	refill_meds_merge(&st->m, &o, linked_name(&st->l, 0),
	    linked_name(&st->l, i), (int)i);
	refill_meds_clear(&o);
}

static const struct linked_ask meds_ask = {
	.urls = refill_meds_urls,
	.max = REFILL_URLS,
	.take = meds_take,
};

static int
meds_fetch(struct app *app, void *state, char **cause)
{
	struct meds_state	*st = state;

	return linked_load(&st->l, app, st, &meds_ask, cause);
}

static int
meds_open(struct app *app, void *arg, void **state, char **cause)
{
	struct meds_state	*st = xcalloc(1, sizeof *st);

	(void)arg;
	if (meds_fetch(app, st, cause) != 0) {
		refill_meds_clear(&st->m);
		free(st);
		return -1;
	}
	*state = st;
	return 0;
}

static int
meds_ready(struct app *app, void *state)
{
	struct meds_state	*st = state;

	(void)app;
	linked_take(&st->l);
	return APP_REDRAW;
}

/* Is the task still waiting on the care team? */
static int
meds_task_open(const struct task *t)
{
	static const char *const open[] = {
		"draft", "requested", "received", "accepted", "in-progress",
		"on-hold", "ready"
	};
	size_t	i;

	for (i = 0; t->status != NULL && i < sizeof open / sizeof open[0];
	    i++) {
		if (strcmp(t->status, open[i]) == 0)
			return 1;
	}
	return 0;
}

/* The organization (an index) of medication m, of task t. */
static int
meds_org(const struct refill_meds *s, const struct medication *m)
{
	return s->org != NULL ? s->org[m - s->meds] : 0;
}

static int
meds_task_org(const struct refill_meds *s, const struct task *t)
{
	return s->task_org != NULL ? s->task_org[t - s->tasks] : 0;
}

/* The newest refill request for medication m (of its organization), or
 * NULL. */
static const struct task *
meds_task_for(const struct refill_meds *s, const struct medication *m)
{
	size_t	i;

	for (i = 0; m->id != NULL && i < s->ntasks; i++) {
		const char *f = s->tasks[i].focus;

		if (f != NULL && strncmp(f, "MedicationRequest/", 18) == 0 &&
		    strcmp(f + 18, m->id) == 0 &&
		    meds_task_org(s, &s->tasks[i]) == meds_org(s, m))
			return &s->tasks[i];
	}
	return NULL;
}

static const char *
meds_date(struct arena *a, const struct fhir_time *t)
{
	char	out[64];

	fhir_date_format(t, out, sizeof out);
	return arena_strdup(a, out[0] ? out : "a date not given");
}

/* What can be done about a refill of m, in words. */
static const char *
meds_refill_words(struct refill_meds *s, const struct medication *m)
{
	const struct task	*t = meds_task_for(s, m);

	if (t != NULL && meds_task_open(t))
		return arena_own(s->a, xasprintf("Refill requested %s: %s",
		    meds_date(s->a, &t->authored),
		    format_task_words(t->status)));
	if (m->refill_eligible == 1)
		return "You can request a refill here";
	if (m->refill_eligible == 0)
		return "No online refill: call your pharmacy or care team";
	return NULL;
}

/* The refill requests, where the server takes them. */
static void
meds_tasks_view(struct meds_state *st, struct view *v)
{
	struct refill_meds	*s = &st->m;
	const struct task	*t;
	size_t			 i;

	view_heading(v, "Refill requests");
	if (s->tasks_withheld != NULL)
		view_text(v, view_printf(v, "Not shown: %s",
		    s->tasks_withheld));
	else if (s->ntasks == 0)
		view_text(v, "No refill requests yet.");
	for (i = 0; i < s->ntasks; i++) {
		t = &s->tasks[i];
		view_item(v, MEDS_ID(MEDS_TASK, i), "Request", t->focus_name ?
		    t->focus_name : "Refill request", view_printf(v, "%s, "
		    "requested %s%s%s%s%s", format_task_words(t->status),
		    meds_date(s->a, &t->authored), t->reason ? ": " : "",
		    t->reason ? t->reason : "", s->task_org ? ", at " : "",
		    s->task_org ? linked_name(&st->l, (size_t)
		    meds_task_org(s, t)) : ""), 0);
	}
}

static void
meds_view(struct app *app, void *state, struct view *v)
{
	struct meds_state		*st = state;
	struct refill_meds		*s = &st->m;
	const struct medication	*m;
	struct buf		 b;
	size_t			 i;
	const char		*words;

	view_heading(v, "Active medications");
	linked_view(&st->l, v);
	if (s->missing != NULL)
		view_text(v, view_printf(v, "Not included: %s", s->missing));
	if (s->withheld != NULL)
		view_text(v, view_printf(v, "Not shown: %s", s->withheld));
	else if (s->nmeds == 0)
		view_text(v, "No active medications on file.");
	for (i = 0; i < s->nmeds; i++) {
		m = &s->meds[i];
		buf_init(&b, 64 * 1024);
		if (m->dosage != NULL)
			buf_printf(&b, "%s ", m->dosage);
		if (m->requester != NULL)
			buf_printf(&b, "Prescribed by %s. ", m->requester);
		if (m->refills >= 0)
			buf_printf(&b, "%d refill%s left. ", m->refills,
			    m->refills == 1 ? "" : "s");
		if ((words = meds_refill_words(s, m)) != NULL)
			buf_printf(&b, "%s.", words);
		if (s->from != NULL)	/* linked organizations */
			buf_printf(&b, "%sFrom %s.", b.len ? " " : "",
			    s->from[i]);
		view_item(v, MEDS_ID(MEDS_MED, i), "Medication", m->name ?
		    m->name : "Unnamed medication", b.data, 0);
		buf_free(&b, 0);
	}

	if (serves(portal_fhir(app->portal), SERVE_REFILL))
		meds_tasks_view(st, v);

	view_heading(v, serves(portal_fhir(app->portal), SERVE_READING) ?
	    "Readings you enter" : "Readings over time");
	for (i = 0; i < MEDS_NREADINGS && serves(portal_fhir(app->portal),
	    SERVE_READING); i++)
		view_item(v, MEDS_ID(MEDS_ADD, i), "Reading",
		    meds_readings[i].add, NULL, 0);
	for (i = 0; i < MEDS_NREADINGS; i++)
		view_item(v, MEDS_ID(MEDS_TREND, i), "Trend",
		    meds_readings[i].trend, NULL, 0);
}

static struct detail *
meds_task_detail(struct refill_meds *s, const struct task *t)
{
	struct detail	*d = detail_create("Refill request");
	char		 when[64];

	detail_add(d, "Medication", t->focus_name);
	detail_add(d, "Status", format_task_words(t->status));
	detail_add(d, "Reason", t->reason);
	fhir_time_format(&t->authored, when, sizeof when);
	detail_add(d, "Requested", when);
	fhir_time_format(&t->modified, when, sizeof when);
	detail_add(d, "Last change", when);
	detail_add(d, "Note", t->note);
	return d;
}

static struct detail *
meds_detail(struct refill_meds *s, const struct medication *m)
{
	struct detail	*d = detail_create("Medication");
	char		 when[64], refills[32];

	detail_add(d, "Medication", m->name);
	detail_add(d, "Instructions", m->dosage);
	detail_add(d, "Prescribed by", m->requester);
	fhir_date_format(&m->authored, when, sizeof when);
	detail_add(d, "Prescribed", when);
	if (m->refills >= 0) {
		snprintf(refills, sizeof refills, "%d", m->refills);
		detail_add(d, "Refills left", refills);
	}
	detail_add(d, "Refill", meds_refill_words(s, m));
	return d;
}

static int
meds_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct meds_state		*st = state;
	struct refill_meds		*s = &st->m;
	int			 kind = r->id / 10000;
	size_t			 i = (size_t)(r->id % 10000);
	const struct medication	*m;
	const struct task	*t;

	switch (kind) {
	case MEDS_MED:
		if (i >= s->nmeds)
			return 0;
		m = &s->meds[i];
		t = meds_task_for(s, m);
		/* A refill is asked at the medication's organization. */
		if (m->refill_eligible == 1 && m->id != NULL &&
		    (t == NULL || !meds_task_open(t)) &&
		    (size_t)meds_org(s, m) < st->l.n &&
		    linked_portal(&st->l, (size_t)meds_org(s, m)) != NULL)
			return app_push_at(app, &screen_refill, xstrdup(m->id),
			    linked_portal(&st->l, (size_t)meds_org(s, m)));
		return app_push(app, &screen_detail, meds_detail(s, m));
	case MEDS_TASK:
		if (i >= s->ntasks)
			return 0;
		return app_push(app, &screen_detail,
		    meds_task_detail(s, &s->tasks[i]));
	case MEDS_ADD:
		if (i >= MEDS_NREADINGS)
			return 0;
		return app_push(app, &screen_reading,
		    xstrdup(meds_readings[i].kind));
	case MEDS_TREND:
		if (i >= MEDS_NREADINGS)
			return 0;
		return app_push(app, &screen_trend,
		    xstrdup(meds_readings[i].code));
	}
	return 0;
}

static void
meds_close(void *state)
{
	struct meds_state	*st = state;

	linked_free(&st->l);
	refill_meds_clear(&st->m);
	free(st);
}

const struct screen screen_meds = {
	.title = "Medications",
	.loading = "Loading medications...",
	.open = meds_open,
	.fetch = meds_fetch,
	.view = meds_view,
	.action = meds_action,
	.ready = meds_ready,
	.close = meds_close,
};
