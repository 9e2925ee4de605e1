/*
 * Integration tests of bad network days: every fault the test portal can
 * inject gives one clear sentence, no crash, and the client carries on.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "evloop.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "portal.h"
#include "portal-test.h"
#include "tap.h"
#include "util.h"

static char	*self_path;

/* Read own Patient; returns rc and fills cause and status. */
static int
read_self(struct portal *p, char **cause, long *status)
{
	struct fhir_result	res;
	int			rc;

	*cause = NULL;
	rc = fhir_read(portal_fhir(p), self_path, NULL, &res, cause);
	*status = res.status;
	fhir_result_free(&res);
	return rc;
}

/* After a fault the next ordinary request works. */
static void
carries_on(struct portal *p, const char *after)
{
	char	*cause;
	long	 status;
	int	 rc = read_self(p, &cause, &status);

	ok(rc == 0, "after %s the next request works%s%s", after,
	    rc ? ": " : "", rc ? cause : "");
	free(cause);
}

/* A watched pipe, read in the loop: a byte is like Esc, it cancels. */
static void
cancel_watch(void *arg)
{
	char	c;

	if (read(*(int *)arg, &c, 1) == 1)
		ev_break();
}

/* Faults whose answer must be an error with these words. */
static const struct {
	const char	*kind;
	int		 count;
	const char	*what;
	const char	*says;
} faults[] = {
	/* Twice: libcurl retries once by itself when a reused connection dies. */
	{ "drop", 2, "a dropped connection", "connection to 127.0.0.1 was lost" },
	{ "truncate", 1, "a truncated body", "lost before the answer arrived" },
	{ "malformed", 1, "malformed JSON", "could not be read" },
	{ "huge", 1, "a huge answer", "too large" },
};

int
main(void)
{
	size_t		 i;
	struct portal	*p;
	char		*cause;
	long		 status;
	time_t		 t0;
	int		 rc, fds[2];

	pt_reset();
	p = pt_sign_in("maria@example.org", "Chartty-demo-1");
	self_path = xasprintf("Patient/%s", portal_session(p)->patient);
	carries_on(p, "sign-in");

	pt_fault("500", 1, 0, "/fhir");
	rc = read_self(p, &cause, &status);
	ok(rc == -1 && status == 500, "a 500 is an error (%ld)", status);
	ok(cause != NULL && strchr(cause, '{') == NULL && strlen(cause) > 10,
	    "500 in plain words: %s", cause ? cause : "");
	free(cause);
	carries_on(p, "a 500");

	/* Each fault: an error, its sentence, and the client carries on. */
	for (i = 0; i < sizeof faults / sizeof faults[0]; i++) {
		pt_fault(faults[i].kind, faults[i].count, 0, "/fhir");
		rc = read_self(p, &cause, &status);
		ok(rc == -1, "%s is an error, not a crash", faults[i].what);
		like(cause, faults[i].says, "%s: says so", faults[i].what);
		free(cause);
		carries_on(p, faults[i].what);
	}

	pt_fault("expire-token", 1, 0, "/fhir");
	rc = read_self(p, &cause, &status);
	ok(rc == 0, "an expired token is refreshed and the read carries on%s%s",
	    rc ? ": " : "", rc ? cause : "");
	free(cause);

	/* Slow answers within the stall limit arrive; beyond it time out. */
	http_set_limits(portal_http(p), 2000, 2, HTTP_MAX_BODY);
	pt_fault("latency", 1, 1000, "/fhir");
	rc = read_self(p, &cause, &status);
	ok(rc == 0, "a 1 s delay is only slow");
	free(cause);
	pt_fault("latency", 1, 6000, "/fhir");
	t0 = time(NULL);
	rc = read_self(p, &cause, &status);
	ok(rc == -1, "a 6 s stall with a 2 s limit times out");
	like(cause, "did not answer in time", "and says so");
	ok(time(NULL) - t0 < 5, "without waiting for the whole stall");
	free(cause);
	carries_on(p, "a time-out");

	/* A key press (here: a byte on a pipe) cancels a slow request. */
	if (pipe(fds) != 0)
		return 1;
	ev_watch(fds[0], cancel_watch, &fds[0]);
	pt_fault("latency", 1, 4000, "/fhir");
	if (write(fds[1], "\033", 1) != 1)
		return 1;
	t0 = time(NULL);
	rc = read_self(p, &cause, &status);
	ok(rc == -1 && time(NULL) - t0 < 3, "Esc cancels a slow request");
	like(cause, "Cancelled", "and says it was cancelled");
	free(cause);
	ev_watch(fds[0], NULL, NULL);
	sleep(4);	/* let the portal finish the abandoned answer */
	carries_on(p, "a cancelled request");

	/* Sign-in faults: a server error during login is a sentence too. */
	{
		struct portal *q = portal_create(pt_url(), "maria@example.org",
		    0);

		cause = NULL;
		portal_connect(q, &cause);
		pt_fault("500", 1, 0, "/auth/login");
		rc = portal_sign_in(q, "Chartty-demo-1", &cause);
		ok(rc == AUTH_ERR, "a 500 during sign-in fails cleanly");
		like(cause, "could not sign you in", "and says so");
		free(cause);
		cause = NULL;
		pt_fault("drop", 2, 0, "/auth/login");
		rc = portal_sign_in(q, "Chartty-demo-1", &cause);
		ok(rc == AUTH_ERR_NETWORK, "a dropped sign-in is a network error");
		free(cause);
		cause = NULL;
		rc = portal_sign_in(q, "Chartty-demo-1", &cause);
		ok(rc == AUTH_OK, "then signing in works");
		free(cause);
		portal_free(q);
	}

	free(self_path);
	portal_free(p);
	return done_testing();
}
