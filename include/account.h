/*
 * The Account area (portal-api.md §2 and "Proxies and linked accounts"):
 * two-step verification (its status, the enrollment key and its first
 * code), changing the password, and the account's activity as sentences,
 * newest first. Contact details are contact.h's.
 */
#ifndef CHARTTY_ACCOUNT_H
#define CHARTTY_ACCOUNT_H

#include <stddef.h>

#include "fhirtime.h"

struct arena;
struct fhir;
struct fhir_pages;
struct json;

#define ACTIVITY_PAGE	20

/* Two-step verification: on, or off with what turning it on needs. */
struct account_mfa {
	int	 enrolled;
	char	*uri;		/* the otpauth:// URI as sent, or NULL */
	char	*key;		/* its secret in groups: "KRUG KIDR ...", */
	char	*issuer;	/* sanitized, for the words around it */
	char	*account;
};

/* GET /auth/mfa/status: 0, or -1 with *cause. */
int	 account_mfa_status(struct fhir *, struct account_mfa *, char **cause);
void	 account_mfa_free(struct account_mfa *);
/* The code as typed ("123 456"), checked and sent to /auth/mfa/enroll. */
int	 account_mfa_enroll(struct fhir *, const char *code, char **cause);
/* POST /auth/changepassword; the caller wipes both. 0, or -1 with *cause. */
int	 account_change_password(struct fhir *, const char *old,
	     const char *new_password, char **cause);

/* One event of the account's activity, already in words. */
struct activity {
	struct fhir_time	 when;
	const char		*what;	/* "Record read by Linda Nguyen (proxy)" */
	const char		*from;	/* "203.0.113.7", or NULL */
	int			 failed;
};

/* The first page of patient's activity ("Patient/x"), newest first. */
void	 account_activity_start(struct fhir_pages *, const char *patient);
/*
 * Fetch the page dir away (fhir_pages_fetch) as sentences into *out (*n,
 * in a new arena *a the caller frees), the server's count in *total; who
 * is signed in (self, "Patient/y") and whose record it is (patient) make
 * "you" and "(proxy)". 0, or -1 with *cause (nothing made).
 */
int	 account_activity_page(struct fhir *, struct fhir_pages *, int dir,
	     const char *self, const char *patient, struct arena **a,
	     struct activity **out, size_t *n, long *total, char **cause);
/* One AuditEvent as words, as account_activity_page does: 0, or -1. */
int	 account_activity_parse(struct arena *, const struct json *,
	     const char *self, const char *patient, struct activity *);

#endif
