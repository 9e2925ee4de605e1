/*
 * Opening a web link (a video visit) in the person's browser, when this
 * machine has one: $BROWSER, or xdg-open on a graphical desktop. Never
 * through a shell; only https links (http to loopback for tests).
 */
#ifndef CHARTTY_BROWSER_H
#define CHARTTY_BROWSER_H

/* Non-zero when a browser can be started here. */
int	 browser_available(void);
/* Start it on url, detached; 0, or -1 with *cause (a sentence). */
int	 browser_open(const char *url, char **cause);

#endif
