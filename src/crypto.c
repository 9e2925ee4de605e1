/* Randomness, hashing, base64 and AES-GCM (OpenSSL); PKCE for sign-in. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "crypto.h"
#include "util.h"

static void *
crypto_malloc(size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return malloc(n);
}

static void *
crypto_realloc(void *p, size_t n, const char *file, int line)
{
	(void)file;
	(void)line;
	return realloc_wiped(p, n);
}

static void
crypto_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	free_wiped(p);
}

void
crypto_init(void)
{
	/* What OpenSSL lets go of (a TLS record's text) is wiped too. */
	if (CRYPTO_set_mem_functions(crypto_malloc, crypto_realloc,
	    crypto_free) != 1)
		fatal("cannot start OpenSSL");
	if (OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CRYPTO_STRINGS,
	    NULL) != 1)
		fatal("cannot start OpenSSL");
}

void
crypto_random(void *p, size_t n)
{
	if (n > 0 && RAND_bytes(p, (int)n) != 1)
		fatal("the system's random number generator failed");
}

char *
crypto_base64url(const unsigned char *p, size_t n)
{
	char	*out;
	size_t	 i, len;

	out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	len = strlen(out);
	while (len > 0 && out[len - 1] == '=')
		out[--len] = '\0';
	for (i = 0; i < len; i++) {
		if (out[i] == '+')
			out[i] = '-';
		else if (out[i] == '/')
			out[i] = '_';
	}
	return out;
}

char *
crypto_base64_decode(const char *in, size_t *lenp)
{
	char		*clean, *out;
	size_t		 n = 0, i, pad = 0;
	int		 got;

	clean = xmalloc(strlen(in) + 1);
	for (i = 0; in[i] != '\0'; i++) {
		if (!isspace((unsigned char)in[i]))
			clean[n++] = in[i];
	}
	clean[n] = '\0';
	if (n % 4 != 0) {
		free(clean);
		return NULL;
	}
	out = xmalloc(n / 4 * 3 + 1);
	got = n ? EVP_DecodeBlock((unsigned char *)out,
	    (unsigned char *)clean, (int)n) : 0;
	if (got < 0) {
		free(clean);
		free(out);
		return NULL;
	}
	if (n >= 1 && clean[n - 1] == '=')
		pad++;
	if (n >= 2 && clean[n - 2] == '=')
		pad++;
	free(clean);
	got -= (int)pad;
	out[got] = '\0';
	if (lenp != NULL)
		*lenp = (size_t)got;
	return out;
}

char *
pkce_verifier(void)
{
	unsigned char	raw[32];
	char		*v;

	crypto_random(raw, sizeof raw);
	v = crypto_base64url(raw, sizeof raw);
	secure_wipe(raw, sizeof raw);
	return v;
}

char *
pkce_challenge(const char *verifier)
{
	unsigned char	digest[SHA256_DIGEST_LENGTH];

	SHA256((const unsigned char *)verifier, strlen(verifier), digest);
	return crypto_base64url(digest, sizeof digest);
}

char *
crypto_uuid(void)
{
	unsigned char	u[16];

	crypto_random(u, sizeof u);
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
	return xasprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
	    "%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2], u[3], u[4], u[5],
	    u[6], u[7], u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
}

void
crypto_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char	md[SHA256_DIGEST_LENGTH];
	size_t		i;

	SHA256(p, n, md);
	for (i = 0; i < sizeof md; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

void
crypto_hmac_sha256_hex(const unsigned char *key, size_t keylen,
    const void *p, size_t n, char out[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	len = 0;
	size_t		i;

	HMAC(EVP_sha256(), key, (int)keylen, p, n, md, &len);
	for (i = 0; i < len && i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[64] = '\0';
	secure_wipe(md, sizeof md);
}

int
crypto_seal(const unsigned char *key, const void *plain, size_t n,
    const char *aad, unsigned char **out, size_t *outlen)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*buf;
	int		 len, rc = -1;

	*out = NULL;
	if (n > 64 * 1024 * 1024 || (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	buf = xmalloc(n + CRYPTO_SEAL_EXTRA);
	crypto_random(buf, 12);
	if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, buf) != 1 ||
	    EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)aad,
	    (int)strlen(aad)) != 1 ||
	    EVP_EncryptUpdate(ctx, buf + 12, &len, plain, (int)n) != 1 ||
	    EVP_EncryptFinal_ex(ctx, buf + 12 + len, &len) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16,
	    buf + 12 + n) != 1)
		goto out;
	*out = buf;
	*outlen = n + CRYPTO_SEAL_EXTRA;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
crypto_open(const unsigned char *key, const unsigned char *in, size_t n,
    const char *aad, char **plain, size_t *plen)
{
	EVP_CIPHER_CTX	*ctx;
	unsigned char	*buf, tag[16];
	size_t		 clen;
	int		 len, rc = -1;

	*plain = NULL;
	if (n < CRYPTO_SEAL_EXTRA || (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	clen = n - CRYPTO_SEAL_EXTRA;
	buf = xmalloc(clen + 1);
	memcpy(tag, in + 12 + clen, sizeof tag);
	if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, in) != 1 ||
	    EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)aad,
	    (int)strlen(aad)) != 1 ||
	    EVP_DecryptUpdate(ctx, buf, &len, in + 12, (int)clen) != 1 ||
	    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, sizeof tag,
	    tag) != 1 ||
	    EVP_DecryptFinal_ex(ctx, buf + len, &len) != 1) {
		secure_wipe(buf, clen + 1);
		free(buf);
		goto out;
	}
	buf[clen] = '\0';
	*plain = (char *)buf;
	*plen = clen;
	rc = 0;
out:
	EVP_CIPHER_CTX_free(ctx);
	return rc;
}

int
crypto_request_id(char **id, char **sent, char *what)
{
	int	fresh = 0;

	if (*id == NULL || *sent == NULL || strcmp(what, *sent) != 0) {
		free(*id);
		*id = crypto_uuid();
		fresh = 1;
	}
	secret_free(*sent);
	*sent = what;
	return fresh;
}

const char *
crypto_library(void)
{
	return OpenSSL_version(OPENSSL_VERSION);
}
