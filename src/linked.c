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

int
linked_load(struct linked *l, struct app *app, void *state,
    const struct linked_ask *ask, char **cause)
{
	struct fhir_batch_job	*job;
	const char		*patient;
	size_t			 i;
	int			 whole;

	linked_drop(l);
	memset(l, 0, sizeof *l);
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
		job->n = ask->urls != NULL ? ask->urls(patient, job->urls) :
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
		*cause = job->cause;
		job->cause = NULL;
		linked_done(job);
		linked_drop(l);
		return -1;
	}
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
}

const char *
linked_name(const struct linked *l, size_t i)
{
	return app_org_name(l->app, l->p[i]);
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

/* The move to ask of pages p for screen page `asked`: 2 for none. */
static int
linked_pages_move(const struct linked_pages *lp, const struct fhir_pages *p)
{
	size_t	have = fhir_pages_number(p);

	if (lp->asked == have + 1 && fhir_pages_more(p))
		return 1;
	if (lp->asked == have)
		return 0;
	if (lp->asked + 1 == have)
		return -1;
	return 2;	/* it has no such page */
}

int
linked_pages_load(struct linked_pages *lp, struct app *app, void *state,
    const struct linked_ask *ask, size_t page, char **cause)
{
	lp->asked = page;
	return linked_load(&lp->l, app, state, ask, cause);
}

size_t
linked_pages_url(void *state, size_t org, const char *patient, char **urls)
{
	struct linked_pages	*lp = state;	/* its first member */
	struct fhir_pages	*p = &lp->at[org];
	const char		*url;
	char			*ref;

	if (fhir_pages_number(p) == 0) {
		ref = fhir_ref("Patient", patient);
		lp->start(p, ref);
		free(ref);
	}
	lp->dir[org] = linked_pages_move(lp, p);
	if (lp->dir[org] == 2 ||
	    (url = fhir_pages_url(p, lp->dir[org])) == NULL)
		return 0;
	urls[0] = xstrdup(url);
	return 1;
}

int
linked_pages_take(struct linked_pages *lp, size_t org,
    const struct fhir_batch_job *job)
{
	char	*was;

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
	if (job->res.body == NULL)
		return -1;	/* nothing asked of it */
	fhir_pages_moved(job->f, &lp->at[org], lp->dir[org], job->res.body);
	return 0;
}

int
linked_pages_more(const struct linked_pages *lp, size_t org)
{
	return fhir_pages_more(&lp->at[org]) &&
	    fhir_pages_number(&lp->at[org]) == lp->number;
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

	linked_drop(&lp->l);
	for (i = 0; i < LINKED_MAX; i++)
		fhir_pages_free(&lp->at[i]);
	free(lp->missing);
	lp->missing = NULL;
}
