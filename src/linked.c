/*
 * One's own organizations' records together: a batch to each at once,
 * the first one's answer waited for, the others taken as they arrive.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fhir.h"
#include "linked.h"
#include "portal.h"
#include "ui.h"
#include "util.h"
#include "view.h"

static void
linked_arrived(void *arg)
{
	struct linked	*l = arg;

	app_ready(l->app, l->screen);
}

/* Free a finished job's answer and cause. */
static void
linked_done(struct fhir_batch_job *job)
{
	fhir_result_free(&job->res);
	free(job->cause);
	job->cause = NULL;
}

/* The names of the organizations awaited now ("A, B"), or NULL. */
static char *
linked_awaited(const struct linked *l)
{
	char	*out = NULL, *was;
	size_t	 i;

	for (i = 1; i < l->n; i++) {
		if (!l->waiting[i])
			continue;
		was = out;
		out = xasprintf("%s%s%s", was ? was : "", was ? ", " : "",
		    linked_name(l, i));
		free(was);
	}
	return out;
}

int
linked_load(struct linked *l, struct app *app, void *state,
    const struct linked_ask *ask, char **cause)
{
	struct fhir_batch_job	*job;
	struct portal		*was_p[LINKED_MAX];
	const char		*patient;
	char			*awaited;
	size_t			 i, was_n;
	int			 whole;

	/* What was awaited goes; said if this load fails. */
	awaited = l->app != NULL ? linked_awaited(l) : NULL;
	linked_drop(l);
	was_n = l->n;
	memcpy(was_p, l->p, sizeof was_p);
	memset(l->job, 0, sizeof l->job);
	l->app = app;
	l->screen = state;
	l->ask = ask;
	l->n = app_portals(app, l->p);
	for (i = 0; i < l->n; i++) {
		job = &l->job[i];
		patient = i == 0 ? app_patient(app) :
		    portal_session(l->p[i])->patient;
		job->f = portal_fhir(l->p[i]);
		job->get = ask->get;
		job->urls = xcalloc(ask->max + 1, sizeof *job->urls);
		job->n = ask->urls != NULL ? ask->urls(job->f, patient,
		    job->urls) :
		    ask->urls_at(state, i, patient, job->urls);
		if (job->n == 0) {	/* nothing asked there */
			free(job->urls);
			job->urls = NULL;
			continue;
		}
		fhir_batch_start(job, i == 0 ? NULL : linked_arrived, l);
		l->waiting[i] = i > 0;
	}
	/* Esc while the first is awaited stops them all. A line reader,
	 * or no screen at all, gets everything at once. */
	whole = app->ui == NULL || app->ui->plain;
	if (fhir_batch_wait(l->job, whole ? l->n : 1) != 0)
		linked_drop(l);
	job = &l->job[0];
	fhir_batch_finish(job);
	free(job->urls);
	job->urls = NULL;
	if (job->rc != 0) {
		/* What is on screen stays, and so do its organizations. */
		*cause = job->cause;
		job->cause = NULL;
		linked_done(job);
		linked_drop(l);
		l->n = was_n;
		memcpy(l->p, was_p, sizeof l->p);
		if (awaited != NULL) {
			free(l->dropped);
			l->dropped = awaited;
		}
		return -1;
	}
	free(awaited);
	free(l->dropped);
	l->dropped = NULL;
	ask->take(state, 0, job);
	linked_done(job);
	linked_take(l);
	return 0;
}

void
linked_take(struct linked *l)
{
	struct fhir_batch_job	*job;
	size_t			 i;

	for (i = 1; i < l->n; i++) {
		job = &l->job[i];
		if (!l->waiting[i] || !fhir_batch_arrived(job))
			continue;
		l->waiting[i] = 0;
		/* An expired sign-in there is renewed: a request of its own. */
		app_loading(l->app, "Loading from your other organizations...");
		fhir_batch_finish(job);
		free(job->urls);
		job->urls = NULL;
		l->ask->take(l->screen, i, job);
		linked_done(job);
	}
}

void
linked_view(const struct linked *l, struct view *v)
{
	size_t	i;

	for (i = 1; i < l->n; i++) {
		if (l->waiting[i])
			view_text(v, view_printf(v, "Still loading: %s...",
			    linked_name(l, i)));
	}
	if (l->dropped != NULL)
		view_text(v, view_printf(v, "Not loaded: %s. Press r to load "
		    "again.", l->dropped));
}

struct portal *
linked_portal(const struct linked *l, size_t i)
{
	size_t	k;

	if (i == 0)
		return l->app->portal;
	/* Still one of the organizations shown together? */
	for (k = 0; i < l->n && k < l->app->nlinks; k++) {
		if (l->app->links[k].portal == l->p[i] &&
		    l->app->links[k].signed_in)
			return l->p[i];
	}
	return NULL;
}

const char *
linked_name(const struct linked *l, size_t i)
{
	struct portal	*p = linked_portal(l, i);

	return p != NULL ? app_org_name(l->app, p) : "another organization";
}

void
linked_drop(struct linked *l)
{
	size_t	i;

	for (i = 1; i < l->n; i++) {
		if (!l->waiting[i])
			continue;
		fhir_batch_drop(&l->job[i]);
		free(l->job[i].urls);
		l->job[i].urls = NULL;
		l->waiting[i] = 0;
	}
}

void
linked_free(struct linked *l)
{
	linked_drop(l);
	free(l->dropped);
	l->dropped = NULL;
}

/* ---- Lists paged at each organization ---- */

int
linked_pages_load(struct linked_pages *lp, struct app *app, void *state,
    const struct linked_ask *ask, size_t page, char **cause)
{
	lp->asked = page;
	return linked_load(&lp->l, app, state, ask, cause);
}

static void
linked_pages_org_free(struct linked_pages_org *op)
{
	size_t	i;

	for (i = 0; i < op->n; i++)
		free(op->urls[i]);
	free(op->urls);
	free(op->next);
	free(op->shown);
	memset(op, 0, sizeof *op);
	op->total = -1;
}

/* The last page of its own an organization showed, or 0. */
static size_t
linked_pages_last(const struct linked_pages_org *op)
{
	size_t	i, last = 0;

	for (i = 0; i < op->nshown; i++) {
		if (op->shown[i] > last)
			last = op->shown[i];
	}
	return last;
}

size_t
linked_pages_url(void *state, size_t org, const char *patient, char **urls)
{
	struct linked_pages	*lp = state;	/* its first member */
	struct linked_pages_org	*op = &lp->at[org];
	struct fhir_pages	 first;
	struct portal		*who = lp->l.p[org];
	size_t			 k = lp->asked, want;
	char			*ref;

	if (op->who != who) {	/* another organization now: anew */
		linked_pages_org_free(op);
		op->who = who;
	}
	if (op->n == 0) {
		memset(&first, 0, sizeof first);
		ref = fhir_ref("Patient", patient);
		lp->start(&first, ref);
		free(ref);
		op->urls = xcalloc(1, sizeof *op->urls);
		op->urls[op->n++] = xstrdup(first.urls[0]);
		fhir_pages_free(&first);
	}
	/* The page it showed here before, else the next it has not. */
	want = k >= 1 && k <= op->nshown ? op->shown[k - 1] : 0;
	if (want == 0)
		want = linked_pages_last(op) + 1;
	op->asked = 0;
	if (want <= op->n)
		urls[0] = xstrdup(op->urls[want - 1]);
	else if (want == op->n + 1 && op->next != NULL)
		urls[0] = xstrdup(op->next);
	else
		return 0;
	op->asked = want;
	return 1;
}

int
linked_pages_take(struct linked_pages *lp, size_t org,
    const struct fhir_batch_job *job)
{
	struct linked_pages_org	*op = &lp->at[org];
	size_t			 k;
	long			 total;
	char			*was;

	if (org == 0) {
		/* The first organization's answer: a new page, the others'
		 * parts joining as they come. */
		free(lp->missing);
		lp->missing = NULL;
		lp->refocus |= lp->asked != lp->number;
		lp->number = lp->asked;
	}
	if (job->rc != 0) {
		was = lp->missing;
		lp->missing = xasprintf("%s%s%s: %s", was ? was : "",
		    was ? " " : "", linked_name(&lp->l, org), job->cause);
		free(was);
		return -1;
	}
	if (job->res.body == NULL || op->asked == 0)
		return -1;	/* nothing asked of it */
	if (op->asked == op->n + 1) {	/* a page new to it */
		op->urls = xrealloc(op->urls, (op->n + 1) * sizeof *op->urls);
		op->urls[op->n++] = op->next;
		op->next = NULL;
	}
	if (op->asked == op->n) {	/* its last: where it goes on */
		free(op->next);
		op->next = fhir_link(job->f, job->res.body, "next");
		op->elsewhere = fhir_link_elsewhere(job->f, job->res.body,
		    "next");
	}
	k = lp->number;
	if (k > op->nshown) {
		op->shown = xrealloc(op->shown, k * sizeof *op->shown);
		memset(op->shown + op->nshown, 0, (k - op->nshown) *
		    sizeof *op->shown);
		op->nshown = k;
	}
	op->shown[k - 1] = op->asked;
	if ((total = fhir_bundle_total(job->res.body)) >= 0)
		op->total = total;
	return 0;
}

int
linked_pages_more(const struct linked_pages *lp)
{
	const struct linked_pages_org	*op;
	size_t				 i;
	int				 more = 0;

	for (i = 0; i < lp->l.n; i++) {
		op = &lp->at[i];
		if ((lp->number < op->nshown && op->shown[lp->number] > 0) ||
		    linked_pages_last(op) < op->n || op->next != NULL)
			return 1;
		if (op->elsewhere)
			more = -1;	/* said, unless another has more */
	}
	return more;
}

long
linked_pages_total(const struct linked_pages *lp)
{
	long	total = 0;
	size_t	i;

	for (i = 0; i < lp->l.n; i++) {
		if (lp->at[i].who == NULL || lp->at[i].total < 0)
			return -1;
		total += lp->at[i].total;
	}
	return total;
}

void
linked_pages_view(const struct linked_pages *lp, struct view *v)
{
	linked_view(&lp->l, v);
	if (lp->missing != NULL)
		view_text(v, view_printf(v, "Not included: %s", lp->missing));
}

void
linked_pages_free(struct linked_pages *lp)
{
	size_t	i;

	linked_free(&lp->l);
	for (i = 0; i < LINKED_MAX; i++)
		linked_pages_org_free(&lp->at[i]);
	free(lp->missing);
	lp->missing = NULL;
}
