/* What every device class shares: status, events posted to the application, and the backend operations.
 *
 * A device is asynchronous: requests return at once and results arrive as events through the sink the device was
 * opened with. Backends with blocking I/O run a worker thread and post from it (the sink must be thread-safe: the
 * kiosk's posts an SDL user event); simulated backends schedule their results on the kiosk's clock and post them
 * from dev_poll(), so tests with a virtual clock are deterministic. */
#ifndef DRIVERS_DEVICE_H
#define DRIVERS_DEVICE_H

#include "common/clock.h"
#include "common/kerr.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dev_class { DEV_IDCARD, DEV_SCANNER, DEV_RECEIPT, DEV_DOCPRINT, DEV_KEYPAD, DEV__COUNT };

enum dev_state {
	DEV_STATE_ABSENT, /* not connected (unplugged, or never found) */
	DEV_STATE_READY,
	DEV_STATE_BUSY,   /* working on a request */
	DEV_STATE_FAULT,  /* connected but unusable until a person acts: status.fault says why */
	DEV_STATE__COUNT
};

struct dev_status {
	enum dev_state state;
	enum kerr fault;     /* with DEV_STATE_FAULT or ABSENT: PAPER_OUT, COVER_OPEN, JAMMED, NO_DEVICE ... */
	bool paper_near_end; /* printers: still printing, but a technician should come */
	char detail[96];     /* the backend's own words, for the log and the health report */
};

enum dev_event_type {
	DEV_EV_STATUS,       /* status changed, hot-plug included; value unused */
	DEV_EV_CARD,         /* idcard: a card was read; payload is struct idcard_data */
	DEV_EV_CARD_ERROR,   /* idcard: a card was found but not read; err says why */
	DEV_EV_CARD_REMOVED, /* idcard: the card left the reader */
	DEV_EV_PAGE,         /* scanner: one page; payload is struct scan_page */
	DEV_EV_SCAN_DONE,    /* scanner: the job ended; err OK, NO_DOCS (nothing to scan), JAMMED, COVER_OPEN, IO ... */
	DEV_EV_PRINT_DONE,   /* receipt or docprint: a job ended; value is the job id, err OK or the fault */
	DEV_EV_KEY,          /* keypad: a key; value is the evaluation level index 0..4 (0 = 非常满意) */
	DEV_EV_PREVIEW,      /* scanner: a live camera picture; payload is struct scan_page (RGB), or err when the
			      * camera stopped sending (the preview is then off) */
	DEV_EV__COUNT
};

struct dev_event {
	enum dev_class cls;
	enum dev_event_type type;
	enum kerr err;
	int value;
	struct dev_status status;   /* the status after this event */
	void *payload;              /* owned by the receiver of the event; release with dev_event_finish() */
	void (*payload_free)(void *payload);
};

/* The receiver of a device's events. post() takes the event by copy and owns its payload from then on. */
struct dev_sink {
	void (*post)(void *ctx, const struct dev_event *ev);
	void *ctx;
};

/* Frees an event's payload (NULL-safe). */
void dev_event_finish(struct dev_event *ev);

/* Configuration of one device, from the kiosk's configuration file ("<class>.<key> = value"). */
struct dev_config {
	char backend[16];  /* "sim", "usb", "serial"; later "sane", "cups", "hid" */
	char path[256];    /* a device path, URI or spool folder, as the backend needs */
	int latency_ms;    /* simulated backends: how long an operation takes */
	int baud;          /* serial backends: line speed, 8N1 */
	char usb_ids[128]; /* USB backends: more "VVVV:PPPP" pairs, comma separated, after the built-in table */
	char usb_endpoints[16]; /* USB backends: "IN,OUT" addresses in hex overriding the descriptors */
	char usb_port[32]; /* USB backends: only the device on this port path ("1-1.4"); empty: any */
	char lib[256];     /* a vendor library loaded at run time (idcard: the photo decoder); empty: none */
	char map[160];     /* keypad: which report bytes or serial codes mean which level; empty: default */
	int debounce_ms;   /* keypad: the same key again within this is contact bounce */
};

struct dev;

/* Operations every backend provides. Class-specific requests live in the class's own ops (see idcard.h ...),
 * which embed this struct first. */
struct dev_ops {
	const char *name;
	enum dev_class cls;
	void (*destroy)(struct dev *d);
	/* Posts any result that is due at time now (ms on the kiosk's monotonic clock). */
	void (*poll)(struct dev *d, int64_t now);
	/* The next time poll() has something to do, or INT64_MAX. */
	int64_t (*next_deadline)(struct dev *d);
	/* Test and demo hooks ("fault paper-out on", "card insert expired" ...): KERR_UNSUPPORTED on real backends. */
	enum kerr (*control)(struct dev *d, const char *cmd);
};

/* The part of every device handle the class layer reads. Backends embed it first in their own struct. */
struct dev {
	const struct dev_ops *ops;
	struct dev_sink sink;
	struct clock *clock;      /* borrowed from the kiosk; outlives the device */
	struct dev_status status;
};

/* Fills the common part of a new device. */
void dev_init(struct dev *d, const struct dev_ops *ops, const struct dev_sink *sink, struct clock *clock);
/* Destroys a device (NULL-safe). */
void dev_destroy(struct dev *d);
void dev_poll(struct dev *d, int64_t now);
int64_t dev_next_deadline(const struct dev *d);
enum kerr dev_control(struct dev *d, const char *cmd);
/* Copies the device's current status. */
void dev_get_status(const struct dev *d, struct dev_status *ret);
/* Sets the status and posts DEV_EV_STATUS when it changed. */
void dev_set_status(struct dev *d, enum dev_state state, enum kerr fault, const char *detail);
/* Posts an event of the device's class carrying the current status. payload may be NULL. */
void dev_post(struct dev *d, enum dev_event_type type, enum kerr err, int value, void *payload,
	      void (*payload_free)(void *));

const char *dev_class_str(enum dev_class c);
const char *dev_state_str(enum dev_state s);
const char *dev_event_type_str(enum dev_event_type t);

#endif
