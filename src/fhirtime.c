/* FHIR dates and times: parsing, and showing them in local time. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fhirtime.h"
#include "util.h"

static const char *const fhir_days[] = {
	"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};

static const char *const fhir_months[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* Read exactly n digits at *s into *v; advance. */
static int
fhir_digits(const char **s, int n, int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		*v = *v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	return 0;
}

static int
fhir_days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

int
fhir_time_parse(const char *s, struct fhir_time *ft)
{
	struct tm	tm;
	int		hh = 0, mi = 0, ss = 0, oh = 0, om = 0, sign = 0;
	int		zone = 0;

	memset(ft, 0, sizeof *ft);
	if (s == NULL || fhir_digits(&s, 4, &ft->year) != 0)
		goto bad;
	ft->precision = FHIR_TIME_YEAR;
	ft->month = ft->day = 1;
	if (*s == '-') {
		s++;
		if (fhir_digits(&s, 2, &ft->month) != 0 || ft->month < 1 ||
		    ft->month > 12)
			goto bad;
		ft->precision = FHIR_TIME_MONTH;
		if (*s == '-') {
			s++;
			if (fhir_digits(&s, 2, &ft->day) != 0 || ft->day < 1 ||
			    ft->day > fhir_days_in_month(ft->year, ft->month))
				goto bad;
			ft->precision = FHIR_TIME_DAY;
		}
	}
	if (ft->precision == FHIR_TIME_DAY && *s == 'T') {
		s++;
		if (fhir_digits(&s, 2, &hh) != 0 || *s++ != ':' ||
		    fhir_digits(&s, 2, &mi) != 0 || hh > 23 || mi > 59)
			goto bad;
		if (*s == ':') {
			s++;
			if (fhir_digits(&s, 2, &ss) != 0 || ss > 60)
				goto bad;
			if (*s == '.') {
				s++;
				while (isdigit((unsigned char)*s))
					s++;
			}
		}
		if (*s == 'Z') {
			s++;
			zone = 1;
		} else if (*s == '+' || *s == '-') {
			sign = *s++ == '-' ? -1 : 1;
			if (fhir_digits(&s, 2, &oh) != 0 || *s++ != ':' ||
			    fhir_digits(&s, 2, &om) != 0 || oh > 14 || om > 59)
				goto bad;
			zone = 1;
		}
		ft->precision = FHIR_TIME_MINUTE;
	}
	if (*s != '\0')
		goto bad;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = ft->year - 1900;
	tm.tm_mon = ft->month - 1;
	tm.tm_mday = ft->day;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss;
	if (zone) {
		ft->t = timegm(&tm) - sign * (oh * 3600 + om * 60);
	} else {
		tm.tm_isdst = -1;
		ft->t = mktime(&tm);
	}
	/*
	 * FHIR's years are 0001 to 9999: a leap second or an offset can
	 * carry the last minute of 9999 (or the first of 0001) past them,
	 * to an instant no FHIR time can say (found by fuzz-time).
	 */
	if (ft->t < FHIR_TIME_FIRST || ft->t > FHIR_TIME_LAST)
		goto bad;
	return 0;
bad:
	memset(ft, 0, sizeof *ft);
	return -1;
}

void
fhir_time_format(const struct fhir_time *ft, char *out, size_t size)
{
	struct tm	tm;

	switch (ft->precision) {
	case FHIR_TIME_YEAR:
		snprintf(out, size, "%04d", ft->year);
		break;
	case FHIR_TIME_MONTH:
		snprintf(out, size, "%s %04d", fhir_months[ft->month - 1],
		    ft->year);
		break;
	case FHIR_TIME_DAY:
		snprintf(out, size, "%d %s %04d", ft->day,
		    fhir_months[ft->month - 1], ft->year);
		break;
	case FHIR_TIME_MINUTE:
		if (localtime_r(&ft->t, &tm) == NULL)
			snprintf(out, size, "%d %s %04d", ft->day,
			    fhir_months[ft->month - 1], ft->year);
		else
			snprintf(out, size, "%s %d %s %04d %02d:%02d",
			    fhir_days[tm.tm_wday], tm.tm_mday,
			    fhir_months[tm.tm_mon], tm.tm_year + 1900,
			    tm.tm_hour, tm.tm_min);
		break;
	default:
		if (size > 0)
			out[0] = '\0';
		break;
	}
}

void
fhir_date_format(const struct fhir_time *ft, char *out, size_t size)
{
	struct fhir_time	day = *ft;
	struct tm		tm;

	if (ft->precision == FHIR_TIME_MINUTE &&
	    localtime_r(&ft->t, &tm) != NULL) {
		day.precision = FHIR_TIME_DAY;
		day.year = tm.tm_year + 1900;
		day.month = tm.tm_mon + 1;
		day.day = tm.tm_mday;
	}
	fhir_time_format(&day, out, size);
}

void
fhir_time_write(time_t t, char *out, size_t size)
{
	struct tm	tm;
	char		zone[8];

	localtime_r(&t, &tm);
	/* FHIR's offsets are whole minutes; a zone's local mean time of
	 * old (Chicago's -05:50:36 before 1883) is not: then UTC. So too
	 * where the local year is past FHIR's (the ends of 0001 and 9999). */
	if (tm.tm_gmtoff % 60 != 0 || tm.tm_year + 1900 < 1 ||
	    tm.tm_year + 1900 > 9999 ||
	    strftime(zone, sizeof zone, "%z", &tm) != 5) {
		gmtime_r(&t, &tm);
		strlcpy_c(zone, "+0000", sizeof zone);
	}
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%.3s:%.2s",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, zone, zone + 3);
}

static int
fhir_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
fhir_birth_date(const char *typed, char out[11])
{
	static const int	 days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
				    31, 30, 31 };
	struct tm		 tm;
	time_t			 now = time(NULL);
	int			 y, m, d, n = 0;

	if (typed == NULL)
		return -1;
	while (*typed == ' ')
		typed++;
	if (sscanf(typed, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 &&
	    typed[n] == '\0')
		;
	else if (sscanf(typed, "%2d/%2d/%4d%n", &m, &d, &y, &n) == 3 &&
	    typed[n] == '\0')
		;
	else
		return -1;
	localtime_r(&now, &tm);
	if (y < 1900 || y > tm.tm_year + 1900 || m < 1 || m > 12 || d < 1 ||
	    d > days[m - 1] + (m == 2 && fhir_leap(y)))
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	return 0;
}
