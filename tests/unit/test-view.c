/* Unit tests for views: numbering, focus moves, fields, wrapping. */
#include "config.h"

#include <locale.h>

#include "tap.h"
#include "ui.h"
#include "util.h"
#include "view.h"

static char	lines[8][128];
static int	nlines;

static void
collect(void *arg, const char *s, size_t n)
{
	if (nlines < 8)
		snprintf(lines[nlines++], sizeof lines[0], "%.*s", (int)n, s);
}

int
main(void)
{
	struct view	v;
	struct field	f;
	int		a1;

	setlocale(LC_ALL, "C.UTF-8");
	view_init(&v);
	view_heading(&v, "Allergies");
	a1 = view_item(&v, 1, "Allergy", "Penicillin", "Hives", 0);
	view_item(&v, 2, "Allergy", "Peanut", "Anaphylaxis", ROW_ALERT);
	view_item(&v, 3, "Allergy", "Latex", NULL, 0);
	view_heading(&v, "Medications");
	view_text(&v, "From your care team.");
	view_item(&v, 4, "Medication", "Metformin", "twice daily", 0);
	view_number(&v);
	view_fix_focus(&v);
	ok(v.focus == a1, "focus starts on the first item, not a heading");
	is(view_focus_text(&v), "Allergy 1 of 3", "focus text");
	v.focus = view_next(&v, v.focus, 1);
	v.focus = view_next(&v, v.focus, 1);
	is(view_focus_text(&v), "Allergy 3 of 3", "moved down twice");
	v.focus = view_next(&v, v.focus, 1);
	is(view_focus_text(&v), "Medication 1 of 1",
	    "headings and text are skipped");
	ok(view_next(&v, v.focus, 1) == -1, "nothing after the last item");
	ok(view_next(&v, a1, -1) == -1, "nothing before the first item");
	v.focus = 0;
	view_fix_focus(&v);
	ok(v.focus == a1, "a focus on a heading moves to an item");
	view_free(&v);

	memset(&f, 0, sizeof f);
	field_insert(&f, "ab", 2);
	field_insert(&f, "\xc3\xa9", 2);
	is(f.text, "ab\xc3\xa9", "typed text, UTF-8 kept whole");
	field_backspace(&f);
	is(f.text, "ab", "backspace removes a whole character");
	field_move(&f, 0);
	field_delete(&f);
	is(f.text, "b", "home, then delete");
	field_move(&f, 2);
	ok(f.cursor == 1, "end");
	field_clear(&f);
	ok(f.len == 0 && f.text[0] == '\0', "cleared");

	nlines = 0;
	ui_wrap("Take 1 tablet by mouth twice daily with meals.", 20,
	    collect, NULL);
	ok(nlines == 3, "wrapped into 3 lines (%d)", nlines);
	is(lines[0], "Take 1 tablet by", "breaks at a space");
	nlines = 0;
	ui_wrap("Supercalifragilistic", 8, collect, NULL);
	is(lines[0], "Supercal", "a long word is cut");
	nlines = 0;
	ui_wrap("a\nb", 20, collect, NULL);
	ok(nlines == 2 && strcmp(lines[1], "b") == 0, "line breaks kept");
	ok(ui_width("\xe6\x9d\x8e") == 2, "a CJK character is 2 columns");
	ok(ui_width("Zo\xc3\xab") == 3, "an accented letter is 1 column");
	return done_testing();
}
