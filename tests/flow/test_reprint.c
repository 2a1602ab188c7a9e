/* Receipt reprint (补打) journeys: the real kiosk, headless on a virtual clock. A case stored while
 * the printer is out of paper is known at the next start; 进度查询 by card or by query code prints
 * its receipt again, marked 补打, once however often it is touched; a printer that recovers offers
 * the print again. */
#define _GNU_SOURCE /* memmem */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "offline-queue/queue.h"
#include "offline-queue/queue_receipt.h"
#include "tests/support/journey_script.h"
#include "tests/support/plat_proc.h"

/* Receipts the simulated printer put out as paper. */
static int papers(struct fixture *f)
{
	char dir[256];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/receipt", f->data);
	d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".png") != NULL;
	closedir(d);
	return n;
}

static struct queue_receipt prints_of(struct fixture *f, char case_no[40], char query[16])
{
	struct queue_receipt r = { -2, 0 };
	struct queue_case_rec *rec = NULL;
	struct queue *q;

	assert_int_equal(queue_open(f->data, "ZW3101150001", 0, &q), KERR_OK);
	assert_int_equal(queue_case_get(q, "ZW3101150001202611230001", &rec), KERR_OK);
	snprintf(case_no, 40, "%s", rec->case_no);
	snprintf(query, 16, "%s", rec->query_code);
	assert_int_equal(queue_receipt_get(q, rec->case_no, &r), KERR_OK);
	queue_case_rec_free(rec);
	queue_close(q);
	return r;
}

/* A case stored with the paper out; the resident leaves without a receipt. */
static void store_without_receipt(struct fixture *f, const char *conf)
{
	const struct catalog_item *it = item_where(f, has_scan);

	assert_non_null(it);
	write_conf(f, conf);
	begin(f);
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "dev receipt fault paper-out on");
	line(f, "tap footer.next");
	line(f, "wait 2000");
	line(f, "expect PRINT_FAULT");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	assert_int_equal(papers(f), 0);
}

static void test_paper_out_then_reprint_by_card(void **state)
{
	struct fixture *f = *state;
	char case_no[40], query[16];

	store_without_receipt(f, NULL);
	assert_int_equal(prints_of(f, case_no, query).prints, 0);

	/* Later, paper in: the kiosk knows at start, and the resident comes back with the card. */
	begin(f);
	line(f, "tap tile.2");
	line(f, "expect QUERY");
	line(f, "dev idcard insert resident");
	line(f, "wait 3000");
	line(f, "expect PROGRESS");
	line(f, "expect-text 回执未打印");
	line(f, "expect-text 补打回执");
	/* A double tap: the second finds the job out and prints nothing. */
	line(f, "tap reprint.0");
	line(f, "tap reprint.0");
	line(f, "expect-text 正在补打");
	line(f, "wait 3000");
	line(f, "expect-text 回执已补打");
	line(f, "expect-text 已补打");
	/* And after it came out: still once. */
	line(f, "tap reprint.0");
	line(f, "wait 3000");
	line(f, "expect-text 该办件的回执已补打");
	line(f, "expect PROGRESS");
	assert_int_equal(run(f), 0);
	assert_true(log_has(f, "receipt: 1 stored case(s) never had their receipt printed, the newest "
			       "ZW3101150001202611230001"));
	assert_true(log_has(f, "receipt: case ZW3101150001202611230001 reprinted"));
	assert_false(log_has(f, "王小英"));
	assert_int_equal(papers(f), 1);
	{
		struct queue_receipt r = prints_of(f, case_no, query);

		assert_int_equal(r.prints, 1);
		assert_true(r.last_ms > 0);
	}
	/* The slip is a reprint: its bytes carry the mark (GB18030 of 补打). The simulated printer counts
	 * jobs from 1 in each run; the first run's job put out no paper. */
	{
		char path[256];
		FILE *b;
		char buf[8192];
		size_t n;

		snprintf(path, sizeof(path), "%s/receipt/job-1.bin", f->data);
		b = fopen(path, "rb");
		assert_non_null(b);
		n = fread(buf, 1, sizeof(buf), b);
		fclose(b);
		assert_non_null(memmem(buf, n, "\xb2\xb9\xb4\xf2", 4));
	}
	/* Printed now: the next start reports nothing unprinted. */
	begin(f);
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	assert_false(log_has(f, "never had their receipt printed"));
}

static void test_reprint_by_query_code_paper_out(void **state)
{
	struct fixture *f = *state;
	char case_no[40], query[16];

	store_without_receipt(f, NULL);
	prints_of(f, case_no, query);
	begin(f);
	line(f, "dev receipt fault paper-out on");
	line(f, "tap tile.2");
	for (const char *c = query; *c; c++)
		line(f, "tap key.%c", *c);
	line(f, "tap footer.next");
	line(f, "expect PROGRESS");
	line(f, "tap reprint.0");
	line(f, "wait 2000");
	line(f, "expect-text 回执打印纸已用完");
	/* The printer recovers: the print is offered again, and then it prints. */
	line(f, "dev receipt fault paper-out off");
	line(f, "wait 2000");
	line(f, "expect-text 回执打印机已恢复正常");
	line(f, "tap reprint.0");
	line(f, "wait 3000");
	line(f, "expect-text 回执已补打");
	assert_int_equal(run(f), 0);
	assert_int_equal(papers(f), 1);
	assert_int_equal(prints_of(f, case_no, query).prints, 1);
}

/* At the receipt's own fault screen: the printer coming back says so, and the retry prints once. */
static void test_recovery_offers_the_receipt(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	char case_no[40], query[16];

	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "dev receipt fault paper-out on");
	line(f, "tap footer.next");
	line(f, "wait 2000");
	line(f, "expect PRINT_FAULT");
	line(f, "expect-no-text 回执打印机已恢复正常");
	line(f, "dev receipt fault paper-out off");
	line(f, "wait 2000");
	line(f, "expect PRINT_FAULT");
	line(f, "expect-text 回执打印机已恢复正常");
	line(f, "tap print.retry");
	line(f, "wait 2000");
	line(f, "expect EVAL");
	assert_int_equal(run(f), 0);
	assert_int_equal(papers(f), 1);
	assert_int_equal(prints_of(f, case_no, query).prints, 1);
}

/* The platform hears of the case without a receipt in the heartbeat, and of its reprint in the next. */
static void test_health_report(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = { 0 };
	char conf[256];
	json_t *s;

	plat_proc_start(&p, 0, false);
	snprintf(conf, sizeof(conf), "platform.url = %s\nplatform.backoff_base_ms = 200\n", p.url);
	store_without_receipt(f, conf);
	begin(f);
	line(f, "expect HOME");
	line(f, "sync 30");
	assert_int_equal(run(f), 0);
	s = plat_proc_state(&p);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(s, "last_heartbeat"), "store"),
				 "receipts_unprinted")),
			 1);
	json_decref(s);
	plat_proc_cleanup(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paper_out_then_reprint_by_card, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reprint_by_query_code_paper_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recovery_offers_the_receipt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_health_report, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
