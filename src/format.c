/*
 * Records said for people: values, quantities and ranges, interpretation
 * flags and statuses in words. The parsers (src/model.c) make the
 * records; this is how the screens and the text writers say them.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "model.h"
#include "util.h"

static int	format_ascii;	/* units without a degree sign */

void
format_set_ascii(int ascii)
{
	format_ascii = ascii;
}

/* A UCUM atom in brackets as people write it: "lb_av" -> "lb". */
static void
format_unit_atom(struct buf *b, const char *s, size_t n)
{
	if (n == 4 && strncmp(s, "degF", 4) == 0)
		buf_addstr(b, format_ascii ? "F" : "\xc2\xb0" "F");
	else if (n == 2 && strncmp(s, "iU", 2) == 0)
		buf_addstr(b, "IU");
	else if (n == 3 && strncmp(s, "drp", 3) == 0)
		buf_addstr(b, "drops");
	else {	/* "in_i", "oz_av": the name before its system */
		const char *system = memchr(s, '_', n);

		buf_add(b, s, system != NULL ? (size_t)(system - s) : n);
	}
}

/* An annotation ("cells" of "{cells}/uL"): its words, if it has any. */
static void
format_unit_note(struct buf *b, const char *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n && !isalnum((unsigned char)s[i]); i++)
		;
	if (i == n)
		return;		/* "{#}": nothing to say */
	if (b->len > 0 && isalnum((unsigned char)b->data[b->len - 1]))
		buf_addstr(b, " ");
	for (i = 0; i < n; i++)
		buf_add(b, s[i] == '_' ? " " : s + i, 1);
}

/*
 * A power of ten that starts a term ("3/uL" after "10*"): "thousand",
 * "million", "billion", "trillion", else "x10^-2". Returns what follows
 * it, or NULL (nothing added) when no exponent is there.
 */
static const char *
format_unit_power(struct buf *b, const char *s)
{
	static const char *const names[] = {
		"thousand", "million", "billion", "trillion"
	};
	size_t	n = s[0] == '-' ? 1 : 0;
	long	e;

	n += strspn(s + n, "0123456789");
	if (n == 0 || (n == 1 && s[0] == '-') || n > 4)
		return NULL;
	e = strtol(s, NULL, 10);
	if (e >= 3 && e <= 12 && e % 3 == 0)
		buf_addstr(b, names[e / 3 - 1]);
	else
		buf_printf(b, "x10^%ld", e);
	return s + n;
}

char *
format_unit(const char *code)
{
	struct buf	 b;
	const char	*p, *end, *next;
	int		 term = 1;	/* at the start of a term */
	size_t		 n;

	if (code == NULL)
		return NULL;
	n = strlen(code);
	if (strcmp(code, "Cel") == 0)
		return xstrdup(format_ascii ? "C" : "\xc2\xb0" "C");
	/* Unity, or an annotation alone ("{score}"): the number says it. */
	if (strcmp(code, "1") == 0 || (n > 1 && code[0] == '{' &&
	    strchr(code, '}') == code + n - 1))
		return xstrdup("");
	buf_init(&b, 4 * n + 64);
	for (p = code; *p != '\0'; p++) {
		if (*p == '[' && (end = strchr(p, ']')) != NULL) {
			format_unit_atom(&b, p + 1, (size_t)(end - p - 1));
			p = end;
		} else if (*p == '{' && (end = strchr(p, '}')) != NULL) {
			format_unit_note(&b, p + 1, (size_t)(end - p - 1));
			p = end;
		} else if (term && (strncmp(p, "10*", 3) == 0 ||
		    strncmp(p, "10^", 3) == 0) &&
		    (next = format_unit_power(&b, p + 3)) != NULL)
			p = next - 1;
		else
			buf_add(&b, p, 1);
		term = *p == '/' || *p == '.';
	}
	return buf_take(&b);
}

const char *
format_task_words(const char *status)
{
	static const struct code_words words[] = {
		{ "draft", "Not sent yet" },
		{ "requested", "Waiting for your care team" },
		{ "received", "Received by your care team" },
		{ "accepted", "Accepted; being prepared" },
		{ "in-progress", "Being prepared" },
		{ "on-hold", "On hold; your care team will contact you" },
		{ "ready", "Ready" },
		{ "completed", "Completed" },
		{ "rejected", "Declined" },
		{ "cancelled", "Cancelled" },
		{ "failed", "Could not be done" },
		{ "entered-in-error", "Withdrawn (entered in error)" },
	};

	return format_status(words, sizeof words / sizeof words[0], status);
}

const char *
format_words(const struct code_words *words, size_t n, const char *code)
{
	size_t	i;

	for (i = 0; code != NULL && i < n; i++) {
		if (strcmp(code, words[i].code) == 0)
			return words[i].words;
	}
	return NULL;
}

const char *
format_status(const struct code_words *words, size_t n, const char *status)
{
	const char	*w = format_words(words, n, status);

	if (w == NULL)
		w = status != NULL ? status : "Status not given";
	return w;
}

const char *
format_flag_words(const char *code)
{
	static const struct code_words flags[] = {
		{ "H", "High" }, { "L", "Low" },
		{ "HH", "Critical high" }, { "LL", "Critical low" },
		{ "HU", "Very high" }, { "LU", "Very low" },
		{ "A", "Abnormal" }, { "AA", "Critical abnormal" },
		{ "N", "Normal" }, { "POS", "Positive" },
		{ "NEG", "Negative" }, { "IND", "Indeterminate" },
		{ "DET", "Detected" }, { "ND", "Not detected" },
		{ "R", "Resistant" }, { "S", "Susceptible" },
		{ "I", "Intermediate" }, { ">", "Above the measurable range" },
		{ "<", "Below the measurable range" },
	};

	return format_words(flags, sizeof flags / sizeof flags[0], code);
}

/* A number for people: no trailing zeros, at most 4 decimals. */
static void
format_number(double v, char *out, size_t size)
{
	char	*p;

	snprintf(out, size, "%.4f", v);
	if ((p = strchr(out, '.')) != NULL) {
		p += strlen(p) - 1;
		while (*p == '0')
			*p-- = '\0';
		if (*p == '.')
			*p = '\0';
	}
	if (strcmp(out, "-0") == 0)
		strlcpy_c(out, "0", size);
}

/* A unit for people, in the arena: "" when there is none. */
static const char *
format_unit_in(struct arena *a, const char *code)
{
	return code != NULL ? arena_own(a, format_unit(code)) : "";
}

char *
format_quantity(struct arena *a, const struct quantity *q)
{
	char		 num[64], *s;
	const char	*unit;

	if (!q->present)
		return arena_strdup(a, "");
	format_number(q->value, num, sizeof num);
	unit = format_unit_in(a, q->unit);
	s = xasprintf("%s%s%s%s", q->comparator ? q->comparator : "", num,
	    *unit ? " " : "", unit);
	return arena_own(a, s);
}

char *
format_value(struct arena *a, const struct obs_value *v)
{
	char	*lo, *hi;

	switch (v->kind) {
	case VALUE_QUANTITY:
	case VALUE_INTEGER:
		return format_quantity(a, &v->q);
	case VALUE_STRING:
	case VALUE_CONCEPT:
	case VALUE_TIME:
		return arena_strdup(a, v->text ? v->text : "");
	case VALUE_RANGE:
		hi = format_quantity(a, &v->q2);
		if (v->q.present && v->q2.present && v->q.comparator == NULL &&
		    v->q.unit != NULL && v->q2.unit != NULL &&
		    strcmp(v->q.unit, v->q2.unit) == 0) {
			/* One unit: "10 to 20 /HPF", not said twice. */
			char n[64];

			format_number(v->q.value, n, sizeof n);
			return arena_own(a, xasprintf("%s to %s", n, hi));
		}
		lo = format_quantity(a, &v->q);
		if (*lo && *hi)
			return arena_own(a, xasprintf("%s to %s", lo, hi));
		if (*lo)
			return arena_own(a, xasprintf("%s or more", lo));
		if (*hi)
			return arena_own(a, xasprintf("up to %s", hi));
		return arena_strdup(a, "");
	case VALUE_RATIO:
		lo = format_quantity(a, &v->num);
		hi = format_quantity(a, &v->den);
		return arena_own(a, xasprintf("%s:%s", lo, hi));
	case VALUE_BOOLEAN:
		return arena_strdup(a, v->boolean ? "Yes" : "No");
	case VALUE_OTHER:
		return arena_strdup(a, "(a kind of value chartty cannot show)");
	default:
		return arena_strdup(a, "");
	}
}

char *
format_range(struct arena *a, const struct ref_range *r)
{
	char	lo[64], hi[64];
	const char *unit;

	if (r->text != NULL && !r->low.present && !r->high.present)
		return arena_strdup(a, r->text);
	format_number(r->low.value, lo, sizeof lo);
	format_number(r->high.value, hi, sizeof hi);
	unit = format_unit_in(a, r->high.present ? r->high.unit :
	    r->low.unit);
	if (r->low.present && r->high.present)
		return arena_own(a, xasprintf("%s to %s%s%s", lo, hi,
		    *unit ? " " : "", unit));
	if (r->low.present)
		return arena_own(a, xasprintf("%s or above%s%s", lo,
		    *unit ? " " : "", unit));
	if (r->high.present)
		return arena_own(a, xasprintf("below %s%s%s", hi,
		    *unit ? " " : "", unit));
	return arena_strdup(a, r->text ? r->text : "");
}

char *
format_obs_value(struct arena *a, const struct observation *o, int with_flag)
{
	const struct quantity	*q1, *q2;
	char			*v, n1[32], n2[32];

	q1 = o->ncomponents >= 2 ? &o->components[0].value.q : NULL;
	q2 = o->ncomponents >= 2 ? &o->components[1].value.q : NULL;
	if (o->value.kind == VALUE_NONE && q1 != NULL && q1->present &&
	    q2->present) {
		/* A panel such as blood pressure: systolic/diastolic. */
		const char *unit = format_unit_in(a, q1->unit);

		snprintf(n1, sizeof n1, "%g", q1->value);
		snprintf(n2, sizeof n2, "%g", q2->value);
		v = arena_own(a, xasprintf("%s/%s%s%s", n1, n2,
		    *unit ? " " : "", unit));
	} else if (o->value.kind == VALUE_NONE && o->ncomponents > 0) {
		/* Its parts, each named: "Glucose 1000 mg/dL; HIV REACTIVE". */
		struct buf	b;
		size_t		i;

		buf_init(&b, 4096);
		for (i = 0; i < o->ncomponents; i++)
			buf_printf(&b, "%s%s%s%s", i ? "; " : "",
			    o->components[i].name ? o->components[i].name : "",
			    o->components[i].name ? " " : "",
			    format_value(a, &o->components[i].value));
		v = arena_own(a, xstrdup(b.data ? b.data : ""));
		buf_free(&b, 0);
	} else
		v = format_value(a, &o->value);
	if (with_flag && o->flag != NULL && (o->flag_code == NULL ||
	    strcmp(o->flag_code, "N") != 0))
		v = arena_own(a, xasprintf("%s (%s)", v, o->flag));
	else if (with_flag && o->flag == NULL && format_obs_abnormal(o)) {
		/* Only a part is flagged: say which, never colour alone. */
		size_t i;

		for (i = 0; i < o->ncomponents; i++) {
			const struct obs_component *c = &o->components[i];

			if (c->flag != NULL && strcmp(c->flag, "Normal") != 0 &&
			    strcmp(c->flag, "Negative") != 0)
				break;
		}
		if (i < o->ncomponents)
			v = arena_own(a, xasprintf("%s (%s %s)", v,
			    o->components[i].name ? o->components[i].name :
			    "part", o->components[i].flag));
	}
	return v;
}

int
format_flag_abnormal(const char *code)
{
	static const char *const out[] = {
		"H", "L", "HH", "LL", "HU", "LU", "A", "AA", ">", "<"
	};
	size_t	i;

	for (i = 0; code != NULL && i < sizeof out / sizeof out[0]; i++) {
		if (strcmp(code, out[i]) == 0)
			return 1;
	}
	return 0;
}

int
format_obs_abnormal(const struct observation *o)
{
	size_t	i;

	if (format_flag_abnormal(o->flag_code))
		return 1;
	for (i = 0; i < o->ncomponents; i++) {
		if (o->components[i].flag != NULL &&
		    strcmp(o->components[i].flag, "Normal") != 0 &&
		    strcmp(o->components[i].flag, "Negative") != 0)
			return 1;
	}
	return 0;
}

char *
format_as_of(time_t at)
{
	struct tm	tm;
	char		day[16], month[16];

	if (localtime_r(&at, &tm) == NULL ||
	    strftime(day, sizeof day, "%a", &tm) == 0 ||
	    strftime(month, sizeof month, "%b", &tm) == 0)
		return xstrdup("What is shown was kept from an earlier visit; "
		    "the portal cannot be reached.");
	return xasprintf("As of %s %d %s %02d:%02d; the portal cannot be "
	    "reached.", day, tm.tm_mday, month, tm.tm_hour, tm.tm_min);
}
