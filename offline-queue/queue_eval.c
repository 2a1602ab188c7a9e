/* Evaluations (好差评): checking a rating, then storing it with its outbox entry in one
 * transaction. */
#include "offline-queue/queue_impl.h"

#include <string.h>

#define LEVEL_COUNT 5
#define CODE_MAX 71
#define REASONS_MAX 255
#define TEXT_MAX 1023
#define EVALUATOR_MAX 39

/* Stored by name in the order of struct queue_eval's level: never a provincial or national code,
 * whose directions disagree (public-service-rules.md). */
static const char *const level_db[LEVEL_COUNT] = {
	"very_satisfied", "satisfied", "basic", "dissatisfied", "very_dissatisfied",
};

int queue_eval_level_of(const char *name)
{
	for (int i = 0; name && i < LEVEL_COUNT; i++)
		if (strcmp(name, level_db[i]) == 0)
			return i;
	return -1;
}

static bool optional(const char *s, size_t max)
{
	return !s || strlen(s) <= max;
}

enum kerr queue_eval_check(struct queue *q, const struct queue_eval *e)
{
	if (e->level < 0 || e->level >= LEVEL_COUNT)
		return queue_fail(q, KERR_INVAL, "level %d is not 0 to 4", e->level);
	/* 不满意 and 非常不满意 must say why (国办发〔2019〕51号). */
	if (e->level >= 3 && (!e->reasons || !e->reasons[0]))
		return queue_fail(q, KERR_INVAL, "a bad rating (level %d) needs reasons", e->level);
	/* The evaluator stays anonymous unless they agreed to a call back. */
	if (e->named && (!e->evaluator_id || !e->evaluator_id[0]))
		return queue_fail(q, KERR_INVAL, "named evaluation without evaluator_id");
	if (!e->named && e->evaluator_id)
		return queue_fail(q, KERR_INVAL, "anonymous evaluation with an evaluator_id");
	if (!optional(e->case_no, CODE_MAX) || !optional(e->impl_code, CODE_MAX))
		return queue_fail(q, KERR_INVAL, "case_no or impl_code too long");
	if (!optional(e->reasons, REASONS_MAX) || !optional(e->text, TEXT_MAX))
		return queue_fail(q, KERR_INVAL, "reasons or text too long");
	if (!optional(e->evaluator_id, EVALUATOR_MAX))
		return queue_fail(q, KERR_INVAL, "evaluator_id too long");
	if (e->time_ms <= 0)
		return queue_fail(q, KERR_INVAL, "time_ms is not a time");
	/* A follow-up is of a case: the platform counts one per case. */
	if (e->followup && (!e->case_no || !e->case_no[0]))
		return queue_fail(q, KERR_INVAL, "a follow-up rating without its case_no");
	if (e->platform_no && (!e->case_no || !e->platform_no[0] || strlen(e->platform_no) > 63))
		return queue_fail(q, KERR_INVAL, "platform_no without case_no, empty or too long");
	if (e->reasons_version && (!e->reasons_version[0] || strlen(e->reasons_version) > 31))
		return queue_fail(q, KERR_INVAL, "reasons_version empty or too long");
	/* Nobody gave a default rating: it carries no words and no identity. */
	if (e->by_default && (e->named || e->text || e->followup || !e->case_no))
		return queue_fail(q, KERR_INVAL, "a default rating with a resident's details");
	return KERR_OK;
}

enum kerr queue_eval_insert(struct queue *q, const struct queue_eval *e, int64_t *ret_id)
{
	struct queue_field_row row = { "evaluations", 0 };
	sqlite3_stmt *st = NULL;
	enum kerr err;

	/* The id is chosen first: the personal fields are sealed to their row. */
	err = queue_field_next_id(q, "evaluations", &row.id);
	if (err)
		return err;
	err = queue_db_prepare(
		q,
		"INSERT INTO evaluations (id, case_no, impl_code, level, reasons, text, named, "
		"evaluator_id, time_ms, followup, created_ms, origin, platform_no, reasons_version) "
		"VALUES (?11, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?12, ?13, ?14)",
		&st);
	if (err)
		return err;
	err = queue_db_bind_text(q, st, 1, e->case_no);
	if (!err)
		err = queue_db_bind_text(q, st, 2, e->impl_code);
	if (!err)
		err = queue_db_bind_text(q, st, 3, level_db[e->level]);
	if (!err)
		err = queue_db_bind_text(q, st, 4, e->reasons);
	/* Free text may name people or places, so it is treated as personal. */
	if (!err)
		err = queue_field_put(q, st, 5, &row, "text", e->text);
	if (!err)
		err = queue_db_bind_int(q, st, 6, e->named);
	if (!err)
		err = queue_field_put(q, st, 7, &row, "evaluator_id",
				      e->named ? e->evaluator_id : NULL);
	if (!err)
		err = queue_db_bind_int(q, st, 8, e->time_ms);
	if (!err)
		err = queue_db_bind_int(q, st, 9, e->followup);
	if (!err)
		err = queue_db_bind_int(q, st, 10, clock_wall_ms(q->clk));
	if (!err)
		err = queue_db_bind_int(q, st, 11, row.id);
	if (!err)
		err = queue_db_bind_text(q, st, 12, e->by_default ? "default" : "resident");
	if (!err)
		err = queue_db_bind_text(q, st, 13, e->platform_no);
	if (!err)
		err = queue_db_bind_text(q, st, 14, e->reasons && e->reasons[0] ? e->reasons_version : NULL);
	if (!err)
		err = queue_db_done(q, st);
	sqlite3_finalize(st);
	if (!err)
		err = queue_outbox_add(q, "eval", row.id);
	if (!err)
		*ret_id = row.id;
	return err;
}

enum kerr queue_eval_add(struct queue *q, const struct queue_eval *e, int64_t *ret_id)
{
	enum kerr err;
	int64_t id;

	if (!e)
		return queue_fail(q, KERR_INVAL, "no evaluation");
	err = queue_eval_check(q, e);
	if (err)
		return err;
	err = queue_db_begin(q);
	if (err)
		return err;
	err = queue_eval_insert(q, e, &id);
	if (err) {
		queue_db_rollback(q);
		return err;
	}
	err = queue_db_commit(q);
	if (err) {
		queue_db_rollback(q);
		return err;
	}
	*ret_id = id;
	return KERR_OK;
}

enum kerr queue_eval_count(struct queue *q, int64_t *ret)
{
	return queue_db_int(q, "SELECT count(*) FROM evaluations", ret);
}

enum kerr queue_eval_followed_up(struct queue *q, const char *case_no, bool *ret)
{
	sqlite3_stmt *st = NULL;
	enum kerr err;
	int rc;

	if (!case_no || !case_no[0])
		return queue_fail(q, KERR_INVAL, "no case number");
	err = queue_db_prepare(q, "SELECT 1 FROM evaluations WHERE case_no = ?1 AND followup = 1", &st);
	if (!err)
		err = queue_db_bind_text(q, st, 1, case_no);
	if (!err) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW || rc == SQLITE_DONE)
			*ret = rc == SQLITE_ROW;
		else
			err = queue_db_err(q, rc, "look for a follow-up rating");
	}
	sqlite3_finalize(st);
	return err;
}
