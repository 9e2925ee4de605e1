/* Visits and free times for the screens (include/visit.h). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "format.h"
#include "json.h"
#include "model.h"
#include "util.h"
#include "visit.h"

static const struct code_words visit_statuses[] = {
	{ "proposed", "Proposed" },
	{ "pending", "Waiting for the clinic to confirm" },
	{ "booked", "Booked" },
	{ "arrived", "Arrived" },
	{ "checked-in", "Checked in" },
	{ "fulfilled", "Completed" },
	{ "cancelled", "Cancelled" },
	{ "noshow", "Missed" },
	{ "entered-in-error", "Entered in error" },
	{ "waitlist", "In line" },
};

const char *
visit_status_words(const char *status)
{
	const char	*w;

	w = format_words(visit_statuses, sizeof visit_statuses /
	    sizeof visit_statuses[0], status);
	return w != NULL ? w : "Status not known";
}

/* The boolean extension url: 1, 0, or -1 when absent. */
static int
visit_flag(const struct json *j, const char *url)
{
	return json_bool(model_extension(j, url));
}

/* The visit type: text or display, and its code in VISIT_TYPE_SYSTEM. */
static void
visit_type(struct arena *a, const struct json *j, struct visit *v)
{
	const struct json	*st, *c;
	size_t			 i, k;

	for (i = 0; i < json_size(json_get(j, "serviceType")); i++) {
		st = json_at(json_get(j, "serviceType"), i);
		if (v->type == NULL)
			v->type = model_concept(a, st);
		for (k = 0; k < json_size(json_get(st, "coding")); k++) {
			c = json_at(json_get(st, "coding"), k);
			if (v->type_code == NULL && json_gets(c, "system") &&
			    strcmp(json_gets(c, "system"),
			    VISIT_TYPE_SYSTEM) == 0)
				v->type_code = model_str(a, c, "code");
		}
	}
}

/* Who and where: the first Practitioner and Location participants. */
static void
visit_people(struct arena *a, const struct json *j, struct visit *v)
{
	const struct json	*actor;
	const char		*ref;
	size_t			 i;

	for (i = 0; i < json_size(json_get(j, "participant")); i++) {
		actor = json_get(json_at(json_get(j, "participant"), i),
		    "actor");
		if ((ref = json_gets(actor, "reference")) == NULL)
			continue;
		if (strncmp(ref, "Practitioner/", 13) == 0 &&
		    v->clinician_ref == NULL) {
			v->clinician_ref = model_str(a, actor, "reference");
			v->clinician = model_str(a, actor, "display");
		} else if (strncmp(ref, "Location/", 9) == 0 &&
		    v->place_ref == NULL) {
			v->place_ref = model_str(a, actor, "reference");
			v->place = model_str(a, actor, "display");
		}
	}
}

int
visit_parse(struct arena *a, const struct json *j, struct visit *v)
{
	const struct json	*e, *m;
	const char		*s;
	double			 n;
	long long		 k;

	memset(v, 0, sizeof *v);
	v->copay = -1;
	v->queue_position = -1;
	if ((s = json_gets(j, "resourceType")) == NULL ||
	    strcmp(s, "Appointment") != 0)
		return -1;
	v->id = model_str(a, j, "id");
	v->etag = model_etag(a, j);
	v->status = model_str(a, j, "status");
	fhir_time_parse(json_gets(j, "start"), &v->start);
	if (json_int(json_get(j, "minutesDuration"), 1, 24 * 60 - 1, &k) == 0)
		v->minutes = (int)k;
	visit_type(a, j, v);
	v->reason = model_concept(a, json_at(json_get(j, "reasonCode"), 0));
	visit_people(a, j, v);
	v->instructions = model_str(a, j, "patientInstruction");
	v->cancel_reason = model_concept(a, json_get(j, "cancelationReason"));
	v->checkin_open = visit_flag(j, "urn:chartty:checkin-open");
	v->cancel_allowed = visit_flag(j, "urn:chartty:cancel-allowed");
	v->join_url = model_str(a, model_extension_obj(j, "urn:chartty:join-url"),
	    "valueUrl");
	m = model_extension(j, "urn:chartty:copay");
	if (json_num(json_get(m, "value"), &n) == 0 && n >= 0)
		v->copay = n;
	e = model_extension(j, "urn:chartty:copay-invoice");
	v->copay_invoice = model_str(a, e, "reference");
	v->questionnaire = model_str(a, model_extension_obj(j,
	    "urn:chartty:questionnaire"), "valueCanonical");
	/* A place in a line past a million (1e300) is not said. */
	if (json_int(model_extension(j, "urn:chartty:queue-position"), 0,
	    1000000, &k) == 0)
		v->queue_position = (long)k;
	return 0;
}

char *
visit_money(struct arena *a, double value)
{
	return arena_own(a, xasprintf("$%.2f", value));
}

char *
visit_line(struct arena *a, const struct visit *v)
{
	struct buf	 b;
	char		*out;

	buf_init(&b, 64 * 1024);
	buf_printf(&b, "%s", v->type ? v->type : "Visit");
	if (v->clinician != NULL)
		buf_printf(&b, " with %s", v->clinician);
	if (v->join_url != NULL && (v->type_code == NULL ||
	    strcmp(v->type_code, "video-visit") != 0))
		buf_printf(&b, " (video)");
	else if (v->place != NULL && v->join_url == NULL)
		buf_printf(&b, " at %s", v->place);
	buf_printf(&b, ".");
	if (v->status != NULL && strcmp(v->status, "booked") != 0)
		buf_printf(&b, " %s.", visit_status_words(v->status));
	if (v->checkin_open == 1)
		buf_printf(&b, " eCheck-in is open.");
	out = arena_own(a, xstrdup(b.data ? b.data : ""));
	buf_free(&b, 0);
	return out;
}

int
visit_slot_parse(struct arena *a, const struct json *j, struct slot *s)
{
	struct fhir_time	end;
	const char		*t;

	memset(s, 0, sizeof *s);
	if ((t = json_gets(j, "resourceType")) == NULL ||
	    strcmp(t, "Slot") != 0)
		return -1;
	s->id = model_str(a, j, "id");
	if (s->id == NULL || fhir_time_parse(json_gets(j, "start"),
	    &s->start) != 0 || s->start.precision != FHIR_TIME_MINUTE)
		return -1;
	if (fhir_time_parse(json_gets(j, "end"), &end) == 0 &&
	    end.precision == FHIR_TIME_MINUTE && end.t > s->start.t &&
	    end.t - s->start.t < 24 * 3600)
		s->minutes = (int)((end.t - s->start.t) / 60);
	return 0;
}

time_t
visit_midnight(time_t t, int days)
{
	struct tm	tm;

	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_mday += days;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

int
visit_date_parse(const char *s, time_t now, time_t *out)
{
	struct tm	 tm;
	char		 word[32], *end;
	size_t		 n;
	long		 days;
	int		 y, m, d, used = 0;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || n >= sizeof word)
		return -1;
	memcpy(word, s, n);
	word[n] = '\0';
	if (strcasecmp(word, "today") == 0) {
		*out = visit_midnight(now, 0);
		return 0;
	}
	if (strcasecmp(word, "tomorrow") == 0) {
		*out = visit_midnight(now, 1);
		return 0;
	}
	if (word[0] == '+') {
		days = strtol(word + 1, &end, 10);
		if (end == word + 1 || *end != '\0' || days < 0 || days > 366)
			return -1;
		*out = visit_midnight(now, (int)days);
		return 0;
	}
	if (sscanf(word, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 ||
	    word[used] != '\0' || y < 1900 || y > 9999 || m < 1 || m > 12 ||
	    d < 1 || d > 31)
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	*out = mktime(&tm);
	localtime_r(out, &tm);
	if (tm.tm_mday != d)		/* 31 November */
		return -1;
	return 0;
}

void
visit_day_format(time_t t, char *out, size_t size)
{
	static const char *const days[] = { "Sunday", "Monday", "Tuesday",
	    "Wednesday", "Thursday", "Friday", "Saturday" };
	static const char *const months[] = { "January", "February",
	    "March", "April", "May", "June", "July", "August", "September",
	    "October", "November", "December" };
	struct tm	tm;

	localtime_r(&t, &tm);
	snprintf(out, size, "%s %d %s %d", days[tm.tm_wday], tm.tm_mday,
	    months[tm.tm_mon], tm.tm_year + 1900);
}

void
visit_date_write(time_t t, char *out, size_t size)
{
	struct tm	tm;

	localtime_r(&t, &tm);
	snprintf(out, size, "%04d-%02d-%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday);
}

void
visit_instant_write(time_t t, char *out, size_t size)
{
	struct tm	tm;

	gmtime_r(&t, &tm);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}
