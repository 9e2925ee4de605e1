/*
 * One conversation: its messages oldest to newest with sender, time and
 * text; opening it marks the care team's messages read (on the portal,
 * each guarded by its version). Attachments are listed with their name
 * and size and can be saved to a file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "serves.h"
#include "attach.h"
#include "messages.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"

#define THREAD_ATTACHMENT	100000	/* row ids: message * this + file */
#define THREAD_REPLY		(-2)

struct thread {
	char			*id;		/* the header */
	struct messages_thread	 t;
};

static int
thread_fetch(struct app *app, void *state, char **cause)
{
	struct thread	*s = state;

	return messages_thread_load(portal_fhir(app_here(app)), s->id, &s->t,
	    cause);
}

static void
thread_free(struct thread *s)
{
	messages_thread_clear(&s->t);
	free(s->id);
	free(s);
}

static int
thread_open(struct app *app, void *arg, void **state, char **cause)
{
	struct thread	*s = xcalloc(1, sizeof *s);

	s->id = arg;
	if (thread_fetch(app, s, cause) != 0) {
		thread_free(s);
		return -1;
	}
	*state = s;
	return 0;
}

/* "12 KB", "1.5 MB", "300 bytes". */
static const char *
thread_size(struct view *v, long size)
{
	if (size < 0)
		return "size not given";
	if (size < 1024)
		return view_printf(v, "%ld bytes", size);
	if (size < 1024 * 1024)
		return view_printf(v, "%ld KB", (size + 512) / 1024);
	return view_printf(v, "%.1f MB", size / (1024.0 * 1024.0));
}

static void
thread_view(struct app *app, void *state, struct view *v)
{
	struct thread		*s = state;
	const struct message	*m;
	const struct attachment	*at;
	char			 when[64];
	size_t			 i, k;

	view_heading(v, s->t.have_header && s->t.header.topic ? s->t.header.topic :
	    "No subject");
	if (s->t.have_header && s->t.header.category != NULL)
		view_text(v, view_printf(v, "About: %s.", s->t.header.category));
	if (s->t.n == 0)
		view_text(v, "This conversation has no messages yet.");
	for (i = 0; i < s->t.n; i++) {
		m = &s->t.msgs[i];
		fhir_time_format(&m->sent, when, sizeof when);
		view_item(v, (int)(i * THREAD_ATTACHMENT), "Message",
		    view_printf(v, "%s%s%s", m->sender ? m->sender :
		    "Sender not given", when[0] ? ", " : "", when),
		    m->text ? m->text : "(no text)", ROW_INFO);
		for (k = 0; k < m->nattachments; k++) {
			at = &m->attachments[k];
			view_item(v, (int)(i * THREAD_ATTACHMENT + k + 1),
			    "Attachment", view_printf(v, "Attachment: %s",
			    at->title ? at->title : "unnamed file"),
			    view_printf(v, "%s; open it to save a copy",
			    thread_size(v, at->size)), 0);
		}
	}
	if (s->t.unmarked > 0)
		view_text(v, "Some new messages could not be marked as read; "
		    "they will be marked the next time.");
	if (serves(portal_fhir(app_here(app)), SERVE_MESSAGE_SEND))
		view_item(v, THREAD_REPLY, "Action", "Reply", "write to your "
		    "care team in this conversation", 0);
}

static int
thread_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct thread		*s = state;
	size_t			 i, k;

	if (r->id == THREAD_REPLY)
		return app_push(app, &screen_compose, xasprintf("reply:%s",
		    s->id));
	if (r->id < 0)
		return 0;
	i = (size_t)r->id / THREAD_ATTACHMENT;
	k = (size_t)r->id % THREAD_ATTACHMENT;
	if (k == 0 || i >= s->t.n || k > s->t.msgs[i].nattachments)
		return 0;
	return attachment_save(app, &s->t.msgs[i].attachments[k - 1]);
}

static void
thread_close(void *state)
{
	thread_free(state);
}

const struct screen screen_thread = {
	.title = "Conversation",
	.loading = "Loading the conversation...",
	.open = thread_open,
	.fetch = thread_fetch,
	.view = thread_view,
	.action = thread_action,
	.close = thread_close,
};
