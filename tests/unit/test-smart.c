/*
 * Unit tests of the SMART standalone launch's pieces: the authorize
 * address (PKCE S256, state, scopes, a loopback redirect listened on),
 * the browser's return to the loopback, and the code taken from what a
 * person pastes.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "crypto.h"
#include "fhir.h"
#include "json.h"
#include "smart.h"
#include "tap.h"
#include "url.h"
#include "util.h"

static int	browsers[4], nbrowsers;

/* Act as the browser: send a GET of target to the loopback port (the
 * answer comes once smart_take() has read it). */
static void
browse(int port, const char *target)
{
	struct sockaddr_in	 sin;
	char			*req;
	int			 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return;
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)port);
	if (connect(fd, (struct sockaddr *)&sin, sizeof sin) == 0) {
		req = xasprintf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
		    target);
		if (write(fd, req, strlen(req)) < 0)
			diag("the request could not be sent");
		free(req);
	}
	browsers[nbrowsers++] = fd;
}

/* The listener's request head: the redirect's target, or none. */
static void
test_redirect(void)
{
	struct smart_flow	 f;
	char			*t;

	memset(&f, 0, sizeof f);
	f.redirect_uri = "http://127.0.0.1:8765/callback";
	t = smart_redirect(&f, "GET /callback?code=c&state=s HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n\r\n");
	is(t, "/callback?code=c&state=s", "the redirect's target is taken");
	free(t);
	ok(smart_redirect(&f, "GET /callbackx?code=c HTTP/1.1\r\n") == NULL,
	    "another path is not the redirect");
	ok(smart_redirect(&f, "POST /callback?code=c HTTP/1.1\r\n") ==
	    NULL, "nor another method");
	ok(smart_redirect(&f, "GET /callback") == NULL,
	    "nor a request line cut short");
}

static struct json *
parse(const char *text)
{
	char	*cause = NULL;

	return json_parse(text, strlen(text), &cause);
}

/* A SMART configuration taken: endpoints, capabilities, scopes. */
static void
test_configuration(void)
{
	struct auth_server	 srv;
	struct json		*j;

	j = parse("{\"authorization_endpoint\":\"https://h.example/auth\","
	    "\"token_endpoint\":\"https://h.example/tok\\u001b[2J\","
	    "\"capabilities\":[\"launch-standalone\",\"portal-kiosk\","
	    "7],\"scopes_supported\":[\"patient/*.read\"]}");
	memset(&srv, 0, sizeof srv);
	srv.root = xstrdup("https://h.example");
	auth_server_take(&srv, j);
	is(srv.authorize_endpoint, "https://h.example/auth",
	    "the authorize endpoint is taken");
	is(srv.token_endpoint, "https://h.example/oauth2/token",
	    "a token endpoint with an escape is dropped for the root's");
	ok(srv.caps == (AUTH_CAP_SMART | AUTH_CAP_KIOSK),
	    "the capabilities announced (%#x)", srv.caps);
	is(srv.scopes, AUTH_SMART_V1, "SMART v1 scopes for a v1 server");
	auth_server_free(&srv);
	json_free(j);
}

/* What a CapabilityStatement allows, read with no network. */
static void
test_capabilities(void)
{
	struct fhir	*f;
	struct json	*j;

	f = fhir_create(NULL, "https://h.example", "https://h.example/fhir");
	j = parse("{\"resourceType\":\"Patient\"}");
	ok(fhir_take_capabilities(f, j) == -1 && (fhir_can(f, "Patient") &
	    FHIR_CAN_UPDATE), "a Patient is no statement: all allowed still");
	json_free(j);
	j = parse("{\"resourceType\":\"CapabilityStatement\",\"rest\":[{"
	    "\"mode\":\"client\"},{\"mode\":\"server\",\"resource\":[{"
	    "\"type\":\"Patient\",\"interaction\":[{\"code\":\"read\"}]}"
	    "]}]}");
	ok(fhir_take_capabilities(f, j) == 0, "a statement is read");
	ok(fhir_can(f, "Patient") == FHIR_CAN_READ, "Patient: read only");
	ok(fhir_can(f, "Invoice") == 0, "a type not listed: nothing");
	json_free(j);
	fhir_free(f);
}

int
main(void)
{
	struct auth_server	 srv;
	struct smart_flow	 f;
	char			*v, *cause = NULL, *code = NULL, *pasted;
	char			*challenge;
	int			 port = 0, rc;

	memset(&srv, 0, sizeof srv);
	srv.fhir_base = "https://ehr.example.org/fhir/R4";
	srv.authorize_endpoint = "https://ehr.example.org/oauth2/authorize";
	srv.scopes = AUTH_SMART_V2;
	srv.client_id = "chartty-harbor";
	ok(smart_begin(&f, &srv, NULL, &cause) == 0, "a sign-in begins%s%s",
	    cause ? ": " : "", cause ? cause : "");
	ok(strncmp(f.url, "https://ehr.example.org/oauth2/authorize?", 41)
	    == 0, "at the authorize endpoint: %s", f.url);
	v = url_param(f.url, "response_type");
	is(v, "code", "an authorization code is asked for");
	free(v);
	v = url_param(f.url, "client_id");
	is(v, "chartty-harbor", "with the client id registered");
	free(v);
	v = url_param(f.url, "scope");
	is(v, AUTH_SMART_V2, "with the patient scopes");
	free(v);
	v = url_param(f.url, "aud");
	is(v, "https://ehr.example.org/fhir/R4", "aud is the FHIR base");
	free(v);
	v = url_param(f.url, "code_challenge_method");
	is(v, "S256", "PKCE S256");
	free(v);
	v = url_param(f.url, "code_challenge");
	challenge = pkce_challenge(f.verifier);
	is(v, challenge, "the challenge is the verifier's");
	free(v);
	free(challenge);
	v = url_param(f.url, "state");
	ok(v != NULL && strlen(v) >= 20 && strcmp(v, f.state) == 0,
	    "a random state is sent");
	free(v);
	v = url_param(f.url, "redirect_uri");
	ok(v != NULL && sscanf(v, "http://127.0.0.1:%d/callback", &port) ==
	    1 && port > 0 && f.fd >= 0, "a loopback redirect, listened on: "
	    "%s", v ? v : "(none)");
	free(v);

	/* The browser comes back: a stray request first, then the one. */
	browse(port, "/favicon.ico");
	usleep(100 * 1000);
	ok(smart_take(&f) == 0 && f.got == NULL, "another path is not the "
	    "redirect");
	pasted = xasprintf("/callback?code=abc123&state=%s", f.state);
	browse(port, pasted);
	usleep(100 * 1000);
	ok(smart_take(&f) == 1 && f.got != NULL && strcmp(f.got, pasted) == 0,
	    "the redirect is taken: %s", f.got ? f.got : "(none)");
	ok(smart_code(&f, f.got, &code, &cause) == 0 && code != NULL &&
	    strcmp(code, "abc123") == 0, "its code is read");
	free(code);
	free(pasted);
	while (nbrowsers > 0)
		close(browsers[--nbrowsers]);

	/* What a person pastes. */
	pasted = xasprintf("  http://127.0.0.1:%d/callback?state=%s&code=x%%2By"
	    "  \n", port, f.state);
	code = NULL;
	rc = smart_code(&f, pasted, &code, &cause);
	ok(rc == 0 && code != NULL && strcmp(code, "x+y") == 0, "a whole "
	    "address pasted, with spaces around: %s", code ? code : cause);
	free(code);
	free(pasted);
	ok(smart_code(&f, "Q2hhcnR0eQ-_.x", &code, &cause) == 0 &&
	    strcmp(code, "Q2hhcnR0eQ-_.x") == 0, "the code alone");
	free(code);
	code = NULL;
	ok(smart_code(&f, "http://127.0.0.1/callback?code=abc&state=other",
	    &code, &cause) == -1 && code == NULL && strstr(cause, "not from "
	    "this sign-in") != NULL, "another sign-in's address is refused: "
	    "%s", cause);
	free(cause);
	cause = NULL;
	pasted = xasprintf("http://127.0.0.1/callback?error=access_denied&"
	    "error_description=The%%20patient%%20said%%20no%%1b%%5B2J&state="
	    "%s", f.state);
	ok(smart_code(&f, pasted, &code, &cause) == -1 && strcmp(cause,
	    "The sign-in did not finish: The patient said no.") == 0,
	    "a refusal is said in the server's words, made safe: %s", cause);
	free(cause);
	cause = NULL;
	free(pasted);
	ok(smart_code(&f, "   ", &code, &cause) == -1, "nothing pasted: %s",
	    cause);
	free(cause);
	cause = NULL;
	smart_end(&f);
	ok(f.fd == -1 && f.verifier == NULL, "the end closes and wipes it");

	/* A registered redirect that is not loopback: pasted only. */
	ok(smart_begin(&f, &srv, "https://app.example.org/back", &cause) == 0 &&
	    f.fd == -1, "a registered web redirect is not listened on");
	v = url_param(f.url, "redirect_uri");
	is(v, "https://app.example.org/back", "and is sent as registered");
	free(v);
	smart_end(&f);
	srv.authorize_endpoint = "http://ehr.example.org/oauth2/authorize";
	ok(smart_begin(&f, &srv, NULL, &cause) == -1 && cause != NULL,
	    "plain http to another host is refused: %s", cause);
	free(cause);
	smart_end(&f);
	test_redirect();
	test_configuration();
	test_capabilities();
	return done_testing();
}
