/*
 * A payment plan for a guarantor account: what is owed on it, any plan
 * now, and a monthly amount to ask for. The billing office's rules
 * (least a month, longest term) are the portal's: a refusal says them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "bill.h"
#include "fhir.h"
#include "portal.h"
#include "util.h"
#include "view.h"

enum { PLAN_AMOUNT = 1, PLAN_SEND, PLAN_CANCEL };

struct plan {
	char			*id;		/* the Account */
	struct arena		*a;
	struct bill_account	 acct;
	double			 owed;
	struct field		 monthly;
};

static int
plan_fetch(struct app *app, void *state, char **cause)
{
	struct plan	*s = state;
	struct arena	*a = arena_create();

	/* Loaded aside: what is on screen stays whole if this fails. */
	if (bill_account_owed(portal_fhir(app->portal), s->id,
	    app_patient_ref(app), a, &s->acct, &s->owed, cause) != 0) {
		arena_free(a);
		return -1;
	}
	arena_free(s->a);
	s->a = a;
	return 0;
}

static int
plan_open(struct app *app, void *arg, void **state, char **cause)
{
	struct plan	*s = xcalloc(1, sizeof *s);

	s->id = arg;
	if (plan_fetch(app, s, cause) != 0) {
		free(s->id);
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
plan_view(struct app *app, void *state, struct view *v)
{
	struct plan	*s = state;
	char		 next[64];
	int		 row;

	view_text(v, view_printf(v, "You owe %s on this account.",
	    bill_money(v->arena, s->owed)));
	if (s->acct.has_plan) {
		fhir_date_format(&s->acct.plan_next, next, sizeof next);
		view_text(v, view_printf(v, "Your plan now: %s a month, %ld "
		    "month%s left%s%s. A new amount replaces it.",
		    bill_money(v->arena, s->acct.plan_monthly),
		    s->acct.plan_months, s->acct.plan_months == 1 ? "" : "s",
		    next[0] ? ", next due " : "", next));
	}
	view_text(v, "Choose how much to pay each month. If the amount does "
	    "not fit the billing office's rules, you will be told why.");
	row = view_field(v, PLAN_AMOUNT, "Monthly amount in dollars",
	    &s->monthly, 0);
	if (v->focus < 0)
		v->focus = row;
	view_button(v, PLAN_SEND, "Set up the plan");
	view_button(v, PLAN_CANCEL, "Cancel");
}

static int
plan_send(struct app *app, struct plan *s)
{
	struct bill_account	 now;
	struct arena		*a;
	char			*cause = NULL, *said, next[64];
	double			 v;
	int			 rc;

	if (bill_amount_parse(s->monthly.text, &v) != 0 || v < 0.01) {
		app_say(app, "Type the monthly amount in dollars, for example "
		    "50.");
		return APP_REDRAW;
	}
	app_loading(app, "Setting up the plan...");
	a = arena_create();
	rc = bill_plan(portal_fhir(app->portal), s->id, v, a, &now, &cause);
	if (rc != 0) {
		/* The billing office's rule, in its words; the amount stays. */
		app_say(app, cause ? cause : "The plan was not set up.");
		free(cause);
		arena_free(a);
		return APP_REDRAW;
	}
	if (now.has_plan) {
		fhir_date_format(&now.plan_next, next, sizeof next);
		said = xasprintf("Your payment plan: %s a month for %ld "
		    "month%s%s%s.", bill_money(a, now.plan_monthly),
		    now.plan_months, now.plan_months == 1 ? "" : "s",
		    next[0] ? ", first payment due " : "", next);
	} else
		said = xstrdup("Your payment plan is set up.");
	app_say(app, said);
	free(said);
	arena_free(a);
	return APP_POP | APP_REFETCH;
}

static int
plan_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct plan	*s = state;

	switch (r->id) {
	case PLAN_CANCEL:
		app_say(app, "No plan was set up.");
		return APP_POP;
	case PLAN_AMOUNT:
	case PLAN_SEND:
		return plan_send(app, s);
	}
	return 0;
}

static void
plan_close(void *state)
{
	struct plan	*s = state;

	arena_free(s->a);
	free(s->id);
	free(s);
}

const struct screen screen_plan = {
	.title = "Payment plan",
	.loading = "Loading the account...",
	.open = plan_open,
	.fetch = plan_fetch,
	.view = plan_view,
	.action = plan_action,
	.close = plan_close,
};
