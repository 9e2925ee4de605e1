/* Unit tests of visits as shown: parsing, words, lines, typed days. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "onmyway.h"
#include "tap.h"
#include "util.h"
#include "visit.h"

static const char appt[] =
	"{\"resourceType\":\"Appointment\",\"id\":\"a1\",\"meta\":"
	"{\"versionId\":\"3\"},\"status\":\"booked\",\"start\":"
	"\"2026-12-07T15:00:00Z\",\"minutesDuration\":30,\"serviceType\":"
	"[{\"coding\":[{\"system\":\"urn:chartty:visit-type\",\"code\":"
	"\"follow-up\"}],\"text\":\"Follow-up visit\"}],\"reasonCode\":"
	"[{\"text\":\"Check\\u001b[31m-up\"}],\"participant\":[{\"actor\":"
	"{\"reference\":\"Patient/p\"}},{\"actor\":{\"reference\":"
	"\"Practitioner/d\",\"display\":\"Anita Patel, MD\"}},{\"actor\":"
	"{\"reference\":\"Location/l\",\"display\":\"Main Street Clinic\"}}],"
	"\"extension\":[{\"url\":\"urn:chartty:checkin-open\","
	"\"valueBoolean\":true},{\"url\":\"urn:chartty:cancel-allowed\","
	"\"valueBoolean\":false},{\"url\":\"urn:chartty:copay\","
	"\"valueMoney\":{\"value\":25,\"currency\":\"USD\"}},{\"url\":"
	"\"urn:chartty:copay-invoice\",\"valueReference\":{\"reference\":"
	"\"Invoice/i1\"}},{\"url\":\"urn:chartty:questionnaire\","
	"\"valueCanonical\":\"urn:q\"}]}";

static time_t
local(int y, int m, int d, int h)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

int
main(void)
{
	struct arena	*a = arena_create();
	struct json	*j;
	struct visit	 v;
	struct slot	 s;
	char		*cause = NULL, buf[64];
	time_t		 now = local(2026, 12, 1, 15), t;

	setenv("TZ", "UTC", 1);
	tzset();
	now = local(2026, 12, 1, 15);
	j = json_parse(appt, sizeof appt - 1, &cause);
	ok(j != NULL, "the appointment parses");
	ok(visit_parse(a, j, &v) == 0, "it is a visit");
	is(v.id, "a1", "id");
	is(v.etag, "W/\"3\"", "its ETag from meta.versionId");
	is(v.type, "Follow-up visit", "visit type in words");
	is(v.type_code, "follow-up", "and its code");
	is(v.clinician, "Anita Patel, MD", "clinician");
	is(v.clinician_ref, "Practitioner/d", "and the reference");
	is(v.place, "Main Street Clinic", "place");
	ok(v.reason && !strchr(v.reason, '\033'), "the reason is sanitized: "
	    "%s", v.reason ? v.reason : "(none)");
	ok(v.checkin_open == 1 && v.cancel_allowed == 0, "the server's flags");
	ok(v.copay == 25, "copay");
	is(v.copay_invoice, "Invoice/i1", "copay invoice");
	is(v.questionnaire, "urn:q", "questionnaire");
	ok(v.minutes == 30 && v.queue_position == -1, "30 minutes, no line");
	is(visit_line(a, &v), "Follow-up visit with Anita Patel, MD at Main "
	    "Street Clinic. eCheck-in is open.", "the list line");
	ok(visit_slot_parse(a, j, &s) == -1, "an appointment is not a slot");
	json_free(j);
	j = json_parse("{\"resourceType\":\"Patient\"}", 27, &cause);
	ok(visit_parse(a, j, &v) == -1, "a Patient is not a visit");
	json_free(j);

	is(visit_status_words("checked-in"), "Checked in", "status words");
	is(visit_status_words("waitlist"), "In line", "waitlist in words");
	is(visit_status_words("made-up"), "Status not known", "unknown");
	is(visit_status_words(NULL), "Status not known", "none");
	is(visit_money(a, 15), "$15.00", "money");

	ok(visit_date_parse("today", now, &t) == 0 && t == local(2026, 12, 1,
	    0), "today is this midnight");
	ok(visit_date_parse(" Tomorrow ", now, &t) == 0 && t == local(2026,
	    12, 2, 0), "tomorrow, any case, spaces around");
	ok(visit_date_parse("+31", now, &t) == 0 && t == local(2027, 1, 1, 0),
	    "+31 crosses the year");
	ok(visit_date_parse("2026-12-24", now, &t) == 0 && t == local(2026,
	    12, 24, 0), "a date");
	ok(visit_date_parse("2026-11-31", now, &t) == -1, "31 November");
	ok(visit_date_parse("2026-02-29", now, &t) == -1, "29 February 2026");
	ok(visit_date_parse("2028-02-29", now, &t) == 0, "29 February 2028");
	ok(visit_date_parse("+367", now, &t) == -1, "more than a year ahead");
	ok(visit_date_parse("+x", now, &t) == -1, "+ without a number");
	ok(visit_date_parse("next week", now, &t) == -1, "words");
	ok(visit_date_parse("", now, &t) == -1, "nothing");
	ok(visit_date_parse("2026-12-24x", now, &t) == -1, "trailing text");
	visit_day_format(local(2026, 12, 2, 9), buf, sizeof buf);
	is(buf, "Wednesday 2 December 2026", "a day for a heading");
	visit_date_write(local(2026, 12, 2, 9), buf, sizeof buf);
	is(buf, "2026-12-02", "a day as typed");
	visit_instant_write(local(2026, 12, 2, 9), buf, sizeof buf);
	is(buf, "2026-12-02T09:00:00Z", "an instant for a search");
	/* On My Way's batch answer, with no network. */
	{
		static const char	 line[] = "{\"resourceType\":\"Bundle\","
		    "\"entry\":[{\"response\":{\"status\":\"200\"},\"resource\":{"
		    "\"resourceType\":\"Bundle\",\"entry\":[{\"resource\":{"
		    "\"resourceType\":\"Location\","
		    "\"id\":\"l\",\"name\":\"North\",\"extension\":[{\"url\":"
		    "\"urn:chartty:wait-minutes\",\"valueInteger\":1e300}]}}]}},"
		    "{\"response\":{\"status\":\"200\"},\"resource\":{"
		    "\"resourceType\":\"Bundle\",\"entry\":[{"
		    "\"resource\":{\"resourceType\":\"Appointment\",\"id\":"
		    "\"w\",\"status\":\"waitlist\",\"extension\":[{\"url\":"
		    "\"urn:chartty:queue-position\",\"valueInteger\":3}]}}]}}]}";
		struct onmyway		 o;
		struct json		*b;

		memset(&o, 0, sizeof o);
		b = json_parse(line, sizeof line - 1, &cause);
		ok(onmyway_take(&o, b, &cause) == 0 && o.nplaces == 1,
		    "On My Way: a place");
		ok(o.places[0].wait == -1, "a wait of 1e300 minutes is not "
		    "said");
		ok(o.in_line && o.line.queue_position == 3, "third in line");
		onmyway_clear(&o);
		json_free(b);
	}
	arena_free(a);
	return done_testing();
}
