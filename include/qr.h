/*
 * A QR code drawn in the terminal (src/qr.c, libqrencode): two rows of
 * modules a line with half blocks, so each module is about square.
 */
#ifndef CHARTTY_QR_H
#define CHARTTY_QR_H

struct arena;
struct picture;

/* Quiet zone, in modules, around the code (part of the picture). */
#define QR_QUIET	2

/*
 * text as a QR code (error correction L, the smallest version that
 * holds it) into a picture in arena a: dark modules are the characters
 * drawn ("▀", "▄", "█"), light ones spaces, so it is to be drawn dark on
 * a light ground. NULL when text cannot be encoded (too long).
 */
struct picture	*qr_picture(struct arena *a, const char *text);

#endif
