/*
 * Integration tests of the Account area's screens against the test
 * portal: contact details (saved, refused, a change made elsewhere),
 * two-step verification and the password (the portal's words, nothing
 * kept of a secret), account activity, and every screen and action
 * while the portal misbehaves: one sentence, what was typed kept.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "fhir.h"
#include "json.h"
#include "portal.h"
#include "portal-test.h"
#include "screen-test.h"
#include "tap.h"
#include "util.h"
#include "view.h"

#define MARIA	"maria@example.org", "Chartty-demo-1"

/* The text of the field labelled label, or "" (a static copy). */
static const char *
field_text(const struct screen *s, struct app *app, void *state,
    const char *label)
{
	static char		 text[FIELD_MAX];
	struct view		 v;
	const struct view_row	*r;

	view_init(&v);
	s->view(app, state, &v);
	text[0] = '\0';
	if ((r = st_row(&v, ROW_FIELD, label)) != NULL)
		memcpy(text, r->field->text, sizeof text);
	view_free(&v);
	return text;
}

/* Maria's phone as the portal holds it (a static copy). */
static const char *
portal_phone(struct app *app)
{
	static char		 phone[64];
	struct fhir_result	 res;
	const struct json	*t;
	char			*cause = NULL;
	size_t			 i;

	phone[0] = '\0';
	if (fhir_read(portal_fhir(app->portal), "Patient/maria-lopez", NULL,
	    &res, &cause) == 0) {
		for (i = 0; i < json_size(json_get(res.body, "telecom")); i++) {
			t = json_at(json_get(res.body, "telecom"), i);
			if (json_gets(t, "system") && strcmp(json_gets(t,
			    "system"), "phone") == 0 && json_gets(t, "value"))
				snprintf(phone, sizeof phone, "%s",
				    json_gets(t, "value"));
		}
	}
	fhir_result_free(&res);
	free(cause);
	return phone;
}

/* Change Maria's phone behind the screen's back (the front desk). */
static void
front_desk_phone(struct app *app, const char *phone)
{
	struct fhir_result	 res;
	struct json		*p, *t;
	char			*cause = NULL, *etag;
	size_t			 i;

	if (fhir_read(portal_fhir(app->portal), "Patient/maria-lopez", NULL,
	    &res, &cause) != 0) {
		ok(0, "the front desk reads the record: %s", cause);
		free(cause);
		fhir_result_free(&res);
		return;
	}
	p = res.body;
	for (i = 0; i < json_size(json_get(p, "telecom")); i++) {
		t = json_at(json_get(p, "telecom"), i);
		if (json_gets(t, "system") && strcmp(json_gets(t, "system"),
		    "phone") == 0)
			json_set_str(t, "value", phone);
	}
	res.body = NULL;
	etag = res.etag ? xstrdup(res.etag) : NULL;
	fhir_result_free(&res);
	ok(fhir_update(portal_fhir(app->portal), "Patient/maria-lopez", p,
	    etag, &res, &cause) == 0, "the front desk changes the phone%s%s",
	    cause ? ": " : "", cause ? cause : "");
	free(cause);
	free(etag);
	json_free(p);
	fhir_result_free(&res);
}

static void
test_contact(void)
{
	struct app	 app;
	void		*s;

	pt_reset();
	if (st_start(&app, MARIA) != 0 ||
	    (s = st_open(&screen_contact, &app, NULL)) == NULL)
		return;
	is(field_text(&screen_contact, &app, s, "Phone"), "555-0111",
	    "the phone as the record has it");
	st_field(&screen_contact, &app, s, "Phone", "555-0177");
	st_field(&screen_contact, &app, s, "City", "");
	st_press(&screen_contact, &app, s, ROW_BUTTON, "Save");
	is(app.message, "Please give your street address and city.",
	    "a missing city is caught before sending");
	is(portal_phone(&app), "555-0111", "nothing was sent");
	is(field_text(&screen_contact, &app, s, "Phone"), "555-0177",
	    "what was typed is kept");
	st_field(&screen_contact, &app, s, "City", "Springfield");
	st_press(&screen_contact, &app, s, ROW_BUTTON, "Save");
	is(app.message, "Your contact details are saved.", "saved");
	is(portal_phone(&app), "555-0177", "the portal holds the new phone");
	st_press(&screen_contact, &app, s, ROW_BUTTON, "Save");
	is(app.message, "Nothing changed, so nothing was sent.",
	    "saving again sends nothing");

	/* Someone else changes the record: shown as it is now, not lost. */
	front_desk_phone(&app, "555-0166");
	st_field(&screen_contact, &app, s, "Email", "maria.l@example.org");
	st_press(&screen_contact, &app, s, ROW_BUTTON, "Save");
	like(app.message, "changed somewhere else", "a change made elsewhere "
	    "meanwhile is found (If-Match)");
	is(portal_phone(&app), "555-0166", "and is not overwritten");
	is(field_text(&screen_contact, &app, s, "Phone"), "555-0166",
	    "the fields show the record as it is now");
	screen_contact.close(s);
	st_end(&app);
}

static void
test_password(void)
{
	struct app	 app;
	struct portal	*p;
	void		*s;
	int		 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0 ||
	    (s = st_open(&screen_password, &app, NULL)) == NULL)
		return;
	st_field(&screen_password, &app, s, "Current", "Chartty-demo-1");
	st_field(&screen_password, &app, s, "New password again", "Other-9x");
	st_field(&screen_password, &app, s, "New password", "Another-8x");
	st_press(&screen_password, &app, s, ROW_BUTTON, "Change");
	like(app.message, "not the same", "two different new passwords are "
	    "caught");
	is(field_text(&screen_password, &app, s, "New password"), "",
	    "and wiped");
	st_field(&screen_password, &app, s, "New password again", "Another-8x");
	st_field(&screen_password, &app, s, "New password", "Another-8x");
	pt_fault("500", 1, 0, "/auth/changepassword");
	st_press(&screen_password, &app, s, ROW_BUTTON, "Change");
	ok(pt_sentence(app.message), "a server error is a sentence: %s",
	    app.message ? app.message : "(none)");
	is(field_text(&screen_password, &app, s, "Current"), "",
	    "every password is wiped once sent, even when it failed");
	st_field(&screen_password, &app, s, "Current", "Chartty-demo-1");
	st_field(&screen_password, &app, s, "New password again", "Another-8x");
	st_field(&screen_password, &app, s, "New password", "Another-8x");
	flags = st_press(&screen_password, &app, s, ROW_BUTTON, "Change");
	ok(flags == APP_POP && app.message != NULL && strstr(app.message,
	    "Your password was changed") != NULL, "changed: %s",
	    app.message ? app.message : "(none)");
	screen_password.close(s);
	st_end(&app);
	p = pt_sign_in("maria@example.org", "Another-8x");
	ok(p != NULL, "the new password signs in");
	portal_free(p);
	pt_reset();
}

static void
test_twostep(void)
{
	struct app	 app;
	void		*s;

	pt_reset();
	if (st_start(&app, MARIA) != 0 ||
	    (s = st_open(&screen_twostep, &app, NULL)) == NULL)
		return;
	st_press(&screen_twostep, &app, s, ROW_BUTTON, "Turn on two-step");
	st_press(&screen_twostep, &app, s, ROW_BUTTON, "Next");
	st_field(&screen_twostep, &app, s, "Code", "12 34");
	st_press(&screen_twostep, &app, s, ROW_BUTTON, "Turn on");
	is(app.message, "Type the 6-digit code your authenticator app shows "
	    "now.", "a code too short is caught before sending");
	st_field(&screen_twostep, &app, s, "Code", "123456");
	pt_fault("malformed", 1, 0, "/auth/mfa/enroll");
	st_press(&screen_twostep, &app, s, ROW_BUTTON, "Turn on");
	ok(pt_sentence(app.message), "a damaged answer is a sentence: %s",
	    app.message ? app.message : "(none)");
	screen_twostep.close(s);
	st_end(&app);
}

/* The first item's label of screen s (a static copy), or "". */
static const char *
first_item(const struct screen *sc, struct app *app, void *state)
{
	static char		 label[256];
	struct view		 v;
	const struct view_row	*r;

	view_init(&v);
	sc->view(app, state, &v);
	label[0] = '\0';
	if ((r = st_row(&v, ROW_ITEM, NULL)) != NULL && r->label != NULL)
		snprintf(label, sizeof label, "%s", r->label);
	view_free(&v);
	return label;
}

static void
test_activity(void)
{
	struct app	 app;
	void		*s;

	pt_reset();
	if (st_start(&app, MARIA) != 0 ||
	    (s = st_open(&screen_activity, &app, NULL)) == NULL)
		return;
	is(first_item(&screen_activity, &app, s), "Signed in from 127.0.0.1",
	    "the newest event is this sign-in");
	screen_activity.close(s);
	st_end(&app);
}

/*
 * Every Account screen opened while the portal misbehaves says so in
 * one sentence and opens nothing half-built; opened again, it works.
 */
static void
test_bad_answers(void)
{
	static const char *const kinds[] = { "malformed", "500", "truncate",
	    "huge", "drop" };
	struct {
		const struct screen	*s;
		const char		*path;
	} screens[] = {
		{ &screen_contact, "/fhir/R4/Patient" },
		{ &screen_twostep, "/auth/mfa/status" },
		{ &screen_activity, "/fhir/R4/AuditEvent" },
	};
	struct app	 app;
	void		*state;
	size_t		 i, k;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	for (i = 0; i < sizeof screens / sizeof screens[0]; i++)
		st_open_faults(&app, screens[i].s, NULL, screens[i].path,
		    kinds, sizeof kinds / sizeof kinds[0]);

	/* Saving contact details: a sentence, and nothing typed is lost. */
	if ((state = st_open(&screen_contact, &app, NULL)) != NULL) {
		for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
			st_field(&screen_contact, &app, state, "Phone",
			    "555-0123");
			pt_fault(kinds[k], 2, 0, "/fhir/R4/Patient");
			st_press(&screen_contact, &app, state, ROW_BUTTON,
			    "Save");
			ok(pt_sentence(app.message) && strcmp(field_text(
			    &screen_contact, &app, state, "Phone"),
			    "555-0123") == 0, "saving with a %s answer: %s; "
			    "the phone typed is kept", kinds[k], app.message ?
			    app.message : "(none)");
			pt_clear_faults();
		}
		screen_contact.close(state);
	}
	st_end(&app);
}

int
main(void)
{
	test_contact();
	test_password();
	test_twostep();
	test_activity();
	test_bad_answers();
	return done_testing();
}
