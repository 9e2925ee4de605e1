/* Unit tests for the configuration file. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "tap.h"
#include "util.h"

static char *
write_file(const char *text)
{
	char	*path = xstrdup("/tmp/chartty-conf-XXXXXX");
	int	 fd = mkstemp(path);
	FILE	*f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

int
main(void)
{
	struct conf			 c;
	const struct conf_account	*a;
	char				*path, *cause = NULL, *dir;

	path = write_file("# a comment\n"
	    "default-account = clinic\n"
	    "no-color = yes\n"
	    "\n"
	    "[account home]\n"
	    "server = https://home.example.org\n"
	    "email = me@example.org\n"
	    "[account clinic]\n"
	    "  server =  http://127.0.0.1:8103  \n"
	    "email = maria@example.org\n"
	    "label = Main Street Clinic\n"
	    "note = Help desk: 555-0100\n");
	ok(conf_load(path, &c, &cause) == 0, "file read");
	ok(c.naccounts == 2, "two accounts");
	ok(c.no_color == 1 && c.no_keyring == 0, "options read");
	a = conf_account(&c, NULL);
	ok(a != NULL && strcmp(a->name, "clinic") == 0, "default account");
	is(a ? a->server : NULL, "http://127.0.0.1:8103", "value trimmed");
	is(a ? a->label : NULL, "Main Street Clinic", "label");
	is(a ? a->note : NULL, "Help desk: 555-0100", "note");
	a = conf_account(&c, "home");
	is(a ? a->email : NULL, "me@example.org", "named account");
	ok(conf_account(&c, "nope") == NULL, "unknown account is NULL");
	conf_free(&c);
	unlink(path);
	free(path);

	/* ca-file: per account and for the kiosk; absolute or ~/. */
	setenv("HOME", "/home/pat", 1);
	path = write_file("[account a]\nserver = https://a.example.org\n"
	    "ca-file = /etc/clinic/ca.pem\n"
	    "[account b]\nserver = https://b.example.org\nlink = yes\n"
	    "ca-file = ~/ca/b.pem\n"
	    "[account c]\nserver = https://c.example.org\n"
	    "[kiosk]\nca-file = /etc/kiosk-ca.pem\n");
	ok(conf_load(path, &c, &cause) == 0, "ca-file read");
	a = conf_account(&c, "a");
	is(a ? a->ca_file : NULL, "/etc/clinic/ca.pem", "an account's ca-file");
	a = conf_account(&c, "b");
	is(a ? a->ca_file : NULL, "/home/pat/ca/b.pem", "~/ is the home");
	a = conf_account(&c, "c");
	ok(a != NULL && a->ca_file == NULL, "none unless said");
	is(c.kiosk.ca_file, "/etc/kiosk-ca.pem", "the kiosk's ca-file");
	conf_free(&c);
	unlink(path);
	free(path);
	path = write_file("[account a]\nca-file = ca.pem\n");
	ok(conf_load(path, &c, &cause) == -1, "a relative ca-file is refused");
	like(cause, "ca-file: expected an absolute path", "and said: %s",
	    cause ? cause : "(none)");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	/* The idle sign-out: minutes, seconds with an s, 0, or refused. */
	path = write_file("idle = 30s\n");
	ok(conf_load(path, &c, &cause) == 0 && c.idle == 30,
	    "idle = 30s is 30 seconds");
	conf_free(&c);
	unlink(path);
	free(path);
	path = write_file("idle = 20\n");
	ok(conf_load(path, &c, &cause) == 0 && c.idle == 1200,
	    "idle = 20 is 20 minutes");
	conf_free(&c);
	unlink(path);
	free(path);
	path = write_file("idle = 0\n");
	ok(conf_load(path, &c, &cause) == 0 && c.idle == 0, "idle = 0 is off");
	conf_free(&c);
	unlink(path);
	free(path);
	path = write_file("# nothing\n");
	ok(conf_load(path, &c, &cause) == 0 && c.idle == 15 * 60,
	    "idle defaults to 15 minutes");
	conf_free(&c);
	unlink(path);
	free(path);
	path = write_file("idle = 10s\n");
	ok(conf_load(path, &c, &cause) == -1, "idle under 30 s is refused");
	like(cause, "from 30s", "and says the range");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	/* Deadlines: a request's and a download's, in seconds. */
	path = write_file("# nothing\n");
	ok(conf_load(path, &c, &cause) == 0 && c.timeout == 60 &&
	    c.download_timeout == 600,
	    "timeout defaults to 60 s, download-timeout to 10 minutes");
	conf_free(&c);
	unlink(path);
	free(path);
	path = write_file("timeout = 3\ndownload-timeout = 1800\n");
	ok(conf_load(path, &c, &cause) == 0 && c.timeout == 3 &&
	    c.download_timeout == 1800, "timeout and download-timeout set");
	conf_free(&c);
	unlink(path);
	free(path);
	path = write_file("timeout = 0\n");
	ok(conf_load(path, &c, &cause) == -1, "timeout = 0 is refused");
	like(cause, "timeout: expected seconds, from 1 to 3600",
	    "and says the range");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);
	path = write_file("download-timeout = soon\n");
	ok(conf_load(path, &c, &cause) == -1, "download-timeout not a number "
	    "is refused");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	/* A kiosk: its section, after an account's, and its defaults. */
	path = write_file("[account a]\nserver = https://a.example\n"
	    "[kiosk]\n"
	    "server = https://portal.example\n"
	    "client-id = kiosk-main-street\n"
	    "location = Location/loc-main-street\n"
	    "name = Main Street Clinic\n"
	    "idle = 45\n"
	    "help = The front desk is to your left.\n");
	ok(conf_load(path, &c, &cause) == 0, "[kiosk] read");
	is(c.kiosk.server, "https://portal.example", "kiosk server");
	is(c.kiosk.client_id, "kiosk-main-street", "kiosk client id");
	is(c.kiosk.location, "Location/loc-main-street", "kiosk location");
	is(c.kiosk.name, "Main Street Clinic", "kiosk name");
	is(c.kiosk.help, "The front desk is to your left.", "kiosk help");
	ok(c.kiosk.idle == 45, "kiosk idle");
	is(c.naccounts == 1 ? c.accounts[0].server : NULL,
	    "https://a.example", "the account before it is untouched");
	conf_free(&c);
	unlink(path);
	free(path);
	path = write_file("[kiosk]\nclient-id = k\n");
	ok(conf_load(path, &c, &cause) == 0 && c.kiosk.idle == 120,
	    "kiosk idle defaults to 120 seconds");
	conf_free(&c);
	unlink(path);
	free(path);
	path = write_file("[kiosk]\nidle = 10\n");
	ok(conf_load(path, &c, &cause) == -1, "kiosk idle under 30 refused");
	like(cause, "from 30 to 3600", "and says the range");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);
	path = write_file("[kiosk]\nemail = x\n");
	ok(conf_load(path, &c, &cause) == -1, "unknown kiosk setting refused");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	path = write_file("[account a]\nserver = x\ncolour = red\n");
	ok(conf_load(path, &c, &cause) == -1, "unknown setting refused");
	like(cause, "line 3", "error names the line");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	path = write_file("no-keyring = maybe\n");
	ok(conf_load(path, &c, &cause) == -1, "bad yes/no refused");
	free(cause);
	cause = NULL;
	unlink(path);
	free(path);

	ok(conf_load("/nonexistent/chartty.conf", &c, &cause) == -1,
	    "a named missing file is an error");
	free(cause);
	cause = NULL;

	dir = xstrdup("/tmp/chartty-xdg-XXXXXX");
	ok(mkdtemp(dir) != NULL, "an empty XDG_CONFIG_HOME");
	setenv("XDG_CONFIG_HOME", dir, 1);
	ok(conf_load(NULL, &c, &cause) == 0 && c.naccounts == 0,
	    "a missing default file is an empty configuration");
	conf_free(&c);
	path = conf_default_path();
	like(path, "/chartty/config", "default path under XDG_CONFIG_HOME");
	free(path);
	rmdir(dir);
	free(dir);
	/* The same from an open file (the fuzz target reads memory). */
	{
		static char	 text[] = "[account a]\nserver = "
		    "https://h.example\nnonsense\n";
		FILE		*f = fmemopen(text, strlen(text), "r");

		cause = NULL;
		ok(conf_read(f, "memory", &c, &cause) == -1, "conf_read "
		    "refuses a bad line");
		is(cause, "memory, line 3: expected key = value.", "naming "
		    "the file and line");
		free(cause);
		fclose(f);
	}
	return done_testing();
}
