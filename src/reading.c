/* Readings a patient enters: checks, and the Observation that is sent. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fhir.h"
#include "json.h"
#include "model.h"
#include "reading.h"
#include "util.h"

#define READING_PAST_DAYS	365	/* older readings are refused */

static const struct {
	const char	*arg;
	const char	*title;
	const char	*code, *display;
	const char	*what;		/* for messages */
	double		 min, max;
} reading_kinds[] = {
	[READING_GLUCOSE] = { "glucose", "New blood glucose reading",
	    "2339-0", "Glucose [Mass/volume] in Blood", "Blood glucose",
	    20, 600 },
	[READING_WEIGHT] = { "weight", "New weight", "29463-7",
	    "Body weight", "Weight", 2, 350 },
	[READING_BP] = { "bp", "New blood pressure reading", "85354-9",
	    "Blood pressure panel with all children optional",
	    "Systolic pressure", 60, 260 },
};

#define READING_LB_PER_KG	2.20462
#define READING_DIA_MIN		30
#define READING_DIA_MAX		160

int
reading_kind_parse(const char *s, enum reading_kind *kind)
{
	size_t	i;

	for (i = 0; s != NULL && i < sizeof reading_kinds /
	    sizeof reading_kinds[0]; i++) {
		if (strcmp(s, reading_kinds[i].arg) == 0) {
			*kind = (enum reading_kind)i;
			return 0;
		}
	}
	return -1;
}

const char *
reading_title(enum reading_kind kind)
{
	return reading_kinds[kind].title;
}

int
reading_time_parse(const char *s, time_t now, time_t *out)
{
	struct tm	tm;
	int		y, mo, d, h = 12, mi = 0, n = 0;
	char		extra;

	while (*s == ' ')
		s++;
	if (strcmp(s, "now") == 0 || *s == '\0') {
		*out = now;
		return 0;
	}
	localtime_r(&now, &tm);
	if (sscanf(s, "%2d:%2d%n", &h, &mi, &n) == 2 && s[n] == '\0') {
		y = tm.tm_year + 1900;
		mo = tm.tm_mon + 1;
		d = tm.tm_mday;
	} else if (sscanf(s, "%4d-%2d-%2d %2d:%2d %c", &y, &mo, &d, &h, &mi,
	    &extra) == 5) {
		/* a date and a time */
	} else if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 &&
	    s[n] == '\0') {
		h = 12;
		mi = 0;
	} else
		return -1;
	if (y < 1900 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h < 0 || h > 23 || mi < 0 || mi > 59)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_isdst = -1;
	if ((*out = mktime(&tm)) == (time_t)-1 || tm.tm_mday != d)
		return -1;	/* 31 November, say */
	return 0;
}

/* A whole decimal number (a point or comma for decimals) in *out. */
static int
reading_number(const char *s, double *out)
{
	char	 buf[64], *end, *c;

	while (*s == ' ')
		s++;
	if (*s == '\0' || strlen(s) >= sizeof buf)
		return -1;
	strlcpy_c(buf, s, sizeof buf);
	if ((c = strchr(buf, ',')) != NULL)
		*c = '.';
	*out = strtod(buf, &end);
	while (*end == ' ')
		end++;
	return *end == '\0' && end != buf && isfinite(*out) ? 0 : -1;
}

int
reading_check(struct reading *r, const char *v1, const char *v2,
    const char *when, time_t now, char **cause)
{
	double	min = reading_kinds[r->kind].min;
	double	max = reading_kinds[r->kind].max;
	const char *unit = r->kind == READING_GLUCOSE ? " mg/dL" :
	    r->kind == READING_BP ? " mmHg" : r->lb ? " lb" : " kg";

	if (r->kind == READING_WEIGHT && r->lb) {
		min = round(min * READING_LB_PER_KG);
		max = round(max * READING_LB_PER_KG);
	}
	if (reading_number(v1, &r->v1) != 0) {
		*cause = xasprintf("%s: type a number, such as %s.",
		    reading_kinds[r->kind].what, r->kind == READING_GLUCOSE ?
		    "105" : r->kind == READING_BP ? "120" : "70.5");
		return -1;
	}
	if (r->v1 < min || r->v1 > max) {
		*cause = xasprintf("%s must be between %g and %g%s. Check the "
		    "number%s.", reading_kinds[r->kind].what, min, max, unit,
		    r->kind == READING_WEIGHT ? " and the unit" : "");
		return -1;
	}
	if (r->kind == READING_BP) {
		if (reading_number(v2, &r->v2) != 0) {
			*cause = xstrdup("Diastolic pressure: type a number, "
			    "such as 80.");
			return -1;
		}
		if (r->v2 < READING_DIA_MIN || r->v2 > READING_DIA_MAX) {
			*cause = xasprintf("Diastolic pressure must be between "
			    "%d and %d mmHg.", READING_DIA_MIN,
			    READING_DIA_MAX);
			return -1;
		}
		if (r->v2 >= r->v1) {
			*cause = xstrdup("The top number (systolic) must be "
			    "higher than the bottom number (diastolic).");
			return -1;
		}
	}
	if (reading_time_parse(when, now, &r->when) != 0) {
		*cause = xstrdup("When: type now, a time such as 14:30, or a "
		    "date and time such as 2026-11-30 14:30.");
		return -1;
	}
	if (r->when > now + 60) {
		*cause = xstrdup("When: that time is in the future.");
		return -1;
	}
	if (r->when < now - READING_PAST_DAYS * 86400) {
		*cause = xstrdup("When: readings older than a year cannot be "
		    "added here.");
		return -1;
	}
	return 0;
}

/* {"coding":[{system, code, display}], "text"} under key of j. */
static void
reading_concept(struct json *j, const char *key, const char *system,
    const char *code, const char *display)
{
	struct json	*cc = json_add_object(j, key);
	struct json	*c = json_add_object(json_add_array(cc, "coding"), NULL);

	json_add_str(c, "system", system);
	json_add_str(c, "code", code);
	json_add_str(c, "display", display);
	json_add_str(cc, "text", display);
}

static void
reading_quantity(struct json *j, double v, const char *unit,
    const char *code)
{
	struct json	*q = json_add_object(j, "valueQuantity");

	json_add_num(q, "value", round(v * 10) / 10);
	json_add_str(q, "unit", unit);
	json_add_str(q, "system", "http://unitsofmeasure.org");
	json_add_str(q, "code", code);
}

struct json *
reading_observation(const struct reading *r, const char *patient)
{
	struct json	*o, *arr, *c;
	char		 when[64];

	o = json_new_object();
	json_add_str(o, "resourceType", "Observation");
	json_add_str(o, "status", "final");
	arr = json_add_array(o, "category");
	c = json_add_object(arr, NULL);
	c = json_add_object(json_add_array(c, "coding"), NULL);
	json_add_str(c, "system", "http://terminology.hl7.org/CodeSystem/"
	    "observation-category");
	json_add_str(c, "code", r->kind == READING_GLUCOSE ? "laboratory" :
	    "vital-signs");
	reading_concept(o, "code", "http://loinc.org",
	    reading_kinds[r->kind].code, reading_kinds[r->kind].display);
	json_add_str(json_add_object(o, "subject"), "reference", patient);
	json_add_str(json_add_object(json_add_array(o, "performer"), NULL),
	    "reference", patient);
	fhir_time_write(r->when, when, sizeof when);
	json_add_str(o, "effectiveDateTime", when);
	switch (r->kind) {
	case READING_GLUCOSE:
		reading_quantity(o, r->v1, "mg/dL", "mg/dL");
		break;
	case READING_WEIGHT:
		reading_quantity(o, r->v1, r->lb ? "lb" : "kg",
		    r->lb ? "[lb_av]" : "kg");
		break;
	case READING_BP:
		arr = json_add_array(o, "component");
		c = json_add_object(arr, NULL);
		reading_concept(c, "code", "http://loinc.org", "8480-6",
		    "Systolic blood pressure");
		reading_quantity(c, r->v1, "mmHg", "mm[Hg]");
		c = json_add_object(arr, NULL);
		reading_concept(c, "code", "http://loinc.org", "8462-4",
		    "Diastolic blood pressure");
		reading_quantity(c, r->v2, "mmHg", "mm[Hg]");
		break;
	}
	return o;
}

int
reading_send(struct fhir *f, const struct reading *r, const char *patient,
    const char *request_id, char **cause)
{
	struct fhir_result	 res;
	struct json		*obs;
	char			*ref = fhir_ref("Patient", patient);
	int			 rc;

	obs = reading_observation(r, ref);
	free(ref);
	rc = fhir_create_resource(f, "Observation", obs, request_id, &res,
	    cause);
	json_free_secret(obs);
	fhir_result_free(&res);
	return rc;
}
