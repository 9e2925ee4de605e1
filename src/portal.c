/*
 * One signed-in connection to one portal: discovery, sign-in (from the
 * keyring, or with password and MFA), token refresh that keeps the
 * keyring current, and sign-out. Screens reach FHIR through
 * portal_fhir().
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "fhir.h"
#include "http.h"
#include "json.h"
#include "kept.h"
#include "keyring.h"
#include "portal.h"
#include "smart.h"
#include "util.h"

#define PORTAL_NO_KEYRING "The system keyring is not available, so this " \
	"sign-in lasts only until chartty closes."

struct portal {
	struct http		*http;
	struct fhir		*fhir;	/* NULL until portal_connect() */
	struct auth_server	 srv;
	struct auth_session	 session;
	struct auth_login	 login;
	char			*server_url;
	char			*email;
	int			 use_keyring;	/* 0: --no-keyring or none found */
	int			 device;	/* a kiosk: email is its client id */
	char			*notice;	/* say once, then portal_notice() */
	char			*client_id;	/* as registered, or NULL */
	char			*name;		/* "Harbor Clinic", or NULL */
	char			*redirect_uri;	/* as registered, or NULL */
	struct smart_flow	 smart;		/* a browser sign-in under way */
	int			 smart_on;
	/* What was read, kept encrypted between starts (kept.h). */
	int			 keep;		/* 0: cache = no, a kiosk */
	struct kept		*kept;
	int			 offline;	/* out of reach: kept only */
};

/* The kept entry of who was signed in, for a start out of reach. */
#define PORTAL_KEPT_SESSION	"chartty:session"

struct portal *
portal_create(const char *server_url, const char *email, int use_keyring)
{
	struct portal	*p = xcalloc(1, sizeof *p);

	p->http = http_create();
	p->server_url = xstrdup(server_url);
	p->email = xstrdup(email);
	p->use_keyring = use_keyring;
	p->keep = 0;	/* portal_set_keep() turns it on */
	p->smart.fd = -1;
	if (!use_keyring)
		p->notice = xstrdup(PORTAL_NO_KEYRING);
	return p;
}

void
portal_free(struct portal *p)
{
	if (p == NULL)
		return;
	auth_session_clear(&p->session);
	auth_login_clear(&p->login);
	auth_server_free(&p->srv);
	smart_end(&p->smart);
	free(p->client_id);
	free(p->redirect_uri);
	free(p->name);
	kept_free(p->kept);
	fhir_free(p->fhir);
	http_free(p->http);
	free(p->server_url);
	free(p->email);
	free(p->notice);
	free(p);
}

char *
portal_notice(struct portal *p)
{
	char	*n = p->notice;

	p->notice = NULL;
	return n;
}

int
portal_signed_in(const struct portal *p)
{
	return p->session.access_token != NULL || p->offline;
}

void
portal_set_keep(struct portal *p, int keep)
{
	p->keep = keep;
}

int
portal_offline(const struct portal *p)
{
	return p->offline;
}

/*
 * Signed in: keep what is read from now on (where records may be
 * kept), and who this session is for, so that a start out of reach can
 * show them.
 */
static void
portal_keep(struct portal *p)
{
	struct json	*who;
	char		*why = NULL;

	if (p->kept == NULL && p->keep && p->use_keyring && !p->device)
		p->kept = kept_open(p->srv.root, p->email, 1, &why);
	free(why);
	if (p->kept == NULL)
		return;
	fhir_set_kept(p->fhir, p->kept);
	who = json_new_object();
	if (p->session.patient != NULL)
		json_add_str(who, "patient", p->session.patient);
	if (p->session.profile != NULL)
		json_add_str(who, "profile", p->session.profile);
	kept_put(p->kept, PORTAL_KEPT_SESSION, who, NULL);
	json_free(who);
}

/*
 * The portal is out of reach at the start: open what was kept, read
 * only, as the person it was kept for: 0, or -1 when nothing was.
 */
static int
portal_go_offline(struct portal *p)
{
	struct json	*who = NULL;
	char		*why = NULL;
	const char	*s;

	if (!p->keep || !p->use_keyring || p->device)
		return -1;
	if (p->kept == NULL)
		p->kept = kept_open(p->srv.root, p->email, 0, &why);
	free(why);
	if (p->kept == NULL || kept_get(p->kept, PORTAL_KEPT_SESSION, &who,
	    NULL, NULL) != 0)
		return -1;
	auth_session_clear(&p->session);
	if ((s = json_gets(who, "patient")) != NULL)
		p->session.patient = xstrdup(s);
	if ((s = json_gets(who, "profile")) != NULL)
		p->session.profile = xstrdup(s);
	json_free_secret(who);
	p->offline = 1;
	fhir_set_kept(p->fhir, p->kept);
	fhir_set_offline(p->fhir, 1);
	return 0;
}



/* The keyring failed: say so once and carry on without it. */
static void
portal_keyring_gone(struct portal *p, char *why)
{
	free(why);
	if (!p->use_keyring)
		return;
	p->use_keyring = 0;
	free(p->notice);
	p->notice = xstrdup(PORTAL_NO_KEYRING);
}

/* Keep the keyring's refresh token the same as the session's. */
static void
portal_save_token(struct portal *p)
{
	char	*why = NULL;

	if (!p->use_keyring || p->session.refresh_token == NULL)
		return;
	if (keyring_store(p->srv.root, p->email, KEYRING_REFRESH,
	    p->session.refresh_token, &why) != KEYRING_OK)
		portal_keyring_gone(p, why);
}

static void
portal_forget_token(struct portal *p)
{
	char	*why = NULL;

	if (p->use_keyring && keyring_delete(p->srv.root, p->email,
	    KEYRING_REFRESH, &why) == KEYRING_UNAVAILABLE)
		portal_keyring_gone(p, why);
}

/* fhir's 401 hook: one refresh, with the rotated token saved. */
static int
portal_refresh(void *arg, char **cause)
{
	struct portal	*p = arg;
	int		 rc;

	if (p->device)	/* a device signs in again with its secret */
		return portal_device_sign_in(p, cause) == AUTH_OK ? 0 : -1;
	rc = auth_refresh(p->http, &p->srv, &p->session, cause);
	if (rc == AUTH_OK) {
		fhir_set_token(p->fhir, p->session.access_token);
		portal_save_token(p);
		return 0;
	}
	if (rc == AUTH_ERR_EXPIRED) {
		portal_forget_token(p);
		auth_session_clear(&p->session);
		fhir_set_token(p->fhir, NULL);
	}
	return -1;
}

int
portal_connect(struct portal *p, char **cause)
{
	int	rc;

	auth_server_free(&p->srv);
	fhir_free(p->fhir);
	p->fhir = NULL;
	rc = auth_discover(p->http, p->server_url, &p->srv, cause);
	if (rc != AUTH_OK)
		return rc;
	if (p->client_id != NULL)
		p->srv.client_id = xstrdup(p->client_id);
	if (p->name != NULL)
		keyring_name(p->srv.root, p->name);
	p->fhir = fhir_create(p->http, p->srv.root, p->srv.fhir_base);
	fhir_set_refresh(p->fhir, portal_refresh, p);
	fhir_set_kept(p->fhir, p->kept);
	fhir_set_offline(p->fhir, p->offline);
	/* A portal announces its own sign-in; a plain SMART server none. */
	fhir_set_extras(p->fhir, (p->srv.caps & ~AUTH_CAP_SMART) != 0);
	return AUTH_OK;
}

/* A sign-in finished: hand the token to FHIR and keep the refresh token. */
static int
portal_signed(struct portal *p)
{
	fhir_set_token(p->fhir, p->session.access_token);
	portal_save_token(p);
	portal_keep(p);
	return AUTH_OK;
}

int
portal_resume(struct portal *p, char **cause)
{
	char	*token = NULL, *why = NULL;
	int	 rc;

	if (!p->use_keyring || p->email == NULL) {
		*cause = xstrdup("Please sign in.");
		return AUTH_ERR_EXPIRED;
	}
	rc = keyring_lookup(p->srv.root, p->email, KEYRING_REFRESH, &token,
	    &why);
	if (rc != KEYRING_OK) {
		if (rc == KEYRING_UNAVAILABLE)
			portal_keyring_gone(p, why);
		*cause = xstrdup("Please sign in.");
		return AUTH_ERR_EXPIRED;
	}
	auth_session_clear(&p->session);
	p->session.refresh_token = token;
	rc = auth_refresh(p->http, &p->srv, &p->session, cause);
	if (rc == AUTH_OK)
		return portal_signed(p);
	if (rc == AUTH_ERR_EXPIRED)
		portal_forget_token(p);
	auth_session_clear(&p->session);
	if (rc == AUTH_ERR_NETWORK && portal_go_offline(p) == 0) {
		free(*cause);
		*cause = NULL;
		return AUTH_OK;
	}
	return rc;
}

int
portal_reconnect(struct portal *p, char **cause)
{
	if (!p->offline)
		return AUTH_OK;
	p->offline = 0;
	fhir_set_offline(p->fhir, 0);
	/* Out of reach still: offline again, as it was. */
	return portal_resume(p, cause);
}

int
portal_sign_in(struct portal *p, const char *password, char **cause)
{
	int	rc;

	/* A client hides what a server does not announce (portal-api.md). */
	if (!(p->srv.caps & AUTH_CAP_PASSWORD)) {
		*cause = xstrdup("This portal does not offer password "
		    "sign-in.");
		return AUTH_ERR;
	}
	auth_session_clear(&p->session);
	rc = auth_password(p->http, &p->srv, p->email, password, &p->login,
	    &p->session, cause);
	return rc == AUTH_OK ? portal_signed(p) : rc;
}

int
portal_activate(struct portal *p, const char *code, const char *birth,
    const char *password, char **cause)
{
	int	rc;

	if (!(p->srv.caps & AUTH_CAP_ACTIVATION)) {
		*cause = xstrdup("This portal does not offer activation "
		    "codes.");
		return AUTH_ERR;
	}
	auth_session_clear(&p->session);
	rc = auth_activate(p->http, &p->srv, code, birth, p->email, password,
	    &p->login, &p->session, cause);
	return rc == AUTH_OK ? portal_signed(p) : rc;
}

int
portal_signup(struct portal *p, const char *first, const char *last,
    const char *birth, const char *ssn4, const char *password, char **cause)
{
	int	rc;

	if (!(p->srv.caps & AUTH_CAP_SIGNUP)) {
		*cause = xstrdup("This portal does not offer signing up.");
		return AUTH_ERR;
	}
	auth_session_clear(&p->session);
	rc = auth_signup(p->http, &p->srv, first, last, birth, ssn4, p->email,
	    password, &p->login, &p->session, cause);
	return rc == AUTH_OK ? portal_signed(p) : rc;
}

int
portal_verify(struct portal *p, const char *code, char **cause)
{
	int	rc;

	rc = auth_mfa(p->http, &p->srv, &p->login, code, &p->session, cause);
	return rc == AUTH_OK ? portal_signed(p) : rc;
}

void
portal_forget_kept(struct portal *p)
{
	if (p->fhir != NULL) {
		fhir_set_kept(p->fhir, NULL);
		fhir_set_offline(p->fhir, 0);
	}
	kept_free(p->kept);
	p->kept = NULL;
	p->offline = 0;
	if (p->srv.root != NULL && p->use_keyring)
		kept_remove(p->srv.root, p->email);
}

int
portal_sign_out(struct portal *p, char **cause)
{
	int	rc;

	rc = p->offline ? AUTH_OK : auth_logout(p->http, &p->srv,
	    &p->session, cause);
	portal_forget_token(p);
	/* Nothing read stays behind: the files, then their key. */
	if (p->fhir != NULL)
		fhir_set_token(p->fhir, NULL);
	portal_forget_kept(p);
	auth_session_clear(&p->session);
	return rc;
}

/* Does the server offer kiosk check-in? (portal-api.md: hide it if not) */
static int
portal_kiosk_offered(const struct portal *p, char **cause)
{
	if (p->srv.caps & AUTH_CAP_KIOSK)
		return 1;
	*cause = xstrdup("This portal does not offer kiosk check-in.");
	return 0;
}

int
portal_device_setup(struct portal *p, const char *secret, char **cause)
{
	char	*why = NULL;
	int	 rc;

	if (!portal_kiosk_offered(p, cause))
		return AUTH_ERR;
	auth_session_clear(&p->session);
	rc = auth_device(p->http, &p->srv, p->email, secret, &p->session,
	    cause);
	if (rc != AUTH_OK)
		return rc;
	auth_session_clear(&p->session);
	if (keyring_store(p->srv.root, p->email, KEYRING_CLIENT_SECRET, secret,
	    &why) != KEYRING_OK) {
		*cause = xasprintf("%s A kiosk keeps its secret only in the "
		    "system keyring, so nothing was stored.", why);
		free(why);
		return AUTH_ERR;
	}
	return AUTH_OK;
}

int
portal_device_sign_in(struct portal *p, char **cause)
{
	char	*secret = NULL, *why = NULL;
	int	 rc;

	if (!portal_kiosk_offered(p, cause))
		return AUTH_ERR;
	rc = keyring_lookup(p->srv.root, p->email, KEYRING_CLIENT_SECRET,
	    &secret, &why);
	if (rc == KEYRING_NOT_FOUND) {
		*cause = xasprintf("This kiosk is not set up for %s: run "
		    "\"chartty kiosk setup --client-id %s\" first.",
		    p->srv.root, p->email);
		return AUTH_ERR;
	}
	if (rc != KEYRING_OK) {
		*cause = xasprintf("%s The kiosk keeps its secret only there, "
		    "so it cannot sign in.", why);
		free(why);
		return AUTH_ERR;
	}
	p->device = 1;
	auth_session_clear(&p->session);
	rc = auth_device(p->http, &p->srv, p->email, secret, &p->session,
	    cause);
	secret_free(secret);
	if (rc == AUTH_OK)
		fhir_set_token(p->fhir, p->session.access_token);
	return rc;
}

void
portal_drop_session(struct portal *p)
{
	if (p == NULL)
		return;
	auth_session_clear(&p->session);
	auth_login_clear(&p->login);
	p->offline = 0;
	if (p->fhir != NULL) {
		fhir_set_token(p->fhir, NULL);
		fhir_set_offline(p->fhir, 0);
	}
}

struct fhir *
portal_fhir(const struct portal *p)
{
	return p->fhir;
}

struct http *
portal_http(const struct portal *p)
{
	return p->http;
}

const struct auth_server *
portal_server(const struct portal *p)
{
	return &p->srv;
}

struct auth_session *
portal_session(struct portal *p)
{
	return &p->session;
}

const char *
portal_url(const struct portal *p)
{
	return p->server_url;
}

const char *
portal_email(const struct portal *p)
{
	return p->email;
}

int
portal_mfa_pending(const struct portal *p)
{
	return p->login.login != NULL;
}

void
portal_set_client(struct portal *p, const char *client_id,
    const char *redirect_uri)
{
	free(p->client_id);
	free(p->redirect_uri);
	p->client_id = client_id ? xstrdup(client_id) : NULL;
	p->redirect_uri = redirect_uri ? xstrdup(redirect_uri) : NULL;
	if (p->fhir != NULL) {
		free(p->srv.client_id);
		p->srv.client_id = client_id ? xstrdup(client_id) : NULL;
	}
}

int
portal_smart_begin(struct portal *p, char **cause)
{
	portal_smart_end(p);
	if (!(p->srv.caps & AUTH_CAP_SMART)) {
		*cause = xstrdup("This server does not offer sign-in with a "
		    "browser.");
		return AUTH_ERR;
	}
	if (smart_begin(&p->smart, &p->srv, p->redirect_uri, cause) != 0)
		return AUTH_ERR;
	p->smart_on = 1;
	return AUTH_OK;
}

const char *
portal_smart_url(const struct portal *p)
{
	return p->smart_on ? p->smart.url : NULL;
}

int
portal_smart_fd(const struct portal *p)
{
	return p->smart_on ? p->smart.fd : -1;
}

int
portal_smart_take(struct portal *p)
{
	return p->smart_on ? smart_take(&p->smart) : 0;
}

int
portal_smart_finish(struct portal *p, const char *pasted, char **cause)
{
	char	*code = NULL;
	int	 rc;

	if (!p->smart_on) {
		*cause = xstrdup("Start the sign-in again.");
		return AUTH_ERR;
	}
	if (pasted == NULL && p->smart.got == NULL) {
		*cause = xstrdup("The browser has not come back yet: sign in "
		    "there, or paste the address it ended on.");
		return AUTH_ERR;
	}
	if (smart_code(&p->smart, pasted ? pasted : p->smart.got, &code,
	    cause) != 0) {
		/* What the loopback got is used once. */
		secret_free(p->smart.got);
		p->smart.got = NULL;
		return AUTH_ERR;
	}
	auth_session_clear(&p->session);
	rc = auth_exchange(p->http, &p->srv, code, p->smart.verifier,
	    p->smart.redirect_uri, &p->session, cause);
	secret_free(code);
	/* A code is single-use: success or not, this sign-in is over. */
	portal_smart_end(p);
	if (rc == AUTH_OK && p->session.patient == NULL) {
		auth_session_clear(&p->session);
		*cause = xstrdup("The server signed you in but named no "
		    "patient record to open.");
		return AUTH_ERR;
	}
	return rc == AUTH_OK ? portal_signed(p) : rc;
}

void
portal_smart_end(struct portal *p)
{
	smart_end(&p->smart);
	p->smart_on = 0;
}

int
portal_me(struct portal *p, struct auth_me *me, char **cause)
{
	if (p->srv.caps & AUTH_CAP_PASSWORD)
		return auth_me(p->fhir, me, cause);
	return auth_me_smart(p->fhir, &p->session, me, cause);
}

void
portal_set_ca_file(struct portal *p, const char *path)
{
	http_set_ca_file(p->http, path);
}

void
portal_set_name(struct portal *p, const char *name)
{
	free(p->name);
	p->name = name ? xstrdup(name) : NULL;
}
