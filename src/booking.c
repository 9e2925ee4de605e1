/* Booking and moving visits: the FHIR of scheduling, for the screens. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "booking.h"
#include "careteam.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "util.h"
#include "visit.h"

#define BOOKING_NONE	"No one on your care team can be booked online. " \
			"Please call the clinic."

void
booking_free(struct booking *b)
{
	if (b == NULL)
		return;
	arena_free(b->a);
	json_free(b->schedules);
	json_free(b->old);
	free(b->none);
	free(b->old_id);
	memset(b, 0, sizeof *b);
}

/* Do two CodeableConcepts name the same thing: a shared coding (system
 * and code), or, where either has no coding, the same text? */
static int
booking_same_concept(const struct json *x, const struct json *y)
{
	const struct json	*cx, *cy;
	const char		*sx, *sy, *tx, *ty;
	size_t			 i, k, nx, ny;

	nx = json_size(json_get(x, "coding"));
	ny = json_size(json_get(y, "coding"));
	for (i = 0; i < nx; i++) {
		cx = json_at(json_get(x, "coding"), i);
		for (k = 0; k < ny; k++) {
			cy = json_at(json_get(y, "coding"), k);
			sx = json_gets(cx, "system");
			sy = json_gets(cy, "system");
			if (json_gets(cx, "code") != NULL &&
			    json_gets(cy, "code") != NULL &&
			    strcmp(json_gets(cx, "code"),
			    json_gets(cy, "code")) == 0 &&
			    strcmp(sx ? sx : "", sy ? sy : "") == 0)
				return 1;
		}
	}
	if (nx > 0 && ny > 0)
		return 0;
	tx = json_gets(x, "text");
	ty = json_gets(y, "text");
	return tx != NULL && ty != NULL && *tx != '\0' &&
	    strcasecmp(tx, ty) == 0;
}

int
booking_type_of(const struct booking_who *w, const struct json *concept)
{
	int	i;

	for (i = 0; concept != NULL && i < w->ntypes; i++) {
		if (booking_same_concept(w->concepts[i], concept))
			return i;
	}
	return -1;
}

void
booking_old_choice(const struct booking *b, int *who, int *type)
{
	char	*mine, *theirs;
	int	 j, found = 0;

	if (b->old == NULL)
		return;
	mine = fhir_ref_local(b->old_v.clinician_ref);
	for (j = 0; mine != NULL && !found && j < b->nwho; j++) {
		theirs = fhir_ref_local(json_gets(b->who[j].actor,
		    "reference"));
		if (theirs != NULL && strcmp(mine, theirs) == 0) {
			*who = j;
			*type = booking_type_of(&b->who[j], json_at(json_get(
			    b->old, "serviceType"), 0));
			found = 1;
		}
		free(theirs);
	}
	free(mine);
}

/* A schedule's clinician (one of the team) and the kinds of visit. */
static void
booking_schedule(struct booking *b, const struct json *sc,
    const struct careteam *t)
{
	struct booking_who		*w;
	const struct careteam_member	*m = NULL;
	const struct json		*actor, *st;
	char				*id;
	size_t				 i;

	if (b->nwho == BOOKING_MAX_WHO ||
	    (id = model_str(b->a, sc, "id")) == NULL ||
	    json_bool(json_get(sc, "active")) == 0)
		return;
	w = &b->who[b->nwho];
	memset(w, 0, sizeof *w);
	for (i = 0; i < json_size(json_get(sc, "actor")); i++) {
		actor = json_at(json_get(sc, "actor"), i);
		if (w->actor == NULL &&
		    (m = careteam_find(t, json_gets(actor, "reference")))) {
			w->actor = actor;
			w->member = m->ref;
			w->name = m->name;
			w->option = m->role ? arena_own(b->a, xasprintf(
			    "%s, %s", m->name, m->role)) : m->name;
		}
		if (w->place == NULL && json_gets(actor, "reference") &&
		    strstr(json_gets(actor, "reference"), "Location/"))
			w->place = model_str(b->a, actor, "display");
	}
	if (w->actor == NULL)
		return;
	for (i = 0; i < json_size(json_get(sc, "serviceType")) &&
	    w->ntypes < BOOKING_MAX_TYPES; i++) {
		st = json_at(json_get(sc, "serviceType"), i);
		/* Any CodeableConcept people can read: text, a display, or
		 * a code of any system. */
		if ((w->types[w->ntypes] = model_concept(b->a, st)) == NULL)
			continue;
		w->concepts[w->ntypes++] = st;
	}
	if (w->ntypes == 0)
		return;
	w->schedule = arena_own(b->a, fhir_ref("Schedule", id));
	b->options[b->nwho++] = w->option;
}

int
booking_load(struct fhir *f, const char *patient, const char *old_id,
    struct booking *b, char **cause)
{
	struct fhir_result	 res;
	struct careteam		 t;
	const struct json	*e;
	struct buf		 actors;
	char			*urls[2], *q;
	long			 status;
	size_t			 i, n = 0;
	int			 rc;

	memset(b, 0, sizeof *b);
	b->a = arena_create();
	memset(&t, 0, sizeof t);
	urls[n++] = careteam_query(patient);
	if (old_id != NULL) {
		b->old_id = xstrdup(old_id);
		urls[n++] = fhir_path("Appointment", old_id, NULL);
	}
	if (fhir_batch_take(f, urls, n, &res, cause) != 0)
		return -1;
	if ((e = fhir_batch_entry(res.body, 0, &status, cause)) == NULL) {
		fhir_result_free(&res);
		return -1;
	}
	careteam_parse(b->a, e, &t);
	if (old_id != NULL) {
		e = fhir_batch_entry(res.body, 1, &status, cause);
		if (e == NULL || visit_parse(b->a, e, &b->old_v) != 0) {
			if (*cause == NULL)
				*cause = xstrdup("The visit to move could not "
				    "be loaded.");
			fhir_result_free(&res);
			return -1;
		}
		b->old = json_dup(e);
		if (b->old_v.etag == NULL) {
			/* No version: no guarded update, so no move. */
			*cause = xstrdup("This visit cannot be moved online: "
			    "the portal does not say which version it is. "
			    "Please call the clinic.");
			fhir_result_free(&res);
			return -1;
		}
	}
	fhir_result_free(&res);
	if (t.n == 0) {
		b->none = xstrdup(BOOKING_NONE);
		return 0;
	}
	if (careteam_name(f, b->a, &t, cause) != 0)
		return -1;
	/* Schedules of the people, and of the roles (a Schedule's actor
	 * may be either). */
	buf_init(&actors, 64 * 1024);
	for (i = 0; i < t.n; i++) {
		buf_printf(&actors, "%s%s", actors.len ? "," : "", t.m[i].ref);
		if (t.m[i].practitioner != NULL &&
		    strcmp(t.m[i].practitioner, t.m[i].ref) != 0)
			buf_printf(&actors, ",%s", t.m[i].practitioner);
	}
	q = fhir_query("Schedule", "actor", actors.data, "_count",
	    arena_own(b->a, xasprintf("%d", BOOKING_MAX_WHO)), NULL);
	buf_free(&actors, 0);
	rc = fhir_request(f, "GET", q, NULL, NULL, &res, cause);
	free(q);
	if (rc != 0) {
		fhir_result_free(&res);
		return -1;
	}
	b->schedules = json_dup(res.body);
	fhir_result_free(&res);
	for (i = 0; i < fhir_bundle_count(b->schedules); i++)
		booking_schedule(b, fhir_bundle_resource(b->schedules, i), &t);
	if (b->nwho == 0)
		b->none = xstrdup(BOOKING_NONE);
	return 0;
}

int
booking_slots(struct fhir *f, const struct booking_who *w, time_t from,
    time_t to, struct arena *a, struct slot **slots, size_t *n, long *total,
    char **cause)
{
	struct fhir_result	 res;
	struct slot		 slot;
	char			 ge[32], lt[32], count[16], *q;
	time_t			 now = time(NULL);
	size_t			 i, found;

	visit_instant_write(from > now ? from : now, ge, sizeof ge);
	visit_instant_write(visit_midnight(to, 1), lt, sizeof lt);
	snprintf(count, sizeof count, "%d", BOOKING_MAX_SLOTS);
	q = fhir_query("Slot", "schedule", w->schedule, "status", "free",
	    "start", arena_own(a, xasprintf("ge%s", ge)), "start",
	    arena_own(a, xasprintf("lt%s", lt)), "_sort", "start", "_count",
	    count, NULL);
	if (fhir_request(f, "GET", q, NULL, NULL, &res, cause) != 0) {
		free(q);
		fhir_result_free(&res);
		return -1;
	}
	free(q);
	found = fhir_bundle_count(res.body);
	*slots = arena_alloc(a, (found + 1) * sizeof **slots);
	*n = 0;
	for (i = 0; i < found && i < BOOKING_MAX_SLOTS; i++) {
		if (visit_slot_parse(a, fhir_bundle_resource(res.body, i),
		    &slot) == 0 && slot.start.t > now)
			(*slots)[(*n)++] = slot;
	}
	*total = fhir_bundle_total(res.body);
	fhir_result_free(&res);
	return 0;
}

/* The new visit, as portal-api.md describes a booking. */
static struct json *
booking_appointment(const struct booking_who *w, int type,
    const struct slot *slot, const char *patient, const char *reason)
{
	struct json	*j, *arr, *o;
	char		*ref;

	j = json_new_object();
	json_add_str(j, "resourceType", "Appointment");
	json_add_str(j, "status", "booked");
	ref = fhir_ref("Slot", slot->id);
	json_add_str(json_add_object(json_add_array(j, "slot"), NULL),
	    "reference", ref);
	free(ref);
	/* The kind of visit as the Schedule has it, unchanged. */
	json_add_child(json_add_array(j, "serviceType"), NULL,
	    json_dup(w->concepts[type]));
	json_add_str(json_add_object(json_add_array(j, "reasonCode"), NULL),
	    "text", reason);
	arr = json_add_array(j, "participant");
	o = json_add_object(arr, NULL);
	ref = fhir_ref("Patient", patient);
	json_add_str(json_add_object(o, "actor"), "reference", ref);
	free(ref);
	json_add_str(o, "status", "accepted");
	o = json_add_object(arr, NULL);
	json_add_child(o, "actor", json_dup(w->actor));
	json_add_str(o, "status", "accepted");
	return j;
}

/* The move: the new visit and the old one cancelled, one transaction. */
static int
booking_move(struct fhir *f, const struct booking *b, struct json *appt,
    const struct slot *slot, const char *request_id, struct fhir_result *res,
    char **cause)
{
	struct json	*bundle, *entries, *e, *req, *old;
	char		*s1, when[64];
	int		 rc;

	bundle = fhir_transaction(&entries);
	fhir_transaction_create(entries, "Appointment", appt, request_id);
	old = json_dup(b->old);
	json_set_str(old, "status", "cancelled");
	json_remove(old, "cancelationReason");
	fhir_time_format(&slot->start, when, sizeof when);
	s1 = xasprintf("Rescheduled to %s", when);
	json_add_str(json_add_object(old, "cancelationReason"), "text", s1);
	free(s1);
	e = json_add_object(entries, NULL);
	json_add_child(e, "resource", old);
	req = json_add_object(e, "request");
	json_add_str(req, "method", "PUT");
	s1 = fhir_path("Appointment", b->old_id, NULL);
	json_add_str(req, "url", s1);
	free(s1);
	json_add_str(req, "ifMatch", b->old_v.etag);
	rc = fhir_request(f, "POST", "", bundle, NULL, res, cause);
	json_free(bundle);
	return rc;
}

/* Was the visit with this request id made after all (a lost answer)? */
static int
booking_made(struct fhir *f, const char *patient, const char *request_id)
{
	struct fhir_result	 res;
	struct visit		 v;
	struct arena		*a;
	char			*q, *who, *ident, *cause = NULL;
	int			 made = 0;

	who = fhir_ref("Patient", patient);
	ident = xasprintf("urn:chartty:request|%s", request_id);
	q = fhir_query("Appointment", "patient", who, "identifier", ident,
	    NULL);
	if (fhir_request(f, "GET", q, NULL, NULL, &res, &cause) == 0 &&
	    fhir_bundle_count(res.body) == 1) {
		a = arena_create();
		made = visit_parse(a, fhir_bundle_resource(res.body, 0),
		    &v) == 0 && v.status && strcmp(v.status, "booked") == 0;
		arena_free(a);
	}
	free(cause);
	free(q);
	free(who);
	free(ident);
	fhir_result_free(&res);
	return made;
}

int
booking_send(struct fhir *f, const struct booking *b,
    const struct booking_who *w, int type, const struct slot *slot,
    const char *patient, const char *reason, const char *request_id,
    long *status, char **cause)
{
	struct fhir_result	 res;
	struct json		*appt;
	int			 rc;

	*status = 0;
	if (type < 0 || type >= w->ntypes) {
		*cause = xstrdup("Choose the kind of visit first.");
		return -1;
	}
	appt = booking_appointment(w, type, slot, patient, reason);
	if (b->old_id != NULL) {
		rc = booking_move(f, b, appt, slot, request_id, &res, cause);
		if (rc != 0 && res.status != 409 &&
		    booking_made(f, patient, request_id)) {
			free(*cause);
			*cause = NULL;
			rc = 0;	/* the answer was lost, the move was made */
		}
	} else {
		rc = fhir_create_resource(f, "Appointment", appt, request_id,
		    &res, cause);
		json_free(appt);
	}
	*status = res.status;
	fhir_result_free(&res);
	return rc;
}

void
booking_visit_clear(struct booking_visit *bv)
{
	arena_free(bv->a);
	json_free(bv->json);
	memset(bv, 0, sizeof *bv);
}

int
booking_visit_load(struct fhir *f, const char *id, struct booking_visit *bv,
    char **cause)
{
	struct fhir_result	 res;
	char			*path;

	path = fhir_path("Appointment", id, NULL);
	if (fhir_read(f, path, NULL, &res, cause) != 0) {
		free(path);
		fhir_result_free(&res);
		return -1;
	}
	free(path);
	booking_visit_clear(bv);
	bv->a = arena_create();
	bv->json = res.body;
	res.body = NULL;
	fhir_result_free(&res);
	if (visit_parse(bv->a, bv->json, &bv->v) != 0) {
		*cause = xstrdup("That visit could not be read.");
		return -1;
	}
	return 0;
}

int
booking_cancel_appointment(struct fhir *f, const struct json *appt,
    const char *id, const char *etag, const char *reason, long *status,
    char **cause)
{
	struct fhir_result	 res;
	struct json		*body;
	char			*path;
	int			 rc;

	*status = 0;
	if (etag == NULL || id == NULL) {
		*cause = xstrdup("This visit has no version, so it cannot be "
		    "cancelled safely online. Please call the clinic.");
		return -1;
	}
	body = json_dup(appt);
	json_set_str(body, "status", "cancelled");
	if (reason != NULL) {
		json_remove(body, "cancelationReason");
		json_add_str(json_add_object(body, "cancelationReason"),
		    "text", reason);
	}
	path = fhir_path("Appointment", id, NULL);
	rc = fhir_update(f, path, body, etag, &res, cause);
	*status = res.status;
	free(path);
	json_free(body);
	fhir_result_free(&res);
	return rc;
}

int
booking_cancel(struct fhir *f, const struct booking_visit *bv,
    const char *reason, long *status, char **cause)
{
	return booking_cancel_appointment(f, bv->json, bv->v.id, bv->v.etag,
	    reason, status, cause);
}

void
booking_visits_clear(struct booking_visits *s)
{
	arena_free(s->a);
	free(s->withheld);
	free(s->missing);
	memset(s, 0, sizeof *s);
}

size_t
booking_visits_urls(const struct fhir *f, const char *patient, char **urls)
{
	char	now[32], *ge, *lt, *ref = fhir_ref("Patient", patient);

	(void)f;	/* every server is asked the same */
	/* Split at the start of today, not this second: the same address
	 * all day, so what was kept answers it (a 304, or the portal out
	 * of reach); booking_visits_take() moves today's past visits. */
	visit_instant_write(visit_midnight(time(NULL), 0), now, sizeof now);
	ge = xasprintf("ge%s", now);
	lt = xasprintf("lt%s", now);
	urls[0] = fhir_query("Appointment?_sort=date&_count="
	    FHIR_NUM(BOOKING_MAX_UPCOMING), "patient", ref, "date", ge, NULL);
	urls[1] = fhir_query("Appointment?_sort=-date&_count="
	    FHIR_NUM(BOOKING_MAX_PAST), "patient", ref, "date", lt, NULL);
	urls[2] = fhir_query("Appointment?status=waitlist", "patient", ref,
	    NULL);
	free(ge);
	free(lt);
	free(ref);
	return BOOKING_VISITS_URLS;
}

/*
 * Today's visits that began before now, asked with the upcoming ones
 * (booking_visits_urls), go to the head of the past ones, latest first.
 */
static void
booking_visits_today(struct booking_visits *s, time_t now)
{
	struct visit	*past;
	size_t		 m = 0, i;

	while (m < s->n[0] && s->list[0][m].start.t < now)
		m++;
	if (m == 0)
		return;
	past = arena_alloc(s->a, (s->n[1] + m + 1) * sizeof *past);
	for (i = 0; i < m; i++)
		past[i] = s->list[0][m - 1 - i];
	memcpy(past + m, s->list[1], s->n[1] * sizeof *past);
	s->list[1] = past;
	s->n[1] += m;
	if (s->past_total >= 0)
		s->past_total += (long)m;
	s->list[0] += m;
	s->n[0] -= m;
}

void
booking_visits_take(struct booking_visits *s, const struct json *body)
{
	const struct json	*b;
	char			*why;
	long			 status;
	size_t			 i, k, n;

	booking_visits_clear(s);
	s->a = arena_create();
	for (k = 0; k < 3; k++) {
		why = NULL;
		b = fhir_batch_entry(body, k, &status, &why);
		if (b == NULL && s->withheld == NULL)
			s->withheld = why;
		else
			free(why);
		n = fhir_bundle_count(b);
		s->list[k] = arena_alloc(s->a, (n + 1) * sizeof *s->list[k]);
		for (i = 0; i < n && i < BOOKING_MAX_UPCOMING; i++) {
			if (visit_parse(s->a, fhir_bundle_resource(b, i),
			    &s->list[k][s->n[k]]) == 0)
				s->n[k]++;
		}
		if (k == 1)
			s->past_total = fhir_bundle_total(b);
	}
	booking_visits_today(s, time(NULL));
}

/* Does visit a come before b in list k (upcoming soonest first, past
 * latest first, the line as it came)? */
static int
booking_before(int k, const struct visit *a, const struct visit *b)
{
	if (k == 0)
		return a->start.t < b->start.t;
	if (k == 1)
		return a->start.t > b->start.t;
	return 1;
}

void
booking_visits_merge(struct booking_visits *s, struct booking_visits *o,
    const char *here, const char *there, int org)
{
	struct visit	 *list;
	const char	**from;
	int		 *orgs, *idx;
	size_t		  k, i, j, n, m;

	if (s->a == NULL)
		s->a = arena_create();
	here = arena_strdup(s->a, here);
	there = arena_strdup(s->a, there);
	for (k = 0; k < 3; k++) {
		n = s->n[k] + o->n[k];
		list = arena_alloc(s->a, (n + 1) * sizeof *list);
		from = arena_alloc(s->a, (n + 1) * sizeof *from);
		orgs = arena_alloc(s->a, (n + 1) * sizeof *orgs);
		idx = arena_alloc(s->a, (n + 1) * sizeof *idx);
		/* The two lists, each in order already, woven together. */
		for (i = j = m = 0; m < n; m++) {
			if (j >= o->n[k] || (i < s->n[k] &&
			    booking_before((int)k, &s->list[k][i],
			    &o->list[k][j]))) {
				list[m] = s->list[k][i];
				from[m] = s->from[k] ? s->from[k][i] : here;
				orgs[m] = s->org[k] ? s->org[k][i] : 0;
				idx[m] = s->idx[k] ? s->idx[k][i] : (int)i;
				i++;
			} else {
				idx[m] = (int)j;
				list[m] = o->list[k][j++];
				from[m] = there;
				orgs[m] = org;
			}
		}
		s->list[k] = list;
		s->from[k] = from;
		s->org[k] = orgs;
		s->idx[k] = idx;
		s->n[k] = n;
	}
	s->past_total = s->past_total >= 0 && o->past_total >= 0 ?
	    s->past_total + o->past_total : -1;
	if (s->withheld == NULL && o->withheld != NULL) {
		s->withheld = o->withheld;
		o->withheld = NULL;
	}
	/* o's visits point into its arena: s keeps it. */
	arena_keep(s->a, o->a);
	o->a = NULL;
}

void
booking_visits_missing(struct booking_visits *s, const char *org,
    const char *why)
{
	char	*was = s->missing;

	s->missing = xasprintf("%s%s%s: %s", was ? was : "", was ? " " : "",
	    org, why ? why : "it could not be reached.");
	free(was);
}

