/* Paying a bill with a card (include/payment.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "card.h"
#include "crypto.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "payment.h"
#include "sanitize.h"
#include "util.h"
#include "view.h"

static const char *const payment_methods[] = { "Credit or debit card",
	"HSA card" };

void
payment_init(struct payment *p)
{
	memset(p, 0, sizeof *p);
	field_options(&p->method, payment_methods, 2, 0);
}

void
payment_wipe(struct payment *p)
{
	field_clear(&p->card);
	field_clear(&p->expiry);
	field_clear(&p->cvc);
	secure_wipe(p->digits, sizeof p->digits);
	secure_wipe(p->exp_sent, sizeof p->exp_sent);
	p->confirming = 0;
	p->unanswered = 0;
	free(p->key);		/* another card is another payment */
	p->key = NULL;
}

void
payment_free(struct payment *p)
{
	payment_wipe(p);
	free(p->receipt);
	memset(p, 0, sizeof *p);
}

static const char *
payment_card_word(const struct payment *p)
{
	return p->method.choice == 1 ? "HSA card" : "card";
}

void
payment_view(struct payment *p, struct view *v, double amount)
{
	if (p->receipt != NULL) {
		view_text(v, p->receipt);
		return;
	}
	if (p->confirming && p->unanswered) {
		view_text(v, view_printf(v, "Paying $%.2f with the %s ending %s "
		    "got no answer: it may have gone through. Press Pay again "
		    "to find out; you will not be charged twice.", amount,
		    payment_card_word(p), p->last4));
		view_button(v, PAYMENT_PAY, view_printf(v, "Pay $%.2f", amount));
		return;
	}
	if (p->confirming) {
		view_text(v, view_printf(v, "Pay $%.2f now with the %s ending "
		    "%s? Nothing has been charged yet.", amount,
		    payment_card_word(p), p->last4));
		view_button(v, PAYMENT_PAY, view_printf(v, "Pay $%.2f", amount));
		view_button(v, PAYMENT_CHANGE, "Change the card");
		return;
	}
	view_text(v, "The card number is sent once over a secure connection "
	    "and never kept.");
	view_field(v, PAYMENT_FIELD + 0, "Pay with", &p->method, 0);
	view_field(v, PAYMENT_FIELD + 1, "Card number", &p->card, ROW_SECRET);
	view_field(v, PAYMENT_FIELD + 2, "Expiry (MM/YY)", &p->expiry, 0);
	view_field(v, PAYMENT_FIELD + 3, "Security code", &p->cvc,
	    ROW_SECRET);
	view_button(v, PAYMENT_CONTINUE, "Continue to confirm");
}

/* The $pay Parameters for the confirmed card (a new root; wipe it). */
static struct json *
payment_params(const struct payment *p, double amount)
{
	struct json	*j, *arr, *e, *m;

	j = json_new_object();
	json_add_str(j, "resourceType", "Parameters");
	arr = json_add_array(j, "parameter");
	e = json_add_object(arr, NULL);
	json_add_str(e, "name", "amount");
	m = json_add_object(e, "valueMoney");
	json_add_num(m, "value", amount);
	json_add_str(m, "currency", "USD");
	e = json_add_object(arr, NULL);
	json_add_str(e, "name", "method");
	json_add_str(e, "valueCode", p->method.choice == 1 ? "hsa" : "card");
	e = json_add_object(arr, NULL);
	json_add_str(e, "name", "card-number");
	json_add_str(e, "valueString", p->digits);
	e = json_add_object(arr, NULL);
	json_add_str(e, "name", "card-expiry");
	json_add_str(e, "valueString", p->exp_sent);
	e = json_add_object(arr, NULL);
	json_add_str(e, "name", "card-cvc");
	json_add_str(e, "valueString", p->cvc.text);
	e = json_add_object(arr, NULL);
	json_add_str(e, "name", "idempotency-key");
	json_add_str(e, "valueString", p->key);
	return j;
}

/* The receipt number a PaymentNotice carries, or NULL (borrowed). */
static const char *
payment_receipt_no(const struct json *notice)
{
	const struct json	*x;
	size_t			 i;

	for (i = 0; i < json_size(json_get(notice, "identifier")); i++) {
		x = json_at(json_get(notice, "identifier"), i);
		if (json_gets(x, "system") && strcmp(json_gets(x, "system"),
		    "urn:chartty:receipt") == 0)
			return json_gets(x, "value");
	}
	return NULL;
}

int
payment_submit(struct payment *p, struct fhir *f, const char *invoice,
    double amount, int id, char **cause)
{
	struct fhir_result	 res;
	struct json		*j;
	const char		*no;
	char			*what, *path, *clean;
	int			 rc;

	*cause = NULL;
	p->refused = 0;
	if (p->receipt != NULL)
		return 0;
	if (id == PAYMENT_CHANGE) {
		if (p->unanswered) {
			/* It may have gone through: find out with this key. */
			*cause = xstrdup("The last try got no answer, so it may "
			    "have gone through. Press Pay again to find out: "
			    "you will not be charged twice.");
			return 1;
		}
		payment_wipe(p);
		return 1;
	}
	if (!p->confirming) {
		/* Checked here, before anything is sent or charged. */
		if (card_check(p->card.text, p->expiry.text, p->cvc.text,
		    time(NULL), p->digits, p->exp_sent, cause) != 0)
			return -1;
		memcpy(p->last4, p->digits + strlen(p->digits) - 4, 5);
		field_clear(&p->card);	/* only the checked digits stay */
		p->confirming = 1;
		return 1;
	}
	if (id != PAYMENT_PAY)
		return 1;
	/* One key per card confirmed: pressing Pay again after a lost
	 * answer finds the first payment, never a second charge. */
	if (p->key == NULL)
		p->key = crypto_uuid();
	j = payment_params(p, amount);
	path = xasprintf("%s/$pay", invoice);
	rc = fhir_operation(f, path, j, &res, cause);
	free(path);
	json_free_secret(j);
	p->unanswered = 0;
	if (rc == 0) {
		no = payment_receipt_no(res.body);
		clean = no ? sanitize_str(no, 0) : NULL;
		p->receipt = xasprintf("Paid $%.2f with the %s ending "
		    "%s.%s%s%s", amount, payment_card_word(p), p->last4,
		    clean ? " Receipt " : "", clean ? clean : "", clean ? "." :
		    "");
		free(clean);
		payment_wipe(p);
		*cause = xstrdup(p->receipt);
	} else if (res.status == 402 || res.status == 400) {
		/* Declined or refused: the card is forgotten. */
		payment_wipe(p);
		p->refused = 1;
	} else if (res.status >= 400 && res.status < 500) {
		p->confirming = 1;	/* kept: pressing Pay again is safe */
	} else {
		/* No answer: keep the checked card for a retry that finds
		 * the first payment, if there was one. */
		p->unanswered = 1;
		what = *cause;
		*cause = xasprintf("%s You can try again: you will not be "
		    "charged twice.", what ? what : "The payment did not go "
		    "through.");
		free(what);
	}
	fhir_result_free(&res);
	return rc;
}
