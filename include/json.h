/* A small JSON API over cJSON, so no other file depends on that library. */
#ifndef CHARTTY_JSON_H
#define CHARTTY_JSON_H

#include <stddef.h>

/*
 * A JSON value. A tree is owned by its root: only roots are passed to
 * json_free(); values reached with json_get()/json_at() are borrowed.
 */
struct json;

/*
 * Largest document json_parse() accepts, deepest nesting, the most
 * values (FHIR runs about 24 bytes a value, a page of 200 Observations
 * holds under 8,000, and each costs 80 bytes parsed) and the most
 * members of one object (FHIR's have tens).
 */
#define JSON_MAX_SIZE	(64U * 1024 * 1024)
#define JSON_MAX_DEPTH	64
#define JSON_MAX_VALUES	250000
#define JSON_MAX_MEMBERS	1000

/*
 * Parse len bytes. Returns a root, or NULL with *cause set (caller frees)
 * for malformed, too deep, too large or too wide input.
 */
/* cJSON's version ("1.7.15"). */
const char	*json_library(void);
struct json	*json_parse(const char *, size_t, char **cause);
void		 json_free(struct json *);
/* json_free() after wiping every string in the tree (passwords, tokens). */
void		 json_free_secret(struct json *);

/* Member of an object, or NULL (also when j is NULL or not an object). */
struct json	*json_get(const struct json *, const char *key);
/* Follow a dotted path of member names, e.g. "dispenseRequest.quantity". */
struct json	*json_path(const struct json *, const char *path);
/* Number of elements of an array (0 for anything else). */
size_t		 json_size(const struct json *);
/* Element i of an array, or NULL. */
struct json	*json_at(const struct json *, size_t);

/* The raw string value (borrowed, unsanitized) or NULL. */
const char	*json_str(const struct json *);
/* The string member key of j, or NULL. */
const char	*json_gets(const struct json *, const char *key);
/* Number value into *out; -1 when j is not a number. */
int		 json_num(const struct json *, double *out);
/*
 * A number as a whole number from min to max (any fraction dropped) into
 * *out. -1, *out untouched, when j is not a number or is out of range,
 * infinite (1e999) or NaN: take it as not given. Every JSON number that
 * becomes an integer goes through here, never through a cast.
 */
int		 json_int(const struct json *, long long min, long long max,
		     long long *out);
/* Boolean value: 1, 0, or -1 when j is not a boolean. */
int		 json_bool(const struct json *);
int		 json_is_object(const struct json *);
int		 json_is_array(const struct json *);
/* Name of an object member reached by iteration, or NULL. */
const char	*json_key(const struct json *);
/* Iterate over an object's members or an array's elements. */
struct json	*json_first(const struct json *);
struct json	*json_next(const struct json *);

/* Builders: new roots, and members added to objects and arrays. */
struct json	*json_new_object(void);
struct json	*json_new_array(void);
/* Add a member (or, for arrays, an element when key is NULL). */
struct json	*json_add_object(struct json *, const char *key);
struct json	*json_add_array(struct json *, const char *key);
void		 json_add_str(struct json *, const char *key, const char *);
void		 json_add_num(struct json *, const char *key, double);
void		 json_add_bool(struct json *, const char *key, int);
/* Move the root child into parent under key; child is then owned. */
void		 json_add_child(struct json *, const char *key, struct json *);
/* Replace (or add) the string member key. */
void		 json_set_str(struct json *, const char *key, const char *);
/* Remove member key if present. */
void		 json_remove(struct json *, const char *key);
/* A deep copy as a new root. */
struct json	*json_dup(const struct json *);

/* Serialise compactly; caller frees. */
char		*json_print(const struct json *);

/*
 * Where values lie in JSON text as it was sent, for copies that must be
 * exact (a number's digits kept as written): in the text s (len bytes),
 * the top-level object's array member outer ("entry"), and in each of its
 * elements the member inner ("resource"). (*spans)[2i] and [2i+1] are the
 * start and end offsets of element i's inner value (both 0 when it has
 * none). Returns the number of elements (*spans malloc'd, caller frees;
 * 0 and NULL when outer is absent), or -1 when s is not such JSON text.
 * Keys are matched as written (a key spelled with escapes is not found).
 */
long		 json_spans(const char *s, size_t len, const char *outer,
		     const char *inner, size_t **spans);

#endif
