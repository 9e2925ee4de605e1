/*
 * Changing the password while signed in: the current one, then the new
 * one twice. Nothing is sent until the two are the same; the portal's
 * rules are said in its words; every password is wiped once sent.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "portal.h"
#include "screens.h"
#include "util.h"
#include "view.h"

enum { PW_OLD, PW_NEW, PW_AGAIN, PW_CHANGE, PW_CANCEL };

struct password {
	struct field	old, password, again;
	int		focus_to;	/* the row the focus goes to next, or -1 */
};

static int
password_open(struct app *app, void *arg, void **state, char **cause)
{
	struct password	*s = xcalloc(1, sizeof *s);

	free(arg);
	s->focus_to = PW_OLD;
	*state = s;
	return 0;
}

static void
password_view(struct app *app, void *state, struct view *v)
{
	struct password	*s = state;
	int		 at[3], i;

	view_text(v, "Type your current password, then the new one twice. "
	    "You stay signed in here.");
	at[0] = view_field(v, PW_OLD, "Current password", &s->old,
	    ROW_SECRET);
	at[1] = view_field(v, PW_NEW, "New password", &s->password,
	    ROW_SECRET);
	at[2] = view_field(v, PW_AGAIN, "New password again", &s->again,
	    ROW_SECRET);
	for (i = 0; i < 3; i++) {
		if (s->focus_to == PW_OLD + i)
			v->focus = at[i];
	}
	s->focus_to = -1;
	view_button(v, PW_CHANGE, "Change password");
	view_button(v, PW_CANCEL, "Cancel");
}

static void
password_wipe(struct password *s)
{
	field_clear(&s->old);
	field_clear(&s->password);
	field_clear(&s->again);
}

static int
password_action(struct app *app, void *state, const struct view_row *r)
{
	struct password	*s = state;
	char		*cause = NULL;
	int		 rc;

	if (r->id == PW_CANCEL) {
		password_wipe(s);
		return APP_POP;
	}
	if (s->old.len == 0 || s->password.len == 0) {
		app_say(app, s->old.len == 0 ? "Please type your current "
		    "password." : "Please type a new password.");
		s->focus_to = s->old.len == 0 ? PW_OLD : PW_NEW;
		return APP_REDRAW;
	}
	if (strcmp(s->password.text, s->again.text) != 0) {
		/* Nothing is sent until the two are the same. */
		app_say(app, "The two new passwords are not the same; type "
		    "them again.");
		field_clear(&s->password);
		field_clear(&s->again);
		s->focus_to = PW_NEW;
		return APP_REDRAW;
	}
	app_loading(app, "Changing your password...");
	rc = account_change_password(portal_fhir(app->portal), s->old.text,
	    s->password.text, &cause);
	password_wipe(s);
	if (rc != 0) {
		app_say(app, cause);	/* the portal's words: its rules */
		free(cause);
		s->focus_to = PW_OLD;
		return APP_REDRAW;
	}
	app_say(app, "Your password was changed. Use the new one the next "
	    "time you sign in.");
	return APP_POP;
}

static void
password_close(void *state)
{
	struct password	*s = state;

	secure_wipe(s, sizeof *s);
	free(s);
}

const struct screen screen_password = {
	.title = "Change password",
	.open = password_open,
	.view = password_view,
	.action = password_action,
	.close = password_close,
};
