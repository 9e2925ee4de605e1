/*
 * The patient's care team as the contract gives it (CareTeam?patient=
 * ...&status=active): members that are Practitioners or PractitionerRoles,
 * referenced relatively or absolutely, with or without a display. Who can
 * be written to, and whose schedules can be booked, both come from here.
 */
#ifndef CHARTTY_CARETEAM_H
#define CHARTTY_CARETEAM_H

#include <stddef.h>

#include "util.h"

struct fhir;
struct json;

#define CARETEAM_MAX	64

struct careteam_member {
	char	*ref;		/* "Practitioner/<id>" or "PractitionerRole/<id>" */
	char	*practitioner;	/* the person: ref itself, or the role's; or NULL */
	char	*name;		/* for people: never NULL */
	char	*role;		/* "Primary care physician", or NULL */
};

struct careteam {
	struct careteam_member	 m[CARETEAM_MAX];
	size_t			 n;
};

/* The search of patient's active care teams, id escaped (caller frees). */
char	*careteam_query(const char *patient);
/*
 * Add the members of a searchset of CareTeams to t (strings in a), each
 * person once. Names are the references' displays; careteam_name() finds
 * the ones that are missing.
 */
void	 careteam_parse(struct arena *, const struct json *bundle,
	     struct careteam *);
/*
 * Read the members that came without a name, and the practitioners of
 * roles that name none (one batch each, only when needed). 0, or -1 with
 * *cause; members that cannot be read are called "Care team member".
 */
int	 careteam_name(struct fhir *, struct arena *, struct careteam *,
	     char **cause);
/* The member that ref (relative or absolute) names, as itself or as the
 * role's practitioner; NULL when none does. */
const struct careteam_member *careteam_find(const struct careteam *,
	     const char *ref);

#endif
