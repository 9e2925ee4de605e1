/*
 * Visits and places in a line (src/visit.c, src/booking.c,
 * src/onmyway.c): every resource as an Appointment (with its queue
 * position) and as a Slot, and the input as the visits' batch answer
 * and as On My Way's, with the lines the screens make of them.
 */
#include "config.h"

#include "booking.h"
#include "fuzz.h"
#include "onmyway.h"
#include "visit.h"

static void
resource(const struct json *j, void *arg)
{
	struct arena	*a = arg;
	struct visit	 v;
	struct slot	 s;

	if (visit_parse(a, j, &v) == 0) {
		FUZZ_CHECK(v.queue_position >= -1, "a queue position below "
		    "-1");
		FUZZ_CHECK(v.minutes >= 0, "a visit of negative length");
		(void)visit_line(a, &v);
		(void)visit_status_words(v.status);
		if (v.copay >= 0)
			(void)visit_money(a, v.copay);
	}
	if (visit_slot_parse(a, j, &s) == 0)
		FUZZ_CHECK(s.minutes >= 0, "a slot of negative length");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json		*j;
	struct arena		*a;
	struct booking_visits	 bv;
	struct onmyway		 o;
	char			*cause = NULL;
	size_t			 k, i;
	int			 p;

	if ((j = fuzz_json((const char *)data, size)) == NULL)
		return 0;
	a = arena_create();
	fuzz_resources(j, 0, resource, a);
	memset(&bv, 0, sizeof bv);
	booking_visits_take(&bv, j);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < bv.n[k]; i++)
			(void)visit_line(bv.a, &bv.list[k][i]);
	}
	booking_visits_clear(&bv);
	memset(&o, 0, sizeof o);
	if (onmyway_take(&o, j, &cause) == 0) {
		for (p = 0; p < o.nplaces; p++)
			FUZZ_CHECK(o.places[p].wait >= -1, "a wait below -1");
		if (o.in_line)
			(void)visit_line(o.a, &o.line);
	}
	free(cause);
	onmyway_clear(&o);
	arena_free(a);
	json_free(j);
	return 0;
}
