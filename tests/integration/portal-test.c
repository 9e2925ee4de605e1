/* Helpers for integration tests: the test portal's controls and sign-in. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>

#include "auth.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "portal.h"
#include "portal-test.h"
#include "url.h"
#include "util.h"
#include "visit.h"

const char *
pt_url(void)
{
	const char	*u = getenv("CHARTTY_TEST_PORTAL");

	if (u == NULL) {
		printf("Bail out! CHARTTY_TEST_PORTAL is not set; run under "
		    "tests/harness.sh\n");
		exit(1);
	}
	return u;
}

static struct json *
pt_call_at(const char *base, const char *method, const char *path,
    const char *body)
{
	static struct http	*h;
	struct http_request	 q;
	struct http_response	 resp;
	const char		*hdr[] = { "Content-Type: application/json",
				    NULL };
	struct json		*j;
	char			*url, *cause = NULL;

	if (h == NULL)
		h = http_create();
	url = url_join(base, path);
	memset(&q, 0, sizeof q);
	q.method = method;
	q.url = url;
	q.headers = hdr;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	if (http_perform(h, &q, &resp, &cause) != HTTP_OK ||
	    resp.status >= 300) {
		printf("Bail out! test control %s %s failed: %s %ld %s\n",
		    method, path, cause ? cause : "", resp.status,
		    resp.body ? resp.body : "");
		exit(1);
	}
	free(url);
	j = resp.len ? json_parse(resp.body, resp.len, &cause) : NULL;
	free(cause);
	http_response_free(&resp);
	return j;
}

static struct json *
pt_call(const char *method, const char *path, const char *body)
{
	return pt_call_at(pt_url(), method, path, body);
}

struct json *
pt_get(const char *path)
{
	return pt_call("GET", path, NULL);
}

struct json *
pt_post(const char *path, const char *body)
{
	return pt_call("POST", path, body ? body : "{}");
}

struct json *
pt_post_at(const char *base, const char *path, const char *body)
{
	return pt_call_at(base, "POST", path, body ? body : "{}");
}

void
pt_clear_faults(void)
{
	json_free(pt_call("DELETE", "/_test/fault", NULL));
}

void
pt_reset(void)
{
	json_free(pt_post("/_test/reset", NULL));
}

const char *
pt_totp(const char *email)
{
	static char	 code[16];
	struct json	*j;
	char		*path;

	path = xasprintf("/_test/totp?email=%s", email);
	j = pt_get(path);
	free(path);
	strlcpy_c(code, json_gets(j, "code") ? json_gets(j, "code") : "",
	    sizeof code);
	json_free(j);
	return code;
}

void
pt_fault(const char *kind, int count, int ms, const char *path)
{
	pt_fault_at(pt_url(), kind, count, ms, path);
}

void
pt_fault_at(const char *base, const char *kind, int count, int ms,
    const char *path)
{
	char	*body;

	body = xasprintf("{\"kind\":\"%s\",\"count\":%d,\"ms\":%d%s%s%s}",
	    kind, count, ms, path ? ",\"path\":\"" : "", path ? path : "",
	    path ? "\"" : "");
	json_free(pt_call_at(base, "POST", "/_test/fault", body));
	free(body);
}

void
pt_clear_faults_at(const char *base)
{
	json_free(pt_call_at(base, "DELETE", "/_test/fault", NULL));
}

const char *
pt_smart_url(void)
{
	const char	*u = getenv("CHARTTY_TEST_SMART");

	if (u == NULL) {
		printf("Bail out! CHARTTY_TEST_SMART is not set: the test's "
		    "name must hold \"smart\" or \"linked\"\n");
		exit(1);
	}
	return u;
}

struct portal *
pt_smart_sign_in(const char *email, const char *password)
{
	struct http		*h = http_create();
	struct http_request	 q;
	struct http_response	 resp;
	struct portal		*p;
	const char		*hdr[] = { "Content-Type: "
				    "application/x-www-form-urlencoded", NULL };
	char			*base, *url, *query, *form, *cause = NULL;
	struct buf		 b;
	int			 rc = -1;

	base = xasprintf("%s/fhir/R4", pt_smart_url());
	p = portal_create(base, email, 0);
	free(base);
	portal_set_client(p, "chartty-harbor", NULL);
	if (portal_connect(p, &cause) != AUTH_OK ||
	    portal_smart_begin(p, &cause) != AUTH_OK)
		goto out;
	/* The browser: the sign-in form sent with the request's fields. */
	url = xstrdup(portal_smart_url(p));
	query = strchr(url, '?');
	*query++ = '\0';
	buf_init(&b, 64 * 1024);
	url_query_add(&b, "email", email);
	url_query_add(&b, "password", password);
	form = xasprintf("%s&%s", query, b.data);
	buf_free(&b, 1);
	memset(&q, 0, sizeof q);
	q.method = "POST";
	q.url = url;
	q.headers = hdr;
	q.body = form;
	q.body_len = strlen(form);
	if (http_perform(h, &q, &resp, &cause) == HTTP_OK &&
	    resp.location != NULL)
		rc = portal_smart_finish(p, resp.location, &cause);
	else if (cause == NULL)
		cause = xasprintf("the sign-in form answered %ld",
		    resp.status);
	http_response_free(&resp);
	free(url);
	secret_free(form);
out:
	http_free(h);
	if (rc != AUTH_OK) {
		printf("Bail out! SMART sign-in as %s failed: %s\n", email,
		    cause ? cause : "?");
		exit(1);
	}
	free(portal_notice(p));
	return p;
}

void
pt_fault_huge(int count, size_t bytes, const char *path)
{
	char	*body;

	body = xasprintf("{\"kind\":\"huge\",\"count\":%d,"
	    "\"bytes\":%zu%s%s%s}", count, bytes,
	    path ? ",\"path\":\"" : "", path ? path : "", path ? "\"" : "");
	json_free(pt_post("/_test/fault", body));
	free(body);
}

int
pt_sentence(const char *s)
{
	size_t	n;

	if (s == NULL || strchr(s, '{') != NULL || (n = strlen(s)) < 10)
		return 0;
	return strchr(".!?", s[n - 1]) != NULL;
}

size_t
pt_charges(const char *invoice)
{
	struct json	*j;
	char		*path;
	size_t		 n;

	path = xasprintf("/_test/payments?invoice=%s", invoice);
	j = pt_get(path);
	free(path);
	n = json_size(json_get(j, "payments"));
	json_free(j);
	return n;
}

struct portal *
pt_sign_in(const char *email, const char *password)
{
	struct portal	*p = portal_create(pt_url(), email, 0);
	char		*cause = NULL;
	int		 rc;

	if ((rc = portal_connect(p, &cause)) == AUTH_OK)
		rc = portal_sign_in(p, password, &cause);
	if (rc == AUTH_NEED_MFA)
		rc = portal_verify(p, pt_totp(email), &cause);
	if (rc != AUTH_OK) {
		printf("Bail out! sign-in as %s failed: %s\n", email,
		    cause ? cause : "?");
		exit(1);
	}
	free(portal_notice(p));
	return p;
}

/* The local day of t as "YYYY-MM-DD". */
static void
pt_day(time_t t, char day[11])
{
	struct tm	tm;

	localtime_r(&t, &tm);
	strftime(day, 11, "%Y-%m-%d", &tm);
}

int
pt_free_days(struct portal *p, const char *schedule, size_t n, char from[11],
    char to[11])
{
	struct fhir_result	 res;
	struct arena		*a = arena_create();
	struct slot		 slot;
	char			 now[32], *q, *cause = NULL, day[11], last[11];
	size_t			 i, count, taken = 0, same = 0;
	int			 rc = -1;

	from[0] = to[0] = last[0] = '\0';
	/* A minute on, as the book screen lists only times still ahead. */
	visit_instant_write(time(NULL) + 60, now, sizeof now);
	q = xasprintf("schedule=Schedule/%s&status=free&start=ge%s"
	    "&_sort=start&_count=200", schedule, now);
	if (fhir_search(portal_fhir(p), "Slot", q, &res, &cause) != 0) {
		printf("# free times of %s: %s\n", schedule, cause ? cause :
		    "?");
		goto out;
	}
	count = fhir_bundle_count(res.body);
	for (i = 0; i < count && taken < n; i++) {
		if (visit_slot_parse(a, fhir_bundle_resource(res.body, i),
		    &slot) != 0)
			continue;
		pt_day(slot.start.t, day);
		same = strcmp(day, last) == 0 ? same + 1 : 1;
		memcpy(last, day, sizeof last);
		/* A day starts counting once it has a second free time. */
		if (same == 2) {
			if (from[0] == '\0')
				memcpy(from, day, 11);
			memcpy(to, day, 11);
		}
		if (from[0] != '\0')
			taken++;
	}
	if (taken < n)
		printf("# %s has %zu of the %zu free times asked for\n",
		    schedule, taken, n);
	else
		rc = 0;
out:
	free(q);
	free(cause);
	fhir_result_free(&res);
	arena_free(a);
	return rc;
}

/* Run the engine's validator on path: its exit status and last line. */
int
pt_validate(const char *path, char *last, size_t len)
{
	const char	*dir = getenv("TEST_PORTAL_DIR");
	const char	*top = getenv("top_srcdir");
	char		*cmd, line[1024];
	FILE		*p;
	int		 status;

	cmd = dir != NULL && *dir != '\0' ? xasprintf("node "
	    "--experimental-websocket '%s/validate.mjs' '%s' 2>&1", dir, path) :
	    xasprintf("node --experimental-websocket "
	    "'%s/tests/portal/validate.mjs' '%s' 2>&1", top ? top : ".", path);
	last[0] = '\0';
	if ((p = popen(cmd, "r")) == NULL) {
		free(cmd);
		return -1;
	}
	while (fgets(line, sizeof line, p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "0 errors", 8) != 0)
			printf("# validator: %s\n", line);	/* TAP */
		strlcpy_c(last, line, len);
	}
	status = pclose(p);
	free(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
