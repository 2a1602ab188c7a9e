/* The control socket of `make run`: a unix stream socket taking script lines, so a developer or a test can place
 * a card or jam the scanner while a person uses the screen. Lines go to the UI thread as wake-ups. */
#include "kiosk/app.h"
#include "kiosk/devices.h"

#include "common/log.h"

#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct control {
	int listen_fd;
	int stop_pipe[2];
	pthread_t thread;
	struct kiosk *k;
	char path[108];
};

static void post_line(struct control *c, const char *line)
{
	struct kiosk_msg *m = calloc(1, sizeof(*m));

	if (!m)
		return;
	m->kind = KIOSK_MSG_LINE;
	snprintf(m->line, sizeof(m->line), "%.511s", line);
	if (ui_sdl_wake(c->k->ui, m) != KERR_OK)
		free(m);
}

static void serve(struct control *c, int fd)
{
	char buf[1024];
	size_t used = 0;

	for (;;) {
		struct pollfd p[2] = { { fd, POLLIN, 0 }, { c->stop_pipe[0], POLLIN, 0 } };
		ssize_t n;
		char *nl;

		if (poll(p, 2, -1) < 0 || p[1].revents)
			return;
		n = read(fd, buf + used, sizeof(buf) - 1 - used);
		if (n <= 0)
			return;
		used += (size_t)n;
		buf[used] = 0;
		while ((nl = strchr(buf, '\n'))) {
			*nl = 0;
			post_line(c, buf);
			used -= (size_t)(nl + 1 - buf);
			memmove(buf, nl + 1, used + 1);
		}
		if (used == sizeof(buf) - 1)
			used = 0; /* a line longer than any command: drop it */
	}
}

static void *run(void *arg)
{
	struct control *c = arg;

	for (;;) {
		struct pollfd p[2] = { { c->listen_fd, POLLIN, 0 }, { c->stop_pipe[0], POLLIN, 0 } };
		int fd;

		if (poll(p, 2, -1) < 0 || p[1].revents)
			return NULL;
		fd = accept(c->listen_fd, NULL, NULL);
		if (fd < 0)
			continue;
		serve(c, fd);
		close(fd);
	}
}

enum kerr control_start(struct kiosk *k, const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct control *c = calloc(1, sizeof(*c));

	if (!c)
		return KERR_NOMEM;
	if (strlen(path) >= sizeof(addr.sun_path)) {
		free(c);
		return KERR_INVAL;
	}
	c->k = k;
	snprintf(c->path, sizeof(c->path), "%s", path);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	unlink(path);
	c->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->listen_fd < 0 || bind(c->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(c->listen_fd, 4) < 0 || pipe(c->stop_pipe) < 0)
		goto fail;
	if (pthread_create(&c->thread, NULL, run, c) != 0)
		goto fail;
	k->control = c;
	log_info("control: listening on %s", path);
	return KERR_OK;
fail:
	if (c->listen_fd >= 0)
		close(c->listen_fd);
	free(c);
	return KERR_IO;
}

void control_stop(struct kiosk *k)
{
	struct control *c = k->control;

	if (!c)
		return;
	if (write(c->stop_pipe[1], "x", 1) != 1)
		log_warn("control: cannot signal the control thread");
	pthread_join(c->thread, NULL);
	close(c->listen_fd);
	close(c->stop_pipe[0]);
	close(c->stop_pipe[1]);
	unlink(c->path);
	free(c);
	k->control = NULL;
}
