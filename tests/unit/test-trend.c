/* Unit tests for trends: sentences, number forms, scales, rows and charts. */
#include "config.h"

#include <math.h>
#include <time.h>

#include "model.h"
#include "tap.h"
#include "trend.h"
#include "util.h"

#define MAXLINES	64

static char	lines[MAXLINES][1024];
static int	nlines, ncalls;

/* Keep each chart line (the first MAXLINES) and count the calls. */
static void
collect(void *arg, const char *s)
{
	(void)arg;
	if (nlines < MAXLINES)
		snprintf(lines[nlines++], sizeof lines[0], "%s", s);
	ncalls++;
}

/* Draw a chart into lines; returns what trend_chart returned. */
static int
chart(const struct trend *t, int cols, int rows, int ascii)
{
	nlines = ncalls = 0;
	memset(lines, 0, sizeof lines);
	return trend_chart(t, cols, rows, ascii, collect, NULL);
}

/* The last line (the legend) of a chart of t is want. */
#define legend_is(t, cols, rows, ascii, want, ...) do {			\
	chart(t, cols, rows, ascii);					\
	is(lines[(rows) + 2], want, __VA_ARGS__);			\
} while (0)

/* Midday on a day, in the test's UTC. */
static time_t
day(int y, int m, int d)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = 12;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* Display columns of UTF-8 text: one per code point. */
static int
width(const char *s)
{
	int	n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Every line is at most cols wide; in ascii, only printable ASCII. */
static int
lines_fit(int cols, int ascii)
{
	const unsigned char	*p;
	int			 i;

	for (i = 0; i < nlines; i++) {
		if (width(lines[i]) > cols) {
			diag("line %d is %d wide: \"%s\"", i, width(lines[i]),
			    lines[i]);
			return 0;
		}
		for (p = (const unsigned char *)lines[i]; ascii && *p; p++) {
			if (*p < 0x20 || *p > 0x7e) {
				diag("line %d has byte 0x%02x", i, *p);
				return 0;
			}
		}
	}
	return 1;
}

/* The plot part of an ascii chart line: what follows the "|". */
static const char *
plot(int row)
{
	const char	*p = strchr(lines[row], '|');

	return p != NULL ? p + 1 : "";
}

static void
dump(void)
{
	int	i;

	for (i = 0; i < nlines; i++)
		diag("|%s|", lines[i]);
}

/*
 * Whether lo and hi are whole multiples of a step of 1, 2 or 5 times a
 * power of ten, with 3 to 8 steps between them.
 */
static int
nice_bounds(double lo, double hi)
{
	static const int	mant[] = { 1, 2, 5 };
	double			s, a, b;
	int			e, i;

	for (e = -6; e <= 6; e++) {
		for (i = 0; i < 3; i++) {
			s = mant[i] * pow(10, e);
			a = lo / s;
			b = hi / s;
			if (fabs(a - round(a)) < 1e-6 &&
			    fabs(b - round(b)) < 1e-6 &&
			    round(b - a) >= 3 && round(b - a) <= 8)
				return 1;
		}
	}
	diag("lo %g hi %g are not on a nice step", lo, hi);
	return 0;
}

/* Whether %g prints x in at most n characters. */
static int
short_number(double x, size_t n)
{
	char	s[64];

	snprintf(s, sizeof s, "%g", x);
	return strlen(s) <= n;
}

static struct trend_point a1c_points[] = {
	{ 0, 5.8 }, { 0, 6.2 }, { 0, 6.9 }, { 0, 7.9 }, { 0, 7.4 },
	{ 0, 6.8 }, { 0, 6.5 }, { 0, 7.3 }, { 0, 7.1 }
};

static struct trend_point sys_points[] = {
	{ 0, 150 }, { 0, 144 }, { 0, 136 }, { 0, 141 }, { 0, 138 }
};
static struct trend_point dia_points[] = {
	{ 0, 94 }, { 0, 90 }, { 0, 84 }, { 0, 88 }, { 0, 86 }
};

/* The sentence of t is want; reported at the caller's line. */
#define sentence_is(t, want, ...) do {					\
	char *s_ = trend_sentence(t);					\
									\
	is(s_, want, __VA_ARGS__);					\
	free(s_);							\
} while (0)

/* Start t afresh as one series of n points p. */
static void
series(struct trend *t, const char *name, const char *unit,
    struct trend_point *p, size_t n)
{
	memset(t, 0, sizeof *t);
	t->name = name;
	t->unit = unit;
	t->s[0].p = p;
	t->s[0].n = n;
	t->nseries = 1;
}

/* Nine A1c results from March 2023 to October 2026, high above 5.7. */
static void
a1c(struct trend *t)
{
	static const int	when[][3] = {
		{ 2023, 3, 12 }, { 2023, 7, 1 }, { 2023, 11, 20 },
		{ 2024, 4, 2 }, { 2024, 9, 9 }, { 2025, 2, 14 },
		{ 2025, 8, 30 }, { 2026, 3, 3 }, { 2026, 10, 15 }
	};
	size_t			i;

	for (i = 0; i < 9; i++)
		a1c_points[i].t = day(when[i][0], when[i][1], when[i][2]);
	series(t, "Hemoglobin A1c", "%", a1c_points, 9);
	t->have_high = 1;
	t->high = 5.7;
	t->latest_flag = "High";
}

/* Five blood pressures from May 2025 to November 2026, high above 120. */
static void
bp(struct trend *t)
{
	static const int	when[][3] = {
		{ 2025, 5, 1 }, { 2025, 9, 1 }, { 2026, 1, 10 },
		{ 2026, 6, 6 }, { 2026, 11, 30 }
	};
	size_t			i;

	for (i = 0; i < 5; i++) {
		sys_points[i].t = dia_points[i].t =
		    day(when[i][0], when[i][1], when[i][2]);
	}
	series(t, "Blood pressure", "mmHg", sys_points, 5);
	t->s[0].name = "systolic";
	t->s[1].name = "diastolic";
	t->s[1].p = dia_points;
	t->s[1].n = 5;
	t->nseries = 2;
	t->have_high = 1;
	t->high = 120;
	t->latest_flag = "High";
}

/* One series "Test" of n values v, days apart from 1 March 2023. */
static void
simple(struct trend *t, struct trend_point *p, const double *v, size_t n,
    int apart)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		p[i].t = day(2023, 3, 1) + (time_t)i * apart * 86400;
		p[i].v = v[i];
	}
	series(t, "Test", NULL, p, n);
}

static void
test_sentences(void)
{
	struct trend		t;
	struct trend_point	p[4];
	static const double	same[] = { 6.5, 7.25, 7.1 };
	static const double	nums[] = { 0.05, 1234.5, 12.25 };
	char			*s;

	a1c(&t);
	sentence_is(&t, "Hemoglobin A1c, 9 results from March 2023 to "
	    "October 2026: lowest 5.8 %, highest 7.9 %, latest 7.1 % (high)",
	    "sentence: range of months, flag lowercased");

	t.s[0].n = 1;
	a1c_points[0].v = 7.1;
	sentence_is(&t, "Hemoglobin A1c, 1 result on 12 March 2023: "
	    "7.1 % (high)", "sentence: one result");
	a1c_points[0].v = 5.8;

	t.s[0].n = 0;
	sentence_is(&t, "Hemoglobin A1c: no results yet.",
	    "sentence: no results");

	simple(&t, p, same, 3, 7);
	t.unit = "mmol/L";
	t.latest_flag = "Normal";
	sentence_is(&t, "Test, 3 results in March 2023: lowest 6.5 mmol/L, "
	    "highest 7.25 mmol/L, latest 7.1 mmol/L",
	    "sentence: same month, no flag for Normal");

	t.latest_flag = "Critical high";
	s = trend_sentence(&t);
	like(s, "latest 7.1 mmol/L (critical high)",
	    "sentence: a two-word flag is lowercased");
	free(s);

	t.unit = "10*3/uL";	/* a UCUM code: said as people write it */
	t.latest_flag = NULL;
	sentence_is(&t, "Test, 3 results in March 2023: lowest 6.5 "
	    "thousand/uL, highest 7.25 thousand/uL, latest 7.1 thousand/uL",
	    "sentence: a UCUM unit as people write it");
	t.unit = "mmol/L";
	t.latest_flag = "Critical high";

	simple(&t, p, nums, 3, 20);
	sentence_is(&t, "Test, 3 results from March 2023 to April 2023: "
	    "lowest 0.05, highest 1234.5, latest 12.25",
	    "sentence: no unit, numbers 0.05, 1234.5, 12.25");

	t.unit = "";
	p[0].v = 140;
	p[1].v = 7.1 + 1e-12;
	p[2].v = -2.5;
	sentence_is(&t, "Test, 3 results from March 2023 to April 2023: "
	    "lowest -2.5, highest 140, latest -2.5",
	    "sentence: empty unit, 140 and -2.5");

	p[0].v = 0.000123;
	p[1].v = 5.123456;
	p[2].v = 3.0000001;
	sentence_is(&t, "Test, 3 results from March 2023 to April 2023: "
	    "lowest 0.000123, highest 5.1235, latest 3",
	    "sentence: four decimals at most, small values keep digits");

	bp(&t);
	sentence_is(&t, "Blood pressure, 5 results from May 2025 to "
	    "November 2026: systolic lowest 136 mmHg, highest 150 mmHg, "
	    "latest 138 mmHg; diastolic lowest 84 mmHg, highest 94 mmHg, "
	    "latest 86 mmHg (high)",
	    "sentence: two series, flag after the last");

	t.s[0].n = t.s[1].n = 1;
	t.latest_flag = NULL;
	sentence_is(&t, "Blood pressure, 1 result on 1 May 2025: "
	    "systolic 150 mmHg, diastolic 94 mmHg",
	    "sentence: two series, one result, no flag");
}

static void
test_scale(void)
{
	struct trend		t;
	struct trend_point	p[4];
	static const double	flat[] = { 7, 7, 7 };
	static const double	zero[] = { 0, 0 };
	static const double	noise[] = { 250000, 250000.00000000006 };
	static const double	huge[] = { 1e20, 100000000000000016384.0 };
	static const double	denormal[] = { 0, 5e-324 };
	static const double	widest[] = { -1.7e308, 1.7e308 };
	static const double	neg[] = { -3.2, 1.7, -0.4 };
	static const double	tiny[] = { 0.01, 0.013, 0.03 };
	static const double	big[] = { 15000, 20000, 17250 };
	static const double	close[] = { 98.6, 98.7, 98.65 };
	double			lo, hi;

	a1c(&t);
	trend_scale(&t, &lo, &hi);
	ok(lo <= 5.7 && hi >= 7.9, "scale: holds values and band (%g..%g)",
	    lo, hi);
	ok(nice_bounds(lo, hi), "scale: whole nice steps");
	ok(short_number(lo, 4) && short_number(hi, 4),
	    "scale: short bounds (%g, %g)", lo, hi);

	t.have_high = 0;
	t.have_low = 1;
	t.low = 4;
	trend_scale(&t, &lo, &hi);
	ok(lo <= 4 && hi >= 7.9 && nice_bounds(lo, hi),
	    "scale: a low band below the values (%g..%g)", lo, hi);

	simple(&t, p, flat, 3, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo < hi && lo <= 7 && hi >= 7 && lo < 7 && hi > 7,
	    "scale: flat series gets room around it (%g..%g)", lo, hi);

	simple(&t, p, zero, 2, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo < 0 && hi > 0, "scale: flat zero (%g..%g)", lo, hi);

	/* Rounding noise on a big value once looped for ever. */
	simple(&t, p, noise, 2, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo < 250000 && hi > 250000, "scale: a big value with rounding "
	    "noise is flat (%g..%g)", lo, hi);
	simple(&t, p, huge, 2, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo < 1e20 && hi > 1e20, "scale: 1e20 and the next double are "
	    "flat (%g..%g)", lo, hi);
	/* log10 of the smallest double's eighth is -infinity: no int
	 * holds it (tests/unit/float-cast.sh sees the cast). */
	simple(&t, p, denormal, 2, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo <= 0 && hi >= 5e-324 && lo < hi, "scale: 0 and 5e-324 "
	    "(%g..%g)", lo, hi);
	simple(&t, p, widest, 2, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo < hi, "scale: -1.7e308 to 1.7e308 (%g..%g)", lo, hi);

	simple(&t, p, neg, 3, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo <= -3.2 && hi >= 1.7 && nice_bounds(lo, hi),
	    "scale: negative values (%g..%g)", lo, hi);

	simple(&t, p, tiny, 3, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo <= 0.01 && hi >= 0.03 && nice_bounds(lo, hi) &&
	    short_number(lo, 5) && short_number(hi, 5),
	    "scale: tiny values (%g..%g)", lo, hi);

	simple(&t, p, big, 3, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo <= 15000 && hi >= 20000 && nice_bounds(lo, hi) &&
	    short_number(lo, 5) && short_number(hi, 5),
	    "scale: big values (%g..%g)", lo, hi);

	simple(&t, p, close, 3, 1);
	trend_scale(&t, &lo, &hi);
	ok(lo <= 98.6 && hi >= 98.7 && nice_bounds(lo, hi) &&
	    hi - lo < 1, "scale: close values get a fine step (%g..%g)",
	    lo, hi);

	memset(&t, 0, sizeof t);
	trend_scale(&t, &lo, &hi);
	ok(lo < hi, "scale: nothing at all still gives lo < hi");
}

static void
test_row(void)
{
	ok(trend_row(10, 0, 10, 11) == 0, "row: hi is the top row");
	ok(trend_row(0, 0, 10, 11) == 10, "row: lo is the bottom row");
	ok(trend_row(5, 0, 10, 11) == 5, "row: the middle");
	ok(trend_row(5.4, 0, 10, 11) == 5 && trend_row(5.6, 0, 10, 11) == 4,
	    "row: rounds to the nearest row");
	ok(trend_row(50, 0, 10, 11) == 0, "row: above hi is clamped");
	ok(trend_row(-50, 0, 10, 11) == 10, "row: below lo is clamped");
	ok(trend_row(-2, -4, 0, 5) == 2, "row: a negative axis");
}

static void
test_chart(void)
{
	struct trend		 t;
	struct trend_point	 p[3], *many;
	static const double	 v3[] = { 1, 2, 3 };
	static const int	 widths[] = { 30, 80, 132 };
	static const char	*rule = "+------";
	double			 lo, hi;
	clock_t			 start;
	int			 i, r, n, first, last, ascii, col, cols[3];
	const char		*q;
	char			 want[128];

	a1c(&t);
	n = chart(&t, 80, 10, 1);
	ok(n == 13 && nlines == 13 && ncalls == 13,
	    "chart: rows + 3 lines (%d)", n);
	if (!ok(lines_fit(80, 1), "chart: ascii lines fit and are printable"))
		dump();
	first = last = -1;
	for (r = 0; r < 10; r++) {
		if (strchr(plot(r), '*') != NULL) {
			if (first == -1)
				first = r;
			last = r;
		}
	}
	ok(first == 0, "chart: the highest value is on the top row (%d)",
	    first);
	ok(last >= 8, "chart: the lowest value is near the bottom (%d)", last);
	ok(strchr(plot(9), '.') != NULL && strchr(plot(0), '.') == NULL,
	    "chart: the band is shaded below 5.7 only");
	like(lines[10], rule, "chart: axis line");
	ok(width(lines[10]) == 80, "chart: axis runs to the right edge");
	ok(strncmp(lines[0], " 8.0 |", 6) == 0 &&
	    strncmp(lines[9], " 5.5 |", 6) == 0,
	    "chart: top and bottom labelled with the step's decimals");
	for (r = 1, n = 0; r < 9; r++)
		n += lines[r][3] != ' ';
	ok(n >= 1, "chart: a middle row is labelled too");
	ok(strncmp(lines[11] + (plot(0) - lines[0]), "Mar 2023", 8) == 0,
	    "chart: first date under the plot's left");
	ok(strlen(lines[11]) == 80 &&
	    strcmp(lines[11] + 72, "Oct 2026") == 0,
	    "chart: last date at the right edge");
	is(lines[12], "* Hemoglobin A1c (%)   . normal range below 5.7",
	    "chart: legend, band below");

	t.have_low = 1;
	t.low = 4;
	legend_is(&t, 80, 10, 1, "* Hemoglobin A1c (%)   . normal range "
	    "4.0 to 5.7", "chart: legend, band both sides with even decimals");
	t.unit = "m[IU]/L";
	legend_is(&t, 80, 10, 1, "* Hemoglobin A1c (mIU/L)   . normal range "
	    "4.0 to 5.7", "chart: legend, a UCUM unit as people write it");
	t.unit = "%";
	t.have_high = 0;
	t.unit = NULL;
	legend_is(&t, 80, 10, 1, "* Hemoglobin A1c   . normal range above 4",
	    "chart: legend, band above, no unit");
	t.have_low = 0;
	legend_is(&t, 80, 10, 1, "* Hemoglobin A1c", "chart: legend, no band");
	ok(strchr(plot(9), '.') == NULL, "chart: no band, no shading");

	for (i = 0; i < 3; i++) {
		for (ascii = 0; ascii <= 1; ascii++) {
			a1c(&t);
			n = chart(&t, widths[i], 6 + i * 8, ascii);
			ok(n == 6 + i * 8 + 3 && lines_fit(widths[i], ascii),
			    "chart: %d columns, %s: %d lines that fit",
			    widths[i], ascii ? "ascii" : "utf-8", n);
			bp(&t);
			n = chart(&t, widths[i], 6 + i * 8, ascii);
			ok(n == 6 + i * 8 + 3 && lines_fit(widths[i], ascii),
			    "chart: blood pressure in %d columns, %s",
			    widths[i], ascii ? "ascii" : "utf-8");
		}
	}

	a1c(&t);
	legend_is(&t, 30, 8, 1, "* Hemog...  . normal below 5.7",
	    "chart: a long legend says the band shorter and cuts the name");
	t.have_high = 0;
	legend_is(&t, 30, 8, 1, "* Hemoglobin A1c (%)",
	    "chart: a legend that fits");
	t.name = "Hemoglobin A1c in Blood by calculation";
	legend_is(&t, 30, 8, 0, "\xe2\x97\x8f Hemoglobin A1c in Blood b...",
	    "chart: a long name is cut to the width");

	a1c(&t);
	chart(&t, 40, 8, 0);
	like(lines[0], "\xe2\x97\x8f", "chart: utf-8 mark");
	like(lines[0], "\xe2\x94\x82", "chart: utf-8 vertical bar");
	like(lines[7], "\xc2\xb7", "chart: utf-8 band shading");
	like(lines[8], "\xe2\x94\x94\xe2\x94\x80", "chart: utf-8 axis");

	bp(&t);
	t.have_low = 1;
	t.low = 90;
	chart(&t, 80, 12, 1);
	ok(strchr(plot(4), '.') == NULL && strchr(plot(5), '.') != NULL &&
	    strchr(plot(9), '.') != NULL && strchr(plot(10), '.') == NULL,
	    "chart: band 90 to 120 shaded on its rows only");
	is(lines[14], "* systolic  o diastolic  . normal range 90 to 120",
	    "chart: two series legend");
	for (r = 0, n = 0; r < 12; r++) {
		for (q = plot(r); (q = strchr(q, 'o')) != NULL; q++)
			n++;
	}
	ok(n == 5, "chart: five diastolic marks (%d)", n);
	snprintf(want, sizeof want, "%*s%s%*s", 6, "", "May 2025", 66,
	    "Nov 2026");
	is(lines[13], want, "chart: dates under both ends of the plot");

	simple(&t, p, v3, 3, 0);
	t.s[0].p[1].t = t.s[0].p[0].t;
	t.s[0].p[2].t = t.s[0].p[0].t;
	chart(&t, 30, 5, 1);
	n = 0;
	for (r = 0; r < 5; r++) {
		if ((q = strchr(plot(r), '*')) != NULL)
			cols[n++ % 3] = (int)(q - plot(r));
	}
	ok(n == 3 && cols[0] > cols[1] && cols[1] > cols[2] &&
	    cols[1] > 5 && cols[0] - cols[1] > 5,
	    "chart: same time, spread by index");
	like(lines[6], "Mar 2023", "chart: one month, one date");
	ok(strstr(lines[6] + 12, "Mar") == NULL, "chart: only one date");

	simple(&t, p, v3, 3, 1);
	p[2].t = p[0].t + 100 * 86400;
	trend_scale(&t, &lo, &hi);
	chart(&t, 80, 9, 1);
	r = trend_row(2, lo, hi, 9);
	col = (q = strchr(plot(r), '*')) != NULL ? (int)(q - plot(r)) : -1;
	ok(col >= 0 && col < 3, "chart: spread by time, not index (%d)", col);

	t.name = "H\xc3\xa4moglobin\x1b[31m";
	n = chart(&t, 30, 4, 1);
	ok(n == 7 && lines_fit(30, 1),
	    "chart: a hostile name stays printable ASCII");
	like(lines[6], "H?moglobin?[31m", "chart: replaced, not dropped");
	chart(&t, 30, 4, 0);
	like(lines[6], "H\xc3\xa4moglobin?[31m",
	    "chart: utf-8 kept, the escape is not");

	a1c(&t);
	ok(chart(&t, 29, 10, 0) == 0 && ncalls == 0,
	    "chart: 29 columns is too narrow, nothing drawn");
	ok(chart(&t, 80, 3, 0) == 0 && ncalls == 0,
	    "chart: 3 rows is too short, nothing drawn");
	t.s[0].n = 0;
	ok(chart(&t, 80, 10, 0) == 0 && ncalls == 0,
	    "chart: no points, nothing drawn");
	t.nseries = 0;
	ok(chart(&t, 80, 10, 0) == 0 && ncalls == 0,
	    "chart: no series, nothing drawn");

	many = xcalloc(20000, sizeof *many);
	for (i = 0; i < 20000; i++) {
		many[i].t = day(2020, 1, 1) + (time_t)i * 3600;
		many[i].v = 100 + 40 * sin(i / 7.0);
	}
	memset(&t, 0, sizeof t);
	t.name = "Heart rate";
	t.unit = "/min";
	t.s[0].p = many;
	t.s[0].n = 20000;
	t.nseries = 1;
	start = clock();
	n = chart(&t, 80, 20, 1);
	ok(n == 23 && lines_fit(80, 1), "chart: 20,000 points in 80 columns");
	ok((double)(clock() - start) / CLOCKS_PER_SEC < 0.5,
	    "chart: 20,000 points is quick");
	for (r = 0, n = 0; r < 20; r++)
		n += plot(r)[1] == '*';
	ok(n > 2, "chart: points sharing a column all show (%d rows)", n);
	free(many);
}

/* Results made a trend: the newest's unit, pounds converted, others
 * left out and counted. */
static void
test_from_results(void)
{
	struct arena		*a = arena_create();
	struct observation	 o[3];
	struct trend		 t;
	size_t			 skipped, i;

	memset(o, 0, sizeof o);
	for (i = 0; i < 3; i++) {
		o[i].name = "Weight";
		o[i].value.kind = VALUE_QUANTITY;
		o[i].value.q.present = 1;
		o[i].effective.precision = FHIR_TIME_DAY;
		o[i].effective.t = (time_t)(1700000000 - (long)i * 86400);
	}
	o[0].value.q.value = 70;
	o[0].value.q.unit = "kg";
	o[1].value.q.value = 22.0462262;
	o[1].value.q.unit = "lb";
	o[2].value.q.value = 5;
	o[2].value.q.unit = "st";
	trend_from_results(&t, a, o, 3, "Body weight", &skipped);
	is(t.name, "Weight", "named as the newest result");
	is(t.unit, "kg", "in the newest's unit");
	ok(t.nseries == 1 && t.s[0].n == 2, "two points, one series");
	ok(fabs(t.s[0].p[0].v - 10) < 1e-6 && t.s[0].p[1].v == 70,
	    "oldest first, pounds made kilograms");
	ok(skipped == 1, "a result in stones is left out and counted");
	trend_from_results(&t, a, o, 0, "Body weight", &skipped);
	is(t.name, "Body weight", "no results: the name asked for");
	arena_free(a);
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_sentences();
	test_scale();
	test_row();
	test_chart();
	test_from_results();
	return done_testing();
}
