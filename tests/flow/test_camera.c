/* A document camera (高拍仪) in the journey: the real kiosk binary with the v4l2 backend playing
 * recorded frames, the live picture on the scan screen, a touch on it or on 拍照 taking each page,
 * and the pages stored with the case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "tests/support/camframes.h"
#include "tests/support/journey_script.h"

static int count(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[256];
	int n;

	snprintf(path, sizeof(path), "%s/kiosk.db", f->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Recorded frames, the kiosk configured to play them, and a resident at the scan screen with the picture up. */
static void to_camera_scan(struct fixture *f, const struct catalog_item *it)
{
	char dir[200], conf[300];

	snprintf(dir, sizeof(dir), "%s/frames", f->dir);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(camframes_write(dir, 12, 640, 480), 0);
	snprintf(conf, sizeof(conf), "scanner.backend = v4l2\nscanner.path = %s\nscan.page_kb = 64", dir);
	write_conf(f, conf);
	begin(f);
	to_form(f, it, "resident");
	line(f, "tap footer.next");
	line(f, "expect SCAN");
	line(f, "expect-text 正在打开高拍仪画面");
	line(f, "wait 300");
	line(f, "expect-no-text 正在打开高拍仪画面");
}

static void test_camera_journey(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);

	to_camera_scan(f, it);
	line(f, "expect-text 拍照");
	line(f, "expect-no-text 扫描仪");
	for (size_t i = 0; i < n_scannable(it); i++) {
		line(f, i % 2 ? "tap scan.start" : "tap scan.live");
		line(f, "wait 200");
		line(f, "expect-no-text 没有保存成功");
		line(f, "expect-text 重拍第1页");
		line(f, "tap footer.next");
	}
	line(f, "expect-text 材料齐全");
	line(f, "tap footer.next");
	finish_with_rating(f, 0);
	assert_int_equal(run(f), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM cases"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM pages"), (int)n_scannable(it));
}

/* Leaving the scan screen stops the picture; coming back starts it again. */
static void test_camera_stops_off_screen(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);

	to_camera_scan(f, it);
	line(f, "tap footer.back");
	line(f, "expect FORM");
	line(f, "wait 1000");
	line(f, "tap footer.next");
	line(f, "expect SCAN");
	line(f, "expect-text 正在打开高拍仪画面");
	line(f, "wait 300");
	line(f, "expect-no-text 正在打开高拍仪画面");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM pages"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_camera_journey, setup, teardown),
		cmocka_unit_test_setup_teardown(test_camera_stops_off_screen, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
