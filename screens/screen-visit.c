/*
 * One visit: when (local time, with the day), with whom, where, what
 * kind, why, how to prepare, the copay, the video link; and what the
 * server says can be done with it: eCheck-in, reschedule, cancel (with a
 * reason, guarded by If-Match), open the video link in a browser.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "serves.h"
#include "browser.h"
#include "booking.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { VISIT_FACT, VISIT_CHECKIN, VISIT_BROWSER, VISIT_RESCHEDULE,
    VISIT_CANCEL, VISIT_REASON, VISIT_MORE, VISIT_CANCEL_SEND,
    VISIT_CANCEL_KEEP };

static const char *const visit_reasons[] = {
	"I am feeling better",
	"I cannot come at this time",
	"I will book another time",
	"The problem was taken care of elsewhere",
	"Another reason",
};
#define VISIT_NREASONS	(sizeof visit_reasons / sizeof visit_reasons[0])

struct visit_screen {
	char		*id;
	struct booking_visit bv;	/* as loaded, to send back cancelled */
	int		 cancelling;	/* the cancel form is shown */
	struct field	 reason;
	struct field	 more;
	int		 refocus;	/* the view changed: focus its start */
};

static int
visit_fetch(struct app *app, void *state, char **cause)
{
	struct visit_screen	*s = state;

	return booking_visit_load(portal_fhir(app_here(app)), s->id, &s->bv,
	    cause);
}

static void
visit_free(struct visit_screen *s)
{
	booking_visit_clear(&s->bv);
	field_clear(&s->more);
	free(s->id);
	free(s);
}

static int
visit_open(struct app *app, void *arg, void **state, char **cause)
{
	struct visit_screen	*s = xcalloc(1, sizeof *s);

	s->id = arg;
	field_options(&s->reason, visit_reasons, VISIT_NREASONS, 0);
	if (visit_fetch(app, s, cause) != 0) {
		visit_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
visit_fact(struct view *v, const char *label, const char *value)
{
	if (value != NULL && *value != '\0')
		view_item(v, VISIT_FACT, "Fact", label, value, ROW_INFO);
}

static void
visit_cancel_view(struct visit_screen *s, struct view *v, const char *when)
{
	int	row;

	view_heading(v, "Cancel this visit");
	view_text(v, view_printf(v, "%s on %s. Cancelling frees the time "
	    "for someone else.", s->bv.v.type ? s->bv.v.type : "Visit", when));
	row = view_field(v, VISIT_REASON, "Reason", &s->reason, 0);
	if (s->refocus)
		v->focus = row;
	s->refocus = 0;
	view_field(v, VISIT_MORE, "More about why (optional)", &s->more, 0);
	view_button(v, VISIT_CANCEL_SEND, "Cancel the visit");
	view_button(v, VISIT_CANCEL_KEEP, "Keep the visit");
}

static void
visit_view(struct app *app, void *state, struct view *v)
{
	struct visit_screen	*s = state;
	const struct visit	*x = &s->bv.v;
	char			 when[64];
	int			 booked;

	fhir_time_format(&x->start, when, sizeof when);
	if (s->cancelling) {
		visit_cancel_view(s, v, when);
		return;
	}
	booked = x->status != NULL && strcmp(x->status, "booked") == 0;
	view_heading(v, x->type ? x->type : "Visit");
	if (s->refocus)
		v->focus = (int)v->nrows;	/* the first fact */
	s->refocus = 0;
	visit_fact(v, "When", x->minutes > 0 ? view_printf(v, "%s, %d "
	    "minutes", when, x->minutes) : when);
	visit_fact(v, "With", x->clinician);
	visit_fact(v, "Where", x->join_url ? "Video visit: join from your "
	    "computer or phone" : x->place);
	visit_fact(v, "Status", visit_status_words(x->status));
	visit_fact(v, "Reason", x->reason);
	visit_fact(v, "Why cancelled", x->cancel_reason);
	visit_fact(v, "Before the visit", x->instructions);
	if (x->copay > 0)
		visit_fact(v, "Copay", visit_money(v->arena, x->copay));
	visit_fact(v, "Video link", x->join_url);
	view_heading(v, "What you can do");
	if (!serves(portal_fhir(app_here(app)), SERVE_VISIT_CHANGE))
		booked = 0;	/* the server takes no change: nothing offered */
	if (x->checkin_open == 1 && booked &&
	    serves(portal_fhir(app_here(app)), SERVE_CHECKIN))
		view_item(v, VISIT_CHECKIN, "Action", "eCheck-in",
		    "confirm your details, answer the questions, sign, pay "
		    "the copay", ROW_ALERT);
	if (x->join_url != NULL && !app->opt.kiosk && browser_available())
		view_item(v, VISIT_BROWSER, "Action", "Open the video visit",
		    "in your web browser", 0);
	if (x->cancel_allowed == 1 && booked && x->etag == NULL)
		/* No version: no guarded update, so nothing is offered. */
		view_text(v, "The portal does not say which version of this "
		    "visit this is, so it cannot be changed safely online. To "
		    "cancel or change it, please call the clinic.");
	else if (x->cancel_allowed == 1 && booked) {
		view_item(v, VISIT_RESCHEDULE, "Action", "Reschedule",
		    "choose another time; this one is freed when the new one "
		    "is booked", 0);
		view_item(v, VISIT_CANCEL, "Action", "Cancel this visit",
		    NULL, 0);
	} else if (booked)
		view_text(v, "To cancel or change this visit now, please call "
		    "the clinic.");
	else
		view_text(v, "Nothing more can be done with this visit "
		    "online.");
}

/* PUT the visit back cancelled, guarded by its ETag. */
static int
visit_cancel(struct app *app, struct visit_screen *s)
{
	char	*cause = NULL, *why, when[64];
	long	 status;
	int	 rc;

	why = s->more.len > 0 ? xasprintf("%s: %s", s->reason.text,
	    s->more.text) : xstrdup(s->reason.text);
	app_loading(app, "Cancelling the visit...");
	rc = booking_cancel(portal_fhir(app_here(app)), &s->bv, why, &status,
	    &cause);
	free(why);
	fhir_time_format(&s->bv.v.start, when, sizeof when);
	if (rc == 0) {
		why = xasprintf("Your visit on %s is cancelled.", when);
		app_say_done(app, why);
		free(why);
		s->cancelling = 0;
		return APP_POP | APP_REFETCH;
	}
	if (status == 412 || status == 0) {
		/* Changed meanwhile, or the answer was lost: look again. */
		long	lost = status == 0;
		char	*said = cause;

		cause = NULL;
		if (visit_fetch(app, s, &cause) == 0 && lost && s->bv.v.status &&
		    strcmp(s->bv.v.status, "booked") == 0) {
			/* The request never arrived: nothing changed. */
			app_say(app, said ? said : "The visit was not "
			    "cancelled.");
			free(said);
			return APP_REDRAW;
		}
		free(said);
		if (cause == NULL && s->bv.v.status != NULL &&
		    strcmp(s->bv.v.status, "cancelled") == 0) {
			app_say_done(app, "Your visit is cancelled.");
			s->cancelling = 0;
			return APP_POP | APP_REFETCH;
		}
		app_say(app, cause ? cause : "This visit changed since you "
		    "opened it, so nothing was cancelled. Here it is now.");
		free(cause);
		return APP_REDRAW;
	}
	app_say(app, cause ? cause : "The visit was not cancelled.");
	free(cause);
	return APP_REDRAW;
}

static int
visit_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct visit_screen	*s = state;
	char			*cause = NULL;

	switch (r->id) {
	case VISIT_CHECKIN:
		return app_push(app, &screen_checkin, xstrdup(s->id));
	case VISIT_BROWSER:
		if (app->opt.kiosk)
			return 0;
		if (browser_open(s->bv.v.join_url, &cause) != 0) {
			app_say(app, cause);
			free(cause);
		} else
			app_say(app, "The video visit is opening in your web "
			    "browser.");
		return APP_REDRAW;
	case VISIT_RESCHEDULE:
		return app_push(app, &screen_book, xstrdup(s->id));
	case VISIT_CANCEL:
		s->cancelling = 1;
		s->refocus = 1;
		return APP_REDRAW;
	case VISIT_CANCEL_KEEP:
		s->cancelling = 0;
		s->refocus = 1;
		app_say(app, "The visit is kept.");
		return APP_REDRAW;
	case VISIT_REASON:
	case VISIT_MORE:
	case VISIT_CANCEL_SEND:
		return visit_cancel(app, s);
	}
	return 0;
}

static void
visit_close(void *state)
{
	visit_free(state);
}

const struct screen screen_visit = {
	.title = "Visit",
	.loading = "Loading the visit...",
	.open = visit_open,
	.fetch = visit_fetch,
	.view = visit_view,
	.action = visit_action,
	.close = visit_close,
};
