/* Payment cards as typed (include/card.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "card.h"
#include "util.h"

int
card_luhn(const char *digits)
{
	size_t	n = strlen(digits), i;
	int	sum = 0, d;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)digits[n - 1 - i]))
			return 0;
		d = digits[n - 1 - i] - '0';
		if (i % 2 == 1 && (d *= 2) > 9)
			d -= 9;
		sum += d;
	}
	return n > 0 && sum % 10 == 0;
}

/* The digits of a number typed with spaces or dashes; 0 or -1. */
static int
card_digits(const char *s, char *out)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if (!isdigit((unsigned char)*s) || n == CARD_DIGITS_MAX)
			return -1;
		out[n++] = *s;
	}
	out[n] = '\0';
	return n >= 12 ? 0 : -1;
}

/* "MM/YY" or "MM/YYYY": 0 and the month and year, or -1. */
static int
card_expiry(const char *s, int *month, int *year)
{
	int	m, y, used = 0;

	while (*s == ' ')
		s++;
	/* Digits only: "8/29" and "08/ 29" are not what a card shows. */
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != '/' || sscanf(s, "%2d/%4d%n", &m, &y, &used) != 2 ||
	    m < 1 || m > 12 || (used != 5 && used != 7) ||
	    strspn(s + 3, "0123456789") != (size_t)used - 3)
		return -1;
	for (s += used; *s == ' '; s++)
		;
	if (*s != '\0')
		return -1;
	if (y < 100)
		y += 2000;
	if (y < 2000 || y > 2099)
		return -1;
	*month = m;
	*year = y;
	return 0;
}

int
card_check(const char *number, const char *expiry, const char *cvc,
    time_t now, char *digits, char *expiry_out, char **cause)
{
	struct tm	tm;
	int		month, year;
	size_t		n;

	if (card_digits(number, digits) != 0 || !card_luhn(digits)) {
		secure_wipe(digits, CARD_DIGITS_MAX + 1);
		*cause = xstrdup("That card number is not valid: check the "
		    "digits on the front of the card.");
		return -1;
	}
	if (card_expiry(expiry, &month, &year) != 0) {
		secure_wipe(digits, CARD_DIGITS_MAX + 1);
		*cause = xstrdup("Type the expiry date as MM/YY, as on the "
		    "card (for example 08/29).");
		return -1;
	}
	localtime_r(&now, &tm);
	if (year * 12 + month < (tm.tm_year + 1900) * 12 + tm.tm_mon + 1) {
		secure_wipe(digits, CARD_DIGITS_MAX + 1);
		*cause = xstrdup("That card has expired: use another card.");
		return -1;
	}
	n = strlen(cvc);
	if (n < 3 || n > 4 || strspn(cvc, "0123456789") != n) {
		secure_wipe(digits, CARD_DIGITS_MAX + 1);
		*cause = xstrdup("The security code is the 3 or 4 digits on "
		    "the card.");
		return -1;
	}
	expiry_out[0] = (char)('0' + month / 10);
	expiry_out[1] = (char)('0' + month % 10);
	expiry_out[2] = '/';
	expiry_out[3] = (char)('0' + year % 100 / 10);
	expiry_out[4] = (char)('0' + year % 10);
	expiry_out[5] = '\0';
	return 0;
}
