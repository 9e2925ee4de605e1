/*
 * QR codes as pictures of half blocks (include/qr.h). Each line holds
 * two rows of modules: the upper half block is the top one dark, the
 * lower half block the bottom one, the full block both.
 */
#include "config.h"

#include <qrencode.h>
#include <string.h>

#include "qr.h"
#include "util.h"
#include "view.h"

/* Is module (x, y) of the code with its quiet zone dark? */
static int
qr_dark(const QRcode *q, int x, int y)
{
	x -= QR_QUIET;
	y -= QR_QUIET;
	if (x < 0 || y < 0 || x >= q->width || y >= q->width)
		return 0;
	return q->data[y * q->width + x] & 1;
}

struct picture *
qr_picture(struct arena *a, const char *text)
{
	static const char *const cell[4] = { " ", "\u2584", "\u2580",
	    "\u2588" };	/* neither, bottom, top, both dark */
	struct picture	*p;
	QRcode		*q;
	char		*line, *at;
	int		 size, x, y;

	if ((q = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_L)) == NULL)
		return NULL;
	size = q->width + 2 * QR_QUIET;
	p = arena_alloc(a, sizeof *p);
	p->width = size;
	p->nlines = (size + 1) / 2;
	p->lines = arena_alloc(a, (size_t)p->nlines * sizeof *p->lines);
	for (y = 0; y < size; y += 2) {
		at = line = arena_alloc(a, (size_t)size * 3 + 1);
		for (x = 0; x < size; x++) {
			const char *c = cell[qr_dark(q, x, y) * 2 +
			    qr_dark(q, x, y + 1)];

			memcpy(at, c, strlen(c));
			at += strlen(c);
		}
		p->lines[y / 2] = line;
	}
	QRcode_free(q);
	return p;
}
