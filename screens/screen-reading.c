/*
 * A reading the patient enters: blood glucose, weight or blood pressure,
 * checked (numbers, units, plausible values, not in the future) before
 * it is sent as an Observation with the patient as performer, at most
 * once however often the send is retried.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "crypto.h"
#include "portal.h"
#include "reading.h"
#include "util.h"
#include "view.h"

enum { READING_VALUE, READING_VALUE2, READING_UNIT, READING_WHEN,
    READING_SAVE, READING_CANCEL };

static const char *const reading_weight_units[] = { "kg", "lb" };

struct reading_screen {
	enum reading_kind	 kind;
	struct field		 value, value2, unit, when;
	char			*request_id;
	char			*sent;		/* what request_id was sent with */
};

static int
reading_open(struct app *app, void *arg, void **state, char **cause)
{
	struct reading_screen	*s;
	enum reading_kind	 kind;

	if (reading_kind_parse(arg, &kind) != 0) {
		free(arg);
		*cause = xstrdup("Unknown kind of reading.");
		return -1;
	}
	free(arg);
	s = xcalloc(1, sizeof *s);
	s->kind = kind;
	field_options(&s->unit, reading_weight_units, 2, 0);
	field_set(&s->when, "now");
	*state = s;
	return 0;
}

static const char *
reading_screen_title(void *state)
{
	struct reading_screen	*s = state;

	return reading_title(s->kind);
}

static void
reading_view(struct app *app, void *state, struct view *v)
{
	struct reading_screen	*s = state;

	view_text(v, "Readings you enter go to your record and your care "
	    "team can see them. For a reading that worries you, call the "
	    "clinic; in an emergency call 911.");
	switch (s->kind) {
	case READING_GLUCOSE:
		view_field(v, READING_VALUE, "Blood glucose (mg/dL)", &s->value,
		    0);
		break;
	case READING_WEIGHT:
		view_field(v, READING_VALUE, "Weight", &s->value, 0);
		view_field(v, READING_UNIT, "Unit", &s->unit, 0);
		break;
	case READING_BP:
		view_field(v, READING_VALUE, "Systolic, the top number (mmHg)",
		    &s->value, 0);
		view_field(v, READING_VALUE2, "Diastolic, the bottom number "
		    "(mmHg)", &s->value2, 0);
		break;
	}
	view_field(v, READING_WHEN, "When (now, 14:30, or 2026-11-30 14:30)",
	    &s->when, 0);
	view_button(v, READING_SAVE, "Save reading");
	view_button(v, READING_CANCEL, "Cancel");
}

static int
reading_save(struct app *app, struct reading_screen *s)
{
	struct reading	 r;
	char		*cause = NULL, *now;
	int		 rc;

	memset(&r, 0, sizeof r);
	r.kind = s->kind;
	r.lb = s->kind == READING_WEIGHT && s->unit.choice == 1;
	if (reading_check(&r, s->value.text, s->value2.text, s->when.text,
	    time(NULL), &cause) != 0) {
		app_say(app, cause);
		free(cause);
		return APP_REDRAW;
	}
	/* The same reading sent again keeps its id; a changed one is new. */
	now = xasprintf("%s\037%s\037%d\037%s", s->value.text, s->value2.text,
	    s->unit.choice, s->when.text);
	crypto_request_id(&s->request_id, &s->sent, now);
	app_loading(app, "Saving the reading...");
	rc = reading_send(portal_fhir(app->portal), &r, app_patient(app),
	    s->request_id, &cause);
	if (rc != 0) {
		app_say(app, cause ? cause : "The reading was not saved.");
		free(cause);
		return APP_REDRAW;
	}
	app_say(app, "Reading saved. It shows in its trend.");
	return APP_POP;
}

static int
reading_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct reading_screen	*s = state;

	if (r->id == READING_CANCEL) {
		app_say(app, "The reading was not saved.");
		return APP_POP;
	}
	return reading_save(app, s);
}

static void
reading_close(void *state)
{
	struct reading_screen	*s = state;

	field_clear(&s->value);
	field_clear(&s->value2);
	free(s->request_id);
	secret_free(s->sent);
	free(s);
}

const struct screen screen_reading = {
	.title = "New reading",
	.title_of = reading_screen_title,
	.open = reading_open,
	.view = reading_view,
	.action = reading_action,
	.close = reading_close,
};
