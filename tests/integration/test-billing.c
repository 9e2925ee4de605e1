/*
 * Integration tests of billing against the real test portal, driving the
 * real screens (billing, bill, pay, plan) without curses: what is owed,
 * paying a bill in full and in part, a declined card, a payment whose
 * answer is lost charged exactly once, a payment plan accepted and
 * refused in the portal's words, and paperless changed meanwhile.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "bill.h"
#include "fhir.h"
#include "json.h"
#include "payment.h"
#include "portal.h"
#include "portal-test.h"
#include "screen-test.h"
#include "tap.h"
#include "util.h"
#include "view.h"

#define MARIA		"maria@example.org", "Chartty-demo-1"
#define VISIT1		"inv-maria-lopez-visit1"	/* $50.00 due */
#define URGENT		"inv-maria-lopez-urgent"	/* $155.00 due */
#define LABS		"inv-maria-lopez-labs"		/* $20.00 due */
#define DONE_FLAGS	(APP_POP | APP_REFETCH)

/* What the portal says is still due on bill id, or -1. */
static double
due_now(struct app *app, const char *id)
{
	struct arena	*a = NULL;
	struct bill	 b;
	char		*cause = NULL;
	double		 d = -1;

	if (bill_read(portal_fhir(app->portal), id, &a, &b, &cause) == 0)
		d = b.due;
	free(cause);
	arena_free(a);
	return d;
}

/* The pay screen for bill id with amount and a card typed in. */
static void *
pay_start(struct app *app, const char *id, const char *amount,
    const char *card)
{
	void	*s = st_open(&screen_pay, app, xstrdup(id));

	if (s == NULL)
		return NULL;
	ok(st_field(&screen_pay, app, s, "Amount", amount) == 0 &&
	    st_field(&screen_pay, app, s, "Card number", card) == 0 &&
	    st_field(&screen_pay, app, s, "Expiry", "11/29") == 0 &&
	    st_field(&screen_pay, app, s, "Security", "321") == 0,
	    "pay %s: %s typed with a card", id, amount);
	return s;
}

static void
test_summary(void)
{
	struct app		 app;
	struct view		 v;
	void			*s;
	const struct view_row	*r;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	if ((s = st_open(&screen_billing, &app, NULL)) != NULL) {
		view_init(&v);
		screen_billing.view(&app, s, &v);
		ok(st_says(&v, "You owe $305.00 in all. Choose a bill below to "
		    "see it and pay it."), "the total owed");
		r = st_row(&v, ROW_ITEM, "Main Street Clinic guarantor");
		ok(r && r->value && strstr(r->value, "$305.00 due. No payment "
		    "plan."), "per account, with its plan: %s", r && r->value ?
		    r->value : "(none)");
		ok(st_count(&v, "Bill") == 7, "7 bills by visit");
		ok(st_mentions(&v, "$20.00 still due. Billed $105.00, insurance "
		    "paid $70.00, adjustments $5.00, your share $30.00, already "
		    "paid $10.00."), "a bill: billed, insurance, adjustments, "
		    "share, paid, due");
		ok(st_mentions(&v, "Annual physical") && st_mentions(&v,
		    "Nothing due."), "a bill paid in full");
		ok(st_mentions(&v, "Acme Health Plan, Acme Silver PPO, member "
		    "ID ACM-55501, group ACME-GRP-20"), "the insurance on file");
		ok(st_count(&v, "Statement") == 3 && st_row(&v, ROW_ITEM,
		    "statement-2026-10.pdf"), "three statements, newest first");
		view_free(&v);
		screen_billing.close(s);
	}
	if ((s = st_open(&screen_bill, &app, xstrdup(LABS))) != NULL) {
		view_init(&v);
		screen_bill.view(&app, s, &v);
		ok(st_mentions(&v, "Comprehensive metabolic panel") &&
		    st_mentions(&v, "billed $60.00, insurance paid $40.00, "
		    "adjustment $5.00"), "a bill's charges, each with what "
		    "insurance paid and any adjustment");
		ok(st_row(&v, ROW_ITEM, "Pay this bill") != NULL,
		    "and Pay this bill");
		view_free(&v);
		screen_bill.close(s);
	}
	st_end(&app);
}

static void
test_pay(void)
{
	struct app	 app;
	struct view	 v;
	void		*s;
	int		 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	/* In full. */
	s = pay_start(&app, VISIT1, "50", "4242 4242 4242 4242");
	if (s != NULL) {
		flags = st_press(&screen_pay, &app, s, ROW_BUTTON, "Continue");
		view_init(&v);
		screen_pay.view(&app, s, &v);
		ok(st_says(&v, "Pay $50.00 now with the card ending 4242? "
		    "Nothing has been charged yet."), "the amount and last four "
		    "before any charge");
		view_free(&v);
		ok(pt_charges(VISIT1) == 0, "nothing charged yet");
		flags = st_press(&screen_pay, &app, s, ROW_BUTTON, "Pay");
		ok(flags == APP_REDRAW, "Pay");
		like(app.message, "Paid $50.00 with the card ending 4242. "
		    "Receipt R-", "a receipt");
		like(app.message, "$0.00 still due on this bill.",
		    "and what is left");
		ok(due_now(&app, VISIT1) == 0 && pt_charges(VISIT1) == 1,
		    "the portal: nothing due, one charge");
		ok(st_press(&screen_pay, &app, s, ROW_BUTTON, "Done") ==
		    DONE_FLAGS, "Done goes back");
		screen_pay.close(s);
	}
	/* In part, with an HSA card; amounts checked first. */
	s = pay_start(&app, URGENT, "200", "5555 5555 5555 4444");
	if (s != NULL) {
		st_field(&screen_pay, &app, s, "Pay with", "HSA");
		st_press(&screen_pay, &app, s, ROW_BUTTON, "Continue");
		like(app.message, "That is more than the $155.00 due.",
		    "more than is due is refused before anything is sent");
		st_field(&screen_pay, &app, s, "Amount", "ten");
		st_press(&screen_pay, &app, s, ROW_BUTTON, "Continue");
		like(app.message, "Type the amount in dollars", "words are not "
		    "an amount");
		st_field(&screen_pay, &app, s, "Amount", "$55.00");
		st_press(&screen_pay, &app, s, ROW_BUTTON, "Continue");
		st_press(&screen_pay, &app, s, ROW_BUTTON, "Pay");
		like(app.message, "Paid $55.00 with the HSA card ending 4444.",
		    "a part paid with an HSA card");
		like(app.message, "$100.00 still due on this bill.",
		    "$100.00 left");
		ok(due_now(&app, URGENT) == 100, "the portal agrees");
		screen_pay.close(s);
	}
	st_end(&app);
}

static void
test_declined_and_lost(void)
{
	struct app	 app;
	struct view	 v;
	void		*s;
	int		 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	s = pay_start(&app, LABS, "20", "4000 0000 0000 0002");
	if (s == NULL) {
		st_end(&app);
		return;
	}
	st_press(&screen_pay, &app, s, ROW_BUTTON, "Continue");
	flags = st_press(&screen_pay, &app, s, ROW_BUTTON, "Pay");
	like(app.message, "Your card was declined. Please use another card "
	    "or call your bank.", "a declined card: the reason");
	view_init(&v);
	screen_pay.view(&app, s, &v);
	ok(st_row(&v, ROW_FIELD, "Card number") && strcmp(st_row(&v,
	    ROW_FIELD, "Card number")->field->text, "") == 0,
	    "the number is forgotten, the form is back");
	view_free(&v);
	ok(pt_charges(LABS) == 0 && due_now(&app, LABS) == 20,
	    "nothing charged");
	st_field(&screen_pay, &app, s, "Card number", "4242424242424242");
	st_field(&screen_pay, &app, s, "Expiry", "11/29");
	st_field(&screen_pay, &app, s, "Security", "321");
	st_press(&screen_pay, &app, s, ROW_BUTTON, "Continue");
	/* The portal charges, but the answer is lost (libcurl retries a
	 * dropped reused connection once: two faults). */
	pt_fault("drop-answer", 2, 0, "/fhir/R4/Invoice");
	flags = st_press(&screen_pay, &app, s, ROW_BUTTON, "Pay");
	ok(flags == APP_REDRAW && pt_sentence(app.message), "a lost answer is "
	    "said: %s", app.message ? app.message : "(none)");
	like(app.message, "you will not be charged twice", "and that trying "
	    "again is safe");
	ok(pt_charges(LABS) == 1, "the portal charged once");
	view_init(&v);
	screen_pay.view(&app, s, &v);
	ok(!st_mentions(&v, "Nothing has been charged yet") && st_mentions(&v,
	    "got no answer: it may have gone through"), "the screen no "
	    "longer says nothing was charged");
	ok(st_row(&v, ROW_BUTTON, "Change") == NULL && st_row(&v, ROW_BUTTON,
	    "Pay $20.00") != NULL, "another card is not offered until the "
	    "first try is known; Pay again is");
	view_free(&v);
	ok(st_press(&screen_pay, &app, s, ROW_BUTTON, "Cancel") == APP_REDRAW,
	    "Cancel warns once");
	flags = st_press(&screen_pay, &app, s, ROW_BUTTON, "Pay");
	like(app.message, "Paid $20.00 with the card ending 4242.",
	    "pressing Pay again gives the first payment's receipt");
	ok(pt_charges(LABS) == 1 && due_now(&app, LABS) == 0,
	    "exactly one charge, and nothing due");
	screen_pay.close(s);
	st_end(&app);
}

static void
test_plan(void)
{
	struct app	 app;
	struct view	 v;
	void		*s;
	int		 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	s = st_open(&screen_plan, &app, xstrdup("acct-maria-lopez"));
	if (s == NULL) {
		st_end(&app);
		return;
	}
	view_init(&v);
	screen_plan.view(&app, s, &v);
	ok(st_says(&v, "You owe $305.00 on this account."), "what is owed");
	view_free(&v);
	st_field(&screen_plan, &app, s, "Monthly", "10");
	flags = st_press(&screen_plan, &app, s, ROW_BUTTON, "Set up");
	ok(flags == APP_REDRAW, "too little a month is refused");
	is(app.message, "A plan is at least $25.00 a month and at most 12 "
	    "months: for $305.00 owed, pay at least $25.42 a month.",
	    "in the billing office's words");
	st_field(&screen_plan, &app, s, "Monthly", "50");
	flags = st_press(&screen_plan, &app, s, ROW_BUTTON, "Set up");
	ok(flags == DONE_FLAGS, "$50.00 a month is accepted");
	like(app.message, "Your payment plan: $50.00 a month for 7 months, "
	    "first payment due ", "and said");
	screen_plan.close(s);
	if ((s = st_open(&screen_billing, &app, NULL)) != NULL) {
		view_init(&v);
		screen_billing.view(&app, s, &v);
		ok(st_mentions(&v, "Payment plan: $50.00 a month, 7 months "
		    "left, next due "), "the account shows the plan");
		ok(st_row(&v, ROW_ITEM, "Change the payment plan") != NULL,
		    "which can be changed");
		view_free(&v);
		screen_billing.close(s);
	}
	st_end(&app);
}

static void
test_paperless(void)
{
	struct app	 a, b;
	struct view	 v;
	void		*sa, *sb;
	char		*cause = NULL;
	int		 flags;

	pt_reset();
	if (st_start(&a, MARIA) != 0 || st_start(&b, MARIA) != 0)
		return;
	sa = st_open(&screen_billing, &a, NULL);
	sb = st_open(&screen_billing, &b, NULL);
	if (sa == NULL || sb == NULL)
		goto out;
	flags = st_press(&screen_billing, &a, sa, ROW_ITEM, "Paperless");
	ok(flags == APP_REFETCH, "paperless is turned on");
	like(a.message, "Paperless statements are on", "and said");
	flags = st_press(&screen_billing, &b, sb, ROW_ITEM, "Paperless");
	ok(flags == APP_REFETCH, "a second screen loaded before: reload");
	is(b.message, "Your account was changed somewhere else since this was "
	    "loaded, so nothing was changed. Here it is now.",
	    "the conflict is said, nothing overwritten");
	if (screen_billing.fetch(&b, sb, &cause) == 0) {
		view_init(&v);
		screen_billing.view(&b, sb, &v);
		ok(st_mentions(&v, "On: statements come only here."),
		    "after the reload it shows on");
		view_free(&v);
	}
	flags = st_press(&screen_billing, &b, sb, ROW_ITEM, "Paperless");
	like(b.message, "Paperless statements are off", "and then it can be "
	    "turned off");
	free(cause);
out:
	if (sa)
		screen_billing.close(sa);
	if (sb)
		screen_billing.close(sb);
	st_end(&a);
	st_end(&b);
}

/*
 * A parent with a child's record open signs in again (the session
 * ended): the child's record stays open, and the child's bills show.
 */
static void
test_proxy_resign(void)
{
	struct app	 app;
	struct view	 v;
	void		*s;
	char		*cause = NULL;
	size_t		 i;

	pt_reset();
	if (st_start(&app, "james@example.org", "Chartty-demo-2") != 0)
		return;
	for (i = 0; i < app.me.npeople; i++) {
		if (strcmp(app.me.people[i].reference, "Patient/noah-carter") == 0)
			app.record = &app.me.people[i];
	}
	is(app_patient(&app), "noah-carter", "James opens Noah's record");
	ok(app_signed_in(&app, &cause) == 0, "signing in again");
	is(app_patient(&app), "noah-carter", "keeps Noah's record open");
	free(cause);
	if ((s = st_open(&screen_billing, &app, NULL)) != NULL) {
		view_init(&v);
		screen_billing.view(&app, s, &v);
		ok(st_says(&v, "You owe $55.00 in all. Choose a bill below to see "
		    "it and pay it.") && st_mentions(&v, "Payment plan: $10.00 a "
		    "month, 3 months left, next due ") && st_mentions(&v,
		    "member ID ACM-66104"), "Noah's bills (a visit and a copay), "
		    "plan and insurance, for his guarantor");
		ok(!st_mentions(&v, "Because Noah is 15") && st_count(&v,
		    "Statement") == 1, "his statement too: the guarantor gets "
		    "the bills of a record with limited access");
		view_free(&v);
		screen_billing.close(s);
	}
	st_end(&app);
}

/*
 * Every new screen, opened while the portal misbehaves, says so in one
 * sentence and opens nothing half-built; opened again, it works.
 */
static void
test_bad_answers(void)
{
	static const char *const kinds[] = { "malformed", "500", "truncate",
	    "huge" };
	struct {
		const struct screen	*s;
		const char		*arg;
	} screens[] = {
		{ &screen_billing, NULL }, { &screen_bill, LABS },
		{ &screen_pay, LABS }, { &screen_plan, "acct-maria-lopez" },
		{ &screen_visits, NULL }, { &screen_visit,
		    "appt-maria-lopez-followup" }, { &screen_book, NULL },
		{ &screen_checkin, "appt-maria-lopez-followup" },
		{ &screen_onmyway, NULL },
	};
	struct app	 app;
	size_t		 i;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	for (i = 0; i < sizeof screens / sizeof screens[0]; i++)
		st_open_faults(&app, screens[i].s, screens[i].arg, "/fhir/R4",
		    kinds, sizeof kinds / sizeof kinds[0]);
	st_end(&app);
}

int
main(void)
{
	test_summary();
	test_pay();
	test_declined_and_lost();
	test_plan();
	test_paperless();
	test_proxy_resign();
	test_bad_answers();
	return done_testing();
}
