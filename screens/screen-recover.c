/*
 * Getting back in without a browser: a forgotten password (a reset
 * email, then its link or code pasted here and a new password twice) or
 * a forgotten username (names and birth date: a reminder by email).
 * Opened from the sign-in screen with "password" or "username".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "fhirtime.h"
#include "portal.h"
#include "screens.h"
#include "util.h"
#include "view.h"

#define RECOVER_SENT	"Check your email for a reset link; paste the " \
	"link or its code here."
#define RECOVER_REMINDED "If we found your account, we sent a reminder " \
	"to the email on file."

enum { R_EMAIL, R_SEND, R_LINK, R_NEW, R_AGAIN, R_SET, R_FIRST, R_LAST,
    R_BIRTH, R_REMIND, R_RESEND };

struct recover {
	int		username;	/* else the password */
	int		sent;		/* the reset email was asked for */
	int		focus_to;	/* the row the focus goes to next, or 0 */
	struct field	email, link, password, again;
	struct field	first, last, birth;
};

static int
recover_open(struct app *app, void *arg, void **state, char **cause)
{
	struct recover	*s = xcalloc(1, sizeof *s);

	s->username = arg != NULL && strcmp(arg, "username") == 0;
	free(arg);
	if (portal_email(app->portal) != NULL)
		field_set(&s->email, portal_email(app->portal));
	*state = s;
	return 0;
}

static const char *
recover_title(void *state)
{
	struct recover	*s = state;

	return s->username ? "Forgot username" : "Forgot password";
}

static void
recover_view(struct app *app, void *state, struct view *v)
{
	struct recover	*s = state;
	int		 at;

	v->whose = NULL;
	if (s->username) {
		view_text(v, "Type your name and date of birth as the clinic "
		    "has them. If they match an account, a reminder goes to "
		    "its email.");
		view_field(v, R_FIRST, "First name", &s->first, 0);
		view_field(v, R_LAST, "Last name", &s->last, 0);
		view_field(v, R_BIRTH, "Date of birth (MM/DD/YYYY)", &s->birth,
		    0);
		view_button(v, R_REMIND, "Send a reminder");
		return;
	}
	if (!s->sent) {
		view_text(v, "Type the email you sign in with. If it has an "
		    "account, a reset link goes to it.");
		view_field(v, R_EMAIL, "Email", &s->email, 0);
		view_button(v, R_SEND, "Send the reset email");
		return;
	}
	view_text(v, RECOVER_SENT);
	/* Just sent: the link is what comes; passwords wiped: type again. */
	at = view_field(v, R_LINK, "Link or code", &s->link, 0);
	if (s->focus_to == R_LINK)
		v->focus = at;
	at = view_field(v, R_NEW, "New password", &s->password, ROW_SECRET);
	if (s->focus_to == R_NEW)
		v->focus = at;
	s->focus_to = 0;
	view_field(v, R_AGAIN, "New password again", &s->again, ROW_SECRET);
	view_button(v, R_SET, "Set the password");
	view_button(v, R_RESEND, "Send another email");
}

static void
recover_wipe_passwords(struct recover *s)
{
	field_clear(&s->password);
	field_clear(&s->again);
}

static int
recover_send(struct app *app, struct recover *s)
{
	char	*cause = NULL;
	int	 rc;

	if (s->email.len == 0) {
		app_say(app, "Please enter your email.");
		return APP_REDRAW;
	}
	app_loading(app, "Asking for a reset email...");
	rc = auth_reset_request(portal_http(app->portal),
	    portal_server(app->portal), s->email.text, &cause);
	if (rc != AUTH_OK) {
		app_say(app, cause);
		free(cause);
		return APP_REDRAW;
	}
	s->sent = 1;
	s->focus_to = R_LINK;
	app_say(app, RECOVER_SENT);
	return APP_REDRAW;
}

static int
recover_set(struct app *app, struct recover *s)
{
	char	*id = NULL, *secret = NULL, *cause = NULL;
	int	 rc;

	if (auth_reset_link(s->link.text, &id, &secret) != 0) {
		app_say(app, "Paste the whole link from the email, or its "
		    "code.");
		return APP_REDRAW;
	}
	if (s->password.len == 0 || strcmp(s->password.text,
	    s->again.text) != 0) {
		/* Nothing is sent until the two are the same. */
		app_say(app, s->password.len == 0 ? "Please type a new "
		    "password." : "The two passwords are not the same; type "
		    "them again.");
		recover_wipe_passwords(s);
		s->focus_to = R_NEW;
		free(id);
		secret_free(secret);
		return APP_REDRAW;
	}
	app_loading(app, "Setting the password...");
	rc = auth_set_password(portal_http(app->portal),
	    portal_server(app->portal), id, secret, s->password.text, &cause);
	recover_wipe_passwords(s);
	free(id);
	secret_free(secret);
	if (rc != AUTH_OK) {
		app_say(app, cause);	/* the portal's words */
		free(cause);
		return APP_REDRAW;
	}
	app_say(app, "Your password was changed. Sign in with it now.");
	return APP_POP | APP_REFETCH;
}

static int
recover_remind(struct app *app, struct recover *s)
{
	char	 birth[11], *cause = NULL;
	int	 rc;

	if (s->first.len == 0 || s->last.len == 0 ||
	    fhir_birth_date(s->birth.text, birth) != 0) {
		app_say(app, s->first.len == 0 || s->last.len == 0 ?
		    "Please type your first and last name." : "Type your "
		    "date of birth as MM/DD/YYYY, for example 04/17/1988.");
		return APP_REDRAW;
	}
	app_loading(app, "Asking for a reminder...");
	rc = auth_forgot_username(portal_http(app->portal),
	    portal_server(app->portal), s->first.text, s->last.text, birth,
	    &cause);
	if (rc != AUTH_OK) {
		app_say(app, cause);
		free(cause);
		return APP_REDRAW;
	}
	app_say(app, RECOVER_REMINDED);
	return APP_POP;
}

static int
recover_action(struct app *app, void *state, const struct view_row *r)
{
	struct recover	*s = state;

	switch (r->id) {
	case R_EMAIL:
	case R_SEND:
		return recover_send(app, s);
	case R_RESEND:
		s->sent = 0;
		field_clear(&s->link);
		recover_wipe_passwords(s);
		return APP_REDRAW;
	case R_LINK:
	case R_NEW:
	case R_AGAIN:
	case R_SET:
		return recover_set(app, s);
	default:
		return recover_remind(app, s);
	}
}

static void
recover_close(void *state)
{
	struct recover	*s = state;

	secure_wipe(s, sizeof *s);	/* passwords, the link, the names */
	free(s);
}

const struct screen screen_recover = {
	.title = "Forgot password",
	.title_of = recover_title,
	.open = recover_open,
	.view = recover_view,
	.action = recover_action,
	.close = recover_close,
	.signed_out = 1,
};
