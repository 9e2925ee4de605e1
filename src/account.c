/* The Account area: two-step verification, password, activity. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "sanitize.h"
#include "url.h"
#include "util.h"

#define DCM		"http://dicom.nema.org/resources/ontology/DCM"
#define DCM_AUTH	"110114"	/* User Authentication */
#define DCM_LOGIN	"110122"
#define DCM_LOGOUT	"110123"
#define DCM_SECURITY	"110113"	/* Security Alert: a password, ... */

/* ------------------------------------------------------------------ */
/* Two-step verification                                              */
/* ------------------------------------------------------------------ */

/* The base32 key in groups of four, the way authenticator apps ask. */
static char *
account_key_groups(const char *secret)
{
	struct buf	b;
	size_t		i, k = 0;

	buf_init(&b, 128);
	for (i = 0; secret[i] != '\0'; i++) {
		if (!isalnum((unsigned char)secret[i]))
			continue;
		if (k > 0 && k % 4 == 0)
			buf_addstr(&b, " ");
		buf_printf(&b, "%c", toupper((unsigned char)secret[i]));
		k++;
	}
	return buf_take(&b);
}

static int
account_printable(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
			return 0;
	}
	return 1;
}

/* s sanitized for the terminal (s is freed), or NULL. */
static char *
account_clean(char *s)
{
	char	*clean = s ? sanitize_str(s, 0) : NULL;

	free(s);
	return clean;
}

int
account_mfa_status(struct fhir *f, struct account_mfa *m, char **cause)
{
	struct fhir_result	 res;
	const char		*uri;
	char			*secret, *label, *colon;

	memset(m, 0, sizeof *m);
	if (fhir_request(f, "GET", "/auth/mfa/status", NULL, NULL, &res,
	    cause) != 0) {
		fhir_result_free(&res);
		return -1;
	}
	m->enrolled = json_bool(json_get(res.body, "enrolled"));
	uri = json_gets(res.body, "enrollUri");
	/* A URI is printable ASCII: anything else is not shown at all. */
	secret = NULL;
	if (!m->enrolled && (uri == NULL || strncmp(uri, "otpauth://totp/",
	    15) != 0 || strlen(uri) > 2048 || !account_printable(uri) ||
	    (secret = url_param(uri, "secret")) == NULL || *secret == '\0')) {
		secret_free(secret);
		fhir_result_free(&res);
		*cause = xstrdup("The portal did not send a key for an "
		    "authenticator app, so two-step verification cannot be "
		    "turned on here.");
		return -1;
	}
	if (!m->enrolled) {
		m->uri = xstrdup(uri);
		m->key = account_key_groups(secret);
		secret_free(secret);
		m->issuer = account_clean(url_param(uri, "issuer"));
		/* The label is "Issuer:account", escaped. */
		label = xstrndup(uri + 15, strcspn(uri + 15, "?#"));
		m->account = account_clean(url_unescape(label, 0));
		free(label);
		if (m->account != NULL && (colon = strchr(m->account, ':')))
			memmove(m->account, colon + 1, strlen(colon));
	}
	fhir_result_free(&res);
	return 0;
}

void
account_mfa_free(struct account_mfa *m)
{
	secret_free(m->uri);
	secret_free(m->key);
	free(m->issuer);
	free(m->account);
	memset(m, 0, sizeof *m);
}

int
account_mfa_enroll(struct fhir *f, const char *typed, char **cause)
{
	struct fhir_result	 res;
	struct json		*body;
	char			 code[7];
	size_t			 n = 0;
	int			 rc;

	for (; *typed != '\0'; typed++) {
		if (isdigit((unsigned char)*typed) && n < 6)
			code[n++] = *typed;
		else if (isdigit((unsigned char)*typed) ||
		    strchr(" -", *typed) == NULL)
			n = 7;
		if (n == 7)
			break;
	}
	if (n != 6) {
		*cause = xstrdup("Type the 6-digit code your authenticator app "
		    "shows now.");
		return -1;
	}
	code[6] = '\0';
	body = json_new_object();
	json_add_str(body, "token", code);
	rc = fhir_request(f, "POST", "/auth/mfa/enroll", body, NULL, &res,
	    cause);
	json_free(body);
	fhir_result_free(&res);
	return rc;
}

int
account_change_password(struct fhir *f, const char *old,
    const char *new_password, char **cause)
{
	struct fhir_result	 res;
	struct json		*body = json_new_object();
	int			 rc;

	json_add_str(body, "oldPassword", old);
	json_add_str(body, "newPassword", new_password);
	rc = fhir_request(f, "POST", "/auth/changepassword", body, NULL, &res,
	    cause);
	json_free_secret(body);
	fhir_result_free(&res);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Activity                                                           */
/* ------------------------------------------------------------------ */

/* What a change to a record of a type is called, by action. */
static const struct {
	const char	*type;
	const char	*created, *updated, *deleted;
} account_things[] = {
	{ "Patient", "Contact details added", "Contact details changed",
	    "Contact details removed" },
	{ "Communication", "Message sent", "Message changed",
	    "Message removed" },
	{ "Appointment", "Appointment booked", "Appointment changed",
	    "Appointment removed" },
	{ "MedicationRequest", "Refill requested", "Refill request changed",
	    "Refill request removed" },
	{ "Task", "Request sent", "Request changed", "Request removed" },
	{ "Observation", "Reading added", "Reading changed",
	    "Reading removed" },
	{ "QuestionnaireResponse", "Form answered", "Form answers changed",
	    "Form answers removed" },
	{ "Consent", "Consent signed", "Consent changed", "Consent removed" },
	{ "Coverage", "Insurance added", "Insurance changed",
	    "Insurance removed" },
	{ "PaymentNotice", "Payment made", "Payment changed",
	    "Payment removed" },
	{ "Account", "Billing account changed", "Billing account changed",
	    "Billing account changed" },
	{ "DocumentReference", "Document added", "Document changed",
	    "Document removed" },
};

/* "Patient" of "Patient/x" or of a URL ending in it, in buf. */
static const char *
account_ref_type(const char *ref, char *buf, size_t len)
{
	const char	*end, *start;

	if (ref == NULL || (end = strrchr(ref, '/')) == NULL)
		return NULL;
	for (start = end; start > ref && start[-1] != '/'; start--)
		;
	if ((size_t)(end - start) >= len || end == start)
		return NULL;
	memcpy(buf, start, (size_t)(end - start));
	buf[end - start] = '\0';
	/* A resource type is letters: anything else is not one (and is
	 * never shown). */
	for (start = buf; *start != '\0'; start++) {
		if (!isalpha((unsigned char)*start))
			return NULL;
	}
	return buf;
}

/* Does reference ref name the same record as want ("Patient/x")? */
static int
account_same(const char *ref, const char *want)
{
	size_t	n, w;

	if (ref == NULL || want == NULL)
		return 0;
	n = strlen(ref);
	w = strlen(want);
	return n >= w && strcmp(ref + n - w, want) == 0 && (n == w ||
	    ref[n - w - 1] == '/');
}

/* The agent that asked (requestor), else the first. */
static const struct json *
account_requestor(const struct json *ev)
{
	const struct json	*agents = json_get(ev, "agent");
	size_t			 i;

	for (i = 0; i < json_size(agents); i++) {
		if (json_bool(json_get(json_at(agents, i), "requestor")))
			return json_at(agents, i);
	}
	return json_at(agents, 0);
}

/* Has the event a coding system|code among type and subtype? */
static int
account_coded(const struct json *ev, const char *system, const char *code)
{
	const struct json	*c;
	size_t			 i;

	c = json_get(ev, "type");
	if (json_gets(c, "system") && json_gets(c, "code") &&
	    strcmp(json_gets(c, "system"), system) == 0 &&
	    strcmp(json_gets(c, "code"), code) == 0)
		return 1;
	for (i = 0; i < json_size(json_get(ev, "subtype")); i++) {
		c = json_at(json_get(ev, "subtype"), i);
		if (json_gets(c, "system") && json_gets(c, "code") &&
		    strcmp(json_gets(c, "system"), system) == 0 &&
		    strcmp(json_gets(c, "code"), code) == 0)
			return 1;
	}
	return 0;
}

/* The record the event is about: its first entity that is not a Patient,
 * else the Patient. */
static const char *
account_entity_type(const struct json *ev, char *buf, size_t len)
{
	const struct json	*ents = json_get(ev, "entity");
	const char		*t, *found = NULL;
	size_t			 i;

	for (i = 0; i < json_size(ents); i++) {
		t = account_ref_type(json_gets(json_get(json_at(ents, i),
		    "what"), "reference"), buf, len);
		if (t != NULL && strcmp(t, "Patient") != 0)
			return t;
		if (t != NULL)
			found = "Patient";
	}
	return found;
}

/* What the event did, when it is not a sign-in, a read or a change: the
 * most precise words it has (its last subtype's). */
static const char *
account_other(struct arena *a, const struct json *ev)
{
	const struct json	*subs = json_get(ev, "subtype");
	const char		*s;
	size_t			 i;

	for (i = json_size(subs); i > 0; i--) {
		if ((s = model_str(a, json_at(subs, i - 1), "display")) != NULL)
			return s;
	}
	if ((s = model_str(a, json_get(ev, "type"), "display")) != NULL ||
	    (s = model_str(a, ev, "outcomeDesc")) != NULL)
		return s;
	return "Account used";
}

/*
 * The person whose record the event was about when that is not the
 * record open (the proxy's own list shows their reads of a child's):
 * their name, "another person", or NULL.
 */
static const char *
account_whose(struct arena *a, const struct json *ev, const char *patient)
{
	const struct json	*ents = json_get(ev, "entity"), *what;
	const char		*ref, *name;
	char			 buf[64];
	size_t			 i;

	for (i = 0; i < json_size(ents); i++) {
		what = json_get(json_at(ents, i), "what");
		ref = json_gets(what, "reference");
		if (account_ref_type(ref, buf, sizeof buf) == NULL ||
		    strcmp(buf, "Patient") != 0)
			continue;
		if (account_same(ref, patient))
			return NULL;
		name = model_str(a, what, "display");
		return name ? name : "another person";
	}
	return NULL;
}

int
account_activity_parse(struct arena *a, const struct json *ev,
    const char *self, const char *patient, struct activity *out)
{
	const struct json	*agent = account_requestor(ev);
	const char		*action = json_gets(ev, "action"), *who_ref;
	const char		*who, *what = NULL, *type, *outcome, *why;
	const char		*whose;
	char			 tbuf[64], rbuf[64];
	int			 proxy = 0, named;
	size_t			 i;

	memset(out, 0, sizeof *out);
	if (json_gets(ev, "resourceType") == NULL ||
	    strcmp(json_gets(ev, "resourceType"), "AuditEvent") != 0)
		return -1;
	fhir_time_parse(json_gets(ev, "recorded"), &out->when);
	outcome = json_gets(ev, "outcome");
	out->failed = outcome != NULL && strcmp(outcome, "0") != 0;
	out->from = model_str(a, json_get(agent, "network"), "address");
	who_ref = json_gets(json_get(agent, "who"), "reference");
	who = model_str(a, json_get(agent, "who"), "display");
	/* Someone acting for the patient: another Patient, a RelatedPerson. */
	type = account_ref_type(who_ref, rbuf, sizeof rbuf);
	if (type != NULL && !account_same(who_ref, patient) &&
	    (strcmp(type, "Patient") == 0 || strcmp(type, "RelatedPerson") == 0))
		proxy = 1;
	if (account_same(who_ref, self))
		who = "you";
	else if (who == NULL)
		who = account_same(who_ref, patient) ? "the patient" :
		    "someone";

	if (account_coded(ev, DCM, DCM_LOGIN) || account_coded(ev, DCM,
	    DCM_AUTH))
		what = out->failed ? "A sign-in failed" : "Signed in";
	if (account_coded(ev, DCM, DCM_LOGOUT))
		what = "Signed out";
	if (what != NULL) {
		/* Why it failed, where from; someone else's is named. */
		named = !account_same(who_ref, self) &&
		    strcmp(who, "someone") != 0;
		why = out->failed ? model_str(a, ev, "outcomeDesc") : NULL;
		out->what = arena_own(a, xasprintf("%s%s%s%s%s%s%s%s%s", what,
		    why ? " (" : "", why ? why : "", why ? ")" : "",
		    out->from ? " from " : "", out->from ? out->from : "",
		    named ? " (" : "", named ? who : "", named ? ")" : ""));
		return 0;
	}
	whose = account_whose(a, ev, patient);
	if (action != NULL && strcmp(action, "R") == 0) {
		out->what = whose != NULL ? arena_own(a, xasprintf("%s's "
		    "record read by %s", whose, who)) : arena_own(a,
		    xasprintf("Record read by %s%s", who, proxy ? " (proxy)" :
		    ""));
		return 0;
	}
	type = account_coded(ev, DCM, DCM_SECURITY) ? NULL :
	    account_entity_type(ev, tbuf, sizeof tbuf);
	for (i = 0; action != NULL && type != NULL &&
	    i < sizeof account_things / sizeof account_things[0]; i++) {
		if (strcmp(account_things[i].type, type) != 0)
			continue;
		what = strcmp(action, "C") == 0 ? account_things[i].created :
		    strcmp(action, "D") == 0 ? account_things[i].deleted :
		    strcmp(action, "U") == 0 ? account_things[i].updated :
		    NULL;
		break;
	}
	if (what == NULL && action != NULL && type != NULL &&
	    strchr("CUD", *action) != NULL && action[1] == '\0')
		what = arena_own(a, xasprintf("A record %s (%s)", *action == 'C' ?
		    "added" : *action == 'U' ? "changed" : "removed", type));
	if (what == NULL)
		what = account_other(a, ev);
	out->what = arena_own(a, xasprintf("%s by %s%s%s%s", what, who,
	    proxy ? " (proxy)" : "", whose ? ", for " : "", whose ? whose :
	    ""));
	return 0;
}

void
account_activity_start(struct fhir_pages *p, const char *patient)
{
	char	*first;

	first = fhir_query("AuditEvent?_sort=-date&_count="
	    FHIR_NUM(ACTIVITY_PAGE), "patient", patient, NULL);
	fhir_pages_start(p, first);
	free(first);
}

/* Who is signed in and whose record it is, for account_activity_one. */
struct account_whom {
	const char	*self, *patient;
};

static int
account_activity_one(struct arena *a, const struct json *ev, void *out,
    void *ctx)
{
	struct account_whom	*w = ctx;

	return account_activity_parse(a, ev, w->self, w->patient, out);
}

int
account_activity_page(struct fhir *f, struct fhir_pages *p, int dir,
    const char *self, const char *patient, struct arena **ap,
    struct activity **out, size_t *np, long *total, char **cause)
{
	struct account_whom	w = { self, patient };

	return fhir_pages_records(f, p, dir, sizeof **out, ACTIVITY_PAGE * 5,
	    account_activity_one, &w, ap, (void **)out, np, total, cause);
}
