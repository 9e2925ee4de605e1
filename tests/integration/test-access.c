/*
 * Integration tests of the screens that get a person in, against bad
 * answers, driving the real screens without curses: Forgot password (the
 * reset email asked for, the link pasted with a new password), Forgot
 * username, an activation code, sign-up, and the kiosk (the lookup, the
 * first check-in step). Each action, while the portal answers 500, drops
 * the connection, cuts the answer short, garbles it or sends a huge one,
 * says one sentence, sends nothing, keeps what was typed (passwords and
 * SSN digits are wiped by design) and works once the portal is well.
 */
#include "config.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "portal.h"
#include "portal-test.h"
#include "screen-test.h"
#include "screens.h"
#include "tap.h"
#include "util.h"
#include "view.h"

#define MARIA		"maria@example.org"
#define MARIA_PW	"Chartty-demo-1"
#define NEW_PW		"Brand-new-1"
#define GRACE		"grace@example.org"
#define SAMUEL		"samuel@example.org"
#define KIOSK_ID	"kiosk-main-street"
#define KIOSK_SECRET	"kiosk-demo-secret"
#define RESET_SENT	"Check your email for a reset link; paste the link " \
	"or its code here."
#define REMINDED	"If we found your account, we sent a reminder to the " \
	"email on file."
#define WELCOME		"Welcome! Your account is ready, and you are signed in."

/*
 * Answers are capped at 1 MiB here (http_set_limits; HTTP_MAX_BODY, 16
 * MiB, by default, which test-faults meets with 64 MiB), so that a huge
 * answer of a few MiB is over the cap: the client must stop reading it.
 */
#define CAP		(1024U * 1024)
#define HUGE_BYTES	(8U * 1024 * 1024)

/* The faults, and the words of the sentence each must give. */
static const struct kind {
	const char	*name;
	int		 count;
	const char	*says;
} kinds[] = {
	{ "500", 1, "had a problem" },
	/* Two: libcurl retries a dropped reused connection once. */
	{ "drop", 2, "was lost" },
	{ "truncate", 1, "was lost" },
	{ "malformed", 1, "could not be read" },
	{ "huge", 1, "too large" },
	/* A valid answer of the wrong kind (a Bundle), under the cap. */
	{ "bundle", 1, "could not be understood" },
};

/* Inject k's fault on the requests whose path starts with path. */
static void
fault(const struct kind *k, const char *path)
{
	if (strcmp(k->name, "huge") == 0)
		pt_fault_huge(k->count, HUGE_BYTES, path);
	else if (strcmp(k->name, "bundle") == 0)
		pt_fault_huge(k->count, 64 * 1024, path);
	else
		pt_fault(k->name, k->count, 0, path);
}

/* A line of /proc/self/status in KiB ("VmHWM"), or -1. */
static long
status_kib(const char *key)
{
	FILE	*f;
	char	 line[256];
	size_t	 n = strlen(key);
	long	 kib = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, key, n) == 0 && line[n] == ':') {
			kib = strtol(line + n + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return kib;
}

static long	peak_base = -1;	/* resident KiB when the peak was reset */

/* Before an action under a huge answer: start counting the peak anew. */
static void
peak_start(const struct kind *k)
{
	FILE	*f;
	int	 rc;

	peak_base = -1;
	if (strcmp(k->name, "huge") != 0)
		return;
	/* Free memory goes back, so that using it again counts. */
	malloc_trim(0);
	if ((f = fopen("/proc/self/clear_refs", "w")) == NULL)
		return;
	rc = fputs("5", f);	/* 5: VmHWM starts again from VmRSS */
	if (fclose(f) == 0 && rc >= 0)
		peak_base = status_kib("VmRSS");
}

/* After it: the process never held the whole answer. */
static void
peak_check(const struct kind *k, const char *what)
{
	long	peak;

	if (strcmp(k->name, "huge") != 0)
		return;
	if (peak_base < 0 || (peak = status_kib("VmHWM")) < 0) {
		ok(1, "%s: the peak memory # SKIP no /proc/self/clear_refs",
		    what);
		return;
	}
	ok(peak - peak_base < (long)(HUGE_BYTES / 2 / 1024), "%s: a %u MiB "
	    "answer is not kept (%ld KiB more at the peak)", what,
	    HUGE_BYTES / (1024 * 1024), peak - peak_base);
}

/*
 * The action failed (flags) and said k's sentence; a server error also
 * names what could not be done (about), when the client words it.
 */
static void
said(const struct kind *k, struct app *app, int flags, const char *what,
    const char *about)
{
	const char	*m = app->message;

	ok(flags == APP_REDRAW && pt_sentence(m), "%s with a %s answer: one "
	    "sentence, the form stays: %s", what, k->name, m ? m : "(none)");
	ok(m != NULL && strstr(m, k->says) != NULL && strstr(m, "curl") ==
	    NULL && strstr(m, "Could not talk") == NULL, "%s: it says what "
	    "went wrong (\"%s\")", what, k->says);
	if (about != NULL && strcmp(k->name, "500") == 0)
		like(m, about, "%s: and what could not be done", what);
}

/* The text of the field labelled label, as the screen holds it, or NULL. */
static const char *
text_of(const struct screen *s, struct app *app, void *state,
    const char *label)
{
	struct view		 v;
	const struct view_row	*r;
	const char		*t = NULL;

	view_init(&v);
	s->view(app, state, &v);
	if ((r = st_row(&v, ROW_FIELD, label)) != NULL && r->field != NULL)
		t = r->field->text;	/* the screen's own field */
	view_free(&v);
	return t;
}

/* Non-zero when the field labelled label holds want. */
static int
holds(const struct screen *s, struct app *app, void *state,
    const char *label, const char *want)
{
	const char	*t = text_of(s, app, state, label);

	if (t == NULL || strcmp(t, want) != 0) {
		diag("%s holds \"%s\", not \"%s\"", label, t ? t : "(none)",
		    want);
		return 0;
	}
	return 1;
}

/* Non-zero when the screen shows a row of kind starting with label. */
static int
shows(const struct screen *s, struct app *app, void *state,
    enum row_kind kind, const char *label)
{
	struct view	v;
	int		found;

	view_init(&v);
	s->view(app, state, &v);
	found = st_row(&v, kind, label) != NULL;
	view_free(&v);
	return found;
}

/* How many messages of kind the outbox holds for email. */
static size_t
mails(const char *email, const char *kind)
{
	struct json	*box;
	char		*path = xasprintf("/_test/outbox?to=%s", email);
	const char	*k;
	size_t		 i, n = 0;

	box = pt_get(path);
	for (i = 0; i < json_size(box); i++) {
		k = json_gets(json_at(box, i), "kind");
		n += k != NULL && strcmp(k, kind) == 0;
	}
	json_free(box);
	free(path);
	return n;
}

/* The newest reset link in email's outbox (static), or "". */
static const char *
reset_link(const char *email)
{
	static char	 url[512];
	struct json	*box;
	char		*path = xasprintf("/_test/outbox?to=%s", email);
	const char	*k;
	size_t		 i;

	url[0] = '\0';
	box = pt_get(path);
	for (i = 0; i < json_size(box); i++) {
		k = json_gets(json_at(box, i), "kind");
		if (k != NULL && strcmp(k, "reset-password") == 0)
			snprintf(url, sizeof url, "%s",
			    json_gets(json_at(box, i), "url"));
	}
	json_free(box);
	free(path);
	return url;
}

/* Does email sign in with password? */
static int
signs_in(const char *email, const char *password)
{
	struct portal	*p = portal_create(pt_url(), email, 0);
	char		*cause = NULL;
	int		 rc;

	if ((rc = portal_connect(p, &cause)) == AUTH_OK)
		rc = portal_sign_in(p, password, &cause);
	free(cause);
	portal_free(p);
	return rc == AUTH_OK;
}

/* The cap on what one answer may hold, lowered (see CAP). */
static void
cap(struct portal *p)
{
	http_set_limits(portal_http(p), HTTP_CONNECT_MS, HTTP_STALL_S, CAP);
}

/* A signed-out app whose portal (for email) knows the server, as the
 * sign-in screen leaves it before Forgot password or Activate. */
static void
out_start(struct app *app, const char *email)
{
	char	*cause = NULL;

	memset(app, 0, sizeof *app);
	app->portal = portal_create(pt_url(), email, 0);
	if (portal_connect(app->portal, &cause) != AUTH_OK) {
		printf("Bail out! the portal did not answer: %s\n",
		    cause ? cause : "?");
		exit(1);
	}
	cap(app->portal);
}

/* Forgot password: the reset email asked for, then the link pasted. */
static void
test_password(const struct kind *k)
{
	struct app	 app;
	void		*s;
	const char	*link;
	char		*what;
	int		 flags;

	out_start(&app, "");
	if ((s = st_open(&screen_recover, &app, xstrdup("password"))) ==
	    NULL) {
		st_end(&app);
		return;
	}
	st_field(&screen_recover, &app, s, "Email", MARIA);
	what = xasprintf("the reset email asked for (%s)", k->name);
	fault(k, "/auth/resetpassword");
	peak_start(k);
	flags = st_press(&screen_recover, &app, s, ROW_BUTTON, "Send the "
	    "reset email");
	said(k, &app, flags, what, "could not send the reset email");
	peak_check(k, what);
	ok(holds(&screen_recover, &app, s, "Email", MARIA) &&
	    shows(&screen_recover, &app, s, ROW_BUTTON, "Send the reset "
	    "email") && !shows(&screen_recover, &app, s, ROW_FIELD, "Link"),
	    "%s: the email typed is kept, and asked for again", what);
	ok(mails(MARIA, "reset-password") == 0, "%s: no email went out",
	    what);
	pt_clear_faults();
	flags = st_press(&screen_recover, &app, s, ROW_BUTTON, "Send the "
	    "reset email");
	ok(flags == APP_REDRAW && app.message != NULL &&
	    strcmp(app.message, RESET_SENT) == 0 && shows(&screen_recover,
	    &app, s, ROW_FIELD, "Link or code"), "%s: once the portal is "
	    "well, it is sent: %s", what, app.message ? app.message :
	    "(none)");
	ok(mails(MARIA, "reset-password") == 1, "%s: one email in the "
	    "outbox", what);
	free(what);

	what = xasprintf("the new password set (%s)", k->name);
	link = reset_link(MARIA);
	st_field(&screen_recover, &app, s, "Link or code", link);
	st_field(&screen_recover, &app, s, "New password", NEW_PW);
	st_field(&screen_recover, &app, s, "New password again", NEW_PW);
	fault(k, "/auth/setpassword");
	peak_start(k);
	flags = st_press(&screen_recover, &app, s, ROW_BUTTON, "Set the "
	    "password");
	said(k, &app, flags, what, "could not change the password");
	peak_check(k, what);
	ok(holds(&screen_recover, &app, s, "Link or code", link) &&
	    shows(&screen_recover, &app, s, ROW_BUTTON, "Set the password"),
	    "%s: the link pasted is kept", what);
	ok(holds(&screen_recover, &app, s, "New password", "") &&
	    holds(&screen_recover, &app, s, "New password again", ""),
	    "%s: the passwords sent are wiped, not kept", what);
	ok(signs_in(MARIA, MARIA_PW), "%s: the password did not change",
	    what);
	pt_clear_faults();
	st_field(&screen_recover, &app, s, "New password", NEW_PW);
	st_field(&screen_recover, &app, s, "New password again", NEW_PW);
	flags = st_press(&screen_recover, &app, s, ROW_BUTTON, "Set the "
	    "password");
	ok(flags == (APP_POP | APP_REFETCH) && app.message != NULL &&
	    strcmp(app.message, "Your password was changed. Sign in with it "
	    "now.") == 0, "%s: once the portal is well, it is set: %s", what,
	    app.message ? app.message : "(none)");
	ok(signs_in(MARIA, NEW_PW), "%s: and signs in", what);
	free(what);
	screen_recover.close(s);
	st_end(&app);
}

/* Forgot username: names and birth date, a reminder by email. */
static void
test_username(const struct kind *k)
{
	struct app	 app;
	void		*s;
	char		*what;
	int		 flags;

	out_start(&app, "");
	if ((s = st_open(&screen_recover, &app, xstrdup("username"))) ==
	    NULL) {
		st_end(&app);
		return;
	}
	what = xasprintf("a username reminder (%s)", k->name);
	st_field(&screen_recover, &app, s, "First name", "Maria");
	st_field(&screen_recover, &app, s, "Last name", "Lopez");
	st_field(&screen_recover, &app, s, "Date of birth", "03/14/1971");
	fault(k, "/auth/forgot-username");
	peak_start(k);
	flags = st_press(&screen_recover, &app, s, ROW_BUTTON, "Send a "
	    "reminder");
	said(k, &app, flags, what, "could not send the reminder");
	peak_check(k, what);
	ok(holds(&screen_recover, &app, s, "First name", "Maria") &&
	    holds(&screen_recover, &app, s, "Last name", "Lopez") &&
	    holds(&screen_recover, &app, s, "Date of birth", "03/14/1971"),
	    "%s: the names and birth date typed are kept", what);
	ok(mails(MARIA, "username-reminder") == 0, "%s: no reminder went "
	    "out", what);
	pt_clear_faults();
	flags = st_press(&screen_recover, &app, s, ROW_BUTTON, "Send a "
	    "reminder");
	ok(flags == APP_POP && app.message != NULL && strcmp(app.message,
	    REMINDED) == 0 && mails(MARIA, "username-reminder") == 1,
	    "%s: once the portal is well, it is sent: %s", what,
	    app.message ? app.message : "(none)");
	free(what);
	screen_recover.close(s);
	st_end(&app);
}

/* An activation code from the clinic (a fresh one from the portal). */
static char *
activation_code(const char *patient)
{
	struct json	*j;
	char		*body, *code;

	body = xasprintf("{\"patient\":\"%s\"}", patient);
	j = pt_post("/_test/activation-code", body);
	free(body);
	code = xstrdup(json_gets(j, "code"));
	json_free(j);
	if (code == NULL) {
		printf("Bail out! no activation code for %s\n", patient);
		exit(1);
	}
	return code;
}

/*
 * Getting an account (screen_join with arg): the fields of the form
 * typed, values[] for labels[] (the email is the portal's, filled in);
 * who is then signed in.
 */
static void
test_join(const struct kind *k, const char *arg, const char *email,
    const char *const *labels, const char *const *values, size_t n,
    const char *button, const char *patient)
{
	struct app	 app;
	void		*s;
	char		*what;
	size_t		 i;
	int		 flags, kept;

	out_start(&app, email);
	if ((s = st_open(&screen_join, &app, xstrdup(arg))) == NULL) {
		st_end(&app);
		return;
	}
	what = xasprintf("%s (%s)", button, k->name);
	for (i = 0; i < n; i++)
		st_field(&screen_join, &app, s, labels[i], values[i]);
	st_field(&screen_join, &app, s, "New password", NEW_PW);
	st_field(&screen_join, &app, s, "New password again", NEW_PW);
	fault(k, strcmp(arg, "signup") == 0 ? "/auth/signup" :
	    "/auth/activate");
	peak_start(k);
	flags = st_press(&screen_join, &app, s, ROW_BUTTON, button);
	said(k, &app, flags, what, "could not sign you in");
	peak_check(k, what);
	for (kept = 1, i = 0; i < n; i++) {
		if (strcmp(labels[i], "Last 4") != 0)
			kept = holds(&screen_join, &app, s, labels[i],
			    values[i]) && kept;
	}
	ok(kept && holds(&screen_join, &app, s, "Email", email),
	    "%s: everything typed is kept", what);
	ok(holds(&screen_join, &app, s, "New password", "") &&
	    holds(&screen_join, &app, s, "New password again", "") &&
	    (strcmp(arg, "signup") != 0 || holds(&screen_join, &app, s,
	    "Last 4", "")), "%s: the passwords%s sent are wiped, not kept",
	    what, strcmp(arg, "signup") == 0 ? " and SSN digits" : "");
	ok(!portal_signed_in(app.portal) && !signs_in(email, NEW_PW),
	    "%s: no account was made", what);
	pt_clear_faults();
	for (i = 0; i < n; i++) {
		if (strcmp(labels[i], "Last 4") == 0)
			st_field(&screen_join, &app, s, labels[i], values[i]);
	}
	st_field(&screen_join, &app, s, "New password", NEW_PW);
	st_field(&screen_join, &app, s, "New password again", NEW_PW);
	flags = st_press(&screen_join, &app, s, ROW_BUTTON, button);
	ok(flags == APP_HOME && app.message != NULL && strcmp(app.message,
	    WELCOME) == 0, "%s: once the portal is well, it works: %s", what,
	    app.message ? app.message : "(none)");
	ok(app_patient(&app) != NULL && strcmp(app_patient(&app), patient) ==
	    0, "%s: signed in as %s", what, patient);
	free(what);
	screen_join.close(s);
	st_end(&app);
}

static void
test_activation(const struct kind *k)
{
	static const char *const labels[] = { "Activation code",
	    "Date of birth" };
	const char	*values[2];
	char		*code = activation_code("grace-okafor");

	values[0] = code;
	values[1] = "04/12/1988";
	test_join(k, "activation", GRACE, labels, values, 2, "Activate",
	    "grace-okafor");
	free(code);
}

static void
test_signup(const struct kind *k)
{
	static const char *const labels[] = { "First name", "Last name",
	    "Date of birth", "Last 4" };
	static const char *const values[] = { "Samuel", "Reyes",
	    "07/23/1990", "6789" };

	test_join(k, "signup", SAMUEL, labels, values, 4, "Sign up",
	    "samuel-reyes");
}

/* A kiosk device signed in with its secret (the keyring's part is
 * tests/keyring/kiosk.py's): a portal as portal_device_sign_in leaves. */
static struct portal *
kiosk_device(void)
{
	struct portal	*p = portal_create(pt_url(), KIOSK_ID, 0);
	char		*cause = NULL;
	int		 rc;

	if ((rc = portal_connect(p, &cause)) == AUTH_OK)
		rc = auth_device(portal_http(p), portal_server(p), KIOSK_ID,
		    KIOSK_SECRET, portal_session(p), &cause);
	if (rc != AUTH_OK) {
		printf("Bail out! the kiosk did not sign in: %s\n",
		    cause ? cause : "?");
		exit(1);
	}
	fhir_set_token(portal_fhir(p), portal_session(p)->access_token);
	free(portal_notice(p));
	return p;
}

/* The kiosk: the lookup, then the first check-in step (contact). */
static void
test_kiosk(const struct kind *k)
{
	static const char *const labels[] = { "Last name", "Date of birth",
	    "First name" };
	static const char *const values[] = { "Pena", "06/15/1990", "Zoe" };
	struct app	 app;
	void		*s;
	char		*what;
	size_t		 i;
	int		 flags, kept;

	memset(&app, 0, sizeof app);
	app.opt.kiosk = 1;
	app.opt.label = "Main Street Clinic";
	app.portal = kiosk_device();
	cap(app.portal);
	if ((s = st_open(&screen_kiosk, &app, NULL)) == NULL) {
		st_end(&app);
		return;
	}
	st_press(&screen_kiosk, &app, s, ROW_BUTTON, "Check in");
	what = xasprintf("the kiosk lookup (%s)", k->name);
	for (i = 0; i < 3; i++)
		st_field(&screen_kiosk, &app, s, labels[i], values[i]);
	fault(k, "/fhir/R4/Appointment/$kiosk-lookup");
	peak_start(k);
	flags = st_press(&screen_kiosk, &app, s, ROW_BUTTON, "Find my visit");
	said(k, &app, flags, what, NULL);
	peak_check(k, what);
	for (kept = 1, i = 0; i < 3; i++)
		kept = holds(&screen_kiosk, &app, s, labels[i], values[i]) &&
		    kept;
	ok(kept && shows(&screen_kiosk, &app, s, ROW_BUTTON, "Find my visit"),
	    "%s: the name and birth date typed are kept", what);
	pt_clear_faults();
	flags = st_press(&screen_kiosk, &app, s, ROW_BUTTON, "Find my visit");
	ok(flags == APP_REDRAW && app.message == NULL && shows(&screen_kiosk,
	    &app, s, ROW_HEADING, "Your visit") && shows(&screen_kiosk, &app,
	    s, ROW_BUTTON, "This is not my visit"), "%s: once the portal is "
	    "well, the visit is found%s%s", what, app.message ? ": " : "",
	    app.message ? app.message : "");
	free(what);

	what = xasprintf("the contact step at the kiosk (%s)", k->name);
	st_press(&screen_kiosk, &app, s, ROW_BUTTON, "Check in");
	ok(shows(&screen_kiosk, &app, s, ROW_HEADING, "Step 1 of") &&
	    shows(&screen_kiosk, &app, s, ROW_BUTTON, "These are right"),
	    "%s: the first step is the contact details", what);
	st_field(&screen_kiosk, &app, s, "Phone", "555-0166");
	fault(k, "/fhir/R4/Patient");
	peak_start(k);
	flags = st_press(&screen_kiosk, &app, s, ROW_BUTTON, "These are "
	    "right");
	said(k, &app, flags, what, NULL);
	peak_check(k, what);
	ok(holds(&screen_kiosk, &app, s, "Phone", "555-0166") &&
	    holds(&screen_kiosk, &app, s, "Street address", "7 Birch Court") &&
	    shows(&screen_kiosk, &app, s, ROW_HEADING, "Step 1 of"),
	    "%s: the phone typed is kept, on the same step", what);
	pt_clear_faults();
	flags = st_press(&screen_kiosk, &app, s, ROW_BUTTON, "These are "
	    "right");
	ok(flags == APP_REDRAW && shows(&screen_kiosk, &app, s, ROW_HEADING,
	    "Step 2 of") && !shows(&screen_kiosk, &app, s, ROW_BUTTON,
	    "These are right"), "%s: once the portal is well, on to the next "
	    "step%s%s", what, app.message ? ": " : "", app.message ?
	    app.message : "");
	free(what);
	screen_kiosk.close(s);
	st_end(&app);
}

int
main(void)
{
	size_t	i;

	for (i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		pt_reset();
		test_password(&kinds[i]);
		test_username(&kinds[i]);
		test_activation(&kinds[i]);
		test_signup(&kinds[i]);
		test_kiosk(&kinds[i]);
	}
	pt_reset();
	return done_testing();
}
