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
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"
#include "visit.h"

enum { OMW_INFO, OMW_LEAVE, OMW_REASON, OMW_JOIN, OMW_BACK, OMW_PLACE = 1000 };

#define OMW_MAX	20

struct omw_place {
	const char	*id;
	const char	*name;
	const char	*address;
	const char	*phone;
	long		 wait;		/* minutes, or -1 */
};

struct omw {
	struct arena		*a;
	struct omw_place	 places[OMW_MAX];
	int			 nplaces;
	struct json		*line_json;	/* the place held, as loaded */
	struct visit		 line;
	int			 in_line;
	int			 joining;	/* index of the place, or -1 */
	struct field		 reason;
	char			 joining_id[128];	/* kept over a reload */
	char			*withheld;
};

static void
omw_place(struct arena *a, const struct json *loc, struct omw_place *p)
{
	const struct json	*addr = json_get(loc, "address"), *t;
	double			 n;
	size_t			 i;

	memset(p, 0, sizeof *p);
	p->id = model_str(a, loc, "id");
	p->name = model_str(a, loc, "name");
	p->address = model_address(a, addr);
	for (i = 0; i < json_size(json_get(loc, "telecom")); i++) {
		t = json_at(json_get(loc, "telecom"), i);
		if (json_gets(t, "system") && strcmp(json_gets(t, "system"),
		    "phone") == 0)
			p->phone = model_str(a, t, "value");
	}
	p->wait = -1;
	if (json_num(model_extension(loc, "urn:chartty:wait-minutes"),
	    &n) == 0 && n >= 0)
		p->wait = (long)n;
}

static void
omw_clear(struct omw *s)
{
	arena_free(s->a);
	json_free(s->line_json);
	free(s->withheld);
	s->a = NULL;
	s->line_json = NULL;
	s->withheld = NULL;
	s->nplaces = 0;
	s->in_line = 0;
}

static int
omw_fetch(struct app *app, void *state, char **cause)
{
	struct omw		*s = state;
	struct fhir_result	 res;
	const struct json	*b;
	char			*urls[2];
	long			 status;
	size_t			 i;

	urls[0] = xasprintf("Location?type=urgent-care&_count=%d", OMW_MAX);
	urls[1] = fhir_query("Appointment?status=waitlist", "patient",
	    app_patient_ref(app), NULL);
	if (fhir_batch_take(app->portal->fhir, urls, 2, &res, cause) != 0)
		return -1;
	if ((b = fhir_batch_entry(res.body, 0, &status, cause)) == NULL) {
		fhir_result_free(&res);
		return -1;
	}
	omw_clear(s);
	s->a = arena_create();
	for (i = 0; i < fhir_bundle_count(b) && s->nplaces < OMW_MAX; i++) {
		omw_place(s->a, fhir_bundle_resource(b, i),
		    &s->places[s->nplaces]);
		if (s->places[s->nplaces].id && s->places[s->nplaces].name)
			s->nplaces++;
	}
	b = fhir_batch_entry(res.body, 1, &status, &s->withheld);
	if (fhir_bundle_count(b) > 0 && visit_parse(s->a,
	    fhir_bundle_resource(b, 0), &s->line) == 0) {
		s->in_line = 1;
		s->line_json = json_dup(fhir_bundle_resource(b, 0));
		s->joining_id[0] = '\0';
	}
	fhir_result_free(&res);
	/* The place being joined, found again by what it is. */
	for (i = 0, s->joining = -1; s->joining_id[0] != '\0' &&
	    i < (size_t)s->nplaces && !s->in_line; i++) {
		if (strcmp(s->places[i].id, s->joining_id) == 0)
			s->joining = (int)i;
	}
	return 0;
}

static int
omw_open(struct app *app, void *arg, void **state, char **cause)
{
	struct omw	*s = xcalloc(1, sizeof *s);

	s->joining = -1;
	if (omw_fetch(app, s, cause) != 0) {
		omw_clear(s);
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

	for (i = 0; ref != NULL && i < s->nplaces; i++) {
		if (strncmp(ref, "Location/", 9) == 0 &&
		    strcmp(ref + 9, s->places[i].id) == 0)
			return s->places[i].wait;
	}
	return -1;
}

static void
omw_view(struct app *app, void *state, struct view *v)
{
	struct omw		*s = state;
	const struct omw_place	*p;
	long			 wait;
	int			 i;

	v->title = view_str(v, "On My Way");
	if (s->joining >= 0) {
		p = &s->places[s->joining];
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
	if (s->in_line) {
		wait = omw_wait(s, s->line.place_ref);
		view_heading(v, "Your place in line");
		view_item(v, OMW_INFO, "Place", s->line.place ?
		    s->line.place : "Urgent care", s->line.queue_position > 0 ?
		    view_printf(v, "You are number %ld in line.%s",
		    s->line.queue_position, wait >= 0 ? view_printf(v, " The "
		    "wait there is about %ld minutes.", wait) : "") :
		    "You are in line.", ROW_INFO);
		view_item(v, OMW_LEAVE, "Action", "Leave the line",
		    "if you no longer need to come", 0);
	}
	if (!s->in_line && s->withheld != NULL)
		view_text(v, view_printf(v, "Whether you are in line could not "
		    "be loaded: %s", s->withheld));
	view_heading(v, "Urgent care near you");
	for (i = 0; i < s->nplaces; i++) {
		p = &s->places[i];
		view_item(v, OMW_PLACE + i, "Location", p->name,
		    view_printf(v, "%s%s%s%s", p->wait >= 0 ? view_printf(v,
		    "about %ld minutes wait", p->wait) : "wait not known",
		    p->address ? ". " : "", p->address ? p->address : "",
		    p->phone ? view_printf(v, ". Phone %s", p->phone) : ""),
		    s->in_line ? ROW_INFO : 0);
	}
	if (s->nplaces == 0)
		view_text(v, "No urgent-care locations are listed.");
}

static int
omw_join(struct app *app, struct omw *s)
{
	struct fhir_result	 res;
	struct json		*params, *p;
	char			*cause = NULL, *again = NULL, *ref;
	long			 status;
	int			 rc;

	if (str_blank(s->reason.text)) {
		app_say(app, "Please say briefly what brings you in.");
		return APP_REDRAW;
	}
	params = json_new_object();
	json_add_str(params, "resourceType", "Parameters");
	p = json_add_array(params, "parameter");
	ref = fhir_ref("Location", s->places[s->joining].id);
	json_add_str(json_add_object(p, NULL), "name", "location");
	json_add_str(json_add_object(json_at(p, 0), "valueReference"),
	    "reference", ref);
	free(ref);
	ref = fhir_ref("Patient", app_patient(app));
	json_add_str(json_add_object(p, NULL), "name", "patient");
	json_add_str(json_add_object(json_at(p, 1), "valueReference"),
	    "reference", ref);
	free(ref);
	json_add_str(json_add_object(p, NULL), "name", "reason");
	json_add_str(json_at(p, 2), "valueString", s->reason.text);
	app_loading(app, "Joining the line...");
	rc = fhir_operation(app->portal->fhir, "Appointment/$on-my-way",
	    params, &res, &cause);
	json_free(params);
	status = res.status;
	fhir_result_free(&res);
	/* Look again: the place held now (a lost answer may have joined). */
	if (omw_fetch(app, s, &again) == 0 && s->in_line) {
		app_say(app, rc == 0 || status == 0 || cause == NULL ?
		    "You are in line. Your place is shown here." : cause);
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
	struct fhir_result	 res;
	struct json		*body;
	char			*cause = NULL, *again = NULL, *path;
	int			 rc;

	if (!s->in_line || s->line.etag == NULL)
		return 0;
	body = json_dup(s->line_json);
	json_set_str(body, "status", "cancelled");
	path = fhir_path("Appointment", s->line.id, NULL);
	app_loading(app, "Leaving the line...");
	rc = fhir_update(app->portal->fhir, path, body, s->line.etag, &res,
	    &cause);
	free(path);
	json_free(body);
	fhir_result_free(&res);
	/* Look again: a lost answer may have left the line after all. */
	if (omw_fetch(app, s, &again) != 0 && rc == 0)
		s->in_line = 0;
	if (!s->in_line)
		app_say(app, "You have left the line.");
	else
		app_say(app, cause ? cause : "You are still in line: leaving "
		    "did not go through. Try again.");
	free(again);
	free(cause);
	return APP_REDRAW;
}

static int
omw_action(struct app *app, void *state, enum action a,
    const struct view_row *r)
{
	struct omw	*s = state;

	if (r->id >= OMW_PLACE && r->id - OMW_PLACE < s->nplaces) {
		if (s->in_line) {
			app_say(app, "You are already in line. Leave that "
			    "line first to join another.");
			return APP_REDRAW;
		}
		s->joining = r->id - OMW_PLACE;
		strlcpy_c(s->joining_id, s->places[s->joining].id,
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
	omw_clear(s);
	free(s);
}

const struct screen screen_onmyway = {
	.name = "onmyway",
	.title = "On My Way",
	.loading = "Loading urgent care wait times...",
	.open = omw_open,
	.fetch = omw_fetch,
	.view = omw_view,
	.action = omw_action,
	.close = omw_close,
};
