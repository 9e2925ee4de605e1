/*
 * On My Way: urgent-care locations with their current waits; join the
 * line with a reason, see the place in it, leave it. One batch request
 * loads the locations and the place held.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "model.h"
#include "onmyway.h"
#include "portal.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { OMW_INFO, OMW_LEAVE, OMW_REASON, OMW_JOIN, OMW_BACK, OMW_PLACE = 1000 };

struct omw {
	struct onmyway		 w;		/* the places, the line held */
	int			 joining;	/* index of the place, or -1 */
	struct field		 reason;
	char			 joining_id[128];	/* kept over a reload */
};

static int
omw_fetch(struct app *app, void *state, char **cause)
{
	struct omw	*s = state;
	struct onmyway	 w;
	int		 i;

	/* Loaded aside: what is on screen stays whole if this fails. */
	memset(&w, 0, sizeof w);
	if (onmyway_load(portal_fhir(app_here(app)),
	    app_here_patient_ref(app), &w,
	    cause) != 0) {
		onmyway_clear(&w);
		return -1;
	}
	onmyway_clear(&s->w);
	s->w = w;
	if (s->w.in_line)
		s->joining_id[0] = '\0';
	/* The place being joined, found again by what it is. */
	for (i = 0, s->joining = -1; s->joining_id[0] != '\0' &&
	    i < s->w.nplaces && !s->w.in_line; i++) {
		if (strcmp(s->w.places[i].id, s->joining_id) == 0)
			s->joining = i;
	}
	return 0;
}

static int
omw_open(struct app *app, void *arg, void **state, char **cause)
{
	struct omw	*s = xcalloc(1, sizeof *s);

	s->joining = -1;
	if (omw_fetch(app, s, cause) != 0) {
		onmyway_clear(&s->w);
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

/* The wait at the place with Location id ref ("Location/<id>"), or -1. */
static long
omw_wait(const struct omw *s, const char *ref)
{
	int	i;

	for (i = 0; ref != NULL && i < s->w.nplaces; i++) {
		if (strncmp(ref, "Location/", 9) == 0 &&
		    strcmp(ref + 9, s->w.places[i].id) == 0)
			return s->w.places[i].wait;
	}
	return -1;
}

static void
omw_view(struct app *app, void *state, struct view *v)
{
	struct omw		*s = state;
	const struct onmyway_place	*p;
	long			 wait;
	int			 i;

	if (s->joining >= 0) {
		p = &s->w.places[s->joining];
		view_heading(v, view_printf(v, "Join the line at %s",
		    p->name));
		if (p->wait >= 0)
			view_text(v, view_printf(v, "The wait is about %ld "
			    "minutes now. Come in when you are near the top "
			    "of the line.", p->wait));
		view_field(v, OMW_REASON, "What brings you in?", &s->reason,
		    0);
		view_button(v, OMW_JOIN, "Join the line");
		view_button(v, OMW_BACK, "Back to the list");
		return;
	}
	view_text(v, "If you have chest pain, trouble breathing, or signs "
	    "of a stroke, call 911 now. On My Way holds your place in line "
	    "at urgent care while you travel.");
	if (s->w.in_line) {
		wait = omw_wait(s, s->w.line.place_ref);
		view_heading(v, "Your place in line");
		view_item(v, OMW_INFO, "Place", s->w.line.place ?
		    s->w.line.place : "Urgent care", s->w.line.queue_position > 0 ?
		    view_printf(v, "You are number %ld in line.%s",
		    s->w.line.queue_position, wait >= 0 ? view_printf(v, " The "
		    "wait there is about %ld minutes.", wait) : "") :
		    "You are in line.", ROW_INFO);
		view_item(v, OMW_LEAVE, "Action", "Leave the line",
		    "if you no longer need to come", 0);
	}
	if (!s->w.in_line && s->w.withheld != NULL)
		view_text(v, view_printf(v, "Whether you are in line could not "
		    "be loaded: %s", s->w.withheld));
	view_heading(v, "Urgent care near you");
	for (i = 0; i < s->w.nplaces; i++) {
		p = &s->w.places[i];
		view_item(v, OMW_PLACE + i, "Location", p->name,
		    view_printf(v, "%s%s%s%s", p->wait >= 0 ? view_printf(v,
		    "about %ld minutes wait", p->wait) : "wait not known",
		    p->address ? ". " : "", p->address ? p->address : "",
		    p->phone ? view_printf(v, ". Phone %s", p->phone) : ""),
		    s->w.in_line ? ROW_INFO : 0);
	}
	if (s->w.nplaces == 0)
		view_text(v, "No urgent-care locations are listed.");
}

static int
omw_join(struct app *app, struct omw *s)
{
	char	*cause = NULL, *again = NULL;
	long	 status;
	int	 rc;

	if (str_blank(s->reason.text)) {
		app_say(app, "Please say briefly what brings you in.");
		return APP_REDRAW;
	}
	app_loading(app, "Joining the line...");
	rc = onmyway_join(portal_fhir(app_here(app)),
	    s->w.places[s->joining].id, app_here_patient(app), s->reason.text,
	    &status, &cause);
	/* Look again: the place held now (a lost answer may have joined). */
	if (omw_fetch(app, s, &again) == 0 && s->w.in_line) {
		if (rc == 0 || status == 0 || cause == NULL)
			app_say_done(app, "You are in line. Your place is "
			    "shown here.");
		else
			app_say(app, cause);
		field_clear(&s->reason);
	} else {
		app_say(app, cause ? cause : again ? again : "You could not "
		    "join the line.");
	}
	free(again);
	free(cause);
	return APP_REDRAW;
}

static int
omw_leave(struct app *app, struct omw *s)
{
	char	*cause = NULL, *again = NULL;
	int	 rc;

	if (!s->w.in_line || s->w.line.etag == NULL)
		return 0;
	app_loading(app, "Leaving the line...");
	rc = onmyway_leave(portal_fhir(app_here(app)), &s->w, &cause);
	/* Look again: a lost answer may have left the line after all. */
	if (omw_fetch(app, s, &again) != 0 && rc == 0)
		s->w.in_line = 0;
	if (!s->w.in_line)
		app_say_done(app, "You have left the line.");
	else
		app_say(app, cause ? cause : "You are still in line: leaving "
		    "did not go through. Try again.");
	free(again);
	free(cause);
	return APP_REDRAW;
}

static int
omw_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct omw	*s = state;

	if (r->id >= OMW_PLACE && r->id - OMW_PLACE < s->w.nplaces) {
		if (s->w.in_line) {
			app_say(app, "You are already in line. Leave that "
			    "line first to join another.");
			return APP_REDRAW;
		}
		s->joining = r->id - OMW_PLACE;
		strlcpy_c(s->joining_id, s->w.places[s->joining].id,
		    sizeof s->joining_id);
		return APP_REDRAW;
	}
	switch (r->id) {
	case OMW_LEAVE:
		return omw_leave(app, s);
	case OMW_REASON:
	case OMW_JOIN:
		return omw_join(app, s);
	case OMW_BACK:
		s->joining = -1;
		s->joining_id[0] = '\0';
		return APP_REDRAW;
	}
	return 0;
}

static void
omw_close(void *state)
{
	struct omw	*s = state;

	field_clear(&s->reason);
	onmyway_clear(&s->w);
	free(s);
}

const struct screen screen_onmyway = {
	.title = "On My Way",
	.loading = "Loading urgent care wait times...",
	.open = omw_open,
	.fetch = omw_fetch,
	.view = omw_view,
	.action = omw_action,
	.close = omw_close,
};
