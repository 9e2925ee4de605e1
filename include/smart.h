/*
 * A SMART on FHIR standalone launch (SMART App Launch 2, RFC 8252): the
 * authorize address with PKCE S256 and a state, a loopback listener the
 * browser is sent back to, and the code taken from that redirect or from
 * the address a person pastes (the whole address, or the code alone).
 * The code is then exchanged by auth_exchange(); see portal.h.
 */
#ifndef CHARTTY_SMART_H
#define CHARTTY_SMART_H

struct auth_server;

struct smart_flow {
	char	*verifier;	/* PKCE, wiped after */
	char	*state;
	char	*redirect_uri;
	char	*url;		/* the authorize address, in full */
	int	 fd;		/* the loopback listener, or -1 */
	char	*got;		/* the redirect's target ("/callback?..."),
				   once the loopback had it */
};

/*
 * Start a sign-in at srv (its client id and scopes). redirect_uri is the
 * one registered for chartty there, or NULL: a loopback address made
 * here. A loopback redirect (http://127.0.0.1 or localhost) is listened
 * on when it can be; another one is only pasted back. 0, or -1 with
 * *cause.
 */
int	 smart_begin(struct smart_flow *, const struct auth_server *srv,
	     const char *redirect_uri, char **cause);
/*
 * The listener is readable: take one request. 1 when it was the
 * redirect (kept in ->got, and the browser told to go back to chartty),
 * 0 when it was something else (answered, dropped) or nothing came.
 */
int	 smart_take(struct smart_flow *);
/*
 * The redirect's target ("/callback?...") in head, the request read at
 * the listener (NUL-terminated), new; NULL when head is not a GET of the
 * redirect address's path.
 */
char	*smart_redirect(const struct smart_flow *, const char *head);
/*
 * The code of a redirect target or pasted text (an address with code
 * and state, or the code alone): 0 with *code (new), or -1 with *cause
 * (another sign-in's address, a refusal said in the server's words, or
 * text that holds no code).
 */
int	 smart_code(const struct smart_flow *, const char *pasted,
	     char **code, char **cause);
/* Close the listener and wipe the flow. */
void	 smart_end(struct smart_flow *);

#endif
