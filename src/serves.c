/* What a server serves, as areas and actions (include/serves.h). */
#include "config.h"

#include <stddef.h>

#include "fhir.h"
#include "serves.h"

/* Each area or action: the resource type it needs, and what of it. */
static const struct {
	enum serve	 what;
	const char	*type;
	unsigned int	 can;
} serves_table[] = {
	{ SERVE_RESULTS, "DiagnosticReport", FHIR_CAN_READ },
	{ SERVE_MESSAGES, "Communication", FHIR_CAN_READ },
	{ SERVE_MESSAGE_SEND, "Communication", FHIR_CAN_CREATE },
	{ SERVE_MESSAGE_MARK, "Communication", FHIR_CAN_UPDATE },
	{ SERVE_REFILL, "Task", FHIR_CAN_CREATE },
	{ SERVE_READING, "Observation", FHIR_CAN_CREATE },
	{ SERVE_VISITS, "Appointment", FHIR_CAN_READ },
	{ SERVE_BOOK, "Appointment", FHIR_CAN_CREATE },
	{ SERVE_VISIT_CHANGE, "Appointment", FHIR_CAN_UPDATE },
	{ SERVE_CHECKIN, "QuestionnaireResponse", FHIR_CAN_CREATE },
	{ SERVE_CONTACT_CHANGE, "Patient", FHIR_CAN_UPDATE },
	{ SERVE_BILLING, "Invoice", FHIR_CAN_READ },
	{ SERVE_BILLING_CHANGE, "Account", FHIR_CAN_UPDATE },
	{ SERVE_ACTIVITY, "AuditEvent", FHIR_CAN_READ },
	{ SERVE_NOTES, "DocumentReference", FHIR_CAN_READ },
};

int
serves(const struct fhir *f, enum serve what)
{
	size_t	i;

	for (i = 0; i < sizeof serves_table / sizeof serves_table[0]; i++) {
		if (serves_table[i].what == what)
			return (fhir_can(f, serves_table[i].type) &
			    serves_table[i].can) == serves_table[i].can;
	}
	return 0;
}
