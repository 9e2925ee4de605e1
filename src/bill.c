/* Bills and accounts for the billing screens (include/bill.h). */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bill.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "util.h"

/* Money.value of j, or 0 (amounts missing from a bill count as none). */
static double
bill_value(const struct json *money)
{
	double	v;

	/* A hundred billion dollars or more is not a bill: malformed. */
	if (json_num(json_get(money, "value"), &v) != 0 || !isfinite(v) ||
	    fabs(v) >= 1e11)
		return 0;
	return v;
}

/* Round to cents, so sums of many amounts stay exact to the cent. */
static double
bill_cents(double v)
{
	return round(v * 100) / 100;
}

int
bill_parse(struct arena *a, const struct json *j, struct bill *b)
{
	const struct json	*li, *pc;
	struct bill_line	*l;
	const char		*t;
	double			 v;
	size_t			 i, k, n;

	memset(b, 0, sizeof *b);
	if ((t = json_gets(j, "resourceType")) == NULL ||
	    strcmp(t, "Invoice") != 0)
		return -1;
	b->id = model_str(a, j, "id");
	b->status = model_str(a, j, "status");
	fhir_time_parse(json_gets(j, "date"), &b->date);
	b->visit = model_concept(a, json_get(j, "type"));
	b->account = model_str(a, json_get(j, "account"), "reference");
	n = json_size(json_get(j, "lineItem"));
	b->lines = arena_alloc(a, (n + 1) * sizeof *b->lines);
	for (i = 0; i < n; i++) {
		li = json_at(json_get(j, "lineItem"), i);
		l = &b->lines[b->nlines++];
		l->text = model_concept(a, json_get(li,
		    "chargeItemCodeableConcept"));
		for (k = 0; k < json_size(json_get(li, "priceComponent"));
		    k++) {
			pc = json_at(json_get(li, "priceComponent"), k);
			v = bill_value(json_get(pc, "amount"));
			if ((t = json_gets(pc, "type")) == NULL)
				continue;
			if (strcmp(t, "base") == 0)
				l->billed += v;
			else if (strcmp(t, "deduction") == 0)
				l->insurance += v;
			else if (strcmp(t, "discount") == 0)
				l->adjustment += v;
		}
		b->insurance = bill_cents(b->insurance + l->insurance);
		b->adjustments = bill_cents(b->adjustments + l->adjustment);
	}
	if (json_get(j, "totalGross") != NULL)
		b->billed = bill_cents(bill_value(json_get(j, "totalGross")));
	else {
		for (i = 0; i < b->nlines; i++)
			b->billed = bill_cents(b->billed + b->lines[i].billed);
	}
	b->share = json_get(j, "totalNet") ? bill_cents(bill_value(
	    json_get(j, "totalNet"))) : bill_cents(b->billed - b->insurance -
	    b->adjustments);
	b->due = bill_cents(bill_value(model_extension(j,
	    "urn:chartty:balance-due")));
	if (b->due < 0)
		b->due = 0;
	b->paid = bill_cents(b->share - b->due);
	if (b->paid < 0)
		b->paid = 0;
	return 0;
}

int
bill_account_parse(struct arena *a, const struct json *j,
    struct bill_account *acct)
{
	const struct json	*plan, *e;
	const char		*t, *u;
	long long		 n;
	size_t			 i;

	memset(acct, 0, sizeof *acct);
	if ((t = json_gets(j, "resourceType")) == NULL ||
	    strcmp(t, "Account") != 0)
		return -1;
	acct->id = model_str(a, j, "id");
	acct->etag = model_etag(a, j);
	acct->name = model_str(a, j, "name");
	acct->paperless = json_bool(model_extension(j, "urn:chartty:paperless"));
	plan = model_extension_obj(j, "urn:chartty:payment-plan");
	for (i = 0; plan != NULL && i < json_size(json_get(plan,
	    "extension")); i++) {
		e = json_at(json_get(plan, "extension"), i);
		if ((u = json_gets(e, "url")) == NULL)
			continue;
		if (strcmp(u, "monthly-amount") == 0) {
			acct->plan_monthly = bill_cents(bill_value(json_get(e,
			    "valueMoney")));
			acct->has_plan = acct->plan_monthly > 0;
		} else if (strcmp(u, "months-left") == 0 &&
		    json_int(json_get(e, "valueInteger"), 0, 1000, &n) == 0)
			acct->plan_months = (long)n;
		else if (strcmp(u, "next-due") == 0)
			fhir_time_parse(json_gets(e, "valueDate"),
			    &acct->plan_next);
	}
	return 0;
}

char *
bill_money(struct arena *a, double v)
{
	char		 digits[64], out[96];
	long long	 c;

	if (!isfinite(v) || fabs(v) >= 1e11)
		v = 0;			/* never from bill_parse */
	c = llround(fabs(v) * 100);
	size_t		 n, i, o = 0;

	snprintf(digits, sizeof digits, "%lld", c / 100);
	n = strlen(digits);
	if (v < 0 && c > 0)
		out[o++] = '-';
	out[o++] = '$';
	for (i = 0; i < n; i++) {
		out[o++] = digits[i];
		if ((n - i - 1) % 3 == 0 && i + 1 < n)
			out[o++] = ',';
	}
	snprintf(out + o, sizeof out - o, ".%02lld", c % 100);
	return arena_strdup(a, out);
}

int
bill_amount_parse(const char *s, double *out)
{
	char	buf[32];
	size_t	n = 0, decimals = 0;
	int	dot = 0, digits = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '$')
		s++;
	for (; *s != '\0' && !isspace((unsigned char)*s); s++) {
		if (*s == ',' && !dot)
			continue;
		if (*s == '.' && !dot)
			dot = 1;
		else if (isdigit((unsigned char)*s)) {
			digits++;
			if (dot && ++decimals > 2)
				return -1;
			if (!dot && digits > 9)
				return -1;	/* a billion dollars or more */
		} else
			return -1;
		if (n + 1 >= sizeof buf)
			return -1;
		buf[n++] = *s;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s != '\0' || digits == 0)
		return -1;
	buf[n] = '\0';
	*out = bill_cents(strtod(buf, NULL));
	return 0;
}

/* Read Invoice/<id> into b (in a new arena *a); 0, or -1 with *cause. */
int
bill_read(struct fhir *f, const char *id, struct arena **a,
    struct bill *b, char **cause)
{
	struct fhir_result	 res;
	char			*path;
	int			 rc = -1;

	path = fhir_path("Invoice", id, NULL);
	if (fhir_read(f, path, NULL, &res, cause) == 0) {
		*a = arena_create();
		if (bill_parse(*a, res.body, b) == 0)
			rc = 0;
		else {
			arena_free(*a);
			*a = NULL;
			*cause = xstrdup("That bill could not be read.");
		}
	}
	free(path);
	fhir_result_free(&res);
	return rc;
}


int
bill_account_owed(struct fhir *f, const char *id, const char *patient,
    struct arena *a, struct bill_account *acct, double *owed, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b;
	struct bill		 bill;
	char			*urls[2], *ref;
	long			 status;
	size_t			 i;

	urls[0] = fhir_path("Account", id, NULL);
	urls[1] = fhir_query("Invoice?_count=200", "subject", patient, NULL);
	if (fhir_batch_take(f, urls, 2, &res, cause) != 0)
		return -1;
	if ((b = fhir_batch_entry(res.body, 0, &status, cause)) == NULL) {
		fhir_result_free(&res);
		return -1;
	}
	bill_account_parse(a, b, acct);
	b = fhir_batch_entry(res.body, 1, &status, NULL);
	ref = fhir_ref("Account", id);
	for (i = 0, *owed = 0; i < fhir_bundle_count(b); i++) {
		if (bill_parse(a, fhir_bundle_resource(b, i), &bill) == 0 &&
		    bill.account && strcmp(bill.account, ref) == 0)
			*owed += bill.due;
	}
	free(ref);
	fhir_result_free(&res);
	return 0;
}

int
bill_plan(struct fhir *f, const char *id, double monthly, struct arena *a,
    struct bill_account *acct, char **cause)
{
	struct fhir_result	 res;
	struct json		*p, *e, *m;
	char			*path;
	int			 rc;

	p = json_new_object();
	json_add_str(p, "resourceType", "Parameters");
	e = json_add_object(json_add_array(p, "parameter"), NULL);
	json_add_str(e, "name", "monthly-amount");
	m = json_add_object(e, "valueMoney");
	json_add_num(m, "value", monthly);
	json_add_str(m, "currency", "USD");
	path = fhir_path("Account", id, "$payment-plan");
	rc = fhir_operation(f, path, p, &res, cause);
	free(path);
	json_free(p);
	memset(acct, 0, sizeof *acct);
	if (rc == 0)
		bill_account_parse(a, res.body, acct);
	fhir_result_free(&res);
	return rc;
}

void
bill_summary_clear(struct bill_summary *s)
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
bill_coverage(struct arena *a, const struct json *c)
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
bill_entry(struct bill_summary *s, const struct json *body, size_t i)
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

int
bill_summary_load(struct fhir *f, const char *patient,
    struct bill_summary *s, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b, *r, *att;
	char			*urls[4];
	size_t			 i, n;

	urls[0] = fhir_query("Account", "patient", patient,
	    "_count", FHIR_NUM(BILL_MAX), NULL);
	urls[1] = fhir_query("Invoice", "subject", patient,
	    "_sort", "-date", "_count", FHIR_NUM(BILL_MAX), NULL);
	urls[2] = fhir_query("Coverage", "beneficiary", patient,
	    "status", "active", NULL);
	urls[3] = fhir_query("DocumentReference", "patient",
	    patient, "type", "statement", "_sort", "-date",
	    "_count", "12", NULL);
	if (fhir_batch_take(f, urls, 4, &res, cause) != 0)
		return -1;
	s->a = arena_create();
	b = bill_entry(s, res.body, 0);
	n = fhir_bundle_count(b);
	s->accts = arena_alloc(s->a, (n + 1) * sizeof *s->accts);
	s->acct_json = arena_alloc(s->a, (n + 1) * sizeof *s->acct_json);
	for (i = 0; i < n && i < BILL_MAX; i++) {
		r = fhir_bundle_resource(b, i);
		if (bill_account_parse(s->a, r, &s->accts[s->nacct]) == 0 &&
		    s->accts[s->nacct].id != NULL)
			s->acct_json[s->nacct++] = json_dup(r);
	}
	b = bill_entry(s, res.body, 1);
	n = fhir_bundle_count(b);
	s->total_bills = fhir_bundle_total(b);
	s->bills = arena_alloc(s->a, (n + 1) * sizeof *s->bills);
	for (i = 0; i < n && i < BILL_MAX; i++) {
		if (bill_parse(s->a, fhir_bundle_resource(b, i),
		    &s->bills[s->nbills]) == 0 && s->bills[s->nbills].id)
			s->nbills++;
	}
	b = bill_entry(s, res.body, 2);
	n = fhir_bundle_count(b);
	s->cov = arena_alloc(s->a, (n + 1) * sizeof *s->cov);
	for (i = 0; i < n && i < BILL_MAX; i++) {
		if ((r = fhir_bundle_resource(b, i)) != NULL)
			s->cov[s->ncov++] = bill_coverage(s->a, r);
	}
	b = bill_entry(s, res.body, 3);
	n = fhir_bundle_count(b);
	s->docs = arena_alloc(s->a, (n + 1) * sizeof *s->docs);
	s->doc_dates = arena_alloc(s->a, (n + 1) * sizeof *s->doc_dates);
	for (i = 0; i < n && i < BILL_MAX; i++) {
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

int
bill_paperless(struct fhir *f, const struct bill_summary *s, size_t i, int on,
    long *status, char **cause)
{
	struct fhir_result	 res;
	struct json		*body, *e;
	char			*path;
	int			 rc;

	*status = 0;
	if (i >= s->nacct || s->accts[i].etag == NULL) {
		*cause = xstrdup("This account has no version, so it cannot be "
		    "changed safely online. Please call the billing office.");
		return -1;
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
	rc = fhir_update(f, path, body, s->accts[i].etag,
	    &res, cause);
	free(path);
	json_free(body);
	*status = res.status;
	fhir_result_free(&res);
	return rc;
}
