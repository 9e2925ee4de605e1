/*
 * Unsent messages kept across restarts, only ever encrypted: AES-256-GCM
 * under a key that lives in the OS keyring, in files under
 * $XDG_DATA_HOME/chartty/drafts named by a hash. Without a keyring a
 * draft cannot be kept, and saving says so.
 */
#ifndef CHARTTY_DRAFTS_H
#define CHARTTY_DRAFTS_H

struct json;

/*
 * Keep fields (a JSON object of strings and numbers) as the draft name
 * ("maria-lopez|reply:comm-1") of account at server, replacing it.
 * 0, or -1 with *cause (no keyring, a file that cannot be written).
 */
int	 draft_save(const char *server, const char *account, const char *name,
	     const struct json *fields, char **cause);
/*
 * The draft name: 0 with *fields (json_free_secret it), 1 when there is
 * none, -1 with *cause when it cannot be read (no keyring, damaged).
 */
int	 draft_load(const char *server, const char *account, const char *name,
	     struct json **fields, char **cause);
/* A message's draft: what was typed, and the ids of a send whose answer
 * was lost (all three, or none). Strings are the draft's own. */
struct draft_message {
	char	*to;		/* the recipient's reference */
	int	 category;	/* index of the category chosen */
	char	*subject;
	char	*body;
	char	*request_id, *request_id2, *sent;
};

/* draft_save() and draft_load() of a message's draft. */
int	 draft_message_save(const char *server, const char *account,
	     const char *name, const struct draft_message *, char **cause);
int	 draft_message_load(const char *server, const char *account,
	     const char *name, struct draft_message *, char **cause);
/* Wipe and free what a loaded draft holds. */
void	 draft_message_free(struct draft_message *);
/* Forget the draft name (its file held only ciphertext); none is fine. */
void	 draft_remove(const char *server, const char *account,
	     const char *name);

#endif
