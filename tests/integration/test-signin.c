/*
 * Integration tests of signing in against the real test portal: password,
 * MFA, wrong password, lockout, expiry and refresh, rotation, sign-out.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "portal.h"
#include "portal-test.h"
#include "tap.h"
#include "util.h"

#define MARIA	"maria@example.org"
#define JAMES	"james@example.org"
#define LINDA	"linda@example.org"

/* Read the signed-in patient's own Patient resource. */
static int
read_self(struct portal *p, char **cause)
{
	struct fhir_result	 res;
	char			*path;
	int			 rc;

	path = xasprintf("Patient/%s", portal_session(p)->patient);
	rc = fhir_read(portal_fhir(p), path, NULL, &res, cause);
	free(path);
	fhir_result_free(&res);
	return rc;
}

/* Try a sign-in; returns the result and keeps the cause in *cause. */
static int
try_sign_in(const char *email, const char *password, char **cause)
{
	struct portal	*p = portal_create(pt_url(), email, 0);
	int		 rc;

	*cause = NULL;
	if ((rc = portal_connect(p, cause)) == AUTH_OK)
		rc = portal_sign_in(p, password, cause);
	portal_free(p);
	return rc;
}

/* The reset email's link for email, from the portal's outbox (static). */
static const char *
reset_link(const char *email)
{
	static char	 url[512];
	struct json	*box;
	char		*path = xasprintf("/_test/outbox?to=%s", email);
	size_t		 i;

	url[0] = '\0';
	box = pt_get(path);
	for (i = 0; i < json_size(box); i++) {
		const char *kind = json_gets(json_at(box, i), "kind");

		if (kind != NULL && strcmp(kind, "reset-password") == 0)
			snprintf(url, sizeof url, "%s",
			    json_gets(json_at(box, i), "url"));
	}
	json_free(box);
	free(path);
	return url;
}

/* Getting back in: the link read as pasted, a reset, a reminder. */
static void
recovery(struct http *h)
{
	struct auth_server	 server, *srv = &server;
	struct json		*box;
	char			*id, *secret, *cause = NULL, *bad;
	const char		*link;
	int			 rc;

	if (auth_discover(h, pt_url(), srv, &cause) != AUTH_OK) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}

	ok(auth_reset_link("https://portal.example/setpassword/ab-12/"
	    "XyZ_9/\n", &id, &secret) == 0 && strcmp(id, "ab-12") == 0 &&
	    strcmp(secret, "XyZ_9") == 0, "a pasted link gives its id and "
	    "secret");
	free(id);
	free(secret);
	ok(auth_reset_link("  ab-12 XyZ_9 ", &id, &secret) == 0 &&
	    strcmp(secret, "XyZ_9") == 0, "so does \"id secret\" typed");
	free(id);
	free(secret);
	ok(auth_reset_link("ab-12/XyZ_9", &id, &secret) == 0,
	    "and \"id/secret\"");
	free(id);
	free(secret);
	ok(auth_reset_link("ab-12", &id, &secret) == -1 &&
	    auth_reset_link("x y z", &id, &secret) == -1 &&
	    auth_reset_link("a;b c", &id, &secret) == -1 &&
	    auth_reset_link("", &id, &secret) == -1,
	    "anything else is not a link");

	pt_reset();
	rc = auth_reset_request(h, srv, "nobody@example.org", &cause);
	ok(rc == AUTH_OK, "a reset for an unknown email: the same answer");
	rc = auth_reset_request(h, srv, MARIA, &cause);
	ok(rc == AUTH_OK, "a reset is asked for");
	link = reset_link(MARIA);
	ok(auth_reset_link(link, &id, &secret) == 0, "the outbox holds its "
	    "link (%s)", link);
	rc = auth_set_password(h, srv, id, secret, "short", &cause);
	ok(rc == AUTH_ERR, "a password against the rules is refused");
	like(cause, "at least 8 characters", "in the portal's words");
	free(cause);
	cause = NULL;
	bad = xstrdup(secret);
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	rc = auth_set_password(h, srv, id, bad, "Brand-new-1", &cause);
	ok(rc == AUTH_ERR, "a wrong secret is refused");
	like(cause, "not valid or has expired", "in the portal's words");
	free(cause);
	cause = NULL;
	free(bad);
	rc = auth_set_password(h, srv, id, secret, "Brand-new-1", &cause);
	ok(rc == AUTH_OK, "the new password is set%s%s", rc ? ": " : "",
	    rc ? cause : "");
	free(cause);
	cause = NULL;
	rc = try_sign_in(MARIA, "Brand-new-1", &cause);
	ok(rc == AUTH_OK, "and signs in");
	free(cause);
	cause = NULL;
	rc = auth_set_password(h, srv, id, secret, "Brand-new-2", &cause);
	ok(rc == AUTH_ERR, "a link works once");
	free(cause);
	cause = NULL;
	free(id);
	free(secret);

	rc = auth_forgot_username(h, srv, "Maria", "Lopez", "1971-03-14",
	    &cause);
	ok(rc == AUTH_OK, "a username reminder is asked for");
	rc = auth_forgot_username(h, srv, "Maria", "Lopez", "1971-03-15",
	    &cause);
	ok(rc == AUTH_OK, "a wrong birth date gets the same answer");
	box = pt_get("/_test/outbox?to=maria@example.org");
	rc = 0;
	for (size_t i = 0; i < json_size(box); i++) {
		const char *k = json_gets(json_at(box, i), "kind");

		rc += k != NULL && strcmp(k, "username-reminder") == 0;
	}
	ok(rc == 1, "one reminder went out, for the right birth date (%d)",
	    rc);
	json_free(box);
	auth_server_free(srv);
	pt_reset();
}

/* Getting an account: activation codes and sign-up by identity match. */
static void
accounts(struct http *h)
{
	struct auth_server	 srv;
	struct auth_session	 ses;
	struct auth_login	 login;
	struct json		*j;
	char			*cause = NULL, *expired;
	int			 rc;

	pt_reset();
	memset(&ses, 0, sizeof ses);
	memset(&login, 0, sizeof login);
	if (auth_discover(h, pt_url(), &srv, &cause) != AUTH_OK) {
		printf("Bail out! %s\n", cause);
		exit(1);
	}
	ok((srv.caps & AUTH_CAP_ACTIVATION) && (srv.caps & AUTH_CAP_SIGNUP),
	    "activation and sign-up announced");
	rc = auth_activate(h, &srv, "act-7q4m 2kd9", "1988-04-13",
	    "grace@example.org", "Grace-new-1", &login, &ses, &cause);
	ok(rc == AUTH_ERR, "activation with a wrong birth date is refused");
	is(cause, "The activation code or date of birth is not correct.",
	    "without saying which");
	free(cause);
	cause = NULL;
	rc = auth_activate(h, &srv, "act-7q4m 2kd9", "1988-04-12",
	    "grace@example.org", "Grace-new-1", &login, &ses, &cause);
	ok(rc == AUTH_OK && ses.access_token != NULL, "a valid code (case, "
	    "spaces and hyphens aside) makes the account, signed in%s%s",
	    rc ? ": " : "", rc ? cause : "");
	free(cause);
	cause = NULL;
	auth_session_clear(&ses);
	rc = auth_activate(h, &srv, "ACT-7Q4M-2KD9", "1988-04-12",
	    "grace2@example.org", "Grace-new-1", &login, &ses, &cause);
	ok(rc == AUTH_ERR, "a used code is refused");
	like(cause, "already been used", "in the portal's words");
	free(cause);
	cause = NULL;
	j = pt_post("/_test/activation-code",
	    "{\"patient\":\"samuel-reyes\",\"issuedDaysAgo\":31}");
	expired = xstrdup(json_gets(j, "code"));
	json_free(j);
	rc = auth_activate(h, &srv, expired, "1990-07-23",
	    "samuel@example.org", "Samuel-new-1", &login, &ses, &cause);
	ok(rc == AUTH_ERR, "an expired code is refused");
	like(cause, "expired", "in the portal's words");
	free(cause);
	cause = NULL;
	free(expired);

	rc = auth_signup(h, &srv, "Samuel", "Reyes", "1990-07-23", "6780",
	    "samuel@example.org", "Samuel-new-1", &login, &ses, &cause);
	ok(rc == AUTH_ERR, "sign-up with details that do not match fails");
	like(cause, "help desk", "and sends to the help desk");
	ok(cause != NULL && strstr(cause, "SSN") == NULL &&
	    strstr(cause, "birth") == NULL, "never saying which field");
	free(cause);
	cause = NULL;
	rc = auth_signup(h, &srv, "Samuel", "Reyes", "1990-07-23", "6789",
	    "samuel@example.org", "Samuel-new-1", &login, &ses, &cause);
	ok(rc == AUTH_OK && ses.access_token != NULL, "a match signs up and "
	    "in%s%s", rc ? ": " : "", rc ? cause : "");
	free(cause);
	cause = NULL;
	auth_session_clear(&ses);
	rc = auth_signup(h, &srv, "Maria", "Lopez", "1971-03-14", "4321",
	    "maria2@example.org", "Maria-new-1", &login, &ses, &cause);
	ok(rc == AUTH_ERR, "an existing account is refused");
	is(cause, "You already have an account; use Forgot password.",
	    "with the way back in");
	free(cause);
	auth_server_free(&srv);
	pt_reset();
}

int
main(void)
{
	struct auth_server	 srv;
	struct auth_session	 old;
	struct auth_me		 me;
	struct portal		*p;
	struct http		*h = http_create();
	char			*cause = NULL, *access;
	size_t			 i;
	int			 rc, found;

	pt_reset();

	/* Discovery. */
	rc = auth_discover(h, pt_url(), &srv, &cause);
	ok(rc == AUTH_OK, "discovery works");
	ok(srv.caps & AUTH_CAP_PASSWORD, "password sign-in announced");
	ok(srv.caps & AUTH_CAP_MFA, "MFA announced");
	ok(srv.token_endpoint != NULL, "token endpoint found");
	auth_server_free(&srv);
	rc = auth_discover(h, "http://127.0.0.1:1", &srv, &cause);
	ok(rc == AUTH_ERR_NETWORK, "an unreachable server is a network error");
	like(cause, "Cannot reach 127.0.0.1", "and says so plainly");
	free(cause);
	rc = auth_discover(h, "http://portal.example.org", &srv, &cause);
	ok(rc == AUTH_ERR, "plain http to another host is refused");
	like(cause, "secure connection", "and the refusal says why");
	free(cause);

	/* Password sign-in without MFA. */
	p = pt_sign_in(MARIA, "Chartty-demo-1");
	ok(portal_session(p)->access_token != NULL, "maria: access token");
	ok(portal_session(p)->refresh_token != NULL,
	    "maria: refresh token (offline_access)");
	ok(portal_session(p)->patient != NULL, "maria: patient id given");
	ok(read_self(p, &cause) == 0, "maria reads her own Patient");
	ok(auth_me(portal_fhir(p), &me, &cause) == AUTH_OK, "/auth/me works");
	ok(me.npeople >= 1 && strcmp(me.people[0].relationship, "self") == 0,
	    "/auth/me lists maria herself");
	auth_me_free(&me);

	/* Token expiry mid-use: refresh, carry on, rotated refresh token. */
	access = xstrdup(portal_session(p)->access_token);
	memset(&old, 0, sizeof old);
	old.refresh_token = xstrdup(portal_session(p)->refresh_token);
	json_free(pt_post("/_test/expire-tokens", NULL));
	rc = read_self(p, &cause);
	ok(rc == 0, "after the token expired the read still works%s%s",
	    rc ? ": " : "", rc ? cause : "");
	ok(strcmp(access, portal_session(p)->access_token) != 0,
	    "a new access token was fetched");
	ok(strcmp(old.refresh_token, portal_session(p)->refresh_token) != 0,
	    "the refresh token rotated");
	rc = auth_refresh(h, portal_server(p), &old, &cause);
	ok(rc == AUTH_ERR_EXPIRED, "the old refresh token no longer works");
	like(cause, "sign in again", "and the session-ended sentence is plain");
	free(cause);
	auth_session_clear(&old);

	/* Sign-out revokes the session and its refresh token. */
	old.refresh_token = xstrdup(portal_session(p)->refresh_token);
	old.access_token = xstrdup(portal_session(p)->access_token);
	ok(portal_sign_out(p, &cause) == AUTH_OK, "sign-out works");
	ok(portal_session(p)->access_token == NULL, "tokens dropped on sign-out");
	rc = auth_refresh(h, portal_server(p), &old, &cause);
	ok(rc == AUTH_ERR_EXPIRED, "refresh token revoked by sign-out");
	free(cause);
	fhir_set_token(portal_fhir(p), old.access_token);
	fhir_set_refresh(portal_fhir(p), NULL, NULL);
	{
		struct fhir_result res;
		char *path = xasprintf("Patient/%s", portal_session(p)->patient ?
		    portal_session(p)->patient : "x");

		rc = fhir_read(portal_fhir(p), "/auth/me", NULL, &res, &cause);
		ok(rc == -1 && res.status == 401,
		    "access token revoked by sign-out (%ld)", res.status);
		like(cause, "sign in again", "401 says to sign in again");
		free(cause);
		fhir_result_free(&res);
		free(path);
	}
	auth_session_clear(&old);
	portal_free(p);
	free(access);

	/* Wrong password: the same words for unknown emails. */
	rc = try_sign_in(MARIA, "wrong-password", &cause);
	ok(rc == AUTH_ERR, "wrong password refused");
	is(cause, "Email or password is invalid.", "wrong password sentence");
	free(cause);
	rc = try_sign_in("nobody@example.org", "whatever", &cause);
	is(cause, "Email or password is invalid.",
	    "unknown email gets the same sentence");
	free(cause);

	/* MFA. */
	p = portal_create(pt_url(), JAMES, 0);
	portal_connect(p, &cause);
	rc = portal_sign_in(p, "Chartty-demo-2", &cause);
	ok(rc == AUTH_NEED_MFA, "james: MFA asked for");
	ok(portal_session(p)->access_token == NULL, "no token before the code");
	rc = portal_verify(p, "000000", &cause);
	if (rc == AUTH_OK)	/* one in a million: 000000 was right */
		rc = AUTH_ERR;
	ok(rc == AUTH_ERR, "a wrong code is refused");
	ok(cause != NULL && strlen(cause) > 10, "with a sentence: %s",
	    cause ? cause : "");
	free(cause);
	cause = NULL;
	rc = portal_verify(p, pt_totp(JAMES), &cause);
	ok(rc == AUTH_OK, "the right code signs in%s%s", rc ? ": " : "",
	    rc ? cause : "");
	ok(auth_me(portal_fhir(p), &me, &cause) == AUTH_OK, "james: /auth/me");
	found = 0;
	for (i = 0; i < me.npeople; i++) {
		if (me.people[i].access != NULL &&
		    strcmp(me.people[i].access, "limited") == 0 &&
		    me.people[i].note != NULL)
			found++;
	}
	ok(me.npeople >= 3, "james may act for himself and two children");
	ok(found == 1, "one child with limited access and a note");
	auth_me_free(&me);
	portal_free(p);

	/* Lockout: five wrong, then 429 with the time left. */
	for (i = 0; i < 5; i++) {
		rc = try_sign_in(LINDA, "nope", &cause);
		free(cause);
	}
	ok(rc == AUTH_ERR, "fifth wrong password still just wrong");
	rc = try_sign_in(LINDA, "nope", &cause);
	ok(rc == AUTH_ERR_LOCKED, "sixth attempt: locked");
	is(cause, "Too many attempts. Try again in 15 minutes or call the "
	    "help desk.", "lockout sentence with minutes left");
	free(cause);
	rc = try_sign_in(LINDA, "Chartty-demo-3", &cause);
	ok(rc == AUTH_ERR_LOCKED, "even the right password waits out the lock");
	free(cause);
	auth_set_helpdesk("555-0100 (weekdays 8 to 6)");
	rc = try_sign_in(LINDA, "nope", &cause);
	is(cause, "Too many attempts. Try again in 15 minutes or call the "
	    "help desk at 555-0100 (weekdays 8 to 6).", "the help desk's "
	    "number from the configuration, in the sentence");
	free(cause);
	auth_set_helpdesk(NULL);
	recovery(h);
	accounts(h);
	for (i = 0; i < 6; i++) {
		rc = try_sign_in("ghost@example.org", "nope", &cause);
		free(cause);
	}
	ok(rc == AUTH_ERR_LOCKED, "unknown emails lock the same way");

	/* A session whose refresh token is gone: sign in again. */
	p = pt_sign_in(MARIA, "Chartty-demo-1");
	secret_free(portal_session(p)->refresh_token);
	portal_session(p)->refresh_token = xstrdup("not-a-real-token");
	json_free(pt_post("/_test/expire-tokens", NULL));
	rc = read_self(p, &cause);
	ok(rc == -1, "expired token with a dead refresh token fails");
	is(cause, "Your session has ended. Please sign in again.",
	    "and asks to sign in again");
	free(cause);
	ok(!portal_signed_in(p), "the session is dropped");
	portal_free(p);

	/* A server that does not announce password sign-in is not sent a
	 * password: six wrong tries lock nothing. */
	pt_reset();
	json_free(pt_post("/_test/capabilities",
	    "{\"without\":[\"portal-password-login\"]}"));
	for (i = 0; i < 6; i++) {
		rc = try_sign_in(MARIA, "wrong-password", &cause);
		if (i < 5)
			free(cause);
	}
	ok(rc == AUTH_ERR, "no portal-password-login: sign-in refused");
	is(cause, "This portal does not offer password sign-in.",
	    "in one sentence");
	free(cause);
	json_free(pt_post("/_test/capabilities", "{\"without\":[]}"));
	rc = try_sign_in(MARIA, "Chartty-demo-1", &cause);
	ok(rc == AUTH_OK, "and no password was sent (no lockout): %s",
	    cause ? cause : "signed in");
	free(cause);

	http_free(h);
	return done_testing();
}
