/*
 * The sanitizer, the one gate between server text and the terminal: for
 * any bytes, what it gives holds no control character (but \n when
 * multi-line), no DEL, no C1 control, no bidirectional override, is
 * valid UTF-8, and is given back unchanged when sanitized again.
 */
#include "config.h"

#include "fuzz.h"
#include "sanitize.h"

/* One UTF-8 sequence at s, strictly: its length and *cp, or 0. */
static size_t
utf8_strict(const unsigned char *s, unsigned int *cp)
{
	size_t		n, i;
	unsigned int	min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		*cp = s[0] & 0x1f;
		min = 0x80;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		*cp = s[0] & 0x0f;
		min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		*cp = s[0] & 0x07;
		min = 0x10000;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3f);
	}
	if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

static void
check(const char *out, int flags)
{
	const unsigned char	*s = (const unsigned char *)out;
	unsigned int		 cp;
	size_t			 n;
	char			*again;

	while (*s != '\0') {
		n = utf8_strict(s, &cp);
		FUZZ_CHECK(n > 0, "output is not valid UTF-8");
		FUZZ_CHECK(cp >= 0x20 || (cp == '\n' &&
		    (flags & SANITIZE_MULTILINE)), "a C0 control (or ESC) "
		    "reaches the terminal");
		FUZZ_CHECK(cp != 0x7f, "DEL reaches the terminal");
		FUZZ_CHECK(cp < 0x80 || cp > 0x9f, "a C1 control reaches the "
		    "terminal");
		FUZZ_CHECK(!(cp >= 0x202a && cp <= 0x202e) &&
		    !(cp >= 0x2066 && cp <= 0x2069), "a bidirectional "
		    "override reaches the terminal");
		s += n;
	}
	again = sanitize_str(out, flags);
	FUZZ_CHECK(strcmp(again, out) == 0, "sanitizing twice changes it");
	free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*out;
	int	 flags;

	for (flags = 0; flags <= SANITIZE_MULTILINE; flags++) {
		out = sanitize((const char *)data, size, flags);
		check(out, flags);
		free(out);
	}
	return 0;
}
