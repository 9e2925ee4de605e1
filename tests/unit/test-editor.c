/* Unit tests for the message editor: limits, UTF-8, moves by lines. */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "editor.h"
#include "tap.h"

int
main(void)
{
	struct editor	e;
	int		line, col, n;

	setlocale(LC_ALL, "C.UTF-8");
	editor_init(&e, 10);
	ok(editor_insert(&e, "Hello", 5) == 0 && strcmp(e.text, "Hello") == 0,
	    "insert");
	ok(editor_insert(&e, " wörld!", strlen(" wörld!")) == -1,
	    "past the limit is said");
	is(e.text, "Hello wörl", "and cut at 10 characters, not bytes");
	ok(editor_chars(&e) == 10, "10 characters (%zu)", editor_chars(&e));
	editor_backspace(&e);
	is(e.text, "Hello wör", "backspace removes a character");
	editor_backspace(&e);
	is(e.text, "Hello wö", "and a two-byte one whole");
	editor_move(&e, -1);
	editor_move(&e, -1);
	editor_delete(&e);
	is(e.text, "Hello ö", "delete at the cursor");
	editor_insert(&e, "w", 1);
	is(e.text, "Hello wö", "insert in the middle");
	editor_clear(&e);
	is(e.text, "", "clear empties");
	ok(e.len == 0 && e.cursor == 0, "and resets");
	editor_clear(&e);
	free(e.text);

	editor_init(&e, 1000);
	editor_set(&e, "one two three four five six\nseven");
	n = editor_where(&e, 10, &line, &col);
	ok(n == 4 && line == 3 && col == 5, "wrapped to 10: 4 lines, cursor "
	    "at the end of the last (%d, %d, %d)", n, line, col);
	ok(editor_line(&e, 10, -1) == 0, "up a line");
	editor_where(&e, 10, &line, &col);
	ok(line == 2 && col == 5, "keeps the column (%d, %d)", line,
	    col);
	ok(editor_line(&e, 10, -1) == 0 && editor_line(&e, 10, -1) == 0,
	    "up twice");
	ok(editor_line(&e, 10, -1) == -1, "not above the first line");
	editor_where(&e, 10, &line, &col);
	ok(line == 0, "on the first line (%d)", line);
	editor_line_edge(&e, 10, 1);
	editor_where(&e, 10, &line, &col);
	ok(line == 0 && col == 7, "end of the wrapped line (%d, %d)", line,
	    col);
	editor_line_edge(&e, 10, 0);
	ok(e.cursor == 0, "start of it");
	editor_set(&e, "abc\n");
	n = editor_where(&e, 10, &line, &col);
	ok(n == 2 && line == 1 && col == 0, "after a final newline the "
	    "cursor is on a new empty line (%d, %d, %d)", n, line, col);
	editor_clear(&e);
	free(e.text);

	/* As many lines as the limit allows: the cursor line stays right. */
	editor_init(&e, 5000);
	for (n = 0; n < 5000; n++)
		editor_insert(&e, "\n", 1);
	n = editor_where(&e, 40, &line, &col);
	ok(n == 5001 && line == 5000, "5,000 line breaks: 5,001 lines, the "
	    "cursor on the last (%d, %d)", n, line);
	editor_clear(&e);
	free(e.text);

	/* End on a word cut to fit stays on its line. */
	editor_init(&e, 100);
	editor_set(&e, "abcdefghijklmnopqrstuvwxyz");
	e.cursor = 0;
	editor_line_edge(&e, 10, 1);
	editor_where(&e, 10, &line, &col);
	ok(line == 0, "End on a cut word stays on its line (%d, %d)", line,
	    col);
	editor_clear(&e);
	free(e.text);
	return done_testing();
}
