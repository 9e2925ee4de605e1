/*
 * Refill requests as portal-api.md describes them: the medication and the
 * pharmacies one may choose (Organization?type=pharmacy), and the request
 * itself, a Task (fulfill) that is made at most once.
 */
#ifndef CHARTTY_REFILL_H
#define CHARTTY_REFILL_H

#include "model.h"
#include "util.h"

struct fhir;
struct json;

#define REFILL_MAX_PHARMACIES	50

struct refill_pharmacy {
	const char	*name;
	const char	*ref;		/* "Organization/<id>" */
};

/* The medications area: active medications and the refill requests. */
#define REFILL_MAX_MEDS	200

struct refill_meds {
	struct arena		*a;
	struct medication	*meds;
	size_t			 nmeds;
	struct task		*tasks;		/* newest first */
	size_t			 ntasks;
	char			*withheld;	/* why medications are not shown */
	char			*tasks_withheld;
	/* Linked organizations: where each medication comes from, and
	 * the index of each medication's and refill request's organization
	 * (NULL: one organization, 0), what did not load. */
	const char		**from;
	int			 *org, *task_org;
	char			*missing;
};

/* The batch of patient's (an id) medications and refill requests at f's
 * server: its urls (REFILL_URLS, each a new string) into urls. */
#define REFILL_URLS	2
size_t	 refill_meds_urls(const struct fhir *, const char *patient,
	     char **urls);
/* m (emptied first) from that batch's answer. */
void	 refill_meds_take(struct refill_meds *, const struct json *body);
void	 refill_meds_clear(struct refill_meds *);
/*
 * Add o's medications and refill requests (from organization number org,
 * named there) to m's (here), each medication then saying where it comes
 * from; a refill is asked at its own organization. o is emptied
 * (refill_meds_clear it).
 */
void	 refill_meds_merge(struct refill_meds *m, struct refill_meds *o,
	     const char *here, const char *there, int org);
/* Say that organization org's medications could not load: why. */
void	 refill_meds_missing(struct refill_meds *, const char *org,
	     const char *why);

/*
 * The MedicationRequest med_id into *med and up to REFILL_MAX_PHARMACIES
 * pharmacies into ph (*n of them), strings in the arena: one batch.
 * 0, or -1 with *cause.
 */
int	 refill_load(struct fhir *, const char *med_id, struct arena *,
	     struct medication *med, struct refill_pharmacy *ph, int *n,
	     char **cause);
/*
 * The request for medication med_id (its name, if known, as display) for
 * patient (an id), asked by requester (a reference, or NULL), at pharmacy
 * (a reference, or NULL: the one on file), with a note (or NULL): a new
 * Task (json_free_secret it: a note is health data).
 */
struct json *refill_task(const char *med_id, const char *med_name,
	     const char *patient, const char *requester, const char *pharmacy,
	     const char *note);
/* Send that request once (request_id, see fhir_create_resource); 0, or -1
 * with *cause. */
int	 refill_send(struct fhir *, const char *med_id, const char *med_name,
	     const char *patient, const char *requester, const char *pharmacy,
	     const char *note, const char *request_id, char **cause);

#endif
