/* Unit tests of certificate prints in the store: kept with an outbox entry of their own kind, read
 * back for sending, refused when malformed; and schema step 4, which rebuilds the outbox, keeps
 * every entry of a store written before it. */
#include "tests/support/queue_fix.h"
#include "tests/support/schema_rewind.h"
#include "offline-queue/queue.h"
#include "offline-queue/queue_cert_print.h"
#include "offline-queue/queue_impl.h"
#include "offline-queue/queue_sync.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static int fix_setup(void **state)
{
	return queue_fix_setup_at(state, 1795397400000LL);
}

static void fix_open(struct queue_fix *f)
{
	queue_fix_open(f, "T0042");
}

static void test_add_and_send(void **state)
{
	struct queue_fix *f = *state;
	struct queue_cert_print p = { "ZM-20261120-000001", 1795397465000LL, 2 }, got;
	struct queue_sync_item it;
	int64_t id = 0, n = 0;

	fix_open(f);
	assert_int_equal(queue_cert_print_add(f->q, &p, &id), KERR_OK);
	assert_true(id > 0);
	assert_int_equal(queue_outbox_pending(f->q, &n), KERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(queue_sync_next(f->q, 0, &it), KERR_OK);
	assert_int_equal(it.kind, QUEUE_SYNC_CERT_PRINT);
	assert_int_equal(it.ref_id, id);
	assert_int_equal(strlen(it.key), 36);
	assert_int_equal(queue_cert_print_get(f->q, id, &got), KERR_OK);
	assert_string_equal(got.cert_id, p.cert_id);
	assert_int_equal(got.printed_ms, p.printed_ms);
	assert_int_equal(got.pages, 2);
	assert_int_equal(queue_sync_ack(f->q, it.id, "P000001"), KERR_OK);
	assert_int_equal(queue_outbox_pending(f->q, &n), KERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(queue_cert_print_get(f->q, id + 1, &got), KERR_NOT_FOUND);
}

static void test_refused(void **state)
{
	struct queue_fix *f = *state;
	struct queue_cert_print p = { "", 1, 1 };
	int64_t id = 0, n = -1;

	fix_open(f);
	assert_int_equal(queue_cert_print_add(f->q, &p, &id), KERR_INVAL);
	snprintf(p.cert_id, sizeof(p.cert_id), "ZM-1");
	p.pages = 0;
	assert_int_equal(queue_cert_print_add(f->q, &p, &id), KERR_INVAL);
	p.pages = 1;
	p.printed_ms = 0;
	assert_int_equal(queue_cert_print_add(f->q, &p, &id), KERR_INVAL);
	memset(p.cert_id, 'x', sizeof(p.cert_id));
	p.printed_ms = 1;
	assert_int_equal(queue_cert_print_add(f->q, &p, &id), KERR_INVAL);
	assert_int_equal(queue_cert_print_count(f->q, &n), KERR_OK);
	assert_int_equal(n, 0);
	assert_int_equal(id, 0);
}

/* A store of schema 3 with an evaluation waiting: step 4 rebuilds the outbox around it. */
static void test_migration_keeps_the_outbox(void **state)
{
	struct queue_fix *f = *state;
	struct queue_eval ev = { .level = 1, .time_ms = 1795397465000LL };
	struct queue_cert_print p = { "ZM-1", 1795397465000LL, 1 };
	struct queue_sync_item it;
	int64_t id, v = 0, n = 0;
	char key[40];

	fix_open(f);
	assert_int_equal(queue_eval_add(f->q, &ev, &id), KERR_OK);
	assert_int_equal(queue_db_exec(f->q, SCHEMA_UNDO_AFTER_4 "DROP TABLE cert_prints;"
					     "PRAGMA user_version = 3;"), KERR_OK);
	assert_int_equal(queue_sync_next(f->q, 0, &it), KERR_OK);
	snprintf(key, sizeof(key), "%s", it.key);
	assert_int_equal(queue_sync_retry(f->q, it.id, 0, "offline"), KERR_OK);
	fix_open(f);
	assert_int_equal(queue_db_int(f->q, "PRAGMA user_version", &v), KERR_OK);
	assert_int_equal(v, queue_schema_version());
	assert_int_equal(queue_outbox_pending(f->q, &n), KERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(queue_sync_next(f->q, 0, &it), KERR_OK);
	assert_int_equal(it.kind, QUEUE_SYNC_EVAL);
	assert_string_equal(it.key, key);
	assert_int_equal(it.attempts, 1);
	assert_int_equal(queue_db_int(f->q, "SELECT count(*) FROM sqlite_schema WHERE name = 'outbox_due'",
				      &v),
			 KERR_OK);
	assert_int_equal(v, 1);
	assert_int_equal(queue_cert_print_add(f->q, &p, &id), KERR_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_and_send, fix_setup, queue_fix_teardown),
		cmocka_unit_test_setup_teardown(test_refused, fix_setup, queue_fix_teardown),
		cmocka_unit_test_setup_teardown(test_migration_keeps_the_outbox, fix_setup, queue_fix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
