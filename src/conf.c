/*
 * The configuration file: named portal accounts and options, from
 * $XDG_CONFIG_HOME/chartty/config or --config FILE (chartty.conf(5)).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "util.h"

#define CONF_MAX_LINE		4096
#define CONF_MAX_ACCOUNTS	64

/* The parser's marker for "in [kiosk]" (never an account of its own). */
static struct conf_account	conf_kiosk_section;

char *
conf_default_path(void)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");

	if (xdg != NULL && *xdg == '/')
		return xasprintf("%s/chartty/config", xdg);
	if (home != NULL && *home != '\0')
		return xasprintf("%s/.config/chartty/config", home);
	return NULL;
}

static char *
conf_trim(char *s)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int
conf_bool(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/*
 * ca-file: an absolute path, or one under the home directory ("~/"), so
 * that it does not depend on where chartty is started.
 */
static const char *
conf_ca_file(const char *value, char **slot)
{
	const char	*home = getenv("HOME");
	char		*path;

	if (value[0] == '/')
		path = xstrdup(value);
	else if (strncmp(value, "~/", 2) == 0 && home != NULL && *home != '\0')
		path = xasprintf("%s/%s", home, value + 2);
	else
		return "ca-file: expected an absolute path (/... or ~/...)";
	free(*slot);
	*slot = path;
	return NULL;
}

/*
 * The idle sign-out: minutes ("15"), or seconds with an s ("30s"); 0
 * turns it off; otherwise at least CONF_IDLE_MIN seconds.
 */
static const char *
conf_idle(const char *value, int *seconds)
{
	char		 num[16];
	size_t		 n = strlen(value);
	long long	 v;
	int		 unit = 60;

	if (n > 0 && value[n - 1] == 's') {
		unit = 1;
		n--;
	}
	if (n == 0 || n >= sizeof num)
		return "idle: expected minutes (15), seconds (30s) or 0";
	memcpy(num, value, n);
	num[n] = '\0';
	if (parse_number(num, 0, 24 * 3600, &v) != 0 ||
	    (v != 0 && v * unit < CONF_IDLE_MIN) || v * unit > 24 * 3600)
		return "idle: expected 0 (off), or from 30s to 24 hours";
	*seconds = (int)(v * unit);
	return NULL;
}

/* A number of seconds from 1 to max into *out; a complaint or NULL. */
static const char *
conf_seconds(const char *value, long long max, const char *complaint,
    int *out)
{
	long long	v;

	if (parse_number(value, 1, max, &v) != 0)
		return complaint;
	*out = (int)v;
	return NULL;
}

/* Apply one "key = value" line of [kiosk]; returns a complaint or NULL. */
static const char *
conf_set_kiosk(struct conf_kiosk *k, const char *key, const char *value)
{
	char		**slot = NULL;
	long long	  n;

	if (strcmp(key, "idle") == 0) {
		if (parse_number(value, CONF_KIOSK_IDLE_MIN, 3600, &n) != 0)
			return "idle: expected seconds, from 30 to 3600";
		k->idle = (int)n;
		return NULL;
	}
	if (strcmp(key, "server") == 0)
		slot = &k->server;
	else if (strcmp(key, "client-id") == 0)
		slot = &k->client_id;
	else if (strcmp(key, "location") == 0)
		slot = &k->location;
	else if (strcmp(key, "help") == 0)
		slot = &k->help;
	else if (strcmp(key, "name") == 0)
		slot = &k->name;
	else if (strcmp(key, "ca-file") == 0)
		return conf_ca_file(value, &k->ca_file);
	else
		return "unknown kiosk setting";
	free(*slot);
	*slot = xstrdup(value);
	return NULL;
}

/* Apply one "key = value" line; returns a complaint or NULL. */
static const char *
conf_set(struct conf *c, struct conf_account *acct, const char *key,
    const char *value)
{
	char	**slot = NULL;
	int	 *flag = NULL;

	if (acct == &conf_kiosk_section)
		return conf_set_kiosk(&c->kiosk, key, value);
	if (acct != NULL) {
		if (strcmp(key, "server") == 0)
			slot = &acct->server;
		else if (strcmp(key, "email") == 0)
			slot = &acct->email;
		else if (strcmp(key, "label") == 0)
			slot = &acct->label;
		else if (strcmp(key, "note") == 0)
			slot = &acct->note;
		else if (strcmp(key, "client-id") == 0)
			slot = &acct->client_id;
		else if (strcmp(key, "redirect-uri") == 0)
			slot = &acct->redirect_uri;
		else if (strcmp(key, "link") == 0)
			flag = &acct->link;
		else if (strcmp(key, "ca-file") == 0)
			return conf_ca_file(value, &acct->ca_file);
		else
			return "unknown account setting";
	} else {
		if (strcmp(key, "default-account") == 0)
			slot = &c->default_account;
		else if (strcmp(key, "helpdesk") == 0)
			slot = &c->helpdesk;
		else if (strcmp(key, "no-keyring") == 0)
			flag = &c->no_keyring;
		else if (strcmp(key, "no-color") == 0)
			flag = &c->no_color;
		else if (strcmp(key, "no-browser") == 0)
			flag = &c->no_browser;
		else if (strcmp(key, "ascii") == 0)
			flag = &c->ascii;
		else if (strcmp(key, "cache") == 0)
			flag = &c->cache;
		else if (strcmp(key, "idle") == 0)
			return conf_idle(value, &c->idle);
		else if (strcmp(key, "timeout") == 0)
			return conf_seconds(value, CONF_TIMEOUT_MAX,
			    "timeout: expected seconds, from 1 to 3600",
			    &c->timeout);
		else if (strcmp(key, "download-timeout") == 0)
			return conf_seconds(value, CONF_DOWNLOAD_TIMEOUT_MAX,
			    "download-timeout: expected seconds, from 1 to "
			    "86400", &c->download_timeout);
		else
			return "unknown setting";
	}
	if (flag != NULL)
		return conf_bool(value, flag) == 0 ? NULL :
		    "expected yes or no";
	free(*slot);
	*slot = xstrdup(value);
	return NULL;
}

/* c empty, with the defaults. */
static void
conf_init(struct conf *c)
{
	memset(c, 0, sizeof *c);
	c->cache = 1;
	c->idle = CONF_IDLE;
	c->timeout = CONF_TIMEOUT;
	c->download_timeout = CONF_DOWNLOAD_TIMEOUT;
	c->kiosk.idle = CONF_KIOSK_IDLE;
}

/* The lines of f into c (c->path names it): 0, or -1 with *cause and c
 * freed. */
static int
conf_lines(FILE *f, struct conf *c, char **cause)
{
	struct conf_account	*acct = NULL;
	char			 line[CONF_MAX_LINE], *p, *eq, *end;
	const char		*why;
	int			 lineno = 0;

	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			why = "line too long";
			goto bad;
		}
		p = conf_trim(line);
		if (*p == '\0' || *p == '#')
			continue;
		if (strcmp(p, "[kiosk]") == 0) {
			acct = &conf_kiosk_section;
			continue;
		}
		if (*p == '[') {
			end = strchr(p, ']');
			if (end == NULL || end[1] != '\0' ||
			    strncmp(p, "[account ", 9) != 0) {
				why = "expected [account NAME] or [kiosk]";
				goto bad;
			}
			*end = '\0';
			p = conf_trim(p + 9);
			if (*p == '\0' || c->naccounts == CONF_MAX_ACCOUNTS) {
				why = "bad or too many accounts";
				goto bad;
			}
			c->accounts = xrealloc(c->accounts,
			    (c->naccounts + 1) * sizeof *c->accounts);
			acct = &c->accounts[c->naccounts++];
			memset(acct, 0, sizeof *acct);
			acct->name = xstrdup(p);
			continue;
		}
		if ((eq = strchr(p, '=')) == NULL) {
			why = "expected key = value";
			goto bad;
		}
		*eq = '\0';
		if ((why = conf_set(c, acct, conf_trim(p),
		    conf_trim(eq + 1))) != NULL)
			goto bad;
	}
	return 0;
bad:
	*cause = xasprintf("%s, line %d: %s.", c->path, lineno, why);
	conf_free(c);
	return -1;
}

int
conf_read(FILE *f, const char *name, struct conf *c, char **cause)
{
	conf_init(c);
	c->path = xstrdup(name);
	return conf_lines(f, c, cause);
}

int
conf_load(const char *path, struct conf *c, char **cause)
{
	FILE	*f;
	int	 rc, explicit = path != NULL;

	conf_init(c);
	c->path = explicit ? xstrdup(path) : conf_default_path();
	if (c->path == NULL)
		return 0;
	if ((f = fopen(c->path, "r")) == NULL) {
		if (errno == ENOENT && !explicit) {
			free(c->path);
			c->path = NULL;
			return 0;
		}
		*cause = xasprintf("Cannot read %s: %s.", c->path,
		    strerror(errno));
		conf_free(c);
		return -1;
	}
	rc = conf_lines(f, c, cause);
	fclose(f);
	return rc;
}

void
conf_free(struct conf *c)
{
	size_t	i;

	for (i = 0; i < c->naccounts; i++) {
		free(c->accounts[i].name);
		free(c->accounts[i].server);
		free(c->accounts[i].email);
		free(c->accounts[i].label);
		free(c->accounts[i].note);
		free(c->accounts[i].client_id);
		free(c->accounts[i].redirect_uri);
		free(c->accounts[i].ca_file);
	}
	free(c->accounts);
	free(c->path);
	free(c->default_account);
	free(c->helpdesk);
	free(c->kiosk.server);
	free(c->kiosk.client_id);
	free(c->kiosk.location);
	free(c->kiosk.help);
	free(c->kiosk.name);
	free(c->kiosk.ca_file);
	memset(c, 0, sizeof *c);
}

const struct conf_account *
conf_account(const struct conf *c, const char *name)
{
	size_t	i;

	if (name == NULL)
		name = c->default_account;
	if (name == NULL)
		return c->naccounts > 0 ? &c->accounts[0] : NULL;
	for (i = 0; i < c->naccounts; i++) {
		if (strcmp(c->accounts[i].name, name) == 0)
			return &c->accounts[i];
	}
	return NULL;
}
