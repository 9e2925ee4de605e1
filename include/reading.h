/*
 * Readings a patient enters (blood glucose, weight, blood pressure):
 * checking what was typed, and the Observation that is sent.
 */
#ifndef CHARTTY_READING_H
#define CHARTTY_READING_H

#include <time.h>

struct fhir;
struct json;

enum reading_kind {
	READING_GLUCOSE,	/* LOINC 2339-0, mg/dL */
	READING_WEIGHT,		/* LOINC 29463-7, kg or [lb_av] */
	READING_BP		/* LOINC 85354-9: 8480-6 and 8462-4, mm[Hg] */
};

struct reading {
	enum reading_kind	 kind;
	int			 lb;		/* weight in pounds */
	double			 v1, v2;	/* value; BP systolic, diastolic */
	time_t			 when;
};

/* "glucose", "weight" or "bp"; 0, or -1 for anything else. */
int	 reading_kind_parse(const char *, enum reading_kind *);
/* "New blood glucose reading", ... */
const char *reading_title(enum reading_kind);
/*
 * Parse when: "now", "14:30" (today), "2026-11-30 14:30" or
 * "2026-11-30" (noon), local time, into *out; 0 or -1.
 */
int	 reading_time_parse(const char *, time_t now, time_t *out);
/*
 * Check what was typed (v2 is used for blood pressure only) and fill r's
 * values and time: 0, or -1 with *cause saying which entry is wrong and
 * what is expected. r->kind and r->lb are set by the caller.
 */
int	 reading_check(struct reading *, const char *v1, const char *v2,
	     const char *when, time_t now, char **cause);
/* The Observation for r about patient ("Patient/<id>"); a new root. */
struct json *reading_observation(const struct reading *, const char *patient);
/* Save r for patient (an id) once (request_id, see fhir_create_resource);
 * 0, or -1 with *cause. */
int	 reading_send(struct fhir *, const struct reading *,
	     const char *patient, const char *request_id, char **cause);

#endif
