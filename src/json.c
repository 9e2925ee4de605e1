/* A small JSON API over cJSON, so no other file depends on that library. */
#include "config.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "json.h"
#include "util.h"

#define J(x)	((cJSON *)(x))
#define W(x)	((struct json *)(x))

/*
 * Every block cJSON frees is wiped first: trees and printed text hold
 * health data, and a payment's card number, and cJSON frees its print
 * buffers as they grow. With these hooks cJSON never uses realloc.
 */
static void
json_wiping_free(void *p)
{
	if (p != NULL)
		secure_wipe(p, malloc_usable_size(p));
	free(p);
}

__attribute__((constructor)) static void
json_hooks(void)
{
	cJSON_Hooks	h = { malloc, json_wiping_free };

	cJSON_InitHooks(&h);
}

/*
 * cJSON finds element i of an array by walking from the first, and an
 * object's member by walking its members, so a loop of json_at(a, i) up
 * to json_size(a), or one that asks json_get(bundle, "entry") each time
 * round, is quadratic: a batch answer of 80,000 empty entries (240 KB)
 * took 40 seconds, and 990 members before its entries 5 more (issue 17).
 * So the arrays walked last remember where they were and how long they
 * are, and the members found last are remembered by name: the parsers'
 * loops are linear, nested ones too (the entries, and each one's
 * codings). The least recently used is forgotten first; every change to
 * a tree, and every free, forgets them all, as an address may be used
 * again.
 */
#define JSON_MEMOS	64

static struct json_memo {
	const cJSON	*node;		/* the array or object; NULL: free */
	char		 key[32];	/* a member's name; "" for an array */
	const cJSON	*item;		/* the element at index, the member */
	size_t		 index;
	size_t		 size;		/* SIZE_MAX: not counted yet */
	unsigned long	 used;
} json_memos[JSON_MEMOS];
static unsigned long	json_memo_clock;

static void
json_forget(void)
{
	memset(json_memos, 0, sizeof json_memos);
}

/*
 * The memo of node's key ("" for an array's place): *found says whether
 * it was there; a new one is empty (item NULL, size not counted).
 */
static struct json_memo *
json_memo(const cJSON *node, const char *key, int *found)
{
	struct json_memo	*m, *old = &json_memos[0];
	size_t			 i;

	for (i = 0; i < JSON_MEMOS; i++) {
		m = &json_memos[i];
		if (m->node == node && strcmp(m->key, key) == 0) {
			m->used = ++json_memo_clock;
			*found = 1;
			return m;
		}
		if (m->used < old->used)
			old = m;
	}
	memset(old, 0, sizeof *old);
	old->node = node;
	strlcpy_c(old->key, key, sizeof old->key);
	old->size = SIZE_MAX;
	old->used = ++json_memo_clock;
	*found = 0;
	return old;
}

/*
 * A look at the text before cJSON reads it: NULL when it may be read,
 * else why not. Nesting deeper than JSON_MAX_DEPTH would run cJSON's
 * recursion off the stack. More than JSON_MAX_VALUES values (the root,
 * the first element of each container that has one, and one a comma)
 * would cost far more memory than the text: a value is a node of 80
 * bytes, so 15 MB of "{}," took about 400 MB. An object of more than
 * JSON_MAX_MEMBERS members is no FHIR, and each lookup walks them all:
 * 120,000 members before "entry" took minutes (issue 17).
 */
static const char *
json_shape(const char *s, size_t len)
{
	size_t	i, values = 1, members[JSON_MAX_DEPTH + 1];
	int	depth = 0, in_string = 0, opened = 0;
	char	object[JSON_MAX_DEPTH + 1];

	for (i = 0; i < len; i++) {
		char c = s[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = 0;
			continue;
		}
		if (opened && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			if (c != '}' && c != ']')
				values++;
			opened = 0;
		}
		if (c == '"')
			in_string = 1;
		else if (c == '{' || c == '[') {
			if (++depth > JSON_MAX_DEPTH)
				return "The answer was nested too deeply to read.";
			object[depth] = c == '{';
			members[depth] = 1;
			opened = 1;
		} else if ((c == '}' || c == ']') && depth > 0)
			depth--;
		else if (c == ',') {
			values++;
			if (depth > 0 && object[depth] &&
			    ++members[depth] > JSON_MAX_MEMBERS)
				return "The answer was too large to read.";
		}
		if (values > JSON_MAX_VALUES)
			return "The answer was too large to read.";
	}
	return NULL;
}

struct json *
json_parse(const char *s, size_t len, char **cause)
{
	cJSON		*root;
	const char	*end = NULL, *why;

	if (len > JSON_MAX_SIZE) {
		*cause = xstrdup("The answer was too large to read.");
		return NULL;
	}
	if (s == NULL || len == 0) {
		*cause = xstrdup("The answer was empty.");
		return NULL;
	}
	if ((why = json_shape(s, len)) != NULL) {
		*cause = xstrdup(why);
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts(s, len, &end, 0);
	if (root != NULL) {
		/* Nothing but white space may follow the value. */
		while (end < s + len && (*end == ' ' || *end == '\t' ||
		    *end == '\n' || *end == '\r'))
			end++;
		if (end < s + len && *end != '\0') {
			cJSON_Delete(root);
			root = NULL;
		}
	}
	if (root == NULL) {
		*cause = xstrdup("The answer was damaged and could not be read.");
		return NULL;
	}
	return W(root);
}

void
json_free(struct json *j)
{
	json_forget();
	cJSON_Delete(J(j));
}

static void
json_wipe(cJSON *j)
{
	for (; j != NULL; j = j->next) {
		if (j->valuestring != NULL)
			secure_wipe(j->valuestring, strlen(j->valuestring));
		json_wipe(j->child);
	}
}

void
json_free_secret(struct json *j)
{
	if (j != NULL)
		json_wipe(J(j)->child);
	json_forget();
	cJSON_Delete(J(j));
}

struct json *
json_get(const struct json *j, const char *key)
{
	struct json_memo	*m;
	int			 found;

	if (j == NULL || !cJSON_IsObject(J(j)))
		return NULL;
	if (*key == '\0' || strlen(key) >= sizeof m->key)
		return W(cJSON_GetObjectItemCaseSensitive(J(j), key));
	m = json_memo(J(j), key, &found);
	if (!found)
		m->item = cJSON_GetObjectItemCaseSensitive(J(j), key);
	return W(m->item);
}

struct json *
json_path(const struct json *j, const char *path)
{
	char		 name[128];
	const char	*dot;
	size_t		 n;

	while (j != NULL && *path != '\0') {
		dot = strchr(path, '.');
		n = dot ? (size_t)(dot - path) : strlen(path);
		if (n >= sizeof name)
			return NULL;
		memcpy(name, path, n);
		name[n] = '\0';
		j = json_get(j, name);
		path += n + (dot ? 1 : 0);
	}
	return (struct json *)j;
}

size_t
json_size(const struct json *j)
{
	struct json_memo	*m;
	const cJSON		*e;
	int			 found;

	if (j == NULL || !cJSON_IsArray(J(j)))
		return 0;
	m = json_memo(J(j), "", &found);
	if (!found)
		m->item = J(j)->child;
	if (m->size == SIZE_MAX) {
		m->size = 0;
		for (e = J(j)->child; e != NULL; e = e->next)
			m->size++;
	}
	return m->size;
}

struct json *
json_at(const struct json *j, size_t i)
{
	struct json_memo	*m;
	int			 found;

	if (j == NULL || !cJSON_IsArray(J(j)))
		return NULL;
	m = json_memo(J(j), "", &found);
	if (!found || i < m->index) {
		m->item = J(j)->child;
		m->index = 0;
	}
	while (m->item != NULL && m->index < i) {
		m->item = m->item->next;
		m->index++;
	}
	return W(m->item);
}

const char *
json_str(const struct json *j)
{
	if (j == NULL || !cJSON_IsString(J(j)))
		return NULL;
	return J(j)->valuestring;
}

const char *
json_gets(const struct json *j, const char *key)
{
	return json_str(json_get(j, key));
}

int
json_num(const struct json *j, double *out)
{
	if (j == NULL || !cJSON_IsNumber(J(j)))
		return -1;
	*out = J(j)->valuedouble;
	return 0;
}

int
json_int(const struct json *j, long long min, long long max, long long *out)
{
	double		d;
	long long	v;

	/*
	 * Compared as a double before the cast: a cast of a double out of
	 * the integer's range (1e300, or 1e999 read as infinity) is
	 * undefined behaviour. NaN fails every comparison.
	 */
	if (json_num(j, &d) != 0 || !(d > -9e18 && d < 9e18) ||
	    d < (double)min || d > (double)max)
		return -1;
	v = (long long)d;
	if (v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int
json_bool(const struct json *j)
{
	if (j == NULL || !cJSON_IsBool(J(j)))
		return -1;
	return cJSON_IsTrue(J(j)) ? 1 : 0;
}

int
json_is_object(const struct json *j)
{
	return j != NULL && cJSON_IsObject(J(j));
}

int
json_is_array(const struct json *j)
{
	return j != NULL && cJSON_IsArray(J(j));
}

const char *
json_key(const struct json *j)
{
	return j == NULL ? NULL : J(j)->string;
}

struct json *
json_first(const struct json *j)
{
	if (j == NULL || !(cJSON_IsObject(J(j)) || cJSON_IsArray(J(j))))
		return NULL;
	return W(J(j)->child);
}

struct json *
json_next(const struct json *j)
{
	return j == NULL ? NULL : W(J(j)->next);
}

static struct json *
json_check(cJSON *j)
{
	if (j == NULL)
		fatal("out of memory");
	return W(j);
}

struct json *
json_new_object(void)
{
	return json_check(cJSON_CreateObject());
}

struct json *
json_new_array(void)
{
	return json_check(cJSON_CreateArray());
}

static void
json_attach(struct json *parent, const char *key, cJSON *child)
{
	if (child == NULL)
		fatal("out of memory");
	json_forget();
	if (key == NULL)
		cJSON_AddItemToArray(J(parent), child);
	else
		cJSON_AddItemToObject(J(parent), key, child);
}

struct json *
json_add_object(struct json *parent, const char *key)
{
	cJSON	*c = cJSON_CreateObject();

	json_attach(parent, key, c);
	return W(c);
}

struct json *
json_add_array(struct json *parent, const char *key)
{
	cJSON	*c = cJSON_CreateArray();

	json_attach(parent, key, c);
	return W(c);
}

void
json_add_str(struct json *parent, const char *key, const char *value)
{
	json_attach(parent, key, cJSON_CreateString(value));
}

void
json_add_num(struct json *parent, const char *key, double value)
{
	json_attach(parent, key, cJSON_CreateNumber(value));
}

void
json_add_bool(struct json *parent, const char *key, int value)
{
	json_attach(parent, key, cJSON_CreateBool(value));
}

void
json_add_child(struct json *parent, const char *key, struct json *child)
{
	json_attach(parent, key, J(child));
}

void
json_set_str(struct json *j, const char *key, const char *value)
{
	json_remove(j, key);
	json_add_str(j, key, value);
}

void
json_remove(struct json *j, const char *key)
{
	json_forget();
	cJSON_DeleteItemFromObjectCaseSensitive(J(j), key);
}

struct json *
json_dup(const struct json *j)
{
	return json_check(cJSON_Duplicate(J(j), 1));
}

char *
json_print(const struct json *j)
{
	char	*s, *copy;

	if ((s = cJSON_PrintUnformatted(J(j))) == NULL)
		fatal("out of memory");
	copy = xstrdup(s);
	secure_wipe(s, strlen(s));	/* it may have held a password */
	cJSON_free(s);
	return copy;
}

const char *
json_library(void)
{
	return cJSON_Version();
}

/*
 * A scanner of JSON text for json_spans(): positions only, nothing
 * copied. Each function moves *i past one thing, or returns -1.
 */
struct json_scan {
	const char	*s;
	size_t		 len;
	size_t		 i;
	int		 depth;
};

static void
json_scan_space(struct json_scan *sc)
{
	while (sc->i < sc->len && (sc->s[sc->i] == ' ' ||
	    sc->s[sc->i] == '\t' || sc->s[sc->i] == '\n' ||
	    sc->s[sc->i] == '\r'))
		sc->i++;
}

/* A string; its raw contents (between the quotes) in *start, *n. */
static int
json_scan_string(struct json_scan *sc, size_t *start, size_t *n)
{
	if (sc->i >= sc->len || sc->s[sc->i] != '"')
		return -1;
	*start = ++sc->i;
	while (sc->i < sc->len && sc->s[sc->i] != '"') {
		if ((unsigned char)sc->s[sc->i] < 0x20)
			return -1;
		if (sc->s[sc->i] == '\\')
			sc->i++;
		sc->i++;
	}
	if (sc->i >= sc->len)
		return -1;
	*n = sc->i - *start;
	sc->i++;
	return 0;
}

static int	json_scan_value(struct json_scan *);

/* The members of an object (at '{'); fn, when set, sees each key. */
static int
json_scan_object(struct json_scan *sc,
    int (*fn)(struct json_scan *, size_t, size_t, void *), void *arg)
{
	size_t	start, n;
	int	rc;

	if (++sc->depth > JSON_MAX_DEPTH)
		return -1;
	sc->i++;
	json_scan_space(sc);
	if (sc->i < sc->len && sc->s[sc->i] == '}') {
		sc->i++;
		sc->depth--;
		return 0;
	}
	for (;;) {
		json_scan_space(sc);
		if (json_scan_string(sc, &start, &n) != 0)
			return -1;
		json_scan_space(sc);
		if (sc->i >= sc->len || sc->s[sc->i] != ':')
			return -1;
		sc->i++;
		json_scan_space(sc);
		/* fn scans the value itself when it wants it (1: it did). */
		rc = fn != NULL ? fn(sc, start, n, arg) : 0;
		if (rc < 0 || (rc == 0 && json_scan_value(sc) != 0))
			return -1;
		json_scan_space(sc);
		if (sc->i >= sc->len)
			return -1;
		if (sc->s[sc->i] == '}')
			break;
		if (sc->s[sc->i] != ',')
			return -1;
		sc->i++;
	}
	sc->i++;
	sc->depth--;
	return 0;
}

/* The elements of an array (at '['); fn, when set, scans each one. */
static int
json_scan_array(struct json_scan *sc, int (*fn)(struct json_scan *, void *),
    void *arg)
{
	if (++sc->depth > JSON_MAX_DEPTH)
		return -1;
	sc->i++;
	json_scan_space(sc);
	if (sc->i < sc->len && sc->s[sc->i] == ']') {
		sc->i++;
		sc->depth--;
		return 0;
	}
	for (;;) {
		json_scan_space(sc);
		if ((fn != NULL ? fn(sc, arg) : json_scan_value(sc)) != 0)
			return -1;
		json_scan_space(sc);
		if (sc->i >= sc->len)
			return -1;
		if (sc->s[sc->i] == ']')
			break;
		if (sc->s[sc->i] != ',')
			return -1;
		sc->i++;
	}
	sc->i++;
	sc->depth--;
	return 0;
}

/* A number or a literal: the characters they can hold. */
static int
json_scan_atom(struct json_scan *sc)
{
	size_t	from = sc->i;

	while (sc->i < sc->len && strchr("0123456789+-.eEtruefalsn",
	    sc->s[sc->i]) != NULL && sc->s[sc->i] != '\0')
		sc->i++;
	return sc->i > from ? 0 : -1;
}

static int
json_scan_value(struct json_scan *sc)
{
	size_t	start, n;

	if (sc->i >= sc->len)
		return -1;
	switch (sc->s[sc->i]) {
	case '{':
		return json_scan_object(sc, NULL, NULL);
	case '[':
		return json_scan_array(sc, NULL, NULL);
	case '"':
		return json_scan_string(sc, &start, &n);
	default:
		return json_scan_atom(sc);
	}
}

/* What json_spans() gathers. */
struct json_spans {
	const char	*outer, *inner;
	size_t		*spans;
	size_t		 n, cap;
	int		 found_outer, found_inner;
};

static int
json_key_is(struct json_scan *sc, size_t start, size_t n, const char *key)
{
	return strlen(key) == n && memcmp(sc->s + start, key, n) == 0;
}

/* A member of an element: the first inner is recorded. */
static int
json_spans_member(struct json_scan *sc, size_t start, size_t n, void *arg)
{
	struct json_spans	*sp = arg;
	size_t			 from = sc->i;

	if (sp->found_inner || !json_key_is(sc, start, n, sp->inner))
		return 0;
	if (json_scan_value(sc) != 0)
		return -1;
	sp->found_inner = 1;
	sp->spans[2 * (sp->n - 1)] = from;
	sp->spans[2 * (sp->n - 1) + 1] = sc->i;
	return 1;
}

/* An element of outer. */
static int
json_spans_element(struct json_scan *sc, void *arg)
{
	struct json_spans	*sp = arg;

	if (sp->n == sp->cap) {
		sp->cap = sp->cap ? sp->cap * 2 : 64;
		sp->spans = xrealloc(sp->spans, sp->cap * 2 *
		    sizeof *sp->spans);
	}
	sp->spans[2 * sp->n] = sp->spans[2 * sp->n + 1] = 0;
	sp->n++;
	sp->found_inner = 0;
	if (sc->i < sc->len && sc->s[sc->i] == '{')
		return json_scan_object(sc, json_spans_member, sp);
	return json_scan_value(sc);
}

/* A member of the top-level object: the first outer array is walked. */
static int
json_spans_top(struct json_scan *sc, size_t start, size_t n, void *arg)
{
	struct json_spans	*sp = arg;

	if (sp->found_outer || !json_key_is(sc, start, n, sp->outer))
		return 0;
	sp->found_outer = 1;
	if (sc->i >= sc->len || sc->s[sc->i] != '[')
		return -1;
	return json_scan_array(sc, json_spans_element, sp) == 0 ? 1 : -1;
}

long
json_spans(const char *s, size_t len, const char *outer, const char *inner,
    size_t **spans)
{
	struct json_scan	sc;
	struct json_spans	sp;

	memset(&sc, 0, sizeof sc);
	memset(&sp, 0, sizeof sp);
	sc.s = s;
	sc.len = len;
	sp.outer = outer;
	sp.inner = inner;
	*spans = NULL;
	json_scan_space(&sc);
	if (sc.i >= sc.len || sc.s[sc.i] != '{' ||
	    json_scan_object(&sc, json_spans_top, &sp) != 0) {
		free(sp.spans);
		return -1;
	}
	json_scan_space(&sc);
	if (sc.i < sc.len && sc.s[sc.i] != '\0') {
		free(sp.spans);
		return -1;
	}
	*spans = sp.spans;
	return (long)sp.n;
}
