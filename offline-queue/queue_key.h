/* The data key that protects personal data at rest: 32 bytes kept outside the database, in a file
 * only the service user can read. Everything else sees an opaque struct queue_key, so a key sealed
 * by a TPM can replace the file later behind the same functions (a queue_key_load_tpm() would
 * unseal into the same struct; queue_crypt.c never learns where the key came from). */
#ifndef OFFLINE_QUEUE_QUEUE_KEY_H
#define OFFLINE_QUEUE_QUEUE_KEY_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>

#define QUEUE_KEY_BYTES 32
/* Size of the message buffer of queue_key_load(). */
#define QUEUE_KEY_ERRMSG_SIZE 256

struct queue_key;

/* Loads the key from path: 32 raw bytes, or 64 hex digits and an optional newline (what
 * `openssl rand -hex 32` writes, for provisioning). With create and no file at path, makes a new
 * random key there first (mode 0600, written to a temporary file, fsynced, linked into place, the
 * folder fsynced), so two processes starting at once end up with the same key.
 * Refused: a file that group or others may read or write (KERR_PERM), a file owned by another user
 * (KERR_PERM), anything but a regular file (KERR_PERM), a file of any other length or content
 * (KERR_CORRUPT), no file and !create (KERR_NOT_FOUND). Also KERR_IO, KERR_NOMEM.
 * On failure errbuf (QUEUE_KEY_ERRMSG_SIZE bytes, may be NULL) says why; never the key.
 * *ret is the caller's: queue_key_destroy(). The key's memory is locked against swapping where the
 * system allows it. */
enum kerr queue_key_load(const char *path, bool create, char *errbuf, struct queue_key **ret);
/* A key from bytes already in memory (tests, benchmarks, a future TPM unseal). */
enum kerr queue_key_from_bytes(const unsigned char bytes[QUEUE_KEY_BYTES], struct queue_key **ret);
/* Parses a key file's content into out; false when it is neither form queue_key_load() takes. */
bool queue_key_parse(const unsigned char *data, size_t len, unsigned char out[QUEUE_KEY_BYTES]);
/* The key's bytes, for queue_crypt.c's key derivation only. Valid until queue_key_destroy(). */
const unsigned char *queue_key_bytes(const struct queue_key *k);
/* Zeroes (OPENSSL_cleanse) and frees the key. Accepts NULL. */
void queue_key_destroy(struct queue_key *k);

#endif
