/* Conversations with the care team: reading one, marking it read. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "careteam.h"
#include "fhir.h"
#include "fhirtime.h"
#include "json.h"
#include "messages.h"
#include "model.h"
#include "serves.h"
#include "util.h"

/* Mark one message from the care team read: received = now, If-Match. */
static int
messages_mark(struct fhir *f, const struct json *j, const struct message *m)
{
	struct fhir_result	 res;
	struct json		*copy;
	char			*path, *cause = NULL, now[64];
	int			 rc;

	copy = json_dup(j);
	fhir_time_write(time(NULL), now, sizeof now);
	json_set_str(copy, "received", now);
	path = fhir_path("Communication", m->id, NULL);
	rc = fhir_update(f, path, copy, m->etag, &res, &cause);
	free(path);
	free(cause);
	fhir_result_free(&res);
	json_free_secret(copy);
	return rc;
}

void
messages_thread_clear(struct messages_thread *t)
{
	arena_free(t->a);
	memset(t, 0, sizeof *t);
}

int
messages_thread_load(struct fhir *f, const char *id,
    struct messages_thread *t, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b, *j;
	struct messages_thread	 n;
	struct message		*m;
	char			*urls[2], *ref;
	long			 status;
	size_t			 i, count;
	int			 rc;

	urls[0] = fhir_path("Communication", id, NULL);
	/* The newest, newest first; shown oldest first. */
	ref = fhir_ref("Communication", id);
	urls[1] = fhir_query("Communication?_sort=-sent&_count="
	    FHIR_NUM(MESSAGES_THREAD_MAX), "part-of", ref, NULL);
	free(ref);
	rc = fhir_batch(f, (const char *const *)urls, 2, &res, cause);
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
	memset(&n, 0, sizeof n);
	n.a = arena_create();
	n.have_header = model_message(n.a, fhir_batch_entry(res.body, 0,
	    &status, NULL), &n.header) == 0;
	count = fhir_bundle_count(b);
	if (count > MESSAGES_THREAD_MAX)
		count = MESSAGES_THREAD_MAX;
	n.msgs = arena_alloc(n.a, (count + 1) * sizeof *n.msgs);
	for (i = 0; i < count; i++) {
		j = fhir_bundle_resource(b, i);
		m = &n.msgs[n.n];
		if (model_message(n.a, j, m) != 0)
			continue;
		n.n++;
		if (m->from_patient || m->received.precision != FHIR_TIME_NONE ||
		    !serves(f, SERVE_MESSAGE_MARK))
			continue;
		/* The care team's message, now read. */
		if (m->etag == NULL || messages_mark(f, j, m) != 0)
			n.unmarked++;
		else
			m->received.precision = FHIR_TIME_MINUTE;
	}
	fhir_result_free(&res);
	for (i = 0; i < n.n / 2; i++) {
		struct message swap = n.msgs[i];

		n.msgs[i] = n.msgs[n.n - 1 - i];
		n.msgs[n.n - 1 - i] = swap;
	}
	messages_thread_clear(t);
	*t = n;
	return 0;
}

int
messages_team_load(struct fhir *f, const char *patient, const char *conv,
    struct arena *a, struct careteam *t, struct message *head,
    int *have_head, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b;
	char			*urls[2];
	long			 status;
	size_t			 n = 0;

	*have_head = 0;
	urls[n++] = careteam_query(patient);
	if (conv != NULL)
		urls[n++] = fhir_path("Communication", conv, NULL);
	if (fhir_batch_take(f, urls, n, &res, cause) != 0)
		return -1;
	if (conv != NULL) {
		if ((b = fhir_batch_entry(res.body, 1, &status, cause)) ==
		    NULL || model_message(a, b, head) != 0) {
			fhir_result_free(&res);
			return -1;
		}
		*have_head = 1;
	}
	/* A reply goes to the conversation's care team member; a new one
	 * to someone of the care team. */
	if (conv == NULL)
		careteam_parse(a, fhir_batch_entry(res.body, 0, &status, NULL),
		    t);
	fhir_result_free(&res);
	/* Members the server gave without a name are read once. */
	if (t->n > 0 && careteam_name(f, a, t, cause) != 0)
		return -1;
	return 0;
}

/* The common part of a message: subject, sender, recipient, sent, text. */
static struct json *
messages_message(const struct messages_out *m)
{
	struct json	*j, *o;
	char		 now[64], *ref;

	j = json_new_object();
	json_add_str(j, "resourceType", "Communication");
	json_add_str(j, "status", "completed");
	ref = fhir_ref("Patient", m->patient);
	json_add_str(json_add_object(j, "subject"), "reference", ref);
	o = json_add_object(j, "sender");
	json_add_str(o, "reference", m->sender ? m->sender : ref);
	if (m->sender_name != NULL)
		json_add_str(o, "display", m->sender_name);
	free(ref);
	o = json_add_object(json_add_array(j, "recipient"), NULL);
	json_add_str(o, "reference", m->to);
	if (m->to_name != NULL)
		json_add_str(o, "display", m->to_name);
	fhir_time_write(time(NULL), now, sizeof now);
	json_add_str(j, "sent", now);
	o = json_add_object(json_add_array(j, "payload"), NULL);
	json_add_str(o, "contentString", m->text);
	return j;
}

int
messages_send(struct fhir *f, const struct messages_out *m, char **cause)
{
	struct fhir_result	 res;
	struct json		*bundle, *entries, *head, *msg, *o, *c;
	char			*ref;
	int			 rc;

	msg = messages_message(m);
	if (m->conv != NULL) {
		ref = fhir_path("Communication", m->conv, NULL);
		json_add_str(json_add_object(json_add_array(msg, "partOf"),
		    NULL), "reference", ref);
		free(ref);
		rc = fhir_create_resource(f, "Communication", msg,
		    m->request_id, &res, cause);
		json_free_secret(msg);
		fhir_result_free(&res);
		return rc;
	}
	head = messages_message(m);
	json_remove(head, "payload");
	json_add_str(json_add_object(head, "topic"), "text", m->topic);
	o = json_add_object(json_add_array(head, "category"), NULL);
	c = json_add_object(json_add_array(o, "coding"), NULL);
	json_add_str(c, "system", "urn:chartty:message-category");
	json_add_str(c, "code", m->category);
	json_add_str(c, "display", m->category_name);
	json_add_str(o, "text", m->category_name);
	ref = xasprintf("urn:uuid:%s", m->request_id);
	json_add_str(json_add_object(json_add_array(msg, "partOf"), NULL),
	    "reference", ref);
	free(ref);
	bundle = fhir_transaction(&entries);
	fhir_transaction_create(entries, "Communication", head,
	    m->request_id);
	fhir_transaction_create(entries, "Communication", msg,
	    m->request_id2);
	rc = fhir_request(f, "POST", "", bundle, NULL, &res, cause);
	json_free_secret(bundle);
	fhir_result_free(&res);
	return rc;
}

void
messages_inbox_start(struct fhir_pages *p, const char *patient)
{
	char	*first;

	first = fhir_query("Communication?part-of:missing=true&_sort=-sent"
	    "&_count=" FHIR_NUM(MESSAGES_PAGE), "subject", patient, NULL);
	fhir_pages_start(p, first);
	free(first);
}

/* A conversation's header (a message of none is not one). */
static int
messages_header(struct arena *a, const struct json *j, void *out,
    void *ctx)
{
	struct message	*m = out;

	return model_message(a, j, m) == 0 && m->part_of == NULL ? 0 : -1;
}

struct message *
messages_inbox_take(struct arena *a, const struct json *page, size_t *n,
    long *total)
{
	return fhir_records(a, page, sizeof(struct message), MESSAGES_PAGE * 10,
	    messages_header, NULL, n, total);
}

