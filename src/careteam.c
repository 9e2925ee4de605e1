/* The patient's care team: members of any shape the contract allows. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "careteam.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "util.h"

#define CARETEAM_UNNAMED	"Care team member"

char *
careteam_query(const char *patient)
{
	char	*ref = fhir_ref("Patient", patient), *q;

	q = fhir_query("CareTeam", "patient", ref, "status", "active", NULL);
	free(ref);
	return q;
}

/* The member whose ref is ref exactly, or NULL. */
static struct careteam_member *
careteam_member(struct careteam *t, const char *ref)
{
	size_t	i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->m[i].ref, ref) == 0)
			return &t->m[i];
	}
	return NULL;
}

void
careteam_parse(struct arena *a, const struct json *bundle,
    struct careteam *t)
{
	const struct json	*ct, *p, *m;
	struct careteam_member	*cm;
	char			*ref;
	size_t			 i, k;

	for (i = 0; i < fhir_bundle_count(bundle); i++) {
		ct = fhir_bundle_resource(bundle, i);
		for (k = 0; k < json_size(json_get(ct, "participant")); k++) {
			p = json_at(json_get(ct, "participant"), k);
			m = json_get(p, "member");
			ref = fhir_ref_local(json_gets(m, "reference"));
			if (ref == NULL || t->n == CARETEAM_MAX ||
			    careteam_member(t, ref) != NULL ||
			    (strncmp(ref, "Practitioner/", 13) != 0 &&
			    strncmp(ref, "PractitionerRole/", 17) != 0)) {
				free(ref);
				continue;
			}
			cm = &t->m[t->n++];
			memset(cm, 0, sizeof *cm);
			cm->ref = arena_own(a, ref);	/* ref is freed */
			if (strncmp(cm->ref, "Practitioner/", 13) == 0)
				cm->practitioner = cm->ref;
			cm->name = model_str(a, m, "display");
			cm->role = model_concept(a, json_at(json_get(p, "role"),
			    0));
		}
	}
}

/* One batch of reads of n paths; its answer in *res. */
static int
careteam_read(struct fhir *f, char **paths, size_t n, struct fhir_result *res,
    char **cause)
{
	if (n == 0)
		return 0;
	return fhir_batch_take(f, paths, n, res, cause);
}

int
careteam_name(struct fhir *f, struct arena *a, struct careteam *t,
    char **cause)
{
	struct fhir_result	 res;
	struct careteam_member	*who[CARETEAM_MAX];
	const struct json	*r;
	char			*paths[CARETEAM_MAX], *pr;
	long			 status;
	size_t			 i, n = 0;

	/* First the members themselves: a Practitioner's name, a role's
	 * practitioner (and its display) and its specialty. */
	for (i = 0; i < t->n; i++) {
		if (t->m[i].name != NULL && t->m[i].practitioner != NULL)
			continue;
		who[n] = &t->m[i];
		paths[n++] = xstrdup(t->m[i].ref);
	}
	memset(&res, 0, sizeof res);
	if (careteam_read(f, paths, n, &res, cause) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((r = fhir_batch_entry(res.body, i, &status, NULL)) == NULL)
			continue;
		if (strncmp(who[i]->ref, "Practitioner/", 13) == 0) {
			if (who[i]->name == NULL)
				who[i]->name = model_name(a, json_get(r,
				    "name"));
			continue;
		}
		pr = fhir_ref_local(json_gets(json_get(r, "practitioner"),
		    "reference"));
		if (pr != NULL && strncmp(pr, "Practitioner/", 13) == 0)
			who[i]->practitioner = arena_own(a, pr);
		else
			free(pr);
		if (who[i]->name == NULL)
			who[i]->name = model_str(a, json_get(r,
			    "practitioner"), "display");
		if (who[i]->role == NULL)
			who[i]->role = model_concept(a, json_at(json_get(r,
			    "code"), 0));
	}
	fhir_result_free(&res);

	/* Then the people behind roles that still have no name. */
	n = 0;
	for (i = 0; i < t->n; i++) {
		if (t->m[i].name != NULL || t->m[i].practitioner == NULL)
			continue;
		who[n] = &t->m[i];
		paths[n++] = xstrdup(t->m[i].practitioner);
	}
	memset(&res, 0, sizeof res);
	if (careteam_read(f, paths, n, &res, cause) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		if ((r = fhir_batch_entry(res.body, i, &status, NULL)) != NULL)
			who[i]->name = model_name(a, json_get(r, "name"));
	}
	fhir_result_free(&res);
	for (i = 0; i < t->n; i++) {
		if (t->m[i].name == NULL)
			t->m[i].name = arena_own(a, xstrdup(CARETEAM_UNNAMED));
	}
	return 0;
}

const struct careteam_member *
careteam_find(const struct careteam *t, const char *ref)
{
	const struct careteam_member	*found = NULL;
	char				*local = fhir_ref_local(ref);
	size_t				 i;

	for (i = 0; local != NULL && i < t->n && found == NULL; i++) {
		if (strcmp(t->m[i].ref, local) == 0 ||
		    (t->m[i].practitioner != NULL &&
		    strcmp(t->m[i].practitioner, local) == 0))
			found = &t->m[i];
	}
	free(local);
	return found;
}
