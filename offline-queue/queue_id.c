/* Identifiers of the store: case numbers, query codes, idempotency keys (UUIDv4), scan file names
 * and the SHA-256 of each scan. Randomness and digests come from OpenSSL, whose errors become enum
 * kerr here only. */
#include "offline-queue/queue_impl.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

/* Residents read the query code off a receipt and type it on a keypad: no 0/O, 1/I/L. 31 symbols, 8
 * of them give about 2^39.6 codes, and a collision is retried anyway. */
static const char query_alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
#define QUERY_ALPHABET_LEN (sizeof(query_alphabet) - 1)
static const char hex_digits[] = "0123456789abcdef";

/* The only translation of OpenSSL errors; the first queued error is the cause, the rest is cleared
 * so it is not blamed on a later call. */
static enum kerr from_openssl(struct queue *q, const char *what)
{
	unsigned long e = ERR_get_error();
	char native[160];

	ERR_clear_error();
	if (!e)
		return queue_fail(q, KERR_IO, "%s failed", what);
	ERR_error_string_n(e, native, sizeof(native));
	return queue_fail(q, ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE ? KERR_NOMEM : KERR_IO,
			  "%s: %s", what, native);
}

static enum kerr random_bytes(struct queue *q, unsigned char *buf, int n)
{
	if (q->seed) {
		/* splitmix64: a reproducible sequence for script runs, never for a deployed terminal. */
		for (int i = 0; i < n; i++) {
			uint64_t z = (q->seed += 0x9E3779B97F4A7C15ULL);

			z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
			z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
			buf[i] = (unsigned char)(z ^ (z >> 31));
		}
		return KERR_OK;
	}
	if (RAND_bytes(buf, n) != 1)
		return from_openssl(q, "random bytes");
	return KERR_OK;
}

static void to_hex(const unsigned char *b, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex_digits[b[i] >> 4];
		out[2 * i + 1] = hex_digits[b[i] & 0xf];
	}
	out[2 * n] = '\0';
}

enum kerr queue_id_uuid4(struct queue *q, char ret[QUEUE_UUID_LEN])
{
	unsigned char b[16];
	char hex[33];
	enum kerr err;

	err = random_bytes(q, b, sizeof(b));
	if (err)
		return err;
	/* RFC 9562: version 4 in the high nibble of byte 6, variant 10 in the top bits of
	 * byte 8. */
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	to_hex(b, sizeof(b), hex);
	snprintf(ret, QUEUE_UUID_LEN, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
		 hex + 20);
	return KERR_OK;
}

enum kerr queue_id_query_code(struct queue *q, char ret[QUEUE_QUERY_CODE_LEN + 1])
{
	/* Bytes at or above the largest multiple of 31 are dropped, so every symbol is equally
	 * likely. */
	const unsigned limit = 256 - 256 % QUERY_ALPHABET_LEN;
	char code[QUEUE_QUERY_CODE_LEN + 1];
	unsigned char b[16];
	size_t have = 0;
	enum kerr err;

	while (have < QUEUE_QUERY_CODE_LEN) {
		err = random_bytes(q, b, sizeof(b));
		if (err)
			return err;
		for (size_t i = 0; i < sizeof(b) && have < QUEUE_QUERY_CODE_LEN; i++)
			if (b[i] < limit)
				code[have++] = query_alphabet[b[i] % QUERY_ALPHABET_LEN];
	}
	code[have] = '\0';
	memcpy(ret, code, sizeof(code));
	return KERR_OK;
}

enum kerr queue_id_scan_name(struct queue *q, char ret[QUEUE_SCAN_NAME_LEN + 1])
{
	unsigned char b[16];
	enum kerr err;

	err = random_bytes(q, b, sizeof(b));
	if (err)
		return err;
	to_hex(b, sizeof(b), ret);
	memcpy(ret + 32, ".jpg", sizeof(".jpg"));
	return KERR_OK;
}

bool queue_id_is_scan_name(const char *name, bool *ret_tmp)
{
	size_t n = strlen(name);
	bool tmp;

	if (n == QUEUE_SCAN_NAME_LEN)
		tmp = false;
	else if (n == QUEUE_SCAN_NAME_LEN + strlen(QUEUE_TMP_SUFFIX) &&
		 strcmp(name + QUEUE_SCAN_NAME_LEN, QUEUE_TMP_SUFFIX) == 0)
		tmp = true;
	else
		return false;
	for (size_t i = 0; i < 32; i++)
		if (!strchr(hex_digits, name[i]) || !name[i])
			return false;
	if (strncmp(name + 32, ".jpg", 4) != 0)
		return false;
	*ret_tmp = tmp;
	return true;
}

enum kerr queue_id_sha256(struct queue *q, const unsigned char *data, size_t len,
			  char ret[QUEUE_SHA256_HEX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0;

	if (EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) != 1 || md_len != 32)
		return from_openssl(q, "SHA-256");
	to_hex(md, md_len, ret);
	return KERR_OK;
}

enum kerr queue_id_case_no(struct queue *q, const char *day, int64_t seq, char ret[40])
{
	char no[40];
	int n;

	n = snprintf(no, sizeof(no), "%s%s%04lld", q->prefix, day, (long long)seq);
	if (n < 0 || (size_t)n >= sizeof(no))
		return queue_fail(q, KERR_FULL, "case number sequence %lld of %s does not fit",
				  (long long)seq, day);
	memcpy(ret, no, (size_t)n + 1);
	return KERR_OK;
}

static void put_digits(char *out, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void queue_id_day(int64_t wall_ms, char ret[9])
{
	int y, mo, d, h, mi, s, wd;

	clock_local(wall_ms, &y, &mo, &d, &h, &mi, &s, &wd);
	put_digits(ret, y, 4);
	put_digits(ret + 4, mo, 2);
	put_digits(ret + 6, d, 2);
	ret[8] = '\0';
}
