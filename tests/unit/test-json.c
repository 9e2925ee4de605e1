/* Unit tests for the JSON layer: malformed, deep and huge input. */
#include "config.h"

#include "json.h"
#include "tap.h"
#include "util.h"

static int
parses(const char *s, size_t n)
{
	char		*cause = NULL;
	struct json	*j = json_parse(s, n, &cause);
	int		 good = j != NULL;

	if (!good && cause == NULL)
		good = -1;	/* failure must explain itself */
	json_free(j);
	free(cause);
	return good;
}

int
main(void)
{
	struct buf	 b;
	struct json	*j, *o;
	char		*s, *cause = NULL;
	int		 i;

	ok(parses("{\"a\":1}", 7) == 1, "valid object");
	ok(parses("{\"a\":", 5) == 0, "truncated JSON refused with a cause");
	ok(parses("", 0) == 0, "empty refused");
	ok(parses("{\"a\":1} junk", 12) == 0, "trailing junk refused");
	ok(parses("\xff\xfe", 2) == 0, "binary refused");

	buf_init(&b, 1 << 20);
	for (i = 0; i < 10000; i++)
		buf_addstr(&b, "[");
	ok(parses(b.data, b.len) == 0, "10000-deep nesting refused, no crash");
	buf_free(&b, 0);
	buf_init(&b, 1 << 20);
	buf_addstr(&b, "{\"s\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
	    "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"\"}");
	ok(parses(b.data, b.len) == 1, "brackets inside strings do not count");
	buf_free(&b, 0);

	j = json_parse("x", JSON_MAX_SIZE + 1, &cause);
	ok(j == NULL, "over the size cap refused before reading");
	like(cause, "too large", "size cause");
	free(cause);

	j = json_parse("{\"a\":{\"b\":{\"c\":\"deep\"}},\"n\":2.5,\"t\":true,"
	    "\"l\":[1,2,3]}", 54, &cause);
	ok(j != NULL, "nested parsed");
	is(json_str(json_path(j, "a.b.c")), "deep", "dotted path");
	ok(json_path(j, "a.x.c") == NULL, "missing path is NULL");
	ok(json_size(json_get(j, "l")) == 3, "array size");
	ok(json_bool(json_get(j, "t")) == 1, "boolean");
	ok(json_bool(json_get(j, "n")) == -1, "not a boolean");
	ok(json_gets(j, "n") == NULL, "a number is not a string");
	json_free(j);

	o = json_new_object();
	json_add_str(o, "password", "hunter2");
	json_add_num(json_add_object(o, "x"), "v", 3);
	json_add_str(json_add_array(o, "a"), NULL, "e");
	s = json_print(o);
	is(s, "{\"password\":\"hunter2\",\"x\":{\"v\":3},\"a\":[\"e\"]}",
	    "builder prints compactly");
	free(s);
	json_free_secret(o);
	return done_testing();
}
