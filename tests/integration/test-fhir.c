/*
 * Integration tests of FHIR against the real test portal: one-trip batch,
 * paging, ETags, guarded updates, idempotent creates, access rules, the
 * model on real seeded data, and the CapabilityStatement kept between
 * starts with its ETag.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "crypto.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "model.h"
#include "portal.h"
#include "summary.h"
#include "portal-test.h"
#include "reading.h"
#include "tap.h"
#include "url.h"
#include "util.h"

static char *
patient_query(const char *param, const char *id, const char *rest)
{
	return xasprintf("%s=Patient%%2F%s%s%s", param, id, rest ? "&" : "",
	    rest ? rest : "");
}

/* The one file in dir (its path, a new string), or NULL. */
static char *
only_file(const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char		*path = NULL;
	int		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		free(path);
		path = xasprintf("%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n != 1) {
		free(path);
		return NULL;
	}
	return path;
}

/* Requests the last caps_again() made. */
static long	caps_requests;

/* Load the capabilities of a new sign-in with the cache in dir: 0 or -1,
 * the body bytes it took in *bytes (and its requests in caps_requests). */
static int
caps_again(const char *dir, long long *bytes, unsigned int *can)
{
	struct portal		*p = pt_sign_in("maria@example.org",
				    "Chartty-demo-1");
	struct http_stats	 a, b;
	char			*cause = NULL;
	int			 rc;

	fhir_set_cache(portal_fhir(p), dir);
	http_get_stats(portal_http(p), &a);
	rc = fhir_load_capabilities(portal_fhir(p), &cause);
	http_get_stats(portal_http(p), &b);
	*bytes = b.wire_bytes - a.wire_bytes;
	caps_requests = b.requests - a.requests;
	*can = fhir_can(portal_fhir(p), "Communication");
	free(cause);
	portal_free(p);
	return rc;
}

/* Line n (from 1) of a kept file, replaced by line when not NULL; a copy
 * of what it was (free it), or NULL. */
static char *
kept_line(const char *path, int n, const char *line)
{
	char	*text, *out, *third, *rest, *was = NULL;
	size_t	 len;
	FILE	*f;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	text = xcalloc(1, 65536);
	len = fread(text, 1, 65535, f);
	fclose(f);
	text[len] = '\0';
	for (third = text; --n > 0 && third != NULL; third++)
		third = strchr(third, '\n');
	if (third == NULL || (rest = strchr(third, '\n')) == NULL) {
		free(text);
		return NULL;
	}
	was = xstrndup(third, rest - third);
	if (line != NULL) {
		*third = '\0';
		out = xasprintf("%s%s%s", text, line, rest);
		if ((f = fopen(path, "w")) != NULL) {
			fputs(out, f);
			fclose(f);
		}
		free(out);
	}
	free(text);
	return was;
}

/* Rewrite line 3 (the ETag) of the kept file as etag. */
static void
set_etag(const char *path, const char *etag)
{
	char	*line = xasprintf("etag %s", etag);

	free(kept_line(path, 3, line));
	free(line);
}

/* Move the time a kept file was fetched (on line n) back by secs. */
static void
age_kept(const char *path, int n, long secs)
{
	char		*was = kept_line(path, n, NULL), *line;
	long long	 t, age;

	if (was != NULL && sscanf(was, "fetched %lld max-age %lld", &t,
	    &age) == 2) {
		line = xasprintf("fetched %lld max-age %lld", t - secs, age);
		free(kept_line(path, n, line));
		free(line);
	}
	free(was);
}

/*
 * The CapabilityStatement kept between starts: not asked again while the
 * server's max-age lasts (an hour), then asked with its ETag.
 */
static void
test_caps_cache(void)
{
	struct stat	 st;
	char		*dir, *path;
	long long	 first, again;
	unsigned int	 can, can2;
	int		 rc;

	dir = xasprintf("%s/cache/chartty", getenv("TMPDIR"));
	rc = caps_again(dir, &first, &can);
	ok(rc == 0 && first > 1000 && (can & FHIR_CAN_CREATE), "capabilities "
	    "read whole the first time (%lld bytes)", first);
	path = only_file(dir);
	ok(path != NULL && stat(path, &st) == 0 && (st.st_mode & 0777) ==
	    0600 && stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700,
	    "kept in a private file of a private directory");
	rc = caps_again(dir, &again, &can2);
	ok(rc == 0 && caps_requests == 0 && can2 == can, "a later start "
	    "within the server's max-age asks nothing (%ld requests), the "
	    "same table", caps_requests);
	if (path != NULL) {
		age_kept(path, 4, 7200);
		rc = caps_again(dir, &again, &can2);
		ok(rc == 0 && caps_requests == 1 && again == 0 && can2 == can,
		    "once stale, asked with its ETag: a 304, nothing in the "
		    "body, the same table (%lld bytes)", again);
		rc = caps_again(dir, &again, &can2);
		ok(rc == 0 && caps_requests == 0, "and fresh again (%ld "
		    "requests)", caps_requests);
		set_etag(path, "W/\"0000\"");
		age_kept(path, 4, 7200);
		rc = caps_again(dir, &again, &can2);
		ok(rc == 0 && again > 1000 && can2 == can, "a statement "
		    "changed meanwhile is read whole again (%lld bytes)", again);
		age_kept(path, 4, 7200);
		rc = caps_again(dir, &again, &can2);
		ok(rc == 0 && caps_requests == 1 && again == 0, "and kept "
		    "again with its new ETag (%lld bytes)", again);
		set_etag(path, "W/\"a\x01b\"");
		rc = caps_again(dir, &again, &can2);
		ok(rc == 0 && again > 1000 && can2 == can, "a kept ETag that "
		    "could not go in a header is not sent: read whole (%lld "
		    "bytes)", again);
	}
	free(path);
	free(dir);
}

/* Connect to the portal with discovery kept in dir: the requests it
 * took; *caps the capabilities it announced, or 0 when it failed. */
static long
discover_again(const char *dir, unsigned int *caps)
{
	struct portal		*p = portal_create(pt_url(), NULL, 0);
	struct http_stats	 a, b;
	char			*cause = NULL;

	auth_set_cache(dir);
	http_get_stats(portal_http(p), &a);
	*caps = portal_connect(p, &cause) == AUTH_OK ?
	    portal_server(p)->caps : 0;
	http_get_stats(portal_http(p), &b);
	auth_set_cache(NULL);
	free(cause);
	portal_free(p);
	return b.requests - a.requests;
}

/*
 * Discovery kept between starts: not asked again while the portal's
 * max-age lasts (an hour), then asked with its ETag (a 304); a portal
 * that changed what it announces is read anew.
 */
static void
test_discovery_cache(void)
{
	struct stat	 st;
	char		*dir, *path, *text = NULL;
	unsigned int	 caps, caps2;
	long		 n;
	FILE		*f;

	pt_reset();
	dir = xasprintf("%s/discovery/chartty", getenv("TMPDIR"));
	n = discover_again(dir, &caps);
	ok(n == 1 && (caps & AUTH_CAP_PASSWORD), "discovery asked the first "
	    "time (%ld request)", n);
	path = only_file(dir);
	ok(path != NULL && stat(path, &st) == 0 && (st.st_mode & 0777) ==
	    0600 && stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700,
	    "kept in a private file of a private directory");
	if (path != NULL && (f = fopen(path, "r")) != NULL) {
		text = xcalloc(1, 65536);
		if (fread(text, 1, 65535, f) == 0)
			text[0] = '\0';	/* (calloc'd) nothing read */
		fclose(f);
	}
	ok(text != NULL && strstr(text, "max-age 3600") &&
	    strstr(text, "token_endpoint") && !strstr(text, "access_token") &&
	    !strstr(text, "maria"), "with the portal's max-age, the "
	    "configuration and nothing of anyone's");
	free(text);
	n = discover_again(dir, &caps2);
	ok(n == 0 && caps2 == caps, "a later start asks nothing while it "
	    "is fresh (%ld requests), the same capabilities", n);
	if (path != NULL) {
		age_kept(path, 3, 7200);
		n = discover_again(dir, &caps2);
		ok(n == 1 && caps2 == caps, "once stale, asked with its ETag "
		    "(%ld request)", n);
		n = discover_again(dir, &caps2);
		ok(n == 0, "and fresh again after the 304 (%ld requests)", n);
		json_free(pt_post("/_test/capabilities",
		    "{\"without\":[\"portal-password-login\"]}"));
		age_kept(path, 3, 7200);
		n = discover_again(dir, &caps2);
		ok(n == 1 && !(caps2 & AUTH_CAP_PASSWORD) && caps2 != 0,
		    "a portal that changed what it announces is read anew");
		json_free(pt_post("/_test/capabilities", "{\"without\":[]}"));
		/* Kept files a sign-in cannot trust are not used. */
		if ((f = fopen(path, "w")) != NULL) {
			fputs("chartty-discovery 1\nbroken", f);
			fclose(f);
		}
		n = discover_again(dir, &caps2);
		ok(n == 1 && caps2 == caps, "a kept file gone bad: asked "
		    "again plainly, and it works (%ld request)", n);
		chmod(dir, 0777);
		n = discover_again(dir, &caps2);
		ok(n == 1, "a directory others may write to is not trusted "
		    "(%ld request)", n);
		chmod(dir, 0700);
		n = discover_again(dir, &caps2);
		ok(n == 0, "and is again once it is private (%ld requests)",
		    n);
		text = xasprintf("%s.real", path);
		(void)rename(path, text);
		n = symlink(text, path) == 0 ? discover_again(dir, &caps2) :
		    -1;
		ok(n == 1, "a kept file that is a link is not followed (%ld "
		    "request)", n);
		free(text);
	}
	free(path);
	free(dir);
}

/* The vital signs of s as one text: "label: value" a line (free it). */
static char *
vitals_text(struct summary *s)
{
	struct buf	 b;
	const char	*label, *value;
	size_t		 i;
	int		 alert;

	buf_init(&b, 65536);
	for (i = 0; i < s->n[SUMMARY_VITAL]; i++) {
		summary_row(s, SUMMARY_VITAL, i, &label, &value, &alert);
		buf_printf(&b, "%s: %s\n", label, value ? value : "");
	}
	return buf_take(&b);
}

/*
 * Where the server announces Observation/$lastn (an addition to the
 * contract), the summary asks it for the latest vital sign of each kind,
 * and shows the same as from the last 20.
 */
static void
test_summary_lastn(void)
{
	struct portal	*p = pt_sign_in("maria@example.org", "Chartty-demo-1");
	struct summary	 plain, last;
	char		*urls[SUMMARY_URLS + 1], *cause = NULL, *a, *b;
	const char	*id = portal_session(p)->patient;
	size_t		 i, n;
	int		 rc[2];

	memset(&plain, 0, sizeof plain);
	memset(&last, 0, sizeof last);
	n = summary_urls(portal_fhir(p), id, urls);
	ok(n == SUMMARY_URLS && strstr(urls[5], "Observation?category="
	    "vital-signs") != NULL, "capabilities not read: the last 20 "
	    "vital signs");
	for (i = 0; i < n; i++)
		free(urls[i]);
	rc[0] = summary_load(portal_fhir(p), id, &plain, &cause);
	(void)fhir_load_capabilities(portal_fhir(p), &cause);
	n = summary_urls(portal_fhir(p), id, urls);
	ok(n == SUMMARY_URLS && strncmp(urls[5], "Observation/$lastn?"
	    "category=vital-signs&max=1", 44) == 0, "announced: the latest "
	    "of each kind, by $lastn (%s)", urls[5]);
	for (i = 0; i < n; i++)
		free(urls[i]);
	rc[1] = summary_load(portal_fhir(p), id, &last, &cause);
	a = vitals_text(&plain);
	b = vitals_text(&last);
	ok(rc[0] == 0 && rc[1] == 0 && last.n[SUMMARY_VITAL] >= 5 &&
	    strcmp(a, b) == 0, "the same vital signs either way (%zu)",
	    last.n[SUMMARY_VITAL]);
	free(a);
	free(b);
	free(cause);
	summary_clear(&plain);
	summary_clear(&last);
	portal_free(p);
}

/*
 * Where the server announces Patient/<id>/$overview (an addition to the
 * contract), Home asks it alone, and says the same as from its batch of
 * searches.
 */
static void
test_home_overview(void)
{
	struct portal		*p = pt_sign_in("maria@example.org", "Chartty-demo-1");
	struct summary_home	 h[2];
	struct http_stats	 a, b;
	char			*cause = NULL, *ref;
	size_t			 i;
	int			 rc[2], same = 1;

	memset(h, 0, sizeof h);
	ref = fhir_ref("Patient", portal_session(p)->patient);
	rc[0] = summary_home_load(portal_fhir(p), ref, &h[0], &cause);
	(void)fhir_load_capabilities(portal_fhir(p), &cause);
	ok(fhir_can(portal_fhir(p), "Patient") & FHIR_CAN_OVERVIEW,
	    "the server announces Patient/$overview");
	http_get_stats(portal_http(p), &a);
	rc[1] = summary_home_load(portal_fhir(p), ref, &h[1], &cause);
	http_get_stats(portal_http(p), &b);
	for (i = 0; i < SUMMARY_NCOUNTS; i++)
		same &= h[0].count[i] == h[1].count[i] && h[1].count[i] >= 0;
	ok(rc[0] == 0 && rc[1] == 0 && b.requests - a.requests == 1,
	    "Home by $overview in one request%s%s", cause ? ": " : "",
	    cause ? cause : "");
	ok(same && h[1].unread == h[0].unread && h[1].unread > 0 &&
	    h[1].owed > h[0].owed - 0.005 && h[1].owed < h[0].owed + 0.005 &&
	    h[0].owed > 0 && h[1].withheld == NULL && h[0].withheld == NULL,
	    "the same counts, %ld unread and %.2f owed as from the searches",
	    h[1].unread, h[1].owed);
	ok(h[0].next_visit != NULL && h[1].next_visit != NULL &&
	    strcmp(h[0].next_visit, h[1].next_visit) == 0,
	    "the same next visit: %s", h[1].next_visit ? h[1].next_visit :
	    "none");
	free(cause);
	free(ref);
	summary_home_clear(&h[0]);
	summary_home_clear(&h[1]);
	portal_free(p);
}

int
main(void)
{
	struct fhir_result	 res, res2;
	struct portal		*p;
	struct allergy		 al;
	struct json		*obs, *copy;
	struct summary		 sum;
	struct http_stats	 before, after;
	char			*cause = NULL, *q, *id, *etag, *path, *first;
	char			*uuid, *id1;
	size_t			 i;
	int			 rc, hives = 0, dosage = 0;

	pt_reset();
	p = pt_sign_in("maria@example.org", "Chartty-demo-1");
	id = portal_session(p)->patient;

	/* The health summary in one batch, built as chartty builds it. */
	http_get_stats(portal_http(p), &before);
	memset(&sum, 0, sizeof sum);
	rc = summary_load(portal_fhir(p), id, &sum, &cause);
	http_get_stats(portal_http(p), &after);
	ok(rc == 0 && after.requests - before.requests == 1,
	    "summary batch in one request%s%s", rc ? ": " : "",
	    rc ? cause : "");
	for (i = 0; i < SUMMARY_N; i++)
		ok(sum.withheld[i] == NULL, "summary section %zu answered",
		    i);
	ok(sum.have_patient, "the patient is read");
	ok(sum.n[SUMMARY_ALLERGY] >= 2, "maria has allergies (%zu)",
	    sum.n[SUMMARY_ALLERGY]);
	for (i = 0; i < sum.n[SUMMARY_ALLERGY]; i++) {
		al = sum.allergies[i];
		if (al.substance && strstr(al.substance, "enicillin") &&
		    al.reactions && strstr(al.reactions, "ives"))
			hives = 1;
	}
	ok(hives, "penicillin allergy with hives parsed from real data");
	for (i = 0; i < sum.n[SUMMARY_MED]; i++) {
		if (sum.meds[i].dosage != NULL && sum.meds[i].name != NULL)
			dosage++;
	}
	ok(dosage >= 2, "active medications with dose instructions (%d)",
	    dosage);
	summary_clear(&sum);
	path = fhir_path("Patient", id, NULL);
	{
		struct http_stats st, all;

		http_get_stats(portal_http(p), &st);
		http_get_stats(NULL, &all);
		ok(st.wire_bytes < st.body_bytes,
		    "answers arrive gzip-compressed (%lld bytes on the wire "
		    "for %lld)", st.wire_bytes, st.body_bytes);
		/* Clients share the loop's connections: the test's own
		 * requests may have opened the one the portal reuses. */
		diag("after %ld requests: %ld connection(s) opened; all "
		    "clients: %ld requests, %ld connection(s)", st.requests,
		    st.connects, all.requests, all.connects);
		ok(st.connects <= 1 && all.connects == 1 && all.requests > 4,
		    "one connection, reused by every request of every client");
	}

	/* Paging: _count=2, then the next link. */
	q = patient_query("patient", id, "_count=2&_sort=-date");
	rc = fhir_search(portal_fhir(p), "Observation", q, &res, &cause);
	free(q);
	ok(rc == 0 && fhir_bundle_count(res.body) == 2, "first page of 2");
	ok(fhir_bundle_total(res.body) > 2, "total says there is more (%ld)",
	    fhir_bundle_total(res.body));
	first = xstrdup(json_gets(fhir_bundle_resource(res.body, 0), "id"));
	rc = fhir_next(portal_fhir(p), res.body, &res2, &cause);
	ok(rc == 0 && fhir_bundle_count(res2.body) == 2,
	    "next page fetched on request");
	ok(strcmp(first, json_gets(fhir_bundle_resource(res2.body, 0),
	    "id")) != 0, "the next page holds other results");
	fhir_result_free(&res);
	fhir_result_free(&res2);
	free(first);

	/* ETag and If-None-Match. */
	rc = fhir_read(portal_fhir(p), path, NULL, &res, &cause);
	ok(rc == 0 && res.etag != NULL, "read gives an ETag (%s)",
	    res.etag ? res.etag : "none");
	etag = xstrdup(res.etag);
	rc = fhir_read(portal_fhir(p), path, etag, &res2, &cause);
	ok(rc == 0 && res2.status == 304 && res2.body == NULL,
	    "If-None-Match gives 304 (%ld)", res2.status);
	fhir_result_free(&res2);

	/* Guarded update: with the ETag it works, stale it is 412. */
	copy = json_dup(res.body);
	json_set_str(copy, "gender", "female");
	rc = fhir_update(portal_fhir(p), path, copy, etag, &res2, &cause);
	ok(rc == 0, "update with If-Match works%s%s", rc ? ": " : "",
	    rc ? cause : "");
	ok(res2.etag != NULL && strcmp(res2.etag, etag) != 0,
	    "the version moved on");
	fhir_result_free(&res2);
	rc = fhir_update(portal_fhir(p), path, copy, etag, &res2, &cause);
	ok(rc == -1 && res2.status == 412, "stale If-Match is 412 (%ld)",
	    res2.status);
	like(cause, "changed", "412 explains that someone changed it");
	free(cause);
	fhir_result_free(&res2);
	rc = fhir_update(portal_fhir(p), path, copy, NULL, &res2, &cause);
	ok(rc == -1, "an update without an ETag is never sent blind");
	free(cause);
	json_free(copy);
	fhir_result_free(&res);
	free(etag);

	/* Idempotent create: the same request id twice makes one. */
	uuid = crypto_uuid();
	{
		/* A weight the patient enters: the kind the portal accepts. */
		struct reading w = { READING_WEIGHT, 0, 71.5, 0, 0 };
		char *ref = xasprintf("Patient/%s", id);

		w.when = time(NULL);
		obs = reading_observation(&w, ref);
		free(ref);
	}
	copy = json_dup(obs);
	rc = fhir_create_resource(portal_fhir(p), "Observation", obs, uuid, &res,
	    &cause);
	ok(rc == 0 && res.status == 201, "create works (%ld)", res.status);
	id1 = xstrdup(json_gets(res.body, "id"));
	fhir_result_free(&res);
	rc = fhir_create_resource(portal_fhir(p), "Observation", copy, uuid, &res,
	    &cause);
	ok(rc == 0, "the retry succeeds too");
	is(json_gets(res.body, "id"), id1, "and finds the first, not a second");
	fhir_result_free(&res);
	q = xasprintf("patient=Patient%%2F%s&identifier=urn%%3Achartty%%3A"
	    "request%%7C%s", id, uuid);
	rc = fhir_search(portal_fhir(p), "Observation", q, &res, &cause);
	ok(rc == 0 && fhir_bundle_count(res.body) == 1,
	    "exactly one exists (%zu)", fhir_bundle_count(res.body));
	fhir_result_free(&res);
	free(q);
	free(id1);
	free(uuid);
	json_free(obs);
	json_free(copy);

	/* Access rules: unscoped searches and other people's records. */
	rc = fhir_search(portal_fhir(p), "Observation", "_count=5", &res, &cause);
	ok(rc == -1 && res.status == 403, "a search naming no patient is 403");
	ok(cause != NULL && strchr(cause, '{') == NULL,
	    "in plain words, not JSON: %s", cause ? cause : "");
	free(cause);
	fhir_result_free(&res);
	free(path);
	portal_free(p);

	/* A parent's limited access to a teenager: the reason, not a blank. */
	p = pt_sign_in("james@example.org", "Chartty-demo-2");
	{
		struct auth_me	me;
		const char	*teen = NULL;

		auth_me(portal_fhir(p), &me, &cause);
		for (i = 0; i < me.npeople; i++) {
			if (me.people[i].access &&
			    strcmp(me.people[i].access, "limited") == 0)
				teen = me.people[i].reference;
		}
		ok(teen != NULL, "james has a limited-access child");
		q = xasprintf("patient=%s&clinical-status=active", teen ?
		    teen : "Patient/none");
		rc = fhir_search(portal_fhir(p), "Condition", q, &res, &cause);
		ok(rc == -1 && res.status == 403,
		    "the teen's problems are withheld (%ld)", res.status);
		like(cause, "private", "with the reason from /auth/me");
		free(cause);
		fhir_result_free(&res);
		free(q);
		q = xasprintf("patient=%s", teen ? teen : "Patient/none");
		rc = fhir_search(portal_fhir(p), "Immunization", q, &res, &cause);
		ok(rc == 0, "the teen's immunizations are shared");
		fhir_result_free(&res);
		free(q);
		auth_me_free(&me);
	}
	portal_free(p);
	test_caps_cache();
	test_discovery_cache();
	test_summary_lastn();
	test_home_overview();
	return done_testing();
}
