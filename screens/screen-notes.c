/*
 * Visit notes: after-visit summaries and clinicians' notes, newest first;
 * a note opens as its text, and what cannot be shown as text (a PDF) is
 * offered to save to a private file.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "attach.h"
#include "fhirtime.h"
#include "notes.h"
#include "portal.h"
#include "screens.h"
#include "util.h"
#include "view.h"

#define NOTES_FILE	1000	/* row ids of a note's files */

struct notes_screen {
	struct arena	*a;
	struct note	*notes;
	size_t		 n;
	int		 open;		/* the note shown, or -1: the list */
	int		 refocus;
};

static int
notes_fetch(struct app *app, void *state, char **cause)
{
	struct notes_screen	*s = state;
	struct arena		*a;

	if (notes_load(portal_fhir(app_here(app)),
	    app_here_patient_ref(app), &a,
	    &s->notes, &s->n, cause) != 0)
		return -1;
	arena_free(s->a);
	s->a = a;
	s->open = -1;
	return 0;
}

static int
notes_open(struct app *app, void *arg, void **state, char **cause)
{
	struct notes_screen	*s = xcalloc(1, sizeof *s);

	free(arg);
	if (notes_fetch(app, s, cause) != 0) {
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static const char *
notes_title(void *state)
{
	struct notes_screen	*s = state;

	return s->open >= 0 ? "Visit note" : "Visit notes";
}

/* "12 Oct 2026, Progress note, by Nora Lindqvist, MD" */
static const char *
notes_about(struct view *v, const struct note *n)
{
	char	when[64];

	fhir_date_format(&n->date, when, sizeof when);
	return view_printf(v, "%s%s%s%s%s", when[0] ? when : "date not "
	    "given", n->kind && strcmp(n->kind, n->title) ? ", " : "",
	    n->kind && strcmp(n->kind, n->title) ? n->kind : "",
	    n->author ? ", by " : "", n->author ? n->author : "");
}

static void
notes_view(struct app *app, void *state, struct view *v)
{
	struct notes_screen	*s = state;
	const struct note	*n;
	size_t			 i;
	int			 row;

	if (s->open < 0) {
		if (s->n == 0)
			view_text(v, "No visit notes yet.");
		for (i = 0; i < s->n; i++)
			view_item(v, (int)i, "Note", s->notes[i].title,
			    notes_about(v, &s->notes[i]), 0);
		return;
	}
	/* The note's own title (as long as it likes) wraps as a heading. */
	n = &s->notes[s->open];
	view_heading(v, n->title);
	view_text(v, notes_about(v, n));
	row = (int)v->nrows;
	if (n->text != NULL)
		view_text(v, n->text);
	else
		view_text(v, "This note has no text to show here.");
	for (i = 0; i < n->nfiles; i++) {
		int at = view_item(v, NOTES_FILE + (int)i, "File",
		    view_printf(v, "Save %s", n->files[i].title),
		    n->files[i].type, 0);

		if (i == 0 && s->refocus)
			row = at;
	}
	if (s->refocus && n->nfiles > 0)
		v->focus = row;
	s->refocus = 0;
}

static int
notes_action(struct app *app, void *state, const struct view_row *r)
{
	struct notes_screen	*s = state;
	char			*cause = NULL;
	struct note		*n;

	if (s->open >= 0 && r->id >= NOTES_FILE &&
	    (size_t)(r->id - NOTES_FILE) < s->notes[s->open].nfiles) {
		if (app->opt.kiosk)
			return 0;
		return attachment_save(app,
		    &s->notes[s->open].files[r->id - NOTES_FILE]);
	}
	if (s->open >= 0 || r->id < 0 || (size_t)r->id >= s->n)
		return 0;
	n = &s->notes[r->id];
	if (n->text_at != NULL) {
		app_loading(app, "Loading the note...");
		if (notes_fetch_text(portal_fhir(app_here(app)), s->a, n,
		    &cause) != 0) {
			app_say(app, cause);
			free(cause);
			return APP_REDRAW;
		}
	}
	s->open = r->id;
	s->refocus = 1;
	return APP_REDRAW;
}

/* Esc on a note goes back to the list. */
static int
notes_back(struct app *app, void *state)
{
	struct notes_screen	*s = state;

	if (s->open < 0)
		return 0;
	s->open = -1;
	return APP_REDRAW;
}

static void
notes_close(void *state)
{
	struct notes_screen	*s = state;

	arena_free(s->a);
	free(s);
}

const struct screen screen_notes = {
	.title = "Visit notes",
	.title_of = notes_title,
	.loading = "Loading visit notes...",
	.open = notes_open,
	.fetch = notes_fetch,
	.view = notes_view,
	.action = notes_action,
	.back = notes_back,
	.close = notes_close,
};
