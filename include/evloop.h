/*
 * The one event loop: the network (every request of every client), the
 * terminal, a signal pipe and timers are waited on together, in one
 * curl_multi_poll (http_wait), and what is ready is called back. One
 * thread: a wait for a request (ev_until) runs the same loop, so keys,
 * signals, timers and other requests are served while it is under way.
 */
#ifndef CHARTTY_EVLOOP_H
#define CHARTTY_EVLOOP_H

#define EV_MAX_WATCH	8	/* file descriptors watched at once */
#define EV_MAX_TIMERS	16	/* timers pending at once */

/*
 * Call fn(arg) from the loop whenever fd is readable (or at its end);
 * fn NULL stops watching fd. A watch set again for fd replaces it.
 * Refuses (fatal) more than EV_MAX_WATCH.
 */
void	 ev_watch(int fd, void (*fn)(void *), void *arg);
/*
 * Catch sig and call fn(sig, arg) from the loop, not from the handler:
 * the handler only writes to a pipe that the loop waits on. fn NULL puts
 * the default action back. 0, or -1 when the handler cannot be set.
 */
int	 ev_signal(int sig, void (*fn)(int, void *), void *arg);
/*
 * Call fn(arg) once, ms milliseconds from now (on the monotonic clock);
 * returns its id (never 0) for ev_cancel. fatal() beyond EV_MAX_TIMERS.
 */
unsigned ev_timer(long ms, void (*fn)(void *), void *arg);
/* Forget a pending timer; an id already fired or 0 is ignored. */
void	 ev_cancel(unsigned id);
/*
 * Wait once, up to timeout_ms (-1: until something happens), and call
 * back what is ready: finished requests, signals, watched fds, due
 * timers, in that order.
 */
void	 ev_once(int timeout_ms);
/*
 * Run the loop until *done is non-zero (0) or ev_break() is called
 * (-1). Waits nest: a break ends the innermost.
 */
int	 ev_until(const int *done);
/* End the innermost ev_until (Esc, a signal); nothing when none runs. */
void	 ev_break(void);
/*
 * End every wait, the one under way and each one after (ev_until is -1
 * at once, so a request is cancelled as soon as it starts): a signal
 * ends the program, and nothing may hold it up on the way out.
 */
void	 ev_stop(void);
/* How many ev_until waits are under way (non-zero: a request waits). */
int	 ev_depth(void);
/*
 * Run the loop until fd is readable: 1, or 0 when ev_break() ended the
 * wait (a line read in plain mode waits here, so signals and timers are
 * served meanwhile).
 */
int	 ev_wait_readable(int fd);

#endif
