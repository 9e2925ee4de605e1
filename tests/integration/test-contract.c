/*
 * Every area against the contract-only clinic (tests/portal/springfield.mjs):
 * Medplum's own example data, which no one here wrote, with only what a
 * call of portal-api.md needs added. Its care team is a PractitionerRole
 * with no display, its visit types are text only, its report has no date
 * and results coded in other systems, and it announces no payments. The
 * real screens are driven as in the other integration tests.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "editor.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "portal.h"
#include "portal-test.h"
#include "screen-test.h"
#include "summary.h"
#include "tap.h"
#include "util.h"
#include "view.h"

#define HOMER		"homer@example.org", "Springfield-1"
#define SCHEDULE	"alice-smith-schedule"
#define BOOK_SLOT	1000	/* screen-book.c: the first free time's id */
#define DONE_FLAGS	(APP_POP | APP_REFETCH)

/* The view of screen s now (view_free it). */
static void
view_of(const struct screen *s, struct app *app, void *state,
    struct view *v)
{
	view_init(v);
	s->view(app, state, v);
}

/* The first resource of a search as JSON text (caller frees), or NULL. */
static char *
first_of(struct app *app, const char *type, const char *query,
    const char *member)
{
	struct fhir_result	 res;
	char			*cause = NULL, *out = NULL;

	if (fhir_search(portal_fhir(app->portal), type, query, &res, &cause) == 0 &&
	    fhir_bundle_count(res.body) > 0)
		out = json_print(json_get(fhir_bundle_resource(res.body, 0),
		    member));
	free(cause);
	fhir_result_free(&res);
	return out;
}

/*
 * Home asks for only the elements it reads (_elements, an addition to the
 * contract). This clinic refuses it, as the contract allows: Home is
 * asked once more without, and from then on never with it.
 */
static void
test_home_elements(struct app *app)
{
	struct summary_home	 h[2];
	struct http_stats	 a, b, c;
	char			*cause = NULL;
	int			 rc[2];

	memset(h, 0, sizeof h);
	http_get_stats(portal_http(app->portal), &a);
	rc[0] = summary_home_load(portal_fhir(app->portal), app_patient_ref(app),
	    &h[0], &cause);
	http_get_stats(portal_http(app->portal), &b);
	rc[1] = summary_home_load(portal_fhir(app->portal), app_patient_ref(app),
	    &h[1], &cause);
	http_get_stats(portal_http(app->portal), &c);
	ok(rc[0] == 0 && h[0].owed >= 0 && h[0].unread >= 0 &&
	    h[0].count[SUMMARY_COUNT_REPORTS] >= 0, "Home's batch, refused "
	    "for _elements, is read whole (owed %.2f, %ld unread, %ld reports)",
	    h[0].owed, h[0].unread, h[0].count[SUMMARY_COUNT_REPORTS]);
	ok(b.requests - a.requests == 2, "the first time in 2 requests: "
	    "refused, then without _elements (%ld)", b.requests - a.requests);
	ok(rc[1] == 0 && c.requests - b.requests == 1 &&
	    h[1].owed == h[0].owed && h[1].unread == h[0].unread,
	    "then in 1, with the same figures (%ld)", c.requests - b.requests);
	free(cause);
	summary_home_clear(&h[0]);
	summary_home_clear(&h[1]);
}

static void
test_home_and_summary(void)
{
	struct app	 app;
	struct view	 v;
	void		*s;
	size_t		 i;

	pt_reset();
	if (st_start(&app, HOMER) != 0)
		return;
	ok(app.me.npeople == 3, "Homer may open 3 records: his, Bart's and "
	    "Lisa's (%zu)", app.me.npeople);
	test_home_elements(&app);
	if ((s = st_open(&screen_home, &app, NULL)) != NULL) {
		view_of(&screen_home, &app, s, &v);
		ok(st_row(&v, ROW_ITEM, "Test results") != NULL &&
		    st_row(&v, ROW_ITEM, "Messages") != NULL &&
		    st_row(&v, ROW_ITEM, "Appointments") != NULL &&
		    st_row(&v, ROW_ITEM, "Billing") != NULL,
		    "Home lists every area");
		view_free(&v);
		screen_home.close(s);
	}
	if ((s = st_open(&screen_summary, &app, NULL)) != NULL) {
		view_of(&screen_summary, &app, s, &v);
		ok(st_mentions(&v, "No allergies on file.") &&
		    st_mentions(&v, "No vital signs on file."),
		    "the summary: nothing on file, said so");
		view_free(&v);
		screen_summary.close(s);
	}
	/* A parent opens a child's record (Bart, by /auth/me). */
	for (i = 0; i < app.me.npeople; i++) {
		if (app.me.people[i].display != NULL &&
		    strcmp(app.me.people[i].display, "Bart Simpson") == 0)
			app.record = &app.me.people[i];
	}
	ok(app.record != NULL && strcmp(app_patient(&app), "555") == 0,
	    "Bart's record is chosen");
	if ((s = st_open(&screen_summary, &app, NULL)) != NULL) {
		view_of(&screen_summary, &app, s, &v);
		ok(st_mentions(&v, "No allergies on file.") &&
		    !st_mentions(&v, "Not shown"), "and his summary opens");
		view_free(&v);
		screen_summary.close(s);
	}
	for (i = 0; i < app.me.npeople; i++) {
		if (app.me.people[i].relationship != NULL &&
		    strcmp(app.me.people[i].relationship, "self") == 0)
			app.record = &app.me.people[i];
	}
	if ((s = st_open(&screen_meds, &app, NULL)) != NULL) {
		view_of(&screen_meds, &app, s, &v);
		ok(st_mentions(&v, "No active medications") &&
		    !st_mentions(&v, "Request a refill"),
		    "no medications: no refill offered");
		view_free(&v);
		screen_meds.close(s);
	}
	st_end(&app);
}

static void
test_results(void)
{
	struct app	 app;
	struct view	 v;
	void		*s;

	pt_reset();
	if (st_start(&app, HOMER) != 0)
		return;
	if ((s = st_open(&screen_results, &app, NULL)) != NULL) {
		view_of(&screen_results, &app, s, &v);
		ok(st_count(&v, "Report") == 1 && st_mentions(&v,
		    "Test Report"), "one report, with no date (%zu)",
		    st_count(&v, "Report"));
		view_free(&v);
		screen_results.close(s);
	}
	if ((s = st_open(&screen_report, &app, xstrdup("123"))) != NULL) {
		view_of(&screen_report, &app, s, &v);
		ok(st_count(&v, "Result") == 8, "its 8 results (%zu)",
		    st_count(&v, "Result"));
		ok(st_mentions(&v, "Glucose 1000 mg/dL (Critical high)"),
		    "a result given only as a component is named and shown");
		ok(st_mentions(&v, "HIV REACTIVE (Reactive)"),
		    "a text component, with a flag of another code system");
		ok(st_mentions(&v, "110/75 mmHg"), "a pair of components");
		ok(st_mentions(&v, "20 x, normal range 10 or above"),
		    "a range with only a low end");
		view_free(&v);
		screen_report.close(s);
	}
	st_end(&app);
}

static void
test_messages(void)
{
	struct app		 app;
	struct view		 v;
	const struct view_row	*r;
	void			*s;
	char			*got;

	pt_reset();
	if (st_start(&app, HOMER) != 0)
		return;
	if ((s = st_open(&screen_inbox, &app, NULL)) != NULL) {
		view_of(&screen_inbox, &app, s, &v);
		ok(st_mentions(&v, "Example Thread") &&
		    st_mentions(&v, "Alice Smith"),
		    "Medplum's conversation is listed, with whom");
		view_free(&v);
		screen_inbox.close(s);
	}
	if ((s = st_open(&screen_thread, &app,
	    xstrdup("message-header-123"))) != NULL) {
		view_of(&screen_thread, &app, s, &v);
		ok(st_mentions(&v, "radiation poisoning"),
		    "and opens to its messages");
		view_free(&v);
		screen_thread.close(s);
	}
	/* The care team is a PractitionerRole without a display: named
	 * by reading it and its practitioner. */
	if ((s = st_open(&screen_compose, &app, xstrdup("new"))) == NULL) {
		st_end(&app);
		return;
	}
	view_of(&screen_compose, &app, s, &v);
	r = st_row(&v, ROW_FIELD, "To");
	ok(r != NULL && r->field != NULL && r->field->noptions == 1 &&
	    strcmp(r->field->options[0], "Alice Smith") == 0,
	    "a new message can go to Alice Smith, by name");
	view_free(&v);
	ok(st_field(&screen_compose, &app, s, "Subject", "Knee") == 0,
	    "a subject");
	view_of(&screen_compose, &app, s, &v);
	r = st_row(&v, ROW_EDITOR, NULL);
	if (r != NULL && r->editor != NULL)
		editor_set(r->editor, "It hurts when I walk.");
	view_free(&v);
	ok(st_press(&screen_compose, &app, s, ROW_BUTTON, "Send") ==
	    DONE_FLAGS, "it is sent: %s", app.message ? app.message : "");
	screen_compose.close(s);
	got = first_of(&app, "Communication", "subject=Patient/123"
	    "&part-of:missing=true&_sort=-_lastUpdated", "recipient");
	ok(got != NULL && strstr(got, "PractitionerRole/alice-smith-role"),
	    "to the care team member as the care team names her: %s",
	    got ? got : "(none)");
	free(got);
	st_end(&app);
}

static void
test_booking(void)
{
	struct app	 app;
	struct view	 v;
	void		*s;
	char		 from[11], to[11], *got, *id, *last;
	int		 flags;

	pt_reset();
	if (st_start(&app, HOMER) != 0)
		return;
	if (pt_free_days(app.portal, SCHEDULE, 2, from, to) != 0 ||
	    (s = st_open(&screen_book, &app, NULL)) == NULL) {
		st_end(&app);
		return;
	}
	view_of(&screen_book, &app, s, &v);
	ok(!st_mentions(&v, "No one on your care team"),
	    "Alice Smith can be booked (a PractitionerRole of the care "
	    "team, her Schedule's actor a Practitioner)");
	view_free(&v);
	ok(st_field(&screen_book, &app, s, "Clinician", "Alice Smith") == 0 &&
	    st_field(&screen_book, &app, s, "Kind of visit",
	    "Follow-up visit") == 0, "a kind of visit given as text only");
	ok(st_field(&screen_book, &app, s, "First day", from) == 0 &&
	    st_field(&screen_book, &app, s, "Last day", to) == 0 &&
	    st_press(&screen_book, &app, s, ROW_BUTTON, "Find free") ==
	    APP_REDRAW, "free times on the first day that has them (%s)",
	    from);
	view_of(&screen_book, &app, s, &v);
	ok(st_count(&v, "Time") >= 2, "are listed (%zu)", st_count(&v,
	    "Time"));
	view_free(&v);
	ok(st_select(&screen_book, &app, s, BOOK_SLOT) == APP_REDRAW &&
	    st_field(&screen_book, &app, s, "Reason", "Contract check") == 0,
	    "a time and a reason");
	flags = st_press(&screen_book, &app, s, ROW_BUTTON, "Book");
	ok(flags == DONE_FLAGS, "booked: %s", app.message ? app.message :
	    "(nothing said)");
	like(app.message, "Booked: Follow-up visit with Alice Smith on ",
	    "said with the kind of visit and whom");
	screen_book.close(s);
	got = first_of(&app, "Appointment", "patient=Patient/123",
	    "serviceType");
	is(got, "[{\"text\":\"Follow-up visit\"}]", "the visit type went "
	    "back as the Schedule has it: text only");
	free(got);
	if ((s = st_open(&screen_visits, &app, NULL)) != NULL) {
		view_of(&screen_visits, &app, s, &v);
		ok(st_count(&v, "Visit") == 1 && st_mentions(&v,
		    "Follow-up visit with Alice Smith"),
		    "and it is among the visits");
		view_free(&v);
		screen_visits.close(s);
	}
	/* eCheck-in of that visit: no insurance on file, no questions, no
	 * copay; the consent names no clinic that is not this one. */
	got = first_of(&app, "Appointment", "patient=Patient/123", "id");
	id = got ? strtok_r(got, "\"", &last) : NULL;
	if (id != NULL && (s = st_open(&screen_checkin, &app,
	    xstrdup(id))) != NULL) {
		flags = st_press(&screen_checkin, &app, s, ROW_BUTTON,
		    "These");
		view_of(&screen_checkin, &app, s, &v);
		ok(st_mentions(&v, "Step 2 of 3: Consent") &&
		    st_mentions(&v, "you agree that the clinic may") &&
		    !st_mentions(&v, "Main Street"), "eCheck-in: contact "
		    "details, then the consent, in three steps");
		view_free(&v);
		ok(st_field(&screen_checkin, &app, s, "Full name",
		    "Homer Simpson") == 0 && st_press(&screen_checkin, &app,
		    s, ROW_BUTTON, "Sign") >= 0, "signed with the typed name");
		flags = st_press(&screen_checkin, &app, s, ROW_BUTTON,
		    "Check in");
		ok(flags == DONE_FLAGS, "checked in: %s", app.message ?
		    app.message : "(nothing said)");
		screen_checkin.close(s);
	} else
		ok(0, "the booked visit opens for eCheck-in");
	free(got);
	got = first_of(&app, "Appointment", "patient=Patient/123", "status");
	is(got, "\"checked-in\"", "the portal has it checked in");
	free(got);

	/* No urgent-care Location, no wait times: said, nothing to join. */
	if ((s = st_open(&screen_onmyway, &app, NULL)) != NULL) {
		view_of(&screen_onmyway, &app, s, &v);
		ok(st_says(&v, "No urgent-care locations are listed.") &&
		    st_row(&v, ROW_BUTTON, "Join") == NULL,
		    "On My Way: no locations, said so");
		view_free(&v);
		screen_onmyway.close(s);
	}
	st_end(&app);
}

static void
test_billing(void)
{
	struct app	 app;
	struct view	 v;
	void		*s;

	pt_reset();
	if (st_start(&app, HOMER) != 0)
		return;
	if ((s = st_open(&screen_billing, &app, NULL)) != NULL) {
		view_of(&screen_billing, &app, s, &v);
		ok(st_mentions(&v, "You owe nothing") &&
		    st_row(&v, ROW_ITEM, "Pay") == NULL,
		    "no accounts or bills: nothing owed, nothing to pay");
		view_free(&v);
		screen_billing.close(s);
	}
	st_end(&app);
}

int
main(void)
{
	test_home_and_summary();
	test_results();
	test_messages();
	test_booking();
	test_billing();
	return done_testing();
}
