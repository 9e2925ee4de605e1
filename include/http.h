/*
 * HTTP over libcurl's multi interface: one reused connection per server,
 * bounded answers, requests waited on by the one event loop (evloop.h).
 */
#ifndef CHARTTY_HTTP_H
#define CHARTTY_HTTP_H

#include <stddef.h>
#include <time.h>

struct http;		/* a client: one reused connection per server */
struct http_req;	/* one request under way */

struct http_request {
	const char	 *method;	/* "GET" when NULL */
	const char	 *url;
	const char	**headers;	/* NULL-terminated "Name: value", or NULL */
	const char	 *body;		/* may be NULL */
	size_t		  body_len;
	int		  secret;	/* body holds a secret: wipe our copy */
	int		  download;	/* shown with progress: the longer
					   deadline (http_set_deadlines) */
};

struct http_response {
	long	 status;	/* HTTP status, 0 when none arrived */
	char	*body;		/* NUL-terminated, decompressed */
	size_t	 len;
	char	*etag;		/* header values, or NULL */
	char	*location;
	char	*content_type;
	long	 retry_after;	/* seconds from Retry-After, or -1 */
	long	 max_age;	/* Cache-Control max-age (seconds), or -1 */
	int	 no_store;	/* Cache-Control: no-store: never kept */
	time_t	 date;		/* the server's clock (Date), or 0 */
};

enum http_error {
	HTTP_OK = 0,
	HTTP_ERR_URL = -1,	/* refused address (not https, not loopback) */
	HTTP_ERR_CONNECT = -2,	/* could not reach the server */
	HTTP_ERR_TIMEOUT = -3,	/* no answer in time (or by the deadline) */
	HTTP_ERR_LOST = -4,	/* connection dropped, answer cut short */
	HTTP_ERR_TLS = -5,	/* certificate or TLS failure */
	HTTP_ERR_TOO_BIG = -6,	/* answer over the size cap */
	HTTP_ERR_CANCELLED = -7,/* the person cancelled it */
	HTTP_ERR_OTHER = -8
};

/*
 * Redirects are never followed (they could take a token or a password
 * to another host): an answer of 3xx is said so, by the module that
 * reads it.
 */
#define HTTP_REDIRECTED	"The portal sent chartty to another address; " \
	"chartty did not follow it."

/* Servers kept connected at once (organizations side by side). */
#define HTTP_MAX_SERVERS	8

/* Defaults: connect 10 s, no byte for 30 s is a stall, answers <= 16 MiB. */
#define HTTP_CONNECT_MS		10000L
#define HTTP_STALL_S		30L
#define HTTP_MAX_BODY		(16U * 1024 * 1024)

/*
 * Deadlines for a whole answer, whatever the server sends meanwhile: a
 * request 60 s, a download shown with progress (an export's pages, an
 * attachment) 10 minutes.
 */
#define HTTP_DEADLINE_S		60L
#define HTTP_DOWNLOAD_S		600L

/*
 * Set the deadlines of every request started from now on, in seconds
 * (chartty.conf timeout and download-timeout); a download's is never
 * shorter than a request's.
 */
void		 http_set_deadlines(long request_s, long download_s);

/* A new client (calls fatal() if libcurl cannot start); http_free(NULL) ok. */
struct http	*http_create(void);
void		 http_free(struct http *);
/* Change the time-outs and the answer size cap. */
void		 http_set_limits(struct http *, long connect_ms, long stall_s,
		     size_t max_body);
/*
 * Also trust the CA certificates (PEM) in path for this client's
 * requests (a clinic's private authority): they take the place of
 * libcurl's bundle, and the system's authorities stay trusted through
 * libcurl's CA directory where it has one. NULL: the system's only.
 * Verification is never turned off. path is copied.
 */
void		 http_set_ca_file(struct http *, const char *path);
/*
 * Start a request. Returns NULL with *cause when the URL is refused.
 * The request is driven by the event loop (evloop.h).
 */
struct http_req	*http_start(struct http *, const struct http_request *,
		     char **cause);
/*
 * Call fn(r, arg) from the event loop when r finishes (well or badly);
 * fn may http_req_finish() it. Requests of every client run side by side.
 */
void		 http_req_then(struct http_req *,
		     void (*fn)(struct http_req *, void *), void *arg);
/* Non-zero once the request has finished (well or badly). */
int		 http_req_done(const struct http_req *);
/*
 * Collect a finished request and free it. Returns HTTP_OK with *resp
 * filled (caller calls http_response_free), or an error with *cause.
 */
int		 http_req_finish(struct http_req *, struct http_response *,
		     char **cause);
/* Abandon a request and free it. */
void		 http_req_cancel(struct http_req *);

/*
 * Start, wait and finish. The wait runs the event loop (ev_until), so
 * keys, signals, timers and other requests are served meanwhile; when the
 * loop is broken (Esc, a signal) the request is cancelled:
 * HTTP_ERR_CANCELLED.
 */
int		 http_perform(struct http *, const struct http_request *,
		     struct http_response *, char **cause);
/* What a client has done so far, for tests and benchmarks. */
struct http_stats {
	long		requests;	/* finished with an answer */
	long		connects;	/* new connections opened */
	long long	wire_bytes;	/* body bytes received, as sent (gzip) */
	long long	body_bytes;	/* body bytes after decompression */
};
/* Is s an ETag fit to send back in a header line (printable ASCII, no
 * space, 200 characters at most)? */
int		 http_etag_ok(const char *s);
/* One client's figures, or (NULL) every client's of the process. */
void		 http_get_stats(const struct http *, struct http_stats *);

/*
 * For the event loop (evloop.c) alone: drive every transfer, wait up to
 * timeout_ms (-1: no limit) for network activity or one of fds (at most
 * HTTP_WAIT_FDS, POLLIN) being readable, and call finished requests back.
 * Sets each revents; returns how many fds are readable.
 */
#define HTTP_WAIT_FDS	16
struct pollfd;
int		 http_wait(int timeout_ms, struct pollfd *fds, size_t nfds);
/* Wake a wait under way at once (curl_multi_wakeup). */
void		 http_wakeup(void);

/* libcurl's version line ("libcurl/7.88.1 OpenSSL/3.0.15 ..."). */
const char	*http_library(void);

/* Free the members of a response (wiping the body); NULL-safe. */
void		 http_response_free(struct http_response *);

#endif
