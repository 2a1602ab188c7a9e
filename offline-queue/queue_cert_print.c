/* Certificate prints (queue_cert_print.h): a table of their own and outbox entries of kind
 * "cert_print", both added by schema step 4. */
#include "offline-queue/queue_cert_print.h"

#include "offline-queue/queue_impl.h"

#include <string.h>

enum kerr queue_cert_print_add(struct queue *q, const struct queue_cert_print *p, int64_t *ret_id)
{
	sqlite3_stmt *st = NULL;
	int64_t id = 0;
	enum kerr err;

	if (!p->cert_id[0] || strlen(p->cert_id) > QUEUE_CERT_ID_MAX || p->printed_ms <= 0 ||
	    p->pages <= 0)
		return KERR_INVAL;
	err = queue_db_begin(q);
	if (err)
		return err;
	err = queue_db_prepare(q,
			       "INSERT INTO cert_prints (cert_id, printed_ms, pages, created_ms)"
			       " VALUES (?1, ?2, ?3, ?4)",
			       &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, p->cert_id);
	if (!err)
		err = queue_db_bind_int(q, st, 2, p->printed_ms);
	if (!err)
		err = queue_db_bind_int(q, st, 3, p->pages);
	if (!err)
		err = queue_db_bind_int(q, st, 4, clock_wall_ms(q->clk));
	if (!err)
		err = queue_db_done(q, st);
	sqlite3_finalize(st);
	if (!err) {
		id = sqlite3_last_insert_rowid(q->db);
		err = queue_outbox_add(q, "cert_print", id);
	}
	if (!err)
		err = queue_db_commit(q);
	if (err) {
		queue_db_rollback(q);
		return err;
	}
	*ret_id = id;
	return KERR_OK;
}

enum kerr queue_cert_print_get(struct queue *q, int64_t id, struct queue_cert_print *ret)
{
	struct queue_cert_print p = { "", 0, 0 };
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	err = queue_db_prepare(q, "SELECT cert_id, printed_ms, pages FROM cert_prints WHERE id = ?1",
			       &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, id);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = queue_fail(q, KERR_NOT_FOUND, "no certificate print %lld", (long long)id);
	} else if (rc != SQLITE_ROW) {
		err = queue_db_err(q, rc, "read certificate print");
	} else {
		err = queue_db_text(q, st, 0, p.cert_id, sizeof(p.cert_id));
		p.printed_ms = sqlite3_column_int64(st, 1);
		p.pages = sqlite3_column_int(st, 2);
	}
out:
	sqlite3_finalize(st);
	if (!err)
		*ret = p;
	return err;
}

enum kerr queue_cert_print_count(struct queue *q, int64_t *ret)
{
	return queue_db_int(q, "SELECT count(*) FROM cert_prints", ret);
}
