/* Listing stored cases with their outbox entries, for checks of what the terminal holds against
 * what the platform holds: never the personal columns, so nothing here needs the at-rest key. */
#include "offline-queue/queue_impl.h"

#include <stdio.h>
#include <string.h>

enum kerr queue_case_each(struct queue *q, bool (*each)(void *ctx, const struct queue_case_row *r),
			  void *ctx)
{
	sqlite3_stmt *st = NULL;
	struct queue_case_row row;
	enum kerr err;
	int rc = SQLITE_DONE;

	err = queue_db_prepare(
		q,
		"SELECT c.id, c.case_no, o.idempotency_key, o.state, c.platform_no, "
		"o.last_error FROM cases c "
		"LEFT JOIN outbox o ON o.kind = 'case' AND o.ref_id = c.id ORDER BY c.id",
		&st);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&row, 0, sizeof(row));
		row.id = sqlite3_column_int64(st, 0);
		err = queue_db_text(q, st, 1, row.case_no, sizeof(row.case_no));
		if (!err)
			err = queue_db_text(q, st, 2, row.key, sizeof(row.key));
		if (!err)
			err = queue_db_text(q, st, 3, row.state, sizeof(row.state));
		if (!err)
			err = queue_db_text(q, st, 4, row.platform_no, sizeof(row.platform_no));
		if (err)
			break;
		/* An error message longer than the field is cut, not refused: it is for a person.
		 */
		if (sqlite3_column_text(st, 5))
			snprintf(row.last_error, sizeof(row.last_error), "%s",
				 (const char *)sqlite3_column_text(st, 5));
		if (!each(ctx, &row))
			break;
	}
	if (!err && rc != SQLITE_ROW && rc != SQLITE_DONE)
		err = queue_db_err(q, rc, "read cases");
	sqlite3_finalize(st);
	return err;
}
