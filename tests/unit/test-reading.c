/*
 * Unit tests for patient-entered readings (checks and the Observation),
 * the words a results list says of a report, and choice fields.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "json.h"
#include "model.h"
#include "reading.h"
#include "results.h"
#include "tap.h"
#include "util.h"
#include "view.h"

/* 2026-11-30 15:00 UTC: "now" for every check. */
#define NOW	((time_t)1796050800)

static char *
check(enum reading_kind kind, int lb, const char *v1, const char *v2,
    const char *when, struct reading *r)
{
	char	*cause = NULL;

	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->lb = lb;
	if (reading_check(r, v1, v2, when, NOW, &cause) == 0)
		return NULL;
	return cause ? cause : xstrdup("(no cause)");
}

static void
test_checks(void)
{
	struct reading	 r;
	char		*c;

	ok((c = check(READING_GLUCOSE, 0, "104", "", "now", &r)) == NULL &&
	    r.v1 == 104 && r.when == NOW, "glucose 104 now is taken");
	free(c);
	ok((c = check(READING_GLUCOSE, 0, " 98,5 ", "", "", &r)) == NULL &&
	    r.v1 == 98.5, "a decimal comma and spaces are taken");
	free(c);
	c = check(READING_GLUCOSE, 0, "900", "", "now", &r);
	like(c, "between 20 and 600 mg/dL", "implausible glucose is refused");
	free(c);
	c = check(READING_GLUCOSE, 0, "abc", "", "now", &r);
	like(c, "type a number", "text is not a number");
	free(c);
	c = check(READING_GLUCOSE, 0, "104abc", "", "now", &r);
	like(c, "type a number", "trailing text is refused");
	free(c);
	c = check(READING_GLUCOSE, 0, "inf", "", "now", &r);
	like(c, "type a number", "infinity is refused");
	free(c);
	c = check(READING_WEIGHT, 0, "500", "", "now", &r);
	like(c, "and the unit", "500 kg is refused, pointing at the unit");
	free(c);
	ok((c = check(READING_WEIGHT, 1, "500", "", "now", &r)) == NULL,
	    "500 lb is taken");
	free(c);
	c = check(READING_WEIGHT, 1, "900", "", "now", &r);
	like(c, "lb", "900 lb is refused in pounds");
	free(c);
	ok((c = check(READING_BP, 0, "128", "82", "now", &r)) == NULL &&
	    r.v1 == 128 && r.v2 == 82, "blood pressure 128/82 is taken");
	free(c);
	c = check(READING_BP, 0, "80", "90", "now", &r);
	like(c, "must be higher", "diastolic above systolic is refused");
	free(c);
	c = check(READING_BP, 0, "128", "", "now", &r);
	like(c, "Diastolic", "a missing diastolic is asked for");
	free(c);
	c = check(READING_BP, 0, "300", "80", "now", &r);
	like(c, "between 60 and 260", "systolic 300 is refused");
	free(c);
	c = check(READING_GLUCOSE, 0, "104", "", "2026-12-25 10:00", &r);
	like(c, "future", "a time in the future is refused");
	free(c);
	c = check(READING_GLUCOSE, 0, "104", "", "2020-01-01 10:00", &r);
	like(c, "older than a year", "a reading years old is refused");
	free(c);
	c = check(READING_GLUCOSE, 0, "104", "", "yesterday", &r);
	like(c, "14:30", "an unknown time says what is expected");
	free(c);
	c = check(READING_GLUCOSE, 0, "104", "", "2026-11-31 10:00", &r);
	like(c, "When", "31 November is refused");
	free(c);
}

static void
test_times(void)
{
	time_t		t;
	struct tm	tm;

	ok(reading_time_parse("now", NOW, &t) == 0 && t == NOW, "now");
	ok(reading_time_parse("09:15", NOW, &t) == 0 &&
	    localtime_r(&t, &tm) && tm.tm_hour == 9 && tm.tm_min == 15 &&
	    tm.tm_mday == 30, "a time is today");
	ok(reading_time_parse("2026-11-29 07:05", NOW, &t) == 0 &&
	    localtime_r(&t, &tm) && tm.tm_mday == 29 && tm.tm_hour == 7,
	    "a date and a time");
	ok(reading_time_parse("2026-11-29", NOW, &t) == 0 &&
	    localtime_r(&t, &tm) && tm.tm_hour == 12, "a date alone is noon");
	ok(reading_time_parse("25:00", NOW, &t) == -1, "25:00 is refused");
	ok(reading_time_parse("2026-11-29 07:05 pm", NOW, &t) == -1,
	    "trailing words are refused");
}

static void
test_observation(void)
{
	struct reading	 r;
	struct json	*o;
	char		*c, *text;

	c = check(READING_BP, 0, "128", "82", "2026-11-30 14:30", &r);
	ok(c == NULL, "a blood pressure reading");
	free(c);
	o = reading_observation(&r, "Patient/maria-lopez");
	text = json_print(o);
	like(text, "\"code\":\"85354-9\"", "panel code");
	like(text, "\"code\":\"8480-6\"", "systolic component");
	like(text, "\"code\":\"8462-4\"", "diastolic component");
	like(text, "\"value\":128", "systolic value");
	like(text, "\"value\":82", "diastolic value");
	like(text, "\"code\":\"mm[Hg]\"", "UCUM unit");
	like(text, "\"performer\":[{\"reference\":\"Patient/maria-lopez\"}]",
	    "the patient is the performer");
	like(text, "\"effectiveDateTime\":\"2026-11-30T14:30:00+00:00\"",
	    "the time with its zone");
	like(text, "\"vital-signs\"", "vital signs category");
	free(text);
	json_free(o);

	c = check(READING_WEIGHT, 1, "154.3", "", "now", &r);
	free(c);
	o = reading_observation(&r, "Patient/x");
	text = json_print(o);
	like(text, "\"code\":\"[lb_av]\"", "pounds are [lb_av]");
	like(text, "\"value\":154.3", "the weight as typed");
	like(text, "\"code\":\"29463-7\"", "body weight code");
	free(text);
	json_free(o);
}

/* A bundle of one report with the given results, parsed into a page. */
static char *
words(const char *observations, const char *refs, int *abnormal,
    char **line)
{
	struct results_page	 page;
	struct arena		*a = arena_create();
	struct json		*b;
	char			*src, *cause = NULL, *out;

	src = xasprintf("{\"resourceType\":\"Bundle\",\"entry\":["
	    "{\"resource\":{\"resourceType\":\"DiagnosticReport\",\"id\":\"r\","
	    "\"status\":\"final\",\"code\":{\"text\":\"Panel\"},"
	    "\"effectiveDateTime\":\"2026-05-12\",\"result\":[%s]}}%s]}",
	    refs, observations);
	b = json_parse(src, strlen(src), &cause);
	free(src);
	results_page_parse(a, b, &page);
	out = results_range_words(a, &page, &page.reports[0], abnormal);
	out = xstrdup(out);
	*line = xstrdup(results_report_line(a, &page, &page.reports[0],
	    abnormal));
	json_free(b);
	free(cause);
	arena_free(a);
	return out;
}

#define OBS(id, code) ",{\"resource\":{\"resourceType\":\"Observation\"," \
	"\"id\":\"" id "\",\"status\":\"final\",\"code\":{\"text\":\"T\"}," \
	"\"valueQuantity\":{\"value\":1}" code "}}"
#define FLAG(c) ",\"interpretation\":[{\"coding\":[{\"code\":\"" c "\"}]}]"
#define REF(id) "{\"reference\":\"Observation/" id "\"}"

static void
test_words(void)
{
	char	*w, *line;
	int	 abnormal;

	w = words(OBS("a", FLAG("H")) OBS("b", FLAG("H")) OBS("c", FLAG("LL"))
	    OBS("d", FLAG("N")), REF("a") "," REF("b") "," REF("c") ","
	    REF("d"), &abnormal, &line);
	is(w, "1 result critical low, 2 high", "flags counted in words, "
	    "critical first");
	ok(abnormal == 3, "three outside their range");
	is(line, "12 May 2026, Final, 1 result critical low, 2 high, not "
	    "yet reviewed", "the list line");
	free(w);
	free(line);
	w = words(OBS("a", FLAG("N")) OBS("b", FLAG("N")), REF("a") ","
	    REF("b"), &abnormal, &line);
	is(w, "all 2 in range", "all in range");
	ok(abnormal == 0, "none outside");
	free(w);
	free(line);
	w = words(OBS("a", FLAG("LL")), REF("a"), &abnormal, &line);
	is(w, "1 result critical low", "one critical");
	free(w);
	free(line);
	w = words(OBS("a", ""), REF("a"), &abnormal, &line);
	is(w, "1 result", "no flags: just the count");
	free(w);
	free(line);
	w = words("", "", &abnormal, &line);
	ok(w == NULL, "no results: no words");
	is(line, "12 May 2026, Final, not yet reviewed", "a bare report");
	free(w);
	free(line);
	w = words(OBS("a", FLAG("NEG")), REF("a"), &abnormal, &line);
	is(w, "in range", "negative is not out of range");
	free(w);
	free(line);
	is(results_status_words("corrected"), "Corrected", "corrected");
	is(results_status_words("preliminary"), "Preliminary", "preliminary");
	is(results_status_words(NULL), "Status not given", "no status");
}

#define BP(id, sysflag) ",{\"resource\":{\"resourceType\":" \
	"\"Observation\",\"id\":\"" id "\",\"status\":\"final\"," \
	"\"code\":{\"text\":\"Blood pressure\"},\"component\":[" \
	"{\"code\":{\"text\":\"Systolic blood pressure\"}," \
	"\"valueQuantity\":{\"value\":150,\"unit\":\"mmHg\"}" sysflag "}," \
	"{\"code\":{\"text\":\"Diastolic blood pressure\"}," \
	"\"valueQuantity\":{\"value\":85,\"unit\":\"mmHg\"}}]}}"

/* Results flagged only on a part: counted once, and said in words. */
static void
test_component_flags(void)
{
	struct arena		*a = arena_create();
	struct observation	 o;
	struct json		*j;
	char			*w, *line, *src, *cause = NULL;
	int			 abnormal;

	w = words(BP("a", FLAG("H")) BP("b", FLAG("H")) BP("c", FLAG("H")),
	    REF("a") "," REF("b") "," REF("c"), &abnormal, &line);
	is(w, "3 results out of range", "part-flagged results make one group");
	free(w);
	free(line);
	src = xstrdup(BP("a", FLAG("H")) + 13);	/* the resource alone */
	src[strlen(src) - 1] = '\0';
	j = json_parse(src, strlen(src), &cause);
	ok(j != NULL && model_observation(a, j, &o) == 0, "a panel parses");
	is(format_obs_value(a, &o, 1), "150/85 mmHg (Systolic blood pressure "
	    "High)", "a flagged part is said in words, not colour alone");
	json_free(j);
	free(src);
	free(cause);
	arena_free(a);
}

static void
test_choice(void)
{
	static const char *const opts[] = { "kg", "lb", "stone" };
	struct field	f;

	memset(&f, 0, sizeof f);
	field_options(&f, opts, 3, 1);
	is(f.text, "lb", "a choice starts at the given option");
	field_choose(&f, 1, 0);
	is(f.text, "stone", "right moves on");
	field_choose(&f, 1, 0);
	is(f.text, "kg", "and wraps around");
	field_choose(&f, -1, 0);
	is(f.text, "stone", "left wraps back");
	field_choose(&f, 0, 7);
	is(f.text, "kg", "an index out of range picks the first");
}

int
main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	test_checks();
	test_times();
	test_observation();
	test_words();
	test_component_flags();
	test_choice();
	return done_testing();
}
