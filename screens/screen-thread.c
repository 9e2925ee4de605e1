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
#include "attach.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "util.h"
#include "view.h"

#define THREAD_MAX		200	/* messages of one conversation shown */
#define THREAD_ATTACHMENT	100000	/* row ids: message * this + file */
#define THREAD_REPLY		(-2)

struct thread {
	char			*id;		/* the header */
	struct arena		*a;
	struct message		 header;
	int			 have_header;
	struct message		*msgs;		/* oldest first */
	size_t			 n;
	int			 unmarked;	/* could not be marked read */
};

/* Mark one message from the care team read: received = now, If-Match. */
static int
thread_mark(struct app *app, const struct json *j, const struct message *m)
{
	struct fhir_result	 res;
	struct json		*copy;
	char			*path, *cause = NULL, now[64];
	int			 rc;

	copy = json_dup(j);
	fhir_time_write(time(NULL), now, sizeof now);
	json_set_str(copy, "received", now);
	path = fhir_path("Communication", m->id, NULL);
	rc = fhir_update(portal_fhir(app->portal), path, copy, m->etag, &res, &cause);
	free(path);
	free(cause);
	fhir_result_free(&res);
	json_free_secret(copy);
	return rc;
}

static int
thread_fetch(struct app *app, void *state, char **cause)
{
	struct thread		*s = state;
	struct fhir_result	 res;
	const struct json	*b, *j;
	struct message		*m;
	struct arena		*a;
	char			*urls[2], *id;
	long			 status;
	size_t			 i, n;
	int			 rc;

	urls[0] = fhir_path("Communication", s->id, NULL);
	/* The newest THREAD_MAX, newest first; shown oldest first. */
	id = fhir_ref("Communication", s->id);
	urls[1] = fhir_query("Communication?_sort=-sent&_count="
	    FHIR_NUM(THREAD_MAX), "part-of", id, NULL);
	free(id);
	rc = fhir_batch(portal_fhir(app->portal), (const char *const *)urls, 2, &res,
	    cause);
	free(urls[0]);
	free(urls[1]);
	if (rc != 0) {
		fhir_result_free(&res);
		return -1;
	}
	if ((b = fhir_batch_entry(res.body, 1, &status, cause)) == NULL) {
		fhir_result_free(&res);
		return -1;
	}
	a = arena_create();
	arena_free(s->a);
	s->a = a;
	s->have_header = model_message(a, fhir_batch_entry(res.body, 0,
	    &status, NULL), &s->header) == 0;
	n = fhir_bundle_count(b);
	if (n > THREAD_MAX)
		n = THREAD_MAX;
	s->msgs = arena_alloc(a, (n + 1) * sizeof *s->msgs);
	s->n = 0;
	s->unmarked = 0;
	for (i = 0; i < n; i++) {
		j = fhir_bundle_resource(b, i);
		m = &s->msgs[s->n];
		if (model_message(a, j, m) != 0)
			continue;
		s->n++;
		if (m->from_patient || m->received.precision != FHIR_TIME_NONE)
			continue;
		/* The care team's message, now read. */
		if (m->etag == NULL || thread_mark(app, j, m) != 0)
			s->unmarked++;
		else
			m->received.precision = FHIR_TIME_MINUTE;
	}
	fhir_result_free(&res);
	for (i = 0; i < s->n / 2; i++) {
		struct message swap = s->msgs[i];

		s->msgs[i] = s->msgs[s->n - 1 - i];
		s->msgs[s->n - 1 - i] = swap;
	}
	return 0;
}

static void
thread_free(struct thread *s)
{
	arena_free(s->a);
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

	v->title = view_str(v, "Conversation");
	view_heading(v, s->have_header && s->header.topic ? s->header.topic :
	    "No subject");
	if (s->have_header && s->header.category != NULL)
		view_text(v, view_printf(v, "About: %s.", s->header.category));
	if (s->n == 0)
		view_text(v, "This conversation has no messages yet.");
	for (i = 0; i < s->n; i++) {
		m = &s->msgs[i];
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
	if (s->unmarked > 0)
		view_text(v, "Some new messages could not be marked as read; "
		    "they will be marked the next time.");
	view_item(v, THREAD_REPLY, "Action", "Reply", "write to your care "
	    "team in this conversation", 0);
}

static int
thread_action(struct app *app, void *state, enum action a,
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
	if (k == 0 || i >= s->n || k > s->msgs[i].nattachments)
		return 0;
	return attachment_save(app, &s->msgs[i].attachments[k - 1]);
}

static void
thread_close(void *state)
{
	thread_free(state);
}

const struct screen screen_thread = {
	.name = "thread",
	.title = "Conversation",
	.loading = "Loading the conversation...",
	.open = thread_open,
	.fetch = thread_fetch,
	.view = thread_view,
	.action = thread_action,
	.close = thread_close,
};
