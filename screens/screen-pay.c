/*
 * Paying a bill: all that is due or part of it, by card or HSA card
 * (src/payment.c: masked, checked before sending, confirmed with the
 * amount and the last four digits before any charge, charged once,
 * wiped after), then the receipt.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "bill.h"
#include "fhir.h"
#include "payment.h"
#include "portal.h"
#include "util.h"
#include "view.h"

enum { PAY_AMOUNT = PAYMENT_FIELD + 10, PAY_CANCEL = 50 };

struct pay {
	char		*id;		/* the Invoice */
	char		*ref;		/* "Invoice/<id>" */
	struct arena	*a;
	struct bill	 b;
	struct field	 amount;
	double		 paying;	/* the amount confirmed */
	struct payment	 p;
	int		 refocus;
	int		 warned;	/* Cancel after no answer: said once */
};

static int
pay_fetch(struct app *app, void *state, char **cause)
{
	struct pay	*s = state;
	struct arena	*a;
	struct bill	 b;
	char		 due[32];

	if (bill_read(portal_fhir(app->portal), s->id, &a, &b, cause) != 0)
		return -1;
	arena_free(s->a);
	s->a = a;
	s->b = b;
	if (s->amount.len == 0) {
		snprintf(due, sizeof due, "%.2f", s->b.due);
		field_set(&s->amount, due);
	}
	return 0;
}

static void
pay_free(struct pay *s)
{
	payment_free(&s->p);
	arena_free(s->a);
	free(s->ref);
	free(s->id);
	free(s);
}

static int
pay_open(struct app *app, void *arg, void **state, char **cause)
{
	struct pay	*s = xcalloc(1, sizeof *s);

	s->id = arg;
	s->ref = fhir_path("Invoice", s->id, NULL);
	payment_init(&s->p);
	if (pay_fetch(app, s, cause) != 0) {
		pay_free(s);
		return -1;
	}
	if (s->b.due < 0.005) {
		*cause = xstrdup("Nothing is due on this bill.");
		pay_free(s);
		return -1;
	}
	s->refocus = 1;
	*state = s;
	return 0;
}

static void
pay_view(struct app *app, void *state, struct view *v)
{
	struct pay	*s = state;
	char		 when[64];
	size_t		 i;

	fhir_date_format(&s->b.date, when, sizeof when);
	view_heading(v, view_printf(v, "%s%s%s", s->b.visit ? s->b.visit :
	    "Visit", when[0] ? " on " : "", when));
	if (s->p.receipt == NULL && !s->p.confirming) {
		view_text(v, view_printf(v, "%s is due. Pay all of it, or type "
		    "a smaller amount to pay part.", bill_money(v->arena,
		    s->b.due)));
		view_field(v, PAY_AMOUNT, "Amount in dollars", &s->amount, 0);
	}
	payment_view(&s->p, v, s->paying);
	if (s->p.receipt != NULL)
		view_button(v, PAYMENT_CONTINUE, "Done");
	else
		view_button(v, PAY_CANCEL, "Cancel");
	if (s->refocus) {
		/* A new step starts at its first field or button; after a
		 * refusal, at the card number to type again. */
		v->focus = view_start(v, 0);
		for (i = 0; s->p.refused && i < v->nrows; i++) {
			if (v->rows[i].kind == ROW_FIELD &&
			    v->rows[i].id == PAYMENT_FIELD + 1)
				v->focus = (int)i;
		}
	}
	s->refocus = 0;
}

/* Check the amount typed: more than nothing, at most what is due. */
static int
pay_amount(struct app *app, struct pay *s)
{
	double	v;
	char	*said;

	if (bill_amount_parse(s->amount.text, &v) != 0 || v < 0.01) {
		app_say(app, "Type the amount in dollars, for example 25 or "
		    "25.50.");
		return -1;
	}
	if (v > s->b.due + 0.004) {
		said = xasprintf("That is more than the %s due.", bill_money(
		    s->a, s->b.due));
		app_say(app, said);
		free(said);
		return -1;
	}
	s->paying = v;
	return 0;
}

static int
pay_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct pay	*s = state;
	char		*cause = NULL, *why = NULL, *said;
	int		 id = r->kind == ROW_FIELD ? PAYMENT_CONTINUE : r->id, rc;

	if (r->kind != ROW_FIELD && r->kind != ROW_BUTTON)
		return 0;
	if (s->p.receipt != NULL)
		return APP_POP | APP_REFETCH;
	if (id == PAY_CANCEL) {
		if (s->p.unanswered && !s->warned) {
			s->warned = 1;	/* said once; Cancel again leaves */
			app_say(app, "The last try got no answer, so it may "
			    "have gone through. Press Pay again to find out "
			    "(you will not be charged twice), or Cancel again "
			    "and check the bill later.");
			return APP_REDRAW;
		}
		payment_wipe(&s->p);
		app_say(app, "Nothing was paid.");
		return APP_POP;
	}
	if (id == PAYMENT_CONTINUE && !s->p.confirming &&
	    pay_amount(app, s) != 0)
		return APP_REDRAW;
	if (id == PAYMENT_PAY)
		app_loading(app, "Paying...");
	rc = payment_submit(&s->p, portal_fhir(app->portal), s->ref, s->paying, id,
	    &cause);
	s->refocus = rc >= 0 || s->p.refused;
	if (rc == 0) {
		app_changed(app);	/* Billing and Home show the new total */
		/* The bill as it is now: what is still due. */
		if (pay_fetch(app, s, &why) == 0)
			said = xasprintf("%s %s still due on this bill.",
			    s->p.receipt, bill_money(s->a, s->b.due));
		else
			said = xstrdup(s->p.receipt);
		app_say(app, said);
		free(said);
	} else {
		/* Refused: what is due may have changed meanwhile. */
		if (s->p.refused)
			pay_fetch(app, s, &why);
		if (cause != NULL)
			app_say(app, cause);
	}
	free(why);
	free(cause);
	return APP_REDRAW;
}

static void
pay_close(void *state)
{
	pay_free(state);
}

const struct screen screen_pay = {
	.title = "Pay a bill",
	.loading = "Loading the bill...",
	.open = pay_open,
	.fetch = pay_fetch,
	.view = pay_view,
	.action = pay_action,
	.close = pay_close,
};
