/* make soak (mk/soak.sh): one kiosk process, built with ASan and LSan, runs SOAK_JOURNEYS scripted
 * residents (10,000 by default; most apply with scans and rate, every fifth only reads a guide)
 * headless against the reference platform, with a sync every 100. Its resident set size is
 * sampled from /proc while it runs; at its end LeakSanitizer reports what it leaked, the delivery
 * checker compares the store with the platform, and every stored case is read back whole. Prints
 * journeys, leaks, the RSS trend, lost, unexpected and duplicated. Not part of make check. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <setjmp.h>
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

#include "tests/support/deliver_check.h"
#include "tests/support/journey_script.h"
#include "tests/support/plat_proc.h"
#include "tests/support/store_check.h"

#define TERMINAL    "ZW3101150001"
#define MAX_SAMPLES 100000
#define SHOWN	    10

struct sample {
	long s;
	long rss_kb;
};

static void apply(struct fixture *f, const struct catalog_item *it, int level)
{
	to_form(f, it, "resident");
	line(f, "tap footer.next");
	line(f, "expect SCAN");
	for (size_t i = 0; i < it->n_materials; i++) {
		if (it->materials[i].ecert)
			continue;
		line(f, "tap scan.start");
		line(f, "wait 300");
		line(f, "tap footer.next");
	}
	line(f, "expect SUMMARY");
	line(f, "tap footer.next");
	line(f, "expect PRINT");
	line(f, "wait 600");
	line(f, "expect EVAL");
	line(f, "tap level.%d", level);
	line(f, "expect THANKS");
	line(f, "tap footer.next");
	line(f, "expect HOME");
}

static void browse(struct fixture *f)
{
	line(f, "tap tile.1");
	line(f, "expect CATALOG");
	line(f, "tap item.0");
	line(f, "expect GUIDE");
	line(f, "tap guide.down");
	line(f, "key esc");
	line(f, "key esc");
	line(f, "wait 200000");
	line(f, "expect HOME");
}

static long rss_kb(pid_t pid)
{
	char path[64], buf[256];
	long kb = -1;
	FILE *fp;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fp = fopen(path, "r");
	if (!fp)
		return -1;
	while (fgets(buf, sizeof(buf), fp))
		if (sscanf(buf, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(fp);
	return kb;
}

/* The kiosk on the script, its output in the log (never the test's own streams); samples its RSS
 * every second until it ends. Returns its exit status. */
static int run_sampled(struct fixture *f, struct sample *samples, size_t *n)
{
	time_t t0 = time(NULL);
	int status = 0;
	pid_t pid;

	fclose(f->s);
	f->s = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(f->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(127);
		execl(KIOSK_BIN, "kiosk", "--config", f->conf, "--data", f->data, "--script",
		      f->script, (char *)NULL);
		_exit(127);
	}
	*n = 0;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		long kb;

		if (w == pid)
			break;
		assert_true(w == 0);
		kb = rss_kb(pid);
		/* From 2 s on: before that the process is still loading. */
		if (kb > 0 && time(NULL) - t0 >= 2 && *n < MAX_SAMPLES)
			samples[(*n)++] = (struct sample){(long)(time(NULL) - t0), kb};
		sleep(1);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* LeakSanitizer's summary from the log, or "none". */
static void leaks(struct fixture *f, char *out, size_t size)
{
	FILE *fp = fopen(f->log, "r");
	char buf[1024];

	snprintf(out, size, "none");
	if (!fp)
		return;
	while (fgets(buf, sizeof(buf), fp))
		if (strstr(buf, "SUMMARY: AddressSanitizer:") && strstr(buf, "leaked")) {
			buf[strcspn(buf, "\n")] = '\0';
			snprintf(out, size, "%s", buf);
		}
	fclose(fp);
}

static void test_soak(void **state)
{
	struct fixture *f = *state;
	const struct catalog_item *it = item_where(f, has_scan);
	long journeys = getenv("SOAK_JOURNEYS") ? strtol(getenv("SOAK_JOURNEYS"), NULL, 10) : 10000;
	struct plat_proc p = {0};
	struct sample *samples = calloc(MAX_SAMPLES, sizeof(*samples));
	struct deliver_report r;
	char conf[512], leaked[1024];
	size_t n = 0;
	int64_t cases;
	enum kerr e;
	int rc;

	assert_non_null(it);
	assert_non_null(samples);
	plat_proc_start(&p, 0, false);
	snprintf(conf, sizeof(conf),
		 "platform.url = %s\nplatform.backoff_base_ms = 100\nplatform.backoff_cap_s = 1\n"
		 "scan.clean = false\nscan.page_kb = 64\nscanner.latency_ms = 100\n"
		 "receipt.latency_ms = 100\n",
		 p.url);
	write_conf(f, conf);
	begin(f);
	line(f, "expect HOME");
	for (long j = 0; j < journeys; j++) {
		if (j % 5 == 4)
			browse(f);
		else
			apply(f, it, (int)(j % 3));
		if (j % 100 == 99)
			line(f, "sync 300");
	}
	line(f, "sync 600");
	rc = run_sampled(f, samples, &n);
	leaks(f, leaked, sizeof(leaked));
	printf("soak: %ld journeys, kiosk exit status %d\n", journeys, rc);
	printf("soak: leaks: %s\n", leaked);
	printf("soak: RSS (s, MB):");
	for (size_t i = 0; i<n; i += n> SHOWN ? (n - 1) / SHOWN : 1)
		printf(" %ld:%.1f", samples[i].s, samples[i].rss_kb / 1024.0);
	if (n > 0)
		printf(" end %ld:%.1f\n", samples[n - 1].s, samples[n - 1].rss_kb / 1024.0);
	else
		printf(" none\n");
	if (rc != 0) {
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "grep -v '^<6>' '%s' | tail -n 40 >&2", f->log);
		if (system(cmd) != 0)
			fprintf(stderr, "no log\n");
	}
	e = deliver_check(f->data, NULL, p.url, NULL, &r);
	plat_proc_cleanup(&p);
	cases = store_check_whole(f->data, TERMINAL);
	printf("soak: %lld cases stored whole, %d items receipted, %d held, lost %d, unexpected "
	       "%d, "
	       "duplicated %d, %d pending%s%s\n",
	       (long long)cases, r.receipted, r.held, r.lost, r.unexpected, r.duplicated, r.pending,
	       e ? ": " : "", e ? r.detail : "");
	free(samples);
	assert_int_equal(rc, 0);
	assert_string_equal(leaked, "none");
	assert_int_equal(e, KERR_OK);
	assert_true(r.lost == 0 && r.unexpected == 0 && r.duplicated == 0 && r.pending == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_soak),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
