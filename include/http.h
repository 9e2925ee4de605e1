/* HTTP over libcurl's multi interface: one connection, bounded answers. */
#ifndef CHARTTY_HTTP_H
#define CHARTTY_HTTP_H

#include <stddef.h>

struct http;		/* a client: one reused connection per server */
struct http_req;	/* one request under way */

struct http_request {
	const char	 *method;	/* "GET" when NULL */
	const char	 *url;
	const char	**headers;	/* NULL-terminated "Name: value", or NULL */
	const char	 *body;		/* may be NULL */
	size_t		  body_len;
	int		  secret;	/* body holds a secret: wipe our copy */
};

struct http_response {
	long	 status;	/* HTTP status, 0 when none arrived */
	char	*body;		/* NUL-terminated, decompressed */
	size_t	 len;
	char	*etag;		/* header values, or NULL */
	char	*location;
	char	*content_type;
	long	 retry_after;	/* seconds from Retry-After, or -1 */
};

enum http_error {
	HTTP_OK = 0,
	HTTP_ERR_URL = -1,	/* refused address (not https, not loopback) */
	HTTP_ERR_CONNECT = -2,	/* could not reach the server */
	HTTP_ERR_TIMEOUT = -3,	/* no answer in time */
	HTTP_ERR_LOST = -4,	/* connection dropped, answer cut short */
	HTTP_ERR_TLS = -5,	/* certificate or TLS failure */
	HTTP_ERR_TOO_BIG = -6,	/* answer over the size cap */
	HTTP_ERR_CANCELLED = -7,/* the person cancelled it */
	HTTP_ERR_OTHER = -8
};

/* Defaults: connect 10 s, no byte for 30 s is a stall, answers <= 16 MiB. */
#define HTTP_CONNECT_MS		10000L
#define HTTP_STALL_S		30L
#define HTTP_MAX_BODY		(16U * 1024 * 1024)

/* A new client (calls fatal() if libcurl cannot start); http_free(NULL) ok. */
struct http	*http_create(void);
void		 http_free(struct http *);
/* Change the time-outs and the answer size cap. */
void		 http_set_limits(struct http *, long connect_ms, long stall_s,
		     size_t max_body);
/*
 * While http_perform() waits, also watch fd (e.g. the terminal) and call
 * hook(arg) when it is readable; a non-zero return cancels the request.
 * fd -1 removes the hook.
 */
void		 http_set_wait_hook(struct http *, int fd, int (*)(void *),
		     void *);

/*
 * Start a request. Returns NULL with *cause when the URL is refused.
 * The request is driven by http_poll() or http_perform().
 */
struct http_req	*http_start(struct http *, const struct http_request *,
		     char **cause);
/*
 * Drive transfers for up to timeout_ms, waking early for network
 * activity or extra_fd (-1 for none) being readable; returns 1 when
 * extra_fd is readable, else 0.
 */
int		 http_poll(struct http *, int timeout_ms, int extra_fd);
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

/* Start, wait (running the wait hook) and finish: the blocking form. */
int		 http_perform(struct http *, const struct http_request *,
		     struct http_response *, char **cause);
/* What a client has done so far, for tests and benchmarks. */
struct http_stats {
	long		requests;	/* finished with an answer */
	long		connects;	/* new connections opened */
	long long	wire_bytes;	/* body bytes received, as sent (gzip) */
	long long	body_bytes;	/* body bytes after decompression */
};
void		 http_get_stats(const struct http *, struct http_stats *);

/* Free the members of a response (wiping the body); NULL-safe. */
void		 http_response_free(struct http_response *);

#endif
