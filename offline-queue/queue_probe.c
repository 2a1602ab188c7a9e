/* The store's health probe: one small committed write, the same path a case takes to disk. */
#include "offline-queue/queue_impl.h"

#include <stdio.h>

enum kerr queue_probe(struct queue *q)
{
	sqlite3_stmt *st = NULL;
	char ms[24];
	enum kerr e;

	snprintf(ms, sizeof(ms), "%lld", (long long)clock_wall_ms(q->clk));
	e = queue_db_begin(q);
	if (e != KERR_OK)
		return e;
	e = queue_db_prepare(q,
			     "INSERT INTO meta (key, value) VALUES ('probe', ?1) "
			     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			     &st);
	if (e == KERR_OK)
		e = queue_db_bind_text(q, st, 1, ms);
	if (e == KERR_OK)
		e = queue_db_done(q, st);
	sqlite3_finalize(st);
	if (e == KERR_OK)
		e = queue_db_commit(q);
	if (e != KERR_OK)
		queue_db_rollback(q);
	return e;
}
