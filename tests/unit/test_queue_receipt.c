/* Unit tests of receipt prints per case: counted, read back by case number or query code, the
 * unprinted ones counted and listed, and the migration of a store written before prints were kept
 * (its cases are "not known", never reported as unprinted). */
#include "tests/support/queue_fix.h"
#include "tests/support/schema_rewind.h"
#include "offline-queue/queue.h"
#include "offline-queue/queue_impl.h"
#include "offline-queue/queue_receipt.h"

#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#define PREFIX "T0042"

static int fix_setup(void **state)
{
	return queue_fix_setup_at(state, 1710464400000LL);
}

static void fix_open(struct queue_fix *f)
{
	queue_fix_open(f, PREFIX);
}

static void add_case(struct queue_fix *f, char case_no[40], char qc[16])
{
	const struct queue_material m = { "M001", "户口簿", QUEUE_MAT_OPTIONAL, NULL, 0 };
	const struct queue_case c = {
		.impl_code = "11110105000000000X4440117008000",
		.item_name = "城乡居民基本养老保险参保登记",
		.case_kind = 1,
		.applicant_name = "王小英",
		.id_type = "111",
		.id_number = "11010519491231002X",
		.sex = '2',
		.birth = "19491231",
		.accepted_ms = 1710464400000LL,
		.materials = &m,
		.n_materials = 1,
	};

	assert_int_equal(queue_case_add(f->q, &c, case_no, qc), KERR_OK);
}

static int64_t unprinted(struct queue_fix *f)
{
	int64_t n = -1;

	assert_int_equal(queue_receipt_unprinted(f->q, &n), KERR_OK);
	return n;
}

static void test_counted(void **state)
{
	struct queue_fix *f = *state;
	char a[40], qa[16], b[40], qb[16], lower[16], list[4][40];
	struct queue_receipt r;
	size_t n = 9;

	fix_open(f);
	add_case(f, a, qa);
	add_case(f, b, qb);
	assert_int_equal(unprinted(f), 2);
	assert_int_equal(queue_receipt_get(f->q, a, &r), KERR_OK);
	assert_int_equal(r.prints, 0);
	assert_int_equal(r.last_ms, 0);
	assert_int_equal(queue_receipt_unprinted_list(f->q, list, 4, &n), KERR_OK);
	assert_int_equal(n, 2);
	assert_string_equal(list[0], b);
	assert_string_equal(list[1], a);

	assert_int_equal(queue_receipt_printed(f->q, a, 1710464500000LL), KERR_OK);
	assert_int_equal(unprinted(f), 1);
	assert_int_equal(queue_receipt_printed(f->q, a, 1710464600000LL), KERR_OK);
	/* By query code, typed in lower case as residents do. */
	for (size_t i = 0; i <= strlen(qa); i++)
		lower[i] = (char)tolower((unsigned char)qa[i]);
	assert_int_equal(queue_receipt_get(f->q, lower, &r), KERR_OK);
	assert_int_equal(r.prints, 2);
	assert_int_equal(r.last_ms, 1710464600000LL);
	/* Durable: a store opened again says the same. */
	fix_open(f);
	assert_int_equal(queue_receipt_get(f->q, a, &r), KERR_OK);
	assert_int_equal(r.prints, 2);
	assert_int_equal(queue_receipt_unprinted_list(f->q, list, 1, &n), KERR_OK);
	assert_int_equal(n, 1);
	assert_string_equal(list[0], b);
}

static void test_bad_input(void **state)
{
	struct queue_fix *f = *state;
	struct queue_receipt r = { 7, 7 };

	fix_open(f);
	assert_int_equal(queue_receipt_printed(f->q, "", 1), KERR_INVAL);
	assert_int_equal(queue_receipt_printed(f->q, NULL, 1), KERR_INVAL);
	assert_int_equal(queue_receipt_printed(f->q, "T00422024031500001", 0), KERR_INVAL);
	assert_int_equal(queue_receipt_printed(f->q, "T00422024031500001", 1), KERR_NOT_FOUND);
	assert_true(strstr(queue_errmsg(f->q), "no case") != NULL);
	assert_int_equal(queue_receipt_get(f->q, "", &r), KERR_INVAL);
	assert_int_equal(queue_receipt_get(f->q, "'; DROP TABLE cases; --", &r), KERR_NOT_FOUND);
	/* Left alone on failure. */
	assert_int_equal(r.prints, 7);
	assert_int_equal(unprinted(f), 0);
}

/* A store of schema 2, as the build before this one wrote it: its cases' receipts are "not known". */
static void test_migration(void **state)
{
	struct queue_fix *f = *state;
	char old[40], qo[16], fresh[40], qf[16];
	struct queue_receipt r;
	int64_t v = 0;

	fix_open(f);
	add_case(f, old, qo);
	assert_int_equal(queue_db_exec(f->q, SCHEMA_UNDO_AFTER_4 "ALTER TABLE cases DROP COLUMN receipt_prints;"
					     "ALTER TABLE cases DROP COLUMN receipt_printed_ms;"
					     "DROP TABLE cert_prints;"
					     "PRAGMA user_version = 2;"),
			 KERR_OK);
	fix_open(f);
	assert_int_equal(queue_db_int(f->q, "PRAGMA user_version", &v), KERR_OK);
	assert_int_equal(v, queue_schema_version());
	assert_int_equal(queue_receipt_get(f->q, old, &r), KERR_OK);
	assert_int_equal(r.prints, -1);
	assert_int_equal(unprinted(f), 0);
	add_case(f, fresh, qf);
	assert_int_equal(unprinted(f), 1);
	/* Reprinted: from then on counted like any other. */
	assert_int_equal(queue_receipt_printed(f->q, old, 1710464500000LL), KERR_OK);
	assert_int_equal(queue_receipt_get(f->q, old, &r), KERR_OK);
	assert_int_equal(r.prints, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_counted, fix_setup, queue_fix_teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, fix_setup, queue_fix_teardown),
		cmocka_unit_test_setup_teardown(test_migration, fix_setup, queue_fix_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
