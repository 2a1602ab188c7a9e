/* "No rating after N days counts as level X" (a province's mapping): the default evaluations of
 * cases nobody rated, each written once, in the same transaction that found it unrated. */
#include "offline-queue/queue_impl.h"

#include <string.h>

/* Cases looked at per transaction: a resident's commit never waits long behind the pass. */
#define BATCH 50

struct unrated {
	char case_no[40];
	char impl_code[72];
};

/* This terminal's cases accepted before cutoff_ms whose own entry the platform acknowledged and
 * which hold no evaluation at all: neither the resident's, nor a follow-up, nor a default. */
static enum kerr find(struct queue *q, int64_t cutoff_ms, struct unrated *u, size_t *ret_n)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	size_t n = 0;
	int rc;

	err = queue_db_prepare(q,
			       "SELECT c.case_no, c.impl_code FROM cases c JOIN outbox o ON o.kind = "
			       "'case' AND o.ref_id = c.id AND o.state = 'acked' WHERE c.accepted_ms < "
			       "?1 AND NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.case_no = "
			       "c.case_no) ORDER BY c.id LIMIT ?2",
			       &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, cutoff_ms);
	if (!err)
		err = queue_db_bind_int(q, st, 2, BATCH);
	while (!err && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		err = queue_db_text(q, st, 0, u[n].case_no, sizeof(u[n].case_no));
		if (!err)
			err = queue_db_text(q, st, 1, u[n].impl_code, sizeof(u[n].impl_code));
		if (!err)
			n++;
	}
	if (!err && rc != SQLITE_DONE)
		err = queue_db_err(q, rc, "find unrated cases");
	sqlite3_finalize(st);
	if (!err)
		*ret_n = n;
	return err;
}

static enum kerr batch(struct queue *q, int64_t cutoff_ms, int level, int64_t now_ms, size_t *ret_n)
{
	struct unrated u[BATCH];
	enum kerr err;
	size_t n = 0;

	err = find(q, cutoff_ms, u, &n);
	for (size_t i = 0; !err && i < n; i++) {
		struct queue_eval e = {
			.case_no = u[i].case_no,
			.impl_code = u[i].impl_code[0] ? u[i].impl_code : NULL,
			.level = level,
			.time_ms = now_ms,
			.by_default = true,
		};
		int64_t id;

		err = queue_eval_check(q, &e);
		if (!err)
			err = queue_eval_insert(q, &e, &id);
	}
	if (!err)
		*ret_n = n;
	return err;
}

enum kerr queue_eval_defaults(struct queue *q, int64_t cutoff_ms, int level, int64_t now_ms, int *ret_n)
{
	enum kerr err = KERR_OK;
	size_t n = BATCH;
	int total = 0;

	if (level < 0 || level > 2)
		return queue_fail(q, KERR_INVAL, "a default level must be a good one (0 to 2), not %d", level);
	while (!err && n == BATCH) {
		err = queue_db_begin(q);
		if (err)
			break;
		err = batch(q, cutoff_ms, level, now_ms, &n);
		if (!err)
			err = queue_db_commit(q);
		if (err)
			queue_db_rollback(q);
		else
			total += (int)n;
	}
	if (!err)
		*ret_n = total;
	return err;
}
