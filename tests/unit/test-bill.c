/* Unit tests of bills as shown: the sums, accounts, money, amounts. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bill.h"
#include "json.h"
#include "tap.h"
#include "util.h"

static const char invoice[] =
	"{\"resourceType\":\"Invoice\",\"id\":\"i1\",\"status\":\"issued\","
	"\"date\":\"2026-10-17T09:00:00Z\",\"type\":{\"text\":\"Lab work\"},"
	"\"account\":{\"reference\":\"Account/a1\"},\"lineItem\":["
	"{\"chargeItemCodeableConcept\":{\"text\":\"CBC\"},\"priceComponent\":"
	"[{\"type\":\"base\",\"amount\":{\"value\":45}},{\"type\":\"deduction\","
	"\"amount\":{\"value\":30}}]},{\"chargeItemCodeableConcept\":{\"text\":"
	"\"Metabolic\\u0007 panel\"},\"priceComponent\":[{\"type\":\"base\","
	"\"amount\":{\"value\":60.1}},{\"type\":\"deduction\",\"amount\":"
	"{\"value\":40.05}},{\"type\":\"discount\",\"amount\":{\"value\":5.05}},"
	"{\"type\":\"tax\",\"amount\":{\"value\":1}},{\"amount\":{\"value\":9}}"
	"]}],\"totalGross\":{\"value\":105.1},\"totalNet\":{\"value\":30},"
	"\"extension\":[{\"url\":\"urn:chartty:balance-due\",\"valueMoney\":"
	"{\"value\":20,\"currency\":\"USD\"}}]}";

static const char bare[] =
	"{\"resourceType\":\"Invoice\",\"id\":\"i2\",\"lineItem\":[{"
	"\"priceComponent\":[{\"type\":\"base\",\"amount\":{\"value\":\"x\"}},"
	"{\"type\":\"base\",\"amount\":{\"value\":80}},{\"type\":\"deduction\","
	"\"amount\":{\"value\":50}}]}],\"extension\":[{\"url\":"
	"\"urn:chartty:balance-due\",\"valueMoney\":{\"value\":-3}}]}";

static const char account[] =
	"{\"resourceType\":\"Account\",\"id\":\"a1\",\"meta\":{\"versionId\":"
	"\"7\"},\"name\":\"Guarantor\",\"extension\":[{\"url\":"
	"\"urn:chartty:paperless\",\"valueBoolean\":true},{\"url\":"
	"\"urn:chartty:payment-plan\",\"extension\":[{\"url\":"
	"\"monthly-amount\",\"valueMoney\":{\"value\":10}},{\"url\":"
	"\"months-left\",\"valueInteger\":3},{\"url\":\"next-due\","
	"\"valueDate\":\"2026-12-13\"}]}]}";

static struct json *
parse(const char *s)
{
	char	*cause = NULL;

	return json_parse(s, strlen(s), &cause);
}

int
main(void)
{
	struct arena		*a = arena_create();
	struct json		*j;
	struct bill		 b;
	struct bill_account	 ac;
	double			 v;

	j = parse(invoice);
	ok(bill_parse(a, j, &b) == 0, "an invoice is a bill");
	is(b.visit, "Lab work", "the visit");
	is(b.account, "Account/a1", "its account");
	ok(b.nlines == 2, "two charges");
	ok(b.billed == 105.1 && b.insurance == 70.05 && b.adjustments ==
	    5.05, "billed, insurance and adjustments summed to the cent "
	    "(%.2f, %.2f, %.2f)", b.billed, b.insurance, b.adjustments);
	ok(b.share == 30 && b.due == 20 && b.paid == 10,
	    "share, due, and paid = share - due");
	ok(b.lines[1].billed == 60.1 && b.lines[1].adjustment == 5.05,
	    "a charge's own amounts; other components are left out");
	ok(b.lines[1].text && !strchr(b.lines[1].text, '\a'),
	    "charge text is sanitized");
	json_free(j);
	j = parse(bare);
	ok(bill_parse(a, j, &b) == 0 && b.billed == 80 && b.share == 30 &&
	    b.due == 0 && b.paid == 30, "without totals: billed from the "
	    "charges, share = billed - insurance, a negative due is none");
	ok(b.visit == NULL && b.nlines == 1, "no visit named");
	json_free(j);
	j = parse(account);
	ok(bill_parse(a, j, &b) == -1, "an account is not a bill");
	ok(bill_account_parse(a, j, &ac) == 0, "an account");
	is(ac.etag, "W/\"7\"", "its ETag");
	ok(ac.paperless == 1 && ac.has_plan && ac.plan_monthly == 10 &&
	    ac.plan_months == 3 && ac.plan_next.day == 13,
	    "paperless, and the plan");
	json_free(j);

	is(bill_money(a, 0), "$0.00", "no money");
	is(bill_money(a, 1234.5), "$1,234.50", "thousands");
	is(bill_money(a, 1234567.891), "$1,234,567.89", "millions");
	is(bill_money(a, 0.005), "$0.01", "half a cent rounds up");
	is(bill_money(a, -25), "-$25.00", "a credit");
	ok(bill_amount_parse("50", &v) == 0 && v == 50, "50");
	ok(bill_amount_parse(" $1,234.5 ", &v) == 0 && v == 1234.5,
	    "$1,234.5 with spaces");
	ok(bill_amount_parse("12.05", &v) == 0 && v == 12.05, "12.05");
	ok(bill_amount_parse(".5", &v) == 0 && v == 0.5, ".5");
	ok(bill_amount_parse("12.345", &v) == -1, "three decimals");
	ok(bill_amount_parse("-5", &v) == -1, "negative");
	ok(bill_amount_parse("5e3", &v) == -1, "an exponent");
	ok(bill_amount_parse("1.2.3", &v) == -1, "two dots");
	ok(bill_amount_parse("", &v) == -1 && bill_amount_parse("$", &v) ==
	    -1 && bill_amount_parse(".", &v) == -1, "nothing");
	ok(bill_amount_parse("5 0", &v) == -1, "a space inside");
	ok(bill_amount_parse("99999999999999999999999999999", &v) == -1,
	    "too long");
	arena_free(a);
	return done_testing();
}
