/* Golden screens: every screen of the journey rendered headless by the real kiosk at 1920x1080 with the pinned
 * Noto Sans CJK fonts, compared with tests/golden/<name>.png. A missing golden is created; a mismatch writes
 * <name>_err.png beside it and fails; UPDATE_GOLDEN=1 refreshes them all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/support/camframes.h"
#include "tests/support/plat_proc.h"
#include "ui/sdl/ui_sdl.h"

#define GOLDEN_DIR SRCDIR "/tests/golden"

/* The screens, and the script lines that lead from one to the next. A "shot" line names a golden. */
static const char *const script[] = {
	"shot home",
	"theme elder",
	"shot home_elder",
	"theme contrast",
	"shot home_contrast",
	"theme normal",
	"tap tile.0",
	"shot card",
	"dev idcard insert expired",
	"wait 3000",
	"shot card_expired",
	"dev idcard remove",
	"wait 1000",
	"dev idcard insert resident",
	"wait 3000",
	"shot catalog",
	"tap tab.1",
	"shot catalog_theme",
	"tap catalog.search",
	"tap key.y",
	"tap key.l",
	"shot search",
	"tap item.0",
	"shot guide",
	"tap guide.down",
	"shot guide_scrolled",
	"tap footer.next",
	"shot form",
	"tap field.5",
	"tap key.1",
	"tap key.3",
	"tap key.8",
	"shot phone",
	"tap key.1",
	"tap key.2",
	"tap key.3",
	"tap key.4",
	"tap key.5",
	"tap key.6",
	"tap key.7",
	"tap key.8",
	"tap footer.next",
	"shot form_filled",
	"tap footer.next",
	"shot scan",
	"tap scan.start",
	"wait 1500",
	"tap scan.start",
	"wait 1500",
	"shot scan_pages",
	"dev scanner fault jam on",
	"tap scan.start",
	"wait 1500",
	"shot scan_jam",
	"dev scanner fault jam off",
	"tap footer.next",
	"shot summary",
	"wait 95000",
	"shot idle_warning",
	"tap dialog.ok",
	"dev receipt fault paper-out on",
	"tap footer.next",
	"wait 100",
	"shot print_fault",
	"dev receipt fault paper-out off",
	"tap print.retry",
	"shot print",
	"wait 2000",
	"shot eval",
	"tap level.4",
	"tap reason.0",
	"shot reasons",
	"tap reasons.text",
	"tap key.a",
	"shot eval_text",
	"tap footer.next",
	"tap footer.next",
	"shot thanks",
	"tap footer.next",
	"tap tile.2",
	"shot query",
	"dev idcard insert resident",
	"wait 3000",
	"shot progress",
	"tap footer.home",
	"tap tile.4",
	"shot rate",
	"tap rate.followup",
	"shot follow_find",
	"dev idcard insert resident",
	"wait 3000",
	"shot follow_cases",
	"tap case.0",
	"shot eval_followup",
	"tap footer.home",
	"tap tile.4",
	"tap rate.terminal",
	"shot eval_terminal",
};

/* With a photo decoder configured (a stand-in library that paints a pattern, not a face): the form shows the
 * card's photo where the journey above shows the placeholder. */
/* Card read, the pension item found by its initials, its guide passed: the form. */
#define TO_FORM                                                                                              \
	"tap tile.0", "dev idcard insert resident", "wait 3000", "tap catalog.search", "tap key.y", "tap key.l", \
		"tap item.0", "tap footer.next"

static const char *const script_photo[] = {
	TO_FORM,
	"shot form_photo",
};

/* A document camera (the v4l2 backend playing one still frame): its live picture on the scan screen, and the
 * page it took under it. */
static const char *const script_camera[] = {
	TO_FORM,
	"tap field.5",
	"text 13812345678",
	"tap footer.next",
	"tap footer.next",
	"wait 250",
	"shot scan_camera",
	"tap scan.live",
	"wait 250",
	"shot scan_camera_page",
};

/* 证照打印 against the reference platform: the card prompt, the holder's list, printing, done, and the A4
 * printer out of paper. "sync" waits on real time for the platform's answer, as in tests/flow/test_certs.c,
 * but when the answer is already in when it starts, it moves the virtual clock on to the next heartbeat.
 * So a choice is held ("& tap": its answer is not taken before the sync), the print outlasts any jump, and a
 * touch on the header, where nothing reacts, restarts the idle countdown before a shot after a sync. */
#define TOUCH_NOTHING "tap 960 45"

static const char *const script_certs[] = {
	"tap tile.3",
	"shot certs_card",
	"dev idcard insert resident",
	"wait 3000",
	"sync",
	TOUCH_NOTHING,
	"shot certs",
	"& tap cert.0",
	"sync",
	TOUCH_NOTHING,
	"shot cert_print",
	"wait 30000",
	"shot cert_done",
	"tap footer.back",
	"dev docprint fault paper-out on",
	"& tap cert.1",
	"sync",
	"wait 2000",
	TOUCH_NOTHING,
	"shot cert_paper_out",
};

/* The platform gone before the list is asked for. */
static const char *const script_certs_offline[] = {
	"tap tile.3",
	"dev idcard insert resident",
	"wait 3000",
	"sync",
	TOUCH_NOTHING,
	"shot certs_offline",
};

static bool same(const unsigned char *a, const unsigned char *b, int w, int h, int *ret_diff)
{
	int diff = 0;

	for (long i = 0; i < (long)w * h * 4; i += 4)
		if (abs(a[i] - b[i]) > 8 || abs(a[i + 1] - b[i + 1]) > 8 || abs(a[i + 2] - b[i + 2]) > 8)
			diff++;
	*ret_diff = diff;
	return diff == 0;
}

/* Runs the kiosk through script (n lines) with extra configuration lines, and compares every shot. */
static void run_script(const char *const *lines, size_t n, const char *extra_conf)
{
	char dir[] = "/tmp/kiosk-golden-XXXXXX";
	char path[512], cmd[2048];
	FILE *s;
	int rc, failures = 0;
	bool update = getenv("UPDATE_GOLDEN") && !strcmp(getenv("UPDATE_GOLDEN"), "1");

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/script", dir);
	s = fopen(path, "w");
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		fprintf(s, "%s\n", lines[i]);
	fclose(s);
	snprintf(path, sizeof(path), "%s/kiosk.conf", dir);
	s = fopen(path, "w");
	assert_non_null(s);
	fprintf(s, "terminal.hall = 政务服务自助终端 · 花木街道便民服务中心\ncatalog.path = %s/assets/catalog.json\n"
		   "store.reserve_mb = 1\nscanner.latency_ms = 500\nreceipt.latency_ms = 800\n%s",
		SRCDIR, extra_conf);
	fclose(s);
	snprintf(cmd, sizeof(cmd),
		 "SDL_VIDEODRIVER=offscreen KIOSK_LOG=warn '%s' --config %s/kiosk.conf --data %s/data --script %s/script "
		 "--shots %s/shots",
		 KIOSK_BIN, dir, dir, dir, dir);
	rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);

	for (size_t i = 0; i < n; i++) {
		const char *name;
		char got_path[512], want_path[512], err_path[512];
		unsigned char *got = NULL, *want = NULL;
		int gw, gh, ww, wh, diff = 0;

		if (strncmp(lines[i], "shot ", 5) != 0)
			continue;
		name = lines[i] + 5;
		snprintf(got_path, sizeof(got_path), "%s/shots/%s.png", dir, name);
		snprintf(want_path, sizeof(want_path), "%s/%s.png", GOLDEN_DIR, name);
		snprintf(err_path, sizeof(err_path), "%s/%s_err.png", GOLDEN_DIR, name);
		assert_int_equal(ui_png_read(got_path, &got, &gw, &gh), KERR_OK);
		assert_int_equal(gw, 1920);
		assert_int_equal(gh, 1080);
		if (update || ui_png_read(want_path, &want, &ww, &wh) != KERR_OK) {
			assert_int_equal(ui_png_write(want_path, got, gw, gh), KERR_OK);
			printf("golden %s: %s\n", name, update ? "updated" : "created");
		} else if (ww != gw || wh != gh || !same(got, want, gw, gh, &diff)) {
			ui_png_write(err_path, got, gw, gh);
			fprintf(stderr, "golden %s: %d pixels differ; see %s\n", name, diff, err_path);
			failures++;
		} else {
			unlink(err_path);
		}
		free(got);
		free(want);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(failures, 0);
}

/* The configuration lines that point the kiosk at the platform p (HTTPS with the client certificate). */
static void platform_conf(struct plat_proc *p, char *conf, size_t size)
{
	char ca[128], cert[128], key[128];

	snprintf(conf, size,
		 "terminal.id = ZW3101150001\nplatform.url = %s\nplatform.backoff_base_ms = 200\nplatform.ca = %s\n"
		 "platform.cert = %s\n"
		 "platform.key = %s\ndocprint.latency_ms = 30000\n",
		 p->url, plat_proc_path(p, "pki/ca.pem", ca, sizeof(ca)),
		 plat_proc_path(p, "pki/client.pem", cert, sizeof(cert)),
		 plat_proc_path(p, "pki/client.key", key, sizeof(key)));
}

/* The second variant of run_script: the same, with the reference platform started and holding two
 * certificates for the resident's card; down says whether it is stopped again before the kiosk runs. */
static void run_script_platform(const char *const *lines, size_t n, bool down)
{
	struct plat_proc p = { 0 };
	char conf[1024];

	plat_proc_start(&p, 0, true);
	plat_proc_admin(&p, "/admin/certificates",
			"{\"id_type\":\"111\",\"id_number\":\"11010519491231002X\",\"holder_name\":\"王小英\","
			"\"title\":\"城乡居民基本养老保险参保缴费证明\",\"issuer\":\"东城区社会保险事业管理中心\","
			"\"issued_date\":\"20261120\",\"lines\":[\"参保状态：正常参保\"]}");
	plat_proc_admin(&p, "/admin/certificates",
			"{\"id_type\":\"111\",\"id_number\":\"11010519491231002X\",\"holder_name\":\"王小英\","
			"\"title\":\"无犯罪记录证明\",\"issuer\":\"北京市公安局东城分局\",\"issued_date\":\"20261118\"}");
	if (down)
		plat_proc_stop(&p);
	platform_conf(&p, conf, sizeof(conf));
	run_script(lines, n, conf);
	plat_proc_cleanup(&p);
}

static void test_screens(void **state)
{
	(void)state;
	run_script(script, sizeof(script) / sizeof(script[0]), "");
}

static void test_photo(void **state)
{
	(void)state;
	run_script(script_photo, sizeof(script_photo) / sizeof(script_photo[0]), "idcard.photo_lib = " FAKE_WLT_LIB "\n");
}

static void test_camera(void **state)
{
	char dir[] = "/tmp/kiosk-frames-XXXXXX", conf[128];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(camframes_write(dir, 1, 1280, 960), 0);
	snprintf(conf, sizeof(conf), "scanner.backend = v4l2\nscanner.path = %s\n", dir);
	run_script(script_camera, sizeof(script_camera) / sizeof(script_camera[0]), conf);
	snprintf(conf, sizeof(conf), "rm -rf '%s'", dir);
	assert_int_equal(system(conf), 0);
}

static void test_certs(void **state)
{
	(void)state;
	run_script_platform(script_certs, sizeof(script_certs) / sizeof(script_certs[0]), false);
}

static void test_certs_offline(void **state)
{
	(void)state;
	run_script_platform(script_certs_offline, sizeof(script_certs_offline) / sizeof(script_certs_offline[0]),
			    true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_screens),
		cmocka_unit_test(test_photo),
		cmocka_unit_test(test_camera),
		cmocka_unit_test(test_certs),
		cmocka_unit_test(test_certs_offline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
