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
#include "tests/support/fault_proxy.h"
#include "tests/support/journey_script.h"
#include "tests/support/plat_proc.h"

/* Small chunks so every page takes several PATCHes: resuming is exercised, not assumed. */
#define SYNC_CONF \
	"platform.chunk_kb = 8\nplatform.backoff_base_ms = 200\nplatform.backoff_cap_s = 5\n"

static void conf_with_url(struct fixture *f, const char *url, const char *extra)
{
	char conf[4096];

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
	assert_int_equal(
		sqlite3_prepare_v2(db, "SELECT idempotency_key FROM outbox WHERE kind = 'case'", -1,
				   &st, NULL),
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

/* The platform behind a fault proxy, the kiosk configured to reach it through the proxy. */
struct rig {
	struct plat_proc plat;
	struct fault_proxy *proxy;
	char url[64];
};

static void rig_start(struct rig *r, struct fixture *f, const char *extra)
{
	struct fault_proxy_config pc = {.seed = 8};

	memset(r, 0, sizeof(*r));
	plat_proc_start(&r->plat, 0, false);
	pc.upstream_port = r->plat.port;
	assert_int_equal(fault_proxy_start(&pc, &r->proxy), KERR_OK);
	snprintf(r->url, sizeof(r->url), "http://127.0.0.1:%u", fault_proxy_port(r->proxy));
	conf_with_url(f, r->url, extra);
}

static void rig_stop(struct rig *r)
{
	fault_proxy_stop(r->proxy);
	plat_proc_cleanup(&r->plat);
}

/* One journey, the given faults on the next connections, sync until the outbox is empty: the
 * platform holds the case and its evaluation exactly once. */
static void through(struct fixture *f, const struct fault_proxy_fault *faults, int n,
		    const char *extra)
{
	struct fault_proxy_stats st;
	struct rig r;

	rig_start(&r, f, extra);
	for (int i = 0; i < n; i++)
		fault_proxy_push(r.proxy, &faults[i], 1);
	begin(f);
	journey(f, 0);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	fault_proxy_get_stats(r.proxy, &st);
	assert_int_equal(fault_proxy_planned(r.proxy), 0);
	assert_int_equal(st.faults, n);
	expect_clean(f, &r.plat, 2);
	rig_stop(&r);
}

static void test_reset_client_to_platform(void **state)
{
	const struct fault_proxy_fault faults[] = {
		{FAULT_PROXY_RESET_UP, 0},     {FAULT_PROXY_RESET_UP, 150},
		{FAULT_PROXY_RESET_UP, 1200},  {FAULT_PROXY_RESET_UP, 9000},
		{FAULT_PROXY_RESET_UP, 30000},
	};

	through(*state, faults, 5, NULL);
}

static void test_reset_platform_to_client(void **state)
{
	const struct fault_proxy_fault faults[] = {
		{FAULT_PROXY_RESET_DOWN, 0},
		{FAULT_PROXY_RESET_DOWN, 20},
		{FAULT_PROXY_RESET_DOWN, 200},
		{FAULT_PROXY_RESET_DOWN, 700},
	};

	through(*state, faults, 4, NULL);
}

/* The platform commits, the answer never reaches the terminal: the retry under the same key is
 * replayed and nothing is created twice. */
static void test_committed_reply_lost(void **state)
{
	struct fixture *f = *state;
	const struct fault_proxy_fault faults[] = {
		{FAULT_PROXY_LOSE_REPLY, 1},
		{FAULT_PROXY_LOSE_REPLY, 2},
		{FAULT_PROXY_LOSE_REPLY, 3},
		{FAULT_PROXY_LOSE_REPLY, 1},
	};
	struct rig rig;

	rig_start(&rig, f, NULL);
	for (int i = 0; i < 4; i++)
		fault_proxy_push(rig.proxy, &faults[i], 1);
	begin(f);
	journey(f, 0);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	expect_clean(f, &rig.plat, 2);
	assert_int_equal(fault_proxy_planned(rig.proxy), 0);
	rig_stop(&rig);
}

static void test_slow_and_narrow_link(void **state)
{
	struct fixture *f = *state;
	struct rig r;

	rig_start(&r, f, NULL);
	fault_proxy_shape(r.proxy, 5, 512 * 1024);
	begin(f);
	journey(f, 0);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	expect_clean(f, &r.plat, 2);
	rig_stop(&r);
}

/* A link that accepts and then says nothing: given up after platform.stall_s, retried, and
 * delivered once the link is back. */
static void test_stalled_link_retried(void **state)
{
	struct fixture *f = *state;
	const struct fault_proxy_fault stall = {FAULT_PROXY_STALL, 0};
	struct rig r;

	rig_start(&r, f, "platform.stall_s = 1\n");
	fault_proxy_push(r.proxy, &stall, 2);
	begin(f);
	journey(f, 0);
	line(f, "sync 30");
	assert_int_equal(run(f), 0);
	assert_int_equal(fault_proxy_planned(r.proxy), 0);
	assert_true(log_has(f, "stalled"));
	expect_clean(f, &r.plat, 2);
	rig_stop(&r);
}

/* Bytes the kiosk sent through a proxy for one journey, faults or none. */
static int64_t bytes_for(struct fixture *f, const struct fault_proxy_fault *fault)
{
	struct fault_proxy_stats st;
	struct rig r;

	rig_start(&r, f, NULL);
	if (fault)
		fault_proxy_push(r.proxy, fault, 1);
	begin(f);
	journey(f, 0);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	expect_clean(f, &r.plat, 2);
	fault_proxy_get_stats(r.proxy, &st);
	rig_stop(&r);
	return st.bytes_up;
}

/* A page cut off mid-chunk resumes from the platform's offset: what is sent in all exceeds a
 * clean run by at most the chunk that was cut and a few requests' headers, where starting the
 * page over would resend everything acknowledged before the cut. */
static void test_page_resumes_where_it_stopped(void **state)
{
	struct fixture *f = *state, *g;
	const int64_t cut = 8 * 1024 * 4 + 3000; /* within the fifth chunk of the first page */
	const struct fault_proxy_fault fault = {FAULT_PROXY_RESET_UP, cut};
	int64_t clean, faulted;

	clean = bytes_for(f, NULL);
	assert_int_equal(setup((void **)&g), 0);
	faulted = bytes_for(g, &fault);
	assert_int_equal(teardown((void **)&g), 0);
	assert_true(clean > cut + 8192);
	if (faulted - clean > 8192 + 4096 || faulted < clean)
		fail_msg("a clean run sent %lld bytes, one cut at %lld sent %lld", (long long)clean,
			 (long long)cut, (long long)faulted);
}

/* Seeded random faults on a share of connections: SOAK_FAULTS=N asks for N of them (the soak);
 * make check takes a handful. */
static void test_random_faults(void **state)
{
	struct fixture *f = *state;
	const char *env = getenv("SOAK_FAULTS");
	int want = env ? atoi(env) : 6, journeys = 0;
	struct fault_proxy_stats st;
	struct rig r;

	rig_start(&r, f, "platform.stall_s = 1\n");
	fault_proxy_random(r.proxy, 80, 60000, 0);
	do {
		begin(f);
		journey(f, journeys % 3);
		line(f, "sync 120");
		assert_int_equal(run(f), 0);
		journeys++;
		fault_proxy_get_stats(r.proxy, &st);
	} while (st.faults < want);
	fault_proxy_random(r.proxy, 0, 0, 0);
	expect_clean(f, &r.plat, 2 * journeys);
	printf("delivery faults: %d journeys, %d connections, %d faults (reset-up %d, reset-down "
	       "%d, "
	       "lose-reply %d), lost 0, unexpected 0, duplicated 0\n",
	       journeys, st.connections, st.faults, st.by_kind[FAULT_PROXY_RESET_UP],
	       st.by_kind[FAULT_PROXY_RESET_DOWN], st.by_kind[FAULT_PROXY_LOSE_REPLY]);
	rig_stop(&r);
}

/* TLS settings for the platform's test PKI, with extra lines. */
static void conf_tls(struct fixture *f, struct plat_proc *p, const char *ca, const char *extra)
{
	char conf[1536], ca_def[128], cert[128], key[128];

	snprintf(conf, sizeof(conf), "platform.ca = %s\nplatform.cert = %s\nplatform.key = %s\n%s",
		 ca ? ca : plat_proc_path(p, "pki/ca.pem", ca_def, sizeof(ca_def)),
		 plat_proc_path(p, "pki/client.pem", cert, sizeof(cert)),
		 plat_proc_path(p, "pki/client.key", key, sizeof(key)), extra ? extra : "");
	conf_with_url(f, p->url, conf);
}

/* sha256//BASE64 of the platform's public key, as an operator makes it with openssl. */
static void server_pin(struct plat_proc *p, char *pin, size_t n)
{
	char cmd[512], pem[128];
	FILE *o;

	snprintf(cmd, sizeof(cmd),
		 "openssl x509 -in '%s' -pubkey -noout | openssl pkey -pubin -outform der | "
		 "openssl dgst -sha256 -binary | base64",
		 plat_proc_path(p, "pki/server.pem", pem, sizeof(pem)));
	o = popen(cmd, "r");
	assert_non_null(o);
	strcpy(pin, "sha256//");
	assert_non_null(fgets(pin + 8, (int)n - 8, o));
	pin[strcspn(pin, "\n")] = 0;
	assert_int_equal(pclose(o), 0);
	assert_int_equal(strlen(pin), 52);
}

static int held_cases(struct plat_proc *p)
{
	json_t *s = plat_proc_state(p);
	int n = (int)json_array_size(json_object_get(s, "cases"));

	json_decref(s);
	return n;
}

static void test_tls_pinned_key(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0};
	char pin[128], extra[256];

	plat_proc_start(&p, 0, true);
	server_pin(&p, pin, sizeof(pin));
	/* The right key among two, as before a key rotation. */
	snprintf(extra, sizeof(extra),
		 "platform.pin = sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=;%s\n", pin);
	conf_tls(f, &p, NULL, extra);
	begin(f);
	journey(f, 0);
	line(f, "sync 60");
	assert_int_equal(run(f), 0);
	p.tls = false; /* the checker's own calls: verified against the CA, no client certificate */
	{
		struct deliver_report r;
		char ca[128];

		assert_int_equal(deliver_check(f->data, NULL, p.url,
					       plat_proc_path(&p, "pki/ca.pem", ca, sizeof(ca)),
					       &r),
				 KERR_OK);
		assert_int_equal(r.held, 2);
		assert_int_equal(r.lost + r.unexpected + r.duplicated, 0);
	}
	p.tls = true;
	plat_proc_cleanup(&p);
}

static void test_tls_wrong_pin_refused(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0};

	plat_proc_start(&p, 0, true);
	conf_tls(f, &p, NULL,
		 "platform.pin = sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	begin(f);
	journey(f, 0);
	line(f, "sync 2");
	assert_int_equal(run(f), 3);
	assert_true(log_has(f, "public key does not match platform.pin"));
	assert_int_equal(held_cases(&p), 0);
	plat_proc_cleanup(&p);
}

static void test_tls_wrong_ca_refused(void **state)
{
	struct fixture *f = *state;
	struct plat_proc p = {0};

	plat_proc_start(&p, 0, true);
	conf_tls(f, &p, "/etc/ssl/certs/ca-certificates.crt", NULL);
	begin(f);
	journey(f, 0);
	line(f, "sync 2");
	assert_int_equal(run(f), 3);
	assert_true(log_has(f, "certificate is not trusted (check platform.ca"));
	assert_int_equal(held_cases(&p), 0);
	plat_proc_cleanup(&p);
}

static void test_bad_pin_stops_the_kiosk(void **state)
{
	struct fixture *f = *state;

	conf_with_url(f, "https://127.0.0.1:1", "platform.pin = sha256:notapin\n");
	begin(f);
	line(f, "expect HOME");
	assert_int_not_equal(run(f), 0);
	assert_true(log_has(f, "platform.pin"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_checker_sees_each_finding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_client_to_platform, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_platform_to_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_committed_reply_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_slow_and_narrow_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stalled_link_retried, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_resumes_where_it_stopped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_random_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_pinned_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_wrong_pin_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tls_wrong_ca_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_pin_stops_the_kiosk, setup, teardown),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
