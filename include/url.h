/* URLs: which servers may be spoken to, escaping, joining, queries. */
#ifndef CHARTTY_URL_H
#define CHARTTY_URL_H

#include "util.h"

/*
 * 0 when url may be used: https:// to any host, or http:// only to a
 * loopback host (127.0.0.0/8, [::1], localhost). Otherwise -1 with a
 * plain-words *cause (caller frees).
 */
int	 url_allowed(const char *url, char **cause);
/*
 * The host part of url (no port, no brackets), new string, or NULL when
 * url is not of the form scheme://host[:port][/...] (user info refused).
 */
char	*url_host(const char *url);
/* Non-zero when host names a loopback address. */
int	 url_host_is_loopback(const char *host);
/* Percent-encode everything but RFC 3986 unreserved characters. */
char	*url_escape(const char *);
/* Undo url_escape (and '+' as space when form is set); NULL if malformed. */
char	*url_unescape(const char *, int form);
/* base with any trailing '/' removed, then '/', then path (no leading '/'). */
char	*url_join(const char *base, const char *path);
/* The server root of url (scheme://host[:port]) as a new string, or NULL. */
char	*url_root(const char *url);

/*
 * Append key=value (both escaped) to b, with '&' between pairs. Used for
 * FHIR search queries and application/x-www-form-urlencoded bodies.
 */
void	 url_query_add(struct buf *b, const char *key, const char *value);

/* The value of url's query parameter key, unescaped (new), or NULL;
 * url_form_param reads '+' as a space, as OAuth redirects write it. */
char	*url_param(const char *url, const char *key);
char	*url_form_param(const char *url, const char *key);

#endif
