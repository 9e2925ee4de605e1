/* A patient's contact details as form fields (include/contact.h). */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "contact.h"
#include "fhir.h"
#include "json.h"
#include "model.h"
#include "sanitize.h"
#include "util.h"
#include "view.h"

/* The first telecom value of system in the Patient, or "". */
static const char *
contact_telecom(struct arena *a, const struct json *pat, const char *sys)
{
	const struct json	*t;
	const char		*s;
	size_t			 i;

	for (i = 0; i < json_size(json_get(pat, "telecom")); i++) {
		t = json_at(json_get(pat, "telecom"), i);
		if ((s = json_gets(t, "system")) && strcmp(s, sys) == 0 &&
		    model_str(a, t, "value") != NULL)
			return model_str(a, t, "value");
	}
	return "";
}

/* The Patient's address, phone and email, as the fields show them. */
static void
contact_fill(struct arena *a, const struct json *pat,
    struct field *f)
{
	const struct json	*addr = json_at(json_get(pat, "address"), 0);
	static const char *const keys[] = { "city", "state", "postalCode" };
	struct buf		 b;
	const char		*l;
	size_t			 i;

	buf_init(&b, 4096);
	for (i = 0; i < json_size(json_get(addr, "line")); i++) {
		if ((l = json_str(json_at(json_get(addr, "line"), i))) != NULL)
			buf_printf(&b, "%s%s", b.len ? ", " : "", l);
	}
	field_set(&f[CONTACT_STREET], b.len ? arena_own(a, sanitize_str(
	    b.data, 0)) : "");
	buf_free(&b, 1);
	for (i = 0; i < 3; i++)
		field_set(&f[CONTACT_CITY + i], model_str(a, addr, keys[i]) ?
		    model_str(a, addr, keys[i]) : "");
	field_set(&f[CONTACT_PHONE], contact_telecom(a, pat, "phone"));
	field_set(&f[CONTACT_EMAIL], contact_telecom(a, pat, "email"));
}

static const char *const contact_labels[CONTACT_N] = {
	"Street address", "City", "State or region", "ZIP or postal code",
	"Phone", "Email"
};

void
contact_view(struct contact *c, struct view *v, int first_id)
{
	int	i;

	for (i = 0; i < CONTACT_N; i++)
		view_field(v, first_id + i, contact_labels[i], &c->f[i], 0);
}

void
contact_items(const struct contact *c, struct view *v)
{
	int	i;

	for (i = 0; i < CONTACT_N; i++)
		view_item(v, -1, "Detail", contact_labels[i], c->f[i].len ?
		    c->f[i].text : "not on file", ROW_INFO);
}

/* A phone number: 7 to 15 digits, with spaces, dashes, dots, (), +. */
static int
contact_phone_ok(const char *s)
{
	int	digits = 0;

	for (; *s != '\0'; s++) {
		if (isdigit((unsigned char)*s))
			digits++;
		else if (strchr(" -.()+", *s) == NULL)
			return 0;
	}
	return digits >= 7 && digits <= 15;
}

/* An email address: something@something.something, no spaces. */
static int
contact_email_ok(const char *s)
{
	const char	*at = strchr(s, '@');

	return at != NULL && at > s && strchr(at + 1, '@') == NULL &&
	    strchr(at, '.') != NULL && strchr(at, '.')[1] != '\0' &&
	    strpbrk(s, " \t") == NULL && at[1] != '.';
}

/* Set (or add) the first telecom of system to value in the Patient p. */
static void
contact_set_telecom(struct json *p, const char *sys, const char *value)
{
	struct json	*arr, *t;
	size_t		 i;

	if ((arr = json_get(p, "telecom")) == NULL)
		arr = json_add_array(p, "telecom");
	for (i = 0; i < json_size(arr); i++) {
		t = json_at(arr, i);
		if (json_gets(t, "system") && strcmp(json_gets(t, "system"),
		    sys) == 0) {
			json_set_str(t, "value", value);
			return;
		}
	}
	t = json_add_object(arr, NULL);
	json_add_str(t, "system", sys);
	json_add_str(t, "value", value);
}

/* The Patient with the address, phone and email as typed (new root). */
static struct json *
contact_patient(struct contact *c)
{
	struct json	*p = json_dup(c->pat), *arr, *addr;
	struct field	*f = c->f;

	if ((arr = json_get(p, "address")) == NULL || json_size(arr) == 0) {
		json_remove(p, "address");
		arr = json_add_array(p, "address");
		json_add_object(arr, NULL);
	}
	addr = json_at(arr, 0);
	json_remove(addr, "text");
	json_remove(addr, "line");
	json_add_str(json_add_array(addr, "line"), NULL, f[CONTACT_STREET].text);
	json_set_str(addr, "city", f[CONTACT_CITY].text);
	if (f[CONTACT_STATE].len > 0)
		json_set_str(addr, "state", f[CONTACT_STATE].text);
	else
		json_remove(addr, "state");
	if (f[CONTACT_ZIP].len > 0)
		json_set_str(addr, "postalCode", f[CONTACT_ZIP].text);
	else
		json_remove(addr, "postalCode");
	if (f[CONTACT_PHONE].len > 0)
		contact_set_telecom(p, "phone", f[CONTACT_PHONE].text);
	if (f[CONTACT_EMAIL].len > 0)
		contact_set_telecom(p, "email", f[CONTACT_EMAIL].text);
	return p;
}

/* Load the Patient again (after 412) and put it in the fields. */
static int
contact_reload(struct contact *c, struct fhir *f, char **cause)
{
	struct fhir_result	 res;
	char			*path;

	path = fhir_ref("Patient", c->patient);
	if (fhir_read(f, path, NULL, &res, cause) != 0 || res.body == NULL) {
		free(path);
		fhir_result_free(&res);
		if (*cause == NULL)
			*cause = xstrdup("Your record could not be loaded.");
		return -1;
	}
	free(path);
	json_free(c->pat);
	c->pat = res.body;
	res.body = NULL;
	c->etag = model_etag(c->a, c->pat);
	fhir_result_free(&res);
	contact_fill(c->a, c->pat, c->f);
	c->name = model_name(c->a, json_get(c->pat, "name"));
	return 0;
}

/*
 * The update's answer was not the record: read it again, and it is saved
 * when it holds what was typed (0); else -1 with *cause, the fields
 * showing it as it is.
 */
static int
contact_check(struct contact *c, struct fhir *f, char **cause)
{
	struct field	typed[CONTACT_N];
	char		*was = c->etag;
	int		i, same = 1;

	memcpy(typed, c->f, sizeof typed);
	if (contact_reload(c, f, cause) != 0) {
		memcpy(c->f, typed, sizeof typed);	/* nothing lost */
		secure_wipe(typed, sizeof typed);
		free(*cause);
		*cause = xstrdup("The portal's answer could not be understood, "
		    "so it is not known whether your details were saved. Try "
		    "again.");
		return -1;
	}
	for (i = 0; i < CONTACT_N; i++)
		same = same && strcmp(typed[i].text, c->f[i].text) == 0;
	if (!same && was != NULL && c->etag != NULL &&
	    strcmp(was, c->etag) == 0) {
		/* The record did not change: nothing was saved; what was
		 * typed stays, to send again. */
		memcpy(c->f, typed, sizeof typed);
		secure_wipe(typed, sizeof typed);
		*cause = xstrdup("The portal's answer could not be understood, "
		    "and your details were not saved. Try again.");
		return -1;
	}
	secure_wipe(typed, sizeof typed);
	if (same)
		return 0;
	*cause = xstrdup("The portal's answer could not be understood. Here "
	    "are your details as the record has them now: check them and "
	    "send them again.");
	return -1;
}

int
contact_submit(struct contact *c, struct fhir *f, char **cause)
{
	struct fhir_result	 res;
	struct json		*p;
	struct field		 before[CONTACT_N], *in = c->f;
	char			*path;
	int			 rc, i, same = 1;

	if (str_blank(in[CONTACT_STREET].text) ||
	    str_blank(in[CONTACT_CITY].text)) {
		*cause = xstrdup("Please give your street address and city.");
		return -1;
	}
	if (in[CONTACT_PHONE].len > 0 &&
	    !contact_phone_ok(in[CONTACT_PHONE].text)) {
		*cause = xstrdup("Type the phone number with its area code, "
		    "for example 555-0111.");
		return -1;
	}
	if (in[CONTACT_EMAIL].len > 0 &&
	    !contact_email_ok(in[CONTACT_EMAIL].text)) {
		*cause = xstrdup("That email address does not look right: it "
		    "should be like name@example.org.");
		return -1;
	}
	memset(before, 0, sizeof before);
	contact_fill(c->a, c->pat, before);
	if ((in[CONTACT_PHONE].len == 0 && before[CONTACT_PHONE].len > 0) ||
	    (in[CONTACT_EMAIL].len == 0 && before[CONTACT_EMAIL].len > 0)) {
		*cause = xstrdup("To remove your phone or email from your "
		    "record, tell the front desk; here, type the one to "
		    "use.");
		return -1;
	}
	/* Unchanged: confirmed, nothing to send. */
	for (i = 0; i < CONTACT_N; i++)
		same = same && strcmp(before[i].text, in[i].text) == 0;
	if (same)
		return 1;
	if (c->etag == NULL) {
		*cause = xstrdup("Your record has no version, so it cannot be "
		    "changed safely online. Please tell the front desk.");
		return -1;
	}
	p = contact_patient(c);
	path = fhir_ref("Patient", c->patient);
	rc = fhir_update(f, path, p, c->etag, &res, cause);
	free(path);
	json_free(p);
	if (rc == 0 && res.body != NULL && json_gets(res.body,
	    "resourceType") != NULL && strcmp(json_gets(res.body,
	    "resourceType"), "Patient") == 0) {
		json_free(c->pat);
		c->pat = res.body;
		res.body = NULL;
		c->etag = model_etag(c->a, c->pat);
	} else if (rc == 0) {
		/* Not the record back: read it to know what it holds now. */
		fhir_result_free(&res);
		return contact_check(c, f, cause);
	}
	if (rc != 0 && res.status == 412) {
		free(*cause);
		*cause = NULL;
		fhir_result_free(&res);
		if (contact_reload(c, f, cause) != 0)
			return -1;
		*cause = xstrdup("Your details were changed somewhere else "
		    "since you opened this. Here they are now: check them "
		    "and send them again.");
		return -1;
	}
	fhir_result_free(&res);
	return rc;
}

void
contact_take(struct contact *c, struct arena *a, const char *patient,
    struct json *pat)
{
	memset(c, 0, sizeof *c);
	c->a = a;
	c->patient = patient;
	c->pat = pat;
	c->etag = model_etag(a, pat);
	c->name = model_name(a, json_get(pat, "name"));
	contact_fill(a, pat, c->f);
}

int
contact_load(struct contact *c, struct arena *a, struct fhir *f,
    const char *patient, char **cause)
{
	memset(c, 0, sizeof *c);
	c->a = a;
	c->patient = patient;
	return contact_reload(c, f, cause);
}

int
contact_changed(const struct contact *c)
{
	struct field	before[CONTACT_N];
	int		i;

	memset(before, 0, sizeof before);
	contact_fill(c->a, c->pat, before);
	for (i = 0; i < CONTACT_N; i++) {
		if (strcmp(before[i].text, c->f[i].text) != 0)
			return 1;
	}
	return 0;
}

void
contact_free(struct contact *c)
{
	json_free(c->pat);
	secure_wipe(c->f, sizeof c->f);
	c->pat = NULL;
}
