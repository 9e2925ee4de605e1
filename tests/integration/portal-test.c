/* Helpers for integration tests: the test portal's controls and sign-in. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "http.h"
#include "json.h"
#include "portal.h"
#include "portal-test.h"
#include "url.h"
#include "util.h"

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
pt_call(const char *method, const char *path, const char *body)
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
	url = url_join(pt_url(), path);
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
	char	*body;

	body = xasprintf("{\"kind\":\"%s\",\"count\":%d,\"ms\":%d%s%s%s}",
	    kind, count, ms, path ? ",\"path\":\"" : "", path ? path : "",
	    path ? "\"" : "");
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
