/* The platform's reason list per level scheme, kept in the store so a restart offline still shows
 * the list the platform last sent (the bytes are checked again when read). */
#include "offline-queue/queue_impl.h"

#include <stdlib.h>
#include <string.h>

enum kerr queue_reasons_put(struct queue *q, const char *scheme, const char *version, const char *body,
			    size_t len)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;

	if (!scheme || !scheme[0] || !version || !version[0] || !body)
		return queue_fail(q, KERR_INVAL, "reason list without scheme, version or body");
	err = queue_db_prepare(q,
			       "INSERT INTO eval_reasons (scheme, version, body, fetched_ms) VALUES (?1, ?2, "
			       "?3, ?4) ON CONFLICT (scheme) DO UPDATE SET version = excluded.version, body = "
			       "excluded.body, fetched_ms = excluded.fetched_ms",
			       &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, scheme);
	if (!err)
		err = queue_db_bind_text(q, st, 2, version);
	if (!err && sqlite3_bind_text(st, 3, body, (int)len, SQLITE_TRANSIENT) != SQLITE_OK)
		err = queue_db_err(q, sqlite3_errcode(q->db), "bind reason list");
	if (!err)
		err = queue_db_bind_int(q, st, 4, clock_wall_ms(q->clk));
	if (!err)
		err = queue_db_done(q, st);
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_reasons_get(struct queue *q, const char *scheme, char **ret_body, size_t *ret_len)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	err = queue_db_prepare(q, "SELECT body FROM eval_reasons WHERE scheme = ?1", &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, scheme);
	if (!err) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_DONE) {
			err = KERR_NOT_FOUND;
		} else if (rc != SQLITE_ROW) {
			err = queue_db_err(q, rc, "read reason list");
		} else {
			size_t n = (size_t)sqlite3_column_bytes(st, 0);
			char *b = malloc(n + 1);

			if (!b) {
				err = queue_fail(q, KERR_NOMEM, "out of memory");
			} else {
				memcpy(b, sqlite3_column_blob(st, 0) ? sqlite3_column_blob(st, 0) : "", n);
				b[n] = 0;
				*ret_body = b;
				*ret_len = n;
			}
		}
	}
	sqlite3_finalize(st);
	return err;
}
