/*
 * FHIR times (src/fhirtime.c) and the dates people type: a time parsed
 * has a real date, formats, and a time of day written back as FHIR reads
 * as the same instant; typed birth dates, visit days and reading times
 * give real dates or nothing.
 */
#include "config.h"

#include "fhirtime.h"
#include "fuzz.h"
#include "reading.h"
#include "visit.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fhir_time	 ft, back;
	char			*s, out[128], birth[11];
	time_t			 t;

	s = fuzz_text(data, size);
	if (fhir_time_parse(s, &ft) == 0) {
		FUZZ_CHECK(ft.precision != FHIR_TIME_NONE, "parsed, but with "
		    "no precision");
		FUZZ_CHECK(ft.precision < FHIR_TIME_MONTH || (ft.month >= 1 &&
		    ft.month <= 12), "a month out of 1 to 12");
		FUZZ_CHECK(ft.precision < FHIR_TIME_DAY || (ft.day >= 1 &&
		    ft.day <= 31), "a day out of 1 to 31");
		fhir_time_format(&ft, out, sizeof out);
		FUZZ_CHECK(out[0] != '\0', "a time parsed formats as nothing");
		fhir_date_format(&ft, out, sizeof out);
		if (ft.precision == FHIR_TIME_MINUTE) {
			fhir_time_write(ft.t, out, sizeof out);
			FUZZ_CHECK(fhir_time_parse(out, &back) == 0 &&
			    back.t == ft.t, "a time written back is another "
			    "time");
		}
	} else
		FUZZ_CHECK(ft.precision == FHIR_TIME_NONE, "not parsed, but "
		    "with a precision");
	if (fhir_birth_date(s, birth) == 0)
		FUZZ_CHECK(fhir_time_parse(birth, &ft) == 0 &&
		    ft.precision == FHIR_TIME_DAY, "a birth date that is no "
		    "FHIR date");
	if (visit_date_parse(s, FUZZ_NOW, &t) == 0) {
		visit_day_format(t, out, sizeof out);
		visit_date_write(t, out, sizeof out);
	}
	(void)reading_time_parse(s, FUZZ_NOW, &t);
	free(s);
	return 0;
}
