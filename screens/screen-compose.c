/*
 * Writing to the care team: a reply in a conversation, or a new one
 * (recipient from the care team, a category, a subject), with the text
 * in an editor. It says what messages are for before anything is typed.
 * Sending is made at most once: the same request id goes with every
 * retry of the same text, and a failure keeps everything as typed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "careteam.h"
#include "crypto.h"
#include "drafts.h"
#include "editor.h"
#include "fhir.h"
#include "messages.h"
#include "model.h"
#include "portal.h"
#include "ui.h"
#include "util.h"
#include "view.h"

enum { COMPOSE_TO, COMPOSE_CATEGORY, COMPOSE_SUBJECT, COMPOSE_BODY,
    COMPOSE_SEND, COMPOSE_CANCEL };

#define COMPOSE_MAX_CHARS	5000
#define COMPOSE_MAX_TEAM	32
#define COMPOSE_MAX_SUBJECT	200	/* characters, as the portal allows */

/* What a conversation is about: said to people, and its code. */
static const char *const compose_categories[] = {
	"Medical question", "Prescription", "Appointment", "Billing"
};
static const char *const compose_category_codes[] = {
	"medical-question", "prescription", "appointment", "billing"
};
#define COMPOSE_NCATEGORIES \
	(int)(sizeof compose_categories / sizeof compose_categories[0])

/* Who can be written to (and a reply's subject), from one load. */
struct compose_team {
	struct arena	*a;
	const char	*topic;
	const char	*names[COMPOSE_MAX_TEAM];
	const char	*refs[COMPOSE_MAX_TEAM];
	int		 n;
};

struct compose {
	char		*conv;		/* the conversation replied to, or NULL */
	struct compose_team team;
	struct field	 to, category, subject;
	struct editor	 body;
	char		*request_id;	/* kept while the text is unchanged */
	char		*request_id2;	/* a new conversation's first message */
	char		*sent;		/* what the ids were sent with */
	int		 leaving;	/* warned once about leaving */
	int		 cancelling;	/* warned once about Cancel */
	int		 placed;	/* the focus was put in the text */
	int		 thrown;	/* Cancel twice: forget the draft */
	int		 keep;		/* drafts can be kept (a keyring) */
	char		*server, *account, *draft;	/* where it is kept */
	unsigned long long left_at;	/* the text when warned of leaving */
	unsigned long long cancel_at;	/* and of cancelling */
};

/* Add a care team member (Practitioner or PractitionerRole) once. */
static void
compose_member(struct compose_team *t, const char *ref, const char *name)
{
	int	i;

	if (ref == NULL || strncmp(ref, "Practitioner", 12) != 0 ||
	    t->n == COMPOSE_MAX_TEAM)
		return;
	ref = arena_own(t->a, fhir_ref_local(ref));
	if (ref == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		if (strcmp(t->refs[i], ref) == 0)
			return;
	}
	t->refs[t->n] = ref;
	t->names[t->n++] = name ? name : ref;
}

static int
compose_fetch(struct app *app, void *state, char **cause)
{
	struct compose		*s = state;
	struct message		 head;
	struct compose_team	 t;
	struct careteam		 ct;
	size_t			 i;
	int			 rc, have_head;

	/* Built aside: what is on screen stays whole if this fails. */
	memset(&t, 0, sizeof t);
	memset(&ct, 0, sizeof ct);
	t.a = arena_create();
	if (messages_team_load(portal_fhir(app_here(app)),
	    app_here_patient(app), s->conv, t.a, &ct, &head, &have_head,
	    cause) != 0) {
		arena_free(t.a);
		return -1;
	}
	if (have_head) {
		/* A reply goes to the care team member of the conversation. */
		t.topic = head.topic;
		if (head.from_patient)
			compose_member(&t, head.recipient_ref, head.recipient);
		else
			compose_member(&t, head.sender_ref, head.sender);
	}
	for (i = 0; i < ct.n; i++)
		compose_member(&t, ct.m[i].ref, ct.m[i].name);
	if (t.n == 0) {
		arena_free(t.a);
		*cause = xstrdup("No one in your care team can be written to "
		    "here. Please call the clinic.");
		return -1;
	}
	/* The same person stays chosen, wherever the list put them. */
	rc = 0;
	for (i = 0; s->team.n > 0 && i < (size_t)t.n; i++) {
		if (strcmp(t.refs[i], s->team.refs[s->to.choice]) == 0)
			rc = (int)i;
	}
	arena_free(s->team.a);
	s->team = t;
	field_options(&s->to, s->team.names, s->team.n, rc);
	return 0;
}

static void
compose_free(struct compose *s)
{
	arena_free(s->team.a);
	editor_clear(&s->body);
	free(s->body.text);
	field_clear(&s->subject);
	free(s->conv);
	free(s->server);
	free(s->account);
	free(s->draft);
	free(s->request_id);
	free(s->request_id2);
	secret_free(s->sent);
	free(s);
}

/* Keep the draft, encrypted; 0, or -1 with *cause. */
static int
compose_keep(struct compose *s, char **cause)
{
	struct draft_message	d;

	if (!s->keep) {
		*cause = xstrdup("Drafts are kept only with the system keyring.");
		return -1;
	}
	memset(&d, 0, sizeof d);
	d.to = (char *)(s->team.n > 0 ? s->team.refs[s->to.choice] : "");
	d.category = s->category.choice;
	d.subject = s->subject.text;
	d.body = s->body.text;
	d.request_id = s->request_id;
	d.request_id2 = s->request_id2;
	d.sent = s->sent;
	return draft_message_save(s->server, s->account, s->draft, &d, cause);
}

/* A kept draft of this message, if there is one, back in the form. */
static void
compose_restore(struct app *app, struct compose *s)
{
	struct draft_message	 d;
	char			*cause = NULL;
	int			 i;

	if (!s->keep || draft_message_load(s->server, s->account, s->draft,
	    &d, &cause) != 0) {
		free(cause);
		return;
	}
	for (i = 0; d.to != NULL && i < s->team.n; i++) {
		if (strcmp(s->team.refs[i], d.to) == 0)
			field_choose(&s->to, 0, i);
	}
	if (d.category >= 0 && d.category < COMPOSE_NCATEGORIES)
		field_choose(&s->category, 0, d.category);
	field_set(&s->subject, d.subject);
	editor_set(&s->body, d.body);
	if (d.request_id != NULL) {
		s->request_id = xstrdup(d.request_id);
		s->request_id2 = xstrdup(d.request_id2);
		s->sent = xstrdup(d.sent);
	}
	draft_message_free(&d);
	if (s->body.len > 0)
		app_say(app, "Your unsent message is back, as you left it.");
}

/* arg: "reply:<conversation id>" or "new"; taken over. */
static int
compose_open(struct app *app, void *arg, void **state, char **cause)
{
	struct compose	*s = xcalloc(1, sizeof *s);
	char		*a = arg;

	if (a != NULL && strncmp(a, "reply:", 6) == 0)
		s->conv = xstrdup(a + 6);
	free(a);
	editor_init(&s->body, COMPOSE_MAX_CHARS);
	field_options(&s->category, compose_categories, COMPOSE_NCATEGORIES,
	    0);
	if (compose_fetch(app, s, cause) != 0) {
		compose_free(s);
		return -1;
	}
	s->keep = app->opt.use_keyring;
	s->server = xstrdup(portal_server(app_here(app))->root);
	s->account = xstrdup(portal_email(app_here(app)));
	s->draft = s->conv ? xasprintf("%s|reply:%s", app_here_patient(app),
	    s->conv) : xasprintf("%s|new", app_here_patient(app));
	compose_restore(app, s);
	*state = s;
	return 0;
}

static const char *
compose_title(void *state)
{
	struct compose	*s = state;

	return s->conv ? "Reply" : "New message";
}

static void
compose_view(struct app *app, void *state, struct view *v)
{
	struct compose	*s = state;
	int		 row;

	view_text(v, "Messages are for questions that are not urgent. For "
	    "urgent symptoms call 911 or the clinic now. A reply usually "
	    "comes within 1 to 2 business days. For a new or worsening "
	    "problem, book a visit instead.");
	if (s->conv != NULL)
		view_text(v, view_printf(v, "To %s, about: %s.",
		    s->team.names[0], s->team.topic ? s->team.topic :
		    "no subject"));
	else {
		view_field(v, COMPOSE_TO, "To", &s->to, 0);
		view_field(v, COMPOSE_CATEGORY, "About", &s->category, 0);
		view_field(v, COMPOSE_SUBJECT, "Subject", &s->subject, 0);
	}
	row = view_editor(v, COMPOSE_BODY, view_printf(v, "Message (at most "
	    "%d characters%s):", COMPOSE_MAX_CHARS, app->ui != NULL &&
	    app->ui->plain ? "" : "; Tab leaves the text"), &s->body);
	if (s->conv != NULL && !s->placed) {
		v->focus = row;		/* a reply starts in its text */
		s->placed = 1;
	}
	view_button(v, COMPOSE_SEND, s->conv ? "Send reply" : "Send message");
	view_button(v, COMPOSE_CANCEL, "Cancel");
}

/* Send the message as typed (a reply, or a new conversation). */
static int
compose_post(struct app *app, struct compose *s, char **cause)
{
	struct messages_out	m;

	memset(&m, 0, sizeof m);
	m.patient = app_here_patient(app);
	m.sender = app_here_profile(app);
	m.sender_name = app->me.display;
	m.to = s->team.refs[s->to.choice];
	m.to_name = s->team.names[s->to.choice];
	m.conv = s->conv;
	m.topic = s->subject.text;
	m.category = compose_category_codes[s->category.choice];
	m.category_name = compose_categories[s->category.choice];
	m.text = s->body.text;
	m.request_id = s->request_id;
	m.request_id2 = s->request_id2;
	return messages_send(portal_fhir(app_here(app)), &m, cause);
}

/* Characters (code points) of a UTF-8 string. */
static size_t
compose_chars(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static int
compose_send(struct app *app, struct compose *s)
{
	char	*now, *said, *cause = NULL;
	int	 rc;

	if (s->conv == NULL && str_blank(s->subject.text)) {
		app_say(app, "Please write a subject.");
		return APP_REDRAW;
	}
	if (s->conv == NULL && compose_chars(s->subject.text) >
	    COMPOSE_MAX_SUBJECT) {
		said = xasprintf("The subject can be at most %d characters.",
		    COMPOSE_MAX_SUBJECT);
		app_say(app, said);
		free(said);
		return APP_REDRAW;
	}
	if (str_blank(s->body.text)) {
		app_say(app, "Please write your message.");
		return APP_REDRAW;
	}
	/* The same message sent again keeps its ids; a changed one is new. */
	now = xasprintf("%s\037%d\037%s\037%s", s->team.refs[s->to.choice],
	    s->category.choice, s->subject.text, s->body.text);
	if (crypto_request_id(&s->request_id, &s->sent, now) ||
	    s->request_id2 == NULL) {
		free(s->request_id2);
		s->request_id2 = crypto_uuid();
	}
	app_loading(app, "Sending...");
	rc = compose_post(app, s, &cause);
	if (rc != 0) {
		/* Everything stays as typed; sending again is safe. */
		app_say(app, cause ? cause : "The message was not sent.");
		free(cause);
		return APP_REDRAW;
	}
	editor_clear(&s->body);
	if (s->keep)
		draft_remove(s->server, s->account, s->draft);
	app_say_done(app, "Message sent. A reply usually comes within 1 to 2 "
	    "business days.");
	return APP_POP | APP_REFETCH;
}

/* A fingerprint of the text (FNV-1a), to know it is unchanged. */
static unsigned long long
compose_hash(const struct compose *s)
{
	unsigned long long	h = 1469598103934665603ULL;
	size_t			i;

	for (i = 0; i < s->body.len; i++)
		h = (h ^ (unsigned char)s->body.text[i]) * 1099511628211ULL;
	return h;
}

static int
compose_action(struct app *app, void *state,
    const struct view_row *r)
{
	struct compose	*s = state;

	if (r->id != COMPOSE_CANCEL) {
		s->cancelling = 0;
		return r->id == COMPOSE_SEND ? compose_send(app, s) : 0;
	}
	if (s->body.len > 0 && !(s->cancelling && s->cancel_at ==
	    compose_hash(s))) {
		s->cancelling = 1;
		s->cancel_at = compose_hash(s);
		app_say(app, "Your message is not sent. Choose Cancel again to "
		    "throw it away.");
		return APP_REDRAW;
	}
	s->thrown = 1;
	app_say(app, "Nothing was sent.");
	return APP_POP;
}

static void
compose_close(void *state)
{
	struct compose	*s = state;
	char		*cause = NULL;

	/* Unsent text is kept for next time, unless thrown away. */
	if (!s->keep)
		;	/* nothing was ever kept */
	else if (s->thrown || s->body.len == 0)
		draft_remove(s->server, s->account, s->draft);
	else if (compose_keep(s, &cause) != 0)
		free(cause);
	compose_free(s);
}

/* Leaving with an unsent text asks once: the next try, unchanged, goes. */
static int
compose_leave(struct app *app, void *state)
{
	struct compose	*s = state;
	char		*cause = NULL, *said;

	if (s->body.len == 0 || (s->leaving && s->left_at == compose_hash(s)))
		return 0;
	s->leaving = 1;
	s->left_at = compose_hash(s);
	if (compose_keep(s, &cause) == 0)
		app_say(app, "Your message is not sent. It is kept, encrypted, "
		    "for next time: do the same again to leave.");
	else {
		said = xasprintf("Your message is not sent. %s Do the same "
		    "again to throw it away.", cause);
		app_say(app, said);
		free(said);
		free(cause);
	}
	return 1;
}

const struct screen screen_compose = {
	.title = "New message",
	.title_of = compose_title,
	.loading = "Loading your care team...",
	.open = compose_open,
	.fetch = compose_fetch,
	.view = compose_view,
	.action = compose_action,
	.close = compose_close,
	.leave = compose_leave,
};
