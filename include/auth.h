/*
 * Signing in to a portal: SMART discovery, password and MFA sign-in
 * with PKCE (Medplum-style /auth endpoints), token refresh with rotation,
 * sign-out, and who the signed-in person may act for (/auth/me).
 */
#ifndef CHARTTY_AUTH_H
#define CHARTTY_AUTH_H

#include <stddef.h>
#include <time.h>

struct http;
struct fhir;
struct arena;
struct json;

/* Capabilities a server announces in its SMART configuration. */
#define AUTH_CAP_PASSWORD	0x01
#define AUTH_CAP_MFA		0x02
#define AUTH_CAP_SIGNUP		0x04
#define AUTH_CAP_ACTIVATION	0x08
#define AUTH_CAP_KIOSK		0x10
#define AUTH_CAP_PAYMENTS	0x20
#define AUTH_CAP_SMART		0x40	/* a browser sign-in (authorize) */

#define AUTH_CLIENT_ID	"chartty"
#define AUTH_SCOPE	"openid offline_access patient/*.*"
/* What a browser sign-in asks a SMART server for, by the scopes it has. */
#define AUTH_SMART_V2	"launch/patient openid fhirUser offline_access " \
	"patient/*.rs"
#define AUTH_SMART_V1	"launch/patient openid fhirUser offline_access " \
	"patient/*.read"

struct auth_server {
	char		*root;		/* scheme://host[:port] */
	char		*fhir_base;	/* root + /fhir/R4, or the address given */
	char		*authorize_endpoint;
	char		*token_endpoint;
	char		*revoke_endpoint;
	char		*scopes;	/* what a browser sign-in asks for */
	char		*client_id;	/* as registered; NULL: AUTH_CLIENT_ID */
	unsigned int	 caps;
};

struct auth_session {
	char	*access_token;
	char	*refresh_token;	/* NULL without offline_access */
	char	*scope;
	char	*patient;	/* the patient id the token is for */
	char	*profile;	/* "Patient/<id>" of the signed-in person */
	time_t	 expires;	/* when the access token stops working */
};

/* Between the password and the MFA code. */
struct auth_login {
	char	*login;
	char	*verifier;
};

/* Results: 0 signed in; AUTH_NEED_MFA; or one of the failures. */
enum auth_result {
	AUTH_OK = 0,
	AUTH_NEED_MFA = 1,
	AUTH_ERR = -1,		/* refused: wrong password, bad code, ... */
	AUTH_ERR_LOCKED = -2,	/* too many attempts (429) */
	AUTH_ERR_EXPIRED = -3,	/* the session is over: sign in again */
	AUTH_ERR_NETWORK = -4	/* no answer: unreachable, time-out, ... */
};

/*
 * Read server_url's SMART configuration. A bare server (scheme://host,
 * trailing / and a /fhir/R4 suffix accepted) is a portal with its FHIR
 * base at /fhir/R4; any other address is the FHIR base itself, its
 * configuration under it (SMART App Launch 2), else at the root. Fills
 * *srv (auth_server_free it). Returns an auth_result with *cause on
 * failure.
 */
int	 auth_discover(struct http *, const char *server_url,
	     struct auth_server *, char **cause);
void	 auth_server_free(struct auth_server *);
/*
 * Take a SMART configuration (conf, as sent) into srv, whose root is
 * set: its endpoints (printable ASCII only, else none; no token
 * endpoint: root's /oauth2/token), capabilities and browser scopes.
 */
void	 auth_server_take(struct auth_server *, const struct json *conf);

/*
 * Sign in with email and password (PKCE S256). AUTH_OK fills *session;
 * AUTH_NEED_MFA fills *login for auth_mfa(). The password is not kept.
 */
int	 auth_password(struct http *, const struct auth_server *,
	     const char *email, const char *password, struct auth_login *,
	     struct auth_session *, char **cause);
/*
 * Getting an account, signed in at once when it works (as
 * auth_password): with an activation code from the clinic and the birth
 * date, or by matching names, birth date and the last 4 digits of the
 * SSN to one patient. Failures say the portal's words (which code
 * problem, only with the right birth date; a mismatch sends to the help
 * desk, never saying which field); an account that exists (409) gets
 * "You already have an account; use Forgot password.".
 */
int	 auth_activate(struct http *, const struct auth_server *,
	     const char *code, const char *birth, const char *email,
	     const char *password, struct auth_login *,
	     struct auth_session *, char **cause);
int	 auth_signup(struct http *, const struct auth_server *,
	     const char *first, const char *last, const char *birth,
	     const char *ssn4, const char *email, const char *password,
	     struct auth_login *, struct auth_session *, char **cause);
/* Finish a sign-in with the 6-digit code; clears *login on success. */
int	 auth_mfa(struct http *, const struct auth_server *,
	     struct auth_login *, const char *code, struct auth_session *,
	     char **cause);
/*
 * A kiosk device's token (client_credentials, scope system/kiosk), for
 * client_id and its secret (not kept). AUTH_ERR with one sentence when
 * the secret is refused; AUTH_ERR_NETWORK and others as they come.
 */
int	 auth_device(struct http *, const struct auth_server *,
	     const char *client_id, const char *secret,
	     struct auth_session *, char **cause);
/* The client id sent for srv: as configured, else AUTH_CLIENT_ID. */
const char *auth_client_id(const struct auth_server *);
/* Exchange an authorization code (also for the browser SMART flow). */
int	 auth_exchange(struct http *, const struct auth_server *,
	     const char *code, const char *verifier, const char *redirect_uri,
	     struct auth_session *, char **cause);
/*
 * New tokens from session->refresh_token; the server rotates it, so the
 * caller must store the new one. AUTH_ERR_EXPIRED when it was refused.
 */
int	 auth_refresh(struct http *, const struct auth_server *,
	     struct auth_session *, char **cause);
/* Revoke the session on the server; the session is cleared either way. */
int	 auth_logout(struct http *, const struct auth_server *,
	     struct auth_session *, char **cause);
/* Wipe and free the members (the struct itself is the caller's). */
void	 auth_session_clear(struct auth_session *);
void	 auth_login_clear(struct auth_login *);

/* Who the signed-in person is and whose records they may open. */
struct auth_person {
	char	*reference;	/* "Patient/<id>" */
	char	*display;
	char	*relationship;	/* "self", "child", "parent", ... */
	char	*access;	/* "full" or "limited" */
	char	*note;		/* why access is limited, or NULL */
};
struct auth_me {
	struct arena		*arena;
	char			*profile;
	char			*display;
	struct auth_person	*people;
	size_t			 npeople;
};
/* GET /auth/me through f (so a 401 refreshes). auth_me_free after. */
int	 auth_me(struct fhir *, struct auth_me *, char **cause);
/*
 * The same for a SMART server (no /auth/me): the session's patient, read
 * for its name, as the one record; who signed in is the session's
 * profile (the id_token's fhirUser, else the patient).
 */
int	 auth_me_smart(struct fhir *, const struct auth_session *,
	     struct auth_me *, char **cause);
void	 auth_me_free(struct auth_me *);

/*
 * The sentence for a throttled answer: "Too many attempts. Try again in
 * 14 minutes or call the help desk at 555-0100." (retry_after in
 * seconds, or -1; the number when one was set).
 */
char	*auth_locked_sentence(long retry_after);
/* The help desk's telephone number for that sentence (copied; NULL: none). */
void	 auth_set_helpdesk(const char *number);
/*
 * Keep discovery answers in dir (copied; NULL: none, as on a kiosk). A
 * later start uses a kept answer without asking while the server's
 * Cache-Control max-age lasts (a day at most), then asks with its ETag.
 */
void	 auth_set_cache(const char *dir);

/*
 * Getting back in (portal-api.md section 2): ask for a reset email (the
 * same answer whether or not the account exists); set the new password
 * with the link's id and secret; ask for a username reminder. AUTH_OK,
 * or a failure with the portal's words (a link not valid or expired, a
 * password against its rules), AUTH_ERR_LOCKED, AUTH_ERR_NETWORK.
 */
int	 auth_reset_request(struct http *, const struct auth_server *,
	     const char *email, char **cause);
int	 auth_set_password(struct http *, const struct auth_server *,
	     const char *id, const char *secret, const char *password,
	     char **cause);
int	 auth_forgot_username(struct http *, const struct auth_server *,
	     const char *first, const char *last, const char *birth,
	     char **cause);
/*
 * The id and secret of a pasted reset link (".../setpassword/ID/SECRET"),
 * or of "ID SECRET" or "ID/SECRET" as typed: 0 with both (caller frees),
 * or -1 when it is neither.
 */
int	 auth_reset_link(const char *pasted, char **id, char **secret);

#endif
