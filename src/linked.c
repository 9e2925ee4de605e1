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
