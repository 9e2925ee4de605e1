/*
 * A numeric result over time: the sentence a screen reader can use and a
 * chart for the terminal (reference band, axis labels, ASCII or box
 * drawing). Pure functions of their input: no terminal, no network.
 */
#ifndef CHARTTY_TREND_H
#define CHARTTY_TREND_H

#include <stddef.h>
#include <time.h>

struct arena;
struct observation;

#define TREND_SERIES_MAX	2	/* blood pressure: systolic, diastolic */

struct trend_point {
	time_t		 t;		/* when it was measured */
	double		 v;
};

struct trend_series {
	const char		*name;	/* "systolic", or NULL for one series */
	struct trend_point	*p;	/* oldest first */
	size_t			 n;
};

struct trend {
	const char		*name;	/* "Hemoglobin A1c" */
	const char		*unit;	/* "%", "mg/dL", or NULL */
	struct trend_series	 s[TREND_SERIES_MAX];
	size_t			 nseries;
	int			 have_low, have_high;	/* reference band */
	double			 low, high;
	const char		*latest_flag;	/* "High" for the newest, or NULL */
};

/*
 * The trend of obs[n], results of one test newest first: named as the
 * newest (else name, else "This test"), one series or, when the newest
 * has two components and no value, two; in the newest's unit (kilograms
 * and pounds converted; results in other units left out, counted in
 * *skipped); the normal band of a single series; points in a, oldest
 * first. t's strings are the results'.
 */
void	 trend_from_results(struct trend *t, struct arena *a,
	     const struct observation *obs, size_t n, const char *name,
	     size_t *skipped);

/*
 * The sentence, e.g. "Hemoglobin A1c, 9 results from March 2023 to
 * October 2026: lowest 5.8 %, highest 7.9 %, latest 7.1 % (high)".
 * Two series name each ("systolic lowest ..., diastolic ..."). One
 * result says "1 result on 12 March 2023". Dates are local. Caller frees.
 */
char	*trend_sentence(const struct trend *);

/*
 * The axis of the chart: bounds lo < hi that hold every value and the
 * reference band, rounded outwards to a step of 1, 2 or 5 times a power
 * of ten, so that labels are short. A flat series still gets lo < hi.
 */
void	 trend_scale(const struct trend *, double *lo, double *hi);

/*
 * The row (0 = top, rows - 1 = bottom) on which v falls on an axis from
 * lo to hi with rows rows; values outside are clamped.
 */
int	 trend_row(double v, double lo, double hi, int rows);

/*
 * Draw the chart in cols columns: rows plot lines with value labels at
 * the left, the reference band shaded, each series with its own mark
 * (the legend names them), then the time axis with the first and last
 * dates. ascii uses only printable ASCII; otherwise box drawing and
 * UTF-8 marks. line(arg, text) is called once per line, in order (text
 * is NUL-terminated and has no newline). Always rows + 3 lines: the
 * plot rows, the axis, the dates, the legend; each at most cols
 * characters (code points, all single width; trailing blanks trimmed).
 * Returns the number of lines, or 0 when cols < 30, rows < 4 or there
 * are no points (nothing called then).
 */
int	 trend_chart(const struct trend *, int cols, int rows, int ascii,
	     void (*line)(void *, const char *), void *arg);

#endif
