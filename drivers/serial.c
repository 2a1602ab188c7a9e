/* termios serial ports. errno is translated to the kiosk's codes in one place, errno_kerr(). */
#include "drivers/serial.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

static const struct {
	int baud;
	speed_t speed;
} speeds[] = {
	{ 9600, B9600 },   { 19200, B19200 },	{ 38400, B38400 },
	{ 57600, B57600 }, { 115200, B115200 },
};

static enum kerr errno_kerr(int err)
{
	switch (err) {
	case ENOENT:
	case ENXIO:
	case ENODEV:
	case EIO: /* a pty whose other side closed, a USB adapter pulled mid-read */
		return KERR_NO_DEVICE;
	case EACCES:
	case EPERM:
		return KERR_PERM;
	case EBUSY:
		return KERR_BUSY;
	case ENOMEM:
		return KERR_NOMEM;
	default:
		return KERR_IO;
	}
}

/* Records the system's words for a failure and closes the port when it is gone. */
static enum kerr failed(struct serial_port *p, const char *what, int err)
{
	enum kerr e = errno_kerr(err);

	snprintf(p->error, sizeof(p->error), "%.24s %.200s: %.80s", what, p->path, strerror(err));
	if (e == KERR_NO_DEVICE)
		serial_port_close(p);
	return e;
}

enum kerr serial_port_init(struct serial_port *p, const char *path, int baud)
{
	bool known = false;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		known |= speeds[i].baud == baud;
	if (!known || !path || !path[0] || strlen(path) >= sizeof(p->path))
		return KERR_INVAL;
	snprintf(p->path, sizeof(p->path), "%s", path);
	p->baud = baud;
	return KERR_OK;
}

static speed_t speed_of(int baud)
{
	for (size_t i = 0; i < sizeof(speeds) / sizeof(speeds[0]); i++)
		if (speeds[i].baud == baud)
			return speeds[i].speed;
	return B115200;
}

enum kerr serial_port_open(struct serial_port *p)
{
	struct termios tio;
	int fd;

	if (p->fd >= 0)
		return KERR_OK;
	/* O_NOCTTY: a reader must never become the kiosk's controlling terminal. */
	fd = open(p->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return failed(p, "open", errno);
	if (tcgetattr(fd, &tio) != 0) {
		int err = errno;

		close(fd);
		return failed(p, "not a serial port:", err == ENOTTY ? EINVAL : err);
	}
	/* Raw 8N1 with no flow control; VMIN 1 so that an empty port reads EAGAIN and a hung-up
	 * one reads 0, which tells them apart. */
	cfmakeraw(&tio);
	tio.c_cflag &= ~(tcflag_t)(CSTOPB | PARENB | CRTSCTS);
	tio.c_cflag |= CLOCAL | CREAD | CS8;
	tio.c_cc[VMIN] = 1;
	tio.c_cc[VTIME] = 0;
	cfsetispeed(&tio, speed_of(p->baud));
	cfsetospeed(&tio, speed_of(p->baud));
	if (tcsetattr(fd, TCSANOW, &tio) != 0) {
		int err = errno;

		close(fd);
		return failed(p, "configure", err);
	}
	/* Another program talking to the module mid-exchange would corrupt both conversations. */
	if (ioctl(fd, TIOCEXCL) != 0) {
		int err = errno;

		close(fd);
		return failed(p, "lock", err);
	}
	tcflush(fd, TCIOFLUSH);
	p->fd = fd;
	p->error[0] = 0;
	return KERR_OK;
}

void serial_port_close(struct serial_port *p)
{
	if (p->fd < 0)
		return;
	/* Exclusivity outlives the descriptor while anyone else holds the tty open (a pty's other
	 * side does): give it back, or the next open of the same port fails. */
	ioctl(p->fd, TIOCNXCL);
	close(p->fd);
	p->fd = -1;
}

enum kerr serial_port_write(struct serial_port *p, const uint8_t *buf, size_t n)
{
	if (p->fd < 0)
		return KERR_NO_DEVICE;
	while (n > 0) {
		struct pollfd pfd = { .fd = p->fd, .events = POLLOUT };
		ssize_t w = write(p->fd, buf, n);

		if (w > 0) {
			buf += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno != EAGAIN)
			return failed(p, "write", errno);
		if (poll(&pfd, 1, SERIAL_WRITE_TIMEOUT_MS) == 0) {
			snprintf(p->error, sizeof(p->error), "write %.200s: no room for %d ms",
				 p->path, SERIAL_WRITE_TIMEOUT_MS);
			return KERR_TIMEOUT;
		}
		if (pfd.revents & (POLLHUP | POLLERR))
			return failed(p, "write", EIO);
	}
	return KERR_OK;
}

enum kerr serial_port_read(struct serial_port *p, uint8_t *buf, size_t cap, size_t *ret_n)
{
	ssize_t r;

	if (p->fd < 0) {
		*ret_n = 0;
		return KERR_OK;
	}
	do
		r = read(p->fd, buf, cap);
	while (r < 0 && errno == EINTR);
	if (r < 0 && errno == EAGAIN) {
		*ret_n = 0;
		return KERR_OK;
	}
	if (r < 0)
		return failed(p, "read", errno);
	if (r == 0 && cap > 0)
		return failed(p, "read", EIO); /* hung up */
	*ret_n = (size_t)r;
	return KERR_OK;
}
