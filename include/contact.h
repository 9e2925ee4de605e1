/*
 * A patient's contact details (address, phone, email) as form fields,
 * and the update that sends them back with If-Match: eCheck-in's first
 * step and the Account area's "Contact details" both use it. What was
 * typed stays in the fields whatever fails, except when someone else
 * changed the record meanwhile: then the fields show it as it is now.
 */
#ifndef CHARTTY_CONTACT_H
#define CHARTTY_CONTACT_H

#include "view.h"

struct arena;
struct fhir;
struct json;

/* The details asked for, in order. */
enum {
	CONTACT_STREET, CONTACT_CITY, CONTACT_STATE, CONTACT_ZIP,
	CONTACT_PHONE, CONTACT_EMAIL, CONTACT_N
};

struct contact {
	struct arena	*a;		/* borrowed: the owner's */
	const char	*patient;	/* borrowed: "maria-lopez" */
	struct json	*pat;		/* the Patient as loaded */
	char		*etag;
	const char	*name;		/* "Maria Lopez", or NULL */
	struct field	 f[CONTACT_N];	/* as typed */
};

/* Start c from Patient pat (taken over), of patient id, in arena a. */
void	 contact_take(struct contact *, struct arena *a, const char *patient,
	     struct json *pat);
/* Read the Patient and start c from it: 0, or -1 with *cause. */
int	 contact_load(struct contact *, struct arena *a, struct fhir *,
	     const char *patient, char **cause);
/* The fields as rows of v, with ids first_id + CONTACT_STREET ... */
void	 contact_view(struct contact *, struct view *, int first_id);
/* The details as rows of v that cannot be changed (a read-only server). */
void	 contact_items(const struct contact *, struct view *);
/* Non-zero when the fields differ from the record. */
int	 contact_changed(const struct contact *);
/*
 * Check the fields and send them: 0 when sent, 1 when nothing changed
 * (nothing sent), -1 with *cause (a rule broken, a failure, or someone
 * else's change: then the fields show the record as it is now).
 */
int	 contact_submit(struct contact *, struct fhir *, char **cause);
void	 contact_free(struct contact *);

#endif
