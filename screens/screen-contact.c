/*
 * Contact details outside eCheck-in: the open record's address, phone
 * and email, changed and sent back with If-Match (src/contact.c). What
 * was typed is kept through every failure; leaving with changes not
 * sent asks once.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "contact.h"
#include "portal.h"
#include "screens.h"
#include "serves.h"
#include "util.h"
#include "view.h"

enum { CONTACT_SAVE = 100, CONTACT_CANCEL, CONTACT_FIRST = 0 };

struct contact_screen {
	struct arena	*a;
	char		*patient;	/* "maria-lopez" */
	struct contact	 c;
	int		 warned;	/* leaving unsaved was said once */
};

static void
contact_screen_free(struct contact_screen *s)
{
	contact_free(&s->c);
	arena_free(s->a);
	free(s->patient);
	free(s);
}

static int
contact_open(struct app *app, void *arg, void **state, char **cause)
{
	struct contact_screen	*s = xcalloc(1, sizeof *s);

	free(arg);
	s->a = arena_create();
	s->patient = xstrdup(app_patient(app));
	if (contact_load(&s->c, s->a, portal_fhir(app->portal), s->patient,
	    cause) != 0) {
		contact_screen_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
contact_screen_view(struct app *app, void *state, struct view *v)
{
	struct contact_screen	*s = state;

	if (!serves(portal_fhir(app->portal), SERVE_CONTACT_CHANGE)) {
		/* A read-only server: the details as it has them. */
		view_text(v, "Where the clinic reaches you. This server does "
		    "not take changes: to change them, call the clinic.");
		contact_items(&s->c, v);
		return;
	}
	view_text(v, "Where the clinic reaches you: letters, calls, texts "
	    "and email. Change what is out of date, then save.");
	contact_view(&s->c, v, CONTACT_FIRST);
	view_button(v, CONTACT_SAVE, "Save contact details");
	view_button(v, CONTACT_CANCEL, "Cancel");
}

static int
contact_action(struct app *app, void *state, const struct view_row *r)
{
	struct contact_screen	*s = state;
	char			*cause = NULL;
	int			 rc;

	if (r->id == CONTACT_CANCEL) {
		/* Leaving on purpose: what was typed is let go. */
		s->warned = 1;
		return APP_POP;
	}
	app_loading(app, "Saving your contact details...");
	rc = contact_submit(&s->c, portal_fhir(app->portal), &cause);
	if (rc < 0) {
		app_say(app, cause);	/* the fields keep what was typed */
		free(cause);
		return APP_REDRAW;
	}
	s->warned = 0;
	app_say(app, rc == 0 ? "Your contact details are saved." :
	    "Nothing changed, so nothing was sent.");
	return APP_REDRAW;
}

static int
contact_leave(struct app *app, void *state)
{
	struct contact_screen	*s = state;

	if (s->warned || !contact_changed(&s->c))
		return 0;
	s->warned = 1;
	app_say(app, "Your changes are not saved: choose Save contact "
	    "details, or do the same again to leave without them.");
	return 1;
}

static void
contact_close(void *state)
{
	contact_screen_free(state);
}

const struct screen screen_contact = {
	.title = "Contact details",
	.loading = "Loading your contact details...",
	.open = contact_open,
	.view = contact_screen_view,
	.action = contact_action,
	.leave = contact_leave,
	.close = contact_close,
};
