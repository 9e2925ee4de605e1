/*
 * Saving a file the portal holds (a message's attachment, a statement):
 * asked where, by default the home directory under its own name made
 * safe; written to a new file readable only by its owner, never over an
 * existing one. Not on a kiosk.
 */
#ifndef CHARTTY_ATTACH_H
#define CHARTTY_ATTACH_H

struct app;
struct attachment;

/*
 * A new file at path, readable and writable only by its owner (0600),
 * never over an existing one: its descriptor, or -1 with *cause one
 * sentence ("... is already there; choose another name.").
 */
int	 attach_create(const char *path, char **cause);
/* Ask where, fetch and save; says what happened. Returns APP_REDRAW. */
int	 attachment_save(struct app *, const struct attachment *);

#endif
