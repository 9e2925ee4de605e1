/*
 * One signed-in connection to one portal: discovery, sign-in (from the
 * keyring, or with password and MFA), token refresh that keeps the
 * keyring current, and sign-out. Opaque: screens reach FHIR through
 * portal_fhir().
 */
#ifndef CHARTTY_PORTAL_H
#define CHARTTY_PORTAL_H

#include "auth.h"

struct http;
struct fhir;

struct portal;


/* A portal for server_url and email (both copied); nothing sent yet. */
struct portal	*portal_create(const char *server_url, const char *email,
		     int use_keyring);
/* Wipe every token and free; NULL is a no-op. Does not sign out. */
void		 portal_free(struct portal *);
/*
 * Keep what is read, encrypted, between starts (kept.h): on unless set
 * off (cache = no, a kiosk), and only with a keyring. Signing out
 * deletes it.
 */
void		 portal_set_keep(struct portal *, int);
/* Also trust the CA certificates in path (ca-file, --ca-file) for every
 * request to this portal (http_set_ca_file); NULL: the system's only. */
void		 portal_set_ca_file(struct portal *, const char *path);
/* Was the portal out of reach at the silent sign-in, so that only what
 * was kept is shown (portal_resume)? */
int		 portal_offline(const struct portal *);
/* Out of reach at the start: try the keyring's sign-in again (a
 * reload), back to the portal when it answers (auth_result). */
int		 portal_reconnect(struct portal *, char **cause);
/* Delete what was kept of this account (files and key), signed in or
 * not; portal_sign_out() does it too. */
void		 portal_forget_kept(struct portal *);
/* Read the server's SMART configuration (auth_result). */
int		 portal_connect(struct portal *, char **cause);
/*
 * Sign in silently with the keyring's refresh token: AUTH_OK when that
 * worked, or when the portal is out of reach and records were kept
 * (then only what was kept is shown, and nothing can be changed);
 * AUTH_ERR_EXPIRED when there is none or it was refused (then ask for
 * the password); AUTH_ERR_NETWORK and others as they come.
 */
int		 portal_resume(struct portal *, char **cause);
/*
 * Sign in with the password: AUTH_OK, AUTH_NEED_MFA, or a failure; AUTH_ERR
 * with a sentence, sending nothing, when the server does not announce
 * portal-password-login.
 */
int		 portal_sign_in(struct portal *, const char *password,
		     char **cause);
/*
 * A new account for the portal's email, signed in and kept in the keyring
 * when it works: with an activation code, or by identity match. AUTH_ERR
 * with a sentence, sending nothing, when the server does not announce it.
 */
int		 portal_activate(struct portal *, const char *code,
		     const char *birth, const char *password, char **cause);
int		 portal_signup(struct portal *, const char *first,
		     const char *last, const char *birth, const char *ssn4,
		     const char *password, char **cause);
/* What people call the organization ("Harbor Clinic"; copied): its
 * keyring items say so. */
void		 portal_set_name(struct portal *, const char *name);
/*
 * The client id and redirect address registered for chartty at this
 * server (copied; NULL: chartty's own, and a loopback address).
 */
void		 portal_set_client(struct portal *, const char *client_id,
		     const char *redirect_uri);
/*
 * A browser sign-in (SMART standalone launch), where the server offers
 * one: begin makes the address to open (portal_smart_url) and, for a
 * loopback redirect, a listener to watch (portal_smart_fd, -1 if none);
 * take answers what came to it (1: the redirect, kept); finish signs in
 * with pasted (an address or a code) or, NULL, what the listener got:
 * AUTH_OK, kept in the keyring, or a failure with one sentence. end
 * drops a sign-in under way.
 */
int		 portal_smart_begin(struct portal *, char **cause);
const char	*portal_smart_url(const struct portal *);
int		 portal_smart_fd(const struct portal *);
int		 portal_smart_take(struct portal *);
int		 portal_smart_finish(struct portal *, const char *pasted,
		     char **cause);
void		 portal_smart_end(struct portal *);
/* Give the MFA code after AUTH_NEED_MFA. */
int		 portal_verify(struct portal *, const char *code, char **cause);
/*
 * A kiosk device (the portal made with its client id as the email):
 * check secret with the portal (client_credentials) and keep it in the
 * keyring; AUTH_OK, or a failure with one sentence and nothing stored
 * (wrong secret, no keyring, a portal without kiosks). The caller wipes
 * secret.
 */
int		 portal_device_setup(struct portal *, const char *secret,
		     char **cause);
/*
 * Sign the device in with the keyring's secret (again whenever its token
 * is refused): AUTH_OK, or a failure with one sentence.
 */
int		 portal_device_sign_in(struct portal *, char **cause);
/*
 * Forget the session's tokens here (wiped), leaving the server and the
 * keyring as they are: the idle sign-out, after which the password is
 * asked again. NULL is a no-op.
 */
void		 portal_drop_session(struct portal *);
/* Revoke the session and delete the keyring's token. */
int		 portal_sign_out(struct portal *, char **cause);
/*
 * Who is signed in and whose records may be opened: a portal's /auth/me,
 * or, at a SMART server, the token's patient alone (auth_me_smart).
 */
int		 portal_me(struct portal *, struct auth_me *, char **cause);
/* Take the one-time notice (caller frees), or NULL. */
char		*portal_notice(struct portal *);
/* Non-zero when an access token is held. */
int		 portal_signed_in(const struct portal *);
/* Its FHIR client (NULL until portal_connect()) and HTTP connection. */
struct fhir	*portal_fhir(const struct portal *);
struct http	*portal_http(const struct portal *);
/* What discovery said: root, FHIR base, endpoints, capabilities. */
const struct auth_server *portal_server(const struct portal *);
/* The session's tokens and patient (owned by the portal). */
struct auth_session *portal_session(struct portal *);
/* The address and email it was made for. */
const char	*portal_url(const struct portal *);
const char	*portal_email(const struct portal *);
/* Non-zero while a sign-in waits for its MFA code. */
int		 portal_mfa_pending(const struct portal *);

#endif
