/*
 * Visits (Appointments) and free times (Slots) as the screens show them,
 * with what the server says can be done with each, and the dates a
 * person types when looking for a time.
 */
#ifndef CHARTTY_VISIT_H
#define CHARTTY_VISIT_H

#include <time.h>

#include "model.h"

struct arena;
struct json;

#define VISIT_TYPE_SYSTEM	"urn:chartty:visit-type"

struct visit {
	char			*id;
	char			*etag;		/* W/"<versionId>", or NULL */
	char			*status;	/* "booked", "waitlist", ... */
	struct fhir_time	 start;
	int			 minutes;	/* length, or 0 when not said */
	char			*type;		/* "Follow-up visit" */
	char			*type_code;	/* urn:chartty:visit-type code */
	char			*reason;
	char			*clinician;	/* display */
	char			*clinician_ref;	/* "Practitioner/<id>" */
	char			*place;		/* Location display */
	char			*place_ref;
	char			*instructions;	/* patientInstruction */
	char			*cancel_reason;
	int			 checkin_open;	/* 1, 0, or -1 not said */
	int			 cancel_allowed;
	char			*join_url;	/* video visits */
	double			 copay;		/* USD, or -1 */
	char			*copay_invoice;	/* "Invoice/<id>" */
	char			*questionnaire;	/* canonical url */
	long			 queue_position; /* waitlist, or -1 */
};

/* Fill v from an Appointment; -1 when j is not one. */
int	 visit_parse(struct arena *, const struct json *, struct visit *);
/* The status in words: "Booked", "Checked in", "Cancelled", ... */
const char *visit_status_words(const char *status);
/*
 * One line for a list: "Follow-up visit with Anita Patel, MD at Main
 * Street Clinic. Check in online now." (in the arena).
 */
char	*visit_line(struct arena *, const struct visit *);
/* Money for people: "$25.00". */
char	*visit_money(struct arena *, double);

/* A free time to book. */
struct slot {
	char			*id;
	struct fhir_time	 start;
	int			 minutes;
};
int	 visit_slot_parse(struct arena *, const struct json *, struct slot *);

/*
 * A date as typed when looking for free times: "2026-12-05", "today",
 * "tomorrow", or "+N" (N days from today, up to 366). The local midnight
 * that starts it goes to *out; 0, or -1.
 */
int	 visit_date_parse(const char *, time_t now, time_t *out);
/* A day for a heading: "Wednesday 3 December 2026" (local time). */
void	 visit_day_format(time_t, char *, size_t);
/* The date as typed back: "2026-12-05" (local time). */
void	 visit_date_write(time_t, char *, size_t);
/* t as a FHIR instant in UTC for a search: "2026-12-05T06:00:00Z". */
void	 visit_instant_write(time_t, char *, size_t);
/* Local midnight of the day holding t, plus days (a day is not always
 * 24 hours: daylight saving). */
time_t	 visit_midnight(time_t t, int days);

#endif
