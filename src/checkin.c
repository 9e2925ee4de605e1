/* eCheck-in steps (include/checkin.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bill.h"
#include "card.h"
#include "checkin.h"
#include "contact.h"
#include "crypto.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "payment.h"
#include "sanitize.h"
#include "url.h"
#include "util.h"
#include "view.h"
#include "visit.h"

#define EXT_APPOINTMENT		"urn:chartty:appointment"
#define EXT_SIGNATURE		"urn:chartty:typed-signature"



/* A step's table row (below): its name, whether this visit needs it,
 * its view, its submit (0 done, 1 stays, -1 failed) and what it frees. */
struct checkin_step_ops {
	const char	*name;
	int		(*needed)(const struct checkin *);
	void		(*view)(struct checkin *, struct view *);
	int		(*submit)(struct checkin *, struct fhir *, int id,
			    char **cause);
	void		(*free)(struct checkin *);
};
static const struct checkin_step_ops checkin_steps[CHECKIN_NSTEPS];

const char *
checkin_step_name(enum checkin_step step)
{
	return step < CHECKIN_NSTEPS ? checkin_steps[step].name : "";
}

int
checkin_needed(const struct checkin *c, enum checkin_step step)
{
	if (step >= CHECKIN_NSTEPS)
		return 0;
	return checkin_steps[step].needed == NULL ||
	    checkin_steps[step].needed(c);
}

enum checkin_step
checkin_first(const struct checkin *c)
{
	int	i;

	for (i = 0; i < CHECKIN_FINISH; i++) {
		if (checkin_needed(c, i) && !c->done[i])
			return i;
	}
	return CHECKIN_FINISH;
}

int
checkin_move(const struct checkin *c, enum checkin_step step, int dir)
{
	int	i;

	for (i = (int)step + dir; i >= 0 && i < CHECKIN_NSTEPS; i += dir) {
		if (checkin_needed(c, i))
			return i;
	}
	return -1;
}

/* Does record r name this visit (urn:chartty:appointment)? */
static int
checkin_names_visit(const struct checkin *c, const struct json *r)
{
	const char	*ref;

	ref = json_gets(json_get(model_extension_obj(r, EXT_APPOINTMENT),
	    "valueReference"), "reference");
	return ref != NULL && strncmp(ref, "Appointment/", 12) == 0 &&
	    strcmp(ref + 12, c->appt_id) == 0;
}

/* Add the extension naming this visit to record r. */
static void
checkin_add_visit(struct checkin *c, struct json *r)
{
	struct json	*e;
	char		*ref;

	e = json_add_object(json_add_array(r, "extension"), NULL);
	json_add_str(e, "url", EXT_APPOINTMENT);
	ref = fhir_ref("Appointment", c->appt_id);
	json_add_str(json_add_object(e, "valueReference"), "reference", ref);
	free(ref);
}

/* ------------------------------------------------------------------ */
/* Insurance                                                            */
/* ------------------------------------------------------------------ */

static void
checkin_coverage_fill(struct checkin *c)
{
	const struct json	*cl;
	size_t			 i;

	c->payer = model_str(c->a, json_at(json_get(c->cov, "payor"), 0),
	    "display");
	c->plan = c->group = NULL;
	for (i = 0; i < json_size(json_get(c->cov, "class")); i++) {
		cl = json_at(json_get(c->cov, "class"), i);
		if (c->plan == NULL)
			c->plan = model_str(c->a, cl, "name");
		if (c->group == NULL)
			c->group = model_str(c->a, cl, "value");
	}
	field_set(&c->member, model_str(c->a, c->cov, "subscriberId") ?
	    model_str(c->a, c->cov, "subscriberId") : "");
}

static void
checkin_coverage_view(struct checkin *c, struct view *v)
{
	view_text(v, "Check the insurance on file. If your member ID "
	    "changed, type the new one; for a new insurer, bring the card to "
	    "the front desk.");
	if (c->payer != NULL)
		view_item(v, 0, "Fact", "Insurer", c->payer, ROW_INFO);
	if (c->plan != NULL)
		view_item(v, 0, "Fact", "Plan", c->plan, ROW_INFO);
	if (c->group != NULL)
		view_item(v, 0, "Fact", "Group", c->group, ROW_INFO);
	view_field(v, CHECKIN_FIELD + 0, "Member ID", &c->member, 0);
	view_button(v, CHECKIN_NEXT, "This is right: continue");
}

static int
checkin_coverage_submit(struct checkin *c, struct fhir *f, char **cause)
{
	struct fhir_result	 res;
	struct json		*cov;
	const char		*was, *id;
	char			*path;
	int			 rc;

	if (str_blank(c->member.text)) {
		*cause = xstrdup("Please type the member ID from your "
		    "insurance card.");
		return -1;
	}
	was = json_gets(c->cov, "subscriberId");
	if (was != NULL && strcmp(was, c->member.text) == 0)
		return 0;
	if (c->cov_etag == NULL || (id = json_gets(c->cov, "id")) == NULL) {
		*cause = xstrdup("Your insurance has no version, so it cannot "
		    "be changed safely online. Please tell the front desk.");
		return -1;
	}
	cov = json_dup(c->cov);
	json_set_str(cov, "subscriberId", c->member.text);
	path = fhir_path("Coverage", id, NULL);
	rc = fhir_update(f, path, cov, c->cov_etag, &res, cause);
	free(path);
	json_free(cov);
	if (rc == 0 && res.body != NULL) {
		json_free(c->cov);
		c->cov = res.body;
		res.body = NULL;
		c->cov_etag = model_etag(c->a, c->cov);
		checkin_coverage_fill(c);
	} else if (res.status == 412) {
		/* Changed meanwhile: show it as it is now, never overwrite. */
		fhir_result_free(&res);
		free(*cause);
		*cause = NULL;
		path = fhir_path("Coverage", id, NULL);
		if (fhir_read(f, path, NULL, &res, cause) == 0 &&
		    res.body != NULL) {
			json_free(c->cov);
			c->cov = res.body;
			res.body = NULL;
			c->cov_etag = model_etag(c->a, c->cov);
			checkin_coverage_fill(c);
			*cause = xstrdup("Your insurance was changed somewhere "
			    "else since you opened this. Here it is now: check "
			    "it and continue again.");
		}
		free(path);
	}
	fhir_result_free(&res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Questions                                                            */
/* ------------------------------------------------------------------ */

static void
checkin_questions_view(struct checkin *c, struct view *v)
{
	if (c->done[CHECKIN_QUESTIONS]) {
		view_text(v, "Your answers were sent. Thank you.");
		view_button(v, CHECKIN_NEXT, "Continue");
		return;
	}
	view_text(v, view_printf(v, "%s: the questions marked (optional) may "
	    "be left blank.", c->q.title ? c->q.title : "Before your visit"));
	questionnaire_view(&c->q, v, CHECKIN_FIELD);
	view_button(v, CHECKIN_NEXT, "Send the answers: continue");
	if (!c->at_kiosk)	/* a kiosk's turn is now or never */
		view_button(v, CHECKIN_SAVE, "Save and finish later");
}

/*
 * After a 412 on the answers kept for later: read them again. Finished
 * meanwhile (a lost answer) is done; else the new version is kept for
 * the next try.
 */
static int
checkin_questions_again(struct checkin *c, struct fhir *f, char **cause)
{
	struct fhir_result	 res;
	char			*path, *why = NULL;
	const char		*st;

	path = fhir_path("QuestionnaireResponse", c->resp_id, NULL);
	if (fhir_read(f, path, NULL, &res, &why) == 0 && res.body != NULL) {
		c->resp_etag = model_etag(c->a, res.body);
		st = json_gets(res.body, "status");
		if (st != NULL && strcmp(st, "completed") == 0) {
			c->done[CHECKIN_QUESTIONS] = 1;
			free(*cause);
			*cause = NULL;
			free(path);
			fhir_result_free(&res);
			return 0;
		}
	}
	free(path);
	free(why);
	fhir_result_free(&res);
	free(*cause);
	*cause = xstrdup("Your answers were saved from somewhere else "
	    "meanwhile. Check them and send again.");
	return -1;
}

/* Send the answers: completed, or kept in progress for later. */
static int
checkin_questions_submit(struct checkin *c, struct fhir *f, int later,
    char **cause)
{
	struct fhir_result	 res;
	struct json		*r, *items;
	struct buf		 what;
	char			*path, *ref;
	int			 rc;

	if (c->done[CHECKIN_QUESTIONS])
		return 0;
	r = json_new_object();
	json_add_str(r, "resourceType", "QuestionnaireResponse");
	json_add_str(r, "status", later ? "in-progress" : "completed");
	json_add_str(r, "questionnaire", c->visit.questionnaire);
	ref = fhir_ref("Patient", c->patient);
	json_add_str(json_add_object(r, "subject"), "reference", ref);
	free(ref);
	checkin_add_visit(c, r);
	items = json_add_array(r, "item");
	if (questionnaire_answers(&c->q, items, !later, cause) != 0) {
		json_free(r);
		return -1;
	}
	if (c->resp_id != NULL) {
		/* Kept for later before: this is its next version. */
		json_add_str(r, "id", c->resp_id);
		path = fhir_path("QuestionnaireResponse", c->resp_id, NULL);
		rc = fhir_update(f, path, r, c->resp_etag, &res, cause);
		free(path);
	} else {
		buf_init(&what, 1024 * 1024);
		ref = json_print(r);
		buf_addstr(&what, ref);
		free(ref);
		crypto_request_id(&c->resp_key, &c->resp_sent, buf_take(&what));
		rc = fhir_create_resource(f, "QuestionnaireResponse", r,
		    c->resp_key, &res, cause);
	}
	json_free(r);
	if (rc != 0 && res.status == 412 && c->resp_id != NULL) {
		/* Saved meanwhile (a lost answer): look at it as it is. */
		fhir_result_free(&res);
		return checkin_questions_again(c, f, cause);
	}
	if (rc == 0 && res.body != NULL) {
		c->resp_id = arena_strdup(c->a, json_gets(res.body, "id"));
		c->resp_etag = model_etag(c->a, res.body);
		if (json_gets(res.body, "status") && strcmp(json_gets(res.body,
		    "status"), "completed") == 0)
			c->done[CHECKIN_QUESTIONS] = 1;
	}
	fhir_result_free(&res);
	if (rc != 0)
		return -1;
	free(c->saved_answers);
	c->saved_answers = questionnaire_print(&c->q);
	if (later) {
		*cause = xstrdup("Your answers are saved. You can finish "
		    "eCheck-in later, before the visit.");
		return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Consent                                                              */
/* ------------------------------------------------------------------ */

static void
checkin_consent_view(struct checkin *c, struct view *v)
{
	const char	*name;

	if (c->done[CHECKIN_CONSENT]) {
		view_text(v, "You signed the consent for this visit.");
		view_button(v, CHECKIN_NEXT, "Continue");
		return;
	}
	/* The place of the visit, as the portal names it. */
	view_text(v, view_printf(v, "By signing, you agree that %s may "
	    "examine and treat you at this visit, that you have been offered "
	    "its notice of privacy practices, and that you are responsible "
	    "for any amount your insurance does not pay.", c->visit.place ?
	    c->visit.place : "the clinic"));
	name = c->contact.name;
	view_text(v, view_printf(v, "To sign, type your full name as it is "
	    "on your record%s%s%s.", name ? " (" : "", name ? name : "",
	    name ? ")" : ""));
	view_field(v, CHECKIN_FIELD + 0, "Full name", &c->signature, 0);
	view_button(v, CHECKIN_NEXT, "Sign: continue");
}

static int
checkin_consent_submit(struct checkin *c, struct fhir *f, char **cause)
{
	struct fhir_result	 res;
	struct json		*r, *e;
	char			*ref, *now, when[64];
	int			 rc;

	if (c->done[CHECKIN_CONSENT])
		return 0;
	if (str_blank(c->signature.text)) {
		*cause = xstrdup("Type your full name to sign.");
		return -1;
	}
	r = json_new_object();
	json_add_str(r, "resourceType", "Consent");
	json_add_str(r, "status", "active");
	json_add_str(json_add_object(r, "scope"), "text", "Treatment");
	json_add_str(json_add_object(json_add_array(r, "category"), NULL),
	    "text", "Consent to treatment");
	ref = fhir_ref("Patient", c->patient);
	json_add_str(json_add_object(r, "patient"), "reference", ref);
	free(ref);
	fhir_time_write(time(NULL), when, sizeof when);
	json_add_str(r, "dateTime", when);
	checkin_add_visit(c, r);
	e = json_add_object(json_get(r, "extension"), NULL);
	json_add_str(e, "url", EXT_SIGNATURE);
	json_add_str(e, "valueString", c->signature.text);
	now = xstrdup(c->signature.text);
	crypto_request_id(&c->consent_key, &c->consent_sent, now);
	rc = fhir_create_resource(f, "Consent", r, c->consent_key, &res,
	    cause);
	json_free(r);
	fhir_result_free(&res);
	if (rc == 0)
		c->done[CHECKIN_CONSENT] = 1;
	return rc;
}

/* ------------------------------------------------------------------ */
/* Copay                                                                */
/* ------------------------------------------------------------------ */

/* Read what is still due on the copay's invoice; errors keep it as is. */
static void
checkin_reload_due(struct checkin *c, struct fhir *f)
{
	struct fhir_result	 res;
	struct arena		*a = arena_create();
	struct bill		 b;
	char			*cause = NULL;

	if (fhir_read(f, c->invoice, NULL, &res, &cause) == 0 &&
	    bill_parse(a, res.body, &b) == 0)
		c->due = b.due;
	arena_free(a);
	free(cause);
	fhir_result_free(&res);
}

static void
checkin_copay_view(struct checkin *c, struct view *v)
{
	if (c->pay.receipt == NULL)
		view_text(v, view_printf(v, "Your copay for this visit is "
		    "$%.2f.", c->due));
	payment_view(&c->pay, v, c->due);
	if (c->pay.receipt != NULL)
		view_button(v, CHECKIN_NEXT, "Continue");
}

static int
checkin_copay_submit(struct checkin *c, struct fhir *f, int id,
    char **cause)
{
	int	rc;

	if (c->pay.receipt != NULL)
		return 0;
	rc = payment_submit(&c->pay, f, c->invoice, c->due, id, cause);
	if (rc == 0)
		c->done[CHECKIN_COPAY] = 1;
	else if (c->pay.refused) {
		/* It may have been paid meanwhile: read what is due. */
		checkin_reload_due(c, f);
		if (c->due < 0.005) {
			free(*cause);
			*cause = xstrdup("The copay is already paid.");
			c->done[CHECKIN_COPAY] = 1;
			return 0;
		}
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* Check in                                                             */
/* ------------------------------------------------------------------ */

static void
checkin_finish_view(struct checkin *c, struct view *v)
{
	int	i;

	view_text(v, "Check your steps, then check in.");
	for (i = 0; i < CHECKIN_FINISH; i++) {
		if (!checkin_needed(c, i))
			continue;
		view_item(v, 0, "Step", checkin_steps[i].name, c->done[i] ? "done" :
		    "not done yet", ROW_INFO | (c->done[i] ? 0 : ROW_ALERT));
	}
	view_button(v, CHECKIN_NEXT, "Check in now");
}

/* A Parameters part name = valueBoolean b. */
static void
checkin_flag(struct json *arr, const char *name, int b)
{
	struct json	*e = json_add_object(arr, NULL);

	json_add_str(e, "name", name);
	json_add_bool(e, "valueBoolean", b);
}

static int
checkin_finish_submit(struct checkin *c, struct fhir *f, char **cause)
{
	struct fhir_result	 res;
	struct json		*p, *arr;
	char			*path;
	int			 rc;

	p = json_new_object();
	json_add_str(p, "resourceType", "Parameters");
	arr = json_add_array(p, "parameter");
	checkin_flag(arr, "confirmed-contact", c->done[CHECKIN_CONTACT]);
	checkin_flag(arr, "confirmed-coverage", c->done[CHECKIN_COVERAGE] ||
	    c->cov == NULL);
	path = fhir_path("Appointment", c->appt_id, "$check-in");
	rc = fhir_operation(f, path, p, &res, cause);
	free(path);
	json_free(p);
	if (rc == 0) {
		c->checked_in = 1;
		c->done[CHECKIN_FINISH] = 1;
	}
	fhir_result_free(&res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The steps together                                                   */
/* ------------------------------------------------------------------ */

/* Needed only where the visit has it: insurance, questions, a copay. */
static int
checkin_coverage_needed(const struct checkin *c)
{
	return c->cov != NULL;
}

static int
checkin_questions_needed(const struct checkin *c)
{
	return c->form != NULL;
}

static int
checkin_copay_needed(const struct checkin *c)
{
	return c->invoice != NULL && (c->due > 0.004 || c->pay.receipt != NULL);
}

static void
checkin_contact_view(struct checkin *c, struct view *v)
{
	view_text(v, "Check that the clinic can reach you, and correct "
	    "anything that changed.");
	contact_view(&c->contact, v, CHECKIN_FIELD);
	view_button(v, CHECKIN_NEXT, "These are right: continue");
}

/* Steps done once their submit is: contact details and insurance. */
static int
checkin_contact_step(struct checkin *c, struct fhir *f, int id, char **cause)
{
	if (contact_submit(&c->contact, f, cause) < 0)
		return -1;
	c->done[CHECKIN_CONTACT] = 1;
	return 0;
}

static int
checkin_coverage_step(struct checkin *c, struct fhir *f, int id,
    char **cause)
{
	int	rc = checkin_coverage_submit(c, f, cause);

	if (rc == 0)
		c->done[CHECKIN_COVERAGE] = 1;
	return rc;
}

static int
checkin_questions_step(struct checkin *c, struct fhir *f, int id,
    char **cause)
{
	return checkin_questions_submit(c, f, id == CHECKIN_SAVE, cause);
}

static int
checkin_consent_step(struct checkin *c, struct fhir *f, int id, char **cause)
{
	return checkin_consent_submit(c, f, cause);
}

static int
checkin_finish_step(struct checkin *c, struct fhir *f, int id, char **cause)
{
	return checkin_finish_submit(c, f, cause);
}

/* What each step keeps, freed. */
static void
checkin_contact_free(struct checkin *c)
{
	contact_free(&c->contact);
}

static void
checkin_coverage_free(struct checkin *c)
{
	json_free(c->cov);
}

static void
checkin_questions_free(struct checkin *c)
{
	questionnaire_clear(&c->q);
	json_free(c->form);
	free(c->resp_key);
	secret_free(c->resp_sent);
	free(c->saved_answers);
}

static void
checkin_consent_free(struct checkin *c)
{
	field_clear(&c->signature);
	free(c->consent_key);
	secret_free(c->consent_sent);
}

static void
checkin_copay_free(struct checkin *c)
{
	payment_free(&c->pay);
}

/* The steps, in the order a patient takes them: one row each. */
static const struct checkin_step_ops checkin_steps[CHECKIN_NSTEPS] = {
	[CHECKIN_CONTACT] = { "Contact details", NULL, checkin_contact_view,
	    checkin_contact_step, checkin_contact_free },
	[CHECKIN_COVERAGE] = { "Insurance", checkin_coverage_needed,
	    checkin_coverage_view, checkin_coverage_step,
	    checkin_coverage_free },
	[CHECKIN_QUESTIONS] = { "Questions", checkin_questions_needed,
	    checkin_questions_view, checkin_questions_step,
	    checkin_questions_free },
	[CHECKIN_CONSENT] = { "Consent", NULL, checkin_consent_view,
	    checkin_consent_step, checkin_consent_free },
	[CHECKIN_COPAY] = { "Copay", checkin_copay_needed, checkin_copay_view,
	    checkin_copay_submit, checkin_copay_free },
	[CHECKIN_FINISH] = { "Check in", NULL, checkin_finish_view,
	    checkin_finish_step, NULL },
};

void
checkin_view(struct checkin *c, enum checkin_step step, struct view *v)
{
	checkin_steps[step < CHECKIN_NSTEPS ? step : CHECKIN_FINISH].view(c,
	    v);
}

int
checkin_submit(struct checkin *c, struct fhir *f, enum checkin_step step,
    int id, char **cause)
{
	*cause = NULL;
	return checkin_steps[step < CHECKIN_NSTEPS ? step :
	    CHECKIN_FINISH].submit(c, f, id, cause);
}

int
checkin_unsaved(const struct checkin *c)
{
	char	*now;
	int	 same;

	if (c->done[CHECKIN_QUESTIONS] || !questionnaire_typed(&c->q))
		return 0;
	now = questionnaire_print(&c->q);
	same = c->saved_answers != NULL && strcmp(now, c->saved_answers) == 0;
	free(now);
	return !same;
}

/* The first active record of a bundle that names this visit, or NULL. */
static const struct json *
checkin_for_visit(const struct checkin *c, const struct json *bundle,
    const char *status)
{
	const struct json	*r;
	size_t			 i;

	for (i = 0; i < fhir_bundle_count(bundle); i++) {
		r = fhir_bundle_resource(bundle, i);
		if (checkin_names_visit(c, r) && (status == NULL ||
		    (json_gets(r, "status") && strcmp(json_gets(r, "status"),
		    status) == 0)))
			return r;
	}
	return NULL;
}

/* The form and the copay invoice the visit names: a second batch. */
static int
checkin_load_more(struct checkin *c, struct fhir *f, const struct json *qrs,
    char **cause)
{
	struct fhir_result	 res;
	const struct json	*b, *r;
	char			*urls[2];
	long			 status;
	struct bill		 bill;
	size_t			 n = 0, form = 2, inv = 2;

	if (c->visit.questionnaire != NULL) {
		urls[form = n++] = fhir_query("Questionnaire", "url",
		    c->visit.questionnaire, NULL);
	}
	if (c->visit.copay_invoice != NULL &&
	    strncmp(c->visit.copay_invoice, "Invoice/", 8) == 0 &&
	    (urls[n] = fhir_ref_local(c->visit.copay_invoice)) != NULL)
		inv = n++;
	if (n == 0)
		return 0;
	if (fhir_batch_take(f, urls, n, &res, cause) != 0)
		return -1;
	if (form < n) {
		if ((b = fhir_batch_entry(res.body, form, &status, cause)) ==
		    NULL)
			goto fail;
		if (fhir_bundle_resource(b, 0) != NULL) {
			c->form = json_dup(fhir_bundle_resource(b, 0));
			questionnaire_parse(&c->q, c->a, c->form);
			if ((r = checkin_for_visit(c, qrs, "completed")))
				c->done[CHECKIN_QUESTIONS] = 1;
			else if ((r = checkin_for_visit(c, qrs,
			    "in-progress")) != NULL) {
				c->resp_id = model_str(c->a, r, "id");
				c->resp_etag = model_etag(c->a, r);
				questionnaire_fill(&c->q, r);
				c->saved_answers = questionnaire_print(&c->q);
			}
		}
	}
	if (inv < n) {
		if ((b = fhir_batch_entry(res.body, inv, &status, cause)) ==
		    NULL)
			goto fail;
		c->invoice = arena_strdup(c->a, c->visit.copay_invoice);
		if (bill_parse(c->a, b, &bill) == 0)
			c->due = bill.due;
		if (c->due < 0.005)
			c->done[CHECKIN_COPAY] = 1;
	}
	fhir_result_free(&res);
	return 0;
fail:
	fhir_result_free(&res);
	return -1;
}

int
checkin_load(struct checkin *c, struct fhir *f, const char *patient,
    const char *appt_id, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b, *qrs;
	char			*urls[5], *ref;
	long			 status;
	int			 rc = -1;

	memset(c, 0, sizeof *c);
	c->a = arena_create();
	c->patient = xstrdup(patient);
	c->appt_id = xstrdup(appt_id);
	payment_init(&c->pay);
	urls[0] = fhir_path("Appointment", appt_id, NULL);
	ref = fhir_ref("Patient", patient);
	urls[1] = fhir_path("Patient", patient, NULL);
	urls[2] = fhir_query("Coverage?status=active", "beneficiary", ref,
	    NULL);
	urls[3] = fhir_query("QuestionnaireResponse?_sort=-authored"
	    "&_count=50", "subject", ref, NULL);
	urls[4] = fhir_query("Consent?status=active&_count=50", "patient",
	    ref, NULL);
	free(ref);
	if (fhir_batch_take(f, urls, 5, &res, cause) != 0)
		return -1;
	if ((b = fhir_batch_entry(res.body, 0, &status, cause)) == NULL ||
	    visit_parse(c->a, b, &c->visit) != 0)
		goto out;
	if (c->visit.status == NULL || (strcmp(c->visit.status, "booked") &&
	    strcmp(c->visit.status, "checked-in") &&
	    strcmp(c->visit.status, "arrived"))) {
		*cause = xstrdup("This visit is not booked, so it cannot be "
		    "checked in.");
		goto out;
	}
	if (strcmp(c->visit.status, "booked") != 0) {
		c->checked_in = 1;
	} else if (c->visit.checkin_open != 1) {
		*cause = xstrdup("eCheck-in opens 7 days before the visit.");
		goto out;
	}
	if ((b = fhir_batch_entry(res.body, 1, &status, cause)) == NULL)
		goto out;
	if (json_gets(b, "resourceType") == NULL ||
	    strcmp(json_gets(b, "resourceType"), "Patient") != 0) {
		*cause = xstrdup("Your record could not be read.");
		goto out;
	}
	contact_take(&c->contact, c->a, c->patient, json_dup(b));
	/* Insurance, answers and consent must be known: a step skipped
	 * because its record did not load would be wrong. */
	if ((b = fhir_batch_entry(res.body, 2, &status, cause)) == NULL)
		goto out;
	if (fhir_bundle_resource(b, 0) != NULL) {
		c->cov = json_dup(fhir_bundle_resource(b, 0));
		c->cov_etag = model_etag(c->a, c->cov);
		checkin_coverage_fill(c);
	}
	if ((qrs = fhir_batch_entry(res.body, 3, &status, cause)) == NULL ||
	    (b = fhir_batch_entry(res.body, 4, &status, cause)) == NULL)
		goto out;
	if (checkin_for_visit(c, b, "active"))
		c->done[CHECKIN_CONSENT] = 1;
	rc = checkin_load_more(c, f, qrs, cause);
out:
	fhir_result_free(&res);
	return rc;
}

void
checkin_free(struct checkin *c)
{
	int	i;

	for (i = 0; i < CHECKIN_NSTEPS; i++) {
		if (checkin_steps[i].free != NULL)
			checkin_steps[i].free(c);
	}
	free(c->patient);
	free(c->appt_id);
	arena_free(c->a);
	memset(c, 0, sizeof *c);
}

void
checkin_position(const struct checkin *c, enum checkin_step step, int *k,
    int *n)
{
	int	i;

	*k = *n = 0;
	for (i = 0; i < CHECKIN_NSTEPS; i++) {
		if (!checkin_needed(c, i))
			continue;
		(*n)++;
		if (i == (int)step)
			*k = *n;
	}
}

enum checkin_step
checkin_after(const struct checkin *c, enum checkin_step step, int rc)
{
	int	next;

	if (rc != 0)
		return step;
	next = checkin_move(c, step, 1);
	return next >= 0 ? (enum checkin_step)next : CHECKIN_FINISH;
}
