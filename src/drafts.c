/* Unsent messages kept across restarts, encrypted under a keyring key. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "drafts.h"
#include "json.h"
#include "keyring.h"
#include "util.h"

#define DRAFT_KEY_KIND	"draft-key"
#define DRAFT_MAX	(1024 * 1024)	/* bytes of a draft file */

/*
 * $XDG_DATA_HOME/chartty/drafts, made (0700) when make is set; NULL
 * without a home or when it cannot be made.
 */
static char *
draft_dir(int make)
{
	const char	*xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	char		*dir;

	if (xdg != NULL && *xdg == '/')
		dir = xasprintf("%s/chartty/drafts", xdg);
	else if (home != NULL && *home == '/')
		dir = xasprintf("%s/.local/share/chartty/drafts", home);
	else
		return NULL;
	if (make && mkdirs_private(dir) != 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

/*
 * The file of a draft: named by an HMAC under the drafts' key, so the
 * name says nothing and cannot be guessed from a conversation's id. With
 * no key, the name earlier versions gave it (a plain hash), to find and
 * move drafts kept before.
 */
static char *
draft_path(const char *server, const char *account, const char *name,
    const unsigned char *key, int make)
{
	char	*dir, *id, hex[65], *path;

	if ((dir = draft_dir(make)) == NULL)
		return NULL;
	id = xasprintf("%s\n%s\n%s", server, account, name);
	if (key != NULL)
		crypto_hmac_sha256_hex(key, CRYPTO_KEY_LEN, id, strlen(id), hex);
	else
		crypto_sha256_hex(id, strlen(id), hex);
	secret_free(id);
	path = xasprintf("%s/%s.draft", dir, hex);
	free(dir);
	return path;
}

int
draft_save(const char *server, const char *account, const char *name,
    const struct json *fields, char **cause)
{
	unsigned char	 key[CRYPTO_KEY_LEN], *sealed = NULL;
	char		*text, *path;
	size_t		 n;
	int		 rc = -1;

	if (keyring_key(server, account, DRAFT_KEY_KIND, 1, key, cause) != 0)
		return -1;
	if ((path = draft_path(server, account, name, key, 1)) == NULL) {
		secure_wipe(key, sizeof key);
		*cause = xstrdup("There is no place to keep drafts.");
		return -1;
	}
	text = json_print(fields);
	if (crypto_seal(key, text, strlen(text), name, &sealed, &n) != 0) {
		*cause = xstrdup("The draft could not be encrypted.");
		goto out;
	}
	if (file_replace(path, sealed, n) != 0) {
		*cause = xasprintf("The draft cannot be kept: %s.",
		    strerror(errno));
		goto out;
	}
	rc = 0;
out:
	secure_wipe(key, sizeof key);
	secret_free(text);
	free(sealed);
	free(path);
	return rc;
}

int
draft_load(const char *server, const char *account, const char *name,
    struct json **fields, char **cause)
{
	unsigned char	 key[CRYPTO_KEY_LEN], *buf;
	char		*path, *old, *plain = NULL;
	size_t		 n = 0, len;
	ssize_t		 r;
	int		 fd, rc;

	*fields = NULL;
	if ((rc = keyring_key(server, account, DRAFT_KEY_KIND, 0, key, cause)) != 0)
		return rc == 1 ? 1 : -1;	/* no key: no drafts */
	if ((path = draft_path(server, account, name, key, 0)) == NULL) {
		secure_wipe(key, sizeof key);
		return 1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		/* Kept by an earlier version: move it to its new name. */
		old = draft_path(server, account, name, NULL, 0);
		if (old != NULL && rename(old, path) == 0)
			fd = open(path, O_RDONLY | O_CLOEXEC);
		free(old);
	}
	free(path);
	if (fd == -1) {
		secure_wipe(key, sizeof key);
		return 1;
	}
	buf = xmalloc(DRAFT_MAX);
	while (n < DRAFT_MAX && (r = read(fd, buf + n, DRAFT_MAX - n)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			break;
		n += (size_t)r;
	}
	close(fd);
	rc = -1;
	if (crypto_open(key, buf, n, name, &plain, &len) != 0)
		*cause = xstrdup("A kept draft could not be opened.");
	else if ((*fields = json_parse(plain, len, cause)) != NULL)
		rc = 0;
	else {
		free(*cause);
		*cause = xstrdup("A kept draft is damaged and could not be "
		    "read.");
	}
	secure_wipe(key, sizeof key);
	if (plain != NULL) {
		secure_wipe(plain, len);
		free(plain);
	}
	free(buf);
	return rc;
}

void
draft_remove(const char *server, const char *account, const char *name)
{
	unsigned char	 key[CRYPTO_KEY_LEN];
	char		*path, *cause = NULL;

	/* Only ciphertext was ever in it; an earlier version's name too. */
	if (keyring_key(server, account, DRAFT_KEY_KIND, 0, key, &cause) == 0 &&
	    (path = draft_path(server, account, name, key, 0)) != NULL) {
		unlink(path);
		free(path);
	}
	secure_wipe(key, sizeof key);
	free(cause);
	if ((path = draft_path(server, account, name, NULL, 0)) != NULL) {
		unlink(path);
		free(path);
	}
}

int
draft_message_save(const char *server, const char *account, const char *name,
    const struct draft_message *d, char **cause)
{
	struct json	*f;
	int		 rc;

	f = json_new_object();
	json_add_str(f, "to", d->to ? d->to : "");
	json_add_num(f, "category", d->category);
	json_add_str(f, "subject", d->subject ? d->subject : "");
	json_add_str(f, "body", d->body ? d->body : "");
	/* A send whose answer was lost keeps its ids: a retry finds it. */
	if (d->request_id != NULL && d->request_id2 != NULL &&
	    d->sent != NULL) {
		json_add_str(f, "request_id", d->request_id);
		json_add_str(f, "request_id2", d->request_id2);
		json_add_str(f, "sent", d->sent);
	}
	rc = draft_save(server, account, name, f, cause);
	json_free_secret(f);
	return rc;
}

/* A string member of f, copied, or NULL. */
static char *
draft_str(const struct json *f, const char *key)
{
	const char	*s = json_gets(f, key);

	return s ? xstrdup(s) : NULL;
}

int
draft_message_load(const char *server, const char *account, const char *name,
    struct draft_message *d, char **cause)
{
	struct json	*f;
	long long	 n;
	int		 rc;

	memset(d, 0, sizeof *d);
	d->category = -1;
	if ((rc = draft_load(server, account, name, &f, cause)) != 0)
		return rc;
	d->to = draft_str(f, "to");
	if (json_int(json_get(f, "category"), 0, 999, &n) == 0)
		d->category = (int)n;
	d->subject = draft_str(f, "subject");
	d->body = draft_str(f, "body");
	if (json_gets(f, "request_id") != NULL &&
	    json_gets(f, "request_id2") != NULL && json_gets(f, "sent")) {
		d->request_id = draft_str(f, "request_id");
		d->request_id2 = draft_str(f, "request_id2");
		d->sent = draft_str(f, "sent");
	}
	json_free_secret(f);
	return 0;
}

void
draft_message_free(struct draft_message *d)
{
	secret_free(d->to);
	secret_free(d->subject);
	secret_free(d->body);
	secret_free(d->request_id);
	secret_free(d->request_id2);
	secret_free(d->sent);
	memset(d, 0, sizeof *d);
}
