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

	/* Wide: the most values and members, and one more. */
	for (i = 0; i < 2; i++) {
		size_t	k, n = JSON_MAX_VALUES - 1 + (size_t)i;

		buf_init(&b, 4 * JSON_MAX_VALUES);
		buf_addstr(&b, "[{}");
		for (k = 1; k < n; k++)
			buf_addstr(&b, k % 2 ? ", 0" : ",{ }");
		buf_addstr(&b, "]");
		ok(parses(b.data, b.len) == !i, "%zu values and the root %s", n,
		    i ? "refused" : "read");
		buf_free(&b, 0);
		n = JSON_MAX_MEMBERS + (size_t)i;
		buf_init(&b, 16 * n);
		for (k = 0; k < n; k++)
			buf_printf(&b, "%c\"k%zu\":[]", k ? ',' : '{', k);
		buf_addstr(&b, "}");
		ok(parses(b.data, b.len) == !i, "an object of %zu members %s",
		    n, i ? "refused" : "read");
		buf_free(&b, 0);
	}
	j = json_parse("[[]]", 4, &cause);
	ok(j != NULL && json_size(json_at(j, 0)) == 0, "an empty array "
	    "counts no value");
	json_free(j);

	/* Walking arrays remembers the place: still right out of order,
	 * nested past the memos it keeps, and after a change. */
	buf_init(&b, 1 << 20);
	buf_addstr(&b, "{\"big\":[");
	for (i = 0; i < 500; i++)
		buf_printf(&b, "%s{\"n\":%d}", i ? "," : "", i);
	buf_addstr(&b, "],\"small\":[");
	for (i = 0; i < 100; i++)
		buf_printf(&b, "%s[%d,%d]", i ? "," : "", i, -i);
	buf_addstr(&b, "]}");
	j = json_parse(b.data, b.len, &cause);
	buf_free(&b, 0);
	{
		long long	v, w;
		int		good = j != NULL, k;

		for (i = 0; good && i < 500; i++) {
			good = json_size(json_get(j, "big")) == 500 &&
			    json_int(json_get(json_at(json_get(j, "big"), i),
			    "n"), 0, 500, &v) == 0 && v == i;
			/* every small array between two steps of big */
			for (k = 0; good && k < 100; k++)
				good = json_int(json_at(json_at(json_get(j,
				    "small"), k), 1), -100, 0, &w) == 0 &&
				    w == -k;
		}
		ok(good, "nested walks: every element where it is");
		for (i = 499; good && i >= 0; i -= 7)
			good = json_int(json_get(json_at(json_get(j, "big"), i),
			    "n"), 0, 500, &v) == 0 && v == i;
		ok(good, "walked backwards");
		ok(json_at(json_get(j, "big"), 500) == NULL &&
		    json_at(json_get(j, "big"), 3) != NULL,
		    "past the end is NULL, and back again");
		json_add_num(json_get(j, "big"), NULL, 500);
		ok(json_size(json_get(j, "big")) == 501 &&
		    json_at(json_get(j, "big"), 500) != NULL, "a new element "
		    "is counted");
		json_set_str(j, "small", "gone");
		is(json_gets(j, "small"), "gone", "a member replaced is found "
		    "anew");
		json_remove(j, "small");
		ok(json_get(j, "small") == NULL, "a member removed is gone");
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
