/*
 * A copy of a patient's record (include/export.h): a FHIR Bundle streamed
 * to a new private file a page at a time, each resource exactly as the
 * server sent it; or the same record as plain text for people.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"
#include "crypto.h"
#include "export.h"
#include "fhir.h"
#include "fhirtime.h"
#include "http.h"
#include "json.h"
#include "model.h"
#include "results.h"
#include "sanitize.h"
#include "summary.h"
#include "util.h"
#include "visit.h"

#define EXPORT_PAGE		200	/* the most a page holds (portal-api) */
#define EXPORT_TEXT_PAGE	50	/* reports a page, with their results */
#define EXPORT_MAX_PAGES	100000	/* a server whose pages never end */
#define EXPORT_MAX_NOTE		(1024 * 1024)	/* bytes of one note's text */

#define EXPORT_EVERYTHING_URL \
	"http://hl7.org/fhir/OperationDefinition/Patient-everything"

/*
 * The areas searched when the server has no Patient/$everything: every
 * type of the patient's compartment that a portal serves, each with the
 * search parameter that names the patient. AuditEvent (who read the
 * record, sign-ins) is the account's activity, not the record.
 */
static const struct export_area {
	const char	*type;
	const char	*param;
} export_areas[] = {
	{ "AllergyIntolerance", "patient" },
	{ "Condition", "patient" },
	{ "MedicationRequest", "patient" },
	{ "MedicationStatement", "patient" },
	{ "Immunization", "patient" },
	{ "Procedure", "patient" },
	{ "Observation", "patient" },
	{ "DiagnosticReport", "patient" },
	{ "Encounter", "patient" },
	{ "Appointment", "patient" },
	{ "CareTeam", "patient" },
	{ "CarePlan", "patient" },
	{ "Goal", "patient" },
	{ "ServiceRequest", "patient" },
	{ "DocumentReference", "patient" },
	{ "Communication", "subject" },
	{ "QuestionnaireResponse", "subject" },
	{ "Consent", "patient" },
	{ "Task", "patient" },
	{ "RelatedPerson", "patient" },
	{ "Coverage", "beneficiary" },
	{ "Account", "patient" },
	{ "Invoice", "subject" },
};
#define EXPORT_NAREAS	(sizeof export_areas / sizeof export_areas[0])

/* A set of "Type/id" strings: what was written already. */
struct export_set {
	char	**slots;
	size_t	  size;		/* a power of two, or 0 */
	size_t	  n;
};

/* One export under way. */
struct export_run {
	struct fhir			*f;
	const struct export_request	*q;
	FILE				*out;
	char				*base;	/* the FHIR base, no '/' */
	struct export_set		 seen;
	long				 done, total;
	long				 written;
	struct buf			 skipped;
	char				**binaries;	/* "Binary/<id>" */
	size_t				 nbinaries;
	int				 everything;
};

static unsigned long
export_hash(const char *s)
{
	unsigned long	h = 2166136261UL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619UL;
	return h;
}

/* Add key to the set: 1 when it was new, 0 when it was there. */
static int
export_set_add(struct export_set *set, const char *key)
{
	char	**old;
	size_t	  i, oldsize;

	if (set->n * 2 >= set->size) {
		old = set->slots;
		oldsize = set->size;
		set->size = set->size ? set->size * 2 : 1024;
		set->slots = xcalloc(set->size, sizeof *set->slots);
		set->n = 0;
		for (i = 0; i < oldsize; i++) {
			if (old[i] != NULL) {
				export_set_add(set, old[i]);
				free(old[i]);
			}
		}
		free(old);
	}
	i = export_hash(key) & (set->size - 1);
	while (set->slots[i] != NULL) {
		if (strcmp(set->slots[i], key) == 0)
			return 0;
		i = (i + 1) & (set->size - 1);
	}
	set->slots[i] = xstrdup(key);
	set->n++;
	return 1;
}

static int
export_set_has(const struct export_set *set, const char *key)
{
	size_t	i;

	if (set->size == 0)
		return 0;
	i = export_hash(key) & (set->size - 1);
	while (set->slots[i] != NULL) {
		if (strcmp(set->slots[i], key) == 0)
			return 1;
		i = (i + 1) & (set->size - 1);
	}
	return 0;
}

static void
export_set_free(struct export_set *set)
{
	size_t	i;

	for (i = 0; i < set->size; i++)
		free(set->slots[i]);
	free(set->slots);
	memset(set, 0, sizeof *set);
}

int
export_format_parse(const char *s)
{
	if (s != NULL && strcmp(s, "fhir") == 0)
		return EXPORT_FHIR;
	if (s != NULL && strcmp(s, "text") == 0)
		return EXPORT_TEXT;
	return -1;
}

char *
export_default_path(const char *dir, enum export_format format, time_t now)
{
	const char	*ext = format == EXPORT_TEXT ? "txt" : "json";
	struct stat	 sb;
	struct tm	 tm;
	char		 day[16], *path;
	int		 n;

	localtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y-%m-%d", &tm);
	path = xasprintf("%s/chartty-record-%s.%s", dir, day, ext);
	for (n = 2; lstat(path, &sb) == 0 && n < 10000; n++) {
		free(path);
		path = xasprintf("%s/chartty-record-%s-%d.%s", dir, day, n,
		    ext);
	}
	return path;
}

/* n with thousands separators: "1,208". */
static void
export_number(long n, char *buf, size_t len)
{
	char	digits[32];
	size_t	i, j = 0, nd;

	snprintf(digits, sizeof digits, "%ld", n < 0 ? 0 : n);
	nd = strlen(digits);
	for (i = 0; i < nd && j + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = digits[i];
	}
	buf[j] = '\0';
}

void
export_progress_words(long done, long total, char *buf, size_t len)
{
	char	d[32], t[32];

	export_number(done, d, sizeof d);
	if (total < 0) {
		snprintf(buf, len, "Downloading: %s result%s", d,
		    done == 1 ? "" : "s");
		return;
	}
	if (done > total)
		total = done;
	export_number(total, t, sizeof t);
	snprintf(buf, len, "Downloading: %s of %s result%s", d, t,
	    total == 1 ? "" : "s");
}

static void
export_progress(struct export_run *r)
{
	if (r->q->progress != NULL)
		r->q->progress(r->q->arg, r->done, r->total);
}

/* Say what was left out: "Observation: <the portal's sentence>". */
static void
export_skip(struct export_run *r, const char *what, const char *why)
{
	buf_printf(&r->skipped, "%s%s: %s", r->skipped.len ? " " : "", what,
	    why != NULL ? why : "The portal refused it.");
	if (r->skipped.len > 0 && strchr(".!?",
	    r->skipped.data[r->skipped.len - 1]) == NULL)
		buf_addstr(&r->skipped, ".");
}

/* Is a failed answer the server refusing the type (not an error)? */
static int
export_refused(const struct fhir_result *res)
{
	return res->status == 403 || res->status == 404;
}

int
export_has_everything(const struct json *cap)
{
	const struct json	*rest, *res, *ops, *op;
	const char		*s;
	size_t			 i, j, k;

	rest = json_get(cap, "rest");
	for (i = 0; i < json_size(rest); i++) {
		/* A system-wide operation named by its definition. */
		ops = json_get(json_at(rest, i), "operation");
		for (k = 0; k < json_size(ops); k++) {
			s = json_gets(json_at(ops, k), "definition");
			if (s != NULL && strncmp(s, EXPORT_EVERYTHING_URL,
			    strlen(EXPORT_EVERYTHING_URL)) == 0)
				return 1;
		}
		res = json_get(json_at(rest, i), "resource");
		for (j = 0; j < json_size(res); j++) {
			s = json_gets(json_at(res, j), "type");
			if (s == NULL || strcmp(s, "Patient") != 0)
				continue;
			ops = json_get(json_at(res, j), "operation");
			for (k = 0; k < json_size(ops); k++) {
				op = json_at(ops, k);
				s = json_gets(op, "name");
				if (s != NULL && (strcmp(s, "everything") ==
				    0 || strcmp(s, "$everything") == 0))
					return 1;
				s = json_gets(op, "definition");
				if (s != NULL && strncmp(s,
				    EXPORT_EVERYTHING_URL,
				    strlen(EXPORT_EVERYTHING_URL)) == 0)
					return 1;
			}
		}
	}
	return 0;
}

/*
 * Does the CapabilityStatement serve type? Yes when it lists it, and
 * when it lists no types at all (or could not be read): then the server
 * is asked, and a refusal is said.
 */
static int
export_served(const struct json *cap, const char *type)
{
	const struct json	*rest, *res;
	const char		*s;
	size_t			 i, j;
	int			 listed = 0;

	rest = json_get(cap, "rest");
	for (i = 0; i < json_size(rest); i++) {
		res = json_get(json_at(rest, i), "resource");
		for (j = 0; j < json_size(res); j++) {
			listed = 1;
			s = json_gets(json_at(res, j), "type");
			if (s != NULL && strcmp(s, type) == 0)
				return 1;
		}
	}
	return !listed;
}

/* Write s as a JSON string. */
static void
export_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* A resource type as FHIR spells them: a capital, then letters. */
static int
export_type_ok(const char *type)
{
	const char	*p;

	if (type == NULL || !isupper((unsigned char)*type))
		return 0;
	for (p = type; *p != '\0'; p++) {
		if (!isalpha((unsigned char)*p))
			return 0;
	}
	return p - type < 64;
}

/* Remember a Binary an attachment points to, when it is on this portal. */
static void
export_binary(struct export_run *r, const struct json *att)
{
	const char	*url = json_gets(att, "url");
	char		*ref;
	size_t		 n = strlen(r->base), i;

	if (url == NULL)
		return;
	if ((strncmp(url, "http://", 7) == 0 || strncmp(url, "https://",
	    8) == 0) && (strncmp(url, r->base, n) != 0 || url[n] != '/'))
		return;		/* another server's: not followed */
	if ((ref = fhir_ref_local(url)) == NULL)
		return;
	if (strncmp(ref, "Binary/", 7) != 0) {
		free(ref);
		return;
	}
	for (i = 0; i < r->nbinaries; i++) {
		if (strcmp(r->binaries[i], ref) == 0) {
			free(ref);
			return;
		}
	}
	r->binaries = xrealloc(r->binaries, (r->nbinaries + 1) *
	    sizeof *r->binaries);
	r->binaries[r->nbinaries++] = ref;
}

/* The Binaries a document or a message holds. */
static void
export_attachments(struct export_run *r, const char *type,
    const struct json *j)
{
	const struct json	*list;
	size_t			 i;

	if (strcmp(type, "DocumentReference") == 0) {
		list = json_get(j, "content");
		for (i = 0; i < json_size(list); i++)
			export_binary(r, json_get(json_at(list, i),
			    "attachment"));
	} else if (strcmp(type, "Communication") == 0) {
		list = json_get(j, "payload");
		for (i = 0; i < json_size(list); i++)
			export_binary(r, json_get(json_at(list, i),
			    "contentAttachment"));
	}
}

/*
 * Write one resource j as an entry, its text raw (n bytes, as sent) or,
 * when raw is NULL, as printed. Resources already written are not
 * written again.
 */
static void
export_entry(struct export_run *r, const struct json *j, const char *raw,
    size_t n)
{
	const char	*type = json_gets(j, "resourceType");
	const char	*id = json_gets(j, "id");
	char		*key, *path, *text;

	if (!export_type_ok(type) || strcmp(type, "OperationOutcome") == 0)
		return;
	r->done++;
	if (id != NULL && *id != '\0') {
		key = xasprintf("%s/%s", type, id);
		if (!export_set_add(&r->seen, key)) {
			free(key);
			return;
		}
		free(key);
	}
	fputs(r->written > 0 ? ",\n" : "\n", r->out);
	fputs("{", r->out);
	if (id != NULL && *id != '\0') {
		path = fhir_path(type, id, NULL);
		key = xasprintf("%s/%s", r->base, path);
		fputs("\"fullUrl\":", r->out);
		export_json_string(r->out, key);
		fputs(",", r->out);
		free(key);
		free(path);
	}
	fputs("\"resource\":", r->out);
	if (raw != NULL)
		fwrite(raw, 1, n, r->out);
	else {
		text = json_print(j);
		fputs(text, r->out);
		secret_free(text);
	}
	fputs("}", r->out);
	r->written++;
	export_attachments(r, type, j);
}

/* Write a resource answered whole (a read): its text as sent. */
static void
export_whole(struct export_run *r, const struct fhir_result *res)
{
	const char	*s = res->raw;
	size_t		 n = res->raw_len;

	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	export_entry(r, res->body, s != NULL && n > 0 ? s : NULL, n);
}

/* Write the entries of a searchset page, each as sent where it can. */
static void
export_page(struct export_run *r, const struct fhir_result *res)
{
	const struct json	*e;
	size_t			 i, n = fhir_bundle_count(res->body);
	size_t			*spans = NULL;
	long			 ns = -1;
	const char		*mode;

	if (res->raw != NULL)
		ns = json_spans(res->raw, res->raw_len, "entry", "resource",
		    &spans);
	for (i = 0; i < n; i++) {
		e = json_at(json_get(res->body, "entry"), i);
		mode = json_gets(json_get(e, "search"), "mode");
		if (mode != NULL && strcmp(mode, "outcome") == 0)
			continue;
		if (json_get(e, "resource") == NULL)
			continue;
		if (ns == (long)n && spans[2 * i + 1] > spans[2 * i])
			export_entry(r, json_get(e, "resource"), res->raw +
			    spans[2 * i], spans[2 * i + 1] - spans[2 * i]);
		else
			export_entry(r, json_get(e, "resource"), NULL, 0);
	}
	free(spans);
	export_progress(r);
}

/*
 * The next page's url (a new string) into *next, NULL at the end. -1
 * with *cause when the next page is on another server.
 */
static int
export_next(struct export_run *r, const struct json *bundle, char **next,
    char **cause)
{
	*next = fhir_link(r->f, bundle, "next");
	if (*next == NULL && fhir_link_elsewhere(r->f, bundle, "next")) {
		*cause = xstrdup(FHIR_ELSEWHERE);
		return -1;
	}
	return 0;
}

/*
 * Go on to next (taken; NULL: the end) from *url (freed): 0, or -1 with
 * *cause when the pages go round or never end.
 */
static int
export_advance(char **url, char *next, int pages, char **cause)
{
	if (next != NULL && (strcmp(next, *url) == 0 ||
	    pages >= EXPORT_MAX_PAGES)) {
		free(next);
		free(*url);
		*url = NULL;
		*cause = xstrdup("The portal's pages did not come to an end.");
		return -1;
	}
	free(*url);
	*url = next;
	return 0;
}

/*
 * Every page of the search first: 0; 1 when the first answer was an
 * error status (nothing written; *first_status the status, *why its
 * sentence); or -1 with *cause.
 */
static int
export_pages(struct export_run *r, const char *first, long *first_status,
    char **why, char **cause)
{
	struct fhir_result	 res;
	char			*url = xstrdup(first), *next;
	int			 pages = 0;

	*first_status = 0;
	while (url != NULL) {
		if (fhir_get_raw(r->f, url, &res, cause) != 0) {
			free(url);
			if (pages == 0 && res.status != 0) {
				*first_status = res.status;
				*why = *cause;
				*cause = NULL;
				fhir_result_free(&res);
				return 1;
			}
			fhir_result_free(&res);
			return -1;
		}
		if (pages++ == 0 && r->everything)
			r->total = fhir_bundle_total(res.body);
		export_page(r, &res);
		if (export_next(r, res.body, &next, cause) != 0) {
			fhir_result_free(&res);
			free(url);
			return -1;
		}
		fhir_result_free(&res);
		if (export_advance(&url, next, pages, cause) != 0)
			return -1;
	}
	return 0;
}

/* Patient/$everything: 0, 1 when the server would not (nothing was
 * written), or -1 with *cause. */
static int
export_everything(struct export_run *r, char **cause)
{
	char	*path, *first, *why = NULL;
	long	 status;
	int	 rc;

	path = fhir_path("Patient", r->q->patient, "$everything");
	first = fhir_query(path, "_count", FHIR_NUM(EXPORT_PAGE), NULL);
	free(path);
	r->everything = 1;
	rc = export_pages(r, first, &status, &why, cause);
	free(first);
	free(why);
	if (rc == 1 && status == 401) {
		*cause = xstrdup(fhir_status_sentence(401));
		return -1;
	}
	if (rc == 1)
		r->everything = 0;
	return rc;
}

/*
 * Read one resource whole (the patient, a Binary) as an entry. One the
 * portal refuses, or too large to fetch, is left out and said.
 */
static int
export_read(struct export_run *r, const char *path, const char *what,
    char **cause)
{
	struct fhir_result	res;

	if (fhir_get_raw(r->f, path, &res, cause) != 0) {
		if (export_refused(&res) || res.net_error ==
		    HTTP_ERR_TOO_BIG) {
			export_skip(r, what, *cause);
			free(*cause);
			*cause = NULL;
			fhir_result_free(&res);
			return 0;
		}
		fhir_result_free(&res);
		return -1;
	}
	export_whole(r, &res);
	fhir_result_free(&res);
	export_progress(r);
	return 0;
}

/*
 * Every area's search, paged to the end, after one batch that counts
 * them (for the progress line, and to learn which the server refuses).
 */
static int
export_searches(struct export_run *r, const struct json *cap, char **cause)
{
	struct fhir_result	 res;
	const struct json	*b;
	const struct export_area *a;
	char			*urls[EXPORT_NAREAS], *ref, *why, *first;
	long			 count[EXPORT_NAREAS], status;
	size_t			 idx[EXPORT_NAREAS], n = 0, i;
	int			 refused[EXPORT_NAREAS], rc, counted;

	ref = fhir_ref("Patient", r->q->patient);
	for (i = 0; i < EXPORT_NAREAS; i++) {
		if (!export_served(cap, export_areas[i].type))
			continue;
		idx[n] = i;
		urls[n++] = fhir_query(export_areas[i].type,
		    export_areas[i].param, ref, "_summary", "count", NULL);
	}
	memset(refused, 0, sizeof refused);
	r->total = 1;		/* the Patient */
	memset(&res, 0, sizeof res);
	rc = n > 0 ? fhir_batch(r->f, (const char *const *)urls, n, &res,
	    cause) : -1;
	if (n == 0)
		*cause = xstrdup("Nothing to count.");
	for (i = 0; i < n; i++)
		free(urls[i]);
	counted = rc == 0;
	if (rc != 0 && res.status == 0) {
		fhir_result_free(&res);
		free(ref);
		return -1;	/* the network, not the server's choice */
	}
	if (rc != 0) {
		fhir_result_free(&res);
		free(*cause);	/* no batch here: every area is asked */
		*cause = NULL;
	}
	for (i = 0; i < n; i++) {
		count[i] = -1;
		if (!counted)
			continue;
		why = NULL;
		b = fhir_batch_entry(res.body, i, &status, &why);
		if (b != NULL)
			count[i] = fhir_bundle_total(b);
		else if (status == 403 || status == 404) {
			refused[i] = 1;
			export_skip(r, export_areas[idx[i]].type, why);
		}
		free(why);
	}
	if (counted)
		fhir_result_free(&res);
	for (i = 0; i < n; i++) {
		if (refused[i])
			continue;
		if (count[i] < 0)
			r->total = -1;
		else if (r->total >= 0)
			r->total += count[i];
	}
	export_progress(r);

	first = fhir_path("Patient", r->q->patient, NULL);
	rc = export_read(r, first, "Patient", cause);
	free(first);
	for (i = 0; rc == 0 && i < n; i++) {
		if (refused[i])
			continue;
		a = &export_areas[idx[i]];
		first = fhir_query(a->type, a->param, ref, "_count",
		    FHIR_NUM(EXPORT_PAGE), NULL);
		why = NULL;
		rc = export_pages(r, first, &status, &why, cause);
		free(first);
		if (rc == 1 && (status == 403 || status == 404)) {
			export_skip(r, a->type, why);
			if (r->total >= 0 && count[i] >= 0)
				r->total -= count[i];
			rc = 0;
		} else if (rc == 1) {
			*cause = why;	/* the server failed, not refused */
			why = NULL;
			rc = -1;
		}
		free(why);
	}
	free(ref);
	return rc;
}

/* The documents and attachments the record's resources point to. */
static int
export_binaries(struct export_run *r, char **cause)
{
	size_t	i;
	int	rc = 0;

	if (r->total >= 0)
		r->total += (long)r->nbinaries;
	for (i = 0; rc == 0 && i < r->nbinaries; i++) {
		if (export_set_has(&r->seen, r->binaries[i])) {
			r->done++;
			continue;
		}
		rc = export_read(r, r->binaries[i], r->binaries[i], cause);
	}
	return rc;
}

/* The Bundle: the CapabilityStatement decides where the record comes
 * from. */
static int
export_fhir(struct export_run *r, char **cause)
{
	struct fhir_result	 res;
	struct json		*cap = NULL;
	char			 stamp[32];
	time_t			 now = time(NULL);
	struct tm		 tm;
	int			 rc = 1;

	if (fhir_read(r->f, "metadata", NULL, &res, cause) != 0) {
		if (res.status == 0) {
			fhir_result_free(&res);
			return -1;
		}
		free(*cause);	/* no statement: every area is asked */
		*cause = NULL;
	} else {
		cap = res.body;
		res.body = NULL;
	}
	fhir_result_free(&res);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fprintf(r->out, "{\"resourceType\":\"Bundle\",\"type\":\"collection\","
	    "\"timestamp\":\"%s\",\"entry\":[", stamp);
	if (cap != NULL && export_has_everything(cap))
		rc = export_everything(r, cause);
	if (rc == 1)
		rc = export_searches(r, cap, cause);
	json_free(cap);
	if (rc == 0)
		rc = export_binaries(r, cause);
	if (rc == 0)
		fputs("\n]}\n", r->out);
	return rc;
}

/* ---- The text form ---- */

/* A line of text as sanitized lines (line breaks kept), with a newline. */
static void
export_lines(FILE *out, const char *prefix, const char *text)
{
	char	*clean = sanitize_str(text, SANITIZE_MULTILINE), *p;
	size_t	 n;

	/* Blank lines only between paragraphs, none at the ends. */
	for (p = clean; *p == '\n'; p++)
		;
	n = strlen(p);
	while (n > 0 && p[n - 1] == '\n')
		n--;
	fprintf(out, "%s%.*s\n", prefix, (int)n, p);
	free(clean);
}

/* Count the records of the text's searches, for the progress line. */
static void
export_text_count(struct export_run *r, char *const *queries, size_t n)
{
	struct fhir_result	 res;
	const struct json	*b;
	char			*urls[8], *cause = NULL;
	long			 status, t;
	size_t			 i;

	for (i = 0; i < n; i++)
		urls[i] = fhir_query(queries[i], "_summary", "count", NULL);
	r->total = 0;
	if (fhir_batch_take(r->f, urls, n, &res, &cause) != 0) {
		free(cause);
		r->total = -1;
		return;
	}
	for (i = 0; i < n; i++) {
		b = fhir_batch_entry(res.body, i, &status, NULL);
		t = b != NULL ? fhir_bundle_total(b) : -1;
		if (b != NULL && t < 0)
			r->total = -1;
		else if (r->total >= 0 && t > 0)
			r->total += t;
	}
	fhir_result_free(&res);
}

/*
 * Every page of the search first, each page's bundle handed to fn: 0,
 * or -1 with *cause. A first answer refusing the search (403, 404) is
 * said as "Not shown" and noted under what; it is no failure.
 */
static int
export_text_pages(struct export_run *r, const char *first, const char *what,
    int (*fn)(struct export_run *, const struct json *, char **),
    char **cause)
{
	struct fhir_result	 res;
	char			*url = xstrdup(first), *next;
	int			 pages = 0;

	while (url != NULL) {
		if (fhir_request(r->f, "GET", url, NULL, NULL, &res,
		    cause) != 0) {
			free(url);
			if (pages == 0 && export_refused(&res)) {
				fprintf(r->out, "Not shown: %s\n", *cause);
				export_skip(r, what, *cause);
				free(*cause);
				*cause = NULL;
				fhir_result_free(&res);
				return 0;
			}
			fhir_result_free(&res);
			return -1;
		}
		pages++;
		if (fn(r, res.body, cause) != 0 || export_next(r, res.body,
		    &next, cause) != 0) {
			fhir_result_free(&res);
			free(url);
			return -1;
		}
		fhir_result_free(&res);
		export_progress(r);
		if (export_advance(&url, next, pages, cause) != 0)
			return -1;
	}
	return 0;
}

/* A page of reports with their results. */
static int
export_text_reports(struct export_run *r, const struct json *bundle,
    char **cause)
{
	struct arena			*a = arena_create();
	struct results_page		 page;
	const struct report		*rep;
	const struct observation	*o;
	size_t				 i, k;
	int				 abnormal;

	results_page_parse(a, bundle, &page);
	for (i = 0; i < page.nreports; i++) {
		rep = &page.reports[i];
		r->done++;
		fprintf(r->out, "\nReport: %s: %s\n", rep->name ? rep->name :
		    "Unnamed report", results_report_line(a, &page, rep,
		    &abnormal));
		for (k = 0; k < rep->nresults; k++) {
			if ((o = results_find(&page, rep->results[k])) == NULL)
				continue;
			fprintf(r->out, "- %s: %s\n", o->name ? o->name :
			    "Unnamed result", results_obs_line(a, o));
		}
		if (rep->conclusion != NULL)
			export_lines(r->out, "Conclusion: ", rep->conclusion);
		if (rep->narrative != NULL) {
			fprintf(r->out, "Written report:\n");
			export_lines(r->out, "", rep->narrative);
		}
	}
	arena_free(a);
	return 0;
}

/* A page of visits. */
static int
export_text_visits(struct export_run *r, const struct json *bundle,
    char **cause)
{
	struct arena	*a = arena_create();
	struct visit	 v;
	char		 when[64];
	size_t		 i;

	for (i = 0; i < fhir_bundle_count(bundle); i++) {
		if (visit_parse(a, fhir_bundle_resource(bundle, i), &v) != 0)
			continue;
		r->done++;
		fhir_time_format(&v.start, when, sizeof when);
		fprintf(r->out, "- %s: %s", when[0] ? when : "No date",
		    v.type ? v.type : "Visit");
		if (v.clinician != NULL)
			fprintf(r->out, " with %s", v.clinician);
		if (v.place != NULL)
			fprintf(r->out, " at %s", v.place);
		fprintf(r->out, ". %s.", visit_status_words(v.status));
		if (v.reason != NULL)
			fprintf(r->out, " Reason: %s.", v.reason);
		if (v.cancel_reason != NULL)
			fprintf(r->out, " Why cancelled: %s.", v.cancel_reason);
		fputc('\n', r->out);
	}
	arena_free(a);
	return 0;
}

/* A file's type in words. */
static const char *
export_file_kind(const char *type)
{
	if (type == NULL)
		return "a file";
	if (strncmp(type, "application/pdf", 15) == 0)
		return "a PDF document";
	if (strncmp(type, "image/", 6) == 0)
		return "an image";
	if (strncmp(type, "text/", 5) == 0)
		return "a text file";
	return "a file";
}

/* The text of a text/plain attachment: inline, or its Binary read. */
static char *
export_note_text(struct export_run *r, const struct json *att,
    size_t *len)
{
	struct fhir_result	 res;
	const char		*data = json_gets(att, "data");
	const char		*url = json_gets(att, "url");
	char			*bytes = NULL, *ref = NULL, *cause = NULL;

	if (data == NULL && url != NULL && (ref = fhir_ref_local(url)) !=
	    NULL && strncmp(ref, "Binary/", 7) == 0 &&
	    (strncmp(url, "http", 4) != 0 || strncmp(url, r->base,
	    strlen(r->base)) == 0)) {
		if (fhir_read(r->f, ref, NULL, &res, &cause) == 0 &&
		    (data = json_gets(res.body, "data")) != NULL)
			bytes = crypto_base64_decode(data, len);
		free(cause);
		fhir_result_free(&res);
	} else if (data != NULL)
		bytes = crypto_base64_decode(data, len);
	free(ref);
	if (bytes != NULL && *len > EXPORT_MAX_NOTE) {
		/* Do not cut a UTF-8 sequence in half. */
		*len = EXPORT_MAX_NOTE;
		while (*len > 0 && ((unsigned char)bytes[*len] & 0xc0) == 0x80)
			(*len)--;
	}
	return bytes;
}

/* A page of documents: their text, or what they are. */
static int
export_text_notes(struct export_run *r, const struct json *bundle,
    char **cause)
{
	struct arena		*a = arena_create();
	const struct json	*d, *content, *att;
	struct attachment	 at;
	struct fhir_time	 t;
	char			 when[64], *bytes, *clean;
	const char		*title, *author;
	size_t			 i, k, len;

	for (i = 0; i < fhir_bundle_count(bundle); i++) {
		d = fhir_bundle_resource(bundle, i);
		if (json_gets(d, "resourceType") == NULL ||
		    strcmp(json_gets(d, "resourceType"),
		    "DocumentReference") != 0)
			continue;
		r->done++;
		content = json_get(d, "content");
		memset(&at, 0, sizeof at);
		model_attachment(a, json_get(json_at(content, 0),
		    "attachment"), &at);
		if ((title = model_str(a, d, "description")) == NULL &&
		    (title = model_concept(a, json_get(d, "type"))) == NULL &&
		    (title = at.title) == NULL)
			title = "Document";
		fhir_time_parse(json_gets(d, "date"), &t);
		fhir_date_format(&t, when, sizeof when);
		author = model_str(a, json_at(json_get(d, "author"), 0),
		    "display");
		fprintf(r->out, "\n%s: %s", at.type != NULL &&
		    strncmp(at.type, "text/plain", 10) == 0 ? "Note" :
		    "Document", title);
		if (when[0] != '\0')
			fprintf(r->out, ", %s", when);
		if (author != NULL)
			fprintf(r->out, ", by %s", author);
		fputc('\n', r->out);
		for (k = 0; k < json_size(content); k++) {
			att = json_get(json_at(content, k), "attachment");
			model_attachment(a, att, &at);
			if (at.type != NULL && strncmp(at.type, "text/plain",
			    10) == 0 && (bytes = export_note_text(r, att,
			    &len)) != NULL) {
				clean = sanitize(bytes, len,
				    SANITIZE_MULTILINE);
				secure_wipe(bytes, len);
				free(bytes);
				export_lines(r->out, "", clean);
				free(clean);
				continue;
			}
			fprintf(r->out, "Attached: %s, %s, not included in "
			    "this text.\n", at.title ? at.title : "a file "
			    "without a name", export_file_kind(at.type));
		}
	}
	arena_free(a);
	return 0;
}

/* The text: the wallet card, then results, visits and notes. */
static int
export_text(struct export_run *r, char **cause)
{
	char	*ref, *queries[4], *first, now[32], *ge, *lt;
	size_t	 i;
	int	 rc;

	ref = fhir_ref("Patient", r->q->patient);
	visit_instant_write(time(NULL), now, sizeof now);
	ge = xasprintf("ge%s", now);
	lt = xasprintf("lt%s", now);
	queries[0] = fhir_query("DiagnosticReport", "patient", ref, NULL);
	queries[1] = fhir_query("Appointment", "patient", ref, "date", ge,
	    NULL);
	queries[2] = fhir_query("Appointment", "patient", ref, "date", lt,
	    NULL);
	queries[3] = fhir_query("DocumentReference", "patient", ref, NULL);
	export_text_count(r, queries, 4);
	export_progress(r);
	fprintf(r->out, "The record of %s: the health summary, then test "
	    "results, visits and notes.\n\n", r->q->whose ? r->q->whose :
	    "this patient");
	rc = summary_write_text(r->f, r->q->patient, r->q->whose,
	    r->q->from, r->out, cause);

	if (rc == 0) {
		fprintf(r->out, "\nTest results, newest first\n");
		first = fhir_query("DiagnosticReport?_sort=-date&_count="
		    FHIR_NUM(EXPORT_TEXT_PAGE)
		    "&_include=DiagnosticReport:result", "patient", ref, NULL);
		rc = export_text_pages(r, first, "Test results",
		    export_text_reports, cause);
		free(first);
	}
	if (rc == 0) {
		fprintf(r->out, "\nUpcoming visits, soonest first\n");
		first = fhir_query("Appointment?_sort=date&_count="
		    FHIR_NUM(EXPORT_PAGE), "patient", ref, "date", ge, NULL);
		rc = export_text_pages(r, first, "Upcoming visits",
		    export_text_visits, cause);
		free(first);
	}
	if (rc == 0) {
		fprintf(r->out, "\nPast visits, newest first\n");
		first = fhir_query("Appointment?_sort=-date&_count="
		    FHIR_NUM(EXPORT_PAGE), "patient", ref, "date", lt, NULL);
		rc = export_text_pages(r, first, "Past visits",
		    export_text_visits, cause);
		free(first);
	}
	if (rc == 0) {
		fprintf(r->out, "\nNotes and documents, newest first\n");
		first = fhir_query("DocumentReference?_sort=-date&_count="
		    FHIR_NUM(EXPORT_TEXT_PAGE), "patient", ref, NULL);
		rc = export_text_pages(r, first, "Notes",
		    export_text_notes, cause);
		free(first);
	}
	if (rc == 0)
		fprintf(r->out, "\nEnd of the record.\n");
	for (i = 0; i < 4; i++)
		free(queries[i]);
	free(ge);
	free(lt);
	free(ref);
	return rc;
}

int
export_run(struct fhir *f, const struct export_request *q,
    struct export_result *res, char **cause)
{
	struct export_run	 r;
	size_t			 i, n;
	int			 fd, rc, was;

	memset(res, 0, sizeof *res);
	memset(&r, 0, sizeof r);
	if ((fd = attach_create(q->path, cause)) == -1)
		return -1;
	if (q->partial != NULL)
		*q->partial = q->path;
	if ((r.out = fdopen(fd, "w")) == NULL)
		fatal("out of memory");
	r.f = f;
	r.q = q;
	r.total = -1;
	r.base = xstrdup(fhir_base(f));
	n = strlen(r.base);
	while (n > 0 && r.base[n - 1] == '/')
		r.base[--n] = '\0';
	buf_init(&r.skipped, 64 * 1024);
	/* Progress is shown: each page gets a download's deadline. */
	was = fhir_set_download(f, 1);
	rc = q->format == EXPORT_TEXT ? export_text(&r, cause) :
	    export_fhir(&r, cause);
	fhir_set_download(f, was);
	if (rc == 0 && (fflush(r.out) != 0 || ferror(r.out))) {
		*cause = xasprintf("Writing %s failed: %s.", q->path,
		    strerror(errno));
		rc = -1;
	}
	if (fclose(r.out) != 0 && rc == 0) {
		*cause = xasprintf("Writing %s failed: %s.", q->path,
		    strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(q->path);	/* never a part of a record */
	if (q->partial != NULL)
		*q->partial = NULL;
	if (rc == 0) {
		res->records = q->format == EXPORT_TEXT ? r.done : r.written;
		res->everything = r.everything;
		res->skipped = r.skipped.len ? buf_take(&r.skipped) : NULL;
		/* The last word: all of it. */
		if (q->progress != NULL)
			q->progress(q->arg, r.done, r.done);
	}
	buf_free(&r.skipped, 0);
	export_set_free(&r.seen);
	for (i = 0; i < r.nbinaries; i++)
		free(r.binaries[i]);
	free(r.binaries);
	free(r.base);
	return rc;
}

void
export_result_free(struct export_result *res)
{
	free(res->skipped);
	memset(res, 0, sizeof *res);
}
