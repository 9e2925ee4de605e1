/*
 * The check-in kiosk, a stage at a time: welcome, identify (last name,
 * date of birth, first name if wished), the visit found, the eCheck-in
 * steps with the visit's own token, done. Only the first name and the
 * visit are ever shown. Esc goes back a stage; on the first stage, and
 * after done, the turn ends and the loop wipes it (src/app.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "checkin.h"
#include "fhirtime.h"
#include "kiosk.h"
#include "portal.h"
#include "screens.h"
#include "util.h"
#include "view.h"

#define KIOSK_HELP	"Need help? Please see the front desk."
#define KIOSK_RETRY	10	/* seconds between quiet tries when down */
#define KIOSK_DONE	15	/* seconds the done screen stays */

enum kiosk_stage { K_WELCOME, K_IDENTIFY, K_CHOOSE, K_FOUND, K_STEP, K_DONE };

/* Row ids, apart from the check-in steps' own (checkin.h). */
enum {
	K_START = 60, K_FIND, K_FAMILY, K_GIVEN, K_BIRTH, K_CHECK_IN,
	K_NOT_ME, K_BACK, K_FINISH, K_VISIT = 80
};

struct kiosk_screen {
	enum kiosk_stage	 stage;
	int			 online;	/* the device is signed in */
	struct field		 family, given, birth;
	struct kiosk_turn	 turn;
	enum checkin_step	 step;
	int			 refocus;
	int			 shown;	/* the stage the focus was placed for */
};

/* Sign the device in when it is not; quietly try again later if down. */
static int
kiosk_connect(struct app *app, struct kiosk_screen *s, char **cause)
{
	int	rc = AUTH_OK;

	if (portal_signed_in(app->portal)) {
		s->online = 1;
		return 0;
	}
	if (portal_fhir(app->portal) == NULL)
		rc = portal_connect(app->portal, cause);
	if (rc == AUTH_OK)
		rc = portal_device_sign_in(app->portal, cause);
	s->online = rc == AUTH_OK;
	if (!s->online)
		app_after(app, KIOSK_RETRY, APP_REFETCH);
	return 0;	/* the welcome says it; nothing more to say */
}

static int
kiosk_fetch(struct app *app, void *state, char **cause)
{
	struct kiosk_screen	*s = state;
	char			*why = NULL;

	if (s->stage != K_WELCOME)
		return 0;
	kiosk_connect(app, s, &why);
	free(why);		/* said to staff by chartty kiosk setup */
	return 0;
}

static int
kiosk_open(struct app *app, void *arg, void **state, char **cause)
{
	struct kiosk_screen	*s = xcalloc(1, sizeof *s);

	free(arg);
	s->turn.chosen = -1;
	s->shown = -1;
	*state = s;
	return kiosk_fetch(app, s, cause);
}

static void
kiosk_close(void *state)
{
	struct kiosk_screen	*s = state;

	kiosk_turn_clear(&s->turn);
	secure_wipe(s, sizeof *s);	/* the fields as typed */
	free(s);
}

/* "9:30" of a visit, in local time. */
static void
kiosk_clock(const struct visit *x, char *buf, size_t len)
{
	struct tm	tm;

	localtime_r(&x->start.t, &tm);
	snprintf(buf, len, "%d:%02d %s", tm.tm_hour % 12 ? tm.tm_hour % 12 :
	    12, tm.tm_min, tm.tm_hour < 12 ? "a.m." : "p.m.");
}

/* "your 9:30 a.m. visit with Łukasz Wiśniewski, RN" */
static const char *
kiosk_visit_words(struct view *v, const struct visit *x)
{
	char	when[32];

	kiosk_clock(x, when, sizeof when);
	return view_printf(v, "your %s visit%s%s", when,
	    x->clinician ? " with " : "", x->clinician ? x->clinician : "");
}

static void
kiosk_help(struct app *app, struct view *v)
{
	view_text(v, KIOSK_HELP);
	if (app->opt.help != NULL)
		view_text(v, app->opt.help);
}

/* A stage just began: its main row takes the focus. */
static void
kiosk_focus(struct kiosk_screen *s, struct view *v, int row)
{
	if ((int)s->stage != s->shown) {
		v->focus = row;
		s->shown = (int)s->stage;
	}
}

static void
kiosk_welcome_view(struct app *app, struct kiosk_screen *s,
    struct view *v)
{
	view_heading(v, app->opt.label ? view_printf(v, "Welcome to %s",
	    app->opt.label) : "Welcome");
	if (!s->online) {
		view_text(v, "Check-in is not available right now; please "
		    "see the front desk.");
		return;
	}
	view_text(v, "Check in for today's visit.");
	kiosk_focus(s, v, view_button(v, K_START, "Check in"));
}

static void
kiosk_identify_view(struct kiosk_screen *s, struct view *v)
{
	view_heading(v, "Find your visit");
	view_text(v, "Type your last name and your date of birth. Your "
	    "first name helps when others share your last name.");
	kiosk_focus(s, v, view_field(v, K_FAMILY, "Last name", &s->family,
	    0));
	view_field(v, K_BIRTH, "Date of birth (MM/DD/YYYY)", &s->birth, 0);
	view_field(v, K_GIVEN, "First name (you may leave it)", &s->given, 0);
	view_button(v, K_FIND, "Find my visit");
}

static void
kiosk_found_view(struct kiosk_screen *s, struct view *v)
{
	struct kiosk_turn	*t = &s->turn;
	const struct visit	*x = &t->checkin.visit;
	const char		*first = kiosk_first_name(t);

	view_heading(v, "Your visit");
	view_text(v, view_printf(v, "%s%s%s.", first ? first : "",
	    first ? ", " : "", kiosk_visit_words(v, x)));
	if (t->checkin.checked_in) {
		view_text(v, "You are already checked in. Please take a seat; "
		    "we will call you.");
		kiosk_focus(s, v, view_button(v, K_FINISH, "Finish"));
		return;
	}
	kiosk_focus(s, v, view_button(v, K_CHECK_IN, "Check in"));
	view_button(v, K_NOT_ME, "This is not my visit");
}

static void
kiosk_choose_view(struct kiosk_screen *s, struct view *v)
{
	size_t	i;
	int	row;

	view_heading(v, "Your visits today");
	view_text(v, "Choose the visit you are here for.");
	for (i = 0; i < s->turn.nvisits; i++) {
		row = view_item(v, K_VISIT + (int)i, "Visit",
		    kiosk_visit_words(v, &s->turn.visits[i].visit), NULL, 0);
		if (i == 0)
			kiosk_focus(s, v, row);
	}
}

static void
kiosk_step_view(struct kiosk_screen *s, struct view *v)
{
	struct checkin	*c = &s->turn.checkin;
	size_t		 first;
	int		 k, n;

	checkin_position(c, s->step, &k, &n);
	view_heading(v, view_printf(v, "Step %d of %d: %s", k, n,
	    checkin_step_name(s->step)));
	first = v->nrows;
	checkin_view(c, s->step, v);
	view_button(v, K_BACK, "Back");
	if (s->refocus || s->shown != K_STEP)
		v->focus = view_start(v, first);
	s->refocus = 0;
	s->shown = K_STEP;
}

static void
kiosk_view(struct app *app, void *state, struct view *v)
{
	struct kiosk_screen	*s = state;

	switch (s->stage) {
	case K_WELCOME:
		kiosk_welcome_view(app, s, v);
		break;
	case K_IDENTIFY:
		kiosk_identify_view(s, v);
		break;
	case K_CHOOSE:
		kiosk_choose_view(s, v);
		break;
	case K_FOUND:
		kiosk_found_view(s, v);
		break;
	case K_STEP:
		kiosk_step_view(s, v);
		break;
	case K_DONE:
		view_heading(v, "Checked in");
		view_text(v, "You are checked in. Please take a seat; we will "
		    "call you.");
		kiosk_focus(s, v, view_button(v, K_FINISH, "Finish"));
		break;
	}
	kiosk_help(app, v);
}

/* Take visit i and go to what it needs first. */
static int
kiosk_take(struct app *app, struct kiosk_screen *s, size_t i)
{
	char	*cause = NULL;

	app_loading(app, "Loading your visit...");
	if (kiosk_choose(&s->turn, i, &cause) != 0) {
		app_say(app, cause);
		free(cause);
		return APP_REDRAW;
	}
	s->stage = K_FOUND;
	return APP_REDRAW;
}

static int
kiosk_find(struct app *app, struct kiosk_screen *s)
{
	char	 birth[11], *cause = NULL;
	int	 rc;

	if (s->family.len == 0 || fhir_birth_date(s->birth.text, birth) != 0) {
		app_say(app, s->family.len == 0 ? "Type your last name." :
		    "Type your date of birth as MM/DD/YYYY, for example "
		    "04/17/1988.");
		return APP_REDRAW;
	}
	app_loading(app, "Finding your visit...");
	rc = kiosk_lookup(&s->turn, app->portal, app->opt.location,
	    s->family.text, s->given.text, birth, &cause);
	secure_wipe(birth, sizeof birth);
	switch (rc) {
	case KIOSK_FOUND:
		if (s->turn.nvisits == 1)
			return kiosk_take(app, s, 0);
		s->stage = K_CHOOSE;
		return APP_REDRAW;
	case KIOSK_NONE:
		app_say(app, KIOSK_MISS);
		break;
	case KIOSK_BUSY:
		app_say(app, KIOSK_BUSY_SAY);
		break;
	default:
		app_say(app, cause ? cause : "Check-in is not available right "
		    "now; please see the front desk.");
		break;
	}
	free(cause);
	return APP_REDRAW;
}

/* Send the step; on to the next, or done. */
static int
kiosk_submit(struct app *app, struct kiosk_screen *s,
    const struct view_row *r)
{
	struct checkin	*c = &s->turn.checkin;
	char		*cause = NULL;
	int		 rc;

	app_loading(app, s->step == CHECKIN_FINISH ? "Checking you in..." :
	    "Sending...");
	rc = checkin_submit(c, s->turn.fhir, s->step,
	    r->kind == ROW_FIELD ? CHECKIN_NEXT : r->id, &cause);
	if (rc == 0 && s->step == CHECKIN_FINISH) {
		free(cause);
		s->stage = K_DONE;
		app_after(app, KIOSK_DONE, APP_HOME);
		return APP_REDRAW;
	}
	s->step = checkin_after(c, s->step, rc);
	if (rc >= 0)
		s->refocus = 1;
	if (cause != NULL)
		app_say(app, cause);
	free(cause);
	return APP_REDRAW;
}

static int	kiosk_back(struct app *, void *);

static int
kiosk_action(struct app *app, void *state, const struct view_row *r)
{
	struct kiosk_screen	*s = state;

	switch (r->id) {
	case K_START:
		s->stage = K_IDENTIFY;
		return APP_REDRAW;
	case K_FIND:
	case K_FAMILY:
	case K_GIVEN:
	case K_BIRTH:
		return kiosk_find(app, s);
	case K_CHECK_IN:
		s->step = checkin_first(&s->turn.checkin);
		s->stage = K_STEP;
		s->refocus = 1;
		return APP_REDRAW;
	case K_NOT_ME:
		kiosk_turn_clear(&s->turn);
		s->stage = K_IDENTIFY;
		app_say(app, "Check your details, or see the front desk.");
		return APP_REDRAW;
	case K_BACK:
		return kiosk_back(app, s);
	case K_FINISH:
		return APP_HOME;	/* the loop ends the turn */
	}
	if (s->stage == K_CHOOSE && r->id >= K_VISIT &&
	    r->id < K_VISIT + KIOSK_MAX_VISITS)
		return kiosk_take(app, s, (size_t)(r->id - K_VISIT));
	if (s->stage == K_STEP && (r->kind == ROW_BUTTON ||
	    r->kind == ROW_FIELD))
		return kiosk_submit(app, s, r);
	return 0;
}

/* Esc: a stage back; on welcome or identify, the turn ends (0). */
static int
kiosk_back(struct app *app, void *state)
{
	struct kiosk_screen	*s = state;
	int			 prev;

	switch (s->stage) {
	case K_STEP:
		prev = checkin_move(&s->turn.checkin, s->step, -1);
		if (prev >= 0)
			s->step = prev;
		else
			s->stage = K_FOUND;
		s->refocus = 1;
		return APP_REDRAW;
	case K_FOUND:
	case K_CHOOSE:
		s->stage = K_IDENTIFY;
		return APP_REDRAW;
	default:
		return 0;
	}
}

const struct screen screen_kiosk = {
	.title = "Check-in",
	.loading = "Connecting...",
	.open = kiosk_open,
	.fetch = kiosk_fetch,
	.view = kiosk_view,
	.action = kiosk_action,
	.back = kiosk_back,
	.close = kiosk_close,
};
