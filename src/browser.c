/* Opening a link in a browser (include/browser.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "browser.h"
#include "url.h"
#include "util.h"

/* The program to run: the first of $BROWSER's list, else xdg-open. */
static char *
browser_program(void)
{
	const char	*b = getenv("BROWSER");
	size_t		 n;

	if (b != NULL && *b != '\0') {
		n = strcspn(b, ":");
		return n > 0 ? xstrndup(b, n) : NULL;
	}
	if (getenv("DISPLAY") == NULL && getenv("WAYLAND_DISPLAY") == NULL)
		return NULL;
	return xstrdup("xdg-open");
}

/* Is prog a file we may run, by path or found in $PATH? */
static int
browser_runnable(const char *prog)
{
	const char	*path = getenv("PATH"), *p, *end;
	char		*full;
	int		 ok;

	if (strchr(prog, '/') != NULL)
		return access(prog, X_OK) == 0;
	for (p = path ? path : "/usr/bin:/bin"; *p != '\0'; p = end) {
		end = p + strcspn(p, ":");
		full = xasprintf("%.*s/%s", (int)(end - p), p, prog);
		ok = access(full, X_OK) == 0;
		free(full);
		if (ok)
			return 1;
		if (*end == ':')
			end++;
	}
	return 0;
}

int
browser_available(void)
{
	char	*prog = browser_program();
	int	 ok = prog != NULL && browser_runnable(prog);

	free(prog);
	return ok;
}

/* A link safe to hand over: https (or loopback http), no spaces. */
static int
browser_link_ok(const char *url)
{
	const char	*p;
	char		*cause = NULL;
	int		 ok;

	for (p = url; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return 0;
	}
	ok = url_allowed(url, &cause) == 0;
	free(cause);
	return ok;
}

int
browser_open(const char *url, char **cause)
{
	char	*prog;
	pid_t	 pid;
	int	 fd, status;

	if (url == NULL || !browser_link_ok(url)) {
		*cause = xstrdup("That link is not a secure web address, so "
		    "it was not opened.");
		return -1;
	}
	if ((prog = browser_program()) == NULL || !browser_runnable(prog)) {
		free(prog);
		*cause = xstrdup("No web browser was found on this computer. "
		    "Open the link on another device.");
		return -1;
	}
	/* Twice forked: the browser outlives nothing of ours, no zombie. */
	if ((pid = fork()) < 0) {
		free(prog);
		*cause = xasprintf("The browser could not be started: %s.",
		    strerror(errno));
		return -1;
	}
	if (pid == 0) {
		setsid();
		if (fork() != 0)
			_exit(0);
		if ((fd = open("/dev/null", O_RDWR)) >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
		execlp(prog, prog, url, (char *)NULL);
		_exit(127);
	}
	free(prog);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}
