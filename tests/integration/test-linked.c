/*
 * Linked organizations on the real screens (no curses): walter-long
 * signed in at Main Street (the test portal: a long history, many pages
 * of reports) with Maria's account at Harbor Clinic (the plain SMART
 * server) linked. The results screen weaves the two organizations'
 * pages newest first, pages on through Main Street's history after
 * Harbor's last page and back, says a failing Harbor for Harbor alone,
 * and opens a report at its own organization; a page of Harbor's that
 * failed comes on the next page, none lost or shown twice. Then Maria's
 * record at Harbor is exported with Patient/$everything, and an expired
 * sign-in there is renewed once. Prints TAP.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "export.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "portal.h"
#include "screens.h"
#include "portal-test.h"
#include "screen-test.h"
#include "tap.h"
#include "util.h"
#include "view.h"

#define HARBOR	"Harbor Clinic"

/* The view of the results screen's state. */
static void
results_view(struct app *app, void *s, struct view *v)
{
	view_free(v);
	view_init(v);
	screen_results.view(app, s, v);
}

/* The day a report row's value starts with ("30 Nov 2026, ..."). */
static time_t
row_day(const struct view_row *r)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (r->value == NULL || strptime(r->value, "%d %b %Y", &tm) == NULL)
		return (time_t)-1;
	return timegm(&tm);
}

/* Count the page's reports (n), Harbor's (*harbor); are they newest
 * first across both organizations (and does every row say where it is
 * from)? */
static int
page_ok(const struct view *v, size_t *n, size_t *harbor)
{
	const struct view_row	*r;
	time_t			 last = (time_t)-1, day;
	size_t			 i;
	int			 good = 1;

	*n = *harbor = 0;
	for (i = 0; i < v->nrows; i++) {
		r = &v->rows[i];
		if (r->kind != ROW_ITEM || r->noun == NULL ||
		    strcmp(r->noun, "Report") != 0)
			continue;
		(*n)++;
		if (r->value != NULL && strstr(r->value, ", from " HARBOR))
			(*harbor)++;
		else if (r->value == NULL ||
		    strstr(r->value, ", from Main Street Clinic") == NULL)
			good = 0;
		if ((day = row_day(r)) == (time_t)-1 ||
		    (last != (time_t)-1 && day > last))
			good = 0;
		last = day;
	}
	return good;
}

/* Is the page as wanted: n reports, harbor of them Harbor's, in order? */
static void
check_page(const struct view *v, size_t want, size_t want_harbor,
    const char *what)
{
	size_t	n, hb;
	int	good = page_ok(v, &n, &hb);

	ok(good && n == want && hb == want_harbor, "%s (%zu reports, %zu of "
	    "Harbor's%s)", what, n, hb, good ? "" : ", out of order or "
	    "unnamed");
}

/* How many entries of bundle are of type. */
static long
count_type(const struct json *bundle, const char *type)
{
	const char	*t;
	size_t		 i;
	long		 n = 0;

	for (i = 0; i < fhir_bundle_count(bundle); i++) {
		t = json_gets(fhir_bundle_resource(bundle, i), "resourceType");
		n += t != NULL && strcmp(t, type) == 0;
	}
	return n;
}

/* Maria's record at Harbor, exported: Patient/$everything, paged. */
static void
export_harbor(struct portal *harbor)
{
	struct export_request	 q;
	struct export_result	 res;
	struct json		*b = NULL;
	char			*path, *text, *cause = NULL, last[1024];
	size_t			 len;
	FILE			*f;

	memset(&q, 0, sizeof q);
	memset(&res, 0, sizeof res);
	path = xasprintf("%s/harbor.json", getenv("TMPDIR") ?
	    getenv("TMPDIR") : "/tmp");
	q.format = EXPORT_FHIR;
	q.patient = portal_session(harbor)->patient;
	q.path = path;
	ok(export_run(portal_fhir(harbor), &q, &res, &cause) == 0,
	    "Maria's record at Harbor exported%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	ok(res.everything && res.skipped == NULL, "with Patient/$everything, "
	    "which Harbor announces, nothing refused");
	text = NULL;
	if ((f = fopen(path, "r")) != NULL) {
		text = xcalloc(1, 4 << 20);
		len = fread(text, 1, (4 << 20) - 1, f);
		fclose(f);
		b = json_parse(text, len, &cause);
	}
	ok(b != NULL && res.records == (long)fhir_bundle_count(b) &&
	    count_type(b, "Patient") == 1 && count_type(b,
	    "DiagnosticReport") == 3 && count_type(b, "Communication") == 4 &&
	    count_type(b, "Appointment") == 2 && count_type(b,
	    "Observation") == 16, "every record of hers: %ld entries (Harbor's "
	    "pages of 20 followed)", res.records);
	ok(pt_validate(path, last, sizeof last) == 0 && strncmp(last,
	    "0 errors", 8) == 0, "valid FHIR R4 by the engine's validator: "
	    "%s", last);
	json_free(b);
	free(text);
	free(cause);
	export_result_free(&res);
	unlink(path);
	free(path);
}

/* An expired sign-in at Harbor: renewed once, its batch sent once more. */
static void
expired_harbor(struct app *app)
{
	struct http_stats	 a, b;
	struct view		 v;
	void			*s;
	struct portal		*harbor = app->links[0].portal;

	json_free(pt_post_at(pt_smart_url(), "/_test/expire-tokens", NULL));
	http_get_stats(portal_http(harbor), &a);
	s = st_open(&screen_summary, app, NULL);
	http_get_stats(portal_http(harbor), &b);
	if (s == NULL)
		return;
	view_init(&v);
	screen_summary.view(app, s, &v);
	ok(!st_mentions(&v, "Not included") && st_mentions(&v, "from "
	    HARBOR), "the summary with Harbor's rows, its expired sign-in "
	    "renewed");
	ok(b.requests - a.requests == 3, "three requests at Harbor: the "
	    "batch refused, the sign-in renewed, the batch once more (%ld)",
	    b.requests - a.requests);
	view_free(&v);
	screen_summary.close(s);
}

int
main(void)
{
	struct app		 app;
	struct app_account	 harbor;
	struct view		 v;
	const struct view_row	*r;
	void			*s, *rs;
	size_t			 n;
	char			*cause = NULL;

	if (st_start(&app, "long@example.org", "Chartty-test-9") != 0)
		return done_testing();
	app.opt.label = "Main Street Clinic";
	memset(&harbor, 0, sizeof harbor);
	harbor.label = HARBOR;
	app.links[0].account = &harbor;
	app.links[0].portal = pt_smart_sign_in("maria@example.org",
	    "Harbor-demo-1");
	app.links[0].signed_in = app.links[0].portal != NULL;
	app.nlinks = 1;
	ok(app.links[0].signed_in, "signed in to Harbor Clinic too");
	view_init(&v);

	if ((s = st_open(&screen_results, &app, NULL)) == NULL)
		goto out;
	results_view(&app, s, &v);
	check_page(&v, 23, 3, "page 1: Main Street's first 20 reports and "
	    "Harbor's 3, newest first across both, each saying where it is "
	    "from");
	ok(st_mentions(&v, "Page 1: 23 reports of "), "the page says how "
	    "many of all");

	ok(st_press(&screen_results, &app, s, ROW_ITEM, "Older reports") ==
	    APP_REDRAW && app.message == NULL, "older reports asked");
	results_view(&app, s, &v);
	check_page(&v, 20, 0, "page 2: Main Street's next 20, Harbor having "
	    "no second page");
	ok(st_row(&v, ROW_ITEM, "Newer reports") != NULL, "and the way "
	    "back");

	ok(st_press(&screen_results, &app, s, ROW_ITEM, "Newer reports") ==
	    APP_REDRAW && app.message == NULL, "newer reports asked");
	results_view(&app, s, &v);
	check_page(&v, 23, 3, "page 1 again: Harbor's reports with Main "
	    "Street's");

	/* Harbor failing: said for Harbor, Main Street's page still shown. */
	pt_fault_at(pt_smart_url(), "500", 4, 0, "/fhir");
	ok(screen_results.fetch(&app, s, &cause) == 0, "loaded again with "
	    "Harbor failing%s%s", cause ? ": " : "", cause ? cause : "");
	free(cause);
	cause = NULL;
	pt_clear_faults_at(pt_smart_url());
	results_view(&app, s, &v);
	ok(st_mentions(&v, "Not included: " HARBOR ": "), "Harbor's failure "
	    "is said for Harbor");
	check_page(&v, 20, 0, "Main Street's 20 still shown");
	ok(screen_results.fetch(&app, s, &cause) == 0, "and again, Harbor "
	    "back");
	free(cause);
	cause = NULL;
	results_view(&app, s, &v);
	ok(!st_mentions(&v, "Not included"), "nothing is said missing once "
	    "Harbor is back");
	check_page(&v, 23, 3, "Harbor's reports are back");

	/* A report of Harbor's opens there. */
	r = NULL;
	for (n = 0; n < v.nrows; n++) {
		if (v.rows[n].value != NULL && v.rows[n].label != NULL &&
		    strcmp(v.rows[n].label, "Lipid panel") == 0 &&
		    strstr(v.rows[n].value, ", from " HARBOR) != NULL)
			r = &v.rows[n];
	}
	ok(r != NULL && screen_results.action(&app, s, r) == APP_PUSH &&
	    app.next == &screen_report && app.next_at ==
	    app.links[0].portal, "Harbor's lipid panel is opened at Harbor");
	if (app.next == &screen_report) {
		app.here = app.next_at;	/* as the loop does */
		rs = st_open(&screen_report, &app, app.next_arg);
		app.next_arg = NULL;
		app.next = NULL;
		if (rs != NULL) {
			view_free(&v);
			view_init(&v);
			screen_report.view(&app, rs, &v);
			ok(st_mentions(&v, "Cholesterol above goal: starting "
			    "atorvastatin."), "Harbor's report, with its "
			    "conclusion");
			screen_report.close(rs);
		}
		app.here = NULL;
	}
	screen_results.close(s);

	/* Harbor's first page fails: it comes on the next page instead, and
	 * none of its reports is lost or shown twice. */
	pt_fault_at(pt_smart_url(), "500", 1, 0, "/fhir");
	if ((s = st_open(&screen_results, &app, NULL)) != NULL) {
		results_view(&app, s, &v);
		ok(st_mentions(&v, "Not included: " HARBOR ": "), "Harbor's "
		    "first page failing is said");
		check_page(&v, 20, 0, "page 1 without Harbor's");
		st_press(&screen_results, &app, s, ROW_ITEM, "Older reports");
		results_view(&app, s, &v);
		check_page(&v, 23, 3, "page 2: Harbor's first page, asked "
		    "again, with Main Street's second");
		st_press(&screen_results, &app, s, ROW_ITEM, "Newer reports");
		results_view(&app, s, &v);
		check_page(&v, 20, 0, "page 1 again: Harbor's reports are not "
		    "shown twice");
		st_press(&screen_results, &app, s, ROW_ITEM, "Older reports");
		results_view(&app, s, &v);
		check_page(&v, 23, 3, "page 2 again: the same page of Harbor's");
		screen_results.close(s);
	}
	pt_clear_faults_at(pt_smart_url());
	export_harbor(app.links[0].portal);
	expired_harbor(&app);
out:
	view_free(&v);
	portal_free(app.links[0].portal);
	free(app.here_ref);
	st_end(&app);
	return done_testing();
}
