/* Numeric results over time as a spoken sentence and as a text chart. */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "format.h"
#include "model.h"
#include "trend.h"
#include "util.h"

#define TREND_NUMLEN	64	/* room for any number trend_num writes */
#define TREND_MINCOLS	30
#define TREND_MINROWS	4
#define TREND_MINPLOT	8	/* plot columns right of the gutter, at least */
#define TREND_MINNAME	7	/* legend columns kept for "* Na..." */

/* English whatever the locale; the short form is the first three letters. */
static const char *const trend_months[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

/* A step of mant times ten to the exp; mant is 1, 2 or 5. */
struct trend_step {
	int	mant;
	int	exp;
};

/* What trend_chart draws with: marks per series, band, axis. */
struct trend_glyphs {
	const char	*mark[TREND_SERIES_MAX];
	const char	*band;
	const char	*vbar;
	const char	*corner;
	const char	*hbar;
};

static const struct trend_glyphs trend_ascii = {
	{ "*", "o" }, ".", "|", "+", "-"
};

static const struct trend_glyphs trend_utf8 = {
	{ "\xe2\x97\x8f", "\xe2\x97\x8b" },	/* U+25CF, U+25CB */
	"\xc2\xb7",				/* U+00B7 */
	"\xe2\x94\x82", "\xe2\x94\x94", "\xe2\x94\x80"	/* U+2502, 2514, 2500 */
};

/* Cell contents of the plot grid. */
enum {
	TREND_EMPTY,
	TREND_BAND,
	TREND_MARK	/* TREND_MARK + series index */
};

/* One chart being drawn. */
struct trend_chart {
	const struct trend		*t;
	const struct trend_glyphs	*g;
	int				 cols, ascii;
	void				(*line)(void *, const char *);
	void				*arg;
	struct buf			 b;	/* the line being built */
	struct buf			 out;	/* the same, fitted */
	int				 n;	/* lines emitted */
};

/* How many decimals v needs: shortest that reads back as v, up to a cap. */
static int
trend_decimals(double v)
{
	char	s[TREND_NUMLEN];
	double	a = fabs(v);
	int	d, max = 4;

	if (!isfinite(v) || a >= 1e15)
		return 0;
	if (a > 0 && a < 1) {
		/* Keep about four significant digits of small values. */
		d = 3 - (int)floor(log10(a));
		max = d > max ? (d > 10 ? 10 : d) : max;
	}
	for (d = 0; d < max; d++) {
		snprintf(s, sizeof s, "%.*f", d, v);
		if (fabs(strtod(s, NULL) - v) <= a * 1e-9)
			return d;
	}
	snprintf(s, sizeof s, "%.*f", max, v);
	for (d = max; d > 0 && s[strlen(s) - 1] == '0'; d--)
		s[strlen(s) - 1] = '\0';
	return d;
}

/* Write v with d decimals, never with an exponent for sane values. */
static const char *
trend_numd(char *s, size_t len, double v, int d)
{
	if (!isfinite(v) || fabs(v) >= 1e15)
		snprintf(s, len, "%g", v);
	else
		snprintf(s, len, "%.*f", d, v);
	if (s[0] == '-' && strspn(s + 1, "0.") == strlen(s + 1))
		memmove(s, s + 1, strlen(s));	/* "-0" or "-0.00" */
	return s;
}

/* Write v in its shortest natural form: 7.1, 140, 0.05, 1234.5. */
static const char *
trend_num(char *s, size_t len, double v)
{
	return trend_numd(s, len, v, trend_decimals(v));
}

/* Add v and its unit ("7.1 %"; the UCUM code as people write it). */
static void
trend_add_value(struct buf *b, double v, const char *code)
{
	char	s[TREND_NUMLEN], *unit = format_unit(code);

	buf_addstr(b, trend_num(s, sizeof s, v));
	if (unit != NULL && *unit != '\0')
		buf_printf(b, " %s", unit);
	free(unit);
}

/* Whether a flag is worth saying: not missing, empty or "normal". */
static int
trend_flag_said(const char *flag)
{
	return flag != NULL && *flag != '\0' &&
	    strcasecmp(flag, "normal") != 0;
}

/* Add " (flag)" in lower case, ASCII only so the locale does not matter. */
static void
trend_add_flag(struct buf *b, const char *flag)
{
	const char	*p;
	char		 c;

	if (!trend_flag_said(flag))
		return;
	buf_addstr(b, " (");
	for (p = flag; *p != '\0'; p++) {
		c = *p;
		if (c >= 'A' && c <= 'Z')
			c = c - 'A' + 'a';
		buf_add(b, &c, 1);
	}
	buf_addstr(b, ")");
}

/* The local broken-down time of t; a zeroed one if it cannot be had. */
static void
trend_local(time_t t, struct tm *tm)
{
	if (localtime_r(&t, tm) == NULL)
		memset(tm, 0, sizeof *tm);
	if (tm->tm_mon < 0 || tm->tm_mon > 11)
		tm->tm_mon = 0;
}

/* Oldest and newest times of a series and the index of the newest. */
static size_t
trend_span(const struct trend_series *s, time_t *t0, time_t *t1)
{
	size_t	i, last = 0;

	*t0 = *t1 = s->p[0].t;
	for (i = 1; i < s->n; i++) {
		if (s->p[i].t < *t0)
			*t0 = s->p[i].t;
		if (s->p[i].t >= *t1) {
			*t1 = s->p[i].t;
			last = i;
		}
	}
	return last;
}

/* Add "lowest a, highest b, latest c" for one series, or its one value. */
static void
trend_add_series(struct buf *b, const struct trend *t,
    const struct trend_series *s)
{
	time_t	t0, t1;
	size_t	i, last;
	double	lo, hi;

	last = trend_span(s, &t0, &t1);
	if (s->n == 1) {
		trend_add_value(b, s->p[0].v, t->unit);
		return;
	}
	lo = hi = s->p[0].v;
	for (i = 1; i < s->n; i++) {
		if (s->p[i].v < lo)
			lo = s->p[i].v;
		if (s->p[i].v > hi)
			hi = s->p[i].v;
	}
	buf_addstr(b, "lowest ");
	trend_add_value(b, lo, t->unit);
	buf_addstr(b, ", highest ");
	trend_add_value(b, hi, t->unit);
	buf_addstr(b, ", latest ");
	trend_add_value(b, s->p[last].v, t->unit);
}

char *
trend_sentence(const struct trend *t)
{
	struct buf		 b;
	const struct trend_series *s0 = &t->s[0];
	const char		*name = t->name != NULL ? t->name : "Result";
	const char		*sep = "";
	struct tm		 tm0, tm1;
	time_t			 t0, t1;
	size_t			 i, nseries;

	buf_init(&b, 64 * 1024);
	nseries = t->nseries > TREND_SERIES_MAX ? TREND_SERIES_MAX :
	    t->nseries;
	if (nseries == 0 || s0->n == 0 || s0->p == NULL) {
		buf_printf(&b, "%s: no results yet.", name);
		return buf_take(&b);
	}

	trend_span(s0, &t0, &t1);
	trend_local(t0, &tm0);
	trend_local(t1, &tm1);
	if (s0->n == 1) {
		buf_printf(&b, "%s, 1 result on %d %s %d: ", name, tm0.tm_mday,
		    trend_months[tm0.tm_mon], tm0.tm_year + 1900);
	} else if (tm0.tm_year == tm1.tm_year && tm0.tm_mon == tm1.tm_mon) {
		buf_printf(&b, "%s, %zu results in %s %d: ", name, s0->n,
		    trend_months[tm0.tm_mon], tm0.tm_year + 1900);
	} else {
		buf_printf(&b, "%s, %zu results from %s %d to %s %d: ", name,
		    s0->n, trend_months[tm0.tm_mon], tm0.tm_year + 1900,
		    trend_months[tm1.tm_mon], tm1.tm_year + 1900);
	}

	for (i = 0; i < nseries; i++) {
		if (t->s[i].n == 0 || t->s[i].p == NULL)
			continue;
		buf_addstr(&b, sep);
		if (nseries > 1 && t->s[i].name != NULL)
			buf_printf(&b, "%s ", t->s[i].name);
		trend_add_series(&b, t, &t->s[i]);
		sep = s0->n == 1 ? ", " : "; ";
	}
	trend_add_flag(&b, t->latest_flag);
	return buf_take(&b);
}

/* The value of k steps. Exact for decimal steps: 58 * 0.1 is 5.8. */
static double
trend_step_value(const struct trend_step *st, double k)
{
	if (st->exp >= 0)
		return k * st->mant * pow(10, st->exp);
	return k * st->mant / pow(10, -st->exp);
}

/* The next larger step: 1, 2, 5, 10, 20, ... */
static void
trend_step_next(struct trend_step *st)
{
	if (st->mant == 1)
		st->mant = 2;
	else if (st->mant == 2)
		st->mant = 5;
	else {
		st->mant = 1;
		st->exp++;
	}
}

/* Bounds lo..hi as whole steps holding min..max: k0 and k1 steps. */
static void
trend_step_fit(const struct trend_step *st, double min, double max,
    double *k0, double *k1)
{
	double	size = trend_step_value(st, 1);

	*k0 = floor(min / size + 1e-9);
	while (trend_step_value(st, *k0) > min)
		(*k0)--;
	*k1 = ceil(max / size - 1e-9);
	while (trend_step_value(st, *k1) < max)
		(*k1)++;
}

/* Widen min..max to hold v; any says whether it holds anything yet. */
static void
trend_extend(double v, double *min, double *max, int *any)
{
	if (!isfinite(v))
		return;
	if (!*any || v < *min)
		*min = v;
	if (!*any || v > *max)
		*max = v;
	*any = 1;
}

/* Pick the axis step and its bounds as step counts k0 < k1. */
static void
trend_axis(const struct trend *t, struct trend_step *st, double *k0,
    double *k1)
{
	double	min = 0, max = 0, span, e;
	size_t	i, j, nseries;
	int	any = 0;

	nseries = t->nseries > TREND_SERIES_MAX ? TREND_SERIES_MAX :
	    t->nseries;
	for (i = 0; i < nseries; i++) {
		for (j = 0; t->s[i].p != NULL && j < t->s[i].n; j++)
			trend_extend(t->s[i].p[j].v, &min, &max, &any);
	}
	if (t->have_low)
		trend_extend(t->low, &min, &max, &any);
	if (t->have_high)
		trend_extend(t->high, &min, &max, &any);

	span = max - min;
	/*
	 * A spread that is only rounding noise next to the values (250000
	 * and 250000.00000000006) is flat too: steps that small would leave
	 * the step counts beyond a double's whole numbers.
	 */
	if (span <= 0 || !isfinite(span) ||
	    span < 1e-9 * fmax(fabs(min), fabs(max))) {
		max = min;
		/* Flat: steps of about a fortieth of the value. */
		span = fabs(min) / 5;
		if (span < 1e-9 || !isfinite(span))
			span = 5;
	}
	/* Start small and grow until the axis has at most 8 steps. */
	st->mant = 1;
	/* Clamped as a double: a span of 5e-324 makes log10 -infinity,
	 * which no int holds (found by fuzzing). */
	e = floor(log10(span / 8));
	st->exp = e > -12 ? (e < 308 ? (int)e : 308) : -12;
	for (;;) {
		trend_step_fit(st, min, max, k0, k1);
		if (*k1 > *k0 && *k1 - *k0 <= 8)
			break;
		if (*k1 == *k0) {
			/* Flat on a whole step: one step either side. */
			(*k0)--;
			(*k1)++;
			break;
		}
		trend_step_next(st);
	}
}

void
trend_scale(const struct trend *t, double *lo, double *hi)
{
	struct trend_step	st;
	double			k0, k1;

	trend_axis(t, &st, &k0, &k1);
	*lo = trend_step_value(&st, k0);
	*hi = trend_step_value(&st, k1);
}

int
trend_row(double v, double lo, double hi, int rows)
{
	double	r;

	if (rows <= 1 || !(hi > lo))
		return 0;
	if (isnan(v))
		return rows - 1;
	r = (hi - v) / (hi - lo) * (rows - 1);
	if (r < 0)
		r = 0;
	if (r > rows - 1)
		r = rows - 1;
	return (int)lround(r);
}

/* Start a new line. */
static void
trend_line_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Append n copies of s. */
static void
trend_line_repeat(struct buf *b, const char *s, int n)
{
	while (n-- > 0)
		buf_addstr(b, s);
}

/*
 * The length of the UTF-8 character at s, or 0 if it is not a valid
 * printable one (control characters, C1 controls, broken sequences).
 */
static size_t
trend_utf8_len(const unsigned char *s)
{
	size_t	n, i;

	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	}
	if (s[0] == 0xc2 && s[1] < 0xa0)
		return 0;
	return n;
}

/* Fit the line to cols characters, replace what cannot be shown, emit. */
static void
trend_emit(struct trend_chart *c)
{
	const unsigned char	*s = (const unsigned char *)c->b.data;
	size_t			 n;
	int			 width = 0;

	trend_line_reset(&c->out);
	buf_addstr(&c->out, "");
	while (s != NULL && *s != '\0' && width < c->cols) {
		n = trend_utf8_len(s);
		if (n == 0 || (c->ascii && n > 1)) {
			buf_addstr(&c->out, "?");
			s += n == 0 ? 1 : n;
		} else {
			buf_add(&c->out, s, n);
			s += n;
		}
		width++;
	}
	/* Trailing blanks carry nothing. */
	while (c->out.len > 0 && c->out.data[c->out.len - 1] == ' ')
		c->out.data[--c->out.len] = '\0';
	c->line(c->arg, c->out.data);
	c->n++;
	trend_line_reset(&c->b);
}

/* The column of point i of n at time tp, on a plot w columns wide. */
static int
trend_col(time_t tp, time_t t0, time_t t1, size_t i, size_t n, int w)
{
	double	x;

	if (t1 > t0)
		x = difftime(tp, t0) / difftime(t1, t0);
	else if (n > 1)
		x = (double)i / (double)(n - 1);
	else
		x = 0;
	if (!(x >= 0))
		x = 0;
	if (x > 1)
		x = 1;
	return (int)lround(x * (w - 1));
}

/* Columns taken by UTF-8 text: one per character. */
static int
trend_width(const char *s, size_t len)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Cut the line to n characters and add "..." (n > 3). */
static void
trend_line_cut(struct buf *b, int n)
{
	size_t	i;
	int	w = 0;

	for (i = 0; i < b->len; i++) {
		if (((unsigned char)b->data[i] & 0xc0) != 0x80 && ++w > n - 3)
			break;
	}
	b->len = i;
	b->data[i] = '\0';
	buf_addstr(b, "...");
}

/*
 * Add the legend: marks with names, then the reference band. When that
 * is too wide the band is said shorter and then the names are cut, so
 * the band is not lost off the right edge.
 */
static void
trend_legend(struct trend_chart *c, size_t nseries)
{
	const struct trend	*t = c->t;
	char			 a[TREND_NUMLEN], b[TREND_NUMLEN], range[160];
	char			*unit;
	struct buf		 band;
	size_t			 i;
	int			 d, room;

	for (i = 0; i < nseries; i++) {
		const char *name = t->s[i].name;

		if (nseries == 1 || name == NULL)
			name = t->name != NULL ? t->name : "Result";
		buf_printf(&c->b, "%s%s %s", i > 0 ? "  " : "", c->g->mark[i],
		    name);
		unit = nseries == 1 ? format_unit(t->unit) : NULL;
		if (unit != NULL && *unit != '\0')
			buf_printf(&c->b, " (%s)", unit);
		free(unit);
	}
	if (!t->have_low && !t->have_high) {
		if (trend_width(c->b.data, c->b.len) > c->cols)
			trend_line_cut(&c->b, c->cols);
		return;
	}

	if (t->have_low && t->have_high) {
		d = trend_decimals(t->low);
		if (trend_decimals(t->high) > d)
			d = trend_decimals(t->high);
		snprintf(range, sizeof range, "%s to %s",
		    trend_numd(a, sizeof a, t->low, d),
		    trend_numd(b, sizeof b, t->high, d));
	} else if (t->have_high)
		snprintf(range, sizeof range, "below %s",
		    trend_num(a, sizeof a, t->high));
	else
		snprintf(range, sizeof range, "above %s",
		    trend_num(a, sizeof a, t->low));

	buf_init(&band, sizeof range + 64);
	buf_printf(&band, "%s%s normal range %s", nseries == 1 ? "   " : "  ",
	    c->g->band, range);
	room = c->cols - trend_width(band.data, band.len);
	if (trend_width(c->b.data, c->b.len) > room) {
		trend_line_reset(&band);
		buf_printf(&band, "  %s normal %s", c->g->band, range);
		room = c->cols - trend_width(band.data, band.len);
	}
	if (room < TREND_MINNAME)
		room = c->cols;		/* the band is cut off instead */
	if (trend_width(c->b.data, c->b.len) > room)
		trend_line_cut(&c->b, room);
	buf_add(&c->b, band.data, band.len);
	buf_free(&band, 0);
}

/* Add the first and last dates under the plot, which starts at gutter. */
static void
trend_dates(struct trend_chart *c, time_t t0, time_t t1, int gutter)
{
	struct tm	tm0, tm1;
	char		a[32], b[32];
	int		la, lb;

	trend_local(t0, &tm0);
	trend_local(t1, &tm1);
	la = snprintf(a, sizeof a, "%.3s %d", trend_months[tm0.tm_mon],
	    tm0.tm_year + 1900);
	lb = snprintf(b, sizeof b, "%.3s %d", trend_months[tm1.tm_mon],
	    tm1.tm_year + 1900);
	if (tm0.tm_year == tm1.tm_year && tm0.tm_mon == tm1.tm_mon) {
		trend_line_repeat(&c->b, " ", gutter);
		buf_addstr(&c->b, a);
		return;
	}
	if (gutter + la + 1 + lb > c->cols)
		gutter = 0;
	if (la + 1 + lb > c->cols) {
		buf_addstr(&c->b, a);
		return;
	}
	trend_line_repeat(&c->b, " ", gutter);
	buf_addstr(&c->b, a);
	trend_line_repeat(&c->b, " ", c->cols - gutter - la - lb);
	buf_addstr(&c->b, b);
}

/*
 * Label rows: the top and bottom with the bounds, and the rows where
 * whole steps fall if they are at least three rows from another label.
 * All with the step's decimals ("8.0", "7.5"). Returns the widest label.
 */
static int
trend_labels(char (*label)[TREND_NUMLEN], int rows,
    const struct trend_step *st, double k0, double k1)
{
	double	lo = trend_step_value(st, k0), hi = trend_step_value(st, k1);
	double	k, v;
	int	r, q, d, width = 0, near;

	d = st->exp < 0 ? -st->exp : 0;
	trend_numd(label[0], TREND_NUMLEN, hi, d);
	trend_numd(label[rows - 1], TREND_NUMLEN, lo, d);
	for (k = k1 - 1; k > k0; k--) {
		v = trend_step_value(st, k);
		r = trend_row(v, lo, hi, rows);
		near = 0;
		for (q = r - 2; q <= r + 2; q++) {
			if (q >= 0 && q < rows && label[q][0] != '\0')
				near = 1;
		}
		if (!near)
			trend_numd(label[r], TREND_NUMLEN, v, d);
	}
	for (r = 0; r < rows; r++) {
		if ((int)strlen(label[r]) > width)
			width = (int)strlen(label[r]);
	}
	return width;
}

/*
 * Fill a rows by w grid: the band first, then the marks over it, series
 * 0 last so that it wins. Caller frees.
 */
static unsigned char *
trend_grid(const struct trend *t, size_t nseries, double lo, double hi,
    int rows, int w, time_t t0, time_t t1)
{
	const struct trend_series	*s;
	unsigned char			*grid;
	double				 blo, bhi, v, eps;
	size_t				 i, j;
	int				 r, x;

	grid = xcalloc((size_t)rows, (size_t)w);
	if (t->have_low || t->have_high) {
		blo = t->have_low ? t->low : lo;
		bhi = t->have_high ? t->high : hi;
		eps = (hi - lo) * 1e-9;
		for (r = 0; r < rows; r++) {
			v = hi - (hi - lo) * r / (rows - 1);
			if (v >= blo - eps && v <= bhi + eps)
				memset(grid + (size_t)r * w, TREND_BAND, w);
		}
	}
	for (i = nseries; i > 0; i--) {
		s = &t->s[i - 1];
		for (j = 0; s->p != NULL && j < s->n; j++) {
			if (!isfinite(s->p[j].v))
				continue;
			r = trend_row(s->p[j].v, lo, hi, rows);
			x = trend_col(s->p[j].t, t0, t1, j, s->n, w);
			grid[(size_t)r * w + x] = TREND_MARK + i - 1;
		}
	}
	return grid;
}

/* Emit the plot rows: label, bar, then the grid's cells. */
static void
trend_plot(struct trend_chart *c, const unsigned char *grid,
    char (*label)[TREND_NUMLEN], int width, int rows, int w)
{
	const unsigned char	*cell;
	int			 r, x;

	for (r = 0; r < rows; r++) {
		buf_printf(&c->b, " %*s %s", width, label[r], c->g->vbar);
		for (x = 0; x < w; x++) {
			cell = &grid[(size_t)r * w + x];
			if (*cell == TREND_EMPTY)
				buf_addstr(&c->b, " ");
			else if (*cell == TREND_BAND)
				buf_addstr(&c->b, c->g->band);
			else
				buf_addstr(&c->b,
				    c->g->mark[*cell - TREND_MARK]);
		}
		trend_emit(c);
	}
}

int
trend_chart(const struct trend *t, int cols, int rows, int ascii,
    void (*line)(void *, const char *), void *arg)
{
	struct trend_chart	  c;
	struct trend_step	  st;
	char			(*label)[TREND_NUMLEN];
	unsigned char		 *grid = NULL;
	double			  k0, k1, lo, hi;
	time_t			  t0 = 0, t1 = 0, a, b;
	size_t			  i, npoints = 0, nseries;
	int			  gutter, w, width;

	nseries = t->nseries > TREND_SERIES_MAX ? TREND_SERIES_MAX :
	    t->nseries;
	for (i = 0; i < nseries; i++) {
		if (t->s[i].n == 0 || t->s[i].p == NULL)
			continue;
		trend_span(&t->s[i], &a, &b);
		if (npoints == 0 || a < t0)
			t0 = a;
		if (npoints == 0 || b > t1)
			t1 = b;
		npoints += t->s[i].n;
	}
	if (cols < TREND_MINCOLS || rows < TREND_MINROWS || npoints == 0)
		return 0;

	memset(&c, 0, sizeof c);
	c.t = t;
	c.g = ascii ? &trend_ascii : &trend_utf8;
	c.cols = cols;
	c.ascii = ascii;
	c.line = line;
	c.arg = arg;
	buf_init(&c.b, (size_t)cols * 4 + 1024);
	buf_init(&c.out, (size_t)cols * 4 + 1024);

	trend_axis(t, &st, &k0, &k1);
	lo = trend_step_value(&st, k0);
	hi = trend_step_value(&st, k1);
	label = xcalloc((size_t)rows, sizeof *label);
	width = trend_labels(label, rows, &st, k0, k1);
	gutter = width + 3;	/* " 7.9 |" */
	w = cols - gutter;
	if (w < TREND_MINPLOT)
		goto out;	/* absurd labels: no room to plot */

	grid = trend_grid(t, nseries, lo, hi, rows, w, t0, t1);
	trend_plot(&c, grid, label, width, rows, w);
	trend_line_repeat(&c.b, " ", gutter - 1);
	buf_addstr(&c.b, c.g->corner);
	trend_line_repeat(&c.b, c.g->hbar, w);
	trend_emit(&c);
	trend_dates(&c, t0, t1, gutter);
	trend_emit(&c);
	trend_legend(&c, nseries);
	trend_emit(&c);

out:
	buf_free(&c.b, 0);
	buf_free(&c.out, 0);
	free(grid);
	free(label);
	return c.n;
}

/* A component's name: "Systolic blood pressure" becomes "systolic". */
static const char *
trend_series_name(struct arena *a, const char *name)
{
	char	*s, *end;

	if (name == NULL)
		return NULL;
	s = arena_strdup(a, name);
	if ((end = strstr(s, " blood pressure")) != NULL)
		*end = '\0';
	s[0] = (char)tolower((unsigned char)s[0]);
	return s;
}

/* Is unit one of the names of pounds? */
static int
trend_pounds(const char *unit)
{
	return unit != NULL && (strcmp(unit, "lb") == 0 ||
	    strcmp(unit, "lbs") == 0 || strcmp(unit, "[lb_av]") == 0);
}

/*
 * v in unit from as a value in unit to: the same unit, or kilograms and
 * pounds either way. -1 when they cannot be compared.
 */
static int
trend_convert(double *v, const char *from, const char *to)
{
	const double	lb_per_kg = 2.20462262;

	if (from == NULL || to == NULL)
		return from == to ? 0 : -1;
	if (strcmp(from, to) == 0)
		return 0;
	if (strcmp(from, "kg") == 0 && trend_pounds(to)) {
		*v *= lb_per_kg;
		return 0;
	}
	if (trend_pounds(from) && strcmp(to, "kg") == 0) {
		*v /= lb_per_kg;
		return 0;
	}
	if (trend_pounds(from) && trend_pounds(to))
		return 0;
	return -1;
}

/*
 * The quantity of o for series k: its value, or the component named as
 * the newest result's component k (a server may list them in any order).
 */
static const struct quantity *
trend_quantity(const struct observation *o, const struct observation *newest,
    size_t k)
{
	const char	*name;
	size_t		 j;

	if (k == 0 && o->value.q.present && (o->value.kind == VALUE_QUANTITY ||
	    o->value.kind == VALUE_INTEGER))
		return &o->value.q;
	if (o->value.kind != VALUE_NONE || k >= newest->ncomponents)
		return NULL;
	name = newest->components[k].name;
	for (j = 0; name != NULL && j < o->ncomponents; j++) {
		if (o->components[j].name != NULL &&
		    strcmp(o->components[j].name, name) == 0)
			return o->components[j].value.q.present ?
			    &o->components[j].value.q : NULL;
	}
	if (k < o->ncomponents && o->components[k].value.q.present)
		return &o->components[k].value.q;
	return NULL;
}

void
trend_from_results(struct trend *t, struct arena *a,
    const struct observation *obs, size_t nobs, const char *name,
    size_t *skipped)
{
	const struct observation *o, *newest = nobs ? &obs[0] : NULL;
	const struct quantity	*q;
	const struct ref_range	*r;
	size_t			 i, k;
	double			 v;

	memset(t, 0, sizeof *t);
	*skipped = 0;
	t->name = newest && newest->name ? newest->name : name ? name :
	    "This test";
	t->nseries = newest && newest->value.kind == VALUE_NONE &&
	    newest->ncomponents >= 2 ? 2 : 1;
	if (newest != NULL && (q = trend_quantity(newest, newest, 0)) != NULL)
		t->unit = q->unit;
	for (k = 0; newest != NULL && k < t->nseries; k++) {
		t->s[k].p = arena_alloc(a, (nobs + 1) * sizeof *t->s[k].p);
		if (t->nseries > 1)
			t->s[k].name = trend_series_name(a,
			    newest->components[k].name);
		/* Oldest first, in the newest result's unit. */
		for (i = nobs; i-- > 0;) {
			o = &obs[i];
			if ((q = trend_quantity(o, newest, k)) == NULL ||
			    o->effective.precision == FHIR_TIME_NONE)
				continue;
			v = q->value;
			if (trend_convert(&v, q->unit, t->unit) != 0) {
				*skipped += k == 0;
				continue;
			}
			t->s[k].p[t->s[k].n].t = o->effective.t;
			t->s[k].p[t->s[k].n++].v = v;
		}
	}
	/* The normal band: one series only, else it would mislead. */
	if (newest != NULL && t->nseries == 1) {
		r = &newest->range;
		t->have_low = r->low.present;
		t->low = r->low.value;
		t->have_high = r->high.present;
		t->high = r->high.value;
	}
	if (newest != NULL && format_obs_abnormal(newest))
		t->latest_flag = newest->flag ? newest->flag : "Out of range";
}
