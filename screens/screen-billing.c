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
#include "attach.h"
#include "bill.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"

enum { BILLING_ACCOUNT = 1, BILLING_PAPERLESS, BILLING_PLAN, BILLING_BILL,
    BILLING_STATEMENT, BILLING_COVERAGE };

#define BILLING_ID(kind, i)	((kind) * 10000 + (int)(i))
#define BILLING_MAX		50

struct billing {
	struct arena		*a;
	struct bill_account	*accts;
	struct json		**acct_json;	/* as loaded, for the PUT */
	size_t			 nacct;
	struct bill		*bills;
	size_t			 nbills;
	const char		**cov;		/* "Acme Health Plan: ..." */
	size_t			 ncov;
	struct attachment	*docs;
	struct fhir_time	*doc_dates;
	size_t			 ndocs;
	long			 total_bills;	/* Bundle.total, or -1 */
	char			*withheld;
};

static void
billing_clear(struct billing *s)
{
	size_t	i;

	for (i = 0; i < s->nacct; i++)
		json_free(s->acct_json[i]);
	arena_free(s->a);
	free(s->withheld);
	memset(s, 0, sizeof *s);
}

/* One line for an active Coverage: insurer, plan, member ID, group. */
static const char *
billing_coverage(struct arena *a, const struct json *c)
{
	const struct json	*cl = json_at(json_get(c, "class"), 0);
	struct buf		 b;
	char			*s;
	const char		*payer, *plan, *member, *group;

	payer = model_str(a, json_at(json_get(c, "payor"), 0), "display");
	plan = model_str(a, cl, "name");
	member = model_str(a, c, "subscriberId");
	group = model_str(a, cl, "value");
	buf_init(&b, 4096);
	buf_printf(&b, "%s", payer ? payer : "Insurance");
	if (plan != NULL)
		buf_printf(&b, ", %s", plan);
	if (member != NULL)
		buf_printf(&b, ", member ID %s", member);
	if (group != NULL)
		buf_printf(&b, ", group %s", group);
	s = arena_own(a, buf_take(&b));
	return s;
}

/* Keep what one batch entry gave; the first refusal is said. */
static const struct json *
billing_entry(struct billing *s, const struct json *body, size_t i)
{
	const struct json	*b;
	char			*why = NULL;
	long			 status;

	b = fhir_batch_entry(body, i, &status, &why);
	if (b == NULL && s->withheld == NULL)
		s->withheld = why;
	else
		free(why);
	return b;
}

static int
billing_load(struct app *app, struct billing *s, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b, *r, *att;
	char			*urls[4];
	size_t			 i, n;

	urls[0] = fhir_query("Account", "patient", app_patient_ref(app),
	    "_count", FHIR_NUM(BILLING_MAX), NULL);
	urls[1] = fhir_query("Invoice", "subject", app_patient_ref(app),
	    "_sort", "-date", "_count", FHIR_NUM(BILLING_MAX), NULL);
	urls[2] = fhir_query("Coverage", "beneficiary", app_patient_ref(app),
	    "status", "active", NULL);
	urls[3] = fhir_query("DocumentReference", "patient",
	    app_patient_ref(app), "type", "statement", "_sort", "-date",
	    "_count", "12", NULL);
	if (fhir_batch_take(portal_fhir(app->portal), urls, 4, &res, cause) != 0)
		return -1;
	s->a = arena_create();
	b = billing_entry(s, res.body, 0);
	n = fhir_bundle_count(b);
	s->accts = arena_alloc(s->a, (n + 1) * sizeof *s->accts);
	s->acct_json = arena_alloc(s->a, (n + 1) * sizeof *s->acct_json);
	for (i = 0; i < n && i < BILLING_MAX; i++) {
		r = fhir_bundle_resource(b, i);
		if (bill_account_parse(s->a, r, &s->accts[s->nacct]) == 0 &&
		    s->accts[s->nacct].id != NULL)
			s->acct_json[s->nacct++] = json_dup(r);
	}
	b = billing_entry(s, res.body, 1);
	n = fhir_bundle_count(b);
	s->total_bills = fhir_bundle_total(b);
	s->bills = arena_alloc(s->a, (n + 1) * sizeof *s->bills);
	for (i = 0; i < n && i < BILLING_MAX; i++) {
		if (bill_parse(s->a, fhir_bundle_resource(b, i),
		    &s->bills[s->nbills]) == 0 && s->bills[s->nbills].id)
			s->nbills++;
	}
	b = billing_entry(s, res.body, 2);
	n = fhir_bundle_count(b);
	s->cov = arena_alloc(s->a, (n + 1) * sizeof *s->cov);
	for (i = 0; i < n && i < BILLING_MAX; i++) {
		if ((r = fhir_bundle_resource(b, i)) != NULL)
			s->cov[s->ncov++] = billing_coverage(s->a, r);
	}
	b = billing_entry(s, res.body, 3);
	n = fhir_bundle_count(b);
	s->docs = arena_alloc(s->a, (n + 1) * sizeof *s->docs);
	s->doc_dates = arena_alloc(s->a, (n + 1) * sizeof *s->doc_dates);
	for (i = 0; i < n && i < BILLING_MAX; i++) {
		r = fhir_bundle_resource(b, i);
		att = json_get(json_at(json_get(r, "content"), 0),
		    "attachment");
		if (att == NULL)
			continue;
		model_attachment(s->a, att, &s->docs[s->ndocs]);
		if (s->docs[s->ndocs].url == NULL)
			continue;
		fhir_time_parse(json_gets(r, "date"), &s->doc_dates[s->ndocs]);
		s->ndocs++;
	}
	fhir_result_free(&res);
	return 0;
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

	for (i = 0; i < s->nbills; i++) {
		if (account == NULL || (s->bills[i].account &&
		    strncmp(s->bills[i].account, "Account/", 8) == 0 &&
		    strcmp(s->bills[i].account + 8, account) == 0))
			sum += s->bills[i].due;
	}
	return sum;
}

static void
billing_accounts(struct view *v, const struct billing *s)
{
	const struct bill_account	*ac;
	char				 next[64];
	size_t				 i;

	for (i = 0; i < s->nacct; i++) {
		ac = &s->accts[i];
		fhir_date_format(&ac->plan_next, next, sizeof next);
		view_item(v, BILLING_ID(BILLING_ACCOUNT, i), "Account",
		    ac->name ? ac->name : "Account", view_printf(v, "%s due. %s",
		    bill_money(v->arena, billing_owed(s, ac->id)),
		    ac->has_plan ? view_printf(v, "Payment plan: %s a month, %ld "
		    "month%s left%s%s.", bill_money(v->arena, ac->plan_monthly),
		    ac->plan_months, ac->plan_months == 1 ? "" : "s",
		    next[0] ? ", next due " : "", next) : "No payment plan."),
		    ROW_INFO);
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

	for (i = 0; i < s->nbills; i++) {
		b = &s->bills[i];
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

	v->title = view_str(v, "Billing");
	if (s->withheld != NULL)
		view_text(v, view_printf(v, "Some of this is not shown: %s",
		    s->withheld));
	view_heading(v, "What you owe");
	view_text(v, owed > 0.004 ? view_printf(v, "You owe %s in all. Choose "
	    "a bill below to see it and pay it.", bill_money(v->arena,
	    owed)) : "You owe nothing. Thank you.");
	if (s->total_bills > (long)s->nbills)
		view_text(v, view_printf(v, "Only the %zu newest of %ld bills "
		    "are shown, and counted here.", s->nbills, s->total_bills));
	billing_accounts(v, s);
	view_heading(v, "Bills by visit");
	if (s->nbills == 0)
		view_text(v, "No bills.");
	billing_bills(v, s);
	view_heading(v, "Insurance on file");
	if (s->ncov == 0)
		view_text(v, "No insurance on file. If you have insurance, "
		    "bring your card to your next visit.");
	for (i = 0; i < s->ncov; i++)
		view_item(v, BILLING_ID(BILLING_COVERAGE, i), "Insurance",
		    "Insurance", s->cov[i], ROW_INFO);
	view_heading(v, "Statements");
	if (s->ndocs == 0)
		view_text(v, "No statements.");
	for (i = 0; i < s->ndocs; i++) {
		fhir_date_format(&s->doc_dates[i], when, sizeof when);
		view_item(v, BILLING_ID(BILLING_STATEMENT, i), "Statement",
		    s->docs[i].title ? s->docs[i].title : "Statement",
		    view_printf(v, "%s%s%s", when, when[0] ? ". " : "",
		    app->opt.kiosk ? "" : "Choose to save it to a file."), 0);
	}
}

/* Switch paperless for account i, guarded by its ETag. */
static int
billing_paperless(struct app *app, struct billing *s, size_t i)
{
	struct fhir_result	 res;
	struct json		*body, *e;
	char			*cause = NULL, *path;
	int			 on = s->accts[i].paperless != 1, rc;
	long			 status;

	if (s->accts[i].etag == NULL) {
		app_say(app, "This account has no version, so it cannot be "
		    "changed safely online. Please call the billing office.");
		return APP_REDRAW;
	}
	body = json_dup(s->acct_json[i]);
	e = (struct json *)model_extension_obj(body, "urn:chartty:paperless");
	if (e == NULL) {
		if (json_get(body, "extension") == NULL)
			json_add_array(body, "extension");
		e = json_add_object(json_get(body, "extension"), NULL);
		json_add_str(e, "url", "urn:chartty:paperless");
	}
	json_remove(e, "valueBoolean");
	json_add_bool(e, "valueBoolean", on);
	path = fhir_path("Account", s->accts[i].id, NULL);
	app_loading(app, "Saving...");
	rc = fhir_update(portal_fhir(app->portal), path, body, s->accts[i].etag,
	    &res, &cause);
	free(path);
	json_free(body);
	status = res.status;
	if (rc == 0)
		app_say(app, on ? "Paperless statements are on: new statements "
		    "come only here." : "Paperless statements are off: "
		    "statements also come by mail.");
	else if (status == 412)
		app_say(app, "Your account was changed somewhere else since "
		    "this was loaded, so nothing was changed. Here it is now.");
	else
		app_say(app, cause ? cause : "Nothing was changed.");
	fhir_result_free(&res);
	free(cause);
	return rc == 0 || status == 412 ? APP_REFETCH : APP_REDRAW;
}

static int
billing_action(struct app *app, void *state, enum action a,
    const struct view_row *r)
{
	struct billing	*s = state;
	int		 kind = r->id / 10000;
	size_t		 i = (size_t)(r->id % 10000);

	switch (kind) {
	case BILLING_PAPERLESS:
		return i < s->nacct ? billing_paperless(app, s, i) : 0;
	case BILLING_PLAN:
		return i < s->nacct ? app_push(app, &screen_plan,
		    xstrdup(s->accts[i].id)) : 0;
	case BILLING_BILL:
		return i < s->nbills ? app_push(app, &screen_bill,
		    xstrdup(s->bills[i].id)) : 0;
	case BILLING_STATEMENT:
		return i < s->ndocs ? attachment_save(app, &s->docs[i]) : 0;
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
	.name = "billing",
	.title = "Billing",
	.loading = "Loading your bills...",
	.open = billing_open,
	.fetch = billing_fetch,
	.view = billing_view,
	.action = billing_action,
	.close = billing_close,
};
