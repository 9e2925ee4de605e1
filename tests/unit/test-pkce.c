/* Unit tests for PKCE (RFC 7636), base64 and UUIDs. */
#include "config.h"

#include <ctype.h>
#include <string.h>

#include "crypto.h"
#include "tap.h"
#include "util.h"

/* AES-256-GCM drafts: round trip, and any change or mismatch refused. */
static void
test_seal(void)
{
	unsigned char	 key[CRYPTO_KEY_LEN], other[CRYPTO_KEY_LEN], *box;
	const char	*text = "An unsent message, line one.\nLine two.";
	char		*plain, hex[65];
	size_t		 n, len;

	crypto_random(key, sizeof key);
	memcpy(other, key, sizeof key);
	other[0] ^= 1;
	ok(crypto_seal(key, text, strlen(text), "p|new", &box, &n) == 0 &&
	    n == strlen(text) + CRYPTO_SEAL_EXTRA, "seal");
	ok(memmem(box, n, "unsent", 6) == NULL, "the text is not in the box");
	ok(crypto_open(key, box, n, "p|new", &plain, &len) == 0 &&
	    len == strlen(text) && strcmp(plain, text) == 0, "open gives it "
	    "back");
	free(plain);
	ok(crypto_open(other, box, n, "p|new", &plain, &len) == -1 &&
	    plain == NULL, "another key cannot open it");
	ok(crypto_open(key, box, n, "p|reply:1", &plain, &len) == -1,
	    "nor can another draft's label");
	box[20] ^= 0x40;
	ok(crypto_open(key, box, n, "p|new", &plain, &len) == -1,
	    "a changed byte is refused");
	ok(crypto_open(key, box, 10, "p|new", &plain, &len) == -1,
	    "a cut box is refused");
	free(box);
	crypto_sha256_hex("abc", 3, hex);
	is(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f200"
	    "15ad", "SHA-256 of abc");
	crypto_hmac_sha256_hex((const unsigned char *)"Jefe", 4,
	    "what do ya want for nothing?", 28, hex);
	is(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec"
	    "3843", "HMAC-SHA-256 (RFC 4231 test case 2)");
}

int
main(void)
{
	char	*c, *v, *v2, *d, *u;
	size_t	 n, i;
	int	 good = 1;

	/* RFC 7636 appendix B. */
	c = pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
	is(c, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
	    "challenge matches RFC 7636 appendix B");
	free(c);

	v = pkce_verifier();
	v2 = pkce_verifier();
	ok(strlen(v) == 43, "verifier is 43 characters (%zu)", strlen(v));
	for (i = 0; v[i] != '\0'; i++) {
		if (!(isalnum((unsigned char)v[i]) || v[i] == '-' ||
		    v[i] == '_'))
			good = 0;
	}
	ok(good, "verifier uses only unreserved characters");
	ok(strcmp(v, v2) != 0, "two verifiers differ");
	secret_free(v);
	secret_free(v2);

	/* RFC 4648 test vectors, base64url without padding. */
	v = crypto_base64url((const unsigned char *)"foob", 4);
	is(v, "Zm9vYg", "base64url drops padding");
	free(v);
	v = crypto_base64url((const unsigned char *)"\xfb\xff", 2);
	is(v, "-_8", "base64url uses - and _");
	free(v);
	d = crypto_base64_decode("Zm9v\nYmFy", &n);
	is(d, "foobar", "base64 decode ignores line breaks");
	ok(n == 6, "decoded length is 6");
	free(d);
	d = crypto_base64_decode("Zm9vYg==", &n);
	is(d, "foob", "base64 decode with padding");
	ok(n == 4, "padded decoded length is 4");
	free(d);
	ok(crypto_base64_decode("Zm9", NULL) == NULL,
	    "malformed base64 refused");

	u = crypto_uuid();
	ok(strlen(u) == 36 && u[14] == '4' && strchr("89ab", u[19]) != NULL,
	    "uuid is version 4 (%s)", u);
	free(u);
	test_seal();
	return done_testing();
}
