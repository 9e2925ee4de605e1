/*
 * FHIR resources turned into plain records for the screens: every string
 * is sanitized and given its display fallback, times are in local time.
 */
#ifndef CHARTTY_MODEL_H
#define CHARTTY_MODEL_H

#include <stddef.h>
#include <time.h>

#include "fhirtime.h"
#include "util.h"

struct json;

/* A Quantity: value with unit, or absent. */
struct quantity {
	int	 present;
	double	 value;
	char	*unit;		/* unit, else code; may be NULL */
	char	*comparator;	/* "<", ">=", ...; may be NULL */
};

enum value_kind {
	VALUE_NONE = 0,		/* no value[x] at all */
	VALUE_QUANTITY,
	VALUE_STRING,
	VALUE_CONCEPT,
	VALUE_RANGE,
	VALUE_RATIO,
	VALUE_BOOLEAN,
	VALUE_INTEGER,
	VALUE_TIME,		/* valueDateTime, valueTime, valuePeriod */
	VALUE_OTHER		/* a kind chartty does not show */
};

struct obs_value {
	enum value_kind	 kind;
	struct quantity	 q;		/* QUANTITY, INTEGER; RANGE low */
	struct quantity	 q2;		/* RANGE high */
	struct quantity	 num, den;	/* RATIO */
	char		*text;		/* STRING, CONCEPT, TIME; OTHER: kind */
	int		 boolean;
};

struct ref_range {
	struct quantity	 low, high;
	char		*text;
};

struct obs_component {
	char		*name;
	struct obs_value value;
	char		*flag;		/* interpretation in words, or NULL */
	struct ref_range range;
};

struct observation {
	char			*id;
	char			*name;
	char			*code_system, *code;
	char			*category;
	char			*status;
	struct fhir_time	 effective;
	struct fhir_time	 issued;
	struct obs_value	 value;
	struct obs_component	*components;
	size_t			 ncomponents;
	struct ref_range	 range;		/* the first referenceRange */
	char			*flag;		/* "High", "Critical low", ... */
	char			*flag_code;	/* "H", "LL", ... */
	char			*note;		/* the clinician's comments */
};

struct report {
	char			*id;
	char			*name;
	char			*status;
	char			*category;
	struct fhir_time	 effective;
	struct fhir_time	 issued;
	char			*conclusion;
	char			*narrative;	/* presentedForm text, if inline */
	char			**results;	/* "Observation/<id>" references */
	size_t			 nresults;
	int			 reviewed;	/* urn:chartty:reviewed; -1:
						   the server does not say */
};

struct patient {
	char			*id;
	char			*name;		/* "Maria Lopez" */
	struct fhir_time	 birth;
	char			*gender;
	char			*phone, *email, *address;
	char			*mrn;
};

struct allergy {
	char			*id;
	char			*substance;
	char			*code;		/* its first code, "system|code" */
	char			*clinical_status;
	char			*verification;
	char			*criticality;
	char			*category;
	char			*reactions;	/* manifestations, comma-separated */
	char			*severity;
	struct fhir_time	 onset;
	struct fhir_time	 recorded;
	char			*note;
};

struct condition {
	char			*id;
	char			*name;
	char			*clinical_status;
	char			*category;
	struct fhir_time	 onset;
	struct fhir_time	 recorded;
	char			*note;
};

struct medication {
	char			*id;
	char			*name;
	char			*dosage;
	char			*requester;
	char			*status;
	struct fhir_time	 authored;
	int			 refills;	/* -1 when not said */
	int			 refill_eligible;	/* 1, 0, or -1 */
	char			*med_ref;	/* a Medication not named here */
};
/*
 * Name each medication of meds[n] that only references its Medication
 * (no display) from the Medications of bundle (_include), else its
 * reference.
 */
void	 model_medication_names(struct arena *, const struct json *bundle,
	     struct medication *meds, size_t n);

/* A file sent with a message: listed, and saved when asked for. */
struct attachment {
	char			*title;		/* "statement-2026-10.pdf" */
	char			*type;		/* contentType */
	char			*url;		/* "Binary/<id>" or absolute */
	char			*data;		/* or inline: base64, raw */
	long			 size;		/* bytes, or -1 */
};

/*
 * A secure message (Communication): a conversation's header has no
 * part_of; its messages name the header in part_of.
 */
struct message {
	char			*id;
	char			*etag;		/* W/"<versionId>", or NULL */
	char			*part_of;	/* "Communication/<header>" */
	char			*topic;
	char			*category;
	char			*sender;	/* display */
	char			*sender_ref;	/* "Practitioner/<id>" */
	int			 from_patient;	/* Patient or RelatedPerson */
	char			*recipient;	/* display of the first */
	char			*recipient_ref;
	struct fhir_time	 sent;
	struct fhir_time	 received;	/* NONE: not read yet */
	char			*text;		/* payload contentString(s) */
	struct attachment	*attachments;
	size_t			 nattachments;
	int			 unread;	/* header: urn:chartty:unread */
};

/* A request to the care team (a refill request is a Task "fulfill"). */
struct task {
	char			*id;
	char			*status;	/* "requested", "completed", ... */
	char			*focus;		/* "MedicationRequest/<id>" */
	char			*focus_name;	/* its display */
	char			*reason;	/* statusReason, e.g. why declined */
	char			*note;
	struct fhir_time	 authored;
	struct fhir_time	 modified;
};

struct immunization {
	char			*id;
	char			*vaccine;
	char			*code;		/* its first code, "system|code" */
	char			*status;
	struct fhir_time	 date;
	char			*site;
	char			*lot;
};

/*
 * Parsers: fill the record from a resource of the right type, allocating
 * strings in the arena. Return -1 when j is not that resourceType.
 */
int	 model_patient(struct arena *, const struct json *, struct patient *);
int	 model_allergy(struct arena *, const struct json *, struct allergy *);
int	 model_condition(struct arena *, const struct json *,
	     struct condition *);
int	 model_medication(struct arena *, const struct json *,
	     struct medication *);
int	 model_immunization(struct arena *, const struct json *,
	     struct immunization *);
int	 model_observation(struct arena *, const struct json *,
	     struct observation *);
int	 model_report(struct arena *, const struct json *, struct report *);
int	 model_task(struct arena *, const struct json *, struct task *);
int	 model_message(struct arena *, const struct json *, struct message *);
/* An Attachment (title, type, url, size). */
void	 model_attachment(struct arena *, const struct json *,
	     struct attachment *);

/*
 * The display text of a CodeableConcept: text, else coding[0].display,
 * else "system|code", else NULL. Sanitized, in the arena.
 */
char	*model_concept(struct arena *, const struct json *);
/* A sanitized copy of the string member key, or NULL. */
char	*model_str(struct arena *, const struct json *, const char *key);
/* An Address as one line ("12 Oak Lane, Springfield, IL 62704"), or NULL. */
char	*model_address(struct arena *, const struct json *address);
/* A HumanName as "Given Family" (text when given), or NULL. */
char	*model_name(struct arena *, const struct json *names);
/* The value of extension url among j's extensions, or NULL (borrowed). */
const struct json *model_extension(const struct json *, const char *url);
/* A resource's ETag, W/"<meta.versionId>", in the arena, or NULL. */
char	*model_etag(struct arena *, const struct json *);
/* The extension url itself (with its url and value), or NULL (borrowed). */
const struct json *model_extension_obj(const struct json *,
	     const char *url);

/*
 * The plain sentence an OperationOutcome says (details.text, else
 * diagnostics), sanitized; a new string. NULL when j says nothing.
 */
char	*model_outcome_text(const struct json *);
/* The issue[0].code (e.g. "login", "throttled"), borrowed, or NULL. */
const char *model_outcome_code(const struct json *);

#endif
