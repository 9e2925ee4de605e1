/* Conversations with the care team: reading one, marking it read. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fhir.h"
#include "fhirtime.h"
#include "json.h"
#include "messages.h"
#include "model.h"
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
		if (m->from_patient || m->received.precision != FHIR_TIME_NONE)
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
