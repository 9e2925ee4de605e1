/*
 * eCheck-in as steps that stand alone: contact details, insurance, the
 * visit's questions, the consent signed by typing one's name, the copay,
 * then the check-in itself. Each step describes itself as view rows and
 * sends what it needs; the patient's screen and the kiosk drive the same
 * steps. What was typed stays in the steps whatever fails (except a
 * card the bank refused, and details someone else changed meanwhile:
 * those are shown as they are now, never overwritten), and what was
 * sent (answers, consent, payment) is found again when eCheck-in is
 * opened later.
 */
#ifndef CHARTTY_CHECKIN_H
#define CHARTTY_CHECKIN_H

#include <stddef.h>

#include "card.h"
#include "contact.h"
#include "payment.h"
#include "questionnaire.h"
#include "view.h"
#include "visit.h"

struct arena;
struct fhir;
struct json;

enum checkin_step {
	CHECKIN_CONTACT,
	CHECKIN_COVERAGE,
	CHECKIN_QUESTIONS,
	CHECKIN_CONSENT,
	CHECKIN_COPAY,
	CHECKIN_FINISH,
	CHECKIN_NSTEPS
};

/* The row ids the steps use; a driving screen keeps its own apart. */
enum {
	CHECKIN_NEXT = PAYMENT_CONTINUE,	/* the step's main button */
	CHECKIN_SAVE = 2,	/* questions: keep the answers for later */
	CHECKIN_FIELD = PAYMENT_FIELD	/* fields: CHECKIN_FIELD + n */
};

struct checkin {
	struct arena		*a;
	char			*patient;	/* "maria-lopez" */
	char			*appt_id;
	struct visit		 visit;
	int			 done[CHECKIN_NSTEPS];
	int			 checked_in;
	int			 at_kiosk;	/* no "finish later" */

	/* Contact details: the Patient as loaded, and as typed. */
	struct contact		 contact;

	/* Insurance: the active Coverage, or none. */
	struct json		*cov;
	char			*cov_etag;
	const char		*payer, *plan, *group;
	struct field		 member;

	/* Questions: the form, the answers kept for later, the fields. */
	struct json		*form;
	struct questionnaire	 q;
	char			*resp_id, *resp_etag;
	char			*resp_key, *resp_sent;
	char			*saved_answers;	/* as typed when last sent */

	/* Consent. */
	struct field		 signature;
	char			*consent_key, *consent_sent;

	/* Copay: what is due on the copay's invoice, and its payment. */
	char			*invoice;	/* "Invoice/<id>" */
	double			 due;
	struct payment		 pay;
};

/*
 * Load what eCheck-in for visit appt_id of patient needs (two batch
 * requests), and which steps were done before. 0, or -1 with *cause.
 */
int	 checkin_load(struct checkin *, struct fhir *, const char *patient,
	     const char *appt_id, char **cause);
void	 checkin_free(struct checkin *);
/* Does this visit need step? (no insurance, questions or copay: no.) */
int	 checkin_needed(const struct checkin *, enum checkin_step);
/* The step's name for people: "Insurance". */
const char *checkin_step_name(enum checkin_step);
/* The first step needed and not done (FINISH when all are). */
enum checkin_step checkin_first(const struct checkin *);
/* The next (dir 1) or previous (-1) needed step from step, or -1. */
int	 checkin_move(const struct checkin *, enum checkin_step, int dir);
/* Describe step as rows of v (fields are the checkin's own). */
void	 checkin_view(struct checkin *, enum checkin_step, struct view *);
/*
 * Act on row id of step: check what was typed and send it. 0 when the
 * step is done (*cause may hold something to say: a receipt); 1 when it
 * stays, maybe with something to say in *cause (saved for later, a
 * confirmation to read); -1 with *cause when it failed (everything typed
 * is kept, but a card the bank refused).
 */
int	 checkin_submit(struct checkin *, struct fhir *, enum checkin_step,
	     int id, char **cause);
/* Which needed step step is (*k, 1-based) of how many (*n). */
void	 checkin_position(const struct checkin *, enum checkin_step,
	     int *k, int *n);
/* The step to show after checkin_submit() answered rc for step: the
 * next needed one when it was done, else the same. */
enum checkin_step checkin_after(const struct checkin *, enum checkin_step,
	     int rc);
/* Non-zero when answers are typed that were not sent or saved. */
int	 checkin_unsaved(const struct checkin *);

#endif
