/* Randomness, hashing and base64, from OpenSSL; PKCE for sign-in. */
#ifndef CHARTTY_CRYPTO_H
#define CHARTTY_CRYPTO_H

#include <stddef.h>

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
char	*pkce_verifier(void);
char	*pkce_challenge(const char *verifier);
/* A random version 4 UUID, for idempotency keys; caller frees. */
char	*crypto_uuid(void);

#endif
