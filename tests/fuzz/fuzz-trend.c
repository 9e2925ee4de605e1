/*
 * Trends (src/trend.c) of the results in an Observation Bundle, as the
 * trend screen makes them: the sentence, the axis (lo < hi, every point
 * on a row of the chart) and the chart at several sizes, each line at
 * most as wide as asked, valid UTF-8 (plain ASCII when asked), and as
 * many lines as promised.
 */
#include "config.h"

#include "fhir.h"
#include "fuzz.h"
#include "model.h"
#include "results.h"
#include "sanitize.h"
#include "trend.h"

struct lines {
	int	cols;
	int	ascii;
	int	n;
};

static void
line(void *arg, const char *text)
{
	struct lines		*l = arg;
	const unsigned char	*s = (const unsigned char *)text;
	unsigned int		 cp;
	size_t			 k, len = strlen(text);
	int			 width = 0;

	l->n++;
	while (*s != '\0') {
		k = utf8_decode(s, len - (size_t)(s - (const unsigned char *)
		    text), &cp);
		FUZZ_CHECK(k > 0, "a chart line is not valid UTF-8");
		FUZZ_CHECK(cp >= 0x20 && cp != 0x7f, "a control character in "
		    "a chart line");
		FUZZ_CHECK(!l->ascii || cp < 0x80, "an ASCII chart line "
		    "holds more than ASCII");
		s += k;
		width++;
	}
	FUZZ_CHECK(width <= l->cols, "a chart line wider than asked");
}

static int
observation(struct arena *a, const struct json *j, void *out, void *ctx)
{
	(void)ctx;
	return model_observation(a, j, out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int	 sizes[][2] = { { 30, 4 }, { 80, 12 },
				     { 41, 7 }, { 200, 30 } };
	struct json		*j;
	struct arena		*a;
	struct observation	*obs;
	struct trend		 t;
	struct lines		 l;
	size_t			 n, skipped, i, k;
	long			 total;
	double			 lo, hi;
	int			 s, ascii, rows, row;
	char			*sentence;

	if ((j = fuzz_json((const char *)data, size)) == NULL)
		return 0;
	a = arena_create();
	obs = fhir_records(a, j, sizeof *obs, RESULTS_TREND_PAGE,
	    observation, NULL, &n, &total);
	trend_from_results(&t, a, obs, n, "Hemoglobin A1c", &skipped);
	FUZZ_CHECK(skipped <= n, "more results left out than there are");
	sentence = trend_sentence(&t);
	FUZZ_CHECK(sentence != NULL && *sentence != '\0', "no sentence");
	free(sentence);
	trend_scale(&t, &lo, &hi);
	FUZZ_CHECK(lo < hi, "an axis with lo >= hi");
	for (k = 0; k < t.nseries; k++) {
		for (i = 0; i < t.s[k].n; i++) {
			row = trend_row(t.s[k].p[i].v, lo, hi, 10);
			FUZZ_CHECK(row >= 0 && row < 10, "a point off the "
			    "chart");
		}
	}
	for (s = 0; s < (int)(sizeof sizes / sizeof sizes[0]); s++) {
		for (ascii = 0; ascii <= 1; ascii++) {
			memset(&l, 0, sizeof l);
			l.cols = sizes[s][0];
			l.ascii = ascii;
			rows = trend_chart(&t, sizes[s][0], sizes[s][1], ascii,
			    line, &l);
			FUZZ_CHECK(rows == l.n, "lines drawn are not the lines "
			    "said");
			FUZZ_CHECK(rows == 0 || rows == sizes[s][1] + 3,
			    "not rows + 3 lines");
		}
	}
	arena_free(a);
	json_free(j);
	return 0;
}
