/* kioskctl idcard simulate: the simulated module on a pty, so the kiosk's serial backend (or
 * `kioskctl idcard read`) talks to it through a real tty, byte for byte. Unplug closes the pty and
 * plug opens a new one, as pulling a USB-serial adapter does. */
#include "tools/kioskctl/idcard.h"

#include "drivers/idcard_frame.h"
#include "drivers/idcard_simreader.h"
#include "tools/kioskctl/kioskctl.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

struct sim {
	struct clock clock;
	struct idcard_simreader *mod;
	const char *link;  /* a stable name for the port, replaced on every plug */
	int master, slave; /* -1 while unplugged; slave held so the master never reads EIO */
	int cmd_fd;	   /* stdin or the FIFO; -1 once closed */
	char line[256];
	size_t line_len;
	bool quit;
};

static int plug(struct sim *s)
{
	struct termios tio;
	char name[128];

	if (openpty(&s->master, &s->slave, name, NULL, NULL) != 0)
		return kioskctl_fail("openpty: %s", strerror(errno));
	/* Raw from the start: the kiosk sets raw too, but a byte sent before it opens must not be
	 * echoed or translated. */
	if (tcgetattr(s->slave, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(s->slave, TCSANOW, &tio);
	}
	fcntl(s->master, F_SETFL, fcntl(s->master, F_GETFL) | O_NONBLOCK);
	fcntl(s->master, F_SETFD, FD_CLOEXEC);
	fcntl(s->slave, F_SETFD, FD_CLOEXEC);
	if (s->link) {
		unlink(s->link);
		if (symlink(name, s->link) != 0)
			return kioskctl_fail("symlink %s: %s", s->link, strerror(errno));
	}
	printf("%s\n", s->link ? s->link : name);
	fflush(stdout);
	fprintf(stderr, "idcard simulator: port %s%s%s\n", name, s->link ? " as " : "",
		s->link ? s->link : "");
	return KIOSKCTL_OK;
}

static void unplug(struct sim *s)
{
	if (s->master < 0)
		return;
	if (s->link)
		unlink(s->link);
	close(s->master);
	close(s->slave);
	s->master = s->slave = -1;
	idcard_simreader_drop_link(s->mod);
	fprintf(stderr, "idcard simulator: unplugged\n");
}

static void command(struct sim *s, const char *cmd)
{
	enum kerr e = KERR_OK;

	if (!cmd[0])
		return;
	if (!strcmp(cmd, "quit"))
		s->quit = true;
	else if (!strcmp(cmd, "unplug"))
		unplug(s);
	else if (!strcmp(cmd, "plug"))
		e = s->master < 0 && plug(s) != KIOSKCTL_OK ? KERR_IO : KERR_OK;
	else
		e = idcard_simreader_control(s->mod, cmd);
	fprintf(stderr, "idcard simulator: %s: %s\n", cmd, e == KERR_OK ? "ok" : "not understood");
}

static void take_commands(struct sim *s)
{
	char buf[128];
	ssize_t n = read(s->cmd_fd, buf, sizeof(buf));

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
		/* stdin closed: go on serving the card as it is. */
		s->cmd_fd = -1;
		return;
	}
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || s->line_len + 1 >= sizeof(s->line)) {
			s->line[s->line_len] = 0;
			command(s, s->line);
			s->line_len = 0;
		} else if (buf[i] != '\r') {
			s->line[s->line_len++] = buf[i];
		}
	}
}

static void serve(struct sim *s)
{
	uint8_t buf[IDCARD_FRAME_MAX];
	ssize_t n;
	size_t m;

	while ((n = read(s->master, buf, sizeof(buf))) > 0)
		idcard_simreader_write(s->mod, buf, (size_t)n);
	while ((m = idcard_simreader_read(s->mod, buf, sizeof(buf))) > 0) {
		/* A host that does not read its replies loses them, as with a real module. */
		if (write(s->master, buf, m) != (ssize_t)m)
			break;
	}
}

static int loop(struct sim *s, int sig_fd)
{
	while (!s->quit) {
		struct pollfd pfd[3] = {
			{ .fd = sig_fd, .events = POLLIN },
			{ .fd = s->cmd_fd, .events = POLLIN },
			{ .fd = s->master, .events = POLLIN },
		};
		int64_t at = idcard_simreader_ready_at(s->mod), now = clock_now_ms(&s->clock);
		int timeout = at == INT64_MAX ? -1 : at <= now ? 0 : (int)(at - now);

		if (poll(pfd, 3, timeout) < 0 && errno != EINTR)
			return kioskctl_fail("poll: %s", strerror(errno));
		if (pfd[0].revents)
			break;
		if (pfd[1].revents)
			take_commands(s);
		if (s->master >= 0)
			serve(s);
	}
	return KIOSKCTL_OK;
}

static int usage(void)
{
	const char *const *names = idcard_simreader_card_names();

	fprintf(stderr, "usage: kioskctl idcard simulate [--card NAME] [--link PATH] "
			"[--commands FIFO] [--latency MS]\ncards:");
	for (size_t i = 0; names[i]; i++)
		fprintf(stderr, " %s", names[i]);
	fprintf(stderr, "\ncommands (stdin or FIFO): insert NAME, remove, unplug, plug, fault read "
			"on|off, fault remove-mid-read on|off, slow on|off, quit\n");
	return KIOSKCTL_USAGE;
}

int idcard_cmd_simulate(int argc, char **argv)
{
	struct sim s = { .master = -1, .slave = -1, .cmd_fd = 0 };
	const char *card = NULL, *fifo = NULL;
	long latency = 20;
	sigset_t mask;
	int sig_fd, rc;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--card") && i + 1 < argc)
			card = argv[++i];
		else if (!strcmp(argv[i], "--link") && i + 1 < argc)
			s.link = argv[++i];
		else if (!strcmp(argv[i], "--commands") && i + 1 < argc)
			fifo = argv[++i];
		else if (!strcmp(argv[i], "--latency") && i + 1 < argc &&
			 (latency = strtol(argv[i + 1], &end, 10),
			  !*end && latency >= 0 && latency <= 10000))
			i++;
		else
			return usage();
	}
	clock_init_real(&s.clock);
	if (idcard_simreader_create(&s.clock, (int)latency, &s.mod) != KERR_OK)
		return kioskctl_fail("out of memory");
	if (card) {
		char cmd[64];

		snprintf(cmd, sizeof(cmd), "insert %.50s", card);
		if (idcard_simreader_control(s.mod, cmd) != KERR_OK) {
			idcard_simreader_destroy(s.mod);
			return usage();
		}
	}
	if (fifo) {
		if (mkfifo(fifo, 0600) != 0 && errno != EEXIST) {
			idcard_simreader_destroy(s.mod);
			return kioskctl_fail("mkfifo %s: %s", fifo, strerror(errno));
		}
		/* Read-write, so the FIFO never reads end-of-file between writers. */
		s.cmd_fd = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (s.cmd_fd < 0) {
			idcard_simreader_destroy(s.mod);
			return kioskctl_fail("open %s: %s", fifo, strerror(errno));
		}
	}
	/* Signals arrive as reads, so the loop ends cleanly and removes the link. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sig_fd = signalfd(-1, &mask, SFD_CLOEXEC);
	rc = sig_fd < 0 ? kioskctl_fail("signalfd: %s", strerror(errno)) : plug(&s);
	if (rc == KIOSKCTL_OK)
		rc = loop(&s, sig_fd);
	unplug(&s);
	if (sig_fd >= 0)
		close(sig_fd);
	if (fifo && s.cmd_fd >= 0)
		close(s.cmd_fd);
	idcard_simreader_destroy(s.mod);
	return rc;
}
