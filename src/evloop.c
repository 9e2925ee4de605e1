/*
 * The one event loop: watched fds, a signal pipe and timers, waited on
 * in one curl_multi_poll together with every request (http_wait).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "evloop.h"
#include "http.h"
#include "util.h"

struct ev_watch {
	int	 fd;
	void	(*fn)(void *);
	void	*arg;
};

struct ev_timer {
	unsigned	 id;
	long long	 due;		/* monotonic milliseconds */
	void		(*fn)(void *);
	void		*arg;
};

struct ev_sig {
	void	(*fn)(int, void *);
	void	*arg;
};

static struct ev_watch	ev_watches[EV_MAX_WATCH];
static size_t		ev_nwatches;
static struct ev_timer	ev_timers[EV_MAX_TIMERS];
static size_t		ev_ntimers;
static unsigned		ev_last_id;
static struct ev_sig	ev_sigs[NSIG];
static int		ev_pipe[2] = { -1, -1 };
static int		ev_level;	/* ev_until waits under way */
static int		ev_broken;	/* ev_break() asked */
static int		ev_stopped;	/* ev_stop(): every wait ends */

static long long
ev_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
ev_watch(int fd, void (*fn)(void *), void *arg)
{
	size_t	i;

	for (i = 0; i < ev_nwatches && ev_watches[i].fd != fd; i++)
		;
	if (fn == NULL) {
		if (i < ev_nwatches)
			ev_watches[i] = ev_watches[--ev_nwatches];
		return;
	}
	if (i == ev_nwatches) {
		if (ev_nwatches == EV_MAX_WATCH)
			fatal("too many file descriptors watched");
		ev_nwatches++;
	}
	ev_watches[i].fd = fd;
	ev_watches[i].fn = fn;
	ev_watches[i].arg = arg;
}

/* Is w (fd and callback) still watched? */
static int
ev_watches_has(const struct ev_watch *w)
{
	size_t	i;

	for (i = 0; i < ev_nwatches; i++) {
		if (ev_watches[i].fd == w->fd && ev_watches[i].fn == w->fn &&
		    ev_watches[i].arg == w->arg)
			return 1;
	}
	return 0;
}

/* The handler: a byte on the pipe, nothing else (async-signal-safe). */
static void
ev_handler(int sig)
{
	unsigned char	c = (unsigned char)sig;
	int		saved = errno;

	if (ev_pipe[1] >= 0 && write(ev_pipe[1], &c, 1) == -1) {
		/* a full pipe already wakes the loop */
	}
	errno = saved;
}

int
ev_signal(int sig, void (*fn)(int, void *), void *arg)
{
	struct sigaction	sa;
	int			i;

	if (sig <= 0 || sig >= NSIG)
		return -1;
	if (ev_pipe[0] == -1) {
		if (pipe(ev_pipe) != 0)
			return -1;
		for (i = 0; i < 2; i++) {
			fcntl(ev_pipe[i], F_SETFD, FD_CLOEXEC);
			fcntl(ev_pipe[i], F_SETFL,
			    fcntl(ev_pipe[i], F_GETFL) | O_NONBLOCK);
		}
	}
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = fn != NULL ? ev_handler : SIG_DFL;
	if (sigaction(sig, &sa, NULL) != 0)
		return -1;
	ev_sigs[sig].fn = fn;
	ev_sigs[sig].arg = arg;
	return 0;
}

unsigned
ev_timer(long ms, void (*fn)(void *), void *arg)
{
	struct ev_timer	*t;

	if (ev_ntimers == EV_MAX_TIMERS)
		fatal("too many timers");
	t = &ev_timers[ev_ntimers++];
	if (++ev_last_id == 0)
		ev_last_id = 1;
	t->id = ev_last_id;
	t->due = ev_now() + (ms > 0 ? ms : 0);
	t->fn = fn;
	t->arg = arg;
	return t->id;
}

void
ev_cancel(unsigned id)
{
	size_t	i;

	for (i = 0; id != 0 && i < ev_ntimers; i++) {
		if (ev_timers[i].id == id) {
			memmove(&ev_timers[i], &ev_timers[i + 1],
			    (ev_ntimers - i - 1) * sizeof ev_timers[0]);
			ev_ntimers--;
			return;
		}
	}
}

/* Milliseconds to the next timer, capped by timeout (-1: none). */
static int
ev_timeout(int timeout)
{
	long long	now = ev_now(), wait;
	size_t		i;

	for (i = 0; i < ev_ntimers; i++) {
		wait = ev_timers[i].due - now;
		if (wait < 0)
			wait = 0;
		if (timeout < 0 || wait < timeout)
			timeout = (int)wait;
	}
	return timeout;
}

/* Call each signal caught since the last time. */
static void
ev_dispatch_signals(void)
{
	unsigned char	got[64];
	ssize_t		n, i;

	while ((n = read(ev_pipe[0], got, sizeof got)) > 0) {
		for (i = 0; i < n; i++) {
			if (got[i] < NSIG && ev_sigs[got[i]].fn != NULL)
				ev_sigs[got[i]].fn(got[i],
				    ev_sigs[got[i]].arg);
		}
	}
}

/* Fire the timers that are due, earliest first, one at a time. */
static void
ev_fire_timers(void)
{
	struct ev_timer	t;
	long long	now = ev_now();
	size_t		i, first;

	for (;;) {
		first = ev_ntimers;
		for (i = 0; i < ev_ntimers; i++) {
			if (ev_timers[i].due <= now && (first == ev_ntimers ||
			    ev_timers[i].due < ev_timers[first].due))
				first = i;
		}
		if (first == ev_ntimers)
			return;
		t = ev_timers[first];
		ev_cancel(t.id);	/* before: fn may set another */
		t.fn(t.arg);
	}
}

void
ev_once(int timeout_ms)
{
	struct pollfd	fds[EV_MAX_WATCH + 1];
	struct ev_watch	snap[EV_MAX_WATCH];
	size_t		i, j, n = 0, nsnap = ev_nwatches;

	if (ev_pipe[0] >= 0) {
		fds[n].fd = ev_pipe[0];
		fds[n++].events = POLLIN;
	}
	memcpy(snap, ev_watches, nsnap * sizeof snap[0]);
	for (i = 0; i < nsnap; i++) {
		fds[n].fd = snap[i].fd;
		fds[n++].events = POLLIN;
	}
	http_wait(ev_timeout(timeout_ms), fds, n);

	i = 0;
	if (ev_pipe[0] >= 0 && fds[i++].revents != 0)
		ev_dispatch_signals();
	for (j = 0; j < nsnap; j++, i++) {
		if (fds[i].revents == 0)
			continue;
		/* Still watched by the same callback (one may drop another). */
		if (ev_watches_has(&snap[j]))
			snap[j].fn(snap[j].arg);
	}
	ev_fire_timers();
}

int
ev_until(const int *done)
{
	int	rc;

	ev_level++;
	while (!*done && !ev_broken && !ev_stopped)
		ev_once(-1);
	rc = *done ? 0 : -1;
	ev_broken = 0;
	ev_level--;
	return rc;
}

void
ev_break(void)
{
	if (ev_level > 0) {
		ev_broken = 1;
		http_wakeup();
	}
}

void
ev_stop(void)
{
	ev_stopped = 1;
	http_wakeup();
}

int
ev_depth(void)
{
	return ev_level;
}

static void
ev_readable(void *arg)
{
	*(int *)arg = 1;
}

int
ev_wait_readable(int fd)
{
	struct ev_watch	was = { -1, NULL, NULL };
	size_t		i;
	int		ready = 0, rc;

	for (i = 0; i < ev_nwatches; i++) {
		if (ev_watches[i].fd == fd)
			was = ev_watches[i];
	}
	ev_watch(fd, ev_readable, &ready);
	rc = ev_until(&ready);
	ev_watch(fd, was.fn, was.arg);
	return rc == 0;
}
