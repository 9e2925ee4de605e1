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
	struct portal		*p[LINKED_MAX];
	struct fhir_batch_job	 job[LINKED_MAX];
	int			 waiting[LINKED_MAX];
	void			*screen;	/* its state: app_ready(), take() */
	const struct linked_ask	*ask;
};

/*
 * What a screen asks of each organization: urls(patient there, urls)
 * makes the batch (at most max urls), or urls_at() makes it for
 * organization org (0: nothing is asked there; take() is not called for
 * it, or for the first, with no answer: job->res.body NULL); get: one
 * GET of urls[0] (a search or a page's link), not a batch.
 */
struct linked_ask {
	size_t		 (*urls)(const char *patient, char **urls);
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
 * for every one (so does an app with no ui). The others come to the screen's .ready(), which calls
 * linked_take(). l (and ask) must stay in place until linked_drop().
 */
int	 linked_load(struct linked *, struct app *, void *state,
	     const struct linked_ask *, char **cause);
/* take() each other organization's answer that is in. */
void	 linked_take(struct linked *);
/* Say which organizations are still awaited ("Still loading: ..."). */
void	 linked_view(const struct linked *, struct view *);
/* Organization i's name for people. */
const char *linked_name(const struct linked *, size_t i);
/* Cancel the answers still awaited. */
void	 linked_drop(struct linked *);

/*
 * A list paged at each organization (reports, conversations): page P of
 * the screen is page P of each organization that has one, newest first
 * across them; one with fewer pages adds none after its last. A page
 * moves only once its answer is taken.
 */
struct linked_pages {
	struct linked		 l;
	struct fhir_pages	 at[LINKED_MAX];
	int			 dir[LINKED_MAX];	/* the move asked */
	size_t			 number;	/* the page on screen */
	size_t			 asked;		/* the page being loaded */
	int			 refocus;	/* a new page came */
	char			*missing;	/* "Harbor Clinic: ..." */
	/* The first page's search for patient (a reference). */
	void			(*start)(struct fhir_pages *,
				    const char *patient);
};
/* Load screen page `page` (the one on screen, or one next to it), as
 * linked_load() does; ask's urls_at() calls linked_pages_url(). */
int	 linked_pages_load(struct linked_pages *, struct app *, void *state,
	     const struct linked_ask *, size_t page, char **cause);
/* urls_at() of such a list, whose screen's state begins with its struct
 * linked_pages: organization org's address for the page asked (into
 * urls[0]), or 0 when it has no such page. */
size_t	 linked_pages_url(void *state, size_t org, const char *patient,
	     char **urls);
/*
 * In take(): organization org's answer. The first one's makes the page
 * asked the page on screen (what was shown goes). 0 when there is a page
 * to read (job->res.body: its pages moved there), or -1: not asked of
 * it, or failed (said in missing).
 */
int	 linked_pages_take(struct linked_pages *, size_t org,
	     const struct fhir_batch_job *);
/* Does organization org have a page after the one on screen? */
int	 linked_pages_more(const struct linked_pages *, size_t org);
/* Say which organizations are awaited, and which failed. */
void	 linked_pages_view(const struct linked_pages *, struct view *);
/* Cancel what is awaited and free the pages. */
void	 linked_pages_free(struct linked_pages *);

#endif
