/* The sign-in screen: portal, email, password, then the MFA code if asked. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "portal.h"
#include "util.h"
#include "view.h"

enum { SIGNIN_SERVER, SIGNIN_EMAIL, SIGNIN_PASSWORD, SIGNIN_CODE,
    SIGNIN_GO, SIGNIN_VERIFY, SIGNIN_RESTART, SIGNIN_FORGOT_PASSWORD,
    SIGNIN_FORGOT_USERNAME, SIGNIN_ACTIVATE, SIGNIN_SIGNUP };

struct signin {
	struct field	server;
	struct field	email;
	struct field	password;
	struct field	code;
	int		ask_server;
	int		mfa;		/* waiting for the code */
	int		other;		/* signed in as someone else */
	int		placed;		/* the first focus was placed */
};

static int
signin_open(struct app *app, void *arg, void **state, char **cause)
{
	struct signin	*s = xcalloc(1, sizeof *s);

	if (app->portal != NULL) {
		field_set(&s->server, portal_url(app->portal));
		field_set(&s->email, portal_email(app->portal));
	} else {
		field_set(&s->server, app->opt.server);
		field_set(&s->email, app->opt.email);
	}
	s->ask_server = app->opt.server == NULL;
	*state = s;
	return 0;
}

/* A button aside (plain mode: when the password is left empty), shown
 * when the portal announces cap or is not known yet. */
static void
signin_aside(struct app *app, struct view *v, unsigned int cap, int id,
    const char *label)
{
	int	at;

	if (app->portal != NULL && portal_fhir(app->portal) != NULL &&
	    !(portal_server(app->portal)->caps & cap))
		return;
	at = view_button(v, id, label);
	v->rows[at].flags |= ROW_ASIDE;
}

/* Is the portal known to sign in only through a browser (SMART)? */
static int
signin_browser_only(const struct app *app)
{
	unsigned int	caps;

	if (app->portal == NULL || portal_fhir(app->portal) == NULL)
		return 0;
	caps = portal_server(app->portal)->caps;
	return !(caps & AUTH_CAP_PASSWORD) && (caps & AUTH_CAP_SMART);
}

static void
signin_view(struct app *app, void *state, struct view *v)
{
	struct signin	*s = state;
	int		 at;

	v->whose = NULL;
	if (s->mfa) {
		view_text(v, "Enter the 6-digit code from your authenticator "
		    "app.");
		v->focus = view_field(v, SIGNIN_CODE, "Verification code",
		    &s->code, 0);
		view_button(v, SIGNIN_VERIFY, "Verify");
		view_button(v, SIGNIN_RESTART, "Start over");
		return;
	}
	if (s->ask_server)
		view_text(v, "Sign in to your patient portal.");
	else
		view_text(v, view_printf(v, "Sign in to %s.", app->opt.label ?
		    app->opt.label : s->server.text));
	if (app->opt.note != NULL)
		view_text(v, app->opt.note);
	if (s->ask_server)
		view_field(v, SIGNIN_SERVER, "Portal address", &s->server, 0);
	view_field(v, SIGNIN_EMAIL, "Email", &s->email, 0);
	if (signin_browser_only(app)) {
		/* The health system's own page asks for the password. */
		at = view_button(v, SIGNIN_GO, "Sign in with your browser");
	} else {
		at = view_field(v, SIGNIN_PASSWORD, "Password", &s->password,
		    ROW_SECRET);
		view_button(v, SIGNIN_GO, "Sign in");
	}
	/* Start where typing is needed: the first empty field (once: the
	 * focus then stays where the person moves it). */
	if (!s->placed && s->email.len > 0 &&
	    (!s->ask_server || s->server.len > 0))
		v->focus = at;
	s->placed = 1;
	/*
	 * Getting back in and getting an account, where the portal offers
	 * them (all of them until it is known).
	 */
	signin_aside(app, v, AUTH_CAP_PASSWORD, SIGNIN_FORGOT_PASSWORD,
	    "Forgot password");
	signin_aside(app, v, AUTH_CAP_PASSWORD, SIGNIN_FORGOT_USERNAME,
	    "Forgot username");
	signin_aside(app, v, AUTH_CAP_ACTIVATION, SIGNIN_ACTIVATE,
	    "Activate with a code");
	signin_aside(app, v, AUTH_CAP_SIGNUP, SIGNIN_SIGNUP, "Sign up");
}

/* Signed in: load the records and go on. */
static int
signin_done(struct app *app, struct signin *s)
{
	char	*cause = NULL;

	field_clear(&s->password);
	field_clear(&s->code);
	app_notice(app);
	if (app_signed_in(app, &cause) != 0) {
		app_say(app, cause);
		free(cause);
		return APP_REDRAW;
	}
	/*
	 * Back to the screens under us (their drafts kept), else Home; for
	 * another account, Home (the screens under us keep their drafts
	 * for the account they belong to as they close).
	 */
	return app->depth > 1 && !s->other ? APP_POP | APP_REFETCH : APP_HOME;
}

/*
 * The portal for the address and email typed, discovered: 0, or -1 when
 * it cannot be reached (said).
 */
static int
signin_portal(struct app *app, struct signin *s)
{
	char	*cause = NULL;

	if (app->portal != NULL &&
	    (strcmp(portal_url(app->portal), s->server.text) != 0 ||
	    strcmp(portal_email(app->portal), s->email.text) != 0)) {
		portal_free(app->portal);
		app->portal = NULL;
		s->other = 1;	/* someone else: nothing under us is theirs */
	}
	if (app->portal == NULL) {
		app->portal = app_portal_create(app, s->server.text,
		    s->email.text);
	}
	if (portal_fhir(app->portal) == NULL) {
		app_loading(app, "Connecting to the portal...");
		if (portal_connect(app->portal, &cause) != AUTH_OK) {
			field_clear(&s->password);
			app_say(app, cause);
			free(cause);
			return -1;
		}
	}
	return 0;
}

static int
signin_password(struct app *app, struct signin *s)
{
	char	*cause = NULL;
	int	 rc;

	if (s->server.len == 0 || s->email.len == 0 || (s->password.len ==
	    0 && !signin_browser_only(app))) {
		app_say(app, s->server.len == 0 ? "Please enter the portal's "
		    "address." : s->email.len == 0 ? "Please enter your "
		    "email." : "Please enter your password.");
		return APP_REDRAW;
	}
	if (signin_portal(app, s) != 0)
		return APP_REDRAW;
	/* A health system's SMART server: its own page, in a browser. */
	if (signin_browser_only(app)) {
		field_clear(&s->password);
		return app_push(app, &screen_smart, NULL);
	}
	app_loading(app, "Signing in...");
	rc = portal_sign_in(app->portal, s->password.text, &cause);
	field_clear(&s->password);
	if (rc == AUTH_NEED_MFA) {
		s->mfa = 1;
		return APP_REDRAW;
	}
	if (rc == AUTH_OK)
		return signin_done(app, s);
	app_say(app, cause);
	free(cause);
	return APP_REDRAW;
}

static int
signin_code(struct app *app, struct signin *s)
{
	char	*cause = NULL;
	int	 rc;

	if (s->code.len == 0) {
		app_say(app, "Please enter the code.");
		return APP_REDRAW;
	}
	app_loading(app, "Checking the code...");
	rc = portal_verify(app->portal, s->code.text, &cause);
	field_clear(&s->code);
	if (rc == AUTH_OK)
		return signin_done(app, s);
	if (!portal_mfa_pending(app->portal))
		s->mfa = s->placed = 0;	/* the sign-in ended: start over */
	app_say(app, cause);
	free(cause);
	return APP_REDRAW;
}

static int
signin_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct signin	*s = state;

	switch (r->id) {
	case SIGNIN_FORGOT_PASSWORD:
	case SIGNIN_FORGOT_USERNAME:
	case SIGNIN_ACTIVATE:
	case SIGNIN_SIGNUP:
		if (s->server.len == 0) {
			app_say(app, "Please enter the portal's address.");
			return APP_REDRAW;
		}
		/* The email may be empty (a forgotten username). */
		if (app->portal == NULL || strcmp(portal_url(app->portal),
		    s->server.text) != 0) {
			portal_free(app->portal);
			app->portal = app_portal_create(app, s->server.text,
			    s->email.text);
		}
		if (signin_portal(app, s) != 0)
			return APP_REDRAW;
		if (r->id == SIGNIN_ACTIVATE || r->id == SIGNIN_SIGNUP) {
			if (!(portal_server(app->portal)->caps &
			    (r->id == SIGNIN_ACTIVATE ? AUTH_CAP_ACTIVATION :
			    AUTH_CAP_SIGNUP))) {
				app_say(app, "This portal does not offer that; "
				    "ask the clinic how to get an account.");
				return APP_REDRAW;
			}
			return app_push(app, &screen_join, xstrdup(
			    r->id == SIGNIN_SIGNUP ? "signup" :
			    "activation"));
		}
		return app_push(app, &screen_recover, xstrdup(
		    r->id == SIGNIN_FORGOT_PASSWORD ? "password" :
		    "username"));
	case SIGNIN_RESTART:
		s->mfa = s->placed = 0;
		field_clear(&s->code);
		return APP_REDRAW;
	case SIGNIN_CODE:
	case SIGNIN_VERIFY:
		return signin_code(app, s);
	default:
		return signin_password(app, s);
	}
}

static void
signin_close(void *state)
{
	struct signin	*s = state;

	field_clear(&s->password);
	field_clear(&s->code);
	free(s);
}

/* Back on top after getting back in: the focus to the password again. */
static int
signin_fetch(struct app *app, void *state, char **cause)
{
	struct signin	*s = state;

	s->placed = 0;
	return 0;
}

const struct screen screen_signin = {
	.title = "Sign in",
	.open = signin_open,
	.fetch = signin_fetch,
	.view = signin_view,
	.action = signin_action,
	.close = signin_close,
	.signed_out = 1,
};
