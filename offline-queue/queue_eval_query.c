/* Reading evaluations back for statistics and the heartbeat's bad-rating flags: never the personal
 * columns, so nothing here needs the at-rest key. */
#include "offline-queue/queue_impl.h"

#include <string.h>

enum kerr queue_eval_each(struct queue *q, const struct queue_eval_filter *f,
			  bool (*each)(void *ctx, const struct queue_eval_row *r), void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct queue_eval_row row;
	enum kerr err;
	int rc = SQLITE_DONE;

	err = queue_db_prepare(
		q,
		"SELECT e.id, o.idempotency_key, e.case_no, e.impl_code, c.item_name, e.level, "
		"e.reasons, e.named, e.followup, e.time_ms, e.created_ms FROM evaluations e "
		"LEFT JOIN outbox o ON o.kind = 'eval' AND o.ref_id = e.id "
		"LEFT JOIN cases c ON c.case_no = e.case_no "
		"WHERE e.id > ?1 AND (?2 = 0 AND ?3 = 0 OR e.time_ms >= ?2 AND e.time_ms < ?3) "
		"AND (?4 = 0 OR e.level IN ('dissatisfied', 'very_dissatisfied')) "
		"ORDER BY e.id LIMIT ?5",
		&st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, f->after_id);
	if (!err)
		err = queue_db_bind_int(q, st, 2, f->from_ms);
	if (!err)
		err = queue_db_bind_int(q, st, 3, f->to_ms);
	if (!err)
		err = queue_db_bind_int(q, st, 4, f->bad_only);
	if (!err)
		err = queue_db_bind_int(q, st, 5, f->limit ? (int64_t)f->limit : -1);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		char level[24];

		memset(&row, 0, sizeof(row));
		row.id = sqlite3_column_int64(st, 0);
		err = queue_db_text(q, st, 1, row.key, sizeof(row.key));
		if (!err)
			err = queue_db_text(q, st, 2, row.case_no, sizeof(row.case_no));
		if (!err)
			err = queue_db_text(q, st, 3, row.impl_code, sizeof(row.impl_code));
		if (!err)
			err = queue_db_text(q, st, 4, row.item_name, sizeof(row.item_name));
		if (!err)
			err = queue_db_text(q, st, 5, level, sizeof(level));
		if (!err)
			err = queue_db_text(q, st, 6, row.reasons, sizeof(row.reasons));
		if (err)
			break;
		row.named = sqlite3_column_int(st, 7) != 0;
		row.followup = sqlite3_column_int(st, 8) != 0;
		row.time_ms = sqlite3_column_int64(st, 9);
		row.created_ms = sqlite3_column_int64(st, 10);
		row.level = queue_eval_level_of(level);
		if (row.level < 0) {
			err = queue_fail(q, KERR_CORRUPT, "unknown level in the store");
			break;
		}
		if (!each(ctx, &row))
			break;
	}
	if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = queue_db_err(q, rc, "read evaluations");
	sqlite3_finalize(st);
	return err;
}
