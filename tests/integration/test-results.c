/*
 * Integration tests of test results, refill requests and readings against
 * the real test portal: paging, idempotent Tasks, refusals and trends.
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "fhir.h"
#include "format.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "refill.h"
#include "portal-test.h"
#include "reading.h"
#include "results.h"
#include "tap.h"
#include "url.h"
#include "util.h"

#define MARIA		"maria-lopez"
#define MARIA_REF	"Patient/maria-lopez"
#define WALTER_REF	"Patient/walter-long"
#define REFILL_MED	"medrx-maria-lopez-lisinopril"
#define PAGE_SIZE	20
#define PAGES		4
#define A1C_RESULTS	9	/* HbA1c results in Maria's seed */

/* A sentence the portal wrote itself, not chartty's fallback for status. */
static int
portal_sentence(const char *s, long status)
{
	return pt_sentence(s) && strcmp(s, fhir_status_sentence(status)) != 0;
}

/* Search type?query; the bundle (caller frees) or NULL with a diagnostic. */
static struct json *
search(struct portal *p, const char *type, const char *query)
{
	struct fhir_result	 res;
	struct json		*b = NULL;
	char			*cause = NULL;

	if (fhir_search(portal_fhir(p), type, query, &res, &cause) == 0) {
		b = res.body;
		res.body = NULL;
	} else
		diag("%s?%s failed (%ld): %s", type, query, res.status,
		    cause ? cause : "?");
	free(cause);
	fhir_result_free(&res);
	return b;
}

/* Maria's Observations with LOINC code, newest first, at most count. */
static struct json *
observations(struct portal *p, const char *code, int count)
{
	struct json	*b;
	char		*coding, *esc, *q;

	coding = xasprintf("http://loinc.org|%s", code);
	esc = url_escape(coding);
	q = xasprintf("patient=Patient%%2F%s&code=%s&_sort=-date&_count=%d",
	    MARIA, esc, count);
	b = search(p, "Observation", q);
	free(q);
	free(esc);
	free(coding);
	return b;
}

/* Is a refill request for MedicationRequest/id among tasks still open? */
static int
refill_open(struct arena *a, const struct json *tasks, const char *id)
{
	static const char *const open[] = { "draft", "requested", "received",
	    "accepted", "ready", "in-progress", "on-hold" };
	struct task	 t;
	size_t		 i, k;

	for (i = 0; i < fhir_bundle_count(tasks); i++) {
		if (model_task(a, fhir_bundle_resource(tasks, i), &t) != 0 ||
		    t.focus == NULL || t.status == NULL ||
		    strncmp(t.focus, "MedicationRequest/", 18) != 0 ||
		    strcmp(t.focus + 18, id) != 0)
			continue;
		for (k = 0; k < sizeof open / sizeof open[0]; k++) {
			if (strcmp(t.status, open[k]) == 0)
				return 1;
		}
	}
	return 0;
}

/*
 * Maria's active medication that is refill-eligible (eligible 1) or not
 * (0), preferring the id prefer; with open, only one that has no open
 * refill request. 0 when one was found.
 */
static int
find_medication(struct portal *p, struct arena *a, int eligible,
    const char *prefer, int open, struct medication *out)
{
	struct medication	 m;
	struct json		*b, *tasks = NULL;
	size_t			 i;
	int			 found = 0;

	if (open)
		tasks = search(p, "Task", "patient=Patient%2F" MARIA
		    "&code=fulfill&_count=200");
	b = search(p, "MedicationRequest", "patient=Patient%2F" MARIA
	    "&status=active&_count=100");
	for (i = 0; i < fhir_bundle_count(b); i++) {
		if (model_medication(a, fhir_bundle_resource(b, i), &m) != 0 ||
		    m.id == NULL || m.refill_eligible != eligible)
			continue;
		if (open && refill_open(a, tasks, m.id))
			continue;
		if (!found || (prefer != NULL && strcmp(m.id, prefer) == 0))
			*out = m;
		found = 1;
	}
	json_free(tasks);
	json_free(b);
	return found ? 0 : -1;
}

/* Send a fresh refill Task for med with request id; rc, *res, *cause. */
static int
send_refill(struct portal *p, const char *med, const char *request_id,
    struct fhir_result *res, char **cause)
{
	/* The real builder chartty sends with (src/refill.c). */
	struct json	*t = refill_task(med, NULL, MARIA, MARIA_REF,
	    NULL, NULL);
	int		 rc;

	*cause = NULL;
	rc = fhir_create_resource(portal_fhir(p), "Task", t, request_id, res, cause);
	json_free(t);
	return rc;
}

/* How many of Maria's refill Tasks carry request id uuid. */
static int
count_tasks(struct portal *p, const char *uuid)
{
	struct json		*b, *ids, *id;
	size_t			 i, k;
	int			 n = 0;

	b = search(p, "Task", "patient=Patient%2F" MARIA
	    "&code=fulfill&_count=200");
	if (b == NULL)
		return -1;
	for (i = 0; i < fhir_bundle_count(b); i++) {
		ids = json_get(fhir_bundle_resource(b, i), "identifier");
		for (k = 0; k < json_size(ids); k++) {
			id = json_at(ids, k);
			if (json_gets(id, "system") != NULL &&
			    strcmp(json_gets(id, "system"),
			    "urn:chartty:request") == 0 &&
			    json_gets(id, "value") != NULL &&
			    strcmp(json_gets(id, "value"), uuid) == 0)
				n++;
		}
	}
	json_free(b);
	return n;
}

/* The id of a created resource: the body's, else from Location; new. */
static char *
created_id(const struct fhir_result *res, const char *type)
{
	const char	*s;
	size_t		 n = strlen(type);

	if (json_gets(res->body, "id") != NULL)
		return xstrdup(json_gets(res->body, "id"));
	if (res->location == NULL || (s = strstr(res->location, type)) ==
	    NULL || s[n] != '/')
		return NULL;
	s += n + 1;
	return xstrndup(s, strcspn(s, "/"));
}

/*
 * Check one page of reports: PAGE_SIZE reports, each result included,
 * dates newest first. Fills ids (arena strings) and the parsed page.
 */
static void
check_page(struct arena *a, const struct json *bundle, size_t number,
    const char **ids, struct results_page *pg)
{
	size_t	i, k, missing = 0, order = 0;

	results_page_parse(a, bundle, pg);
	ok(pg->nreports == PAGE_SIZE, "page %zu holds %d reports (%zu)",
	    number, PAGE_SIZE, pg->nreports);
	for (i = 0; i < pg->nreports && i < PAGE_SIZE; i++) {
		ids[i] = pg->reports[i].id;
		for (k = 0; k < pg->reports[i].nresults; k++) {
			if (results_find(pg, pg->reports[i].results[k]) ==
			    NULL)
				missing++;
		}
		if (i > 0 && pg->reports[i].effective.t >
		    pg->reports[i - 1].effective.t)
			order++;
	}
	ok(pg->nobs > 0 && missing == 0, "page %zu: every report's results "
	    "are included (%zu results, %zu missing)", number, pg->nobs,
	    missing);
	ok(order == 0, "page %zu: newest first (%zu out of order)", number,
	    order);
}

/* Walter's reports a page at a time: forward, back, and the first end. */
static void
test_paging(void)
{
	struct portal		*p;
	struct arena		*a = arena_create();
	struct fhir_pages	 pages;
	struct fhir_result	 res;
	struct results_page	 pg;
	const char		*ids[PAGES][PAGE_SIZE];
	time_t			 last = 0;
	char			*cause = NULL;
	size_t			 i, k, n, repeats = 0, same = 0;
	int			 rc;

	memset(ids, 0, sizeof ids);
	memset(&pages, 0, sizeof pages);
	p = pt_sign_in("long@example.org", "Chartty-test-9");
	fhir_pages_start(&pages, "DiagnosticReport?patient=" WALTER_REF
	    "&_sort=-date&_count=20&_include=DiagnosticReport:result");

	for (n = 1; n <= PAGES; n++) {
		rc = fhir_pages_fetch(portal_fhir(p), &pages, n == 1 ? 0 : 1, &res,
		    &cause);
		ok(rc == 0, "walter: page %zu fetched%s%s", n,
		    rc ? ": " : "", rc ? cause : "");
		free(cause);
		cause = NULL;
		if (rc != 0) {
			fhir_result_free(&res);
			break;
		}
		ok(fhir_pages_number(&pages) == n, "it is page %zu (%zu)", n,
		    fhir_pages_number(&pages));
		ok(fhir_pages_more(&pages), "page %zu says there is more", n);
		if (n == 1)
			diag("walter has %ld reports",
			    fhir_bundle_total(res.body));
		check_page(a, res.body, n, ids[n - 1], &pg);
		if (n > 1 && pg.nreports > 0)
			ok(pg.reports[0].effective.t <= last, "page %zu "
			    "starts no newer than page %zu ends", n, n - 1);
		if (pg.nreports > 0)
			last = pg.reports[pg.nreports - 1].effective.t;
		fhir_result_free(&res);

		if (n != 1)
			continue;
		/* Before the first page there is nothing: refused, no move. */
		rc = fhir_pages_fetch(portal_fhir(p), &pages, -1, &res, &cause);
		ok(rc == -1 && fhir_pages_number(&pages) == 1 &&
		    fhir_pages_more(&pages),
		    "previous from page 1 is refused and stays on page 1");
		ok(pt_sentence(cause), "with a sentence: %s", cause ? cause :
		    "(none)");
		free(cause);
		cause = NULL;
		fhir_result_free(&res);
	}

	for (i = 0; i < PAGES * PAGE_SIZE; i++) {
		const char *id = ids[i / PAGE_SIZE][i % PAGE_SIZE];

		for (k = 0; id != NULL && k < i; k++) {
			const char *other = ids[k / PAGE_SIZE][k % PAGE_SIZE];

			if (other != NULL && strcmp(id, other) == 0)
				repeats++;
		}
	}
	ok(ids[PAGES - 1][PAGE_SIZE - 1] != NULL && repeats == 0,
	    "no report repeats across pages 1 to %d (%zu repeats)", PAGES,
	    repeats);

	rc = fhir_pages_fetch(portal_fhir(p), &pages, -1, &res, &cause);
	ok(rc == 0 && fhir_pages_number(&pages) == PAGES - 1,
	    "previous goes back to page %d (%zu)%s%s", PAGES - 1,
	    fhir_pages_number(&pages), rc ? ": " : "", rc ? cause : "");
	free(cause);
	cause = NULL;
	if (rc == 0) {
		results_page_parse(a, res.body, &pg);
		for (i = 0; i < pg.nreports && i < PAGE_SIZE; i++) {
			if (ids[PAGES - 2][i] != NULL &&
			    strcmp(pg.reports[i].id, ids[PAGES - 2][i]) == 0)
				same++;
		}
	}
	ok(same == PAGE_SIZE, "page %d again holds the same reports (%zu of "
	    "%d)", PAGES - 1, same, PAGE_SIZE);
	ok(fhir_pages_more(&pages), "and there is still more after it");
	fhir_result_free(&res);

	fhir_pages_free(&pages);
	portal_free(p);
	arena_free(a);
}

/* Maria's reports fit on one page: no more, and next is refused. */
static void
test_last_page(struct portal *p)
{
	struct arena		*a = arena_create();
	struct fhir_pages	 pages;
	struct fhir_result	 res;
	struct results_page	 pg;
	char			*cause = NULL;
	int			 rc;

	memset(&pages, 0, sizeof pages);
	fhir_pages_start(&pages, "DiagnosticReport?patient=" MARIA_REF
	    "&_sort=-date&_count=20&_include=DiagnosticReport:result");
	rc = fhir_pages_fetch(portal_fhir(p), &pages, 0, &res, &cause);
	ok(rc == 0, "maria: her results page fetched%s%s", rc ? ": " : "",
	    rc ? cause : "");
	free(cause);
	cause = NULL;
	results_page_parse(a, res.body, &pg);
	ok(pg.nreports > 0 && (long)pg.nreports ==
	    fhir_bundle_total(res.body), "all %ld of her reports on it (%zu)",
	    fhir_bundle_total(res.body), pg.nreports);
	ok(!fhir_pages_more(&pages), "the only page is the last: no more");
	fhir_result_free(&res);
	rc = fhir_pages_fetch(portal_fhir(p), &pages, 1, &res, &cause);
	ok(rc == -1 && fhir_pages_number(&pages) == 1,
	    "next from the last page is refused and stays put");
	ok(pt_sentence(cause), "with a sentence: %s", cause ? cause : "(none)");
	free(cause);
	fhir_result_free(&res);
	fhir_pages_free(&pages);
	arena_free(a);
}

/*
 * A refill request whose answer is dropped, sent again with the same
 * request id: one Task. A new request for the same medication is 409.
 */
static void
test_refill_retry(struct portal *p)
{
	struct arena		*a = arena_create();
	struct medication	 m;
	struct fhir_result	 res;
	struct task		 t;
	struct json		*j;
	char			*uuid, *uuid2, *cause, *id1 = NULL, *id3;
	char			*med, *path;
	int			 rc;

	if (find_medication(p, a, 1, REFILL_MED, 0, &m) != 0) {
		ok(0, "maria has an active refill-eligible medication");
		arena_free(a);
		return;
	}
	med = xstrdup(m.id);
	diag("refill requests for %s (%s)", med, m.name ? m.name : "?");
	uuid = crypto_uuid();

	/*
	 * The portal makes the Task, then hangs up before answering (twice:
	 * libcurl sends once more on a dropped reused connection): an error
	 * in plain words, though the Task exists.
	 */
	pt_fault("drop-answer", 2, 0, "/fhir/R4/Task");
	rc = send_refill(p, med, uuid, &res, &cause);
	ok(rc == -1 && res.status == 0, "a dropped refill request is an "
	    "error (%d, status %ld)", rc, res.status);
	like(cause, "was lost", "the dropped request says the connection "
	    "was lost");
	ok(pt_sentence(cause), "in one plain sentence: %s", cause ? cause :
	    "(none)");
	free(cause);
	fhir_result_free(&res);
	j = pt_get("/_test/fault");
	ok(json_size(json_get(j, "faults")) == 0,
	    "both drops were used by that one send");
	json_free(j);
	rc = count_tasks(p, uuid);
	ok(rc == 1, "the lost answer's Task was made, once (%d)", rc);

	/* Sent again, freshly built, with the same request id: found. */
	rc = send_refill(p, med, uuid, &res, &cause);
	ok(rc == 0 && res.status == 200,
	    "sending again with the same request id finds it (%ld)%s%s",
	    res.status, rc ? ": " : "", rc ? cause : "");
	free(cause);
	id1 = created_id(&res, "Task");
	ok(id1 != NULL, "the Task has an id (%s)", id1 ? id1 : "none");
	rc = model_task(a, res.body, &t);
	path = xasprintf("MedicationRequest/%s", med);
	ok(rc == 0 && t.status != NULL && strcmp(t.status, "requested") ==
	    0 && t.focus != NULL && strcmp(t.focus, path) == 0,
	    "it is a requested Task about %s", path);
	fhir_result_free(&res);
	rc = count_tasks(p, uuid);
	ok(rc == 1, "exactly one Task carries the request id (%d)", rc);

	/* A third send with the same id finds the same Task. */
	rc = send_refill(p, med, uuid, &res, &cause);
	ok(rc == 0 && res.status == 200, "a third send answers 200 (%ld)%s%s",
	    res.status, rc ? ": " : "", rc ? cause : "");
	free(cause);
	id3 = created_id(&res, "Task");
	is(id3, id1, "and is the same Task");
	free(id3);
	fhir_result_free(&res);
	rc = count_tasks(p, uuid);
	ok(rc == 1, "still exactly one Task (%d)", rc);

	/* Another request for the same medication while one is open. */
	uuid2 = crypto_uuid();
	rc = send_refill(p, med, uuid2, &res, &cause);
	ok(rc == -1 && res.status == 409, "a second open request for %s is "
	    "refused with 409 (%ld)", med, res.status);
	like(cause, "already", "and says a request is already open");
	ok(portal_sentence(cause, 409), "in the portal's words: %s",
	    cause ? cause : "(none)");
	free(cause);
	fhir_result_free(&res);
	rc = count_tasks(p, uuid2);
	ok(rc == 0, "no Task was made for the refused request (%d)", rc);
	free(uuid2);

	/* The open request makes the medication not refill-eligible now. */
	cause = NULL;
	rc = fhir_read(portal_fhir(p), path, NULL, &res, &cause);
	if (rc == 0)
		rc = model_medication(a, res.body, &m);
	else
		diag("%s: %s", path, cause ? cause : "?");
	ok(rc == 0 && m.refill_eligible == 0, "%s is no longer "
	    "refill-eligible (%d)", med, rc == 0 ? m.refill_eligible : -2);
	free(cause);
	fhir_result_free(&res);
	free(path);

	free(id1);
	free(uuid);
	free(med);
	arena_free(a);
}

/*
 * A refill request for a medication that is not refill-eligible for a
 * reason other than an open request (that one is 409): 422.
 */
static void
test_refill_ineligible(struct portal *p)
{
	struct arena		*a = arena_create();
	struct medication	 m;
	struct fhir_result	 res;
	char			*uuid, *cause;
	int			 rc;

	if (find_medication(p, a, 0, NULL, 1, &m) != 0) {
		ok(0, "maria has an active medication that is not "
		    "refill-eligible and has no open request (none in the "
		    "portal's seed yet)");
		arena_free(a);
		return;
	}
	diag("ineligible: %s (%s)", m.id, m.name ? m.name : "?");
	uuid = crypto_uuid();
	rc = send_refill(p, m.id, uuid, &res, &cause);
	ok(rc == -1 && res.status == 422, "a refill request for %s is "
	    "refused with 422 (%ld)", m.id, res.status);
	ok(portal_sentence(cause, 422), "in the portal's words: %s",
	    cause ? cause : "(none)");
	free(cause);
	fhir_result_free(&res);
	rc = count_tasks(p, uuid);
	ok(rc == 0, "and no Task was made (%d)", rc);
	free(uuid);
	arena_free(a);
}

/* Check and send one reading; the new Observation's id (new) or NULL. */
static char *
send_reading(struct portal *p, enum reading_kind kind, const char *v1,
    const char *v2)
{
	struct reading		 r;
	struct fhir_result	 res;
	struct json		*o;
	char			*uuid, *cause = NULL, *id = NULL;
	int			 rc;

	memset(&r, 0, sizeof r);
	r.kind = kind;
	if (reading_check(&r, v1, v2, "now", time(NULL), &cause) != 0) {
		ok(0, "%s %s%s%s is accepted: %s", reading_title(kind), v1,
		    v2 ? "/" : "", v2 ? v2 : "", cause);
		free(cause);
		return NULL;
	}
	o = reading_observation(&r, MARIA_REF);
	uuid = crypto_uuid();
	rc = fhir_create_resource(portal_fhir(p), "Observation", o, uuid, &res,
	    &cause);
	ok(rc == 0 && res.status == 201, "%s %s%s%s is saved (%ld)%s%s",
	    reading_title(kind), v1, v2 ? "/" : "", v2 ? v2 : "", res.status,
	    rc ? ": " : "", rc ? cause : "");
	if (rc == 0)
		id = created_id(&res, "Observation");
	free(cause);
	fhir_result_free(&res);
	json_free(o);
	free(uuid);
	return id;
}

/* The newest of Maria's observations with code, parsed, or -1. */
static int
newest(struct portal *p, struct arena *a, const char *code,
    struct observation *o, char **performer)
{
	struct json	*b;
	const char	*s;
	int		 rc = -1;

	*performer = NULL;
	memset(o, 0, sizeof *o);
	if ((b = observations(p, code, 1)) == NULL)
		return -1;
	if (fhir_bundle_count(b) > 0 &&
	    model_observation(a, fhir_bundle_resource(b, 0), o) == 0) {
		s = json_gets(json_at(json_get(fhir_bundle_resource(b, 0),
		    "performer"), 0), "reference");
		*performer = arena_strdup(a, s);
		rc = 0;
	}
	json_free(b);
	return rc;
}

/* Readings: glucose, weight and blood pressure come back as sent. */
static void
test_readings(struct portal *p)
{
	struct arena		*a = arena_create();
	struct observation	 o;
	char			*glucose, *weight, *bp, *who;
	int			 rc;

	glucose = send_reading(p, READING_GLUCOSE, "104", NULL);
	weight = send_reading(p, READING_WEIGHT, "70.5", NULL);
	bp = send_reading(p, READING_BP, "128", "82");

	rc = newest(p, a, "2339-0", &o, &who);
	ok(rc == 0 && o.id != NULL && glucose != NULL &&
	    strcmp(o.id, glucose) == 0, "the newest glucose is the one sent "
	    "(%s)", o.id ? o.id : "none");
	ok(o.value.kind == VALUE_QUANTITY && o.value.q.value == 104 &&
	    o.value.q.unit != NULL && strcmp(o.value.q.unit, "mg/dL") == 0,
	    "it is 104 mg/dL (%s)", rc == 0 ? format_obs_value(a, &o, 0) : "");
	is(who, MARIA_REF, "performed by the patient herself");

	rc = newest(p, a, "29463-7", &o, &who);
	ok(rc == 0 && o.id != NULL && weight != NULL &&
	    strcmp(o.id, weight) == 0 && o.value.kind == VALUE_QUANTITY &&
	    fabs(o.value.q.value - 70.5) < 0.001 && o.value.q.unit != NULL &&
	    strcmp(o.value.q.unit, "kg") == 0, "the newest weight is 70.5 kg "
	    "(%s)", rc == 0 ? format_obs_value(a, &o, 0) : "");
	is(who, MARIA_REF, "performed by the patient herself");

	rc = newest(p, a, "85354-9", &o, &who);
	ok(rc == 0 && o.id != NULL && bp != NULL && strcmp(o.id, bp) == 0,
	    "the newest blood pressure is the one sent (%s)",
	    o.id ? o.id : "none");
	ok(o.ncomponents == 2 && o.components[0].value.q.value == 128 &&
	    o.components[1].value.q.value == 82, "its components are 128 and "
	    "82 (%s)", rc == 0 ? format_obs_value(a, &o, 0) : "");
	is(who, MARIA_REF, "performed by the patient herself");

	free(glucose);
	free(weight);
	free(bp);
	arena_free(a);
}

/* Readings refused before sending, each with its sentence. */
static void
test_reading_refusals(void)
{
	struct reading	 r;
	struct tm	 tm;
	time_t		 now = time(NULL), later = now + 3 * 3600;
	char		 when[32], *cause;
	int		 rc;

	memset(&r, 0, sizeof r);
	r.kind = READING_GLUCOSE;
	cause = NULL;
	rc = reading_check(&r, "900", NULL, "now", now, &cause);
	ok(rc == -1 && pt_sentence(cause), "glucose 900 is refused: %s",
	    cause ? cause : "(none)");
	like(cause, "between 20 and 600", "and says the plausible range");
	free(cause);

	cause = NULL;
	rc = reading_check(&r, "abc", NULL, "now", now, &cause);
	ok(rc == -1 && pt_sentence(cause), "\"abc\" is refused: %s",
	    cause ? cause : "(none)");
	like(cause, "type a number", "and asks for a number");
	free(cause);

	localtime_r(&later, &tm);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	cause = NULL;
	rc = reading_check(&r, "104", NULL, when, now, &cause);
	ok(rc == -1 && pt_sentence(cause), "a reading at %s (3 hours ahead) is "
	    "refused: %s", when, cause ? cause : "(none)");
	like(cause, "future", "because it is in the future");
	free(cause);

	r.kind = READING_BP;
	cause = NULL;
	rc = reading_check(&r, "80", "90", "now", now, &cause);
	ok(rc == -1 && pt_sentence(cause), "blood pressure 80/90 is refused: %s",
	    cause ? cause : "(none)");
	like(cause, "higher than the bottom", "the top must be higher");
	free(cause);
}

/* A "patient reading" of haemoglobin is not one the portal takes: 400. */
static void
test_reading_server_refusal(struct portal *p)
{
	struct reading		 r;
	struct fhir_result	 res;
	struct json		*o, *code, *c, *vq;
	char			*uuid, *cause = NULL, *q;
	int			 rc;

	memset(&r, 0, sizeof r);
	r.kind = READING_GLUCOSE;
	r.v1 = 104;
	r.when = time(NULL);
	o = reading_observation(&r, MARIA_REF);
	json_remove(o, "code");
	json_remove(o, "valueQuantity");
	code = json_add_object(o, "code");
	c = json_add_object(json_add_array(code, "coding"), NULL);
	json_add_str(c, "system", "http://loinc.org");
	json_add_str(c, "code", "718-7");
	json_add_str(c, "display", "Hemoglobin [Mass/volume] in Blood");
	json_add_str(code, "text", "Hemoglobin");
	vq = json_add_object(o, "valueQuantity");
	json_add_num(vq, "value", 13.5);
	json_add_str(vq, "unit", "g/dL");
	json_add_str(vq, "system", "http://unitsofmeasure.org");
	json_add_str(vq, "code", "g/dL");

	uuid = crypto_uuid();
	rc = fhir_create_resource(portal_fhir(p), "Observation", o, uuid, &res,
	    &cause);
	ok(rc == -1 && res.status == 400, "a patient 'reading' of hemoglobin "
	    "(LOINC 718-7) is refused with 400 (%ld)", res.status);
	ok(portal_sentence(cause, 400), "in the portal's words: %s",
	    cause ? cause : "(none)");
	free(cause);
	fhir_result_free(&res);
	json_free(o);

	q = xasprintf("patient=Patient%%2F%s&identifier=urn%%3Achartty%%3A"
	    "request%%7C%s", MARIA, uuid);
	o = search(p, "Observation", q);
	ok(o != NULL && fhir_bundle_count(o) == 0,
	    "and nothing was saved (%zu)", fhir_bundle_count(o));
	json_free(o);
	free(q);
	free(uuid);
}

/* The HbA1c trend: every result, newest first, all in %. */
static void
test_trend(struct portal *p)
{
	struct arena		*a = arena_create();
	struct observation	 o;
	struct json		*b;
	time_t			 prev = 0;
	size_t			 i, n, order = 0, percent = 0;

	b = observations(p, "4548-4", 100);
	n = fhir_bundle_count(b);
	ok(n == A1C_RESULTS, "maria has %d HbA1c results (%zu)", A1C_RESULTS,
	    n);
	for (i = 0; i < n; i++) {
		if (model_observation(a, fhir_bundle_resource(b, i), &o) != 0)
			continue;
		if (i > 0 && o.effective.t > prev)
			order++;
		prev = o.effective.t;
		if (o.value.kind == VALUE_QUANTITY && o.value.q.unit != NULL &&
		    strcmp(o.value.q.unit, "%") == 0)
			percent++;
	}
	ok(n > 0 && order == 0, "newest first (%zu out of order)", order);
	ok(n > 0 && percent == n, "each a quantity in %% (%zu of %zu)",
	    percent, n);
	json_free(b);
	arena_free(a);
}

/* The words of Maria's results list: unreviewed, high, critical low. */
static void
test_report_words(struct portal *p)
{
	struct arena		*a = arena_create();
	struct results_page	 pg;
	const struct report	*a1c = NULL;
	struct json		*b;
	char			*line = NULL, *words;
	size_t			 i;
	int			 abnormal, critical = 0;

	b = search(p, "DiagnosticReport", "patient=Patient%2F" MARIA
	    "&_sort=-date&_count=20&_include=DiagnosticReport:result");
	results_page_parse(a, b, &pg);
	for (i = 0; i < pg.nreports && a1c == NULL; i++) {
		if (pg.reports[i].name != NULL &&
		    strstr(pg.reports[i].name, "A1c") != NULL)
			a1c = &pg.reports[i];
	}
	if (a1c != NULL)
		line = results_report_line(a, &pg, a1c, &abnormal);
	ok(a1c != NULL && !a1c->reviewed,
	    "her newest HbA1c report is not reviewed yet");
	like(line, "not yet reviewed", "its line says so");
	like(line, "1 result high", "and that its result is high");

	for (i = 0; i < pg.nreports; i++) {
		words = results_range_words(a, &pg, &pg.reports[i], &abnormal);
		if (words != NULL && strstr(words, "critical low") != NULL) {
			diag("%s: %s", pg.reports[i].name ?
			    pg.reports[i].name : "?", words);
			critical++;
		}
	}
	ok(critical > 0, "a report with a critical low result says "
	    "\"critical low\" (the CBC)");
	json_free(b);
	arena_free(a);
}

int
main(void)
{
	struct portal	*p;

	pt_reset();
	test_paging();

	p = pt_sign_in("maria@example.org", "Chartty-demo-1");
	test_last_page(p);
	test_report_words(p);
	test_trend(p);
	test_refill_ineligible(p);
	test_refill_retry(p);
	test_readings(p);
	test_reading_refusals();
	test_reading_server_refusal(p);
	portal_free(p);
	return done_testing();
}
