/* kioskctl eval stats as staff run it, on a store filled through offline-queue: counts per level
 * and per service within the period (both days included, Beijing time), bad ratings with their
 * reasons, and nothing personal printed; usage errors and a missing store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/support/ctl_run.h"
#include "offline-queue/queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Wall times, ms since the epoch. */
#define NOV23_1000 1795399200000LL /* 2026-11-23 10:00 +08:00 */
#define NOV25_0900 1795568400000LL
#define NOV30_2359 1796054340000LL /* the last minute of --to 20261130 */
#define DEC01_0000 1796054400000LL /* the first of the next day */
#define OCT01_1000 1790820000000LL

struct fixture {
	char dir[64];
	char data[96];
	char out[8192];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/kioskctl-eval-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->data, sizeof(f->data), "%s/data", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Runs kioskctl with args (a shell fragment); returns its exit status, output in f->out. */
static int ctl(struct fixture *f, const char *fmt, ...)
{
	va_list ap;
	int st;

	va_start(ap, fmt);
	st = ctl_runv(f->dir, f->out, sizeof(f->out), fmt, ap);
	va_end(ap);
	return st;
}

static void has(const struct fixture *f, const char *text)
{
	ctl_has(f->out, text);
}

static void lacks(const struct fixture *f, const char *text)
{
	ctl_lacks(f->out, text);
}

static void add(struct queue *q, const char *case_no, const char *impl, int level,
		const char *reasons, const char *text, const char *who, int64_t at)
{
	struct queue_eval e = {
		.case_no = case_no,
		.impl_code = impl,
		.level = level,
		.reasons = reasons,
		.text = text,
		.named = who != NULL,
		.evaluator_id = who,
		.time_ms = at,
	};
	int64_t id;

	assert_int_equal(queue_eval_add(q, &e, &id), KERR_OK);
}

static void fill(struct fixture *f)
{
	struct queue_case c = {
		.impl_code = "11310115MB2F00001X3000117003001",
		.item_name = "城乡居民基本养老保险参保登记",
		.case_kind = 1,
		.applicant_name = "王小英",
		.id_type = "111",
		.id_number = "11010519491231002X",
		.delivery = "pickup",
		.accepted_ms = NOV23_1000,
	};
	char case_no[40], query[16];
	struct queue *q;

	assert_int_equal(queue_open(f->data, "ZW3101150001", 0, &q), KERR_OK);
	assert_int_equal(queue_case_add(q, &c, case_no, query), KERR_OK);
	add(q, case_no, c.impl_code, 3, "R02,R04", "王小英：排队太久", "11010519491231002X",
	    NOV23_1000);
	add(q, NULL, "X0001", 0, NULL, NULL, NULL, NOV23_1000);
	add(q, NULL, NULL, 4, "R99", NULL, NULL, NOV25_0900);
	add(q, NULL, "X0001", 1, NULL, NULL, NULL, NOV30_2359);
	add(q, NULL, "X0001", 2, NULL, NULL, NULL, DEC01_0000);
	add(q, NULL, "X0001", 4, "R01", NULL, NULL, OCT01_1000);
	queue_close(q);
}

static void stats_over_a_period(void **state)
{
	struct fixture *f = *state;

	fill(f);
	assert_int_equal(ctl(f, "eval stats --data %s --from 20261101 --to 20261130", f->data), 0);
	has(f, "evaluations 20261101 – 20261130: 4");
	has(f, "\n  非常满意        1\n");
	has(f, "\n  满意            1\n");
	has(f, "\n  基本满意        0\n");
	has(f, "\n  不满意          1\n");
	has(f, "\n  非常不满意      1\n");
	/* Per service: the case's item by name, the terminal itself, the item without a case. */
	has(f, "城乡居民基本养老保险参保登记");
	has(f, "(本终端，未关联事项)");
	has(f, "X0001");
	has(f, "bad ratings with reasons: 2");
	has(f, "原因 R02,R04  实名，可回访");
	has(f, "2026-11-25 09:00  非常不满意  (无办件)");
	has(f, "原因 R99  匿名");
	/* Outside the period. */
	lacks(f, "R01");
	/* Nothing personal: not the evaluator's number, not the free text. */
	lacks(f, "11010519491231002X");
	lacks(f, "排队太久");
	lacks(f, "王小英");
	assert_int_equal(ctl(f, "eval stats --data %s", f->data), 0);
	has(f, "evaluations start – now: 6");
	has(f, "bad ratings with reasons: 3");
}

static void usage_and_missing_store(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(ctl(f, "eval"), 2);
	assert_int_equal(ctl(f, "eval tally"), 2);
	assert_int_equal(ctl(f, "eval --help"), 0);
	has(f, "stats");
	assert_int_equal(ctl(f, "eval stats --from 2026-11-01 --data %s", f->data), 2);
	assert_int_equal(ctl(f, "eval stats --from 20260231 --data %s", f->data), 2);
	assert_int_equal(ctl(f, "eval stats --from 20261201 --to 20261101 --data %s", f->data), 2);
	assert_int_equal(ctl(f, "eval stats --data"), 2);
	assert_int_equal(ctl(f, "eval stats --data %s/nowhere", f->dir), 1);
	has(f, "no kiosk store");
	assert_int_equal(ctl(f, "--help"), 0);
	has(f, "eval");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(stats_over_a_period, setup, teardown),
		cmocka_unit_test_setup_teardown(usage_and_missing_store, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
