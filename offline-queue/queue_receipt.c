/* Receipt prints per case (queue_receipt.h): two columns of the cases table, added by schema step 3.
 * Written apart from the case's own transaction: a receipt prints after its case commits. */
#include "offline-queue/queue_receipt.h"

#include "offline-queue/queue_impl.h"

#include <string.h>

enum kerr queue_receipt_printed(struct queue *q, const char *case_no, int64_t printed_ms)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;

	if (!case_no || !*case_no || printed_ms <= 0)
		return KERR_INVAL;
	/* A case stored before counts were kept (-1) starts counting from its first known print. */
	err = queue_db_prepare(q,
			       "UPDATE cases SET receipt_prints = max(receipt_prints, 0) + 1,"
			       " receipt_printed_ms = ?2 WHERE case_no = ?1",
			       &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, case_no);
	if (!err)
		err = queue_db_bind_int(q, st, 2, printed_ms);
	if (!err)
		err = queue_db_done(q, st);
	if (!err && sqlite3_changes(q->db) == 0)
		err = queue_fail(q, KERR_NOT_FOUND, "no case %s to record a receipt print for", case_no);
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_receipt_get(struct queue *q, const char *key, struct queue_receipt *ret)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	if (!key || !*key)
		return KERR_INVAL;
	/* Query codes are typed in either case; they are stored in upper case (queue_id.c). */
	err = queue_db_prepare(q,
			       "SELECT receipt_prints, coalesce(receipt_printed_ms, 0) FROM cases"
			       " WHERE case_no = ?1 OR query_code = upper(?1)",
			       &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, key);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret->prints = sqlite3_column_int(st, 0);
		ret->last_ms = sqlite3_column_int64(st, 1);
	} else if (rc == SQLITE_DONE) {
		err = KERR_NOT_FOUND;
	} else {
		err = queue_db_err(q, rc, "read receipt prints");
	}
out:
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_receipt_unprinted(struct queue *q, int64_t *ret)
{
	return queue_db_int(q, "SELECT count(*) FROM cases WHERE receipt_prints = 0", ret);
}

enum kerr queue_receipt_unprinted_list(struct queue *q, char (*case_nos)[40], size_t max,
				       size_t *ret_n)
{
	sqlite3_stmt *st = NULL;
	size_t n = 0;
	enum kerr err;
	int rc = SQLITE_DONE;

	err = queue_db_prepare(q,
			       "SELECT case_no FROM cases WHERE receipt_prints = 0 ORDER BY id DESC"
			       " LIMIT ?1",
			       &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, (int64_t)max);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW && n < max)
		err = queue_db_text(q, st, 0, case_nos[n++], 40);
	if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = queue_db_err(q, rc, "list unprinted receipts");
	sqlite3_finalize(st);
	if (!err)
		*ret_n = n;
	return err;
}
