/*
 * HTTP over libcurl's multi interface: one multi handle for the process,
 * shared by every client (one reused connection per server), waited on by
 * the event loop (evloop.c) through http_wait(); bounded answers.
 */
#include "config.h"

#include <sys/stat.h>

#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "evloop.h"
#include "http.h"
#include "url.h"
#include "util.h"

struct http {
	long		  connect_ms;
	long		  stall_s;
	size_t		  max_body;
	char		 *ca_file;	/* trusted besides the system's, or NULL */
	int		  live;		/* requests started, not yet finished */
	struct http_stats stats;
};

struct http_req {
	struct http		*http;
	CURL			*easy;
	struct curl_slist	*headers;
	char			*body;
	size_t			 body_len;
	int			 secret;
	char			*host;
	struct buf		 data;
	struct http_response	 resp;
	int			 too_big;
	int			 done;
	long			 deadline_s;	/* the whole answer's */
	CURLcode		 result;
	char			 error[CURL_ERROR_SIZE];	/* libcurl's words */
	void			(*then)(struct http_req *, void *);
	void			*then_arg;
};

/* The one multi handle: every transfer of every client, one poll. */
static CURLM	*http_multi;
static struct http_stats http_totals;	/* every client's, together */
/*
 * libcurl's hashed directory of CA certificates, or NULL. Where there is
 * one, certificates are looked up in it one by one rather than the whole
 * bundle parsed into memory at the first TLS connection (about 1 MB
 * resident, issue 16); on Debian both hold the same certificates.
 */
static const char *http_capath;
/* Every request's deadline, and a download's (http_set_deadlines). */
static long	http_deadline_s = HTTP_DEADLINE_S;
static long	http_download_s = HTTP_DOWNLOAD_S;

/*
 * libcurl's memory, wiped when it is let go: its send buffer holds a
 * request's headers and body (a password, a card, a token) and was found
 * whole in a memory image after sign-in (issue 17).
 */
static char *
http_mem_strdup(const char *s)
{
	return strdup(s);
}

/* The process's multi handle, made on first use. */
static void
http_start_multi(void)
{
	struct stat	st;

	if (http_multi != NULL)
		return;
	if (curl_global_init_mem(CURL_GLOBAL_DEFAULT, malloc, free_wiped,
	    realloc_wiped, http_mem_strdup, calloc) != CURLE_OK)
		fatal("cannot start libcurl");
	if ((http_multi = curl_multi_init()) == NULL)
		fatal("cannot start libcurl");
	http_capath = curl_version_info(CURLVERSION_NOW)->capath;
	if (http_capath != NULL && (stat(http_capath, &st) != 0 ||
	    !S_ISDIR(st.st_mode)))
		http_capath = NULL;
	/* One connection per server, kept open and reused; a few servers
	 * (organizations) side by side. */
	curl_multi_setopt(http_multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1L);
	curl_multi_setopt(http_multi, CURLMOPT_MAXCONNECTS,
	    (long)HTTP_MAX_SERVERS);
}

struct http *
http_create(void)
{
	struct http	*h;

	http_start_multi();
	h = xcalloc(1, sizeof *h);
	h->connect_ms = HTTP_CONNECT_MS;
	h->stall_s = HTTP_STALL_S;
	h->max_body = HTTP_MAX_BODY;
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	free(h->ca_file);
	free(h);	/* its connections stay in the shared cache */
}

void
http_set_ca_file(struct http *h, const char *path)
{
	free(h->ca_file);
	h->ca_file = path != NULL ? xstrdup(path) : NULL;
}

void
http_set_limits(struct http *h, long connect_ms, long stall_s,
    size_t max_body)
{
	h->connect_ms = connect_ms;
	h->stall_s = stall_s;
	h->max_body = max_body;
}

void
http_set_deadlines(long request_s, long download_s)
{
	http_deadline_s = request_s > 0 ? request_s : HTTP_DEADLINE_S;
	http_download_s = download_s > http_deadline_s ? download_s :
	    http_deadline_s;
}

static size_t
http_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_req	*r = arg;

	if (buf_add(&r->data, p, size * n) != 0) {
		r->too_big = 1;
		return 0;	/* aborts the transfer */
	}
	return size * n;
}

/* The value of header line p if its name is name, trimmed; else NULL. */
static char *
http_header_value(const char *p, size_t n, const char *name)
{
	size_t	 len = strlen(name), end;

	if (n <= len || strncasecmp(p, name, len) != 0 || p[len] != ':')
		return NULL;
	p += len + 1;
	n -= len + 1;
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	end = n;
	while (end > 0 && isspace((unsigned char)p[end - 1]))
		end--;
	return xstrndup(p, end);
}

int
http_etag_ok(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++, n++) {
		if (*s <= ' ' || *s > '~' || n > 200)
			return 0;
	}
	return n > 0;
}

/* The seconds a Cache-Control value lets an answer be kept without
 * asking again: max-age, 0 for no-cache or no-store, else -1. */
static long
http_max_age(const char *v)
{
	const char	*p;
	char		 num[16];
	long long	 secs;
	size_t		 n;

	if (strstr(v, "no-cache") != NULL || strstr(v, "no-store") != NULL)
		return 0;
	if ((p = strstr(v, "max-age=")) == NULL)
		return -1;
	p += 8;
	n = strspn(p, "0123456789");
	if (n == 0)
		return -1;
	if (n >= 10)
		return 365L * 86400;	/* longer than anyone keeps it */
	memcpy(num, p, n);
	num[n] = '\0';
	if (parse_number(num, 0, 999999999, &secs) != 0)
		return -1;
	return secs > 365L * 86400 ? 365L * 86400 : (long)secs;
}

static size_t
http_header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_req		*r = arg;
	struct http_response	*resp = &r->resp;
	char			*v;
	long long		 secs;

	n *= size;
	if (n >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* A new response (after a 100 Continue): forget the last. */
		free(resp->etag);
		free(resp->location);
		free(resp->content_type);
		resp->etag = resp->location = resp->content_type = NULL;
		resp->retry_after = resp->max_age = -1;
		return n;
	}
	if ((v = http_header_value(p, n, "ETag")) != NULL) {
		free(resp->etag);
		resp->etag = v;
	} else if ((v = http_header_value(p, n, "Location")) != NULL) {
		free(resp->location);
		resp->location = v;
	} else if ((v = http_header_value(p, n, "Content-Type")) != NULL) {
		free(resp->content_type);
		resp->content_type = v;
	} else if ((v = http_header_value(p, n, "Date")) != NULL) {
		time_t t = curl_getdate(v, NULL);

		resp->date = t > 0 ? t : 0;
		free(v);
	} else if ((v = http_header_value(p, n, "Retry-After")) != NULL) {
		if (parse_number(v, 0, 365L * 86400, &secs) == 0)
			resp->retry_after = (long)secs;
		free(v);
	} else if ((v = http_header_value(p, n, "Cache-Control")) != NULL) {
		resp->max_age = http_max_age(v);
		resp->no_store = strstr(v, "no-store") != NULL;
		free(v);
	}
	return n;
}

static void
http_req_free(struct http_req *r)
{
	if (r == NULL)
		return;
	if (r->easy != NULL) {
		curl_multi_remove_handle(http_multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	curl_slist_free_all(r->headers);
	if (r->body != NULL && r->secret)
		secure_wipe(r->body, r->body_len);
	free(r->body);
	free(r->host);
	buf_free(&r->data, 1);
	http_response_free(&r->resp);
	if (!r->done)
		r->http->live--;
	free(r);
}

struct http_req *
http_start(struct http *h, const struct http_request *q, char **cause)
{
	struct http_req	 *r;
	const char	**hp;
	const char	 *method = q->method ? q->method : "GET";

	if (url_allowed(q->url, cause) != 0)
		return NULL;
	r = xcalloc(1, sizeof *r);
	r->http = h;
	r->host = url_host(q->url);
	r->resp.retry_after = r->resp.max_age = -1;
	buf_init(&r->data, h->max_body);
	if ((r->easy = curl_easy_init()) == NULL)
		fatal("cannot start libcurl");
	h->live++;

	curl_easy_setopt(r->easy, CURLOPT_URL, q->url);
	curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(r->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYHOST, 2L);
	/*
	 * A client's own CA file (a clinic's private authority) takes the
	 * bundle's place; the system's authorities stay trusted through
	 * libcurl's CA directory, still set, where there is one. libcurl
	 * keeps a connection for requests with the same CA settings only.
	 */
	if (h->ca_file != NULL)
		curl_easy_setopt(r->easy, CURLOPT_CAINFO, h->ca_file);
	else if (http_capath != NULL)
		curl_easy_setopt(r->easy, CURLOPT_CAINFO, NULL);
	curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(r->easy, CURLOPT_ACCEPT_ENCODING, "gzip");
	curl_easy_setopt(r->easy, CURLOPT_USERAGENT, "chartty/" PACKAGE_VERSION);
	curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS, h->connect_ms);
	curl_easy_setopt(r->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(r->easy, CURLOPT_LOW_SPEED_TIME, h->stall_s);
	/* A server that trickles never stalls: the whole answer has a
	 * deadline too. */
	r->deadline_s = q->download ? http_download_s : http_deadline_s;
	curl_easy_setopt(r->easy, CURLOPT_TIMEOUT, r->deadline_s);
	curl_easy_setopt(r->easy, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)h->max_body);
	curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, http_write_cb);
	curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_HEADERFUNCTION, http_header_cb);
	curl_easy_setopt(r->easy, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
	curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->error);

	r->headers = curl_slist_append(NULL, "Expect:");
	for (hp = q->headers; hp != NULL && *hp != NULL; hp++)
		r->headers = curl_slist_append(r->headers, *hp);
	if (r->headers == NULL)
		fatal("out of memory");
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);

	if (q->body != NULL) {
		r->body = xstrndup(q->body, q->body_len);
		r->body_len = q->body_len;
		r->secret = q->secret;
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)r->body_len);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->body);
	}
	if (strcmp(method, "GET") == 0)
		curl_easy_setopt(r->easy, CURLOPT_HTTPGET, 1L);
	else if (strcmp(method, "POST") != 0 || q->body == NULL)
		curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "POST") == 0 && q->body == NULL) {
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE, 0L);
		curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, "");
	}

	if (curl_multi_add_handle(http_multi, r->easy) != CURLM_OK)
		fatal("cannot start a request");
	return r;
}

/*
 * Mark requests that libcurl reports finished, and call them back;
 * how many finished.
 */
static int
http_collect(void)
{
	CURLMsg		*m;
	struct http_req	*r;
	int		 left, finished = 0;

	while ((m = curl_multi_info_read(http_multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		r = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &r);
		if (r == NULL || r->done)
			continue;
		r->result = m->data.result;
		r->done = 1;
		r->http->live--;
		finished++;
		if (r->then != NULL)
			r->then(r, r->then_arg);	/* may finish r */
	}
	return finished;
}

void
http_req_then(struct http_req *r, void (*fn)(struct http_req *, void *),
    void *arg)
{
	r->then = fn;
	r->then_arg = arg;
}

int
http_wait(int timeout_ms, struct pollfd *fds, size_t nfds)
{
	struct curl_waitfd	wfd[HTTP_WAIT_FDS];
	size_t			i, n = nfds < HTTP_WAIT_FDS ? nfds :
				    HTTP_WAIT_FDS;
	int			running, ready = 0;

	http_start_multi();
	curl_multi_perform(http_multi, &running);
	if (http_collect() > 0)
		timeout_ms = 0;	/* something happened: look, don't wait */
	for (i = 0; i < n; i++) {
		wfd[i].fd = fds[i].fd;
		wfd[i].events = CURL_WAIT_POLLIN;
		wfd[i].revents = 0;
	}
	/* libcurl takes no "forever": a minute, and the caller waits again. */
	curl_multi_poll(http_multi, n ? wfd : NULL, (unsigned int)n,
	    timeout_ms < 0 ? 60000 : timeout_ms, NULL);
	for (i = 0; i < n; i++) {
		fds[i].revents = (wfd[i].revents & CURL_WAIT_POLLIN) ?
		    POLLIN : 0;
		ready += fds[i].revents != 0;
	}
	curl_multi_perform(http_multi, &running);
	http_collect();
	return ready;
}

void
http_wakeup(void)
{
	if (http_multi != NULL)
		curl_multi_wakeup(http_multi);
}

int
http_req_done(const struct http_req *r)
{
	return r->done;
}

/*
 * OpenSSL's verify results (X509_V_ERR_*, <openssl/x509_vfy.h>), by
 * number: only crypto.c includes OpenSSL. libcurl gives them through
 * CURLINFO_SSL_VERIFYRESULT.
 */
#define HTTP_X509_OK			0
#define HTTP_X509_UNSPECIFIED		1	/* libcurl's own name check */
#define HTTP_X509_NO_ISSUER		2	/* UNABLE_TO_GET_ISSUER_CERT */
#define HTTP_X509_NOT_YET_VALID		9
#define HTTP_X509_EXPIRED		10
#define HTTP_X509_SELF_SIGNED		18	/* DEPTH_ZERO_SELF_SIGNED_CERT */
#define HTTP_X509_SELF_SIGNED_CHAIN	19	/* SELF_SIGNED_CERT_IN_CHAIN */
#define HTTP_X509_NO_LOCAL_ISSUER	20	/* ..._ISSUER_CERT_LOCALLY */
#define HTTP_X509_LEAF_UNVERIFIED	21	/* UNABLE_TO_VERIFY_LEAF_... */
#define HTTP_X509_UNTRUSTED		27	/* CERT_UNTRUSTED */
#define HTTP_X509_HOSTNAME_MISMATCH	62
#define HTTP_X509_IP_MISMATCH		64

/* The sentence for a certificate that failed verification. */
static char *
http_tls_failure(struct http_req *r, const char *host)
{
	long	v = -1;

	if (curl_easy_getinfo(r->easy, CURLINFO_SSL_VERIFYRESULT, &v) !=
	    CURLE_OK)
		v = -1;
	switch (v) {
	case HTTP_X509_EXPIRED:
		return xasprintf("The security certificate of %s has expired, "
		    "so chartty did not connect (the clinic must renew it).",
		    host);
	case HTTP_X509_NOT_YET_VALID:
		return xasprintf("The security certificate of %s is not valid "
		    "yet, so chartty did not connect (check this machine's "
		    "date).", host);
	case HTTP_X509_OK:
	case HTTP_X509_UNSPECIFIED:
		/*
		 * libcurl checks the name itself, after a handshake whose
		 * chain verified, and says it in its error text ("... subject
		 * name ... target host name ...").
		 */
		if (strstr(r->error, "host name") == NULL)
			break;
		/* FALLTHROUGH */
	case HTTP_X509_HOSTNAME_MISMATCH:
	case HTTP_X509_IP_MISMATCH:
		return xasprintf("The security certificate of %s was made out "
		    "to another name, so chartty did not connect.", host);
	case HTTP_X509_NO_ISSUER:
	case HTTP_X509_SELF_SIGNED:
	case HTTP_X509_SELF_SIGNED_CHAIN:
	case HTTP_X509_NO_LOCAL_ISSUER:
	case HTTP_X509_LEAF_UNVERIFIED:
	case HTTP_X509_UNTRUSTED:
		return xasprintf("The security certificate of %s is not signed "
		    "by an authority chartty trusts, so chartty did not "
		    "connect (a clinic's own authority can be trusted with "
		    "ca-file).", host);
	}
	return xasprintf("The security certificate of %s could not be "
	    "verified, so chartty did not connect.", host);
}

/* Did r run to its whole deadline (not a connect time-out or a stall)? */
static int
http_past_deadline(struct http_req *r)
{
	curl_off_t	us = 0;

	curl_easy_getinfo(r->easy, CURLINFO_TOTAL_TIME_T, &us);
	return us >= (curl_off_t)r->deadline_s * 1000000 - 500000;
}

/* "60 seconds", "10 minutes": a deadline in words. */
static void
http_duration(long s, char *buf, size_t len)
{
	if (s >= 120 && s % 60 == 0)
		snprintf(buf, len, "%ld minutes", s / 60);
	else
		snprintf(buf, len, "%ld second%s", s, s == 1 ? "" : "s");
}

/* Turn a libcurl failure into an error kind and a plain sentence. */
static int
http_failure(struct http_req *r, char **cause)
{
	const char	*host = r->host ? r->host : "the portal";
	char		 took[32];

	if (r->too_big || r->result == CURLE_FILESIZE_EXCEEDED) {
		*cause = xasprintf("The answer from %s was too large "
		    "(over %zu MB), so chartty stopped reading it.", host,
		    r->http->max_body / (1024 * 1024));
		return HTTP_ERR_TOO_BIG;
	}
	switch (r->result) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
		*cause = xasprintf("Cannot reach %s. Check the network "
		    "connection, or try again later.", host);
		return HTTP_ERR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		if (http_past_deadline(r)) {
			http_duration(r->deadline_s, took, sizeof took);
			*cause = xasprintf("%s took longer than %s to answer; "
			    "try again.", host, took);
		} else
			*cause = xasprintf("%s did not answer in time. Try "
			    "again later.", host);
		return HTTP_ERR_TIMEOUT;
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_WRITE_ERROR:
		*cause = xasprintf("The connection to %s was lost before the "
		    "answer arrived. Try again.", host);
		return HTTP_ERR_LOST;
	case CURLE_UNSUPPORTED_PROTOCOL:	/* an answer that is no HTTP */
	case CURLE_WEIRD_SERVER_REPLY:
		*cause = xasprintf("%s did not answer as a web server does; "
		    "check the address.", host);
		return HTTP_ERR_OTHER;
	case CURLE_OUT_OF_MEMORY:	/* also libcurl's word for a header
					 * over 100 KB */
		*cause = xasprintf("The answer from %s was too large, so "
		    "chartty stopped reading it.", host);
		return HTTP_ERR_TOO_BIG;
	case CURLE_PEER_FAILED_VERIFICATION:
		*cause = http_tls_failure(r, host);
		return HTTP_ERR_TLS;
	case CURLE_SSL_CACERT_BADFILE:
		if (r->http->ca_file != NULL) {
			*cause = xasprintf("The CA file %s could not be read as "
			    "certificates, so chartty did not connect to %s.",
			    r->http->ca_file, host);
			return HTTP_ERR_TLS;
		}
		/* FALLTHROUGH */
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		*cause = xasprintf("The security certificate of %s could not "
		    "be verified, so chartty did not connect.", host);
		return HTTP_ERR_TLS;
	default:
		*cause = xasprintf("Could not talk to %s (%s).", host,
		    curl_easy_strerror(r->result));
		return HTTP_ERR_OTHER;
	}
}

int
http_req_finish(struct http_req *r, struct http_response *resp,
    char **cause)
{
	int	rc = HTTP_OK;

	memset(resp, 0, sizeof *resp);
	resp->retry_after = resp->max_age = -1;
	if (!r->done) {
		*cause = xstrdup("The request was cancelled.");
		rc = HTTP_ERR_CANCELLED;
	} else if (r->result != CURLE_OK || r->too_big)
		rc = http_failure(r, cause);
	else {
		struct http_stats	*st = &r->http->stats;
		curl_off_t		 wire = 0;
		long			 connects = 0;

		curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE,
		    &r->resp.status);
		curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &connects);
		curl_easy_getinfo(r->easy, CURLINFO_SIZE_DOWNLOAD_T, &wire);
		st->requests++;
		st->connects += connects;
		st->wire_bytes += wire;
		st->body_bytes += (long long)r->data.len;
		http_totals.requests++;
		http_totals.connects += connects;
		http_totals.wire_bytes += wire;
		http_totals.body_bytes += (long long)r->data.len;
		*resp = r->resp;
		resp->len = r->data.len;
		resp->body = buf_take(&r->data);
		memset(&r->resp, 0, sizeof r->resp);
	}
	http_req_free(r);
	return rc;
}

void
http_req_cancel(struct http_req *r)
{
	http_req_free(r);
}

int
http_perform(struct http *h, const struct http_request *q,
    struct http_response *resp, char **cause)
{
	struct http_req	*r;

	memset(resp, 0, sizeof *resp);
	resp->retry_after = resp->max_age = -1;
	if ((r = http_start(h, q, cause)) == NULL)
		return HTTP_ERR_URL;
	/* The loop runs meanwhile: keys, signals and timers are served. */
	if (ev_until(&r->done) != 0) {
		http_req_cancel(r);
		*cause = xstrdup("Cancelled.");
		return HTTP_ERR_CANCELLED;
	}
	return http_req_finish(r, resp, cause);
}

const char *
http_library(void)
{
	return curl_version();
}

void
http_get_stats(const struct http *h, struct http_stats *st)
{
	*st = h != NULL ? h->stats : http_totals;
}

void
http_response_free(struct http_response *resp)
{
	if (resp == NULL)
		return;
	if (resp->body != NULL) {
		secure_wipe(resp->body, resp->len);
		free(resp->body);
	}
	free(resp->etag);
	free(resp->location);
	free(resp->content_type);
	memset(resp, 0, sizeof *resp);
	resp->retry_after = resp->max_age = -1;
}
