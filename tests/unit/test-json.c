/* Unit tests for the JSON layer: malformed, deep and huge input. */
#include "config.h"

#include <limits.h>

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

	/* Whole numbers: out of range, infinite or not numbers are not
	 * given, and *out is left alone. */
	j = json_parse("{\"big\":1e300,\"neg\":-1e300,\"inf\":1e999,"
	    "\"ninf\":-1e999,\"edge\":9.3e18,\"f\":-2.75,\"s\":\"7\","
	    "\"top\":9007199254740992}", 107, &cause);
	ok(j != NULL, "wild numbers parse");
	{
		static const char *const bad[] = { "big", "neg", "inf",
		    "ninf", "edge", "s", "none" };
		long long	v;
		size_t		k;

		for (k = 0; k < sizeof bad / sizeof bad[0]; k++) {
			v = 42;
			ok(json_int(json_get(j, bad[k]), LLONG_MIN, LLONG_MAX,
			    &v) == -1 && v == 42, "json_int: %s is not given",
			    bad[k]);
		}
		ok(json_int(json_get(j, "f"), -10, 10, &v) == 0 && v == -2,
		    "json_int: -2.75 is -2");
		ok(json_int(json_get(j, "f"), 0, 10, &v) == -1,
		    "json_int: -2.75 is below 0");
		ok(json_int(json_get(j, "top"), 0, LLONG_MAX, &v) == 0 &&
		    v == 9007199254740992LL, "json_int: 2^53");
		ok(json_int(json_get(j, "top"), 0, 1000, &v) == -1,
		    "json_int: 2^53 is over 1000");
		ok(json_int(NULL, 0, 1, &v) == -1, "json_int: NULL");
	}
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
