/*
 * The configuration file: named portal accounts and options, from
 * $XDG_CONFIG_HOME/chartty/config or --config FILE (chartty.conf(5)).
 */
#ifndef CHARTTY_CONF_H
#define CHARTTY_CONF_H

#include <stddef.h>
#include <stdio.h>

struct conf_account {
	char	*name;
	char	*server;	/* the portal's address */
	char	*email;		/* the sign-in email */
	char	*label;		/* how to show it, e.g. "Main Street Clinic" */
	char	*note;		/* shown on the sign-in screen (help desk) */
	char	*client_id;	/* as registered at a SMART server */
	char	*redirect_uri;	/* as registered there, or NULL: loopback */
	char	*ca_file;	/* a private CA's certificates, or NULL */
	int	 link;		/* shown together with the others linked */
};

/* Signed out after this long without a key (seconds; 0: never). */
#define CONF_IDLE		(15 * 60)
#define CONF_IDLE_MIN		30

/* How long a request, and a download shown with progress, may take
 * (seconds): timeout, download-timeout. */
#define CONF_TIMEOUT		60
#define CONF_TIMEOUT_MAX	3600
#define CONF_DOWNLOAD_TIMEOUT	600
#define CONF_DOWNLOAD_TIMEOUT_MAX (24 * 3600)

/* [kiosk]: a clinic's check-in terminal (chartty kiosk). */
#define CONF_KIOSK_IDLE		120	/* seconds without a key */
#define CONF_KIOSK_IDLE_MIN	30
struct conf_kiosk {
	char	*server;
	char	*client_id;
	char	*location;	/* "Location/<id>"; NULL: the device's own */
	char	*help;		/* the front desk's words, on every screen */
	char	*name;		/* the clinic's name, on the welcome */
	char	*ca_file;	/* a private CA's certificates, or NULL */
	int	 idle;		/* seconds, CONF_KIOSK_IDLE_MIN or more */
};

struct conf {
	char			*path;		/* the file read, or NULL */
	char			*default_account;
	char			*helpdesk;	/* its number, said on a lockout */
	int			 no_keyring;
	int			 no_browser;
	int			 no_color;
	int			 ascii;
	int			 cache;		/* keep what was read (default) */
	int			 idle;		/* seconds; 0: no idle sign-out */
	int			 timeout;	/* seconds for a request */
	int			 download_timeout; /* for a download */
	struct conf_account	*accounts;
	size_t			 naccounts;
	struct conf_kiosk	 kiosk;
};

/*
 * Read path, or the default file when path is NULL. A missing default
 * file is an empty configuration; a missing named file, an unreadable
 * file or a bad line is -1 with *cause naming the file and line.
 */
int	 conf_load(const char *path, struct conf *, char **cause);
/*
 * Read the open file f as conf_load does, name saying which file in a
 * bad line's *cause: 0, or -1 (the conf then freed).
 */
int	 conf_read(FILE *f, const char *name, struct conf *, char **cause);
void	 conf_free(struct conf *);
/* The account called name, or the default one when name is NULL. */
const struct conf_account *conf_account(const struct conf *,
	     const char *name);
/* The default file's path: $XDG_CONFIG_HOME/chartty/config. Caller frees. */
char	*conf_default_path(void);

#endif
