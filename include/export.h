/*
 * A copy of a patient's record (chartty export, Download my record): as a
 * FHIR R4 Bundle of type collection holding everything the portal lets
 * the patient read, from Patient/$everything where the server's
 * CapabilityStatement announces it, else from every area's search paged
 * to the end; or as plain text for people (the wallet card, then test
 * results, visits and notes). Written to a new file readable only by its
 * owner, never over an existing one, and removed again when it cannot be
 * finished.
 */
#ifndef CHARTTY_EXPORT_H
#define CHARTTY_EXPORT_H

#include <stddef.h>
#include <time.h>

struct fhir;
struct json;

enum export_format {
	EXPORT_FHIR,		/* a Bundle, for other health apps */
	EXPORT_TEXT		/* plain lines, for people */
};

struct export_request {
	enum export_format	 format;
	const char		*patient;	/* the record's id */
	const char		*whose;		/* its name, for the text */
	const char		*from;		/* the portal, for the text */
	const char		*path;		/* the new file */
	/*
	 * Called as pages arrive: done of total records so far (total -1
	 * when the server does not say). May be NULL.
	 */
	void			(*progress)(void *arg, long done, long total);
	void			*arg;
	/*
	 * When set, *partial is path while the unfinished file exists and
	 * NULL otherwise, for a signal handler that removes it.
	 */
	const char *volatile	*partial;
};

struct export_result {
	long	 records;	/* FHIR: entries written; text: records read */
	int	 everything;	/* Patient/$everything gave the record */
	char	*skipped;	/* what the portal refused, in sentences, or
				   NULL */
};

/*
 * Write the record of q->patient to the new file q->path. 0 with *res
 * filled (export_result_free it), or -1 with *cause one sentence and no
 * file left behind (an existing file is never touched). A type the
 * server refuses (403, 404) is left out and said in res->skipped.
 */
int	 export_run(struct fhir *, const struct export_request *q,
	     struct export_result *res, char **cause);
void	 export_result_free(struct export_result *);

/*
 * Non-zero when the CapabilityStatement capability announces the
 * operation Patient/$everything (by its name on the Patient resource, or
 * by its definition's canonical URL).
 */
int	 export_has_everything(const struct json *capability);

/* "fhir" or "text": the format, or -1. */
int	 export_format_parse(const char *);
/*
 * A name for a new file in dir: "<dir>/chartty-record-YYYY-MM-DD.json"
 * (".txt" for text), the local date of now, with "-2", "-3", ... when
 * the name is taken. A new string.
 */
char	*export_default_path(const char *dir, enum export_format, time_t now);
/* "Downloading: 340 of 1,208 results" (or "340 results" when the total is
 * not known) into buf. */
void	 export_progress_words(long done, long total, char *buf, size_t len);

#endif
