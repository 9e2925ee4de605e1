/*
 * Every parser of FHIR answers into records (src/model.c and the domain
 * modules): each resource of the input (itself, a Bundle's entries, a
 * batch answer's searchsets) through every resource parser, and the
 * input as a Bundle, a batch answer and an OperationOutcome through
 * the parsers of those; then the lines the screens make of the records.
 */
#include "config.h"

#include "account.h"
#include "bill.h"
#include "careteam.h"
#include "contact.h"
#include "export.h"
#include "fhir.h"
#include "format.h"
#include "fuzz.h"
#include "messages.h"
#include "model.h"
#include "refill.h"
#include "results.h"
#include "summary.h"

/* One resource through every resource parser. */
static void
resource(const struct json *j, void *arg)
{
	struct arena		*a = arg;
	struct patient		 pat;
	struct allergy		 al;
	struct condition	 co;
	struct medication	 me;
	struct immunization	 im;
	struct observation	 ob;
	struct report		 re;
	struct task		 ta;
	struct message		 ms;
	struct attachment	 at;
	struct bill		 bi;
	struct bill_account	 ac;
	struct activity		 av;
	char			*s;

	(void)model_patient(a, j, &pat);
	(void)model_allergy(a, j, &al);
	(void)model_condition(a, j, &co);
	if (model_medication(a, j, &me) == 0)
		model_medication_names(a, j, &me, 1);
	(void)model_immunization(a, j, &im);
	if (model_observation(a, j, &ob) == 0) {
		(void)format_obs_value(a, &ob, 1);
		(void)format_obs_abnormal(&ob);
		(void)format_range(a, &ob.range);
		(void)results_obs_line(a, &ob);
	}
	(void)model_report(a, j, &re);
	if (model_task(a, j, &ta) == 0)
		(void)format_task_words(ta.status);
	(void)model_message(a, j, &ms);
	model_attachment(a, j, &at);
	(void)bill_parse(a, j, &bi);
	(void)bill_account_parse(a, j, &ac);
	(void)account_activity_parse(a, j, "Patient/maria-lopez",
	    "Patient/maria-lopez", &av);
	(void)model_concept(a, j);
	(void)model_address(a, j);
	(void)model_name(a, json_get(j, "name"));
	(void)model_etag(a, j);
	free(model_outcome_text(j));
	(void)model_outcome_code(j);
	(void)export_has_everything(j);
	(void)fhir_bundle_total(j);
	s = json_print(j);
	free(s);
}

/* The input as a page of results, as the results list takes it. */
static void
results(struct fhir *f, struct arena *a, const struct json *j)
{
	struct results_page	 page;
	long			 total;
	size_t			 i;
	int			 abnormal;

	results_list_take(f, a, j, &page, &total);
	for (i = 0; i < page.nreports; i++) {
		(void)results_report_line(a, &page, &page.reports[i],
		    &abnormal);
		FUZZ_CHECK(abnormal >= 0, "a negative count of results out "
		    "of range");
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json		*j;
	struct arena		*a;
	struct fhir		*f;
	struct careteam		 team;
	struct summary		 sum;
	struct refill_meds	 meds;
	struct contact		 who;
	struct message		*inbox;
	long			 total;
	size_t			 n;

	if ((j = fuzz_json((const char *)data, size)) == NULL)
		return 0;
	a = arena_create();
	f = fhir_create(NULL, "https://portal.example",
	    "https://portal.example/fhir/R4");
	fuzz_resources(j, 0, resource, a);
	results(f, a, j);
	memset(&team, 0, sizeof team);
	careteam_parse(a, j, &team);
	FUZZ_CHECK(team.n <= CARETEAM_MAX, "more care team members than "
	    "room");
	inbox = messages_inbox_take(a, j, &n, &total);
	(void)inbox;
	memset(&sum, 0, sizeof sum);
	summary_take(&sum, j);
	summary_clear(&sum);
	memset(&meds, 0, sizeof meds);
	refill_meds_take(&meds, j);
	refill_meds_clear(&meds);
	memset(&who, 0, sizeof who);
	contact_take(&who, a, "maria-lopez", json_dup(j));
	contact_free(&who);
	fhir_free(f);
	arena_free(a);
	json_free(j);
	return 0;
}
