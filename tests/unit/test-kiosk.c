/* Unit tests of reading a birth date as typed (the kiosk, recovery). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fhirtime.h"
#include "tap.h"

static void
reads(const char *typed, const char *want)
{
	char	out[11] = "";

	ok(fhir_birth_date(typed, out) == 0 && strcmp(out, want) == 0,
	    "\"%s\" is %s (%s)", typed, want, out);
}

static void
refused(const char *typed, const char *why)
{
	char	out[11];

	ok(fhir_birth_date(typed, out) == -1, "\"%s\" is refused: %s",
	    typed ? typed : "(null)", why);
}

int
main(void)
{
	char		next[32];
	time_t		now = time(NULL);
	struct tm	tm;

	reads("06/15/1990", "1990-06-15");
	reads("6/5/1990", "1990-06-05");
	reads("1990-06-15", "1990-06-15");
	reads(" 02/29/2000", "2000-02-29");
	refused("02/29/1900", "not a leap year");
	refused("02/30/1990", "no such day");
	refused("13/01/1990", "no such month");
	refused("15/06/1990", "day and month swapped");
	refused("1990/06/15", "neither form");
	refused("06/15/90", "a two-digit year");
	refused("06/15/1990x", "something after it");
	refused("", "nothing typed");
	refused(NULL, "nothing at all");
	localtime_r(&now, &tm);
	snprintf(next, sizeof next, "01/01/%d", tm.tm_year + 1900 + 1);
	refused(next, "a birth next year");
	done_testing();
}
