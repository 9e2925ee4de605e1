/*
 * Integration tests of messages against the real test portal, driving the
 * real screens (inbox, thread, compose) through their callbacks without
 * curses: the list with the portal's unread counts and its pages, opening
 * a conversation marks it read, replies and new conversations are sent at
 * most once, refusals are said in words, a limited proxy is refused, and
 * hostile text is cleaned.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "screens.h"
#include "crypto.h"
#include "editor.h"
#include "fhir.h"
#include "json.h"
#include "keys.h"
#include "model.h"
#include "portal.h"
#include "portal-test.h"
#include "screen-test.h"
#include "tap.h"
#include "util.h"
#include "view.h"

#define LIST		"subject=Patient/%s&part-of:missing=true&_sort=-sent"
#define THREAD		"part-of=Communication/%s&_sort=sent"
#define MARIA		"maria@example.org", "Chartty-demo-1"
#define MARIA_REF	"Patient/maria-lopez"
#define SEED_CONVS	3	/* Maria's conversations in the seed */
#define CONV_BP		"comm-maria-lopez-bp"	/* with Elena Garcia, MD */
#define CONV_METFORMIN	"comm-maria-lopez-metformin"	/* Anita Patel, MD */
#define GARCIA_REF	"Practitioner/pr-elena-garcia"
#define CHEN_REF	"Practitioner/pr-david-chen"
#define SENT_FLAGS	(APP_POP | APP_REFETCH)
#define INBOX_OLDER	VIEW_PAGE_OLDER	/* the inbox's row ids */
#define INBOX_NEWER	VIEW_PAGE_NEWER
#define INBOX_NEW	(-4)

/* Communication?query parsed into a (n of them); NULL when it failed. */
static struct message *
search_messages(struct portal *p, struct arena *a, const char *query,
    size_t *n)
{
	struct fhir_result	 res;
	struct message		*m;
	char			*cause = NULL;
	size_t			 i, count;

	*n = 0;
	if (fhir_search(portal_fhir(p), "Communication", query, &res, &cause) != 0) {
		diag("search %s: %s", query, cause ? cause : "?");
		free(cause);
		fhir_result_free(&res);
		return NULL;
	}
	count = fhir_bundle_count(res.body);
	m = arena_alloc(a, (count + 1) * sizeof *m);
	for (i = 0; i < count; i++) {
		if (model_message(a, fhir_bundle_resource(res.body, i),
		    &m[*n]) == 0)
			(*n)++;
	}
	fhir_result_free(&res);
	return m;
}

/* The conversations of patient, newest first, parsed into a (n of them). */
static struct message *
conversations(struct portal *p, struct arena *a, const char *patient,
    size_t *n)
{
	struct message	*m;
	char		*q;

	q = xasprintf(LIST, patient);
	m = search_messages(p, a, q, n);
	free(q);
	return m;
}

/* The messages of conversation id, oldest first, into a (n of them). */
static struct message *
thread_messages(struct portal *p, struct arena *a, const char *id,
    size_t *n)
{
	struct message	*m;
	char		*q;

	q = xasprintf(THREAD, id);
	m = search_messages(p, a, q, n);
	free(q);
	return m;
}

static const struct message *
find_topic(const struct message *m, size_t n, const char *topic)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (m[i].topic != NULL && strstr(m[i].topic, topic) != NULL)
			return &m[i];
	}
	return NULL;
}

/* The message with id among n, or NULL. */
static const struct message *
find_id(const struct message *m, size_t n, const char *id)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (m[i].id != NULL && strcmp(m[i].id, id) == 0)
			return &m[i];
	}
	return NULL;
}

/* How many of n messages say exactly text; *last the last that does. */
static int
count_text(const struct message *m, size_t n, const char *text,
    const struct message **last)
{
	size_t	i;
	int	count = 0;

	if (last != NULL)
		*last = NULL;
	for (i = 0; i < n; i++) {
		if (m[i].text != NULL && strcmp(m[i].text, text) == 0) {
			count++;
			if (last != NULL)
				*last = &m[i];
		}
	}
	return count;
}

/* How many of n conversations have exactly topic; *last the last one. */
static int
count_topic(const struct message *m, size_t n, const char *topic,
    const struct message **last)
{
	size_t	i;
	int	count = 0;

	if (last != NULL)
		*last = NULL;
	for (i = 0; i < n; i++) {
		if (m[i].topic != NULL && strcmp(m[i].topic, topic) == 0) {
			count++;
			if (last != NULL)
				*last = &m[i];
		}
	}
	return count;
}

/* Make dir and its parents, as a desktop account has them; errors ignored. */
static void
make_dirs(const char *dir)
{
	char	*s, *p;

	if (dir == NULL || *dir != '/')
		return;
	s = xstrdup(dir);
	for (p = s + 1; *p != '\0'; p++) {
		if (*p == '/') {
			*p = '\0';
			(void)mkdir(s, 0700);
			*p = '/';
		}
	}
	(void)mkdir(s, 0700);
	free(s);
}

/* Entries under base/chartty/drafts (0 when it is not there). */
static int
drafts_in(const char *base)
{
	DIR		*d;
	struct dirent	*e;
	char		*dir;
	int		 n = 0;

	if (base == NULL || *base != '/')
		return 0;
	dir = xasprintf("%s/chartty/drafts", base);
	if ((d = opendir(dir)) != NULL) {
		while ((e = readdir(d)) != NULL) {
			if (strcmp(e->d_name, ".") != 0 &&
			    strcmp(e->d_name, "..") != 0)
				n++;
		}
		closedir(d);
	}
	free(dir);
	return n;
}

/* Drafts kept where chartty keeps them: $XDG_DATA_HOME, ~/.local/share. */
static int
drafts_kept(void)
{
	const char	*xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char		*local;
	int		 n;

	n = drafts_in(xdg);
	if (home != NULL && *home == '/') {
		local = xasprintf("%s/.local/share", home);
		if (xdg == NULL || strcmp(local, xdg) != 0)
			n += drafts_in(local);
		free(local);
	}
	return n;
}

/* How many faults the portal still holds. */
static size_t
faults_left(void)
{
	struct json	*j;
	size_t		 n;

	j = pt_get("/_test/fault");
	n = json_size(json_get(j, "faults"));
	json_free(j);
	return n;
}

/* Open the compose screen with arg ("reply:<id>" or "new"); NULL if not. */
static void *
compose_start(struct app *app, const char *arg)
{
	return st_open(&screen_compose, app, xstrdup(arg));
}

/* Put text in the message editor; 0, or -1 when there is none. */
static int
compose_write(struct app *app, void *state, const char *text)
{
	struct view		 v;
	const struct view_row	*r;
	int			 rc = -1;

	view_init(&v);
	screen_compose.view(app, state, &v);
	if ((r = st_row(&v, ROW_EDITOR, NULL)) != NULL &&
	    r->editor != NULL) {
		editor_set(r->editor, text);
		rc = 0;
	}
	view_free(&v);
	return rc;
}

/* The text in the message editor (a copy, caller frees), or NULL. */
static char *
compose_text(struct app *app, void *state)
{
	struct view		 v;
	const struct view_row	*r;
	char			*text = NULL;

	view_init(&v);
	screen_compose.view(app, state, &v);
	if ((r = st_row(&v, ROW_EDITOR, NULL)) != NULL &&
	    r->editor != NULL)
		text = xstrdup(r->editor->text ? r->editor->text : "");
	view_free(&v);
	return text;
}

/* The conversation the inbox item with id opens (caller frees), or NULL. */
static char *
inbox_opens(struct app *app, void *state, int id)
{
	char	*conv = NULL;

	if (st_select(&screen_inbox, app, state, id) == APP_PUSH &&
	    app->next == &screen_thread) {
		conv = app->next_arg;
		app->next_arg = NULL;
	}
	st_unpush(app);
	return conv;
}

/*
 * Check the page of Walter's inbox just reached: what it says, how many
 * conversations, the first and last (by the conversation each opens), the
 * focus on the first, and which paging rows there are.
 */
static void
check_walter_page(struct app *app, void *state, size_t page, size_t from,
    size_t to, size_t total)
{
	struct view		 v;
	const struct view_row	*older, *newer;
	char			*says, *want, *got;
	int			 focused;

	view_init(&v);
	screen_inbox.view(app, state, &v);
	says = xasprintf("Conversations %zu to %zu of %zu.", from, to, total);
	ok(st_says(&v, says), "page %zu says \"%s\"", page, says);
	ok(st_count(&v, "Conversation") == to - from + 1,
	    "page %zu lists %zu conversations (%zu)", page, to - from + 1,
	    st_count(&v, "Conversation"));
	focused = v.focus >= 0 && (size_t)v.focus < v.nrows &&
	    v.rows[v.focus].kind == ROW_ITEM && v.rows[v.focus].id == 0;
	ok(focused, "page %zu starts on its newest conversation", page);
	older = st_row_id(&v, INBOX_OLDER);
	newer = st_row_id(&v, INBOX_NEWER);
	if (to < total) {
		want = xasprintf("page %zu", page + 1);
		ok(older != NULL && older->label != NULL && strcmp(older->label,
		    "Older conversations") == 0 && older->value != NULL &&
		    strcmp(older->value, want) == 0,
		    "page %zu offers Older conversations (%s)", page, want);
		free(want);
	} else
		ok(older == NULL, "the last page offers no older ones");
	if (page > 1)
		ok(newer != NULL && newer->label != NULL && strcmp(newer->label,
		    "Newer conversations") == 0, "page %zu offers Newer "
		    "conversations", page);
	else
		ok(newer == NULL, "the first page offers no newer ones");
	view_free(&v);

	want = xasprintf("comm-walter-long-%02zu", from);
	got = inbox_opens(app, state, 0);
	is(got, want, "page %zu begins with the conversation %zu", page, from);
	free(got);
	free(want);
	want = xasprintf("comm-walter-long-%02zu", to);
	got = inbox_opens(app, state, (int)(to - from));
	is(got, want, "page %zu ends with the conversation %zu", page, to);
	free(got);
	free(want);
	free(says);
}

/*
 * Two care team replies are counted unread (2) in the list and on the
 * inbox screen; opening the conversation from there with the real thread
 * screen marks them read on the portal.
 */
static void
test_list_and_read(void)
{
	struct app		 app;
	struct arena		*a = arena_create();
	const struct message	*c;
	const struct view_row	*r;
	struct message		*m;
	struct view		 v;
	struct json		*reply;
	void			*inbox = NULL, *state = NULL;
	char			*cause = NULL, *body, *id = NULL;
	size_t			 n, i;
	int			 newest_first = 1, rc, k;
	static const char *const texts[] = {
		"Any dizziness since the change?",
		"Please also check your blood sugar before breakfast."
	};

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		goto out;

	m = conversations(app.portal, a, "maria-lopez", &n);
	ok(n == SEED_CONVS, "Maria has %d conversations (%zu)", SEED_CONVS,
	    n);
	for (i = 0; i + 1 < n; i++) {
		if (m[i].sent.t < m[i + 1].sent.t)
			newest_first = 0;
		if (m[i].part_of != NULL)
			newest_first = 0;
	}
	ok(newest_first, "headers only, newest first");
	c = find_topic(m, n, "metformin");
	ok(c != NULL && c->id != NULL && c->unread == 0,
	    "the metformin conversation is there, all read (%d)",
	    c ? c->unread : -1);
	if (c == NULL || c->id == NULL)
		goto out;
	id = xstrdup(c->id);

	/* The care team answers twice: the portal counts both unread. */
	for (k = 0; k < 2; k++) {
		body = xasprintf("{\"conversation\":\"%s\",\"text\":\"%s\"}",
		    id, texts[k]);
		reply = pt_post("/_test/reply", body);
		free(body);
		ok(reply != NULL, "the care team replied (test control %d)",
		    k + 1);
		json_free(reply);
	}
	m = conversations(app.portal, a, "maria-lopez", &n);
	c = find_topic(m, n, "metformin");
	ok(c != NULL && c->unread == 2 && m == c,
	    "both are counted unread and it comes first (%d)",
	    c ? c->unread : -1);

	/* The inbox screen says so, and its first item opens it. */
	rc = screen_inbox.open(&app, NULL, &inbox, &cause);
	ok(rc == 0, "the inbox opens%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	if (rc != 0)
		goto out;
	view_init(&v);
	screen_inbox.view(&app, inbox, &v);
	r = st_row_id(&v, 0);
	is(r ? r->label : NULL, "Question about metformin",
	    "the inbox lists it first");
	ok(r != NULL && r->value != NULL && strncmp(r->value,
	    "2 unread, with Anita Patel, MD, last ", 37) == 0,
	    "with its 2 unread: %s", r && r->value ? r->value : "(none)");
	view_free(&v);
	rc = st_select(&screen_inbox, &app, inbox, 0);
	ok(rc == APP_PUSH && app.next == &screen_thread && app.next_arg !=
	    NULL && strcmp(app.next_arg, id) == 0,
	    "selecting it asks for the conversation %s", id);
	if (rc != APP_PUSH || app.next != &screen_thread)
		goto out;

	/* Opening it with the real screen marks it read on the portal. */
	rc = screen_thread.open(&app, app.next_arg, &state, &cause);
	app.next_arg = NULL;
	app.next = NULL;
	ok(rc == 0, "the conversation opens%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	if (rc == 0) {
		view_init(&v);
		screen_thread.view(&app, state, &v);
		for (k = 0; k < 2; k++) {
			for (i = 0, rc = 0; i < v.nrows; i++) {
				if (v.rows[i].value != NULL &&
				    strcmp(v.rows[i].value, texts[k]) == 0)
					rc = 1;
			}
			ok(rc, "the new message \"%s\" is shown", texts[k]);
		}
		ok(!st_says(&v, "Some new messages could not be marked as "
		    "read; they will be marked the next time."),
		    "every new message was marked read");
		view_free(&v);
		screen_thread.close(state);
	}
	m = conversations(app.portal, a, "maria-lopez", &n);
	c = find_topic(m, n, "metformin");
	ok(c != NULL && c->unread == 0, "after opening, nothing is unread "
	    "(%d)", c ? c->unread : -1);

	/* The inbox, fetched again as after going back, says so too. */
	rc = screen_inbox.fetch(&app, inbox, &cause);
	ok(rc == 0, "the inbox loads again%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	view_init(&v);
	screen_inbox.view(&app, inbox, &v);
	r = st_row_id(&v, 0);
	ok(r != NULL && r->label != NULL && strcmp(r->label,
	    "Question about metformin") == 0 && r->value != NULL &&
	    strstr(r->value, "unread") == NULL,
	    "the inbox shows it read: %s", r && r->value ? r->value : "(none)");
	view_free(&v);
out:
	if (inbox != NULL)
		screen_inbox.close(inbox);
	free(id);
	st_end(&app);
	arena_free(a);
}

/* Escape sequences and controls in a conversation are cleaned. */
static void
test_hostile(void)
{
	struct arena		*a = arena_create();
	struct portal		*p;
	struct fhir_result	 res;
	struct message		 msg;
	char			*cause = NULL;
	size_t			 i;
	int			 clean = 1, seen = 0;

	p = pt_sign_in("mallory@example.org", "Chartty-test-9");
	if (fhir_search(portal_fhir(p), "Communication",
	    "subject=Patient/mallory-tester", &res, &cause) == 0) {
		for (i = 0; i < fhir_bundle_count(res.body); i++) {
			if (model_message(a, fhir_bundle_resource(res.body, i),
			    &msg) != 0)
				continue;
			seen++;
			if ((msg.text && strpbrk(msg.text, "\033\007")) ||
			    (msg.topic && strpbrk(msg.topic, "\033\007")))
				clean = 0;
		}
	}
	ok(seen > 0 && clean, "hostile messages parse without escape codes "
	    "(%d)", seen);
	free(cause);
	fhir_result_free(&res);
	portal_free(p);
	arena_free(a);
}

/*
 * A reply written in the compose screen is sent once, from Maria to the
 * conversation's practitioner; without a keyring no draft is ever kept.
 */
static void
test_reply(void)
{
	const char		*text = "Compose test: this week's readings "
				    "were all below 130/85.";
	const char		*draft = "Compose test: a draft never sent.";
	struct app		 app;
	struct arena		*a = arena_create();
	const struct message	*head, *last;
	const struct view_row	*r;
	struct message		*m;
	struct view		 v;
	void			*state;
	char			*got, *local, *practitioner = NULL;
	size_t			 n;
	int			 flags;

	pt_reset();
	/* Where drafts would go exists, so a file written there would show. */
	make_dirs(getenv("XDG_DATA_HOME"));
	if (getenv("HOME") != NULL) {
		local = xasprintf("%s/.local/share", getenv("HOME"));
		make_dirs(local);
		free(local);
	}
	if (st_start(&app, MARIA) != 0)
		goto out;
	m = conversations(app.portal, a, "maria-lopez", &n);
	head = find_id(m, n, CONV_BP);
	ok(head != NULL && head->recipient_ref != NULL,
	    "the conversation %s has a practitioner (%s)", CONV_BP,
	    head && head->recipient_ref ? head->recipient_ref : "none");
	if (head == NULL || head->recipient_ref == NULL)
		goto out;
	practitioner = xstrdup(head->recipient_ref);
	is(practitioner, GARCIA_REF, "it is Dr. Garcia");
	if ((state = compose_start(&app, "reply:" CONV_BP)) == NULL)
		goto out;

	/* A reply names whom and what; it starts in its text. */
	view_init(&v);
	screen_compose.view(&app, state, &v);
	/* The loop titles the view from .title_of, the one place. */
	is(screen_compose.title_of(state), "Reply", "the screen is a reply");
	ok(st_says(&v, "To Elena Garcia, MD, about: Home blood pressure "
	    "readings."), "it says to whom and about what");
	ok(st_row(&v, ROW_FIELD, NULL) == NULL, "a reply has no fields");
	r = st_row(&v, ROW_EDITOR, NULL);
	ok(r != NULL && v.focus == (int)(r - v.rows),
	    "the focus starts in the text");
	view_free(&v);

	ok(compose_write(&app, state, text) == 0, "the text is written");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == SENT_FLAGS, "Send reply closes the screen and reloads "
	    "the one below (%#x)", flags);
	like(app.message, "Message sent.", "and says it was sent");
	got = compose_text(&app, state);
	is(got, "", "the text is gone once sent");
	free(got);
	screen_compose.close(state);

	m = thread_messages(app.portal, a, CONV_BP, &n);
	ok(count_text(m, n, text, &last) == 1, "the reply is in the "
	    "conversation once (%d)", count_text(m, n, text, NULL));
	ok(last != NULL && n > 0 && last == &m[n - 1],
	    "as its newest message");
	is(last ? last->sender_ref : NULL, MARIA_REF, "sent by Maria");
	is(last ? last->recipient_ref : NULL, practitioner,
	    "to the conversation's practitioner");
	is(last ? last->part_of : NULL, "Communication/" CONV_BP,
	    "in that conversation");
	ok(drafts_kept() == 0, "no draft file was written");

	/* Left with text and no keyring: said, and nothing is kept. */
	if ((state = compose_start(&app, "reply:" CONV_BP)) == NULL)
		goto out;
	compose_write(&app, state, draft);
	st_unsay(&app);
	ok(screen_compose.leave(&app, state) == 1,
	    "leaving with an unsent text asks first");
	like(app.message, "Drafts are kept only with the system keyring.",
	    "saying the draft cannot be kept");
	ok(screen_compose.leave(&app, state) == 0,
	    "leaving again, unchanged, goes");
	screen_compose.close(state);
	ok(drafts_kept() == 0, "closing with text wrote no draft file");
	m = thread_messages(app.portal, a, CONV_BP, &n);
	ok(count_text(m, n, draft, NULL) == 0, "and sent nothing");
out:
	free(practitioner);
	st_end(&app);
	arena_free(a);
}

/*
 * A reply whose request is dropped says so in a sentence and keeps the
 * text; sent again, it is in the conversation once.
 */
static void
test_reply_dropped(void)
{
	const char		*text = "Compose test: may I take metformin "
				    "with dinner instead?";
	struct app		 app;
	struct arena		*a = arena_create();
	struct message		*m;
	void			*state;
	char			*got;
	size_t			 n;
	int			 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0 ||
	    (state = compose_start(&app, "reply:" CONV_METFORMIN)) == NULL)
		goto out;
	compose_write(&app, state, text);

	/* Twice: libcurl sends once more on a dropped reused connection. */
	pt_fault("drop", 2, 0, "/fhir/R4/Communication");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == APP_REDRAW, "a dropped reply stays on the screen (%#x)",
	    flags);
	like(app.message, "was lost", "saying the connection was lost");
	ok(pt_sentence(app.message), "in a plain sentence: %s",
	    app.message ? app.message : "(none)");
	ok(faults_left() == 0, "both drops were used by that one send");
	got = compose_text(&app, state);
	is(got, text, "the text is kept as typed");
	free(got);
	m = thread_messages(app.portal, a, CONV_METFORMIN, &n);
	ok(count_text(m, n, text, NULL) == 0, "nothing arrived");

	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == SENT_FLAGS, "sent again, it goes (%#x)%s%s", flags,
	    flags != SENT_FLAGS ? ": " : "", flags != SENT_FLAGS &&
	    app.message ? app.message : "");
	m = thread_messages(app.portal, a, CONV_METFORMIN, &n);
	ok(count_text(m, n, text, NULL) == 1, "the reply is there once (%d)",
	    count_text(m, n, text, NULL));
	screen_compose.close(state);
out:
	st_end(&app);
	arena_free(a);
}

/*
 * A send whose answer is lost (the portal made it, then hung up), sent
 * again from the same form, is made once: a reply, and a new
 * conversation's transaction.
 */
static void
test_send_lost_answer(void)
{
	const char		*text = "Compose test: the answer to this "
				    "one is lost.";
	const char		*subject = "Compose test: a lost answer";
	const char		*first = "Compose test: the first message "
				    "of a lost answer.";
	struct app		 app;
	struct arena		*a = arena_create();
	const struct message	*head;
	struct message		*m;
	void			*state;
	size_t			 n;
	int			 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0 ||
	    (state = compose_start(&app, "reply:" CONV_BP)) == NULL)
		goto out;
	compose_write(&app, state, text);
	pt_fault("drop-answer", 2, 0, "/fhir/R4/Communication");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == APP_REDRAW && pt_sentence(app.message),
	    "a reply whose answer is lost says so (%#x): %s", flags,
	    app.message ? app.message : "(none)");
	m = thread_messages(app.portal, a, CONV_BP, &n);
	ok(count_text(m, n, text, NULL) == 1, "the portal made it before "
	    "hanging up (%d)", count_text(m, n, text, NULL));
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == SENT_FLAGS, "sent again, it is found (%#x)", flags);
	m = thread_messages(app.portal, a, CONV_BP, &n);
	ok(count_text(m, n, text, NULL) == 1, "and not made twice (%d)",
	    count_text(m, n, text, NULL));
	screen_compose.close(state);

	if ((state = compose_start(&app, "new")) == NULL)
		goto out;
	ok(st_field(&screen_compose, &app, state, "To", "David Chen") == 0 &&
	    st_field(&screen_compose, &app, state, "About", "Prescription") == 0 &&
	    st_field(&screen_compose, &app, state, "Subject", subject) == 0 &&
	    compose_write(&app, state, first) == 0, "the form is filled");
	/* The transaction is posted to the FHIR base itself. */
	pt_fault("drop-answer", 2, 0, "/fhir/R4");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == APP_REDRAW && pt_sentence(app.message),
	    "a new conversation whose answer is lost says so (%#x): %s",
	    flags, app.message ? app.message : "(none)");
	ok(faults_left() == 0, "both hang-ups were used by that one send");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == SENT_FLAGS, "sent again, it is found (%#x)%s%s", flags,
	    flags != SENT_FLAGS ? ": " : "", flags != SENT_FLAGS &&
	    app.message ? app.message : "");
	screen_compose.close(state);
	m = conversations(app.portal, a, "maria-lopez", &n);
	ok(count_topic(m, n, subject, &head) == 1 && n == SEED_CONVS + 1,
	    "one new conversation (%d; %zu in all)",
	    count_topic(m, n, subject, NULL), n);
	if (head != NULL && head->id != NULL) {
		m = thread_messages(app.portal, a, head->id, &n);
		ok(n == 1 && count_text(m, n, first, NULL) == 1,
		    "with one message (%zu)", n);
	} else
		ok(0, "with one message (no conversation)");
out:
	st_end(&app);
	arena_free(a);
}

/*
 * A new conversation from the inbox's New message: one header, first in
 * the list, with its subject, category and recipient, holding one message.
 */
static void
test_new_conversation(void)
{
	const char		*subject = "Compose test: moving my visit";
	const char		*text = "Could we move my next visit to a "
				    "Friday morning?";
	struct app		 app;
	struct arena		*a = arena_create();
	struct fhir_result	 res;
	const struct message	*head;
	const struct view_row	*to, *about, *r;
	const struct json	*coding;
	struct message		*m;
	struct view		 v;
	void			*inbox = NULL, *state = NULL;
	char			*cause = NULL, *id = NULL, *path;
	size_t			 n;
	int			 flags, rc;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		goto out;
	rc = screen_inbox.open(&app, NULL, &inbox, &cause);
	ok(rc == 0, "the inbox opens%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	if (rc != 0)
		goto out;
	flags = st_select(&screen_inbox, &app, inbox, INBOX_NEW);
	ok(flags == APP_PUSH && app.next == &screen_compose && app.next_arg !=
	    NULL && strcmp(app.next_arg, "new") == 0,
	    "New message asks for the compose screen with \"new\"");
	if (flags != APP_PUSH || app.next != &screen_compose)
		goto out;
	rc = screen_compose.open(&app, app.next_arg, &state, &cause);
	app.next_arg = NULL;
	app.next = NULL;
	ok(rc == 0, "it opens%s%s", cause ? ": " : "", cause ? cause : "");
	free(cause);
	cause = NULL;
	if (rc != 0)
		goto out;

	view_init(&v);
	screen_compose.view(&app, state, &v);
	is(screen_compose.title_of(state), "New message",
	    "the screen is a new message");
	to = st_row(&v, ROW_FIELD, "To");
	about = st_row(&v, ROW_FIELD, "About");
	ok(to != NULL && to->field->noptions == 4,
	    "To offers Maria's care team of 4 (%d)",
	    to ? to->field->noptions : -1);
	ok(about != NULL && about->field->noptions == 4,
	    "About offers 4 categories (%d)",
	    about ? about->field->noptions : -1);
	ok(st_row(&v, ROW_FIELD, "Subject") != NULL &&
	    st_row(&v, ROW_EDITOR, NULL) != NULL &&
	    st_row(&v, ROW_BUTTON, "Send message") != NULL,
	    "with a subject, a text and Send message");
	view_free(&v);
	ok(st_field(&screen_compose, &app, state, "To", "David Chen") == 0 &&
	    st_field(&screen_compose, &app, state, "About", "Appointment") == 0 &&
	    st_field(&screen_compose, &app, state, "Subject", subject) == 0 &&
	    compose_write(&app, state, text) == 0, "the form is filled");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == SENT_FLAGS, "Send message closes the screen and reloads "
	    "the inbox (%#x)%s%s", flags, flags != SENT_FLAGS ? ": " : "",
	    flags != SENT_FLAGS && app.message ? app.message : "");
	screen_compose.close(state);
	state = NULL;

	/* The list, as the portal has it. */
	m = conversations(app.portal, a, "maria-lopez", &n);
	ok(n == SEED_CONVS + 1, "Maria has one more conversation (%zu)", n);
	head = n > 0 ? &m[0] : NULL;
	is(head ? head->topic : NULL, subject, "it comes first, with its "
	    "subject");
	is(head ? head->category : NULL, "Appointment", "about an "
	    "appointment");
	is(head ? head->sender_ref : NULL, MARIA_REF, "from Maria");
	is(head ? head->recipient_ref : NULL, CHEN_REF, "to David Chen");
	ok(head != NULL && head->unread == 0, "nothing unread in it");
	if (head == NULL || head->id == NULL)
		goto out;
	id = xstrdup(head->id);
	path = xasprintf("Communication/%s", id);
	rc = fhir_read(portal_fhir(app.portal), path, NULL, &res, &cause);
	free(path);
	coding = json_at(json_get(json_at(json_get(res.body, "category"), 0),
	    "coding"), 0);
	ok(rc == 0 && json_gets(coding, "system") != NULL &&
	    strcmp(json_gets(coding, "system"),
	    "urn:chartty:message-category") == 0 &&
	    json_gets(coding, "code") != NULL &&
	    strcmp(json_gets(coding, "code"), "appointment") == 0,
	    "its category is coded urn:chartty:message-category|appointment");
	fhir_result_free(&res);
	free(cause);
	cause = NULL;
	m = thread_messages(app.portal, a, id, &n);
	ok(n == 1 && m[0].text != NULL && strcmp(m[0].text, text) == 0,
	    "it holds one message, the text (%zu)", n);
	is(n > 0 ? m[0].sender_ref : NULL, MARIA_REF, "from Maria");
	is(n > 0 ? m[0].recipient_ref : NULL, CHEN_REF, "to David Chen");

	/* The inbox, loaded again as after the send, shows it first. */
	rc = screen_inbox.fetch(&app, inbox, &cause);
	free(cause);
	cause = NULL;
	view_init(&v);
	screen_inbox.view(&app, inbox, &v);
	r = st_row_id(&v, 0);
	ok(rc == 0 && r != NULL && r->label != NULL && strcmp(r->label,
	    subject) == 0 && r->value != NULL && strstr(r->value,
	    "with David Chen, NP") != NULL && strstr(r->value,
	    ", Appointment") != NULL, "the inbox shows it first: %s",
	    r && r->value ? r->value : "(none)");
	view_free(&v);
out:
	if (inbox != NULL)
		screen_inbox.close(inbox);
	free(id);
	st_end(&app);
	arena_free(a);
}

/* A new conversation as the portal README writes it: header and message. */
#define TRANSACTION \
	"{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" \
	"{\"fullUrl\":\"urn:uuid:%s\",\"resource\":{" \
	"\"resourceType\":\"Communication\",\"identifier\":[{\"system\":" \
	"\"urn:chartty:request\",\"value\":\"%s\"}],\"status\":\"completed\"," \
	"\"topic\":{\"text\":\"%s\"},\"category\":[{\"coding\":[{\"system\":" \
	"\"urn:chartty:message-category\",\"code\":\"billing\"}]}]," \
	"\"subject\":{\"reference\":\"" MARIA_REF "\"},\"sender\":" \
	"{\"reference\":\"" MARIA_REF "\"},\"recipient\":[{\"reference\":" \
	"\"Practitioner/pr-karen-brooks\"}]},\"request\":{\"method\":" \
	"\"POST\",\"url\":\"Communication\",\"ifNoneExist\":" \
	"\"identifier=urn:chartty:request|%s\"}}," \
	"{\"resource\":{\"resourceType\":\"Communication\",\"identifier\":" \
	"[{\"system\":\"urn:chartty:request\",\"value\":\"%s\"}],\"status\":" \
	"\"completed\",\"partOf\":[{\"reference\":\"urn:uuid:%s\"}]," \
	"\"subject\":{\"reference\":\"" MARIA_REF "\"},\"sender\":" \
	"{\"reference\":\"" MARIA_REF "\"},\"recipient\":[{\"reference\":" \
	"\"Practitioner/pr-karen-brooks\"}],\"sent\":\"%s\",\"payload\":" \
	"[{\"contentString\":\"%s\"}]},\"request\":{\"method\":\"POST\"," \
	"\"url\":\"Communication\",\"ifNoneExist\":" \
	"\"identifier=urn:chartty:request|%s\"}}]}"

/*
 * The same new-conversation transaction posted twice: the second finds
 * the first's records (200) and writes nothing; one header, one message.
 */
static void
test_transaction_twice(void)
{
	const char		*topic = "Transaction test: my October bill";
	const char		*text = "Was the October visit billed twice?";
	struct arena		*a = arena_create();
	struct portal		*p;
	struct fhir_result	 res;
	const struct message	*head;
	const struct json	*e0, *e1;
	struct message		*m;
	struct json		*bundle;
	char			*full, *hid, *mid, *doc, *cause = NULL;
	char			*ids[2] = { NULL, NULL };
	char			*mids[2] = { NULL, NULL };
	char			 now[64];
	const char		*want[2] = { "201", "200" };
	const char		*type, *s0, *s1;
	size_t			 n;
	int			 i, rc;

	pt_reset();
	p = pt_sign_in(MARIA);
	full = crypto_uuid();
	hid = crypto_uuid();
	mid = crypto_uuid();
	fhir_time_write(time(NULL), now, sizeof now);
	doc = xasprintf(TRANSACTION, full, hid, topic, hid, mid, full, now,
	    text, mid);
	bundle = json_parse(doc, strlen(doc), &cause);
	ok(bundle != NULL, "the transaction is JSON%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	for (i = 0; bundle != NULL && i < 2; i++) {
		rc = fhir_request(portal_fhir(p), "POST", "", bundle, NULL, &res,
		    &cause);
		e0 = json_at(json_get(res.body, "entry"), 0);
		e1 = json_at(json_get(res.body, "entry"), 1);
		type = json_gets(res.body, "type");
		ok(rc == 0 && res.status == 200 && type != NULL &&
		    strcmp(type, "transaction-response") == 0 &&
		    json_size(json_get(res.body, "entry")) == 2,
		    "post %d: a transaction-response of 2 (%ld)%s%s", i + 1,
		    res.status, cause ? ": " : "", cause ? cause : "");
		s0 = json_gets(json_get(e0, "response"), "status");
		s1 = json_gets(json_get(e1, "response"), "status");
		ok(s0 != NULL && strncmp(s0, want[i], 3) == 0 && s1 != NULL &&
		    strncmp(s1, want[i], 3) == 0, "post %d: both entries "
		    "answer %s (%s, %s)", i + 1, want[i], s0 ? s0 : "none",
		    s1 ? s1 : "none");
		ids[i] = xstrdup(json_gets(json_get(e0, "resource"), "id"));
		mids[i] = xstrdup(json_gets(json_get(e1, "resource"), "id"));
		fhir_result_free(&res);
		free(cause);
		cause = NULL;
	}
	ok(ids[0] != NULL && ids[1] != NULL && strcmp(ids[0], ids[1]) == 0,
	    "the second found the same header (%s)", ids[0] ? ids[0] : "none");
	ok(mids[0] != NULL && mids[1] != NULL && strcmp(mids[0],
	    mids[1]) == 0, "and the same message (%s)",
	    mids[0] ? mids[0] : "none");
	m = conversations(p, a, "maria-lopez", &n);
	ok(count_topic(m, n, topic, &head) == 1 && n == SEED_CONVS + 1,
	    "one new conversation (%d; %zu in all)",
	    count_topic(m, n, topic, NULL), n);
	if (head != NULL && head->id != NULL) {
		is(head->category, "Billing", "its category is stored with "
		    "its words");
		m = thread_messages(p, a, head->id, &n);
		ok(n == 1 && count_text(m, n, text, NULL) == 1,
		    "with one message (%zu)", n);
	} else
		ok(0, "with one message (no conversation)");
	for (i = 0; i < 2; i++) {
		free(ids[i]);
		free(mids[i]);
	}
	json_free(bundle);
	free(doc);
	free(full);
	free(hid);
	free(mid);
	portal_free(p);
	arena_free(a);
}

/* What cannot be sent is said in a sentence, keeps the form, sends nothing. */
static void
test_compose_refusals(void)
{
	struct app	 app;
	struct arena	*a = arena_create();
	void		*state;
	char		*got, long_subject[202];
	size_t		 before, n;
	int		 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		goto out;
	(void)thread_messages(app.portal, a, CONV_BP, &before);

	/* A reply: nothing, or only spaces. */
	if ((state = compose_start(&app, "reply:" CONV_BP)) == NULL)
		goto out;
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == APP_REDRAW, "an empty reply stays (%#x)", flags);
	is(app.message, "Please write your message.", "and asks for a text");
	compose_write(&app, state, "   ");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == APP_REDRAW, "a reply of spaces stays (%#x)", flags);
	ok(pt_sentence(app.message) && strncmp(app.message, "Message sent",
	    12) != 0, "and says why in a sentence: %s",
	    app.message ? app.message : "(none)");
	got = compose_text(&app, state);
	is(got, "   ", "the text is kept as typed");
	free(got);
	screen_compose.close(state);
	(void)thread_messages(app.portal, a, CONV_BP, &n);
	ok(n == before, "nothing was sent (%zu, was %zu)", n, before);

	/* A new conversation: no subject, no text, too long a subject. */
	if ((state = compose_start(&app, "new")) == NULL)
		goto out;
	compose_write(&app, state, "Compose test: a message without subject.");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == APP_REDRAW, "a new message without a subject stays "
	    "(%#x)", flags);
	is(app.message, "Please write a subject.", "and asks for one");
	st_field(&screen_compose, &app, state, "Subject", "Compose test: no text");
	compose_write(&app, state, "");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == APP_REDRAW, "one without a text stays (%#x)", flags);
	is(app.message, "Please write your message.", "and asks for a text");
	memset(long_subject, 's', 201);
	long_subject[201] = '\0';
	st_field(&screen_compose, &app, state, "Subject", long_subject);
	compose_write(&app, state, "Compose test: a subject of 201.");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == APP_REDRAW, "a subject of 201 characters is refused by "
	    "the portal (%#x)", flags);
	ok(pt_sentence(app.message) && strncmp(app.message, "Message sent",
	    12) != 0, "in the portal's sentence: %s",
	    app.message ? app.message : "(none)");
	screen_compose.close(state);
	(void)conversations(app.portal, a, "maria-lopez", &n);
	ok(n == SEED_CONVS, "no conversation was made, not even half of "
	    "one (%zu)", n);
	ok(drafts_kept() == 0, "no draft file was written");
out:
	st_end(&app);
	arena_free(a);
}

/*
 * Walter's 45 conversations a page of 20 at a time: on to the last, a
 * failed move stays put, and back to the first.
 */
static void
test_inbox_pages(void)
{
	struct app	 app;
	struct view	 v;
	void		*inbox = NULL;
	char		*cause = NULL;
	int		 rc, flags;

	pt_reset();
	if (st_start(&app, "long@example.org", "Chartty-test-9") != 0)
		goto out;
	rc = screen_inbox.open(&app, NULL, &inbox, &cause);
	ok(rc == 0, "Walter's inbox opens%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	if (rc != 0)
		goto out;
	check_walter_page(&app, inbox, 1, 1, 20, 45);

	/* The portal fails once: the page stays, and says why. */
	pt_fault("500", 1, 0, "/fhir/R4/Communication");
	flags = st_select(&screen_inbox, &app, inbox, INBOX_OLDER);
	ok(flags == APP_REDRAW, "a failed page move redraws (%#x)", flags);
	is(app.message, "The portal had a problem. Please try again later.",
	    "with the portal's sentence");
	view_init(&v);
	screen_inbox.view(&app, inbox, &v);
	ok(st_says(&v, "Conversations 1 to 20 of 45."), "on page 1 still");
	view_free(&v);

	flags = st_select(&screen_inbox, &app, inbox, INBOX_OLDER);
	ok(flags == APP_REDRAW && app.message == NULL, "Older conversations "
	    "moves on (%#x)", flags);
	check_walter_page(&app, inbox, 2, 21, 40, 45);
	flags = st_select(&screen_inbox, &app, inbox, INBOX_OLDER);
	ok(flags == APP_REDRAW && app.message == NULL, "and on (%#x)", flags);
	check_walter_page(&app, inbox, 3, 41, 45, 45);
	flags = st_select(&screen_inbox, &app, inbox, INBOX_NEWER);
	ok(flags == APP_REDRAW && app.message == NULL, "Newer conversations "
	    "goes back (%#x)", flags);
	check_walter_page(&app, inbox, 2, 21, 40, 45);
	flags = st_select(&screen_inbox, &app, inbox, INBOX_NEWER);
	ok(flags == APP_REDRAW && app.message == NULL, "and back (%#x)",
	    flags);
	check_walter_page(&app, inbox, 1, 1, 20, 45);
out:
	if (inbox != NULL)
		screen_inbox.close(inbox);
	st_end(&app);
}

/*
 * A limited proxy (James for Noah, 15) is refused Noah's messages with
 * the portal's reason, never shown an empty list; writing is refused too.
 */
static void
test_limited_proxy(void)
{
	struct app			 app;
	const struct auth_person	*noah = NULL;
	void				*state = NULL;
	char				*cause = NULL;
	size_t				 i;
	int				 rc, flags;

	pt_reset();
	if (st_start(&app, "james@example.org", "Chartty-demo-2") != 0)
		goto out;
	for (i = 0; i < app.me.npeople; i++) {
		if (app.me.people[i].reference != NULL &&
		    strcmp(app.me.people[i].reference,
		    "Patient/noah-carter") == 0)
			noah = &app.me.people[i];
	}
	ok(noah != NULL && noah->access != NULL && strcmp(noah->access,
	    "limited") == 0 && pt_sentence(noah->note),
	    "James may see Noah, limited, and is told why");
	if (noah == NULL || noah->note == NULL)
		goto out;
	app.record = noah;

	rc = screen_inbox.open(&app, NULL, &state, &cause);
	ok(rc == -1 && state == NULL, "Noah's messages are not listed");
	if (rc == 0) {
		diag("FINDING: the portal listed Noah's messages to James");
		screen_inbox.close(state);
		state = NULL;
	}
	is(cause, noah->note, "the reason is the portal's note");
	ok(pt_sentence(cause), "in a plain sentence");
	free(cause);
	cause = NULL;

	rc = screen_compose.open(&app, xstrdup("reply:"
	    "comm-noah-carter-private"), &state, &cause);
	ok(rc == -1, "replying in Noah's private conversation is refused");
	if (rc == 0) {
		screen_compose.close(state);
		state = NULL;
	}
	is(cause, noah->note, "with the note");
	free(cause);
	cause = NULL;

	if ((state = compose_start(&app, "new")) == NULL)
		goto out;
	st_field(&screen_compose, &app, state, "Subject", "Proxy test: a question");
	compose_write(&app, state, "Proxy test: how is Noah doing?");
	flags = st_press(&screen_compose, &app, state, ROW_BUTTON, "Send");
	ok(flags == APP_REDRAW, "a new message for Noah stays (%#x)", flags);
	is(app.message, noah->note, "refused with the note");
	screen_compose.close(state);
out:
	st_end(&app);
}

int
main(void)
{
	test_list_and_read();
	test_hostile();
	test_reply();
	test_reply_dropped();
	test_send_lost_answer();
	test_new_conversation();
	test_transaction_twice();
	test_compose_refusals();
	test_inbox_pages();
	test_limited_proxy();
	return done_testing();
}
