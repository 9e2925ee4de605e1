/*
 * The application: a stack of screens and the signed-in portal, on the
 * one event loop (evloop.h) that waits on the terminal, the network, a
 * signal pipe and timers together. Screens describe (they build views
 * and handle actions); the UI draws.
 */
#ifndef CHARTTY_APP_H
#define CHARTTY_APP_H

#include <stddef.h>
#include <stdio.h>

#include "auth.h"
#include "keys.h"

struct portal;
struct ui;
struct view;
struct view_row;

/* What an action handler asks the loop to do next (htop's reactions). */
#define APP_REDRAW	0x01	/* build the view again and draw it */
#define APP_REFETCH	0x02	/* load the screen's data again */
#define APP_PUSH	0x04	/* open the screen set by app_push() */
#define APP_POP		0x08	/* close this screen */
#define APP_QUIT	0x10
#define APP_HOME	0x20	/* close everything down to Home */
#define APP_READY	0x40	/* (app_after) ask the screen's .ready() */

struct app;

/* A portal area or helper screen: one per file in screens/. */
struct screen {
	const char	*title;		/* "Health summary" */
	/* A title that depends on the state ("Reply"; owned by the state
	 * or static); NULL: .title. The loop alone puts it on the view. */
	const char	*(*title_of)(void *state);
	const char	*loading;	/* "Loading health summary..." or NULL */
	/*
	 * Make the state and fetch; 0, or -1 with *cause. arg (from
	 * app_push, malloc'd, or NULL) is open()'s from then on, whether it
	 * succeeds or fails: it keeps it in the state or frees it.
	 */
	int		(*open)(struct app *, void *arg, void **state,
			    char **cause);
	/* Free an arg the loop could not hand to open() (too many screens
	 * open); NULL: free(). */
	void		(*drop)(void *arg);
	/* Load again (after REFETCH); NULL means open() is not repeated. */
	int		(*fetch)(struct app *, void *state, char **cause);
	/* Describe the screen. */
	void		(*view)(struct app *, void *state, struct view *);
	/* Enter on a row (an item chosen, a button pressed, a field
	 * submitted): APP_* flags (or NULL). */
	int		(*action)(struct app *, void *state,
			    const struct view_row *);
	/*
	 * Esc: go back a step of the screen's own (APP_* flags), or 0 to
	 * close it as usual. NULL: close. (On a kiosk, closing the first
	 * screen ends the patient's turn.)
	 */
	int		(*back)(struct app *, void *state);
	/* Free the state; NULL: the state is one block (or NULL), freed. */
	void		(*close)(void *state);
	/* Used signed out (sign-in, getting back in): the loop never asks
	 * to sign in over it. */
	int		 signed_out;
	/*
	 * Before the person leaves (back, quit, another area): non-zero
	 * keeps the screen open, having said why (an unsent draft); the
	 * screen lets the next try go. NULL: always leave.
	 */
	int		(*leave)(struct app *, void *state);
	/* What the screen waits for may have come (app_after with
	 * APP_READY): APP_* flags. NULL: nothing is waited for. */
	int		(*ready)(struct app *, void *state);
};

/*
 * The screens main hands the loop: sign-in, Home and help, and the areas
 * a number key reaches (NULL-terminated, areas[0] being Home). The loop
 * names no screen of its own.
 */
struct app_screens {
	const struct screen		*signin, *home, *help;
	const struct screen *const	*areas;
};

struct app_options {
	const struct app_screens *screens;
	const char	*server;
	const char	*email;
	const char	*label;		/* the account's name for the portal */
	const char	*note;		/* said on the sign-in screen */
	int		 use_keyring;
	int		 no_cache;	/* cache = no: keep nothing read */
	int		 plain;
	int		 ascii;
	int		 color;
	int		 kiosk;		/* a check-in terminal: no way out */
	int		 idle;		/* seconds without a key before the
					   sign-out (a kiosk: the turn's end);
					   0: never */
	const char	*location;	/* kiosk: "Location/<id>", or NULL */
	const char	*help;		/* kiosk: the front desk's words */
	const char	*helpdesk;	/* its number and hours, or NULL */
	/* A SMART server's registration for chartty (NULL: chartty's own
	 * client id, a loopback redirect), and no browser to start. */
	const char	*client_id, *redirect_uri;
	int		 no_browser;
	/* A private CA's certificates to trust for the portal, or NULL. */
	const char	*ca_file;
	/* Accounts at other organizations shown together with this one
	 * (link = yes in the configuration). */
	const struct app_account *links;
	size_t		 nlinks;
};

/* An account at another organization, linked to the one signed in. */
struct app_account {
	const char	*server, *email, *label, *client_id, *redirect_uri;
	const char	*ca_file;	/* its own ca-file, or NULL */
};

#define APP_MAX_LINKS	4

/* A linked organization's connection, once the app is signed in. */
struct app_link {
	const struct app_account *account;
	struct portal	*portal;	/* NULL until tried */
	int		 signed_in;
	char		*why;		/* why it is not, said on Home */
};

struct app {
	struct app_options	 opt;
	struct portal		*portal;
	struct ui		*ui;
	struct auth_me		 me;		/* who may be viewed */
	const struct auth_person *record;	/* whose record is open */
	int			 quit;
	int			 depth;		/* screens open */
	char			*message;	/* said on the next draw */
	const struct screen	*next;		/* set by app_push() */
	void			*next_arg;
	struct portal		*next_at;	/* set by app_push_at() */
	/* Where the screen on top (or being opened) works (NULL:
	 * portal); the loop keeps it. See app_here(). */
	struct portal		*here;
	char			*here_ref;	/* app_here_patient_ref() */
	unsigned		 changes;	/* see app_changed() */
	struct app_link		 links[APP_MAX_LINKS];
	size_t			 nlinks;
};

/*
 * What the detail screen shows: a title and label/value pairs, some of
 * which open another screen (a trend, say) with a copy of their arg.
 */
struct detail {
	struct arena		 *arena;
	const char		 *title;
	const char		**labels;
	const char		**values;
	const struct screen	**links;	/* NULL for a plain fact */
	const char		**args;
	size_t			  n, cap;
};
/* A new detail (its strings copied into its arena). */
struct detail	*detail_create(const char *title);
/* Add a pair; empty or NULL values are left out. */
void		 detail_add(struct detail *, const char *label,
		     const char *value);
/* Add a pair that opens screen s with a malloc'd copy of arg. */
void		 detail_link(struct detail *, const char *label,
		     const char *value, const struct screen *s,
		     const char *arg);
void		 detail_free(struct detail *);

/*
 * Run the interactive client until the person quits: exit status 0, or
 * 128 + the signal that ended it (SIGTERM, SIGHUP; SIGINT during a
 * request).
 */
int	 app_run(const struct app_options *);
/* Ask for screen s (with arg, which is then the screen's: see .open and
 * .drop) to be opened; return APP_PUSH. */
int	 app_push(struct app *, const struct screen *, void *arg);
/*
 * Something was sent that other screens show (a payment, a booking):
 * each screen loaded before reloads when it is on top again. APP_POP
 * with APP_REFETCH says the same.
 */
void	 app_changed(struct app *);
/*
 * In seconds, act on flags (APP_REFETCH: try again; APP_HOME: on a kiosk,
 * end the turn) if the same screen is still on top; a later call
 * replaces it.
 */
void	 app_after(struct app *, int seconds, int flags);
/*
 * What the screen whose state this is waits for has come (an answer
 * arrived, from a callback of the loop): its .ready() is asked when it
 * is on top, now or once the screens over it close.
 */
void	 app_ready(struct app *, const void *state);
/*
 * Connect to each linked organization and sign in from the keyring where
 * it can (its own entry): those that cannot say why on Home, where a
 * browser sign-in starts (screen_smart with the link's index).
 */
void	 app_links_resume(struct app *);
/*
 * The portals whose records show together: app->portal first, then, for
 * one's own record, every linked organization signed in (at most
 * APP_MAX_LINKS + 1 into p). Their number.
 */
size_t	 app_portals(const struct app *, struct portal **p);
/* Is the record open the signed-in person's own? */
int	 app_is_self(const struct app *);
/* Sign out of every linked organization too (revoke, forget). */
void	 app_links_sign_out(struct app *);
/* The organization's name for people: its label, else its host. */
const char *app_org_name(const struct app *, const struct portal *);
/* A portal for server and email with the options' keyring use and the
 * client registration (not signed in, not app->portal yet). */
struct portal *app_portal_create(const struct app *, const char *server,
	     const char *email);
/*
 * app_push, the screen working at organization at (one of app_portals:
 * a row of a linked organization opens there). The screens it opens in
 * turn work there too; Home and the areas work at app->portal.
 */
int	 app_push_at(struct app *, const struct screen *, void *arg,
	     struct portal *at);
/* The organization the screen on top (or being opened) works at. */
struct portal *app_here(const struct app *);
/* Is it another than app->portal (a linked organization)? */
int	 app_elsewhere(const struct app *);
/* The open record's patient there: an id, and as a reference (in a
 * buffer of the app's, good until the next call). */
const char *app_here_patient(const struct app *);
const char *app_here_patient_ref(const struct app *);
/* Who is signed in there, as a reference (a request's requester, a
 * message's sender): me.profile, or at a linked organization the patient
 * there (the same buffer as app_here_patient_ref()). */
const char *app_here_profile(const struct app *);
/* Set the message said on the next draw (copied). */
void	 app_say(struct app *, const char *);
/* Say that a change was made, naming the organization where it was when
 * that is a linked one ("Lakeside Clinic: Message sent."). */
void	 app_say_done(struct app *, const char *);
/* The open record's patient id ("maria-lopez"), or NULL. */
const char *app_patient(const struct app *);
/* The open record as a reference ("Patient/maria-lopez"), or NULL: a
 * search value for fhir_query. */
const char *app_patient_ref(const struct app *);
/* The open record's display name. */
const char *app_whose(const struct app *);
/* Tell the person a request has started ("Loading..."), drawn at once. */
void	 app_loading(struct app *, const char *);
/* Sign-in finished: load who may be viewed and open Home. */
int	 app_signed_in(struct app *, char **cause);
/*
 * The same for a command that shows only one's own record (summary
 * --text): where the token names the signed-in person's own record, that
 * is the record (no display name: the record's own gives it), and who
 * else may be viewed is not asked; otherwise app_signed_in().
 */
int	 app_signed_in_own(struct app *, char **cause);
/* Say the portal's one-time notice (no keyring), if it has one. */
void	 app_notice(struct app *);

#endif
