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
#include "linked.h"
#include "messages.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"

enum { INBOX_NEW = -4 };	/* below the page rows' ids */


/* One organization's conversations on screen (none: not on this page). */
struct inbox_org {
	struct arena		*a;
	struct message		*convs;
	size_t			 n;
};

/*
 * Page P of the screen holds page P of each organization's conversations
 * (one's own record at the linked organizations too), newest first
 * across them.
 */
struct inbox {
	struct linked_pages	 pages;	/* first: linked_pages_url() */
	struct inbox_org	 org[LINKED_MAX];
};

#define INBOX_ID(org, i)	((int)(org) * 1000 + (int)(i))

/* Organization i's page (the first one's replacing what was shown). */
static void
inbox_take(void *state, size_t i, const struct fhir_batch_job *job)
{
	struct inbox		*s = state;
	struct inbox_org	*o = &s->org[i];
	size_t			 k;
	long			 total;

	for (k = 0; i == 0 && k < LINKED_MAX; k++) {
		arena_free(s->org[k].a);
		memset(&s->org[k], 0, sizeof s->org[k]);
	}
	if (linked_pages_take(&s->pages, i, job) != 0)
		return;
	o->a = arena_create();
	o->convs = messages_inbox_take(o->a, job->res.body, &o->n, &total);
}

static const struct linked_ask inbox_ask = {
	.urls_at = linked_pages_url,
	.max = 1,
	.get = 1,
	.take = inbox_take,
};

static int
inbox_fetch(struct app *app, void *state, char **cause)
{
	struct inbox	*s = state;

	return linked_pages_load(&s->pages, app, s, &inbox_ask,
	    s->pages.number, cause);
}

static void
inbox_free(struct inbox *s)
{
	size_t	i;

	linked_pages_free(&s->pages);
	for (i = 0; i < LINKED_MAX; i++)
		arena_free(s->org[i].a);
	free(s);
}

static int
inbox_open(struct app *app, void *arg, void **state, char **cause)
{
	struct inbox	*s = xcalloc(1, sizeof *s);

	(void)arg;
	s->pages.start = messages_inbox_start;
	s->pages.number = 1;
	if (inbox_fetch(app, s, cause) != 0) {
		inbox_free(s);
		return -1;
	}
	s->pages.refocus = 1;	/* the newest conversation, not "New message" */
	*state = s;
	return 0;
}

static int
inbox_ready(struct app *app, void *state)
{
	struct inbox	*s = state;

	(void)app;
	linked_take(&s->pages.l);
	return APP_REDRAW;
}

/* The conversation of row id, or NULL (its organization in *org). */
static struct message *
inbox_find(struct inbox *s, int id, size_t *org)
{
	size_t	i;

	if (id < 0)
		return NULL;
	*org = (size_t)id / 1000;
	i = (size_t)id % 1000;
	if (*org >= s->pages.l.n || i >= s->org[*org].n)
		return NULL;
	return &s->org[*org].convs[i];
}

static void
inbox_view(struct app *app, void *state, struct view *v)
{
	struct inbox		*s = state;
	const struct message	*c;
	const char		*with;
	struct buf		 b;
	char			 when[64];
	size_t			 at[LINKED_MAX], k, best, n = 0, first;
	long			 total = linked_pages_total(&s->pages);
	int			 row, more, top = 1;

	if (serves(portal_fhir(app->portal), SERVE_MESSAGE_SEND))
		view_item(v, INBOX_NEW, "Action", "New message",
		    s->pages.l.n > 1 ? view_printf(v, "write to your care "
		    "team at %s", linked_name(&s->pages.l, 0)) :
		    "write to your care team", 0);
	view_heading(v, "Conversations, newest first");
	linked_pages_view(&s->pages, v);
	for (k = 0; k < s->pages.l.n; k++) {
		n += s->org[k].n;
		at[k] = 0;
	}
	more = linked_pages_more(&s->pages);
	first = (s->pages.number - 1) * MESSAGES_PAGE + 1;
	if (n == 0)
		view_text(v, s->pages.number > 1 ? "No more conversations." :
		    "No messages yet.");
	else if (s->pages.l.n > 1 && (total > (long)n || s->pages.number > 1))
		view_text(v, view_printf(v, "Page %zu: %zu conversations of "
		    "%ld.", s->pages.number, n, total));
	else if (total > (long)n || first > 1)
		view_text(v, view_printf(v, "Conversations %zu to %zu of %ld.",
		    first, first + n - 1, total));
	/* The organizations' pages woven together, newest first. */
	while (n-- > 0) {
		for (best = LINKED_MAX, k = 0; k < s->pages.l.n; k++) {
			if (at[k] < s->org[k].n && (best == LINKED_MAX ||
			    s->org[best].convs[at[best]].sent.t <
			    s->org[k].convs[at[k]].sent.t))
				best = k;
		}
		c = &s->org[best].convs[at[best]];
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
		if (s->pages.l.n > 1)
			buf_printf(&b, ", from %s", linked_name(&s->pages.l,
			    best));
		row = view_item(v, INBOX_ID(best, at[best]), "Conversation",
		    c->topic ? c->topic : "No subject", b.data, 0);
		buf_free(&b, 0);
		if (top && s->pages.refocus)
			v->focus = row;
		top = 0;
		at[best]++;
	}
	s->pages.refocus = 0;
	view_pages(v, s->pages.number, more, "conversations");
}

static int
inbox_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct inbox		*s = state;
	struct message		*c;
	char			*cause = NULL;
	size_t			 org;
	int			 dir;

	if (r->id == INBOX_NEW)
		return app_push(app, &screen_compose, xstrdup("new"));
	if ((dir = view_page_dir(r->id)) != 0) {
		if (dir < 0 && s->pages.number == 1)
			return 0;
		app_loading(app, "Loading more conversations...");
		if (linked_pages_load(&s->pages, app, s, &inbox_ask,
		    s->pages.number + dir, &cause) != 0) {
			app_say(app, cause);
			free(cause);
		}
		return APP_REDRAW;
	}
	if ((c = inbox_find(s, r->id, &org)) == NULL ||
	    c->id == NULL)
		return 0;
	/* Opening it marks the care team's messages read; it opens at its
	 * own organization, where a reply goes. */
	c->unread = 0;
	if (linked_portal(&s->pages.l, org) == NULL)
		return 0;
	return app_push_at(app, &screen_thread, xstrdup(c->id),
	    linked_portal(&s->pages.l, org));
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
	.ready = inbox_ready,
	.close = inbox_close,
};
