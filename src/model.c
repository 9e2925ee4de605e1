/*
 * FHIR resources turned into plain records for the screens: every string
 * is sanitized and given its display fallback, times are in local time.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "json.h"
#include "format.h"
#include "model.h"
#include "sanitize.h"

/* Longest string kept from one field; longer text is cut with "...". */
#define MODEL_MAX_FIELD	(64 * 1024)

static char *
model_clean(struct arena *a, const char *s, int flags)
{
	char	*clean;
	size_t	 n;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	if (n > MODEL_MAX_FIELD) {
		/* Do not cut a UTF-8 sequence in half. */
		n = MODEL_MAX_FIELD;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	clean = sanitize(s, n, flags);
	if (n < strlen(s)) {
		char *longer = xasprintf("%s...", clean);
		free(clean);
		clean = longer;
	}
	return arena_own(a, clean);
}

char *
model_str(struct arena *a, const struct json *j, const char *key)
{
	return model_clean(a, json_gets(j, key), 0);
}

static char *
model_text(struct arena *a, const struct json *j, const char *key)
{
	return model_clean(a, json_gets(j, key), SANITIZE_MULTILINE);
}

char *
model_concept(struct arena *a, const struct json *cc)
{
	const struct json	*coding;
	const char		*s, *system, *code;
	char			*joined, *out;
	size_t			 i;

	if (cc == NULL)
		return NULL;
	if ((s = json_gets(cc, "text")) != NULL && *s != '\0')
		return model_clean(a, s, 0);
	coding = json_get(cc, "coding");
	for (i = 0; i < json_size(coding); i++) {
		s = json_gets(json_at(coding, i), "display");
		if (s != NULL && *s != '\0')
			return model_clean(a, s, 0);
	}
	if (json_size(coding) == 0)
		return NULL;
	system = json_gets(json_at(coding, 0), "system");
	code = json_gets(json_at(coding, 0), "code");
	if (code == NULL)
		return NULL;
	joined = system ? xasprintf("%s|%s", system, code) : xstrdup(code);
	out = model_clean(a, joined, 0);
	free(joined);
	return out;
}

/* The concept of the first element of an array of CodeableConcepts. */
static char *
model_concept_first(struct arena *a, const struct json *array)
{
	return model_concept(a, json_at(array, 0));
}

/* A Reference's display, else its reference. */
static char *
model_reference(struct arena *a, const struct json *ref)
{
	const char	*s = json_gets(ref, "display");

	if (s == NULL)
		s = json_gets(ref, "reference");
	return model_clean(a, s, 0);
}

/* Join the string member key of every element of array with ", ". */
static char *
model_join(struct arena *a, const struct json *array, const char *key,
    const char *sep, int concepts)
{
	struct buf	 b;
	const char	*s;
	char		*c;
	size_t		 i;

	buf_init(&b, MODEL_MAX_FIELD);
	for (i = 0; i < json_size(array); i++) {
		const struct json *e = json_at(array, i);

		if (concepts) {
			if ((c = model_concept(a, e)) == NULL)
				continue;
			s = c;
		} else if ((s = json_gets(e, key)) == NULL)
			continue;
		if (b.len > 0)
			buf_addstr(&b, sep);
		buf_addstr(&b, s);
	}
	if (b.len == 0) {
		buf_free(&b, 0);
		return NULL;
	}
	c = model_clean(a, b.data, SANITIZE_MULTILINE);
	buf_free(&b, 1);
	return c;
}

char *
model_name(struct arena *a, const struct json *names)
{
	const struct json	*n, *given;
	struct buf		 b;
	const char		*s;
	char			*out;
	size_t			 i;

	/* Prefer the "official" name, else the first. */
	n = json_at(names, 0);
	for (i = 0; i < json_size(names); i++) {
		s = json_gets(json_at(names, i), "use");
		if (s != NULL && strcmp(s, "official") == 0) {
			n = json_at(names, i);
			break;
		}
	}
	if (n == NULL)
		return NULL;
	if ((s = json_gets(n, "text")) != NULL)
		return model_clean(a, s, 0);
	buf_init(&b, 4096);
	given = json_get(n, "given");
	for (i = 0; i < json_size(given); i++) {
		if ((s = json_str(json_at(given, i))) == NULL)
			continue;
		if (b.len > 0)
			buf_addstr(&b, " ");
		buf_addstr(&b, s);
	}
	if ((s = json_gets(n, "family")) != NULL) {
		if (b.len > 0)
			buf_addstr(&b, " ");
		buf_addstr(&b, s);
	}
	out = b.len ? model_clean(a, b.data, 0) : NULL;
	buf_free(&b, 1);
	return out;
}

const struct json *
model_extension(const struct json *j, const char *url)
{
	const struct json	*e, *v;
	size_t			 i;

	for (i = 0; i < json_size(json_get(j, "extension")); i++) {
		e = json_at(json_get(j, "extension"), i);
		if (json_gets(e, "url") == NULL ||
		    strcmp(json_gets(e, "url"), url) != 0)
			continue;
		for (v = json_first(e); v != NULL; v = json_next(v)) {
			if (strncmp(json_key(v), "value", 5) == 0)
				return v;
		}
	}
	return NULL;
}

char *
model_etag(struct arena *a, const struct json *j)
{
	const char	*v = json_gets(json_get(j, "meta"), "versionId");

	return v != NULL ? arena_own(a, xasprintf("W/\"%s\"", v)) : NULL;
}

const struct json *
model_extension_obj(const struct json *j, const char *url)
{
	const struct json	*e;
	size_t			 i;

	for (i = 0; i < json_size(json_get(j, "extension")); i++) {
		e = json_at(json_get(j, "extension"), i);
		if (json_gets(e, "url") != NULL &&
		    strcmp(json_gets(e, "url"), url) == 0)
			return e;
	}
	return NULL;
}

static int
model_is(const struct json *j, const char *type)
{
	const char	*t = json_gets(j, "resourceType");

	return t != NULL && strcmp(t, type) == 0;
}

static void
model_time(const struct json *j, const char *key, struct fhir_time *ft)
{
	fhir_time_parse(json_gets(j, key), ft);
}

/* "system|code" of a CodeableConcept's first coding with a code, or NULL
 * (to tell whether two records name the same thing). */
static char *
model_system_code(struct arena *a, const struct json *cc)
{
	const struct json	*c;
	size_t			 i;

	for (i = 0; i < json_size(json_get(cc, "coding")); i++) {
		c = json_at(json_get(cc, "coding"), i);
		if (json_gets(c, "code") != NULL)
			return arena_own(a, xasprintf("%s|%s",
			    json_gets(c, "system") ? json_gets(c, "system") :
			    "", json_gets(c, "code")));
	}
	return NULL;
}

/* First code of a CodeableConcept's coding (borrowed), or NULL. */
static const char *
model_first_code(const struct json *cc)
{
	return json_gets(json_at(json_get(cc, "coding"), 0), "code");
}

char *
model_address(struct arena *a, const struct json *addr)
{
	struct buf	 b;
	const char	*l;
	char		*out = NULL;
	size_t		 i;

	if (addr == NULL)
		return NULL;
	if (json_gets(addr, "text") != NULL)
		return model_str(a, addr, "text");
	buf_init(&b, 4096);
	for (i = 0; i < json_size(json_get(addr, "line")); i++) {
		if ((l = json_str(json_at(json_get(addr, "line"), i))) != NULL)
			buf_printf(&b, "%s%s", b.len ? ", " : "", l);
	}
	if ((l = json_gets(addr, "city")) != NULL)
		buf_printf(&b, "%s%s", b.len ? ", " : "", l);
	if ((l = json_gets(addr, "state")) != NULL)
		buf_printf(&b, "%s%s", b.len ? ", " : "", l);
	if ((l = json_gets(addr, "postalCode")) != NULL)
		buf_printf(&b, "%s%s", b.len ? " " : "", l);
	if (b.len > 0)
		out = model_clean(a, b.data, 0);
	buf_free(&b, 1);
	return out;
}

void
model_attachment(struct arena *a, const struct json *att,
    struct attachment *at)
{
	long long	n;

	at->title = model_str(a, att, "title");
	at->type = model_str(a, att, "contentType");
	at->url = model_str(a, att, "url");
	at->data = arena_strdup(a, json_gets(att, "data"));
	at->size = json_int(json_get(att, "size"), 0, 999999999999999LL,
	    &n) == 0 ? (long)n : -1;
}

int
model_patient(struct arena *a, const struct json *j, struct patient *p)
{
	const struct json	*telecom, *ids, *t;
	const char		*sys;
	size_t			 i;

	memset(p, 0, sizeof *p);
	if (!model_is(j, "Patient"))
		return -1;
	p->id = model_str(a, j, "id");
	p->name = model_name(a, json_get(j, "name"));
	model_time(j, "birthDate", &p->birth);
	p->gender = model_str(a, j, "gender");
	telecom = json_get(j, "telecom");
	for (i = 0; i < json_size(telecom); i++) {
		t = json_at(telecom, i);
		if ((sys = json_gets(t, "system")) == NULL)
			continue;
		if (strcmp(sys, "phone") == 0 && p->phone == NULL)
			p->phone = model_str(a, t, "value");
		else if (strcmp(sys, "email") == 0 && p->email == NULL)
			p->email = model_str(a, t, "value");
	}
	p->address = model_address(a, json_at(json_get(j, "address"), 0));
	ids = json_get(j, "identifier");
	for (i = 0; i < json_size(ids); i++) {
		t = json_at(ids, i);
		if (model_first_code(json_get(t, "type")) != NULL &&
		    strcmp(model_first_code(json_get(t, "type")), "MR") == 0) {
			p->mrn = model_str(a, t, "value");
			break;
		}
	}
	return 0;
}

int
model_allergy(struct arena *a, const struct json *j, struct allergy *al)
{
	const struct json	*reactions, *r;
	struct buf		 b;
	char			*s;
	size_t			 i;

	memset(al, 0, sizeof *al);
	if (!model_is(j, "AllergyIntolerance"))
		return -1;
	al->id = model_str(a, j, "id");
	al->substance = model_concept(a, json_get(j, "code"));
	al->code = model_system_code(a, json_get(j, "code"));
	if (al->substance == NULL) {
		r = json_at(json_get(j, "reaction"), 0);
		al->substance = model_concept(a, json_get(r, "substance"));
	}
	al->clinical_status = model_concept(a, json_get(j, "clinicalStatus"));
	al->verification = model_concept(a,
	    json_get(j, "verificationStatus"));
	al->criticality = model_str(a, j, "criticality");
	al->category = model_clean(a, json_str(json_at(json_get(j,
	    "category"), 0)), 0);
	model_time(j, "onsetDateTime", &al->onset);
	model_time(j, "recordedDate", &al->recorded);
	al->note = model_join(a, json_get(j, "note"), "text", "\n", 0);

	reactions = json_get(j, "reaction");
	buf_init(&b, MODEL_MAX_FIELD);
	for (i = 0; i < json_size(reactions); i++) {
		r = json_at(reactions, i);
		if ((s = model_join(a, json_get(r, "manifestation"), NULL,
		    ", ", 1)) != NULL)
			buf_printf(&b, "%s%s", b.len ? ", " : "", s);
		if (al->severity == NULL)
			al->severity = model_str(a, r, "severity");
	}
	if (b.len > 0)
		al->reactions = arena_strdup(a, b.data);
	buf_free(&b, 1);
	return 0;
}

int
model_condition(struct arena *a, const struct json *j, struct condition *c)
{
	memset(c, 0, sizeof *c);
	if (!model_is(j, "Condition"))
		return -1;
	c->id = model_str(a, j, "id");
	c->name = model_concept(a, json_get(j, "code"));
	c->clinical_status = model_concept(a, json_get(j, "clinicalStatus"));
	c->category = model_concept_first(a, json_get(j, "category"));
	model_time(j, "onsetDateTime", &c->onset);
	model_time(j, "recordedDate", &c->recorded);
	c->note = model_join(a, json_get(j, "note"), "text", "\n", 0);
	return 0;
}

int
model_medication(struct arena *a, const struct json *j,
    struct medication *m)
{
	const struct json	*v;
	long long		 k;

	memset(m, 0, sizeof *m);
	if (!model_is(j, "MedicationRequest"))
		return -1;
	m->id = model_str(a, j, "id");
	m->name = model_concept(a, json_get(j, "medicationCodeableConcept"));
	if (m->name == NULL)
		m->name = model_str(a, json_get(j, "medicationReference"),
		    "display");
	if (m->name == NULL && (m->med_ref = model_str(a, json_get(j,
	    "medicationReference"), "reference")) != NULL)
		m->name = m->med_ref;	/* until its Medication is read */
	m->dosage = model_text(a, json_at(json_get(j, "dosageInstruction"),
	    0), "text");
	m->requester = model_reference(a, json_get(j, "requester"));
	m->status = model_str(a, j, "status");
	model_time(j, "authoredOn", &m->authored);
	m->refills = -1;
	v = json_path(j, "dispenseRequest.numberOfRepeatsAllowed");
	if (json_int(v, 0, 999, &k) == 0)
		m->refills = (int)k;
	m->refill_eligible = json_bool(model_extension(j,
	    "urn:chartty:refill-eligible"));
	return 0;
}

int
model_task(struct arena *a, const struct json *j, struct task *t)
{
	const struct json	*focus;

	memset(t, 0, sizeof *t);
	if (!model_is(j, "Task"))
		return -1;
	t->id = model_str(a, j, "id");
	t->status = model_str(a, j, "status");
	focus = json_get(j, "focus");
	t->focus = model_str(a, focus, "reference");
	t->focus_name = model_reference(a, focus);
	t->reason = model_concept(a, json_get(j, "statusReason"));
	t->note = model_join(a, json_get(j, "note"), "text", "\n", 0);
	model_time(j, "authoredOn", &t->authored);
	model_time(j, "lastModified", &t->modified);
	return 0;
}

/* Is ref ("Patient/1") a patient or someone acting for one? */
static int
model_is_patient_ref(const char *ref)
{
	return ref != NULL && (strncmp(ref, "Patient/", 8) == 0 ||
	    strncmp(ref, "RelatedPerson/", 14) == 0);
}

int
model_message(struct arena *a, const struct json *j, struct message *m)
{
	const struct json	*payload, *p, *att, *v;
	struct buf		 text;
	size_t			 i, n;
	long long		 k;
	const char		*s;

	memset(m, 0, sizeof *m);
	if (!model_is(j, "Communication"))
		return -1;
	m->id = model_str(a, j, "id");
	m->etag = model_etag(a, j);
	m->part_of = model_str(a, json_at(json_get(j, "partOf"), 0),
	    "reference");
	m->topic = model_concept(a, json_get(j, "topic"));
	m->category = model_concept_first(a, json_get(j, "category"));
	m->sender = model_reference(a, json_get(j, "sender"));
	m->sender_ref = model_str(a, json_get(j, "sender"), "reference");
	m->from_patient = model_is_patient_ref(m->sender_ref);
	m->recipient = model_reference(a, json_at(json_get(j, "recipient"),
	    0));
	m->recipient_ref = model_str(a, json_at(json_get(j, "recipient"), 0),
	    "reference");
	model_time(j, "sent", &m->sent);
	model_time(j, "received", &m->received);
	v = model_extension(j, "urn:chartty:unread");
	m->unread = json_int(v, 1, 999999, &k) == 0 ? (int)k : 0;

	payload = json_get(j, "payload");
	n = json_size(payload);
	if (n > 100)
		n = 100;
	buf_init(&text, MODEL_MAX_FIELD);
	m->attachments = arena_alloc(a, (n + 1) * sizeof *m->attachments);
	for (i = 0; i < n; i++) {
		p = json_at(payload, i);
		if ((s = json_gets(p, "contentString")) != NULL) {
			if (text.len > 0)
				buf_addstr(&text, "\n");
			buf_addstr(&text, s);
		}
		if ((att = json_get(p, "contentAttachment")) != NULL)
			model_attachment(a, att,
			    &m->attachments[m->nattachments++]);
	}
	if (text.len > 0)
		m->text = model_clean(a, text.data, SANITIZE_MULTILINE);
	buf_free(&text, 1);
	return 0;
}

int
model_immunization(struct arena *a, const struct json *j,
    struct immunization *im)
{
	memset(im, 0, sizeof *im);
	if (!model_is(j, "Immunization"))
		return -1;
	im->id = model_str(a, j, "id");
	im->vaccine = model_concept(a, json_get(j, "vaccineCode"));
	im->code = model_system_code(a, json_get(j, "vaccineCode"));
	im->status = model_str(a, j, "status");
	model_time(j, "occurrenceDateTime", &im->date);
	im->site = model_concept(a, json_get(j, "site"));
	im->lot = model_str(a, j, "lotNumber");
	return 0;
}

static void
model_quantity(struct arena *a, const struct json *j, struct quantity *q)
{
	memset(q, 0, sizeof *q);
	if (json_num(json_get(j, "value"), &q->value) != 0 ||
	    !isfinite(q->value))
		return;
	q->present = 1;
	q->unit = model_str(a, j, "unit");
	if (q->unit == NULL)
		q->unit = model_str(a, j, "code");
	q->comparator = model_str(a, j, "comparator");
}

/* Fill v from the value[x] member of j, whatever its kind. */
static void
model_value(struct arena *a, const struct json *j, struct obs_value *v)
{
	const struct json	*m;
	const char		*key;
	double			 d;

	memset(v, 0, sizeof *v);
	for (m = json_first(j); m != NULL; m = json_next(m)) {
		key = json_key(m);
		if (strncmp(key, "value", 5) == 0 && key[5] >= 'A' &&
		    key[5] <= 'Z')
			break;
	}
	if (m == NULL)
		return;
	key += 5;
	if (strcmp(key, "Quantity") == 0) {
		v->kind = VALUE_QUANTITY;
		model_quantity(a, m, &v->q);
	} else if (strcmp(key, "String") == 0) {
		v->kind = VALUE_STRING;
		v->text = model_clean(a, json_str(m), SANITIZE_MULTILINE);
	} else if (strcmp(key, "CodeableConcept") == 0) {
		v->kind = VALUE_CONCEPT;
		v->text = model_concept(a, m);
	} else if (strcmp(key, "Range") == 0) {
		v->kind = VALUE_RANGE;
		model_quantity(a, json_get(m, "low"), &v->q);
		model_quantity(a, json_get(m, "high"), &v->q2);
	} else if (strcmp(key, "Ratio") == 0) {
		v->kind = VALUE_RATIO;
		model_quantity(a, json_get(m, "numerator"), &v->num);
		model_quantity(a, json_get(m, "denominator"), &v->den);
	} else if (strcmp(key, "Boolean") == 0) {
		v->kind = VALUE_BOOLEAN;
		v->boolean = json_bool(m) == 1;
	} else if (strcmp(key, "Integer") == 0 && json_num(m, &d) == 0) {
		v->kind = VALUE_INTEGER;
		v->q.present = 1;
		v->q.value = d;
	} else if (strcmp(key, "DateTime") == 0) {
		struct fhir_time	ft;
		char			out[64];

		v->kind = VALUE_TIME;
		fhir_time_parse(json_str(m), &ft);
		fhir_time_format(&ft, out, sizeof out);
		v->text = arena_strdup(a, out);
	} else if (strcmp(key, "Time") == 0) {
		v->kind = VALUE_TIME;
		v->text = model_clean(a, json_str(m), 0);
	} else {
		v->kind = VALUE_OTHER;
		v->text = model_clean(a, key, 0);
	}
}

static void
model_ref_range(struct arena *a, const struct json *j, struct ref_range *r)
{
	memset(r, 0, sizeof *r);
	if (j == NULL)
		return;
	model_quantity(a, json_get(j, "low"), &r->low);
	model_quantity(a, json_get(j, "high"), &r->high);
	r->text = model_str(a, j, "text");
}

/* The interpretation of j in words, and its code. */
static void
model_flag(struct arena *a, const struct json *j, char **words,
    char **code)
{
	const struct json	*cc = json_at(json_get(j, "interpretation"), 0);
	const char		*c = model_first_code(cc);
	const char		*w = format_flag_words(c);

	*code = model_clean(a, c, 0);
	*words = w ? arena_strdup(a, w) : model_concept(a, cc);
}

int
model_observation(struct arena *a, const struct json *j,
    struct observation *o)
{
	const struct json	*code, *comps, *c;
	size_t			 i;

	memset(o, 0, sizeof *o);
	if (!model_is(j, "Observation"))
		return -1;
	o->id = model_str(a, j, "id");
	code = json_get(j, "code");
	o->name = model_concept(a, code);
	o->code_system = model_clean(a, json_gets(json_at(json_get(code,
	    "coding"), 0), "system"), 0);
	o->code = model_clean(a, model_first_code(code), 0);
	o->category = model_concept_first(a, json_get(j, "category"));
	o->status = model_str(a, j, "status");
	model_time(j, "effectiveDateTime", &o->effective);
	if (o->effective.precision == FHIR_TIME_NONE)
		fhir_time_parse(json_gets(json_get(j, "effectivePeriod"),
		    "start"), &o->effective);
	model_time(j, "issued", &o->issued);
	model_value(a, j, &o->value);
	model_ref_range(a, json_at(json_get(j, "referenceRange"), 0),
	    &o->range);
	model_flag(a, j, &o->flag, &o->flag_code);
	o->note = model_join(a, json_get(j, "note"), "text", "\n", 0);

	comps = json_get(j, "component");
	o->ncomponents = json_size(comps);
	if (o->ncomponents > 64)
		o->ncomponents = 64;
	if (o->ncomponents > 0)
		o->components = arena_alloc(a,
		    o->ncomponents * sizeof *o->components);
	for (i = 0; i < o->ncomponents; i++) {
		struct obs_component	*oc = &o->components[i];
		char			*unused;

		c = json_at(comps, i);
		oc->name = model_concept(a, json_get(c, "code"));
		model_value(a, c, &oc->value);
		model_ref_range(a, json_at(json_get(c, "referenceRange"), 0),
		    &oc->range);
		model_flag(a, c, &oc->flag, &unused);
	}
	return 0;
}

int
model_report(struct arena *a, const struct json *j, struct report *r)
{
	const struct json	*results, *form;
	const char		*ct, *data;
	size_t			 i;

	memset(r, 0, sizeof *r);
	if (!model_is(j, "DiagnosticReport"))
		return -1;
	r->id = model_str(a, j, "id");
	r->name = model_concept(a, json_get(j, "code"));
	r->status = model_str(a, j, "status");
	r->category = model_concept_first(a, json_get(j, "category"));
	model_time(j, "effectiveDateTime", &r->effective);
	model_time(j, "issued", &r->issued);
	r->conclusion = model_text(a, j, "conclusion");
	r->reviewed = json_bool(model_extension(j,
	    "urn:chartty:reviewed")) == 1;

	/* Narrative text sent inline as plain text (base64 data). */
	form = json_at(json_get(j, "presentedForm"), 0);
	ct = json_gets(form, "contentType");
	data = json_gets(form, "data");
	if (ct != NULL && strncmp(ct, "text/plain", 10) == 0 && data != NULL) {
		char *text = crypto_base64_decode(data, NULL);

		if (text != NULL)
			r->narrative = model_clean(a, text, SANITIZE_MULTILINE);
		free(text);
	}

	results = json_get(j, "result");
	r->nresults = json_size(results);
	if (r->nresults > 1000)
		r->nresults = 1000;
	if (r->nresults > 0)
		r->results = arena_alloc(a, r->nresults * sizeof *r->results);
	for (i = 0; i < r->nresults; i++)
		r->results[i] = model_clean(a, json_gets(json_at(results, i),
		    "reference"), 0);
	return 0;
}

char *
model_outcome_text(const struct json *j)
{
	const struct json	*issue = json_at(json_get(j, "issue"), 0);
	const char		*s;

	s = json_gets(json_get(issue, "details"), "text");
	if (s == NULL || *s == '\0')
		s = json_gets(issue, "diagnostics");
	if (s == NULL || *s == '\0')
		return NULL;
	return sanitize_str(s, 0);
}

const char *
model_outcome_code(const struct json *j)
{
	return json_gets(json_at(json_get(j, "issue"), 0), "code");
}

void
model_medication_names(struct arena *a, const struct json *bundle,
    struct medication *meds, size_t n)
{
	const struct json	*r;
	const char		*id, *slash;
	size_t			 i, k, len;

	for (i = 0; i < n; i++) {
		if (meds[i].med_ref == NULL)
			continue;
		slash = strrchr(meds[i].med_ref, '/');
		for (k = 0; slash != NULL && k < json_size(json_get(bundle,
		    "entry")); k++) {
			r = json_get(json_at(json_get(bundle, "entry"), k),
			    "resource");
			if (!model_is(r, "Medication") ||
			    (id = json_gets(r, "id")) == NULL)
				continue;
			len = strlen(id);
			if (strcmp(slash + 1, id) != 0 || (size_t)(slash -
			    meds[i].med_ref) < 10 || strncmp(slash - 10,
			    "Medication", 10) != 0 || len == 0)
				continue;
			if ((id = model_concept(a, json_get(r, "code"))) != NULL)
				meds[i].name = (char *)id;
			break;
		}
	}
}
