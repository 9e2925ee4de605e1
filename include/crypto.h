/* Randomness, hashing and base64, from OpenSSL; PKCE for sign-in. */
#ifndef CHARTTY_CRYPTO_H
#define CHARTTY_CRYPTO_H

#include <stddef.h>

/*
 * Start OpenSSL without its error strings (chartty never shows them: a
 * TLS failure is said in its own words): about 0.6 MB less resident.
 * Called by main() once the options are read, before libcurl starts
 * OpenSSL; OpenSSL's configuration (the system's TLS policy) is still
 * read.
 */
void	 crypto_init(void);
/* Fill p with n bytes from the system's secure generator (fatal on failure). */
void	 crypto_random(void *p, size_t n);
/* base64url without padding, as PKCE and JWTs use it; caller frees. */
char	*crypto_base64url(const unsigned char *, size_t);
/*
 * Decode standard base64 (whitespace ignored). Returns a NUL-terminated
 * new buffer and its length in *len (may be NULL), or NULL if malformed.
 */
char	*crypto_base64_decode(const char *, size_t *len);

/*
 * PKCE S256 (RFC 7636). pkce_verifier makes a fresh 43-character
 * verifier; pkce_challenge returns BASE64URL(SHA256(verifier)). Both
 * return new strings the caller wipes and frees (secret_free).
 */
/* OpenSSL's version ("OpenSSL 3.0.15 3 Sep 2024"). */
const char *crypto_library(void);
char	*pkce_verifier(void);
char	*pkce_challenge(const char *verifier);
/* A random version 4 UUID, for idempotency keys; caller frees. */
char	*crypto_uuid(void);
/*
 * The idempotency id for sending what (a fingerprint of the form, taken
 * over; the last one is kept in *sent): *id stays while the form is
 * unchanged, so a retry finds the first request, and is new when it
 * changed. Returns 1 when a new id was made.
 */
int	 crypto_request_id(char **id, char **sent, char *what);
/* SHA-256 of n bytes as 64 hex digits into out[65]. */
void	 crypto_sha256_hex(const void *, size_t n, char out[65]);
/* HMAC-SHA-256 of n bytes under key, as 64 hex digits into out[65]. */
void	 crypto_hmac_sha256_hex(const unsigned char *key, size_t keylen,
	     const void *, size_t n, char out[65]);

#define CRYPTO_KEY_LEN		32	/* AES-256 */
#define CRYPTO_SEAL_EXTRA	28	/* 12-byte nonce, then 16-byte tag */
/*
 * AES-256-GCM: seal n bytes under key with a fresh random nonce, bound to
 * aad (a NUL-terminated label, not secret); *out (n + CRYPTO_SEAL_EXTRA
 * bytes, caller frees) holds nonce, ciphertext, tag. 0, or -1.
 */
int	 crypto_seal(const unsigned char *key, const void *plain, size_t n,
	     const char *aad, unsigned char **out, size_t *outlen);
/*
 * Open what crypto_seal made: 0 with *plain (NUL-terminated, caller
 * wipes and frees) and *len, or -1 when it was changed, made with
 * another key or aad, or is too short.
 */
int	 crypto_open(const unsigned char *key, const unsigned char *in,
	     size_t n, const char *aad, char **plain, size_t *len);

#endif
