/* The outbox's side of the uplink: choosing the next entry and recording what
 * the platform said. Nothing here deletes: an entry ends acked or rejected,
 * with its data still in the store. */
#include "offline-queue/queue_sync.h"

#include "offline-queue/queue_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ERROR_MAX 255

enum kerr queue_sync_recover(struct queue *q)
{
	/* Due times are on the monotonic clock of the process that set them, which restarts with
	 * the machine (and with a scripted run): after a restart every open entry is due at once,
	 * and the backoff starts over from there. */
	return queue_db_exec(q, "UPDATE outbox SET state = 'pending', next_attempt_ms = 0 "
				"WHERE state IN ('pending', 'sending')");
}

/* An evaluation of a case waits while the case's own entry is pending or being
 * sent, so the platform always knows the case first; a rejected case does not
 * hold its evaluation back. */
#define DUE_SQL                                                                      \
	"FROM outbox o WHERE o.state IN ('pending', 'sending') AND NOT (o.kind = "   \
	"'eval' AND "                                                                \
	"EXISTS (SELECT 1 FROM evaluations e JOIN cases c ON c.case_no = e.case_no " \
	"JOIN outbox oc ON oc.kind = 'case' AND oc.ref_id = c.id "                   \
	"WHERE e.id = o.ref_id AND oc.state IN ('pending', 'sending')))"

enum kerr queue_sync_next(struct queue *q, int64_t now_ms, struct queue_sync_item *ret)
{
	sqlite3_stmt *st = NULL;
	char kind[16];
	enum kerr err;
	int rc;

	err = queue_db_prepare(
		q,
		"SELECT o.id, o.kind, o.ref_id, o.idempotency_key, o.attempts " DUE_SQL
		" AND o.next_attempt_ms <= ?1 ORDER BY o.id LIMIT 1",
		&st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, now_ms);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		err = KERR_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW) {
		err = queue_db_err(q, rc, "read outbox");
		goto out;
	}
	memset(ret, 0, sizeof(*ret));
	ret->id = sqlite3_column_int64(st, 0);
	err = queue_db_text(q, st, 1, kind, sizeof(kind));
	ret->kind = strcmp(kind, "eval") == 0		? QUEUE_SYNC_EVAL
		    : strcmp(kind, "cert_print") == 0 ? QUEUE_SYNC_CERT_PRINT
						      : QUEUE_SYNC_CASE;
	ret->ref_id = sqlite3_column_int64(st, 2);
	if (!err)
		err = queue_db_text(q, st, 3, ret->key, sizeof(ret->key));
	ret->attempts = sqlite3_column_int(st, 4);
	sqlite3_finalize(st);
	st = NULL;
	if (err)
		goto out;
	err = queue_db_prepare(q, "UPDATE outbox SET state = 'sending' WHERE id = ?1", &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, ret->id);
	if (!err)
		err = queue_db_done(q, st);
out:
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_sync_next_due(struct queue *q, int64_t *ret_ms)
{
	int64_t n, due;
	enum kerr err;

	err = queue_db_int(q, "SELECT count(*) " DUE_SQL, &n);
	if (err)
		return err;
	if (n == 0) {
		*ret_ms = INT64_MAX;
		return KERR_OK;
	}
	err = queue_db_int(q, "SELECT min(o.next_attempt_ms) " DUE_SQL, &due);
	if (!err)
		*ret_ms = due;
	return err;
}

/* One UPDATE of an entry by id (?1) with a text (?2) and, when the statement
 * has it, an integer
 * (?3). */
static enum kerr update_entry(struct queue *q, const char *sql, int64_t id, const char *text,
			      int64_t num)
{
	char clipped[ERROR_MAX + 1];
	sqlite3_stmt *st = NULL;
	enum kerr err;

	if (text) {
		snprintf(clipped, sizeof(clipped), "%s", text);
		text = clipped;
	}
	err = queue_db_prepare(q, sql, &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, id);
	if (!err)
		err = queue_db_bind_text(q, st, 2, text);
	if (!err && sqlite3_bind_parameter_count(st) >= 3)
		err = queue_db_bind_int(q, st, 3, num);
	if (!err)
		err = queue_db_done(q, st);
	if (!err && sqlite3_changes(q->db) != 1)
		err = queue_fail(q, KERR_NOT_FOUND, "no open outbox entry %lld", (long long)id);
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_sync_ack(struct queue *q, int64_t id, const char *remote_ref)
{
	return update_entry(
		q,
		"UPDATE outbox SET state = 'acked', remote_ref = ?2, last_error = NULL, "
		"acked_ms = ?3 WHERE id = ?1 AND state IN ('pending', 'sending')",
		id, remote_ref, clock_wall_ms(q->clk));
}

enum kerr queue_sync_retry(struct queue *q, int64_t id, int64_t due_ms, const char *error)
{
	return update_entry(q,
			    "UPDATE outbox SET state = 'pending', attempts = attempts + 1, "
			    "last_error = ?2, next_attempt_ms = ?3 WHERE id = ?1 AND "
			    "state IN ('pending', 'sending')",
			    id, error, due_ms);
}

enum kerr queue_sync_reject(struct queue *q, int64_t id, const char *reason)
{
	return update_entry(q,
			    "UPDATE outbox SET state = 'rejected', attempts = attempts + 1, "
			    "last_error = ?2 WHERE id = ?1 AND state IN ('pending', 'sending')",
			    id, reason ? reason : "rejected", 0);
}

static const char *const state_db[] = {"pending", "sending", "acked", "rejected"};

enum kerr queue_sync_case_state(struct queue *q, int64_t case_id, enum queue_sync_state *ret_state,
				char *error, size_t error_size)
{
	sqlite3_stmt *st = NULL;
	char state[16];
	enum kerr err;
	int rc;

	err = queue_db_prepare(q,
			       "SELECT state, last_error FROM outbox WHERE kind = "
			       "'case' AND ref_id = ?1",
			       &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, case_id);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? queue_fail(q, KERR_NOT_FOUND, "case has no outbox entry")
					: queue_db_err(q, rc, "read outbox entry");
		goto out;
	}
	err = queue_db_text(q, st, 0, state, sizeof(state));
	if (!err && error && error_size) {
		const unsigned char *e = sqlite3_column_text(st, 1);

		snprintf(error, error_size, "%s", e ? (const char *)e : "");
	}
	if (err)
		goto out;
	err = queue_fail(q, KERR_CORRUPT, "unknown outbox state");
	for (size_t i = 0; i < sizeof(state_db) / sizeof(state_db[0]); i++) {
		if (strcmp(state, state_db[i]) == 0) {
			*ret_state = (enum queue_sync_state)i;
			err = KERR_OK;
		}
	}
out:
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_sync_set_platform_no(struct queue *q, int64_t case_id, const char *platform_no)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;

	if (!platform_no || !platform_no[0] || strlen(platform_no) > 63)
		return queue_fail(q, KERR_INVAL, "platform case number empty or too long");
	err = queue_db_prepare(q, "UPDATE cases SET platform_no = ?2 WHERE id = ?1", &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, case_id);
	if (!err)
		err = queue_db_bind_text(q, st, 2, platform_no);
	if (!err)
		err = queue_db_done(q, st);
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_sync_page_uploaded(struct queue *q, int64_t case_id, int material, int page)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;

	err = queue_db_prepare(q,
			       "UPDATE pages SET uploaded = 1 WHERE ord = ?3 AND material_id = "
			       "(SELECT id FROM materials WHERE case_id = ?1 AND ord = ?2)",
			       &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, case_id);
	if (!err)
		err = queue_db_bind_int(q, st, 2, material);
	if (!err)
		err = queue_db_bind_int(q, st, 3, page);
	if (!err)
		err = queue_db_done(q, st);
	if (!err && sqlite3_changes(q->db) != 1)
		err = queue_fail(q, KERR_NOT_FOUND, "no page %d of material %d", page, material);
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_sync_page_open(struct queue *q, const char *file_name, struct queue_scan **ret)
{
	return queue_file_open_read(q, file_name, ret);
}

enum kerr queue_eval_get(struct queue *q, int64_t id, struct queue_eval_rec **ret)
{
	struct queue_field_row row = { "evaluations", 0 };
	struct queue_eval_rec *r;
	sqlite3_stmt *st = NULL;
	char level[24];
	enum kerr err;
	int rc;

	r = calloc(1, sizeof(*r));
	if (!r)
		return queue_fail(q, KERR_NOMEM, "out of memory");
	err = queue_db_prepare(q,
			       "SELECT e.id, e.case_no, COALESCE(c.platform_no, e.platform_no), "
			       "e.impl_code, e.level, e.reasons, e.text, e.named, c.id_type, "
			       "e.evaluator_id, e.time_ms, e.followup, e.origin, e.reasons_version "
			       "FROM evaluations e LEFT JOIN cases c ON c.case_no = "
			       "e.case_no WHERE e.id = ?1",
			       &st);
	if (!err)
		err = queue_db_bind_int(q, st, 1, id);
	if (err)
		goto fail;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? queue_fail(q, KERR_NOT_FOUND, "no such evaluation")
					: queue_db_err(q, rc, "read evaluation");
		goto fail;
	}
	r->id = sqlite3_column_int64(st, 0);
	row.id = r->id;
	err = queue_db_text(q, st, 1, r->case_no, sizeof(r->case_no));
	if (!err)
		err = queue_db_text(q, st, 2, r->platform_no, sizeof(r->platform_no));
	if (!err)
		err = queue_db_text(q, st, 3, r->impl_code, sizeof(r->impl_code));
	if (!err)
		err = queue_db_text(q, st, 4, level, sizeof(level));
	if (!err)
		err = queue_db_text(q, st, 5, r->reasons, sizeof(r->reasons));
	if (!err)
		err = queue_field_get(q, st, 6, &row, "text", r->text, sizeof(r->text));
	r->named = sqlite3_column_int(st, 7) != 0;
	if (!err)
		err = queue_db_text(q, st, 8, r->evaluator_id_type, sizeof(r->evaluator_id_type));
	if (!err)
		err = queue_field_get(q, st, 9, &row, "evaluator_id", r->evaluator_id,
				      sizeof(r->evaluator_id));
	r->time_ms = sqlite3_column_int64(st, 10);
	r->followup = sqlite3_column_int(st, 11) != 0;
	{
		const unsigned char *origin = sqlite3_column_text(st, 12);

		r->by_default = origin && strcmp((const char *)origin, "default") == 0;
	}
	if (!err)
		err = queue_db_text(q, st, 13, r->reasons_version, sizeof(r->reasons_version));
	if (err)
		goto fail;
	if (!r->evaluator_id_type[0])
		snprintf(r->evaluator_id_type, sizeof(r->evaluator_id_type), "111");
	r->level = queue_eval_level_of(level);
	if (r->level < 0) {
		err = queue_fail(q, KERR_CORRUPT, "unknown level in the store");
		goto fail;
	}
	sqlite3_finalize(st);
	*ret = r;
	return KERR_OK;
fail:
	sqlite3_finalize(st);
	queue_eval_rec_free(r);
	return err;
}

void queue_eval_rec_free(struct queue_eval_rec *r)
{
	if (!r)
		return;
	explicit_bzero(r, sizeof(*r));
	free(r);
}

enum kerr queue_sync_stats(struct queue *q, struct queue_sync_stats *ret)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	memset(ret, 0, sizeof(*ret));
	err = queue_db_int(q, "SELECT count(*) FROM outbox WHERE state IN ('pending', 'sending')",
			   &ret->pending);
	if (!err)
		err = queue_db_int(q, "SELECT count(*) FROM outbox WHERE state = 'rejected'",
				   &ret->rejected);
	if (!err)
		err = queue_db_int(q, "SELECT count(*) FROM outbox WHERE state = 'acked'",
				   &ret->acked);
	if (!err)
		err = queue_db_prepare(
			q,
			"SELECT o.created_ms, c.case_no FROM outbox o LEFT JOIN cases c ON "
			"o.kind = 'case' AND c.id = o.ref_id WHERE o.state IN ('pending', "
			"'sending') ORDER BY o.id LIMIT 1",
			&st);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		ret->oldest_unsent_ms = sqlite3_column_int64(st, 0);
		err = queue_db_text(q, st, 1, ret->oldest_unsent_case,
				    sizeof(ret->oldest_unsent_case));
	} else if (rc != SQLITE_DONE) {
		err = queue_db_err(q, rc, "read oldest entry");
	}
out:
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_remote_status_put(struct queue *q, const char *case_no,
				  const struct queue_remote_status *s)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;

	err = queue_db_prepare(
		q,
		"UPDATE cases SET remote_status = ?2, remote_status_text = ?3, "
		"remote_promised_date = ?4, remote_checked_ms = ?5 WHERE case_no = ?1",
		&st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, case_no);
	if (!err)
		err = queue_db_bind_text(q, st, 2, s->status);
	if (!err)
		err = queue_db_bind_text(q, st, 3, s->status_text);
	if (!err)
		err = queue_db_bind_text(q, st, 4, s->promised_date[0] ? s->promised_date : NULL);
	if (!err)
		err = queue_db_bind_int(q, st, 5, s->checked_ms);
	if (!err)
		err = queue_db_done(q, st);
	if (!err && sqlite3_changes(q->db) != 1)
		err = queue_fail(q, KERR_NOT_FOUND, "no such case");
	sqlite3_finalize(st);
	return err;
}

enum kerr queue_remote_status_get(struct queue *q, const char *case_no,
				  struct queue_remote_status *ret)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	memset(ret, 0, sizeof(*ret));
	err = queue_db_prepare(q,
			       "SELECT remote_status, remote_status_text, remote_promised_date, "
			       "remote_checked_ms FROM cases WHERE case_no = ?1",
			       &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, case_no);
	if (err)
		goto out;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err = rc == SQLITE_DONE ? queue_fail(q, KERR_NOT_FOUND, "no such case")
					: queue_db_err(q, rc, "read case status");
		goto out;
	}
	err = queue_db_text(q, st, 0, ret->status, sizeof(ret->status));
	if (!err)
		err = queue_db_text(q, st, 1, ret->status_text, sizeof(ret->status_text));
	if (!err)
		err = queue_db_text(q, st, 2, ret->promised_date, sizeof(ret->promised_date));
	ret->checked_ms = sqlite3_column_int64(st, 3);
out:
	sqlite3_finalize(st);
	return err;
}

/* The ID number is compared after opening it through queue_field_get(), not in
 * SQL: it is sealed at rest with a random nonce, so equal numbers do not look
 * equal in the table. A terminal holds thousands of cases at most, so the scan is
 * cheap. Purged cases (empty number) are not found by card, only by query code. */
enum kerr queue_case_find_person(struct queue *q, const char *id_type, const char *id_number,
				 char (*case_nos)[40], size_t max, size_t *ret_n)
{
	struct queue_field_row row = { "cases", 0 };
	sqlite3_stmt *st = NULL;
	char number[40];
	size_t n = 0;
	enum kerr err;
	int rc = SQLITE_DONE;

	*ret_n = 0;
	if (!id_number || !id_number[0])
		return queue_fail(q, KERR_INVAL, "no ID number");
	err = queue_db_prepare(q,
			       "SELECT case_no, id_number, id FROM cases WHERE id_type = ?1 "
			       "ORDER BY id DESC",
			       &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, id_type);
	while (!err && n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		row.id = sqlite3_column_int64(st, 2);
		err = queue_field_get(q, st, 1, &row, "id_number", number, sizeof(number));
		if (!err && strcmp(number, id_number) == 0)
			err = queue_db_text(q, st, 0, case_nos[n++], 40);
	}
	if (!err && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = queue_db_err(q, rc, "find cases");
	explicit_bzero(number, sizeof(number));
	sqlite3_finalize(st);
	if (!err)
		*ret_n = n;
	return err;
}
