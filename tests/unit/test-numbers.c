/*
 * Unit tests of server numbers that become whole numbers: each parser
 * that takes one, given 1e300, -1e300, 1e999 and -1e999 (read as
 * infinities), 9.3e18 (just past a long long) and NaN's nearest kin, takes
 * it as not given. A cast of such a double is undefined behaviour, which
 * tests/unit/float-cast.sh catches with clang's float-cast-overflow.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bill.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "questionnaire.h"
#include "tap.h"
#include "util.h"
#include "visit.h"

static const char *const wild[] = {
	"1e300", "-1e300", "1e999", "-1e999", "9.3e18", "-9.3e18",
	"1.8e19", "1e19"
};
#define NWILD	(sizeof wild / sizeof wild[0])

/* Parse the text t with the number n put in for each @. */
static struct json *
doc(const char *t, const char *n)
{
	struct json	*j;
	struct buf	 b;
	char		*s, *cause = NULL;

	buf_init(&b, 4096);
	for (; *t != '\0'; t++) {
		if (*t == '@')
			buf_addstr(&b, n);
		else
			buf_add(&b, t, 1);
	}
	s = buf_take(&b);
	j = json_parse(s, strlen(s), &cause);
	if (j == NULL)
		diag("does not parse: %s (%s)", s, cause);
	free(cause);
	free(s);
	return j;
}

int
main(void)
{
	struct arena		*a = arena_create();
	struct json		*j;
	struct visit		 v;
	struct medication	 m;
	struct message		 msg;
	struct attachment	 at;
	struct bill_account	 acct;
	struct questionnaire	 q;
	struct json		*form, *resp;
	const char		*n;
	size_t			 i;
	int			 rc;

	for (i = 0; i < NWILD; i++) {
		n = wild[i];

		j = doc("{\"resourceType\":\"Appointment\",\"id\":\"a\","
		    "\"status\":\"waitlist\",\"minutesDuration\":@,"
		    "\"extension\":[{\"url\":\"urn:chartty:queue-position\","
		    "\"valueInteger\":@}]}", n);
		rc = visit_parse(a, j, &v);
		ok(rc == 0 && v.queue_position == -1 && v.minutes == 0,
		    "a place in line of %s is not said (%ld), nor a length "
		    "(%d)", n, v.queue_position, v.minutes);
		json_free(j);

		j = doc("{\"resourceType\":\"Bundle\",\"total\":@}", n);
		ok(fhir_bundle_total(j) == -1, "a Bundle total of %s is not "
		    "said (%ld)", n, fhir_bundle_total(j));
		json_free(j);

		j = doc("{\"resourceType\":\"MedicationRequest\",\"id\":\"m\","
		    "\"medicationCodeableConcept\":{\"text\":\"X\"},"
		    "\"dispenseRequest\":{\"numberOfRepeatsAllowed\":@}}", n);
		rc = model_medication(a, j, &m);
		ok(rc == 0 && m.refills == -1, "%s refills are not said (%d)", n,
		    m.refills);
		json_free(j);

		j = doc("{\"resourceType\":\"Communication\",\"id\":\"c\","
		    "\"extension\":[{\"url\":\"urn:chartty:unread\","
		    "\"valueInteger\":@}]}", n);
		rc = model_message(a, j, &msg);
		ok(rc == 0 && msg.unread == 0, "%s unread are none (%d)", n, msg.unread);
		json_free(j);

		j = doc("{\"title\":\"a.pdf\",\"size\":@}", n);
		memset(&at, 0, sizeof at);
		model_attachment(a, j, &at);
		ok(at.size == -1, "an attachment of %s bytes has no size "
		    "(%ld)", n, at.size);
		json_free(j);

		j = doc("{\"resourceType\":\"Account\",\"id\":\"acct\","
		    "\"extension\":[{\"url\":\"urn:chartty:payment-plan\","
		    "\"extension\":[{\"url\":\"months-left\",\"valueInteger\":"
		    "@}]}]}", n);
		rc = bill_account_parse(a, j, &acct);
		ok(rc == 0 && acct.plan_months == 0, "a plan of %s months is not said "
		    "(%ld)", n, acct.plan_months);
		json_free(j);

		form = doc("{\"resourceType\":\"Questionnaire\",\"item\":[{"
		    "\"linkId\":\"age\",\"text\":\"Age\",\"type\":\"integer\","
		    "\"extension\":[{\"url\":\"http://hl7.org/fhir/"
		    "StructureDefinition/minValue\",\"valueInteger\":@},"
		    "{\"url\":\"http://hl7.org/fhir/StructureDefinition/"
		    "maxValue\",\"valueInteger\":@}]}]}", n);
		resp = doc("{\"item\":[{\"linkId\":\"age\",\"answer\":[{"
		    "\"valueInteger\":@}]}]}", n);
		memset(&q, 0, sizeof q);
		questionnaire_parse(&q, a, form);
		ok(q.nitems == 1 && !q.items[0].has_range, "a range of %s "
		    "is not said", n);
		if (q.nitems == 1) {
			questionnaire_fill(&q, resp);
			ok(q.items[0].field.len == 0, "an answer of %s is not "
			    "filled in (%.*s)", n, (int)q.items[0].field.len,
			    q.items[0].field.text);
		} else
			ok(0, "an answer of %s is not filled in", n);
		questionnaire_clear(&q);
		json_free(resp);
		json_free(form);
	}

	/* Numbers in range still read, a fraction dropped. */
	j = doc("{\"resourceType\":\"Appointment\",\"id\":\"a\",\"status\":"
	    "\"waitlist\",\"minutesDuration\":@,\"extension\":[{\"url\":"
	    "\"urn:chartty:queue-position\",\"valueInteger\":@}]}", "30.5");
	ok(j != NULL && visit_parse(a, j, &v) == 0 && v.queue_position == 30 &&
	    v.minutes == 30, "30.5: place 30, 30 minutes");
	json_free(j);
	j = doc("{\"resourceType\":\"Bundle\",\"total\":@}", "123456789012");
	ok(fhir_bundle_total(j) == 123456789012L, "a total of 123456789012");
	json_free(j);
	j = doc("{\"resourceType\":\"Bundle\",\"total\":@}", "-1");
	ok(fhir_bundle_total(j) == -1, "a total of -1 is not said");
	json_free(j);
	j = doc("{\"resourceType\":\"MedicationRequest\",\"id\":\"m\","
	    "\"medicationCodeableConcept\":{\"text\":\"X\"},"
	    "\"dispenseRequest\":{\"numberOfRepeatsAllowed\":@}}", "3");
	ok(j != NULL && model_medication(a, j, &m) == 0 && m.refills == 3,
	    "3 refills");
	json_free(j);

	arena_free(a);
	return done_testing();
}
