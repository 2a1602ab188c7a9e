/* The transactional outbox: one entry per stored case or evaluation, written in the same
 * transaction as its row, with the idempotency key the server deduplicates retries by. */
#include "offline-queue/queue_impl.h"

enum kerr queue_outbox_add(struct queue *q, const char *kind, int64_t ref_id)
{
	sqlite3_stmt *st = NULL;
	char key[QUEUE_UUID_LEN];
	enum kerr err;
	int rc;

	err = queue_id_uuid4(q, key);
	if (err)
		return err;
	err = queue_db_prepare(q,
			       "INSERT INTO outbox (kind, ref_id, idempotency_key, created_ms) "
			       "VALUES (?1, ?2, ?3, ?4)",
			       &st);
	if (err)
		return err;
	rc = sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, ref_id);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 3, key, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, clock_wall_ms(q->clk));
	if (rc != SQLITE_OK) {
		err = queue_db_err(q, rc, "bind outbox entry");
		goto out;
	}
	err = queue_db_done(q, st);
out:
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_outbox_pending(struct queue *q, int64_t *ret)
{
	return queue_db_int(q, "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')",
			    ret);
}
