/* Unit tests for FHIR JSON -> records: value kinds, fallbacks, hostile data. */
#include "config.h"

#include "format.h"
#include "json.h"
#include "model.h"
#include "tap.h"
#include "util.h"

static struct json *
parse(const char *s)
{
	char		*cause = NULL;
	struct json	*j = json_parse(s, strlen(s), &cause);

	if (j == NULL) {
		diag("bad test JSON: %s", cause);
		exit(1);
	}
	return j;
}

static char *
value_of(struct arena *a, const char *obs)
{
	struct json		*j = parse(obs);
	struct observation	 o;
	char			*s;

	if (model_observation(a, j, &o) != 0)
		s = "(not an observation)";
	else
		s = format_value(a, &o.value);
	json_free(j);
	return s;
}

#define OBS(v) "{\"resourceType\":\"Observation\",\"code\":{\"text\":\"x\"}," v "}"

int
main(void)
{
	struct arena		*a = arena_create();
	struct json		*j;
	struct observation	 o;
	struct allergy		 al;
	struct medication	 m;
	struct patient		 p;
	struct report		 r;
	struct condition	 c;
	struct immunization	 im;
	struct buf		 big;
	char			*s;
	int			 i;

	/* Every value[x] kind of the contract, and an unknown one. */
	is(value_of(a, OBS("\"valueQuantity\":{\"value\":7.10,\"unit\":\"%\"}")),
	    "7.1 %", "Quantity");
	is(value_of(a, OBS("\"valueQuantity\":{\"value\":5,\"comparator\":\"<\","
	    "\"code\":\"mg/dL\"}")), "<5 mg/dL",
	    "Quantity with comparator and code as unit");
	is(value_of(a, OBS("\"valueString\":\"No growth\\nat 48h\"")),
	    "No growth\nat 48h", "string keeps its line breaks");
	is(value_of(a, OBS("\"valueCodeableConcept\":{\"coding\":[{\"system\":"
	    "\"http://snomed.info/sct\",\"code\":\"10828004\",\"display\":"
	    "\"Positive\"}]}")), "Positive", "CodeableConcept via display");
	is(value_of(a, OBS("\"valueRange\":{\"low\":{\"value\":2,\"unit\":\"h\"},"
	    "\"high\":{\"value\":4,\"unit\":\"h\"}}")), "2 to 4 h", "Range: "
	    "one unit said once");
	is(value_of(a, OBS("\"valueRatio\":{\"numerator\":{\"value\":1},"
	    "\"denominator\":{\"value\":40}}")), "1:40", "Ratio");
	is(value_of(a, OBS("\"valueBoolean\":true")), "Yes", "boolean");
	is(value_of(a, OBS("\"valueInteger\":3")), "3", "integer");
	like(value_of(a, OBS("\"valueSampledData\":{\"data\":\"1 2 3\"}")),
	    "cannot show", "an unknown value[x] is named, not a crash");
	is(value_of(a, OBS("\"status\":\"final\"")), "", "no value at all");
	is(value_of(a, "{\"resourceType\":\"Patient\"}"),
	    "(not an observation)", "wrong resourceType refused");

	/* Components, range, interpretation and the clinician's note. */
	j = parse("{\"resourceType\":\"Observation\",\"id\":\"bp1\","
	    "\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
	    "\"http://loinc.org\",\"code\":\"85354-9\",\"display\":"
	    "\"Blood pressure panel\"}]},\"effectiveDateTime\":"
	    "\"2026-05-12T10:30:00Z\",\"component\":[{\"code\":{\"coding\":"
	    "[{\"system\":\"http://loinc.org\",\"code\":\"8480-6\","
	    "\"display\":\"Systolic\"}]},\"valueQuantity\":{\"value\":142,"
	    "\"unit\":\"mm[Hg]\"},\"interpretation\":[{\"coding\":[{\"code\":"
	    "\"H\"}]}]},{\"code\":{\"text\":\"Diastolic\"},\"valueQuantity\":"
	    "{\"value\":88,\"unit\":\"mm[Hg]\"}}],\"referenceRange\":[{\"low\":"
	    "{\"value\":90,\"unit\":\"mm[Hg]\"},\"high\":{\"value\":120,"
	    "\"unit\":\"mm[Hg]\"}}],\"interpretation\":[{\"coding\":[{"
	    "\"system\":\"http://terminology.hl7.org/CodeSystem/"
	    "v3-ObservationInterpretation\",\"code\":\"HH\"}]}],\"note\":[{"
	    "\"text\":\"Please recheck\"},{\"text\":\"at home\"}]}");
	ok(model_observation(a, j, &o) == 0, "observation parsed");
	is(o.name, "Blood pressure panel", "name from coding display");
	is(o.code, "85354-9", "code kept");
	is(o.code_system, "http://loinc.org", "code system kept");
	ok(o.ncomponents == 2, "two components");
	is(o.components[0].name, "Systolic", "component name");
	is(format_value(a, &o.components[0].value), "142 mmHg",
	    "component value");
	is(o.components[0].flag, "High", "component flag in words");
	is(o.components[1].name, "Diastolic", "component name from text");
	is(o.flag, "Critical high", "HH is Critical high");
	is(format_range(a, &o.range), "90 to 120 mmHg", "range");
	is(o.note, "Please recheck\nat home", "notes joined");
	ok(o.effective.precision == FHIR_TIME_MINUTE, "effective has a time");
	json_free(j);

	/* Display fallbacks: text, display, system|code. */
	j = parse("{\"resourceType\":\"Observation\",\"code\":{\"coding\":["
	    "{\"system\":\"http://loinc.org\",\"code\":\"4548-4\"}]},"
	    "\"referenceRange\":[{\"high\":{\"value\":5.7,\"unit\":\"%\"}}]}");
	model_observation(a, j, &o);
	is(o.name, "http://loinc.org|4548-4", "fallback to system|code");
	is(format_range(a, &o.range), "below 5.7 %", "high-only range");
	ok(o.flag == NULL, "no interpretation, no flag");
	json_free(j);
	j = parse("{\"resourceType\":\"Observation\",\"code\":{}}");
	ok(model_observation(a, j, &o) == 0 && o.name == NULL,
	    "missing fields give NULL, not a crash");
	ok(o.value.kind == VALUE_NONE && o.ncomponents == 0,
	    "no value, no components");
	json_free(j);
	j = parse("{\"resourceType\":\"Observation\",\"referenceRange\":[{"
	    "\"text\":\"Negative\"}],\"interpretation\":[{\"text\":"
	    "\"Unusual\"}]}");
	model_observation(a, j, &o);
	is(format_range(a, &o.range), "Negative", "text-only range");
	is(o.flag, "Unusual", "interpretation text when the code is unknown");
	json_free(j);

	/* Allergy: reactions, severity, hostile text. */
	j = parse("{\"resourceType\":\"AllergyIntolerance\",\"id\":\"a1\","
	    "\"code\":{\"text\":\"Latex\\u001b[2J\\u001b]0;pwned\\u0007 "
	    "\\u009b31m\"},\"criticality\":\"high\",\"clinicalStatus\":{"
	    "\"coding\":[{\"code\":\"active\",\"display\":\"Active\"}]},"
	    "\"reaction\":[{\"manifestation\":[{\"text\":\"Hives\"},{\"coding\":"
	    "[{\"display\":\"Wheezing\"}]}],\"severity\":\"moderate\"},"
	    "{\"manifestation\":[{\"text\":\"Anaphylaxis\"}],\"severity\":"
	    "\"severe\"}]}");
	ok(model_allergy(a, j, &al) == 0, "allergy parsed");
	is(al.substance, "Latex ", "escape sequences removed from substance");
	is(al.reactions, "Hives, Wheezing, Anaphylaxis", "all manifestations");
	is(al.severity, "moderate", "first severity");
	is(al.clinical_status, "Active", "clinical status display");
	json_free(j);

	/* Medication: dosage, requester, refills, eligibility extension. */
	j = parse("{\"resourceType\":\"MedicationRequest\",\"status\":"
	    "\"active\",\"medicationCodeableConcept\":{\"coding\":[{\"system\":"
	    "\"http://www.nlm.nih.gov/research/umls/rxnorm\",\"code\":"
	    "\"860975\",\"display\":\"Metformin 500 MG Oral Tablet\"}]},"
	    "\"dosageInstruction\":[{\"text\":\"Take 1 tablet twice a day\"}],"
	    "\"requester\":{\"display\":\"Dr Amy Lee\"},\"dispenseRequest\":{"
	    "\"numberOfRepeatsAllowed\":3},\"extension\":[{\"url\":"
	    "\"urn:chartty:refill-eligible\",\"valueBoolean\":true}]}");
	ok(model_medication(a, j, &m) == 0, "medication parsed");
	is(m.name, "Metformin 500 MG Oral Tablet", "medication name");
	is(m.dosage, "Take 1 tablet twice a day", "dose instructions");
	is(m.requester, "Dr Amy Lee", "prescriber");
	ok(m.refills == 3, "refills left");
	ok(m.refill_eligible == 1, "refill-eligible extension read");
	json_free(j);
	j = parse("{\"resourceType\":\"MedicationRequest\"}");
	model_medication(a, j, &m);
	ok(m.refills == -1 && m.refill_eligible == -1,
	    "unknown refills and eligibility stay unknown");
	json_free(j);

	/* Patient with unicode name, telecom, address. */
	j = parse("{\"resourceType\":\"Patient\",\"id\":\"p1\",\"name\":[{"
	    "\"use\":\"nickname\",\"given\":[\"Z\"]},{\"use\":\"official\","
	    "\"given\":[\"Zo\\u00eb\",\"Ann\"],\"family\":\"\\u00dcnal-\\u015e"
	    "ahin\"}],\"birthDate\":\"1971-03-04\",\"telecom\":[{\"system\":"
	    "\"email\",\"value\":\"z@example.org\"},{\"system\":\"phone\","
	    "\"value\":\"555-0100\"}],\"address\":[{\"line\":[\"1 Main St\","
	    "\"Apt 2\"],\"city\":\"Springfield\",\"state\":\"IL\","
	    "\"postalCode\":\"62701\"}]}");
	ok(model_patient(a, j, &p) == 0, "patient parsed");
	is(p.name, "Zo\xc3\xab Ann \xc3\x9cnal-\xc5\x9e" "ahin",
	    "official name, unicode intact");
	is(p.email, "z@example.org", "email");
	is(p.phone, "555-0100", "phone");
	is(p.address, "1 Main St, Apt 2, Springfield, IL 62701", "address");
	ok(p.birth.precision == FHIR_TIME_DAY && p.birth.year == 1971,
	    "birth date");
	json_free(j);

	/* Report with inline narrative and review flag. */
	j = parse("{\"resourceType\":\"DiagnosticReport\",\"status\":"
	    "\"final\",\"code\":{\"text\":\"Chest X-ray\"},\"result\":[{"
	    "\"reference\":\"Observation/1\"},{\"reference\":"
	    "\"Observation/2\"}],\"presentedForm\":[{\"contentType\":"
	    "\"text/plain\",\"data\":\"Tm8gYWN1dGUgZmluZGluZ3Mu\"}],"
	    "\"extension\":[{\"url\":\"urn:chartty:reviewed\","
	    "\"valueBoolean\":true}]}");
	ok(model_report(a, j, &r) == 0, "report parsed");
	is(r.narrative, "No acute findings.", "narrative decoded");
	ok(r.nresults == 2, "two results");
	is(r.results[1], "Observation/2", "result reference");
	ok(r.reviewed == 1, "reviewed extension read");
	json_free(j);

	j = parse("{\"resourceType\":\"Immunization\",\"vaccineCode\":{"
	    "\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/cvx\",\"code\":"
	    "\"141\",\"display\":\"Influenza, seasonal\"}]},\"occurrenceDateTime\":"
	    "\"2026-10-01\",\"status\":\"completed\"}");
	ok(model_immunization(a, j, &im) == 0, "immunization parsed");
	is(im.vaccine, "Influenza, seasonal", "vaccine");
	json_free(j);

	/* A very long string is cut to a bound, with "..." at the end. */
	buf_init(&big, 1024 * 1024);
	buf_addstr(&big, "{\"resourceType\":\"Condition\",\"code\":{\"text\":\"");
	for (i = 0; i < 100000; i++)
		buf_addstr(&big, i % 2 ? "\xc3\xa9" : "a");
	buf_addstr(&big, "\"}}");
	j = parse(big.data);
	ok(model_condition(a, j, &c) == 0, "condition with huge text parsed");
	ok(strlen(c.name) <= 64 * 1024 + 3, "huge text bounded (%zu bytes)",
	    strlen(c.name));
	like(c.name + strlen(c.name) - 3, "...", "cut text ends in ...");
	s = c.name;
	json_free(j);
	buf_free(&big, 0);
	(void)s;

	/* OperationOutcome sentences. */
	j = parse("{\"resourceType\":\"OperationOutcome\",\"issue\":[{"
	    "\"severity\":\"error\",\"code\":\"login\",\"details\":{\"text\":"
	    "\"Token expired\\u001b[31m\"}}]}");
	s = model_outcome_text(j);
	is(s, "Token expired", "outcome text sanitized");
	is(model_outcome_code(j), "login", "outcome code");
	free(s);
	json_free(j);
	j = parse("{\"resourceType\":\"OperationOutcome\",\"issue\":[{"
	    "\"diagnostics\":\"account-locked\"}]}");
	s = model_outcome_text(j);
	is(s, "account-locked", "diagnostics when no details");
	free(s);
	json_free(j);

	is(format_flag_words("LL"), "Critical low", "LL in words");
	ok(format_flag_words("ZZ") == NULL, "unknown flag code");
	arena_free(a);
	return done_testing();
}
