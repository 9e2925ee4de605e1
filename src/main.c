/* chartty: a patient portal in the terminal. Options, commands, sign-in. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "attach.h"
#include "browser.h"
#include "evloop.h"
#include "screens.h"
#include "auth.h"
#include "conf.h"
#include "crypto.h"
#include "diagnose.h"
#include "export.h"
#include "http.h"
#include "keyring.h"
#include "keys.h"
#include "portal.h"
#include "summary.h"
#include "ui.h"
#include "util.h"


/* The areas a number key reaches, in order; the first is Home. */
static const struct screen *const main_areas[] = {
	&screen_home,
	&screen_summary,
	&screen_results,
	&screen_meds,
	&screen_inbox,
	&screen_visits,
	&screen_billing,
	NULL
};

/* What main hands the loop: app.c names no screen. */
static const struct app_screens main_screens = {
	.signin = &screen_signin,
	.home = &screen_home,
	.help = &screen_help,
	.areas = main_areas,
};

/* A kiosk: one screen, the check-in, and nothing else to reach. */
static const struct screen *const main_kiosk_areas[] = {
	&screen_kiosk,
	NULL
};
static const struct app_screens main_kiosk_screens = {
	.signin = &screen_kiosk,
	.home = &screen_kiosk,
	.help = &screen_kiosk,
	.areas = main_kiosk_areas,
};

static const char main_usage[] =
"usage: chartty [--plain] [--ascii] [--no-keyring] [--no-browser]\n"
"               [--config FILE] [--client-id ID] [--ca-file FILE]\n"
"               [--account NAME | --server URL --user EMAIL] [command]\n"
"       chartty [--plain] [--config FILE] [--server URL]\n"
"               [--client-id ID] [--ca-file FILE] kiosk [setup]\n"
"\n"
"A patient portal in the terminal. Without a command, chartty opens the\n"
"portal: full-screen, or as plain numbered lines for screen readers.\n"
"\n"
"Commands:\n"
"  login        sign in (silently, when the keyring holds a sign-in)\n"
"  whoami       sign in, then show who is signed in and whose records\n"
"               can be opened\n"
"  logout       sign out: end the session on the portal and forget\n"
"               the sign-in kept in the keyring\n"
"  summary --text [--output FILE]\n"
"               print the health summary as plain text (a wallet card),\n"
"               or save it to a new file readable only by you\n"
"  export [--format fhir|text] [--output FILE]\n"
"               save the whole record to a new file readable only by\n"
"               you: a FHIR R4 Bundle (the default) or plain text;\n"
"               without --output, chartty-record-DATE.json (or .txt)\n"
"               in the current directory\n"
"  diagnose     print what the help desk needs (versions, terminal,\n"
"               locale, whether the portal and the keyring answer);\n"
"               nothing about anyone's health, no name, no token\n"
"  kiosk        run a clinic's check-in kiosk until the system stops it\n"
"               (SIGTERM or SIGHUP); settings from [kiosk] in the\n"
"               configuration, or --server and --client-id\n"
"  kiosk setup --client-id ID\n"
"               for staff, once per machine: read the kiosk device's\n"
"               secret from standard input, check it with the portal and\n"
"               keep it in the system keyring\n"
"\n"
"Options:\n"
"  -a, --account NAME  use the account NAME from the configuration file\n"
"  -c, --config FILE   read FILE instead of $XDG_CONFIG_HOME/chartty/config\n"
"  -s, --server URL    the portal's address (https://, or http:// to\n"
"                      this machine only)\n"
"  -u, --user EMAIL    the email address to sign in with\n"
"      --client-id ID  the client ID registered for chartty at a SMART\n"
"                      server (browser sign-in); with kiosk: the kiosk\n"
"                      device's client ID\n"
"      --ca-file FILE  also trust the certificate authorities in FILE\n"
"                      (PEM) for this portal: a clinic's own; instead\n"
"                      of the account's ca-file\n"
"      --no-browser    for a browser sign-in, start no browser: show\n"
"                      the address to open, then ask for the address\n"
"                      the browser ended on\n"
"      --no-keyring    keep the sign-in only until chartty closes\n"
"      --ascii         draw with ASCII only, no box-drawing characters\n"
"  -o, --output FILE   with summary --text or export: the new file to\n"
"                      save to (never over an existing one), not stdout\n"
"      --format FORMAT with export: fhir (the default) or text\n"
"      --text          with summary: plain text\n"
"  -p, --plain         plain lines for screen readers (also when TERM=dumb\n"
"                      or output is not a terminal)\n"
"  -h, --help          show this help\n"
"  -V, --version       show the version\n"
"\n"
"\n"
"NO_COLOR set: no colour. See chartty(1) and chartty.conf(5).\n";

/* --help: the usage, then the keys from the one key table. */
static void
main_help(void)
{
	const struct key_binding	*k;

	fputs(main_usage, stdout);
	printf("\nKeys in the full-screen portal:\n");
	for (k = key_table; k->name != NULL; k++)
		printf("  %-16s %s\n", k->keys, k->help);
}

/* The unfinished file of an export, removed if a signal ends chartty. */
static const char *volatile main_partial;

/*
 * A signal outside the portal's loop (a command such as export, or a
 * question on stdin): the unfinished file goes, the terminal is put back,
 * and chartty exits 128 + the signal's number, as the portal does.
 */
static void
main_signal(int sig)
{
	if (main_partial != NULL)
		unlink(main_partial);
	ui_line_restore();
	_exit(128 + sig);
}

/*
 * Ask a question on stdout and read one line from stdin; secret answers
 * are not echoed. Returns a new string (caller wipes), or NULL at EOF.
 */
static char *
main_ask(const char *prompt, int secret)
{
	return ui_read_line(prompt, secret ? UI_LINE_SECRET : 0);
}

static void
main_say(const char *s)
{
	printf("%s\n", s);
	fflush(stdout);
}

/* Say and free a one-time notice from the portal, if any. */
static void
main_notice(struct portal *p)
{
	char	*n = portal_notice(p);

	if (n != NULL) {
		main_say(n);
		free(n);
	}
}

static int	main_no_browser;	/* --no-browser, or no-browser = yes */

/* The accounts linked with acct (link = yes in both), into opt. */
static void
main_links(const struct conf *conf, const struct conf_account *acct,
    struct app_options *opt, struct app_account *links)
{
	const struct conf_account	*c;
	size_t				 i;

	opt->links = links;
	opt->nlinks = 0;
	if (acct == NULL || !acct->link)
		return;
	for (i = 0; i < conf->naccounts && opt->nlinks < APP_MAX_LINKS; i++) {
		c = &conf->accounts[i];
		if (c == acct || !c->link || c->server == NULL)
			continue;
		links[opt->nlinks].server = c->server;
		links[opt->nlinks].email = c->email ? c->email : acct->email;
		links[opt->nlinks].label = c->label;
		links[opt->nlinks].client_id = c->client_id;
		links[opt->nlinks].redirect_uri = c->redirect_uri;
		links[opt->nlinks].ca_file = c->ca_file;
		opt->nlinks++;
	}
}

/* The browser came back to the loopback: end the wait for a line. */
static void
main_smart_back(void *arg)
{
	if (portal_smart_take(arg) == 1)
		ev_break();
}

/*
 * Sign in with a browser (a SMART server): the address to open, in full;
 * a browser started when there is one; then the browser's return to the
 * loopback, or the address it ended on, pasted. 0 or -1.
 */
static int
main_smart_sign_in(struct portal *p)
{
	char	*cause = NULL, *pasted;
	int	 fd, rc;

	if (portal_smart_begin(p, &cause) != AUTH_OK) {
		main_say(cause);
		free(cause);
		return -1;
	}
	main_say("Open this address in a web browser and sign in:");
	main_say(portal_smart_url(p));
	if (!main_no_browser && browser_available() &&
	    browser_open(portal_smart_url(p), &cause) != 0) {
		main_say(cause);
		free(cause);
		cause = NULL;
	}
	if ((fd = portal_smart_fd(p)) >= 0)
		ev_watch(fd, main_smart_back, p);
	pasted = main_ask("After signing in, paste the address your browser "
	    "ended on (or its code): ", 0);
	if (fd >= 0)
		ev_watch(fd, NULL, NULL);
	/* No line: the browser came back (or input ended). */
	rc = portal_smart_finish(p, pasted, &cause);
	secret_free(pasted);
	portal_smart_end(p);
	main_notice(p);
	if (rc == AUTH_OK)
		return 0;
	main_say(cause);
	free(cause);
	return -1;
}

/*
 * Sign in: silently from the keyring when possible, else with the
 * password (and MFA code) asked on the terminal. 0 or -1.
 */
static int
main_sign_in(struct portal *p, int may_ask)
{
	char	*cause = NULL, *password, *code;
	int	 rc, tries;

	if ((rc = portal_connect(p, &cause)) != AUTH_OK)
		goto fail;
	rc = portal_resume(p, &cause);
	main_notice(p);
	if (rc == AUTH_OK)
		return 0;
	if (rc != AUTH_ERR_EXPIRED)
		goto fail;
	free(cause);
	cause = NULL;
	if (!may_ask) {
		main_say("Not signed in.");
		return 1;
	}
	if (!(portal_server(p)->caps & AUTH_CAP_PASSWORD) &&
	    (portal_server(p)->caps & AUTH_CAP_SMART))
		return main_smart_sign_in(p);
	if (!(portal_server(p)->caps & AUTH_CAP_PASSWORD)) {
		main_say("This portal does not offer password sign-in.");
		return -1;
	}
	if ((password = main_ask("Password: ", 1)) == NULL) {
		main_say("No password given.");
		return -1;
	}
	rc = portal_sign_in(p, password, &cause);
	secret_free(password);
	for (tries = 0; rc == AUTH_NEED_MFA; tries++) {
		if (tries > 0) {
			main_say(cause);
			free(cause);
			cause = NULL;
		}
		code = main_ask("Verification code from your authenticator "
		    "app: ", 0);
		if (code == NULL) {
			main_say("No code given.");
			return -1;
		}
		rc = portal_verify(p, code, &cause);
		secret_free(code);
		if (rc == AUTH_ERR && portal_mfa_pending(p) && tries < 4)
			rc = AUTH_NEED_MFA;
	}
	main_notice(p);
	if (rc == AUTH_OK)
		return 0;
fail:
	main_say(cause ? cause : "Sign-in failed.");
	free(cause);
	return -1;
}

static int
main_whoami(struct portal *p)
{
	struct auth_me	 me;
	char		*cause = NULL;
	size_t		 i;

	if (portal_me(p, &me, &cause) != AUTH_OK) {
		main_say(cause);
		free(cause);
		return -1;
	}
	printf("Signed in as: %s (%s)\n", me.display ? me.display : "",
	    portal_email(p));
	printf("Portal: %s\n", portal_server(p)->root);
	printf("Records you can open: %zu\n", me.npeople);
	for (i = 0; i < me.npeople; i++) {
		const struct auth_person *who = &me.people[i];
		int self = who->relationship &&
		    strcmp(who->relationship, "self") == 0;

		printf("%zu. %s (%s), %s access\n", i + 1,
		    who->display ? who->display : "?",
		    self ? "you" : (who->relationship ?
		    who->relationship : "?"),
		    who->access ? who->access : "full");
		if (who->note != NULL)
			printf("   Note: %s\n", who->note);
	}
	fflush(stdout);
	auth_me_free(&me);
	return 0;
}

/* What a command is given besides the portal. */
struct main_args {
	const char	*output;	/* --output, or NULL */
	const char	*format;	/* --format, or NULL */
	int		 plain;		/* --plain, or TERM=dumb: plain lines
					   even on a terminal */
	int		 no_cache;	/* cache = no in the configuration */
};

/* chartty logout: end the session; never asks for a password. */
static int
main_logout(struct portal *p, const struct main_args *args)
{
	char	*cause = NULL;

	if (portal_sign_out(p, &cause) != AUTH_OK) {
		main_say(cause);
		free(cause);
	} else
		main_say("Signed out. The sign-in kept in the keyring was "
		    "removed.");
	return 0;
}

/* chartty login: signing in was all. */
static int
main_login(struct portal *p, const struct main_args *args)
{
	main_say("Signed in.");
	return 0;
}

/* Should chartty use plain lines rather than the full screen? */
static int
main_plain(int asked)
{
	const char	*term = getenv("TERM");

	return asked || term == NULL || strcmp(term, "dumb") == 0 ||
	    !isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO);
}

/* chartty summary --text: the wallet card, to stdout or a file. */
static int
main_summary(struct portal *p, const struct main_args *args)
{
	const char	*output = args->output;
	struct app	 app;
	FILE		*out = stdout;
	char		*cause = NULL;
	int		 fd, rc = 1;

	memset(&app, 0, sizeof app);
	app.portal = p;
	app.opt.no_cache = args->no_cache;
	if (app_signed_in_own(&app, &cause) != 0)
		goto out;
	/* A health record: a new file of the owner's alone, as exports. */
	if (output != NULL) {
		if ((fd = attach_create(output, &cause)) == -1)
			goto out;
		if ((out = fdopen(fd, "w")) == NULL)
			fatal("out of memory");
		main_partial = output;
	}
	if (summary_write_text(portal_fhir(p), app_patient(&app), app_whose(&app),
	    portal_server(p)->root, out, &cause) == 0)
		rc = 0;
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		cause = xasprintf("Cannot write %s.", output);
		rc = 1;
	}
	if (out != stdout) {
		if (rc != 0)
			unlink(output);	/* never a part of a record */
		main_partial = NULL;
	}
	if (rc == 0 && output != NULL)
		printf("The health summary was written to %s.\n", output);
out:
	if (cause != NULL)
		main_say(cause);
	free(cause);
	auth_me_free(&app.me);
	return rc;
}

static int
main_whoami_cmd(struct portal *p, const struct main_args *args)
{
	return main_whoami(p) == 0 ? 0 : 1;
}

/* How far an export is, on stderr: one line redrawn on a terminal,
 * plain lines now and then otherwise (a screen reader, a log). */
struct main_progress {
	int	 tty;
	int	 said;
	size_t	 width;
	double	 at;
	long	 done, total;	/* as last said */
};

static void
main_export_progress(void *arg, long done, long total)
{
	struct main_progress	*mp = arg;
	struct timespec		 ts;
	char			 words[96];
	double			 now;
	size_t			 n;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	if (mp->said && done == mp->done && total == mp->total)
		return;
	/* A terminal's line ends complete; otherwise a line now and then. */
	if (mp->said && now - mp->at < (mp->tty ? 0.25 : 5.0) &&
	    !(mp->tty && done == total))
		return;
	mp->said = 1;
	mp->at = now;
	mp->done = done;
	mp->total = total;
	export_progress_words(done, total, words, sizeof words);
	n = strlen(words);
	if (mp->tty) {
		fprintf(stderr, "\r%s%*s", words, mp->width > n ?
		    (int)(mp->width - n) : 0, "");
		mp->width = n;
	} else
		fprintf(stderr, "%s\n", words);
	fflush(stderr);
}

/* chartty export: the whole record to a new file only its owner reads. */
static int
main_export(struct portal *p, const struct main_args *args)
{
	struct app		 app;
	struct export_request	 q;
	struct export_result	 res;
	struct main_progress	 mp;
	char			*cause = NULL, *path = NULL, *cwd;
	int			 format, rc = 1;

	format = args->format != NULL ? export_format_parse(args->format) :
	    EXPORT_FHIR;
	memset(&app, 0, sizeof app);
	app.portal = p;
	app.opt.no_cache = args->no_cache;
	if (app_signed_in(&app, &cause) != 0)
		goto out;
	if (args->output != NULL)
		path = xstrdup(args->output);
	else {
		cwd = getcwd(NULL, 0);
		path = export_default_path(cwd != NULL ? cwd : ".", format,
		    time(NULL));
		free(cwd);
	}
	memset(&q, 0, sizeof q);
	memset(&mp, 0, sizeof mp);
	mp.tty = !args->plain && isatty(STDERR_FILENO);
	q.format = format;
	q.patient = app_patient(&app);
	q.whose = app_whose(&app);
	q.from = portal_server(p)->root;
	q.path = path;
	q.progress = main_export_progress;
	q.arg = &mp;
	q.partial = &main_partial;
	rc = export_run(portal_fhir(p), &q, &res, &cause) == 0 ? 0 : 1;
	if (mp.tty && mp.said)
		fputc('\n', stderr);
	if (rc == 0) {
		printf("Saved to %s.\n", path);
		if (format == EXPORT_FHIR)
			printf("It holds %ld records%s.\n", res.records,
			    res.everything ? ", from Patient/$everything" : "");
		if (res.skipped != NULL)
			printf("Not included: %s\n", res.skipped);
		fflush(stdout);
		export_result_free(&res);
	}
out:
	if (cause != NULL)
		main_say(cause);
	free(cause);
	free(path);
	auth_me_free(&app.me);
	return rc;
}

/* Say so, and return non-zero, when a CA file is given but unreadable. */
static int
main_ca_unreadable(const char *path)
{
	if (path == NULL || access(path, R_OK) == 0)
		return 0;
	fprintf(stderr, "chartty: cannot read the CA file %s: %s\n", path,
	    strerror(errno));
	return 1;
}

/*
 * chartty kiosk setup: check the device secret read from stdin (no
 * echo) and keep it in the keyring; nothing is stored on any failure.
 */
static int
main_kiosk_setup(const char *server, const char *client_id,
    const char *ca_file)
{
	struct portal	*p = portal_create(server, client_id, 1);
	char		*secret = NULL, *cause = NULL, *label;
	int		 rc = 1;

	portal_set_ca_file(p, ca_file);
	if (portal_connect(p, &cause) != AUTH_OK)
		goto out;
	secret = ui_read_line("Device secret: ", UI_LINE_SECRET |
	    UI_LINE_PIPED);
	if (secret == NULL || *secret == '\0') {
		cause = xstrdup("No device secret given; nothing was stored.");
		goto out;
	}
	if (portal_device_setup(p, secret, &cause) != AUTH_OK)
		goto out;
	label = keyring_label(portal_server(p)->root, client_id,
	    KEYRING_CLIENT_SECRET);
	printf("The device secret was checked with %s and is kept in the "
	    "system keyring as \"%s\".\n", portal_server(p)->root, label);
	free(label);
	rc = 0;
out:
	if (cause != NULL)
		main_say(cause);
	free(cause);
	secret_free(secret);
	portal_free(p);
	return rc;
}

/* chartty kiosk [setup]: the check-in terminal, or its setting up. */
static int
main_kiosk(const struct conf *conf, const char *server,
    const char *client_id, const char *ca_file, const char *what, int plain,
    int ascii, int no_keyring)
{
	struct app_options	opt;

	if (server == NULL)
		server = conf->kiosk.server;
	if (client_id == NULL)
		client_id = conf->kiosk.client_id;
	if (server == NULL || client_id == NULL) {
		fprintf(stderr, "chartty: a kiosk needs --server and "
		    "--client-id, or a [kiosk] section in %s\n", conf->path ?
		    conf->path : "the configuration file (chartty.conf(5))");
		return 2;
	}
	if (no_keyring) {
		fprintf(stderr, "chartty: a kiosk keeps its secret only in "
		    "the system keyring, so it cannot run with "
		    "--no-keyring\n");
		return 2;
	}
	if (ca_file == NULL)
		ca_file = conf->kiosk.ca_file;
	if (main_ca_unreadable(ca_file))
		return 1;
	if (what != NULL)
		return main_kiosk_setup(server, client_id, ca_file);
	memset(&opt, 0, sizeof opt);
	opt.screens = &main_kiosk_screens;
	opt.server = server;
	opt.email = client_id;
	opt.label = conf->kiosk.name;
	opt.use_keyring = 1;
	opt.plain = main_plain(plain);
	opt.ascii = ascii || conf->ascii;
	opt.color = !conf->no_color && getenv("NO_COLOR") == NULL;
	opt.kiosk = 1;
	opt.idle = conf->kiosk.idle;
	opt.location = conf->kiosk.location;
	opt.help = conf->kiosk.help;
	opt.ca_file = ca_file;
	return app_run(&opt);
}

/* The commands: what each is called, whether it may ask for a password,
 * whether it needs --text, and what it does once signed in. */
static const struct main_command {
	const char	*name;
	int		 may_ask;
	int		 needs_text;
	int		(*run)(struct portal *, const struct main_args *);
} main_commands[] = {
	{ "login", 1, 0, main_login },
	{ "whoami", 1, 0, main_whoami_cmd },
	{ "logout", 0, 0, main_logout },
	{ "summary", 1, 1, main_summary },
	{ "export", 1, 0, main_export },
	{ NULL, 0, 0, NULL }
};

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "account", required_argument, NULL, 'a' },
		{ "config", required_argument, NULL, 'c' },
		{ "server", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "client-id", required_argument, NULL, 'I' },
		{ "ca-file", required_argument, NULL, 'C' },
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'F' },
		{ "no-keyring", no_argument, NULL, 'K' },
		{ "no-browser", no_argument, NULL, 'B' },
		{ "ascii", no_argument, NULL, 'A' },
		{ "text", no_argument, NULL, 'T' },
		{ "plain", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct conf_account	*acct = NULL;
	const struct main_command	*cmd = main_commands;
	struct app_options		 opt;
	struct conf			 conf;
	struct portal			*p = NULL;
	const char			*account = NULL, *config = NULL;
	const char			*server = NULL, *command = NULL;
	const char			*output = NULL, *client_id = NULL;
	const char			*format = NULL, *ca_file = NULL;
	const char			*user_arg = NULL;
	struct main_args		 args;
	char				*user = NULL, *cause = NULL, *cache;
	int				 ch, no_keyring = 0, rc = 1;
	int				 no_browser = 0;
	struct app_account		 links[APP_MAX_LINKS];
	int				 plain = 0, ascii = 0, text = 0;

	harden_process();
	/*
	 * Lines typed (passwords, card numbers) are read one byte at a time
	 * into buffers that are wiped, never kept in stdio's own buffer.
	 */
	setvbuf(stdin, NULL, _IONBF, 0);
	/* Portal text is UTF-8: use the locale, or C.UTF-8 when it is not. */
	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0)
		setlocale(LC_CTYPE, "C.UTF-8");
	/* Numbers (FHIR, what is typed) use a point in every locale. */
	setlocale(LC_NUMERIC, "C");
	fatal_set_hook(ui_line_restore);
	signal(SIGINT, main_signal);
	signal(SIGTERM, main_signal);
	signal(SIGHUP, main_signal);

	while ((ch = getopt_long(argc, argv, "a:c:s:u:o:phV", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'a':
			account = optarg;
			break;
		case 'c':
			config = optarg;
			break;
		case 's':
			server = optarg;
			break;
		case 'u':
			user_arg = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		case 'I':
			client_id = optarg;
			break;
		case 'C':
			ca_file = optarg;
			break;
		case 'K':
			no_keyring = 1;
			break;
		case 'B':
			no_browser = 1;
			break;
		case 'A':
			ascii = 1;
			break;
		case 'T':
			text = 1;
			break;
		case 'p':
			plain = 1;
			break;
		case 'h':
			main_help();
			return 0;
		case 'V':
			printf("chartty %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fputs(main_usage, stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	crypto_init();	/* before libcurl starts OpenSSL its own way */
	if (argc >= 1 && strcmp(argv[0], "kiosk") == 0) {
		if (argc > 2 || (argc == 2 && strcmp(argv[1], "setup") != 0)) {
			fputs(main_usage, stderr);
			return 2;
		}
		if (conf_load(config, &conf, &cause) != 0) {
			fprintf(stderr, "chartty: %s\n", cause);
			free(cause);
			return 1;
		}
		http_set_deadlines(conf.timeout, conf.download_timeout);
		rc = main_kiosk(&conf, server, client_id, ca_file, argc == 2 ?
		    argv[1] : NULL, plain, ascii, no_keyring);
		conf_free(&conf);
		return rc;
	}
	if (argc == 1 && strcmp(argv[0], "diagnose") == 0) {
		/* Signs in to nothing: it must work when nothing else does. */
		if (conf_load(config, &conf, &cause) != 0) {
			fprintf(stderr, "chartty: %s\n", cause);
			free(cause);
			return 1;
		}
		http_set_deadlines(conf.timeout, conf.download_timeout);
		if (server == NULL && (acct = conf_account(&conf, account))) {
			server = acct->server;
			if (ca_file == NULL)
				ca_file = acct->ca_file;
		}
		rc = main_ca_unreadable(ca_file) ? 1 : diagnose_write(stdout,
		    server, ca_file, !(no_keyring || conf.no_keyring));
		conf_free(&conf);
		return rc;
	}
	if (argc > 1) {
		fputs(main_usage, stderr);
		return 2;
	}
	if (argc == 1)
		command = argv[0];
	for (cmd = main_commands; command != NULL && cmd->name != NULL;
	    cmd++) {
		if (strcmp(cmd->name, command) == 0)
			break;
	}
	if (command != NULL && cmd->name == NULL) {
		fprintf(stderr, "chartty: unknown command \"%s\"\n", command);
		fputs(main_usage, stderr);
		return 2;
	}
	if (format != NULL && (command == NULL ||
	    strcmp(command, "export") != 0)) {
		fprintf(stderr, "chartty: --format goes with export\n");
		return 2;
	}
	if (format != NULL && export_format_parse(format) < 0) {
		fprintf(stderr, "chartty: --format is fhir or text, not "
		    "\"%s\"\n", format);
		return 2;
	}
	if (command != NULL && cmd->needs_text && !text) {
		fprintf(stderr, "chartty: summary needs --text (the health "
		    "summary is also a screen: run chartty without a "
		    "command)\n");
		return 2;
	}

	if (conf_load(config, &conf, &cause) != 0) {
		fprintf(stderr, "chartty: %s\n", cause);
		free(cause);
		return 1;
	}
	http_set_deadlines(conf.timeout, conf.download_timeout);
	/* Copied only now: the usage errors above return at once. */
	if (user_arg != NULL)
		user = xstrdup(user_arg);
	if (server == NULL) {
		if ((acct = conf_account(&conf, account)) == NULL &&
		    account != NULL) {
			fprintf(stderr, "chartty: no account \"%s\" in %s\n",
			    account, conf.path ? conf.path : "the configuration");
			goto out;
		}
		if (acct != NULL) {
			server = acct->server;
			if (user == NULL)
				user = xstrdup(acct->email);
			if (ca_file == NULL)
				ca_file = acct->ca_file;
		}
	}
	if (main_ca_unreadable(ca_file))
		goto out;
	no_keyring = no_keyring || conf.no_keyring;
	auth_set_helpdesk(conf.helpdesk);
	/* Discovery answers are kept between starts (never on a kiosk, nor
	 * with cache = no). */
	if (conf.cache) {
		cache = cache_dir();
		auth_set_cache(cache);
		free(cache);
	}

	if (command == NULL) {
		/* The portal itself: full-screen, or plain lines. */
		memset(&opt, 0, sizeof opt);
		opt.screens = &main_screens;
		opt.server = server;
		opt.email = user;
		opt.label = acct ? acct->label : NULL;
		opt.note = acct ? acct->note : NULL;
		opt.use_keyring = !no_keyring;
		opt.no_cache = !conf.cache;
		opt.plain = main_plain(plain);
		opt.ascii = ascii || conf.ascii;
		opt.color = !conf.no_color && getenv("NO_COLOR") == NULL;
		opt.idle = conf.idle;
		opt.helpdesk = conf.helpdesk;
		opt.client_id = client_id ? client_id : acct ? acct->client_id :
		    NULL;
		opt.redirect_uri = acct ? acct->redirect_uri : NULL;
		opt.no_browser = no_browser || conf.no_browser;
		opt.ca_file = ca_file;
		main_links(&conf, acct, &opt, links);
		rc = app_run(&opt);
		goto out;
	}

	if (server == NULL) {
		fprintf(stderr, "chartty: no portal given: use --server URL "
		    "or add an account to %s\n", conf.path ? conf.path :
		    "the configuration file (see chartty.conf(5))");
		goto out;
	}
	if (user == NULL && (user = main_ask("Email: ", 0)) == NULL) {
		main_say("No email given.");
		goto out;
	}

	p = portal_create(server, user, !no_keyring);
	portal_set_keep(p, conf.cache);
	portal_set_ca_file(p, ca_file);
	portal_set_client(p, client_id ? client_id : acct ? acct->client_id :
	    NULL, acct ? acct->redirect_uri : NULL);
	portal_set_name(p, acct ? acct->label : NULL);
	main_no_browser = no_browser || conf.no_browser;
	if ((ch = main_sign_in(p, cmd->may_ask)) != 0) {
		/* Signed out already: what was kept goes all the same. */
		if (strcmp(cmd->name, "logout") == 0)
			portal_forget_kept(p);
		rc = ch < 0 ? 1 : 0;
		goto out;
	}
	memset(&args, 0, sizeof args);
	args.output = output;
	args.format = format;
	args.no_cache = !conf.cache;
	args.plain = plain || getenv("TERM") == NULL ||
	    strcmp(getenv("TERM"), "dumb") == 0;
	rc = cmd->run(p, &args);
	main_notice(p);
out:
	portal_free(p);
	secret_free(user);
	conf_free(&conf);
	auth_set_cache(NULL);
	return rc;
}
