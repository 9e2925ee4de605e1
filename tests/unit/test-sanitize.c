/* Unit tests for the sanitizer: every escape sequence kind, controls, UTF-8. */
#include "config.h"

#include "sanitize.h"
#include "tap.h"
#include "util.h"

static void
check(const char *in, size_t len, int flags, const char *want,
    const char *name)
{
	char	*got = sanitize(in, len, flags);

	is(got, want, "%s", name);
	free(got);
}

#define CHECK(in, want, name) check(in, sizeof(in) - 1, 0, want, name)

/* Output must be valid UTF-8 with no controls but \n (multiline). */
static int
safe(const char *s, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n = strlen(s), i = 0, k;
	unsigned int		 cp;

	while (i < n) {
		if ((k = utf8_decode(p + i, n - i, &cp)) == 0)
			return 0;
		if (cp < 0x20 && !(cp == '\n' && (flags & SANITIZE_MULTILINE)))
			return 0;
		if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return 0;
		if ((cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return 0;
		i += k;
	}
	return 1;
}

int
main(void)
{
	unsigned char	 rnd[64];
	char		*out;
	int		 i, j, bad = 0;

	CHECK("Penicillin", "Penicillin", "plain text passes");
	CHECK("Zo\xc3\xab \xc3\x9cnal-\xc5\x9e" "ahin \xe6\x9d\x8e",
	    "Zo\xc3\xab \xc3\x9cnal-\xc5\x9e" "ahin \xe6\x9d\x8e",
	    "unicode letters pass");
	CHECK("a\x1b[2Jb", "ab", "CSI (7-bit) clear screen removed");
	CHECK("a\x1b[1;31mred\x1b[0m", "ared", "CSI SGR colours removed");
	CHECK("a\x1b[?1049hb", "ab", "CSI private mode removed");
	CHECK("a\xc2\x9b" "31mb", "ab", "CSI (8-bit C1) removed");
	CHECK("a\x1b]0;pwned\x07" "b", "ab", "OSC ended by BEL removed");
	CHECK("a\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\b", "alinkb",
	    "OSC 8 hyperlink ended by ST removed");
	CHECK("a\xc2\x9d" "0;x\xc2\x9c" "b", "ab", "OSC (8-bit) removed");
	CHECK("a\x1bPq#0;2;0;0;0\x1b\\b", "ab", "DCS (sixel) removed");
	CHECK("a\x1bXsos\x1b\\b", "ab", "SOS removed");
	CHECK("a\x1b^pm\x1b\\b", "ab", "PM removed");
	CHECK("a\x1b_apc\x1b\\b", "ab", "APC removed");
	CHECK("a\x1b" "cb", "ab", "ESC c (reset) removed");
	CHECK("a\x1b" "7b\x1b" "8", "ab", "ESC 7 / ESC 8 removed");
	CHECK("a\x1b(Bb", "ab", "ESC ( B charset removed");
	CHECK("a\x1b#8b", "ab", "ESC # 8 (fill screen) removed");
	CHECK("a\x1b", "a", "lone ESC at the end removed");
	CHECK("a\x1b[", "a", "cut-off CSI removed");
	CHECK("a\x1b]0;never ends", "a", "unterminated OSC removed");
	CHECK("a\x07\x08\x0b\x0c\x0e\x7f" "b", "ab", "C0 controls and DEL gone");
	CHECK("a\xc2\x85" "b", "ab", "C1 NEL removed");
	CHECK("a\xc2\x84\xc2\x8d\xc2\x8e" "b", "ab", "other C1 removed");
	check("a\0b", 3, 0, "ab", "NUL removed");
	CHECK("a\x9b" "31mb", "a\xef\xbf\xbd" "31mb",
	    "raw 0x9b byte is invalid UTF-8 and replaced");
	CHECK("a\xc0\xafz", "a\xef\xbf\xbd\xef\xbf\xbdz",
	    "overlong encoding replaced");
	CHECK("a\xed\xa0\x80z", "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz",
	    "surrogate replaced");
	CHECK("a\xf4\x90\x80\x80z",
	    "a\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz",
	    "beyond U+10FFFF replaced");
	CHECK("a\xe6\x9d", "a\xef\xbf\xbd\xef\xbf\xbd",
	    "cut-short sequence replaced");
	CHECK("ab\xef\xbf\xbd" "c", "ab\xef\xbf\xbd" "c",
	    "a real U+FFFD passes");
	CHECK("a\xe2\x80\xae" "cba\xe2\x80\xac", "acba",
	    "bidi override removed");
	CHECK("a\xe2\x81\xa6x\xe2\x81\xa9", "ax", "bidi isolate removed");
	CHECK("a\tb", "a b", "tab becomes a space");
	CHECK("line1\r\nline2\nline3\rline4", "line1 line2 line3 line4",
	    "line breaks folded in single-line mode");
	check("line1\r\nline2\x1b[2J\n", 17, SANITIZE_MULTILINE,
	    "line1\nline2\n", "line breaks kept in multiline mode");
	CHECK("Latex\x1b[2J\x1b]0;pwned\x07 \xc2\x9b" "31m",
	    "Latex ", "the seeded allergy text is harmless");

	out = sanitize(NULL, 0, 0);
	is(out, "", "NULL gives an empty string");
	free(out);

	/* Random bytes never get anything unsafe through. */
	srand(12345);
	for (i = 0; i < 20000; i++) {
		int flags = i & 1 ? SANITIZE_MULTILINE : 0;

		for (j = 0; j < (int)sizeof rnd; j++) {
			rnd[j] = (unsigned char)rand();
			if (rand() % 4 == 0)	/* more escapes and C1 */
				rnd[j] = (unsigned char[]){ 0x1b, 0x9b, 0xc2,
				    '[', ']', 0x07, 0x90 }[rand() % 7];
		}
		out = sanitize((char *)rnd, sizeof rnd, flags);
		if (!safe(out, flags))
			bad++;
		free(out);
	}
	ok(bad == 0, "20000 random inputs all came out safe (%d bad)", bad);
	return done_testing();
}
