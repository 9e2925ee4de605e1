/*
 * The health summary: allergies, active problems, medications,
 * immunizations and the latest vital signs, from one batch request.
 * Every row opens a detail; the same data prints as a wallet card.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"

enum { SUM_ALLERGY, SUM_PROBLEM, SUM_MED, SUM_IMM, SUM_VITAL, SUM_N };

#define SUM_ID(section, i)	((section) * 10000 + (int)(i))
#define SUM_MAX_ROWS		200	/* per section */

struct summary {
	struct arena		*a;
	struct patient		 patient;
	int			 have_patient;
	struct allergy		*allergies;
	struct condition	*problems;
	struct medication	*meds;
	struct immunization	*imms;
	struct observation	*vitals;
	size_t			 n[SUM_N];
	char			*withheld[SUM_N];	/* why a section is empty */
};

static const char *const sum_headings[SUM_N] = {
	"Allergies", "Active problems", "Medications", "Immunizations",
	"Latest vital signs"
};
static const char *const sum_nouns[SUM_N] = {
	"Allergy", "Problem", "Medication", "Immunization", "Vital sign"
};
static const char *const sum_empty[SUM_N] = {
	"No allergies on file.", "No active problems on file.",
	"No active medications on file.", "No immunizations on file.",
	"No vital signs on file."
};

static const char *
sum_time(struct arena *a, const struct fhir_time *t)
{
	char	out[64];

	fhir_time_format(t, out, sizeof out);
	return out[0] ? arena_strdup(a, out) : NULL;
}

/* Only the date, for things that happen on a day (onsets, vaccines). */
static const char *
sum_date(struct arena *a, const struct fhir_time *t)
{
	char	out[64];

	fhir_date_format(t, out, sizeof out);
	return out[0] ? arena_strdup(a, out) : NULL;
}

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

/* The label and value of item i of a section, for lists and the card. */
static void
sum_row(struct summary *s, int section, size_t i, const char **label,
    const char **value, int *flags)
{
	struct arena	*a = s->a;
	const char	*parts[4];

	*flags = 0;
	switch (section) {
	case SUM_ALLERGY: {
		const struct allergy *al = &s->allergies[i];

		*label = al->substance ? al->substance : "Unnamed allergy";
		parts[0] = al->reactions;
		parts[1] = al->severity;
		parts[2] = al->criticality && strcmp(al->criticality,
		    "high") == 0 ? "high risk" : NULL;
		*value = sum_join(a, parts, 3);
		if (parts[2] != NULL || (al->severity &&
		    strcmp(al->severity, "severe") == 0))
			*flags = ROW_ALERT;
		break;
	}
	case SUM_PROBLEM: {
		const struct condition *c = &s->problems[i];
		const char *since = sum_date(a, &c->onset);

		*label = c->name ? c->name : "Unnamed problem";
		*value = since ? arena_own(a, xasprintf("since %s", since)) :
		    NULL;
		break;
	}
	case SUM_MED: {
		const struct medication *m = &s->meds[i];

		*label = m->name ? m->name : "Unnamed medication";
		*value = m->dosage;
		break;
	}
	case SUM_IMM: {
		const struct immunization *im = &s->imms[i];

		*label = im->vaccine ? im->vaccine : "Unnamed vaccine";
		*value = sum_date(a, &im->date);
		break;
	}
	default: {
		const struct observation *o = &s->vitals[i];

		*label = o->name ? o->name : "Unnamed measurement";
		parts[0] = model_obs_value(a, o, 1);
		parts[1] = sum_time(a, &o->effective);
		*value = sum_join(a, parts, 2);
		if (model_obs_abnormal(o))
			*flags = ROW_ALERT;
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

	for (i = 0; i < s->n[SUM_VITAL]; i++) {
		const char *code = s->vitals[i].code;

		for (j = 0; j < k; j++) {
			if (code != NULL && s->vitals[j].code != NULL &&
			    strcmp(code, s->vitals[j].code) == 0)
				break;
		}
		if (j == k)
			s->vitals[k++] = s->vitals[i];
	}
	s->n[SUM_VITAL] = k;
}

static void
sum_clear(struct summary *s)
{
	size_t	i;

	arena_free(s->a);
	for (i = 0; i < SUM_N; i++)
		free(s->withheld[i]);
	memset(s, 0, sizeof *s);
}

static int
sum_load(struct app *app, struct summary *s, char **cause)
{
	struct fhir_result	 res;
	const char		*id = app_patient(app);
	const struct json	*b;
	char			*urls[6];
	long			 status;
	size_t			 i;
	int			 rc;

	sum_clear(s);
	s->a = arena_create();
	urls[0] = xasprintf("Patient/%s", id);
	urls[1] = xasprintf("AllergyIntolerance?patient=Patient/%s"
	    "&clinical-status=active", id);
	urls[2] = xasprintf("Condition?patient=Patient/%s&clinical-status="
	    "active&category=problem-list-item", id);
	urls[3] = xasprintf("MedicationRequest?patient=Patient/%s"
	    "&status=active", id);
	urls[4] = xasprintf("Immunization?patient=Patient/%s&_sort=-date", id);
	urls[5] = xasprintf("Observation?patient=Patient/%s&category="
	    "vital-signs&_sort=-date&_count=20", id);
	rc = fhir_batch(app->portal->fhir, (const char *const *)urls, 6, &res,
	    cause);
	for (i = 0; i < 6; i++)
		free(urls[i]);
	if (rc != 0) {
		fhir_result_free(&res);
		return -1;
	}
	if ((b = fhir_batch_entry(res.body, 0, &status, NULL)) != NULL)
		s->have_patient = model_patient(s->a, b, &s->patient) == 0;
	for (i = 0; i < SUM_N; i++) {
		b = fhir_batch_entry(res.body, i + 1, &status,
		    &s->withheld[i]);
		if (b == NULL)
			continue;
		switch (i) {
		case SUM_ALLERGY:
			s->allergies = sum_parse(s, b, sizeof *s->allergies,
			    sum_allergy, &s->n[i]);
			break;
		case SUM_PROBLEM:
			s->problems = sum_parse(s, b, sizeof *s->problems,
			    sum_condition, &s->n[i]);
			break;
		case SUM_MED:
			s->meds = sum_parse(s, b, sizeof *s->meds,
			    sum_medication, &s->n[i]);
			break;
		case SUM_IMM:
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
	fhir_result_free(&res);
	return 0;
}

static int
sum_fetch(struct app *app, void *state, char **cause)
{
	return sum_load(app, state, cause);
}

static int
sum_open(struct app *app, void *arg, void **state, char **cause)
{
	struct summary	*s = xcalloc(1, sizeof *s);

	if (sum_load(app, s, cause) != 0) {
		sum_clear(s);
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
sum_view(struct app *app, void *state, struct view *v)
{
	struct summary	*s = state;
	const char	*label, *value;
	size_t		 i;
	int		 section, flags;

	for (section = 0; section < SUM_N; section++) {
		view_heading(v, sum_headings[section]);
		if (s->withheld[section] != NULL) {
			view_text(v, view_printf(v, "Not shown: %s",
			    s->withheld[section]));
			continue;
		}
		if (s->n[section] == 0)
			view_text(v, sum_empty[section]);
		for (i = 0; i < s->n[section]; i++) {
			sum_row(s, section, i, &label, &value, &flags);
			view_item(v, SUM_ID(section, i), sum_nouns[section],
			    label, value, flags);
		}
	}
}

static struct detail *
sum_detail(struct summary *s, int section, size_t i)
{
	struct arena	*a = s->a;
	struct detail	*d;
	char		 refills[32];

	switch (section) {
	case SUM_ALLERGY: {
		const struct allergy *al = &s->allergies[i];

		d = detail_create("Allergy");
		detail_add(d, "Allergy to", al->substance);
		detail_add(d, "Reactions", al->reactions);
		detail_add(d, "Severity", al->severity);
		detail_add(d, "Risk", al->criticality);
		detail_add(d, "Status", al->clinical_status);
		detail_add(d, "Confirmed", al->verification);
		detail_add(d, "Kind", al->category);
		detail_add(d, "Since", sum_date(a, &al->onset));
		detail_add(d, "Recorded", sum_date(a, &al->recorded));
		detail_add(d, "Note", al->note);
		return d;
	}
	case SUM_PROBLEM: {
		const struct condition *c = &s->problems[i];

		d = detail_create("Problem");
		detail_add(d, "Problem", c->name);
		detail_add(d, "Status", c->clinical_status);
		detail_add(d, "Since", sum_date(a, &c->onset));
		detail_add(d, "Recorded", sum_date(a, &c->recorded));
		detail_add(d, "Kind", c->category);
		detail_add(d, "Note", c->note);
		return d;
	}
	case SUM_MED: {
		const struct medication *m = &s->meds[i];

		d = detail_create("Medication");
		detail_add(d, "Medication", m->name);
		detail_add(d, "Instructions", m->dosage);
		detail_add(d, "Prescribed by", m->requester);
		detail_add(d, "Prescribed", sum_date(a, &m->authored));
		detail_add(d, "Status", m->status);
		if (m->refills >= 0) {
			snprintf(refills, sizeof refills, "%d", m->refills);
			detail_add(d, "Refills left", refills);
		}
		if (m->refill_eligible >= 0)
			detail_add(d, "Refill request", m->refill_eligible ?
			    "Can be requested" : "Not available now; ask your "
			    "care team");
		return d;
	}
	case SUM_IMM: {
		const struct immunization *im = &s->imms[i];

		d = detail_create("Immunization");
		detail_add(d, "Vaccine", im->vaccine);
		detail_add(d, "Given", sum_date(a, &im->date));
		detail_add(d, "Status", im->status);
		detail_add(d, "Site", im->site);
		detail_add(d, "Lot", im->lot);
		return d;
	}
	default: {
		const struct observation *o = &s->vitals[i];

		d = detail_create("Vital sign");
		detail_add(d, "Measurement", o->name);
		detail_add(d, "Value", model_obs_value(a, o, 1));
		detail_add(d, "Normal range", model_range_format(a, &o->range));
		detail_add(d, "Measured", sum_time(a, &o->effective));
		detail_add(d, "Status", o->status);
		detail_add(d, "Comment", o->note);
		return d;
	}
	}
}

static int
sum_action(struct app *app, void *state, enum action a,
    const struct view_row *r)
{
	struct summary	*s = state;
	int		 section = r->id / 10000;
	size_t		 i = (size_t)(r->id % 10000);

	if (r->kind != ROW_ITEM || section < 0 || section >= SUM_N ||
	    i >= s->n[section])
		return 0;
	return app_push(app, &screen_detail, sum_detail(s, section, i));
}

static void
sum_close(void *state)
{
	sum_clear(state);
	free(state);
}

int
summary_write_text(struct app *app, FILE *out, char **cause)
{
	struct summary	 s;
	const char	*label, *value, *born;
	char		 today[32];
	time_t		 now = time(NULL);
	struct tm	 tm;
	size_t		 i;
	int		 section, flags;

	memset(&s, 0, sizeof s);
	if (sum_load(app, &s, cause) != 0) {
		sum_clear(&s);
		return -1;
	}
	localtime_r(&now, &tm);
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	fprintf(out, "Health summary: %s\n", app_whose(app) ?
	    app_whose(app) : "?");
	born = s.have_patient ? sum_time(s.a, &s.patient.birth) : NULL;
	if (born != NULL)
		fprintf(out, "Born: %s\n", born);
	fprintf(out, "From: %s, on %s\n", app->portal->srv.root, today);
	for (section = 0; section < SUM_N; section++) {
		fprintf(out, "\n%s\n", sum_headings[section]);
		if (s.withheld[section] != NULL)
			fprintf(out, "  Not shown: %s\n", s.withheld[section]);
		else if (s.n[section] == 0)
			fprintf(out, "  %s\n", sum_empty[section]);
		for (i = 0; i < s.n[section]; i++) {
			sum_row(&s, section, i, &label, &value, &flags);
			if (value != NULL && *value != '\0')
				fprintf(out, "- %s: %s\n", label, value);
			else
				fprintf(out, "- %s\n", label);
		}
	}
	sum_clear(&s);
	if (fflush(out) != 0 || ferror(out)) {
		*cause = xstrdup("The summary could not be written.");
		return -1;
	}
	return 0;
}

const struct screen screen_summary = {
	.name = "summary",
	.title = "Health summary",
	.loading = "Loading health summary...",
	.open = sum_open,
	.fetch = sum_fetch,
	.view = sum_view,
	.action = sum_action,
	.close = sum_close,
};
