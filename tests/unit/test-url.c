/* Unit tests for URL checks, escaping, joining and query building. */
#include "config.h"

#include "tap.h"
#include "url.h"
#include "util.h"

static int
allowed(const char *url)
{
	char	*cause = NULL;
	int	 rc = url_allowed(url, &cause);

	free(cause);
	return rc == 0;
}

int
main(void)
{
	struct buf	 b;
	char		*s, *cause = NULL;

	ok(allowed("https://portal.example.org/fhir/R4"), "https allowed");
	ok(allowed("HTTPS://portal.example.org"), "scheme case ignored");
	ok(allowed("http://127.0.0.1:8103"), "http to 127.0.0.1 allowed");
	ok(allowed("http://127.5.6.7/"), "http to 127/8 allowed");
	ok(allowed("http://localhost:9/x"), "http to localhost allowed");
	ok(allowed("http://[::1]:8103/"), "http to [::1] allowed");
	ok(!allowed("http://portal.example.org"), "plain http elsewhere refused");
	ok(!allowed("http://10.0.0.1"), "plain http to a LAN address refused");
	ok(!allowed("http://127.0.0.1.evil.example/"),
	    "127.0.0.1 as a name prefix refused");
	ok(!allowed("http://localhost@evil.example/"),
	    "user info trick refused");
	ok(!allowed("ftp://127.0.0.1/"), "other schemes refused");
	ok(!allowed("portal.example.org"), "no scheme refused");
	ok(!allowed("http://[::1"), "broken IPv6 literal refused");
	url_allowed("http://portal.example.org", &cause);
	like(cause, "secure connection", "refusal explains itself");
	free(cause);

	s = url_host("https://Portal.Example.org:8443/a?b#c");
	is(s, "Portal.Example.org", "host without port");
	free(s);
	s = url_host("http://[::1]:80/");
	is(s, "::1", "IPv6 host without brackets");
	free(s);
	s = url_root("https://p.example.org:8443/fhir/R4?x=1");
	is(s, "https://p.example.org:8443", "root of a URL");
	free(s);

	s = url_escape("a b&c=d/é~");
	is(s, "a%20b%26c%3Dd%2F%C3%A9~", "escape reserved and non-ASCII");
	free(s);
	s = url_unescape("a%20b+c%2B", 1);
	is(s, "a b c+", "form unescape");
	free(s);
	ok(url_unescape("bad%2", 0) == NULL, "truncated escape refused");
	ok(url_unescape("nul%00", 0) == NULL, "escaped NUL refused");

	s = url_join("http://h/fhir/R4/", "/Patient/1");
	is(s, "http://h/fhir/R4/Patient/1", "join drops doubled slashes");
	free(s);

	buf_init(&b, 4096);
	url_query_add(&b, "patient", "Patient/123");
	url_query_add(&b, "code", "http://loinc.org|4548-4");
	url_query_add(&b, "date", "ge2026-01-01T00:00:00+01:00");
	is(b.data, "patient=Patient%2F123&code=http%3A%2F%2Floinc.org%7C4548-4"
	    "&date=ge2026-01-01T00%3A00%3A00%2B01%3A00", "query building");
	buf_free(&b, 0);
	return done_testing();
}
