/* Visit notes (include/notes.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "notes.h"
#include "sanitize.h"
#include "util.h"

#define NOTES_TEXT_MAX	(512 * 1024)	/* what is shown of one note */

/* base64 text as clean lines for the terminal, or NULL. */
static char *
notes_decode(struct arena *a, const char *b64)
{
	char	*raw, *clean;
	size_t	 len;

	if (b64 == NULL || (raw = crypto_base64_decode(b64, &len)) == NULL)
		return NULL;
	if (len > NOTES_TEXT_MAX)
		raw[NOTES_TEXT_MAX] = '\0';
	clean = sanitize_str(raw, SANITIZE_MULTILINE);
	free(raw);
	return arena_own(a, clean);
}

/* Is the content type plain text (charset or not)? */
static int
notes_plain(const char *type)
{
	return type != NULL && strncmp(type, "text/plain", 10) == 0;
}

static int
notes_parse(struct arena *a, const struct json *j, struct note *n)
{
	const struct json	*content = json_get(j, "content"), *att;
	size_t			 i, k;

	memset(n, 0, sizeof *n);
	if (json_gets(j, "resourceType") == NULL ||
	    strcmp(json_gets(j, "resourceType"), "DocumentReference") != 0)
		return -1;
	n->kind = model_concept(a, json_get(j, "type"));
	n->title = model_str(a, j, "description");
	if (n->title == NULL)
		n->title = n->kind ? n->kind : "Clinical note";
	n->author = model_str(a, json_at(json_get(j, "author"), 0),
	    "display");
	fhir_time_parse(json_gets(j, "date"), &n->date);
	if (n->date.precision == FHIR_TIME_NONE)
		fhir_time_parse(json_gets(json_get(json_get(j, "context"),
		    "period"), "start"), &n->date);
	n->files = arena_alloc(a, (json_size(content) + 1) *
	    sizeof *n->files);
	for (i = 0; i < json_size(content); i++) {
		att = json_get(json_at(content, i), "attachment");
		if (att == NULL)
			continue;
		k = n->nfiles;
		model_attachment(a, att, &n->files[k]);
		if (notes_plain(n->files[k].type) && n->text == NULL &&
		    n->text_at == NULL) {
			/* The text to show: here, or at its address. */
			if (n->files[k].data != NULL)
				n->text = notes_decode(a, n->files[k].data);
			else if (n->files[k].url != NULL) {
				/* Its own copy: files[k] is the next one's. */
				struct attachment *t = arena_alloc(a,
				    sizeof *t);

				*t = n->files[k];
				n->text_at = t;
			}
			memset(&n->files[k], 0, sizeof n->files[k]);
			continue;
		}
		if (n->files[k].title == NULL)
			n->files[k].title = arena_strdup(a, strcmp(
			    n->files[k].type ? n->files[k].type : "",
			    "application/pdf") == 0 ? "note.pdf" : "note");
		n->nfiles++;
	}
	return 0;
}

int
notes_load(struct fhir *f, const char *patient, struct arena **ap,
    struct note **out, size_t *np, char **cause)
{
	struct fhir_result	 res;
	struct arena		*a;
	char			*q;
	size_t			 i, n;
	int			 rc;

	q = fhir_query("DocumentReference?category=clinical-note&_sort=-date"
	    "&_count=" FHIR_NUM(NOTES_MAX), "patient", patient, NULL);
	rc = fhir_request(f, "GET", q, NULL, NULL, &res, cause);
	free(q);
	if (rc != 0) {
		fhir_result_free(&res);
		return -1;
	}
	a = arena_create();
	n = fhir_bundle_count(res.body);
	if (n > NOTES_MAX)
		n = NOTES_MAX;
	*out = arena_alloc(a, (n + 1) * sizeof **out);
	*np = 0;
	for (i = 0; i < n; i++) {
		if (notes_parse(a, fhir_bundle_resource(res.body, i),
		    &(*out)[*np]) == 0)
			(*np)++;
	}
	fhir_result_free(&res);
	*ap = a;
	return 0;
}

int
notes_fetch_text(struct fhir *f, struct arena *a, struct note *n,
    char **cause)
{
	struct fhir_result	 res;

	if (n->text != NULL || n->text_at == NULL)
		return 0;
	if (fhir_read(f, n->text_at->url, NULL, &res, cause) != 0) {
		fhir_result_free(&res);
		return -1;
	}
	n->text = notes_decode(a, json_gets(res.body, "data"));
	fhir_result_free(&res);
	if (n->text == NULL) {
		*cause = xstrdup("The note's text arrived damaged.");
		return -1;
	}
	n->text_at = NULL;
	return 0;
}
