/*
 * Conversations with the care team as portal-api.md describes them: one
 * conversation read (its header and messages, oldest first), the care
 * team's messages marked read as they are shown (received, If-Match).
 */
#ifndef CHARTTY_MESSAGES_H
#define CHARTTY_MESSAGES_H

#include <stddef.h>

#include "careteam.h"
#include "model.h"
#include "util.h"

struct fhir;
struct fhir_pages;
struct json;

#define MESSAGES_THREAD_MAX	200	/* messages of one conversation */

struct messages_thread {
	struct arena	*a;
	struct message	 header;
	int		 have_header;
	struct message	*msgs;		/* oldest first */
	size_t		 n;
	int		 unmarked;	/* read here, but not marked so */
};

/*
 * Load conversation id (its header, and its newest MESSAGES_THREAD_MAX
 * messages) into t, marking each unread message of the care team read.
 * t is left as it was when this fails: 0, or -1 with *cause.
 */
int	 messages_thread_load(struct fhir *, const char *id,
	     struct messages_thread *, char **cause);
void	 messages_thread_clear(struct messages_thread *);

/* The list of conversations, newest first, a page at a time. */
#define MESSAGES_PAGE	20

/* Start pages at patient's (a reference) first page of conversations. */
void	 messages_inbox_start(struct fhir_pages *, const char *patient);
/* A page of conversations fetched (page, a Bundle): their headers (*n of
 * them) in a, the server's count into *total. */
struct message *messages_inbox_take(struct arena *, const struct json *page,
	     size_t *n, long *total);

/* A message to send: a reply in conversation conv, or (conv NULL) the
 * first of a new conversation with its topic and category. */
struct messages_out {
	const char	*patient;	/* whose record: an id */
	const char	*sender;	/* the signed-in profile, or NULL */
	const char	*sender_name;
	const char	*to;		/* a care team member's reference */
	const char	*to_name;
	const char	*conv;		/* the conversation's id, or NULL */
	const char	*topic;		/* new: the subject */
	const char	*category;	/* new: a code of the categories */
	const char	*category_name;
	const char	*text;
	const char	*request_id;	/* the message, or the header */
	const char	*request_id2;	/* new: the first message */
};

/*
 * Who can be written to for patient (an id), named (careteam_name), and,
 * for a reply (conv set), the conversation's header into *head (strings
 * in the arena; *have_head). 0, or -1 with *cause.
 */
int	 messages_team_load(struct fhir *, const char *patient,
	     const char *conv, struct arena *, struct careteam *,
	     struct message *head, int *have_head, char **cause);
/*
 * Send m once however often it is sent again with the same ids: a reply
 * is one create; a new conversation one transaction of the header and
 * the first message, all or nothing. 0, or -1 with *cause.
 */
int	 messages_send(struct fhir *, const struct messages_out *m,
	     char **cause);

#endif
