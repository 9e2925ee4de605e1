/* URLs: which servers may be spoken to, escaping, joining, queries. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "url.h"

/* Length of "scheme://" at the start of url, or 0. */
static size_t
url_scheme_len(const char *url)
{
	const char	*p;

	for (p = url; isalpha((unsigned char)*p) || *p == '+'; p++)
		;
	if (p == url || strncmp(p, "://", 3) != 0)
		return 0;
	return (size_t)(p - url) + 3;
}

char *
url_host(const char *url)
{
	const char	*start, *end, *p;
	size_t		 n;

	if ((n = url_scheme_len(url)) == 0)
		return NULL;
	start = url + n;
	end = start + strcspn(start, "/?#");
	for (p = start; p < end; p++) {
		if (*p == '@')
			return NULL;	/* user info has no place here */
	}
	if (*start == '[') {
		p = memchr(start, ']', (size_t)(end - start));
		if (p == NULL)
			return NULL;
		if (p + 1 < end && p[1] != ':')
			return NULL;
		return xstrndup(start + 1, (size_t)(p - start - 1));
	}
	p = memchr(start, ':', (size_t)(end - start));
	if (p != NULL)
		end = p;
	if (end == start)
		return NULL;
	return xstrndup(start, (size_t)(end - start));
}

/* A dotted quad of plain decimal numbers 0-255; its first number, or -1. */
static int
url_ipv4_first(const char *s)
{
	int	part, parts = 0, first = -1, digits;

	for (;;) {
		part = 0;
		for (digits = 0; isdigit((unsigned char)*s); digits++, s++) {
			part = part * 10 + (*s - '0');
			if (digits == 3 || part > 255)
				return -1;
		}
		if (digits == 0)
			return -1;
		if (parts++ == 0)
			first = part;
		if (*s == '\0')
			break;
		if (*s++ != '.' || parts == 4)
			return -1;
	}
	return parts == 4 ? first : -1;
}

int
url_host_is_loopback(const char *host)
{
	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0)
		return 1;
	return url_ipv4_first(host) == 127;
}

int
url_allowed(const char *url, char **cause)
{
	char	*host;
	int	 rc = -1;

	if ((host = url_host(url)) == NULL) {
		*cause = xasprintf("\"%s\" is not a web address chartty can "
		    "use.", url);
		return -1;
	}
	if (strncasecmp(url, "https://", 8) == 0)
		rc = 0;
	else if (strncasecmp(url, "http://", 7) == 0) {
		if (url_host_is_loopback(host))
			rc = 0;
		else
			*cause = xasprintf("chartty only connects to %s over "
			    "a secure connection (https://).", host);
	} else
		*cause = xasprintf("\"%s\" is not an https:// address.", url);
	free(host);
	return rc;
}

char *
url_escape(const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct buf		 b;
	unsigned char		 c;
	char			 enc[3];

	buf_init(&b, strlen(s) * 3 + 1);
	buf_add(&b, "", 0);
	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' ||
		    c == '~')
			buf_add(&b, s, 1);
		else {
			enc[0] = '%';
			enc[1] = hex[c >> 4];
			enc[2] = hex[c & 15];
			buf_add(&b, enc, 3);
		}
	}
	return buf_take(&b);
}

static int
url_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *
url_unescape(const char *s, int form)
{
	char	*out, *o;
	int	 hi, lo;

	out = o = xmalloc(strlen(s) + 1);
	for (; *s != '\0'; s++) {
		if (*s == '%') {
			if ((hi = url_hexval(s[1])) < 0 ||
			    (lo = url_hexval(s[2])) < 0 || (hi == 0 && lo == 0)) {
				free(out);
				return NULL;
			}
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else if (form && *s == '+')
			*o++ = ' ';
		else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

char *
url_join(const char *base, const char *path)
{
	size_t	n = strlen(base);

	while (n > 0 && base[n - 1] == '/')
		n--;
	while (*path == '/')
		path++;
	return xasprintf("%.*s/%s", (int)n, base, path);
}

char *
url_root(const char *url)
{
	size_t	n;

	if ((n = url_scheme_len(url)) == 0)
		return NULL;
	n += strcspn(url + n, "/?#");
	return xstrndup(url, n);
}

void
url_query_add(struct buf *b, const char *key, const char *value)
{
	char	*k, *v;

	k = url_escape(key);
	v = url_escape(value);
	if (b->len > 0)
		buf_addstr(b, "&");
	buf_addstr(b, k);
	buf_addstr(b, "=");
	buf_addstr(b, v);
	free(k);
	secret_free(v);	/* form values may be secrets */
}

static char *
url_param_as(const char *url, const char *key, int form)
{
	const char	*p = strchr(url, '?');
	size_t		 klen = strlen(key), n;
	char		*raw, *value;

	while (p != NULL && *p != '\0' && *p != '#') {
		p++;
		n = strcspn(p, "&#");
		if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			raw = xstrndup(p + klen + 1, n - klen - 1);
			value = url_unescape(raw, form);
			free(raw);
			return value;
		}
		p += n;
		if (*p != '&')
			break;
	}
	return NULL;
}

char *
url_param(const char *url, const char *key)
{
	return url_param_as(url, key, 0);
}

char *
url_form_param(const char *url, const char *key)
{
	return url_param_as(url, key, 1);
}
