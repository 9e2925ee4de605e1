/*
 * The records of one's own organizations shown together (linked
 * organizations, app_portals): one batch to each at once, in the one
 * loop. The first organization's answer is waited for; each other's is
 * taken as it arrives, so the slowest server holds back no one's rows.
 * Domain modules make the batch (urls) and read its answer; the screen
 * merges what comes.
 */
#ifndef CHARTTY_LINKED_H
#define CHARTTY_LINKED_H

#include <stddef.h>

#include "app.h"
#include "fhir.h"

#define LINKED_MAX	(APP_MAX_LINKS + 1)

struct portal;
struct view;

/*
 * What a screen does with organization i's answer (i 0: the first, its
 * own; then each other as it arrives): job->rc 0 with job->res, or -1
 * with job->cause.
 */
typedef void linked_take_fn(void *state, size_t i,
	     const struct fhir_batch_job *job);
struct linked_ask;

struct linked {
	struct app		*app;
	size_t			 n;	/* organizations, the first one's own */
	struct portal		*p[LINKED_MAX];	/* [0]: app->portal */
	struct fhir_batch_job	 job[LINKED_MAX];
	int			 waiting[LINKED_MAX];
	void			*screen;	/* its state (app_ready, take) */
	const struct linked_ask	*ask;
	/* "Harbor Clinic": awaited, then dropped by a reload that failed. */
	char			*dropped;
};

/*
 * What a screen asks of each organization: urls(its server, patient
 * there, urls) makes the batch (at most max urls), or urls_at() makes it for
 * organization org; 0 urls: nothing is asked there (take() is then not
 * called for it, but for the first it is, with job->res.body NULL). get:
 * one GET of urls[0] (a search or a page's link), not a batch.
 */
struct linked_ask {
	size_t		 (*urls)(const struct fhir *, const char *patient,
			     char **urls);
	size_t		 (*urls_at)(void *state, size_t org,
			     const char *patient, char **urls);
	size_t		   max;
	int		   get;
	linked_take_fn	  *take;
};
/*
 * Ask each organization at once, then wait for the first's answer: 0
 * once take() had it, or -1 with *cause when it failed (take() is not
 * called: what is on screen stays whole). Those already in are taken
 * too; a line reader (plain mode), who gets a screen once, whole, waits
 * for every one (so does an app with no ui). The others come to the
 * screen's .ready(), which calls linked_take(). l (and ask) must stay in
 * place until linked_free().
 */
int	 linked_load(struct linked *, struct app *, void *state,
	     const struct linked_ask *, char **cause);
/* take() each other organization's answer that is in. */
void	 linked_take(struct linked *);
/* Say which organizations are awaited ("Still loading: ..."), and which
 * a failed reload left out. */
void	 linked_view(const struct linked *, struct view *);
/* Organization i's name for people. */
const char *linked_name(const struct linked *, size_t i);
/* Organization i's portal, for app_push_at(); NULL when it is no longer
 * signed in (rows of it then open nothing). */
struct portal *linked_portal(const struct linked *, size_t i);
/* Cancel the answers still awaited, and forget what was said. */
void	 linked_drop(struct linked *);
void	 linked_free(struct linked *);

/*
 * A list paged at each organization (reports, conversations): page P of
 * the screen holds a page of each organization that has one, newest
 * first across them. Each organization goes through its own pages in
 * order, and the page it showed on each page of the screen is kept: a
 * page shown again is the same page, and one that did not come (slow,
 * failed, dropped) is asked again on the next page forward, so none is
 * lost. A page moves only once its answer is taken.
 */
struct linked_pages_org {
	struct portal	*who;		/* whose pages these are */
	char		**urls;		/* its pages known: urls[j] is j+1 */
	size_t		  n;
	char		 *next;		/* the next link of its last page */
	int		  elsewhere;	/* that link is on another server */
	size_t		 *shown;	/* its page on screen page k+1, or 0 */
	size_t		  nshown;
	long		  total;	/* its count of all, or -1 */
	size_t		  asked;	/* its page asked now, or 0 */
};
struct linked_pages {
	struct linked		 l;
	struct linked_pages_org	 at[LINKED_MAX];
	size_t			 number;	/* the page on screen */
	size_t			 asked;		/* the page being loaded */
	int			 refocus;	/* a new page came */
	char			*missing;	/* "Harbor Clinic: ..." */
	/* The first page's search for patient (a reference). */
	void			(*start)(struct fhir_pages *,
				    const char *patient);
};
/* Load screen page `page` (the one on screen, or one next to it), as
 * linked_load() does; ask's urls_at() is linked_pages_url(). */
int	 linked_pages_load(struct linked_pages *, struct app *, void *state,
	     const struct linked_ask *, size_t page, char **cause);
/* urls_at() of such a list, whose screen's state begins with its struct
 * linked_pages: organization org's address for the page asked (into
 * urls[0]), or 0 when it has none to show there. */
size_t	 linked_pages_url(void *state, size_t org, const char *patient,
	     char **urls);
/*
 * In take(): organization org's answer. The first one's makes the page
 * asked the page on screen (what was shown goes). 0 when there is a page
 * to read (job->res.body), or -1: nothing asked of it, or it failed
 * (said in missing).
 */
int	 linked_pages_take(struct linked_pages *, size_t org,
	     const struct fhir_batch_job *);
/*
 * Is there a page after the one on screen? 1, 0, or -1 when one's next
 * page is on another server (view_pages says so).
 */
int	 linked_pages_more(const struct linked_pages *);
/* The count of all of them at every organization, or -1 when one has
 * not said. */
long	 linked_pages_total(const struct linked_pages *);
/* Say which organizations are awaited, and which failed. */
void	 linked_pages_view(const struct linked_pages *, struct view *);
/* Cancel what is awaited and free the pages. */
void	 linked_pages_free(struct linked_pages *);

#endif
