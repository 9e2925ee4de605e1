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
	memset(s, 0, sizeof *s);
}

int
refill_meds_load(struct fhir *f, const char *patient,
    struct refill_meds *s, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b;
	char			*urls[2];
	long			 status;
	size_t			 i, n;
	int			 rc;

	urls[0] = fhir_query("MedicationRequest?status=active&_count="
	    FHIR_NUM(REFILL_MAX_MEDS) "&_include=MedicationRequest:medication",
	    "patient", patient, NULL);
	urls[1] = fhir_query("Task?code=fulfill&_sort=-authored-on&_count=20",
	    "patient", patient, NULL);
	rc = fhir_batch(f, (const char *const *)urls, 2, &res,
	    cause);
	free(urls[0]);
	free(urls[1]);
	if (rc != 0) {
		fhir_result_free(&res);
		return -1;
	}
	s->a = arena_create();
	b = fhir_batch_entry(res.body, 0, &status, &s->withheld);
	n = fhir_bundle_count(b);
	s->meds = arena_alloc(s->a, (n + 1) * sizeof *s->meds);
	for (i = 0; i < n && i < REFILL_MAX_MEDS; i++) {
		if (model_medication(s->a, fhir_bundle_resource(b, i),
		    &s->meds[s->nmeds]) == 0)
			s->nmeds++;
	}
	model_medication_names(s->a, b, s->meds, s->nmeds);
	b = fhir_batch_entry(res.body, 1, &status, &s->tasks_withheld);
	n = fhir_bundle_count(b);
	s->tasks = arena_alloc(s->a, (n + 1) * sizeof *s->tasks);
	for (i = 0; i < n && i < REFILL_MAX_MEDS; i++) {
		if (model_task(s->a, fhir_bundle_resource(b, i),
		    &s->tasks[s->ntasks]) == 0)
			s->ntasks++;
	}
	fhir_result_free(&res);
	return 0;
}

