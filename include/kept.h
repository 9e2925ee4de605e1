/*
 * What was read from a portal, kept between starts and only ever
 * encrypted: AES-256-GCM under a key that lives in the OS keyring beside
 * the sign-in, in files under $XDG_CACHE_HOME/chartty/kept/ named by
 * HMACs under that key (as drafts are), so a name says nothing. A later
 * start asks with If-None-Match and a 304 answers; a portal that cannot
 * be reached still shows what was last read, "as of" then. Without a
 * keyring nothing is kept.
 */
#ifndef CHARTTY_KEPT_H
#define CHARTTY_KEPT_H

#include <time.h>

struct json;
struct kept;

/* The keyring item that holds the key. */
#define KEPT_KEY_KIND	"records-key"
/* Answers unused for this long are forgotten at the next start. */
#define KEPT_DAYS	30

/*
 * The kept records of account at server, the key made when missing and
 * create is set: NULL with *cause when there is no keyring or no place
 * to keep them, or (!create) none were ever kept.
 */
struct kept	*kept_open(const char *server, const char *account,
		     int create, char **cause);
void		 kept_free(struct kept *);
/*
 * The answer kept for url: 0 with *body (json_free_secret it), *etag
 * (free it; NULL when the server gave none) and *at (when the portal
 * last gave or confirmed it); 1 when none is kept or it cannot be read.
 * body, etag or at may be NULL when not wanted.
 */
int		 kept_get(struct kept *, const char *url, struct json **body,
		     char **etag, time_t *at);
/* Keep body (with etag, or NULL) as url's answer, as of now (again,
 * when the portal confirmed it with a 304). */
void		 kept_put(struct kept *, const char *url,
		     const struct json *body, const char *etag);
/* The portal refused url (403, 404, 410): its kept answer is gone. */
void		 kept_remove_url(struct kept *, const char *url);
/*
 * Forget everything kept for account at server: the files (only
 * ciphertext was ever in them) and then the key.
 */
void		 kept_remove(const char *server, const char *account);

#endif
