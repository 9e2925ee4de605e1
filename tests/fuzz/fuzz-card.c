/*
 * Payment cards as typed (src/card.c) and amounts (src/bill.c): the
 * input is the number, NUL, the expiry, NUL, the security code (also
 * read as an amount). A card accepted has 12 to 19 digits that pass the
 * Luhn check and an expiry sent as MM/YY; a refusal says why.
 */
#include "config.h"

#include <ctype.h>

#include "bill.h"
#include "card.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*parts[3], *buf, *cause = NULL;
	char	 digits[CARD_DIGITS_MAX + 1], expiry[CARD_EXPIRY_LEN + 1];
	double	 amount;
	size_t	 i, n;

	fuzz_parts(data, size, parts, 3, &buf);
	memset(expiry, 0, sizeof expiry);
	if (card_check(parts[0], parts[1], parts[2], FUZZ_NOW, digits, expiry,
	    &cause) == 0) {
		n = strlen(digits);
		FUZZ_CHECK(n >= 12 && n <= CARD_DIGITS_MAX, "a card number "
		    "of the wrong length");
		for (i = 0; i < n; i++)
			FUZZ_CHECK(isdigit((unsigned char)digits[i]), "a card "
			    "number with more than digits");
		FUZZ_CHECK(card_luhn(digits), "a card number failing Luhn");
		FUZZ_CHECK(strlen(expiry) == CARD_EXPIRY_LEN &&
		    expiry[2] == '/' && strspn(expiry, "0123456789/") ==
		    CARD_EXPIRY_LEN && ((expiry[0] == '0' && expiry[1] !=
		    '0') || (expiry[0] == '1' && expiry[1] <= '2')),
		    "an expiry that is not MM/YY");
		FUZZ_CHECK(cause == NULL, "accepted with a complaint");
	} else
		FUZZ_CHECK(cause != NULL, "refused without a word");
	free(cause);
	(void)card_luhn(parts[0]);
	if (bill_amount_parse(parts[2], &amount) == 0)
		FUZZ_CHECK(amount >= 0 && amount < 1e9, "an amount out of "
		    "range");
	free(buf);
	return 0;
}
