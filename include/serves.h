/*
 * What a server serves, said as the portal's areas and actions: read
 * from its CapabilityStatement (fhir_can), so that a read-only health
 * system shows its records with no button that it would refuse. While
 * no statement was read, everything is served, as before.
 */
#ifndef CHARTTY_SERVES_H
#define CHARTTY_SERVES_H

struct fhir;

enum serve {
	SERVE_RESULTS,		/* reports and their results */
	SERVE_MESSAGES,		/* reading conversations */
	SERVE_MESSAGE_SEND,	/* new messages and replies */
	SERVE_MESSAGE_MARK,	/* marking the care team's messages read */
	SERVE_REFILL,		/* refill requests */
	SERVE_READING,		/* readings the patient enters */
	SERVE_VISITS,		/* the visits */
	SERVE_BOOK,		/* booking, On My Way */
	SERVE_VISIT_CHANGE,	/* cancelling, rescheduling */
	SERVE_CHECKIN,		/* eCheck-in */
	SERVE_CONTACT_CHANGE,	/* changing contact details */
	SERVE_BILLING,		/* bills and accounts */
	SERVE_BILLING_CHANGE,	/* payment plans, paperless */
	SERVE_ACTIVITY,		/* account activity */
	SERVE_NOTES		/* visit notes */
};

/* Non-zero when the server behind f serves what. */
int	 serves(const struct fhir *, enum serve what);

#endif
