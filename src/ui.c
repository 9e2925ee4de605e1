/* The UI's common part: dispatch to curses or plain, and text measure. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <wchar.h>

#include "sanitize.h"
#include "evloop.h"
#include "ui.h"
#include "util.h"

/* Width of the character at s (n bytes left) and its length in *len. */
static int
ui_char(const char *s, size_t n, size_t *len)
{
	unsigned int	cp;
	int		w;

	*len = utf8_decode((const unsigned char *)s, n, &cp);
	if (*len == 0) {
		*len = 1;
		return 1;
	}
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int
ui_width(const char *s)
{
	size_t	n = strlen(s), i = 0, len;
	int	w = 0;

	while (i < n) {
		w += ui_char(s + i, n - i, &len);
		i += len;
	}
	return w;
}

int
ui_wrap(const char *s, int width, void (*line)(void *, const char *, size_t),
    void *arg)
{
	size_t	n = strlen(s), i, len, start = 0, brk;
	int	w, lines = 0, c;

	if (width < 1)
		width = 1;
	for (;;) {
		/* Lines break at \n; otherwise fill up to width. */
		w = 0;
		brk = 0;
		for (i = start; i < n && s[i] != '\n'; i += len) {
			c = ui_char(s + i, n - i, &len);
			if (w + c > width)
				break;
			w += c;
			if (s[i] == ' ')
				brk = i;
		}
		/* Break at the last space, or at this one after a full line. */
		if (i < n && s[i] != '\n' && s[i] != ' ' && brk > start)
			i = brk;
		if (i == start && i < n && s[i] != '\n') {
			ui_char(s + i, n - i, &len);	/* always progress */
			i += len;
		}
		line(arg, s + start, i - start);
		lines++;
		if (i >= n)
			break;
		start = i;
		if (s[start] == '\n' || s[start] == ' ')
			start++;
		if (start >= n && s[n - 1] != '\n')
			break;
	}
	return lines;
}

void
ui_draw(struct ui *ui, struct view *v, const char *status)
{
	ui->ops->draw(ui, v, status);
}

void
ui_status(struct ui *ui, const char *s)
{
	ui->ops->status(ui, s);
}

int
ui_read(struct ui *ui, struct view *v, struct ui_event *ev)
{
	return ui->ops->read(ui, v, ev);
}

char *
ui_prompt(struct ui *ui, const char *prompt)
{
	return ui != NULL ? ui->ops->prompt(ui, prompt) : NULL;
}

void
ui_wipe(struct ui *ui)
{
	if (ui != NULL)
		ui->ops->wipe(ui);
}

void
ui_free(struct ui *ui)
{
	if (ui != NULL)
		ui->ops->free(ui);
}

/* The terminal's settings while a secret line is read without echo. */
static struct termios	ui_saved_tty;
static volatile int	ui_tty_saved;

void
ui_line_restore(void)
{
	if (ui_tty_saved) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &ui_saved_tty);
		ui_tty_saved = 0;
	}
}

char *
ui_read_line(const char *prompt, int flags)
{
	struct termios	 t;
	char		 line[UI_LINE_MAX], *out = NULL;

	fputs(prompt, stdout);
	fflush(stdout);
	if ((flags & UI_LINE_SECRET) && isatty(STDIN_FILENO) &&
	    tcgetattr(STDIN_FILENO, &ui_saved_tty) == 0) {
		t = ui_saved_tty;
		t.c_lflag &= ~(tcflag_t)ECHO;
		t.c_lflag |= ECHONL;
		ui_tty_saved = tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == 0;
	}
	/* The line is waited for in the loop: signals and timers are served
	 * meanwhile, and one of them may end the wait (NULL). */
	if (ev_wait_readable(STDIN_FILENO) &&
	    fgets(line, sizeof line, stdin) != NULL)
		out = xstrndup(line, strcspn(line, "\r\n"));
	if ((flags & UI_LINE_PIPED) && !isatty(STDIN_FILENO)) {
		putchar('\n');	/* nothing echoed the answer's line end */
		fflush(stdout);
	}
	ui_line_restore();
	secure_wipe(line, sizeof line);
	return out;
}
