/*
 * FHIR dates, dateTimes and instants (src/fhirtime.c): parsed with their
 * precision, written for people in the local time zone, and written back
 * as FHIR.
 */
#ifndef CHARTTY_FHIRTIME_H
#define CHARTTY_FHIRTIME_H

#include <stddef.h>
#include <time.h>

/* A FHIR date, dateTime or instant and how precise it is. */
enum fhir_precision {
	FHIR_TIME_NONE = 0,
	FHIR_TIME_YEAR,
	FHIR_TIME_MONTH,
	FHIR_TIME_DAY,
	FHIR_TIME_MINUTE	/* has a time of day (and a zone) */
};
/* The first and last instants FHIR can write: 0001-01-01T00:00:00Z and
 * 9999-12-31T23:59:59Z. */
#define FHIR_TIME_FIRST	(-62135596800LL)
#define FHIR_TIME_LAST	253402300799LL

struct fhir_time {
	enum fhir_precision	 precision;
	int			 year, month, day;	/* as written */
	time_t			 t;	/* the instant (MINUTE), else midnight local */
};

/* Parse s; 0 on success, -1 (precision NONE) for anything malformed. */
int	 fhir_time_parse(const char *s, struct fhir_time *);
/*
 * Format for people: "12 May 2026", "May 2026", "2026", or, with a time,
 * "Tue 12 May 2026 10:30" in the local time zone. Writes "" for NONE.
 */
void	 fhir_time_format(const struct fhir_time *, char *, size_t);
/* The same, but only the (local) date: "12 May 2026". */
void	 fhir_date_format(const struct fhir_time *, char *, size_t);
/*
 * A birth date as a person types it, MM/DD/YYYY (or M/D/YYYY) or
 * YYYY-MM-DD, into out as YYYY-MM-DD: 0, or -1 when it is not a real
 * date, or is in a later year than now.
 */
int	 fhir_birth_date(const char *typed, char out[11]);
/* t as a FHIR dateTime in local time: "2026-11-30T14:30:00+01:00" (in
 * UTC, "+00:00", when the local offset is not whole minutes). */
void	 fhir_time_write(time_t, char *, size_t);

#endif
