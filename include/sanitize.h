/* The one gate that every server string passes before a terminal sees it. */
#ifndef CHARTTY_SANITIZE_H
#define CHARTTY_SANITIZE_H

#include <stddef.h>

/* Keep line breaks (as \n) instead of folding them into spaces. */
#define SANITIZE_MULTILINE	0x1

/*
 * Return a new string (caller frees) holding the first len bytes of in,
 * made safe to print: escape sequences (CSI, OSC, DCS, SOS, PM, APC and
 * two-byte ESC forms, in 7-bit and C1 8-bit spellings) are removed whole;
 * other C0 and C1 controls, DEL and bidirectional overrides are removed;
 * tabs become spaces; invalid UTF-8 becomes U+FFFD. Line breaks become
 * spaces unless SANITIZE_MULTILINE. in may be NULL (gives "").
 */
char	*sanitize(const char *in, size_t len, int flags);
/* sanitize() of a NUL-terminated string. */
char	*sanitize_str(const char *in, int flags);

/*
 * Decode one UTF-8 sequence at s (n bytes available). Returns its length
 * and the code point in *cp, or 0 when the bytes are not valid UTF-8
 * (overlong, surrogate, beyond U+10FFFF or cut short).
 */
size_t	 utf8_decode(const unsigned char *s, size_t n, unsigned int *cp);

#endif
