/* Authenticated encryption of personal data at rest, the OpenSSL edge of the store. A sealed value
 * is self-describing:
 *
 *   [alg 1][nonce or IV][ciphertext][tag]
 *
 *   alg 0x01  AES-256-GCM: 12-byte random nonce, 16-byte tag.
 *   alg 0x02  SM4-CTR + HMAC-SM3, encrypt-then-MAC: 16-byte random IV, 32-byte tag =
 *             HMAC-SM3(mac key, alg | len(aad) as 8 bytes big-endian | aad | IV | ciphertext).
 *
 * The alg byte is authenticated with the caller's associated data (the row, column or file chunk a
 * value belongs to), so a value moved elsewhere, or relabelled, fails to open. Each algorithm uses
 * its own keys, derived from the data key with HKDF (SHA-256 for AES, SM3 for SM4), so one data key
 * never serves two ciphers. Values of either algorithm are read whichever one writes: changing
 * store.cipher leaves older values readable. (OpenSSL 3.0 in Debian 12 has SM4-CTR and SM3 but no
 * SM4-GCM, hence the envelope; a certified module can replace this file behind the same calls.) */
#ifndef OFFLINE_QUEUE_QUEUE_CRYPT_H
#define OFFLINE_QUEUE_QUEUE_CRYPT_H

#include "common/kerr.h"
#include "offline-queue/queue_key.h"

#include <stddef.h>

enum queue_cipher { QUEUE_CIPHER_AES_256_GCM, QUEUE_CIPHER_SM4_CTR_HMAC_SM3, QUEUE_CIPHER__COUNT };

/* The most a sealed value adds to its plaintext, whatever the algorithm. */
#define QUEUE_CRYPT_MAX_OVERHEAD (1 + 16 + 32)

struct queue_crypt;

/* The configuration name ("aes-256-gcm", "sm4-ctr-hmac-sm3"); "unknown" out of range. */
const char *queue_cipher_str(enum queue_cipher c);
/* KERR_INVAL for any other name. */
enum kerr queue_cipher_parse(const char *name, enum queue_cipher *ret);

/* Derives the keys of both algorithms from key (borrowed for the call; nothing keeps a pointer to
 * it) and seals new values with cipher. *ret is the caller's: queue_crypt_destroy(). One handle
 * per thread. Errors: KERR_INVAL (cipher out of range), KERR_NOMEM, KERR_UNSUPPORTED (OpenSSL
 * lacks an algorithm), KERR_IO (another OpenSSL failure). */
enum kerr queue_crypt_create(const struct queue_key *key, enum queue_cipher cipher,
			     struct queue_crypt **ret);
/* Zeroes the derived keys and frees. Accepts NULL. */
void queue_crypt_destroy(struct queue_crypt *c);
enum queue_cipher queue_crypt_cipher(const struct queue_crypt *c);
/* What sealing adds to a plaintext under the writing cipher. */
size_t queue_crypt_overhead(const struct queue_crypt *c);

/* Seals pt (pt_len bytes, may be 0) bound to aad into out (out_size at least pt_len +
 * queue_crypt_overhead()); *ret_len is the sealed length. Errors: KERR_INVAL (out too small),
 * KERR_IO (no randomness, an OpenSSL failure). */
enum kerr queue_crypt_seal(struct queue_crypt *c, const unsigned char *aad, size_t aad_len,
			   const unsigned char *pt, size_t pt_len, unsigned char *out,
			   size_t out_size, size_t *ret_len);
/* The plaintext length of a sealed value, from its alg byte and length alone (not yet checked).
 * KERR_CORRUPT: unknown alg byte, or too short to be sealed. */
enum kerr queue_crypt_plain_len(const unsigned char *in, size_t in_len, size_t *ret);
/* What a value sealed with the given alg byte adds to its plaintext; 0 for an unknown byte. */
size_t queue_crypt_overhead_of(unsigned char alg);
/* The alg byte this handle writes. */
unsigned char queue_crypt_alg(const struct queue_crypt *c);
/* Opens a sealed value bound to aad into out (out_size at least its plaintext length); *ret_len is
 * the plaintext length. On any failure out holds no plaintext. Errors: KERR_CORRUPT (unknown alg
 * byte, truncated, or the tag does not match: tampered, moved, or another key), KERR_INVAL (out too
 * small), KERR_IO. */
enum kerr queue_crypt_open(struct queue_crypt *c, const unsigned char *aad, size_t aad_len,
			   const unsigned char *in, size_t in_len, unsigned char *out,
			   size_t out_size, size_t *ret_len);

#endif
