/* An 80 mm ESC/POS receipt printer on USB under umockdev (tests/data/receipt_printer.umockdev),
 * shared by the receipt backend's test and kioskctl's: it answers the usbfs ioctls of its node as
 * the printer would, keeps the bulk OUT bytes (the job, for escpos_job_parse) and answers each
 * DLE EOT request on bulk IN with a status byte as scripted (ready, paper near end, paper out before
 * or during the job, cover open, offline, no answer, malformed replies), or a one-way printer's
 * GET_PORT_STATUS on the control pipe. The handler runs on umockdev's thread: every field below
 * the lock is read and written only under it (UMOCKDEV_PRINTER()). */
#ifndef TESTS_SUPPORT_UMOCKDEV_PRINTER_H
#define TESTS_SUPPORT_UMOCKDEV_PRINTER_H

#include "tests/support/umockdev_dev.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UMOCKDEV_PRINTER_REPLIES 16
#define UMOCKDEV_PRINTER_CAPTURE (128 * 1024)
/* The same printer with only its one-way setting: configuration descriptor of 25 bytes. */
#define UMOCKDEV_PRINTER_ONE_WAY                                                               \
	"12010002000000401604115000010102030109021900010100C032090400000107010100070501024000" \
	"00"

/* How the printer answers a DLE EOT request. */
enum umockdev_printer_answer {
	UMOCKDEV_PRINTER_STATUS, /* one status byte, as ESC/POS says */
	UMOCKDEV_PRINTER_NONE,	 /* nothing at all */
	UMOCKDEV_PRINTER_EMPTY,	 /* a zero-length packet */
	UMOCKDEV_PRINTER_GARBLE, /* a byte with bits 1 and 4 clear: not a status byte */
	UMOCKDEV_PRINTER_DOUBLE, /* two bytes in one packet */
	UMOCKDEV_PRINTER__COUNT
};

struct umockdev_printer_packet {
	uint8_t b[4];
	int len;
};

struct umockdev_printer {
	struct umockdev_dev u;
	pthread_mutex_t lock;
	bool gone;	   /* unplugged: every ioctl fails with ENODEV, as usbfs does */
	int alt; /* the interface's alternate setting */
	bool paper_out, near_end, cover_open, offline;
	bool run_out_on_job; /* the roll ends while the next job prints */
	enum umockdev_printer_answer answer;
	uint8_t port_status; /* GET_PORT_STATUS reply */
	int requests;	     /* DLE EOT requests seen */
	int port_requests;
	struct umockdev_printer_packet replies[UMOCKDEV_PRINTER_REPLIES];
	int n_replies;
	uint8_t *capture; /* the job bytes the printer took (owned) */
	size_t captured;
	unsigned long unknown; /* the last ioctl not understood, 0 if none */
	bool bad_urb;	       /* a URB the printer's current setting has no endpoint for */
};

/* Sets what the printer will say, or reads what it saw; the lock keeps the handler out. */
#define UMOCKDEV_PRINTER(p, stmt)                 \
	do {                                      \
		pthread_mutex_lock(&(p)->lock);   \
		stmt;                             \
		pthread_mutex_unlock(&(p)->lock); \
	} while (0)

/* A ready printer, plugged in, usblp bound; descriptors (hex) replace the file's when not NULL,
 * as UMOCKDEV_PRINTER_ONE_WAY. Fails the test on error. */
void umockdev_printer_init(struct umockdev_printer *p, const char *descriptors);
/* Unplugs it if still there and frees everything. */
void umockdev_printer_finish(struct umockdev_printer *p);
void umockdev_printer_plug(struct umockdev_printer *p);
void umockdev_printer_unplug(struct umockdev_printer *p);

#endif
