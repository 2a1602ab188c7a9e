/* Personal fields (names, ID numbers, phone, addresses, birth date, sex, evaluator identity, free
 * text) pass through this pair of functions on their way into and out of the database, and through
 * no other code.
 *
 * Each value is sealed (queue_crypt.h: AES-256-GCM, or SM4-CTR + HMAC-SM3) with the data key that
 * lives outside the database, and bound to "kiosk-field/v1", its table, its row id and its column:
 * a value copied onto another resident's row, or into another column, fails to open. The columns
 * are declared ANY, so the blobs fit the tables written when values were plain; queue_rest.c seals
 * such older rows once. A plain text value found after that is refused: it can only have been put
 * there around this code. */
#include "offline-queue/queue_impl.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AAD_LABEL "kiosk-field/v1"
#define AAD_MAX 160
/* The longest personal value (an evaluation's free text) with room to spare. */
#define VALUE_MAX 4096

static bool make_aad(const struct queue_field_row *row, const char *column, unsigned char *aad,
		     size_t *ret_len)
{
	size_t t = strlen(row->table), c = strlen(column), n = 0;

	if (sizeof(AAD_LABEL) + t + 1 + c + 1 + 8 > AAD_MAX)
		return false;
	memcpy(aad, AAD_LABEL, sizeof(AAD_LABEL));
	n += sizeof(AAD_LABEL);
	memcpy(aad + n, row->table, t + 1);
	n += t + 1;
	memcpy(aad + n, column, c + 1);
	n += c + 1;
	for (int i = 0; i < 8; i++)
		aad[n++] = (unsigned char)((uint64_t)row->id >> (56 - 8 * i));
	*ret_len = n;
	return true;
}

enum kerr queue_field_put(struct queue *q, sqlite3_stmt *st, int idx,
			  const struct queue_field_row *row, const char *column, const char *value)
{
	unsigned char aad[AAD_MAX], *sealed;
	size_t aad_len, len, cap, sealed_len = 0;
	enum kerr err;
	int rc;

	if (!value) {
		rc = sqlite3_bind_null(st, idx);
		return rc == SQLITE_OK ? KERR_OK : queue_db_err(q, rc, "bind personal field");
	}
	len = strlen(value);
	if (len > VALUE_MAX || !make_aad(row, column, aad, &aad_len))
		return queue_fail(q, KERR_INVAL, "%s.%s of row %lld: value or names too long",
				  row->table, column, (long long)row->id);
	cap = len + queue_crypt_overhead(q->crypt);
	sealed = malloc(cap);
	if (!sealed)
		return queue_fail(q, KERR_NOMEM, "out of memory");
	err = queue_crypt_seal(q->crypt, aad, aad_len, (const unsigned char *)value, len, sealed,
			       cap, &sealed_len);
	if (err) {
		free(sealed);
		return queue_fail(q, err, "cannot seal %s.%s of row %lld", row->table, column,
				  (long long)row->id);
	}
	/* SQLite takes its own copy of the ciphertext; there is no plain copy to worry about. */
	rc = sqlite3_bind_blob(st, idx, sealed, (int)sealed_len, SQLITE_TRANSIENT);
	free(sealed);
	if (rc != SQLITE_OK)
		return queue_db_err(q, rc, "bind personal field");
	return KERR_OK;
}

enum kerr queue_field_get(struct queue *q, sqlite3_stmt *st, int col,
			  const struct queue_field_row *row, const char *column, char *buf,
			  size_t size)
{
	unsigned char aad[AAD_MAX];
	const unsigned char *blob;
	size_t n, plain_len, aad_len, got = 0;
	enum kerr err;

	buf[0] = '\0';
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		return KERR_OK;
	case SQLITE_BLOB:
		break;
	default:
		/* Messages name the row and column, never the value: they reach the log. */
		return queue_fail(q, KERR_CORRUPT, "%s.%s of row %lld is stored unencrypted",
				  row->table, column, (long long)row->id);
	}
	blob = sqlite3_column_blob(st, col);
	n = (size_t)sqlite3_column_bytes(st, col);
	/* A purged value (queue_purge()) is the empty blob: NOT NULL columns keep a value. */
	if (n == 0)
		return KERR_OK;
	if (!blob)
		return queue_db_err(q, SQLITE_NOMEM, "read personal field");
	if (!make_aad(row, column, aad, &aad_len) ||
	    queue_crypt_plain_len(blob, n, &plain_len) != KERR_OK)
		return queue_fail(q, KERR_CORRUPT, "%s.%s of row %lld is not a sealed value",
				  row->table, column, (long long)row->id);
	/* Values are bounded on the way in; a longer one was not written by this code. */
	if (plain_len >= size)
		return queue_fail(q, KERR_CORRUPT,
				  "%s.%s of row %lld is %zu bytes, longer than its field of %zu",
				  row->table, column, (long long)row->id, plain_len, size - 1);
	err = queue_crypt_open(q->crypt, aad, aad_len, blob, n, (unsigned char *)buf, size - 1,
			       &got);
	if (err == KERR_CORRUPT)
		return queue_fail(q, KERR_CORRUPT,
				  "%s.%s of row %lld fails its authentication check (tampered, "
				  "moved from another row, or another data key)",
				  row->table, column, (long long)row->id);
	if (err)
		return queue_fail(q, err, "cannot decrypt %s.%s of row %lld", row->table, column,
				  (long long)row->id);
	buf[got] = '\0';
	/* A NUL inside would cut the value short without anyone noticing. */
	if (strlen(buf) != got) {
		OPENSSL_cleanse(buf, got);
		buf[0] = '\0';
		return queue_fail(q, KERR_CORRUPT, "%s.%s of row %lld holds a NUL byte", row->table,
				  column, (long long)row->id);
	}
	return KERR_OK;
}

enum kerr queue_field_next_id(struct queue *q, const char *table, int64_t *ret)
{
	char sql[96];

	/* The table name is one of ours, never input. Inside the write transaction no other
	 * writer can take the id first. */
	snprintf(sql, sizeof(sql), "SELECT coalesce(max(id), 0) + 1 FROM %s", table);
	return queue_db_int(q, sql, ret);
}
