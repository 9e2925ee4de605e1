/* Unit tests for FHIR dates and times, shown in the local time zone. */
#include "config.h"

#include <stdlib.h>
#include <time.h>

#include "model.h"
#include "tap.h"

static const char *
show(const char *s)
{
	static char		out[64];
	struct fhir_time	ft;

	if (fhir_time_parse(s, &ft) != 0)
		return "(invalid)";
	fhir_time_format(&ft, out, sizeof out);
	return out;
}

int
main(void)
{
	struct fhir_time	ft, back;
	char			when[64];

	setenv("TZ", "America/New_York", 1);
	tzset();
	is(show("2026"), "2026", "year");
	is(show("2026-05"), "May 2026", "year and month");
	is(show("2026-05-12"), "12 May 2026", "date stays a date");
	is(show("2026-05-12T14:30:00Z"), "Tue 12 May 2026 10:30",
	    "UTC instant shown in New York time (EDT)");
	is(show("2026-01-12T14:30:00Z"), "Mon 12 Jan 2026 09:30",
	    "winter instant shown in EST");
	is(show("2026-05-12T10:30:00+02:00"), "Tue 12 May 2026 04:30",
	    "offset honoured");
	is(show("2026-05-12T10:30:00.123-04:00"), "Tue 12 May 2026 10:30",
	    "fractional seconds accepted");
	is(show("2026-02-30"), "(invalid)", "30 February refused");
	is(show("2024-02-29"), "29 Feb 2024", "leap day accepted");
	is(show("2026-13-01"), "(invalid)", "month 13 refused");
	is(show("2026-05-12T25:00:00Z"), "(invalid)", "hour 25 refused");
	is(show("yesterday"), "(invalid)", "words refused");
	is(show("2026-05-12Tjunk"), "(invalid)", "junk after T refused");
	ok(fhir_time_parse("2026-05-12T14:30:00Z", &ft) == 0 &&
	    ft.t == 1778596200, "instant is exact (%lld)", (long long)ft.t);
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	is(show("2026-05-12T20:30:00Z"), "Wed 13 May 2026 05:30",
	    "date rolls over in Tokyo");
	ok(fhir_time_parse(NULL, &ft) == -1 && ft.precision == FHIR_TIME_NONE,
	    "NULL is no time");

	/* Found by tests/fuzz/fuzz-time: a zone's local mean time of old
	 * (Chicago's -05:50:36 before 1883) is no whole-minute offset; the
	 * time written must still read back as the same instant. */
	setenv("TZ", "America/Chicago", 1);
	tzset();
	ok(fhir_time_parse("1485-01-01T00:00:00-12:00", &ft) == 0,
	    "an instant of 1485 is read");
	fhir_time_write(ft.t, when, sizeof when);
	ok(fhir_time_parse(when, &back) == 0 && back.t == ft.t,
	    "written back (%s), it is the same instant", when);
	fhir_time_write(1778596200, when, sizeof when);
	is(when, "2026-05-12T09:30:00-05:00", "today's times keep their "
	    "local offset");

	/* Found by fuzz-time: a leap second or an offset carried the last
	 * minute of 9999 into a year no FHIR time can say. */
	ok(fhir_time_parse("9999-12-31T23:59:60", &ft) == -1,
	    "a leap second past 9999 is no time");
	ok(fhir_time_parse("9999-12-31T23:59:00-14:00", &ft) == -1,
	    "an offset past 9999 is no time");
	ok(fhir_time_parse("0001-01-01T00:00:00+14:00", &ft) == -1,
	    "an offset before 0001 is no time");
	setenv("TZ", "Pacific/Kiritimati", 1);
	tzset();
	ok(fhir_time_parse("9999-12-31T23:00:00Z", &ft) == 0,
	    "the last hour of 9999 is read");
	fhir_time_write(ft.t, when, sizeof when);
	ok(fhir_time_parse(when, &back) == 0 && back.t == ft.t,
	    "written back where it is already 10000 (%s), the same instant",
	    when);
	return done_testing();
}
