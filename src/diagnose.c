/* chartty diagnose: versions, terminal, locale, portal, keyring. */
#include "config.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "crypto.h"
#include "diagnose.h"
#include "http.h"
#include "json.h"
#include "keyring.h"
#include "ui.h"
#include "url.h"
#include "util.h"

/* The capabilities a portal announced, in words. */
static void
diagnose_caps(FILE *out, unsigned int caps)
{
	static const struct { unsigned int cap; const char *name; } names[] = {
		{ AUTH_CAP_PASSWORD, "password sign-in" },
		{ AUTH_CAP_MFA, "two-step codes" },
		{ AUTH_CAP_ACTIVATION, "activation codes" },
		{ AUTH_CAP_SIGNUP, "sign-up" },
		{ AUTH_CAP_KIOSK, "kiosks" },
		{ AUTH_CAP_PAYMENTS, "payments" },
	};
	size_t	i;
	int	n = 0;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (caps & names[i].cap)
			fprintf(out, "%s%s", n++ ? ", " : " (", names[i].name);
	}
	fprintf(out, "%s\n", n ? ")" : "");
}

/* The portal's clock against ours, from its answer's Date. */
static int
diagnose_clock(FILE *out, struct http *h, const char *root, char **last)
{
	struct http_request	 q;
	struct http_response	 resp;
	char			*url, *cause = NULL;
	long			 skew;

	memset(&q, 0, sizeof q);
	url = url_join(root, ".well-known/smart-configuration");
	q.url = url;
	if (http_perform(h, &q, &resp, &cause) != HTTP_OK) {
		fprintf(out, "  Clock: not checked (%s)\n", cause);
		free(*last);
		*last = cause;
		free(url);
		return -1;
	}
	free(url);
	if (resp.date == 0) {
		fprintf(out, "  Clock: the portal does not say its time\n");
		http_response_free(&resp);
		return 0;
	}
	skew = (long)(time(NULL) - resp.date);
	http_response_free(&resp);
	if (labs(skew) <= 60) {
		fprintf(out, "  Clock: in step with the portal (within a "
		    "minute)\n");
		return 0;
	}
	free(*last);
	*last = xasprintf("This machine's clock is %ld minutes %s of the "
	    "portal's: set it right, or two-step codes and sign-ins may "
	    "fail.", (labs(skew) + 59) / 60, skew > 0 ? "ahead" : "behind");
	fprintf(out, "  Clock: %s\n", *last);
	return -1;
}

static int
diagnose_portal(FILE *out, const char *server, const char *ca_file,
    char **last)
{
	struct auth_server	 srv;
	struct http		*h = http_create();
	char			*cause = NULL;
	int			 bad = 0;

	http_set_ca_file(h, ca_file);
	fprintf(out, "Portal: %s\n", server);
	if (ca_file != NULL)
		fprintf(out, "  CA file: %s, trusted besides the system's\n",
		    ca_file);
	if (auth_discover(h, server, &srv, &cause) != AUTH_OK) {
		fprintf(out, "  Discovery: failed (%s)\n", cause);
		free(*last);
		*last = cause;
		http_free(h);
		return -1;
	}
	fprintf(out, "  Discovery: working");
	diagnose_caps(out, srv.caps);
	fprintf(out, "  Connection: %s\n", strncmp(srv.root, "https:", 6) ==
	    0 ? "TLS, certificate verified" : "plain http, to this machine "
	    "only");
	bad |= diagnose_clock(out, h, srv.root, last) != 0;
	auth_server_free(&srv);
	http_free(h);
	return bad ? -1 : 0;
}

int
diagnose_write(FILE *out, const char *server, const char *ca_file,
    int use_keyring)
{
	struct winsize	 ws;
	const char	*term = getenv("TERM");
	char		*last = NULL, *cause = NULL;
	int		 bad = 0;

	fprintf(out, "chartty %s\n", PACKAGE_VERSION);
	fprintf(out, "Libraries: %s; %s; %s; cJSON %s; %s\n", http_library(),
	    crypto_library(), ui_curses_library(), json_library(),
	    keyring_library());
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ,
	    &ws) == 0)
		fprintf(out, "Terminal: %s, %d columns by %d lines\n",
		    term ? term : "(TERM not set)", ws.ws_col, ws.ws_row);
	else
		fprintf(out, "Terminal: %s, output is not a terminal\n",
		    term ? term : "(TERM not set)");
	fprintf(out, "Locale: %s (%s)\n", setlocale(LC_CTYPE, NULL),
	    nl_langinfo(CODESET));
	if (server != NULL)
		bad |= diagnose_portal(out, server, ca_file, &last) != 0;
	else
		fprintf(out, "Portal: none given (--server or an account in "
		    "the configuration)\n");
	if (!use_keyring)
		fprintf(out, "Keyring: not used (--no-keyring)\n");
	else if (keyring_reachable(&cause) == 0)
		fprintf(out, "Keyring: reachable\n");
	else {
		fprintf(out, "Keyring: not reachable (%s)\n", cause);
		free(last);
		last = cause;
		bad = 1;
	}
	fprintf(out, "Last error: %s\n", last ? last : "none");
	free(last);
	return bad;
}
