/* The kiosk under a stand-in for systemd: the real binary, headless, with NOTIFY_SOCKET a datagram socket of
 * this test and WATCHDOG_USEC set. READY=1 must come once the first screen is up, WATCHDOG=1 must keep coming
 * from the main loop, and a loop stuck in a control line ("stall") must stop the pings and then send
 * WATCHDOG=trigger, as the loop's turn failed the health check. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The watchdog period the test asks for: pings every 600 ms, a loop turn over 400 ms fails the check. */
#define WATCHDOG_USEC "1200000"
#define PERIOD_MS 1200

struct wd {
	char dir[64];
	char sock[96], control[96], conf[96], data[96], log[96];
	int fd;
	pid_t pid;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The next datagram within ms, in buf; 0 when none came. */
static int recv_msg(struct wd *w, char *buf, size_t size, int ms)
{
	struct pollfd p = { w->fd, POLLIN, 0 };
	ssize_t n;

	if (poll(&p, 1, ms) <= 0)
		return 0;
	n = recv(w->fd, buf, size - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	return 1;
}

static void print_log(struct wd *w)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "tail -n 30 %s >&2", w->log);
	if (system(cmd) != 0)
		fprintf(stderr, "(no log)\n");
}

static void start(struct wd *w, const char *extra_conf)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	FILE *c;

	snprintf(w->dir, sizeof(w->dir), "/tmp/kiosk-wd-XXXXXX");
	assert_non_null(mkdtemp(w->dir));
	snprintf(w->sock, sizeof(w->sock), "%s/notify", w->dir);
	snprintf(w->control, sizeof(w->control), "%s/control", w->dir);
	snprintf(w->conf, sizeof(w->conf), "%s/kiosk.conf", w->dir);
	snprintf(w->data, sizeof(w->data), "%s/data", w->dir);
	snprintf(w->log, sizeof(w->log), "%s/log", w->dir);
	c = fopen(w->conf, "w");
	assert_non_null(c);
	fprintf(c, "terminal.id = ZW3101150001\ncatalog.path = %s/assets/catalog.json\nstore.reserve_mb = 1\n"
		   "display.width = 640\ndisplay.height = 480\n%s\n",
		SRCDIR, extra_conf ? extra_conf : "");
	fclose(c);

	w->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(w->fd >= 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", w->sock);
	assert_int_equal(bind(w->fd, (struct sockaddr *)&a, sizeof(a)), 0);

	w->pid = fork();
	assert_true(w->pid >= 0);
	if (w->pid == 0) {
		int log = open(w->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		/* The child must not hold the test runner's output open. */
		dup2(log, 1);
		dup2(log, 2);
		setenv("NOTIFY_SOCKET", w->sock, 1);
		setenv("WATCHDOG_USEC", WATCHDOG_USEC, 1);
		unsetenv("WATCHDOG_PID");
		setenv("SDL_VIDEODRIVER", "offscreen", 1);
		setenv("KIOSK_LOG", "info", 1);
		execl(KIOSK_BIN, KIOSK_BIN, "--config", w->conf, "--data", w->data, "--control", w->control,
		      "--headless", (char *)NULL);
		_exit(127);
	}
}

static void stop(struct wd *w)
{
	char cmd[128];
	int status;

	if (w->pid > 0) {
		kill(w->pid, SIGTERM);
		for (int i = 0; i < 100 && waitpid(w->pid, &status, WNOHANG) == 0; i++)
			poll(NULL, 0, 50);
		if (waitpid(w->pid, &status, WNOHANG) == 0) {
			kill(w->pid, SIGKILL);
			waitpid(w->pid, &status, 0);
		}
	}
	close(w->fd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	assert_int_equal(system(cmd), 0);
}

/* Waits for READY=1 (bounded: start-up under the sanitizers is slow); writes the STATUS= line. */
static void wait_ready(struct wd *w, char *status, size_t size)
{
	long long give_up = now_ms() + 30000;
	char buf[512];

	while (now_ms() < give_up) {
		if (!recv_msg(w, buf, sizeof(buf), 500))
			continue;
		if (strstr(buf, "READY=1")) {
			const char *s = strstr(buf, "STATUS=");

			snprintf(status, size, "%s", s ? s + 7 : "");
			return;
		}
		/* Nothing may come before readiness but status lines. */
		if (strstr(buf, "WATCHDOG=")) {
			print_log(w);
			fail_msg("%s before READY=1", buf);
		}
	}
	print_log(w);
	fail_msg("no READY=1 within 30 s");
}

static void send_control(struct wd *w, const char *line)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", w->control);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	close(fd);
}

static void test_ready_pings_and_stuck_loop(void **state)
{
	struct wd w = { 0 };
	char status[256], buf[512];
	long long t0, last, sent, end;
	int pings = 0;

	(void)state;
	start(&w, NULL);
	wait_ready(&w, status, sizeof(status));
	assert_non_null(strstr(status, "home screen up"));

	/* The pings keep coming, never further apart than the watchdog period. */
	t0 = last = now_ms();
	while (now_ms() - t0 < 2 * PERIOD_MS) {
		if (!recv_msg(&w, buf, sizeof(buf), PERIOD_MS))
			break;
		assert_null(strstr(buf, "WATCHDOG=trigger"));
		if (strstr(buf, "WATCHDOG=1")) {
			pings++;
			last = now_ms();
		}
	}
	if (pings < 2 || now_ms() - last >= PERIOD_MS) {
		print_log(&w);
		fail_msg("%d pings in %d ms, the last %lld ms ago", pings, 2 * PERIOD_MS, now_ms() - last);
	}

	/* A loop stuck for 2 s: no ping while it is stuck, then the failed check says so at once. */
	send_control(&w, "stall 2000\n");
	sent = now_ms();
	end = sent + 2000 + 5000;
	for (;;) {
		long long t;

		if (!recv_msg(&w, buf, sizeof(buf), 500)) {
			if (now_ms() > end) {
				print_log(&w);
				fail_msg("no WATCHDOG=trigger after the stall");
			}
			continue;
		}
		t = now_ms();
		if (strstr(buf, "WATCHDOG=trigger")) {
			assert_true(t - sent >= 1900);
			assert_non_null(strstr(buf, "loop-slow"));
			break;
		}
		/* A ping already on its way when the line was sent may still arrive. */
		if (strstr(buf, "WATCHDOG=1") && t - sent > 300) {
			print_log(&w);
			fail_msg("a ping %lld ms into a stuck loop", t - sent);
		}
	}
	/* Failed stays failed: no more pings. */
	while (recv_msg(&w, buf, sizeof(buf), PERIOD_MS / 2))
		assert_null(strstr(buf, "WATCHDOG=1"));
	stop(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_pings_and_stuck_loop),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
