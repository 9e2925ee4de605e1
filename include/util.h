/* Memory wrappers, bounded buffers, fatal errors and secret wiping. */
#ifndef CHARTTY_UTIL_H
#define CHARTTY_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define CHARTTY_PRINTF(a, b) __attribute__((format(printf, a, b)))

/*
 * Allocation that cannot fail: on out-of-memory they call fatal().
 * xstrdup(NULL) returns NULL.
 */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) CHARTTY_PRINTF(1, 2);
char	*xvasprintf(const char *, va_list) CHARTTY_PRINTF(1, 0);

/*
 * Print "chartty: message" to stderr, run the registered terminal
 * restore hook, and exit(1). Never returns.
 */
void	 fatal(const char *, ...) CHARTTY_PRINTF(1, 2)
	    __attribute__((noreturn));
/* Register the hook fatal() runs first (the UI restores the terminal). */
void	 fatal_set_hook(void (*)(void));

/* Wipe memory that held a secret; the compiler may not optimise it out. */
void	 secure_wipe(void *, size_t);
/* Wipe and free a secret string; NULL is a no-op. */
void	 secret_free(char *);
/*
 * free() and realloc() that wipe what they let go of (the whole block,
 * as malloc_usable_size() says): the allocator handed to libcurl and
 * OpenSSL, whose buffers held a password, a card or a token.
 */
void	 free_wiped(void *);
void	*realloc_wiped(void *, size_t);

/* Copy with truncation; always NUL-terminates; returns strlen(src). */
size_t	 strlcpy_c(char *, const char *, size_t);

/* Nothing but spaces, tabs and line breaks (or nothing at all)? */
int	 str_blank(const char *);
/* Parse a whole decimal number in [min, max]; -1 on anything else. */
int	 parse_number(const char *, long long, long long, long long *);

/*
 * A growable byte buffer with a hard maximum. buf_add fails (returns -1)
 * instead of growing past max; the contents stay NUL-terminated.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 size;
	size_t	 max;
};
void	 buf_init(struct buf *, size_t);
int	 buf_add(struct buf *, const void *, size_t);
int	 buf_addstr(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...) CHARTTY_PRINTF(2, 3);
/* Take the contents (caller frees); the buffer is left empty. */
char	*buf_take(struct buf *);
/* Free the contents, wiping them first when secret is non-zero. */
void	 buf_free(struct buf *, int secret);

/*
 * Make the process unable to dump core or be ptrace-attached by other
 * users' processes, so tokens and health data never reach a core file.
 */
void	 harden_process(void);



/*
 * An arena: many small allocations freed (and wiped) together. Parsed
 * records keep their strings in one, so freeing a screen's data is one
 * call and leaves no health data behind in freed memory.
 */
struct arena;
struct arena	*arena_create(void);
/* Wipe and free everything; NULL is a no-op. */
void		 arena_free(struct arena *);
void		*arena_alloc(struct arena *, size_t);	/* zeroed */
char		*arena_strdup(struct arena *, const char *);	/* NULL ok */
/* Take arena other over: it is freed (with what it keeps) with a. */
void		 arena_keep(struct arena *a, struct arena *other);
/* Take ownership of a malloc'd string s: it is freed with the arena. */
char		*arena_own(struct arena *, char *s);
/* Make every missing directory of dir, each 0700: 0, or -1. */
int	 mkdirs_private(const char *dir);
/* Where public facts about servers are kept between starts (their
 * discovery and capabilities): $XDG_CACHE_HOME/chartty, else
 * ~/.cache/chartty, or NULL (free it). */
char	*cache_dir(void);
/* Open the file name in dir for reading when both are this user's
 * alone (dir writable by no one else, the file a regular one, not a
 * link, readable by no one else); NULL otherwise. */
FILE	*fopen_private(const char *dir, const char *name);
/* Replace the file at path with len bytes of data, whole or not at all
 * (written beside it as 0600, synced, renamed over it): 0, or -1 with
 * errno. */
int	 file_replace(const char *path, const void *data, size_t len);
/* May an answer fetched at that time be used without asking, the server
 * having said max_age seconds (-1: nothing said)? */
int	 cache_fresh(time_t fetched, long max_age);
/* Replace the file name in dir (made 0700 if missing; it must be this
 * user's alone) with len bytes of text, whole or not at all, readable by
 * the owner alone: 0, or -1. */
int	 file_replace_private(const char *dir, const char *name,
	     const char *text, size_t len);

#endif
