/*
 * The application: a stack of screens and the signed-in portal, on the
 * one event loop (evloop.h) that waits on the terminal, the network, a
 * signal pipe and timers together. Screens describe (they build views
 * and handle actions); the UI draws.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app.h"
#include "editor.h"
#include "evloop.h"
#include "fhir.h"
#include "format.h"
#include "portal.h"
#include "ui.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define APP_MAX_DEPTH	16
#define APP_TYPEAHEAD	256	/* keys kept while a request runs */

struct frame {
	const struct screen	*screen;
	void			*state;
	int			 focus;
	/* What the focused row was, to find it again when rows move. */
	int			 focus_kind, focus_id;
	char			 focus_label[128];
	unsigned		 seen;	/* the loop's changes when loaded */
	int			 ready_due;	/* app_ready() for it */
	struct portal		*at;	/* works there (NULL: app->portal) */
	time_t			 as_of;	/* shown from what was kept, or 0 */
};

/* The loop's own state, beside the public struct app. */
struct loop {
	struct app	 app;
	struct frame	 stack[APP_MAX_DEPTH];
	int		 depth;
	struct view	 view;
	int		 rebuild;	/* build the view again */
	int		 dirty;		/* draw again */
	char		*find;		/* the last text searched for */
	struct ui_event	 ahead[APP_TYPEAHEAD];	/* typed while loading */
	int		 nahead;
	int		 signal;	/* the last signal caught, or 0 */
	/* app_after(): a reaction due later, for the screen on top then. */
	unsigned	 after;
	int		 after_flags, after_depth, after_due;
	const struct screen *after_screen;
	const struct screen *opening;	/* in its .open() */
	int		 opening_ready;	/* app_ready() while opening */
	char		*said;		/* the last message drawn, until a key */

	/* A kiosk: the idle timers of a patient's turn. */
	unsigned	 idle_warn, idle_end;
	int		 warned;	/* "Still there?" is on screen */
	int		 expired;	/* the turn's time is up */
};

/* The screens main handed over (struct app_screens). */
#define APP_SCREENS(l)	((l)->app.opt.screens)

/* The loop around the public struct app (its first member). */
#define APP_LOOP(app)	((struct loop *)(app))

/*
 * A timer fired: the main loop acts on it between keys. In plain mode
 * the wait for a line is ended (it is waited for in the loop), as no
 * key may come.
 */
static void
app_wake(struct loop *l)
{
	if (l->app.ui != NULL && l->app.ui->plain)
		ev_break();
}

static void
app_after_fire(void *arg)
{
	struct loop	*l = arg;

	l->after = 0;
	if (l->depth == l->after_depth && l->depth > 0 &&
	    l->stack[l->depth - 1].screen == l->after_screen) {
		l->after_due = 1;
		app_wake(l);
	}
}

void
app_after(struct app *app, int seconds, int flags)
{
	struct loop	*l = APP_LOOP(app);

	ev_cancel(l->after);
	l->after = ev_timer(seconds * 1000L, app_after_fire, l);
	l->after_flags = flags;
	if (l->opening != NULL) {	/* asked by the screen being opened */
		l->after_depth = l->depth + 1;
		l->after_screen = l->opening;
	} else {
		l->after_depth = l->depth;
		l->after_screen = l->depth > 0 ?
		    l->stack[l->depth - 1].screen : NULL;
	}
	l->after_due = 0;
}

void
app_ready(struct app *app, const void *state)
{
	struct loop	*l = APP_LOOP(app);
	int		 i;

	for (i = 0; i < l->depth; i++) {
		if (l->stack[i].state == state) {
			l->stack[i].ready_due = 1;
			if (i == l->depth - 1)
				app_wake(l);
			return;
		}
	}
	if (l->opening != NULL)
		l->opening_ready = 1;
}

/*
 * Read what f's server allows (its CapabilityStatement), kept between
 * starts in $XDG_CACHE_HOME/chartty (a kiosk keeps no file). When it
 * cannot be read, everything is offered, as before.
 */
static void
app_load_capabilities(const struct app *app, struct fhir *f)
{
	char	*dir, *why = NULL;

	dir = app->opt.kiosk || app->opt.no_cache ? NULL : cache_dir();
	fhir_set_cache(f, dir);
	free(dir);
	if (fhir_load_capabilities(f, &why) != 0)
		free(why);
}

/* Forget the linked organizations' connections (no sign-out). */
static void
app_links_free(struct app *app)
{
	size_t	i;

	for (i = 0; i < app->nlinks; i++) {
		portal_free(app->links[i].portal);
		free(app->links[i].why);
	}
	memset(app->links, 0, sizeof app->links);
	app->nlinks = 0;
}

void
app_links_resume(struct app *app)
{
	const struct app_account	*acct;
	struct app_link			*k;
	char				*cause;
	size_t				 i;
	int				 rc;

	/* The configured account's organizations, for that account only:
	 * another person signed in at this terminal gets none of them. */
	if (app->opt.email == NULL ||
	    strcasecmp(portal_email(app->portal), app->opt.email) != 0) {
		app_links_free(app);
		return;
	}
	for (i = 0; i < app->opt.nlinks && i < APP_MAX_LINKS; i++) {
		k = &app->links[i];
		acct = k->account = &app->opt.links[i];
		if (i >= app->nlinks)
			app->nlinks = i + 1;
		cause = NULL;
		if (k->portal != NULL && portal_signed_in(k->portal) &&
		    portal_session(k->portal)->patient != NULL) {
			if (!k->signed_in)
				app_load_capabilities(app,
				    portal_fhir(k->portal));
			k->signed_in = 1;	/* just now, in a browser */
			continue;
		}
		if (k->portal == NULL) {
			k->portal = portal_create(acct->server, acct->email,
			    app->opt.use_keyring);
			portal_set_keep(k->portal, !app->opt.no_cache &&
			    !app->opt.kiosk);
			portal_set_client(k->portal, acct->client_id,
			    acct->redirect_uri);
			portal_set_ca_file(k->portal, acct->ca_file);
			portal_set_name(k->portal, acct->label);
		}
		app_loading(app, "Connecting to your other organizations...");
		rc = portal_fhir(k->portal) != NULL ? AUTH_OK :
		    portal_connect(k->portal, &cause);
		if (rc == AUTH_OK)
			rc = portal_resume(k->portal, &cause);
		/* A server that names no patient on a refresh: sign in
		 * again to know whose records these are. */
		if (rc == AUTH_OK && portal_session(k->portal)->patient ==
		    NULL) {
			portal_drop_session(k->portal);
			rc = AUTH_ERR_EXPIRED;
		}
		k->signed_in = rc == AUTH_OK;
		free(k->why);
		k->why = NULL;
		if (rc != AUTH_OK)
			k->why = rc == AUTH_ERR_EXPIRED ? NULL : cause;
		else {
			free(portal_notice(k->portal));
			app_load_capabilities(app, portal_fhir(k->portal));
		}
		if (k->why != cause)
			free(cause);
	}
}

void
app_links_sign_out(struct app *app)
{
	char	*cause;
	size_t	 i;

	for (i = 0; i < app->nlinks; i++) {
		cause = NULL;
		if (app->links[i].portal != NULL && app->links[i].signed_in)
			portal_sign_out(app->links[i].portal, &cause);
		else if (app->links[i].portal != NULL)
			portal_forget_kept(app->links[i].portal);
		free(cause);
		app->links[i].signed_in = 0;
	}
}

size_t
app_portals(const struct app *app, struct portal **p)
{
	size_t	i, n = 0;

	p[n++] = app->portal;
	for (i = 0; app_is_self(app) && i < app->nlinks; i++) {
		if (app->links[i].signed_in && app->links[i].portal != NULL)
			p[n++] = app->links[i].portal;
	}
	return n;
}

int
app_is_self(const struct app *app)
{
	return app->record != NULL && app->record->relationship != NULL &&
	    strcmp(app->record->relationship, "self") == 0;
}

const char *
app_org_name(const struct app *app, const struct portal *p)
{
	static char	 host[APP_MAX_LINKS + 1][256];
	char		*h;
	size_t		 i, slot = 0;

	if (p == app->portal && app->opt.label != NULL)
		return app->opt.label;
	for (i = 0; i < app->nlinks; i++) {
		if (app->links[i].portal != p)
			continue;
		if (app->links[i].account->label != NULL)
			return app->links[i].account->label;
		slot = i + 1;
	}
	/* Each portal its own buffer: two names may be used at once. */
	h = url_host(portal_url(p));
	snprintf(host[slot], sizeof host[slot], "%s", h ? h :
	    "another organization");
	free(h);
	return host[slot];
}

struct portal *
app_portal_create(const struct app *app, const char *server,
    const char *email)
{
	struct portal	*p = portal_create(server, email, app->opt.use_keyring);

	portal_set_client(p, app->opt.client_id, app->opt.redirect_uri);
	portal_set_ca_file(p, app->opt.ca_file);
	portal_set_name(p, app->opt.label);
	portal_set_keep(p, !app->opt.no_cache && !app->opt.kiosk);
	return p;
}

#define APP_WARN_AHEAD	20	/* seconds of warning before idle ends */

static void
app_idle_warn(void *arg)
{
	static const char *const said_as[2][2] = {	/* [kiosk][plain] */
		{ "Still there? You will be signed out in 20 seconds; press "
		    "any key to stay signed in.", "Still there? You will be "
		    "signed out in 20 seconds; press Enter to stay signed in." },
		{ "Still there? Press any key to keep going.",
		    "Still there? Press Enter to keep going." }
	};
	struct loop	*l = arg;
	const char	*said = said_as[l->app.opt.kiosk != 0][l->app.ui->plain
			    != 0];

	l->idle_warn = 0;
	l->warned = 1;
	app_say(&l->app, said);
	if (l->app.ui->plain)
		ui_status(l->app.ui, said);	/* while a line waits */
	else
		l->dirty = 1;
}

static void
app_idle_end(void *arg)
{
	struct loop	*l = arg;

	l->idle_end = 0;
	l->expired = 1;
	app_wake(l);
}

/*
 * A key (or a sign-in): someone is there; the idle time starts again.
 * It runs on a kiosk once a patient's turn began, elsewhere while
 * signed in.
 */
static void
app_idle_key(struct loop *l)
{
	int	idle = l->app.opt.idle;

	ev_cancel(l->idle_warn);
	ev_cancel(l->idle_end);
	l->idle_warn = l->idle_end = 0;
	if (idle <= 0 || (!l->app.opt.kiosk && l->app.record == NULL))
		return;
	l->idle_warn = ev_timer((idle - APP_WARN_AHEAD) * 1000L,
	    app_idle_warn, l);
	l->idle_end = ev_timer(idle * 1000L, app_idle_end, l);
}

void
app_notice(struct app *app)
{
	char	*n;

	if (app->portal != NULL && (n = portal_notice(app->portal)) != NULL) {
		app_say(app, n);
		free(n);
	}
}

/* Sign in from the keyring without asking; 0 when that worked. */
static int
app_resume(struct app *app)
{
	char	*cause = NULL;
	int	 rc;

	if (app->opt.server == NULL || app->opt.email == NULL)
		return -1;
	app->portal = app_portal_create(app, app->opt.server, app->opt.email);
	app_loading(app, "Connecting to the portal...");
	rc = portal_connect(app->portal, &cause);
	if (!app->opt.use_keyring) {
		/* Nothing to resume; what the portal offers is known for the
		 * sign-in screen (a failure is said when signing in). */
		free(cause);
		return -1;
	}
	if (rc == AUTH_OK) {
		app_loading(app, "Signing in...");
		rc = portal_resume(app->portal, &cause);
	}
	if (rc == AUTH_OK && portal_offline(app->portal)) {
		/* Out of reach: one's own record as it was kept (who else
		 * may be viewed is the portal's to say, never kept). */
		rc = app_signed_in_own(app, &cause);
		if (rc == 0)
			app_links_resume(app);
	} else if (rc == AUTH_OK)
		rc = app_signed_in(app, &cause);
	if (rc == AUTH_OK) {
		app_notice(app);
		return 0;
	}
	if (rc != AUTH_ERR_EXPIRED && cause != NULL)
		app_say(app, cause);	/* unreachable, ...: say why */
	free(cause);
	app_notice(app);
	return -1;
}

/*
 * A signal, called from the loop (never from the handler). SIGTERM and
 * SIGHUP come from the system (a kiosk stopped, a link gone) and end the
 * program at once; so does Ctrl-C during a request, from a person who
 * wants out. Every wait ends, this one and any after it (ev_stop), so no
 * request holds the way out; the screens still close (a text being
 * written is kept as a draft). Ctrl-C between keys is the main loop's
 * to decide (app_run): a way to quit.
 */
static void
app_on_signal(int sig, void *arg)
{
	struct loop	*l = arg;

	l->signal = sig;
	if (sig != SIGINT || ev_depth() > 0) {
		l->app.quit = 1;
		ev_stop();
	}
}

int
app_push(struct app *app, const struct screen *s, void *arg)
{
	app->next = s;
	app->next_arg = arg;
	app->next_at = NULL;
	return APP_PUSH;
}

int
app_push_at(struct app *app, const struct screen *s, void *arg,
    struct portal *at)
{
	app_push(app, s, arg);
	app->next_at = at == app->portal ? NULL : at;
	return APP_PUSH;
}

struct portal *
app_here(const struct app *app)
{
	return app->here != NULL ? app->here : app->portal;
}

/* The organization of the screen on top, for app_here(). */
static void
app_sync_here(struct loop *l)
{
	l->app.here = l->depth > 0 ? l->stack[l->depth - 1].at : NULL;
}

int
app_elsewhere(const struct app *app)
{
	return app_here(app) != app->portal;
}

const char *
app_here_patient(const struct app *app)
{
	const struct auth_session	*s;

	if (!app_elsewhere(app))
		return app_patient(app);
	s = portal_session(app_here(app));
	return s != NULL ? s->patient : NULL;
}

const char *
app_here_profile(const struct app *app)
{
	/* Linked organizations show one's own record: the person there is
	 * that patient. */
	return app_elsewhere(app) ? app_here_patient_ref(app) :
	    app->me.profile;
}

const char *
app_here_patient_ref(const struct app *app)
{
	struct app	*w = (struct app *)app;	/* its buffer */
	const char	*id;

	if (!app_elsewhere(app))
		return app_patient_ref(app);
	if ((id = app_here_patient(app)) == NULL)
		return NULL;
	free(w->here_ref);
	w->here_ref = fhir_ref("Patient", id);
	return w->here_ref;
}

void
app_changed(struct app *app)
{
	app->changes++;
}

void
app_say_done(struct app *app, const char *s)
{
	char	*said;

	if (!app_elsewhere(app)) {
		app_say(app, s);
		return;
	}
	said = xasprintf("%s: %s", app_org_name(app, app_here(app)), s);
	app_say(app, said);
	free(said);
}

void
app_say(struct app *app, const char *s)
{
	free(app->message);
	app->message = xstrdup(s);
}

const char *
app_patient(const struct app *app)
{
	const char	*ref;

	if (app->record == NULL || (ref = app->record->reference) == NULL)
		return NULL;
	return strncmp(ref, "Patient/", 8) == 0 ? ref + 8 : ref;
}

const char *
app_patient_ref(const struct app *app)
{
	return app->record ? app->record->reference : NULL;
}

const char *
app_whose(const struct app *app)
{
	return app->record ? app->record->display : NULL;
}

void
app_loading(struct app *app, const char *s)
{
	if (s != NULL && app->ui != NULL)
		ui_status(app->ui, s);
}

int
app_signed_in(struct app *app, char **cause)
{
	char	*was = NULL, *who = NULL;
	size_t	 i;
	int	 rc;

	/*
	 * Signing in again (the session ended) keeps the record that was
	 * open: a parent's form for a child must not go to the parent.
	 */
	if (app->record != NULL && app->record->reference != NULL &&
	    app->me.profile != NULL) {
		was = xstrdup(app->record->reference);
		who = xstrdup(app->me.profile);
	}
	auth_me_free(&app->me);
	app->record = NULL;
	app_loading(app, "Loading your records...");
	if ((rc = portal_me(app->portal, &app->me, cause)) != AUTH_OK) {
		free(was);
		free(who);
		return -1;
	}
	/* What the server takes (read-only servers offer no writes). */
	app_load_capabilities(app, portal_fhir(app->portal));
	for (i = 0; i < app->me.npeople; i++) {
		const char *rel = app->me.people[i].relationship;

		if (rel != NULL && strcmp(rel, "self") == 0)
			app->record = &app->me.people[i];
	}
	for (i = 0; was != NULL && app->me.profile != NULL &&
	    strcmp(who, app->me.profile) == 0 && i < app->me.npeople; i++) {
		if (app->me.people[i].reference != NULL &&
		    strcmp(app->me.people[i].reference, was) == 0)
			app->record = &app->me.people[i];
	}
	free(was);
	free(who);
	if (app->record == NULL && app->me.npeople > 0)
		app->record = &app->me.people[0];
	if (app->record == NULL) {
		*cause = xstrdup("This account has no records to show.");
		return -1;
	}
	app_links_resume(app);
	return 0;
}

int
app_signed_in_own(struct app *app, char **cause)
{
	const struct auth_session	*s = portal_session(app->portal);
	struct auth_person		*self;
	char				*ref;

	if (s->patient == NULL || s->profile == NULL)
		return app_signed_in(app, cause);
	ref = fhir_ref("Patient", s->patient);
	if (strcmp(ref, s->profile) != 0) {
		free(ref);
		return app_signed_in(app, cause);
	}
	auth_me_free(&app->me);
	app->me.arena = arena_create();
	app->me.profile = arena_own(app->me.arena, ref);
	self = arena_alloc(app->me.arena, sizeof *self);
	self->reference = app->me.profile;
	self->relationship = arena_strdup(app->me.arena, "self");
	self->access = arena_strdup(app->me.arena, "full");
	app->me.people = self;
	app->me.npeople = 1;
	app->record = self;
	app_load_capabilities(app, portal_fhir(app->portal));
	return 0;
}

/*
 * The terminal has input. Between keys the main loop reads it (against
 * the view on screen); while a request runs: Esc cancels, a resize
 * redraws, other keys wait for the screen that comes (q too: it may be
 * the start of a text).
 */
static void
app_on_input(void *arg)
{
	struct loop	*l = arg;
	struct ui_event	 ev;

	if (ev_depth() == 0)
		return;
	/* Keys read against the form on screen: typing stays typing. */
	while (ui_read(l->app.ui, l->rebuild ? NULL : &l->view, &ev) == 1) {
		if (ev.action == ACTION_BACK) {
			ev_break();
			return;
		}
		if (ev.action == ACTION_QUIT && ev.len == 0) {
			l->app.quit = 1;	/* not a letter that may be text */
			ev_break();
			return;
		}
		/*
		 * The view may belong to a screen closed before this request
		 * (rebuild is set): then only the status line is drawn.
		 */
		if (ev.action == ACTION_RESIZE && l->depth > 0 && !l->rebuild)
			ui_draw(l->app.ui, &l->view, "Loading...");
		else if (ev.action == ACTION_RESIZE)
			ui_status(l->app.ui, "Loading...");
		else if (l->nahead < APP_TYPEAHEAD)
			l->ahead[l->nahead++] = ev;	/* done after loading */
	}
}

/* Keep where the focus is, and what row it is on. */
static void
app_note_focus(struct frame *f, const struct view *v)
{
	const struct view_row	*r;

	f->focus = v->focus;
	f->focus_kind = -1;
	if (v->focus < 0 || (size_t)v->focus >= v->nrows)
		return;
	r = &v->rows[v->focus];
	f->focus_kind = (int)r->kind;
	f->focus_id = r->id;
	strlcpy_c(f->focus_label, r->label ? r->label : "",
	    sizeof f->focus_label);
}

/* Is row r the one noted in f (its kind, id and label)? */
static int
app_same_row(const struct frame *f, const struct view_row *r)
{
	char	label[sizeof f->focus_label];

	strlcpy_c(label, r->label ? r->label : "", sizeof label);
	return (int)r->kind == f->focus_kind && r->id == f->focus_id &&
	    strcmp(label, f->focus_label) == 0;
}

/*
 * The row to focus in a view built again: the noted row where it was,
 * else where it is now (a reload added or dropped rows above it), else
 * the same place.
 */
static int
app_find_focus(const struct frame *f, const struct view *v, int at)
{
	size_t	i;

	if (f->focus_kind < 0 || (at >= 0 && (size_t)at < v->nrows &&
	    app_same_row(f, &v->rows[at])))
		return at;
	for (i = 0; i < v->nrows; i++) {
		if (app_same_row(f, &v->rows[i]))
			return (int)i;
	}
	return at;
}

static void
app_close_top(struct loop *l)
{
	struct frame	*f = &l->stack[--l->depth];

	if (f->screen->close != NULL)
		f->screen->close(f->state);
	else
		free(f->state);	/* a state of one block (or none) */
	memset(f, 0, sizeof *f);
	l->app.depth = l->depth;
	app_sync_here(l);
	l->rebuild = l->dirty = 1;
}

/* After a failure: if the session ended, go to sign-in over the stack. */
static void app_open(struct loop *, const struct screen *, void *);

static void
app_check_session(struct loop *l)
{
	struct app	*app = &l->app;

	if (app->opt.kiosk)
		return;		/* a device signs in again by itself */
	if (app->portal == NULL || portal_signed_in(app->portal) ||
	    l->depth == 0 || l->stack[l->depth - 1].screen->signed_out ||
	    l->stack[l->depth - 1].screen == APP_SCREENS(l)->signin)
		return;
	if (portal_server(app->portal)->root == NULL)
		return;
	app_open(l, APP_SCREENS(l)->signin, NULL);
}

/*
 * When the oldest of what the screen shows from kept records was read
 * (the portal being out of reach), or 0: from every organization.
 */
static time_t
app_take_as_of(struct app *app)
{
	struct portal	*p;
	struct fhir	*f;
	time_t		 at = 0, t;
	size_t		 i;

	for (i = 0; i <= app->nlinks; i++) {
		p = i == 0 ? app->portal : app->links[i - 1].portal;
		f = p != NULL ? portal_fhir(p) : NULL;
		if (f != NULL && (t = fhir_take_as_of(f)) != 0 &&
		    (at == 0 || t < at))
			at = t;
	}
	return at;
}

/* The frame shows what was just loaded: as of when, if kept. */
static void
app_note_as_of(struct app *app, struct frame *f, int merged)
{
	time_t	at = app_take_as_of(app);

	if (!merged || (at != 0 && (f->as_of == 0 || at < f->as_of)))
		f->as_of = at;
}

/* "As of Tue 1 Dec 14:02; the portal cannot be reached." */
static void
app_view_as_of(struct view *v, time_t at)
{
	char	*said = format_as_of(at);

	view_text(v, view_str(v, said));
	free(said);
}

static void
app_open(struct loop *l, const struct screen *s, void *arg)
{
	struct app	*app = &l->app;
	struct portal	*at;
	struct frame	*f;
	char		*cause = NULL;
	void		*state = NULL;
	int		 rc;

	/* Where it works: where it was asked to, else where the screen it
	 * opens from works; Home and the areas (opened over Home) at
	 * app->portal. */
	at = app->next_at;
	app->next_at = NULL;
	if (at == NULL && l->depth > 0 && s != APP_SCREENS(l)->home &&
	    s != APP_SCREENS(l)->signin)
		at = l->stack[l->depth - 1].at;

	if (l->depth == APP_MAX_DEPTH) {
		/* Never opened, so the arg is still ours to free. */
		if (s->drop != NULL)
			s->drop(arg);
		else
			free(arg);
		app_say(app, "Too many screens are open; go back first.");
		return;
	}
	app_loading(app, s->loading);
	l->opening = s;
	l->opening_ready = 0;
	app->here = at;
	(void)app_take_as_of(app);
	rc = s->open(app, arg, &state, &cause);
	l->opening = NULL;
	app_sync_here(l);
	if (rc != 0) {
		app_say(app, cause ? cause : "That could not be opened.");
		free(cause);
		l->rebuild = l->dirty = 1;
		app_check_session(l);
		return;
	}
	if (l->depth > 0)
		app_note_focus(&l->stack[l->depth - 1], &l->view);
	f = &l->stack[l->depth++];
	f->screen = s;
	f->state = state;
	f->focus = -1;
	f->focus_kind = -1;
	f->seen = l->app.changes;
	f->ready_due = l->opening_ready;
	f->at = at;
	app_note_as_of(app, f, 0);
	l->opening_ready = 0;
	app->depth = l->depth;
	app_sync_here(l);
	l->rebuild = l->dirty = 1;
}

static void
app_fetch(struct loop *l)
{
	struct frame	*f = &l->stack[l->depth - 1];
	char		*cause = NULL;

	if (f->screen->fetch == NULL)
		return;
	f->seen = l->app.changes;
	if (l->app.portal != NULL && portal_offline(l->app.portal)) {
		/* A reload: is the portal back? */
		app_loading(&l->app, "Connecting to the portal...");
		if (portal_reconnect(l->app.portal, &cause) != AUTH_OK) {
			free(cause);
			cause = NULL;
		}
	}
	app_loading(&l->app, f->screen->loading);
	(void)app_take_as_of(&l->app);
	if (f->screen->fetch(&l->app, f->state, &cause) != 0) {
		app_say(&l->app, cause ? cause : "Loading failed.");
		free(cause);
		app_check_session(l);
	} else
		app_note_as_of(&l->app, f, 0);
	l->rebuild = l->dirty = 1;
}

/*
 * Open Home alone (after sign-in or a change of record), then area. Home
 * is opened first: when it cannot be, the screens stay as they were, so
 * nothing typed in them is lost.
 */
static void
app_home(struct loop *l, const struct screen *area)
{
	struct frame	home;
	int		before;

	if (l->depth == APP_MAX_DEPTH)
		app_close_top(l);
	before = l->depth;
	app_open(l, APP_SCREENS(l)->home, NULL);
	if (l->depth != before + 1 ||
	    l->stack[l->depth - 1].screen != APP_SCREENS(l)->home)
		return;		/* not opened (or sign-in came over it) */
	home = l->stack[--l->depth];
	while (l->depth > 0)
		app_close_top(l);
	l->stack[l->depth++] = home;
	l->app.depth = l->depth;
	app_sync_here(l);
	l->rebuild = l->dirty = 1;
	if (area != NULL && area != APP_SCREENS(l)->home)
		app_open(l, area, NULL);
}

/*
 * A kiosk's turn is over (done, Esc on its first screen, idle): close
 * every screen (each wipes what it held), forget every key typed ahead
 * and the timers, clear the screen and its scrollback, and welcome the
 * next patient.
 */
/*
 * Close every screen (each wipes what it held), forget every key typed
 * ahead, the timers and what was to be said, and clear the screen and its
 * scrollback: before a kiosk's next patient, or after an idle sign-out.
 */
static void
app_clear_all(struct loop *l)
{
	struct app	*app = &l->app;

	while (l->depth > 0)
		app_close_top(l);
	secure_wipe(l->ahead, sizeof l->ahead);
	l->nahead = 0;
	ev_cancel(l->after);
	ev_cancel(l->idle_warn);
	ev_cancel(l->idle_end);
	l->after = l->idle_warn = l->idle_end = 0;
	l->after_due = l->expired = l->warned = 0;
	free(app->message);
	app->message = NULL;
	free(l->said);
	l->said = NULL;
	view_free(&l->view);
	view_init(&l->view);
	ui_wipe(app->ui);
}

/* A kiosk's turn is over (done, Esc on its first screen, idle): wipe it
 * all, and welcome the next patient. */
static void
app_end_turn(struct loop *l)
{
	app_clear_all(l);
	app_open(l, APP_SCREENS(l)->signin, NULL);
	l->rebuild = l->dirty = 1;
}

/*
 * Signed in and idle too long (automatic logoff): close every screen (an
 * unsent text is kept as a draft, as on leaving), drop the session from
 * memory but keep the keyring's sign-in, clear the screen and its
 * scrollback, and ask to sign in again.
 */
static void
app_idle_sign_out(struct loop *l)
{
	struct app	*app = &l->app;
	char		*said;
	int		 idle = app->opt.idle;
	size_t		 i;

	app_clear_all(l);
	portal_drop_session(app->portal);
	for (i = 0; i < app->nlinks; i++) {
		portal_drop_session(app->links[i].portal);
		app->links[i].signed_in = 0;
	}
	auth_me_free(&app->me);
	app->record = NULL;
	app_open(l, APP_SCREENS(l)->signin, NULL);
	if (idle % 60 == 0)
		said = xasprintf("You were signed out after %d minute%s "
		    "without a key. Sign in again to go on.", idle / 60,
		    idle == 60 ? "" : "s");
	else
		said = xasprintf("You were signed out after %d seconds "
		    "without a key. Sign in again to go on.", idle);
	app_say(app, said);
	free(said);
	l->rebuild = l->dirty = 1;
}

static void
app_react(struct loop *l, int flags)
{
	struct app	*app = &l->app;

	if (app->opt.kiosk && ((flags & (APP_HOME | APP_QUIT)) ||
	    ((flags & APP_POP) && l->depth == 1))) {
		app_end_turn(l);	/* a kiosk never quits, never goes home */
		return;
	}
	if ((flags & APP_READY) && l->depth > 0 &&
	    l->stack[l->depth - 1].screen->ready != NULL) {
		struct frame	*top = &l->stack[l->depth - 1];
		int		 r;

		/* Rows that arrived may come from what was kept. */
		time_t		 was = top->as_of;

		(void)app_take_as_of(app);
		r = top->screen->ready(app, top->state);
		app_note_as_of(app, top, 1);
		if (top->as_of != was)
			l->rebuild = l->dirty = 1;
		app_react(l, r);
	}
	if (flags & APP_QUIT)
		app->quit = 1;
	if (flags & APP_HOME)
		app_home(l, NULL);
	if ((flags & APP_POP) && (flags & APP_REFETCH))
		app_changed(app);	/* something was sent: screens below reload */
	if ((flags & APP_POP) && l->depth > 1)
		app_close_top(l);
	if ((flags & APP_PUSH) && app->next != NULL) {
		const struct screen *s = app->next;

		app->next = NULL;
		app_open(l, s, app->next_arg);
	}
	if (flags & APP_REFETCH)
		app_fetch(l);
	if (flags & (APP_REDRAW | APP_REFETCH))
		l->rebuild = l->dirty = 1;
}

/* Find text in the view's rows after the focus, wrapping around. */
static void
app_find(struct loop *l)
{
	struct view	*v = &l->view;
	size_t		 i, n = v->nrows, k;
	int		 start = v->focus < 0 ? 0 : v->focus;

	if (l->find == NULL || n == 0)
		return;
	for (k = 1; k <= n; k++) {
		const struct view_row *r;

		i = ((size_t)start + k) % n;
		r = &v->rows[i];
		if (!view_focusable(v, i))
			continue;
		if ((r->label && strcasestr(r->label, l->find)) ||
		    (r->value && strcasestr(r->value, l->find))) {
			v->focus = (int)i;
			l->dirty = 1;
			return;
		}
	}
	app_say(&l->app, "Not found.");
	l->dirty = 1;
}

/* Move the focus by n focusable rows in direction dir. */
static void
app_move(struct loop *l, int dir, int n)
{
	struct view	*v = &l->view;
	int		 next;

	while (n-- > 0 && (next = view_next(v, v->focus, dir)) >= 0)
		v->focus = next;
	l->dirty = 1;
}

/* The wrap width of an editor on this terminal (as the UI draws it). */
static int
app_editor_width(const struct loop *l)
{
	int	w = l->app.ui->cols - 6;

	return w < 10 ? 10 : w;
}

/* The focused editor, or NULL. */
static struct editor *
app_editor(struct loop *l)
{
	struct view	*v = &l->view;

	if (v->focus < 0 || (size_t)v->focus >= v->nrows ||
	    v->rows[v->focus].kind != ROW_EDITOR)
		return NULL;
	return v->rows[v->focus].editor;
}

/* Keys typed in an editor: text, deletions, moves along the lines. */
static void
app_edit_text(struct loop *l, struct editor *e, const struct ui_event *ev)
{
	char	*said;

	switch (ev->action) {
	case ACTION_CHAR:
		if (editor_insert(e, ev->text, ev->len) != 0) {
			said = xasprintf("The message is at its limit of %zu "
			    "characters.", e->max);
			app_say(&l->app, said);
			free(said);
		}
		break;
	case ACTION_ERASE:
		editor_backspace(e);
		break;
	case ACTION_DELETE:
		editor_delete(e);
		break;
	case ACTION_LEFT:
		editor_move(e, -1);
		break;
	case ACTION_RIGHT:
		editor_move(e, 1);
		break;
	case ACTION_LINE_START:
		editor_line_edge(e, app_editor_width(l), 0);
		break;
	default:
		editor_line_edge(e, app_editor_width(l), 1);
		break;
	}
	l->dirty = 1;
}

static void
app_edit(struct loop *l, const struct ui_event *ev)
{
	struct view	*v = &l->view;
	struct field	*f;
	struct editor	*e;

	if ((e = app_editor(l)) != NULL) {
		app_edit_text(l, e, ev);
		return;
	}
	if (v->focus < 0 || v->rows[v->focus].kind != ROW_FIELD)
		return;
	f = v->rows[v->focus].field;
	if (f->noptions > 0) {
		/* A choice: Left/Right (or Space) change it; no typing. */
		if (ev->action == ACTION_LEFT)
			field_choose(f, -1, 0);
		else if (ev->action == ACTION_RIGHT || (ev->action ==
		    ACTION_CHAR && ev->len == 1 && ev->text[0] == ' '))
			field_choose(f, 1, 0);
		/* The screen may make other fields follow the choice. */
		l->rebuild = l->dirty = 1;
		return;
	}
	switch (ev->action) {
	case ACTION_CHAR:
		field_insert(f, ev->text, ev->len);
		break;
	case ACTION_ERASE:
		field_backspace(f);
		break;
	case ACTION_DELETE:
		field_delete(f);
		break;
	case ACTION_LEFT:
		field_move(f, -1);
		break;
	case ACTION_RIGHT:
		field_move(f, 1);
		break;
	case ACTION_LINE_START:
		field_move(f, 0);
		break;
	default:
		field_move(f, 2);
		break;
	}
	l->dirty = 1;
}

static void
app_select(struct loop *l)
{
	struct frame		*f = &l->stack[l->depth - 1];
	struct view		*v = &l->view;
	const struct view_row	*r;
	int			 next, flags;

	if (v->focus < 0 || f->screen->action == NULL)
		return;
	r = &v->rows[v->focus];
	/* Enter in a field moves to the next field; in the last, submits. */
	if (r->kind == ROW_FIELD) {
		next = view_next(v, v->focus, 1);
		if (next >= 0 && (v->rows[next].kind == ROW_FIELD ||
		    v->rows[next].kind == ROW_EDITOR)) {
			v->focus = next;
			l->dirty = 1;
			return;
		}
	}
	app_note_focus(f, v);
	/* A page loaded in place may come from what was kept. */
	(void)app_take_as_of(&l->app);
	flags = f->screen->action(&l->app, f->state, r);
	app_note_as_of(&l->app, f, 1);
	app_react(l, flags);
	/* A send that found the session over: sign in over the form. */
	app_check_session(l);
}

/* May the screens from the top down to depth `to` close? 0 when so. */
static int
app_may_leave(struct loop *l, int to)
{
	struct frame	*f;
	int		 i;

	for (i = l->depth - 1; i >= to && i >= 0; i--) {
		f = &l->stack[i];
		if (f->screen->leave != NULL &&
		    f->screen->leave(&l->app, f->state) != 0) {
			l->dirty = 1;
			return -1;
		}
	}
	return 0;
}

static void
app_event(struct loop *l, const struct ui_event *ev)
{
	struct app	*app = &l->app;
	struct frame	*f;
	int		 page = app->ui->lines > 2 ? app->ui->lines - 2 : 1;
	int		 n;

	app_idle_key(l);
	/* A key: what was said has been seen (Ctrl-N reads on in it). */
	if (ev->action != ACTION_MORE) {
		free(l->said);
		l->said = NULL;
	}
	if (l->warned) {	/* the key answered "Still there?" */
		free(app->message);
		app->message = NULL;
		l->warned = 0;
		l->dirty = 1;
	}
	if (app->opt.kiosk) {
		switch (ev->action) {
		case ACTION_QUIT:
		case ACTION_HELP:
		case ACTION_FIND:
		case ACTION_FIND_NEXT:
		case ACTION_REFRESH:
		case ACTION_AREA:
			/* No way out of the check-in, and no other patient
			 * (in a field these keys are letters: ACTION_CHAR). */
			return;
		default:
			break;
		}
	}
	switch (ev->action) {
	case ACTION_UP:
	case ACTION_DOWN:
		n = ev->action == ACTION_UP ? -1 : 1;
		/* In a text, Up and Down go along its lines, then out. */
		if (ev->arg == 0 && app_editor(l) != NULL &&
		    editor_line(app_editor(l), app_editor_width(l), n) == 0)
			l->dirty = 1;
		else
			app_move(l, n, 1);
		break;
	case ACTION_PAGE_UP:
		app_move(l, -1, page);
		break;
	case ACTION_PAGE_DOWN:
		app_move(l, 1, page);
		break;
	case ACTION_FIRST:
		app_move(l, -1, 1 << 20);
		break;
	case ACTION_LAST:
		app_move(l, 1, 1 << 20);
		break;
	case ACTION_SELECT:
		app_select(l);
		break;
	case ACTION_BACK:
		/* A screen that goes back a step of its own. */
		f = &l->stack[l->depth - 1];
		if (f->screen->back != NULL &&
		    (n = f->screen->back(app, f->state)) != 0) {
			app_react(l, n);
			break;
		}
		if (app->opt.kiosk && l->depth == 1) {
			app_end_turn(l);
			break;
		}
		if (l->depth > 1 && app_may_leave(l, l->depth - 1) != 0)
			break;
		if (l->depth > 1) {
			app_close_top(l);
			/* Back to a screen loaded before a change: reload. */
			if (l->stack[l->depth - 1].seen != l->app.changes)
				app_fetch(l);
		} else
			app_say(app, "This is the first screen. Press q to "
			    "quit.");
		l->dirty = 1;
		break;
	case ACTION_QUIT:
		if (app_may_leave(l, 0) == 0)
			app->quit = 1;
		break;
	case ACTION_HELP:
		if (l->stack[l->depth - 1].screen != APP_SCREENS(l)->help)
			app_open(l, APP_SCREENS(l)->help, NULL);
		break;
	case ACTION_FIND:
		free(l->find);
		l->find = ui_prompt(app->ui, "Find: ");
		if (l->find != NULL && *l->find == '\0') {
			free(l->find);
			l->find = NULL;
		}
		app_find(l);
		l->dirty = 1;
		break;
	case ACTION_FIND_NEXT:
		app_find(l);
		break;
	case ACTION_REFRESH:
		app_fetch(l);
		break;
	case ACTION_AREA:
		for (n = 0; APP_SCREENS(l)->areas[n] != NULL; n++)
			;
		if (app->record == NULL)
			app_say(app, "Sign in first.");
		else if (ev->arg < 1 || ev->arg > n)
			app_say(app, "There is no area with that number. "
			    "Press ? for the keys.");
		else if (app_may_leave(l, 0) == 0)
			app_home(l, APP_SCREENS(l)->areas[ev->arg - 1]);
		l->dirty = 1;
		break;
	case ACTION_RESIZE:
		l->dirty = 1;
		break;
	case ACTION_MORE:	/* the UI showed the rest itself */
	case ACTION_NONE:
		break;
	default:
		app_edit(l, ev);
		break;
	}
}

/*
 * A key typed ahead was read as a command; if it lands in a field or a
 * text (the screen that opened meanwhile starts in one), it is text.
 */
static void
app_retype(struct loop *l, struct ui_event *ev)
{
	struct view	*v = &l->view;
	enum row_kind	 kind;

	if (ev->len == 0 || ev->action == ACTION_CHAR || v->focus < 0 ||
	    (size_t)v->focus >= v->nrows)
		return;
	kind = v->rows[v->focus].kind;
	if (kind == ROW_EDITOR ||
	    (kind == ROW_FIELD && ev->text[0] != '\n'))
		ev->action = ACTION_CHAR;
}

int
app_run(const struct app_options *opt)
{
	static const int	 sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct loop		*l;
	struct app		*app;
	struct frame		*f;
	struct ui_event		 ev;
	char			*cause = NULL;
	size_t			 i;
	int			 rc, status;

	l = xcalloc(1, sizeof *l);
	app = &l->app;
	app->opt = *opt;
	view_init(&l->view);
	format_set_ascii(opt->ascii);	/* units too: "C", no degree sign */
	if (!opt->plain)
		app->ui = ui_curses_create(opt->ascii, opt->color, opt->kiosk,
		    &cause);
	if (app->ui == NULL) {
		if (cause != NULL)
			printf("%s Using plain lines.\n", cause);
		free(cause);
		app->ui = ui_plain_create();
	}
	fatal_set_hook(ui_restore);
	/* One loop: signals through its pipe, the terminal watched. */
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		ev_signal(sigs[i], app_on_signal, l);
	if (opt->kiosk) {
		/* Only the system stops a kiosk (SIGTERM, SIGHUP). */
		signal(SIGINT, SIG_IGN);
		signal(SIGQUIT, SIG_IGN);
		signal(SIGTSTP, SIG_IGN);
	}
	if (!app->ui->plain)
		ev_watch(app->ui->fd, app_on_input, l);

	if (opt->kiosk) {
		/* The device: its screen signs it in (and again). */
		app->portal = portal_create(opt->server, opt->email, 1);
		portal_set_ca_file(app->portal, opt->ca_file);
		app_open(l, APP_SCREENS(l)->signin, NULL);
	} else if (app_resume(app) == 0)
		app_home(l, NULL);
	else
		app_open(l, APP_SCREENS(l)->signin, NULL);
	while (!app->quit && (l->depth > 0 || opt->kiosk) && (!l->signal ||
	    l->signal == SIGINT)) {
		if (l->expired) {
			l->expired = 0;
			if (opt->kiosk)
				app_end_turn(l);
			else
				app_idle_sign_out(l);
		}
		/* Signed in (or again): the idle time runs from now. */
		if (!opt->kiosk && opt->idle > 0 && app->record != NULL &&
		    l->idle_end == 0)
			app_idle_key(l);
		if (l->after_due) {
			l->after_due = 0;
			app_react(l, l->after_flags);
		}
		/* What a screen waited for came (maybe while under another):
		 * what was said last is said again over it. */
		if (l->depth > 0 && l->stack[l->depth - 1].ready_due) {
			l->stack[l->depth - 1].ready_due = 0;
			app_react(l, APP_READY);
			if (app->message == NULL && l->said != NULL)
				app_say(app, l->said);
		}
		if (l->depth == 0) {
			/* A kiosk whose screen could not open: try again. */
			app_open(l, APP_SCREENS(l)->signin, NULL);
			if (l->depth == 0) {
				ev_once(5000);
				continue;
			}
		}
		if (l->signal == SIGINT) {
			/* Ctrl-C is a way to quit: an unsent text asks first. */
			l->signal = 0;
			if (app_may_leave(l, 0) == 0)
				break;
		}
		f = &l->stack[l->depth - 1];
		if (l->rebuild) {
			int focus = f->focus;

			view_free(&l->view);
			view_init(&l->view);
			l->view.title = f->screen->title_of != NULL ?
			    f->screen->title_of(f->state) : f->screen->title;
			l->view.whose = app_whose(app);
			l->view.no_help = app->opt.kiosk;
			if (f->as_of != 0)
				app_view_as_of(&l->view, f->as_of);
			f->screen->view(app, f->state, &l->view);
			/* The screen may place the focus; else keep the last,
			 * found again when a reload moved the rows. */
			if (l->view.focus < 0)
				l->view.focus = app_find_focus(f, &l->view,
				    focus);
			view_fix_focus(&l->view);
			l->rebuild = 0;
		}
		if (l->dirty) {
			ui_draw(app->ui, &l->view, app->message);
			/* Kept until a key: rows arriving meanwhile redraw
			 * with it, so a confirmation is not lost. */
			if (app->message != NULL) {
				free(l->said);
				l->said = app->message;
			} else
				free(app->message);
			app->message = NULL;
			l->dirty = 0;
		}
		app_note_focus(f, &l->view);
		if (l->nahead > 0) {
			/* Keys typed while loading, in order. */
			ev = l->ahead[0];
			memmove(l->ahead, l->ahead + 1,
			    --l->nahead * sizeof l->ahead[0]);
			app_retype(l, &ev);
			rc = 1;
		} else
			rc = ui_read(app->ui, &l->view, &ev);
		if (rc < 0 && (l->expired || l->after_due ||
		    l->stack[l->depth - 1].ready_due))
			continue;	/* a timer ended the wait for a line */
		if (rc < 0)
			break;		/* end of input */
		if (rc == 0) {
			/* Nothing typed: wait for the terminal, a signal, a
			 * timer, or a linked organization's answer (no other
			 * request is under way between keys). */
			if (!app->ui->plain)
				ev_once(-1);
			continue;
		}
		app_event(l, &ev);
		if (app->message != NULL)
			l->dirty = 1;
	}

	while (l->depth > 0)
		app_close_top(l);
	ev_watch(app->ui->fd, NULL, NULL);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		ev_signal(sigs[i], NULL, NULL);
	view_free(&l->view);
	ui_free(app->ui);
	app->ui = NULL;
	/* A last word, such as "Signed out." (not after a signal: what the
	 * screen said then, "Cancelled.", is not what happened). */
	if (app->message != NULL && l->signal == 0)
		printf("%s\n", app->message);
	auth_me_free(&app->me);
	app_links_free(app);
	portal_free(app->portal);
	free(app->message);
	free(l->find);
	free(l->said);
	free(app->here_ref);
	/* Ended by a signal (Ctrl-C between keys is a way to quit): 128 +
	 * its number, as a shell says it. */
	status = l->signal != 0 ? 128 + l->signal : 0;
	free(l);
	return status;
}
