/*
 * Scheduling a visit, or moving one (arg: the id of the visit to move).
 * Three steps, each a view plain mode can answer: what to look for (a
 * clinician of the care team who can be booked, a visit type they offer,
 * a range of days); the free times, grouped by day; the chosen time with
 * the reason for the visit. A booking is made at most once (a request id
 * kept while the choice is unchanged); a move is one transaction, the
 * new visit and the cancellation together or not at all. A time taken
 * meanwhile (409) says so and shows the free times as they are now.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "crypto.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "url.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { BOOK_WHO, BOOK_TYPE, BOOK_FROM, BOOK_TO, BOOK_FIND, BOOK_AGAIN,
    BOOK_REASON, BOOK_SEND, BOOK_OTHER, BOOK_SLOT = 1000 };
enum { STEP_SEARCH, STEP_TIMES, STEP_CONFIRM };

#define BOOK_MAX_WHO	20
#define BOOK_MAX_TYPES	20
#define BOOK_MAX_SLOTS	200
#define BOOK_MAX_DAYS	90
#define BOOK_DAY	(24 * 60 * 60)

struct book_who {
	const char	*name;		/* "Anita Patel, MD" */
	const char	*option;	/* with the role, for the choice */
	const char	*ref;		/* "Practitioner/<id>" */
	const char	*schedule;	/* "Schedule/<id>" */
	const char	*place;		/* the clinic on the schedule */
	const char	*types[BOOK_MAX_TYPES];	/* displays */
	const char	*codes[BOOK_MAX_TYPES];
	int		 ntypes;
};

struct book {
	char		*old_id;	/* the visit being moved, or NULL */
	struct arena	*a;
	struct json	*old;		/* as loaded, to send back cancelled */
	struct visit	 old_v;
	struct book_who	 who[BOOK_MAX_WHO];
	const char	*who_options[BOOK_MAX_WHO];
	int		 nwho;
	char		*none;		/* why no one can be booked */
	struct field	 f_who, f_type, f_from, f_to, f_reason;
	int		 last_who;
	int		 step;
	int		 refocus;
	time_t		 from, to;	/* local midnights, to inclusive */
	struct arena	*sa;
	struct slot	*slots;
	size_t		 nslots;
	long		 total;
	int		 chosen;	/* index in slots */
	struct book_who	*searched;	/* whom the times are for */
	int		 searched_type;
	char		*request_id;	/* kept until it is booked */
	char		*sent;
};

/* The care team's members: "Practitioner/<id>" -> display and role. */
struct book_team {
	const char	*refs[BOOK_MAX_WHO];
	const char	*names[BOOK_MAX_WHO];
	const char	*roles[BOOK_MAX_WHO];
	int		 n;
};

static void
book_team(struct arena *a, const struct json *bundle, struct book_team *t)
{
	const struct json	*ct, *p, *m;
	const char		*ref;
	size_t			 i, k;
	int			 j;

	for (i = 0; i < fhir_bundle_count(bundle); i++) {
		ct = fhir_bundle_resource(bundle, i);
		for (k = 0; k < json_size(json_get(ct, "participant")); k++) {
			p = json_at(json_get(ct, "participant"), k);
			m = json_get(p, "member");
			ref = json_gets(m, "reference");
			if (ref == NULL || strncmp(ref, "Practitioner/", 13) ||
			    t->n == BOOK_MAX_WHO)
				continue;
			for (j = 0; j < t->n && strcmp(t->refs[j], ref); j++)
				;
			if (j < t->n)
				continue;
			t->refs[t->n] = model_str(a, m, "reference");
			t->names[t->n] = model_str(a, m, "display");
			t->roles[t->n] = model_concept(a,
			    json_at(json_get(p, "role"), 0));
			t->n++;
		}
	}
}

/* A schedule's clinician (one of the team) and the visit types offered. */
static void
book_schedule(struct book *s, const struct json *sc,
    const struct book_team *t)
{
	struct book_who		*w;
	const struct json	*actor, *st, *c;
	const char		*ref;
	size_t			 i, k;
	int			 j;

	if (s->nwho == BOOK_MAX_WHO || model_str(s->a, sc, "id") == NULL ||
	    json_bool(json_get(sc, "active")) == 0)
		return;
	w = &s->who[s->nwho];
	memset(w, 0, sizeof *w);
	for (i = 0; i < json_size(json_get(sc, "actor")); i++) {
		actor = json_at(json_get(sc, "actor"), i);
		if ((ref = json_gets(actor, "reference")) == NULL)
			continue;
		for (j = 0; j < t->n && w->ref == NULL; j++) {
			if (strcmp(t->refs[j], ref) != 0)
				continue;
			w->ref = t->refs[j];
			w->name = t->names[j] ? t->names[j] :
			    model_str(s->a, actor, "display");
			w->option = t->roles[j] && w->name ?
			    arena_own(s->a, xasprintf("%s, %s", w->name,
			    t->roles[j])) : w->name;
		}
		if (strncmp(ref, "Location/", 9) == 0 && w->place == NULL)
			w->place = model_str(s->a, actor, "display");
	}
	if (w->ref == NULL || w->name == NULL)
		return;
	for (i = 0; i < json_size(json_get(sc, "serviceType")) &&
	    w->ntypes < BOOK_MAX_TYPES; i++) {
		st = json_at(json_get(sc, "serviceType"), i);
		for (k = 0; k < json_size(json_get(st, "coding")); k++) {
			c = json_at(json_get(st, "coding"), k);
			if (json_gets(c, "system") == NULL ||
			    strcmp(json_gets(c, "system"), VISIT_TYPE_SYSTEM) ||
			    model_str(s->a, c, "code") == NULL)
				continue;
			w->codes[w->ntypes] = model_str(s->a, c, "code");
			w->types[w->ntypes] = model_concept(s->a, st);
			w->ntypes++;
			break;
		}
	}
	if (w->ntypes == 0)
		return;
	w->schedule = arena_own(s->a, xasprintf("Schedule/%s",
	    model_str(s->a, sc, "id")));
	s->who_options[s->nwho++] = w->option;
}

/* Put the visit types of the chosen clinician in the type field. */
static void
book_types(struct book *s, const char *code)
{
	struct book_who	*w = &s->who[s->f_who.choice];
	int		 i, pick = 0;

	for (i = 0; code != NULL && i < w->ntypes; i++) {
		if (strcmp(w->codes[i], code) == 0)
			pick = i;
	}
	field_options(&s->f_type, w->types, w->ntypes, pick);
	s->last_who = s->f_who.choice;
}

/* Who can be booked: the care team, then their schedules. */
static int
book_load_team(struct app *app, struct book *s, char **cause)
{
	struct fhir_result	 res;
	struct book_team	 t;
	const struct json	*b;
	struct buf		 q;
	char			*urls[2];
	long			 status;
	size_t			 i, n = 1;
	int			 rc, j, keep = -1;

	urls[0] = xasprintf("CareTeam?patient=Patient/%s&status=active",
	    app_patient(app));
	if (s->old_id != NULL) {
		urls[n++] = fhir_path("Appointment", s->old_id, NULL);
	}
	if (fhir_batch_take(app->portal->fhir, urls, n, &res, cause) != 0)
		return -1;
	s->a = arena_create();	/* once: the screen is new */
	memset(&t, 0, sizeof t);
	if ((b = fhir_batch_entry(res.body, 0, &status, cause)) == NULL) {
		fhir_result_free(&res);
		return -1;
	}
	book_team(s->a, b, &t);
	if (s->old_id != NULL) {
		b = fhir_batch_entry(res.body, 1, &status, cause);
		if (b == NULL || visit_parse(s->a, b, &s->old_v) != 0) {
			if (*cause == NULL)
				*cause = xstrdup("The visit to move could not "
				    "be loaded.");
			fhir_result_free(&res);
			return -1;
		}
		json_free(s->old);
		s->old = json_dup(b);
	}
	fhir_result_free(&res);
	if (t.n == 0) {
		s->none = xstrdup("No one on your care team can be booked "
		    "online. Please call the clinic.");
		return 0;
	}
	buf_init(&q, 64 * 1024);
	buf_addstr(&q, "actor=");
	for (j = 0; j < t.n; j++)
		buf_printf(&q, "%s%s", j ? "," : "", t.refs[j]);
	buf_printf(&q, "&_count=%d", BOOK_MAX_WHO);
	rc = fhir_search(app->portal->fhir, "Schedule", q.data, &res, cause);
	buf_free(&q, 0);
	if (rc != 0) {
		fhir_result_free(&res);
		return -1;
	}
	for (i = 0; i < fhir_bundle_count(res.body); i++)
		book_schedule(s, fhir_bundle_resource(res.body, i), &t);
	fhir_result_free(&res);
	if (s->nwho == 0) {
		s->none = xstrdup("No one on your care team can be booked "
		    "online. Please call the clinic.");
		return 0;
	}
	for (j = 0; s->old_id != NULL && keep < 0 && j < s->nwho; j++) {
		if (s->old_v.clinician_ref &&
		    strcmp(s->who[j].ref, s->old_v.clinician_ref) == 0)
			keep = j;
	}
	field_options(&s->f_who, s->who_options, s->nwho,
	    keep >= 0 && keep < s->nwho ? keep : 0);
	book_types(s, s->old_id != NULL ? s->old_v.type_code : NULL);
	return 0;
}

/* The free times of the searched clinician in the searched days. */
static int
book_load_slots(struct app *app, struct book *s, char **cause)
{
	struct fhir_result	 res;
	struct slot		 slot;
	char			 from[32], to[32], *q, *sched;
	time_t			 now = time(NULL);
	size_t			 i, n;

	visit_instant_write(s->from > now ? s->from : now, from, sizeof from);
	visit_instant_write(s->to + BOOK_DAY, to, sizeof to);
	sched = url_escape(s->searched->schedule);
	q = xasprintf("schedule=%s&status=free&start=ge%s&start=lt%s"
	    "&_sort=start&_count=%d", sched, from, to, BOOK_MAX_SLOTS);
	free(sched);
	if (fhir_search(app->portal->fhir, "Slot", q, &res, cause) != 0) {
		free(q);
		fhir_result_free(&res);
		return -1;
	}
	free(q);
	arena_free(s->sa);
	s->sa = arena_create();
	n = fhir_bundle_count(res.body);
	s->slots = arena_alloc(s->sa, (n + 1) * sizeof *s->slots);
	s->nslots = 0;
	for (i = 0; i < n && i < BOOK_MAX_SLOTS; i++) {
		if (visit_slot_parse(s->sa, fhir_bundle_resource(res.body, i),
		    &slot) == 0 && slot.start.t > now)
			s->slots[s->nslots++] = slot;
	}
	s->total = fhir_bundle_total(res.body);
	fhir_result_free(&res);
	s->refocus = 1;
	return 0;
}

static int
book_fetch(struct app *app, void *state, char **cause)
{
	struct book	*s = state;

	/*
	 * Who can be booked is loaded once, when the screen opens: the
	 * choices and the times shown point into it. A reload looks at
	 * the free times again (built aside: they stay if it fails).
	 */
	if (s->step != STEP_SEARCH && s->searched != NULL) {
		if (book_load_slots(app, s, cause) != 0)
			return -1;
		s->step = STEP_TIMES;
	}
	return 0;
}

static void
book_free(struct book *s)
{
	arena_free(s->a);
	arena_free(s->sa);
	json_free(s->old);
	free(s->none);
	free(s->old_id);
	free(s->request_id);
	secret_free(s->sent);
	field_clear(&s->f_reason);
	free(s);
}

static int
book_open(struct app *app, void *arg, void **state, char **cause)
{
	struct book	*s = xcalloc(1, sizeof *s);
	char		 day[16];
	time_t		 now = time(NULL);

	s->old_id = arg;
	if (visit_date_parse("tomorrow", now, &s->from) == 0) {
		visit_date_write(s->from, day, sizeof day);
		field_set(&s->f_from, day);
	}
	if (visit_date_parse("+14", now, &s->to) == 0) {
		visit_date_write(s->to, day, sizeof day);
		field_set(&s->f_to, day);
	}
	if (book_load_team(app, s, cause) != 0) {
		book_free(s);
		return -1;
	}
	if (s->old_id != NULL && s->old_v.reason != NULL)
		field_set(&s->f_reason, s->old_v.reason);
	if (s->old_id != NULL && (s->old_v.cancel_allowed != 1 ||
	    s->old_v.status == NULL || strcmp(s->old_v.status, "booked"))) {
		*cause = xstrdup("This visit can no longer be moved online. "
		    "Please call the clinic.");
		book_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static const char *
book_type_name(const struct book *s)
{
	const struct book_who	*w = s->searched;

	return w && s->searched_type < w->ntypes ?
	    w->types[s->searched_type] : "visit";
}

static void
book_search_view(struct book *s, struct view *v)
{
	char	 when[64];
	int	 row;

	if (s->old_id != NULL) {
		fhir_time_format(&s->old_v.start, when, sizeof when);
		view_text(v, view_printf(v, "Moving your %s on %s. It stays "
		    "booked until the new time is booked.", s->old_v.type ?
		    s->old_v.type : "visit", when));
	}
	if (s->none != NULL) {
		view_text(v, s->none);
		return;
	}
	if (s->f_who.choice != s->last_who)
		book_types(s, NULL);
	view_heading(v, "Find a time");
	view_text(v, "Type days as a date (YYYY-MM-DD), or today, tomorrow, "
	    "or +7 for a week from today.");
	row = view_field(v, BOOK_WHO, "Clinician", &s->f_who, 0);
	if (s->refocus)
		v->focus = row;
	s->refocus = 0;
	view_field(v, BOOK_TYPE, "Kind of visit", &s->f_type, 0);
	view_field(v, BOOK_FROM, "First day", &s->f_from, 0);
	view_field(v, BOOK_TO, "Last day", &s->f_to, 0);
	view_button(v, BOOK_FIND, "Find free times");
}

static void
book_times_view(struct book *s, struct view *v)
{
	char	 a[64], b[64], day[64], last[64] = "", when[64];
	size_t	 i, n;
	int	 row;

	visit_day_format(s->from, a, sizeof a);
	visit_day_format(s->to, b, sizeof b);
	view_heading(v, "Free times");
	if (s->nslots == 0)
		view_text(v, view_printf(v, "%s with %s: no free times from "
		    "%s to %s. Try other days or another clinician.",
		    book_type_name(s), s->searched->name, a, b));
	else
		view_text(v, view_printf(v, "%s with %s: %zu free time%s from "
		    "%s to %s. Choose one.%s", book_type_name(s),
		    s->searched->name, s->nslots, s->nslots == 1 ? "" : "s",
		    a, b, s->total > (long)s->nslots ?
		    " Only the first ones are shown: choose fewer days to "
		    "see the rest." : ""));
	for (i = 0; i < s->nslots; i++) {
		visit_day_format(s->slots[i].start.t, day, sizeof day);
		if (strcmp(day, last) != 0) {
			view_heading(v, day);
			strlcpy_c(last, day, sizeof last);
		}
		/* "Wed 2 Dec 2026 09:30": the time, then the day again, so
		 * each item says it all when read alone. */
		fhir_time_format(&s->slots[i].start, when, sizeof when);
		n = strlen(when);
		row = view_item(v, BOOK_SLOT + (int)i, "Time", n > 6 ?
		    when + n - 5 : when, view_printf(v, "%.*s%s", n > 6 ?
		    (int)(n - 6) : 0, when, s->slots[i].minutes > 0 ?
		    view_printf(v, ", %d minutes", s->slots[i].minutes) : ""),
		    0);
		if (i == 0 && s->refocus)
			v->focus = row;
	}
	s->refocus = 0;
	view_heading(v, "Other choices");
	row = view_item(v, BOOK_AGAIN, "Action", "Change the search",
	    "another clinician, kind of visit or days", 0);
	if (s->nslots == 0)
		v->focus = row;
}

static void
book_confirm_view(struct book *s, struct view *v)
{
	const struct slot	*t = &s->slots[s->chosen];
	char			 when[64], old[64];
	int			 row;

	fhir_time_format(&t->start, when, sizeof when);
	view_heading(v, "Your visit");
	view_text(v, view_printf(v, "%s with %s on %s%s%s.",
	    book_type_name(s), s->searched->name, when,
	    s->searched->place && strcmp(book_type_name(s), "Video visit") ?
	    " at " : "", s->searched->place && strcmp(book_type_name(s),
	    "Video visit") ? s->searched->place : ""));
	if (s->old_id != NULL) {
		fhir_time_format(&s->old_v.start, old, sizeof old);
		view_text(v, view_printf(v, "Your visit on %s is cancelled "
		    "in the same step: both happen, or neither.", old));
	}
	row = view_field(v, BOOK_REASON, "Reason for the visit", &s->f_reason,
	    0);
	if (s->refocus)
		v->focus = row;	/* a new step starts at its field */
	s->refocus = 0;
	view_button(v, BOOK_SEND, s->old_id ? "Move my visit to this time" :
	    "Book this visit");
	view_button(v, BOOK_OTHER, "Choose another time");
}

static void
book_view(struct app *app, void *state, struct view *v)
{
	struct book	*s = state;

	v->title = view_str(v, s->old_id ? "Reschedule" : "Schedule a visit");
	switch (s->step) {
	case STEP_TIMES:
		book_times_view(s, v);
		break;
	case STEP_CONFIRM:
		book_confirm_view(s, v);
		break;
	default:
		book_search_view(s, v);
		break;
	}
}

/* Check the days typed and look for free times. */
static int
book_find(struct app *app, struct book *s)
{
	time_t	 now = time(NULL), today, from, to;
	char	*cause = NULL;

	if (s->nwho == 0)
		return 0;
	if (s->last_who != s->f_who.choice) {
		/* Plain mode asks every field at once: the kinds of visit
		 * shown were another clinician's. */
		book_types(s, NULL);
		app_say(app, "Now choose the kind of visit: the list is the "
		    "one for the clinician you chose.");
		return APP_REDRAW;
	}
	visit_date_parse("today", now, &today);
	if (visit_date_parse(s->f_from.text, now, &from) != 0) {
		app_say(app, "Type the first day as a date like 2026-12-05, "
		    "or today, tomorrow, or +7 for a week from today.");
		return APP_REDRAW;
	}
	if (visit_date_parse(s->f_to.text, now, &to) != 0) {
		app_say(app, "Type the last day as a date like 2026-12-19, "
		    "or +14 for two weeks from today.");
		return APP_REDRAW;
	}
	if (from < today) {
		app_say(app, "The first day has passed: choose today or a "
		    "later day.");
		return APP_REDRAW;
	}
	if (to < from) {
		app_say(app, "The last day is before the first day.");
		return APP_REDRAW;
	}
	if (to - from > BOOK_MAX_DAYS * BOOK_DAY) {
		app_say(app, "Look at 90 days or fewer at a time.");
		return APP_REDRAW;
	}
	s->from = from;
	s->to = to;
	s->searched = &s->who[s->f_who.choice];
	s->searched_type = s->f_type.choice;
	app_loading(app, "Looking for free times...");
	if (book_load_slots(app, s, &cause) != 0) {
		app_say(app, cause ? cause : "The free times could not be "
		    "loaded.");
		free(cause);
		return APP_REDRAW;
	}
	s->step = STEP_TIMES;
	return APP_REDRAW;
}

/* The new visit, as portal-api.md describes a booking. */
static struct json *
book_appointment(struct app *app, struct book *s)
{
	const struct book_who	*w = s->searched;
	struct json		*j, *arr, *o, *c;
	char			*ref;

	j = json_new_object();
	json_add_str(j, "resourceType", "Appointment");
	json_add_str(j, "status", "booked");
	ref = xasprintf("Slot/%s", s->slots[s->chosen].id);
	json_add_str(json_add_object(json_add_array(j, "slot"), NULL),
	    "reference", ref);
	free(ref);
	o = json_add_object(json_add_array(j, "serviceType"), NULL);
	c = json_add_object(json_add_array(o, "coding"), NULL);
	json_add_str(c, "system", VISIT_TYPE_SYSTEM);
	json_add_str(c, "code", w->codes[s->searched_type]);
	json_add_str(c, "display", w->types[s->searched_type]);
	json_add_str(o, "text", w->types[s->searched_type]);
	json_add_str(json_add_object(json_add_array(j, "reasonCode"), NULL),
	    "text", s->f_reason.text);
	arr = json_add_array(j, "participant");
	o = json_add_object(arr, NULL);
	ref = xasprintf("Patient/%s", app_patient(app));
	json_add_str(json_add_object(o, "actor"), "reference", ref);
	free(ref);
	json_add_str(o, "status", "accepted");
	o = json_add_object(arr, NULL);
	c = json_add_object(o, "actor");
	json_add_str(c, "reference", w->ref);
	json_add_str(c, "display", w->name);
	json_add_str(o, "status", "accepted");
	return j;
}

/* The move: the new visit and the old one cancelled, one transaction. */
static int
book_move(struct app *app, struct book *s, struct json *appt,
    struct fhir_result *res, char **cause)
{
	struct json	*bundle, *entries, *e, *req, *id, *old;
	char		*s1, when[64];
	int		 rc;

	id = json_add_object(json_add_array(appt, "identifier"), NULL);
	json_add_str(id, "system", "urn:chartty:request");
	json_add_str(id, "value", s->request_id);
	bundle = json_new_object();
	json_add_str(bundle, "resourceType", "Bundle");
	json_add_str(bundle, "type", "transaction");
	entries = json_add_array(bundle, "entry");
	e = json_add_object(entries, NULL);
	s1 = xasprintf("urn:uuid:%s", s->request_id);
	json_add_str(e, "fullUrl", s1);
	free(s1);
	json_add_child(e, "resource", appt);
	req = json_add_object(e, "request");
	json_add_str(req, "method", "POST");
	json_add_str(req, "url", "Appointment");
	s1 = xasprintf("identifier=urn:chartty:request|%s", s->request_id);
	json_add_str(req, "ifNoneExist", s1);
	free(s1);
	old = json_dup(s->old);
	json_set_str(old, "status", "cancelled");
	json_remove(old, "cancelationReason");
	fhir_time_format(&s->slots[s->chosen].start, when, sizeof when);
	s1 = xasprintf("Rescheduled to %s", when);
	json_add_str(json_add_object(old, "cancelationReason"), "text", s1);
	free(s1);
	e = json_add_object(entries, NULL);
	json_add_child(e, "resource", old);
	req = json_add_object(e, "request");
	json_add_str(req, "method", "PUT");
	json_add_str(req, "url", arena_own(s->a, fhir_path("Appointment",
	    s->old_id, NULL)));
	json_add_str(req, "ifMatch", s->old_v.etag ? s->old_v.etag : "");
	rc = fhir_request(app->portal->fhir, "POST", "", bundle, NULL, res,
	    cause);
	json_free(bundle);
	return rc;
}

/* Was the visit with this request id made after all (a lost answer)? */
static int
book_made(struct app *app, struct book *s)
{
	struct fhir_result	 res;
	struct visit		 v;
	struct arena		*a;
	char			*q, *cause = NULL;
	int			 made = 0;

	q = xasprintf("patient=Patient/%s&identifier=urn:chartty:request%%7C"
	    "%s", app_patient(app), s->request_id);
	if (fhir_search(app->portal->fhir, "Appointment", q, &res,
	    &cause) == 0 && fhir_bundle_count(res.body) == 1) {
		a = arena_create();
		made = visit_parse(a, fhir_bundle_resource(res.body, 0),
		    &v) == 0 && v.status && strcmp(v.status, "booked") == 0;
		arena_free(a);
	}
	free(cause);
	free(q);
	fhir_result_free(&res);
	return made;
}

static int
book_send(struct app *app, struct book *s)
{
	struct fhir_result	 res;
	struct json		*appt;
	char			*cause = NULL, *what, when[64], *said;
	int			 rc;

	if (str_blank(s->f_reason.text)) {
		app_say(app, "Please say briefly why you are coming.");
		return APP_REDRAW;
	}
	what = xasprintf("%s\037%d\037%s", s->slots[s->chosen].id,
	    s->searched_type, s->f_reason.text);
	crypto_request_id(&s->request_id, &s->sent, what);
	appt = book_appointment(app, s);
	app_loading(app, s->old_id ? "Moving the visit..." :
	    "Booking the visit...");
	if (s->old_id != NULL)
		rc = book_move(app, s, appt, &res, &cause);
	else {
		rc = fhir_create_resource(app->portal->fhir, "Appointment",
		    appt, s->request_id, &res, &cause);
		json_free(appt);
	}
	fhir_time_format(&s->slots[s->chosen].start, when, sizeof when);
	if (rc != 0 && s->old_id != NULL && res.status != 409 &&
	    book_made(app, s))
		rc = 0;		/* the answer was lost, the move was made */
	if (rc == 0) {
		fhir_result_free(&res);
		free(cause);
		said = s->old_id ? xasprintf("Your visit is moved to %s.",
		    when) : xasprintf("Booked: %s with %s on %s.",
		    book_type_name(s), s->searched->name, when);
		app_say(app, said);
		free(said);
		free(s->request_id);
		s->request_id = NULL;
		return APP_POP | APP_REFETCH;
	}
	if (res.status == 409) {
		/* Taken meanwhile: the free times as they are now. */
		fhir_result_free(&res);
		said = xasprintf("%s Here are the free times now.", cause ?
		    cause : "That time was just taken.");
		free(cause);
		cause = NULL;
		if (book_load_slots(app, s, &cause) == 0)
			s->step = STEP_TIMES;
		app_say(app, cause ? cause : said);
		free(said);
		free(cause);
		return APP_REDRAW;
	}
	if (res.status == 412 && s->old_id != NULL) {
		fhir_result_free(&res);
		free(cause);
		app_say(app, "Your visit changed since you opened it, so it "
		    "was not moved. Go back to see it as it is now.");
		return APP_REDRAW;
	}
	fhir_result_free(&res);
	/* Everything stays as chosen; sending again is safe. */
	app_say(app, cause ? cause : "The visit was not booked.");
	free(cause);
	return APP_REDRAW;
}

static int
book_action(struct app *app, void *state, enum action a,
    const struct view_row *r)
{
	struct book	*s = state;

	if (r->id >= BOOK_SLOT && (size_t)(r->id - BOOK_SLOT) < s->nslots) {
		s->chosen = r->id - BOOK_SLOT;
		s->step = STEP_CONFIRM;
		s->refocus = 1;
		return APP_REDRAW;
	}
	switch (r->id) {
	case BOOK_WHO:
	case BOOK_TYPE:
	case BOOK_FROM:
	case BOOK_TO:
	case BOOK_FIND:
		return book_find(app, s);
	case BOOK_AGAIN:
		s->step = STEP_SEARCH;
		s->refocus = 1;
		return APP_REDRAW;
	case BOOK_OTHER:
		s->step = STEP_TIMES;
		s->refocus = 1;
		return APP_REDRAW;
	case BOOK_REASON:
	case BOOK_SEND:
		return book_send(app, s);
	}
	return 0;
}

static void
book_close(void *state)
{
	book_free(state);
}

const struct screen screen_book = {
	.name = "book",
	.title = "Schedule a visit",
	.loading = "Loading your care team...",
	.open = book_open,
	.fetch = book_fetch,
	.view = book_view,
	.action = book_action,
	.close = book_close,
};
