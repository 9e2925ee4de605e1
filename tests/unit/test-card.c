/* Unit tests of the card checks made before a payment is sent. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card.h"
#include "tap.h"
#include "util.h"

/* 15 June 2026, noon local time. */
static time_t
june_2026(void)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 5;
	tm.tm_mday = 15;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

static char	exp_sent[CARD_EXPIRY_LEN + 1];

/* card_check's cause for these entries, or "ok" (static). */
static const char *
check(const char *number, const char *expiry, const char *cvc,
    char *digits)
{
	static char	 out[256];
	char		*cause = NULL;

	if (card_check(number, expiry, cvc, june_2026(), digits, exp_sent,
	    &cause) == 0)
		return "ok";
	strlcpy_c(out, cause ? cause : "(no cause)", sizeof out);
	free(cause);
	return out;
}

int
main(void)
{
	char	d[CARD_DIGITS_MAX + 1];

	ok(card_luhn("4242424242424242"), "a Visa test number passes Luhn");
	ok(card_luhn("79927398713"), "the textbook Luhn number passes");
	ok(!card_luhn("4242424242424241"), "one digit off fails");
	ok(!card_luhn("79927398710"), "a wrong check digit fails");
	ok(!card_luhn("4242x42424242424"), "a letter fails");
	ok(!card_luhn(""), "nothing fails");

	is(check("4242 4242 4242 4242", "12/30", "123", d), "ok",
	    "spaces are allowed");
	is(d, "4242424242424242", "and the digits are kept without them");
	is(exp_sent, "12/30", "the expiry as sent");
	is(check("4242-4242-4242-4242", " 06/2026 ", "1234", d), "ok",
	    "dashes, a four-digit year, this month, a 4-digit code");
	is(exp_sent, "06/26", "a four-digit year is sent as two");
	like(check("4242424242424242", "8/29", "123", d), "MM/YY",
	    "a one-digit month is not as on the card");
	like(check("4242424242424242", "08/ 29", "123", d), "MM/YY",
	    "nor a space inside");
	like(check("4242424242424242", "08/029", "123", d), "MM/YY",
	    "nor a three-digit year");
	is(check("4000 0000 0000 0002", "01/27", "999", d), "ok",
	    "a card the bank will decline is still well formed");
	like(check("4242 4242 4242 4241", "12/30", "123", d), "not valid",
	    "a typo in the number is caught before sending");
	is(d, "", "and the digits are wiped");
	like(check("4242", "12/30", "123", d), "not valid",
	    "too short is not valid");
	like(check("4242 4242 4242 4242 4242", "12/30", "123", d),
	    "not valid", "more than 19 digits is not valid");
	like(check("4242 4242 4242 424a", "12/30", "123", d), "not valid",
	    "a letter is not valid");
	like(check("4242424242424242", "05/26", "123", d), "expired",
	    "last month has expired");
	like(check("4242424242424242", "13/30", "123", d), "MM/YY",
	    "month 13 is not an expiry");
	like(check("4242424242424242", "1230", "123", d), "MM/YY",
	    "no slash is explained");
	like(check("4242424242424242", "12/30 x", "123", d), "MM/YY",
	    "trailing text is not an expiry");
	like(check("4242424242424242", "12/30", "12", d), "3 or 4 digits",
	    "a 2-digit code");
	like(check("4242424242424242", "12/30", "12a", d), "3 or 4 digits",
	    "a letter in the code");
	like(check("4242424242424242", "12/30", "12345", d), "3 or 4 digits",
	    "a 5-digit code");
	return done_testing();
}
