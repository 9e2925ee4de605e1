/*
 * Driving the real screens without curses, for integration tests: an app
 * signed in to the test portal, a screen's view built and searched, its
 * fields set as typed, its rows selected as Enter would. Header-only,
 * like tap.h, so that its checks count in the test's own TAP plan.
 */
#ifndef CHARTTY_SCREEN_TEST_H
#define CHARTTY_SCREEN_TEST_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "portal.h"
#include "portal-test.h"
#include "tap.h"
#include "util.h"
#include "view.h"

/* A fresh app signed in as email with its own record open; 0 or -1. */
static int __attribute__((unused))
st_start(struct app *app, const char *email, const char *password)
{
	char	*cause = NULL;
	int	 rc;

	memset(app, 0, sizeof *app);
	app->portal = pt_sign_in(email, password);
	rc = app_signed_in(app, &cause);
	ok(rc == 0 && app->ui == NULL, "signed in as %s, no curses%s%s",
	    email, cause ? ": " : "", cause ? cause : "");
	free(cause);
	return rc;
}

/* Free what the app holds: the portal, who may be viewed, what was said. */
static void __attribute__((unused))
st_end(struct app *app)
{
	auth_me_free(&app->me);
	portal_free(app->portal);
	free(app->message);
	free(app->next_arg);
	memset(app, 0, sizeof *app);
}

/* Forget what was said, before an action that should say something. */
static void __attribute__((unused))
st_unsay(struct app *app)
{
	free(app->message);
	app->message = NULL;
}

/* Forget the screen an action asked for. */
static void __attribute__((unused))
st_unpush(struct app *app)
{
	free(app->next_arg);
	app->next_arg = NULL;
	app->next = NULL;
}

/* The first row of kind whose label starts with label (NULL: any). */
static const struct view_row * __attribute__((unused))
st_row(const struct view *v, enum row_kind kind, const char *label)
{
	size_t	i;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind != kind)
			continue;
		if (label == NULL || (v->rows[i].label != NULL &&
		    strncmp(v->rows[i].label, label, strlen(label)) == 0))
			return &v->rows[i];
	}
	return NULL;
}

/* The item with id, or NULL. */
static const struct view_row * __attribute__((unused))
st_row_id(const struct view *v, int id)
{
	size_t	i;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_ITEM && v->rows[i].id == id)
			return &v->rows[i];
	}
	return NULL;
}

/* How many items of noun v has. */
static size_t __attribute__((unused))
st_count(const struct view *v, const char *noun)
{
	size_t	i, n = 0;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_ITEM && v->rows[i].noun != NULL &&
		    strcmp(v->rows[i].noun, noun) == 0)
			n++;
	}
	return n;
}

/* Non-zero when a paragraph of v is exactly text. */
static int __attribute__((unused))
st_says(const struct view *v, const char *text)
{
	size_t	i;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_TEXT && v->rows[i].value != NULL &&
		    strcmp(v->rows[i].value, text) == 0)
			return 1;
	}
	return 0;
}

/* Non-zero when some row's label or value of v contains needle. */
static int __attribute__((unused))
st_mentions(const struct view *v, const char *needle)
{
	const struct view_row	*r;
	size_t			 i;

	for (i = 0; i < v->nrows; i++) {
		r = &v->rows[i];
		if ((r->label && strstr(r->label, needle)) ||
		    (r->value && strstr(r->value, needle)))
			return 1;
	}
	return 0;
}

/* Open screen s with arg (taken over); the state, or NULL (reported). */
static void * __attribute__((unused))
st_open(const struct screen *s, struct app *app, void *arg)
{
	void	*state = NULL;
	char	*cause = NULL;
	int	 rc;

	rc = s->open(app, arg, &state, &cause);
	ok(rc == 0 && state != NULL, "%s opens%s%s", s->title,
	    cause ? ": " : "", cause ? cause : "");
	free(cause);
	return rc == 0 ? state : NULL;
}

/*
 * Set the field labelled label to value, as typed; a choice gets its
 * first option containing value. 0, or -1 when there is no such field.
 */
static int __attribute__((unused))
st_field(const struct screen *s, struct app *app, void *state,
    const char *label, const char *value)
{
	struct view		 v;
	const struct view_row	*r;
	struct field		*f;
	int			 i, rc = -1;

	view_init(&v);
	s->view(app, state, &v);
	if ((r = st_row(&v, ROW_FIELD, label)) != NULL &&
	    (f = r->field) != NULL) {
		if (f->noptions == 0) {
			field_set(f, value);
			rc = 0;
		}
		for (i = 0; rc != 0 && i < f->noptions; i++) {
			if (strstr(f->options[i], value) != NULL) {
				field_choose(f, 0, i);
				rc = 0;
			}
		}
	}
	view_free(&v);
	return rc;
}

/*
 * Select the first row of kind whose label starts with label (a button
 * pressed, an item chosen): the action's flags, or -1 when not shown.
 */
static int __attribute__((unused))
st_press(const struct screen *s, struct app *app, void *state,
    enum row_kind kind, const char *label)
{
	struct view		 v;
	const struct view_row	*r;
	int			 flags = -1;

	st_unsay(app);
	view_init(&v);
	s->view(app, state, &v);
	if ((r = st_row(&v, kind, label)) != NULL)
		flags = s->action(app, state, r);
	view_free(&v);
	return flags;
}

/* Select the item with id: the flags, or -1 when it is not shown. */
static int __attribute__((unused))
st_select(const struct screen *s, struct app *app, void *state, int id)
{
	struct view		 v;
	const struct view_row	*r;
	int			 flags = -1;

	st_unsay(app);
	view_init(&v);
	s->view(app, state, &v);
	if ((r = st_row_id(&v, id)) != NULL)
		flags = s->action(app, state, r);
	view_free(&v);
	return flags;
}

/*
 * Open screen s (arg copied) once for each fault kind injected on path
 * (twice: libcurl retries a dropped reused connection): each must fail
 * with one sentence and no state; then, the faults cleared, it opens.
 */
static void __attribute__((unused))
st_open_faults(struct app *app, const struct screen *s, const char *arg,
    const char *path, const char *const *kinds, size_t nkinds)
{
	void	*state;
	char	*cause;
	size_t	 k;
	int	 rc;

	for (k = 0; k <= nkinds; k++) {
		if (k < nkinds)
			pt_fault(kinds[k], 2, 0, path);
		state = NULL;
		cause = NULL;
		rc = s->open(app, arg ? xstrdup(arg) : NULL, &state, &cause);
		if (k < nkinds)
			ok(rc != 0 && state == NULL && pt_sentence(cause),
			    "%s with a %s answer: %s", s->title, kinds[k],
			    cause ? cause : "(no sentence)");
		else
			ok(rc == 0, "%s opens once the portal is well%s%s",
			    s->title, cause ? ": " : "", cause ? cause : "");
		free(cause);
		if (rc == 0)
			s->close(state);
		pt_clear_faults();
	}
}

#endif
