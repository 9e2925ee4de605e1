/*
 * Two-step verification: whether it is on, and turning it on. The key
 * for the authenticator app is shown as text (in groups, and the whole
 * setup link) and, in curses without --ascii, as a QR code to scan;
 * then the app's first code is checked by the portal.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "portal.h"
#include "qr.h"
#include "screens.h"
#include "util.h"
#include "view.h"

enum { TS_START, TS_NEXT, TS_CODE, TS_TURN_ON, TS_BACK, TS_CANCEL };
enum twostep_stage { STAGE_STATUS, STAGE_SCAN, STAGE_CODE };

struct twostep {
	struct account_mfa	 mfa;
	enum twostep_stage	 stage;
	struct arena		*a;
	struct picture		*qr;	/* NULL when it cannot be made */
	struct field		 code;
	int			 placed;
};

static void
twostep_free(struct twostep *s)
{
	account_mfa_free(&s->mfa);
	arena_free(s->a);
	secure_wipe(s, sizeof *s);
	free(s);
}

static int
twostep_load(struct app *app, struct twostep *s, char **cause)
{
	struct account_mfa	mfa;

	if (account_mfa_status(portal_fhir(app->portal), &mfa, cause) != 0)
		return -1;
	account_mfa_free(&s->mfa);
	s->mfa = mfa;
	arena_free(s->a);
	s->a = arena_create();
	s->qr = s->mfa.uri ? qr_picture(s->a, s->mfa.uri) : NULL;
	return 0;
}

static int
twostep_open(struct app *app, void *arg, void **state, char **cause)
{
	struct twostep	*s = xcalloc(1, sizeof *s);

	free(arg);
	if (twostep_load(app, s, cause) != 0) {
		twostep_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
twostep_view(struct app *app, void *state, struct view *v)
{
	struct twostep	*s = state;
	int		 at;

	if (s->mfa.enrolled) {
		view_text(v, "Two-step verification is on. Each time you sign "
		    "in, after your password, you type the code your "
		    "authenticator app shows.");
		view_text(v, "To turn it off, or if you lost the phone with "
		    "the app, call the help desk.");
		return;
	}
	switch (s->stage) {
	case STAGE_STATUS:
		view_text(v, "Two-step verification is off. When it is on, "
		    "signing in takes your password and a 6-digit code from "
		    "an authenticator app on your phone (such as Google "
		    "Authenticator, Microsoft Authenticator or 1Password), "
		    "so a stolen password alone cannot open your record.");
		view_button(v, TS_START, "Turn on two-step verification");
		view_button(v, TS_CANCEL, "Not now");
		break;
	case STAGE_SCAN:
		view_text(v, view_printf(v, "In your authenticator app, add "
		    "an account: scan the code below, or type this key: %s "
		    "(time-based).", s->mfa.key));
		view_button(v, TS_NEXT, "Next: type the app's code");
		view_button(v, TS_CANCEL, "Not now");
		if (s->qr != NULL)
			view_picture(v, s->qr, view_printf(v, "To show the "
			    "code to scan, make the window at least %d "
			    "columns wide and %d lines tall.", s->qr->width +
			    2, s->qr->nlines + 9));
		if (s->mfa.account != NULL)
			view_text(v, view_printf(v, "The app will list it as "
			    "%s%s%s.", s->mfa.issuer ? s->mfa.issuer : "",
			    s->mfa.issuer ? ": " : "", s->mfa.account));
		view_text(v, view_printf(v, "Apps that take a setup link "
		    "can use this one: %s", s->mfa.uri));
		break;
	case STAGE_CODE:
		view_text(v, "Type the 6-digit code the app shows now. A new "
		    "one comes every 30 seconds; any recent one works.");
		at = view_field(v, TS_CODE, "Code from the app", &s->code, 0);
		if (!s->placed)
			v->focus = at;
		s->placed = 1;
		view_button(v, TS_TURN_ON, "Turn on");
		view_button(v, TS_BACK, "Show the key again");
		view_button(v, TS_CANCEL, "Not now");
		break;
	}
}

static int
twostep_turn_on(struct app *app, struct twostep *s)
{
	char	*cause = NULL;

	app_loading(app, "Checking the code...");
	if (account_mfa_enroll(portal_fhir(app->portal), s->code.text,
	    &cause) != 0) {
		app_say(app, cause);	/* the portal's words */
		free(cause);
		field_clear(&s->code);
		return APP_REDRAW;
	}
	field_clear(&s->code);
	s->mfa.enrolled = 1;
	app_say(app, "Two-step verification is on. From now on, signing in "
	    "asks for a code from your app.");
	return APP_REDRAW;
}

static int
twostep_action(struct app *app, void *state, const struct view_row *r)
{
	struct twostep	*s = state;

	switch (r->id) {
	case TS_START:
		s->stage = STAGE_SCAN;
		return APP_REDRAW;
	case TS_NEXT:
		s->stage = STAGE_CODE;
		s->placed = 0;
		return APP_REDRAW;
	case TS_BACK:
		s->stage = STAGE_SCAN;
		return APP_REDRAW;
	case TS_CANCEL:
		return APP_POP;
	default:
		return twostep_turn_on(app, s);
	}
}

/* Esc steps back through the stages before closing. */
static int
twostep_back(struct app *app, void *state)
{
	struct twostep	*s = state;

	if (s->mfa.enrolled || s->stage == STAGE_STATUS)
		return 0;
	s->stage--;
	s->placed = 0;
	return APP_REDRAW;
}

static void
twostep_close(void *state)
{
	twostep_free(state);
}

const struct screen screen_twostep = {
	.title = "Two-step verification",
	.loading = "Loading two-step verification...",
	.open = twostep_open,
	.view = twostep_view,
	.action = twostep_action,
	.back = twostep_back,
	.close = twostep_close,
};
