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
/* The result a report names ("Observation/<id>"), or NULL. */
const struct observation *results_find(const struct results_page *,
	     const char *ref);
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
