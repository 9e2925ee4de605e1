/*
 * Benchmark of linked organizations: Maria signed in at Main Street (the
 * portal) and at Harbor Clinic (a plain SMART server, 200 ms added to
 * each of its answers), then her merged health summary: the time to its
 * first rows and to all of them, the requests and the bytes, against
 * Harbor's summary alone and the two asked one after the other. The goal:
 * merged within one round trip of the slower server's own. Figures are
 * printed as TAP comments; the checks are only that each load worked.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fhir.h"
#include "http.h"
#include "integration/portal-test.h"
#include "portal.h"
#include "summary.h"
#include "tap.h"
#include "util.h"

#define BENCH_LATENCY	200	/* ms added to each of Harbor's answers */
#define BENCH_RUNS	5

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Rows of a summary, every section. */
static size_t
rows(const struct summary *s)
{
	size_t	i, n = 0;

	for (i = 0; i < SUMMARY_N; i++)
		n += s->n[i];
	return n;
}

/* One figure: the best of the runs' times, and one run's cost. */
struct figure {
	double		 ms;
	double		 first_ms;	/* the first organization's rows in */
	long		 requests;
	long long	 wire, body;
	size_t		 rows;
};

/*
 * Load the summaries of n portals (n 1: one), timed: at once, as the
 * screen does (each batch sent, the first organization's rows shown
 * when its answer is in, the others' merged as they come), or one after
 * the other.
 */
static int
load(struct portal **p, size_t n, int merge, struct figure *fig)
{
	struct summary		 s[2];
	struct fhir_batch_job	 job[2];
	struct http_stats	 a, b;
	double			 t0;
	size_t			 i;
	int			 rc = 0;

	memset(s, 0, sizeof s);
	memset(job, 0, sizeof job);
	http_get_stats(NULL, &a);
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		job[i].f = portal_fhir(p[i]);
		job[i].urls = xcalloc(SUMMARY_URLS + 1, sizeof *job[i].urls);
		job[i].n = summary_urls(portal_fhir(p[i]), portal_session(p[i])->patient,
		    job[i].urls);
		fhir_batch_start(&job[i], NULL, NULL);
		if (!merge)	/* one after the other */
			fhir_batch_finish(&job[i]);
		if (i == 0) {
			fhir_batch_finish(&job[0]);
			fig->first_ms = now_ms() - t0;
		}
	}
	for (i = 0; i < n; i++)
		fhir_batch_finish(&job[i]);
	fig->ms = now_ms() - t0;
	http_get_stats(NULL, &b);
	fig->requests = b.requests - a.requests;
	fig->wire = b.wire_bytes - a.wire_bytes;
	fig->body = b.body_bytes - a.body_bytes;
	for (i = 0; i < n; i++) {
		if (job[i].rc != 0) {
			diag("load %zu failed: %s", i, job[i].cause);
			rc = -1;
		} else
			summary_take(&s[i], job[i].res.body);
		fhir_result_free(&job[i].res);
		free(job[i].cause);
		free(job[i].urls);
	}
	if (rc == 0 && n == 2)
		summary_merge(&s[0], &s[1], "Main Street Clinic",
		    "Harbor Clinic");
	fig->rows = rows(&s[0]);
	for (i = 0; i < n; i++)
		summary_clear(&s[i]);
	return rc;
}

/* The best time of BENCH_RUNS loads, into fig. */
static int
best(struct portal **p, size_t n, int merge, struct figure *fig)
{
	struct figure	f;
	int		k;

	fig->ms = -1;
	for (k = 0; k < BENCH_RUNS; k++) {
		if (load(p, n, merge, &f) != 0)
			return -1;
		if (fig->ms < 0 || f.ms < fig->ms)
			*fig = f;
	}
	return 0;
}

int
main(void)
{
	struct portal	*p[2], *harbor[1];
	struct figure	 alone, merged, serial, main_alone;
	char		*cause = NULL;
	int		 rc;

	memset(&alone, 0, sizeof alone);
	memset(&merged, 0, sizeof merged);
	memset(&serial, 0, sizeof serial);
	memset(&main_alone, 0, sizeof main_alone);

	p[0] = pt_sign_in("maria@example.org", "Chartty-demo-1");
	p[1] = pt_smart_sign_in("maria@example.org", "Harbor-demo-1");
	harbor[0] = p[1];
	ok(fhir_load_capabilities(portal_fhir(p[0]), &cause) == 0 &&
	    fhir_load_capabilities(portal_fhir(p[1]), &cause) == 0,
	    "both servers' capabilities read%s%s", cause ? ": " : "",
	    cause ? cause : "");
	free(cause);
	pt_fault_at(pt_smart_url(), "latency", 1000, BENCH_LATENCY, "/fhir");

	ok(best(harbor, 1, 1, &alone) == 0, "Harbor's summary alone loads");
	ok(best(p, 1, 1, &main_alone) == 0, "Main Street's summary alone "
	    "loads");
	rc = best(p, 2, 1, &merged);
	ok(rc == 0 && merged.rows > alone.rows && merged.rows >
	    main_alone.rows, "the merged summary loads, with rows of both "
	    "(%zu)", merged.rows);
	ok(best(p, 2, 0, &serial) == 0, "the two one after the other load");
	pt_clear_faults_at(pt_smart_url());

	diag("Harbor has %d ms added to each answer; best of %d runs",
	    BENCH_LATENCY, BENCH_RUNS);
	diag("Harbor alone: %.0f ms, %ld request, %lld bytes on the wire "
	    "(%lld decoded), %zu rows", alone.ms, alone.requests, alone.wire,
	    alone.body, alone.rows);
	diag("Main Street alone: %.0f ms, %ld request, %lld bytes on the "
	    "wire, %zu rows", main_alone.ms, main_alone.requests,
	    main_alone.wire, main_alone.rows);
	diag("merged, asked at once: the first rows (Main Street's, shown "
	    "at once) in %.0f ms, all rows in %.0f ms, %ld requests, %lld "
	    "bytes on the wire (%lld decoded), %zu rows", merged.first_ms,
	    merged.ms, merged.requests, merged.wire, merged.body,
	    merged.rows);
	diag("one after the other: %.0f ms", serial.ms);
	diag("goal (merged within one round trip, %d ms, of Harbor's own): "
	    "%s, %.0f ms over", BENCH_LATENCY, merged.ms <= alone.ms +
	    BENCH_LATENCY ? "met" : "not met", merged.ms - alone.ms);
	portal_free(p[0]);
	portal_free(p[1]);
	return done_testing();
}
