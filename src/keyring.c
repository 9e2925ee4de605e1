/*
 * The OS keyring (Secret Service, through libsecret): where refresh
 * tokens and kiosk client secrets live. Never a file. Each call is made
 * in a short-lived child process that loads libsecret (dlopen), so
 * chartty itself never maps libsecret, glib, gio and their libraries
 * (about 2.4 MB of resident memory, issue 16).
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* libsecret's soname, loaded only in the child (keyring_call). */
#define KEYRING_LIBSECRET	"libsecret-1.so.0"
/* The most a child answers: a status byte and a secret or a reason. */
#define KEYRING_ANSWER_MAX	8192

/* The child's status byte. */
enum keyring_said {
	KEYRING_SAID_OK,
	KEYRING_SAID_NOT_FOUND,
	KEYRING_SAID_UNAVAILABLE	/* then the reason */
};

enum keyring_op {
	KEYRING_OP_STORE,
	KEYRING_OP_LOOKUP,
	KEYRING_OP_DELETE
};

/* One call of libsecret, made by the child. */
struct keyring_call {
	enum keyring_op	 op;
	const char	*server, *account, *kind;
	const char	*label, *secret;	/* KEYRING_OP_STORE's */
};

/* In the child: write status and text (or nothing) to fd. */
static void
keyring_child_write(int fd, int status, const char *text)
{
	unsigned char	 head = KEYRING_SAID_OK;
	size_t		 len = text != NULL ? strlen(text) : 0, done = 0;
	ssize_t		 n;

	if (status == KEYRING_NOT_FOUND)
		head = KEYRING_SAID_NOT_FOUND;
	else if (status == KEYRING_UNAVAILABLE)
		head = KEYRING_SAID_UNAVAILABLE;
	if (write(fd, &head, 1) != 1)
		return;
	while (done < len) {
		n = write(fd, text + done, len - done);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
}

/*
 * In the child: make call c through libsecret and answer on fd. The
 * signals chartty catches are not the child's: their handlers would write
 * to chartty's own signal pipe. Keys typed (^C, ^\) are for chartty,
 * which waits for the answer.
 */
static void __attribute__((noreturn))
keyring_child(int fd, const struct keyring_call *c)
{
	gboolean	 (*store)(const SecretSchema *, const gchar *,
			     const gchar *, const gchar *, GCancellable *,
			     GError **, ...);
	gchar		*(*lookup)(const SecretSchema *, GCancellable *,
			     GError **, ...);
	gboolean	 (*clear)(const SecretSchema *, GCancellable *,
			     GError **, ...);
	void		 (*password_free)(gchar *);
	void		 (*error_free)(GError *);
	struct sigaction sa;
	GError		*error = NULL;
	gchar		*found = NULL;
	void		*lib;
	int		 sig, status = KEYRING_OK;
#ifndef HAVE_CLOSEFROM
	int		 other;
#endif

	for (sig = 1; sig < NSIG; sig++) {
		if (sigaction(sig, NULL, &sa) == 0 &&
		    sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN)
			signal(sig, SIG_DFL);
	}
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	/* Of chartty's open files, the standard three and the answer's
	 * pipe: not its connections, nor its signal pipe. */
	if (fd != 3 && dup2(fd, 3) == 3)
		fd = 3;
#ifdef HAVE_CLOSEFROM
	closefrom(fd + 1);
#else
	for (other = fd + 1; other < 1024; other++)
		close(other);
#endif

	if ((lib = dlopen(KEYRING_LIBSECRET, RTLD_NOW | RTLD_LOCAL)) == NULL) {
		keyring_child_write(fd, KEYRING_UNAVAILABLE, dlerror());
		_exit(0);
	}
	*(void **)&store = dlsym(lib, "secret_password_store_sync");
	*(void **)&lookup = dlsym(lib, "secret_password_lookup_sync");
	*(void **)&clear = dlsym(lib, "secret_password_clear_sync");
	*(void **)&password_free = dlsym(lib, "secret_password_free");
	*(void **)&error_free = dlsym(lib, "g_error_free");
	if (store == NULL || lookup == NULL || clear == NULL ||
	    password_free == NULL || error_free == NULL) {
		keyring_child_write(fd, KEYRING_UNAVAILABLE, dlerror());
		_exit(0);
	}

	switch (c->op) {
	case KEYRING_OP_STORE:
		if (!store(&keyring_schema, SECRET_COLLECTION_DEFAULT,
		    c->label, c->secret, NULL, &error, "server", c->server,
		    "account", c->account, "kind", c->kind, NULL))
			status = KEYRING_UNAVAILABLE;
		break;
	case KEYRING_OP_LOOKUP:
		found = lookup(&keyring_schema, NULL, &error, "server",
		    c->server, "account", c->account, "kind", c->kind, NULL);
		if (found == NULL)
			status = KEYRING_NOT_FOUND;
		break;
	case KEYRING_OP_DELETE:
		if (!clear(&keyring_schema, NULL, &error, "server", c->server,
		    "account", c->account, "kind", c->kind, NULL))
			status = KEYRING_NOT_FOUND;
		break;
	}
	if (error != NULL) {
		keyring_child_write(fd, KEYRING_UNAVAILABLE,
		    error->message != NULL ? error->message :
		    "no reason given");
		error_free(error);
	} else
		keyring_child_write(fd, status, found);
	if (found != NULL)
		password_free(found);	/* wiped, then freed */
	_exit(0);
}

/*
 * Make call c in a child process and wait for its answer: a KEYRING_*
 * status, with *secret (KEYRING_OK of a lookup; caller secret_free()s
 * it) or *cause (KEYRING_UNAVAILABLE; caller frees it).
 */
static int
keyring_call(const struct keyring_call *c, char **secret, char **cause)
{
	char		 answer[KEYRING_ANSWER_MAX];
	const char	*why = NULL;
	size_t		 len = 0;
	ssize_t		 n;
	pid_t		 pid;
	int		 fds[2], status, rc = KEYRING_UNAVAILABLE;

	if (secret != NULL)
		*secret = NULL;
	if (pipe(fds) != 0) {
		why = strerror(errno);
		goto out;
	}
	if ((pid = fork()) == -1) {
		why = strerror(errno);
		close(fds[0]);
		close(fds[1]);
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		keyring_child(fds[1], c);
	}
	close(fds[1]);
	while (len < sizeof answer) {
		n = read(fds[0], answer + len, sizeof answer - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (len == 0 || len == sizeof answer ||
	    answer[0] > KEYRING_SAID_UNAVAILABLE) {
		why = "it ended without answering";
		goto out;
	}
	answer[len] = '\0';
	switch (answer[0]) {
	case KEYRING_SAID_OK:
		rc = KEYRING_OK;
		if (secret != NULL)
			*secret = xstrdup(answer + 1);
		break;
	case KEYRING_SAID_NOT_FOUND:
		rc = KEYRING_NOT_FOUND;
		break;
	default:
		why = len > 1 ? answer + 1 : "no reason given";
		break;
	}
out:
	if (rc == KEYRING_UNAVAILABLE)
		*cause = xasprintf("The system keyring could not be used "
		    "(%s).", why);
	secure_wipe(answer, len);
	return rc;
}

int
keyring_store(const char *server, const char *account, const char *kind,
    const char *secret, char **cause)
{
	struct keyring_call	 c = { KEYRING_OP_STORE, server, account, kind,
				     NULL, secret };
	char			*label;
	int			 rc;

	c.label = label = keyring_label(server, account, kind);
	rc = keyring_call(&c, NULL, cause);
	free(label);
	return rc == KEYRING_UNAVAILABLE ? rc : KEYRING_OK;
}

int
keyring_lookup(const char *server, const char *account, const char *kind,
    char **secret, char **cause)
{
	struct keyring_call	 c = { KEYRING_OP_LOOKUP, server, account, kind,
				     NULL, NULL };

	return keyring_call(&c, secret, cause);
}

int
keyring_delete(const char *server, const char *account, const char *kind,
    char **cause)
{
	struct keyring_call	 c = { KEYRING_OP_DELETE, server, account, kind,
				     NULL, NULL };

	return keyring_call(&c, NULL, cause);
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
