/*
 * FHIR R4 REST for one portal: reads, searches with paging, batches,
 * idempotent creates, guarded updates and operations. A 401 gets one
 * token refresh and one retry.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "evloop.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "kept.h"
#include "model.h"
#include "url.h"
#include "util.h"

#define FHIR_JSON	"application/fhir+json"
#define FHIR_MAX_HEADERS 8

struct fhir_cap {
	char		type[48];
	unsigned int	can;
};

struct fhir {
	struct http	*http;
	char		*root;
	char		*base;
	char		*token;
	int		(*refresh)(void *, char **);
	void		*refresh_arg;
	/* The CapabilityStatement: what each type allows (FHIR_CAN_*). */
	struct fhir_cap	*caps;
	size_t		 ncaps;
	int		 caps_known;
	char		*caps_etag;
	time_t		 caps_fetched;	/* when the server last answered */
	long		 caps_max_age;	/* how long it said to keep them */
	char		*cache_dir;	/* where caps are kept, or NULL */
	int		 no_extras;	/* not a portal: no urn:chartty: */
	int		 no_elements;	/* searches refused _elements */
	/* What was read, kept between starts (borrowed; NULL: nothing
	 * kept), and whether the portal is known to be out of reach. */
	struct kept	*kept;
	int		 offline;
	time_t		 as_of;		/* the oldest kept answer shown */
	int		 download;	/* requests get the longer deadline */
};

#define FHIR_OFFLINE	"The portal cannot be reached, so nothing can be " \
	"changed now."
#define FHIR_NOT_KEPT	"This was not kept from an earlier visit, and the " \
	"portal cannot be reached."

struct fhir *
fhir_create(struct http *http, const char *root, const char *base)
{
	struct fhir	*f = xcalloc(1, sizeof *f);

	f->http = http;
	f->root = xstrdup(root);
	f->base = xstrdup(base);
	return f;
}

void
fhir_free(struct fhir *f)
{
	if (f == NULL)
		return;
	free(f->root);
	free(f->base);
	free(f->caps);
	free(f->caps_etag);
	free(f->cache_dir);
	secret_free(f->token);
	free(f);
}

void
fhir_set_token(struct fhir *f, const char *token)
{
	secret_free(f->token);
	f->token = xstrdup(token);
}

void
fhir_set_refresh(struct fhir *f, int (*hook)(void *, char **), void *arg)
{
	f->refresh = hook;
	f->refresh_arg = arg;
}

void
fhir_set_kept(struct fhir *f, struct kept *kept)
{
	f->kept = kept;
}

void
fhir_set_offline(struct fhir *f, int offline)
{
	f->offline = offline;
}

int
fhir_set_download(struct fhir *f, int on)
{
	int	was = f->download;

	f->download = on;
	return was;
}

time_t
fhir_take_as_of(struct fhir *f)
{
	time_t	at = f->as_of;

	f->as_of = 0;
	return at;
}

const char *
fhir_base(const struct fhir *f)
{
	return f->base;
}

void
fhir_result_free(struct fhir_result *r)
{
	if (r == NULL)
		return;
	json_free(r->body);
	if (r->raw != NULL)
		secure_wipe(r->raw, r->raw_len);
	free(r->raw);
	free(r->etag);
	free(r->location);
	memset(r, 0, sizeof *r);
	r->retry_after = r->max_age = -1;
}

const char *
fhir_status_sentence(long status)
{
	switch (status) {
	case 400:
		return "The portal could not accept this request.";
	case 401:
		return "Your session has expired. Please sign in again.";
	case 403:
		return "You do not have access to this.";
	case 404:
		return "This could not be found. It may have been removed.";
	case 409:
		return "This conflicts with a change made meanwhile. "
		    "Reload and try again.";
	case 410:
		return "This has been removed.";
	case 412:
		return "Someone changed this since you opened it. "
		    "Reload it, check it and try again.";
	case 422:
		return "The portal could not accept what was entered.";
	case 428:
		return "The portal needs to know which version is being "
		    "changed. Reload and try again.";
	case 429:
		return "The portal is busy. Try again in a few minutes.";
	case 503:
		return "The portal is down for maintenance. Try again later.";
	default:
		if (status >= 500)
			return "The portal had a problem. Try again later.";
		if (status >= 300 && status < 400)
			return HTTP_REDIRECTED;
		return "The portal gave an answer chartty does not understand.";
	}
}

/* Is url (absolute) inside the FHIR base or server root? */
static int
fhir_url_ours(const struct fhir *f, const char *url)
{
	size_t	n = strlen(f->root);

	return strncmp(url, f->root, n) == 0 &&
	    (url[n] == '/' || url[n] == '?' || url[n] == '\0');
}

/*
 * url as this server takes it: without "_elements=..." where the server
 * refused it (the search then answers whole resources, which the parsers
 * read the same).
 */
static char *
fhir_asked(const struct fhir *f, const char *url)
{
	const char	*q = strchr(url, '?'), *p, *end;
	char		*out;

	if (!f->no_elements || q == NULL)
		return xstrdup(url);
	for (p = q + 1; p != NULL && *p != '\0';
	    p = (end = strchr(p, '&')) ? end + 1 : NULL) {
		if (strncmp(p, "_elements=", 10) != 0)
			continue;
		end = strchr(p, '&');
		/* Drop the parameter with one of the separators around it. */
		if (end != NULL)
			out = xasprintf("%.*s%s", (int)(p - url), url, end + 1);
		else
			out = xasprintf("%.*s", (int)(p - url - 1), url);
		return out;
	}
	return xstrdup(url);
}

/* Does this answer (or batch entry) refuse the _elements parameter? */
static int
fhir_refuses_elements(long status, const struct json *outcome)
{
	char	*text;
	int	 refused;

	if (status != 400 || outcome == NULL)
		return 0;
	text = model_outcome_text(outcome);
	refused = text != NULL && strstr(text, "_elements") != NULL;
	free(text);
	return refused;
}

/* Has any entry of the batch answer res been refused for _elements? */
static int
fhir_batch_refuses_elements(const struct fhir_result *res)
{
	char	*why;
	long	 status;
	size_t	 i;
	int	 refused = 0;

	for (i = 0; !refused && i < json_size(json_get(res->body, "entry"));
	    i++) {
		(void)fhir_batch_entry(res->body, i, &status, &why);
		refused = status == 400 && why != NULL &&
		    strstr(why, "_elements") != NULL;
		free(why);
	}
	return refused;
}

/*
 * The absolute URL for path (see fhir_request) as the caller asked it,
 * or NULL if foreign: what a kept answer is kept under, whatever this
 * server takes of it.
 */
static char *
fhir_key(const struct fhir *f, const char *path)
{
	if (strncmp(path, "http://", 7) == 0 ||
	    strncmp(path, "https://", 8) == 0)
		return fhir_url_ours(f, path) ? xstrdup(path) : NULL;
	if (*path == '/')
		return url_join(f->root, path);
	if (*path == '\0')
		return xstrdup(f->base);
	return url_join(f->base, path);
}

/* The absolute URL for path as this server takes it, or NULL. */
static char *
fhir_url(const struct fhir *f, const char *path)
{
	char	*url, *asked;

	if ((url = fhir_key(f, path)) == NULL)
		return NULL;
	asked = fhir_asked(f, url);
	free(url);
	return asked;
}

/* Fill cause from the answer: the OperationOutcome, else the status. */
static void
fhir_cause(const struct fhir_result *res, char **cause)
{
	char	*s = NULL;
	size_t	 n;

	/* A 401's words are about the token (Medplum's "Unauthorized"):
	 * what the person must do is sign in again. */
	if (res->body != NULL && res->status != 401)
		s = model_outcome_text(res->body);
	if (s == NULL) {
		*cause = xstrdup(fhir_status_sentence(res->status));
		return;
	}
	n = strlen(s);
	if (n > 0 && strchr(".!?", s[n - 1]) == NULL) {
		*cause = xasprintf("%s.", s);
		free(s);
	} else
		*cause = s;
}

/* Start one attempt, driven by the loop: NULL with *cause (a refused
 * URL). */
static struct http_req *
fhir_start(struct fhir *f, const char *method, const char *url,
    const char *body, const char **headers, char **cause)
{
	struct http_request	 q;
	struct http_req		*r;
	const char		*h[FHIR_MAX_HEADERS + 4];
	char			*auth = NULL;
	size_t			 n = 0, i;

	h[n++] = "Accept: " FHIR_JSON;
	if (body != NULL)
		h[n++] = "Content-Type: " FHIR_JSON;
	if (f->token != NULL) {
		auth = xasprintf("Authorization: Bearer %s", f->token);
		h[n++] = auth;
	}
	for (i = 0; headers != NULL && headers[i] != NULL &&
	    i < FHIR_MAX_HEADERS; i++)
		h[n++] = headers[i];
	h[n] = NULL;

	memset(&q, 0, sizeof q);
	q.method = method;
	q.url = url;
	q.headers = h;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	/* Bodies hold health data and, for $pay, a card: wipe every copy. */
	q.secret = 1;
	q.download = f->download;
	r = http_start(f->http, &q, cause);
	secret_free(auth);
	return r;
}

/* Collect a finished attempt and parse it (keeping the text with
 * keep_raw): 0, or -1 with *cause. */
static int
fhir_collect(struct http_req *r, int keep_raw, struct fhir_result *res,
    char **cause)
{
	struct http_response	 resp;
	int			 rc;

	if ((rc = http_req_finish(r, &resp, cause)) != HTTP_OK) {
		res->net_error = rc;
		return -1;
	}
	res->status = resp.status;
	res->etag = resp.etag;
	res->location = resp.location;
	res->retry_after = resp.retry_after;
	res->max_age = resp.max_age;
	res->no_store = resp.no_store;
	resp.etag = resp.location = NULL;
	if (resp.len > 0 && resp.status != 304) {
		char *perr = NULL;

		res->body = json_parse(resp.body, resp.len, &perr);
		if (res->body == NULL && resp.status >= 200 &&
		    resp.status < 300) {
			/* One sentence, as json_parse says it. */
			*cause = perr ? perr : xstrdup("The portal's answer "
			    "could not be read.");
			http_response_free(&resp);
			return -1;
		}
		free(perr);
		if (keep_raw && res->body != NULL) {
			res->raw = resp.body;
			res->raw_len = resp.len;
			resp.body = NULL;
			resp.len = 0;
		}
	}
	http_response_free(&resp);
	if ((res->status >= 200 && res->status < 300) || res->status == 304)
		return 0;
	fhir_cause(res, cause);
	return -1;
}

/* A job started with an arrived callback: its answer is in. */
static void
fhir_job_arrived(struct http_req *r, void *arg)
{
	struct fhir_batch_job	*job = arg;

	(void)r;
	if (job->arrived != NULL)
		job->arrived(job->arg);
}

/* Attempts finished, counted down; all set when none is left. */
struct fhir_wait {
	int	left;
	int	all;
};

static void
fhir_one_done(struct http_req *r, void *arg)
{
	struct fhir_wait	*w = arg;

	w->all = --w->left <= 0;
}

/*
 * Wait, running the loop, until the n requests of r (NULL ones aside)
 * are done: 0, or -1 when the wait was broken (Esc, a signal): then they
 * are cancelled and set to NULL.
 */
static int
fhir_wait_all(struct http_req **r, size_t n)
{
	struct fhir_wait	w = { 0, 0 };
	size_t			i;

	for (i = 0; i < n; i++) {
		if (r[i] != NULL && !http_req_done(r[i])) {
			w.left++;
			http_req_then(r[i], fhir_one_done, &w);
		}
	}
	w.all = w.left == 0;
	if (ev_until(&w.all) == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (r[i] != NULL) {
			http_req_then(r[i], NULL, NULL);
			http_req_cancel(r[i]);
			r[i] = NULL;
		}
	}
	return -1;
}

/* One attempt: send, wait, collect and parse. */
static int
fhir_send(struct fhir *f, const char *method, const char *url,
    const char *body, const char **headers, int keep_raw,
    struct fhir_result *res, char **cause)
{
	struct http_req	*r;

	if ((r = fhir_start(f, method, url, body, headers, cause)) == NULL) {
		res->net_error = HTTP_ERR_URL;
		return -1;
	}
	if (fhir_wait_all(&r, 1) != 0) {
		res->net_error = HTTP_ERR_CANCELLED;
		*cause = xstrdup("Cancelled.");
		return -1;
	}
	return fhir_collect(r, keep_raw, res, cause);
}

/* A new Bundle of type (caller frees); its entry array in *entries. */
static struct json *
fhir_bundle_new(const char *type, struct json **entries)
{
	struct json	*bundle = json_new_object();

	json_add_str(bundle, "resourceType", "Bundle");
	json_add_str(bundle, "type", type);
	*entries = json_add_array(bundle, "entry");
	return bundle;
}

/* Did no answer come from the portal itself (so a kept one may do)? */
static int
fhir_unreachable(const struct fhir_result *res)
{
	if (res->status == 0)
		return res->net_error == HTTP_ERR_CONNECT ||
		    res->net_error == HTTP_ERR_TIMEOUT ||
		    res->net_error == HTTP_ERR_LOST;
	/* A gateway's word that the portal behind it is down. */
	return res->status >= 502 && res->status <= 504;
}

/* Note that an answer as of at is on show. */
static void
fhir_note_as_of(struct fhir *f, time_t at)
{
	if (f->as_of == 0 || at < f->as_of)
		f->as_of = at;
}

/* The answer kept for url, in *res (unasked): 0, or -1 when none is. */
static int
fhir_from_kept(struct fhir *f, const char *url, struct fhir_result *res)
{
	struct json	*body;
	char		*etag;
	time_t		 at;

	if (f->kept == NULL || kept_get(f->kept, url, &body, &etag, &at) != 0)
		return -1;
	fhir_result_free(res);
	res->status = 200;
	res->body = body;
	res->etag = etag;
	fhir_note_as_of(f, at);
	return 0;
}

/*
 * A GET of url (kept under key) answered rc with *res, asked with the
 * kept ETag when asked: a 304 answered by what was kept, a new answer
 * kept, and a portal out of reach answered by what was kept.
 */
static int
fhir_kept_answer(struct fhir *f, const char *key, const char *url,
    int asked, int rc, struct fhir_result *res, char **cause)
{
	char	*etag = NULL;

	if (rc == 0 && res->status == 304 && asked) {
		json_free(res->body);
		res->body = NULL;
		if (kept_get(f->kept, key, &res->body, &etag, NULL) == 0) {
			res->status = 200;
			if (res->etag == NULL)
				res->etag = etag;
			else
				free(etag);
			/* Kept again, as confirmed now. */
			kept_put(f->kept, key, res->body, res->etag);
			return 0;
		}
		/* Gone since it was asked for: ask again, plainly. */
		fhir_result_free(res);
		rc = fhir_send(f, "GET", url, NULL, NULL, 0, res, cause);
		if (rc == 0 && res->body == NULL) {
			*cause = xstrdup("The portal's answer was empty.");
			return -1;
		}
	}
	if (rc == 0 && res->status < 300 && res->body != NULL &&
	    !res->no_store)
		kept_put(f->kept, key, res->body, res->etag);
	else if (rc == 0 && res->no_store)	/* the server says never */
		kept_remove_url(f->kept, key);
	else if (res->status == 403 ||
	    res->status == 404 || res->status == 410)
		kept_remove_url(f->kept, key);
	else if (rc != 0 && fhir_unreachable(res) &&
	    fhir_from_kept(f, key, res) == 0) {
		free(*cause);
		*cause = NULL;
		return 0;
	}
	return rc;
}

/* "If-None-Match: <the kept ETag of url>", or NULL when none fits. */
static char *
fhir_kept_inm(const struct fhir *f, const char *url)
{
	char	*etag = NULL, *h = NULL;

	if (f->kept != NULL && kept_get(f->kept, url, NULL, &etag, NULL) ==
	    0 && etag != NULL && http_etag_ok(etag))
		h = xasprintf("If-None-Match: %s", etag);
	free(etag);
	return h;
}

/* fhir_request, keeping the answer's text with keep_raw. */
static int
fhir_request_raw(struct fhir *f, const char *method, const char *path,
    const struct json *body, const char **headers, int keep_raw,
    struct fhir_result *res, char **cause)
{
	const char	*kept_h[2] = { NULL, NULL };
	char		*url, *key, *text = NULL, *why = NULL, *inm = NULL;
	int		 rc, keep;

	memset(res, 0, sizeof *res);
	res->retry_after = res->max_age = -1;
	if ((url = fhir_url(f, path)) == NULL) {
		*cause = xstrdup("The portal pointed to another server; "
		    "chartty did not follow it.");
		return -1;
	}
	key = fhir_key(f, path);
	/* A plain GET is kept, and asked with what was kept. */
	keep = f->kept != NULL && strcmp(method, "GET") == 0 &&
	    (headers == NULL || headers[0] == NULL) && !keep_raw;
	if (f->offline) {
		res->net_error = HTTP_ERR_CONNECT;
		if (keep && fhir_from_kept(f, key, res) == 0)
			rc = 0;
		else {
			*cause = xstrdup(strcmp(method, "GET") == 0 ?
			    FHIR_NOT_KEPT : FHIR_OFFLINE);
			rc = -1;
		}
		free(key);
		free(url);
		return rc;
	}
	if (keep && (inm = fhir_kept_inm(f, key)) != NULL) {
		kept_h[0] = inm;
		headers = kept_h;
	}
	if (body != NULL)
		text = json_print(body);
	rc = fhir_send(f, method, url, text, headers, keep_raw, res, cause);
	if (rc != 0 && !f->no_elements && strstr(url, "_elements=") &&
	    fhir_refuses_elements(res->status, res->body)) {
		/* A server without _elements: whole resources, from now on. */
		f->no_elements = 1;
		free(url);
		url = fhir_url(f, path);
		free(*cause);
		*cause = NULL;
		fhir_result_free(res);
		rc = fhir_send(f, method, url, text, headers, keep_raw, res,
		    cause);
	}
	if (rc != 0 && res->status == 401 && f->refresh != NULL) {
		/* One refresh, one retry; then the person signs in again. */
		if (f->refresh(f->refresh_arg, &why) == 0) {
			free(*cause);
			*cause = NULL;
			fhir_result_free(res);
			rc = fhir_send(f, method, url, text, headers,
			    keep_raw, res, cause);
		} else {
			free(*cause);
			*cause = why;
		}
	}
	if (keep)
		rc = fhir_kept_answer(f, key, url, inm != NULL, rc, res,
		    cause);
	if (text != NULL)
		secret_free(text);
	free(inm);
	free(key);
	free(url);
	return rc;
}

int
fhir_request(struct fhir *f, const char *method, const char *path,
    const struct json *body, const char **headers, struct fhir_result *res,
    char **cause)
{
	return fhir_request_raw(f, method, path, body, headers, 0, res,
	    cause);
}

int
fhir_get_raw(struct fhir *f, const char *path, struct fhir_result *res,
    char **cause)
{
	return fhir_request_raw(f, "GET", path, NULL, NULL, 1, res, cause);
}

int
fhir_read(struct fhir *f, const char *path, const char *etag,
    struct fhir_result *res, char **cause)
{
	const char	*h[2] = { NULL, NULL };
	char		*inm = NULL;
	int		 rc;

	if (etag != NULL)
		h[0] = inm = xasprintf("If-None-Match: %s", etag);
	rc = fhir_request(f, "GET", path, NULL, h, res, cause);
	free(inm);
	return rc;
}

int
fhir_search(struct fhir *f, const char *type, const char *query,
    struct fhir_result *res, char **cause)
{
	char	*path;
	int	 rc;

	if (query != NULL && *query != '\0')
		path = xasprintf("%s?%s", type, query);
	else
		path = xstrdup(type);
	rc = fhir_request(f, "GET", path, NULL, NULL, res, cause);
	free(path);
	return rc;
}

/* The url of the bundle's link rel as the server gave it, or NULL. */
static const char *
fhir_link_url(const struct json *bundle, const char *rel)
{
	const struct json	*links = json_get(bundle, "link");
	const char		*r, *url;
	size_t			 i;

	for (i = 0; i < json_size(links); i++) {
		r = json_gets(json_at(links, i), "relation");
		url = json_gets(json_at(links, i), "url");
		if (r != NULL && url != NULL && strcmp(r, rel) == 0)
			return url;
	}
	return NULL;
}

int
fhir_next(struct fhir *f, const struct json *bundle,
    struct fhir_result *res, char **cause)
{
	const char	*url = fhir_link_url(bundle, "next");

	if (url == NULL)
		return 1;
	if (!fhir_url_ours(f, url)) {
		memset(res, 0, sizeof *res);
		*cause = xstrdup(FHIR_ELSEWHERE);
		return -1;
	}
	return fhir_request(f, "GET", url, NULL, NULL, res, cause);
}

char *
fhir_link(const struct fhir *f, const struct json *bundle, const char *rel)
{
	const char	*url = fhir_link_url(bundle, rel);

	return url != NULL && fhir_url_ours(f, url) ? xstrdup(url) : NULL;
}

int
fhir_link_elsewhere(const struct fhir *f, const struct json *bundle,
    const char *rel)
{
	const char	*url = fhir_link_url(bundle, rel);

	return url != NULL && !fhir_url_ours(f, url);
}

/* Does the server serve reads of the type url searches or reads? */
static int
fhir_served(const struct fhir *f, const char *url)
{
	char	type[48];
	size_t	n = strcspn(url, "/?");

	if (n == 0 || n >= sizeof type)
		return 1;
	memcpy(type, url, n);
	type[n] = '\0';
	return (fhir_can(f, type) & FHIR_CAN_READ) != 0;
}

/*
 * The batch answer laid out as asked: the entries of the urls sent, and
 * for those not sent (a type the server does not serve) an entry of
 * status 404 with no words, so callers see a missing part, not an error
 * to say.
 */
static struct json *
fhir_batch_spread(const struct json *answer, const int *sent, size_t n)
{
	struct json	*out, *entries, *e;
	size_t		 i, k = 0;

	out = fhir_bundle_new("batch-response", &entries);
	for (i = 0; i < n; i++) {
		if (sent[i] && json_at(json_get(answer, "entry"), k) != NULL) {
			json_add_child(entries, NULL, json_dup(json_at(
			    json_get(answer, "entry"), k++)));
			continue;
		}
		e = json_add_object(entries, NULL);
		json_add_str(json_add_object(e, "response"), "status",
		    sent[i] ? "502" : "404 Not Served");
	}
	return out;
}

/* The kept answer's ETag of a batch's url, as request.ifNoneMatch. */
static void
fhir_batch_inm(const struct fhir *f, const char *path, struct json *req)
{
	char	*url, *h = NULL;

	if (f->kept != NULL && (url = fhir_key(f, path)) != NULL) {
		h = fhir_kept_inm(f, url);
		free(url);
	}
	if (h != NULL)
		json_add_str(req, "ifNoneMatch", h + strlen("If-None-Match: "));
	free(h);
}

/*
 * What was kept, for a batch of the n urls (sent[i] for those asked)
 * answered rc with *res: each entry a 304 answered by what was kept and
 * each new one kept; when the portal was out of reach, an answer made of
 * what was kept (an entry for each url not kept says so), unless none
 * was.
 */
static int
fhir_batch_kept(struct fhir *f, const char *const *urls, size_t n,
    const int *sent, int rc, struct fhir_result *res, char **cause)
{
	struct json	*out = NULL, *entries = NULL, *e, *r, *body;
	char		*url, *etag;
	long		 status;
	size_t		 i, found = 0;
	time_t		 at;

	if (f->kept == NULL || (rc != 0 && !fhir_unreachable(res)))
		return rc;
	/* An answer is amended where it stands; none is made of what was
	 * kept. */
	if (rc != 0)
		out = fhir_bundle_new("batch-response", &entries);
	for (i = 0; i < n; i++) {
		e = rc == 0 ? json_at(json_get(res->body, "entry"), i) :
		    json_new_object();
		url = sent[i] && e != NULL ? fhir_key(f, urls[i]) : NULL;
		status = 0;
		if (rc == 0)
			(void)fhir_batch_entry(res->body, i, &status, NULL);
		if (url != NULL && rc == 0 && status >= 200 && status < 300 &&
		    json_get(e, "resource") != NULL) {
			kept_put(f->kept, url, json_get(e, "resource"),
			    json_gets(json_get(e, "response"), "etag"));
		} else if (url != NULL && rc == 0 && (status == 403 ||
		    status == 404 || status == 410)) {
			kept_remove_url(f->kept, url);
		} else if (url != NULL && (rc != 0 || status == 304) &&
		    kept_get(f->kept, url, &body, &etag, &at) == 0) {
			/* What was kept answers: as confirmed (kept again,
			 * as of now), or as of when it was read. */
			if (rc == 0)
				kept_put(f->kept, url, body, etag);
			else
				fhir_note_as_of(f, at);
			json_remove(e, "response");
			json_add_child(e, "resource", body);
			r = json_add_object(e, "response");
			json_add_str(r, "status", "200 OK");
			if (etag != NULL)
				json_add_str(r, "etag", etag);
			free(etag);
			found++;
		} else if (rc != 0) {
			r = json_add_object(e, "response");
			json_add_str(r, "status", sent[i] ? "503" :
			    "404 Not Served");
			r = json_add_object(r, "outcome");
			json_add_str(r, "resourceType", "OperationOutcome");
			r = json_add_object(json_add_array(r, "issue"), NULL);
			json_add_str(r, "severity", "error");
			json_add_str(r, "code", "transient");
			json_add_str(r, "diagnostics", FHIR_NOT_KEPT);
		}
		free(url);
		if (rc != 0)
			json_add_child(entries, NULL, e);
	}
	if (rc == 0)
		return 0;
	if (found == 0) {
		json_free(out);
		if (f->offline) {	/* reads, not a change */
			free(*cause);
			*cause = xstrdup(FHIR_NOT_KEPT);
		}
		return rc;
	}
	fhir_result_free(res);
	res->status = 200;
	res->body = out;
	free(*cause);
	*cause = NULL;
	return 0;
}

/* The batch Bundle of the urls the server serves (sent[i] set for them,
 * their number in *nsent). */
static struct json *
fhir_batch_body(const struct fhir *f, const char *const *urls, size_t n,
    int *sent, size_t *nsent)
{
	struct json	*b, *entries, *e, *req;
	char		*asked;
	size_t		 i;

	b = fhir_bundle_new("batch", &entries);
	*nsent = 0;
	for (i = 0; i < n; i++) {
		if (!(sent[i] = fhir_served(f, urls[i])))
			continue;
		e = json_add_object(entries, NULL);
		req = json_add_object(e, "request");
		json_add_str(req, "method", "GET");
		asked = fhir_asked(f, urls[i]);
		json_add_str(req, "url", asked);
		free(asked);
		fhir_batch_inm(f, urls[i], req);
		(*nsent)++;
	}
	return b;
}

/* The answer of a batch made by fhir_batch_body: 0 with every entry in
 * place, or -1 with *cause. */
static int
fhir_batch_answer(int rc, const int *sent, size_t n, size_t nsent,
    struct fhir_result *res, char **cause)
{
	struct json	*spread;

	if (rc == 0 && nsent > 0 && res->body == NULL) {
		*cause = xstrdup("The portal's answer was empty.");
		rc = -1;
	}
	if (rc == 0 && nsent < n) {
		spread = fhir_batch_spread(res->body, sent, n);
		json_free(res->body);
		res->body = spread;
		if (nsent == 0)
			res->status = 200;
	}
	return rc;
}

int
fhir_batch(struct fhir *f, const char *const *urls, size_t n,
    struct fhir_result *res, char **cause)
{
	struct json	*b;
	int		*sent = xcalloc(n + 1, sizeof *sent);
	size_t		 nsent;
	int		 rc = 0;

	b = fhir_batch_body(f, urls, n, sent, &nsent);
	memset(res, 0, sizeof *res);
	if (nsent > 0)
		rc = fhir_request(f, "POST", "", b, NULL, res, cause);
	json_free(b);
	if (rc == 0 && !f->no_elements && fhir_batch_refuses_elements(res)) {
		/* A server without _elements: whole resources, from now on. */
		f->no_elements = 1;
		fhir_result_free(res);
		b = fhir_batch_body(f, urls, n, sent, &nsent);
		rc = fhir_request(f, "POST", "", b, NULL, res, cause);
		json_free(b);
	}
	rc = fhir_batch_answer(rc, sent, n, nsent, res, cause);
	rc = fhir_batch_kept(f, urls, n, sent, rc, res, cause);
	free(sent);
	return rc;
}

void
fhir_batch_start(struct fhir_batch_job *job, void (*arrived)(void *),
    void *arg)
{
	struct json	*b;
	const char	*h[2] = { NULL, NULL };
	char		*url, *key, *text, *inm;

	memset(&job->res, 0, sizeof job->res);
	job->cause = NULL;
	job->rc = 0;
	job->req = NULL;
	job->sent = xcalloc(job->n + 1, sizeof *job->sent);
	job->arrived = arrived;
	job->arg = arg;
	job->started = 1;
	if (job->f->offline) {
		/* Answered by what was kept, when finished. */
		job->res.net_error = HTTP_ERR_CONNECT;
		job->cause = xstrdup(FHIR_NOT_KEPT);
		job->rc = -1;
		if (!job->get)	/* which urls it would ask */
			json_free(fhir_batch_body(job->f,
			    (const char *const *)job->urls, job->n, job->sent,
			    &job->nsent));
		return;
	}
	if (job->get) {
		/* One search or page of one, its own answer. */
		if ((url = fhir_url(job->f, job->urls[0])) == NULL) {
			job->cause = xstrdup("The portal pointed to another "
			    "server; chartty did not follow it.");
			job->rc = -1;
			return;
		}
		key = fhir_key(job->f, job->urls[0]);
		h[0] = inm = fhir_kept_inm(job->f, key);
		job->req = fhir_start(job->f, "GET", url, NULL, h,
		    &job->cause);
		free(inm);
		free(key);
		free(url);
	} else {
		b = fhir_batch_body(job->f, (const char *const *)job->urls,
		    job->n, job->sent, &job->nsent);
		if (job->nsent > 0 && (url = fhir_url(job->f, "")) != NULL) {
			text = json_print(b);
			job->req = fhir_start(job->f, "POST", url, text, NULL,
			    &job->cause);
			secret_free(text);
			free(url);
		}
		json_free(b);
		if (job->nsent == 0)
			return;
	}
	if (job->req == NULL)
		job->rc = -1;
	else if (arrived != NULL)
		http_req_then(job->req, fhir_job_arrived, job);
}

int
fhir_batch_arrived(const struct fhir_batch_job *job)
{
	return job->started && (job->req == NULL || http_req_done(job->req));
}

int
fhir_batch_wait(struct fhir_batch_job *jobs, size_t njobs)
{
	struct http_req	**r = xcalloc(njobs + 1, sizeof *r);
	size_t		  i;
	int		  rc;

	for (i = 0; i < njobs; i++)
		r[i] = jobs[i].started ? jobs[i].req : NULL;
	if ((rc = fhir_wait_all(r, njobs)) != 0) {
		/* Broken (Esc): every one was cancelled. */
		for (i = 0; i < njobs; i++) {
			if (jobs[i].req == NULL || !jobs[i].started)
				continue;
			jobs[i].req = NULL;
			jobs[i].rc = -1;
			jobs[i].res.net_error = HTTP_ERR_CANCELLED;
			free(jobs[i].cause);
			jobs[i].cause = xstrdup("Cancelled.");
		}
	}
	free(r);
	return rc;
}

/* Free what a started job holds besides its answer: urls, the request. */
static void
fhir_job_free(struct fhir_batch_job *job)
{
	size_t	k;

	if (job->req != NULL)
		http_req_cancel(job->req);
	job->req = NULL;
	for (k = 0; k < job->n; k++) {
		free(job->urls[k]);
		job->urls[k] = NULL;
	}
	free(job->sent);
	job->sent = NULL;
	job->started = 0;
}

void
fhir_batch_finish(struct fhir_batch_job *job)
{
	char	*why = NULL, *url, *key;
	int	 again = 0;

	if (!job->started)
		return;
	for (;;) {
		if (!fhir_batch_arrived(job))
			(void)fhir_batch_wait(job, 1);
		if (job->req == NULL)
			break;
		job->rc = fhir_collect(job->req, 0, &job->res, &job->cause);
		job->req = NULL;
		if (!job->f->no_elements && (job->get ?
		    job->rc != 0 && strstr(job->urls[0], "_elements=") &&
		    fhir_refuses_elements(job->res.status, job->res.body) :
		    job->rc == 0 && fhir_batch_refuses_elements(&job->res))) {
			/* A server without _elements: whole resources, from
			 * now on, and this one once more. */
			job->f->no_elements = 1;
			fhir_result_free(&job->res);
			free(job->cause);
			job->cause = NULL;
			free(job->sent);
			job->sent = NULL;
			fhir_batch_start(job, NULL, NULL);
			continue;
		}
		/* An expired token: refresh, and this one once more (a
		 * second 401 is the person's to sign in again). */
		if (job->rc == 0 || job->res.status != 401 ||
		    job->f->refresh == NULL || again)
			break;
		again = 1;
		fhir_result_free(&job->res);
		free(job->cause);
		job->cause = NULL;
		if (job->f->refresh(job->f->refresh_arg, &why) != 0) {
			job->cause = why;
			job->rc = -1;
			goto done;
		}
		free(job->sent);
		job->sent = NULL;
		fhir_batch_start(job, NULL, NULL);
	}
	if (!job->get) {
		job->rc = fhir_batch_answer(job->rc, job->sent, job->n,
		    job->nsent, &job->res, &job->cause);
		job->rc = fhir_batch_kept(job->f,
		    (const char *const *)job->urls, job->n, job->sent,
		    job->rc, &job->res, &job->cause);
	} else if (job->f->kept != NULL &&
	    (url = fhir_url(job->f, job->urls[0])) != NULL) {
		key = fhir_key(job->f, job->urls[0]);
		job->rc = fhir_kept_answer(job->f, key, url, 1, job->rc,
		    &job->res, &job->cause);
		free(key);
		free(url);
	}
done:
	if (job->rc != 0 && job->cause == NULL)
		job->cause = xstrdup("The portal could not be reached.");
	fhir_job_free(job);
}

void
fhir_batch_drop(struct fhir_batch_job *job)
{
	if (!job->started)
		return;
	fhir_job_free(job);
	fhir_result_free(&job->res);
	free(job->cause);
	job->cause = NULL;
	job->rc = -1;
}

char *
fhir_path(const char *type, const char *id, const char *op)
{
	char	*e = url_escape(id), *path;

	path = op != NULL ? xasprintf("%s/%s/%s", type, e, op) :
	    xasprintf("%s/%s", type, e);
	free(e);
	return path;
}

char *
fhir_ref_local(const char *ref)
{
	const char	*end, *id, *type, *p;
	size_t		 n;

	if (ref == NULL || *ref == '#' || strncmp(ref, "urn:", 4) == 0)
		return NULL;
	if ((p = strstr(ref, "/_history/")) != NULL)
		end = p;
	else
		end = ref + strlen(ref);
	while (end > ref && end[-1] == '/')
		end--;
	for (id = end; id > ref && id[-1] != '/'; id--)
		;
	if (id == ref || id == end)
		return NULL;
	for (type = id - 1; type > ref && type[-1] != '/'; type--)
		;
	if (type == id - 1 || !isupper((unsigned char)*type))
		return NULL;
	for (p = type; p < id - 1; p++) {
		if (!isalpha((unsigned char)*p))
			return NULL;
	}
	for (p = id, n = 0; p < end; p++, n++) {
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return NULL;
	}
	if (n > 64)
		return NULL;
	return xasprintf("%.*s", (int)(end - type), type);
}

char *
fhir_query(const char *type, ...)
{
	struct buf	 b;
	va_list		 ap;
	const char	*k, *v;
	char		*out, *e;

	buf_init(&b, 64 * 1024);
	buf_addstr(&b, type);
	va_start(ap, type);
	while ((k = va_arg(ap, const char *)) != NULL) {
		if ((v = va_arg(ap, const char *)) == NULL)
			continue;
		/* Keys are the program's own ("part-of:missing"). */
		e = url_escape(v);
		buf_printf(&b, "%s%s=%s", strchr(b.data, '?') ? "&" : "?", k,
		    e);
		free(e);
	}
	va_end(ap);
	out = xstrdup(b.data);
	buf_free(&b, 0);
	return out;
}

struct json *
fhir_transaction(struct json **entries)
{
	return fhir_bundle_new("transaction", entries);
}

void
fhir_transaction_create(struct json *entries, const char *type,
    struct json *r, const char *request_id)
{
	struct json	*e, *req, *id;
	char		*s;

	id = json_add_object(json_add_array(r, "identifier"), NULL);
	json_add_str(id, "system", "urn:chartty:request");
	json_add_str(id, "value", request_id);
	e = json_add_object(entries, NULL);
	s = xasprintf("urn:uuid:%s", request_id);
	json_add_str(e, "fullUrl", s);
	free(s);
	json_add_child(e, "resource", r);
	req = json_add_object(e, "request");
	json_add_str(req, "method", "POST");
	json_add_str(req, "url", type);
	s = xasprintf("identifier=urn:chartty:request|%s", request_id);
	json_add_str(req, "ifNoneExist", s);
	free(s);
}

char *
fhir_ref(const char *type, const char *id)
{
	return xasprintf("%s/%s", type, id);
}

int
fhir_batch_take(struct fhir *f, char **urls, size_t n,
    struct fhir_result *res, char **cause)
{
	size_t	i;
	int	rc;

	rc = fhir_batch(f, (const char *const *)urls, n, res, cause);
	for (i = 0; i < n; i++)
		free(urls[i]);
	if (rc != 0)
		fhir_result_free(res);
	return rc;
}

struct json *
fhir_batch_entry(const struct json *bundle, size_t i, long *status,
    char **outcome)
{
	const struct json	*e = json_at(json_get(bundle, "entry"), i);
	const struct json	*resp = json_get(e, "response");
	const char		*s = json_gets(resp, "status");
	long long		 code = 0;
	char			 num[4];

	if (outcome != NULL)
		*outcome = NULL;
	if (s != NULL && strlen(s) >= 3) {
		memcpy(num, s, 3);
		num[3] = '\0';
		if (parse_number(num, 100, 599, &code) != 0)
			code = 0;
	}
	*status = (long)code;
	if (e == NULL) {
		if (outcome != NULL)
			*outcome = xstrdup("The portal left out part of the "
			    "answer.");
		return NULL;
	}
	if (code >= 200 && code < 300)
		return json_get(e, "resource");
	/* Not asked: the server does not serve it (fhir_batch). */
	if (strcmp(s ? s : "", "404 Not Served") == 0)
		return NULL;
	if (outcome != NULL) {
		*outcome = model_outcome_text(json_get(resp, "outcome"));
		if (*outcome == NULL)
			*outcome = model_outcome_text(json_get(e, "resource"));
		if (*outcome == NULL)
			*outcome = xstrdup(fhir_status_sentence(code));
	}
	return NULL;
}

int
fhir_create_resource(struct fhir *f, const char *type,
    struct json *resource, const char *request_id, struct fhir_result *res,
    char **cause)
{
	const char	*h[2] = { NULL, NULL };
	char		*ine = NULL;
	struct json	*ids, *id;
	int		 rc;

	if (request_id != NULL) {
		if ((ids = json_get(resource, "identifier")) == NULL)
			ids = json_add_array(resource, "identifier");
		id = json_add_object(ids, NULL);
		json_add_str(id, "system", "urn:chartty:request");
		json_add_str(id, "value", request_id);
		h[0] = ine = xasprintf("If-None-Exist: identifier="
		    "urn:chartty:request|%s", request_id);
	}
	rc = fhir_request(f, "POST", type, resource, h, res, cause);
	free(ine);
	return rc;
}

int
fhir_update(struct fhir *f, const char *path, const struct json *resource,
    const char *etag, struct fhir_result *res, char **cause)
{
	const char	*h[2] = { NULL, NULL };
	char		*im;
	int		 rc;

	if (etag == NULL) {
		memset(res, 0, sizeof *res);
		*cause = xstrdup(fhir_status_sentence(428));
		return -1;
	}
	h[0] = im = xasprintf("If-Match: %s", etag);
	rc = fhir_request(f, "PUT", path, resource, h, res, cause);
	free(im);
	return rc;
}

int
fhir_operation(struct fhir *f, const char *path, const struct json *params,
    struct fhir_result *res, char **cause)
{
	return fhir_request(f, "POST", path, params, NULL, res, cause);
}

size_t
fhir_bundle_count(const struct json *bundle)
{
	return json_size(json_get(bundle, "entry"));
}

struct json *
fhir_bundle_resource(const struct json *bundle, size_t i)
{
	return json_get(json_at(json_get(bundle, "entry"), i), "resource");
}

long
fhir_bundle_total(const struct json *bundle)
{
	long long	n;

	if (json_int(json_get(bundle, "total"), 0, LONG_MAX, &n) != 0)
		return -1;
	return (long)n;
}

void
fhir_pages_start(struct fhir_pages *p, const char *first)
{
	fhir_pages_free(p);
	p->urls = xcalloc(1, sizeof *p->urls);
	p->urls[0] = xstrdup(first);
	p->n = 1;
}

const char *
fhir_pages_url(const struct fhir_pages *p, int dir)
{
	if (p->n == 0 || (dir > 0 && p->next == NULL) || (dir < 0 && p->n < 2))
		return NULL;
	if (dir > 0)
		return p->next;
	return p->urls[p->n - (dir < 0 ? 2 : 1)];
}

void
fhir_pages_moved(struct fhir *f, struct fhir_pages *p, int dir,
    const struct json *page)
{
	if (dir > 0) {
		p->urls = xrealloc(p->urls, (p->n + 1) * sizeof *p->urls);
		p->urls[p->n++] = p->next;
		p->next = NULL;
	} else if (dir < 0)
		free(p->urls[--p->n]);
	free(p->next);
	p->next = fhir_link(f, page, "next");
	p->elsewhere = fhir_link_elsewhere(f, page, "next");
}

int
fhir_pages_fetch(struct fhir *f, struct fhir_pages *p, int dir,
    struct fhir_result *res, char **cause)
{
	const char	*url;

	memset(res, 0, sizeof *res);
	if ((url = fhir_pages_url(p, dir)) == NULL) {
		*cause = xstrdup(dir < 0 ? "This is the first page." :
		    "There are no more pages.");
		return -1;
	}
	if (fhir_request(f, "GET", url, NULL, NULL, res, cause) != 0)
		return -1;
	fhir_pages_moved(f, p, dir, res->body);
	return 0;
}

size_t
fhir_pages_number(const struct fhir_pages *p)
{
	return p->n;
}

int
fhir_pages_more(const struct fhir_pages *p)
{
	return p->next != NULL ? 1 : p->elsewhere ? -1 : 0;
}

void
fhir_pages_free(struct fhir_pages *p)
{
	size_t	i;

	for (i = 0; i < p->n; i++)
		free(p->urls[i]);
	free(p->urls);
	free(p->next);
	memset(p, 0, sizeof *p);
}

int
fhir_pages_records(struct fhir *f, struct fhir_pages *p, int dir, size_t size,
    size_t max, int (*parse)(struct arena *, const struct json *, void *,
    void *), void *ctx, struct arena **ap, void **out, size_t *np,
    long *total, char **cause)
{
	struct fhir_result	 res;

	if (fhir_pages_fetch(f, p, dir, &res, cause) != 0) {
		fhir_result_free(&res);
		return -1;
	}
	*ap = arena_create();
	*out = fhir_records(*ap, res.body, size, max, parse, ctx, np, total);
	fhir_result_free(&res);
	return 0;
}

void *
fhir_records(struct arena *a, const struct json *bundle, size_t size,
    size_t max, int (*parse)(struct arena *, const struct json *, void *,
    void *), void *ctx, size_t *np, long *total)
{
	unsigned char	*recs;
	size_t		 i, n;

	n = fhir_bundle_count(bundle);
	if (n > max)
		n = max;
	recs = arena_alloc(a, (n + 1) * size);
	*np = 0;
	for (i = 0; i < n; i++) {
		if (parse(a, fhir_bundle_resource(bundle, i),
		    recs + *np * size, ctx) == 0)
			(*np)++;
	}
	*total = fhir_bundle_total(bundle);
	return recs;
}

/* FHIR_CAN_* of a resource's interactions in a CapabilityStatement. */
static unsigned int
fhir_interactions(const struct json *resource)
{
	static const struct {
		const char	*code;
		unsigned int	 can;
	} codes[] = {
		{ "read", FHIR_CAN_READ }, { "vread", FHIR_CAN_READ },
		{ "search-type", FHIR_CAN_READ }, { "create", FHIR_CAN_CREATE },
		{ "update", FHIR_CAN_UPDATE }, { "patch", FHIR_CAN_UPDATE },
	};
	static const struct {
		const char	*name;
		const char	*definition;
		unsigned int	 can;
	} fhir_ops[] = {
		/* The latest of each kind, in one search (FHIR R4). */
		{ "lastn", "http://hl7.org/fhir/OperationDefinition/"
		    "Observation-lastn", FHIR_CAN_LASTN },
		/* What Home shows, in one answer (an addition): known by
		 * its definition alone, the name being no standard's. */
		{ NULL, "urn:chartty:OperationDefinition/Patient-overview",
		    FHIR_CAN_OVERVIEW },
	};
	const struct json	*list = json_get(resource, "interaction");
	const struct json	*ops = json_get(resource, "operation");
	const char		*code, *def;
	unsigned int		 can = 0;
	size_t			 i, k;

	/* The operations chartty uses where announced: by name or by
	 * definition. */
	for (i = 0; i < json_size(ops); i++) {
		code = json_gets(json_at(ops, i), "name");
		def = json_gets(json_at(ops, i), "definition");
		if (code != NULL && *code == '$')
			code++;
		for (k = 0; k < sizeof fhir_ops / sizeof fhir_ops[0]; k++) {
			if ((code != NULL && fhir_ops[k].name != NULL &&
			    strcmp(code, fhir_ops[k].name) == 0) ||
			    (def != NULL && strcmp(def,
			    fhir_ops[k].definition) == 0))
				can |= fhir_ops[k].can;
		}
	}

	for (i = 0; i < json_size(list); i++) {
		code = json_gets(json_at(list, i), "code");
		for (k = 0; code != NULL && k < sizeof codes / sizeof codes[0];
		    k++) {
			if (strcmp(code, codes[k].code) == 0)
				can |= codes[k].can;
		}
	}
	return can;
}

/*
 * The kept table: "chartty-capabilities 2", "base <base>", "etag
 * <etag>", "fetched <time> max-age <seconds>", then "<type> <flags>" a
 * line. Public facts about the server, no health data and no token; a
 * file of its own per base (a hash of it), 0600 in a 0700 directory.
 * It is used unasked while the server's Cache-Control max-age lasts (a
 * day at most), then asked with its ETag.
 */
#define FHIR_CACHE_MAGIC	"chartty-capabilities 2"
#define FHIR_FRESH_MAX		86400L

void
fhir_set_cache(struct fhir *f, const char *dir)
{
	free(f->cache_dir);
	f->cache_dir = dir != NULL ? xstrdup(dir) : NULL;
}

/* The kept table's file name: one per base. */
static char *
fhir_cache_name(const struct fhir *f)
{
	char	hex[65];

	crypto_sha256_hex(f->base, strlen(f->base), hex);
	hex[24] = '\0';
	return xasprintf("capabilities-%s", hex);
}

/* A resource type's name: letters only, a capital first. */
static int
fhir_type_ok(const char *s)
{
	if (!isupper((unsigned char)*s))
		return 0;
	for (; *s != '\0'; s++) {
		if (!isalpha((unsigned char)*s))
			return 0;
	}
	return 1;
}

/* Take the kept table (not yet trusted: a 304 makes it so); quietly
 * nothing when there is none, or it is not well formed. */
static void
fhir_cache_read(struct fhir *f)
{
	struct fhir_cap	*caps = NULL;
	FILE		*fp;
	char		*name, line[512], type[48], etag[256];
	size_t		 n = 0, len;
	unsigned int	 can;
	long long	 t = 0, age = -1;
	int		 good = 1;

	if (f->cache_dir == NULL || f->caps_known || f->caps_etag != NULL)
		return;
	name = fhir_cache_name(f);
	fp = fopen_private(f->cache_dir, name);
	free(name);
	if (fp == NULL)
		return;
	if (fgets(line, sizeof line, fp) == NULL ||
	    strcmp(line, FHIR_CACHE_MAGIC "\n") != 0 ||
	    fgets(line, sizeof line, fp) == NULL ||
	    strncmp(line, "base ", 5) != 0 ||
	    strlen(line + 5) != strlen(f->base) + 1 ||
	    strncmp(line + 5, f->base, strlen(f->base)) != 0 ||
	    fgets(line, sizeof line, fp) == NULL ||
	    sscanf(line, "etag %255s", etag) != 1 || !http_etag_ok(etag) ||
	    fgets(line, sizeof line, fp) == NULL ||
	    sscanf(line, "fetched %lld max-age %lld", &t, &age) != 2 ||
	    t < 0 || age < -1 || age > FHIR_FRESH_MAX)
		good = 0;
	while (good && fgets(line, sizeof line, fp) != NULL) {
		len = strlen(line);
		if (len == 0 || line[len - 1] != '\n' ||
		    sscanf(line, "%47s %u", type, &can) != 2 ||
		    !fhir_type_ok(type) || can > 0xff || n >= 1000) {
			good = 0;
			break;
		}
		caps = xrealloc(caps, (n + 1) * sizeof *caps);
		snprintf(caps[n].type, sizeof caps[n].type, "%s", type);
		caps[n++].can = can;
	}
	fclose(fp);
	if (!good) {
		free(caps);
		return;
	}
	free(f->caps);
	f->caps = caps;
	f->ncaps = n;
	f->caps_etag = xstrdup(etag);
	f->caps_fetched = (time_t)t;
	f->caps_max_age = (long)age;
}

/* Keep the table read just now, replacing the file whole. */
static void
fhir_cache_write(const struct fhir *f)
{
	struct buf	 b;
	char		*name;
	size_t		 i;

	if (f->cache_dir == NULL || f->caps_etag == NULL ||
	    !http_etag_ok(f->caps_etag))
		return;
	buf_init(&b, 64 * 1024);
	buf_printf(&b, FHIR_CACHE_MAGIC "\nbase %s\netag %s\nfetched %lld "
	    "max-age %ld\n", f->base, f->caps_etag,
	    (long long)f->caps_fetched, f->caps_max_age > FHIR_FRESH_MAX ?
	    FHIR_FRESH_MAX : f->caps_max_age);
	for (i = 0; i < f->ncaps; i++)
		buf_printf(&b, "%s %u\n", f->caps[i].type, f->caps[i].can);
	name = fhir_cache_name(f);
	if (b.data != NULL)
		(void)file_replace_private(f->cache_dir, name, b.data, b.len);
	free(name);
	buf_free(&b, 0);
}

int
fhir_take_capabilities(struct fhir *f, const struct json *statement)
{
	const struct json	*rest = NULL, *list;
	const char		*type, *mode;
	size_t			 i, k, n;

	for (i = 0; i < json_size(json_get(statement, "rest")); i++) {
		mode = json_gets(json_at(json_get(statement, "rest"), i),
		    "mode");
		if (mode == NULL || strcmp(mode, "server") == 0) {
			rest = json_at(json_get(statement, "rest"), i);
			break;
		}
	}
	if (json_gets(statement, "resourceType") == NULL ||
	    strcmp(json_gets(statement, "resourceType"),
	    "CapabilityStatement") != 0 || rest == NULL)
		return -1;
	list = json_get(rest, "resource");
	n = json_size(list);
	free(f->caps);
	f->caps = xcalloc(n + 1, sizeof *f->caps);
	f->ncaps = 0;
	for (i = 0; i < n; i++) {
		type = json_gets(json_at(list, i), "type");
		if (type == NULL || strlen(type) >= sizeof f->caps->type)
			continue;
		for (k = 0; k < f->ncaps && strcmp(f->caps[k].type, type); k++)
			;
		if (k == f->ncaps)
			snprintf(f->caps[f->ncaps++].type, sizeof f->caps->type,
			    "%s", type);
		f->caps[k].can |= fhir_interactions(json_at(list, i));
	}
	f->caps_known = 1;
	return 0;
}

int
fhir_load_capabilities(struct fhir *f, char **cause)
{
	struct fhir_result	 res;
	time_t			 now;

	fhir_cache_read(f);
	now = time(NULL);
	if (!f->caps_known && f->caps_etag != NULL &&
	    cache_fresh(f->caps_fetched, f->caps_max_age)) {
		/* Kept, and the server said it may be used unasked. */
		f->caps_known = 1;
		return 0;
	}
	if (fhir_read(f, "metadata", f->caps_etag, &res, cause) != 0) {
		fhir_result_free(&res);
		if (!f->caps_known) {	/* a kept table, not confirmed */
			free(f->caps_etag);
			f->caps_etag = NULL;
		}
		return -1;
	}
	if (res.status == 304 || res.body == NULL) {
		/* As it was: the kept table is the server's now, kept as
		 * long as the 304 says (or, without a max-age, as before:
		 * RFC 9111 4.3.4). */
		if (f->caps_etag != NULL && res.status == 304) {
			f->caps_known = 1;
			f->caps_fetched = now;
			if (res.max_age >= 0)
				f->caps_max_age = res.max_age;
			fhir_cache_write(f);
		}
		fhir_result_free(&res);
		return 0;
	}
	if (fhir_take_capabilities(f, res.body) != 0) {
		fhir_result_free(&res);
		*cause = xstrdup("The server's capability statement could not "
		    "be read.");
		return -1;
	}
	f->caps_fetched = now;
	f->caps_max_age = res.max_age;
	free(f->caps_etag);
	f->caps_etag = res.etag ? xstrdup(res.etag) : NULL;
	fhir_result_free(&res);
	fhir_cache_write(f);
	return 0;
}

unsigned int
fhir_can(const struct fhir *f, const char *type)
{
	size_t	i;

	if (f == NULL || !f->caps_known)
		return FHIR_CAN_READ | FHIR_CAN_CREATE | FHIR_CAN_UPDATE;
	for (i = 0; i < f->ncaps; i++) {
		if (strcmp(f->caps[i].type, type) == 0)
			return f->caps[i].can;
	}
	return 0;
}

void
fhir_set_extras(struct fhir *f, int extras)
{
	f->no_extras = !extras;
}

int
fhir_extras(const struct fhir *f)
{
	return f == NULL || !f->no_extras;
}
