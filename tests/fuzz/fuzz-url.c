/*
 * Addresses (src/url.c) and a Bundle's next link (src/fhir.c): hosts,
 * roots and the loopback rule; escaping read back to the same text;
 * query parameters; references made local; and a link followed only
 * when it lies under the portal's FHIR base.
 */
#include "config.h"

#include "fhir.h"
#include <strings.h>

#include "fuzz.h"
#include "url.h"

#define BASE	"https://portal.example/fhir/R4"

/* A Bundle whose link rel is url; and fhir_link's answer checked. */
static void
follow(struct fhir *f, const char *rel, const char *url)
{
	struct json	*b, *l;
	char		*got, *host;

	b = json_new_object();
	json_add_str(b, "resourceType", "Bundle");
	l = json_add_object(json_add_array(b, "link"), NULL);
	json_add_str(l, "relation", rel);
	json_add_str(l, "url", url);
	if ((got = fhir_link(f, b, rel)) != NULL) {
		host = url_host(got);
		FUZZ_CHECK(strncmp(got, "https://portal.example", 22) == 0 &&
		    strchr("/?", got[22]) != NULL, "a link followed off the "
		    "portal");
		FUZZ_CHECK(host == NULL || strcmp(host, "portal.example") == 0,
		    "a link followed to another host");
		free(host);
	}
	free(got);
	json_free(b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fhir	*f;
	struct json	*j;
	struct buf	 q;
	char		*parts[2], *buf, *s, *cause = NULL, *host, *root;
	char		*esc, *back;

	fuzz_parts(data, size, parts, 2, &buf);
	s = parts[0];
	if (url_allowed(s, &cause) == 0) {
		host = url_host(s);
		FUZZ_CHECK(host != NULL, "an allowed address with no host");
		FUZZ_CHECK(strncasecmp(s, "https://", 8) == 0 ||
		    url_host_is_loopback(host), "plain http allowed to "
		    "another host");
		free(host);
	}
	free(cause);
	if ((host = url_host(s)) != NULL) {
		(void)url_host_is_loopback(host);
		FUZZ_CHECK(strchr(host, '@') == NULL, "user info in a host");
		free(host);
	}
	if ((root = url_root(s)) != NULL) {
		FUZZ_CHECK(strncmp(root, s, strlen(root)) == 0, "a root that "
		    "does not start the address");
		free(url_join(root, parts[1]));
		free(root);
	}
	esc = url_escape(s);
	back = url_unescape(esc, 0);
	FUZZ_CHECK(back != NULL && strcmp(back, s) == 0, "escaped text "
	    "reads back otherwise");
	free(back);
	free(esc);
	free(url_unescape(s, 0));
	free(url_unescape(s, 1));
	free(url_param(s, parts[1]));
	free(url_form_param(s, parts[1]));
	free(url_param(s, "code"));
	buf_init(&q, 64 * 1024);
	url_query_add(&q, parts[1], s);
	buf_free(&q, 0);
	free(fhir_ref_local(s));
	f = fhir_create(NULL, "https://portal.example", BASE);
	follow(f, "next", s);
	if ((j = fuzz_json(s, strlen(s))) != NULL) {
		free(fhir_link(f, j, "next"));
		json_free(j);
	}
	fhir_free(f);
	free(buf);
	return 0;
}
