/* 好差评 journeys of the real kiosk binary: every service ends on the evaluation and the simulated
 * keypad answers it with each province's codes at the platform; a guide read is rated on leaving;
 * the 好差评 tile rates the terminal (offline too) or a past case once (追评); no rating after N days
 * counts as the mapping's level exactly once; an evaluation survives kill -9 and arrives once. */
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/journey_script.h"
#include "tests/support/plat_proc.h"

static void conf_for(struct fixture *f, struct plat_proc *p, const char *extra)
{
	char conf[1536], ca[128], cert[128], key[128];

	snprintf(conf, sizeof(conf), "platform.url = %s\nplatform.backoff_base_ms = 200\nplatform.backoff_cap_s = 5\n%s",
		 p->url, extra ? extra : "");
	if (p->tls)
		snprintf(conf + strlen(conf), sizeof(conf) - strlen(conf),
			 "platform.ca = %s\nplatform.cert = %s\nplatform.key = %s\n",
			 plat_proc_path(p, "pki/ca.pem", ca, sizeof(ca)),
			 plat_proc_path(p, "pki/client.pem", cert, sizeof(cert)),
			 plat_proc_path(p, "pki/client.key", key, sizeof(key)));
	write_conf(f, conf);
}

static void mapping(char *buf, size_t size, const char *file)
{
	snprintf(buf, size, "eval.mapping = %s/assets/eval/%s\n", SRCDIR, file);
}

/* An application with its scans, up to the evaluation screen. */
static void apply(struct fixture *f)
{
	const struct catalog_item *it = item_where(f, has_scan);

	assert_non_null(it);
	to_printed(f, it);
	line(f, "expect EVAL");
}

/* The keypad answers; a good level needs nothing more. */
static void keypad_rates(struct fixture *f, int level)
{
	line(f, "dev keypad press %d", level);
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	line(f, "expect HOME");
}

/* Reads a guide (scrolls it) and steps back home: that is the evaluation of that item. */
static void read_guide(struct fixture *f)
{
	line(f, "tap tile.1");
	line(f, "expect CATALOG");
	line(f, "tap item.0");
	line(f, "expect GUIDE");
	line(f, "tap guide.down");
	line(f, "tap footer.back");
	line(f, "expect CATALOG");
	line(f, "tap footer.back");
	line(f, "expect EVAL");
}

static int64_t db_int(struct fixture *f, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[256];
	int64_t v = -1;

	snprintf(path, sizeof(path), "%s/kiosk.db", f->data);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, 2000);
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static json_t *eval_bodies(struct plat_proc *p)
{
	json_t *s = plat_proc_state(p), *out = json_array(), *e;
	size_t i;

	json_array_foreach(json_object_get(s, "evaluations"), i, e)
		json_array_append_new(out, json_loads(json_string_value(json_object_get(e, "body")), 0, NULL));
	json_decref(s);
	return out;
}

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* Every service a resident can use ends on the evaluation, the keypad answers it, and the platform
 * holds each rating with the province's level code. Province B requires the item (impl_code): the
 * ratings of a query, a printing and the terminal name its registered self-service item. */
static void every_service(struct fixture *f, const char *file, const char *scheme, const char *const codes[5],
			  bool item_required)
{
	struct plat_proc p = { 0 };
	char extra[512];
	json_t *bodies, *b;
	size_t i, n_item = 0, n_service = 0;

	plat_proc_start(&p, 0, true);
	mapping(extra, sizeof(extra), file);
	strcat(extra, "docprint.latency_ms = 1000\n");
	conf_for(f, &p, extra);
	begin(f);
	apply(f);
	keypad_rates(f, 0);
	read_guide(f);
	keypad_rates(f, 1);
	/* 进度查询 by card */
	line(f, "tap tile.2");
	line(f, "expect QUERY");
	line(f, "dev idcard insert resident");
	line(f, "wait 3000");
	line(f, "expect PROGRESS");
	line(f, "sync 30");
	line(f, "tap footer.next");
	line(f, "expect EVAL");
	keypad_rates(f, 2);
	/* 证照打印: the list, then done */
	line(f, "tap tile.3");
	line(f, "expect CERTS_CARD");
	line(f, "dev idcard insert resident");
	line(f, "wait 3000");
	line(f, "expect CERTS");
	line(f, "sync 30");
	line(f, "tap footer.next");
	line(f, "expect EVAL");
	keypad_rates(f, 1);
	/* 自助评价 of the terminal */
	line(f, "tap tile.4");
	line(f, "expect RATE");
	line(f, "tap rate.terminal");
	line(f, "expect EVAL");
	keypad_rates(f, 0);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM evaluations"), 5);
	bodies = eval_bodies(&p);
	json_array_foreach(bodies, i, b) {
		int li = -1;
		const char *lv = str(b, "level");

		for (int j = 0; j < 5; j++)
			if (!strcmp(lv, (const char *[]){ "very_satisfied", "satisfied", "basic", "dissatisfied",
							  "very_dissatisfied" }[j]))
				li = j;
		assert_true(li >= 0);
		assert_string_equal(str(b, "level_code"), codes[li]);
		assert_string_equal(str(b, "level_scheme"), scheme);
		assert_string_equal(str(b, "channel"), "5");
		assert_string_equal(str(b, "origin"), "resident");
		if (str(b, "impl_code")[0])
			n_item++;
		if (!strcmp(str(b, "impl_code"), "113101150024182340431011500001"))
			n_service++;
	}
	/* The application and the guide name their item; with province B the other three its service item. */
	assert_int_equal(n_item, item_required ? 5 : 2);
	assert_int_equal(n_service, item_required ? 3 : 0);
	assert_int_equal(json_array_size(bodies), 5);
	assert_int_equal(db_int(f, "SELECT count(*) FROM outbox WHERE kind = 'eval' AND state = 'rejected'"), 0);
	json_decref(bodies);
	plat_proc_cleanup(&p);
}

static void test_every_service_province_a(void **state)
{
	static const char *const codes[5] = { "1", "2", "3", "4", "5" };

	every_service(*state, "province-a.conf", "gbt39046", codes, false);
}

static void test_every_service_province_b(void **state)
{
	static const char *const codes[5] = { "5", "4", "3", "2", "1" };

	every_service(*state, "province-b.conf", "ascending", codes, true);
}

/* A guide glanced at and left at once is not a service used; one read for 10 s is. */
static void test_guide(void **state)
{
	struct fixture *f = *state;

	write_conf(f, NULL);
	begin(f);
	line(f, "tap tile.1");
	line(f, "tap item.0");
	line(f, "expect GUIDE");
	line(f, "tap footer.back");
	line(f, "expect CATALOG");
	line(f, "tap footer.back");
	line(f, "expect HOME");
	line(f, "tap tile.1");
	line(f, "tap item.0");
	line(f, "wait 3000");
	line(f, "tap footer.back");
	line(f, "tap footer.back");
	line(f, "expect HOME");
	/* 返回首页 always goes home: a rating is voluntary. */
	line(f, "tap tile.1");
	line(f, "tap item.0");
	line(f, "wait 11000");
	line(f, "tap footer.home");
	line(f, "expect HOME");
	/* Read, then back to the catalog (still browsing), then home: rated. */
	line(f, "tap tile.1");
	line(f, "tap item.1");
	line(f, "wait 11000");
	line(f, "tap footer.back");
	line(f, "expect CATALOG");
	line(f, "tap footer.back");
	line(f, "expect EVAL");
	line(f, "expect-text 事项：");
	line(f, "tap level.4");
	line(f, "expect REASONS");
	line(f, "tap reason.0");
	line(f, "tap footer.next");
	line(f, "expect THANKS");
	assert_int_equal(run(f), 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM evaluations WHERE impl_code IS NOT NULL AND case_no IS "
				   "NULL AND level = 'very_dissatisfied'"),
			 1);
}

/* The terminal itself is rated without a platform: stored and queued. */
static void test_terminal_offline(void **state)
{
	struct fixture *f = *state;

	write_conf(f, "platform.url = http://127.0.0.1:9/\n");
	begin(f);
	line(f, "tap tile.4");
	line(f, "expect RATE");
	line(f, "tap rate.terminal");
	line(f, "expect-text 本自助终端和服务大厅");
	line(f, "tap level.1");
	line(f, "expect THANKS");
	/* 追评 while the platform is away: a clear word, this terminal's cases only. */
	line(f, "tap footer.next");
	line(f, "tap tile.4");
	line(f, "tap rate.followup");
	line(f, "expect FOLLOW_FIND");
	line(f, "dev idcard insert resident");
	line(f, "wait 3000");
	line(f, "expect FOLLOW_CASES");
	line(f, "sync 2");
	line(f, "expect-text 暂时无法连接政务服务平台");
	assert_int_equal(run(f), 3); /* sync cannot empty the outbox */
	assert_int_equal(db_int(f, "SELECT count(*) FROM evaluations WHERE case_no IS NULL AND level = 'satisfied'"),
			 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM outbox WHERE kind = 'eval' AND state = 'pending'"), 1);
}

/* 追评 by the receipt's query code: the platform learns it follows that case, and only one per case. */
static void test_followup(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = { 0 };
	char code[16] = "", case_no[40] = "";
	json_t *bodies, *b;
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[256];

	plat_proc_start(&p, 0, false);
	conf_for(f, &p, NULL);
	begin(f);
	apply(f);
	keypad_rates(f, 0);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	snprintf(path, sizeof(path), "%s/kiosk.db", f->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT query_code, case_no FROM cases", -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(code, sizeof(code), "%s", sqlite3_column_text(st, 0));
	snprintf(case_no, sizeof(case_no), "%s", sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	sqlite3_close(db);

	begin(f);
	line(f, "tap tile.4");
	line(f, "tap rate.followup");
	line(f, "expect FOLLOW_FIND");
	for (const char *c = code; *c; c++)
		line(f, "tap key.%c", *c);
	line(f, "tap footer.next");
	line(f, "expect FOLLOW_CASES");
	line(f, "sync 30");
	line(f, "tap case.0");
	line(f, "expect EVAL");
	line(f, "expect-text 追评");
	line(f, "tap level.3");
	line(f, "tap reason.1");
	line(f, "tap footer.next");
	line(f, "expect THANKS");
	/* Nothing was printed for a follow-up: the screen does not send the resident looking for a receipt. */
	line(f, "expect-text 追评已提交");
	line(f, "expect-no-text 受理回执");
	line(f, "tap footer.next");
	line(f, "expect HOME");
	line(f, "sync 30");
	/* A second follow-up of the same case is refused with the reason. */
	line(f, "tap tile.4");
	line(f, "tap rate.followup");
	for (const char *c = code; *c; c++)
		line(f, "tap key.%c", *c);
	line(f, "tap footer.next");
	line(f, "sync 30");
	line(f, "expect-text 已追评");
	line(f, "tap case.0");
	line(f, "expect FOLLOW_CASES");
	line(f, "expect-text 每件办件只能追评一次");
	assert_int_equal(run(f), 0);
	bodies = eval_bodies(&p);
	assert_int_equal(json_array_size(bodies), 2);
	b = json_array_get(bodies, 1);
	assert_true(json_is_true(json_object_get(b, "followup")));
	assert_string_equal(str(b, "follow_up_of"), case_no);
	assert_string_equal(str(b, "case_no"), case_no);
	assert_string_equal(str(b, "level"), "dissatisfied");
	assert_true(str(b, "platform_no")[0] != 0);
	assert_false(json_is_true(json_object_get(json_array_get(bodies, 0), "followup")));
	json_decref(bodies);
	plat_proc_cleanup(&p);
}

/* Province B: a case not rated within 7 calendar days counts as 非常满意, once, marked as a default; a
 * case the resident rated never gets one. Province A (0 days): never. */
static void test_default_after_days(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = { 0 };
	char extra[512];
	json_t *bodies, *b;
	size_t i, n_default = 0;

	plat_proc_start(&p, 0, false);
	mapping(extra, sizeof(extra), "province-b.conf");
	conf_for(f, &p, extra);
	begin(f);
	apply(f); /* the first case: left unrated */
	line(f, "tap footer.home");
	line(f, "expect HOME");
	apply(f); /* the second: rated */
	keypad_rates(f, 1);
	line(f, "sync 60");
	/* 09:30 on the 23rd: the 29th is day 6, nothing yet; the 30th at 00:00 is day 7. */
	line(f, "wait %lld", 6LL * 86400000);
	line(f, "sync 30");
	assert_int_equal(run(f), 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM evaluations WHERE origin = 'default'"), 0);
	/* Each run starts on the script's day again: these 7 days are counted from the acceptance. */
	begin(f);
	line(f, "wait %lld", 7LL * 86400000);
	line(f, "sync 30");
	assert_int_equal(run(f), 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM evaluations WHERE origin = 'default'"), 1);
	/* Restarted, and days later: still exactly one. */
	begin(f);
	line(f, "wait %lld", 10LL * 86400000);
	line(f, "sync 30");
	assert_int_equal(run(f), 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM evaluations WHERE origin = 'default'"), 1);
	assert_int_equal(db_int(f, "SELECT count(*) FROM evaluations e JOIN cases c ON c.case_no = e.case_no "
				   "WHERE e.origin = 'default' AND c.id = (SELECT min(id) FROM cases)"),
			 1);
	bodies = eval_bodies(&p);
	assert_int_equal(json_array_size(bodies), 2);
	json_array_foreach(bodies, i, b) {
		if (strcmp(str(b, "origin"), "default") != 0)
			continue;
		n_default++;
		assert_string_equal(str(b, "level"), "very_satisfied");
		assert_string_equal(str(b, "level_code"), "5");
		assert_false(json_is_true(json_object_get(b, "named")));
	}
	assert_int_equal(n_default, 1);
	json_decref(bodies);
	plat_proc_cleanup(&p);
}

static void test_no_default_when_zero(void **state)
{
	struct fixture *f = *state;
	char extra[512];

	mapping(extra, sizeof(extra), "province-a.conf");
	write_conf(f, extra);
	begin(f);
	apply(f);
	line(f, "tap footer.home");
	line(f, "wait %lld", 30LL * 86400000);
	assert_int_equal(run(f), 0);
	assert_int_equal(db_int(f, "SELECT count(*) FROM evaluations"), 0);
}

/* kill -9 right after the evaluation is stored, before any sync: after a restart with the platform
 * up it holds that evaluation exactly once, with the province's codes. */
static void test_killed_after_rating(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = { 0 };
	struct timespec tick = { 0, 20 * 1000000L };
	char extra[512];
	json_t *bodies, *b;
	pid_t pid;
	int status, i;

	plat_proc_start(&p, 0, false);
	plat_proc_stop(&p); /* its port stays the kiosk's platform: nothing can be delivered yet */
	mapping(extra, sizeof(extra), "province-b.conf");
	conf_for(f, &p, extra);
	begin(f);
	apply(f);
	line(f, "tap level.4");
	line(f, "tap reason.2");
	line(f, "tap footer.next");
	line(f, "expect THANKS");
	line(f, "sync 600");
	fclose(f->s);
	f->s = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* The child's output goes to its log, never to the test's. */
		if (!freopen(f->log, "w", stderr) || !freopen("/dev/null", "w", stdout))
			_exit(126);
		setenv("SDL_VIDEODRIVER", "offscreen", 1);
		setenv("KIOSK_LOG", "info", 1);
		execl(KIOSK_BIN, KIOSK_BIN, "--config", f->conf, "--data", f->data, "--script", f->script,
		      (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 1500 && db_int(f, "SELECT count(*) FROM evaluations") != 1; i++) {
		assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
		nanosleep(&tick, NULL);
	}
	assert_true(i < 1500);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(db_int(f, "SELECT count(*) FROM outbox WHERE kind = 'eval' AND state = 'acked'"), 0);

	plat_proc_start(&p, p.port, false);
	begin(f);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	/* And once more: nothing is sent twice. */
	begin(f);
	line(f, "sync 10");
	assert_int_equal(run(f), 0);
	bodies = eval_bodies(&p);
	assert_int_equal(json_array_size(bodies), 1);
	b = json_array_get(bodies, 0);
	assert_string_equal(str(b, "level"), "very_dissatisfied");
	assert_string_equal(str(b, "level_code"), "1");
	assert_string_equal(str(b, "level_scheme"), "ascending");
	assert_string_equal(json_string_value(json_array_get(json_object_get(b, "reasons"), 0)), "B-201");
	assert_string_equal(str(b, "reasons_version"), "B-v3");
	json_decref(bodies);
	plat_proc_cleanup(&p);
}

/* The platform's versioned reason list replaces the mapping's once fetched, per bad level, and its
 * version goes with the rating; it is kept across a restart with the platform away. */
static void test_reason_list(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = { 0 };
	json_t *bodies, *b;

	plat_proc_start(&p, 0, false);
	plat_proc_admin(&p, "/admin/eval-reasons",
			"{\"scheme\":\"gbt39046\",\"version\":\"P-2026.2\",\"reasons\":["
			"{\"code\":\"P01\",\"text\":\"平台原因一\",\"levels\":[\"dissatisfied\"]},"
			"{\"code\":\"P02\",\"text\":\"平台原因二\",\"levels\":[\"very_dissatisfied\"]}]}");
	conf_for(f, &p, NULL);
	begin(f);
	apply(f);
	keypad_rates(f, 0);
	line(f, "sync 60");
	apply(f);
	line(f, "tap level.3");
	line(f, "expect REASONS");
	line(f, "expect-text 平台原因一");
	line(f, "expect-no-text 平台原因二");
	line(f, "tap reason.0");
	line(f, "tap footer.next");
	line(f, "expect THANKS");
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	bodies = eval_bodies(&p);
	assert_int_equal(json_array_size(bodies), 2);
	b = json_array_get(bodies, 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(b, "reasons"), 0)), "P01");
	assert_string_equal(str(b, "reasons_version"), "P-2026.2");
	json_decref(bodies);
	/* Restarted without the platform: the stored list, not the built-in one. */
	plat_proc_stop(&p);
	begin(f);
	apply(f);
	line(f, "tap level.4");
	line(f, "expect-text 平台原因二");
	line(f, "expect-no-text 平台原因一");
	assert_int_equal(run(f), 0);
	plat_proc_cleanup(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_guide, setup, teardown),
		cmocka_unit_test_setup_teardown(test_terminal_offline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_default_when_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_followup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_default_after_days, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_after_rating, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reason_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_service_province_a, setup, teardown),
		cmocka_unit_test_setup_teardown(test_every_service_province_b, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
