/*
 * Conversations with the care team as portal-api.md describes them: one
 * conversation read (its header and messages, oldest first), the care
 * team's messages marked read as they are shown (received, If-Match).
 */
#ifndef CHARTTY_MESSAGES_H
#define CHARTTY_MESSAGES_H

#include <stddef.h>

#include "model.h"
#include "util.h"

struct fhir;

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

#endif
