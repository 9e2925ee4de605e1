/*
 * Billing: what is owed in all and per guarantor account (with any
 * payment plan), the bills by visit (billed, paid by insurance,
 * adjustments, your share, paid, still due), the insurance on file and
 * the statements, from one batch request. Paperless is switched here
 * (If-Match; a change made elsewhere reloads and says so); a bill opens
 * to be paid, an account to set up a plan, a statement to be saved.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "serves.h"
#include "attach.h"
#include "bill.h"
#include "fhir.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"

enum { BILLING_ACCOUNT = 1, BILLING_PAPERLESS, BILLING_PLAN, BILLING_BILL,
    BILLING_STATEMENT, BILLING_COVERAGE };

#define BILLING_ID(kind, i)	((kind) * 10000 + (int)(i))

struct billing {
	struct bill_summary	 b;
};

static void
billing_clear(struct billing *s)
{
	bill_summary_clear(&s->b);
}

static int
billing_load(struct app *app, struct billing *s, char **cause)
{
	return bill_summary_load(portal_fhir(app->portal),
	    app_patient_ref(app), &s->b, cause);
}

static int
billing_fetch(struct app *app, void *state, char **cause)
{
	struct billing	*s = state, fresh;

	/* Built aside: what is on screen stays if this fails. */
	memset(&fresh, 0, sizeof fresh);
	if (billing_load(app, &fresh, cause) != 0) {
		billing_clear(&fresh);
		return -1;
	}
	billing_clear(s);
	*s = fresh;
	return 0;
}

static int
billing_open(struct app *app, void *arg, void **state, char **cause)
{
	struct billing	*s = xcalloc(1, sizeof *s);

	if (billing_fetch(app, s, cause) != 0) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

/* What is still due on the bills of account (NULL: all bills). */
static double
billing_owed(const struct billing *s, const char *account)
{
	double	sum = 0;
	size_t	i;

	for (i = 0; i < s->b.nbills; i++) {
		if (account == NULL || (s->b.bills[i].account &&
		    strncmp(s->b.bills[i].account, "Account/", 8) == 0 &&
		    strcmp(s->b.bills[i].account + 8, account) == 0))
			sum += s->b.bills[i].due;
	}
	return sum;
}

static void
billing_accounts(struct app *app, struct view *v, const struct billing *s)
{
	const struct bill_account	*ac;
	char				 next[64];
	size_t				 i;

	for (i = 0; i < s->b.nacct; i++) {
		ac = &s->b.accts[i];
		fhir_date_format(&ac->plan_next, next, sizeof next);
		view_item(v, BILLING_ID(BILLING_ACCOUNT, i), "Account",
		    ac->name ? ac->name : "Account", view_printf(v, "%s due. %s",
		    bill_money(v->arena, billing_owed(s, ac->id)),
		    ac->has_plan ? view_printf(v, "Payment plan: %s a month, %ld "
		    "month%s left%s%s.", bill_money(v->arena, ac->plan_monthly),
		    ac->plan_months, ac->plan_months == 1 ? "" : "s",
		    next[0] ? ", next due " : "", next) : "No payment plan."),
		    ROW_INFO);
		if (!serves(portal_fhir(app->portal), SERVE_BILLING_CHANGE))
			continue;
		if (billing_owed(s, ac->id) > 0.004)
			view_item(v, BILLING_ID(BILLING_PLAN, i), "Action",
			    ac->has_plan ? "Change the payment plan" :
			    "Set up a payment plan", "pay what is owed monthly",
			    0);
		view_item(v, BILLING_ID(BILLING_PAPERLESS, i), "Action",
		    "Paperless statements", ac->paperless == 1 ? "On: "
		    "statements come only here. Choose to turn off." : "Off: "
		    "statements also come by mail. Choose to turn on.", 0);
	}
}

static void
billing_bills(struct view *v, const struct billing *s)
{
	const struct bill	*b;
	char			 when[64];
	size_t			 i;

	for (i = 0; i < s->b.nbills; i++) {
		b = &s->b.bills[i];
		fhir_date_format(&b->date, when, sizeof when);
		view_item(v, BILLING_ID(BILLING_BILL, i), "Bill",
		    view_printf(v, "%s%s%s", when, when[0] ? ": " : "",
		    b->visit ? b->visit : "Visit"), b->due > 0.004 ?
		    view_printf(v, "%s still due. Billed %s, insurance paid %s, "
		    "adjustments %s, your share %s, already paid %s.",
		    bill_money(v->arena, b->due), bill_money(v->arena, b->billed),
		    bill_money(v->arena, b->insurance), bill_money(v->arena,
		    b->adjustments), bill_money(v->arena, b->share),
		    bill_money(v->arena, b->paid)) : view_printf(v, "Nothing "
		    "due. Billed %s, insurance paid %s, your share %s.",
		    bill_money(v->arena, b->billed), bill_money(v->arena,
		    b->insurance), bill_money(v->arena, b->share)), 0);
	}
}

static void
billing_view(struct app *app, void *state, struct view *v)
{
	struct billing	*s = state;
	char		 when[64];
	size_t		 i;
	double		 owed = billing_owed(s, NULL);

	if (s->b.withheld != NULL)
		view_text(v, view_printf(v, "Some of this is not shown: %s",
		    s->b.withheld));
	view_heading(v, "What you owe");
	view_text(v, owed > 0.004 ? view_printf(v, "You owe %s in all. Choose "
	    "a bill below to see it and pay it.", bill_money(v->arena,
	    owed)) : "You owe nothing. Thank you.");
	if (s->b.total_bills > (long)s->b.nbills)
		view_text(v, view_printf(v, "Only the %zu newest of %ld bills "
		    "are shown, and counted here.", s->b.nbills, s->b.total_bills));
	billing_accounts(app, v, s);
	view_heading(v, "Bills by visit");
	if (s->b.nbills == 0)
		view_text(v, "No bills.");
	billing_bills(v, s);
	view_heading(v, "Insurance on file");
	if (s->b.ncov == 0)
		view_text(v, "No insurance on file. If you have insurance, "
		    "bring your card to your next visit.");
	for (i = 0; i < s->b.ncov; i++)
		view_item(v, BILLING_ID(BILLING_COVERAGE, i), "Insurance",
		    "Insurance", s->b.cov[i], ROW_INFO);
	view_heading(v, "Statements");
	if (s->b.ndocs == 0)
		view_text(v, "No statements.");
	for (i = 0; i < s->b.ndocs; i++) {
		fhir_date_format(&s->b.doc_dates[i], when, sizeof when);
		view_item(v, BILLING_ID(BILLING_STATEMENT, i), "Statement",
		    s->b.docs[i].title ? s->b.docs[i].title : "Statement",
		    view_printf(v, "%s%s%s", when, when[0] ? ". " : "",
		    app->opt.kiosk ? "" : "Choose to save it to a file."), 0);
	}
}

/* Switch paperless for account i, guarded by its ETag. */
static int
billing_paperless(struct app *app, struct billing *s, size_t i)
{
	char	*cause = NULL;
	int	 on = s->b.accts[i].paperless != 1, rc;
	long	 status;

	app_loading(app, "Saving...");
	rc = bill_paperless(portal_fhir(app->portal), &s->b, i, on, &status,
	    &cause);
	if (rc == 0)
		app_say(app, on ? "Paperless statements are on: new statements "
		    "come only here." : "Paperless statements are off: "
		    "statements also come by mail.");
	else if (status == 412)
		app_say(app, "Your account was changed somewhere else since "
		    "this was loaded, so nothing was changed. Here it is now.");
	else
		app_say(app, cause ? cause : "Nothing was changed.");
	free(cause);
	return rc == 0 || status == 412 ? APP_REFETCH : APP_REDRAW;
}

static int
billing_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct billing	*s = state;
	int		 kind = r->id / 10000;
	size_t		 i = (size_t)(r->id % 10000);

	switch (kind) {
	case BILLING_PAPERLESS:
		return i < s->b.nacct ? billing_paperless(app, s, i) : 0;
	case BILLING_PLAN:
		return i < s->b.nacct ? app_push(app, &screen_plan,
		    xstrdup(s->b.accts[i].id)) : 0;
	case BILLING_BILL:
		return i < s->b.nbills ? app_push(app, &screen_bill,
		    xstrdup(s->b.bills[i].id)) : 0;
	case BILLING_STATEMENT:
		return i < s->b.ndocs ? attachment_save(app, &s->b.docs[i]) : 0;
	}
	return 0;
}

static void
billing_close(void *state)
{
	billing_clear(state);
	free(state);
}

const struct screen screen_billing = {
	.title = "Billing",
	.loading = "Loading your bills...",
	.open = billing_open,
	.fetch = billing_fetch,
	.view = billing_view,
	.action = billing_action,
	.close = billing_close,
};
