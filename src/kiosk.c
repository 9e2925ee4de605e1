/*
 * Kiosk check-in: the lookup ($kiosk-lookup) through the device, and the
 * chosen visit's eCheck-in with its own check-in token.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fhir.h"
#include "json.h"
#include "kiosk.h"
#include "sanitize.h"
#include "model.h"
#include "portal.h"
#include "util.h"

/* One Parameters entry name = valueString (or valueDate) s. */
static void
kiosk_param(struct json *list, const char *name, const char *type,
    const char *s)
{
	struct json	*p;

	if (s == NULL || *s == '\0')
		return;
	p = json_add_object(list, NULL);
	json_add_str(p, "name", name);
	if (strcmp(type, "valueReference") == 0)
		json_add_str(json_add_object(p, type), "reference", s);
	else
		json_add_str(p, type, s);
}

/* The patient a visit is for ("zoe-pena"), in a. */
static char *
kiosk_patient(struct arena *a, const struct json *appt)
{
	const struct json	*part = json_get(appt, "participant");
	char			*ref, *out = NULL;
	size_t			 i;

	for (i = 0; out == NULL && i < json_size(part); i++) {
		ref = fhir_ref_local(json_str(json_path(json_at(part, i),
		    "actor.reference")));
		if (ref != NULL && strncmp(ref, "Patient/", 8) == 0)
			out = arena_strdup(a, ref + 8);
		free(ref);
	}
	return out;
}

/* Read one visit of the answer: its Appointment and check-in token. */
static void
kiosk_visit(struct kiosk_turn *t, const struct json *param)
{
	const struct json	*parts = json_get(param, "part"), *p;
	const struct json	*appt = NULL;
	const char		*name, *token = NULL;
	struct kiosk_visit	*v = &t->visits[t->nvisits];
	size_t			 i;

	for (i = 0; i < json_size(parts); i++) {
		p = json_at(parts, i);
		if ((name = json_gets(p, "name")) == NULL)
			continue;
		if (strcmp(name, "appointment") == 0)
			appt = json_get(p, "resource");
		else if (strcmp(name, "checkin-token") == 0)
			token = json_gets(p, "valueString");
	}
	if (appt == NULL || token == NULL || *token == '\0' ||
	    visit_parse(t->a, appt, &v->visit) != 0 || v->visit.id == NULL ||
	    (v->patient = kiosk_patient(t->a, appt)) == NULL)
		return;		/* not a visit that can be checked in */
	v->token = arena_strdup(t->a, token);
	t->nvisits++;
}

/* Ask the portal; the visits found go into t. */
static int
kiosk_ask(struct kiosk_turn *t, char **cause)
{
	struct fhir_result	 res;
	struct json		*params, *list;
	const struct json	*p;
	const char		*name;
	size_t			 i;
	int			 rc;

	params = json_new_object();
	json_add_str(params, "resourceType", "Parameters");
	list = json_add_array(params, "parameter");
	kiosk_param(list, "family", "valueString", t->family);
	kiosk_param(list, "given", "valueString", t->given);
	kiosk_param(list, "birthDate", "valueDate", t->birth);
	kiosk_param(list, "location", "valueReference", t->location);
	rc = fhir_operation(portal_fhir(t->device), "Appointment/$kiosk-lookup",
	    params, &res, cause);
	json_free_secret(params);
	if (res.status == 429) {
		free(*cause);
		*cause = NULL;
		fhir_result_free(&res);
		return KIOSK_BUSY;
	}
	if (rc != 0) {
		fhir_result_free(&res);
		return KIOSK_ERR;
	}
	/* The answer is a Parameters, even when nothing matched: anything
	 * else is not a miss to blame on what the patient typed. */
	if (json_gets(res.body, "resourceType") == NULL ||
	    strcmp(json_gets(res.body, "resourceType"), "Parameters") != 0) {
		fhir_result_free(&res);
		*cause = xstrdup("The portal's answer could not be understood.");
		return KIOSK_ERR;
	}
	t->nvisits = 0;
	list = json_get(res.body, "parameter");
	for (i = 0; i < json_size(list) && t->nvisits < KIOSK_MAX_VISITS;
	    i++) {
		p = json_at(list, i);
		if ((name = json_gets(p, "name")) != NULL &&
		    strcmp(name, "appointment") == 0)
			kiosk_visit(t, p);
	}
	json_free_secret(res.body);
	res.body = NULL;
	fhir_result_free(&res);
	return t->nvisits > 0 ? KIOSK_FOUND : KIOSK_NONE;
}

int
kiosk_lookup(struct kiosk_turn *t, struct portal *device,
    const char *location, const char *family, const char *given,
    const char *birth, char **cause)
{
	kiosk_turn_clear(t);
	t->a = arena_create();
	t->device = device;
	t->family = arena_strdup(t->a, family);
	t->given = given != NULL && *given != '\0' ?
	    arena_strdup(t->a, given) : NULL;
	t->birth = arena_strdup(t->a, birth);
	t->location = location ? arena_strdup(t->a, location) : NULL;
	return kiosk_ask(t, cause);
}

/*
 * The check-in token was refused (it lives minutes): the same lookup
 * gives the same visit a new one, so the patient's step carries on.
 */
static int
kiosk_renew(void *arg, char **cause)
{
	struct kiosk_turn	*t = arg;
	struct kiosk_visit	 was;
	size_t			 i;
	int			 rc;

	if (t->chosen < 0)
		return -1;
	was = t->visits[t->chosen];
	if ((rc = kiosk_ask(t, cause)) != KIOSK_FOUND) {
		if (*cause == NULL)
			*cause = xstrdup(rc == KIOSK_BUSY ? KIOSK_BUSY_SAY :
			    "This visit can no longer be checked in here. "
			    "Please see the front desk.");
		return -1;
	}
	for (i = 0; i < t->nvisits; i++) {
		if (strcmp(t->visits[i].visit.id, was.visit.id) == 0) {
			t->chosen = (int)i;
			fhir_set_token(t->fhir, t->visits[i].token);
			return 0;
		}
	}
	*cause = xstrdup("This visit can no longer be checked in here. "
	    "Please see the front desk.");
	return -1;
}

int
kiosk_choose(struct kiosk_turn *t, size_t i, char **cause)
{
	const struct auth_server	*srv = portal_server(t->device);
	struct kiosk_visit		*v;

	if (i >= t->nvisits) {
		*cause = xstrdup("Choose one of the visits shown.");
		return -1;
	}
	if (t->loaded) {
		checkin_free(&t->checkin);
		t->loaded = 0;
	}
	t->chosen = (int)i;
	v = &t->visits[i];
	if (t->fhir == NULL) {
		t->fhir = fhir_create(portal_http(t->device), srv->root,
		    srv->fhir_base);
		fhir_set_refresh(t->fhir, kiosk_renew, t);
	}
	fhir_set_token(t->fhir, v->token);
	if (checkin_load(&t->checkin, t->fhir, v->patient, v->visit.id,
	    cause) != 0) {
		checkin_free(&t->checkin);
		return -1;
	}
	t->loaded = 1;
	t->checkin.at_kiosk = 1;
	return 0;
}

const char *
kiosk_first_name(const struct kiosk_turn *t)
{
	const struct json	*names;

	if (!t->loaded || t->checkin.contact.pat == NULL)
		return NULL;
	names = json_get(json_at(json_get(t->checkin.contact.pat, "name"), 0),
	    "given");
	if (json_str(json_at(names, 0)) == NULL)
		return NULL;
	/* The server's text, made safe for the terminal. */
	return arena_own(t->checkin.a, sanitize_str(json_str(json_at(names,
	    0)), 0));
}

void
kiosk_turn_clear(struct kiosk_turn *t)
{
	if (t->loaded)
		checkin_free(&t->checkin);
	fhir_free(t->fhir);	/* wipes its token */
	arena_free(t->a);	/* wipes what was typed and found */
	secure_wipe(t, sizeof *t);
	t->chosen = -1;
}
