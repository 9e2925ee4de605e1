/*
 * The health summary as records: the patient, active allergies and
 * problems, active medications, immunizations and the latest vital signs
 * (portal-api.md, "Health summary": one batch), their rows in words for
 * the screen, and the same as a plain-text wallet card.
 */
#ifndef CHARTTY_SUMMARY_H
#define CHARTTY_SUMMARY_H

#include <stdio.h>

#include "model.h"
#include "util.h"

struct fhir;
struct json;

enum { SUMMARY_ALLERGY, SUMMARY_PROBLEM, SUMMARY_MED, SUMMARY_IMM,
    SUMMARY_VITAL, SUMMARY_N };

struct summary {
	struct arena		*a;
	struct patient		 patient;
	int			 have_patient;
	struct allergy		*allergies;
	struct condition	*problems;
	struct medication	*meds;
	struct immunization	*imms;
	struct observation	*vitals;
	size_t			 n[SUMMARY_N];
	char			*withheld[SUMMARY_N];	/* why a section is empty */
	/* Linked organizations: where each row comes from (NULL: one
	 * organization), the merged ones' arenas, what could not load. */
	const char		**from[SUMMARY_N];
	struct arena		*merged;
	char			*missing;	/* "Harbor Clinic: ..." */
};

/* Per section: its heading, the noun of one row, and what says "none". */
extern const char *const summary_headings[SUMMARY_N];
extern const char *const summary_nouns[SUMMARY_N];
extern const char *const summary_empty[SUMMARY_N];

/*
 * Load the summary of patient (an id) into s, which summary_clear()
 * empties first and frees after. 0, or -1 with *cause.
 */
int	 summary_load(struct fhir *, const char *patient, struct summary *,
	     char **cause);
void	 summary_clear(struct summary *);
/* The batch of the summary of patient (an id) at f's server: its urls
 * (SUMMARY_URLS of them, each a new string) into urls. */
#define SUMMARY_URLS	6
size_t	 summary_urls(const struct fhir *, const char *patient, char **urls);
/* The summary (emptied first) from that batch's answer. */
void	 summary_take(struct summary *, const struct json *body);
/*
 * Add the rows of o (loaded at the organization there) to s (loaded at
 * here), each row then saying where it comes from; the same allergy (its
 * code) or vaccine (its code and day) recorded at both is one row with
 * both places. o is emptied (summary_clear it).
 */
void	 summary_merge(struct summary *s, struct summary *o,
	     const char *here, const char *there);
/* Say that the organization org's part could not load: why. */
void	 summary_missing(struct summary *, const char *org, const char *why);
/*
 * Row i of a section in words (in s's arena): *label, *value (may be
 * NULL) and *alert when it needs attention (severe, high risk, out of
 * range).
 */
void	 summary_row(struct summary *, int section, size_t i,
	     const char **label, const char **value, int *alert);
/* A time, or only the date, for people (in the arena), or NULL. */
const char *summary_time(struct arena *, const struct fhir_time *);
const char *summary_date(struct arena *, const struct fhir_time *);
/*
 * The summary of patient as the wallet card: whose it is (NULL: the
 * record's own name), from which portal (from), today's date; written
 * to out. 0, or -1 with *cause.
 */
int	 summary_write_text(struct fhir *, const char *patient,
	     const char *whose, const char *from, FILE *out, char **cause);

/*
 * What Home says of each area, in the smallest answers the contract
 * allows, from one batch: counts (allergies, active problems, active
 * medications, immunizations, reports, refill requests waiting; -1 when
 * not known), the next visit, what is owed, the care team's new messages.
 */
enum { SUMMARY_COUNT_ALLERGIES, SUMMARY_COUNT_PROBLEMS, SUMMARY_COUNT_MEDS,
    SUMMARY_COUNT_IMMUNIZATIONS, SUMMARY_COUNT_REPORTS,
    SUMMARY_COUNT_REFILLS, SUMMARY_NCOUNTS };

struct summary_home {
	long	 count[SUMMARY_NCOUNTS];	/* -1 when not known */
	char	*withheld;		/* why some counts are missing */
	char	*next_visit;		/* "next: Wed 2 Dec 2026 12:30, ..." */
	double	 owed;			/* on the bills, or -1 */
	long	 unread;		/* the care team's new messages, or -1 */
};

/* Load it for patient (a reference) into h, which must be empty;
 * 0, or -1 with *cause (summary_home_clear() it either way). */
int	 summary_home_load(struct fhir *, const char *patient,
	     struct summary_home *, char **cause);
void	 summary_home_clear(struct summary_home *);

#endif
