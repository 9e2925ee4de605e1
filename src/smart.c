/* SMART standalone launch: authorize address, loopback, code (smart.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "crypto.h"
#include "sanitize.h"
#include "smart.h"
#include "url.h"
#include "util.h"

#define SMART_READ_MS	2000	/* the most a request's head is waited for */
#define SMART_PAGE	"<!doctype html><html lang=\"en\"><head><meta " \
	"charset=\"utf-8\"><title>Signed in</title></head><body><h1>You " \
	"are signed in</h1><p>You can close this window and go back to " \
	"chartty.</p></body></html>"

/* Is url a loopback http address? Its port in *port (0: none given). */
static int
smart_loopback(const char *url, int *port)
{
	const char	*host;
	char		*h;
	int		 yes;

	*port = 0;
	if (strncmp(url, "http://", 7) != 0 || (h = url_host(url)) == NULL)
		return 0;
	yes = strcmp(h, "127.0.0.1") == 0 || strcmp(h, "localhost") == 0;
	host = url + 7 + strlen(h);
	free(h);
	if (yes && *host == ':') {
		char		 digits[8];
		size_t		 n = strcspn(host + 1, "/?#");
		long long	 v;

		/* A port is 1 to 65535; anything else: any port. */
		if (n > 0 && n < sizeof digits) {
			memcpy(digits, host + 1, n);
			digits[n] = '\0';
			if (parse_number(digits, 1, 65535, &v) == 0)
				*port = (int)v;
		}
	}
	return yes;
}

/* Listen on 127.0.0.1:port (0: any); the fd, non-blocking, or -1. */
static int
smart_listen(int port, int *bound)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof sin;
	int			fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons((unsigned short)port);
	if (bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(fd, 4) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0 ||
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) != 0) {
		close(fd);
		return -1;
	}
	*bound = ntohs(sin.sin_port);
	return fd;
}

/* A random value for state: 16 bytes, base64url. */
static char *
smart_random(void)
{
	unsigned char	b[16];

	crypto_random(b, sizeof b);
	return crypto_base64url(b, sizeof b);
}

int
smart_begin(struct smart_flow *f, const struct auth_server *srv,
    const char *redirect_uri, char **cause)
{
	struct buf	 q;
	char		*challenge;
	int		 port, bound;

	memset(f, 0, sizeof *f);
	f->fd = -1;
	if (srv->authorize_endpoint == NULL ||
	    url_allowed(srv->authorize_endpoint, cause) != 0) {
		if (*cause == NULL)
			*cause = xstrdup("This server has no browser sign-in.");
		return -1;
	}
	if (redirect_uri == NULL || smart_loopback(redirect_uri, &port)) {
		if (redirect_uri == NULL)
			port = 0;
		f->fd = smart_listen(port, &bound);
		if (redirect_uri != NULL)
			f->redirect_uri = xstrdup(redirect_uri);
		else
			f->redirect_uri = xasprintf("http://127.0.0.1:%d/"
			    "callback", f->fd >= 0 ? bound : 1);
	} else
		f->redirect_uri = xstrdup(redirect_uri);
	f->verifier = pkce_verifier();
	f->state = smart_random();
	challenge = pkce_challenge(f->verifier);
	buf_init(&q, 64 * 1024);
	url_query_add(&q, "response_type", "code");
	url_query_add(&q, "client_id", auth_client_id(srv));
	url_query_add(&q, "redirect_uri", f->redirect_uri);
	url_query_add(&q, "scope", srv->scopes ? srv->scopes : AUTH_SMART_V2);
	url_query_add(&q, "state", f->state);
	url_query_add(&q, "aud", srv->fhir_base);
	url_query_add(&q, "code_challenge", challenge);
	url_query_add(&q, "code_challenge_method", "S256");
	f->url = xasprintf("%s%s%s", srv->authorize_endpoint,
	    strchr(srv->authorize_endpoint, '?') ? "&" : "?", q.data);
	buf_free(&q, 0);
	secret_free(challenge);
	return 0;
}

/* The path of the redirect address ("/callback"), new. */
static char *
smart_path(const char *redirect_uri)
{
	const char	*p = redirect_uri + strcspn(redirect_uri + 7, "/") + 7;

	if (strncmp(redirect_uri, "http://", 7) != 0 || *p == '\0')
		return xstrdup("/");
	return xstrndup(p, strcspn(p, "?#"));
}

/* Answer the browser and hang up. */
static void
smart_answer(int c, int status, const char *body)
{
	char	*head;
	ssize_t	 n;

	head = xasprintf("HTTP/1.1 %d %s\r\nContent-Type: text/html; "
	    "charset=utf-8\r\nContent-Length: %zu\r\nConnection: close\r\n"
	    "Cache-Control: no-store\r\n\r\n%s", status, status == 200 ? "OK" :
	    "Not Found", strlen(body), body);
	/* A peer gone meanwhile is no signal to die of (MSG_NOSIGNAL). */
	n = send(c, head, strlen(head), MSG_NOSIGNAL);
	(void)n;
	free(head);
	shutdown(c, SHUT_WR);
	close(c);
}

char *
smart_redirect(const struct smart_flow *f, const char *head)
{
	const char	*end;
	char		*path, *target = NULL;
	size_t		 n;

	path = smart_path(f->redirect_uri);
	n = strlen(path);
	if (strncmp(head, "GET ", 4) == 0 && (end = strchr(head + 4, ' ')) &&
	    strncmp(head + 4, path, n) == 0 &&
	    (head[4 + n] == '?' || head + 4 + n == end))
		target = xstrndup(head + 4, (size_t)(end - head - 4));
	free(path);
	return target;
}

int
smart_take(struct smart_flow *f)
{
	struct pollfd	 pfd;
	struct timespec	 t0, t;
	char		 req[8192];
	size_t		 len = 0;
	ssize_t		 n;
	long		 left;
	int		 c, got = 0;

	if (f->fd < 0 || (c = accept(f->fd, NULL, NULL)) < 0)
		return 0;
	/*
	 * The browser sends its request at once: read its head, for at most
	 * SMART_READ_MS in all (a peer that trickles bytes cannot hold the
	 * loop).
	 */
	fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (len < sizeof req - 1 && (len < 4 ||
	    memmem(req, len, "\r\n\r\n", 4) == NULL)) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = SMART_READ_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		pfd.fd = c;
		pfd.events = POLLIN;
		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			break;
		n = read(c, req + len, sizeof req - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	req[len] = '\0';
	if (f->got == NULL && (f->got = smart_redirect(f, req)) != NULL) {
		got = 1;
		smart_answer(c, 200, SMART_PAGE);
	} else
		smart_answer(c, 404, "Not here.");
	secure_wipe(req, sizeof req);
	return got;
}

static int	smart_address(const struct smart_flow *, const char *,
		    char **, char **);

int
smart_code(const struct smart_flow *f, const char *pasted, char **code,
    char **cause)
{
	const char	*s = pasted, *q;
	char		*trimmed;
	size_t		 n;
	int		 rc;

	*code = NULL;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	if (n == 0 || n > 8192) {
		*cause = xstrdup("Paste the whole address your browser ended "
		    "on after signing in, or the code in it.");
		return -1;
	}
	/* The code alone: no address, no query. */
	if (memchr(s, '?', n) == NULL && memchr(s, '=', n) == NULL &&
	    memchr(s, ' ', n) == NULL && memchr(s, '/', n) == NULL) {
		*code = xstrndup(s, n);
		return 0;
	}
	q = trimmed = xstrndup(s, n);
	rc = smart_address(f, q, code, cause);
	secret_free(trimmed);
	return rc;
}

/* The code of an address (trimmed) with state, or a refusal. */
static int
smart_address(const struct smart_flow *f, const char *q, char **code,
    char **cause)
{
	char	*state, *err, *desc, *clean;

	err = url_form_param(q, "error");
	if (err != NULL) {
		desc = url_form_param(q, "error_description");
		clean = sanitize_str(desc ? desc : (strcmp(err,
		    "access_denied") == 0 ? "you cancelled it or it was "
		    "refused" : err), 0);
		*cause = xasprintf("The sign-in did not finish: %s.", clean);
		free(clean);
		free(desc);
		free(err);
		return -1;
	}
	state = url_form_param(q, "state");
	if (state == NULL || strcmp(state, f->state) != 0) {
		free(state);
		*cause = xstrdup("That address is not from this sign-in: "
		    "start again and paste the address the browser ends on "
		    "this time.");
		return -1;
	}
	free(state);
	if ((*code = url_form_param(q, "code")) == NULL || **code == '\0') {
		free(*code);
		*code = NULL;
		*cause = xstrdup("That address holds no sign-in code. Paste "
		    "the address your browser ended on after signing in.");
		return -1;
	}
	return 0;
}

void
smart_end(struct smart_flow *f)
{
	if (f->fd >= 0)
		close(f->fd);
	secret_free(f->verifier);
	free(f->state);
	free(f->redirect_uri);
	free(f->url);
	secret_free(f->got);
	memset(f, 0, sizeof *f);
	f->fd = -1;
}
