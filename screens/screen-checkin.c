/*
 * eCheck-in from home, a step at a time (src/checkin.c): contact details,
 * insurance, the visit's questions, the consent, the copay, then check
 * in. Back goes to the step before; Finish later leaves what was sent
 * in place for next time. Leaving with answers typed but not saved asks
 * first.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "checkin.h"
#include "portal.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { ECHECKIN_BACK = 50, ECHECKIN_LATER };

struct echeckin {
	char			*id;
	struct checkin		 c;
	enum checkin_step	 step;
	int			 warned;	/* leaving was said once */
	int			 refocus;
};

static int
echeckin_fetch(struct app *app, void *state, char **cause)
{
	struct echeckin	*s = state;
	struct checkin	 fresh;

	if (s->c.a != NULL && checkin_unsaved(&s->c)) {
		/* A reload would start the steps again from the portal. */
		*cause = xstrdup("Your answers are not saved, so the screen "
		    "was not reloaded. Choose \"Save and finish later\" "
		    "first.");
		return -1;
	}
	/* Built aside: the steps as typed stay if this fails. */
	if (checkin_load(&fresh, portal_fhir(app_here(app)),
	    app_here_patient(app), s->id,
	    cause) != 0) {
		checkin_free(&fresh);
		return -1;
	}
	checkin_free(&s->c);
	s->c = fresh;
	s->step = checkin_first(&s->c);
	s->refocus = 1;
	return 0;
}

static int
echeckin_open(struct app *app, void *arg, void **state, char **cause)
{
	struct echeckin	*s = xcalloc(1, sizeof *s);

	s->id = arg;
	if (echeckin_fetch(app, s, cause) != 0) {
		free(s->id);
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
echeckin_view(struct app *app, void *state, struct view *v)
{
	struct echeckin		*s = state;
	const struct visit	*x = &s->c.visit;
	char			 when[64];
	size_t			 first;
	int			 k, n;

	fhir_time_format(&x->start, when, sizeof when);
	view_text(v, view_printf(v, "%s%s%s on %s.", x->type ? x->type :
	    "Visit", x->clinician ? " with " : "", x->clinician ?
	    x->clinician : "", when));
	if (s->c.checked_in) {
		view_heading(v, "Checked in");
		view_text(v, "You are checked in for this visit. Please come "
		    "10 minutes before your time and tell the front desk you "
		    "are here.");
		return;
	}
	checkin_position(&s->c, s->step, &k, &n);
	view_heading(v, view_printf(v, "Step %d of %d: %s", k, n,
	    checkin_step_name(s->step)));
	first = v->nrows;
	checkin_view(&s->c, s->step, v);
	if (checkin_move(&s->c, s->step, -1) >= 0)
		view_button(v, ECHECKIN_BACK, "Back");
	view_button(v, ECHECKIN_LATER, "Finish later");
	if (s->refocus)
		v->focus = view_start(v, first);
	s->refocus = 0;
}

static int
echeckin_leave(struct app *app, void *state)
{
	struct echeckin	*s = state;

	if (s->warned || !checkin_unsaved(&s->c))
		return 0;
	s->warned = 1;
	app_say(app, "Your answers to the questions are not saved. Choose "
	    "\"Save and finish later\" to keep them, or leave again to let "
	    "them go.");
	return 1;
}

static int
echeckin_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct echeckin	*s = state;
	char		*cause = NULL, when[64], *said;
	int		 rc, next;

	if (s->c.checked_in)
		return 0;
	switch (r->id) {
	case ECHECKIN_BACK:
		if ((next = checkin_move(&s->c, s->step, -1)) >= 0) {
			s->step = next;
			s->refocus = 1;
		}
		return APP_REDRAW;
	case ECHECKIN_LATER:
		if (echeckin_leave(app, s) != 0)
			return APP_REDRAW;	/* unsaved answers: said once */
		app_say(app, "eCheck-in is kept as far as you got. Come back "
		    "to finish it before the visit.");
		s->warned = 1;
		return APP_POP;
	}
	/* Enter in a field is the step's main button, as in every form. */
	if (r->kind != ROW_BUTTON && r->kind != ROW_FIELD)
		return 0;
	app_loading(app, s->step == CHECKIN_FINISH ? "Checking you in..." :
	    "Sending...");
	rc = checkin_submit(&s->c, portal_fhir(app_here(app)), s->step,
	    r->kind == ROW_FIELD ? CHECKIN_NEXT : r->id, &cause);
	s->warned = 0;		/* what is unsaved now is said again */
	if (rc == 0 && s->step == CHECKIN_FINISH) {
		fhir_time_format(&s->c.visit.start, when, sizeof when);
		said = xasprintf("You are checked in for your visit on %s.",
		    when);
		app_say_done(app, said);
		free(said);
		return APP_POP | APP_REFETCH;
	}
	s->step = checkin_after(&s->c, s->step, rc);
	if (rc >= 0)
		s->refocus = 1;
	if (cause != NULL)
		app_say(app, cause);
	free(cause);
	return APP_REDRAW;
}

static void
echeckin_close(void *state)
{
	struct echeckin	*s = state;

	checkin_free(&s->c);
	free(s->id);
	free(s);
}

const struct screen screen_checkin = {
	.title = "eCheck-in",
	.loading = "Loading eCheck-in...",
	.open = echeckin_open,
	.fetch = echeckin_fetch,
	.view = echeckin_view,
	.action = echeckin_action,
	.close = echeckin_close,
	.leave = echeckin_leave,
};
