/*
 * Signing in to a portal: SMART discovery, password and MFA sign-in
 * with PKCE (Medplum-style /auth endpoints), token refresh with rotation,
 * sign-out, and who the signed-in person may act for (/auth/me).
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "crypto.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "model.h"
#include "url.h"
#include "util.h"

/* An answer from the server, parsed when it is JSON. */
struct auth_answer {
	long		 status;
	long		 retry_after;
	struct json	*body;
	char		*etag;		/* the answer's validator, or NULL */
	long		 max_age;	/* Cache-Control max-age, or -1 */
	int		 unreadable;	/* a 2xx said to be JSON that was not */
};

static void
auth_answer_free(struct auth_answer *a)
{
	json_free_secret(a->body);
	free(a->etag);
	memset(a, 0, sizeof *a);
}

/*
 * Send body (JSON when form is 0, else form-encoded) to url, or GET it
 * without a body (If-None-Match: inm when not NULL); fills *ans.
 * Returns AUTH_OK when any HTTP answer arrived.
 */
static int
auth_send(struct http *h, const char *url, const char *body, int form,
    const char *bearer, const char *inm, struct auth_answer *ans,
    char **cause)
{
	struct http_request	 q;
	struct http_response	 resp;
	const char		*hdr[5];
	char			*auth = NULL, *cond = NULL, *perr = NULL;
	int			 rc, n = 0, json;

	memset(ans, 0, sizeof *ans);
	hdr[n++] = "Accept: application/json";
	hdr[n++] = form ? "Content-Type: application/x-www-form-urlencoded" :
	    "Content-Type: application/json";
	if (bearer != NULL)
		hdr[n++] = auth = xasprintf("Authorization: Bearer %s", bearer);
	if (inm != NULL)
		hdr[n++] = cond = xasprintf("If-None-Match: %s", inm);
	hdr[n] = NULL;
	memset(&q, 0, sizeof q);
	q.method = body ? "POST" : "GET";
	q.url = url;
	q.headers = hdr;
	q.body = body;
	q.body_len = body ? strlen(body) : 0;
	q.secret = 1;
	rc = http_perform(h, &q, &resp, cause);
	secret_free(auth);
	free(cond);
	if (rc != HTTP_OK)
		return AUTH_ERR_NETWORK;
	ans->status = resp.status;
	ans->retry_after = resp.retry_after;
	ans->max_age = resp.max_age;
	ans->etag = resp.etag;
	resp.etag = NULL;
	if (resp.len > 0)
		ans->body = json_parse(resp.body, resp.len, &perr);
	json = resp.content_type != NULL &&
	    strcasestr(resp.content_type, "json") != NULL;
	http_response_free(&resp);
	if (ans->body == NULL && perr != NULL && ans->status >= 200 &&
	    ans->status < 300) {
		/* Done or not, nobody can tell: never taken for success. */
		auth_answer_free(ans);
		ans->unreadable = json;
		*cause = perr;
		return AUTH_ERR;
	}
	free(perr);
	return AUTH_OK;
}

static int
auth_post(struct http *h, const char *url, const char *body, int form,
    const char *bearer, struct auth_answer *ans, char **cause)
{
	return auth_send(h, url, body, form, bearer, NULL, ans, cause);
}

/* The help desk's number, said with a lockout (the configuration's). */
static char	*auth_helpdesk;

void
auth_set_helpdesk(const char *number)
{
	free(auth_helpdesk);
	auth_helpdesk = number != NULL && *number != '\0' ?
	    xstrdup(number) : NULL;
}

char *
auth_locked_sentence(long retry_after)
{
	char	 when[32];
	long	 minutes;

	if (retry_after < 0)
		snprintf(when, sizeof when, "later");
	else if ((minutes = (retry_after + 59) / 60) <= 1)
		snprintf(when, sizeof when, "in a minute");
	else
		snprintf(when, sizeof when, "in %ld minutes", minutes);
	if (auth_helpdesk != NULL)
		return xasprintf("Too many attempts. Try again %s or call the "
		    "help desk at %s.", when, auth_helpdesk);
	return xasprintf("Too many attempts. Try again %s or call the help "
	    "desk.", when);
}

/*
 * The sentence for a failed /auth answer, and its result kind; doing is
 * what the portal could not do ("send the reminder"; NULL: sign in).
 */
static int
auth_failure(const struct auth_answer *ans, const char *fallback,
    const char *doing, char **cause)
{
	char	*s;
	size_t	 n;

	if (ans->status == 429) {
		*cause = auth_locked_sentence(ans->retry_after);
		return AUTH_ERR_LOCKED;
	}
	if (ans->status >= 500 || ans->status == 0) {
		*cause = xasprintf("The portal had a problem and could not %s. "
		    "Try again later.", doing ? doing : "sign you in");
		return AUTH_ERR;
	}
	if (ans->status >= 300 && ans->status < 400) {
		*cause = xstrdup(HTTP_REDIRECTED);
		return AUTH_ERR;
	}
	s = ans->body ? model_outcome_text(ans->body) : NULL;
	if (s == NULL || *s == '\0') {
		free(s);
		*cause = xstrdup(fallback);
		return AUTH_ERR;
	}
	n = strlen(s);
	if (strchr(".!?", s[n - 1]) == NULL) {
		*cause = xasprintf("%s.", s);
		free(s);
	} else
		*cause = s;
	return AUTH_ERR;
}

/* A copy of a string member, or NULL. */
const char *
auth_client_id(const struct auth_server *srv)
{
	return srv->client_id != NULL ? srv->client_id : AUTH_CLIENT_ID;
}

static char *
auth_dup(const struct json *j, const char *key)
{
	return xstrdup(json_gets(j, key));
}

/* Drop an address holding anything but printable ASCII (*s NULL). */
static void
auth_printable(char **s)
{
	const unsigned char	*c;

	for (c = (const unsigned char *)(*s ? *s : ""); *c != '\0'; c++) {
		if (*c <= 0x20 || *c >= 0x7f) {
			free(*s);
			*s = NULL;
			return;
		}
	}
}

/*
 * Discovery answers kept between starts, a file per address given: the
 * server's to say how long one may be used without asking again
 * (Cache-Control max-age), and its ETag to ask whether it changed.
 * Public facts about the server, no health data and no token.
 */
#define AUTH_CACHE_MAGIC	"chartty-discovery 1"
#define AUTH_CACHE_MAX		(256 * 1024)	/* bytes of a kept answer */
#define AUTH_FRESH_MAX		86400L		/* kept at most a day unasked */

static char	*auth_cache;	/* the directory, or NULL: none kept */

void
auth_set_cache(const char *dir)
{
	free(auth_cache);
	auth_cache = dir != NULL ? xstrdup(dir) : NULL;
}

struct auth_kept {
	time_t	 fetched;
	long	 max_age;
	char	 etag[256];	/* "" without one */
	char	*text;		/* the configuration, JSON */
};

static char *
auth_cache_name(const char *server_url)
{
	char	hex[65];

	crypto_sha256_hex(server_url, strlen(server_url), hex);
	hex[24] = '\0';
	return xasprintf("discovery-%s", hex);
}

/* The kept answer for server_url: 0 with *k (free k->text), or -1. */
static int
auth_cache_read(const char *server_url, struct auth_kept *k)
{
	FILE		*fp;
	char		*name, line[1024];
	long long	 t, age;
	size_t		 n;

	memset(k, 0, sizeof *k);
	if (auth_cache == NULL)
		return -1;
	name = auth_cache_name(server_url);
	fp = fopen_private(auth_cache, name);
	free(name);
	if (fp == NULL)
		return -1;
	if (fgets(line, sizeof line, fp) == NULL ||
	    strcmp(line, AUTH_CACHE_MAGIC "\n") != 0 ||
	    fgets(line, sizeof line, fp) == NULL ||
	    strncmp(line, "url ", 4) != 0 ||
	    strlen(line + 4) != strlen(server_url) + 1 ||
	    strncmp(line + 4, server_url, strlen(server_url)) != 0 ||
	    fgets(line, sizeof line, fp) == NULL ||
	    sscanf(line, "fetched %lld max-age %lld", &t, &age) != 2 ||
	    t < 0 || age < -1 || age > AUTH_FRESH_MAX ||
	    fgets(line, sizeof line, fp) == NULL ||
	    sscanf(line, "etag %255s", k->etag) != 1) {
		fclose(fp);
		return -1;
	}
	if (strcmp(k->etag, "-") == 0 || !http_etag_ok(k->etag))
		k->etag[0] = '\0';	/* none, or none fit for a header */
	k->fetched = (time_t)t;
	k->max_age = (long)age;
	k->text = xmalloc(AUTH_CACHE_MAX + 1);
	n = fread(k->text, 1, AUTH_CACHE_MAX + 1, fp);
	fclose(fp);
	if (n == 0 || n > AUTH_CACHE_MAX) {
		free(k->text);
		k->text = NULL;
		return -1;
	}
	k->text[n] = '\0';
	return 0;
}

/* Keep conf, the answer just confirmed or read, for server_url. */
static void
auth_cache_write(const char *server_url, const struct json *conf,
    const char *etag, long max_age)
{
	struct buf	 b;
	char		*name, *text;

	if (auth_cache == NULL)
		return;
	if (etag != NULL && !http_etag_ok(etag))
		etag = NULL;	/* none rather than one unfit for a header */
	text = json_print(conf);
	buf_init(&b, AUTH_CACHE_MAX + 4096);
	buf_printf(&b, AUTH_CACHE_MAGIC "\nurl %s\nfetched %lld max-age "
	    "%ld\netag %s\n%s", server_url, (long long)time(NULL),
	    max_age > AUTH_FRESH_MAX ? AUTH_FRESH_MAX : max_age,
	    etag != NULL && *etag != '\0' ? etag : "-", text);
	name = auth_cache_name(server_url);
	if (b.data != NULL && strchr(server_url, '\n') == NULL)
		(void)file_replace_private(auth_cache, name, b.data, b.len);
	free(name);
	free(text);
	buf_free(&b, 0);
}

/* May the kept answer be used without asking? */
static int
auth_cache_fresh(const struct auth_kept *k)
{
	return k->text != NULL && cache_fresh(k->fetched, k->max_age);
}

/*
 * The SMART configuration at base: AUTH_OK with a JSON object in *ans
 * (auth_answer_free it; status 304 and no body when inm, the kept
 * answer's ETag, still holds), or a failure. AUTH_ERR leaves *cause
 * NULL when there is none (a 404, a web page); when root failed (5xx)
 * or sent one that could not be read, *cause says so.
 */
static int
auth_configuration(struct http *h, const char *root, const char *base,
    const char *inm, struct auth_answer *ans, char **cause)
{
	char	*url = url_join(base, ".well-known/smart-configuration");
	char	*said = NULL;
	int	 rc;

	rc = auth_send(h, url, NULL, 0, NULL, inm, ans, cause);
	free(url);
	if (rc == AUTH_ERR) {
		/* JSON's own words: "The answer was nested too deeply ...";
		 * not said to be JSON at all, it is a web page: none. */
		if (ans->unreadable && strncmp(*cause, "The answer ", 11) == 0)
			said = xasprintf("The SMART configuration from %s %s",
			    root, *cause + 11);
		else if (ans->unreadable)
			said = xasprintf("The SMART configuration from %s "
			    "could not be read.", root);
		free(*cause);
		*cause = said;
		return AUTH_ERR;
	}
	if (rc != AUTH_OK)
		return rc;
	if (ans->status == 304 && inm != NULL)
		return AUTH_OK;
	if (ans->status >= 500)
		*cause = xasprintf("%s had a problem answering (HTTP %ld). "
		    "Try again later.", root, ans->status);
	else if (ans->status >= 300 && ans->status < 400)
		*cause = xasprintf("%s sent chartty to another address; "
		    "chartty did not follow it.", root);
	if (ans->status != 200 || !json_is_object(ans->body)) {
		auth_answer_free(ans);
		return AUTH_ERR;
	}
	return AUTH_OK;
}

/* The portal capabilities srv's configuration announces, and the scopes
 * a browser sign-in should ask for. */
static void
auth_read_capabilities(struct auth_server *srv, const struct json *conf)
{
	static const struct {
		const char	*name;
		unsigned int	 cap;
	} known[] = {
		{ "portal-password-login", AUTH_CAP_PASSWORD },
		{ "portal-mfa-totp", AUTH_CAP_MFA },
		{ "portal-signup", AUTH_CAP_SIGNUP },
		{ "portal-activation", AUTH_CAP_ACTIVATION },
		{ "portal-kiosk", AUTH_CAP_KIOSK },
		{ "portal-payments", AUTH_CAP_PAYMENTS },
		{ "launch-standalone", AUTH_CAP_SMART },
	};
	const struct json	*caps = json_get(conf, "capabilities");
	const struct json	*scopes = json_get(conf, "scopes_supported");
	const char		*c;
	size_t			 i, k;
	int			 v1 = 0;

	for (i = 0; i < json_size(caps); i++) {
		if ((c = json_str(json_at(caps, i))) == NULL)
			continue;
		for (k = 0; k < sizeof known / sizeof known[0]; k++) {
			if (strcmp(c, known[k].name) == 0)
				srv->caps |= known[k].cap;
		}
	}
	if (srv->authorize_endpoint == NULL)
		srv->caps &= ~AUTH_CAP_SMART;
	/* SMART v1 servers list patient/... .read scopes, v2 .rs ones. */
	for (i = 0; i < json_size(scopes); i++) {
		c = json_str(json_at(scopes, i));
		if (c != NULL && strncmp(c, "patient/", 8) == 0 &&
		    strlen(c) > 5 && strcmp(c + strlen(c) - 5, ".read") == 0)
			v1 = 1;
		if (c != NULL && strncmp(c, "patient/", 8) == 0 &&
		    strlen(c) > 3 && strcmp(c + strlen(c) - 3, ".rs") == 0) {
			v1 = 0;
			break;
		}
	}
	srv->scopes = xstrdup(v1 ? AUTH_SMART_V1 : AUTH_SMART_V2);
}

void
auth_server_take(struct auth_server *srv, const struct json *conf)
{
	srv->authorize_endpoint = auth_dup(conf, "authorization_endpoint");
	srv->token_endpoint = auth_dup(conf, "token_endpoint");
	srv->revoke_endpoint = auth_dup(conf, "revocation_endpoint");
	/* Addresses are shown and followed: printable ASCII only. */
	auth_printable(&srv->authorize_endpoint);
	auth_printable(&srv->token_endpoint);
	auth_printable(&srv->revoke_endpoint);
	if (srv->token_endpoint == NULL)
		srv->token_endpoint = url_join(srv->root, "oauth2/token");
	auth_read_capabilities(srv, conf);
}

/*
 * Ask for the configuration: at root alone (at_root), else at base and
 * then at root. A conditional request (inm) answered with anything but
 * 200 or 304 is asked once more plainly, so a kept validator the server
 * will not take does not stand in the way. As auth_configuration: a
 * failure at base is said when root has none either.
 */
static int
auth_ask(struct http *h, const char *root, const char *base, int at_root,
    const char *inm, struct auth_answer *ans, char **cause)
{
	char	*first;
	int	 rc;

	rc = auth_configuration(h, root, at_root ? root : base, inm, ans,
	    cause);
	if (rc == AUTH_ERR && !at_root) {
		first = *cause;
		*cause = NULL;
		rc = auth_configuration(h, root, root, inm, ans, cause);
		if (rc == AUTH_ERR && *cause == NULL) {
			*cause = first;
			first = NULL;
		}
		free(first);
	}
	if (rc == AUTH_ERR && inm != NULL) {
		free(*cause);
		*cause = NULL;
		rc = auth_ask(h, root, base, at_root, NULL, ans, cause);
	}
	return rc;
}

int
auth_discover(struct http *h, const char *server_url, struct auth_server *srv,
    char **cause)
{
	struct auth_answer	 ans;
	struct auth_kept	 kept;
	char			*root, *base, *perr = NULL;
	const char		*path, *inm;
	size_t			 n;
	int			 rc, fresh, at_root;

	memset(srv, 0, sizeof *srv);
	memset(&ans, 0, sizeof ans);
	if (url_allowed(server_url, cause) != 0)
		return AUTH_ERR;
	if ((root = url_root(server_url)) == NULL) {
		*cause = xasprintf("\"%s\" is not a web address chartty can "
		    "use.", server_url);
		return AUTH_ERR;
	}
	/* The FHIR base: a portal's /fhir/R4, or the address as given. */
	path = server_url + strlen(root);
	n = strcspn(path, "?#");
	while (n > 0 && path[n - 1] == '/')
		n--;
	(void)auth_cache_read(server_url, &kept);
	inm = kept.text != NULL && kept.etag[0] != '\0' ? kept.etag : NULL;
	at_root = n == 0 || (n == 8 && strncmp(path, "/fhir/R4", 8) == 0);
	if (at_root)
		base = url_join(root, "fhir/R4");
	else
		base = xasprintf("%s%.*s", root, (int)n, path);
	fresh = auth_cache_fresh(&kept);
	if (fresh) {
		/* Known, and the server said it may be used unasked. */
		ans.status = 304;
		ans.max_age = kept.max_age;
		rc = AUTH_OK;
	} else
		rc = auth_ask(h, root, base, at_root, inm, &ans, cause);
	if (rc == AUTH_ERR_NETWORK && kept.text != NULL) {
		/* Out of reach: what was kept names the server, so that
		 * records kept of it can be shown (RFC 5861's stale-if-error);
		 * it is not written again. */
		free(*cause);
		*cause = NULL;
		auth_answer_free(&ans);
		ans.status = 304;
		ans.max_age = -1;
		fresh = 1;
		rc = AUTH_OK;
	}
	if (rc == AUTH_OK && ans.status == 304) {
		ans.body = json_parse(kept.text, strlen(kept.text), &perr);
		free(perr);
		/* Without a new max-age, the one it had (RFC 9111 4.3.4). */
		if (ans.max_age < 0)
			ans.max_age = kept.max_age;
		if (!json_is_object(ans.body)) {
			/* A kept file gone bad: ask again, plainly. */
			auth_answer_free(&ans);
			fresh = 0;
			rc = auth_ask(h, root, base, at_root, NULL, &ans,
			    cause);
		} else if (ans.etag == NULL && kept.etag[0] != '\0')
			ans.etag = xstrdup(kept.etag);
	}
	free(kept.text);
	if (rc != AUTH_OK) {
		/* Nothing there; a failure or an unreadable answer says so. */
		if (rc == AUTH_ERR && *cause == NULL)
			*cause = xasprintf("%s does not look like a patient "
			    "portal (no SMART configuration).", root);
		free(root);
		free(base);
		return rc;
	}
	srv->root = root;
	srv->fhir_base = base;
	auth_server_take(srv, ans.body);
	if (!fresh)
		auth_cache_write(server_url, ans.body, ans.etag, ans.max_age);
	auth_answer_free(&ans);
	return AUTH_OK;
}

void
auth_server_free(struct auth_server *srv)
{
	if (srv == NULL)
		return;
	free(srv->root);
	free(srv->fhir_base);
	free(srv->authorize_endpoint);
	free(srv->token_endpoint);
	free(srv->revoke_endpoint);
	free(srv->scopes);
	free(srv->client_id);
	memset(srv, 0, sizeof *srv);
}

void
auth_session_clear(struct auth_session *s)
{
	secret_free(s->access_token);
	secret_free(s->refresh_token);
	free(s->scope);
	free(s->patient);
	free(s->profile);
	memset(s, 0, sizeof *s);
}

void
auth_login_clear(struct auth_login *l)
{
	secret_free(l->login);
	secret_free(l->verifier);
	memset(l, 0, sizeof *l);
}

/* Post a form to the token endpoint and take the tokens it gives. */
/*
 * The fhirUser claim of an OpenID Connect id_token ("Patient/x", from a
 * relative or absolute URL), new, or NULL. The token came straight from
 * the token endpoint over TLS, so its signature is not what is relied on
 * here: only who to show as signed in.
 */
static char *
auth_fhir_user(const char *id_token)
{
	const char	*dot, *end, *user, *slash;
	char		*b64, *payload, *out = NULL, *perr = NULL;
	struct json	*claims;
	size_t		 n, i, len;

	if (id_token == NULL || (dot = strchr(id_token, '.')) == NULL ||
	    (end = strchr(dot + 1, '.')) == NULL)
		return NULL;
	n = (size_t)(end - dot - 1);
	if (n > 64 * 1024)
		return NULL;
	b64 = xcalloc(n + 4, 1);
	for (i = 0; i < n; i++)
		b64[i] = dot[1 + i] == '-' ? '+' : dot[1 + i] == '_' ? '/' :
		    dot[1 + i];
	while (i % 4 != 0)
		b64[i++] = '=';
	payload = crypto_base64_decode(b64, &len);
	free(b64);
	if (payload == NULL)
		return NULL;
	claims = json_parse(payload, len, &perr);
	free(payload);
	free(perr);
	if ((user = json_gets(claims, "fhirUser")) != NULL) {
		/* The last two segments: Type/id. */
		for (slash = user + strlen(user); slash > user &&
		    slash[-1] != '/'; slash--)
			;
		if (slash > user + 1) {
			for (slash -= 2; slash > user && slash[-1] != '/';
			    slash--)
				;
			out = xstrdup(slash);
		}
	}
	json_free(claims);
	return out;
}

static int
auth_token(struct http *h, const struct auth_server *srv, const char *form,
    struct auth_session *s, int refreshing, char **cause)
{
	struct auth_answer	 ans;
	const char		*err;
	char			*user;
	long long		 ttl;
	int			 rc;

	rc = auth_post(h, srv->token_endpoint, form, 1, NULL, &ans, cause);
	if (rc != AUTH_OK)
		return rc;
	if (ans.status != 200 || json_gets(ans.body, "access_token") == NULL) {
		err = json_gets(ans.body, "error");
		if (ans.status == 429) {
			*cause = auth_locked_sentence(ans.retry_after);
			rc = AUTH_ERR_LOCKED;
		} else if (err != NULL && strcmp(err, "invalid_grant") == 0) {
			*cause = xstrdup(refreshing ?
			    "Your session has ended. Please sign in again." :
			    "The sign-in took too long or was already used. "
			    "Please sign in again.");
			rc = refreshing ? AUTH_ERR_EXPIRED : AUTH_ERR;
		} else if (err != NULL && strcmp(err, "invalid_client") == 0) {
			/* A kiosk device's ID or secret (client_credentials). */
			*cause = xstrdup("The portal did not accept this "
			    "device's ID or secret.");
			rc = AUTH_ERR;
		} else if (ans.status >= 500 || ans.status == 0) {
			*cause = xstrdup("The portal had a problem and could "
			    "not sign you in. Try again later.");
			rc = AUTH_ERR;
		} else if (ans.status >= 300 && ans.status < 400) {
			*cause = xstrdup(HTTP_REDIRECTED);
			rc = AUTH_ERR;
		} else {
			*cause = xstrdup("The portal refused the sign-in. "
			    "Please sign in again.");
			rc = refreshing ? AUTH_ERR_EXPIRED : AUTH_ERR;
		}
		auth_answer_free(&ans);
		return rc;
	}
	secret_free(s->access_token);
	s->access_token = auth_dup(ans.body, "access_token");
	if (json_gets(ans.body, "refresh_token") != NULL) {
		secret_free(s->refresh_token);
		s->refresh_token = auth_dup(ans.body, "refresh_token");
	}
	free(s->scope);
	s->scope = auth_dup(ans.body, "scope");
	if (json_gets(ans.body, "patient") != NULL) {
		free(s->patient);
		s->patient = auth_dup(ans.body, "patient");
	}
	if (json_path(ans.body, "profile.reference") != NULL) {
		free(s->profile);
		s->profile = xstrdup(json_str(json_path(ans.body,
		    "profile.reference")));
	} else if ((user = auth_fhir_user(json_gets(ans.body, "id_token")))
	    != NULL) {
		free(s->profile);
		s->profile = user;
	}
	/* A SMART server names the patient; who signed in is that patient
	 * unless the id_token said otherwise. */
	if (s->profile == NULL && s->patient != NULL)
		s->profile = fhir_ref("Patient", s->patient);
	/* Not said, or over a year (or 1e300): as if five minutes. */
	if (json_int(json_get(ans.body, "expires_in"), 0, 366L * 86400,
	    &ttl) != 0)
		ttl = 300;
	s->expires = time(NULL) + (time_t)ttl;
	auth_answer_free(&ans);
	return AUTH_OK;
}

/* Add ap's key, value string pairs (NULL-terminated) to body. */
static void
auth_add_pairs(struct json *body, va_list ap)
{
	const char	*k, *v;

	while ((k = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		json_add_str(body, k, v ? v : "");
	}
}

/*
 * POST body as JSON to root's path, as auth_post; body and its text are
 * wiped and freed (they may hold a password).
 */
static int
auth_post_json(struct http *h, const struct auth_server *srv,
    const char *path, struct json *body, struct auth_answer *ans,
    char **cause)
{
	char	*text = json_print(body), *url = url_join(srv->root, path);
	int	 rc;

	json_free_secret(body);
	rc = auth_post(h, url, text, 0, NULL, ans, cause);
	free(url);
	secret_free(text);
	return rc;
}

/*
 * POST a JSON object of key/value string pairs (NULL-terminated) to
 * root's path; AUTH_OK for a 2xx, else a failure with the portal's words
 * (or fallback; doing for a server error, as auth_failure).
 */
static int
auth_post_fields(struct http *h, const struct auth_server *srv,
    const char *path, const char *fallback, const char *doing,
    char **cause, ...)
{
	struct auth_answer	 ans;
	struct json		*body = json_new_object();
	va_list			 ap;
	int			 rc;

	va_start(ap, cause);
	auth_add_pairs(body, ap);
	va_end(ap);
	if ((rc = auth_post_json(h, srv, path, body, &ans, cause)) != AUTH_OK)
		return rc;
	if (ans.status < 200 || ans.status >= 300)
		rc = auth_failure(&ans, fallback, doing, cause);
	else if (json_gets(ans.body, "resourceType") == NULL ||
	    strcmp(json_gets(ans.body, "resourceType"),
	    "OperationOutcome") != 0) {
		/* The contract answers an OperationOutcome: anything else
		 * is not taken for "sent". */
		*cause = xstrdup("The portal's answer could not be "
		    "understood, so it is not known whether that worked. Try "
		    "again later.");
		rc = AUTH_ERR;
	}
	auth_answer_free(&ans);
	return rc;
}

int
auth_reset_request(struct http *h, const struct auth_server *srv,
    const char *email, char **cause)
{
	return auth_post_fields(h, srv, "auth/resetpassword", "The portal "
	    "could not send a reset email. Try again later.", "send the reset "
	    "email", cause, "email", email, NULL);
}

int
auth_set_password(struct http *h, const struct auth_server *srv,
    const char *id, const char *secret, const char *password, char **cause)
{
	return auth_post_fields(h, srv, "auth/setpassword", "The portal did "
	    "not accept the new password.", "change the password", cause,
	    "id", id, "secret", secret, "password", password, NULL);
}

int
auth_forgot_username(struct http *h, const struct auth_server *srv,
    const char *first, const char *last, const char *birth, char **cause)
{
	return auth_post_fields(h, srv, "auth/forgot-username", "The portal "
	    "could not send a reminder. Try again later.", "send the reminder",
	    cause, "firstName", first, "lastName", last, "birthDate", birth,
	    NULL);
}

/* Is s a run of the characters a reset id or secret is made of? */
static int
auth_reset_word(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n > 256)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return 0;
	}
	return 1;
}

int
auth_reset_link(const char *pasted, char **id, char **secret)
{
	const char	*p, *q, *end;
	size_t		 n;

	*id = *secret = NULL;
	if (pasted == NULL)
		return -1;
	while (isspace((unsigned char)*pasted))
		pasted++;
	end = pasted + strlen(pasted);
	while (end > pasted && isspace((unsigned char)end[-1]))
		end--;
	/* A link: the two parts after ".../setpassword/". */
	if ((p = strstr(pasted, "/setpassword/")) != NULL && p < end)
		p += strlen("/setpassword/");
	else
		p = pasted;
	/* The id, then "/" or white space, then the secret. */
	for (q = p; q < end && *q != '/' && !isspace((unsigned char)*q); q++)
		;
	if (!auth_reset_word(p, (size_t)(q - p)) || q >= end)
		return -1;
	n = (size_t)(q - p);
	while (q < end && (*q == '/' || isspace((unsigned char)*q)))
		q++;
	if (end > q && end[-1] == '/')
		end--;
	if (!auth_reset_word(q, (size_t)(end - q)))
		return -1;
	*id = xstrndup(p, n);
	*secret = xstrndup(q, (size_t)(end - q));
	return 0;
}

int
auth_device(struct http *h, const struct auth_server *srv,
    const char *client_id, const char *secret, struct auth_session *s,
    char **cause)
{
	struct buf	form;
	int		rc;

	buf_init(&form, 64 * 1024);
	url_query_add(&form, "grant_type", "client_credentials");
	url_query_add(&form, "client_id", client_id);
	url_query_add(&form, "client_secret", secret);
	rc = auth_token(h, srv, form.data, s, 0, cause);
	buf_free(&form, 1);
	return rc;
}

int
auth_exchange(struct http *h, const struct auth_server *srv,
    const char *code, const char *verifier, const char *redirect_uri,
    struct auth_session *s, char **cause)
{
	struct buf	form;
	int		rc;

	buf_init(&form, 64 * 1024);
	url_query_add(&form, "grant_type", "authorization_code");
	url_query_add(&form, "code", code);
	url_query_add(&form, "code_verifier", verifier);
	url_query_add(&form, "client_id", auth_client_id(srv));
	if (redirect_uri != NULL)
		url_query_add(&form, "redirect_uri", redirect_uri);
	rc = auth_token(h, srv, form.data, s, 0, cause);
	buf_free(&form, 1);
	return rc;
}

/* Take {login, code} or {login, mfaRequired} from a sign-in answer. */
static int
auth_login_answer(struct http *h, const struct auth_server *srv,
    struct auth_answer *ans, struct auth_login *l, struct auth_session *s,
    const char *fallback, char **cause)
{
	const char	*code;

	if (ans->status != 200 || !json_is_object(ans->body))
		return auth_failure(ans, fallback, NULL, cause);
	if (json_bool(json_get(ans->body, "mfaRequired")) == 1) {
		secret_free(l->login);
		l->login = auth_dup(ans->body, "login");
		if (l->login == NULL) {
			*cause = xstrdup("The portal asked for a code but "
			    "gave no sign-in to use it with.");
			return AUTH_ERR;
		}
		return AUTH_NEED_MFA;
	}
	if ((code = json_gets(ans->body, "code")) == NULL) {
		*cause = xstrdup("The portal's sign-in answer could not be "
		    "understood.");
		return AUTH_ERR;
	}
	return auth_exchange(h, srv, code, l->verifier, NULL, s, cause);
}

/*
 * Sign in through root's path (a password sign-in, or a new account
 * signed in at once): POST the pairs given (a NULL-terminated list of
 * key, value) with a PKCE challenge, then exchange the code. AUTH_NEED_MFA
 * keeps *l for auth_mfa(). A 409 says conflict (NULL: as any refusal).
 */
static int
auth_pkce_login(struct http *h, const struct auth_server *srv,
    const char *path, const char *fallback, const char *conflict,
    struct auth_login *l, struct auth_session *s, char **cause, ...)
{
	struct auth_answer	 ans;
	struct json		*body = json_new_object();
	char			*challenge;
	va_list			 ap;
	int			 rc;

	auth_login_clear(l);
	l->verifier = pkce_verifier();
	challenge = pkce_challenge(l->verifier);
	va_start(ap, cause);
	auth_add_pairs(body, ap);
	va_end(ap);
	json_add_str(body, "codeChallenge", challenge);
	json_add_str(body, "codeChallengeMethod", "S256");
	json_add_str(body, "clientId", auth_client_id(srv));
	json_add_str(body, "scope", AUTH_SCOPE);
	secret_free(challenge);
	rc = auth_post_json(h, srv, path, body, &ans, cause);
	if (rc != AUTH_OK) {
		auth_login_clear(l);
		return rc;
	}
	if (ans.status == 409 && conflict != NULL) {
		*cause = xstrdup(conflict);
		rc = AUTH_ERR;
	} else
		rc = auth_login_answer(h, srv, &ans, l, s, fallback, cause);
	auth_answer_free(&ans);
	if (rc != AUTH_NEED_MFA)
		auth_login_clear(l);
	return rc;
}

#define AUTH_HAS_ACCOUNT "You already have an account; use Forgot password."

int
auth_activate(struct http *h, const struct auth_server *srv,
    const char *code, const char *birth, const char *email,
    const char *password, struct auth_login *l, struct auth_session *s,
    char **cause)
{
	return auth_pkce_login(h, srv, "auth/activate", "The activation "
	    "code or date of birth is not correct.", AUTH_HAS_ACCOUNT, l, s,
	    cause,
	    "activationCode", code, "birthDate", birth, "email", email,
	    "password", password, NULL);
}

int
auth_signup(struct http *h, const struct auth_server *srv,
    const char *first, const char *last, const char *birth,
    const char *ssn4, const char *email, const char *password,
    struct auth_login *l, struct auth_session *s, char **cause)
{
	return auth_pkce_login(h, srv, "auth/signup", "We could not match "
	    "those details to a patient. Please call the help desk.",
	    AUTH_HAS_ACCOUNT, l, s, cause, "firstName", first, "lastName",
	    last, "birthDate", birth,
	    "ssnLast4", ssn4, "email", email, "password", password, NULL);
}

int
auth_password(struct http *h, const struct auth_server *srv,
    const char *email, const char *password, struct auth_login *l,
    struct auth_session *s, char **cause)
{
	return auth_pkce_login(h, srv, "auth/login", "Email or password is "
	    "invalid.", NULL, l, s, cause, "email", email, "password",
	    password, NULL);
}

int
auth_mfa(struct http *h, const struct auth_server *srv, struct auth_login *l,
    const char *code, struct auth_session *s, char **cause)
{
	struct auth_answer	 ans;
	struct json		*body;
	int			 rc;

	if (l->login == NULL) {
		*cause = xstrdup("Please sign in again.");
		return AUTH_ERR;
	}
	body = json_new_object();
	json_add_str(body, "login", l->login);
	json_add_str(body, "token", code);
	if ((rc = auth_post_json(h, srv, "auth/mfa/verify", body, &ans,
	    cause)) != AUTH_OK)
		return rc;
	rc = auth_login_answer(h, srv, &ans, l, s,
	    "That code did not work. Check the code in your authenticator "
	    "app and try again.", cause);
	auth_answer_free(&ans);
	if (rc == AUTH_OK)
		auth_login_clear(l);
	return rc;
}

int
auth_refresh(struct http *h, const struct auth_server *srv,
    struct auth_session *s, char **cause)
{
	struct buf	form;
	int		rc;

	if (s->refresh_token == NULL) {
		*cause = xstrdup("Your session has ended. Please sign in "
		    "again.");
		return AUTH_ERR_EXPIRED;
	}
	buf_init(&form, 64 * 1024);
	url_query_add(&form, "grant_type", "refresh_token");
	url_query_add(&form, "refresh_token", s->refresh_token);
	url_query_add(&form, "client_id", auth_client_id(srv));
	rc = auth_token(h, srv, form.data, s, 1, cause);
	buf_free(&form, 1);
	return rc;
}

int
auth_logout(struct http *h, const struct auth_server *srv,
    struct auth_session *s, char **cause)
{
	struct auth_answer	 ans;
	struct buf		 form;
	char			*url;
	int			 rc = AUTH_OK, smart;

	/* A portal ends the session; any other SMART server revokes the
	 * token that lasts (RFC 7009), where it has a revocation endpoint. */
	smart = !(srv->caps & AUTH_CAP_PASSWORD);
	if ((s->access_token != NULL || s->refresh_token != NULL) &&
	    (!smart || srv->revoke_endpoint != NULL)) {
		url = smart ? xstrdup(srv->revoke_endpoint) :
		    url_join(srv->root, "oauth2/logout");
		buf_init(&form, 64 * 1024);
		if (s->refresh_token != NULL || smart)
			url_query_add(&form, "token", s->refresh_token ?
			    s->refresh_token : s->access_token);
		if (smart) {
			url_query_add(&form, "token_type_hint",
			    s->refresh_token ? "refresh_token" :
			    "access_token");
			url_query_add(&form, "client_id", auth_client_id(srv));
		}
		rc = auth_post(h, url, form.data ? form.data : "", 1,
		    s->access_token, &ans, cause);
		buf_free(&form, 1);
		free(url);
		if (rc == AUTH_OK) {
			if (ans.status >= 300 && ans.status != 401) {
				*cause = xstrdup("The portal could not end the "
				    "session; it will end by itself.");
				rc = AUTH_ERR;
			}
			auth_answer_free(&ans);
		}
	}
	auth_session_clear(s);
	return rc;
}

int
auth_me(struct fhir *f, struct auth_me *me, char **cause)
{
	struct fhir_result	 res;
	const struct json	*people, *p;
	size_t			 i;

	memset(me, 0, sizeof *me);
	if (fhir_request(f, "GET", "/auth/me", NULL, NULL, &res, cause) != 0) {
		long status = res.status;
		int net = res.net_error;

		fhir_result_free(&res);
		if (net != 0)
			return AUTH_ERR_NETWORK;
		return status == 401 ? AUTH_ERR_EXPIRED : AUTH_ERR;
	}
	me->arena = arena_create();
	me->profile = model_str(me->arena, json_get(res.body, "profile"),
	    "reference");
	me->display = model_str(me->arena, json_get(res.body, "profile"),
	    "display");
	people = json_get(res.body, "patients");
	me->npeople = json_size(people);
	if (me->npeople > 100)
		me->npeople = 100;
	if (me->npeople > 0)
		me->people = arena_alloc(me->arena,
		    me->npeople * sizeof *me->people);
	for (i = 0; i < me->npeople; i++) {
		p = json_at(people, i);
		me->people[i].reference = model_str(me->arena, p, "reference");
		me->people[i].display = model_str(me->arena, p, "display");
		me->people[i].relationship = model_str(me->arena, p,
		    "relationship");
		me->people[i].access = model_str(me->arena, p, "access");
		me->people[i].note = model_str(me->arena, p, "note");
	}
	fhir_result_free(&res);
	return AUTH_OK;
}

int
auth_me_smart(struct fhir *f, const struct auth_session *session,
    struct auth_me *me, char **cause)
{
	struct fhir_result	 res;
	char			*path;
	int			 rc;

	memset(me, 0, sizeof *me);
	if (session->patient == NULL) {
		*cause = xstrdup("The server named no patient record to open.");
		return AUTH_ERR;
	}
	path = fhir_ref("Patient", session->patient);
	rc = fhir_read(f, path, NULL, &res, cause);
	free(path);
	if (rc != 0) {
		rc = res.net_error ? AUTH_ERR_NETWORK : res.status == 401 ?
		    AUTH_ERR_EXPIRED : AUTH_ERR;
		fhir_result_free(&res);
		return rc;
	}
	me->arena = arena_create();
	me->npeople = 1;
	me->people = arena_alloc(me->arena, sizeof *me->people);
	me->people[0].reference = arena_own(me->arena, fhir_ref("Patient",
	    session->patient));
	me->people[0].display = model_name(me->arena, json_get(res.body,
	    "name"));
	me->people[0].relationship = arena_strdup(me->arena, "self");
	me->people[0].access = arena_strdup(me->arena, "full");
	me->profile = arena_strdup(me->arena, session->profile ?
	    session->profile : me->people[0].reference);
	me->display = me->people[0].display;
	fhir_result_free(&res);
	return AUTH_OK;
}

void
auth_me_free(struct auth_me *me)
{
	if (me == NULL)
		return;
	arena_free(me->arena);
	memset(me, 0, sizeof *me);
}
