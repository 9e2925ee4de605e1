/*
 * Unit tests of the Account area's pieces: account activity in words
 * (sign-ins, proxy reads, changes, what cannot be read), a URL's query
 * parameter, and the QR code as a picture (its finder patterns, and a
 * real decoder reading it back when zbarimg is installed).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "account.h"
#include "json.h"
#include "qr.h"
#include "tap.h"
#include "url.h"
#include "util.h"
#include "view.h"

#define SELF	"Patient/linda-nguyen"
#define HAROLD	"Patient/harold-nguyen"
#define LOGIN	"{\"system\":\"http://dicom.nema.org/resources/ontology/DCM\"," \
		"\"code\":\"110114\"},\"subtype\":[{\"system\":" \
		"\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":"

/* The sentence account_activity_parse() makes of event text. */
static const char *
words(struct arena *a, const char *text, const char *self,
    const char *patient, int *failed)
{
	struct activity	 ev;
	struct json	*j = json_parse(text, strlen(text), NULL);
	int		 rc;

	rc = account_activity_parse(a, j, self, patient, &ev);
	json_free(j);
	if (failed != NULL)
		*failed = ev.failed;
	return rc == 0 ? ev.what : NULL;
}

static void
activity(void)
{
	struct arena	*a = arena_create();
	const char	*w;
	int		 failed;

	w = words(a, "{\"resourceType\":\"AuditEvent\",\"type\":" LOGIN
	    "\"110122\"}],\"action\":\"E\",\"recorded\":"
	    "\"2026-12-01T14:02:00Z\",\"outcome\":\"0\",\"agent\":[{\"who\":"
	    "{\"reference\":\"" SELF "\",\"display\":\"Linda Nguyen\"},"
	    "\"requestor\":true,\"network\":{\"address\":\"203.0.113.7\"}}]}",
	    SELF, SELF, &failed);
	is(w, "Signed in from 203.0.113.7", "one's own sign-in, where from");
	ok(!failed, "a sign-in that worked is not marked");
	w = words(a, "{\"resourceType\":\"AuditEvent\",\"type\":" LOGIN
	    "\"110122\"}],\"action\":\"E\",\"outcome\":\"4\",\"agent\":[{"
	    "\"who\":{\"reference\":\"" SELF "\"},\"requestor\":true}]}",
	    SELF, SELF, &failed);
	is(w, "A sign-in failed", "a failed sign-in");
	ok(failed, "a failed sign-in is marked");
	w = words(a, "{\"resourceType\":\"AuditEvent\",\"type\":" LOGIN
	    "\"110123\"}],\"action\":\"E\",\"agent\":[{\"who\":{\"reference\":"
	    "\"" SELF "\"},\"requestor\":true}]}", SELF, SELF, NULL);
	is(w, "Signed out", "a sign-out");

	/* A proxy read, seen by the proxy and by the patient. */
#define PROXY_READ "{\"resourceType\":\"AuditEvent\",\"type\":{\"system\":" \
	"\"http://terminology.hl7.org/CodeSystem/audit-event-type\",\"code\":" \
	"\"rest\"},\"action\":\"R\",\"agent\":[{\"who\":{\"reference\":\"" \
	SELF "\",\"display\":\"Linda Nguyen\"},\"requestor\":true}]," \
	"\"entity\":[{\"what\":{\"reference\":\"" HAROLD "\"}}]}"
	is(words(a, PROXY_READ, SELF, HAROLD, NULL),
	    "Record read by you (proxy)", "the proxy's own read, in the "
	    "record read");
	is(words(a, "{\"resourceType\":\"AuditEvent\",\"action\":\"R\","
	    "\"agent\":[{\"who\":{\"reference\":\"" SELF "\"},\"requestor\":"
	    "true}],\"entity\":[{\"what\":{\"reference\":\"" HAROLD "\","
	    "\"display\":\"Harold Nguyen\"}}]}", SELF, SELF, NULL),
	    "Harold Nguyen's record read by you", "the proxy's read in the "
	    "proxy's own list names whose record it was");
	is(words(a, PROXY_READ, HAROLD, HAROLD, NULL),
	    "Record read by Linda Nguyen (proxy)", "the read as the patient "
	    "sees it");
	is(words(a, "{\"resourceType\":\"AuditEvent\",\"action\":\"R\","
	    "\"agent\":[{\"who\":{\"reference\":\"RelatedPerson/rp-1\","
	    "\"display\":\"Teodor\"},\"requestor\":true}]}", HAROLD, HAROLD,
	    NULL), "Record read by Teodor (proxy)", "a RelatedPerson reads "
	    "as a proxy");

	/* Changes: what, by whom. */
	is(words(a, "{\"resourceType\":\"AuditEvent\",\"action\":\"U\","
	    "\"agent\":[{\"who\":{\"reference\":\"http://x/fhir/R4/" SELF
	    "\"},\"requestor\":true}],\"entity\":[{\"what\":{\"reference\":"
	    "\"" SELF "\"}}]}", SELF, SELF, NULL),
	    "Contact details changed by you", "a Patient update (an absolute "
	    "reference is the same record)");
	is(words(a, "{\"resourceType\":\"AuditEvent\",\"action\":\"C\","
	    "\"agent\":[{\"who\":{\"reference\":\"" SELF "\"},\"requestor\":"
	    "true}],\"entity\":[{\"what\":{\"reference\":\"" SELF "\"}},"
	    "{\"what\":{\"reference\":\"Communication/m1\"}}]}", SELF, SELF,
	    NULL), "Message sent by you", "a message, whatever the entities' "
	    "order");
	is(words(a, "{\"resourceType\":\"AuditEvent\",\"action\":\"C\","
	    "\"agent\":[{\"who\":{\"reference\":\"Device/kiosk-1\",\"display\":"
	    "\"Check-in kiosk Lobby\"},\"requestor\":true}],\"entity\":[{"
	    "\"what\":{\"reference\":\"Consent/c1\"}}]}", SELF, SELF, NULL),
	    "Consent signed by Check-in kiosk Lobby", "a kiosk is named, not "
	    "a proxy");
	is(words(a, "{\"resourceType\":\"AuditEvent\",\"action\":\"D\","
	    "\"agent\":[{\"who\":{\"reference\":\"" SELF "\"}}],\"entity\":"
	    "[{\"what\":{\"reference\":\"Flag/f1\"}}]}", SELF, SELF, NULL),
	    "A record removed (Flag) by you", "a type with no words of its "
	    "own");
	is(words(a, "{\"resourceType\":\"AuditEvent\",\"action\":\"E\","
	    "\"type\":{\"code\":\"x\",\"display\":\"Password changed\"},"
	    "\"agent\":[{\"who\":{\"reference\":\"" SELF "\"}}]}", SELF, SELF,
	    NULL), "Password changed by you", "anything else: its display");

	is(words(a, "{\"resourceType\":\"AuditEvent\",\"type\":{\"system\":"
	    "\"http://dicom.nema.org/resources/ontology/DCM\",\"code\":"
	    "\"110113\",\"display\":\"Security Alert\"},\"subtype\":[{"
	    "\"system\":\"http://dicom.nema.org/resources/ontology/DCM\","
	    "\"code\":\"110137\",\"display\":\"User Security Attributes "
	    "Changed\"},{\"system\":\"urn:chartty:audit\",\"code\":"
	    "\"password-changed\",\"display\":\"Password changed\"}],"
	    "\"action\":\"U\",\"agent\":[{\"who\":{\"reference\":\"" SELF
	    "\"},\"requestor\":true}],\"entity\":[{\"what\":{\"reference\":"
	    "\"" SELF "\"}}]}", SELF, SELF, NULL), "Password changed by you",
	    "a security change says its most precise words, not \"contact "
	    "details\"");
	is(words(a, "{\"resourceType\":\"AuditEvent\",\"action\":\"C\","
	    "\"agent\":[{\"who\":{\"reference\":\"" SELF "\"},\"requestor\":"
	    "true}],\"entity\":[{\"what\":{\"reference\":\"Communication/m2"
	    "\"}},{\"what\":{\"reference\":\"" HAROLD "\",\"display\":"
	    "\"Harold Nguyen\"}}]}", SELF, SELF, NULL), "Message sent by you, "
	    "for Harold Nguyen", "a change made for someone else says for "
	    "whom");
	is(words(a, "{\"resourceType\":\"AuditEvent\",\"type\":" LOGIN
	    "\"110122\"}],\"action\":\"E\",\"outcome\":\"4\",\"outcomeDesc\":"
	    "\"Wrong password\",\"agent\":[{\"who\":{\"reference\":\"" SELF
	    "\"},\"requestor\":true,\"network\":{\"address\":\"127.0.0.1\"}"
	    "}]}", SELF, SELF, NULL), "A sign-in failed (Wrong password) from "
	    "127.0.0.1", "a failed sign-in says why and where from");

	/* What comes from the server is made safe; what is not one fails. */
	w = words(a, "{\"resourceType\":\"AuditEvent\",\"action\":\"R\","
	    "\"agent\":[{\"who\":{\"reference\":\"Patient/x\",\"display\":"
	    "\"Eve\\u001b]0;owned\\u0007\"}}]}", SELF, HAROLD, NULL);
	ok(w != NULL && strchr(w, 0x1b) == NULL && strchr(w, 0x07) == NULL,
	    "an escape sequence in a name cannot reach the terminal: %s",
	    w ? w : "(null)");
	ok(words(a, "{\"resourceType\":\"Patient\"}", SELF, SELF, NULL) ==
	    NULL, "a resource that is not an AuditEvent is skipped");
	ok(words(a, "{\"resourceType\":\"AuditEvent\"}", SELF, SELF, NULL) !=
	    NULL, "an empty AuditEvent still reads as something");
	arena_free(a);
}

static void
params(void)
{
	char	*v;

	v = url_param("otpauth://totp/A%3Ab?secret=ABC&issuer=My%20Clinic",
	    "issuer");
	is(v, "My Clinic", "a parameter is found and unescaped");
	free(v);
	v = url_param("otpauth://totp/A?xsecret=1&secret=ABC#frag", "secret");
	is(v, "ABC", "a longer name ending in the key is not the key");
	free(v);
	ok(url_param("otpauth://totp/A?issuer=x", "secret") == NULL,
	    "an absent parameter is NULL");
	ok(url_param("otpauth://totp/A", "secret") == NULL, "no query: NULL");
}

/* Is the 7x7 finder pattern at module (x, y) of the picture? */
static int
finder_at(char **m, int x, int y)
{
	int	i, j, ring;

	for (j = 0; j < 7; j++) {
		for (i = 0; i < 7; i++) {
			ring = i == 0 || j == 0 || i == 6 || j == 6;
			if (m[y + j][x + i] != (ring || (i >= 2 && i <= 4 &&
			    j >= 2 && j <= 4)))
				return 0;
		}
	}
	return 1;
}

/* The picture back as modules: m[y][x] is 1 for dark. */
static char **
modules(const struct picture *p)
{
	char		**m = xcalloc((size_t)p->width + 1, sizeof *m);
	const char	 *s;
	int		  x, y;

	for (y = 0; y <= p->width; y++)
		m[y] = xcalloc((size_t)p->width, 1);
	for (y = 0; y < p->nlines; y++) {
		s = p->lines[y];
		for (x = 0; x < p->width; x++) {
			if (*s == ' ') {
				s++;
				continue;
			}
			/* U+2580 upper, U+2584 lower, U+2588 full */
			m[2 * y][x] = s[2] == '\x80' || s[2] == '\x88';
			m[2 * y + 1][x] = s[2] == '\x84' || s[2] == '\x88';
			s += 3;
		}
	}
	return m;
}

static void
qr(void)
{
	const char	*uri = "otpauth://totp/Chartty%20Test%20Portal%3A"
	    "maria%40example.org?secret=KRUGKIDROVUWG2ZAMJZG653OEBTG66BA&"
	    "issuer=Chartty%20Test%20Portal&algorithm=SHA1&digits=6&period=30";
	struct arena	*a = arena_create();
	struct picture	*p = qr_picture(a, uri);
	char		**m, path[] = "/tmp/chartty-qr-XXXXXX", cmd[256], *big;
	char		 got[512];
	FILE		*f;
	int		 fd, x, y, n, i, j, quiet = 1;

	if (!ok(p != NULL, "the setup link makes a QR code"))
		return;
	n = p->width - 2 * QR_QUIET;
	ok(n >= 21 && (n - 17) % 4 == 0, "its size is a QR version's "
	    "(%d modules)", n);
	ok(p->nlines == (p->width + 1) / 2, "two rows of modules a line");
	m = modules(p);
	for (i = 0; i < p->width; i++) {
		for (j = 0; j < QR_QUIET; j++)
			quiet = quiet && !m[j][i] && !m[i][j] &&
			    !m[p->width - 1 - j][i] && !m[i][p->width - 1 - j];
	}
	ok(quiet, "the quiet zone around it is light");
	ok(finder_at(m, QR_QUIET, QR_QUIET) && finder_at(m, p->width -
	    QR_QUIET - 7, QR_QUIET) && finder_at(m, QR_QUIET, p->width -
	    QR_QUIET - 7), "the three finder patterns are in their corners");

	/* A real decoder reads it back. */
	if ((fd = mkstemp(path)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		ok(0, "a file for the picture");
		return;
	}
	fprintf(f, "P1\n%d %d\n", p->width * 4, p->width * 4);
	for (y = 0; y < p->width * 4; y++) {
		for (x = 0; x < p->width * 4; x++)
			fputs(m[y / 4][x / 4] ? "1 " : "0 ", f);
		fputc('\n', f);
	}
	fclose(f);
	snprintf(cmd, sizeof cmd, "zbarimg --quiet --raw %s 2>/dev/null", path);
	got[0] = '\0';
	if ((f = popen(cmd, "r")) != NULL) {
		if (fgets(got, sizeof got, f) == NULL)
			got[0] = '\0';
		pclose(f);
	}
	got[strcspn(got, "\n")] = '\0';
	is(got, uri, "zbarimg reads the picture as the setup link");
	unlink(path);
	for (y = 0; y <= p->width; y++)
		free(m[y]);
	free(m);
	big = xcalloc(8000, 1);
	memset(big, 'a', 7999);
	ok(qr_picture(a, big) == NULL, "a text too long for any QR code "
	    "makes none");
	free(big);
	arena_free(a);
}

int
main(void)
{
	activity();
	params();
	qr();
	return done_testing();
}
