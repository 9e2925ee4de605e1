/* Unit tests for units as people write them: format_unit and its users. */
#include "config.h"

#include "format.h"
#include "model.h"
#include "tap.h"
#include "util.h"

#define DEG	"\xc2\xb0"	/* the degree sign, in UTF-8 */

/*
 * The units labs send most, as UCUM codes, as they are shown, and as
 * they are shown with --ascii when that differs.
 */
static const struct {
	const char	*code;
	const char	*shown;
	const char	*ascii;
} units[] = {
	/* Plain UCUM: already as people write them. */
	{ "mg/dL", "mg/dL", NULL },
	{ "mmol/L", "mmol/L", NULL },
	{ "g/dL", "g/dL", NULL },
	{ "g/L", "g/L", NULL },
	{ "ng/mL", "ng/mL", NULL },
	{ "pg/mL", "pg/mL", NULL },
	{ "ug/dL", "ug/dL", NULL },
	{ "U/L", "U/L", NULL },
	{ "mg/g", "mg/g", NULL },
	{ "mEq/L", "mEq/L", NULL },
	{ "fL", "fL", NULL },
	{ "%", "%", NULL },
	{ "kg", "kg", NULL },
	{ "cm", "cm", NULL },
	{ "kg/m2", "kg/m2", NULL },
	{ "/min", "/min", NULL },
	{ "mL/min", "mL/min", NULL },
	/* Brackets: customary units and arbitrary ones. */
	{ "/[HPF]", "/HPF", NULL },
	{ "/[LPF]", "/LPF", NULL },
	{ "[lb_av]", "lb", NULL },
	{ "[oz_av]", "oz", NULL },
	{ "[in_i]", "in", NULL },
	{ "[ft_i]", "ft", NULL },
	{ "mm[Hg]", "mmHg", NULL },
	{ "m[IU]/L", "mIU/L", NULL },
	{ "[IU]/L", "IU/L", NULL },
	{ "u[IU]/mL", "uIU/mL", NULL },
	{ "[iU]/mL", "IU/mL", NULL },
	{ "[pH]", "pH", NULL },
	{ "[drp]", "drops", NULL },
	/* Temperatures. */
	{ "Cel", DEG "C", "C" },
	{ "[degF]", DEG "F", "F" },
	/* Powers of ten: words a braille display reads plainly. */
	{ "10*3/uL", "thousand/uL", NULL },
	{ "10*6/uL", "million/uL", NULL },
	{ "10*9/L", "billion/L", NULL },
	{ "10*12/L", "trillion/L", NULL },
	{ "10*3", "thousand", NULL },
	{ "10*5/L", "x10^5/L", NULL },
	{ "10*-3", "x10^-3", NULL },
	{ "10^3/uL", "thousand/uL", NULL },
	/* Annotations: their words, or nothing when alone. */
	{ "{score}", "", NULL },
	{ "{ratio}", "", NULL },
	{ "{INR}", "", NULL },
	{ "1", "", NULL },
	{ "{cells}/uL", "cells/uL", NULL },
	{ "{beats}/min", "beats/min", NULL },
	{ "10*3{cells}/uL", "thousand cells/uL", NULL },
	{ "mL/min/{1.73_m2}", "mL/min/1.73 m2", NULL },
	{ "{#}/[HPF]", "/HPF", NULL },
	/* Units written for people, and odd ones: kept as they are. */
	{ "beats/minute", "beats/minute", NULL },
	{ "mmHg", "mmHg", NULL },
	{ "lb", "lb", NULL },
	{ "tablet", "tablet", NULL },
	{ "x10^3/uL", "x10^3/uL", NULL },
	{ "210*3", "210*3", NULL },
	{ "10*", "10*", NULL },
	{ "[lb_av", "[lb_av", NULL },
	{ "{", "{", NULL },
	{ "", "", NULL },
};

static void
test_table(void)
{
	size_t	 i;
	char	*s;

	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		s = format_unit(units[i].code);
		is(s, units[i].shown, "\"%s\" is shown \"%s\"", units[i].code,
		    units[i].shown);
		free(s);
	}
	s = format_unit(NULL);
	ok(s == NULL, "no unit: NULL");
}

/* With --ascii only the temperatures change, to ASCII. */
static void
test_ascii(void)
{
	const char	*want;
	size_t		 i;
	char		*s;

	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		want = units[i].ascii ? units[i].ascii : units[i].shown;
		format_set_ascii(1);
		s = format_unit(units[i].code);
		format_set_ascii(0);
		is(s, want, "--ascii: \"%s\" is shown \"%s\"", units[i].code,
		    want);
		free(s);
	}
}

/* The values, ranges and panels say units as people write them. */
static void
test_users(void)
{
	struct arena		*a = arena_create();
	struct quantity		 q = { 1, 38, "10*3/uL", NULL };
	struct quantity		 lt = { 1, 5, "m[IU]/L", "<" };
	struct ref_range	 r;
	struct obs_value	 v;
	struct obs_component	 parts[2];
	struct observation	 o;
	const char		*s;

	s = format_quantity(a, &q);
	is(s, "38 thousand/uL", "a quantity");
	s = format_quantity(a, &lt);
	is(s, "<5 mIU/L", "a quantity with a comparator");

	memset(&r, 0, sizeof r);
	r.low = (struct quantity){ 1, 150, "10*3/uL", NULL };
	r.high = (struct quantity){ 1, 400, "10*3/uL", NULL };
	s = format_range(a, &r);
	is(s, "150 to 400 thousand/uL", "a normal range");
	r.low.present = 0;
	r.high = (struct quantity){ 1, 98.6, "[degF]", NULL };
	s = format_range(a, &r);
	is(s, "below 98.6 " DEG "F", "a normal range with a high only");

	memset(&v, 0, sizeof v);
	v.kind = VALUE_RANGE;
	v.q = (struct quantity){ 1, 10, "/[HPF]", NULL };
	v.q2 = (struct quantity){ 1, 20, "/[HPF]", NULL };
	s = format_value(a, &v);
	is(s, "10 to 20 /HPF", "a value that is a range, its unit said once");

	memset(parts, 0, sizeof parts);
	parts[0].value.kind = parts[1].value.kind = VALUE_QUANTITY;
	parts[0].value.q = (struct quantity){ 1, 142, "mm[Hg]", NULL };
	parts[1].value.q = (struct quantity){ 1, 88, "mm[Hg]", NULL };
	memset(&o, 0, sizeof o);
	o.components = parts;
	o.ncomponents = 2;
	s = format_obs_value(a, &o, 0);
	is(s, "142/88 mmHg", "a blood pressure");
	arena_free(a);
}

int
main(void)
{
	test_table();
	test_ascii();
	test_users();
	return done_testing();
}
