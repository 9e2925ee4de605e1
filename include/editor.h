/*
 * A text editor for a message body: UTF-8 text with a cursor, a limit in
 * characters, and moves by lines as the text is wrapped to a width.
 * Pure: the UI draws it and the app feeds it keys.
 */
#ifndef CHARTTY_EDITOR_H
#define CHARTTY_EDITOR_H

#include <stddef.h>

struct editor {
	char	*text;		/* NUL-terminated; owned, wiped on free */
	size_t	 len;		/* bytes */
	size_t	 cap;
	size_t	 cursor;	/* byte offset, on a character boundary */
	size_t	 max;		/* characters allowed */
};

/* An empty editor allowing max characters. */
void	 editor_init(struct editor *, size_t max);
/* Wipe and free the text; the editor is empty again. */
void	 editor_clear(struct editor *);
/* Replace the text (cut at the limit), cursor at the end. */
void	 editor_set(struct editor *, const char *);
/* Characters in the text (code points). */
size_t	 editor_chars(const struct editor *);
/*
 * Insert n bytes of UTF-8 at the cursor; what would pass the limit is
 * left out. Returns 0, or -1 when something was left out.
 */
int	 editor_insert(struct editor *, const char *, size_t n);
void	 editor_backspace(struct editor *);
void	 editor_delete(struct editor *);
/* Left (-1) or right (+1) by one character. */
void	 editor_move(struct editor *, int dir);
/*
 * The lines of the text wrapped to width (as ui_wrap does): their count,
 * and in *line and *col (if non-NULL) where the cursor is.
 */
int	 editor_where(const struct editor *, int width, int *line, int *col);
/*
 * Up (-1) or down (+1) one wrapped line, keeping the column where it
 * can; 0, or -1 when there is no line that way (the cursor stays).
 */
int	 editor_line(struct editor *, int width, int dir);
/* To the start (0) or end (1) of the wrapped line the cursor is on. */
void	 editor_line_edge(struct editor *, int width, int end);

#endif
