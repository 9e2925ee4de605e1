/*
 * FHIR R4 REST for one portal: reads, searches with paging, batches,
 * idempotent creates, guarded updates and operations. A 401 gets one
 * token refresh and one retry.
 */
#ifndef CHARTTY_FHIR_H
#define CHARTTY_FHIR_H

#include <stddef.h>
#include <time.h>

struct arena;
struct http;
struct json;
struct fhir;
struct kept;

struct fhir_result {
	long		 status;	/* HTTP status; 0 when none arrived */
	struct json	*body;		/* parsed answer, or NULL (304, empty) */
	char		*etag;		/* W/"<versionId>", or NULL */
	char		*location;
	long		 retry_after;	/* seconds, or -1 */
	long		 max_age;	/* Cache-Control max-age, or -1 */
	int		 no_store;	/* Cache-Control: no-store */
	int		 net_error;	/* an http_error when no answer came */
	char		*raw;		/* fhir_get_raw: the answer as sent */
	size_t		 raw_len;
};

/*
 * A client for the portal whose server root is root (scheme://host:port)
 * and FHIR base base. Both are copied; the http client is borrowed.
 */
struct fhir	*fhir_create(struct http *, const char *root, const char *base);
void		 fhir_free(struct fhir *);
/* Set the access token (copied; the old copy is wiped). NULL clears. */
void		 fhir_set_token(struct fhir *, const char *);
/*
 * The hook run once when an answer is 401: it should get a new access
 * token (calling fhir_set_token) and return 0, or -1 with *cause.
 */
void		 fhir_set_refresh(struct fhir *, int (*)(void *, char **),
		     void *);
const char	*fhir_base(const struct fhir *);
/*
 * What was read, kept between starts (kept.h; borrowed, NULL: none):
 * every plain GET and every batch of GETs is kept; one kept with an ETag
 * is asked with If-None-Match (request.ifNoneMatch in a batch), and a
 * 304 is answered by what was kept. When the portal cannot be reached
 * (no connection, a time-out, a gateway's 502 to 504), what was kept
 * answers instead, and fhir_take_as_of() says since when.
 */
void		 fhir_set_kept(struct fhir *, struct kept *);
/*
 * The portal is out of reach for this session: reads are answered by
 * what was kept (or fail: "This was not kept from an earlier visit..."),
 * and every change is refused in one sentence, nothing sent.
 */
void		 fhir_set_offline(struct fhir *, int);
/*
 * Mark the requests from now on as a download shown with progress (an
 * export, an attachment): on, they get the longer deadline
 * (http_set_deadlines). Returns the mark it replaces, to put back.
 */
int		 fhir_set_download(struct fhir *, int on);
/* When the oldest kept answer shown since the last call was read from
 * the portal, or 0 when every answer was the portal's own; then 0. */
time_t		 fhir_take_as_of(struct fhir *);

/*
 * One request. path is relative to the FHIR base ("Patient/1"), or to the
 * server root when it starts with '/' ("/auth/me"), or an absolute URL
 * under the FHIR base. body (may be NULL) is sent as FHIR JSON; headers
 * is a NULL-terminated list of extra "Name: value" or NULL.
 * Returns 0 for 2xx and 304 with *res filled (fhir_result_free it), or -1
 * with *res filled as far as known and *cause one plain sentence.
 */
int	 fhir_request(struct fhir *, const char *method, const char *path,
	     const struct json *body, const char **headers,
	     struct fhir_result *, char **cause);
/* GET path; with etag, sends If-None-Match (a 304 leaves body NULL). */
int	 fhir_read(struct fhir *, const char *path, const char *etag,
	     struct fhir_result *, char **cause);
/*
 * fhir_read without If-None-Match, keeping besides the parsed body the
 * answer's text as sent in res->raw (res->raw_len bytes; wiped and freed
 * with the result): for copies that must be exact (an export).
 */
int	 fhir_get_raw(struct fhir *, const char *path, struct fhir_result *,
	     char **cause);
/* GET type?query (query already escaped, may be NULL or ""). */
int	 fhir_search(struct fhir *, const char *type, const char *query,
	     struct fhir_result *, char **cause);
/*
 * Follow the bundle's link "next". Returns 1 when there is none (res
 * untouched), 0 on success, -1 on error. Links outside the base are
 * refused: the token is never sent elsewhere.
 */
int	 fhir_next(struct fhir *, const struct json *bundle,
	     struct fhir_result *, char **cause);
/*
 * The url of the bundle's link rel ("next", "self"), copied, or NULL
 * when absent or not under this portal's base (never followed then).
 */
char	*fhir_link(const struct fhir *, const struct json *bundle,
	     const char *rel);
/*
 * Does the bundle's link rel point to another server? It is never
 * followed, and said in these words.
 */
int	 fhir_link_elsewhere(const struct fhir *, const struct json *bundle,
	     const char *rel);
#define FHIR_ELSEWHERE	"The next page is on another server; chartty did " \
	"not follow it."
/*
 * The path of a record, "type/<id>" with id escaped, then "/op" when op
 * is set ("$pay"); a new string.
 */
char	*fhir_path(const char *type, const char *id, const char *op);
/*
 * A reference as "Type/id", whether it came relative ("Practitioner/1"),
 * absolute ("https://host/fhir/R4/Practitioner/1") or versioned
 * (".../_history/2"); a new string, or NULL for anything else (contained
 * "#x", "urn:uuid:...").
 */
char	*fhir_ref_local(const char *ref);
/*
 * A search URL relative to the base: type (which may carry the program's
 * own constant parameters: "Condition?category=problem-list-item"), then
 * the pairs given as key, value, ..., NULL, every value escaped (so an id
 * put in a value cannot change the search); pairs whose value is NULL are
 * left out. A new string.
 */
char	*fhir_query(const char *type, ...);
/* A reference "type/id" (a new string): a search value for fhir_query, or
 * a resource's reference in a body. */
char	*fhir_ref(const char *type, const char *id);
/* A number as a search value ("_count", FHIR_NUM(20)). */
#define FHIR_NUM(n)	FHIR_NUM_(n)
#define FHIR_NUM_(n)	#n
/* POST a batch Bundle of n GETs (urls relative to the base). */
int	 fhir_batch(struct fhir *, const char *const *urls, size_t n,
	     struct fhir_result *, char **cause);
/*
 * fhir_batch, then free the n urls (each malloc'd); on failure *res is
 * freed as well, so the caller only has *cause to say.
 */
int	 fhir_batch_take(struct fhir *, char **urls, size_t n,
	     struct fhir_result *, char **cause);
/*
 * A batch to one server that may be left running (linked organizations:
 * each answer taken as it comes). Set f, urls (each malloc'd; freed when
 * finished or dropped) and n, or get for one GET of urls[0] (a search
 * or a page's link: its answer is that Bundle); read rc, res and cause
 * once finished. The rest is the job's own: callers never touch it.
 */
struct http_req;
struct fhir_batch_job {
	struct fhir		*f;
	char			**urls;
	size_t			  n;
	int			  get;
	/* Once finished: rc 0 with res (fhir_result_free it), or -1 with
	 * cause (free it). */
	struct fhir_result	  res;
	char			 *cause;
	int			  rc;
	/* Under way. */
	int			  started;
	struct http_req		 *req;
	int			 *sent;
	size_t			  nsent;
	void			(*arrived)(void *);
	void			 *arg;
};
/* Send the batch; arrived(arg) (or NULL) is called from the loop when
 * its answer is in. */
void	 fhir_batch_start(struct fhir_batch_job *, void (*arrived)(void *),
	     void *arg);
/* Is the answer of a started job in (nothing to wait for)? */
int	 fhir_batch_arrived(const struct fhir_batch_job *);
/* Wait (running the loop) for n started jobs: 0, or -1 when the wait was
 * broken (Esc): then each one under way ends "Cancelled.". */
int	 fhir_batch_wait(struct fhir_batch_job *, size_t n);
/* Take a started job's answer (waiting for it if need be; an expired
 * token refreshed and the batch sent again): rc, res, cause set as
 * fhir_batch_take leaves them. */
void	 fhir_batch_finish(struct fhir_batch_job *);
/* Cancel a started job (its answer never taken) and free what it held. */
void	 fhir_batch_drop(struct fhir_batch_job *);

/*
 * Entry i of a batch answer: its resource (borrowed) and HTTP status in
 * *status; NULL when the entry failed (then *outcome, if non-NULL, gets
 * its sentence, caller frees).
 */
struct json *fhir_batch_entry(const struct json *bundle, size_t i,
	     long *status, char **outcome);
/*
 * POST a new resource of type. With request_id (a UUID), the resource
 * gets identifier urn:chartty:request|<uuid> and If-None-Exist, so a
 * retry finds the first instead of making a second.
 */
int	 fhir_create_resource(struct fhir *, const char *type,
	     struct json *resource, const char *request_id,
	     struct fhir_result *, char **cause);
/* A new transaction Bundle (caller frees); its entry array in *entries. */
struct json *fhir_transaction(struct json **entries);
/*
 * Add to a transaction's entries a POST of resource r (taken over) of
 * type that happens once: identifier urn:chartty:request|<request_id>,
 * fullUrl urn:uuid:<request_id> (for references between entries) and
 * ifNoneExist on that identifier.
 */
void	 fhir_transaction_create(struct json *entries, const char *type,
	     struct json *r, const char *request_id);
/* PUT path with If-Match: etag (required). 412 means changed meanwhile. */
int	 fhir_update(struct fhir *, const char *path, const struct json *,
	     const char *etag, struct fhir_result *, char **cause);
/* POST an operation (e.g. "Invoice/1/$pay") with Parameters or NULL. */
int	 fhir_operation(struct fhir *, const char *path, const struct json *,
	     struct fhir_result *, char **cause);
void	 fhir_result_free(struct fhir_result *);

/* The resources of a searchset Bundle: count and element i (borrowed). */
size_t		 fhir_bundle_count(const struct json *bundle);
struct json	*fhir_bundle_resource(const struct json *bundle, size_t i);
/* Bundle.total, or -1 when absent. */
long		 fhir_bundle_total(const struct json *bundle);

/*
 * Paging through a search a page at a time, holding only the page on
 * screen: the url of every page up to the current one (short strings),
 * and the current page's next link.
 */
struct fhir_pages {
	char	**urls;
	size_t	  n;
	char	 *next;
	int	  elsewhere;	/* its next link is on another server */
};
/* Start at first (a search path or url, copied); frees what was there. */
void	 fhir_pages_start(struct fhir_pages *, const char *first);
/*
 * Fetch the current page (dir 0), the next (1) or the previous (-1).
 * On success the pages move and *res holds the bundle (0); on failure
 * nothing moves (-1 with *cause). Asking past either end is -1 too.
 */
int	 fhir_pages_fetch(struct fhir *, struct fhir_pages *, int dir,
	     struct fhir_result *, char **cause);
/* The address of the page dir away (0: the current), or NULL when there
 * is none; then, once it was fetched (page its answer), move there. */
const char *fhir_pages_url(const struct fhir_pages *, int dir);
void	 fhir_pages_moved(struct fhir *, struct fhir_pages *, int dir,
	     const struct json *page);
/*
 * The current page number (1 for the first), and whether there is more:
 * 1, 0, or -1 when the next page is on another server (view_pages says
 * so).
 */
size_t	 fhir_pages_number(const struct fhir_pages *);
int	 fhir_pages_more(const struct fhir_pages *);
void	 fhir_pages_free(struct fhir_pages *);
/*
 * Fetch the page dir away from the current one (0: the same again) and
 * parse at most max of its resources with parse (0: keep it; ctx is
 * passed on) into an array of records of size bytes: *out (*n of them)
 * in a new arena *a that the caller frees; the server's count in
 * *total. 0, or -1 with *cause (nothing is made then).
 */
int	 fhir_pages_records(struct fhir *, struct fhir_pages *, int dir,
	     size_t size, size_t max,
	     int (*parse)(struct arena *, const struct json *, void *out,
	     void *ctx), void *ctx,
	     struct arena **a, void **out, size_t *n, long *total,
	     char **cause);
/* The same of a page already fetched (bundle), into a: the records
 * (*n of them), the server's count in *total. */
void	*fhir_records(struct arena *, const struct json *bundle, size_t size,
	     size_t max, int (*parse)(struct arena *, const struct json *,
	     void *, void *), void *ctx, size_t *n, long *total);

/*
 * What the server's CapabilityStatement allows, per resource type: read
 * it (GET metadata, If-None-Match when read before) into f; 0, or -1
 * with *cause, everything then being allowed as before. fhir_can() is
 * the type's FHIR_CAN_* flags: all of them while no statement was read,
 * none for a type the statement does not list.
 */
#define FHIR_CAN_READ	0x1	/* read, vread, search-type */
#define FHIR_CAN_CREATE	0x2
#define FHIR_CAN_UPDATE	0x4	/* update or patch */
#define FHIR_CAN_LASTN	0x8	/* Observation/$lastn, where announced */
#define FHIR_CAN_OVERVIEW 0x10	/* Patient/<id>/$overview, where announced */
int		 fhir_load_capabilities(struct fhir *, char **cause);
/*
 * What a CapabilityStatement (as sent) allows, into f as the statement
 * read: 0, or -1 (f as it was) when it is none or has no server part.
 */
int		 fhir_take_capabilities(struct fhir *, const struct json *);
/*
 * Keep what the statement allows, with its ETag, in a file in dir (made
 * 0700; NULL: keep nothing), so that a later start asks with
 * If-None-Match and a 304 answers it.
 */
void		 fhir_set_cache(struct fhir *, const char *dir);
unsigned int	 fhir_can(const struct fhir *, const char *type);

/*
 * Whether the server is a portal with the portal's extras (urn:chartty:
 * extensions whose absence means something), as discovery said: yes
 * unless set otherwise.
 */
void		 fhir_set_extras(struct fhir *, int);
int		 fhir_extras(const struct fhir *);

/* The plain sentence for an HTTP status when the server gave none. */
const char	*fhir_status_sentence(long status);

#endif
