/*
 * Home: whose record is open, then one line per portal area with what
 * needs attention, from one batch request. Areas not built yet are not
 * listed.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "bill.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { HOME_SUMMARY, HOME_RECORDS, HOME_SIGNOUT, HOME_HELP, HOME_RESULTS,
    HOME_MEDS, HOME_INBOX, HOME_VISITS, HOME_BILLING };

/* The summary's counts, then the results' and the medications'. */
#define HOME_COUNTS	6
#define HOME_SUMMARY_COUNTS 4
#define HOME_REPORTS	4
#define HOME_REFILLS	5

struct home {
	long	 count[HOME_COUNTS];	/* -1 when not known */
	char	*withheld;		/* why some counts are missing */
	char	*next_visit;		/* "Wed 2 Dec 2026 12:30, Lab work" */
	double	 owed;			/* on the bills, or -1 */
	long	 unread;		/* the care team's new messages, or -1 */
};

static const char *const home_queries[HOME_COUNTS] = {
	"AllergyIntolerance?clinical-status=active",
	"Condition?clinical-status=active&category=problem-list-item",
	"MedicationRequest?status=active",
	"Immunization?_summary=count",
	"DiagnosticReport?_summary=count",
	"Task?code=fulfill&status=requested",
};
static const char *const home_one[HOME_COUNTS] = {
	"allergy", "active problem", "medication", "immunization",
	"report", "refill request waiting for your care team"
};
static const char *const home_many[HOME_COUNTS] = {
	"allergies", "active problems", "medications", "immunizations",
	"reports", "refill requests waiting for your care team"
};

static int
home_fetch(struct app *app, void *state, char **cause)
{
	struct home		*h = state;
	struct fhir_result	 res;
	const struct json	*b;
	char			*urls[HOME_COUNTS + 3], *why, now[32], *ge;
	long			 status;
	size_t			 i;
	struct arena		*a;
	struct visit		 v;

	for (i = 0; i < HOME_COUNTS; i++) {
		urls[i] = fhir_query(home_queries[i], "patient",
		    app_patient_ref(app), "_summary",
		    strstr(home_queries[i], "_summary") ? NULL : "count",
		    NULL);
		h->count[i] = -1;
	}
	/* The next visit, for the Appointments line. */
	visit_instant_write(time(NULL), now, sizeof now);
	ge = xasprintf("ge%s", now);
	urls[HOME_COUNTS] = fhir_query("Appointment?status=booked,"
	    "checked-in,arrived&_sort=date&_count=1", "patient",
	    app_patient_ref(app), "date", ge, NULL);
	free(ge);
	free(h->withheld);
	h->withheld = NULL;
	free(h->next_visit);
	h->next_visit = NULL;
	urls[HOME_COUNTS + 1] = fhir_query("Invoice?status=issued&_count=50",
	    "subject", app_patient_ref(app), NULL);
	urls[HOME_COUNTS + 2] = fhir_query("Communication?part-of:missing="
	    "true&_count=50", "subject", app_patient_ref(app), NULL);
	if (fhir_batch_take(portal_fhir(app->portal), urls, HOME_COUNTS + 3, &res,
	    cause) != 0)
		return -1;
	b = fhir_batch_entry(res.body, HOME_COUNTS, &status, NULL);
	a = arena_create();
	if (fhir_bundle_count(b) > 0 && visit_parse(a,
	    fhir_bundle_resource(b, 0), &v) == 0) {
		fhir_time_format(&v.start, now, sizeof now);
		h->next_visit = xasprintf("next: %s, %s%s", now, v.type ?
		    v.type : "visit", v.checkin_open == 1 ? "; eCheck-in is "
		    "open" : "");
	}
	b = fhir_batch_entry(res.body, HOME_COUNTS + 1, &status, NULL);
	h->owed = b != NULL ? 0 : -1;
	for (i = 0; b != NULL && i < fhir_bundle_count(b); i++) {
		struct bill bill;

		if (bill_parse(a, fhir_bundle_resource(b, i), &bill) == 0)
			h->owed += bill.due;
	}
	/* New messages: the unread counts the portal keeps per conversation. */
	b = fhir_batch_entry(res.body, HOME_COUNTS + 2, &status, NULL);
	h->unread = b != NULL ? 0 : -1;
	for (i = 0; b != NULL && i < fhir_bundle_count(b); i++) {
		struct message m;

		if (model_message(a, fhir_bundle_resource(b, i), &m) == 0)
			h->unread += m.unread;
	}
	arena_free(a);
	for (i = 0; i < HOME_COUNTS; i++) {
		why = NULL;
		b = fhir_batch_entry(res.body, i, &status, &why);
		if (b != NULL)
			h->count[i] = fhir_bundle_total(b);
		else if (h->withheld == NULL)
			h->withheld = why;
		else
			free(why);
	}
	fhir_result_free(&res);
	return 0;
}

static int
home_open(struct app *app, void *arg, void **state, char **cause)
{
	struct home	*h = xcalloc(1, sizeof *h);

	if (home_fetch(app, h, cause) != 0) {
		free(h->withheld);
		free(h);
		return -1;
	}
	*state = h;
	return 0;
}

/* "12 reports", or otherwise when the count is not known. */
static const char *
home_count(struct view *v, const struct home *h, size_t i,
    const char *otherwise)
{
	if (h->count[i] < 0)
		return otherwise;
	return view_printf(v, "%ld %s", h->count[i], h->count[i] == 1 ?
	    home_one[i] : home_many[i]);
}

static void
home_view(struct app *app, void *state, struct view *v)
{
	struct home	*h = state;
	struct buf	 b;
	size_t		 i;

	buf_init(&b, 4096);
	for (i = 0; i < HOME_SUMMARY_COUNTS; i++) {
		if (h->count[i] < 0)
			continue;
		buf_printf(&b, "%s%ld %s", b.len ? ", " : "", h->count[i],
		    h->count[i] == 1 ? home_one[i] : home_many[i]);
	}
	view_heading(v, "Your portal");
	view_item(v, HOME_SUMMARY, "Area", "Health summary",
	    b.len ? b.data : "allergies, problems, medications, "
	    "immunizations, vital signs", 0);
	buf_free(&b, 0);
	view_item(v, HOME_RESULTS, "Area", "Test results",
	    home_count(v, h, HOME_REPORTS, "reports, ranges, comments, "
	    "trends"), 0);
	view_item(v, HOME_MEDS, "Area", "Medications",
	    h->count[HOME_REFILLS] > 0 ? home_count(v, h, HOME_REFILLS, NULL) :
	    "refill requests, readings you enter", 0);
	view_item(v, HOME_INBOX, "Area", "Messages", h->unread > 0 ?
	    view_printf(v, "%ld new message%s from your care team", h->unread,
	    h->unread == 1 ? "" : "s") : "secure messages with your care "
	    "team", 0);
	view_item(v, HOME_VISITS, "Area", "Appointments", h->next_visit ?
	    h->next_visit : "visits, scheduling, eCheck-in, On My Way", 0);
	view_item(v, HOME_BILLING, "Area", "Billing", h->owed > 0.004 ?
	    view_printf(v, "%s due", bill_money(v->arena, h->owed)) :
	    "bills, payments, payment plans, statements", 0);
	if (h->withheld != NULL)
		view_text(v, view_printf(v, "Some of this record is not "
		    "shown: %s", h->withheld));
	view_heading(v, "Account");
	if (app->me.npeople > 1)
		view_item(v, HOME_RECORDS, "Account", "Switch record",
		    view_printf(v, "%zu records you can open", app->me.npeople),
		    0);
	view_item(v, HOME_HELP, "Account", "Help", "the keys, and how "
	    "chartty works", 0);
	view_item(v, HOME_SIGNOUT, "Account", "Sign out",
	    "end the session and forget the kept sign-in", 0);
}

static int
home_action(struct app *app, void *state,
    const struct view_row *r)
{
	char	*cause = NULL;

	switch (r->id) {
	case HOME_SUMMARY:
		return app_push(app, &screen_summary, NULL);
	case HOME_RESULTS:
		return app_push(app, &screen_results, NULL);
	case HOME_MEDS:
		return app_push(app, &screen_meds, NULL);
	case HOME_INBOX:
		return app_push(app, &screen_inbox, NULL);
	case HOME_VISITS:
		return app_push(app, &screen_visits, NULL);
	case HOME_BILLING:
		return app_push(app, &screen_billing, NULL);
	case HOME_RECORDS:
		return app_push(app, &screen_records, NULL);
	case HOME_HELP:
		return app_push(app, &screen_help, NULL);
	case HOME_SIGNOUT:
		app_loading(app, "Signing out...");
		if (portal_sign_out(app->portal, &cause) != AUTH_OK) {
			app_say(app, cause);
			free(cause);
		} else
			app_say(app, "Signed out.");
		return APP_QUIT;
	}
	return 0;
}

static void
home_close(void *state)
{
	struct home	*h = state;

	free(h->withheld);
	free(h->next_visit);
	free(h);
}

const struct screen screen_home = {
	.title = "Home",
	.loading = "Loading your portal...",
	.open = home_open,
	.fetch = home_fetch,
	.view = home_view,
	.action = home_action,
	.close = home_close,
};
