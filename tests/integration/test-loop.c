/*
 * Integration tests of the one event loop: timers, watched fds and
 * signals are served while a request to the real test portal waits, a
 * signal or a key ends that wait, and requests of two clients are on the
 * wire side by side (the portal's /_test/meet answers only then).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"
#include "fhir.h"
#include "http.h"
#include "portal.h"
#include "portal-test.h"
#include "tap.h"
#include "util.h"

static char	fired[8];	/* timer marks, in the order they fired */
static size_t	nfired;

static void
mark(void *arg)
{
	if (nfired < sizeof fired - 1)
		fired[nfired++] = *(const char *)arg;
}

static void
set_flag(void *arg)
{
	*(int *)arg = 1;
}

static void
break_wait(void *arg)
{
	(void)arg;
	ev_break();
}

static int	 timers_done;

/* The last mark ends the wait, however late the loop turns. */
static void
last(void *arg)
{
	mark(arg);
	timers_done = 1;
}

/* A timer that sets another (due after "c"): it fires on a later turn. */
static void
chain(void *arg)
{
	mark(arg);
	ev_timer(25, last, "d");
}

static void
timers(void)
{
	unsigned	 gone, later;
	int		 done = 0;

	nfired = 0;
	ev_timer(30, mark, "c");
	ev_timer(10, chain, "a");
	gone = ev_timer(15, mark, "x");
	ev_timer(20, mark, "b");
	ev_cancel(gone);
	ok(ev_until(&timers_done) == 0, "ev_until ends when its flag is set");
	fired[nfired] = '\0';
	is(fired, "abcd", "timers fire earliest first; a cancelled one never; "
	    "one set by a timer later");

	ev_timer(10, break_wait, NULL);
	later = ev_timer(60000, set_flag, &done);
	ok(ev_until(&done) == -1 && !done, "ev_break ends the wait (-1)");
	ev_cancel(later);
	ev_break();		/* no wait under way: nothing to end */
	ev_timer(10, set_flag, &done);
	ok(ev_until(&done) == 0 && done, "a break with no wait is not kept "
	    "for the next one");
}

static void
read_byte(void *arg)
{
	int	*fds = arg;
	char	 c;

	if (read(fds[0], &c, 1) == 1)
		fds[2]++;
}

static void
watches(void)
{
	int	fds[3] = { -1, -1, 0 }, done = 0;

	if (pipe(fds) != 0)
		exit(1);
	ev_watch(fds[0], read_byte, fds);
	if (write(fds[1], "ab", 2) != 2)
		exit(1);
	ev_timer(100, set_flag, &done);
	ev_until(&done);
	ok(fds[2] == 2, "a watched fd is called back while readable (%d)",
	    fds[2]);
	ev_watch(fds[0], NULL, NULL);
	if (write(fds[1], "c", 1) != 1)
		exit(1);
	done = 0;
	ev_timer(50, set_flag, &done);
	ev_until(&done);
	ok(fds[2] == 2, "an fd no longer watched is left alone");
	ok(ev_wait_readable(fds[0]) == 1, "ev_wait_readable: a byte waits");
	close(fds[0]);
	close(fds[1]);
}

static int	 during;	/* a timer saw a request under way */
static int	 got_signal;

static void
in_request(void *arg)
{
	(void)arg;
	during = ev_depth() > 0;
}

static void
on_signal(int sig, void *arg)
{
	(void)arg;
	got_signal = sig;
	ev_break();
}

/* A child that signals this process after ms milliseconds. */
static pid_t
signal_later(int sig, long ms)
{
	struct timespec	nap = { ms / 1000, (ms % 1000) * 1000000L };
	pid_t		parent = getpid(), pid;

	if ((pid = fork()) == 0) {
		nanosleep(&nap, NULL);
		kill(parent, sig);
		_exit(0);
	}
	return pid;
}

static void
during_requests(struct portal *p, const char *self)
{
	struct fhir_result	 res;
	char			*cause = NULL;
	pid_t			 child;
	int			 rc, fds[2];

	/* A timer fires while a slow request waits; the request lands. */
	pt_fault("latency", 1, 1500, "/fhir");
	ev_timer(100, in_request, NULL);
	rc = fhir_read(portal_fhir(p), self, NULL, &res, &cause);
	ok(rc == 0, "a slow request lands%s%s", rc ? ": " : "",
	    rc ? cause : "");
	ok(during, "a timer fired while it waited");
	fhir_result_free(&res);
	free(cause);
	cause = NULL;

	/* A signal arriving meanwhile is seen in the loop and ends it. */
	ev_signal(SIGUSR1, on_signal, NULL);
	pt_fault("latency", 1, 4000, "/fhir");
	child = signal_later(SIGUSR1, 200);
	rc = fhir_read(portal_fhir(p), self, NULL, &res, &cause);
	waitpid(child, NULL, 0);
	ok(got_signal == SIGUSR1, "a signal during a request reaches the "
	    "loop's callback");
	ok(rc == -1 && res.net_error == HTTP_ERR_CANCELLED,
	    "and the callback's break cancels the request");
	like(cause, "Cancelled", "which says so");
	fhir_result_free(&res);
	free(cause);
	cause = NULL;

	/* So does one while a line is waited for (plain mode). */
	got_signal = 0;
	if (pipe(fds) != 0)
		exit(1);
	child = signal_later(SIGUSR1, 100);
	ok(ev_wait_readable(fds[0]) == 0 && got_signal == SIGUSR1,
	    "a signal ends the wait for a line");
	waitpid(child, NULL, 0);
	close(fds[0]);
	close(fds[1]);
	ev_signal(SIGUSR1, NULL, NULL);
	sleep(4);	/* let the portal finish the abandoned answer */
}

struct side {
	struct http_req	*req[2];
	int		 finished, done;
};

static void
landed(struct http_req *r, void *arg)
{
	struct side	*s = arg;

	(void)r;
	if (++s->finished == 2)
		s->done = 1;
}

/* A client of each name of the loopback: two servers, two connections. */
static void
side_by_side(void)
{
	struct http_request	 q[2];
	struct http_response	 resp;
	struct http		*h[2];
	struct side		 s;
	char			*url[2], *base2, *cause = NULL;
	const char		*base = pt_url(), *at;
	int			 i, rc, status[2];

	/* The same portal by another name (127.0.0.1 or localhost). */
	if ((at = strstr(base, "127.0.0.1")) != NULL)
		base2 = xasprintf("%.*slocalhost%s", (int)(at - base), base,
		    at + 9);
	else if ((at = strstr(base, "localhost")) != NULL)
		base2 = xasprintf("%.*s127.0.0.1%s", (int)(at - base), base,
		    at + 9);
	else
		base2 = xstrdup(base);
	memset(&s, 0, sizeof s);
	memset(q, 0, sizeof q);
	for (i = 0; i < 2; i++) {
		h[i] = http_create();
		url[i] = xasprintf("%s/_test/meet?key=side&n=2&ms=8000",
		    i ? base2 : base);
		q[i].url = url[i];
		s.req[i] = http_start(h[i], &q[i], &cause);
		if (s.req[i] == NULL) {
			printf("Bail out! %s\n", cause);
			exit(1);
		}
		http_req_then(s.req[i], landed, &s);
	}
	ok(ev_until(&s.done) == 0, "two requests of two clients finish");
	for (i = 0; i < 2; i++) {
		status[i] = -1;
		if (http_req_finish(s.req[i], &resp, &cause) == HTTP_OK)
			status[i] = (int)resp.status;
		http_response_free(&resp);
	}
	ok(status[0] == 200 && status[1] == 200, "and met at the portal: "
	    "they were on the wire side by side (%d, %d)", status[0],
	    status[1]);

	/* The control: one after the other, they never meet. */
	free(url[0]);
	url[0] = xasprintf("%s/_test/meet?key=alone&n=2&ms=300", base);
	q[0].url = url[0];
	rc = http_perform(h[0], &q[0], &resp, &cause);
	ok(rc == HTTP_OK && resp.status == 408, "a request alone does not "
	    "meet (%ld)", resp.status);
	http_response_free(&resp);
	for (i = 0; i < 2; i++) {
		http_free(h[i]);
		free(url[i]);
	}
	free(base2);
	free(cause);
}

int
main(void)
{
	struct portal	*p;
	char		*self;

	pt_reset();
	timers();
	watches();
	p = pt_sign_in("maria@example.org", "Chartty-demo-1");
	self = xasprintf("Patient/%s", portal_session(p)->patient);
	during_requests(p, self);
	side_by_side();
	free(self);
	portal_free(p);
	done_testing();
}
