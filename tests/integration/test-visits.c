/*
 * Integration tests of appointments against the real test portal, driving
 * the real screens (visits, visit, book, On My Way) through their
 * callbacks without curses: the list with the server's flags; booking at
 * most once, also when the answer is lost; two people racing for one
 * time; cancelling inside and outside the 24-hour rule; a move that fails
 * between its parts leaves exactly one live visit; joining and leaving an
 * urgent-care line.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "portal-test.h"
#include "screen-test.h"
#include "tap.h"
#include "util.h"
#include "view.h"
#include "visit.h"

#define MARIA		"maria@example.org", "Chartty-demo-1"
#define LAB		"appt-maria-lopez-lab"		/* within 24 hours */
#define FOLLOWUP	"appt-maria-lopez-followup"	/* in 4 to 6 days */
#define VIDEO		"appt-maria-lopez-video"
#define BOOK_SLOT	1000	/* screen-book.c: the first free time's id */
#define DONE_FLAGS	(APP_POP | APP_REFETCH)

/* Maria's visits as the portal has them now (into a; n of them). */
static struct visit *
all_visits(struct app *app, struct arena *a, size_t *n)
{
	struct fhir_result	 res;
	struct visit		*v;
	char			*cause = NULL;
	size_t			 i, count;

	*n = 0;
	if (fhir_search(portal_fhir(app->portal), "Appointment",
	    "patient=Patient/maria-lopez&_count=200", &res, &cause) != 0) {
		diag("search: %s", cause ? cause : "?");
		free(cause);
		fhir_result_free(&res);
		return NULL;
	}
	count = fhir_bundle_count(res.body);
	v = arena_alloc(a, (count + 1) * sizeof *v);
	for (i = 0; i < count; i++) {
		if (visit_parse(a, fhir_bundle_resource(res.body, i),
		    &v[*n]) == 0)
			(*n)++;
	}
	fhir_result_free(&res);
	return v;
}

/* How many of Maria's visits have reason and status ("booked"...). */
static int
count_visits(struct app *app, const char *reason, const char *status)
{
	struct arena	*a = arena_create();
	struct visit	*v;
	size_t		 i, n;
	int		 k = 0;

	v = all_visits(app, a, &n);
	for (i = 0; v != NULL && i < n; i++) {
		if (v[i].reason && strcmp(v[i].reason, reason) == 0 &&
		    v[i].status && strcmp(v[i].status, status) == 0)
			k++;
	}
	arena_free(a);
	return k;
}

/* The status of Maria's visit id now (a static copy), or "". */
static const char *
status_of(struct app *app, const char *id)
{
	static char	 out[32];
	struct arena	*a = arena_create();
	struct visit	*v;
	size_t		 i, n;

	out[0] = '\0';
	v = all_visits(app, a, &n);
	for (i = 0; v != NULL && i < n; i++) {
		if (v[i].id && strcmp(v[i].id, id) == 0 && v[i].status)
			strlcpy_c(out, v[i].status, sizeof out);
	}
	arena_free(a);
	return out;
}

/* The view of screen s now (view_free it). */
static void
view_of(const struct screen *s, struct app *app, void *state,
    struct view *v)
{
	view_init(v);
	s->view(app, state, v);
}

/* The book screen (for a move when old is set) with its search typed in. */
static void *
book_search(struct app *app, const char *old, const char *who,
    const char *type, const char *from, const char *to)
{
	void	*state;
	int	 flags;

	state = st_open(&screen_book, app, old ? xstrdup(old) : NULL);
	if (state == NULL)
		return NULL;
	ok(st_field(&screen_book, app, state, "Clinician", who) == 0 &&
	    st_field(&screen_book, app, state, "First day", from) == 0 &&
	    st_field(&screen_book, app, state, "Last day", to) == 0,
	    "the search is typed: %s, %s to %s", who, from, to);
	/* The kinds of visit follow the clinician when the view is built. */
	flags = st_field(&screen_book, app, state, "Kind of visit", type);
	ok(flags == 0, "kind of visit: %s", type);
	flags = st_press(&screen_book, app, state, ROW_BUTTON, "Find free");
	ok(flags == APP_REDRAW, "Find free times (%s)", app->message ?
	    app->message : "no message");
	return state;
}

/* Choose the first free time and type reason; 0 when the form is shown. */
static int
book_choose(struct app *app, void *state, const char *reason)
{
	struct view	v;
	int		rc;

	if (st_select(&screen_book, app, state, BOOK_SLOT) != APP_REDRAW)
		return -1;
	rc = st_field(&screen_book, app, state, "Reason", reason);
	view_of(&screen_book, app, state, &v);
	if (st_row(&v, ROW_BUTTON, "Book") == NULL &&
	    st_row(&v, ROW_BUTTON, "Move") == NULL)
		rc = -1;
	view_free(&v);
	return rc;
}

static void
test_list(void)
{
	struct app	 app;
	struct view	 v;
	void		*state;
	const struct view_row *r;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	if ((state = st_open(&screen_home, &app, NULL)) != NULL) {
		view_of(&screen_home, &app, state, &v);
		r = st_row(&v, ROW_ITEM, "Appointments");
		ok(r != NULL && r->value && strstr(r->value, "next: ") &&
		    strstr(r->value, ", Lab work; eCheck-in is open"),
		    "Home says the next visit: %s", r && r->value ? r->value :
		    "(none)");
		r = st_row(&v, ROW_ITEM, "Messages");
		ok(r != NULL && r->value && strcmp(r->value, "2 new messages "
		    "from your care team") == 0, "and the new messages: %s",
		    r && r->value ? r->value : "(none)");
		r = st_row(&v, ROW_ITEM, "Billing");
		ok(r != NULL && r->value && strcmp(r->value, "$305.00 due") == 0,
		    "and what is due: %s", r && r->value ? r->value : "(none)");
		view_free(&v);
		screen_home.close(state);
	}
	if ((state = st_open(&screen_visits, &app, NULL)) == NULL) {
		st_end(&app);
		return;
	}
	view_of(&screen_visits, &app, state, &v);
	ok(st_count(&v, "Visit") == 6, "6 visits: 4 upcoming, 2 past (%zu)",
	    st_count(&v, "Visit"));
	r = st_row(&v, ROW_ITEM, NULL);
	ok(r != NULL && r->value && strstr(r->value, "Lab work with Anita "
	    "Patel, MD") && strstr(r->value, "eCheck-in is open") &&
	    (r->flags & ROW_ALERT), "the soonest first, with eCheck-in open "
	    "said in words: %s", r && r->value ? r->value : "(none)");
	ok(st_mentions(&v, "Video visit with David Chen, NP."),
	    "a video visit says so, without a place");
	ok(st_mentions(&v, "Completed.") && st_mentions(&v, "Cancelled."),
	    "past visits say how they ended");
	ok(st_row(&v, ROW_ITEM, "Schedule a visit") != NULL &&
	    st_row(&v, ROW_ITEM, "On My Way") != NULL,
	    "scheduling and On My Way are items (plain mode can choose them)");
	view_free(&v);
	screen_visits.close(state);

	/* One visit: its facts and what the server allows. */
	state = st_open(&screen_visit, &app, xstrdup(FOLLOWUP));
	if (state != NULL) {
		view_of(&screen_visit, &app, state, &v);
		ok(st_mentions(&v, "Follow-up visit") &&
		    st_mentions(&v, "Anita Patel, MD") &&
		    st_mentions(&v, "glucose meter") &&
		    st_mentions(&v, "$25.00") &&
		    st_mentions(&v, "30 minutes"),
		    "a visit: kind, clinician, preparation, copay, length");
		ok(st_row(&v, ROW_ITEM, "Reschedule") != NULL &&
		    st_row(&v, ROW_ITEM, "Cancel this visit") != NULL,
		    "more than 24 hours away: reschedule and cancel offered");
		view_free(&v);
		screen_visit.close(state);
	}
	state = st_open(&screen_visit, &app, xstrdup(LAB));
	if (state != NULL) {
		view_of(&screen_visit, &app, state, &v);
		ok(st_row(&v, ROW_ITEM, "Cancel") == NULL &&
		    st_row(&v, ROW_ITEM, "Reschedule") == NULL &&
		    st_says(&v, "To cancel or change this visit now, please "
		    "call the clinic."), "within 24 hours: no cancel, and "
		    "the person is told to call");
		view_free(&v);
		screen_visit.close(state);
	}
	st_end(&app);
}

static void
test_book(void)
{
	struct app	 app;
	struct view	 v;
	void		*state;
	char		 from[11], to[11], other[11], unused[11];
	int		 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	if (pt_free_days(app.portal, "sched-patel", 30, from, to) != 0 ||
	    (state = book_search(&app, NULL, "Anita Patel", "Office visit",
	    from, to)) == NULL) {
		st_end(&app);
		return;
	}
	view_of(&screen_book, &app, state, &v);
	ok(st_count(&v, "Time") > 20, "free times are listed (%zu)",
	    st_count(&v, "Time"));
	ok(st_mentions(&v, "Office visit with Anita Patel, MD:"),
	    "the times say what they are for");
	view_free(&v);
	ok(book_choose(&app, state, "Sore knee, test_book") == 0,
	    "a time is chosen and the reason typed");
	/* The portal books it but the answer never arrives (twice: libcurl
	 * retries a dropped reused connection once). */
	pt_fault("drop-answer", 2, 0, "/fhir/R4/Appointment");
	flags = st_press(&screen_book, &app, state, ROW_BUTTON, "Book");
	ok(flags == APP_REDRAW && pt_sentence(app.message),
	    "a lost answer is said in a sentence: %s", app.message ?
	    app.message : "(none)");
	ok(count_visits(&app, "Sore knee, test_book", "booked") == 1,
	    "the portal has the visit once");
	flags = st_press(&screen_book, &app, state, ROW_BUTTON, "Book");
	ok(flags == DONE_FLAGS, "booking again (same request id) succeeds");
	like(app.message, "Booked: Office visit with Anita Patel, MD on ",
	    "and says what was booked");
	ok(count_visits(&app, "Sore knee, test_book", "booked") == 1,
	    "still exactly one visit");
	screen_book.close(state);

	/* A blank reason is refused before anything is sent. */
	state = NULL;
	if (pt_free_days(app.portal, "sched-chen", 2, other, unused) == 0)
		state = book_search(&app, NULL, "David Chen", "Video visit",
		    other, other);
	if (state != NULL) {
		ok(book_choose(&app, state, "   ") == 0, "a blank reason");
		flags = st_press(&screen_book, &app, state, ROW_BUTTON,
		    "Book");
		like(app.message, "Please say briefly why you are coming.",
		    "is refused in words");
		ok(flags == APP_REDRAW, "and the form stays");
		screen_book.close(state);
	}
	/* Days typed wrong are said, not searched. */
	state = book_search(&app, NULL, "Anita Patel", "Office visit",
	    "next week", to);
	if (state != NULL) {
		like(app.message, "Type the first day as a date like",
		    "a first day that is not a date is explained");
		view_of(&screen_book, &app, state, &v);
		ok(st_row(&v, ROW_BUTTON, "Find free") != NULL,
		    "and the search form stays");
		view_free(&v);
		ok(st_field(&screen_book, &app, state, "First day", to) ==
		    0 && st_field(&screen_book, &app, state, "Last day",
		    from) == 0 && st_press(&screen_book, &app, state,
		    ROW_BUTTON, "Find free") == APP_REDRAW,
		    "a last day before the first");
		like(app.message, "The last day is before the first day.",
		    "is said");
		screen_book.close(state);
	}
	st_end(&app);
}

static void
test_race(void)
{
	struct app	 a, b;
	void		*sa, *sb;
	char		 from[11], to[11];
	struct view	 v;
	int		 fa, fb;

	pt_reset();
	if (st_start(&a, MARIA) != 0 || st_start(&b, MARIA) != 0)
		return;
	/* One day with two free times at least: the first is raced for,
	 * the second is left for the one who loses. */
	sa = sb = NULL;
	if (pt_free_days(a.portal, "sched-garcia", 2, from, to) != 0)
		goto out;
	sa = book_search(&a, NULL, "Elena Garcia", "Cardiology", from, from);
	sb = book_search(&b, NULL, "Elena Garcia", "Cardiology", from, from);
	if (sa == NULL || sb == NULL)
		goto out;
	ok(book_choose(&a, sa, "Race, first") == 0 &&
	    book_choose(&b, sb, "Race, second") == 0,
	    "two people choose the same first free time");
	fa = st_press(&screen_book, &a, sa, ROW_BUTTON, "Book");
	fb = st_press(&screen_book, &b, sb, ROW_BUTTON, "Book");
	ok(fa == DONE_FLAGS, "the first books it");
	ok(fb == APP_REDRAW, "the second does not");
	like(b.message, "Someone else just booked that time.",
	    "and is told in the portal's words");
	like(b.message, "Here are the free times now.",
	    "and shown the times as they are now");
	view_of(&screen_book, &b, sb, &v);
	ok(st_count(&v, "Time") > 0 && st_row(&v, ROW_BUTTON, "Book") ==
	    NULL, "the second sees the free times again");
	view_free(&v);
	ok(count_visits(&a, "Race, first", "booked") == 1 &&
	    count_visits(&a, "Race, second", "booked") == 0,
	    "the portal has exactly one visit at that time");
	/* The second books the next time, from the fresh list. */
	ok(book_choose(&b, sb, "Race, second") == 0 &&
	    st_press(&screen_book, &b, sb, ROW_BUTTON, "Book") == DONE_FLAGS,
	    "the second books another time from the fresh list");
out:
	if (sa)
		screen_book.close(sa);
	if (sb)
		screen_book.close(sb);
	st_end(&a);
	st_end(&b);
}

static void
test_cancel(void)
{
	struct app		 a, b;
	struct fhir_result	 res;
	struct json		*body;
	void			*sa, *sb;
	char			*cause = NULL;
	int			 rc, flags;

	pt_reset();
	if (st_start(&a, MARIA) != 0 || st_start(&b, MARIA) != 0)
		return;
	/* Inside the rule: the portal refuses, and its words come through. */
	rc = fhir_read(portal_fhir(a.portal), "Appointment/" LAB, NULL, &res, &cause);
	body = rc == 0 ? json_dup(res.body) : NULL;
	if (body != NULL) {
		char *etag = res.etag ? xstrdup(res.etag) : NULL;

		fhir_result_free(&res);
		json_set_str(body, "status", "cancelled");
		json_add_str(json_add_object(body, "cancelationReason"),
		    "text", "Feeling better");
		rc = fhir_update(portal_fhir(a.portal), "Appointment/" LAB, body,
		    etag, &res, &cause);
		ok(rc != 0 && res.status == 400, "cancelling within 24 hours "
		    "is refused (%ld)", res.status);
		is(cause, "Visits within 24 hours cannot be cancelled online. "
		    "Please call the clinic at 555-0100.",
		    "in the clinic's words");
		json_free(body);
		free(etag);
	}
	fhir_result_free(&res);
	free(cause);
	ok(strcmp(status_of(&a, LAB), "booked") == 0, "the visit stays booked");

	/* Outside the rule, from the screen; a second, stale screen then
	 * finds it cancelled instead of failing. */
	sa = st_open(&screen_visit, &a, xstrdup(FOLLOWUP));
	sb = st_open(&screen_visit, &b, xstrdup(FOLLOWUP));
	if (sa == NULL || sb == NULL)
		goto out;
	ok(st_press(&screen_visit, &a, sa, ROW_ITEM, "Cancel this visit") ==
	    APP_REDRAW, "Cancel this visit opens the form");
	ok(st_field(&screen_visit, &a, sa, "Reason", "cannot come") == 0 &&
	    st_field(&screen_visit, &a, sa, "More about", "Travelling") == 0,
	    "a reason is chosen and more typed");
	flags = st_press(&screen_visit, &a, sa, ROW_BUTTON, "Keep");
	ok(flags == APP_REDRAW && strcmp(status_of(&a, FOLLOWUP), "booked") ==
	    0, "Keep the visit sends nothing");
	st_press(&screen_visit, &a, sa, ROW_ITEM, "Cancel this visit");
	flags = st_press(&screen_visit, &a, sa, ROW_BUTTON, "Cancel the");
	ok(flags == DONE_FLAGS, "Cancel the visit");
	like(a.message, "is cancelled.", "says it is cancelled");
	ok(strcmp(status_of(&a, FOLLOWUP), "cancelled") == 0 &&
	    count_visits(&a, "Three-month diabetes check", "cancelled") == 1,
	    "the portal has it cancelled");
	st_press(&screen_visit, &b, sb, ROW_ITEM, "Cancel this visit");
	flags = st_press(&screen_visit, &b, sb, ROW_BUTTON, "Cancel the");
	ok(flags == DONE_FLAGS, "a second screen, opened before, finds it "
	    "cancelled (412, reloaded)");
	like(b.message, "is cancelled", "and says so");
out:
	if (sa)
		screen_visit.close(sa);
	if (sb)
		screen_visit.close(sb);
	st_end(&a);
	st_end(&b);
}

/* Live visits (booked) among Maria's with reason. */
static int
live(struct app *app, const char *reason)
{
	return count_visits(app, reason, "booked");
}

static void
test_reschedule(void)
{
	struct app	 app;
	void		*state;
	char		 from[11], to[11];
	int		 flags;
	const char	*why = "Three-month diabetes check";

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	if (pt_free_days(app.portal, "sched-patel", 30, from, to) != 0 ||
	    (state = book_search(&app, FOLLOWUP, "Anita Patel", "Follow-up",
	    from, to)) == NULL) {
		st_end(&app);
		return;
	}
	ok(book_choose(&app, state, why) == 0, "a new time, same reason");
	/* The portal fails between the booking and the cancellation. */
	pt_fault("break-transaction", 1, 0, "/fhir/R4");
	flags = st_press(&screen_book, &app, state, ROW_BUTTON, "Move");
	ok(flags == APP_REDRAW && pt_sentence(app.message),
	    "a failure between the parts is said: %s", app.message ?
	    app.message : "(none)");
	ok(live(&app, why) == 1 && strcmp(status_of(&app, FOLLOWUP),
	    "booked") == 0, "exactly one live visit: the old one");
	/* The move is made, but its answer lost (and retried by libcurl). */
	pt_fault("drop-answer", 2, 0, "/fhir/R4");
	flags = st_press(&screen_book, &app, state, ROW_BUTTON, "Move");
	ok(flags == DONE_FLAGS, "a move whose answer was lost is found "
	    "made");
	like(app.message, "Your visit is moved to ", "and said so");
	ok(live(&app, why) == 1 && strcmp(status_of(&app, FOLLOWUP),
	    "cancelled") == 0, "exactly one live visit: the new one");
	screen_book.close(state);

	/* A visit that can no longer be moved does not open the form. */
	{
		void	*s = NULL;
		char	*cause = NULL;

		ok(screen_book.open(&app, xstrdup(FOLLOWUP), &s, &cause) !=
		    0, "a cancelled visit cannot be moved");
		like(cause, "can no longer be moved online", "said in words");
		free(cause);
	}
	st_end(&app);
}

static void
test_onmyway(void)
{
	struct app	 app;
	struct view	 v;
	void		*state;
	int		 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	if ((state = st_open(&screen_onmyway, &app, NULL)) == NULL) {
		st_end(&app);
		return;
	}
	view_of(&screen_onmyway, &app, state, &v);
	ok(st_count(&v, "Location") == 2 && st_mentions(&v, "about 25 "
	    "minutes wait") && st_mentions(&v, "about 50 minutes wait"),
	    "two urgent-care locations with their waits");
	ok(st_mentions(&v, "call 911"), "emergencies are sent to 911");
	view_free(&v);
	st_press(&screen_onmyway, &app, state, ROW_ITEM, "Main Street Urgent "
	    "Care North");
	flags = st_press(&screen_onmyway, &app, state, ROW_BUTTON, "Join");
	like(app.message, "Please say briefly what brings you in.",
	    "joining without a reason is refused in words");
	ok(st_field(&screen_onmyway, &app, state, "What brings", "Sprained "
	    "ankle") == 0, "a reason is typed");
	flags = st_press(&screen_onmyway, &app, state, ROW_BUTTON, "Join");
	ok(flags == APP_REDRAW, "Join the line");
	like(app.message, "You are in line.", "says so");
	view_of(&screen_onmyway, &app, state, &v);
	ok(st_mentions(&v, "You are number 4 in line.") && st_mentions(&v,
	    "about 35 minutes"), "the place in line, and the wait now");
	view_free(&v);
	st_press(&screen_onmyway, &app, state, ROW_ITEM, "Main Street Urgent "
	    "Care East");
	like(app.message, "already in line", "one line at a time");
	flags = st_press(&screen_onmyway, &app, state, ROW_ITEM, "Leave");
	like(app.message, "You have left the line.", "leaving the line");
	view_of(&screen_onmyway, &app, state, &v);
	ok(!st_mentions(&v, "in line.") && st_mentions(&v, "about 25 "
	    "minutes wait"), "no place held, the wait as before");
	view_free(&v);
	screen_onmyway.close(state);
	st_end(&app);
}

/* The text of the field labelled label (a copy, caller frees), or NULL. */
static char *
field_text(const struct screen *sc, struct app *app, void *state,
    const char *label)
{
	struct view		 v;
	const struct view_row	*r;
	char			*t = NULL;

	view_of(sc, app, state, &v);
	if ((r = st_row(&v, ROW_FIELD, label)) != NULL)
		t = xstrdup(r->field->text);
	view_free(&v);
	return t;
}

/* The heading of the eCheck-in step shown ("Step 2 of 6: Insurance"). */
static char *
step_of(struct app *app, void *state)
{
	struct view		 v;
	const struct view_row	*r;
	char			*t;

	view_of(&screen_checkin, app, state, &v);
	r = st_row(&v, ROW_HEADING, NULL);
	t = xstrdup(r && r->label ? r->label : "");
	view_free(&v);
	return t;
}

/* Is the step shown the one named (its heading ends with name)? */
static int
at_step(struct app *app, void *state, const char *name)
{
	char	*t = step_of(app, state);
	size_t	 n = strlen(t), k = strlen(name);
	int	 yes = n >= k && strcmp(t + n - k, name) == 0;

	if (!yes)
		diag("at step \"%s\", not %s", t, name);
	free(t);
	return yes;
}

/* A portal resource as JSON (json_free it), or NULL. */
static struct json *
read_json(struct app *app, const char *path)
{
	struct fhir_result	 res;
	struct json		*j = NULL;
	char			*cause = NULL;

	if (fhir_read(portal_fhir(app->portal), path, NULL, &res, &cause) == 0) {
		j = res.body;
		res.body = NULL;
	}
	free(cause);
	fhir_result_free(&res);
	return j;
}

/* The last four digits of the one payment of invoice, or "". */
static const char *
charged_card(const char *invoice)
{
	static char		 out[8];
	struct json		*j;
	const struct json	*v;
	char			*path;

	path = xasprintf("/_test/payments?invoice=%s", invoice);
	j = pt_get(path);
	free(path);
	v = model_extension(json_at(json_get(j, "payments"), 0),
	    "urn:chartty:card-last4");
	strlcpy_c(out, json_str(v) ? json_str(v) : "", sizeof out);
	json_free(j);
	return out;
}

/* How many records of a search have both texts in their JSON. */
static int
stored(struct app *app, const char *search, const char *a, const char *b)
{
	struct fhir_result	 res;
	char			*cause = NULL, *type, *q, *s;
	size_t			 i;
	int			 n = 0;

	type = xstrdup(search);
	q = strchr(type, '?');
	*q++ = '\0';
	if (fhir_search(portal_fhir(app->portal), type, q, &res, &cause) == 0) {
		for (i = 0; i < fhir_bundle_count(res.body); i++) {
			s = json_print(fhir_bundle_resource(res.body, i));
			if (strstr(s, a) && strstr(s, b))
				n++;
			free(s);
		}
	}
	free(cause);
	free(type);
	fhir_result_free(&res);
	return n;
}

static void
test_checkin(void)
{
	struct app	 app;
	void		*state;
	struct json	*j;
	struct view	 v;
	char		*t;
	int		 flags;
	const char	*inv = "inv-maria-lopez-followup-copay";

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	if ((state = st_open(&screen_checkin, &app, xstrdup(FOLLOWUP))) ==
	    NULL) {
		st_end(&app);
		return;
	}
	ok(at_step(&app, state, "Step 1 of 6: Contact details"),
	    "eCheck-in starts with the contact details, 6 steps");
	t = field_text(&screen_checkin, &app, state, "Phone");
	is(t, "555-0111", "the phone on file is filled in");
	free(t);
	st_field(&screen_checkin, &app, state, "Email", "maria@");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "These");
	like(app.message, "does not look right", "a wrong email is explained");
	ok(at_step(&app, state, "Contact details"), "and the step stays");
	st_field(&screen_checkin, &app, state, "Email", "maria@example.org");
	st_field(&screen_checkin, &app, state, "Phone", "555-0199");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "These");
	ok(flags == APP_REDRAW && at_step(&app, state, "Insurance"),
	    "a changed phone is sent, then Insurance");
	j = read_json(&app, "Patient/maria-lopez");
	t = (char *)json_gets(json_at(json_get(j, "telecom"), 0), "value");
	is(t ? t : "", "555-0199", "the portal has the new phone");
	json_free(j);

	/* A failure loses nothing typed. */
	st_field(&screen_checkin, &app, state, "Member ID", "ACM-55501-B");
	pt_fault("500", 1, 0, "/fhir/R4/Coverage");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "This is");
	ok(pt_sentence(app.message) && at_step(&app, state, "Insurance"),
	    "a 500 is said, the step stays: %s", app.message ? app.message :
	    "");
	t = field_text(&screen_checkin, &app, state, "Member ID");
	is(t, "ACM-55501-B", "what was typed is still there");
	free(t);
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "This is");
	ok(at_step(&app, state, "Questions"), "sent again: the questions");

	/* Questions: required ones, ranges; kept for later. */
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Send");
	like(app.message, "Please answer \"What would you like to talk about",
	    "a required question is named");
	st_field(&screen_checkin, &app, state, "What would you like",
	    "Knee pain");
	st_field(&screen_checkin, &app, state, "How much pain", "11");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Send");
	like(app.message, "with a number from 0 to 10", "a range is said");
	st_field(&screen_checkin, &app, state, "How much pain", "3");
	st_field(&screen_checkin, &app, state, "Have you started", "Yes");
	st_field(&screen_checkin, &app, state, "Cough", "Yes");
	ok(screen_checkin.leave(&app, state) == 1, "leaving with answers "
	    "not saved asks first");
	like(app.message, "not saved", "and says why");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Save");
	like(app.message, "Your answers are saved.", "Save and finish later");
	screen_checkin.close(state);

	state = st_open(&screen_checkin, &app, xstrdup(FOLLOWUP));
	if (state == NULL) {
		st_end(&app);
		return;
	}
	ok(st_press(&screen_checkin, &app, state, ROW_BUTTON, "These") ==
	    APP_REDRAW && st_press(&screen_checkin, &app, state, ROW_BUTTON,
	    "This is") == APP_REDRAW && at_step(&app, state, "Questions"),
	    "opened again: contact and insurance confirmed, then questions");
	t = field_text(&screen_checkin, &app, state, "How much pain");
	is(t, "3", "the answers kept for later are back");
	free(t);
	t = field_text(&screen_checkin, &app, state, "Cough");
	is(t, "Yes", "also the choices");
	free(t);
	ok(screen_checkin.leave(&app, state) == 0, "nothing unsaved now");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Send");
	like(app.message, "Please answer \"How have you been feeling",
	    "the last required question");
	st_field(&screen_checkin, &app, state, "How have you been", "Fair");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Send");
	ok(at_step(&app, state, "Consent"), "the answers are sent: consent");

	st_field(&screen_checkin, &app, state, "Full name", "M. L.");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Sign");
	like(app.message, "full name on the record (Maria Lopez)",
	    "a signature that is not the name: the portal's words");
	st_field(&screen_checkin, &app, state, "Full name", "Maria Lopez");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Sign");
	ok(at_step(&app, state, "Copay"), "signed: the copay");

	/* Copay: checked before sending, confirmed before charging. */
	st_field(&screen_checkin, &app, state, "Card number",
	    "4242 4242 4242 4241");
	st_field(&screen_checkin, &app, state, "Expiry", "12/30");
	st_field(&screen_checkin, &app, state, "Security", "123");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Continue");
	like(app.message, "card number is not valid", "a typo is caught");
	ok(pt_charges(inv) == 0, "and nothing was sent");
	st_field(&screen_checkin, &app, state, "Card number",
	    "4000 0000 0000 0002");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Continue");
	view_of(&screen_checkin, &app, state, &v);
	ok(st_says(&v, "Pay $25.00 now with the card ending 0002? Nothing "
	    "has been charged yet.") && st_row(&v, ROW_BUTTON, "Pay $25.00"),
	    "the amount and the last four digits, before any charge");
	view_free(&v);
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Pay");
	like(app.message, "Your card was declined.", "a declined card: the "
	    "bank's reason");
	t = field_text(&screen_checkin, &app, state, "Card number");
	is(t, "", "and the number is forgotten");
	free(t);
	ok(pt_charges(inv) == 0, "nothing charged");
	st_field(&screen_checkin, &app, state, "Card number",
	    "4242424242424242");
	st_field(&screen_checkin, &app, state, "Expiry", "12/30");
	st_field(&screen_checkin, &app, state, "Security", "123");
	st_press(&screen_checkin, &app, state, ROW_BUTTON, "Continue");
	pt_fault("drop-answer", 2, 0, "/fhir/R4/Invoice");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Pay");
	like(app.message, "you will not be charged twice", "a lost answer: "
	    "try again, safely");
	ok(pt_charges(inv) == 1, "the portal charged once");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Pay");
	like(app.message, "Paid $25.00 with the card ending 4242. Receipt R-",
	    "again: the receipt of the first payment");
	ok(pt_charges(inv) == 1 && strcmp(charged_card(inv), "4242") == 0,
	    "still one charge, and the portal kept only the last four");
	ok(at_step(&app, state, "Step 6 of 6: Check in"), "then check in");
	flags = st_press(&screen_checkin, &app, state, ROW_BUTTON, "Check in");
	ok(flags == DONE_FLAGS, "Check in now");
	like(app.message, "You are checked in for your visit on",
	    "says so");
	ok(strcmp(status_of(&app, FOLLOWUP), "checked-in") == 0,
	    "the portal has the visit checked-in");
	ok(stored(&app, "QuestionnaireResponse?subject=Patient/maria-lopez",
	    "\"status\":\"completed\"", "\"valueInteger\":3") == 1,
	    "the answers are stored, completed (pain 3)");
	ok(stored(&app, "Consent?patient=Patient/maria-lopez",
	    "\"valueString\":\"Maria Lopez\"", FOLLOWUP) == 1,
	    "the consent is stored with the typed name, for this visit");
	screen_checkin.close(state);
	st_end(&app);
}

int
main(void)
{
	test_list();
	test_book();
	test_race();
	test_cancel();
	test_reschedule();
	test_onmyway();
	test_checkin();
	return done_testing();
}
