/*
 * Kiosk check-in (portal-api.md §4 "Kiosk"): the device, signed in to
 * the portal with its own secret, finds the visits of the patient at the
 * terminal ($kiosk-lookup) and checks one in with that visit's check-in
 * token, through the same steps as eCheck-in (checkin.h). Everything of
 * the patient is in one struct kiosk_turn, wiped when the turn ends.
 */
#ifndef CHARTTY_KIOSK_H
#define CHARTTY_KIOSK_H

#include <stddef.h>

#include "checkin.h"
#include "visit.h"

struct arena;
struct fhir;
struct portal;

#define KIOSK_MAX_VISITS	8

/* The one sentence every miss gets, whatever did not match. */
#define KIOSK_MISS	"We could not find a visit for today with those " \
	"details. Please check them or see the front desk."
#define KIOSK_BUSY_SAY	"Please see the front desk."

struct kiosk_visit {
	struct visit	 visit;
	char		*patient;	/* the patient's id */
	char		*token;		/* its check-in token */
};

struct kiosk_turn {
	struct arena		*a;	/* wiped when freed */
	char			*family, *given, *birth;	/* as asked */
	char			*location;	/* or NULL: the device's */
	struct kiosk_visit	 visits[KIOSK_MAX_VISITS];
	size_t			 nvisits;
	int			 chosen;	/* -1 until one is */
	struct portal		*device;	/* borrowed */
	struct fhir		*fhir;		/* the check-in token's */
	struct checkin		 checkin;
	int			 loaded;	/* checkin holds the visit */
};

enum kiosk_found {
	KIOSK_FOUND = 0,	/* nvisits >= 1 */
	KIOSK_NONE = 1,		/* the one sentence: KIOSK_MISS */
	KIOSK_BUSY = 2,		/* too many lookups: KIOSK_BUSY_SAY */
	KIOSK_ERR = -1		/* no answer, or a bad one: *cause */
};

/*
 * Look the patient up at location (NULL: the device's own) through the
 * device: a kiosk_found, with *cause for KIOSK_ERR. The names and date
 * are kept in the turn (to ask for a new token when one expires).
 */
int	 kiosk_lookup(struct kiosk_turn *, struct portal *device,
	     const char *location, const char *family, const char *given,
	     const char *birth, char **cause);
/*
 * Take visit i: a FHIR client with its check-in token (renewed by a new
 * lookup when refused), and its eCheck-in loaded. 0, or -1 with *cause.
 */
int	 kiosk_choose(struct kiosk_turn *, size_t i, char **cause);
/* The patient's first name for a greeting ("Zoë"), or NULL. */
const char *kiosk_first_name(const struct kiosk_turn *);
/* Wipe and free everything of the turn; the struct may be used again. */
void	 kiosk_turn_clear(struct kiosk_turn *);

#endif
