/*
 * Visit notes: after-visit summaries and clinicians' notes, as US Core
 * has them (DocumentReference, category clinical-note), newest first.
 * A note's plain text is read for the terminal; other forms (a PDF) are
 * files to save.
 */
#ifndef CHARTTY_NOTES_H
#define CHARTTY_NOTES_H

#include <stddef.h>

#include "fhirtime.h"
#include "model.h"

struct arena;
struct fhir;

#define NOTES_MAX	50

struct note {
	char			*title;		/* "Annual check-up" */
	char			*kind;		/* "Progress note", or NULL */
	char			*author;
	struct fhir_time	 date;
	char			*text;		/* its plain text, or NULL */
	const struct attachment	*text_at;	/* plain text still to fetch */
	struct attachment	*files;		/* the rest: to save */
	size_t			 nfiles;
};

/* The patient's notes (at most NOTES_MAX) in a new arena *a: 0, or -1. */
int	 notes_load(struct fhir *, const char *patient, struct arena **a,
	     struct note **out, size_t *n, char **cause);
/* Fetch a note's plain text kept at an address (Binary): 0, or -1. */
int	 notes_fetch_text(struct fhir *, struct arena *, struct note *,
	     char **cause);

#endif
