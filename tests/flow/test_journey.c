/* Journey tests: the real kiosk binary, headless, driven by scripts on a virtual clock with simulated devices,
 * through the whole path and every fault path; then the store is opened and the case checked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kiosk/catalog.h"
#include "offline-queue/queue.h"
#include "offline-queue/queue_scan.h"
#include "offline-queue/queue_sync.h"
#include "tests/support/journey_script.h"

static bool not_waivable(const struct catalog_material *m)
{
	return !(m->gap_ok || m->commitment_ok);
}

static bool has_gap(const struct catalog_item *it)
{
	for (size_t i = 0; i < it->n_materials; i++)
		if (it->materials[i].mandatory && !it->materials[i].ecert &&
		    ((it->materials[i].gap_ok && it->gap_allowed) || it->materials[i].commitment_ok))
			return true;
	return false;
}

static bool has_blocking(const struct catalog_item *it)
{
	for (size_t i = 0; i < it->n_materials; i++)
		if (it->materials[i].mandatory && !it->materials[i].ecert && !it->materials[i].commitment_ok &&
		    !(it->materials[i].gap_ok && it->gap_allowed))
			return true;
	return false;
}

struct stored {
	int cases, evals, outbox, pages, materials;
	char case_no[40];
};

static void stored(struct fixture *f, struct stored *ret)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[256];
	const char *q[] = { "SELECT count(*) FROM cases", "SELECT count(*) FROM evaluations",
			    "SELECT count(*) FROM outbox", "SELECT count(*) FROM pages", "SELECT count(*) FROM materials" };
	int *out[] = { &ret->cases, &ret->evals, &ret->outbox, &ret->pages, &ret->materials };

	memset(ret, 0, sizeof(*ret));
	snprintf(path, sizeof(path), "%s/kiosk.db", f->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(sqlite3_prepare_v2(db, q[i], -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		*out[i] = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (sqlite3_prepare_v2(db, "SELECT case_no FROM cases ORDER BY id DESC LIMIT 1", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(ret->case_no, sizeof(ret->case_no), "%s", sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

static const struct catalog_material *first_scannable(const struct catalog_item *it)
{
	for (size_t i = 0; i < it->n_materials; i++)
		if (!it->materials[i].ecert)
			return &it->materials[i];
	fail_msg("no material to scan");
	return NULL;
}

/* A material the catalog says the platform takes as PDF is stored as one PDF of all its pages; the others
 * page by page as JPEG. */
static void pdf_bundles(struct queue *q, const struct catalog_item *it, const struct queue_case_rec *rec)
{
	int bundles = 0;

	for (size_t i = 0; i < rec->n_materials; i++) {
		const struct queue_material_rec *m = &rec->materials[i];

		for (size_t p = 0; p < m->n_pages; p++) {
			struct queue_scan *sc;
			unsigned char head[8];
			size_t got;

			assert_string_equal(m->pages[p].media_type, it->materials[i].pdf ? QUEUE_MEDIA_PDF : QUEUE_MEDIA_JPEG);
			assert_int_equal(queue_sync_page_open(q, m->pages[p].file_name, &sc), KERR_OK);
			assert_int_equal(queue_scan_read(sc, 0, head, sizeof(head), &got), KERR_OK);
			queue_scan_close(sc);
			if (it->materials[i].pdf) {
				assert_int_equal(m->n_pages, 1);
				assert_memory_equal(head, "%PDF-", 5);
				bundles++;
			} else {
				assert_memory_equal(head, "\xff\xd8\xff", 3);
			}
		}
	}
	assert_int_equal(bundles, first_scannable(it)->pdf ? 1 : 0);
}

static void test_whole_journey(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	struct stored s;
	struct queue *q;
	struct queue_case_rec *rec;

	assert_non_null(it);
	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	line(f, "tap choice.1");
	scan_materials(f, it, all);
	line(f, "expect-text 材料齐全");
	line(f, "tap footer.next");
	finish_with_rating(f, 0);
	line(f, "expect THANKS");
	line(f, "wait 11000");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);

	stored(f, &s);
	assert_int_equal(s.cases, 1);
	assert_int_equal(s.evals, 1);
	assert_int_equal(s.outbox, 2);
	/* Two pages for the first material, one for each other; a material the platform takes as PDF is one. */
	assert_int_equal(s.pages, (int)n_scannable(it) + (first_scannable(it)->pdf ? 0 : 1));
	assert_int_equal(s.materials, (int)it->n_materials);
	assert_memory_equal(s.case_no, "ZW3101150001202611230001", 24);
	assert_int_equal(queue_open(f->data, "ZW3101150001", 0, &q), KERR_OK);
	assert_int_equal(queue_case_get(q, s.case_no, &rec), KERR_OK);
	/* The shipped catalog has this item take its first material as one PDF. */
	assert_true(first_scannable(it)->pdf);
	pdf_bundles(q, it, rec);
	assert_string_equal(rec->impl_code, it->impl_code);
	assert_string_equal(rec->applicant_name, "王小英");
	assert_string_equal(rec->id_number, "11010519491231002X");
	assert_string_equal(rec->mobile, "13812345678");
	assert_string_equal(rec->delivery, "mail");
	assert_false(rec->with_gaps);
	assert_int_equal(strlen(rec->promised_date), 8);
	queue_case_rec_free(rec);
	queue_close(q);
	/* The receipt printed after the case was stored, and the log masks the resident. */
	assert_true(log_has(f, "flow: PRINT -> EVAL"));
	assert_false(log_has(f, "王小英"));
	assert_false(log_has(f, "11010519491231002X"));
	/* The simulated printer put it out as paper: the receipt as a PNG, the bytes beside it. */
	{
		char png[256], bin[256];
		struct stat st;

		snprintf(png, sizeof(png), "%s/receipt/job-1.png", f->data);
		snprintf(bin, sizeof(bin), "%s/receipt/job-1.bin", f->data);
		assert_int_equal(stat(png, &st), 0);
		assert_true(st.st_size > 1000);
		assert_int_equal(stat(bin, &st), 0);
	}
}

static void test_guide_first_then_card(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);

	write_conf(f, NULL);
	begin(f);
	line(f, "tap tile.1");
	line(f, "expect CATALOG");
	line(f, "tap tab.1");
	line(f, "tap tab.0");
	line(f, "tap list.down");
	line(f, "tap list.up");
	line(f, "tap catalog.search");
	for (const char *c = it->initials; *c; c++)
		line(f, "tap key.%c", *c);
	line(f, "tap key.backspace");
	line(f, "tap key.%c", it->initials[strlen(it->initials) - 1]);
	line(f, "tap footer.next");
	line(f, "expect CATALOG");
	line(f, "tap item.0");
	line(f, "expect GUIDE");
	line(f, "expect-text 办理条件");
	line(f, "tap guide.down");
	line(f, "tap guide.down");
	line(f, "tap guide.down");
	line(f, "expect-text 设定依据");
	line(f, "tap guide.up");
	line(f, "tap footer.next");
	line(f, "expect CARD");
	line(f, "dev idcard insert elder");
	line(f, "wait 3000");
	line(f, "expect FORM");
	line(f, "tap footer.back");
	line(f, "expect GUIDE");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
}

static void test_missing_materials_told_at_once(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_blocking);
	struct stored s;

	assert_non_null(it);
	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	/* Scan nothing at all, so every mandatory material is missing. */
	line(f, "tap footer.next");
	for (size_t i = 0; i < n_scannable(it); i++)
		line(f, "tap footer.next");
	line(f, "expect SUMMARY");
	line(f, "expect-text 一次性告知");
	line(f, "tap footer.next");
	line(f, "expect SUMMARY");
	line(f, "expect-text 还缺必须提交的材料");
	line(f, "tap footer.back");
	line(f, "expect SCAN");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	stored(f, &s);
	assert_int_equal(s.cases, 0);
}

static bool has_ecert(const struct catalog_item *it)
{
	for (size_t i = 0; i < it->n_materials; i++)
		if (it->materials[i].ecert)
			return n_scannable(it) >= 1;
	return false;
}

static bool has_commitment(const struct catalog_item *it)
{
	for (size_t i = 0; i < it->n_materials; i++)
		if (it->materials[i].mandatory && !it->materials[i].ecert && it->materials[i].commitment_ok)
			return true;
	return false;
}

static bool not_commitment(const struct catalog_material *m)
{
	return !m->commitment_ok;
}

/* A resident who leaves the summary with materials missing takes the list home in writing (一次性告知); no case
 * is stored, and the scans go with the session. */
static void test_leaving_with_gaps_prints_notice(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_blocking);
	struct stored s;
	char bin[256];
	struct stat st;

	assert_non_null(it);
	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	line(f, "tap footer.next");
	for (size_t i = 0; i < n_scannable(it); i++)
		line(f, "tap footer.next");
	line(f, "expect SUMMARY");
	line(f, "expect-text 一次性告知");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	stored(f, &s);
	assert_int_equal(s.cases, 0);
	assert_true(log_has(f, "missing-materials notice printed"));
	snprintf(bin, sizeof(bin), "%s/receipt/job-1.bin", f->data);
	assert_int_equal(stat(bin, &st), 0);
	assert_true(st.st_size > 100);
}

/* Where receipts also go out on A4, the notice does too, as a PDF the window can read; it goes when printed. */
static void test_leaving_with_gaps_prints_notice_on_a4(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_blocking);
	char path[256];
	struct stat st;

	write_conf(f, "docprint.a4_receipt = true");
	begin(f);
	to_form(f, it, "resident");
	line(f, "tap footer.next");
	for (size_t i = 0; i < n_scannable(it); i++)
		line(f, "tap footer.next");
	line(f, "expect SUMMARY");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	line(f, "wait 5000");
	assert_int_equal(run(f), 0);
	assert_true(log_has(f, "missing-materials notice printed on A4"));
	snprintf(path, sizeof(path), "%s/docprint/job-1.pdf", f->data);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 1000);
	snprintf(path, sizeof(path), "%s/a4/notice-%s.pdf", f->data, it->impl_code);
	assert_int_not_equal(stat(path, &st), 0);
}

/* Everything scanned: leaving from the summary prints nothing. */
static void test_leaving_complete_prints_nothing(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	char bin[256];
	struct stat st;

	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "expect-text 材料齐全");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	snprintf(bin, sizeof(bin), "%s/receipt/job-1.bin", f->data);
	assert_int_not_equal(stat(bin, &st), 0);
}

/* A material the platform holds as an electronic certificate is never asked for, and the summary says why. */
static void test_ecert_not_scanned(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_ecert);
	struct stored s;

	assert_non_null(it);
	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "expect SUMMARY");
	line(f, "expect-text 已电子获取，无需提交");
	line(f, "tap footer.next");
	finish_with_rating(f, 0);
	assert_int_equal(run(f), 0);
	stored(f, &s);
	assert_int_equal(s.cases, 1);
	assert_int_equal(s.pages, (int)n_scannable(it) + 1);
}

/* A proof replaced by a signed commitment (告知承诺): told at once, accepted once the resident commits. */
static void test_commitment_replaces_proof(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_commitment);
	struct stored s;

	assert_non_null(it);
	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	scan_materials(f, it, not_commitment);
	line(f, "expect SUMMARY");
	line(f, "expect-text 可签告知承诺代替");
	line(f, "tap footer.next");
	line(f, "expect SUMMARY");
	line(f, "tap summary.commit");
	line(f, "tap footer.next");
	finish_with_rating(f, 0);
	assert_int_equal(run(f), 0);
	stored(f, &s);
	assert_int_equal(s.cases, 1);
}

/* The journey with the real SANE backend scanning from SANE's own test backend: real pages, processed and stored.
 * The test backend loses its reader's buffers inside a library unloaded at sane_exit(), where no suppression can
 * name it; under a sanitizer this run alone skips the leak check (test_scanner_sane checks ours with the library
 * kept loaded). */
static void test_journey_with_sane(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	char dir[200], path[260], *old_asan = getenv("ASAN_OPTIONS") ? strdup(getenv("ASAN_OPTIONS")) : NULL;
	char asan[512];
	struct stored s;
	FILE *c;

	snprintf(dir, sizeof(dir), "%s/sane", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	snprintf(path, sizeof(path), "%s/dll.conf", dir);
	c = fopen(path, "w");
	assert_non_null(c);
	fputs("test\n", c);
	fclose(c);
	snprintf(path, sizeof(path), "%s/test.conf", dir);
	c = fopen(path, "w");
	assert_non_null(c);
	fputs("number_of_devices 1\nmode Gray\ndepth 8\ntest-picture \"Grid\"\nbr_x 100.0\nbr_y 140.0\n", c);
	fclose(c);
	setenv("SANE_CONFIG_DIR", dir, 1);
	snprintf(asan, sizeof(asan), "%s%sdetect_leaks=0", old_asan ? old_asan : "", old_asan ? ":" : "");
	setenv("ASAN_OPTIONS", asan, 1);
	write_conf(f, "scanner.backend = sane\nscanner.path = test\nscan.page_kb = 64");
	begin(f);
	to_form(f, it, "resident");
	line(f, "tap footer.next");
	line(f, "expect SCAN");
	for (size_t i = 0; i < n_scannable(it); i++) {
		line(f, "tap scan.start");
		line(f, "scan-wait 20");
		line(f, "expect-no-text 没有保存成功");
		line(f, "tap footer.next");
	}
	line(f, "expect-text 材料齐全");
	line(f, "tap footer.next");
	finish_with_rating(f, 0);
	assert_int_equal(run(f), 0);
	unsetenv("SANE_CONFIG_DIR");
	if (old_asan)
		setenv("ASAN_OPTIONS", old_asan, 1);
	else
		unsetenv("ASAN_OPTIONS");
	free(old_asan);
	stored(f, &s);
	assert_int_equal(s.cases, 1);
	assert_int_equal(s.pages, (int)n_scannable(it));
	assert_true(log_has(f, "scanner: READY"));
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	assert_int_equal(system(path), 0);
}

static void test_accept_with_gaps(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_gap);
	struct stored s;
	struct queue *q;
	struct queue_case_rec *rec;

	assert_non_null(it);
	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	scan_materials(f, it, not_waivable);
	line(f, "expect-text 一次性告知");
	line(f, "tap footer.next");
	line(f, "expect SUMMARY");
	line(f, "expect-text 请先阅读并勾选");
	line(f, "tap summary.commit");
	line(f, "tap footer.next");
	finish_with_rating(f, 1);
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	stored(f, &s);
	assert_int_equal(s.cases, 1);
	assert_int_equal(queue_open(f->data, "ZW3101150001", 0, &q), KERR_OK);
	assert_int_equal(queue_case_get(q, s.case_no, &rec), KERR_OK);
	assert_true(rec->with_gaps);
	queue_case_rec_free(rec);
	queue_close(q);
}

static void test_card_faults(void **state)
{
	struct fixture *f = *state;

	write_conf(f, NULL);
	begin(f);
	line(f, "tap tile.0");
	line(f, "dev idcard insert expired");
	line(f, "wait 3000");
	line(f, "expect CARD");
	line(f, "expect-text 有效期");
	line(f, "dev idcard remove");
	line(f, "wait 1000");
	line(f, "dev idcard insert unreadable");
	line(f, "wait 3000");
	line(f, "expect CARD");
	line(f, "expect-text 未能读取身份证");
	line(f, "dev idcard remove");
	line(f, "wait 1000");
	line(f, "dev idcard insert unknown-type");
	line(f, "wait 3000");
	line(f, "expect CARD");
	line(f, "expect-text 无法识别此证件");
	line(f, "expect-text 港澳台居民居住证");
	line(f, "dev idcard remove");
	line(f, "wait 1000");
	line(f, "dev idcard insert other-card");
	line(f, "wait 3000");
	line(f, "expect CARD");
	line(f, "expect-text 请换用有效证件");
	line(f, "dev idcard remove");
	line(f, "wait 1000");
	line(f, "dev idcard fault remove-mid-read on");
	line(f, "dev idcard insert resident");
	line(f, "wait 3000");
	line(f, "expect CARD");
	line(f, "expect-text 被移开");
	line(f, "dev idcard fault remove-mid-read off");
	line(f, "dev idcard remove");
	line(f, "wait 1000");
	line(f, "dev idcard unplug");
	line(f, "wait 1000");
	line(f, "expect CARD");
	line(f, "expect-text 读卡器暂时无法使用");
	line(f, "dev idcard plug");
	line(f, "wait 1500");
	line(f, "expect-text 读卡器已恢复");
	line(f, "dev idcard insert hmt");
	line(f, "wait 3000");
	line(f, "expect CATALOG");
	line(f, "tap footer.back");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
}

static void test_scanner_faults(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);

	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	line(f, "tap footer.next");
	line(f, "expect SCAN");
	line(f, "dev scanner fault jam on");
	line(f, "tap scan.start");
	line(f, "wait 2000");
	line(f, "expect-text 卡纸");
	line(f, "dev scanner fault jam off");
	line(f, "dev scanner fault cover on");
	line(f, "tap scan.start");
	line(f, "wait 2000");
	line(f, "expect-text 盖板");
	line(f, "dev scanner fault cover off");
	line(f, "dev scanner slow on");
	line(f, "tap scan.start");
	line(f, "wait 500");
	line(f, "expect-text 正在扫描");
	line(f, "wait 5000");
	line(f, "expect-text 重拍第1页");
	line(f, "dev scanner unplug");
	line(f, "tap scan.start");
	line(f, "wait 2000");
	line(f, "expect-text 扫描仪暂时无法使用");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
}

static void test_paper_out_keeps_the_case(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	struct stored s;

	write_conf(f, "docprint.a4_receipt = true");
	begin(f);
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "dev receipt fault paper-out on");
	line(f, "tap footer.next");
	line(f, "wait 2000");
	line(f, "expect PRINT_FAULT");
	line(f, "expect-text 打印纸已用完");
	line(f, "expect-text 查询码");
	line(f, "tap print.retry");
	line(f, "wait 2000");
	line(f, "expect PRINT_FAULT");
	line(f, "dev receipt fault paper-out off");
	line(f, "tap print.retry");
	line(f, "wait 2000");
	line(f, "expect EVAL");
	line(f, "dev keypad press 1");
	line(f, "expect THANKS");
	/* Long enough for the A4 job to end. */
	line(f, "wait 5000");
	assert_int_equal(run(f), 0);
	stored(f, &s);
	assert_int_equal(s.cases, 1);
	assert_int_equal(s.evals, 1);
	/* The A4 copy went out once, when the case was stored, however often the receipt was retried. */
	{
		char path[256];
		struct stat st;

		snprintf(path, sizeof(path), "%s/docprint/job-1.pdf", f->data);
		assert_int_equal(stat(path, &st), 0);
		snprintf(path, sizeof(path), "%s/docprint/job-2.pdf", f->data);
		assert_int_not_equal(stat(path, &st), 0);
		/* Printed, its PDF (which names the resident) is gone. */
		snprintf(path, sizeof(path), "%s/a4/%s.pdf", f->data, s.case_no);
		assert_int_not_equal(stat(path, &st), 0);
	}
}

static void test_bad_rating_needs_reason(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	struct stored s;
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[256];

	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "tap footer.next");
	finish_with_rating(f, 4);
	line(f, "expect REASONS");
	line(f, "tap footer.next");
	line(f, "expect-text 请至少选择一项");
	line(f, "tap reason.1");
	line(f, "tap reason.3");
	line(f, "tap reasons.text");
	line(f, "expect EVAL_TEXT");
	line(f, "tap key.q");
	line(f, "text 排队太久");
	line(f, "tap footer.next");
	line(f, "expect REASONS");
	line(f, "tap reasons.named");
	line(f, "tap footer.next");
	line(f, "expect THANKS");
	assert_int_equal(run(f), 0);
	stored(f, &s);
	assert_int_equal(s.evals, 1);
	snprintf(path, sizeof(path), "%s/kiosk.db", f->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT level, reasons, text, named FROM evaluations", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "very_dissatisfied");
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "R02,R04");
	/* Free text is personal: sealed in the table, readable through the store. */
	assert_int_equal(sqlite3_column_type(st, 2), SQLITE_BLOB);
	assert_int_equal(sqlite3_column_int(st, 3), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	{
		struct queue_eval_rec *e = NULL;
		struct queue *q;

		assert_int_equal(queue_open(f->data, "ZW3101150001", 0, &q), KERR_OK);
		assert_int_equal(queue_eval_get(q, 1, &e), KERR_OK);
		assert_non_null(strstr(e->text, "排队太久"));
		assert_string_equal(e->evaluator_id, "11010519491231002X");
		queue_eval_rec_free(e);
		queue_close(q);
	}
}

/* The evaluation keypad and the screen: whichever reaches the journey first counts, the other
 * follows it. "&" keeps a key queued while the touch of the next line is handled, as when both come
 * at the same moment. */
static void test_keypad_and_screen_race(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[256];
	const char *want[] = { "dissatisfied", "satisfied", "satisfied", "basic" };
	int n = 0;

	write_conf(f, NULL);
	begin(f);
	/* The screen first, a key of the opposite opinion on its way: the screen's bad rating counts. */
	to_printed(f, it);
	line(f, "expect EVAL");
	line(f, "& dev keypad press 0");
	line(f, "tap level.3");
	line(f, "expect REASONS");
	line(f, "tap reason.0");
	line(f, "tap footer.next");
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	/* The screen's good rating first, a key on its way: stored once, as the screen said. */
	to_printed(f, it);
	line(f, "& dev keypad press 4");
	line(f, "tap level.1");
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	/* Two keys at once: the first counts. */
	to_printed(f, it);
	line(f, "& dev keypad press 1");
	line(f, "dev keypad press 3");
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	/* The keypad first: the screen follows (the reasons of the key's level), and a key pressed
	 * there is not asked for; back on the rating screen the keypad answers again. */
	to_printed(f, it);
	line(f, "dev keypad press 4");
	line(f, "expect REASONS");
	line(f, "expect-text 非常不满意");
	line(f, "dev keypad press 0");
	line(f, "expect REASONS");
	line(f, "tap footer.back");
	line(f, "expect EVAL");
	line(f, "dev keypad press 2");
	line(f, "expect THANKS");
	assert_int_equal(run(f), 0);
	snprintf(path, sizeof(path), "%s/kiosk.db", f->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT level FROM evaluations ORDER BY id", -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_true(n < 4);
		assert_string_equal((const char *)sqlite3_column_text(st, 0), want[n]);
		n++;
	}
	assert_int_equal(n, 4);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static void test_idle_wipes_the_session(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	struct stored s;

	write_conf(f, "session.timeout_s = 60\nsession.warn_s = 20\n");
	begin(f);
	to_form(f, it, "resident");
	line(f, "tap footer.next");
	line(f, "tap scan.start");
	line(f, "wait 39000");
	line(f, "expect-no-text 您还在办理吗");
	line(f, "wait 2000");
	line(f, "expect-text 您还在办理吗");
	line(f, "tap dialog.ok");
	line(f, "expect SCAN");
	line(f, "expect-no-text 您还在办理吗");
	line(f, "wait 61000");
	line(f, "expect HOME");
	line(f, "expect-no-text 王");
	/* Elder mode doubles the time. */
	line(f, "tap mode.elder");
	line(f, "tap tile.1");
	line(f, "wait 100000");
	line(f, "expect CATALOG");
	line(f, "wait 21000");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	assert_true(log_has(f, "session: idle"));
	stored(f, &s);
	assert_int_equal(s.cases, 0);
}

static void test_store_full(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	struct stored s;

	/* Below the reserve a resident is turned away before starting, not after scanning; the
	 * refusal at the summary is in test_full_disk.c. */
	assert_non_null(it);
	write_conf(f, "store.reserve_mb = 1000000");
	begin(f);
	line(f, "expect HOME");
	line(f, "expect-text 存储空间不足");
	line(f, "tap tile.0");
	line(f, "expect HOME");
	line(f, "expect-text 存储空间不足");
	assert_int_equal(run(f), 0);
	stored(f, &s);
	assert_int_equal(s.cases, 0);
}

static void test_bad_catalog_and_data_folder(void **state)
{
	struct fixture *f = *state;
	char bad[200], conf[300];
	FILE *b;

	snprintf(bad, sizeof(bad), "%s/bad.json", f->dir);
	b = fopen(bad, "w");
	assert_non_null(b);
	fputs("{\"version\": \"1\", \"themes\": [", b);
	fclose(b);
	b = fopen(f->conf, "w");
	assert_non_null(b);
	snprintf(conf, sizeof(conf), "catalog.path = %s\n", bad);
	fputs(conf, b);
	fclose(b);
	begin(f);
	line(f, "expect HOME");
	line(f, "expect-text 事项目录暂时无法使用");
	line(f, "tap tile.0");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	assert_true(log_has(f, "catalog:"));

	/* The data folder is a file: no store, the guide still works, applying says why it cannot. */
	write_conf(f, NULL);
	snprintf(conf, sizeof(conf), "rm -rf '%s'", f->data);
	assert_int_equal(system(conf), 0);
	b = fopen(f->data, "w");
	assert_non_null(b);
	fclose(b);
	begin(f);
	line(f, "expect-text 数据存储不可用");
	line(f, "tap tile.0");
	line(f, "expect HOME");
	line(f, "tap tile.1");
	line(f, "expect CATALOG");
	assert_int_equal(run(f), 0);
	unlink(f->data);
}

static void test_case_numbers_never_repeat(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	struct stored s1, s2;

	write_conf(f, NULL);
	for (int round = 0; round < 2; round++) {
		begin(f);
		to_form(f, it, round ? "elder" : "resident");
		scan_materials(f, it, all);
		line(f, "tap footer.next");
		finish_with_rating(f, 2);
		assert_int_equal(run(f), 0);
		stored(f, round ? &s2 : &s1);
	}
	assert_int_equal(s2.cases, 2);
	assert_string_not_equal(s1.case_no, s2.case_no);
	assert_string_equal(s2.case_no + 20, "0002");
}

static void test_bad_script_fails_clearly(void **state)
{
	struct fixture *f = *state;

	write_conf(f, NULL);
	begin(f);
	line(f, "tap no.such.button");
	assert_int_equal(run(f), 3);
	assert_true(log_has(f, "no target"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_journey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guide_first_then_card, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_materials_told_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_accept_with_gaps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_card_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scanner_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paper_out_keeps_the_case, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_rating_needs_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_keypad_and_screen_race, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_wipes_the_session, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaving_with_gaps_prints_notice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaving_with_gaps_prints_notice_on_a4, setup, teardown),
		cmocka_unit_test_setup_teardown(test_leaving_complete_prints_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ecert_not_scanned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_commitment_replaces_proof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_journey_with_sane, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_catalog_and_data_folder, setup, teardown),
		cmocka_unit_test_setup_teardown(test_case_numbers_never_repeat, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_script_fails_clearly, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
