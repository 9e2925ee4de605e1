/* Test results shared by the screens: pages of reports and their words. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fhir.h"
#include "format.h"
#include "json.h"
#include "model.h"
#include "results.h"
#include "util.h"

#define RESULTS_MAX	1000	/* records of one page we keep at most */
#define RESULTS_GROUPS	8

void
results_page_parse(struct arena *a, const struct json *bundle,
    struct results_page *p)
{
	size_t			 i, n = fhir_bundle_count(bundle);
	const struct json	*j;
	const char		*type;

	memset(p, 0, sizeof *p);
	if (n > RESULTS_MAX)
		n = RESULTS_MAX;
	p->reports = arena_alloc(a, (n ? n : 1) * sizeof *p->reports);
	p->obs = arena_alloc(a, (n ? n : 1) * sizeof *p->obs);
	for (i = 0; i < n; i++) {
		j = fhir_bundle_resource(bundle, i);
		if ((type = json_gets(j, "resourceType")) == NULL)
			continue;
		if (strcmp(type, "DiagnosticReport") == 0 &&
		    model_report(a, j, &p->reports[p->nreports]) == 0)
			p->nreports++;
		else if (strcmp(type, "Observation") == 0 &&
		    model_observation(a, j, &p->obs[p->nobs]) == 0)
			p->nobs++;
	}
}

/*
 * Whether the care team reviewed a report is the portal's extension: a
 * server without the portal's extras does not say (-1), so nothing is
 * said of it.
 */
static void
results_review_known(const struct fhir *f, struct results_page *p)
{
	size_t	i;

	for (i = 0; !fhir_extras(f) && i < p->nreports; i++)
		p->reports[i].reviewed = -1;
}

const struct observation *
results_find(const struct results_page *p, const char *ref)
{
	size_t	i;

	if (ref == NULL || strncmp(ref, "Observation/", 12) != 0)
		return NULL;
	for (i = 0; i < p->nobs; i++) {
		if (p->obs[i].id != NULL && strcmp(p->obs[i].id, ref + 12) == 0)
			return &p->obs[i];
	}
	return NULL;
}

const char *
results_status_words(const char *status)
{
	static const struct code_words words[] = {
		{ "registered", "Ordered" }, { "partial", "Partial" },
		{ "preliminary", "Preliminary" }, { "final", "Final" },
		{ "amended", "Amended" }, { "corrected", "Corrected" },
		{ "appended", "Final, with an addition" },
		{ "cancelled", "Cancelled" },
		{ "entered-in-error", "Withdrawn (entered in error)" },
	};

	return format_status(words, sizeof words / sizeof words[0], status);
}

char *
results_obs_line(struct arena *a, const struct observation *o)
{
	struct buf	 b;
	const char	*range = format_range(a, &o->range);
	const char	*value = format_obs_value(a, o, 1);

	buf_init(&b, 64 * 1024);
	buf_addstr(&b, *value ? value : "no value");
	if (range != NULL && *range != '\0')
		buf_printf(&b, ", normal range %s", range);
	if (o->status != NULL && strcmp(o->status, "final") != 0)
		buf_printf(&b, ", %s", results_status_words(o->status));
	if (o->note != NULL)
		buf_printf(&b, ". Comment: %s", o->note);
	return arena_own(a, buf_take(&b));
}

/* Lower-case copy of a flag's words for the middle of a sentence. */
static void
results_lower(char *out, size_t size, const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[i] = '\0';
}

/* Move the critical flags ("Critical low") ahead, keeping the order. */
static void
results_critical_first(const char **group, int *count, size_t n)
{
	const char	*g;
	size_t		 i, j, k = 0;
	int		 c;

	for (i = 0; i < n; i++) {
		if (strncmp(group[i], "Critical", 8) != 0)
			continue;
		g = group[i];
		c = count[i];
		for (j = i; j > k; j--) {
			group[j] = group[j - 1];
			count[j] = count[j - 1];
		}
		group[k] = g;
		count[k++] = c;
	}
}

char *
results_range_words(struct arena *a, const struct results_page *p,
    const struct report *r, int *abnormal)
{
	const struct observation	*o;
	const char			*group[RESULTS_GROUPS], *flag;
	int				 count[RESULTS_GROUPS];
	size_t				 i, k, ngroups = 0, found = 0, flagged = 0;
	struct buf			 b;
	char				 low[64];

	*abnormal = 0;
	for (i = 0; i < r->nresults; i++) {
		if ((o = results_find(p, r->results[i])) == NULL)
			continue;
		found++;
		if (o->flag_code != NULL || o->flag != NULL)
			flagged++;
		if (!format_obs_abnormal(o))
			continue;
		(*abnormal)++;
		flag = o->flag != NULL ? o->flag : "Out of range";
		for (k = 0; k < ngroups; k++) {
			if (strcmp(group[k], flag) == 0)
				break;
		}
		if (k == ngroups && ngroups < RESULTS_GROUPS) {
			group[ngroups] = flag;
			count[ngroups++] = 0;
		}
		if (k < ngroups)
			count[k]++;
	}
	if (found == 0)
		return NULL;
	results_critical_first(group, count, ngroups);
	buf_init(&b, 4096);
	if (*abnormal > 0) {
		for (k = 0; k < ngroups; k++) {
			results_lower(low, sizeof low, group[k]);
			if (k == 0)
				buf_printf(&b, "%d result%s %s", count[k],
				    count[k] == 1 ? "" : "s", low);
			else
				buf_printf(&b, ", %d %s", count[k], low);
		}
	} else if (flagged > 0 && found == 1)
		buf_addstr(&b, "in range");
	else if (flagged > 0)
		buf_printf(&b, "all %zu in range", found);
	else
		buf_printf(&b, "%zu result%s", found, found == 1 ? "" : "s");
	return arena_own(a, buf_take(&b));
}

char *
results_report_line(struct arena *a, const struct results_page *p,
    const struct report *r, int *abnormal)
{
	struct buf	 b;
	char		 date[64], *words;

	buf_init(&b, 4096);
	fhir_date_format(&r->effective, date, sizeof date);
	if (date[0] == '\0')
		fhir_date_format(&r->issued, date, sizeof date);
	if (date[0] != '\0')
		buf_printf(&b, "%s, ", date);
	buf_addstr(&b, results_status_words(r->status));
	if ((words = results_range_words(a, p, r, abnormal)) != NULL)
		buf_printf(&b, ", %s", words);
	else if (r->narrative != NULL || r->conclusion != NULL)
		buf_addstr(&b, ", written report");
	if (r->reviewed == 0)
		buf_addstr(&b, ", not yet reviewed");
	return arena_own(a, buf_take(&b));
}

int
results_report_load(struct fhir *f, const char *id, const char *patient,
    struct arena *a, struct results_page *page, char **cause)
{
	struct fhir_result	 res;
	char			*query;
	int			 rc;

	query = fhir_query("DiagnosticReport?_include=DiagnosticReport:result",
	    "_id", id, "patient", patient, NULL);
	rc = fhir_request(f, "GET", query, NULL, NULL, &res, cause);
	free(query);
	if (rc == 0) {
		results_page_parse(a, res.body, page);
		results_review_known(f, page);
	}
	fhir_result_free(&res);
	return rc;
}

void
results_list_start(struct fhir_pages *p, const char *patient)
{
	char	*first;

	first = fhir_query("DiagnosticReport?_sort=-date&_count="
	    FHIR_NUM(RESULTS_PAGE) "&_include=DiagnosticReport:result",
	    "patient", patient, NULL);
	fhir_pages_start(p, first);
	free(first);
}

void
results_list_take(const struct fhir *f, struct arena *a,
    const struct json *bundle, struct results_page *page, long *total)
{
	results_page_parse(a, bundle, page);
	results_review_known(f, page);
	*total = fhir_bundle_total(bundle);
}

void
results_trend_start(struct fhir_pages *p, const char *patient,
    const char *code)
{
	char	*first;

	first = fhir_query("Observation?_sort=-date&_count="
	    FHIR_NUM(RESULTS_TREND_PAGE), "patient", patient, "code", code,
	    NULL);
	fhir_pages_start(p, first);
	free(first);
}

/* An Observation, for fhir_pages_records(). */
static int
results_observation(struct arena *a, const struct json *j, void *out,
    void *ctx)
{
	return model_observation(a, j, out);
}

int
results_trend_page(struct fhir *f, struct fhir_pages *p, int dir,
    struct arena **ap, struct observation **obs, size_t *np, long *total,
    char **cause)
{
	return fhir_pages_records(f, p, dir, sizeof **obs,
	    RESULTS_TREND_PAGE * 2, results_observation, NULL, ap, (void **)obs,
	    np, total, cause);
}
