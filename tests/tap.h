/* A tiny TAP producer for chartty's C tests: ok, is, like, done. */
#ifndef CHARTTY_TAP_H
#define CHARTTY_TAP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_n, tap_failed;

static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5), unused));

#include <stdarg.h>

static int
tap_ok(int cond, const char *file, int line, const char *fmt, ...)
{
	va_list	ap;

	tap_n++;
	printf("%s %d - ", cond ? "ok" : "not ok", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond) {
		tap_failed++;
		printf("#   failed at %s line %d\n", file, line);
	}
	fflush(stdout);
	return cond;
}

#define ok(cond, ...)	tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* String equality; NULL equals only NULL. Prints both on failure. */
#define is(got, want, ...) do {						\
	const char *g_ = (got), *w_ = (want);				\
	int same_ = (g_ == NULL || w_ == NULL) ? g_ == w_ :		\
	    strcmp(g_, w_) == 0;					\
	if (!tap_ok(same_, __FILE__, __LINE__, __VA_ARGS__))		\
		printf("#   got:  \"%s\"\n#   want: \"%s\"\n",		\
		    g_ ? g_ : "(null)", w_ ? w_ : "(null)");		\
} while (0)

/* got contains needle. */
#define like(got, needle, ...) do {					\
	const char *g_ = (got), *n_ = (needle);				\
	if (!tap_ok(g_ != NULL && strstr(g_, n_) != NULL, __FILE__,	\
	    __LINE__, __VA_ARGS__))					\
		printf("#   got: \"%s\"\n#   expected to contain: \"%s\"\n",\
		    g_ ? g_ : "(null)", n_);				\
} while (0)

#define diag(...) do { printf("# "); printf(__VA_ARGS__); printf("\n"); } while (0)

static int
done_testing(void) __attribute__((unused));
static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
