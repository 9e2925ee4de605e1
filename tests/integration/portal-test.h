/* Helpers for integration tests: the test portal's controls and sign-in. */
#ifndef CHARTTY_PORTAL_TEST_H
#define CHARTTY_PORTAL_TEST_H

#include <stddef.h>

struct portal;
struct json;

/* The test portal's root URL (from the harness); exits if unset. */
const char	*pt_url(void);
/* GET or POST (JSON body, may be NULL) a test control; parsed answer. */
struct json	*pt_get(const char *path);
struct json	*pt_post(const char *path, const char *body);
/* The same at the test portal at base (Harbor: pt_smart_url()). */
struct json	*pt_post_at(const char *base, const char *path,
		    const char *body);
/* Restore the seed data and auth state. */
void		 pt_reset(void);
/* The current TOTP code for email (static buffer). */
const char	*pt_totp(const char *email);
/* Take back every fault not yet used. */
void		 pt_clear_faults(void);
/* Inject count faults of kind (latency uses ms); path may be NULL. */
void		 pt_fault(const char *kind, int count, int ms, const char *path);
/* The same at the test portal at base (Harbor: pt_smart_url()). */
void		 pt_fault_at(const char *base, const char *kind, int count,
		    int ms, const char *path);
void		 pt_clear_faults_at(const char *base);
/* Harbor Clinic's root URL, for tests named *smart* or *linked*. */
const char	*pt_smart_url(void);
/*
 * A portal signed in at Harbor Clinic (a plain SMART server) as a browser
 * would: its sign-in form posted, the redirect's address pasted back.
 */
struct portal	*pt_smart_sign_in(const char *email, const char *password);
/* Run the engine's validator (tests/portal/validate.mjs) on the FHIR
 * file at path: its exit status, and its last line into last. */
int		 pt_validate(const char *path, char *last, size_t len);
/* Inject count huge faults streaming about bytes (not the 64 MiB default). */
void		 pt_fault_huge(int count, size_t bytes, const char *path);
/* One plain sentence: no JSON, some words, a full stop. */
int		 pt_sentence(const char *);
/* How many payments the portal took for an invoice ("inv-..."). */
size_t		 pt_charges(const char *invoice);
/*
 * A portal signed in as email/password (answering MFA from the portal's
 * controls when asked), without keyring. Exits on failure.
 */
struct portal	*pt_sign_in(const char *email, const char *password);
/*
 * The days the portal offers, never a day picked by adding days: the first
 * and the last local day ("YYYY-MM-DD") of the first n free times of
 * schedule ("sched-garcia"), each of those days with at least two free
 * times. 0 on success, -1 (said as a TAP diagnostic) when there are fewer.
 */
int		 pt_free_days(struct portal *, const char *schedule, size_t n,
		    char from[11], char to[11]);

#endif
