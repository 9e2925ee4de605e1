/*
 * Integration tests of the export of one's record against the real test
 * portal: the FHIR Bundle (a new 0600 file, a collection holding every
 * area's records exactly as the server sent them, no duplicates, valid
 * R4 by the engine's own validator), never over an existing file, a
 * fault mid-way leaving no file, a type the portal refuses left out and
 * said, Walter's 24,000 observations paged in full in little memory, the
 * text form for people, the Download my record screen, and the command.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "export.h"
#include "fhir.h"
#include "json.h"
#include "portal.h"
#include "portal-test.h"
#include "screen-test.h"
#include "screens.h"
#include "tap.h"
#include "util.h"
#include "view.h"

#define MARIA		"maria@example.org", "Chartty-demo-1"
#define WALTER		"long@example.org", "Chartty-test-9"
#define JAMES		"james@example.org", "Chartty-demo-2"
#define MALLORY		"mallory@example.org", "Chartty-test-9"

/* What the progress callback saw. */
struct seen {
	long	 calls, done, total;
	int	 growing;	/* done never went back */
	long	 fault_at;	/* inject a 500 on Observation once done >= */
	int	 faulted;
};

static void
progress(void *arg, long done, long total)
{
	struct seen	*s = arg;

	if (s->calls > 0 && done < s->done)
		s->growing = 0;
	s->calls++;
	s->done = done;
	s->total = total;
	if (s->fault_at > 0 && !s->faulted && done >= s->fault_at) {
		pt_fault("500", 1, 0, "/fhir/R4/Observation");
		s->faulted = 1;
	}
}

/* A path in the harness's private temporary directory (a new string). */
static char *
tmp_path(const char *name)
{
	const char	*t = getenv("TMPDIR");

	return xasprintf("%s/%s", t != NULL ? t : "/tmp", name);
}

/* All that f holds (a new string). */
static char *
slurp_stream(FILE *f, size_t *len)
{
	struct buf	b;
	char		chunk[65536];
	size_t		n;

	buf_init(&b, 256U * 1024 * 1024);
	while (f != NULL && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	if (len != NULL)
		*len = b.len;
	return buf_take(&b);
}

/* The whole of a file (a new string), or NULL. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "r");
	char	*s;

	if (f == NULL)
		return NULL;
	s = slurp_stream(f, len);
	fclose(f);
	return s;
}

static int
exists(const char *path)
{
	struct stat	sb;

	return lstat(path, &sb) == 0;
}

static int
mode_of(const char *path)
{
	struct stat	sb;

	return lstat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

/* Export the open record of app to path. */
static int
run(struct app *app, enum export_format format, const char *patient,
    const char *path, struct seen *seen, struct export_result *res,
    char **cause)
{
	struct export_request	q;

	memset(&q, 0, sizeof q);
	memset(seen, 0, sizeof *seen);
	seen->growing = 1;
	q.format = format;
	q.patient = patient != NULL ? patient : app_patient(app);
	q.whose = app_whose(app);
	q.from = pt_url();
	q.path = path;
	q.progress = progress;
	q.arg = seen;
	return export_run(portal_fhir(app->portal), &q, res, cause);
}

/* The server's count of a search (type?param=Patient/<id>), or -1. */
static long
server_count(struct app *app, const char *type, const char *param,
    const char *patient)
{
	struct fhir_result	 res;
	char			*ref, *q, *cause = NULL;
	long			 n = -1;

	ref = fhir_ref("Patient", patient);
	q = fhir_query(type, param, ref, "_summary", "count", NULL);
	if (fhir_request(portal_fhir(app->portal), "GET", q, NULL, NULL, &res,
	    &cause) == 0)
		n = fhir_bundle_total(res.body);
	fhir_result_free(&res);
	free(cause);
	free(q);
	free(ref);
	return n;
}

/* How many entries of type the bundle holds (walked in order: reaching
 * element i of a long array by index is slow). */
static long
count_type(const struct json *bundle, const char *type)
{
	const struct json	*e;
	const char		*t;
	long			 n = 0;

	for (e = json_first(json_get(bundle, "entry")); e != NULL;
	    e = json_next(e)) {
		t = json_gets(json_get(e, "resource"), "resourceType");
		if (t != NULL && strcmp(t, type) == 0)
			n++;
	}
	return n;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Non-zero when every entry has an absolute fullUrl under base, once. */
static int
unique_urls(const struct json *bundle, const char *base, char **why)
{
	size_t		  i, n = fhir_bundle_count(bundle);
	const char	**urls = xcalloc(n + 1, sizeof *urls);
	const struct json *e;
	int		  good = 1;

	*why = NULL;
	e = json_first(json_get(bundle, "entry"));
	for (i = 0; i < n && good; i++, e = json_next(e)) {
		urls[i] = json_gets(e, "fullUrl");
		if (urls[i] == NULL || strncmp(urls[i], base,
		    strlen(base)) != 0) {
			*why = xasprintf("entry %zu: fullUrl %s", i, urls[i] ?
			    urls[i] : "(none)");
			good = 0;
		}
	}
	if (good)
		qsort(urls, n, sizeof *urls, cmp_str);
	for (i = 1; i < n && good; i++) {
		if (strcmp(urls[i - 1], urls[i]) == 0) {
			*why = xasprintf("twice: %s", urls[i]);
			good = 0;
		}
	}
	free(urls);
	return good;
}

/*
 * The entries of an exported Bundle, each read alone as chartty reads a
 * page (json_parse takes at most JSON_MAX_VALUES values, and this file
 * holds a whole record): a Bundle of their fullUrl and resource, or
 * NULL when the file is no such JSON.
 */
static struct json *
read_entries(const char *text, size_t len)
{
	struct json	*b, *entries, *e, *j;
	size_t		*res = NULL, *url = NULL;
	char		*cause = NULL;
	long		 i, n, m;

	n = json_spans(text, len, "entry", "resource", &res);
	m = json_spans(text, len, "entry", "fullUrl", &url);
	if (n < 0 || n != m) {
		free(res);
		free(url);
		return NULL;
	}
	b = json_new_object();
	entries = json_add_array(b, "entry");
	for (i = 0; i < n; i++) {
		e = json_add_object(entries, NULL);
		j = json_parse(text + url[2 * i], url[2 * i + 1] - url[2 * i],
		    &cause);
		if (json_str(j) != NULL)
			json_add_str(e, "fullUrl", json_str(j));
		json_free(j);
		free(cause);
		cause = NULL;
		j = json_parse(text + res[2 * i], res[2 * i + 1] - res[2 * i],
		    &cause);
		if (j != NULL)
			json_add_child(e, "resource", j);
		free(cause);
		cause = NULL;
	}
	free(res);
	free(url);
	return b;
}

/* The server's text of one search answer's first resource, as sent. */
static char *
as_sent(struct app *app, const char *query)
{
	struct fhir_result	 res;
	size_t			*spans = NULL;
	char			*cause = NULL, *out = NULL;

	if (fhir_get_raw(portal_fhir(app->portal), query, &res, &cause) == 0 &&
	    json_spans(res.raw, res.raw_len, "entry", "resource", &spans) >= 1)
		out = xstrndup(res.raw + spans[0], spans[1] - spans[0]);
	free(spans);
	free(cause);
	fhir_result_free(&res);
	return out;
}

static void
test_units(void)
{
	struct json	*cap;
	char		 words[96], *cause = NULL, *p, *q, *dir;
	size_t		*spans = NULL;
	time_t		 now;
	long		 n;
	int		 fd;
	static const char caps[][200] = {
		"{\"rest\":[{\"resource\":[{\"type\":\"Patient\",\"operation\":"
		    "[{\"name\":\"everything\"}]}]}]}",
		"{\"rest\":[{\"resource\":[{\"type\":\"Patient\",\"operation\":"
		    "[{\"name\":\"x\",\"definition\":\"http://hl7.org/fhir/"
		    "OperationDefinition/Patient-everything\"}]}]}]}",
		"{\"rest\":[{\"operation\":[{\"name\":\"patient-everything\","
		    "\"definition\":\"http://hl7.org/fhir/OperationDefinition/"
		    "Patient-everything|4.0.1\"}]}]}",
		"{\"rest\":[{\"resource\":[{\"type\":\"Encounter\","
		    "\"operation\":[{\"name\":\"everything\"}]},"
		    "{\"type\":\"Patient\"}]}]}",
	};
	static const char js[] = "{\"a\":1,\"entry\":[{\"resource\":"
	    "{\"v\":7.50},\"x\":\"}\\\"\"},{\"search\":{}},{\"x\":[1,"
	    "{\"resource\":2}],\"resource\":[ 1.0e2 ]}]}";
	static const char cut[] = "{\"entry\":[{\"resource\":1}";
	size_t		 i;

	for (i = 0; i < sizeof caps / sizeof caps[0]; i++) {
		cap = json_parse(caps[i], strlen(caps[i]), &cause);
		ok(export_has_everything(cap) == (i < 3), "$everything %s in "
		    "capability statement %zu", i < 3 ? "found" : "not found",
		    i);
		json_free(cap);
	}
	export_progress_words(340, 1208, words, sizeof words);
	is(words, "Downloading: 340 of 1,208 results", "progress in words");
	export_progress_words(1234567, -1, words, sizeof words);
	is(words, "Downloading: 1,234,567 results", "without a total");
	export_progress_words(0, 999, words, sizeof words);
	is(words, "Downloading: 0 of 999 results", "small numbers as they are");
	ok(export_format_parse("fhir") == EXPORT_FHIR &&
	    export_format_parse("text") == EXPORT_TEXT &&
	    export_format_parse("pdf") == -1, "the formats by name");

	n = json_spans(js, strlen(js), "entry", "resource", &spans);
	ok(n == 3 && spans[1] - spans[0] == 10 && strncmp(js + spans[0],
	    "{\"v\":7.50}", 10) == 0 && spans[2] == 0 && spans[3] == 0 &&
	    spans[5] - spans[4] == 9 && strncmp(js + spans[4], "[ 1.0e2 ]",
	    9) == 0, "json_spans finds where each entry's resource lies, as "
	    "written");
	free(spans);
	ok(json_spans(cut, strlen(cut), "entry", "resource", &spans) == -1 &&
	    spans == NULL, "json_spans refuses text cut short");

	dir = tmp_path("");
	dir[strlen(dir) - 1] = '\0';
	now = time(NULL);
	p = export_default_path(dir, EXPORT_FHIR, now);
	like(p, "/chartty-record-", "a default name");
	ok(strlen(p) > 5 && strcmp(p + strlen(p) - 5, ".json") == 0,
	    "ending .json for FHIR");
	fd = creat(p, 0600);
	close(fd);
	q = export_default_path(dir, EXPORT_FHIR, now);
	ok(strlen(q) > 7 && strcmp(q + strlen(q) - 7, "-2.json") == 0,
	    "a taken name gets -2: %s", q);
	unlink(p);
	free(p);
	free(q);
	p = export_default_path(dir, EXPORT_TEXT, now);
	ok(strcmp(p + strlen(p) - 4, ".txt") == 0, "ending .txt for text");
	free(p);
	free(dir);
}

static void
test_fhir(void)
{
	struct app		 app;
	struct export_result	 res;
	struct seen		 seen;
	struct json		*b;
	const struct json	*pat;
	char			*path, *broken, *text, *cause = NULL, *why;
	char			*base;
	char			 last[1024], *sent;
	size_t			 len, i;
	long			 n, want;
	int			 good;
	static const struct { const char *type, *param; } areas[] = {
		{ "AllergyIntolerance", "patient" }, { "Condition", "patient" },
		{ "MedicationRequest", "patient" },
		{ "Immunization", "patient" }, { "Observation", "patient" },
		{ "DiagnosticReport", "patient" }, { "Appointment", "patient" },
		{ "DocumentReference", "patient" },
		{ "Communication", "subject" }, { "Coverage", "beneficiary" },
		{ "Invoice", "subject" }, { "Account", "patient" },
		{ "Task", "patient" }, { "CareTeam", "patient" },
	};

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	path = tmp_path("maria.json");
	good = run(&app, EXPORT_FHIR, NULL, path, &seen, &res, &cause) == 0;
	ok(good, "Maria's record exported as FHIR%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	ok(mode_of(path) == 0600, "a private file (0600): %o", mode_of(path));
	ok(!res.everything && res.skipped == NULL, "from the area searches "
	    "(the test portal has no $everything), nothing refused");
	text = slurp(path, &len);
	b = text != NULL ? json_parse(text, len, &cause) : NULL;
	free(cause);
	cause = NULL;
	ok(b != NULL && strcmp(json_gets(b, "resourceType"), "Bundle") == 0 &&
	    strcmp(json_gets(b, "type"), "collection") == 0 &&
	    json_gets(b, "timestamp") != NULL, "a Bundle of type collection "
	    "with a timestamp");
	ok(res.records == (long)fhir_bundle_count(b), "as many records as "
	    "entries: %ld", res.records);
	ok(seen.calls >= 2 && seen.growing && seen.done == seen.total &&
	    seen.done >= res.records, "progress as pages arrived, ending "
	    "at %ld of %ld", seen.done, seen.total);
	pat = fhir_bundle_resource(b, 0);
	ok(count_type(b, "Patient") == 1 && json_gets(pat, "id") != NULL &&
	    strcmp(json_gets(pat, "id"), "maria-lopez") == 0,
	    "her Patient, first");
	for (i = 0; i < sizeof areas / sizeof areas[0]; i++) {
		n = count_type(b, areas[i].type);
		want = server_count(&app, areas[i].type, areas[i].param,
		    "maria-lopez");
		ok(n == want && n > 0, "%s: %ld, as a search counts %ld",
		    areas[i].type, n, want);
	}
	ok(count_type(b, "Binary") == 3, "the statements' PDFs (Binary), "
	    "the message's attachment among them: %ld",
	    count_type(b, "Binary"));
	ok(count_type(b, "AuditEvent") == 0, "account activity is not the "
	    "record");
	base = xasprintf("%s/", fhir_base(portal_fhir(app.portal)));
	good = unique_urls(b, base, &why);
	ok(good, "every entry has its absolute fullUrl, and none comes "
	    "twice%s%s", why ? ": " : "", why ? why : "");
	free(why);
	free(base);
	sent = as_sent(&app, "Observation?_id=obs-maria-lopez-cbc-plt"
	    "&patient=Patient/maria-lopez");
	ok(sent != NULL && text != NULL && strstr(text, sent) != NULL,
	    "a resource is in the file exactly as the server sent it");
	free(sent);

	ok(pt_validate(path, last, sizeof last) == 0 && strncmp(last,
	    "0 errors", 8) == 0, "valid FHIR R4 by the engine's validator: "
	    "%s", last);
	/* The validator would say so: a broken copy fails. */
	broken = tmp_path("broken.json");
	if (text != NULL && (why = strstr(text, "\"birthDate\":\"")) != NULL) {
		FILE *f = fopen(broken, "w");

		memcpy(why + 13, "14/03", 5);
		fputs(text, f);
		fclose(f);
	}
	ok(pt_validate(broken, last, sizeof last) == 1 && strstr(last,
	    " in ") != NULL && strncmp(last, "0 ", 2) != 0, "and a broken "
	    "birth date is caught: %s", last);
	unlink(broken);
	free(broken);
	json_free(b);
	free(text);
	export_result_free(&res);

	/* Never over an existing file. */
	good = run(&app, EXPORT_FHIR, NULL, path, &seen, &res, &cause) == -1;
	ok(good && pt_sentence(cause) && strstr(cause, "already there") !=
	    NULL, "an existing file: one sentence: %s", cause ? cause : "");
	free(cause);
	cause = NULL;
	text = slurp(path, &len);
	ok(text != NULL && len > 1000 && mode_of(path) == 0600,
	    "and the file is as it was");
	free(text);
	unlink(path);
	free(path);
	st_end(&app);
}

/* A fault on the way: one sentence, and no file left. */
static void
test_faults(void)
{
	static const char *const kinds[] = { "500", "drop", "truncate",
	    "malformed" };
	struct app		 app;
	struct export_result	 res;
	struct seen		 seen;
	char			*path, *cause;
	size_t			 k;
	int			 rc;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	path = tmp_path("faulty.json");
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		/* Twice: libcurl retries a dropped reused connection. */
		pt_fault(kinds[k], 2, 0, "/fhir/R4/Observation");
		cause = NULL;
		rc = run(&app, EXPORT_FHIR, NULL, path, &seen, &res, &cause);
		ok(rc == -1 && pt_sentence(cause), "a %s answer on "
		    "Observation, after other areas were written: one "
		    "sentence: %s",
		    kinds[k], cause ? cause : "(none)");
		ok(!exists(path) && seen.done > 10, "no file is left (%ld "
		    "records had been written)", seen.done);
		free(cause);
		pt_clear_faults();
	}
	cause = NULL;
	pt_fault("drop", 2, 0, "/fhir/R4/DocumentReference");
	rc = run(&app, EXPORT_TEXT, NULL, path, &seen, &res, &cause);
	ok(rc == -1 && pt_sentence(cause) && !exists(path), "the text form "
	    "too: %s", cause ? cause : "(none)");
	free(cause);
	pt_clear_faults();

	/* An attachment too large to fetch is left out, and said. */
	cause = NULL;
	pt_fault_huge(1, 20U * 1024 * 1024, "/fhir/R4/Binary");
	rc = run(&app, EXPORT_FHIR, NULL, path, &seen, &res, &cause);
	ok(rc == 0 && res.skipped != NULL && strstr(res.skipped, "Binary/") !=
	    NULL, "an attachment too large to fetch is left out: %s",
	    rc == 0 ? (res.skipped ? res.skipped : "(nothing said)") :
	    cause);
	if (rc == 0)
		export_result_free(&res);
	free(cause);
	unlink(path);
	pt_clear_faults();
	free(path);
	st_end(&app);
}

/* What the portal refuses is left out and said; the rest is there. */
static void
test_refused(void)
{
	struct app		 app;
	struct export_result	 res;
	struct seen		 seen;
	struct json		*b;
	char			*path, *text, *cause = NULL, last[1024];
	size_t			 len;
	int			 round, good;

	pt_reset();
	if (st_start(&app, JAMES) != 0)
		return;
	path = tmp_path("noah.json");
	/*
	 * Noah's record, as his father (limited access): once as the portal
	 * answers, once with its CapabilityStatement and the counting batch
	 * failing, so that each search is refused on its own.
	 */
	for (round = 0; round < 2; round++) {
		if (round == 1)
			pt_fault("500", 2, 0, "/fhir/R4");
		cause = NULL;
		good = run(&app, EXPORT_FHIR, "noah-carter", path, &seen,
		    &res, &cause) == 0;
		ok(good, "%s: exported%s%s", round ? "no statement, no batch" :
		    "as answered", cause ? ": " : "", cause ? cause : "");
		free(cause);
		cause = NULL;
		like(res.skipped, "Observation: ", "what was refused is said");
		like(res.skipped, "Condition: ", "per type");
		text = slurp(path, &len);
		b = text != NULL ? json_parse(text, len, &cause) : NULL;
		free(cause);
		cause = NULL;
		ok(count_type(b, "Patient") == 1 && count_type(b,
		    "Immunization") == server_count(&app, "Immunization",
		    "patient", "noah-carter") && count_type(b, "Observation") ==
		    0, "the rest is there (%ld immunizations), nothing "
		    "refused", count_type(b, "Immunization"));
		if (round == 0)
			ok(pt_validate(path, last, sizeof last) == 0,
			    "and it is valid R4: %s", last);
		json_free(b);
		free(text);
		export_result_free(&res);
		unlink(path);
		pt_clear_faults();
	}
	free(path);
	st_end(&app);
}

/* Walter's 24,000 observations, paged in full, in little memory. */
static void
test_walter(void)
{
	struct app		 app;
	struct export_result	 res;
	struct seen		 seen;
	struct rusage		 ru;
	struct timespec		 t0, t1;
	struct json		*b;
	char			*path, *text, *cause = NULL, *why;
	long			 before, after, obs, reports;
	size_t			 len;
	int			 good;

	pt_reset();
	if (st_start(&app, WALTER) != 0)
		return;
	path = tmp_path("walter.json");
	obs = server_count(&app, "Observation", "patient", "walter-long");
	reports = server_count(&app, "DiagnosticReport", "patient",
	    "walter-long");
	getrusage(RUSAGE_SELF, &ru);
	before = ru.ru_maxrss;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	good = run(&app, EXPORT_FHIR, NULL, path, &seen, &res, &cause) == 0;
	ok(good, "Walter's record exported%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	after = ru.ru_maxrss;
	len = 0;
	text = slurp(path, &len);
	diag("%ld records, %zu bytes in %.1f s; peak memory %ld KiB before, "
	    "%ld KiB after", res.records, len, (double)(t1.tv_sec -
	    t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, before, after);
#if defined(__SANITIZE_ADDRESS__)
	ok(1, "# SKIP memory is not measured under AddressSanitizer");
#else
	ok(after - before < (long)(len / 1024) / 2, "the record was never "
	    "held in memory: %ld KiB more for a file of %zu KiB",
	    after - before, len / 1024);
#endif
	b = text != NULL ? read_entries(text, len) : NULL;
	ok(obs > 23000 && count_type(b, "Observation") == obs,
	    "every observation: %ld of %ld", count_type(b, "Observation"),
	    obs);
	ok(reports > 400 && count_type(b, "DiagnosticReport") == reports,
	    "every report: %ld of %ld", count_type(b, "DiagnosticReport"),
	    reports);
	good = unique_urls(b, fhir_base(portal_fhir(app.portal)), &why);
	ok(good, "none twice%s%s", why ? ": " : "", why ? why : "");
	free(why);
	ok(seen.total >= obs && seen.done == seen.total && seen.calls > 100,
	    "the progress line knew the total (%ld) and said it %ld times",
	    seen.total, seen.calls);
	json_free(b);
	free(text);
	export_result_free(&res);
	unlink(path);

	/* A 500 in the middle of the observations' pages. */
	memset(&seen, 0, sizeof seen);
	{
		struct export_request	q;

		memset(&q, 0, sizeof q);
		seen.fault_at = 1000;
		seen.growing = 1;
		q.format = EXPORT_FHIR;
		q.patient = app_patient(&app);
		q.path = path;
		q.progress = progress;
		q.arg = &seen;
		good = export_run(portal_fhir(app.portal), &q, &res, &cause) ==
		    -1;
		ok(good && seen.faulted && pt_sentence(cause) && !exists(path),
		    "a failure between two pages of observations, after "
		    "%ld records: no file, one sentence: %s", seen.done,
		    cause ? cause : "(none)");
		free(cause);
		cause = NULL;
	}
	pt_clear_faults();
	free(path);
	st_end(&app);
}

/* The text form: a braille display can read it. */
static void
test_text(void)
{
	struct app		 app;
	struct export_result	 res;
	struct seen		 seen;
	char			*path, *text, *cause = NULL;
	size_t			 len, i, bad;
	int			 good;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	path = tmp_path("maria.txt");
	good = run(&app, EXPORT_TEXT, NULL, path, &seen, &res, &cause) == 0;
	ok(good, "Maria's record as text%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	ok(mode_of(path) == 0600, "a private file");
	text = slurp(path, &len);
	like(text, "Health summary: Maria Lopez\n", "the wallet card's name "
	    "line");
	like(text, "- Penicillin: Hives, moderate, high risk\n",
	    "the card's allergies");
	like(text, "- Hemoglobin A1c/Hemoglobin.total in Blood: 7.2 % (High), "
	    "normal range below 5.7 %\n", "a result with its flag in words "
	    "and its range");
	like(text, "Report: CBC panel - Blood by Automated count: ",
	    "a report");
	like(text, "38 thousand/uL (Critical low), normal range 150 to 400 "
	    "thousand/uL. Comment: Critical value", "a critical result with "
	    "its comment");
	like(text, "Office visit with Anita Patel, MD at Main Street Clinic. "
	    "Completed. Reason: Diabetes and blood pressure check.",
	    "a past visit");
	like(text, "Upcoming visits, soonest first\n- ", "upcoming visits");
	like(text, "Note: Visit note: diabetes and blood pressure check, ",
	    "a note");
	like(text, "\nHbA1c is 7.2 %, up from 6.9 % in August.", "its text, "
	    "decoded");
	like(text, "Attached: statement-2026-10.pdf, a PDF document, not "
	    "included in this text.", "other documents by their title");
	for (i = bad = 0; text != NULL && i < len; i++) {
		if (((unsigned char)text[i] < 0x20 && text[i] != '\n') ||
		    text[i] == 0x7f)
			bad++;
	}
	ok(text != NULL && bad == 0, "no control characters: %zu", bad);
	ok(text != NULL && strchr(text, '|') == NULL && strchr(text,
	    '\t') == NULL, "no table");
	ok(seen.done == res.records && res.records >= 19 + 6 + 4,
	    "reports, visits and documents counted: %ld", res.records);
	free(text);
	export_result_free(&res);
	unlink(path);
	st_end(&app);

	/* Escape sequences from the portal never reach the file. */
	if (st_start(&app, MALLORY) != 0) {
		free(path);
		return;
	}
	ok(run(&app, EXPORT_TEXT, NULL, path, &seen, &res, &cause) == 0,
	    "Mallory's record as text");
	free(cause);
	text = slurp(path, &len);
	like(text, "- Latex", "her allergy");
	for (i = bad = 0; text != NULL && i < len; i++) {
		if (((unsigned char)text[i] < 0x20 && text[i] != '\n') ||
		    text[i] == 0x7f || ((unsigned char)text[i] == 0xc2 &&
		    i + 1 < len && (unsigned char)text[i + 1] >= 0x80 &&
		    (unsigned char)text[i + 1] < 0xa0))
			bad++;
	}
	ok(text != NULL && bad == 0 && strstr(text, "pwned") == NULL,
	    "no escape sequence or control character: %zu", bad);
	free(text);
	export_result_free(&res);
	unlink(path);
	free(path);
	st_end(&app);
}

/* Download my record, the screen, driven as Enter would. */
static void
test_screen(void)
{
	struct app	 app;
	struct view	 v;
	void		*s;
	char		*path, *cause = NULL, *said;
	int		 flags;

	pt_reset();
	if (st_start(&app, MARIA) != 0)
		return;
	if ((s = st_open(&screen_export, &app, NULL)) != NULL) {
		view_init(&v);
		screen_export.view(&app, s, &v);
		ok(st_row(&v, ROW_FIELD, "Format") && st_row(&v, ROW_FIELD,
		    "Save as") && st_row(&v, ROW_BUTTON, "Download"),
		    "the format, the file's name and Download");
		like(st_row(&v, ROW_FIELD, "Save as") ? st_row(&v, ROW_FIELD,
		    "Save as")->field->text : NULL, "/chartty-record-",
		    "the name prefilled");
		view_free(&v);
		ok(st_field(&screen_export, &app, s, "Format", "Text") == 0,
		    "Text chosen");
		view_init(&v);
		screen_export.view(&app, s, &v);
		like(st_row(&v, ROW_FIELD, "Save as") ? st_row(&v, ROW_FIELD,
		    "Save as")->field->text : NULL, ".txt", "the prefilled "
		    "name follows the format");
		view_free(&v);
		path = tmp_path("screen.txt");
		st_field(&screen_export, &app, s, "Save as", path);
		flags = st_press(&screen_export, &app, s, ROW_BUTTON,
		    "Download");
		said = xasprintf("Saved to %s.", path);
		ok(flags == APP_POP && app.message != NULL &&
		    strcmp(app.message, said) == 0, "Download: %s",
		    app.message ? app.message : "(nothing said)");
		ok(mode_of(path) == 0600, "the file, private");
		free(said);
		flags = st_press(&screen_export, &app, s, ROW_BUTTON,
		    "Download");
		ok(flags == APP_REDRAW && app.message != NULL &&
		    strstr(app.message, "already there") != NULL,
		    "again: never over it: %s", app.message ? app.message :
		    "(nothing said)");
		unlink(path);
		free(path);
		screen_export.close(s);
	}
	app.opt.kiosk = 1;
	s = NULL;
	flags = screen_export.open(&app, NULL, &s, &cause);
	ok(flags == -1 && s == NULL && pt_sentence(cause), "not on a kiosk: "
	    "%s", cause ? cause : "");
	free(cause);
	st_end(&app);
}

/* The path said in "Saved to <path>." (a new string), or NULL. */
static char *
saved_path(const char *out)
{
	const char	*p = out != NULL ? strstr(out, "Saved to ") : NULL;
	const char	*end;

	if (p == NULL || (end = strstr(p, ".\n")) == NULL)
		return NULL;
	p += 9;
	return xstrndup(p, (size_t)(end - p));
}

/* chartty export on the command line. */
static void
test_command(void)
{
	const char	*chartty = getenv("CHARTTY");
	char		*dir, *cmd, *out, *made[2], *want;
	FILE		*p;
	size_t		 len;
	int		 status, i;

	if (chartty == NULL) {
		ok(1, "# SKIP CHARTTY is not set");
		return;
	}
	pt_reset();
	dir = tmp_path("cli");
	mkdir(dir, 0700);
	want = xasprintf("%s/chartty-record-", dir);
	cmd = xasprintf("cd '%s' && printf 'Chartty-demo-1\\n' | '%s' "
	    "--no-keyring --server '%s' --user maria@example.org export "
	    "--format text 2>&1", dir, chartty, pt_url());
	for (i = 0; i < 2; i++) {
		p = popen(cmd, "r");
		out = slurp_stream(p, &len);
		status = pclose(p);
		made[i] = saved_path(out);
		if (!ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
		    made[i] != NULL && strncmp(made[i], want,
		    strlen(want)) == 0 && strcmp(made[i] + strlen(made[i]) - 4,
		    ".txt") == 0 && (i == 0 || strcmp(made[0], made[1]) != 0),
		    "chartty export %s", i == 0 ? "saves to a new file in the "
		    "current directory, and says where" : "again: another "
		    "new file"))
			diag("it said: %s", out);
		like(out, "Downloading: ", "a progress line");
		free(out);
	}
	ok(made[0] && made[1] && mode_of(made[0]) == 0600 &&
	    mode_of(made[1]) == 0600, "both private");
	free(cmd);
	cmd = xasprintf("printf 'Chartty-demo-1\\n' | '%s' --no-keyring "
	    "--server '%s' --user maria@example.org export --output '%s' 2>&1",
	    chartty, pt_url(), made[0] ? made[0] : "");
	p = popen(cmd, "r");
	out = slurp_stream(p, &len);
	status = pclose(p);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 1 && strstr(out,
	    "is already there; choose another name.") != NULL,
	    "--output over an existing file: exit 1, one sentence");
	free(out);
	free(cmd);
	cmd = xasprintf("'%s' --server '%s' --user maria@example.org export "
	    "--format pdf </dev/null >/dev/null 2>&1", chartty, pt_url());
	status = system(cmd);
	ok(WIFEXITED(status) && WEXITSTATUS(status) == 2, "--format pdf is "
	    "a usage error");
	free(cmd);
	for (i = 0; i < 2; i++) {
		if (made[i] != NULL)
			unlink(made[i]);
		free(made[i]);
	}
	rmdir(dir);
	free(want);
	free(dir);
}

int
main(void)
{
	test_units();
	test_walter();
	test_fhir();
	test_faults();
	test_refused();
	test_text();
	test_screen();
	test_command();
	return done_testing();
}
