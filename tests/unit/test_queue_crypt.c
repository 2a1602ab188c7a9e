/* Unit tests of at-rest encryption's parts: the sealing envelope of both ciphers (round trip,
 * every byte tampered, wrong key, wrong row, truncation, the version byte), the key file (creation,
 * modes, forms), the scan file header, and the log's last-resort masking. */
#define _GNU_SOURCE /* memmem */
#include "common/mask.h"
#include "offline-queue/queue_crypt.h"
#include "offline-queue/queue_impl.h"
#include "offline-queue/queue_key.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static const unsigned char key_a[QUEUE_KEY_BYTES] = "0123456789abcdef0123456789abcde";
static const unsigned char key_b[QUEUE_KEY_BYTES] = "fedcba9876543210fedcba987654321";
static const unsigned char aad[] = "kiosk-field/v1\0cases\0id_number\0\0\0\0\0\0\0\0\1";
static const char value[] = "11010519491231002X";

static struct queue_crypt *crypt_with(const unsigned char *bytes, enum queue_cipher c)
{
	struct queue_key *k = NULL;
	struct queue_crypt *cr = NULL;

	assert_int_equal(queue_key_from_bytes(bytes, &k), KERR_OK);
	assert_int_equal(queue_crypt_create(k, c, &cr), KERR_OK);
	/* The handle keeps only derived keys: the key may go at once. */
	queue_key_destroy(k);
	return cr;
}

static size_t seal(struct queue_crypt *c, const void *pt, size_t len, unsigned char *out,
		   size_t cap)
{
	size_t n = 0;

	assert_int_equal(queue_crypt_seal(c, aad, sizeof(aad), pt, len, out, cap, &n), KERR_OK);
	assert_int_equal(n, len + queue_crypt_overhead(c));
	return n;
}

static void test_round_trip(void **state)
{
	(void)state;
	for (int ci = 0; ci < QUEUE_CIPHER__COUNT; ci++) {
		struct queue_crypt *c = crypt_with(key_a, (enum queue_cipher)ci);
		unsigned char sealed[2048], again[2048], plain[2048], big[1500];
		size_t n, m, got = 0;

		n = seal(c, value, strlen(value), sealed, sizeof(sealed));
		/* The plaintext is nowhere in the sealed bytes, and two seals differ (fresh
		 * nonce). */
		assert_null(memmem(sealed, n, value, strlen(value)));
		m = seal(c, value, strlen(value), again, sizeof(again));
		assert_int_equal(m, n);
		assert_memory_not_equal(sealed, again, n);
		assert_int_equal(queue_crypt_open(c, aad, sizeof(aad), sealed, n, plain,
						  sizeof(plain), &got),
				 KERR_OK);
		assert_int_equal(got, strlen(value));
		assert_memory_equal(plain, value, got);
		assert_int_equal(queue_crypt_plain_len(sealed, n, &got), KERR_OK);
		assert_int_equal(got, strlen(value));
		/* Empty and longer values, and UTF-8. */
		n = seal(c, "", 0, sealed, sizeof(sealed));
		assert_int_equal(queue_crypt_open(c, aad, sizeof(aad), sealed, n, plain,
						  sizeof(plain), &got),
				 KERR_OK);
		assert_int_equal(got, 0);
		memset(big, 0xa5, sizeof(big));
		memcpy(big, "王小英", strlen("王小英"));
		n = seal(c, big, sizeof(big), sealed, sizeof(sealed));
		assert_int_equal(queue_crypt_open(c, aad, sizeof(aad), sealed, n, plain,
						  sizeof(plain), &got),
				 KERR_OK);
		assert_memory_equal(plain, big, sizeof(big));
		/* Too small an output buffer is the caller's mistake, not corruption. */
		assert_int_equal(
			queue_crypt_seal(c, aad, sizeof(aad), big, sizeof(big), sealed, 10, &n),
			KERR_INVAL);
		assert_int_equal(queue_crypt_cipher(c), (enum queue_cipher)ci);
		queue_crypt_destroy(c);
	}
	queue_crypt_destroy(NULL);
}

/* Any byte changed anywhere (alg byte, nonce, ciphertext, tag) fails, and leaves no plaintext. */
static void test_every_byte_tampered(void **state)
{
	(void)state;
	for (int ci = 0; ci < QUEUE_CIPHER__COUNT; ci++) {
		struct queue_crypt *c = crypt_with(key_a, (enum queue_cipher)ci);
		unsigned char sealed[256], plain[256];
		size_t n = seal(c, value, strlen(value), sealed, sizeof(sealed)), got;

		for (size_t i = 0; i < n; i++) {
			for (int bit = 0; bit < 8; bit += 7) {
				sealed[i] ^= (unsigned char)(1 << bit);
				memset(plain, 0x5a, sizeof(plain));
				assert_int_equal(queue_crypt_open(c, aad, sizeof(aad), sealed, n,
								  plain, sizeof(plain), &got),
						 KERR_CORRUPT);
				assert_null(memmem(plain, sizeof(plain), "1101", 4));
				sealed[i] ^= (unsigned char)(1 << bit);
			}
		}
		/* Every byte of the associated data too: a value moved to another row or
		 * column. */
		for (size_t i = 0; i < sizeof(aad); i++) {
			unsigned char other[sizeof(aad)];

			memcpy(other, aad, sizeof(aad));
			other[i] ^= 1;
			assert_int_equal(queue_crypt_open(c, other, sizeof(other), sealed, n, plain,
							  sizeof(plain), &got),
					 KERR_CORRUPT);
		}
		queue_crypt_destroy(c);
	}
}

static void test_wrong_key_truncated_version(void **state)
{
	(void)state;
	for (int ci = 0; ci < QUEUE_CIPHER__COUNT; ci++) {
		struct queue_crypt *a = crypt_with(key_a, (enum queue_cipher)ci);
		struct queue_crypt *b = crypt_with(key_b, (enum queue_cipher)ci);
		unsigned char sealed[256], plain[256];
		size_t n = seal(a, value, strlen(value), sealed, sizeof(sealed)), got;

		assert_int_equal(queue_crypt_open(b, aad, sizeof(aad), sealed, n, plain,
						  sizeof(plain), &got),
				 KERR_CORRUPT);
		for (size_t len = 0; len < n; len++)
			assert_int_equal(queue_crypt_open(a, aad, sizeof(aad), sealed, len, plain,
							  sizeof(plain), &got),
					 KERR_CORRUPT);
		/* Unknown version/alg bytes are refused before any cryptography. */
		for (int v = 0; v < 256; v++) {
			unsigned char save = sealed[0];

			if (v == save)
				continue;
			sealed[0] = (unsigned char)v;
			assert_int_equal(queue_crypt_open(a, aad, sizeof(aad), sealed, n, plain,
							  sizeof(plain), &got),
					 KERR_CORRUPT);
			sealed[0] = save;
		}
		assert_int_equal(queue_crypt_plain_len(sealed, 0, &got), KERR_CORRUPT);
		/* An output buffer too small for the plaintext. */
		assert_int_equal(queue_crypt_open(a, aad, sizeof(aad), sealed, n, plain, 3, &got),
				 KERR_INVAL);
		queue_crypt_destroy(a);
		queue_crypt_destroy(b);
	}
}

/* Switching store.cipher keeps older values readable: a handle reads both algorithms. */
static void test_cross_cipher(void **state)
{
	struct queue_crypt *aes = crypt_with(key_a, QUEUE_CIPHER_AES_256_GCM);
	struct queue_crypt *sm = crypt_with(key_a, QUEUE_CIPHER_SM4_CTR_HMAC_SM3);
	unsigned char s1[256], s2[256], plain[256];
	size_t n1, n2, got;

	(void)state;
	n1 = seal(aes, value, strlen(value), s1, sizeof(s1));
	n2 = seal(sm, value, strlen(value), s2, sizeof(s2));
	assert_int_equal(s1[0], 0x01);
	assert_int_equal(s2[0], 0x02);
	assert_int_equal(n2 - n1, (1 + 16 + 32) - (1 + 12 + 16));
	assert_int_equal(queue_crypt_open(sm, aad, sizeof(aad), s1, n1, plain, sizeof(plain), &got),
			 KERR_OK);
	assert_int_equal(
		queue_crypt_open(aes, aad, sizeof(aad), s2, n2, plain, sizeof(plain), &got),
		KERR_OK);
	assert_memory_equal(plain, value, got);
	queue_crypt_destroy(aes);
	queue_crypt_destroy(sm);
}

static void test_cipher_names(void **state)
{
	enum queue_cipher c;

	(void)state;
	assert_int_equal(queue_cipher_parse("aes-256-gcm", &c), KERR_OK);
	assert_int_equal(c, QUEUE_CIPHER_AES_256_GCM);
	assert_int_equal(queue_cipher_parse("sm4-ctr-hmac-sm3", &c), KERR_OK);
	assert_int_equal(c, QUEUE_CIPHER_SM4_CTR_HMAC_SM3);
	assert_int_equal(queue_cipher_parse("sm4-gcm", &c), KERR_INVAL);
	assert_int_equal(queue_cipher_parse("", &c), KERR_INVAL);
	assert_int_equal(queue_cipher_parse(NULL, &c), KERR_INVAL);
	assert_string_equal(queue_cipher_str(QUEUE_CIPHER__COUNT), "unknown");
}

static void write_bytes(const char *path, const void *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_key_file(void **state)
{
	char dir[] = "/tmp/test_queue_key.XXXXXX", path[128], other[128], link_path[128];
	char why[QUEUE_KEY_ERRMSG_SIZE];
	unsigned char first[QUEUE_KEY_BYTES];
	struct queue_key *k = NULL, *k2 = NULL;
	struct stat st;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/store.key", dir);
	snprintf(other, sizeof(other), "%s/hex.key", dir);
	snprintf(link_path, sizeof(link_path), "%s/link.key", dir);

	/* Missing: an error without create, a new 0600 key with it, the same key after. */
	assert_int_equal(queue_key_load(path, false, why, &k), KERR_NOT_FOUND);
	assert_null(k);
	assert_int_equal(queue_key_load(path, true, why, &k), KERR_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(st.st_size, QUEUE_KEY_BYTES);
	memcpy(first, queue_key_bytes(k), sizeof(first));
	queue_key_destroy(k);
	assert_int_equal(queue_key_load(path, true, why, &k2), KERR_OK);
	assert_memory_equal(queue_key_bytes(k2), first, sizeof(first));
	queue_key_destroy(k2);

	/* Readable or writable by group or others: refused, and the message says how to fix. */
	for (mode_t m = 0601; m <= 0677; m++) {
		if (!(m & 077) || (m & 0700) != 0600)
			continue;
		assert_int_equal(chmod(path, m), 0);
		why[0] = '\0';
		assert_int_equal(queue_key_load(path, true, why, &k), KERR_PERM);
		assert_non_null(strstr(why, "chmod 600"));
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(queue_key_load(path, false, why, &k), KERR_OK);
	queue_key_destroy(k);

	/* Hex as provisioning writes it, with or without a newline. */
	write_bytes(other, "000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F\n", 65,
		    0600);
	assert_int_equal(queue_key_load(other, false, why, &k), KERR_OK);
	assert_int_equal(queue_key_bytes(k)[0], 0x00);
	assert_int_equal(queue_key_bytes(k)[31], 0x1f);
	queue_key_destroy(k);
	/* Anything else: corrupt, never a silently shorter key. */
	write_bytes(other, "0001020304", 10, 0600);
	assert_int_equal(queue_key_load(other, false, why, &k), KERR_CORRUPT);
	write_bytes(other, "", 0, 0600);
	assert_int_equal(queue_key_load(other, false, why, &k), KERR_CORRUPT);
	write_bytes(other, "zz0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 64,
		    0600);
	assert_int_equal(queue_key_load(other, false, why, &k), KERR_CORRUPT);
	/* Not a regular file; a symbolic link. */
	assert_int_equal(queue_key_load(dir, false, why, &k), KERR_PERM);
	assert_int_equal(symlink(path, link_path), 0);
	assert_int_not_equal(queue_key_load(link_path, false, why, &k), KERR_OK);
	assert_int_equal(queue_key_load("", true, why, &k), KERR_INVAL);
	queue_key_destroy(NULL);

	unlink(link_path);
	unlink(other);
	unlink(path);
	rmdir(dir);
}

static void test_key_parse(void **state)
{
	unsigned char out[QUEUE_KEY_BYTES], raw[QUEUE_KEY_BYTES + 2];
	char hex[70];

	(void)state;
	memset(raw, 7, sizeof(raw));
	assert_true(queue_key_parse(raw, QUEUE_KEY_BYTES, out));
	assert_false(queue_key_parse(raw, QUEUE_KEY_BYTES - 1, out));
	assert_false(queue_key_parse(raw, QUEUE_KEY_BYTES + 1, out));
	assert_false(queue_key_parse(raw, 0, out));
	memset(hex, 'a', 64);
	memcpy(hex + 64, "\r\n", 2);
	assert_true(queue_key_parse((unsigned char *)hex, 66, out));
	assert_int_equal(out[5], 0xaa);
	hex[64] = 'a';
	assert_false(queue_key_parse((unsigned char *)hex, 66, out));
	assert_false(queue_key_parse((unsigned char *)hex, 63, out));
}

static void test_scan_header(void **state)
{
	unsigned char h[QUEUE_SCAN_HEADER] = {'K', 'S', 'C', 'N', 1, 1, 0, 0, 0,    1,
					      0,   0,	0,   0,	  0, 0, 0, 4, 0xb0, 0};
	struct queue_scan_header out;

	(void)state;
	assert_true(queue_scan_header_parse(h, sizeof(h), &out));
	assert_int_equal(out.chunk, 65536);
	assert_int_equal(out.size, 307200);
	assert_int_equal(out.alg, 1);
	/* 5 chunks of 29 bytes' overhead. */
	assert_int_equal(queue_scan_file_len(&out), 20 + 307200 + 5 * 29);
	assert_false(queue_scan_header_parse(h, sizeof(h) - 1, &out));
	/* Magic, version, alg, the reserved bytes and a chunk size out of range. */
	for (size_t i = 0; i < 10; i++) {
		h[i] ^= 0x40;
		assert_false(queue_scan_header_parse(h, sizeof(h), &out));
		h[i] ^= 0x40;
	}
	/* A page larger than the store allows. */
	h[12] = 0x7f;
	assert_false(queue_scan_header_parse(h, sizeof(h), &out));
	assert_true(queue_scan_is_sealed(h, 4));
	assert_false(queue_scan_is_sealed((const unsigned char *)"\xff\xd8\xff\xe0", 4));
}

static void test_log_scrub(void **state)
{
	char line[256];

	(void)state;
	snprintf(line, sizeof(line),
		 "query 11010519491231002X by 13812345678; old id 110105491231002; case "
		 "ZW3101150001202611230001 bytes 307200 t 1795397400000");
	mask_scrub(line);
	assert_string_equal(line,
			    "query 110105********002X by 138****5678; old id 110105*****1002; "
			    "case ZW3101150001202611230001 bytes 307200 t 1795397400000");
	snprintf(line, sizeof(line), "id=11010519491231002x,x12345678901 1234567890123456789");
	mask_scrub(line);
	assert_string_equal(line, "id=110105********002x,x12345678901 1234567890123456789");
	line[0] = '\0';
	mask_scrub(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_every_byte_tampered),
		cmocka_unit_test(test_wrong_key_truncated_version),
		cmocka_unit_test(test_cross_cipher),
		cmocka_unit_test(test_cipher_names),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_key_parse),
		cmocka_unit_test(test_scan_header),
		cmocka_unit_test(test_log_scrub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
