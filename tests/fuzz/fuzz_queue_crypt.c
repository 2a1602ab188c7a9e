/* Fuzz target: the parsers of bytes read back from disk in at-rest encryption (offline-queue/): a
 * sealed value's envelope under both ciphers, a sealed scan file's header, a key file's content.
 * The first byte picks the parser, the rest is the input. */
#include "offline-queue/queue_crypt.h"
#include "offline-queue/queue_impl.h"
#include "offline-queue/queue_key.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key_bytes[QUEUE_KEY_BYTES] = "fuzz-key-0123456789abcdefghijkl";
	static const unsigned char aad[] = "kiosk-field/v1\0cases\0id_number";
	unsigned char key[QUEUE_KEY_BYTES], *out;
	struct queue_scan_header h;
	struct queue_crypt *c = NULL;
	struct queue_key *k = NULL;
	size_t got = 0, plain = 0;

	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		if (queue_key_from_bytes(key_bytes, &k) != KERR_OK)
			return 0;
		if (queue_crypt_create(k, QUEUE_CIPHER_AES_256_GCM, &c) != KERR_OK) {
			queue_key_destroy(k);
			return 0;
		}
		out = malloc(size);
		if (out && queue_crypt_open(c, aad, sizeof(aad), data + 1, size - 1, out, size,
					    &got) == KERR_OK) {
			/* Forging a tag without the key is not something a fuzzer does. */
			abort();
		}
		if (queue_crypt_plain_len(data + 1, size - 1, &plain) == KERR_OK && plain >= size)
			abort();
		free(out);
		queue_crypt_destroy(c);
		queue_key_destroy(k);
		break;
	case 1:
		if (queue_scan_header_parse(data + 1, size - 1, &h) &&
		    (queue_scan_file_len(&h) < QUEUE_SCAN_HEADER + h.size ||
		     h.size > QUEUE_MAX_PAGE_BYTES))
			abort();
		break;
	default:
		(void)queue_key_parse(data + 1, size - 1, key);
		break;
	}
	return 0;
}
