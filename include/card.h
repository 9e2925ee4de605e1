/*
 * Payment cards as typed: the checks made before anything is sent (the
 * Luhn digit, an expiry in the future, the security code), and the last
 * four digits that are all chartty ever shows or keeps of a number.
 */
#ifndef CHARTTY_CARD_H
#define CHARTTY_CARD_H

#include <time.h>

#define CARD_DIGITS_MAX	19

/* Non-zero when the digits pass the Luhn check. */
int	 card_luhn(const char *digits);
/*
 * Check what was typed, at time now: the number (spaces and dashes
 * allowed), the expiry ("MM/YY" or "MM/YYYY", spaces around) and the
 * security code. 0 with the digits in digits[CARD_DIGITS_MAX + 1] and
 * the expiry as sent, "MM/YY", in expiry_out[CARD_EXPIRY_LEN + 1]; or -1
 * with *cause saying which entry is wrong and how (a sentence, caller
 * frees). The caller wipes digits.
 */
#define CARD_EXPIRY_LEN	5
int	 card_check(const char *number, const char *expiry, const char *cvc,
	     time_t now, char *digits, char *expiry_out, char **cause);

#endif
