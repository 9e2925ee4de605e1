/* Memory wrappers, bounded buffers, fatal errors and secret wiping. */
#include "config.h"

#include <sys/resource.h>
#ifdef HAVE_PRCTL
#include <sys/prctl.h>
#endif
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void (*fatal_hook)(void);

void
fatal_set_hook(void (*hook)(void))
{
	fatal_hook = hook;
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	if (fatal_hook != NULL)
		fatal_hook();
	fputs("chartty: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = malloc(size)) == NULL)
		fatal("out of memory");
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if ((p = calloc(n, size)) == NULL)
		fatal("out of memory");
	return p;
}

void *
xrealloc(void *old, size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if ((p = realloc(old, size)) == NULL)
		fatal("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	if (s == NULL)
		return NULL;
	return xstrndup(s, strlen(s));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
xvasprintf(const char *fmt, va_list ap)
{
	va_list	 ap2;
	char	*p;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		fatal("bad format string");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void
secure_wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
#ifdef HAVE_EXPLICIT_BZERO
		explicit_bzero(p, n);
#else
	{
		volatile unsigned char *v = p;
		while (n--)
			*v++ = 0;
	}
#endif
}

void
free_wiped(void *p)
{
	if (p == NULL)
		return;
	secure_wipe(p, malloc_usable_size(p));
	free(p);
}

void *
realloc_wiped(void *p, size_t n)
{
	void	*q;
	size_t	 old;

	if (p == NULL)
		return malloc(n);
	if (n == 0) {
		free_wiped(p);
		return NULL;
	}
	/* Always a new block, so the old one is wiped, not left behind. */
	old = malloc_usable_size(p);
	if ((q = malloc(n)) == NULL)
		return NULL;
	memcpy(q, p, old < n ? old : n);
	free_wiped(p);
	return q;
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	secure_wipe(s, strlen(s));
	free(s);
}

size_t
strlcpy_c(char *dst, const char *src, size_t size)
{
	size_t	len = strlen(src);

	if (size > 0) {
		size_t n = len >= size ? size - 1 : len;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

int
str_blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 0;
	}
	return 1;
}

int
parse_number(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void
buf_init(struct buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->size = 0;
	b->max = max;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	size_t	need;

	if (n > b->max || b->len > b->max - n)
		return -1;
	need = b->len + n + 1;
	if (need > b->size) {
		size_t size = b->size ? b->size : 256;
		while (size < need)
			size *= 2;
		/* Never past what it may hold: a full 16 MB answer was
		 * copied into a block of 32 MB (issue 17). */
		if (size > b->max + 1)
			size = b->max + 1;
		b->data = xrealloc(b->data, size);
		b->size = size;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_addstr(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	*s;
	int	 rc;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	rc = buf_addstr(b, s);
	free(s);
	return rc;
}

char *
buf_take(struct buf *b)
{
	char	*p = b->data;

	if (p == NULL)
		p = xstrdup("");
	b->data = NULL;
	b->len = b->size = 0;
	return p;
}

void
buf_free(struct buf *b, int secret)
{
	if (b->data != NULL && secret)
		secure_wipe(b->data, b->size);
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
}

void
harden_process(void)
{
	struct rlimit	rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
#ifdef HAVE_PRCTL
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

#define ARENA_CHUNK	8192

struct arena_chunk {
	struct arena_chunk	*next;
	size_t			 size;
	size_t			 used;
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct arena_chunk	*head;
	struct arena		*kept;		/* arenas freed with this one */
	struct arena		*next_kept;
};

struct arena *
arena_create(void)
{
	return xcalloc(1, sizeof(struct arena));
}

void
arena_free(struct arena *a)
{
	struct arena_chunk	*c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		secure_wipe(c->data, c->used);
		free(c);
	}
	while (a->kept != NULL) {
		struct arena *k = a->kept;

		a->kept = k->next_kept;
		arena_free(k);
	}
	free(a);
}

void
arena_keep(struct arena *a, struct arena *other)
{
	if (other == NULL)
		return;
	other->next_kept = a->kept;
	a->kept = other;
}

void *
arena_alloc(struct arena *a, size_t n)
{
	struct arena_chunk	*c = a->head;
	size_t			 size;
	void			*p;

	n = (n + 15) & ~(size_t)15;
	if (c == NULL || c->size - c->used < n) {
		size = n > ARENA_CHUNK ? n : ARENA_CHUNK;
		c = xmalloc(sizeof *c + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
	}
	p = c->data + c->used;
	c->used += n;
	memset(p, 0, n);
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	size_t	 n;
	char	*p;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	p = arena_alloc(a, n + 1);
	memcpy(p, s, n + 1);
	return p;
}

char *
arena_own(struct arena *a, char *s)
{
	char	*p;

	if (s == NULL)
		return NULL;
	p = arena_strdup(a, s);
	secret_free(s);
	return p;
}

int
mkdirs_private(const char *dir)
{
	char	*path = xstrdup(dir), *p;
	int	 rc = 0;

	for (p = path + 1; *p != '\0' && rc == 0; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST)
			rc = -1;
		*p = '/';
	}
	if (rc == 0 && mkdir(path, 0700) == -1 && errno != EEXIST)
		rc = -1;
	free(path);
	return rc;
}

char *
cache_dir(void)
{
	const char	*xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (xdg != NULL && *xdg == '/')
		return xasprintf("%s/chartty", xdg);
	if (home != NULL && *home == '/')
		return xasprintf("%s/.cache/chartty", home);
	return NULL;
}

/* Is dir a directory of this user's that no one else may write to? */
static int
dir_ours(const char *dir)
{
	struct stat	st;

	return lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) &&
	    st.st_uid == geteuid() && (st.st_mode & 022) == 0;
}

FILE *
fopen_private(const char *dir, const char *name)
{
	struct stat	 st;
	FILE		*fp;
	char		*path;
	int		 fd;

	if (!dir_ours(dir))
		return NULL;
	path = xasprintf("%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != geteuid() || (st.st_mode & 077) != 0 ||
	    (fp = fdopen(fd, "r")) == NULL) {
		close(fd);
		return NULL;
	}
	return fp;
}

int
file_replace(const char *path, const void *data, size_t len)
{
	const char	*p = data;
	char		*tmp = xasprintf("%s.XXXXXX", path);
	ssize_t		 n;
	int		 fd, rc, saved;

	if ((fd = mkstemp(tmp)) == -1) {	/* 0600, a name of its own */
		saved = errno;
		free(tmp);
		errno = saved;
		return -1;
	}
	while (len > 0) {
		if ((n = write(fd, p, len)) == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		p += n;
		len -= (size_t)n;
	}
	rc = len == 0 ? fsync(fd) : -1;
	saved = errno;
	if (close(fd) != 0 || rc != 0 || rename(tmp, path) != 0) {
		saved = rc != 0 ? saved : errno;
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	errno = saved;
	return rc;
}

int
file_replace_private(const char *dir, const char *name, const char *text,
    size_t len)
{
	char	*path;
	int	 rc;

	if (mkdirs_private(dir) != 0 || !dir_ours(dir))
		return -1;
	path = xasprintf("%s/%s", dir, name);
	rc = file_replace(path, text, len);
	free(path);
	return rc;
}

int
cache_fresh(time_t fetched, long max_age)
{
	time_t	now = time(NULL);

	return max_age > 0 && now >= fetched && now - fetched < max_age;
}

