/* Clock faults: the RTC reset to 2000-01-01 and stepped by hours while the uplink backs off and
 * while a resident's idle timer runs. Deadlines are on the monotonic clock, so neither stalls nor
 * floods the queue nor cuts a session short. Scripted runs step the virtual clock's wall time
 * alone; one run puts the real kiosk binary, on its real clock, under libfaketime. */
#include <curl/curl.h>
#include <jansson.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/support/deliver_check.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/journey_script.h"
#include "tests/support/plat_proc.h"

#define SYNC_CONF \
	"platform.chunk_kb = 64\nplatform.backoff_base_ms = 500\nplatform.backoff_cap_s = 5\n"
#define RTC_2000_MS   "946684800000" /* 2000-01-01 00:00:00 UTC, what a flat RTC battery gives */
#define FIVE_HOURS_MS "18000000"
#define LIBFAKETIME   "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

static void conf_with_url(struct fixture *f, const char *url)
{
	char conf[512];

	snprintf(conf, sizeof(conf), "platform.url = %s\n%s", url, SYNC_CONF);
	write_conf(f, conf);
}

static void expect_clean(struct fixture *f, const char *url, int receipted)
{
	struct deliver_report r;
	enum kerr e = deliver_check(f->data, NULL, url, NULL, &r);

	if (e != KERR_OK || r.lost || r.unexpected || r.duplicated || r.held != receipted)
		fail_msg("%s: held %d lost %d unexpected %d duplicated %d: %s", kerr_str(e), r.held,
			 r.lost, r.unexpected, r.duplicated, r.detail);
}

/* The link fails a few times, so entries back off; the RTC is reset, then stepped forward by
 * hours, while they wait. The sync still ends as soon as the backoffs (monotonic) run out. */
static void test_rtc_reset_during_backoff(void **state)
{
	struct fixture *f = *state;
	const struct fault_proxy_fault reset = {FAULT_PROXY_RESET_UP, 0};
	struct fault_proxy_config pc = {.seed = 2000};
	struct plat_proc p = {0};
	struct fault_proxy *proxy;
	char url[64];

	plat_proc_start(&p, 0, false);
	pc.upstream_port = p.port;
	assert_int_equal(fault_proxy_start(&pc, &proxy), KERR_OK);
	fault_proxy_push(proxy, &reset, 4);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u", fault_proxy_port(proxy));
	conf_with_url(f, url);
	begin(f);
	apply_and_rate(f, 0);
	line(f, "wait 1500");
	line(f, "rtc " RTC_2000_MS);
	line(f, "wait 1500");
	line(f, "rtc-jump " FIVE_HOURS_MS);
	line(f, "sync 30");
	/* Stored with the clock at 2000 plus a few hours: kept and delivered all the same. */
	apply_and_rate(f, 0);
	line(f, "rtc-jump -" FIVE_HOURS_MS);
	line(f, "sync 30");
	assert_int_equal(run(f), 0);
	assert_int_equal(fault_proxy_planned(proxy), 0);
	assert_true(log_has(f, "next try in"));
	expect_clean(f, p.url, 4);
	fault_proxy_stop(proxy);
	plat_proc_cleanup(&p);
}

/* A resident on the form when the RTC jumps: the session is neither wiped early nor kept forever.
 */
static void test_idle_timer_ignores_rtc(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);

	write_conf(f, NULL);
	begin(f);
	to_form(f, it, "resident");
	line(f, "rtc-jump " FIVE_HOURS_MS);
	line(f, "wait 1000");
	line(f, "expect FORM");
	line(f, "rtc " RTC_2000_MS);
	line(f, "wait 1000");
	line(f, "expect FORM");
	line(f, "rtc-jump 86400000");
	/* Idle for long enough by the monotonic clock: the warning, then home. */
	line(f, "wait 600000");
	line(f, "expect HOME");
	assert_int_equal(run(f), 0);
}

static void write_faketime(const char *path, const char *spec)
{
	char tmp[300];
	FILE *o;

	/* Renamed into place, so libfaketime never reads half a line. */
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	o = fopen(tmp, "w");
	assert_non_null(o);
	fprintf(o, "%s\n", spec);
	assert_int_equal(fclose(o), 0);
	assert_int_equal(rename(tmp, path), 0);
}

static int held(struct plat_proc *p)
{
	json_t *s = plat_proc_state(p);
	int n = (int)json_array_size(json_object_get(s, "cases")) +
		(int)json_array_size(json_object_get(s, "evaluations"));

	json_decref(s);
	return n;
}

/* The real binary on its real clock, the RTC faked by libfaketime (the monotonic clock left
 * alone, as a real RTC reset leaves it): cases stored earlier are sent with the clock at
 * 2000-01-01, then after a jump of five hours while the platform is away. */
static void test_real_binary_under_faketime(void **state)
{
	struct fixture *f = *state;
	struct timespec tick = {0, 50 * 1000000L};
	struct plat_proc p = {0};
	char spec[200], cmd[256];
	unsigned port;
	pid_t pid;
	int status, i;

	if (access(LIBFAKETIME, R_OK) != 0)
		fail_msg("libfaketime missing: %s (package faketime)", LIBFAKETIME);
	/* Two cases stored with no platform to reach. */
	plat_proc_start(&p, 0, false);
	port = p.port;
	plat_proc_stop(&p);
	conf_with_url(f, p.url);
	begin(f);
	apply_and_rate(f, 0);
	apply_and_rate(f, 0);
	assert_int_equal(run(f), 0);

	snprintf(spec, sizeof(spec), "%s/faketime", f->dir);
	write_faketime(spec, "@2000-01-01 00:00:00");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!freopen(f->log, "w", stderr) || !freopen("/dev/null", "w", stdout))
			_exit(127);
		{
			/* A sanitizer build wants its runtime first; libfaketime only wraps time
			 * calls. */
			const char *a = getenv("ASAN_OPTIONS");
			char opts[512];

			snprintf(opts, sizeof(opts), "%s%sverify_asan_link_order=0", a ? a : "",
				 a ? ":" : "");
			setenv("ASAN_OPTIONS", opts, 1);
		}
		setenv("LD_PRELOAD", LIBFAKETIME, 1);
		setenv("FAKETIME_TIMESTAMP_FILE", spec, 1);
		setenv("FAKETIME_NO_CACHE", "1", 1);
		setenv("FAKETIME_DONT_FAKE_MONOTONIC", "1", 1);
		setenv("SDL_VIDEODRIVER", "offscreen", 1);
		setenv("KIOSK_LOG", "info", 1);
		execl(KIOSK_BIN, KIOSK_BIN, "--config", f->conf, "--data", f->data, "--headless",
		      (char *)NULL);
		_exit(127);
	}
	/* The platform is away for a while: the terminal backs off... (up to 20 s: a sanitizer build on a busy
	 * machine takes seconds to start; the loop ends as soon as the line is there) */
	for (i = 0; i < 400 && !log_has(f, "next try in"); i++) {
		assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
		nanosleep(&tick, NULL);
	}
	assert_true(log_has(f, "next try in"));
	/* ...the RTC jumps five hours ahead meanwhile, and the platform comes back. */
	write_faketime(spec, "@2000-01-01 05:00:00");
	plat_proc_start(&p, port, false);
	for (i = 0; i < 300 && held(&p) < 4; i++) {
		assert_int_equal(waitpid(pid, &status, WNOHANG), 0);
		nanosleep(&tick, NULL);
	}
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	if (i == 300) {
		snprintf(cmd, sizeof(cmd), "tail -n 20 '%s' >&2", f->log);
		if (system(cmd) != 0)
			fprintf(stderr, "no log\n");
		fail_msg("not delivered within 15 s under a faked RTC");
	}
	expect_clean(f, p.url, 4);
	/* The heartbeat told it its clock is 26 years off: it knows it is not to be trusted. */
	assert_true(log_has(f, "clock"));
	plat_proc_cleanup(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_rtc_reset_during_backoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_timer_ignores_rtc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_real_binary_under_faketime, setup, teardown),
	};

	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
