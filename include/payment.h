/*
 * Paying a bill (Invoice/<id>/$pay) with a card or an HSA card, as a
 * form any screen can show: the card number, expiry and code masked and
 * checked before anything is sent; the amount and the last four digits
 * confirmed before anything is charged; one idempotency key per card
 * confirmed, so a retry after a lost answer finds the first payment; the
 * number wiped after. Used by eCheck-in's copay step and by billing.
 */
#ifndef CHARTTY_PAYMENT_H
#define CHARTTY_PAYMENT_H

#include "card.h"
#include "view.h"

struct fhir;

/* The row ids a payment form uses (a screen keeps its own apart). */
enum {
	PAYMENT_CONTINUE = 1,	/* check the card, then confirm */
	PAYMENT_PAY = 3,	/* charge, after the confirmation */
	PAYMENT_CHANGE = 4,	/* another card */
	PAYMENT_FIELD = 100	/* fields: PAYMENT_FIELD + 0 to 3 */
};

struct payment {
	struct field	 method, card, expiry, cvc;
	int		 confirming;	/* the amount and card are shown */
	int		 refused;	/* the last try was declined or refused */
	int		 unanswered;	/* the last Pay got no answer */
	char		 digits[CARD_DIGITS_MAX + 1];
	char		 exp_sent[CARD_EXPIRY_LEN + 1];
	char		 last4[5];
	char		*key;		/* one per card confirmed */
	char		*receipt;	/* after a payment: what to say */
};

void	 payment_init(struct payment *);
/*
 * The form for paying amount: the card's fields and "Continue to
 * confirm"; or the confirmation with Pay and Change the card; or, once
 * paid, the receipt alone (the screen adds its own way on).
 */
void	 payment_view(struct payment *, struct view *, double amount);
/*
 * Act on row id for paying amount on invoice ("Invoice/<id>"): 0 when
 * paid (*cause: the receipt); 1 when the form stays (the confirmation to
 * read, another card); -1 with *cause. A refusal (declined, or the
 * amount no longer due) forgets the card and sets refused; no answer
 * keeps it, so that Pay can be pressed again safely.
 */
int	 payment_submit(struct payment *, struct fhir *, const char *invoice,
	     double amount, int id, char **cause);
/* Forget the card: number, expiry, code, and its key. */
void	 payment_wipe(struct payment *);
void	 payment_free(struct payment *);

#endif
