/* Benchmarks of the kiosk as a resident meets it: start to the first complete home frame, peak memory, the frame
 * time of a screen change at 1920x1080, and CPU used while idle. Figures, and ratios against a bare SDL2 +
 * SDL2_ttf program drawing the same home screen in the same run. Nothing is asserted: numbers are for people. */
#include "kiosk/app.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 9

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Runs argv to completion; returns wall ms and peak RSS in KiB. */
static int run(char *const argv[], double *ret_ms, long *ret_kib)
{
	struct rusage ru;
	double t0 = now_ms();
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) < 0)
		return -1;
	*ret_ms = now_ms() - t0;
	*ret_kib = ru.ru_maxrss;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void median_run(char *const argv[], double *ret_ms, double *ret_mib)
{
	double ms[RUNS], kib[RUNS];

	for (int i = 0; i < RUNS; i++) {
		long k = 0;

		if (run(argv, &ms[i], &k) != 0) {
			fprintf(stderr, "bench: %s failed\n", argv[0]);
			exit(1);
		}
		kib[i] = (double)k;
	}
	qsort(ms, RUNS, sizeof(ms[0]), cmp_double);
	qsort(kib, RUNS, sizeof(kib[0]), cmp_double);
	*ret_ms = ms[RUNS / 2];
	*ret_mib = kib[RUNS / 2] / 1024.0;
}

static void frame_times(const char *dir)
{
	static const char *const steps[] = { "tap tile.1", "tap tab.1", "tap tab.2", "tap item.0", "tap footer.back",
					     "tap tab.3", "tap footer.home" };
	struct kiosk *k = calloc(1, sizeof(*k));
	char data[512];
	struct kiosk_opts o = { .config_path = SRCDIR "/assets/kiosk.conf", .headless = true };
	double t[700];
	int n = 0;
	char err[256];

	snprintf(data, sizeof(data), "%s/data", dir);
	o.data_dir = data;
	if (chdir(SRCDIR) != 0 || app_init(k, &o) != KERR_OK) {
		fprintf(stderr, "bench: kiosk set-up failed\n");
		exit(1);
	}
	app_render(k);
	for (int round = 0; round < 100; round++)
		for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			double t0;

			/* Act without drawing, then time exactly one redraw of the new screen. */
			k->dirty = false;
			if (script_line(k, steps[i], err, sizeof(err)) != KERR_OK) {
				fprintf(stderr, "bench: %s: %s\n", steps[i], err);
				exit(1);
			}
			k->dirty = true;
			t0 = now_ms();
			app_render(k);
			t[n++] = now_ms() - t0;
		}
	qsort(t, (size_t)n, sizeof(t[0]), cmp_double);
	printf("screen change at %dx%d (build + draw, software renderer), %d changes:\n", k->cfg.width, k->cfg.height,
	       n);
	printf("  p50 %.2f ms   p99 %.2f ms   max %.2f ms   (target: p99 under 8 ms)\n", t[n / 2], t[n * 99 / 100],
	       t[n - 1]);
	app_finish(k);
	free(k);
}

static double cpu_ms(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;
	FILE *f;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f || !fgets(buf, sizeof(buf), f)) {
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) * 1000.0 / (double)sysconf(_SC_CLK_TCK);
}

static void idle_cpu(const char *dir)
{
	char data[512];
	pid_t pid;
	double before, after;

	snprintf(data, sizeof(data), "%s/idle-data", dir);
	pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		if (chdir(SRCDIR) != 0)
			_exit(1);
		execl(KIOSK_BIN, KIOSK_BIN, "--config", "assets/kiosk.conf", "--data", data, "--headless", (char *)NULL);
		_exit(127);
	}
	/* Let it start and draw home, then count what it uses while nothing happens. */
	usleep(1500 * 1000);
	before = cpu_ms(pid);
	usleep(3000 * 1000);
	after = cpu_ms(pid);
	kill(pid, SIGTERM);
	usleep(100 * 1000);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	printf("idle at home for 3 s: %.0f ms of CPU (target: none)\n", after - before);
}

int main(void)
{
	char dir[] = "/tmp/kiosk-bench-XXXXXX";
	char data[128], cmd[160];
	double k_ms, k_mib, b_ms, b_mib;

	setenv("KIOSK_LOG", "warn", 0);
	if (!mkdtemp(dir))
		return 1;
	snprintf(data, sizeof(data), "%s/data", dir);
	if (chdir(SRCDIR) != 0)
		return 1;
	{
		char *kiosk[] = { KIOSK_BIN, "--config", "assets/kiosk.conf", "--data", data, "--headless", "--frames",
				  "1", NULL };
		char *bare[] = { BARE_BIN, NULL };

		median_run(kiosk, &k_ms, &k_mib);
		median_run(bare, &b_ms, &b_mib);
	}
	printf("start to first complete home frame (process start to exit after it), median of %d:\n", RUNS);
	printf("  kiosk %.1f ms, bare SDL2+SDL2_ttf %.1f ms, ratio %.2f   (target: within 60 ms)\n", k_ms, b_ms,
	       k_ms / b_ms);
	printf("peak RSS: kiosk %.1f MiB, bare %.1f MiB, ratio %.2f   (target: under 35 MiB)\n", k_mib, b_mib,
	       k_mib / b_mib);
	frame_times(dir);
	idle_cpu(dir);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : 1;
}
