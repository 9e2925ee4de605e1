/*
 * Messages: the conversations with the care team, newest first, a page
 * at a time, each with whom it is with, its last activity and how many
 * of the care team's messages are unread (the portal counts them).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "screens.h"
#include "serves.h"
#include "fhir.h"
#include "messages.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"

enum { INBOX_NEW = -4 };	/* below the page rows' ids */


struct inbox {
	struct arena		*a;
	struct fhir_pages	 pages;
	struct message		*convs;
	size_t			 n;
	long			 total;
	int			 refocus;
};

static int
inbox_load(struct app *app, struct inbox *s, int dir, char **cause)
{
	struct arena	*a;

	/* Only a new page lets the old one go: a failure keeps it shown. */
	if (messages_inbox_page(portal_fhir(app->portal), &s->pages, dir, &a,
	    &s->convs, &s->n, &s->total, cause) != 0)
		return -1;
	arena_free(s->a);
	s->a = a;
	s->refocus = dir != 0;
	return 0;
}

static int
inbox_fetch(struct app *app, void *state, char **cause)
{
	return inbox_load(app, state, 0, cause);
}

static void
inbox_free(struct inbox *s)
{
	arena_free(s->a);
	fhir_pages_free(&s->pages);
	free(s);
}

static int
inbox_open(struct app *app, void *arg, void **state, char **cause)
{
	struct inbox	*s = xcalloc(1, sizeof *s);

	messages_inbox_start(&s->pages, app_patient_ref(app));
	if (inbox_load(app, s, 0, cause) != 0) {
		inbox_free(s);
		return -1;
	}
	s->refocus = 1;		/* the newest conversation, not "New message" */
	*state = s;
	return 0;
}

static void
inbox_view(struct app *app, void *state, struct view *v)
{
	struct inbox		*s = state;
	const struct message	*c;
	const char		*with;
	struct buf		 b;
	char			 when[64];
	size_t			 i, first;
	int			 row;

	first = (fhir_pages_number(&s->pages) - 1) * MESSAGES_PAGE + 1;
	if (serves(portal_fhir(app->portal), SERVE_MESSAGE_SEND))
		view_item(v, INBOX_NEW, "Action", "New message", "write to "
		    "your care team", 0);
	view_heading(v, "Conversations, newest first");
	if (s->n == 0)
		view_text(v, first > 1 ? "No more conversations." :
		    "No messages yet.");
	else if (s->total > (long)s->n || first > 1)
		view_text(v, view_printf(v, "Conversations %zu to %zu of %ld.",
		    first, first + s->n - 1, s->total));
	for (i = 0; i < s->n; i++) {
		c = &s->convs[i];
		buf_init(&b, 4096);
		if (c->unread > 0)
			buf_printf(&b, "%d unread, ", c->unread);
		with = c->from_patient ? c->recipient : c->sender;
		if (with != NULL)
			buf_printf(&b, "with %s, ", with);
		fhir_time_format(&c->sent, when, sizeof when);
		buf_printf(&b, "last %s", when[0] ? when : "at a time not "
		    "given");
		if (c->category != NULL)
			buf_printf(&b, ", %s", c->category);
		row = view_item(v, (int)i, "Conversation", c->topic ?
		    c->topic : "No subject", b.data, 0);
		buf_free(&b, 0);
		if (i == 0 && s->refocus)
			v->focus = row;
	}
	s->refocus = 0;
	view_pages(v, fhir_pages_number(&s->pages), fhir_pages_more(&s->pages),
	    "conversations");
}

static int
inbox_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct inbox	*s = state;
	char		*cause = NULL;

	if (r->id == INBOX_NEW)
		return app_push(app, &screen_compose, xstrdup("new"));
	if (view_page_dir(r->id) != 0) {
		app_loading(app, "Loading more conversations...");
		if (inbox_load(app, s, view_page_dir(r->id),
		    &cause) != 0) {
			app_say(app, cause);
			free(cause);
		}
		return APP_REDRAW;
	}
	if (r->id < 0 || (size_t)r->id >= s->n || s->convs[r->id].id == NULL)
		return 0;
	/* Opening it marks the care team's messages read. */
	s->convs[r->id].unread = 0;
	return app_push(app, &screen_thread, xstrdup(s->convs[r->id].id));
}

static void
inbox_close(void *state)
{
	inbox_free(state);
}

const struct screen screen_inbox = {
	.title = "Messages",
	.loading = "Loading messages...",
	.open = inbox_open,
	.fetch = inbox_fetch,
	.view = inbox_view,
	.action = inbox_action,
	.close = inbox_close,
};
