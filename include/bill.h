/*
 * Bills as the billing screens show them: what was billed for a visit,
 * what insurance paid, adjustments, the patient's share, what was paid
 * and what is still due; guarantor accounts with paperless and any
 * payment plan; and amounts as people type them.
 */
#ifndef CHARTTY_BILL_H
#define CHARTTY_BILL_H

#include "model.h"

struct arena;
struct fhir;
struct json;

struct bill_line {
	char		*text;
	double		 billed, insurance, adjustment;
};

struct bill {
	char			*id;
	char			*status;	/* issued, balanced, cancelled */
	struct fhir_time	 date;
	char			*visit;		/* type.text: "Office visit" */
	char			*account;	/* "Account/<id>" */
	double			 billed;	/* totalGross */
	double			 insurance;	/* deductions */
	double			 adjustments;	/* discounts */
	double			 share;		/* totalNet */
	double			 due;		/* urn:chartty:balance-due */
	double			 paid;		/* share - due */
	struct bill_line	*lines;
	size_t			 nlines;
};

struct bill_account {
	char			*id;
	char			*etag;
	char			*name;
	int			 paperless;	/* 1, 0, or -1 not said */
	int			 has_plan;
	double			 plan_monthly;
	long			 plan_months;
	struct fhir_time	 plan_next;
};

/* Fill b from an Invoice; -1 when j is not one. */
int	 bill_parse(struct arena *, const struct json *, struct bill *);
/* Fill a from an Account; -1 when j is not one. */
int	 bill_account_parse(struct arena *, const struct json *,
	     struct bill_account *);
/* Read Invoice/<id> into b, in a new arena *a; 0, or -1 with *cause. */
int	 bill_read(struct fhir *, const char *id, struct arena **a,
	     struct bill *b, char **cause);
/*
 * Account id (into *acct) and what is owed on it (the sum of the patient's
 * bills on that account, *owed), strings in the arena: one batch for
 * patient (a reference). 0, or -1 with *cause.
 */
int	 bill_account_owed(struct fhir *, const char *id, const char *patient,
	     struct arena *, struct bill_account *acct, double *owed,
	     char **cause);
/*
 * Ask for a payment plan of monthly dollars on account id
 * ($payment-plan); the account as it is then into *acct (in the arena).
 * 0, or -1 with *cause (the billing office's rule, in its words).
 */
int	 bill_plan(struct fhir *, const char *id, double monthly,
	     struct arena *, struct bill_account *acct, char **cause);
/* What the billing area shows, from one batch: guarantor accounts (and
 * each as loaded, to send back), bills newest first, the insurance on
 * file as lines, and statements (PDFs) with their dates. */
#define BILL_MAX	50

struct bill_summary {
	struct arena		*a;
	struct bill_account	*accts;
	struct json		**acct_json;	/* as loaded, for the PUT */
	size_t			 nacct;
	struct bill		*bills;
	size_t			 nbills;
	const char		**cov;		/* "Acme Health Plan: ..." */
	size_t			 ncov;
	struct attachment	*docs;
	struct fhir_time	*doc_dates;
	size_t			 ndocs;
	long			 total_bills;	/* Bundle.total, or -1 */
	char			*withheld;	/* the first refusal, said */
};

/* Load it for patient (a reference) into s, which must be empty; 0, or
 * -1 with *cause (bill_summary_clear() it either way). */
int	 bill_summary_load(struct fhir *, const char *patient,
	     struct bill_summary *, char **cause);
void	 bill_summary_clear(struct bill_summary *);
/*
 * Paperless statements on (or off) for account i of s: the account goes
 * back with urn:chartty:paperless, guarded by its ETag. 0, or -1 with
 * *cause and the answer's status in *status (412: changed meanwhile).
 */
int	 bill_paperless(struct fhir *, const struct bill_summary *, size_t i,
	     int on, long *status, char **cause);

/* "$1,234.50" (in the arena). */
char	*bill_money(struct arena *, double);
/*
 * An amount as typed ("50", "$1,234.5", "12.50"): 0 and the value, or -1
 * for anything else (more than two decimals, negative, letters, a
 * billion dollars or more).
 */
int	 bill_amount_parse(const char *, double *);

#endif
