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
#include "auth.h"
#include "screens.h"
#include "serves.h"
#include "bill.h"
#include "model.h"
#include "portal.h"
#include "summary.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { HOME_SUMMARY, HOME_RECORDS, HOME_SIGNOUT, HOME_HELP, HOME_RESULTS,
    HOME_MEDS, HOME_INBOX, HOME_VISITS, HOME_BILLING, HOME_CONTACT,
    HOME_TWOSTEP, HOME_PASSWORD, HOME_ACTIVITY, HOME_EXPORT,
    HOME_LINK = 100 };

/* The summary's counts, then the results' and the medications'. */
#define HOME_SUMMARY_COUNTS	SUMMARY_COUNT_REPORTS	/* the first four */
#define HOME_REPORTS		SUMMARY_COUNT_REPORTS
#define HOME_REFILLS		SUMMARY_COUNT_REFILLS

static const char *const home_one[SUMMARY_NCOUNTS] = {
	"allergy", "active problem", "medication", "immunization",
	"report", "refill request waiting for your care team"
};
static const char *const home_many[SUMMARY_NCOUNTS] = {
	"allergies", "active problems", "medications", "immunizations",
	"reports", "refill requests waiting for your care team"
};

static int
home_fetch(struct app *app, void *state, char **cause)
{
	struct summary_home	*h = state;
	struct summary_home	 fresh;

	memset(&fresh, 0, sizeof fresh);
	if (summary_home_load(portal_fhir(app->portal), app_patient_ref(app),
	    &fresh, cause) != 0) {
		summary_home_clear(&fresh);
		return -1;
	}
	summary_home_clear(h);
	*h = fresh;
	return 0;
}

static int
home_open(struct app *app, void *arg, void **state, char **cause)
{
	struct summary_home	*h = xcalloc(1, sizeof *h);

	if (home_fetch(app, h, cause) != 0) {
		summary_home_clear(h);
		free(h);
		return -1;
	}
	*state = h;
	return 0;
}

/* "12 reports", or otherwise when the count is not known. */
static const char *
home_count(struct view *v, const struct summary_home *h, size_t i,
    const char *otherwise)
{
	if (h->count[i] < 0)
		return otherwise;
	return view_printf(v, "%ld %s", h->count[i], h->count[i] == 1 ?
	    home_one[i] : home_many[i]);
}

/* The linked organizations: shown together, or to sign in to. */
static void
home_links(struct app *app, struct view *v)
{
	const struct app_link	*k;
	size_t			 i;

	if (app->nlinks == 0 || !app_is_self(app))
		return;
	view_heading(v, "Your other organizations");
	for (i = 0; i < app->nlinks; i++) {
		k = &app->links[i];
		if (k->signed_in)
			view_item(v, HOME_LINK + (int)i, "Organization",
			    app_org_name(app, k->portal), "signed in: its "
			    "records are shown with these", ROW_INFO);
		else
			view_item(v, HOME_LINK + (int)i, "Organization",
			    app_org_name(app, k->portal), k->why ?
			    view_printf(v, "not signed in: %s Choose to sign "
			    "in.", k->why) : "not signed in: choose to sign in "
			    "and see its records here too", 0);
	}
}

static void
home_view(struct app *app, void *state, struct view *v)
{
	struct summary_home	*h = state;
	const struct fhir	*f = portal_fhir(app->portal);
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
	if (serves(f, SERVE_RESULTS))
		view_item(v, HOME_RESULTS, "Area", "Test results",
		    home_count(v, h, HOME_REPORTS, "reports, ranges, "
		    "comments, trends"), 0);
	view_item(v, HOME_MEDS, "Area", "Medications",
	    h->count[HOME_REFILLS] > 0 ? home_count(v, h, HOME_REFILLS, NULL) :
	    serves(f, SERVE_REFILL) ? "refill requests, readings you enter" :
	    "your medications and their instructions", 0);
	/* Areas the server does not serve (a health system's read-only
	 * SMART API) are not listed. */
	if (serves(f, SERVE_MESSAGES))
		view_item(v, HOME_INBOX, "Area", "Messages", h->unread > 0 ?
		    view_printf(v, "%ld new message%s from your care team",
		    h->unread, h->unread == 1 ? "" : "s") : "secure messages "
		    "with your care team", 0);
	if (serves(f, SERVE_VISITS))
		view_item(v, HOME_VISITS, "Area", "Appointments",
		    h->next_visit ? h->next_visit : serves(f, SERVE_BOOK) ?
		    "visits, scheduling, eCheck-in, On My Way" : "your visits",
		    0);
	if (serves(f, SERVE_BILLING))
		view_item(v, HOME_BILLING, "Area", "Billing", h->owed > 0.004 ?
		    view_printf(v, "%s due", bill_money(v->arena, h->owed)) :
		    "bills, payments, payment plans, statements", 0);
	if (h->withheld != NULL)
		view_text(v, view_printf(v, "Some of this record is not "
		    "shown: %s", h->withheld));
	home_links(app, v);
	view_heading(v, "Account");
	if (app->me.npeople > 1)
		view_item(v, HOME_RECORDS, "Account", "Switch record",
		    view_printf(v, "%zu records you can open", app->me.npeople),
		    0);
	view_item(v, HOME_CONTACT, "Account", "Contact details",
	    "address, phone and email", 0);
	/* The sign-in's own settings, where the portal has them. */
	if (portal_server(app->portal)->caps & AUTH_CAP_MFA)
		view_item(v, HOME_TWOSTEP, "Account", "Two-step verification",
		    "a code from an app at each sign-in", 0);
	if (portal_server(app->portal)->caps & AUTH_CAP_PASSWORD)
		view_item(v, HOME_PASSWORD, "Account", "Change password",
		    NULL, 0);
	if (serves(f, SERVE_ACTIVITY))
		view_item(v, HOME_ACTIVITY, "Account", "Account activity",
		    "sign-ins, who read the record, changes", 0);
	if (!app->opt.kiosk)
		view_item(v, HOME_EXPORT, "Account", "Download my record",
		    "a copy to keep, as FHIR or as text", 0);
	view_item(v, HOME_HELP, "Account", "Help", "the keys, and how "
	    "chartty works", 0);
	view_item(v, HOME_SIGNOUT, "Account", "Sign out",
	    "end the session and forget the kept sign-in", 0);
}

/* Sign in to linked organization i: with a browser where it has one. */
static int
home_link_sign_in(struct app *app, int i)
{
	struct portal	*p = app->links[i].portal;

	if (p != NULL && portal_fhir(p) != NULL &&
	    (portal_server(p)->caps & AUTH_CAP_SMART))
		return app_push(app, &screen_smart, xasprintf("link:%d", i));
	app_say(app, "Sign in to it once with chartty --account and its "
	    "name; chartty then keeps that sign-in and links it here.");
	return APP_REDRAW;
}

static int
home_action(struct app *app, void *state,
    const struct view_row *r)
{
	char	*cause = NULL;
	int	 offline;

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
	default:
		if (r->id >= HOME_LINK && (size_t)(r->id - HOME_LINK) <
		    app->nlinks && !app->links[r->id - HOME_LINK].signed_in)
			return home_link_sign_in(app, r->id - HOME_LINK);
		break;
	case HOME_CONTACT:
		return app_push(app, &screen_contact, NULL);
	case HOME_TWOSTEP:
		return app_push(app, &screen_twostep, NULL);
	case HOME_PASSWORD:
		return app_push(app, &screen_password, NULL);
	case HOME_ACTIVITY:
		return app_push(app, &screen_activity, NULL);
	case HOME_EXPORT:
		return app_push(app, &screen_export, NULL);
	case HOME_SIGNOUT:
		app_loading(app, "Signing out...");
		app_links_sign_out(app);
		offline = portal_offline(app->portal);
		if (portal_sign_out(app->portal, &cause) != AUTH_OK) {
			app_say(app, cause);
			free(cause);
		} else if (offline)
			app_say(app, "Signed out on this computer. The portal "
			    "could not be reached, so your session there ends "
			    "on its own.");
		else
			app_say(app, "Signed out.");
		return APP_QUIT;
	}
	return 0;
}

static void
home_close(void *state)
{
	struct summary_home	*h = state;

	summary_home_clear(h);
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
