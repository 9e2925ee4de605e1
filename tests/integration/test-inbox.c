/*
 * Integration tests of messages against the real test portal: the list
 * with the portal's unread counts, opening a conversation (the real
 * screen) marks the care team's messages read, hostile text is cleaned.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "portal-test.h"
#include "tap.h"
#include "util.h"
#include "view.h"

#define LIST	"subject=Patient/%s&part-of:missing=true&_sort=-sent"

/* The conversations of patient, newest first, parsed into a (n of them). */
static struct message *
conversations(struct portal *p, struct arena *a, const char *patient,
    size_t *n)
{
	struct fhir_result	 res;
	struct message		*m;
	char			*q, *cause = NULL;
	size_t			 i, count;

	q = xasprintf(LIST, patient);
	*n = 0;
	if (fhir_search(p->fhir, "Communication", q, &res, &cause) != 0) {
		diag("list: %s", cause ? cause : "?");
		free(cause);
		free(q);
		fhir_result_free(&res);
		return NULL;
	}
	free(q);
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

static void
test_list_and_read(void)
{
	struct app		 app;
	struct arena		*a = arena_create();
	const struct message	*c;
	struct message		*m;
	struct view		 v;
	struct json		*reply;
	void			*state = NULL;
	char			*cause = NULL, *body, *id;
	size_t			 n, i;
	int			 newest_first = 1, rc;

	memset(&app, 0, sizeof app);
	app.portal = pt_sign_in("maria@example.org", "Chartty-demo-1");
	ok(app_signed_in(&app, &cause) == 0, "signed in as Maria");
	free(cause);
	cause = NULL;

	m = conversations(app.portal, a, "maria-lopez", &n);
	ok(n >= 3, "Maria has conversations (%zu)", n);
	for (i = 0; i + 1 < n; i++) {
		if (m[i].sent.t < m[i + 1].sent.t)
			newest_first = 0;
		if (m[i].part_of != NULL)
			newest_first = 0;
	}
	ok(newest_first, "headers only, newest first");
	c = find_topic(m, n, "metformin");
	ok(c != NULL && c->id != NULL, "the metformin conversation is there");
	if (c == NULL || c->id == NULL)
		goto out;
	id = xstrdup(c->id);

	/* The care team answers: the portal counts it unread. */
	body = xasprintf("{\"conversation\":\"%s\",\"text\":\"Any dizziness "
	    "since the change?\"}", id);
	reply = pt_post("/_test/reply", body);
	free(body);
	ok(reply != NULL, "the care team replied (test control)");
	json_free(reply);
	m = conversations(app.portal, a, "maria-lopez", &n);
	c = find_topic(m, n, "metformin");
	ok(c != NULL && c->unread >= 1 && m == c,
	    "it is counted unread and comes first (%d)", c ? c->unread : -1);

	/* Opening it with the real screen marks it read on the portal. */
	rc = screen_thread.open(&app, xstrdup(id), &state, &cause);
	ok(rc == 0, "the conversation opens%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	if (rc == 0) {
		view_init(&v);
		screen_thread.view(&app, state, &v);
		for (i = 0, rc = 0; i < v.nrows; i++) {
			if (v.rows[i].value != NULL && strstr(v.rows[i].value,
			    "Any dizziness since the change?") != NULL)
				rc = 1;
		}
		ok(rc, "the new message is shown");
		view_free(&v);
		screen_thread.close(state);
	}
	m = conversations(app.portal, a, "maria-lopez", &n);
	c = find_topic(m, n, "metformin");
	ok(c != NULL && c->unread == 0, "after opening, nothing is unread "
	    "(%d)", c ? c->unread : -1);
	free(id);
out:
	auth_me_free(&app.me);
	portal_free(app.portal);
	arena_free(a);
}

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
	if (fhir_search(p->fhir, "Communication",
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

int
main(void)
{
	pt_reset();
	test_list_and_read();
	test_hostile();
	return done_testing();
}
