/* Personal fields (names, ID numbers, phone, addresses, birth date, sex, evaluator identity, free
 * text) pass through this pair of functions on their way into and out of the database, and through
 * no other code.
 *
 * They are stored as plain text for now. At-rest encryption (AES-256-GCM with the key outside the
 * database, reliability.md) is a later change and slots in here alone: queue_field_put() will bind
 * the ciphertext as a blob and queue_field_get() will decrypt it. The personal columns are declared
 * ANY in the schema so blobs fit without a table rebuild; existing plain rows will need one data
 * migration then. */
#include "offline-queue/queue_impl.h"

#include <string.h>

enum kerr queue_field_put(struct queue *q, sqlite3_stmt *st, int idx, const char *value)
{
	int rc;

	/* Not copied, so no second plain copy of personal data sits in SQLite's heap: every caller
	 * steps and finalizes the statement while value is still borrowed. */
	if (!value)
		rc = sqlite3_bind_null(st, idx);
	else
		rc = sqlite3_bind_text(st, idx, value, -1, SQLITE_STATIC);
	if (rc != SQLITE_OK)
		return queue_db_err(q, rc, "bind personal field");
	return KERR_OK;
}

enum kerr queue_field_get(struct queue *q, sqlite3_stmt *st, int col, char *buf, size_t size)
{
	const unsigned char *s;
	size_t n;

	if (sqlite3_column_type(st, col) == SQLITE_NULL) {
		buf[0] = '\0';
		return KERR_OK;
	}
	s = sqlite3_column_text(st, col);
	if (!s)
		return queue_db_err(q, SQLITE_NOMEM, "read personal field");
	n = (size_t)sqlite3_column_bytes(st, col);
	/* Values are bounded on the way in; a longer one was not written by this code. The message
	 * names the column, never the value. */
	if (n >= size)
		return queue_fail(q, KERR_CORRUPT,
				  "stored %s is %zu bytes, longer than its field of %zu",
				  sqlite3_column_name(st, col), n, size - 1);
	memcpy(buf, s, n);
	buf[n] = '\0';
	return KERR_OK;
}
