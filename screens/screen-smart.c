/*
 * Signing in with a browser, at a health system's SMART server: its own
 * sign-in page opens in a browser on this machine (or its address is
 * shown, in full, to open anywhere), and chartty takes the browser's
 * return by itself, or the address the browser ended on, pasted here.
 * The same in full-screen and plain mode.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "browser.h"
#include "evloop.h"
#include "portal.h"
#include "screens.h"
#include "util.h"
#include "view.h"

enum { SMART_PASTED, SMART_GO, SMART_CANCEL };

struct smart_screen {
	struct app	*app;
	struct portal	*portal;	/* app->portal, or a linked one's */
	int		 link;		/* its index in app->links, or -1 */
	struct field	 pasted;
	int		 fd;		/* the loopback listener, or -1 */
	int		 opened;	/* a browser was started */
	int		 placed;
};

/* The browser came back to the listener: finish in the loop. */
static void
smart_readable(void *arg)
{
	struct smart_screen	*s = arg;

	if (portal_smart_take(s->portal) == 1)
		app_after(s->app, 0, APP_READY);
}

static int
smart_open(struct app *app, void *arg, void **state, char **cause)
{
	struct smart_screen	*s = xcalloc(1, sizeof *s);
	char			*why = NULL;
	long long		 k;

	/* "link:<n>": a linked organization's sign-in; else the app's. */
	s->app = app;
	s->link = -1;
	s->portal = app->portal;
	if (arg != NULL && strncmp(arg, "link:", 5) == 0 &&
	    parse_number((char *)arg + 5, 0, (long long)app->nlinks - 1,
	    &k) == 0 && app->links[k].portal != NULL) {
		s->link = (int)k;
		s->portal = app->links[k].portal;
	}
	free(arg);
	if (portal_smart_begin(s->portal, cause) != AUTH_OK) {
		free(s);
		return -1;
	}
	s->fd = portal_smart_fd(s->portal);
	if (s->fd >= 0)
		ev_watch(s->fd, smart_readable, s);
	if (!app->opt.no_browser && browser_available()) {
		if (browser_open(portal_smart_url(s->portal), &why) == 0)
			s->opened = 1;
		else {
			app_say(app, why);
			free(why);
		}
	}
	*state = s;
	return 0;
}

static void
smart_view(struct app *app, void *state, struct view *v)
{
	struct smart_screen	*s = state;
	const char		*where = s->link >= 0 ||
	    app->opt.label != NULL ? app_org_name(app, s->portal) :
	    "the health system";
	int			 at;

	if (s->link < 0)
		v->whose = NULL;
	if (s->opened)
		view_text(v, view_printf(v, "Your browser opened %s's sign-in "
		    "page. Sign in there; chartty goes on by itself when you "
		    "are done.", where));
	else
		view_text(v, view_printf(v, "To sign in to %s, open this "
		    "address in a web browser, on this computer or another:",
		    where));
	view_text(v, portal_smart_url(s->portal));
	view_text(v, "After signing in, paste the address your browser "
	    "ended on (or just the code in it) here.");
	at = view_field(v, SMART_PASTED, "Address the browser ended on",
	    &s->pasted, 0);
	if (!s->placed)
		v->focus = at;
	s->placed = 1;
	view_button(v, SMART_GO, "Continue");
	view_button(v, SMART_CANCEL, "Cancel");
}

/* "Signed in to Harbor Clinic." (static). */
static const char *
view_str_say(struct app *app, struct smart_screen *s)
{
	static char	said[300];

	snprintf(said, sizeof said, "Signed in to %s.", app_org_name(app,
	    s->portal));
	return said;
}

/* Finish with pasted (NULL: what the browser brought back). */
static int
smart_finish(struct app *app, struct smart_screen *s, const char *pasted)
{
	char	*cause = NULL;
	int	 rc;

	app_loading(app, "Signing in...");
	rc = portal_smart_finish(s->portal, pasted, &cause);
	field_clear(&s->pasted);
	if (portal_smart_url(s->portal) == NULL && s->fd >= 0) {
		/* The sign-in is over, its listener closed: no more watch. */
		ev_watch(s->fd, NULL, NULL);
		s->fd = -1;
	}
	if (rc != AUTH_OK) {
		app_say(app, cause);
		free(cause);
		/* An address not of this sign-in: paste again. A code that
		 * was tried ends the sign-in: the next try starts anew. */
		return portal_smart_url(s->portal) != NULL ? APP_REDRAW :
		    APP_POP;
	}
	if (s->link >= 0) {
		/* A linked organization: its records join the others. */
		app_links_resume(app);
		app_say(app, view_str_say(app, s));
		return APP_POP | APP_REFETCH;
	}
	app_notice(app);
	if (app_signed_in(app, &cause) != 0) {
		app_say(app, cause);
		free(cause);
		return APP_POP;
	}
	return APP_HOME;
}

static int
smart_action(struct app *app, void *state, const struct view_row *r)
{
	struct smart_screen	*s = state;

	if (r->id == SMART_CANCEL)
		return APP_POP;
	if (s->pasted.len == 0) {
		app_say(app, "Paste the address your browser ended on after "
		    "signing in.");
		return APP_REDRAW;
	}
	return smart_finish(app, s, s->pasted.text);
}

static int
smart_ready(struct app *app, void *state)
{
	return smart_finish(app, state, NULL);
}

static void
smart_close(void *state)
{
	struct smart_screen	*s = state;

	if (s->fd >= 0)
		ev_watch(s->fd, NULL, NULL);
	portal_smart_end(s->portal);
	field_clear(&s->pasted);
	free(s);
}

const struct screen screen_smart = {
	.title = "Sign in with your browser",
	.open = smart_open,
	.view = smart_view,
	.action = smart_action,
	.ready = smart_ready,
	.close = smart_close,
	.signed_out = 1,
};
