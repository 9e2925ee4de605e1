/*
 * Getting an account from the terminal: with the activation code on the
 * after-visit paper, or by matching one's details to a patient of the
 * clinic (sign-up). Opened from the sign-in screen with "activation" or
 * "signup"; on success the patient is signed in (kept in the keyring).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "fhirtime.h"
#include "portal.h"
#include "screens.h"
#include "util.h"
#include "view.h"

enum { J_CODE, J_FIRST, J_LAST, J_BIRTH, J_SSN, J_EMAIL, J_NEW, J_AGAIN,
    J_GO };

struct join {
	int		signup;		/* else an activation code */
	struct field	code, first, last, birth, ssn, email, password, again;
};

static int
join_open(struct app *app, void *arg, void **state, char **cause)
{
	struct join	*s = xcalloc(1, sizeof *s);

	s->signup = arg != NULL && strcmp(arg, "signup") == 0;
	free(arg);
	if (portal_email(app->portal) != NULL)
		field_set(&s->email, portal_email(app->portal));
	*state = s;
	return 0;
}

static const char *
join_title(void *state)
{
	struct join	*s = state;

	return s->signup ? "Sign up" : "Activate your account";
}

static void
join_view(struct app *app, void *state, struct view *v)
{
	struct join	*s = state;

	v->whose = NULL;
	if (s->signup) {
		view_text(v, "Type your details as the clinic has them. The "
		    "last 4 digits of your social security number are only "
		    "checked, never kept.");
		view_field(v, J_FIRST, "First name", &s->first, 0);
		view_field(v, J_LAST, "Last name", &s->last, 0);
		view_field(v, J_BIRTH, "Date of birth (MM/DD/YYYY)", &s->birth,
		    0);
		view_field(v, J_SSN, "Last 4 digits of your SSN", &s->ssn,
		    ROW_SECRET);
	} else {
		view_text(v, "Type the activation code from your visit's "
		    "papers (XXXX-XXXX-XXXX) and your date of birth.");
		view_field(v, J_CODE, "Activation code", &s->code, 0);
		view_field(v, J_BIRTH, "Date of birth (MM/DD/YYYY)", &s->birth,
		    0);
	}
	view_field(v, J_EMAIL, "Email", &s->email, 0);
	view_field(v, J_NEW, "New password", &s->password, ROW_SECRET);
	view_field(v, J_AGAIN, "New password again", &s->again, ROW_SECRET);
	view_button(v, J_GO, s->signup ? "Sign up" : "Activate");
}

/* The code as the paper shows it: capitals, groups of 4 by hyphens. */
static char *
join_code(const char *typed)
{
	char	*out = xcalloc(1, strlen(typed) * 2 + 1);
	size_t	 n = 0, k = 0;

	for (; *typed != '\0'; typed++) {
		if (*typed == '-' || isspace((unsigned char)*typed))
			continue;
		if (k > 0 && k % 4 == 0)
			out[n++] = '-';
		out[n++] = (char)toupper((unsigned char)*typed);
		k++;
	}
	return out;
}

/* What is missing or wrong before anything is sent, or NULL. */
static const char *
join_check(struct join *s, char birth[11])
{
	size_t	i;

	if (s->signup && (s->first.len == 0 || s->last.len == 0))
		return "Please type your first and last name.";
	if (!s->signup && s->code.len == 0)
		return "Please type the activation code.";
	if (fhir_birth_date(s->birth.text, birth) != 0)
		return "Type your date of birth as MM/DD/YYYY, for example "
		    "04/17/1988.";
	if (s->signup) {
		for (i = 0; i < s->ssn.len; i++) {
			if (!isdigit((unsigned char)s->ssn.text[i]))
				break;
		}
		if (s->ssn.len != 4 || i != 4)
			return "Type the last 4 digits of your social "
			    "security number.";
	}
	if (s->email.len == 0 || strchr(s->email.text, '@') == NULL)
		return "Please type your email address.";
	if (s->password.len == 0)
		return "Please type a new password.";
	if (strcmp(s->password.text, s->again.text) != 0)
		return "The two passwords are not the same; type them again.";
	return NULL;
}

static int
join_go(struct app *app, struct join *s)
{
	const char	*wrong;
	char		 birth[11], *code, *cause = NULL, *server;
	int		 rc;

	if ((wrong = join_check(s, birth)) != NULL) {
		app_say(app, wrong);
		field_clear(&s->password);
		field_clear(&s->again);
		return APP_REDRAW;
	}
	/* The portal for the email typed here. */
	if (strcmp(portal_email(app->portal), s->email.text) != 0) {
		server = xstrdup(portal_url(app->portal));
		portal_free(app->portal);
		app->portal = app_portal_create(app, server, s->email.text);
		free(server);
	}
	if (portal_fhir(app->portal) == NULL) {
		app_loading(app, "Connecting to the portal...");
		if ((rc = portal_connect(app->portal, &cause)) != AUTH_OK)
			goto out;
	}
	app_loading(app, s->signup ? "Signing up..." : "Activating...");
	if (s->signup)
		rc = portal_signup(app->portal, s->first.text, s->last.text,
		    birth, s->ssn.text, s->password.text, &cause);
	else {
		code = join_code(s->code.text);
		rc = portal_activate(app->portal, code, birth,
		    s->password.text, &cause);
		free(code);
	}
out:
	field_clear(&s->password);
	field_clear(&s->again);
	field_clear(&s->ssn);
	if (rc == AUTH_OK) {
		app_notice(app);
		if (app_signed_in(app, &cause) == 0) {
			app_say(app, "Welcome! Your account is ready, and you "
			    "are signed in.");
			return APP_HOME;
		}
	}
	app_say(app, cause ? cause : "That did not work. Please try again.");
	free(cause);
	return APP_REDRAW;
}

static int
join_action(struct app *app, void *state, const struct view_row *r)
{
	return join_go(app, state);
}

static void
join_close(void *state)
{
	struct join	*s = state;

	secure_wipe(s, sizeof *s);	/* code, names, SSN digits, passwords */
	free(s);
}

const struct screen screen_join = {
	.title = "Activate your account",
	.title_of = join_title,
	.open = join_open,
	.view = join_view,
	.action = join_action,
	.close = join_close,
	.signed_out = 1,
};
