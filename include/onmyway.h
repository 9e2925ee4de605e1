/*
 * On My Way (portal-api.md): urgent-care locations with their current
 * waits (Location?type=urgent-care, urn:chartty:wait-minutes), the place
 * the patient holds in a line (a waitlist Appointment), joining one
 * ($on-my-way) and leaving it (cancelled, If-Match).
 */
#ifndef CHARTTY_ONMYWAY_H
#define CHARTTY_ONMYWAY_H

#include "util.h"
#include "visit.h"

struct fhir;
struct json;

#define ONMYWAY_MAX	20

struct onmyway_place {
	const char	*id;
	const char	*name;
	const char	*address;
	const char	*phone;
	long		 wait;		/* minutes, or -1 when not said */
};

struct onmyway {
	struct arena		*a;
	struct onmyway_place	 places[ONMYWAY_MAX];
	int			 nplaces;
	struct json		*line_json;	/* the place held, as loaded */
	struct visit		 line;
	int			 in_line;
	char			*withheld;	/* why the line is not shown */
};

/* Load the locations and the place held by patient (a reference) into o,
 * which must be empty (zeroed or cleared). 0, or -1 with *cause. */
int	 onmyway_load(struct fhir *, const char *patient, struct onmyway *,
	     char **cause);
/* The same from that batch's answer (body): the locations, then the
 * place held. 0, or -1 with *cause when the locations did not come. */
int	 onmyway_take(struct onmyway *, const struct json *body,
	     char **cause);
void	 onmyway_clear(struct onmyway *);
/* Join the line at location (an id) for patient (an id) with reason;
 * 0, or -1 with *cause and the answer's status in *status (0: none). */
int	 onmyway_join(struct fhir *, const char *location, const char *patient,
	     const char *reason, long *status, char **cause);
/* Leave the line held in o (guarded by its ETag); 0, or -1 with *cause. */
int	 onmyway_leave(struct fhir *, const struct onmyway *, char **cause);

#endif
