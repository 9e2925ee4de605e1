/*
 * Unit tests of what the contract allows in the shapes of references, care
 * teams and visit types: references relative, absolute or versioned; care
 * team members that are Practitioners or PractitionerRoles, with or
 * without a display; visit types as text only or coded in any system;
 * search URLs whose values are escaped.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "booking.h"
#include "careteam.h"
#include "fhir.h"
#include "json.h"
#include "tap.h"
#include "util.h"

static struct json *
parse(const char *s)
{
	char		*cause = NULL;
	struct json	*j = json_parse(s, strlen(s), &cause);

	if (j == NULL)
		diag("parse: %s", cause ? cause : "?");
	free(cause);
	return j;
}

static void
test_refs(void)
{
	char	*s;

	s = fhir_ref_local("Practitioner/124");
	is(s, "Practitioner/124", "a relative reference");
	free(s);
	s = fhir_ref_local("https://ehr.example.org/fhir/R4/Practitioner/"
	    "pr-1.a");
	is(s, "Practitioner/pr-1.a", "an absolute one");
	free(s);
	s = fhir_ref_local("Practitioner/124/_history/3");
	is(s, "Practitioner/124", "a versioned one");
	free(s);
	ok(fhir_ref_local("#contained") == NULL &&
	    fhir_ref_local("urn:uuid:0f2b") == NULL &&
	    fhir_ref_local("124") == NULL && fhir_ref_local(NULL) == NULL &&
	    fhir_ref_local("practitioner/1") == NULL &&
	    fhir_ref_local("Practitioner/a b") == NULL,
	    "contained, urn:uuid, bare ids and odd shapes are not references "
	    "to read");
}

static void
test_query(void)
{
	char	*s;

	s = fhir_query("CareTeam", "patient", "Patient/a&b=c", "status",
	    "active", "category", NULL, NULL);
	is(s, "CareTeam?patient=Patient%2Fa%26b%3Dc&status=active",
	    "every value escaped, a NULL value left out");
	free(s);
	s = careteam_query("x#1");
	is(s, "CareTeam?patient=Patient%2Fx%231&status=active",
	    "the care team's search escapes the id");
	free(s);
	s = fhir_query("Patient", NULL);
	is(s, "Patient", "no pairs: the type alone");
	free(s);
}

static void
test_careteam(void)
{
	struct arena			*a = arena_create();
	struct careteam			 t;
	const struct careteam_member	*m;
	struct json			*b;

	memset(&t, 0, sizeof t);
	b = parse("{\"resourceType\":\"Bundle\",\"entry\":["
	    "{\"resource\":{\"resourceType\":\"CareTeam\",\"participant\":["
	    "{\"member\":{\"reference\":\"https://h.example/fhir/R4/"
	    "Practitioner/p1\",\"display\":\"Ann Lee, MD\"},"
	    "\"role\":[{\"text\":\"Primary care\"}]},"
	    "{\"member\":{\"reference\":\"PractitionerRole/r2\"}},"
	    "{\"member\":{\"reference\":\"Organization/o3\","
	    "\"display\":\"Billing\"}},"
	    "{\"member\":{\"reference\":\"Practitioner/p1\"}}]}}]}");
	careteam_parse(a, b, &t);
	ok(t.n == 2, "a Practitioner (once) and a PractitionerRole; no "
	    "Organization (%zu)", t.n);
	if (t.n == 2) {
		is(t.m[0].ref, "Practitioner/p1", "an absolute reference "
		    "kept as Type/id");
		is(t.m[0].practitioner, "Practitioner/p1", "a Practitioner "
		    "is its own practitioner (nothing to read)");
		is(t.m[0].name, "Ann Lee, MD", "with its display");
		is(t.m[0].role, "Primary care", "and its role");
		ok(t.m[1].name == NULL && t.m[1].practitioner == NULL,
		    "a role without a display: to be read");
	}
	m = careteam_find(&t, "Practitioner/p1");
	ok(m == &t.m[0], "found by a relative reference");
	m = careteam_find(&t, "http://other.example/R4/Practitioner/p1");
	ok(m == &t.m[0], "and by an absolute one");
	ok(careteam_find(&t, "Practitioner/p9") == NULL, "a stranger is not "
	    "found");
	if (t.n == 2) {
		t.m[1].practitioner = "Practitioner/p7";
		ok(careteam_find(&t, "Practitioner/p7") == &t.m[1],
		    "a role is found by its practitioner");
	}
	json_free(b);
	arena_free(a);
}

static void
test_types(void)
{
	struct booking_who	 w;
	struct json		*types, *asked;

	memset(&w, 0, sizeof w);
	types = parse("[{\"text\":\"Follow-up visit\"},"
	    "{\"coding\":[{\"system\":\"http://ehr.example/types\","
	    "\"code\":\"OV\"}]},"
	    "{\"coding\":[{\"system\":\"urn:chartty:visit-type\","
	    "\"code\":\"video-visit\"}],\"text\":\"Video visit\"}]");
	w.concepts[0] = json_at(types, 0);
	w.concepts[1] = json_at(types, 1);
	w.concepts[2] = json_at(types, 2);
	w.ntypes = 3;
	asked = parse("{\"text\":\"follow-up visit\"}");
	ok(booking_type_of(&w, asked) == 0, "text only: the same text");
	json_free(asked);
	asked = parse("{\"coding\":[{\"system\":\"http://ehr.example/types\","
	    "\"code\":\"OV\"}],\"text\":\"Office\"}");
	ok(booking_type_of(&w, asked) == 1, "a coding of another system");
	json_free(asked);
	asked = parse("{\"coding\":[{\"system\":\"http://other\","
	    "\"code\":\"OV\"}]}");
	ok(booking_type_of(&w, asked) == -1, "the same code in another "
	    "system is another thing");
	json_free(asked);
	asked = parse("{\"coding\":[{\"system\":\"urn:chartty:visit-type\","
	    "\"code\":\"video-visit\"}]}");
	ok(booking_type_of(&w, asked) == 2, "coded and with text");
	json_free(asked);
	ok(booking_type_of(&w, NULL) == -1, "none asked");
	json_free(types);
}

int
main(void)
{
	test_refs();
	test_query();
	test_careteam();
	test_types();
	return done_testing();
}
