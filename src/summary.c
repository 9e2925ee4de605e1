/*
 * The health summary as records: the patient, active allergies and
 * problems, active medications, immunizations and the latest vital signs,
 * from one batch request; their rows in words, and the wallet card.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bill.h"
#include "fhir.h"
#include "format.h"
#include "json.h"
#include "model.h"
#include "summary.h"
#include "util.h"
#include "visit.h"

#define SUM_MAX_ROWS		200	/* per section */


const char *const summary_headings[SUMMARY_N] = {
	"Allergies", "Active problems", "Medications", "Immunizations",
	"Latest vital signs"
};
const char *const summary_nouns[SUMMARY_N] = {
	"Allergy", "Problem", "Medication", "Immunization", "Vital sign"
};
const char *const summary_empty[SUMMARY_N] = {
	"No allergies on file.", "No active problems on file.",
	"No active medications on file.", "No immunizations on file.",
	"No vital signs on file."
};

const char *
summary_time(struct arena *a, const struct fhir_time *t)
{
	char	out[64];

	fhir_time_format(t, out, sizeof out);
	return out[0] ? arena_strdup(a, out) : NULL;
}

/* Only the date, for things that happen on a day (onsets, vaccines). */
const char *
summary_date(struct arena *a, const struct fhir_time *t)
{
	char	out[64];

	fhir_date_format(t, out, sizeof out);
	return out[0] ? arena_strdup(a, out) : NULL;
}

static void	sum_row(struct summary *, int, size_t, const char **,
		    const char **, int *);

/* Join non-empty parts with ", " into the arena. */
static const char *
sum_join(struct arena *a, const char *const *parts, size_t n)
{
	struct buf	b;
	size_t		i;
	char		*s;

	buf_init(&b, 64 * 1024);
	for (i = 0; i < n; i++) {
		if (parts[i] == NULL || *parts[i] == '\0')
			continue;
		buf_printf(&b, "%s%s", b.len ? ", " : "", parts[i]);
	}
	s = arena_strdup(a, b.data ? b.data : "");
	buf_free(&b, 1);
	return s;
}

void
summary_row(struct summary *s, int section, size_t i, const char **label,
    const char **value, int *alert)
{
	sum_row(s, section, i, label, value, alert);
	/* Linked organizations: where it comes from. */
	if (s->from[section] != NULL && s->from[section][i] != NULL) {
		size_t	n = *value ? strlen(*value) : 0;

		/* "..., from X", or after a sentence "... From X." */
		*value = arena_own(s->a, n > 0 && (*value)[n - 1] == '.' ?
		    xasprintf("%s From %s.", *value, s->from[section][i]) :
		    xasprintf("%s%sfrom %s", n ? *value : "", n ? ", " : "",
		    s->from[section][i]));
	}
}

static void
sum_row(struct summary *s, int section, size_t i, const char **label,
    const char **value, int *alert)
{
	struct arena	*a = s->a;
	const char	*parts[4];

	*alert = 0;
	switch (section) {
	case SUMMARY_ALLERGY: {
		const struct allergy *al = &s->allergies[i];

		*label = al->substance ? al->substance : "Unnamed allergy";
		parts[0] = al->reactions;
		parts[1] = al->severity;
		parts[2] = al->criticality && strcmp(al->criticality,
		    "high") == 0 ? "high risk" : NULL;
		*value = sum_join(a, parts, 3);
		if (parts[2] != NULL || (al->severity &&
		    strcmp(al->severity, "severe") == 0))
			*alert = 1;
		break;
	}
	case SUMMARY_PROBLEM: {
		const struct condition *c = &s->problems[i];
		const char *since = summary_date(a, &c->onset);

		*label = c->name ? c->name : "Unnamed problem";
		*value = since ? arena_own(a, xasprintf("since %s", since)) :
		    NULL;
		break;
	}
	case SUMMARY_MED: {
		const struct medication *m = &s->meds[i];

		*label = m->name ? m->name : "Unnamed medication";
		*value = m->dosage;
		break;
	}
	case SUMMARY_IMM: {
		const struct immunization *im = &s->imms[i];

		*label = im->vaccine ? im->vaccine : "Unnamed vaccine";
		*value = summary_date(a, &im->date);
		break;
	}
	default: {
		const struct observation *o = &s->vitals[i];

		*label = o->name ? o->name : "Unnamed measurement";
		parts[0] = format_obs_value(a, o, 1);
		parts[1] = summary_time(a, &o->effective);
		*value = sum_join(a, parts, 2);
		if (format_obs_abnormal(o))
			*alert = 1;
		break;
	}
	}
}

/* Parse a searchset into an array of records of size each. */
static void *
sum_parse(struct summary *s, const struct json *bundle, size_t size,
    int (*parse)(struct arena *, const struct json *, void *), size_t *n)
{
	size_t		 i, count = fhir_bundle_count(bundle);
	unsigned char	*out;

	if (count > SUM_MAX_ROWS)
		count = SUM_MAX_ROWS;
	out = arena_alloc(s->a, (count ? count : 1) * size);
	*n = 0;
	for (i = 0; i < count; i++) {
		if (parse(s->a, fhir_bundle_resource(bundle, i),
		    out + *n * size) == 0)
			(*n)++;
	}
	return out;
}

/* Parsers with one signature, for sum_parse(). */
static int
sum_allergy(struct arena *a, const struct json *j, void *out)
{
	return model_allergy(a, j, out);
}

static int
sum_condition(struct arena *a, const struct json *j, void *out)
{
	return model_condition(a, j, out);
}

static int
sum_medication(struct arena *a, const struct json *j, void *out)
{
	return model_medication(a, j, out);
}

static int
sum_immunization(struct arena *a, const struct json *j, void *out)
{
	return model_immunization(a, j, out);
}

static int
sum_observation(struct arena *a, const struct json *j, void *out)
{
	return model_observation(a, j, out);
}

/* Keep the newest observation of each code (the list is newest first). */
static void
sum_latest(struct summary *s)
{
	size_t	i, j, k = 0;

	for (i = 0; i < s->n[SUMMARY_VITAL]; i++) {
		const char *code = s->vitals[i].code;

		for (j = 0; j < k; j++) {
			if (code != NULL && s->vitals[j].code != NULL &&
			    strcmp(code, s->vitals[j].code) == 0)
				break;
		}
		if (j == k)
			s->vitals[k++] = s->vitals[i];
	}
	s->n[SUMMARY_VITAL] = k;
}

void
summary_clear(struct summary *s)
{
	size_t	i;

	arena_free(s->a);
	arena_free(s->merged);
	for (i = 0; i < SUMMARY_N; i++)
		free(s->withheld[i]);
	free(s->missing);
	memset(s, 0, sizeof *s);
}

/*
 * What the wallet card prints of each record of the batch (where the
 * server takes _elements, on the read too; fhir.c drops it where not):
 * the patient's name and birth date, each row's label and value
 * (summary_row()).
 */
static const char *const sum_card_elements[SUMMARY_URLS] = {
	"name,birthDate",
	"code,reaction,criticality",
	"code,onset",
	"medication,dosageInstruction",
	"vaccineCode,occurrence",
	"code,value,component,effective,interpretation",
};

/* The batch's urls; with only what the wallet card prints when card. */
static size_t
sum_urls(const struct fhir *f, const char *id, char **urls, int card)
{
	char	*ref = fhir_ref("Patient", id), *url;
	size_t	 i;

	urls[0] = fhir_path("Patient", id, NULL);
	urls[1] = fhir_query("AllergyIntolerance?clinical-status=active",
	    "patient", ref, NULL);
	urls[2] = fhir_query("Condition?clinical-status=active"
	    "&category=problem-list-item", "patient", ref, NULL);
	urls[3] = fhir_query("MedicationRequest?status=active"
	    "&_include=MedicationRequest:medication", "patient", ref, NULL);
	urls[4] = fhir_query("Immunization?_sort=-date", "patient", ref,
	    NULL);
	/* The latest vital sign of each kind: by $lastn where the server
	 * announces it, else the last 20, the latest of each picked here. */
	if (fhir_can(f, "Observation") & FHIR_CAN_LASTN)
		urls[5] = fhir_query("Observation/$lastn?category=vital-signs"
		    "&max=1", "patient", ref, NULL);
	else
		urls[5] = fhir_query("Observation?category=vital-signs"
		    "&_sort=-date&_count=20", "patient", ref, NULL);
	free(ref);
	for (i = 0; card && i < SUMMARY_URLS; i++) {
		url = fhir_query(urls[i], "_elements", sum_card_elements[i],
		    NULL);
		free(urls[i]);
		urls[i] = url;
	}
	return SUMMARY_URLS;
}

size_t
summary_urls(const struct fhir *f, const char *id, char **urls)
{
	return sum_urls(f, id, urls, 0);
}

void
summary_take(struct summary *s, const struct json *body)
{
	const struct json	*b;
	long			 status;
	size_t			 i;

	summary_clear(s);
	s->a = arena_create();
	if ((b = fhir_batch_entry(body, 0, &status, NULL)) != NULL)
		s->have_patient = model_patient(s->a, b, &s->patient) == 0;
	for (i = 0; i < SUMMARY_N; i++) {
		b = fhir_batch_entry(body, i + 1, &status, &s->withheld[i]);
		if (b == NULL)
			continue;
		switch (i) {
		case SUMMARY_ALLERGY:
			s->allergies = sum_parse(s, b, sizeof *s->allergies,
			    sum_allergy, &s->n[i]);
			break;
		case SUMMARY_PROBLEM:
			s->problems = sum_parse(s, b, sizeof *s->problems,
			    sum_condition, &s->n[i]);
			break;
		case SUMMARY_MED:
			s->meds = sum_parse(s, b, sizeof *s->meds,
			    sum_medication, &s->n[i]);
			model_medication_names(s->a, b, s->meds, s->n[i]);
			break;
		case SUMMARY_IMM:
			s->imms = sum_parse(s, b, sizeof *s->imms,
			    sum_immunization, &s->n[i]);
			break;
		default:
			s->vitals = sum_parse(s, b, sizeof *s->vitals,
			    sum_observation, &s->n[i]);
			sum_latest(s);
			break;
		}
	}
}

/* The summary, whole or (card) only what the wallet card prints. */
static int
sum_load(struct fhir *f, const char *id, struct summary *s, int card,
    char **cause)
{
	struct fhir_result	 res;
	char			*urls[SUMMARY_URLS + 1];

	summary_clear(s);
	if (fhir_batch_take(f, urls, sum_urls(f, id, urls, card), &res,
	    cause) != 0)
		return -1;
	summary_take(s, res.body);
	fhir_result_free(&res);
	return 0;
}

int
summary_load(struct fhir *f, const char *id, struct summary *s,
    char **cause)
{
	return sum_load(f, id, s, 0, cause);
}


int
summary_write_text(struct fhir *f, const char *patient, const char *whose,
    const char *from, FILE *out, char **cause)
{
	struct summary	 s;
	const char	*label, *value, *born;
	char		 today[32], *said;
	time_t		 now = time(NULL), kept;
	struct tm	 tm;
	size_t		 i;
	int		 section, alert;

	memset(&s, 0, sizeof s);
	if (sum_load(f, patient, &s, 1, cause) != 0) {
		summary_clear(&s);
		return -1;
	}
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	if (whose == NULL && s.have_patient)
		whose = s.patient.name;
	fprintf(out, "Health summary: %s\n", whose ? whose : "?");
	born = s.have_patient ? summary_time(s.a, &s.patient.birth) : NULL;
	if (born != NULL)
		fprintf(out, "Born: %s\n", born);
	fprintf(out, "From: %s, on %s\n", from, today);
	if ((kept = fhir_take_as_of(f)) != 0) {
		/* Printed from kept records: the card says since when. */
		said = format_as_of(kept);
		fprintf(out, "%s\n", said);
		free(said);
	}
	for (section = 0; section < SUMMARY_N; section++) {
		fprintf(out, "\n%s\n", summary_headings[section]);
		if (s.withheld[section] != NULL)
			fprintf(out, "  Not shown: %s\n", s.withheld[section]);
		else if (s.n[section] == 0)
			fprintf(out, "  %s\n", summary_empty[section]);
		for (i = 0; i < s.n[section]; i++) {
			summary_row(&s, section, i, &label, &value, &alert);
			if (value != NULL && *value != '\0')
				fprintf(out, "- %s: %s\n", label, value);
			else
				fprintf(out, "- %s\n", label);
		}
	}
	summary_clear(&s);
	if (fflush(out) != 0 || ferror(out)) {
		*cause = xstrdup("The summary could not be written.");
		return -1;
	}
	return 0;
}


/* The searches of Home's counts, in the order of SUMMARY_COUNT_*. */
/* Visits of today asked with the next one, to find it among them. */
#define SUMMARY_TODAY	10

static const char *const summary_home_queries[SUMMARY_NCOUNTS] = {
	"AllergyIntolerance?clinical-status=active",
	"Condition?clinical-status=active&category=problem-list-item",
	"MedicationRequest?status=active",
	"Immunization?_summary=count",
	"DiagnosticReport?_summary=count",
	"Task?code=fulfill&status=requested",
};

/* The parts of Patient/<id>/$overview that are Home's counts, in the
 * same order. */
static const char *const summary_home_parts[SUMMARY_NCOUNTS] = {
	"allergies", "problems", "medications", "immunizations", "reports",
	"refill-requests"
};

void
summary_home_clear(struct summary_home *h)
{
	free(h->withheld);
	free(h->next_visit);
	memset(h, 0, sizeof *h);
}

/* What Home says of the next visit. */
static char *
sum_next_visit(const struct fhir_time *start, const char *type, int checkin)
{
	char	when[32];

	fhir_time_format(start, when, sizeof when);
	return xasprintf("next: %s, %s%s", when, type ? type : "visit",
	    checkin == 1 ? "; eCheck-in is open" : "");
}

/* The value (or, value NULL, the part itself) of part name of a
 * Parameters' list or a part's parts, or NULL. */
static const struct json *
sum_part(const struct json *list, const char *name, const char *value)
{
	const struct json	*p;
	const char		*n;
	size_t			 i;

	for (i = 0; i < json_size(list); i++) {
		p = json_at(list, i);
		if ((n = json_gets(p, "name")) != NULL && strcmp(n, name) == 0)
			return value != NULL ? json_get(p, value) : p;
	}
	return NULL;
}

/* A count of the overview: a whole number, or -1 when not there. */
static long
sum_part_count(const struct json *list, const char *name)
{
	long long	n;

	if (json_int(sum_part(list, name, "valueInteger"), 0, 1000000000,
	    &n) != 0)
		return -1;
	return (long)n;
}

/*
 * Home from Patient/<id>/$overview, where the server announces it (an
 * addition to the contract): one small answer instead of the searches.
 * A part not there is not known (a limited proxy's: withheld says why).
 */
static int
sum_home_overview(struct fhir *f, const char *patient,
    struct summary_home *h, char **cause)
{
	struct fhir_result	 res;
	const struct json	*list, *next, *v;
	struct fhir_time	 start;
	struct arena		*a;
	char			*path, *s;
	double			 d;
	size_t			 i;

	path = fhir_path("Patient", strncmp(patient, "Patient/", 8) == 0 ?
	    patient + 8 : patient, "$overview");
	if (fhir_request(f, "GET", path, NULL, NULL, &res, cause) != 0) {
		free(path);
		fhir_result_free(&res);
		return -1;
	}
	free(path);
	a = arena_create();
	list = json_get(res.body, "parameter");
	for (i = 0; i < SUMMARY_NCOUNTS; i++)
		h->count[i] = sum_part_count(list, summary_home_parts[i]);
	h->unread = sum_part_count(list, "unread");
	v = json_get(sum_part(list, "balance-due", "valueMoney"), "value");
	h->owed = json_num(v, &d) == 0 && d >= 0 && d < 1e9 ? d : -1;
	if ((s = model_str(a, sum_part(list, "withheld", NULL),
	    "valueString")) != NULL)
		h->withheld = xstrdup(s);
	next = sum_part(list, "next-visit", "part");
	if (next != NULL && fhir_time_parse(json_str(sum_part(next, "start",
	    "valueInstant")), &start) == 0)
		h->next_visit = sum_next_visit(&start, model_concept(a,
		    sum_part(next, "type", "valueCodeableConcept")),
		    json_bool(sum_part(next, "checkin-open", "valueBoolean")));
	arena_free(a);
	fhir_result_free(&res);
	return 0;
}

int
summary_home_load(struct fhir *f, const char *patient,
    struct summary_home *h, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b;
	char			*urls[SUMMARY_NCOUNTS + 3], *why, now[32], *ge;
	long			 status;
	size_t			 i;
	struct arena		*a;
	struct visit		 v;

	if (fhir_can(f, "Patient") & FHIR_CAN_OVERVIEW)
		return sum_home_overview(f, patient, h, cause);
	for (i = 0; i < SUMMARY_NCOUNTS; i++) {
		urls[i] = fhir_query(summary_home_queries[i], "patient",
		    patient, "_summary",
		    strstr(summary_home_queries[i], "_summary") ? NULL : "count",
		    NULL);
		h->count[i] = -1;
	}
	/* The next visit, for the Appointments line: asked from the start
	 * of today (the same address all day, so what was kept answers
	 * it), the first not yet begun picked here. */
	visit_instant_write(visit_midnight(time(NULL), 0), now, sizeof now);
	ge = xasprintf("ge%s", now);
	/* Only the elements Home reads (where the server takes _elements:
	 * fhir.c drops it where not): the visit's time, type and eCheck-in
	 * flag; what is due on each bill; each conversation's unread count. */
	urls[SUMMARY_NCOUNTS] = fhir_query("Appointment?status=booked,"
	    "checked-in,arrived&_sort=date&_count=" FHIR_NUM(SUMMARY_TODAY)
	    "&_elements=start,"
	    "serviceType,extension", "patient", patient, "date", ge, NULL);
	free(ge);
	urls[SUMMARY_NCOUNTS + 1] = fhir_query("Invoice?status=issued&_count=50"
	    "&_elements=extension", "subject", patient, NULL);
	urls[SUMMARY_NCOUNTS + 2] = fhir_query("Communication?part-of:missing="
	    "true&_count=50&_elements=extension", "subject", patient, NULL);
	if (fhir_batch_take(f, urls, SUMMARY_NCOUNTS + 3, &res,
	    cause) != 0)
		return -1;
	b = fhir_batch_entry(res.body, SUMMARY_NCOUNTS, &status, NULL);
	a = arena_create();
	for (i = 0; h->next_visit == NULL && i < fhir_bundle_count(b); i++) {
		if (visit_parse(a, fhir_bundle_resource(b, i), &v) == 0 &&
		    v.start.t >= time(NULL))
			h->next_visit = sum_next_visit(&v.start, v.type,
			    v.checkin_open);
	}
	b = fhir_batch_entry(res.body, SUMMARY_NCOUNTS + 1, &status, NULL);
	h->owed = b != NULL ? 0 : -1;
	for (i = 0; b != NULL && i < fhir_bundle_count(b); i++) {
		struct bill bill;

		if (bill_parse(a, fhir_bundle_resource(b, i), &bill) == 0)
			h->owed += bill.due;
	}
	/* New messages: the unread counts the portal keeps per conversation. */
	b = fhir_batch_entry(res.body, SUMMARY_NCOUNTS + 2, &status, NULL);
	h->unread = b != NULL ? 0 : -1;
	for (i = 0; b != NULL && i < fhir_bundle_count(b); i++) {
		struct message m;

		if (model_message(a, fhir_bundle_resource(b, i), &m) == 0)
			h->unread += m.unread;
	}
	arena_free(a);
	for (i = 0; i < SUMMARY_NCOUNTS; i++) {
		why = NULL;
		b = fhir_batch_entry(res.body, i, &status, &why);
		if (b != NULL)
			h->count[i] = fhir_bundle_total(b);
		else if (h->withheld == NULL)
			h->withheld = why;
		else
			free(why);
	}
	fhir_result_free(&res);
	return 0;
}


/* Section sec's rows of s: the array's address and a row's size. */
static void **
sum_rows(struct summary *s, int sec, size_t *size)
{
	switch (sec) {
	case SUMMARY_ALLERGY:
		*size = sizeof *s->allergies;
		return (void **)&s->allergies;
	case SUMMARY_PROBLEM:
		*size = sizeof *s->problems;
		return (void **)&s->problems;
	case SUMMARY_MED:
		*size = sizeof *s->meds;
		return (void **)&s->meds;
	case SUMMARY_IMM:
		*size = sizeof *s->imms;
		return (void **)&s->imms;
	default:
		*size = sizeof *s->vitals;
		return (void **)&s->vitals;
	}
}

/* The row of s's section sec that o's row i records too, or -1. */
static long
sum_same(const struct summary *s, const struct summary *o, int sec,
    size_t i)
{
	char	d1[16], d2[16];
	size_t	j;

	for (j = 0; j < s->n[sec]; j++) {
		if (sec == SUMMARY_ALLERGY && o->allergies[i].code != NULL &&
		    s->allergies[j].code != NULL && strcmp(o->allergies[i].code,
		    s->allergies[j].code) == 0)
			return (long)j;
		if (sec != SUMMARY_IMM || o->imms[i].code == NULL ||
		    s->imms[j].code == NULL || strcmp(o->imms[i].code,
		    s->imms[j].code) != 0)
			continue;
		/* The same vaccine on the same day. */
		fhir_date_format(&o->imms[i].date, d1, sizeof d1);
		fhir_date_format(&s->imms[j].date, d2, sizeof d2);
		if (d1[0] != '\0' && strcmp(d1, d2) == 0)
			return (long)j;
	}
	return -1;
}

/* The row of rows[n] measuring what o does (its code), or -1. */
static long
sum_same_vital(const struct observation *rows, size_t n,
    const struct observation *o)
{
	size_t	j;

	for (j = 0; o->code != NULL && j < n; j++) {
		if (rows[j].code != NULL && strcmp(rows[j].code, o->code) == 0)
			return (long)j;
	}
	return -1;
}

void
summary_merge(struct summary *s, struct summary *o, const char *here,
    const char *there)
{
	void		**rows, **orows;
	unsigned char	 *grown;
	const char	**from;
	size_t		  size, i, k, n;
	long		  same;
	int		  sec;

	if (s->a == NULL)
		s->a = arena_create();
	here = arena_strdup(s->a, here);
	there = arena_strdup(s->a, there);
	for (sec = 0; sec < SUMMARY_N; sec++) {
		rows = sum_rows(s, sec, &size);
		orows = sum_rows(o, sec, &size);
		n = s->n[sec];
		grown = arena_alloc(s->a, (n + o->n[sec] + 1) * size);
		from = arena_alloc(s->a, (n + o->n[sec] + 1) * sizeof *from);
		if (n > 0)
			memcpy(grown, *rows, n * size);
		for (i = 0; i < n; i++)
			from[i] = s->from[sec] ? s->from[sec][i] : here;
		for (i = 0; i < o->n[sec]; i++) {
			if (sec == SUMMARY_VITAL && (same = sum_same_vital(
			    (struct observation *)grown, n, &o->vitals[i])) >=
			    0) {
				/* The latest of the two, wherever it is from. */
				if (o->vitals[i].effective.t >
				    ((struct observation *)grown)[same].
				    effective.t) {
					memcpy(grown + same * size, &o->vitals[i],
					    size);
					from[same] = there;
				}
				continue;
			}
			if ((same = sum_same(s, o, sec, i)) >= 0) {
				from[same] = arena_own(s->a, xasprintf("%s and "
				    "%s", from[same], there));
				continue;
			}
			k = n++;
			memcpy(grown + k * size, (unsigned char *)*orows +
			    i * size, size);
			from[k] = there;
			/* Another organization's refills are asked there. */
			if (sec == SUMMARY_MED)
				((struct medication *)(void *)grown)[k].
				    refill_eligible = -1;
		}
		*rows = grown;
		s->from[sec] = from;
		s->n[sec] = n;
		if (o->withheld[sec] != NULL && s->withheld[sec] == NULL &&
		    n == 0) {
			s->withheld[sec] = o->withheld[sec];
			o->withheld[sec] = NULL;
		}
	}
	/* o's rows point into its arenas: s keeps them. */
	if (s->merged == NULL)
		s->merged = arena_create();
	arena_keep(s->merged, o->a);
	arena_keep(s->merged, o->merged);
	o->a = o->merged = NULL;
}

void
summary_missing(struct summary *s, const char *org, const char *why)
{
	char	*was = s->missing;

	s->missing = xasprintf("%s%s%s: %s", was ? was : "", was ? " " : "",
	    org, why ? why : "it could not be reached.");
	free(was);
}
