/*
 * Scheduling a visit, or moving one (arg: the id of the visit to move).
 * Three steps, each a view plain mode can answer: what to look for (a
 * clinician of the care team who can be booked, a visit type they offer,
 * a range of days); the free times, grouped by day; the chosen time with
 * the reason for the visit. A booking is made at most once (a request id
 * kept while the choice is unchanged); a move is one transaction, the
 * new visit and the cancellation together or not at all. A time taken
 * meanwhile (409) says so and shows the free times as they are now.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "booking.h"
#include "crypto.h"
#include "fhir.h"
#include "portal.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { BOOK_WHO, BOOK_TYPE, BOOK_FROM, BOOK_TO, BOOK_FIND, BOOK_AGAIN,
    BOOK_REASON, BOOK_SEND, BOOK_OTHER, BOOK_SLOT = 1000 };
enum { STEP_SEARCH, STEP_TIMES, STEP_CONFIRM };

#define BOOK_MAX_DAYS	90
#define BOOK_DAY	(24 * 60 * 60)

struct book {
	struct booking	 b;		/* who, kinds of visit, the old visit */
	const char	*old_id;	/* b.old_id: the visit being moved */
	struct field	 f_who, f_type, f_from, f_to, f_reason;
	int		 last_who;
	int		 step;
	int		 refocus;
	time_t		 from, to;	/* local midnights, to inclusive */
	struct arena	*sa;
	struct slot	*slots;
	size_t		 nslots;
	long		 total;
	int		 chosen;	/* index in slots */
	struct booking_who *searched;	/* whom the times are for */
	int		 searched_type;
	char		*request_id;	/* kept until it is booked */
	char		*sent;
};

/* Put the kinds of visit of the chosen clinician in the type field. */
static void
book_types(struct book *s, int pick)
{
	struct booking_who	*w = &s->b.who[s->f_who.choice];

	field_options(&s->f_type, w->types, w->ntypes, pick < 0 ? 0 : pick);
	s->last_who = s->f_who.choice;
}

/* The free times of the searched clinician in the searched days. */
static int
book_load_slots(struct app *app, struct book *s, char **cause)
{
	struct arena	*a = arena_create();
	struct slot	*slots;
	size_t		 n;
	long		 total;

	if (booking_slots(portal_fhir(app_here(app)), s->searched,
	    s->from, s->to, a,
	    &slots, &n, &total, cause) != 0) {
		arena_free(a);
		return -1;
	}
	arena_free(s->sa);
	s->sa = a;
	s->slots = slots;
	s->nslots = n;
	s->total = total;
	s->refocus = 1;
	return 0;
}

static int
book_fetch(struct app *app, void *state, char **cause)
{
	struct book	*s = state;

	/*
	 * Who can be booked is loaded once, when the screen opens: the
	 * choices and the times shown point into it. A reload looks at
	 * the free times again (built aside: they stay if it fails).
	 */
	if (s->step != STEP_SEARCH && s->searched != NULL) {
		if (book_load_slots(app, s, cause) != 0)
			return -1;
		s->step = STEP_TIMES;
	}
	return 0;
}

static void
book_free(struct book *s)
{
	booking_free(&s->b);
	arena_free(s->sa);
	free(s->request_id);
	secret_free(s->sent);
	field_clear(&s->f_reason);
	free(s);
}

/* The clinician and the kind of the visit being moved, chosen again. */
static void
book_keep_choices(struct book *s)
{
	int	who = 0, type = -1;

	booking_old_choice(&s->b, &who, &type);
	field_options(&s->f_who, s->b.options, s->b.nwho, who);
	book_types(s, type);
}

static int
book_open(struct app *app, void *arg, void **state, char **cause)
{
	struct book	*s = xcalloc(1, sizeof *s);
	char		 day[16], *old_id = arg;
	time_t		 now = time(NULL);
	int		 rc;

	if (visit_date_parse("tomorrow", now, &s->from) == 0) {
		visit_date_write(s->from, day, sizeof day);
		field_set(&s->f_from, day);
	}
	if (visit_date_parse("+14", now, &s->to) == 0) {
		visit_date_write(s->to, day, sizeof day);
		field_set(&s->f_to, day);
	}
	rc = booking_load(portal_fhir(app_here(app)), app_here_patient(app),
	    old_id, &s->b,
	    cause);
	free(old_id);
	s->old_id = s->b.old_id;
	if (rc != 0) {
		book_free(s);
		return -1;
	}
	if (s->b.nwho > 0)
		book_keep_choices(s);
	if (s->old_id != NULL && s->b.old_v.reason != NULL)
		field_set(&s->f_reason, s->b.old_v.reason);
	if (s->old_id != NULL && (s->b.old_v.cancel_allowed != 1 ||
	    s->b.old_v.status == NULL || strcmp(s->b.old_v.status,
	    "booked"))) {
		*cause = xstrdup("This visit can no longer be moved online. "
		    "Please call the clinic.");
		book_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static const char *
book_type_name(const struct book *s)
{
	const struct booking_who	*w = s->searched;

	return w && s->searched_type < w->ntypes ?
	    w->types[s->searched_type] : "visit";
}

static void
book_search_view(struct book *s, struct view *v)
{
	char	 when[64];
	int	 row;

	if (s->old_id != NULL) {
		fhir_time_format(&s->b.old_v.start, when, sizeof when);
		view_text(v, view_printf(v, "Moving your %s on %s. It stays "
		    "booked until the new time is booked.", s->b.old_v.type ?
		    s->b.old_v.type : "visit", when));
	}
	if (s->b.none != NULL) {
		view_text(v, s->b.none);
		return;
	}
	if (s->f_who.choice != s->last_who)
		book_types(s, -1);
	view_heading(v, "Find a time");
	view_text(v, "Type days as a date (YYYY-MM-DD), or today, tomorrow, "
	    "or +7 for a week from today.");
	row = view_field(v, BOOK_WHO, "Clinician", &s->f_who, 0);
	if (s->refocus)
		v->focus = row;
	s->refocus = 0;
	view_field(v, BOOK_TYPE, "Kind of visit", &s->f_type, 0);
	view_field(v, BOOK_FROM, "First day", &s->f_from, 0);
	view_field(v, BOOK_TO, "Last day", &s->f_to, 0);
	view_button(v, BOOK_FIND, "Find free times");
}

static void
book_times_view(struct book *s, struct view *v)
{
	char	 a[64], b[64], day[64], last[64] = "", when[64];
	size_t	 i, n;
	int	 row;

	visit_day_format(s->from, a, sizeof a);
	visit_day_format(s->to, b, sizeof b);
	view_heading(v, "Free times");
	if (s->nslots == 0)
		view_text(v, view_printf(v, "%s with %s: no free times from "
		    "%s to %s. Try other days or another clinician.",
		    book_type_name(s), s->searched->name, a, b));
	else
		view_text(v, view_printf(v, "%s with %s: %zu free time%s from "
		    "%s to %s. Choose one.%s", book_type_name(s),
		    s->searched->name, s->nslots, s->nslots == 1 ? "" : "s",
		    a, b, s->total > (long)s->nslots ?
		    " Only the first ones are shown: choose fewer days to "
		    "see the rest." : ""));
	for (i = 0; i < s->nslots; i++) {
		visit_day_format(s->slots[i].start.t, day, sizeof day);
		if (strcmp(day, last) != 0) {
			view_heading(v, day);
			strlcpy_c(last, day, sizeof last);
		}
		/* "Wed 2 Dec 2026 09:30": the time, then the day again, so
		 * each item says it all when read alone. */
		fhir_time_format(&s->slots[i].start, when, sizeof when);
		n = strlen(when);
		row = view_item(v, BOOK_SLOT + (int)i, "Time", n > 6 ?
		    when + n - 5 : when, view_printf(v, "%.*s%s", n > 6 ?
		    (int)(n - 6) : 0, when, s->slots[i].minutes > 0 ?
		    view_printf(v, ", %d minutes", s->slots[i].minutes) : ""),
		    0);
		if (i == 0 && s->refocus)
			v->focus = row;
	}
	s->refocus = 0;
	view_heading(v, "Other choices");
	row = view_item(v, BOOK_AGAIN, "Action", "Change the search",
	    "another clinician, kind of visit or days", 0);
	if (s->nslots == 0)
		v->focus = row;
}

static void
book_confirm_view(struct book *s, struct view *v)
{
	const struct slot	*t = &s->slots[s->chosen];
	char			 when[64], old[64];
	int			 row;

	fhir_time_format(&t->start, when, sizeof when);
	view_heading(v, "Your visit");
	view_text(v, view_printf(v, "%s with %s on %s%s%s.",
	    book_type_name(s), s->searched->name, when,
	    s->searched->place && strcmp(book_type_name(s), "Video visit") ?
	    " at " : "", s->searched->place && strcmp(book_type_name(s),
	    "Video visit") ? s->searched->place : ""));
	if (s->old_id != NULL) {
		fhir_time_format(&s->b.old_v.start, old, sizeof old);
		view_text(v, view_printf(v, "Your visit on %s is cancelled "
		    "in the same step: both happen, or neither.", old));
	}
	row = view_field(v, BOOK_REASON, "Reason for the visit", &s->f_reason,
	    0);
	if (s->refocus)
		v->focus = row;	/* a new step starts at its field */
	s->refocus = 0;
	view_button(v, BOOK_SEND, s->old_id ? "Move my visit to this time" :
	    "Book this visit");
	view_button(v, BOOK_OTHER, "Choose another time");
}

static const char *
book_title(void *state)
{
	struct book	*s = state;

	return s->old_id ? "Reschedule" : "Schedule a visit";
}

static void
book_view(struct app *app, void *state, struct view *v)
{
	struct book	*s = state;

	switch (s->step) {
	case STEP_TIMES:
		book_times_view(s, v);
		break;
	case STEP_CONFIRM:
		book_confirm_view(s, v);
		break;
	default:
		book_search_view(s, v);
		break;
	}
}

/* Check the days typed and look for free times. */
static int
book_find(struct app *app, struct book *s)
{
	time_t	 now = time(NULL), today, from, to;
	char	*cause = NULL;

	if (s->b.nwho == 0)
		return 0;
	if (s->last_who != s->f_who.choice) {
		/* Plain mode asks every field at once: the kinds of visit
		 * shown were another clinician's. */
		book_types(s, -1);
		app_say(app, "Now choose the kind of visit: the list is the "
		    "one for the clinician you chose.");
		return APP_REDRAW;
	}
	visit_date_parse("today", now, &today);
	if (visit_date_parse(s->f_from.text, now, &from) != 0) {
		app_say(app, "Type the first day as a date like 2026-12-05, "
		    "or today, tomorrow, or +7 for a week from today.");
		return APP_REDRAW;
	}
	if (visit_date_parse(s->f_to.text, now, &to) != 0) {
		app_say(app, "Type the last day as a date like 2026-12-19, "
		    "or +14 for two weeks from today.");
		return APP_REDRAW;
	}
	if (from < today) {
		app_say(app, "The first day has passed: choose today or a "
		    "later day.");
		return APP_REDRAW;
	}
	if (to < from) {
		app_say(app, "The last day is before the first day.");
		return APP_REDRAW;
	}
	if (to - from > BOOK_MAX_DAYS * BOOK_DAY) {
		app_say(app, "Look at 90 days or fewer at a time.");
		return APP_REDRAW;
	}
	s->from = from;
	s->to = to;
	s->searched = &s->b.who[s->f_who.choice];
	s->searched_type = s->f_type.choice;
	app_loading(app, "Looking for free times...");
	if (book_load_slots(app, s, &cause) != 0) {
		app_say(app, cause ? cause : "The free times could not be "
		    "loaded.");
		free(cause);
		return APP_REDRAW;
	}
	s->step = STEP_TIMES;
	return APP_REDRAW;
}

static int
book_send(struct app *app, struct book *s)
{
	char	*cause = NULL, *what, when[64], *said;
	long	 status;
	int	 rc;

	if (str_blank(s->f_reason.text)) {
		app_say(app, "Please say briefly why you are coming.");
		return APP_REDRAW;
	}
	what = xasprintf("%s\037%d\037%s", s->slots[s->chosen].id,
	    s->searched_type, s->f_reason.text);
	crypto_request_id(&s->request_id, &s->sent, what);
	app_loading(app, s->old_id ? "Moving the visit..." :
	    "Booking the visit...");
	rc = booking_send(portal_fhir(app_here(app)), &s->b, s->searched,
	    s->searched_type, &s->slots[s->chosen], app_here_patient(app),
	    s->f_reason.text, s->request_id, &status, &cause);
	fhir_time_format(&s->slots[s->chosen].start, when, sizeof when);
	if (rc == 0) {
		free(cause);
		said = s->old_id ? xasprintf("Your visit is moved to %s.",
		    when) : xasprintf("Booked: %s with %s on %s.",
		    book_type_name(s), s->searched->name, when);
		app_say_done(app, said);
		free(said);
		free(s->request_id);
		s->request_id = NULL;
		return APP_POP | APP_REFETCH;
	}
	if (status == 409) {
		/* Taken meanwhile: the free times as they are now. */
		said = xasprintf("%s Here are the free times now.", cause ?
		    cause : "That time was just taken.");
		free(cause);
		cause = NULL;
		if (book_load_slots(app, s, &cause) == 0)
			s->step = STEP_TIMES;
		app_say(app, cause ? cause : said);
		free(said);
		free(cause);
		return APP_REDRAW;
	}
	if (status == 412 && s->old_id != NULL) {
		free(cause);
		app_say(app, "Your visit changed since you opened it, so it "
		    "was not moved. Go back to see it as it is now.");
		return APP_REDRAW;
	}
	/* Everything stays as chosen; sending again is safe. */
	app_say(app, cause ? cause : "The visit was not booked.");
	free(cause);
	return APP_REDRAW;
}

static int
book_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct book	*s = state;

	if (r->id >= BOOK_SLOT && (size_t)(r->id - BOOK_SLOT) < s->nslots) {
		s->chosen = r->id - BOOK_SLOT;
		s->step = STEP_CONFIRM;
		s->refocus = 1;
		return APP_REDRAW;
	}
	switch (r->id) {
	case BOOK_WHO:
	case BOOK_TYPE:
	case BOOK_FROM:
	case BOOK_TO:
	case BOOK_FIND:
		return book_find(app, s);
	case BOOK_AGAIN:
		s->step = STEP_SEARCH;
		s->refocus = 1;
		return APP_REDRAW;
	case BOOK_OTHER:
		s->step = STEP_TIMES;
		s->refocus = 1;
		return APP_REDRAW;
	case BOOK_REASON:
	case BOOK_SEND:
		return book_send(app, s);
	}
	return 0;
}

static void
book_close(void *state)
{
	book_free(state);
}

const struct screen screen_book = {
	.title = "Schedule a visit",
	.title_of = book_title,
	.loading = "Loading your care team...",
	.open = book_open,
	.fetch = book_fetch,
	.view = book_view,
	.action = book_action,
	.close = book_close,
};
