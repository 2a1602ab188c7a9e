/* Sync tests: the real kiosk, headless on its script clock, against the reference platform on a
 * free loopback port. What the resident was told was stored must be at the platform exactly once,
 * pages byte-identical by SHA-256: with the platform up, after it was down, under each fault
 * switch, after the kiosk was killed mid-upload, and over TLS with client certificates. */
#include <curl/curl.h>
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

/* Small chunks so every page takes several PATCHes: resuming is exercised, not assumed. */
#define SYNC_CONF \
	"platform.chunk_kb = 8\nplatform.backoff_base_ms = 200\nplatform.backoff_cap_s = 5\n"

static void conf_for(struct fixture *f, struct plat_proc *p, const char *extra)
{
	char conf[1024], ca[128], cert[128], key[128];

	snprintf(conf, sizeof(conf), "platform.url = %s\n%s%s", p->url, SYNC_CONF,
		 extra ? extra : "");
	if (p->tls)
		snprintf(conf + strlen(conf), sizeof(conf) - strlen(conf),
			 "platform.ca = %s\nplatform.cert = %s\nplatform.key = %s\n",
			 plat_proc_path(p, "pki/ca.pem", ca, sizeof(ca)),
			 plat_proc_path(p, "pki/client.pem", cert, sizeof(cert)),
			 plat_proc_path(p, "pki/client.key", key, sizeof(key)));
	write_conf(f, conf);
}

struct local {
	int cases, evals, pending, acked;
	int pages;
	char sha[32][65]; /* of every page, in case, material and page order */
	char type[32][24]; /* and its type: a material the platform takes as PDF is one */
	char case_no[8][40];
};

static void local_state(struct fixture *f, struct local *l)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char path[256];

	memset(l, 0, sizeof(*l));
	snprintf(path, sizeof(path), "%s/kiosk.db", f->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM "
				   "evaluations), (SELECT count(*) FROM outbox WHERE state IN "
				   "('pending', 'sending')), (SELECT count(*) FROM outbox WHERE "
				   "state = 'acked')",
				   -1, &st, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	l->cases = sqlite3_column_int(st, 0);
	l->evals = sqlite3_column_int(st, 1);
	l->pending = sqlite3_column_int(st, 2);
	l->acked = sqlite3_column_int(st, 3);
	sqlite3_finalize(st);
	assert_int_equal(
		sqlite3_prepare_v2(db,
				   "SELECT p.sha256, p.media_type FROM pages p JOIN materials m ON m.id = "
				   "p.material_id ORDER BY m.case_id, m.ord, p.ord",
				   -1, &st, NULL),
		SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW && l->pages < 32) {
		snprintf(l->type[l->pages], sizeof(l->type[0]), "%s", sqlite3_column_text(st, 1));
		snprintf(l->sha[l->pages++], 65, "%s", sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	assert_int_equal(
		sqlite3_prepare_v2(db, "SELECT case_no FROM cases ORDER BY id", -1, &st, NULL),
		SQLITE_OK);
	for (int i = 0; i < 8 && sqlite3_step(st) == SQLITE_ROW; i++)
		snprintf(l->case_no[i], 40, "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The platform holds exactly the terminal's cases, each once, every page whole and identical, and
 * exactly the terminal's evaluations. */
static void expect_exactly_once(struct fixture *f, struct plat_proc *p)
{
	json_t *s = plat_proc_state(p), *cases = json_object_get(s, "cases"), *c, *m, *pg;
	struct local l;
	size_t i, j, k;
	int page = 0;

	local_state(f, &l);
	assert_int_equal(l.pending, 0);
	assert_int_equal(l.acked, l.cases + l.evals);
	assert_int_equal(json_array_size(cases), (size_t)l.cases);
	json_array_foreach(cases, i, c)
	{
		assert_string_equal(json_string_value(json_object_get(c, "case_no")), l.case_no[i]);
		json_array_foreach(json_object_get(c, "materials"), j, m)
		{
			json_array_foreach(json_object_get(m, "pages"), k, pg)
			{
				assert_true(json_is_true(json_object_get(pg, "complete")));
				assert_true(page < l.pages);
				assert_string_equal(
					json_string_value(json_object_get(pg, "sha256")),
					l.sha[page]);
				assert_string_equal(json_string_value(json_object_get(pg, "type")), l.type[page]);
				page++;
			}
		}
	}
	assert_int_equal(page, l.pages);
	assert_int_equal(json_array_size(json_object_get(s, "evaluations")), (size_t)l.evals);
	json_decref(s);
}

static void test_delivered_as_submitted(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0};
	json_t *s, *e;
	const char *body;

	plat_proc_start(&p, 0, false);
	conf_for(f, &p, NULL);
	begin(f);
	apply_and_rate(f, 1);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	expect_exactly_once(f, &p);
	/* The level by name and the province's code for it, 满意 = 2 in GB/T 39046. */
	s = plat_proc_state(&p);
	e = json_array_get(json_object_get(s, "evaluations"), 0);
	body = json_string_value(json_object_get(e, "body"));
	assert_non_null(body);
	assert_non_null(strstr(body, "\"level\":\"satisfied\""));
	assert_non_null(strstr(body, "\"level_code\":\"2\""));
	assert_true(json_integer_value(json_object_get(s, "heartbeats")) >= 1);
	json_decref(s);
	plat_proc_cleanup(&p);
}

static void test_queued_while_down_then_delivered(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0};
	struct local l;
	unsigned port;

	/* Learn a free port, then take the platform away. */
	plat_proc_start(&p, 0, false);
	port = p.port;
	plat_proc_stop(&p);
	conf_for(f, &p, NULL);
	begin(f);
	apply_and_rate(f, 0);
	apply_and_rate(f, 0);
	line(f, "wait 60000");
	assert_int_equal(run(f), 0);
	local_state(f, &l);
	assert_int_equal(l.cases, 2);
	assert_int_equal(l.pending, 4);
	assert_true(log_has(f, "platform unreachable") || log_has(f, "next try in"));
	/* Back on the same port with the same database: the next run delivers everything once. */
	plat_proc_start(&p, port, false);
	begin(f);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	expect_exactly_once(f, &p);
	plat_proc_cleanup(&p);
}

static void under_fault(struct fixture *f, const char *faults)
{
	struct plat_proc p = {0};

	plat_proc_start(&p, 0, false);
	plat_proc_admin(&p, "/admin/faults", faults);
	conf_for(f, &p, NULL);
	begin(f);
	apply_and_rate(f, 0);
	line(f, "sync 90");
	assert_int_equal(run(f), 0);
	expect_exactly_once(f, &p);
	plat_proc_cleanup(&p);
}

static void test_fault_500(void **state)
{
	under_fault(*state, "{\"fail_500\": 6}");
}

static void test_fault_drop_mid_body(void **state)
{
	under_fault(*state, "{\"drop_mid_body\": 6}");
}

static void test_fault_lost_response(void **state)
{
	under_fault(*state, "{\"lose_response\": 6}");
}

static void test_fault_slow(void **state)
{
	under_fault(*state, "{\"slow_ms\": 50}");
}

/* Some page of some case is partly at the platform. */
static bool partly_uploaded(struct plat_proc *p)
{
	json_t *s = plat_proc_state(p), *c, *m, *pg;
	size_t i, j, k;
	bool partly = false;

	json_array_foreach(json_object_get(s, "cases"), i, c)
	{
		json_array_foreach(json_object_get(c, "materials"), j, m)
		{
			json_array_foreach(json_object_get(m, "pages"), k, pg)
			{
				json_int_t off = json_integer_value(json_object_get(pg, "offset"));

				if (off > 0 && !json_is_true(json_object_get(pg, "complete")))
					partly = true;
			}
		}
	}
	json_decref(s);
	return partly;
}

static void test_killed_mid_upload(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0};
	struct timespec tick = {0, 20 * 1000000L};
	char cmd[1024];
	pid_t pid;
	int status, i;

	plat_proc_start(&p, 0, false);
	plat_proc_admin(&p, "/admin/faults", "{\"slow_ms\": 150}");
	conf_for(f, &p, NULL);
	begin(f);
	apply_and_rate(f, 0);
	line(f, "sync 120");
	fclose(f->s);
	f->s = NULL;
	snprintf(cmd, sizeof(cmd), "%s", f->log);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		FILE *log = freopen(cmd, "w", stderr);

		(void)log;
		setenv("SDL_VIDEODRIVER", "offscreen", 1);
		setenv("KIOSK_LOG", "info", 1);
		execl(KIOSK_BIN, KIOSK_BIN, "--config", f->conf, "--data", f->data, "--script",
		      f->script, (char *)NULL);
		_exit(127);
	}
	/* A bounded poll of the platform while the child uploads; kill it halfway through a page.
	 */
	for (i = 0; i < 1500 && !partly_uploaded(&p); i++) {
		assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
		nanosleep(&tick, NULL);
	}
	assert_true(i < 1500);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	assert_true(WIFSIGNALED(status));
	plat_proc_admin(&p, "/admin/faults", "{\"slow_ms\": 0}");
	/* Restarted: it resumes from the platform's offset and ends with one copy of everything. */
	begin(f);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	expect_exactly_once(f, &p);
	assert_true(log_has(f, "delivered"));
	plat_proc_cleanup(&p);
}

static void test_progress_query(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0};
	json_t *s;
	char body[256], path[160], code[16] = "";
	sqlite3 *db;
	sqlite3_stmt *st;

	plat_proc_start(&p, 0, false);
	conf_for(f, &p, NULL);
	begin(f);
	apply_and_rate(f, 0);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	s = plat_proc_state(&p);
	snprintf(path, sizeof(path), "/admin/cases/%s/status",
		 json_string_value(json_object_get(json_array_get(json_object_get(s, "cases"), 0),
						   "platform_no")));
	json_decref(s);
	/* The platform moves the case on and says the promised date is tomorrow: near. */
	snprintf(body, sizeof(body),
		 "{\"status\": \"processing\", \"status_text\": \"窗口审核中\", "
		 "\"promised_date\": \"20261124\"}");
	plat_proc_admin(&p, path, body);

	/* By card: local state at once, then the platform's. */
	begin(f);
	line(f, "tap tile.2");
	line(f, "expect QUERY");
	line(f, "dev idcard insert resident");
	line(f, "wait 3000");
	line(f, "expect PROGRESS");
	line(f, "sync 30");
	line(f, "expect-text 办理中：窗口审核中");
	line(f, "expect-text 即将到期");
	/* The query is a service too: it ends on the evaluation. */
	line(f, "tap footer.next");
	line(f, "expect EVAL");
	line(f, "tap level.0");
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);

	/* By query code, with the platform down: this terminal's records and the platform's last
	 * word. */
	snprintf(path, sizeof(path), "%s/kiosk.db", f->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT query_code FROM cases", -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(code, sizeof(code), "%s", sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	plat_proc_stop(&p);
	begin(f);
	line(f, "tap tile.2");
	line(f, "tap footer.next");
	line(f, "expect-text 查询码是8位");
	for (const char *c = code; *c; c++)
		line(f, "tap key.%c", *c);
	line(f, "tap footer.next");
	line(f, "expect PROGRESS");
	line(f, "sync 30");
	line(f, "expect-text 暂时无法连接政务服务平台");
	line(f, "expect-text 办理中：窗口审核中");
	assert_int_equal(run(f), 0);
	plat_proc_cleanup(&p);
}

static void test_tls_with_client_certificate(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0};

	plat_proc_start(&p, 0, true);
	conf_for(f, &p, NULL);
	begin(f);
	apply_and_rate(f, 2);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	expect_exactly_once(f, &p);
	plat_proc_cleanup(&p);
}

static void test_tls_wrong_ca_delivers_nothing(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0};
	struct local l;
	json_t *s;

	plat_proc_start(&p, 0, true);
	/* The system store does not know the test CA: the platform's certificate is not trusted. */
	p.tls = false;
	conf_for(f, &p, "platform.ca = /etc/ssl/certs/ca-certificates.crt\n");
	begin(f);
	apply_and_rate(f, 0);
	line(f, "sync 2");
	assert_int_equal(run(f), 3);
	assert_true(log_has(f, "certificate") || log_has(f, "SSL"));
	local_state(f, &l);
	assert_int_equal(l.pending, 2);
	p.tls = true;
	s = plat_proc_state(&p);
	assert_int_equal(json_array_size(json_object_get(s, "cases")), 0);
	json_decref(s);
	plat_proc_cleanup(&p);
}

/* Each sample province's mapping gives that province's exact codes at the platform, the reasons
 * shown are the province's, and the bad rating is flagged in a heartbeat for the call back. */
static void province(struct fixture *f, const char *file, const char *reason_label,
		     const char *code, const char *scheme, const char *reason, const char *days)
{
	struct plat_proc p = {0};
	char extra[512];
	json_t *s, *e, *body, *flag;

	plat_proc_start(&p, 0, false);
	snprintf(extra, sizeof(extra), "eval.mapping = %s/assets/eval/%s\n", SRCDIR, file);
	conf_for(f, &p, extra);
	begin(f);
	{
		const struct catalog_item *it = item_where(f, has_scan);

		to_form(f, it, "resident");
		scan_materials(f, it, all);
	}
	line(f, "tap footer.next");
	finish_with_rating(f, 3);
	line(f, "expect REASONS");
	line(f, "expect-text %s", reason_label);
	line(f, "tap reason.0");
	line(f, "tap footer.next");
	line(f, "expect THANKS");
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	expect_exactly_once(f, &p);
	s = plat_proc_state(&p);
	e = json_array_get(json_object_get(s, "evaluations"), 0);
	body = json_loads(json_string_value(json_object_get(e, "body")), 0, NULL);
	assert_non_null(body);
	assert_string_equal(json_string_value(json_object_get(body, "level")), "dissatisfied");
	assert_string_equal(json_string_value(json_object_get(body, "level_code")), code);
	assert_string_equal(json_string_value(json_object_get(body, "level_scheme")), scheme);
	assert_string_equal(json_string_value(json_array_get(json_object_get(body, "reasons"), 0)),
			    reason);
	assert_string_equal(json_string_value(json_object_get(json_object_get(body, "deadlines"),
							      "days")),
			    days);
	flag = json_array_get(json_object_get(s, "bad_ratings"), 0);
	assert_non_null(flag);
	assert_int_equal(json_array_size(json_object_get(s, "bad_ratings")), 1);
	assert_string_equal(json_string_value(json_object_get(flag, "level")), "dissatisfied");
	assert_non_null(strstr(json_string_value(json_object_get(flag, "reasons")), reason));
	json_decref(body);
	json_decref(s);
	plat_proc_cleanup(&p);
}

static void test_province_a(void **state)
{
	province(*state, "province-a.conf", "办事指南看不懂", "4", "gbt39046", "A01", "calendar");
}

static void test_province_b(void **state)
{
	province(*state, "province-b.conf", "等候时间过长", "2", "ascending", "B-101", "working");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_delivered_as_submitted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queued_while_down_then_delivered, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_500, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_drop_mid_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_lost_response, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fault_slow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killed_mid_upload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress_query, setup, teardown),
		cmocka_unit_test_setup_teardown(test_province_a, setup, teardown),
		cmocka_unit_test_setup_teardown(test_province_b, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_with_client_certificate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_wrong_ca_delivers_nothing, setup,
						teardown),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	/* TEST_FILTER=test_fault_* runs some of them, when looking into one. */
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
