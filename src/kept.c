/* What was read from a portal, kept encrypted under a keyring key. */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "json.h"
#include "kept.h"
#include "keyring.h"
#include "util.h"

#define KEPT_MAX	(8 * 1024 * 1024)	/* bytes of one kept answer */
#define KEPT_SUFFIX	".kept"

struct kept {
	unsigned char	 key[CRYPTO_KEY_LEN];
	char		*dir;	/* .../chartty/kept/<hmac>, made 0700 */
};

/* HMAC-SHA-256 of s under the key, as 64 hex digits. */
static void
kept_name(const struct kept *k, const char *s, char hex[65])
{
	crypto_hmac_sha256_hex(k->key, sizeof k->key, s, strlen(s), hex);
}

/*
 * The directory of the key's records: named by the key alone, so that
 * nothing on disk says whose or from where they are.
 */
static char *
kept_dir(const struct kept *k)
{
	char	*base, *dir, hex[65];

	if ((base = cache_dir()) == NULL)
		return NULL;
	kept_name(k, "chartty kept records", hex);
	dir = xasprintf("%s/kept/%.32s", base, hex);
	free(base);
	return dir;
}

/* Every file of dir ending in KEPT_SUFFIX older than days (0: all), gone. */
static void
kept_sweep(const char *dir, int days)
{
	struct dirent	*d;
	struct stat	 st;
	DIR		*dp;
	time_t		 now = time(NULL);
	size_t		 n;
	int		 fd;

	if ((dp = opendir(dir)) == NULL)
		return;
	fd = dirfd(dp);
	while ((d = readdir(dp)) != NULL) {
		n = strlen(d->d_name);
		if (n <= strlen(KEPT_SUFFIX) || strcmp(d->d_name + n -
		    strlen(KEPT_SUFFIX), KEPT_SUFFIX) != 0)
			continue;
		if (days > 0 && (fstatat(fd, d->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0 ||
		    now - st.st_mtime < (time_t)days * 24 * 3600))
			continue;
		(void)unlinkat(fd, d->d_name, 0);
	}
	closedir(dp);
}

struct kept *
kept_open(const char *server, const char *account, int create, char **cause)
{
	struct kept	*k = xcalloc(1, sizeof *k);
	int		 rc;

	rc = keyring_key(server, account, KEPT_KEY_KIND, create, k->key,
	    cause);
	if (rc == 0 && (k->dir = kept_dir(k)) == NULL) {
		*cause = xstrdup("There is no place to keep records.");
		rc = -1;
	}
	if (rc != 0) {
		kept_free(k);
		return NULL;
	}
	kept_sweep(k->dir, KEPT_DAYS);
	return k;
}

void
kept_free(struct kept *k)
{
	if (k == NULL)
		return;
	secure_wipe(k->key, sizeof k->key);
	free(k->dir);
	free(k);
}

/* The file's name of url: "<hmac>.kept". It is also the label the
 * text is sealed with, binding the text to its name, so that files
 * cannot be swapped. */
static char *
kept_file(const struct kept *k, const char *url)
{
	char	hex[65];

	kept_name(k, url, hex);
	return xasprintf("%s" KEPT_SUFFIX, hex);
}

/* The file name gone from the records (none is fine). */
static void
kept_forget(const struct kept *k, const char *name)
{
	char	*path = xasprintf("%s/%s", k->dir, name);

	(void)unlink(path);
	free(path);
}

int
kept_get(struct kept *k, const char *url, struct json **body, char **etag,
    time_t *at)
{
	struct json	*e = NULL;
	struct stat	 st;
	unsigned char	*buf;
	const char	*s;
	char		*name, *plain = NULL, *why = NULL;
	size_t		 n = 0, len, r;
	FILE		*fp;
	int		 rc = 1;

	if (body != NULL)
		*body = NULL;
	if (etag != NULL)
		*etag = NULL;
	name = kept_file(k, url);
	if ((fp = fopen_private(k->dir, name)) == NULL) {
		free(name);
		return 1;
	}
	if (fstat(fileno(fp), &st) != 0 || st.st_size <= 0 ||
	    st.st_size > KEPT_MAX) {
		fclose(fp);
		free(name);
		return 1;
	}
	buf = xmalloc((size_t)st.st_size);
	while (n < (size_t)st.st_size && (r = fread(buf + n, 1,
	    (size_t)st.st_size - n, fp)) > 0)
		n += r;
	fclose(fp);
	if (crypto_open(k->key, buf, n, name, &plain, &len) == 0)
		e = json_parse(plain, len, &why);
	free(why);
	/* The url it answered, in case two names ever met. */
	if (e != NULL && (s = json_gets(e, "url")) != NULL &&
	    strcmp(s, url) == 0 && json_get(e, "body") != NULL) {
		if (body != NULL)
			*body = json_dup(json_get(e, "body"));
		if (etag != NULL && (s = json_gets(e, "etag")) != NULL)
			*etag = xstrdup(s);
		if (at != NULL)
			*at = st.st_mtime;
		rc = 0;
	}
	json_free_secret(e);
	if (plain != NULL) {
		secure_wipe(plain, len);
		free(plain);
	}
	secure_wipe(buf, n);
	free(buf);
	free(name);
	return rc;
}

void
kept_put(struct kept *k, const char *url, const struct json *body,
    const char *etag)
{
	struct json	*e = json_new_object();
	unsigned char	*sealed = NULL;
	char		*name, *text;
	size_t		 n;

	json_add_str(e, "url", url);
	if (etag != NULL)
		json_add_str(e, "etag", etag);
	json_add_child(e, "body", json_dup(body));
	text = json_print(e);
	json_free_secret(e);
	name = kept_file(k, url);
	/* Too big to be worth keeping, or not sealed: not kept, and an
	 * older copy must not answer for it. */
	if (strlen(text) >= KEPT_MAX - CRYPTO_SEAL_EXTRA ||
	    crypto_seal(k->key, text, strlen(text), name, &sealed, &n) != 0 ||
	    file_replace_private(k->dir, name, (const char *)sealed, n) != 0)
		kept_forget(k, name);
	secret_free(text);
	free(sealed);
	free(name);
}

void
kept_remove_url(struct kept *k, const char *url)
{
	char	*name = kept_file(k, url);

	kept_forget(k, name);
	free(name);
}

void
kept_confirm(struct kept *k, const char *url)
{
	char	*name = kept_file(k, url), *path;

	path = xasprintf("%s/%s", k->dir, name);
	(void)utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW);
	free(path);
	free(name);
}

void
kept_remove(const char *server, const char *account)
{
	struct kept	*k;
	char		*cause = NULL;

	if ((k = kept_open(server, account, 0, &cause)) != NULL) {
		kept_sweep(k->dir, 0);
		(void)rmdir(k->dir);
		kept_free(k);
	}
	free(cause);
	(void)keyring_delete(server, account, KEPT_KEY_KIND, &cause);
	free(cause);
}
