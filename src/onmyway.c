/* On My Way: urgent-care waits, and a place in a line. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "booking.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "onmyway.h"
#include "util.h"
#include "visit.h"

#define ONMYWAY_WAIT	"urn:chartty:wait-minutes"

static void
onmyway_place(struct arena *a, const struct json *loc,
    struct onmyway_place *p)
{
	const struct json	*t;
	long long		 n;
	size_t			 i;

	memset(p, 0, sizeof *p);
	p->id = model_str(a, loc, "id");
	p->name = model_str(a, loc, "name");
	p->address = model_address(a, json_get(loc, "address"));
	for (i = 0; i < json_size(json_get(loc, "telecom")); i++) {
		t = json_at(json_get(loc, "telecom"), i);
		if (json_gets(t, "system") && strcmp(json_gets(t, "system"),
		    "phone") == 0)
			p->phone = model_str(a, t, "value");
	}
	p->wait = -1;
	/* Up to a week; anything more (1e300) is not said. */
	if (json_int(model_extension(loc, ONMYWAY_WAIT), 0, 7 * 24 * 60,
	    &n) == 0)
		p->wait = (long)n;
}

void
onmyway_clear(struct onmyway *o)
{
	arena_free(o->a);
	json_free(o->line_json);
	free(o->withheld);
	memset(o, 0, sizeof *o);
}

int
onmyway_take(struct onmyway *o, const struct json *body, char **cause)
{
	const struct json	*b;
	long			 status;
	size_t			 i;

	if ((b = fhir_batch_entry(body, 0, &status, cause)) == NULL)
		return -1;
	o->a = arena_create();
	for (i = 0; i < fhir_bundle_count(b) && o->nplaces < ONMYWAY_MAX;
	    i++) {
		onmyway_place(o->a, fhir_bundle_resource(b, i),
		    &o->places[o->nplaces]);
		if (o->places[o->nplaces].id && o->places[o->nplaces].name)
			o->nplaces++;
	}
	b = fhir_batch_entry(body, 1, &status, &o->withheld);
	if (fhir_bundle_count(b) > 0 && visit_parse(o->a,
	    fhir_bundle_resource(b, 0), &o->line) == 0) {
		o->in_line = 1;
		o->line_json = json_dup(fhir_bundle_resource(b, 0));
	}
	return 0;
}

int
onmyway_load(struct fhir *f, const char *patient, struct onmyway *o,
    char **cause)
{
	struct fhir_result	 res;
	char			*urls[2];
	int			 rc;

	urls[0] = xstrdup("Location?type=urgent-care&_count="
	    FHIR_NUM(ONMYWAY_MAX));
	urls[1] = fhir_query("Appointment?status=waitlist", "patient", patient,
	    NULL);
	if (fhir_batch_take(f, urls, 2, &res, cause) != 0)
		return -1;
	rc = onmyway_take(o, res.body, cause);
	fhir_result_free(&res);
	return rc;
}

/* Add a Parameters entry name with a reference to type/id. */
static void
onmyway_param_ref(struct json *params, const char *name, const char *type,
    const char *id)
{
	struct json	*p = json_add_object(params, NULL);
	char		*ref = fhir_ref(type, id);

	json_add_str(p, "name", name);
	json_add_str(json_add_object(p, "valueReference"), "reference", ref);
	free(ref);
}

int
onmyway_join(struct fhir *f, const char *location, const char *patient,
    const char *reason, long *status, char **cause)
{
	struct fhir_result	 res;
	struct json		*params, *p;
	int			 rc;

	params = json_new_object();
	json_add_str(params, "resourceType", "Parameters");
	p = json_add_array(params, "parameter");
	onmyway_param_ref(p, "location", "Location", location);
	onmyway_param_ref(p, "patient", "Patient", patient);
	json_add_str(json_add_object(p, NULL), "name", "reason");
	json_add_str(json_at(p, 2), "valueString", reason);
	rc = fhir_operation(f, "Appointment/$on-my-way", params, &res, cause);
	json_free_secret(params);
	*status = res.status;
	fhir_result_free(&res);
	return rc;
}

int
onmyway_leave(struct fhir *f, const struct onmyway *o, char **cause)
{
	long	status;

	return booking_cancel_appointment(f, o->line_json, o->line.id,
	    o->line.etag, NULL, &status, cause);
}
