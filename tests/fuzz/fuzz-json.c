/*
 * JSON as read from any server (src/json.c): parsed within its bounds,
 * every value read as each kind, printed and read back to the same text,
 * copied, and the spans of a Bundle's resources found in the raw text.
 */
#include "config.h"

#include "fuzz.h"

/* Read every value of j as every kind, depth first. */
static void
walk(const struct json *j, int depth)
{
	const struct json	*c;
	long long		 n;
	double			 d;
	size_t			 i;

	FUZZ_CHECK(depth <= JSON_MAX_DEPTH + 1, "a tree deeper than the "
	    "bound");
	(void)json_str(j);
	(void)json_num(j, &d);
	(void)json_int(j, -1000000000LL, 1000000000LL, &n);
	(void)json_bool(j);
	(void)json_gets(j, "resourceType");
	(void)json_path(j, "meta.versionId");
	for (c = json_first(j); c != NULL; c = json_next(c)) {
		(void)json_key(c);
		walk(c, depth + 1);
	}
	for (i = 0; i < json_size(j) && i < 4; i++)
		FUZZ_CHECK(json_at(j, i) != NULL, "json_at misses an element");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json	*j, *again, *copy;
	char		*text, *text2, *text3;
	size_t		*spans = NULL;
	long		 n, i;

	n = json_spans((const char *)data, size, "entry", "resource", &spans);
	for (i = 0; i < n; i++) {
		FUZZ_CHECK(spans[2 * i] <= spans[2 * i + 1] &&
		    spans[2 * i + 1] <= size, "a span outside the text");
	}
	free(spans);
	if ((j = fuzz_json((const char *)data, size)) == NULL)
		return 0;
	walk(j, 0);
	text = json_print(j);
	again = fuzz_json(text, strlen(text));
	FUZZ_CHECK(again != NULL, "printed JSON does not read back");
	text2 = json_print(again);
	FUZZ_CHECK(strcmp(text, text2) == 0, "printed JSON reads back as "
	    "other JSON");
	copy = json_dup(again);
	text3 = json_print(copy);
	FUZZ_CHECK(strcmp(text2, text3) == 0, "a copy prints otherwise");
	json_free(again);
	json_free_secret(copy);
	json_free(j);
	free(text);
	free(text2);
	free(text3);
	return 0;
}
