/*
 * Booking a visit as portal-api.md describes it: who on the care team has
 * a Schedule, the kinds of visit each offers (the Schedule's serviceType
 * as the server codes it: text only, or any code system), their free
 * times, and the booking or the move (one transaction) that sends the
 * chosen kind back unchanged.
 */
#ifndef CHARTTY_BOOKING_H
#define CHARTTY_BOOKING_H

#include <stddef.h>
#include <time.h>

#include "careteam.h"
#include "visit.h"

struct fhir;
struct fhir_result;
struct json;

#define BOOKING_MAX_WHO		20
#define BOOKING_MAX_TYPES	20
#define BOOKING_MAX_SLOTS	200

/* A clinician who can be booked, with the kinds of visit offered. */
struct booking_who {
	const char		*name;		/* "Anita Patel, MD" */
	const char		*option;	/* with the role, for a choice */
	const char		*member;	/* the care team's reference */
	const struct json	*actor;		/* the Schedule's, sent back */
	const char		*schedule;	/* "Schedule/<id>" */
	const char		*place;		/* the clinic on the schedule */
	const char		*types[BOOKING_MAX_TYPES];	/* for people */
	const struct json	*concepts[BOOKING_MAX_TYPES];	/* as sent */
	int			 ntypes;
};

struct booking {
	struct arena		*a;
	struct json		*schedules;	/* the Schedules, kept */
	struct booking_who	 who[BOOKING_MAX_WHO];
	const char		*options[BOOKING_MAX_WHO];
	int			 nwho;
	char			*none;		/* why no one can be booked */
	char			*old_id;	/* the visit being moved */
	struct json		*old;		/* as loaded, sent back cancelled */
	struct visit		 old_v;
};

/*
 * Load who can be booked for patient (and, with old_id, the visit to
 * move, copied): the care team, named where the server gave no names,
 * then their Schedules. 0 with b filled (b->none says why when no one
 * can be booked), or -1 with *cause. booking_free() in either case.
 */
int	 booking_load(struct fhir *, const char *patient, const char *old_id,
	     struct booking *, char **cause);
void	 booking_free(struct booking *);
/* The kind of visit of w that concept names (a shared coding, or the
 * same text), or -1. */
int	 booking_type_of(const struct booking_who *, const struct json *);
/* For a move: the clinician (*who, index in b->who) and the kind of visit
 * (*type, or -1) of the visit being moved, where they can be booked;
 * both left as they are otherwise. */
void	 booking_old_choice(const struct booking *, int *who, int *type);
/*
 * The free times of w from the local midnight from to the end of the day
 * to (at most BOOKING_MAX_SLOTS, none already past), into the arena:
 * *slots and *n; *total is the server's count, or -1. 0, or -1 with
 * *cause.
 */
int	 booking_slots(struct fhir *, const struct booking_who *, time_t from,
	     time_t to, struct arena *, struct slot **, size_t *n, long *total,
	     char **cause);
/*
 * Book slot with w for patient (kind type, reason typed), or, when b
 * holds a visit to move, move it there in one transaction. request_id
 * makes it happen once however often it is sent; a move whose answer
 * was lost is looked for and found made. 0, or -1 with *cause and the
 * answer's status in *status (409: the time was taken meanwhile; 412:
 * the visit changed meanwhile).
 */
int	 booking_send(struct fhir *, const struct booking *,
	     const struct booking_who *, int type, const struct slot *,
	     const char *patient, const char *reason, const char *request_id,
	     long *status, char **cause);

/* The visits list: upcoming (soonest first), recent past (newest first),
 * and any place held in a line. */
enum { BOOKING_UPCOMING, BOOKING_PAST, BOOKING_LINE };
#define BOOKING_MAX_UPCOMING	50
#define BOOKING_MAX_PAST	20

struct booking_visits {
	struct arena	*a;
	struct visit	*list[3];
	size_t		 n[3];
	long		 past_total;	/* the server's count of past visits */
	char		*withheld;	/* the first refusal, said */
	/* Linked organizations: where each visit comes from, the index of
	 * its organization and its place in that one's own list (NULL: one
	 * organization, 0, its place here), what did not load. */
	const char	**from[3];
	int		 *org[3], *idx[3];
	char		*missing;
};

/* The batch of patient's (an id) visits at f's server: upcoming, past,
 * in line (its urls, each a new string, into urls). */
#define BOOKING_VISITS_URLS	3
size_t	 booking_visits_urls(const struct fhir *, const char *patient,
	     char **urls);
/* bv (emptied first) from that batch's answer. */
void	 booking_visits_take(struct booking_visits *, const struct json *);
void	 booking_visits_clear(struct booking_visits *);
/*
 * Add o's visits (from organization number org, named there) to s's
 * (here), each list kept in its order, each visit then saying where it
 * comes from. o is emptied (booking_visits_clear it).
 */
void	 booking_visits_merge(struct booking_visits *s,
	     struct booking_visits *o, const char *here, const char *there,
	     int org);
/* Say that organization org's visits could not load: why. */
void	 booking_visits_missing(struct booking_visits *, const char *org,
	     const char *why);

/* One visit as loaded: its record (to send back) and what it says. */
struct booking_visit {
	struct arena	*a;
	struct json	*json;
	struct visit	 v;
};

/* Load visit id into bv, which booking_visit_clear() empties first (and
 * frees after). 0, or -1 with *cause. */
int	 booking_visit_load(struct fhir *, const char *id,
	     struct booking_visit *, char **cause);
void	 booking_visit_clear(struct booking_visit *);
/*
 * Cancel the visit in bv with reason: it goes back cancelled, guarded by
 * its ETag (a visit with no version is refused in words, nothing sent).
 * 0, or -1 with *cause and the answer's status in *status (412: changed
 * meanwhile; 0: no answer; 400: the server's reason it cannot be).
 */
int	 booking_cancel(struct fhir *, const struct booking_visit *,
	     const char *reason, long *status, char **cause);
/* The same for any Appointment as loaded (appt, id, etag required; a
 * reason, or NULL): a visit, or a place in an urgent-care line. */
int	 booking_cancel_appointment(struct fhir *, const struct json *appt,
	     const char *id, const char *etag, const char *reason,
	     long *status, char **cause);

#endif
