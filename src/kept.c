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

_Static_assert(KEYRING_KEY_LEN == CRYPTO_KEY_LEN, "one key length");

/* Two keys from the keyring's one: names, and sealing (never the same
 * key for two uses). */
struct kept {
	unsigned char	 names[CRYPTO_KEY_LEN];
	unsigned char	 seal[CRYPTO_KEY_LEN];
	char		*dir;	/* .../chartty/kept/<hmac>, made 0700 */
};

/* HMAC-SHA-256 of s under the names' key, as 64 hex digits. */
static void
kept_name(const struct kept *k, const char *s, char hex[65])
{
	crypto_hmac_sha256_hex(k->names, sizeof k->names, s, strlen(s), hex);
}

/* out = HMAC-SHA-256(key, label): a key for one use. */
static void
kept_derive(const unsigned char *key, const char *label,
    unsigned char out[CRYPTO_KEY_LEN])
{
	char		hex[65];
	unsigned int	b;
	size_t		i;

	crypto_hmac_sha256_hex(key, CRYPTO_KEY_LEN, label, strlen(label),
	    hex);
	for (i = 0; i < CRYPTO_KEY_LEN; i++) {
		(void)sscanf(hex + 2 * i, "%2x", &b);
		out[i] = (unsigned char)b;
	}
	secure_wipe(hex, sizeof hex);
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

/*
 * Every kept file of dir (a name with KEPT_SUFFIX: kept, or one left
 * half-written) unused for days, gone; with days 0, every file of dir.
 */
static void
kept_sweep(const char *dir, int days)
{
	struct dirent	*d;
	struct stat	 st;
	DIR		*dp;
	time_t		 now = time(NULL);
	int		 fd;

	if ((dp = opendir(dir)) == NULL)
		return;
	fd = dirfd(dp);
	while ((d = readdir(dp)) != NULL) {
		if (fstatat(fd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    S_ISDIR(st.st_mode))
			continue;
		if (days > 0 && (strstr(d->d_name, KEPT_SUFFIX) == NULL ||
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
	unsigned char	 key[KEYRING_KEY_LEN];
	int		 rc;

	rc = keyring_key(server, account, KEPT_KEY_KIND, create, key, cause);
	if (rc == 0) {
		kept_derive(key, "chartty kept names", k->names);
		kept_derive(key, "chartty kept seal", k->seal);
	}
	secure_wipe(key, sizeof key);
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
	secure_wipe(k->names, sizeof k->names);
	secure_wipe(k->seal, sizeof k->seal);
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

/*
 * The file's time is chartty's clock's, not the file system's: the sweep
 * compares it with that clock (the two differ under a faked clock, and
 * a file just written must not look a month old).
 */
static void
kept_touch(const struct kept *k, const char *name)
{
	struct timespec	 ts[2];
	char		*path = xasprintf("%s/%s", k->dir, name);

	ts[0].tv_sec = time(NULL);
	ts[0].tv_nsec = 0;
	ts[1] = ts[0];
	(void)utimensat(AT_FDCWD, path, ts, AT_SYMLINK_NOFOLLOW);
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
	long long	 when;
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
	if (crypto_open(k->seal, buf, n, name, &plain, &len) == 0)
		e = json_parse(plain, len, &why);
	free(why);
	/* The url it answered, in case two names ever met; when, sealed
	 * with it (a file's time can be set by anyone who can write it). */
	if (e != NULL && (s = json_gets(e, "url")) != NULL &&
	    strcmp(s, url) == 0 && json_get(e, "body") != NULL &&
	    json_int(json_get(e, "at"), 1, 99999999999LL, &when) == 0) {
		if (body != NULL)
			*body = json_dup(json_get(e, "body"));
		if (etag != NULL && (s = json_gets(e, "etag")) != NULL)
			*etag = xstrdup(s);
		if (at != NULL)
			*at = (time_t)when;
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
	json_add_num(e, "at", (double)time(NULL));
	if (etag != NULL)
		json_add_str(e, "etag", etag);
	json_add_child(e, "body", json_dup(body));
	text = json_print(e);
	json_free_secret(e);
	name = kept_file(k, url);
	/* Too big to be worth keeping, or not sealed: not kept, and an
	 * older copy must not answer for it. */
	if (strlen(text) >= KEPT_MAX - CRYPTO_SEAL_EXTRA ||
	    crypto_seal(k->seal, text, strlen(text), name, &sealed, &n) != 0 ||
	    file_replace_private(k->dir, name, (const char *)sealed, n) != 0)
		kept_forget(k, name);
	else
		kept_touch(k, name);
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
