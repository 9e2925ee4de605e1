/* The one gate that every server string passes before a terminal sees it. */
#include "config.h"

#include <string.h>

#include "sanitize.h"
#include "util.h"

#define ESC	0x1b
#define BEL	0x07

size_t
utf8_decode(const unsigned char *s, size_t n, unsigned int *cp)
{
	unsigned int	c, min;
	size_t		len, i;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if ((c & 0xe0) == 0xc0) {
		len = 2; c &= 0x1f; min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		len = 3; c &= 0x0f; min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		len = 4; c &= 0x07; min = 0x10000;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Code points that reorder or hide text: bidi embeddings and isolates. */
static int
sanitize_hidden(unsigned int cp)
{
	return (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e || cp == 0x200f ||
	    cp == 0x061c || cp == 0xfeff;
}

/*
 * Read the next code point at s[*i] (advancing *i); invalid bytes give
 * U+FFFD and advance by one.
 */
static unsigned int
sanitize_next(const unsigned char *s, size_t len, size_t *i)
{
	unsigned int	cp;
	size_t		n;

	n = utf8_decode(s + *i, len - *i, &cp);
	if (n == 0) {
		(*i)++;
		return 0xfffd;
	}
	*i += n;
	return cp;
}

/* Skip a control string (OSC, DCS, SOS, PM, APC) up to its terminator. */
static void
sanitize_skip_string(const unsigned char *s, size_t len, size_t *i, int osc)
{
	unsigned int	cp;

	while (*i < len) {
		cp = sanitize_next(s, len, i);
		if (cp == 0x9c || (osc && cp == BEL))
			return;
		if (cp == ESC) {
			if (*i < len && s[*i] == '\\')
				(*i)++;
			return;
		}
	}
}

/* Skip the rest of a CSI sequence: parameters, intermediates, final. */
static void
sanitize_skip_csi(const unsigned char *s, size_t len, size_t *i)
{
	while (*i < len) {
		unsigned char c = s[*i];

		if (c >= 0x40 && c <= 0x7e) {
			(*i)++;
			return;
		}
		if (c < 0x20 || c > 0x3f) {
			/* A malformed sequence ends at anything else. */
			return;
		}
		(*i)++;
	}
}

/* Handle the introducer cp (ESC or a C1 control) of a sequence. */
static void
sanitize_skip_sequence(const unsigned char *s, size_t len, size_t *i,
    unsigned int cp)
{
	if (cp == ESC) {
		if (*i >= len)
			return;
		cp = s[*i];
		if (cp >= 0x40 && cp <= 0x5f) {
			/* ESC Fe is the 7-bit spelling of C1 control cp+0x40. */
			(*i)++;
			cp += 0x40;
		} else {
			/* ESC, intermediates 0x20-0x2f, then one final byte. */
			while (*i < len && s[*i] >= 0x20 && s[*i] <= 0x2f)
				(*i)++;
			if (*i < len && s[*i] >= 0x30 && s[*i] <= 0x7e)
				(*i)++;
			return;
		}
	}
	switch (cp) {
	case 0x9b:		/* CSI */
		sanitize_skip_csi(s, len, i);
		break;
	case 0x9d:		/* OSC */
		sanitize_skip_string(s, len, i, 1);
		break;
	case 0x90:		/* DCS */
	case 0x98:		/* SOS */
	case 0x9e:		/* PM */
	case 0x9f:		/* APC */
		sanitize_skip_string(s, len, i, 0);
		break;
	default:		/* any other C1 control stands alone */
		break;
	}
}

char *
sanitize(const char *in, size_t len, int flags)
{
	const unsigned char	*s = (const unsigned char *)in;
	struct buf		 out;
	unsigned int		 cp;
	size_t			 i = 0, start;

	buf_init(&out, len * 3 + 1);
	buf_add(&out, "", 0);
	if (in == NULL)
		return buf_take(&out);
	while (i < len) {
		start = i;
		cp = sanitize_next(s, len, &i);
		if (cp == ESC || (cp >= 0x80 && cp <= 0x9f)) {
			sanitize_skip_sequence(s, len, &i, cp);
			continue;
		}
		if (cp == '\r' || cp == '\n') {
			if (cp == '\r' && i < len && s[i] == '\n')
				i++;
			buf_addstr(&out, (flags & SANITIZE_MULTILINE) ?
			    "\n" : " ");
			continue;
		}
		if (cp == '\t' || cp == 0x2028 || cp == 0x2029) {
			buf_addstr(&out, " ");
			continue;
		}
		if (cp < 0x20 || cp == 0x7f || sanitize_hidden(cp))
			continue;
		if (cp == 0xfffd && !(i - start == 3 &&
		    memcmp(s + start, "\xef\xbf\xbd", 3) == 0)) {
			buf_addstr(&out, "\xef\xbf\xbd");
			continue;
		}
		buf_add(&out, s + start, i - start);
	}
	return buf_take(&out);
}

char *
sanitize_str(const char *in, int flags)
{
	return sanitize(in, in == NULL ? 0 : strlen(in), flags);
}
