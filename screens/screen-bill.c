/*
 * One bill: the visit, each charge with what insurance paid and any
 * adjustment, the patient's share, what was paid and what is still due;
 * and "Pay this bill" while something is due.
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

enum { BILL_FACT, BILL_LINE, BILL_PAY };

struct bill_screen {
	char		*id;
	struct arena	*a;
	struct bill	 b;
};

static int
bill_fetch(struct app *app, void *state, char **cause)
{
	struct bill_screen	*s = state;
	struct arena		*a;
	struct bill		 b;

	if (bill_read(portal_fhir(app->portal), s->id, &a, &b, cause) != 0)
		return -1;
	arena_free(s->a);
	s->a = a;
	s->b = b;
	return 0;
}

static int
bill_open(struct app *app, void *arg, void **state, char **cause)
{
	struct bill_screen	*s = xcalloc(1, sizeof *s);

	s->id = arg;
	if (bill_fetch(app, s, cause) != 0) {
		free(s->id);
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
bill_view(struct app *app, void *state, struct view *v)
{
	struct bill_screen	*s = state;
	const struct bill	*b = &s->b;
	const struct bill_line	*l;
	struct arena		*a = v->arena;
	char			 when[64];
	size_t			 i;

	fhir_date_format(&b->date, when, sizeof when);
	view_heading(v, view_printf(v, "%s%s%s", b->visit ? b->visit :
	    "Visit", when[0] ? " on " : "", when));
	view_item(v, BILL_FACT, "Fact", "Billed", bill_money(a, b->billed),
	    ROW_INFO);
	view_item(v, BILL_FACT, "Fact", "Paid by insurance",
	    bill_money(a, b->insurance), ROW_INFO);
	view_item(v, BILL_FACT, "Fact", "Adjustments",
	    bill_money(a, b->adjustments), ROW_INFO);
	view_item(v, BILL_FACT, "Fact", "Your share", bill_money(a, b->share),
	    ROW_INFO);
	view_item(v, BILL_FACT, "Fact", "Already paid", bill_money(a, b->paid),
	    ROW_INFO);
	view_item(v, BILL_FACT, "Fact", "Still due", bill_money(a, b->due),
	    ROW_INFO | (b->due > 0.004 ? ROW_ALERT : 0));
	view_heading(v, "Charges");
	for (i = 0; i < b->nlines; i++) {
		l = &b->lines[i];
		view_item(v, BILL_LINE, "Charge", l->text ? l->text : "Charge",
		    view_printf(v, "billed %s%s%s%s%s", bill_money(a, l->billed),
		    l->insurance > 0 ? ", insurance paid " : "",
		    l->insurance > 0 ? bill_money(a, l->insurance) : "",
		    l->adjustment > 0 ? ", adjustment " : "",
		    l->adjustment > 0 ? bill_money(a, l->adjustment) : ""),
		    ROW_INFO);
	}
	view_heading(v, "What you can do");
	if (b->due > 0.004)
		view_item(v, BILL_PAY, "Action", "Pay this bill",
		    view_printf(v, "all of the %s due, or part of it",
		    bill_money(a, b->due)), 0);
	else
		view_text(v, "Nothing is due on this bill.");
	view_text(v, "Questions about a bill? Write to the billing office in "
	    "Messages.");
}

static int
bill_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct bill_screen	*s = state;

	if (r->id == BILL_PAY && s->b.due > 0.004)
		return app_push(app, &screen_pay, xstrdup(s->id));
	return 0;
}

static void
bill_close(void *state)
{
	struct bill_screen	*s = state;

	arena_free(s->a);
	free(s->id);
	free(s);
}

const struct screen screen_bill = {
	.title = "Bill",
	.loading = "Loading the bill...",
	.open = bill_open,
	.fetch = bill_fetch,
	.view = bill_view,
	.action = bill_action,
	.close = bill_close,
};
