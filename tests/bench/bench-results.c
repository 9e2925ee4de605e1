/*
 * Benchmark of the test results screen on walter-long's long history:
 * response to first page drawn, RSS while paging, and bytes received.
 */
#include "config.h"

#include <sys/ioctl.h>
#include <sys/resource.h>

#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <pty.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "evloop.h"
#include "screens.h"
#include "http.h"
#include "integration/portal-test.h"
#include "portal.h"
#include "tap.h"
#include "ui.h"
#include "util.h"
#include "view.h"

#define BENCH_PAGES	20
#define BENCH_REPORTS	20		/* a page of the results screen */
#define BENCH_LINES	40		/* the pseudo-terminal drawn to */
#define BENCH_COLS	120
#define BENCH_GROWTH	(8 * 1024)	/* KiB RSS may grow, page 2 to last */
#define BENCH_TURN_NS	50000L		/* the wait hook's nap */

/* What one page cost, from the action asking for it to its draw (ms). */
struct bench_page {
	double		 fetch;		/* asked to response complete */
	double		 parse;		/* response to loaded: JSON, model */
	double		 build;		/* the view built */
	double		 paint;		/* ui_draw() */
	double		 draw;		/* response complete to drawn */
	double		 total;		/* asked to drawn */
	double		 turn;		/* the wait's last turn took */
	long long	 wire;		/* body bytes as received (gzip) */
	long long	 body;		/* the same decoded: the JSON */
	long long	 tty;		/* bytes the UI wrote to the terminal */
	long		 rss;		/* KiB resident once drawn */
	size_t		 reports;
};

struct bench {
	struct app		 app;
	struct view		 view;
	void			*state;		/* the results screen's */
	char			 ui_name[160];
	int			 curses;	/* else plain, to /dev/null */
	const struct ui_ops	*ops;		/* the UI's own */
	struct ui_ops		 spy;		/* the same, status wrapped */
	int			 pty;		/* master side, or -1 */
	int			 saved_in, saved_out;
	int			 wake[2];	/* a pipe that stays readable */
	double			 response;	/* the wait's last turn */
	double			 previous;	/* the turn before it */
	double			 built;		/* view built, not yet drawn */
	long long		 tty;		/* bytes read from the pty */
	struct bench_page	 pages[BENCH_PAGES];
	size_t			 npages;
	long			 rss_start;	/* KiB, signed in, no UI yet */
	char			*summary;	/* "Reports 1 to 20 of 120." */
	char			*stop;		/* why paging ended early */
};

static struct bench	bench;	/* reached from the UI spy */

static double
bench_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* A size from /proc/self/status ("VmRSS") in KiB, or -1. */
static long
bench_proc_kib(const char *key)
{
	FILE	*f;
	char	 line[256], *end;
	size_t	 n = strlen(key);
	long	 kib = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, key, n) != 0 || line[n] != ':')
			continue;
		kib = strtol(line + n + 1, &end, 10);
		if (end == line + n + 1)
			kib = -1;
		break;
	}
	fclose(f);
	return kib;
}

/* Read what the UI wrote to the pty until it has been quiet 5 ms. */
static void
bench_drain(struct bench *b)
{
	struct pollfd	pfd;
	char		buf[8192];
	ssize_t		n;

	if (b->pty == -1)
		return;
	pfd.fd = b->pty;
	pfd.events = POLLIN;
	while (poll(&pfd, 1, 5) == 1) {
		if ((n = read(b->pty, buf, sizeof buf)) <= 0)
			break;
		b->tty += n;
	}
}

/*
 * A watch on the event loop. Its pipe is always readable, so it runs on
 * every turn of the loop while a request waits, the last turn being the one that completed the
 * response: its time is when the response was all in, give or take the
 * time between turns (a short nap, so the wait does not spin).
 */
static void
bench_wait(void *arg)
{
	struct bench	*b = arg;
	struct timespec	 nap = { 0, BENCH_TURN_NS };
	double		 now;

	nanosleep(&nap, NULL);
	now = bench_now();
	b->previous = b->response;
	b->response = now;
}

/*
 * The UI's status line, then the clock: app_loading() shows the status
 * before each request, and the watch on the loop (set again here, the
 * same each time) times the turns of the wait that follows.
 * The pty is drained once the page is drawn, not here in the request.
 */
static void
bench_status(struct ui *ui, const char *s)
{
	bench.ops->status(ui, s);
	ev_watch(bench.wake[0], bench_wait, &bench);
}

/*
 * Start the UI: curses on a pseudo-terminal put in place of stdin and
 * stdout, or plain lines to /dev/null when asked or curses cannot start.
 * Nothing may print until bench_ui_stop().
 */
static void
bench_ui_start(struct bench *b, int plain)
{
	struct winsize	 ws;
	char		*cause = NULL;
	int		 tty, null;

	fflush(stdout);
	b->saved_in = dup(STDIN_FILENO);
	b->saved_out = dup(STDOUT_FILENO);
	memset(&ws, 0, sizeof ws);
	ws.ws_row = BENCH_LINES;
	ws.ws_col = BENCH_COLS;
	if (!plain && openpty(&b->pty, &tty, NULL, NULL, &ws) == 0) {
		dup2(tty, STDIN_FILENO);
		dup2(tty, STDOUT_FILENO);
		close(tty);
		setenv("TERM", "xterm-256color", 1);
		unsetenv("LINES");
		unsetenv("COLUMNS");
		b->app.ui = ui_curses_create(0, 1, 0, &cause);
	}
	if ((b->curses = b->app.ui != NULL))
		snprintf(b->ui_name, sizeof b->ui_name, "curses, on a %dx%d "
		    "pseudo-terminal (TERM=xterm-256color)", BENCH_COLS,
		    BENCH_LINES);
	else {
		if (b->pty != -1)
			close(b->pty);
		b->pty = -1;
		if ((null = open("/dev/null", O_RDWR)) != -1) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
			close(null);
		}
		b->app.ui = ui_plain_create();
		snprintf(b->ui_name, sizeof b->ui_name, "plain lines, to "
		    "/dev/null (%s)", plain ? "--plain" : cause ? cause :
		    "no pseudo-terminal");
	}
	free(cause);
	/* No keyboard: the key hook app_loading() sets has nothing to watch. */
	b->app.ui->fd = -1;
	b->ops = b->app.ui->ops;
	b->spy = *b->ops;
	b->spy.status = bench_status;
	b->app.ui->ops = &b->spy;
	bench_drain(b);
}

/* Put the terminal back, and stdin and stdout. */
static void
bench_ui_stop(struct bench *b)
{
	ui_free(b->app.ui);
	b->app.ui = NULL;
	bench_drain(b);
	fflush(stdout);
	dup2(b->saved_in, STDIN_FILENO);
	dup2(b->saved_out, STDOUT_FILENO);
	close(b->saved_in);
	close(b->saved_out);
	if (b->pty != -1)
		close(b->pty);
	b->pty = -1;
}

/* Build the view as the loop does after a reaction, draw it: when drawn. */
static double
bench_show(struct bench *b)
{
	int	 focus = b->view.focus;
	double	 drawn;

	view_free(&b->view);
	view_init(&b->view);
	b->view.title = screen_results.title;
	b->view.whose = app_whose(&b->app);
	screen_results.view(&b->app, b->state, &b->view);
	if (b->view.focus < 0)
		b->view.focus = focus;
	view_fix_focus(&b->view);
	b->built = bench_now();
	ui_draw(b->app.ui, &b->view, b->app.message);
	drawn = bench_now();
	free(b->app.message);
	b->app.message = NULL;
	bench_drain(b);
	return drawn;
}

/* The item labelled label, as a person would find it, or -1. */
static int
bench_row(const struct view *v, const char *label)
{
	size_t	i;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_ITEM && v->rows[i].label != NULL &&
		    strcmp(v->rows[i].label, label) == 0)
			return (int)i;
	}
	return -1;
}

static size_t
bench_count(const struct view *v, const char *noun)
{
	size_t	i, n = 0;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_ITEM && v->rows[i].noun != NULL &&
		    strcmp(v->rows[i].noun, noun) == 0)
			n++;
	}
	return n;
}

/* The first paragraph starting with prefix, or NULL. */
static const char *
bench_text(const struct view *v, const char *prefix)
{
	size_t	i;

	for (i = 0; i < v->nrows; i++) {
		if (v->rows[i].kind == ROW_TEXT && v->rows[i].value != NULL &&
		    strncmp(v->rows[i].value, prefix, strlen(prefix)) == 0)
			return v->rows[i].value;
	}
	return NULL;
}

/* Note what the page just drawn cost. */
static void
bench_note(struct bench *b, const struct http_stats *before, double asked,
    double loaded, double drawn, long long tty)
{
	struct bench_page	*pg = &b->pages[b->npages++];
	struct http_stats	 after;

	http_get_stats(portal_http(b->app.portal), &after);
	pg->total = drawn - asked;
	pg->build = b->built - loaded;
	pg->paint = drawn - b->built;
	pg->fetch = pg->parse = pg->draw = pg->turn = -1;
	if (b->response > asked) {
		pg->turn = b->response - b->previous;
		pg->fetch = b->response - asked;
		pg->parse = loaded - b->response;
		pg->draw = drawn - b->response;
	}
	pg->wire = after.wire_bytes - before->wire_bytes;
	pg->body = after.body_bytes - before->body_bytes;
	pg->tty = b->tty - tty;
	pg->rss = bench_proc_kib("VmRSS");
	pg->reports = bench_count(&b->view, "Report");
}

/*
 * Open the results screen as app_open() does (the loading line, then
 * open()) and draw it, then select "Older reports" and draw, up to
 * BENCH_PAGES pages.
 */
static void
bench_run(struct bench *b)
{
	struct http_stats	 before;
	const char		*text;
	char			*cause = NULL;
	double			 asked, loaded, drawn;
	long long		 tty;
	int			 row;

	http_get_stats(portal_http(b->app.portal), &before);
	tty = b->tty;
	b->response = asked = bench_now();
	app_loading(&b->app, screen_results.loading);
	if (screen_results.open(&b->app, NULL, &b->state, &cause) != 0) {
		b->stop = cause ? cause : xstrdup("open failed");
		return;
	}
	loaded = bench_now();
	bench_note(b, &before, asked, loaded, bench_show(b), tty);
	if ((text = bench_text(&b->view, "Reports ")) != NULL)
		b->summary = xstrdup(text);

	while (b->npages < BENCH_PAGES) {
		if ((row = bench_row(&b->view, "Older reports")) == -1) {
			b->stop = xstrdup("no \"Older reports\" row: the "
			    "screen shows the last page");
			break;
		}
		b->view.focus = row;
		http_get_stats(portal_http(b->app.portal), &before);
		tty = b->tty;
		b->response = asked = bench_now();
		(void)screen_results.action(&b->app, b->state,
		    &b->view.rows[row]);
		loaded = bench_now();
		if (b->app.message != NULL)
			b->stop = xstrdup(b->app.message);
		drawn = bench_show(b);
		if (b->stop != NULL)
			break;
		bench_note(b, &before, asked, loaded, drawn, tty);
	}
}

static int
bench_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The median, least and most of the figure at offset off in pages from
 * to the last, as "4.2 ms (1.6 to 17.7)"; "unmeasured" when none is.
 */
static const char *
bench_spread(const struct bench *b, size_t from, size_t off)
{
	static char	 out[4][64];
	static int	 k;
	double		 v[BENCH_PAGES], median;
	size_t		 i, n = 0;
	char		*s = out[k++ % 4];

	for (i = from; i < b->npages; i++) {
		memcpy(&v[n], (const char *)&b->pages[i] + off, sizeof v[n]);
		if (v[n] >= 0)
			n++;
	}
	if (n == 0)
		return "unmeasured";
	qsort(v, n, sizeof v[0], bench_cmp);
	median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	snprintf(s, sizeof out[0], "%.1f ms (%.1f to %.1f)", median, v[0],
	    v[n - 1]);
	return s;
}

#define BENCH_SPREAD(b, from, f) \
	bench_spread(b, from, offsetof(struct bench_page, f))

static double
bench_mib(long kib)
{
	return kib / 1024.0;
}

static void
bench_report(const struct bench *b)
{
	const struct bench_page	*pg;
	struct rusage		 ru;
	long long		 wire = 0, body = 0, tty = 0;
	size_t			 i, n = b->npages;

	diag("drawn with %s", b->ui_name);
	diag("method: page 1 is opened as app_open() does (the loading "
	    "line, then open()), each later one by selecting \"Older "
	    "reports\" with action(); each is then built with view() and "
	    "drawn with ui_draw().");
	diag("the response is complete at the last turn of the request's "
	    "wait, seen by a wait hook on an always-readable pipe, so to "
	    "within that turn: %s.", BENCH_SPREAD(b, 0, turn));
	diag("response to drawn = parse (JSON, model, the last page freed) "
	    "+ view + draw. Bytes are http_get_stats() body bytes, headers "
	    "not counted.");
	for (i = 0; i < n; i++) {
		pg = &b->pages[i];
		diag("page %2zu: %zu reports; fetch %5.1f ms; response to "
		    "drawn %4.1f ms (parse %4.1f, view %3.1f, draw %4.1f); "
		    "%lld B received, %lld decoded; %lld B to the terminal; "
		    "RSS %ld KiB", i + 1, pg->reports, pg->fetch, pg->draw,
		    pg->parse, pg->build, pg->paint, pg->wire, pg->body,
		    pg->tty, pg->rss);
		wire += pg->wire;
		body += pg->body;
		tty += pg->tty;
	}
	if (b->summary != NULL)
		diag("the screen says: %s", b->summary);
	if (n == 0)
		return;
	pg = &b->pages[0];
	if (pg->draw >= 0)
		diag("first page: response to drawn %.1f ms (parse %.1f, view "
		    "%.1f, draw %.1f; fetch %.1f ms, total %.1f ms)", pg->draw,
		    pg->parse, pg->build, pg->paint, pg->fetch, pg->total);
	else
		diag("first page: total %.1f ms (the response was not seen: "
		    "no split)", pg->total);
	if (n > 1) {
		diag("pages 2 to %zu, median (least to most): response to "
		    "drawn %s; fetch %s; total %s", n,
		    BENCH_SPREAD(b, 1, draw), BENCH_SPREAD(b, 1, fetch),
		    BENCH_SPREAD(b, 1, total));
		diag("of which parse %s, view %s, draw %s",
		    BENCH_SPREAD(b, 1, parse), BENCH_SPREAD(b, 1, build),
		    BENCH_SPREAD(b, 1, paint));
	}
	getrusage(RUSAGE_SELF, &ru);
	diag("peak RSS %.1f MiB (VmHWM %.1f MiB); RSS signed in %.1f MiB, "
	    "after page 1 %.1f MiB, after page %zu %.1f MiB",
	    bench_mib(ru.ru_maxrss), bench_mib(bench_proc_kib("VmHWM")),
	    bench_mib(b->rss_start), bench_mib(b->pages[0].rss), n,
	    bench_mib(b->pages[n - 1].rss));
	diag("received %.1f KiB for %zu pages (%.1f KiB a page, gzip; "
	    "%.1f KiB a page decoded, %.1f times more)", wire / 1024.0, n,
	    wire / 1024.0 / n, body / 1024.0 / n,
	    wire > 0 ? (double)body / wire : 0);
	if (b->curses)
		diag("curses wrote %.1f KiB to the terminal for %zu pages "
		    "(%.1f KiB a page)", tty / 1024.0, n, tty / 1024.0 / n);
}

#ifdef __SANITIZE_ADDRESS__
/*
 * Under AddressSanitizer freed memory waits in a quarantine, which the
 * RSS figures would count as if chartty held it: keep it small here.
 */
const char	*__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "quarantine_size_mb=0:thread_local_quarantine_size_kb=0";
}
#endif

int
main(int argc, char **argv)
{
	struct bench		*b = &bench;
	const struct bench_page	*first, *from, *last;
	char			*cause = NULL;
	size_t			 i, unzipped = 0;
	long			 growth;
	int			 rc;

	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	b->pty = -1;
	if (pipe(b->wake) == -1 || write(b->wake[1], "", 1) != 1) {
		printf("Bail out! no pipe for the wait hook\n");
		return 1;
	}
	view_init(&b->view);

	b->app.portal = pt_sign_in("long@example.org", "Chartty-test-9");
	rc = app_signed_in(&b->app, &cause);
	ok(rc == 0 && app_patient(&b->app) != NULL &&
	    strcmp(app_patient(&b->app), "walter-long") == 0,
	    "signed in to walter-long's record%s%s", rc ? ": " : "",
	    rc ? cause : "");
	if (rc != 0) {
		free(cause);
		portal_free(b->app.portal);
		return done_testing();
	}
	b->rss_start = bench_proc_kib("VmRSS");

	bench_ui_start(b, argc > 1 && strcmp(argv[1], "--plain") == 0);
	bench_run(b);
	if (b->state != NULL)
		screen_results.close(b->state);
	bench_ui_stop(b);

	bench_report(b);
	first = b->npages > 0 ? &b->pages[0] : NULL;
	ok(first != NULL && first->reports == BENCH_REPORTS,
	    "page 1 shows %d reports (%zu)", BENCH_REPORTS,
	    first ? first->reports : 0);
	ok(b->npages == BENCH_PAGES, "paged through %d pages (got %zu%s%s)",
	    BENCH_PAGES, b->npages, b->stop ? ": " : "",
	    b->stop ? b->stop : "");
	/* From page 2: page 1 pays for the allocator and curses warming up. */
	from = b->npages > 1 ? &b->pages[1] : first;
	last = b->npages > 0 ? &b->pages[b->npages - 1] : NULL;
	growth = from && last ? last->rss - from->rss : 0;
	ok(last != NULL && from->rss > 0 && last->rss > 0 &&
	    growth < BENCH_GROWTH,
	    "RSS grows less than %d MiB from page %d to page %zu (%+ld KiB)",
	    BENCH_GROWTH / 1024, b->npages > 1 ? 2 : 1, b->npages, growth);
	for (i = 0; i < b->npages; i++) {
		if (b->pages[i].wire * 2 > b->pages[i].body)
			unzipped++;
	}
	ok(b->npages > 0 && unzipped == 0, "every page arrived "
	    "gzip-compressed, under half its decoded size (%zu did not)",
	    unzipped);

	ev_watch(b->wake[0], NULL, NULL);
	view_free(&b->view);
	auth_me_free(&b->app.me);
	portal_free(b->app.portal);
	free(b->summary);
	free(b->stop);
	close(b->wake[0]);
	close(b->wake[1]);
	return done_testing();
}
