/*
 * A refill request: the medication, a pharmacy (optional), a note for
 * the care team (optional), then send. The request is a Task made at
 * most once: the same request id goes with every retry, so a retry after
 * a lost answer finds the first request instead of making a second.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "crypto.h"
#include "model.h"
#include "portal.h"
#include "refill.h"
#include "util.h"
#include "view.h"

enum { REFILL_PHARMACY, REFILL_NOTE, REFILL_SEND, REFILL_CANCEL };

#define REFILL_NO_PREFERENCE	"No preference (the pharmacy on file)"

struct refill {
	char			*id;		/* the MedicationRequest */
	struct arena		*a;
	struct medication	 med;
	const char		*options[REFILL_MAX_PHARMACIES + 1];
	const char		*org_refs[REFILL_MAX_PHARMACIES + 1];
	int			 noptions;
	struct field		 pharmacy;
	struct field		 note;
	char			*request_id;	/* kept until it is sent */
	char			*sent;		/* what request_id was sent with */
};

/* A name short enough for a field, cut whole at a character. */
static const char *
refill_name(struct arena *a, const char *name)
{
	size_t	n = strlen(name);

	if (n < FIELD_MAX / 2)
		return name;
	n = FIELD_MAX / 2;
	while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
		n--;
	return arena_own(a, xasprintf("%.*s...", (int)n, name));
}

static int
refill_fetch(struct app *app, void *state, char **cause)
{
	struct refill		*s = state;
	struct refill_pharmacy	 ph[REFILL_MAX_PHARMACIES];
	struct arena		*a = arena_create();
	struct medication	 med;
	char			*chosen;
	int			 k, n, choice = 0;

	/* Loaded aside: what is on screen stays whole if this fails. */
	if (refill_load(portal_fhir(app_here(app)), s->id, a, &med, ph, &n,
	    cause) != 0) {
		arena_free(a);
		return -1;
	}
	/* The pharmacy chosen is kept by what it is, not where it was. */
	chosen = xstrdup(s->noptions > 0 ? s->org_refs[s->pharmacy.choice] :
	    NULL);
	arena_free(s->a);
	s->a = a;
	s->med = med;
	s->options[0] = REFILL_NO_PREFERENCE;
	s->org_refs[0] = NULL;
	s->noptions = 1;
	for (k = 0; k < n; k++) {
		s->options[s->noptions] = refill_name(s->a, ph[k].name);
		s->org_refs[s->noptions++] = ph[k].ref;
	}
	for (k = 1; chosen != NULL && k < s->noptions; k++) {
		if (strcmp(s->org_refs[k], chosen) == 0)
			choice = k;
	}
	free(chosen);
	field_options(&s->pharmacy, s->options, s->noptions, choice);
	return 0;
}

static void
refill_free(struct refill *s)
{
	arena_free(s->a);
	field_clear(&s->note);
	free(s->request_id);
	secret_free(s->sent);
	free(s->id);
	free(s);
}

static int
refill_open(struct app *app, void *arg, void **state, char **cause)
{
	struct refill	*s = xcalloc(1, sizeof *s);

	s->id = arg;
	if (refill_fetch(app, s, cause) != 0) {
		refill_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static void
refill_view(struct app *app, void *state, struct view *v)
{
	struct refill	*s = state;
	struct buf	 b;

	view_heading(v, s->med.name ? s->med.name : "Medication");
	buf_init(&b, 64 * 1024);
	if (s->med.dosage != NULL)
		buf_printf(&b, "%s ", s->med.dosage);
	if (s->med.requester != NULL)
		buf_printf(&b, "Prescribed by %s. ", s->med.requester);
	if (s->med.refills >= 0)
		buf_printf(&b, "%d refill%s left.", s->med.refills,
		    s->med.refills == 1 ? "" : "s");
	if (b.len > 0)
		view_text(v, b.data);
	buf_free(&b, 0);
	if (s->med.refill_eligible != 1) {
		view_text(v, "This medication cannot be refilled online now. "
		    "Please call your pharmacy or your care team.");
		return;
	}
	view_text(v, "Your care team usually answers within 2 business "
	    "days. If you are out of a medicine you need today, call the "
	    "clinic.");
	view_field(v, REFILL_PHARMACY, "Pharmacy", &s->pharmacy, 0);
	view_field(v, REFILL_NOTE, "Note for your care team (optional)",
	    &s->note, 0);
	view_button(v, REFILL_SEND, "Send refill request");
	view_button(v, REFILL_CANCEL, "Cancel");
}

static int
refill_submit(struct app *app, struct refill *s)
{
	char	*cause = NULL, *now;
	int	 rc;

	/*
	 * A retry of the same request keeps its id, so a lost answer never
	 * makes a second; a changed one is a new request.
	 */
	now = xasprintf("%d\037%s", s->pharmacy.choice, s->note.text);
	crypto_request_id(&s->request_id, &s->sent, now);
	app_loading(app, "Sending the refill request...");
	rc = refill_send(portal_fhir(app_here(app)), s->med.id, s->med.name,
	    app_here_patient(app), app_here_profile(app),
	    s->org_refs[s->pharmacy.choice], s->note.text, s->request_id,
	    &cause);
	if (rc != 0) {
		/* Everything stays as typed; sending again is safe. */
		app_say(app, cause ? cause : "The request was not sent.");
		free(cause);
		return APP_REDRAW;
	}
	app_say_done(app, "Refill request sent. Your care team usually "
	    "answers within 2 business days.");
	free(s->request_id);
	s->request_id = NULL;
	secret_free(s->sent);
	s->sent = NULL;
	return APP_POP | APP_REFETCH;
}

static int
refill_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct refill	*s = state;

	switch (r->id) {
	case REFILL_CANCEL:
		app_say(app, "No refill request was sent.");
		return APP_POP;
	case REFILL_SEND:
	case REFILL_NOTE:
		return refill_submit(app, s);
	}
	return 0;
}

static void
refill_close(void *state)
{
	refill_free(state);
}

const struct screen screen_refill = {
	.title = "Refill request",
	.loading = "Loading the medication...",
	.open = refill_open,
	.fetch = refill_fetch,
	.view = refill_view,
	.action = refill_action,
	.close = refill_close,
};
