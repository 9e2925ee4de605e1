/* Refill requests: the medication, the pharmacies, and the Task. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fhir.h"
#include "fhirtime.h"
#include "json.h"
#include "model.h"
#include "refill.h"
#include "util.h"

#define REFILL_PHARMACIES	"Organization?type=pharmacy&_count=" \
				FHIR_NUM(REFILL_MAX_PHARMACIES)
#define REFILL_TASK_CODE	"http://hl7.org/fhir/CodeSystem/task-code"

int
refill_load(struct fhir *f, const char *med_id, struct arena *a,
    struct medication *med, struct refill_pharmacy *ph, int *n, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b, *org;
	char			*urls[2];
	long			 status;
	size_t			 i;

	*n = 0;
	urls[0] = fhir_path("MedicationRequest", med_id, NULL);
	urls[1] = xstrdup(REFILL_PHARMACIES);
	if (fhir_batch_take(f, urls, 2, &res, cause) != 0)
		return -1;
	if ((b = fhir_batch_entry(res.body, 0, &status, cause)) == NULL) {
		fhir_result_free(&res);
		return -1;
	}
	model_medication(a, b, med);
	b = fhir_batch_entry(res.body, 1, &status, NULL);
	for (i = 0; i < fhir_bundle_count(b) && *n < REFILL_MAX_PHARMACIES;
	    i++) {
		org = fhir_bundle_resource(b, i);
		if (model_str(a, org, "id") == NULL ||
		    model_str(a, org, "name") == NULL)
			continue;
		ph[*n].name = model_str(a, org, "name");
		ph[(*n)++].ref = arena_own(a, fhir_ref("Organization",
		    model_str(a, org, "id")));
	}
	fhir_result_free(&res);
	return 0;
}

struct json *
refill_task(const char *med_id, const char *med_name, const char *patient,
    const char *requester, const char *pharmacy, const char *note)
{
	struct json	*t, *o, *arr, *coding;
	char		 now[64], *ref;

	t = json_new_object();
	json_add_str(t, "resourceType", "Task");
	json_add_str(t, "status", "requested");
	json_add_str(t, "intent", "order");
	o = json_add_object(t, "code");
	coding = json_add_object(json_add_array(o, "coding"), NULL);
	json_add_str(coding, "system", REFILL_TASK_CODE);
	json_add_str(coding, "code", "fulfill");
	json_add_str(o, "text", "Refill request");
	fhir_time_write(time(NULL), now, sizeof now);
	json_add_str(t, "authoredOn", now);
	o = json_add_object(t, "focus");
	ref = fhir_ref("MedicationRequest", med_id ? med_id : "");
	json_add_str(o, "reference", ref);
	free(ref);
	if (med_name != NULL)
		json_add_str(o, "display", med_name);
	ref = fhir_ref("Patient", patient);
	json_add_str(json_add_object(t, "for"), "reference", ref);
	free(ref);
	if (requester != NULL)
		json_add_str(json_add_object(t, "requester"), "reference",
		    requester);
	if (pharmacy != NULL) {
		arr = json_add_array(t, "input");
		o = json_add_object(arr, NULL);
		json_add_str(json_add_object(o, "type"), "text", "Pharmacy");
		json_add_str(json_add_object(o, "valueReference"),
		    "reference", pharmacy);
	}
	if (note != NULL && *note != '\0') {
		arr = json_add_array(t, "note");
		json_add_str(json_add_object(arr, NULL), "text", note);
	}
	return t;
}

int
refill_send(struct fhir *f, const char *med_id, const char *med_name,
    const char *patient, const char *requester, const char *pharmacy,
    const char *note, const char *request_id, char **cause)
{
	struct fhir_result	 res;
	struct json		*task;
	int			 rc;

	task = refill_task(med_id, med_name, patient, requester, pharmacy,
	    note);
	rc = fhir_create_resource(f, "Task", task, request_id, &res, cause);
	json_free_secret(task);
	fhir_result_free(&res);
	return rc;
}

void
refill_meds_clear(struct refill_meds *s)
{
	arena_free(s->a);
	free(s->withheld);
	free(s->tasks_withheld);
	free(s->missing);
	memset(s, 0, sizeof *s);
}

void
refill_meds_take(struct refill_meds *s, const struct json *body)
{
	const struct json	*b;
	long			 status;
	size_t			 i, n;

	refill_meds_clear(s);
	s->a = arena_create();
	b = fhir_batch_entry(body, 0, &status, &s->withheld);
	n = fhir_bundle_count(b);
	s->meds = arena_alloc(s->a, (n + 1) * sizeof *s->meds);
	for (i = 0; i < n && i < REFILL_MAX_MEDS; i++) {
		if (model_medication(s->a, fhir_bundle_resource(b, i),
		    &s->meds[s->nmeds]) == 0)
			s->nmeds++;
	}
	model_medication_names(s->a, b, s->meds, s->nmeds);
	b = fhir_batch_entry(body, 1, &status, &s->tasks_withheld);
	n = fhir_bundle_count(b);
	s->tasks = arena_alloc(s->a, (n + 1) * sizeof *s->tasks);
	for (i = 0; i < n && i < REFILL_MAX_MEDS; i++) {
		if (model_task(s->a, fhir_bundle_resource(b, i),
		    &s->tasks[s->ntasks]) == 0)
			s->ntasks++;
	}
}

size_t
refill_meds_urls(const struct fhir *f, const char *patient, char **urls)
{
	char	*ref = fhir_ref("Patient", patient);

	(void)f;	/* every server is asked the same */
	urls[0] = fhir_query("MedicationRequest?status=active&_count="
	    FHIR_NUM(REFILL_MAX_MEDS) "&_include=MedicationRequest:medication",
	    "patient", ref, NULL);
	urls[1] = fhir_query("Task?code=fulfill&_sort=-authored-on&_count=20",
	    "patient", ref, NULL);
	free(ref);
	return REFILL_URLS;
}

void
refill_meds_merge(struct refill_meds *m, struct refill_meds *o,
    const char *here, const char *there, int org)
{
	struct medication	*meds;
	struct task		*tasks;
	const char		**from;
	int			 *morg, *torg;
	size_t			  i, j, k, n = m->nmeds + o->nmeds;
	size_t			  nt = m->ntasks + o->ntasks;

	if (m->a == NULL)
		m->a = arena_create();
	meds = arena_alloc(m->a, (n + 1) * sizeof *meds);
	from = arena_alloc(m->a, (n + 1) * sizeof *from);
	morg = arena_alloc(m->a, (n + 1) * sizeof *morg);
	tasks = arena_alloc(m->a, (nt + 1) * sizeof *tasks);
	torg = arena_alloc(m->a, (nt + 1) * sizeof *torg);
	here = arena_strdup(m->a, here);
	there = arena_strdup(m->a, there);
	for (i = 0; i < m->nmeds; i++) {
		meds[i] = m->meds[i];
		from[i] = m->from ? m->from[i] : here;
		morg[i] = m->org ? m->org[i] : 0;
	}
	for (i = 0; i < o->nmeds; i++) {
		meds[m->nmeds + i] = o->meds[i];
		from[m->nmeds + i] = there;
		morg[m->nmeds + i] = org;
	}
	/* The refill requests, each its own organization's, newest first
	 * across them. */
	for (i = j = k = 0; k < nt; k++) {
		if (j >= o->ntasks || (i < m->ntasks &&
		    m->tasks[i].authored.t >= o->tasks[j].authored.t)) {
			tasks[k] = m->tasks[i];
			torg[k] = m->task_org ? m->task_org[i] : 0;
			i++;
		} else {
			tasks[k] = o->tasks[j++];
			torg[k] = org;
		}
	}
	/* What could not be shown there is said, naming it: the first
	 * refusal of each kind. */
	if (m->tasks_withheld == NULL && o->tasks_withheld != NULL)
		m->tasks_withheld = xasprintf("%s: %s", there,
		    o->tasks_withheld);
	if (m->withheld == NULL && o->withheld != NULL)
		m->withheld = xasprintf("%s: %s", there, o->withheld);
	m->meds = meds;
	m->from = from;
	m->org = morg;
	m->nmeds = n;
	m->tasks = tasks;
	m->task_org = torg;
	m->ntasks = nt;
	arena_keep(m->a, o->a);
	o->a = NULL;
}

void
refill_meds_missing(struct refill_meds *m, const char *org, const char *why)
{
	char	*was = m->missing;

	m->missing = xasprintf("%s%s%s: %s", was ? was : "", was ? " " : "",
	    org, why ? why : "it could not be reached.");
	free(was);
}

