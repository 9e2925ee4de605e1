/*
 * The OS keyring (Secret Service, through libsecret): where refresh
 * tokens and kiosk client secrets live. Never a file.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libsecret/secret.h>

#include "crypto.h"
#include "keyring.h"
#include "url.h"
#include "util.h"

static const SecretSchema keyring_schema = {
	"org.chartty.Secret", SECRET_SCHEMA_NONE,
	{
		{ "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "account", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ "kind", SECRET_SCHEMA_ATTRIBUTE_STRING },
		{ NULL, 0 },
	},
	0, NULL, NULL, NULL, NULL, NULL, NULL, NULL
};

static int
keyring_error(GError *error, char **cause)
{
	*cause = xasprintf("The system keyring could not be used (%s).",
	    error && error->message ? error->message : "no reason given");
	if (error != NULL)
		g_error_free(error);
	return KEYRING_UNAVAILABLE;
}

/* What people call each server (keyring_name), for the labels. */
#define KEYRING_NAMES	8
static struct {
	char	*server, *name;
} keyring_names[KEYRING_NAMES];

void
keyring_name(const char *server, const char *name)
{
	size_t	i, free_slot = KEYRING_NAMES;

	for (i = 0; i < KEYRING_NAMES; i++) {
		if (keyring_names[i].server == NULL) {
			if (free_slot == KEYRING_NAMES)
				free_slot = i;
			continue;
		}
		if (strcmp(keyring_names[i].server, server) == 0) {
			free(keyring_names[i].name);
			keyring_names[i].name = xstrdup(name);
			return;
		}
	}
	if (free_slot < KEYRING_NAMES && name != NULL) {
		keyring_names[free_slot].server = xstrdup(server);
		keyring_names[free_slot].name = xstrdup(name);
	}
}

/* "Harbor Clinic (ehr.example.org)", or the host alone. */
static char *
keyring_where(const char *server)
{
	char	*host = url_host(server), *where;
	size_t	 i;

	for (i = 0; i < KEYRING_NAMES; i++) {
		if (keyring_names[i].server != NULL &&
		    strcmp(keyring_names[i].server, server) == 0 &&
		    keyring_names[i].name != NULL) {
			where = xasprintf("%s (%s)", keyring_names[i].name,
			    host ? host : server);
			free(host);
			return where;
		}
	}
	return host ? host : xstrdup(server);
}

char *
keyring_label(const char *server, const char *account, const char *kind)
{
	char	*host, *label;

	host = keyring_where(server);
	/* Labels people see in their keyring manager: say what each is. */
	if (strcmp(kind, KEYRING_CLIENT_SECRET) == 0)
		label = xasprintf("chartty: kiosk device %s at %s", account,
		    host ? host : server);
	else if (strcmp(kind, KEYRING_REFRESH) != 0)
		label = xasprintf("chartty: %s for %s at %s", kind, account,
		    host ? host : server);
	else
		label = xasprintf("chartty: %s at %s", account,
		    host ? host : server);
	free(host);
	return label;
}

int
keyring_store(const char *server, const char *account, const char *kind,
    const char *secret, char **cause)
{
	GError		*error = NULL;
	char		*label;
	gboolean	 ok;

	label = keyring_label(server, account, kind);
	ok = secret_password_store_sync(&keyring_schema,
	    SECRET_COLLECTION_DEFAULT, label, secret, NULL, &error,
	    "server", server, "account", account, "kind", kind, NULL);
	free(label);
	if (!ok)
		return keyring_error(error, cause);
	return KEYRING_OK;
}

int
keyring_lookup(const char *server, const char *account, const char *kind,
    char **secret, char **cause)
{
	GError	*error = NULL;
	gchar	*found;

	*secret = NULL;
	found = secret_password_lookup_sync(&keyring_schema, NULL, &error,
	    "server", server, "account", account, "kind", kind, NULL);
	if (error != NULL)
		return keyring_error(error, cause);
	if (found == NULL)
		return KEYRING_NOT_FOUND;
	*secret = xstrdup(found);
	secret_password_free(found);
	return KEYRING_OK;
}

int
keyring_delete(const char *server, const char *account, const char *kind,
    char **cause)
{
	GError		*error = NULL;
	gboolean	 removed;

	removed = secret_password_clear_sync(&keyring_schema, NULL, &error,
	    "server", server, "account", account, "kind", kind, NULL);
	if (error != NULL)
		return keyring_error(error, cause);
	return removed ? KEYRING_OK : KEYRING_NOT_FOUND;
}

const char *
keyring_library(void)
{
	static char	v[32];

	snprintf(v, sizeof v, "libsecret %d.%d.%d", SECRET_MAJOR_VERSION,
	    SECRET_MINOR_VERSION, SECRET_MICRO_VERSION);
	return v;
}

int
keyring_reachable(char **cause)
{
	char	*secret = NULL;
	int	 rc;

	/* An item no one stores: found or not, the keyring answered. */
	rc = keyring_lookup("chartty:diagnose", "nobody", "probe", &secret,
	    cause);
	secret_free(secret);
	return rc == KEYRING_UNAVAILABLE ? -1 : 0;
}

int
keyring_key(const char *server, const char *account, const char *kind,
    int create, unsigned char key[KEYRING_KEY_LEN], char **cause)
{
	char		*hex = NULL, stored[2 * KEYRING_KEY_LEN + 1];
	unsigned int	 b;
	size_t		 i;
	int		 rc;

	rc = keyring_lookup(server, account, kind, &hex, cause);
	if (rc == KEYRING_NOT_FOUND && create) {
		crypto_random(key, KEYRING_KEY_LEN);
		for (i = 0; i < KEYRING_KEY_LEN; i++)
			snprintf(stored + 2 * i, 3, "%02x", key[i]);
		rc = keyring_store(server, account, kind, stored, cause);
		secure_wipe(stored, sizeof stored);
		if (rc != KEYRING_OK)
			secure_wipe(key, KEYRING_KEY_LEN);
		return rc == KEYRING_OK ? 0 : -1;
	}
	if (rc != KEYRING_OK)
		return rc == KEYRING_NOT_FOUND ? 1 : -1;
	rc = strlen(hex) == 2 * KEYRING_KEY_LEN ? 0 : -1;
	for (i = 0; rc == 0 && i < KEYRING_KEY_LEN; i++) {
		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			rc = -1;
		key[i] = (unsigned char)b;
	}
	secret_free(hex);
	if (rc != 0) {
		secure_wipe(key, KEYRING_KEY_LEN);
		*cause = xstrdup("A key in the system keyring is damaged.");
	}
	return rc;
}
