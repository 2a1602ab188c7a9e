/* A serial port through termios: raw 8N1 at a chosen speed, non-blocking, held exclusively, and
 * opened again after it vanished (USB-serial adapters come and go). Knows nothing of protocols. */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* How long a write may wait for room in the port's buffer. Command frames are a few bytes, so a
 * wait at all means the port is stuck. */
#define SERIAL_WRITE_TIMEOUT_MS 200

/* Embedded by its user; closed until serial_port_open(). */
struct serial_port {
	char path[256];
	int baud;
	int fd;		 /* -1 while closed */
	char error[320]; /* the system's words for the last failure, for logs and kioskctl */
};

/* Remembers path and speed; opens nothing. Errors: KERR_INVAL when the path does not fit or the
 * speed is not one of 9600, 19200, 38400, 57600, 115200. */
enum kerr serial_port_init(struct serial_port *p, const char *path, int baud);
/* Opens and configures the port (no-op when open). Errors: KERR_NO_DEVICE (no such port, or it
 * hung up), KERR_PERM, KERR_BUSY (another program holds it), KERR_IO (not a serial port, or
 * configuring failed). */
enum kerr serial_port_open(struct serial_port *p);
/* Closes (no-op when closed). */
void serial_port_close(struct serial_port *p);
/* Writes all n bytes, waiting at most SERIAL_WRITE_TIMEOUT_MS for room. Errors: KERR_NO_DEVICE
 * (closed, or the port vanished: it is then closed), KERR_TIMEOUT, KERR_IO. */
enum kerr serial_port_write(struct serial_port *p, const uint8_t *buf, size_t n);
/* Copies up to cap bytes that have arrived, without waiting; *ret_n may be 0. A closed port reads
 * nothing. Errors: KERR_NO_DEVICE (the port vanished or hung up: it is then closed), KERR_IO. */
enum kerr serial_port_read(struct serial_port *p, uint8_t *buf, size_t cap, size_t *ret_n);

#endif
