/*
 * What chartty's libFuzzer targets share (tests/fuzz/README): the entry
 * point, the input as text or cut in parts at NUL bytes, as JSON, and a
 * check whose failure is a finding.
 */
#ifndef CHARTTY_FUZZ_H
#define CHARTTY_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "util.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* A broken invariant: said, then a crash libFuzzer keeps as a finding. */
#define FUZZ_CHECK(cond, what) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz: %s:%d: %s\n", __FILE__,		\
		    __LINE__, (what));					\
		abort();						\
	}								\
} while (0)

/* A fixed clock zone with daylight saving, and a fixed "now" (so a
 * finding replays the same any day): 15 March 2026, 12:00 UTC. */
#define FUZZ_NOW	((time_t)1773576000)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("TZ", "America/Chicago", 1);
	tzset();
	setenv("HOME", "/nonexistent", 1);
	return 0;
}

/* data as a NUL-terminated string (caller frees). */
static inline char *
fuzz_text(const uint8_t *data, size_t size)
{
	return xstrndup((const char *)data, size);
}

/*
 * data cut at its first n - 1 NUL bytes into parts[n] (missing ones are
 * ""), all in *buf (caller frees).
 */
static inline void
fuzz_parts(const uint8_t *data, size_t size, char **parts, size_t n,
    char **buf)
{
	char	*p;
	size_t	 i;

	*buf = xmalloc(size + 1);
	memcpy(*buf, data, size);
	(*buf)[size] = '\0';
	p = *buf;
	for (i = 0; i < n; i++) {
		parts[i] = p;
		p += strlen(p);
		if (p < *buf + size)
			p++;	/* a NUL of data's, not the last one */
	}
}

/* data parsed as JSON, or NULL. */
static inline struct json *
fuzz_json(const char *data, size_t size)
{
	struct json	*j;
	char		*cause = NULL;

	j = json_parse(data, size, &cause);
	free(cause);
	return j;
}

/*
 * Call fn on every resource in j: j itself, and the resources of a
 * Bundle's entries, then of the Bundles among those (a batch answer's
 * searchsets), at most two levels down.
 */
static inline void
fuzz_resources(const struct json *j, int depth,
    void (*fn)(const struct json *, void *), void *arg)
{
	const struct json	*e;
	size_t			 i;

	if (j == NULL)
		return;
	fn(j, arg);
	if (depth >= 2)
		return;
	for (i = 0; i < json_size(json_get(j, "entry")); i++) {
		e = json_get(json_at(json_get(j, "entry"), i), "resource");
		fuzz_resources(e, depth + 1, fn, arg);
	}
}

#endif
