/*
 * The OS keyring (Secret Service, through libsecret): where refresh
 * tokens and kiosk client secrets live. Never a file. Each call waits
 * while a short-lived child process loads libsecret and makes it, so
 * chartty itself never maps libsecret and glib.
 */
#ifndef CHARTTY_KEYRING_H
#define CHARTTY_KEYRING_H

enum keyring_status {
	KEYRING_OK = 0,
	KEYRING_NOT_FOUND = 1,
	KEYRING_UNAVAILABLE = -1	/* no Secret Service reachable, or locked */
};

/* What a stored secret is. */
#define KEYRING_REFRESH		"refresh-token"
#define KEYRING_CLIENT_SECRET	"client-secret"

/*
 * Store secret for (server, account, kind), replacing any earlier one;
 * the item is labelled "chartty: <account> at <host>" so a person can
 * recognise it in Seahorse. KEYRING_UNAVAILABLE with *cause on failure.
 */
int	 keyring_store(const char *server, const char *account,
	     const char *kind, const char *secret, char **cause);
/* Call server's items by name in their labels ("chartty: maria@... at
 * Harbor Clinic (ehr.example.org)"): the organization, as configured. */
void	 keyring_name(const char *server, const char *name);
/* The label an item gets ("chartty: kiosk device ID at HOST"); freed
 * by the caller. */
char	*keyring_label(const char *server, const char *account,
	     const char *kind);
/*
 * Look the secret up: KEYRING_OK with *secret (caller secret_free()s it),
 * KEYRING_NOT_FOUND, or KEYRING_UNAVAILABLE with *cause.
 */
int	 keyring_lookup(const char *server, const char *account,
	     const char *kind, char **secret, char **cause);
/* libsecret's version; 0 when the keyring answers, -1 with *cause. */
const char *keyring_library(void);
int	 keyring_reachable(char **cause);
/* Remove it; KEYRING_NOT_FOUND when there was none. */
int	 keyring_delete(const char *server, const char *account,
	     const char *kind, char **cause);

/*
 * A random key of kind for (server, account), kept in the keyring as hex
 * and made there when create and missing: 0 with key filled, 1 when there
 * is none (and !create), -1 with *cause (no keyring, damaged).
 */
#define KEYRING_KEY_LEN	32	/* AES-256 */
int	 keyring_key(const char *server, const char *account,
	     const char *kind, int create, unsigned char key[KEYRING_KEY_LEN],
	     char **cause);

#endif
