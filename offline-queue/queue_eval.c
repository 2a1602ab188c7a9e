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

static enum kerr check_eval(struct queue *q, const struct queue_eval *e)
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
	return KERR_OK;
}

static enum kerr insert_eval(struct queue *q, const struct queue_eval *e, int64_t *ret_id)
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
		"evaluator_id, time_ms, followup, created_ms) "
		"VALUES (?11, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
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
	err = check_eval(q, e);
	if (err)
		return err;
	err = queue_db_begin(q);
	if (err)
		return err;
	err = insert_eval(q, e, &id);
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
