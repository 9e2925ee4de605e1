/*
 * SMART discovery and sign-in by browser (src/auth.c, src/fhir.c,
 * src/smart.c, src/serves.c): the input is a JSON document, NUL, then
 * text. The document is taken as a .well-known/smart-configuration
 * (endpoints printable ASCII or none, a token endpoint always) and as
 * the metadata CapabilityStatement (what is served); the text as the
 * address a person pastes back (a code only with this sign-in's state)
 * and as the request the loopback listener reads.
 */
#include "config.h"

#include "auth.h"
#include "export.h"
#include "fhir.h"
#include "fuzz.h"
#include "serves.h"
#include "smart.h"

#define STATE	"fuzz-state-1"

/* s is NULL, or printable ASCII with no space. */
static int
printable(const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if (*s <= 0x20 || *s >= 0x7f)
			return 0;
	}
	return 1;
}

static void
discovery(const struct json *conf)
{
	struct auth_server	 srv;

	memset(&srv, 0, sizeof srv);
	srv.root = xstrdup("https://portal.example");
	auth_server_take(&srv, conf);
	FUZZ_CHECK(printable(srv.authorize_endpoint) &&
	    printable(srv.token_endpoint) && printable(srv.revoke_endpoint),
	    "an endpoint that is not printable ASCII");
	FUZZ_CHECK(srv.token_endpoint != NULL, "no token endpoint");
	FUZZ_CHECK(srv.scopes != NULL, "no scopes for a browser sign-in");
	FUZZ_CHECK(srv.authorize_endpoint != NULL ||
	    !(srv.caps & AUTH_CAP_SMART), "a browser sign-in with no "
	    "authorize endpoint");
	auth_server_free(&srv);
}

static void
metadata(const struct json *statement)
{
	struct fhir	*f;
	int		 what;

	f = fhir_create(NULL, "https://portal.example",
	    "https://portal.example/fhir/R4");
	if (fhir_take_capabilities(f, statement) == 0) {
		(void)fhir_can(f, "Patient");
		(void)fhir_can(f, "Observation");
		for (what = SERVE_RESULTS; what <= SERVE_NOTES; what++)
			(void)serves(f, what);
	}
	(void)export_has_everything(statement);
	fhir_free(f);
}

static void
browser(const char *text)
{
	struct smart_flow	 fl;
	char			*code = NULL, *cause = NULL, *target;

	memset(&fl, 0, sizeof fl);
	fl.fd = -1;
	fl.state = xstrdup(STATE);
	fl.redirect_uri = xstrdup("http://127.0.0.1:8765/callback");
	if (smart_code(&fl, text, &code, &cause) == 0) {
		FUZZ_CHECK(code != NULL && *code != '\0', "an empty code");
		FUZZ_CHECK(cause == NULL, "a code and a complaint");
	} else
		FUZZ_CHECK(code == NULL && cause != NULL, "no code, no "
		    "complaint");
	free(code);
	free(cause);
	if ((target = smart_redirect(&fl, text)) != NULL) {
		FUZZ_CHECK(strncmp(target, "/callback", 9) == 0,
		    "another path taken for the redirect");
		FUZZ_CHECK(strchr(target, ' ') == NULL, "a space in the "
		    "target");
		free(target);
	}
	smart_end(&fl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json	*j;
	char		*parts[2], *buf;

	fuzz_parts(data, size, parts, 2, &buf);
	if ((j = fuzz_json(parts[0], strlen(parts[0]))) != NULL) {
		discovery(j);
		metadata(j);
		json_free(j);
	}
	browser(parts[1]);
	free(buf);
	return 0;
}
