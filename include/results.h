/*
 * Test results shared by the list, the report and the trend screens: a
 * page of reports with their included results, and the words that say
 * how a report went.
 */
#ifndef CHARTTY_RESULTS_H
#define CHARTTY_RESULTS_H

#include <stddef.h>

#include "model.h"

struct arena;
struct fhir;
struct fhir_pages;
struct json;

/* Said, gently, where a report has not been reviewed yet. */
#define RESULTS_UNREVIEWED_TEXT \
	"New results may reach you before your care team has looked at " \
	"them. Their comments usually follow within 2 business days; if " \
	"something worries you before then, send a message or call the " \
	"clinic."

/* A searchset of reports with their results (_include). */
struct results_page {
	struct report		*reports;
	size_t			 nreports;
	struct observation	*obs;
	size_t			 nobs;
};

/* Parse bundle into page (records in the arena); never fails. */
void	 results_page_parse(struct arena *, const struct json *bundle,
	     struct results_page *);
/*
 * Report id of patient (a reference) with its results, into page (in the
 * arena): one search (_id and _include). 0, or -1 with *cause.
 */
int	 results_report_load(struct fhir *, const char *id,
	     const char *patient, struct arena *, struct results_page *,
	     char **cause);
/* The reports list, newest first, a page of RESULTS_PAGE at a time with
 * their results; a trend, oldest value last, TRENDS_PAGE at a time. */
#define RESULTS_PAGE	20
#define RESULTS_TREND_PAGE	100

/* Start pages at patient's (a reference) first page of reports. */
void	 results_list_start(struct fhir_pages *, const char *patient);
/* A page of reports fetched from f (bundle) into page, in a, and the
 * server's count of them all in *total (-1: not said). */
void	 results_list_take(const struct fhir *, struct arena *,
	     const struct json *bundle, struct results_page *, long *total);
/* Start pages at the first page of patient's values of code
 * ("system|code"), newest first. */
void	 results_trend_start(struct fhir_pages *, const char *patient,
	     const char *code);
/*
 * Fetch a trend's page dir away from the current one (0: the same again):
 * its observations into *obs (*n of them, in a new arena *a that the
 * caller frees), the server's count into *total. 0, or -1 with *cause.
 */
int	 results_trend_page(struct fhir *, struct fhir_pages *, int dir,
	     struct arena **a, struct observation **obs, size_t *n,
	     long *total, char **cause);
/* The result a report names ("Observation/<id>"), or NULL. */
const struct observation *results_find(const struct results_page *,
	     const char *ref);
/*
 * A result's line (in the arena): "7.2 % (High), normal range below
 * 5.7", then its status when not final, then ". Comment: " and the
 * clinician's comment.
 */
char	*results_obs_line(struct arena *, const struct observation *);
/* "Final", "Preliminary", "Corrected", ...; never NULL. */
const char *results_status_words(const char *status);
/*
 * How the report's results went, in words: "2 results high, 1 critical
 * low", "all 4 in range", or NULL when it has no flagged results to
 * count (a narrative). *abnormal is the number outside their range.
 */
char	*results_range_words(struct arena *, const struct results_page *,
	     const struct report *, int *abnormal);
/*
 * The report's line in a list: "12 May 2026, Final, 2 results high,
 * not yet reviewed". *abnormal as above.
 */
char	*results_report_line(struct arena *, const struct results_page *,
	     const struct report *, int *abnormal);

#endif
